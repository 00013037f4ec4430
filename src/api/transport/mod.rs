//! The seam between the client's logic and the network.
//!
//! [`Transport`] is everything the client needs from its host: send a GET (or a POST
//! with a JSON body, for the two write endpoints), sleep, read
//! the clocks (wall and monotonic) and a random number. `fetch::FetchTransport` (WebAssembly only) is the
//! real one: gloo-net requests over the global `fetch`, with its own timeouts,
//! cancellation and sleeps; native tests supply a fake with a fake clock.

#[cfg(target_arch = "wasm32")]
pub mod fetch;

use crate::api::config::ApiKey;
use crate::api::decode::RawResponse;
use crate::api::error::Error;
use std::fmt;

/// A GET request to the API.
#[derive(Clone)]
pub struct HttpRequest {
    /// The full URL, query included.
    pub url: String,
    /// Sent as `Authorization: Bearer <key>`.
    pub api_key: ApiKey,
    /// Abort and report [`Error::Timeout`] after this long.
    pub timeout_ms: u32,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest").field("url", &self.url).field("timeout_ms", &self.timeout_ms).finish()
    }
}

/// An operation token: every request and sleep of one client operation carries the
/// token its operation started with, so cancelling ends all of them.
pub type OpToken = u64;

/// What the client needs from its host.
#[allow(async_fn_in_trait)] // single-threaded WebAssembly: no Send bound wanted
pub trait Transport {
    /// Starts an operation and returns its token.
    fn begin(&self) -> OpToken {
        0
    }

    /// Sends a GET and returns the response, whatever its status.
    ///
    /// # Errors
    /// [`Error::Network`], [`Error::Timeout`] or [`Error::Cancelled`]: no response.
    async fn get(&self, op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error>;

    /// Sends a POST with `body` as `application/json` and returns the response,
    /// whatever its status. Transports that cannot write (read-only fakes) keep the
    /// default, which sends nothing.
    ///
    /// # Errors
    /// As [`Transport::get`]; the default: [`Error::InvalidInput`] (never sent).
    async fn post(&self, op: OpToken, request: &HttpRequest, body: &str) -> Result<RawResponse, Error> {
        let _ = (op, request, body);
        Err(Error::invalid(crate::api::error::Invalid::NoWrites, ""))
    }

    /// Waits `ms` milliseconds.
    ///
    /// # Errors
    /// [`Error::Cancelled`] when the operation is cancelled meanwhile.
    async fn sleep(&self, op: OpToken, ms: f64) -> Result<(), Error>;

    /// Milliseconds since the Unix epoch: for timestamps and the server's reset times.
    /// It may jump when the system clock is changed.
    fn now_ms(&self) -> f64;

    /// Milliseconds on a monotonic clock (`performance.now()` on WebAssembly): pacing
    /// and elapsed times run on it, so a system clock change never stretches a wait.
    /// Defaults to [`Transport::now_ms`], for fakes with one clock.
    fn monotonic_ms(&self) -> f64 {
        self.now_ms()
    }

    /// A random number in `[0, 1)`, for backoff jitter.
    fn random(&self) -> f64;

    /// Ends every operation started so far: each reports [`Error::Cancelled`]. The
    /// default does nothing (fakes whose operations never pend).
    fn cancel(&self) {}
}
