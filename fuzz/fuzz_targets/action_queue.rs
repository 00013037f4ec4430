#![no_main]
//! The action queue driven by any script of steps, answers, stops, worker restarts,
//! reloads, clock jumps and account changes, with any settings.
use libfuzzer_sys::fuzz_target;
use pending_core_fuzz::props::actions::QueueCase;

fuzz_target!(|case: QueueCase| case.check());
