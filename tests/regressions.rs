//! Regression tests for bugs the property tests and fuzz targets found (native only).
//! Each names the property that caught it; the input is the smallest one found.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

use pending_core::api::decode::{decode, RateHeaders, RawResponse};
use pending_core::api::time::{approximate_age_secs, parse_iso8601_ms, parse_reset_ms};
use pending_core::Account;

fn ok(body: String) -> RawResponse {
    RawResponse { status: 200, headers: RateHeaders::default(), body }
}

/// A four-byte zone with a multi-byte character across byte 2 was sliced inside the
/// character: a panic, which aborts the WebAssembly module, from any `sentAt`,
/// `receivedAt`, `connectedDate`, `holdUntil` or `X-RateLimit-Reset` text.
#[test]
fn iso_zone_with_a_multibyte_character_is_refused_not_a_panic() {
    for text in ["2026-04-27T10:42:11+a€", "2026-04-27T10:42:11-€a", "2026-04-27T10:42:11+aé1"] {
        assert_eq!(parse_iso8601_ms(text), None, "{text}");
        assert_eq!(parse_reset_ms(text), None, "{text}");
        assert_eq!(approximate_age_secs(text, 1.7e12), None, "{text}");
    }
    assert_eq!(parse_iso8601_ms("2026-04-27T10:42:11+0200"), Some(1_777_279_331_000.0));
}

/// A reset time's fraction is ignored however long it is; one longer than ten digits
/// made the whole value unreadable.
#[test]
fn a_long_fraction_of_an_epoch_reset_is_still_ignored() {
    assert_eq!(parse_reset_ms("1777334400.5"), Some(1_777_334_400_000.0));
    assert_eq!(parse_reset_ms("1777334400.4294967296"), Some(1_777_334_400_000.0));
    assert_eq!(parse_reset_ms("1777334400.000000000000000000000001"), Some(1_777_334_400_000.0));
    assert_eq!(parse_reset_ms("1777334400."), None);
}

/// The options page marks an account "needs attention (error)" for a status of
/// `error` in any case or with blanks around, but `usable` compared with `"ERROR"`
/// exactly, so such an account could still be chosen.
#[test]
fn an_account_marked_error_is_never_usable() {
    for status in ["ERROR", "error", " Error ", "ERROR\n"] {
        let body = format!(r#"[{{"id":"60d21b4667d0d8992e610c85","status":{}}}]"#, serde_json::to_string(status).unwrap());
        let accounts = decode::<Vec<Account>>(&ok(body), 0.0).unwrap();
        assert_eq!((accounts[0].attention(), accounts[0].is_usable()), (Some("error"), false), "{status:?}");
    }
}

/// The badge's categories come from storage as they are: one listed twice was counted
/// twice, and corrupt counts overflowed the sum (a panic in a debug build, a wrong
/// badge in the release one).
#[test]
fn the_badge_counts_each_category_once_and_never_overflows() {
    let mut counts = pending_core::Counts::of(&[], &[]);
    counts.received = 5;
    counts.received_by_category.insert("EVENT".into(), 3);
    counts.received_by_category.insert("CONNECTION".into(), 2);
    let event = "EVENT".to_string();
    assert_eq!(counts.received_in(&[event.clone(), event.clone()]), 3);
    assert_eq!(pending_core::view::badge_text(&counts, &[event.clone(), "CONNECTION".into(), event.clone()]), "5");
    counts.received_by_category.insert("EVENT".into(), u32::MAX);
    assert_eq!(counts.received_in(&[event, "CONNECTION".into()]), u32::MAX);
}

/// `backoff_ms` clamps its random number, but `clamp` lets NaN through, so a NaN
/// made the wait NaN (which `setTimeout` reads as 0: an immediate retry).
#[test]
fn a_nan_jitter_gives_the_shortest_backoff_not_nan() {
    use pending_core::api::limiter::{backoff_ms, retry_delay_ms, RetryPolicy};
    let p = RetryPolicy::default();
    assert_eq!(backoff_ms(&p, 0, f64::NAN), 500.0);
    let network = pending_core::Error::Network("offline".into());
    assert_eq!(retry_delay_ms(&p, &network, 1, 0.0, f64::NAN), Some(1_000.0));
}

/// The CSV formula guard looked at the first character only: a spreadsheet skips
/// leading blanks (NBSP, line breaks, zero-width characters) before a formula and
/// also reads the full-width signs ＝＋－＠ as formula starters.
#[test]
fn csv_guards_formulas_behind_blanks_and_full_width_signs() {
    use pending_core::view::{to_csv, Row};
    let row = |name: &str| Row {
        id: "1".into(),
        name: name.into(),
        url: None,
        headline: None,
        time: None,
        age_secs: None,
        first_seen_days: None,
        category: None,
        company: None,
        newsletter: None,
        message: None,
        actionable: false,
    };
    for formula in ["\u{FF1D}1+1", "\u{FF20}SUM(A1)", " =1", "\u{A0}=1", "\n+1", "\u{200B}-1", "\u{3000}\u{FF0B}1"] {
        let csv = to_csv(&[row(formula)]);
        let first_cell = csv.split("\r\n").nth(1).unwrap().trim_start_matches('"');
        assert!(first_cell.starts_with(&format!("'{formula}")), "{formula:?}: {csv:?}");
    }
    for plain in ["Ava", "a=b", "\u{A0}Ava", "'=1"] {
        let csv = to_csv(&[row(plain)]);
        assert!(!csv.contains(&format!("'{plain}")) || plain.starts_with('\''), "{plain:?}: {csv:?}");
    }
}

/// A base URL with a tab before its trailing slash was accepted with the tab at its
/// end, and accepting that again gave another URL; tabs, line breaks and control
/// characters inside the path were accepted too. None belongs in a plain URL.
#[test]
fn base_urls_with_blanks_or_control_characters_are_refused() {
    use pending_core::api::config::validate_base_url;
    for bad in ["https://api.example.com/linkedin\t/", "https://api.example.com/link\nedin", "https://api.example.com/\u{0}a", "https://api.example.com/a\u{A0}b"] {
        assert!(validate_base_url(bad).is_err(), "{bad:?}");
    }
    assert_eq!(validate_base_url(" https://api.example.com/linkedin/\n").unwrap(), "https://api.example.com/linkedin");
}

/// The ISO date was checked for ten characters in all, not for YYYY-MM-DD: the text
/// "20266-04-2" read as April 2 of the year 20266.
#[test]
fn an_iso_date_needs_four_two_and_two_digits() {
    for text in ["20266-04-2", "2026-4-027", "202-04-270", "20266-04-2T00:00:00Z"] {
        assert_eq!(parse_iso8601_ms(text), None, "{text}");
        assert_eq!(parse_reset_ms(text), None, "{text}");
    }
    assert_eq!(parse_iso8601_ms("2026-04-28"), Some(1_777_334_400_000.0));
}

/// With a window of 0 ms, `record` dropped the request it had just recorded, so the
/// minimum interval (measured from the last request) was never applied.
#[test]
fn the_minimum_interval_holds_with_a_zero_window() {
    let mut limiter = pending_core::api::limiter::RateLimiter::new(1, 0, 34_560);
    limiter.record(1_000.0);
    assert_eq!(limiter.delay_ms(1_257.0), 34_303.0);
    let mut limiter = pending_core::api::limiter::RateLimiter::new(5, 100, 250);
    limiter.record(0.0);
    limiter.record(250.0);
    assert_eq!(limiter.delay_ms(400.0), 100.0);
}

/// A connection whose profile URL is only slashes got the empty key: every such
/// connection of a walk was taken for the first one and dropped, and a page of them
/// ended the walk as a repeated page. Such a URL now falls through to name, headline
/// and date, like a missing one.
#[test]
fn a_profile_url_of_slashes_is_no_identity() {
    use pending_core::api::models::Keyed;
    use pending_core::{api::decode::decode_page, Connection};
    let body = r#"{"connections":[{"firstName":"Ann","profileUrl":"/"},{"firstName":"Bob","profileUrl":"//"}]}"#;
    let page = decode_page::<Connection>(&ok(body.to_string()), 0.0).unwrap();
    let keys: Vec<String> = page.items.iter().map(Keyed::key).collect();
    assert!(keys.iter().all(|k| !k.is_empty()), "{keys:?}");
    assert_ne!(keys[0], keys[1]);
    assert_eq!(pending_core::view::Row::from(&page.items[0]).id, keys[0]);
}

/// Found by `make fuzz` (view, 2026-12-06): a connection whose only identity is a
/// profile URL of blanks and a slash (`"\r/"`) has the key `"\r"`; its row, stored in
/// the first screen and read back, must keep that id, not read it as missing.
#[test]
fn a_row_keeps_a_blank_id_through_storage() {
    let c: pending_core::Connection = serde_json::from_value(serde_json::json!({"profileUrl": "\r/"})).unwrap();
    let row = pending_core::view::Row::from(&c);
    assert_eq!(row.id, "\r");
    let back: pending_core::view::Row = serde_json::from_value(serde_json::to_value(&row).unwrap()).unwrap();
    assert_eq!(back, row);
}
