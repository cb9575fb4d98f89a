//! `kubectl top nodes|pods`: what the Metrics API (metrics-server, `engine::metrics`) says,
//! printed as top_node.go and top_pod.go print it (1.31): CPU as `MilliValue()` of the
//! summed usage (rounded up), memory as `Value()/(1024*1024)` Mi, a node's percentages of
//! its allocatable.

use crate::args::{flag, parse, Args};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::Engine;

/// top_pod.go's metricsCreationDelay: a pod younger than this may simply not have
/// metrics yet.
const METRICS_CREATION_DELAY_MS: u64 = 120_000;

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
    // kubectl asks the discovery API for metrics.k8s.io first (top_pod.go, top_node.go:
    // SupportedMetricsAPIVersionAvailable): it is there only while the APIService
    // v1beta1.metrics.k8s.io is Available (`Engine::metrics_available`).
    let resource = words.first().map(String::as_str);
    if matches!(resource, Some("node" | "nodes" | "no" | "pod" | "pods" | "po")) && !engine.metrics_available() {
        return Output::error("error: Metrics API not available");
    }
    match resource {
        Some("node" | "nodes" | "no") => top_nodes(engine),
        Some("pod" | "pods" | "po") => top_pods(engine, &a),
        _ => Output::error("error: `kubectl top` needs a resource: node or pod"),
    }
}

fn top_nodes(engine: &Engine) -> Output {
    let mut text = String::from("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    for n in engine.store().nodes.values() {
        let alloc = |k: &str| n.status.allocatable.get(k).and_then(|q| q.millis()).unwrap_or(1000).max(1);
        let Some(m) = engine.node_metrics(&n.metadata.name) else {
            text.push_str(&format!("{}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n", n.metadata.name));
            continue;
        };
        let cpu = m.cpu_nanocores.div_ceil(1_000_000) as i128;
        let mem_bytes = m.memory_bytes as i128;
        text.push_str(&format!(
            "{}\t{cpu}m\t{}%\t{}Mi\t{}%\t\n",
            n.metadata.name,
            cpu * 100 / alloc("cpu"),
            mem_bytes / (1 << 20),
            mem_bytes * 1000 * 100 / alloc("memory")
        ));
    }
    Output::line(crate::tabwriter::format(&text))
}

fn top_pods(engine: &Engine, a: &Args) -> Output {
    let ns = a.namespace(engine);
    let all = a.bool("all-namespaces");
    let sel = a.get("selector").and_then(|s| crate::selector::Selector::parse(s).ok());
    let store = engine.store();
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| all || p.metadata.namespace == ns)
        .filter(|p| sel.as_ref().is_none_or(|s| s.matches(&p.metadata.labels)))
        .collect();
    let measured: Vec<(&Pod, kubelab_engine::metrics::PodMetrics)> =
        pods.iter().filter_map(|p| engine.pod_metrics(p).map(|m| (*p, m))).collect();
    if measured.is_empty() {
        return no_metrics(engine, &pods, all, &ns);
    }
    let mut text = String::from(if all {
        "NAMESPACE\tNAME\tCPU(cores)\tMEMORY(bytes)\t\n"
    } else {
        "NAME\tCPU(cores)\tMEMORY(bytes)\t\n"
    });
    for (p, m) in measured {
        let cpu: u64 = m.containers.iter().map(|c| c.cpu_nanocores).sum::<u64>().div_ceil(1_000_000);
        if all {
            text.push_str(&format!("{}\t", p.metadata.namespace));
        }
        text.push_str(&format!("{}\t{cpu}m\t{}Mi\t\n", p.metadata.name, m.memory_bytes() >> 20));
    }
    Output::line(crate::tabwriter::format(&text))
}

/// No pod has metrics: top_pod.go's verifyEmptyMetrics. A pod older than two minutes
/// should have had them; younger ones may not yet.
fn no_metrics(engine: &Engine, pods: &[&Pod], all: bool, ns: &str) -> Output {
    let now = engine.now().0;
    for p in pods {
        let age = now.saturating_sub(p.metadata.creation_timestamp.map(|t| t.0).unwrap_or(now));
        if age > METRICS_CREATION_DELAY_MS {
            return Output::error(format!(
                "error: Metrics not available for pod {}/{}, age: {}",
                p.metadata.namespace,
                p.metadata.name,
                kubelab_engine::kubelet::go_duration(age)
            ));
        }
    }
    if !pods.is_empty() {
        return Output::error("error: metrics not available yet");
    }
    let mut o = Output::new();
    o.warn(if all { "No resources found".to_string() } else { format!("No resources found in {ns} namespace.") });
    o
}
