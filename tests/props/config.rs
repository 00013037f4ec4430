//! Settings and links: the base URL, the API key, the configuration JavaScript passes,
//! and the profile-link check.
//!
//! Properties: a base URL is accepted only as `https://` (or `http://` to localhost)
//! to a plain host, with no credentials, query, fragment or backslash, and accepting
//! it again gives it back unchanged; a key is accepted only as printable ASCII and
//! never shows in `Debug` or in an error; a configuration's validity and its `Debug`
//! text do not depend on the key; a profile link is always on `https://www.linkedin.com/`
//! and made of the allowed characters only.

use super::text::Text;
use arbitrary::Arbitrary;
use pending_core::api::config::validate_base_url;
use pending_core::{linkedin_profile_url, ApiKey, Config, ConfigInput, DEFAULT_BASE_URL};

/// The characters a profile link may hold after `https://www.linkedin.com/`.
pub fn allowed_in_link(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~/%?=&+".contains(&b)
}

const LINKEDIN: &str = "https://www.linkedin.com/";

/// The profile-link check on one text.
pub fn check_profile_url(text: &str) {
    let got = linkedin_profile_url(text);
    let t = text.trim();
    // Every URL that is safe to link is linked: the documented rule, stated directly.
    let safe = t.strip_prefix(LINKEDIN).is_some_and(|rest| rest.bytes().all(allowed_in_link) && !rest.starts_with('/'));
    assert_eq!(got.is_some(), safe, "{text:?} -> {got:?}");
    if let Some(url) = got {
        assert!(url.starts_with(LINKEDIN), "{url:?} is not on {LINKEDIN}");
        let rest = &url[LINKEDIN.len()..];
        assert!(rest.bytes().all(allowed_in_link), "{url:?} holds a character outside the allowed set");
        assert!(!rest.starts_with('/'), "{url:?} could name another host");
        assert!(!rest.ends_with('/'), "{url:?} keeps a trailing slash");
        // The link is the text as sent, less trailing slashes.
        let tail = t.strip_prefix(url.as_str()).unwrap_or_else(|| panic!("{url:?} is not a prefix of {t:?}"));
        assert!(tail.bytes().all(|b| b == b'/'), "{text:?} -> {url:?}");
        assert_eq!(linkedin_profile_url(&url).as_deref(), Some(url.as_str()), "idempotent");
    }
}

/// Base-URL validation on one text.
pub fn check_base_url(text: &str) {
    match validate_base_url(text) {
        Ok(url) => {
            assert_eq!(url, text.trim().trim_end_matches('/'), "only blanks and trailing slashes go");
            let (scheme, rest) = url.split_once("://").unwrap_or_else(|| panic!("{url:?} has no scheme"));
            let authority = rest.split('/').next().unwrap_or_default();
            let (host, port) = match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            assert!(!host.is_empty(), "{url:?}: empty host");
            assert!(host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'), "{url:?}: host {host:?}");
            if let Some(p) = port {
                assert!(!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()), "{url:?}: port {p:?}");
            }
            assert!(!rest.contains(['?', '#', '@', '\\']), "{url:?}: query, fragment, credentials or backslash");
            assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()), "{url:?}: blanks or control characters");
            let https = scheme.eq_ignore_ascii_case("https");
            let local = scheme.eq_ignore_ascii_case("http") && (host == "localhost" || host == "127.0.0.1");
            assert!(https || local, "{url:?}: the key could travel in clear text");
            assert_eq!(validate_base_url(&url).as_deref(), Ok(url.as_str()), "idempotent");
        }
        Err(e) => {
            assert_eq!(e.kind(), "invalid_input");
            // A code of the base URL's own, which the options page words.
            use pending_core::api::error::Invalid;
            let reason = e.invalid_reason();
            assert!(
                matches!(reason, Some(Invalid::BaseUrlScheme | Invalid::BaseUrlPort | Invalid::BaseUrlShape | Invalid::BaseUrlHttp)),
                "{e}: {reason:?}"
            );
        }
    }
}

/// `ApiKey::new` on one text.
pub fn check_api_key(text: &str) {
    match ApiKey::new(text) {
        Ok(key) => {
            assert_eq!(key.expose(), text.trim());
            assert!(!key.expose().is_empty() && key.expose().bytes().all(|b| b.is_ascii_graphic()), "{text:?}");
            assert_eq!(format!("{key:?}"), "ApiKey(***)");
        }
        Err(e) => {
            assert_eq!(e.kind(), "invalid_input");
            // The message is the same for every key of its class: it cannot contain it.
            let twin = if text.trim().is_empty() { "" } else { "not a key" };
            assert_eq!(e.to_string(), ApiKey::new(twin).unwrap_err().to_string(), "{text:?}");
        }
    }
}

/// A key of the same validity class (valid, empty, malformed) as `key`.
fn twin_key(key: &str) -> &'static str {
    if key.trim().is_empty() {
        "  "
    } else if ApiKey::new(key).is_ok() {
        "sk_live_TWIN0123456789"
    } else {
        "bad key"
    }
}

/// The settings JavaScript passes, as generated values.
#[derive(Debug, Clone, Arbitrary)]
pub struct ConfigCase {
    base_url: Option<UrlText>,
    api_key: Text,
    account_id: Option<Text>,
    max_requests: Option<u32>,
    window_ms: Option<u32>,
    min_interval_ms: Option<u32>,
    timeout_ms: Option<u32>,
    max_retries: Option<u32>,
    max_pages: Option<u32>,
}

/// A URL-ish text: a scheme, a host, a port and a path from pieces, or anything.
#[derive(Debug, Clone)]
pub struct UrlText(pub String);

impl<'a> Arbitrary<'a> for UrlText {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.ratio(1, 4)? {
            return Ok(UrlText(Text::arbitrary(u)?.0));
        }
        let scheme = *u.choose(&["https://", "http://", "HTTPS://", "Http://", "ftp://", "https:/", "https:\\\\", "", " https://"])?;
        let host = *u.choose(&[
            "api.connectsafely.ai", "localhost", "127.0.0.1", "localhost.evil.example", "127.0.0.1.nip.io", "user:pw@host",
            "", "[::1]", "xn--bcher-kva.example", "-", ".", "a_b", "ÿ", "host ", "LOCALHOST",
        ])?;
        let port = *u.choose(&["", ":8787", ":", ":443", ":x", ":8787:1"])?;
        let path = *u.choose(&["", "/", "/linkedin", "/linkedin/", "//", "/a?b", "/#x", "/\\", "/ a", "/%40", "/@x", "/\u{0}"])?;
        let tail = if u.ratio(1, 5)? { Text::arbitrary(u)?.0 } else { String::new() };
        Ok(UrlText(format!("{scheme}{host}{port}{path}{tail}")))
    }
}

impl ConfigCase {
    fn input(&self, api_key: &str) -> ConfigInput {
        ConfigInput {
            base_url: self.base_url.as_ref().map(|u| u.0.clone()),
            api_key: api_key.to_string(),
            account_id: self.account_id.as_ref().map(|t| t.0.clone()),
            max_requests: self.max_requests,
            window_ms: self.window_ms,
            min_interval_ms: self.min_interval_ms,
            timeout_ms: self.timeout_ms,
            max_retries: self.max_retries,
            max_pages: self.max_pages,
            ..ConfigInput::default()
        }
    }

    /// `ConfigInput` → `Config` on this case.
    pub fn check(&self) {
        if let Some(u) = &self.base_url {
            check_base_url(&u.0);
        }
        check_api_key(&self.api_key.0);
        check_config_input(self.input(&self.api_key.0), self.input(twin_key(&self.api_key.0)));
    }
}

/// `Config::try_from` on `input`; `twin` is the same input with another key of the same
/// validity class.
pub fn check_config_input(input: ConfigInput, twin: ConfigInput) {
    let key = input.api_key.clone();
    let base = input.base_url.clone();
    let account = input.account_id.clone();
    let (max_requests, window_ms, timeout_ms, max_pages) = (input.max_requests, input.window_ms, input.timeout_ms, input.max_pages);
    let got = Config::try_from(input);
    let other = Config::try_from(twin);
    match (&got, &other) {
        (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "Debug depends on the key"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "the error depends on the key"),
        _ => panic!("validity depends on more than the key's class: {got:?} / {other:?}"),
    }
    match got {
        Ok(c) => {
            assert_eq!(c.api_key.expose(), key.trim());
            let want_base = validate_base_url(base.as_deref().unwrap_or(DEFAULT_BASE_URL)).expect("accepted base URL");
            assert_eq!(c.base_url, want_base);
            if let Some(id) = &c.account_id {
                assert!(!id.is_empty() && id.len() <= 64, "account id {id:?}");
                assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "account id {id:?}");
                assert_eq!(Some(id.as_str()), account.as_deref().map(str::trim));
            } else {
                assert!(account.as_deref().is_none_or(|a| a.trim().is_empty()), "account {account:?} dropped");
            }
            assert!(c.timeout_ms > 0 && c.max_requests > 0 && c.window_ms > 0);
            let d = Config::new(DEFAULT_BASE_URL, "k", None).expect("the defaults");
            assert_eq!(c.max_requests, max_requests.unwrap_or(d.max_requests));
            assert_eq!(c.window_ms, window_ms.unwrap_or(d.window_ms));
            assert_eq!(c.timeout_ms, timeout_ms.unwrap_or(d.timeout_ms));
            assert_eq!(c.max_pages, max_pages.unwrap_or(d.max_pages));
        }
        Err(e) => assert_eq!(e.kind(), "invalid_input"),
    }
}

/// The configuration as JSON text (what `new Client({...})` receives).
pub fn check_config_json(text: &str) {
    let parse = || serde_json::from_str::<ConfigInput>(text).map_err(|_| ());
    if let (Ok(input), Ok(mut twin)) = (parse(), parse()) {
        twin.api_key = twin_key(&input.api_key).to_string();
        check_config_input(input, twin);
    }
}
