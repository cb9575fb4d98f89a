//! What the page draws, as plain data: built from the engine's store once per render, compared
//! by value so Yew skips views whose model did not change. Nothing here touches the DOM, so
//! it is tested natively.

use kubelab_api::{Node, Pod};
use kubelab_engine::controllers::is_pod_ready;
use kubelab_engine::controllers::node_lifecycle::is_node_ready;
use kubelab_engine::Engine;

/// The whole cluster as the map draws it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterView {
    /// Nodes in name order, each with the pods bound to it.
    pub nodes: Vec<NodeView>,
    /// Pods no node has been chosen for yet (the scheduler's queue).
    pub unscheduled: Vec<PodView>,
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
}

impl ClusterView {
    pub fn from_engine(engine: &Engine) -> ClusterView {
        let store = engine.store();
        let mut nodes: Vec<NodeView> = store.nodes.values().map(node_view).collect();
        let mut unscheduled = Vec::new();
        for p in store.pods.values() {
            let view = pod_view(p);
            match nodes.iter_mut().find(|n| n.name == p.spec.node_name) {
                Some(n) => n.pods.push(view),
                // Bound to a node that no longer exists: still not running anywhere.
                None => unscheduled.push(view),
            }
        }
        ClusterView { nodes, unscheduled }
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

fn node_view(n: &Node) -> NodeView {
    let control_plane = n.metadata.labels.contains_key("node-role.kubernetes.io/control-plane");
    NodeView {
        name: n.metadata.name.clone(),
        ready: is_node_ready(n),
        unschedulable: n.spec.unschedulable,
        role: if control_plane { "control-plane" } else { "worker" },
        taints: n.spec.taints.iter().map(|t| t.effect.clone()).collect(),
        pods: Vec::new(),
    }
}

fn pod_view(p: &Pod) -> PodView {
    PodView {
        namespace: p.metadata.namespace.clone(),
        name: p.metadata.name.clone(),
        status: pod_status(p),
        ready: is_pod_ready(p),
        terminating: p.metadata.deletion_timestamp.is_some(),
        owner: p.metadata.controller_ref().map(|r| r.name.clone()),
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
    for cs in &p.status.container_statuses {
        if let Some(w) = cs.state.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
            return w.reason.clone();
        }
        if let Some(t) = &cs.state.terminated {
            if p.status.phase == "Running" || t.reason.is_empty() {
                continue;
            }
            return t.reason.clone();
        }
    }
    match p.status.phase.as_str() {
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
}
