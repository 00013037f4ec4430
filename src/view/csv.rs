//! The CSV export of rows, guarded against spreadsheet formulas.

use super::rows::Row;

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

/// A CSV table of any text cells, written and guarded as [`to_csv`] writes rows: the
/// `header`, then one line per row, every cell quoted, CRLF-terminated.
pub fn csv_table<R: IntoIterator<Item = String>>(header: &[&str], rows: impl IntoIterator<Item = R>) -> String {
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_cell(&mut out, &cell);
        }
        out.push_str("\r\n");
    };
    line(&mut header.iter().map(|h| (*h).to_string()));
    for r in rows {
        line(&mut r.into_iter());
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
