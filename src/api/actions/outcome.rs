//! What a write's answer means ([`WriteOutcome`]): done, already gone, unknown (it may
//! have reached LinkedIn: never repeated) or failed with a typed error; why, as a
//! [`ItemReason`] code the pages word; and the outcome's report as it is stored with an
//! action run and read back.

use crate::api::decode::{error_from_response, repair, RawResponse, MAX_BODY_BYTES};
use crate::api::error::{Error, Invalid};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

/// [`crate::api::lenient::loose_text`] (another kind of value is absent: an answer of a
/// write the server says it performed), clipped for display.
fn clipped_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.map(|m| clip(&m)))
}

/// The 200 body of either write, `{success, message, accountId}`, every field optional.
/// Permissive: a field of another type is read as absent, not as a failure of a write
/// the server says it performed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteReply {
    /// `success`, when sent.
    #[serde(default, deserialize_with = "crate::api::lenient::flag")]
    pub success: Option<bool>,
    /// `message`, when sent (as text), clipped.
    #[serde(default, deserialize_with = "clipped_text")]
    pub message: Option<String>,
    /// `accountId`, when sent.
    #[serde(default, deserialize_with = "super::loose_id")]
    pub account_id: Option<String>,
}

/// Why an item of an action run is where it is: a code the pages word
/// (`reason_<code>` in `extension/_locales`), serialized in snake_case
/// ([`ItemReason::as_str`], written by hand); the numbers and the API's own words go
/// beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum ItemReason {
    /// The API says there is no such pending invitation (withdrawn, accepted or ignored
    /// elsewhere): nothing was left to do.
    AlreadyGone,
    /// Sent, but the network failed before an answer: it may have reached LinkedIn.
    Network,
    /// Sent, but no answer came in time: it may have reached LinkedIn.
    Timeout,
    /// Stopped while the request was in flight: it may have reached LinkedIn.
    Cancelled,
    /// An answer (its HTTP status beside it) that could not be read: it may have been done.
    Unreadable,
    /// The extension stopped while this was being sent: it may have reached LinkedIn.
    WorkerStopped,
    /// No answer was recorded for it: it may have reached LinkedIn.
    NoAnswer,
    /// The invitation lacks a field the API needs (its name beside it): never sent.
    MissingField,
    /// The client refused to send it (an invalid input): never sent.
    NotSent,
    /// The API refused it (its HTTP status and own words beside it).
    Refused,
    /// The API's server failed (its HTTP status beside it).
    Server,
    /// LinkedIn is not answering the API for now.
    Unavailable,
    /// A rate limit holds it (the API's words beside it); it is sent again later.
    RateLimited,
}

impl ItemReason {
    /// Every reason.
    pub const ALL: [ItemReason; 13] = [
        ItemReason::AlreadyGone,
        ItemReason::Network,
        ItemReason::Timeout,
        ItemReason::Cancelled,
        ItemReason::Unreadable,
        ItemReason::WorkerStopped,
        ItemReason::NoAnswer,
        ItemReason::MissingField,
        ItemReason::NotSent,
        ItemReason::Refused,
        ItemReason::Server,
        ItemReason::Unavailable,
        ItemReason::RateLimited,
    ];

    /// The code as serialized: `already_gone`, `network`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ItemReason::AlreadyGone => "already_gone",
            ItemReason::Network => "network",
            ItemReason::Timeout => "timeout",
            ItemReason::Cancelled => "cancelled",
            ItemReason::Unreadable => "unreadable",
            ItemReason::WorkerStopped => "worker_stopped",
            ItemReason::NoAnswer => "no_answer",
            ItemReason::MissingField => "missing_field",
            ItemReason::NotSent => "not_sent",
            ItemReason::Refused => "refused",
            ItemReason::Server => "server",
            ItemReason::Unavailable => "unavailable",
            ItemReason::RateLimited => "rate_limited",
        }
    }

    /// Reads [`ItemReason::as_str`]'s spelling (exactly).
    pub fn parse(s: &str) -> Option<ItemReason> {
        ItemReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The reason of a write that failed with `e`.
    pub fn of_error(e: &Error) -> ItemReason {
        match e {
            Error::InvalidInput { reason: Invalid::MissingField, .. } => ItemReason::MissingField,
            Error::InvalidInput { .. } => ItemReason::NotSent,
            Error::Network(_) => ItemReason::Network,
            Error::Timeout { .. } => ItemReason::Timeout,
            Error::Cancelled => ItemReason::Cancelled,
            Error::RateLimited { .. } => ItemReason::RateLimited,
            Error::Api { .. } if e.is_unavailable() => ItemReason::Unavailable,
            Error::Api { status: 500..=599, .. } => ItemReason::Server,
            Error::Api { .. } => ItemReason::Refused,
            Error::Decode { .. } | Error::Pagination(_) => ItemReason::Unreadable,
        }
    }
}

/// What became of one write.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    /// The API says it was done.
    Done {
        /// The API's message ("Successfully withdrew invitation to John Doe").
        message: Option<String>,
    },
    /// There was nothing left to do: the API says no such pending invitation exists
    /// (withdrawn, accepted or ignored elsewhere). Counted as done, and said so.
    AlreadyGone {
        /// The API's message.
        message: String,
    },
    /// The request may have reached the server, but no readable answer came back
    /// (timeout, network failure, cancel or worker stop while in flight, an unreadable
    /// success). It must not be repeated: the user checks on LinkedIn.
    Unknown {
        /// Why the outcome is unknown: [`ItemReason::Network`], [`ItemReason::Timeout`],
        /// [`ItemReason::Cancelled`] or [`ItemReason::Unreadable`].
        reason: ItemReason,
        /// The HTTP status of an answer that could not be read.
        status: Option<u16>,
    },
    /// The API answered with an error, or the request was never sent
    /// ([`Error::InvalidInput`], or [`Error::Cancelled`] during the pacing wait).
    Failed(Error),
}

impl WriteOutcome {
    /// `"done"`, `"already_gone"`, `"unknown"` or `"failed"`.
    pub fn kind(&self) -> &'static str {
        match self {
            WriteOutcome::Done { .. } => "done",
            WriteOutcome::AlreadyGone { .. } => "already_gone",
            WriteOutcome::Unknown { .. } => "unknown",
            WriteOutcome::Failed(_) => "failed",
        }
    }

    /// Whether the invitation is no longer pending (done or already gone): the row
    /// leaves its list.
    pub fn removes_item(&self) -> bool {
        matches!(self, WriteOutcome::Done { .. } | WriteOutcome::AlreadyGone { .. })
    }

    /// The outcome with `secret` scrubbed from every text.
    pub fn redact(self, secret: &str) -> WriteOutcome {
        if secret.is_empty() {
            return self;
        }
        let clean = |m: String| if m.contains(secret) { m.replace(secret, "***") } else { m };
        match self {
            WriteOutcome::Done { message } => WriteOutcome::Done { message: message.map(clean) },
            WriteOutcome::AlreadyGone { message } => WriteOutcome::AlreadyGone { message: clean(message) },
            unknown @ WriteOutcome::Unknown { .. } => unknown,
            WriteOutcome::Failed(e) => WriteOutcome::Failed(e.redact(secret)),
        }
    }

    /// The JSON-compatible report: `{outcome: "done"|"already_gone"|"unknown"|"failed",
    /// message?, reason?, status?, error?: {kind, status?, message, retryAt?}}`; read
    /// back by [`WriteOutcome`]'s `Deserialize`.
    pub fn report(&self) -> OutcomeReport {
        let (message, error) = match self {
            WriteOutcome::Done { message } => (message.clone(), None),
            WriteOutcome::AlreadyGone { message } => (Some(message.clone()), None),
            WriteOutcome::Unknown { .. } => (None, None),
            WriteOutcome::Failed(e) => (None, Some(FailureReport::of(e))),
        };
        let (reason, status) = match self {
            WriteOutcome::Unknown { reason, status } => (Some(*reason), *status),
            _ => (None, None),
        };
        OutcomeReport { outcome: self.kind(), message, reason, status, error }
    }
}

/// [`WriteOutcome::report`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeReport {
    /// [`WriteOutcome::kind`].
    pub outcome: &'static str,
    /// The API's message (done, already gone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Why the outcome is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ItemReason>,
    /// The HTTP status of an unknown outcome's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The error of a failed write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FailureReport>,
}

/// An [`Error`] as it is stored and read back: the error's kind, status, retry time,
/// the code of an invalid input, its `Display` text (`text`, for developers) and the
/// server's own message (`message`, without the `HTTP 400:` prefix, so reading it back
/// does not double it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureReport {
    /// [`Error::kind`].
    pub kind: &'static str,
    /// [`Error::status`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The inner message.
    pub message: String,
    /// The error's `Display` text.
    pub text: String,
    /// The API's machine-readable `code`, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// [`Error::invalid_reason`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Invalid>,
    /// [`Error::retry_at_ms`], whole epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<u64>,
}

impl FailureReport {
    fn of(e: &Error) -> FailureReport {
        let message = match e {
            Error::InvalidInput { detail: m, .. } | Error::Network(m) => m.clone(),
            Error::Api { message, .. } | Error::RateLimited { message, .. } | Error::Decode { message, .. } => message.clone(),
            other => other.message(),
        };
        FailureReport {
            kind: e.kind(),
            status: e.status(),
            message,
            text: e.message(),
            code: match e {
                Error::Api { code, .. } => code.clone(),
                _ => None,
            },
            retry_at: e.retry_at_ms().filter(|t| t.is_finite() && *t > 0.0).map(|t| t.round() as u64),
            reason: e.invalid_reason(),
        }
    }
}

/// Rebuilds an error from its report (kind, status, inner message, retry time, the code
/// of an invalid input), as far as the queue's decisions need it.
fn error_from_report(e: StoredFailure) -> Error {
    let retry_at_ms = e.retry_at.map(|t| t as f64);
    let (status, code, message) = (e.status, e.code, e.message.unwrap_or_default());
    match e.kind.as_deref().unwrap_or_default() {
        "rate_limited" => Error::RateLimited { status: status.unwrap_or(429), message, retry_at_ms },
        "cancelled" => Error::Cancelled,
        "network" => Error::Network(message),
        "timeout" => Error::Timeout { after_ms: 0 },
        "decode" => Error::Decode { status: status.unwrap_or(200), path: String::new(), message },
        "unavailable" => {
            let code = code
                .filter(|c| c.to_ascii_uppercase().ends_with("_UNAVAILABLE"))
                .unwrap_or_else(|| "LINKEDIN_UNAVAILABLE".into());
            Error::Api { status: status.unwrap_or(502), message, code: Some(code) }
        }
        _ => match status {
            Some(status) => Error::Api { status, message, code },
            None => Error::invalid(e.reason.as_deref().and_then(Invalid::parse).unwrap_or(Invalid::Argument), message),
        },
    }
}

/// A [`WriteOutcome::report`] as read back: `outcome` and `message`; `error` is read
/// only for a failed one.
#[derive(Deserialize)]
struct StoredOutcome {
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    outcome: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    reason: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    status: Option<u16>,
    #[serde(default)]
    error: Option<Value>,
}

/// A [`FailureReport`] as read back.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredFailure {
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    status: Option<u16>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    code: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    retry_at: Option<u64>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    reason: Option<String>,
}

/// Reads a [`WriteOutcome::report`] back.
impl<'de> Deserialize<'de> for WriteOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = StoredOutcome::deserialize(d)?;
        let message = o.message;
        Ok(match o.outcome.as_deref().unwrap_or_default() {
            "done" => WriteOutcome::Done { message },
            "already_gone" => WriteOutcome::AlreadyGone { message: message.unwrap_or_default() },
            "unknown" => WriteOutcome::Unknown {
                reason: o.reason.as_deref().and_then(ItemReason::parse).unwrap_or(ItemReason::NoAnswer),
                status: o.status,
            },
            "failed" => {
                let error = o.error.filter(Value::is_object).ok_or_else(|| de::Error::custom("error: expected an object"))?;
                let e = crate::api::objects::read::<StoredFailure>(error).map_err(|e| de::Error::custom(format!("error: {e}")))?;
                WriteOutcome::Failed(error_from_report(e))
            }
            _ => return Err(de::Error::custom("outcome: expected done, already_gone, unknown or failed")),
        })
    }
}

/// Whether an API message or code says there is no pending invitation to act on
/// (withdrawn, accepted or ignored already): the documented 400 "no pending invitation
/// found", and the wordings a server may use for the same.
pub fn says_already_gone(message: &str, code: Option<&str>) -> bool {
    // ASCII folding is enough: the phrases are ASCII (and Unicode case tables would
    // ship in the WebAssembly for nothing).
    let m = message.to_ascii_lowercase();
    let phrases = [
        "no pending invitation",
        "no pending",
        "not pending",
        "no longer pending",
        "invitation not found",
        "already withdrawn",
        "already accepted",
        "already ignored",
        "already responded",
        "already been",
    ];
    let code = code.map(str::to_ascii_uppercase).unwrap_or_default();
    phrases.iter().any(|p| m.contains(p))
        || code.contains("NO_PENDING")
        || code.contains("ALREADY")
        || (code.contains("INVITATION") && code.contains("NOT_FOUND"))
}

/// What a write's transport result means. `result` is the answer (any status) or the
/// transport's error after the request was handed to it.
pub fn classify_write(result: Result<RawResponse, Error>, now_ms: f64) -> WriteOutcome {
    let resp = match result {
        Ok(resp) => resp,
        // Handed to the network, no answer read: it may have arrived.
        Err(e @ (Error::Timeout { .. } | Error::Network(_) | Error::Cancelled)) => {
            return WriteOutcome::Unknown { reason: ItemReason::of_error(&e), status: None };
        }
        Err(e) => return WriteOutcome::Failed(e),
    };
    if !(200..300).contains(&resp.status) {
        let e = error_from_response(&resp, now_ms);
        if let Error::Api { status: 400 | 404 | 409 | 410, message, code } = &e {
            if says_already_gone(message, code.as_deref()) {
                return WriteOutcome::AlreadyGone { message: message.clone() };
            }
        }
        return WriteOutcome::Failed(e);
    }
    // As every body is read: lone surrogates repaired, nesting bounded, a byte-order
    // mark skipped.
    let parsed: Option<Value> = if resp.body.len() <= MAX_BODY_BYTES {
        repair(&resp.body).ok().and_then(|text| serde_json::from_str(text.trim_start_matches('\u{feff}')).ok())
    } else {
        None
    };
    let reply = parsed.as_ref().filter(|v| v.is_object()).and_then(|v| crate::api::objects::read::<WriteReply>(v.clone()).ok());
    let Some(reply) = reply else {
        if resp.body.trim().is_empty() {
            // A success status with no body: the status is the answer.
            return WriteOutcome::Done { message: None };
        }
        return WriteOutcome::Unknown { reason: ItemReason::Unreadable, status: Some(resp.status) };
    };
    if reply.success == Some(false) {
        let member = |key: &str| parsed.as_ref().and_then(|v| v.get(key)).and_then(Value::as_str);
        let code = member("code").map(str::trim).filter(|c| !c.is_empty()).map(clip);
        // No words of the server's own: none (developers' text says the status's).
        let message = reply.message.clone().or_else(|| member("error").map(clip)).unwrap_or_default();
        if says_already_gone(&message, code.as_deref()) {
            return WriteOutcome::AlreadyGone { message };
        }
        return WriteOutcome::Failed(Error::Api { status: resp.status, message, code });
    }
    WriteOutcome::Done { message: reply.message }
}

fn clip(s: &str) -> String {
    crate::api::decode::clip(s.trim())
}

impl Serialize for ItemReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
