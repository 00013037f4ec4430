//! The snapshot a sync produces, and the counts derived from its lists.

use crate::api::decode::Skips;
use crate::api::models::{Category, ReceivedInvitation, SentInvitation};
use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use tsify::Tsify;

/// Everything pending, as of one sync.
///
/// Read back from storage, its lists are read item by item (an unreadable item is left
/// out) and its counts are recomputed from them, so stored counts can never disagree
/// with the stored lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "StoredSnapshot")]
pub struct Snapshot {
    /// When the sync finished, in epoch milliseconds (the received invitations are
    /// this fresh).
    #[serde(serialize_with = "crate::api::lenient::whole_ms")]
    pub taken_at_ms: f64,
    /// When the sent invitations were fetched (a sync of the received ones only keeps
    /// the sent list of the one before).
    #[serde(serialize_with = "crate::api::lenient::whole_ms")]
    pub sent_taken_at_ms: f64,
    /// The account that served the lists, if the server said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Items the API sent that could not be read, per list.
    pub skipped: Skipped,
    /// Counts of the lists below.
    pub counts: Counts,
    /// Pending sent invitations, in server order.
    pub sent: Vec<SentInvitation>,
    /// Pending received invitations, in server order.
    pub received: Vec<ReceivedInvitation>,
    /// The exact number of connections (`GET /analytics/connections/count`, newer API
    /// edition), when the server gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_count: Option<u64>,
    /// What the sync cost.
    pub cost: Cost,
    /// The lists that are not complete yet (a first sync still reading them); absent
    /// when every list is complete.
    #[serde(default, skip_serializing_if = "PartialLists::is_none")]
    pub partial: PartialLists,
}

/// The lists of a snapshot (or its summary) that are not complete: a first sync of the
/// account is still reading them, and no complete list of that kind is stored yet. Such
/// a list holds the rows read so far and its count is a count so far, never a final
/// one. A stored snapshot's partial list is empty: its rows so far are the walk's pages
/// (`walk.sent.17`), read beside it. Written only when a list is partial (`{"sent":
/// true}`); absent, or unreadable, every list is complete (as every snapshot stored
/// before there were partial ones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
pub struct PartialLists {
    /// The sent invitations are not all read yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag_or_false")]
    #[tsify(optional)]
    pub sent: bool,
    /// The received invitations are not all read yet.
    #[serde(default, skip_serializing_if = "std::ops::Not::not", deserialize_with = "flag_or_false")]
    #[tsify(optional)]
    pub received: bool,
}

impl PartialLists {
    /// Every list complete.
    pub const NONE: PartialLists = PartialLists { sent: false, received: false };

    /// Whether every list is complete.
    pub fn is_none(&self) -> bool {
        !self.sent && !self.received
    }
}

/// A flag that is `true` only when it says so.
fn flag_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(crate::api::lenient::flag(d)?.unwrap_or(false))
}

/// A snapshot as read back from storage, before its counts are recomputed: a time is
/// required (without one this is not a snapshot), a list that is not a list is an
/// error, and every other damaged part takes its default.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSnapshot {
    #[serde(deserialize_with = "required_ms")]
    taken_at_ms: f64,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    sent_taken_at_ms: Option<u64>,
    #[serde(default, deserialize_with = "crate::api::lenient::loose_text")]
    account_id: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    skipped: Skipped,
    #[serde(default, deserialize_with = "items")]
    sent: Vec<SentInvitation>,
    #[serde(default, deserialize_with = "items")]
    received: Vec<ReceivedInvitation>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    connection_count: Option<u64>,
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    cost: Cost,
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    partial: PartialLists,
}

impl From<StoredSnapshot> for Snapshot {
    fn from(s: StoredSnapshot) -> Self {
        Snapshot {
            taken_at_ms: s.taken_at_ms,
            sent_taken_at_ms: s.sent_taken_at_ms.map_or(s.taken_at_ms, |n| n as f64),
            account_id: s.account_id,
            skipped: s.skipped,
            counts: Counts::of(&s.sent, &s.received),
            sent: s.sent,
            received: s.received,
            connection_count: s.connection_count,
            cost: s.cost,
            partial: s.partial,
        }
    }
}

/// A snapshot without its lists (and its cost): what the popup shows above the lists.
///
/// Read back from storage (the store layer's `read_first_screen`): a time and counts
/// are required; unlike a snapshot's, its counts are read as stored (there are no
/// lists to count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "StoredSummary")]
#[tsify(rename = "SnapshotSummary")]
pub struct Summary {
    /// When the sync finished, in epoch milliseconds.
    #[serde(serialize_with = "crate::api::lenient::whole_ms")]
    pub taken_at_ms: f64,
    /// The account that served the lists, if the server said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Items the API sent that could not be read, per list.
    pub skipped: Skipped,
    /// Counts of the snapshot's lists.
    pub counts: Counts,
    /// The exact number of connections, when the server gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_count: Option<u64>,
    /// The lists not complete yet: their counts are counts so far.
    #[serde(default, skip_serializing_if = "PartialLists::is_none")]
    pub partial: PartialLists,
}

/// A [`Summary`] as read back from storage: the reading rules of each field. The struct
/// above is what is written, and declared to TypeScript.
#[derive(Deserialize)]
#[serde(rename = "Summary", rename_all = "camelCase")]
struct StoredSummary {
    #[serde(deserialize_with = "required_ms")]
    taken_at_ms: f64,
    #[serde(default, deserialize_with = "crate::api::lenient::loose_text")]
    account_id: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    skipped: Skipped,
    counts: Counts,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    connection_count: Option<u64>,
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    partial: PartialLists,
}

impl From<StoredSummary> for Summary {
    fn from(r: StoredSummary) -> Self {
        let StoredSummary { taken_at_ms, account_id, skipped, counts, connection_count, partial } = r;
        Summary { taken_at_ms, account_id, skipped, counts, connection_count, partial }
    }
}

impl Snapshot {
    /// The snapshot without its lists.
    pub fn summary(&self) -> Summary {
        Summary {
            taken_at_ms: self.taken_at_ms,
            account_id: self.account_id.clone(),
            skipped: self.skipped.clone(),
            counts: self.counts.clone(),
            connection_count: self.connection_count,
            partial: self.partial,
        }
    }
}

/// Items of each list that could not be read (and were left out of the counts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(from = "StoredSkipped")]
pub struct Skipped {
    /// Sent invitations.
    pub sent: Skips,
    /// Received invitations.
    pub received: Skips,
}

/// A [`Skipped`] as read back from storage: a part that cannot be read is empty.
#[derive(Deserialize)]
#[serde(rename = "Skipped")]
struct StoredSkipped {
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    sent: Skips,
    #[serde(default, deserialize_with = "crate::api::lenient::forgiving")]
    received: Skips,
}

impl From<StoredSkipped> for Skipped {
    fn from(r: StoredSkipped) -> Self {
        let StoredSkipped { sent, received } = r;
        Skipped { sent, received }
    }
}

/// Counts of a snapshot's lists. Read leniently: a count that is not a whole number
/// is 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "StoredCounts")]
pub struct Counts {
    /// Pending sent invitations.
    pub sent: u32,
    /// Pending received invitations, all categories.
    pub received: u32,
    /// Pending received invitations per category: the five documented ones always
    /// (`CONNECTION`, `ORGANIZATION`, `NEWSLETTER`, `EVENT`, `MEMBER_FOLLOW`), plus
    /// `OTHER` for unknown or missing categories when there are any.
    #[tsify(type = "CategoryCounts")]
    pub received_by_category: CategoryCounts,
}

/// [`Counts`] as read back from storage: a count that is not a whole number is 0.
#[derive(Deserialize)]
#[serde(rename = "Counts", rename_all = "camelCase")]
struct StoredCounts {
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    sent: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    received: u32,
    #[serde(default)]
    received_by_category: CategoryCounts,
}

impl From<StoredCounts> for Counts {
    fn from(r: StoredCounts) -> Self {
        let StoredCounts { sent, received, received_by_category } = r;
        Counts { sent, received, received_by_category }
    }
}

/// Counts per category key, in key order: a sorted list with the few map methods the
/// crate needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryCounts(Vec<(String, u32)>);

impl CategoryCounts {
    /// No counts.
    pub fn new() -> Self {
        CategoryCounts(Vec::new())
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The count of `key`.
    pub fn get(&self, key: &str) -> Option<&u32> {
        self.find(key).ok().and_then(|i| self.0.get(i)).map(|(_, n)| n)
    }

    /// Whether `key` has a count.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets the count of `key`; returns the one it replaces.
    pub fn insert(&mut self, key: String, n: u32) -> Option<u32> {
        match self.find(&key) {
            Ok(i) => self.0.get_mut(i).map(|(_, old)| std::mem::replace(old, n)),
            Err(i) => {
                self.0.insert(i, (key, n));
                None
            }
        }
    }

    /// Adds one to the count of `key` (saturating), starting from 0.
    pub fn increment(&mut self, key: &str) {
        match self.find(key) {
            Ok(i) => {
                if let Some((_, n)) = self.0.get_mut(i) {
                    *n = n.saturating_add(1);
                }
            }
            Err(i) => self.0.insert(i, (key.to_string(), 1)),
        }
    }

    /// The keys and counts, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &u32)> {
        self.0.iter().map(|(k, n)| (k, n))
    }

    /// The counts, in key order.
    pub fn values(&self) -> impl Iterator<Item = &u32> {
        self.0.iter().map(|(_, n)| n)
    }

    /// How many keys have a count.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no key has a count.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a CategoryCounts {
    type Item = (&'a String, &'a u32);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (String, u32)>, fn(&'a (String, u32)) -> (&'a String, &'a u32)>;

    /// The keys and counts, in key order (`for (key, n) in &counts`, as with a map).
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, n)| (k, n))
    }
}

impl FromIterator<(String, u32)> for CategoryCounts {
    /// Later counts of a key replace earlier ones, as [`CategoryCounts::insert`] does.
    fn from_iter<I: IntoIterator<Item = (String, u32)>>(iter: I) -> Self {
        let mut counts = CategoryCounts::new();
        for (k, n) in iter {
            counts.insert(k, n);
        }
        counts
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TS_CATEGORY_COUNTS: &str = r#"
/** Counts per category key (`CONNECTION` …, `OTHER`): an object, as `CategoryCounts`'s `Serialize` writes it. */
export type CategoryCounts = Record<string, number>;
"#;

impl Serialize for CategoryCounts {
    /// An object of the counts, in key order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, n)| (k, n)))
    }
}

impl<'de> Deserialize<'de> for CategoryCounts {
    /// Lenient: a value that is not an object is no counts; a count that is not a whole
    /// number that fits is left out.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(crate::api::lenient::count_map::<_, u32>(d)?.into_iter().collect())
    }
}

/// The key under which unknown and missing categories are counted.
pub const OTHER_CATEGORY: &str = "OTHER";

impl Counts {
    /// Counts the two lists.
    pub fn of(sent: &[SentInvitation], received: &[ReceivedInvitation]) -> Counts {
        let mut by = CategoryCounts::new();
        for c in Category::KNOWN {
            by.insert(c.as_str().to_string(), 0);
        }
        for inv in received {
            let key = match &inv.invitation_category {
                Category::Other(_) | Category::Missing => OTHER_CATEGORY,
                c => c.as_str(),
            };
            by.increment(key);
        }
        Counts { sent: sent.len() as u32, received: received.len() as u32, received_by_category: by }
    }

    /// Received invitations in the given categories (API spellings, or `OTHER`); all of
    /// them when `categories` is empty. This is the toolbar badge's number. A category
    /// listed twice (settings are read from storage as they are) counts once, and the
    /// sum saturates instead of overflowing on corrupt counts.
    pub fn received_in(&self, categories: &[String]) -> u32 {
        if categories.is_empty() {
            return self.received;
        }
        // Each count is taken once, however often its category is listed.
        self.received_by_category
            .iter()
            .filter(|(key, _)| categories.iter().any(|c| c == *key))
            .fold(0, |sum: u32, (_, n)| sum.saturating_add(*n))
    }
}

/// What one sync cost. Read leniently: a number that is not a whole one is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "StoredCost")]
pub struct Cost {
    /// HTTP requests sent, retries included.
    pub requests: u32,
    /// Pages decoded.
    pub pages: u32,
    /// Retries after failed attempts.
    pub retries: u32,
    /// Wall time from start to finish, waits included.
    #[serde(serialize_with = "crate::api::lenient::whole_ms")]
    pub duration_ms: f64,
}

/// [`Cost`] as read back from storage: a number that is not a whole one is 0.
#[derive(Deserialize)]
#[serde(rename = "Cost", rename_all = "camelCase")]
struct StoredCost {
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    requests: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pages: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    retries: u32,
    #[serde(default, deserialize_with = "ms_or_zero")]
    duration_ms: f64,
}

impl From<StoredCost> for Cost {
    fn from(r: StoredCost) -> Self {
        let StoredCost { requests, pages, retries, duration_ms } = r;
        Cost { requests, pages, retries, duration_ms }
    }
}

// ---- reading back what JavaScript stored ----------------------------------------------

/// Whole milliseconds, else 0.
fn ms_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(crate::api::lenient::count::<D, u64>(d)?.map_or(0.0, |n| n as f64))
}

/// A required time in whole milliseconds.
fn required_ms<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    crate::api::lenient::count::<D, u64>(d)?.map(|n| n as f64).ok_or_else(|| serde::de::Error::custom("missing time"))
}

/// A stored list read item by item: an item that cannot be read is left out; `null`
/// is empty; a value that is not a list is an error (the value around it is not what
/// it claims to be).
fn items<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let list = Option::<Vec<serde_json::Value>>::deserialize(d)?;
    // Through the one reader API items use, so each item type's reader is compiled once.
    Ok(list.unwrap_or_default().into_iter().filter_map(|item| crate::api::decode::read_value(item, "").ok()).collect())
}



#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn received(cat: &str) -> ReceivedInvitation {
        serde_json::from_value(json!({"invitationId": "1", "invitationCategory": cat})).unwrap()
    }

    #[test]
    fn counts_per_category_with_zeroes_and_other() {
        let list = vec![received("CONNECTION"), received("CONNECTION"), received("EVENT"), received("GROUP"), received("")];
        let c = Counts::of(&[], &list);
        assert_eq!(c.received, 5);
        let by: Vec<(&str, u32)> = c.received_by_category.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            by,
            [("CONNECTION", 2), ("EVENT", 1), ("MEMBER_FOLLOW", 0), ("NEWSLETTER", 0), ("ORGANIZATION", 0), ("OTHER", 2)]
        );
        assert_eq!(c.received_in(&[]), 5);
        assert_eq!(c.received_in(&["CONNECTION".into(), "EVENT".into()]), 3);
        assert_eq!(c.received_in(&["NOPE".into()]), 0);
    }

    #[test]
    fn snapshot_round_trips_through_json() {
        let s = Snapshot {
            taken_at_ms: 1.7e12,
            sent_taken_at_ms: 1.6e12,
            account_id: Some("a".into()),
            skipped: Skipped::default(),
            counts: Counts::of(&[], &[received("NEWSLETTER")]),
            sent: vec![],
            received: vec![received("NEWSLETTER")],
            connection_count: Some(3754),
            cost: Cost { requests: 2, pages: 2, retries: 0, duration_ms: 12.0 },
            partial: PartialLists::NONE,
        };
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"receivedByCategory\""));
        assert!(text.contains("\"takenAtMs\":1700000000000"), "whole milliseconds: {text}");
        let back: Snapshot = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn category_counts_keep_key_order_like_a_map() {
        let mut c: CategoryCounts = [("OTHER".to_string(), 2), ("EVENT".to_string(), 1), ("OTHER".to_string(), 5)].into_iter().collect();
        assert_eq!(c.get("OTHER"), Some(&5), "a later count replaces an earlier one");
        c.increment("CONNECTION");
        c.increment("EVENT");
        assert_eq!(c.insert("EVENT".into(), 7), Some(2));
        assert_eq!(c.iter().map(|(k, n)| (k.as_str(), *n)).collect::<Vec<_>>(), [("CONNECTION", 1), ("EVENT", 7), ("OTHER", 5)]);
        assert_eq!((c.len(), c.contains_key("NEWSLETTER"), c.values().sum::<u32>()), (3, false, 13));
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"CONNECTION":1,"EVENT":7,"OTHER":5}"#);
        assert_eq!((&c).into_iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["CONNECTION", "EVENT", "OTHER"]);
    }
}
