#![no_main]
//! `classify_write` on a response read from the bytes (any status, any body), and the
//! outcome's report read back.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::{actions::check_write_response, decode::response_from_bytes};

fuzz_target!(|data: &[u8]| check_write_response(&response_from_bytes(data)));
