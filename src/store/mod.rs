//! What the extension keeps in `storage.local`, and how it is read back.
//!
//! Four values are stored: `settings` (written by the options page), `snapshot` (the
//! last good sync), `status` (syncing, ok or error) and `firstScreen` (written by the
//! popup: what it shows first, see [`crate::view::FirstScreen`]). Each carries `schema`
//! ([`SCHEMA`]). Storage is outside data: an older version of the extension, a user
//! with the developer tools or an interrupted write may leave anything there, so every
//! reader here takes the raw stored value and returns a clean one or nothing, and never
//! fails:
//!
//! - settings are migrated field by field: a missing or malformed field takes its
//!   default, so an upgrade keeps the user's key;
//! - a snapshot is shown or counted only when it has this schema, reads as a
//!   [`Snapshot`] and carries the [`account_tag`] of the current settings: data fetched
//!   with another key, base URL or account never appears as the current account's;
//! - a status of another schema or of the wrong shape is absent;
//! - a first screen is shown only under the same conditions as a snapshot, and its rows
//!   are read as rows handed back from JavaScript are (links re-checked).

use crate::api::actions::CapKind;
use crate::api::config::{validate_base_url, DEFAULT_BASE_URL};
use crate::api::models::Category;
use crate::api::sync::{Snapshot, Summary};
use crate::view::{FirstScreen, Row, FIRST_SCREEN_ROWS};
pub mod ages;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tsify::Tsify;

/// The schema version of every stored value. Values of another version are read as
/// absent (snapshot, status) or migrated field by field (settings).
pub const SCHEMA: u32 = 1;

/// The background refresh period when none (or a malformed one) is stored.
pub const DEFAULT_REFRESH_MINUTES: u32 = 15;
const MAX_REFRESH_MINUTES: u32 = 24 * 60;
const MAX_CATEGORIES: usize = 32;
const MAX_SHORT_TEXT: usize = 64;
const MAX_MESSAGE: usize = 1_000;

/// Whether a stored value carries this [`SCHEMA`] (a number: text does not count).
fn has_schema(raw: &Value) -> bool {
    raw.get("schema").and_then(Value::as_u64) == Some(u64::from(SCHEMA))
}

/// Whether a stored value carries this [`SCHEMA`] and the account tag `account`.
fn is_current(raw: &Value, account: &str) -> bool {
    has_schema(raw) && raw.get("account").and_then(Value::as_str) == Some(account)
}

/// The settings, always complete and valid enough to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The API key (trimmed); `""` when none is stored.
    pub api_key: String,
    /// The account id; `""` lets the API choose (also for a malformed stored id).
    pub account_id: String,
    /// The validated base URL; the official API's when the stored one is missing or
    /// not a usable URL.
    pub base_url: String,
    /// The background refresh period, 1 to 1 440 minutes.
    pub refresh_minutes: u32,
    /// The categories the badge counts; empty for all.
    pub badge_categories: Vec<String>,
    /// Opening the popup refreshes sent invitations older than this, 5 to 1 440 minutes.
    pub sent_max_age_minutes: u32,
    /// Background refreshes of the sent invitations per day, 0 to 24.
    pub sent_refreshes_per_day: u32,
    /// The gap between two writes of an action run (ms), 4 000 to 600 000.
    pub action_gap_ms: u32,
    /// Withdrawals a day, 0 to 1 000.
    pub withdraw_cap: u32,
    /// Responses (accept and ignore) a day, 0 to 1 000.
    pub respond_cap: u32,
    /// Received-invitation categories that notify when new ones arrive; empty: none.
    pub alert_categories: Vec<String>,
}

fn short(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SHORT_TEXT
}

/// Stored settings as they may be: every field optional, and a field of the wrong kind
/// absent (text is trimmed and checked by [`Settings::read`]).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct StoredSettings {
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    api_key: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    account_id: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    base_url: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    refresh_minutes: Option<u64>,
    #[serde(deserialize_with = "crate::api::lenient::list")]
    badge_categories: Vec<String>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    sent_max_age_minutes: Option<u64>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    sent_refreshes_per_day: Option<u64>,
}

impl Settings {
    /// Reads stored settings of any schema, field by field (see the module doc).
    pub fn read(raw: &Value) -> Settings {
        // Every field reads any value (a damaged one as absent). A value that is not an
        // object is all defaults (serde would read a list field by position).
        let stored = match raw {
            Value::Object(_) => StoredSettings::deserialize(raw.clone()).unwrap_or_default(),
            _ => StoredSettings::default(),
        };
        let account_id = stored
            .account_id
            .as_deref()
            .map(str::trim)
            .filter(|a| a.len() <= MAX_SHORT_TEXT && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .unwrap_or("");
        let refresh_minutes = stored
            .refresh_minutes
            .filter(|m| *m >= 1)
            .map_or(DEFAULT_REFRESH_MINUTES, |m| u32::try_from(m.min(u64::from(MAX_REFRESH_MINUTES))).unwrap_or(MAX_REFRESH_MINUTES));
        let mut badge_categories: Vec<String> = Vec::new();
        for c in stored.badge_categories.iter().map(|c| c.trim()).filter(|c| short(c)) {
            if badge_categories.len() < MAX_CATEGORIES && !badge_categories.iter().any(|b| b == c) {
                badge_categories.push(c.to_string());
            }
        }
        let whole = |n: Option<u64>, min: u64, max: u64, default: u32| {
            n.filter(|n| (min..=max).contains(n)).and_then(|n| u32::try_from(n).ok()).unwrap_or(default)
        };
        let actions = ActionSettings::read(raw);
        let alerts = AlertSettings::read(raw);
        Settings {
            schema: SCHEMA,
            action_gap_ms: actions.gap_ms,
            withdraw_cap: actions.withdraw_cap,
            respond_cap: actions.respond_cap,
            alert_categories: alerts.categories.into_iter().collect(),
            sent_max_age_minutes: whole(stored.sent_max_age_minutes, 5, 1_440, DEFAULT_SENT_MAX_AGE_MINUTES),
            sent_refreshes_per_day: whole(stored.sent_refreshes_per_day, 0, 24, DEFAULT_SENT_REFRESHES_PER_DAY),
            api_key: stored.api_key.as_deref().map_or("", str::trim).to_string(),
            account_id: account_id.to_string(),
            base_url: stored
                .base_url
                .as_deref()
                .and_then(|u| validate_base_url(u.trim()).ok())
                .unwrap_or_else(|| DEFAULT_BASE_URL.to_string()),
            refresh_minutes,
            badge_categories,
        }
    }

    /// The refresh policy these settings ask for.
    pub fn policy(&self) -> Policy {
        Policy {
            refresh_minutes: self.refresh_minutes,
            sent_max_age_minutes: self.sent_max_age_minutes,
            sent_refreshes_per_day: self.sent_refreshes_per_day,
        }
    }

    /// The [`account_tag`] of these settings: what their syncs fetch.
    pub fn account_tag(&self) -> String {
        account_tag(&self.api_key, &self.base_url, Some(&self.account_id))
    }
}

// ---- the refresh policy's settings --------------------------------------------

/// The default age after which opening the popup refreshes the sent invitations.
pub const DEFAULT_SENT_MAX_AGE_MINUTES: u32 = 60;
/// The default number of background refreshes of the sent invitations per day.
pub const DEFAULT_SENT_REFRESHES_PER_DAY: u32 = 2;

/// The user's refresh settings, as the refresh policy (`crate::refresh`) reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The alarm's period (minutes).
    pub refresh_minutes: u32,
    /// Opening the popup refreshes sent invitations older than this (minutes).
    pub sent_max_age_minutes: u32,
    /// Background refreshes of the sent invitations per day (0: only on demand).
    pub sent_refreshes_per_day: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            refresh_minutes: DEFAULT_REFRESH_MINUTES,
            sent_max_age_minutes: DEFAULT_SENT_MAX_AGE_MINUTES,
            sent_refreshes_per_day: DEFAULT_SENT_REFRESHES_PER_DAY,
        }
    }
}

// ---- the action queue's settings ----------------------------------------------

/// The default gap between two writes.
pub const DEFAULT_GAP_MS: u32 = 5_000;
/// The shortest gap a setting may give: the API allows 15 writes a minute per account.
pub const MIN_GAP_MS: u32 = 4_000;
/// The longest gap a setting may give.
pub const MAX_GAP_MS: u32 = 10 * 60_000;
/// The default random jitter added to each gap (0 to this).
pub const DEFAULT_JITTER_MS: u32 = 2_000;
/// The largest jitter a setting may give.
pub const MAX_JITTER_MS: u32 = 60_000;
/// Default daily cap of withdrawals.
pub const DEFAULT_WITHDRAW_CAP: u32 = 50;
/// Default daily cap of responses (accept and ignore together).
pub const DEFAULT_RESPOND_CAP: u32 = 100;
/// The largest daily cap a setting may give.
pub const MAX_CAP: u32 = 1_000;

/// Pacing and caps of the writes, always within their bounds. Stored in the queue as
/// `{gapMs, jitterMs, withdrawCap, respondCap}`, read back as [`ActionSettings::read`]
/// reads the options (field by field, clamped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionSettings {
    /// Gap between two writes, [`MIN_GAP_MS`] to [`MAX_GAP_MS`].
    pub gap_ms: u32,
    /// Random extra gap, 0 to this, at most [`MAX_JITTER_MS`].
    pub jitter_ms: u32,
    /// Withdrawals a day, 0 to [`MAX_CAP`].
    pub withdraw_cap: u32,
    /// Responses (accept and ignore) a day, 0 to [`MAX_CAP`].
    pub respond_cap: u32,
}

impl Default for ActionSettings {
    fn default() -> Self {
        ActionSettings {
            gap_ms: DEFAULT_GAP_MS,
            jitter_ms: DEFAULT_JITTER_MS,
            withdraw_cap: DEFAULT_WITHDRAW_CAP,
            respond_cap: DEFAULT_RESPOND_CAP,
        }
    }
}

impl ActionSettings {
    /// The same settings, each brought within its bounds (a gap below 4 s becomes 4 s).
    pub fn clamped(self) -> Self {
        ActionSettings {
            gap_ms: self.gap_ms.clamp(MIN_GAP_MS, MAX_GAP_MS),
            jitter_ms: self.jitter_ms.min(MAX_JITTER_MS),
            withdraw_cap: self.withdraw_cap.min(MAX_CAP),
            respond_cap: self.respond_cap.min(MAX_CAP),
        }
    }

    /// Reads the settings from stored options, field by field: `actionGapMs`,
    /// `actionJitterMs`, `withdrawCap`, `respondCap` (whole numbers); a missing or
    /// malformed field takes its default, and every value is clamped.
    pub fn read(raw: &Value) -> ActionSettings {
        ActionSettings::read_keys(raw, ["actionGapMs", "actionJitterMs", "withdrawCap", "respondCap"])
    }

    /// [`ActionSettings::read`] under the names `keys` (gap, jitter, withdrawal cap,
    /// response cap); anything but an object is the defaults.
    fn read_keys(raw: &Value, [gap, jitter, withdraw, respond]: [&str; 4]) -> ActionSettings {
        let d = ActionSettings::default();
        let n = |key: &str, dflt: u32| raw.get(key).and_then(whole).map_or(dflt, |n| u32::try_from(n).unwrap_or(u32::MAX));
        ActionSettings {
            gap_ms: n(gap, d.gap_ms),
            jitter_ms: n(jitter, d.jitter_ms),
            withdraw_cap: n(withdraw, d.withdraw_cap),
            respond_cap: n(respond, d.respond_cap),
        }
        .clamped()
    }

    /// The cap of `cap`.
    pub fn cap(&self, cap: CapKind) -> u32 {
        match cap {
            CapKind::Withdrawals => self.withdraw_cap,
            CapKind::Responses => self.respond_cap,
        }
    }
}

/// The stored settings (`{gapMs, jitterMs, withdrawCap, respondCap}`), field by field;
/// anything that cannot be read takes its default.
impl<'de> Deserialize<'de> for ActionSettings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        Ok(ActionSettings::read_keys(&raw, ["gapMs", "jitterMs", "withdrawCap", "respondCap"]))
    }
}

/// A whole number (or its digits as text), as [`crate::api::lenient::count`] reads it.
fn whole(v: &Value) -> Option<u64> {
    crate::api::lenient::count::<_, u64>(v).ok().flatten()
}

// ---- the alerts' settings -----------------------------------------------------

/// Which categories notify (their API spelling: `CONNECTION`, `ORGANIZATION`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AlertSettings {
    /// Categories opted in, sorted, each once; empty (the default): no alerts.
    pub categories: Vec<String>,
}

impl AlertSettings {
    /// Reads `alertCategories` (a list of category names) from stored options; anything
    /// else is no alerts. Unknown names are kept (a category LinkedIn adds later).
    pub fn read(raw: &Value) -> AlertSettings {
        let mut categories: Vec<String> = match raw.get("alertCategories") {
            Some(Value::Array(list)) => list
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_ascii_uppercase())
                .filter(|s| !s.is_empty() && s.len() <= 64)
                .take(32)
                .collect(),
            _ => Vec::new(),
        };
        categories.sort_unstable();
        categories.dedup();
        AlertSettings { categories }
    }

    /// Whether `category` notifies.
    pub fn wants(&self, category: &Category) -> bool {
        !matches!(category, Category::Missing) && self.categories.iter().any(|c| c == category.as_str())
    }
}

/// 64-bit FNV-1a.
fn fnv1a64(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Which account's data a snapshot is: 16 hex digits of an FNV-1a 64 hash of the API
/// key, the base URL and the account id (each normalized as the client uses it), never
/// the key itself. Two settings fetch the same data exactly when their tags are equal.
///
/// Not a secret-keeping hash: it only tells snapshots apart. (The key it is computed
/// from is stored next to it, in the settings.)
pub fn account_tag(api_key: &str, base_url: &str, account_id: Option<&str>) -> String {
    let base = validate_base_url(base_url).unwrap_or_else(|_| base_url.trim().trim_end_matches('/').to_string());
    let account = account_id.map(str::trim).unwrap_or("");
    // NUL separators: no part can contain one (keys are printable ASCII, URLs are checked).
    let h = fnv1a64(&[b"pending-account-v1", b"\0", api_key.trim().as_bytes(), b"\0", base.as_bytes(), b"\0", account.as_bytes()]);
    (0..16).rev().map(|i| char::from_digit(((h >> (i * 4)) & 0xF) as u32, 16).unwrap_or('0')).collect()
}

/// A snapshot as stored: the [`Snapshot`] with its schema and account tag.
#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(rename = "StoredSnapshot")]
pub struct Stamped<'a> {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The [`account_tag`] of the settings the snapshot was fetched with.
    pub account: &'a str,
    /// The snapshot's own fields, at the same level as `schema` and `account`.
    #[serde(flatten)]
    pub snapshot: &'a Snapshot,
}

impl<'a> Stamped<'a> {
    /// `snapshot`, tagged as fetched for `account` (an [`account_tag`]).
    pub fn new(snapshot: &'a Snapshot, account: &'a str) -> Self {
        Stamped { schema: SCHEMA, account, snapshot }
    }
}

/// The badge's counts as stored beside the snapshot (`{schema, account, counts}`: a few
/// hundred bytes, where the snapshot of a heavy account is megabytes), when they have
/// this schema and belong to `account`; else `None`. What a waking worker draws the
/// badge from before anything else.
pub fn read_badge_counts(raw: &Value, account: &str) -> Option<crate::api::sync::Counts> {
    if !is_current(raw, account) {
        return None;
    }
    let counts = raw.get("counts").filter(|c| c.is_object())?;
    crate::api::sync::Counts::deserialize(counts.clone()).ok()
}

/// The stored snapshot, when it has this schema, reads as a [`Snapshot`] and was
/// fetched for `account` (the current settings' [`account_tag`]); else `None`.
pub fn read_snapshot(raw: Value, account: &str) -> Option<Snapshot> {
    if !is_current(&raw, account) {
        return None;
    }
    // `schema` and `account` are unknown fields to the Snapshot decoder, which skips them.
    Snapshot::deserialize(raw).ok()
}

/// A first screen as stored: with its schema and the account tag of the snapshot it
/// was taken from.
#[derive(Debug, Clone, Serialize, Tsify)]
#[tsify(rename = "StoredFirstScreen")]
pub struct StampedFirstScreen<'a> {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The [`account_tag`] of the snapshot's settings.
    pub account: &'a str,
    /// [`FirstScreen::summary`].
    #[tsify(type = "SnapshotSummary")]
    pub summary: &'a Summary,
    /// [`FirstScreen::rows`].
    pub rows: &'a [Row],
}

impl<'a> StampedFirstScreen<'a> {
    /// `first`, tagged as `account`'s (an [`account_tag`]).
    pub fn new(first: &'a FirstScreen, account: &'a str) -> Self {
        StampedFirstScreen { schema: SCHEMA, account, summary: &first.summary, rows: &first.rows }
    }
}

/// The stored first screen, when it has this schema, was taken for `account` (the
/// current settings' [`account_tag`]) and reads as a summary and at most
/// [`FIRST_SCREEN_ROWS`] rows, no more than the Sent count; else `None`. An unreadable
/// row is left out.
pub fn read_first_screen(raw: &Value, account: &str) -> Option<FirstScreen> {
    if !is_current(raw, account) {
        return None;
    }
    let summary = Summary::deserialize(raw.get("summary").filter(|s| s.is_object())?.clone()).ok()?;
    let max = FIRST_SCREEN_ROWS.min(summary.counts.sent as usize);
    let rows = raw.get("rows")?.as_array()?.iter().filter(|row| row.is_object()).filter_map(|row| Row::deserialize(row.clone()).ok());
    let rows = rows.take(max).collect();
    Some(FirstScreen { summary, rows })
}

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

/// A stored error: the `{kind, status?, message, retryAt?}` shape of
/// [`crate::ErrorReport`], plus the kinds the extension adds itself (`no_key`,
/// `permission`, `internal`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredError {
    /// Lower-case letters and `_`.
    pub kind: String,
    /// HTTP status, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The message (at most 1 000 characters).
    pub message: String,
    /// When a retry is allowed (epoch ms).
    #[serde(serialize_with = "crate::api::lenient::whole_ms_opt", skip_serializing_if = "Option::is_none")]
    pub retry_at: Option<f64>,
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
    let stored = StoredStatus::deserialize(raw.clone()).ok()?;
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

/// What a settings change asks of the background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SettingsChange {
    /// Another key, base URL or account: the running sync is cancelled for good, the
    /// stored snapshot is no longer this account's, and a new sync starts.
    pub refetch: bool,
    /// Another refresh period: the alarm is set again.
    pub reschedule: bool,
}

/// Compares stored settings before and after a change (raw values, read as
/// [`Settings::read`] does). Anything else (the badge categories) only re-draws the
/// badge from the snapshot already stored.
pub fn settings_change(before: &Value, after: &Value) -> SettingsChange {
    let (before, after) = (Settings::read(before), Settings::read(after));
    SettingsChange {
        refetch: before.account_tag() != after.account_tag(),
        reschedule: before.refresh_minutes != after.refresh_minutes,
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::sync::{Cost, Counts};
    use serde_json::json;

    const MOCK: &str = "http://127.0.0.1:8787/linkedin";

    #[test]
    fn settings_are_migrated_field_by_field() {
        // A version-0 value (no schema), as the previous release wrote it: kept.
        let old = json!({"apiKey": " sk_1 ", "accountId": "696ce9e780e0483585e4e553", "baseUrl": MOCK,
                         "refreshMinutes": 30, "badgeCategories": ["EVENT", "EVENT", 7, ""]});
        let s = Settings::read(&old);
        assert_eq!(
            s,
            Settings {
                schema: SCHEMA,
                api_key: "sk_1".into(),
                account_id: "696ce9e780e0483585e4e553".into(),
                base_url: MOCK.into(),
                refresh_minutes: 30,
                badge_categories: vec!["EVENT".into()],
                sent_max_age_minutes: 60,
                sent_refreshes_per_day: 2,
                action_gap_ms: 5_000,
                withdraw_cap: 50,
                respond_cap: 100,
                alert_categories: vec![],
            }
        );
        // The action settings are clamped: never below 4 s between writes.
        let fast = Settings::read(&json!({"actionGapMs": 10, "withdrawCap": 5, "alertCategories": ["event", 3]}));
        assert_eq!((fast.action_gap_ms, fast.withdraw_cap, fast.alert_categories.clone()), (4_000, 5, vec!["EVENT".to_string()]));
        // Garbage of every kind: the defaults, never a failure.
        let defaults = Settings::read(&Value::Null);
        assert_eq!((defaults.api_key.as_str(), defaults.base_url.as_str(), defaults.refresh_minutes), ("", DEFAULT_BASE_URL, 15));
        for raw in [json!("settings"), json!(42), json!([1, 2]), json!({"apiKey": {"a": 1}, "baseUrl": 5}), json!(null)] {
            let s = Settings::read(&raw);
            assert_eq!(s.api_key, "", "{raw}");
            assert_eq!(s.base_url, DEFAULT_BASE_URL, "{raw}");
            assert!(s.badge_categories.is_empty(), "{raw}");
        }
        let odd = json!({"apiKey": "k", "accountId": "a&b=c", "baseUrl": "javascript:alert(1)", "refreshMinutes": -3,
                         "badgeCategories": "EVENT"});
        let s = Settings::read(&odd);
        assert_eq!((s.account_id.as_str(), s.base_url.as_str(), s.refresh_minutes), ("", DEFAULT_BASE_URL, 15));
        assert_eq!(Settings::read(&json!({"refreshMinutes": 100_000})).refresh_minutes, 1_440);
        // A damaged field takes its default; the rest is kept (a number as text is read).
        let kept = Settings::read(&json!({"apiKey": {"a": 1}, "refreshMinutes": "30", "baseUrl": MOCK, "badgeCategories": ["EVENT", null]}));
        assert_eq!((kept.api_key.as_str(), kept.refresh_minutes, kept.base_url.as_str()), ("", 30, MOCK));
        assert_eq!(kept.badge_categories, ["EVENT"]);
        // Not a whole number of minutes: malformed, the default.
        assert_eq!(Settings::read(&json!({"refreshMinutes": 2.6})).refresh_minutes, 15);
        assert_eq!(Settings::read(&json!({"refreshMinutes": 1e300})).refresh_minutes, 15);
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"schema\":1") && text.contains("\"apiKey\":\"k\""), "{text}");
    }

    #[test]
    fn account_tags_tell_accounts_apart_and_never_hold_the_key() {
        let tag = account_tag("sk_live_SECRET", MOCK, None);
        assert_eq!(tag.len(), 16);
        assert!(tag.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!tag.contains("SECRET"));
        // Normalized as the client uses them: same data, same tag.
        assert_eq!(tag, account_tag(" sk_live_SECRET ", &format!("{MOCK}/"), Some("")));
        // Any part changed: another tag.
        assert_ne!(tag, account_tag("sk_live_SECRET2", MOCK, None));
        assert_ne!(tag, account_tag("sk_live_SECRET", DEFAULT_BASE_URL, None));
        assert_ne!(tag, account_tag("sk_live_SECRET", MOCK, Some("60d21b4667d0d8992e610c85")));
        // The separators keep parts apart.
        assert_ne!(account_tag("ab", "https://c.example", None), account_tag("a", "https://bc.example", None));
        // Known FNV-1a 64 value: the empty input hashes to the offset basis.
        assert_eq!(fnv1a64(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&[b"a"]), 0xaf63_dc4c_8601_ec8c);
        let settings = Settings::read(&json!({"apiKey": "sk_live_SECRET", "baseUrl": MOCK}));
        assert_eq!(settings.account_tag(), tag);
    }

    fn snapshot() -> Snapshot {
        Snapshot {
            taken_at_ms: 1.7e12,
            sent_taken_at_ms: 1.7e12,
            account_id: None,
            skipped: Default::default(),
            counts: Counts::of(&[], &[]),
            sent: vec![],
            received: vec![],
            connection_count: None,
            cost: Cost { requests: 2, pages: 2, retries: 0, duration_ms: 3.0 },
        }
    }

    #[test]
    fn snapshots_are_read_only_for_their_account_and_schema() {
        let tag = account_tag("k", MOCK, None);
        let stored = serde_json::to_value(Stamped::new(&snapshot(), &tag)).unwrap();
        assert_eq!(stored["schema"], json!(SCHEMA));
        assert_eq!(stored["account"], json!(tag));
        assert_eq!(stored["counts"]["sent"], json!(0), "the snapshot's own fields stay at the top level");
        assert_eq!(read_snapshot(stored.clone(), &tag), Some(snapshot()));
        // Another account's snapshot is never this account's.
        assert_eq!(read_snapshot(stored.clone(), &account_tag("k2", MOCK, None)), None);
        // An older schema (no tag at all), another schema, or the wrong shape: absent.
        let mut old = stored.clone();
        old.as_object_mut().unwrap().remove("schema");
        old.as_object_mut().unwrap().remove("account");
        assert_eq!(read_snapshot(old.clone(), &tag), None);
        let mut newer = stored.clone();
        newer["schema"] = json!(2);
        assert_eq!(read_snapshot(newer.clone(), &tag), None);
        for garbage in [json!(null), json!("snapshot"), json!([stored.clone()]), json!({"schema": 1, "account": tag})] {
            assert_eq!(read_snapshot(garbage.clone(), &tag), None, "{garbage}");
        }
        // Stored counts are never trusted: they are recomputed from the stored lists, and
        // a stored item that cannot be read is left out.
        let mut bad = stored.clone();
        bad["counts"] = json!("many");
        assert_eq!(read_snapshot(bad.clone(), &tag), Some(snapshot()));
        let mut bad = stored;
        bad["sent"] = json!([{"invitationId": null}, {"invitationId": "7"}]);
        let read = read_snapshot(bad.clone(), &tag).unwrap();
        assert_eq!((read.counts.sent, read.sent.len()), (1, 1));
        bad["sent"] = json!("many");
        assert_eq!(read_snapshot(bad.clone(), &tag), None, "a list that is not a list");
    }

    #[test]
    fn badge_counts_are_read_only_for_their_account_and_schema() {
        let tag = account_tag("k", MOCK, None);
        let stored = json!({"schema": 1, "account": tag, "counts": {"sent": 5000, "received": 40, "receivedByCategory": {"EVENT": 3}}});
        let c = read_badge_counts(&stored, &tag).unwrap();
        assert_eq!((c.sent, c.received, c.received_by_category.get("EVENT").copied()), (5000, 40, Some(3)));
        assert_eq!(read_badge_counts(&stored, &account_tag("k2", MOCK, None)), None);
        for garbage in [json!(null), json!({"schema": 2, "account": tag, "counts": {}}), json!({"schema": 1, "account": tag}), json!({"schema": 1, "account": tag, "counts": "x"})] {
            assert_eq!(read_badge_counts(&garbage, &tag), None, "{garbage}");
        }
    }

    /// The first screen the popup stores for a snapshot of sent invitations to `names`.
    fn first_screen(names: &[&str]) -> FirstScreen {
        let mut snap = snapshot();
        snap.sent = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                serde_json::from_value(json!({"invitationId": i.to_string(), "sentAt": "2 days ago",
                    "profile": {"firstName": n, "lastName": "X", "profileUrl": format!("https://www.linkedin.com/in/p{i}")}}))
                .unwrap()
            })
            .collect();
        snap.counts = Counts::of(&snap.sent, &[]);
        let crate::view::FirstScreenWrite::Store(first) = crate::view::Views::new().load_snapshot(Some(&snap)).1 else { panic!() };
        first
    }

    #[test]
    fn a_stored_first_screen_reads_back_unchanged_for_its_account_only() {
        let tag = account_tag("k", MOCK, None);
        let names: Vec<String> = (0..60).map(|i| format!("P{i}")).collect();
        let first = first_screen(&names.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(first.rows.len(), FIRST_SCREEN_ROWS);
        // JSON both ways, as storage.local hands it over.
        let stored = serde_json::to_string(&StampedFirstScreen::new(&first, &tag)).unwrap();
        let raw: Value = serde_json::from_str(&stored).unwrap();
        assert_eq!(read_first_screen(&raw, &tag).as_ref(), Some(&first));
        assert_eq!(read_first_screen(&raw, "0123456789abcdef"), None, "another account's");
    }

    #[test]
    fn a_stored_first_screen_is_read_defensively() {
        let tag = account_tag("k", MOCK, None);
        let first = first_screen(&["Ava", "Ben"]);
        let stored = serde_json::to_value(StampedFirstScreen::new(&first, &tag)).unwrap();
        let read = |v: &serde_json::Value| read_first_screen(v, &tag);
        assert_eq!(read(&stored), Some(first.clone()));
        assert_eq!(stored["schema"], json!(1));
        assert_eq!(stored["summary"]["counts"]["sent"], json!(2));
        let mut bad = stored.clone();
        bad["schema"] = json!(2);
        assert_eq!(read(&bad), None);
        let mut bad = stored.clone();
        bad["account"] = json!("0123456789abcdef");
        assert_eq!(read(&bad), None);
        for garbage in [json!(null), json!("x"), json!([]), json!({"schema": 1, "account": tag}), json!({"schema": 1, "account": tag, "summary": {}, "rows": []})] {
            assert_eq!(read(&garbage), None, "{garbage}");
        }
        // Rows are re-checked: no unsafe link, no more rows than the count says, an
        // unreadable row left out.
        let mut odd = stored.clone();
        odd["rows"][0]["url"] = json!("javascript:alert(1)");
        odd["rows"][1]["name"] = json!(42);
        let r = read(&odd).unwrap();
        assert_eq!((r.rows.len(), r.rows[0].url.clone()), (1, None));
        let mut odd = stored.clone();
        odd["rows"][0] = json!(["1", "Ava"]);
        odd["rows"][1]["actionable"] = json!("true");
        let r = read(&odd).unwrap();
        assert_eq!((r.rows.len(), r.rows[0].actionable), (1, false), "a row that is not an object is left out; only `true` is true");
        let mut long = stored;
        long["summary"]["counts"]["sent"] = json!(1);
        assert_eq!(read(&long).unwrap().rows.len(), 1);
    }

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

    #[test]
    fn only_what_is_fetched_triggers_a_new_sync() {
        let a = json!({"apiKey": "k", "baseUrl": MOCK, "refreshMinutes": 15, "badgeCategories": []});
        let with = |k: &str, v: serde_json::Value| {
            let mut b = a.clone();
            b[k] = v;
            b
        };
        let none = SettingsChange { refetch: false, reschedule: false };
        assert_eq!(settings_change(&a, &with("badgeCategories", json!(["EVENT"]))), none);
        assert_eq!(settings_change(&a, &a), none);
        assert_eq!(settings_change(&a, &with("refreshMinutes", json!(30))), SettingsChange { refetch: false, reschedule: true });
        for (k, v) in [("apiKey", json!("k2")), ("baseUrl", json!(DEFAULT_BASE_URL)), ("accountId", json!("abc"))] {
            assert!(settings_change(&a, &with(k, v)).refetch, "{k}");
        }
        // A trailing slash or spaces fetch the same data.
        assert!(!settings_change(&a, &with("baseUrl", json!(format!(" {MOCK}/ ")))).refetch);
        // From nothing (first install) to a key: fetch.
        assert!(settings_change(&Value::Null, &a).refetch);
    }
}
