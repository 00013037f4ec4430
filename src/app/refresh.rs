//! When to refresh what: the refresh policy, as a pure function of the clock.
//!
//! Received invitations are the badge's data and are cheap (a few pages); sent
//! invitations are what heavy accounts have thousands of (5,000 sent invitations are
//! 501 requests, 17 minutes at 30 reads a minute). So:
//!
//! * the scheduled refresh (the alarm) and browser start fetch the **received**
//!   invitations only, plus the sent ones at most [`Policy::sent_refreshes_per_day`](crate::store::Policy::sent_refreshes_per_day)
//!   times a day;
//! * opening the popup or side panel refreshes the sent invitations when their list is
//!   older than [`Policy::sent_max_age_minutes`](crate::store::Policy::sent_max_age_minutes) (default an hour), else the received
//!   ones when they are older than [`POPUP_MIN_AGE_MS`];
//! * the refresh button, a first install and another account fetch everything;
//! * connections are paged on demand, never here.
//!
//! [`daily_cost`] says what a policy costs at given list sizes, for the options page.

use crate::api::client::{Scope, RECEIVED_PAGE_SIZE};
use crate::store::Policy;
use serde::Serialize;
use tsify::Tsify;

/// Opening the popup refreshes received invitations older than this (2 minutes).
pub const POPUP_MIN_AGE_MS: f64 = 2.0 * 60_000.0;
const DAY_MS: f64 = 86_400_000.0;

/// What asked for a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The scheduled alarm.
    Alarm,
    /// The browser started.
    Startup,
    /// The extension was installed or updated.
    Installed,
    /// The popup or side panel opened.
    Popup,
    /// The user pressed Refresh.
    Button,
    /// The settings now name another account (key, base URL or account id).
    Settings,
}

impl Reason {
    /// The reason's name, as [`Reason::parse`] reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Alarm => "alarm",
            Reason::Startup => "startup",
            Reason::Installed => "installed",
            Reason::Popup => "popup",
            Reason::Button => "button",
            Reason::Settings => "settings",
        }
    }

    /// Reads the reason names the extension uses; unknown names are a button press
    /// (the user asked).
    pub fn parse(s: &str) -> Reason {
        match s {
            "alarm" => Reason::Alarm,
            "startup" => Reason::Startup,
            "installed" => Reason::Installed,
            "popup" => Reason::Popup,
            "settings" => Reason::Settings,
            _ => Reason::Button,
        }
    }
}

/// What is stored, as far as the policy cares.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Stored {
    /// When the received invitations were last fetched (epoch ms); `None` without a
    /// snapshot of this account.
    pub received_at_ms: Option<f64>,
    /// When the sent invitations were last fetched (epoch ms).
    pub sent_at_ms: Option<f64>,
    /// Whether the last sync ended well.
    pub last_ok: bool,
    /// The API asked to wait until then (epoch ms): a rate limit's retry time.
    pub hold_until_ms: Option<f64>,
}

/// Which scope a refresh asked for by `reason` should fetch at `now_ms`, or `None` when
/// the stored data is fresh enough.
pub fn plan(reason: Reason, policy: &Policy, stored: &Stored, now_ms: f64) -> Option<Scope> {
    let age = |at: Option<f64>| at.map_or(f64::INFINITY, |t| (now_ms - t).max(0.0));
    let sent_age = age(stored.sent_at_ms);
    let received_age = age(stored.received_at_ms);
    if reason != Reason::Settings && stored.hold_until_ms.is_some_and(|t| t > now_ms) {
        // The API said when it takes requests again: nothing is sent before then, the
        // refresh button included (the status says until when). New settings (another
        // key or account) are not held.
        return None;
    }
    if stored.received_at_ms.is_none() || stored.sent_at_ms.is_none() {
        // Nothing (or half a snapshot) of this account yet: everything.
        return Some(Scope::All);
    }
    let background_sent_due = policy.sent_refreshes_per_day > 0 && sent_age >= DAY_MS / f64::from(policy.sent_refreshes_per_day);
    match reason {
        Reason::Button | Reason::Settings => Some(Scope::All),
        // `onInstalled` also fires on every extension and browser update: with data
        // stored it is a start like any other, not a reason to walk every list again.
        Reason::Alarm | Reason::Startup | Reason::Installed => {
            Some(if background_sent_due { Scope::All } else { Scope::Received })
        }
        Reason::Popup => {
            if sent_age >= f64::from(policy.sent_max_age_minutes) * 60_000.0 {
                Some(Scope::All)
            } else if received_age >= POPUP_MIN_AGE_MS || !stored.last_ok {
                Some(Scope::Received)
            } else {
                None
            }
        }
    }
}

/// Requests one walk of `n` items takes at 10 per page (full pages, then a short or
/// empty one that ends it).
pub fn walk_requests(n: u32) -> u32 {
    n / RECEIVED_PAGE_SIZE as u32 + 1
}

/// What a policy costs in a day without the popup open, at given list sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
pub struct DailyCost {
    /// Requests of the scheduled refreshes of received invitations.
    pub received: u32,
    /// Requests of the background refreshes of sent invitations (and the count).
    pub sent: u32,
    /// The sum.
    pub total: u32,
}

/// The requests a quiet day costs (no popup): every alarm walks the received
/// invitations; `sent_refreshes_per_day` of them also walk the sent ones and ask for
/// the connection count.
pub fn daily_cost(policy: &Policy, sent: u32, received: u32) -> DailyCost {
    let alarms = (24 * 60) / policy.refresh_minutes.max(1);
    let sent_runs = policy.sent_refreshes_per_day.min(alarms);
    let received_cost = alarms.saturating_mul(walk_requests(received));
    let sent_cost = sent_runs.saturating_mul(walk_requests(sent).saturating_add(1));
    DailyCost { received: received_cost, sent: sent_cost, total: received_cost.saturating_add(sent_cost) }
}


#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_800_000_000_000.0;
    const MIN: f64 = 60_000.0;

    fn stored(received_min_ago: f64, sent_min_ago: f64) -> Stored {
        Stored {
            received_at_ms: Some(NOW - received_min_ago * MIN),
            sent_at_ms: Some(NOW - sent_min_ago * MIN),
            last_ok: true,
            hold_until_ms: None,
        }
    }

    #[test]
    fn the_alarm_fetches_received_only_and_sent_twice_a_day() {
        let p = Policy::default();
        assert_eq!(plan(Reason::Alarm, &p, &stored(15.0, 60.0), NOW), Some(Scope::Received));
        assert_eq!(plan(Reason::Alarm, &p, &stored(15.0, 11.0 * 60.0), NOW), Some(Scope::Received));
        assert_eq!(plan(Reason::Alarm, &p, &stored(15.0, 12.0 * 60.0), NOW), Some(Scope::All), "twice a day: every 12 h");
        let never = Policy { sent_refreshes_per_day: 0, ..p };
        assert_eq!(plan(Reason::Alarm, &never, &stored(15.0, 1e6), NOW), Some(Scope::Received));
        assert_eq!(plan(Reason::Startup, &p, &stored(600.0, 60.0), NOW), Some(Scope::Received));
    }

    #[test]
    fn the_popup_refreshes_what_is_stale_and_nothing_fresh() {
        let p = Policy::default();
        assert_eq!(plan(Reason::Popup, &p, &stored(1.0, 30.0), NOW), None, "all fresh");
        assert_eq!(plan(Reason::Popup, &p, &stored(3.0, 30.0), NOW), Some(Scope::Received));
        assert_eq!(plan(Reason::Popup, &p, &stored(1.0, 61.0), NOW), Some(Scope::All), "sent older than an hour");
        let failed = Stored { last_ok: false, ..stored(1.0, 30.0) };
        assert_eq!(plan(Reason::Popup, &p, &failed, NOW), Some(Scope::Received), "after an error, try again");
        let p3 = Policy { sent_max_age_minutes: 180, ..p };
        assert_eq!(plan(Reason::Popup, &p3, &stored(1.0, 120.0), NOW), None);
    }

    #[test]
    fn asked_for_or_new_means_everything() {
        let p = Policy::default();
        for r in [Reason::Button, Reason::Settings] {
            assert_eq!(plan(r, &p, &stored(0.0, 0.0), NOW), Some(Scope::All));
        }
        // An update (of the extension or the browser) with data stored is a start.
        assert_eq!(plan(Reason::Installed, &p, &stored(30.0, 60.0), NOW), Some(Scope::Received));
        assert_eq!(plan(Reason::Installed, &p, &stored(30.0, 13.0 * 60.0), NOW), Some(Scope::All), "sent due anyway");
        for r in [Reason::Alarm, Reason::Popup, Reason::Startup, Reason::Installed] {
            assert_eq!(plan(r, &p, &Stored::default(), NOW), Some(Scope::All), "no snapshot yet");
        }
        // A clock set back: ages are never negative.
        assert_eq!(plan(Reason::Popup, &p, &stored(-600.0, -600.0), NOW), None);
    }

    #[test]
    fn a_rate_limit_holds_every_refresh_until_its_time() {
        let p = Policy::default();
        let held = Stored { hold_until_ms: Some(NOW + 10.0 * MIN), last_ok: false, ..stored(30.0, 120.0) };
        for r in [Reason::Button, Reason::Popup, Reason::Alarm, Reason::Startup, Reason::Installed] {
            assert_eq!(plan(r, &p, &held, NOW), None, "{r:?} waits");
            assert!(plan(r, &p, &held, NOW + 10.0 * MIN).is_some(), "{r:?} goes at the time");
        }
        assert_eq!(plan(Reason::Settings, &p, &held, NOW), Some(Scope::All), "another key is not held");
        assert_eq!(plan(Reason::Button, &p, &Stored { hold_until_ms: Some(NOW - 1.0), ..held }, NOW), Some(Scope::All));
    }

    #[test]
    fn a_quiet_day_at_5000_sent_and_40_received() {
        let c = daily_cost(&Policy::default(), 5_000, 40);
        // 96 alarms × 5 requests; 2 sent walks of 501 requests plus the count.
        assert_eq!(c, DailyCost { received: 96 * 5, sent: 2 * 502, total: 480 + 1_004 });
        assert_eq!(serde_json::to_value(c).unwrap(), serde_json::json!({"received": 480, "sent": 1_004, "total": 1_484}));
        // The goal per hour: 4 × ⌈R/10 + 1⌉ plus the configured sent refreshes.
        assert_eq!(c.received / 24, 4 * 5);
        let none = daily_cost(&Policy { sent_refreshes_per_day: 0, refresh_minutes: 60, ..Policy::default() }, 5_000, 40);
        assert_eq!(none.total, 24 * 5);
        assert_eq!(daily_cost(&Policy { refresh_minutes: 0, ..Policy::default() }, 0, 0).total, 1_440 + 2 * 2);
    }

    #[test]
    fn names_round_trip() {
        for s in [Scope::Received, Scope::All] {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scope::parse("x"), None);
        assert_eq!(Reason::parse("alarm"), Reason::Alarm);
        assert_eq!(Reason::parse("whatever"), Reason::Button);
    }

    /// A quiet day on a fake clock, at 5,000 sent and 40 received invitations: every
    /// 15-minute alarm asks the refresh policy what to fetch and syncs that.
    #[test]
    fn a_quiet_day_costs_what_the_policy_says() {
        use crate::api::client::fake::{block_on, config, serve, Api, Fake};
        use crate::api::client::Client;
        use crate::api::sync::Snapshot;
    use crate::api::transport::Transport;
        let policy = Policy::default();
        let client = Client::new(config(), Fake::new(serve(Api { sent: 5_000, received: 40, eol: false, count: None })));
        let t0 = client.transport().now_ms();
        let mut snapshot: Option<Snapshot> = None;
        let mut per_hour = vec![0u32; 24];
        for alarm in 1..=96u32 {
            // Wait for the next alarm (the sync itself took some of the 15 minutes).
            let at = t0 + f64::from(alarm) * 15.0 * 60_000.0;
            let now = client.transport().now_ms();
            client.transport().now.set(now.max(at));
            let stored = snapshot.as_ref().map_or(Stored::default(), |s| Stored {
                received_at_ms: Some(s.taken_at_ms),
                sent_at_ms: Some(s.sent_taken_at_ms),
                last_ok: true,
                hold_until_ms: None,
            });
            let now = client.transport().now_ms();
            let Some(scope) = plan(Reason::Alarm, &policy, &stored, now) else { continue };
            let before = client.counters().requests;
            snapshot = Some(block_on(client.sync_scoped(scope, snapshot.take(), &mut |_| {})).unwrap());
            let hour = ((now - t0) / 3_600_000.0) as usize;
            if let Some(h) = per_hour.get_mut(hour.min(23)) {
                *h += client.counters().requests - before;
            }
        }
        let day: u32 = per_hour.iter().sum();
        // The first alarm has no snapshot (everything); then received every alarm and the
        // sent list twice a day, exactly as the policy's own cost model says.
        let model = daily_cost(&policy, 5_000, 40);
        assert_eq!(day, model.total, "{per_hour:?}");
        // Hours without a sent walk: 4 alarms × ⌈40/10 + 1⌉ (the last hour also gets the
        // alarm at 24:00).
        let quiet: Vec<u32> = per_hour.iter().copied().filter(|h| *h < 100).collect();
        assert_eq!(quiet.len(), 22);
        assert!(quiet.iter().take(21).all(|h| *h == 4 * 5), "{per_hour:?}");
        // Against the old behaviour (every alarm walks everything): 96 × 507 a day.
        assert!(day * 30 < 96 * 507, "{day}");
    }
}
