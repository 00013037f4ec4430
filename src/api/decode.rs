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

use crate::api::error::Error;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::BTreeMap;
use crate::api::time::{parse_iso8601_ms, parse_reset_ms, parse_retry_after_ms};

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
/// their JSON paths (`invitations[3].profile.firstName: invalid type: …`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, tsify::Tsify)]
#[serde(try_from = "serde_json::Map<String, Json>")]
pub struct Skips {
    /// Items skipped.
    pub count: u32,
    /// The first [`MAX_SKIP_REASONS`] reasons.
    pub reasons: Vec<String>,
}

/// What a stored [`Skips`] may hold: an object only (a list is not read by position).
#[derive(Deserialize)]
struct StoredSkips {
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    count: u32,
    #[serde(default, deserialize_with = "reasons")]
    reasons: Vec<String>,
}

impl TryFrom<serde_json::Map<String, Json>> for Skips {
    type Error = serde_json::Error;
    fn try_from(m: serde_json::Map<String, Json>) -> Result<Self, Self::Error> {
        let StoredSkips { count, reasons } = serde_json::from_value(Json::Object(m))?;
        Ok(Skips { count, reasons })
    }
}

/// At most [`MAX_SKIP_REASONS`] reasons, of text; anything else reads as none.
fn reasons<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let mut list: Vec<String> = crate::api::lenient::list(d)?;
    list.truncate(MAX_SKIP_REASONS);
    Ok(list)
}

impl Skips {
    /// Counts one more skipped item, for `reason` (`path: what was wrong`).
    pub fn add(&mut self, reason: impl std::fmt::Display) {
        self.count = self.count.saturating_add(1);
        if self.reasons.len() < MAX_SKIP_REASONS {
            self.reasons.push(reason.to_string());
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

/// Why a value could not be read as the type asked for: the JSON path of the value
/// (`invitations[3].profile.firstName`) and what was wrong, in serde's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// The JSON path (empty for the whole value).
    pub path: String,
    /// What was wrong.
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// `prefix` followed by serde's path inside the value (`.` when the value itself).
fn join_path(prefix: &str, below: &str) -> String {
    match (prefix.is_empty(), below) {
        (_, ".") => prefix.to_string(),
        (true, _) => below.to_string(),
        (false, b) if b.starts_with('[') => format!("{prefix}{b}"),
        (false, b) => format!("{prefix}.{b}"),
    }
}

/// serde_json's message without its ` at line 1 column 5` (the path says where).
pub fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).map_or_else(|| text.clone(), str::to_string)
}

/// Reads a JSON value as `T`; a failure names its path below `prefix`. Every typed
/// value read from outside (API items, bodies) goes through this one function, so each
/// type's reader is compiled once.
///
/// # Errors
/// [`ReadError`] with the path of the first value that could not be read.
pub fn read_value<T: DeserializeOwned>(value: Json, prefix: &str) -> Result<T, ReadError> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| ReadError { path: join_path(prefix, &e.path().to_string()), message: e.inner().to_string() })
}

/// Reads JSON text as `T`, as [`read_value`] does.
///
/// # Errors
/// [`ReadError`] for text that is not JSON, or with the path of the first value that
/// could not be read.
pub fn read_text<T: DeserializeOwned>(text: &str, prefix: &str) -> Result<T, ReadError> {
    let value: Json =
        serde_json::from_str(text).map_err(|e| ReadError { path: prefix.to_string(), message: serde_message(&e) })?;
    read_value(value, prefix)
}

/// Reads every raw element of a JSON list as `T`, skipping (and counting, with the
/// element's path below `prefix`: `invitations[3]`) the ones that cannot be read.
pub fn read_raw_items<T: DeserializeOwned>(list: &[Box<RawValue>], prefix: &str) -> (Vec<T>, Skips) {
    let mut items = Vec::with_capacity(list.len());
    let mut skipped = Skips::default();
    for (i, element) in list.iter().enumerate() {
        let path = format!("{prefix}[{i}]");
        // serde reads a struct from a list by position too: an item is an object.
        if !element.get().starts_with('{') {
            let found: String = element.get().chars().take(20).collect();
            skipped.add(ReadError { path, message: format!("expected an object, found {found}") });
            continue;
        }
        match read_text::<T>(element.get(), &path) {
            Ok(item) => items.push(item),
            Err(e) => skipped.add(e),
        }
    }
    (items, skipped)
}

fn envelope_error(status: u16, e: ReadError) -> Error {
    Error::Decode { status, path: e.path, message: e.message }
}

/// The JSON of a 2xx response whose body is JSON and not `success: false`
/// ([`parse_success`]): read from it with [`page_from_json`], [`list_from_json`] and
/// [`read_json`].
#[derive(Debug, Clone)]
pub struct Body {
    raw: Box<RawValue>,
}

impl Body {
    /// The (repaired) JSON text.
    pub fn text(&self) -> &str {
        self.raw.get()
    }
}

/// A body's top-level object, member by member. A duplicate member is read last-wins
/// (as browsers read JSON), never as an error, and never in quadratic time.
type Members = BTreeMap<String, Box<RawValue>>;

/// The members of the body's object; a one-element list around it is tolerated. `None`
/// when the body is not an object (a bare list, a number).
fn members(body: &Body) -> Option<Members> {
    if let Ok(m) = serde_json::from_str::<Members>(body.text()) {
        return Some(m);
    }
    let [only]: [Box<RawValue>; 1] = serde_json::from_str(body.text()).ok()?;
    serde_json::from_str::<Members>(only.get()).ok()
}

/// Decodes a list page (`{"invitations": [...]}` or `{"connections": [...]}`), or the
/// error the response stands for.
///
/// # Errors
/// [`Error::Api`] / [`Error::RateLimited`] for error statuses and `success: false`;
/// [`Error::Decode`] for a broken envelope (not JSON, too large, no list). Unreadable
/// items are not errors: see [`Page::skipped`].
pub fn decode_page<T: DeserializeOwned>(resp: &RawResponse, now_ms: f64) -> Result<Page<T>, Error> {
    page_from_json(resp.status, &parse_success(resp, now_ms)?)
}

/// An envelope member read leniently: `None` when it cannot be read as `T`.
fn member<T: DeserializeOwned>(m: &Members, key: &str) -> Option<T> {
    m.get(key).and_then(|raw| serde_json::from_str(raw.get()).ok())
}

/// Reads a list page from the body of a 2xx response ([`parse_success`]); `status` is
/// the response's, for the errors.
///
/// # Errors
/// [`Error::Decode`] for a broken envelope, as [`decode_page`].
pub fn page_from_json<T: DeserializeOwned>(status: u16, body: &Body) -> Result<Page<T>, Error> {
    let Some(m) = members(body) else {
        return Err(envelope_error(status, ReadError { path: String::new(), message: "expected an object".into() }));
    };
    let present = |k: &str| m.get(k).is_some_and(|v| v.get() != "null");
    let key = if present("invitations") || !present("connections") { "invitations" } else { "connections" };
    let list: Vec<Box<RawValue>> = match m.get(key).filter(|_| present(key)) {
        None => {
            return Err(Error::Decode {
                status,
                path: String::new(),
                message: "no `invitations` or `connections` list in the body".into(),
            })
        }
        Some(raw) => serde_json::from_str(raw.get()).map_err(|e| {
            envelope_error(status, ReadError { path: key.to_string(), message: serde_message(&e) })
        })?,
    };
    let (items, skipped) = read_raw_items(&list, key);
    // The informational members, read as `crate::api::lenient` reads them: a value of
    // another kind is absent.
    let info = |k: &str| member::<Json>(&m, k).unwrap_or_default();
    Ok(Page {
        items,
        raw_len: list.len(),
        skipped,
        echoed_start: crate::api::lenient::count(info("startIndex")).ok().flatten(),
        account_id: crate::api::lenient::text(info("accountId")).ok().flatten(),
        end_of_list: crate::api::lenient::flag(info("endOfList")).ok().flatten(),
    })
}

/// Decodes a whole body as `T` (e.g. the connection count), or the error the response
/// stands for.
///
/// # Errors
/// As [`decode_page`]; a body that cannot be read as `T` is an [`Error::Decode`]
/// naming the path.
pub fn decode<T: DeserializeOwned>(resp: &RawResponse, now_ms: f64) -> Result<T, Error> {
    read_json(resp.status, &parse_success(resp, now_ms)?)
}

/// Decodes a body that is a bare list of `T` (e.g. `GET /accounts`), or that list
/// under `key` (`{"accounts": [...]}`), item by item as [`decode_page`] does.
///
/// # Errors
/// As [`decode_page`].
pub fn decode_list<T: DeserializeOwned>(resp: &RawResponse, now_ms: f64, key: &str) -> Result<(Vec<T>, Skips), Error> {
    list_from_json(resp.status, &parse_success(resp, now_ms)?, key)
}

/// Reads a bare list of `T`, or that list under `key`, from the body of a 2xx response
/// ([`parse_success`]), as [`decode_list`].
///
/// # Errors
/// [`Error::Decode`] when the body holds no such list.
pub fn list_from_json<T: DeserializeOwned>(status: u16, body: &Body, key: &str) -> Result<(Vec<T>, Skips), Error> {
    if let Ok(list) = serde_json::from_str::<Vec<Box<RawValue>>>(body.text()) {
        return Ok(read_raw_items(&list, ""));
    }
    match members(body).as_ref().and_then(|m| member::<Vec<Box<RawValue>>>(m, key)) {
        Some(list) => Ok(read_raw_items(&list, key)),
        None => Err(envelope_error(status, ReadError { path: String::new(), message: "expected a list".into() })),
    }
}

/// Reads a body as `T`.
///
/// # Errors
/// [`Error::Decode`] with the JSON path of the first failure (`profile.firstName`).
pub fn read_json<T: DeserializeOwned>(status: u16, body: &Body) -> Result<T, Error> {
    // A whole body (a count, a quota) is read or refused whole: serde's message says
    // what was wrong; only list items carry their path (`read_raw_items`).
    let value: Json = serde_json::from_str(body.text()).map_err(|e| envelope_error(status, ReadError { path: String::new(), message: serde_message(&e) }))?;
    T::deserialize(value).map_err(|e| envelope_error(status, ReadError { path: String::new(), message: e.to_string() }))
}

/// The body of a 2xx response, or the error the response stands for: an error status,
/// a body too large, nested too deep or not JSON, or `success: false`. Every error a
/// retry may cure comes from here; reading typed values from the body afterwards
/// ([`page_from_json`], [`list_from_json`], [`read_json`]) fails only as
/// [`Error::Decode`].
///
/// Lone UTF-16 surrogates (`"\ud83d"`, text cut mid-emoji) become U+FFFD before
/// parsing, so they never fail a page ([`repair`]).
///
/// # Errors
/// As [`decode_page`].
pub fn parse_success(resp: &RawResponse, now_ms: f64) -> Result<Body, Error> {
    if !(200..300).contains(&resp.status) {
        return Err(error_from_response(resp, now_ms));
    }
    let decode_error = |message: String| Error::Decode { status: resp.status, path: String::new(), message };
    if resp.body.len() > MAX_BODY_BYTES {
        return Err(decode_error(format!(
            "the body is larger than {} MB ({} bytes)",
            MAX_BODY_BYTES / (1024 * 1024),
            resp.body.len()
        )));
    }
    let not_json = || decode_error(format!("the body is not JSON ({})", excerpt(&resp.body)));
    let text = repair(&resp.body).map_err(|e| match e {
        Repair::TooDeep => decode_error(format!("malformed JSON: nested deeper than {MAX_DEPTH} levels")),
    })?;
    let raw: Box<RawValue> = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        if resp.body.trim_start().starts_with('<') || resp.body.trim().is_empty() || (e.line() == 1 && e.column() <= 1) {
            not_json()
        } else {
            decode_error(format!("malformed JSON: {e}"))
        }
    })?;
    let body = Body { raw };
    if let Some(m) = members(&body) {
        if m.get("success").is_some_and(|v| v.get() == "false") {
            let value: serde_json::Value = serde_json::from_str(body.text()).unwrap_or_default();
            let (message, code, _) = body_message(&value);
            return Err(Error::Api {
                status: resp.status,
                message: message.unwrap_or_else(|| "the API reported failure".into()),
                code,
            });
        }
    }
    Ok(body)
}

/// The deepest nesting accepted in a body; API bodies use four levels.
pub const MAX_DEPTH: usize = 64;

/// Why a body could not be prepared for parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// Lists and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// One pass over a JSON text before serde_json reads it: a lone UTF-16 surrogate
/// escape (`\ud83d` without its pair, or a stray `\ude00`) becomes `\ufffd`, as
/// engines show it, instead of failing the whole body (serde_json refuses them); and
/// nesting deeper than [`MAX_DEPTH`] is refused before any parser recurses. Text
/// without a lone surrogate is returned as it is, without a copy.
///
/// # Errors
/// [`Repair::TooDeep`].
pub fn repair(text: &str) -> Result<Cow<'_, str>, Repair> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already in `out`
    let (mut depth, mut in_string, mut i) = (0usize, false, 0usize);
    while let Some(&b) = bytes.get(i) {
        if !in_string {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Repair::TooDeep);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = false,
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let unit = hex4(bytes, i + 2);
                match unit {
                    Some(0xD800..=0xDBFF) => {
                        let low = (bytes.get(i + 6) == Some(&b'\\') && bytes.get(i + 7) == Some(&b'u'))
                            .then(|| hex4(bytes, i + 8))
                            .flatten();
                        if matches!(low, Some(0xDC00..=0xDFFF)) {
                            i += 12;
                            continue;
                        }
                    }
                    Some(0xDC00..=0xDFFF) => {}
                    _ => {
                        i += 6;
                        continue;
                    }
                }
                // A lone surrogate: write what came before, then the replacement.
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(text.get(copied..i).unwrap_or(""));
                o.push_str("\\ufffd");
                i += 6;
                copied = i;
                continue;
            }
            b'\\' => {
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(text.get(copied..).unwrap_or(""));
            Cow::Owned(o)
        }
    })
}

/// The four hex digits at `at` as a UTF-16 unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
}

/// Maps a non-2xx response to its error: 429 to [`Error::RateLimited`] with the retry
/// time from `holdUntil`, `Retry-After` or `X-RateLimit-Reset` (in that order), every
/// other status to [`Error::Api`].
pub fn error_from_response(resp: &RawResponse, now_ms: f64) -> Error {
    let parsed = if resp.body.len() <= MAX_BODY_BYTES {
        repair(&resp.body).ok().and_then(|text| serde_json::from_str::<Json>(&text).ok())
    } else {
        None
    };
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
        Some(Json::String(s)) if !s.trim().is_empty() => Some(clip(s.trim())),
        Some(error @ Json::Object(_)) => {
            let issues: Vec<String> = match error.get("issues") {
                Some(Json::Array(list)) => list.iter().filter_map(zod_issue).collect(),
                _ => Vec::new(),
            };
            if issues.is_empty() {
                error.get("message").and_then(Json::as_str).map(clip)
            } else {
                Some(clip(&issues.join("; ")))
            }
        }
        _ => None,
    });
    (message, text("code").map(clip), text("holdUntil").map(str::to_string))
}

fn zod_issue(issue: &Json) -> Option<String> {
    let message = issue.get("message")?.as_str()?;
    let path: Vec<String> = match issue.get("path") {
        Some(Json::Array(p)) => p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_string)).collect(),
        _ => Vec::new(),
    };
    Some(if path.is_empty() { message.to_string() } else { format!("{}: {message}", path.join(".")) })
}

/// Server text as an error message keeps it: at most 300 characters, then `…`.
pub(crate) fn clip(s: &str) -> String {
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
    use crate::api::models::{Account, Connection, ReceivedInvitation, SentInvitation};

    fn resp(status: u16, body: &str) -> RawResponse {
        RawResponse { status, headers: RateHeaders::default(), body: body.into() }
    }

    const NOW: f64 = 1_777_300_000_000.0;

    #[test]
    fn decodes_every_example_body() {
        let sent: Page<SentInvitation> =
            decode_page(&resp(200, include_str!("../../tests/fixtures/invitations-sent.page0.json")), NOW).unwrap();
        assert_eq!(sent.items.len(), 1, "trust the array, not count: 10");
        assert_eq!(sent.items[0].invitation_id, "7897046780350316544");
        assert_eq!(sent.items[0].profile.profile_url.as_deref(), Some("https://www.linkedin.com/in/johndoe"));
        assert_eq!(sent.echoed_start, Some(0));
        assert_eq!(sent.account_id.as_deref(), Some("696ce9e780e0483585e4e553"));

        let recv: Page<ReceivedInvitation> =
            decode_page(&resp(200, include_str!("../../tests/fixtures/invitations-received.page0.json")), NOW).unwrap();
        let cats: Vec<&str> = recv.items.iter().map(|i| i.invitation_category.as_str()).collect();
        assert_eq!(cats, ["ORGANIZATION", "CONNECTION", "NEWSLETTER"]);
        assert_eq!(recv.items[0].company_name.as_deref(), Some("ZenX8Studio"));
        assert_eq!(recv.items[0].member_id, None);
        assert!(recv.items[1].message.as_deref().unwrap().starts_with("Hi, we met"));

        let conns: Page<Connection> =
            decode_page(&resp(200, include_str!("../../tests/fixtures/connections.page0.json")), NOW).unwrap();
        assert_eq!(conns.items.len(), 2);
        assert_eq!(conns.items[1].vanity_name.as_deref(), Some("janesmith"));

        let accounts: Vec<Account> = decode(&resp(200, include_str!("../../tests/fixtures/accounts.json")), NOW).unwrap();
        assert_eq!(accounts[0].id, "60d21b4667d0d8992e610c85");
        assert_eq!(accounts[0].api_seat_allocated, Some(true));
    }

    #[test]
    fn decodes_the_newer_edition_examples() {
        let recv: Page<ReceivedInvitation> =
            decode_page(&resp(200, include_str!("../../tests/fixtures/invitations-received.newer.json")), NOW).unwrap();
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
            decode_page(&resp(200, include_str!("../../tests/fixtures/connections.newer.json")), NOW).unwrap();
        assert_eq!((conns.items.len(), conns.end_of_list), (2, Some(false)));
        let old: Page<Connection> =
            decode_page(&resp(200, include_str!("../../tests/fixtures/connections.page0.json")), NOW).unwrap();
        assert_eq!(old.end_of_list, None, "the older edition says nothing");

        let accounts: Vec<Account> = decode(&resp(200, include_str!("../../tests/fixtures/accounts.newer.json")), NOW).unwrap();
        assert_eq!((accounts[0].enabled, accounts[0].attention()), (Some(true), None));
        assert_eq!((accounts[1].picture.as_deref(), accounts[1].attention()), (None, Some("no_seat")));

        let e = decode_page::<ReceivedInvitation>(
            &resp(502, include_str!("../../tests/fixtures/invitations-unavailable.newer.json")),
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
        let fixtures: serde_json::Value = serde_json::from_str(include_str!("../../tests/fixtures/errors.json")).unwrap();
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
        assert_eq!((listed.items.len(), listed.skipped.reasons[0].as_str()), (0, "invitations[0]: expected an object, found [\"7\"]"));
        assert_eq!(page.raw_len, 7);
        assert_eq!(page.skipped.count, 5);
        assert_eq!(
            page.skipped.reasons,
            [
                "invitations[1].profile.firstName: invalid type: integer `7`, expected text",
                "invitations[2]: missing field `invitationId`",
                "invitations[4]: expected an object, found \"junk\"",
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
}

