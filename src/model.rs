//! What the page draws, as plain data: built from the engine's store once per render, compared
//! by value so Yew skips views whose model did not change. Nothing here touches the DOM, so
//! it is tested natively.

use kubelab_api::{Node, Pod};
use kubelab_engine::controllers::is_pod_ready;
use kubelab_engine::controllers::node_lifecycle::{is_node_ready, unknown_at, UNREACHABLE};
use kubelab_engine::Engine;
use kubelab_kubectl::describe;

/// The whole cluster as the map draws it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterView {
    /// Nodes in name order, each with the pods bound to it.
    pub nodes: Vec<NodeView>,
    /// Pods no node has been chosen for yet (the scheduler's queue).
    pub unscheduled: Vec<PodView>,
    /// Services (all but `default/kubernetes`), in namespace and name order.
    pub services: Vec<ServiceView>,
}

/// A Service as the map draws it: a box with a line to each endpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceView {
    pub namespace: String,
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer`.
    pub kind: String,
    /// What a client dials: `10.96.0.10:80`, and `:30080` on every node for a NodePort.
    pub address: String,
    /// The ready endpoints' pods (namespace, name), which traffic reaches.
    pub endpoints: Vec<(String, String)>,
    /// Pods the selector matches that are not ready (listed under notReadyAddresses).
    pub not_ready: Vec<(String, String)>,
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
    pub pods: Vec<PodView>,
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
    /// While a load runs: requests this pod answered per second (over RATE_SECONDS).
    pub rps: Option<f64>,
    /// The PersistentVolumeClaims it mounts, drawn attached to it.
    pub claims: Vec<ClaimView>,
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
        let store = engine.store();
        let mut nodes: Vec<NodeView> = store.nodes.values().map(|n| node_view(n, engine)).collect();
        let mut unscheduled = Vec::new();
        let load = engine.load();
        for p in store.pods.values() {
            let mut view = pod_view(p, store);
            view.rps = load.map(|l| l.stats.pod_rate(&p.metadata.name, engine.now(), RATE_SECONDS));
            match nodes.iter_mut().find(|n| n.name == p.spec.node_name) {
                Some(n) => n.pods.push(view),
                // Bound to a node that no longer exists: still not running anywhere.
                None => unscheduled.push(view),
            }
        }
        ClusterView { nodes, unscheduled, services: service_views(engine) }
    }

    pub fn pod_count(&self) -> usize {
        self.nodes.iter().map(|n| n.pods.len()).sum::<usize>() + self.unscheduled.len()
    }

    /// Every owner that has pods, in name order (for the legend), with its pod count.
    pub fn owners(&self) -> Vec<(Option<String>, usize)> {
        let mut counts: std::collections::BTreeMap<Option<String>, usize> = Default::default();
        for p in self.nodes.iter().flat_map(|n| n.pods.iter()).chain(self.unscheduled.iter()) {
            *counts.entry(p.owner.clone()).or_default() += 1;
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
        pods: Vec::new(),
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

fn pod_view(p: &Pod, store: &kubelab_engine::Store) -> PodView {
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
        rps: None,
        claims,
    }
}

fn service_views(engine: &Engine) -> Vec<ServiceView> {
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
            ServiceView { namespace: key.0, name: key.1, kind: s.spec.type_.clone(), address, endpoints, not_ready }
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
                       hops: &[kubelab_engine::traffic::Hop]| {
            // Each further hop is drawn for as long again.
            let visible = min_visible_ms * (1 + hops.len() as u64);
            let end = sent + (done.saturating_sub(sent)).max(visible).max(1);
            if now < sent || now >= end {
                return;
            }
            let mut progress = (now - sent) as f64 / (end - sent) as f64;
            if pod.is_none() {
                progress = progress.min(0.5);
            }
            dots.push((sent, DotView { key, pod, progress, ok, hops: hops.to_vec() }));
        };
        for a in &load.stats.recent {
            add(format!("{}-{}", a.sent.0, a.worker), a.sent.0, a.done_at.0, a.pod.clone(), a.ok, &a.hops);
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

/// Simulated time since boot as `1m05s` (`1h02m05s` past the hour).
pub fn format_sim_time(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h{m:02}m{s:02}s")
    } else {
        format!("{m}m{s:02}s")
    }
}

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

// ------------------------------------------------------------------ workloads

/// A Deployment as the workloads strip shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentView {
    pub namespace: String,
    pub name: String,
    /// spec.replicas: what the learner asked for.
    pub replicas: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
}

pub fn deployments(engine: &Engine) -> Vec<DeploymentView> {
    engine
        .store()
        .deployments
        .values()
        .map(|d| DeploymentView {
            namespace: d.metadata.namespace.clone(),
            name: d.metadata.name.clone(),
            replicas: d.spec.replicas.unwrap_or(1),
            ready: d.status.ready_replicas,
            updated: d.status.updated_replicas,
            available: d.status.available_replicas,
        })
        .collect()
}

/// `kubectl scale` for one step up or down.
pub fn scale_command(d: &DeploymentView, replicas: i32) -> String {
    format!("kubectl scale deployment/{}{} --replicas={}", d.name, ns_flag(&d.namespace), replicas.max(0))
}

fn ns_flag(ns: &str) -> String {
    if ns == "default" || ns.is_empty() {
        String::new()
    } else {
        format!(" -n {ns}")
    }
}

/// Services in the default namespace a load generator can target (all but `kubernetes`).
pub fn load_targets(engine: &Engine) -> Vec<String> {
    engine
        .store()
        .services
        .values()
        .filter(|s| s.metadata.namespace == "default" && s.metadata.name != "kubernetes")
        .map(|s| s.metadata.name.clone())
        .chain(engine.lan().vms.values().flat_map(|v| {
            // The VM era: a machine's published ports.
            let mut ports: Vec<u16> =
                v.containers.iter().filter(|c| c.running()).flat_map(|c| c.ports.iter().map(|(h, _)| *h)).collect();
            ports.sort_unstable();
            ports.dedup();
            ports.into_iter().map(move |p| format!("{}:{p}", v.ip))
        }))
        .collect()
}

// ------------------------------------------------------------------ traffic

/// Seconds the traffic chart covers.
pub const CHART_SECONDS: u64 = 60;
/// Seconds the req/s figures average over.
pub const RATE_SECONDS: u64 = 5;

/// The running load generator, as the traffic panel draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficView {
    pub url: String,
    pub connections: usize,
    pub rps: Option<u32>,
    /// The last CHART_SECONDS whole simulated seconds, oldest first: (ok, errors) completed
    /// in each. Seconds before the load started are None.
    pub seconds: Vec<Option<(u64, u64)>>,
    /// Whole seconds the rates below average over (0 in the load's first second).
    pub rate_window: u64,
    pub ok_per_s: f64,
    pub errors_per_s: f64,
    pub total_ok: u64,
    pub total_errors: u64,
    /// Errors by kind (`timeout`, `refused`...).
    pub error_kinds: Vec<(String, u64)>,
    /// Successful requests by the answering pod's image tag.
    pub versions: Vec<(String, u64)>,
    /// Each image tag that answered within the chart: its requests answered well in each of
    /// the chart's seconds (aligned with `seconds`), and its rate over `rate_window`.
    pub version_seconds: Vec<VersionSeries>,
    /// Latency of the requests answered well in each of the chart's seconds (aligned with
    /// `seconds`): (median, 95th percentile) in ms; None for a second with none.
    pub latency: Vec<Option<(u32, u32)>>,
}

/// One image tag's line on the traffic chart.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionSeries {
    pub tag: String,
    pub seconds: Vec<Option<u64>>,
    pub per_s: f64,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of some samples (sorted in place).
pub fn percentile(samples: &mut [u32], p: u32) -> Option<u32> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let rank = (samples.len() * p as usize).div_ceil(100).max(1);
    Some(samples[rank - 1])
}

impl TrafficView {
    pub fn from_engine(engine: &Engine) -> Option<TrafficView> {
        let load = engine.load()?;
        let s = &load.stats;
        let now_s = engine.now().0 / 1000;
        // The current second is still filling up: the chart ends at the last whole one.
        let start_s = s.started.0.div_ceil(1000);
        // The chart's seconds, oldest first; None before the load started.
        let chart: Vec<Option<u64>> =
            (0..CHART_SECONDS).map(|i| (now_s + i).checked_sub(CHART_SECONDS).filter(|sec| *sec >= start_s)).collect();
        let seconds =
            chart.iter().map(|sec| sec.map(|sec| s.per_second.get(&sec).copied().unwrap_or((0, 0)))).collect();
        // A load started mid-second has no whole second yet: `from` may not pass `now_s`.
        let from = now_s.saturating_sub(RATE_SECONDS).max(start_s).min(now_s);
        let rate_window = now_s.saturating_sub(from);
        let (ok, err) = s.per_second.range(from..now_s).fold((0, 0), |a, (_, (o, e))| (a.0 + o, a.1 + e));
        let per = |n: u64| if rate_window == 0 { 0.0 } else { n as f64 / rate_window as f64 };
        let first = chart.iter().flatten().next().copied().unwrap_or(now_s);
        let mut tags: Vec<&String> = s.per_version_second.range(first..now_s).flat_map(|(_, m)| m.keys()).collect();
        kubelab_api::sort::natural(&mut tags);
        tags.dedup();
        let version_seconds = tags
            .into_iter()
            .map(|tag| {
                let count = |sec: u64| s.per_version_second.get(&sec).and_then(|m| m.get(tag)).copied().unwrap_or(0);
                VersionSeries {
                    tag: tag.clone(),
                    seconds: chart.iter().map(|sec| sec.map(count)).collect(),
                    per_s: per((from..now_s).map(count).sum()),
                }
            })
            .collect();
        let latency = chart
            .iter()
            .map(|sec| {
                let mut samples = s.latency_second.get(&(*sec)?)?.clone();
                Some((percentile(&mut samples, 50)?, percentile(&mut samples, 95)?))
            })
            .collect();
        Some(TrafficView {
            url: load.url.clone(),
            connections: load.workers.len(),
            rps: load.rps,
            seconds,
            rate_window,
            ok_per_s: per(ok),
            errors_per_s: per(err),
            total_ok: s.ok,
            total_errors: s.count - s.ok,
            error_kinds: s.errors.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            versions: s.per_version.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            version_seconds,
            latency,
        })
    }
}

// ------------------------------------------------------------------ events

/// A cluster event as the feed shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventView {
    /// Stable while the event lives (its name).
    pub key: String,
    pub warning: bool,
    pub reason: String,
    /// `pod/web-7d4b9c8f5-abcde`, as `kubectl get events` writes the object.
    pub object: String,
    pub message: String,
    /// `5s ago`, `(x3 over 40s)` folded in as kubectl describe does.
    pub when: String,
    /// What clicking it inspects, when the lab's inspector shows that kind.
    pub select: Option<Selection>,
}

/// Events shown in the feed.
pub const FEED_EVENTS: usize = 40;

/// A resourceVersion's order as the number it is (the store writes them in decimal, without
/// leading zeros): its length, then its digits. Not parsed: the feed looks at every event.
fn version_order(v: &str) -> (usize, &str) {
    (v.len(), v)
}

/// The newest events first (by last time seen), at most FEED_EVENTS.
pub fn events_feed(engine: &Engine) -> Vec<EventView> {
    let now = engine.now();
    // Thousands of events with 1,000 pods: the newest are picked out, not all sorted.
    let mut events: Vec<_> = engine
        .store()
        .events
        .values()
        .map(|e| {
            (
                std::cmp::Reverse((
                    e.last_timestamp.or(e.first_timestamp),
                    version_order(&e.metadata.resource_version),
                )),
                e,
            )
        })
        .collect();
    if events.len() > FEED_EVENTS {
        events.select_nth_unstable_by(FEED_EVENTS - 1, |a, b| a.0.cmp(&b.0));
        events.truncate(FEED_EVENTS);
    }
    kubelab_api::sort::by(&mut events, |a, b| a.0.cmp(&b.0));
    events
        .into_iter()
        .map(|(_, e)| e)
        .map(|e| {
            let o = &e.involved_object;
            let ns = o.namespace.clone();
            let select = match &*o.kind {
                "Pod" => Some(Selection::Pod { namespace: ns, name: o.name.clone() }),
                "Node" => Some(Selection::Node(o.name.clone())),
                "Deployment" => Some(Selection::Deployment { namespace: ns, name: o.name.clone() }),
                "Service" => Some(Selection::Service { namespace: ns, name: o.name.clone() }),
                _ => None,
            };
            let last = e.last_timestamp.or(e.first_timestamp);
            let mut when = format!("{} ago", kubelab_kubectl::printers::age(last, now));
            if e.count > 1 {
                when.push_str(&format!(
                    " (x{} over {})",
                    e.count,
                    kubelab_kubectl::printers::age(e.first_timestamp, now)
                ));
            }
            EventView {
                key: e.metadata.name.clone(),
                warning: e.type_ == "Warning",
                reason: e.reason.to_string(),
                object: format!("{}/{}", o.kind.to_ascii_lowercase(), o.name),
                message: e.message.clone(),
                when,
                select,
            }
        })
        .collect()
}

// ------------------------------------------------------------------ the inspector

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    Node(String),
    Pod { namespace: String, name: String },
    Deployment { namespace: String, name: String },
    Service { namespace: String, name: String },
}

impl Selection {
    pub fn kind(&self) -> &'static str {
        match self {
            Selection::Node(_) => "node",
            Selection::Pod { .. } => "pod",
            Selection::Deployment { .. } => "deployment",
            Selection::Service { .. } => "service",
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Selection::Node(n) => n,
            Selection::Pod { name, .. } | Selection::Deployment { name, .. } | Selection::Service { name, .. } => name,
        }
    }
    /// The kubectl command whose output the inspector shows.
    pub fn describe_command(&self) -> String {
        match self {
            Selection::Node(n) => format!("kubectl describe node {n}"),
            Selection::Pod { namespace, name } => format!("kubectl describe pod {name}{}", ns_flag(namespace)),
            Selection::Deployment { namespace, name } => {
                format!("kubectl describe deployment {name}{}", ns_flag(namespace))
            }
            Selection::Service { namespace, name } => format!("kubectl describe service {name}{}", ns_flag(namespace)),
        }
    }
}

/// A button in the inspector: a console command with a label.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionView {
    pub label: String,
    pub command: String,
    /// `node-power-off`, `pod-delete`, `scale-up`...
    pub testid: String,
    /// Destroys something for good (drawn apart, and says so).
    pub danger: bool,
}

fn action(label: &str, command: String, testid: &str, danger: bool) -> ActionView {
    ActionView { label: label.into(), command, testid: testid.into(), danger }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InspectorView {
    pub selection: Selection,
    /// False once the object is gone (deleted, evicted); the describe text is then None.
    pub exists: bool,
    pub actions: Vec<ActionView>,
    /// `kubectl describe` output.
    pub describe: Option<String>,
    /// For pods: each container's log (`kubectl logs POD -c C`), its last lines.
    pub logs: Vec<(String, Vec<String>)>,
    /// For pods of a Deployment: the Deployment, to scale it from here.
    pub deployment: Option<DeploymentView>,
    /// For pods: the scheduler's view of each node (the "why" of a placement):
    /// (node, fits, "score 187" or "TaintToleration: node(s) had untolerated taint ...").
    pub placement: Vec<(String, bool, String)>,
    /// Where the pod is bound, if it is.
    pub bound_to: Option<String>,
}

/// Log lines the inspector shows per container.
pub const LOG_LINES: usize = 40;

impl InspectorView {
    pub fn of(engine: &Engine, sel: &Selection) -> InspectorView {
        let store = engine.store();
        let now = engine.now();
        let mut v = InspectorView {
            selection: sel.clone(),
            exists: false,
            actions: Vec::new(),
            describe: None,
            logs: Vec::new(),
            deployment: None,
            placement: Vec::new(),
            bound_to: None,
        };
        match sel {
            Selection::Node(name) => {
                let Some(n) = store.nodes.get(&(String::new(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::node(store, n, now));
                let alive = engine.machine(name).is_some_and(|m| m.alive);
                v.actions.push(if alive {
                    action("Power off", format!("lab node kill {name}"), "node-power-off", false)
                } else {
                    action("Power on", format!("lab node restore {name}"), "node-power-on", false)
                });
                v.actions.push(if n.spec.unschedulable {
                    action("Uncordon", format!("kubectl uncordon {name}"), "node-uncordon", false)
                } else {
                    action("Cordon", format!("kubectl cordon {name}"), "node-cordon", false)
                });
                v.actions.push(action(
                    "Drain",
                    format!("kubectl drain {name} --ignore-daemonsets --delete-emptydir-data"),
                    "node-drain",
                    false,
                ));
                v.actions.push(action("Delete machine", format!("lab node delete {name}"), "node-delete", true));
            }
            Selection::Pod { namespace, name } => {
                let Some(p) = store.pods.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::pod(store, p, now));
                v.bound_to = (!p.spec.node_name.is_empty()).then(|| p.spec.node_name.clone());
                v.placement = kubelab_engine::scheduler::placement(store, p)
                    .into_iter()
                    .map(|(node, r)| match r {
                        Ok(score) => (node, true, format!("fits · score {score}")),
                        Err(why) => (node, false, why),
                    })
                    .collect();
                let ns = ns_flag(namespace);
                v.actions.push(action(
                    "Delete pod",
                    format!("kubectl delete pod {name}{ns} --wait=false"),
                    "pod-delete",
                    false,
                ));
                let many = p.spec.containers.len() > 1;
                for c in &p.spec.containers {
                    let (label, cmd) = if many {
                        (format!("Kill container {}", c.name), format!("lab pod kill {name}{ns} -c {}", c.name))
                    } else {
                        ("Kill container".to_string(), format!("lab pod kill {name}{ns}"))
                    };
                    v.actions.push(ActionView {
                        label,
                        command: cmd,
                        testid: format!("pod-kill-{}", c.name),
                        danger: false,
                    });
                }
                for c in &p.spec.containers {
                    let lines = engine.container_logs(namespace, name, &c.name, false).unwrap_or_default();
                    let skip = lines.len().saturating_sub(LOG_LINES);
                    v.logs.push((c.name.clone(), lines.into_iter().skip(skip).map(|(_, l)| l).collect()));
                }
                v.deployment = owning_deployment(engine, p);
            }
            Selection::Deployment { namespace, name } => {
                let Some(d) = store.deployments.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::deployment(store, d, now));
                v.deployment = deployments(engine).into_iter().find(|d| &d.namespace == namespace && &d.name == name);
                let ns = ns_flag(namespace);
                v.actions.push(action(
                    "Restart",
                    format!("kubectl rollout restart deployment/{name}{ns}"),
                    "deploy-restart",
                    false,
                ));
                v.actions.push(action(
                    "Delete deployment",
                    format!("kubectl delete deployment {name}{ns} --wait=false"),
                    "deploy-delete",
                    true,
                ));
            }
            Selection::Service { namespace, name } => {
                let Some(svc) = store.services.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::service(store, svc, now));
                let ns = ns_flag(namespace);
                if namespace == "default" {
                    v.actions.push(action("Start load", format!("lab load start {name}"), "svc-load", false));
                }
                v.actions.push(action(
                    "Delete service",
                    format!("kubectl delete service {name}{ns}"),
                    "svc-delete",
                    true,
                ));
            }
        }
        v
    }
}

/// The Deployment that owns a pod through its ReplicaSet.
fn owning_deployment(engine: &Engine, p: &Pod) -> Option<DeploymentView> {
    let store = engine.store();
    let rs_name = &p.metadata.controller_ref().filter(|r| r.kind == "ReplicaSet")?.name;
    let rs = store.replicasets.get(&(p.metadata.namespace.clone(), rs_name.clone()))?;
    let d_name = &rs.metadata.controller_ref().filter(|r| r.kind == "Deployment")?.name;
    deployments(engine).into_iter().find(|d| d.namespace == p.metadata.namespace && &d.name == d_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SAMPLE_MANIFEST;
    use kubelab_kubectl::apply_manifest;

    fn cluster_after(manifest: &str, ms: u64) -> ClusterView {
        let mut e = Engine::new(7);
        let rep = apply_manifest(&mut e, manifest, "manifest.yaml", "default");
        assert!(rep.output.ok, "{}", rep.output.text());
        e.advance(ms, &mut |_| {});
        ClusterView::from_engine(&e)
    }

    #[test]
    fn boot_shows_control_plane_and_three_ready_workers() {
        let v = ClusterView::from_engine(&Engine::new(1));
        let names: Vec<&str> = v.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["control-plane", "node-1", "node-2", "node-3"]);
        assert!(v.nodes.iter().all(|n| n.ready));
        assert_eq!(v.nodes[0].role, "control-plane");
        assert_eq!(v.nodes[0].taints, ["NoSchedule"]);
        assert_eq!(node_status(&v.nodes[1]), "Ready");
    }

    #[test]
    fn sample_deployment_becomes_three_ready_pods_on_workers() {
        let v = cluster_after(SAMPLE_MANIFEST, 30_000);
        assert_eq!(v.pod_count(), 3);
        assert!(v.unscheduled.is_empty());
        assert!(v.nodes[0].pods.is_empty(), "control-plane is tainted NoSchedule");
        for p in v.nodes.iter().flat_map(|n| &n.pods) {
            assert_eq!((p.status.as_str(), p.ready), ("Ready", true), "{p:?}");
            assert!(p.owner.as_deref().is_some_and(|o| o.starts_with("web-")));
        }
    }

    #[test]
    fn fresh_pods_say_container_creating() {
        let v = cluster_after(SAMPLE_MANIFEST, 500);
        let statuses: Vec<&str> = v.nodes.iter().flat_map(|n| &n.pods).map(|p| p.status.as_str()).collect();
        assert_eq!(statuses, ["ContainerCreating"; 3]);
    }

    #[test]
    fn missing_image_backs_off() {
        let v = cluster_after(&SAMPLE_MANIFEST.replace("nginx:1.25", "nginx:no-such-tag"), 60_000);
        let p = v.nodes.iter().flat_map(|n| &n.pods).next().expect("a pod");
        assert!(p.status == "ImagePullBackOff" || p.status == "ErrImagePull", "{p:?}");
        assert!(!p.ready);
    }

    #[test]
    fn node_whose_kubelet_stops_turns_not_ready() {
        let mut e = Engine::new(7);
        e.kill_node("node-2").expect("node-2 exists");
        e.advance(60_000, &mut |_| {});
        let v = ClusterView::from_engine(&e);
        let n = v.nodes.iter().find(|n| n.name == "node-2").expect("node-2");
        assert_eq!(node_status(n), "NotReady");
    }

    #[test]
    fn sim_time_reads_like_kubectl_ages() {
        assert_eq!(format_sim_time(0), "0m00s");
        assert_eq!(format_sim_time(65_400), "1m05s");
        assert_eq!(format_sim_time(3_725_000), "1h02m05s");
    }

    #[test]
    fn owner_colours_are_stable_and_from_the_palette() {
        assert_eq!(owner_colour(Some("web-abc")), owner_colour(Some("web-abc")));
        assert!(OWNER_PALETTE.contains(&owner_colour(Some("web-abc"))));
        assert_eq!(owner_colour(None), NO_OWNER);
    }

    fn run(e: &mut Engine, line: &str) {
        run_with(e, ("manifest.yaml", SAMPLE_MANIFEST), line);
    }

    /// Runs a console line that may read one file, (name, text), and requires it to succeed.
    fn run_with(e: &mut Engine, file: (&str, &str), line: &str) {
        let files = [(file.0.to_string(), file.1.to_string())];
        let out = kubelab_kubectl::execute(
            e,
            line,
            &mut kubelab_kubectl::Ctx { files: &crate::session::TextFiles(&files), stdin: None, observe: &mut |_| {} },
        );
        assert!(out.ok, "{line}: {}", out.text());
    }

    #[test]
    fn a_pod_waiting_for_its_claim_says_so_on_the_map() {
        let mut e = Engine::new(7);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: db}\nspec:\n  containers: [{name: db, image: redis:7.2}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: db-data}}]\n";
        run_with(&mut e, ("pod.yaml", pod), "kubectl apply -f pod.yaml");
        e.advance(5_000, &mut |_| {});
        // The scheduler waits for the claim (persistentvolumeclaim "db-data" not found).
        let v = ClusterView::from_engine(&e);
        let p = v.unscheduled.iter().find(|p| p.name == "db").expect("db waits unscheduled");
        assert_eq!(p.claims, [ClaimView { name: "db-data".into(), phase: "not found".into(), capacity: None }]);
    }

    #[test]
    fn a_request_to_a_three_tier_app_travels_on_through_each_tier() {
        let mut e = Engine::new(7);
        let app = include_str!("../tests/scenarios/three-tier/app.yaml");
        let exec = |e: &mut Engine, line: &str| run_with(e, ("app.yaml", app), line);
        exec(&mut e, "kubectl apply -f app.yaml");
        e.advance(30_000, &mut |_| {});
        // Redis mounts its claim: the map draws it on the pod, bound.
        let v = ClusterView::from_engine(&e);
        let redis = v.nodes.iter().flat_map(|n| &n.pods).find(|p| p.name == "redis-0").expect("redis-0 runs");
        assert_eq!(
            redis.claims,
            [ClaimView { name: "redis-data".into(), phase: "Bound".into(), capacity: Some("10Gi".into()) }]
        );
        assert!(v.nodes.iter().flat_map(|n| &n.pods).filter(|p| p.name != "redis-0").all(|p| p.claims.is_empty()));
        exec(&mut e, "lab load start http://nginx/users/7 --rps 5");
        e.advance(5_300, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        let pods =
            |prefix: &str| e.store().pods.keys().filter(|(_, n)| n.starts_with(prefix)).cloned().collect::<Vec<_>>();
        for d in &flow.dots {
            // nginx (frontend) → Service app → a backend pod → Service redis → redis-0.
            assert!(d.ok, "{d:?}");
            assert!(pods("frontend-").contains(d.pod.as_ref().expect("a frontend pod")), "{d:?}");
            let services: Vec<&str> = d.hops.iter().map(|h| h.service.1.as_str()).collect();
            assert_eq!(services, ["app", "redis"], "{d:?}");
            assert!(pods("backend-").contains(d.hops[0].pod.as_ref().expect("a backend pod")), "{d:?}");
            assert_eq!(d.hops[1].pod, Some(("default".to_string(), "redis-0".to_string())));
        }
        // Each tier's pods show the rate they answer: together, the whole 5 req/s at each tier.
        let v = ClusterView::from_engine(&e);
        let rate = |prefix: &str| -> f64 {
            v.nodes.iter().flat_map(|n| &n.pods).filter(|p| p.name.starts_with(prefix)).filter_map(|p| p.rps).sum()
        };
        for tier in ["frontend-", "backend-", "redis-"] {
            assert!((rate(tier) - 5.0).abs() < 0.5, "{tier}: {}", rate(tier));
        }
        // With no backend, the frontend's request stops at the app Service (502 to the client).
        exec(&mut e, "kubectl scale deployment backend --replicas=0");
        e.advance(30_000, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        for d in &flow.dots {
            assert!(!d.ok && d.pod.is_some(), "{d:?}");
            assert_eq!(
                d.hops,
                [kubelab_engine::traffic::Hop { service: ("default".into(), "app".into()), pod: None }],
                "{d:?}"
            );
        }
    }

    #[test]
    fn a_service_lists_its_ready_endpoints_and_the_pods_that_are_not_ready() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port=80");
        let v = ClusterView::from_engine(&e);
        // `default/kubernetes` is the API server, not a workload: the map leaves it out.
        assert_eq!(v.services.len(), 1, "{:?}", v.services);
        let svc = &v.services[0];
        assert_eq!((svc.name.as_str(), svc.kind.as_str()), ("web", "ClusterIP"));
        assert!(svc.address.ends_with(":80"), "{}", svc.address);
        // Just created: the pods are not ready yet, so none is an endpoint.
        assert!(svc.endpoints.is_empty(), "{svc:?}");
        e.advance(30_000, &mut |_| {});
        let v = ClusterView::from_engine(&e);
        let pods: Vec<(String, String)> =
            v.nodes.iter().flat_map(|n| &n.pods).map(|p| (p.namespace.clone(), p.name.clone())).collect();
        let mut eps = v.services[0].endpoints.clone();
        kubelab_api::sort::natural(&mut eps);
        let mut want = pods.clone();
        kubelab_api::sort::natural(&mut want);
        assert_eq!(eps, want);
        assert!(v.services[0].not_ready.is_empty());
    }

    /// The map says what `kubectl get pods` says while init containers run.
    #[test]
    fn a_pod_running_its_init_containers_shows_kubectls_init_status() {
        let mut e = Engine::new(7);
        let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: init-demo\nspec:\n  initContainers:\n  - name: wait\n    image: busybox:1.36\n    command: [sh, -c, sleep 5]\n  containers:\n  - name: web\n    image: nginx:1.25\n";
        run_with(&mut e, ("pod.yaml", pod), "kubectl apply -f pod.yaml");
        let status =
            |e: &Engine| pod_status(e.store().pods.values().find(|p| p.metadata.name == "init-demo").expect("the pod"));
        e.advance(3_000, &mut |_| {});
        assert_eq!(status(&e), "Init:0/1");
        e.advance(5_000, &mut |_| {});
        assert_eq!(status(&e), "PodInitializing");
        e.advance(10_000, &mut |_| {});
        assert_eq!(status(&e), "Ready");
    }

    #[test]
    fn requests_in_flight_travel_to_endpoints_and_each_pod_shows_its_rate() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port=80");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab load start web --rps 12");
        e.advance(10_500, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert_eq!(flow.service, Some(("default".to_string(), "web".to_string())));
        // 12 req/s drawn for at least 0.7 s each: about 8 on the map at once.
        assert!((6..=10).contains(&flow.dots.len()), "{:?}", flow.dots);
        let eps = ClusterView::from_engine(&e).services[0].endpoints.clone();
        for d in &flow.dots {
            assert!(d.ok && (0.0..1.0).contains(&d.progress), "{d:?}");
            assert!(eps.contains(d.pod.as_ref().expect("a pod")), "{d:?}");
        }
        let keys: std::collections::BTreeSet<&str> = flow.dots.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys.len(), flow.dots.len(), "keys are unique");
        // The rates add up to what the load sends.
        let v = ClusterView::from_engine(&e);
        let total: f64 = v.nodes.iter().flat_map(|n| &n.pods).map(|p| p.rps.expect("a rate while the load runs")).sum();
        assert!((total - 12.0).abs() < 0.5, "{total}");
        // No endpoints: requests stop at the Service, failed.
        run(&mut e, "kubectl scale deployment web --replicas=0");
        e.advance(40_000, &mut |_| {});
        let flow = FlowView::from_engine(&e, 700).expect("a load runs");
        assert!(!flow.dots.is_empty());
        for d in &flow.dots {
            assert!(!d.ok && d.pod.is_none() && d.progress <= 0.5, "{d:?}");
        }
        run(&mut e, "lab load stop");
        assert!(FlowView::from_engine(&e, 700).is_none());
    }

    #[test]
    fn the_events_feed_is_newest_first_and_says_which_are_warnings() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "kubectl create deployment bad --image=nginx:no-such-tag");
        e.advance(20_000, &mut |_| {});
        let feed = events_feed(&e);
        assert!(!feed.is_empty() && feed.len() <= FEED_EVENTS);
        // The bad image's pull failures are the newest, and warnings.
        let first = &feed[0];
        assert!(first.object.starts_with("pod/bad-"), "{first:?}");
        assert!(feed.iter().any(|x| x.warning && (x.reason == "Failed" || x.reason == "BackOff")), "{feed:#?}");
        let scheduled = feed
            .iter()
            .find(|x| x.reason == "Scheduled" && x.object.starts_with("pod/web-"))
            .expect("a Scheduled event");
        assert!(!scheduled.warning);
        assert!(scheduled.message.starts_with("Successfully assigned default/web-"), "{scheduled:?}");
        assert!(
            matches!(&scheduled.select, Some(Selection::Pod { name, .. }) if scheduled.object.ends_with(name.as_str()))
        );
        assert!(scheduled.when.ends_with(" ago"), "{}", scheduled.when);
    }

    /// Events seen at the same moment are newest first by resourceVersion, as numbers:
    /// `10` is newer than `9`.
    #[test]
    fn resource_versions_order_as_numbers_without_being_parsed() {
        let versions = [0u64, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 123_456, 1_000_000];
        for a in versions {
            for b in versions {
                let (x, y) = (a.to_string(), b.to_string());
                assert_eq!(version_order(&x).cmp(&version_order(&y)), a.cmp(&b), "{a} against {b}");
            }
        }
    }

    fn node<'a>(v: &'a ClusterView, name: &str) -> &'a NodeView {
        v.nodes.iter().find(|n| n.name == name).expect("node")
    }

    #[test]
    fn a_powered_off_node_counts_down_to_not_ready_then_to_eviction() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab node kill node-2");
        let n = node(&ClusterView::from_engine(&e), "node-2").clone();
        assert!(n.powered_off && n.ready);
        let c = n.countdown.expect("a countdown");
        assert!(c.starts_with("NotReady in "), "{c}");
        e.advance(60_000, &mut |_| {});
        let n = node(&ClusterView::from_engine(&e), "node-2").clone();
        assert!(!n.ready);
        let c = n.countdown.expect("a countdown");
        assert!(c.starts_with("evicts pods in 4m"), "{c}");
        e.advance(3_000, &mut |_| {}); // between two lease renewals
        run(&mut e, "lab node restore node-2");
        let n = node(&ClusterView::from_engine(&e), "node-2").clone();
        assert!(!n.powered_off);
        assert!(n.countdown.is_some_and(|c| c.starts_with("Ready again in ")));
        assert_eq!(format_countdown(61_001), "1m02s");
    }

    #[test]
    fn traffic_view_counts_whole_seconds_of_a_running_load() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port 80");
        e.advance(30_000, &mut |_| {});
        assert_eq!(TrafficView::from_engine(&e), None);
        assert_eq!(load_targets(&e), ["web"]);
        e.advance(400, &mut |_| {});
        run(&mut e, "lab load start web --rps 10");
        let v = TrafficView::from_engine(&e).expect("a load runs");
        assert_eq!((v.rate_window, v.ok_per_s), (0, 0.0), "started mid-second: nothing to average yet");
        e.advance(20_100, &mut |_| {});
        let v = TrafficView::from_engine(&e).expect("a load runs");
        assert_eq!(v.seconds.len() as u64, CHART_SECONDS);
        assert_eq!(v.seconds.iter().flatten().count(), 19, "the whole seconds since the load started (at 30.4 s)");
        assert_eq!(v.seconds.last(), Some(&Some((10, 0))));
        assert_eq!(v.rate_window, RATE_SECONDS);
        assert!((v.ok_per_s - 10.0).abs() < 0.01, "{}", v.ok_per_s);
        assert_eq!(v.errors_per_s, 0.0);
        assert_eq!(v.versions, [("1.25".to_string(), v.total_ok)]);
    }

    #[test]
    fn traffic_view_splits_each_second_by_version_and_gives_its_latency() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        run(&mut e, "kubectl expose deployment web --port 80");
        e.advance(30_000, &mut |_| {});
        run(&mut e, "lab load start web --rps 20 --no-keepalive");
        e.advance(10_000, &mut |_| {});
        run(&mut e, "kubectl set image deployment/web nginx=nginx:1.26");
        e.advance(40_000, &mut |_| {});
        let v = TrafficView::from_engine(&e).expect("a load runs");
        let tags: Vec<&str> = v.version_seconds.iter().map(|s| s.tag.as_str()).collect();
        assert_eq!(tags, ["1.25", "1.26"], "both versions answered within the last minute");
        // Every second's ok count is the sum of its versions' counts.
        for (i, sec) in v.seconds.iter().enumerate() {
            let by_version: Option<u64> = v.version_seconds.iter().map(|s| s.seconds[i]).sum();
            assert_eq!(by_version, sec.map(|(ok, _)| ok), "second {i}");
        }
        // By now the rollout is over: only 1.26 answers, at the whole rate.
        let new = &v.version_seconds[1];
        assert!((new.per_s - v.ok_per_s).abs() < 0.01 && v.ok_per_s > 15.0, "{} of {}", new.per_s, v.ok_per_s);
        assert_eq!(v.version_seconds[0].per_s, 0.0);
        assert_eq!(v.latency.len(), v.seconds.len());
        let (p50, p95) = v.latency.last().copied().flatten().expect("requests answered in the last second");
        assert!(p50 <= p95 && p95 > 0, "{p50} {p95}");
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&mut [], 95), None);
        assert_eq!(percentile(&mut [7], 50), Some(7));
        let mut xs: Vec<u32> = (1..=100).rev().collect();
        assert_eq!(
            (percentile(&mut xs, 50), percentile(&mut xs, 95), percentile(&mut xs, 100)),
            (Some(50), Some(95), Some(100))
        );
        assert_eq!(percentile(&mut [1, 2, 3, 4], 50), Some(2));
    }

    #[test]
    fn the_inspector_offers_commands_for_what_was_chosen() {
        let mut e = Engine::new(7);
        run(&mut e, "kubectl apply -f manifest.yaml");
        e.advance(30_000, &mut |_| {});
        let cmds = |v: &InspectorView| v.actions.iter().map(|a| a.command.clone()).collect::<Vec<_>>();

        let v = InspectorView::of(&e, &Selection::Node("node-1".into()));
        assert!(v.exists);
        assert!(v.describe.as_deref().is_some_and(|d| d.starts_with("Name:") && d.contains("node-1")));
        assert_eq!(
            cmds(&v),
            [
                "lab node kill node-1",
                "kubectl cordon node-1",
                "kubectl drain node-1 --ignore-daemonsets --delete-emptydir-data",
                "lab node delete node-1"
            ]
        );

        let pod = e.store().pods.values().next().expect("a pod").metadata.name.clone();
        let v = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: pod.clone() });
        assert_eq!(cmds(&v), [format!("kubectl delete pod {pod} --wait=false"), format!("lab pod kill {pod}")]);
        assert_eq!(v.logs.len(), 1);
        let d = v.deployment.expect("owned by the web Deployment");
        assert_eq!((d.name.as_str(), d.replicas, d.ready), ("web", 3, 3));
        assert_eq!(scale_command(&d, 4), "kubectl scale deployment/web --replicas=4");

        let v = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: "gone".into() });
        assert!(!v.exists && v.actions.is_empty() && v.describe.is_none());
    }
}

// ------------------------------------------------------------------ the VM era

/// The VM-era LAN as the map draws it (empty until `lab lan up`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LanView {
    pub machines: Vec<MachineView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MachineView {
    pub name: String,
    pub ip: String,
    pub link_up: bool,
    pub containers: Vec<ContainerView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerView {
    pub name: String,
    /// `app:v1.0.0`: the image's last path element and tag.
    pub image: String,
    pub running: bool,
    /// `Up`, `Exited (1)` or `Created`, as docker ps starts its STATUS.
    pub status: String,
    /// `80→80`.
    pub ports: Vec<String>,
    /// Requests answered so far by this container (while a load runs).
    pub served: u64,
}

impl LanView {
    pub fn from_engine(engine: &Engine) -> LanView {
        let per = engine.load().map(|l| l.stats.per_pod.clone()).unwrap_or_default();
        let machines = engine
            .lan()
            .vms
            .values()
            .map(|v| MachineView {
                name: v.name.clone(),
                ip: v.ip.clone(),
                link_up: v.link_up,
                containers: v
                    .containers
                    .iter()
                    .map(|c| ContainerView {
                        name: c.name.clone(),
                        image: c.image.rsplit('/').next().unwrap_or(&c.image).to_string(),
                        running: c.running(),
                        status: match c.state {
                            kubelab_engine::vms::CtrState::Running { .. } => "Up".into(),
                            kubelab_engine::vms::CtrState::Exited { code, .. } => format!("Exited ({code})"),
                            kubelab_engine::vms::CtrState::Created => "Created".into(),
                        },
                        ports: c.ports.iter().map(|(h, p)| format!("{h}→{p}")).collect(),
                        served: per.get(&format!("{}/{}", v.name, c.name)).copied().unwrap_or(0),
                    })
                    .collect(),
            })
            .collect();
        LanView { machines }
    }

    pub fn is_up(&self) -> bool {
        !self.machines.is_empty()
    }
}

/// The command that pulls a machine's cable, or plugs it back in.
pub fn link_command(m: &MachineView) -> String {
    format!("lab on {} ip link set eth0 {}", m.name, if m.link_up { "down" } else { "up" })
}

/// What the VM era did by hand, and what Kubernetes does instead (the workshop's point).
pub const ERA_CONTRAST: &[(&str, &str)] = &[
    ("a VM running the app in a container (docker run)", "a Pod (kubectl run, or a Deployment's template)"),
    (
        "an nginx sidecar on a docker network, finding `app` by name",
        "containers of one Pod sharing localhost (hostAliases for the name)",
    ),
    (
        "an nginx load balancer with a hand-written upstream list",
        "a Service: a stable ClusterIP, and Endpoints kept up to date",
    ),
    (
        "a VM dies: its upstream stays in the list until someone edits it",
        "a node dies: NotReady after 40 s, its pods evicted and replaced",
    ),
    ("restart a dead container by hand (docker run again)", "a ReplicaSet recreates missing pods"),
    ("a canary by editing upstream weights (9:1)", "a canary by replica counts behind one Service (e.g. 5:1)"),
];

#[cfg(test)]
mod lan_tests {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};

    fn run(e: &mut Engine, line: &str) {
        execute(e, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
    }

    #[test]
    fn the_lan_view_shows_machines_links_and_containers() {
        let mut e = Engine::new(1);
        assert!(!LanView::from_engine(&e).is_up());
        run(&mut e, "lab lan up");
        run(&mut e, "lab on vm-1 docker run --name app -d -p 3000:3000 ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0");
        run(&mut e, "lab on vm-1 ip link set eth0 down");
        let v = LanView::from_engine(&e);
        let names: Vec<&str> = v.machines.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["lb", "vm-1", "vm-2"]);
        let vm1 = &v.machines[1];
        assert!(!vm1.link_up);
        assert_eq!(link_command(vm1), "lab on vm-1 ip link set eth0 up");
        assert_eq!(vm1.containers[0].image, "app:v1.0.0");
        assert_eq!(vm1.containers[0].status, "Up");
        assert_eq!(vm1.containers[0].ports, vec!["3000→3000".to_string()]);
    }
}

#[cfg(test)]
mod placement_tests {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};

    #[test]
    fn the_inspector_says_why_a_pod_is_pending_and_why_it_went_where_it_did() {
        let mut e = Engine::new(1);
        let run = |e: &mut Engine, line: &str, stdin: Option<&str>| {
            execute(e, line, &mut Ctx { files: &NoFiles, stdin, observe: &mut |_| {} });
        };
        run(&mut e, "kubectl apply -f -", Some("apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.25\n    resources: {requests: {cpu: '3'}}\n"));
        run(&mut e, "kubectl cordon node-1", None);
        run(&mut e, "kubectl run small --image=nginx:1.25", None);
        e.advance(5_000, &mut |_| {});
        let big = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: "big".into() });
        assert_eq!(big.bound_to, None);
        let why: Vec<(String, bool, String)> = big.placement.clone();
        assert_eq!(why.len(), 4);
        assert!(why.iter().all(|(_, fits, _)| !fits), "{why:?}");
        assert!(
            why.iter().any(
                |(n, _, w)| n == "control-plane" && w.starts_with("TaintToleration: node(s) had untolerated taint")
            ),
            "{why:?}"
        );
        assert!(why.iter().any(|(n, _, w)| n == "node-1" && w.starts_with("NodeUnschedulable:")), "{why:?}");
        assert!(why.iter().any(|(n, _, w)| n == "node-2" && w == "NodeResourcesFit: Insufficient cpu"), "{why:?}");
        let small = InspectorView::of(&e, &Selection::Pod { namespace: "default".into(), name: "small".into() });
        let chosen = small.bound_to.clone().expect("scheduled");
        assert!(
            small.placement.iter().any(|(n, fits, w)| *n == chosen && *fits && w.starts_with("fits · score")),
            "{:?}",
            small.placement
        );
    }
}
