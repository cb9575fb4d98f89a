//! `kubectl cordon`, `uncordon` and `drain` (k8s.io/kubectl/pkg/drain), with kubectl's
//! messages; `lab node add|delete`.

use crate::args::{flag, parse, FlagSpec};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::{Engine, Propagation};

fn set_unschedulable(engine: &mut Engine, name: &str, value: bool) -> Result<bool, String> {
    let Some(Object::Node(n)) = engine.store().get("Node", "", name) else {
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
    let a = match parse(words, &[flag("selector", Some('l'), true), flag("dry-run", None, true)], &format!("kubectl {cmd}")) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let Some(name) = a.positional.first() else {
        return Output::error(format!("error: USAGE: {cmd} NODE [flags]\nSee 'kubectl {cmd} -h' for help and examples"));
    };
    match set_unschedulable(engine, name, !uncordon) {
        Ok(true) => Output::line(format!("node/{name} {cmd}ed")),
        Ok(false) => Output::line(format!("node/{name} already {cmd}ed")),
        Err(e) => Output::error(e),
    }
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

pub fn drain(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let a = match parse(words, DRAIN_FLAGS, "kubectl drain") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let Some(name) = a.positional.first().cloned() else {
        return Output::error("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples".to_string());
    };
    let mut out = Output::new();
    match set_unschedulable(engine, &name, true) {
        Ok(true) => out.out(format!("node/{name} cordoned")),
        Ok(false) => out.out(format!("node/{name} already cordoned")),
        Err(e) => return Output::error(e),
    }
    let pods: Vec<Pod> = engine.store().pods.values().filter(|p| p.spec.node_name == name && p.metadata.deletion_timestamp.is_none() && p.status.phase != "Succeeded" && p.status.phase != "Failed").cloned().collect();
    let force = a.bool("force");
    let empty_dir_ok = a.bool("delete-emptydir-data") || a.bool("delete-local-data");
    let unmanaged: Vec<String> = pods.iter().filter(|p| p.metadata.controller_ref().is_none()).map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name)).collect();
    let local: Vec<String> = pods.iter().filter(|p| p.spec.volumes.iter().any(|v| v.empty_dir.is_some())).map(|p| format!("{}/{}", p.metadata.namespace, p.metadata.name)).collect();
    let mut problems = Vec::new();
    if !unmanaged.is_empty() && !force {
        problems.push(format!("cannot delete Pods declare no controller (use --force to override): {}", unmanaged.join(", ")));
    }
    if !local.is_empty() && !empty_dir_ok {
        problems.push(format!("cannot delete Pods with local storage (use --delete-emptydir-data to override): {}", local.join(", ")));
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
        let _ = engine.delete("Pod", &p.metadata.namespace, &p.metadata.name, grace, Propagation::Background);
    }
    engine.settle();
    // Wait for every evicted pod to be gone, as drain does.
    let mut remaining: Vec<&Pod> = pods.iter().collect();
    let deadline = engine.now().0 + 10 * 60 * 1000;
    loop {
        let mut still = Vec::new();
        for p in remaining {
            if engine.store().pods.get(&(p.metadata.namespace.clone(), p.metadata.name.clone())).is_some_and(|x| x.metadata.uid == p.metadata.uid) {
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
    if remaining.is_empty() {
        out.out(format!("node/{name} drained"));
    } else {
        out.err(format!("error: unable to drain node \"{name}\" due to error: global timeout reached: 10m0s, continuing command..."));
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
