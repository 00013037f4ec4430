#![no_main]
//! `linkedin_profile_url`: a link is always on https://www.linkedin.com/ and made of the
//! allowed characters only, and every safe URL is linked.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::config::check_profile_url;
use pending_core_fuzz::props::from_bytes;
use pending_core_fuzz::props::text::Text;

fuzz_target!(|data: &[u8]| {
    check_profile_url(&String::from_utf8_lossy(data));
    if let Some(text) = from_bytes::<Text>(data) {
        check_profile_url(&text.0);
    }
});
