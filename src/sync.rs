//! The snapshot a sync produces, and the counts derived from its lists.

use crate::decode::Skips;
use crate::json::{whole_ms, FromJson, Json, JsonObject, Obj, Path, ReadError, ToJson};
use crate::models::{Category, ReceivedInvitation, SentInvitation};

/// Everything pending, as of one sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// When the sync finished, in epoch milliseconds (the received invitations are
    /// this fresh).
    pub taken_at_ms: f64,
    /// When the sent invitations were fetched (a sync of the received ones only keeps
    /// the sent list of the one before).
    pub sent_taken_at_ms: f64,
    /// The account that served the lists, if the server said.
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
    pub connection_count: Option<u64>,
    /// What the sync cost.
    pub cost: Cost,
}

/// A snapshot without its lists (and its cost): what the popup shows above the lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// When the sync finished, in epoch milliseconds.
    pub taken_at_ms: f64,
    /// The account that served the lists, if the server said.
    pub account_id: Option<String>,
    /// Items the API sent that could not be read, per list.
    pub skipped: Skipped,
    /// Counts of the snapshot's lists.
    pub counts: Counts,
    /// The exact number of connections, when the server gave one.
    pub connection_count: Option<u64>,
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
        }
    }
}

/// Items of each list that could not be read (and were left out of the counts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Sent invitations.
    pub sent: Skips,
    /// Received invitations.
    pub received: Skips,
}

/// Counts of a snapshot's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// Pending sent invitations.
    pub sent: u32,
    /// Pending received invitations, all categories.
    pub received: u32,
    /// Pending received invitations per category: the five documented ones always
    /// (`CONNECTION`, `ORGANIZATION`, `NEWSLETTER`, `EVENT`, `MEMBER_FOLLOW`), plus
    /// `OTHER` for unknown or missing categories when there are any.
    pub received_by_category: CategoryCounts,
}

/// Counts per category key, in key order: a sorted list with the few map methods the
/// crate needs. (A `BTreeMap<String, u32>` would compile a B-tree into the WebAssembly
/// for the six keys it ever holds.)
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

impl ToJson for CategoryCounts {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        for (k, n) in &self.0 {
            o.field(k, n);
        }
        o.end();
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

/// What one sync cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// HTTP requests sent, retries included.
    pub requests: u32,
    /// Pages decoded.
    pub pages: u32,
    /// Retries after failed attempts.
    pub retries: u32,
    /// Wall time from start to finish, waits included.
    pub duration_ms: f64,
}

// ---- writing for JavaScript (milliseconds as whole numbers) -------------------------

impl Snapshot {
    /// The snapshot's members, into an object that may hold others too
    /// ([`crate::store::Stamped`]).
    pub(crate) fn write_members(&self, o: &mut JsonObject<'_>) {
        o.field("takenAtMs", &whole_ms(self.taken_at_ms));
        o.field("sentTakenAtMs", &whole_ms(self.sent_taken_at_ms));
        o.opt("accountId", &self.account_id);
        o.field("skipped", &self.skipped);
        o.field("counts", &self.counts);
        o.field("sent", &self.sent);
        o.field("received", &self.received);
        o.opt("connectionCount", &self.connection_count);
        o.field("cost", &self.cost);
    }
}

impl ToJson for Snapshot {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        self.write_members(&mut o);
        o.end();
    }
}

impl ToJson for Summary {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("takenAtMs", &whole_ms(self.taken_at_ms));
        o.opt("accountId", &self.account_id);
        o.field("skipped", &self.skipped);
        o.field("counts", &self.counts);
        o.opt("connectionCount", &self.connection_count);
        o.end();
    }
}

impl ToJson for Skipped {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("sent", &self.sent);
        o.field("received", &self.received);
        o.end();
    }
}

impl ToJson for Counts {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("sent", &self.sent);
        o.field("received", &self.received);
        o.field("receivedByCategory", &self.received_by_category);
        o.end();
    }
}

impl ToJson for Cost {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("requests", &self.requests);
        o.field("pages", &self.pages);
        o.field("retries", &self.retries);
        o.field("durationMs", &whole_ms(self.duration_ms));
        o.end();
    }
}

// ---- reading back what JavaScript stored ----------------------------------------------

fn ms(o: &Obj<'_>, key: &str) -> f64 {
    o.count(key).map_or(0.0, |n| n as f64)
}

fn small(o: &Obj<'_>, key: &str) -> u32 {
    o.count(key).and_then(|n| u32::try_from(n).ok()).unwrap_or(0)
}

impl FromJson for Counts {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        let mut by = CategoryCounts::new();
        if let Some(Json::Obj(members)) = o.get("receivedByCategory") {
            for (k, v) in members {
                if let Some(n) = v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    by.insert(k.clone(), n);
                }
            }
        }
        Ok(Counts { sent: small(&o, "sent"), received: small(&o, "received"), received_by_category: by })
    }
}

impl FromJson for Cost {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        Ok(Cost {
            requests: small(&o, "requests"),
            pages: small(&o, "pages"),
            retries: small(&o, "retries"),
            duration_ms: ms(&o, "durationMs"),
        })
    }
}

impl FromJson for Skipped {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        Ok(Skipped {
            sent: o.nested("sent").ok().flatten().unwrap_or_default(),
            received: o.nested("received").ok().flatten().unwrap_or_default(),
        })
    }
}

impl FromJson for Summary {
    /// A stored summary (see [`crate::store::read_first_screen`]). Unlike a snapshot's,
    /// its counts are read as stored: there are no lists to count.
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        if o.count("takenAtMs").is_none() {
            return Err(ReadError { path: Path::Key(path, "takenAtMs").render(), message: "missing time".into() });
        }
        Ok(Summary {
            taken_at_ms: ms(&o, "takenAtMs"),
            account_id: o.text("accountId").ok().flatten(),
            skipped: o.nested("skipped").ok().flatten().unwrap_or_default(),
            counts: o.nested("counts")?.ok_or_else(|| ReadError { path: Path::Key(path, "counts").render(), message: "missing counts".into() })?,
            connection_count: o.count("connectionCount"),
        })
    }
}

impl FromJson for Snapshot {
    /// A stored snapshot. Its lists are read item by item (an unreadable item is left
    /// out) and its counts are recomputed from them, so stored counts can never
    /// disagree with the stored lists.
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        let list = |key: &str| match o.get(key) {
            Some(Json::Arr(items)) => Ok(items.as_slice()),
            Some(other) => Err(ReadError::expected(&Path::Key(path, key), "a list", other)),
            None => Ok(&[][..]),
        };
        // A snapshot has a time; without one this is not a snapshot.
        if o.count("takenAtMs").is_none() {
            return Err(ReadError { path: Path::Key(path, "takenAtMs").render(), message: "missing time".into() });
        }
        let (sent, _) = crate::decode::read_json_items::<SentInvitation>(list("sent")?, &Path::Key(path, "sent"));
        let (received, _) = crate::decode::read_json_items::<ReceivedInvitation>(list("received")?, &Path::Key(path, "received"));
        let taken_at_ms = ms(&o, "takenAtMs");
        Ok(Snapshot {
            taken_at_ms,
            sent_taken_at_ms: o.count("sentTakenAtMs").map_or(taken_at_ms, |n| n as f64),
            account_id: o.text("accountId").ok().flatten(),
            skipped: o.nested("skipped").ok().flatten().unwrap_or_default(),
            counts: Counts::of(&sent, &received),
            sent,
            received,
            connection_count: o.count("connectionCount"),
            cost: o.nested("cost").ok().flatten().unwrap_or(Cost { requests: 0, pages: 0, retries: 0, duration_ms: 0.0 }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn received(cat: &str) -> ReceivedInvitation {
        let v = crate::json::parse(&json!({"invitationId": "1", "invitationCategory": cat}).to_string()).unwrap();
        ReceivedInvitation::from_json(&v, &Path::Root).unwrap()
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
        };
        let text = s.to_json();
        assert!(text.contains("\"receivedByCategory\""));
        assert!(text.contains("\"takenAtMs\":1700000000000"), "whole milliseconds: {text}");
        let back = Snapshot::from_json(&crate::json::parse(&text).unwrap(), &Path::Root).unwrap();
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
        assert_eq!(c.to_json(), r#"{"CONNECTION":1,"EVENT":7,"OTHER":5}"#);
        assert_eq!((&c).into_iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["CONNECTION", "EVENT", "OTHER"]);
    }
}
