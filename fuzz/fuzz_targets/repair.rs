#![no_main]
//! The surrogate and nesting pre-pass before serde_json (`decode::repair`) on any text,
//! and on texts built around surrogate escapes.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::decode::{check_repair, SurrogateText};
use pending_core_fuzz::props::from_bytes;

fuzz_target!(|data: &[u8]| {
    check_repair(&String::from_utf8_lossy(data));
    if let Some(t) = from_bytes::<SurrogateText>(data) {
        check_repair(&t.0);
    }
});
