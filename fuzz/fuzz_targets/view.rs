#![no_main]
//! `Row` conversions, `view::apply`, `Counts`, `badge_text` and `freshness` over messy items,
//! rows, queries, counts and settings.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::view::ViewCase;

fuzz_target!(|case: ViewCase| case.check());
