//! The StatefulSet controller (pkg/controller/statefulset): pods `<set>-<ordinal>` with
//! stable names and their own claims from volumeClaimTemplates, created in order (each
//! waits for the one before to be Running and Ready, under OrderedReady), removed from the
//! highest ordinal down, updated in reverse ordinal order one at a time.

use super::{controller_ref, is_controlled_by, is_pod_ready};
use crate::causes::{Because, Rule, Trigger};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;
use std::collections::BTreeMap;

pub const NAME: &str = "statefulset-controller";
pub const REVISION_LABEL: &str = "controller-revision-hash";
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

pub fn reconcile_all(store: &Store, now: Time) -> Vec<Action> {
    store.statefulsets.values().flat_map(|s| reconcile(s, store, now)).collect()
}

/// The set's update revision: `<set>-<hash of the pod template>`.
pub fn update_revision(s: &StatefulSet) -> String {
    let json = serde_json::to_string(&s.spec.template).unwrap_or_default();
    format!("{}-{}", s.metadata.name, crate::naming::pod_template_hash(&json, None))
}

/// `<template>-<set>-<ordinal>`.
pub fn claim_name(template: &str, set: &str, ordinal: i32) -> String {
    format!("{template}-{set}-{ordinal}")
}

/// The cause of the writes that follow.
fn because(b: Because) -> Action {
    Action::Cause(Box::new(b))
}

/// Reacting to the set's last change.
fn because_of_set(s: &StatefulSet, rule: Rule) -> Action {
    let m = &s.metadata;
    because(Because::object(NAME, rule, "StatefulSet", &m.namespace, &m.name))
}

fn ordinal_of(set: &str, pod: &str) -> Option<i32> {
    pod.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

pub fn running_and_ready(p: &Pod) -> bool {
    p.status.phase == "Running" && is_pod_ready(p) && p.metadata.deletion_timestamp.is_none()
}

fn new_pod(s: &StatefulSet, ordinal: i32, revision: &str) -> Pod {
    let name = format!("{}-{ordinal}", s.metadata.name);
    let t = &s.spec.template;
    let mut meta = t.metadata.clone();
    meta.name = name.clone();
    meta.generate_name = String::new();
    meta.namespace = s.metadata.namespace.clone();
    meta.labels.insert(REVISION_LABEL.into(), revision.into());
    meta.labels.insert(POD_NAME_LABEL.into(), name.clone());
    meta.labels.insert(POD_INDEX_LABEL.into(), ordinal.to_string());
    meta.owner_references = vec![controller_ref("apps/v1", "StatefulSet", &s.metadata.name, &s.metadata.uid)];
    let mut spec = t.spec.clone();
    spec.hostname = name.clone();
    if !s.spec.service_name.is_empty() {
        spec.subdomain = s.spec.service_name.clone();
    }
    for ct in &s.spec.volume_claim_templates {
        let claim = claim_name(&ct.metadata.name, &s.metadata.name, ordinal);
        spec.volumes.retain(|v| v.name != ct.metadata.name);
        spec.volumes.push(Volume {
            name: ct.metadata.name.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource { claim_name: claim, read_only: None }),
            ..Default::default()
        });
    }
    Pod { metadata: meta, spec, status: PodStatus::default() }
}

fn new_claims(s: &StatefulSet, ordinal: i32, store: &Store) -> Vec<PersistentVolumeClaim> {
    s.spec
        .volume_claim_templates
        .iter()
        .filter_map(|ct| {
            let name = claim_name(&ct.metadata.name, &s.metadata.name, ordinal);
            if store.pvcs.contains_key(&(s.metadata.namespace.clone(), name.clone())) {
                return None;
            }
            let mut labels = ct.metadata.labels.clone();
            labels.extend(s.spec.selector.match_labels.clone());
            Some(PersistentVolumeClaim {
                metadata: ObjectMeta {
                    name,
                    namespace: s.metadata.namespace.clone(),
                    labels,
                    annotations: ct.metadata.annotations.clone(),
                    ..Default::default()
                },
                spec: ct.spec.clone(),
                status: PersistentVolumeClaimStatus::default(),
            })
        })
        .collect()
}

pub fn reconcile(s: &StatefulSet, store: &Store, _now: Time) -> Vec<Action> {
    if s.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let set = &s.metadata.name;
    let ns = &s.metadata.namespace;
    let me = Object::StatefulSet(s.clone());
    let event =
        |reason: &'static str, msg: String| Action::Event(EventSpec::normal(object_ref(&me), reason, msg, NAME));
    let replicas = s.spec.replicas.unwrap_or(1).max(0);
    let ordered = s.spec.pod_management_policy != "Parallel";
    let revision = update_revision(s);
    let pods: BTreeMap<i32, &Pod> = kubelab_api::sort::map(
        store
            .pods
            .values()
            .filter(|p| p.metadata.namespace == *ns && is_controlled_by(&p.metadata, &s.metadata.uid))
            .filter_map(|p| ordinal_of(set, &p.metadata.name).map(|o| (o, p))),
    );

    // Create the missing pods, in order.
    let blocked = create_missing_pods(s, store, &pods, replicas, ordered, &revision, &event, &mut out);

    // Scale down from the highest ordinal.
    let condemned: Vec<&&Pod> = pods.iter().filter(|(o, _)| **o >= replicas).map(|(_, p)| p).collect();
    if !blocked {
        let mut targets: Vec<&&Pod> =
            condemned.iter().copied().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
        kubelab_api::sort::by_key(&mut targets, |p| std::cmp::Reverse(ordinal_of(set, &p.metadata.name)));
        let terminating = condemned.iter().any(|p| p.metadata.deletion_timestamp.is_some());
        if ordered {
            let all_lower_ready = (0..replicas).all(|o| pods.get(&o).is_some_and(|p| running_and_ready(p)));
            if !terminating && all_lower_ready {
                targets.truncate(1);
            } else {
                targets.clear();
            }
        }
        for p in targets {
            let ordinal = ordinal_of(set, &p.metadata.name).unwrap_or(0);
            out.push(because_of_set(s, Rule::OrdinalScaleDown { ordinal, replicas, ordered }));
            out.push(Action::Delete { kind: "Pod", namespace: ns.clone(), name: p.metadata.name.clone(), grace: None });
            out.push(event(
                "SuccessfulDelete",
                format!("delete Pod {} in StatefulSet {set} successful", p.metadata.name),
            ));
        }
    }

    // Rolling update: replace old-revision pods from the highest ordinal, one at a time.
    if !blocked && condemned.is_empty() && s.spec.update_strategy.type_ == "RollingUpdate" {
        let partition = s.spec.update_strategy.rolling_update.as_ref().and_then(|r| r.partition).unwrap_or(0);
        let all_ready = (0..replicas).all(|o| pods.get(&o).is_some_and(|p| running_and_ready(p)));
        if all_ready {
            if let Some(p) = (partition..replicas)
                .rev()
                .filter_map(|o| pods.get(&o))
                .find(|p| p.metadata.labels.get(REVISION_LABEL) != Some(&revision))
            {
                let ordinal = ordinal_of(set, &p.metadata.name).unwrap_or(0);
                out.push(because_of_set(s, Rule::OrdinalUpdate { ordinal, partition }));
                out.push(Action::Delete {
                    kind: "Pod",
                    namespace: ns.clone(),
                    name: p.metadata.name.clone(),
                    grace: None,
                });
                out.push(event(
                    "SuccessfulDelete",
                    format!("delete Pod {} in StatefulSet {set} successful", p.metadata.name),
                ));
            }
        }
    }

    // Status.
    update_stateful_set_status(s, &pods, replicas, revision, &mut out);
    out
}

/// Creates the missing pods (and their claims) in order, replacing failed and succeeded ones;
/// whether an ordered set must wait for a pod before going on.
#[allow(clippy::too_many_arguments)]
fn create_missing_pods(
    s: &StatefulSet,
    store: &Store,
    pods: &BTreeMap<i32, &Pod>,
    replicas: i32,
    ordered: bool,
    revision: &str,
    event: &impl Fn(&'static str, String) -> Action,
    out: &mut Vec<Action>,
) -> bool {
    let set = &s.metadata.name;
    let ns = &s.metadata.namespace;
    let mut blocked = false;
    for ord in 0..replicas {
        match pods.get(&ord) {
            None => {
                // It reacts to what made the ordinal missing (the set's scaling, the pod's
                // departure) or, under OrderedReady, to the pod before it becoming Ready.
                let before = (ordered && ord > 0).then(|| (ns.clone(), format!("{set}-{}", ord - 1)));
                let rule = Rule::Ordinal { ordinal: ord, replicas, ordered };
                out.push(because(Because::owned_after(NAME, rule, "StatefulSet", &s.metadata, before)));
                for c in new_claims(s, ord, store) {
                    let name = c.metadata.name.clone();
                    out.push(Action::create(Object::PersistentVolumeClaim(c)));
                    out.push(event(
                        "SuccessfulCreate",
                        format!("create Claim {name} Pod {set}-{ord} in StatefulSet {set} success"),
                    ));
                }
                out.push(Action::create(Object::Pod(new_pod(s, ord, revision))));
                out.push(event("SuccessfulCreate", format!("create Pod {set}-{ord} in StatefulSet {set} successful")));
                if ordered {
                    blocked = true;
                    break;
                }
            }
            Some(p) if p.status.phase == "Failed" || p.status.phase == "Succeeded" => {
                let phase = if p.status.phase == "Failed" { "Failed" } else { "Succeeded" };
                let pod = (ns.clone(), p.metadata.name.clone());
                out.push(because(Because::component(
                    NAME,
                    Rule::OrdinalRecreate { phase },
                    Trigger::Object("Pod", pod),
                )));
                out.push(Action::Delete {
                    kind: "Pod",
                    namespace: ns.clone(),
                    name: p.metadata.name.clone(),
                    grace: Some(0),
                });
                out.push(event(
                    "SuccessfulDelete",
                    format!("delete Pod {} in StatefulSet {set} successful", p.metadata.name),
                ));
                if ordered {
                    blocked = true;
                    break;
                }
            }
            Some(p) if ordered && !running_and_ready(p) => {
                blocked = true;
                break;
            }
            Some(_) => {}
        }
    }
    blocked
}

/// The set's status from its pods (upstream's updateStatefulSetStatus); an update when it
/// changed.
fn update_stateful_set_status(
    s: &StatefulSet,
    pods: &BTreeMap<i32, &Pod>,
    replicas: i32,
    revision: String,
    out: &mut Vec<Action>,
) {
    let current: Vec<&&Pod> = pods.values().filter(|p| p.metadata.deletion_timestamp.is_none()).collect();
    let mut st = s.status.clone();
    st.observed_generation = s.metadata.generation;
    st.replicas = current.len() as i32;
    st.ready_replicas = current.iter().filter(|p| is_pod_ready(p)).count() as i32;
    st.available_replicas = st.ready_replicas;
    st.updated_replicas =
        current.iter().filter(|p| p.metadata.labels.get(REVISION_LABEL) == Some(&revision)).count() as i32;
    st.update_revision = revision.clone();
    if st.current_revision.is_empty() || st.updated_replicas == replicas {
        st.current_revision = revision.clone();
    }
    st.current_replicas =
        current.iter().filter(|p| p.metadata.labels.get(REVISION_LABEL) == Some(&st.current_revision)).count() as i32;
    if st != s.status {
        let mut next = s.clone();
        next.status = st;
        out.push(because(Because::component(NAME, Rule::StatefulSetStatus, Trigger::None)));
        out.push(Action::update(Object::StatefulSet(next)));
    }
}
