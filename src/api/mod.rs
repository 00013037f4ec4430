//! **The API layer**: the ConnectSafely API as typed Rust. Its requests, pacing,
//! retries and list walks, what its answers mean, and the values it hands back.
//!
//! It is the bottom layer. It uses no other layer of the crate: it knows nothing of
//! `storage.local`, the popup or the background. The layers above it (`view`, `store`,
//! `app`, the bindings) use it. Everything here is pure, except the client and its
//! requests, which go through the [`transport::Transport`] seam (a fake one in native
//! tests, `fetch` on WebAssembly).
//!
//! | module | what it holds |
//! |---|---|
//! | [`transport`] | the seam: GET, POST, sleep, clocks, cancellation; `fetch` on WebAssembly |
//! | [`client`] | endpoints, the one retry loop, [`client::Pager`], (scoped) syncs |
//! | [`decode`] | status + headers + body → a page (item by item) or a typed error |
//! | [`paginate`] | the stop and guard rules of a list walk |
//! | [`limiter`] | pacing: per-account and per-key budgets, priorities, sliding windows; backoff, retry decisions |
//! | [`actions`] | the two write endpoints: requests, bodies, what an answer means; the quota |
//! | [`sync`] | the [`sync::Snapshot`] a sync produces, and its counts |
//! | [`models`] | typed list items, lenient where the API is loose |
//! | [`time`] | relative times, dates, reset times |
//! | [`error`] | the one [`error::Error`] and its report |
//! | [`config`] | validated configuration; the key's redaction; where a base URL sends it |
//! | [`lenient`] | serde field helpers for outside data (the API's, storage's, pages') |
//! | [`objects`] | the one JSON value reader: structs from objects only, paths of failures |

pub mod actions;
pub mod client;
pub mod config;
pub mod decode;
pub mod error;
pub mod lenient;
pub mod limiter;
pub mod models;
pub mod objects;
pub mod paginate;
pub mod sync;
pub mod time;
pub mod transport;
