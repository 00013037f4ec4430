//! One list as the popup shows it, held between calls ([`ListView`]): rows prepared
//! once per change, each query a scan of them, only what is on screen handed out.

use super::chart::{age_chart, AgeChart};
use super::csv::to_csv;
use super::rows::Row;
use super::search::{fold, haystack, Filter, Order, ViewQuery};

/// Filters and orders `rows` as `query` says (a [`ListView`] used once).
pub fn apply(rows: Vec<Row>, query: &ViewQuery) -> Vec<Row> {
    let mut view = ListView::default();
    view.set_rows(rows);
    view.set_query(query.clone());
    view.into_shown()
}

/// A position in a list, as stored in a view's order (lists stay far below 2³²).
fn position(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// One list as the popup shows it, held between calls: the rows are decoded and their
/// search text folded once per change of the items ([`ListView::set_rows`],
/// [`ListView::add_rows`]), and each query ([`ListView::set_query`]) keeps only the
/// order of the rows it shows, as positions. Only what is on screen is handed out
/// ([`ListView::slice`]); the CSV is made from the shown rows here ([`ListView::csv`]).
///
/// A keystroke is a scan of the prepared texts; a longer search than the last one (the
/// user typed on) scans only the rows the last one kept. The newest- and oldest-first
/// orders are sorted once per change of the items and then only filtered.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    rows: Vec<Row>,
    hay: Vec<String>,
    query: ViewQuery,
    /// Positions in `rows` of the shown rows, in the order shown.
    shown: Vec<u32>,
    newest: Option<Vec<u32>>,
    oldest: Option<Vec<u32>>,
    /// Set while the view shows a stored first screen ([`ListView::prime`]): how many
    /// rows the whole list has.
    primed: Option<usize>,
}

impl ListView {
    /// An empty view with the server's order and no filter.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the rows; the current query applies to them.
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        self.hay = rows.iter().map(haystack).collect();
        self.rows = rows;
        self.primed = None;
        self.forget_orders();
        self.refilter();
    }

    /// Appends rows (a further page of a list loaded as the user scrolls); in the
    /// server's order only the new rows are filtered.
    pub fn add_rows(&mut self, rows: Vec<Row>) {
        if self.primed.is_some() {
            return self.set_rows(rows);
        }
        let from = self.rows.len();
        self.hay.extend(rows.iter().map(haystack));
        self.rows.extend(rows);
        self.forget_orders();
        if self.query.order == Order::Server {
            let filter = Filter::new(&self.query);
            for i in from..self.rows.len() {
                if let (Some(row), Some(hay)) = (self.rows.get(i), self.hay.get(i)) {
                    if filter.keeps(row, hay) {
                        self.shown.push(position(i));
                    }
                }
            }
        } else {
            self.refilter();
        }
    }

    /// Shows `rows`, the first rows of a list of `count` (a stored first screen, already
    /// in the order shown), until [`ListView::set_rows`] brings the whole list. A query
    /// set meanwhile is kept for the whole list.
    pub fn prime(&mut self, rows: Vec<Row>, count: usize) {
        self.hay = rows.iter().map(haystack).collect();
        self.shown = (0..rows.len()).map(position).collect();
        self.primed = Some(count.max(rows.len()));
        self.rows = rows;
        self.forget_orders();
    }

    /// Whether the view shows a stored first screen rather than the whole list.
    pub fn is_primed(&self) -> bool {
        self.primed.is_some()
    }

    /// Applies `query`; returns how many rows it keeps.
    pub fn set_query(&mut self, query: ViewQuery) -> usize {
        let narrows = self.primed.is_none()
            && query.category == self.query.category
            && query.older_than_weeks == self.query.older_than_weeks
            && query.bucket == self.query.bucket
            && query.order == self.query.order
            && fold(query.search.trim()).contains(fold(self.query.search.trim()).as_str());
        self.query = query;
        if self.primed.is_some() {
            return self.count();
        }
        if narrows {
            // Every row a longer search finds, the shorter one found: scan only those.
            let filter = Filter::new(&self.query);
            let (rows, hay) = (&self.rows, &self.hay);
            self.shown.retain(|&i| {
                let i = i as usize;
                matches!((rows.get(i), hay.get(i)), (Some(row), Some(h)) if filter.keeps(row, h))
            });
        } else {
            self.refilter();
        }
        self.count()
    }

    /// The query in force.
    pub fn query(&self) -> &ViewQuery {
        &self.query
    }

    /// How many rows the query keeps.
    pub fn count(&self) -> usize {
        self.primed.unwrap_or(self.shown.len())
    }

    /// How many rows the list has, whatever the query.
    pub fn total(&self) -> usize {
        self.primed.unwrap_or(self.rows.len())
    }

    /// The shown rows at positions `start..end` (clamped to what there is).
    pub fn slice(&self, start: usize, end: usize) -> Vec<&Row> {
        let end = end.min(self.shown.len());
        let start = start.min(end);
        self.shown.get(start..end).unwrap_or_default().iter().filter_map(|&i| self.rows.get(i as usize)).collect()
    }

    /// Every shown row, in order.
    pub fn shown(&self) -> impl Iterator<Item = &Row> {
        self.shown.iter().filter_map(|&i| self.rows.get(i as usize))
    }

    /// The age chart of every row of the list, whatever the query (the Sent tab's five
    /// bars: this week, 1–2 weeks, 2–4 weeks, 1–3 months, older).
    pub fn age_chart(&self) -> AgeChart {
        age_chart(self.rows.iter().map(|r| r.age_secs))
    }

    /// The CSV export of exactly the shown rows (see [`to_csv`]).
    pub fn csv(&self) -> String {
        to_csv(self.shown())
    }

    /// The first `n` rows `query` would show, and how many it keeps in all, without
    /// changing the view.
    pub fn first_rows(&mut self, query: &ViewQuery, n: usize) -> (usize, Vec<Row>) {
        self.sort_for(query.order);
        let filter = Filter::new(query);
        let order = self.sorted(query.order);
        let (rows, hay) = (&self.rows, &self.hay);
        let mut kept = 0;
        let mut first = Vec::new();
        let mut visit = |i: usize| {
            if let (Some(row), Some(h)) = (rows.get(i), hay.get(i)) {
                if filter.keeps(row, h) {
                    kept += 1;
                    if first.len() < n {
                        first.push(row.clone());
                    }
                }
            }
        };
        match order {
            Some(order) => order.iter().for_each(|&i| visit(i as usize)),
            None => (0..rows.len()).for_each(&mut visit),
        }
        (kept, first)
    }

    /// The shown rows, by value.
    pub fn into_shown(self) -> Vec<Row> {
        let mut slots: Vec<Option<Row>> = self.rows.into_iter().map(Some).collect();
        self.shown.iter().filter_map(|&i| slots.get_mut(i as usize).and_then(Option::take)).collect()
    }

    fn forget_orders(&mut self) {
        self.newest = None;
        self.oldest = None;
    }

    /// Sorts the positions of all rows for `order` unless done since the rows changed.
    fn sort_for(&mut self, order: Order) {
        let rows = &self.rows;
        // One sort of (key, position) pairs: equal ages keep the server's order, unknown
        // ages go last, and only this small instantiation of sort ships in the WASM.
        let sorted = |key: fn(u32) -> u64| {
            let mut keyed: Vec<(u64, u32)> =
                rows.iter().enumerate().map(|(i, r)| (r.age_secs.map_or(u64::MAX, key), position(i))).collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, i)| i).collect::<Vec<u32>>()
        };
        match order {
            Order::Server => {}
            Order::Newest => {
                self.newest.get_or_insert_with(|| sorted(u64::from));
            }
            Order::Oldest => {
                self.oldest.get_or_insert_with(|| sorted(|a| u64::from(u32::MAX - a)));
            }
        }
    }

    /// The positions of all rows in `order` as sorted by [`ListView::sort_for`];
    /// `None` for the server's order (the rows as stored).
    fn sorted(&self, order: Order) -> Option<&[u32]> {
        match order {
            Order::Server => None,
            Order::Newest => Some(self.newest.as_deref().unwrap_or_default()),
            Order::Oldest => Some(self.oldest.as_deref().unwrap_or_default()),
        }
    }

    fn refilter(&mut self) {
        self.sort_for(self.query.order);
        let filter = Filter::new(&self.query);
        let (rows, hay) = (&self.rows, &self.hay);
        let keeps = |i: usize| matches!((rows.get(i), hay.get(i)), (Some(row), Some(h)) if filter.keeps(row, h));
        let shown: Vec<u32> = match self.sorted(self.query.order) {
            Some(order) => order.iter().copied().filter(|&i| keeps(i as usize)).collect(),
            None => (0..rows.len()).filter(|&i| keeps(i)).map(position).collect(),
        };
        self.shown = shown;
    }
}
