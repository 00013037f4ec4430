//! Native tests of the client's security guarantees, over a fake transport whose wall
//! clock and monotonic clock can disagree (as they do when the system clock changes):
//! pacing never stalls on a clock change, and the API key never survives in a clipped
//! error message.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

use pending_core::api::decode::{RateHeaders, RawResponse};
use pending_core::api::transport::OpToken;
use pending_core::{Client, Config, Error, HttpRequest, Transport};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

const KEY: &str = "sk_live_0123456789abcdefSECRET";
const DAY_MS: f64 = 86_400_000.0;

/// Runs a future whose every await is ready at once (the fake transport never pends).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the fake transport never pends"),
    }
}

type Handler = Box<dyn FnMut(&str, usize) -> RawResponse>;

/// A transport whose monotonic clock advances only by sleeps and request latency, and
/// whose wall clock is the monotonic one plus an offset the test may change.
struct Fake {
    mono: Cell<f64>,
    wall_offset: Cell<f64>,
    /// Wall clock jumps `(after this many requests, by this much)`, made as the next
    /// request is sent.
    jumps: RefCell<Vec<(usize, f64)>>,
    /// The same for the monotonic clock: a broken host whose "monotonic" clock is not.
    mono_jumps: RefCell<Vec<(usize, f64)>>,
    handler: RefCell<Handler>,
    requests: Cell<usize>,
    sleeps: RefCell<Vec<f64>>,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fake")
    }
}

impl Fake {
    fn new(handler: impl FnMut(&str, usize) -> RawResponse + 'static) -> Self {
        Fake {
            mono: Cell::new(1_000.0),
            wall_offset: Cell::new(1_777_000_000_000.0),
            jumps: RefCell::new(Vec::new()),
            mono_jumps: RefCell::new(Vec::new()),
            handler: RefCell::new(Box::new(handler)),
            requests: Cell::new(0),
            sleeps: RefCell::new(Vec::new()),
        }
    }

    fn total_sleep(&self) -> f64 {
        self.sleeps.borrow().iter().sum()
    }
}

impl Transport for Fake {
    async fn get(&self, _op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        let n = self.requests.get();
        for (after, by) in self.jumps.borrow().iter() {
            if *after == n {
                self.wall_offset.set(self.wall_offset.get() + by);
            }
        }
        for (after, by) in self.mono_jumps.borrow().iter() {
            if *after == n {
                self.mono.set(self.mono.get() + by);
            }
        }
        self.requests.set(n + 1);
        self.mono.set(self.mono.get() + 5.0);
        Ok((self.handler.borrow_mut())(&request.url, n))
    }
    async fn sleep(&self, _op: OpToken, ms: f64) -> Result<(), Error> {
        assert!(ms >= 0.0 && ms.is_finite(), "sleep of {ms} ms");
        self.sleeps.borrow_mut().push(ms);
        self.mono.set(self.mono.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.mono.get() + self.wall_offset.get()
    }
    fn monotonic_ms(&self) -> f64 {
        self.mono.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
}

fn page(url: &str, total: usize) -> RawResponse {
    if !url.contains("startIndex=") {
        // The connection count (an older deployment without it).
        return RawResponse { status: 404, headers: RateHeaders::default(), body: "{}".into() };
    }
    let start: usize = url.split("startIndex=").nth(1).and_then(|s| s.split('&').next()).unwrap().parse().unwrap();
    let items: Vec<String> = (start..(start + 10).min(total)).map(|i| format!(r#"{{"invitationId":"{i}"}}"#)).collect();
    RawResponse { status: 200, headers: RateHeaders::default(), body: format!(r#"{{"invitations":[{}]}}"#, items.join(",")) }
}

fn config() -> Config {
    Config::new("https://api.example.test/linkedin", KEY, None).unwrap()
}

#[test]
fn the_wall_clock_going_back_a_day_never_stalls_a_sync() {
    let fake = Fake::new(|url, _| page(url, 95));
    // After the 3rd request the system clock is set back a day; after the 6th, forward two.
    fake.jumps.borrow_mut().extend([(3, -DAY_MS), (6, 2.0 * DAY_MS)]);
    let client = Client::new(config(), fake);
    let snap = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!((snap.counts.sent, snap.counts.received), (95, 95));
    assert_eq!(snap.cost.requests, 21, "20 pages and the connection count");
    let fake = client.transport();
    // Only the 250 ms spacing is ever waited: 20 gaps between 21 requests, 5 ms of which
    // each request's latency already covers.
    assert!(fake.sleeps.borrow().iter().all(|ms| *ms <= 250.0), "{:?}", fake.sleeps.borrow());
    assert!(fake.total_sleep() <= 20.0 * 250.0, "slept {} ms", fake.total_sleep());
    // The sync's duration is monotonic too: neither negative nor a day long.
    assert!((0.0..60_000.0).contains(&snap.cost.duration_ms), "{}", snap.cost.duration_ms);
}

#[test]
fn a_server_reset_time_becomes_a_monotonic_hold() {
    // The first answer says the window is used up and resets in 10 s (epoch seconds);
    // then the wall clock goes back a day. The hold still ends 10 s + the 5 s margin later.
    let reset_s = ((1_000.0 + 5.0 + 1_777_000_000_000.0) / 1000.0_f64).round() + 10.0;
    let fake = Fake::new(move |url, n| {
        let mut r = page(url, 12);
        if n == 0 {
            r.headers.remaining = Some("0".into());
            r.headers.reset = Some(format!("{reset_s}"));
        }
        r
    });
    fake.jumps.borrow_mut().push((1, -DAY_MS));
    let client = Client::new(config(), fake);
    block_on(client.sync(&mut |_| {})).unwrap();
    let sleeps = client.transport().sleeps.borrow().clone();
    assert!((14_000.0..=16_000.0).contains(&sleeps[0]), "held {} ms", sleeps[0]);
    assert!(sleeps[1..].iter().all(|ms| *ms <= 250.0), "{sleeps:?}");
}

#[test]
fn no_single_wait_exceeds_the_policy() {
    // Even a host whose monotonic clock goes back a day gets waits no longer than the
    // longest the policy allows (a 120 s rate-limit wait plus its 5 s margin), never a
    // day-long one, and the sync still ends.
    let fake = Fake::new(|url, _| page(url, 25));
    fake.mono_jumps.borrow_mut().push((2, -DAY_MS));
    let client = Client::new(config(), fake);
    let snap = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!(snap.counts.sent, 25);
    let sleeps = client.transport().sleeps.borrow().clone();
    assert!(sleeps.iter().all(|ms| *ms <= 125_000.0), "{sleeps:?}");
    assert!(sleeps.iter().any(|ms| *ms > 250.0), "the broken clock did ask for a long wait: {sleeps:?}");
}

/// Every prefix of the key long enough to help guess it (8 characters and more).
fn leaks_key(text: &str) -> bool {
    (8..=KEY.len()).any(|n| text.contains(&KEY[..n]))
}

#[test]
fn the_key_is_scrubbed_before_a_message_is_clipped() {
    // Error messages keep 300 characters of server text: put the key across that boundary.
    for pad in [280, 290, 295, 299, 300] {
        let body = format!(r#"{{"error":"{}{KEY} is not valid"}}"#, "x".repeat(pad));
        let client = Client::new(config(), Fake::new(move |_, _| RawResponse { status: 401, headers: RateHeaders::default(), body: body.clone() }));
        let e = block_on(client.sent_page(0)).unwrap_err();
        assert_eq!(e.kind(), "unauthorized");
        let text = format!("{e} {:?} {}", e, e.report().message);
        assert!(!leaks_key(&text), "pad {pad}: {text}");
    }
    // A body that is not JSON is quoted by a 60-character excerpt: the key across it.
    for pad in [40, 50, 55, 59] {
        let body = format!("<html><body>{} {KEY} denied</body></html>", "y".repeat(pad));
        let client = Client::new(config(), Fake::new(move |_, _| RawResponse { status: 200, headers: RateHeaders::default(), body: body.clone() }));
        let e = block_on(client.sent_page(0)).unwrap_err();
        assert_eq!(e.kind(), "decode");
        assert!(!leaks_key(&e.to_string()), "pad {pad}: {e}");
    }
    // A key echoed inside a `success: false` body on a 200 and in a 429's message.
    for (status, body) in [
        (200, format!(r#"{{"success":false,"message":"{}{KEY}"}}"#, "z".repeat(297))),
        (429, format!(r#"{{"success":false,"error":"{}{KEY}","holdUntil":"2099-01-01T00:00:00Z"}}"#, "z".repeat(296))),
    ] {
        let client = Client::new(config(), Fake::new(move |_, _| RawResponse { status, headers: RateHeaders::default(), body: body.clone() }));
        let e = block_on(client.sent_page(0)).unwrap_err();
        assert!(!leaks_key(&e.to_string()), "{status}: {e}");
    }
}
