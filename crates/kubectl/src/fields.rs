//! `--field-selector` and `--sort-by`: the fields the API server lets you select on, and
//! kubectl's JSONPath sorting.

use kubelab_api::Object;
use serde_json::Value;

/// Field labels the API server supports per kind (others get "field label not supported");
/// each kind's list is its `Printed::FIELD_LABELS`.
pub fn supported_fields(kind: &str) -> &'static [&'static str] {
    crate::kinds::field_labels(kind)
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    pub fn parse(s: &str) -> Result<FieldSelector, String> {
        let mut v = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, eq, val) = if let Some((k, val)) = part.split_once("!=") {
                (k, false, val)
            } else if let Some((k, val)) = part.split_once("==") {
                (k, true, val)
            } else if let Some((k, val)) = part.split_once('=') {
                (k, true, val)
            } else {
                return Err(format!("invalid selector: '{s}'; can't understand '{part}'"));
            };
            v.push((k.trim().to_string(), eq, val.trim().to_string()));
        }
        Ok(FieldSelector(v))
    }

    /// The first field this kind does not support, if any.
    pub fn unsupported(&self, kind: &str) -> Option<&str> {
        self.0.iter().map(|(k, _, _)| k.as_str()).find(|k| !supported_fields(kind).contains(k))
    }

    pub fn matches(&self, o: &Object) -> bool {
        let j = o.to_json();
        self.0.iter().all(|(k, eq, want)| {
            // Field labels that are not the field's own path: an event's `source`, and a Job's
            // `status.successful` (strategy.go's SelectableFields: `status.succeeded` as a number).
            let have = match k.as_str() {
                "source" => lookup(&j, ".source.component"),
                "status.successful" => Some(lookup(&j, ".status.succeeded").unwrap_or(Value::from(0))),
                _ => lookup(&j, &format!(".{k}")),
            };
            let have = match have {
                Some(Value::String(s)) => s,
                Some(Value::Bool(b)) => b.to_string(),
                Some(Value::Number(n)) => n.to_string(),
                Some(_) | None => {
                    if k == "spec.unschedulable" || k == "spec.hostNetwork" {
                        "false".into()
                    } else {
                        String::new()
                    }
                }
            };
            (have == *want) == *eq
        })
    }
}

/// A small JSONPath: `.a.b[0].c`, also `{.a.b}`.
pub fn lookup(v: &Value, path: &str) -> Option<Value> {
    let p = path.trim().trim_start_matches('{').trim_end_matches('}');
    let mut cur = v.clone();
    for seg in p.split('.').filter(|s| !s.is_empty()) {
        let (name, idx) = match seg.find('[') {
            Some(i) => (&seg[..i], seg[i + 1..].trim_end_matches(']').parse::<usize>().ok()),
            None => (seg, None),
        };
        if !name.is_empty() {
            cur = cur.get(name)?.clone();
        }
        if let Some(i) = idx {
            cur = cur.get(i)?.clone();
        }
    }
    Some(cur)
}

/// Sorts objects by a JSONPath, as `--sort-by` does (missing values first, numbers by value).
pub fn sort_by(objs: &mut [Object], path: &str) {
    let key = |o: &Object| lookup(&o.to_json(), path);
    kubelab_api::sort::by(objs, |a, b| {
        let (x, y) = (key(a), key(b));
        match (&x, &y) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Less,
            (_, None) => std::cmp::Ordering::Greater,
            (Some(Value::Number(p)), Some(Value::Number(q))) => {
                p.as_f64().unwrap_or(0.0).total_cmp(&q.as_f64().unwrap_or(0.0))
            }
            (Some(p), Some(q)) => value_string(p).cmp(&value_string(q)),
        }
    });
}

fn value_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
