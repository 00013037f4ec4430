//! What the extension's lists show: rows, search, filters, sorting, CSV, the badge.
//!
//! The popup hands the snapshot's items and the user's choices to these functions and
//! renders the [`Row`]s it gets back; no filtering or formatting logic lives in
//! JavaScript. Every field of a row is plain text for `textContent`, and
//! [`Row::url`] is set only for a safe `https://www.linkedin.com/` profile URL.

use crate::models::{linkedin_profile_url, Category, Connection, ReceivedInvitation, SentInvitation};
use crate::sync::{Counts, OTHER_CATEGORY};
use crate::json::{FromJson, Json, Obj, Path, ReadError};
use serde::Serialize;

/// One rendered row of any list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
}

/// Sort orders of a list view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ViewQuery {
    /// Case-insensitive text matched against name, headline and company.
    pub search: String,
    /// Only this category (received invitations); `None` or `""` for all.
    pub category: Option<String>,
    /// Only items at least this many weeks old (items of unknown age are left out).
    pub older_than_weeks: Option<u32>,
    /// The order.
    pub order: Order,
}

impl FromJson for Row {
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        Ok(Row {
            id: o.id("id")?.unwrap_or_default(),
            name: o.text("name")?.unwrap_or_default(),
            // Re-checked: a row handed back from JavaScript links only what is safe.
            url: o.text("url")?.as_deref().and_then(linkedin_profile_url),
            headline: o.text("headline")?,
            time: o.text("time")?,
            age_secs: o.count("ageSecs").and_then(|n| u32::try_from(n).ok()),
            category: o.text("category")?,
            company: o.text("company")?,
            newsletter: o.text("newsletter")?,
            message: o.text("message")?,
        })
    }
}

impl FromJson for ViewQuery {
    /// Lenient: an unknown order is the server's, a malformed number is no filter.
    fn from_json(value: &Json, path: &Path<'_>) -> Result<Self, ReadError> {
        let o = Obj::new(value, path)?;
        let order = match o.get("order").and_then(Json::as_str) {
            Some("newest") => Order::Newest,
            Some("oldest") => Order::Oldest,
            _ => Order::Server,
        };
        Ok(ViewQuery {
            search: o.text("search").ok().flatten().unwrap_or_default(),
            category: o.text("category").ok().flatten(),
            older_than_weeks: o.count("olderThanWeeks").and_then(|n| u32::try_from(n).ok()),
            order,
        })
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
        }
    }
}

impl From<&Connection> for Row {
    fn from(c: &Connection) -> Row {
        Row {
            id: crate::models::Keyed::key(c),
            name: c.full_name(),
            url: safe_url(&c.profile_url),
            headline: c.headline.clone(),
            time: c.connected_date.clone(),
            age_secs: c.age_secs,
            category: None,
            company: None,
            newsletter: None,
            message: None,
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

/// Filters and orders `rows` as `query` says.
pub fn apply(rows: Vec<Row>, query: &ViewQuery) -> Vec<Row> {
    let needle = fold(query.search.trim());
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    let min_age = query.older_than_weeks.filter(|w| *w > 0).map(|w| w.saturating_mul(7 * 86_400));
    let rows: Vec<Row> = rows
        .into_iter()
        .filter(|r| category.is_none_or(|c| r.category.as_deref() == Some(c)))
        .filter(|r| min_age.is_none_or(|min| r.age_secs.is_some_and(|a| a >= min)))
        .filter(|r| {
            needle.is_empty()
                || [Some(&r.name), r.headline.as_ref(), r.company.as_ref(), r.newsletter.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|field| fold(field).contains(&needle))
        })
        .collect();
    // One sort of (key, position) pairs: equal ages keep the server's order, unknown
    // ages go last, and only this small instantiation of sort ships in the WASM.
    let key = |age: Option<u32>| match (query.order, age) {
        (Order::Server, _) => 0,
        (_, None) => u64::MAX,
        (Order::Newest, Some(a)) => u64::from(a),
        (Order::Oldest, Some(a)) => u64::from(u32::MAX - a),
    };
    if query.order == Order::Server {
        return rows;
    }
    let mut order: Vec<(u64, usize)> = rows.iter().enumerate().map(|(i, r)| (key(r.age_secs), i)).collect();
    order.sort_unstable();
    let mut slots: Vec<Option<Row>> = rows.into_iter().map(Some).collect();
    order.into_iter().filter_map(|(_, i)| slots.get_mut(i).and_then(Option::take)).collect()
}

/// The CSV export of rows: a header, then one line per row, CRLF-terminated (RFC 4180).
/// Every cell is quoted. A cell a spreadsheet could read as a formula gets a leading
/// `'`: one whose first non-blank character (blanks include NBSP, tabs, line breaks and
/// zero-width characters) is `=`, `+`, `-` or `@`, or their full-width forms `＝＋－＠`,
/// and one that starts with a tab or carriage return.
pub fn to_csv(rows: &[Row]) -> String {
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
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
        let mut s: SentInvitation = crate::json::from_value(json!({
            "invitationId": id, "sentAt": sent_at,
            "profile": {"firstName": first, "lastName": "X", "headline": headline, "profileUrl": format!("https://www.linkedin.com/in/{id}")}
        }))
        .unwrap();
        crate::models::Aged::stamp_age(&mut s, 1e12);
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
            .map(|(i, c)| crate::json::from_value(json!({"invitationId": i.to_string(), "invitationCategory": c})).unwrap())
            .collect();
        let rows: Vec<Row> = items.iter().map(Row::from).collect();
        let q = |c: &str| ViewQuery { category: Some(c.into()), ..ViewQuery::default() };
        assert_eq!(ids(&apply(rows.clone(), &q("ORGANIZATION"))), ["1"]);
        assert_eq!(ids(&apply(rows.clone(), &q("OTHER"))), ["2"]);
        assert_eq!(ids(&apply(rows, &q(""))), ["0", "1", "2"]);
    }

    #[test]
    fn rows_link_only_safe_urls_and_keep_markup_as_text() {
        let r: ReceivedInvitation = crate::json::from_value(json!({
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
        let row = Row { id: "1".into(), name: name.into(), url: None, headline: None, time: None, age_secs: None, category: None, company: None, newsletter: None, message: None };
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
}
