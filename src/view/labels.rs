//! Short texts around the lists: the toolbar badge's number, a tab's count ("1,230 so
//! far"), what an error's message says is on screen, and how fresh a snapshot is
//! ("updated 5 min ago").

use crate::api::sync::Counts;
use serde::Serialize;
use tsify::Tsify;

/// The toolbar badge for the received invitations in `categories` (all when empty):
/// `""` for none, the number up to 99, `"99+"` above.
pub fn badge_text(counts: &Counts, categories: &[String]) -> String {
    match counts.received_in(categories) {
        0 => String::new(),
        n if n > 99 => "99+".into(),
        n => n.to_string(),
    }
}

/// A list's count as its tab (and the popup's stored first screen) shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct TabCount {
    /// The number.
    pub n: u32,
    /// The list is partial: the number is the rows read so far ("1,230 so far"), never
    /// one that looks final.
    pub so_far: bool,
}

/// The count a tab shows for a list of `n` rows, partial or not: a partial list with no
/// rows yet shows no number (never a 0 that looks like "none pending").
pub fn tab_count(n: u32, partial: bool) -> Option<TabCount> {
    (n > 0 || !partial).then_some(TabCount { n, so_far: partial })
}

/// How old data is, in the coarsest unit that fits, for "updated 5 min ago" labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
pub struct Freshness {
    /// `now`, `minutes`, `hours` or `days`.
    pub unit: &'static str,
    /// How many of the unit.
    pub n: u32,
}

/// The age of data taken at `taken_at_ms`, seen at `now_ms`.
pub fn freshness(taken_at_ms: f64, now_ms: f64) -> Freshness {
    let mins = ((now_ms - taken_at_ms) / 60_000.0).max(0.0) as u32;
    match mins {
        0 => Freshness { unit: "now", n: 0 },
        1..=59 => Freshness { unit: "minutes", n: mins },
        60..=1439 => Freshness { unit: "hours", n: mins / 60 },
        _ => Freshness { unit: "days", n: mins / 1440 },
    }
}

/// What a page says is on screen after an error's own words, so that the two read as
/// one message that fits what is there ([`error_note`]); the page words each code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub enum Shown {
    /// The lists of the last sync ("Showing saved data.").
    Saved,
    /// The rows a first sync had read ("Showing what was read so far.").
    SoFar,
    /// Nothing of this list is saved yet.
    NothingSaved,
    /// No connection is loaded (connections are never saved).
    NoConnections,
    /// The connections loaded before the error.
    Connections,
}

/// The error a page's banner shows, and what it says is on screen beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
pub struct ErrorNote {
    /// Whose error: `sync` (the stored status's) or `connections` (the last page of
    /// connections asked for).
    #[tsify(type = r#""sync" | "connections""#)]
    pub of: &'static str,
    /// What is on screen; absent when the error's words say all (no key yet) or what
    /// is on screen is not what failed (the saved invitations, seen from the
    /// Connections tab).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown: Option<Shown>,
}

/// Where an error is seen: the tab, the sync's error kind (when its status is an
/// error), whether the last page of connections failed, whether a snapshot of this
/// account is shown and the tab's list is partial, and how many connections are
/// loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorScene<'a> {
    /// The tab shown.
    pub tab: super::ListName,
    /// The stored status's error kind, when the last sync failed.
    pub sync_error: Option<&'a str>,
    /// The last page of connections asked for failed.
    pub connections_failed: bool,
    /// A snapshot of this account is shown.
    pub saved: bool,
    /// The tab's list is partial (a first sync was reading it).
    pub partial: bool,
    /// Connections loaded.
    pub connections_loaded: u32,
}

/// The banner's error on a tab: on the Connections tab the connections' own error
/// (with what is loaded: none is ever saved), else the sync's, without a word about
/// saved data there; on the invitation tabs the sync's, with what the list shows: the
/// saved list, the rows a first sync read, or nothing yet. `None`: no error to show.
pub fn error_note(scene: &ErrorScene<'_>) -> Option<ErrorNote> {
    if scene.tab == super::ListName::Connections {
        if scene.connections_failed {
            let shown = if scene.connections_loaded == 0 { Shown::NoConnections } else { Shown::Connections };
            return Some(ErrorNote { of: "connections", shown: Some(shown) });
        }
        return scene.sync_error.map(|_| ErrorNote { of: "sync", shown: None });
    }
    let kind = scene.sync_error?;
    let shown = match (kind, scene.saved, scene.partial) {
        ("no_key", _, _) => None,
        (_, false, _) => Some(Shown::NothingSaved),
        (_, true, true) => Some(Shown::SoFar),
        (_, true, false) => Some(Shown::Saved),
    };
    Some(ErrorNote { of: "sync", shown })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::ListName;

    #[test]
    fn a_tabs_count_is_so_far_while_partial_and_never_a_partial_zero() {
        assert_eq!(tab_count(0, false), Some(TabCount { n: 0, so_far: false }), "a complete empty list says 0");
        assert_eq!(tab_count(0, true), None, "a partial list with no rows yet shows no number");
        assert_eq!(tab_count(1_230, true), Some(TabCount { n: 1_230, so_far: true }));
        assert_eq!(serde_json::to_value(tab_count(7, true)).unwrap(), serde_json::json!({"n": 7, "soFar": true}));
    }

    #[test]
    fn an_error_reads_as_one_message_with_what_is_there() {
        let scene = ErrorScene {
            tab: ListName::Connections,
            sync_error: Some("network"),
            connections_failed: true,
            saved: true,
            partial: false,
            connections_loaded: 0,
        };
        let note = |s: ErrorScene<'_>| error_note(&s).map(|n| (n.of, n.shown));
        // Offline on the Connections tab: its own error, and that none is loaded (never
        // "saved data": connections are not saved), said once.
        assert_eq!(note(scene), Some(("connections", Some(Shown::NoConnections))));
        assert_eq!(note(ErrorScene { connections_loaded: 24, ..scene }), Some(("connections", Some(Shown::Connections))));
        // Connections fine, the sync failed: its words, nothing about saved data here.
        assert_eq!(note(ErrorScene { connections_failed: false, ..scene }), Some(("sync", None)));
        assert_eq!(note(ErrorScene { connections_failed: false, sync_error: None, ..scene }), None);
        // The invitation tabs: the sync's error with what the list shows.
        let sent = ErrorScene { tab: ListName::Sent, connections_failed: false, ..scene };
        assert_eq!(note(sent), Some(("sync", Some(Shown::Saved))));
        assert_eq!(note(ErrorScene { partial: true, ..sent }), Some(("sync", Some(Shown::SoFar))));
        assert_eq!(note(ErrorScene { saved: false, ..sent }), Some(("sync", Some(Shown::NothingSaved))));
        assert_eq!(note(ErrorScene { sync_error: Some("no_key"), ..sent }), Some(("sync", None)));
        assert_eq!(note(ErrorScene { tab: ListName::Received, connections_failed: true, sync_error: None, ..sent }), None, "a connections error stays on its tab");
        assert_eq!(serde_json::to_value(error_note(&scene)).unwrap(), serde_json::json!({"of": "connections", "shown": "noConnections"}));
    }
}
