//! What a failed response says: its status, the message of any documented error body
//! (or of a body that is not JSON at all), and for a 429 when to try again.

use super::prepass::repair;
use super::{RawResponse, MAX_BODY_BYTES};
use crate::api::error::Error;
use crate::api::time::{parse_iso8601_ms, parse_reset_ms, parse_retry_after_ms};
use serde_json::Value as Json;

/// The most characters of server text an error message keeps.
const MAX_MESSAGE: usize = 300;

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
    // No words of the server's own: none (developers' text falls back to the status's).
    let message = message.unwrap_or_default();
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
pub(super) fn body_message(v: &Json) -> (Option<String>, Option<String>, Option<String>) {
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

/// One issue of a zod validation error, with its path.
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

/// A short excerpt of a body that is not JSON, for an error message.
pub(super) fn excerpt(body: &str) -> String {
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
