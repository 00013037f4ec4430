//! What became of the sent invitations that left the list: accepted, gone, or
//! withdrawn from the extension, kept per account for [`KEEP_DAYS`] days.
//!
//! A sync of everything compares the sent list with the one before it (the stored
//! snapshot of the same account). An invitation that is no longer there and that the
//! extension did not withdraw itself ([`departures`]) is
//!
//! - **accepted** when the person is among the connections made since the previous
//!   sync: the newest connections are read (`sortBy=recentlyAdded`, [`CHECK_PAGE_SIZE`]
//!   a page) only until a page reaches connections older than the previous sync, and
//!   at most [`CHECK_PAGES`] pages ([`ConnectionCheck`]); a person matches by public
//!   identifier (vanity name), else by profile URL ([`Departure::matches`]);
//! - **gone** otherwise: withdrawn elsewhere, expired, or not among the newest
//!   connections (a connection dated before the previous sync is an older one, not
//!   this invitation's acceptance);
//! - **unchecked** when the connections could not be read (counted nowhere).
//!
//! The extension's own withdrawals are recorded as **withdrawn** when they are done
//! ([`History::note_withdrawn`]), and never become gone. The history is stored beside
//! the snapshot (`acceptance`) with the same account tag and read back leniently
//! ([`History::read`]): another schema or another account is no history at all.
//! It also keeps LinkedIn's invitation quota as the last sync read it ([`StoredQuota`]).

use super::ages::{best_age, AgeRange};
use crate::api::actions::{Quota, QuotaEntry};
use crate::api::models::{linkedin_profile_url, Connection, SentInvitation};
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// The schema of a stored [`History`].
pub const HISTORY_SCHEMA: u32 = 1;
/// How long an outcome is kept, in days.
pub const KEEP_DAYS: u32 = 180;
/// The most outcomes kept (far above what 180 days of LinkedIn's weekly limit allow).
pub const MAX_ENTRIES: usize = 20_000;
/// The most pages of newest connections one check reads.
pub const CHECK_PAGES: u32 = 3;
/// Connections per page of the check (the API's largest page).
pub const CHECK_PAGE_SIZE: u32 = 12;

pub(crate) const DAY_MS: f64 = 86_400_000.0;

/// What became of an invitation that left the sent list. Read back from its text by
/// [`Outcome::parse`] (not serde's enum reader: docs/size.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The person is among the connections made since the previous sync.
    Accepted,
    /// Withdrawn elsewhere, expired, or not among the newest connections.
    Gone,
    /// Withdrawn from this extension.
    Withdrawn,
    /// The connections could not be read to tell: counted nowhere.
    Unchecked,
}

impl Outcome {
    /// Reads `accepted`, `gone`, `withdrawn` or `unchecked`.
    pub fn parse(text: &str) -> Option<Outcome> {
        Some(match text {
            "accepted" => Outcome::Accepted,
            "gone" => Outcome::Gone,
            "withdrawn" => Outcome::Withdrawn,
            "unchecked" => Outcome::Unchecked,
            _ => return None,
        })
    }
}

/// A stored outcome: one of [`Outcome::parse`]'s words, else the entry cannot be read.
fn outcome<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
    let text = crate::api::lenient::loose_text(d)?.unwrap_or_default();
    Outcome::parse(&text).ok_or_else(|| serde::de::Error::custom("unknown outcome"))
}

/// One invitation that left the sent list, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The invitation id.
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    pub id: String,
    /// The invitee's name (`""` when the API sent none).
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    pub name: String,
    /// The profile link, only a safe `https://www.linkedin.com/` URL (checked again
    /// when read back).
    #[serde(default, deserialize_with = "safe_url", skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the extension first saw the invitation (epoch ms).
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub first_seen_ms: u64,
    /// When it was sent, as well as first sight and the API's age tell (epoch ms).
    #[serde(deserialize_with = "crate::api::lenient::count_or_zero")]
    pub sent_ms: u64,
    /// When the extension saw it leave (the sync's time, or the withdrawal's).
    #[serde(deserialize_with = "crate::api::lenient::count_or_zero")]
    pub left_ms: u64,
    /// What became of it.
    #[serde(deserialize_with = "outcome")]
    pub outcome: Outcome,
}

fn safe_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.and_then(|u| linkedin_profile_url(&u)))
}

/// LinkedIn's quota of invitations, as the last sync read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct StoredQuota {
    /// Invitations sent in the window.
    #[serde(deserialize_with = "crate::api::lenient::count_or_zero")]
    pub used: u64,
    /// LinkedIn's limit (else the service's).
    #[serde(deserialize_with = "crate::api::lenient::count_or_zero")]
    pub limit: u64,
    /// `weekly`, `daily` (as the API says), or absent.
    #[serde(default, deserialize_with = "crate::api::lenient::loose_text", skip_serializing_if = "Option::is_none")]
    pub window: Option<String>,
    /// When the window resets (epoch ms), when the API said.
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub reset_at_ms: Option<u64>,
    /// When it was read (epoch ms).
    #[serde(deserialize_with = "crate::api::lenient::count_or_zero")]
    pub read_at_ms: u64,
}

impl StoredQuota {
    /// The invitation quota of a quota answer read at `now_ms`: the entry whose feature
    /// names invitations sent or connection requests (`CONNECT…`, `…INVITATION…`, but
    /// not a withdrawal or a response), a weekly one first; `None` without one or
    /// without a limit.
    pub fn from_quota(quota: &Quota, now_ms: f64) -> Option<StoredQuota> {
        let sends = |q: &&QuotaEntry| {
            let f = q.feature.to_ascii_uppercase();
            (f.contains("CONNECT") || f.contains("INVIT")) && !["WITHDRAW", "RESPOND", "ACCEPT", "IGNORE"].iter().any(|w| f.contains(w))
        };
        let weekly = |q: &&QuotaEntry| q.window.as_deref().is_some_and(|w| w.trim().eq_ignore_ascii_case("weekly"));
        let entry = quota.quotas.iter().filter(sends).find(weekly).or_else(|| quota.quotas.iter().find(sends))?;
        let limit = entry.linkedin_limit.or(entry.limit).filter(|l| *l > 0)?;
        let used = entry.used.or_else(|| entry.remaining.map(|r| limit.saturating_sub(r)))?;
        Some(StoredQuota {
            used,
            limit,
            window: entry.window.clone(),
            reset_at_ms: entry.reset_at_ms,
            read_at_ms: crate::api::lenient::to_whole_ms(now_ms),
        })
    }
}

/// The outcomes of one account's sent invitations.
///
/// Stored as `{"schema":1,"account":"…","sinceMs":…,"checks":2,"entries":[…],"quota":{…}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    #[serde(deserialize_with = "crate::api::lenient::count_or_zero")]
    schema: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    account: String,
    /// When tracking began: the first sync of everything of this account (epoch ms).
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub since_ms: u64,
    /// How many syncs compared the sent list with the one before (0: no outcome can be
    /// known yet).
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub checks: u32,
    /// The outcomes, in the order they were found.
    #[serde(default, deserialize_with = "crate::api::lenient::list")]
    pub entries: Vec<Entry>,
    /// LinkedIn's invitation quota, as the last sync read it.
    #[serde(default, deserialize_with = "crate::api::lenient::object", skip_serializing_if = "Option::is_none")]
    pub quota: Option<StoredQuota>,
}

/// A sent invitation that left the list, as the previous snapshot knew it.
#[derive(Debug, Clone, PartialEq)]
pub struct Departure {
    /// The invitation id.
    pub id: String,
    /// The invitee's name.
    pub name: String,
    /// The safe profile link.
    pub url: Option<String>,
    /// The public identifier (vanity name), lower case: from the profile, else from
    /// the profile URL's `/in/<name>`.
    pub vanity: Option<String>,
    /// The profile URL as a key: lower case, without scheme, `www.`, query or the
    /// trailing slash.
    pub url_key: Option<String>,
    /// First sight (epoch ms).
    pub first_seen_ms: u64,
    /// When it was sent, as well as first sight and the API's age tell (epoch ms).
    pub sent_ms: u64,
}

/// A profile URL as a key: `linkedin.com/in/jane-doe` (lower case, no scheme, no
/// `www.`, no query or fragment, no trailing slash); `None` when nothing is left.
pub fn url_key(url: &str) -> Option<String> {
    let u = url.trim();
    let u = u.split(['?', '#']).next().unwrap_or(u);
    let lower = u.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")).unwrap_or(&lower);
    let rest = rest.strip_prefix("www.").unwrap_or(rest).trim_end_matches('/');
    (rest.contains('/') && !rest.ends_with('/')).then(|| rest.to_string())
}

/// The vanity name of a profile URL (`…/in/<name>`), lower case.
fn vanity_of_url(url: &str) -> Option<String> {
    let key = url_key(url)?;
    let (_, name) = key.split_once("/in/")?;
    let name = name.split('/').next().unwrap_or(name);
    (!name.is_empty()).then(|| name.to_string())
}

fn vanity(name: Option<&str>) -> Option<String> {
    name.map(str::trim).filter(|v| !v.is_empty()).map(str::to_ascii_lowercase)
}

/// When `item` was sent, from first sight and its age label fetched at `taken_ms` (the
/// better of the two: [`best_age`]); first sight, else `taken_ms`, when neither says.
pub fn sent_estimate_ms(item: &SentInvitation, first_seen_ms: Option<f64>, taken_ms: f64) -> f64 {
    let range = item.sent_at.as_deref().and_then(|t| AgeRange::from_label(t, taken_ms, taken_ms));
    match best_age(range, first_seen_ms, taken_ms).secs {
        Some(secs) => taken_ms - f64::from(secs) * 1000.0,
        None => first_seen_ms.filter(|f| f.is_finite()).unwrap_or(taken_ms),
    }
}

impl Departure {
    /// `item` as it left: first seen at `first_seen_ms` (when known), its list fetched
    /// at `taken_ms`.
    pub fn of(item: &SentInvitation, first_seen_ms: Option<f64>, taken_ms: f64) -> Departure {
        let p = &item.profile;
        let url = p.profile_url.as_deref();
        Departure {
            id: item.invitation_id.clone(),
            name: p.full_name(),
            url: url.and_then(linkedin_profile_url),
            vanity: vanity(p.public_identifier.as_deref()).or_else(|| url.and_then(vanity_of_url)),
            url_key: url.and_then(url_key),
            first_seen_ms: crate::api::lenient::to_whole_ms(first_seen_ms.unwrap_or(taken_ms)),
            sent_ms: crate::api::lenient::to_whole_ms(sent_estimate_ms(item, first_seen_ms, taken_ms)),
        }
    }

    /// Whether `c` is this invitation's person: the same vanity name (the connection's,
    /// else the one in its profile URL), else the same profile URL.
    pub fn matches(&self, c: &Connection) -> bool {
        let url = c.profile_url.as_deref();
        let theirs = vanity(c.vanity_name.as_deref()).or_else(|| url.and_then(vanity_of_url));
        if let (Some(a), Some(b)) = (&self.vanity, &theirs) {
            if a == b {
                return true;
            }
        }
        matches!((&self.url_key, url.and_then(url_key)), (Some(a), Some(b)) if *a == b)
    }
}

/// The invitations of `previous` (the last sync's sent list, fetched at `taken_ms`)
/// that are not in `current`, except those `own` says the extension withdrew; with
/// their first sight from `first_seen` (the stored first-seen times, read before the
/// sync updates them).
pub fn departures(
    previous: &[SentInvitation],
    current: &[SentInvitation],
    taken_ms: f64,
    first_seen: impl Fn(&str) -> Option<f64>,
    own: impl Fn(&str) -> bool,
) -> Vec<Departure> {
    let mut now: Vec<&str> = current.iter().map(|i| i.invitation_id.as_str()).collect();
    now.sort_unstable();
    previous
        .iter()
        .filter(|i| now.binary_search(&i.invitation_id.as_str()).is_err() && !own(&i.invitation_id))
        .map(|i| Departure::of(i, first_seen(&i.invitation_id), taken_ms))
        .collect()
}

/// The reading of the newest connections that tells accepted from gone: where it goes
/// on, when it stops, and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionCheck {
    /// Connections dated before this are older than the previous sync (its day, less
    /// a day for time zones).
    older_before_ms: f64,
    pages: u32,
    next: u32,
    done: bool,
    /// The connections read so far that were made since the previous sync (or undated).
    recent: Vec<Connection>,
    /// Connections read that are older than the previous sync.
    older: Vec<Connection>,
}

impl ConnectionCheck {
    /// A check for departures since `previous_sync_ms`, the first page at index 0.
    pub fn new(previous_sync_ms: f64) -> ConnectionCheck {
        let day = (previous_sync_ms / DAY_MS).floor() * DAY_MS;
        ConnectionCheck { older_before_ms: day - DAY_MS, pages: 0, next: 0, done: false, recent: Vec::new(), older: Vec::new() }
    }

    /// The `startIndex` of the next page to read, or `None` when the check is over.
    pub fn next_start(&self) -> Option<u32> {
        (!self.done && self.pages < CHECK_PAGES).then_some(self.next)
    }

    /// Whether `c` was connected before the previous sync; an undated connection is not.
    fn is_older(&self, c: &Connection, now_ms: f64) -> bool {
        let Some(age) = c.connected_date.as_deref().and_then(|t| crate::api::time::approximate_age_secs(t, now_ms)) else {
            return false;
        };
        now_ms - f64::from(age) * 1000.0 < self.older_before_ms
    }

    /// Takes one page (read at `now_ms`): `raw_len` elements (readable or not),
    /// `end_of_list` as the API said. The newest come first, so the check stops after a
    /// page that reached connections older than the previous sync (every later page is
    /// older still), at the end of the list, after [`CHECK_PAGES`] pages, or when the
    /// caller found every departure ([`ConnectionCheck::stop`]).
    pub fn accept(&mut self, items: Vec<Connection>, raw_len: usize, end_of_list: Option<bool>, now_ms: f64) {
        self.pages += 1;
        self.next = self.next.saturating_add(u32::try_from(raw_len).unwrap_or(u32::MAX));
        let mut older = 0usize;
        for c in items {
            if self.is_older(&c, now_ms) {
                older += 1;
                self.older.push(c);
            } else {
                self.recent.push(c);
            }
        }
        let short = end_of_list.is_none() && raw_len < CHECK_PAGE_SIZE as usize;
        if raw_len == 0 || end_of_list == Some(true) || short || older > 0 {
            self.done = true;
        }
    }

    /// Stops the check (every departure is found).
    pub fn stop(&mut self) {
        self.done = true;
    }

    /// Whether every departure is among the recent connections read so far.
    pub fn found_all(&self, departures: &[Departure]) -> bool {
        departures.iter().all(|d| self.recent.iter().any(|c| d.matches(c)))
    }

    /// How many pages were read.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// The outcome of `d`: accepted when it is among the recent connections read,
    /// else gone.
    pub fn outcome(&self, d: &Departure) -> Outcome {
        if self.recent.iter().any(|c| d.matches(c)) {
            Outcome::Accepted
        } else {
            Outcome::Gone
        }
    }
}

impl History {
    /// A new history of `account` (an account tag), tracking from `now_ms`.
    pub fn new(account: &str, now_ms: f64) -> History {
        History {
            schema: HISTORY_SCHEMA,
            account: account.to_string(),
            since_ms: crate::api::lenient::to_whole_ms(now_ms),
            checks: 0,
            entries: Vec::new(),
            quota: None,
        }
    }

    /// The stored history when it has this schema and belongs to `account`; else
    /// `None` (no history). An entry that cannot be read is left out; a damaged quota
    /// is absent.
    pub fn read(raw: &serde_json::Value, account: &str) -> Option<History> {
        let h = raw.is_object().then(|| crate::api::objects::read::<History>(raw.clone()).ok()).flatten()?;
        (h.schema == HISTORY_SCHEMA && h.account == account).then_some(h)
    }

    /// The account tag it belongs to.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// Records the outcome of each departure found by a sync at `now_ms`: from `check`,
    /// or [`Outcome::Unchecked`] without one (the connections could not be read). An id
    /// already recorded keeps its first outcome. Counts the comparison, and trims.
    pub fn record(&mut self, departures: &[Departure], check: Option<&ConnectionCheck>, now_ms: f64) {
        let left = crate::api::lenient::to_whole_ms(now_ms);
        for d in departures {
            let outcome = check.map_or(Outcome::Unchecked, |c| c.outcome(d));
            self.push(d, left, outcome);
        }
        self.checks = self.checks.saturating_add(1);
        self.trim(now_ms);
    }

    fn push(&mut self, d: &Departure, left_ms: u64, outcome: Outcome) {
        if self.entries.iter().any(|e| e.id == d.id) {
            return;
        }
        self.entries.push(Entry {
            id: d.id.clone(),
            name: d.name.clone(),
            url: d.url.clone(),
            first_seen_ms: d.first_seen_ms,
            sent_ms: d.sent_ms,
            left_ms,
            outcome,
        });
    }

    /// Records the extension's own withdrawal of `d` at `at_ms`: never gone.
    pub fn note_withdrawn(&mut self, d: &Departure, at_ms: f64) {
        self.push(d, crate::api::lenient::to_whole_ms(at_ms), Outcome::Withdrawn);
        self.trim(at_ms);
    }

    /// Whether the extension withdrew `id` (recorded as [`Outcome::Withdrawn`]).
    pub fn withdrew(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id && e.outcome == Outcome::Withdrawn)
    }

    /// Forgets outcomes found more than [`KEEP_DAYS`] days before `now_ms` (and the
    /// oldest beyond [`MAX_ENTRIES`]).
    pub fn trim(&mut self, now_ms: f64) {
        let cutoff = now_ms - f64::from(KEEP_DAYS) * DAY_MS;
        self.entries.retain(|e| e.left_ms as f64 >= cutoff);
        let extra = self.entries.len().saturating_sub(MAX_ENTRIES);
        self.entries.drain(..extra);
    }
}

/// Epoch milliseconds as a UTC date, `2026-12-06`.
pub fn iso_date(ms: u64) -> String {
    // Howard Hinnant's civil-from-days.
    let z = (ms / 86_400_000) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests;
