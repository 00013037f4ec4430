#![no_main]
//! `error_from_response` on a response read from the bytes (any status, any body).
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::decode::{check_error_response, response_from_bytes};

fuzz_target!(|data: &[u8]| check_error_response(&response_from_bytes(data)));
