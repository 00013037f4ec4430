#![no_main]
//! `decode::<Vec<Account>>` (`GET /accounts`) on a response read from the bytes, and on
//! accounts with every status word built from the same bytes; attention and
//! usability must agree.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::decode::{check_accounts, response_from_bytes, AccountsCase};
use pending_core_fuzz::props::from_bytes;

fuzz_target!(|data: &[u8]| {
    check_accounts(&response_from_bytes(data));
    if let Some(case) = from_bytes::<AccountsCase>(data) {
        check_accounts(&case.response());
    }
});
