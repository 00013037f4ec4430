//! **The view layer**: what the extension's lists show. Rows, search, filters,
//! sorting, CSV, the badge's number, the age chart, and the popup's lists held between
//! calls with the first screen it stores.
//!
//! It uses only the API layer below it (the items, the snapshot, the write requests'
//! rules, the lenient readers). The store (which stores the popup's first screen), the
//! controller (`app`, the badge) and the bindings use it.
//!
//! The popup keeps its three lists in a [`Views`] while it is open: the items cross
//! into it once per change (a snapshot, a page of connections), the user's choices once
//! per keystroke, and the popup renders only the [`Row`]s on screen
//! ([`ListView::slice`]); no filtering or formatting logic lives in JavaScript. Every
//! field of a row is plain text for `textContent`, and [`Row::url`] is set only for a
//! safe `https://www.linkedin.com/` profile URL.
//!
//! | module | what it holds |
//! |---|---|
//! | [`rows`] | [`Row`]: one item as a list shows it, and how one is read back |
//! | [`search`] | [`ViewQuery`]: search, category, age and order; folding text for search |
//! | [`list`] | [`ListView`]: one list held between calls, filtered as the user types |
//! | [`popup`] | [`Views`]: the popup's three lists, and its stored [`FirstScreen`] |
//! | [`csv`] | the CSV export, guarded against spreadsheet formulas |
//! | [`chart`] | the Sent tab's age buckets and chart |
//! | [`labels`] | the badge's number; a tab's count; an error's note of what is shown; how fresh a snapshot is |

pub mod chart;
pub mod csv;
pub mod labels;
pub mod list;
pub mod popup;
pub mod rows;
pub mod search;

pub use chart::{age_chart, AgeBucket, AgeChart, Bar};
pub use csv::to_csv;
pub use labels::{badge_text, error_note, freshness, tab_count, ErrorNote, ErrorScene, Freshness, Shown, TabCount};
pub use list::{apply, ListView};
pub use popup::{FirstScreen, FirstScreenWrite, ListName, Views, FIRST_SCREEN_ROWS};
pub use rows::{category_key, Row};
pub use search::{fold, Order, ViewQuery};

#[cfg(test)]
mod tests;
