//! Fields the lab keeps as given but does not model (securityContext, affinity, most volume
//! sources): a YAML value shared between copies of an object.
//!
//! Every pod a ReplicaSet makes carries the same service-account volume and security
//! context, and the engine copies and compares pods on every status write: sharing the value
//! makes a copy a reference count and a comparison of two copies a pointer check. A change
//! goes through `DerefMut`, which copies the value first if another object shares it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_yaml::Value;
use std::sync::Arc;

#[derive(Clone)]
pub struct Opaque(Arc<Value>);

impl Opaque {
    pub fn new(v: Value) -> Opaque {
        Opaque(Arc::new(v))
    }
}

impl From<Value> for Opaque {
    fn from(v: Value) -> Opaque {
        Opaque::new(v)
    }
}

impl std::ops::Deref for Opaque {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl std::ops::DerefMut for Opaque {
    fn deref_mut(&mut self) -> &mut Value {
        Arc::make_mut(&mut self.0)
    }
}

impl PartialEq for Opaque {
    fn eq(&self, other: &Opaque) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl PartialEq<Value> for Opaque {
    fn eq(&self, other: &Value) -> bool {
        *self.0 == *other
    }
}

impl std::fmt::Debug for Opaque {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Opaque {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Opaque {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Opaque, D::Error> {
        Value::deserialize(d).map(Opaque::new)
    }
}

/// The value as serde gives it: through the kept value's own `Serialize`, as before.
impl crate::encode::Encode for Opaque {
    fn encode(&self) -> crate::encode::Json {
        serde_json::to_value(&*self.0).unwrap_or(crate::encode::Json::Null)
    }
}

/// Kept as given, tags taken off as `Value::deserialize` over `De` takes them off.
impl crate::tracked::Decode for Opaque {
    fn decode(value: Value, _: &crate::tracked::Path) -> Result<Opaque, crate::tracked::Error> {
        Ok(Opaque::new(crate::tracked::untagged(value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_until_one_changes() {
        let a = Opaque::new(serde_yaml::from_str("runAsUser: 1000").unwrap());
        let mut b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, b);
        b.as_mapping_mut().unwrap().insert("runAsUser".into(), 0.into());
        assert_ne!(a, b, "a change to one copy leaves the other as it was");
        assert_eq!(a.get("runAsUser").and_then(Value::as_i64), Some(1000));
        assert_eq!(serde_yaml::to_string(&b).unwrap(), "runAsUser: 0\n");
        let c: Opaque = serde_yaml::from_str("runAsUser: 0").unwrap();
        assert_eq!(b, c, "equal values compare equal without sharing");
    }
}
