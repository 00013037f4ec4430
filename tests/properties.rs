//! Property tests, native only: the checks in `tests/props/` over a few thousand
//! generated inputs each. The same checks run under libFuzzer in `fuzz/` (`make fuzz`);
//! here proptest supplies the bytes (and shrinks a failure to a small input), and the
//! inputs are built from them with `arbitrary`, as the fuzz targets build theirs.
//! Every API example of `tests/fixtures/` is checked as it stands too.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::disallowed_types, clippy::disallowed_methods, clippy::disallowed_macros)] // size rules bind the crate, not its tests

mod props;

use arbitrary::Arbitrary;
use pending_core::{Connection, ReceivedInvitation, SentInvitation};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use props::config::{check_api_key, check_base_url, check_config_json, check_profile_url, ConfigCase, UrlText};
use props::decode::{
    check_accounts, check_error_response, check_page, check_rate_headers, error_examples, headers_from_bytes,
    response_from_bytes, AccountsCase, DecodeCase, SurrogateText, FIXTURES, NOW,
    check_repair,
};

/// proptest's settings: `cases` inputs from a fixed seed, so that `make test` is
/// reproducible, and no regression files (a failure becomes a test in
/// `tests/regressions.rs`). `PROPTEST_RNG_SEED` and `PROPTEST_CASES` explore further.
fn cases(cases: u32) -> ProptestConfig {
    let base = ProptestConfig::default();
    let rng_seed = match base.rng_seed {
        RngSeed::Random => RngSeed::Fixed(20_261_201),
        seed => seed,
    };
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { base.cases } else { cases };
    ProptestConfig { cases, rng_seed, failure_persistence: None, ..base }
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// Builds a `T` from the bytes, as a fuzz target does, and checks it; a failure names
/// the input (proptest reports the smallest failing one).
fn with<T: for<'a> Arbitrary<'a> + std::fmt::Debug>(data: &[u8], check: impl FnOnce(&T)) {
    let Some(input) = props::from_bytes::<T>(data) else { return };
    if let Err(e) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input))) {
        let message = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
        panic!("{}\ninput: {input:#?}", message.unwrap_or_default());
    }
}

fn check_every_decoder(resp: &pending_core::api::decode::RawResponse) {
    check_page::<SentInvitation>(resp);
    check_page::<ReceivedInvitation>(resp);
    check_page::<Connection>(resp);
    check_accounts(resp);
    check_error_response(resp);
    check_rate_headers(&resp.headers, NOW);
}

#[test]
fn every_fixture_and_error_example_as_it_stands() {
    for body in FIXTURES {
        check_every_decoder(&response_from_bytes(body.as_bytes()));
    }
    for (status, body) in error_examples() {
        check_every_decoder(&response_from_bytes(format!("{status}\nretry-after: 30\n\n{body}").as_bytes()));
    }
}

proptest! {
    #![proptest_config(cases(2500))]

    #[test]
    fn sent_pages(data in bytes(600)) {
        with(&data, |c: &DecodeCase| check_page::<SentInvitation>(&c.response));
    }

    #[test]
    fn received_pages(data in bytes(600)) {
        with(&data, |c: &DecodeCase| check_page::<ReceivedInvitation>(&c.response));
    }

    #[test]
    fn connection_pages(data in bytes(600)) {
        with(&data, |c: &DecodeCase| check_page::<Connection>(&c.response));
    }

    #[test]
    fn accounts(data in bytes(600)) {
        with(&data, |c: &DecodeCase| check_accounts(&c.response));
        with(&data, |c: &AccountsCase| check_accounts(&c.response()));
    }

    #[test]
    fn error_bodies(data in bytes(600)) {
        with(&data, |c: &DecodeCase| {
            check_error_response(&c.response);
            check_rate_headers(&c.response.headers, NOW);
        });
    }

    #[test]
    fn surrogate_pre_pass(data in bytes(200), text in any::<String>()) {
        with(&data, |t: &SurrogateText| check_repair(&t.0));
        check_repair(&text);
    }

    #[test]
    fn raw_responses(data in bytes(400)) {
        check_every_decoder(&response_from_bytes(&data));
        check_rate_headers(&headers_from_bytes(&data), NOW);
    }
}

proptest! {
    #![proptest_config(cases(4000))]

    #[test]
    fn time_parsers_on_any_text(text in any::<String>()) {
        props::time::check_text(&text);
    }

    #[test]
    fn time_parsers_on_well_formed_times(data in bytes(64)) {
        with(&data, |c: &props::time::TimeCase| c.check());
    }

    #[test]
    fn profile_links(data in bytes(128), text in any::<String>()) {
        check_profile_url(&text);
        with(&data, |t: &props::text::Text| check_profile_url(&t.0));
    }

    #[test]
    fn base_urls_keys_and_settings(data in bytes(256), text in any::<String>()) {
        check_base_url(&text);
        check_api_key(&text);
        check_config_json(&text);
        with(&data, |u: &UrlText| check_base_url(&u.0));
        with(&data, |c: &ConfigCase| c.check());
    }

    #[test]
    fn csv_export(data in bytes(1024)) {
        with(&data, |c: &props::csv::CsvCase| c.check());
    }

    #[test]
    fn list_walks(data in bytes(512)) {
        with(&data, |c: &props::walk::WalkCase| c.check());
    }

    #[test]
    fn pacing_and_retries(data in bytes(1024)) {
        with(&data, |c: &props::limiter::LimiterCase| c.check());
    }

    #[test]
    fn views_badge_and_freshness(data in bytes(1024)) {
        with(&data, |c: &props::view::ViewCase| c.check());
    }

    #[test]
    fn write_answers(data in bytes(400)) {
        props::actions::check_write_response(&response_from_bytes(&data));
        with(&data, |c: &DecodeCase| props::actions::check_write_response(&c.response));
    }

    #[test]
    fn age_labels_and_first_sight(text in any::<String>(), back in any::<u32>(), seen in any::<Option<u64>>()) {
        props::actions::check_age(&text, back, seen.map(|s| s % (4_000 * 86_400_000)));
        for label in ["2 weeks ago", "1 year ago", "3 days ago", "yesterday", "just now", "Connected on Feb 15, 2024"] {
            props::actions::check_age(label, back % 86_400_000, seen.map(|s| s % (800 * 86_400_000)));
        }
    }
}

proptest! {
    // Scripts long enough to send, stop, restart and send again: more cases than the
    // others, as the orders that break a queue are rarer.
    #![proptest_config(cases(8000))]

    #[test]
    fn action_queue_runs(data in bytes(1024)) {
        with(&data, |c: &props::actions::QueueCase| c.check());
    }
}
