//! The client in a browser page (headless Chrome and Firefox), over real `fetch`,
//! against the local mock API. Run by `make test` (which starts the mock).
#![cfg(target_arch = "wasm32")]

mod common;
mod sec;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

suite!();
security_suite!();
