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
//!
//! Beside it: `decode/error_body.rs` (what a failed response says) and
//! `decode/prepass.rs` (the surrogate and nesting pass before parsing).

use crate::api::error::Error;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use crate::api::time::{parse_reset_ms, parse_retry_after_ms};
use error_body::{body_message, excerpt};

/// The largest response body the client reads (5 MB): a page of 25 invitations is a
/// few kilobytes, so anything larger is a typed error, not a reason to run out of memory.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

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

/// Items of a list that could not be read: how many, and the JSON paths of the first
/// few values that could not be read (`invitations[3].profile.firstName`), which the
/// pages name (what was wrong, in serde's words, is for developers and not kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, tsify::Tsify)]
#[serde(try_from = "serde_json::Map<String, Json>")]
pub struct Skips {
    /// Items skipped.
    pub count: u32,
    /// The paths of the first [`MAX_SKIP_REASONS`] skipped items' unreadable values.
    pub paths: Vec<String>,
}

/// What a stored [`Skips`] may hold: an object only (a list is not read by position).
#[derive(Deserialize)]
struct StoredSkips {
    #[serde(default, deserialize_with = "crate::api::lenient::count_or_zero")]
    count: u32,
    #[serde(default, deserialize_with = "paths")]
    paths: Vec<String>,
}

impl TryFrom<serde_json::Map<String, Json>> for Skips {
    type Error = serde_json::Error;
    fn try_from(m: serde_json::Map<String, Json>) -> Result<Self, Self::Error> {
        let StoredSkips { count, paths } = crate::api::objects::read(Json::Object(m))?;
        Ok(Skips { count, paths })
    }
}

/// At most [`MAX_SKIP_REASONS`] paths, of text; anything else reads as none.
fn paths<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let mut list: Vec<String> = crate::api::lenient::list(d)?;
    list.truncate(MAX_SKIP_REASONS);
    Ok(list)
}

impl Skips {
    /// Counts one more skipped item, for the value at `path` that could not be read.
    pub fn add(&mut self, path: String) {
        self.count = self.count.saturating_add(1);
        if self.paths.len() < MAX_SKIP_REASONS {
            self.paths.push(path);
        }
    }

    /// Adds another list's skips (e.g. the next page's) to these.
    pub fn merge(&mut self, other: Skips) {
        self.count = self.count.saturating_add(other.count);
        let room = MAX_SKIP_REASONS.saturating_sub(self.paths.len());
        self.paths.extend(other.paths.into_iter().take(room));
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
    crate::api::objects::read_with_path(value).map_err(|(path, e)| ReadError { path: join_path(prefix, &path), message: e.to_string() })
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
            skipped.add(path);
            continue;
        }
        match read_text::<T>(element.get(), &path) {
            Ok(item) => items.push(item),
            Err(e) => skipped.add(e.path),
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
    crate::api::objects::read::<T>(value).map_err(|e| envelope_error(status, ReadError { path: String::new(), message: e.to_string() }))
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
            return Err(Error::Api { status: resp.status, message: message.unwrap_or_default(), code });
        }
    }
    Ok(body)
}

mod error_body;
mod prepass;

pub(crate) use error_body::clip;
pub use error_body::error_from_response;
pub use prepass::{repair, Repair, MAX_DEPTH};

#[cfg(test)]
mod tests;
