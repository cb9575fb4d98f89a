//! The pod garbage collector (pkg/controller/podgc): pods bound to a Node that no longer
//! exists are force-deleted once the Node has been gone for the quarantine time (40 s),
//! checked every 20 s; pods that are terminating and were never scheduled go at once.

use crate::causes::{Because, Rule, Trigger};
use crate::config::Timings;
use crate::store::{Action, Cursor, Key, Store};
use kubelab_api::{Pod, Time};
use std::collections::{BTreeMap, BTreeSet};

pub const NAME: &str = "pod-garbage-collector";
/// gcCheckPeriod.
pub const CHECK_PERIOD_MS: u64 = 20_000;

/// The pod garbage collector with what it has seen: its place in the store's change log
/// and the pods it acted on or waits on (a Node's quarantine).
#[derive(Clone, Debug, Default)]
pub struct PodGarbageCollector {
    changes: Cursor,
    waiting: BTreeSet<Key>,
}

impl PodGarbageCollector {
    /// `reconcile` over the pods written since it last looked and those it is waiting on,
    /// unless a Node was deleted (then over every pod).
    pub fn reconcile(
        &mut self,
        store: &Store,
        node_gone: &BTreeMap<String, Time>,
        timings: &Timings,
        now: Time,
    ) -> Vec<Action> {
        let mut queue = std::mem::take(&mut self.waiting);
        let mut written = BTreeSet::new();
        let mut node_deleted = false;
        for c in store.changes_since(&mut self.changes) {
            if c.kind == "Pod" {
                written.insert(c.key.clone());
            }
            node_deleted |= c.deleted && c.kind == "Node";
        }
        queue.append(&mut written);
        let mut acted = Vec::new();
        let out = if node_deleted {
            reconcile_pods(store, store.pods.values(), node_gone, timings, now, &mut acted)
        } else {
            reconcile_pods(store, queue.iter().filter_map(|k| store.pods.get(k)), node_gone, timings, now, &mut acted)
        };
        #[cfg(debug_assertions)]
        assert_eq!(out, reconcile(store, node_gone, timings, now), "the pod garbage collector's queue missed pods");
        self.waiting = kubelab_api::sort::set(acted);
        out
    }

    /// Where it stands in the store's change log.
    pub fn cursor(&self) -> Cursor {
        self.changes
    }
}

pub fn reconcile(store: &Store, node_gone: &BTreeMap<String, Time>, timings: &Timings, now: Time) -> Vec<Action> {
    reconcile_pods(store, store.pods.values(), node_gone, timings, now, &mut Vec::new())
}

/// `reconcile` over some of the pods (in key order); the keys of those it acted on or will
/// come back to go to `acted`. Only a pod written since, or one it acted on, can need it,
/// unless a Node was deleted.
pub fn reconcile_pods<'a>(
    store: &Store,
    pods: impl Iterator<Item = &'a Pod>,
    node_gone: &BTreeMap<String, Time>,
    timings: &Timings,
    now: Time,
    acted: &mut Vec<Key>,
) -> Vec<Action> {
    let mut out = Vec::new();
    // Looked up once per pod: a set of names, not a search of the Node map by (namespace, name).
    let nodes: crate::fasthash::FastSet<&str> = store.nodes.keys().map(|(_, n)| n.as_str()).collect();
    for p in pods {
        let node = &p.spec.node_name;
        if node.is_empty() {
            if p.metadata.deletion_timestamp.is_some() {
                let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
                acted.push(key.clone());
                let b = Because::component(NAME, Rule::PodGcUnscheduled, Trigger::Object("Pod", key));
                out.push(Action::Cause(Box::new(b)));
                out.push(Action::Delete {
                    kind: "Pod",
                    namespace: p.metadata.namespace.clone(),
                    name: p.metadata.name.clone(),
                    grace: Some(0),
                });
            }
            continue;
        }
        if nodes.contains(node.as_str()) {
            continue;
        }
        acted.push((p.metadata.namespace.clone(), p.metadata.name.clone()));
        let gone = node_gone.get(node).copied().unwrap_or(Time(0));
        let due = (gone.0 + timings.pod_gc_quarantine_ms).div_ceil(CHECK_PERIOD_MS) * CHECK_PERIOD_MS;
        if now.0 >= due {
            let rule = Rule::PodGcOrphaned {
                node: node.as_str().into(),
                gone_at: gone,
                quarantine_ms: timings.pod_gc_quarantine_ms,
            };
            let b = Because::component(NAME, rule, Trigger::Departed("Node", (String::new(), node.clone())));
            out.push(Action::Cause(Box::new(b)));
            out.push(Action::Delete {
                kind: "Pod",
                namespace: p.metadata.namespace.clone(),
                name: p.metadata.name.clone(),
                grace: Some(0),
            });
        } else {
            out.push(Action::Requeue(Time(due)));
        }
    }
    out
}
