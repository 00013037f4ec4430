//! The settings, as the options page stores them and every part of the extension
//! reads them: each field's default, range and migration, in one place. A missing or
//! malformed field takes its default, so an upgrade keeps the user's key; what the
//! background refresh, the action queue and the alerts take from them is here too
//! ([`Policy`], [`ActionSettings`], [`AlertSettings`]). Also which account's data a
//! snapshot is ([`account_tag`]) and what a change of the settings asks for
//! ([`settings_change`]).

use super::{short, MAX_SHORT_TEXT, SCHEMA};
use crate::api::actions::CapKind;
use crate::api::config::{validate_account_id, validate_base_url, DEFAULT_BASE_URL};
use crate::api::error::Error;
use crate::api::models::Category;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tsify::Tsify;

/// The background refresh period when none (or a malformed one) is stored.
pub const DEFAULT_REFRESH_MINUTES: u32 = 15;
const MAX_REFRESH_MINUTES: u32 = 24 * 60;
const MAX_CATEGORIES: usize = 32;

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
    /// The Sent tab warns when more invitations than this are pending, 1 to 50 000.
    pub pending_warn_at: u32,
    /// "Show the oldest" keeps the invitations older than this many weeks, 1 to 52.
    pub oldest_weeks: u32,
}

/// The pending count above which the Sent tab warns, when none is stored.
pub const DEFAULT_PENDING_WARN_AT: u32 = 1_000;
/// The age (weeks) "Show the oldest" filters to, when none is stored.
pub const DEFAULT_OLDEST_WEEKS: u32 = 3;


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
    #[serde(deserialize_with = "crate::api::lenient::count")]
    pending_warn_at: Option<u64>,
    #[serde(deserialize_with = "crate::api::lenient::count")]
    oldest_weeks: Option<u64>,
}

impl Settings {
    /// Reads stored settings of any schema, field by field (see the module doc).
    pub fn read(raw: &Value) -> Settings {
        // Every field reads any value (a damaged one as absent). A value that is not an
        // object is all defaults (serde would read a list field by position).
        let stored = match raw {
            Value::Object(_) => crate::api::objects::read::<StoredSettings>(raw.clone()).unwrap_or_default(),
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
            pending_warn_at: whole(stored.pending_warn_at, 1, 50_000, DEFAULT_PENDING_WARN_AT),
            oldest_weeks: whole(stored.oldest_weeks, 1, 52, DEFAULT_OLDEST_WEEKS),
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

    /// Settings a page hands over to use at once rather than store (the options page
    /// tests its form before saving it): read as [`Settings::read`] reads stored ones,
    /// except that a base URL or account id that is given but unusable is an error, not
    /// the default. A test then says what is wrong with what was typed, instead of
    /// quietly testing other settings.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the unusable base URL or account id.
    pub fn read_given(raw: &Value) -> Result<Settings, Error> {
        let given = |key: &str| raw.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty());
        if let Some(url) = given("baseUrl") {
            validate_base_url(url)?;
        }
        validate_account_id(given("accountId"))?;
        Ok(Settings::read(raw))
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

/// The user's refresh settings, as the refresh policy (`crate::app::refresh`) reads them.
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
                pending_warn_at: DEFAULT_PENDING_WARN_AT,
                oldest_weeks: DEFAULT_OLDEST_WEEKS,
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
        // The health settings: default, kept, out of range or malformed (the default).
        assert_eq!((defaults.pending_warn_at, defaults.oldest_weeks), (1_000, 3));
        let h = Settings::read(&json!({"pendingWarnAt": "250", "oldestWeeks": 8}));
        assert_eq!((h.pending_warn_at, h.oldest_weeks), (250, 8));
        for raw in [json!({"pendingWarnAt": 0, "oldestWeeks": 0}), json!({"pendingWarnAt": 50_001, "oldestWeeks": 53}),
                    json!({"pendingWarnAt": -5, "oldestWeeks": 2.5}), json!({"pendingWarnAt": "many", "oldestWeeks": [3]})] {
            let h = Settings::read(&raw);
            assert_eq!((h.pending_warn_at, h.oldest_weeks), (1_000, 3), "{raw}");
        }
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
