//! The rows the popup's lists show: one [`Row`] per sent or received invitation or
//! connection, plain text for `textContent`, linked only to a safe profile URL, and
//! read back as strictly as an API item when JavaScript hands one back (a stored first
//! screen).

use crate::api::actions::{RespondAction, RespondRequest, WithdrawRequest};
use crate::api::models::{linkedin_profile_url, Category, Connection, ReceivedInvitation, SentInvitation};
use crate::api::sync::OTHER_CATEGORY;
use serde::{Deserialize, Deserializer, Serialize};
use tsify::Tsify;

/// One rendered row of any list.
///
/// A row handed back from JavaScript (a stored first screen) is read as strictly as an
/// API item: an id or a text field of the wrong kind makes it unreadable; its link is
/// checked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "StoredRow")]
pub struct Row {
    /// Stable identity (invitation id, or the connection's key).
    pub id: String,
    /// Full name; `"(no name)"` never appears: empty when the API sent none.
    pub name: String,
    /// The profile link, only when it is a safe `https://www.linkedin.com/` URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The API's relative time text, raw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Approximate age in seconds, when the time text could be parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_secs: Option<u32>,
    /// Whole days since the extension first saw the invitation, where that says its age
    /// better than `time`: the pages show "first seen 19 days ago" instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_seen_days: Option<u32>,
    /// Received invitations: the category key (`CONNECTION` …, or `OTHER`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Organization invitations: the company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Newsletter invitations: the newsletter's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newsletter: Option<String>,
    /// The invitation's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Whether the row's action (withdraw; accept and ignore) can be sent: the item has
    /// every field the API needs. A row without them offers no action and is left out
    /// of bulk actions. Read back as `true` only from `true`.
    pub actionable: bool,
}

/// A [`Row`] as read back from JavaScript: the reading rules of each field. The struct
/// above is what is written, and declared to TypeScript.
#[derive(Deserialize)]
#[serde(rename = "Row", rename_all = "camelCase")]
struct StoredRow {
    #[serde(default, deserialize_with = "id_or_empty")]
    id: String,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    name: String,
    #[serde(default, deserialize_with = "safe_url_text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    headline: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    time: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    age_secs: Option<u32>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    first_seen_days: Option<u32>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    category: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    company: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    newsletter: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "only_true")]
    actionable: bool,
}

impl From<StoredRow> for Row {
    fn from(r: StoredRow) -> Self {
        let StoredRow { id, name, url, headline, time, age_secs, first_seen_days, category, company, newsletter, message, actionable } =
            r;
        Row { id, name, url, headline, time, age_secs, first_seen_days, category, company, newsletter, message, actionable }
    }
}

/// A row's id as written (text kept as it is, even blank: it is the row's own key, e.g.
/// a connection's normalized profile URL; or a whole number), `""` when missing;
/// anything else is an error.
fn id_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::Number(n) if n.as_u64().is_some() => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected an id (text or a whole number), found {other}"))),
    }
}

/// Text kept only when it is a safe profile link: a row handed back from JavaScript
/// links only what is safe.
fn safe_url_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(crate::api::lenient::text(d)?.as_deref().and_then(linkedin_profile_url))
}

/// `true` only for `true`; anything else is `false`.
fn only_true<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(matches!(serde_json::Value::deserialize(d)?, serde_json::Value::Bool(true)))
}

/// The category key a received invitation is counted under.
pub fn category_key(c: &Category) -> &str {
    match c {
        Category::Other(_) | Category::Missing => OTHER_CATEGORY,
        known => known.as_str(),
    }
}

fn safe_url(url: &Option<String>) -> Option<String> {
    url.as_deref().and_then(linkedin_profile_url)
}

impl From<&SentInvitation> for Row {
    fn from(s: &SentInvitation) -> Row {
        Row {
            id: s.invitation_id.clone(),
            name: s.profile.full_name(),
            url: safe_url(&s.profile.profile_url),
            headline: s.profile.headline.clone(),
            time: s.sent_at.clone(),
            age_secs: s.age_secs,
            first_seen_days: s.first_seen_days,
            category: None,
            company: None,
            newsletter: None,
            message: s.message.clone(),
            actionable: WithdrawRequest::from_sent(s, None).is_ok(),
        }
    }
}

impl From<&ReceivedInvitation> for Row {
    fn from(r: &ReceivedInvitation) -> Row {
        Row {
            id: r.invitation_id.clone(),
            name: r.profile.full_name(),
            url: safe_url(&r.profile.profile_url),
            headline: r.profile.headline.clone(),
            time: r.received_at.clone(),
            age_secs: r.age_secs,
            first_seen_days: r.first_seen_days,
            category: Some(category_key(&r.invitation_category).to_string()),
            company: r.company_name.clone(),
            newsletter: r.newsletter_name.clone(),
            message: r.note().map(str::to_string),
            actionable: RespondRequest::from_received(r, RespondAction::Accept, None).is_ok(),
        }
    }
}

impl From<&Connection> for Row {
    fn from(c: &Connection) -> Row {
        Row {
            id: crate::api::models::Keyed::key(c),
            name: c.full_name(),
            url: safe_url(&c.profile_url),
            headline: c.headline.clone(),
            time: c.connected_date.clone(),
            age_secs: c.age_secs,
            first_seen_days: None,
            category: None,
            company: None,
            newsletter: None,
            message: None,
            actionable: false,
        }
    }
}
