//! What the popup and side panel show of a list that a first sync is still reading:
//! the stored snapshot's complete lists, plus the rows read so far of a list no
//! complete one is stored of yet.
//!
//! The rows so far are the walk's own pages (`walk.sent.17`, see [`super::walk`]),
//! written once each as the walk goes: nothing is written twice for them. The snapshot
//! a first sync stores once its received invitations are in ([`received_first`]) holds
//! those and marks the sent list partial ([`PartialLists`]), with no rows; a page reads
//! the walk's pages beside it ([`SoFar`]). Before that snapshot (the received walk
//! itself, or a stopped worker's walk) there is no snapshot at all, and both lists are
//! the walk's. A stored complete list is never mixed with a walk: a later refresh keeps
//! showing it until the new one is complete (and stored). Only this account's walk,
//! and one a sync would still resume ([`Header::read`]), is read.
//!
//! Why not a growing snapshot written after every page: at 5,000 sent (500 pages) the
//! pages are written once, about 2.3 MB in all, where a snapshot rewritten per page
//! writes the sum of its sizes, about 580 MB, and every open popup reads each one.

use super::walk::{chunk_key, Header, ListWalk, HEADER};
use crate::api::client::Collected;
use crate::api::models::ReceivedInvitation;
use crate::api::sync::{Cost, Counts, PartialLists, Skipped, Snapshot};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The snapshot a first sync stores once its received invitations are in, at `now_ms`:
/// those, complete, and the sent list partial (its rows so far are the walk's pages).
pub fn received_first(received: &Collected<ReceivedInvitation>, now_ms: f64) -> Snapshot {
    Snapshot {
        taken_at_ms: now_ms,
        sent_taken_at_ms: now_ms,
        account_id: received.account_id.clone(),
        skipped: Skipped { sent: Default::default(), received: received.skipped.clone() },
        counts: Counts::of(&[], &received.items),
        sent: Vec::new(),
        received: received.items.clone(),
        connection_count: None,
        cost: Cost::default(),
        partial: PartialLists { sent: true, received: false },
    }
}

/// How many pages of which walk each partial list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Taken {
    started_at: u64,
    received: u32,
    sent: u32,
}

/// What a page shows of this account's stored lists while a first sync reads them:
/// [`SoFar::load`] the stored snapshot, then ask [`SoFar::keys`] what to read of the
/// walk and hand it to [`SoFar::add`], as often as the walk's header changes.
#[derive(Debug, Clone, Default)]
pub struct SoFar {
    /// The snapshot as shown: the stored one (or, without one, an empty one of the
    /// walk), its partial lists holding the rows so far.
    shown: Option<Snapshot>,
    /// The walk those rows come from, and how many of its pages each list holds.
    taken: Option<Taken>,
}

impl SoFar {
    /// Nothing shown.
    pub fn new() -> Self {
        Self::default()
    }

    /// This account's stored snapshot (read, or `None`) and the stored walk header
    /// (raw), as read at `now_ms`. Without a snapshot, this account's walk stands for
    /// one: both its lists partial, taken when the walk started. The rows so far come
    /// with [`SoFar::add`].
    pub fn load(&mut self, snapshot: Option<Snapshot>, header: &Value, account: &str, now_ms: f64) {
        self.taken = None;
        self.shown = match snapshot {
            Some(mut s) => {
                // A partial list's rows are the walk's, whatever the snapshot holds.
                clear(&mut s);
                Some(s)
            }
            None => Header::read(header, account, now_ms).map(|h| {
                let at = h.started_at as f64;
                Snapshot {
                    taken_at_ms: at,
                    sent_taken_at_ms: at,
                    account_id: None,
                    skipped: Skipped::default(),
                    counts: Counts::of(&[], &[]),
                    sent: Vec::new(),
                    received: Vec::new(),
                    connection_count: None,
                    cost: Cost::default(),
                    partial: PartialLists { received: true, sent: h.scope == crate::api::client::Scope::All.as_str() },
                }
            }),
        };
    }

    /// What is shown: `None` when nothing of this account is stored.
    pub fn shown(&self) -> Option<&Snapshot> {
        self.shown.as_ref()
    }

    /// Whether a list shown is partial.
    pub fn is_partial(&self) -> bool {
        self.shown.as_ref().is_some_and(|s| !s.partial.is_none())
    }

    /// What is shown, by value: for a complete snapshot, which need not be held here.
    pub fn take(&mut self) -> Option<Snapshot> {
        self.taken = None;
        self.shown.take()
    }

    /// The storage keys to read next, given the stored walk header (raw): the header
    /// and the pages the partial lists do not hold yet; nothing when no list is partial.
    pub fn keys(&self, header: &Value, account: &str, now_ms: f64) -> Vec<String> {
        let Some(shown) = self.shown.as_ref().filter(|s| !s.partial.is_none()) else { return Vec::new() };
        let mut keys = vec![HEADER.to_string()];
        let Some(h) = Header::read(header, account, now_ms) else { return keys };
        let taken = self.taken.filter(|t| t.started_at == h.started_at);
        let lists = [
            ("received", shown.partial.received, &h.received, taken.map_or(0, |t| t.received)),
            ("sent", shown.partial.sent, &h.sent, taken.map_or(0, |t| t.sent)),
        ];
        for (list, partial, walk, from) in lists {
            if let (true, Some(w)) = (partial, walk) {
                keys.extend((from..w.chunks.min(from.saturating_add(MAX_PAGES))).map(|i| chunk_key(list, i)));
            }
        }
        keys
    }

    /// The stored values [`SoFar::keys`] named (raw: an object of key → value, as
    /// `storage.local.get` gives them), read at `now_ms`: each partial list takes the
    /// pages it does not hold yet, in order, up to the first one missing. Without this account's walk
    /// (the sync ended, failed for good, or another account's runs) the rows so far go.
    /// Returns whether what is shown changed.
    pub fn add(&mut self, stored: &Value, account: &str, now_ms: f64) -> bool {
        let Some(shown) = self.shown.as_mut().filter(|s| !s.partial.is_none()) else { return false };
        let header = stored.get(HEADER).and_then(|h| Header::read(h, account, now_ms));
        let Some(h) = header else {
            if self.taken.take().is_none() {
                return false;
            }
            clear(shown);
            return true;
        };
        let mut changed = false;
        let mut taken = match self.taken {
            Some(t) if t.started_at == h.started_at => t,
            Some(_) => {
                // Another walk: the rows of the last one go.
                clear(shown);
                changed = true;
                Taken { started_at: h.started_at, received: 0, sent: 0 }
            }
            None => Taken { started_at: h.started_at, received: 0, sent: 0 },
        };
        if shown.partial.received {
            if let Some(w) = &h.received {
                changed |= take_pages(&mut shown.received, &mut taken.received, "received", w, stored);
                shown.skipped.received.clone_from(&w.skipped);
            }
        }
        if shown.partial.sent {
            if let Some(w) = &h.sent {
                changed |= take_pages(&mut shown.sent, &mut taken.sent, "sent", w, stored);
                shown.skipped.sent.clone_from(&w.skipped);
            }
        }
        if shown.account_id.is_none() {
            shown.account_id = h.received.as_ref().and_then(|w| w.account_id.clone()).or_else(|| h.sent.as_ref().and_then(|w| w.account_id.clone()));
        }
        shown.counts = Counts::of(&shown.sent, &shown.received);
        self.taken = Some(taken);
        changed
    }
}

/// The most pages read at once (a damaged header could name millions; a walk of
/// 30,000 items has 3,000 pages).
const MAX_PAGES: u32 = 10_000;

/// Empties the partial lists of `s` (their rows are the walk's) and recounts.
fn clear(s: &mut Snapshot) {
    let partial = s.partial;
    if partial.sent {
        s.sent.clear();
        s.skipped.sent = Default::default();
    }
    if partial.received {
        s.received.clear();
        s.skipped.received = Default::default();
    }
    s.counts = Counts::of(&s.sent, &s.received);
}

/// Appends the pages of `list` from `*taken` on, in order, up to the first one missing
/// from `stored` (an item that cannot be read is left out); returns whether any was
/// added. The list stays partial even once its walk is over: it is complete when the
/// sync stores it (with its status), so a final count never comes before the sync ends.
fn take_pages<I: DeserializeOwned>(items: &mut Vec<I>, taken: &mut u32, list: &str, walk: &ListWalk, stored: &Value) -> bool {
    let mut added = false;
    while *taken < walk.chunks {
        let Some(Value::Array(page)) = stored.get(chunk_key(list, *taken)) else { break };
        items.extend(page.iter().filter(|i| i.is_object()).filter_map(|i| crate::api::decode::read_value(i.clone(), "").ok()));
        *taken += 1;
        added = true;
    }
    added
}

#[cfg(test)]
mod tests;
