//! Short texts around the lists: the toolbar badge's number, a tab's count ("1,230 so
//! far"), and how fresh a snapshot is ("updated 5 min ago").

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
