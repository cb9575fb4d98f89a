//! Object metadata and the small value types every kind shares:
//! `ObjectMeta`, `OwnerReference`, `LabelSelector`, `IntOrString`, `Time`.

use kubelab_derive::{Decode, Encode};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// A simulated instant: milliseconds since the lab's epoch.
/// Serialized as RFC 3339 (`2024-08-13T00:00:00Z`), as the API server does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub u64);

/// The wall-clock date of simulated time zero (Kubernetes v1.31's release day).
/// Only used to print timestamps; the engine counts milliseconds.
pub const EPOCH_DAYS_SINCE_1970: i64 = 19948; // 2024-08-13

impl Time {
    pub fn from_secs(s: u64) -> Time {
        Time(s * 1000)
    }
    pub fn secs(self) -> u64 {
        self.0 / 1000
    }
    /// RFC 3339 with second precision, like metav1.Time.
    pub fn rfc3339(self) -> String {
        let total = self.0 / 1000;
        let days = EPOCH_DAYS_SINCE_1970 + (total / 86400) as i64;
        let rem = total % 86400;
        let (y, m, d) = civil_from_days(days);
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
    }
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || (b[10] != b'T' && b[10] != b't') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let days = days_from_civil(y, mo, d) - EPOCH_DAYS_SINCE_1970;
        let secs = days * 86400 + h * 3600 + mi * 60 + se;
        if secs < 0 {
            return Some(Time(0));
        }
        Some(Time(secs as u64 * 1000))
    }
}

// Howard Hinnant's civil calendar algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Time::parse_rfc3339(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"))
        })
    }
}

/// An int32 or a string, like `targetPort: 8080` or `targetPort: http`, or `maxSurge: 25%`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrString::Int(i) => s.serialize_i32(*i),
            IntOrString::String(v) => s.serialize_str(v),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an int or a string")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IntOrString, E> {
                i32::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::custom(format!("value {v} out of range for int32")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IntOrString, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A resource quantity such as `500m`, `1`, `128Mi`. Kept as written; numbers are accepted
/// and turned into their canonical string, as the API server does.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Quantity(pub String);

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quantity")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                Ok(Quantity(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Quantity, E> {
                // 0.5 cpu is canonicalised by the API server to 500m.
                if v.fract() == 0.0 {
                    Ok(Quantity(format!("{}", v as i64)))
                } else {
                    Ok(Quantity(format!("{}m", (v * 1000.0).round() as i64)))
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Ok(Quantity(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Quantity {
    /// The value in milli-units (`500m` → 500, `2` → 2000, `1Gi` → 1073741824000).
    /// `None` when the string is not a quantity.
    pub fn millis(&self) -> Option<i128> {
        crate::quantity::parse_millis(&self.0)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnerReference {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ObjectMeta {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub generation: i64,
    #[serde(default)]
    pub creation_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
    /// Accepted (server-side apply writes it) and ignored.
    #[serde(default, skip_serializing)]
    pub managed_fields: Option<crate::Opaque>,
    #[serde(default, skip_serializing)]
    pub self_link: Option<String>,
}

pub(crate) fn is_zero(v: &i64) -> bool {
    *v == 0
}

impl ObjectMeta {
    /// The ownerReference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        self.owner_references.iter().find(|o| o.controller == Some(true))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub operator: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize, Encode)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
    /// What the manifest wrote; only validation reads it (see `Written`).
    #[serde(skip)]
    pub written: Written,
}

/// Which parts of a selector a manifest wrote, as Go's decoder keeps them: `selector: {}` is a
/// present, empty selector (`empty selector is invalid for deployment`) where an absent one
/// is `Required value`, and `matchLabels: {}` prints as `map[string]string{}` where an absent
/// one prints `map[string]string(nil)`. A selector built in code writes nothing; that matters
/// only when it is empty. Equality ignores it: it does not survive a save.
#[derive(Clone, Copy, Debug, Default)]
pub struct Written {
    pub selector: bool,
    pub match_labels: bool,
    pub match_expressions: bool,
}

impl PartialEq for LabelSelector {
    fn eq(&self, other: &Self) -> bool {
        self.match_labels == other.match_labels && self.match_expressions == other.match_expressions
    }
}

/// The selector as written: `null` and absent are the same (a nil map in Go). Its Rust name
/// is in serde's "expected struct AsWritten", which a wrong-typed selector's error shows.
#[derive(Default, Deserialize, Decode)]
#[serde(rename = "LabelSelector", rename_all = "camelCase", deny_unknown_fields)]
struct AsWritten {
    #[serde(default)]
    match_labels: Option<BTreeMap<String, String>>,
    #[serde(default)]
    match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

impl From<AsWritten> for LabelSelector {
    fn from(w: AsWritten) -> LabelSelector {
        LabelSelector {
            written: Written {
                selector: true,
                match_labels: w.match_labels.is_some(),
                match_expressions: w.match_expressions.is_some(),
            },
            match_labels: w.match_labels.unwrap_or_default(),
            match_expressions: w.match_expressions.unwrap_or_default(),
        }
    }
}

impl<'de> Deserialize<'de> for LabelSelector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        AsWritten::deserialize(d).map(LabelSelector::from)
    }
}

impl crate::tracked::Decode for LabelSelector {
    fn decode(value: crate::tracked::Value, path: &crate::tracked::Path) -> Result<Self, crate::tracked::Error> {
        <AsWritten as crate::tracked::Decode>::decode(value, path).map(LabelSelector::from)
    }
}

// The hand-written `Serialize` impls above, as `Encode`: the same JSON values.
impl crate::encode::Encode for Time {
    fn encode(&self) -> crate::encode::Json {
        crate::encode::Json::String(self.rfc3339())
    }
}

impl crate::encode::Encode for IntOrString {
    fn encode(&self) -> crate::encode::Json {
        match self {
            IntOrString::Int(i) => crate::encode::Json::from(*i),
            IntOrString::String(v) => crate::encode::Json::String(v.clone()),
        }
    }
}

impl crate::encode::Encode for Quantity {
    fn encode(&self) -> crate::encode::Json {
        crate::encode::Json::String(self.0.clone())
    }
}

// The hand-written `Deserialize` impls above, as `Decode`: the same values accepted, the
// same errors (`De::deserialize_any` gives a visitor the value with its tags taken off; a
// visitor's default for any other type is serde's "invalid type ..., expected EXPECTING").
impl crate::tracked::Decode for Time {
    fn decode(value: crate::tracked::Value, path: &crate::tracked::Path) -> Result<Self, crate::tracked::Error> {
        let s = String::decode(value, path)?;
        Time::parse_rfc3339(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("parsing time \"{s}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse"))
        })
    }
}

impl crate::tracked::Decode for IntOrString {
    fn decode(value: crate::tracked::Value, _: &crate::tracked::Path) -> Result<Self, crate::tracked::Error> {
        use crate::tracked::Value;
        let too_big = |v: i64| serde::de::Error::custom(format!("value {v} out of range for int32"));
        match crate::tracked::untagged(value) {
            Value::String(s) => Ok(IntOrString::String(s)),
            Value::Number(n) if n.as_u64().is_some() || n.as_i64().is_some() => {
                let v = match n.as_u64() {
                    Some(u) => i64::try_from(u).unwrap_or(i64::MAX),
                    None => n.as_i64().unwrap_or_default(),
                };
                i32::try_from(v).map(IntOrString::Int).map_err(|_| too_big(v))
            }
            other => Err(crate::tracked::wrong_type(&other, &"an int or a string")),
        }
    }
}

impl crate::tracked::Decode for Quantity {
    fn decode(value: crate::tracked::Value, _: &crate::tracked::Path) -> Result<Self, crate::tracked::Error> {
        use crate::tracked::Value;
        match crate::tracked::untagged(value) {
            Value::String(s) => Ok(Quantity(s)),
            Value::Number(n) => Ok(match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Quantity(u.to_string()),
                (None, Some(i)) => Quantity(i.to_string()),
                // 0.5 cpu is canonicalised by the API server to 500m.
                _ => {
                    let v = n.as_f64().unwrap_or(f64::NAN);
                    if v.fract() == 0.0 {
                        Quantity(format!("{}", v as i64))
                    } else {
                        Quantity(format!("{}m", (v * 1000.0).round() as i64))
                    }
                }
            }),
            other => Err(crate::tracked::wrong_type(&other, &"a quantity")),
        }
    }
}

impl LabelSelector {
    /// Go's `%#v` of the `metav1.LabelSelector`, as a field error prints its value:
    /// `v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`.
    pub fn go_value(&self) -> String {
        let labels = if self.match_labels.is_empty() && !self.written.match_labels {
            "map[string]string(nil)".to_string()
        } else {
            let parts: Vec<String> = self.match_labels.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
            format!("map[string]string{{{}}}", parts.join(", "))
        };
        let exprs = if self.match_expressions.is_empty() {
            if self.written.match_expressions {
                "[]v1.LabelSelectorRequirement{}".to_string()
            } else {
                "[]v1.LabelSelectorRequirement(nil)".to_string()
            }
        } else {
            let parts: Vec<String> = self
                .match_expressions
                .iter()
                .map(|r| {
                    let values = if r.values.is_empty() {
                        "[]string(nil)".to_string()
                    } else {
                        let v: Vec<String> = r.values.iter().map(|v| format!("{v:?}")).collect();
                        format!("[]string{{{}}}", v.join(", "))
                    };
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{:?}, Operator:{:?}, Values:{values}}}",
                        r.key, r.operator
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", parts.join(", "))
        };
        format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:{exprs}}}")
    }
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }
    /// metav1.LabelSelectorAsSelector semantics: an empty selector matches everything.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let have = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => have.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => have.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => have.is_some(),
                    "DoesNotExist" => have.is_none(),
                    _ => false,
                }
            })
    }
    /// The selector as kubectl prints it (`app=web,tier in (a,b)`): labels.Selector's String()
    /// after metav1.LabelSelectorAsSelector, whose Add sorts the requirements by key and whose
    /// values are a set (sorted, each once). `<error>` for an operator LabelSelectorAsSelector
    /// rejects, as metav1.FormatLabelSelector prints it (apimachinery v0.31 helpers.go, selector.go).
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<(&str, String)> =
            self.match_labels.iter().map(|(k, v)| (k.as_str(), format!("{k}={v}"))).collect();
        for r in &self.match_expressions {
            let mut values = r.values.clone();
            crate::sort::natural(&mut values);
            values.dedup();
            let vals = values.join(",");
            let text = match r.operator.as_str() {
                "In" => format!("{} in ({vals})", r.key),
                "NotIn" => format!("{} notin ({vals})", r.key),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                _ => return "<error>".into(),
            };
            parts.push((r.key.as_str(), text));
        }
        crate::sort::by(&mut parts, |a, b| a.0.cmp(b.0));
        let texts: Vec<String> = parts.into_iter().map(|(_, t)| t).collect();
        texts.join(",")
    }
}

/// A map selector (Service.spec.selector, ReplicationController): all pairs must match;
/// an empty map selects nothing for Services (handled by callers).
pub fn map_matches(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    // (Most selectors the scheduler checks per node are empty: no iterator for those.)
    selector.is_empty() || selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

pub(crate) fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// labels.Selector's String() after LabelSelectorAsSelector: requirements sorted by key
    /// (internalSelector.Add sorts ByKey), values sorted and each once (apimachinery v0.31).
    #[test]
    fn selector_string_sorts_requirements_by_key() {
        let s = LabelSelector {
            match_labels: [("tier".to_string(), "web".to_string())].into_iter().collect(),
            match_expressions: vec![
                LabelSelectorRequirement {
                    key: "zone".into(),
                    operator: "NotIn".into(),
                    values: vec!["b".into(), "a".into(), "b".into()],
                },
                LabelSelectorRequirement { key: "app".into(), operator: "In".into(), values: vec!["shop".into()] },
                LabelSelectorRequirement { key: "canary".into(), operator: "DoesNotExist".into(), values: vec![] },
            ],
            written: Written::default(),
        };
        assert_eq!(s.to_selector_string(), "app in (shop),!canary,tier=web,zone notin (a,b)");
        let bad = LabelSelector {
            match_expressions: vec![LabelSelectorRequirement {
                key: "a".into(),
                operator: "Gt".into(),
                values: vec![],
            }],
            ..LabelSelector::default()
        };
        assert_eq!(bad.to_selector_string(), "<error>");
    }
}

/// A status condition with a type, a status, when it last changed, a reason and a message:
/// APIService's and HorizontalPodAutoscaler's (two Go types upstream, the same fields and JSON).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TypedCondition {
    #[serde(default, rename = "type")]
    pub type_: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl TypedCondition {
    /// Sets the condition of `type_` (appended when there is none): its transition time moves
    /// only when its status does (the HPA controller's setCondition,
    /// helper.SetAPIServiceCondition).
    pub fn set(
        conditions: &mut Vec<TypedCondition>,
        type_: &str,
        status: &str,
        reason: &str,
        message: String,
        now: Time,
    ) {
        let i = match conditions.iter().position(|c| c.type_ == type_) {
            Some(i) => i,
            None => {
                conditions.push(TypedCondition { type_: type_.into(), ..Default::default() });
                conditions.len() - 1
            }
        };
        let c = &mut conditions[i];
        if c.status != status {
            c.status = status.into();
            c.last_transition_time = Some(now);
        }
        c.reason = reason.into();
        c.message = message;
    }
}
