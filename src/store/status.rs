//! Where a sync stands, as the background stores it and the popup shows it: syncing
//! (with its progress), ok, or an error. A status of another schema or of the wrong
//! shape is absent.

use super::{has_schema, short, SCHEMA};
use crate::api::error::Invalid;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tsify::Tsify;

const MAX_MESSAGE: usize = 1_000;

/// Where a sync stands, as the background stores it and the popup shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// [`SCHEMA`].
    pub schema: u32,
    /// `syncing`, `ok` or `error`.
    #[tsify(type = r#""syncing" | "ok" | "error""#)]
    pub state: &'static str,
    /// When the state was reached (epoch ms).
    #[serde(serialize_with = "crate::api::lenient::whole_ms_opt", skip_serializing_if = "Option::is_none")]
    pub at: Option<f64>,
    /// Syncing: when the sync started (epoch ms).
    #[serde(serialize_with = "crate::api::lenient::whole_ms_opt", skip_serializing_if = "Option::is_none")]
    pub started_at: Option<f64>,
    /// Syncing: what started it (`popup`, `alarm`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Syncing: what the sync fetches (`received` or `all`), so a stopped worker
    /// resumes the same sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = r#""received" | "all""#)]
    pub scope: Option<&'static str>,
    /// Syncing: the last page reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<StoredProgress>,
    /// Error: what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = "ApiError")]
    pub error: Option<StoredError>,
}

/// The progress of a running sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct StoredProgress {
    /// `sent`, `received` or `connections`.
    #[tsify(type = "ListName")]
    pub list: &'static str,
    /// Pages so far.
    pub pages: u32,
    /// Items so far.
    pub items: u32,
}

/// A stored error: the `{kind, status?, message, retryAt?, reason?, apiMessage?}` shape
/// of [`crate::ErrorReport`], plus the kinds the extension adds itself (`no_key`,
/// `permission`, `internal`). The pages word its codes; `message` is for developers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredError {
    /// Lower-case letters and `_`.
    pub kind: String,
    /// HTTP status, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The message for developers (at most 1 000 characters).
    pub message: String,
    /// When a retry is allowed (epoch ms).
    #[serde(serialize_with = "crate::api::lenient::whole_ms_opt", skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<f64>,
    /// `invalid_input`: what is invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Invalid>,
    /// The server's own words, when it gave any (at most 1 000 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_message: Option<String>,
}

impl StoredError {
    /// An error of `kind` with a message for developers and nothing else.
    pub fn of_kind(kind: &str, message: &str) -> StoredError {
        StoredError { kind: kind.into(), status: None, message: message.into(), retry_at: None, reason: None, api_message: None }
    }
}

/// A stored status as it may be: every field optional, and a field of the wrong kind
/// absent ([`read_status`] checks the rest).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StoredStatus {
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    state: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    at: Option<u64>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    started_at: Option<u64>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    reason: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    scope: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::object")]
    progress: Option<ProgressFields>,
    #[serde(deserialize_with = "crate::api::lenient::object")]
    error: Option<ErrorFields>,
}


/// A stored [`StoredProgress`] as it may be.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ProgressFields {
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    list: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    pages: Option<u32>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    items: Option<u32>,
}

/// A stored [`StoredError`] as it may be.
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ErrorFields {
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    kind: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    status: Option<u16>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    message: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    retry_at: Option<u64>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    reason: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    api_message: Option<String>,
}

impl ErrorFields {
    /// The error, when its kind is one (short, lower-case letters and `_`).
    fn read(self) -> Option<StoredError> {
        let kind = self.kind.as_deref().map(str::trim).filter(|k| short(k) && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))?;
        Some(StoredError {
            kind: kind.to_string(),
            status: self.status,
            message: self.message.as_deref().map_or("", str::trim).chars().take(MAX_MESSAGE).collect(),
            retry_at: self.retry_at.map(|t| t as f64),
            // A code of another version reads as none (the pages word the kind alone).
            reason: self.reason.as_deref().and_then(Invalid::parse),
            api_message: self.api_message.as_deref().map(str::trim).filter(|m| !m.is_empty()).map(|m| m.chars().take(MAX_MESSAGE).collect()),
        })
    }
}

impl ProgressFields {
    /// The progress, when its list is one of the three and it has its counts.
    fn read(self) -> Option<StoredProgress> {
        let list = match self.list.as_deref()? {
            "sent" => "sent",
            "received" => "received",
            "connections" => "connections",
            _ => return None,
        };
        Some(StoredProgress { list, pages: self.pages?, items: self.items? })
    }
}

/// The stored status, when it has this schema and a known shape; else `None`.
pub fn read_status(raw: &Value) -> Option<Status> {
    if !has_schema(raw) {
        return None;
    }
    let stored = crate::api::objects::read::<StoredStatus>(raw.clone()).ok()?;
    let (state, error) = match stored.state.as_deref()? {
        "syncing" => ("syncing", None),
        "ok" => ("ok", None),
        "error" => ("error", Some(stored.error?.read()?)),
        _ => return None,
    };
    let syncing = state == "syncing";
    Some(Status {
        schema: SCHEMA,
        state,
        at: stored.at.map(|t| t as f64),
        started_at: stored.started_at.map(|t| t as f64).filter(|_| syncing),
        reason: stored.reason.map(|r| r.trim().to_string()).filter(|r| syncing && short(r)),
        scope: stored.scope.as_deref().and_then(crate::api::client::Scope::parse).filter(|_| syncing).map(|s| s.as_str()),
        progress: stored.progress.filter(|_| syncing).and_then(ProgressFields::read),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statuses_of_the_wrong_shape_are_absent() {
        let ok = json!({"schema": 1, "state": "ok", "at": 5});
        assert_eq!(read_status(&ok).map(|s| (s.state, s.at)), Some(("ok", Some(5.0))));
        let syncing = json!({"schema": 1, "state": "syncing", "startedAt": 9, "reason": "popup",
                             "progress": {"list": "received", "pages": 2, "items": 20}});
        let s = read_status(&syncing).unwrap();
        assert_eq!(s.progress, Some(StoredProgress { list: "received", pages: 2, items: 20 }));
        assert_eq!(s.reason.as_deref(), Some("popup"));
        let error = json!({"schema": 1, "state": "error", "at": 1,
                           "error": {"kind": "rate_limited", "status": 429, "message": "slow down", "retryAt": 7}});
        let e = read_status(&error).unwrap().error.unwrap();
        assert_eq!((e.kind.as_str(), e.status, e.message.as_str(), e.retry_at), ("rate_limited", Some(429), "slow down", Some(7.0)));
        let text = serde_json::to_value(read_status(&error).unwrap()).unwrap();
        // Times are written as whole milliseconds (`7`, not `7.0`: the same number to JavaScript).
        assert_eq!(text["error"], json!({"kind": "rate_limited", "status": 429, "message": "slow down", "retryAt": 7}));
        assert_eq!((&text["at"], &text["schema"]), (&json!(1), &json!(1)));

        // A malformed progress is dropped, the status kept.
        let odd = json!({"schema": 1, "state": "syncing", "progress": {"list": "<b>", "pages": 1, "items": 1}});
        assert_eq!(read_status(&odd).unwrap().progress, None);
        let odd = json!({"schema": 1, "state": "syncing", "reason": " alarm ", "progress": ["sent", 1, 1]});
        assert_eq!(read_status(&odd).map(|s| (s.progress, s.reason)), Some((None, Some("alarm".into()))));
        for garbage in [
            json!(null),
            json!("ok"),
            json!({"state": "ok", "at": 5}), // version 0: no schema
            json!({"schema": "1", "state": "ok"}),
            json!({"schema": 1, "state": "done"}),
            json!({"schema": 1, "state": "error"}),
            json!({"schema": 1, "state": "error", "error": null}),
            json!({"schema": 1, "state": "error", "error": {"kind": 401}}),
            json!({"schema": 1, "state": "error", "error": {"kind": "<img src=x>"}}),
            json!({"schema": 1, "state": "error", "error": ["rate_limited"]}),
            json!({"schema": 1.0, "state": "ok"}),
            json!({"schema": 1, "state": ["ok"]}),
        ] {
            assert_eq!(read_status(&garbage), None, "{garbage}");
        }
    }
}
