#![no_main]
//! `decode_page::<SentInvitation>` on a response read from the bytes: a status line, header
//! lines, an empty line and the body, or just a body (see `response_from_bytes`).
use libfuzzer_sys::fuzz_target;
use pending_core::SentInvitation;
use pending_core_fuzz::props::decode::{check_page, response_from_bytes};

fuzz_target!(|data: &[u8]| check_page::<SentInvitation>(&response_from_bytes(data)));
