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
//!
//! Four layers, each a folder of `src/`, and the bindings on top. A layer uses only
//! the layers below it, without circles, and no module file is longer than 900 lines
//! (`tests/layers.rs` reads `src/` and checks both):
//!
//! | layer | what it holds | uses | I/O |
//! |---|---|---|---|
//! | `bindings` | the JavaScript API (`wasm-bindgen`), WebAssembly only | all | the browser |
//! | [`app`] | the background's controller: status, errors, badge, refreshes, action runs; the refresh policy, the action queue, alerts, the page ↔ background protocol | store, view, api | through [`app::Host`] |
//! | [`store`] | what `storage.local` holds (settings, snapshot, status, first screen, first-seen times, the acceptance history), read back defensively | view, api | none |
//! | [`view`] | rows, search, filters, orders, CSV, the badge's number, the age chart; the popup's held lists and first screen | api | none |
//! | [`api`] | the ConnectSafely API: transport, client, decoding, paging, pacing, the write endpoints, the snapshot, models, errors, configuration, lenient readers | — | through [`Transport`] |
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
pub mod app;
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
