//! Pure decoding of HTTP responses into typed pages or typed errors.
//!
//! No I/O here: [`decode_page`] takes a status, the few headers that matter and the body
//! text, so native tests reach every branch. The HTTP status decides the kind of error;
//! the body (any of the documented error shapes, or not JSON at all) only supplies the
//! message.
//!
//! A list page is read **item by item**: an item that cannot be read (no id, a number
//! where a name belongs) is skipped and counted in [`Page::skipped`] with the JSON path
//! of the problem, and the page, the walk and the sync go on. Only a broken envelope —
//! a body that is not JSON, larger than [`MAX_BODY_BYTES`], or whose list is not a list
//! — is an [`Error::Decode`] for the whole page.

use crate::error::Error;
use crate::json::{decimal, parse, FromJson, Json, JsonObject, Obj, Path, ReadError, ToJson};
use crate::time::{parse_iso8601_ms, parse_reset_ms, parse_retry_after_ms};

/// The largest response body the client reads (5 MB): a page of 25 invitations is a
/// few kilobytes, so anything larger is a typed error, not a reason to run out of memory.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// The most characters of server text an error message keeps.
const MAX_MESSAGE: usize = 300;

/// How many reasons a [`Skips`] keeps (the count goes on).
pub const MAX_SKIP_REASONS: usize = 5;

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

/// Items of a list that could not be read: how many, and the first few reasons with
/// their JSON paths (`invitations[3].profile.firstName: expected text, found a number`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skips {
    /// Items skipped.
    pub count: u32,
    /// The first [`MAX_SKIP_REASONS`] reasons.
    pub reasons: Vec<String>,
}

impl ToJson for Skips {
    fn write_json(&self, out: &mut String) {
        let mut o = JsonObject::new(out);
        o.field("count", &self.count);
        o.field("reasons", &self.reasons);
        o.end();
    }
}

impl Skips {
    /// Counts one more skipped item.
    pub fn add(&mut self, reason: &ReadError) {
        self.count = self.count.saturating_add(1);
        if self.reasons.len() < MAX_SKIP_REASONS {
            self.reasons.push(reason.describe());
        }
    }

    /// Adds another list's skips (e.g. the next page's) to these.
    pub fn merge(&mut self, other: Skips) {
        self.count = self.count.saturating_add(other.count);
        let room = MAX_SKIP_REASONS.saturating_sub(self.reasons.len());
        self.reasons.extend(other.reasons.into_iter().take(room));
    }

    /// Whether nothing was skipped.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl FromJson for Skips {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        let reasons: Vec<String> = o.nested::<Vec<String>>("reasons").unwrap_or_default().unwrap_or_default();
        Ok(Skips {
            count: o.count("count").and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
            reasons: reasons.into_iter().take(MAX_SKIP_REASONS).collect(),
        })
    }
}

impl FromJson for String {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        match value {
            Json::Str(s) => Ok(s.clone()),
            other => Err(ReadError::expected(path, "text", other)),
        }
    }
}

/// One page of a list as the server sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items that could be read, in server order.
    pub items: Vec<T>,
    /// How many elements the page's list held, readable or not: the paginator advances
    /// by this, so unreadable items never make a page look short or empty.
    pub raw_len: usize,
    /// The elements that could not be read.
    pub skipped: Skips,
    /// The `startIndex` the server echoed, if it did.
    pub echoed_start: Option<u32>,
    /// The account that served the page, if the server said.
    pub account_id: Option<String>,
    /// The newer API edition's `endOfList` flag (received invitations and connections),
    /// `None` when the server did not send it (older deployments, sent invitations).
    pub end_of_list: Option<bool>,
}

impl<T> Page<T> {
    /// A page of readable items only (tests and callers that build pages).
    pub fn of(items: Vec<T>) -> Page<T> {
        Page { raw_len: items.len(), items, skipped: Skips::default(), echoed_start: None, account_id: None, end_of_list: None }
    }
}

/// Reads every element of a JSON list as `T`, skipping (and counting) the ones that
/// cannot be read.
pub fn read_items<T: FromJson>(list: &[Json], path: &Path<'_>) -> (Vec<T>, Skips) {
    let mut items = Vec::with_capacity(list.len());
    let mut skipped = Skips::default();
    for (i, element) in list.iter().enumerate() {
        match T::from_json(element, &Path::Index(path, i)) {
            Ok(item) => items.push(item),
            Err(e) => skipped.add(&e),
        }
    }
    (items, skipped)
}

fn envelope_error(status: u16, e: ReadError) -> Error {
    Error::Decode { status, path: e.path, message: e.message }
}

/// The object of a page body; a one-element array around it is tolerated.
fn unwrap_array(value: &Json) -> &Json {
    match value {
        Json::Arr(items) if items.len() == 1 => items.first().filter(|v| matches!(v, Json::Obj(_))).unwrap_or(value),
        _ => value,
    }
}

/// Decodes a list page (`{"invitations": [...]}` or `{"connections": [...]}`), or the
/// error the response stands for.
///
/// # Errors
/// [`Error::Api`] / [`Error::RateLimited`] for error statuses and `success: false`;
/// [`Error::Decode`] for a broken envelope (not JSON, too large, no list). Unreadable
/// items are not errors: see [`Page::skipped`].
pub fn decode_page<T: FromJson>(resp: &RawResponse, now_ms: f64) -> Result<Page<T>, Error> {
    page_from_json(resp.status, &parse_success(resp, now_ms)?)
}

/// Reads a list page from the parsed body of a 2xx response ([`parse_success`]);
/// `status` is the response's, for the errors.
///
/// # Errors
/// [`Error::Decode`] for a broken envelope, as [`decode_page`].
pub fn page_from_json<T: FromJson>(status: u16, value: &Json) -> Result<Page<T>, Error> {
    let root = Path::Root;
    let o = Obj::new(unwrap_array(value), &root).map_err(|e| envelope_error(status, e))?;
    let key = if o.get("invitations").is_some() || o.get("connections").is_none() { "invitations" } else { "connections" };
    let list_path = Path::Key(&root, key);
    let (items, skipped) = match o.get(key) {
        Some(Json::Arr(list)) => read_items(list, &list_path),
        Some(other) => return Err(envelope_error(status, ReadError::expected(&list_path, "a list", other))),
        None => {
            return Err(Error::Decode {
                status,
                path: String::new(),
                message: "no `invitations` or `connections` list in the body".into(),
            })
        }
    };
    let raw_len = match o.get(key) {
        Some(Json::Arr(list)) => list.len(),
        _ => 0,
    };
    Ok(Page {
        items,
        raw_len,
        skipped,
        echoed_start: o.count("startIndex").and_then(|n| u32::try_from(n).ok()),
        account_id: o.text("accountId").ok().flatten(),
        end_of_list: o.flag("endOfList"),
    })
}

/// Decodes a whole body as `T` (e.g. the connection count), or the error the response
/// stands for.
///
/// # Errors
/// As [`decode_page`]; a body that cannot be read as `T` is an [`Error::Decode`]
/// naming the path.
pub fn decode<T: FromJson>(resp: &RawResponse, now_ms: f64) -> Result<T, Error> {
    let value = parse_success(resp, now_ms)?;
    read_json(resp.status, &value)
}

/// Decodes a body that is a bare list of `T` (e.g. `GET /accounts`), or that list
/// under `key` (`{"accounts": [...]}`), item by item as [`decode_page`] does.
///
/// # Errors
/// As [`decode_page`].
pub fn decode_list<T: FromJson>(resp: &RawResponse, now_ms: f64, key: &str) -> Result<(Vec<T>, Skips), Error> {
    list_from_json(resp.status, &parse_success(resp, now_ms)?, key)
}

/// Reads a bare list of `T`, or that list under `key`, from the parsed body of a 2xx
/// response ([`parse_success`]), as [`decode_list`].
///
/// # Errors
/// [`Error::Decode`] when the body holds no such list.
pub fn list_from_json<T: FromJson>(status: u16, value: &Json, key: &str) -> Result<(Vec<T>, Skips), Error> {
    let root = Path::Root;
    let keyed = Path::Key(&root, key);
    match (value, value.get(key)) {
        (Json::Arr(list), _) => Ok(read_items(list, &root)),
        (_, Some(Json::Arr(list))) => Ok(read_items(list, &keyed)),
        (other, _) => Err(envelope_error(status, ReadError::expected(&root, "a list", other))),
    }
}

/// Reads a parsed JSON value as `T`. Every typed value of the crate is read through
/// this one function or [`read_items`] (API bodies with their status; values from
/// JavaScript with status 0).
///
/// # Errors
/// [`Error::Decode`] with the JSON path of the first failure (`profile.firstName`).
pub fn read_json<T: FromJson>(status: u16, value: &Json) -> Result<T, Error> {
    T::from_json(value, &Path::Root).map_err(|e| envelope_error(status, e))
}

/// The JSON of a 2xx response, or the error the response stands for: an error status,
/// a body too large or not JSON, or `success: false`. Every error a retry may cure comes
/// from here; reading typed values from the JSON afterwards ([`page_from_json`],
/// [`list_from_json`], [`read_json`]) fails only as [`Error::Decode`].
///
/// # Errors
/// As [`decode_page`].
pub fn parse_success(resp: &RawResponse, now_ms: f64) -> Result<Json, Error> {
    if !(200..300).contains(&resp.status) {
        return Err(error_from_response(resp, now_ms));
    }
    if resp.body.len() > MAX_BODY_BYTES {
        return Err(Error::Decode {
            status: resp.status,
            path: String::new(),
            message: [
                "the body is larger than ",
                &decimal((MAX_BODY_BYTES / (1024 * 1024)) as u64),
                " MB (",
                &decimal(resp.body.len() as u64),
                " bytes)",
            ]
            .concat(),
        });
    }
    let value = parse(&resp.body).map_err(|e| Error::Decode {
        status: resp.status,
        path: String::new(),
        message: if resp.body.trim_start().starts_with('<') || e.offset == 0 || resp.body.trim().is_empty() {
            ["the body is not JSON (", &excerpt(&resp.body), ")"].concat()
        } else {
            ["malformed JSON: ", &e.describe()].concat()
        },
    })?;
    if matches!(value.get("success"), Some(Json::Bool(false))) {
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
    let parsed = if resp.body.len() <= MAX_BODY_BYTES { parse(&resp.body).ok() } else { None };
    let (message, code, hold_until) = match parsed {
        Some(v) => body_message(&v),
        None => {
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

/// Message, code and `holdUntil` from any documented error body shape (E1–E5, and the
/// newer `{success: false, code, message}`).
fn body_message(v: &Json) -> (Option<String>, Option<String>, Option<String>) {
    let text = |key: &str| v.get(key).and_then(Json::as_str).map(str::trim).filter(|s| !s.is_empty());
    let message = text("message").map(clip).or_else(|| match v.get("error") {
        Some(Json::Str(s)) if !s.trim().is_empty() => Some(clip(s.trim())),
        Some(error @ Json::Obj(_)) => {
            let issues: Vec<String> = match error.get("issues") {
                Some(Json::Arr(list)) => list.iter().filter_map(zod_issue).collect(),
                _ => Vec::new(),
            };
            if issues.is_empty() {
                error.get("message").and_then(Json::as_str).map(clip)
            } else {
                Some(clip(&join(&issues, "; ")))
            }
        }
        _ => None,
    });
    (message, text("code").map(clip), text("holdUntil").map(str::to_string))
}

fn zod_issue(issue: &Json) -> Option<String> {
    let message = issue.get("message")?.as_str()?;
    let path: Vec<String> = match issue.get("path") {
        Some(Json::Arr(p)) => p.iter().map(|s| s.as_str().map_or_else(|| s.to_text(), str::to_string)).collect(),
        _ => Vec::new(),
    };
    Some(if path.is_empty() { message.to_string() } else { [join(&path, ".").as_str(), ": ", message].concat() })
}

/// `parts` joined by `sep` (`[String]::join` would compile a second copy of the
/// joining code beside the one `[&str]::concat` uses).
fn join(parts: &[String], sep: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part);
    }
    out
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
        short + "…"
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
            crate::json::from_value(serde_json::json!({"invitationId":"1","customMessage":"Hi from the newer API"})).unwrap();
        assert_eq!(with_note.note(), Some("Hi from the newer API"));
        let old_note: ReceivedInvitation = crate::json::from_value(serde_json::json!({"invitationId":"1","message":"Hi"})).unwrap();
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
        let fixtures: serde_json::Value = serde_json::from_str(include_str!("../tests/fixtures/errors.json")).unwrap();
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
        assert_eq!(page.raw_len, 7);
        assert_eq!(page.skipped.count, 5);
        assert_eq!(
            page.skipped.reasons,
            [
                "invitations[1].profile.firstName: invalid type: integer `7`, expected text",
                "invitations[2]: missing field `invitationId`",
                "invitations[4]: invalid type: string \"junk\", expected struct ReceivedInvitation",
                "invitations[5].invitationId: invalid type: floating point `1.5`, expected an id (text or a whole number)",
                "invitations[6].invitationCategory: invalid type: integer `7`, expected a string",
            ]
        );
        // More than MAX_SKIP_REASONS: the count goes on, the reasons stop.
        let many = format!(r#"{{"invitations":[{}]}}"#, ["{}"; 12].join(","));
        let page = decode_page::<SentInvitation>(&resp(200, &many), NOW).unwrap();
        assert_eq!((page.items.len(), page.skipped.count, page.skipped.reasons.len()), (0, 12, MAX_SKIP_REASONS));
    }

    #[test]
    fn only_a_broken_envelope_fails_the_page() {
        let e = decode_page::<SentInvitation>(&resp(200, r#"{"success":true,"invitations":"none"}"#), NOW).unwrap_err();
        assert_eq!(e.to_string(), "unreadable response at invitations: expected a list, found text");
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
