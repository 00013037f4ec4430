//! The client's retry loop, pacing and walks, natively, over a fake transport whose
//! clock advances only when the client sleeps (or a request takes its latency).

use super::fake::*;
use super::*;
use crate::api::decode::RateHeaders;
use crate::api::limiter::RetryPolicy;
use serde_json::json;

#[test]
fn sync_counts_and_exact_request_counts() {
    // The older edition: one request per page, plus the connection count (404 there).
    for (sent, received, want_pages) in [(0, 0, 2), (10, 10, 4), (11, 11, 4), (1000, 1000, 202), (3, 25, 5)] {
        let client = Client::new(config(), Fake::new(lists(sent, received)));
        let snap = block_on(client.sync(&mut |_| {})).unwrap();
        assert_eq!(snap.counts.sent as usize, sent);
        assert_eq!(snap.counts.received as usize, received);
        assert_eq!(snap.cost.requests, want_pages + 1, "sent={sent} received={received}");
        assert_eq!(snap.cost.pages, want_pages);
        assert_eq!(snap.connection_count, None);
        assert_eq!(snap.cost.retries, 0);
        assert_eq!(snap.account_id.as_deref(), Some("acc"));
        assert_eq!(snap.counts.received_by_category.values().sum::<u32>() as usize, received);
        assert!(snap.sent.iter().all(|s| s.age_secs == Some(7 * 86_400)));
    }
}

#[test]
fn urls_carry_account_offsets_limit_and_sort() {
    let client = Client::new(config(), Fake::new(lists(25, 0)));
    block_on(client.sent().collect_all(None, &mut |_| {})).unwrap();
    let urls: Vec<String> = client.transport().requests.borrow().iter().map(|r| r.1.clone()).collect();
    assert_eq!(
        urls,
        [
            "https://api.example.test/linkedin/invitations/sent?accountId=696ce9e780e0483585e4e553&startIndex=0",
            "https://api.example.test/linkedin/invitations/sent?accountId=696ce9e780e0483585e4e553&startIndex=10",
            "https://api.example.test/linkedin/invitations/sent?accountId=696ce9e780e0483585e4e553&startIndex=20",
        ]
    );
    let client = Client::new(
        Config::new("https://api.example.test/linkedin", "test-key", None).unwrap(),
        Fake::new(|_, _| ok(json!({"connections": []}))),
    );
    block_on(client.connections_page(24, 50, SortBy::LastName)).unwrap();
    assert_eq!(
        client.transport().requests.borrow()[0].1,
        "https://api.example.test/linkedin/connections?startIndex=24&limit=12&sortBy=lastName"
    );
}

#[test]
fn transient_server_errors_are_retried_with_backoff() {
    let mut calls = 0;
    let client = Client::new(
        config(),
        Fake::new(move |_, _| {
            calls += 1;
            if calls <= 2 {
                status(503, r#"{"error":"Service Unavailable"}"#)
            } else {
                ok(json!({"invitations": []}))
            }
        }),
    );
    let page = block_on(client.received_page(0)).unwrap();
    assert!(page.items.is_empty());
    assert_eq!(client.counters(), Counters { requests: 3, retries: 2, pages: 1 });
    // Equal jitter at random = 0.5: 3/4 of 1 s, then 3/4 of 2 s; the limiter adds its
    // 250 ms spacing only where the backoff was shorter.
    assert_eq!(*client.transport().sleeps.borrow(), [750.0, 1_500.0]);
}

#[test]
fn persistent_server_errors_give_up_after_max_retries() {
    let client = Client::new(config(), Fake::new(|_, _| status(500, r#"{"success":false,"error":"boom"}"#)));
    let e = block_on(client.sent_page(0)).unwrap_err();
    assert_eq!((e.kind(), e.status()), ("server", Some(500)));
    assert_eq!(client.counters().requests, 4, "1 attempt + 3 retries");
}

#[test]
fn client_errors_are_not_retried() {
    for code in [400, 401, 403, 404] {
        let client = Client::new(config(), Fake::new(move |_, _| status(code, r#"{"error":"no"}"#)));
        let e = block_on(client.sent_page(0)).unwrap_err();
        assert_eq!(e.status(), Some(code));
        assert_eq!(client.counters().requests, 1);
    }
    let client = Client::new(config(), Fake::new(|_, _| status(200, "<html>")));
    assert_eq!(block_on(client.sent_page(0)).unwrap_err().kind(), "decode");
    assert_eq!(client.counters().requests, 1);
}

#[test]
fn network_errors_and_timeouts_are_retried() {
    let mut calls = 0;
    let client = Client::new(
        config(),
        Fake::new(move |_, _| {
            calls += 1;
            match calls {
                1 => Err(Error::Network("offline".into())),
                2 => Err(Error::Timeout { after_ms: 20_000 }),
                _ => ok(json!({"invitations": []})),
            }
        }),
    );
    block_on(client.sent_page(0)).unwrap();
    assert_eq!(client.counters().retries, 2);
}

#[test]
fn rate_limit_waits_until_the_reset_plus_margin() {
    let mut calls = 0;
    let client = Client::new(
        config(),
        Fake::new(move |_, now| {
            calls += 1;
            if calls == 1 {
                let mut r = status(429, r#"{"success":false,"error":"Too many"}"#).unwrap();
                r.headers.reset = Some(format!("{}", ((now + 30_000.0) / 1000.0).round()));
                Ok(r)
            } else {
                ok(json!({"invitations": []}))
            }
        }),
    );
    let t0 = client.transport().now_ms();
    block_on(client.sent_page(0)).unwrap();
    let requests = client.transport().requests.borrow().clone();
    assert_eq!(requests.len(), 2);
    let waited = requests[1].0 - requests[0].0;
    assert!((35_000.0 - 10.0..=35_000.0 + 1_000.0).contains(&waited), "waited {waited}");
    assert!(requests[0].0 >= t0);
}

#[test]
fn a_long_hold_goes_back_to_the_caller_with_its_time() {
    let client = Client::new(
        config(),
        Fake::new(|_, _| {
            status(429, r#"{"success":false,"error":"Rate limit exceeded","holdUntil":"2099-01-01T00:00:00Z"}"#)
        }),
    );
    let e = block_on(client.sent_page(0)).unwrap_err();
    assert_eq!(e.kind(), "rate_limited");
    assert_eq!(e.retry_at_ms(), crate::api::time::parse_iso8601_ms("2099-01-01T00:00:00Z"));
    assert_eq!(client.counters().requests, 1, "no retry during a hold");
}

/// The most requests that arrive within any 60 s.
fn busiest_minute(arrivals: &[f64]) -> usize {
    let mut sorted = arrivals.to_vec();
    sorted.sort_by(f64::total_cmp);
    (0..sorted.len()).map(|i| sorted[i..].iter().take_while(|u| **u < sorted[i] + 60_000.0).count()).max().unwrap_or(0)
}

#[test]
fn pacing_keeps_thirty_arrivals_per_minute_despite_network_jitter() {
    // Network delays between 5 ms and 905 ms, varying from request to request: the
    // server counts arrivals, so the limiter's 1 s margin must absorb the difference.
    let mut fake = Fake::new(lists(0, 1_000));
    fake.jitter_ms = 900.0;
    let client = Client::new(config(), fake);
    let snap = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!(snap.counts.received, 1_000);
    assert_eq!(snap.cost.requests, 103, "101 received pages, 1 sent page, 1 count");
    let arrivals: Vec<f64> = client.transport().arrivals.borrow().clone();
    assert_eq!(arrivals.len(), 103);
    assert!(busiest_minute(&arrivals) <= 30, "the server saw {} in one minute", busiest_minute(&arrivals));
    let times: Vec<f64> = client.transport().requests.borrow().iter().map(|r| r.0).collect();
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= 250.0 - 1e-6, "min interval");
    }
    // 103 requests at 30 per 61 s need at least three full windows of waiting.
    assert!(snap.cost.duration_ms >= 3.0 * 61_000.0);
}

#[test]
fn an_exhausted_window_holds_the_next_request() {
    let client = Client::new(
        config(),
        Fake::new(|url, now| {
            let start: u32 = query(url, "startIndex").unwrap().parse().unwrap();
            let mut r = ok(json!({"invitations": if start == 0 { json!([{"invitationId": "1"}]) } else { json!([]) }})).unwrap();
            r.headers.remaining = Some("0".into());
            r.headers.reset = Some(format!("{}", (now / 1000.0).round() + 10.0));
            Ok(r)
        }),
    );
    block_on(client.sent().collect_all(None, &mut |_| {})).unwrap();
    let times: Vec<f64> = client.transport().requests.borrow().iter().map(|r| r.0).collect();
    assert_eq!(times.len(), 2);
    assert!(times[1] - times[0] >= 14_000.0, "reset (~10 s) + 5 s margin, got {}", times[1] - times[0]);
}

#[test]
fn progress_is_reported_after_every_page() {
    let client = Client::new(config(), Fake::new(lists(25, 11)));
    let mut seen = Vec::new();
    let mut badge = None;
    block_on(client.sync(&mut |p| {
        if let Some(c) = &p.received_counts {
            // Reported once, before the first sent page.
            assert!(badge.is_none() && seen.iter().all(|(l, _, _)| *l == List::Received));
            badge = Some(c.received);
        } else {
            seen.push((p.list, p.pages, p.items));
        }
    }))
    .unwrap();
    // Received first: they are the badge's data.
    assert_eq!(
        seen,
        [(List::Received, 1, 10), (List::Received, 2, 11), (List::Sent, 1, 10), (List::Sent, 2, 20), (List::Sent, 3, 25)]
    );
    assert_eq!(badge, Some(11));
}

#[test]
fn a_received_only_sync_keeps_the_sent_list_it_had() {
    let client = Client::new(config(), Fake::new(serve(Api { sent: 5_000, received: 40, eol: false, count: Some(3_754) })));
    let full = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!((full.counts.sent, full.counts.received, full.cost.requests), (5_000, 40, 501 + 5 + 1));
    let sent_at = full.sent_taken_at_ms;
    // A scheduled refresh: received only, 5 requests, the sent list kept with its time.
    let quick = block_on(client.sync_scoped(Scope::Received, Some(full.clone()), &mut |_| {})).unwrap();
    assert_eq!(quick.cost.requests, 5);
    assert_eq!((quick.counts.sent, quick.counts.received, quick.connection_count), (5_000, 40, Some(3_754)));
    assert_eq!(quick.sent_taken_at_ms, sent_at);
    assert!(quick.taken_at_ms > full.taken_at_ms);
    // Without a previous snapshot there is nothing to keep: everything is fetched.
    let again = block_on(client.sync_scoped(Scope::Received, None, &mut |_| {})).unwrap();
    assert_eq!(again.cost.requests, 501 + 5 + 1);
}

#[test]
fn collect_all_with_an_item_cap() {
    let client = Client::new(config(), Fake::new(lists(100, 0)));
    let got = block_on(client.sent().collect_all(Some(15), &mut |_| {})).unwrap();
    assert_eq!((got.items.len(), got.pages, got.truncated), (15, 2, true));
    let got = block_on(Client::new(config(), Fake::new(lists(10, 0))).sent().collect_all(Some(10), &mut |_| {})).unwrap();
    assert_eq!(got.items.len(), 10);
}

#[test]
fn a_failed_walk_returns_the_error_not_a_partial_count() {
    let client = Client::new(
        config(),
        Fake::new(|url, _| {
            if query(url, "startIndex").as_deref() == Some("10") {
                status(401, r#"{"error":"Unauthorized - Invalid credentials"}"#)
            } else {
                lists(100, 0)(url, 0.0)
            }
        }),
    );
    let e = block_on(client.sync(&mut |_| {})).unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
}

#[test]
fn newer_edition_goes_on_after_short_pages_until_end_of_list() {
    // Received pages of 10, 4, 10, 2, then an empty page with `endOfList: true`.
    let sizes = [10usize, 4, 10, 2, 0];
    let client = Client::new(
        config(),
        Fake::new(move |url, _| {
            if !url.contains("/invitations/received") {
                return serve(Api { count: Some(3_754), ..Api::default() })(url, 0.0);
            }
            let start: usize = query(url, "startIndex").unwrap().parse().unwrap();
            let mut offset = 0;
            let mut page = 0;
            while offset < start {
                offset += sizes[page];
                page += 1;
            }
            let n = sizes.get(page).copied().unwrap_or(0);
            let items: Vec<_> = (start..start + n).map(|i| json!({"invitationId": format!("r{i}")})).collect();
            ok(json!({"success": true, "invitations": items, "startIndex": start, "endOfList": n == 0}))
        }),
    );
    let snap = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!(snap.counts.received, 26);
    assert_eq!(snap.received.last().unwrap().invitation_id, "r25");
    assert_eq!(snap.connection_count, Some(3_754));
    let received_requests =
        client.transport().requests.borrow().iter().filter(|r| r.1.contains("/invitations/received")).count();
    assert_eq!(received_requests, 5);
}

#[test]
fn newer_edition_with_the_count_endpoint() {
    let client = Client::new(config(), Fake::new(serve(Api { sent: 3, received: 20, eol: true, count: Some(3_754) })));
    let snap = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!((snap.counts.sent, snap.counts.received, snap.connection_count), (3, 20, Some(3_754)));
    // Received: 10, 10, then the empty end page; sent: 3 then the empty page that
    // confirms the end (its page size is unknown); one count.
    assert_eq!(snap.cost.requests, 6);
    let urls: Vec<String> = client.transport().requests.borrow().iter().map(|r| r.1.clone()).collect();
    assert_eq!(urls[5], "https://api.example.test/linkedin/analytics/connections/count?accountId=696ce9e780e0483585e4e553");
    // `connectionCount: null` is no count, and so is a failing endpoint.
    let client = Client::new(
        config(),
        Fake::new(|url, _| {
            if url.contains("/count") {
                ok(json!({"success": true, "connectionCount": null}))
            } else {
                lists(0, 0)(url, 0.0)
            }
        }),
    );
    assert_eq!(block_on(client.sync(&mut |_| {})).unwrap().connection_count, None);
    let client = Client::new(
        config(),
        Fake::new(|url, _| if url.contains("/count") { status(500, "{}") } else { lists(0, 0)(url, 0.0) }),
    );
    assert_eq!(block_on(client.sync(&mut |_| {})).unwrap().connection_count, None);
}

const UNAVAILABLE: &str =
    r#"{"success":false,"code":"INVITATIONS_UNAVAILABLE","message":"LinkedIn returned no invitations; retry"}"#;

#[test]
fn an_unavailable_list_is_retried_and_then_counted_right() {
    let mut calls = 0;
    let mut api = serve(Api { received: 12, eol: true, ..Api::default() });
    let client = Client::new(
        config(),
        Fake::new(move |url, now| {
            calls += 1;
            if calls == 2 {
                status(502, UNAVAILABLE)
            } else {
                api(url, now)
            }
        }),
    );
    let snap = block_on(client.sync(&mut |_| {})).unwrap();
    assert_eq!(snap.counts.received, 12, "never 0, never short");
    assert_eq!(snap.cost.retries, 1);
}

#[test]
fn a_persistently_unavailable_list_is_a_typed_error_not_zero() {
    for (code, body) in [(502, UNAVAILABLE.to_string()), (200, UNAVAILABLE.to_string()), (502, UNAVAILABLE.replace("INVITATIONS", "CONNECTIONS"))] {
        let client = Client::new(config(), Fake::new(move |_, _| status(code, &body)));
        let e = block_on(client.sync(&mut |_| {})).unwrap_err();
        assert_eq!(e.kind(), "unavailable", "{code}");
        assert!(e.is_retryable());
        let policy = RetryPolicy::default();
        assert_eq!(client.counters().requests, policy.max_unavailable_retries + 1, "bounded retries");
        // Backoff between attempts, doubling: 0.75 s, 1.5 s, 3 s, 6 s, 12 s at random = 0.5.
        assert_eq!(*client.transport().sleeps.borrow(), [750.0, 1_500.0, 3_000.0, 6_000.0, 12_000.0]);
    }
}

#[test]
fn empty_pages_that_are_not_the_end_are_asked_again_then_given_up() {
    // `endOfList: false` on an empty page: the same offset again, with backoff.
    let mut calls = 0;
    let client = Client::new(
        config(),
        Fake::new(move |url, _| {
            calls += 1;
            let start: usize = query(url, "startIndex").unwrap().parse().unwrap();
            let items: Vec<_> = if start == 0 && calls > 1 { (0..3).map(|i| json!({"invitationId": format!("r{i}")})).collect() } else { vec![] };
            ok(json!({"invitations": items, "endOfList": start > 0 && calls > 2}))
        }),
    );
    let got = block_on(client.received().collect_all(None, &mut |_| {})).unwrap();
    assert_eq!(got.items.len(), 3);
    assert_eq!(client.counters().requests, 3, "empty (not the end), 3 items, empty end page");
    assert_eq!(client.transport().sleeps.borrow()[0], 750.0, "one backoff before asking again");

    let client = Client::new(config(), Fake::new(|_, _| ok(json!({"invitations": [], "endOfList": false}))));
    let e = block_on(client.received().collect_all(None, &mut |_| {})).unwrap_err();
    assert!(matches!(e, Error::Pagination(crate::api::error::PaginationError::EmptyPages { start_index: 0, pages: 3 })), "{e:?}");
    assert_eq!(client.counters().requests, crate::api::paginate::MAX_EMPTY_PAGES);
}

#[test]
fn accounts_are_marked_when_not_ready() {
    let client = Client::new(
        config(),
        Fake::new(|_, _| {
            ok(json!([
                {"id": "a", "status": "AVAILABLE", "enabled": true},
                {"id": "b", "status": "WARMUP", "enabled": true, "picture": null},
                {"id": "c", "status": "AVAILABLE", "enabled": false},
                {"id": "d"}
            ]))
        }),
    );
    let list = block_on(client.accounts()).unwrap();
    let marks: Vec<Option<&str>> = list.iter().map(|a| a.attention).collect();
    assert_eq!(marks, [None, Some("warmup"), Some("disabled"), None]);
    assert!(!list[2].is_usable());
    let out = serde_json::to_value(&list).unwrap();
    assert_eq!(out[1]["attention"], "warmup");
    assert_eq!((out[1]["usable"].as_bool(), out[2]["usable"].as_bool()), (Some(true), Some(false)));
    assert!(out[0].get("attention").is_none());
}

#[test]
fn accounts_bare_or_wrapped() {
    let bare = Client::new(config(), Fake::new(|_, _| ok(json!([{"id": "60d21b4667d0d8992e610c85", "apiSeatAllocated": true}]))));
    let list = block_on(bare.accounts()).unwrap();
    assert_eq!(list[0].id, "60d21b4667d0d8992e610c85");
    assert_eq!(bare.transport().requests.borrow()[0].1, "https://api.example.test/linkedin/accounts");
    let wrapped = Client::new(config(), Fake::new(|_, _| ok(json!({"success": true, "accounts": [{"id": "x"}]}))));
    assert_eq!(block_on(wrapped.accounts()).unwrap().len(), 1);
}

#[test]
fn query_values_are_percent_encoded() {
    assert_eq!(encode_component("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

#[test]
fn an_api_key_echoed_by_the_server_is_redacted() {
    let client = Client::new(config(), Fake::new(|_, _| status(401, r#"{"error":"Invalid key test-key"}"#)));
    let e = block_on(client.sent_page(0)).unwrap_err();
    assert_eq!(e.to_string(), "HTTP 401: Invalid key ***");
    let client = Client::new(config(), Fake::new(|_, _| status(200, r#"{"success":false,"error":"test-key expired"}"#)));
    assert_eq!(block_on(client.sent_page(0)).unwrap_err().to_string(), "HTTP 200: *** expired");
}

// ---- writes ---------------------------------------------------------------------------

fn withdraw_request() -> crate::api::actions::WithdrawRequest {
    crate::api::actions::WithdrawRequest {
        public_identifier: "johndoe".into(),
        invitation_id: "7897046780350316544".into(),
        member_id: Some("ACoAADPy0Yk".into()),
        account_id: None,
    }
}

#[test]
fn a_write_is_sent_once_with_its_exact_body() {
    use crate::api::actions::WriteOutcome;
    let client = Client::new(
        config(),
        Fake::new(|_, _| ok(json!({"success": true, "message": "Successfully withdrew invitation to John Doe"}))),
    );
    let outcome = block_on(client.withdraw(&withdraw_request()));
    assert_eq!(outcome, WriteOutcome::Done { message: Some("Successfully withdrew invitation to John Doe".into()) });
    let t = client.transport();
    assert_eq!(t.requests.borrow()[0].1, "https://api.example.test/linkedin/invitations/withdraw");
    let body: serde_json::Value = serde_json::from_str(&t.bodies.borrow()[0]).unwrap();
    assert_eq!(
        body,
        json!({"profileId": "johndoe", "invitationId": "7897046780350316544", "memberId": "ACoAADPy0Yk",
               "accountId": "696ce9e780e0483585e4e553"})
    );
    assert_eq!(client.counters().requests, 1);
}

#[test]
fn writes_are_never_retried() {
    use crate::api::actions::WriteOutcome;
    for answer in [
        Err(Error::Timeout { after_ms: 20_000 }),
        Err(Error::Network("connection reset".into())),
        status(500, r#"{"success": false, "error": "Failed to withdraw"}"#),
        status(503, r#"{"error": "Service Unavailable"}"#),
        status(429, r#"{"success": false, "error": "slow down"}"#),
        status(401, r#"{"error": "Unauthorized - Invalid credentials"}"#),
        status(200, "<html>sign in</html>"),
    ] {
        let kind = match &answer {
            Err(_) => "unknown",
            Ok(r) if r.status == 200 => "unknown",
            Ok(_) => "failed",
        };
        let client = Client::new(config(), Fake::new(move |_, _| answer.clone()));
        let outcome = block_on(client.withdraw(&withdraw_request()));
        assert_eq!(outcome.kind(), kind, "{outcome:?}");
        assert_eq!(client.counters().requests, 1, "{outcome:?}");
        assert!(client.transport().sleeps.borrow().is_empty());
        if let WriteOutcome::Unknown { reason, status } = outcome {
            use crate::api::actions::ItemReason;
            assert!(matches!((reason, status), (ItemReason::Timeout | ItemReason::Network, None) | (ItemReason::Unreadable, Some(200))));
        }
    }
}

#[test]
fn writes_keep_the_spacing_of_reads_and_a_429_holds_the_next_request() {
    let mut calls = 0;
    let client = Client::new(
        config(),
        Fake::new(move |url, _| {
            calls += 1;
            if url.ends_with("/withdraw") && calls == 2 {
                let headers = RateHeaders { retry_after: Some("30".into()), ..RateHeaders::default() };
                return Ok(RawResponse { status: 429, headers, body: r#"{"success": false, "error": "slow"}"#.into() });
            }
            ok(json!({"success": true, "invitations": []}))
        }),
    );
    block_on(client.received_page(0)).unwrap();
    let outcome = block_on(client.withdraw(&withdraw_request()));
    assert!(matches!(outcome, crate::api::actions::WriteOutcome::Failed(Error::RateLimited { .. })), "{outcome:?}");
    // The write waited for the 250 ms spacing after the read.
    assert_eq!(*client.transport().sleeps.borrow(), [245.0]);
    block_on(client.received_page(0)).unwrap();
    let sleeps = client.transport().sleeps.borrow().clone();
    assert_eq!(sleeps.len(), 2);
    // Which budget the 429 concerns is unknown (no X-RateLimit-Limit): everything
    // waits, until the retry time and the margin.
    assert!(sleeps[1] >= 34_000.0 && sleeps[1] <= 35_000.0, "{sleeps:?}");
}

#[test]
fn a_read_only_transport_sends_no_write() {
    struct ReadOnly;
    impl Transport for ReadOnly {
        async fn get(&self, _op: OpToken, _r: &HttpRequest) -> Result<RawResponse, Error> {
            unreachable!()
        }
        async fn sleep(&self, _op: OpToken, _ms: f64) -> Result<(), Error> {
            Ok(())
        }
        fn now_ms(&self) -> f64 {
            0.0
        }
        fn random(&self) -> f64 {
            0.0
        }
    }
    let client = Client::new(config(), ReadOnly);
    let outcome = block_on(client.withdraw(&withdraw_request()));
    assert!(matches!(
        outcome,
        crate::api::actions::WriteOutcome::Failed(Error::InvalidInput { reason: crate::api::error::Invalid::NoWrites, .. })
    ));
}

#[test]
fn quota_reads_or_is_absent() {
    let client = Client::new(
        config(),
        Fake::new(|url, _| {
            if url.contains("/account/696ce9e780e0483585e4e553/quota") {
                ok(json!({"accountId": "696ce9e780e0483585e4e553", "quotas": [{"feature": "WITHDRAW", "remaining": 4}]}))
            } else {
                status(404, r#"{"success": false, "error": "Cannot GET"}"#)
            }
        }),
    );
    let q = block_on(client.quota("696ce9e780e0483585e4e553")).unwrap().unwrap();
    assert_eq!(q.quotas[0].remaining, Some(4));
    assert_eq!(block_on(client.quota("60d21b4667d0d8992e610c85")).unwrap(), None);
    assert!(matches!(
        block_on(client.quota("../x")),
        Err(Error::InvalidInput { reason: crate::api::error::Invalid::AccountId, .. })
    ));
}

#[test]
fn progress_and_counters_write_camel_case() {
    let p = Progress { list: List::Received, pages: 2, items: 20, received_counts: None, received: None, record: None };
    assert_eq!(serde_json::to_value(&p).unwrap(), json!({"list": "received", "pages": 2, "items": 20}));
    let record = PageRecord { next_start: None, largest_page: 10, items: "[]".into(), skipped: Skips::default(), account_id: None };
    let counts = crate::api::sync::Counts::of(&[], &[]);
    let p = Progress { list: List::Sent, pages: 1, items: 0, received_counts: Some(counts.clone()), received: None, record: Some(record) };
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["receivedCounts"], serde_json::to_value(&counts).unwrap());
    assert!(v.get("record").is_none(), "{v}");
    let c = Counters { requests: 3, retries: 1, pages: 2 };
    assert_eq!(serde_json::to_value(c).unwrap(), json!({"requests": 3, "retries": 1, "pages": 2}));
    assert_eq!(serde_json::to_value(List::Connections).unwrap(), json!("connections"));
}
