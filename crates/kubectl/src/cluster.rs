//! Cluster-level commands: `api-resources`, `cluster-info`, `top` (`config` is `config.rs`).

use crate::args::{flag, parse};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::Engine;

use crate::config::SERVER;

pub fn api_resources(_engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(
        words,
        &[
            flag("namespaced", None, true),
            flag("api-group", None, true),
            flag("output", Some('o'), true),
            flag("no-headers", None, false),
            flag("verbs", None, true),
            flag("sort-by", None, true),
        ],
        "kubectl api-resources",
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let mut kinds: Vec<&KindInfo> = KINDS.iter().collect();
    // The core group first, then groups by name; names sorted within a group.
    kubelab_api::sort::by(&mut kinds, |x, y| {
        (!x.group.is_empty(), x.group, x.resource).cmp(&(!y.group.is_empty(), y.group, y.resource))
    });
    if let Some(ns) = a.get("namespaced") {
        let want = ns != "false";
        kinds.retain(|k| k.namespaced == want);
    }
    if let Some(g) = a.get("api-group") {
        kinds.retain(|k| k.group == g);
    }
    if a.get("output") == Some("name") {
        return Output::line(
            kinds
                .iter()
                .map(
                    |k| if k.group.is_empty() { k.resource.to_string() } else { format!("{}.{}", k.resource, k.group) },
                )
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    let mut text = String::new();
    if !a.bool("no-headers") {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    }
    for k in kinds {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            k.resource,
            k.short_names.join(","),
            k.api_version(),
            k.namespaced,
            k.kind
        ));
    }
    Output::line(crate::tabwriter::format(&text))
}

pub fn cluster_info(_engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    if let Some(w) = words.first() {
        if w == "dump" {
            return Output::error(
                "error: `kubectl cluster-info dump` is not available in this lab; use kubectl get/describe",
            );
        }
    }
    Output::line(format!("Kubernetes control plane is running at {SERVER}\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."))
}

/// What a pod uses, from its images: idle CPU and resident memory (the model's numbers).
fn pod_usage(p: &Pod) -> (i64, i64) {
    let mut cpu = 0;
    let mut mem = 0;
    for c in &p.spec.containers {
        let repo = kubelab_engine::images::ImageRef::parse(&c.image).repository;
        let (c_m, m_mi) = match repo.as_str() {
            r if r.ends_with("/nginx") || r.ends_with("/proxy") || r.ends_with("/lb") || r.ends_with("-frontend") => {
                (1, 3)
            }
            r if r.ends_with("/app") => (2, 38),
            r if r.ends_with("/redis") => (3, 7),
            r if r.ends_with("/postgres") => (5, 45),
            r if r.ends_with("-backend") => (1, 9),
            // What the add-ons use at rest (their numbers on a small minikube).
            "registry.k8s.io/ingress-nginx/controller" => (2, 92),
            "registry.k8s.io/metrics-server/metrics-server" => (4, 19),
            _ => (0, 1),
        };
        cpu += c_m;
        mem += m_mi;
    }
    (cpu, mem)
}

pub fn top(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(
        &words[words.len().min(1)..],
        &[
            flag("all-namespaces", Some('A'), false),
            flag("selector", Some('l'), true),
            flag("no-headers", None, false),
            flag("containers", None, false),
            flag("sort-by", None, true),
        ],
        "kubectl top",
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    // kubectl asks the discovery API for metrics.k8s.io first (top_pod.go, top_node.go):
    // without a ready metrics-server behind the APIService there is none.
    if matches!(words.first().map(String::as_str), Some("node" | "nodes" | "no" | "pod" | "pods" | "po"))
        && !engine.metrics_available()
    {
        return Output::error("error: Metrics API not available");
    }
    let store = engine.store();
    let running = |p: &&Pod| p.status.phase == "Running" && p.metadata.deletion_timestamp.is_none();
    match words.first().map(|s| s.as_str()) {
        Some("node" | "nodes" | "no") => {
            let mut text = String::from("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
            for n in store.nodes.values() {
                let alive = engine.machine(&n.metadata.name).is_some_and(|m| m.alive);
                let cap_cpu = n.status.allocatable.get("cpu").and_then(|q| q.millis()).unwrap_or(1000).max(1) as i64;
                let cap_mem = (n.status.allocatable.get("memory").and_then(|q| q.millis()).unwrap_or(1)
                    / 1000
                    / (1 << 20))
                    .max(1) as i64;
                if !alive {
                    text.push_str(&format!("{}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n", n.metadata.name));
                    continue;
                }
                // The system's own share (kubelet, runtime, and on the control plane its components).
                let (mut cpu, mut mem) =
                    if n.spec.taints.iter().any(|t| t.key == "node-role.kubernetes.io/control-plane") {
                        (120, 620)
                    } else {
                        (25, 230)
                    };
                for p in store.pods.values().filter(|p| p.spec.node_name == n.metadata.name).filter(running) {
                    let (c, m) = pod_usage(p);
                    cpu += c;
                    mem += m;
                }
                text.push_str(&format!(
                    "{}\t{cpu}m\t{}%\t{mem}Mi\t{}%\t\n",
                    n.metadata.name,
                    cpu * 100 / cap_cpu,
                    mem * 100 / cap_mem
                ));
            }
            Output::line(crate::tabwriter::format(&text))
        }
        Some("pod" | "pods" | "po") => {
            let ns = a.namespace(engine);
            let all = a.bool("all-namespaces");
            let sel = a.get("selector").and_then(|s| crate::selector::Selector::parse(s).ok());
            let pods: Vec<&Pod> = store
                .pods
                .values()
                .filter(|p| all || p.metadata.namespace == ns)
                .filter(running)
                .filter(|p| sel.as_ref().is_none_or(|s| s.matches(&p.metadata.labels)))
                .collect();
            if pods.is_empty() {
                let mut o = Output::new();
                o.warn(if all {
                    "No resources found".to_string()
                } else {
                    format!("No resources found in {ns} namespace.")
                });
                return o;
            }
            let mut text = String::from(if all {
                "NAMESPACE\tNAME\tCPU(cores)\tMEMORY(bytes)\t\n"
            } else {
                "NAME\tCPU(cores)\tMEMORY(bytes)\t\n"
            });
            for p in pods {
                let (c, m) = pod_usage(p);
                if all {
                    text.push_str(&format!("{}\t", p.metadata.namespace));
                }
                text.push_str(&format!("{}\t{c}m\t{m}Mi\t\n", p.metadata.name));
            }
            Output::line(crate::tabwriter::format(&text))
        }
        _ => Output::error("error: `kubectl top` needs a resource: node or pod"),
    }
}
