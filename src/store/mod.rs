//! **The store layer**: what the extension keeps in `storage.local`, and how it is
//! read back.
//!
//! It uses the API layer (the snapshot, the items, the lenient readers, the base URL's
//! validation) and the view layer (it stores the popup's first screen, whose rows are
//! the view's). The controller (`app`) and the bindings use it; it never uses them.
//! Nothing here does I/O: the controller reads and writes through its host, and hands
//! the raw values to these readers.
//!
//! Each stored value carries `schema` ([`SCHEMA`]): the `settings` (written by the
//! options page), the `snapshot` (the last good sync) with its `badgeCounts`, the
//! `status` (syncing, ok or error), the `firstScreen` (written by the popup: what it
//! shows first, see [`crate::view::FirstScreen`]), the `firstSeen` times ([`ages`]) and
//! the `acceptance` history ([`history`]).
//! Storage is outside data: an older version of the extension, a user with the
//! developer tools or an interrupted write may leave anything there, so every reader
//! here takes the raw stored value and returns a clean one or nothing, and never fails:
//!
//! - settings are migrated field by field: a missing or malformed field takes its
//!   default, so an upgrade keeps the user's key;
//! - a snapshot is shown or counted only when it has this schema, reads as a
//!   [`Snapshot`](crate::api::sync::Snapshot) and carries the [`account_tag`] of the
//!   current settings: data fetched with another key, base URL or account never
//!   appears as the current account's;
//! - a status of another schema or of the wrong shape is absent;
//! - a first screen is shown only under the same conditions as a snapshot, and its rows
//!   are read as rows handed back from JavaScript are (links re-checked).
//!
//! | module | what it holds |
//! |---|---|
//! | [`settings`] | the settings: defaults, ranges, migration; the account tag |
//! | [`snapshot`] | the stored snapshot, its badge counts, the popup's first screen |
//! | [`so_far`] | what a page shows while a first sync reads a list: the rows so far |
//! | [`status`] | the sync status: syncing, ok or error |
//! | [`ages`] | first-seen times, and the exact ages they give |
//! | [`walk`] | a sync's walks, page by page: what a stopped worker resumes, and the rows a first sync has read so far |
//! | [`history`] | what became of the sent invitations that left: accepted, gone, withdrawn; LinkedIn's quota |
//! | [`acceptance`] | the Sent tab's acceptance rate, weekly chart, recent outcomes and health; the history's CSV |

pub mod acceptance;
pub mod ages;
pub mod history;
pub mod settings;
pub mod snapshot;
pub mod so_far;
pub mod status;
pub mod walk;

pub use settings::{
    account_tag, settings_change, ActionSettings, AlertSettings, Policy, Settings, SettingsChange, DEFAULT_GAP_MS,
    DEFAULT_JITTER_MS, DEFAULT_REFRESH_MINUTES, DEFAULT_RESPOND_CAP, DEFAULT_SENT_MAX_AGE_MINUTES,
    DEFAULT_SENT_REFRESHES_PER_DAY, DEFAULT_WITHDRAW_CAP, DEFAULT_OLDEST_WEEKS, DEFAULT_PENDING_WARN_AT, MAX_CAP, MAX_GAP_MS, MAX_JITTER_MS, MIN_GAP_MS,
};
pub use snapshot::{read_badge_counts, read_first_screen, read_snapshot, Stamped, StampedFirstScreen};
pub use status::{read_status, Status, StoredError, StoredProgress};

use serde_json::Value;

/// The schema version of every stored value. Values of another version are read as
/// absent (snapshot, status) or migrated field by field (settings).
pub const SCHEMA: u32 = 1;

/// The longest short text a stored value may hold (an account id, a reason, a kind).
const MAX_SHORT_TEXT: usize = 64;

/// Whether a stored value carries this [`SCHEMA`] (a number: text does not count).
fn has_schema(raw: &Value) -> bool {
    raw.get("schema").and_then(Value::as_u64) == Some(u64::from(SCHEMA))
}

/// Whether a stored value carries this [`SCHEMA`] and the account tag `account`.
fn is_current(raw: &Value, account: &str) -> bool {
    has_schema(raw) && raw.get("account").and_then(Value::as_str) == Some(account)
}

/// Whether `s` is a usable short text: not empty, at most [`MAX_SHORT_TEXT`] bytes.
fn short(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SHORT_TEXT
}
