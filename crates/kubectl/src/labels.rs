//! `kubectl label` and `kubectl annotate`: `key=value`, `key-`, `--overwrite`, `-l`, `--all`.

use crate::args::{flag, parse, FlagSpec};
use crate::selector::Selector;
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::Engine;

const FLAGS: &[FlagSpec] = &[
    flag("overwrite", None, false),
    flag("selector", Some('l'), true),
    flag("all", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("list", None, false),
    flag("dry-run", None, true),
    flag("resource-version", None, true),
];

/// `--list`: each object's labels, `key=value` (kubectl walks Go's map in random order; the
/// lab sorts), with a `Listing labels for Kind.group/name:` line per object on stderr when
/// there are several (`one`: a single object was named).
fn list_labels(engine: &Engine, info: &KindInfo, scope: &str, names: &[String], one: bool, out: &mut Output) {
    for name in names {
        let Some(obj) = engine.store().get(info.kind, scope, name) else {
            out.err(format!("Error from server (NotFound): {} \"{name}\" not found", info.qualified_resource()));
            continue;
        };
        let indent = if one { "" } else { " " };
        if !one {
            out.warn(format!("Listing labels for {}.{}/{name}:", info.kind, info.group));
        }
        for (k, v) in &obj.meta().labels {
            out.out(format!("{indent}{k}={v}"));
        }
    }
}

/// Applies `key=value` and `key-` to the object's labels (or annotations); without
/// `--overwrite`, a key that has another value already is an error.
fn apply_changes(obj: &mut Object, changes: &[String], annotate: bool, overwrite: bool) -> Result<(), String> {
    for ch in changes {
        let map = if annotate { &mut obj.meta_mut().annotations } else { &mut obj.meta_mut().labels };
        if let Some(key) = ch.strip_suffix('-').filter(|_| !ch.contains('=')) {
            map.remove(key);
            continue;
        }
        let (k, v) = ch.split_once('=').unwrap_or((ch, ""));
        if let Some(old) = map.get(k) {
            if old != v && !overwrite {
                return Err(format!("error: '{k}' already has a value ({old}), and --overwrite is false"));
            }
        }
        map.insert(k.to_string(), v.to_string());
    }
    Ok(())
}

/// What kubectl says it did: labeled, unlabeled (only removals), annotated, or not.
fn past_tense(changed: bool, annotate: bool, changes: &[String]) -> &'static str {
    if !changed {
        if annotate {
            "not annotated"
        } else {
            "not labeled"
        }
    } else if !annotate && changes.iter().all(|c| c.ends_with('-') && !c.contains('=')) {
        "unlabeled"
    } else if annotate {
        "annotated"
    } else {
        "labeled"
    }
}

pub fn run(engine: &mut Engine, words: &[String], _ctx: &mut Ctx, annotate: bool) -> Output {
    let cmd = if annotate { "annotate" } else { "label" };
    let a = match parse(words, FLAGS, &format!("kubectl {cmd}")) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let ns = a.namespace(engine);
    // Split positional words into the target and the changes.
    let (mut targets, mut changes): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for w in &a.positional {
        if w.contains('=') || (w.ends_with('-') && !targets.is_empty()) {
            changes.push(w.clone());
        } else {
            targets.push(w.clone());
        }
    }
    let list = !annotate && a.bool("list");
    if changes.is_empty() && !list {
        return Output::error(format!(
            "error: at least one {} update is required",
            if annotate { "annotation" } else { "label" }
        ));
    }
    let Some(first) = targets.first().cloned() else {
        return Output::error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    };
    let (type_, mut names): (String, Vec<String>) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), vec![n.to_string()]),
        None => (first.clone(), targets[1..].to_vec()),
    };
    let Some(info) = resolve_resource(&type_) else {
        return Output::error(format!("error: the server doesn't have a resource type \"{type_}\""));
    };
    let scope = if info.namespaced { ns.clone() } else { String::new() };
    // One object named (IntoSingleItemImplied), not chosen by -l or --all.
    let one = names.len() == 1;
    if names.is_empty() {
        let sel = match a.parsed("selector", Selector::parse) {
            Ok(None) if a.bool("all") => None,
            Ok(None) => return Output::error("error: resource(s) were provided, but no name was specified"),
            Ok(s) => s,
            Err(e) => return Output::error(e),
        };
        names = engine
            .store()
            .list(info.kind, if info.namespaced { Some(&scope) } else { None })
            .into_iter()
            .filter(|o| sel.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
            .map(|o| o.meta().name.clone())
            .collect();
    }
    let mut out = Output::new();
    if list {
        list_labels(engine, info, &scope, &names, one, &mut out);
        return out;
    }
    for name in names {
        let Some(mut obj) = engine.store().get(info.kind, &scope, &name) else {
            out.err(format!("Error from server (NotFound): {} \"{name}\" not found", info.qualified_resource()));
            continue;
        };
        let before = obj.meta().clone();
        if let Err(e) = apply_changes(&mut obj, &changes, annotate, a.bool("overwrite")) {
            out.err(e);
            continue;
        }
        let changed =
            if annotate { obj.meta().annotations != before.annotations } else { obj.meta().labels != before.labels };
        let verb = past_tense(changed, annotate, &changes);
        if changed {
            if let Err(e) = engine.update(obj) {
                out.err(e.kubectl_message());
                continue;
            }
        }
        out.out(format!("{}/{name} {verb}", info.qualified_singular()));
    }
    engine.settle();
    out
}
