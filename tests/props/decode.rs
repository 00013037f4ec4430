//! Decoders, error bodies and rate-limit headers over any response.
//!
//! Properties: nothing panics; an error status is always an error of that status (a
//! 429 the rate-limit error, every other the API error); a page comes only from a 2xx;
//! decoded items hold no blank text and a non-blank id; decoding is deterministic; items
//! written back to JSON decode to themselves (the saved snapshot); error messages keep
//! at most 300 characters of server text; retry times are finite.

use super::text::Text;
use arbitrary::{Arbitrary, Result, Unstructured};
use pending_core::api::decode::{decode, decode_page, error_from_response, RateHeaders, RawResponse};
use pending_core::api::time::{parse_reset_ms, parse_retry_after_ms};
use pending_core::{Account, Connection, Error, Page, ReceivedInvitation, SentInvitation};
use serde_json::{Map, Value};
use std::fmt::Debug;

/// The clock reading the decoders get.
pub const NOW: f64 = 1_777_300_000_000.0;

/// The longest server text an error message keeps: 300 characters and an ellipsis.
pub const MAX_MESSAGE_CHARS: usize = 301;

/// Every [`Error::kind`].
pub const KINDS: &[&str] = &[
    "invalid_input", "network", "timeout", "cancelled", "unauthorized", "forbidden", "no_account", "bad_request",
    "server", "http", "api", "unavailable", "rate_limited", "decode", "pagination",
];

/// The fuzz targets' response format, plain text so that seeds can be written by hand:
/// a status line of three digits, header lines `name: value` (the rate-limit headers,
/// by their HTTP names), an empty line, then the body. Text that does not start with a
/// status line is the body of a 200 without headers, so an API example is a seed as
/// it stands.
pub fn response_from_bytes(data: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(data);
    let b = text.as_bytes();
    if b.len() < 4 || !b[..3].iter().all(u8::is_ascii_digit) || b[3] != b'\n' {
        return RawResponse { status: 200, headers: RateHeaders::default(), body: text.into_owned() };
    }
    let status: u16 = text[..3].parse().unwrap_or(200);
    let mut rest = &text[4..];
    let mut lines: Vec<(String, String)> = Vec::new();
    let body = loop {
        let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            break tail;
        }
        if let Some((name, value)) = line.split_once(':') {
            lines.push((name.trim().to_ascii_lowercase(), value.strip_prefix(' ').unwrap_or(value).to_string()));
        }
        if tail.is_empty() {
            break "";
        }
        rest = tail;
    };
    let headers = RateHeaders::from_lookup(|name| lines.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()));
    RawResponse { status, headers, body: body.to_string() }
}

/// `RateHeaders` from up to four lines: limit, remaining, reset, retry-after.
pub fn headers_from_bytes(data: &[u8]) -> RateHeaders {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n').map(str::to_string);
    RateHeaders { limit: lines.next(), remaining: lines.next(), reset: lines.next(), retry_after: lines.next() }
}

/// A list item type and how its pages decode (through the crate's public decoder, with
/// the concrete type, whatever bound the decoder has).
pub trait Item: serde::Serialize + PartialEq + Debug + Sized {
    /// The field that must hold a non-blank id, if the type has one.
    const ID: Option<&'static str>;
    /// `decode_page::<Self>`.
    fn page(resp: &RawResponse) -> Result<Page<Self>, Error>;
}

impl Item for SentInvitation {
    const ID: Option<&'static str> = Some("invitationId");
    fn page(resp: &RawResponse) -> Result<Page<Self>, Error> {
        decode_page::<SentInvitation>(resp, NOW)
    }
}

impl Item for ReceivedInvitation {
    const ID: Option<&'static str> = Some("invitationId");
    fn page(resp: &RawResponse) -> Result<Page<Self>, Error> {
        decode_page::<ReceivedInvitation>(resp, NOW)
    }
}

impl Item for Connection {
    const ID: Option<&'static str> = None;
    fn page(resp: &RawResponse) -> Result<Page<Self>, Error> {
        decode_page::<Connection>(resp, NOW)
    }
}

fn is_2xx(status: u16) -> bool {
    (200..300).contains(&status)
}

/// A list page decoder on one response.
pub fn check_page<T: Item>(resp: &RawResponse) {
    let got = T::page(resp);
    assert_eq!(got, T::page(resp), "decoding is deterministic");
    match &got {
        Ok(page) => {
            assert!(is_2xx(resp.status), "a page from status {}", resp.status);
            for item in &page.items {
                check_item_json(item, T::ID);
            }
            // What the extension saves (items as JSON) reads back as the same items.
            let body = format!(r#"{{"invitations":{}}}"#, serde_json::to_string(&page.items).unwrap());
            let again = T::page(&RawResponse { status: 200, headers: RateHeaders::default(), body });
            assert_eq!(again.as_ref().map(|p| &p.items), Ok(&page.items), "items survive a JSON round trip");
        }
        Err(e) => check_error(e, resp),
    }
}

/// The accounts decoder (`GET /accounts`: a bare array) on one response.
pub fn check_accounts(resp: &RawResponse) {
    let got = decode::<Vec<Account>>(resp, NOW);
    assert_eq!(got, decode::<Vec<Account>>(resp, NOW), "decoding is deterministic");
    match &got {
        Ok(accounts) => {
            assert!(is_2xx(resp.status), "accounts from status {}", resp.status);
            for a in accounts {
                check_item_json(a, Some("id"));
                check_account(a);
            }
        }
        Err(e) => check_error(e, resp),
    }
}

/// Accounts with every status word and flag the API sends (and near misses).
#[derive(Debug, Clone, Arbitrary)]
pub struct AccountsCase {
    accounts: Vec<AccountFields>,
}

/// One account's fields.
#[derive(Debug, Clone, Arbitrary)]
pub struct AccountFields {
    id: u8,
    status: Option<u8>,
    enabled: Option<bool>,
    seat: Option<bool>,
}

impl AccountsCase {
    /// The `GET /accounts` answer.
    pub fn response(&self) -> RawResponse {
        let list: Vec<Value> = self
            .accounts
            .iter()
            .map(|a| {
                let mut o = Map::new();
                o.insert("id".into(), Value::String(format!("60d21b4667d0d8992e61{:04}", a.id)));
                if let Some(s) = a.status {
                    o.insert("status".into(), Value::String(WORDS[usize::from(s) % WORDS.len()].to_string()));
                }
                if let Some(e) = a.enabled {
                    o.insert("enabled".into(), Value::Bool(e));
                }
                if let Some(s) = a.seat {
                    o.insert("apiSeatAllocated".into(), Value::Bool(s));
                }
                Value::Object(o)
            })
            .collect();
        RawResponse { status: 200, headers: RateHeaders::default(), body: Value::Array(list).to_string() }
    }
}

/// What the options page shows and allows for an account agree: an account marked
/// disabled, seatless or failing cannot be chosen, and every other one can.
pub fn check_account(a: &Account) {
    let attention = a.attention();
    assert!(
        matches!(attention, None | Some("disabled" | "no_seat" | "warmup" | "error" | "unknown" | "in_use" | "other")),
        "attention {attention:?}"
    );
    let blocked = matches!(attention, Some("disabled" | "no_seat" | "error"));
    assert_eq!(a.is_usable(), !blocked, "usable vs attention {attention:?} for {a:?}");
}

/// An item as JSON: no blank text anywhere (`""` reads as absent), a non-blank id.
fn check_item_json<T: serde::Serialize + Debug>(item: &T, id: Option<&str>) {
    let v: Value = serde_json::to_value(item).expect("items are written as JSON");
    if let Some(id) = id {
        let text = v.get(id).and_then(Value::as_str).unwrap_or_default();
        assert!(!text.trim().is_empty(), "blank {id} in {item:?}");
    }
    fn walk(key: &str, v: &Value) {
        match v {
            // A missing category is written as "" (the API's own spelling of none).
            Value::String(s) if key != "invitationCategory" => assert!(!s.trim().is_empty(), "blank {key}"),
            Value::Object(o) => o.iter().for_each(|(k, v)| walk(k, v)),
            Value::Array(a) => a.iter().for_each(|v| walk(key, v)),
            _ => {}
        }
    }
    walk("", &v);
}

/// An error made from a response: its kind, status, retry time and message size.
pub fn check_error(e: &Error, resp: &RawResponse) {
    assert!(KINDS.contains(&e.kind()), "unknown kind {}", e.kind());
    assert_eq!(e.status(), Some(resp.status), "the error keeps the response's status: {e:?}");
    if is_2xx(resp.status) {
        assert!(matches!(e, Error::Api { .. } | Error::Decode { .. }), "a 2xx fails as api or decode: {e:?}");
    } else {
        assert!(matches!(e, Error::Api { .. } | Error::RateLimited { .. }), "an error status is an API error: {e:?}");
        assert_eq!(matches!(e, Error::RateLimited { .. }), resp.status == 429, "429 and only 429 is rate limited");
    }
    if let Some(at) = e.retry_at_ms() {
        assert!(at.is_finite(), "retry time {at}");
    }
    if let Error::Api { message, .. } | Error::RateLimited { message, .. } = e {
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "message of {} chars", message.chars().count());
    }
    assert!(!e.to_string().is_empty());
    serde_json::to_value(e.report()).expect("the report is JSON");
}

/// `error_from_response` on one response (any status, 2xx included).
pub fn check_error_response(resp: &RawResponse) {
    let e = error_from_response(resp, NOW);
    assert_eq!(e, error_from_response(resp, NOW), "deterministic");
    assert!(KINDS.contains(&e.kind()), "unknown kind {}", e.kind());
    assert_eq!(e.status(), Some(resp.status), "{e:?}");
    assert_eq!(matches!(e, Error::RateLimited { .. }), resp.status == 429, "{e:?}");
    assert!(matches!(e, Error::Api { .. } | Error::RateLimited { .. }), "{e:?}");
    if let Error::Api { message, .. } | Error::RateLimited { message, .. } = &e {
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "message of {} chars", message.chars().count());
    }
    if let Some(at) = e.retry_at_ms() {
        assert!(at.is_finite(), "retry time {at}");
    }
    if e.is_unavailable() {
        assert!(e.is_retryable(), "an unavailable answer is retried");
    }
}

/// The rate-limit headers: a finite reset time, `X-RateLimit-Reset` before
/// `Retry-After`, and "exhausted" exactly when `X-RateLimit-Remaining` is a whole
/// number at most 0.
pub fn check_rate_headers(h: &RateHeaders, now: f64) {
    let at = h.reset_at_ms(now);
    if let Some(at) = at {
        assert!(at.is_finite(), "reset at {at}");
    }
    let from_reset = h.reset.as_deref().and_then(parse_reset_ms);
    let from_retry = h.retry_after.as_deref().and_then(|r| parse_retry_after_ms(r, now));
    assert_eq!(at, from_reset.or(from_retry), "reset header first, then Retry-After");
    let remaining = h.remaining.as_deref().map(str::trim).and_then(|r| r.parse::<i64>().ok());
    assert_eq!(h.exhausted(), remaining.is_some_and(|r| r <= 0), "exhausted for remaining {:?}", h.remaining);
    let rebuilt = RateHeaders::from_lookup(|name| match name {
        "x-ratelimit-limit" => h.limit.clone(),
        "x-ratelimit-remaining" => h.remaining.clone(),
        "x-ratelimit-reset" => h.reset.clone(),
        "retry-after" => h.retry_after.clone(),
        other => panic!("asked for an unknown header {other}"),
    });
    assert_eq!(&rebuilt, h);
}

/// The API examples, as the generators' starting points.
pub const FIXTURES: &[&str] = &[
    include_str!("../fixtures/accounts.json"),
    include_str!("../fixtures/accounts.newer.json"),
    include_str!("../fixtures/connections-count.newer.json"),
    include_str!("../fixtures/connections.newer.json"),
    include_str!("../fixtures/connections.page0.json"),
    include_str!("../fixtures/invitations-received.newer.json"),
    include_str!("../fixtures/invitations-received.page0.json"),
    include_str!("../fixtures/invitations-sent.page0.json"),
    include_str!("../fixtures/invitations-unavailable.newer.json"),
];

/// The documented error bodies (`tests/fixtures/errors.json`), with their statuses.
pub fn error_examples() -> Vec<(u16, String)> {
    let v: Value = serde_json::from_str(include_str!("../fixtures/errors.json")).expect("errors.json");
    v["examples"]
        .as_array()
        .expect("examples")
        .iter()
        .map(|ex| {
            let body = match &ex["body"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (ex["status"].as_u64().unwrap_or(500) as u16, body)
        })
        .collect()
}

/// Field names the API uses, for mutations that put the wrong thing in the right place.
const KEYS: &[&str] = &[
    "invitations", "connections", "accounts", "startIndex", "count", "endOfList", "accountId", "success", "error",
    "message", "code", "holdUntil", "issues", "path", "invitationId", "invitationUrn", "memberId", "memberUrn",
    "invitationCategory", "linkedInInvitationType", "validationToken", "sentAt", "receivedAt", "companyName",
    "newsletterName", "customMessage", "profile", "firstName", "lastName", "headline", "profileUrl",
    "publicIdentifier", "vanityName", "connectedDate", "id", "status", "enabled", "apiSeatAllocated", "picture",
    "publicId", "ageSecs", "connectionCount",
];

/// Values the API sends, and their near misses.
const WORDS: &[&str] = &[
    "", " ", "true", "false", "TRUE", "12", "-1", "7455891636745551899", "null", "AVAILABLE", "WARMUP", "ERROR",
    "error", " Error ", "UNKNOWN", "IN_USE", "CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW",
    " CONNECTION ", "GROUP", "GenericInvitationType_CONNECTION", "INVITATIONS_UNAVAILABLE", "connections_unavailable",
    "2 days ago", "Connected on Feb 15, 2024", "2026-04-27T15:42:11Z", "https://www.linkedin.com/in/ava",
    "javascript:alert(1)", "<b>x</b>",
];

/// A response for the property tests: an API example (or error body) with random
/// structural damage, a status and rate-limit headers.
#[derive(Debug, Clone)]
pub struct DecodeCase {
    /// The response.
    pub response: RawResponse,
}

impl<'a> Arbitrary<'a> for DecodeCase {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let examples = error_examples();
        let (mut status, base) = if u.ratio(1, 4)? {
            let (s, b) = u.choose(&examples)?.clone();
            (s, b)
        } else {
            (200, u.choose(FIXTURES)?.to_string())
        };
        if u.ratio(1, 5)? {
            status = *u.choose(&[200u16, 201, 204, 299, 300, 400, 401, 403, 404, 418, 429, 500, 502, 503, 504])?;
        }
        if u.ratio(1, 20)? {
            status = u.arbitrary()?;
        }
        let body = match serde_json::from_str::<Value>(&base) {
            Ok(mut v) => {
                for _ in 0..u.int_in_range(0..=6)? {
                    mutate(&mut v, u, 0)?;
                }
                let text = v.to_string();
                match u.int_in_range(0..=9)? {
                    0 => cut(&text, u)?,
                    1 => format!("<html><body>{}</body></html>", Text::arbitrary(u)?.0),
                    2 => Text::arbitrary(u)?.0,
                    _ => text,
                }
            }
            Err(_) => base,
        };
        let header = |u: &mut Unstructured<'a>| -> Result<Option<String>> {
            Ok(match u.int_in_range(0..=5)? {
                0 => Some(Text::arbitrary(u)?.0),
                1 => Some(u.int_in_range(0..=120u32)?.to_string()),
                2 => Some(u.choose(&["0", "-1", " 0 ", "2026-04-28T00:00:00Z", "1777334400", "Wed, 21 Oct 2015 07:28:00 GMT"])?.to_string()),
                _ => None,
            })
        };
        let headers = RateHeaders { limit: header(u)?, remaining: header(u)?, reset: header(u)?, retry_after: header(u)? };
        Ok(DecodeCase { response: RawResponse { status, headers, body } })
    }
}

/// The text cut at a random character boundary (a truncated body).
fn cut(text: &str, u: &mut Unstructured<'_>) -> Result<String> {
    let n = text.chars().count();
    let keep = u.int_in_range(0..=n)?;
    Ok(text.chars().take(keep).collect())
}

/// A random JSON value, small.
fn random_value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => Value::from(u.arbitrary::<u64>()?),
        4 => serde_json::Number::from_f64(u.arbitrary::<f64>()?).map_or(Value::Null, Value::Number),
        5 if depth < 3 => {
            let mut a = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                a.push(random_value(u, depth + 1)?);
            }
            Value::Array(a)
        }
        6 if depth < 3 => {
            let mut m = Map::new();
            for _ in 0..u.int_in_range(0..=3)? {
                m.insert(u.choose(KEYS)?.to_string(), random_value(u, depth + 1)?);
            }
            Value::Object(m)
        }
        7 => Value::String(u.choose(WORDS)?.to_string()),
        _ => Value::String(Text::arbitrary(u)?.0),
    })
}

/// One random change somewhere in `v`: replace a node, drop, add or duplicate a member.
fn mutate(v: &mut Value, u: &mut Unstructured<'_>, depth: u32) -> Result<()> {
    if depth > 8 {
        return Ok(());
    }
    match v {
        Value::Object(o) if !o.is_empty() && u.ratio(3, 4)? => {
            let k = o.keys().nth(u.choose_index(o.len())?).cloned().unwrap_or_default();
            match u.int_in_range(0..=5)? {
                0 => {
                    o.remove(&k);
                }
                1 => {
                    o.insert(u.choose(KEYS)?.to_string(), random_value(u, 0)?);
                }
                _ => {
                    if let Some(child) = o.get_mut(&k) {
                        mutate(child, u, depth + 1)?;
                    }
                }
            }
        }
        Value::Array(a) if !a.is_empty() && u.ratio(3, 4)? => {
            let i = u.choose_index(a.len())?;
            match u.int_in_range(0..=5)? {
                0 => {
                    a.remove(i);
                }
                1 => {
                    let copy = a[i].clone();
                    a.push(copy);
                }
                2 => a.push(random_value(u, 0)?),
                _ => mutate(&mut a[i], u, depth + 1)?,
            }
        }
        _ => *v = random_value(u, 0)?,
    }
    Ok(())
}

/// A JSON text with lone and paired surrogate escapes, escaped backslashes and nesting
/// spliced in: what the pre-pass ([`pending_core::api::decode::repair`]) must get right.
#[derive(Debug, Clone)]
pub struct SurrogateText(pub String);

impl<'a> Arbitrary<'a> for SurrogateText {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        const PIECES: &[&str] = &[
            "\\ud83d", "\\ude00", "\\ud83d\\ude00", "\\uD800", "\\uDFFF", "\\u0041", "\\\\", "\\\\ud83d", "\\\"", "\\n",
            "\\u12", "\\u", "\\", "\"", "[", "]", "{", "}", ":", ",", "a", "é", "😀", "null", "1",
        ];
        let mut s = String::from("[\"");
        for _ in 0..u.int_in_range(0..=24)? {
            s.push_str(u.choose(PIECES)?);
        }
        if u.arbitrary()? {
            s.push_str("\"]");
        }
        Ok(SurrogateText(s))
    }
}

/// The pre-pass on any text: it never panics; it changes nothing but lone surrogate
/// escapes (each becomes `\ufffd`), so text without one comes back as it is; it is
/// idempotent; what it leaves never fails serde_json for a surrogate; and it refuses
/// exactly the texts nested deeper than [`pending_core::api::decode::MAX_DEPTH`] outside
/// strings.
pub fn check_repair(text: &str) {
    use pending_core::api::decode::{repair, Repair};
    match repair(text) {
        Ok(fixed) => {
            assert_eq!(repair(&fixed).as_deref(), Ok(&*fixed), "idempotent");
            assert_eq!(fixed.len(), text.len(), "\\uXXXX becomes \\ufffd: the same length");
            if let Err(e) = serde_json::from_str::<Value>(&fixed) {
                let m = e.to_string();
                assert!(!m.contains("surrogate"), "{m} after repair of {text:?}");
            }
            if serde_json::from_str::<Value>(text).is_ok() {
                assert_eq!(&*fixed, text, "valid JSON (paired surrogates only) is left alone");
            }
        }
        Err(Repair::TooDeep) => assert!(text.matches(['[', '{']).count() > pending_core::api::decode::MAX_DEPTH),
    }
}
