//! Lenient field readers and writers for `serde`: the API's and storage's loose spots,
//! named once and used as `#[serde(default, deserialize_with = "…")]`.
//!
//! | helper | reads | absent when | an error when |
//! |---|---|---|---|
//! | [`text`] | text | missing, `null`, blank | any other kind of value |
//! | [`id`] | text or a whole number (kept as its digits) | missing, `null`, blank | a fraction, a boolean, a list, an object |
//! | [`required_id`] | as [`id`] | never: missing or blank is an error | as [`id`] |
//! | [`flag`] | `true`/`false`, or that text | anything else | never |
//! | [`count`] | a whole number, or its digits as text, that fits the field | anything else | never |
//! | [`list`] | a list, item by item | missing, `null`, not a list | never: unreadable items are left out |
//! | [`loose_text`] | text | missing, `null`, blank, any other kind of value | never |
//! | [`forgiving`] | a nested `T` | missing, `null`, or unreadable as `T`: `T`'s default | never |
//! | [`object`] | a nested object as `T` | not an object, or unreadable as `T` | never |
//! | [`count_map`] | names to [`count`]s | not an object (empty); an entry that is not a count (left out) | never |
//!
//! `…_or_empty`/`…_or_zero` variants ([`text_or_empty`], [`count_or_zero`]) give the
//! default instead of `None`.
//!
//! Writing: [`whole_ms`] writes milliseconds as a whole number, as JavaScript reads them.
//!
//! Every helper works with any `serde` format: `serde_json` for API bodies and tests,
//! `serde-wasm-bindgen` for values from JavaScript.

use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;
use serde::{Deserialize, Serializer};
use std::fmt;

/// Reads a value as text, or as a whole number's digits when `numbers` is set.
struct TextVisitor {
    numbers: bool,
}

impl TextVisitor {
    fn expecting_text(&self) -> &'static str {
        if self.numbers {
            "an id (text or a whole number)"
        } else {
            "text"
        }
    }
}

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting_text())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.trim().is_empty()).then(|| v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.trim().is_empty()).then_some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        if self.numbers {
            Ok(Some(v.to_string()))
        } else {
            Err(E::invalid_type(de::Unexpected::Unsigned(v), &self))
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) if self.numbers => Ok(Some(u.to_string())),
            _ => Err(E::invalid_type(de::Unexpected::Signed(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // JavaScript hands every number over as a float: a whole one is an id.
        if self.numbers && v.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&v) {
            Ok(Some((v as u64).to_string()))
        } else {
            Err(E::invalid_type(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Optional text; blank text is absent; any other kind of value is an error.
///
/// # Errors
/// A value that is neither text nor `null`.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor { numbers: false })
}

/// An optional id: text, or a whole number kept as its digits (19-digit ids stay
/// exact); blank is absent.
///
/// # Errors
/// A fraction, a negative number, a boolean, a list or an object.
pub fn id<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor { numbers: true })
}

/// A required id, as [`id`].
///
/// # Errors
/// As [`id`], and `missing id` for `null` or blank text (a missing field is serde's
/// own `missing field` error).
pub fn required_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    id(d)?.ok_or_else(|| de::Error::custom("missing id"))
}

/// An optional boolean; `"true"`/`"false"` text too; anything else is absent (for
/// informational flags whose absence is a safe reading). Never an error.
///
/// # Errors
/// Only the format's own errors (broken input), never the value's kind.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) => match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// An optional whole number (or its digits as text) that fits `T`; anything else is
/// absent (for informational numbers that nothing trusts blindly). Never an error.
///
/// # Errors
/// Only the format's own errors (broken input), never the value's kind.
pub fn count<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    let n = match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            // JavaScript hands every number over as a float: a whole one counts.
            n.as_f64().filter(|f| f.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(f)).map(|f| f as u64)
        }),
        Value::String(s) => {
            let s = s.trim();
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
        }
        _ => None,
    };
    Ok(n.and_then(|n| T::try_from(n).ok()))
}

/// A list read item by item: an item that cannot be read is left out; a value that is
/// not a list (or `null`, or missing) is empty. For stored lists, where a damaged or
/// older item must not cost the rest.
///
/// # Errors
/// Only the format's own errors (broken input).
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    // Buffered first, so a bad item is skipped whole and the list goes on.
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(|item| crate::api::objects::read::<T>(item).ok()).collect(),
        _ => Vec::new(),
    })
}

/// Writes milliseconds as a whole, non-negative number (`NaN` and negatives are 0), as
/// JavaScript reads them.
///
/// # Errors
/// The serializer's own.
pub fn whole_ms<S: Serializer>(ms: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(to_whole_ms(*ms))
}

/// [`whole_ms`] for an optional time (`None` is written as the serializer writes
/// `None`; pair it with `skip_serializing_if = "Option::is_none"` to leave it out).
///
/// # Errors
/// The serializer's own.
pub fn whole_ms_opt<S: Serializer>(ms: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(ms) => s.serialize_some(&to_whole_ms(*ms)),
        None => s.serialize_none(),
    }
}

/// Milliseconds as a whole, non-negative number (`NaN` and negatives are 0).
pub fn to_whole_ms(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms.round() as u64
    } else {
        0
    }
}

/// A nested value where `null` (and, with `#[serde(default)]`, a missing field) means
/// its default.
///
/// # Errors
/// The nested value's own.
pub fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// [`count`] where absent is 0.
///
/// # Errors
/// Only the format's own errors (broken input).
pub fn count_or_zero<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + Default,
{
    Ok(count(d)?.unwrap_or_default())
}

/// Optional text; blank text, and any other kind of value, is absent. Never an error
/// (for stored values read field by field, where a damaged field takes its default
/// and the rest is kept).
///
/// # Errors
/// Only the format's own errors (broken input), never the value's kind.
pub fn loose_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        _ => None,
    })
}

/// A nested value read as `T`, or `T`'s default when it cannot be read (or is `null`,
/// or, with `#[serde(default)]`, missing). Never an error: for stored parts whose
/// damage must not cost the value around them.
///
/// # Errors
/// Only the format's own errors (broken input), never the value's kind.
pub fn forgiving<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    Ok(crate::api::objects::read::<T>(Value::deserialize(d)?).unwrap_or_default())
}

/// [`text`] where absent (missing, `null`, blank) is `""`.
///
/// # Errors
/// As [`text`]: a value that is neither text nor `null`.
pub fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(text(d)?.unwrap_or_default())
}

/// A nested object read as `T`; anything else (not an object, or unreadable) is
/// absent. An object only: serde would read a list as a struct's fields in order.
///
/// # Errors
/// Only the format's own errors (broken input), never the value's kind.
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let v = Value::deserialize(d)?;
    Ok(v.is_object().then(|| crate::api::objects::read::<T>(v).ok()).flatten())
}

/// A map of names to [`count`]s: a value that is not an object is empty; an entry that
/// is not a whole number fitting `T` is left out; of a name given twice, the last wins.
///
/// # Errors
/// Only the format's own errors (broken input), never the value's kind.
pub fn count_map<'de, D, T>(d: D) -> Result<std::collections::BTreeMap<String, T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    let Value::Object(members) = Value::deserialize(d)? else { return Ok(Default::default()) };
    // Inserted one by one (the members come in key order): `collect` would compile a
    // stable sort for every `T` (docs/size.md).
    let mut map = std::collections::BTreeMap::new();
    map.extend(members.into_iter().filter_map(|(k, v)| Some((k, count::<_, T>(v).ok().flatten()?))));
    Ok(map)
}
