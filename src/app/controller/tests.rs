//! Whole scenarios of the controller over a fake host (storage, badge, permissions,
//! alarm), a fake clock and a fake API.

use super::*;
use crate::api::decode::{RateHeaders, RawResponse};
use crate::api::transport::{HttpRequest, OpToken};
use serde_json::json;
use std::collections::BTreeMap;
use std::pin::pin;
use std::task::Poll;

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("pending"),
    }
}

/// The fake API's state: list sizes and a failure mode.
#[derive(Debug, Default)]
struct Api {
    sent: usize,
    received: usize,
    /// Every request answers this status (401, 500…).
    fail: Option<u16>,
    /// Every request fails without an answer.
    offline: bool,
    /// Connections without vanity names or URLs.
    connections: usize,
    /// Sent invitations (by index) no longer pending: accepted or gone.
    left: Vec<usize>,
    /// Connections before the `connections` ones, newest first.
    newest: Vec<serde_json::Value>,
}

#[derive(Debug, Clone)]
struct World {
    api: Rc<RefCell<Api>>,
    clock: Rc<Cell<f64>>,
    urls: Rc<RefCell<Vec<String>>>,
    /// The request with this number (1-based) reaches the server and never answers: the
    /// worker is stopped while it waits.
    hang_at: Rc<Cell<Option<usize>>>,
    /// Requests from this number (1-based) on fail without an answer.
    offline_from: Rc<Cell<Option<usize>>>,
    /// Every write: (URL, body).
    posts: Rc<RefCell<Vec<(String, String)>>>,
    /// Writes from this number (1-based) on reach the server and hang until it is unset.
    hold_posts: Rc<Cell<Option<usize>>>,
    /// Reads whose URL contains this wait to be sent until it is unset.
    hold_reads: Rc<RefCell<Option<String>>>,
}

#[derive(Debug)]
struct Net {
    world: World,
    hold: Cell<bool>,
    cancelled: Cell<bool>,
}

fn page(url: &str, api: &Api) -> RawResponse {
    let q = |k: &str| {
        url.split_once('?').and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix(&format!("{k}=")).map(str::to_string)))
    };
    let start: usize = q("startIndex").and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = if url.contains("/analytics/connections/count") {
        json!({"success": true, "connectionCount": api.connections})
    } else if url.contains("/connections") {
        let limit: usize = q("limit").and_then(|s| s.parse().ok()).unwrap_or(10);
        let all = api.newest.iter().cloned().chain((0..api.connections).map(|i| json!({"firstName": format!("C{i}")})));
        let items: Vec<_> = all.skip(start).take(limit).collect();
        json!({"success": true, "connections": items, "endOfList": start + limit >= api.newest.len() + api.connections})
    } else {
        let (n, prefix) = if url.contains("/invitations/sent") { (api.sent, "s") } else { (api.received, "r") };
        let items: Vec<_> = (0..n)
            .filter(|i| prefix == "r" || !api.left.contains(i))
            .skip(start)
            .take(10)
            .map(|i| json!({"invitationId": format!("{prefix}{i}"), "invitationCategory": "CONNECTION", "sentAt": "1 week ago"}))
            .collect();
        json!({"success": true, "startIndex": start, "accountId": "acc", "invitations": items})
    };
    RawResponse { status: 200, headers: RateHeaders::default(), body: body.to_string() }
}

impl Transport for Net {
    async fn get(&self, _op: OpToken, request: &HttpRequest) -> Result<RawResponse, Error> {
        std::future::poll_fn(|_| {
            if self.cancelled.get() {
                Poll::Ready(Err(Error::Cancelled))
            } else if self.hold.get() || self.world.hold_reads.borrow().as_deref().is_some_and(|h| request.url.contains(h)) {
                Poll::Pending
            } else {
                Poll::Ready(Ok(()))
            }
        })
        .await?;
        self.world.urls.borrow_mut().push(request.url.clone());
        if self.world.hang_at.get() == Some(self.world.urls.borrow().len()) {
            // Until the worker stops, or another account's settings cancel the sync.
            std::future::poll_fn(|_| if self.cancelled.get() { Poll::Ready(()) } else { Poll::Pending }).await;
            return Err(Error::Cancelled);
        }
        self.world.clock.set(self.world.clock.get() + 5.0);
        let api = self.world.api.borrow();
        if api.offline || self.world.offline_from.get().is_some_and(|n| self.world.urls.borrow().len() >= n) {
            return Err(Error::Network("Failed to fetch".into()));
        }
        if let Some(code) = api.fail {
            return Ok(RawResponse { status: code, headers: RateHeaders::default(), body: r#"{"error":"nope"}"#.into() });
        }
        Ok(page(&request.url, &api))
    }
    async fn post(&self, _op: OpToken, request: &HttpRequest, body: &str) -> Result<RawResponse, Error> {
        self.world.posts.borrow_mut().push((request.url.clone(), body.to_string()));
        let n = self.world.posts.borrow().len();
        std::future::poll_fn(|_| if self.world.hold_posts.get().is_some_and(|from| n >= from) { Poll::Pending } else { Poll::Ready(()) })
            .await;
        self.world.clock.set(self.world.clock.get() + 5.0);
        Ok(RawResponse { status: 200, headers: RateHeaders::default(), body: r#"{"success":true,"message":"ok"}"#.into() })
    }
    async fn sleep(&self, _op: OpToken, ms: f64) -> Result<(), Error> {
        self.world.clock.set(self.world.clock.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.world.clock.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn cancel(&self) {
        self.cancelled.set(true);
    }
}

#[derive(Debug)]
struct FakeHost {
    world: World,
    store: RefCell<BTreeMap<String, String>>,
    /// Every storage write, in order: (key, JSON text).
    writes: RefCell<Vec<(String, String)>>,
    badges: RefCell<Vec<Badge>>,
    granted: Cell<bool>,
    scheduled: RefCell<Vec<u32>>,
    alive: RefCell<Vec<bool>>,
    /// The next transport holds its requests until released.
    hold_next: Cell<bool>,
    traps: Cell<u32>,
    notified: RefCell<Vec<crate::app::alerts::Alert>>,
}

impl Host for FakeHost {
    type Transport = Net;
    fn transport(&self) -> Net {
        Net { world: self.world.clone(), hold: Cell::new(self.hold_next.replace(false)), cancelled: Cell::new(false) }
    }
    async fn load(&self, keys: &[&str]) -> Vec<Json> {
        let store = self.store.borrow();
        keys.iter().map(|k| store.get(*k).map_or(Json::Null, |t| serde_json::from_str(t).unwrap())).collect()
    }
    async fn save(&self, entries: &[(&str, Json)]) {
        self.post(entries);
    }
    fn post(&self, entries: &[(&str, Json)]) {
        // Stored as text, as `storage.local` keeps JSON-compatible values only.
        for (k, v) in entries {
            self.store.borrow_mut().insert((*k).into(), v.to_string());
            self.writes.borrow_mut().push(((*k).into(), v.to_string()));
        }
    }
    async fn remove(&self, keys: &[&str]) {
        for k in keys {
            self.store.borrow_mut().remove(*k);
        }
    }
    fn show_badge(&self, badge: &Badge) {
        self.badges.borrow_mut().push(badge.clone());
    }
    async fn permission_granted(&self, _pattern: &str) -> bool {
        self.granted.get()
    }
    fn manifest_origins(&self) -> Vec<String> {
        vec!["https://api.connectsafely.ai".into()]
    }
    async fn schedule(&self, period_minutes: u32) {
        self.scheduled.borrow_mut().push(period_minutes);
    }
    fn keep_alive(&self, on: bool) {
        self.alive.borrow_mut().push(on);
    }
    fn now_ms(&self) -> f64 {
        self.world.clock.get()
    }
    fn arm_trap(&self) {
        self.traps.set(self.traps.get() + 1);
    }
    fn notify(&self, alert: &crate::app::alerts::Alert) {
        self.notified.borrow_mut().push(alert.clone());
    }
}

const T0: f64 = 1_780_000_000_000.0;
const MIN: f64 = 60_000.0;

fn app(sent: usize, received: usize) -> App<FakeHost> {
    let world = World {
        api: Rc::new(RefCell::new(Api { sent, received, ..Api::default() })),
        clock: Rc::new(Cell::new(T0)),
        urls: Rc::default(),
        hang_at: Rc::default(),
        offline_from: Rc::default(),
        posts: Rc::default(),
        hold_posts: Rc::default(),
        hold_reads: Rc::default(),
    };
    let host = FakeHost {
        world,
        store: RefCell::default(),
        writes: RefCell::default(),
        badges: RefCell::default(),
        granted: Cell::new(true),
        scheduled: RefCell::default(),
        alive: RefCell::default(),
        hold_next: Cell::new(false),
        traps: Cell::new(0),
        notified: RefCell::default(),
    };
    let app = App::new(host);
    app.host().store.borrow_mut().insert("settings".into(), settings("key-1"));
    // Fast pacing for the scenarios (the pacing itself is tested in the client).
    app.host().store.borrow_mut().insert(
        "testClientConfig".into(),
        r#"{"minIntervalMs":0,"maxRequests":1000,"maxWrites":1000,"maxAccountRequests":1000,"maxKeyRequests":1000}"#.into(),
    );
    app
}

fn settings(key: &str) -> String {
    json!({"schema": 1, "apiKey": key, "baseUrl": "https://api.connectsafely.ai/linkedin", "refreshMinutes": 15}).to_string()
}

fn stored(app: &App<FakeHost>, key: &str) -> Option<serde_json::Value> {
    app.host().store.borrow().get(key).map(|t| serde_json::from_str(t).unwrap())
}

fn urls(app: &App<FakeHost>) -> Vec<String> {
    app.host().world.urls.borrow().clone()
}

fn take_urls(app: &App<FakeHost>) -> Vec<String> {
    std::mem::take(&mut *app.host().world.urls.borrow_mut())
}

fn advance(app: &App<FakeHost>, ms: f64) {
    let c = &app.host().world.clock;
    c.set(c.get() + ms);
}

fn last_badge(app: &App<FakeHost>) -> Badge {
    app.host().badges.borrow().last().cloned().unwrap()
}

fn msg(v: serde_json::Value) -> Json {
    v
}

#[test]
fn install_fetches_everything_received_first_and_stores_a_tagged_snapshot() {
    let app = app(25, 3);
    block_on(app.start(Reason::Installed));
    assert_eq!(*app.host().scheduled.borrow(), [15]);
    let urls = urls(&app);
    assert!(urls[0].contains("/invitations/received"), "{urls:?}");
    assert_eq!(urls.iter().filter(|u| u.contains("/invitations/sent")).count(), 3);
    let snap = stored(&app, "snapshot").unwrap();
    assert_eq!(snap["counts"]["sent"], 25);
    assert_eq!(snap["counts"]["received"], 3);
    assert_eq!(snap["account"], Settings::read(&serde_json::from_str(&settings("key-1")).unwrap()).account_tag());
    assert_eq!(stored(&app, "badgeCounts").unwrap()["counts"]["received"], 3);
    assert_eq!(stored(&app, "status").unwrap()["state"], "ok");
    // The badge showed the received count mid-sync (before any sent page), then again.
    let badges = app.host().badges.borrow();
    assert!(badges.len() >= 2 && badges.iter().all(|b| b.text == "3" && !b.blocking), "{badges:?}");
    // The keep-alive ran exactly while the sync did: its walks, then the acceptance
    // check (here LinkedIn's quota only, read once: nothing left the list).
    assert_eq!(*app.host().alive.borrow(), [true, false, true, false]);
    assert_eq!(urls.iter().filter(|u| u.ends_with("/account/acc/quota")).count(), 1);
    // Progress was written per page, with the list and scope.
    let writes = app.host().writes.borrow();
    let syncing: Vec<serde_json::Value> = writes
        .iter()
        .filter(|(k, _)| k == "status")
        .map(|(_, v)| serde_json::from_str::<serde_json::Value>(v).unwrap())
        .filter(|v| v["state"] == "syncing")
        .collect();
    assert!(syncing.iter().all(|s| s["scope"] == "all" && s["reason"] == "installed"));
    assert!(syncing.iter().any(|s| s["progress"]["list"] == "sent" && s["progress"]["items"] == 25));
}

#[test]
fn the_alarm_fetches_received_only_and_the_popup_nothing_when_fresh() {
    let app = app(25, 3);
    block_on(app.start(Reason::Installed));
    take_urls(&app);
    advance(&app, 15.0 * MIN);
    block_on(app.refresh(Reason::Alarm));
    let urls = take_urls(&app);
    assert!(!urls.is_empty() && urls.iter().all(|u| u.contains("/invitations/received")), "{urls:?}");
    // The sent list was kept from the previous snapshot.
    assert_eq!(stored(&app, "snapshot").unwrap()["counts"]["sent"], 25);
    advance(&app, MIN);
    assert_eq!(block_on(app.handle(&msg(json!({"type": "refresh", "reason": "popup"})))), Reply::Done);
    assert!(take_urls(&app).is_empty());
    // The button fetches everything.
    block_on(app.handle(&msg(json!({"type": "refresh"}))));
    assert!(take_urls(&app).iter().any(|u| u.contains("/invitations/sent")));
}

#[test]
fn no_key_blocks_with_words_and_no_request() {
    let app = app(1, 1);
    app.host().store.borrow_mut().insert("settings".into(), settings(""));
    block_on(app.refresh(Reason::Alarm));
    assert!(urls(&app).is_empty());
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "no_key");
    let b = last_badge(&app);
    assert_eq!((b.text.as_str(), b.blocking, b.color), ("!", true, BADGE_ERROR_COLOR));
}

#[test]
fn a_key_saved_clears_the_no_key_badge_before_the_first_answer() {
    let app = app(1, 1);
    let before = settings("");
    app.host().store.borrow_mut().insert("settings".into(), before.clone());
    block_on(app.refresh(Reason::Alarm));
    assert_eq!(last_badge(&app).text, "!");
    // The key is saved; the API is slow to answer the first request.
    let after = settings("key-1");
    app.host().store.borrow_mut().insert("settings".into(), after.clone());
    app.host().world.hang_at.set(Some(1));
    let (old, new) = (serde_json::from_str(&before).unwrap(), serde_json::from_str(&after).unwrap());
    let mut sync = Box::pin(app.settings_changed(&old, &new));
    assert!(sync.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
    assert_eq!(urls(&app).len(), 1, "the first request waits for its answer");
    let b = last_badge(&app);
    assert!(!b.blocking && b.text != "!", "{b:?}");
}

#[test]
fn a_failed_sync_keeps_the_last_snapshot_and_classifies_the_error() {
    let app = app(5, 2);
    block_on(app.start(Reason::Installed));
    let good = stored(&app, "snapshot").unwrap();
    // A server error: not blocking, the count stays on the badge, the error in its title.
    app.host().world.api.borrow_mut().fail = Some(500);
    block_on(app.refresh(Reason::Button));
    assert_eq!(stored(&app, "snapshot").unwrap(), good);
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "server");
    let b = last_badge(&app);
    assert_eq!((b.text.as_str(), b.blocking), ("2", false));
    assert_eq!(b.error.unwrap().kind, "server");
    // A revoked key blocks.
    app.host().world.api.borrow_mut().fail = Some(401);
    block_on(app.refresh(Reason::Button));
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "unauthorized");
    assert_eq!(last_badge(&app).text, "!");
    // Offline with the host permission granted: network; revoked (Firefox): permission.
    app.host().world.api.borrow_mut().fail = None;
    app.host().world.api.borrow_mut().offline = true;
    app.host().store.borrow_mut().insert("testClientConfig".into(), r#"{"minIntervalMs":0,"maxRetries":0}"#.into());
    block_on(app.refresh(Reason::Button));
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "network");
    app.host().granted.set(false);
    block_on(app.refresh(Reason::Button));
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "permission");
    assert_eq!(stored(&app, "snapshot").unwrap(), good);
}

#[test]
fn another_account_cancels_the_running_sync_for_good_and_forgets_the_old_data() {
    let app = app(30, 2);
    block_on(app.start(Reason::Installed));
    assert_eq!(stored(&app, "snapshot").unwrap()["counts"]["sent"], 30);
    // A refresh whose first request hangs.
    app.host().store.borrow_mut().insert("testClientConfig".into(), r#"{"minIntervalMs":0,"maxRequests":999}"#.into());
    app.host().hold_next.set(true);
    let mut old = Box::pin(app.refresh(Reason::Button));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(old.as_mut().poll(&mut cx).is_pending());
    assert!(app.is_running());
    let writes_before = app.host().writes.borrow().len();
    // The user switches key: the settings change arrives while the old sync waits.
    let before = msg(serde_json::from_str(&settings("key-1")).unwrap());
    let after = msg(serde_json::from_str(&settings("key-2")).unwrap());
    app.host().store.borrow_mut().insert("settings".into(), settings("key-2"));
    app.host().world.api.borrow_mut().sent = 4;
    let mut change = Box::pin(app.settings_changed(&before, &after));
    assert!(change.as_mut().poll(&mut cx).is_pending(), "waits for the cancelled sync to end");
    assert!(stored(&app, "snapshot").is_none(), "the other account's snapshot is forgotten at once");
    assert!(stored(&app, "badgeCounts").is_none());
    assert!(old.as_mut().poll(&mut cx).is_ready());
    // The cancelled sync wrote nothing after the change.
    assert_eq!(app.host().writes.borrow().len(), writes_before);
    assert!(change.as_mut().poll(&mut cx).is_ready());
    let snap = stored(&app, "snapshot").unwrap();
    assert_eq!(snap["counts"]["sent"], 4);
    assert_eq!(snap["account"], Settings::read(&after).account_tag());
    assert_eq!(stored(&app, "status").unwrap()["state"], "ok");
}

#[test]
fn a_rate_limit_holds_refreshes_and_connections_until_its_retry_time() {
    let app = app(15, 3);
    block_on(app.start(Reason::Installed));
    app.host().world.api.borrow_mut().fail = Some(429);
    block_on(app.refresh(Reason::Button));
    let status = stored(&app, "status").unwrap();
    assert_eq!(status["error"]["kind"], "rate_limited", "{status}");
    let retry_at = status["error"]["retryAt"].as_f64().expect("a retry time");
    let now = app.host().world.clock.get();
    assert!(retry_at > now, "{retry_at} {now}");
    // The API answers again, but it asked to wait: nothing is sent before its time.
    app.host().world.api.borrow_mut().fail = None;
    take_urls(&app);
    for reason in [Reason::Button, Reason::Popup, Reason::Alarm, Reason::Installed] {
        block_on(app.refresh(reason));
    }
    let reply = block_on(app.handle(&msg(json!({"type": "connections", "startIndex": 0, "limit": 12}))));
    assert!(matches!(&reply, Reply::Error { error } if error.kind == "rate_limited"), "{reply:?}");
    assert!(take_urls(&app).is_empty(), "nothing before the retry time");
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "rate_limited", "the status still says why");
    // Its time has come: the button goes.
    advance(&app, retry_at - now + 1.0);
    block_on(app.refresh(Reason::Button));
    assert!(!take_urls(&app).is_empty());
    assert_eq!(stored(&app, "status").unwrap()["state"], "ok");
}

#[test]
fn a_second_refresh_joins_the_running_one() {
    let app = app(3, 1);
    app.host().hold_next.set(true);
    let mut cx = Context::from_waker(Waker::noop());
    let mut first = Box::pin(app.refresh(Reason::Button));
    assert!(first.as_mut().poll(&mut cx).is_pending());
    let refresh = msg(json!({"type": "refresh"}));
    let mut second = Box::pin(app.handle(&refresh));
    assert!(second.as_mut().poll(&mut cx).is_pending());
    // Release the held transport: the one sync finishes, and the joined call with it.
    app.client.borrow().as_ref().unwrap().client.transport().hold.set(false);
    assert!(first.as_mut().poll(&mut cx).is_ready());
    assert_eq!(second.as_mut().poll(&mut cx), Poll::Ready(Reply::Done));
    let received = urls(&app).iter().filter(|u| u.contains("/invitations/received")).count();
    assert_eq!(received, 1, "one sync, not two");
}

#[test]
fn a_stopped_worker_resumes_the_same_scope_on_wake() {
    let app = app(12, 2);
    block_on(app.start(Reason::Installed));
    take_urls(&app);
    // A received-only sync was running when the worker stopped.
    let status = json!({"schema": 1, "state": "syncing", "startedAt": T0, "reason": "alarm", "scope": "received",
                        "progress": {"list": "received", "pages": 1, "items": 2}});
    app.host().store.borrow_mut().insert("status".into(), status.to_string());
    // A new worker: a new controller over the same storage.
    let fresh = App::new(app.host);
    block_on(fresh.wake());
    let urls = urls(&fresh);
    assert!(!urls.is_empty() && urls.iter().all(|u| u.contains("/invitations/received")), "{urls:?}");
    assert_eq!(stored(&fresh, "status").unwrap()["state"], "ok");
    // The badge was drawn from storage before any request.
    assert_eq!(fresh.host().badges.borrow().first().unwrap().text, "2");
    // Nothing to resume: a wake only draws the badge.
    take_urls(&fresh);
    block_on(fresh.wake());
    assert!(take_urls(&fresh).is_empty());
}

#[test]
fn connections_page_through_one_cursor_and_keep_nameless_ones() {
    let app = app(0, 0);
    app.host().world.api.borrow_mut().connections = 30;
    let mut all = Vec::new();
    let mut start = 0;
    loop {
        let reply = block_on(app.handle(&msg(json!({"type": "connections", "startIndex": start, "limit": 12}))));
        let Reply::Page { items, next_start_index, done, .. } = reply else { panic!("{reply:?}") };
        all.extend(items);
        start = next_start_index;
        if done {
            break;
        }
    }
    assert_eq!(all.len(), 30, "connections without vanity names or URLs are all kept");
    assert_eq!(urls(&app).len(), 3);
}

#[test]
fn bad_messages_and_the_test_hook_answer_typed_errors() {
    let app = app(0, 0);
    for bad in [json!({"type": "nope"}), json!(null), json!({"type": "connections", "sortBy": "x"})] {
        let Reply::Error { error } = block_on(app.handle(&msg(bad))) else { panic!() };
        assert_eq!(error.kind, "invalid_input");
    }
    let Reply::Error { .. } = block_on(app.handle(&msg(json!({"type": "testTrap"})))) else { panic!() };
    assert_eq!(app.host().traps.get(), 0);
    app.host().store.borrow_mut().insert("testHooks".into(), "true".into());
    assert_eq!(block_on(app.handle(&msg(json!({"type": "testTrap"})))), Reply::Armed);
    assert_eq!(app.host().traps.get(), 1);
}

#[test]
fn the_test_request_lists_accounts_or_says_why_not() {
    let app = app(0, 0);
    let reply = block_on(app.handle(&msg(json!({"type": "test", "settings": {"apiKey": "", "baseUrl": "ftp://x"}}))));
    let Reply::Error { error } = reply else { panic!("{reply:?}") };
    assert_eq!(error.kind, "invalid_input");
    app.host().world.api.borrow_mut().fail = Some(401);
    let reply = block_on(app.handle(&msg(json!({"type": "test", "settings": {"apiKey": "k"}}))));
    let Reply::Error { error } = reply else { panic!("{reply:?}") };
    assert_eq!(error.kind, "unauthorized");
}

#[test]
fn the_test_request_and_another_account_share_the_keys_pacing() {
    let app = app(300, 0);
    // Production pacing: the sync's 33 reads use the account's read budget (and the
    // quota, its /account/* budget).
    app.host().store.borrow_mut().remove("testClientConfig");
    block_on(app.start(Reason::Installed));
    assert_eq!(urls(&app).len(), 34);
    let clock = || app.host().world.clock.get();
    let test = |key: &str| {
        let t = clock();
        block_on(app.handle(&msg(json!({"type": "test", "settings": {"apiKey": key}}))));
        clock() - t
    };
    // The stored key's test waits for the read budget the sync used (its next slot);
    // another key's goes at once (its own budgets): only the 5 ms the request takes.
    assert!(test("key-1") > 200.0, "the test shares the sync's pacing");
    assert_eq!(test("key-2"), 5.0, "another key is paced on its own");
    // Another account of the same key: its own read budget, but the key's spacing and
    // budget go on (the pacer outlives the account change).
    let pacer = app.pacer.borrow().as_ref().map(|(_, p)| p.clone()).unwrap();
    let other = json!({"schema": 1, "apiKey": "key-1", "baseUrl": "https://api.connectsafely.ai/linkedin", "accountId": "acc2"});
    let client = app.client_for(&Settings::read(&other), &Json::Null).unwrap();
    assert!(Rc::ptr_eq(&client.pacer(), &pacer));
}

#[test]
fn a_trap_is_recorded_as_internal_and_keeps_the_snapshot() {
    let app = app(2, 1);
    block_on(app.start(Reason::Installed));
    let good = stored(&app, "snapshot").unwrap();
    block_on(app.trapped());
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "internal");
    assert_eq!(stored(&app, "snapshot").unwrap(), good);
    let b = last_badge(&app);
    assert_eq!((b.text.as_str(), b.blocking), ("1", false));
}

#[test]
fn the_status_view_decides_blocking_and_no_key() {
    let set = msg(serde_json::from_str(&settings("k")).unwrap());
    let err = |kind: &str| msg(json!({"schema": 1, "state": "error", "at": T0, "error": {"kind": kind, "message": "m"}}));
    assert!(status_view(&err("unauthorized"), &set).blocking);
    let v = status_view(&err("server"), &set);
    assert_eq!((v.state, v.blocking), ("error", false));
    assert_eq!(status_view(&Json::Null, &set).state, "idle");
    assert_eq!(status_view(&msg(json!("garbage")), &set).state, "idle");
    let v = status_view(&Json::Null, &Json::Null);
    assert_eq!((v.state, v.blocking, v.error.unwrap().kind.as_str()), ("error", true, "no_key"));
    let syncing = msg(json!({"schema": 1, "state": "syncing", "progress": {"list": "sent", "pages": 3, "items": 30}}));
    assert_eq!(status_view(&syncing, &set).progress.unwrap().pages, 3);
}

#[test]
fn categories_are_defined_once() {
    let known: Vec<&str> = crate::api::models::Category::KNOWN.iter().map(|c| c.as_str()).collect();
    assert_eq!(crate::api::models::CATEGORIES[..5], known[..]);
    assert_eq!(crate::api::models::CATEGORIES[5], crate::api::sync::OTHER_CATEGORY);
}

/// Runs `f` until it pends (the worker is stopped there) and drops it.
fn stop_when_pending<F: Future>(f: F) {
    let mut f = pin!(f);
    assert!(f.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending(), "expected the sync to hang");
}

#[test]
fn a_walk_stopped_twice_resumes_from_the_next_page() {
    // 500 sent and 5 received: the floor is 1 received page, 51 sent pages (the last
    // one empty), the connection count and LinkedIn's quota.
    let floor = 1 + 51 + 1 + 1;
    let mut host = app(500, 5).host;
    for hang in [20, 40] {
        host.world.hang_at.set(Some(hang));
        let worker = App::new(host);
        if hang == 20 {
            stop_when_pending(worker.start(Reason::Installed));
        } else {
            stop_when_pending(worker.wake());
        }
        host = worker.host;
        let status: serde_json::Value = serde_json::from_str(&host.store.borrow()["status"]).unwrap();
        assert_eq!(status["state"], "syncing");
    }
    host.world.hang_at.set(None);
    let worker = App::new(host);
    block_on(worker.wake());
    let snap = stored(&worker, "snapshot").unwrap();
    assert_eq!(snap["counts"]["sent"], 500);
    assert_eq!(snap["counts"]["received"], 5);
    let ids: std::collections::BTreeSet<String> =
        snap["sent"].as_array().unwrap().iter().map(|s| s["invitationId"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids.len(), 500, "no item twice, none lost");
    let requests = urls(&worker).len();
    assert!(requests <= floor + 2, "{requests} requests for a floor of {floor}");
    // Each stop costs the one request it interrupted, nothing more.
    assert_eq!(requests, floor + 2);
    // The walk's keys are gone once the sync ended.
    assert!(worker.host().store.borrow().keys().all(|k| !k.starts_with("walk")), "{:?}", worker.host().store.borrow().keys());
}

#[test]
fn a_walk_of_another_account_or_too_old_is_not_resumed() {
    let mut host = app(100, 0).host;
    host.world.hang_at.set(Some(6));
    let worker = App::new(host);
    stop_when_pending(worker.start(Reason::Installed));
    host = worker.host;
    host.world.hang_at.set(None);
    // Two hours later: the walk is too old, the sync starts over.
    host.world.clock.set(host.world.clock.get() + 2.0 * 60.0 * MIN);
    let worker = App::new(host);
    take_urls(&worker);
    block_on(worker.wake());
    let urls = take_urls(&worker);
    assert!(urls.iter().any(|u| u.contains("/invitations/sent") && u.contains("startIndex=0&") || u.ends_with("startIndex=0")), "{urls:?}");
    assert_eq!(stored(&worker, "snapshot").unwrap()["counts"]["sent"], 100);
    assert!(worker.host().store.borrow().keys().all(|k| !k.starts_with("walk")));
}

#[test]
fn a_transient_failure_keeps_the_walk_for_the_next_sync() {
    let app = app(100, 0);
    app.host().store.borrow_mut().insert("testClientConfig".into(), r#"{"minIntervalMs":0,"maxRetries":0}"#.into());
    // Requests from the 6th on fail without an answer (offline).
    app.host().world.offline_from.set(Some(6));
    block_on(app.start(Reason::Installed));
    assert_eq!(stored(&app, "status").unwrap()["error"]["kind"], "network");
    assert!(stored(&app, "walk").is_some(), "the walk is kept");
    assert_eq!(take_urls(&app).len(), 6);
    // Back online: the next refresh goes on from the failed page (sent page 5 of 11).
    app.host().world.offline_from.set(None);
    block_on(app.refresh(Reason::Button));
    let urls = take_urls(&app);
    assert!(urls[0].contains("/invitations/sent") && urls[0].contains("startIndex=40"), "{urls:?}");
    assert_eq!(urls.len(), 11 - 4 + 1 + 1, "the sent pages left, the count and the quota");
    assert_eq!(stored(&app, "snapshot").unwrap()["counts"]["sent"], 100);
    assert!(stored(&app, "walk").is_none());
}

fn sent_ids(app: &App<FakeHost>) -> Vec<String> {
    stored(app, "snapshot").unwrap()["sent"].as_array().unwrap().iter().map(|s| s["invitationId"].as_str().unwrap().to_string()).collect()
}

fn queue_json(app: &App<FakeHost>) -> serde_json::Value {
    stored(app, "actions").unwrap()
}

/// The sent invitations of the fake API carry no profile: give them one so a withdraw
/// can be built (the public identifier is required).
fn with_profiles(app: &App<FakeHost>) {
    let mut snap = stored(app, "snapshot").unwrap();
    for (i, s) in snap["sent"].as_array_mut().unwrap().iter_mut().enumerate() {
        s["profile"] = json!({"firstName": format!("P{i}"), "publicIdentifier": format!("p{i}")});
        s["memberId"] = json!(format!("ACoAA{i}"));
    }
    app.host().store.borrow_mut().insert("snapshot".into(), snap.to_string());
}

#[test]
fn a_confirmed_withdraw_run_is_paced_and_leaves_the_list_without_a_sync() {
    let app = app(10, 2);
    block_on(app.start(Reason::Installed));
    with_profiles(&app);
    take_urls(&app);
    assert!(app.host().world.posts.borrow().is_empty(), "nothing is written without an act");
    let ids: Vec<String> = sent_ids(&app).into_iter().take(3).collect();
    let reply = block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ids}))));
    assert_eq!(reply, Reply::Started { total: 3 });
    let t0 = app.host().world.clock.get();
    block_on(app.run_actions());
    let posts = app.host().world.posts.borrow().clone();
    assert_eq!(posts.len(), 3);
    assert!(posts.iter().all(|(u, _)| u.ends_with("/invitations/withdraw")));
    let body: serde_json::Value = serde_json::from_str(&posts[0].1).unwrap();
    assert_eq!(body["profileId"], "p0");
    assert_eq!(body["invitationId"], ids[0].as_str());
    // Paced: at least 4 s between writes on the clock.
    assert!(app.host().world.clock.get() - t0 >= 8_000.0);
    // The rows left the stored list and the counts, with no request for a list.
    assert!(take_urls(&app).is_empty());
    assert_eq!(sent_ids(&app).len(), 7);
    assert_eq!(stored(&app, "snapshot").unwrap()["counts"]["sent"], 7);
    assert_eq!(queue_json(&app)["state"], "finished");
}

/// The app and the pacing each write of a two-write run was stored with
/// (`pacedUntilMs`), after a sync of 20 sent invitations (five reads and the quota) with
/// these test timings.
fn paced_writes_after_a_sync(timings: &str) -> (App<FakeHost>, Vec<serde_json::Value>) {
    let app = app(20, 0);
    app.host().store.borrow_mut().insert("testClientConfig".into(), timings.into());
    block_on(app.start(Reason::Installed));
    assert_eq!(urls(&app).len(), 6);
    with_profiles(&app);
    let ids: Vec<String> = sent_ids(&app).into_iter().take(2).collect();
    block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ids}))));
    app.host().writes.borrow_mut().clear();
    block_on(app.run_actions());
    assert_eq!(app.host().world.posts.borrow().len(), 2);
    let writes = app.host().writes.borrow().clone();
    let in_flight = |q: &serde_json::Value| q["items"].as_array().unwrap().iter().any(|i| i["state"] == "in_flight");
    // Each write is stored in flight before it is sent.
    let sends = writes.iter().filter(|(k, _)| k == "actions").map(|(_, v)| serde_json::from_str(v).unwrap()).filter(in_flight).collect();
    (app, sends)
}

#[test]
fn writes_have_their_own_budget_a_sync_does_not_use() {
    // The sync's five reads use the whole read budget: the writes still go at once.
    let (_, sends) = paced_writes_after_a_sync(r#"{"minIntervalMs":0,"maxRequests":5,"windowMs":60000}"#);
    assert_eq!(sends.len(), 2);
    assert!(sends.iter().all(|q| q["pacedUntilMs"] == 0), "{sends:?}");
}

#[test]
fn a_write_waiting_for_the_pace_a_sync_used_says_until_when() {
    // A key's budget like production's (here 7 requests a minute): the sync's four
    // pages, the count and the quota leave room for one write at once, then the window
    // is full: the second waits for it.
    let (app, sends) = paced_writes_after_a_sync(r#"{"minIntervalMs":0,"maxKeyRequests":7,"windowMs":60000}"#);
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[0]["pacedUntilMs"], 0, "the first goes at once");
    let paced = sends[1]["pacedUntilMs"].as_f64().unwrap();
    assert!(paced > T0, "the second waits for the window: {}", sends[1]);
    // The popup's view of that stored queue says until when, while it waits.
    let raw = sends[1].clone();
    let view = crate::app::controller::acting::actions_view(&raw, paced - 1_000.0);
    assert_eq!(view.progress.paced_until_ms, Some(paced as u64));
    assert_eq!(crate::app::controller::acting::actions_view(&raw, paced).progress.paced_until_ms, None, "not after it");
    // Recorded: the wait is over.
    assert_eq!(queue_json(&app)["pacedUntilMs"], 0);
    assert_eq!(queue_json(&app)["state"], "finished");
}

#[test]
fn stop_mid_run_sends_nothing_more_and_a_stopped_worker_never_repeats_a_write() {
    let app = app(10, 0);
    block_on(app.start(Reason::Installed));
    with_profiles(&app);
    let ids: Vec<String> = sent_ids(&app).into_iter().take(4).collect();
    block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ids}))));
    // The first write hangs: Stop meanwhile; it still takes its answer, nothing follows.
    app.host().world.hold_posts.set(Some(1));
    {
        let mut run = Box::pin(app.run_actions());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(run.as_mut().poll(&mut cx).is_pending());
        block_on(app.handle(&msg(json!({"type": "stopActions"}))));
        app.host().world.hold_posts.set(None);
        assert!(run.as_mut().poll(&mut cx).is_ready());
    }
    assert_eq!(app.host().world.posts.borrow().len(), 1);
    let q = queue_json(&app);
    assert_eq!(q["state"], "stopped");
    assert_eq!(q["items"][0]["state"], "done");
    assert_eq!(q["items"][1]["state"], "pending");

    // A new run; the worker stops while the second write is in flight.
    let ids: Vec<String> = sent_ids(&app).into_iter().take(3).collect();
    assert_eq!(block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ids})))), Reply::Started { total: 3 });
    app.host().world.posts.borrow_mut().clear();
    // The first write answers, the second hangs.
    app.host().world.hold_posts.set(Some(2));
    {
        let mut run = Box::pin(app.run_actions());
        assert!(run.as_mut().poll(&mut Context::from_waker(Waker::noop())).is_pending());
        assert_eq!(app.host().world.posts.borrow().len(), 2, "the second write is in flight");
    } // the worker stops here
    app.host().world.hold_posts.set(None);
    let worker = App::new(app.host);
    block_on(worker.wake());
    let posts = worker.host().world.posts.borrow().clone();
    assert_eq!(posts.len(), 3, "the in-flight write is not sent again: {posts:?}");
    let bodies: std::collections::BTreeSet<_> = posts.iter().map(|(_, b)| b.clone()).collect();
    assert_eq!(bodies.len(), 3);
    let q = queue_json(&worker);
    assert_eq!(q["items"][1]["state"], "unknown");
    assert_eq!(q["state"], "finished");
}

#[test]
fn the_daily_cap_stops_a_run_and_the_allowance_says_so() {
    let app = app(10, 0);
    let mut s: serde_json::Value = serde_json::from_str(&settings("key-1")).unwrap();
    s["withdrawCap"] = json!(2);
    s["accountId"] = json!("696ce9e780e0483585e4e553");
    app.host().store.borrow_mut().insert("settings".into(), s.to_string());
    block_on(app.start(Reason::Installed));
    with_profiles(&app);
    let Reply::Allowance { remaining, cap, .. } = block_on(app.handle(&msg(json!({"type": "allowance", "action": "withdraw"})))) else {
        panic!()
    };
    assert_eq!((remaining, cap), (2, 2));
    let ids: Vec<String> = sent_ids(&app).into_iter().take(3).collect();
    block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ids}))));
    block_on(app.run_actions());
    assert_eq!(app.host().world.posts.borrow().len(), 2);
    let q = queue_json(&app);
    assert_eq!(q["state"], "stopped");
    assert_eq!(q["stop"]["reason"], "cap");
    let Reply::Allowance { remaining, .. } = block_on(app.handle(&msg(json!({"type": "allowance", "action": "withdraw"})))) else {
        panic!()
    };
    assert_eq!(remaining, 0);
    // Unknown ids and a missing snapshot are refused in words.
    let Reply::Error { error } = block_on(app.handle(&msg(json!({"type": "act", "action": "withdraw", "ids": ["nope"]})))) else { panic!() };
    assert_eq!(error.kind, "invalid_input");
}

#[test]
fn new_received_invitations_notify_once_and_first_sight_is_remembered() {
    let app = app(3, 2);
    let mut s: serde_json::Value = serde_json::from_str(&settings("key-1")).unwrap();
    s["alertCategories"] = json!(["CONNECTION"]);
    app.host().store.borrow_mut().insert("settings".into(), s.to_string());
    block_on(app.start(Reason::Installed));
    assert!(app.host().notified.borrow().is_empty(), "nothing on the first sync");
    let seen = stored(&app, "firstSeen").unwrap();
    assert_eq!(seen["received"].as_object().unwrap().len(), 2);
    assert_eq!(seen["sent"].as_object().unwrap().len(), 3);
    let first = seen["received"]["r0"].as_u64().unwrap();

    // Two more arrive; the next scheduled refresh notifies once, naming both.
    advance(&app, 15.0 * MIN);
    app.host().world.api.borrow_mut().received = 4;
    block_on(app.refresh(Reason::Alarm));
    let notified = app.host().notified.borrow().clone();
    assert_eq!(notified.len(), 1);
    let ids: Vec<&str> = notified[0].items.iter().map(|i| i.invitation_id.as_str()).collect();
    assert_eq!(ids, ["r2", "r3"]);
    assert_eq!((notified[0].count, notified[0].more, notified[0].names.len()), (2, false, 2), "{:?}", notified[0]);
    let seen = stored(&app, "firstSeen").unwrap();
    assert_eq!(seen["received"]["r0"].as_u64().unwrap(), first, "first sight is kept");
    assert!(seen["received"]["r3"].as_u64().unwrap() > first);
    // The sent list was not fetched by the alarm: its sightings stay.
    assert_eq!(seen["sent"].as_object().unwrap().len(), 3);

    // Nothing new: no notification. One leaves: it is forgotten.
    advance(&app, 15.0 * MIN);
    app.host().world.api.borrow_mut().received = 3;
    block_on(app.refresh(Reason::Alarm));
    assert_eq!(app.host().notified.borrow().len(), 1);
    assert!(stored(&app, "firstSeen").unwrap()["received"].get("r3").is_none());
}

mod accepting;
mod partial;
