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

/// `--sort-by` of both subcommands (top_pod.go, top_node.go: sortByCPU, sortByMemory).
const SORT_FIELDS: [&str; 2] = ["cpu", "memory"];

pub fn top(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let resource = words.first().map(String::as_str);
    let node = matches!(resource, Some("node" | "nodes" | "no"));
    let pod = matches!(resource, Some("pod" | "pods" | "po"));
    if !node && !pod {
        return Output::error("error: `kubectl top` needs a resource: node or pod");
    }
    // NewCmdTopNode's and NewCmdTopPod's flags.
    let flags: &[crate::args::FlagSpec] = if node {
        &[
            flag("selector", Some('l'), true),
            flag("sort-by", None, true),
            flag("no-headers", None, false),
            flag("show-capacity", None, false),
            flag("use-protocol-buffers", None, false),
        ]
    } else {
        &[
            flag("all-namespaces", Some('A'), false),
            flag("selector", Some('l'), true),
            flag("field-selector", None, true),
            flag("no-headers", None, false),
            flag("containers", None, false),
            flag("sort-by", None, true),
            flag("use-protocol-buffers", None, false),
        ]
    };
    let path = if node { "kubectl top node" } else { "kubectl top pod" };
    let a = match parse(&words[1..], flags, path) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    // Complete, then Validate, as both commands run them.
    if a.positional.len() > 1 {
        let usage = if node { "node [NAME | -l label]" } else { "pod [NAME | -l label]" };
        // cmdutil.UsageErrorf(cmd, "%s", cmd.Use)
        return Output::error(format!("error: {usage}\nSee '{path} -h' for help and examples"));
    }
    if a.get("sort-by").is_some_and(|f| !f.is_empty() && !SORT_FIELDS.contains(&f)) {
        return Output::error("error: --sort-by accepts only cpu or memory");
    }
    let name = a.positional.first().map(String::as_str);
    let selected = a.has("selector") || (pod && a.has("field-selector"));
    if name.is_some() && selected {
        return Output::error(if node {
            "error: only one of NAME or --selector can be provided"
        } else {
            "error: only one of NAME or selector can be provided"
        });
    }
    let selector = match a.parsed("selector", crate::selector::Selector::parse) {
        Ok(s) => s,
        Err(e) => return Output::error(e),
    };
    // kubectl asks the discovery API for metrics.k8s.io first (top_pod.go, top_node.go:
    // SupportedMetricsAPIVersionAvailable): it is there only while the APIService
    // v1beta1.metrics.k8s.io is Available (`Engine::metrics_available`).
    if !engine.metrics_available() {
        return Output::error("error: Metrics API not available");
    }
    let query = Query { name, selector, sort_by: a.get("sort-by").unwrap_or(""), no_headers: a.bool("no-headers") };
    if node {
        top_nodes(engine, &query, a.bool("show-capacity"))
    } else {
        let field_selector = match a.parsed("field-selector", crate::fields::FieldSelector::parse) {
            Ok(s) => s,
            Err(e) => return Output::error(e),
        };
        top_pods(engine, &query, &a, field_selector.as_ref())
    }
}

/// What both subcommands were asked for.
struct Query<'a> {
    name: Option<&'a str>,
    selector: Option<crate::selector::Selector>,
    sort_by: &'a str,
    no_headers: bool,
}

/// The Metrics API's NotFound for one object, as metrics-server answers a Get
/// (`errors.NewNotFound` of `nodes.metrics.k8s.io` / `pods.metrics.k8s.io`; a pod's name is
/// given as `NAMESPACE/NAME`).
fn metrics_not_found(resource: &str, name: &str) -> Output {
    Output::error(format!("Error from server (NotFound): {resource}.metrics.k8s.io \"{name}\" not found"))
}

/// The NAME and CPU/memory columns of one line (metrics_printer.go's printMetricsLine).
fn usage_columns(name: &str, cpu_nanocores: u64, memory_bytes: u64) -> String {
    format!("{name}\t{}m\t{}Mi\t", cpu_nanocores.div_ceil(1_000_000), memory_bytes >> 20)
}

/// A pod's CPU as getPodMetrics adds it: its containers' quantities summed, printed (and
/// sorted) by the sum's `MilliValue()`.
fn pod_cpu_nanocores(m: &kubelab_engine::metrics::PodMetrics) -> u64 {
    m.containers.iter().map(|c| c.cpu_nanocores).sum()
}

fn top_nodes(engine: &Engine, q: &Query, show_capacity: bool) -> Output {
    let store = engine.store();
    let nodes: Vec<&Node> = store
        .nodes
        .values()
        .filter(|n| q.name.is_none_or(|want| n.metadata.name == want))
        .filter(|n| q.selector.as_ref().is_none_or(|s| s.matches(&n.metadata.labels)))
        .collect();
    let mut measured: Vec<(&Node, kubelab_engine::metrics::NodeMetrics)> =
        nodes.iter().filter_map(|n| engine.node_metrics(&n.metadata.name).map(|m| (*n, m))).collect();
    if measured.is_empty() {
        if let Some(name) = q.name {
            return metrics_not_found("nodes", name);
        }
        return Output::error("error: metrics not available yet");
    }
    // NodeMetricsSorter: descending usage, or by name.
    match q.sort_by {
        "cpu" => {
            kubelab_api::sort::by_key(&mut measured, |(_, m)| std::cmp::Reverse(m.cpu_nanocores.div_ceil(1_000_000)))
        }
        "memory" => kubelab_api::sort::by_key(&mut measured, |(_, m)| std::cmp::Reverse(m.memory_bytes)),
        _ => {}
    }
    let mut text = String::new();
    if !q.no_headers {
        text.push_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    for (n, m) in &measured {
        let resources = if show_capacity { &n.status.capacity } else { &n.status.allocatable };
        let of = |k: &str| resources.get(k).and_then(|q| q.millis()).unwrap_or(0);
        // printAllResourceUsages: MilliValue over MilliValue, truncated; 0 % of nothing.
        let percent = |used: i128, total: i128| if total == 0 { 0 } else { used * 100 / total };
        let cpu = m.cpu_nanocores.div_ceil(1_000_000) as i128;
        let mem = m.memory_bytes as i128;
        text.push_str(&format!(
            "{}\t{cpu}m\t{}%\t{}Mi\t{}%\t\n",
            n.metadata.name,
            percent(cpu, of("cpu")),
            mem / (1 << 20),
            percent(mem * 1000, of("memory"))
        ));
    }
    // Then the nodes metrics-server has nothing for (printMissingMetricsNodeLine).
    for n in nodes.iter().filter(|n| !measured.iter().any(|(m, _)| m.metadata.name == n.metadata.name)) {
        text.push_str(&format!("{}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n", n.metadata.name));
    }
    Output::line(crate::tabwriter::format(&text))
}

fn top_pods(engine: &Engine, q: &Query, a: &Args, fields: Option<&crate::fields::FieldSelector>) -> Output {
    let ns = a.namespace(engine);
    let all = a.bool("all-namespaces");
    let store = engine.store();
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| all || p.metadata.namespace == ns)
        .filter(|p| q.name.is_none_or(|want| p.metadata.name == want))
        .filter(|p| q.selector.as_ref().is_none_or(|s| s.matches(&p.metadata.labels)))
        .filter(|p| fields.is_none_or(|f| f.matches(&Object::Pod((*p).clone()))))
        .collect();
    let mut measured: Vec<(&Pod, kubelab_engine::metrics::PodMetrics)> =
        pods.iter().filter_map(|p| engine.pod_metrics(p).map(|m| (*p, m))).collect();
    if measured.is_empty() {
        if let Some(name) = q.name {
            // A Get of one pod's metrics: metrics-server answers NotFound before kubectl
            // would look at the pod's age (getMetricsFromMetricsAPI returns the error).
            return metrics_not_found("pods", &format!("{ns}/{name}"));
        }
        return no_metrics(engine, &pods, all, &ns);
    }
    // PodMetricsSorter: descending usage, or the list's order (namespace, name).
    match q.sort_by {
        "cpu" => kubelab_api::sort::by_key(&mut measured, |(_, m)| {
            std::cmp::Reverse(pod_cpu_nanocores(m).div_ceil(1_000_000))
        }),
        "memory" => kubelab_api::sort::by_key(&mut measured, |(_, m)| std::cmp::Reverse(m.memory_bytes())),
        _ => {}
    }
    let containers = a.bool("containers");
    let mut text = String::new();
    if !q.no_headers {
        text.push_str(if all { "NAMESPACE\t" } else { "" });
        text.push_str(if containers { "POD\t" } else { "" });
        text.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
    }
    for (p, m) in measured {
        let namespace = if all { [p.metadata.namespace.as_str(), "\t"].concat() } else { String::new() };
        if !containers {
            let line = usage_columns(&p.metadata.name, pod_cpu_nanocores(&m), m.memory_bytes());
            text.push_str(&format!("{namespace}{line}\n"));
            continue;
        }
        // ContainerMetricsSorter: descending usage, or by container name.
        let mut cs: Vec<_> = m.containers.iter().collect();
        match q.sort_by {
            "cpu" => kubelab_api::sort::by_key(&mut cs, |c| std::cmp::Reverse(c.cpu_nanocores.div_ceil(1_000_000))),
            "memory" => kubelab_api::sort::by_key(&mut cs, |c| std::cmp::Reverse(c.memory_bytes)),
            _ => kubelab_api::sort::by(&mut cs, |x, y| x.name.cmp(&y.name)),
        }
        for c in cs {
            let line = usage_columns(&c.name, c.cpu_nanocores, c.memory_bytes);
            text.push_str(&format!("{namespace}{}\t{line}\n", p.metadata.name));
        }
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
