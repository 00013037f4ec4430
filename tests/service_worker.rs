//! The same client in a service worker (no `window`, as in Chrome's MV3 background), in
//! headless Chrome and Firefox, over real `fetch`, against the local mock API.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

mod common;
mod sec;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_service_worker);

suite!();
security_suite!();
