//! The run's stepping: what the worker does next ([`ActionQueue::next_step`]: wait, send
//! one write, or finish) and what an answer does to the run ([`ActionQueue::record`]).
//! The pacing, the daily caps, the holds of a rate limit and the stops are decided
//! here.

use super::{
    ms, ActionQueue, ItemState, RunState, Stop, StopReason, Summary, DAY_MS, DEFAULT_RATE_LIMIT_WAIT_MS,
    IN_FLIGHT_EXPIRY_MS, MAX_FAILURES_IN_ROW, MAX_HOLD_MS, MAX_RATE_LIMITS_PER_ITEM, RATE_LIMIT_MARGIN_MS,
};
use crate::api::actions::{ActionKind, ActionRequest, CapKind, ItemReason, WriteOutcome};
use crate::api::error::Error;
use serde::Serialize;

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

impl ActionQueue {
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
            item.reason = Some(ItemReason::NoAnswer);
            (item.status, item.detail) = (None, None);
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
        // The state, and why: a reason code with its status and the API's own words.
        let none = (None, None, None);
        let (state, (reason, status, detail)) = match outcome {
            WriteOutcome::Done { .. } => (ItemState::Done, none),
            WriteOutcome::AlreadyGone { message } => {
                (ItemState::AlreadyGone, (Some(ItemReason::AlreadyGone), None, Some(message.clone()).filter(|m| !m.is_empty())))
            }
            WriteOutcome::Unknown { reason, status } => (ItemState::Unknown, (Some(*reason), *status, None)),
            WriteOutcome::Failed(e) => match e {
                Error::Cancelled => {
                    refund = true;
                    (ItemState::Pending, none)
                }
                Error::RateLimited { retry_at_ms, .. } => {
                    refund = true;
                    let until = retry_at_ms.map_or(now + DEFAULT_RATE_LIMIT_WAIT_MS, ms) + RATE_LIMIT_MARGIN_MS;
                    let rate_limits = item.rate_limits + 1;
                    if until > now + MAX_HOLD_MS || rate_limits >= MAX_RATE_LIMITS_PER_ITEM {
                        stop = Some(Stop {
                            reason: StopReason::RateLimited,
                            cap: None,
                            until_ms: Some(until),
                            message: e.api_message().map(str::to_string),
                        });
                    } else {
                        self.hold_until_ms = self.hold_until_ms.max(until);
                    }
                    (ItemState::Pending, (Some(ItemReason::RateLimited), None, e.api_message().map(str::to_string)))
                }
                Error::Api { status: 401, .. } => {
                    refund = true;
                    stop = Some(Stop::of(StopReason::Unauthorized));
                    (ItemState::Pending, none)
                }
                Error::Api { status: 403, .. } => {
                    refund = true;
                    stop = Some(Stop { message: e.api_message().map(str::to_string), ..Stop::of(StopReason::Forbidden) });
                    (ItemState::Pending, none)
                }
                Error::InvalidInput { reason: invalid, detail } => {
                    refund = true;
                    let field = (*invalid == crate::api::error::Invalid::MissingField).then(|| detail.clone());
                    (ItemState::Failed, (Some(ItemReason::of_error(e)), None, field))
                }
                other => (ItemState::Failed, (Some(ItemReason::of_error(other)), other.status(), other.api_message().map(str::to_string))),
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
            (item.reason, item.status, item.detail) = (reason, status, detail);
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
}
