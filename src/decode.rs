//! Pure decoding of HTTP responses into typed pages or typed errors.
//!
//! No I/O here: [`decode`] takes a status, the few headers that matter and the body
//! text, so native tests reach every branch. The HTTP status decides the kind of error;
//! the body (any of the five documented error shapes, or not JSON at all) only supplies
//! the message. A 2xx body that does not match the endpoint's shape is an
//! [`Error::Decode`] naming the JSON path that failed.

use crate::error::Error;
use crate::models::lenient_u32;
use crate::time::{parse_iso8601_ms, parse_reset_ms, parse_retry_after_ms};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

/// The response headers the client reads. All optional: which ones the list
/// endpoints send is undocumented.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateHeaders {
    /// `X-RateLimit-Limit`.
    pub limit: Option<String>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<String>,
    /// `X-RateLimit-Reset`: ISO-8601 or epoch seconds.
    pub reset: Option<String>,
    /// `Retry-After`: seconds or an HTTP date.
    pub retry_after: Option<String>,
}

impl RateHeaders {
    /// The header names to read from a response, in field order.
    pub const NAMES: [&'static str; 4] =
        ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"];

    /// Builds the set from a header lookup function.
    pub fn from_lookup(mut get: impl FnMut(&str) -> Option<String>) -> Self {
        let [limit, remaining, reset, retry_after] = Self::NAMES.map(&mut get);
        RateHeaders { limit, remaining, reset, retry_after }
    }

    /// When the current window ends, if the server said: `X-RateLimit-Reset` in either
    /// format, else `Retry-After`.
    pub fn reset_at_ms(&self, now_ms: f64) -> Option<f64> {
        self.reset
            .as_deref()
            .and_then(parse_reset_ms)
            .or_else(|| self.retry_after.as_deref().and_then(|r| parse_retry_after_ms(r, now_ms)))
    }

    /// Whether the server says no request is left in this window.
    pub fn exhausted(&self) -> bool {
        self.remaining.as_deref().and_then(|r| r.trim().parse::<i64>().ok()).is_some_and(|r| r <= 0)
    }
}

/// A raw HTTP response as the transport hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The rate-limit headers.
    pub headers: RateHeaders,
    /// The body text.
    pub body: String,
}

/// One page of a list as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in server order.
    pub items: Vec<T>,
    /// The `startIndex` the server echoed, if it did.
    pub echoed_start: Option<u32>,
    /// The account that served the page, if the server said.
    pub account_id: Option<String>,
    /// The newer API edition's `endOfList` flag (received invitations and connections),
    /// `None` when the server did not send it (older deployments, sent invitations).
    pub end_of_list: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[serde(bound = "T: DeserializeOwned")]
struct RawPage<T> {
    #[serde(alias = "connections")]
    invitations: Vec<T>,
    #[serde(default, deserialize_with = "lenient_u32")]
    start_index: Option<u32>,
    #[serde(default, deserialize_with = "crate::models::opt_text")]
    account_id: Option<String>,
    #[serde(default, deserialize_with = "crate::models::lenient_bool")]
    end_of_list: Option<bool>,
}

/// The most characters of server text an error message keeps.
const MAX_MESSAGE: usize = 300;

/// Decodes a list page (`{"invitations": [...]}` or `{"connections": [...]}`), or the
/// error the response stands for. A one-element array around the object is tolerated.
///
/// # Errors
/// [`Error::Api`] / [`Error::RateLimited`] for error statuses and `success: false`;
/// [`Error::Decode`] for a 2xx body of the wrong shape.
pub fn decode_page<T: DeserializeOwned>(resp: &RawResponse, now_ms: f64) -> Result<Page<T>, Error> {
    let mut value = parse_success(resp, now_ms)?;
    if let Value::Array(items) = &mut value {
        if items.len() == 1 && items[0].is_object() {
            value = items.remove(0);
        }
    }
    let raw: RawPage<T> = from_json(resp.status, value)?;
    Ok(Page { items: raw.invitations, echoed_start: raw.start_index, account_id: raw.account_id, end_of_list: raw.end_of_list })
}

/// Decodes a body of any other shape (e.g. the bare array of `GET /accounts`), or the
/// error the response stands for.
///
/// # Errors
/// As [`decode_page`].
pub fn decode<T: DeserializeOwned>(resp: &RawResponse, now_ms: f64) -> Result<T, Error> {
    let value = parse_success(resp, now_ms)?;
    from_json(resp.status, value)
}

/// Deserializes a parsed JSON value, naming the path that failed. Every typed value of
/// the crate is read through this one function (API bodies with their status; values
/// from JavaScript with status 0), so each type's decoder is compiled once.
///
/// # Errors
/// [`Error::Decode`] with the JSON path of the first failure (`invitations[3].profile.firstName`).
pub fn from_json<T: DeserializeOwned>(status: u16, value: Value) -> Result<T, Error> {
    let message = match T::deserialize(&value) {
        Ok(v) => return Ok(v),
        Err(e) => e.to_string(),
    };
    let path = locate(value, &message, &|v| T::deserialize(v).err().map(|e| e.to_string()));
    Err(Error::Decode { status, path, message })
}

enum Step {
    Key(String),
    Index(usize),
}

fn node_mut<'v>(root: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(root, |v, step| match step {
        Step::Key(k) => v.get_mut(k.as_str()),
        Step::Index(i) => v.get_mut(*i),
    })
}

/// The longest container prefix this search tries; pages hold 10 to 25 items.
const MAX_LOCATE_CHILDREN: usize = 200;

/// Finds where a decode error lies without tracking paths on the success path (the
/// path-tracking wrapper crate costs about 30 KB of WebAssembly). From the root down:
/// if the node emptied still fails the same way, the error is the node's own (a missing
/// field); otherwise the first child whose prefix `[..=k]` reproduces the error holds it.
/// Serde reports the first error in document order, so that child is where it stands;
/// the node stays cut after it while the search goes deeper.
///
/// Not generic (the decoder comes as `attempt`), so one copy serves every type.
fn locate(mut root: Value, error: &str, attempt: &dyn Fn(&Value) -> Option<String>) -> String {
    let same = |v: &Value| attempt(v).as_deref() == Some(error);
    let mut path: Vec<Step> = Vec::new();
    while let Some(node) = node_mut(&mut root, &path) {
        let original = std::mem::take(node);
        let len = match &original {
            Value::Array(a) => a.len(),
            Value::Object(o) => o.len(),
            _ => 0,
        }
        .min(MAX_LOCATE_CHILDREN);
        let prefix = |n: usize| match &original {
            Value::Array(a) => Value::Array(a[..n].to_vec()),
            Value::Object(o) => {
                // Inserted one by one: collecting into a map would compile in a sort.
                let mut m = serde_json::Map::new();
                for (k, v) in o.iter().take(n) {
                    m.insert(k.clone(), v.clone());
                }
                Value::Object(m)
            }
            other => other.clone(),
        };
        let mut found = None;
        if len > 0 {
            for n in 0..=len {
                if let Some(slot) = node_mut(&mut root, &path) {
                    *slot = prefix(n);
                }
                if same(&root) {
                    found = n.checked_sub(1);
                    break;
                }
            }
        }
        let step = found.map(|k| match &original {
            Value::Object(o) => Step::Key(o.keys().nth(k).cloned().unwrap_or_default()),
            _ => Step::Index(k),
        });
        // Keep the node cut after the culprit: later siblings may fail the same way, and
        // the search below must see only the first failure.
        if let (Some(slot), Some(k)) = (node_mut(&mut root, &path), found) {
            *slot = prefix(k + 1);
        }
        match step {
            Some(step) => path.push(step),
            None => break,
        }
    }
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(&k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(&k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The JSON of a 2xx response, or the error the response stands for.
fn parse_success(resp: &RawResponse, now_ms: f64) -> Result<Value, Error> {
    if !(200..300).contains(&resp.status) {
        return Err(error_from_response(resp, now_ms));
    }
    let value: Value = serde_json::from_str(&resp.body).map_err(|e| Error::Decode {
        status: resp.status,
        path: String::new(),
        message: if resp.body.trim_start().starts_with('<') || e.is_syntax() && e.line() == 1 && e.column() == 1 {
            format!("the body is not JSON ({})", excerpt(&resp.body))
        } else {
            format!("malformed JSON: {e}")
        },
    })?;
    if value.get("success") == Some(&Value::Bool(false)) {
        let (message, code, _) = body_message(&value);
        return Err(Error::Api {
            status: resp.status,
            message: message.unwrap_or_else(|| "the API reported failure".into()),
            code,
        });
    }
    Ok(value)
}

/// Maps a non-2xx response to its error: 429 to [`Error::RateLimited`] with the retry
/// time from `holdUntil`, `Retry-After` or `X-RateLimit-Reset` (in that order), every
/// other status to [`Error::Api`].
pub fn error_from_response(resp: &RawResponse, now_ms: f64) -> Error {
    let (message, code, hold_until) = match serde_json::from_str::<Value>(&resp.body) {
        Ok(v) => body_message(&v),
        Err(_) => {
            let text = strip_tags(&resp.body);
            ((!text.is_empty()).then(|| clip(&text)), None, None)
        }
    };
    let message = message.unwrap_or_else(|| reason_phrase(resp.status).to_string());
    if resp.status == 429 {
        let retry_at_ms = hold_until
            .as_deref()
            .and_then(parse_iso8601_ms)
            .or_else(|| resp.headers.retry_after.as_deref().and_then(|r| parse_retry_after_ms(r, now_ms)))
            .or_else(|| resp.headers.reset.as_deref().and_then(parse_reset_ms));
        return Error::RateLimited { status: 429, message, retry_at_ms };
    }
    Error::Api { status: resp.status, message, code }
}

/// Message, code and `holdUntil` from any documented error body shape (E1–E5).
fn body_message(v: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let message = text("message").map(clip).or_else(|| match v.get("error") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(clip(s.trim())),
        Some(Value::Object(o)) => {
            let issues: Vec<String> = o
                .get("issues")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(zod_issue).collect())
                .unwrap_or_default();
            if issues.is_empty() {
                o.get("message").and_then(Value::as_str).map(clip)
            } else {
                Some(clip(&issues.join("; ")))
            }
        }
        _ => None,
    });
    (message, text("code").map(clip), text("holdUntil").map(str::to_string))
}

fn zod_issue(issue: &Value) -> Option<String> {
    let message = issue.get("message")?.as_str()?;
    let path: Vec<String> = issue
        .get("path")
        .and_then(Value::as_array)
        .map(|p| p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string)).collect())
        .unwrap_or_default();
    Some(if path.is_empty() { message.to_string() } else { format!("{}: {message}", path.join(".")) })
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_MESSAGE {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_MESSAGE).collect();
    out.push('…');
    out
}

fn excerpt(body: &str) -> String {
    let text = strip_tags(body);
    if text.is_empty() {
        return "empty body".into();
    }
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Text content of an HTML-ish body, whitespace collapsed.
fn strip_tags(body: &str) -> String {
    let mut out = String::with_capacity(body.len().min(1024));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "unexpected status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Account, Connection, ReceivedInvitation, SentInvitation};

    fn resp(status: u16, body: &str) -> RawResponse {
        RawResponse { status, headers: RateHeaders::default(), body: body.into() }
    }

    const NOW: f64 = 1_777_300_000_000.0;

    #[test]
    fn decodes_every_example_body() {
        let sent: Page<SentInvitation> =
            decode_page(&resp(200, include_str!("../tests/fixtures/invitations-sent.page0.json")), NOW).unwrap();
        assert_eq!(sent.items.len(), 1, "trust the array, not count: 10");
        assert_eq!(sent.items[0].invitation_id, "7897046780350316544");
        assert_eq!(sent.items[0].profile.profile_url.as_deref(), Some("https://www.linkedin.com/in/johndoe"));
        assert_eq!(sent.echoed_start, Some(0));
        assert_eq!(sent.account_id.as_deref(), Some("696ce9e780e0483585e4e553"));

        let recv: Page<ReceivedInvitation> =
            decode_page(&resp(200, include_str!("../tests/fixtures/invitations-received.page0.json")), NOW).unwrap();
        let cats: Vec<&str> = recv.items.iter().map(|i| i.invitation_category.as_str()).collect();
        assert_eq!(cats, ["ORGANIZATION", "CONNECTION", "NEWSLETTER"]);
        assert_eq!(recv.items[0].company_name.as_deref(), Some("ZenX8Studio"));
        assert_eq!(recv.items[0].member_id, None);
        assert!(recv.items[1].message.as_deref().unwrap().starts_with("Hi, we met"));

        let conns: Page<Connection> =
            decode_page(&resp(200, include_str!("../tests/fixtures/connections.page0.json")), NOW).unwrap();
        assert_eq!(conns.items.len(), 2);
        assert_eq!(conns.items[1].vanity_name.as_deref(), Some("janesmith"));

        let accounts: Vec<Account> = decode(&resp(200, include_str!("../tests/fixtures/accounts.json")), NOW).unwrap();
        assert_eq!(accounts[0].id, "60d21b4667d0d8992e610c85");
        assert_eq!(accounts[0].api_seat_allocated, Some(true));
    }

    #[test]
    fn decodes_the_newer_edition_examples() {
        let recv: Page<ReceivedInvitation> =
            decode_page(&resp(200, include_str!("../tests/fixtures/invitations-received.newer.json")), NOW).unwrap();
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
            serde_json::from_str(r#"{"invitationId":"1","customMessage":"Hi from the newer API"}"#).unwrap();
        assert_eq!(with_note.note(), Some("Hi from the newer API"));
        let old_note: ReceivedInvitation = serde_json::from_str(r#"{"invitationId":"1","message":"Hi"}"#).unwrap();
        assert_eq!(old_note.note(), Some("Hi"));

        let conns: Page<Connection> =
            decode_page(&resp(200, include_str!("../tests/fixtures/connections.newer.json")), NOW).unwrap();
        assert_eq!((conns.items.len(), conns.end_of_list), (2, Some(false)));
        let old: Page<Connection> =
            decode_page(&resp(200, include_str!("../tests/fixtures/connections.page0.json")), NOW).unwrap();
        assert_eq!(old.end_of_list, None, "the older edition says nothing");

        let accounts: Vec<Account> = decode(&resp(200, include_str!("../tests/fixtures/accounts.newer.json")), NOW).unwrap();
        assert_eq!((accounts[0].enabled, accounts[0].attention()), (Some(true), None));
        assert_eq!((accounts[1].picture.as_deref(), accounts[1].attention()), (None, Some("no_seat")));

        let e = decode_page::<ReceivedInvitation>(
            &resp(502, include_str!("../tests/fixtures/invitations-unavailable.newer.json")),
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
        let fixtures: Value = serde_json::from_str(include_str!("../tests/fixtures/errors.json")).unwrap();
        let mut got = Vec::new();
        for ex in fixtures["examples"].as_array().unwrap() {
            let status = ex["status"].as_u64().unwrap() as u16;
            let body = match &ex["body"] {
                Value::String(s) => s.clone(),
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
    fn wrong_types_name_the_json_path() {
        let body = r#"{"success":true,"invitations":[{"invitationId":"1"},{"invitationId":"2","profile":{"firstName":7}}]}"#;
        match decode_page::<SentInvitation>(&resp(200, body), NOW).unwrap_err() {
            Error::Decode { path, status, .. } => {
                assert_eq!(path, "invitations[1].profile.firstName");
                assert_eq!(status, 200);
            }
            other => panic!("{other:?}"),
        }
        let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":true,"invitations":"none"}"#), NOW).unwrap_err();
        assert!(e.to_string().contains("at invitations"), "{e}");
        let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":true}"#), NOW).unwrap_err();
        assert!(e.to_string().contains("missing field `invitations`"), "{e}");
    }

    #[test]
    fn decode_paths_point_at_the_first_failure() {
        let path = |body: &str| match decode_page::<ReceivedInvitation>(&resp(200, body), NOW).unwrap_err() {
            Error::Decode { path, .. } => path,
            other => panic!("{other:?}"),
        };
        // A missing required field is the element's own error.
        assert_eq!(path(r#"{"invitations":[{"invitationId":"1"},{"id":"2"}]}"#), "invitations[1]");
        // A wrong type on a required field, after an innocent sibling.
        assert_eq!(path(r#"{"invitations":[{"invitationId":1.5,"profile":{}}]}"#), "invitations[0].invitationId");
        // Two bad elements: the first one, as serde reports it.
        assert_eq!(
            path(r#"{"invitations":[{"invitationId":"1"},{"invitationId":"2","profile":{"lastName":[]}},{"invitationId":"3","profile":{"lastName":[]}}]}"#),
            "invitations[1].profile.lastName"
        );
        assert_eq!(path(r#"{"invitations":[{"invitationId":"1","invitationCategory":7}]}"#), "invitations[0].invitationCategory");
        assert_eq!(path(r#"{"invitations":[{"invitationId":"1","profile":"x"}]}"#), "invitations[0].profile");
        assert_eq!(path(r#"{"accountId":"a","success":true}"#), "");
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
}
