//! describe for the cluster-scoped Namespace and Node.

use super::{describe_events, labels_multiline, rfc1123z, W};
use crate::printers::{self, age};
use kubelab_api::*;
use kubelab_engine::store::Store;

pub fn namespace(n: &Namespace) -> String {
    let mut w = W(String::new());
    w.line(0, &format!("Name:\t{}", n.metadata.name));
    labels_multiline(&mut w, "Labels", &n.metadata.labels, "=");
    labels_multiline(&mut w, "Annotations", &n.metadata.annotations, ": ");
    w.line(0, &format!("Status:\t{}", n.status.phase));
    w.0.push('\n');
    w.line(0, "No resource quota.");
    w.0.push('\n');
    w.line(0, "No LimitRange resource.");
    w.finish()
}

pub fn node(store: &Store, n: &Node, now: Time) -> String {
    let mut w = W(String::new());
    let m = &n.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Roles:\t{}", printers::node_roles(n)));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("CreationTimestamp:\t{}", m.creation_timestamp.map(rfc1123z).unwrap_or_default()));
    if n.spec.taints.is_empty() {
        w.line(0, "Taints:\t<none>");
    } else {
        for (i, t) in n.spec.taints.iter().enumerate() {
            let v = if t.value.is_empty() { String::new() } else { format!("={}", t.value) };
            if i == 0 {
                w.line(0, &format!("Taints:\t{}{v}:{}", t.key, t.effect));
            } else {
                w.line(0, &format!("\t{}{v}:{}", t.key, t.effect));
            }
        }
    }
    w.line(0, &format!("Unschedulable:\t{}", n.spec.unschedulable));
    w.line(0, "Conditions:");
    w.line(0, "  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
    w.line(0, "  ----\t------\t-----------------\t------------------\t------\t-------");
    for c in &n.status.conditions {
        w.line(
            1,
            &format!(
                "{} \t{} \t{} \t{} \t{} \t{}",
                c.type_,
                c.status,
                c.last_heartbeat_time.map(rfc1123z).unwrap_or_default(),
                c.last_transition_time.map(rfc1123z).unwrap_or_default(),
                c.reason,
                c.message
            ),
        );
    }
    w.line(0, "Addresses:");
    for a in &n.status.addresses {
        w.line(1, &format!("{}:\t{}", a.type_, a.address));
    }
    for (title, map) in [("Capacity", &n.status.capacity), ("Allocatable", &n.status.allocatable)] {
        w.line(0, &format!("{title}:"));
        for (k, v) in map {
            w.line(1, &format!("{k}:\t{}", v.0));
        }
    }
    let i = &n.status.node_info;
    w.line(0, "System Info:");
    for (k, v) in [
        ("Machine ID", &i.machine_id),
        ("System UUID", &i.system_uuid),
        ("Boot ID", &i.boot_id),
        ("Kernel Version", &i.kernel_version),
        ("OS Image", &i.os_image),
        ("Operating System", &i.operating_system),
        ("Architecture", &i.architecture),
        ("Container Runtime Version", &i.container_runtime_version),
        ("Kubelet Version", &i.kubelet_version),
        ("Kube-Proxy Version", &i.kube_proxy_version),
    ] {
        w.line(1, &format!("{k}:\t{v}"));
    }
    w.line(0, &format!("PodCIDR:\t{}", n.spec.pod_cidr));
    w.line(0, &format!("PodCIDRs:\t{}", n.spec.pod_cidrs.join(",")));
    w.line(0, &format!("ProviderID:\t{}", n.spec.provider_id));
    non_terminated_pods(&mut w, store, n, now);
    describe_events(&mut w, store, Node::INFO.kind, "", &m.name, "", now);
    w.finish()
}

/// DescribeNode's "Non-terminated Pods" table and "Allocated resources": each pod's requests
/// and limits, and their sums, against the node's allocatable CPU and memory.
fn non_terminated_pods(w: &mut W, store: &Store, n: &Node, now: Time) {
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| p.spec.node_name == n.metadata.name && p.status.phase != "Succeeded" && p.status.phase != "Failed")
        .collect();
    let cpu_cap = n.status.allocatable.get("cpu").and_then(|q| q.millis()).unwrap_or(1).max(1);
    let mem_cap = n.status.allocatable.get("memory").and_then(|q| q.millis()).unwrap_or(1).max(1);
    w.line(0, &format!("Non-terminated Pods:\t({} in total)", pods.len()));
    w.line(0, "  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    w.line(0, "  ---------\t----\t------------\t----------\t---------------\t-------------\t---");
    let (mut tr_cpu, mut tl_cpu, mut tr_mem, mut tl_mem) = (0i128, 0i128, 0i128, 0i128);
    let sum = |p: &Pod, which: &str, res: &str| -> i128 {
        p.spec
            .containers
            .iter()
            .map(|c| {
                let m = if which == "requests" { &c.resources.requests } else { &c.resources.limits };
                let q = m.get(res).or_else(|| if which == "requests" { c.resources.limits.get(res) } else { None });
                q.and_then(|q| q.millis()).unwrap_or(0)
            })
            .sum()
    };
    let pct = |v: i128, cap: i128| v * 100 / cap;
    let fmt_cpu = |v: i128| if v == 0 { "0".to_string() } else { kubelab_api::quantity::format_cpu_millis(v) };
    let fmt_mem = |v: i128| if v == 0 { "0".to_string() } else { kubelab_api::quantity::format_memory_millis(v) };
    for p in &pods {
        let (rc, lc, rm, lm) = (
            sum(p, "requests", "cpu"),
            sum(p, "limits", "cpu"),
            sum(p, "requests", "memory"),
            sum(p, "limits", "memory"),
        );
        tr_cpu += rc;
        tl_cpu += lc;
        tr_mem += rm;
        tl_mem += lm;
        w.line(
            1,
            &format!(
                "{}\t{}\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}",
                p.metadata.namespace,
                p.metadata.name,
                fmt_cpu(rc),
                pct(rc, cpu_cap),
                fmt_cpu(lc),
                pct(lc, cpu_cap),
                fmt_mem(rm),
                pct(rm, mem_cap),
                fmt_mem(lm),
                pct(lm, mem_cap),
                age(p.metadata.creation_timestamp, now)
            ),
        );
    }
    w.line(0, "Allocated resources:");
    w.line(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    w.line(
        1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)",
            fmt_cpu(tr_cpu),
            pct(tr_cpu, cpu_cap),
            fmt_cpu(tl_cpu),
            pct(tl_cpu, cpu_cap)
        ),
    );
    w.line(
        1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)",
            fmt_mem(tr_mem),
            pct(tr_mem, mem_cap),
            fmt_mem(tl_mem),
            pct(tl_mem, mem_cap)
        ),
    );
    w.line(1, "ephemeral-storage\t0 (0%)\t0 (0%)");
}
