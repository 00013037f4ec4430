//! The two write endpoints: typed requests, their bodies, and what an answer means.
//!
//! `POST /invitations/withdraw` and `POST /invitations/received/respond` both take a
//! field named `profileId`, with two meanings: the invitee's **vanity slug** for a
//! withdraw ([`WithdrawRequest::public_identifier`]), the inviter's **`ACoAA…` member id**
//! for a response ([`RespondRequest::member_id`]). The Rust names differ; the bodies use
//! the documented name.
//!
//! A write is never retried by the client. Its answer becomes a [`WriteOutcome`]:
//! done, already gone (a 400 "no pending invitation": nothing left to do, and the UI
//! says so), unknown (the request may have reached the server but no readable answer
//! came back: "check LinkedIn", never repeated), or failed with a typed [`Error`] —
//! where only a 429 or a 401 says the write was not performed, and the action queue
//! ([`crate::app::queue`]), not the client, decides what follows.
//!
//! Also here: the answer of `GET /account/{accountId}/quota` ([`Quota`], newer API
//! edition), read permissively.

use crate::api::decode::{error_from_response, repair, RawResponse, MAX_BODY_BYTES};
use crate::api::error::Error;
use crate::api::models::{Category, ReceivedInvitation, SentInvitation};
use crate::api::time::parse_iso8601_ms;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use tsify::Tsify;
use std::fmt;

/// What a write does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// Withdraw a sent invitation.
    Withdraw,
    /// Accept a received invitation.
    Accept,
    /// Ignore a received invitation.
    Ignore,
}

impl ActionKind {
    /// `"withdraw"`, `"accept"` or `"ignore"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Withdraw => "withdraw",
            ActionKind::Accept => "accept",
            ActionKind::Ignore => "ignore",
        }
    }

    /// Reads [`ActionKind::as_str`]'s spelling (any case, blanks around).
    pub fn parse(s: &str) -> Option<ActionKind> {
        let s = s.trim();
        [ActionKind::Withdraw, ActionKind::Accept, ActionKind::Ignore].into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// Which daily cap the action counts against.
    pub fn cap(self) -> CapKind {
        match self {
            ActionKind::Withdraw => CapKind::Withdrawals,
            ActionKind::Accept | ActionKind::Ignore => CapKind::Responses,
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_ACTION_KIND: &str = r#"
/** What a write does, as `ActionKind`'s `Serialize` writes it. */
export type ActionKind = "withdraw" | "accept" | "ignore";
"#;

impl Serialize for ActionKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// [`ActionKind::parse`]'s spellings (any case, blanks around); anything else is an error.
impl<'de> Deserialize<'de> for ActionKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, ActionKind::parse)
    }
}

/// Reads a stored word (an enum's spelling) with `parse`: missing, `null` or blank text
/// is `""` to `parse`; a word `parse` does not know, or any other kind of value, is an
/// error.
///
/// # Errors
/// A value that is not text, or text `parse` refuses.
pub(crate) fn stored_word<'de, D, T>(d: D, parse: impl Fn(&str) -> Option<T>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let text = crate::api::lenient::text(d)?.unwrap_or_default();
    parse(&text).ok_or_else(|| de::Error::custom(format!("unknown value \"{text}\"")))
}

/// Required text: missing, `null` or blank is an error (`missing`), as is any other
/// kind of value.
fn required_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    crate::api::lenient::text(d)?.ok_or_else(|| de::Error::custom("missing"))
}

/// [`crate::api::lenient::loose_text`] (another kind of value is absent: an answer of a
/// write the server says it performed), clipped for display.
fn clipped_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.map(|m| clip(&m)))
}

/// An optional id (see [`crate::api::lenient::id`]) where a value of another kind is absent.
fn loose_id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(crate::api::lenient::id(&v).ok().flatten())
}

/// The two daily caps: withdrawals, and responses (accept and ignore together).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CapKind {
    /// `POST /invitations/withdraw`.
    Withdrawals,
    /// `POST /invitations/received/respond`.
    Responses,
}

impl CapKind {
    /// `"withdrawals"` or `"responses"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CapKind::Withdrawals => "withdrawals",
            CapKind::Responses => "responses",
        }
    }

    /// Reads [`CapKind::as_str`]'s spelling (exactly).
    pub fn parse(s: &str) -> Option<CapKind> {
        [CapKind::Withdrawals, CapKind::Responses].into_iter().find(|c| c.as_str() == s)
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_CAP_KIND: &str = r#"
/** A daily cap, as `CapKind`'s `Serialize` writes it: withdrawals, or responses (accept and ignore together). */
export type CapKind = "withdrawals" | "responses";
"#;

impl Serialize for CapKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The body of `POST /invitations/withdraw`:
/// `{profileId: <publicIdentifier>, invitationId, memberId?, accountId?}`. Read back
/// (from a stored queue) with the required fields present and non-blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WithdrawRequest {
    /// The invitee's vanity slug (`johndoe`), sent as `profileId`: the one field the
    /// API requires.
    #[serde(rename = "profileId", deserialize_with = "required_text")]
    pub public_identifier: String,
    /// The invitation id (saves the server a lookup, and names the invitation).
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    pub invitation_id: String,
    /// The invitee's `ACoAA…` member id, when the list gave one.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// The account to act for; the client's configured account when `None`.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// `ACCEPT` or `IGNORE` (the newer documentation's upper-case values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RespondAction {
    /// Accept the invitation.
    Accept,
    /// Ignore it (there is no "decline").
    Ignore,
}

impl RespondAction {
    /// The [`ActionKind`] of this response.
    pub fn kind(self) -> ActionKind {
        match self {
            RespondAction::Accept => ActionKind::Accept,
            RespondAction::Ignore => ActionKind::Ignore,
        }
    }
}

/// The body of `POST /invitations/received/respond`: `{action, invitationId,
/// validationToken, linkedInInvitationType, firstName, lastName, profileId?: <memberId>,
/// accountId?}`. Read back (from a stored queue) with the required fields present and
/// non-blank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RespondRequest {
    /// Accept or ignore.
    pub action: RespondAction,
    /// The invitation id.
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    pub invitation_id: String,
    /// The invitation's `validationToken`.
    #[serde(deserialize_with = "required_text")]
    pub validation_token: String,
    /// LinkedIn's raw type, sent back unchanged.
    #[serde(rename = "linkedInInvitationType", deserialize_with = "required_text")]
    pub linkedin_invitation_type: String,
    /// The inviter's first name.
    #[serde(deserialize_with = "required_text")]
    pub first_name: String,
    /// The inviter's last name.
    #[serde(deserialize_with = "required_text")]
    pub last_name: String,
    /// The inviter's `ACoAA…` member id, sent as `profileId`; required for connection
    /// invitations, absent on organization and newsletter ones.
    #[serde(rename = "profileId", default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// The account to act for; the client's configured account when `None`.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// A list item lacks a field its action needs: the action cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingField {
    /// The action that was asked for.
    pub action: ActionKind,
    /// The API name of the missing field (`validationToken`, `publicIdentifier`, …).
    pub field: &'static str,
}

impl MissingField {
    /// "cannot withdraw: the invitation has no publicIdentifier".
    pub fn message(&self) -> String {
        ["cannot ", self.action.as_str(), ": the invitation has no ", self.field].concat()
    }
}

impl fmt::Display for MissingField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for MissingField {}

impl From<MissingField> for Error {
    fn from(m: MissingField) -> Error {
        Error::InvalidInput(m.message())
    }
}

fn required(value: &Option<String>, action: ActionKind, field: &'static str) -> Result<String, MissingField> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).ok_or(MissingField { action, field })
}

fn account(account_id: Option<&str>) -> Option<String> {
    account_id.map(str::trim).filter(|a| !a.is_empty()).map(str::to_string)
}

impl WithdrawRequest {
    /// The withdraw of a sent invitation, for `account_id` (or the client's account).
    ///
    /// # Errors
    /// [`MissingField`] when the item has no `publicIdentifier`.
    pub fn from_sent(item: &SentInvitation, account_id: Option<&str>) -> Result<Self, MissingField> {
        let kind = ActionKind::Withdraw;
        Ok(WithdrawRequest {
            public_identifier: required(&item.profile.public_identifier, kind, "publicIdentifier")?,
            invitation_id: required(&Some(item.invitation_id.clone()), kind, "invitationId")?,
            member_id: item.member_id.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_string),
            account_id: account(account_id),
        })
    }
}

impl RespondRequest {
    /// The response to a received invitation, for `account_id` (or the client's account).
    ///
    /// # Errors
    /// [`MissingField`] when the item has no `validationToken`,
    /// `linkedInInvitationType`, first or last name, or — on a connection invitation —
    /// no `memberId`.
    pub fn from_received(
        item: &ReceivedInvitation,
        action: RespondAction,
        account_id: Option<&str>,
    ) -> Result<Self, MissingField> {
        let kind = action.kind();
        let member_id = item.member_id.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(str::to_string);
        if member_id.is_none() && item.invitation_category == Category::Connection {
            return Err(MissingField { action: kind, field: "memberId" });
        }
        Ok(RespondRequest {
            action,
            invitation_id: required(&Some(item.invitation_id.clone()), kind, "invitationId")?,
            validation_token: required(&item.validation_token, kind, "validationToken")?,
            linkedin_invitation_type: required(&item.linkedin_invitation_type, kind, "linkedInInvitationType")?,
            first_name: required(&item.profile.first_name, kind, "firstName")?,
            last_name: required(&item.profile.last_name, kind, "lastName")?,
            member_id,
            account_id: account(account_id),
        })
    }
}

/// One write, either endpoint; written as its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ActionRequest {
    /// `POST /invitations/withdraw`.
    Withdraw(WithdrawRequest),
    /// `POST /invitations/received/respond`.
    Respond(RespondRequest),
}

impl ActionRequest {
    /// What the request does.
    pub fn kind(&self) -> ActionKind {
        match self {
            ActionRequest::Withdraw(_) => ActionKind::Withdraw,
            ActionRequest::Respond(r) => r.action.kind(),
        }
    }

    /// The endpoint's path under the base URL.
    pub fn path(&self) -> &'static str {
        match self {
            ActionRequest::Withdraw(_) => "/invitations/withdraw",
            ActionRequest::Respond(_) => "/invitations/received/respond",
        }
    }

    /// The invitation the request is about.
    pub fn invitation_id(&self) -> &str {
        match self {
            ActionRequest::Withdraw(r) => &r.invitation_id,
            ActionRequest::Respond(r) => &r.invitation_id,
        }
    }

    /// The JSON body, with `accountId` from the request, else `default_account`.
    pub fn body(&self, default_account: Option<&str>) -> String {
        let fill = |a: &Option<String>| a.clone().or_else(|| account(default_account));
        let body = match self {
            ActionRequest::Withdraw(r) => serde_json::to_string(&WithdrawRequest { account_id: fill(&r.account_id), ..r.clone() }),
            ActionRequest::Respond(r) => serde_json::to_string(&RespondRequest { account_id: fill(&r.account_id), ..r.clone() }),
        };
        // Writing these plain structs cannot fail.
        body.unwrap_or_default()
    }

    /// Reads a request of `kind` back from its body's JSON (as stored in a persisted
    /// queue): an object whose required fields are present and non-blank. The action
    /// of a response is `kind`'s, whatever the body says.
    ///
    /// # Errors
    /// The first missing or mistyped field, or a body that is not an object.
    pub fn read(kind: ActionKind, mut body: Value) -> Result<ActionRequest, serde_json::Error> {
        let Some(members) = body.as_object_mut() else {
            return Err(de::Error::custom("expected an object"));
        };
        let action = match kind {
            ActionKind::Withdraw => return WithdrawRequest::deserialize(body).map(ActionRequest::Withdraw),
            ActionKind::Accept => RespondAction::Accept,
            ActionKind::Ignore => RespondAction::Ignore,
        };
        members.insert("action".into(), serde_json::to_value(action)?);
        RespondRequest::deserialize(body).map(ActionRequest::Respond)
    }
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
    #[serde(default, deserialize_with = "loose_id")]
    pub account_id: Option<String>,
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
        /// Why the outcome is unknown.
        reason: String,
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
            WriteOutcome::Unknown { reason } => WriteOutcome::Unknown { reason: clean(reason) },
            WriteOutcome::Failed(e) => WriteOutcome::Failed(e.redact(secret)),
        }
    }

    /// The JSON-compatible report: `{outcome: "done"|"already_gone"|"unknown"|"failed",
    /// message?, error?: {kind, status?, message, retryAt?}}`; read back by
    /// [`WriteOutcome`]'s `Deserialize`.
    pub fn report(&self) -> OutcomeReport {
        let (message, error) = match self {
            WriteOutcome::Done { message } => (message.clone(), None),
            WriteOutcome::AlreadyGone { message } => (Some(message.clone()), None),
            WriteOutcome::Unknown { reason } => (Some(reason.clone()), None),
            WriteOutcome::Failed(e) => (None, Some(FailureReport::of(e))),
        };
        OutcomeReport { outcome: self.kind(), message, error }
    }
}

/// [`WriteOutcome::report`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeReport {
    /// [`WriteOutcome::kind`].
    pub outcome: &'static str,
    /// The API's message (done, already gone) or the reason (unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The error of a failed write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FailureReport>,
}

/// An [`Error`] as it crosses to JavaScript and back: the error's kind, status, retry
/// time, its `Display` text (`text`, for people) and the server's own message
/// (`message`, without the `HTTP 400:` prefix, so reading it back does not double it).
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
    /// [`Error::retry_at_ms`], whole epoch milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<u64>,
}

impl FailureReport {
    fn of(e: &Error) -> FailureReport {
        let message = match e {
            Error::InvalidInput(m) | Error::Network(m) => m.clone(),
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
        }
    }
}

/// Rebuilds an error from its report (kind, status, inner message, retry time), as
/// far as the queue's decisions need it.
fn error_from_report(kind: &str, status: Option<u16>, message: String, code: Option<String>, retry_at_ms: Option<f64>) -> Error {
    match kind {
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
            None => Error::InvalidInput(message),
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
}

/// Reads a [`WriteOutcome::report`] back.
impl<'de> Deserialize<'de> for WriteOutcome {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let o = StoredOutcome::deserialize(d)?;
        let message = o.message;
        Ok(match o.outcome.as_deref().unwrap_or_default() {
            "done" => WriteOutcome::Done { message },
            "already_gone" => WriteOutcome::AlreadyGone { message: message.unwrap_or_default() },
            "unknown" => WriteOutcome::Unknown { reason: message.unwrap_or_default() },
            "failed" => {
                let error = o.error.filter(Value::is_object).ok_or_else(|| de::Error::custom("error: expected an object"))?;
                let e = StoredFailure::deserialize(error).map_err(|e| de::Error::custom(format!("error: {e}")))?;
                let retry_at = e.retry_at.map(|t| t as f64);
                let (kind, message) = (e.kind.unwrap_or_default(), e.message.unwrap_or_default());
                WriteOutcome::Failed(error_from_report(&kind, e.status, message, e.code, retry_at))
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

const UNKNOWN_ADVICE: &str = "the request may have reached LinkedIn: check LinkedIn before trying again";

/// What a write's transport result means. `result` is the answer (any status) or the
/// transport's error after the request was handed to it.
pub fn classify_write(result: Result<RawResponse, Error>, now_ms: f64) -> WriteOutcome {
    let resp = match result {
        Ok(resp) => resp,
        // Handed to the network, no answer read: it may have arrived.
        Err(e @ (Error::Timeout { .. } | Error::Network(_) | Error::Cancelled)) => {
            let what = match e {
                Error::Cancelled => "stopped while the request was in flight".to_string(),
                other => other.message(),
            };
            return WriteOutcome::Unknown { reason: [what.as_str(), "; ", UNKNOWN_ADVICE].concat() };
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
    let reply = parsed.as_ref().filter(|v| v.is_object()).and_then(|v| WriteReply::deserialize(v.clone()).ok());
    let Some(reply) = reply else {
        if resp.body.trim().is_empty() {
            // A success status with no body: the status is the answer.
            return WriteOutcome::Done { message: None };
        }
        return WriteOutcome::Unknown {
            reason: format!("HTTP {} with an answer that could not be read; {UNKNOWN_ADVICE}", resp.status),
        };
    };
    if reply.success == Some(false) {
        let member = |key: &str| parsed.as_ref().and_then(|v| v.get(key)).and_then(Value::as_str);
        let code = member("code").map(str::trim).filter(|c| !c.is_empty()).map(clip);
        let message = reply
            .message
            .clone()
            .or_else(|| member("error").map(clip))
            .unwrap_or_else(|| "the API reported failure".into());
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

/// One entry of `GET /account/{accountId}/quota` (newer API edition), read
/// permissively: only `feature` must be text; any other field of another kind is
/// absent. Written with `resetAtMs` for `resetAt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct QuotaEntry {
    /// The feature counted (an open set, as the API spells it).
    #[serde(deserialize_with = "required_text")]
    pub feature: String,
    /// `daily` or `weekly` (as sent).
    #[serde(default, deserialize_with = "crate::api::lenient::loose_text", skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// Used in the window.
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub used: Option<u64>,
    /// The service's limit.
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// LinkedIn's own limit.
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub linkedin_limit: Option<u64>,
    /// Left in the window.
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// Whether the limit is reached.
    #[serde(default, deserialize_with = "crate::api::lenient::flag", skip_serializing_if = "Option::is_none")]
    pub limit_reached: Option<bool>,
    /// When the window resets, epoch milliseconds (`resetAt`, e.g.
    /// `2026-08-28 00:00:00+00:00`), when readable.
    #[serde(rename(serialize = "resetAtMs", deserialize = "resetAt"))]
    #[serde(default, deserialize_with = "reset_at", skip_serializing_if = "Option::is_none")]
    pub reset_at_ms: Option<u64>,
}

/// `resetAt`: an ISO 8601 time as epoch milliseconds, absent when unreadable.
fn reset_at<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.and_then(|t| parse_iso8601_ms(&t)).filter(|t| *t >= 0.0).map(|t| t as u64))
}

/// The answer of `GET /account/{accountId}/quota`: entries that cannot be read are
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    /// The account, when the server said.
    #[serde(default, deserialize_with = "loose_id", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// One entry per feature.
    #[serde(default, deserialize_with = "crate::api::lenient::list")]
    pub quotas: Vec<QuotaEntry>,
}

impl Quota {
    /// The entry whose feature names the action (`WITHDRAW…` for withdrawals,
    /// `RESPOND…`/`ACCEPT…`/`INVITATION…` for responses), if the API reports one.
    pub fn for_cap(&self, cap: CapKind) -> Option<&QuotaEntry> {
        let words: &[&str] = match cap {
            CapKind::Withdrawals => &["WITHDRAW"],
            CapKind::Responses => &["RESPOND", "ACCEPT", "IGNORE", "INVITATION_RESPONSE"],
        };
        self.quotas.iter().find(|q| {
            let f = q.feature.to_ascii_uppercase();
            words.iter().any(|w| f.contains(w))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::decode::RateHeaders;
    use serde_json::{from_value, json};

    fn resp(status: u16, body: &str) -> Result<RawResponse, Error> {
        Ok(RawResponse { status, headers: RateHeaders::default(), body: body.into() })
    }

    fn sent() -> SentInvitation {
        from_value(json!({
            "invitationId": "7897046780350316544",
            "memberId": "ACoAADPy0YkBl72yFV0nJCqXd2F9OBxiI7Tvhg4",
            "sentAt": "2 days ago",
            "profile": {"firstName": "John", "lastName": "Doe", "publicIdentifier": "johndoe"}
        }))
        .unwrap()
    }

    fn received(category: &str, member: &str) -> ReceivedInvitation {
        from_value(json!({
            "invitationId": "7455301624689844224",
            "memberId": member,
            "invitationCategory": category,
            "linkedInInvitationType": "GenericInvitationType_CONNECTION",
            "validationToken": "jywembME",
            "profile": {"firstName": "Deepika", "lastName": "Khare", "publicIdentifier": "deepika-khare"}
        }))
        .unwrap()
    }

    #[test]
    fn withdraw_body_uses_the_vanity_slug_as_profile_id() {
        let r = WithdrawRequest::from_sent(&sent(), None).unwrap();
        let body: serde_json::Value = serde_json::from_str(&ActionRequest::Withdraw(r.clone()).body(None)).unwrap();
        assert_eq!(
            body,
            json!({"profileId": "johndoe", "invitationId": "7897046780350316544", "memberId": "ACoAADPy0YkBl72yFV0nJCqXd2F9OBxiI7Tvhg4"})
        );
        let body: serde_json::Value = serde_json::from_str(&ActionRequest::Withdraw(r).body(Some("acc1"))).unwrap();
        assert_eq!(body["accountId"], "acc1");
        let mut no_slug = sent();
        no_slug.profile.public_identifier = None;
        let e = WithdrawRequest::from_sent(&no_slug, None).unwrap_err();
        assert_eq!(e.to_string(), "cannot withdraw: the invitation has no publicIdentifier");
        assert_eq!(Error::from(e).kind(), "invalid_input");
    }

    #[test]
    fn respond_body_uses_the_member_id_as_profile_id() {
        let r =
            RespondRequest::from_received(&received("CONNECTION", "ACoAAAYHg8o"), RespondAction::Accept, Some("acc2")).unwrap();
        let body: serde_json::Value = serde_json::from_str(&ActionRequest::Respond(r).body(Some("other"))).unwrap();
        assert_eq!(
            body,
            json!({"action": "ACCEPT", "invitationId": "7455301624689844224", "validationToken": "jywembME",
                   "linkedInInvitationType": "GenericInvitationType_CONNECTION", "firstName": "Deepika", "lastName": "Khare",
                   "profileId": "ACoAAAYHg8o", "accountId": "acc2"})
        );
        // An organization invitation has no member id: no profileId in the body.
        let r = RespondRequest::from_received(&received("ORGANIZATION", ""), RespondAction::Ignore, None).unwrap();
        let body: serde_json::Value = serde_json::from_str(&ActionRequest::Respond(r).body(None)).unwrap();
        assert_eq!(body["action"], "IGNORE");
        assert!(body.get("profileId").is_none() && body.get("accountId").is_none());
        // A connection invitation without one cannot be answered.
        let e = RespondRequest::from_received(&received("CONNECTION", ""), RespondAction::Accept, None).unwrap_err();
        assert_eq!(e.field, "memberId");
        let mut no_token = received("CONNECTION", "ACoAAAYHg8o");
        no_token.validation_token = None;
        let e = RespondRequest::from_received(&no_token, RespondAction::Ignore, None).unwrap_err();
        assert_eq!(e.to_string(), "cannot ignore: the invitation has no validationToken");
    }

    #[test]
    fn requests_read_back_from_their_bodies() {
        let w = ActionRequest::Withdraw(WithdrawRequest::from_sent(&sent(), Some("a")).unwrap());
        let r = ActionRequest::Respond(
            RespondRequest::from_received(&received("CONNECTION", "ACoAAAYHg8o"), RespondAction::Ignore, None).unwrap(),
        );
        for req in [w, r] {
            let v: Value = serde_json::from_str(&req.body(None)).unwrap();
            assert_eq!(ActionRequest::read(req.kind(), v).unwrap(), req);
        }
        let v = json!({"invitationId": "1"});
        assert_eq!(ActionRequest::read(ActionKind::Withdraw, v).unwrap_err().to_string(), "missing field `profileId`");
    }

    #[test]
    fn answers_become_outcomes() {
        const NOW: f64 = 1_777_000_000_000.0;
        let done = classify_write(
            resp(200, r#"{"success": true, "message": "Successfully withdrew invitation to John Doe", "accountId": "a"}"#),
            NOW,
        );
        assert_eq!(done, WriteOutcome::Done { message: Some("Successfully withdrew invitation to John Doe".into()) });
        assert_eq!(classify_write(resp(200, "{}"), NOW), WriteOutcome::Done { message: None });
        assert_eq!(classify_write(resp(204, ""), NOW), WriteOutcome::Done { message: None });
        assert_eq!(classify_write(resp(200, r#"{"success": "yes", "message": 5}"#), NOW), WriteOutcome::Done { message: None });

        let gone = classify_write(resp(400, r#"{"success": false, "error": "No pending invitation found for johndoe"}"#), NOW);
        assert_eq!(gone, WriteOutcome::AlreadyGone { message: "No pending invitation found for johndoe".into() });
        assert!(gone.removes_item());
        let gone = classify_write(resp(200, r#"{"success": false, "message": "Invitation already withdrawn"}"#), NOW);
        assert_eq!(gone.kind(), "already_gone");

        let bad = classify_write(
            resp(400, r#"{"success": false, "code": "validation_error", "message": "validationToken: Required"}"#),
            NOW,
        );
        assert!(matches!(bad, WriteOutcome::Failed(Error::Api { status: 400, .. })), "{bad:?}");
        let e500 = classify_write(resp(500, r#"{"success": false, "error": "Failed to withdraw"}"#), NOW);
        assert!(matches!(&e500, WriteOutcome::Failed(e) if e.kind() == "server"));
        let e401 = classify_write(resp(401, r#"{"error": "Unauthorized - Invalid credentials"}"#), NOW);
        assert!(matches!(&e401, WriteOutcome::Failed(e) if e.kind() == "unauthorized"));
        let e429 = classify_write(resp(429, r#"{"success": false, "error": "slow", "holdUntil": "2026-04-27T15:42:11Z"}"#), NOW);
        assert!(
            matches!(&e429, WriteOutcome::Failed(Error::RateLimited { retry_at_ms: Some(t), .. }) if *t == 1_777_304_531_000.0)
        );
        let sf = classify_write(resp(200, r#"{"success": false, "error": "LinkedIn session expired"}"#), NOW);
        assert!(
            matches!(&sf, WriteOutcome::Failed(Error::Api { status: 200, message, .. }) if message == "LinkedIn session expired")
        );

        for e in [Error::Timeout { after_ms: 20_000 }, Error::Network("reset".into()), Error::Cancelled] {
            let u = classify_write(Err(e), NOW);
            assert!(matches!(&u, WriteOutcome::Unknown { reason } if reason.contains("check LinkedIn")), "{u:?}");
        }
        let html = classify_write(resp(200, "<html>Please sign in</html>"), NOW);
        assert_eq!(html.kind(), "unknown");
        assert_eq!(classify_write(Err(Error::InvalidInput("x".into())), NOW).kind(), "failed");
    }

    #[test]
    fn outcomes_round_trip_through_json() {
        let outcomes = [
            WriteOutcome::Done { message: Some("ok".into()) },
            WriteOutcome::Done { message: None },
            WriteOutcome::AlreadyGone { message: "No pending invitation".into() },
            WriteOutcome::Unknown { reason: "no response within 20000 ms".into() },
            WriteOutcome::Failed(Error::Api { status: 500, message: "Failed to withdraw".into(), code: None }),
            WriteOutcome::Failed(Error::Api {
                status: 200,
                message: "nothing".into(),
                code: Some("INVITATIONS_UNAVAILABLE".into()),
            }),
            WriteOutcome::Failed(Error::Api { status: 400, message: "bad".into(), code: Some("validation_error".into()) }),
            WriteOutcome::Failed(Error::RateLimited { status: 429, message: "slow".into(), retry_at_ms: Some(1.5e12) }),
            WriteOutcome::Failed(Error::Cancelled),
            WriteOutcome::Failed(Error::InvalidInput("cannot withdraw".into())),
        ];
        for o in outcomes {
            let text = serde_json::to_string(&o.report()).unwrap();
            let back: WriteOutcome = serde_json::from_str(&text).unwrap();
            assert_eq!(back, o, "{text}");
        }
        let v = serde_json::to_value(WriteOutcome::Failed(Error::Api { status: 500, message: "boom".into(), code: None }).report())
            .unwrap();
        assert_eq!(
            v,
            json!({"outcome": "failed", "error": {"kind": "server", "status": 500, "message": "boom", "text": "HTTP 500: boom"}})
        );
        assert!(from_value::<WriteOutcome>(json!({"outcome": "maybe"})).is_err());
    }

    #[test]
    fn quota_is_read_permissively() {
        let q: Quota = from_value(json!({
            "accountId": "696ce9e780e0483585e4e553",
            "quotas": [
                {"feature": "WITHDRAW_INVITATION", "window": "daily", "used": 3, "limit": 50, "linkedinLimit": 100,
                 "remaining": 47, "limitReached": false, "limitReachedAt": null, "resetAt": "2026-08-28 00:00:00+00:00"},
                {"feature": 12},
                {"feature": "CONNECT", "window": "weekly", "used": "x"}
            ]
        }))
        .unwrap();
        assert_eq!(q.quotas.len(), 2, "an unreadable entry is left out");
        let w = q.for_cap(CapKind::Withdrawals).unwrap();
        assert_eq!((w.remaining, w.reset_at_ms), (Some(47), Some(1_787_875_200_000)));
        assert_eq!(q.quotas[1].used, None);
        assert!(q.for_cap(CapKind::Responses).is_none());
        let empty: Quota = from_value(json!({})).unwrap();
        assert!(empty.quotas.is_empty());
    }

    #[test]
    fn already_gone_wordings_in_any_case() {
        assert!(says_already_gone("No Pending Invitation found for this id", None));
        assert!(says_already_gone("Ärger: invitation ALREADY WITHDRAWN", None));
        assert!(!says_already_gone("İnvitation sent", None));
        assert!(!says_already_gone("rate limited", Some("RATE_LIMITED")));
    }
}

