//! Typed objects to JSON values without serde's generic machinery: `#[derive(Encode)]`
//! (kubelab-derive) writes one non-generic `encode` per type from its `#[serde(...)]`
//! attributes, giving exactly the value `serde_json::to_value` gives for the type's
//! `Serialize` derive: the fields in order under their serde names, `skip_serializing_if`
//! and `skip_serializing` honoured, `None` as `null`. `Object::to_json` (what `-o yaml`,
//! `-o json`, jsonpath and the inspector print) goes through it; `Serialize` stays for
//! everything else (the pod-template hash's JSON text, the saves).

pub use serde_json::{Map as JsonMap, Value as Json};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub trait Encode {
    fn encode(&self) -> Json;
}

/// One field into its object: out of line, one copy per field type.
#[inline(never)]
pub fn put<T: Encode + ?Sized>(map: &mut JsonMap<String, Json>, name: &str, value: &T) {
    map.insert(name.to_string(), value.encode());
}

impl Encode for String {
    fn encode(&self) -> Json {
        Json::String(self.clone())
    }
}

impl Encode for Cow<'static, str> {
    fn encode(&self) -> Json {
        Json::String(self.to_string())
    }
}

impl Encode for bool {
    fn encode(&self) -> Json {
        Json::Bool(*self)
    }
}

impl Encode for i32 {
    fn encode(&self) -> Json {
        Json::from(*self)
    }
}

impl Encode for i64 {
    fn encode(&self) -> Json {
        Json::from(*self)
    }
}

impl<T: Encode> Encode for Option<T> {
    fn encode(&self) -> Json {
        match self {
            Some(v) => v.encode(),
            None => Json::Null,
        }
    }
}

impl<T: Encode> Encode for Box<T> {
    fn encode(&self) -> Json {
        (**self).encode()
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(&self) -> Json {
        Json::Array(self.iter().map(T::encode).collect())
    }
}

impl<V: Encode> Encode for BTreeMap<String, V> {
    fn encode(&self) -> Json {
        Json::Object(self.iter().map(|(k, v)| (k.clone(), v.encode())).collect())
    }
}
