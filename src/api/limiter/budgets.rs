//! The client's pacing: three budgets per LinkedIn account, one per API key, and two
//! priorities. Pure: every method takes the clock reading, nothing sleeps.
//!
//! **Budgets.** The newer edition of the API documents per-account buckets of 30 reads,
//! 15 writes and 10 `/account/*` requests a minute, and 60 requests a minute per API
//! key across all its accounts. A [`Pacer`] keeps one sliding window ([`RateLimiter`])
//! per account and [`Budget`], and one for the key, which also keeps the minimum
//! interval between any two requests. A request may go when both its budget's window
//! and the key's have room (and no hold of either runs): a write right after a
//! 30-read walk goes at once, and `/account/*` reads never use the list walk's budget.
//! Every window is the configured one (60 s plus the arrival margin by default).
//!
//! **Holds.** When the server says a window is used up (a 429, or a success with
//! `X-RateLimit-Remaining: 0`), [`Pacer::hold_until`] holds the budget it concerns;
//! [`Pacer::scope_of`] reads that from `X-RateLimit-Limit` (the budget's limit, and not
//! the key's). When that is unknown, the hold is the key's: every request waits.
//!
//! **Priorities.** A request a person waits for ([`Priority::Interactive`]: a page of
//! connections, *Test connection*, the quota, a write) goes at the first slot its
//! budget and the key have; the sync's walk ([`Priority::Background`]) takes what is
//! left. An interactive request registers a [`Ticket`] while it waits
//! ([`Pacer::enter`], [`Pacer::leave`] once it went or gave up); a background request
//! that could go now still holds back when sending it would put off the first slot of
//! a waiting ticket (the same budget, the key's window or the minimum interval), and
//! asks again just after that slot. Only sent requests count, so an interactive
//! request never waits behind the walk's *queued* pages.
//!
//! **Asking again.** Several requests may sleep toward the same slot, so a request
//! never records itself after a sleep without asking again: the client loops on
//! [`Pacer::delay_ms`] until it says 0, then [`Pacer::record`]s at once. JavaScript is
//! single-threaded and requests interleave only at awaits, so between the answer 0 and
//! the record nobody else can take the slot.

use super::RateLimiter;
use std::collections::BTreeMap;

/// What a request counts against, besides the key's budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Budget {
    /// Reads: every GET but `/account/*` (the lists, the count, the accounts).
    Read,
    /// Writes: `POST /invitations/withdraw` and `/invitations/received/respond`.
    Write,
    /// `/account/*` requests (the quota).
    Account,
}

impl Budget {
    /// The budget of a request to `path` (the part after the base URL): `/account/…`
    /// is [`Budget::Account`], any other POST [`Budget::Write`], any other GET
    /// [`Budget::Read`].
    pub fn of(post: bool, path: &str) -> Budget {
        if path.starts_with("/account/") {
            Budget::Account
        } else if post {
            Budget::Write
        } else {
            Budget::Read
        }
    }

    fn index(self) -> usize {
        match self {
            Budget::Read => 0,
            Budget::Write => 1,
            Budget::Account => 2,
        }
    }
}

/// Who waits for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Nobody in particular: the sync's walk. Goes only where no waiting interactive
    /// request loses its slot by it.
    Background,
    /// A person: a page of connections, *Test connection*, the quota, a write.
    Interactive,
}

/// The budgets' sizes, per window of `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Reads per account.
    pub reads: u32,
    /// Writes per account.
    pub writes: u32,
    /// `/account/*` requests per account.
    pub account: u32,
    /// Requests per API key, across budgets and accounts.
    pub per_key: u32,
    /// Every budget's sliding window.
    pub window_ms: u32,
    /// At least this long between any two requests of the key.
    pub min_interval_ms: u32,
}

impl Limits {
    /// The size of one budget.
    pub fn of(&self, budget: Budget) -> u32 {
        match budget {
            Budget::Read => self.reads,
            Budget::Write => self.writes,
            Budget::Account => self.account,
        }
    }
}

/// An interactive request waiting its turn (see [`Pacer::enter`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ticket(u64);

/// The shortest wait of a background request held back by a ticket, past the ticket's
/// slot: the interactive request goes first, even when its timer fires a little late.
const HELD_STEP_MS: f64 = 10.0;

/// The budgets of one API key and the accounts it acts for, and the interactive
/// requests waiting (see the module doc).
#[derive(Debug, Clone)]
pub struct Pacer {
    limits: Limits,
    key: RateLimiter,
    accounts: BTreeMap<String, [RateLimiter; 3]>,
    waiting: BTreeMap<Ticket, (String, Budget)>,
    next_ticket: u64,
}

impl Pacer {
    /// A pacer with nothing sent yet. A budget of 0 is read as 1.
    pub fn new(limits: Limits) -> Self {
        Pacer {
            limits,
            key: RateLimiter::new(limits.per_key, limits.window_ms, limits.min_interval_ms),
            accounts: BTreeMap::new(),
            waiting: BTreeMap::new(),
            next_ticket: 0,
        }
    }

    /// The sizes it paces by.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    fn windows(&self) -> [RateLimiter; 3] {
        let l = &self.limits;
        [Budget::Read, Budget::Write, Budget::Account].map(|b| RateLimiter::new(l.of(b), l.window_ms, 0))
    }

    fn window_mut(&mut self, account: &str, budget: Budget) -> Option<&mut RateLimiter> {
        if !self.accounts.contains_key(account) {
            let fresh = self.windows();
            self.accounts.insert(account.to_string(), fresh);
        }
        self.accounts.get_mut(account).and_then(|w| w.get_mut(budget.index()))
    }

    /// The first instant a request of `account`'s `budget` may go, priorities aside:
    /// the later of its budget's slot and the key's.
    fn slot(&self, now_ms: f64, account: &str, budget: Budget) -> f64 {
        let own = self.accounts.get(account).and_then(|w| w.get(budget.index())).map_or(0.0, |w| w.delay_ms(now_ms));
        now_ms + self.key.delay_ms(now_ms).max(own)
    }

    /// How long to wait, from `now_ms`, before a request of `account`'s `budget` may
    /// go; 0: now (then [`Pacer::record`] it at once). Ask again after any wait.
    pub fn delay_ms(&self, now_ms: f64, account: &str, budget: Budget, priority: Priority) -> f64 {
        let at = self.slot(now_ms, account, budget);
        if at > now_ms || priority == Priority::Interactive || self.waiting.is_empty() {
            return (at - now_ms).max(0.0);
        }
        // A background request that could go now: would it put off a waiting
        // interactive request's slot?
        let mut after = self.clone();
        after.record(now_ms, account, budget);
        self.waiting
            .values()
            .map(|(a, b)| self.slot(now_ms, a, *b))
            .zip(self.waiting.values().map(|(a, b)| after.slot(now_ms, a, *b)))
            .filter(|(before, after)| after > before)
            .map(|(before, _)| (before - now_ms).max(0.0) + f64::from(self.limits.min_interval_ms).max(HELD_STEP_MS))
            .reduce(f64::min)
            .unwrap_or(0.0)
    }

    /// Records a request of `account`'s `budget` sent at `now_ms`.
    pub fn record(&mut self, now_ms: f64, account: &str, budget: Budget) {
        self.key.record(now_ms);
        if let Some(w) = self.window_mut(account, budget) {
            w.record(now_ms);
        }
    }

    /// An interactive request of `account`'s `budget` starts waiting: background
    /// requests hold back where they would put it off, until [`Pacer::leave`].
    pub fn enter(&mut self, account: &str, budget: Budget) -> Ticket {
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        self.waiting.insert(ticket, (account.to_string(), budget));
        ticket
    }

    /// The request of `ticket` went (or gave up).
    pub fn leave(&mut self, ticket: Ticket) {
        self.waiting.remove(&ticket);
    }

    /// How many interactive requests wait.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    /// Holds `account`'s `budget` until `at_ms`, or, with `None` (the budget the server
    /// meant is unknown), every request of the key.
    pub fn hold_until(&mut self, account: &str, budget: Option<Budget>, at_ms: f64) {
        match budget.and_then(|b| self.window_mut(account, b)) {
            Some(w) => w.hold_until(at_ms),
            None => self.key.hold_until(at_ms),
        }
    }

    /// Which budget a "window used up" answer to a request of `budget` concerns, from
    /// its `X-RateLimit-Limit`: `budget` when the limit is that budget's size and not the
    /// key's; else `None`, unknown (hold everything).
    pub fn scope_of(&self, budget: Budget, limit_header: Option<&str>) -> Option<Budget> {
        let limit = limit_header?.trim().parse::<u32>().ok()?;
        (limit == self.limits.of(budget) && limit != self.limits.per_key).then_some(budget)
    }
}

#[cfg(test)]
mod tests;
