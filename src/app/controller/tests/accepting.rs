//! Acceptance tracking over whole syncs: what became of the sent invitations that
//! left, the extension's own withdrawals, the connection pages read, an account change.

use super::*;

/// "Connected on <the date of ms>".
fn connected_on(ms: f64) -> String {
    let date = crate::store::history::iso_date(ms as u64);
    let mut parts = date.split('-').map(|p| p.parse::<usize>().unwrap());
    let (y, m, d) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m - 1];
    format!("Connected on {month} {d}, {y}")
}

fn outcomes(app: &App<FakeHost>) -> Vec<(String, String)> {
    let h = stored(app, "acceptance").unwrap();
    h["entries"].as_array().unwrap().iter().map(|e| (e["id"].as_str().unwrap().into(), e["outcome"].as_str().unwrap().into())).collect()
}

const DAY: f64 = 86_400_000.0;

#[test]
fn invitations_that_left_are_accepted_gone_or_withdrawn_by_us() {
    let app = app(30, 0);
    app.host().world.api.borrow_mut().connections = 40;
    block_on(app.start(Reason::Installed));
    // The first sync: a history with nothing compared yet (no rate before a second sync).
    let h = stored(&app, "acceptance").unwrap();
    assert_eq!((h["checks"].clone(), h["entries"].clone()), (json!(0), json!([])));
    assert!(h["sinceMs"].as_f64().unwrap() >= T0, "tracking since the first sync");
    assert!(urls(&app).iter().all(|u| !u.contains("/connections?")), "nothing left: no connection read");
    with_profiles(&app);
    // s7 has no public identifier, only a profile URL; its connection has no vanity name.
    let mut snap = stored(&app, "snapshot").unwrap();
    snap["sent"][7]["profile"] = json!({"firstName": "P7", "profileUrl": "https://www.linkedin.com/in/p-seven/"});
    app.host().store.borrow_mut().insert("snapshot".into(), snap.to_string());
    // We withdraw s5 from the extension.
    block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ["s5"]}))));
    block_on(app.run_actions());
    assert_eq!(outcomes(&app), [("s5".to_string(), "withdrawn".to_string())]);
    // A day later: s1 and s7 accepted (the newest connections, today), s3 connected 10
    // days ago (an older connection), s4 expired; s5 is gone from the API as well.
    advance(&app, DAY);
    let now = app.host().world.clock.get();
    {
        let mut api = app.host().world.api.borrow_mut();
        api.left = vec![1, 3, 4, 5, 7];
        api.newest = vec![
            json!({"firstName": "P1", "vanityName": "P1", "connectedDate": connected_on(now)}),
            json!({"firstName": "P7", "profileUrl": "https://www.linkedin.com/in/p-seven", "connectedDate": connected_on(now)}),
            json!({"firstName": "P3", "vanityName": "p3", "connectedDate": connected_on(now - 10.0 * DAY)}),
        ];
    }
    take_urls(&app);
    block_on(app.refresh(Reason::Button));
    let mut got = outcomes(&app);
    got.sort();
    let want: Vec<(String, String)> =
        [("s1", "accepted"), ("s3", "gone"), ("s4", "gone"), ("s5", "withdrawn"), ("s7", "accepted")].map(|(a, b)| (a.into(), b.into())).into();
    assert_eq!(got, want, "our own withdrawal is never gone");
    let h = stored(&app, "acceptance").unwrap();
    assert_eq!(h["checks"], 1);
    // One page of connections: it reached one older than the previous sync.
    let urls = take_urls(&app);
    let checks: Vec<&String> = urls.iter().filter(|u| u.contains("/connections?")).collect();
    assert_eq!(checks.len(), 1, "{urls:?}");
    assert!(checks[0].contains("sortBy=recentlyAdded") && checks[0].contains("limit=12") && checks[0].contains("startIndex=0"));
    assert!(app.host().world.posts.borrow().len() == 1, "the one confirmed withdrawal, nothing else written");
    // The popup's view: 2 accepted of the 30 sent (25 pending + the 5 that left).
    let h = crate::store::history::History::read(&h, &Settings::read(&serde_json::from_str(&settings("key-1")).unwrap()).account_tag());
    let pending: Vec<f64> = vec![T0 - 7.0 * DAY; 25];
    let v = crate::store::acceptance::acceptance_view(h.as_ref(), &pending, &Settings::read(&Json::Null), now);
    assert_eq!((v.accepted, v.sent, v.percent), (2, 30, Some(7)));
}

#[test]
fn at_most_three_pages_of_connections_are_read_and_a_failure_leaves_them_unchecked() {
    let app = app(20, 0);
    app.host().world.api.borrow_mut().connections = 100; // undated: never older
    block_on(app.start(Reason::Installed));
    advance(&app, DAY);
    app.host().world.api.borrow_mut().left = vec![2];
    take_urls(&app);
    block_on(app.refresh(Reason::Button));
    let urls = take_urls(&app);
    assert_eq!(urls.iter().filter(|u| u.contains("/connections?")).count(), 3);
    assert_eq!(outcomes(&app), [("s2".to_string(), "gone".to_string())]);
    // The connections cannot be read: the one that left is unchecked, the sync is fine.
    // (Requests from the 4th on fail: the received page and the two sent pages answer;
    // the count, the connections and the quota do not.)
    advance(&app, DAY);
    app.host().world.api.borrow_mut().left = vec![2, 3];
    app.host().world.offline_from.set(Some(4));
    app.host().store.borrow_mut().insert("testClientConfig".into(), r#"{"minIntervalMs":0,"maxRequests":1000,"maxRetries":0}"#.into());
    block_on(app.refresh(Reason::Button));
    assert_eq!(stored(&app, "status").unwrap()["state"], "ok");
    assert!(outcomes(&app).contains(&("s3".to_string(), "unchecked".to_string())));
}

#[test]
fn another_account_starts_its_own_history() {
    let app = app(10, 0);
    block_on(app.start(Reason::Installed));
    advance(&app, DAY);
    app.host().world.api.borrow_mut().left = vec![0];
    block_on(app.refresh(Reason::Button));
    assert_eq!(outcomes(&app).len(), 1);
    // Another key: the old account's history goes with its snapshot, and the new
    // account's first sync compares nothing (its lists are not the old one's).
    let before: Json = serde_json::from_str(&settings("key-1")).unwrap();
    let after: Json = serde_json::from_str(&settings("key-2")).unwrap();
    app.host().store.borrow_mut().insert("settings".into(), after.to_string());
    app.host().world.api.borrow_mut().left = vec![0, 1, 2];
    block_on(app.settings_changed(&before, &after));
    let h = stored(&app, "acceptance").unwrap();
    assert_eq!((h["checks"].clone(), h["entries"].clone()), (json!(0), json!([])));
    assert_eq!(h["account"], json!(Settings::read(&after).account_tag()));
}

#[test]
fn a_withdrawal_done_while_the_sync_reads_connections_stays_withdrawn() {
    let app = app(30, 0);
    app.host().world.api.borrow_mut().connections = 40;
    block_on(app.start(Reason::Installed));
    with_profiles(&app);
    let tag = Settings::read(&serde_json::from_str(&settings("key-1")).unwrap()).account_tag();
    let before = store::read_snapshot(stored(&app, "snapshot").unwrap(), &tag).unwrap();
    let s5 = before.sent.iter().find(|i| i.invitation_id == "s5").unwrap().clone();
    advance(&app, DAY);
    let now = app.host().world.clock.get();
    {
        let mut api = app.host().world.api.borrow_mut();
        api.left = vec![1, 5];
        api.newest = vec![json!({"firstName": "P1", "vanityName": "P1", "connectedDate": connected_on(now)})];
    }
    // The sync waits for its page of the newest connections (pacing can make that a
    // minute); meanwhile the extension's withdrawal of s5 is done and recorded.
    *app.host().world.hold_reads.borrow_mut() = Some("sortBy=recentlyAdded".into());
    let mut sync = Box::pin(app.refresh(Reason::Button));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(sync.as_mut().poll(&mut cx).is_pending());
    block_on(app.note_own_withdrawal(&tag, &s5, before.sent_taken_at_ms));
    *app.host().world.hold_reads.borrow_mut() = None;
    assert!(sync.as_mut().poll(&mut cx).is_ready());
    let mut got = outcomes(&app);
    got.sort();
    let want: Vec<(String, String)> = [("s1", "accepted"), ("s5", "withdrawn")].map(|(a, b)| (a.into(), b.into())).into();
    assert_eq!(got, want, "the sync's history keeps the withdrawal done meanwhile, never gone");
}

#[test]
fn an_invitation_withdrawn_while_a_sync_reads_does_not_come_back_with_its_end() {
    let app = app(30, 0);
    block_on(app.start(Reason::Installed));
    with_profiles(&app);
    advance(&app, DAY);
    // The refresh has read the sent list (s5 still in it) and waits for the quota;
    // meanwhile a confirmed withdrawal of s5 is done.
    *app.host().world.hold_reads.borrow_mut() = Some("/quota".into());
    let mut sync = Box::pin(app.refresh(Reason::Button));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(sync.as_mut().poll(&mut cx).is_pending());
    assert_eq!(block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ["s5"]})))), Reply::Started { total: 1 });
    block_on(app.run_actions());
    assert_eq!(app.host().world.posts.borrow().len(), 1);
    *app.host().world.hold_reads.borrow_mut() = None;
    assert!(sync.as_mut().poll(&mut cx).is_ready());
    let snap = stored(&app, "snapshot").unwrap();
    assert!(snap["sent"].as_array().unwrap().iter().all(|i| i["invitationId"] != "s5"), "s5 came back");
    assert_eq!(snap["counts"]["sent"], 29);
    assert_eq!(stored(&app, "badgeCounts").unwrap()["counts"]["sent"], 29);
}
