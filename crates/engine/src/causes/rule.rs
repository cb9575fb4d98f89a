//! The rules components decide by, as compact data with the numbers they used: formatted
//! only when a learner asks why (`Rule::text`), never on the hot path.

use crate::duration::format_clock;
use kubelab_api::{IntOrString, Time};

/// A setting that is a count or a percentage (maxSurge, maxUnavailable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    pub value: i32,
    pub percent: bool,
}

impl Amount {
    pub fn of(v: Option<&IntOrString>) -> Amount {
        match v {
            Some(IntOrString::Int(i)) => Amount { value: *i, percent: false },
            Some(IntOrString::String(s)) => {
                Amount { value: s.trim_end_matches('%').parse().unwrap_or(0), percent: s.ends_with('%') }
            }
            None => Amount { value: 0, percent: false },
        }
    }

    fn text(self) -> String {
        if self.percent {
            format!("{}%", self.value)
        } else {
            self.value.to_string()
        }
    }
}

/// Nodes the scheduler named in a binding's rule; the rest are counted.
pub const REJECTED_NAMED: usize = 3;

/// The nodes the scheduler's filters rejected for a pod: the first few it looked at, each
/// with its first failing filter's status (reasons in `kubectl describe`'s words), and how
/// many each filter rejected in all.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub first: Vec<(String, crate::scheduler::Status)>,
    pub by_plugin: Vec<(&'static str, u16)>,
    pub total: u32,
}

impl Rejected {
    /// `node-1: Insufficient cpu; control-plane: node(s) had untolerated taint {...}`, then
    /// `and 5 more (4 by NodeResourcesFit, 2 by TaintToleration in all)` past the first few.
    fn text(&self) -> String {
        let mut parts: Vec<String> =
            self.first.iter().map(|(node, s)| format!("{node}: {}", s.reasons.join(", "))).collect();
        let more = self.total as usize - self.first.len();
        if more > 0 {
            let counts: Vec<String> = self.by_plugin.iter().map(|(p, n)| format!("{n} by {p}")).collect();
            parts.push(format!("and {more} more ({} in all)", counts.join(", ")));
        }
        parts.join("; ")
    }
}

/// A pod whose address moved in an Endpoints, and how many others moved with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressChange {
    pub pod: String,
    pub how: AddressMove,
    pub more: u32,
}

/// How a pod's address moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressMove {
    /// From notReadyAddresses to addresses.
    BecameReady,
    /// From addresses to notReadyAddresses.
    BecameNotReady,
    /// Listed for the first time (ready or not).
    Added(bool),
    /// No longer listed: why (deleted, Terminating, no longer selected).
    Removed(&'static str),
}

impl AddressChange {
    fn text(&self) -> String {
        let how = match self.how {
            AddressMove::BecameReady => "became Ready".to_string(),
            AddressMove::BecameNotReady => "became not Ready".to_string(),
            AddressMove::Added(true) => "is selected and Ready".to_string(),
            AddressMove::Added(false) => "is selected, not Ready".to_string(),
            AddressMove::Removed(why) => format!("was removed ({why})"),
        };
        let more = if self.more > 0 { format!(" (and {} more)", self.more) } else { String::new() };
        format!("Pod {} {how}{more}", self.pod)
    }
}

/// What made a component (or a command) write, with the numbers it used.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// A console command wrote it (the command's text says what).
    Command,
    /// A component wrote without saying why (one that does not record its rules yet).
    Unexplained,

    // The deployment controller (pkg/controller/deployment).
    /// A ReplicaSet for the Deployment's current template, with its revision.
    NewReplicaSet {
        revision: i64,
        replicas: i32,
    },
    /// The new ReplicaSet scaled up within maxSurge (NewRSNewReplicas).
    SurgeUp {
        from: i32,
        to: i32,
        replicas: i32,
        max_surge: Amount,
        surge: i32,
        total: i32,
    },
    /// An old ReplicaSet scaled down within maxUnavailable (reconcileOldReplicaSets).
    OldDown {
        from: i32,
        to: i32,
        replicas: i32,
        max_unavailable: Amount,
        unavailable: i32,
        available: i32,
    },
    /// A ReplicaSet scaled because the Deployment's replicas changed, or by Recreate.
    Scale {
        from: i32,
        to: i32,
        replicas: i32,
    },
    /// The revision annotations of the Deployment's ReplicaSets (a rollback reuses one).
    Revision {
        revision: i64,
    },
    /// An old ReplicaSet past revisionHistoryLimit deleted (cleanupDeployment).
    HistoryLimit {
        limit: i32,
    },
    /// The Deployment's status (replicas, conditions, observedGeneration).
    DeploymentStatus,

    // The ReplicaSet controller (pkg/controller/replicaset).
    /// Fewer active pods than spec.replicas: one more created.
    TooFew {
        have: i32,
        want: i32,
    },
    /// More active pods than spec.replicas: one deleted (getPodsToDelete's order).
    TooMany {
        have: i32,
        want: i32,
    },
    /// The ReplicaSet's status counts.
    ReplicaSetStatus,

    // The StatefulSet controller.
    /// Ordinal `ordinal` of `replicas` missing: under OrderedReady it is made once the pod
    /// before it is Running and Ready; under Parallel at once.
    Ordinal {
        ordinal: i32,
        replicas: i32,
        ordered: bool,
    },
    /// A pod past spec.replicas, the highest ordinal first (OrderedReady: one at a time,
    /// once every lower pod is Running and Ready).
    OrdinalScaleDown {
        ordinal: i32,
        replicas: i32,
        ordered: bool,
    },
    /// A pod of an old revision, the highest ordinal first, one at a time (RollingUpdate,
    /// from `partition` up).
    OrdinalUpdate {
        ordinal: i32,
        partition: i32,
    },
    /// A pod that Failed or Succeeded, deleted so that it is made again.
    OrdinalRecreate {
        phase: &'static str,
    },
    StatefulSetStatus,

    // The Job controller (pkg/controller/job).
    /// Fewer active pods than the Job wants (parallelism, at most the completions left): one
    /// created.
    JobPods {
        active: i32,
        want: i32,
        succeeded: i32,
        completions: Option<i32>,
    },
    /// The Job finished: enough pods succeeded, or it failed (`reason`: BackoffLimitExceeded
    /// with the failed pods and the limit, DeadlineExceeded).
    JobFinished {
        reason: &'static str,
        succeeded: i32,
        failed: i32,
        backoff_limit: i32,
    },
    /// The Job's status counts (active, ready, succeeded, failed, terminating).
    JobStatus,
    /// A finished pod counted in the Job's status: its tracking finalizer removed.
    JobCounted {
        succeeded: bool,
    },

    // The HPA controller (pkg/controller/podautoscaler).
    /// The target scaled through its scale subresource: the average utilization over the
    /// ready pods against the target, the replicas that asks for, and the normalized count
    /// (min/max, the scale-up limit, the stabilization window); no utilization when the
    /// count was outside minReplicas..maxReplicas.
    Autoscaled {
        from: i32,
        to: i32,
        utilization: Option<i32>,
        target: Option<i32>,
        ready: i32,
        recommended: i32,
    },

    // The scheduler.
    /// Bound to the node with the highest score among the feasible nodes found.
    Bound {
        score: i64,
        feasible: u32,
        looked: u32,
        nodes: u32,
        rejected: Option<Box<Rejected>>,
    },
    /// No node fits: the reasons are in the pod's PodScheduled condition.
    Unschedulable {
        nodes: u32,
        rejected: Option<Box<Rejected>>,
    },
    /// VolumeBinding's PreFilter failed for every node: a claim missing, being deleted, or
    /// not bound yet (Immediate binding).
    VolumeBindingWait {
        nodes: u32,
        reason: String,
    },

    // The kubelet.
    /// A status written after a sync (the events it recorded are read back when asked).
    Kubelet {
        ready: bool,
        phase: &'static str,
    },
    /// The pod's containers stopped after its grace period: the kubelet confirms the delete.
    ConfirmDelete,

    // The node lifecycle controller and taint eviction.
    /// The node's kubelet is back and registers its Node (or posts it Ready again).
    KubeletBack,
    /// The node's kubelet stopped renewing: Ready Unknown and the unreachable taints.
    NodeSilent {
        last_renew: Time,
        grace_ms: u64,
    },
    /// TaintNodesByCondition: spec.unschedulable (kubectl cordon) added, or uncordon
    /// removed, the node.kubernetes.io/unschedulable:NoSchedule taint.
    UnschedulableTaint {
        added: bool,
    },
    /// The pod's node is not Ready, so neither is the pod (MarkPodsNotReady).
    NodeNotReady,
    /// A NoExecute taint not tolerated (or tolerated for `toleration` seconds) since `added`.
    TaintEviction {
        added: Time,
        toleration: Option<i64>,
        unreachable: bool,
    },

    // Others.
    /// The Endpoints of a Service: its ready and not-ready addresses, and the pod whose
    /// change made it write.
    Endpoints {
        ready: u32,
        not_ready: u32,
        change: Option<Box<AddressChange>>,
    },
    /// The garbage collector: every owner of the object is gone (`owner`: `ReplicaSet
    /// web-5f9`), so it is deleted with propagationPolicy Background.
    OwnerGone {
        owner: Box<str>,
    },
    /// The pod garbage collector: a pod bound to a Node that no longer exists, deleted once
    /// the Node has been gone for the quarantine (gcOrphaned).
    PodGcOrphaned {
        node: Box<str>,
        gone_at: Time,
        quarantine_ms: u64,
    },
    /// The pod garbage collector: a terminating pod that was never scheduled, deleted at
    /// once (gcUnscheduledTerminating).
    PodGcUnscheduled,
    /// The PersistentVolume controller and the provisioner.
    Volume(Box<VolumeRule>),
    /// The service controller: a LoadBalancer Service's external IP (None: removed, the
    /// Service is no longer of type LoadBalancer).
    LoadBalancer {
        ip: Option<Box<str>>,
        after_ms: u64,
    },
    /// The API server's availability controller: an APIService's Available condition and
    /// its reason (MissingEndpoints, Passed...).
    ApiServiceAvailable {
        available: bool,
        reason: &'static str,
    },
}

/// What the PersistentVolume controller decided, by its names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VolumeRule {
    /// A claim bound to a volume: one that was Available and fits, or the one provisioned
    /// for it (`provisioner`).
    Bound { claim: String, volume: String, provisioner: Option<String> },
    /// Dynamic provisioning: the claim's StorageClass names a provisioner, which made a volume.
    Provisioned { class: String, provisioner: String, after_ms: u64 },
    /// The volume's claim is gone: deleted (reclaim policy Delete) or Released (Retain).
    Released { deleted: bool },
    /// kubernetes.io/pvc-protection: no pod uses the claim being deleted any more.
    ClaimUnused,
}

impl VolumeRule {
    fn text(&self, object: &str) -> String {
        match self {
            VolumeRule::Bound { claim, volume, provisioner: None } => format!(
                "claim {claim} asks for a size, access modes and storageClassName that Available volume {volume} has: bound them to each other"
            ),
            VolumeRule::Bound { claim, volume, provisioner: Some(p) } => {
                format!("{p} provisioned volume {volume} for claim {claim}: bound them to each other")
            }
            VolumeRule::Provisioned { class, provisioner, after_ms } => format!(
                "the claim's StorageClass {class} names provisioner {provisioner} (dynamic provisioning): it made {object}, {} after the claim (ProvisioningSucceeded)",
                format_clock(*after_ms)
            ),
            VolumeRule::Released { deleted: true } => {
                format!("its claim is gone and persistentVolumeReclaimPolicy is Delete: deleted {object}")
            }
            VolumeRule::Released { deleted: false } => format!(
                "its claim is gone and persistentVolumeReclaimPolicy is Retain: {object} is Released, kept with its data"
            ),
            VolumeRule::ClaimUnused => {
                format!("no pod uses {object} any more: kubernetes.io/pvc-protection lets its deletion finish")
            }
        }
    }
}

/// `1 replica`, `3 replicas`.
fn count(n: i32, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

impl Rule {
    /// A status write that the next one of the same kind by the same writer makes stale.
    pub fn is_status(&self) -> bool {
        matches!(self, Rule::DeploymentStatus | Rule::ReplicaSetStatus | Rule::StatefulSetStatus)
    }

    /// The rule in the learner's words, with upstream's names and the numbers used.
    /// `object` names what was written (`ReplicaSet web-5f9`).
    pub fn text(&self, object: &str) -> String {
        match self {
            Rule::Command => String::new(),
            Rule::Unexplained => format!("wrote {object}"),
            Rule::Autoscaled { from, to, utilization, target, ready, recommended } => match (utilization, target) {
                (Some(u), Some(t)) => {
                    let limited = if recommended != to {
                        format!(" (limited to {to} by the HPA's min/max, scale-up limit or stabilization window)")
                    } else {
                        String::new()
                    };
                    format!(
                        "average CPU {u}% of requests over {}, target {t}% (tolerance 10%): {} wanted{limited}; scaled {object} from {from} to {to}",
                        count(*ready, "ready pod"),
                        count(*recommended, "replica")
                    )
                }
                _ => format!("{from} replicas is outside the HPA's minReplicas..maxReplicas: scaled {object} from {from} to {to}"),
            },
            Rule::NewReplicaSet { revision, replicas } => {
                format!("no ReplicaSet has the Deployment's pod template: created {object} (revision {revision}) with {}", count(*replicas, "replica"))
            }
            Rule::SurgeUp { from, to, replicas, max_surge, surge, total } => format!(
                "maxSurge {} of {replicas} = {surge}, so {} pods may exist and {total} do: scaled {object} up from {from} to {to}",
                max_surge.text(),
                replicas + surge
            ),
            Rule::OldDown { from, to, replicas, max_unavailable, unavailable, available } => format!(
                "maxUnavailable {} of {replicas} = {unavailable}, so {} pods must stay available and {available} are: scaled {object} down from {from} to {to}",
                max_unavailable.text(),
                replicas - unavailable
            ),
            Rule::Scale { from, to, replicas } => {
                format!("the Deployment wants {replicas} replicas: scaled {object} from {from} to {to}")
            }
            Rule::Revision { revision } => format!("{object} is revision {revision}"),
            Rule::HistoryLimit { limit } => {
                format!("revisionHistoryLimit {limit}: deleted {object}, an old ReplicaSet with no pods")
            }
            Rule::DeploymentStatus => format!("updated {object}'s status"),
            Rule::TooFew { have, want } => {
                format!("the ReplicaSet has {}, wants {want}: created {object}", count(*have, "active pod"))
            }
            Rule::TooMany { have, want } => {
                format!("the ReplicaSet has {}, wants {want}: deleted {object}", count(*have, "active pod"))
            }
            Rule::ReplicaSetStatus => format!("updated {object}'s status"),
            Rule::Ordinal { ordinal, replicas, ordered } => {
                let order = match (ordered, ordinal) {
                    (true, 0) => "",
                    (true, _) => "; OrderedReady: every pod before it is Running and Ready",
                    (false, _) => "; Parallel: no waiting for the others",
                };
                format!("the StatefulSet wants {} and ordinal {ordinal} is missing{order}: created {object}", count(*replicas, "replica"))
            }
            Rule::OrdinalScaleDown { ordinal, replicas, ordered } => {
                let order = if *ordered { ", one at a time once every lower pod is Running and Ready" } else { "" };
                format!("the StatefulSet wants {}: {object} (ordinal {ordinal}) is terminating for scale down, the highest ordinal first{order}", count(*replicas, "replica"))
            }
            Rule::OrdinalUpdate { ordinal, partition } => format!(
                "{object} (ordinal {ordinal}) runs an old revision: terminating it for update (RollingUpdate: the highest ordinal first, one at a time, ordinals from partition {partition}); it is made again at the new revision"
            ),
            Rule::OrdinalRecreate { phase } => {
                format!("{object} is {phase}: the StatefulSet is recreating the failed pod (deleted, made again with the same name)")
            }
            Rule::StatefulSetStatus => format!("updated {object}'s status"),
            Rule::JobPods { active, want, succeeded, completions } => {
                let done = match completions {
                    Some(c) => format!("{succeeded} of {c} completions succeeded"),
                    None => format!("{} succeeded", count(*succeeded, "pod")),
                };
                format!("the Job has {} and wants {want} ({done}): created {object}", count(*active, "active pod"))
            }
            Rule::JobFinished { reason, succeeded, failed, backoff_limit } => match *reason {
                "BackoffLimitExceeded" => format!(
                    "{} failed, more than backoffLimit {backoff_limit} allows (or restarts reached it): {object} failed, BackoffLimitExceeded",
                    count(*failed, "pod")
                ),
                "FailedIndexes" => {
                    format!("every index succeeded or failed past backoffLimitPerIndex: {object} failed, FailedIndexes")
                }
                "MaxFailedIndexesExceeded" => {
                    format!("more indexes failed than maxFailedIndexes allows: {object} failed, MaxFailedIndexesExceeded")
                }
                "DeadlineExceeded" => {
                    format!("{object} ran longer than activeDeadlineSeconds: its pods deleted, failed, DeadlineExceeded")
                }
                _ => format!("{} succeeded, as many as it needs: {object} complete", count(*succeeded, "pod")),
            },
            Rule::JobStatus => format!("updated {object}'s status"),
            Rule::JobCounted { succeeded } => format!(
                "counted {object} as {} in the Job's status: removed its batch.kubernetes.io/job-tracking finalizer",
                if *succeeded { "succeeded" } else { "failed" }
            ),
            Rule::Bound { score, feasible, looked, nodes, rejected } => {
                let mut s = format!(
                    "bound {object}: the node scored {score}, the highest of {} ({looked} of {nodes} looked at)",
                    count(*feasible as i32, "feasible node")
                );
                if let Some(r) = rejected {
                    s.push_str(&format!("; filtered out: {}", r.text()));
                }
                s
            }
            Rule::Unschedulable { nodes, rejected } => {
                let why = rejected.as_ref().map_or(String::new(), |r| format!(" ({})", r.text()));
                format!("no node of {nodes} fits {object}: FailedScheduling{why}")
            }
            Rule::VolumeBindingWait { nodes, reason } => {
                format!("VolumeBinding: {reason}, so no node of {nodes} fits {object} yet: FailedScheduling")
            }
            Rule::Kubelet { ready, phase } => {
                format!("posted {object}'s status: {phase}, {}", if *ready { "Ready" } else { "not Ready" })
            }
            Rule::ConfirmDelete => format!("the containers have stopped: confirmed the deletion of {object}"),
            Rule::NodeSilent { last_renew, grace_ms } => format!(
                "the kubelet last renewed its lease at {}; nothing for {} (node-monitor-grace-period): {object} Ready Unknown, tainted node.kubernetes.io/unreachable",
                format_clock(last_renew.0),
                format_clock(*grace_ms)
            ),
            Rule::KubeletBack => format!("the kubelet is back: posted {object} Ready"),
            Rule::UnschedulableTaint { added: true } => format!(
                "spec.unschedulable is true (cordoned): added the taint node.kubernetes.io/unschedulable:NoSchedule to {object} (TaintNodesByCondition): pods that do not tolerate it are not scheduled there"
            ),
            Rule::UnschedulableTaint { added: false } => format!(
                "spec.unschedulable is false (uncordoned): removed the taint node.kubernetes.io/unschedulable:NoSchedule from {object} (TaintNodesByCondition)"
            ),
            Rule::NodeNotReady => format!("its node is not Ready: marked {object} not Ready"),
            Rule::TaintEviction { added, toleration, unreachable } => {
                let taint = if *unreachable { "node.kubernetes.io/unreachable" } else { "a NoExecute taint" };
                match toleration {
                    Some(s) => format!(
                        "{taint} since {}, tolerated for {s}s (until {}): evicted {object}",
                        format_clock(added.0),
                        format_clock(added.0 + (*s).max(0) as u64 * 1000)
                    ),
                    None => format!("{taint} since {}, not tolerated: evicted {object}", format_clock(added.0)),
                }
            }
            Rule::Endpoints { ready, not_ready, change } => {
                let change = change.as_ref().map_or(String::new(), |c| format!("{}; ", c.text()));
                format!("{change}the Service's selector matches {ready} ready and {not_ready} not-ready pod(s): wrote {object}")
            }
            Rule::OwnerGone { owner } => {
                format!("its owner {owner} is gone: deleted {object} (propagationPolicy Background)")
            }
            Rule::PodGcOrphaned { node, gone_at, quarantine_ms } => format!(
                "PodGC: node no longer exists ({node}, gone since {}; pods bound to a missing node are deleted after {} of quarantine, checked every 20s): deleted {object}",
                format_clock(gone_at.0),
                format_clock(*quarantine_ms)
            ),
            Rule::PodGcUnscheduled => {
                format!("{object} is terminating and was never scheduled, so no kubelet will confirm it: deleted it at once")
            }
            Rule::Volume(v) => v.text(object),
            Rule::LoadBalancer { ip: Some(ip), after_ms } => format!(
                "{object} is of type LoadBalancer: ensured a load balancer and assigned external IP {ip} from 172.18.255.0/24, {} after it was created (EnsuredLoadBalancer)",
                format_clock(*after_ms)
            ),
            Rule::LoadBalancer { ip: None, .. } => {
                format!("{object} is no longer of type LoadBalancer: removed its load balancer ingress")
            }
            Rule::ApiServiceAvailable { available, reason } => format!(
                "{object}: checked the Service behind it (exists, listens on the port, has a ready endpoint with that port's name): Available {} ({reason})",
                if *available { "True" } else { "False" }
            ),
        }
    }
}
