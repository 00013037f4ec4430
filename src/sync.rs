//! The snapshot a sync produces, and the counts derived from its lists.

use crate::models::{Category, ReceivedInvitation, SentInvitation};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Everything pending, as of one sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// When the sync finished, in epoch milliseconds.
    pub taken_at_ms: f64,
    /// The account that served the lists, if the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Counts of the lists below.
    pub counts: Counts,
    /// Pending sent invitations, in server order.
    pub sent: Vec<SentInvitation>,
    /// Pending received invitations, in server order.
    pub received: Vec<ReceivedInvitation>,
    /// The exact number of connections (`GET /analytics/connections/count`, newer API
    /// edition), when the server gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_count: Option<u64>,
    /// What the sync cost.
    pub cost: Cost,
}

/// Counts of a snapshot's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// Pending sent invitations.
    pub sent: u32,
    /// Pending received invitations, all categories.
    pub received: u32,
    /// Pending received invitations per category: the five documented ones always
    /// (`CONNECTION`, `ORGANIZATION`, `NEWSLETTER`, `EVENT`, `MEMBER_FOLLOW`), plus
    /// `OTHER` for unknown or missing categories when there are any.
    pub received_by_category: BTreeMap<String, u32>,
}

/// The key under which unknown and missing categories are counted.
pub const OTHER_CATEGORY: &str = "OTHER";

impl Counts {
    /// Counts the two lists.
    pub fn of(sent: &[SentInvitation], received: &[ReceivedInvitation]) -> Counts {
        // Inserted one by one: collecting into a map would compile in a sort.
        let mut by = BTreeMap::new();
        for c in Category::KNOWN {
            by.insert(c.as_str().to_string(), 0);
        }
        for inv in received {
            let key = match &inv.invitation_category {
                Category::Other(_) | Category::Missing => OTHER_CATEGORY,
                c => c.as_str(),
            };
            *by.entry(key.to_string()).or_default() += 1;
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
        let mut seen = BTreeSet::new();
        categories
            .iter()
            .filter(|c| seen.insert(c.as_str()))
            .filter_map(|c| self.received_by_category.get(c))
            .fold(0, |sum: u32, n| sum.saturating_add(*n))
    }
}

/// What one sync cost.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
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
            account_id: Some("a".into()),
            counts: Counts::of(&[], &[received("NEWSLETTER")]),
            sent: vec![],
            received: vec![received("NEWSLETTER")],
            connection_count: Some(3754),
            cost: Cost { requests: 2, pages: 2, retries: 0, duration_ms: 12.5 },
        };
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"receivedByCategory\""));
        let back: Snapshot = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
    }
}
