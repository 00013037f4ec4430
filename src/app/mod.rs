//! **The app layer**: the background's decisions. The controller every browser event
//! and page message goes to, what a refresh fetches, the bulk action runs, the alerts,
//! and the typed protocol between the pages and the background.
//!
//! It uses every layer below it: the API layer (the client and its values), the view
//! layer (the badge's number) and the store layer (what it reads and writes through its
//! host). Only the bindings use it. Everything here is plain Rust over a [`Host`] (the
//! browser, or a fake one in native tests) and a transport; nothing calls the browser
//! itself.
//!
//! | module | what it holds |
//! |---|---|
//! | [`controller`] | [`App`]: status and its transitions, errors, the badge, refreshes, resumed walks, action runs, the connections cursor |
//! | [`refresh`] | when to refresh what, and what a day of refreshes costs (pure) |
//! | [`queue`] | the action run: one write at a time, paced, capped per day, resumable (pure) |
//! | [`alerts`] | which new received invitations a refresh notifies about |
//! | [`protocol`] | the typed [`protocol::Request`] / [`protocol::Reply`] between pages and background |

pub mod alerts;
pub mod controller;
pub mod protocol;
pub mod queue;
pub mod refresh;

pub use controller::{actions_view, status_view, ActionsView, App, Badge, Host, StatusView, BLOCKING};
