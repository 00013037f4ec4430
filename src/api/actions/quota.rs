//! The answer of `GET /account/{accountId}/quota` (newer API edition): the service's
//! and LinkedIn's own limits per feature, read permissively.

use super::CapKind;
use crate::api::time::parse_iso8601_ms;
use serde::{Deserialize, Deserializer, Serialize};
use tsify::Tsify;

/// One entry of `GET /account/{accountId}/quota` (newer API edition), read
/// permissively: only `feature` must be text; any other field of another kind is
/// absent. Written with `resetAtMs` for `resetAt`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct QuotaEntry {
    /// The feature counted (an open set, as the API spells it).
    #[serde(deserialize_with = "super::required_text")]
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
    #[serde(default, deserialize_with = "super::loose_id", skip_serializing_if = "Option::is_none")]
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
