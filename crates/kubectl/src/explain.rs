//! `kubectl explain TYPE[.FIELD...] [--recursive]`: field documentation from the Kubernetes
//! v1.31 OpenAPI schema (static/explain-v1.31.json, built by tools/explain-data.py), printed
//! as kubectl v1.31's plaintext template does (staging/src/k8s.io/kubectl/pkg/explain/v2/
//! templates/plaintext.tmpl): descriptions wrapped at 76 columns by go-wordwrap and indented
//! 4, fields in name order with `<type>` after a tab, `-required-`, nested fields 2 columns
//! deeper with --recursive. Enum fields show their values (`ENUM:` under a field's own
//! header, `enum: A, B, C, D, ....` in field lists) and end their description with the
//! "Possible enum values" a live API server serves (tools/explain-enums-v1.31.json).

use crate::args::{flag, parse, FlagSpec};
use crate::Output;
use kubelab_api::resolve_resource;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::sync::OnceLock;

const FLAGS: &[FlagSpec] =
    &[flag("recursive", None, false), flag("api-version", None, true), flag("output", Some('o'), true)];

static SCHEMA: OnceLock<Json> = OnceLock::new();
static SCHEMA_ERROR: OnceLock<String> = OnceLock::new();

/// Native builds (the runner, the tests) carry the schema; the page fetches it after it has
/// started (`load_schema`), so its 290 KB stay out of the wasm the page waits for.
#[cfg(not(target_arch = "wasm32"))]
fn schema() -> Option<&'static Json> {
    Some(
        SCHEMA.get_or_init(|| {
            serde_json::from_str(include_str!("../../../static/explain-v1.31.json")).unwrap_or(Json::Null)
        }),
    )
}

#[cfg(target_arch = "wasm32")]
fn schema() -> Option<&'static Json> {
    SCHEMA.get()
}

/// Hands explain the schema's text (static/explain-v1.31.json) where it is not built in.
pub fn load_schema(text: &str) -> Result<(), String> {
    let json: Json = serde_json::from_str(text).map_err(|e| format!("the field documentation is damaged: {e}"))?;
    if json.get("defs").is_none() || json.get("kinds").is_none() {
        return Err("the field documentation has no \"defs\" or \"kinds\"".to_string());
    }
    let _ = SCHEMA.set(json);
    Ok(())
}

/// Why the schema will not arrive (the page could not fetch it), for explain to say.
pub fn schema_failed(reason: &str) {
    let _ = SCHEMA_ERROR.set(reason.to_string());
}

/// Whether explain can answer (always, natively; in the page once the schema has arrived).
pub fn schema_loaded() -> bool {
    schema().is_some()
}

fn def(name: &str) -> Option<&'static Json> {
    schema()?.get("defs")?.get(name)
}

pub fn explain(words: &[String]) -> Output {
    let a = match parse(words, FLAGS, "kubectl explain") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    if let Some(o) = a.get("output").filter(|o| *o != "plaintext") {
        return Output::error(format!(
            "error: unsupported output format \"{o}\"; supported formats are: plaintext, plaintext-openapiv2"
        ));
    }
    let Some(target) = a.positional.first() else {
        return Output::error("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl explain -h' for help and examples");
    };
    if a.positional.len() > 1 {
        return Output::error(
            "error: We accept only this format: explain RESOURCE\nSee 'kubectl explain -h' for help and examples",
        );
    }
    let mut parts = target.split('.');
    let resource = parts.next().unwrap_or("");
    let path: Vec<String> = parts.map(String::from).collect();
    let Some(info) = resolve_resource(resource) else {
        return Output::error(format!("the server doesn't have a resource type \"{resource}\""));
    };
    let Some(schema) = schema() else {
        if let Some(why) = SCHEMA_ERROR.get() {
            return Output::error(format!("error: the field documentation could not be loaded: {why}"));
        }
        return Output::error(
            "error: the field documentation is still loading (static/explain-v1.31.json); try again in a moment",
        );
    };
    let Some(kind) = schema.get("kinds").and_then(|k| k.get(info.kind)) else {
        return Output::error(format!(
            "error: GVR ({}/{}, Resource={}) not found in OpenAPI schema",
            info.group, info.version, info.resource
        ));
    };
    let def_name = kind.get("def").and_then(|d| d.as_str()).unwrap_or("");
    let mut out = String::new();
    if !info.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", info.group));
    }
    out.push_str(&format!("KIND:       {}\nVERSION:    {}\n\n", info.kind, info.version));
    let root = serde_json::json!({ "ref": def_name });
    let body = render(&root, &path, &mut BTreeSet::new(), a.bool("recursive"));
    match body {
        Some(b) => {
            out.push_str(&b);
            out.push('\n');
            let mut o = Output::new();
            // Keep the template's blank lines (Output::out splits into lines).
            for line in out.split('\n').collect::<Vec<_>>().split_last().map(|(_, l)| l.to_vec()).unwrap_or_default() {
                o.lines.push((false, line.to_string()));
            }
            o
        }
        None => {
            let mut o = Output::new();
            for line in out.trim_end_matches('\n').split('\n') {
                o.lines.push((false, line.to_string()));
            }
            o.lines.push((false, String::new()));
            o.err(format!("error: field \"{}\" does not exist", path.last().map(|s| s.as_str()).unwrap_or("")));
            o
        }
    }
}

/// The schema a node stands for: the definition it refers to, or itself.
fn resolved(node: &Json) -> &Json {
    node.get("ref").and_then(|r| r.as_str()).and_then(def).unwrap_or(node)
}

/// The template's "output": follows `path`, then prints the FIELD line, description and
/// fields; None when the path names no field.
fn render(node: &Json, path: &[String], history: &mut BTreeSet<String>, recursive: bool) -> Option<String> {
    let r = resolved(node);
    if path.is_empty() {
        let mut s = String::from("DESCRIPTION:\n");
        let d = description(node);
        s.push_str(&indent(&wrap(if d.is_empty() { "<empty>" } else { &d }, 76), 4));
        s.push('\n');
        let fields = field_list(node, 1, &mut BTreeSet::new(), recursive);
        if !fields.is_empty() {
            s.push_str("FIELDS:\n");
            s.push_str(&fields);
        }
        return Some(s);
    }
    if let Some(reference) = node.get("ref").and_then(|r| r.as_str()) {
        if history.contains(reference) {
            return None;
        }
    }
    if let Some(sub) = r.get("p").and_then(|p| p.get(&path[0])) {
        let mut s = String::new();
        if path.len() == 1 {
            // extractEnum's long view: every value on its own line under ENUM:.
            let values: String = enum_values(sub).iter().map(|v| format!("\n    {v}")).collect();
            let block = if values.is_empty() { String::new() } else { format!("ENUM:{values}") };
            s.push_str(&format!("FIELD: {} <{}>\n{block}\n\n", path[0], type_guess(sub)));
        }
        s.push_str(&render(sub, &path[1..], &mut BTreeSet::new(), recursive)?);
        return Some(s);
    }
    if let Some(reference) = node.get("ref").and_then(|r| r.as_str()) {
        history.insert(reference.to_string());
    }
    if let Some(items) = r.get("items") {
        return render(items, path, history, recursive);
    }
    if let Some(add) = r.get("add") {
        return render(add, path, history, recursive);
    }
    None
}

/// The description of a node, then those of what it refers to, its items and its values.
fn description(node: &Json) -> String {
    let mut s = String::new();
    if let Some(d) = node.get("d").and_then(|d| d.as_str()) {
        s.push_str(d);
        s.push('\n');
    }
    if let Some(target) = node.get("ref").and_then(|r| r.as_str()).and_then(def) {
        s.push_str(&description(target));
    }
    for part in ["items", "add"] {
        if let Some(p) = node.get(part) {
            s.push_str(&description(p));
        }
    }
    s
}

/// A field's enum values as explain prints them (an empty value as `""`).
fn enum_values(node: &Json) -> Vec<String> {
    let Some(values) = node.get("e").and_then(|e| e.as_array()) else { return Vec::new() };
    values
        .iter()
        .filter_map(|v| v.as_str())
        .map(|v| if v.is_empty() { "\"\"".to_string() } else { v.to_string() })
        .collect()
}

/// typeGuess: `[]Container`, `map[string]string`, `ObjectMeta`, `IntOrString`, `string`.
fn type_guess(node: &Json) -> String {
    if let Some(items) = node.get("items") {
        return format!("[]{}", type_guess(items));
    }
    if let Some(add) = node.get("add") {
        return format!("map[string]{}", type_guess(add));
    }
    if let Some(reference) = node.get("ref").and_then(|r| r.as_str()) {
        return match def(reference).and_then(|d| d.get("t")).and_then(|t| t.as_str()) {
            Some(t) => t.to_string(),
            None => reference.rsplit('.').next().unwrap_or("Object").to_string(),
        };
    }
    match node.get("t").and_then(|t| t.as_str()) {
        None | Some("object") => "Object".into(),
        Some(t) => t.into(),
    }
}

/// The template's "fieldList": each field (name order) with its type and description, or
/// only the type line and the nested fields with --recursive; references seen on the way
/// down are not followed again.
fn field_list(node: &Json, level: usize, history: &mut BTreeSet<String>, recursive: bool) -> String {
    let mut s = String::new();
    if let Some(reference) = node.get("ref").and_then(|r| r.as_str()) {
        if history.contains(reference) {
            return s;
        }
        history.insert(reference.to_string());
    }
    let r = resolved(node);
    let required: Vec<&str> = r
        .get("req")
        .and_then(|q| q.as_array())
        .map(|q| q.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    if let Some(props) = r.get("p").and_then(|p| p.as_object()) {
        let mut names: Vec<&String> = props.keys().collect();
        kubelab_api::sort::natural(&mut names);
        let pad = level * 2;
        for name in names {
            let f = &props[name];
            s.push_str(&" ".repeat(pad));
            s.push_str(name);
            s.push_str(&format!("\t<{}>", type_guess(f)));
            if required.contains(&name.as_str()) {
                s.push_str(" -required-");
            }
            s.push('\n');
            // extractEnum's short view: at most 4 values, then ", ....".
            let values = enum_values(f);
            if !values.is_empty() {
                let shown: Vec<&str> = values.iter().take(4).map(String::as_str).collect();
                s.push_str(&format!(
                    "{}enum: {}{}\n",
                    " ".repeat(pad),
                    shown.join(", "),
                    if values.len() > 4 { ", ...." } else { "" }
                ));
            }
            if recursive {
                let mut h = history.clone();
                s.push_str(&field_list(f, level + 1, &mut h, recursive));
            } else {
                let d = f.get("d").and_then(|d| d.as_str()).unwrap_or("<no description>");
                s.push_str(&indent(&wrap(d, 78 - pad), pad + 2));
                s.push_str("\n\n");
            }
        }
    }
    for part in ["items", "add"] {
        if let Some(p) = r.get(part) {
            let mut h = history.clone();
            s.push_str(&field_list(p, level, &mut h, recursive));
        }
    }
    s
}

/// The template's `indent`: every line, empty ones included, gets the pad.
fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// mitchellh/go-wordwrap's WrapString: breaks at whitespace so lines stay within `lim`,
/// keeps existing newlines, and never breaks a word longer than the limit.
pub fn wrap(s: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(s.len() + 16);
    let (mut current, mut word, mut space) = (0usize, String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for ch in s.chars() {
        if ch == '\n' {
            buf.push_str(&space);
            space.clear();
            space_len = 0;
            buf.push_str(&word);
            word.clear();
            word_len = 0;
            buf.push('\n');
            current = 0;
        } else if ch.is_whitespace() && ch != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                space.clear();
                space_len = 0;
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.push(ch);
            space_len += 1;
        } else {
            word.push(ch);
            word_len += 1;
            if current + space_len + word_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// What `kubectl explain` would be asked about the field on line `line` (0-based) of a
/// manifest: `deployment.spec.template.spec.containers.image`, from the document's `kind`
/// and the keys above the line by indentation (list items are looked through, as explain's
/// paths do). None outside a document with a kind.
pub fn field_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    if line >= lines.len() {
        return None;
    }
    let is_doc_mark = |l: &str| l.trim_end() == "---" || l.starts_with("--- ");
    let start = (0..=line).rev().find(|&i| is_doc_mark(lines[i])).map_or(0, |i| i + 1);
    let end = (line..lines.len()).find(|&i| is_doc_mark(lines[i])).unwrap_or(lines.len());
    if start > line {
        return None;
    }
    let doc = &lines[start..end];
    let kind = doc
        .iter()
        .find_map(|l| l.strip_prefix("kind:"))
        .map(|k| k.split('#').next().unwrap_or("").trim().trim_matches(['"', '\'']))?;
    let info = resolve_resource(kind)?;
    let mut path = Vec::new();
    let here = line - start;
    let mut col = match key_of(doc[here]) {
        Some((c, k)) => {
            path.push(k);
            c
        }
        None if doc[here].trim().is_empty() => usize::MAX,
        None => doc[here].len() - doc[here].trim_start().len(),
    };
    for l in doc[..here].iter().rev() {
        if col == 0 {
            break;
        }
        if let Some((c, k)) = key_of(l) {
            if c < col {
                path.push(k);
                col = c;
            }
        }
    }
    path.reverse();
    let mut target = info.singular.to_string();
    for p in path {
        target.push('.');
        target.push_str(&p);
    }
    Some(target)
}

/// A line's mapping key and its column, looking past list markers: `  - name: x` → (4, name).
fn key_of(line: &str) -> Option<(usize, String)> {
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[col..];
    if rest.starts_with('#') {
        return None;
    }
    while let Some(r) = rest.strip_prefix("- ") {
        let spaces = r.len() - r.trim_start_matches(' ').len();
        col += 2 + spaces;
        rest = &r[spaces..];
    }
    let colon = rest.find(": ").or_else(|| rest.trim_end().strip_suffix(':').map(|k| k.len()))?;
    let key = rest[..colon].trim().trim_matches(['"', '\'']);
    if key.is_empty() || key.contains(' ') || key.starts_with(['{', '[', '#', '"', '\'']) {
        return None;
    }
    Some((col, key.to_string()))
}

#[cfg(test)]
mod field_at_tests {
    use super::field_at;

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        ports:\n          - containerPort: 80\n            protocol: TCP\n---\n# a comment\nkind: Service\nspec:\n  ports:\n  - port: 80\n";

    #[test]
    fn the_path_follows_indentation_and_looks_through_list_items() {
        let at = |l| field_at(DEPLOY, l);
        assert_eq!(at(0).as_deref(), Some("deployment.apiVersion"));
        assert_eq!(at(3).as_deref(), Some("deployment.metadata.name"));
        assert_eq!(at(5).as_deref(), Some("deployment.spec.replicas"));
        assert_eq!(at(9).as_deref(), Some("deployment.spec.template.spec.containers.name"));
        assert_eq!(at(10).as_deref(), Some("deployment.spec.template.spec.containers.image"));
        assert_eq!(at(12).as_deref(), Some("deployment.spec.template.spec.containers.ports.containerPort"));
        assert_eq!(at(13).as_deref(), Some("deployment.spec.template.spec.containers.ports.protocol"));
        // The next document has its own kind.
        assert_eq!(at(19).as_deref(), Some("service.spec.ports.port"));
        assert_eq!(at(14), None, "the document marker");
        assert_eq!(at(15).as_deref(), Some("service"), "a comment line: the kind itself");
        assert_eq!(at(99), None);
    }

    #[test]
    fn no_kind_or_an_unknown_kind_gives_nothing() {
        assert_eq!(field_at("spec:\n  replicas: 1", 1), None);
        assert_eq!(field_at("kind: Frobnicator\nspec: {}", 1), None);
        assert_eq!(field_at("", 0), None);
    }

    #[test]
    fn every_path_of_the_sample_is_one_explain_knows() {
        for l in 0..14 {
            let target = field_at(DEPLOY, l).unwrap();
            let out = super::explain(std::slice::from_ref(&target));
            assert!(out.ok, "{target}: {}", out.text());
        }
    }
}
