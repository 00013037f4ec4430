//! Strings that matter to the crate: pieces of formulas, blanks, quotes, separators,
//! URLs and list vocabulary, mixed with arbitrary characters.

use arbitrary::{Arbitrary, Result, Unstructured};

/// Pieces the generators splice together: formula starters and their full-width
/// forms, blanks a spreadsheet may skip, CSV syntax, URL parts, API words.
pub const PIECES: &[&str] = &[
    "=", "+", "-", "@", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}", "'", " ", "\t", "\r", "\n", "\r\n",
    "\u{A0}", "\u{3000}", "\u{200B}", "\u{2060}", "\u{FEFF}", "\u{85}", "\u{0}", ",", "\"", "\"\"", ";",
    "https://www.linkedin.com/", "https://www.linkedin.com/in/", "http://www.linkedin.com/", "https://linkedin.com/",
    "https://www.linkedin.com.evil.example/", "javascript:", "//", "/", "%2F", "%", "?", "&", "#", "<", ">", ":",
    "in/", "ava-smith", "~", ".", "..", "é", "İ", "ß", "€", "😀", "Ava", "Northwind", "CONNECTION", "OTHER",
    "EVENT", "NEWSLETTER", "2 days ago", "Connected on Feb 15, 2024", "ERROR", "error",
];

/// A string from [`PIECES`], printable ASCII and arbitrary characters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(pub String);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let pieces = u.int_in_range(0..=10)?;
        let mut s = String::new();
        for _ in 0..pieces {
            match u.int_in_range(0..=4)? {
                0 | 1 => s.push_str(u.choose(PIECES)?),
                2 => s.push(char::from(u.int_in_range(0x20u8..=0x7e)?)),
                3 => s.push(u.arbitrary::<char>()?),
                _ => {
                    let len = u.int_in_range(0..=12)?;
                    for _ in 0..len {
                        s.push(char::from(u.int_in_range(b'a'..=b'z')?));
                    }
                }
            }
        }
        Ok(Text(s))
    }
}

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A JSON value for a string field of an API item: usually text, sometimes absent,
/// `null` or of the wrong type (messy data).
#[derive(Debug, Clone, Arbitrary)]
pub enum Field {
    /// The field is not there.
    Absent,
    /// `null`.
    Null,
    /// A string.
    Text(Text),
    /// A string (weighted: strings are what the API sends).
    Text2(Text),
    /// A number.
    Number(i64),
    /// A boolean.
    Bool(bool),
}

impl Field {
    /// The JSON value, or `None` for an absent field.
    pub fn json(&self) -> Option<serde_json::Value> {
        use serde_json::Value;
        match self {
            Field::Absent => None,
            Field::Null => Some(Value::Null),
            Field::Text(t) | Field::Text2(t) => Some(Value::String(t.0.clone())),
            Field::Number(n) => Some(Value::from(*n)),
            Field::Bool(b) => Some(Value::Bool(*b)),
        }
    }

    /// The string, when the field is one.
    pub fn text(&self) -> Option<&str> {
        match self {
            Field::Text(t) | Field::Text2(t) => Some(&t.0),
            _ => None,
        }
    }
}
