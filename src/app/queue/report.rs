//! What a run reports: its progress (12 of 40 handled) while it goes on, and its tally
//! and the items it names when it ends ([`Summary`]): numbers, names and codes, which
//! the popup words from `extension/_locales`.

use super::{ms, ActionQueue, ItemState, RunState, Stop, MAX_NAMED};
use crate::api::actions::{ActionKind, ItemReason};
use serde::Serialize;
use tsify::Tsify;

/// A named item of a summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    /// Who.
    pub name: String,
    /// The invitation.
    pub invitation_id: String,
    /// Why (absent for an item a run of an older version stored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<ItemReason>,
    /// The HTTP status that goes with the reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The API's own words that go with the reason, or the missing field's API name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The tally of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// [`RunState`] at the time.
    pub state: RunState,
    /// What the run did (when all items share one kind).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(type = "ActionKind")]
    pub kind: Option<ActionKind>,
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
    /// The name of the item in flight, if any (`""` for an item without one).
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

impl ActionQueue {
    /// The progress of the run: items handled of the run's items.
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
                    reason: i.reason,
                    status: i.status,
                    detail: i.detail.clone(),
                })
                .collect()
        };
        let (done, already_gone, failed, unknown) =
            (count(ItemState::Done), count(ItemState::AlreadyGone), count(ItemState::Failed), count(ItemState::Unknown));
        let not_sent = count(ItemState::Pending) + count(ItemState::InFlight);
        let kind = self.items.first().map(|i| i.kind).filter(|k| self.items.iter().all(|i| i.kind == *k));
        Summary {
            state: self.state,
            kind,
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
        }
    }
}
