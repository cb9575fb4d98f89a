//! The kubelets' work queue (upstream's kubelet keeps one per node: pkg/kubelet/util/queue):
//! the pods that may have something to do, because they were written, their runtime was
//! changed, or one of their moments came. So the kubelets' stage looks at the pods that can
//! have work, not at every pod, and finds the same ones.

use super::{pod_quiet, Machine, Runtimes};
use crate::store::{Cursor, Key, Store};
use kubelab_api::{Time, VecMap};
use std::collections::{BTreeMap, BTreeSet};

/// Each node's pods with something to do, by node name in order.
pub type ByNode = Vec<(String, Vec<Key>)>;

#[derive(Clone, Debug)]
pub struct WorkQueue {
    /// Where the kubelets stand in the store's change log: pods written since are queued.
    changes: Cursor,
    /// It always holds every pod that is not quiet (`pod_quiet`); a pod found quiet leaves
    /// it, with its next moment in `timers`.
    queue: BTreeSet<Key>,
    /// When quiet pods next have something to do.
    timers: BTreeMap<Time, Vec<Key>>,
    /// Every pod must be looked at again (a machine came, went, lost or regained power).
    rescan: bool,
}

impl Default for WorkQueue {
    fn default() -> Self {
        WorkQueue { changes: Cursor::default(), queue: BTreeSet::new(), timers: BTreeMap::new(), rescan: true }
    }
}

impl WorkQueue {
    /// Every pod is looked at once more at the next pass.
    pub fn rescan(&mut self) {
        self.rescan = true;
    }

    /// A pod whose runtime was changed outside a sync: it may have something to do.
    pub fn add(&mut self, key: Key) {
        self.queue.insert(key);
    }

    /// Where the kubelets stand in the store's change log.
    pub fn cursor(&self) -> Cursor {
        self.changes
    }

    /// The pods with something to do now, grouped by node: the queue's pods, those written
    /// since, and those whose moment has come. Pods found quiet leave the queue for a timer.
    pub fn take_due(
        &mut self,
        store: &Store,
        machines: &VecMap<String, Machine>,
        runtimes: &Runtimes,
        now: Time,
    ) -> ByNode {
        // (Grouped in a hash map, then sorted once by node name: a B-tree of a thousand
        // names searched once per pod cost more.)
        let mut by_node: crate::fasthash::FastMap<&str, Vec<Key>> = Default::default();
        let mut queue = std::mem::take(&mut self.queue);
        if std::mem::take(&mut self.rescan) {
            queue.extend(store.pods.keys().cloned());
        }
        queue.append(&mut store.written_since(&mut self.changes, "Pod"));
        let later = self.timers.split_off(&Time(now.0 + 1));
        for (_, keys) in std::mem::replace(&mut self.timers, later) {
            queue.extend(keys);
        }
        // The pods kept queued, in the queue's order (built at once at the end, not searched
        // for one by one).
        let mut kept = Vec::new();
        for k in queue {
            // Gone, or not bound yet: the next write brings it back.
            let Some(p) = store.pods.get(&k) else { continue };
            if p.spec.node_name.is_empty() {
                continue;
            }
            if !machines.contains_key(&p.spec.node_name) {
                kept.push(k);
                continue;
            }
            if pod_quiet(runtimes, p, now) {
                let wake = runtimes
                    .get(&p.metadata.uid)
                    .and_then(|rt| rt.settled.as_ref().and_then(|(_, at)| rt.next_wakeup(*at)));
                if let Some(t) = wake {
                    self.timers.entry(t).or_default().push(k);
                }
                continue;
            }
            by_node.entry(p.spec.node_name.as_str()).or_default().push(k.clone());
            kept.push(k);
        }
        self.queue = kubelab_api::sort::set(kept);
        let mut by_node: ByNode = by_node.into_iter().map(|(n, keys)| (n.to_string(), keys)).collect();
        // Node names are unique here, so this stable sort orders as an unstable one would.
        kubelab_api::sort::by(&mut by_node, |a, b| a.0.cmp(&b.0));
        #[cfg(debug_assertions)]
        check_due(store, machines, runtimes, now, &by_node);
        by_node
    }
}

/// The queue must find exactly the pods a look at every pod would find (checked in the
/// tests' builds, where every scenario runs through it).
#[cfg(debug_assertions)]
fn check_due(store: &Store, machines: &VecMap<String, Machine>, runtimes: &Runtimes, now: Time, by_node: &ByNode) {
    let mut all: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    for p in store.pods.values() {
        if !p.spec.node_name.is_empty() && machines.contains_key(&p.spec.node_name) && !pod_quiet(runtimes, p, now) {
            all.entry(p.spec.node_name.clone())
                .or_default()
                .push((p.metadata.namespace.clone(), p.metadata.name.clone()));
        }
    }
    assert_eq!(
        &all.into_iter().collect::<Vec<_>>(),
        by_node,
        "the kubelets' queue missed pods that have something to do"
    );
}
