//! What a user's query keeps and in which order: the [`ViewQuery`] (search text,
//! category, minimum age, age bucket, order) and the search's folding of text (case
//! and Latin accents, without Unicode tables).

use super::chart::AgeBucket;
use super::rows::Row;
use serde::{Deserialize, Deserializer};
use tsify::Tsify;

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
    pub bucket: Option<AgeBucket>,
    /// The order.
    #[serde(deserialize_with = "order")]
    #[tsify(type = r#""server" | "newest" | "oldest""#)]
    pub order: Order,
}

/// Text, `""` when missing, blank or of another kind.
fn loose_text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.unwrap_or_default())
}

/// An age bucket's name ([`AgeBucket::as_str`]); anything else is none.
fn bucket<'de, D: Deserializer<'de>>(d: D) -> Result<Option<AgeBucket>, D::Error> {
    Ok(crate::api::lenient::loose_text(d)?.as_deref().and_then(AgeBucket::parse))
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
    /// first screen ([`FirstScreen`](super::FirstScreen)) is computed with it.
    pub fn opening() -> Self {
        ViewQuery { order: Order::Newest, ..ViewQuery::default() }
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

/// What a query keeps: the folded search text, the category and the minimum age.
#[derive(Debug)]
pub(super) struct Filter<'q> {
    needle: String,
    category: Option<&'q str>,
    min_age: Option<u32>,
    bucket: Option<AgeBucket>,
}

impl<'q> Filter<'q> {
    pub(super) fn new(query: &'q ViewQuery) -> Self {
        Filter {
            needle: fold(query.search.trim()),
            category: query.category.as_deref().filter(|c| !c.is_empty()),
            min_age: query.older_than_weeks.filter(|w| *w > 0).map(|w| w.saturating_mul(7 * 86_400)),
            bucket: query.bucket,
        }
    }

    /// Whether `row`, whose prepared search text is `hay`, is kept.
    pub(super) fn keeps(&self, row: &Row, hay: &str) -> bool {
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
pub(super) fn haystack(r: &Row) -> String {
    let mut hay = String::new();
    for (i, field) in searched_fields(r).enumerate() {
        if i > 0 {
            hay.push(HAY_SEPARATOR);
        }
        hay.extend(field.chars().map(fold_char));
    }
    hay
}
