//! The CSV export.
//!
//! Properties: the output is strict RFC 4180 (CRLF records, quotes doubled, every
//! record as wide as the header); parsed back, each cell is the row's text, with a `'`
//! in front exactly when a spreadsheet could read it as a formula; and no parsed cell
//! starts, after leading blanks, with `=` `+` `-` `@` or their full-width forms
//! `＝＋－＠` unless it starts with `'`.

use super::text::Text;
use arbitrary::Arbitrary;
use pending_core::view::{to_csv, Row};

/// Characters a spreadsheet may skip before a formula: Unicode white space and the
/// zero-width characters.
pub fn blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// The characters that start a formula, ASCII and full-width.
pub fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}')
}

/// Whether a cell needs the `'` guard: its first non-blank character starts a formula,
/// or it starts with a tab or carriage return.
pub fn needs_guard(cell: &str) -> bool {
    cell.starts_with(['\t', '\r']) || cell.chars().find(|c| !blank(*c)).is_some_and(formula_start)
}

/// A strict RFC 4180 reader: records end with CRLF (the last one too), a field is
/// quoted (quotes doubled inside) or holds no quote, CR or LF.
pub fn parse_rfc4180(text: &str) -> Result<Vec<Vec<String>>, String> {
    let c: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut records = Vec::new();
    while i < c.len() {
        let mut record = Vec::new();
        loop {
            let mut field = String::new();
            if c.get(i) == Some(&'"') {
                i += 1;
                loop {
                    match c.get(i) {
                        Some('"') if c.get(i + 1) == Some(&'"') => {
                            field.push('"');
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(&ch) => {
                            field.push(ch);
                            i += 1;
                        }
                        None => return Err("unterminated quoted field".into()),
                    }
                }
            } else {
                while let Some(&ch) = c.get(i) {
                    match ch {
                        ',' | '\r' => break,
                        '"' | '\n' => return Err(format!("{ch:?} in an unquoted field")),
                        _ => {
                            field.push(ch);
                            i += 1;
                        }
                    }
                }
            }
            record.push(field);
            match (c.get(i), c.get(i + 1)) {
                (Some(','), _) => i += 1,
                (Some('\r'), Some('\n')) => {
                    i += 2;
                    break;
                }
                (a, b) => return Err(format!("expected , or CRLF after a field, found {a:?} {b:?}")),
            }
        }
        records.push(record);
    }
    Ok(records)
}

/// A row's text under a CSV header name.
fn column(row: &Row, header: &str) -> String {
    let cell = match header {
        "Name" => Some(row.name.as_str()),
        "Profile URL" => row.url.as_deref(),
        "Headline" => row.headline.as_deref(),
        "Time" => row.time.as_deref(),
        "Category" => row.category.as_deref(),
        "Company" => row.company.as_deref(),
        "Newsletter" => row.newsletter.as_deref(),
        "Message" => row.message.as_deref(),
        other => panic!("unknown CSV column {other:?}: teach tests/props/csv.rs about it"),
    };
    cell.unwrap_or_default().to_string()
}

/// The CSV export of `rows`.
pub fn check_csv(rows: &[Row]) {
    let csv = to_csv(rows);
    let records = parse_rfc4180(&csv).unwrap_or_else(|e| panic!("not RFC 4180 ({e}): {csv:?}"));
    assert_eq!(records.len(), rows.len() + 1, "a header and one record per row");
    let header = &records[0];
    assert!(header.iter().any(|h| h == "Name"), "header {header:?}");
    for (row, record) in rows.iter().zip(&records[1..]) {
        assert_eq!(record.len(), header.len(), "record as wide as the header: {record:?}");
        for (name, got) in header.iter().zip(record) {
            let cell = column(row, name);
            // The formula guard, stated on the parsed output alone.
            if got.chars().find(|c| !blank(*c)).is_some_and(formula_start) {
                assert!(got.starts_with('\''), "{name} cell {got:?} reads as a formula");
            }
            let want = if needs_guard(&cell) { format!("'{cell}") } else { cell };
            assert_eq!(got, &want, "{name} cell");
        }
    }
}

/// Rows for the CSV export, with text that fights CSV and spreadsheets.
#[derive(Debug, Clone, Arbitrary)]
pub struct CsvCase {
    rows: Vec<RowCase>,
}

/// One row's fields.
#[derive(Debug, Clone, Arbitrary)]
pub struct RowCase {
    pub id: Text,
    pub name: Text,
    pub url: Option<Text>,
    pub headline: Option<Text>,
    pub time: Option<Text>,
    pub age_secs: Option<u32>,
    pub category: Option<Text>,
    pub company: Option<Text>,
    pub newsletter: Option<Text>,
    pub message: Option<Text>,
}

impl RowCase {
    /// The row.
    pub fn row(&self) -> Row {
        let t = |t: &Option<Text>| t.as_ref().map(|t| t.0.clone());
        Row {
            id: self.id.0.clone(),
            name: self.name.0.clone(),
            url: t(&self.url),
            headline: t(&self.headline),
            time: t(&self.time),
            age_secs: self.age_secs,
            first_seen_days: None,
            category: t(&self.category),
            company: t(&self.company),
            newsletter: t(&self.newsletter),
            message: t(&self.message),
            actionable: false,
        }
    }
}

impl CsvCase {
    /// The rows.
    pub fn rows(&self) -> Vec<Row> {
        self.rows.iter().map(RowCase::row).collect()
    }

    /// The CSV export of these rows.
    pub fn check(&self) {
        check_csv(&self.rows());
    }
}
