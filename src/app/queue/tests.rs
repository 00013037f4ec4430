//! The action queue on a fake clock: pacing, stop, caps, resume after a worker stop,
//! and the summaries.

use super::*;
use crate::api::actions::{RespondAction, WithdrawRequest, WriteOutcome};
use crate::store::{DEFAULT_RESPOND_CAP, DEFAULT_WITHDRAW_CAP, MAX_CAP, MIN_GAP_MS};
use serde_json::{from_value, json};

/// A queue as stored (its JSON text), read back.
fn reread(text: &str) -> ActionQueue {
    ActionQueue::read(&serde_json::from_str(text).unwrap())
}

/// What a value writes, as a `serde_json::Value`.
fn written(v: impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap()
}

const ACCOUNT: &str = "acct-tag-1";
/// 2026-04-27T10:00:00Z.
const T0: f64 = 1_777_284_000_000.0;

fn sent_item(i: usize) -> SentInvitation {
    from_value(json!({
        "invitationId": format!("78970467803503{i:05}"),
        "memberId": format!("ACoAA{i}"),
        "sentAt": "3 months ago",
        "profile": {"firstName": format!("Ana{i}"), "lastName": "Müller", "publicIdentifier": format!("ana-{i}")}
    }))
    .unwrap()
}

fn withdrawals(n: usize) -> Vec<NewItem> {
    (0..n).map(|i| NewItem::withdraw(&sent_item(i), None)).collect()
}

fn done() -> WriteOutcome {
    WriteOutcome::Done { message: Some("ok".into()) }
}

/// Drives the queue like the worker: waits advance the clock, sends are answered by
/// `answer`; returns each send's time and invitation id, and the final summary.
fn drive(
    q: &mut ActionQueue,
    now: &mut f64,
    mut answer: impl FnMut(&SendOrder) -> WriteOutcome,
) -> (Vec<(f64, String)>, Summary) {
    let mut sends = Vec::new();
    for _ in 0..10_000 {
        match q.next_step(*now, ACCOUNT) {
            Step::Wait { ms } => {
                assert!(ms > 0, "a wait of 0 would spin");
                *now += ms as f64;
            }
            Step::Send(order) => {
                sends.push((*now, order.invitation_id.clone()));
                let outcome = answer(&order);
                *now += 300.0; // the request's round trip
                q.record(order.index, &outcome, *now);
            }
            Step::Finished(summary) => return (sends, summary),
        }
    }
    panic!("the run never finished");
}

fn started(n: usize, settings: ActionSettings) -> ActionQueue {
    let mut q = ActionQueue::new();
    assert_eq!(q.start(ACCOUNT, settings, withdrawals(n), T0, 42), Ok(n));
    q
}

#[test]
fn sends_one_at_a_time_at_least_the_gap_apart_with_jitter() {
    let mut q = started(8, ActionSettings::default());
    let mut now = T0;
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    assert_eq!(sends.len(), 8);
    assert_eq!(sends[0].0, T0, "the first goes at once");
    let gaps: Vec<f64> = sends.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(gaps.iter().all(|g| (5_300.0..=7_000.0).contains(g)), "{gaps:?}");
    assert!(gaps.iter().any(|g| *g != gaps[0]), "jittered: {gaps:?}");
    assert_eq!((summary.state, summary.total, summary.done, summary.not_sent), (RunState::Finished, 8, 8, 0));
    assert_eq!(summary.kind, Some(ActionKind::Withdraw), "the popup words it: 8 withdrawn.");
    assert_eq!((q.progress().handled, q.progress().total), (8, 8));
}

#[test]
fn the_gap_setting_never_goes_below_four_seconds() {
    let s = ActionSettings { gap_ms: 500, jitter_ms: 0, ..ActionSettings::default() };
    assert_eq!(s.clamped().gap_ms, MIN_GAP_MS);
    let mut q = started(3, s);
    let mut now = T0;
    let (sends, _) = drive(&mut q, &mut now, |_| done());
    // 4 s from the answer (after a 300 ms round trip).
    assert_eq!(sends[1].0 - sends[0].0, 4_300.0);
    assert_eq!(sends[2].0 - sends[1].0, 4_300.0);
    let read = ActionSettings::read(&json!({"actionGapMs": 1000, "withdrawCap": "x", "respondCap": 5000}));
    assert_eq!((read.gap_ms, read.withdraw_cap, read.respond_cap), (MIN_GAP_MS, DEFAULT_WITHDRAW_CAP, MAX_CAP));
}

#[test]
fn stop_mid_run_sends_nothing_more() {
    let mut q = started(5, ActionSettings::default());
    let mut now = T0;
    let mut sent = 0;
    loop {
        match q.next_step(now, ACCOUNT) {
            Step::Wait { ms } => now += ms as f64,
            Step::Send(order) => {
                sent += 1;
                if sent == 2 {
                    // The user presses Stop while the second write is in flight: its
                    // answer is still recorded.
                    q.stop(now);
                }
                q.record(order.index, &done(), now + 200.0);
            }
            Step::Finished(_) => break,
        }
    }
    assert_eq!(sent, 2);
    let s = q.summary();
    assert_eq!((s.state, s.done, s.not_sent), (RunState::Stopped, 2, 3));
    assert_eq!(s.stop.as_ref().map(|s| s.reason), Some(StopReason::User));
    // The popup words it: "2 withdrawn, 3 not sent. Stopped."
    assert_eq!((s.kind, s.done, s.already_gone, s.failed, s.unknown, s.not_sent), (Some(ActionKind::Withdraw), 2, 0, 0, 0, 3));
    assert!(matches!(q.next_step(now + 60_000.0, ACCOUNT), Step::Finished(_)), "stays stopped");
    assert_eq!((q.progress().handled, q.progress().total), (2, 5));
}

#[test]
fn the_daily_cap_stops_the_run_and_says_when_it_resets() {
    let settings = ActionSettings { withdraw_cap: 3, ..ActionSettings::default() };
    let mut q = started(5, settings);
    let mut now = T0;
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    assert_eq!(sends.len(), 3);
    let stop = summary.stop.clone().unwrap();
    assert_eq!((stop.reason, stop.cap), (StopReason::Cap, Some(CapKind::Withdrawals)));
    assert_eq!(stop.until_ms, Some(1_777_334_400_000), "the next 00:00 UTC");
    assert_eq!((summary.done, summary.not_sent), (3, 2));
    assert_eq!(
        written(&stop),
        json!({"reason": "cap", "cap": "withdrawals", "untilMs": 1_777_334_400_000u64}),
        "the popup words it: Daily limit of withdrawals reached; it resets …"
    );
    assert_eq!(q.remaining_today(ACCOUNT, CapKind::Withdrawals, now), 0);
    assert_eq!(q.remaining_today(ACCOUNT, CapKind::Responses, now), DEFAULT_RESPOND_CAP);
    assert_eq!(q.remaining_today("another", CapKind::Withdrawals, now), 3);

    // The count survives storage and a new run the same day.
    let mut q = reread(&q.to_json());
    q.start(ACCOUNT, settings, withdrawals(2), now, 7).unwrap();
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    assert!(sends.is_empty());
    assert_eq!(summary.stop.unwrap().reason, StopReason::Cap);

    // The next UTC day it starts again.
    let mut tomorrow = 1_777_334_400_000.0 + 1.0;
    q.start(ACCOUNT, settings, withdrawals(2), tomorrow, 7).unwrap();
    let (sends, summary) = drive(&mut q, &mut tomorrow, |_| done());
    assert_eq!((sends.len(), summary.done), (2, 2));

    // Responses have their own cap.
    let received: ReceivedInvitation = from_value(json!({
        "invitationId": "1", "memberId": "ACoAA1", "invitationCategory": "CONNECTION",
        "linkedInInvitationType": "GenericInvitationType_CONNECTION", "validationToken": "t",
        "profile": {"firstName": "Ana", "lastName": "Müller"}
    }))
    .unwrap();
    let mut q = ActionQueue::new();
    let s = ActionSettings { withdraw_cap: 0, respond_cap: 1, ..ActionSettings::default() };
    q.start(ACCOUNT, s, vec![NewItem::respond(&received, RespondAction::Accept, None)], T0, 1).unwrap();
    let mut now = T0;
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    assert_eq!((sends.len(), summary.kind, summary.done), (1, Some(ActionKind::Accept), 1));
}

#[test]
fn resumes_from_storage_without_repeating_a_done_item() {
    let mut q = started(6, ActionSettings::default());
    let mut now = T0;
    let mut sent_ids: Vec<String> = Vec::new();
    // Two writes done, the third handed out and in flight when the worker stops.
    let stored = loop {
        match q.next_step(now, ACCOUNT) {
            Step::Wait { ms } => now += ms as f64,
            Step::Send(order) => {
                sent_ids.push(order.invitation_id.clone());
                if sent_ids.len() == 3 {
                    break q.to_json(); // stored as in flight; no answer recorded
                }
                q.record(order.index, &done(), now + 100.0);
            }
            Step::Finished(_) => panic!("finished early"),
        }
    };
    // A new worker, 40 s later: the in-flight item becomes unknown, never re-sent.
    now += 40_000.0;
    let mut q = reread(&stored);
    assert_eq!(q.recover(now), 1);
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    sent_ids.extend(sends.iter().map(|s| s.1.clone()));
    let mut unique = sent_ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), sent_ids.len(), "no invitation was sent twice: {sent_ids:?}");
    assert_eq!(sent_ids.len(), 6);
    assert_eq!((summary.done, summary.unknown, summary.not_sent), (5, 1, 0));
    assert_eq!(summary.unknowns[0].reason, Some(ItemReason::WorkerStopped), "the popup says: check LinkedIn");
    assert_eq!((summary.unknowns[0].status, summary.unknowns[0].detail.as_deref()), (None, None));

    // Stored between steps (nothing in flight), a resumed run goes on where it was,
    // and keeps the pacing of the last write.
    let mut q = started(3, ActionSettings { jitter_ms: 0, ..ActionSettings::default() });
    let mut now = T0;
    let Step::Send(first) = q.next_step(now, ACCOUNT) else { panic!() };
    q.record(first.index, &done(), now + 100.0);
    let stored = q.to_json();
    let mut q = reread(&stored);
    assert_eq!(q.recover(now), 0);
    now += 1_000.0;
    assert_eq!(q.next_step(now, ACCOUNT), Step::Wait { ms: 4_100 }, "5 s from the answer at +100 ms");
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    assert_eq!(sends.len(), 2);
    assert!(sends.iter().all(|s| s.1 != first.invitation_id));
    assert_eq!(summary.done, 3);
}

#[test]
fn an_item_in_flight_too_long_becomes_unknown() {
    let mut q = started(2, ActionSettings::default());
    let Step::Send(order) = q.next_step(T0, ACCOUNT) else { panic!() };
    assert_eq!(q.next_step(T0 + 1_000.0, ACCOUNT), Step::Wait { ms: IN_FLIGHT_EXPIRY_MS - 1_000 });
    let Step::Send(next) = q.next_step(T0 + IN_FLIGHT_EXPIRY_MS as f64, ACCOUNT) else { panic!() };
    assert_ne!(next.index, order.index);
    assert_eq!(q.items()[order.index].state, ItemState::Unknown);
    assert_eq!(q.items()[order.index].reason, Some(ItemReason::NoAnswer));
    // A late answer that says done is still taken; one that says failed is not.
    assert!(
        !q.record(order.index, &WriteOutcome::Failed(Error::Api { status: 500, message: "x".into(), code: None }), T0).accepted
    );
    let r = q.record(order.index, &done(), T0 + IN_FLIGHT_EXPIRY_MS as f64 + 10_000.0);
    assert_eq!((r.accepted, r.remove.as_deref(), r.list), (true, Some(order.invitation_id.as_str()), Some("sent")));
}

#[test]
fn already_gone_and_failure_summaries() {
    let mut q = started(6, ActionSettings::default());
    let mut now = T0;
    let mut n = 0;
    let (_, s) = drive(&mut q, &mut now, |_| {
        n += 1;
        match n {
            2 => WriteOutcome::AlreadyGone { message: "No pending invitation found".into() },
            3 => {
                WriteOutcome::Failed(Error::Api { status: 404, message: "LinkedIn profile not found: ana-2".into(), code: None })
            }
            5 => WriteOutcome::Unknown { reason: ItemReason::Timeout, status: None },
            _ => done(),
        }
    });
    assert_eq!((s.done, s.already_gone, s.failed, s.unknown, s.not_sent), (3, 1, 1, 1, 0));
    assert_eq!(s.failures[0].name, "Ana2 Müller");
    let f = &s.failures[0];
    assert_eq!((f.reason, f.status, f.detail.as_deref()), (Some(ItemReason::Refused), Some(404), Some("LinkedIn profile not found: ana-2")));
    assert_eq!((s.gone[0].reason, s.gone[0].detail.as_deref()), (Some(ItemReason::AlreadyGone), Some("No pending invitation found")));
    assert_eq!(s.unknowns[0].reason, Some(ItemReason::Timeout));
    let v = written(&s);
    assert_eq!(v["alreadyGone"], 1);
    assert_eq!(v["kind"], "withdraw");
    assert_eq!(v["failures"][0]["invitationId"], "7897046780350300002");
    assert_eq!(v["failures"][0]["reason"], "refused");
    assert_eq!(v["failures"][0]["status"], 404);
    assert_eq!(v["unknowns"][0], json!({"name": s.unknowns[0].name, "invitationId": s.unknowns[0].invitation_id, "reason": "timeout"}));
    assert!(v.get("text").is_none(), "no words: the popup words the counts");
    // Read back from storage, the reasons stay; a code of another version reads as none.
    let mut stored: serde_json::Value = serde_json::from_str(&q.to_json()).unwrap();
    assert_eq!(reread(&stored.to_string()).summary(), s);
    stored["items"][2]["reason"] = json!("from_the_future");
    assert_eq!(reread(&stored.to_string()).summary().failures[0].reason, None);

    // An item that lacked a field fails at the start, with its reason, and is never sent.
    let mut broken = sent_item(9);
    broken.profile.public_identifier = None;
    let mut q = ActionQueue::new();
    q.start(
        ACCOUNT,
        ActionSettings::default(),
        vec![NewItem::withdraw(&broken, None), NewItem::withdraw(&sent_item(1), None)],
        T0,
        3,
    )
    .unwrap();
    let mut now = T0;
    let (sends, s) = drive(&mut q, &mut now, |_| done());
    assert_eq!(sends.len(), 1);
    assert_eq!((s.failures[0].reason, s.failures[0].detail.as_deref()), (Some(ItemReason::MissingField), Some("publicIdentifier")));
}

#[test]
fn three_failures_in_a_row_stop_the_run() {
    let mut q = started(6, ActionSettings::default());
    let mut now = T0;
    let (sends, s) =
        drive(&mut q, &mut now, |_| WriteOutcome::Failed(Error::Api { status: 500, message: "boom".into(), code: None }));
    assert_eq!(sends.len(), 3);
    assert_eq!(s.stop.unwrap().reason, StopReason::RepeatedFailures);
    assert_eq!(s.not_sent, 3);
}

#[test]
fn a_429_holds_then_retries_the_same_item() {
    let mut q = started(2, ActionSettings { jitter_ms: 0, ..ActionSettings::default() });
    let mut now = T0;
    let mut n = 0;
    let (sends, s) = drive(&mut q, &mut now, |_| {
        n += 1;
        if n == 1 {
            WriteOutcome::Failed(Error::RateLimited { status: 429, message: "slow".into(), retry_at_ms: Some(T0 + 30_000.0) })
        } else {
            done()
        }
    });
    assert_eq!(sends.len(), 3);
    assert_eq!(sends[0].1, sends[1].1, "the same item again: the API said it was not done");
    assert_eq!(sends[1].0, T0 + 31_000.0, "after the hold and its margin");
    assert_eq!(q.progress_at(T0 + 1_000.0).held_until_ms, None, "the run is over");
    assert_eq!(s.done, 2);
    assert_eq!(q.remaining_today(ACCOUNT, CapKind::Withdrawals, now), DEFAULT_WITHDRAW_CAP - 2, "the refused one is not counted");

    // While held, progress says until when.
    let mut q = started(2, ActionSettings::default());
    let Step::Send(o) = q.next_step(T0, ACCOUNT) else { panic!() };
    let hold = WriteOutcome::Failed(Error::RateLimited { status: 429, message: "slow".into(), retry_at_ms: Some(T0 + 30_000.0) });
    q.record(o.index, &hold, T0 + 100.0);
    assert_eq!(q.progress_at(T0 + 200.0).held_until_ms, Some(T0 as u64 + 31_000));
    assert_eq!(q.progress_at(T0 + 40_000.0).held_until_ms, None);

    // A hold of hours stops the run instead, and says until when.
    let mut q = started(2, ActionSettings::default());
    let mut now = T0;
    let until = T0 + 3_600_000.0;
    let (_, s) = drive(&mut q, &mut now, |_| {
        WriteOutcome::Failed(Error::RateLimited { status: 429, message: "hold".into(), retry_at_ms: Some(until) })
    });
    let stop = s.stop.unwrap();
    assert_eq!((stop.reason, stop.until_ms), (StopReason::RateLimited, Some(until as u64 + RATE_LIMIT_MARGIN_MS)));
    assert_eq!(s.not_sent, 2);
}

#[test]
fn a_401_stops_and_a_cancel_before_sending_retries() {
    let mut q = started(3, ActionSettings::default());
    let mut now = T0;
    let mut n = 0;
    let (sends, s) = drive(&mut q, &mut now, |_| {
        n += 1;
        match n {
            1 => WriteOutcome::Failed(Error::Cancelled),
            2 => done(),
            _ => WriteOutcome::Failed(Error::Api { status: 401, message: "Unauthorized".into(), code: None }),
        }
    });
    assert_eq!(sends[0].1, sends[1].1, "cancelled before sending: the same item again");
    assert_eq!(s.stop.unwrap().reason, StopReason::Unauthorized);
    assert_eq!((s.done, s.not_sent), (1, 2));
    assert_eq!(q.items()[0].attempts, 1);
}

#[test]
fn another_account_stops_the_run() {
    let mut q = started(3, ActionSettings::default());
    let Step::Send(order) = q.next_step(T0, ACCOUNT) else { panic!() };
    q.record(order.index, &done(), T0 + 100.0);
    let Step::Finished(s) = q.next_step(T0 + 10_000.0, "another-tag") else { panic!() };
    assert_eq!((s.stop.unwrap().reason, s.done, s.not_sent), (StopReason::AccountChanged, 1, 2));
}

#[test]
fn a_write_held_up_in_the_client_is_still_followed_by_a_full_gap() {
    let mut q = started(2, ActionSettings { jitter_ms: 0, ..ActionSettings::default() });
    let Step::Send(order) = q.next_step(T0, ACCOUNT) else { panic!() };
    // The client's own pacing held the request 30 s behind a sync's reads.
    q.record(order.index, &done(), T0 + 30_000.0);
    assert_eq!(q.next_step(T0 + 30_000.0, ACCOUNT), Step::Wait { ms: 5_000 });
}

#[test]
fn a_clock_set_back_does_not_stretch_the_wait() {
    let mut q = started(2, ActionSettings { jitter_ms: 0, ..ActionSettings::default() });
    let Step::Send(order) = q.next_step(T0, ACCOUNT) else { panic!() };
    q.record(order.index, &done(), T0);
    // The wall clock jumps back an hour: one gap, not an hour and a gap.
    assert_eq!(q.next_step(T0 - 3_600_000.0, ACCOUNT), Step::Wait { ms: 5_000 });
}

#[test]
fn start_refuses_while_running_and_dedupes() {
    let mut q = ActionQueue::new();
    assert_eq!(q.start(ACCOUNT, ActionSettings::default(), vec![], T0, 1), Err(StartError::Empty));
    let mut items = withdrawals(2);
    items.extend(withdrawals(2));
    assert_eq!(q.start(ACCOUNT, ActionSettings::default(), items, T0, 1), Ok(2));
    assert_eq!(q.start(ACCOUNT, ActionSettings::default(), withdrawals(1), T0, 1), Err(StartError::Busy));
    q.stop(T0);
    assert_eq!(q.start(ACCOUNT, ActionSettings::default(), withdrawals(1), T0, 1), Ok(1));
}

#[test]
fn storage_is_outside_data() {
    for raw in ["null", "[]", "{}", r#"{"schema": 2, "items": []}"#, r#"{"schema": "1", "items": [], "state": "running"}"#] {
        assert_eq!(reread(raw), ActionQueue::new(), "{raw}");
    }
    // An unreadable item is left out (so never sent); the rest is kept.
    let mut q = started(2, ActionSettings::default());
    let mut v: serde_json::Value = serde_json::from_str(&q.to_json()).unwrap();
    v["items"][0]["request"] = json!({"invitationId": "x"});
    v["items"][1]["attempts"] = json!("many");
    let mut back = ActionQueue::read(&v);
    assert_eq!(back.items().len(), 1);
    assert_eq!(back.items()[0].attempts, 0);
    // A full round trip is exact.
    let Step::Send(o) = q.next_step(T0, ACCOUNT) else { panic!() };
    q.record(o.index, &WriteOutcome::AlreadyGone { message: "gone".into() }, T0 + 1.0);
    assert_eq!(reread(&q.to_json()), q);
    assert!(matches!(back.next_step(T0, ACCOUNT), Step::Send(_)));
}

#[test]
fn step_reports_are_flat_json() {
    let mut q = ActionQueue::new();
    let req = WithdrawRequest { public_identifier: "ana".into(), invitation_id: "1".into(), member_id: None, account_id: None };
    let item = NewItem {
        kind: ActionKind::Withdraw,
        name: "Ana".into(),
        invitation_id: "1".into(),
        request: Ok(ActionRequest::Withdraw(req)),
    };
    q.start(ACCOUNT, ActionSettings::default(), vec![item], T0, 1).unwrap();
    let step = q.next_step(T0, ACCOUNT);
    assert_eq!(
        written(step.report()),
        json!({"step": "send", "index": 0, "kind": "withdraw", "name": "Ana", "invitationId": "1",
               "request": {"profileId": "ana", "invitationId": "1"}})
    );
    assert_eq!(written(Step::Wait { ms: 5 }.report()), json!({"step": "wait", "ms": 5}));
    let p = written(q.progress());
    assert_eq!(p, json!({"state": "running", "handled": 0, "total": 1, "current": "Ana", "kind": "withdraw"}));
}

#[test]
fn a_success_leaves_the_snapshot_and_its_counts() {
    let received: ReceivedInvitation = from_value(json!({
        "invitationId": "r1", "memberId": "ACoAA1", "invitationCategory": "CONNECTION",
        "linkedInInvitationType": "GenericInvitationType_CONNECTION", "validationToken": "t",
        "profile": {"firstName": "Ana", "lastName": "Müller"}
    }))
    .unwrap();
    let sent: Vec<SentInvitation> = (0..3).map(sent_item).collect();
    let mut snap = crate::api::sync::Snapshot {
        taken_at_ms: T0,
        sent_taken_at_ms: T0,
        account_id: None,
        skipped: Default::default(),
        counts: crate::api::sync::Counts::of(&sent, std::slice::from_ref(&received)),
        sent: sent.clone(),
        received: vec![received.clone()],
        connection_count: None,
        cost: crate::api::sync::Cost { requests: 0, pages: 0, retries: 0, duration_ms: 0.0 },
        partial: Default::default(),
    };
    let mut q = ActionQueue::new();
    let items = vec![NewItem::withdraw(&sent[1], None), NewItem::respond(&received, RespondAction::Accept, None)];
    q.start(ACCOUNT, ActionSettings::default(), items, T0, 1).unwrap();
    let mut now = T0;
    let mut removed = Vec::new();
    loop {
        match q.next_step(now, ACCOUNT) {
            Step::Wait { ms } => now += ms as f64,
            Step::Send(o) => {
                let r = q.record(o.index, &done(), now);
                assert!(remove_from_snapshot(&mut snap, &r));
                assert!(!remove_from_snapshot(&mut snap, &r), "already out");
                removed.push(r);
            }
            Step::Finished(_) => break,
        }
    }
    assert_eq!((snap.counts.sent, snap.counts.received), (2, 0));
    assert!(snap.sent.iter().all(|s| s.invitation_id != sent[1].invitation_id));
    assert_eq!(removed[1].list, Some("received"));
    assert!(!remove_from_snapshot(&mut snap, &Recorded { accepted: true, remove: None, list: None }));
}

#[test]
fn an_invitation_given_twice_is_queued_once() {
    let mut items = withdrawals(3);
    items.extend(withdrawals(2));
    items.push(NewItem::withdraw(&sent_item(1), None));
    let mut q = ActionQueue::new();
    assert_eq!(q.start(ACCOUNT, ActionSettings::default(), items, T0, 7), Ok(3));
    let mut now = T0;
    let (sends, summary) = drive(&mut q, &mut now, |_| done());
    let ids: Vec<&str> = sends.iter().map(|(_, id)| id.as_str()).collect();
    assert_eq!(ids, ["7897046780350300000", "7897046780350300001", "7897046780350300002"], "in the order given");
    assert_eq!((summary.total, summary.done), (3, 3));
}

#[test]
fn a_wait_for_the_pace_shows_while_in_flight_and_ends_with_the_answer() {
    let mut q = started(2, ActionSettings::default());
    let Step::Send(order) = q.next_step(T0, ACCOUNT) else { panic!("the first write goes at once") };
    q.paced(T0, 400.0);
    assert_eq!(q.progress_at(T0).paced_until_ms, None, "under a second is not worth a word");
    q.paced(T0, 42_000.0);
    let until = T0 as u64 + 42_000;
    assert_eq!(q.progress_at(T0 + 1.0).paced_until_ms, Some(until));
    assert_eq!(q.progress_at(T0 + 42_000.0).paced_until_ms, None, "over once the time passed");
    // Stored and read back (the popup reads the stored queue).
    let back = reread(&q.to_json());
    assert_eq!(back.progress_at(T0 + 1.0).paced_until_ms, Some(until));
    let s = written(back.progress_at(T0 + 1.0));
    assert_eq!(s["pacedUntilMs"], until);
    // The answer ends the wait; a restarted worker forgets it too.
    q.record(order.index, &done(), T0 + 42_300.0);
    assert_eq!(q.progress_at(T0 + 1.0).paced_until_ms, None);
    let mut back = back;
    back.recover(T0 + 2.0);
    assert_eq!(back.progress_at(T0 + 3.0).paced_until_ms, None);
}
