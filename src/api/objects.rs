//! A `serde_json::Value` read through serde with structs read from objects only.
//!
//! `serde_json::Value`'s own deserializer reads a struct from a JSON object *or* from a
//! list, by position. The crate never wants the second (a list where an object belongs
//! is damaged data, refused as such), yet serde's derive compiles a list reader for every
//! struct that a deserializer may hand a list to: about 20 KB of the WebAssembly for
//! readers that must never run (docs/size.md). [`Objects`] is `Value`'s reader with that
//! one difference: `deserialize_struct` accepts an object only, so the derives' list
//! readers are never instantiated. Everything else reads as `Value` reads it: numbers
//! keep their kind (a 19-digit id stays exact), `null` is `None`, a list is a sequence,
//! an object a map.
//!
//! It also keeps, when asked ([`read_with_path`]), the JSON path of the value being
//! read, so that a value that cannot be read is named (`profile.firstName`), as
//! `serde_path_to_error` does. That crate wraps the deserializer in a second one, which
//! compiles every type's reader a second time (8 KB gzipped here, docs/size.md); the
//! path kept here costs a branch per member instead.
//!
//! Every typed value of the crate is read through [`read`] (stored values, values from
//! JavaScript) or [`read_with_path`] (outside data, through
//! [`crate::api::decode::read_value`]), both over [`Objects`], so each type's reader is
//! compiled once.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde_json::{Error, Map, Value};
use std::cell::RefCell;

/// A JSON value to read, structs from objects only (see the [module](self)), keeping
/// the path of the value being read in `path` when there is one.
#[derive(Debug)]
pub struct Objects<'p> {
    value: Value,
    path: Option<&'p Path>,
}

impl Objects<'static> {
    /// `value`, to read without keeping its path.
    pub fn new(value: Value) -> Self {
        Objects { value, path: None }
    }
}

/// Reads `value` as `T` through [`Objects`].
///
/// # Errors
/// The first value that could not be read, as serde words it.
pub fn read<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(Objects::new(value))
}

/// Reads `value` as `T` through [`Objects`], keeping the path.
///
/// # Errors
/// The path of the first value that could not be read (`.` for `value` itself,
/// `profile.firstName`, `items[3]`) and serde's words for what was wrong.
pub fn read_with_path<T: DeserializeOwned>(value: Value) -> Result<T, (String, Error)> {
    let path = Path::default();
    T::deserialize(Objects { value, path: Some(&path) }).map_err(|e| (path.to_string(), e))
}

/// Where the reader is: the members and indexes from the top. A read that fails
/// leaves it where it failed (each level returns at once), which is then the path of
/// the error.
#[derive(Debug, Default)]
pub struct Path(RefCell<Vec<Segment>>);

#[derive(Debug)]
enum Segment {
    Member(String),
    Index(usize),
}

impl Path {
    // Not generic and not inlined: every field type's reader calls these two.
    #[inline(never)]
    fn enter(path: Option<&Path>, segment: Segment) {
        if let Some(p) = path {
            p.0.borrow_mut().push(segment);
        }
    }

    #[inline(never)]
    fn leave(path: Option<&Path>) {
        if let Some(p) = path {
            p.0.borrow_mut().pop();
        }
    }
}

impl std::fmt::Display for Path {
    /// `.` for the top; else `name`, `name.inner`, `list[3].name`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let segments = self.0.borrow();
        if segments.is_empty() {
            return f.write_str(".");
        }
        for (i, segment) in segments.iter().enumerate() {
            match segment {
                Segment::Member(name) if i == 0 => f.write_str(name)?,
                Segment::Member(name) => write!(f, ".{name}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// `seed` read from `value` one level down (`segment`, kept only when the path is);
/// the path stays there if it fails.
fn step<'de, T: DeserializeSeed<'de>>(seed: T, value: Value, path: Option<&Path>, segment: Segment) -> Result<T::Value, Error> {
    Path::enter(path, segment);
    let read = seed.deserialize(Objects { value, path })?;
    Path::leave(path);
    Ok(read)
}

/// What a value is, in serde's words of errors.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

impl<'de> Deserializer<'de> for Objects<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let path = self.path;
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(Items::new(items, path)),
            Value::Object(members) => visitor.visit_map(Members::new(members, path)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            value => visitor.visit_some(Objects { value, path: self.path }),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// An object only: a list is refused, not read by position.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::Object(members) => visitor.visit_map(Members::new(members, self.path)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    /// Enums of the crate are read from their name (unit variants), as `Value` reads
    /// them.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.value.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// A list's items, each read through [`Objects`].
struct Items<'p> {
    items: std::vec::IntoIter<Value>,
    next: usize,
    path: Option<&'p Path>,
}

impl<'p> Items<'p> {
    fn new(items: Vec<Value>, path: Option<&'p Path>) -> Self {
        Items { items: items.into_iter(), next: 0, path }
    }
}

impl<'de> de::SeqAccess<'de> for Items<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else { return Ok(None) };
        let index = self.next;
        self.next += 1;
        step(seed, value, self.path, Segment::Index(index)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// An object's members, each value read through [`Objects`].
struct Members<'p> {
    members: serde_json::map::IntoIter,
    /// The member whose key was read last, and its value.
    value: Option<(String, Value)>,
    path: Option<&'p Path>,
}

impl<'p> Members<'p> {
    fn new(members: Map<String, Value>, path: Option<&'p Path>) -> Self {
        Members { members: members.into_iter(), value: None, path }
    }
}

impl<'de> de::MapAccess<'de> for Members<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.members.next() else { return Ok(None) };
        let name: de::value::StrDeserializer<'_, Error> = key.as_str().into_deserializer();
        let read = seed.deserialize(name)?;
        self.value = Some((key, value));
        Ok(Some(read))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some((key, value)) => step(seed, value, self.path, Segment::Member(key)),
            None => Err(de::Error::custom("a member's value was read twice")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.members.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Pair {
        a: u64,
        b: Option<String>,
    }

    #[test]
    fn structs_read_from_objects_and_never_from_lists() {
        assert_eq!(read::<Pair>(json!({"a": 1, "b": "x"})).unwrap(), Pair { a: 1, b: Some("x".into()) });
        assert_eq!(read::<Pair>(json!({"a": 1, "b": null})).unwrap(), Pair { a: 1, b: None });
        let e = read::<Pair>(json!([1, "x"])).unwrap_err().to_string();
        assert!(e.contains("invalid type: sequence"), "{e}");
        assert!(read::<Pair>(json!("text")).is_err());
    }

    #[test]
    fn values_read_as_value_reads_them() {
        let v = json!({"id": 1234567890123456789_u64, "n": -3, "f": 1.5, "s": "é", "l": [1, {"x": null}], "t": true});
        assert_eq!(read::<Value>(v.clone()).unwrap(), v);
        assert_eq!(read::<Vec<Pair>>(json!([{"a": 2}])).unwrap(), vec![Pair { a: 2, b: None }]);
        assert_eq!(read::<std::collections::BTreeMap<String, u32>>(json!({"x": 1})).unwrap().get("x"), Some(&1));
    }

    #[test]
    fn a_failure_names_its_path() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<Pair>,
            pair: Option<Pair>,
        }
        let fail = |v: Value| read_with_path::<Outer>(v).unwrap_err();
        let (path, e) = fail(json!({"items": [{"a": 1}, {"a": "x"}], "pair": null}));
        assert_eq!(path, "items[1].a");
        assert!(e.to_string().contains("invalid type: string \"x\""), "{e}");
        assert_eq!(fail(json!({"items": [], "pair": {"a": 1, "b": 2}})).0, "pair.b");
        assert_eq!(fail(json!({"items": 7})).0, "items");
        assert_eq!(fail(json!([1])).0, ".");
        assert_eq!(fail(json!({"pair": null})).0, ".", "a missing field is the object's");
        // A value read before the failing one leaves nothing behind.
        assert_eq!(fail(json!({"items": [{"a": 1}], "pair": {"a": -1}})).0, "pair.a");
        let ok: Outer = read_with_path(json!({"items": [{"a": 1}], "pair": {"a": 2}})).unwrap();
        assert_eq!(ok.items.len(), 1);
    }

    #[test]
    fn nested_structs_refuse_lists_too() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Outer {
            inner: Pair,
        }
        let e = read::<Outer>(json!({"inner": [1, null]})).unwrap_err().to_string();
        assert!(e.contains("invalid type: sequence"), "{e}");
    }
}
