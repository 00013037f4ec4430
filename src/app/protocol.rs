//! The one message protocol between the extension's pages and its background.
//!
//! The popup, the side panel and the options page send the background a [`Request`]
//! (`{type: "refresh", reason: "popup"}`, …) through `runtime.sendMessage`; the
//! background hands it, as received, to the controller ([`crate::app::App::handle`]),
//! which answers with a [`Reply`] (`{type: "done"}`, `{type: "page", …}`,
//! `{type: "error", error}`). Both are plain JSON data, read and written here only.
//!
//! The TypeScript types of both are generated from these enums (`Tsify`: a union of
//! `{type: <tag>, …}` objects each), and `tests/e2e` checks that the extension's pages
//! send only those tags.

use crate::api::actions::{ActionKind, QuotaEntry};
use crate::api::client::{SortBy, MAX_CONNECTIONS_LIMIT};
use crate::api::error::{Error, Invalid};
use crate::api::models::{Account, Connection};
use crate::store::{Settings, StoredError};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tsify::Tsify;

/// A page's request to the background: `{type: <tag>, …the variant's members}`, read
/// leniently where a page may send less (see [`read_request`]).
///
/// Read by its tag first, then the variant's members ([`read_request`]); not through
/// serde's internally tagged enums, which buffer every message into an intermediate
/// form first (and compile a reader for that form: docs/size.md). The `serde`
/// attributes here shape the generated TypeScript.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Request {
    /// Refresh now.
    Refresh(RefreshRequest),
    /// The next page of connections, on the one connections cursor.
    Connections(ConnectionsRequest),
    /// Test a key, base URL and account (the options page): the accounts the key may use.
    Test(TestRequest),
    /// Test hook: arm a trap in the next page of a sync (accepted only while storage
    /// holds `testHooks: true`).
    TestTrap,
    /// The user confirmed an action on these invitations (of the stored snapshot): a
    /// paced, capped run starts.
    Act(ActRequest),
    /// Stop the running action run: nothing more is sent.
    StopActions,
    /// What an action may still do today (for the confirmation).
    Allowance(AllowanceRequest),
}

/// [`Request::Refresh`]'s members.
#[derive(Debug, Clone, PartialEq, Deserialize, Tsify)]
pub struct RefreshRequest {
    /// `true` for the refresh button (everything): any `reason` but `"popup"` (opened:
    /// the refresh policy decides what is stale), or none.
    #[serde(rename = "reason", default = "always", deserialize_with = "button")]
    #[tsify(type = r#""popup" | "button""#, optional)]
    pub button: bool,
}

/// [`Request::Connections`]'s members.
#[derive(Debug, Clone, PartialEq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionsRequest {
    /// Where the page starts (0 when missing or not a whole number).
    #[serde(default, deserialize_with = "start_index")]
    #[tsify(optional)]
    pub start_index: u32,
    /// Page size, 1–12 (12 when missing or not a whole number).
    #[serde(default = "max_limit", deserialize_with = "limit")]
    #[tsify(optional)]
    pub limit: u32,
    /// Sort order (the API's default when missing or blank).
    #[serde(default, deserialize_with = "sort_by")]
    #[tsify(type = r#""recentlyAdded" | "firstName" | "lastName""#, optional)]
    pub sort_by: SortBy,
}

/// [`Request::Test`]'s members.
#[derive(Debug, Clone, PartialEq, Deserialize, Tsify)]
pub struct TestRequest {
    /// The form's settings, as [`Settings::read_given`] reads them: a missing or
    /// malformed field takes its default (no key: the test says the key is missing),
    /// an unusable base URL or account id makes the request an error.
    #[serde(default = "no_settings", deserialize_with = "settings")]
    #[tsify(type = "Partial<Settings>")]
    pub settings: Settings,
}

/// [`Request::Act`]'s members.
#[derive(Debug, Clone, PartialEq, Deserialize, Tsify)]
pub struct ActRequest {
    /// What to do.
    #[serde(rename = "action", deserialize_with = "action")]
    #[tsify(type = "ActionKind")]
    pub kind: ActionKind,
    /// The invitations, in the order shown (the texts of the list `ids`, at most
    /// [`crate::app::queue::MAX_ITEMS`]).
    #[serde(default, deserialize_with = "ids")]
    pub ids: Vec<String>,
}

/// [`Request::Allowance`]'s members.
#[derive(Debug, Clone, PartialEq, Deserialize, Tsify)]
pub struct AllowanceRequest {
    /// The action.
    #[serde(rename = "action", deserialize_with = "action")]
    #[tsify(type = "ActionKind")]
    pub kind: ActionKind,
}

impl Request {
    /// Every `type` tag, in declaration order.
    pub const TYPES: &'static [&'static str] =
        &["refresh", "connections", "test", "testTrap", "act", "stopActions", "allowance"];

    /// The `type` tag of this request.
    pub fn tag(&self) -> &'static str {
        match self {
            Request::Refresh(_) => "refresh",
            Request::Connections(_) => "connections",
            Request::Test(_) => "test",
            Request::TestTrap => "testTrap",
            Request::Act(_) => "act",
            Request::StopActions => "stopActions",
            Request::Allowance(_) => "allowance",
        }
    }
}

fn always() -> bool {
    true
}

fn max_limit() -> u32 {
    MAX_CONNECTIONS_LIMIT
}

fn button<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(crate::api::lenient::text(d)?.as_deref() != Some("popup"))
}

fn start_index<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(crate::api::lenient::count(d)?.unwrap_or(0))
}

fn limit<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(crate::api::lenient::count(d)?.unwrap_or(MAX_CONNECTIONS_LIMIT).clamp(1, MAX_CONNECTIONS_LIMIT))
}

fn sort_by<'de, D: Deserializer<'de>>(d: D) -> Result<SortBy, D::Error> {
    match crate::api::lenient::text(d)?.as_deref() {
        None | Some("recentlyAdded") => Ok(SortBy::RecentlyAdded),
        Some("firstName") => Ok(SortBy::FirstName),
        Some("lastName") => Ok(SortBy::LastName),
        Some(other) => Err(serde::de::Error::custom(["unknown sortBy '", &clip(other), "'"].concat())),
    }
}

fn no_settings() -> Settings {
    Settings::read(&Value::Null)
}

fn settings<'de, D: Deserializer<'de>>(d: D) -> Result<Settings, D::Error> {
    Settings::read_given(&Value::deserialize(d)?).map_err(|e| serde::de::Error::custom(e.message()))
}

fn action<'de, D: Deserializer<'de>>(d: D) -> Result<ActionKind, D::Error> {
    let text = crate::api::lenient::text(d)?.unwrap_or_default();
    ActionKind::parse(&text).ok_or_else(|| serde::de::Error::custom(["unknown action '", &clip(&text), "'"].concat()))
}

fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let mut ids: Vec<String> = crate::api::lenient::list(d)?;
    ids.truncate(crate::app::queue::MAX_ITEMS);
    Ok(ids)
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// What kind of JSON value `v` is, for an error message.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Reads a request as sent by a page; anything else is [`Error::InvalidInput`]: a value
/// that is not an object, a `type` that is not one of [`Request::TYPES`], a member of
/// the wrong kind (`reason: 7`), an unknown `sortBy` or `action`.
///
/// # Errors
/// [`Error::InvalidInput`] naming what is wrong.
pub fn read_request(value: &Value) -> Result<Request, Error> {
    let fail = |message: &str| Error::invalid(Invalid::Request, message);
    let Some(members) = value.as_object() else {
        return Err(fail(&["expected an object, found ", kind(value)].concat()));
    };
    // The tag first, so an unknown one is named as such (and a list is never read as a
    // request by position).
    let tag = match members.get("type") {
        Some(t) => crate::api::lenient::text(t.clone()).map_err(|e| fail(&e.to_string()))?,
        None => None,
    };
    let tag = tag.unwrap_or_default();
    Ok(match tag.as_str() {
        "refresh" => Request::Refresh(variant(value)?),
        "connections" => Request::Connections(variant(value)?),
        "test" => {
            // Settings that cannot be used fail with their own code (a base URL that
            // must use https://), not as an unreadable request.
            if let Some(settings) = members.get("settings").filter(|s| s.is_object()) {
                Settings::read_given(settings)?;
            }
            Request::Test(variant(value)?)
        }
        "act" => Request::Act(variant(value)?),
        "allowance" => Request::Allowance(variant(value)?),
        "testTrap" => Request::TestTrap,
        "stopActions" => Request::StopActions,
        _ => return Err(fail(&["unknown request type '", &clip(&tag), "'"].concat())),
    })
}

/// A variant's members, read from the whole message (its `type` is left unread).
fn variant<T: serde::de::DeserializeOwned>(message: &Value) -> Result<T, Error> {
    crate::api::objects::read(message.clone()).map_err(|e| Error::invalid(Invalid::Request, e.to_string()))
}

/// The background's answer: `{type: <tag>, …the variant's members}`.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Reply {
    /// Done (a refresh finished, whatever its outcome: the status says it).
    Done,
    /// A page of connections.
    Page {
        /// New connections of this page.
        items: Vec<Connection>,
        /// Where it started.
        start_index: u32,
        /// Where the next page starts.
        next_start_index: u32,
        /// No page follows.
        done: bool,
        /// The account that served it, if the server said.
        #[serde(skip_serializing_if = "Option::is_none")]
        account_id: Option<String>,
        /// This page's connections that could not be read (not in `items`: said in
        /// words, so the loaded count never silently falls short of the total).
        skipped: crate::api::decode::Skips,
    },
    /// The accounts a key may use.
    Accounts {
        /// In the API's order.
        accounts: Vec<Account>,
    },
    /// The test trap is armed.
    Armed,
    /// An action run started with this many items.
    Started {
        /// Items in the run.
        total: u32,
    },
    /// What an action may still do today.
    Allowance {
        /// Left of the extension's daily cap.
        remaining: u32,
        /// The daily cap (a setting).
        cap: u32,
        /// When the day's count resets (epoch ms, 00:00 UTC).
        resets_at_ms: u64,
        /// The API's own quota for it, where `GET /account/{id}/quota` reports one.
        #[serde(skip_serializing_if = "Option::is_none")]
        quota: Option<QuotaEntry>,
    },
    /// The request failed.
    Error {
        /// What went wrong, with its kind.
        #[tsify(type = "ApiError")]
        error: StoredError,
    },
}

impl Reply {
    /// Every `type` tag, in declaration order.
    pub const TYPES: &'static [&'static str] = &["done", "page", "accounts", "armed", "started", "allowance", "error"];

    /// The `type` tag of this reply.
    pub fn tag(&self) -> &'static str {
        match self {
            Reply::Done => "done",
            Reply::Page { .. } => "page",
            Reply::Accounts { .. } => "accounts",
            Reply::Armed => "armed",
            Reply::Started { .. } => "started",
            Reply::Allowance { .. } => "allowance",
            Reply::Error { .. } => "error",
        }
    }

    /// An error reply.
    pub fn error(error: StoredError) -> Reply {
        Reply::Error { error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The `type` tags of a generated union, in order.
    fn tags_of(decl: &str) -> Vec<&str> {
        decl.split("{ type: \"").skip(1).filter_map(|rest| rest.split('"').next()).collect()
    }

    #[test]
    fn typescript_declares_exactly_the_rust_tags() {
        use tsify::Tsify;
        assert!(Request::DECL.contains("export type Request = "), "{}", Request::DECL);
        assert!(Reply::DECL.contains("export type Reply = "), "{}", Reply::DECL);
        assert_eq!(tags_of(Request::DECL), Request::TYPES);
        assert_eq!(tags_of(Reply::DECL), Reply::TYPES);
    }

    #[test]
    fn every_request_tag_reads_back_to_its_variant() {
        for tag in Request::TYPES {
            let json = json!({"type": tag, "settings": {}, "action": "withdraw", "ids": ["1"]});
            assert_eq!(read_request(&json).unwrap().tag(), *tag);
        }
    }

    #[test]
    fn every_reply_serializes_with_its_tag() {
        let replies = [
            Reply::Done,
            Reply::Page { items: vec![], start_index: 0, next_start_index: 12, done: false, account_id: None, skipped: Default::default() },
            Reply::Accounts { accounts: vec![] },
            Reply::Armed,
            Reply::Started { total: 3 },
            Reply::Allowance { remaining: 50, cap: 50, resets_at_ms: 1, quota: None },
            Reply::error(StoredError::of_kind("network", "offline")),
        ];
        let tags: Vec<&str> = replies.iter().map(Reply::tag).collect();
        assert_eq!(tags, Reply::TYPES);
        for r in &replies {
            let text = serde_json::to_string(r).unwrap();
            assert!(text.starts_with(&format!(r#"{{"type":"{}""#, r.tag())), "{text}");
        }
    }

    #[test]
    fn replies_write_their_members_in_camel_case() {
        let page = Reply::Page {
            items: vec![],
            start_index: 12,
            next_start_index: 24,
            done: false,
            account_id: Some("acc".into()),
            skipped: crate::api::decode::Skips { count: 1, paths: vec!["r".into()] },
        };
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            json!({"type": "page", "items": [], "startIndex": 12, "nextStartIndex": 24, "done": false, "accountId": "acc",
                   "skipped": {"count": 1, "paths": ["r"]}})
        );
        let page = Reply::Page { items: vec![], start_index: 0, next_start_index: 0, done: true, account_id: None, skipped: Default::default() };
        assert!(serde_json::to_value(&page).unwrap().get("accountId").is_none());
        let allowance = Reply::Allowance { remaining: 5, cap: 50, resets_at_ms: 1_700_000_000_000, quota: None };
        assert_eq!(
            serde_json::to_value(&allowance).unwrap(),
            json!({"type": "allowance", "remaining": 5, "cap": 50, "resetsAtMs": 1_700_000_000_000u64})
        );
        let error = Reply::error(StoredError::of_kind("network", "offline"));
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"type": "error", "error": {"kind": "network", "message": "offline"}})
        );
        assert_eq!(serde_json::to_value(Reply::Done).unwrap(), json!({"type": "done"}));
        assert_eq!(serde_json::to_value(Reply::Started { total: 3 }).unwrap(), json!({"type": "started", "total": 3}));
    }

    #[test]
    fn requests_are_read_defensively() {
        let read = |v: serde_json::Value| read_request(&v);
        assert_eq!(read(json!({"type": "refresh", "reason": "popup"})).unwrap(), Request::Refresh(RefreshRequest { button: false }));
        assert_eq!(read(json!({"type": "refresh"})).unwrap(), Request::Refresh(RefreshRequest { button: true }));
        assert_eq!(read(json!({"type": "refresh", "reason": null})).unwrap(), Request::Refresh(RefreshRequest { button: true }));
        assert_eq!(
            read(json!({"type": "connections", "startIndex": 24, "limit": 99})).unwrap(),
            Request::Connections(ConnectionsRequest { start_index: 24, limit: 12, sort_by: SortBy::RecentlyAdded })
        );
        assert_eq!(
            read(json!({"type": "connections", "startIndex": "36", "limit": 0, "sortBy": "lastName"})).unwrap(),
            Request::Connections(ConnectionsRequest { start_index: 36, limit: 1, sort_by: SortBy::LastName })
        );
        assert_eq!(
            read(json!({"type": "connections", "startIndex": -1, "limit": "many", "sortBy": " "})).unwrap(),
            Request::Connections(ConnectionsRequest { start_index: 0, limit: 12, sort_by: SortBy::RecentlyAdded })
        );
        assert_eq!(
            read(json!({"type": "act", "action": "Accept", "ids": ["1", 2, "3", null]})).unwrap(),
            Request::Act(ActRequest { kind: ActionKind::Accept, ids: vec!["1".into(), "3".into()] })
        );
        assert_eq!(read(json!({"type": "act", "action": "ignore", "ids": "1"})).unwrap(), Request::Act(ActRequest { kind: ActionKind::Ignore, ids: vec![] }));
        let many: Vec<String> = (0..crate::app::queue::MAX_ITEMS + 5).map(|i| i.to_string()).collect();
        let Request::Act(ActRequest { ids, .. }) = read(json!({"type": "act", "action": "withdraw", "ids": many})).unwrap() else { panic!() };
        assert_eq!(ids.len(), crate::app::queue::MAX_ITEMS);
        assert_eq!(read(json!({"type": "stopActions", "extra": 1})).unwrap(), Request::StopActions);
        // The test carries the settings, read as stored ones are; unreadable ones are the
        // defaults, without a key (the test says why); an unusable base URL or account
        // id is named, never replaced by the official API or the default account.
        let form = json!({"schema": 1, "apiKey": " k ", "baseUrl": "http://localhost:8787/", "accountId": "acc-1", "refreshMinutes": 30});
        let Request::Test(TestRequest { settings }) = read(json!({"type": "test", "settings": form})).unwrap() else { panic!() };
        assert_eq!(settings, Settings::read(&form));
        assert_eq!((settings.api_key.as_str(), settings.base_url.as_str(), settings.account_id.as_str()), ("k", "http://localhost:8787", "acc-1"));
        for unreadable in [json!({"type": "test"}), json!({"type": "test", "settings": 5}), json!({"type": "test", "settings": {"apiKey": 5}})] {
            assert_eq!(read(unreadable).unwrap(), Request::Test(TestRequest { settings: Settings::read(&json!({})) }));
        }
        // With their own codes, which the options page words.
        let error = |settings: serde_json::Value| read(json!({"type": "test", "settings": settings})).unwrap_err().invalid_reason();
        assert_eq!(error(json!({"apiKey": "k", "baseUrl": "http://evil.example/linkedin"})), Some(Invalid::BaseUrlHttp));
        assert_eq!(error(json!({"apiKey": "k", "accountId": "a&b"})), Some(Invalid::AccountId));
        assert_eq!(read(json!({"type": "nope"})).unwrap_err().invalid_reason(), Some(Invalid::Request));
        let message = |v: serde_json::Value| read(v).unwrap_err().to_string();
        assert_eq!(message(json!({"type": "nope"})), "invalid input: unknown request type 'nope'");
        assert_eq!(message(json!({})), "invalid input: unknown request type ''");
        assert_eq!(message(json!([])), "invalid input: expected an object, found a list");
        assert_eq!(message(json!(["refresh"])), "invalid input: expected an object, found a list");
        assert_eq!(message(json!({"type": "connections", "sortBy": "x"})), "invalid input: unknown sortBy 'x'");
        assert_eq!(message(json!({"type": "allowance", "action": "delete"})), "invalid input: unknown action 'delete'");
        assert_eq!(message(json!({"type": 7})), "invalid input: invalid type: integer `7`, expected text");
        for bad in [
            json!({"type": "refresh", "reason": 7}),
            json!({"type": "connections", "sortBy": 1}),
            json!({"type": "act", "ids": ["1"]}),
            json!({"type": "allowance", "action": ["withdraw"]}),
            json!(null),
        ] {
            assert!(matches!(read(bad.clone()), Err(Error::InvalidInput { .. })), "{bad}");
        }
    }
}

