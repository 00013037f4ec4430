#![no_main]
//! `limiter::RateLimiter`, `backoff_ms` and `retry_delay_ms` on any configuration and
//! sequence of requests, idle times, holds and clock jumps.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::limiter::LimiterCase;

fuzz_target!(|case: LimiterCase| case.check());
