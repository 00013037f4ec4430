//! Exact ages from first sight.
//!
//! The API gives only coarse labels: "2 weeks ago" means 14 to 20 days, "1 year ago"
//! means 12 to 23 months. The extension remembers when it first saw each pending
//! invitation ([`FirstSeen`], persisted, pruned when an id leaves its list) and
//! [`best_age`] combines the two: first sight is a lower bound of the true age, the
//! label a range, so
//!
//! - first seen *later* than the label's lower end says nothing new: the API's age wins;
//! - first seen *earlier* than the label allows contradicts it: the API's age wins;
//! - otherwise first sight narrows the range, and once it does by at least a day the
//!   age is the whole days since first sight (the pages word it: "first seen 19 days
//!   ago").
//!
//! The age used to sort and filter is the best lower bound of the two.

use crate::api::client::List;
use crate::api::models::{ReceivedInvitation, SentInvitation};
use crate::api::time::approximate_age_secs;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// The schema of a stored [`FirstSeen`].
pub const AGES_SCHEMA: u32 = 1;
const DAY: u32 = 86_400;

/// What an API age label allows, in seconds: at least `min_secs`, less than
/// `max_secs` (no upper bound when `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgeRange {
    /// The lower bound.
    pub min_secs: u32,
    /// The upper bound (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_secs: Option<u32>,
}

/// The width of one step of a label's unit (`"2 weeks ago"`: a week).
fn unit_width(text: &str) -> Option<u32> {
    let lower = text.trim().to_ascii_lowercase();
    let s = lower.strip_suffix(" ago").unwrap_or(&lower).trim();
    match s {
        "just now" | "now" | "moments ago" | "a moment ago" => return Some(3_600),
        "today" | "yesterday" => return Some(DAY),
        _ => {}
    }
    let unit: String = s.rsplit(|c: char| c == ' ' || c.is_ascii_digit()).next()?.trim_end_matches('.').to_string();
    Some(match unit.as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
        "d" | "day" | "days" => DAY,
        "w" | "wk" | "wks" | "week" | "weeks" => 7 * DAY,
        "mo" | "mos" | "month" | "months" => 30 * DAY,
        "y" | "yr" | "yrs" | "year" | "years" => 365 * DAY,
        // An absolute date ("Connected on Feb 15, 2024"): exact to the day.
        _ => DAY,
    })
}

impl AgeRange {
    /// The range an API label (`"2 weeks ago"`, `"1 year ago"`, `"yesterday"`, a date)
    /// allows at `now_ms`, for a label fetched at `label_ms`; `None` for text that is
    /// not an age.
    pub fn from_label(text: &str, label_ms: f64, now_ms: f64) -> Option<AgeRange> {
        let min = approximate_age_secs(text, label_ms)?;
        let width = unit_width(text)?;
        let elapsed = if (now_ms - label_ms).is_finite() {
            ((now_ms - label_ms) / 1000.0).max(0.0).min(f64::from(u32::MAX)) as u32
        } else {
            0
        };
        Some(AgeRange {
            min_secs: min.saturating_add(elapsed),
            max_secs: min.checked_add(width).and_then(|m| m.checked_add(elapsed)),
        })
    }
}

/// Where a shown age comes from: `"api"`, `"first_seen"` or `"none"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeSource {
    /// The API's label: show it as it is.
    Api,
    /// First sight: show [`BestAge::days`] ("first seen 19 days ago").
    FirstSeen,
    /// Nothing is known.
    None,
}

/// The age to show, sort and filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BestAge {
    /// The best lower bound of the age, in seconds, for sorting, filters and buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secs: Option<u32>,
    /// Which to show.
    pub source: AgeSource,
    /// For [`AgeSource::FirstSeen`]: whole days since first sight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

/// The better of the API's age range and first sight (see the module doc).
pub fn best_age(api: Option<AgeRange>, first_seen_ms: Option<f64>, now_ms: f64) -> BestAge {
    let seen = first_seen_ms
        .filter(|f| f.is_finite() && now_ms.is_finite())
        .map(|f| ((now_ms - f) / 1000.0).max(0.0).min(f64::from(u32::MAX)) as u32);
    let first_seen = |secs: u32| BestAge { secs: Some(secs), source: AgeSource::FirstSeen, days: Some(secs / DAY) };
    let api_only = |secs: u32| BestAge { secs: Some(secs), source: AgeSource::Api, days: None };
    match (api, seen) {
        (None, None) => BestAge { secs: None, source: AgeSource::None, days: None },
        (None, Some(s)) => first_seen(s),
        (Some(r), None) => api_only(r.min_secs),
        (Some(r), Some(s)) => {
            if s <= r.min_secs || r.max_secs.is_some_and(|max| s >= max) {
                // Later than the API's age says nothing new; earlier than it allows
                // contradicts it. Either way the API's age wins.
                api_only(r.min_secs)
            } else if s / DAY > r.min_secs / DAY {
                first_seen(s)
            } else {
                // Within the same day as the label's lower end: the label reads as well,
                // but the sort uses the tighter bound.
                api_only(s)
            }
        }
    }
}

/// When each pending invitation was first seen, per list, for one account.
///
/// Stored as `{"schema":1,"account":"…","sent":{"<id>":<ms>,…},"received":{…}}`; read
/// back by [`FirstSeen::read`]: a `schema` that is not this number, or an `account` that
/// is not text, is no map at all; within a list, an entry that is not a whole number is
/// left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstSeen {
    schema: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    account: String,
    /// Sent invitations: id → first seen (epoch ms).
    #[serde(default)]
    sent: IdTimes,
    /// Received invitations: id → first seen (epoch ms).
    #[serde(default)]
    received: IdTimes,
}

/// Ids and when each was first seen (epoch ms), each id once, written in id order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
struct IdTimes(BTreeMap<String, u64>);

impl IdTimes {
    fn get(&self, id: &str) -> Option<u64> {
        self.0.get(id).copied()
    }
}

impl<'de> Deserialize<'de> for IdTimes {
    /// Lenient: a value that is not an object is no ids; an entry that is not a whole
    /// number is left out; of an id given twice, the last wins (as browsers read JSON).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(IdTimes(crate::api::lenient::count_map(d)?))
    }
}

/// What one [`FirstSeen::update`] changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeenChange {
    /// Ids seen for the first time.
    pub added: u32,
    /// Ids no longer in the list, forgotten.
    pub pruned: u32,
}

impl FirstSeen {
    /// An empty map for `account` (an account tag).
    pub fn new(account: &str) -> Self {
        FirstSeen { schema: AGES_SCHEMA, account: account.to_string(), sent: IdTimes::default(), received: IdTimes::default() }
    }

    /// Reads a stored map; another schema, another account or anything malformed is an
    /// empty map for `account` (an entry that is not a whole number is left out).
    pub fn read(raw: serde_json::Value, account: &str) -> Self {
        let read = raw.is_object().then(|| crate::api::objects::read::<FirstSeen>(raw).ok()).flatten();
        match read {
            Some(f) if f.schema == AGES_SCHEMA && f.account == account => f,
            _ => FirstSeen::new(account),
        }
    }

    /// The account the map belongs to.
    pub fn account(&self) -> &str {
        &self.account
    }

    fn map(&self, list: List) -> Option<&IdTimes> {
        match list {
            List::Sent => Some(&self.sent),
            List::Received => Some(&self.received),
            List::Connections => None,
        }
    }

    /// Updates `list` from the ids a sync just fetched (the whole list): new ids are
    /// stamped `now_ms`, ids no longer there are pruned. Call it only for the lists
    /// this sync fetched; the others keep their times. Connections are not tracked.
    pub fn update<'a>(&mut self, list: List, ids: impl IntoIterator<Item = &'a str>, now_ms: f64) -> SeenChange {
        let now = if now_ms.is_finite() && now_ms > 0.0 { now_ms as u64 } else { 0 };
        let map = match list {
            List::Sent => &mut self.sent,
            List::Received => &mut self.received,
            List::Connections => return SeenChange::default(),
        };
        let mut current: Vec<&str> = ids.into_iter().collect();
        current.sort_unstable();
        current.dedup();
        let mut added = 0u32;
        let mut kept = 0usize;
        // Inserted in key order (`collect` would compile a stable sort: docs/size.md).
        let mut next = BTreeMap::new();
        next.extend(current
            .iter()
            .map(|id| {
                let first = match map.get(id) {
                    Some(t) => {
                        kept += 1;
                        t
                    }
                    None => {
                        added = added.saturating_add(1);
                        now
                    }
                };
                (id.to_string(), first)
            }));
        let pruned = map.0.len().saturating_sub(kept);
        *map = IdTimes(next);
        SeenChange { added, pruned: u32::try_from(pruned).unwrap_or(u32::MAX) }
    }

    /// [`FirstSeen::update`] for the lists of a sync: `None` for a list it did not fetch.
    pub fn update_from_sync(
        &mut self,
        sent: Option<&[SentInvitation]>,
        received: Option<&[ReceivedInvitation]>,
        now_ms: f64,
    ) -> (SeenChange, SeenChange) {
        let s = sent.map(|l| self.update(List::Sent, l.iter().map(|i| i.invitation_id.as_str()), now_ms)).unwrap_or_default();
        let r =
            received.map(|l| self.update(List::Received, l.iter().map(|i| i.invitation_id.as_str()), now_ms)).unwrap_or_default();
        (s, r)
    }

    /// When `id` of `list` was first seen (epoch ms).
    pub fn get(&self, list: List, id: &str) -> Option<f64> {
        self.map(list)?.get(id).map(|t| t as f64)
    }

    /// How many ids of `list` are remembered.
    pub fn len(&self, list: List) -> usize {
        self.map(list).map_or(0, |m| m.0.len())
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.sent.0.is_empty() && self.received.0.is_empty()
    }

    /// The best age of each sent invitation, in list order; `taken_ms` is when the
    /// list (and its labels) was fetched.
    pub fn sent_ages(&self, items: &[SentInvitation], taken_ms: f64, now_ms: f64) -> Vec<BestAge> {
        items
            .iter()
            .map(|i| {
                let range = i.sent_at.as_deref().and_then(|t| AgeRange::from_label(t, taken_ms, now_ms));
                best_age(range, self.get(List::Sent, &i.invitation_id), now_ms)
            })
            .collect()
    }

    /// The best age of each received invitation, in list order.
    pub fn received_ages(&self, items: &[ReceivedInvitation], taken_ms: f64, now_ms: f64) -> Vec<BestAge> {
        items
            .iter()
            .map(|i| {
                let range = i.received_at.as_deref().and_then(|t| AgeRange::from_label(t, taken_ms, now_ms));
                best_age(range, self.get(List::Received, &i.invitation_id), now_ms)
            })
            .collect()
    }

    /// Gives every invitation of `snapshot` its best age at `now_ms`: where first sight
    /// is more precise than the API's label, `firstSeenDays` is the whole days since
    /// then (the pages show "first seen 19 days ago" instead of the label) and `ageSecs`
    /// (which the filters, the order and the chart use) the same days; elsewhere both
    /// stay as the API said. (Whole days keep the popup's stored first screen unchanged
    /// within a day.)
    pub fn apply(&self, snapshot: &mut crate::api::sync::Snapshot, now_ms: f64) {
        let sent = self.sent_ages(&snapshot.sent, snapshot.sent_taken_at_ms, now_ms);
        for (item, best) in snapshot.sent.iter_mut().zip(sent) {
            if best.source == AgeSource::FirstSeen {
                item.age_secs = best.days.map(|d| d.saturating_mul(DAY)).or(best.secs);
                item.first_seen_days = best.days;
            }
        }
        let received = self.received_ages(&snapshot.received, snapshot.taken_at_ms, now_ms);
        for (item, best) in snapshot.received.iter_mut().zip(received) {
            if best.source == AgeSource::FirstSeen {
                item.age_secs = best.days.map(|d| d.saturating_mul(DAY)).or(best.secs);
                item.first_seen_days = best.days;
            }
        }
    }

    /// The map as JSON text, to store:
    /// `{"schema":1,"account":"…","sent":{"<id>":<ms>,…},"received":{…}}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".into())
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{from_str, json, Value};

    const DAY_MS: f64 = 86_400_000.0;
    const T0: f64 = 1_777_284_000_000.0;

    fn range(text: &str) -> AgeRange {
        AgeRange::from_label(text, T0, T0).unwrap()
    }

    #[test]
    fn labels_are_ranges() {
        let d = DAY;
        assert_eq!(range("2 weeks ago"), AgeRange { min_secs: 14 * d, max_secs: Some(21 * d) });
        assert_eq!(range("1 year ago"), AgeRange { min_secs: 365 * d, max_secs: Some(730 * d) }, "12 to 23 months");
        assert_eq!(range("3 days ago"), AgeRange { min_secs: 3 * d, max_secs: Some(4 * d) });
        assert_eq!(range("yesterday"), AgeRange { min_secs: d, max_secs: Some(2 * d) });
        assert_eq!(range("3w"), AgeRange { min_secs: 21 * d, max_secs: Some(28 * d) });
        assert_eq!(range("just now"), AgeRange { min_secs: 0, max_secs: Some(3_600) });
        assert_eq!(range("Connected on Feb 15, 2024").max_secs.map(|m| m - range("Connected on Feb 15, 2024").min_secs), Some(d));
        assert_eq!(AgeRange::from_label("recently", T0, T0), None);
        // A label fetched two days ago has aged two days.
        assert_eq!(
            AgeRange::from_label("2 weeks ago", T0 - 2.0 * DAY_MS, T0),
            Some(AgeRange { min_secs: 16 * d, max_secs: Some(23 * d) })
        );
    }

    #[test]
    fn first_sight_shows_once_it_is_more_precise_and_never_contradicts_the_api() {
        let at = |days: f64| Some(T0 - days * DAY_MS);
        // "2 weeks ago" (14–20 days), first seen 19 days ago: more precise.
        let b = best_age(Some(range("2 weeks ago")), at(19.0), T0);
        assert_eq!((b.source, b.days, b.secs), (AgeSource::FirstSeen, Some(19), Some(19 * DAY)));
        // First seen 3 days ago: later than the API's age, which wins.
        let b = best_age(Some(range("2 weeks ago")), at(3.0), T0);
        assert_eq!((b.source, b.secs, b.days), (AgeSource::Api, Some(14 * DAY), None));
        // First seen 30 days ago contradicts "2 weeks ago": the API wins.
        let b = best_age(Some(range("2 weeks ago")), at(30.0), T0);
        assert_eq!((b.source, b.secs), (AgeSource::Api, Some(14 * DAY)));
        // Within the label's first day: the label reads, the sort uses the tighter bound.
        let b = best_age(Some(range("2 weeks ago")), at(14.5), T0);
        assert_eq!((b.source, b.secs), (AgeSource::Api, Some((14.5 * 86_400.0) as u32)));
        // "1 year ago" and first seen 400 days ago.
        let b = best_age(Some(range("1 year ago")), at(400.0), T0);
        assert_eq!((b.source, b.days), (AgeSource::FirstSeen, Some(400)));
        // No label: first sight is all there is; nothing: nothing.
        assert_eq!(best_age(None, at(1.2), T0).days, Some(1));
        assert_eq!(best_age(None, at(0.1), T0).days, Some(0), "first seen today");
        assert_eq!(best_age(None, None, T0).source, AgeSource::None);
        assert_eq!(best_age(Some(range("2 weeks ago")), Some(f64::NAN), T0).source, AgeSource::Api);
        // As JavaScript reads them.
        let b = best_age(Some(range("2 weeks ago")), at(19.0), T0);
        assert_eq!(
            serde_json::to_value(&b).unwrap(),
            json!({"secs": 19 * DAY, "source": "first_seen", "days": 19})
        );
        assert_eq!(serde_json::to_value(best_age(None, None, T0)).unwrap(), json!({"source": "none"}));
        assert_eq!(serde_json::to_value(range("just now")).unwrap(), json!({"minSecs": 0, "maxSecs": 3_600}));
    }

    fn sent(id: &str, label: &str) -> SentInvitation {
        serde_json::from_value(json!({"invitationId": id, "sentAt": label})).unwrap()
    }

    #[test]
    fn first_seen_across_syncs_on_a_fake_clock() {
        let mut seen = FirstSeen::new("acct");
        let mut now = T0;
        // Day 0: the first sync sees a and b.
        let day0 = [sent("a", "2 weeks ago"), sent("b", "1 day ago")];
        assert_eq!(seen.update_from_sync(Some(&day0), Some(&[]), now).0, SeenChange { added: 2, pruned: 0 });
        // Day 3: c is new; a received-only sync does not touch the sent times.
        now += 3.0 * DAY_MS;
        seen.update_from_sync(None, Some(&[]), now);
        assert_eq!(seen.len(List::Sent), 2);
        let day3 = [sent("a", "2 weeks ago"), sent("b", "4 days ago"), sent("c", "just now")];
        assert_eq!(
            seen.update(List::Sent, day3.iter().map(|s| s.invitation_id.as_str()), now),
            SeenChange { added: 1, pruned: 0 }
        );
        assert_eq!(seen.get(List::Sent, "a"), Some(T0));
        assert_eq!(seen.get(List::Sent, "c"), Some(now));
        // Day 19: b was withdrawn on LinkedIn and leaves; a's first sight is now the
        // better age ("2 weeks ago" would still cover 19 days only if first seen at 14+).
        now = T0 + 19.0 * DAY_MS;
        let day19 = [sent("a", "2 weeks ago"), sent("c", "2 weeks ago")];
        assert_eq!(
            seen.update(List::Sent, day19.iter().map(|s| s.invitation_id.as_str()), now),
            SeenChange { added: 0, pruned: 1 }
        );
        let ages = seen.sent_ages(&day19, now, now);
        // a: first seen 19 days ago, but "2 weeks ago" allows 14–20 days: 19 is more precise.
        assert_eq!(ages[0].days, Some(19));
        // c: first seen 16 days ago, inside 14–20: more precise too.
        assert_eq!(ages[1].days, Some(16));
        // Stored and read back; another account reads as empty.
        let stored: Value = from_str(&seen.to_json()).unwrap();
        assert_eq!(FirstSeen::read(stored.clone(), "acct"), seen);
        assert!(FirstSeen::read(stored.clone(), "other").is_empty());
        let odd = FirstSeen::read(json!({"schema": 1, "account": "acct", "sent": {"x": "soon", "y": 5}}), "acct");
        assert_eq!((odd.get(List::Sent, "x"), odd.get(List::Sent, "y")), (None, Some(5.0)));
        assert!(FirstSeen::read(json!([]), "acct").is_empty());
        for garbage in [json!({"schema": "1", "account": "acct", "sent": {"y": 5}}), json!({"account": "acct", "sent": {"y": 5}}),
                        json!({"schema": 1, "account": 7, "sent": {"y": 5}}), json!([1, "acct", {"y": 5}])] {
            assert!(FirstSeen::read(garbage.clone(), "acct").is_empty(), "{garbage}");
        }
        // Stored in any order with an id twice: the last time wins (as browsers read
        // it), written back sorted by id; an id given twice in a sync counts once.
        let messy = r#"{"schema": 1, "account": "acct", "sent": {"z": 3, "b": 1, "z": 7, "a": 2}}"#;
        let mut read = FirstSeen::read(from_str(messy).unwrap(), "acct");
        assert_eq!(read.get(List::Sent, "z"), Some(7.0));
        assert_eq!(read.len(List::Sent), 3);
        assert!(read.to_json().contains(r#""sent":{"a":2,"b":1,"z":7}"#), "{}", read.to_json());
        assert_eq!(read.update(List::Sent, ["b", "q", "q", "z"], 9.0), SeenChange { added: 1, pruned: 1 });
        assert_eq!((read.get(List::Sent, "b"), read.get(List::Sent, "q"), read.get(List::Sent, "a")), (Some(1.0), Some(9.0), None));
    }

    #[test]
    fn apply_gives_the_days_and_keeps_the_api_label() {
        let mut seen = FirstSeen::new("acct");
        seen.update(List::Sent, ["a", "b"], T0);
        seen.update(List::Received, ["r"], T0 - 3.0 * DAY_MS);
        let now = T0 + 19.0 * DAY_MS;
        let mut snapshot: crate::api::sync::Snapshot = crate::api::objects::read(json!({
            "takenAtMs": now, "sentTakenAtMs": now,
            "sent": [{"invitationId": "a", "sentAt": "2 weeks ago"}, {"invitationId": "b", "sentAt": "3 days ago"}],
            "received": [{"invitationId": "r", "receivedAt": "3 weeks ago"}]
        }))
        .unwrap();
        seen.apply(&mut snapshot, now);
        let a = &snapshot.sent[0];
        // The label stays the API's (outside data); the days say the better age, for the
        // pages to word ("first seen 19 days ago").
        assert_eq!((a.sent_at.as_deref(), a.first_seen_days, a.age_secs), (Some("2 weeks ago"), Some(19), Some(19 * DAY)));
        let b = &snapshot.sent[1];
        assert_eq!((b.sent_at.as_deref(), b.first_seen_days), (Some("3 days ago"), None), "the API's age wins");
        let r = &snapshot.received[0];
        assert_eq!((r.received_at.as_deref(), r.first_seen_days), (Some("3 weeks ago"), Some(22)));
        assert_eq!(crate::view::Row::from(a).first_seen_days, Some(19), "the row carries the days");
        assert_eq!(serde_json::to_value(crate::view::Row::from(a)).unwrap()["firstSeenDays"], 19);
    }

    #[test]
    fn twenty_thousand_ids_read_back() {
        let mut seen = FirstSeen::new("acct");
        let ids: Vec<String> = (0..20_000u64).map(|i| (7_455_891_636_745_551_899 - i * 7_919).to_string()).collect();
        seen.update(List::Sent, ids.iter().map(String::as_str), T0);
        let stored: Value = from_str(&seen.to_json()).unwrap();
        let read = FirstSeen::read(stored.clone(), "acct");
        assert_eq!(read.len(List::Sent), 20_000);
        assert_eq!(read, seen);
    }
}
