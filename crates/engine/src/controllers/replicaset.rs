//! The ReplicaSet controller (pkg/controller/replicaset): keep `spec.replicas` active pods.

use super::{controller_ref, is_controlled_by, is_pod_active, is_pod_available, is_pod_ready, ready_since};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;
use std::cmp::Ordering;
use std::collections::BTreeMap;

pub const NAME: &str = "replicaset-controller";

/// Upstream's burstReplicas: at most this many creations or deletions per sync.
pub const BURST_REPLICAS: usize = 500;

pub fn reconcile_all(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    for rs in store.replicasets.values() {
        out.extend(reconcile(rs, store, now));
    }
    out
}

/// The pods this ReplicaSet controls, active or not.
pub fn owned_pods<'a>(rs: &ReplicaSet, store: &'a Store) -> Vec<&'a Pod> {
    store
        .pods
        .range((rs.metadata.namespace.clone(), String::new())..)
        .take_while(|((ns, _), _)| *ns == rs.metadata.namespace)
        .map(|(_, p)| p)
        .filter(|p| is_controlled_by(&p.metadata, &rs.metadata.uid))
        .collect()
}

pub fn reconcile(rs: &ReplicaSet, store: &Store, now: Time) -> Vec<Action> {
    if rs.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let all = owned_pods(rs, store);
    let active: Vec<&Pod> = all.iter().copied().filter(|p| is_pod_active(p)).collect();
    let mut out = manage_replicas(rs, &active, store);
    let status = calculate_status(rs, &active, now);
    if status != rs.status {
        let mut next = rs.clone();
        next.status = status;
        out.push(Action::Update(Object::ReplicaSet(next)));
    }
    // Wake up when a ready pod crosses minReadySeconds and becomes available.
    if rs.spec.min_ready_seconds > 0 {
        for p in &active {
            if let Some(t) = ready_since(p) {
                let at = t.0 + rs.spec.min_ready_seconds as u64 * 1000;
                if at > now.0 {
                    out.push(Action::Requeue(Time(at)));
                }
            }
        }
    }
    out
}

/// manageReplicas: create or delete pods so that `active` matches spec.replicas.
pub fn manage_replicas(rs: &ReplicaSet, active: &[&Pod], store: &Store) -> Vec<Action> {
    let want = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let have = active.len();
    let mut out = Vec::new();
    if have == want {
        return out;
    }
    let rs_obj = Object::ReplicaSet(rs.clone());
    if have < want {
        let n = (want - have).min(BURST_REPLICAS);
        for _ in 0..n {
            out.push(Action::CreateWithEvent(
                Object::Pod(pod_from_template(rs)),
                EventSpec::normal(object_ref(&rs_obj), "SuccessfulCreate", "Created pod: {name}".into(), NAME),
            ));
        }
    } else if have > want {
        let n = (have - want).min(BURST_REPLICAS);
        for p in pods_to_delete(active, n, store) {
            out.push(Action::Delete {
                kind: "Pod",
                namespace: p.metadata.namespace.clone(),
                name: p.metadata.name.clone(),
                grace: None,
            });
            out.push(Action::Event(EventSpec::normal(
                object_ref(&rs_obj),
                "SuccessfulDelete",
                format!("Deleted pod: {}", p.metadata.name),
                NAME,
            )));
        }
    }
    out
}

/// A new pod for this ReplicaSet: the template with generateName `<rs>-` and a controller ref.
pub fn pod_from_template(rs: &ReplicaSet) -> Pod {
    let t = &rs.spec.template;
    let mut meta = t.metadata.clone();
    meta.name = String::new();
    meta.generate_name = format!("{}-", rs.metadata.name);
    meta.namespace = rs.metadata.namespace.clone();
    meta.owner_references =
        vec![controller_ref("apps/v1", "ReplicaSet", &rs.metadata.name, &rs.metadata.uid)];
    Pod { metadata: meta, spec: t.spec.clone(), status: PodStatus::default() }
}

/// getPodsToDelete: the `n` pods upstream's ActivePodsWithRanks puts first.
pub fn pods_to_delete<'a>(active: &[&'a Pod], n: usize, store: &Store) -> Vec<&'a Pod> {
    // Rank: how many of these pods share the node (doubled-up pods go first).
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in active {
        if !p.spec.node_name.is_empty() {
            *per_node.entry(p.spec.node_name.as_str()).or_default() += 1;
        }
    }
    let mut v: Vec<&Pod> = active.to_vec();
    kubelab_api::sort::by(&mut v, |a, b| {
        let rank = |p: &Pod| per_node.get(p.spec.node_name.as_str()).copied().unwrap_or(0);
        active_pods_less(a, b, rank(a), rank(b), store)
    });
    v.truncate(n);
    v
}

fn phase_rank(p: &Pod) -> u8 {
    match p.status.phase.as_str() {
        "Pending" | "" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    }
}

/// controller.ActivePodsWithRanks.Less: `Less` means "delete first".
fn active_pods_less(a: &Pod, b: &Pod, rank_a: usize, rank_b: usize, store: &Store) -> Ordering {
    // 1. unassigned < assigned
    let (ua, ub) = (a.spec.node_name.is_empty(), b.spec.node_name.is_empty());
    if ua != ub {
        return if ua { Ordering::Less } else { Ordering::Greater };
    }
    // 2. Pending < Unknown < Running
    let (pa, pb) = (phase_rank(a), phase_rank(b));
    if pa != pb {
        return pa.cmp(&pb);
    }
    // 3. not ready < ready
    let (ra, rb) = (is_pod_ready(a), is_pod_ready(b));
    if ra != rb {
        return if !ra { Ordering::Less } else { Ordering::Greater };
    }
    // 4. doubled up (higher rank) first
    if rank_a != rank_b {
        return rank_b.cmp(&rank_a);
    }
    // 5. ready for less time first
    if ra && rb {
        let (ta, tb) = (ready_since(a), ready_since(b));
        if ta != tb {
            return tb.cmp(&ta);
        }
    }
    // 6. more restarts first
    let restarts = |p: &Pod| p.status.container_statuses.iter().map(|c| c.restart_count).max().unwrap_or(0);
    if restarts(a) != restarts(b) {
        return restarts(b).cmp(&restarts(a));
    }
    // 7. newer first
    store.creation_order(&b.metadata).cmp(&store.creation_order(&a.metadata))
}

/// calculateStatus.
pub fn calculate_status(rs: &ReplicaSet, active: &[&Pod], now: Time) -> ReplicaSetStatus {
    let template_labels = &rs.spec.template.metadata.labels;
    // One look at each pod (a ReplicaSet can have thousands).
    let (mut fully, mut ready, mut available) = (0, 0, 0);
    for p in active {
        if template_labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)) {
            fully += 1;
        }
        if is_pod_ready(p) {
            ready += 1;
            if is_pod_available(p, rs.spec.min_ready_seconds, now) {
                available += 1;
            }
        }
    }
    ReplicaSetStatus {
        replicas: active.len() as i32,
        fully_labeled_replicas: fully,
        ready_replicas: ready,
        available_replicas: available,
        observed_generation: rs.metadata.generation,
        conditions: rs.status.conditions.clone(),
    }
}
