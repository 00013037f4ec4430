//! How a request waits its turn: its budget and priority in the client's [`Pacer`]
//! (see [`crate::api::limiter::budgets`]), and the holds the server's answers set.

use super::Client;
use crate::api::decode::RawResponse;
use crate::api::error::Error;
use crate::api::limiter::{Budget, Pacer, Priority, Ticket};
use crate::api::transport::{OpToken, Transport};
use std::cell::RefCell;

/// An interactive request's ticket, given back when the request went, failed or was
/// dropped while it waited (a dropped future runs this too), so the walk never holds
/// back for a request that is gone.
struct Waiting<'a> {
    pacer: &'a RefCell<Pacer>,
    ticket: Ticket,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        // Nothing borrows the pacer across an await, so this borrow is free.
        if let Ok(mut p) = self.pacer.try_borrow_mut() {
            p.leave(self.ticket);
        }
    }
}

impl<T: Transport> Client<T> {
    /// Waits until a request of `budget` may go at `priority`, asking again after every
    /// sleep (another request may have taken the slot meanwhile), and records it.
    /// Pacing runs on the monotonic clock, and no single sleep exceeds the longest wait
    /// the policy allows: a system clock change never stalls a sync.
    ///
    /// # Errors
    /// [`Error::Cancelled`] when the operation is cancelled during a wait.
    pub(super) async fn pace(&self, op: OpToken, budget: Budget, priority: Priority) -> Result<(), Error> {
        let t = &self.transport;
        let _waiting = (priority == Priority::Interactive)
            .then(|| Waiting { pacer: &self.pacer, ticket: self.pacer.borrow_mut().enter(&self.account, budget) });
        loop {
            let wait = self.pacer.borrow().delay_ms(t.monotonic_ms(), &self.account, budget, priority);
            if wait <= 0.0 {
                break;
            }
            t.sleep(op, self.capped(wait)).await?;
        }
        self.pacer.borrow_mut().record(t.monotonic_ms(), &self.account, budget);
        self.count(|c| c.requests += 1);
        Ok(())
    }

    /// A success that says the window is used up holds the next requests of the budget
    /// it concerns (all, when that is unknown) until the reset, when that is within the
    /// longest wait the policy accepts.
    pub(super) fn respect_exhausted_window(&self, resp: &RawResponse, budget: Budget) {
        if !(200..300).contains(&resp.status) || !resp.headers.exhausted() {
            return;
        }
        if let Some(at) = resp.headers.reset_at_ms(self.transport.now_ms()) {
            self.hold(budget, resp.headers.limit.as_deref(), at);
        }
    }

    /// A 429 with a retry time holds the next requests of the budget it concerns (all,
    /// when that is unknown; `limit` is its `X-RateLimit-Limit`) until that time.
    pub(super) fn respect_rate_limit(&self, error: &Error, budget: Budget, limit: Option<&str>) {
        if let Error::RateLimited { retry_at_ms: Some(at), .. } = error {
            self.hold(budget, limit, *at);
        }
    }

    /// Holds `budget` (as `limit` says; else everything) until the epoch time `at_ms`
    /// plus the margin, if that is within the longest wait the policy accepts.
    fn hold(&self, budget: Budget, limit: Option<&str>, at_ms: f64) {
        let r = &self.config.retry;
        let wait = at_ms - self.transport.now_ms();
        if !wait.is_finite() || wait > f64::from(r.max_rate_limit_wait_ms) {
            return;
        }
        // The server's time is an epoch time; the pacer holds on the monotonic clock.
        let until = self.transport.monotonic_ms() + wait.max(0.0) + f64::from(r.rate_limit_margin_ms);
        let mut pacer = self.pacer.borrow_mut();
        let scope = pacer.scope_of(budget, limit);
        pacer.hold_until(&self.account, scope, until);
    }
}

#[cfg(test)]
mod tests;
