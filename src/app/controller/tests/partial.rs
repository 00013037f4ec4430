//! The first sync shows what it has as it goes (issue 18): the stored snapshot marks
//! a list partial while no complete one of its kind is stored, and a page reads the
//! rows so far from the walk's pages (`store::so_far`), as the popup does.

use super::*;
use crate::store::so_far::SoFar;

/// (sent, received, sent partial, received partial): what a page of `key`'s settings
/// shows from storage now, read as the popup reads it (the snapshot, the walk's header,
/// then the pages the header names).
fn shown(app: &App<FakeHost>, key: &str) -> Option<(u32, u32, bool, bool)> {
    shown_snapshot(app, key).map(|s| (s.counts.sent, s.counts.received, s.partial.sent, s.partial.received))
}

fn shown_snapshot(app: &App<FakeHost>, key: &str) -> Option<crate::api::sync::Snapshot> {
    let tag = Settings::read(&serde_json::from_str(&settings(key)).unwrap()).account_tag();
    let now = app.host().now_ms();
    let snapshot = store::read_snapshot(stored(app, "snapshot").unwrap_or(Json::Null), &tag);
    let header = stored(app, "walk").unwrap_or(Json::Null);
    let mut so_far = SoFar::new();
    so_far.load(snapshot, &header, &tag, now);
    let keys = so_far.keys(&header, &tag, now);
    if !keys.is_empty() {
        let got: serde_json::Map<String, Json> = keys.iter().filter_map(|k| stored(app, k).map(|v| (k.clone(), v))).collect();
        so_far.add(&Json::Object(got), &tag, now);
    }
    so_far.take()
}

/// 3 received pages (25), then sent pages of 10.
const RECEIVED_PAGES: usize = 3;

#[test]
fn a_first_sync_stores_received_at_once_and_shows_sent_rows_so_far_even_after_a_stopped_worker() {
    let host = app(500, 25).host;
    // The 5th sent page hangs; the worker stops there.
    host.world.hang_at.set(Some(RECEIVED_PAGES + 5));
    let worker = App::new(host);
    assert_eq!(shown(&worker, "key-1"), None, "nothing yet");
    stop_when_pending(worker.start(Reason::Installed));
    assert_eq!(last_badge(&worker).text, "25", "the badge as soon as the received invitations are in");
    // Stored once the received walk ended: those, final; the sent list partial, empty
    // (its rows so far are the walk's pages, not rewritten into the snapshot).
    let snap = stored(&worker, "snapshot").unwrap();
    assert_eq!(snap["partial"], json!({"sent": true}));
    assert_eq!((snap["counts"]["received"].as_u64(), snap["sent"].as_array().unwrap().len()), (Some(25), 0));
    assert_eq!(stored(&worker, "badgeCounts").unwrap()["partial"], json!({"sent": true}));
    assert_eq!(worker.host().writes.borrow().iter().filter(|(k, _)| k == "snapshot").count(), 1, "written once, not per page");
    assert_eq!(shown(&worker, "key-1"), Some((40, 25, true, false)), "Received final, Sent 40 so far");
    // The popup's first screen follows: partial, its rows those read so far.
    let crate::view::FirstScreenWrite::Store(first) = crate::view::Views::new().load_snapshot(shown_snapshot(&worker, "key-1").as_ref()).1 else {
        panic!("a first screen to store")
    };
    assert_eq!((first.summary.partial.sent, first.summary.counts.sent, first.rows.len()), (true, 40, 40));
    assert!(first.rows.iter().all(|r| !r.actionable), "rows so far offer no action");

    // A new worker: the rows so far show from storage at once, before it sends anything.
    let host = worker.host;
    host.world.hang_at.set(Some(RECEIVED_PAGES + 5 + 6));
    let worker = App::new(host);
    assert_eq!(shown(&worker, "key-1"), Some((40, 25, true, false)));
    stop_when_pending(worker.wake());
    assert_eq!(worker.host().badges.borrow().first().unwrap().text, "25", "the badge from the stored counts on wake");
    // It went on from the page that hung: 5 more sent pages, none of the received ones.
    let resumed: Vec<String> = urls(&worker).into_iter().skip(RECEIVED_PAGES + 5).collect();
    assert!(resumed.iter().all(|u| u.contains("/invitations/sent")), "{resumed:?}");
    assert!(resumed[0].contains("startIndex=40"), "{resumed:?}");
    assert_eq!(shown(&worker, "key-1"), Some((90, 25, true, false)));

    // The walk ends: the complete snapshot, the count final, the walk's pages gone.
    let host = worker.host;
    host.world.hang_at.set(None);
    let worker = App::new(host);
    block_on(worker.wake());
    let snap = stored(&worker, "snapshot").unwrap();
    assert!(snap.get("partial").is_none(), "{}", snap["partial"]);
    assert!(stored(&worker, "badgeCounts").unwrap().get("partial").is_none());
    assert_eq!(shown(&worker, "key-1"), Some((500, 25, false, false)));
    assert!(worker.host().store.borrow().keys().all(|k| !k.starts_with("walk")));
}

#[test]
fn the_received_walk_itself_shows_its_rows_so_far_and_then_final() {
    let host = app(30, 25).host;
    host.world.hang_at.set(Some(2));
    let worker = App::new(host);
    stop_when_pending(worker.start(Reason::Installed));
    // No snapshot yet: the walk stands for one, both lists partial.
    assert!(stored(&worker, "snapshot").is_none());
    assert_eq!(shown(&worker, "key-1"), Some((0, 10, true, true)));
    let host = worker.host;
    host.world.hang_at.set(None);
    let worker = App::new(host);
    block_on(worker.wake());
    assert_eq!(shown(&worker, "key-1"), Some((30, 25, false, false)));
}

#[test]
fn a_refresh_of_a_complete_list_keeps_showing_it_until_the_new_one_is_complete() {
    let app = app(500, 25);
    block_on(app.start(Reason::Installed));
    let good = stored(&app, "snapshot").unwrap();
    assert!(good.get("partial").is_none());
    app.host().world.api.borrow_mut().sent = 480;
    advance(&app, 2.0 * 60.0 * MIN);
    let writes = app.host().writes.borrow().len();
    let requests = urls(&app).len();
    app.host().world.hang_at.set(Some(requests + RECEIVED_PAGES + 5));
    stop_when_pending(app.refresh(Reason::Button));
    assert!(stored(&app, "walk").unwrap()["sent"]["chunks"].as_u64() >= Some(4), "the refresh's walk is under way");
    // The last complete snapshot stays as it was, and is what a page shows.
    assert_eq!(stored(&app, "snapshot").unwrap(), good);
    assert!(app.host().writes.borrow()[writes..].iter().all(|(k, _)| k != "snapshot" && k != "badgeCounts"));
    assert_eq!(shown(&app, "key-1"), Some((500, 25, false, false)));
}

/// A first sync of 100 sent and 25 received, offline from the 4th sent page (no
/// retries): a transient failure, which keeps the walk.
fn first_sync_offline_from_the_4th_sent_page() -> App<FakeHost> {
    let app = app(100, 25);
    app.host().store.borrow_mut().insert("testClientConfig".into(), r#"{"minIntervalMs":0,"maxRetries":0}"#.into());
    app.host().world.offline_from.set(Some(RECEIVED_PAGES + 4));
    block_on(app.start(Reason::Installed));
    app
}

#[test]
fn a_first_sync_that_fails_shows_what_it_read_and_the_next_refresh_goes_on() {
    let app = first_sync_offline_from_the_4th_sent_page();
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "network");
    assert_eq!(shown(&app, "key-1"), Some((30, 25, true, false)), "the rows read so far stay");
    // Opening the popup: no complete sent list, so everything, from where it stopped.
    app.host().world.offline_from.set(None);
    take_urls(&app);
    block_on(app.refresh(Reason::Popup));
    let urls = take_urls(&app);
    assert!(urls[0].contains("/invitations/sent") && urls[0].contains("startIndex=30"), "{urls:?}");
    assert_eq!(shown(&app, "key-1"), Some((100, 25, false, false)));
    // A failure that ends the walk (a rejected key) takes its rows so far with it; the
    // stored received list stays.
    let app = self::app(100, 25);
    app.host().world.hang_at.set(Some(RECEIVED_PAGES + 2));
    stop_when_pending(app.start(Reason::Installed));
    assert_eq!(shown(&app, "key-1"), Some((10, 25, true, false)));
    let app = App::new(app.host);
    app.host().world.hang_at.set(None);
    app.host().world.api.borrow_mut().fail = Some(401);
    block_on(app.wake());
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "unauthorized");
    assert!(stored(&app, "walk").is_none());
    assert_eq!(shown(&app, "key-1"), Some((0, 25, true, false)));
}

#[test]
fn another_account_in_the_middle_of_a_first_sync_shows_nothing_of_the_first() {
    let app = app(500, 25);
    app.host().world.hang_at.set(Some(RECEIVED_PAGES + 5));
    let mut old = Box::pin(app.start(Reason::Installed));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(old.as_mut().poll(&mut cx).is_pending());
    assert_eq!(shown(&app, "key-1"), Some((40, 25, true, false)));
    let writes = app.host().writes.borrow().len();
    // The user switches key while the sent walk runs.
    let (before, after) = (serde_json::from_str(&settings("key-1")).unwrap(), serde_json::from_str(&settings("key-2")).unwrap());
    app.host().store.borrow_mut().insert("settings".into(), settings("key-2"));
    {
        let mut api = app.host().world.api.borrow_mut();
        (api.sent, api.received) = (4, 2);
    }
    let mut change = Box::pin(app.settings_changed(&before, &after));
    let _ = change.as_mut().poll(&mut cx);
    // At once, before the old sync has even ended: nothing of the first account, in
    // either account's eyes.
    assert!(stored(&app, "snapshot").is_none() && stored(&app, "badgeCounts").is_none());
    assert!(app.host().store.borrow().keys().all(|k| !k.starts_with("walk")), "{:?}", app.host().store.borrow().keys());
    assert_eq!(shown(&app, "key-2"), None);
    assert_eq!(shown(&app, "key-1"), None);
    assert!(old.as_mut().poll(&mut cx).is_ready());
    assert!(app.host().writes.borrow()[writes..].iter().all(|(k, _)| !k.starts_with("walk") && k != "snapshot"), "the cancelled sync wrote nothing");
    assert!(change.as_mut().poll(&mut cx).is_ready());
    assert_eq!(shown(&app, "key-2"), Some((4, 2, false, false)));
    assert_eq!(shown(&app, "key-1"), None);
}

#[test]
fn a_first_sync_stopped_before_its_end_is_nothing_to_compare_acceptances_with() {
    let app = first_sync_offline_from_the_4th_sent_page();
    assert_eq!(stored(&app, "snapshot").unwrap()["partial"], json!({"sent": true}));
    // The first complete sync: its sent list is the first one known, so nothing left it
    // and no rate can be known yet ("not known yet", never "none of 100").
    app.host().world.offline_from.set(None);
    block_on(app.refresh(Reason::Popup));
    assert!(stored(&app, "snapshot").unwrap().get("partial").is_none());
    let history = stored(&app, "acceptance").unwrap();
    assert_eq!(history["checks"], 0, "{history}");
    // The next sync of everything is the first comparison.
    advance(&app, 2.0 * 60.0 * MIN);
    block_on(app.refresh(Reason::Button));
    assert_eq!(stored(&app, "acceptance").unwrap()["checks"], 1);
}
