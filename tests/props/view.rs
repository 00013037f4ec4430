//! The view functions over messy items and settings: `Row` conversions, `apply`,
//! `Counts`, `badge_text`, `freshness`.
//!
//! Properties: a row links only a safe profile URL (the one the item sent, checked);
//! a received row's category is a count key; rows survive the JSON trip to JavaScript
//! and back; `apply` keeps exactly the rows its filters describe, in the server's order
//! or sorted by age (unknown ages last, ties in server order); counts add up; the badge
//! counts each chosen category once and reads "", 1–99 or "99+"; freshness is one of
//! its four units, in range, and never gets fresher as time passes.

use super::csv::{check_csv, RowCase};
use super::text::{Field, Text};
use arbitrary::Arbitrary;
use pending_core::api::decode::{RateHeaders, RawResponse};
use pending_core::view::{apply, badge_text, freshness, Order, Row, ViewQuery};
use pending_core::{linkedin_profile_url, Connection, Counts, Page, ReceivedInvitation, SentInvitation};
use serde_json::{Map, Value};

/// The category keys of counts and rows.
pub const CATEGORY_KEYS: [&str; 6] = ["CONNECTION", "ORGANIZATION", "NEWSLETTER", "EVENT", "MEMBER_FOLLOW", "OTHER"];

/// Items, extra rows, a query, counts and settings.
#[derive(Debug, Clone, Arbitrary)]
pub struct ViewCase {
    items: Vec<ItemCase>,
    rows: Vec<RowCase>,
    query: QueryCase,
    counts: CountsCase,
    categories: Vec<CategoryName>,
    taken_ms: f64,
    now_ms: f64,
    later_ms: u32,
}

/// The fields of one list item, any of them absent, null or of the wrong type.
#[derive(Debug, Clone, Arbitrary)]
pub struct ItemCase {
    id: Field,
    first: Field,
    last: Field,
    headline: Field,
    url: Field,
    time: Field,
    category: CategoryField,
    company: Field,
    newsletter: Field,
    note: Field,
    custom: Field,
    vanity: Field,
}

/// A category as the API sends it.
#[derive(Debug, Clone, Arbitrary)]
pub enum CategoryField {
    /// A known name (or `OTHER`, or `""`).
    Name(CategoryName),
    /// Anything else.
    Field(Field),
}

/// A category name for queries and settings.
#[derive(Debug, Clone, Arbitrary)]
pub enum CategoryName {
    /// One of [`CATEGORY_KEYS`], or `""`.
    Known(u8),
    /// Any text.
    Other(Text),
}

impl CategoryName {
    fn name(&self) -> String {
        match self {
            CategoryName::Known(i) => CATEGORY_KEYS.get(usize::from(*i % 7)).copied().unwrap_or("").to_string(),
            CategoryName::Other(t) => t.0.clone(),
        }
    }
}

/// The user's query.
#[derive(Debug, Clone, Arbitrary)]
pub struct QueryCase {
    search: Text,
    category: Option<CategoryName>,
    older_than_weeks: Option<u32>,
    order: u8,
}

/// Counts as read from storage: any numbers, any keys.
#[derive(Debug, Clone, Arbitrary)]
pub struct CountsCase {
    sent: u32,
    received: u32,
    by: Vec<(CategoryName, u32)>,
}

fn put(o: &mut Map<String, Value>, key: &str, f: &Field) {
    if let Some(v) = f.json() {
        o.insert(key.to_string(), v);
    }
}

impl ItemCase {
    fn profile(&self) -> Value {
        let mut p = Map::new();
        put(&mut p, "firstName", &self.first);
        put(&mut p, "lastName", &self.last);
        put(&mut p, "headline", &self.headline);
        put(&mut p, "profileUrl", &self.url);
        Value::Object(p)
    }

    fn sent(&self) -> Value {
        let mut o = Map::new();
        put(&mut o, "invitationId", &self.id);
        put(&mut o, "sentAt", &self.time);
        put(&mut o, "message", &self.note);
        o.insert("profile".into(), self.profile());
        Value::Object(o)
    }

    fn received(&self) -> Value {
        let mut o = Map::new();
        put(&mut o, "invitationId", &self.id);
        put(&mut o, "receivedAt", &self.time);
        match &self.category {
            CategoryField::Name(n) => {
                o.insert("invitationCategory".into(), Value::String(n.name()));
            }
            CategoryField::Field(f) => put(&mut o, "invitationCategory", f),
        }
        put(&mut o, "companyName", &self.company);
        put(&mut o, "newsletterName", &self.newsletter);
        put(&mut o, "message", &self.note);
        put(&mut o, "customMessage", &self.custom);
        o.insert("profile".into(), self.profile());
        Value::Object(o)
    }

    fn connection(&self) -> Value {
        let mut o = Map::new();
        put(&mut o, "firstName", &self.first);
        put(&mut o, "lastName", &self.last);
        put(&mut o, "vanityName", &self.vanity);
        put(&mut o, "headline", &self.headline);
        put(&mut o, "connectedDate", &self.time);
        put(&mut o, "profileUrl", &self.url);
        Value::Object(o)
    }

    /// The link a row of this item may show: the profile URL the item sent, if safe.
    fn link(&self) -> Option<String> {
        self.url.text().and_then(linkedin_profile_url)
    }

    /// The note a received row shows: `customMessage`, else `message`.
    fn note(&self) -> Option<String> {
        let text = |f: &Field| f.text().filter(|t| !t.trim().is_empty()).map(str::to_string);
        text(&self.custom).or_else(|| text(&self.note))
    }
}

fn page_of(items: Vec<Value>) -> RawResponse {
    let body = serde_json::json!({ "invitations": items }).to_string();
    RawResponse { status: 200, headers: RateHeaders::default(), body }
}

/// A row's link, checked against the link rules.
fn check_row_link(row: &Row, want: Option<Option<String>>) {
    if let Some(url) = &row.url {
        super::config::check_profile_url(url);
        assert_eq!(linkedin_profile_url(url).as_deref(), Some(url.as_str()), "row links an unsafe URL {url:?}");
    }
    if let Some(want) = want {
        assert_eq!(row.url, want, "row link");
    }
    let json = serde_json::to_string(row).expect("rows are written as JSON");
    let back: Row = serde_json::from_str(&json).expect("rows read back");
    assert_eq!(&back, row, "row JSON round trip");
}

impl ViewCase {
    /// Every view check on this case.
    pub fn check(&self) {
        let mut rows: Vec<Row> = Vec::new();
        let mut sent_items: Vec<SentInvitation> = Vec::new();
        let mut received_items: Vec<ReceivedInvitation> = Vec::new();

        let sent = pending_core::api::decode::decode_page::<SentInvitation>(&page_of(self.items.iter().map(ItemCase::sent).collect()), 0.0);
        if let Ok(Page { items, .. }) = sent {
            let whole = items.len() == self.items.len();
            for (i, item) in items.iter().enumerate() {
                let row = Row::from(item);
                check_row_link(&row, whole.then(|| self.items[i].link()));
                assert_eq!(row.category, None);
                rows.push(row);
            }
            sent_items = items;
        }

        let received =
            pending_core::api::decode::decode_page::<ReceivedInvitation>(&page_of(self.items.iter().map(ItemCase::received).collect()), 0.0);
        if let Ok(Page { items, .. }) = received {
            let whole = items.len() == self.items.len();
            for (i, item) in items.iter().enumerate() {
                let row = Row::from(item);
                check_row_link(&row, whole.then(|| self.items[i].link()));
                let category = row.category.as_deref().unwrap_or_default();
                assert!(CATEGORY_KEYS.contains(&category), "row category {category:?}");
                if whole {
                    assert_eq!(row.message, self.items[i].note(), "a received row shows customMessage, else message");
                }
                rows.push(row);
            }
            received_items = items;
        }

        let connections =
            pending_core::api::decode::decode_page::<Connection>(&page_of(self.items.iter().map(ItemCase::connection).collect()), 0.0);
        if let Ok(Page { items, .. }) = connections {
            let whole = items.len() == self.items.len();
            for (i, item) in items.iter().enumerate() {
                let row = Row::from(item);
                check_row_link(&row, whole.then(|| self.items[i].link()));
                assert!(!row.id.is_empty(), "a connection row has an identity");
                rows.push(row);
            }
        }

        // Counts of decoded lists add up.
        let counts = Counts::of(&sent_items, &received_items);
        assert_eq!((counts.sent, counts.received), (sent_items.len() as u32, received_items.len() as u32));
        assert_eq!(counts.received_by_category.values().sum::<u32>(), counts.received, "every item counted once");
        for key in &CATEGORY_KEYS[..5] {
            assert!(counts.received_by_category.contains_key(key), "{key} always counted");
        }
        let all: Vec<String> = CATEGORY_KEYS.iter().map(|k| k.to_string()).collect();
        assert_eq!(counts.received_in(&all), counts.received, "the six keys cover every item");
        check_badge(&counts, &all);
        check_badge(&counts, &[]);

        // Corrupt counts and settings.
        let mut by = pending_core::CategoryCounts::new();
        for (name, n) in &self.counts.by {
            by.insert(name.name(), *n);
        }
        let stored = Counts { sent: self.counts.sent, received: self.counts.received, received_by_category: by };
        let categories: Vec<String> = self.categories.iter().map(CategoryName::name).collect();
        check_badge(&stored, &categories);

        // Rows from anywhere, through the filters and the CSV export.
        rows.extend(self.rows.iter().map(|r| {
            let mut row = r.row();
            // Few distinct ages, so that ties are common.
            row.age_secs = row.age_secs.map(|a| if a % 3 == 0 { [0, 86_400, 1_814_400, u32::MAX][(a as usize / 3) % 4] } else { a });
            row
        }));
        check_apply(&rows, &self.query());
        check_csv(&rows);

        check_freshness(self.taken_ms, self.now_ms, f64::from(self.later_ms));
    }

    fn query(&self) -> ViewQuery {
        let q = &self.query;
        ViewQuery {
            search: q.search.0.clone(),
            category: q.category.as_ref().map(CategoryName::name),
            older_than_weeks: q.older_than_weeks.map(|w| if w % 2 == 0 { w % 10 } else { w }),
            bucket: q.older_than_weeks.and_then(|w| pending_core::view::AgeBucket::ALL.get(w as usize % 7).copied()),
            order: [Order::Server, Order::Newest, Order::Oldest][usize::from(q.order % 3)],
        }
    }
}

/// `apply` against the filters and orders it documents.
pub fn check_apply(rows: &[Row], query: &ViewQuery) {
    let got = apply(rows.to_vec(), query);
    let needle = pending_core::view::fold(query.search.trim());
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    let min_age = query.older_than_weeks.filter(|w| *w > 0).map(|w| u64::from(w) * 7 * 86_400);
    let keep = |r: &Row| {
        category.is_none_or(|c| r.category.as_deref() == Some(c))
            && query.bucket.is_none_or(|b| b.contains(r.age_secs))
            && min_age.is_none_or(|min| r.age_secs.is_some_and(|a| u64::from(a) >= min.min(u64::from(u32::MAX))))
            && (needle.is_empty()
                || [Some(&r.name), r.headline.as_ref(), r.company.as_ref(), r.newsletter.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|f| pending_core::view::fold(f).contains(&needle)))
    };
    let mut want: Vec<&Row> = rows.iter().filter(|r| keep(r)).collect();
    match query.order {
        Order::Server => {}
        // Stable sorts: ties keep the server's order; unknown ages last.
        Order::Newest => want.sort_by_key(|r| (r.age_secs.is_none(), r.age_secs)),
        Order::Oldest => want.sort_by_key(|r| (r.age_secs.is_none(), std::cmp::Reverse(r.age_secs))),
    }
    let want: Vec<Row> = want.into_iter().cloned().collect();
    assert_eq!(got, want, "apply({query:?})");
}

/// The badge's number and text for `categories`.
pub fn check_badge(counts: &Counts, categories: &[String]) {
    let n = counts.received_in(categories);
    let want = if categories.is_empty() {
        counts.received
    } else {
        let mut distinct: Vec<&String> = Vec::new();
        for c in categories {
            if !distinct.contains(&c) {
                distinct.push(c);
            }
        }
        distinct.iter().fold(0u32, |sum, c| sum.saturating_add(counts.received_by_category.get(c).copied().unwrap_or(0)))
    };
    assert_eq!(n, want, "received_in({categories:?}) counts each category once");
    let text = badge_text(counts, categories);
    match n {
        0 => assert_eq!(text, ""),
        1..=99 => assert_eq!(text, n.to_string()),
        _ => assert_eq!(text, "99+"),
    }
}

/// Minutes a freshness label stands for.
fn minutes(f: &pending_core::view::Freshness) -> u64 {
    let n = u64::from(f.n);
    match f.unit {
        "now" => 0,
        "minutes" => n,
        "hours" => n * 60,
        "days" => n * 1440,
        other => panic!("unknown unit {other}"),
    }
}

/// `freshness` at `now` and `later` ms after it.
pub fn check_freshness(taken: f64, now: f64, later: f64) {
    let f = freshness(taken, now);
    match f.unit {
        "now" => assert_eq!(f.n, 0),
        "minutes" => assert!((1..=59).contains(&f.n), "{f:?}"),
        "hours" => assert!((1..=23).contains(&f.n), "{f:?}"),
        "days" => assert!(f.n >= 1, "{f:?}"),
        other => panic!("unknown unit {other}"),
    }
    if taken.is_finite() && now.is_finite() {
        let g = freshness(taken, now + later);
        assert!(minutes(&g) >= minutes(&f), "{f:?} then {g:?}: fresher as time passes");
    }
}
