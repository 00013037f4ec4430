#![no_main]
//! Every public parser of `src/api/time.rs` on the bytes as text, and on a well-formed (or
//! just out-of-range) time built from the same bytes, against an independent calendar.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::from_bytes;
use pending_core_fuzz::props::time::{check_text, TimeCase};

fuzz_target!(|data: &[u8]| {
    check_text(&String::from_utf8_lossy(data));
    if let Some(case) = from_bytes::<TimeCase>(data) {
        case.check();
    }
});
