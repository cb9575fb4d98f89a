//! The pods' views, grouped by node and kept between drawings. The map is drawn ten times a
//! second; with 1,000 pods, building a `PodView` (with its strings) for each pod and
//! comparing the lot against the last drawing was most of the page's work while nothing
//! changed. A view is rebuilt only when a pod, a claim or the node list changed, or when the
//! Metrics API came or went (a chip keeps a line for its CPU); an unchanged one compares
//! equal by pointer. A load's rates, which move with the clock, are kept apart (`rates_on`),
//! so the lists stay the same while requests flow.

use super::cluster::{pod_reason, pod_view, shorten, PodView, ServiceView, REASON_CHARS};
use super::traffic::RATE_SECONDS;
use kubelab_engine::Engine;
use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

/// Pods as the map shows them: shared, equal at once when they are the same list.
#[derive(Clone, Debug, Default)]
pub struct Pods(Rc<Vec<PodView>>);

impl Pods {
    pub fn new(pods: Vec<PodView>) -> Pods {
        Pods(Rc::new(pods))
    }
}

impl PartialEq for Pods {
    fn eq(&self, other: &Pods) -> bool {
        Rc::ptr_eq(&self.0, &other.0) || self.0 == other.0
    }
}

impl std::ops::Deref for Pods {
    type Target = [PodView];
    fn deref(&self) -> &[PodView] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a Pods {
    type Item = &'a PodView;
    type IntoIter = std::slice::Iter<'a, PodView>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Each node's pods (node name, pods; in the store's node order), and the pods bound to no
/// node that exists.
#[derive(Debug, Default)]
pub(super) struct PodsByNode {
    pub by_node: Vec<(String, Pods)>,
    pub unscheduled: Pods,
}

impl PodsByNode {
    pub fn on(&self, node: &str) -> Option<&Pods> {
        self.by_node.iter().find(|(name, _)| name == node).map(|(_, pods)| pods)
    }
}

/// Running pods that are not Ready whose reason (the probe) the engine's diagnosis gives, at
/// most; the other failing pods say their status's short form.
const DIAGNOSED_PODS: usize = 64;

/// The last pods' views built, with a digest of what they were built from; and their CPU;
/// and the Services' views likewise.
#[derive(Debug, Default)]
pub struct PodViewCache {
    views: RefCell<Option<(u64, Rc<PodsByNode>)>>,
    services: RefCell<Option<(u64, Vec<ServiceView>)>>,
    pub(super) cpu: super::pod_cpu::PodCpuCache,
}

impl PodViewCache {
    pub(super) fn pods(&self, engine: &Engine) -> Rc<PodsByNode> {
        let digest = digest(engine);
        if let Some((d, built)) = &*self.views.borrow() {
            if *d == digest {
                return built.clone();
            }
        }
        let built = Rc::new(build(engine));
        *self.views.borrow_mut() = Some((digest, built.clone()));
        built
    }

    /// The Services' views, rebuilt when a Service or an Endpoints object changed (or the
    /// engine is another one).
    pub(super) fn services(&self, engine: &Engine) -> Vec<ServiceView> {
        let store = engine.store();
        let mut h = Fnv(FNV_OFFSET);
        engine.instance().hash(&mut h);
        for (key, s) in &store.services {
            (key, &s.metadata.resource_version).hash(&mut h);
        }
        for (key, ep) in &store.endpoints {
            (key, &ep.metadata.resource_version).hash(&mut h);
        }
        let digest = h.finish();
        if let Some((d, built)) = &*self.services.borrow() {
            if *d == digest {
                return built.clone();
            }
        }
        let built = super::cluster::service_views(engine);
        *self.services.borrow_mut() = Some((digest, built.clone()));
        built
    }
}

/// What a pod's view depends on: each pod's identity and resourceVersion (every write to a
/// pod bumps it), each claim's, the nodes that exist, and whether the Metrics API is served;
/// in this engine (`Engine::instance`: another one reaches the same versions differently).
fn digest(engine: &Engine) -> u64 {
    let store = engine.store();
    let mut h = Fnv(FNV_OFFSET);
    engine.instance().hash(&mut h);
    for (key, p) in &store.pods {
        (key, &p.metadata.uid, &p.metadata.resource_version).hash(&mut h);
    }
    for (key, c) in &store.pvcs {
        (key, &c.metadata.resource_version).hash(&mut h);
    }
    for key in store.nodes.keys() {
        key.hash(&mut h);
    }
    engine.metric_scrapes().is_some().hash(&mut h);
    h.finish()
}

fn build(engine: &Engine) -> PodsByNode {
    let store = engine.store();
    // A node list is short (tens): a Vec searched in order is as quick as a map, and smaller.
    let mut by_node: Vec<(&str, Vec<PodView>)> =
        store.nodes.values().map(|n| (n.metadata.name.as_str(), Vec::new())).collect();
    let mut unscheduled = Vec::new();
    // The engine's diagnosis is asked for only while few pods fail (each costs a look at
    // the nodes); beyond that, the status says why.
    let mut diagnoses = DIAGNOSED_PODS;
    let cpu_line = engine.metric_scrapes().is_some();
    for p in store.pods.values() {
        let mut view = pod_view(p, store);
        view.cpu_line = cpu_line;
        // The status's short form first (`Pending: Insufficient cpu`); a running pod that is
        // not Ready has none, so its diagnosis (the probe) says why.
        view.reason = pod_reason(p).or_else(|| {
            let unready = p.status.phase == "Running"
                && p.metadata.deletion_timestamp.is_none()
                && p.status.container_statuses.iter().any(|c| !c.ready);
            if !unready || diagnoses == 0 {
                return None;
            }
            diagnoses -= 1;
            let d = engine.diagnosis("Pod", &p.metadata.namespace, &p.metadata.name);
            d.first().map(|line| shorten(line, REASON_CHARS))
        });
        match by_node.iter_mut().find(|(name, _)| *name == p.spec.node_name) {
            Some((_, pods)) => pods.push(view),
            // Bound to a node that no longer exists: still not running anywhere.
            // (Nothing runs it: no CPU line.)
            None => unscheduled.push(PodView { cpu_line: false, ..view }),
        }
    }
    PodsByNode {
        by_node: by_node.into_iter().map(|(name, pods)| (name.to_string(), Pods::new(pods))).collect(),
        unscheduled: Pods::new(unscheduled),
    }
}

/// While a load runs, what a node drawn with chips (at most `COMPACT_ABOVE` pods) says of
/// each pod's requests per second (over RATE_SECONDS); squares say none.
pub(super) fn rates_on(pods: &Pods, engine: &Engine) -> Vec<(String, f64)> {
    let Some(load) = engine.load() else { return Vec::new() };
    if pods.len() > COMPACT_ABOVE {
        return Vec::new();
    }
    pods.iter().map(|p| (p.name.clone(), load.stats.pod_rate(&p.name, engine.now(), RATE_SECONDS))).collect()
}

/// A node with more pods than this draws them as small squares (a 1,000-pod Deployment stays
/// one screen tall, and cheap to draw); the chips' names and states are then in tooltips,
/// the inspector and kubectl.
pub const COMPACT_ABOVE: usize = 16;

/// FNV-1a, 64-bit: a digest to notice change, not to resist an adversary (and smaller in the
/// page than the standard library's SipHash).
struct Fnv(u64);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
