//! The one message protocol between the extension's pages and its background.
//!
//! The popup, the side panel and the options page send the background a [`Request`]
//! (`{type: "refresh", reason: "popup"}`, …) through `runtime.sendMessage`; the
//! background hands it, as received, to the controller ([`crate::app::App::handle`]),
//! which answers with a [`Reply`] (`{type: "done"}`, `{type: "page", …}`,
//! `{type: "error", error}`). Both are plain JSON data, read and written here only.
//!
//! The TypeScript types of both ([`TS_PROTOCOL`]) are checked against these enums by a
//! native test (every `type` tag, both ways), and `tests/e2e` checks that the extension's
//! pages send only those tags.

use crate::actions::{ActionKind, QuotaEntry};
use crate::client::{SortBy, MAX_CONNECTIONS_LIMIT};
use crate::error::Error;
use crate::json::{FromJson, Json, JsonObject, Obj, Path, ReadError, ToJson};
use crate::models::{Account, Connection};
use crate::store::StoredError;

/// The TypeScript declarations of [`Request`] and [`Reply`] (emitted into
/// `pending_core.d.ts`).
pub const TS_PROTOCOL: &str = r#"
/** What a page of the extension asks the background (`runtime.sendMessage`). */
export type Request =
  | { type: "refresh"; reason?: "popup" | "button" }
  | { type: "connections"; startIndex?: number; limit?: number; sortBy?: "recentlyAdded" | "firstName" | "lastName" }
  | { type: "test"; settings: { apiKey?: string; baseUrl?: string; accountId?: string } }
  | { type: "testTrap" }
  | { type: "act"; action: "withdraw" | "accept" | "ignore"; ids: string[] }
  | { type: "stopActions" }
  | { type: "allowance"; action: "withdraw" | "accept" | "ignore" };
/** One entry of the API's `GET /account/{id}/quota`. */
export interface QuotaEntry { feature: string; window?: string; used?: number; limit?: number; linkedinLimit?: number; remaining?: number; limitReached?: boolean; resetAtMs?: number; }
/** The background's answer to a `Request`. */
export type Reply =
  | { type: "done" }
  | { type: "page"; items: Connection[]; startIndex: number; nextStartIndex: number; done: boolean; accountId?: string; skipped: Skips }
  | { type: "accounts"; accounts: Account[] }
  | { type: "armed" }
  | { type: "started"; total: number }
  | { type: "allowance"; remaining: number; cap: number; resetsAtMs: number; quota?: QuotaEntry }
  | { type: "error"; error: ApiError };
"#;

/// A page's request to the background.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Refresh now: `button` (the user asked: everything) or `popup` (opened: the
    /// refresh policy decides what is stale).
    Refresh {
        /// `true` for the refresh button.
        button: bool,
    },
    /// The next page of connections, on the one connections cursor.
    Connections {
        /// Where the page starts.
        start_index: u32,
        /// Page size, 1–12.
        limit: u32,
        /// Sort order.
        sort_by: SortBy,
    },
    /// Test a key, base URL and account (the options page): the accounts the key may use.
    Test {
        /// Raw settings from the form (`apiKey`, `baseUrl`, `accountId`).
        settings: Json,
    },
    /// Test hook: arm a trap in the next page of a sync (accepted only while storage
    /// holds `testHooks: true`).
    TestTrap,
    /// The user confirmed an action on these invitations (of the stored snapshot): a
    /// paced, capped run starts.
    Act {
        /// What to do.
        kind: ActionKind,
        /// The invitations, in the order shown.
        ids: Vec<String>,
    },
    /// Stop the running action run: nothing more is sent.
    StopActions,
    /// What an action may still do today (for the confirmation).
    Allowance {
        /// The action.
        kind: ActionKind,
    },
}

impl Request {
    /// Every `type` tag, in declaration order.
    pub const TYPES: &'static [&'static str] =
        &["refresh", "connections", "test", "testTrap", "act", "stopActions", "allowance"];

    /// The `type` tag of this request.
    pub fn tag(&self) -> &'static str {
        match self {
            Request::Refresh { .. } => "refresh",
            Request::Connections { .. } => "connections",
            Request::Test { .. } => "test",
            Request::TestTrap => "testTrap",
            Request::Act { .. } => "act",
            Request::StopActions => "stopActions",
            Request::Allowance { .. } => "allowance",
        }
    }
}

fn sort_by(s: Option<&str>, path: &Path<'_>) -> Result<SortBy, ReadError> {
    match s {
        None | Some("") | Some("recentlyAdded") => Ok(SortBy::RecentlyAdded),
        Some("firstName") => Ok(SortBy::FirstName),
        Some("lastName") => Ok(SortBy::LastName),
        Some(other) => Err(ReadError { path: path.render(), message: ["unknown sortBy '", &clip(other), "'"].concat() }),
    }
}

impl FromJson for Request {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        let tag = o.text("type")?.unwrap_or_default();
        Ok(match tag.as_str() {
            "refresh" => Request::Refresh { button: o.text("reason")?.as_deref() != Some("popup") },
            "connections" => {
                let count = |k: &str| o.count(k).and_then(|n| u32::try_from(n).ok());
                Request::Connections {
                    start_index: count("startIndex").unwrap_or(0),
                    limit: count("limit").unwrap_or(MAX_CONNECTIONS_LIMIT).clamp(1, MAX_CONNECTIONS_LIMIT),
                    sort_by: sort_by(o.text("sortBy")?.as_deref(), path)?,
                }
            }
            "test" => Request::Test { settings: o.get("settings").cloned().unwrap_or(Json::Null) },
            "testTrap" => Request::TestTrap,
            "act" => {
                let ids = match o.get("ids") {
                    Some(Json::Arr(list)) => list.iter().filter_map(Json::as_str).map(str::to_string).take(crate::queue::MAX_ITEMS).collect(),
                    _ => Vec::new(),
                };
                Request::Act { kind: action(&o, path)?, ids }
            }
            "stopActions" => Request::StopActions,
            "allowance" => Request::Allowance { kind: action(&o, path)? },
            other => {
                return Err(ReadError { path: path.render(), message: ["unknown request type '", &clip(other), "'"].concat() })
            }
        })
    }
}

fn action(o: &Obj<'_>, path: &Path<'_>) -> Result<ActionKind, ReadError> {
    let text = o.text("action")?.unwrap_or_default();
    ActionKind::parse(&text).ok_or_else(|| ReadError { path: path.render(), message: ["unknown action '", &clip(&text), "'"].concat() })
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Reads a request as sent by a page; anything else is [`Error::InvalidInput`].
///
/// # Errors
/// [`Error::InvalidInput`] naming what is wrong.
pub fn read_request(value: &Json) -> Result<Request, Error> {
    Request::from_json(value, &Path::Root).map_err(|e| Error::InvalidInput(["message: ", e.message.as_str()].concat()))
}

/// The background's answer.
#[derive(Debug, Clone, PartialEq)]
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
        account_id: Option<String>,
        /// This page's connections that could not be read (not in `items`: said in
        /// words, so the loaded count never silently falls short of the total).
        skipped: crate::decode::Skips,
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
        quota: Option<QuotaEntry>,
    },
    /// The request failed.
    Error {
        /// What went wrong, with its kind.
        error: StoredError,
    },
}

impl ToJson for Reply {
    /// `{type: <tag>, …the variant's members}`.
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("type", &self.tag());
        match self {
            Reply::Done | Reply::Armed => {}
            Reply::Page { items, start_index, next_start_index, done, account_id, skipped } => {
                o.field("items", items);
                o.field("startIndex", start_index);
                o.field("nextStartIndex", next_start_index);
                o.field("done", done);
                o.opt("accountId", account_id);
                o.field("skipped", skipped);
            }
            Reply::Accounts { accounts } => {
                o.field("accounts", accounts);
            }
            Reply::Started { total } => {
                o.field("total", total);
            }
            Reply::Allowance { remaining, cap, resets_at_ms, quota } => {
                o.field("remaining", remaining);
                o.field("cap", cap);
                o.field("resetsAtMs", resets_at_ms);
                o.opt("quota", quota);
            }
            Reply::Error { error } => {
                o.field("error", error);
            }
        }
        o.end();
    }
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

    fn tags_of(section: &str) -> Vec<String> {
        section
            .lines()
            .filter_map(|l| l.split("type: \"").nth(1))
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn typescript_declares_exactly_the_rust_tags() {
        let (req, rep) = TS_PROTOCOL.split_once("export type Reply").unwrap();
        assert_eq!(tags_of(req), Request::TYPES);
        assert_eq!(tags_of(rep), Reply::TYPES);
    }

    #[test]
    fn every_request_tag_reads_back_to_its_variant() {
        for tag in Request::TYPES {
            let json = crate::json::parse(&format!(r#"{{"type":"{tag}","settings":{{}},"action":"withdraw","ids":["1"]}}"#)).unwrap();
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
            Reply::error(StoredError { kind: "network".into(), status: None, message: "offline".into(), retry_at: None }),
        ];
        let tags: Vec<&str> = replies.iter().map(Reply::tag).collect();
        assert_eq!(tags, Reply::TYPES);
        for r in &replies {
            let text = r.to_json();
            assert!(text.starts_with(&format!(r#"{{"type":"{}""#, r.tag())), "{text}");
        }
    }

    #[test]
    fn requests_are_read_defensively() {
        let read = |s: &str| read_request(&crate::json::parse(s).unwrap());
        assert_eq!(read(r#"{"type":"refresh","reason":"popup"}"#).unwrap(), Request::Refresh { button: false });
        assert_eq!(read(r#"{"type":"refresh"}"#).unwrap(), Request::Refresh { button: true });
        assert_eq!(
            read(r#"{"type":"connections","startIndex":24,"limit":99}"#).unwrap(),
            Request::Connections { start_index: 24, limit: 12, sort_by: SortBy::RecentlyAdded }
        );
        for bad in [r#"{"type":"nope"}"#, r#"{}"#, r#"[]"#, r#"{"type":"connections","sortBy":"x"}"#, r#"{"type":7}"#] {
            assert!(matches!(read(bad), Err(Error::InvalidInput(_))), "{bad}");
        }
    }
}
