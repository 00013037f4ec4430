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
//! never below [`crate::store::MIN_GAP_MS`]) plus a random jitter apart, counted from when each
//! write was handed out, and at least the gap after its answer was recorded. A 429 holds the run until the server's time, then the same
//! item is tried again; a hold longer than [`MAX_HOLD_MS`] stops the run instead.
//!
//! **Caps.** Withdrawals and responses (accept + ignore) are counted per UTC day and
//! per account in the stored queue, across runs; reaching a cap stops the run and says
//! when it resets (the next 00:00 UTC, when LinkedIn's own daily quotas reset too).

use crate::api::actions::{stored_word, ActionKind, ActionRequest, CapKind, MissingField, WriteOutcome};
use crate::api::error::Error;
use crate::api::models::{ReceivedInvitation, SentInvitation};
use crate::store::ActionSettings;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
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
#[serde(rename_all = "camelCase", try_from = "StoredItem")]
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
    /// The API's message, or why it failed or is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
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

fn display_name(full: String, fallback: &[Option<&str>], id: &str) -> String {
    let full = full.trim().to_string();
    if !full.is_empty() {
        return full;
    }
    fallback.iter().flatten().map(|s| s.trim()).find(|s| !s.is_empty()).map_or_else(|| ["invitation ", id].concat(), str::to_string)
}

impl NewItem {
    /// A withdraw of `item`, for `account_id` (or the client's account).
    pub fn withdraw(item: &SentInvitation, account_id: Option<&str>) -> NewItem {
        NewItem {
            kind: ActionKind::Withdraw,
            name: display_name(item.profile.full_name(), &[item.profile.public_identifier.as_deref()], &item.invitation_id),
            invitation_id: item.invitation_id.clone(),
            request: crate::api::actions::WithdrawRequest::from_sent(item, account_id).map(ActionRequest::Withdraw),
        }
    }

    /// An accept or ignore of `item`, for `account_id` (or the client's account).
    pub fn respond(item: &ReceivedInvitation, action: crate::api::actions::RespondAction, account_id: Option<&str>) -> NewItem {
        NewItem {
            kind: action.kind(),
            name: display_name(
                item.profile.full_name(),
                &[item.newsletter_name.as_deref(), item.company_name.as_deref()],
                &item.invitation_id,
            ),
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
    #[serde(default, deserialize_with = "cap_word", skip_serializing_if = "Option::is_none")]
    #[tsify(type = "CapKind")]
    pub cap: Option<CapKind>,
    /// When the cap resets or the rate limit ends (epoch ms).
    #[serde(default, deserialize_with = "crate::api::lenient::count", skip_serializing_if = "Option::is_none")]
    pub until_ms: Option<u64>,
    /// The API's message, where one explains it.
    #[serde(default, deserialize_with = "crate::api::lenient::text", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Stop {
    fn of(reason: StopReason) -> Stop {
        Stop { reason, cap: None, until_ms: None, message: None }
    }

    /// The stop in words (English).
    pub fn text(&self) -> String {
        match self.reason {
            StopReason::User => "Stopped.".into(),
            StopReason::Cap => {
                ["Daily limit of ", self.cap.map_or("actions", CapKind::as_str), " reached; it resets at 00:00 UTC."].concat()
            }
            StopReason::Unauthorized => "Stopped: the API key was refused.".into(),
            StopReason::Forbidden => {
                ["Stopped: ", self.message.as_deref().unwrap_or("the API does not allow this action.")].concat()
            }
            StopReason::RateLimited => "Stopped: the API asks to wait before more actions.".into(),
            StopReason::AccountChanged => "Stopped: the account changed.".into(),
            StopReason::RepeatedFailures => "Stopped after several failures in a row.".into(),
        }
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
    #[serde(default, deserialize_with = "whole32_or_zero")]
    pub withdrawals: u32,
    /// Responses handed out that day.
    #[serde(default, deserialize_with = "whole32_or_zero")]
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

/// What the worker does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Wait this long, then ask again.
    Wait {
        /// Milliseconds.
        ms: u64,
    },
    /// Send this write now (through [`crate::Client::perform`]), then
    /// [`ActionQueue::record`] its outcome.
    Send(SendOrder),
    /// Nothing more to do: the run's summary.
    Finished(Summary),
}

impl Step {
    /// The JSON-compatible form: `{step: "wait", ms}`, `{step: "send", index, kind,
    /// name, invitationId, request}` or `{step: "finished", summary}`.
    pub fn report(&self) -> StepReport<'_> {
        match self {
            Step::Wait { ms } => StepReport { step: "wait", ms: Some(*ms), send: None, summary: None },
            Step::Send(order) => StepReport { step: "send", ms: None, send: Some(order), summary: None },
            Step::Finished(summary) => StepReport { step: "finished", ms: None, send: None, summary: Some(summary) },
        }
    }
}

/// [`Step::report`].
#[derive(Debug, Clone, Serialize)]
pub struct StepReport<'a> {
    /// `wait`, `send` or `finished`.
    pub step: &'static str,
    /// For `wait`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// For `send`: its fields, flattened (`{step: "send", index, kind, …}`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub send: Option<&'a SendOrder>,
    /// For `finished`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<&'a Summary>,
}

/// A write to send now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOrder {
    /// The item's index, to pass back to [`ActionQueue::record`].
    pub index: usize,
    /// What it does.
    pub kind: ActionKind,
    /// Who it is about.
    pub name: String,
    /// The invitation.
    pub invitation_id: String,
    /// The request.
    pub request: ActionRequest,
}

/// What [`ActionQueue::record`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// Whether the outcome was taken (an item not in flight ignores it).
    pub accepted: bool,
    /// The invitation to remove from its list (done or already gone), at once, without
    /// a re-sync.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remove: Option<String>,
    /// `"sent"` or `"received"`: the list `remove` belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<&'static str>,
}

/// A named item of a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    /// Who.
    pub name: String,
    /// The invitation.
    pub invitation_id: String,
    /// The reason or message.
    pub reason: String,
}

/// The tally of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// [`RunState`] at the time.
    pub state: RunState,
    /// Items in the run.
    pub total: u32,
    /// Done.
    pub done: u32,
    /// Already gone (counted as done, and said so).
    pub already_gone: u32,
    /// Failed.
    pub failed: u32,
    /// Unknown: check LinkedIn.
    pub unknown: u32,
    /// Never sent (the run stopped first).
    pub not_sent: u32,
    /// Why the run stopped, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<Stop>,
    /// The first [`MAX_NAMED`] failed items with their reasons.
    pub failures: Vec<Named>,
    /// The first [`MAX_NAMED`] unknown items.
    pub unknowns: Vec<Named>,
    /// The first [`MAX_NAMED`] already-gone items.
    pub gone: Vec<Named>,
    /// The summary in words (English): "12 withdrawn, 1 already gone, 2 failed."
    pub text: String,
}

/// Progress of the current run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RunProgress {
    /// [`RunState`].
    pub state: RunState,
    /// Items settled.
    pub handled: u32,
    /// Items in the run.
    pub total: u32,
    /// "12 of 40".
    pub text: String,
    /// The item in flight, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<String>,
    /// What the run does (when all items share one kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = "ActionKind")]
    pub kind: Option<ActionKind>,
    /// While a rate limit holds the run: until when (epoch ms), to say so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_until_ms: Option<u64>,
    /// While the item in flight waits for the request pacing (reads share it): until
    /// when (epoch ms), to say so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paced_until_ms: Option<u64>,
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
    /// What it says to a person.
    pub fn as_str(self) -> &'static str {
        match self {
            StartError::Busy => "a run is in progress",
            StartError::Empty => "nothing to do",
        }
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<StartError> for Error {
    fn from(e: StartError) -> Error {
        Error::InvalidInput(e.as_str().to_string())
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
    #[serde(deserialize_with = "schema")]
    schema: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    account: String,
    #[serde(default)]
    settings: ActionSettings,
    state: RunState,
    #[serde(default, deserialize_with = "crate::api::lenient::object", skip_serializing_if = "Option::is_none")]
    stop: Option<Stop>,
    #[serde(deserialize_with = "stored_items")]
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
    #[serde(default = "one", deserialize_with = "rng")]
    rng: u32,
    #[serde(default, deserialize_with = "whole32_or_zero")]
    failures_in_row: u32,
    #[serde(default, deserialize_with = "stored_ledgers")]
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
        raw.is_object().then(|| ActionQueue::deserialize(raw.clone()).ok()).flatten().unwrap_or_default()
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
            let (request, state, message) = match item.request {
                Ok(r) => (Some(r), ItemState::Pending, None),
                Err(m) => (None, ItemState::Failed, Some(m.message())),
            };
            queued.push(QueueItem {
                kind: item.kind,
                name: item.name,
                invitation_id: item.invitation_id,
                request,
                state,
                message,
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
            item.message = Some("the extension stopped while this was being sent; check LinkedIn".into());
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

    fn jitter(&mut self) -> u64 {
        // xorshift32: cheap, and its state fits a JavaScript number.
        let mut x = self.rng.max(1);
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng = x;
        u64::from(x) % (u64::from(self.settings.jitter_ms) + 1)
    }

    /// What to do next at `now_ms` (epoch ms) for `account` (the account tag of the
    /// current settings; another one than the run's stops it). Store the queue after
    /// every call that returns [`Step::Send`]: the item is then in flight.
    pub fn next_step(&mut self, now_ms: f64, account: &str) -> Step {
        let now = ms(now_ms);
        if self.state == RunState::Running && account != self.account {
            self.halt(Stop::of(StopReason::AccountChanged), now);
        }
        if self.state != RunState::Running {
            return Step::Finished(self.summary());
        }
        if let Some(item) = self.items.iter_mut().find(|i| i.state == ItemState::InFlight) {
            let at = item.at_ms.unwrap_or(now).min(now);
            item.at_ms = Some(at);
            let due = at + IN_FLIGHT_EXPIRY_MS;
            if now < due {
                return Step::Wait { ms: due - now };
            }
            item.state = ItemState::Unknown;
            item.message = Some("no answer was recorded for this action; check LinkedIn".into());
            item.at_ms = Some(now);
            self.failures_in_row += 1;
            if self.failures_in_row >= MAX_FAILURES_IN_ROW {
                self.halt(Stop::of(StopReason::RepeatedFailures), now);
                return Step::Finished(self.summary());
            }
        }
        let Some(index) = self.items.iter().position(|i| i.state == ItemState::Pending) else {
            self.state = RunState::Finished;
            self.finished_ms = Some(now);
            return Step::Finished(self.summary());
        };
        let kind = self.items.get(index).map_or(ActionKind::Withdraw, |i| i.kind);
        let cap = kind.cap();
        let limit = self.settings.cap(cap);
        if self.used_today(cap, now) >= limit {
            let stop =
                Stop { reason: StopReason::Cap, cap: Some(cap), until_ms: Some(Self::cap_resets_at_ms(now_ms)), message: None };
            self.halt(stop, now);
            return Step::Finished(self.summary());
        }
        // A wall clock set back must not stretch a wait beyond one gap or one hold.
        let longest_gap = u64::from(self.settings.gap_ms) + u64::from(self.settings.jitter_ms);
        if self.next_due_ms > now + longest_gap {
            self.next_due_ms = now + u64::from(self.settings.gap_ms);
        }
        if self.hold_until_ms > now + MAX_HOLD_MS {
            self.hold_until_ms = now + MAX_HOLD_MS;
        }
        let due = self.next_due_ms.max(self.hold_until_ms);
        if due > now {
            return Step::Wait { ms: due - now };
        }
        let jitter = self.jitter();
        self.next_due_ms = now + u64::from(self.settings.gap_ms) + jitter;
        self.count_today(cap, now);
        let Some(item) = self.items.get_mut(index) else {
            return Step::Finished(self.summary());
        };
        let Some(request) = item.request.clone() else {
            // Unreachable: items without a request start failed.
            item.state = ItemState::Failed;
            return Step::Wait { ms: 0 };
        };
        item.state = ItemState::InFlight;
        item.attempts += 1;
        item.at_ms = Some(now);
        Step::Send(SendOrder { index, kind, name: item.name.clone(), invitation_id: item.invitation_id.clone(), request })
    }

    fn refund(&mut self, cap: CapKind, sent_at: Option<u64>, now: u64) {
        let day = sent_at.unwrap_or(now) / DAY_MS;
        let account = self.account.clone();
        if let Some(l) = self.ledgers.iter_mut().find(|l| l.account == account && l.day == day) {
            let c = l.count_mut(cap);
            *c = c.saturating_sub(1);
        }
    }

    /// Records the outcome of the item handed out as `index`. Only an item in flight
    /// takes an outcome (a late answer for an item already taken as unknown is taken
    /// when it says done or already gone).
    pub fn record(&mut self, index: usize, outcome: &WriteOutcome, now_ms: f64) -> Recorded {
        let now = ms(now_ms);
        self.paced_until_ms = 0;
        let ignored = Recorded { accepted: false, remove: None, list: None };
        let Some(item) = self.items.get(index) else { return ignored };
        let late = item.state == ItemState::Unknown && outcome.removes_item();
        if item.state != ItemState::InFlight && !late {
            return ignored;
        }
        let (cap, sent_at, kind) = (item.kind.cap(), item.at_ms, item.kind);
        let mut stop = None;
        let mut refund = false;
        let (state, message) = match outcome {
            WriteOutcome::Done { message } => (ItemState::Done, message.clone()),
            WriteOutcome::AlreadyGone { message } => (ItemState::AlreadyGone, Some(message.clone())),
            WriteOutcome::Unknown { reason } => (ItemState::Unknown, Some(reason.clone())),
            WriteOutcome::Failed(e) => match e {
                Error::Cancelled => {
                    refund = true;
                    (ItemState::Pending, None)
                }
                Error::RateLimited { retry_at_ms, message, .. } => {
                    refund = true;
                    let until = retry_at_ms.map_or(now + DEFAULT_RATE_LIMIT_WAIT_MS, ms) + RATE_LIMIT_MARGIN_MS;
                    let rate_limits = item.rate_limits + 1;
                    if until > now + MAX_HOLD_MS || rate_limits >= MAX_RATE_LIMITS_PER_ITEM {
                        stop = Some(Stop {
                            reason: StopReason::RateLimited,
                            cap: None,
                            until_ms: Some(until),
                            message: Some(message.clone()),
                        });
                    } else {
                        self.hold_until_ms = self.hold_until_ms.max(until);
                    }
                    (ItemState::Pending, Some(["rate limited: ", message.as_str()].concat()))
                }
                Error::Api { status: 401, .. } => {
                    refund = true;
                    stop = Some(Stop::of(StopReason::Unauthorized));
                    (ItemState::Pending, None)
                }
                Error::Api { status: 403, message, .. } => {
                    refund = true;
                    stop = Some(Stop { message: Some(message.clone()), ..Stop::of(StopReason::Forbidden) });
                    (ItemState::Pending, None)
                }
                Error::InvalidInput(m) => {
                    refund = true;
                    (ItemState::Failed, Some(m.clone()))
                }
                other => (ItemState::Failed, Some(other.message())),
            },
        };
        if refund {
            self.refund(cap, sent_at, now);
        }
        if !matches!(outcome, WriteOutcome::Failed(Error::Cancelled)) {
            // The gap also counts from the answer: a write held up in the client's own
            // pacing (behind a sync's reads) is not followed by the next one at once.
            self.next_due_ms = self.next_due_ms.max(now + u64::from(self.settings.gap_ms));
        }
        let was_rate_limited = matches!(outcome, WriteOutcome::Failed(Error::RateLimited { .. }));
        if let Some(item) = self.items.get_mut(index) {
            item.state = state;
            item.message = message;
            item.at_ms = Some(now);
            if was_rate_limited {
                item.rate_limits += 1;
            }
            if state == ItemState::Pending {
                item.attempts = item.attempts.saturating_sub(1);
            }
        }
        match state {
            ItemState::Done | ItemState::AlreadyGone => self.failures_in_row = 0,
            ItemState::Failed | ItemState::Unknown if !late => self.failures_in_row += 1,
            _ => {}
        }
        if let Some(stop) = stop {
            self.halt(stop, now);
        } else if self.failures_in_row >= MAX_FAILURES_IN_ROW {
            self.halt(Stop::of(StopReason::RepeatedFailures), now);
        }
        let removed = matches!(state, ItemState::Done | ItemState::AlreadyGone);
        Recorded {
            accepted: true,
            remove: removed.then(|| self.items.get(index).map(|i| i.invitation_id.clone())).flatten(),
            list: removed.then_some(if kind == ActionKind::Withdraw { "sent" } else { "received" }),
        }
    }

    /// The progress of the run: "12 of 40".
    pub fn progress(&self) -> RunProgress {
        self.progress_at(0.0)
    }

    /// [`ActionQueue::progress`], saying whether a rate limit holds the run at `now_ms`.
    pub fn progress_at(&self, now_ms: f64) -> RunProgress {
        let total = u32::try_from(self.items.len()).unwrap_or(u32::MAX);
        let handled = u32::try_from(self.items.iter().filter(|i| i.state.is_settled()).count()).unwrap_or(u32::MAX);
        let first = self.items.first().map(|i| i.kind);
        RunProgress {
            state: self.state,
            handled,
            total,
            text: format!("{handled} of {total}"),
            current: self.items.iter().find(|i| i.state == ItemState::InFlight).map(|i| i.name.clone()),
            kind: first.filter(|k| self.items.iter().all(|i| i.kind == *k)),
            held_until_ms: (self.state == RunState::Running && self.hold_until_ms > ms(now_ms) && now_ms > 0.0)
                .then_some(self.hold_until_ms),
            paced_until_ms: (self.state == RunState::Running
                && self.paced_until_ms > ms(now_ms)
                && now_ms > 0.0
                && self.items.iter().any(|i| i.state == ItemState::InFlight))
            .then_some(self.paced_until_ms),
        }
    }

    /// The tally of the current (or last) run.
    pub fn summary(&self) -> Summary {
        let count = |s: ItemState| u32::try_from(self.items.iter().filter(|i| i.state == s).count()).unwrap_or(u32::MAX);
        let named = |s: ItemState| -> Vec<Named> {
            self.items
                .iter()
                .filter(|i| i.state == s)
                .take(MAX_NAMED)
                .map(|i| Named {
                    name: i.name.clone(),
                    invitation_id: i.invitation_id.clone(),
                    reason: i.message.clone().unwrap_or_default(),
                })
                .collect()
        };
        let (done, already_gone, failed, unknown) =
            (count(ItemState::Done), count(ItemState::AlreadyGone), count(ItemState::Failed), count(ItemState::Unknown));
        let not_sent = count(ItemState::Pending) + count(ItemState::InFlight);
        let kind = self.items.first().map(|i| i.kind).filter(|k| self.items.iter().all(|i| i.kind == *k));
        let verb = match kind {
            Some(ActionKind::Withdraw) => "withdrawn",
            Some(ActionKind::Accept) => "accepted",
            Some(ActionKind::Ignore) => "ignored",
            None => "done",
        };
        let mut parts = vec![format!("{done} {verb}")];
        if already_gone > 0 {
            parts.push(format!("{already_gone} already gone"));
        }
        if failed > 0 {
            parts.push(format!("{failed} failed"));
        }
        if unknown > 0 {
            parts.push(format!("{unknown} unknown (check LinkedIn)"));
        }
        if not_sent > 0 {
            parts.push(format!("{not_sent} not sent"));
        }
        let mut text = [parts.join(", ").as_str(), "."].concat();
        if let Some(stop) = &self.stop {
            text.push(' ');
            text.push_str(&stop.text());
        }
        Summary {
            state: self.state,
            total: u32::try_from(self.items.len()).unwrap_or(u32::MAX),
            done,
            already_gone,
            failed,
            unknown,
            not_sent,
            stop: self.stop.clone(),
            failures: named(ItemState::Failed),
            unknowns: named(ItemState::Unknown),
            gone: named(ItemState::AlreadyGone),
            text,
        }
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
    let before = (snapshot.sent.len(), snapshot.received.len());
    match recorded.list {
        Some("sent") => snapshot.sent.retain(|i| i.invitation_id != id),
        Some("received") => snapshot.received.retain(|i| i.invitation_id != id),
        _ => return false,
    }
    if before == (snapshot.sent.len(), snapshot.received.len()) {
        return false;
    }
    snapshot.counts = crate::api::sync::Counts::of(&snapshot.sent, &snapshot.received);
    true
}

// ---- reading a stored queue ---------------------------------------------------------

/// A count that does not fit a `u32` is its largest.
fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}


/// A whole number, at most `u32::MAX`; 0 for anything else.
fn whole32_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    crate::api::lenient::count_or_zero::<_, u64>(d).map(saturate)
}

fn one() -> u32 {
    1
}

/// The random state: never 0 (xorshift would stay 0).
fn rng<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(whole32_or_zero(d)?.max(1))
}

/// The schema: the number [`QUEUE_SCHEMA`] (not its text); anything else is an error.
fn schema<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) if n.as_f64() == Some(f64::from(QUEUE_SCHEMA)) => Ok(QUEUE_SCHEMA),
        _ => Err(de::Error::custom("another schema")),
    }
}

/// The objects of a stored list that read as `T`, in order; anything else in it is
/// left out. Not a list (or missing, or `null`) is an error.
fn stored_objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    // An object only: serde would read a list as the fields in order.
    let list: Vec<Value> = Vec::deserialize(d)?;
    Ok(list.into_iter().filter(Value::is_object).filter_map(|v| T::deserialize(v).ok()).collect())
}

/// The run's items: see [`stored_objects`]; at most [`MAX_ITEMS`].
fn stored_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<QueueItem>, D::Error> {
    let mut items: Vec<QueueItem> = stored_objects(d)?;
    items.truncate(MAX_ITEMS);
    Ok(items)
}

/// The day's counts: see [`stored_objects`], but anything that is not a list is none;
/// at most [`MAX_LEDGERS`].
fn stored_ledgers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ledger>, D::Error> {
    let mut ledgers: Vec<Ledger> = match Value::deserialize(d)? {
        list @ Value::Array(_) => stored_objects(list).unwrap_or_default(),
        _ => Vec::new(),
    };
    ledgers.truncate(MAX_LEDGERS);
    Ok(ledgers)
}

/// A stop's cap: its name, or absent for another word; any other kind of value is an
/// error.
fn cap_word<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CapKind>, D::Error> {
    Ok(crate::api::lenient::text(d)?.as_deref().and_then(CapKind::parse))
}

/// A stored item before its request is read (the request's kind is the item's).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredItem {
    kind: ActionKind,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    name: String,
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    invitation_id: String,
    #[serde(default)]
    request: Option<Value>,
    state: ItemState,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "whole32_or_zero")]
    attempts: u32,
    #[serde(default, deserialize_with = "whole32_or_zero")]
    rate_limits: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    at_ms: Option<u64>,
}

impl TryFrom<StoredItem> for QueueItem {
    type Error = String;

    /// The item, with its request read as its kind's; an item still to send must have
    /// one.
    fn try_from(i: StoredItem) -> Result<Self, String> {
        let request = match i.request {
            Some(r) => Some(ActionRequest::read(i.kind, r).map_err(|e| format!("request: {e}"))?),
            None => None,
        };
        if request.is_none() && !i.state.is_settled() {
            return Err("request: missing".into());
        }
        Ok(QueueItem {
            kind: i.kind,
            name: i.name,
            invitation_id: i.invitation_id,
            request,
            state: i.state,
            message: i.message,
            attempts: i.attempts,
            rate_limits: i.rate_limits,
            at_ms: i.at_ms,
        })
    }
}

/// A stored item's state, read back exactly (anything else is an error).
impl<'de> Deserialize<'de> for ItemState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, ItemState::parse)
    }
}

/// A stored run's state, read back exactly (anything else is an error).
impl<'de> Deserialize<'de> for RunState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, RunState::parse)
    }
}

/// A stored stop's reason, read back exactly (anything else is an error).
impl<'de> Deserialize<'de> for StopReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, StopReason::parse)
    }
}


#[cfg(test)]
mod tests;
