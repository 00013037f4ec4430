//! The write requests, their bodies, and what each answer means, natively.

use super::*;
use crate::api::decode::{RateHeaders, RawResponse};
use crate::api::error::Invalid;
use serde_json::{from_value, json};

fn resp(status: u16, body: &str) -> Result<RawResponse, Error> {
    Ok(RawResponse { status, headers: RateHeaders::default(), body: body.into() })
}

fn sent() -> SentInvitation {
    from_value(json!({
        "invitationId": "7897046780350316544",
        "memberId": "ACoAADPy0YkBl72yFV0nJCqXd2F9OBxiI7Tvhg4",
        "sentAt": "2 days ago",
        "profile": {"firstName": "John", "lastName": "Doe", "publicIdentifier": "johndoe"}
    }))
    .unwrap()
}

fn received(category: &str, member: &str) -> ReceivedInvitation {
    from_value(json!({
        "invitationId": "7455301624689844224",
        "memberId": member,
        "invitationCategory": category,
        "linkedInInvitationType": "GenericInvitationType_CONNECTION",
        "validationToken": "jywembME",
        "profile": {"firstName": "Deepika", "lastName": "Khare", "publicIdentifier": "deepika-khare"}
    }))
    .unwrap()
}

#[test]
fn withdraw_body_uses_the_vanity_slug_as_profile_id() {
    let r = WithdrawRequest::from_sent(&sent(), None).unwrap();
    let body: serde_json::Value = serde_json::from_str(&ActionRequest::Withdraw(r.clone()).body(None)).unwrap();
    assert_eq!(
        body,
        json!({"profileId": "johndoe", "invitationId": "7897046780350316544", "memberId": "ACoAADPy0YkBl72yFV0nJCqXd2F9OBxiI7Tvhg4"})
    );
    let body: serde_json::Value = serde_json::from_str(&ActionRequest::Withdraw(r).body(Some("acc1"))).unwrap();
    assert_eq!(body["accountId"], "acc1");
    let mut no_slug = sent();
    no_slug.profile.public_identifier = None;
    let e = WithdrawRequest::from_sent(&no_slug, None).unwrap_err();
    assert_eq!(e.to_string(), "cannot withdraw: the invitation has no publicIdentifier");
    assert_eq!(Error::from(e).kind(), "invalid_input");
}

#[test]
fn respond_body_uses_the_member_id_as_profile_id() {
    let r =
        RespondRequest::from_received(&received("CONNECTION", "ACoAAAYHg8o"), RespondAction::Accept, Some("acc2")).unwrap();
    let body: serde_json::Value = serde_json::from_str(&ActionRequest::Respond(r).body(Some("other"))).unwrap();
    assert_eq!(
        body,
        json!({"action": "ACCEPT", "invitationId": "7455301624689844224", "validationToken": "jywembME",
               "linkedInInvitationType": "GenericInvitationType_CONNECTION", "firstName": "Deepika", "lastName": "Khare",
               "profileId": "ACoAAAYHg8o", "accountId": "acc2"})
    );
    // An organization invitation has no member id: no profileId in the body.
    let r = RespondRequest::from_received(&received("ORGANIZATION", ""), RespondAction::Ignore, None).unwrap();
    let body: serde_json::Value = serde_json::from_str(&ActionRequest::Respond(r).body(None)).unwrap();
    assert_eq!(body["action"], "IGNORE");
    assert!(body.get("profileId").is_none() && body.get("accountId").is_none());
    // A connection invitation without one cannot be answered.
    let e = RespondRequest::from_received(&received("CONNECTION", ""), RespondAction::Accept, None).unwrap_err();
    assert_eq!(e.field, "memberId");
    let mut no_token = received("CONNECTION", "ACoAAAYHg8o");
    no_token.validation_token = None;
    let e = RespondRequest::from_received(&no_token, RespondAction::Ignore, None).unwrap_err();
    assert_eq!(e.to_string(), "cannot ignore: the invitation has no validationToken");
}

#[test]
fn requests_read_back_from_their_bodies() {
    let w = ActionRequest::Withdraw(WithdrawRequest::from_sent(&sent(), Some("a")).unwrap());
    let r = ActionRequest::Respond(
        RespondRequest::from_received(&received("CONNECTION", "ACoAAAYHg8o"), RespondAction::Ignore, None).unwrap(),
    );
    for req in [w, r] {
        let v: Value = serde_json::from_str(&req.body(None)).unwrap();
        assert_eq!(ActionRequest::read(req.kind(), v).unwrap(), req);
    }
    let v = json!({"invitationId": "1"});
    assert_eq!(ActionRequest::read(ActionKind::Withdraw, v).unwrap_err().to_string(), "missing field `profileId`");
}

#[test]
fn answers_become_outcomes() {
    const NOW: f64 = 1_777_000_000_000.0;
    let done = classify_write(
        resp(200, r#"{"success": true, "message": "Successfully withdrew invitation to John Doe", "accountId": "a"}"#),
        NOW,
    );
    assert_eq!(done, WriteOutcome::Done { message: Some("Successfully withdrew invitation to John Doe".into()) });
    assert_eq!(classify_write(resp(200, "{}"), NOW), WriteOutcome::Done { message: None });
    assert_eq!(classify_write(resp(204, ""), NOW), WriteOutcome::Done { message: None });
    assert_eq!(classify_write(resp(200, r#"{"success": "yes", "message": 5}"#), NOW), WriteOutcome::Done { message: None });

    let gone = classify_write(resp(400, r#"{"success": false, "error": "No pending invitation found for johndoe"}"#), NOW);
    assert_eq!(gone, WriteOutcome::AlreadyGone { message: "No pending invitation found for johndoe".into() });
    assert!(gone.removes_item());
    let gone = classify_write(resp(200, r#"{"success": false, "message": "Invitation already withdrawn"}"#), NOW);
    assert_eq!(gone.kind(), "already_gone");

    let bad = classify_write(
        resp(400, r#"{"success": false, "code": "validation_error", "message": "validationToken: Required"}"#),
        NOW,
    );
    assert!(matches!(bad, WriteOutcome::Failed(Error::Api { status: 400, .. })), "{bad:?}");
    let e500 = classify_write(resp(500, r#"{"success": false, "error": "Failed to withdraw"}"#), NOW);
    assert!(matches!(&e500, WriteOutcome::Failed(e) if e.kind() == "server"));
    let e401 = classify_write(resp(401, r#"{"error": "Unauthorized - Invalid credentials"}"#), NOW);
    assert!(matches!(&e401, WriteOutcome::Failed(e) if e.kind() == "unauthorized"));
    let e429 = classify_write(resp(429, r#"{"success": false, "error": "slow", "holdUntil": "2026-04-27T15:42:11Z"}"#), NOW);
    assert!(
        matches!(&e429, WriteOutcome::Failed(Error::RateLimited { retry_at_ms: Some(t), .. }) if *t == 1_777_304_531_000.0)
    );
    let sf = classify_write(resp(200, r#"{"success": false, "error": "LinkedIn session expired"}"#), NOW);
    assert!(
        matches!(&sf, WriteOutcome::Failed(Error::Api { status: 200, message, .. }) if message == "LinkedIn session expired")
    );

    for (e, reason) in [
        (Error::Timeout { after_ms: 20_000 }, ItemReason::Timeout),
        (Error::Network("reset".into()), ItemReason::Network),
        (Error::Cancelled, ItemReason::Cancelled),
    ] {
        let u = classify_write(Err(e), NOW);
        assert_eq!(u, WriteOutcome::Unknown { reason, status: None });
    }
    let html = classify_write(resp(200, "<html>Please sign in</html>"), NOW);
    assert_eq!(html, WriteOutcome::Unknown { reason: ItemReason::Unreadable, status: Some(200) });
    let invalid = classify_write(Err(Error::invalid(Invalid::NoWrites, "")), NOW);
    assert_eq!(invalid.kind(), "failed");
    // A refusal without words of the server's own has none (the pages word its status).
    let bare = classify_write(resp(200, r#"{"success": false}"#), NOW);
    assert!(matches!(&bare, WriteOutcome::Failed(e @ Error::Api { status: 200, .. }) if e.api_message().is_none()), "{bare:?}");
}

#[test]
fn outcomes_round_trip_through_json() {
    let outcomes = [
        WriteOutcome::Done { message: Some("ok".into()) },
        WriteOutcome::Done { message: None },
        WriteOutcome::AlreadyGone { message: "No pending invitation".into() },
        WriteOutcome::Unknown { reason: ItemReason::Timeout, status: None },
        WriteOutcome::Unknown { reason: ItemReason::Unreadable, status: Some(200) },
        WriteOutcome::Failed(Error::Api { status: 500, message: "Failed to withdraw".into(), code: None }),
        WriteOutcome::Failed(Error::Api {
            status: 200,
            message: "nothing".into(),
            code: Some("INVITATIONS_UNAVAILABLE".into()),
        }),
        WriteOutcome::Failed(Error::Api { status: 400, message: "bad".into(), code: Some("validation_error".into()) }),
        WriteOutcome::Failed(Error::RateLimited { status: 429, message: "slow".into(), retry_at_ms: Some(1.5e12) }),
        WriteOutcome::Failed(Error::Cancelled),
        WriteOutcome::Failed(Error::invalid(Invalid::MissingField, "publicIdentifier")),
        WriteOutcome::Failed(Error::invalid(Invalid::NoWrites, "")),
    ];
    for o in outcomes {
        let text = serde_json::to_string(&o.report()).unwrap();
        let back: WriteOutcome = serde_json::from_str(&text).unwrap();
        assert_eq!(back, o, "{text}");
    }
    let v = serde_json::to_value(WriteOutcome::Failed(Error::Api { status: 500, message: "boom".into(), code: None }).report())
        .unwrap();
    assert_eq!(
        v,
        json!({"outcome": "failed", "error": {"kind": "server", "status": 500, "message": "boom", "text": "HTTP 500: boom"}})
    );
    assert!(from_value::<WriteOutcome>(json!({"outcome": "maybe"})).is_err());
    // An unknown outcome's reason is a code with its status: the pages word it.
    let v = serde_json::to_value(WriteOutcome::Unknown { reason: ItemReason::Unreadable, status: Some(200) }.report()).unwrap();
    assert_eq!(v, json!({"outcome": "unknown", "reason": "unreadable", "status": 200}));
    for reason in ItemReason::ALL {
        assert_eq!(ItemReason::parse(reason.as_str()), Some(reason));
        assert_eq!(serde_json::to_value(reason).unwrap(), json!(reason.as_str()));
    }
    assert_eq!(ItemReason::parse("Timeout"), None);
}

#[test]
fn quota_is_read_permissively() {
    let q: Quota = from_value(json!({
        "accountId": "696ce9e780e0483585e4e553",
        "quotas": [
            {"feature": "WITHDRAW_INVITATION", "window": "daily", "used": 3, "limit": 50, "linkedinLimit": 100,
             "remaining": 47, "limitReached": false, "limitReachedAt": null, "resetAt": "2026-08-28 00:00:00+00:00"},
            {"feature": 12},
            {"feature": "CONNECT", "window": "weekly", "used": "x"}
        ]
    }))
    .unwrap();
    assert_eq!(q.quotas.len(), 2, "an unreadable entry is left out");
    let w = q.for_cap(CapKind::Withdrawals).unwrap();
    assert_eq!((w.remaining, w.reset_at_ms), (Some(47), Some(1_787_875_200_000)));
    assert_eq!(q.quotas[1].used, None);
    assert!(q.for_cap(CapKind::Responses).is_none());
    let empty: Quota = from_value(json!({})).unwrap();
    assert!(empty.quotas.is_empty());
}

#[test]
fn already_gone_wordings_in_any_case() {
    assert!(says_already_gone("No Pending Invitation found for this id", None));
    assert!(says_already_gone("Ärger: invitation ALREADY WITHDRAWN", None));
    assert!(!says_already_gone("İnvitation sent", None));
    assert!(!says_already_gone("rate limited", Some("RATE_LIMITED")));
}
