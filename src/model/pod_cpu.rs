//! The pods' CPU on the map: what metrics-server last reported for each pod against the
//! pod's request, the number `kubectl top pod` and the HPA read.
//!
//! Faithful to the Metrics API: while metrics-server does not serve it (not enabled, its pod
//! not running, or before its first scrape a minute after it starts) `kubectl top` answers
//! `error: Metrics API not available` and an HPA reads `<unknown>`, so the map draws no bar
//! at all; a pod it has no numbers for yet (started less than 10 s before the last scrape)
//! has none either. A pod's utilization is the HPA's: its containers' usage in millicores
//! (each rounded up) over the sum of their requests, truncated to a whole percent
//! (`GetResourceUtilizationRatio`, pkg/controller/podautoscaler/metrics/utilization.go;
//! a container without a request gives the pod no utilization, `calculatePodRequests` in
//! replica_calculator.go).
//!
//! The numbers change once per scrape (a minute), and metrics-server serves the last
//! scrape's until the next one (pods created since have none yet), so they are read again
//! only at a new scrape: not every frame while a load's requests change the store.

use super::CpuUse;
use kubelab_engine::Engine;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// One node's pods' CPU, by pod name (a node's pods are in any namespace, so the key is
/// (namespace, name)). Shared between drawings; equal at once when it is the same map.
#[derive(Clone, Debug, Default)]
pub struct NodeCpu(Rc<BTreeMap<(String, String), CpuUse>>);

impl NodeCpu {
    pub fn get(&self, namespace: &str, name: &str) -> Option<&CpuUse> {
        // A node holds tens of pods at most a few hundred: the lookup's String keys are cheap.
        self.0.get(&(namespace.to_string(), name.to_string()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq for NodeCpu {
    fn eq(&self, other: &NodeCpu) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl CpuUse {
    /// The pod's utilization as the HPA computes it (% of its request), when it has a request.
    pub fn percent(&self) -> Option<i64> {
        self.request_m.filter(|r| *r > 0).map(|r| self.used_m * 100 / r)
    }
}

/// Each node's pods' CPU: (node name, its pods' CPU), in the store's node order.
type ByNode = Rc<Vec<(String, NodeCpu)>>;

/// The last `ByNode` read, and what it was read at: (the last scrape, `Engine::instance`).
#[derive(Debug, Default)]
pub struct PodCpuCache(RefCell<Option<((u64, u64), ByNode)>>);

impl PodCpuCache {
    /// Each node's pods' CPU; empty while the Metrics API is not served.
    pub(super) fn by_node(&self, engine: &Engine) -> ByNode {
        let Some((_, last)) = engine.metric_scrapes() else { return Rc::default() };
        let key = (last.0, engine.instance());
        if let Some((k, built)) = &*self.0.borrow() {
            if *k == key {
                return built.clone();
            }
        }
        let built = Rc::new(build(engine));
        *self.0.borrow_mut() = Some((key, built.clone()));
        built
    }
}

fn build(engine: &Engine) -> Vec<(String, NodeCpu)> {
    let store = engine.store();
    let mut by_node: Vec<(&str, BTreeMap<(String, String), CpuUse>)> =
        store.nodes.values().map(|n| (n.metadata.name.as_str(), BTreeMap::new())).collect();
    for p in store.pods.values().filter(|p| !p.spec.node_name.is_empty()) {
        let Some(cpu) = CpuUse::of(engine, p) else { continue };
        if let Some((_, pods)) = by_node.iter_mut().find(|(name, _)| *name == p.spec.node_name) {
            pods.insert((p.metadata.namespace.clone(), p.metadata.name.clone()), cpu);
        }
    }
    by_node.into_iter().map(|(name, pods)| (name.to_string(), NodeCpu(Rc::new(pods)))).collect()
}
