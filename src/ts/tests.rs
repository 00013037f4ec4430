//! Every TypeScript interface against what the Rust type serializes: each serialized
//! field is declared, each required field is serialized, and for samples with every
//! optional field set, the two lists are the same.

use super::*;
use crate::json::{FromJson, Path};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The top-level fields of `export interface <name> { … }` (or `export type <name> = … & { … }`):
/// (name, optional).
fn fields(name: &str) -> Vec<(String, bool)> {
    let all = [TYPES, VIEW_TYPES, STORE_TYPES, APP_TYPES, STATUS_VIEW, crate::protocol::TS_PROTOCOL].concat();
    let start = all.find(&format!("interface {name} ")).unwrap_or_else(|| panic!("interface {name} is declared"));
    let body = &all[start..];
    let open = body.find('{').unwrap();
    let (mut depth, mut end) = (0, 0);
    for (i, c) in body[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = open + i;
                    break;
                }
            }
            _ => {}
        }
    }
    let inner = &body[open + 1..end];
    // Comments out, then split on the top-level `;`.
    let mut text = String::new();
    let mut rest = inner;
    while let Some(i) = rest.find("/**") {
        text.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find("*/").unwrap() + 2..];
    }
    text.push_str(rest);
    let (mut out, mut depth, mut current) = (Vec::new(), 0, String::new());
    for c in text.chars() {
        match c {
            '{' | '<' | '(' => depth += 1,
            '}' | '>' | ')' => depth -= 1,
            _ => {}
        }
        if c == ';' && depth == 0 {
            out.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    out.push(current);
    out.iter()
        .filter_map(|f| f.split_once(':'))
        .map(|(k, _)| k.trim())
        .filter(|k| !k.is_empty() && !k.contains('('))
        .map(|k| (k.trim_end_matches('?').to_string(), k.ends_with('?')))
        .collect()
}

/// Checks `value` against the interface `name`; `full`: every optional field is set.
fn check(name: &str, value: &Value, full: bool) {
    let declared = fields(name);
    let keys: BTreeSet<&str> = value.as_object().unwrap_or_else(|| panic!("{name}: an object")).keys().map(String::as_str).collect();
    for k in &keys {
        assert!(declared.iter().any(|(d, _)| d == k), "{name}: `{k}` is serialized but not declared in TypeScript");
    }
    for (d, optional) in &declared {
        if !optional || full {
            assert!(keys.contains(d.as_str()), "{name}: `{d}` is declared but not serialized");
        }
    }
}

fn read<T: FromJson>(v: Value) -> T {
    T::from_json(&crate::json::parse(&v.to_string()).unwrap(), &Path::Root).unwrap()
}

fn profile() -> Value {
    json!({"firstName": "Ana", "lastName": "Müller", "headline": "h", "profileUrl": "https://www.linkedin.com/in/ana", "publicIdentifier": "ana"})
}

fn sent() -> crate::models::SentInvitation {
    let mut s: crate::models::SentInvitation = read(json!({"invitationId": "1", "invitationUrn": "u", "memberId": "m",
        "memberUrn": "mu", "sentAt": "2 weeks ago", "message": "hi", "profile": profile()}));
    s.age_secs = Some(5);
    s
}

fn received() -> crate::models::ReceivedInvitation {
    let mut r: crate::models::ReceivedInvitation = read(json!({"invitationId": "2", "invitationUrn": "u", "memberId": "m",
        "memberUrn": "mu", "invitationCategory": "EVENT", "linkedInInvitationType": "t", "validationToken": "v",
        "receivedAt": "1 day ago", "companyName": "c", "newsletterName": "n", "customMessage": "cm", "message": "m",
        "profile": profile()}));
    r.age_secs = Some(5);
    r
}

#[test]
fn api_items_match_their_declarations() {
    let s = serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&sent())).unwrap();
    check("SentInvitation", &s, true);
    check("Profile", &s["profile"], true);
    check("ReceivedInvitation", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&received())).unwrap(), true);
    let mut c: crate::models::Connection = read(json!({"firstName": "A", "lastName": "B", "vanityName": "ab", "headline": "h",
        "connectedDate": "Connected on Feb 15, 2024", "profileUrl": "https://www.linkedin.com/in/ab"}));
    c.age_secs = Some(5);
    check("Connection", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&c)).unwrap(), true);
    let mut a: crate::models::Account = read(json!({"id": "696ce9e780e0483585e4e553", "firstName": "A", "lastName": "B", "publicId": "ab",
        "picture": "https://x/p.png", "status": "AVAILABLE", "enabled": false, "apiSeatAllocated": true}));
    a.attention = a.attention(); // as the client sets it
    check("Account", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&a)).unwrap(), true);
}

#[test]
fn snapshots_rows_and_stored_values_match_their_declarations() {
    let sent = vec![sent()];
    let received = vec![received()];
    let mut snapshot: crate::sync::Snapshot = read(json!({"takenAtMs": 1, "sentTakenAtMs": 1, "accountId": "a", "connectionCount": 3,
        "counts": {}, "sent": [], "received": [], "cost": {"requests": 1, "pages": 1, "retries": 0, "durationMs": 1}}));
    snapshot.counts = crate::sync::Counts::of(&sent, &received);
    snapshot.sent = sent;
    snapshot.received = received;
    snapshot.skipped.sent.count = 1;
    snapshot.skipped.sent.reasons.push("invitations[3]: expected text".into());
    let v = serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&snapshot)).unwrap();
    check("Snapshot", &v, true);
    check("Counts", &v["counts"], true);
    check("Cost", &v["cost"], true);
    check("Skips", &v["skipped"]["sent"], true);
    check("SnapshotSummary", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&snapshot.summary())).unwrap(), true);
    let row = crate::view::Row::from(&snapshot.received[0]);
    check("Row", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&row)).unwrap(), false);
    let settings = crate::store::Settings::read(&serde_json::Value::Null);
    check("Settings", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&settings)).unwrap(), true);
}

#[test]
fn status_badge_and_replies_match_their_declarations() {
    let error = crate::store::StoredError { kind: "rate_limited".into(), status: Some(429), message: "m".into(), retry_at: Some(1.0) };
    check("ApiError", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&error)).unwrap(), true);
    let status = crate::store::Status {
        schema: 1,
        state: "syncing",
        at: Some(1.0),
        started_at: Some(1.0),
        reason: Some("alarm".into()),
        scope: Some("all"),
        progress: Some(crate::store::StoredProgress { list: "sent", pages: 1, items: 10 }),
        error: Some(error.clone()),
    };
    check("Status", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&status)).unwrap(), true);
    let view = crate::app::StatusView {
        state: "error",
        progress: Some(crate::store::StoredProgress { list: "sent", pages: 1, items: 10 }),
        error: Some(error.clone()),
        blocking: false,
    };
    check("StatusView", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&view)).unwrap(), true);
    let badge = crate::app::badge(None, &[], Some(error));
    check("Badge", &serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&badge)).unwrap(), true);
}

#[test]
fn the_action_run_view_matches_its_declarations() {
    use crate::actions::WriteOutcome;
    use crate::queue::{ActionQueue, ActionSettings, NewItem};
    let mut q = ActionQueue::new();
    let s = sent();
    let mut other = sent();
    other.invitation_id = "9".into();
    q.start("tag", ActionSettings::default(), vec![NewItem::withdraw(&s, None), NewItem::withdraw(&other, None)], 1.0e12, 7).unwrap();
    let crate::queue::Step::Send(order) = q.next_step(1.0e12, "tag") else { panic!() };
    q.record(order.index, &WriteOutcome::Failed(crate::Error::Network("x".into())), 1.0e12);
    q.stop(1.0e12 + 1.0);
    let view = crate::app::actions_view(&serde_json::from_str(&q.to_json()).unwrap(), 1.0e12);
    let v = serde_json::from_str::<serde_json::Value>(&crate::json::ToJson::to_json(&view)).unwrap();
    check("ActionsView", &v, true);
    check("RunProgress", &v["progress"], false);
    check("Summary", &v["summary"], true);
    check("Stop", &v["summary"]["stop"], false);
    check("Named", &v["summary"]["failures"][0], true);
}
