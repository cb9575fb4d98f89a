//! `kubectl cordon`, `uncordon` and `drain` (k8s.io/kubectl/pkg/drain), with kubectl's
//! messages; `lab node add|delete`.

use crate::args::{flag, parse, FlagSpec};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::{Engine, Propagation};

fn set_unschedulable(engine: &mut Engine, name: &str, value: bool) -> Result<bool, String> {
    let Some(Object::Node(n)) = engine.store().get(Node::INFO.kind, "", name) else {
        return Err(format!("Error from server (NotFound): nodes \"{name}\" not found"));
    };
    if n.spec.unschedulable == value {
        return Ok(false);
    }
    let mut next = n.clone();
    next.spec.unschedulable = value;
    engine.update(Object::Node(next)).map_err(|e| e.kubectl_message())?;
    engine.settle();
    Ok(true)
}

pub fn cordon(engine: &mut Engine, words: &[String], uncordon: bool) -> Output {
    let cmd = if uncordon { "uncordon" } else { "cordon" };
    let a = match parse(
        words,
        &[flag("selector", Some('l'), true), flag("dry-run", None, true)],
        &format!("kubectl {cmd}"),
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    // NODE, or the nodes a label selector (-l) picks.
    let names: Vec<String> = match (a.positional.first(), a.get("selector")) {
        (Some(name), _) => vec![name.clone()],
        (None, Some(sel)) => match crate::selector::Selector::parse(sel) {
            Ok(sel) => engine
                .store()
                .nodes
                .values()
                .filter(|n| sel.matches(&n.metadata.labels))
                .map(|n| n.metadata.name.clone())
                .collect(),
            Err(e) => return Output::error(format!("error: {e}")),
        },
        (None, None) => {
            return Output::error(format!(
                "error: USAGE: {cmd} NODE [flags]\nSee 'kubectl {cmd} -h' for help and examples"
            ))
        }
    };
    // No node matching the selector: nothing to do, and kubectl says nothing.
    let mut out = Output::new();
    for name in &names {
        match set_unschedulable(engine, name, !uncordon) {
            Ok(true) => out.out(format!("node/{name} {cmd}ed")),
            Ok(false) => out.out(format!("node/{name} already {cmd}ed")),
            Err(e) => out.err(e),
        }
    }
    out
}

const DRAIN_FLAGS: &[FlagSpec] = &[
    flag("ignore-daemonsets", None, false),
    flag("delete-emptydir-data", None, false),
    flag("delete-local-data", None, false),
    flag("force", None, false),
    flag("grace-period", None, true),
    flag("timeout", None, true),
    flag("disable-eviction", None, false),
    flag("pod-selector", None, true),
    flag("selector", Some('l'), true),
    flag("dry-run", None, true),
    flag("skip-wait-for-delete-timeout", None, true),
];

/// The pods drain evicts from a node: those not finished and not already being deleted.
fn pods_to_evict(engine: &Engine, name: &str) -> Vec<Pod> {
    engine
        .store()
        .pods
        .values()
        .filter(|p| {
            p.spec.node_name == name
                && p.metadata.deletion_timestamp.is_none()
                && p.status.phase != "Succeeded"
                && p.status.phase != "Failed"
        })
        .cloned()
        .collect()
}

/// Runs the cluster until the evicted pods are gone (at most 10 minutes of its time), saying
/// each one that goes; the pods still there.
fn wait_for_evictions<'p>(engine: &mut Engine, ctx: &mut Ctx, pods: &'p [Pod], out: &mut Output) -> Vec<&'p Pod> {
    let mut remaining: Vec<&Pod> = pods.iter().collect();
    let deadline = engine.now().0 + 10 * 60 * 1000;
    loop {
        let mut still = Vec::new();
        for p in remaining {
            if engine
                .store()
                .pods
                .get(&(p.metadata.namespace.clone(), p.metadata.name.clone()))
                .is_some_and(|x| x.metadata.uid == p.metadata.uid)
            {
                still.push(p);
            } else {
                out.out(format!("pod/{} evicted", p.metadata.name));
            }
        }
        remaining = still;
        if remaining.is_empty() || engine.now().0 >= deadline || engine.step(&mut *ctx.observe).is_none() {
            break;
        }
    }
    remaining
}

pub fn drain(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let a = match parse(words, DRAIN_FLAGS, "kubectl drain") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let Some(name) = a.positional.first().cloned() else {
        return Output::error("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples");
    };
    let mut out = Output::new();
    match set_unschedulable(engine, &name, true) {
        Ok(true) => out.out(format!("node/{name} cordoned")),
        Ok(false) => out.out(format!("node/{name} already cordoned")),
        Err(e) => return Output::error(e),
    }
    let pods = pods_to_evict(engine, &name);
    let force = a.bool("force");
    let empty_dir_ok = a.bool("delete-emptydir-data") || a.bool("delete-local-data");
    let unmanaged: Vec<String> = pods
        .iter()
        .filter(|p| p.metadata.controller_ref().is_none())
        .map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name))
        .collect();
    let local: Vec<String> = pods
        .iter()
        .filter(|p| p.spec.volumes.iter().any(|v| v.empty_dir.is_some()))
        .map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name))
        .collect();
    let mut problems = Vec::new();
    if !unmanaged.is_empty() && !force {
        problems.push(format!(
            "cannot delete Pods declare no controller (use --force to override): {}",
            unmanaged.join(", ")
        ));
    }
    if !local.is_empty() && !empty_dir_ok {
        problems.push(format!(
            "cannot delete Pods with local storage (use --delete-emptydir-data to override): {}",
            local.join(", ")
        ));
    }
    if !problems.is_empty() {
        let joined = problems.join(", ");
        out.err(format!("error: unable to drain node \"{name}\" due to error: {joined}, continuing command..."));
        out.err("There are pending nodes to be drained:");
        out.err(format!(" {name}"));
        for p in problems {
            out.err(p);
        }
        return out;
    }
    if force && !unmanaged.is_empty() {
        out.warn(format!("Warning: deleting Pods that declare no controller: {}", unmanaged.join(", ")));
    }
    if !local.is_empty() && empty_dir_ok {
        out.warn(format!("Warning: deleting Pods with local storage: {}", local.join(", ")));
    }
    let grace: Option<i64> = a.get("grace-period").and_then(|g| g.parse().ok()).filter(|g: &i64| *g >= 0);
    for p in &pods {
        out.out(format!("evicting pod {}/{}", p.metadata.namespace, p.metadata.name));
    }
    for p in &pods {
        let _ = engine.delete(Pod::INFO.kind, &p.metadata.namespace, &p.metadata.name, grace, Propagation::Background);
    }
    engine.settle();
    // Wait for every evicted pod to be gone, as drain does.
    let remaining = wait_for_evictions(engine, ctx, &pods, &mut out);
    if remaining.is_empty() {
        out.out(format!("node/{name} drained"));
    } else {
        out.err(format!(
            "error: unable to drain node \"{name}\" due to error: global timeout reached: 10m0s, continuing command..."
        ));
    }
    out
}

/// `lab node add NAME` / `lab node delete NAME`.
pub fn lab_node(engine: &mut Engine, verb: &str, name: &str) -> Output {
    match verb {
        "add" => match engine.add_node(name) {
            Ok(()) => Output::line(format!("node/{name} added: a 2 CPU / 4 GiB worker; its kubelet has registered")),
            Err(e) => Output::error(format!("error: {e}")),
        },
        _ => match engine.remove_node(name) {
            Ok(()) => Output::line(format!("node/{name} destroyed: the machine is gone and its Node object deleted")),
            Err(e) => Output::error(format!("error: {e}")),
        },
    }
}

/// A taint as kubectl prints it (corev1.Taint.ToString): `key=value:Effect`, `key:Effect`,
/// `key=value` or `key`.
fn taint_string(t: &Taint) -> String {
    match (t.value.is_empty(), t.effect.is_empty()) {
        (true, true) => t.key.clone(),
        (true, false) => format!("{}:{}", t.key, t.effect),
        (false, true) => format!("{}={}", t.key, t.value),
        (false, false) => format!("{}={}:{}", t.key, t.value, t.effect),
    }
}

/// k8s.io/kubectl/pkg/cmd/taint/utils.go parseTaint: `key=value:effect`, `key:effect`, `key`.
fn parse_taint(st: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = st.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [k] => (k.to_string(), String::new(), String::new()),
        [kv, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!("invalid taint effect: {effect}, unsupported taint effect"));
            }
            let kvs: Vec<&str> = kv.split('=').collect();
            match kvs.as_slice() {
                [k] => (k.to_string(), String::new(), effect.to_string()),
                [k, v] => {
                    let errs = kubelab_api::validate::label_value(v);
                    if !errs.is_empty() {
                        return Err(format!("invalid taint spec: {st}, {}", errs.join("; ")));
                    }
                    (k.to_string(), v.to_string(), effect.to_string())
                }
                _ => return Err(format!("invalid taint spec: {st}")),
            }
        }
        _ => return Err(format!("invalid taint spec: {st}")),
    };
    let errs = kubelab_api::validate::qualified_name(&key);
    if !errs.is_empty() {
        return Err(format!("invalid taint spec: {st}, {}", errs.join("; ")));
    }
    Ok(Taint { key, value, effect, time_added: None })
}

/// `kubectl taint nodes NAME key=value:Effect ... [key:Effect-] [--overwrite]`, with the
/// upstream command's parsing, checks and verbs (tainted, untainted, modified).
/// The taints to add (`key=value:Effect`) and to remove (`key:Effect-`, `key-`).
fn taint_changes(specs: &[&String]) -> Result<(Vec<Taint>, Vec<Taint>), Output> {
    let (mut add, mut remove) = (Vec::new(), Vec::new());
    for s in specs {
        if let Some(r) = s.strip_suffix('-') {
            match parse_taint(r) {
                Ok(t) => remove.push(Taint { key: t.key, value: String::new(), effect: t.effect, time_added: None }),
                Err(e) => return Err(Output::error(format!("error: {e}"))),
            }
        } else {
            let t = match parse_taint(s) {
                Ok(t) => t,
                Err(e) => return Err(Output::error(format!("error: {e}"))),
            };
            if t.effect.is_empty() {
                return Err(Output::error(format!("error: invalid taint spec: {s}")));
            }
            if add.iter().any(|x: &Taint| x.key == t.key && x.effect == t.effect) {
                return Err(Output::error(format!(
                    "error: duplicated taints with the same key and effect: {}",
                    taint_string(&t)
                )));
            }
            add.push(t);
        }
    }
    Ok((add, remove))
}

/// reorganizeTaints: the new taints, then the old ones they do not replace, minus removals;
/// and whether any was added, and whether the last removal deleted one.
fn reorganize_taints(taints: &[Taint], add: &[Taint], remove: &[Taint]) -> Result<(Vec<Taint>, bool, bool), Output> {
    let mut next: Vec<Taint> = add.to_vec();
    for old in taints {
        if !next.iter().any(|t| t.key == old.key && t.effect == old.effect) {
            next.push(old.clone());
        }
    }
    let added = taints.len() != next.len();
    let mut errors = Vec::new();
    let mut deleted = false;
    for r in remove {
        let before = next.len();
        next.retain(|t| !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect)));
        deleted = next.len() != before;
        if !deleted {
            errors.push(format!("taint \"{}\" not found", taint_string(r)));
        }
    }
    if !errors.is_empty() {
        return Err(Output::error(format!(
            "error: {}",
            if errors.len() == 1 { errors[0].clone() } else { format!("[{}]", errors.join(", ")) }
        )));
    }
    Ok((next, added, deleted))
}

pub fn taint(engine: &mut Engine, words: &[String]) -> Output {
    let a = match parse(
        words,
        &[
            flag("overwrite", None, false),
            flag("all", None, false),
            flag("selector", Some('l'), true),
            flag("dry-run", None, true),
        ],
        "kubectl taint",
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let mut pos = a.positional.iter();
    let Some(resource) = pos.next() else {
        return Output::error(
            "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples",
        );
    };
    let (kind_word, inline_name) = match resource.split_once('/') {
        Some((k, n)) => (k.to_string(), Some(n.to_string())),
        None => (resource.clone(), None),
    };
    if !matches!(kind_word.as_str(), "node" | "nodes" | "no") {
        return Output::error(format!("error: invalid resource type {kind_word}, only node types are supported"));
    }
    let name = match inline_name.or_else(|| pos.next().cloned()) {
        Some(n) => n,
        None => {
            return Output::error(
                "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples",
            )
        }
    };
    let specs: Vec<&String> = pos.collect();
    if specs.is_empty() {
        return Output::error(
            "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples",
        );
    }
    let (add, remove) = match taint_changes(&specs) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let Some(Object::Node(node)) = engine.store().get(Node::INFO.kind, "", &name) else {
        return Output::error(format!("Error from server (NotFound): nodes \"{name}\" not found"));
    };
    let overwrite = a.bool("overwrite");
    if !overwrite {
        let exists: Vec<String> = add
            .iter()
            .flat_map(|t| {
                node.spec.taints.iter().filter(move |o| o.key == t.key && o.effect == t.effect).map(|_| t.key.clone())
            })
            .collect();
        if !exists.is_empty() {
            return Output::error(format!(
                "error: node {name} already has {} taint(s) with same effect(s) and --overwrite is false",
                exists.join(",")
            ));
        }
    }
    let (next, added, deleted) = match reorganize_taints(&node.spec.taints, &add, &remove) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let verb = if (added && deleted) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    let mut updated = node.clone();
    updated.spec.taints = next;
    if let Err(e) = engine.update(Object::Node(updated)) {
        return Output::error(e.kubectl_message());
    }
    engine.settle();
    Output::line(format!("node/{name} {verb}"))
}
