//! Which pod `kubectl logs|exec|port-forward TYPE/NAME` talks to, as kubectl's
//! polymorphichelpers pick it: the object's label selector (SelectorsForObject) lists the
//! pods, and GetFirstPod sorts them and takes the first.
//!
//! - `logs` sorts with `podutils.ByLogging`: assigned, Running, Ready, ready longest, *most*
//!   restarts (the crashing one is the interesting one), oldest.
//! - `exec` and `port-forward` sort with `sort.Reverse(podutils.ActivePods)`: the same, except
//!   that the pod with the *fewest* restarts comes first.
//!
//! Source: k8s.io/kubectl/pkg/polymorphichelpers (attachablepodforobject.go,
//! logsforobject.go, helpers.go GetFirstPod) and k8s.io/kubectl/pkg/util/podutils
//! (podutils.go ActivePods, ByLogging), v1.31. Times compare in whole seconds, as the API
//! serves them; ties keep the list's (name) order, as Go's insertion sort does for short lists.

use kubelab_api::{object, Pod};
use kubelab_engine::controllers::{is_pod_ready, ready_since};
use kubelab_engine::Store;
use std::cmp::Ordering;

/// How GetFirstPod orders the candidates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Order {
    /// `podutils.ByLogging` (kubectl logs).
    Logging,
    /// `sort.Reverse(podutils.ActivePods)` (kubectl exec, attach, port-forward).
    Active,
}

/// Why there are no candidates: kubectl's wording once the caller says what it was doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Unpickable {
    /// The whole error line (the object is not found, or a Service has no selector).
    Error(String),
    /// SelectorsForObject has no selector for this kind: `selector for *v1.ConfigMap not
    /// implemented`, after `cannot attach to` or `cannot get the logs from` (and `%T`).
    NoSelector(String),
}

impl Unpickable {
    /// The error line, `doing` being `cannot attach to` (exec, port-forward) or `cannot get
    /// the logs from` (logs).
    pub fn message(&self, doing: &str) -> String {
        match self {
            Unpickable::Error(e) => e.clone(),
            Unpickable::NoSelector(t) => format!("error: {doing} {t}: selector for {t} not implemented"),
        }
    }
}

/// The pods `kind`/`name`'s selector matches in `ns`, in the API's list order (by name).
pub fn selected_pods<'a>(store: &'a Store, ns: &str, kind: &str, name: &str) -> Result<Vec<&'a Pod>, Unpickable> {
    let key = (ns.to_string(), name.to_string());
    let not_found = || {
        let resource = object::kind_info_by_kind(kind).map(|k| k.qualified_resource()).unwrap_or_default();
        Unpickable::Error(format!("Error from server (NotFound): {resource} \"{name}\" not found"))
    };
    let in_ns = store.pods.values().filter(|p| p.metadata.namespace == ns);
    Ok(match kind {
        "Pod" => vec![store.pods.get(&key).ok_or_else(not_found)?],
        "Deployment" => {
            let s = &store.deployments.get(&key).ok_or_else(not_found)?.spec.selector;
            in_ns.filter(|p| s.matches(&p.metadata.labels)).collect()
        }
        "ReplicaSet" => {
            let s = &store.replicasets.get(&key).ok_or_else(not_found)?.spec.selector;
            in_ns.filter(|p| s.matches(&p.metadata.labels)).collect()
        }
        "StatefulSet" => {
            let s = &store.statefulsets.get(&key).ok_or_else(not_found)?.spec.selector;
            in_ns.filter(|p| s.matches(&p.metadata.labels)).collect()
        }
        // SelectorsForObject's *batchv1.Job case: its spec.selector.
        "Job" => {
            let job = store.jobs.get(&key).ok_or_else(not_found)?;
            let s = job.spec.selector.clone().unwrap_or_default();
            in_ns.filter(|p| s.matches(&p.metadata.labels)).collect()
        }
        "Service" => {
            let svc = store.services.get(&key).ok_or_else(not_found)?;
            if svc.spec.selector.is_empty() {
                return Err(Unpickable::Error(format!(
                    "error: invalid service '{name}': Service is defined without a selector"
                )));
            }
            in_ns.filter(|p| kubelab_api::service_selects(svc, &p.metadata.labels)).collect()
        }
        // Go's %T of the typed object: every kind the lab serves is in a v1 API group.
        other => return Err(Unpickable::NoSelector(format!("*v1.{other}"))),
    })
}

/// The first of `pods` in `order` (None when there are none).
pub fn first(mut pods: Vec<&Pod>, order: Order) -> Option<&Pod> {
    kubelab_api::sort::by(&mut pods, |a, b| compare(a, b, order));
    pods.first().copied()
}

/// PodPending < PodUnknown < PodRunning (podPhaseToOrdinal; other phases count as 0).
fn phase_ordinal(p: &Pod) -> u8 {
    match &*p.status.phase {
        "Running" => 2,
        "Unknown" => 1,
        _ => 0,
    }
}

fn max_restarts(p: &Pod) -> i32 {
    p.status.container_statuses.iter().map(|c| c.restart_count).max().unwrap_or(0)
}

/// Whole seconds, or None for a zero time (`afterOrZero` puts zero times last).
fn seconds(t: Option<kubelab_api::Time>) -> Option<u64> {
    t.map(|t| t.0 / 1000)
}

/// Earlier first, zero last.
fn earlier_first(a: Option<u64>, b: Option<u64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Less is better: the pod GetFirstPod returns sorts first.
fn compare(a: &Pod, b: &Pod, order: Order) -> Ordering {
    // 1. Assigned before unassigned (only when exactly one is unassigned).
    let (na, nb) = (a.spec.node_name.is_empty(), b.spec.node_name.is_empty());
    if a.spec.node_name != b.spec.node_name && (na || nb) {
        return na.cmp(&nb);
    }
    // 2. Running, then Unknown, then Pending.
    let by_phase = phase_ordinal(b).cmp(&phase_ordinal(a));
    if by_phase != Ordering::Equal {
        return by_phase;
    }
    // 3. Ready before not ready; 4. ready for longer first.
    let (ra, rb) = (is_pod_ready(a), is_pod_ready(b));
    if ra != rb {
        return rb.cmp(&ra);
    }
    if ra && rb {
        let by_ready = earlier_first(seconds(ready_since(a)), seconds(ready_since(b)));
        if by_ready != Ordering::Equal {
            return by_ready;
        }
    }
    // 5. Restarts: the most first for logs, the fewest first for exec and port-forward.
    let by_restarts = match order {
        Order::Logging => max_restarts(b).cmp(&max_restarts(a)),
        Order::Active => max_restarts(a).cmp(&max_restarts(b)),
    };
    if by_restarts != Ordering::Equal {
        return by_restarts;
    }
    // 6. Older first (a zero creation time last).
    earlier_first(seconds(a.metadata.creation_timestamp), seconds(b.metadata.creation_timestamp))
}

/// When kubectl says which container it defaulted to, the names it lists: the containers,
/// then the init containers marked `(init)` (podcmd.FindOrDefaultContainerByName and
/// AllContainerNames). None when the pod has one container and no init containers.
pub fn defaulted_from(p: &Pod) -> Option<String> {
    if p.spec.containers.len() <= 1 && p.spec.init_containers.is_empty() {
        return None;
    }
    let names: Vec<String> = p
        .spec
        .containers
        .iter()
        .map(|c| c.name.clone())
        .chain(p.spec.init_containers.iter().map(|c| format!("{} (init)", c.name)))
        .collect();
    Some(names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubelab_api::{ContainerStatus, PodCondition, Time};

    fn pod(name: &str, node: &str, phase: &str, ready_at: Option<u64>, restarts: i32, created: u64) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        p.metadata.creation_timestamp = Some(Time(created * 1000));
        p.spec.node_name = node.into();
        p.status.phase = phase.to_string().into();
        if let Some(t) = ready_at {
            p.status.conditions.push(PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition_time: Some(Time(t * 1000)),
                ..Default::default()
            });
        }
        p.status.container_statuses.push(ContainerStatus { restart_count: restarts, ..Default::default() });
        p
    }

    fn pick(pods: &[Pod], order: Order) -> String {
        first(pods.iter().collect(), order).map(|p| p.metadata.name.clone()).unwrap_or_default()
    }

    #[test]
    fn a_ready_running_pod_beats_a_newer_one_still_starting() {
        // After `rollout undo`: web-a (new, Running, not ready yet) sorts before web-b by
        // name, but kubectl takes the ready one.
        let pods = [pod("web-a", "node-1", "Running", None, 0, 40), pod("web-b", "node-2", "Running", Some(12), 0, 10)];
        assert_eq!(pick(&pods, Order::Active), "web-b");
        assert_eq!(pick(&pods, Order::Logging), "web-b");
    }

    #[test]
    fn assigned_then_running_then_ready_longest_then_oldest() {
        let pods = [
            pod("a", "", "Pending", None, 0, 1),
            pod("b", "node-1", "Pending", None, 0, 1),
            pod("c", "node-1", "Running", Some(30), 0, 5),
            pod("d", "node-2", "Running", Some(20), 0, 9),
        ];
        assert_eq!(pick(&pods, Order::Active), "d", "ready since 20 s, longer than c");
        assert_eq!(pick(&pods[..2], Order::Active), "b", "assigned before unassigned");
        let same = [pod("x", "n", "Running", Some(20), 0, 9), pod("y", "n", "Running", Some(20), 0, 3)];
        assert_eq!(pick(&same, Order::Active), "y", "older");
        let tie = [pod("x", "n", "Running", Some(20), 0, 3), pod("y", "n", "Running", Some(20), 0, 3)];
        assert_eq!(pick(&tie, Order::Active), "x", "a tie keeps the list order");
    }

    #[test]
    fn logs_prefer_the_pod_that_restarted_and_exec_the_one_that_did_not() {
        let pods = [pod("calm", "n", "Running", Some(5), 0, 1), pod("crashy", "n", "Running", Some(5), 3, 1)];
        assert_eq!(pick(&pods, Order::Logging), "crashy");
        assert_eq!(pick(&pods, Order::Active), "calm");
    }
}
