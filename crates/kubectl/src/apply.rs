//! `kubectl apply -f` and `kubectl create -f`: documents in, objects created or patched.
//! Apply computes a three-way merge from the last-applied-configuration annotation, the new
//! manifest and the live object, as client-side apply does (lists are replaced whole).

use crate::Output;
use kubelab_api::defaults::default_object;
use kubelab_api::{decode, parse_documents, DecodeError, Object};
use kubelab_engine::{ApiError, Engine};
use serde_json::Value as Json;

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// One problem in a manifest, located for an editor.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ApplyReport {
    pub output: Output,
    pub problems: Vec<Problem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Apply,
    Create,
}

/// Applies every document of `text` (read from `source`) in `namespace` (objects that name
/// their own namespace go there, as with kubectl without `-n`).
pub fn apply_manifest(engine: &mut Engine, text: &str, source: &str, namespace: &str) -> ApplyReport {
    run_manifest(engine, text, source, namespace, false, Mode::Apply)
}

/// `explicit`: the namespace came from `-n`, so an object naming another one is refused.
pub fn run_manifest(
    engine: &mut Engine,
    text: &str,
    source: &str,
    namespace: &str,
    explicit: bool,
    mode: Mode,
) -> ApplyReport {
    let mut rep = ApplyReport { output: Output::new(), problems: Vec::new() };
    let (docs, syntax) = parse_documents(text);
    let mut errors: Vec<String> = Vec::new();
    for doc in &docs {
        // The API server refuses request bodies over 3 MiB.
        let size = serde_json::to_vec(&doc.value).map(|v| v.len()).unwrap_or(0);
        if size > 3 * 1024 * 1024 {
            let verb = "creating";
            errors.push(format!("Error from server (RequestEntityTooLarge): error when {verb} \"{source}\": Request entity too large: limit is 3145728"));
            rep.problems.push(Problem {
                line: doc.line,
                column: 1,
                message: format!("this document is {size} bytes; the API server takes at most 3145728"),
            });
            continue;
        }
        let obj = match decode(doc) {
            Ok(o) => o,
            Err(e) => {
                let verb = "creating";
                errors.push(e.kubectl_message(source, verb));
                let line = match &e {
                    DecodeError::BadRequest { path, .. } => kubelab_api::parse::locate_path(text, doc.line, path),
                    _ => doc.line,
                };
                rep.problems.push(Problem { line, column: 1, message: short_message(&e, source) });
                continue;
            }
        };
        let obj_ns = obj.meta().namespace.clone();
        let namespace = if obj.info().namespaced && !obj_ns.is_empty() {
            if explicit && obj_ns != namespace {
                errors.push(format!(
                    "error: the namespace from the provided object \"{obj_ns}\" does not match the namespace \"{namespace}\". You must pass '--namespace={obj_ns}' to perform this operation."
                ));
                rep.problems.push(Problem {
                    line: doc.line,
                    column: 1,
                    message: format!("metadata.namespace is \"{obj_ns}\" but the command runs in \"{namespace}\""),
                });
                continue;
            }
            obj_ns.as_str()
        } else {
            namespace
        };
        let result = match mode {
            Mode::Apply => apply_one(engine, obj, &doc.value, namespace, &mut rep.output),
            Mode::Create => create_one(engine, obj, namespace),
        };
        match result {
            Ok(line) => rep.output.out(line),
            Err((verb, e)) => {
                if let ApiError::Invalid { errors: fes, .. } = &e {
                    for fe in fes {
                        let line = kubelab_api::parse::locate_path(text, doc.line, &fe.path);
                        rep.problems.push(Problem { line, column: 1, message: fe.to_string() });
                    }
                } else {
                    rep.problems.push(Problem { line: doc.line, column: 1, message: e.message() });
                }
                errors.push(e.kubectl_message_from(verb, source));
            }
        }
    }
    if let Some(s) = syntax {
        errors.push(format!("error: error parsing {source}: {s}"));
        rep.problems.push(Problem { line: s.line, column: s.column, message: s.to_string() });
    }
    if docs.is_empty() && errors.is_empty() {
        errors.push("error: no objects passed to apply".to_string());
    }
    for e in errors {
        rep.output.err(e);
    }
    rep
}

fn short_message(e: &DecodeError, source: &str) -> String {
    match e {
        DecodeError::BadRequest { .. } => e.server_message(),
        other => other.kubectl_message(source, "creating").trim_start_matches("error: ").to_string(),
    }
}

fn kind_label(obj: &Object) -> String {
    format!("{}/{}", obj.info().qualified_singular(), obj.meta().name)
}

fn create_one(engine: &mut Engine, obj: Object, namespace: &str) -> Result<String, (&'static str, ApiError)> {
    let label = kind_label(&obj);
    engine.create(obj, namespace).map(|_| format!("{label} created")).map_err(|e| ("creating", e))
}

/// The JSON kubectl stores in last-applied-configuration: the manifest as written, keys
/// sorted, compact, with a trailing newline.
fn last_applied_json(raw: &serde_yaml::Value) -> String {
    let j: Json = serde_json::to_value(raw).unwrap_or(Json::Null);
    format!("{}\n", serde_json::to_string(&j).unwrap_or_default())
}

fn apply_one(
    engine: &mut Engine,
    mut obj: Object,
    raw: &serde_yaml::Value,
    namespace: &str,
    out: &mut Output,
) -> Result<String, (&'static str, ApiError)> {
    let label = kind_label(&obj);
    let info = obj.info();
    let ns = if info.namespaced {
        if obj.meta().namespace.is_empty() {
            namespace.to_string()
        } else {
            obj.meta().namespace.clone()
        }
    } else {
        String::new()
    };
    let applied = last_applied_json(raw);
    let Some(live) = engine.store().get(info.kind, &ns, &obj.meta().name) else {
        obj.meta_mut().annotations.insert(LAST_APPLIED.into(), applied);
        return engine.create(obj, namespace).map(|_| format!("{label} created")).map_err(|e| ("creating", e));
    };
    let last: Option<Json> = live.meta().annotations.get(LAST_APPLIED).and_then(|s| serde_json::from_str(s).ok());
    if last.is_none() {
        out.warn(format!(
            "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.",
            info.resource,
            obj.meta().name
        ));
    }
    let new_json: Json = serde_json::to_value(raw).unwrap_or(Json::Null);
    let mut merged = live.to_json();
    three_way_merge(&mut merged, last.as_ref(), &new_json);
    if let Json::Object(m) = &mut merged {
        let meta = m.entry("metadata").or_insert_with(|| Json::Object(Default::default()));
        if let Json::Object(meta) = meta {
            let ann = meta.entry("annotations").or_insert_with(|| Json::Object(Default::default()));
            if let Json::Object(ann) = ann {
                ann.insert(LAST_APPLIED.into(), Json::String(applied));
            }
        }
    }
    let doc = kubelab_api::SourceDoc { line: 1, value: serde_yaml::to_value(&merged).unwrap_or_default() };
    let mut next = decode(&doc).map_err(|e| ("patching", ApiError::BadRequest(e.server_message())))?;
    default_object(&mut next);
    let before = engine.store().resource_version();
    engine.update(next).map_err(|e| ("patching", e))?;
    if engine.store().resource_version() == before {
        Ok(format!("{label} unchanged"))
    } else {
        Ok(format!("{label} configured"))
    }
}

/// The merge key of a list, as strategic merge patch uses them (`containers` by name,
/// container `ports` by containerPort, Service `ports` by port): the key every element has.
fn merge_key(items: &[Json]) -> Option<&'static str> {
    ["name", "containerPort", "port", "ip"]
        .into_iter()
        .find(|&key| !items.is_empty() && items.iter().all(|i| i.get(key).is_some()))
        .map(|v| v as _)
}

/// Client-side apply's patch: fields in `new` set, fields in `last` but not in `new` removed,
/// maps merged recursively; lists of objects with a merge key merged element by element
/// (so fields the server added, like a container's volumeMounts, survive); other lists and
/// scalars replaced.
pub fn three_way_merge(live: &mut Json, last: Option<&Json>, new: &Json) {
    if let (Json::Array(l), Json::Array(n)) = (&*live, new) {
        if let (Some(key), Some(_)) = (merge_key(n), merge_key(l).or(if l.is_empty() { Some("name") } else { None })) {
            let prev: Vec<Json> = match last {
                Some(Json::Array(p)) => p.clone(),
                _ => Vec::new(),
            };
            let find = |list: &[Json], k: &Json| list.iter().find(|i| i.get(key) == Some(k)).cloned();
            let mut out = Vec::new();
            for item in n {
                let k = item.get(key).cloned().unwrap_or(Json::Null);
                let mut merged = find(l, &k).unwrap_or(Json::Object(Default::default()));
                let prev_item = find(&prev, &k);
                three_way_merge(&mut merged, prev_item.as_ref(), item);
                out.push(merged);
            }
            // Live elements the user never applied (added by the server) stay.
            for item in l {
                let k = item.get(key).cloned().unwrap_or(Json::Null);
                if find(n, &k).is_none() && find(&prev, &k).is_none() {
                    out.push(item.clone());
                }
            }
            *live = Json::Array(out);
            return;
        }
    }
    match (live, new) {
        (Json::Object(l), Json::Object(n)) => {
            if let Some(Json::Object(prev)) = last {
                for k in prev.keys() {
                    if !n.contains_key(k) {
                        l.remove(k);
                    }
                }
            }
            for (k, nv) in n {
                let prev_k = last.and_then(|p| p.get(k));
                match l.get_mut(k) {
                    Some(lv) if (lv.is_object() && nv.is_object()) || (lv.is_array() && nv.is_array()) => {
                        three_way_merge(lv, prev_k, nv)
                    }
                    _ => {
                        l.insert(k.clone(), nv.clone());
                    }
                }
            }
        }
        (l, n) => *l = n.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_with_merge_keys_keep_server_added_fields() {
        let mut live = json!({"containers": [{"name": "c", "image": "a", "volumeMounts": [{"name": "tok", "mountPath": "/t"}]}], "volumes": [{"name": "tok"}]});
        let last = json!({"containers": [{"name": "c", "image": "a"}]});
        let new = json!({"containers": [{"name": "c", "image": "b"}]});
        three_way_merge(&mut live, Some(&last), &new);
        assert_eq!(
            live,
            json!({"containers": [{"name": "c", "image": "b", "volumeMounts": [{"name": "tok", "mountPath": "/t"}]}], "volumes": [{"name": "tok"}]})
        );
        // A container removed from the manifest goes; one the user never applied stays.
        let mut live = json!({"containers": [{"name": "a"}, {"name": "b"}, {"name": "injected"}]});
        let last = json!({"containers": [{"name": "a"}, {"name": "b"}]});
        let new = json!({"containers": [{"name": "a"}]});
        three_way_merge(&mut live, Some(&last), &new);
        assert_eq!(live, json!({"containers": [{"name": "a"}, {"name": "injected"}]}));
    }

    #[test]
    fn merge_sets_new_removes_dropped_and_keeps_others() {
        let mut live = json!({"spec": {"replicas": 5, "paused": false, "template": {"x": 1}}, "status": {"a": 1}});
        let last = json!({"spec": {"paused": false, "template": {"x": 1}}});
        let new = json!({"spec": {"template": {"x": 2}}});
        three_way_merge(&mut live, Some(&last), &new);
        // replicas was never applied, so a `kubectl scale` survives; paused was dropped.
        assert_eq!(live, json!({"spec": {"replicas": 5, "template": {"x": 2}}, "status": {"a": 1}}));
    }
}
