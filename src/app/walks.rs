//! A sync's walks, persisted page by page so that a stopped worker goes on from the next
//! page instead of the first.
//!
//! After every page the controller writes, in one `storage.local.set`, the page's new
//! items under their own key (`walk.sent.17`: a page is a few kilobytes, so a 5,000-item
//! walk writes each item once, never the growing list) and the small header `walk`: the
//! account, the scope, when the sync started, and per list where the next page starts,
//! the pages and chunks so far. A sync of the same account and scope that starts within
//! [`MAX_AGE_MS`] goes on from there; anything else (another account, an older walk, a
//! chunk missing or unreadable) is discarded and the walk starts over. The keys are
//! removed when the sync ends.

use crate::client::{Partial, PageRecord, Resume};
use crate::decode::{read_json_items as read_items, Skips};
use crate::json::{FromJson, Json, Obj, Path};
use crate::models::{ReceivedInvitation, SentInvitation};
use crate::refresh::Scope;
use crate::store::SCHEMA;
use crate::json::{JsonObject, ToJson};

/// The header's storage key.
pub const HEADER: &str = "walk";
/// A persisted walk older than this (from its sync's start) is not resumed: its first
/// pages would be too old to stand beside the new ones.
pub const MAX_AGE_MS: f64 = 60.0 * 60_000.0;

/// One list's walk so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListWalk {
    /// Where the next page starts; `None` once the walk is over.
    pub next: Option<u32>,
    /// Pages taken.
    pub pages: u32,
    /// The largest page so far.
    pub largest_page: u32,
    /// Chunks stored (`walk.<list>.0` … `walk.<list>.<chunks - 1>`).
    pub chunks: u32,
    /// Unreadable items so far.
    pub skipped: Skips,
    /// The account that served the pages.
    pub account_id: Option<String>,
}

impl FromJson for ListWalk {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, crate::json::ReadError> {
        let o = Obj::new(value, path)?;
        let n = |k: &str| o.count(k).and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
        Ok(ListWalk {
            next: o.count("next").and_then(|n| u32::try_from(n).ok()),
            pages: n("pages"),
            largest_page: n("largestPage"),
            chunks: n("chunks"),
            skipped: o.nested("skipped")?.unwrap_or_default(),
            account_id: o.text("accountId")?,
        })
    }
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
#[derive(Debug, Clone, PartialEq)]
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
    pub received: Option<ListWalk>,
    /// The sent invitations' walk.
    pub sent: Option<ListWalk>,
}

impl Header {
    /// A new walk.
    pub fn new(account: &str, scope: Scope, started_at: f64) -> Header {
        Header { schema: SCHEMA, account: account.into(), scope: scope.as_str(), started_at: started_at.max(0.0) as u64, received: None, sent: None }
    }

    /// The stored header, when it is this account's and not older than [`MAX_AGE_MS`]
    /// at `now`.
    pub fn read(raw: &Json, account: &str, now: f64) -> Option<Header> {
        let o = Obj::new(raw, &Path::Root).ok()?;
        let fresh = o.count("startedAt").filter(|t| now - *t as f64 <= MAX_AGE_MS && *t as f64 <= now)?;
        if o.count("schema") != Some(u64::from(SCHEMA)) || o.text("account").ok()?.as_deref() != Some(account) {
            return None;
        }
        let scope = Scope::parse(o.text("scope").ok()??.as_str())?;
        Some(Header {
            schema: SCHEMA,
            account: account.into(),
            scope: scope.as_str(),
            started_at: fresh,
            received: o.nested("received").ok()?,
            sent: o.nested("sent").ok()?,
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
    ["walk.", list, ".", &crate::json::decimal(u64::from(i))].concat()
}

/// The chunk keys a stored header (any, even another account's) names, for removal.
pub fn stored_chunk_keys(raw: &Json) -> Vec<String> {
    let mut keys = Vec::new();
    for list in ["received", "sent"] {
        let chunks = raw.get(list).and_then(|w| w.get("chunks")).and_then(Json::as_u64).unwrap_or(0);
        // A damaged header could name millions: a walk of 30,000 items has 3,000 pages.
        keys.extend((0..chunks.min(10_000) as u32).map(|i| chunk_key(list, i)));
    }
    keys
}

fn partial<I: FromJson>(walk: &ListWalk, chunks: &[Json]) -> Option<Partial<I>> {
    let mut items = Vec::new();
    for chunk in chunks {
        let Json::Arr(list) = chunk else { return None };
        let (read, skipped) = read_items::<I>(list, &Path::Root);
        if !skipped.is_empty() {
            return None;
        }
        items.extend(read);
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
pub fn resume(header: &Header, chunks: &[Json]) -> Option<Resume> {
    let received_chunks = header.received.as_ref().map_or(0, |w| w.chunks) as usize;
    let (r, s) = (chunks.get(..received_chunks)?, chunks.get(received_chunks..)?);
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

// ---- JSON for JavaScript and storage (json::ToJson) ----

impl ToJson for ListWalk {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("next", &self.next);
        o.field("pages", &self.pages);
        o.field("largestPage", &self.largest_page);
        o.field("chunks", &self.chunks);
        o.field("skipped", &self.skipped);
        o.opt("accountId", &self.account_id);
        o.end();
    }
}

impl ToJson for Header {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("schema", &self.schema);
        o.field("account", &self.account);
        o.field("scope", &self.scope);
        o.field("startedAt", &self.started_at);
        o.opt("received", &self.received);
        o.opt("sent", &self.sent);
        o.end();
    }
}
