//! Typed items of the ConnectSafely list endpoints.
//!
//! Decoding is lenient where the API is loose and strict where a wrong value would
//! mislead: unknown fields are ignored, every descriptive field may be missing, `""`
//! means "none", ids may arrive as strings or integers and always leave as strings
//! (19-digit invitation ids do not fit a JavaScript number). A field of the wrong type
//! (a number where a name belongs) is a decode error naming its path, not a guess.
//!
//! Items serialize back to the API's camelCase names, plus `ageSecs`, the approximate
//! age parsed from the relative time (see [`crate::api::time::approximate_age_secs`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tsify::Tsify;
use std::fmt;

/// The person on an invitation: the invitee on a sent invitation, the inviter on a
/// received one (a person even for organization, newsletter and event invitations).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// First name.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Headline; often missing on non-connection invitations.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Profile URL as sent (with or without a trailing slash). Untrusted: see
    /// [`crate::linkedin_profile_url`] before linking it.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    /// The vanity slug (`johndoe`).
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub public_identifier: Option<String>,
}

fn full_name(first: &Option<String>, last: &Option<String>) -> String {
    match (first.as_deref(), last.as_deref()) {
        (Some(f), Some(l)) => [f.trim(), " ", l.trim()].concat(),
        (Some(n), None) | (None, Some(n)) => n.trim().to_string(),
        (None, None) => String::new(),
    }
}

impl Profile {
    /// "First Last", or whichever part exists, or `""`.
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

/// A pending invitation the account has sent (`GET /invitations/sent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "RawSentInvitation")]
pub struct SentInvitation {
    /// The 19-digit invitation id, as a string.
    pub invitation_id: String,
    /// `urn:li:invitation:<id>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_urn: Option<String>,
    /// The invitee's member id (`ACoAA…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// `urn:li:fsd_profile:<memberId>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_urn: Option<String>,
    /// Relative display time, kept raw (`"2 days ago"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// The note sent with the invitation, if the API returns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The invitee.
    pub profile: Profile,
    /// Approximate age in seconds parsed from `sentAt` when the page was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_secs: Option<u32>,
    /// Whole days since the extension first saw it, where that says the age better
    /// than `sentAt`: set by [`crate::store::ages::FirstSeen::apply`] for the rows
    /// ([`crate::view::Row`]'s `firstSeenDays`), never read or written.
    #[serde(skip)]
    pub first_seen_days: Option<u32>,
}

/// A [`SentInvitation`] as read (from the API, or stored): the reading rules of each
/// field. The struct above is what is written, and declared to TypeScript.
#[derive(Deserialize)]
#[serde(rename = "SentInvitation", rename_all = "camelCase")]
struct RawSentInvitation {
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    invitation_id: String,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    invitation_urn: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::id")]
    member_id: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    member_urn: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    sent_at: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::or_default")]
    profile: Profile,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    age_secs: Option<u32>,
}

impl From<RawSentInvitation> for SentInvitation {
    fn from(r: RawSentInvitation) -> Self {
        let RawSentInvitation { invitation_id, invitation_urn, member_id, member_urn, sent_at, message, profile, age_secs } = r;
        let first_seen_days = None;
        SentInvitation { invitation_id, invitation_urn, member_id, member_urn, sent_at, message, profile, age_secs, first_seen_days }
    }
}

/// The kind of a received invitation. Unknown values keep their raw text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Category {
    /// A person asks to connect.
    Connection,
    /// An invitation to follow a company page.
    Organization,
    /// An invitation to subscribe to a newsletter.
    Newsletter,
    /// An invitation to an event.
    Event,
    /// A person invites the account to follow them.
    MemberFollow,
    /// A category this client does not know, with the raw string (`""` when missing).
    Other(String),
    /// No category was sent.
    #[default]
    Missing,
}

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_CATEGORY: &str = r#"
/** A received invitation's kind: one of the five documented ones, or the raw text of another (`""` when missing). */
export type Category = "CONNECTION" | "ORGANIZATION" | "NEWSLETTER" | "EVENT" | "MEMBER_FOLLOW" | string;
"#;

/// The badge's and the popup's categories, in display order: the five documented ones
/// and [`crate::api::sync::OTHER_CATEGORY`] (anything else).
pub const CATEGORIES: &[&str] = &["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW", "OTHER"];

impl Category {
    /// The five documented categories, in display order.
    pub const KNOWN: [Category; 5] = [
        Category::Connection,
        Category::Organization,
        Category::Newsletter,
        Category::Event,
        Category::MemberFollow,
    ];

    /// The API's spelling (`"CONNECTION"` …), the raw string for [`Category::Other`],
    /// `""` for [`Category::Missing`].
    pub fn as_str(&self) -> &str {
        match self {
            Category::Connection => "CONNECTION",
            Category::Organization => "ORGANIZATION",
            Category::Newsletter => "NEWSLETTER",
            Category::Event => "EVENT",
            Category::MemberFollow => "MEMBER_FOLLOW",
            Category::Other(s) => s,
            Category::Missing => "",
        }
    }
}

impl From<String> for Category {
    fn from(s: String) -> Self {
        match s.trim() {
            "CONNECTION" => Category::Connection,
            "ORGANIZATION" => Category::Organization,
            "NEWSLETTER" => Category::Newsletter,
            "EVENT" => Category::Event,
            "MEMBER_FOLLOW" => Category::MemberFollow,
            "" => Category::Missing,
            _ => Category::Other(s),
        }
    }
}

impl From<Category> for String {
    fn from(c: Category) -> String {
        c.as_str().to_string()
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A category name; `null` is [`Category::Missing`]; any other kind of value is an error.
impl<'de> Deserialize<'de> for Category {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map_or(Category::Missing, Category::from))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A pending invitation the account has received (`GET /invitations/received`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "RawReceivedInvitation")]
pub struct ReceivedInvitation {
    /// The 19-digit invitation id, as a string.
    pub invitation_id: String,
    /// `urn:li:invitation:<id>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_urn: Option<String>,
    /// The inviter's member id (`ACoAA…`); `None` on organization invitations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    /// `urn:li:fsd_profile:<memberId>`; `None` when the member id is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_urn: Option<String>,
    /// Connection, organization, newsletter, event or member-follow.
    #[tsify(type = "Category")]
    pub invitation_category: Category,
    /// LinkedIn's raw type (`GenericInvitationType_CONNECTION`), opaque; needed to respond.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(rename = "linkedInInvitationType")]
    pub linkedin_invitation_type: Option<String>,
    /// The short token needed to respond.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_token: Option<String>,
    /// Relative display time, kept raw (`"2 weeks ago"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// The company, on organization (and some newsletter) invitations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// The newsletter's name, on newsletter invitations (newer API edition).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newsletter_name: Option<String>,
    /// The inviter's note as the newer API edition names it (`customMessage`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_message: Option<String>,
    /// The inviter's note as the older pages name it (`message`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The inviter.
    pub profile: Profile,
    /// Approximate age in seconds parsed from `receivedAt` when the page was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_secs: Option<u32>,
    /// Whole days since the extension first saw it, where that says the age better
    /// than `receivedAt`: set by [`crate::store::ages::FirstSeen::apply`] for the rows
    /// ([`crate::view::Row`]'s `firstSeenDays`), never read or written.
    #[serde(skip)]
    pub first_seen_days: Option<u32>,
}

/// A [`ReceivedInvitation`] as read (from the API, or stored): the reading rules of each
/// field. The struct above is what is written, and declared to TypeScript.
#[derive(Deserialize)]
#[serde(rename = "ReceivedInvitation", rename_all = "camelCase")]
struct RawReceivedInvitation {
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    invitation_id: String,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    invitation_urn: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::id")]
    member_id: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    member_urn: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::or_default")]
    invitation_category: Category,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    #[serde(rename = "linkedInInvitationType")]
    linkedin_invitation_type: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    validation_token: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    received_at: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    company_name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    newsletter_name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    custom_message: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::or_default")]
    profile: Profile,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    age_secs: Option<u32>,
}

impl From<RawReceivedInvitation> for ReceivedInvitation {
    fn from(r: RawReceivedInvitation) -> Self {
        let RawReceivedInvitation {
            invitation_id, invitation_urn, member_id, member_urn, invitation_category, linkedin_invitation_type,
            validation_token, received_at, company_name, newsletter_name, custom_message, message, profile, age_secs,
        } = r;
        let first_seen_days = None;
        ReceivedInvitation {
            invitation_id, invitation_urn, member_id, member_urn, invitation_category, linkedin_invitation_type,
            validation_token, received_at, company_name, newsletter_name, custom_message, message, profile, age_secs,
            first_seen_days,
        }
    }
}

impl ReceivedInvitation {
    /// The inviter's note: `customMessage` (newer edition), else `message`.
    pub fn note(&self) -> Option<&str> {
        self.custom_message.as_deref().or(self.message.as_deref())
    }
}

/// A first-degree connection (`GET /connections`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// First name.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The vanity slug; the connection's identity.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub vanity_name: Option<String>,
    /// Headline.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Display text, kept raw (`"Connected on Feb 15, 2024"`).
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub connected_date: Option<String>,
    /// Profile URL as sent. Untrusted: see [`crate::linkedin_profile_url`].
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    /// Approximate age in seconds parsed from `connectedDate`.
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub age_secs: Option<u32>,
}

impl Connection {
    /// "First Last", or whichever part exists, or `""`.
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

/// A LinkedIn account the API key may act for (`GET /accounts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// The 24-hex account id to pass as `accountId`.
    pub id: String,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The vanity slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_id: Option<String>,
    /// Picture URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// `AVAILABLE`, `WARMUP`, `ERROR`, `UNKNOWN`, `IN_USE`, … (an open set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Whether the account is enabled (newer API edition); `None` when not said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Whether the caller holds an API seat for this account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_seat_allocated: Option<bool>,
    /// Set by the client from [`Account::attention`] for the UI; never read from the API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention: Option<&'static str>,
    /// Set by the client from [`Account::is_usable`] for the UI; never read from the API.
    pub usable: bool,
}

/// An [`Account`] as read from the API: the reading rules of each field. `attention` and
/// `usable` are never read (the client sets them). The struct above is what is written,
/// and declared to TypeScript.
#[derive(Deserialize)]
#[serde(rename = "Account", rename_all = "camelCase")]
struct RawAccount {
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    id: String,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    first_name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    last_name: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    public_id: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    picture: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::flag")]
    enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::api::lenient::flag")]
    api_seat_allocated: Option<bool>,
}

/// Read as a `RawAccount` (by hand, not `#[serde(from)]`: the `&'static str` of
/// `attention` would tie the derived reader to `'static` input).
impl<'de> Deserialize<'de> for Account {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let RawAccount { id, first_name, last_name, public_id, picture, status, enabled, api_seat_allocated } = RawAccount::deserialize(d)?;
        Ok(Account { id, first_name, last_name, public_id, picture, status, enabled, api_seat_allocated, attention: None, usable: false })
    }
}

impl Account {
    /// Whether the account can serve API calls: it has a seat and is enabled (or the
    /// API did not say) and its status is not `ERROR`.
    pub fn is_usable(&self) -> bool {
        // `ERROR` as `attention` reads it (any case, blanks around), so the two agree.
        let error = self.status.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case("ERROR"));
        self.api_seat_allocated != Some(false) && self.enabled != Some(false) && !error
    }

    /// What the options page says next to the account, or `None` when it is ready
    /// (enabled and `AVAILABLE`, or nothing said): a stable key the UI maps to words.
    /// `disabled`, `no_seat`, `warmup`, `error`, `unknown`, `in_use`, or `other`.
    pub fn attention(&self) -> Option<&'static str> {
        if self.enabled == Some(false) {
            return Some("disabled");
        }
        if self.api_seat_allocated == Some(false) {
            return Some("no_seat");
        }
        match self.status.as_deref().map(str::trim) {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("AVAILABLE") => None,
            Some(s) if s.eq_ignore_ascii_case("WARMUP") => Some("warmup"),
            Some(s) if s.eq_ignore_ascii_case("ERROR") => Some("error"),
            Some(s) if s.eq_ignore_ascii_case("UNKNOWN") => Some("unknown"),
            Some(s) if s.eq_ignore_ascii_case("IN_USE") => Some("in_use"),
            Some(_) => Some("other"),
        }
    }
}

/// An item of a paged list, with the identity used to de-duplicate a walk.
pub trait Keyed {
    /// The identity of the item within its list.
    fn key(&self) -> String;
}

impl Keyed for SentInvitation {
    fn key(&self) -> String {
        self.invitation_id.clone()
    }
}

impl Keyed for ReceivedInvitation {
    fn key(&self) -> String {
        self.invitation_id.clone()
    }
}

impl Keyed for Connection {
    /// The vanity name, else the normalized profile URL, else name, headline and
    /// connection date together (two different people rarely share all three, while
    /// the name alone would merge namesakes).
    fn key(&self) -> String {
        if let Some(v) = &self.vanity_name {
            return v.to_ascii_lowercase();
        }
        // A URL of slashes alone is no identity: it would merge everyone who has one.
        if let Some(u) = self.profile_url.as_deref().map(|u| u.trim_end_matches('/')).filter(|u| !u.is_empty()) {
            return u.to_ascii_lowercase();
        }
        let part = |s: &Option<String>| s.as_deref().unwrap_or("").to_string();
        ["~", &self.full_name(), "|", &part(&self.headline), "|", &part(&self.connected_date)].concat()
    }
}

/// Items whose approximate age can be derived from their relative time text.
pub trait Aged {
    /// Sets `age_secs` from the item's relative time, measured from `now_ms`.
    fn stamp_age(&mut self, now_ms: f64);
}

impl Aged for SentInvitation {
    fn stamp_age(&mut self, now_ms: f64) {
        self.age_secs = self.sent_at.as_deref().and_then(|t| crate::api::time::approximate_age_secs(t, now_ms));
    }
}

impl Aged for ReceivedInvitation {
    fn stamp_age(&mut self, now_ms: f64) {
        self.age_secs = self.received_at.as_deref().and_then(|t| crate::api::time::approximate_age_secs(t, now_ms));
    }
}

impl Aged for Connection {
    fn stamp_age(&mut self, now_ms: f64) {
        self.age_secs = self.connected_date.as_deref().and_then(|t| crate::api::time::approximate_age_secs(t, now_ms));
    }
}

/// Returns the URL normalized (no trailing slash) if it is an `https://www.linkedin.com/`
/// URL that is safe to put in a link, else `None`. Everything else the API sends
/// (`javascript:`, other hosts, `http:`, credentials in the URL) is shown as text only.
pub fn linkedin_profile_url(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("https://www.linkedin.com/")?;
    let ok = rest
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/%?=&+".contains(&b));
    (ok && !rest.starts_with('/')).then(|| ["https://www.linkedin.com/", rest.trim_end_matches('/')].concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Reads a model from a `json!` value.
    fn read<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, serde_json::Error> {
        serde_json::from_value(v)
    }

    #[test]
    fn empty_strings_are_none_and_ids_stay_strings() {
        let v = json!({
            "id": "7455891636745551899", "invitationId": 7455891636745551899u64,
            "memberId": "", "memberUrn": "", "invitationCategory": "ORGANIZATION",
            "linkedInInvitationType": "GenericInvitationType_ORGANIZATION",
            "validationToken": "C712w50Z", "receivedAt": "2 weeks ago", "companyName": "ZenX8Studio",
            "profile": {"firstName": "Yash", "lastName": "Jadhav", "headline": ""},
            "someFutureField": {"nested": true}
        });
        let inv: ReceivedInvitation = read(v).unwrap();
        assert_eq!(inv.invitation_id, "7455891636745551899");
        assert_eq!(inv.member_id, None);
        assert_eq!(inv.member_urn, None);
        assert_eq!(inv.profile.headline, None);
        assert_eq!(inv.invitation_category, Category::Organization);
        assert_eq!(inv.linkedin_invitation_type.as_deref(), Some("GenericInvitationType_ORGANIZATION"));
        assert_eq!(inv.profile.full_name(), "Yash Jadhav");
    }

    #[test]
    fn unknown_and_missing_categories_keep_their_text() {
        let a: ReceivedInvitation =
            read(json!({"invitationId": "1", "invitationCategory": "GROUP"})).unwrap();
        assert_eq!(a.invitation_category, Category::Other("GROUP".into()));
        assert_eq!(serde_json::to_value(&a).unwrap()["invitationCategory"], "GROUP");
        let b: ReceivedInvitation = read(json!({"invitationId": "2"})).unwrap();
        assert_eq!(b.invitation_category, Category::Missing);
        let c: ReceivedInvitation =
            read(json!({"invitationId": "3", "invitationCategory": null})).unwrap();
        assert_eq!(c.invitation_category, Category::Missing);
        for k in Category::KNOWN {
            assert_eq!(Category::from(k.as_str().to_string()), k);
        }
    }

    #[test]
    fn serializes_back_to_api_names() {
        let inv: ReceivedInvitation = read(json!({
            "invitationId": "7455163451166860117", "invitationCategory": "CONNECTION",
            "linkedInInvitationType": "GenericInvitationType_CONNECTION", "message": "Hi",
            "profile": {"firstName": "Maria", "publicIdentifier": "maria"}
        }))
        .unwrap();
        let out = serde_json::to_value(&inv).unwrap();
        assert_eq!(out["invitationId"], "7455163451166860117");
        assert_eq!(out["linkedInInvitationType"], "GenericInvitationType_CONNECTION");
        assert_eq!(out["profile"]["publicIdentifier"], "maria");
        assert!(out.get("memberId").is_none());
        let back: ReceivedInvitation = read(out).unwrap();
        assert_eq!(back, inv);
    }

    #[test]
    fn a_missing_or_empty_invitation_id_is_an_error() {
        assert!(read::<SentInvitation>(json!({"id": "1"})).is_err());
        assert!(read::<SentInvitation>(json!({"invitationId": ""})).is_err());
        assert!(read::<SentInvitation>(json!({"invitationId": 1.5})).is_err());
    }

    #[test]
    fn wrong_types_on_names_are_errors() {
        let r = read::<SentInvitation>(json!({"invitationId": "1", "profile": {"firstName": 42}}));
        assert!(r.is_err());
    }

    #[test]
    fn connection_keys_prefer_vanity_then_url() {
        let c: Connection = read(json!({"vanityName": "JaneSmith"})).unwrap();
        assert_eq!(c.key(), "janesmith");
        let c: Connection =
            read(json!({"profileUrl": "https://www.linkedin.com/in/JaneS/"})).unwrap();
        assert_eq!(c.key(), "https://www.linkedin.com/in/janes");
    }

    #[test]
    fn accounts_usability() {
        let a: Account = read(json!({"id": "60d21b4667d0d8992e610c85", "status": "AVAILABLE", "apiSeatAllocated": true})).unwrap();
        assert!(a.is_usable());
        let b: Account = read(json!({"id": "x", "apiSeatAllocated": false})).unwrap();
        assert!(!b.is_usable());
        let c: Account = read(json!({"id": "y", "status": "ERROR"})).unwrap();
        assert!(!c.is_usable());
    }

    #[test]
    fn only_https_linkedin_urls_are_links() {
        assert_eq!(
            linkedin_profile_url("https://www.linkedin.com/in/yash-jadhav-a03656326/").as_deref(),
            Some("https://www.linkedin.com/in/yash-jadhav-a03656326")
        );
        for bad in [
            "javascript:alert(1)",
            "http://www.linkedin.com/in/x",
            "https://www.linkedin.com.evil.example/in/x",
            "https://linkedin.com/in/x",
            "https://www.linkedin.com//evil.example",
            "https://www.linkedin.com/in/x\"onmouseover=1",
            "https://www.linkedin.com/in/<x>",
            " ",
        ] {
            assert_eq!(linkedin_profile_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn ages_are_stamped_from_relative_text() {
        let mut s: SentInvitation = read(json!({"invitationId": "1", "sentAt": "2 days ago"})).unwrap();
        s.stamp_age(1e12);
        assert_eq!(s.age_secs, Some(172_800));
        let mut c: Connection = read(json!({"connectedDate": "who knows"})).unwrap();
        c.stamp_age(1e12);
        assert_eq!(c.age_secs, None);
    }
}

