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
//! (`app::queue`, a layer above), not the client, decides what follows.
//!
//! Here: the requests and their bodies. Beside: `actions/outcome.rs` (what an answer
//! means, and its stored report) and `actions/quota.rs` (the answer of
//! `GET /account/{accountId}/quota`, [`Quota`], newer API edition, read permissively).

use crate::api::error::Error;
use crate::api::models::{Category, ReceivedInvitation, SentInvitation};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
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
        // The detail is the field's API name: the pages name it.
        Error::invalid(crate::api::error::Invalid::MissingField, m.field)
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
            ActionKind::Withdraw => return crate::api::objects::read::<WithdrawRequest>(body).map(ActionRequest::Withdraw).map_err(de::Error::custom),
            ActionKind::Accept => RespondAction::Accept,
            ActionKind::Ignore => RespondAction::Ignore,
        };
        members.insert("action".into(), serde_json::to_value(action)?);
        crate::api::objects::read::<RespondRequest>(body).map(ActionRequest::Respond).map_err(de::Error::custom)
    }
}

mod outcome;
mod quota;

pub use outcome::{classify_write, says_already_gone, FailureReport, OutcomeReport, ItemReason, WriteOutcome, WriteReply};
pub use quota::{Quota, QuotaEntry};

#[cfg(test)]
mod tests;
