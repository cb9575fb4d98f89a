//! The node lifecycle controller (pkg/controller/nodelifecycle) and its taint-based
//! eviction: a node whose lease is not renewed for node-monitor-grace-period becomes
//! Ready=Unknown and is tainted `node.kubernetes.io/unreachable`; its pods are marked not
//! ready at once and evicted when their toleration for the taint runs out (300 s by default).

use crate::causes::{Because, Rule, Trigger};
use crate::store::{object_ref, pod_ref, Action, EventSpec, Store};
use kubelab_api::*;

pub const NAME: &str = "node-controller";
/// The taint eviction controller (its events' source).
pub const EVICTION: &str = "taint-eviction-controller";

/// The cause of the writes that follow.
fn because(rule: Rule, trigger: Trigger) -> Action {
    Action::Cause(Box::new(Because::component(NAME, rule, trigger)))
}
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// What the controller knows about a node's kubelet: when its lease was last renewed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NodeHealth {
    pub last_renew: Time,
    pub alive: bool,
}

pub fn ready_condition(n: &Node) -> Option<&NodeCondition> {
    n.status.conditions.iter().find(|c| c.type_ == "Ready")
}

pub fn is_node_ready(n: &Node) -> bool {
    ready_condition(n).is_some_and(|c| c.status == "True")
}

/// The monitor tick at or after `t` (ticks every node-monitor-period from time zero).
pub fn next_tick(t: u64, period: u64) -> u64 {
    t.div_ceil(period) * period
}

/// The instant the controller notices a silent node: the first monitor tick strictly after
/// last renewal + grace period.
pub fn unknown_at(last_renew: Time, grace_ms: u64, period_ms: u64) -> Time {
    Time(next_tick(last_renew.0 + grace_ms + 1, period_ms))
}

pub fn reconcile(
    store: &Store,
    health: &dyn Fn(&str) -> NodeHealth,
    timings: &crate::config::Timings,
    now: Time,
) -> Vec<Action> {
    let mut out = Vec::new();
    for node in store.nodes.values() {
        // TaintNodesByCondition: a cordoned node carries the unschedulable taint.
        let has_taint = node.spec.taints.iter().any(|t| t.key == UNSCHEDULABLE);
        if node.spec.unschedulable != has_taint {
            let mut next = node.clone();
            if node.spec.unschedulable {
                next.spec.taints.push(Taint {
                    key: UNSCHEDULABLE.into(),
                    value: String::new(),
                    effect: "NoSchedule".into(),
                    time_added: Some(now),
                });
            } else {
                next.spec.taints.retain(|t| t.key != UNSCHEDULABLE);
            }
            out.push(because(Rule::UnschedulableTaint { added: node.spec.unschedulable }, Trigger::Target));
            out.push(Action::update(Object::Node(next)));
        }
        let h = health(&node.metadata.name);
        let ready = is_node_ready(node);
        if h.alive {
            // The taint eviction controller acts on any NoExecute taint (`kubectl taint
            // ... :NoExecute`), not only on a lost node's.
            out.extend(evict_expired(node, store, now));
        }
        if h.alive && !ready {
            continue; // the kubelet itself reports Ready again when it comes back
        }
        if !h.alive && ready {
            let at = unknown_at(h.last_renew, timings.node_monitor_grace_ms, timings.node_monitor_period_ms);
            if now < at {
                out.push(Action::Requeue(at));
                continue;
            }
            let rule = Rule::NodeSilent { last_renew: h.last_renew, grace_ms: timings.node_monitor_grace_ms };
            out.push(because(rule, Trigger::Target));
            out.extend(mark_unknown(node, store, now));
            continue;
        }
        if !h.alive {
            out.extend(evict_expired(node, store, now));
        }
    }
    out
}

/// Ready → Unknown ("Kubelet stopped posting node status."), the unreachable taints, and
/// MarkPodsNotReady.
fn mark_unknown(node: &Node, store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    let mut next = node.clone();
    for c in &mut next.status.conditions {
        c.status = "Unknown".into();
        c.reason = "NodeStatusUnknown".into();
        c.message = "Kubelet stopped posting node status.".into();
        c.last_transition_time = Some(now);
    }
    for effect in ["NoSchedule", "NoExecute"] {
        if !next.spec.taints.iter().any(|t| t.key == UNREACHABLE && t.effect == effect) {
            next.spec.taints.push(Taint {
                key: UNREACHABLE.into(),
                value: String::new(),
                effect: effect.into(),
                time_added: if effect == "NoExecute" { Some(now) } else { None },
            });
        }
    }
    out.push(Action::update(Object::Node(next.clone())));
    out.push(Action::Event(EventSpec::normal(
        object_ref(&Object::Node(next)),
        "NodeNotReady",
        format!("Node {} status is now: NodeNotReady", node.metadata.name),
        NAME,
    )));
    out.push(because(Rule::NodeNotReady, Trigger::Object("Node", (String::new(), node.metadata.name.clone()))));
    for p in store.pods.values().filter(|p| p.spec.node_name == node.metadata.name) {
        let mut st = p.status.clone();
        let mut changed = false;
        for c in &mut st.conditions {
            if c.type_ == "Ready" && c.status != "False" {
                c.status = "False".into();
                c.last_transition_time = Some(now);
                changed = true;
            }
        }
        if changed {
            out.push(crate::store::pod_status(p, None, st));
        }
    }
    out
}

/// NoExecute taint manager: evict pods whose toleration of the taint has run out.
fn evict_expired(node: &Node, store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    let taints: Vec<&Taint> = node.spec.taints.iter().filter(|t| t.effect == "NoExecute").collect();
    if taints.is_empty() {
        return out;
    }
    for p in store
        .pods
        .values()
        .filter(|p| p.spec.node_name == node.metadata.name && p.metadata.deletion_timestamp.is_none())
    {
        // The earliest moment any taint stops being tolerated, and why.
        let mut evict_at: Option<u64> = None;
        let mut rule = Rule::Unexplained;
        for t in &taints {
            let added = t.time_added.unwrap_or_default().0;
            let tol = p.spec.tolerations.iter().find(|tol| tol.tolerates(t));
            let at = match tol {
                None => added,
                Some(tol) => match tol.toleration_seconds {
                    None => continue, // tolerated forever
                    Some(s) => added + (s.max(0) as u64) * 1000,
                },
            };
            if evict_at.is_none_or(|e| at < e) {
                let toleration = tol.and_then(|tol| tol.toleration_seconds);
                rule = Rule::TaintEviction { added: Time(added), toleration, unreachable: t.key == UNREACHABLE };
            }
            evict_at = Some(evict_at.map_or(at, |e: u64| e.min(at)));
        }
        let Some(at) = evict_at else { continue };
        if now.0 < at {
            out.push(Action::Requeue(Time(at)));
            continue;
        }
        let node_key = (String::new(), node.metadata.name.clone());
        out.push(Action::Cause(Box::new(Because::component(EVICTION, rule, Trigger::Object("Node", node_key)))));
        out.push(Action::Event(EventSpec::normal(
            pod_ref(p),
            "TaintManagerEviction",
            format!("Marking for deletion Pod {}/{}", p.metadata.namespace, p.metadata.name),
            EVICTION,
        )));
        out.push(Action::Delete {
            kind: "Pod",
            namespace: p.metadata.namespace.clone(),
            name: p.metadata.name.clone(),
            grace: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kubelet renewing every 10 s that dies just after renewing at t=100 s is noticed at
    /// the first 5 s monitor tick after 100 + 40 s: t=145 s.
    #[test]
    fn a_silent_node_is_noticed_after_the_grace_period() {
        assert_eq!(unknown_at(Time(100_000), 40_000, 5_000), Time(145_000));
        assert_eq!(unknown_at(Time(102_000), 40_000, 5_000), Time(145_000));
    }
}
