//! kubectl's table printers (pkg/printers/internalversion/printers.go), column for column.

use kubelab_api::*;
use kubelab_engine::controllers::{is_pod_initialized, is_pod_ready, is_restartable_init_container};
use kubelab_engine::duration::human_duration;

/// Rows of one resource type, headers first.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// translateTimestampSince.
pub fn age(t: Option<Time>, now: Time) -> String {
    match t {
        None => "<unknown>".into(),
        Some(t) => human_duration(now.0 as i64 - t.0 as i64),
    }
}

/// printPod's READY, STATUS and RESTARTS.
pub fn pod_columns(p: &Pod, now: Time) -> (String, String, String) {
    let restartable =
        |name: &str| p.spec.init_containers.iter().any(|c| c.name == name && is_restartable_init_container(c));
    // Sidecars (restartable init containers) count in READY.
    let total = p.spec.containers.len() + p.spec.init_containers.iter().filter(|c| restartable(&c.name)).count();
    let mut ready = 0;
    let mut restarts = 0;
    let mut last_restart: Option<Time> = None;
    let mut reason = if p.status.phase.is_empty() { "Pending".to_string() } else { p.status.phase.to_string() };
    if !p.status.reason.is_empty() {
        reason = p.status.reason.clone();
    }
    // The init containers first: the first one not done names the status (`Init:0/1`,
    // `Init:CrashLoopBackOff`, `Init:Error`).
    let (mut sidecar_restarts, mut sidecar_last_restart) = (0, None::<Time>);
    let mut initializing = false;
    for (i, c) in p.status.init_container_statuses.iter().enumerate() {
        restarts += c.restart_count;
        let finished = c.last_state.terminated.as_ref().and_then(|t| t.finished_at);
        keep_latest(&mut last_restart, finished);
        let sidecar = restartable(&c.name);
        if sidecar {
            sidecar_restarts += c.restart_count;
            keep_latest(&mut sidecar_last_restart, finished);
        }
        let waiting = c.state.waiting.as_ref().map(|w| &*w.reason).filter(|r| !r.is_empty() && *r != "PodInitializing");
        match (&c.state.terminated, waiting) {
            (Some(t), _) if t.exit_code == 0 => continue,
            _ if sidecar && c.started == Some(true) => {
                if c.ready {
                    ready += 1;
                }
                continue;
            }
            (Some(t), _) => {
                reason = if !t.reason.is_empty() {
                    format!("Init:{}", t.reason)
                } else if let Some(s) = t.signal.filter(|s| *s != 0) {
                    format!("Init:Signal:{s}")
                } else {
                    format!("Init:ExitCode:{}", t.exit_code)
                };
            }
            (None, Some(w)) => reason = format!("Init:{w}"),
            (None, None) => reason = format!("Init:{i}/{}", p.spec.init_containers.len()),
        }
        initializing = true;
        break;
    }
    let mut has_running = false;
    if initializing && !is_pod_initialized(p) {
        return finish_pod_columns(p, now, ready, total, reason, restarts, last_restart, has_running);
    }
    (restarts, last_restart) = (sidecar_restarts, sidecar_last_restart);
    for c in p.status.container_statuses.iter().rev() {
        restarts += c.restart_count;
        keep_latest(&mut last_restart, c.last_state.terminated.as_ref().and_then(|t| t.finished_at));
        if let Some(w) = c.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
            reason = w.reason.to_string();
        } else if let Some(t) = c.state.terminated.as_ref() {
            reason = if !t.reason.is_empty() {
                t.reason.clone()
            } else if let Some(s) = t.signal.filter(|s| *s != 0) {
                format!("Signal:{s}")
            } else {
                format!("ExitCode:{}", t.exit_code)
            };
        } else if c.ready && c.state.running.is_some() {
            has_running = true;
            ready += 1;
        }
    }
    finish_pod_columns(p, now, ready, total, reason, restarts, last_restart, has_running)
}

/// The later of the two (a container's last termination, for RESTARTS' "ago").
fn keep_latest(latest: &mut Option<Time>, t: Option<Time>) {
    if let Some(t) = t {
        if latest.is_none_or(|l| l < t) {
            *latest = Some(t);
        }
    }
}

/// printPod after the containers: Completed with one still running, Terminating, Unknown.
#[allow(clippy::too_many_arguments)]
fn finish_pod_columns(
    p: &Pod,
    now: Time,
    ready: usize,
    total: usize,
    mut reason: String,
    restarts: i32,
    last_restart: Option<Time>,
    has_running: bool,
) -> (String, String, String) {
    if reason == "Completed" && has_running {
        reason = if is_pod_ready(p) { "Running".into() } else { "NotReady".into() };
    }
    if p.metadata.deletion_timestamp.is_some() && p.status.reason == "NodeLost" {
        reason = "Unknown".into();
    } else if p.metadata.deletion_timestamp.is_some() && p.status.phase != "Succeeded" && p.status.phase != "Failed" {
        reason = "Terminating".into();
    }
    let mut restarts_s = restarts.to_string();
    if restarts != 0 {
        if let Some(t) = last_restart {
            restarts_s = format!("{restarts} ({} ago)", age(Some(t), now));
        }
    }
    (format!("{ready}/{total}"), reason, restarts_s)
}

fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

pub fn labels_string(m: &std::collections::BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "<none>".into();
    }
    m.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

pub fn pods(list: &[&Pod], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
    if wide {
        headers.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    }
    let rows = list
        .iter()
        .map(|p| {
            let (ready, status, restarts) = pod_columns(p, now);
            let mut r = vec![p.metadata.name.clone(), ready, status, restarts, age(p.metadata.creation_timestamp, now)];
            if wide {
                r.push(or_none(&p.status.pod_ip));
                r.push(or_none(&p.spec.node_name));
                r.push(or_none(&p.status.nominated_node_name));
                r.push("<none>".into());
            }
            r
        })
        .collect();
    Table { headers, rows }
}

fn containers_images(spec: &PodSpec) -> (String, String) {
    (
        spec.containers.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(","),
        spec.containers.iter().map(|c| c.image.clone()).collect::<Vec<_>>().join(","),
    )
}

pub fn deployments(list: &[&Deployment], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
    if wide {
        headers.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
    }
    let rows = list
        .iter()
        .map(|d| {
            let mut r = vec![
                d.metadata.name.clone(),
                format!("{}/{}", d.status.ready_replicas, d.spec.replicas.unwrap_or(1)),
                d.status.updated_replicas.to_string(),
                d.status.available_replicas.to_string(),
                age(d.metadata.creation_timestamp, now),
            ];
            if wide {
                let (c, i) = containers_images(&d.spec.template.spec);
                r.extend([c, i, d.spec.selector.to_selector_string()]);
            }
            r
        })
        .collect();
    Table { headers, rows }
}

pub fn replica_sets(list: &[&ReplicaSet], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
    if wide {
        headers.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
    }
    let rows = list
        .iter()
        .map(|rs| {
            let mut r = vec![
                rs.metadata.name.clone(),
                rs.spec.replicas.unwrap_or(1).to_string(),
                rs.status.replicas.to_string(),
                rs.status.ready_replicas.to_string(),
                age(rs.metadata.creation_timestamp, now),
            ];
            if wide {
                let (c, i) = containers_images(&rs.spec.template.spec);
                r.extend([c, i, rs.spec.selector.to_selector_string()]);
            }
            r
        })
        .collect();
    Table { headers, rows }
}

/// getNodeStatus + ROLES.
pub fn node_status(n: &Node) -> String {
    let mut s = match n.status.conditions.iter().find(|c| c.type_ == "Ready") {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if n.spec.unschedulable {
        s.push_str(",SchedulingDisabled");
    }
    s
}

pub fn node_roles(n: &Node) -> String {
    let mut roles: Vec<String> = n
        .metadata
        .labels
        .iter()
        .filter_map(|(k, v)| {
            if let Some(r) = k.strip_prefix("node-role.kubernetes.io/") {
                Some(r.to_string())
            } else if k == "kubernetes.io/role" {
                Some(v.clone())
            } else {
                None
            }
        })
        .filter(|r| !r.is_empty())
        .collect();
    kubelab_api::sort::natural(&mut roles);
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}

pub fn nodes(list: &[&Node], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
    if wide {
        headers.extend(["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]);
    }
    let rows = list
        .iter()
        .map(|n| {
            let mut r = vec![
                n.metadata.name.clone(),
                node_status(n),
                node_roles(n),
                age(n.metadata.creation_timestamp, now),
                n.status.node_info.kubelet_version.clone(),
            ];
            if wide {
                let addr = |t: &str| {
                    n.status
                        .addresses
                        .iter()
                        .find(|a| a.type_ == t)
                        .map(|a| a.address.clone())
                        .unwrap_or_else(|| "<none>".into())
                };
                r.extend([
                    addr("InternalIP"),
                    addr("ExternalIP"),
                    n.status.node_info.os_image.clone(),
                    n.status.node_info.kernel_version.clone(),
                    n.status.node_info.container_runtime_version.clone(),
                ]);
            }
            r
        })
        .collect();
    Table { headers, rows }
}

/// makePortString.
pub fn service_ports(s: &Service) -> String {
    if s.spec.ports.is_empty() {
        return "<none>".into();
    }
    s.spec
        .ports
        .iter()
        .map(|p| match p.node_port.filter(|n| *n != 0) {
            Some(np) => format!("{}:{}/{}", p.port, np, p.protocol),
            None => format!("{}/{}", p.port, p.protocol),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// getServiceExternalIP.
pub fn service_external_ip(s: &Service) -> String {
    match s.spec.type_.as_str() {
        "ClusterIP" | "NodePort" => {
            if s.spec.external_ips.is_empty() {
                "<none>".into()
            } else {
                s.spec.external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let ips: Vec<String> = s
                .status
                .load_balancer
                .ingress
                .iter()
                .map(|i| if i.ip.is_empty() { i.hostname.clone() } else { i.ip.clone() })
                .chain(s.spec.external_ips.iter().cloned())
                .collect();
            if ips.is_empty() {
                "<pending>".into()
            } else {
                ips.join(",")
            }
        }
        "ExternalName" => s.spec.external_name.clone(),
        _ => "<unknown>".into(),
    }
}

pub fn services(list: &[&Service], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"];
    if wide {
        headers.push("SELECTOR");
    }
    let rows = list
        .iter()
        .map(|s| {
            let mut r = vec![
                s.metadata.name.clone(),
                s.spec.type_.clone(),
                or_none(&s.spec.cluster_ip),
                service_external_ip(s),
                service_ports(s),
                age(s.metadata.creation_timestamp, now),
            ];
            if wide {
                r.push(labels_string(&s.spec.selector));
            }
            r
        })
        .collect();
    Table { headers, rows }
}

/// formatEndpoints: at most three host:port pairs, then " + N more...".
pub fn format_endpoints(e: &Endpoints) -> String {
    const MAX: usize = 3;
    let mut list = Vec::new();
    let mut count = 0;
    let mut more = false;
    for ss in &e.subsets {
        if ss.ports.is_empty() {
            for a in &ss.addresses {
                if list.len() == MAX {
                    more = true;
                }
                if !more {
                    list.push(a.ip.clone());
                }
                count += 1;
            }
        } else {
            for p in &ss.ports {
                for a in &ss.addresses {
                    if list.len() == MAX {
                        more = true;
                    }
                    if !more {
                        list.push(format!("{}:{}", a.ip, p.port));
                    }
                    count += 1;
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count - MAX);
    }
    if ret.is_empty() {
        "<none>".into()
    } else {
        ret
    }
}

pub fn endpoints(list: &[&Endpoints], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "ENDPOINTS", "AGE"],
        rows: list
            .iter()
            .map(|e| vec![e.metadata.name.clone(), format_endpoints(e), age(e.metadata.creation_timestamp, now)])
            .collect(),
    }
}

pub fn namespaces(list: &[&Namespace], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "STATUS", "AGE"],
        rows: list
            .iter()
            .map(|n| vec![n.metadata.name.clone(), n.status.phase.clone(), age(n.metadata.creation_timestamp, now)])
            .collect(),
    }
}

pub fn config_maps(list: &[&ConfigMap], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "DATA", "AGE"],
        rows: list
            .iter()
            .map(|c| {
                vec![
                    c.metadata.name.clone(),
                    (c.data.len() + c.binary_data.len()).to_string(),
                    age(c.metadata.creation_timestamp, now),
                ]
            })
            .collect(),
    }
}

pub fn events(list: &[&Event], now: Time) -> Table {
    Table {
        headers: vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"],
        rows: list
            .iter()
            .map(|e| {
                vec![
                    age(e.last_timestamp.or(e.first_timestamp), now),
                    e.type_.to_string(),
                    e.reason.to_string(),
                    format!("{}/{}", e.involved_object.kind.to_ascii_lowercase(), e.involved_object.name),
                    e.message.clone(),
                ]
            })
            .collect(),
    }
}

pub fn stateful_sets(list: &[&StatefulSet], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "READY", "AGE"];
    if wide {
        headers.extend(["CONTAINERS", "IMAGES"]);
    }
    let rows = list
        .iter()
        .map(|s| {
            let mut r = vec![
                s.metadata.name.clone(),
                format!("{}/{}", s.status.ready_replicas, s.spec.replicas.unwrap_or(1)),
                age(s.metadata.creation_timestamp, now),
            ];
            if wide {
                let (c, i) = containers_images(&s.spec.template.spec);
                r.extend([c, i]);
            }
            r
        })
        .collect();
    Table { headers, rows }
}

/// The access-mode abbreviations kubectl prints (RWO, ROX, RWX, RWOP).
pub fn access_modes(modes: &[String]) -> String {
    let mut v: Vec<&str> = Vec::new();
    for (long, short) in
        [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")]
    {
        if modes.iter().any(|m| m == long) {
            v.push(short);
        }
    }
    v.join(",")
}

fn storage_of(m: &std::collections::BTreeMap<String, Quantity>) -> String {
    m.get("storage").map(|q| q.0.clone()).unwrap_or_default()
}

pub fn pvcs(list: &[&PersistentVolumeClaim], now: Time, wide: bool) -> Table {
    let mut headers =
        vec!["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE"];
    if wide {
        headers.push("VOLUMEMODE");
    }
    let rows = list
        .iter()
        .map(|c| {
            let status = if c.metadata.deletion_timestamp.is_some() {
                "Terminating".to_string()
            } else {
                c.status.phase.clone()
            };
            let mut r = vec![
                c.metadata.name.clone(),
                status,
                c.spec.volume_name.clone(),
                storage_of(&c.status.capacity),
                access_modes(&c.status.access_modes),
                c.spec.storage_class_name.clone().unwrap_or_else(|| "<unset>".into()),
                c.spec.volume_attributes_class_name.clone().unwrap_or_else(|| "<unset>".into()),
                age(c.metadata.creation_timestamp, now),
            ];
            if wide {
                r.push(c.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into()));
            }
            r
        })
        .collect();
    Table { headers, rows }
}

pub fn pvs(list: &[&PersistentVolume], now: Time, wide: bool) -> Table {
    let mut headers = vec![
        "NAME",
        "CAPACITY",
        "ACCESS MODES",
        "RECLAIM POLICY",
        "STATUS",
        "CLAIM",
        "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS",
        "REASON",
        "AGE",
    ];
    if wide {
        headers.push("VOLUMEMODE");
    }
    let rows = list
        .iter()
        .map(|v| {
            let claim = v.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default();
            let mut r = vec![
                v.metadata.name.clone(),
                storage_of(&v.spec.capacity),
                access_modes(&v.spec.access_modes),
                v.spec.persistent_volume_reclaim_policy.clone(),
                if v.metadata.deletion_timestamp.is_some() { "Terminating".into() } else { v.status.phase.clone() },
                claim,
                v.spec.storage_class_name.clone(),
                v.spec.volume_attributes_class_name.clone().unwrap_or_else(|| "<unset>".into()),
                v.status.reason.clone(),
                age(v.metadata.creation_timestamp, now),
            ];
            if wide {
                r.push(v.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into()));
            }
            r
        })
        .collect();
    Table { headers, rows }
}

pub fn storage_classes(list: &[&StorageClass], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"],
        rows: list
            .iter()
            .map(|sc| {
                let default = sc
                    .metadata
                    .annotations
                    .get("storageclass.kubernetes.io/is-default-class")
                    .is_some_and(|v| v == "true");
                vec![
                    if default { format!("{} (default)", sc.metadata.name) } else { sc.metadata.name.clone() },
                    sc.provisioner.clone(),
                    sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
                    sc.volume_binding_mode.clone().unwrap_or_else(|| "Immediate".into()),
                    sc.allow_volume_expansion.unwrap_or(false).to_string(),
                    age(sc.metadata.creation_timestamp, now),
                ]
            })
            .collect(),
    }
}

/// printIngress: CLASS (`<none>` without one), HOSTS (formatHosts: three, then "+ N
/// more..."; `*` for none), ADDRESS (the load balancer's IPs and names, cut at 16 characters
/// but with `-o wide`), PORTS (`80`, or `80, 443` with TLS).
pub fn ingresses(list: &[&Ingress], now: Time, wide: bool) -> Table {
    Table {
        headers: vec!["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
        rows: list
            .iter()
            .map(|i| {
                vec![
                    i.metadata.name.clone(),
                    i.spec.ingress_class_name.clone().unwrap_or_else(|| "<none>".into()),
                    ingress_hosts(&i.spec.rules),
                    ingress_address(&i.status.load_balancer, wide),
                    if i.spec.tls.is_empty() { "80" } else { "80, 443" }.to_string(),
                    age(i.metadata.creation_timestamp, now),
                ]
            })
            .collect(),
    }
}

/// formatHosts.
fn ingress_hosts(rules: &[IngressRule]) -> String {
    const MAX: usize = 3;
    let mut list: Vec<&str> = Vec::new();
    let mut more = false;
    for r in rules {
        if list.len() == MAX {
            more = true;
        }
        if !more && !r.host.is_empty() {
            list.push(&r.host);
        }
    }
    if list.is_empty() {
        return "*".into();
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", rules.len() - MAX)
    } else {
        joined
    }
}

/// ingressLoadBalancerStatusStringer.
pub fn ingress_address(lb: &IngressLoadBalancerStatus, wide: bool) -> String {
    let all: Vec<&str> =
        lb.ingress.iter().flat_map(|i| [i.ip.as_str(), i.hostname.as_str()]).filter(|s| !s.is_empty()).collect();
    let r = all.join(",");
    if !wide && r.len() > 16 {
        // Go cuts at byte 13; a character across it is cut before it here.
        let mut cut = 13;
        while !r.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &r[..cut])
    } else {
        r
    }
}

/// printIngressClass.
pub fn ingress_classes(list: &[&IngressClass], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
        rows: list
            .iter()
            .map(|c| {
                let params = match &c.spec.parameters {
                    None => "<none>".to_string(),
                    Some(p) => match &p.api_group {
                        Some(g) => format!("{}.{g}/{}", p.kind, p.name),
                        None => format!("{}/{}", p.kind, p.name),
                    },
                };
                vec![
                    c.metadata.name.clone(),
                    c.spec.controller.clone(),
                    params,
                    age(c.metadata.creation_timestamp, now),
                ]
            })
            .collect(),
    }
}

/// metav1.FormatLabelSelector: the requirements sorted by key (labels.Selector's Add),
/// `<none>` for an empty selector.
pub fn format_label_selector(s: &LabelSelector) -> String {
    or_none(&s.to_selector_string())
}

/// printNetworkPolicy (kubectl 1.31 printers.go): NAME POD-SELECTOR AGE.
pub fn network_policies(list: &[&NetworkPolicy], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "POD-SELECTOR", "AGE"],
        rows: list
            .iter()
            .map(|p| {
                vec![
                    p.metadata.name.clone(),
                    format_label_selector(&p.spec.pod_selector),
                    age(p.metadata.creation_timestamp, now),
                ]
            })
            .collect(),
    }
}

/// printHorizontalPodAutoscaler (1.31): REFERENCE is `Kind/name`, TARGETS formatHPAMetrics'.
pub fn hpas(list: &[&HorizontalPodAutoscaler], now: Time) -> Table {
    Table {
        headers: vec!["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"],
        rows: list
            .iter()
            .map(|h| {
                let r = &h.spec.scale_target_ref;
                vec![
                    h.metadata.name.clone(),
                    format!("{}/{}", r.kind, r.name),
                    hpa_metrics(&h.spec.metrics, &h.status.current_metrics),
                    h.spec.min_replicas.map(|n| n.to_string()).unwrap_or_else(|| "<unset>".into()),
                    h.spec.max_replicas.to_string(),
                    h.status.current_replicas.to_string(),
                    age(h.metadata.creation_timestamp, now),
                ]
            })
            .collect(),
    }
}

/// A scalar field of a metric source kept as given (`metric.name`, `target.averageValue`: a
/// Quantity, written as a string or a number); empty when absent or not a scalar.
pub fn opaque_str(o: &Option<Opaque>, path: &[&str]) -> String {
    let mut v: Option<&serde_yaml::Value> = o.as_deref();
    for p in path {
        v = v.and_then(|x| x.get(*p));
    }
    match v {
        Some(serde_yaml::Value::String(s)) => s.clone(),
        Some(serde_yaml::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// formatHPAMetrics: `cpu: 45%/50%`, `cpu: <unknown>/50%`, at most two, then `+ N more...`.
pub fn hpa_metrics(specs: &[MetricSpec], statuses: &[MetricStatus]) -> String {
    if specs.is_empty() {
        return "<none>".into();
    }
    let opaque = |o: &Option<Opaque>, a: &str, b: &str| opaque_str(o, &[a, b]);
    let resource = |name: &str, target: &MetricTarget, current: Option<&MetricValueStatus>| {
        if let Some(v) = &target.average_value {
            let cur = current.and_then(|c| c.average_value.as_ref()).map(|q| q.0.as_str()).unwrap_or("<unknown>");
            format!("{name}: {cur}/{}", v.0)
        } else {
            let cur = current
                .and_then(|c| c.average_utilization)
                .map(|u| format!("{u}%"))
                .unwrap_or_else(|| "<unknown>".into());
            let tgt = target.average_utilization.map(|u| format!("{u}%")).unwrap_or_else(|| "<auto>".into());
            format!("{name}: {cur}/{tgt}")
        }
    };
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let st = statuses.get(i);
            match s.type_.as_str() {
                "Resource" => s
                    .resource
                    .as_ref()
                    .map(|r| resource(&r.name, &r.target, st.and_then(|x| x.resource.as_ref()).map(|x| &x.current)))
                    .unwrap_or_default(),
                "ContainerResource" => s
                    .container_resource
                    .as_ref()
                    .map(|r| {
                        resource(&r.name, &r.target, st.and_then(|x| x.container_resource.as_ref()).map(|x| &x.current))
                    })
                    .unwrap_or_default(),
                "Pods" => format!("<unknown>/{}", opaque(&s.pods, "target", "averageValue")),
                "Object" | "External" => {
                    let src = if s.type_ == "Object" { &s.object } else { &s.external };
                    let avg = opaque(src, "target", "averageValue");
                    if avg.is_empty() {
                        format!("<unknown>/{}", opaque(src, "target", "value"))
                    } else {
                        format!("<unknown>/{avg} (avg)")
                    }
                }
                _ => "<unknown type>".into(),
            }
        })
        .collect();
    if list.len() > 2 {
        format!("{} + {} more...", list[..2].join(", "), list.len() - 2)
    } else {
        list.join(", ")
    }
}

/// printJob (pkg/printers/internalversion/printers.go, v1.31; STATUS since v1.30, kubernetes
/// PR #123226): COMPLETIONS `succeeded/completions` (`N/1 of P` without completions and
/// parallelism over 1), DURATION from start to completion or to now, STATUS the first of
/// Complete, Failed, Terminating, Suspended, FailureTarget, else Running.
pub fn jobs(list: &[&Job], now: Time, wide: bool) -> Table {
    let mut headers = vec!["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"];
    if wide {
        headers.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
    }
    let rows = list
        .iter()
        .map(|j| {
            let succeeded = j.status.succeeded;
            let completions = match j.spec.completions {
                Some(c) => format!("{succeeded}/{c}"),
                None => match j.spec.parallelism.unwrap_or(0) {
                    p if p > 1 => format!("{succeeded}/1 of {p}"),
                    _ => format!("{succeeded}/1"),
                },
            };
            let duration = match (j.status.start_time, j.status.completion_time) {
                (None, _) => String::new(),
                (Some(start), None) => human_duration(now.0 as i64 - start.0 as i64),
                (Some(start), Some(done)) => human_duration(done.0 as i64 - start.0 as i64),
            };
            let status = if j.condition_true("Complete").is_some() {
                "Complete"
            } else if j.condition_true("Failed").is_some() {
                "Failed"
            } else if j.metadata.deletion_timestamp.is_some() {
                "Terminating"
            } else if j.condition_true("Suspended").is_some() {
                "Suspended"
            } else if j.condition_true("FailureTarget").is_some() {
                "FailureTarget"
            } else {
                "Running"
            };
            let mut r = vec![
                j.metadata.name.clone(),
                status.to_string(),
                completions,
                duration,
                age(j.metadata.creation_timestamp, now),
            ];
            if wide {
                let (c, i) = containers_images(&j.spec.template.spec);
                r.extend([
                    c,
                    i,
                    j.spec.selector.as_ref().map(format_label_selector).unwrap_or_else(|| "<none>".into()),
                ]);
            }
            r
        })
        .collect();
    Table { headers, rows }
}
