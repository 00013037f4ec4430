//! The controller's action runs: withdraw, accept and ignore, one write at a time.
//!
//! A run starts only from a page's [`Request::Act`](crate::app::protocol::Request::Act),
//! which the popup sends after the user confirmed it; nothing here ever starts one by
//! itself. The run is the persisted [`ActionQueue`] (storage key `actions`): paced
//! (at least 4 s between writes), capped per day, stopped by the user, a cap, a rejected
//! key or repeated failures, and resumed by a restarted worker without repeating a
//! write (an item in flight when the worker stopped becomes "unknown — check LinkedIn").
//! After each write that removed an invitation, the stored snapshot, its counts and the
//! badge follow at once, without a sync.

use super::{keys, text, App, Host, StoredCounts};
use crate::api::actions::ActionKind;
use crate::api::client::Client;
use crate::api::error::{Error, Invalid};
use crate::api::limiter::{Budget, Priority};
use serde_json::Value as Json;
use crate::app::protocol::Reply;
use crate::app::queue::{remove_from_snapshot, ActionQueue, NewItem, Step};
use crate::store::ActionSettings;
use crate::store::{self, Settings, Stamped, SCHEMA};
use crate::api::transport::Transport;
use serde::Serialize;
use serde_json::Value;
use tsify::Tsify;
use std::rc::Rc;

/// The queue's storage key.
pub const QUEUE: &str = "actions";

/// The action run as the popup shows it ([`actions_view`]).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct ActionsView {
    /// `idle`, `running`, `stopped` or `finished`.
    pub state: crate::app::queue::RunState,
    /// "12 of 40", the item in flight, a rate-limit hold.
    pub progress: crate::app::queue::RunProgress,
    /// The tally, with the reasons of failures.
    pub summary: crate::app::queue::Summary,
}

/// The stored queue (raw, under [`QUEUE`]) as the popup shows it at `now_ms`.
pub fn actions_view(raw: &Value, now_ms: f64) -> ActionsView {
    let queue = ActionQueue::read(raw);
    ActionsView { state: queue.state(), progress: queue.progress_at(now_ms), summary: queue.summary() }
}

/// The longest single wait of a run: a Stop is noticed at least this often.
const WAIT_SLICE_MS: u64 = 500;

impl<H: Host> App<H> {
    /// The queue: the one held while a run goes on, else the stored one.
    async fn queue(&self) -> ActionQueue {
        if let Some(q) = self.queue.borrow().as_ref() {
            return q.clone();
        }
        ActionQueue::read(&(self.load_one(QUEUE).await))
    }

    async fn save_queue(&self, queue: &ActionQueue) {
        self.host.save(&[(QUEUE, super::text(&queue))]).await;
    }

    /// Starts a run of `kind` on the invitations `ids` of this account's stored snapshot.
    pub(super) async fn act(&self, kind: ActionKind, ids: &[String]) -> Result<Reply, Error> {
        let raw = self.host.load(&[keys::SETTINGS, keys::SNAPSHOT, keys::TEST_CLIENT_CONFIG]).await;
        let mut raw = raw.into_iter();
        let settings_raw = raw.next().unwrap_or(Json::Null);
        let settings = Settings::read(&settings_raw);
        if settings.api_key.is_empty() {
            return Err(Error::invalid(Invalid::NoKey, ""));
        }
        let tag = settings.account_tag();
        let snapshot = store::read_snapshot(raw.next().unwrap_or(Json::Null), &tag)
            .ok_or_else(|| Error::invalid(Invalid::NoSnapshot, ""))?;
        let test_config = raw.next().unwrap_or(Json::Null);
        let account = Some(settings.account_id.as_str()).filter(|a| !a.is_empty());
        let items: Vec<NewItem> = match kind {
            ActionKind::Withdraw => {
                ids.iter().filter_map(|id| snapshot.sent.iter().find(|s| &s.invitation_id == id)).map(|s| NewItem::withdraw(s, account)).collect()
            }
            ActionKind::Accept | ActionKind::Ignore => {
                let action = if kind == ActionKind::Accept { crate::api::actions::RespondAction::Accept } else { crate::api::actions::RespondAction::Ignore };
                ids.iter()
                    .filter_map(|id| snapshot.received.iter().find(|r| &r.invitation_id == id))
                    .map(|r| NewItem::respond(r, action, account))
                    .collect()
            }
        };
        let client = self.client_for(&settings, &test_config)?;
        let mut queue = self.queue().await;
        let seed = (client.transport().random() * f64::from(u32::MAX)) as u32;
        let total = queue.start(&tag, ActionSettings::read(&settings_raw), items, self.host.now_ms(), seed)?;
        self.save_queue(&queue).await;
        *self.queue.borrow_mut() = Some(queue);
        Ok(Reply::Started { total: u32::try_from(total).unwrap_or(u32::MAX) })
    }

    /// Stops the run: nothing more is sent (a write in flight still takes its answer).
    pub(super) async fn stop_actions(&self) {
        let now = self.host.now_ms();
        // The held queue is stopped in place (the run may be recording meanwhile).
        let held = self.queue.borrow_mut().as_mut().map(|q| {
            q.stop(now);
            q.clone()
        });
        let queue = match held {
            Some(q) => q,
            None => {
                let mut q = ActionQueue::read(&(self.load_one(QUEUE).await));
                q.stop(now);
                q
            }
        };
        self.save_queue(&queue).await;
    }

    /// What `kind` may still do today, and the API's own quota where it reports one.
    pub(super) async fn allowance(&self, kind: ActionKind) -> Reply {
        let raw = self.host.load(&[keys::SETTINGS, keys::TEST_CLIENT_CONFIG]).await;
        let mut raw = raw.into_iter();
        let settings_raw = raw.next().unwrap_or(Json::Null);
        let settings = Settings::read(&settings_raw);
        let test_config = raw.next().unwrap_or(Json::Null);
        let now = self.host.now_ms();
        // The day's count under the current settings' cap (the queue's own settings are
        // those of its last run).
        let mut queue = self.queue().await;
        queue.set_settings(ActionSettings::read(&settings_raw));
        let cap = queue.settings().cap(kind.cap());
        let remaining = queue.remaining_today(&settings.account_tag(), kind.cap(), now);
        let quota = match (settings.account_id.as_str(), self.client_for(&settings, &test_config)) {
            ("", _) | (_, Err(_)) => None,
            (account, Ok(client)) => client.quota(account).await.ok().flatten().and_then(|q| q.for_cap(kind.cap()).cloned()),
        };
        Reply::Allowance { remaining, cap, resets_at_ms: ActionQueue::cap_resets_at_ms(now), quota }
    }

    /// Runs the stored action run to its end (or its stop), one paced write at a time.
    /// A worker that starts again calls this from [`App::wake`]: an item that was in
    /// flight becomes unknown, never sent twice.
    pub async fn run_actions(&self) {
        if self.acting.replace(true) {
            return;
        }
        let mut queue = self.queue().await;
        if queue.recover(self.host.now_ms()) > 0 {
            self.save_queue(&queue).await;
        }
        *self.queue.borrow_mut() = Some(queue);
        self.host.keep_alive(true);
        loop {
            let raw = self.host.load(&[keys::SETTINGS, keys::TEST_CLIENT_CONFIG]).await;
            let mut raw = raw.into_iter();
            let settings = Settings::read(&raw.next().unwrap_or(Json::Null));
            let test_config = raw.next().unwrap_or(Json::Null);
            let tag = settings.account_tag();
            let now = self.host.now_ms();
            let step = match self.queue.borrow_mut().as_mut() {
                Some(q) => q.next_step(now, &tag),
                None => break,
            };
            let client = match self.client_for(&settings, &test_config) {
                Ok(c) => c,
                // Settings no client can be made of: the queue stops itself on the account.
                Err(_) => break,
            };
            match step {
                Step::Wait { ms } => self.wait(&client, ms).await,
                Step::Send(order) => {
                    // Stored before it is sent: a worker stopped now leaves it in flight,
                    // and in flight becomes "unknown", never a second send. A wait for
                    // the pacing (a sync's reads just used the window) is stored with
                    // it, for the popup to say why nothing moves.
                    if let Some(q) = self.queue.borrow_mut().as_mut() {
                        q.paced(now, client.pace_delay_ms(Budget::Write, Priority::Interactive));
                    }
                    self.save_held().await;
                    let outcome = client.perform(&order.request).await.redact(client.config().api_key.expose());
                    let recorded = match self.queue.borrow_mut().as_mut() {
                        Some(q) => q.record(order.index, &outcome, self.host.now_ms()),
                        None => break,
                    };
                    self.save_held().await;
                    if recorded.remove.is_some() {
                        self.remove_from_stored(&tag, &recorded).await;
                    }
                }
                Step::Finished(_) => {
                    self.save_held().await;
                    break;
                }
            }
        }
        *self.queue.borrow_mut() = None;
        self.host.keep_alive(false);
        self.acting.set(false);
    }

    async fn save_held(&self) {
        let held = self.queue.borrow().clone();
        if let Some(q) = held {
            self.save_queue(&q).await;
        }
    }

    async fn wait(&self, client: &Rc<Client<H::Transport>>, ms: u64) {
        let t = client.transport();
        // A cancelled sleep (another account) ends early: the next step decides.
        let _ = t.sleep(t.begin(), ms.min(WAIT_SLICE_MS) as f64).await;
    }

    /// The invitation a write removed leaves the stored snapshot and its counts, and
    /// the badge follows, without a sync.
    async fn remove_from_stored(&self, tag: &str, recorded: &crate::app::queue::Recorded) {
        let Some(mut snapshot) = store::read_snapshot(self.load_one(keys::SNAPSHOT).await, tag) else { return };
        // A withdrawal done is recorded as the extension's own: never counted as gone.
        // (One "already gone" was not ours: it may have been accepted meanwhile.)
        let done = |id: &str| {
            self.queue.borrow().as_ref().is_some_and(|q| {
                q.items().iter().any(|i| i.invitation_id == id && i.state == crate::app::queue::ItemState::Done)
            })
        };
        let withdrawn = match (recorded.list, recorded.remove.as_deref()) {
            (Some("sent"), Some(id)) if done(id) => snapshot.sent.iter().find(|s| s.invitation_id == id).cloned(),
            _ => None,
        };
        if let Some(item) = &withdrawn {
            self.note_own_withdrawal(tag, item, snapshot.sent_taken_at_ms).await;
        }
        if !remove_from_snapshot(&mut snapshot, recorded) {
            return;
        }
        let counts = StoredCounts { schema: SCHEMA, account: tag, counts: &snapshot.counts, partial: snapshot.partial };
        self.host.save(&[(keys::SNAPSHOT, text(&Stamped::new(&snapshot, tag))), (keys::BADGE_COUNTS, text(&counts))]).await;
        self.draw_badge(None).await;
    }
}

