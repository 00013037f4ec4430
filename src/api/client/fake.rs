//! A fake transport for native tests: a clock that advances only when the client
//! sleeps (or a request takes its latency), and a fake API of pending invitations.
//! Shared by the client's tests and by the tests of the layers above that drive a
//! client (the refresh policy's quiet day).

use crate::api::config::Config;
use crate::api::decode::{RateHeaders, RawResponse};
use crate::api::error::Error;
use crate::api::transport::{HttpRequest, OpToken, Transport};
use serde_json::json;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Runs a future whose every await is ready at once (the fake transport never pends).
pub(crate) fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the fake transport never pends"),
    }
}

pub(crate) type Handler = Box<dyn FnMut(&str, f64) -> Result<RawResponse, Error>>;

pub(crate) struct Fake {
    pub(crate) now: Cell<f64>,
    pub(crate) latency_ms: f64,
    pub(crate) handler: RefCell<Handler>,
    /// Extra network delay, varying per request between 0 and this.
    pub(crate) jitter_ms: f64,
    pub(crate) requests: RefCell<Vec<(f64, String)>>,
    /// The body of every POST, in order.
    pub(crate) bodies: RefCell<Vec<String>>,
    /// When each request reached the server: sent + delay.
    pub(crate) arrivals: RefCell<Vec<f64>>,
    pub(crate) sleeps: RefCell<Vec<f64>>,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fake")
    }
}

impl Fake {
    pub(crate) fn new(handler: impl FnMut(&str, f64) -> Result<RawResponse, Error> + 'static) -> Self {
        Fake {
            now: Cell::new(1_777_000_000_000.0),
            latency_ms: 5.0,
            handler: RefCell::new(Box::new(handler)),
            jitter_ms: 0.0,
            requests: RefCell::new(Vec::new()),
            bodies: RefCell::new(Vec::new()),
            arrivals: RefCell::new(Vec::new()),
            sleeps: RefCell::new(Vec::new()),
        }
    }
}

impl Transport for Fake {
    async fn get(&self, _op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        assert_eq!(request.api_key.expose(), "test-key");
        let now = self.now.get();
        let n = self.requests.borrow().len();
        self.requests.borrow_mut().push((now, request.url.clone()));
        // A deterministic spread of delays: request n waits (n * 7919 mod 1000) / 1000 of the jitter.
        let delay = self.latency_ms + self.jitter_ms * ((n * 7919) % 1000) as f64 / 1000.0;
        self.arrivals.borrow_mut().push(now + delay);
        self.now.set(now + delay);
        (self.handler.borrow_mut())(&request.url, now)
    }
    async fn post(&self, op: OpToken, request: &HttpRequest, body: &str) -> Result<RawResponse, Error> {
        self.bodies.borrow_mut().push(body.to_string());
        self.get(op, request).await
    }
    async fn sleep(&self, _op: OpToken, ms: f64) -> Result<(), Error> {
        assert!(ms >= 0.0 && ms.is_finite());
        self.sleeps.borrow_mut().push(ms);
        self.now.set(self.now.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

pub(crate) fn ok(body: serde_json::Value) -> Result<RawResponse, Error> {
    Ok(RawResponse { status: 200, headers: RateHeaders::default(), body: body.to_string() })
}

pub(crate) fn status(code: u16, body: &str) -> Result<RawResponse, Error> {
    Ok(RawResponse { status: code, headers: RateHeaders::default(), body: body.into() })
}

pub(crate) fn query(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    q.split('&').find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

/// A fake API: `sent` and `received` pending invitations, 10 per page; `eol` sends the
/// newer edition's `endOfList` on received pages; `count` answers
/// `/analytics/connections/count` (404 when `None`, as an older deployment would).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Api {
    pub(crate) sent: usize,
    pub(crate) received: usize,
    pub(crate) eol: bool,
    pub(crate) count: Option<u64>,
}

pub(crate) fn serve(api: Api) -> impl FnMut(&str, f64) -> Result<RawResponse, Error> {
    move |url, _| {
        if url.contains("/analytics/connections/count") {
            return match api.count {
                Some(n) => ok(json!({"success": true, "accountId": "acc", "connectionCount": n})),
                None => status(404, r#"{"success":false,"error":"Cannot GET /analytics/connections/count"}"#),
            };
        }
        let start: usize = query(url, "startIndex").unwrap().parse().unwrap();
        let (n, prefix) = if url.contains("/invitations/sent") { (api.sent, "s") } else { (api.received, "r") };
        let cats = ["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW"];
        let items: Vec<_> = (start..(start + 10).min(n))
            .map(|i| json!({"invitationId": format!("{prefix}{i}"), "invitationCategory": cats[i % 5], "sentAt": "1 week ago"}))
            .collect();
        let mut body = json!({"success": true, "startIndex": start, "accountId": "acc"});
        if api.eol && prefix == "r" {
            body["endOfList"] = json!(items.is_empty());
        }
        body["invitations"] = json!(items);
        ok(body)
    }
}

/// The older edition: no `endOfList`, no count endpoint.
pub(crate) fn lists(sent: usize, received: usize) -> impl FnMut(&str, f64) -> Result<RawResponse, Error> {
    serve(Api { sent, received, ..Api::default() })
}

pub(crate) fn config() -> Config {
    Config::new("https://api.example.test/linkedin", "test-key", Some("696ce9e780e0483585e4e553")).unwrap()
}
