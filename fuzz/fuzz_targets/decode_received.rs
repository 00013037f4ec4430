#![no_main]
//! `decode_page::<ReceivedInvitation>` on a response read from the bytes (see
//! `response_from_bytes`).
use libfuzzer_sys::fuzz_target;
use pending_core::ReceivedInvitation;
use pending_core_fuzz::props::decode::{check_page, response_from_bytes};

fuzz_target!(|data: &[u8]| check_page::<ReceivedInvitation>(&response_from_bytes(data)));
