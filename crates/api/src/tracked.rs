//! Typed objects from a YAML `Value`, noting where decoding failed, two ways that give the
//! same objects and errors (crates/api/tests/decode_equivalence.rs):
//! - `Decode`, one non-generic decoder per type (`#[derive(Decode)]`, crates/derive), the
//!   way every served kind's types decode (issue 23: the page's size);
//! - `De`, a serde Deserializer over the value, for a type with serde's derive only.
//!
//! Both keep the path of map keys and list indexes they are under; on an error the path is
//! left as it was at the failure, so the API server's field path
//! (`spec.containers[0].imagee`) can be written. `De` replaces serde_path_to_error, whose
//! wrappers around every visitor of every API type made up 29 KB of the page's gzipped wasm.

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
pub use serde_yaml::Value;
use std::cell::RefCell;

/// One step of a path: a map key (None when the key is not a scalar) or a list index.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Key(Option<String>),
    Index(usize),
}

/// A decoding error: serde_yaml's, so the visitors' error code is shared with the rest of
/// the YAML decoding.
pub use serde_yaml::Error;

/// Decodes `value` as a `T`; on failure, the message and the path where it failed.
pub fn decode<T: de::DeserializeOwned>(value: Value) -> Result<T, (Error, Vec<Step>)> {
    let path = RefCell::new(Vec::new());
    T::deserialize(De { value, path: &path }).map_err(|e| (e, path.into_inner()))
}

struct De<'p> {
    value: Value,
    path: &'p RefCell<Vec<Step>>,
}

// The path's bookkeeping stays out of line: it would otherwise be copied into every
// visitor of every type.
#[inline(never)]
fn push(path: &RefCell<Vec<Step>>, step: Step) {
    path.borrow_mut().push(step);
}

#[inline(never)]
fn pop(path: &RefCell<Vec<Step>>) {
    path.borrow_mut().pop();
}

fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The error for a value of the wrong type, out of line (one copy, not one per visitor).
#[inline(never)]
pub fn wrong_type(v: &Value, expected: &dyn de::Expected) -> Error {
    de::Error::invalid_type(unexpected(v), expected)
}

/// Integer and f32 entry points: every number goes the one way (`deserialize_f64`).
macro_rules! numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.deserialize_f64(visitor)
        }
    )*};
}

// Each typed entry point handles only the kind of value it wants and sends the rest to
// `wrong_type`, so a type's visitor is not compiled against every kind of value: as
// serde_yaml's own Value deserializer does, with the same messages.
impl<'de> Deserializer<'de> for De<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(_) => self.deserialize_f64(visitor),
            Value::String(s) => visitor.visit_string(s),
            Value::Sequence(_) => self.deserialize_seq(visitor),
            Value::Mapping(_) => self.deserialize_map(visitor),
            Value::Tagged(t) => {
                let serde_yaml::value::TaggedValue { value, .. } = *t;
                De { value, path: self.path }.deserialize_any(visitor)
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    /// Every number: whole ones as u64 or i64, the rest as f64 (the visitor converts).
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_string(s),
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Sequence(items) => {
                let len = items.len();
                let mut seq = Seq { items: items.into_iter(), index: 0, path: self.path };
                let out = visitor.visit_seq(&mut seq)?;
                if seq.items.len() > 0 {
                    return Err(de::Error::invalid_length(len, &"fewer elements in sequence"));
                }
                Ok(out)
            }
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Mapping(m) => visitor.visit_map(Map { entries: m.into_iter(), value: None, path: self.path }),
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// An unknown field that is let through is not looked into.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            other => Err(wrong_type(&other, &visitor)),
        }
    }

    numbers! { deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }
    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    serde::forward_to_deserialize_any! { i128 u128 char bytes byte_buf }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => de::Unexpected::Unsigned(u),
            (None, Some(i)) => de::Unexpected::Signed(i),
            _ => de::Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Sequence(_) => de::Unexpected::Seq,
        Value::Mapping(_) => de::Unexpected::Map,
        Value::Tagged(_) => de::Unexpected::Enum,
    }
}

struct Seq<'p> {
    items: std::vec::IntoIter<Value>,
    index: usize,
    path: &'p RefCell<Vec<Step>>,
}

impl<'de> SeqAccess<'de> for &mut Seq<'_> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.items.next() else { return Ok(None) };
        push(self.path, Step::Index(self.index));
        let out = seed.deserialize(De { value, path: self.path })?;
        pop(self.path);
        self.index += 1;
        Ok(Some(out))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct Map<'p> {
    entries: <serde_yaml::Mapping as IntoIterator>::IntoIter,
    value: Option<Value>,
    path: &'p RefCell<Vec<Step>>,
}

impl<'de> MapAccess<'de> for Map<'_> {
    type Error = Error;

    /// The key goes on the path before it is read: an unknown field is reported at itself.
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        push(self.path, Step::Key(key_text(&key)));
        self.value = Some(value);
        seed.deserialize(De { value: key, path: self.path }).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self.value.take().unwrap_or(Value::Null);
        let out = seed.deserialize(De { value, path: self.path })?;
        pop(self.path);
        Ok(out)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The path a decoder is under, shared by every level of one decode.
pub type Path = RefCell<Vec<Step>>;

/// A type decoded from a YAML `Value` without serde's generic machinery: one non-generic
/// `decode` per type (`#[derive(Decode)]` from kubelab-derive writes it from the type's
/// `#[serde(...)]` attributes), so the page carries one copy of each type's decoder instead
/// of serde's per-deserializer visitors. Every error is serde's own (the same
/// `de::Error` constructors, the same "expected" words) and the path is kept exactly as
/// `De` keeps it, so the API server's wording built from them in parse.rs is unchanged.
pub trait Decode: Sized {
    fn decode(value: Value, path: &Path) -> Result<Self, Error>;

    /// A field left out that has no `#[serde(default)]`: serde's error, except for an
    /// `Option`, which serde's derive lets be absent.
    fn missing(field: &'static str) -> Result<Self, Error> {
        Err(de::Error::missing_field(field))
    }
}

/// Decodes `value` as a `T` with its `Decode`; on failure, the message and the path.
pub fn decode_typed<T: Decode>(value: Value) -> Result<T, (Error, Vec<Step>)> {
    let path = RefCell::new(Vec::new());
    T::decode(value, &path).map_err(|e| (e, path.into_inner()))
}

/// A type's `Decode` through its serde `Deserialize` (a hand-written one: a time, a
/// quantity, an int-or-string, a kept YAML value).
pub fn decode_with_serde<T: de::DeserializeOwned>(value: Value, path: &Path) -> Result<T, Error> {
    T::deserialize(De { value, path })
}

/// The walk over a struct's map that `#[derive(Decode)]` hands every struct to, as serde's
/// derived `visit_map` over `De` does it: each key goes on the path before it is read; a key
/// that is not a string is an "invalid type ..., expected field identifier"; a key that is
/// not one of `fields` is serde's `unknown field` when `deny_unknown` (the value not looked
/// into otherwise); a known one is given to `field` with its index in `fields`. Returns the
/// fields seen, bit `i` for `fields[i]`.
#[inline(never)]
pub fn decode_struct(
    value: Value,
    path: &Path,
    expected: &str,
    fields: &'static [&'static str],
    deny_unknown: bool,
    field: &mut dyn FnMut(usize, Value) -> Result<(), Error>,
) -> Result<u64, Error> {
    let mut seen = 0u64;
    let map = match value {
        Value::Mapping(m) => m,
        other => return Err(wrong_type(&other, &expected)),
    };
    for (key, value) in map {
        push(path, Step::Key(key_text(&key)));
        let name = match key {
            Value::String(s) => s,
            other => return Err(wrong_type(&other, &"field identifier")),
        };
        match fields.iter().position(|f| *f == name) {
            Some(index) => {
                field(index, value)?;
                seen |= 1 << index;
            }
            None if deny_unknown => return Err(de::Error::unknown_field(&name, fields)),
            None => {}
        }
        pop(path);
    }
    Ok(seen)
}

/// One field's value into its place: out of line, one copy per field type, so a struct's
/// decoder is a call per field.
#[inline(never)]
pub fn decode_into<T: Decode>(slot: &mut T, value: Value, path: &Path) -> Result<(), Error> {
    *slot = T::decode(value, path)?;
    Ok(())
}

/// A value with its YAML tags (`!foo x`) taken off, as `De::deserialize_any` reads it.
pub fn untagged(value: Value) -> Value {
    match value {
        Value::Tagged(t) => untagged(t.value),
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(untagged).collect()),
        Value::Mapping(m) => Value::Mapping(m.into_iter().map(|(k, v)| (untagged(k), untagged(v))).collect()),
        other => other,
    }
}

impl Decode for String {
    fn decode(value: Value, _: &Path) -> Result<Self, Error> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(wrong_type(&other, &"a string")),
        }
    }
}

/// serde's `Cow` decodes the owned form.
impl Decode for std::borrow::Cow<'static, str> {
    fn decode(value: Value, path: &Path) -> Result<Self, Error> {
        String::decode(value, path).map(std::borrow::Cow::Owned)
    }
}

impl Decode for bool {
    fn decode(value: Value, _: &Path) -> Result<Self, Error> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(wrong_type(&other, &"a boolean")),
        }
    }
}

/// A whole number within `min..=max`, as serde's integer visitors take what `De` gives
/// them: an out-of-range one is an "invalid value", a fraction an "invalid type".
#[inline(never)]
fn decode_integer(value: Value, expected: &str, min: i64, max: i64) -> Result<i64, Error> {
    let n = match value {
        Value::Number(n) => n,
        other => return Err(wrong_type(&other, &expected)),
    };
    if let Some(u) = n.as_u64() {
        if u <= max as u64 {
            return Ok(u as i64);
        }
        return Err(de::Error::invalid_value(de::Unexpected::Unsigned(u), &expected));
    }
    if let Some(i) = n.as_i64() {
        if min <= i && i <= max {
            return Ok(i);
        }
        return Err(de::Error::invalid_value(de::Unexpected::Signed(i), &expected));
    }
    Err(de::Error::invalid_type(de::Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)), &expected))
}

macro_rules! integers {
    ($($ty:ident)*) => {$(
        impl Decode for $ty {
            fn decode(value: Value, _: &Path) -> Result<Self, Error> {
                decode_integer(value, stringify!($ty), $ty::MIN as i64, $ty::MAX as i64).map(|n| n as $ty)
            }
        }
    )*};
}
integers! { i32 i64 }

impl<T: Decode> Decode for Option<T> {
    fn decode(value: Value, path: &Path) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            v => T::decode(v, path).map(Some),
        }
    }
    fn missing(_: &'static str) -> Result<Self, Error> {
        Ok(None)
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(value: Value, path: &Path) -> Result<Self, Error> {
        T::decode(value, path).map(Box::new)
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(value: Value, path: &Path) -> Result<Self, Error> {
        let items = match value {
            Value::Sequence(items) => items,
            other => return Err(wrong_type(&other, &"a sequence")),
        };
        let mut out = Vec::with_capacity(items.len().min(4096));
        for (index, item) in items.into_iter().enumerate() {
            push(path, Step::Index(index));
            out.push(T::decode(item, path)?);
            pop(path);
        }
        Ok(out)
    }
}

impl<V: Decode> Decode for std::collections::BTreeMap<String, V> {
    fn decode(value: Value, path: &Path) -> Result<Self, Error> {
        let map = match value {
            Value::Mapping(m) => m,
            other => return Err(wrong_type(&other, &"a map")),
        };
        let mut out = std::collections::BTreeMap::new();
        for (key, value) in map {
            push(path, Step::Key(key_text(&key)));
            let key = String::decode(key, path)?;
            out.insert(key, V::decode(value, path)?);
            pop(path);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        spec: Spec,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Spec {
        #[serde(default)]
        replicas: Option<i32>,
        #[serde(default)]
        containers: Vec<Container>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Container {
        name: String,
        #[serde(default)]
        ports: Vec<i32>,
    }

    fn run(yaml: &str) -> Result<Doc, (String, Vec<Step>)> {
        decode::<Doc>(serde_yaml::from_str(yaml).unwrap()).map_err(|(e, p)| (e.to_string(), p))
    }

    fn key(k: &str) -> Step {
        Step::Key(Some(k.into()))
    }

    /// The path ends at the field that failed; an unknown field is named in it, as the API
    /// server's strict decoding reports it; the messages are serde's.
    #[test]
    fn errors_carry_the_path_where_decoding_failed() {
        let ok = run("spec: {replicas: 2, containers: [{name: a, ports: [80]}]}").unwrap();
        assert_eq!(ok.spec.containers[0].ports, vec![80]);
        let (msg, path) = run("spec: {containers: [{name: a}, {name: b, imagee: x}]}").unwrap_err();
        assert!(msg.starts_with("unknown field `imagee`"), "{msg}");
        assert_eq!(path, vec![key("spec"), key("containers"), Step::Index(1), key("imagee")]);
        let (msg, path) = run("spec: {containers: [{name: a, ports: [80, http]}]}").unwrap_err();
        assert_eq!(msg, "invalid type: string \"http\", expected i32");
        assert_eq!(path, vec![key("spec"), key("containers"), Step::Index(0), key("ports"), Step::Index(1)]);
        let (msg, path) = run("spec: {replicas: 1.5}").unwrap_err();
        assert_eq!(msg, "invalid type: floating point `1.5`, expected i32");
        assert_eq!(path, vec![key("spec"), key("replicas")]);
        let (msg, path) = run("spec: {containers: [{ports: []}]}").unwrap_err();
        assert_eq!(msg, "missing field `name`");
        assert_eq!(path, vec![key("spec"), key("containers"), Step::Index(0)]);
        let (msg, _) = run("spec: {containers: [{name: 5}]}").unwrap_err();
        assert_eq!(msg, "invalid type: integer `5`, expected a string");
        let (msg, _) = run("spec: {containers: {name: a}}").unwrap_err();
        assert_eq!(msg, "invalid type: map, expected a sequence");
        let (msg, _) = run("spec: [1]").unwrap_err();
        assert_eq!(msg, "invalid type: sequence, expected struct Spec");
        let (_, path) = run("spec: {7: x}").unwrap_err();
        assert_eq!(path, vec![key("spec"), key("7")]);
    }
}
