//! The property checks of `tests/props/` (shared with the native property tests,
//! `tests/properties.rs`), as a library for the fuzz targets in `fuzz_targets/`.

#[path = "../../tests/props/mod.rs"]
pub mod props;
