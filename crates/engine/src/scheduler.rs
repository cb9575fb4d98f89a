//! The scheduler (pkg/scheduler): filter plugins in upstream's order, each with its NAME and
//! upstream's reason wording, then scores; the unschedulable get upstream's FitError message.

use crate::causes::{Because, Rule, Trigger};
use crate::controllers::is_pod_active;
use crate::store::{pod_ref, Action, EventSpec, Store};
use kubelab_api::*;

pub const NAME: &str = "default-scheduler";

/// schedutil.DefaultMilliCPURequest / DefaultMemoryRequest: what a pod without requests
/// counts as when scoring (not when filtering).
pub const DEFAULT_MILLI_CPU: i64 = 100;
pub const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

/// A node as the scheduler's snapshot sees it.
#[derive(Clone, Debug)]
pub struct NodeInfo<'a> {
    pub node: &'a Node,
    pub pods: Vec<&'a Pod>,
    pub requested_cpu: i64,
    pub requested_mem: i64,
    pub nonzero_cpu: i64,
    pub nonzero_mem: i64,
    pub allocatable_cpu: i64,
    pub allocatable_mem: i64,
    pub allocatable_pods: i64,
    /// Whether the node has the default spreading constraints' labels, and its zone (read
    /// once per pass, not once per pod and node).
    pub has_hostname: bool,
    pub zone: Option<&'a str>,
}

/// Whether a filter failure can be fixed by preempting pods (framework.Unschedulable) or not
/// (UnschedulableAndUnresolvable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    Unschedulable,
    UnschedulableAndUnresolvable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub plugin: &'static str,
    pub code: Code,
    pub reasons: Vec<String>,
}

/// A pod as the filters and scores see it, with what they need worked out once per
/// scheduling attempt rather than once per node (upstream's PreFilter results in the
/// CycleState: NodeResourcesFit's requests, NodePorts' wanted ports).
pub struct PodFit<'a> {
    pub pod: &'a Pod,
    /// `pod_requests`: what NodeResourcesFit filters on.
    pub requests: (i64, i64),
    /// `nonzero_requests`: what scoring counts.
    pub nonzero: (i64, i64),
    /// The host ports the pod asks for.
    pub host_ports: Vec<(i32, &'a str)>,
}

impl<'a> PodFit<'a> {
    pub fn new(pod: &'a Pod) -> PodFit<'a> {
        PodFit { pod, requests: pod_requests(pod), nonzero: nonzero_requests(pod), host_ports: host_ports(pod) }
    }
}

/// A filter plugin: `filter` returns None when the node fits.
pub trait FilterPlugin {
    const NAME: &'static str;
    fn filter(p: &PodFit, node: &NodeInfo) -> Option<Status>;
}

fn status(plugin: &'static str, code: Code, reasons: Vec<String>) -> Option<Status> {
    Some(Status { plugin, code, reasons })
}

pub struct NodeUnschedulable;
impl FilterPlugin for NodeUnschedulable {
    const NAME: &'static str = "NodeUnschedulable";
    fn filter(p: &PodFit, n: &NodeInfo) -> Option<Status> {
        let pod = p.pod;
        if !n.node.spec.unschedulable {
            return None;
        }
        let taint =
            Taint { key: "node.kubernetes.io/unschedulable".into(), effect: "NoSchedule".into(), ..Default::default() };
        if pod.spec.tolerations.iter().any(|t| t.tolerates(&taint)) {
            return None;
        }
        status(Self::NAME, Code::UnschedulableAndUnresolvable, vec!["node(s) were unschedulable".into()])
    }
}

pub struct NodeName;
impl FilterPlugin for NodeName {
    const NAME: &'static str = "NodeName";
    fn filter(p: &PodFit, n: &NodeInfo) -> Option<Status> {
        let pod = p.pod;
        if pod.spec.node_name.is_empty() || pod.spec.node_name == n.node.metadata.name {
            return None;
        }
        status(
            Self::NAME,
            Code::UnschedulableAndUnresolvable,
            vec!["node(s) didn't match the requested node name".into()],
        )
    }
}

pub struct TaintToleration;
impl FilterPlugin for TaintToleration {
    const NAME: &'static str = "TaintToleration";
    fn filter(p: &PodFit, n: &NodeInfo) -> Option<Status> {
        let pod = p.pod;
        let untolerated = n
            .node
            .spec
            .taints
            .iter()
            .filter(|t| t.effect == "NoSchedule" || t.effect == "NoExecute")
            .find(|t| !pod.spec.tolerations.iter().any(|tol| tol.tolerates(t)))?;
        status(
            Self::NAME,
            Code::UnschedulableAndUnresolvable,
            vec![format!("node(s) had untolerated taint {{{}: {}}}", untolerated.key, untolerated.value)],
        )
    }
}

pub struct NodeAffinity;
impl FilterPlugin for NodeAffinity {
    const NAME: &'static str = "NodeAffinity";
    fn filter(p: &PodFit, n: &NodeInfo) -> Option<Status> {
        // (Most pods have no nodeSelector: the call is skipped on every node for them.)
        if p.pod.spec.node_selector.is_empty() || map_matches(&p.pod.spec.node_selector, &n.node.metadata.labels) {
            return None;
        }
        status(
            Self::NAME,
            Code::UnschedulableAndUnresolvable,
            vec!["node(s) didn't match Pod's node affinity/selector".into()],
        )
    }
}

pub struct NodePorts;
impl FilterPlugin for NodePorts {
    const NAME: &'static str = "NodePorts";
    fn filter(p: &PodFit, n: &NodeInfo) -> Option<Status> {
        let want = &p.host_ports;
        if want.is_empty() {
            return None;
        }
        let used: Vec<(i32, &str)> = n.pods.iter().flat_map(|p| host_ports(p)).collect();
        if want.iter().any(|w| used.contains(w)) {
            return status(
                Self::NAME,
                Code::Unschedulable,
                vec!["node(s) didn't have free ports for the requested pod ports".into()],
            );
        }
        None
    }
}

fn host_ports(p: &Pod) -> Vec<(i32, &str)> {
    p.spec
        .containers
        .iter()
        .flat_map(|c| c.ports.iter())
        .filter_map(|port| port.host_port.filter(|h| *h > 0).map(|h| (h, port.protocol.as_str())))
        .collect()
}

pub struct NodeResourcesFit;
impl FilterPlugin for NodeResourcesFit {
    const NAME: &'static str = "NodeResourcesFit";
    fn filter(p: &PodFit, n: &NodeInfo) -> Option<Status> {
        let (cpu, mem) = p.requests;
        let mut reasons = Vec::new();
        if n.pods.len() as i64 + 1 > n.allocatable_pods {
            reasons.push("Too many pods".to_string());
        }
        if cpu > 0 && n.requested_cpu + cpu > n.allocatable_cpu {
            reasons.push("Insufficient cpu".to_string());
        }
        if mem > 0 && n.requested_mem + mem > n.allocatable_mem {
            reasons.push("Insufficient memory".to_string());
        }
        if reasons.is_empty() {
            None
        } else {
            status(Self::NAME, Code::Unschedulable, reasons)
        }
    }
}

/// The pod's requests (max of init containers and the sum of containers), in millicores and bytes.
pub fn pod_requests(p: &Pod) -> (i64, i64) {
    let get = |c: &Container, r: &str| -> i64 {
        let q = c.resources.requests.get(r).or_else(|| c.resources.limits.get(r));
        let m = q.and_then(|q| q.millis()).unwrap_or(0);
        if r == "cpu" {
            m as i64
        } else {
            (m / 1000) as i64
        }
    };
    let sum_cpu: i64 = p.spec.containers.iter().map(|c| get(c, "cpu")).sum();
    let sum_mem: i64 = p.spec.containers.iter().map(|c| get(c, "memory")).sum();
    let init_cpu = p.spec.init_containers.iter().map(|c| get(c, "cpu")).max().unwrap_or(0);
    let init_mem = p.spec.init_containers.iter().map(|c| get(c, "memory")).max().unwrap_or(0);
    (sum_cpu.max(init_cpu), sum_mem.max(init_mem))
}

/// Requests with the non-zero defaults used for scoring.
fn nonzero_requests(p: &Pod) -> (i64, i64) {
    let mut cpu = 0;
    let mut mem = 0;
    for c in &p.spec.containers {
        let has = |r: &str| c.resources.requests.contains_key(r) || c.resources.limits.contains_key(r);
        let q = |r: &str| {
            c.resources.requests.get(r).or_else(|| c.resources.limits.get(r)).and_then(|q| q.millis()).unwrap_or(0)
        };
        cpu += if has("cpu") { q("cpu") as i64 } else { DEFAULT_MILLI_CPU };
        mem += if has("memory") { (q("memory") / 1000) as i64 } else { DEFAULT_MEMORY };
    }
    (cpu, mem)
}

fn quantity_of(n: &Node, r: &str) -> i64 {
    let m = n.status.allocatable.get(r).or_else(|| n.status.capacity.get(r)).and_then(|q| q.millis()).unwrap_or(0);
    match r {
        "cpu" => m as i64,
        _ => (m / 1000) as i64,
    }
}

impl<'a> NodeInfo<'a> {
    /// A node with no pods counted on it yet.
    pub fn of(node: &'a Node) -> NodeInfo<'a> {
        NodeInfo {
            node,
            pods: Vec::new(),
            requested_cpu: 0,
            requested_mem: 0,
            nonzero_cpu: 0,
            nonzero_mem: 0,
            allocatable_cpu: quantity_of(node, "cpu"),
            allocatable_mem: quantity_of(node, "memory"),
            allocatable_pods: quantity_of(node, "pods"),
            has_hostname: node.metadata.labels.contains_key(DEFAULT_SPREAD[0].0),
            zone: node.metadata.labels.get(DEFAULT_SPREAD[1].0).map(String::as_str),
        }
    }
}

/// The scheduler's view of every node: pods bound to it and what they request.
/// (Pods are found their node by a hash of its name: this runs over every pod at each
/// pass with pods waiting.)
pub fn node_infos(store: &Store) -> Vec<NodeInfo<'_>> {
    let mut infos: Vec<NodeInfo> = store.nodes.values().map(NodeInfo::of).collect();
    let index: crate::fasthash::FastMap<&str, usize> =
        infos.iter().enumerate().map(|(i, n)| (n.node.metadata.name.as_str(), i)).collect();
    for p in store.pods.values() {
        if p.spec.node_name.is_empty() || p.status.phase == "Succeeded" || p.status.phase == "Failed" {
            continue;
        }
        let Some(&i) = index.get(p.spec.node_name.as_str()) else { continue };
        let (c, m) = pod_requests(p);
        let (zc, zm) = nonzero_requests(p);
        let n = &mut infos[i];
        n.pods.push(p);
        n.requested_cpu += c;
        n.requested_mem += m;
        n.nonzero_cpu += zc;
        n.nonzero_mem += zm;
    }
    infos
}

/// Runs the filters in upstream's order, stopping at the first that fails.
pub fn run_filters(p: &PodFit, n: &NodeInfo) -> Option<Status> {
    NodeUnschedulable::filter(p, n)
        .or_else(|| NodeName::filter(p, n))
        .or_else(|| TaintToleration::filter(p, n))
        .or_else(|| NodeAffinity::filter(p, n))
        .or_else(|| NodePorts::filter(p, n))
        .or_else(|| NodeResourcesFit::filter(p, n))
}

/// Score of a feasible node (higher is better): NodeResourcesFit LeastAllocated (weight 1),
/// NodeResourcesBalancedAllocation (weight 1); `schedule_with` adds PodTopologySpread's.
pub fn score(p: &PodFit, n: &NodeInfo) -> i64 {
    let (pc, pm) = p.nonzero;
    let least = |req: i64, cap: i64| if cap <= 0 || req > cap { 0 } else { (cap - req) * 100 / cap };
    let cpu_frac = |req: i64, cap: i64| if cap <= 0 { 1.0 } else { (req as f64 / cap as f64).min(1.0) };
    let (uc, um) = (n.nonzero_cpu + pc, n.nonzero_mem + pm);
    let least_allocated = (least(uc, n.allocatable_cpu) + least(um, n.allocatable_mem)) / 2;
    let (fc, fm) = (cpu_frac(uc, n.allocatable_cpu), cpu_frac(um, n.allocatable_mem));
    // balancedResourceScorer: with two resources the standard deviation is |f1 - f2| / 2,
    // and the score (1 - std) * MaxNodeScore (100).
    let balanced = ((1.0 - (fc - fm).abs() / 2.0) * 100.0) as i64;
    least_allocated + balanced
}

/// PodTopologySpread's system default constraints (`systemDefaultConstraints`, pkg/scheduler/
/// framework/plugins/podtopologyspread/plugin.go, v1.31): the topology key and maxSkew of
/// each, both `whenUnsatisfiable: ScheduleAnyway`, so they only score.
pub const DEFAULT_SPREAD: [(&str, i64); 2] = [("kubernetes.io/hostname", 3), ("topology.kubernetes.io/zone", 5)];

/// The pods a pod is spread from under the default constraints (`helper.DefaultSelector`,
/// pkg/scheduler/framework/plugins/helper/spread.go): pods of its namespace matching the
/// selectors of every Service that selects it, merged, and the selector of the ReplicaSet or
/// StatefulSet that controls it. A pod that neither has is not spread (PreScore skips).
#[derive(Clone, Debug)]
pub struct SpreadSelector<'a> {
    namespace: &'a str,
    /// The Services' selectors merged, sorted by key (a plain list: a map type of its own
    /// would add its B-tree code to the page).
    services: Vec<(&'a str, &'a str)>,
    controller: Option<&'a LabelSelector>,
}

impl<'a> SpreadSelector<'a> {
    pub fn of(store: &'a Store, pod: &'a Pod) -> Option<SpreadSelector<'a>> {
        let ns = &pod.metadata.namespace;
        let mut services: Vec<(&str, &str)> = Vec::new();
        for (_, svc) in store.services.range((ns.clone(), String::new())..).take_while(|((n, _), _)| n == ns) {
            // GetPodServices: a Service whose selector matches the pod's labels (one without
            // a selector adds nothing to the merge).
            if map_matches(&svc.spec.selector, &pod.metadata.labels) {
                services.extend(svc.spec.selector.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
        }
        // (Selectors that all match the pod agree on every key they share.)
        kubelab_api::sort::natural(&mut services);
        services.dedup_by(|a, b| a.0 == b.0);
        let controller = pod.metadata.controller_ref().and_then(|r| {
            let k = (ns.clone(), r.name.clone());
            match (r.api_version.as_str(), r.kind.as_str()) {
                ("apps/v1", "ReplicaSet") => store.replicasets.get(&k).map(|rs| &rs.spec.selector),
                ("apps/v1", "StatefulSet") => store.statefulsets.get(&k).map(|ss| &ss.spec.selector),
                _ => None,
            }
        });
        if services.is_empty() && controller.is_none_or(|c| c.is_empty()) {
            return None;
        }
        Some(SpreadSelector { namespace: ns, services, controller })
    }

    /// The same pods: the same namespace and Services' labels, and the same controller's
    /// selector (compared where it lies first: one ReplicaSet's pods share it).
    fn same(&self, other: &SpreadSelector) -> bool {
        self.namespace == other.namespace
            && self.services == other.services
            && match (self.controller, other.controller) {
                (Some(a), Some(b)) => std::ptr::eq(a, b) || a == b,
                (a, b) => a.is_none() && b.is_none(),
            }
    }

    /// countPodsMatchSelector: a pod that is not terminating, in the namespace, matching.
    pub fn counts(&self, p: &Pod) -> bool {
        p.metadata.deletion_timestamp.is_none()
            && p.metadata.namespace == self.namespace
            && self.services.iter().all(|(k, v)| p.metadata.labels.get(*k).is_some_and(|have| have == v))
            && self.controller.is_none_or(|c| c.matches(&p.metadata.labels))
    }
}

/// How many of the pods `sel` counts each node holds (for spreading).
fn spread_counts(sel: &SpreadSelector, infos: &[NodeInfo]) -> Vec<i64> {
    infos.iter().map(|n| n.pods.iter().filter(|p| is_pod_active(p) && sel.counts(p)).count() as i64).collect()
}

/// PodTopologySpread's normalized score (0..=100) for each feasible node under the default
/// constraints, `counts` being what each node holds (pkg/scheduler/framework/plugins/
/// podtopologyspread/scoring.go, v1.31):
/// - each constraint weighs log(size + 2), size being the feasible nodes for hostname and
///   the zones among them for zone;
/// - a node scores Σ count × weight + (maxSkew − 1) over the constraints whose key it has
///   (a zone's count summed over every node in it that the pod's nodeSelector allows),
///   rounded;
/// - then fewer is better: 100 × (max + min − score) / max, or 100 everywhere when max is 0.
pub fn spread_scores(pod: &Pod, infos: &[NodeInfo], feasible: &[usize], counts: &[i64]) -> Vec<i64> {
    let [(_, host_skew), (_, zone_skew)] = DEFAULT_SPREAD;
    let count = |i: usize| counts.get(i).copied().unwrap_or(0);
    // The zones among the feasible nodes, a node without the label counting as zone "" (the
    // system defaults do not require every key, so it is still spread by hostname, and ""
    // still counts as one more value in the weight).
    // (A list: the zones are few.)
    let mut zones: Vec<(&str, i64)> = Vec::new();
    if feasible.iter().any(|&i| infos[i].zone.is_some()) {
        for &i in feasible {
            let z = infos[i].zone.unwrap_or("");
            if !zones.iter().any(|(have, _)| *have == z) {
                zones.push((z, 0));
            }
        }
        for (i, n) in infos.iter().enumerate() {
            // nodeAffinityPolicy Honor: nodes the pod could not go to do not count.
            if !map_matches(&pod.spec.node_selector, &n.node.metadata.labels) {
                continue;
            }
            let z = n.zone.unwrap_or("");
            if let Some((_, c)) = zones.iter_mut().find(|(have, _)| *have == z) {
                *c += count(i);
            }
        }
    }
    let host_weight = ((feasible.len() + 2) as f64).ln();
    let zone_weight = ((zones.len() + 2) as f64).ln();
    let raw_of = |host: Option<i64>, zone: Option<i64>| {
        let mut score = 0.0;
        if let Some(c) = host {
            score += c as f64 * host_weight + (host_skew - 1) as f64;
        }
        if let Some(c) = zone {
            score += c as f64 * zone_weight + (zone_skew - 1) as f64;
        }
        score.round() as i64
    };
    let normalize = |raw: &mut [i64]| {
        let (min, max) = (raw.iter().copied().min().unwrap_or(0), raw.iter().copied().max().unwrap_or(0));
        for s in raw.iter_mut() {
            *s = if max == 0 { 100 } else { 100 * (max + min - *s) / max };
        }
    };
    if zones.is_empty() && feasible.iter().all(|&i| infos[i].has_hostname) {
        // Hostname alone (the lab's nodes carry no zone): a node's score depends on its
        // count only, so it is worked out once per count, not for each of the hundreds of
        // feasible nodes of every pod.
        // The score grows with the count, so the lowest and highest counts among the
        // feasible nodes give the min and max that normalize.
        let low = feasible.iter().map(|&i| count(i).max(0)).min().unwrap_or(0) as usize;
        let top = feasible.iter().map(|&i| count(i).max(0)).max().unwrap_or(0) as usize;
        let mut by_count: Vec<i64> = (low..=top).map(|c| raw_of(Some(c as i64), None)).collect();
        normalize(&mut by_count);
        return feasible.iter().map(|&i| by_count[count(i).max(0) as usize - low]).collect();
    }
    let mut raw: Vec<i64> = feasible
        .iter()
        .map(|&i| {
            let n = &infos[i];
            // (A zone counts only on a node that has the label.)
            let zone = n.zone.and_then(|z| zones.iter().find(|(have, _)| *have == z)).map(|(_, c)| *c);
            raw_of(n.has_hostname.then(|| count(i)), zone)
        })
        .collect();
    normalize(&mut raw);
    raw
}

/// schedule_one.go's minFeasibleNodesToFind and minFeasibleNodesPercentageToFind.
const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;

/// `numFeasibleNodesToFind` with percentageOfNodesToScore unset (pkg/scheduler/
/// schedule_one.go; "Scheduler Performance Tuning" in the docs): every node below 100
/// nodes; above, an adaptive 50 % − nodes/125 (at least 5 %), and never under 100. Once that
/// many feasible nodes are found the search stops, and only they are scored.
pub fn num_feasible_nodes_to_find(all: usize) -> usize {
    if all < MIN_FEASIBLE_NODES_TO_FIND {
        return all;
    }
    let percentage = 50usize.saturating_sub(all / 125).max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    (all * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// Picks a node for the pod (the index into `infos`), or explains why none fits, with the
/// counts per node of the pods it spreads from given, or None when it is not spread (the
/// scheduling pass keeps them per selector instead of counting every node's pods for every
/// pod). The search starts at `*start` and goes round
/// the nodes, stopping once `num_feasible_nodes_to_find` fit; `*start` then moves past the
/// nodes it looked at, as `nextStartNodeIndex` does, "to make sure all nodes have the same
/// chance of being examined across pods" (findNodesThatPassFilters). Below 100 nodes every
/// node is looked at and the start stays at the first.
#[cfg(test)]
fn schedule_with(
    pod: &PodFit,
    infos: &[NodeInfo],
    spread: Option<&[i64]>,
    start: &mut usize,
) -> Result<usize, Vec<(String, Status)>> {
    choose(pod, infos, spread, start).map(|(i, _)| i)
}

/// The node for `pod` (an index into `infos`) and why (`Rule::Bound`: the winning score,
/// how many nodes were feasible and looked at, and what the filters rejected), or every
/// node's failure. Above 100 nodes the search stops at numFeasibleNodesToFind. (Its own
/// function: inlined into `reconcile_slice`, the filters it runs were no longer inlined in
/// it, which cost 7 % of `ready-10k`'s instructions.)
#[inline(never)]
fn choose(
    pod: &PodFit,
    infos: &[NodeInfo],
    spread: Option<&[i64]>,
    start: &mut usize,
) -> Result<(usize, Rule), Vec<(String, Status)>> {
    let mut feasible = Vec::new();
    let mut failed = Vec::new();
    let all = infos.len();
    let to_find = num_feasible_nodes_to_find(all);
    let first = if all == 0 { 0 } else { *start % all };
    for step in 0..all {
        let i = (first + step) % all;
        let n = &infos[i];
        match run_filters(pod, n) {
            None => {
                feasible.push(i);
                if feasible.len() >= to_find {
                    break;
                }
            }
            Some(s) => failed.push((n.node.metadata.name.clone(), s)),
        }
    }
    if all > 0 {
        *start = (first + feasible.len() + failed.len()) % all;
    }
    if feasible.is_empty() {
        return Err(failed);
    }
    // PodTopologySpread (weight 2) under the system default constraints; a pod it skips
    // scores 0 there on every node.
    let spread = match spread {
        Some(counts) => spread_scores(pod.pod, infos, &feasible, counts),
        None => vec![0; feasible.len()],
    };
    let mut best: Option<(i64, usize)> = None;
    for (&i, spread) in feasible.iter().zip(spread) {
        let total = score(pod, &infos[i]) + 2 * spread;
        // Ties go to the first node looked at (upstream picks one at random), so placement
        // never depends on the seed.
        if best.is_none_or(|(b, _)| total > b) {
            best = Some((total, i));
        }
    }
    let (score, index) = best.unwrap_or((0, 0));
    let rule = bound_rule(score, feasible.len(), failed, all);
    Ok((index, rule))
}

/// Why the pod went where it did: the winning score, the nodes found feasible and looked at,
/// the first few nodes the filters rejected with their reasons, and how many each filter
/// rejected.
fn bound_rule(score: i64, feasible: usize, failed: Vec<(String, Status)>, nodes: usize) -> Rule {
    let looked = (feasible + failed.len()) as u32;
    Rule::Bound { score, feasible: feasible as u32, looked, nodes: nodes as u32, rejected: rejected(failed) }
}

/// The first few nodes the filters rejected, by name, and how many each filter rejected.
fn rejected(mut failed: Vec<(String, Status)>) -> Option<Box<crate::causes::Rejected>> {
    if failed.is_empty() {
        return None;
    }
    let mut by_plugin: Vec<(&'static str, u16)> = Vec::new();
    for (_, status) in &failed {
        match by_plugin.iter_mut().find(|(p, _)| *p == status.plugin) {
            Some((_, n)) => *n = n.saturating_add(1),
            None => by_plugin.push((status.plugin, 1)),
        }
    }
    let total = failed.len() as u32;
    failed.truncate(crate::causes::REJECTED_NAMED);
    failed.shrink_to_fit();
    Some(Box::new(crate::causes::Rejected { first: failed, by_plugin, total }))
}

/// How the scheduler sees each node for `pod` right now, with the pod itself left out (so a
/// scheduled pod can be asked "why there"): per node, its score if every filter passes
/// (higher wins; the spreading term is left out), or the first failing plugin and its
/// reasons, as the FitError would list them.
pub fn placement(store: &Store, pod: &Pod) -> Vec<(String, Result<i64, String>)> {
    // As the scheduler saw it: not yet bound to a node.
    let mut pod = pod.clone();
    pod.spec.node_name.clear();
    let pod = &pod;
    let mut infos = node_infos(store);
    for n in &mut infos {
        if let Some(i) = n.pods.iter().position(|p| p.metadata.uid == pod.metadata.uid) {
            n.pods.remove(i);
            let (c, m) = pod_requests(pod);
            let (zc, zm) = nonzero_requests(pod);
            n.requested_cpu -= c;
            n.requested_mem -= m;
            n.nonzero_cpu -= zc;
            n.nonzero_mem -= zm;
        }
    }
    let fit = PodFit::new(pod);
    infos
        .iter()
        .map(|n| {
            let verdict = match run_filters(&fit, n) {
                None => Ok(score(&fit, n)),
                Some(s) => Err(format!("{}: {}", s.plugin, s.reasons.join(", "))),
            };
            (n.node.metadata.name.clone(), verdict)
        })
        .collect()
}

/// framework.FitError.Error(), with the preemption post-filter's diagnosis.
pub fn fit_error(total_nodes: usize, failed: &[(String, Status)]) -> String {
    let mut hist: VecMap<String, usize> = VecMap::new();
    let mut pre: VecMap<String, usize> = VecMap::new();
    for (_, s) in failed {
        for r in &s.reasons {
            *hist.get_or_insert_with(r.clone(), || 0) += 1;
        }
        let p = match s.code {
            Code::UnschedulableAndUnresolvable => "Preemption is not helpful for scheduling",
            Code::Unschedulable => "No preemption victims found for incoming pod",
        };
        *pre.get_or_insert_with(p.to_string(), || 0) += 1;
    }
    let sorted = |h: VecMap<String, usize>| {
        let mut v: Vec<String> = h.into_iter().map(|(r, c)| format!("{c} {r}")).collect();
        kubelab_api::sort::natural(&mut v);
        v.join(", ")
    };
    format!(
        "0/{total_nodes} nodes are available: {}. preemption: 0/{total_nodes} nodes are available: {}.",
        sorted(hist),
        sorted(pre)
    )
}

/// One scheduling pass: every pending pod, in queue order (priority, then creation).
/// The scheduler with what it keeps between passes: nextStartNodeIndex, where its next
/// search for nodes begins.
#[derive(Clone, Debug, Default)]
pub struct Scheduler {
    next_start_node_index: usize,
}

impl Scheduler {
    /// `reconcile_slice` from where the last search ended.
    pub fn reconcile_slice(&mut self, store: &Store, now: Time, skip: usize) -> (Vec<Action>, usize, bool) {
        reconcile_slice(store, now, skip, PODS_PER_SLICE, &mut self.next_start_node_index)
    }
}

/// Pods one slice of the queue holds (see `reconcile_slice`).
pub const PODS_PER_SLICE: usize = 250;

/// Places `limit` pods waiting for a node, in queue order (priority, then age), after the
/// first `skip`, so 1,000 new pods can be placed a slice at a time with the bindings of one
/// slice applied before the next is read: the same placements as one pass over the queue,
/// because a slice sees the earlier slices' bindings in the store exactly as one pass counts
/// them as it goes, and a pod that did not fit stays at the queue's front (`skip` counts them). Returns the actions, how many pods did not fit, and
/// whether pods are left after this slice.
pub fn reconcile_slice(
    store: &Store,
    now: Time,
    skip: usize,
    limit: usize,
    start: &mut usize,
) -> (Vec<Action>, usize, bool) {
    let mut pending: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| {
            p.spec.node_name.is_empty() && p.metadata.deletion_timestamp.is_none() && p.spec.scheduler_name == NAME
        })
        .collect();
    if pending.is_empty() {
        return (Vec::new(), 0, false);
    }
    kubelab_api::sort::by_key(&mut pending, |p| {
        (-(p.spec.priority.unwrap_or(0) as i64), store.creation_order(&p.metadata))
    });
    let more = pending.len() > skip + limit;
    let pending: Vec<&Pod> = pending.into_iter().skip(skip).take(limit).collect();
    let mut out = Vec::new();
    let mut failed = 0;
    // Bindings made in this pass count against later pods in it.
    let mut infos = node_infos(store);
    // Per selector the pods are spread from, how many each node holds, kept for the pass.
    let mut spreads: Vec<(SpreadSelector, Vec<i64>)> = Vec::new();
    for pod in pending {
        // VolumeBinding PreFilter: every claim must exist and (Immediate binding) be bound.
        let prefilter = volume_binding_prefilter(store, pod);
        if let Some(reason) = prefilter {
            let n = infos.len();
            let msg = format!("0/{n} nodes are available: {reason}. preemption: 0/{n} nodes are available: {n} Preemption is not helpful for scheduling.");
            let already = pod
                .status
                .conditions
                .iter()
                .any(|c| c.type_ == "PodScheduled" && c.status == "False" && c.message == msg);
            if !already {
                out.push(because(Rule::VolumeBindingWait { nodes: n as u32, reason: reason.clone() }));
                let mut st = pod.status.clone();
                set_pod_scheduled(&mut st, "False", "Unschedulable", &msg, now);
                out.push(crate::store::pod_status(pod, None, st));
                out.push(Action::Event(EventSpec::warning(pod_ref(pod), "FailedScheduling", msg, NAME)));
            }
            failed += 1;
            continue;
        }
        let spread = SpreadSelector::of(store, pod).map(|sel| match spreads.iter().position(|(s, _)| s.same(&sel)) {
            Some(at) => at,
            None => {
                let counts = spread_counts(&sel, &infos);
                spreads.push((sel, counts));
                spreads.len() - 1
            }
        });
        let fit = PodFit::new(pod);
        let chosen = choose(&fit, &infos, spread.map(|at| spreads[at].1.as_slice()), start)
            .map(|(i, rule)| (i, infos[i].node.metadata.name.clone(), rule));
        match chosen {
            Ok((i, node_name, rule)) => {
                out.push(because(rule));
                assume(pod, i, node_name, &fit, &mut infos, &mut spreads, now, &mut out)
            }
            Err(why) => {
                failed += 1;
                let msg = fit_error(infos.len(), &why);
                let already = pod
                    .status
                    .conditions
                    .iter()
                    .any(|c| c.type_ == "PodScheduled" && c.status == "False" && c.message == msg);
                if !already {
                    let rule = Rule::Unschedulable { nodes: infos.len() as u32, rejected: rejected(why) };
                    out.push(because(rule));
                    let mut st = pod.status.clone();
                    set_pod_scheduled(&mut st, "False", "Unschedulable", &msg, now);
                    st.phase = "Pending".into();
                    out.push(crate::store::pod_status(pod, None, st));
                    out.push(Action::Event(EventSpec::warning(pod_ref(pod), "FailedScheduling", msg, NAME)));
                }
            }
        }
    }
    (out, failed, more)
}

/// The cause of the writes that follow: `rule`, reacting to the pod's last change.
#[inline(never)]
fn because(rule: Rule) -> Action {
    Action::Cause(Box::new(Because::component(NAME, rule, Trigger::Target)))
}

/// VolumeBinding PreFilter: every claim must exist and (Immediate binding) be bound; why not.
fn volume_binding_prefilter(store: &Store, pod: &Pod) -> Option<String> {
    let mut prefilter: Option<String> = None;
    for v in &pod.spec.volumes {
        if let Some(src) = &v.persistent_volume_claim {
            match store.pvcs.get(&(pod.metadata.namespace.clone(), src.claim_name.clone())) {
                None => prefilter = Some(format!("persistentvolumeclaim \"{}\" not found", src.claim_name)),
                Some(c) if c.metadata.deletion_timestamp.is_some() => {
                    prefilter = Some(format!("persistentvolumeclaim \"{}\" is being deleted", src.claim_name))
                }
                Some(c) if c.status.phase != "Bound" => {
                    prefilter = Some("pod has unbound immediate PersistentVolumeClaims".into())
                }
                Some(_) => {}
            }
        }
    }
    prefilter
}

/// Binds `pod` to node `i` (`node_name`): its status and event, and the binding counted in
/// `infos` and in every spread kept that counts the pod (upstream's assume).
#[allow(clippy::too_many_arguments)]
fn assume<'a>(
    pod: &'a Pod,
    i: usize,
    node_name: String,
    fit: &PodFit,
    infos: &mut [NodeInfo<'a>],
    spreads: &mut [(SpreadSelector, Vec<i64>)],
    now: Time,
    out: &mut Vec<Action>,
) {
    // The new binding counts for every selector kept that counts the pod.
    if is_pod_active(pod) {
        for (_, counts) in spreads.iter_mut().filter(|(sel, _)| sel.counts(pod)) {
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
        }
    }
    let mut st = pod.status.clone();
    set_pod_scheduled(&mut st, "True", "", "", now);
    out.push(crate::store::pod_status(pod, Some(node_name.clone()), st));
    out.push(Action::Event(EventSpec::normal(
        pod_ref(pod),
        "Scheduled",
        ["Successfully assigned ", &pod.metadata.namespace, "/", &pod.metadata.name, " to ", &node_name].concat(),
        NAME,
    )));
    // Account the new binding.
    let info = &mut infos[i];
    info.requested_cpu += fit.requests.0;
    info.requested_mem += fit.requests.1;
    info.nonzero_cpu += fit.nonzero.0;
    info.nonzero_mem += fit.nonzero.1;
    info.pods.push(pod);
}

/// Sets the PodScheduled condition.
pub fn set_pod_scheduled(st: &mut PodStatus, status: &'static str, reason: &'static str, message: &str, now: Time) {
    st.conditions.retain(|c| c.type_ != "PodScheduled");
    st.conditions.push(PodCondition {
        type_: "PodScheduled".into(),
        status: status.into(),
        last_probe_time: None,
        last_transition_time: Some(now),
        reason: reason.into(),
        message: message.into(),
    });
    if st.phase.is_empty() {
        st.phase = "Pending".into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, cpu: &str) -> Node {
        let mut n = Node::default();
        n.metadata.name = name.into();
        n.status.allocatable.insert("cpu".into(), Quantity(cpu.into()));
        n.status.allocatable.insert("memory".into(), Quantity("4Gi".into()));
        n.status.allocatable.insert("pods".into(), Quantity("110".into()));
        n
    }

    fn pod_with_cpu(cpu: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = "p".into();
        let mut c = Container { name: "c".into(), image: "nginx".into(), ..Default::default() };
        c.resources.requests.insert("cpu".into(), Quantity(cpu.into()));
        p.spec.containers.push(c);
        p
    }

    fn info<'a>(n: &'a Node) -> NodeInfo<'a> {
        NodeInfo::of(n)
    }

    /// NodeResourcesFit LeastAllocated and NodeResourcesBalancedAllocation
    /// (pkg/scheduler/framework/plugins/noderesources: balancedResourceScorer takes, for cpu
    /// and memory, std = |f1 − f2| / 2 and scores (1 − std) × MaxNodeScore).
    #[test]
    fn scores_follow_upstream() {
        let n = node("n", "4");
        let p = pod_with_cpu("2");
        // cpu 2 of 4 (0.5), memory the 200 MiB non-zero default of 4 GiB (0.049):
        // LeastAllocated (50 + 95) / 2 = 72; BalancedAllocation (1 − 0.451 / 2) × 100 = 77.
        assert_eq!(score(&PodFit::new(&p), &info(&n)), 72 + 77);
    }

    fn labelled(name: &str, zone: Option<&str>) -> Node {
        let mut n = node(name, "4");
        n.metadata.labels.insert("kubernetes.io/hostname".into(), name.into());
        if let Some(z) = zone {
            n.metadata.labels.insert("topology.kubernetes.io/zone".into(), z.into());
        }
        n
    }

    /// PodTopologySpread under the system default constraints (podtopologyspread/scoring.go,
    /// v1.31): a node scores round(Σ count × ln(size + 2) + maxSkew − 1), then
    /// 100 × (max + min − score) / max. Hostname only (no zone labels), 3 feasible nodes
    /// holding 0, 1 and 1 pods: ln 5 = 1.609, raw 2, 4, 4, normalized 100, 50, 50 (the old
    /// (max − count) × 100 / max gave 100, 0, 0).
    #[test]
    fn spreading_follows_upstream() {
        let nodes: Vec<Node> = ["a", "b", "c"].iter().map(|n| labelled(n, None)).collect();
        let infos: Vec<NodeInfo> = nodes.iter().map(info).collect();
        let p = pod_with_cpu("100m");
        assert_eq!(spread_scores(&p, &infos, &[0, 1, 2], &[0, 1, 1]), vec![100, 50, 50]);
        // Nothing to spread from: 100 everywhere.
        assert_eq!(spread_scores(&p, &infos, &[0, 1, 2], &[0, 0, 0]), vec![100, 100, 100]);
        // 0 and 5 pods: raw 2 and round(5 × 1.386 + 2) = 9 over 2 feasible nodes (ln 4):
        // 100 × (9 + 2 − 2) / 9 = 100 and 100 × 2 / 9 = 22.
        assert_eq!(spread_scores(&p, &infos, &[0, 1], &[0, 5, 0]), vec![100, 22]);
        // Zones: a and b in z1, c in z2; counts 1, 0, 0. Hostname weight ln 5, zone weight
        // ln 4 (2 zones): a 1.609 + 2 + 1.386 + 4 = 8.996 → 9; b 2 + 1.386 + 4 = 7.386 → 7;
        // c 2 + 4 = 6. Normalized: 100 × (9 + 6 − s) / 9 = 66, 88, 100.
        let nodes = [labelled("a", Some("z1")), labelled("b", Some("z1")), labelled("c", Some("z2"))];
        let infos: Vec<NodeInfo> = nodes.iter().map(info).collect();
        assert_eq!(spread_scores(&p, &infos, &[0, 1, 2], &[1, 0, 0]), vec![66, 88, 100]);
    }

    /// numFeasibleNodesToFind (pkg/scheduler/schedule_one.go, v1.31): all nodes under 100;
    /// then 50 % − nodes/125, at least 5 %, and at least 100 nodes. The docs' "Scheduler
    /// Performance Tuning": 50 % at 100 nodes, 10 % at 5,000, never below 5 %.
    #[test]
    fn feasible_nodes_to_find_follow_upstream() {
        for (all, want) in
            [(0, 0), (3, 3), (99, 99), (100, 100), (150, 100), (250, 120), (1_000, 420), (5_000, 500), (6_000, 300)]
        {
            assert_eq!(num_feasible_nodes_to_find(all), want, "{all} nodes");
        }
    }

    /// With 250 nodes the search stops after 120 feasible ones and the next pod's search
    /// starts where it stopped (nextStartNodeIndex); a pod that fits nowhere looks at all.
    #[test]
    fn the_search_goes_round_the_nodes() {
        let nodes: Vec<Node> = (0..250).map(|i| node(&format!("n{i:03}"), "2")).collect();
        let infos: Vec<NodeInfo> = nodes.iter().map(info).collect();
        let small = pod_with_cpu("100m");
        let mut start = 0;
        assert_eq!(schedule_with(&PodFit::new(&small), &infos, None, &mut start), Ok(0));
        assert_eq!(start, 120);
        assert_eq!(schedule_with(&PodFit::new(&small), &infos, None, &mut start), Ok(120));
        assert_eq!(start, 240);
        assert_eq!(schedule_with(&PodFit::new(&small), &infos, None, &mut start), Ok(240));
        assert_eq!(start, 110, "round the end: 10 nodes, then 110 from the first");
        let huge = pod_with_cpu("3");
        let failed = schedule_with(&PodFit::new(&huge), &infos, None, &mut start).unwrap_err();
        assert_eq!(failed.len(), 250);
        assert_eq!(start, 110, "all 250 looked at: the start is where it was");
        // Below 100 nodes every node is looked at and the start never moves.
        let mut start = 0;
        assert_eq!(schedule_with(&PodFit::new(&small), &infos[..99], None, &mut start), Ok(0));
        assert_eq!(start, 0);
    }

    /// Table: (case, node, pod, expected first failing plugin and reason).
    #[test]
    fn filters_reject_with_upstream_reasons() {
        let mut cordoned = node("n", "2");
        cordoned.spec.unschedulable = true;
        let mut tainted = node("n", "2");
        tainted.spec.taints.push(Taint {
            key: "node-role.kubernetes.io/control-plane".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        });
        let mut labelled = node("n", "2");
        labelled.metadata.labels.insert("disk".into(), "ssd".into());
        let mut wants_hdd = pod_with_cpu("100m");
        wants_hdd.spec.node_selector.insert("disk".into(), "hdd".into());
        let cases: Vec<(&str, Node, Pod, Option<(&str, &str)>)> = vec![
            ("fits", node("n", "2"), pod_with_cpu("500m"), None),
            ("too much cpu", node("n", "2"), pod_with_cpu("3"), Some(("NodeResourcesFit", "Insufficient cpu"))),
            ("cordoned", cordoned, pod_with_cpu("100m"), Some(("NodeUnschedulable", "node(s) were unschedulable"))),
            (
                "control-plane taint",
                tainted,
                pod_with_cpu("100m"),
                Some(("TaintToleration", "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }")),
            ),
            (
                "nodeSelector",
                labelled,
                wants_hdd,
                Some(("NodeAffinity", "node(s) didn't match Pod's node affinity/selector")),
            ),
        ];
        for (name, n, p, want) in cases {
            let got = run_filters(&PodFit::new(&p), &info(&n)).map(|s| (s.plugin, s.reasons[0].clone()));
            assert_eq!(got.as_ref().map(|(a, b)| (*a, b.as_str())), want, "case {name}");
        }
    }

    /// Upstream message shape (FitError.Error with the preemption diagnosis), as seen on a
    /// v1.31 cluster with one tainted control-plane node and three full workers.
    #[test]
    fn fit_error_matches_upstream_wording() {
        let taint = Status {
            plugin: "TaintToleration",
            code: Code::UnschedulableAndUnresolvable,
            reasons: vec!["node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }".into()],
        };
        let cpu =
            Status { plugin: "NodeResourcesFit", code: Code::Unschedulable, reasons: vec!["Insufficient cpu".into()] };
        let failed =
            vec![("cp".to_string(), taint), ("n1".into(), cpu.clone()), ("n2".into(), cpu.clone()), ("n3".into(), cpu)];
        assert_eq!(
            fit_error(4, &failed),
            "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
        );
    }
}
