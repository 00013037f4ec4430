//! Pacing and retry timing: `RateLimiter`, `backoff_ms`, `retry_delay_ms`.
//!
//! A script of requests, idle time, server holds and clock jumps runs against a
//! limiter with any configuration; every request waits what `delay_ms` says (and a
//! little more, as timers oversleep). Clock readings are whole milliseconds, as
//! `Date.now()` and the fake clocks give.
//!
//! * Every wait is finite and ≥ 0. With a clock that never goes back, a wait is at most
//!   `max(min_interval_ms, window_ms, hold − now)`; with any clock, the wait ends no
//!   later than `max(last request + max(min_interval_ms, window_ms), hold)`.
//! * The recorded requests never number more than `max_requests` in any `window_ms`
//!   (half-open), are `min_interval_ms` apart, and none is sent before a hold ends.
//! * When the clock only ever goes back (it is set back), the same holds in real time:
//!   a clock set back can only make the limiter wait longer. (A clock set forward
//!   makes it think time passed; pacing on a monotonic clock is the remedy for that.)
//! * `backoff_ms` is within `[step/2, step]`, `step = min(base·2^min(attempt,30), max)`,
//!   for any `random01` (even NaN); `retry_delay_ms` retries exactly the retryable
//!   errors while attempts remain, and waits at most the policy's longest wait.

use arbitrary::Arbitrary;
use pending_core::api::limiter::{backoff_ms, retry_delay_ms, RateLimiter, RetryPolicy};
use pending_core::{Error, PaginationError};

/// A limiter, a policy and what happens to them.
#[derive(Debug, Clone, Arbitrary)]
pub struct LimiterCase {
    max_requests: u8,
    window_ms: u32,
    window_scale: u8,
    min_interval_ms: u16,
    start: u32,
    steps: Vec<Step>,
    policy: PolicyCase,
    retries: Vec<RetryCase>,
}

/// One event.
#[derive(Debug, Clone, Arbitrary)]
pub enum Step {
    /// A request: wait `delay_ms`, then `oversleep` more, then record it.
    Request { oversleep: u16 },
    /// Time passes with no request.
    Idle { ms: u32 },
    /// The server says: nothing before `now + ms` (negative: a reset in the past).
    Hold { ms: i32 },
    /// The wall clock is set back.
    Back { ms: u32 },
    /// The wall clock is set forward.
    Forward { ms: u32 },
}

/// A retry policy's fields.
#[derive(Debug, Clone, Arbitrary)]
pub struct PolicyCase {
    max_retries: u8,
    max_unavailable_retries: u8,
    backoff_base_ms: u32,
    backoff_max_ms: u32,
    rate_limit_margin_ms: u32,
    default_rate_limit_wait_ms: u32,
    max_rate_limit_wait_ms: u32,
}

/// One retry decision.
#[derive(Debug, Clone, Arbitrary)]
pub struct RetryCase {
    error: ErrorCase,
    attempt: u8,
    random01: f64,
    now: i64,
}

/// The errors the retry loop sees.
#[derive(Debug, Clone, Arbitrary)]
pub enum ErrorCase {
    Api { status: u16, unavailable: bool },
    RateLimited { retry_in: Option<i64>, nan: bool },
    Network,
    Timeout,
    Cancelled,
    Decode,
    Pagination,
    InvalidInput,
}

impl ErrorCase {
    fn error(&self, now: f64) -> Error {
        match *self {
            ErrorCase::Api { status, unavailable } => Error::Api {
                status,
                message: String::new(),
                code: unavailable.then(|| "INVITATIONS_UNAVAILABLE".to_string()),
            },
            ErrorCase::RateLimited { retry_in, nan } => Error::RateLimited {
                status: 429,
                message: String::new(),
                retry_at_ms: if nan { Some(f64::NAN) } else { retry_in.map(|ms| now + ms as f64) },
            },
            ErrorCase::Network => Error::Network("offline".into()),
            ErrorCase::Timeout => Error::Timeout { after_ms: 1 },
            ErrorCase::Cancelled => Error::Cancelled,
            ErrorCase::Decode => Error::Decode { status: 200, path: String::new(), message: String::new() },
            ErrorCase::Pagination => Error::Pagination(PaginationError::RepeatedPage { start_index: 0 }),
            ErrorCase::InvalidInput => Error::invalid(pending_core::api::error::Invalid::Argument, ""),
        }
    }
}

impl PolicyCase {
    fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: u32::from(self.max_retries % 8),
            max_unavailable_retries: u32::from(self.max_unavailable_retries % 8),
            backoff_base_ms: self.backoff_base_ms,
            backoff_max_ms: self.backoff_max_ms,
            rate_limit_margin_ms: self.rate_limit_margin_ms,
            default_rate_limit_wait_ms: self.default_rate_limit_wait_ms,
            max_rate_limit_wait_ms: self.max_rate_limit_wait_ms,
        }
    }
}

/// Whether no half-open window of `window` holds more than `max` of the sorted times.
fn windows_ok(times: &[f64], window: f64, max: usize) -> Result<(), String> {
    let mut j = 0;
    for i in 0..times.len() {
        // Requests in (times[i] - window, times[i]]: j is the first of them.
        while j <= i && times[j] + window <= times[i] {
            j += 1;
        }
        if i + 1 - j > max {
            return Err(format!("{} requests in [{}, {}+{window})", i + 1 - j, times[j], times[j]));
        }
    }
    Ok(())
}

impl LimiterCase {
    /// Runs every check of this case.
    pub fn check(&self) {
        self.run(false);
        self.run(true);
        let policy = self.policy.policy();
        for r in &self.retries {
            check_backoff(&policy, u32::from(r.attempt), r.random01);
            check_retry(&policy, r);
        }
        check_backoff(&policy, u32::MAX, 0.5);
    }

    /// The script, on a clock that never goes back (`jumps` false: jumps are ignored)
    /// or on a wall clock that is set back and forward.
    fn run(&self, jumps: bool) {
        let max = u32::from(self.max_requests % 40);
        // Windows shorter than the minimum interval (0 too), minute-like ones, any.
        let window = match self.window_scale % 3 {
            0 => self.window_ms % 4 * 100,
            1 => self.window_ms % 200_000,
            _ => self.window_ms,
        };
        let gap = u32::from(self.min_interval_ms);
        let mut limiter = RateLimiter::new(max, window, gap);
        let (max, window, gap) = (max.max(1) as usize, f64::from(window), f64::from(gap));
        let mut real = 1_700_000_000_000.0 + f64::from(self.start);
        let mut offset = 0.0; // reading = real + offset
        let mut hold = 0.0; // in readings (a new limiter holds until the epoch)
        let mut set_back_only = true;
        let (mut stamps, mut reals): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for step in &self.steps {
            match *step {
                Step::Request { oversleep } => {
                    let now = real + offset;
                    let wait = limiter.delay_ms(now);
                    assert!(wait.is_finite() && wait >= 0.0, "wait {wait}");
                    let last = stamps.last().copied();
                    if last.is_none_or(|l| l <= now) {
                        let bound = gap.max(window).max(hold - now);
                        assert!(wait <= bound, "wait {wait} above {bound}");
                    }
                    let latest = last.map_or(f64::NEG_INFINITY, |l| l + gap.max(window)).max(hold);
                    assert!(wait == 0.0 || now + wait <= latest, "the wait ends at {} after {latest}", now + wait);
                    real += wait + f64::from(oversleep);
                    let at = real + offset;
                    assert!(at >= hold, "sent at {at} before the hold ends at {hold}");
                    if let Some(l) = last {
                        assert!(at - l >= gap, "{} ms after the previous request, minimum {gap}", at - l);
                    }
                    limiter.record(at);
                    stamps.push(at);
                    reals.push(real);
                }
                Step::Idle { ms } => real += f64::from(ms),
                Step::Hold { ms } => {
                    let at = real + offset + f64::from(ms);
                    limiter.hold_until(at);
                    hold = hold.max(at);
                }
                Step::Back { ms } if jumps => offset -= f64::from(ms),
                Step::Forward { ms } if jumps => {
                    offset += f64::from(ms);
                    set_back_only = false;
                }
                Step::Back { .. } | Step::Forward { .. } => {}
            }
        }
        assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "recorded times go back: {stamps:?}");
        if let Err(e) = windows_ok(&stamps, window, max) {
            panic!("clock readings: {e} (max {max})");
        }
        if set_back_only {
            if let Err(e) = windows_ok(&reals, window, max) {
                panic!("real time: {e} (max {max})");
            }
        }
    }
}

/// `backoff_ms` for one attempt and random number.
pub fn check_backoff(policy: &RetryPolicy, attempt: u32, random01: f64) {
    let got = backoff_ms(policy, attempt, random01);
    let step = (f64::from(policy.backoff_base_ms) * 2f64.powi(attempt.min(30) as i32)).min(f64::from(policy.backoff_max_ms));
    assert!(got.is_finite(), "backoff {got} for attempt {attempt}, random {random01}");
    assert!(step / 2.0 <= got && got <= step, "backoff {got} outside [{}, {step}]", step / 2.0);
    if attempt < u32::MAX {
        assert!(backoff_ms(policy, attempt + 1, random01) >= got, "backoff shrinks");
    }
}

/// `retry_delay_ms` for one error.
pub fn check_retry(policy: &RetryPolicy, case: &RetryCase) {
    let now = (case.now % 4_000_000_000_000) as f64;
    let error = case.error.error(now);
    let attempt = u32::from(case.attempt % 10);
    let got = retry_delay_ms(policy, &error, attempt, now, case.random01);
    let allowed = if error.is_unavailable() { policy.max_unavailable_retries } else { policy.max_retries };
    if !error.is_retryable() || attempt >= allowed {
        assert_eq!(got, None, "{error:?} on attempt {attempt}");
        return;
    }
    match &error {
        Error::RateLimited { retry_at_ms, .. } => {
            let margin = f64::from(policy.rate_limit_margin_ms);
            let want = match retry_at_ms {
                Some(at) if at.is_nan() => margin,
                Some(at) => (at - now).max(0.0) + margin,
                None => f64::from(policy.default_rate_limit_wait_ms),
            };
            let fits = want <= f64::from(policy.max_rate_limit_wait_ms);
            assert_eq!(got, fits.then_some(want), "{error:?} at {now}");
        }
        _ => {
            let d = got.unwrap_or_else(|| panic!("{error:?} is retried"));
            assert!(d.is_finite() && d >= 0.0 && d <= f64::from(policy.backoff_max_ms), "retry after {d}");
        }
    }
}
