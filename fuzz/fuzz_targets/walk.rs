#![no_main]
//! `paginate::Walk` on any sequence of pages (the documented decisions and the request
//! bounds) and on honest servers (the whole list, the exact request count).
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::walk::WalkCase;

fuzz_target!(|case: WalkCase| case.check());
