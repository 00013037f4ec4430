#![no_main]
//! `view::to_csv`: strict RFC 4180 that parses back to the rows, and the formula guard.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::csv::CsvCase;

fuzz_target!(|case: CsvCase| case.check());
