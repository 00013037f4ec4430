//! # pending-core
//!
//! A typed client for the ConnectSafely LinkedIn API (`https://api.connectsafely.ai/linkedin`)
//! and the logic of the *Pending* browser extension, compiled to WebAssembly.
//!
//! It fetches the invitations an account has sent and received and its connections,
//! pages through them safely, paces and retries requests, and aggregates one
//! [`Snapshot`] for the extension to render.
//!
//! ## Layers
//! | module | what it holds | I/O |
//! |---|---|---|
//! | [`api::models`] | typed list items, lenient where the API is loose | none |
//! | [`api::time`] | relative-time and reset-time parsing | none |
//! | [`api::error`] | the one [`Error`] type and its JSON report | none |
//! | [`api::lenient`] | serde field helpers for the API's and storage's loose spots | none |
//! | [`api::decode`] | status + headers + body → page (item by item) or typed error | none |
//! | [`api::paginate`] | the stop and guard rules of a list walk | none |
//! | [`api::limiter`] | sliding-window pacing, backoff, retry decisions | none |
//! | [`api::config`] | validated configuration; the API key's redaction | none |
//! | [`api::client`] | endpoints, retry loop, [`Pager`], sync | through [`Transport`] |
//! | [`api::sync`] | the [`Snapshot`] and its counts | none |
//! | [`refresh`] | when to refresh what; what a day of refreshes costs | none |
//! | [`store`] | what `storage.local` holds, read back defensively | none |
//! | [`api::transport`] | the [`Transport`] seam; `fetch` on WebAssembly | fetch |
//! | [`view`] | rows, search, filters, CSV and badge text; the popup's held lists | none |
//! | [`protocol`] | the typed [`protocol::Request`] / [`protocol::Reply`] between pages and background | none |
//! | [`app`] | the background's controller: status, errors, badge, refreshes, cursor | through [`app::Host`] |
//! | `bindings` | the JavaScript API (`wasm-bindgen`), WebAssembly only | — |
//!
//! Everything but the fetch transport and the bindings is plain Rust, tested natively
//! with a fake transport and a fake clock (`cargo test`); the rest is tested in headless
//! Chrome and Firefox against the local mock API (`tests/`).
//!
//! ## Example (native, with any [`Transport`])
//! ```no_run
//! # async fn run<T: pending_core::Transport>(transport: T) -> Result<(), pending_core::Error> {
//! use pending_core::{Client, Config};
//! let config = Config::new("https://api.connectsafely.ai/linkedin", "YOUR_KEY", None)?;
//! let client = Client::new(config, transport);
//! let snapshot = client.sync(&mut |p| println!("{:?}: page {}", p.list, p.pages)).await?;
//! println!("{} sent, {} received pending", snapshot.counts.sent, snapshot.counts.received);
//! # Ok(()) }
//! ```
#![deny(missing_docs, missing_debug_implementations)]
#![warn(rust_2018_idioms)]
// No panic reachable from API data, headers, storage or settings: no indexing or slicing
// that can go out of bounds, no unwrap or expect. (Tests may.)
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used))]
// The Unicode case tables stay out of the WebAssembly (clippy.toml).
#![cfg_attr(not(test), deny(clippy::disallowed_methods))]
#![cfg_attr(test, allow(clippy::disallowed_methods))]

pub mod api;
pub mod alerts;
pub mod app;
pub mod protocol;
pub mod queue;
pub mod refresh;
pub mod store;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod bindings;

/// The allocator on WebAssembly: talc, which grows the memory as dlmalloc does but
/// compiles to 2.6 KB (gzipped) less (docs/size.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use api::client::{Client, Collected, Counters, List, Pager, Progress, SortBy};
pub use api::config::{ApiKey, Config, ConfigInput, DEFAULT_BASE_URL};
pub use api::decode::{Page, Skips};
pub use api::error::{Error, ErrorReport, PaginationError};
pub use api::models::{linkedin_profile_url, Account, Category, Connection, Profile, ReceivedInvitation, SentInvitation};
pub use api::sync::{CategoryCounts, Cost, Counts, Snapshot};
pub use api::transport::{HttpRequest, Transport};
#[cfg(target_arch = "wasm32")]
pub use api::transport::fetch::FetchTransport;
