//! Client configuration, validated before any request is sent.

use crate::api::error::{Error, Invalid};
use crate::api::limiter::{Limits, RetryPolicy};
use serde::{Deserialize, Deserializer, Serialize};
use tsify::Tsify;
use std::fmt;

/// The production API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.connectsafely.ai/linkedin";

/// Reads per minute and LinkedIn account the client allows itself (the newer
/// documentation: 30 reads a minute per account; every GET but `/account/*`).
pub const READS_PER_MINUTE: u32 = 30;

/// Writes per minute and LinkedIn account (the newer documentation: 15).
pub const WRITES_PER_MINUTE: u32 = 15;

/// `/account/*` requests per minute and LinkedIn account (the newer documentation: 10).
pub const ACCOUNT_REQUESTS_PER_MINUTE: u32 = 10;

/// Requests per minute and API key, across its accounts and budgets (both editions: 60;
/// the bursts of 100 per 10 s the newer one allows are never needed).
pub const KEY_REQUESTS_PER_MINUTE: u32 = 60;

/// Added to the limiter's 60-second window so that the server, which counts *arrivals*,
/// never sees more than the limit in any 60 s: requests sent within 61 s of each other
/// can arrive within 60 s only if their network delays differ by more than a second.
pub const ARRIVAL_MARGIN_MS: u32 = 1_000;

/// The API key. Its `Debug` prints `ApiKey(***)`; it has no `Display`, and
/// [`ApiKey::expose`] is the one way to read it (used only for the `Authorization`
/// header).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key after checking it is non-empty printable ASCII without spaces (so it
    /// cannot break the header it goes into).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (the message never contains the key).
    pub fn new(key: &str) -> Result<Self, Error> {
        let key = key.trim();
        if key.is_empty() {
            return Err(Error::invalid(Invalid::ApiKeyEmpty, ""));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid(Invalid::ApiKeyCharacters, ""));
        }
        Ok(ApiKey(key.to_string()))
    }

    /// The key text, for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

/// Everything a [`crate::Client`] needs. Build it with [`Config::new`] or from the
/// JSON-shaped [`ConfigInput`] that JavaScript passes.
#[derive(Debug, Clone)]
pub struct Config {
    /// API base URL without a trailing slash.
    pub base_url: String,
    /// The API key.
    pub api_key: ApiKey,
    /// The LinkedIn account to act for; `None` lets the API pick its default.
    pub account_id: Option<String>,
    /// At most this many reads of the account in any `window_ms` (default
    /// [`READS_PER_MINUTE`]).
    pub max_requests: u32,
    /// At most this many writes of the account in any `window_ms` (default
    /// [`WRITES_PER_MINUTE`]).
    pub max_writes: u32,
    /// At most this many `/account/*` requests of the account in any `window_ms`
    /// (default [`ACCOUNT_REQUESTS_PER_MINUTE`]).
    pub max_account_requests: u32,
    /// At most this many requests of the API key in any `window_ms`, all budgets and
    /// accounts together (default [`KEY_REQUESTS_PER_MINUTE`]).
    pub max_key_requests: u32,
    /// Every budget's window (default 60 000 ms plus [`ARRIVAL_MARGIN_MS`]).
    pub window_ms: u32,
    /// At least this long between two requests (default 250 ms).
    pub min_interval_ms: u32,
    /// Per-request timeout (default 20 000 ms).
    pub timeout_ms: u32,
    /// Retry and backoff settings.
    pub retry: RetryPolicy,
    /// Cap on pages per list walk (default 1 000, i.e. about 10 000 items).
    pub max_pages: u32,
}

impl Config {
    /// A configuration with the default limits.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for an unusable base URL, key or account id.
    pub fn new(base_url: &str, api_key: &str, account_id: Option<&str>) -> Result<Self, Error> {
        Ok(Config {
            base_url: validate_base_url(base_url)?,
            api_key: ApiKey::new(api_key)?,
            account_id: validate_account_id(account_id)?,
            max_requests: READS_PER_MINUTE,
            max_writes: WRITES_PER_MINUTE,
            max_account_requests: ACCOUNT_REQUESTS_PER_MINUTE,
            max_key_requests: KEY_REQUESTS_PER_MINUTE,
            window_ms: 60_000 + ARRIVAL_MARGIN_MS,
            min_interval_ms: 250,
            timeout_ms: 20_000,
            retry: RetryPolicy::default(),
            max_pages: 1_000,
        })
    }

    /// The budgets this configuration paces by.
    pub fn limits(&self) -> Limits {
        Limits {
            reads: self.max_requests,
            writes: self.max_writes,
            account: self.max_account_requests,
            per_key: self.max_key_requests,
            window_ms: self.window_ms,
            min_interval_ms: self.min_interval_ms,
        }
    }
}

/// The configuration as JavaScript passes it: camelCase, everything but `apiKey`
/// optional. The texts are lenient (blank is absent); a number that is not a whole
/// number fitting a `u32` (or its digits) is an error, naming its field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct ConfigInput {
    #[serde(deserialize_with = "crate::api::lenient::text")]
    pub base_url: Option<String>,
    #[serde(deserialize_with = "crate::api::lenient::text_or_empty")]
    pub api_key: String,
    #[serde(deserialize_with = "crate::api::lenient::text")]
    pub account_id: Option<String>,
    #[serde(deserialize_with = "whole")]
    pub max_requests: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub max_writes: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub max_account_requests: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub max_key_requests: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub window_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub min_interval_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub timeout_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub max_retries: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub backoff_base_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub backoff_max_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub rate_limit_margin_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub default_rate_limit_wait_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub max_rate_limit_wait_ms: Option<u32>,
    #[serde(deserialize_with = "whole")]
    pub max_pages: Option<u32>,
}

/// An optional whole number that fits a `u32`, or its digits as text; `null` is
/// absent; anything else is an error (a setting is never guessed).
fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let Some(value) = Option::<serde_json::Value>::deserialize(d)? else { return Ok(None) };
    if let Some(n) = crate::api::lenient::count::<_, u32>(&value).ok().flatten() {
        return Ok(Some(n));
    }
    let found = match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "text",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    };
    Err(serde::de::Error::custom(["expected a whole number, found ", found].concat()))
}

impl TryFrom<ConfigInput> for Config {
    type Error = Error;

    fn try_from(i: ConfigInput) -> Result<Self, Error> {
        let mut c = Config::new(
            i.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            &i.api_key,
            i.account_id.as_deref(),
        )?;
        let r = &mut c.retry;
        let set = |slot: &mut u32, v: Option<u32>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut c.max_requests, i.max_requests);
        set(&mut c.max_writes, i.max_writes);
        set(&mut c.max_account_requests, i.max_account_requests);
        set(&mut c.max_key_requests, i.max_key_requests);
        set(&mut c.window_ms, i.window_ms);
        set(&mut c.min_interval_ms, i.min_interval_ms);
        set(&mut c.timeout_ms, i.timeout_ms);
        set(&mut c.max_pages, i.max_pages);
        set(&mut r.max_retries, i.max_retries);
        set(&mut r.backoff_base_ms, i.backoff_base_ms);
        set(&mut r.backoff_max_ms, i.backoff_max_ms);
        set(&mut r.rate_limit_margin_ms, i.rate_limit_margin_ms);
        set(&mut r.default_rate_limit_wait_ms, i.default_rate_limit_wait_ms);
        set(&mut r.max_rate_limit_wait_ms, i.max_rate_limit_wait_ms);
        if [c.timeout_ms, c.max_requests, c.max_writes, c.max_account_requests, c.max_key_requests, c.window_ms].contains(&0) {
            return Err(Error::invalid(
                Invalid::Limits,
                "timeoutMs, maxRequests, maxWrites, maxAccountRequests, maxKeyRequests and windowMs must be above 0",
            ));
        }
        Ok(c)
    }
}

/// Checks a base URL: `https://` anywhere, `http://` only for `localhost` and
/// `127.0.0.1` (the local mock), no credentials, query, fragment, blanks or control
/// characters. Returns it without a trailing slash.
///
/// # Errors
/// [`Error::InvalidInput`] saying what is wrong.
pub fn validate_base_url(url: &str) -> Result<String, Error> {
    let url = url.trim().trim_end_matches('/');
    let bad = |why: Invalid| Err(Error::invalid(why, ""));
    let (scheme, rest) = match url.split_once("://") {
        Some(x) => x,
        None => return bad(Invalid::BaseUrlScheme),
    };
    let host_port = rest.split('/').next().unwrap_or("");
    let host = match host_port.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return bad(Invalid::BaseUrlPort),
        None => host_port,
    };
    if host.is_empty()
        || !host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        || rest.chars().any(|c| matches!(c, '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control())
    {
        return bad(Invalid::BaseUrlShape);
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_string()),
        "http" if host == "localhost" || host == "127.0.0.1" => Ok(url.to_string()),
        "http" => bad(Invalid::BaseUrlHttp),
        _ => bad(Invalid::BaseUrlScheme),
    }
}

/// Where the API key goes for a base URL: the answer the options page shows before it
/// saves or tests a base URL, so the key goes only where the user meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct KeyDestination {
    /// The base URL as it will be stored ([`validate_base_url`]'s result).
    pub base_url: String,
    /// `scheme://host[:port]`, lower case, default port left out.
    pub origin: String,
    /// `host[:port]`: the host that receives the key, for the warning's words.
    pub host: String,
    /// Whether this is the official API, [`DEFAULT_BASE_URL`]: no confirmation needed.
    pub official: bool,
    /// The host-permission pattern to request (`<origin>/*`, that origin only), when the
    /// origin is one of the `known` origins the manifest lists; requests for other
    /// origins would be refused by the browser.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
}

/// Which host receives the key for `base_url`, and whether that is the official API.
/// `known` are the origins the manifest asks host permission for.
///
/// # Errors
/// [`Error::InvalidInput`] as [`validate_base_url`].
pub fn key_destination(base_url: &str, known: &[String]) -> Result<KeyDestination, Error> {
    let base_url = validate_base_url(base_url)?;
    let (scheme, rest) = base_url.split_once("://").unwrap_or(("https", &base_url));
    let scheme = scheme.to_ascii_lowercase();
    let (host_port, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host_port = host_port.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host = host_port.strip_suffix(default_port).unwrap_or(&host_port).to_string();
    let origin = [scheme.as_str(), "://", &host].concat();
    let official = [origin.as_str(), path].concat() == DEFAULT_BASE_URL;
    let permission = known
        .iter()
        .any(|k| k.trim_end_matches('/').eq_ignore_ascii_case(&origin))
        .then(|| [origin.as_str(), "/*"].concat());
    Ok(KeyDestination { base_url, origin, host, official, permission })
}

/// Checks an account id: absent or blank is none (the API picks the key's default
/// account); otherwise at most 64 letters, digits, `-` and `_`, trimmed.
///
/// # Errors
/// [`Error::InvalidInput`] for any other text.
pub fn validate_account_id(id: Option<&str>) -> Result<Option<String>, Error> {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') => {
            Ok(Some(s.to_string()))
        }
        Some(_) => Err(Error::invalid(Invalid::AccountId, "")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_shows_in_debug_or_errors() {
        let c = Config::new(DEFAULT_BASE_URL, "sk_live_SECRET123", None).unwrap();
        assert!(!format!("{c:?}").contains("SECRET123"));
        let e = ApiKey::new("sk live SECRET123").unwrap_err();
        assert!(!e.to_string().contains("SECRET123"));
        assert_eq!(ApiKey::new("  ").unwrap_err().kind(), "invalid_input");
    }

    #[test]
    fn base_urls() {
        assert_eq!(validate_base_url("https://api.connectsafely.ai/linkedin/").unwrap(), DEFAULT_BASE_URL);
        assert!(validate_base_url("http://127.0.0.1:8787/linkedin").is_ok());
        assert!(validate_base_url("http://localhost:8787").is_ok());
        for bad in [
            "http://api.connectsafely.ai/linkedin",
            "ftp://x",
            "api.connectsafely.ai",
            "https://user:pw@evil.example",
            "https://x.example/?a=1",
            "javascript:alert(1)",
            "https://",
            "http://localhost.evil.example",
            "https://host:port/",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn key_destination_names_the_host_and_knows_the_official_api() {
        let known = vec!["https://api.connectsafely.ai".to_string(), "https://sandbox.api.connectsafely.ai".to_string()];
        let d = key_destination(" https://api.connectsafely.ai/linkedin/ ", &known).unwrap();
        assert!(d.official);
        assert_eq!((d.host.as_str(), d.origin.as_str()), ("api.connectsafely.ai", "https://api.connectsafely.ai"));
        assert_eq!(d.permission.as_deref(), Some("https://api.connectsafely.ai/*"));
        assert_eq!(d.base_url, DEFAULT_BASE_URL);
        // Same place, other spellings: still the official API.
        for same in ["HTTPS://API.ConnectSafely.ai/linkedin", "https://api.connectsafely.ai:443/linkedin"] {
            assert!(key_destination(same, &known).unwrap().official, "{same}");
        }
        // Anything else needs a confirmation that names the host receiving the key.
        let cases = [
            ("http://127.0.0.1:8787/t/x/linkedin", "127.0.0.1:8787", None),
            ("https://sandbox.api.connectsafely.ai/linkedin", "sandbox.api.connectsafely.ai", Some("https://sandbox.api.connectsafely.ai/*")),
            ("https://api.connectsafely.ai.evil.example/linkedin", "api.connectsafely.ai.evil.example", None),
            ("https://api.connectsafely.ai:8443/linkedin", "api.connectsafely.ai:8443", None),
            ("https://api.connectsafely.ai/other", "api.connectsafely.ai", Some("https://api.connectsafely.ai/*")),
            ("https://api.connectsafely.ai", "api.connectsafely.ai", Some("https://api.connectsafely.ai/*")),
        ];
        for (url, host, permission) in cases {
            let d = key_destination(url, &known).unwrap();
            assert!(!d.official, "{url}");
            assert_eq!(d.host, host, "{url}");
            assert_eq!(d.permission.as_deref(), permission, "{url}");
        }
        assert_eq!(key_destination("http://evil.example", &known).unwrap_err().kind(), "invalid_input");
    }

    #[test]
    fn input_reads_camel_case_leniently_and_numbers_strictly() {
        let read = |v: serde_json::Value| serde_json::from_value::<ConfigInput>(v);
        let input = read(serde_json::json!({
            "apiKey": "k", "baseUrl": " ", "accountId": null, "timeoutMs": 300, "maxRetries": "2",
            "defaultRateLimitWaitMs": 60000.0, "maxPages": null, "unknown": [1]
        }))
        .unwrap();
        let want = ConfigInput {
            api_key: "k".into(),
            timeout_ms: Some(300),
            max_retries: Some(2),
            default_rate_limit_wait_ms: Some(60_000),
            ..ConfigInput::default()
        };
        assert_eq!(input, want);
        assert_eq!(read(serde_json::json!({})).unwrap(), ConfigInput::default());
        assert_eq!(read(serde_json::json!({"apiKey": "  "})).unwrap().api_key, "");
        for (bad, words) in [
            (serde_json::json!({"timeoutMs": 1.5}), "expected a whole number, found"),
            (serde_json::json!({"timeoutMs": -1}), "expected a whole number, found"),
            (serde_json::json!({"windowMs": 5_000_000_000u64}), "expected a whole number, found"),
            (serde_json::json!({"maxRequests": "many"}), "expected a whole number, found"),
            (serde_json::json!({"maxRequests": true}), "expected a whole number, found"),
            (serde_json::json!({"apiKey": 5}), "expected text"),
        ] {
            let e = read(bad.clone()).unwrap_err().to_string();
            assert!(e.contains(words), "{bad}: {e}");
        }
        // A failure names its field.
        let (path, _) = crate::api::objects::read_with_path::<ConfigInput>(serde_json::json!({"timeoutMs": "x"})).unwrap_err();
        assert_eq!(path, "timeoutMs");
    }

    #[test]
    fn key_destination_writes_camel_case() {
        let d = key_destination("http://localhost:8787/linkedin", &[]).unwrap();
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"baseUrl": "http://localhost:8787/linkedin", "origin": "http://localhost:8787", "host": "localhost:8787", "official": false})
        );
        let d = key_destination(DEFAULT_BASE_URL, &["https://api.connectsafely.ai".to_string()]).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap()["permission"], "https://api.connectsafely.ai/*");
    }

    #[test]
    fn input_overrides_and_validation() {
        let c: Config = ConfigInput {
            api_key: "k".into(),
            account_id: Some("696ce9e780e0483585e4e553".into()),
            timeout_ms: Some(300),
            max_retries: Some(1),
            ..ConfigInput::default()
        }
        .try_into()
        .unwrap();
        assert_eq!(c.base_url, DEFAULT_BASE_URL);
        assert_eq!((c.timeout_ms, c.retry.max_retries, c.max_requests), (300, 1, READS_PER_MINUTE));
        let l = c.limits();
        assert_eq!((l.reads, l.writes, l.account, l.per_key), (30, 15, 10, 60), "the documented budgets");
        assert_eq!((l.window_ms, l.min_interval_ms), (61_000, 250));
        let shrunk: Config = serde_json::from_value::<ConfigInput>(serde_json::json!({
            "apiKey": "k", "maxRequests": 5, "maxWrites": "4", "maxAccountRequests": 3, "maxKeyRequests": 9, "windowMs": 2000
        }))
        .unwrap()
        .try_into()
        .unwrap();
        let l = shrunk.limits();
        assert_eq!((l.reads, l.writes, l.account, l.per_key, l.window_ms), (5, 4, 3, 9, 2_000));
        for zero in ["maxWrites", "maxAccountRequests", "maxKeyRequests"] {
            let input: ConfigInput = serde_json::from_value(serde_json::json!({"apiKey": "k", zero: 0})).unwrap();
            assert!(Config::try_from(input).is_err(), "{zero} 0");
        }
        let bad = ConfigInput { api_key: "k".into(), account_id: Some("a&b=c".into()), ..ConfigInput::default() };
        assert!(Config::try_from(bad).is_err());
        let bad = ConfigInput { api_key: "k".into(), timeout_ms: Some(0), ..ConfigInput::default() };
        assert!(Config::try_from(bad).is_err());
    }
}

