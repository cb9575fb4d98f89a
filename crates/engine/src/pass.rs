//! A controller pass: every controller, the scheduler, the probe workers and the kubelets
//! in a fixed order (`Stage`), each deciding actions against the store as it stands. A pass
//! can stop between its stages, inside the kubelets' stage (between nodes) or every few
//! actions, and resume exactly where it stopped.

use crate::*;
use causes::{Actor, Because, Rule, Trigger};
use controllers::endpoints::EndpointsController;
use controllers::gc::GarbageCollector;
use controllers::podgc::PodGarbageCollector;
use controllers::replicaset::ReplicaSetController;
use kubelet::{queue::ByNode, Kubelet, PodRuntime, WorkQueue};
use scheduler::Scheduler;
use store::Cursor;

/// The stages of a controller pass, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stage {
    NodeLifecycle,
    /// The HPA controller (before the workload controllers, which act on what it scales).
    HorizontalPodAutoscaler,
    Deployment,
    ReplicaSet,
    StatefulSet,
    /// The Job controller, then the TTL-after-finished controller that deletes finished Jobs.
    Job,
    TtlAfterFinished,
    Volumes,
    GarbageCollector,
    PodGarbageCollector,
    /// A slice of the scheduling queue at a time, each slice's bindings applied before the next.
    Scheduler,
    Probes,
    /// One node (or a few) at a time.
    Kubelets,
    Endpoints,
    ServiceLb,
    /// The ingress-nginx controller's own loop (when the add-on runs), after the load
    /// balancer controller whose address it publishes.
    IngressNginx,
    /// The API server's APIService availability check, after the endpoints it reads.
    ApiServiceAvailability,
}

impl Stage {
    const ALL: [Stage; 17] = [
        Stage::NodeLifecycle,
        Stage::HorizontalPodAutoscaler,
        Stage::Deployment,
        Stage::ReplicaSet,
        Stage::StatefulSet,
        Stage::Job,
        Stage::TtlAfterFinished,
        Stage::Volumes,
        Stage::GarbageCollector,
        Stage::PodGarbageCollector,
        Stage::Scheduler,
        Stage::Probes,
        Stage::Kubelets,
        Stage::Endpoints,
        Stage::ServiceLb,
        Stage::IngressNginx,
        Stage::ApiServiceAvailability,
    ];

    /// The component that runs this stage, by the name its events carry (None: the kubelets).
    fn component(self) -> Option<&'static str> {
        Some(match self {
            Stage::NodeLifecycle => controllers::node_lifecycle::NAME,
            Stage::HorizontalPodAutoscaler => controllers::hpa::NAME,
            Stage::Deployment => controllers::deployment::NAME,
            Stage::ReplicaSet => controllers::replicaset::NAME,
            Stage::StatefulSet => controllers::statefulset::NAME,
            Stage::Job => controllers::job::NAME,
            Stage::TtlAfterFinished => controllers::ttl_after_finished::NAME,
            Stage::Volumes => controllers::volumes::NAME,
            Stage::GarbageCollector => controllers::gc::NAME,
            Stage::PodGarbageCollector => controllers::podgc::NAME,
            Stage::Scheduler => scheduler::NAME,
            Stage::Probes | Stage::Kubelets => return None,
            Stage::Endpoints => controllers::endpoints::NAME,
            Stage::ServiceLb => controllers::service_lb::NAME,
            Stage::IngressNginx => controllers::ingress_nginx::NAME,
            Stage::ApiServiceAvailability => controllers::apiservice_availability::NAME,
        })
    }

    /// The stage after this one, if any.
    fn next(self) -> Option<Stage> {
        Stage::ALL.get(self as usize + 1).copied()
    }
}

/// What the controllers, the scheduler and the kubelets keep between passes: each its own
/// place in the store's change log and what it has worked out from it. The stages without
/// state (the deployment, statefulset, volume and load balancer controllers, the
/// node lifecycle controller) look at the store afresh each pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct Controllers {
    pub replicaset: ReplicaSetController,
    pub gc: GarbageCollector,
    pub podgc: PodGarbageCollector,
    pub scheduler: Scheduler,
    pub kubelets: WorkQueue,
    pub endpoints: EndpointsController,
    /// What the HPA controller remembers (recent recommendations and scale events).
    pub hpa: controllers::hpa::HpaController,
    /// The Ingress versions each ingress-nginx controller pod has taken in (and logged).
    pub ingress_nginx_seen: controllers::ingress_nginx_annotations::Seen,
}

impl Controllers {
    /// The oldest place any of them stands in the change log: the store may forget what
    /// comes before it.
    fn oldest_cursor(&self) -> Cursor {
        [
            self.replicaset.cursor(),
            self.gc.cursor(),
            self.podgc.cursor(),
            self.kubelets.cursor(),
            self.endpoints.cursor(),
        ]
        .into_iter()
        .min()
        .unwrap_or_default()
    }
}

/// A controller pass under way. Stopping between its stages or actions and going on later
/// changes nothing: the clock does not move and nothing else writes until it is done.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Pass {
    /// The next stage to run; None once every stage has run.
    stage: Option<Stage>,
    /// Within the kubelets' stage: the next node to sync.
    node: usize,
    /// Within the scheduler's stage: pods of the queue that did not fit (they stay at its front).
    unschedulable: usize,
    /// Within the kubelets' stage: each node's pods, as the stage found them.
    by_node: ByNode,
    /// The store's resourceVersion when the pass began.
    before: u64,
    /// Actions decided and not yet applied, with who decided them.
    pending: std::collections::VecDeque<(Who, Action)>,
    /// The kubelets' actions so far: applied once every node has synced against the same store.
    kubelets: Vec<Action>,
}

impl Pass {
    fn new(before: u64) -> Pass {
        Pass {
            stage: Some(Stage::NodeLifecycle),
            node: 0,
            unschedulable: 0,
            by_node: Vec::new(),
            before,
            pending: Default::default(),
            kubelets: Vec::new(),
        }
    }
}

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
        let mut pass = match self.pass.take() {
            Some(pass) => pass,
            None => {
                // What a pass writes is because of its stages, not of the command before it.
                self.store.causes.clear();
                Pass::new(self.store.resource_version())
            }
        };
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
            let Some(stage) = pass.stage else {
                // Every reader has read what was written before its last look.
                self.store.forget_changes_before(self.controllers.oldest_cursor());
                self.attribute_to_command();
                return Some(self.store.resource_version() != pass.before);
            };
            if self.run_stage(stage, &mut pass) {
                pass.stage = stage.next();
            }
            if out_of_time() {
                self.pass = Some(pass);
                return None;
            }
        }
    }

    /// Runs a pass's stage (or, in the scheduler's and kubelets' stages, their next part):
    /// what it decides goes to `pass.pending`, in the order the stages always ran. True once
    /// the stage is done.
    fn run_stage(&mut self, stage: Stage, pass: &mut Pass) -> bool {
        // Whoever runs the stage wrote what it decides, unless it says more (`Action::Cause`).
        let actor = match stage.component() {
            Some(name) => Actor::Component(name),
            None => Actor::Kubelet,
        };
        let because = Because { actor, rule: Rule::Unexplained, trigger: Trigger::None };
        if stage == Stage::NodeLifecycle {
            // Kubelets that come back register their nodes first.
            let back = Because { actor: Actor::Kubelet, rule: Rule::KubeletBack, trigger: Trigger::Target };
            self.store.causes.set(back, self.now);
        }
        let who = match stage {
            Stage::Scheduler => Who::Scheduler,
            Stage::Probes | Stage::Kubelets => Who::Kubelets,
            _ => Who::Controllers,
        };
        pass.pending.push_back((who, Action::Cause(Box::new(because))));
        let now = self.now;
        if stage == Stage::IngressNginx {
            self.log_ingress_annotations();
        }
        if stage == Stage::HorizontalPodAutoscaler {
            // It reads metrics-server's numbers, which the engine as a whole holds.
            let mut hpa = std::mem::take(&mut self.controllers.hpa);
            let actions = hpa.reconcile(&self.store, &*self, now);
            self.controllers.hpa = hpa;
            pass.pending.extend(actions.into_iter().map(|a| (Who::Controllers, a)));
            return true;
        }
        let (store, timings) = (&self.store, &self.config.timings);
        let c = &mut self.controllers;
        let actions = match stage {
            Stage::NodeLifecycle => self.node_lifecycle_stage(),
            Stage::HorizontalPodAutoscaler => Vec::new(),
            Stage::Deployment => controllers::deployment::reconcile_all(store, now),
            Stage::ReplicaSet => c.replicaset.reconcile(store, now),
            Stage::StatefulSet => controllers::statefulset::reconcile_all(store, now),
            Stage::Job => controllers::job::reconcile_all(store, now),
            Stage::TtlAfterFinished => controllers::ttl_after_finished::reconcile_all(store, now),
            Stage::Volumes => controllers::volumes::reconcile(store, now),
            Stage::GarbageCollector => c.gc.reconcile(store, now),
            Stage::PodGarbageCollector => c.podgc.reconcile(store, &self.node_gone, timings, now),
            Stage::Scheduler => {
                let (actions, failed, more) = c.scheduler.reconcile_slice(store, now, pass.unschedulable);
                pass.pending.extend(actions.into_iter().map(|a| (Who::Scheduler, a)));
                pass.unschedulable += failed;
                return !more;
            }
            Stage::Probes => {
                let actions = self.run_probes();
                pass.pending.extend(actions.into_iter().map(|a| (Who::Kubelets, a)));
                return true;
            }
            Stage::Kubelets => {
                let Some(actions) = self.kubelets_stage(pass) else { return false };
                pass.pending.extend(actions.into_iter().map(|a| (Who::Kubelets, a)));
                return true;
            }
            Stage::Endpoints => c.endpoints.reconcile(store, now),
            Stage::ServiceLb => controllers::service_lb::reconcile(store, now),
            Stage::IngressNginx => controllers::ingress_nginx::reconcile(store, now),
            Stage::ApiServiceAvailability => controllers::apiservice_availability::reconcile(store, now),
        };
        pass.pending.extend(actions.into_iter().map(|a| (Who::Controllers, a)));
        true
    }

    /// The node lifecycle controller, after the kubelets that came back have posted Ready.
    fn node_lifecycle_stage(&mut self) -> Vec<Action> {
        self.rejoin_nodes();
        let now = self.now;
        let machines = &self.machines;
        let health = |n: &str| match machines.get(n) {
            Some(m) => NodeHealth { last_renew: m.last_renew, alive: m.alive && m.rejoin_at.is_none_or(|t| t <= now) },
            None => NodeHealth { last_renew: Time(0), alive: false },
        };
        node_lifecycle::reconcile(&self.store, &health, &self.config.timings, now)
    }

    /// The kubelets' next nodes: their actions once every node has synced (None before).
    /// Each kubelet sees its own pods and acts on its own pods and node only, so all of them
    /// sync against this pass's store (a few nodes per step) and their actions are applied
    /// afterwards, node by node in name order. The pods are grouped once per pass (the store
    /// does not change until every node has synced); pods with nothing to do are left out
    /// (syncing them would do nothing): only the work queue's pods can have something to do.
    fn kubelets_stage(&mut self, pass: &mut Pass) -> Option<Vec<Action>> {
        let now = self.now;
        if pass.node == 0 {
            pass.by_node = self.controllers.kubelets.take_due(&self.store, &self.machines, &self.runtimes, now);
        }
        // Nodes in turn until about KUBELET_PODS_PER_STEP pods have synced.
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
        (pass.node >= pass.by_node.len()).then(|| std::mem::take(&mut pass.kubelets))
    }

    /// A pod's runtime, to change outside its kubelet's sync: the pod goes back on the
    /// kubelets' queue (the change may give it something to do).
    pub(crate) fn runtime_mut(&mut self, uid: &str) -> Option<&mut PodRuntime> {
        let key = self.runtimes.get(uid)?.key.clone();
        self.controllers.kubelets.add(key);
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
        match who {
            Who::Kubelets => self.kubelet_cause(&action),
            Who::Controllers => self.controller_cause(&action),
            Who::Scheduler => {}
        }
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
