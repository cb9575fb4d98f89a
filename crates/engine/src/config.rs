//! Cluster settings: nodes and the timing constants of the control plane and kubelets.
//! A lesson may change any of them; the defaults are upstream's.

#[derive(Clone, Debug, PartialEq)]
pub struct NodeConfig {
    pub name: String,
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub max_pods: i64,
    pub control_plane: bool,
}

impl NodeConfig {
    pub fn worker(name: &str) -> NodeConfig {
        NodeConfig { name: name.into(), cpu_millis: 2000, memory_bytes: 4 << 30, max_pods: 110, control_plane: false }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timings {
    /// kube-controller-manager --node-monitor-grace-period (40 s in v1.31).
    pub node_monitor_grace_ms: u64,
    /// --node-monitor-period (5 s).
    pub node_monitor_period_ms: u64,
    /// kubelet node lease renewal interval (10 s: 25% of the 40 s lease duration).
    pub lease_renew_ms: u64,
    /// DefaultTolerationSeconds admission: not-ready/unreachable toleration (300 s).
    pub default_toleration_seconds: i64,
    /// Image pull back-off: initial and maximum (kubelet: 10 s doubling to 300 s).
    pub backoff_initial_ms: u64,
    pub backoff_max_ms: u64,
    /// Pod GC: quarantine for pods whose node was deleted (40 s), checked every 20 s.
    pub pod_gc_quarantine_ms: u64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            node_monitor_grace_ms: 40_000,
            node_monitor_period_ms: 5_000,
            lease_renew_ms: 10_000,
            default_toleration_seconds: 300,
            backoff_initial_ms: 10_000,
            backoff_max_ms: 300_000,
            pod_gc_quarantine_ms: 40_000,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterConfig {
    pub nodes: Vec<NodeConfig>,
    pub timings: Timings,
    /// The most pods the lab holds (kubelab's own limit, not Kubernetes': a pod costs about
    /// 40 KiB with its events and runtime, and the page must stay within the browser's
    /// memory). Creating one more is refused with a message that says so.
    pub max_pods: usize,
    /// The most objects a namespace holds, pods and events aside (kubelab's own limit, for
    /// the same reason): a script creating ConfigMaps or Services without end is refused
    /// with a message that says so before the page runs out of memory.
    pub max_namespace_objects: usize,
}

/// The default `max_pods`.
pub const MAX_PODS: usize = 25_000;
/// The default `max_namespace_objects`.
pub const MAX_NAMESPACE_OBJECTS: usize = 5_000;

impl Default for ClusterConfig {
    /// One control-plane node and three workers, 2 CPU / 4 GiB each.
    fn default() -> Self {
        let mut nodes = vec![NodeConfig { control_plane: true, ..NodeConfig::worker("control-plane") }];
        for i in 1..=3 {
            nodes.push(NodeConfig::worker(&format!("node-{i}")));
        }
        ClusterConfig {
            nodes,
            timings: Timings::default(),
            max_pods: MAX_PODS,
            max_namespace_objects: MAX_NAMESPACE_OBJECTS,
        }
    }
}
