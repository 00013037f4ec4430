//! The background's controller: every decision the background worker makes.
//!
//! The worker's JavaScript registers the browser's listeners and forwards each event to
//! one [`App`]: a wake, an install or browser start, the alarm, a settings change, a
//! message of a page ([`crate::app::protocol::Request`]). The [`App`] decides everything
//! else: what a refresh fetches ([`crate::app::refresh`]), the status and its transitions
//! (`syncing` → `ok` | `error`), which errors block (the badge shows "!"), the error
//! classification (`no_key`, `permission`), the badge, forgetting the data of another
//! account, cancelling a sync for good, the connections cursor, and where an
//! interrupted walk resumes. What it needs of the browser goes through [`Host`]:
//! storage, the badge, host permissions, the alarm, the keep-alive and a fresh
//! [`Transport`]. Native tests drive whole scenarios over a fake host, a fake clock and
//! a fake transport.

use crate::api::client::{Client, Progress, Scope, SortBy};
use crate::api::config::{Config, ConfigInput};
use crate::api::error::Error;
use crate::api::limiter::Pacer;
use serde_json::Value as Json;
use crate::api::paginate::Walk;
use crate::app::protocol::{Reply, Request};
use crate::app::queue::ActionQueue;
use crate::app::refresh::{plan, Reason, Stored};
use crate::store::{self, Settings, Stamped, Status, StoredError, StoredProgress, SCHEMA};
use crate::api::sync::Counts;
use crate::api::transport::Transport;
use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;
use crate::store::walk::{self as walks, Header};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// The storage keys the controller reads and writes.
pub mod keys {
    /// The settings (written by the options page).
    pub const SETTINGS: &str = "settings";
    /// The last good snapshot, tagged with its account.
    pub const SNAPSHOT: &str = "snapshot";
    /// The badge's counts beside it (a few hundred bytes).
    pub const BADGE_COUNTS: &str = "badgeCounts";
    /// The sync status.
    pub const STATUS: &str = "status";
    /// Test-only client timings (never offered by the options page).
    pub const TEST_CLIENT_CONFIG: &str = "testClientConfig";
    /// Test-only: accept the `testTrap` request.
    pub const TEST_HOOKS: &str = "testHooks";
    /// The popup's stored first screen (removed with another account's data).
    pub const FIRST_SCREEN: &str = "firstScreen";
    /// When each invitation was first seen (see [`crate::store::ages::FirstSeen`]).
    pub const FIRST_SEEN: &str = "firstSeen";
    /// What became of the sent invitations that left (see [`crate::store::history`]).
    pub const ACCEPTANCE: &str = "acceptance";
}

/// Error kinds that make every refresh fail until the user acts: the badge shows "!",
/// and the popup shows the error as an error, not a warning.
pub const BLOCKING: &[&str] = &["no_key", "unauthorized", "forbidden", "no_account", "permission", "invalid_input"];

/// Whether an error kind blocks (see [`BLOCKING`]).
pub fn is_blocking(kind: &str) -> bool {
    BLOCKING.contains(&kind)
}

/// The toolbar badge as the controller wants it drawn; the host puts the words of the
/// title together (translated) from `error` and `blocking`.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct Badge {
    /// The badge text: a count, `"!"`, or empty.
    pub text: String,
    /// The background colour (`#rrggbb`).
    pub color: &'static str,
    /// The error shown in the title: blocking (`"!"`) or not (the count stays).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = "ApiError")]
    pub error: Option<StoredError>,
    /// Whether `error` blocks.
    pub blocking: bool,
}

/// Badge colour of counts.
pub const BADGE_COLOR: &str = "#0a3d62";
/// Badge colour of a blocking error.
pub const BADGE_ERROR_COLOR: &str = "#b3261e";

/// What the controller needs of the browser. Writes marked "not awaited" are fired and
/// forgotten (the browser's storage applies writes in call order).
#[allow(async_fn_in_trait)] // single-threaded WebAssembly: no Send bound wanted
pub trait Host {
    /// The transport of a new client.
    type Transport: Transport;
    /// A transport for a new client.
    fn transport(&self) -> Self::Transport;
    /// Reads stored values; an absent key reads as [`Json::Null`]. One value per key.
    async fn load(&self, keys: &[&str]) -> Vec<Json>;
    /// Writes stored values, awaited.
    async fn save(&self, entries: &[(&str, Json)]);
    /// Writes stored values, not awaited (progress during a walk).
    fn post(&self, entries: &[(&str, Json)]);
    /// Removes stored values.
    async fn remove(&self, keys: &[&str]);
    /// Draws the badge (not awaited).
    fn show_badge(&self, badge: &Badge);
    /// Whether the host permission `pattern` (`https://host/*`) is granted.
    async fn permission_granted(&self, pattern: &str) -> bool;
    /// The API origins the manifest asks host permission for.
    fn manifest_origins(&self) -> Vec<String>;
    /// Makes sure the refresh alarm fires every `period_minutes`.
    async fn schedule(&self, period_minutes: u32);
    /// Keeps the worker alive while `on` (a sync is running).
    fn keep_alive(&self, on: bool);
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
    /// Shows a desktop notification of new received invitations (not awaited).
    fn notify(&self, alert: &crate::app::alerts::Alert) {
        let _ = alert;
    }
    /// Test hook: the next page of a sync traps.
    fn arm_trap(&self) {}
    /// Called after every page of a sync (the test trap fires here).
    fn on_page(&self) {}
}

/// A value as stored (serialization of the crate's own types cannot fail; an
/// impossible failure stores `null`, which every reader takes as absent).
fn text<T: serde::Serialize + ?Sized>(value: &T) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// An [`Error`] as stored and shown.
pub fn stored_error(e: &Error) -> StoredError {
    let r = e.report();
    StoredError {
        kind: r.kind.into(),
        status: r.status,
        message: r.message,
        retry_at: r.retry_at.map(|t| t as f64),
        reason: r.reason,
        api_message: r.api_message,
    }
}

fn status(state: &'static str, at: f64) -> Status {
    Status { schema: SCHEMA, state, at: Some(at), started_at: None, reason: None, scope: None, progress: None, error: None }
}

fn error_status(mut error: StoredError, at: f64) -> Status {
    if error.kind == "rate_limited" && error.retry_at.is_none() {
        // Refused without a time to come back: a minute, as the client waits (and the
        // status can say until when).
        error.retry_at = Some(at + f64::from(crate::api::limiter::RetryPolicy::default().default_rate_limit_wait_ms));
    }
    Status { error: Some(error), ..status("error", at) }
}

/// The badge's counts as stored beside the snapshot, with its partial lists (whose
/// counts are counts so far).
#[derive(Serialize)]
struct StoredCounts<'a> {
    schema: u32,
    account: &'a str,
    counts: &'a Counts,
    #[serde(skip_serializing_if = "crate::api::sync::PartialLists::is_none")]
    partial: crate::api::sync::PartialLists,
}

/// Completion of the running sync, awaited by the callers that join it.
#[derive(Debug, Default)]
struct Signal {
    done: Cell<bool>,
    wakers: RefCell<Vec<Waker>>,
}

impl Signal {
    fn fire(&self) {
        self.done.set(true);
        for w in self.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }
}

struct Wait(Rc<Signal>);

impl Future for Wait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0.done.get() {
            Poll::Ready(())
        } else {
            self.0.wakers.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Runs two futures to their ends, side by side.
async fn join(a: impl Future<Output = ()>, b: impl Future<Output = ()>) {
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut a_done, mut b_done) = (false, false);
    std::future::poll_fn(|cx| {
        if !a_done {
            a_done = a.as_mut().poll(cx).is_ready();
        }
        if !b_done {
            b_done = b.as_mut().poll(cx).is_ready();
        }
        if a_done && b_done {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
}

/// The page cap of the connections cursor (LinkedIn allows 30,000 connections; short
/// pages mid-list make that several thousand pages). The walk's other guards still
/// stop a loop.
const CONNECTIONS_MAX_PAGES: u32 = 6_000;

#[derive(Debug)]
struct Cursor {
    sort_by: SortBy,
    limit: u32,
    walk: Walk,
}

struct Cached<T> {
    key: String,
    client: Rc<Client<T>>,
}

/// The background's controller (see the module doc). One per worker; its methods may
/// run concurrently (one sync at a time: a second refresh joins the running one).
pub struct App<H: Host> {
    host: H,
    client: RefCell<Option<Cached<H::Transport>>>,
    /// The pacer of the current API key (and base URL and test timings), shared by its
    /// clients: the key's budget spans its accounts, *Test connection* and a change of
    /// account.
    pacer: RefCell<Option<(String, Rc<RefCell<Pacer>>)>>,
    cursor: RefCell<Option<Cursor>>,
    running: RefCell<Option<Rc<Signal>>>,
    /// The running sync's cancel flag: once set, that sync never writes storage again.
    current: RefCell<Option<Rc<Cell<bool>>>>,
    /// The action queue while a run goes on (the one copy the run and Stop change).
    queue: RefCell<Option<crate::app::queue::ActionQueue>>,
    /// An action run is going on.
    acting: Cell<bool>,
}

impl<H: Host> std::fmt::Debug for App<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("running", &self.running.borrow().is_some()).finish()
    }
}

impl<H: Host> App<H> {
    /// A controller over `host`.
    pub fn new(host: H) -> Self {
        App {
            host,
            client: RefCell::new(None),
            pacer: RefCell::new(None),
            cursor: RefCell::new(None),
            running: RefCell::new(None),
            current: RefCell::new(None),
            queue: RefCell::new(None),
            acting: Cell::new(false),
        }
    }

    /// The host.
    pub fn host(&self) -> &H {
        &self.host
    }

    /// Whether a sync is running.
    pub fn is_running(&self) -> bool {
        self.running.borrow().is_some()
    }

    async fn settings(&self) -> (Json, Settings) {
        let raw = self.host.load(&[keys::SETTINGS]).await.into_iter().next().unwrap_or(Json::Null);
        let settings = Settings::read(&raw);
        (raw, settings)
    }

    /// The client of `settings` (one per key, base URL, account and test timings, so
    /// one rate limiter paces all of them).
    fn client_for(&self, settings: &Settings, test_config: &Json) -> Result<Rc<Client<H::Transport>>, Error> {
        let key = [settings.api_key.as_str(), &settings.base_url, &settings.account_id, &test_config.to_string()].join("\u{0}");
        if let Some(c) = self.client.borrow().as_ref().filter(|c| c.key == key) {
            return Ok(c.client.clone());
        }
        // Test timings that cannot be read are no timings (the defaults).
        let mut input = match test_config.clone() {
            test_config @ Value::Object(_) => crate::api::objects::read::<ConfigInput>(test_config).unwrap_or_default(),
            _ => ConfigInput::default(),
        };
        input.api_key.clone_from(&settings.api_key);
        input.base_url = Some(settings.base_url.clone());
        input.account_id = Some(settings.account_id.clone()).filter(|a| !a.is_empty());
        let config = Config::try_from(input)?;
        let pacer_key = pacer_key(&config, test_config);
        let pacer = match self.pacer.borrow().as_ref().filter(|(k, _)| *k == pacer_key) {
            Some((_, p)) => p.clone(),
            None => Rc::new(RefCell::new(Pacer::new(config.limits()))),
        };
        *self.pacer.borrow_mut() = Some((pacer_key, pacer.clone()));
        let client = Rc::new(Client::sharing(config, self.host.transport(), pacer));
        *self.cursor.borrow_mut() = None;
        *self.client.borrow_mut() = Some(Cached { key, client: client.clone() });
        Ok(client)
    }

    /// Network failures against an API origin whose host permission is missing are
    /// `permission` (Firefox lets users revoke it).
    async fn classify(&self, error: &Error, base_url: &str) -> StoredError {
        if let Error::Network(_) = error {
            let origins = self.host.manifest_origins();
            if let Some(pattern) = crate::api::config::key_destination(base_url, &origins).ok().and_then(|d| d.permission) {
                if !self.host.permission_granted(&pattern).await {
                    return StoredError::of_kind("permission", "host permission missing");
                }
            }
        }
        stored_error(error)
    }

    /// The badge from storage: counts only of the current settings' account, from the
    /// small `badgeCounts` value (else the snapshot); a blocking error shows "!".
    /// `counts` (the received invitations of a sync still running) replace the stored ones.
    pub async fn draw_badge(&self, counts: Option<&Counts>) {
        let raw = self.host.load(&[keys::SETTINGS, keys::STATUS, keys::BADGE_COUNTS]).await;
        let mut raw = raw.into_iter();
        let (settings, status, stored_counts) = (
            Settings::read(&raw.next().unwrap_or(Json::Null)),
            raw.next().unwrap_or(Json::Null),
            raw.next().unwrap_or(Json::Null),
        );
        let tag = settings.account_tag();
        let status = store::read_status(&status);
        let owned = match counts {
            Some(_) => None,
            None => match store::read_badge_counts(&stored_counts, &tag) {
                Some(c) => Some(c),
                None => {
                    let snap = self.host.load(&[keys::SNAPSHOT]).await.into_iter().next().unwrap_or(Json::Null);
                    store::read_snapshot(snap, &tag).map(|s| s.counts)
                }
            },
        };
        let error = status.and_then(|s| s.error);
        self.host.show_badge(&badge(counts.or(owned.as_ref()), &settings.badge_categories, error));
    }

    /// Every wake of the worker: the badge from storage at once, before any request;
    /// then a sync that a stopped worker left `syncing` resumes.
    pub async fn wake(&self) {
        self.draw_badge(None).await;
        let raw = self.host.load(&[keys::STATUS, acting::QUEUE]).await;
        let mut raw = raw.into_iter();
        let (status, queue) = (raw.next().unwrap_or(Json::Null), raw.next().unwrap_or(Json::Null));
        // An action run a stopped worker left behind goes on (never repeating a write),
        // beside a sync it left behind.
        let actions = async {
            if crate::app::queue::ActionQueue::read(&queue).state() == crate::app::queue::RunState::Running {
                self.run_actions().await;
            }
        };
        let sync = async {
            let Some(stopped) = store::read_status(&status).filter(|s| s.state == "syncing") else { return };
            if !self.is_running() {
                let reason = stopped.reason.as_deref().map_or(Reason::Button, Reason::parse);
                let scope = stopped.scope.and_then(Scope::parse).unwrap_or(Scope::All);
                self.run(reason, Some(scope)).await;
            }
        };
        join(actions, sync).await;
    }

    /// Install or browser start: the alarm is set, then a refresh for `reason`.
    pub async fn start(&self, reason: Reason) {
        let (_, settings) = self.settings().await;
        self.host.schedule(settings.refresh_minutes).await;
        self.refresh(reason).await;
    }

    /// A refresh for `reason`, or the running one: one sync at a time.
    pub async fn refresh(&self, reason: Reason) {
        self.run(reason, None).await;
    }

    /// A sync of `scope` (else what the refresh policy plans for `reason`), or the
    /// running one.
    async fn run(&self, reason: Reason, scope: Option<Scope>) {
        let joined = self.running.borrow().clone();
        if let Some(signal) = joined {
            return Wait(signal).await;
        }
        let signal = Rc::new(Signal::default());
        let token = Rc::new(Cell::new(false));
        *self.running.borrow_mut() = Some(signal.clone());
        *self.current.borrow_mut() = Some(token.clone());
        self.run_refresh(reason, scope, &token).await;
        *self.running.borrow_mut() = None;
        if self.current.borrow().as_ref().is_some_and(|t| Rc::ptr_eq(t, &token)) {
            *self.current.borrow_mut() = None;
        }
        signal.fire();
    }

    async fn set_status(&self, token: &Cell<bool>, s: &Status) {
        if !token.get() {
            self.host.save(&[(keys::STATUS, text(s))]).await;
        }
    }

    async fn run_refresh(&self, reason: Reason, resumed: Option<Scope>, token: &Cell<bool>) {
        let raw = self.host.load(&[keys::SETTINGS, keys::SNAPSHOT, keys::STATUS, keys::TEST_CLIENT_CONFIG]).await;
        let mut raw = raw.into_iter();
        let (settings_raw, snapshot_raw, status_raw, test_config) = (
            raw.next().unwrap_or(Json::Null),
            raw.next().unwrap_or(Json::Null),
            raw.next().unwrap_or(Json::Null),
            raw.next().unwrap_or(Json::Null),
        );
        if token.get() {
            return;
        }
        let settings = Settings::read(&settings_raw);
        let now = self.host.now_ms();
        if settings.api_key.is_empty() {
            let e = StoredError::of_kind("no_key", "no API key");
            self.set_status(token, &error_status(e, now)).await;
            return self.draw_badge(None).await;
        }
        let tag = settings.account_tag();
        let previous = store::read_snapshot(snapshot_raw, &tag);
        // No complete sent list of this account yet (a first sync, or one that stopped
        // part-way): the received invitations are stored as soon as they are in, beside
        // the rows read so far of the sent ones (`store::so_far`).
        let first_sent = previous.as_ref().is_none_or(|p| p.partial.sent);
        let last_status = store::read_status(&status_raw);
        let last_ok = last_status.as_ref().is_none_or(|s| s.state == "ok");
        let stored = Stored {
            received_at_ms: previous.as_ref().filter(|s| !s.partial.received).map(|s| s.taken_at_ms),
            sent_at_ms: previous.as_ref().filter(|s| !s.partial.sent).map(|s| s.sent_taken_at_ms),
            last_ok,
            hold_until_ms: last_status.and_then(|s| held(s, now)).and_then(|e| e.retry_at),
        };
        // A stopped worker's sync resumes with its scope; else the policy decides.
        let Some(scope) = resumed.or_else(|| plan(reason, &settings.policy(), &stored, now)) else { return };
        // A received-only sync needs a previous complete snapshot: without one it is everything.
        let mut scope = if previous.as_ref().is_none_or(|p| !p.partial.is_none()) { Scope::All } else { scope };
        // A walk a stopped worker (or a failure) left part-way goes on from its next page;
        // an unfinished walk of everything is finished rather than started again later.
        let stored_walk = self.load_one(walks::HEADER).await;
        let mut header = Header::read(&stored_walk, &tag, now);
        if header.as_ref().is_some_and(|h| h.scope == Scope::All.as_str()) {
            scope = Scope::All;
        }
        header = header.filter(|h| h.scope == scope.as_str());
        let resume = match &header {
            Some(h) => {
                let chunks = self.host.load(&h.chunk_keys().iter().map(String::as_str).collect::<Vec<_>>()).await;
                walks::resume(h, chunks)
            }
            None => None,
        };
        if resume.is_none() {
            self.forget_walk(&stored_walk).await;
            header = None;
        }
        let header = RefCell::new(header.unwrap_or_else(|| Header::new(&tag, scope, now)));
        // For the new-invitation alert: what was there before (none on a first sync of
        // this account, so nothing notifies then).
        let previous_received: Option<Vec<String>> =
            previous.as_ref().map(|p| p.received.iter().map(|r| r.invitation_id.clone()).collect());
        // A received-only sync keeps the previous sent list; a sync of everything compares
        // it with the new one (what became of those that left), when it was complete: a
        // first sync's partial sent list (stopped before its end) is nothing to compare.
        let (previous, before) =
            if scope == Scope::Received { (previous, None) } else { (None, previous.filter(|p| !p.partial.sent)) };
        let syncing = |progress: Option<StoredProgress>| Status {
            started_at: Some(now),
            reason: Some(reason.as_str().into()),
            scope: Some(scope.as_str()),
            progress,
            ..status("syncing", now)
        };
        self.set_status(token, &syncing(None)).await;
        // An error the last status showed (no key, a rejected key) is over for now: the
        // badge says so at once, not after the first page.
        if !last_ok {
            self.draw_badge(None).await;
        }
        // Chrome stops a worker that makes no extension call for 30 s; pacing waits up to
        // a minute between requests on a large account.
        self.host.keep_alive(true);
        let result = match self.client_for(&settings, &test_config) {
            Ok(client) => {
                let mut on_progress = |p: Progress| {
                    self.host.on_page();
                    if token.get() {
                        return;
                    }
                    if let Some(counts) = &p.received_counts {
                        // The received invitations are in: the badge shows them before the sent walk.
                        self.host.show_badge(&badge(Some(counts), &settings.badge_categories, None));
                        if let (true, Scope::All, Some(received)) = (first_sent, scope, &p.received) {
                            // Nothing complete to keep showing: the received invitations are
                            // stored now, the sent ones partial (their rows so far are the walk's
                            // pages), so the popup shows them before the sent walk ends.
                            let snapshot = crate::store::so_far::received_first(received, self.host.now_ms());
                            let counts = StoredCounts { schema: SCHEMA, account: &tag, counts: &snapshot.counts, partial: snapshot.partial };
                            self.host.post(&[(keys::SNAPSHOT, text(&Stamped::new(&snapshot, &tag))), (keys::BADGE_COUNTS, text(&counts))]);
                        }
                        return;
                    }
                    let progress = StoredProgress { list: p.list.as_str(), pages: p.pages, items: p.items };
                    let status = (keys::STATUS, text(&syncing(Some(progress))));
                    // The page's items under their own key, with the walk's header and the
                    // status: one write, so a stopped worker resumes from the next page.
                    let mut h = header.borrow_mut();
                    let walk = match p.list {
                        crate::api::client::List::Received => h.received.get_or_insert_with(Default::default),
                        crate::api::client::List::Sent => h.sent.get_or_insert_with(Default::default),
                        crate::api::client::List::Connections => return self.host.post(&[status]),
                    };
                    match &p.record {
                        Some(record) => {
                            let chunk = walks::chunk_key(p.list.as_str(), walk.advance(p.pages, record));
                            let header = text(&*h);
                            self.host.post(&[(chunk.as_str(), record.items.clone()), (walks::HEADER, header), status]);
                        }
                        None => self.host.post(&[status]),
                    }
                };
                client.sync_resumable(scope, previous, resume.unwrap_or_default(), true, &mut on_progress).await
            }
            Err(e) => Err(e),
        };
        self.host.keep_alive(false);
        if token.get() {
            return;
        }
        // A transient failure keeps the walk for the next sync; anything else ends it
        // (a finished one once its snapshot is stored: until then the popup may show its
        // pages as the rows so far).
        let walk_keys = header.borrow().chunk_keys();
        let mut walk_keys: Vec<&str> = walk_keys.iter().map(String::as_str).collect();
        walk_keys.push(walks::HEADER);
        let transient = matches!(&result, Err(e) if e.is_retryable() || matches!(e, Error::Network(_) | Error::Timeout { .. }));
        if result.is_err() && !transient {
            self.host.remove(&walk_keys).await;
        }
        match result {
            Ok(mut snapshot) => {
                let now = self.host.now_ms();
                // First sight of each invitation: ages more precise than the API's labels.
                let mut seen = crate::store::ages::FirstSeen::read(self.load_one(keys::FIRST_SEEN).await, &tag);
                let history = if scope == Scope::All {
                    self.host.keep_alive(true);
                    let h = self.track_acceptance(&settings, &test_config, before.as_ref(), &snapshot, &seen, now).await;
                    self.host.keep_alive(false);
                    if token.get() {
                        return;
                    }
                    Some(h)
                } else {
                    None
                };
                // What the action run settled while the sync read (Received is acted on
                // during a first sync's long sent walk) does not come back.
                let queue = ActionQueue::read(&self.load_one(QUEUE).await);
                crate::app::queue::drop_settled(&mut snapshot, &queue, &tag);
                let sent = (scope == Scope::All).then_some(snapshot.sent.as_slice());
                seen.update_from_sync(sent, Some(&snapshot.received), now);
                let counts = StoredCounts { schema: SCHEMA, account: &tag, counts: &snapshot.counts, partial: snapshot.partial };
                let mut entries = vec![
                    (keys::SNAPSHOT, text(&Stamped::new(&snapshot, &tag))),
                    (keys::BADGE_COUNTS, text(&counts)),
                    (keys::FIRST_SEEN, text(&seen)),
                    (keys::STATUS, text(&status("ok", now))),
                ];
                entries.extend(history.map(|h| (keys::ACCEPTANCE, text(&h))));
                self.host.save(&entries).await;
                self.host.remove(&walk_keys).await;
                let alerts = crate::store::AlertSettings::read(&settings_raw);
                let previous = previous_received.as_ref().map(|ids| ids.iter().map(String::as_str));
                if let Some(alert) = crate::app::alerts::new_received_alert(previous, &snapshot.received, &alerts, false) {
                    self.host.notify(&alert);
                }
            }
            // Cancelled only by a settings change, which starts the next sync itself.
            Err(Error::Cancelled) => return,
            Err(e) => {
                // The last good snapshot stays in storage untouched.
                let error = self.classify(&e, &settings.base_url).await;
                self.set_status(token, &error_status(error, self.host.now_ms())).await;
            }
        }
        if !token.get() {
            self.draw_badge(None).await;
        }
    }

    async fn load_one(&self, key: &str) -> Json {
        self.host.load(&[key]).await.into_iter().next().unwrap_or(Json::Null)
    }

    /// Removes a stored walk (raw header) and its chunks, whoever's it is.
    async fn forget_walk(&self, raw: &Value) {
        if raw.is_null() {
            return;
        }
        let keys = walks::stored_chunk_keys(raw);
        let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        keys.push(walks::HEADER);
        self.host.remove(&keys).await;
    }

    /// Cancels the running sync for good: it never writes storage again.
    fn cancel_sync(&self) {
        if let Some(token) = self.current.borrow().as_ref() {
            token.set(true);
        }
        if let Some(old) = self.client.borrow_mut().take() {
            old.client.transport().cancel();
        }
        *self.cursor.borrow_mut() = None;
    }

    /// The stored settings changed from `before` to `after` (raw values): another account
    /// cancels the running sync, forgets the other account's data and fetches anew;
    /// another period sets the alarm again; anything else re-draws the badge.
    pub async fn settings_changed(&self, before: &Json, after: &Json) {
        let change = store::settings_change(before, after);
        if change.refetch {
            // Before any await: the old sync never writes again.
            self.cancel_sync();
            let snap = self.host.load(&[keys::SNAPSHOT]).await.into_iter().next().unwrap_or(Json::Null);
            let tag = Settings::read(after).account_tag();
            if store::read_snapshot(snap, &tag).is_none() {
                self.host.remove(&[keys::SNAPSHOT, keys::BADGE_COUNTS, keys::FIRST_SCREEN, keys::FIRST_SEEN, keys::ACCEPTANCE]).await;
            }
            // The other account's walk is never resumed: its pages go.
            let walk = self.load_one(walks::HEADER).await;
            if Header::read(&walk, &tag, self.host.now_ms()).is_none() {
                self.forget_walk(&walk).await;
            }
            self.draw_badge(None).await;
            let running = self.running.borrow().clone();
            if let Some(signal) = running {
                Wait(signal).await;
            }
            return self.start(Reason::Settings).await;
        }
        if change.reschedule {
            self.host.schedule(Settings::read(after).refresh_minutes).await;
        }
        self.draw_badge(None).await;
    }

    /// After the WebAssembly module trapped (and was re-instantiated, with this new
    /// controller): the typed `internal` error is recorded, the last good snapshot stays.
    pub async fn trapped(&self) {
        let e = StoredError::of_kind("internal", "the WebAssembly module trapped and was restarted");
        self.host.save(&[(keys::STATUS, text(&error_status(e, self.host.now_ms())))]).await;
        self.draw_badge(None).await;
    }

    /// A page's request (raw, as received); always answers, errors as [`Reply::Error`].
    pub async fn handle(&self, message: &Json) -> Reply {
        let request = match crate::app::protocol::read_request(message) {
            Ok(r) => r,
            Err(e) => return Reply::error(stored_error(&e)),
        };
        match request {
            Request::Refresh(crate::app::protocol::RefreshRequest { button }) => {
                self.refresh(if button { Reason::Button } else { Reason::Popup }).await;
                Reply::Done
            }
            Request::Connections(crate::app::protocol::ConnectionsRequest { start_index, limit, sort_by }) => {
                let raw = self.host.load(&[keys::SETTINGS, keys::TEST_CLIENT_CONFIG, keys::STATUS]).await;
                let mut raw = raw.into_iter();
                let settings = Settings::read(&raw.next().unwrap_or(Json::Null));
                let test_config = raw.next().unwrap_or(Json::Null);
                let status = store::read_status(&raw.next().unwrap_or(Json::Null));
                if let Some(e) = status.and_then(|s| held(s, self.host.now_ms())) {
                    // The API asked to wait: a page of connections waits too.
                    return Reply::error(e);
                }
                match self.connections(&settings, &test_config, start_index, limit, sort_by).await {
                    Ok(reply) => reply,
                    Err(e) => Reply::error(self.classify(&e, &settings.base_url).await),
                }
            }
            Request::Test(crate::app::protocol::TestRequest { settings }) => {
                let account = Some(settings.account_id.as_str()).filter(|a| !a.is_empty());
                let result = match Config::new(&settings.base_url, &settings.api_key, account) {
                    Ok(config) => {
                        // The stored key's pacer when it is the same key: the test waits its
                        // turn ahead of a sync's walk, within the key's budget.
                        let key = pacer_key(&config, &self.load_one(keys::TEST_CLIENT_CONFIG).await);
                        let shared = self.pacer.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, p)| p.clone());
                        let client = match shared {
                            Some(pacer) => Client::sharing(config, self.host.transport(), pacer),
                            None => Client::new(config, self.host.transport()),
                        };
                        client.accounts().await
                    }
                    Err(e) => Err(e),
                };
                match result {
                    Ok(accounts) => Reply::Accounts { accounts },
                    Err(e) => Reply::error(self.classify(&e, &settings.base_url).await),
                }
            }
            Request::Act(crate::app::protocol::ActRequest { kind, ids }) => match self.act(kind, &ids).await {
                Ok(reply) => reply,
                Err(e) => Reply::error(stored_error(&e)),
            },
            Request::StopActions => {
                self.stop_actions().await;
                Reply::Done
            }
            Request::Allowance(crate::app::protocol::AllowanceRequest { kind }) => self.allowance(kind).await,
            Request::TestTrap => {
                // Only a build with the test hooks (cargo feature `test-hooks`: the
                // end-to-end tests' package) arms anything; the release says no.
                let hooks = self.load_one(keys::TEST_HOOKS).await;
                if cfg!(any(test, feature = "test-hooks")) && hooks.as_bool() == Some(true) {
                    self.host.arm_trap();
                    Reply::Armed
                } else {
                    Reply::error(stored_error(&Error::invalid(crate::api::error::Invalid::Request, "unknown request type 'testTrap'")))
                }
            }
        }
    }

    /// The next page of the connections cursor: one [`Walk`] per sort order and page
    /// size, so consecutive pages share its stop rule, identities and loop guards.
    async fn connections(
        &self,
        settings: &Settings,
        test_config: &Json,
        start_index: u32,
        limit: u32,
        sort_by: SortBy,
    ) -> Result<Reply, Error> {
        let client = self.client_for(settings, test_config)?;
        let taken = self.cursor.borrow_mut().take();
        let mut cursor = match taken {
            Some(k) if k.sort_by == sort_by && k.limit == limit && k.walk.next_start() == Some(start_index) => k,
            _ => Cursor {
                sort_by,
                limit,
                walk: Walk::starting_at(start_index, Some(limit as usize), client.config().max_pages.max(CONNECTIONS_MAX_PAGES)),
            },
        };
        let page = client.connections_page(start_index, limit, sort_by).await?;
        let account_id = page.account_id.clone();
        let skipped = page.skipped.clone();
        let items = cursor.walk.accept(page)?;
        let (next, done) = (cursor.walk.next_start().unwrap_or(start_index), cursor.walk.is_done());
        *self.cursor.borrow_mut() = Some(cursor);
        Ok(Reply::Page { items, start_index, next_start_index: next, done, account_id, skipped })
    }
}

/// What makes clients share a pacer: the API key, the base URL and the test timings.
fn pacer_key(config: &Config, test_config: &Json) -> String {
    [config.api_key.expose(), &config.base_url, &test_config.to_string()].join("\u{0}")
}

/// The longest the API's retry time holds requests, counted from the error: a retry
/// time further off (a wrong clock, a bogus header) never stops refreshes for good.
const MAX_HOLD_MS: f64 = 24.0 * 3_600_000.0;

/// The stored status's error whose retry time holds every request at `now_ms`, with
/// its retry time (always set) capped at [`MAX_HOLD_MS`] after the error.
fn held(s: Status, now_ms: f64) -> Option<StoredError> {
    let mut e = s.error?;
    let at = s.at.unwrap_or(now_ms);
    let until = e.retry_at?.min(at + MAX_HOLD_MS);
    e.retry_at = Some(until);
    (until > now_ms).then_some(e)
}

/// The status as a page shows it ([`status_view`]).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct StatusView {
    /// `idle` (nothing stored), `syncing`, `ok` or `error`.
    #[tsify(type = r#""idle" | "syncing" | "ok" | "error""#)]
    pub state: &'static str,
    /// Syncing: the last page reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<StoredProgress>,
    /// Error: what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = "ApiError")]
    pub error: Option<StoredError>,
    /// The error blocks (see [`BLOCKING`]): shown as an error with a way out (the
    /// options page, or the permission button), not as a warning.
    pub blocking: bool,
}

/// The stored status (raw) as a page shows it: settings without a key are the blocking
/// `no_key` error whatever is stored; an unreadable status is `idle`.
pub fn status_view(status: &Json, settings: &Json) -> StatusView {
    let idle = StatusView { state: "idle", progress: None, error: None, blocking: false };
    if Settings::read(settings).api_key.is_empty() {
        let e = StoredError::of_kind("no_key", "no API key");
        return StatusView { state: "error", error: Some(e), blocking: true, ..idle };
    }
    match store::read_status(status) {
        None => idle,
        Some(s) => StatusView {
            state: s.state,
            blocking: s.error.as_ref().is_some_and(|e| is_blocking(&e.kind)),
            progress: s.progress,
            error: s.error,
        },
    }
}

/// The badge for `counts` (restricted to `categories`) and the stored error.
pub fn badge(counts: Option<&Counts>, categories: &[String], error: Option<StoredError>) -> Badge {
    match error {
        Some(e) if is_blocking(&e.kind) => Badge { text: "!".into(), color: BADGE_ERROR_COLOR, error: Some(e), blocking: true },
        error => {
            let text = counts.map(|c| crate::view::badge_text(c, categories)).unwrap_or_default();
            Badge { text, color: BADGE_COLOR, error, blocking: false }
        }
    }
}

mod accepting;
mod acting;

pub use acting::{actions_view, ActionsView, QUEUE};


#[cfg(test)]
mod tests;
