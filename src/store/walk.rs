//! A sync's walks, persisted page by page so that a stopped worker goes on from the next
//! page instead of the first, and so that a page can show the rows a first sync has
//! read so far ([`super::so_far`]).
//!
//! After every page the controller writes, in one `storage.local.set`, the page's new
//! items under their own key (`walk.sent.17`: a page is a few kilobytes, so a 5,000-item
//! walk writes each item once, never the growing list) and the small header `walk`: the
//! account, the scope, when the sync started, and per list where the next page starts,
//! the pages and chunks so far. A sync of the same account and scope that starts within
//! [`MAX_AGE_MS`] goes on from there; anything else (another account, an older walk, a
//! chunk missing or unreadable) is discarded and the walk starts over. The keys are
//! removed when the sync ends.

use crate::api::client::{Partial, PageRecord, Resume};
use crate::api::decode::Skips;
use crate::api::models::{ReceivedInvitation, SentInvitation};
use crate::api::client::Scope;
use crate::store::SCHEMA;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The header's storage key.
pub const HEADER: &str = "walk";
/// A persisted walk older than this (from its sync's start) is not resumed: its first
/// pages would be too old to stand beside the new ones.
pub const MAX_AGE_MS: f64 = 60.0 * 60_000.0;

/// One list's walk so far. Read leniently: a number that is not one is 0 (`next`:
/// absent); only text of the wrong kind, or `skipped` that is not an object, makes it
/// unreadable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListWalk {
    /// Where the next page starts; `None` once the walk is over (written as `null`).
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    pub next: Option<u32>,
    /// Pages taken.
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub pages: u32,
    /// The largest page so far.
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub largest_page: u32,
    /// Chunks stored (`walk.<list>.0` … `walk.<list>.<chunks - 1>`).
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub chunks: u32,
    /// Unreadable items so far.
    #[serde(default, deserialize_with = "crate::api::lenient::or_default")]
    pub skipped: Skips,
    /// The account that served the pages.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

impl ListWalk {
    /// After a page: its record, and the chunk it is stored in.
    pub fn advance(&mut self, pages: u32, record: &PageRecord) -> u32 {
        self.next = record.next_start;
        self.pages = pages;
        self.largest_page = record.largest_page;
        self.skipped = record.skipped.clone();
        self.account_id.clone_from(&record.account_id);
        self.chunks += 1;
        self.chunks - 1
    }
}

/// The header: whose walk, of which sync, and both lists' state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// [`SCHEMA`].
    pub schema: u32,
    /// The account tag of the settings the walk was fetched with.
    pub account: String,
    /// The sync's scope.
    pub scope: &'static str,
    /// When the sync started (whole epoch ms).
    pub started_at: u64,
    /// The received invitations' walk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub received: Option<ListWalk>,
    /// The sent invitations' walk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<ListWalk>,
}

/// A header as stored, before it is checked ([`Header::read`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredHeader {
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    schema: Option<u32>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    account: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    started_at: Option<u64>,
    #[serde(default)]
    received: Option<ListWalk>,
    #[serde(default)]
    sent: Option<ListWalk>,
}

impl Header {
    /// A new walk.
    pub fn new(account: &str, scope: Scope, started_at: f64) -> Header {
        Header { schema: SCHEMA, account: account.into(), scope: scope.as_str(), started_at: started_at.max(0.0) as u64, received: None, sent: None }
    }

    /// The stored header, when it is this account's and not older than [`MAX_AGE_MS`]
    /// at `now`.
    pub fn read(raw: &Value, account: &str, now: f64) -> Option<Header> {
        if !raw.is_object() {
            return None;
        }
        let stored = crate::api::objects::read::<StoredHeader>(raw.clone()).ok()?;
        let started_at = stored.started_at.filter(|t| now - *t as f64 <= MAX_AGE_MS && *t as f64 <= now)?;
        if stored.schema != Some(SCHEMA) || stored.account.as_deref() != Some(account) {
            return None;
        }
        let scope = Scope::parse(stored.scope?.as_str())?;
        Some(Header {
            schema: SCHEMA,
            account: account.into(),
            scope: scope.as_str(),
            started_at,
            received: stored.received,
            sent: stored.sent,
        })
    }

    /// Every chunk key of this walk.
    pub fn chunk_keys(&self) -> Vec<String> {
        let mut keys = Vec::new();
        for (list, walk) in [("received", &self.received), ("sent", &self.sent)] {
            if let Some(w) = walk {
                keys.extend((0..w.chunks).map(|i| chunk_key(list, i)));
            }
        }
        keys
    }
}

/// The key of a list's `i`-th chunk.
pub fn chunk_key(list: &str, i: u32) -> String {
    format!("walk.{list}.{i}")
}

/// The chunk keys a stored header (any, even another account's) names, for removal.
pub fn stored_chunk_keys(raw: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for list in ["received", "sent"] {
        let chunks = raw.get(list).and_then(|w| w.get("chunks"));
        let chunks: u64 = chunks.and_then(|c| crate::api::lenient::count(c).ok().flatten()).unwrap_or(0);
        // A damaged header could name millions: a walk of 30,000 items has 3,000 pages.
        keys.extend((0..chunks.min(10_000) as u32).map(|i| chunk_key(list, i)));
    }
    keys
}

/// A walk's items so far, from its chunks: `None` when a chunk is not a list or holds
/// an item that cannot be read.
fn partial<I: DeserializeOwned>(walk: &ListWalk, chunks: Vec<Value>) -> Option<Partial<I>> {
    let mut items = Vec::new();
    for chunk in chunks {
        // Item by item through the one reader API items use (each type's reader once).
        let Value::Array(list) = chunk else { return None };
        for item in list {
            items.push(crate::api::decode::read_value(item, "").ok()?);
        }
    }
    Some(Partial {
        items,
        next_start: walk.next,
        pages: walk.pages,
        largest_page: walk.largest_page,
        skipped: walk.skipped.clone(),
        account_id: walk.account_id.clone(),
    })
}

/// The resume state from the header and its chunks (in [`Header::chunk_keys`] order),
/// or `None` when any chunk is missing or unreadable (the walk then starts over).
pub fn resume(header: &Header, mut chunks: Vec<Value>) -> Option<Resume> {
    let received_chunks = header.received.as_ref().map_or(0, |w| w.chunks) as usize;
    if received_chunks > chunks.len() {
        return None;
    }
    let s = chunks.split_off(received_chunks);
    let r = chunks;
    Some(Resume {
        received: match &header.received {
            Some(w) => Some(partial::<ReceivedInvitation>(w, r)?),
            None => None,
        },
        sent: match &header.sent {
            Some(w) => Some(partial::<SentInvitation>(w, s)?),
            None => None,
        },
    })
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: f64 = 1.7e12;

    fn stored(started_at: f64) -> Value {
        json!({
            "schema": SCHEMA, "account": "acc", "scope": "all", "startedAt": started_at as u64,
            "received": {"next": 10, "pages": 1, "largestPage": 10, "chunks": 1, "skipped": {"count": 0, "paths": []}},
        })
    }

    #[test]
    fn the_header_writes_what_it_reads() {
        let mut h = Header::new("acc", Scope::All, NOW);
        let record = PageRecord { next_start: None, largest_page: 7, items: "[]".into(), skipped: Skips::default(), account_id: Some("a1".into()) };
        assert_eq!(h.sent.get_or_insert_with(Default::default).advance(1, &record), 0);
        let v = serde_json::to_value(&h).unwrap();
        assert_eq!(
            v,
            json!({"schema": SCHEMA, "account": "acc", "scope": "all", "startedAt": NOW as u64,
                   "sent": {"next": null, "pages": 1, "largestPage": 7, "chunks": 1, "skipped": {"count": 0, "paths": []}, "accountId": "a1"}})
        );
        assert_eq!(Header::read(&v, "acc", NOW), Some(h.clone()));
        assert_eq!(h.chunk_keys(), ["walk.sent.0"]);
        assert_eq!(stored_chunk_keys(&v), ["walk.sent.0"]);
    }

    #[test]
    fn only_this_accounts_fresh_readable_header_is_read() {
        let h = Header::read(&stored(NOW - 1_000.0), "acc", NOW).unwrap();
        assert_eq!((h.scope, h.received.as_ref().map(|w| (w.next, w.chunks))), ("all", Some((Some(10), 1))));
        assert_eq!(Header::read(&stored(NOW - 1_000.0), "other", NOW), None);
        assert_eq!(Header::read(&stored(NOW - MAX_AGE_MS - 1.0), "acc", NOW), None, "too old");
        assert_eq!(Header::read(&stored(NOW + 1.0), "acc", NOW), None, "from the future");
        for (key, bad) in [
            ("schema", json!(SCHEMA + 1)),
            ("scope", json!("everything")),
            ("account", json!(7)),
            ("received", json!({"accountId": 5})),
            ("received", json!({"skipped": []})),
        ] {
            let mut v = stored(NOW);
            v[key] = bad.clone();
            assert_eq!(Header::read(&v, "acc", NOW), None, "{key}: {bad}");
        }
        assert_eq!(Header::read(&json!([SCHEMA, "acc", "all", NOW as u64]), "acc", NOW), None, "not an object");
        // Loose numbers are 0 (or no next page), not a reason to drop the walk.
        let mut v = stored(NOW);
        v["received"] = json!({"next": "x", "pages": -1, "chunks": "3", "skipped": null});
        let w = Header::read(&v, "acc", NOW).unwrap().received.unwrap();
        assert_eq!((w.next, w.pages, w.chunks, w.skipped), (None, 0, 3, Skips::default()));
    }

    #[test]
    fn stored_chunk_keys_are_capped_and_lenient() {
        let keys = stored_chunk_keys(&json!({"received": {"chunks": "2"}, "sent": {"chunks": 1e9}}));
        assert_eq!(keys.len(), 2 + 10_000);
        assert!(stored_chunk_keys(&json!("garbage")).is_empty());
        assert!(stored_chunk_keys(&json!({"sent": {"chunks": -3}})).is_empty());
    }

    #[test]
    fn a_chunk_with_an_unreadable_item_discards_the_walk() {
        let mut h = Header::new("acc", Scope::All, NOW);
        h.received = Some(ListWalk { next: Some(20), pages: 2, largest_page: 10, chunks: 2, ..ListWalk::default() });
        let good = [json!([{"invitationId": "1"}]), json!([{"invitationId": 2}])];
        let r = resume(&h, good.to_vec()).unwrap();
        let ids: Vec<String> = r.received.unwrap().items.into_iter().map(|i| i.invitation_id).collect();
        assert_eq!(ids, ["1", "2"]);
        assert!(r.sent.is_none());
        assert!(resume(&h, vec![json!([{"invitationId": "1"}]), json!([{"invitationId": true}])]).is_none());
        assert!(resume(&h, vec![json!([{"invitationId": "1"}]), json!({"invitationId": "2"})]).is_none());
        assert!(resume(&h, vec![json!([])]).is_none(), "a chunk missing");
    }
}
