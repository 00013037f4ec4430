//! Test bodies shared by the page (`browser.rs`) and service-worker
//! (`service_worker.rs`) suites. Each runs the real client over the real `fetch`
//! against the local mock API (`mock/server.mjs`), which `make test` starts.
//!
//! Every test gets its own scenario id, so the mock's counters are its own: request
//! counts are read both from the client and from the mock.
#![allow(dead_code)]

/// Declares every shared test as a `#[wasm_bindgen_test]` in the including file, whose
/// `wasm_bindgen_test_configure!` picks the context (page or service worker).
#[macro_export]
macro_rules! suite {
    () => {
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn each_endpoint_decodes() {
            common::each_endpoint_decodes().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn client_errors_are_typed_and_not_retried() {
            common::client_errors_are_typed_and_not_retried().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn server_errors_are_retried_then_reported() {
            common::server_errors_are_retried_then_reported().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn rate_limits_wait_for_the_retry_time() {
            common::rate_limits_wait_for_the_retry_time().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn bad_success_bodies_are_decode_errors() {
            common::bad_success_bodies_are_decode_errors().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn slow_responses_time_out() {
            common::slow_responses_time_out().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn unreachable_server_is_a_network_error() {
            common::unreachable_server_is_a_network_error().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn paging_faults_never_loop() {
            common::paging_faults_never_loop().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn page_cap_stops_the_walk() {
            common::page_cap_stops_the_walk().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn cancel_ends_a_running_sync() {
            common::cancel_ends_a_running_sync().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn protocol_through_the_controller() {
            common::protocol_through_the_controller().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        fn views_api_shapes() {
            common::views_api_shapes();
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn full_sync_of_0_items() {
            common::full_sync_counts(0).await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn full_sync_of_10_items() {
            common::full_sync_counts(10).await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn full_sync_of_11_items() {
            common::full_sync_counts(11).await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn full_sync_of_1000_items() {
            common::full_sync_counts(1000).await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn newer_edition_short_pages_until_end_of_list() {
            common::newer_edition_short_pages_until_end_of_list().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn unavailable_once_is_retried_and_counted_right() {
            common::unavailable_once_is_retried_and_counted_right().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn messy_data_keeps_every_readable_item() {
            common::messy_data_keeps_every_readable_item().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn unavailable_persistently_is_a_typed_error() {
            common::unavailable_persistently_is_a_typed_error().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn withdraw_and_respond_send_exact_bodies() {
            common::writes::withdraw_and_respond_send_exact_bodies().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn already_gone_is_done_and_said() {
            common::writes::already_gone_is_done_and_said().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn write_failures_are_typed_and_never_retried() {
            common::writes::write_failures_are_typed_and_never_retried().await;
        }
        #[wasm_bindgen_test::wasm_bindgen_test]
        async fn slow_write_is_unknown_and_not_repeated() {
            common::writes::slow_write_is_unknown_and_not_repeated().await;
        }
    };
}

pub mod writes;

use gloo_net::http::Request;
use pending_core::{Client, Config, Error, FetchTransport, PaginationError, SortBy};
use serde::Deserialize;
use std::collections::HashSet;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Where `make test` runs the mock (override at build time with PENDING_MOCK_URL).
pub const MOCK: &str = match option_env!("PENDING_MOCK_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:8787",
};

/// A test's view of one mock scenario.
pub struct Scenario {
    pub base_url: String,
    stats_url: String,
}

impl Scenario {
    pub fn new(query: &str) -> Self {
        let id = format!("{:.0}{:.0}", js_sys::Date::now(), js_sys::Math::random() * 1e9);
        let root = format!("{MOCK}/t/id={id}&{query}");
        Scenario { base_url: format!("{root}/linkedin"), stats_url: format!("{root}/__stats") }
    }

    /// A client with fast test timings: no pacing wait, short backoff.
    pub fn client(&self) -> Client<FetchTransport> {
        self.client_with(|_| {})
    }

    pub fn client_with(&self, tweak: impl FnOnce(&mut Config)) -> Client<FetchTransport> {
        let mut c = Config::new(&self.base_url, "test-key-123", None).expect("valid test config");
        c.max_requests = 10_000;
        c.max_writes = 10_000;
        c.max_account_requests = 10_000;
        c.max_key_requests = 10_000;
        c.window_ms = 1_000;
        c.min_interval_ms = 0;
        c.timeout_ms = 5_000;
        c.retry.backoff_base_ms = 10;
        c.retry.backoff_max_ms = 50;
        c.retry.rate_limit_margin_ms = 50;
        c.retry.default_rate_limit_wait_ms = 200;
        c.retry.max_rate_limit_wait_ms = 10_000;
        tweak(&mut c);
        Client::new(c, FetchTransport::new())
    }

    /// Requests the mock received for this scenario.
    pub async fn requests(&self) -> u32 {
        self.stats().await.requests
    }

    /// Everything the mock counted for this scenario.
    pub async fn stats(&self) -> Stats {
        let resp = Request::get(&self.stats_url).send().await.expect("mock reachable");
        let text = resp.text().await.expect("stats body");
        serde_json::from_str::<Stats>(&text).expect("stats JSON")
    }
}

/// Items per list the mock made unreadable (`messy=1`).
#[derive(Deserialize, Default)]
pub struct Unreadable {
    pub sent: u32,
    pub received: u32,
    pub connections: u32,
}

/// What the mock counted for one scenario (`/__stats`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub requests: u32,
    #[serde(default)]
    pub by_endpoint: std::collections::HashMap<String, u32>,
    /// Arrival times (ms) of every request, in order.
    #[serde(default)]
    pub arrivals: Vec<f64>,
    /// Requests the mock refused for the per-account limit.
    #[serde(default)]
    pub limited: u32,
    #[serde(default)]
    pub unreadable: Unreadable,
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Requests a full walk of an n-item list takes at 10 per page: full pages, then the
/// short page, or an empty page when n is a multiple of 10.
fn walk_requests(n: u32) -> u32 {
    n / 10 + 1
}

pub async fn each_endpoint_decodes() {
    let s = Scenario::new("sent=3&received=11&connections=30");
    let c = s.client();

    let sent = c.sent_page(0).await.expect("sent page");
    assert_eq!(sent.items.len(), 3);
    assert_eq!(sent.items[0].invitation_id, "7897046780350316544", "19-digit id kept exactly");
    assert_eq!(sent.echoed_start, Some(0));
    assert!(sent.items.iter().all(|i| i.age_secs.is_some()));

    let received = c.received_page(10).await.expect("received page");
    assert_eq!(received.items.len(), 1);
    assert_eq!(received.echoed_start, Some(10));
    let first = c.received_page(0).await.expect("received page 0");
    let cats: HashSet<&str> = first.items.iter().map(|i| i.invitation_category.as_str()).collect();
    for cat in ["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW"] {
        assert!(cats.contains(cat), "{cat} in {cats:?}");
    }
    let org = first.items.iter().find(|i| i.invitation_category.as_str() == "ORGANIZATION").unwrap();
    assert!(org.member_id.is_none(), "empty memberId is None");
    assert!(org.company_name.is_some());

    let conns = c.connections_page(0, 5, SortBy::FirstName).await.expect("connections page");
    assert_eq!(conns.items.len(), 5);
    let names: Vec<String> = conns.items.iter().map(|c| c.first_name.clone().unwrap()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sortBy=firstName reached the server");
    assert!(conns.items.iter().all(|c| c.age_secs.is_some()), "Connected on … parsed");
    let capped = c.connections_page(0, 99, SortBy::RecentlyAdded).await.unwrap();
    assert_eq!(capped.items.len(), 12, "limit clamped to 12");

    let accounts = c.accounts().await.expect("accounts");
    assert_eq!(accounts.len(), 2);
    assert!(accounts.iter().all(|a| a.is_usable()));
    assert_eq!(s.requests().await, 6);
}

pub async fn full_sync_counts(n: u32) {
    let s = Scenario::new(&format!("sent={n}&received={n}"));
    let c = s.client();
    let mut last_progress = None;
    let snap = c.sync(&mut |p| last_progress = Some(p)).await.expect("sync");
    assert_eq!(snap.counts.sent, n);
    assert_eq!(snap.counts.received, n);
    assert_eq!(snap.sent.len() as u32, n);
    assert_eq!(snap.counts.received_by_category.values().sum::<u32>(), n);
    let ids: HashSet<&str> = snap.received.iter().map(|r| r.invitation_id.as_str()).collect();
    assert_eq!(ids.len() as u32, n, "no duplicates");
    // Both walks, plus the connection count (404 on this older-edition scenario).
    let want = 2 * walk_requests(n) + 1;
    assert_eq!(snap.cost.requests, want, "client's count for n={n}");
    assert_eq!(snap.connection_count, None);
    assert_eq!(snap.cost.retries, 0);
    assert_eq!(s.requests().await, want, "mock's count for n={n}");
    let p = last_progress.expect("progress reported");
    assert_eq!((p.items, p.pages), (n, walk_requests(n)));
}

/// The newer edition: received pages of 10, 4, 10, 2, then an empty `endOfList: true`
/// page give exactly 26 items in 5 requests; the exact connection count comes along;
/// `customMessage` notes and newsletter names are read.
pub async fn newer_edition_short_pages_until_end_of_list() {
    let s = Scenario::new("eol=1&short=1&received=26&sent=3&connections=3754");
    let c = s.client();
    let snap = c.sync(&mut |_| {}).await.expect("sync");
    assert_eq!(snap.counts.received, 26, "short pages are not the end");
    assert_eq!(snap.connection_count, Some(3754));
    let stats = s.stats().await;
    assert_eq!(stats.by_endpoint.get("received").copied(), Some(5), "10, 4, 10, 2, then the end page");
    assert_eq!(stats.by_endpoint.get("count").copied(), Some(1));
    let newsletter = snap.received.iter().find(|r| r.invitation_category.as_str() == "NEWSLETTER").expect("a newsletter");
    assert!(newsletter.newsletter_name.as_deref().is_some_and(|n| n.ends_with("Weekly")));
    assert_eq!((newsletter.member_id.as_deref(), newsletter.profile.profile_url.as_deref()), (None, None));
    assert!(snap.received.iter().any(|r| r.note().is_some_and(|n| n.starts_with("Hi there"))));

    // The older edition of the same list stops at the first short page (its rule).
    let old = Scenario::new("short=1&received=26");
    let snap = old.client().sync(&mut |_| {}).await.expect("sync");
    assert_eq!(snap.counts.received, 14, "older rule: 10, then 4 < 10 ends the walk");
}

pub async fn unavailable_once_is_retried_and_counted_right() {
    let s = Scenario::new("eol=1&received=23&fault=unavailable&on=received&times=1");
    let snap = s.client().sync(&mut |_| {}).await.expect("sync after one retry");
    assert_eq!(snap.counts.received, 23, "never 0, never short");
    assert_eq!(snap.cost.retries, 1);
}

pub async fn unavailable_persistently_is_a_typed_error() {
    let (e, requests, _) = failing("eol=1&received=23&fault=unavailable&on=received", |_| {}).await;
    assert_eq!(e.kind(), "unavailable");
    assert_eq!(e.status(), Some(502));
    assert_eq!(requests, pending_core::api::limiter::RetryPolicy::default().max_unavailable_retries + 1, "bounded retries");
}

/// The per-account pacing as the server sees it: a 1,000-item received walk against a
/// mock that refuses (429) anything past 30 requests per account in any window. The
/// client runs the default rule, "30 per window plus a 1 s margin", on a 2 s window
/// instead of 60 s so that the walk takes seconds, not minutes; the rule and its margin
/// are the same (and the 60 s version is proven natively on a fake clock with jitter).
pub async fn pacing_as_the_server_counts_arrivals() {
    const WINDOW_MS: u32 = 2_000;
    let s = Scenario::new(&format!("eol=1&received=1000&acctlimit=30&acctwindow={WINDOW_MS}"));
    let c = s.client_with(|c| {
        c.max_requests = pending_core::api::config::READS_PER_MINUTE;
        c.window_ms = WINDOW_MS + pending_core::api::config::ARRIVAL_MARGIN_MS;
        c.min_interval_ms = 0;
    });
    let snap = c.sync(&mut |_| {}).await.expect("sync");
    assert_eq!(snap.counts.received, 1000);
    let stats = s.stats().await;
    assert_eq!(stats.limited, 0, "the mock never had to refuse a request");
    let arrivals = stats.arrivals;
    assert_eq!(arrivals.len() as u32, snap.cost.requests);
    let busiest = (0..arrivals.len())
        .map(|i| arrivals[i..].iter().take_while(|t| **t < arrivals[i] + f64::from(WINDOW_MS)).count())
        .max()
        .unwrap_or(0);
    assert!(busiest <= 30, "the mock saw {busiest} requests in one window");
    assert!(busiest >= 25, "pacing is not needlessly slow: {busiest}");
}

/// Real-world mess (`messy=1`): every readable item arrives, the unreadable ones are
/// counted with their JSON paths, a multi-byte time zone in a date or a rate-limit reset
/// never traps, and a second sync works the same.
pub async fn messy_data_keeps_every_readable_item() {
    let s = Scenario::new("messy=1&sent=25&received=25&connections=12");
    let c = s.client();
    for round in 0..2 {
        let snap = c.sync(&mut |_| {}).await.expect("a sync despite the mess");
        let bad = s.stats().await.unreadable;
        assert_eq!((bad.sent, bad.received), (2, 2), "the mock's own count");
        assert_eq!(snap.counts.sent, 25 - bad.sent, "round {round}");
        assert_eq!(snap.counts.received, 25 - bad.received);
        assert_eq!((snap.skipped.sent.count, snap.skipped.received.count), (bad.sent, bad.received));
        assert_eq!(
            snap.skipped.sent.paths,
            ["invitations[3].profile.firstName", "invitations[5].invitationId"]
        );
        let names: Vec<String> = snap.sent.iter().map(|i| i.profile.full_name()).collect();
        assert!(names.iter().any(|n| n == "Zoë \u{fffd} \u{fffd} Cut"), "lone surrogates read as U+FFFD: {names:?}");
        assert!(snap.sent.iter().any(|i| i.sent_at.as_deref() == Some("2024-02-15T10:00+1é1") && i.age_secs.is_none()));
        assert!(snap.sent.iter().any(|i| i.profile.headline.as_ref().is_some_and(|h| h.len() == 200 * 1024)));
        assert_eq!(snap.counts.received_by_category.get("OTHER").copied(), Some(1), "the unknown category");
        if round == 0 {
            assert_eq!(snap.cost.retries, 1, "the 429 with an unreadable reset time was waited out");
        }
    }
    let page = c.connections_page(0, 12, SortBy::RecentlyAdded).await.expect("connections page");
    assert_eq!((page.items.len(), page.raw_len, page.skipped.count), (11, 12, 1));
}

/// Runs a scenario that must fail, returning the error and the requests the mock saw.
async fn failing(query: &str, tweak: impl FnOnce(&mut Config)) -> (Error, u32, f64) {
    let s = Scenario::new(query);
    let c = s.client_with(tweak);
    let t0 = now();
    let e = c.sync(&mut |_| {}).await.expect_err(query);
    let elapsed = now() - t0;
    assert!(elapsed < 15_000.0, "{query} took {elapsed} ms");
    (e, s.requests().await, elapsed)
}

pub async fn client_errors_are_typed_and_not_retried() {
    for (fault, kind, status) in [
        ("401", "unauthorized", 401),
        ("403", "forbidden", 403),
        ("404", "no_account", 404),
        ("400", "bad_request", 400),
    ] {
        let (e, requests, _) = failing(&format!("sent=5&fault={fault}"), |_| {}).await;
        assert_eq!((e.kind(), e.status()), (kind, Some(status)), "fault {fault}: {e}");
        assert!(!e.is_retryable());
        assert_eq!(requests, 1, "fault {fault} is not retried");
    }
    let (e, _, _) = failing("fault=404", |_| {}).await;
    assert_eq!(e.to_string(), "HTTP 404: No active LinkedIn account found");
    let (e, _, _) = failing("fault=400", |_| {}).await;
    assert_eq!(e.to_string(), "HTTP 400: startIndex: Expected number, received string");
    // A wrong key: the mock answers 401 for it, and the key is not in the message.
    let s = Scenario::new("sent=1");
    let mut cfg = Config::new(&s.base_url, "invalid-key", None).unwrap();
    cfg.min_interval_ms = 0;
    let e = Client::new(cfg, FetchTransport::new()).sent_page(0).await.unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
    assert!(!e.to_string().contains("invalid-key"));
}

pub async fn server_errors_are_retried_then_reported() {
    let (e, requests, _) = failing("sent=5&fault=500", |c| c.retry.max_retries = 2).await;
    assert_eq!((e.kind(), e.status()), ("server", Some(500)));
    assert_eq!(requests, 3, "1 attempt + 2 retries");

    let (e, _, _) = failing("sent=5&fault=502", |c| c.retry.max_retries = 0).await;
    assert_eq!(e.to_string(), "HTTP 502: 502 Bad Gateway", "HTML body read as text");

    // A 503 that clears up: the sync succeeds with the exact counts.
    let s = Scenario::new("sent=12&received=3&fault=503&times=2");
    let c = s.client();
    let snap = c.sync(&mut |_| {}).await.expect("recovers after two 503s");
    assert_eq!((snap.counts.sent, snap.counts.received), (12, 3));
    assert_eq!(snap.cost.retries, 2);
    assert_eq!(snap.cost.requests, 2 + 3 + 1, "2 retries, 3 pages, the connection count");
    assert_eq!(s.requests().await, 6);
}

pub async fn rate_limits_wait_for_the_retry_time() {
    for how in ["iso", "epoch", "retryafter", "hold"] {
        let s = Scenario::new(&format!("sent=4&fault=429&times=1&wait=400&reset={how}"));
        let c = s.client();
        let t0 = now();
        let snap = c.sync(&mut |_| {}).await.unwrap_or_else(|e| panic!("{how}: {e}"));
        let waited = now() - t0;
        assert_eq!(snap.counts.sent, 4);
        assert_eq!(snap.cost.retries, 1, "{how}");
        // Epoch seconds and Retry-After round to whole seconds; the others are exact.
        assert!(waited >= 300.0, "{how}: waited only {waited} ms");
        assert!(waited < 5_000.0, "{how}: waited {waited} ms");
    }
    // A hold far in the future goes back to the caller at once, with its time.
    let (e, requests, elapsed) = failing("sent=4&fault=429&wait=3600000&reset=hold", |_| {}).await;
    assert_eq!(e.kind(), "rate_limited");
    let at = e.retry_at_ms().expect("retry time");
    assert!((at - now() - 3_600_000.0).abs() < 60_000.0, "retry at {at}");
    assert_eq!(requests, 1);
    assert!(elapsed < 2_000.0);
}

pub async fn bad_success_bodies_are_decode_errors() {
    let (e, requests, _) = failing("sent=5&fault=nonjson", |_| {}).await;
    assert_eq!(e.kind(), "decode");
    assert!(e.to_string().contains("not JSON"), "{e}");
    assert_eq!(requests, 1, "a bad body is not retried");

    let (e, _, _) = failing("sent=5&fault=malformed", |_| {}).await;
    assert!(e.to_string().contains("malformed JSON"), "{e}");

    // A wrong type inside an item skips that item, not the page (one per page here).
    let snap = Scenario::new("received=20&fault=wrongtypes&on=received").client().sync(&mut |_| {}).await.expect("sync");
    assert_eq!((snap.counts.received, snap.skipped.received.count), (18, 2));
    assert_eq!(snap.skipped.received.paths.first().map(String::as_str), Some("invitations[3].profile.firstName"));

    let (e, _, _) = failing("sent=5&fault=successfalse", |_| {}).await;
    assert_eq!((e.kind(), e.to_string().as_str()), ("api", "HTTP 200: LinkedIn session expired"));
}

pub async fn slow_responses_time_out() {
    let (e, requests, elapsed) = failing("sent=5&fault=slow&wait=4000", |c| {
        c.timeout_ms = 300;
        c.retry.max_retries = 1;
    })
    .await;
    assert_eq!(e, Error::Timeout { after_ms: 300 });
    assert_eq!(requests, 2, "one retry after the first timeout");
    assert!(elapsed < 2_000.0, "gave up after {elapsed} ms");
}

pub async fn unreachable_server_is_a_network_error() {
    let mut cfg = Config::new("http://127.0.0.1:9/linkedin", "k", None).unwrap();
    cfg.retry.max_retries = 1;
    cfg.retry.backoff_base_ms = 10;
    cfg.min_interval_ms = 0;
    let e = Client::new(cfg, FetchTransport::new()).sent_page(0).await.unwrap_err();
    assert_eq!(e.kind(), "network", "{e}");
    assert!(!e.reached_server());
}

pub async fn paging_faults_never_loop() {
    // The server ignores startIndex: the second page repeats the first.
    let (e, requests, _) = failing("received=30&fault=repeat&on=received", |_| {}).await;
    assert!(matches!(e, Error::Pagination(PaginationError::NotAdvancing { requested: 10, echoed: 0 })), "{e:?}");
    assert_eq!(requests, 2, "two received pages (received come first), then the error");

    // Pages longer than documented: every item exactly once.
    let s = Scenario::new("received=60&fault=longpage&on=received");
    let snap = s.client().sync(&mut |_| {}).await.expect("long pages");
    assert_eq!(snap.counts.received, 60);
    assert_eq!(snap.cost.requests, 4 + 1 + 1, "25 + 25 + 10 + an empty page, the sent page, the count");

    // Two items added at the front after every answer: the original items all arrive,
    // none twice.
    let s = Scenario::new("received=35&fault=growing&on=received");
    let snap = s.client().sync(&mut |_| {}).await.expect("growing list");
    let ids: Vec<&str> = snap.received.iter().map(|r| r.invitation_id.as_str()).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates");
    assert_eq!(snap.counts.received as usize, ids.len());
    let reference = Scenario::new("received=35").client().sync(&mut |_| {}).await.unwrap();
    for r in &reference.received {
        assert!(unique.contains(r.invitation_id.as_str()), "lost {}", r.invitation_id);
    }
}

pub async fn page_cap_stops_the_walk() {
    let (e, requests, _) = failing("received=100", |c| c.max_pages = 3).await;
    assert!(matches!(e, Error::Pagination(PaginationError::PageCap { max_pages: 3 })), "{e:?}");
    assert_eq!(requests, 3, "received come first");
}

pub async fn cancel_ends_a_running_sync() {
    let s = Scenario::new("sent=5&fault=slow&wait=4000");
    let c = std::rc::Rc::new(s.client());
    let c2 = c.clone();
    let t0 = now();
    wasm_bindgen_futures::spawn_local(async move {
        sleep_ms(150).await;
        c2.transport().cancel();
    });
    let e = c.sync(&mut |_| {}).await.unwrap_err();
    assert_eq!(e, Error::Cancelled);
    assert!(now() - t0 < 2_000.0);
    // The client works again afterwards.
    let s2 = Scenario::new("sent=2");
    let c3 = s2.client();
    c3.transport().cancel();
    assert_eq!(c3.sync(&mut |_| {}).await.unwrap().counts.sent, 2, "cancel affects only running work");
}

async fn sleep_ms(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: js_sys::Function = js_sys::Reflect::get(&global, &"setTimeout".into()).unwrap().unchecked_into();
        set_timeout.call2(&global, &resolve, &ms.into()).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

pub fn get(v: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub fn parse_js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON")
}

fn names(rows: &JsValue) -> Vec<String> {
    js_sys::Array::from(rows).iter().map(|r| get(&r, "name").as_string().unwrap_or_default()).collect()
}

/// The popup's held lists (`Views`): items in once, plain `Row` objects out, only the
/// slice asked for, the CSV of the filtered rows, and the stored first screen.
pub fn views_api_shapes() {
    use pending_core::bindings::{account_tag, JsViews};
    let mut views = JsViews::new();
    let items = parse_js(
        r#"[{"invitationId": "1", "sentAt": "1 week ago", "ageSecs": 604800, "profile": {"firstName": "Ben", "profileUrl": "javascript:alert(1)"}},
            {"invitationId": "2", "sentAt": "2 days ago", "ageSecs": 172800, "profile": {"firstName": "Zoë", "lastName": "Ärlig", "profileUrl": "https://www.linkedin.com/in/zoe"}},
            {"invitationId": null}]"#,
    );
    assert_eq!(views.set_items("sent", items).unwrap(), 2, "the unreadable item is left out");
    assert_eq!((views.count("sent").unwrap(), views.total("sent").unwrap()), (2, 2));
    let rows = views.slice("sent", 0, 100).unwrap();
    assert!(js_sys::Array::is_array(&rows));
    assert_eq!(names(&rows), ["Zoë Ärlig", "Ben"], "Sent opens newest first");
    let first = js_sys::Array::from(&rows).get(0);
    assert!(first.is_object() && !first.is_instance_of::<js_sys::Map>(), "a plain object");
    assert_eq!(get(&first, "url").as_string().as_deref(), Some("https://www.linkedin.com/in/zoe"));
    assert!(get(&js_sys::Array::from(&rows).get(1), "url").is_undefined(), "an unsafe URL is no link");
    assert_eq!(names(&views.slice("sent", 1, 2).unwrap()), ["Ben"]);
    assert_eq!(js_sys::Array::from(&views.slice("sent", 5, 9).unwrap()).length(), 0);

    assert_eq!(views.set_query("sent", parse_js(r#"{"search": "ZOE ARLIG", "order": "oldest"}"#)).unwrap(), 1);
    assert_eq!(names(&views.slice("sent", 0, 10).unwrap()), ["Zoë Ärlig"]);
    let csv = views.csv("sent").unwrap();
    assert_eq!(csv.lines().count(), 2, "the header and the one filtered row: {csv}");
    assert!(csv.contains("\"Zoë Ärlig\""));
    assert_eq!(views.set_query("sent", JsValue::UNDEFINED).unwrap(), 2);

    assert_eq!(views.add_items("connections", parse_js(r#"[{"firstName": "A", "vanityName": "a"}]"#)).unwrap(), 1);
    assert_eq!(views.add_items("connections", parse_js(r#"[{"firstName": "B", "vanityName": "b"}]"#)).unwrap(), 2);
    let err = views.count("bogus").unwrap_err();
    assert_eq!(get(&err, "kind").as_string().as_deref(), Some("invalid_input"));
    assert!(views.set_items("sent", parse_js("{}")).is_err(), "not a list");

    // A stored snapshot of this account: its summary, and a first screen to store.
    let settings = parse_js(&format!(r#"{{"apiKey": "k", "baseUrl": "{MOCK}/linkedin"}}"#));
    let tag = account_tag(settings.clone());
    let snapshot = parse_js(&format!(
        r#"{{"schema": 1, "account": "{tag}", "takenAtMs": 1700000000000, "connectionCount": 7,
            "counts": {{"sent": 99}}, "sent": [{{"invitationId": "5", "profile": {{"firstName": "Eve"}}}}], "received": [],
            "cost": {{"requests": 1, "pages": 1, "retries": 0, "durationMs": 1}}}}"#
    ));
    let loaded = views.load_snapshot(snapshot.clone(), settings.clone(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    let summary = get(&loaded, "summary");
    assert_eq!(get(&get(&summary, "counts"), "sent").as_f64(), Some(1.0), "counted from the list");
    assert_eq!(get(&summary, "connectionCount").as_f64(), Some(7.0));
    assert!(get(&summary, "sent").is_undefined(), "no lists in the summary");
    let first = get(&loaded, "firstScreen");
    assert_eq!(get(&first, "schema").as_f64(), Some(1.0));
    assert_eq!(get(&first, "account").as_string().as_deref(), Some(tag.as_str()));
    assert_eq!(names(&get(&first, "rows")), ["Eve"]);
    assert_eq!(names(&views.slice("sent", 0, 10).unwrap()), ["Eve"]);
    let again = views.load_snapshot(snapshot, settings.clone(), JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert!(!js_sys::Reflect::has(&again, &"firstScreen".into()).unwrap(), "unchanged: nothing to store");

    // The next popup shows the stored first screen; another account's is not shown.
    let mut next = JsViews::new();
    let shown = next.show_first_screen(first.clone(), settings.clone());
    assert_eq!(get(&get(&shown, "counts"), "sent").as_f64(), Some(1.0));
    assert_eq!(names(&next.slice("sent", 0, 10).unwrap()), ["Eve"]);
    let other = parse_js(&format!(r#"{{"apiKey": "k2", "baseUrl": "{MOCK}/linkedin"}}"#));
    assert!(JsViews::new().show_first_screen(first, other.clone()).is_null());
    // No snapshot of this account: the lists empty, the first screen to remove.
    let none = next.load_snapshot(JsValue::UNDEFINED, other, JsValue::UNDEFINED, JsValue::UNDEFINED);
    assert!(get(&none, "summary").is_null());
    assert!(get(&none, "firstScreen").is_null());
    assert_eq!(next.total("sent").unwrap(), 0);
}

/// An in-memory `AppHost`: storage in a Map, badges in a list.
pub fn memory_host() -> JsValue {
    js_sys::Function::new_no_args(
        r#"const store = new Map(); const badges = [];
        return {
          store, badges,
          load: async (keys) => Object.fromEntries(keys.filter((k) => store.has(k)).map((k) => [k, store.get(k)])),
          save: async (e) => { for (const [k, v] of Object.entries(e)) store.set(k, v); },
          remove: async (keys) => { for (const k of keys) store.delete(k); },
          badge: (b) => { badges.push(b); },
          permissionGranted: async () => true,
          origins: () => [],
          schedule: async () => {},
          keepAlive: () => {},
          notify: () => {},
        };"#,
    )
    .call0(&JsValue::NULL)
    .expect("host object")
}

pub fn stored(host: &JsValue, key: &str) -> JsValue {
    let store: js_sys::Map = get(host, "store").unchecked_into();
    store.get(&key.into())
}

fn last_badge(host: &JsValue) -> JsValue {
    js_sys::Array::from(&get(host, "badges")).at(-1)
}

/// The typed protocol, end to end in the browser: JSON requests in, JSON replies out,
/// through the real controller over real `fetch` against the mock.
pub async fn protocol_through_the_controller() {
    use pending_core::bindings::{JsApp, JsHostObject};
    let s = Scenario::new("sent=11&received=3&connections=20&eol=1");
    let host = memory_host();
    let store: js_sys::Map = get(&host, "store").unchecked_into();
    store.set(&"settings".into(), &parse_js(&format!(r#"{{"schema": 1, "apiKey": "k", "baseUrl": "{}"}}"#, s.base_url)));
    store.set(&"testClientConfig".into(), &parse_js(r#"{"maxRequests": 10000, "maxWrites": 10000, "maxAccountRequests": 10000, "maxKeyRequests": 10000, "windowMs": 1000, "minIntervalMs": 0}"#));
    let app = JsApp::new(host.clone().unchecked_into::<JsHostObject>());
    let ask = |json: &str| JsFuture::from(app.handle(parse_js(json)));

    let reply = ask(r#"{"type": "refresh"}"#).await.expect("never rejects");
    assert_eq!(get(&reply, "type").as_string().as_deref(), Some("done"));
    let snapshot = stored(&host, "snapshot");
    assert_eq!(get(&get(&snapshot, "counts"), "sent").as_f64(), Some(11.0));
    // Plain JSON data: a plain object for the category counts, 19-digit ids as strings,
    // whole-millisecond times.
    let by = get(&get(&snapshot, "counts"), "receivedByCategory");
    assert!(by.is_object() && !by.is_instance_of::<js_sys::Map>(), "a plain object, not a Map");
    let first = js_sys::Array::from(&get(&snapshot, "sent")).get(0);
    assert_eq!(get(&first, "invitationId").as_string().as_deref(), Some("7897046780350316544"));
    assert!(js_sys::JSON::stringify(&snapshot).unwrap().as_string().unwrap().contains("\"takenAtMs\""));
    assert_eq!(get(&stored(&host, "status"), "state").as_string().as_deref(), Some("ok"));
    assert_eq!(get(&last_badge(&host), "text").as_string().as_deref(), Some("3"));
    assert!(stored(&host, "walk").is_undefined(), "the walk's keys are removed at the end");

    let page = ask(r#"{"type": "connections", "startIndex": 0, "limit": 12}"#).await.unwrap();
    assert_eq!(get(&page, "type").as_string().as_deref(), Some("page"));
    assert_eq!(js_sys::Array::from(&get(&page, "items")).length(), 12);
    assert_eq!(get(&page, "done").as_bool(), Some(false));
    // The rest, page by page on the same cursor, until the list's stop rule says done.
    let mut total = 12;
    let mut page = page;
    for _ in 0..5 {
        if get(&page, "done").as_bool() == Some(true) {
            break;
        }
        let next = get(&page, "nextStartIndex").as_f64().unwrap();
        page = ask(&format!(r#"{{"type": "connections", "startIndex": {next}, "limit": 12}}"#)).await.unwrap();
        total += js_sys::Array::from(&get(&page, "items")).length();
    }
    assert_eq!(get(&page, "done").as_bool(), Some(true));
    assert_eq!(total, 20);

    let accounts = ask(&format!(r#"{{"type": "test", "settings": {{"apiKey": "k", "baseUrl": "{}"}}}}"#, s.base_url)).await.unwrap();
    assert_eq!(get(&accounts, "type").as_string().as_deref(), Some("accounts"));
    assert!(js_sys::Array::from(&get(&accounts, "accounts")).length() >= 1);

    let bad = ask(r#"{"type": "bogus"}"#).await.unwrap();
    assert_eq!(get(&bad, "type").as_string().as_deref(), Some("error"));
    assert_eq!(get(&get(&bad, "error"), "kind").as_string().as_deref(), Some("invalid_input"));
    let sort = ask(r#"{"type": "connections", "startIndex": 0, "limit": 12, "sortBy": "bogus"}"#).await.unwrap();
    assert_eq!(get(&get(&sort, "error"), "kind").as_string().as_deref(), Some("invalid_input"));
    // Settings the client cannot use: typed, with the code the options page words.
    let http = ask(r#"{"type": "test", "settings": {"apiKey": "k", "baseUrl": "http://evil.example/linkedin"}}"#).await.unwrap();
    assert_eq!(get(&http, "type").as_string().as_deref(), Some("error"));
    assert_eq!(get(&get(&http, "error"), "kind").as_string().as_deref(), Some("invalid_input"));
    assert_eq!(get(&get(&http, "error"), "reason").as_string().as_deref(), Some("base_url_http"));

    // A rejected key: the typed error is stored, the badge blocks, the snapshot stays.
    let denied = Scenario::new("sent=1&fault=401");
    store.set(&"settings".into(), &parse_js(&format!(r#"{{"schema": 1, "apiKey": "k", "baseUrl": "{}"}}"#, denied.base_url)));
    store.set(&"snapshot".into(), &snapshot);
    ask(r#"{"type": "refresh"}"#).await.unwrap();
    let status = stored(&host, "status");
    let error = get(&status, "error");
    assert_eq!(get(&error, "kind").as_string().as_deref(), Some("unauthorized"));
    assert_eq!(get(&error, "status").as_f64(), Some(401.0));
    assert!(get(&error, "message").as_string().unwrap().contains("Invalid credentials"));
    assert!(get(&error, "apiMessage").as_string().unwrap().contains("Invalid credentials"), "the server's own words");
    assert_eq!(get(&last_badge(&host), "text").as_string().as_deref(), Some("!"));
    assert_eq!(get(&last_badge(&host), "blocking").as_bool(), Some(true));
}
