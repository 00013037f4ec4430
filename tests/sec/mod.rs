//! Security tests shared by the page (`browser.rs`) and service-worker
//! (`service_worker.rs`) suites, over the real `fetch` against the local mock API.
#![allow(dead_code)]

use super::common::{get, memory_host, parse_js, stored, Scenario};
use gloo_net::http::Request;
use pending_core::bindings::{account_tag, JsApp, JsHostObject};
use wasm_bindgen::JsCast;
use pending_core::api::transport::fetch::REDIRECT_MESSAGE;
use pending_core::{Error, FetchTransport, Transport};
use serde_json::Value;
use wasm_bindgen_futures::JsFuture;

/// Declares the tests below as `#[wasm_bindgen_test]`s in the including file.
#[macro_export]
macro_rules! security_suite {
    () => {
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn redirects_are_never_followed() {
            sec::redirects_are_never_followed().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn pacing_reads_a_monotonic_clock() {
            sec::pacing_reads_a_monotonic_clock().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn snapshots_are_tagged_with_their_account() {
            sec::snapshots_are_tagged_with_their_account().await;
        }
    };
}

async fn stats(s: &Scenario) -> Value {
    let url = format!("{}/__stats", s.base_url.trim_end_matches("/linkedin"));
    let text = Request::get(&url).send().await.expect("mock reachable").text().await.expect("stats body");
    serde_json::from_str(&text).expect("stats JSON")
}

/// A 302 to another origin ends the request with a typed error: the browser does not
/// follow it, so the key never reaches the redirect's target.
pub async fn redirects_are_never_followed() {
    let s = Scenario::new("sent=3&received=2&fault=redirect");
    let c = s.client_with(|c| c.retry.max_retries = 1);
    let e = c.sent_page(0).await.expect_err("a redirect is an error");
    assert_eq!(e, Error::Network(REDIRECT_MESSAGE.into()));
    assert!(!e.to_string().contains("test-key-123"));
    let e = c.sync(&mut |_| {}).await.expect_err("a sync over a redirect fails");
    assert_eq!(e.kind(), "network");
    let st = stats(&s).await;
    assert_eq!(st["requests"], 4, "each call: one attempt and one retry, at the configured URL only: {st}");
    assert_eq!(st["redirected"]["hits"], 0, "the redirect target was never requested: {st}");
    assert_eq!(st["redirected"]["withKey"], 0, "{st}");
}

/// Pacing reads `performance.now()` (monotonic, from the global scope), not `Date.now()`.
pub async fn pacing_reads_a_monotonic_clock() {
    let t = FetchTransport::new();
    let (a, wall) = (t.monotonic_ms(), t.now_ms());
    assert!(a >= 0.0 && a < wall - 1e12, "performance.now() counts from the page's or worker's start: {a}");
    let op = t.begin();
    t.sleep(op, 30.0).await.expect("sleep");
    let b = t.monotonic_ms();
    assert!(b - a >= 25.0, "monotonic clock advanced {} ms over a 30 ms sleep", b - a);
}

/// A sync's snapshot carries the schema and the tag of the key, base URL and account it
/// was fetched with, never the key.
pub async fn snapshots_are_tagged_with_their_account() {
    let s = Scenario::new("sent=2&received=1");
    let settings = parse_js(&format!(r#"{{"schema": 1, "apiKey": "sk_tag_SECRET", "baseUrl": "{}"}}"#, s.base_url));
    let host = memory_host();
    let store: js_sys::Map = get(&host, "store").unchecked_into();
    store.set(&"settings".into(), &settings);
    store.set(&"testClientConfig".into(), &parse_js(r#"{"minIntervalMs": 0}"#));
    let app = JsApp::new(host.clone().unchecked_into::<JsHostObject>());
    JsFuture::from(app.handle(parse_js(r#"{"type": "refresh"}"#))).await.expect("never rejects");
    let snap = stored(&host, "snapshot");
    assert_eq!(get(&snap, "schema").as_f64(), Some(f64::from(pending_core::store::SCHEMA)));
    let tag = get(&snap, "account").as_string().expect("account tag");
    assert_eq!(tag, account_tag(settings));
    assert_eq!(tag.len(), 16);
    let json = js_sys::JSON::stringify(&snap).unwrap().as_string().unwrap();
    assert!(!json.contains("SECRET"), "{json}");
    assert_eq!(get(&get(&snap, "counts"), "sent").as_f64(), Some(2.0));
}
