#![no_main]
//! `RateHeaders::reset_at_ms` and `exhausted` on header values read from the bytes, one a
//! line: X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::decode::{check_rate_headers, headers_from_bytes, NOW};

fuzz_target!(|data: &[u8]| {
    let headers = headers_from_bytes(data);
    check_rate_headers(&headers, NOW);
    check_rate_headers(&headers, 0.0);
});
