//! What the extension's lists show: rows, search, filters, sorting, CSV, the badge.
//!
//! The popup keeps its three lists in a [`Views`] while it is open: the items cross
//! into it once per change (a snapshot, a page of connections), the user's choices once
//! per keystroke, and the popup renders only the [`Row`]s on screen
//! ([`ListView::slice`]); no filtering or formatting logic lives in JavaScript. Every
//! field of a row is plain text for `textContent`, and [`Row::url`] is set only for a
//! safe `https://www.linkedin.com/` profile URL.

use crate::api::models::{linkedin_profile_url, Category, Connection, ReceivedInvitation, SentInvitation};
use crate::api::sync::{Counts, Snapshot, Summary, OTHER_CATEGORY};
use serde::{Deserialize, Deserializer, Serialize};
use tsify::Tsify;

/// One rendered row of any list.
///
/// A row handed back from JavaScript (a stored first screen) is read as strictly as an
/// API item: an id or a text field of the wrong kind makes it unreadable; its link is
/// checked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", from = "StoredRow")]
pub struct Row {
    /// Stable identity (invitation id, or the connection's key).
    pub id: String,
    /// Full name; `"(no name)"` never appears: empty when the API sent none.
    pub name: String,
    /// The profile link, only when it is a safe `https://www.linkedin.com/` URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// The API's relative time text, raw.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Approximate age in seconds, when the time text could be parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age_secs: Option<u32>,
    /// Received invitations: the category key (`CONNECTION` …, or `OTHER`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Organization invitations: the company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Newsletter invitations: the newsletter's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newsletter: Option<String>,
    /// The invitation's note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Whether the row's action (withdraw; accept and ignore) can be sent: the item has
    /// every field the API needs. A row without them offers no action and is left out
    /// of bulk actions. Read back as `true` only from `true`.
    pub actionable: bool,
}

/// A [`Row`] as read back from JavaScript: the reading rules of each field. The struct
/// above is what is written, and declared to TypeScript.
#[derive(Deserialize)]
#[serde(rename = "Row", rename_all = "camelCase")]
struct StoredRow {
    #[serde(default, deserialize_with = "id_or_empty")]
    id: String,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    name: String,
    #[serde(default, deserialize_with = "safe_url_text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    headline: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    time: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    age_secs: Option<u32>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    category: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    company: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    newsletter: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "only_true")]
    actionable: bool,
}

impl From<StoredRow> for Row {
    fn from(r: StoredRow) -> Self {
        let StoredRow { id, name, url, headline, time, age_secs, category, company, newsletter, message, actionable } = r;
        Row { id, name, url, headline, time, age_secs, category, company, newsletter, message, actionable }
    }
}

/// A row's id as written (text kept as it is, even blank: it is the row's own key, e.g.
/// a connection's normalized profile URL; or a whole number), `""` when missing;
/// anything else is an error.
fn id_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Null => Ok(String::new()),
        serde_json::Value::Number(n) if n.as_u64().is_some() => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!("expected an id (text or a whole number), found {other}"))),
    }
}

/// Text kept only when it is a safe profile link: a row handed back from JavaScript
/// links only what is safe.
fn safe_url_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(crate::api::lenient::text(d)?.as_deref().and_then(linkedin_profile_url))
}

/// `true` only for `true`; anything else is `false`.
fn only_true<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(matches!(serde_json::Value::deserialize(d)?, serde_json::Value::Bool(true)))
}

/// Sort orders of a list view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// The server's order.
    #[default]
    Server,
    /// Youngest first; items of unknown age last.
    Newest,
    /// Oldest first; items of unknown age last.
    Oldest,
}

/// The user's choices for a list view.
///
/// Read leniently: an unknown order is the server's, a malformed field is no filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Tsify)]
#[serde(default, rename_all = "camelCase")]
pub struct ViewQuery {
    /// Case-insensitive text matched against name, headline and company.
    #[serde(deserialize_with = "loose_text_or_empty")]
    pub search: String,
    /// Only this category (received invitations); `None` or `""` for all.
    #[serde(deserialize_with = "crate::api::lenient::loose_text")]
    #[tsify(optional)]
    pub category: Option<String>,
    /// Only items at least this many weeks old (items of unknown age are left out).
    #[serde(deserialize_with = "crate::api::lenient::count")]
    #[tsify(optional)]
    pub older_than_weeks: Option<u32>,
    /// Only items of this age bucket (a bar of the Sent tab's chart).
    #[serde(deserialize_with = "bucket")]
    #[tsify(optional)]
    pub bucket: Option<crate::ages::AgeBucket>,
    /// The order.
    #[serde(deserialize_with = "order")]
    #[tsify(type = r#""server" | "newest" | "oldest""#)]
    pub order: Order,
}

/// Text, `""` when missing, blank or of another kind.
fn loose_text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.unwrap_or_default())
}

/// An age bucket's name ([`crate::ages::AgeBucket::as_str`]); anything else is none.
fn bucket<'de, D: Deserializer<'de>>(d: D) -> Result<Option<crate::ages::AgeBucket>, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.as_deref().and_then(crate::ages::AgeBucket::parse))
}

/// `"newest"` or `"oldest"`; anything else is the server's order.
fn order<'de, D: Deserializer<'de>>(d: D) -> Result<Order, D::Error> {
    Ok(match crate::api::lenient::loose_text(d)?.as_deref() {
        Some("newest") => Order::Newest,
        Some("oldest") => Order::Oldest,
        _ => Order::Server,
    })
}

impl ViewQuery {
    /// The query the popup's Sent tab opens with: newest first, no filter. The stored
    /// first screen ([`FirstScreen`]) is computed with it.
    pub fn opening() -> Self {
        ViewQuery { order: Order::Newest, ..ViewQuery::default() }
    }
}

/// The category key a received invitation is counted under.
pub fn category_key(c: &Category) -> &str {
    match c {
        Category::Other(_) | Category::Missing => OTHER_CATEGORY,
        known => known.as_str(),
    }
}

fn safe_url(url: &Option<String>) -> Option<String> {
    url.as_deref().and_then(linkedin_profile_url)
}

impl From<&SentInvitation> for Row {
    fn from(s: &SentInvitation) -> Row {
        Row {
            id: s.invitation_id.clone(),
            name: s.profile.full_name(),
            url: safe_url(&s.profile.profile_url),
            headline: s.profile.headline.clone(),
            time: s.sent_at.clone(),
            age_secs: s.age_secs,
            category: None,
            company: None,
            newsletter: None,
            message: s.message.clone(),
            actionable: crate::api::actions::WithdrawRequest::from_sent(s, None).is_ok(),
        }
    }
}

impl From<&ReceivedInvitation> for Row {
    fn from(r: &ReceivedInvitation) -> Row {
        Row {
            id: r.invitation_id.clone(),
            name: r.profile.full_name(),
            url: safe_url(&r.profile.profile_url),
            headline: r.profile.headline.clone(),
            time: r.received_at.clone(),
            age_secs: r.age_secs,
            category: Some(category_key(&r.invitation_category).to_string()),
            company: r.company_name.clone(),
            newsletter: r.newsletter_name.clone(),
            message: r.note().map(str::to_string),
            actionable: crate::api::actions::RespondRequest::from_received(r, crate::api::actions::RespondAction::Accept, None).is_ok(),
        }
    }
}

impl From<&Connection> for Row {
    fn from(c: &Connection) -> Row {
        Row {
            id: crate::api::models::Keyed::key(c),
            name: c.full_name(),
            url: safe_url(&c.profile_url),
            headline: c.headline.clone(),
            time: c.connected_date.clone(),
            age_secs: c.age_secs,
            category: None,
            company: None,
            newsletter: None,
            message: None,
            actionable: false,
        }
    }
}

/// The base letter of each character of U+00C0..=U+017F (Latin-1 Supplement and
/// Latin Extended-A), lower case, accents removed; `.` keeps the character (× and ÷).
const LATIN_BASE: &[u8; 192] = b"aaaaaaaceeeeiiiidnooooo.ouuuuytsaaaaaaaceeeeiiiidnooooo.ouuuuytyaaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// One character folded for search: lower case, and for Latin letters without their
/// accents ("Müller" is found by "muller"). Greek and Cyrillic capitals map to their
/// lower case; other scripts match as typed. No Unicode tables are compiled in.
fn fold_char(c: char) -> char {
    let cp = u32::from(c);
    let shifted = |by: u32| char::from_u32(cp + by).unwrap_or(c);
    match cp {
        0x41..=0x5A => shifted(0x20),
        0xC0..=0x17F => match LATIN_BASE.get((cp - 0xC0) as usize) {
            Some(b'.') | None => c,
            Some(b) => char::from(*b),
        },
        0x391..=0x3A1 | 0x3A3..=0x3A9 | 0x410..=0x42F => shifted(0x20),
        0x400..=0x40F => shifted(0x50),
        _ => c,
    }
}

/// `s` folded for search: lower case, Latin letters without their accents ("Müller" is
/// found by "muller"), Greek and Cyrillic capitals in lower case, other scripts as typed.
pub fn fold(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Filters and orders `rows` as `query` says (a [`ListView`] used once).
pub fn apply(rows: Vec<Row>, query: &ViewQuery) -> Vec<Row> {
    let mut view = ListView::default();
    view.set_rows(rows);
    view.set_query(query.clone());
    view.into_shown()
}

/// What a query keeps: the folded search text, the category and the minimum age.
#[derive(Debug)]
struct Filter<'q> {
    needle: String,
    category: Option<&'q str>,
    min_age: Option<u32>,
    bucket: Option<crate::ages::AgeBucket>,
}

impl<'q> Filter<'q> {
    fn new(query: &'q ViewQuery) -> Self {
        Filter {
            needle: fold(query.search.trim()),
            category: query.category.as_deref().filter(|c| !c.is_empty()),
            min_age: query.older_than_weeks.filter(|w| *w > 0).map(|w| w.saturating_mul(7 * 86_400)),
            bucket: query.bucket,
        }
    }

    /// Whether `row`, whose prepared search text is `hay`, is kept.
    fn keeps(&self, row: &Row, hay: &str) -> bool {
        self.category.is_none_or(|c| row.category.as_deref() == Some(c))
            && self.min_age.is_none_or(|min| row.age_secs.is_some_and(|a| a >= min))
            && self.bucket.is_none_or(|b| b.contains(row.age_secs))
            && (self.needle.is_empty() || self.finds(row, hay))
    }

    fn finds(&self, row: &Row, hay: &str) -> bool {
        if !self.needle.contains(HAY_SEPARATOR) {
            // The fields are folded once and joined by a character the needle lacks,
            // so a match never spans two fields.
            return hay.contains(self.needle.as_str());
        }
        searched_fields(row).any(|field| fold(field).contains(self.needle.as_str()))
    }
}

/// Separates the fields of a row's prepared search text.
const HAY_SEPARATOR: char = '\u{0}';

/// The fields a search looks at: name, headline, company, newsletter.
fn searched_fields(r: &Row) -> impl Iterator<Item = &String> {
    [Some(&r.name), r.headline.as_ref(), r.company.as_ref(), r.newsletter.as_ref()].into_iter().flatten()
}

/// A row's search text, folded once: its searched fields joined by [`HAY_SEPARATOR`].
fn haystack(r: &Row) -> String {
    let mut hay = String::new();
    for (i, field) in searched_fields(r).enumerate() {
        if i > 0 {
            hay.push(HAY_SEPARATOR);
        }
        hay.extend(field.chars().map(fold_char));
    }
    hay
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
    pub fn age_chart(&self) -> crate::ages::AgeChart {
        crate::ages::age_chart(self.rows.iter().map(|r| r.age_secs))
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

/// The popup's three lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum ListName {
    /// Sent invitations (from the snapshot).
    Sent,
    /// Received invitations (from the snapshot).
    Received,
    /// Connections (loaded page by page while the popup is open).
    Connections,
}

impl Default for Views {
    fn default() -> Self {
        Views::new()
    }
}

impl ListName {
    /// `"sent"`, `"received"` or `"connections"`.
    pub fn parse(name: &str) -> Option<ListName> {
        match name {
            "sent" => Some(ListName::Sent),
            "received" => Some(ListName::Received),
            "connections" => Some(ListName::Connections),
            _ => None,
        }
    }
}

/// How many rows a [`FirstScreen`] holds: more than a tall side panel shows at once.
pub const FIRST_SCREEN_ROWS: usize = 40;

/// What the popup shows before the stored snapshot is read: the snapshot's [`Summary`]
/// and the first rows of the Sent list as the popup opens it
/// ([`ViewQuery::opening`]).
///
/// Why: `storage.local` hands a 5,000-invitation snapshot (2.3 MB of JSON) to a page in
/// 120–260 ms, which is most of the time to first rows. The popup stores this small
/// value (about 15 KB) whenever what it would show first changes, and on the next open
/// shows it at once, then the whole snapshot. If a background sync changed the
/// snapshot since, the first screen is the previous data, with its own "updated …"
/// time, for the moment it takes to read the new one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirstScreen {
    /// The snapshot without its lists.
    pub summary: Summary,
    /// The first rows of the Sent list, at most [`FIRST_SCREEN_ROWS`].
    pub rows: Vec<Row>,
}

/// What to do with the stored first screen after the popup read the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum FirstScreenWrite {
    /// It shows what the popup would show first: leave it.
    Keep,
    /// Store this one instead.
    Store(FirstScreen),
    /// There is no snapshot of this account: remove it.
    Remove,
}

/// The popup's lists, held in WebAssembly memory while it is open, and the bookkeeping
/// of its stored first screen ([`FirstScreen`]).
#[derive(Debug, Clone)]
pub struct Views {
    sent: ListView,
    received: ListView,
    connections: ListView,
    /// The first screen as stored, when it is this account's (read or written last).
    stored: Option<FirstScreen>,
    /// A first screen is stored that is not this account's or cannot be read.
    stored_other: bool,
}

impl Views {
    /// Three empty lists; Sent in its opening order ([`ViewQuery::opening`]).
    pub fn new() -> Self {
        let mut sent = ListView::new();
        sent.set_query(ViewQuery::opening());
        Views { sent, received: ListView::new(), connections: ListView::new(), stored: None, stored_other: false }
    }

    /// One list.
    pub fn list(&self, name: ListName) -> &ListView {
        match name {
            ListName::Sent => &self.sent,
            ListName::Received => &self.received,
            ListName::Connections => &self.connections,
        }
    }

    /// One list, to change.
    pub fn list_mut(&mut self, name: ListName) -> &mut ListView {
        match name {
            ListName::Sent => &mut self.sent,
            ListName::Received => &mut self.received,
            ListName::Connections => &mut self.connections,
        }
    }

    /// A stored first screen (`first`, already read for this account; `stored` says
    /// whether anything is stored at all): the Sent list shows its rows until
    /// [`Views::load_snapshot`]; returns its summary.
    pub fn show_first_screen(&mut self, first: Option<FirstScreen>, stored: bool) -> Option<Summary> {
        self.stored_other = stored && first.is_none();
        let first = first?;
        if !self.sent.is_primed() && self.sent.total() > 0 {
            // The whole list is already there.
            self.stored = Some(first);
            return None;
        }
        let summary = first.summary.clone();
        self.sent.prime(first.rows.clone(), first.summary.counts.sent as usize);
        self.stored = Some(first);
        Some(summary)
    }

    /// This account's snapshot (or none) into the Sent and Received lists, each under
    /// its current query. Returns the snapshot's summary and what to do with the stored
    /// first screen.
    pub fn load_snapshot(&mut self, snapshot: Option<&Snapshot>) -> (Option<Summary>, FirstScreenWrite) {
        let Some(snapshot) = snapshot else {
            self.sent.set_rows(Vec::new());
            self.received.set_rows(Vec::new());
            let write = if self.stored.take().is_some() || self.stored_other { FirstScreenWrite::Remove } else { FirstScreenWrite::Keep };
            self.stored_other = false;
            return (None, write);
        };
        self.sent.set_rows(snapshot.sent.iter().map(Row::from).collect());
        self.received.set_rows(snapshot.received.iter().map(Row::from).collect());
        let summary = snapshot.summary();
        let (_, rows) = self.sent.first_rows(&ViewQuery::opening(), FIRST_SCREEN_ROWS);
        let first = FirstScreen { summary: summary.clone(), rows };
        let write = if self.stored.as_ref() == Some(&first) {
            FirstScreenWrite::Keep
        } else {
            self.stored = Some(first.clone());
            FirstScreenWrite::Store(first)
        };
        self.stored_other = false;
        (Some(summary), write)
    }
}

/// The CSV export of rows: a header, then one line per row, CRLF-terminated (RFC 4180).
/// Every cell is quoted. A cell a spreadsheet could read as a formula gets a leading
/// `'`: one whose first non-blank character (blanks include NBSP, tabs, line breaks and
/// zero-width characters) is `=`, `+`, `-` or `@`, or their full-width forms `＝＋－＠`,
/// and one that starts with a tab or carriage return.
pub fn to_csv<'r>(rows: impl IntoIterator<Item = &'r Row>) -> String {
    let mut out = String::from("Name,Profile URL,Headline,Time,Category,Company,Newsletter,Message\r\n");
    for r in rows {
        let cells = [
            Some(r.name.as_str()),
            r.url.as_deref(),
            r.headline.as_deref(),
            r.time.as_deref(),
            r.category.as_deref(),
            r.company.as_deref(),
            r.newsletter.as_deref(),
            r.message.as_deref(),
        ];
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_cell(&mut out, cell.unwrap_or(""));
        }
        out.push_str("\r\n");
    }
    out
}

/// Whether a spreadsheet could read the cell as a formula (see [`to_csv`]).
fn looks_like_formula(cell: &str) -> bool {
    // Blanks a spreadsheet may skip before a formula: Unicode white space (NBSP, tab,
    // line breaks, ideographic space …) and the zero-width characters.
    let blank = |c: char| c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
    cell.starts_with(['\t', '\r'])
        || cell
            .chars()
            .find(|c| !blank(*c))
            .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'))
}

fn push_csv_cell(out: &mut String, cell: &str) {
    out.push('"');
    if looks_like_formula(cell) {
        out.push('\'');
    }
    out.push_str(&cell.replace('"', "\"\""));
    out.push('"');
}

/// The toolbar badge for the received invitations in `categories` (all when empty):
/// `""` for none, the number up to 99, `"99+"` above.
pub fn badge_text(counts: &Counts, categories: &[String]) -> String {
    match counts.received_in(categories) {
        0 => String::new(),
        n if n > 99 => "99+".into(),
        n => n.to_string(),
    }
}

/// How old data is, in the coarsest unit that fits, for "updated 5 min ago" labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Tsify)]
pub struct Freshness {
    /// `now`, `minutes`, `hours` or `days`.
    pub unit: &'static str,
    /// How many of the unit.
    pub n: u32,
}

/// The age of data taken at `taken_at_ms`, seen at `now_ms`.
pub fn freshness(taken_at_ms: f64, now_ms: f64) -> Freshness {
    let mins = ((now_ms - taken_at_ms) / 60_000.0).max(0.0) as u32;
    match mins {
        0 => Freshness { unit: "now", n: 0 },
        1..=59 => Freshness { unit: "minutes", n: mins },
        60..=1439 => Freshness { unit: "hours", n: mins / 60 },
        _ => Freshness { unit: "days", n: mins / 1440 },
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sent(id: &str, first: &str, headline: &str, sent_at: &str) -> SentInvitation {
        let mut s: SentInvitation = serde_json::from_value(json!({
            "invitationId": id, "sentAt": sent_at,
            "profile": {"firstName": first, "lastName": "X", "headline": headline, "profileUrl": format!("https://www.linkedin.com/in/{id}")}
        }))
        .unwrap();
        crate::api::models::Aged::stamp_age(&mut s, 1e12);
        s
    }

    fn rows() -> Vec<Row> {
        [
            sent("1", "Ava", "Founder at Northwind", "2 days ago"),
            sent("2", "Ben", "Recruiter", "5 weeks ago"),
            sent("3", "Chloé", "CTO at Northwind", "whenever"),
            sent("4", "Dmitri", "VP Sales", "3 weeks ago"),
        ]
        .iter()
        .map(Row::from)
        .collect()
    }

    fn ids(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn search_matches_name_headline_company_case_insensitively() {
        let q = |s: &str| ViewQuery { search: s.into(), ..ViewQuery::default() };
        assert_eq!(ids(&apply(rows(), &q("northWIND"))), ["1", "3"]);
        assert_eq!(ids(&apply(rows(), &q("chloé"))), ["3"]);
        assert_eq!(ids(&apply(rows(), &q("  "))), ["1", "2", "3", "4"]);
        assert!(apply(rows(), &q("zzz")).is_empty());
    }

    #[test]
    fn older_than_and_ordering() {
        let q = ViewQuery { older_than_weeks: Some(3), order: Order::Oldest, ..ViewQuery::default() };
        assert_eq!(ids(&apply(rows(), &q)), ["2", "4"], "unknown ages are not 'older than'");
        let q = ViewQuery { order: Order::Newest, ..ViewQuery::default() };
        assert_eq!(ids(&apply(rows(), &q)), ["1", "4", "2", "3"]);
        let q = ViewQuery { order: Order::Oldest, ..ViewQuery::default() };
        assert_eq!(ids(&apply(rows(), &q)), ["2", "4", "1", "3"]);
    }

    #[test]
    fn category_filter_uses_count_keys() {
        let items: Vec<ReceivedInvitation> = ["CONNECTION", "ORGANIZATION", "SOMETHING_NEW"]
            .iter()
            .enumerate()
            .map(|(i, c)| serde_json::from_value(json!({"invitationId": i.to_string(), "invitationCategory": c})).unwrap())
            .collect();
        let rows: Vec<Row> = items.iter().map(Row::from).collect();
        let q = |c: &str| ViewQuery { category: Some(c.into()), ..ViewQuery::default() };
        assert_eq!(ids(&apply(rows.clone(), &q("ORGANIZATION"))), ["1"]);
        assert_eq!(ids(&apply(rows.clone(), &q("OTHER"))), ["2"]);
        assert_eq!(ids(&apply(rows, &q(""))), ["0", "1", "2"]);
    }

    #[test]
    fn rows_say_whether_their_action_can_be_sent() {
        let from = |v: serde_json::Value| serde_json::from_value::<SentInvitation>(v).unwrap();
        let no_profile = Row::from(&from(json!({"invitationId": "1", "profile": null})));
        let with_id = Row::from(&from(json!({"invitationId": "2", "profile": {"publicIdentifier": "ana"}})));
        assert_eq!((no_profile.actionable, no_profile.name.as_str()), (false, ""));
        assert!(with_id.actionable);
        let received = |v: serde_json::Value| Row::from(&serde_json::from_value::<ReceivedInvitation>(v).unwrap());
        let full = json!({"invitationId": "3", "invitationCategory": "CONNECTION", "memberId": "ACoAA1", "validationToken": "t",
            "linkedInInvitationType": "CONNECTION", "profile": {"firstName": "Ana", "lastName": "B"}});
        assert!(received(full.clone()).actionable);
        let mut no_token = full;
        no_token["validationToken"] = json!(null);
        assert!(!received(no_token).actionable);
        // Bulk actions take only the rows that can be sent; the flag survives the stored first screen.
        let mut v = ListView::default();
        v.set_rows(vec![no_profile.clone(), with_id.clone()]);
        assert_eq!(v.shown().filter(|r| r.actionable).count(), 1);
        let back: Row = serde_json::from_value(serde_json::to_value(&with_id).unwrap()).unwrap();
        assert_eq!(back, with_id);
    }

    #[test]
    fn rows_link_only_safe_urls_and_keep_markup_as_text() {
        let r: ReceivedInvitation = serde_json::from_value(json!({
            "invitationId": "9", "invitationCategory": "CONNECTION",
            "profile": {"firstName": "<img src=x onerror=alert(1)>", "profileUrl": "javascript:alert(1)"}
        }))
        .unwrap();
        let row = Row::from(&r);
        assert_eq!(row.name, "<img src=x onerror=alert(1)>");
        assert_eq!(row.url, None);
        let ok = Row::from(&sent("7", "A", "", "1 day ago"));
        assert_eq!(ok.url.as_deref(), Some("https://www.linkedin.com/in/7"));
    }

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let row = Row {
            id: "1".into(),
            name: "Doe, \"JD\" John".into(),
            url: Some("https://www.linkedin.com/in/jd".into()),
            headline: Some("=HYPERLINK(\"http://evil\")".into()),
            time: Some("2 days ago".into()),
            age_secs: None,
            category: Some("CONNECTION".into()),
            company: None,
            newsletter: Some("Weekly".into()),
            message: Some("line one\nline two".into()),
            actionable: false,
        };
        let csv = to_csv(&[row]);
        assert_eq!(
            csv,
            "Name,Profile URL,Headline,Time,Category,Company,Newsletter,Message\r\n\
             \"Doe, \"\"JD\"\" John\",\"https://www.linkedin.com/in/jd\",\"'=HYPERLINK(\"\"http://evil\"\")\",\"2 days ago\",\"CONNECTION\",\"\",\"Weekly\",\"line one\nline two\"\r\n"
        );
        assert_eq!(to_csv(&[]).lines().count(), 1);
    }

    /// The CSV text of one row whose name is `name`, without the header.
    fn name_cell(name: &str) -> String {
        let row = Row { id: "1".into(), name: name.into(), url: None, headline: None, time: None, age_secs: None, category: None, company: None, newsletter: None, message: None, actionable: false };
        let csv = to_csv(&[row]);
        let line = csv.split_once("\r\n").unwrap().1;
        line.split_once(",\"\",").map(|(first, _)| first.to_string()).unwrap()
    }

    #[test]
    fn csv_guard_looks_past_blanks_and_knows_full_width_signs() {
        for formula in [
            "=1+1", "+1", "-1", "@SUM(A1)", " =1", "\u{A0}=1", "\n=1", "\r\n+1", "\t=1", "\t", "\rx", " \u{A0}\t\n@x",
            "\u{3000}=1", "\u{200B}=1", "\u{FEFF}-1", "\u{FF1D}1", "\u{FF0B}1", "\u{FF0D}1", "\u{FF20}x", " \u{FF1D}HYPERLINK()",
        ] {
            let cell = name_cell(formula);
            assert_eq!(cell, format!("\"'{}\"", formula), "{formula:?} is guarded");
        }
        for plain in ["Ava", "", " ", "a=b", "x-1", "(=)", "\u{A0}Ava", "'=1", "\u{FF21}"] {
            assert_eq!(name_cell(plain), format!("\"{plain}\""), "{plain:?} is left alone");
        }
        assert_eq!(name_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn every_csv_cell_is_quoted() {
        let row = Row {
            id: "1".into(),
            name: "Ava".into(),
            url: Some("https://www.linkedin.com/in/ava".into()),
            headline: Some("CTO".into()),
            time: None,
            age_secs: Some(3),
            category: Some("EVENT".into()),
            company: Some("Acme, Inc.".into()),
            newsletter: None,
            message: Some("hi".into()),
            actionable: true,
        };
        let csv = to_csv(&[row]);
        let line = csv.split("\r\n").nth(1).unwrap();
        assert_eq!(line, "\"Ava\",\"https://www.linkedin.com/in/ava\",\"CTO\",\"\",\"EVENT\",\"Acme, Inc.\",\"\",\"hi\"");
        // Eight quoted cells: every field starts and ends with a quote.
        assert_eq!(line.split("\",\"").count(), 8);
    }

    #[test]
    fn badge_caps_at_99_plus() {
        let mut counts = Counts::of(&[], &[]);
        assert_eq!(badge_text(&counts, &[]), "");
        counts.received = 7;
        counts.received_by_category.insert("CONNECTION".into(), 5);
        counts.received_by_category.insert("EVENT".into(), 2);
        assert_eq!(badge_text(&counts, &[]), "7");
        assert_eq!(badge_text(&counts, &["EVENT".into()]), "2");
        counts.received = 100;
        assert_eq!(badge_text(&counts, &[]), "99+");
        counts.received = 99;
        assert_eq!(badge_text(&counts, &[]), "99");
    }

    #[test]
    fn freshness_units() {
        let f = |mins: f64| freshness(0.0, mins * 60_000.0);
        assert_eq!(f(0.5), Freshness { unit: "now", n: 0 });
        assert_eq!(f(5.0), Freshness { unit: "minutes", n: 5 });
        assert_eq!(f(125.0), Freshness { unit: "hours", n: 2 });
        assert_eq!(f(3.0 * 1440.0), Freshness { unit: "days", n: 3 });
        assert_eq!(f(-10.0), Freshness { unit: "now", n: 0 }, "clock skew");
    }

    #[test]
    fn search_ignores_case_and_latin_accents() {
        assert_eq!(fold("Müller ÉLODIE Łukasz Øre Straße İpek"), "muller elodie lukasz ore strase ipek");
        assert_eq!(fold("ΑΘΗΝΑ Москва ЁЖ"), "αθηνα москва ёж");
        assert_eq!(fold("2×3 漢字 😀"), "2×3 漢字 😀");
        let rows = [sent("1", "Zoë", "Head of Talent", "1 day ago"), sent("2", "Zoe", "CTO", "1 day ago")];
        let rows: Vec<Row> = rows.iter().map(Row::from).collect();
        for q in ["zoe", "ZOË", "zoë"] {
            let got = apply(rows.clone(), &ViewQuery { search: q.into(), ..ViewQuery::default() });
            assert_eq!(got.len(), 2, "{q}");
        }
    }

    // ---- the view model (ListView, Views) ----

    /// What `apply` did before views were held: filter every row anew, fold every field
    /// anew, then sort. The reference the view model is checked against.
    fn reference(rows: &[Row], query: &ViewQuery) -> Vec<String> {
        let needle = fold(query.search.trim());
        let category = query.category.as_deref().filter(|c| !c.is_empty());
        let min_age = query.older_than_weeks.filter(|w| *w > 0).map(|w| w * 7 * 86_400);
        let mut kept: Vec<(u64, usize, &Row)> = rows
            .iter()
            .enumerate()
            .filter(|(_, r)| category.is_none_or(|c| r.category.as_deref() == Some(c)))
            .filter(|(_, r)| min_age.is_none_or(|m| r.age_secs.is_some_and(|a| a >= m)))
            .filter(|(_, r)| query.bucket.is_none_or(|b| b.contains(r.age_secs)))
            .filter(|(_, r)| {
                needle.is_empty()
                    || [Some(&r.name), r.headline.as_ref(), r.company.as_ref(), r.newsletter.as_ref()]
                        .into_iter()
                        .flatten()
                        .any(|f| fold(f).contains(&needle))
            })
            .map(|(i, r)| {
                let key = match (query.order, r.age_secs) {
                    (Order::Server, _) => 0,
                    (_, None) => u64::MAX,
                    (Order::Newest, Some(a)) => u64::from(a),
                    (Order::Oldest, Some(a)) => u64::from(u32::MAX - a),
                };
                (key, i, r)
            })
            .collect();
        kept.sort_by_key(|(k, i, _)| (*k, *i));
        kept.into_iter().map(|(_, _, r)| r.id.clone()).collect()
    }

    const FIRST: [&str; 8] = ["Ava", "Ben", "Chloé", "Dmitri", "Élodie", "Zoë", "Łukasz", "Søren"];
    const LAST: [&str; 6] = ["Andersen", "Müller", "García", "Van Dijk", "Nakamura", "ANDERSSON"];
    const TITLES: [&str; 5] = ["Founder & CEO", "Head of Talent", "CTO at Northwind", "VP Sales at Acme", "Investor"];
    const CATS: [&str; 6] = ["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW", "OTHER"];

    /// `n` varied rows: accented names, some without headline or age, categories,
    /// companies and newsletters, safe and unsafe links.
    fn many(n: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                id: i.to_string(),
                name: format!("{} {}", FIRST[i % FIRST.len()], LAST[(i / 3) % LAST.len()]),
                url: (i % 4 != 0).then(|| format!("https://www.linkedin.com/in/p{i}")),
                headline: (i % 5 != 0).then(|| TITLES[i % TITLES.len()].to_string()),
                time: Some("2 weeks ago".into()),
                age_secs: (i % 7 != 0).then(|| ((i * 7919) % 90) as u32 * 86_400),
                category: Some(CATS[i % CATS.len()].to_string()),
                company: (i % 6 == 1).then(|| "Blue Harbor".to_string()),
                newsletter: (i % 6 == 2).then(|| "Quartz Weekly".to_string()),
                message: (i % 3 == 0).then(|| "=1+1 hello".to_string()),
                actionable: i % 10 != 9,
            })
            .collect()
    }

    fn shown_ids(v: &ListView) -> Vec<String> {
        v.shown().map(|r| r.id.clone()).collect()
    }

    #[test]
    fn a_held_view_matches_filtering_from_scratch_keystroke_by_keystroke() {
        let rows = many(600);
        let mut view = ListView::new();
        view.set_rows(rows.clone());
        let mut query = ViewQuery::default();
        // Typing on (narrowing), deleting (widening), a new word, accents either way,
        // and filters and orders changing in between.
        let steps: Vec<fn(&mut ViewQuery)> = vec![
            |q| q.search = "a".into(),
            |q| q.search = "an".into(),
            |q| q.search = "and".into(),
            |q| q.search = "ande".into(),
            |q| q.search = "andersen".into(),
            |q| q.search = "anders".into(),
            |q| q.order = Order::Newest,
            |q| q.search = "andersson".into(),
            |q| q.search = "".into(),
            |q| q.older_than_weeks = Some(4),
            |q| q.search = "mu".into(),
            |q| q.search = "mül".into(),
            |q| q.search = "MULLER".into(),
            |q| q.order = Order::Oldest,
            |q| q.search = " zoe ".into(),
            |q| q.older_than_weeks = None,
            |q| q.category = Some("ORGANIZATION".into()),
            |q| q.search = "blue".into(),
            |q| q.search = "blue harbor".into(),
            |q| q.category = Some("NEWSLETTER".into()),
            |q| q.search = "weekly".into(),
            |q| q.category = Some(String::new()),
            |q| q.search = "cto at".into(),
            |q| q.search = "at\u{0}x".into(),
            |q| q.order = Order::Server,
            |q| q.search = "łukasz".into(),
            |q| q.search = "".into(),
            |q| q.bucket = Some(crate::ages::AgeBucket::ThisWeek),
            |q| q.bucket = None,
            |q| q.bucket = Some(crate::ages::AgeBucket::Older),
        ];
        for (n, step) in steps.iter().enumerate() {
            step(&mut query);
            let count = view.set_query(query.clone());
            let want = reference(&rows, &query);
            assert_eq!(shown_ids(&view), want, "step {n}: {query:?}");
            assert_eq!(count, want.len());
            assert_eq!(view.total(), rows.len());
        }
        assert_eq!(view.query(), &query);
    }

    #[test]
    fn a_match_never_spans_two_fields() {
        let mut row = many(1).remove(0);
        row.name = "Ava Brown".into();
        row.headline = Some("CTO".into());
        let mut view = ListView::new();
        view.set_rows(vec![row]);
        assert_eq!(view.set_query(ViewQuery { search: "brown".into(), ..ViewQuery::default() }), 1);
        assert_eq!(view.set_query(ViewQuery { search: "browncto".into(), ..ViewQuery::default() }), 0);
        assert_eq!(view.set_query(ViewQuery { search: "brown\u{0}cto".into(), ..ViewQuery::default() }), 0);
    }

    #[test]
    fn slices_are_clamped_and_in_the_order_shown() {
        let mut view = ListView::new();
        view.set_rows(many(50));
        view.set_query(ViewQuery { order: Order::Newest, ..ViewQuery::default() });
        let all = shown_ids(&view);
        let ids = |rows: Vec<&Row>| rows.into_iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(view.slice(0, 5)), all[..5]);
        assert_eq!(ids(view.slice(45, 60)), all[45..]);
        assert!(view.slice(60, 70).is_empty());
        assert!(view.slice(10, 5).is_empty());
        assert_eq!(ids(view.slice(0, usize::MAX)), all);
    }

    #[test]
    fn csv_holds_exactly_the_shown_rows() {
        let rows = many(300);
        let mut view = ListView::new();
        view.set_rows(rows.clone());
        let query = ViewQuery { search: "müller".into(), order: Order::Oldest, ..ViewQuery::default() };
        let n = view.set_query(query.clone());
        assert!(n > 0 && n < 300);
        let csv = view.csv();
        assert_eq!(csv, to_csv(&apply(rows, &query)));
        assert_eq!(csv.matches("\r\n").count(), n + 1, "the header and one line per shown row");
        assert!(csv.contains("\"'=1+1 hello\""), "formulas stay guarded");
        view.set_query(ViewQuery { search: "nobody".into(), ..ViewQuery::default() });
        assert_eq!(view.csv().lines().count(), 1);
    }

    #[test]
    fn pages_added_while_scrolling_are_filtered_like_the_rest() {
        let rows = many(120);
        let query = ViewQuery { search: "ava".into(), ..ViewQuery::default() };
        let mut paged = ListView::new();
        paged.set_query(query.clone());
        for page in rows.chunks(12) {
            paged.add_rows(page.to_vec());
        }
        assert_eq!(shown_ids(&paged), reference(&rows, &query));
        assert_eq!(paged.total(), 120);
        // In another order the whole list is filtered again.
        let newest = ViewQuery { order: Order::Newest, ..query };
        paged.set_query(newest.clone());
        paged.add_rows(many(130).split_off(120));
        let all = many(130);
        assert_eq!(shown_ids(&paged), reference(&all, &newest));
    }

    #[test]
    fn thirty_thousand_rows() {
        let rows = many(30_000);
        let mut view = ListView::new();
        view.set_rows(rows.clone());
        assert_eq!(view.count(), 30_000);
        let last = view.slice(29_999, 30_000);
        assert_eq!(last.first().map(|r| r.id.as_str()), Some("29999"));
        for search in ["s", "so", "sør", "soren", "soren van", "e", "el", "elodie"] {
            let query = ViewQuery { search: search.into(), ..ViewQuery::default() };
            let n = view.set_query(query.clone());
            assert_eq!(shown_ids(&view), reference(&rows, &query), "{search}");
            assert!(n > 0, "{search}");
        }
        let query = ViewQuery { order: Order::Newest, older_than_weeks: Some(2), ..ViewQuery::default() };
        view.set_query(query.clone());
        assert_eq!(shown_ids(&view), reference(&rows, &query));
        assert_eq!(view.csv().matches("\r\n").count(), view.count() + 1);
    }

    #[test]
    fn a_primed_view_shows_its_first_rows_until_the_list_arrives() {
        let rows = many(100);
        let mut view = ListView::new();
        view.prime(rows[..10].to_vec(), 100);
        assert!(view.is_primed());
        assert_eq!((view.count(), view.total()), (100, 100));
        assert_eq!(view.slice(0, 40).len(), 10, "only the stored rows");
        // A query set meanwhile waits for the whole list.
        let query = ViewQuery { search: "zoe".into(), ..ViewQuery::default() };
        assert_eq!(view.set_query(query.clone()), 100);
        view.set_rows(rows.clone());
        assert!(!view.is_primed());
        assert_eq!(shown_ids(&view), reference(&rows, &query));
    }

    fn snapshot_of(names: &[&str], taken_at_ms: f64) -> Snapshot {
        let sent: Vec<SentInvitation> = names
            .iter()
            .enumerate()
            .map(|(i, n)| sent(&i.to_string(), n, "Recruiter", if i % 2 == 0 { "1 week ago" } else { "2 days ago" }))
            .collect();
        Snapshot {
            taken_at_ms,
            sent_taken_at_ms: taken_at_ms,
            account_id: None,
            skipped: Default::default(),
            counts: Counts::of(&sent, &[]),
            sent,
            received: vec![],
            connection_count: Some(3754),
            cost: crate::api::sync::Cost { requests: 1, pages: 1, retries: 0, duration_ms: 1.0 },
        }
    }

    #[test]
    fn the_first_screen_is_stored_when_it_changes_and_removed_without_a_snapshot() {
        let names: Vec<String> = (0..60).map(|i| format!("P{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let snap = snapshot_of(&names, 1.7e12);

        let mut views = Views::new();
        assert_eq!(views.show_first_screen(None, false), None);
        let (summary, write) = views.load_snapshot(Some(&snap));
        assert_eq!(summary.as_ref().map(|s| s.counts.sent), Some(60));
        let FirstScreenWrite::Store(first) = write else { panic!("a first screen to store: {write:?}") };
        assert_eq!(first.rows.len(), FIRST_SCREEN_ROWS);
        // The opening order: newest first (the "2 days ago" rows, in server order).
        assert_eq!(first.rows.first().map(|r| r.id.as_str()), Some("1"));
        assert_eq!(first.rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), views.list(ListName::Sent).slice(0, 40).iter().map(|r| r.id.clone()).collect::<Vec<_>>());
        // The same snapshot again: nothing to write.
        assert_eq!(views.load_snapshot(Some(&snap)).1, FirstScreenWrite::Keep);

        // The next popup shows it as read back from storage (the store's tests read it
        // back unchanged); the same snapshot then needs no write.
        let mut next = Views::new();
        let shown = next.show_first_screen(Some(first.clone()), true).unwrap();
        assert_eq!(shown.counts.sent, 60);
        let sent = next.list(ListName::Sent);
        assert_eq!((sent.count(), sent.slice(0, 100).len()), (60, 40));
        assert_eq!(next.load_snapshot(Some(&snap)).1, FirstScreenWrite::Keep);
        assert_eq!(next.list(ListName::Sent).slice(0, 100).len(), 60);

        // A newer snapshot: stored anew. No snapshot: removed, once.
        let newer = snapshot_of(&names[..5], 1.8e12);
        assert!(matches!(next.load_snapshot(Some(&newer)).1, FirstScreenWrite::Store(f) if f.rows.len() == 5));
        assert_eq!(next.load_snapshot(None), (None, FirstScreenWrite::Remove));
        assert_eq!(next.load_snapshot(None).1, FirstScreenWrite::Keep);
        assert_eq!(next.list(ListName::Sent).total(), 0);

        // Another account's first screen in storage (which the store reads as none): not
        // shown, and removed when this account has no snapshot (replaced when it has one).
        let mut other = Views::new();
        assert_eq!(other.show_first_screen(None, true), None);
        assert_eq!(other.load_snapshot(None).1, FirstScreenWrite::Remove);
        let mut other = Views::new();
        other.show_first_screen(None, true);
        assert!(matches!(other.load_snapshot(Some(&snap)).1, FirstScreenWrite::Store(_)));
    }

}
