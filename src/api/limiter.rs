//! Pacing and retry timing, as pure functions of a clock reading.
//!
//! The client asks its [`Pacer`] before each request how long to wait (the budgets of
//! an account and of the API key, and who waits for the request: see [`budgets`]),
//! sleeps that long and asks again; each budget is a sliding window, a [`RateLimiter`].
//! [`retry_delay_ms`] says how long to wait before retrying a failed request, or that
//! it must not be retried. Nothing here sleeps or reads a clock, so native tests drive
//! it with a fake one.

use crate::api::error::Error;
use std::collections::VecDeque;

pub mod budgets;
pub use budgets::{Budget, Limits, Pacer, Priority, Ticket};

/// A sliding-window limiter: at most `max_requests` in any `window_ms`, plus an optional
/// "not before" instant set when the server says the window is exhausted.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    max_requests: u32,
    window_ms: f64,
    min_interval_ms: f64,
    sent: VecDeque<f64>,
    not_before_ms: f64,
}

impl RateLimiter {
    /// A limiter allowing `max_requests` per `window_ms`, with at least
    /// `min_interval_ms` between two requests. `max_requests` of 0 is read as 1.
    pub fn new(max_requests: u32, window_ms: u32, min_interval_ms: u32) -> Self {
        RateLimiter {
            max_requests: max_requests.max(1),
            window_ms: f64::from(window_ms),
            min_interval_ms: f64::from(min_interval_ms),
            sent: VecDeque::new(),
            not_before_ms: 0.0,
        }
    }

    /// How long to wait, from `now_ms`, before the next request may be sent.
    pub fn delay_ms(&self, now_ms: f64) -> f64 {
        let mut at = self.not_before_ms;
        if let Some(last) = self.sent.back() {
            at = at.max(last + self.min_interval_ms);
        }
        if self.sent.len() >= self.max_requests as usize {
            // The oldest request that still counts leaves the window at `front + window`.
            let idx = self.sent.len() - self.max_requests as usize;
            if let Some(oldest) = self.sent.get(idx) {
                at = at.max(oldest + self.window_ms);
            }
        }
        (at - now_ms).max(0.0)
    }

    /// Records a request sent at `now_ms`.
    pub fn record(&mut self, now_ms: f64) {
        self.sent.push_back(now_ms);
        // The newest entry always stays: the minimum interval counts from it (a window of
        // 0 ms would otherwise drop it at once).
        while self.sent.len() > self.max_requests as usize
            || (self.sent.len() > 1 && self.sent.front().is_some_and(|t| *t + self.window_ms <= now_ms))
        {
            self.sent.pop_front();
        }
    }

    /// Holds every request until `at_ms` (the server said the window is used up).
    pub fn hold_until(&mut self, at_ms: f64) {
        self.not_before_ms = self.not_before_ms.max(at_ms);
    }
}

/// Retry settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (so `max_retries + 1` attempts at most).
    pub max_retries: u32,
    /// Retries of an answer saying LinkedIn returned nothing for now
    /// (`*_UNAVAILABLE`), which the newer API documents as "retry".
    pub max_unavailable_retries: u32,
    /// First backoff step, doubled per attempt.
    pub backoff_base_ms: u32,
    /// Largest backoff step.
    pub backoff_max_ms: u32,
    /// Added to a server-given retry time, so the retry lands after the reset.
    pub rate_limit_margin_ms: u32,
    /// The wait when a 429 says no retry time.
    pub default_rate_limit_wait_ms: u32,
    /// A 429 asking for a longer wait than this is returned to the caller (with its
    /// retry time) instead of being waited out.
    pub max_rate_limit_wait_ms: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_unavailable_retries: 5,
            backoff_base_ms: 1_000,
            backoff_max_ms: 16_000,
            rate_limit_margin_ms: 5_000,
            default_rate_limit_wait_ms: 60_000,
            max_rate_limit_wait_ms: 120_000,
        }
    }
}

/// Exponential backoff with "equal jitter": half the step is fixed, half random, so
/// retries of several clients spread out but never retry at once.
/// `attempt` counts from 0; `random01` is in `[0, 1)`.
pub fn backoff_ms(policy: &RetryPolicy, attempt: u32, random01: f64) -> f64 {
    let step = f64::from(policy.backoff_base_ms) * 2f64.powi(attempt.min(30) as i32);
    let step = step.min(f64::from(policy.backoff_max_ms));
    // `clamp` passes NaN through: a NaN would make the wait NaN.
    let random01 = if random01.is_nan() { 0.0 } else { random01.clamp(0.0, 1.0) };
    step / 2.0 + step / 2.0 * random01
}

/// How long to wait before retrying after `error` on attempt `attempt` (0-based), or
/// `None` when the error must go back to the caller: not retryable, retries used up, or
/// a rate-limit wait longer than the policy allows.
pub fn retry_delay_ms(policy: &RetryPolicy, error: &Error, attempt: u32, now_ms: f64, random01: f64) -> Option<f64> {
    let max_retries = if error.is_unavailable() { policy.max_unavailable_retries } else { policy.max_retries };
    if !error.is_retryable() || attempt >= max_retries {
        return None;
    }
    if let Error::RateLimited { retry_at_ms, .. } = error {
        let wait = match retry_at_ms {
            Some(at) => (at - now_ms).max(0.0) + f64::from(policy.rate_limit_margin_ms),
            None => f64::from(policy.default_rate_limit_wait_ms),
        };
        return (wait <= f64::from(policy.max_rate_limit_wait_ms)).then_some(wait);
    }
    Some(backoff_ms(policy, attempt, random01))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_per_minute_on_a_fake_clock() {
        let mut l = RateLimiter::new(60, 60_000, 0);
        let mut now = 0.0;
        let mut sent_at = Vec::new();
        for _ in 0..150 {
            now += l.delay_ms(now);
            l.record(now);
            sent_at.push(now);
        }
        // The first 60 go at once, the next 60 one window later, and so on.
        assert_eq!(sent_at[59], 0.0);
        assert_eq!(sent_at[60], 60_000.0);
        assert_eq!(sent_at[119], 60_000.0);
        assert_eq!(sent_at[120], 120_000.0);
        // No 60-second window ever holds more than 60 requests.
        for (i, t) in sent_at.iter().enumerate() {
            let in_window = sent_at[i..].iter().take_while(|u| **u < t + 60_000.0).count();
            assert!(in_window <= 60, "window at {t} holds {in_window}");
        }
    }

    #[test]
    fn min_interval_spaces_requests() {
        let mut l = RateLimiter::new(100, 1_000, 250);
        assert_eq!(l.delay_ms(0.0), 0.0);
        l.record(0.0);
        assert_eq!(l.delay_ms(100.0), 150.0);
        assert_eq!(l.delay_ms(400.0), 0.0);
    }

    #[test]
    fn hold_until_delays_everything() {
        let mut l = RateLimiter::new(60, 60_000, 0);
        l.hold_until(5_000.0);
        assert_eq!(l.delay_ms(1_000.0), 4_000.0);
        l.hold_until(2_000.0); // an earlier hold never shortens a later one
        assert_eq!(l.delay_ms(1_000.0), 4_000.0);
        assert_eq!(l.delay_ms(6_000.0), 0.0);
    }

    #[test]
    fn backoff_doubles_caps_and_jitters() {
        let p = RetryPolicy { backoff_base_ms: 1_000, backoff_max_ms: 8_000, ..RetryPolicy::default() };
        assert_eq!(backoff_ms(&p, 0, 0.0), 500.0);
        assert_eq!(backoff_ms(&p, 0, 0.999_999), 999.9995);
        assert_eq!(backoff_ms(&p, 1, 0.5), 1_500.0);
        assert_eq!(backoff_ms(&p, 3, 1.0), 8_000.0);
        assert_eq!(backoff_ms(&p, 10, 0.0), 4_000.0);
        assert_eq!(backoff_ms(&p, u32::MAX, 0.0), 4_000.0);
    }

    fn api(status: u16) -> Error {
        Error::Api { status, message: String::new(), code: None }
    }

    #[test]
    fn retry_decisions() {
        let p = RetryPolicy::default();
        assert!(retry_delay_ms(&p, &api(500), 0, 0.0, 0.0).is_some());
        assert!(retry_delay_ms(&p, &api(500), 3, 0.0, 0.0).is_none(), "retries used up");
        assert!(retry_delay_ms(&p, &api(401), 0, 0.0, 0.0).is_none());
        assert!(retry_delay_ms(&p, &Error::Cancelled, 0, 0.0, 0.0).is_none());
        assert!(retry_delay_ms(&p, &Error::Network("x".into()), 0, 0.0, 0.0).is_some());

        let rl = |at| Error::RateLimited { status: 429, message: String::new(), retry_at_ms: at };
        assert_eq!(retry_delay_ms(&p, &rl(Some(10_000.0)), 0, 4_000.0, 0.0), Some(11_000.0));
        assert_eq!(retry_delay_ms(&p, &rl(Some(1_000.0)), 0, 4_000.0, 0.0), Some(5_000.0), "past reset: margin only");
        assert_eq!(retry_delay_ms(&p, &rl(None), 0, 0.0, 0.0), Some(60_000.0));
        assert_eq!(retry_delay_ms(&p, &rl(Some(1e9)), 0, 0.0, 0.0), None, "a day-long hold goes back to the caller");
    }
}
