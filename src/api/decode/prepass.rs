//! The one pass over a body before serde_json reads it: lone UTF-16 surrogates become
//! U+FFFD, and nesting too deep is refused before any parser recurses.

use std::borrow::Cow;

/// The deepest nesting accepted in a body; API bodies use four levels.
pub const MAX_DEPTH: usize = 64;

/// Why a body could not be prepared for parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// Lists and objects nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// One pass over a JSON text before serde_json reads it: a lone UTF-16 surrogate
/// escape (`\ud83d` without its pair, or a stray `\ude00`) becomes `\ufffd`, as
/// engines show it, instead of failing the whole body (serde_json refuses them); and
/// nesting deeper than [`MAX_DEPTH`] is refused before any parser recurses. Text
/// without a lone surrogate is returned as it is, without a copy.
///
/// # Errors
/// [`Repair::TooDeep`].
pub fn repair(text: &str) -> Result<Cow<'_, str>, Repair> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `text` already in `out`
    let (mut depth, mut in_string, mut i) = (0usize, false, 0usize);
    while let Some(&b) = bytes.get(i) {
        if !in_string {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(Repair::TooDeep);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => in_string = false,
            b'\\' if bytes.get(i + 1) == Some(&b'u') => {
                let unit = hex4(bytes, i + 2);
                match unit {
                    Some(0xD800..=0xDBFF) => {
                        let low = (bytes.get(i + 6) == Some(&b'\\') && bytes.get(i + 7) == Some(&b'u'))
                            .then(|| hex4(bytes, i + 8))
                            .flatten();
                        if matches!(low, Some(0xDC00..=0xDFFF)) {
                            i += 12;
                            continue;
                        }
                    }
                    Some(0xDC00..=0xDFFF) => {}
                    _ => {
                        i += 6;
                        continue;
                    }
                }
                // A lone surrogate: write what came before, then the replacement.
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(text.get(copied..i).unwrap_or(""));
                o.push_str("\\ufffd");
                i += 6;
                copied = i;
                continue;
            }
            b'\\' => {
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(text.get(copied..).unwrap_or(""));
            Cow::Owned(o)
        }
    })
}

/// The four hex digits at `at` as a UTF-16 unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    digits.iter().try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
}
