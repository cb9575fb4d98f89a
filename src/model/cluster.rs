//! The cluster map: nodes with their pods and volume claims, Services and their endpoints,
//! requests in flight, and the words and colours the map shows for them.

use super::*;
use kubelab_api::{Node, Pod};
use kubelab_engine::controllers::is_pod_ready;
use kubelab_engine::controllers::node_lifecycle::{is_node_ready, unknown_at, UNREACHABLE};
use kubelab_engine::Engine;
use std::rc::Rc;

/// The whole cluster as the map draws it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterView {
    /// Nodes in name order, each with the pods bound to it.
    pub nodes: Vec<NodeView>,
    /// Pods no node has been chosen for yet (the scheduler's queue).
    pub unscheduled: Pods,
    /// Services (all but `default/kubernetes`), in namespace and name order.
    pub services: Vec<ServiceView>,
    /// Ingresses, in namespace and name order, drawn in front of the Services.
    pub ingresses: Vec<IngressView>,
}

/// A Service as the map draws it: a box with a line to each endpoint. Kept between drawings
/// while the Service and its Endpoints are unchanged (`PodViewCache::services`): a
/// 1,000-pod Service's lists are shared, not built, copied and compared every frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceView {
    pub namespace: String,
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`.
    pub kind: String,
    /// What a client dials: `10.96.0.10:80`, and `:30080` on every node for a NodePort.
    pub address: String,
    /// The ready endpoints' pods (namespace, name), which traffic reaches.
    pub endpoints: Rc<[(String, String)]>,
    /// Pods the selector matches that are not ready (listed under notReadyAddresses).
    pub not_ready: Rc<[(String, String)]>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub ready: bool,
    /// `kubectl cordon`: no new pods.
    pub unschedulable: bool,
    /// `control-plane` or `worker` (from the node-role label).
    pub role: &'static str,
    /// Effects of the node's taints, e.g. `NoSchedule`.
    pub taints: Vec<String>,
    /// The machine is powered off (`lab node kill`) or gone (`lab node delete`).
    pub powered_off: bool,
    /// What happens next to a node in trouble, and when: `NotReady in 34s`.
    pub countdown: Option<String>,
    pub pods: Pods,
    /// While a load runs, on a node drawn with chips: requests each pod answered per second
    /// (over RATE_SECONDS), by pod name (`pod_views::rates_on`).
    pub rates: Vec<(String, f64)>,
    /// Its pods' CPU as metrics-server last reported it (none while it serves nothing).
    pub cpu: NodeCpu,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    /// Short kubectl-like status: `Ready`, `ContainerCreating`, `Pending`, `Terminating`...
    pub status: String,
    /// The Ready condition is True.
    pub ready: bool,
    pub terminating: bool,
    /// The controlling owner's name (a ReplicaSet for a Deployment's pods).
    pub owner: Option<String>,
    /// The PersistentVolumeClaims it mounts, drawn attached to it.
    pub claims: Vec<ClaimView>,
    /// A failing pod's reason in one short line (`Pending: Insufficient cpu`,
    /// `CrashLoopBackOff: back-off 20s`), drawn on the map.
    pub reason: Option<String>,
    /// The Metrics API is served: a chip keeps a line for the pod's CPU.
    pub cpu_line: bool,
}

/// A PersistentVolumeClaim a pod mounts, as the map shows it on the pod.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimView {
    pub name: String,
    /// `Bound`, `Pending`, `Lost`; `not found` when there is no such claim (the pod waits).
    pub phase: String,
    /// The bound volume's size (`1Gi`), once bound.
    pub capacity: Option<String>,
}

impl ClusterView {
    pub fn from_engine(engine: &Engine) -> ClusterView {
        ClusterView::from_engine_cached(engine, &PodViewCache::default())
    }

    /// `from_engine`, with the pods' views from `cache` when nothing they show changed.
    pub fn from_engine_cached(engine: &Engine, cache: &PodViewCache) -> ClusterView {
        let pods = cache.pods(engine);
        let cpu = cache.cpu.by_node(engine);
        let mut nodes: Vec<NodeView> = engine.store().nodes.values().map(|n| node_view(n, engine)).collect();
        for n in &mut nodes {
            if let Some(on_node) = pods.on(&n.name) {
                n.pods = on_node.clone();
                n.rates = super::pod_views::rates_on(on_node, engine);
            }
            if let Some((_, c)) = cpu.iter().find(|(name, _)| *name == n.name) {
                n.cpu = c.clone();
            }
        }
        ClusterView {
            nodes,
            unscheduled: pods.unscheduled.clone(),
            services: cache.services(engine),
            ingresses: ingress_views(engine),
        }
    }

    pub fn pod_count(&self) -> usize {
        self.nodes.iter().map(|n| n.pods.len()).sum::<usize>() + self.unscheduled.len()
    }

    /// Every owner that has pods, in name order (for the legend), with its pod count.
    pub fn owners(&self) -> Vec<(Option<String>, usize)> {
        let mut counts: kubelab_api::VecMap<Option<String>, usize> = Default::default();
        for p in self.nodes.iter().flat_map(|n| n.pods.iter()).chain(self.unscheduled.iter()) {
            *counts.get_or_insert_with(p.owner.clone(), || 0) += 1;
        }
        counts.into_iter().collect()
    }
}

fn node_view(n: &Node, engine: &Engine) -> NodeView {
    let control_plane = n.metadata.labels.contains_key("node-role.kubernetes.io/control-plane");
    let (powered_off, countdown) = node_countdown(n, engine);
    NodeView {
        name: n.metadata.name.clone(),
        ready: is_node_ready(n),
        unschedulable: n.spec.unschedulable,
        role: if control_plane { "control-plane" } else { "worker" },
        taints: n.spec.taints.iter().map(|t| t.effect.clone()).collect(),
        powered_off,
        countdown,
        pods: Pods::default(),
        rates: Vec::new(),
        cpu: NodeCpu::default(),
    }
}

/// Whether the node's machine is off, and what the control plane will do about it next:
/// mark it NotReady once its lease is older than the grace period, then evict its pods when
/// their toleration of the unreachable taint (300 s by default) runs out.
fn node_countdown(n: &Node, engine: &Engine) -> (bool, Option<String>) {
    let now = engine.now().0;
    let name = &n.metadata.name;
    let Some(m) = engine.machine(name) else { return (true, None) };
    if m.alive {
        let back = m.rejoin_at.filter(|t| t.0 > now && !is_node_ready(n));
        return (false, back.map(|t| format!("Ready again in {}", format_countdown(t.0 - now))));
    }
    let timings = &engine.config().timings;
    if is_node_ready(n) {
        let at = unknown_at(m.last_renew, timings.node_monitor_grace_ms, timings.node_monitor_period_ms).0;
        return (true, Some(format!("NotReady in {}", format_countdown(at.saturating_sub(now)))));
    }
    let store = engine.store();
    let live_pods = store.pods.values().any(|p| &p.spec.node_name == name && p.metadata.deletion_timestamp.is_none());
    let tainted =
        n.spec.taints.iter().find(|t| t.key == UNREACHABLE && t.effect == "NoExecute").and_then(|t| t.time_added);
    match tainted {
        Some(added) if live_pods => {
            let at = added.0 + timings.default_toleration_seconds.max(0) as u64 * 1000;
            if at > now {
                (true, Some(format!("evicts pods in {}", format_countdown(at - now))))
            } else {
                (true, Some("evicting pods".into()))
            }
        }
        _ => (true, None),
    }
}

/// Whole seconds left, rounded up: `34s`, `4m12s`.
pub fn format_countdown(ms: u64) -> String {
    let s = ms.div_ceil(1000);
    if s < 60 {
        format!("{s}s")
    } else {
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

pub(super) fn pod_view(p: &Pod, store: &kubelab_engine::Store) -> PodView {
    let claims = p
        .spec
        .volumes
        .iter()
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|c| {
            let pvc = store.pvcs.get(&(p.metadata.namespace.clone(), c.claim_name.clone()));
            ClaimView {
                name: c.claim_name.clone(),
                phase: pvc.map_or("not found".to_string(), |v| {
                    if v.status.phase.is_empty() {
                        "Pending".to_string()
                    } else {
                        v.status.phase.clone()
                    }
                }),
                capacity: pvc.and_then(|v| v.status.capacity.get("storage")).map(|q| q.0.clone()),
            }
        })
        .collect();
    PodView {
        namespace: p.metadata.namespace.clone(),
        name: p.metadata.name.clone(),
        status: pod_status(p),
        ready: is_pod_ready(p),
        terminating: p.metadata.deletion_timestamp.is_some(),
        owner: p.metadata.controller_ref().map(|r| r.name.clone()),
        claims,
        reason: None,
        cpu_line: false,
    }
}

/// Characters of a reason drawn on the map (the whole one is in the tooltip).
pub const REASON_CHARS: usize = 40;

/// A failing pod's reason in one short line, from its status: the scheduler's commonest
/// filter for a pod no node fits, a waiting or terminated container's reason and the gist of
/// its message, an eviction's reason. None for a pod that is fine, on its way, or
/// terminating. (The engine's diagnosis, a whole sentence, is too long for a pod's card:
/// `pod_views` asks it only for a running pod that is not Ready, which has no such status.)
pub fn pod_reason(p: &Pod) -> Option<String> {
    if p.metadata.deletion_timestamp.is_some() {
        return None;
    }
    let unschedulable = p
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False" && c.reason == "Unschedulable");
    if let Some(c) = unschedulable.filter(|_| p.spec.node_name.is_empty()) {
        return Some(shorten(&format!("Pending: {}", commonest_filter(&c.message)), REASON_CHARS));
    }
    if !p.status.reason.is_empty() {
        return Some(shorten(&with_gist(&p.status.reason, &p.status.message), REASON_CHARS));
    }
    for cs in p.status.init_container_statuses.iter().chain(&p.status.container_statuses) {
        if let Some(w) = &cs.state.waiting {
            let failing = w.reason.contains("BackOff") || w.reason.starts_with("Err") || w.reason.ends_with("Error");
            if failing || w.reason == "InvalidImageName" {
                return Some(shorten(&with_gist(&w.reason, &w.message), REASON_CHARS));
            }
        }
        if let Some(t) = cs.state.terminated.as_ref().filter(|t| t.exit_code != 0 && p.status.phase == "Failed") {
            return Some(shorten(&format!("{}: exit code {}", t.reason, t.exit_code), REASON_CHARS));
        }
    }
    None
}

/// `0/4 nodes are available: 1 node(s) had untolerated taint {...}, 3 Insufficient cpu.
/// preemption: ...` → `Insufficient cpu`: the reason most nodes gave.
fn commonest_filter(message: &str) -> String {
    let Some(list) = message.split_once("are available: ").map(|(_, l)| l) else { return message.to_string() };
    let list = list.split(". preemption").next().unwrap_or(list).trim_end_matches('.');
    list.split(", ")
        .filter_map(|part| {
            let (n, why) = part.split_once(' ')?;
            Some((n.parse::<u32>().ok()?, why))
        })
        .fold(None::<(u32, &str)>, |best, (n, why)| match best {
            Some((b, _)) if b >= n => best,
            _ => Some((n, why)),
        })
        .map_or_else(|| list.to_string(), |(_, why)| why.to_string())
}

/// `CrashLoopBackOff` and `back-off 20s restarting failed container=...` → `CrashLoopBackOff:
/// back-off 20s`; `ImagePullBackOff` and `Back-off pulling image "nginx:nope"` →
/// `ImagePullBackOff: nginx:nope`.
fn with_gist(reason: &str, message: &str) -> String {
    let gist = if let Some(image) = message.split('"').nth(1).filter(|_| message.contains("image")) {
        image
    } else if let Some(head) = message.split(" restarting").next().filter(|_| message.starts_with("back-off")) {
        head
    } else {
        message.split(['.', ':']).next().unwrap_or("").trim()
    };
    if gist.is_empty() {
        reason.to_string()
    } else {
        format!("{reason}: {gist}")
    }
}

/// At most `max` characters, an ellipsis ending a longer text.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

pub(super) fn service_views(engine: &Engine) -> Vec<ServiceView> {
    let store = engine.store();
    let pods_of = |addrs: &[kubelab_api::EndpointAddress]| -> Vec<(String, String)> {
        addrs
            .iter()
            .filter_map(|a| a.target_ref.as_ref())
            .filter(|r| r.kind == "Pod")
            .map(|r| (r.namespace.clone(), r.name.clone()))
            .collect()
    };
    store
        .services
        .values()
        .filter(|s| !(s.metadata.namespace == "default" && s.metadata.name == "kubernetes"))
        .map(|s| {
            let key = (s.metadata.namespace.clone(), s.metadata.name.clone());
            let (mut endpoints, mut not_ready) = (Vec::new(), Vec::new());
            if let Some(ep) = store.endpoints.get(&key) {
                for sub in &ep.subsets {
                    endpoints.extend(pods_of(&sub.addresses));
                    not_ready.extend(pods_of(&sub.not_ready_addresses));
                }
            }
            kubelab_api::sort::natural(&mut endpoints);
            endpoints.dedup();
            kubelab_api::sort::natural(&mut not_ready);
            not_ready.dedup();
            let port = s.spec.ports.first();
            let mut address = match port {
                Some(p) if !s.spec.cluster_ip.is_empty() && s.spec.cluster_ip != "None" => {
                    format!("{}:{}", s.spec.cluster_ip, p.port)
                }
                _ if s.spec.cluster_ip == "None" => "headless".to_string(),
                _ => s.spec.cluster_ip.clone(),
            };
            if let Some(np) = port.and_then(|p| p.node_port) {
                address.push_str(&format!(", node port {np}"));
            }
            ServiceView {
                namespace: key.0,
                name: key.1,
                kind: s.spec.type_.clone(),
                address,
                endpoints: endpoints.into(),
                not_ready: not_ready.into(),
            }
        })
        .collect()
}

/// A request travelling on the map: from the load generator to the Service and on to the pod
/// that answers it, and from there along that pod's own requests (`hops`), each leg an equal
/// share of `progress` (0 to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct DotView {
    /// Stable while the request lives: (send time, connection).
    pub key: String,
    /// The pod it reaches; None when it never reaches one (no endpoints): it stops at the Service.
    pub pod: Option<(String, String)>,
    pub progress: f64,
    /// Answered well (false: refused, timed out, reset).
    pub ok: bool,
    /// The pod's own requests on the way to its answer: Service, then the pod it reached.
    pub hops: Vec<kubelab_engine::traffic::Hop>,
    /// Where the network plugin dropped it, and the policies that isolate that pod.
    pub dropped: Option<kubelab_engine::network_policy::Dropped>,
}

/// The load generator's traffic as the map draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowView {
    /// The URL it requests.
    pub url: String,
    /// The Service it goes through, if it targets one.
    pub service: Option<(String, String)>,
    pub dots: Vec<DotView>,
}

/// At most this many requests are drawn at once (the newest).
pub const MAX_DOTS: usize = 24;

impl FlowView {
    /// Requests in flight, and those done within their drawing time: a request takes at least
    /// `min_visible_ms` of simulated time to cross the map, so a 2 ms answer is still seen.
    pub fn from_engine(engine: &Engine, min_visible_ms: u64) -> Option<FlowView> {
        use kubelab_engine::traffic::{Dest, Outcome};
        let load = engine.load()?;
        let now = engine.now().0;
        let service = match &load.dest {
            Dest::Service { ns, name, .. } => Some((ns.clone(), name.clone())),
            _ => None,
        };
        let mut dots = Vec::new();
        let mut add = |key: String,
                       sent: u64,
                       done: u64,
                       pod: Option<(String, String)>,
                       ok: bool,
                       hops: &[kubelab_engine::traffic::Hop],
                       dropped: &Option<kubelab_engine::network_policy::Dropped>| {
            // Each further hop is drawn for as long again.
            let visible = min_visible_ms * (1 + hops.len() as u64);
            let end = sent + (done.saturating_sub(sent)).max(visible).max(1);
            if now < sent || now >= end {
                return;
            }
            // A dropped request travels as fast as an answered one (in at most half of its
            // time on the map) and then waits where it was dropped until its client gives up.
            let travel_end = if dropped.is_some() { sent + visible.min((end - sent) / 2).max(1) } else { end };
            let mut progress = ((now - sent) as f64 / (travel_end - sent) as f64).min(1.0);
            if pod.is_none() {
                progress = progress.min(0.5);
            }
            dots.push((sent, DotView { key, pod, progress, ok, hops: hops.to_vec(), dropped: dropped.clone() }));
        };
        for a in &load.stats.recent {
            add(format!("{}-{}", a.sent.0, a.worker), a.sent.0, a.done_at.0, a.pod.clone(), a.ok, &a.hops, &a.dropped);
        }
        for (i, w) in load.workers.iter().enumerate() {
            if let Some((sent, s)) = &w.in_flight {
                add(
                    format!("{}-{i}", sent.0),
                    sent.0,
                    s.done_at.0,
                    s.pod.clone(),
                    matches!(s.outcome, Outcome::Ok { .. }),
                    &s.hops,
                    &s.dropped,
                );
            }
        }
        kubelab_api::sort::by_key(&mut dots, |(sent, _)| *sent);
        let skip = dots.len().saturating_sub(MAX_DOTS);
        Some(FlowView { url: load.url.clone(), service, dots: dots.into_iter().skip(skip).map(|(_, d)| d).collect() })
    }
}

/// A pod's status in one word, as `kubectl get pods` would show it, except that a running pod
/// whose Ready condition is True says `Ready`.
pub fn pod_status(p: &Pod) -> String {
    if p.metadata.deletion_timestamp.is_some() {
        return "Terminating".into();
    }
    if !p.status.reason.is_empty() {
        return p.status.reason.clone(); // Evicted, NodeLost...
    }
    // While init containers run, kubectl's own words: Init:0/1, Init:CrashLoopBackOff...
    if !p.spec.init_containers.is_empty() && !kubelab_engine::controllers::is_pod_initialized(p) {
        let (_, status, _) = kubelab_kubectl::printers::pod_columns(p, kubelab_api::Time::default());
        return status;
    }
    for cs in &p.status.container_statuses {
        if let Some(w) = cs.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
            return w.reason.to_string();
        }
        if let Some(t) = &cs.state.terminated {
            if p.status.phase == "Running" || t.reason.is_empty() {
                continue;
            }
            return t.reason.clone();
        }
    }
    match &*p.status.phase {
        "Running" if is_pod_ready(p) => "Ready".into(),
        "Running" => "NotReady".into(),
        "" => "Pending".into(),
        phase => phase.into(),
    }
}

/// `kubectl get nodes`' STATUS column.
pub fn node_status(n: &NodeView) -> String {
    let mut s = if n.ready { "Ready".to_string() } else { "NotReady".to_string() };
    if n.unschedulable {
        s.push_str(",SchedulingDisabled");
    }
    s
}

// Simulated time in words is the lab's (the console says it too).
pub use kubelab_lab::clock::format_sim_time;

/// Okabe–Ito: distinguishable with every common colour-vision deficiency. Owners get one by
/// a hash of their name, so a colour never moves when another owner appears.
pub const OWNER_PALETTE: [&str; 7] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];
/// Pods without a controlling owner.
pub const NO_OWNER: &str = "#8C8C8C";

pub fn owner_colour(owner: Option<&str>) -> &'static str {
    let Some(owner) = owner else { return NO_OWNER };
    // FNV-1a: stable across builds and targets.
    let mut h: u32 = 0x811c_9dc5;
    for b in owner.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    OWNER_PALETTE[(h % OWNER_PALETTE.len() as u32) as usize]
}
