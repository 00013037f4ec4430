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
//! Every typed value of the crate is read through [`read`] (stored values, values from
//! JavaScript) or [`crate::decode::read_value`] (outside data, with its JSON path), both
//! over [`Objects`], so each type's reader is compiled once.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, Visitor};
use serde_json::{Error, Map, Value};

/// A JSON value to read, structs from objects only (see the [module](self)).
#[derive(Debug)]
pub struct Objects(pub Value);

/// Reads `value` as `T` through [`Objects`].
///
/// # Errors
/// The first value that could not be read, as serde words it.
pub fn read<T: DeserializeOwned>(value: Value) -> Result<T, Error> {
    T::deserialize(Objects(value))
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

impl<'de> Deserializer<'de> for Objects {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
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
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(members) => visitor.visit_map(Members::new(members)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            value => visitor.visit_some(Objects(value)),
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
        match self.0 {
            Value::Object(members) => visitor.visit_map(Members::new(members)),
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
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

/// A list's items, each read through [`Objects`].
struct Items(std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(Objects(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An object's members, each value read through [`Objects`].
struct Members {
    members: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl Members {
    fn new(members: Map<String, Value>) -> Self {
        Members { members: members.into_iter(), value: None }
    }
}

impl<'de> de::MapAccess<'de> for Members {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.members.next() else { return Ok(None) };
        self.value = Some(value);
        let key: de::value::StringDeserializer<Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(Objects(value)),
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
