//! The one error type of the crate.
//!
//! Its variants answer the question retry logic and the UI both ask: did the request
//! reach the server? [`Error::InvalidInput`] was never sent; [`Error::Network`],
//! [`Error::Timeout`] and [`Error::Cancelled`] got no response; [`Error::Api`] and
//! [`Error::RateLimited`] are answers from the server; [`Error::Decode`] is a success
//! status whose body could not be read; [`Error::Pagination`] is a server that broke the
//! paging contract. [`Error::kind`] gives a stable string the UI maps to words.

use serde::Serialize;
use tsify::Tsify;
use std::fmt;

/// Every failure the client can report.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The request was never sent: a configuration value or argument is invalid.
    InvalidInput {
        /// What is invalid, as a code the pages word.
        reason: Invalid,
        /// For developers (logs, `Display`): what exactly, never shown to a user.
        detail: String,
    },
    /// The request got no HTTP response (offline, DNS, connection refused, a missing
    /// host permission, a CORS refusal).
    Network(String),
    /// No response arrived within the configured timeout.
    Timeout {
        /// The timeout that expired, in milliseconds.
        after_ms: u32,
    },
    /// The operation was cancelled by the caller.
    Cancelled,
    /// The server answered with an error status (or a 2xx body saying `success: false`).
    Api {
        /// The HTTP status.
        status: u16,
        /// The message taken from the error body, or the status text.
        message: String,
        /// The body's machine-readable `code`, when it has one.
        code: Option<String>,
    },
    /// The server refused the request because of a rate limit (HTTP 429).
    RateLimited {
        /// The HTTP status (429).
        status: u16,
        /// The message taken from the error body.
        message: String,
        /// When a retry is allowed, in epoch milliseconds, if the server said.
        retry_at_ms: Option<f64>,
    },
    /// A success response whose body is not what the endpoint documents.
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// The JSON path that failed (`invitations[3].profile.firstName`), empty for
        /// a body that is not JSON at all.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// The server broke the paging contract; the walk stopped instead of looping.
    Pagination(PaginationError),
}

/// What is invalid about an input that was never sent: a stable code the pages word
/// (`inv_<code>` in `extension/_locales`), serialized in snake_case ([`Invalid::as_str`],
/// written by hand: one spelling of each code in the WebAssembly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    /// The API key is empty.
    ApiKeyEmpty,
    /// The API key holds spaces or characters a key cannot have.
    ApiKeyCharacters,
    /// The API base URL does not start with `https://`.
    BaseUrlScheme,
    /// The API base URL has a port that is not a number.
    BaseUrlPort,
    /// The API base URL is not a plain http(s) URL (credentials, a query, blanks…).
    BaseUrlShape,
    /// The API base URL uses `http://` for a host other than localhost.
    BaseUrlHttp,
    /// The account id holds other characters than letters, digits, `-` and `_`.
    AccountId,
    /// A timeout or rate limit setting is 0.
    Limits,
    /// No API key is set.
    NoKey,
    /// There is no stored data of this account yet: refresh first.
    NoSnapshot,
    /// This transport cannot send writes.
    NoWrites,
    /// An action run is in progress.
    Busy,
    /// An action run was asked for without any item.
    NothingToDo,
    /// The invitation lacks a field the API needs to act on it.
    MissingField,
    /// A page sent a request the background cannot read (a bug of the page).
    Request,
    /// A page passed a value the crate cannot read (a bug of the page).
    Argument,
}

impl Invalid {
    const ALL: [Invalid; 16] = [
        Invalid::ApiKeyEmpty,
        Invalid::ApiKeyCharacters,
        Invalid::BaseUrlScheme,
        Invalid::BaseUrlPort,
        Invalid::BaseUrlShape,
        Invalid::BaseUrlHttp,
        Invalid::AccountId,
        Invalid::Limits,
        Invalid::NoKey,
        Invalid::NoSnapshot,
        Invalid::NoWrites,
        Invalid::Busy,
        Invalid::NothingToDo,
        Invalid::MissingField,
        Invalid::Request,
        Invalid::Argument,
    ];

    /// The code as serialized: `api_key_empty`, `no_snapshot`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Invalid::ApiKeyEmpty => "api_key_empty",
            Invalid::ApiKeyCharacters => "api_key_characters",
            Invalid::BaseUrlScheme => "base_url_scheme",
            Invalid::BaseUrlPort => "base_url_port",
            Invalid::BaseUrlShape => "base_url_shape",
            Invalid::BaseUrlHttp => "base_url_http",
            Invalid::AccountId => "account_id",
            Invalid::Limits => "limits",
            Invalid::NoKey => "no_key",
            Invalid::NoSnapshot => "no_snapshot",
            Invalid::NoWrites => "no_writes",
            Invalid::Busy => "busy",
            Invalid::NothingToDo => "nothing_to_do",
            Invalid::MissingField => "missing_field",
            Invalid::Request => "request",
            Invalid::Argument => "argument",
        }
    }

    /// Reads [`Invalid::as_str`]'s spelling (exactly).
    pub fn parse(s: &str) -> Option<Invalid> {
        Invalid::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

impl Serialize for Invalid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How a list walk can fail to make progress.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaginationError {
    /// The server echoed a `startIndex` lower than the one requested.
    NotAdvancing {
        /// The offset the client asked for.
        requested: u32,
        /// The offset the server said it served.
        echoed: u32,
    },
    /// A non-empty page held only items already seen in this walk.
    RepeatedPage {
        /// The offset of the repeated page.
        start_index: u32,
    },
    /// Several empty pages in a row said `endOfList: false`: LinkedIn is not returning
    /// the rest of the list right now.
    EmptyPages {
        /// The offset that kept coming back empty.
        start_index: u32,
        /// How many empty pages came in a row.
        pages: u32,
    },
    /// Several pages in a row held items none of which could be read.
    UnreadablePages {
        /// The offset of the last such page.
        start_index: u32,
        /// How many came in a row.
        pages: u32,
    },
    /// The walk reached its page cap with more pages still announced.
    PageCap {
        /// The cap.
        max_pages: u32,
    },
}

impl Error {
    /// A stable, lower-case identifier of the error's kind, for the UI to map to words:
    /// `invalid_input`, `network`, `timeout`, `cancelled`, `unauthorized` (401),
    /// `forbidden` (403), `no_account` (404), `bad_request` (400), `server` (5xx),
    /// `http` (any other status), `api` (a 2xx saying `success: false`),
    /// `unavailable` (the newer API's `INVITATIONS_UNAVAILABLE` / `CONNECTIONS_UNAVAILABLE`:
    /// LinkedIn returned nothing for now), `rate_limited`, `decode` or `pagination`.
    pub fn kind(&self) -> &'static str {
        if self.is_unavailable() {
            return "unavailable";
        }
        match self {
            Error::InvalidInput { .. } => "invalid_input",
            Error::Network(_) => "network",
            Error::Timeout { .. } => "timeout",
            Error::Cancelled => "cancelled",
            Error::Api { status, .. } => match status {
                400 => "bad_request",
                401 => "unauthorized",
                403 => "forbidden",
                404 => "no_account",
                200..=299 => "api",
                500..=599 => "server",
                _ => "http",
            },
            Error::RateLimited { .. } => "rate_limited",
            Error::Decode { .. } => "decode",
            Error::Pagination(_) => "pagination",
        }
    }

    /// Whether the server said LinkedIn returned nothing for now while items are still
    /// pending (a `code` ending in `_UNAVAILABLE`, such as `INVITATIONS_UNAVAILABLE`, on
    /// any status): to be retried, never read as an empty list.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Error::Api { code: Some(code), .. } if code.trim().to_ascii_uppercase().ends_with("_UNAVAILABLE"))
    }

    /// The HTTP status, for errors that carry a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::RateLimited { status, .. } | Error::Decode { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// Whether the request reached the server and got an HTTP answer.
    pub fn reached_server(&self) -> bool {
        self.status().is_some() || matches!(self, Error::Pagination(_))
    }

    /// Whether trying the same request again later may succeed: network failures,
    /// timeouts, rate limits and the transient server statuses (500, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Network(_) | Error::Timeout { .. } | Error::RateLimited { .. } => true,
            Error::Api { status, .. } => matches!(status, 500 | 502 | 503 | 504) || self.is_unavailable(),
            _ => false,
        }
    }

    /// When the server allows a retry, in epoch milliseconds, for rate-limit errors.
    pub fn retry_at_ms(&self) -> Option<f64> {
        match self {
            Error::RateLimited { retry_at_ms, .. } => *retry_at_ms,
            _ => None,
        }
    }

    /// The same error with every occurrence of `secret` in its text replaced by `***`:
    /// a server that echoes the API key back in an error body must not put it on screen.
    pub fn redact(self, secret: &str) -> Error {
        if secret.is_empty() {
            return self;
        }
        let clean = |m: String| if m.contains(secret) { m.replace(secret, "***") } else { m };
        match self {
            Error::Api { status, message, code } => Error::Api { status, message: clean(message), code: code.map(clean) },
            Error::RateLimited { status, message, retry_at_ms } => Error::RateLimited { status, message: clean(message), retry_at_ms },
            Error::Decode { status, path, message } => Error::Decode { status, path, message: clean(message) },
            Error::Network(m) => Error::Network(clean(m)),
            Error::InvalidInput { reason, detail } => Error::InvalidInput { reason, detail: clean(detail) },
            other => other,
        }
    }

    /// An [`Error::InvalidInput`]: `reason`, with `detail` for developers.
    pub fn invalid(reason: Invalid, detail: impl Into<String>) -> Error {
        Error::InvalidInput { reason, detail: detail.into() }
    }

    /// What is invalid, for [`Error::InvalidInput`].
    pub fn invalid_reason(&self) -> Option<Invalid> {
        match self {
            Error::InvalidInput { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// The server's own words, when it gave any: the message of an error body (outside
    /// data, shown as it is). `None` for errors the server did not word.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Api { message, .. } | Error::RateLimited { message, .. } => Some(message.trim()).filter(|m| !m.is_empty()),
            _ => None,
        }
    }

    /// The JSON-compatible report handed to JavaScript: `{kind, status?, message,
    /// retryAt?, reason?, apiMessage?}`.
    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            kind: self.kind(),
            status: self.status(),
            message: self.message(),
            retry_at: self.retry_at_ms().filter(|t| t.is_finite() && *t > 0.0).map(|t| t.round() as u64),
            reason: self.invalid_reason(),
            api_message: self.api_message().map(str::to_string),
        }
    }
}

/// The server's words, else the status's (for developers' text).
fn said(message: &str, status: u16) -> &str {
    if message.trim().is_empty() {
        status_text(status)
    } else {
        message
    }
}

/// The standard reason phrase of an HTTP status, for developers' text when the server
/// gave no message of its own.
fn status_text(status: u16) -> &'static str {
    match status {
        200..=299 => "the API reported failure",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "unexpected status",
    }
}

impl Error {
    /// The message `Display` writes: for developers and logs, never shown to a user
    /// (the pages word [`Error::kind`] and the report's codes).
    pub fn message(&self) -> String {
        match self {
            Error::InvalidInput { reason, detail } if detail.is_empty() => ["invalid input: ", reason.as_str()].concat(),
            Error::InvalidInput { detail, .. } => ["invalid input: ", detail].concat(),
            Error::Network(m) => ["network error: ", m].concat(),
            Error::Timeout { after_ms } => ["no response within ", &after_ms.to_string(), " ms"].concat(),
            Error::Cancelled => "cancelled".into(),
            Error::Api { status, message, .. } => ["HTTP ", &status.to_string(), ": ", said(message, *status)].concat(),
            Error::RateLimited { message, status, .. } => ["rate limited: ", said(message, *status)].concat(),
            Error::Decode { path, message, .. } if path.is_empty() => ["unreadable response: ", message].concat(),
            Error::Decode { path, message, .. } => ["unreadable response at ", path, ": ", message].concat(),
            Error::Pagination(p) => ["paging stopped: ", &p.message()].concat(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl PaginationError {
    /// The message `Display` writes,.
    pub fn message(&self) -> String {
        let n = |v: &u32| v.to_string();
        match self {
            PaginationError::NotAdvancing { requested, echoed } => {
                ["asked for startIndex ", &n(requested), ", the server served ", &n(echoed)].concat()
            }
            PaginationError::RepeatedPage { start_index } => {
                ["the page at startIndex ", &n(start_index), " repeats items already seen"].concat()
            }
            PaginationError::EmptyPages { start_index, pages } => [
                &n(pages),
                " empty pages in a row at startIndex ",
                &n(start_index),
                ", yet the list does not end there",
            ]
            .concat(),
            PaginationError::UnreadablePages { start_index, pages } => [
                &n(pages),
                " pages in a row up to startIndex ",
                &n(start_index),
                " held no item that could be read",
            ]
            .concat(),
            PaginationError::PageCap { max_pages } => {
                ["more than ", &n(max_pages), " pages; the list is larger than the configured cap"].concat()
            }
        }
    }
}

impl fmt::Display for PaginationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

/// An [`Error`] flattened for JavaScript. Serialized as
/// `{kind, status?, message, retryAt?, reason?, apiMessage?}` with JSON-compatible
/// values only. The pages word `kind` (and `reason`, `status`, `retryAt`); `message` is
/// for developers and logs, never shown.
///
/// Declared to TypeScript as `ApiError` (stored errors, the store layer's `StoredError`,
/// have the same shape and are declared as `ApiError` too).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "ApiError")]
pub struct ErrorReport {
    /// [`Error::kind`].
    pub kind: &'static str,
    /// [`Error::status`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error's `Display` text, for developers.
    pub message: String,
    /// [`Error::retry_at_ms`], as whole epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<u64>,
    /// [`Error::invalid_reason`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Invalid>,
    /// [`Error::api_message`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16) -> Error {
        Error::Api { status, message: "m".into(), code: None }
    }

    #[test]
    fn kinds_follow_status() {
        let kinds: Vec<_> = [400, 401, 403, 404, 418, 500, 502, 200].iter().map(|s| api(*s).kind()).collect();
        assert_eq!(kinds, ["bad_request", "unauthorized", "forbidden", "no_account", "http", "server", "server", "api"]);
    }

    #[test]
    fn retryable_and_reached_server() {
        assert!(api(503).is_retryable());
        assert!(!api(501).is_retryable());
        assert!(!api(401).is_retryable());
        assert!(Error::Timeout { after_ms: 5 }.is_retryable());
        assert!(!Error::Cancelled.is_retryable());
        assert!(!Error::Network("x".into()).reached_server());
        assert!(api(401).reached_server());
        assert!(!Error::invalid(Invalid::Argument, "x").reached_server());
    }

    #[test]
    fn redact_removes_an_echoed_key() {
        let e = Error::Api { status: 401, message: "bad key sk_123 given".into(), code: Some("sk_123".into()) };
        assert_eq!(e.redact("sk_123").to_string(), "HTTP 401: bad key *** given");
        let e = Error::Decode { status: 200, path: "a".into(), message: "sk_123".into() };
        assert!(!e.redact("sk_123").to_string().contains("sk_123"));
        assert_eq!(Error::Cancelled.redact(""), Error::Cancelled);
    }

    #[test]
    fn report_is_flat_json() {
        let e = Error::RateLimited { status: 429, message: "slow down".into(), retry_at_ms: Some(1.5e12) };
        let v = serde_json::to_value(e.report()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "rate_limited", "status": 429, "message": "rate limited: slow down", "retryAt": 1_500_000_000_000u64,
                               "apiMessage": "slow down"})
        );
        let v = serde_json::to_value(Error::Cancelled.report()).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "cancelled", "message": "cancelled"}));
        // Invalid input: its code for the pages, its detail for developers.
        let v = serde_json::to_value(Error::invalid(Invalid::NoSnapshot, "account x").report()).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "invalid_input", "message": "invalid input: account x", "reason": "no_snapshot"}));
        // A server without words of its own: none for the pages, the status's for developers.
        let e = Error::Api { status: 400, message: String::new(), code: None };
        assert_eq!((e.report().api_message, e.to_string()), (None, "HTTP 400: Bad Request".to_string()));
        for code in Invalid::ALL {
            assert_eq!(Invalid::parse(code.as_str()), Some(code));
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
        }
        assert_eq!(Invalid::parse("other"), None);
    }
}

