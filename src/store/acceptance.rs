//! What the Sent tab says about acceptances and the pending invitations' health, from
//! the stored [`History`], the pending invitations' sent dates and the settings.
//!
//! **The rate.** Over the last [`WINDOW_DAYS`] days: the invitations *sent* in that
//! window (by their sent date: first sight, or the API's age where that says more,
//! [`sent_estimate_ms`](super::history::sent_estimate_ms)) that the extension knows of,
//! still pending or left since; of those, how many were *accepted*. Withdrawals from
//! the extension count as sent and not accepted; outcomes that could not be checked
//! count nowhere. The median is the time from sent to seen accepted. Before a second
//! sync of everything no outcome can be known: there is no rate at all, never 0 %
//! ([`AcceptanceView::tracking`]), and without an acceptance there is no percentage.
//!
//! **Health.** The pending count against the setting *Warn when pending invitations
//! exceed*; the invitations sent in the last 7 days (by the same sent dates);
//! LinkedIn's invitation quota as the last sync read it, shown until its window resets.

use super::history::{iso_date, Entry, History, Outcome, StoredQuota, DAY_MS};
use super::Settings;
use serde::Serialize;
use tsify::Tsify;

/// The window of the rate, in days.
pub const WINDOW_DAYS: u32 = 30;
/// Weeks in the chart (the last 7 days are the last week).
pub const WEEKS: usize = 8;
/// The most people each recent list shows.
pub const RECENT: usize = 25;

/// One week of the chart: invitations sent in it, and acceptances seen in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Week {
    /// The week's first moment (epoch ms); it lasts 7 days.
    pub start_ms: u64,
    /// Invitations sent in it.
    pub sent: u32,
    /// Invitations seen accepted in it.
    pub accepted: u32,
}

/// One person of a recent list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct HistoryRow {
    /// The invitation id.
    pub id: String,
    /// The name (`""` when the API sent none).
    pub name: String,
    /// A safe `https://www.linkedin.com/` profile link, or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When it left the list (epoch ms).
    pub left_ms: u64,
    /// Whole days from sent to left.
    pub days: u32,
    /// What became of it.
    pub outcome: Outcome,
}

/// The pending invitations against the settings and LinkedIn's quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// Pending sent invitations.
    pub pending: u32,
    /// The setting: warn above this many.
    pub warn_at: u32,
    /// More pending than `warn_at`: the Sent tab warns and offers the oldest.
    pub over: bool,
    /// Invitations sent in the last 7 days (pending or left).
    pub this_week: u32,
    /// The setting: "Show the oldest" filters to invitations older than this many weeks.
    pub oldest_weeks: u32,
    /// LinkedIn's invitation quota from the last sync, while its window lasts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<StoredQuota>,
}

/// What the Sent tab shows about acceptances and health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AcceptanceView {
    /// Whether a sync has compared the sent list with an earlier one. Until then no
    /// outcome, no rate and no chart can be known (said in words).
    pub tracking: bool,
    /// When tracking began (epoch ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
    /// The rate's window, in days.
    pub window_days: u32,
    /// Tracking began less than the window ago: earlier acceptances are unknown.
    pub partial: bool,
    /// Invitations sent in the window (pending or left).
    pub sent: u32,
    /// Of those, accepted.
    pub accepted: u32,
    /// `accepted` ÷ `sent` in whole percent; absent without an acceptance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<u32>,
    /// The rate is above 0 but rounds to 0 %: say "less than 1 %".
    pub below_one_percent: bool,
    /// The median of whole days from sent to accepted, over the window's acceptances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub median_days: Option<u32>,
    /// The chart, oldest week first ([`WEEKS`] weeks; empty before tracking).
    pub weeks: Vec<Week>,
    /// The latest acceptances, newest first (at most [`RECENT`]).
    pub accepted_recent: Vec<HistoryRow>,
    /// The latest that left without accepting (gone or withdrawn), newest first.
    pub left_recent: Vec<HistoryRow>,
    /// The health of the pending invitations.
    pub health: Health,
    /// Outcomes in the history (the CSV's rows).
    pub recorded: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn whole_days(ms: f64) -> u32 {
    if ms.is_finite() && ms > 0.0 {
        (ms / DAY_MS).floor().min(f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

fn row(e: &Entry) -> HistoryRow {
    HistoryRow {
        id: e.id.clone(),
        name: e.name.clone(),
        url: e.url.clone(),
        left_ms: e.left_ms,
        days: whole_days(e.left_ms as f64 - e.sent_ms as f64),
        outcome: e.outcome,
    }
}

/// The median of `values` (whole milliseconds, sorted here): the middle one, or the mean
/// of the two middle ones. Sorted by insertion: a window holds a few hundred values at
/// most, and the standard library's sorts would compile another copy for `u64` (about
/// 3 KB, docs/size.md).
fn median(values: Vec<u64>) -> Option<f64> {
    let mut sorted: Vec<u64> = Vec::with_capacity(values.len());
    for v in values {
        let at = sorted.partition_point(|x| *x <= v);
        sorted.insert(at, v);
    }
    let values = sorted;
    let n = values.len();
    let upper = *values.get(n / 2)? as f64;
    Some(if n % 2 == 0 { (values.get(n / 2 - 1).map_or(upper, |v| *v as f64) + upper) / 2.0 } else { upper })
}

/// The sent date (epoch ms) of each pending invitation of `snapshot`, from the first-seen
/// times `seen` and the API's age labels (see
/// [`sent_estimate_ms`](super::history::sent_estimate_ms)).
pub fn pending_sent_ms(snapshot: &crate::api::sync::Snapshot, seen: &super::ages::FirstSeen) -> Vec<f64> {
    let taken = snapshot.sent_taken_at_ms;
    let first = |id: &str| seen.get(crate::api::client::List::Sent, id);
    snapshot.sent.iter().map(|i| super::history::sent_estimate_ms(i, first(&i.invitation_id), taken)).collect()
}

/// The Sent tab's acceptance summary and health at `now_ms`, from the stored history
/// (`None`: none yet), the sent dates of the pending invitations (epoch ms, see
/// [`sent_estimate_ms`](super::history::sent_estimate_ms)) and the settings.
pub fn acceptance_view(history: Option<&History>, pending_sent_ms: &[f64], settings: &Settings, now_ms: f64) -> AcceptanceView {
    let window_start = now_ms - f64::from(WINDOW_DAYS) * DAY_MS;
    let week_start = now_ms - 7.0 * DAY_MS;
    let entries: &[Entry] = history.map_or(&[], |h| h.entries.as_slice());
    // Every invitation sent that the extension knows of: the pending ones, and those
    // that left with a known outcome.
    let known = entries.iter().filter(|e| e.outcome != Outcome::Unchecked);
    let sent_dates = || pending_sent_ms.iter().copied().chain(known.clone().map(|e| e.sent_ms as f64));
    let this_week = sent_dates().filter(|t| *t >= week_start).count();
    let pending = count(pending_sent_ms.len());
    let quota = history
        .and_then(|h| h.quota.clone())
        .filter(|q| q.reset_at_ms.is_none_or(|r| r as f64 > now_ms));
    let health = Health {
        pending,
        warn_at: settings.pending_warn_at,
        over: pending > settings.pending_warn_at,
        this_week: count(this_week),
        oldest_weeks: settings.oldest_weeks,
        quota,
    };
    let tracking = history.is_some_and(|h| h.checks > 0);
    let mut view = AcceptanceView {
        tracking,
        since_ms: history.map(|h| h.since_ms),
        window_days: WINDOW_DAYS,
        partial: false,
        sent: 0,
        accepted: 0,
        percent: None,
        below_one_percent: false,
        median_days: None,
        weeks: Vec::new(),
        accepted_recent: Vec::new(),
        left_recent: Vec::new(),
        health,
        recorded: count(entries.len()),
    };
    if !tracking {
        return view;
    }
    view.partial = history.is_some_and(|h| (h.since_ms as f64) > window_start);
    let sent = sent_dates().filter(|t| *t >= window_start).count();
    let accepted: Vec<&Entry> =
        known.clone().filter(|e| e.outcome == Outcome::Accepted && e.sent_ms as f64 >= window_start).collect();
    view.sent = count(sent);
    view.accepted = count(accepted.len());
    if !accepted.is_empty() && sent > 0 {
        let percent = (accepted.len() as f64 * 100.0 / sent as f64).round() as u32;
        view.percent = Some(percent);
        view.below_one_percent = percent == 0;
    }
    view.median_days = median(accepted.iter().map(|e| e.left_ms.saturating_sub(e.sent_ms)).collect()).map(whole_days);
    view.weeks = (0..WEEKS)
        .rev()
        .map(|k| {
            let end = now_ms - k as f64 * 7.0 * DAY_MS;
            let start = end - 7.0 * DAY_MS;
            // The last week takes everything up to now (and a clock a little behind).
            let within = |t: f64| t >= start && (t < end || k == 0);
            Week {
                start_ms: crate::api::lenient::to_whole_ms(start),
                sent: count(sent_dates().filter(|t| within(*t)).count()),
                accepted: count(known.clone().filter(|e| e.outcome == Outcome::Accepted && within(e.left_ms as f64)).count()),
            }
        })
        .collect();
    // Newest first: the history is in the order outcomes were found, as they happened.
    let recent = |keep: &dyn Fn(Outcome) -> bool| -> Vec<HistoryRow> {
        entries.iter().rev().filter(|e| keep(e.outcome)).take(RECENT).map(row).collect()
    };
    view.accepted_recent = recent(&|o| o == Outcome::Accepted);
    view.left_recent = recent(&|o| matches!(o, Outcome::Gone | Outcome::Withdrawn));
    view
}

/// The CSV export of the history (RFC 4180, formula-guarded as every export): one
/// line per outcome, oldest first: name, profile URL, first seen, sent, left (UTC
/// dates) and the outcome (`accepted`, `gone`, `withdrawn`, `unchecked`).
pub fn history_csv(history: Option<&History>) -> String {
    let outcome = |o: Outcome| match o {
        Outcome::Accepted => "accepted",
        Outcome::Gone => "gone",
        Outcome::Withdrawn => "withdrawn",
        Outcome::Unchecked => "unchecked",
    };
    let rows = history.map_or(&[] as &[Entry], |h| h.entries.as_slice()).iter().map(|e| {
        vec![
            e.name.clone(),
            e.url.clone().unwrap_or_default(),
            iso_date(e.first_seen_ms),
            iso_date(e.sent_ms),
            iso_date(e.left_ms),
            outcome(e.outcome).to_string(),
        ]
    });
    crate::view::csv::csv_table(&["Name", "Profile URL", "First seen", "Sent", "Left", "Outcome"], rows)
}

#[cfg(test)]
mod tests;
