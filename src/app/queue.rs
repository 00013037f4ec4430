//! The action queue: a bulk run of writes (withdraw, accept, ignore), one at a time,
//! paced, capped per day, stoppable, and resumable after the service worker stops.
//!
//! A pure state machine: no clock, no network. The worker drives it with the
//! epoch-millisecond clock (`Date.now()`, which survives a worker restart where
//! `performance.now()` does not):
//!
//! ```text
//! queue = ActionQueue::read(stored)            // or ActionQueue::new()
//! loop {
//!     match queue.next_step(now, account) {    // store the queue after this call
//!         Step::Wait { ms }      => sleep ms,
//!         Step::Send(order)      => { let outcome = client.perform(&order.request).await;
//!                                     queue.record(order.index, &outcome, now); // store again
//!                                   }
//!         Step::Finished(summary) => break,
//!     }
//! }
//! ```
//!
//! **Never twice.** [`ActionQueue::next_step`] marks the item it hands out *in flight*
//! and counts it against the day's cap before the request leaves; the queue must be
//! stored then. A worker that stops while a write is in flight finds the item still in
//! flight when it starts again: [`ActionQueue::recover`] (or, for a forgotten one, the
//! expiry [`IN_FLIGHT_EXPIRY_MS`]) makes it *unknown* — "check LinkedIn" — and it is
//! never sent again. Only an answer saying the write was not performed (429, 401, 403,
//! a cancel before sending) puts an item back to pending.
//!
//! **Pacing.** One write at a time, at least [`ActionSettings::gap_ms`] (default 5 s,
//! never below [`crate::store::MIN_GAP_MS`]) plus a random jitter apart, counted from
//! when each write was handed out, and at least the gap after its answer was recorded.
//! A 429 holds the run until the server's time, then the same item is tried again; a
//! hold longer than [`MAX_HOLD_MS`] stops the run instead.
//!
//! **Caps.** Withdrawals and responses (accept + ignore) are counted per UTC day and
//! per account in the stored queue, across runs; reaching a cap stops the run and says
//! when it resets (the next 00:00 UTC, when LinkedIn's own daily quotas reset too).
//!
//! Here: the run, its items and its stored form, starting and stopping it, the day's
//! counts. Beside it: `queue/step.rs` (what the worker does next, and what an answer
//! does to the run), `queue/report.rs` (progress and summary) and `queue/stored.rs`
//! (reading a stored queue back).

use crate::api::actions::{ActionKind, ActionRequest, CapKind, ItemReason, MissingField};
use crate::api::error::{Error, Invalid};
use crate::api::models::{ReceivedInvitation, SentInvitation};
use crate::store::ActionSettings;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeSet;
use tsify::Tsify;

/// The schema of a stored queue; another version reads as a fresh queue.
pub const QUEUE_SCHEMA: u32 = 1;
/// A 429 whose hold ends later than this from now stops the run instead of waiting.
pub const MAX_HOLD_MS: u64 = 10 * 60_000;
/// The wait after a 429 that gave no retry time.
pub const DEFAULT_RATE_LIMIT_WAIT_MS: u64 = 60_000;
/// Added to a server-given retry time.
pub const RATE_LIMIT_MARGIN_MS: u64 = 1_000;
/// An item in flight for longer than this is taken as lost (the worker stopped, or an
/// answer never came): it becomes unknown. Longer than a write can take in the client:
/// its pacing wait (at most 125 s with the default settings) and its timeout (20 s).
pub const IN_FLIGHT_EXPIRY_MS: u64 = 5 * 60_000;
/// Failures or unknown outcomes in a row that stop a run.
pub const MAX_FAILURES_IN_ROW: u32 = 3;
/// 429s for one item that stop a run.
pub const MAX_RATE_LIMITS_PER_ITEM: u32 = 5;
/// The most items one run takes.
pub const MAX_ITEMS: usize = 10_000;
/// The most failed or unknown items a summary names (the counts go on).
pub const MAX_NAMED: usize = 50;
const DAY_MS: u64 = 86_400_000;
const MAX_LEDGERS: usize = 8;

/// Epoch milliseconds as whole milliseconds; 0 for a clock that is not a time.
fn ms(now_ms: f64) -> u64 {
    if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    }
}

/// Where an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Not sent yet.
    Pending,
    /// Handed out by [`ActionQueue::next_step`]; its outcome is awaited.
    InFlight,
    /// The API says it was done.
    Done,
    /// There was no pending invitation any more: nothing to do.
    AlreadyGone,
    /// The API refused it, or it could not be sent (a missing field).
    Failed,
    /// It may or may not have been done: check LinkedIn. Never sent again.
    Unknown,
}

impl ItemState {
    fn parse(s: &str) -> Option<ItemState> {
        Some(match s {
            "pending" => ItemState::Pending,
            "in_flight" => ItemState::InFlight,
            "done" => ItemState::Done,
            "already_gone" => ItemState::AlreadyGone,
            "failed" => ItemState::Failed,
            "unknown" => ItemState::Unknown,
            _ => return None,
        })
    }

    /// Whether the item is settled (not pending, not in flight).
    pub fn is_settled(self) -> bool {
        !matches!(self, ItemState::Pending | ItemState::InFlight)
    }
}

/// One write of a run. Read back from storage with its request read as its kind's; an
/// item still to send must have one. An item that cannot be read is left out of its
/// queue (so never sent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "stored::StoredItem")]
pub struct QueueItem {
    /// What it does.
    pub kind: ActionKind,
    /// The person (or page) it is about, for progress and summaries.
    pub name: String,
    /// The invitation.
    pub invitation_id: String,
    /// The request; absent when the list item lacked a required field (the item is
    /// then failed from the start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<ActionRequest>,
    /// Where it stands.
    pub state: ItemState,
    /// Why it failed, is unknown or already gone (or waits for a rate limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ItemReason>,
    /// The HTTP status that goes with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The API's own words that go with the reason (why it refused, that the invitation
    /// is gone), or the API name of a missing field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Times it was handed out.
    pub attempts: u32,
    /// 429s it met.
    pub rate_limits: u32,
    /// When it was last handed out or settled (epoch ms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_ms: Option<u64>,
}

/// An item to start a run with: see [`NewItem::withdraw`] and [`NewItem::respond`].
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    /// What it does.
    pub kind: ActionKind,
    /// The person (or page) it is about.
    pub name: String,
    /// The invitation.
    pub invitation_id: String,
    /// The request, or why it cannot be built.
    pub request: Result<ActionRequest, MissingField>,
}

/// The name, else the first fallback that is not blank, else `""` (the pages then name
/// the invitation by its id).
fn display_name(full: String, fallback: &[Option<&str>]) -> String {
    let full = full.trim().to_string();
    if !full.is_empty() {
        return full;
    }
    fallback.iter().flatten().map(|s| s.trim()).find(|s| !s.is_empty()).unwrap_or_default().to_string()
}

impl NewItem {
    /// A withdraw of `item`, for `account_id` (or the client's account).
    pub fn withdraw(item: &SentInvitation, account_id: Option<&str>) -> NewItem {
        NewItem {
            kind: ActionKind::Withdraw,
            name: display_name(item.profile.full_name(), &[item.profile.public_identifier.as_deref()]),
            invitation_id: item.invitation_id.clone(),
            request: crate::api::actions::WithdrawRequest::from_sent(item, account_id).map(ActionRequest::Withdraw),
        }
    }

    /// An accept or ignore of `item`, for `account_id` (or the client's account).
    pub fn respond(item: &ReceivedInvitation, action: crate::api::actions::RespondAction, account_id: Option<&str>) -> NewItem {
        NewItem {
            kind: action.kind(),
            name: display_name(item.profile.full_name(), &[item.newsletter_name.as_deref(), item.company_name.as_deref()]),
            invitation_id: item.invitation_id.clone(),
            request: crate::api::actions::RespondRequest::from_received(item, action, account_id).map(ActionRequest::Respond),
        }
    }
}

/// Whether a run is going on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// No run was ever started.
    Idle,
    /// A run is going on.
    Running,
    /// The last run went through every item.
    Finished,
    /// The last run was stopped (see [`Stop`]).
    Stopped,
}

impl RunState {
    fn parse(s: &str) -> Option<RunState> {
        Some(match s {
            "idle" => RunState::Idle,
            "running" => RunState::Running,
            "finished" => RunState::Finished,
            "stopped" => RunState::Stopped,
            _ => return None,
        })
    }
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The user pressed Stop.
    User,
    /// A daily cap was reached ([`Stop::cap`], [`Stop::until_ms`]: when it resets).
    Cap,
    /// The API key was refused (401).
    Unauthorized,
    /// The subscription does not allow it (403).
    Forbidden,
    /// A rate limit holds writes for longer than [`MAX_HOLD_MS`] ([`Stop::until_ms`]).
    RateLimited,
    /// The settings now name another key, API or account.
    AccountChanged,
    /// [`MAX_FAILURES_IN_ROW`] failures or unknown outcomes in a row.
    RepeatedFailures,
}

impl StopReason {
    fn parse(s: &str) -> Option<StopReason> {
        Some(match s {
            "user" => StopReason::User,
            "cap" => StopReason::Cap,
            "unauthorized" => StopReason::Unauthorized,
            "forbidden" => StopReason::Forbidden,
            "rate_limited" => StopReason::RateLimited,
            "account_changed" => StopReason::AccountChanged,
            "repeated_failures" => StopReason::RepeatedFailures,
            _ => return None,
        })
    }
}

/// A stopped run's reason, with its details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Stop {
    /// Why.
    pub reason: StopReason,
    /// The cap reached, for [`StopReason::Cap`]; read as absent when it names no cap.
    #[serde(default, deserialize_with = "stored::cap_word", skip_serializing_if = "Option::is_none")]
    #[tsify(type = "CapKind")]
    pub cap: Option<CapKind>,
    /// When the cap resets or the rate limit ends (epoch ms).
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<u64>,
    /// The API's own words, where they explain it (forbidden, rate limited).
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Stop {
    fn of(reason: StopReason) -> Stop {
        Stop { reason, cap: None, until_ms: None, message: None }
    }
}

/// The writes one account made on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    /// The account tag.
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    pub account: String,
    /// Days since 1970-01-01 (UTC).
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    pub day: u64,
    /// Withdrawals handed out that day.
    #[serde(default, deserialize_with = "stored::whole32_or_zero")]
    pub withdrawals: u32,
    /// Responses handed out that day.
    #[serde(default, deserialize_with = "stored::whole32_or_zero")]
    pub responses: u32,
}

impl Ledger {
    fn count(&self, cap: CapKind) -> u32 {
        match cap {
            CapKind::Withdrawals => self.withdrawals,
            CapKind::Responses => self.responses,
        }
    }

    fn count_mut(&mut self, cap: CapKind) -> &mut u32 {
        match cap {
            CapKind::Withdrawals => &mut self.withdrawals,
            CapKind::Responses => &mut self.responses,
        }
    }
}

/// Why a run could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartError {
    /// A run is going on: stop it first.
    Busy,
    /// No items.
    Empty,
}

impl StartError {
    /// Its code, as the pages word it: [`Invalid::Busy`] or [`Invalid::NothingToDo`].
    pub fn reason(self) -> Invalid {
        match self {
            StartError::Busy => Invalid::Busy,
            StartError::Empty => Invalid::NothingToDo,
        }
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason().as_str())
    }
}

impl From<StartError> for Error {
    fn from(e: StartError) -> Error {
        Error::invalid(e.reason(), "")
    }
}

/// The persisted queue: the current (or last) run and the day's counts per account.
///
/// Read back tolerantly (see [`ActionQueue::read`]): another schema, a missing or
/// unknown `state`, a missing `items` list or an `account` that is not text make the
/// whole queue unreadable; an item or ledger that cannot be read is left out; a `stop`
/// that cannot be read is absent; settings and numbers that cannot be read take their
/// defaults (0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionQueue {
    #[serde(deserialize_with = "stored::schema")]
    schema: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    account: String,
    #[serde(default)]
    settings: ActionSettings,
    state: RunState,
    #[serde(default, deserialize_with = "crate::api::lenient::object", skip_serializing_if = "Option::is_none")]
    stop: Option<Stop>,
    #[serde(deserialize_with = "stored::stored_items")]
    items: Vec<QueueItem>,
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    next_due_ms: u64,
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    hold_until_ms: u64,
    /// While the item in flight waits for the client's request pacing (the reads of a
    /// sync just used the window): until when (epoch ms), for the popup to say so; 0
    /// when it does not wait.
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    paced_until_ms: u64,
    #[serde(default = "stored::one", deserialize_with = "stored::rng")]
    rng: u32,
    #[serde(default, deserialize_with = "stored::whole32_or_zero")]
    failures_in_row: u32,
    #[serde(default, deserialize_with = "stored::stored_ledgers")]
    ledgers: Vec<Ledger>,
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    started_ms: u64,
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    finished_ms: Option<u64>,
}

impl Default for ActionQueue {
    fn default() -> Self {
        ActionQueue::new()
    }
}

impl ActionQueue {
    /// An empty queue: no run, no counts.
    pub fn new() -> Self {
        ActionQueue {
            schema: QUEUE_SCHEMA,
            account: String::new(),
            settings: ActionSettings::default(),
            state: RunState::Idle,
            stop: None,
            items: Vec::new(),
            next_due_ms: 0,
            hold_until_ms: 0,
            paced_until_ms: 0,
            rng: 0x9E37_79B9,
            failures_in_row: 0,
            ledgers: Vec::new(),
            started_ms: 0,
            finished_ms: None,
        }
    }

    /// Reads a stored queue; anything of another schema, or not a queue, is a fresh one
    /// (an item that cannot be read is left out: it will not be sent). Call
    /// [`ActionQueue::recover`] when a worker starts.
    pub fn read(raw: &Value) -> ActionQueue {
        // An object only: serde would read a list as the fields in order.
        raw.is_object().then(|| crate::api::objects::read::<ActionQueue>(raw.clone()).ok()).flatten().unwrap_or_default()
    }

    /// The account tag of the last run.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The run's state.
    pub fn state(&self) -> RunState {
        self.state
    }

    /// The items of the current (or last) run.
    pub fn items(&self) -> &[QueueItem] {
        &self.items
    }

    /// The settings in force.
    pub fn settings(&self) -> ActionSettings {
        self.settings
    }

    /// Changes the settings (clamped); they apply from the next write.
    pub fn set_settings(&mut self, settings: ActionSettings) {
        self.settings = settings.clamped();
    }

    /// Starts a run of `items` for `account` (an account tag). Items of the same kind
    /// for the same invitation are taken once; items without a request are failed at
    /// once with their reason. The pacing of the last write and the day's counts
    /// carry over from earlier runs.
    ///
    /// # Errors
    /// [`StartError::Busy`] while a run is going on; [`StartError::Empty`] for no items.
    pub fn start(
        &mut self,
        account: &str,
        settings: ActionSettings,
        items: Vec<NewItem>,
        now_ms: f64,
        seed: u32,
    ) -> Result<usize, StartError> {
        if self.state == RunState::Running || self.items.iter().any(|i| i.state == ItemState::InFlight) {
            return Err(StartError::Busy);
        }
        let now = ms(now_ms);
        // Each (kind, id) once; a sorted vector rather than a hash set, which would
        // compile a hash table into the WebAssembly for this one check.
        let mut seen: Vec<(&'static str, String)> = Vec::new();
        let mut queued = Vec::new();
        for item in items.into_iter().take(MAX_ITEMS) {
            let key = (item.kind.as_str(), item.invitation_id.clone());
            match seen.binary_search(&key) {
                Ok(_) => continue,
                Err(at) => seen.insert(at, key),
            }
            let (request, state, reason, detail) = match item.request {
                Ok(r) => (Some(r), ItemState::Pending, None, None),
                Err(m) => (None, ItemState::Failed, Some(ItemReason::MissingField), Some(m.field.to_string())),
            };
            queued.push(QueueItem {
                kind: item.kind,
                name: item.name,
                invitation_id: item.invitation_id,
                request,
                state,
                reason,
                status: None,
                detail,
                attempts: 0,
                rate_limits: 0,
                at_ms: (state == ItemState::Failed).then_some(now),
            });
        }
        if queued.is_empty() {
            return Err(StartError::Empty);
        }
        if self.account != account {
            // Another account's pacing does not apply; its counts stay in the ledgers.
            self.next_due_ms = 0;
            self.hold_until_ms = 0;
        }
        self.account = account.to_string();
        self.settings = settings.clamped();
        self.items = queued;
        self.state = RunState::Running;
        self.stop = None;
        self.failures_in_row = 0;
        self.started_ms = now;
        self.finished_ms = None;
        self.rng = seed | 1;
        Ok(self.items.len())
    }

    /// The item just handed out waits `wait_ms` for the request pacing before it is sent
    /// (0: it goes at once); [`ActionQueue::record`] ends the wait.
    pub fn paced(&mut self, now_ms: f64, wait_ms: f64) {
        self.paced_until_ms = if wait_ms >= 1_000.0 { ms(now_ms).saturating_add(ms(wait_ms)) } else { 0 };
    }

    /// Stops the run: nothing more is sent. An item in flight still takes its outcome.
    pub fn stop(&mut self, now_ms: f64) {
        if self.state == RunState::Running {
            self.halt(Stop::of(StopReason::User), ms(now_ms));
        }
    }

    fn halt(&mut self, stop: Stop, now: u64) {
        if self.state == RunState::Running {
            self.state = RunState::Stopped;
            self.stop = Some(stop);
            self.finished_ms = Some(now);
        }
    }

    /// After a worker start: an item still in flight was sent by a worker that stopped
    /// before its answer was recorded; it becomes unknown (never sent again). Returns
    /// how many items changed.
    pub fn recover(&mut self, now_ms: f64) -> usize {
        let now = ms(now_ms);
        self.paced_until_ms = 0;
        let mut n = 0;
        for item in self.items.iter_mut().filter(|i| i.state == ItemState::InFlight) {
            item.state = ItemState::Unknown;
            item.reason = Some(ItemReason::WorkerStopped);
            (item.status, item.detail) = (None, None);
            item.at_ms = Some(now);
            n += 1;
        }
        n
    }

    /// Today's count of `cap` for the run's account, after dropping other days' counts.
    fn used_today(&mut self, cap: CapKind, now: u64) -> u32 {
        let day = now / DAY_MS;
        // Only today's (or a later day's, after a clock change) counts matter.
        self.ledgers.retain(|l| l.day >= day);
        self.ledgers.iter().find(|l| l.account == self.account).map_or(0, |l| l.count(cap))
    }

    /// Counts one write of `cap` today for the run's account.
    fn count_today(&mut self, cap: CapKind, now: u64) {
        let day = now / DAY_MS;
        self.ledgers.retain(|l| l.day >= day);
        if let Some(l) = self.ledgers.iter_mut().find(|l| l.account == self.account) {
            *l.count_mut(cap) += 1;
            return;
        }
        if self.ledgers.len() >= MAX_LEDGERS {
            self.ledgers.remove(0);
        }
        let mut l = Ledger { account: self.account.clone(), day, withdrawals: 0, responses: 0 };
        *l.count_mut(cap) += 1;
        self.ledgers.push(l);
    }

    /// Writes of `cap` that may still be sent today for `account` (shown before a
    /// run is confirmed).
    pub fn remaining_today(&self, account: &str, cap: CapKind, now_ms: f64) -> u32 {
        let day = ms(now_ms) / DAY_MS;
        let used = self.ledgers.iter().find(|l| l.account == account && l.day >= day).map_or(0, |l| l.count(cap));
        self.settings.cap(cap).saturating_sub(used)
    }

    /// When today's caps reset: the next 00:00 UTC after `now_ms`.
    pub fn cap_resets_at_ms(now_ms: f64) -> u64 {
        (ms(now_ms) / DAY_MS + 1) * DAY_MS
    }

    /// The queue as JSON text, to store.
    pub fn to_json(&self) -> String {
        // Writing plain data to text cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Takes a settled invitation out of a stored snapshot and recounts it, so that the
/// lists, counts and badge follow each success without a re-sync. Returns whether the
/// snapshot changed (`false` for an unknown list or id, or a [`Recorded`] that removes
/// nothing).
pub fn remove_from_snapshot(snapshot: &mut crate::api::sync::Snapshot, recorded: &Recorded) -> bool {
    let Some(id) = recorded.remove.as_deref() else { return false };
    let (one, none) = (BTreeSet::from([id]), BTreeSet::new());
    match recorded.list {
        Some("sent") => remove_ids(snapshot, &one, &none),
        Some("received") => remove_ids(snapshot, &none, &one),
        _ => false,
    }
}

/// Takes out of a snapshot just synced the invitations the stored run of `tag` settled
/// (done or already gone): a sync that read their page before the action would bring
/// them back until the next sync (a first sync's sent walk can take many minutes, with
/// Received on screen and acted on meanwhile). Returns whether the snapshot changed.
pub fn drop_settled(snapshot: &mut crate::api::sync::Snapshot, queue: &ActionQueue, tag: &str) -> bool {
    if queue.account() != tag {
        return false;
    }
    let settled = queue.items().iter().filter(|i| matches!(i.state, ItemState::Done | ItemState::AlreadyGone));
    let (mut sent, mut received) = (BTreeSet::new(), BTreeSet::new());
    for item in settled {
        let ids = if item.kind == ActionKind::Withdraw { &mut sent } else { &mut received };
        ids.insert(item.invitation_id.as_str());
    }
    remove_ids(snapshot, &sent, &received)
}

/// Takes the `sent` and `received` ids out of their lists and recounts; whether any was
/// there.
fn remove_ids(snapshot: &mut crate::api::sync::Snapshot, sent: &BTreeSet<&str>, received: &BTreeSet<&str>) -> bool {
    let before = (snapshot.sent.len(), snapshot.received.len());
    snapshot.sent.retain(|i| !sent.contains(i.invitation_id.as_str()));
    snapshot.received.retain(|i| !received.contains(i.invitation_id.as_str()));
    if before == (snapshot.sent.len(), snapshot.received.len()) {
        return false;
    }
    snapshot.counts = crate::api::sync::Counts::of(&snapshot.sent, &snapshot.received);
    true
}

mod report;
mod step;
mod stored;

pub use report::{Named, RunProgress, Summary};
pub use step::{Recorded, SendOrder, Step, StepReport};

#[cfg(test)]
mod tests;
