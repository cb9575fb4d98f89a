//! The kubectl commands: get, apply, create, delete, scale, version.

use crate::apply::{run_manifest, Mode};
use crate::args::{flag, parse, Args, FlagSpec};
use crate::printers::{self, Table};
use crate::selector::Selector;
use crate::tabwriter;
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::{Engine, Propagation};

// ------------------------------------------------------------------ reading manifests

/// The manifests named by `-f` (files, folders, `-`), as (source name, text).
fn read_filenames(a: &Args, ctx: &Ctx) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for f in a.all("filename") {
        if f == "-" {
            match ctx.stdin {
                Some(s) => out.push(("STDIN".to_string(), s.to_string())),
                None => return Err("error: no objects passed to apply".into()),
            }
            continue;
        }
        match ctx.files.read(&f) {
            Ok(FileOrDir::File(text)) => out.push((f.clone(), text)),
            Ok(FileOrDir::Dir(entries)) => {
                for (name, text) in entries {
                    out.push((name, text));
                }
            }
            Err(_) => return Err(format!("error: the path \"{f}\" does not exist")),
        }
    }
    Ok(out)
}

pub enum FileOrDir {
    File(String),
    /// The manifest files of a folder (`.yaml`, `.yml`, `.json`), sorted, as (path, text).
    Dir(Vec<(String, String)>),
}

// ------------------------------------------------------------------ apply / create

const APPLY_FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("recursive", Some('R'), false),
    flag("validate", None, true),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
    flag("server-side", None, false),
    flag("force", None, false),
    flag("prune", None, false),
    flag("selector", Some('l'), true),
    flag("save-config", None, false),
];

pub fn apply(engine: &mut Engine, words: &[String], ctx: &mut Ctx, mode: Mode) -> Output {
    let path = if mode == Mode::Apply { "kubectl apply" } else { "kubectl create" };
    let a = match parse(words, APPLY_FLAGS, path) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    if !a.has("filename") {
        return Output::error("error: must specify one of -f and -k");
    }
    let files = match read_filenames(&a, ctx) {
        Ok(f) => f,
        Err(e) => return Output::error(e),
    };
    let ns = a.namespace(engine);
    let explicit = a.has("namespace");
    let mut out = Output::new();
    for (source, text) in files {
        let rep = run_manifest(engine, &text, &source, &ns, explicit, mode);
        out.extend(rep.output);
        out.problems.extend(rep.problems);
    }
    out
}

// ------------------------------------------------------------------ get

const GET_FLAGS: &[FlagSpec] = &[
    flag("output", Some('o'), true),
    flag("all-namespaces", Some('A'), false),
    flag("selector", Some('l'), true),
    flag("show-labels", None, false),
    flag("no-headers", None, false),
    flag("filename", Some('f'), true),
    flag("label-columns", Some('L'), true),
    flag("sort-by", None, true),
    flag("field-selector", None, true),
    flag("watch", Some('w'), false),
    flag("show-kind", None, false),
];

/// The resource types of `kubectl get all` (the `all` category, in its order; Jobs last).
const ALL: &[KindInfo] = &[Pod::INFO, Service::INFO, Deployment::INFO, ReplicaSet::INFO, StatefulSet::INFO, Job::INFO];

fn resource_type_error(t: &str) -> String {
    format!("error: the server doesn't have a resource type \"{t}\"")
}

/// `-o`: the format, and the template of `jsonpath=` and `custom-columns=`.
fn output_format(a: &Args) -> Result<(String, String), Output> {
    let output = a.get("output").unwrap_or("").to_string();
    let (output, template) = match output.split_once('=') {
        Some((kind @ ("jsonpath" | "custom-columns"), t)) => (kind.to_string(), t.to_string()),
        _ => (output, String::new()),
    };
    if !["", "wide", "yaml", "json", "name", "jsonpath", "custom-columns"].contains(&output.as_str()) {
        return Err(Output::error(format!(
            "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        )));
    }
    Ok((output, template))
}

/// What `kubectl get` lists: "pods", "pods,svc", "all", "deploy/web", and the names that
/// follow, as (kind, names) in the order typed.
fn get_requests(a: &Args) -> Result<Vec<(&'static KindInfo, Vec<String>)>, Output> {
    let mut requests: Vec<(&'static KindInfo, Vec<String>)> = Vec::new();
    let first = &a.positional[0];
    if first.contains('/') {
        for p in &a.positional {
            let Some((t, n)) = p.split_once('/') else {
                return Err(Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"));
            };
            let Some(info) = resolve_resource(t) else { return Err(Output::error(resource_type_error(t))) };
            match requests.iter_mut().find(|(i, _)| i.kind == info.kind) {
                Some((_, names)) => names.push(n.to_string()),
                None => requests.push((info, vec![n.to_string()])),
            }
        }
    } else {
        for t in first.split(',') {
            if t == "all" {
                for info in ALL {
                    requests.push((info, Vec::new()));
                }
                continue;
            }
            let Some(info) = resolve_resource(t) else { return Err(Output::error(resource_type_error(t))) };
            requests.push((info, Vec::new()));
        }
        let names: Vec<String> = a.positional[1..].to_vec();
        if !names.is_empty() {
            if requests.len() > 1 {
                return Err(Output::error(
                    "error: arguments in resource/name form must have a single resource and name",
                ));
            }
            requests[0].1 = names;
        }
    }
    Ok(requests)
}

/// The API server refuses a field selector on a field label the kind does not have.
fn check_field_labels(
    fs: &crate::fields::FieldSelector,
    requests: &[(&'static KindInfo, Vec<String>)],
    a: &Args,
) -> Result<(), Output> {
    for (info, _) in requests {
        if let Some(bad) = fs.unsupported(info.kind) {
            return Err(Output::error(format!(
                "Error from server (BadRequest): Unable to find \"{}/{}, Resource={}\" that match label selector \"{}\", field selector \"{}\": field label not supported: {bad}",
                info.group,
                info.version,
                info.resource,
                a.get("selector").unwrap_or(""),
                a.get("field-selector").unwrap_or("")
            )));
        }
    }
    Ok(())
}

/// Prints what `kubectl get` found in the `-o` format (tables already rendered as
/// `sections`).
fn print_found(
    output: &str,
    template: &str,
    requests: &[(&'static KindInfo, Vec<String>)],
    found: &[Object],
    sections: &[String],
    a: &Args,
    out: &mut Output,
) {
    match output {
        // get.go printGeneric: one named object is "single item implied": printed alone, and
        // when it is missing only the error is (no empty List).
        _ if requests.len() == 1
            && requests[0].1.len() == 1
            && found.is_empty()
            && ["yaml", "json", "jsonpath"].contains(&output) => {}
        "yaml" | "json" => {
            let single = requests.len() == 1 && requests[0].1.len() == 1 && found.len() == 1;
            let value = if single {
                found[0].to_json()
            } else {
                serde_json::json!({
                    "apiVersion": "v1",
                    "items": found.iter().map(|o| o.to_json()).collect::<Vec<_>>(),
                    "kind": "List",
                    "metadata": {"resourceVersion": ""}
                })
            };
            if !found.is_empty() || !single {
                // kubectl's printers: encoding/json (Go field order, 4 spaces) and
                // sigs.k8s.io/yaml (go-yaml v2: sorted keys, double-quoted strings).
                if output == "json" {
                    out.out(crate::output::to_kubectl_json(&value));
                } else {
                    out.out(crate::output::to_kubectl_yaml(&value));
                }
            }
        }
        "name" => {
            for o in found {
                out.out(format!("{}/{}", o.info().qualified_singular(), o.meta().name));
            }
        }
        "jsonpath" => {
            let single = requests.len() == 1 && requests[0].1.len() == 1 && found.len() == 1;
            let value = if single {
                found[0].to_json()
            } else {
                serde_json::json!({"apiVersion": "v1", "items": found.iter().map(|o| o.to_json()).collect::<Vec<_>>(), "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            match crate::jsonpath::jsonpath(template, &value) {
                Ok(t) => out.out(t),
                Err(e) => out.err(format!("error: {e}")),
            }
        }
        "custom-columns" => {
            let items: Vec<serde_json::Value> = found.iter().map(|o| o.to_json()).collect();
            match crate::jsonpath::custom_columns(template, &items, a.bool("no-headers")) {
                Ok(t) => out.out(t),
                Err(e) => out.err(format!("error: {e}")),
            }
        }
        _ => {
            out.out(sections.join("\n"));
        }
    }
}

pub fn get(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(words, GET_FLAGS, "kubectl get") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    if a.bool("watch") {
        return Output::error("error: --watch is not available in this console yet: use `lab advance` and get again");
    }
    if a.positional.is_empty() {
        return Output::error("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
    }
    let (output, template) = match output_format(&a) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let selector = match a.parsed("selector", Selector::parse) {
        Ok(s) => s,
        Err(e) => return Output::error(e),
    };
    let field_selector = match a.parsed("field-selector", crate::fields::FieldSelector::parse) {
        Ok(s) => s,
        Err(e) => return Output::error(e),
    };
    let all_ns = a.bool("all-namespaces");
    let ns = a.namespace(engine);

    let mut out = Output::new();
    let first = &a.positional[0];
    let requests = match get_requests(&a) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let multi = requests.len() > 1 || first == "all" || a.bool("show-kind");
    if let Some(fs) = &field_selector {
        if let Err(e) = check_field_labels(fs, &requests, &a) {
            return e;
        }
    }
    let now = engine.now();
    let store = engine.store();
    let mut sections: Vec<String> = Vec::new();
    let mut found: Vec<Object> = Vec::new();
    let mut not_found: Vec<String> = Vec::new();
    for (info, names) in &requests {
        let scope_ns = if info.namespaced && !all_ns { Some(ns.as_str()) } else { None };
        let mut objs: Vec<Object> = if names.is_empty() {
            store.list(info.kind, scope_ns)
        } else {
            let mut v = Vec::new();
            for n in names {
                let on = if info.namespaced { ns.as_str() } else { "" };
                match store.get(info.kind, on, n) {
                    Some(o) => v.push(o),
                    None => not_found
                        .push(format!("Error from server (NotFound): {} \"{n}\" not found", info.qualified_resource())),
                }
            }
            v
        };
        if let Some(sel) = &selector {
            objs.retain(|o| sel.matches(&o.meta().labels));
        }
        if let Some(fs) = &field_selector {
            objs.retain(|o| fs.matches(o));
        }
        if let Some(path) = a.get("sort-by") {
            crate::fields::sort_by(&mut objs, path);
        }
        if objs.is_empty() {
            continue;
        }
        if output.is_empty() || output == "wide" {
            let table = crate::kinds::table_of(info.kind, &objs, now, output == "wide");
            sections.push(render_table(
                table,
                &objs,
                multi.then(|| info.qualified_singular()),
                all_ns && info.namespaced,
                &a,
            ));
        }
        found.extend(objs);
    }
    print_found(&output, &template, &requests, &found, &sections, &a, &mut out);
    for nf in not_found {
        out.err(nf);
    }
    if found.is_empty() && out.ok && ["", "wide", "name", "custom-columns"].contains(&output.as_str()) {
        let namespaced = requests.iter().any(|(i, _)| i.namespaced);
        if all_ns || !namespaced {
            out.warn("No resources found");
        } else {
            out.warn(format!("No resources found in {ns} namespace."));
        }
    }
    out
}

fn render_table(mut t: Table, objs: &[Object], kind_prefix: Option<String>, ns_column: bool, a: &Args) -> String {
    if let Some(prefix) = &kind_prefix {
        if t.headers.first() == Some(&"NAME") {
            for r in &mut t.rows {
                r[0] = format!("{prefix}/{}", r[0]);
            }
        }
    }
    let label_cols: Vec<String> =
        a.all("label-columns").iter().flat_map(|s| s.split(',').map(String::from).collect::<Vec<_>>()).collect();
    let mut headers: Vec<String> = t.headers.iter().map(|h| h.to_string()).collect();
    for l in &label_cols {
        headers.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
        for (r, o) in t.rows.iter_mut().zip(objs) {
            r.push(o.meta().labels.get(l).cloned().unwrap_or_default());
        }
    }
    if a.bool("show-labels") {
        headers.push("LABELS".into());
        for (r, o) in t.rows.iter_mut().zip(objs) {
            r.push(printers::labels_string(&o.meta().labels));
        }
    }
    if ns_column {
        headers.insert(0, "NAMESPACE".into());
        for (r, o) in t.rows.iter_mut().zip(objs) {
            r.insert(0, o.meta().namespace.clone());
        }
    }
    let mut text = String::new();
    if !a.bool("no-headers") {
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    for r in &t.rows {
        text.push_str(&r.join("\t"));
        text.push('\n');
    }
    tabwriter::format(&text)
}

// ------------------------------------------------------------------ delete

const DELETE_FLAGS: &[FlagSpec] = &[
    flag("filename", Some('f'), true),
    flag("selector", Some('l'), true),
    flag("all", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("grace-period", None, true),
    flag("force", None, false),
    flag("now", None, false),
    flag("cascade", None, true),
    flag("wait", None, false),
    flag("ignore-not-found", None, false),
    flag("recursive", Some('R'), false),
    flag("field-selector", None, true),
];

/// What to delete: (kind, namespace, name).
type DeleteTarget = (&'static KindInfo, String, String);

/// A deleted object, as (kind, namespace, name, uid): kubectl waits for *this* object (a
/// StatefulSet's new pod of the same name does not count).
type Deleted = (&'static str, String, String, String);

/// `--cascade` and the grace period (`--grace-period`, `--now`, `--force`).
fn delete_options(a: &Args) -> Result<(Propagation, Option<i64>), Output> {
    let propagation = match a.get("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            return Err(Output::error(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            )))
        }
    };
    let force = a.bool("force");
    let mut grace: Option<i64> = match a.get("grace-period") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(g) if g >= 0 => Some(g),
            Ok(_) => None,
            Err(_) => return Err(Output::error(format!("error: invalid argument \"{v}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl delete --help' for usage."))),
        },
    };
    if a.bool("now") {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    Ok((propagation, grace))
}

/// What `kubectl delete -f` deletes: the objects in the files (decoding errors go to `out`).
fn targets_from_files(a: &Args, ctx: &Ctx, ns: &str, out: &mut Output) -> Result<Vec<DeleteTarget>, Output> {
    let mut targets = Vec::new();
    let files = match read_filenames(a, ctx) {
        Ok(f) => f,
        Err(e) => return Err(Output::error(e)),
    };
    for (source, text) in files {
        let (docs, syntax) = parse_documents(&text);
        for d in &docs {
            match decode(d) {
                Ok(o) => {
                    let info = o.info();
                    let ons = if !info.namespaced {
                        String::new()
                    } else if o.meta().namespace.is_empty() {
                        ns.to_string()
                    } else {
                        o.meta().namespace.clone()
                    };
                    targets.push((info, ons, o.meta().name.clone()));
                }
                Err(e) => out.err(e.kubectl_message(&source, "deleting")),
            }
        }
        if let Some(s) = syntax {
            out.err(format!("error: error parsing {source}: {s}"));
        }
    }
    Ok(targets)
}

/// What `kubectl delete TYPE NAME...`, `TYPE/NAME...` or `TYPE -l/--field-selector/--all`
/// deletes. Nothing found is an answer of its own ("No resources found").
fn targets_from_args(engine: &Engine, a: &Args, ns: &str) -> Result<Vec<DeleteTarget>, Output> {
    let mut targets = Vec::new();
    if a.positional.is_empty() {
        return Err(Output::error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'"));
    }
    let first = &a.positional[0];
    if first.contains('/') {
        for p in &a.positional {
            let (t, n) = p.split_once('/').unwrap_or((p, ""));
            let Some(info) = resolve_resource(t) else { return Err(Output::error(resource_type_error(t))) };
            targets.push((info, if info.namespaced { ns.to_string() } else { String::new() }, n.to_string()));
        }
    } else {
        let mut infos = Vec::new();
        for t in first.split(',') {
            let Some(info) = resolve_resource(t) else { return Err(Output::error(resource_type_error(t))) };
            infos.push(info);
        }
        let names = &a.positional[1..];
        let selector = match a.parsed("selector", Selector::parse) {
            Ok(s) => s,
            Err(e) => return Err(Output::error(e)),
        };
        let field_selector = match a.parsed("field-selector", crate::fields::FieldSelector::parse) {
            Ok(s) => s,
            Err(e) => return Err(Output::error(e)),
        };
        if names.is_empty() && selector.is_none() && field_selector.is_none() && !a.bool("all") {
            return Err(Output::error("error: resource(s) were provided, but no name was specified"));
        }
        for info in infos {
            let scope = if info.namespaced { ns.to_string() } else { String::new() };
            if names.is_empty() {
                let all_ns = a.bool("all-namespaces");
                for o in
                    engine.store().list(info.kind, if info.namespaced && !all_ns { Some(scope.as_str()) } else { None })
                {
                    if selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels))
                        && field_selector.as_ref().is_none_or(|f| f.matches(&o))
                        && o.meta().deletion_timestamp.is_none()
                    {
                        targets.push((info, o.meta().namespace.clone(), o.meta().name.clone()));
                    }
                }
            } else {
                for n in names {
                    targets.push((info, scope.clone(), n.clone()));
                }
            }
        }
        if targets.is_empty() {
            let mut out = Output::new();
            out.warn(if a.bool("all-namespaces") {
                "No resources found".to_string()
            } else {
                format!("No resources found in {ns} namespace.")
            });
            return Err(out);
        }
    }
    Ok(targets)
}

/// Runs the cluster until the deleted objects are gone (at most 5 minutes of its time).
fn wait_until_gone(engine: &mut Engine, ctx: &mut Ctx, waiting: &[Deleted]) {
    let deadline = engine.now().0 + 5 * 60 * 1000;
    let still_there = |e: &Engine, w: &[(&'static str, String, String, String)]| {
        w.iter().any(|(k, n, m, uid)| e.store().get(k, n, m).is_some_and(|o| o.meta().uid == *uid))
    };
    while still_there(engine, waiting) && engine.now().0 < deadline {
        if engine.step(&mut *ctx.observe).is_none() {
            break;
        }
    }
}

pub fn delete(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let a = match parse(words, DELETE_FLAGS, "kubectl delete") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let ns = a.namespace(engine);
    let force = a.bool("force");
    let (propagation, grace) = match delete_options(&a) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let wait = a.get("wait").is_none_or(|v| v != "false");
    let mut out = Output::new();
    let found =
        if a.has("filename") { targets_from_files(&a, ctx, &ns, &mut out) } else { targets_from_args(engine, &a, &ns) };
    let targets = match found {
        Ok(t) => t,
        Err(e) => return e,
    };
    if force && grace == Some(0) {
        out.warn("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let mut waiting: Vec<Deleted> = Vec::new();
    for (info, tns, name) in targets {
        match engine.delete(info.kind, &tns, &name, grace, propagation) {
            Ok(obj) => {
                let uid = obj.meta().uid.clone();
                let verb = if force && grace == Some(0) { "force deleted" } else { "deleted" };
                out.out(format!("{} \"{name}\" {verb}", info.qualified_singular()));
                waiting.push((info.kind, tns, name, uid));
            }
            Err(e) => {
                if a.bool("ignore-not-found") && matches!(e, kubelab_engine::ApiError::NotFound { .. }) {
                    continue;
                }
                out.err(e.kubectl_message());
            }
        }
    }
    engine.settle();
    // --wait (the default): block until the objects are gone, as kubectl does.
    if wait {
        wait_until_gone(engine, ctx, &waiting);
    }
    out
}

// ------------------------------------------------------------------ scale

const SCALE_FLAGS: &[FlagSpec] = &[
    flag("replicas", None, true),
    flag("current-replicas", None, true),
    flag("filename", Some('f'), true),
    flag("selector", Some('l'), true),
    flag("all", None, false),
    flag("timeout", None, true),
];

/// What kubectl v1.31 prints for a missing required flag: a klog line from
/// component-base's cli runner (time from the simulated clock, a fixed thread id).
pub fn klog_command_failed(now: Time, err: &str) -> String {
    let ts = now.rfc3339();
    let (date, time) = (&ts[5..10], &ts[11..19]);
    let micros = (now.0 % 1000) * 1000;
    format!(
        "E{}{} {}.{:06}       1 run.go:72] \"command failed\" err=\"{}\"",
        &date[0..2],
        &date[3..5],
        time,
        micros,
        err.replace('"', "\\\"")
    )
}

pub fn scale(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(words, SCALE_FLAGS, "kubectl scale") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let Some(r) = a.get("replicas") else {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"replicas\" not set"));
    };
    let replicas: i32 = match r.parse() {
        Ok(n) if n >= 0 => n,
        _ => {
            return Output::error(
                "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
            )
        }
    };
    let ns = a.namespace(engine);
    let mut targets: Vec<(&'static KindInfo, String)> = Vec::new();
    let pos = &a.positional;
    if pos.is_empty() {
        return Output::error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    if pos[0].contains('/') {
        for p in pos {
            let (t, n) = p.split_once('/').unwrap_or((p, ""));
            let Some(info) = resolve_resource(t) else { return Output::error(resource_type_error(t)) };
            targets.push((info, n.into()));
        }
    } else {
        let Some(info) = resolve_resource(&pos[0]) else { return Output::error(resource_type_error(&pos[0])) };
        if pos.len() < 2 {
            return Output::error("error: resource(s) were provided, but no name was specified");
        }
        for n in &pos[1..] {
            targets.push((info, n.clone()));
        }
    }
    let mut out = Output::new();
    for (info, name) in targets {
        if !matches!(info.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
            out.err(format!("error: no scaler has been implemented for {{\"{}\" \"{}\"}}", info.group, info.kind));
            continue;
        }
        let Some(mut obj) = engine.store().get(info.kind, &ns, &name) else {
            out.err(format!("Error from server (NotFound): {} \"{name}\" not found", info.qualified_resource()));
            continue;
        };
        match &mut obj {
            Object::Deployment(d) => d.spec.replicas = Some(replicas),
            Object::ReplicaSet(rs) => rs.spec.replicas = Some(replicas),
            Object::StatefulSet(st) => st.spec.replicas = Some(replicas),
            _ => {}
        }
        match engine.update(obj) {
            Ok(_) => out.out(format!("{}/{name} scaled", info.qualified_singular())),
            Err(e) => out.err(e.kubectl_message()),
        }
    }
    engine.settle();
    out
}

// ------------------------------------------------------------------ version

pub fn version(_engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    if let Err(e) = parse(words, &[flag("client", None, false), flag("output", Some('o'), true)], "kubectl version") {
        return Output::error(e);
    }
    let v = KUBERNETES_VERSION;
    let mut out = Output::new();
    out.out(format!("Client Version: {v}\nKustomize Version: v5.4.2\nServer Version: {v}"));
    out
}
