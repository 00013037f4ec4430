//! The controller's acceptance tracking (see [`crate::store::history`]): after a sync
//! of everything, what became of the sent invitations that left the list, read from the
//! newest connections (at most [`CHECK_PAGES`] pages, only when some left), and
//! LinkedIn's invitation quota (one request per sync of everything, when the account is
//! known); the history is stored with the snapshot. The extension's own withdrawals are
//! recorded as they are done, and are never gone.

use super::{keys, text, App, Host, QUEUE};
use crate::api::client::{List, SortBy};
use crate::api::models::SentInvitation;
use crate::api::sync::Snapshot;
use crate::app::queue::{ActionQueue, ItemState};
use crate::store::ages::FirstSeen;
use crate::store::history::{departures, ConnectionCheck, Departure, History, StoredQuota, CHECK_PAGES, CHECK_PAGE_SIZE};
use crate::store::Settings;
use serde_json::Value as Json;

/// Whether the stored action run of `tag` withdrew `id`, or may have (an answer lost
/// in flight), or found it already gone: such an invitation leaving the list is not
/// counted (never as gone).
fn queue_withdrew(queue: &ActionQueue, tag: &str, id: &str) -> bool {
    queue.account() == tag
        && queue.items().iter().any(|i| {
            i.kind == crate::api::actions::ActionKind::Withdraw
                && i.invitation_id == id
                && matches!(i.state, ItemState::Done | ItemState::AlreadyGone | ItemState::Unknown | ItemState::InFlight)
        })
}

impl<H: Host> App<H> {
    /// The history after a sync of everything of `tag` at `now_ms`: `before` is the
    /// snapshot of this account the sync started from (none on its first sync, or
    /// after an account change: then nothing is compared), `seen` the first-seen times
    /// before the sync updates them. Never fails: connections that cannot be read leave
    /// the outcomes unchecked, a quota that cannot be read keeps the last one.
    pub(super) async fn track_acceptance(
        &self,
        settings: &Settings,
        test_config: &Json,
        before: Option<&Snapshot>,
        snapshot: &Snapshot,
        seen: &FirstSeen,
        now_ms: f64,
    ) -> History {
        let tag = settings.account_tag();
        let since = before.map_or(now_ms, |b| b.sent_taken_at_ms);
        let client = self.client_for(settings, test_config).ok();
        // Which invitations left, other than the extension's own withdrawals, as the
        // stored history and action run say at the moment of asking.
        let left = |history: &History, queue: &ActionQueue| {
            before.map(|before| {
                let first_seen = |id: &str| seen.get(List::Sent, id);
                let own = |id: &str| history.withdrew(id) || queue_withdrew(queue, &tag, id);
                departures(&before.sent, &snapshot.sent, before.sent_taken_at_ms, first_seen, own)
            })
        };
        let (history, queue) = self.stored_outcomes(&tag, since).await;
        let check = match (left(&history, &queue), &client) {
            (None, _) => None,
            (Some(left), _) if left.is_empty() => Some(ConnectionCheck::new(since)),
            (Some(_), None) => None,
            (Some(left), Some(client)) => {
                let mut check = ConnectionCheck::new(since);
                let mut read = true;
                while let Some(start) = check.next_start() {
                    match client.connections_page(start, CHECK_PAGE_SIZE, SortBy::RecentlyAdded).await {
                        Ok(page) => {
                            check.accept(page.items, page.raw_len, page.end_of_list, self.host.now_ms());
                            if check.found_all(&left) {
                                check.stop();
                            }
                        }
                        Err(_) => {
                            read = false;
                            break;
                        }
                    }
                }
                debug_assert!(check.pages() <= CHECK_PAGES);
                read.then_some(check)
            }
        };
        let account = Some(settings.account_id.as_str()).filter(|a| !a.is_empty()).or(snapshot.account_id.as_deref());
        let mut quota = None;
        if let (Some(client), Some(account)) = (&client, account) {
            if let Ok(Some(q)) = client.quota(account).await {
                quota = StoredQuota::from_quota(&q, self.host.now_ms());
            }
        }
        // Read again after the requests, which pacing may stretch to a minute: a
        // withdrawal done meanwhile is in the stored history or run, never lost by the
        // history this sync stores, and never counted as gone.
        let (mut history, queue) = self.stored_outcomes(&tag, since).await;
        if let Some(left) = left(&history, &queue) {
            history.record(&left, check.as_ref(), now_ms);
        }
        if quota.is_some() {
            history.quota = quota;
        }
        history.trim(now_ms);
        history
    }

    /// The stored history of `tag` (a new one tracking since `since` when there is none
    /// of this account) and the stored action run.
    async fn stored_outcomes(&self, tag: &str, since: f64) -> (History, ActionQueue) {
        let raw = self.host.load(&[keys::ACCEPTANCE, QUEUE]).await;
        let mut raw = raw.into_iter();
        let (stored, queue) = (raw.next().unwrap_or(Json::Null), raw.next().unwrap_or(Json::Null));
        (History::read(&stored, tag).unwrap_or_else(|| History::new(tag, since)), ActionQueue::read(&queue))
    }

    /// Records the extension's own withdrawal of `item` (of the snapshot of `tag`
    /// fetched at `taken_ms`): withdrawn, never gone.
    pub(super) async fn note_own_withdrawal(&self, tag: &str, item: &SentInvitation, taken_ms: f64) {
        let raw = self.host.load(&[keys::ACCEPTANCE, keys::FIRST_SEEN]).await;
        let mut raw = raw.into_iter();
        let (stored, seen) = (raw.next().unwrap_or(Json::Null), raw.next().unwrap_or(Json::Null));
        let seen = FirstSeen::read(seen, tag);
        let mut history = History::read(&stored, tag).unwrap_or_else(|| History::new(tag, taken_ms));
        let d = Departure::of(item, seen.get(List::Sent, &item.invitation_id), taken_ms);
        history.note_withdrawn(&d, self.host.now_ms());
        self.host.save(&[(keys::ACCEPTANCE, text(&history))]).await;
    }
}
