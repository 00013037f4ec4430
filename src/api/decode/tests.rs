//! Decoding every documented body, error shape and damaged item, natively.

use super::*;
use std::borrow::Cow;
use crate::api::models::{Account, Connection, ReceivedInvitation, SentInvitation};

fn resp(status: u16, body: &str) -> RawResponse {
    RawResponse { status, headers: RateHeaders::default(), body: body.into() }
}

const NOW: f64 = 1_777_300_000_000.0;

#[test]
fn decodes_every_example_body() {
    let sent: Page<SentInvitation> =
        decode_page(&resp(200, include_str!("../../../tests/fixtures/invitations-sent.page0.json")), NOW).unwrap();
    assert_eq!(sent.items.len(), 1, "trust the array, not count: 10");
    assert_eq!(sent.items[0].invitation_id, "7897046780350316544");
    assert_eq!(sent.items[0].profile.profile_url.as_deref(), Some("https://www.linkedin.com/in/johndoe"));
    assert_eq!(sent.echoed_start, Some(0));
    assert_eq!(sent.account_id.as_deref(), Some("696ce9e780e0483585e4e553"));

    let recv: Page<ReceivedInvitation> =
        decode_page(&resp(200, include_str!("../../../tests/fixtures/invitations-received.page0.json")), NOW).unwrap();
    let cats: Vec<&str> = recv.items.iter().map(|i| i.invitation_category.as_str()).collect();
    assert_eq!(cats, ["ORGANIZATION", "CONNECTION", "NEWSLETTER"]);
    assert_eq!(recv.items[0].company_name.as_deref(), Some("ZenX8Studio"));
    assert_eq!(recv.items[0].member_id, None);
    assert!(recv.items[1].message.as_deref().unwrap().starts_with("Hi, we met"));

    let conns: Page<Connection> =
        decode_page(&resp(200, include_str!("../../../tests/fixtures/connections.page0.json")), NOW).unwrap();
    assert_eq!(conns.items.len(), 2);
    assert_eq!(conns.items[1].vanity_name.as_deref(), Some("janesmith"));

    let accounts: Vec<Account> = decode(&resp(200, include_str!("../../../tests/fixtures/accounts.json")), NOW).unwrap();
    assert_eq!(accounts[0].id, "60d21b4667d0d8992e610c85");
    assert_eq!(accounts[0].api_seat_allocated, Some(true));
}

#[test]
fn decodes_the_newer_edition_examples() {
    let recv: Page<ReceivedInvitation> =
        decode_page(&resp(200, include_str!("../../../tests/fixtures/invitations-received.newer.json")), NOW).unwrap();
    assert_eq!(recv.end_of_list, Some(false));
    assert_eq!(recv.items.len(), 3, "trust the array, not count: 10");
    let newsletter = &recv.items[1];
    assert_eq!(newsletter.invitation_category.as_str(), "NEWSLETTER");
    assert_eq!(newsletter.newsletter_name.as_deref(), Some("VAYUZ Insights"));
    assert_eq!(newsletter.linkedin_invitation_type.as_deref(), Some("GenericInvitationType_ORGANIZATION"));
    assert_eq!((newsletter.member_id.as_deref(), newsletter.profile.profile_url.as_deref()), (None, None), "empty is absent");
    assert_eq!(newsletter.profile.public_identifier, None);
    assert_eq!(recv.items[2].note(), None);
    let with_note: ReceivedInvitation =
        serde_json::from_value(serde_json::json!({"invitationId":"1","customMessage":"Hi from the newer API"})).unwrap();
    assert_eq!(with_note.note(), Some("Hi from the newer API"));
    let old_note: ReceivedInvitation = serde_json::from_value(serde_json::json!({"invitationId":"1","message":"Hi"})).unwrap();
    assert_eq!(old_note.note(), Some("Hi"));

    let conns: Page<Connection> =
        decode_page(&resp(200, include_str!("../../../tests/fixtures/connections.newer.json")), NOW).unwrap();
    assert_eq!((conns.items.len(), conns.end_of_list), (2, Some(false)));
    let old: Page<Connection> =
        decode_page(&resp(200, include_str!("../../../tests/fixtures/connections.page0.json")), NOW).unwrap();
    assert_eq!(old.end_of_list, None, "the older edition says nothing");

    let accounts: Vec<Account> = decode(&resp(200, include_str!("../../../tests/fixtures/accounts.newer.json")), NOW).unwrap();
    assert_eq!((accounts[0].enabled, accounts[0].attention()), (Some(true), None));
    assert_eq!((accounts[1].picture.as_deref(), accounts[1].attention()), (None, Some("no_seat")));

    let e = decode_page::<ReceivedInvitation>(
        &resp(502, include_str!("../../../tests/fixtures/invitations-unavailable.newer.json")),
        NOW,
    )
    .unwrap_err();
    assert_eq!((e.kind(), e.status()), ("unavailable", Some(502)));
    assert!(e.is_retryable());
    // The newer shared error shape: {success: false, code, message}.
    let e = decode_page::<ReceivedInvitation>(
        &resp(400, r#"{"success":false,"code":"validation_error","message":"startIndex must be a number"}"#),
        NOW,
    )
    .unwrap_err();
    assert_eq!((e.kind(), e.to_string().as_str()), ("bad_request", "HTTP 400: startIndex must be a number"));
}

#[test]
fn end_of_list_is_read_leniently() {
    for (raw, want) in [("true", Some(true)), ("false", Some(false)), ("\"true\"", Some(true)), ("null", None), ("1", None), ("\"yes\"", None)] {
        let body = format!(r#"{{"invitations":[],"endOfList":{raw}}}"#);
        let p: Page<SentInvitation> = decode_page(&resp(200, &body), NOW).unwrap();
        assert_eq!(p.end_of_list, want, "{raw}");
    }
}

#[test]
fn every_documented_error_body_maps_to_status_and_message() {
    let fixtures: serde_json::Value = serde_json::from_str(include_str!("../../../tests/fixtures/errors.json")).unwrap();
    let mut got = Vec::new();
    for ex in fixtures["examples"].as_array().unwrap() {
        let status = ex["status"].as_u64().unwrap() as u16;
        let body = match &ex["body"] {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let e = decode_page::<SentInvitation>(&resp(status, &body), NOW).unwrap_err();
        got.push((e.kind(), e.status(), e.to_string()));
    }
    let want = [
        ("unauthorized", 401, "HTTP 401: Unauthorized - Invalid credentials"),
        ("no_account", 404, "HTTP 404: No active LinkedIn account found"),
        ("no_account", 404, "HTTP 404: LinkedIn profile not found: invalid-profile-id"),
        ("bad_request", 400, "HTTP 400: profileId: Required"),
        ("bad_request", 400, "HTTP 400: profileId is required"),
        ("forbidden", 403, "HTTP 403: Your trial has expired. Please subscribe to continue using this feature."),
        ("rate_limited", 429, "rate limited: Rate limit exceeded for CONNECT: 90/90 used. Resets at 2026-04-28T00:00:00Z"),
        ("server", 502, "HTTP 502: 502 Bad Gateway"),
    ];
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0, g.1, g.2.as_str()), (w.0, Some(w.1), w.2));
    }
    assert_eq!(got.len(), want.len());
}

#[test]
fn rate_limit_retry_time_sources_in_order() {
    let mut r = resp(429, r#"{"success":false,"error":"slow","holdUntil":"2026-04-27T15:42:11Z"}"#);
    r.headers.reset = Some("1777334400".into());
    r.headers.retry_after = Some("30".into());
    assert_eq!(error_from_response(&r, NOW).retry_at_ms(), Some(1_777_304_531_000.0));
    r.body = r#"{"error":"slow"}"#.into();
    assert_eq!(error_from_response(&r, NOW).retry_at_ms(), Some(NOW + 30_000.0));
    r.headers.retry_after = None;
    assert_eq!(error_from_response(&r, NOW).retry_at_ms(), Some(1_777_334_400_000.0));
    r.headers.reset = Some("2026-04-28T00:00:00Z".into());
    assert_eq!(error_from_response(&r, NOW).retry_at_ms(), Some(1_777_334_400_000.0));
    r.headers.reset = Some("whenever".into());
    let e = error_from_response(&r, NOW);
    assert_eq!((e.kind(), e.retry_at_ms()), ("rate_limited", None));
    r.body = String::new();
    assert_eq!(error_from_response(&r, NOW).to_string(), "rate limited: Too Many Requests");
}

#[test]
fn non_json_and_malformed_success_bodies_are_decode_errors() {
    let e = decode_page::<SentInvitation>(&resp(200, "<html><body>Login</body></html>"), NOW).unwrap_err();
    assert_eq!(e.kind(), "decode");
    assert!(e.to_string().contains("not JSON (Login)"), "{e}");
    let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":true,"invitations":[{"invit"#), NOW).unwrap_err();
    assert!(e.to_string().contains("malformed JSON"), "{e}");
    let e = decode_page::<SentInvitation>(&resp(200, ""), NOW).unwrap_err();
    assert_eq!(e.kind(), "decode");
}

#[test]
fn unreadable_items_are_skipped_with_their_paths_and_the_page_goes_on() {
    let body = r#"{"success":true,"invitations":[{"invitationId":"1"},{"invitationId":"2","profile":{"firstName":7}},
        {"id":"3"},{"invitationId":"4","profile":null},"junk",{"invitationId":1.5},{"invitationId":"7","invitationCategory":7}]}"#;
    let page = decode_page::<ReceivedInvitation>(&resp(200, body), NOW).unwrap();
    let ids: Vec<&str> = page.items.iter().map(|i| i.invitation_id.as_str()).collect();
    assert_eq!(ids, ["1", "4"], "null profile is an absent profile");
    let listed = decode_page::<SentInvitation>(&resp(200, r#"{"invitations":[["7"]]}"#), NOW).unwrap();
    assert_eq!((listed.items.len(), listed.skipped.paths[0].as_str()), (0, "invitations[0]"));
    assert_eq!(page.raw_len, 7);
    assert_eq!(page.skipped.count, 5);
    assert_eq!(
        page.skipped.paths,
        [
            "invitations[1].profile.firstName",
            "invitations[2]",
            "invitations[4]",
            "invitations[5].invitationId",
            "invitations[6].invitationCategory",
        ]
    );
    // More than MAX_SKIP_REASONS: the count goes on, the paths stop.
    let many = format!(r#"{{"invitations":[{}]}}"#, ["{}"; 12].join(","));
    let page = decode_page::<SentInvitation>(&resp(200, &many), NOW).unwrap();
    assert_eq!((page.items.len(), page.skipped.count, page.skipped.paths.len()), (0, 12, MAX_SKIP_REASONS));
}

#[test]
fn only_a_broken_envelope_fails_the_page() {
    let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":true,"invitations":"none"}"#), NOW).unwrap_err();
    assert_eq!(e.to_string(), "unreadable response at invitations: invalid type: string \"none\", expected a sequence");
    let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":true}"#), NOW).unwrap_err();
    assert!(e.to_string().contains("no `invitations` or `connections` list"), "{e}");
    let e = decode_page::<SentInvitation>(&resp(200, "42"), NOW).unwrap_err();
    assert_eq!(e.kind(), "decode");
    let big = format!(r#"{{"invitations":[{{"invitationId":"1","message":"{}"}}]}}"#, "x".repeat(MAX_BODY_BYTES));
    let e = decode_page::<SentInvitation>(&resp(200, &big), NOW).unwrap_err();
    assert!(e.to_string().contains("larger than 5 MB"), "{e}");
    // A 200 KB headline is fine.
    let long = format!(r#"{{"invitations":[{{"invitationId":"1","profile":{{"headline":"{}"}}}}]}}"#, "h".repeat(200_000));
    assert_eq!(decode_page::<SentInvitation>(&resp(200, &long), NOW).unwrap().items.len(), 1);
}

#[test]
fn lone_surrogates_and_odd_zones_do_not_fail_the_page() {
    let body = r#"{"invitations":[{"invitationId":"1","sentAt":"2024-02-15T10:00+1é1","profile":{"firstName":"Ana \ud83d","lastName":"\ude00"}}]}"#;
    let page = decode_page::<SentInvitation>(&resp(200, body), NOW).unwrap();
    assert_eq!(page.items[0].profile.full_name(), "Ana \u{fffd} \u{fffd}");
    assert!(page.skipped.is_empty());
}

#[test]
fn success_false_on_200_is_an_api_error() {
    let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":false,"error":"LinkedIn session expired"}"#), NOW)
        .unwrap_err();
    assert_eq!((e.kind(), e.to_string().as_str()), ("api", "HTTP 200: LinkedIn session expired"));
}

#[test]
fn tolerates_array_wrapper_and_loose_envelope_numbers() {
    let body = r#"[{"invitations":[{"invitationId":"9"}],"startIndex":"20","count":"x"}]"#;
    let p: Page<SentInvitation> = decode_page(&resp(200, body), NOW).unwrap();
    assert_eq!((p.items.len(), p.echoed_start), (1, Some(20)));
}

#[test]
fn long_server_messages_are_clipped() {
    let long = "x".repeat(1000);
    let e = error_from_response(&resp(500, &format!(r#"{{"error":"{long}"}}"#)), NOW);
    assert!(e.to_string().chars().count() < 320);
}

#[test]
fn repair_replaces_lone_surrogates_only() {
    let r = |t: &str| repair(t).unwrap().into_owned();
    assert!(matches!(repair(r#"{"a":"\ud83d\ude00 ok"}"#).unwrap(), Cow::Borrowed(_)), "a pair is left alone, uncopied");
    assert_eq!(r(r#""cut \ud83d""#), r#""cut \ufffd""#);
    assert_eq!(r(r#""\ude00 low""#), r#""\ufffd low""#);
    assert_eq!(r(r#""\ud83d\u0041""#), r#""\ufffd\u0041""#);
    assert_eq!(r(r#""\ud83d\ud83d\ude00""#), r#""\ufffd\ud83d\ude00""#);
    assert_eq!(r(r#""\\ud83d""#), r#""\\ud83d""#, "an escaped backslash is not an escape");
    assert_eq!(r(r#"{"\ud800":1}"#), r#"{"\ufffd":1}"#, "keys too");
    assert_eq!(r(r#""[{\"""#), r#""[{\"""#, "brackets in strings do not nest");
    let s: String = serde_json::from_str(&r(r#""Ana \ud83d""#)).unwrap();
    assert_eq!(s, "Ana \u{fffd}");
    // Cut at any point: never a panic.
    let text = r#"{"a":["\ud83d\ude00","\ud83d",{"b":"\\"}]}"#;
    for i in 0..=text.len() {
        let _ = repair(text.get(..i).unwrap_or(""));
    }
}

#[test]
fn nesting_is_bounded_before_parsing() {
    assert_eq!(repair(&"[".repeat(MAX_DEPTH + 1)).unwrap_err(), Repair::TooDeep);
    assert!(repair(&format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH))).is_ok());
    let deep = format!(r#"{{"invitations":[{}1{}]}}"#, "[".repeat(10_000), "]".repeat(10_000));
    let e = decode_page::<SentInvitation>(&resp(200, &deep), NOW).unwrap_err();
    assert!(e.to_string().contains("nested deeper than 64"), "{e}");
}

#[test]
fn nineteen_digit_ids_stay_exact() {
    let body = r#"{"invitations":[{"invitationId":7455891636745551899,"memberId":18446744073709551615}]}"#;
    let p: Page<SentInvitation> = decode_page(&resp(200, body), NOW).unwrap();
    assert_eq!(p.items[0].invitation_id, "7455891636745551899");
    assert_eq!(p.items[0].member_id.as_deref(), Some("18446744073709551615"));
}

#[test]
fn a_duplicate_key_costs_at_most_its_item() {
    // The last one wins, as browsers read JSON (and the page's envelope alike).
    let body = r#"{"invitations":[],"startIndex":1,"startIndex":2,"invitations":[{"invitationId":"1"},
        {"invitationId":"2","invitationId":"3"},{"invitationId":"4","sentAt":"x","sentAt":"y"}]}"#;
    let p: Page<SentInvitation> = decode_page(&resp(200, body), NOW).unwrap();
    assert_eq!(p.echoed_start, Some(2));
    assert_eq!(p.items.iter().map(|i| i.invitation_id.as_str()).collect::<Vec<_>>(), ["1", "3", "4"]);
    assert_eq!((p.raw_len, p.skipped.count, p.items[2].sent_at.as_deref()), (3, 0, Some("y")));
    // Many keys: linear, not quadratic (80,000 distinct and 80,000 repeated).
    let mut keys: String = (0..80_000).map(|i| format!(r#""k{i}":{i},"#)).collect();
    keys.push_str(&r#""k":1,"#.repeat(80_000));
    let big = format!(r#"{{{keys}"invitations":[{{{keys}"invitationId":"9"}}]}}"#);
    let p: Page<SentInvitation> = decode_page(&resp(200, &big), NOW).unwrap();
    assert_eq!(p.items.len(), 1);
}

#[test]
fn rate_headers() {
    let h = RateHeaders::from_lookup(|n| match n {
        "x-ratelimit-remaining" => Some("0".into()),
        "x-ratelimit-reset" => Some("2026-04-28T00:00:00Z".into()),
        _ => None,
    });
    assert!(h.exhausted());
    assert_eq!(h.reset_at_ms(NOW), Some(1_777_334_400_000.0));
    assert!(!RateHeaders::default().exhausted());
}
