//! What metrics-server reports (the Metrics API behind `kubectl top` and the HPA).
//!
//! metrics-server v0.7.2 scrapes every kubelet once per `--metric-resolution` (60 s as
//! minikube runs it), starting when it starts, and keeps each container's last two points
//! of cumulative CPU time (`pkg/storage/pod.go`): CPU usage is the rate between them, so it
//! is an average over the last window, and it changes once per scrape. A container seen
//! for the first time counts from its start (cumulative 0 at its start time) when it
//! started between 10 s (`freshContainerMinMetricsResolution`) and one resolution before
//! the scrape; younger than 10 s, it has no usage yet, and a pod is reported only when all
//! its containers are. Memory is the working set at the last scrape.

use crate::addons::METRIC_RESOLUTION_MS;
use crate::kubelet::Phase;
use crate::*;

/// A container younger than this at a scrape has no usage yet (metrics-server's
/// `freshContainerMinMetricsResolution`).
const FRESH_CONTAINER_MS: u64 = 10_000;

/// One container's usage.
#[derive(Clone, Debug, PartialEq)]
pub struct ContainerUsage {
    pub name: String,
    pub cpu_nanocores: u64,
    pub memory_bytes: u64,
}

/// A pod's `PodMetrics`.
#[derive(Clone, Debug, PartialEq)]
pub struct PodMetrics {
    /// The scrape the numbers come from, and the window their CPU rate spans.
    pub timestamp: Time,
    pub window_ms: u64,
    pub containers: Vec<ContainerUsage>,
}

impl PodMetrics {
    /// The pod's CPU in millicores as the HPA's metrics client sums it: each container's
    /// quantity's `MilliValue()` (rounded up), added.
    pub fn cpu_millis(&self) -> i64 {
        self.containers.iter().map(|c| c.cpu_nanocores.div_ceil(1_000_000) as i64).sum()
    }
    pub fn memory_bytes(&self) -> u64 {
        self.containers.iter().map(|c| c.memory_bytes).sum()
    }
}

/// A node's `NodeMetrics`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeMetrics {
    pub timestamp: Time,
    pub cpu_nanocores: u64,
    pub memory_bytes: u64,
}

const MI: u64 = 1 << 20;

/// The system's own share of a node (kubelet, container runtime, and on the control plane
/// its components): millicores and MiB, as a small kubeadm cluster shows at rest.
fn system_share(control_plane: bool) -> (u64, u64) {
    if control_plane {
        (120, 620)
    } else {
        (25, 230)
    }
}

impl Engine {
    /// metrics-server's last two scrapes (previous, last), once it has made two.
    pub fn metric_scrapes(&self) -> Option<(Time, Time)> {
        // Only kube-system's pods: a range of the store's (namespace, name) order.
        let ns = |n: &str| ("kube-system".to_string(), n.to_string());
        let since = self
            .store
            .pods
            .range(ns("")..ns("\u{10FFFF}"))
            .map(|(_, p)| p)
            .filter(|p| p.metadata.deletion_timestamp.is_none())
            .filter(|p| p.metadata.labels.get("k8s-app").is_some_and(|v| v == "metrics-server"))
            .filter(|p| self.machines.get(&p.spec.node_name).is_some_and(|m| m.alive))
            .filter_map(|p| self.runtimes.get(&p.metadata.uid))
            .filter_map(|rt| match rt.containers.first()?.phase {
                Phase::Running { since, .. } => Some(since),
                _ => None,
            })
            .min()?;
        let k = self.now.0.saturating_sub(since.0) / METRIC_RESOLUTION_MS;
        if k < 1 {
            return None;
        }
        let last = since.0 + k * METRIC_RESOLUTION_MS;
        Some((Time(last - METRIC_RESOLUTION_MS), Time(last)))
    }

    /// The HPA controller's last syncs of `ns`/`name` (replicas and utilization), oldest first.
    pub fn hpa_history(&self, ns: &str, name: &str) -> Vec<controllers::hpa::HpaPoint> {
        self.controllers.hpa.history(ns, name)
    }

    /// What the Metrics API says of a pod, if it has numbers for it.
    pub fn pod_metrics(&self, p: &Pod) -> Option<PodMetrics> {
        let (prev, last) = self.metric_scrapes()?;
        self.pod_usage_between(p, prev, last)
    }

    fn pod_usage_between(&self, p: &Pod, prev: Time, last: Time) -> Option<PodMetrics> {
        if !self.machines.get(&p.spec.node_name).is_some_and(|m| m.alive) {
            return None;
        }
        let rt = self.runtimes.get(&p.metadata.uid)?;
        let mut containers = Vec::with_capacity(p.spec.containers.len());
        let mut window_ms = last.0 - prev.0;
        for (c, spec) in rt.containers.iter().zip(p.spec.containers.iter()) {
            let Phase::Running { since, .. } = c.phase else { return None };
            if since.0 + FRESH_CONTAINER_MS > last.0 {
                return None;
            }
            let from = since.0.max(prev.0);
            let window = last.0 - from;
            window_ms = window_ms.min(window);
            let usage = images::usage(&spec.image);
            let busy = self.servers.cpu.busy_cpu_us(&p.metadata.uid, &spec.name, c.restarts, from, last.0);
            // The quota caps what the cgroup spends, the program's own idle work included.
            let cap = traffic::cpu_cap_m(&self.store, p, spec);
            let cpu_us = (usage.idle_m * window + busy).min(cap * window);
            containers.push(ContainerUsage {
                name: spec.name.clone(),
                cpu_nanocores: cpu_us * 1_000_000 / window.max(1),
                memory_bytes: usage.memory_mi * MI,
            });
        }
        if containers.is_empty() {
            return None;
        }
        Some(PodMetrics { timestamp: last, window_ms, containers })
    }

    /// What the Metrics API says of a node: the system's share and every running
    /// container's CPU over the window (from its start, if it started within it).
    pub fn node_metrics(&self, node: &str) -> Option<NodeMetrics> {
        let (prev, last) = self.metric_scrapes()?;
        if !self.machines.get(node).is_some_and(|m| m.alive) {
            return None;
        }
        let n = self.store.nodes.get(&(String::new(), node.to_string()))?;
        let control_plane = n.spec.taints.iter().any(|t| t.key == "node-role.kubernetes.io/control-plane");
        let (sys_m, sys_mi) = system_share(control_plane);
        let window = last.0 - prev.0;
        let mut cpu_us = sys_m * window;
        let mut memory = sys_mi * MI;
        for p in self.store.pods.values().filter(|p| p.spec.node_name == node) {
            let Some(rt) = self.runtimes.get(&p.metadata.uid) else { continue };
            for (c, spec) in rt.containers.iter().zip(p.spec.containers.iter()) {
                let Phase::Running { since, .. } = c.phase else { continue };
                if since.0 >= last.0 {
                    continue;
                }
                let from = since.0.max(prev.0);
                let usage = images::usage(&spec.image);
                cpu_us += usage.idle_m * (last.0 - from)
                    + self.servers.cpu.busy_cpu_us(&p.metadata.uid, &spec.name, c.restarts, from, last.0);
                memory += usage.memory_mi * MI;
            }
        }
        Some(NodeMetrics { timestamp: last, cpu_nanocores: cpu_us * 1_000_000 / window, memory_bytes: memory })
    }
}

impl controllers::hpa_replicas::MetricsSource for Engine {
    fn api(&self) -> controllers::hpa_replicas::MetricsApi {
        use controllers::hpa_replicas::MetricsApi;
        // The aggregator answers 404 without an APIService for metrics.k8s.io/v1beta1 and
        // 503 while the one there is not Available.
        let apiservice = self
            .store
            .apiservices
            .values()
            .find(|a| a.spec.group == "metrics.k8s.io" && a.spec.version == "v1beta1" && a.spec.service.is_some());
        match apiservice {
            None => MetricsApi::NotFound,
            Some(_) if self.metrics_available() => MetricsApi::Ready,
            Some(_) => MetricsApi::Unavailable,
        }
    }
    fn pod(&self, p: &Pod) -> Option<PodMetrics> {
        self.pod_metrics(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine_with_metrics_server() -> Engine {
        let mut e = Engine::new(1);
        e.enable_addon(addons::addon("metrics-server").unwrap()).unwrap();
        e
    }

    #[test]
    fn no_numbers_before_two_scrapes_then_one_per_resolution() {
        let mut e = engine_with_metrics_server();
        assert_eq!(e.metric_scrapes(), None);
        e.advance(70_000, &mut |_| {});
        let (prev, last) = e.metric_scrapes().expect("two scrapes after a minute");
        assert_eq!(last.0 - prev.0, METRIC_RESOLUTION_MS);
        e.advance(30_000, &mut |_| {});
        assert_eq!(e.metric_scrapes(), Some((prev, last)), "the same until the next scrape");
    }

    #[test]
    fn a_young_pod_has_no_metrics_until_a_scrape_ten_seconds_after_its_start() {
        let mut e = engine_with_metrics_server();
        e.advance(70_000, &mut |_| {});
        let ms = e.store().pods.values().find(|p| p.metadata.namespace == "kube-system").cloned().unwrap();
        let m = e.pod_metrics(&ms).expect("metrics-server's own pod");
        assert_eq!(m.cpu_millis(), 4, "its idle CPU");
        assert_eq!(m.memory_bytes(), 19 * MI);
        assert!(e.node_metrics(&ms.spec.node_name).is_some());
    }

    #[test]
    fn the_hpa_finds_no_metrics_api_without_the_apiservice_and_an_unavailable_one_with_it() {
        use controllers::hpa_replicas::{MetricsApi, MetricsSource};
        let mut e = Engine::new(1);
        assert_eq!(e.api(), MetricsApi::NotFound);
        e.enable_addon(addons::addon("metrics-server").unwrap()).unwrap();
        assert_eq!(e.api(), MetricsApi::Unavailable);
        e.advance(70_000, &mut |_| {});
        assert_eq!(e.api(), MetricsApi::Ready);
        // Its server gone, the APIService stays: the aggregator answers 503, not 404.
        e.delete("Deployment", "kube-system", "metrics-server", None, crate::Propagation::Background).unwrap();
        e.advance(40_000, &mut |_| {});
        assert_eq!(e.api(), MetricsApi::Unavailable);
    }
}
