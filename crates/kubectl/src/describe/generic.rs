//! kubectl's generic describer (k8s.io/kubectl/pkg/describe, `genericDescriber`): what
//! `kubectl describe` prints for a kind it has no describer of its own for (an APIService,
//! a custom resource). Name, Namespace, Labels and Annotations, then every other field of
//! the object as the server returns it (`printUnstructuredContent`: keys sorted, each
//! labelled by `smartLabelFor`, maps and lists nested two spaces deeper; managedFields
//! left out), then its events.

use super::{describe_events, labels_multiline, W};
use kubelab_api::*;
use kubelab_engine::store::Store;
use serde_json::Value as Json;

/// The paths printUnstructuredContent skips: printed above, or not at all.
const SKIPPED: &[&str] =
    &[".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels", ".metadata.annotations"];

pub fn generic(o: &Object, store: &Store, now: Time) -> String {
    let mut w = W(String::new());
    let m = o.meta();
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    if let Json::Object(content) = o.to_json() {
        unstructured(&mut w, 0, &content, "");
    }
    describe_events(&mut w, store, o.kind(), &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

/// printUnstructuredContent.
fn unstructured(w: &mut W, level: usize, content: &serde_json::Map<String, Json>, prefix: &str) {
    let mut fields: Vec<&String> = content.keys().collect();
    kubelab_api::sort::natural(&mut fields);
    for field in fields {
        let path = format!("{prefix}.{field}");
        if SKIPPED.contains(&path.as_str()) {
            continue;
        }
        match &content[field] {
            Json::Object(map) => {
                w.line(level, &format!("{}:", smart_label(field)));
                unstructured(w, level + 1, map, &path);
            }
            Json::Array(items) => {
                w.line(level, &format!("{}:", smart_label(field)));
                for item in items {
                    match item {
                        Json::Object(map) => unstructured(w, level + 1, map, &path),
                        other => w.line(level + 1, &go_value(other)),
                    }
                }
            }
            other => w.line(level, &format!("{}:\t{}", smart_label(field), go_value(other))),
        }
    }
}

/// A scalar as Go's `%v` prints it from decoded JSON.
fn go_value(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

/// smartLabelFor: `insecureSkipTLSVerify` → `Insecure Skip TLS Verify`, `uid` → `UID`;
/// a name with characters other than letters and `-` is kept as it is. Upstream upper-cases
/// with Unicode's tables (strings.ToUpper, strings.Title); the fields this describer labels
/// are an APIService's (the only kind it describes), whose names are its schema's, all ASCII,
/// so ASCII upper-casing gives the same labels without the ~8 KB gzip of Unicode case tables
/// `char::to_uppercase` puts in the page's wasm (BENCHMARKS.md, session 19).
fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camelcase_split(field)
        .into_iter()
        .filter(|p| p != "-")
        .map(|p| {
            let upper = p.to_ascii_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut c = p.chars();
                c.next().map(|f| std::iter::once(f.to_ascii_uppercase()).chain(c).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// github.com/fatih/camelcase Split: runs of one character class (lower, upper, digit,
/// other); an upper run followed by a lower one gives its last letter to the lower run
/// (`TLSVerify` → `TLS`, `Verify`).
fn camelcase_split(s: &str) -> Vec<String> {
    fn class(c: char) -> u8 {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    }
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(r) if k == last => r.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let (upper, lower) = (runs[i].first().is_some_and(|c| c.is_uppercase()), runs[i + 1][0].is_lowercase());
        if upper && lower {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        }
    }
    runs.into_iter().filter(|r| !r.is_empty()).map(|r| r.into_iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::smart_label;

    #[test]
    fn labels_split_camel_case_and_keep_acronyms() {
        assert_eq!(smart_label("insecureSkipTLSVerify"), "Insecure Skip TLS Verify");
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("lastTransitionTime"), "Last Transition Time");
        assert_eq!(smart_label("caBundle"), "Ca Bundle");
        assert_eq!(smart_label("groupPriorityMinimum"), "Group Priority Minimum");
    }
}
