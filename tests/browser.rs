//! The client in a browser page (headless Chrome and Firefox), over real `fetch`,
//! against the local mock API. Run by `make test` (which starts the mock).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

mod common;
mod sec;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

suite!();
security_suite!();

// Page suite only (it takes about 20 s): pacing as the mock counts arrivals.
#[wasm_bindgen_test::wasm_bindgen_test]
async fn pacing_as_the_server_counts_arrivals() {
    common::pacing_as_the_server_counts_arrivals().await;
}

// Page suite only (about 8 s): a paced queue of writes as the mock counts arrivals.
#[wasm_bindgen_test::wasm_bindgen_test]
async fn queue_paces_writes_as_the_mock_counts_arrivals() {
    common::writes::queue_paces_writes_as_the_mock_counts_arrivals().await;
}
