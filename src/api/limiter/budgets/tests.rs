//! The pacer on a fake clock: a small event loop runs requests that sleep what
//! `delay_ms` says and ask again, as the client does, and every send is checked
//! against every budget with a sliding window.

use super::*;

const MINUTE: f64 = 60_000.0;

/// The documented budgets on the client's default window and spacing.
fn documented() -> Limits {
    Limits { reads: 30, writes: 15, account: 10, per_key: 60, window_ms: 61_000, min_interval_ms: 250 }
}

/// One stream of requests: `count` requests of one budget, one after another (the
/// next starts asking `latency_ms` after the previous was sent, as a walk's next page
/// does), from `start_ms`.
#[derive(Debug, Clone)]
struct Stream {
    account: &'static str,
    budget: Budget,
    priority: Priority,
    count: usize,
    start_ms: f64,
    latency_ms: f64,
}

fn walk(account: &'static str, count: usize, start_ms: f64) -> Stream {
    Stream { account, budget: Budget::Read, priority: Priority::Background, count, start_ms, latency_ms: 300.0 }
}

fn click(budget: Budget, at_ms: f64) -> Stream {
    Stream { account: "a", budget, priority: Priority::Interactive, count: 1, start_ms: at_ms, latency_ms: 300.0 }
}

/// What a run sent: per stream, the send times; and every send as (time, account, budget).
#[derive(Debug)]
struct Run {
    sent: Vec<Vec<f64>>,
    all: Vec<(f64, &'static str, Budget)>,
    /// Per stream, the slot its first request was told when it first asked.
    first_told: Vec<f64>,
}

/// Runs `streams` on one pacer. Requests due at the same instant are served
/// background first (the order least kind to interactive requests); `oversleep_ms` is
/// added to every sleep, as timers fire late.
fn run(limits: Limits, streams: &[Stream], oversleep_ms: f64) -> Run {
    let mut pacer = Pacer::new(limits);
    let n = streams.len();
    let mut due: Vec<f64> = streams.iter().map(|s| s.start_ms).collect();
    let mut left: Vec<usize> = streams.iter().map(|s| s.count).collect();
    let mut tickets: Vec<Option<Ticket>> = vec![None; n];
    let mut sent = vec![Vec::new(); n];
    let mut first_told = vec![f64::NAN; n];
    let mut all = Vec::new();
    for _ in 0..1_000_000 {
        let next = (0..n).filter(|&i| left[i] > 0).min_by(|&i, &j| {
            due[i].total_cmp(&due[j]).then_with(|| (streams[i].priority == Priority::Interactive).cmp(&(streams[j].priority == Priority::Interactive)))
        });
        let Some(i) = next else {
            assert_eq!(pacer.waiting(), 0, "every ticket left");
            return Run { sent, all, first_told };
        };
        let (s, now) = (&streams[i], due[i]);
        if s.priority == Priority::Interactive && tickets[i].is_none() {
            tickets[i] = Some(pacer.enter(s.account, s.budget));
        }
        let wait = pacer.delay_ms(now, s.account, s.budget, s.priority);
        assert!(wait.is_finite() && wait >= 0.0);
        if first_told[i].is_nan() {
            first_told[i] = now + wait;
        }
        if wait > 0.0 {
            due[i] = now + wait + oversleep_ms;
            continue;
        }
        pacer.record(now, s.account, s.budget);
        if let Some(t) = tickets[i].take() {
            pacer.leave(t);
        }
        sent[i].push(now);
        all.push((now, s.account, s.budget));
        left[i] -= 1;
        due[i] = now + s.latency_ms;
    }
    panic!("the run never ended");
}

/// The most of `times` (sorted) within any half-open `window`.
fn busiest(times: &[f64], window: f64) -> usize {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    (0..sorted.len()).map(|i| sorted[i..].iter().take_while(|t| **t < sorted[i] + window).count()).max().unwrap_or(0)
}

/// Every budget of every account, the key's budget and the spacing hold, over any
/// 60 s and over the limiter's own window.
fn check_budgets(limits: &Limits, run: &Run) {
    let accounts: std::collections::BTreeSet<&str> = run.all.iter().map(|s| s.1).collect();
    for window in [MINUTE, f64::from(limits.window_ms)] {
        for account in &accounts {
            for budget in [Budget::Read, Budget::Write, Budget::Account] {
                let times: Vec<f64> = run.all.iter().filter(|s| s.1 == *account && s.2 == budget).map(|s| s.0).collect();
                let most = busiest(&times, window);
                assert!(most <= limits.of(budget) as usize, "{account} {budget:?}: {most} in {window} ms");
            }
        }
        let times: Vec<f64> = run.all.iter().map(|s| s.0).collect();
        let most = busiest(&times, window);
        assert!(most <= limits.per_key as usize, "the key: {most} in {window} ms");
    }
    let mut times: Vec<f64> = run.all.iter().map(|s| s.0).collect();
    times.sort_by(f64::total_cmp);
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= f64::from(limits.min_interval_ms), "{} ms apart", pair[1] - pair[0]);
    }
}

#[test]
fn budgets_of_paths() {
    assert_eq!(Budget::of(false, "/invitations/sent"), Budget::Read);
    assert_eq!(Budget::of(false, "/accounts"), Budget::Read, "the account list is a read");
    assert_eq!(Budget::of(false, "/analytics/connections/count"), Budget::Read);
    assert_eq!(Budget::of(false, "/account/696ce9e780e0483585e4e553/quota"), Budget::Account);
    assert_eq!(Budget::of(true, "/invitations/withdraw"), Budget::Write);
    assert_eq!(Budget::of(true, "/invitations/received/respond"), Budget::Write);
}

#[test]
fn a_walk_and_a_click_keep_every_budget_and_the_click_goes_at_its_first_slot() {
    let limits = documented();
    // A 150-page walk; clicks at various moments: while the walk's next page sleeps
    // toward a slot (20 s, 61.5 s, 100 s), right at a slot, and once the budget is free.
    for at in [0.0, 7_000.0, 20_000.0, 61_000.0, 61_500.0, 100_000.0, 122_000.0, 400_000.0] {
        for oversleep in [0.0, 4.0] {
            let streams = [walk("a", 150, 0.0), click(Budget::Read, at)];
            let r = run(limits, &streams, oversleep);
            check_budgets(&limits, &r);
            assert_eq!(r.sent[0].len(), 150, "the walk finished");
            let (told, went) = (r.first_told[1], r.sent[1][0]);
            // The first slot its budget had when it asked: the background never put it off.
            assert!(went - told <= oversleep, "click at {at}: told {told}, went {went}");
            // Nothing of the walk went between the click and its request, but what had
            // room before the click asked (none: the click asks at once).
            let walk_between = r.sent[0].iter().filter(|t| **t > at && **t < went).count();
            assert_eq!(walk_between, 0, "click at {at}: {walk_between} walk pages went first");
        }
    }
}

#[test]
fn the_click_does_not_wait_for_the_walks_queued_pages() {
    let limits = documented();
    // 30 pages go in the first 7.5 s; the walk's 31st page sleeps until the first
    // slot frees (61 s). A click at 30 s takes that slot; the walk's page the next.
    let r = run(limits, &[walk("a", 40, 0.0), click(Budget::Read, 30_000.0)], 0.0);
    check_budgets(&limits, &r);
    assert_eq!(r.sent[1], [61_000.0]);
    assert!(r.sent[0][30] > 61_000.0, "the walk's queued page went after the click: {}", r.sent[0][30]);
}

#[test]
fn a_write_is_not_delayed_by_a_just_finished_thirty_read_walk() {
    let limits = documented();
    let r = run(limits, &[walk("a", 30, 0.0), click(Budget::Write, 9_000.0)], 0.0);
    check_budgets(&limits, &r);
    assert!(*r.sent[0].last().unwrap() < 9_000.0, "the walk used the read budget");
    assert_eq!(r.sent[1], [9_000.0], "the write went at once");
    // And while the walk still needs the read budget, a write goes at once too.
    let r = run(limits, &[walk("a", 90, 0.0), click(Budget::Write, 30_000.0)], 0.0);
    check_budgets(&limits, &r);
    assert_eq!(r.sent[1], [30_000.0]);
}

#[test]
fn account_requests_are_ten_a_minute() {
    let limits = documented();
    let burst = Stream { account: "a", budget: Budget::Account, priority: Priority::Interactive, count: 25, start_ms: 0.0, latency_ms: 10.0 };
    let r = run(limits, &[burst, walk("a", 30, 0.0)], 0.0);
    check_budgets(&limits, &r);
    let quota = &r.sent[0];
    assert_eq!(busiest(quota, MINUTE), 10);
    assert!(quota[9] < 61_000.0 && quota[10] >= 61_000.0 && quota[20] >= 122_000.0, "{quota:?}");
    // The account budget is its own: the walk's 30 reads went in the first window.
    assert!(r.sent[1][29] < 61_000.0);
}

#[test]
fn the_key_budget_holds_across_budgets_and_accounts() {
    let limits = documented();
    // Two accounts' walks (30 reads a minute each), writes and quota reads of the
    // first: more than 60 a minute asked for, so the key's budget binds.
    let writes = Stream { account: "a", budget: Budget::Write, priority: Priority::Interactive, count: 40, start_ms: 0.0, latency_ms: 100.0 };
    let quota = Stream { account: "b", budget: Budget::Account, priority: Priority::Interactive, count: 20, start_ms: 5_000.0, latency_ms: 100.0 };
    let streams = [walk("a", 120, 0.0), walk("b", 120, 0.0), writes, quota];
    let r = run(limits, &streams, 0.0);
    check_budgets(&limits, &r);
    let every: Vec<f64> = r.all.iter().map(|s| s.0).collect();
    assert_eq!(busiest(&every, MINUTE), 60, "the key's budget is used, not exceeded");
    // A smaller key budget than one account's reads binds alone.
    let small = Limits { per_key: 20, ..documented() };
    let r = run(small, &[walk("a", 50, 0.0), click(Budget::Write, 1_000.0)], 0.0);
    check_budgets(&small, &r);
}

#[test]
fn interactive_requests_have_the_first_slots_but_never_more_than_the_budget() {
    let limits = documented();
    // Ten clicks on the read budget while the walk runs: several wait for the same
    // window at once. All keep the budgets, go in the order they were made, and no
    // page of the walk goes between a click and its request.
    let mut streams = vec![walk("a", 100, 0.0)];
    streams.extend((0..10).map(|k| click(Budget::Read, 3_000.0 + 9_000.0 * f64::from(k))));
    let r = run(limits, &streams, 0.0);
    check_budgets(&limits, &r);
    let went: Vec<f64> = r.sent.iter().skip(1).map(|s| s[0]).collect();
    assert!(went.windows(2).all(|w| w[0] < w[1]), "{went:?}");
    for (k, at) in went.iter().enumerate() {
        let made = streams[k + 1].start_ms;
        let walk_between = r.sent[0].iter().filter(|t| **t > made && *t < at).count();
        assert_eq!(walk_between, 0, "click {k} made at {made}, went at {at}");
    }
    assert_eq!(r.first_told[1], went[0], "the first click went at the slot it was told");
}

#[test]
fn a_ticket_on_another_budget_holds_the_walk_back_only_where_it_would_lose_its_slot() {
    let limits = documented();
    let mut p = Pacer::new(limits);
    for k in 0..15 {
        p.record(f64::from(k) * 300.0, "a", Budget::Write);
    }
    // The write budget is used up until 61 s: a waiting write does not stop the reads.
    let t = p.enter("a", Budget::Write);
    assert_eq!(p.delay_ms(10_000.0, "a", Budget::Read, Priority::Background), 0.0);
    // A waiting read does, when it could go now (the walk would take the spacing).
    let u = p.enter("a", Budget::Read);
    let held = p.delay_ms(10_000.0, "a", Budget::Read, Priority::Background);
    assert_eq!(held, 250.0, "past the ticket's slot by the spacing");
    assert_eq!(p.delay_ms(10_000.0, "a", Budget::Read, Priority::Interactive), 0.0);
    p.leave(u);
    p.leave(t);
    assert_eq!(p.waiting(), 0);
    assert_eq!(p.delay_ms(10_000.0, "a", Budget::Read, Priority::Background), 0.0);
}

#[test]
fn holds_apply_to_their_budget_or_to_all() {
    let limits = documented();
    let mut p = Pacer::new(limits);
    p.hold_until("a", Some(Budget::Read), 5_000.0);
    assert_eq!(p.delay_ms(1_000.0, "a", Budget::Read, Priority::Interactive), 4_000.0);
    assert_eq!(p.delay_ms(1_000.0, "a", Budget::Write, Priority::Interactive), 0.0, "writes go on");
    assert_eq!(p.delay_ms(1_000.0, "b", Budget::Read, Priority::Background), 0.0, "another account's reads go on");
    p.hold_until("a", None, 8_000.0);
    for budget in [Budget::Read, Budget::Write, Budget::Account] {
        assert_eq!(p.delay_ms(1_000.0, "b", budget, Priority::Interactive), 7_000.0, "an unknown budget holds all");
    }
}

#[test]
fn the_limit_header_says_which_budget_is_used_up() {
    let p = Pacer::new(documented());
    assert_eq!(p.scope_of(Budget::Read, Some("30")), Some(Budget::Read));
    assert_eq!(p.scope_of(Budget::Write, Some(" 15 ")), Some(Budget::Write));
    assert_eq!(p.scope_of(Budget::Account, Some("10")), Some(Budget::Account));
    assert_eq!(p.scope_of(Budget::Read, Some("60")), None, "the key's limit: everything");
    assert_eq!(p.scope_of(Budget::Read, Some("15")), None, "not this budget's size");
    assert_eq!(p.scope_of(Budget::Read, None), None);
    assert_eq!(p.scope_of(Budget::Read, Some("many")), None);
    let same = Pacer::new(Limits { reads: 60, ..documented() });
    assert_eq!(same.scope_of(Budget::Read, Some("60")), None, "ambiguous: everything");
}
