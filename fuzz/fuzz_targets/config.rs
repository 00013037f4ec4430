#![no_main]
//! `config::validate_base_url`, `ApiKey::new` and `ConfigInput` → `Config` (from JSON text,
//! as JavaScript passes it) on the bytes as text, and on settings built from them.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::config::{check_api_key, check_base_url, check_config_json, ConfigCase, UrlText};
use pending_core_fuzz::props::from_bytes;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check_base_url(&text);
    check_api_key(&text);
    check_config_json(&text);
    if let Some(url) = from_bytes::<UrlText>(data) {
        check_base_url(&url.0);
    }
    if let Some(case) = from_bytes::<ConfigCase>(data) {
        case.check();
    }
});
