//! The real transport: every API request is a [`gloo_net::http::Request`], sent with the
//! global `fetch`; sleeping, the timeouts and cancellation are ours (`setTimeout` and an
//! `AbortController` per request: gloo-net has none of them). `setTimeout`,
//! `Date.now()` and `performance.now()` are all taken from the global scope, so it works
//! the same in a page, a dedicated worker and an extension's service worker (which has
//! no `window`).
//!
//! Requests never follow redirects (`redirect: "manual"`): a 3xx answer ends the request
//! as an opaque redirect, reported as [`Error::Network`] saying so, and the browser never
//! sends the `Authorization` header on to the redirect's target. (`redirect: "error"`
//! is as safe, but the browser then rejects with the same `TypeError` as when offline,
//! so the error could not say what happened.)

use super::{HttpRequest, OpToken, Transport};
use crate::api::decode::{RateHeaders, RawResponse};
use crate::api::error::Error;
use gloo_net::http::{Request, RequestBuilder};
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestRedirect, ResponseType};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The message of the error a redirect becomes.
pub const REDIRECT_MESSAGE: &str =
    "the API answered with a redirect, which is not followed: the key is sent only to the configured API base URL";

#[derive(Default)]
struct CancelState {
    generation: Cell<OpToken>,
    in_flight: RefCell<Vec<AbortController>>,
    sleepers: RefCell<Vec<Function>>,
}

/// `fetch`-based [`Transport`] with per-request timeouts and cancellation.
///
/// [`FetchTransport::cancel`] ends every operation started before it: in-flight
/// requests are aborted and pending sleeps end at once, each reporting
/// [`Error::Cancelled`]. Operations started afterwards run normally.
#[derive(Clone, Default)]
pub struct FetchTransport {
    state: Rc<CancelState>,
}

impl std::fmt::Debug for FetchTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchTransport").field("generation", &self.state.generation.get()).finish()
    }
}

impl FetchTransport {
    /// A transport with nothing in flight.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels every operation started so far.
    pub fn cancel(&self) {
        let s = &self.state;
        s.generation.set(s.generation.get() + 1);
        for c in s.in_flight.borrow_mut().drain(..) {
            c.abort();
        }
        for wake in s.sleepers.borrow_mut().drain(..) {
            let _ = wake.call0(&JsValue::NULL);
        }
    }

    fn check(&self, op: OpToken) -> Result<(), Error> {
        if self.state.generation.get() == op {
            Ok(())
        } else {
            Err(Error::Cancelled)
        }
    }

    /// Sends one request (a GET, or a POST of `body` as JSON) with the timeout and
    /// cancellation of `op`.
    async fn send(&self, op: OpToken, request: &HttpRequest, body: Option<&str>) -> Result<RawResponse, Error> {
        self.check(op)?;
        let controller = AbortController::new().map_err(|e| Error::Network(js_message(&e)))?;
        self.state.in_flight.borrow_mut().push(controller.clone());
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            Closure::once(move || {
                timed_out.set(true);
                controller.abort();
            })
        };
        let timer = set_timeout(on_timeout.as_ref().unchecked_ref(), f64::from(request.timeout_ms));

        let result = async {
            let mut bearer = String::from("Bearer ");
            bearer.push_str(request.api_key.expose());
            // The key is printable ASCII without spaces (`ApiKey::new`): a valid header value.
            let builder = |b: RequestBuilder| {
                b.header("Authorization", &bearer)
                    .header("Accept", "application/json")
                    .redirect(RequestRedirect::Manual)
                    .abort_signal(Some(&controller.signal()))
            };
            let req = match body {
                Some(text) => {
                    builder(Request::post(&request.url)).header("Content-Type", "application/json").body(text)?
                }
                None => builder(Request::get(&request.url)).build()?,
            };
            let resp = req.send().await?;
            if resp.type_() == ResponseType::Opaqueredirect {
                return Ok(None);
            }
            let headers = resp.headers();
            let headers = RateHeaders::from_lookup(|name| headers.get(name));
            let status = resp.status();
            let body = resp.text().await?;
            Ok::<_, gloo_net::Error>(Some(RawResponse { status, headers, body }))
        }
        .await;

        clear_timeout(&timer);
        drop(on_timeout);
        self.forget_controller(&controller);
        let result = match result {
            Ok(Some(resp)) => Ok(resp),
            Ok(None) => return Err(Error::Network(REDIRECT_MESSAGE.into())),
            Err(e) => Err(e),
        };
        result.map_err(|e| {
            if self.check(op).is_err() {
                Error::Cancelled
            } else if timed_out.get() {
                Error::Timeout { after_ms: request.timeout_ms }
            } else {
                Error::Network(request_message(e))
            }
        })
    }

    fn forget_controller(&self, c: &AbortController) {
        self.state.in_flight.borrow_mut().retain(|x| x != c);
    }
}

/// What a failed request says: the JavaScript error's message (`Failed to fetch`,
/// `NetworkError when attempting to fetch resource.`), as before gloo-net.
fn request_message(e: gloo_net::Error) -> String {
    match e {
        gloo_net::Error::JsError(e) => e.message,
        gloo_net::Error::GlooError(m) => m,
    }
}

fn js_message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".into())
}

impl Transport for FetchTransport {
    fn cancel(&self) {
        FetchTransport::cancel(self);
    }

    fn begin(&self) -> OpToken {
        self.state.generation.get()
    }

    async fn get(&self, op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        self.send(op, request, None).await
    }

    async fn post(&self, op: OpToken, request: &HttpRequest, body: &str) -> Result<RawResponse, Error> {
        self.send(op, request, Some(body)).await
    }

    async fn sleep(&self, op: OpToken, ms: f64) -> Result<(), Error> {
        self.check(op)?;
        let mut wake: Option<Function> = None;
        let promise = Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, ms);
            wake = Some(resolve);
        });
        if let Some(w) = &wake {
            self.state.sleepers.borrow_mut().push(w.clone());
        }
        let _ = JsFuture::from(promise).await;
        if let Some(w) = &wake {
            self.state.sleepers.borrow_mut().retain(|x| x != w);
        }
        self.check(op)
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn monotonic_ms(&self) -> f64 {
        performance_now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }
}
