//! Property checks shared by the property tests (`tests/properties.rs`, part of
//! `make test`) and the cargo-fuzz targets (`fuzz/`, run by `make fuzz`).
//!
//! Every `check_*` function takes one input and panics, saying which property broke,
//! when the crate misbehaves on it. Inputs are built from raw bytes with `arbitrary`
//! ([`from_bytes`]): libFuzzer's bytes in `fuzz/`, proptest's random bytes in the tests,
//! so both runners explore the same input grammar. The decoders' fuzz targets read a
//! plain-text response format instead ([`decode::response_from_bytes`]), so that the
//! API examples in `tests/fixtures/` are their seeds as they stand.
//!
//! The module only calls the crate's public API; model structs are built by decoding
//! JSON, never by struct literals, so a change of their fields does not break it.
#![allow(dead_code)]

pub mod actions;
pub mod config;
pub mod csv;
pub mod decode;
pub mod limiter;
pub mod text;
pub mod time;
pub mod view;
pub mod walk;

/// Builds a `T` from raw bytes the way a typed fuzz target does (all of the bytes,
/// `arbitrary_take_rest`). `None` when the bytes do not make a `T`.
pub fn from_bytes<'a, T: arbitrary::Arbitrary<'a>>(data: &'a [u8]) -> Option<T> {
    T::arbitrary_take_rest(arbitrary::Unstructured::new(data)).ok()
}
