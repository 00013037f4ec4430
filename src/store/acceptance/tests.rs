use super::*;
use crate::store::history::{Departure, StoredQuota};
use serde_json::json;

const NOW: f64 = 1_777_284_000_000.0;

fn settings(warn_at: u32) -> Settings {
    Settings::read(&json!({"pendingWarnAt": warn_at}))
}

/// An outcome sent `sent_days` ago and seen leaving `left_days` ago.
fn entry(id: usize, outcome: Outcome, sent_days: f64, left_days: f64) -> Entry {
    Entry {
        id: id.to_string(),
        name: format!("P{id}"),
        url: Some(format!("https://www.linkedin.com/in/p{id}")),
        first_seen_ms: (NOW - sent_days * DAY_MS) as u64,
        sent_ms: (NOW - sent_days * DAY_MS) as u64,
        left_ms: (NOW - left_days * DAY_MS) as u64,
        outcome,
    }
}

fn history(entries: Vec<Entry>, checks: u32) -> History {
    let mut h = History::new("acct", NOW - 60.0 * DAY_MS);
    h.entries = entries;
    h.checks = checks;
    h
}

#[test]
fn no_history_before_a_second_sync_means_no_rate_never_zero_percent() {
    let pending: Vec<f64> = (0..40).map(|i| NOW - f64::from(i) * DAY_MS).collect();
    for h in [None, Some(history(vec![], 0))] {
        let v = acceptance_view(h.as_ref(), &pending, &settings(1_000), NOW);
        assert!(!v.tracking);
        assert_eq!((v.sent, v.accepted, v.percent, v.median_days), (0, 0, None, None));
        assert!(v.weeks.is_empty() && v.accepted_recent.is_empty());
        // Health needs no history.
        assert_eq!((v.health.pending, v.health.this_week, v.health.over), (40, 8, false), "0 to 7 days ago");
        let js = serde_json::to_value(&v).unwrap();
        assert_eq!(js.get("percent"), None);
        assert_eq!(js["tracking"], json!(false));
    }
}

#[test]
fn the_rate_is_accepted_of_sent_in_the_last_30_days() {
    // 30 pending sent within the window, 5 pending older; left: 6 accepted (one of them
    // sent 40 days ago: outside), 3 gone, 1 withdrawn from the extension, 1 unchecked.
    let mut pending: Vec<f64> = (0..30).map(|i| NOW - f64::from(i) * 0.9 * DAY_MS).collect();
    pending.extend((0..5).map(|i| NOW - f64::from(40 + i) * DAY_MS));
    let entries = vec![
        entry(1, Outcome::Accepted, 10.0, 8.0),
        entry(2, Outcome::Accepted, 12.0, 9.0),
        entry(3, Outcome::Accepted, 20.0, 18.0),
        entry(4, Outcome::Accepted, 5.0, 1.0),
        entry(5, Outcome::Accepted, 25.0, 21.0),
        entry(6, Outcome::Accepted, 40.0, 2.0),
        entry(7, Outcome::Gone, 29.0, 1.0),
        entry(8, Outcome::Gone, 15.0, 3.0),
        entry(9, Outcome::Gone, 100.0, 3.0),
        entry(10, Outcome::Withdrawn, 8.0, 2.0),
        entry(11, Outcome::Unchecked, 3.0, 1.0),
    ];
    // In the order they were found, as a history holds them.
    let mut entries = entries;
    entries.sort_by_key(|e| e.left_ms);
    let h = history(entries, 3);
    let v = acceptance_view(Some(&h), &pending, &settings(1_000), NOW);
    assert!(v.tracking && !v.partial);
    // Sent in the window: 30 pending + accepted 1–5 + gone 7, 8 + withdrawn 10 = 38;
    // the unchecked one counts nowhere, gone ones are never accepted.
    assert_eq!((v.accepted, v.sent), (5, 38));
    assert_eq!((v.percent, v.below_one_percent), (Some(13), false));
    // Days from sent to accepted: 2, 3, 2, 4, 4 → median 3.
    assert_eq!(v.median_days, Some(3));
    // Newest first; the one accepted after 38 days shows too (it is recent).
    assert_eq!(v.accepted_recent.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["4", "6", "1", "2", "3", "5"]);
    assert_eq!(v.accepted_recent[0].days, 4);
    assert_eq!(v.left_recent.iter().map(|r| (r.id.as_str(), r.outcome)).collect::<Vec<_>>(),
        [("7", Outcome::Gone), ("10", Outcome::Withdrawn), ("9", Outcome::Gone), ("8", Outcome::Gone)], "a tie: the later found first");
    // The chart: 8 weeks, oldest first; acceptances by the week they were seen.
    assert_eq!(v.weeks.len(), WEEKS);
    assert_eq!(v.weeks.last().unwrap().start_ms, (NOW - 7.0 * DAY_MS) as u64);
    assert_eq!(v.weeks.iter().map(|w| w.accepted).sum::<u32>(), 6);
    assert_eq!(v.weeks.last().unwrap().accepted, 2, "entries 4 and 6, seen 1 and 2 days ago");
    assert_eq!(v.weeks.last().unwrap().sent, 8 + 1, "pending 0–6.3 days: 8; entry 4 sent 5 days ago");
    assert_eq!(v.recorded, 11);
    // This week: sent in the last 7 days, pending or left.
    assert_eq!(v.health.this_week, 9);
}

#[test]
fn rates_round_and_say_less_than_one_percent() {
    let pending: Vec<f64> = vec![NOW - DAY_MS; 299];
    let h = history(vec![entry(1, Outcome::Accepted, 2.0, 1.0)], 1);
    let v = acceptance_view(Some(&h), &pending, &settings(1_000), NOW);
    assert_eq!((v.accepted, v.sent, v.percent, v.below_one_percent), (1, 300, Some(0), true));
    // Nothing accepted: no percentage (the line says so in words).
    let h = history(vec![entry(1, Outcome::Gone, 2.0, 1.0)], 1);
    let v = acceptance_view(Some(&h), &pending, &settings(1_000), NOW);
    assert_eq!((v.accepted, v.sent, v.percent, v.median_days), (0, 300, None, None));
    // 6 of 40: 15 %.
    let entries = (0..6).map(|i| entry(i, Outcome::Accepted, 10.0, 8.0)).collect();
    let v = acceptance_view(Some(&history(entries, 2)), &vec![NOW - DAY_MS; 34], &settings(1_000), NOW);
    assert_eq!((v.accepted, v.sent, v.percent, v.median_days), (6, 40, Some(15), Some(2)));
    // Tracking for less than 30 days: said.
    let mut h = history(vec![], 1);
    h.since_ms = (NOW - 3.0 * DAY_MS) as u64;
    assert!(acceptance_view(Some(&h), &[], &settings(1_000), NOW).partial);
}

#[test]
fn health_warns_past_the_threshold_and_shows_the_quota_until_it_resets() {
    let pending = vec![NOW - 30.0 * DAY_MS; 251];
    let mut h = history(vec![], 0);
    h.quota = Some(StoredQuota { used: 37, limit: 90, window: Some("weekly".into()), reset_at_ms: Some((NOW + DAY_MS) as u64), read_at_ms: 1 });
    let v = acceptance_view(Some(&h), &pending, &settings(250), NOW);
    assert_eq!((v.health.pending, v.health.warn_at, v.health.over, v.health.oldest_weeks), (251, 250, true, 3));
    assert_eq!(v.health.quota.as_ref().map(|q| (q.used, q.limit)), Some((37, 90)));
    assert!(!acceptance_view(Some(&h), &pending, &settings(251), NOW).health.over, "at the threshold: no warning");
    // A quota whose window has reset since is stale: not shown.
    let v = acceptance_view(Some(&h), &pending, &settings(250), NOW + 2.0 * DAY_MS);
    assert_eq!(v.health.quota, None);
}

#[test]
fn the_history_exports_as_csv() {
    let mut h = history(vec![entry(1, Outcome::Accepted, 10.0, 8.0)], 1);
    let d = Departure::of(&serde_json::from_value(json!({"invitationId": "2", "profile": {"firstName": "=cmd", "lastName": "X"}})).unwrap(), None, NOW);
    h.note_withdrawn(&d, NOW);
    let csv = history_csv(Some(&h));
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(lines[0], r#""Name","Profile URL","First seen","Sent","Left","Outcome""#);
    assert_eq!(lines[1], r#""P1","https://www.linkedin.com/in/p1","2026-04-17","2026-04-17","2026-04-19","accepted""#);
    assert_eq!(lines[2], r#""'=cmd X","","2026-04-27","2026-04-27","2026-04-27","withdrawn""#, "formulas are guarded");
    assert_eq!(lines.len(), 4);
    assert_eq!(history_csv(None).split("\r\n").count(), 2, "the header alone");
}

#[test]
fn iso_dates() {
    use crate::store::history::iso_date;
    assert_eq!(iso_date(0), "1970-01-01");
    assert_eq!(iso_date(951_782_400_000), "2000-02-29");
    assert_eq!(iso_date(1_796_601_600_000), "2026-12-07");
    assert_eq!(iso_date(1_796_601_600_000 - 1), "2026-12-06");
}

#[test]
fn pending_sent_dates_come_from_first_sight_or_the_api_age() {
    use crate::api::client::List;
    let snapshot: crate::api::sync::Snapshot = serde_json::from_value(json!({"takenAtMs": NOW, "sentTakenAtMs": NOW,
        "sent": [{"invitationId": "a", "sentAt": "2 weeks ago"}, {"invitationId": "b", "sentAt": "2 weeks ago"},
                 {"invitationId": "c"}]})).unwrap();
    let mut seen = crate::store::ages::FirstSeen::new("acct");
    seen.update(List::Sent, ["a", "b"], NOW - 19.0 * DAY_MS);
    seen.update(List::Sent, ["a", "b", "c"], NOW - DAY_MS);
    // a, b: first seen 19 days ago narrows "2 weeks ago"; c: no label, first seen yesterday.
    assert_eq!(pending_sent_ms(&snapshot, &seen), [NOW - 19.0 * DAY_MS, NOW - 19.0 * DAY_MS, NOW - DAY_MS]);
    let fresh = crate::store::ages::FirstSeen::new("acct");
    assert_eq!(pending_sent_ms(&snapshot, &fresh), [NOW - 14.0 * DAY_MS, NOW - 14.0 * DAY_MS, NOW], "the API's age, else now");
}
