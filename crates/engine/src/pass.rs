//! A controller pass: the stages in order, stopping between them (or inside the kubelets'
//! stage, or every few actions) and resuming where it stopped.

use crate::*;
use kubelet::{Kubelet, PodRuntime};
use std::collections::BTreeMap;

/// A controller pass under way. Stopping between its stages or actions and going on later
/// changes nothing: the clock does not move and nothing else writes until it is done.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Pass {
    /// The next stage to run (see `Engine::run_stage`).
    stage: usize,
    /// Within the kubelets' stage: the next node to sync.
    node: usize,
    /// Within the scheduler's stage: pods of the queue that did not fit (they stay at its front).
    unschedulable: usize,
    /// Within the kubelets' stage: each node's pods, as the stage found them.
    by_node: Vec<(String, Vec<(String, String)>)>,
    /// The store's resourceVersion when the pass began.
    before: u64,
    /// Actions decided and not yet applied, with who decided them.
    pending: std::collections::VecDeque<(Who, Action)>,
    /// The kubelets' actions so far: applied once every node has synced against the same store.
    kubelets: Vec<Action>,
}

/// The stages of a controller pass, in order.
const STAGES: usize = 12;
/// The kubelets' stage: one node at a time.
const KUBELET_STAGE: usize = 9;
/// Pods the kubelets' stage syncs (whole nodes at a time) before looking at the clock.
const KUBELET_PODS_PER_STEP: usize = 200;
/// Actions applied between two looks at the clock while a pass is stopped part way.
const ACTIONS_PER_LOOK: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Who {
    Scheduler,
    Controllers,
    Kubelets,
}

impl Engine {
    /// One controller pass (node lifecycle, workload controllers, scheduler, kubelets,
    /// endpoints, load balancers); true if it wrote anything. Finishes a pass that
    /// `settle_some` stopped part way.
    pub(crate) fn settle_pass(&mut self) -> bool {
        self.settle_pass_some(&mut || false).unwrap_or(true)
    }

    /// `settle_pass`, stopping between stages, nodes or a few actions when `out_of_time()`
    /// (None: stopped part way; the next call goes on from there).
    pub(crate) fn settle_pass_some(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> Option<bool> {
        let mut pass =
            self.pass.take().unwrap_or_else(|| Pass { before: self.store.resource_version(), ..Default::default() });
        loop {
            let mut applied = 0;
            while let Some((who, action)) = pass.pending.pop_front() {
                self.apply_by(who, action);
                applied += 1;
                if applied % ACTIONS_PER_LOOK == 0 && !pass.pending.is_empty() && out_of_time() {
                    self.pass = Some(pass);
                    return None;
                }
            }
            if pass.stage == STAGES {
                return Some(self.store.resource_version() != pass.before);
            }
            self.run_stage(&mut pass);
            if out_of_time() {
                self.pass = Some(pass);
                return None;
            }
        }
    }

    /// Runs a pass's next stage (or, in the kubelets' stage, its next node): what it decides
    /// goes to `pass.pending`, in the order the stages always ran.
    pub(crate) fn run_stage(&mut self, pass: &mut Pass) {
        let now = self.now;
        let (who, actions) = match pass.stage {
            0 => {
                self.rejoin_nodes();
                let machines = &self.machines;
                let health = |n: &str| match machines.get(n) {
                    Some(m) => {
                        NodeHealth { last_renew: m.last_renew, alive: m.alive && m.rejoin_at.is_none_or(|t| t <= now) }
                    }
                    None => NodeHealth { last_renew: Time(0), alive: false },
                };
                (Who::Controllers, node_lifecycle::reconcile(&self.store, &health, &self.config.timings, now))
            }
            1 => (Who::Controllers, controllers::deployment::reconcile_all(&self.store, now)),
            2 => {
                let written = std::mem::take(&mut self.store.rs_written);
                let out = controllers::replicaset::reconcile_all_tallied(&self.store, now, &mut self.rs_tally, written);
                #[cfg(debug_assertions)]
                assert_eq!(
                    out,
                    controllers::replicaset::reconcile_all(&self.store, now),
                    "the ReplicaSet controller's counts went wrong"
                );
                (Who::Controllers, out)
            }
            3 => (Who::Controllers, controllers::statefulset::reconcile_all(&self.store, now)),
            4 => (Who::Controllers, controllers::volumes::reconcile(&self.store, now)),
            5 => (Who::Controllers, self.gc_stage(now)),
            6 => (Who::Controllers, self.podgc_stage(now)),
            7 => {
                // A slice of the queue at a time, each slice's bindings applied before the next.
                let (actions, failed, more) = scheduler::reconcile_slice(
                    &self.store,
                    now,
                    pass.unschedulable,
                    scheduler::PODS_PER_SLICE,
                    &mut self.scheduler_start,
                );
                pass.pending.extend(actions.into_iter().map(|a| (Who::Scheduler, a)));
                pass.unschedulable += failed;
                if !more {
                    pass.stage += 1;
                }
                return;
            }
            8 => (Who::Kubelets, self.run_probes()),
            KUBELET_STAGE => {
                // Each kubelet sees its own pods and acts on its own pods and node only, so
                // all of them sync against this pass's store (one node per step) and their
                // actions are applied afterwards, node by node in name order.
                // The grouping is made once per pass (the store does not change until every
                // node has synced).
                if pass.node == 0 {
                    // (Grouped in a hash map, then sorted once by node name: a B-tree of
                    // a thousand names searched once per pod cost more.)
                    let mut by_node: crate::fasthash::FastMap<&str, Vec<(String, String)>> = Default::default();
                    // Pods with nothing to do are left out (syncing them would do nothing):
                    // only the queue's pods can have something to do.
                    let mut queue = std::mem::take(&mut self.kubelet_queue);
                    if std::mem::take(&mut self.kubelet_rescan) {
                        queue.extend(self.store.pods.keys().cloned());
                    }
                    queue.append(&mut self.store.written_pods);
                    let later = self.kubelet_timers.split_off(&Time(now.0 + 1));
                    for (_, keys) in std::mem::replace(&mut self.kubelet_timers, later) {
                        queue.extend(keys);
                    }
                    // The pods kept queued, in the queue's order (built at once at the end,
                    // not searched for one by one).
                    let mut kept = Vec::new();
                    for k in queue {
                        // Gone, or not bound yet: the next write brings it back.
                        let Some(p) = self.store.pods.get(&k) else { continue };
                        if p.spec.node_name.is_empty() {
                            continue;
                        }
                        if !self.machines.contains_key(&p.spec.node_name) {
                            kept.push(k);
                            continue;
                        }
                        if kubelet::pod_quiet(&self.runtimes, p, now) {
                            let wake = self
                                .runtimes
                                .get(&p.metadata.uid)
                                .and_then(|rt| rt.settled.as_ref().and_then(|(_, at)| rt.next_wakeup(*at)));
                            if let Some(t) = wake {
                                self.kubelet_timers.entry(t).or_default().push(k);
                            }
                            continue;
                        }
                        by_node.entry(p.spec.node_name.as_str()).or_default().push(k.clone());
                        kept.push(k);
                    }
                    self.kubelet_queue = kept.into_iter().collect();
                    let mut by_node: Vec<(String, Vec<(String, String)>)> =
                        by_node.into_iter().map(|(n, keys)| (n.to_string(), keys)).collect();
                    by_node.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    // The queue must find exactly the pods a look at every pod would find
                    // (checked in the tests' builds, where every scenario runs through it).
                    #[cfg(debug_assertions)]
                    {
                        let mut all: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
                        for p in self.store.pods.values() {
                            if !p.spec.node_name.is_empty()
                                && self.machines.contains_key(&p.spec.node_name)
                                && !kubelet::pod_quiet(&self.runtimes, p, now)
                            {
                                all.entry(p.spec.node_name.clone())
                                    .or_default()
                                    .push((p.metadata.namespace.clone(), p.metadata.name.clone()));
                            }
                        }
                        assert_eq!(
                            all.into_iter().collect::<Vec<_>>(),
                            by_node,
                            "the kubelets' queue missed pods that have something to do"
                        );
                    }
                    pass.by_node = by_node;
                }
                // Nodes in turn until about KUBELET_PODS_PER_STEP pods have synced.
                let count = pass.by_node.len();
                let mut synced = 0;
                while let Some((n, keys)) = pass.by_node.get(pass.node) {
                    let pods: Vec<&Pod> = keys.iter().filter_map(|k| self.store.pods.get(k)).collect();
                    if let Some(m) = self.machines.get_mut(n) {
                        let mut k = Kubelet { machine: m, runtimes: &mut self.runtimes, timings: &self.config.timings };
                        pass.kubelets.extend(k.sync(&self.store, &pods, now));
                    }
                    pass.node += 1;
                    synced += pods.len();
                    if synced >= KUBELET_PODS_PER_STEP {
                        break;
                    }
                }
                if pass.node < count {
                    return;
                }
                (Who::Kubelets, std::mem::take(&mut pass.kubelets))
            }
            10 => (Who::Controllers, controllers::endpoints::reconcile_all(&self.store, now)),
            11 => (Who::Controllers, controllers::service_lb::reconcile(&self.store, now)),
            _ => (Who::Controllers, Vec::new()),
        };
        pass.pending.extend(actions.into_iter().map(|a| (who, a)));
        pass.stage += 1;
    }

    /// The garbage collector, over what was written since it last looked unless something
    /// was deleted (see `gc::reconcile_written`).
    pub(crate) fn gc_stage(&mut self, now: Time) -> Vec<Action> {
        let written = std::mem::take(&mut self.store.gc_written);
        if std::mem::take(&mut self.store.gc_deleted) {
            return controllers::gc::reconcile_all(&self.store, now);
        }
        let out = controllers::gc::reconcile_written(&self.store, &written);
        #[cfg(debug_assertions)]
        assert_eq!(
            out,
            controllers::gc::reconcile_all(&self.store, now),
            "the garbage collector's queue missed objects"
        );
        out
    }

    /// The pod garbage collector, over the pods written since it last looked and those it
    /// is waiting on, unless a Node was deleted (see `podgc::reconcile_pods`).
    pub(crate) fn podgc_stage(&mut self, now: Time) -> Vec<Action> {
        let mut queue = std::mem::take(&mut self.podgc_waiting);
        queue.append(&mut self.store.podgc_written);
        let mut acted = Vec::new();
        let node_deleted = std::mem::take(&mut self.store.podgc_node_deleted);
        let (store, timings) = (&self.store, &self.config.timings);
        let out = if node_deleted {
            controllers::podgc::reconcile_pods(store, store.pods.values(), &self.node_gone, timings, now, &mut acted)
        } else {
            controllers::podgc::reconcile_pods(
                store,
                queue.iter().filter_map(|k| store.pods.get(k)),
                &self.node_gone,
                timings,
                now,
                &mut acted,
            )
        };
        #[cfg(debug_assertions)]
        assert_eq!(
            out,
            controllers::podgc::reconcile(store, &self.node_gone, timings, now),
            "the pod garbage collector's queue missed pods"
        );
        self.podgc_waiting = acted.into_iter().collect();
        out
    }

    /// A pod's runtime, to change outside its kubelet's sync: the pod goes back on the
    /// kubelets' queue (the change may give it something to do).
    pub(crate) fn runtime_mut(&mut self, uid: &str) -> Option<&mut PodRuntime> {
        let key = self.runtimes.get(uid)?.key.clone();
        self.kubelet_queue.insert(key);
        self.runtimes.get_mut(uid)
    }

    /// Applies one part of the cluster's actions and counts the writes they made.
    pub(crate) fn apply_by(&mut self, who: Who, action: Action) {
        let before = self.store.resource_version();
        let kubelet_status = match (&action, who) {
            (Action::PodStatus { namespace, name, bind: None, .. }, Who::Kubelets) => {
                Some((namespace.clone(), name.clone()))
            }
            _ => None,
        };
        self.apply(action);
        let n = self.store.resource_version() - before;
        if let Some(k) = kubelet_status.filter(|_| n > 0) {
            // The kubelet posted the status its runtime gives now, so the pod is settled as
            // written: syncing it again at this instant would post nothing new.
            // (A pod being deleted is never settled: its kubelet stops it instead.)
            if let Some(p) = self.store.pods.get(&k).filter(|p| p.metadata.deletion_timestamp.is_none()) {
                if let Some(rt) = self.runtimes.get_mut(&p.metadata.uid) {
                    rt.settled = Some((p.metadata.resource_version.clone(), self.now));
                }
                // Checked in the tests' builds: that sync, on copies, changes nothing.
                #[cfg(debug_assertions)]
                if let (Some(rt), Some(m)) = (self.runtimes.get(&p.metadata.uid), self.machines.get(&p.spec.node_name))
                {
                    let (mut machine, mut copy) = (m.clone(), rt.clone());
                    copy.settled = None;
                    let mut runtimes = kubelet::Runtimes::default();
                    runtimes.insert(p.metadata.uid.clone(), copy);
                    let mut k =
                        Kubelet { machine: &mut machine, runtimes: &mut runtimes, timings: &self.config.timings };
                    let actions = k.sync(&self.store, &[p], self.now);
                    assert_eq!(actions, Vec::new(), "a pod settled as its kubelet wrote it had more to post");
                    assert_eq!(
                        (runtimes.get(&p.metadata.uid), &machine),
                        (Some(rt), m),
                        "a pod settled as its kubelet wrote it had more to do"
                    );
                }
            }
        }
        match who {
            Who::Scheduler => self.activity.scheduler += n,
            Who::Controllers => self.activity.controllers += n,
            Who::Kubelets => self.activity.kubelets += n,
        }
    }
}
