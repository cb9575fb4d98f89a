//! `kubectl patch`: a strategic merge patch (the default), a JSON merge patch (RFC 7386)
//! or a JSON patch (RFC 6902), given as JSON or YAML with `-p` or `--patch-file`.
//!
//! Upstream: staging/src/k8s.io/kubectl/pkg/cmd/patch/patch.go (flags, checks, "patched" /
//! "patched (no change)"), apimachinery/pkg/util/strategicpatch (merge keys from the API
//! types' `patchStrategy`/`patchMergeKey` tags; `$patch`, `$retainKeys`,
//! `$deleteFromPrimitiveList`, `$setElementOrder` directives; list order), evanphx/json-patch
//! v4 (merge patch; JSON patch operations, whose failures the API server reports only as
//! "the server rejected our request due to an error in our request").

use crate::args::{flag, parse, FlagSpec};
use crate::commands::FileOrDir;
use crate::{Ctx, Output};
use kubelab_api::defaults::default_object;
use kubelab_api::parse::{decode, decode_warn, parse_documents};
use kubelab_api::*;
use kubelab_engine::Engine;
use serde_json::{Map, Value as Json};

const FLAGS: &[FlagSpec] = &[
    flag("patch", Some('p'), true),
    flag("patch-file", None, true),
    flag("type", None, true),
    flag("output", Some('o'), true),
    flag("local", None, false),
    flag("subresource", None, true),
    flag("field-manager", None, true),
    flag("filename", Some('f'), true),
    flag("dry-run", None, true),
    flag("record", None, false),
    flag("allow-missing-template-keys", None, true),
    flag("show-managed-fields", None, false),
];

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Strategic,
    Merge,
    Json,
}

pub fn patch(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    // A bare --dry-run means --dry-run=unchanged (kubectl's NoOptDefVal).
    let words: Vec<String> =
        words.iter().map(|w| if w == "--dry-run" { "--dry-run=unchanged".to_string() } else { w.clone() }).collect();
    let a = match parse(&words, FLAGS, "kubectl patch") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    // patch.go Validate, in its order.
    let (inline, file) = (a.get("patch"), a.get("patch-file"));
    if inline.is_some() && file.is_some() {
        return Output::error("error: cannot specify --patch and --patch-file together");
    }
    if inline.is_none() && file.is_none() {
        return Output::error("error: must specify --patch or --patch-file containing the contents of the patch");
    }
    let local = a.bool("local");
    if local && !a.positional.is_empty() {
        return Output::error("error: cannot specify --local and server resources");
    }
    // cmdutil.GetDryRunStrategy, with its deprecation warning for a bare --dry-run.
    let mut out = Output::new();
    let dry = match crate::dry_run::dry_run_strategy(&a, engine.now(), &mut out) {
        Ok(crate::dry_run::DryRun::Client) => "client",
        Ok(crate::dry_run::DryRun::Server) => "server",
        Ok(crate::dry_run::DryRun::None) => "",
        Err(e) => return e,
    };
    if local && dry == "server" {
        return Output::error("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
    }
    let kind = match patch_type(a.get("type")) {
        Ok(k) => k,
        Err(e) => return e,
    };
    let subresource = a.get("subresource").unwrap_or("");
    if !["", "status", "scale"].contains(&subresource) {
        return Output::error(format!(
            "error: invalid subresource value: {subresource:?}. Must be one of [status scale]"
        ));
    }
    let output = a.get("output").unwrap_or("");
    if !["", "yaml", "json", "name"].contains(&output) {
        return Output::error(format!("error: unable to match a printer suitable for the output format {output:?}, allowed formats are: json,name,yaml"));
    }
    let patch_json = match read_patch(ctx, inline, file) {
        Ok(j) => j,
        Err(e) => return e,
    };

    let (info, name, live) = match patch_target(engine, &a, ctx, local) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let label = format!("{}/{name}", info.qualified_singular());
    let client_side = local || dry == "client";

    let original = live.to_json();
    let patched = match patched_json(&live, &patch_json, kind, subresource, info, &name, client_side) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let mut next = match decode_patched(&patched, info, client_side, &mut out) {
        Ok(o) => o,
        Err(e) => return e,
    };
    default_object(&mut next);
    let baseline = decoded_as_patched(&original);
    let changed = baseline.as_ref() != Some(&next);
    let suffix = match dry {
        "client" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    };
    let shown = if !changed || client_side {
        next.clone()
    } else {
        match store_patched(engine, next, dry == "server") {
            Ok(o) => o,
            Err(e) => {
                out.err(e.kubectl_message());
                return out;
            }
        }
    };
    match output {
        "yaml" => out.out(crate::output::to_kubectl_yaml(&shown.to_json())),
        "json" => out.out(crate::output::to_kubectl_json(&shown.to_json())),
        "name" => out.out(&label),
        _ => out.out(format!("{label} patched{}{suffix}", if changed { "" } else { " (no change)" })),
    }
    out
}

/// `--type`: strategic (the default), merge or json.
fn patch_type(t: Option<&str>) -> Result<Kind, Output> {
    match t.map(|t| t.to_ascii_lowercase()).as_deref() {
        None | Some("strategic") => Ok(Kind::Strategic),
        Some("merge") => Ok(Kind::Merge),
        Some("json") => Ok(Kind::Json),
        Some(_) => Err(Output::error(format!(
            "error: --type must be one of [json merge strategic], not {:?}",
            t.unwrap_or("")
        ))),
    }
}

/// The object as it was, through the same decoding and defaulting as the patched one, so
/// only the patch can make them differ.
fn decoded_as_patched(original: &Json) -> Option<Object> {
    serde_yaml::to_value(original).ok().and_then(|value| decode(&SourceDoc { line: 1, value }).ok()).map(|mut o| {
        default_object(&mut o);
        o
    })
}

/// Sends the patched object to the API server (with --dry-run=server, to a copy of it that
/// is dropped), and the object as stored.
fn store_patched(engine: &mut Engine, next: Object, server_dry_run: bool) -> Result<Object, kubelab_engine::ApiError> {
    if server_dry_run {
        return engine.clone().update(next);
    }
    let stored = engine.update(next)?;
    engine.settle();
    Ok(stored)
}

/// The patch, YAML or JSON (yaml.ToJSON), from `--patch` or `--patch-file`.
fn read_patch(ctx: &Ctx, inline: Option<&str>, file: Option<&str>) -> Result<Json, Output> {
    let text = match file {
        Some(path) => match ctx.files.read(path) {
            Ok(FileOrDir::File(t)) => t,
            Ok(FileOrDir::Dir(_)) => {
                return Err(Output::error(format!("error: unable to read patch file: read {path}: is a directory")))
            }
            Err(_) => {
                return Err(Output::error(format!(
                    "error: unable to read patch file: open {path}: no such file or directory"
                )))
            }
        },
        None => inline.unwrap_or("").to_string(),
    };
    serde_yaml::from_str::<serde_yaml::Value>(&text)
        .map_err(|e| e.to_string())
        .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
        .map_err(|e| {
            Output::error(format!("error: unable to parse {:?}: {}", inline.unwrap_or(""), go_yaml_error(&e, &text)))
        })
}

/// What to patch (TYPE NAME, TYPE/NAME, or the object in -f FILE) and the object as it is:
/// the live one, or with --local the file's.
fn patch_target(
    engine: &Engine,
    a: &crate::args::Args,
    ctx: &Ctx,
    local: bool,
) -> Result<(&'static KindInfo, String, Object), Output> {
    let ns = a.namespace(engine);
    let from_file: Option<Object> = match a.get("filename") {
        Some(path) => match ctx.files.read(path) {
            Ok(FileOrDir::File(t)) => {
                let (docs, syntax) = parse_documents(&t);
                if let Some(s) = syntax {
                    return Err(Output::error(format!("error: {s}")));
                }
                match docs.first().map(decode) {
                    Some(Ok(o)) => Some(o),
                    Some(Err(e)) => return Err(Output::error(e.kubectl_message(path, "patching"))),
                    None => return Err(Output::error("error: no objects passed to patch")),
                }
            }
            _ => return Err(Output::error(format!("error: the path \"{path}\" does not exist"))),
        },
        None => None,
    };
    let (info, name) = match (&from_file, a.positional.as_slice()) {
        (Some(o), []) => (o.info(), o.meta().name.clone()),
        (None, [one]) if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or_default();
            match resolve_resource(t) {
                Some(i) => (i, n.to_string()),
                None => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
            }
        }
        (None, [t, n]) => match resolve_resource(t) {
            Some(i) => (i, n.clone()),
            None => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
        },
        (None, [t]) if resolve_resource(t).is_none() => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
        (None, [_]) => return Err(Output::error("error: resource(s) were provided, but no name was specified")),
        (None, []) => return Err(Output::error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")),
        _ => return Err(Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>')")),
    };
    let scope = if info.namespaced {
        from_file.as_ref().map(|o| o.meta().namespace.clone()).filter(|n| !n.is_empty()).unwrap_or(ns)
    } else {
        String::new()
    };
    let live = if local {
        match from_file.clone() {
            Some(o) => o,
            None => return Err(Output::error("error: no objects passed to patch")),
        }
    } else {
        match engine.store().get(info.kind, &scope, &name) {
            Some(o) => o,
            None => {
                return Err(Output::error(format!(
                    "Error from server (NotFound): {} \"{name}\" not found",
                    info.qualified_resource()
                )))
            }
        }
    };
    Ok((info, name, live))
}

/// The object's JSON with the patch applied (to the object, its Scale or its status), as the
/// server would store it.
fn patched_json(
    live: &Object,
    patch_json: &Json,
    kind: Kind,
    subresource: &str,
    info: &KindInfo,
    name: &str,
    client_side: bool,
) -> Result<Json, Output> {
    let original = &live.to_json();
    let target = match subresource {
        "scale" => match scale_of(live) {
            Some(s) => s,
            None => {
                return Err(Output::error(format!(
                    "Error from server (NotFound): the server could not find the requested resource (patch {} {name})",
                    info.qualified_resource()
                )))
            }
        },
        _ => original.clone(),
    };
    let patched = match kind {
        Kind::Strategic => strategic(&target, patch_json, info.kind).map_err(|e| format!("Error from server: {e}")),
        Kind::Merge => {
            let mut t = target.clone();
            merge_patch(&mut t, patch_json);
            Ok(t)
        }
        Kind::Json => match patch_json {
            Json::Array(ops) => json_patch(&target, ops).map_err(|e| {
                if client_side {
                    format!("error: {e}")
                } else {
                    "The request is invalid: the server rejected our request due to an error in our request".to_string()
                }
            }),
            other => Err(format!(
                "Error from server (BadRequest): json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                go_json_kind(other)
            )),
        },
    };
    let patched = patched.map_err(Output::error)?;
    let patched = match subresource {
        "scale" => {
            let replicas = patched.pointer("/spec/replicas").and_then(|r| r.as_i64()).unwrap_or(0);
            let mut o = original.clone();
            if let Some(spec) = o.get_mut("spec").and_then(|s| s.as_object_mut()) {
                spec.insert("replicas".into(), Json::from(replicas));
            }
            o
        }
        // Only the status changes through /status.
        "status" => {
            let mut o = original.clone();
            if let (Some(m), Some(st)) = (o.as_object_mut(), patched.get("status")) {
                m.insert("status".into(), st.clone());
            }
            o
        }
        _ => patched,
    };
    if patched.pointer("/metadata/name").and_then(|n| n.as_str()) != Some(name) {
        let got = patched.pointer("/metadata/name").and_then(|n| n.as_str()).unwrap_or("");
        return Err(Output::error(format!("Error from server (BadRequest): the name of the object ({got}) does not match the name on the URL ({name})")));
    }
    Ok(patched)
}

/// The patched JSON as an object of the URL's kind, with the server's warnings for unknown
/// fields (kubectl patch names no fieldValidation, so the server's default, Warn, applies).
fn decode_patched(patched: &Json, info: &KindInfo, client_side: bool, out: &mut Output) -> Result<Object, Output> {
    let value = match serde_yaml::to_value(patched) {
        Ok(v) => v,
        Err(e) => return Err(Output::error(format!("error: {e}"))),
    };
    // kubectl patch names no fieldValidation, so the server's default (Warn) drops unknown
    // fields with a warning each; a client-side patch never reaches a server to warn.
    let next = match decode_warn(&SourceDoc { line: 1, value }) {
        Ok((o, warnings)) => {
            if !client_side {
                for w in warnings {
                    out.warn(format!("Warning: {w}"));
                }
            }
            o
        }
        Err(e) => return Err(Output::error(format!("Error from server (BadRequest): {}", e.server_message()))),
    };
    if next.info().kind != info.kind {
        return Err(Output::error(format!(
            "Error from server (BadRequest): the kind of the object ({}) does not match the kind on the URL ({})",
            next.info().kind,
            info.kind
        )));
    }
    Ok(next)
}

/// A YAML error as go-yaml words it: `yaml: line 1: did not find expected node content`.
fn go_yaml_error(e: &str, text: &str) -> String {
    let problem = e.split(" at line ").next().unwrap_or(e).split(", while ").next().unwrap_or(e);
    let line = e
        .split(" at line ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(1);
    format!("yaml: line {}: {problem}", line.min(text.lines().count().max(1)))
}

/// The Scale subresource of a Deployment, ReplicaSet or StatefulSet (autoscaling/v1).
fn scale_of(obj: &Object) -> Option<Json> {
    let replicas = match obj {
        Object::Deployment(d) => d.spec.replicas,
        Object::ReplicaSet(r) => r.spec.replicas,
        Object::StatefulSet(s) => s.spec.replicas,
        _ => return None,
    };
    Some(serde_json::json!({
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {"name": obj.meta().name, "namespace": obj.meta().namespace},
        "spec": {"replicas": replicas.unwrap_or(1)},
    }))
}

/// How Go's encoding/json names a JSON value's kind in an unmarshal error.
fn go_json_kind(v: &Json) -> &'static str {
    match v {
        Json::Object(_) => "object",
        Json::Array(_) => "array",
        Json::String(_) => "string",
        Json::Number(_) => "number",
        Json::Bool(_) => "bool",
        Json::Null => "null",
    }
}

// ------------------------------------------------------------- strategic merge patch

/// How a list field merges (the `patchStrategy`/`patchMergeKey` tags of the API types).
#[derive(Debug, PartialEq)]
enum ListStrategy {
    Replace,
    MergeBy(&'static str),
    /// A list of scalars merged as a set (metadata.finalizers).
    Set,
}

/// The strategy of list field `field` under `path` (keys from the object's root; list
/// elements appear as "[]") in an object of kind `kind`.
fn list_strategy(kind: &str, path: &[String], field: &str) -> ListStrategy {
    let parent = path.iter().rev().nth(1).map(|s| s.as_str()).unwrap_or("");
    let in_container = path.last().map(|s| s.as_str()) == Some("[]")
        && matches!(parent, "containers" | "initContainers" | "ephemeralContainers");
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "schedulingGates"
        | "resourceClaims" => ListStrategy::MergeBy("name"),
        "env" if in_container => ListStrategy::MergeBy("name"),
        "ports" if in_container => ListStrategy::MergeBy("containerPort"),
        "volumeMounts" if in_container => ListStrategy::MergeBy("mountPath"),
        "volumeDevices" if in_container => ListStrategy::MergeBy("devicePath"),
        "ports" if kind == "Service" && path.len() == 1 && path[0] == "spec" => ListStrategy::MergeBy("port"),
        "hostAliases" => ListStrategy::MergeBy("ip"),
        "topologySpreadConstraints" => ListStrategy::MergeBy("topologyKey"),
        "ownerReferences" if path.len() == 1 && path[0] == "metadata" => ListStrategy::MergeBy("uid"),
        "finalizers" if path.len() == 1 && path[0] == "metadata" => ListStrategy::Set,
        "conditions" | "addresses" if path.first().map(|s| s.as_str()) == Some("status") => {
            ListStrategy::MergeBy("type")
        }
        _ => ListStrategy::Replace,
    }
}

/// StrategicMergeMapPatch: `patch` merged into `original` (an object of kind `kind`).
pub fn strategic(original: &Json, patch: &Json, kind: &str) -> Result<Json, String> {
    let (Json::Object(o), Json::Object(p)) = (original, patch) else {
        return Err("invalid JSON document".into());
    };
    let mut out = o.clone();
    merge_map(&mut out, p, &mut Vec::new(), kind)?;
    Ok(Json::Object(out))
}

fn merge_map(
    original: &mut Map<String, Json>,
    patch: &Map<String, Json>,
    path: &mut Vec<String>,
    kind: &str,
) -> Result<(), String> {
    if let Some(directive) = patch.get("$patch") {
        match directive.as_str() {
            Some("replace") => {
                *original = strip(patch);
                return Ok(());
            }
            Some("delete") => {
                original.clear();
                return Ok(());
            }
            _ => {
                return Err(format!(
                    "unknown patch type: {} in map: {}",
                    go_print(directive),
                    go_print(&Json::Object(patch.clone()))
                ))
            }
        }
    }
    if let Some(keep) = patch.get("$retainKeys") {
        let Json::Array(keep) = keep else { return Err("invalid patch format of retainKeys".into()) };
        let keep: Vec<&str> = keep.iter().filter_map(|k| k.as_str()).collect();
        for (k, v) in patch {
            if !k.starts_with('$') && !v.is_null() && !keep.contains(&k.as_str()) {
                return Err("patch content doesn't match retainKeys list".into());
            }
        }
        original.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, v) in patch {
        if k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            let Json::Array(gone) = v else { return Err("invalid patch format of primitive list".into()) };
            if let Some(Json::Array(list)) = original.get_mut(field) {
                list.retain(|x| !gone.contains(x));
            }
            continue;
        }
        if v.is_null() {
            original.remove(k);
            continue;
        }
        let strategy = list_strategy(kind, path, k);
        match (original.get_mut(k), v) {
            (Some(Json::Object(o)), Json::Object(p)) => {
                path.push(k.clone());
                let r = merge_map(o, p, path, kind);
                path.pop();
                r?;
            }
            (Some(Json::Array(o)), Json::Array(p)) => {
                let merged = match strategy {
                    ListStrategy::Replace => p.iter().map(strip_value).collect(),
                    ListStrategy::Set => {
                        let mut l = o.clone();
                        for x in p {
                            if !l.contains(x) {
                                l.push(x.clone());
                            }
                        }
                        l
                    }
                    ListStrategy::MergeBy(key) => {
                        path.push(k.clone());
                        path.push("[]".into());
                        let r = merge_list(o, p, key, path, kind);
                        path.truncate(path.len() - 2);
                        r?
                    }
                };
                original.insert(k.clone(), Json::Array(merged));
            }
            (_, Json::Array(p)) if matches!(strategy, ListStrategy::MergeBy(_)) => {
                // A new merge list: its `$patch: delete` elements have nothing to delete.
                let items: Vec<Json> = p.iter().filter(|i| i.get("$patch").is_none()).map(strip_value).collect();
                original.insert(k.clone(), Json::Array(items));
            }
            _ => {
                original.insert(k.clone(), strip_value(v));
            }
        }
    }
    Ok(())
}

/// mergeSlice for lists of objects keyed by `key`: elements with the same key merge, new
/// ones are added, `$patch: delete` removes, `$patch: replace` replaces the whole list.
/// Order as mergeSortedSlice: the server's own elements keep their order, the patch's in
/// the patch's order, and a patch element the server did not have comes first.
fn merge_list(
    original: &[Json],
    patch: &[Json],
    key: &str,
    path: &mut Vec<String>,
    kind: &str,
) -> Result<Vec<Json>, String> {
    if patch.iter().any(|e| e.get("$patch").and_then(|d| d.as_str()) == Some("replace")) {
        return Ok(patch.iter().filter(|e| e.get("$patch").is_none()).map(strip_value).collect());
    }
    let mut items: Vec<Json> = original.to_vec();
    let mut merged: Vec<Json> = Vec::new();
    for e in patch {
        let Json::Object(m) = e else {
            return Err(format!("invalid value for a merge list: {}", go_print(e)));
        };
        let Some(kv) = m.get(key) else {
            return Err(format!("map: {} does not contain declared merge key: {key}", go_print(e)));
        };
        match m.get("$patch").and_then(|d| d.as_str()) {
            Some("delete") => {
                items.retain(|i| i.get(key) != Some(kv));
                continue;
            }
            Some("merge") => return Err("merging lists cannot yet be specified in the patch".into()),
            Some(other) => return Err(format!("unknown patch type: {other} in map: {}", go_print(e))),
            None => {}
        }
        match items.iter().position(|i| i.get(key) == Some(kv)) {
            Some(i) => {
                let mut target = match &items[i] {
                    Json::Object(o) => o.clone(),
                    _ => Map::new(),
                };
                merge_map(&mut target, m, path, kind)?;
                items.remove(i);
                merged.push(Json::Object(target));
            }
            None => merged.push(strip_value(e)),
        }
    }
    // Server-only elements (in server order) interleaved with the patch's.
    let server_index = |e: &Json| original.iter().position(|o| o.get(key).is_some() && o.get(key) == e.get(key));
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(items.len() + merged.len());
    while i < items.len() || j < merged.len() {
        if j >= merged.len() {
            out.push(items[i].clone());
            i += 1;
        } else if i >= items.len() {
            out.push(merged[j].clone());
            j += 1;
        } else {
            match (server_index(&items[i]), server_index(&merged[j])) {
                (Some(l), Some(r)) if l < r => {
                    out.push(items[i].clone());
                    i += 1;
                }
                _ => {
                    out.push(merged[j].clone());
                    j += 1;
                }
            }
        }
    }
    Ok(out)
}

/// A patch value with its directives taken out, as it lands in the object.
fn strip_value(v: &Json) -> Json {
    match v {
        Json::Object(m) => Json::Object(strip(m)),
        Json::Array(a) => Json::Array(a.iter().filter(|e| e.get("$patch").is_none()).map(strip_value).collect()),
        other => other.clone(),
    }
}

fn strip(m: &Map<String, Json>) -> Map<String, Json> {
    // Inserted one by one: collecting would sort first, with a copy of the sort of its own.
    let mut out = Map::new();
    for (k, v) in m.iter().filter(|(k, v)| !k.starts_with('$') && !v.is_null()) {
        out.insert(k.clone(), strip_value(v));
    }
    out
}

/// Go's `%v` of a decoded JSON value (`map[image:nginx name:web]`).
fn go_print(v: &Json) -> String {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            kubelab_api::sort::natural(&mut keys);
            format!("map[{}]", keys.iter().map(|k| format!("{k}:{}", go_print(&m[*k]))).collect::<Vec<_>>().join(" "))
        }
        Json::Array(a) => format!("[{}]", a.iter().map(go_print).collect::<Vec<_>>().join(" ")),
        Json::String(s) => s.clone(),
        Json::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

// ------------------------------------------------------------------ JSON merge patch

/// RFC 7386: objects merge, `null` removes, anything else replaces (lists included).
pub fn merge_patch(target: &mut Json, patch: &Json) {
    let Json::Object(p) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Json::Object(Map::new());
    }
    let Json::Object(t) = target else { return };
    for (k, v) in p {
        if v.is_null() {
            t.remove(k);
        } else {
            merge_patch(t.entry(k.clone()).or_insert(Json::Null), v);
        }
    }
}

// ------------------------------------------------------------------------ JSON patch

/// RFC 6902 as evanphx/json-patch v4 applies it (its error messages; `-` appends; a
/// `replace` of a missing object key adds it).
pub fn json_patch(doc: &Json, ops: &[Json]) -> Result<Json, String> {
    let mut doc = doc.clone();
    for op in ops {
        let kind = op.get("op").and_then(|o| o.as_str()).unwrap_or("");
        let path = op.get("path").and_then(|p| p.as_str()).unwrap_or("");
        let value = op.get("value");
        match kind {
            "add" => {
                let v = value.cloned().ok_or_else(|| {
                    format!("add operation does not apply: doc is missing path: {path:?}: missing value")
                })?;
                add(&mut doc, path, v).map_err(|_| {
                    format!("add operation does not apply: doc is missing path: {path:?}: missing value")
                })?;
            }
            "remove" => remove(&mut doc, path)?,
            "replace" => {
                let v = value.cloned().unwrap_or(Json::Null);
                let (parent, last) = split(path);
                match doc.pointer_mut(&parent) {
                    Some(Json::Object(m)) => {
                        m.insert(last, v);
                    }
                    Some(Json::Array(a)) => {
                        let i = index(&last, a.len()).filter(|i| *i < a.len()).ok_or_else(|| {
                            format!("replace operation does not apply: doc is missing key: {path}: missing value")
                        })?;
                        a[i] = v;
                    }
                    _ => {
                        return Err(format!(
                            "replace operation does not apply: doc is missing path: {path}: missing value"
                        ))
                    }
                }
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(|f| f.as_str()).unwrap_or("");
                let v = doc.pointer(from).cloned().ok_or_else(|| {
                    format!("{kind} operation does not apply: doc is missing from path: {from}: missing value")
                })?;
                if kind == "move" {
                    remove(&mut doc, from)?;
                }
                add(&mut doc, path, v).map_err(|_| {
                    format!("{kind} operation does not apply: doc is missing destination path: {path}: missing value")
                })?;
            }
            "test" => {
                let (parent, _) = split(path);
                if doc.pointer(&parent).is_none() {
                    return Err(format!("test operation does not apply: is missing path: {path}: missing value"));
                }
                if doc.pointer(path) != value {
                    return Err(format!("testing value {path} failed: test failed"));
                }
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

/// A JSON pointer's parent and last token (unescaped).
fn split(path: &str) -> (String, String) {
    match path.rfind('/') {
        Some(i) => (path[..i].to_string(), path[i + 1..].replace("~1", "/").replace("~0", "~")),
        None => (String::new(), path.to_string()),
    }
}

/// An array index: a number (negative counts from the end), or `-` for the end.
fn index(token: &str, len: usize) -> Option<usize> {
    if token == "-" {
        return Some(len);
    }
    let i: i64 = token.parse().ok()?;
    if i < 0 {
        let j = len as i64 + i;
        (j >= 0).then_some(j as usize)
    } else {
        Some(i as usize)
    }
}

fn add(doc: &mut Json, path: &str, v: Json) -> Result<(), ()> {
    if path.is_empty() {
        *doc = v;
        return Ok(());
    }
    let (parent, last) = split(path);
    match doc.pointer_mut(&parent) {
        Some(Json::Object(m)) => {
            m.insert(last, v);
            Ok(())
        }
        Some(Json::Array(a)) => {
            let i = index(&last, a.len()).filter(|i| *i <= a.len()).ok_or(())?;
            a.insert(i, v);
            Ok(())
        }
        _ => Err(()),
    }
}

fn remove(doc: &mut Json, path: &str) -> Result<(), String> {
    let (parent, last) = split(path);
    match doc.pointer_mut(&parent) {
        Some(Json::Object(m)) => match m.remove(&last) {
            Some(_) => Ok(()),
            None => Err(format!(
                "error in remove for path: '{path}': Unable to remove nonexistent key: {last}: missing value"
            )),
        },
        Some(Json::Array(a)) => {
            let i = index(&last, a.len())
                .filter(|i| *i < a.len())
                .ok_or_else(|| format!("Unable to access invalid index: {last}"))?;
            a.remove(i);
            Ok(())
        }
        _ => Err(format!("remove operation does not apply: doc is missing path: {path:?}: missing value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // The docs' task "Update API Objects in Place Using kubectl patch": containers merge by
    // name (the new one first), tolerations are replaced.
    #[test]
    fn containers_merge_by_name_and_tolerations_are_replaced() {
        let live = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "patch-demo-ctr", "image": "nginx"}],
            "tolerations": [{"effect": "NoSchedule", "key": "dedicated", "value": "test-team"}]}}}});
        let p =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "patch-demo-ctr-2", "image": "redis"}]}}}});
        let out = strategic(&live, &p, "Deployment").unwrap();
        let names: Vec<&str> = out
            .pointer("/spec/template/spec/containers")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["patch-demo-ctr-2", "patch-demo-ctr"]);
        let p = json!({"spec": {"template": {"spec": {"tolerations": [{"effect": "NoSchedule", "key": "disktype", "value": "ssd"}]}}}});
        let out = strategic(&out, &p, "Deployment").unwrap();
        assert_eq!(
            out.pointer("/spec/template/spec/tolerations").unwrap(),
            &json!([{"effect": "NoSchedule", "key": "disktype", "value": "ssd"}])
        );
    }

    #[test]
    fn an_updated_element_keeps_its_place() {
        let live = json!({"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}});
        let out = strategic(&live, &json!({"spec": {"containers": [{"name": "b", "image": "z"}]}}), "Pod").unwrap();
        assert_eq!(
            out.pointer("/spec/containers").unwrap(),
            &json!([{"name": "a", "image": "x"}, {"name": "b", "image": "z"}])
        );
    }

    #[test]
    fn directives_delete_replace_and_retain() {
        let live = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}], "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "30%"}}}});
        let out = strategic(&live, &json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}), "Deployment")
            .unwrap();
        assert_eq!(out.pointer("/spec/containers").unwrap(), &json!([{"name": "b"}]));
        let out = strategic(
            &live,
            &json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(out.pointer("/spec/strategy").unwrap(), &json!({"type": "Recreate"}));
        let err =
            strategic(&live, &json!({"spec": {"containers": [{"image": "nginx:1.25"}]}}), "Deployment").unwrap_err();
        assert_eq!(err, "map: map[image:nginx:1.25] does not contain declared merge key: name");
    }

    #[test]
    fn merge_patch_replaces_lists_and_null_deletes() {
        let mut t = json!({"a": {"b": 1, "c": [1, 2]}, "d": 1});
        merge_patch(&mut t, &json!({"a": {"c": [3], "b": null}, "e": {"f": null, "g": 1}}));
        assert_eq!(t, json!({"a": {"c": [3]}, "d": 1, "e": {"g": 1}}));
    }

    #[test]
    fn json_patch_ops_and_their_errors() {
        let doc = json!({"spec": {"containers": [{"image": "a"}], "replicas": 1}});
        let ops = json!([{"op": "replace", "path": "/spec/containers/0/image", "value": "b"}, {"op": "add", "path": "/spec/containers/-", "value": {"image": "c"}}, {"op": "test", "path": "/spec/replicas", "value": 1}]);
        let out = json_patch(&doc, ops.as_array().unwrap()).unwrap();
        assert_eq!(out.pointer("/spec/containers").unwrap(), &json!([{"image": "b"}, {"image": "c"}]));
        let err = json_patch(&doc, json!([{"op": "add", "path": "/spec/foo/bar", "value": 1}]).as_array().unwrap())
            .unwrap_err();
        assert_eq!(err, "add operation does not apply: doc is missing path: \"/spec/foo/bar\": missing value");
        let err = json_patch(&doc, json!([{"op": "test", "path": "/spec/replicas", "value": 2}]).as_array().unwrap())
            .unwrap_err();
        assert_eq!(err, "testing value /spec/replicas failed: test failed");
    }
}
