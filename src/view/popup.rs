//! The popup's three lists while it is open ([`Views`]), and its first screen: what
//! it stores to show at once on the next open ([`FirstScreen`]).

use super::list::ListView;
use super::rows::Row;
use super::search::ViewQuery;
use crate::api::sync::{Snapshot, Summary};
use serde::Serialize;
use tsify::Tsify;

/// The popup's three lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum ListName {
    /// Sent invitations (from the snapshot).
    Sent,
    /// Received invitations (from the snapshot).
    Received,
    /// Connections (loaded page by page while the popup is open).
    Connections,
}

impl ListName {
    /// `"sent"`, `"received"` or `"connections"`.
    pub fn parse(name: &str) -> Option<ListName> {
        match name {
            "sent" => Some(ListName::Sent),
            "received" => Some(ListName::Received),
            "connections" => Some(ListName::Connections),
            _ => None,
        }
    }
}

/// How many rows a [`FirstScreen`] holds: more than a tall side panel shows at once.
pub const FIRST_SCREEN_ROWS: usize = 40;

/// What the popup shows before the stored snapshot is read: the snapshot's [`Summary`]
/// and the first rows of the Sent list as the popup opens it
/// ([`ViewQuery::opening`]). While a first sync reads a list, its summary says which
/// lists are partial, and its rows and counts are those read so far.
///
/// Why: `storage.local` hands a 5,000-invitation snapshot (2.3 MB of JSON) to a page in
/// 120–260 ms, which is most of the time to first rows. The popup stores this small
/// value (about 15 KB) whenever what it would show first changes, and on the next open
/// shows it at once, then the whole snapshot. If a background sync changed the
/// snapshot since, the first screen is the previous data, with its own "updated …"
/// time, for the moment it takes to read the new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstScreen {
    /// The snapshot without its lists.
    pub summary: Summary,
    /// The first rows of the Sent list, at most [`FIRST_SCREEN_ROWS`].
    pub rows: Vec<Row>,
}

/// What to do with the stored first screen after the popup read the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum FirstScreenWrite {
    /// It shows what the popup would show first: leave it.
    Keep,
    /// Store this one instead.
    Store(FirstScreen),
    /// There is no snapshot of this account: remove it.
    Remove,
}

/// The popup's lists, held in WebAssembly memory while it is open, and the bookkeeping
/// of its stored first screen ([`FirstScreen`]).
#[derive(Debug, Clone)]
pub struct Views {
    sent: ListView,
    received: ListView,
    connections: ListView,
    /// The first screen as stored, when it is this account's (read or written last).
    stored: Option<FirstScreen>,
    /// A first screen is stored that is not this account's or cannot be read.
    stored_other: bool,
}

impl Views {
    /// Three empty lists; Sent in its opening order ([`ViewQuery::opening`]).
    pub fn new() -> Self {
        let mut sent = ListView::new();
        sent.set_query(ViewQuery::opening());
        Views { sent, received: ListView::new(), connections: ListView::new(), stored: None, stored_other: false }
    }

    /// One list.
    pub fn list(&self, name: ListName) -> &ListView {
        match name {
            ListName::Sent => &self.sent,
            ListName::Received => &self.received,
            ListName::Connections => &self.connections,
        }
    }

    /// One list, to change.
    pub fn list_mut(&mut self, name: ListName) -> &mut ListView {
        match name {
            ListName::Sent => &mut self.sent,
            ListName::Received => &mut self.received,
            ListName::Connections => &mut self.connections,
        }
    }

    /// A stored first screen (`first`, already read for this account; `stored` says
    /// whether anything is stored at all): the Sent list shows its rows until
    /// [`Views::load_snapshot`]; returns its summary.
    pub fn show_first_screen(&mut self, first: Option<FirstScreen>, stored: bool) -> Option<Summary> {
        self.stored_other = stored && first.is_none();
        let first = first?;
        if !self.sent.is_primed() && self.sent.total() > 0 {
            // The whole list is already there.
            self.stored = Some(first);
            return None;
        }
        let summary = first.summary.clone();
        self.sent.prime(first.rows.clone(), first.summary.counts.sent as usize);
        self.stored = Some(first);
        Some(summary)
    }

    /// This account's snapshot (or none) into the Sent and Received lists, each under
    /// its current query. Returns the snapshot's summary and what to do with the stored
    /// first screen.
    pub fn load_snapshot(&mut self, snapshot: Option<&Snapshot>) -> (Option<Summary>, FirstScreenWrite) {
        let Some(snapshot) = snapshot else {
            self.sent.set_rows(Vec::new());
            self.received.set_rows(Vec::new());
            let write = if self.stored.take().is_some() || self.stored_other { FirstScreenWrite::Remove } else { FirstScreenWrite::Keep };
            self.stored_other = false;
            return (None, write);
        };
        // A partial list's rows (a first sync still reading it) offer no action: a run
        // acts on the stored lists, and the export waits for the whole list too.
        let rows = |partial: bool, row: Row| Row { actionable: row.actionable && !partial, ..row };
        self.sent.set_rows(snapshot.sent.iter().map(|i| rows(snapshot.partial.sent, Row::from(i))).collect());
        self.received.set_rows(snapshot.received.iter().map(|i| rows(snapshot.partial.received, Row::from(i))).collect());
        let summary = snapshot.summary();
        let (_, rows) = self.sent.first_rows(&ViewQuery::opening(), FIRST_SCREEN_ROWS);
        let first = FirstScreen { summary: summary.clone(), rows };
        let write = if self.stored.as_ref() == Some(&first) {
            FirstScreenWrite::Keep
        } else {
            self.stored = Some(first.clone());
            FirstScreenWrite::Store(first)
        };
        self.stored_other = false;
        (Some(summary), write)
    }
}

impl Default for Views {
    fn default() -> Self {
        Views::new()
    }
}
