//! describe for the workloads: Deployment (with its ReplicaSets), ReplicaSet, StatefulSet.

use super::pod::pod_template_into;
use super::{describe_events, labels_multiline, rfc1123z, W};
use crate::printers;
use kubelab_api::*;
use kubelab_engine::controllers::deployment::owned_replica_sets;
use kubelab_engine::store::Store;

fn replica_sets_by_labels(list: &[&ReplicaSet]) -> String {
    if list.is_empty() {
        return "<none>".into();
    }
    list.iter()
        .map(|rs| {
            format!("{} ({}/{} replicas created)", rs.metadata.name, rs.status.replicas, rs.spec.replicas.unwrap_or(1))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn deployment(store: &Store, d: &Deployment, now: Time) -> String {
    let mut w = W(String::new());
    let m = &d.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("CreationTimestamp:\t{}", m.creation_timestamp.map(rfc1123z).unwrap_or_default()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Selector:\t{}", d.spec.selector.to_selector_string()));
    let s = &d.status;
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.spec.replicas.unwrap_or(1),
            s.updated_replicas,
            s.replicas,
            s.available_replicas,
            s.unavailable_replicas
        ),
    );
    w.line(0, &format!("StrategyType:\t{}", d.spec.strategy.type_));
    w.line(0, &format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds));
    if let Some(ru) = &d.spec.strategy.rolling_update {
        let f = |v: &Option<IntOrString>| v.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "0".into());
        w.line(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                f(&ru.max_unavailable),
                f(&ru.max_surge)
            ),
        );
    }
    pod_template_into(&mut w, &d.spec.template);
    if !s.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(0, "  Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in &s.conditions {
            w.line(1, &format!("{} \t{}\t{}", c.type_, c.status, c.reason));
        }
    }
    let all = owned_replica_sets(d, store);
    let new = all
        .iter()
        .copied()
        .find(|rs| kubelab_engine::controllers::deployment::equal_ignore_hash(&rs.spec.template, &d.spec.template));
    let old: Vec<&ReplicaSet> = all
        .iter()
        .copied()
        .filter(|rs| {
            Some(rs.metadata.uid.as_str()) != new.map(|n| n.metadata.uid.as_str())
                && (rs.spec.replicas.unwrap_or(0) > 0 || rs.status.replicas > 0)
        })
        .collect();
    w.line(0, &format!("OldReplicaSets:\t{}", replica_sets_by_labels(&old)));
    w.line(0, &format!("NewReplicaSet:\t{}", replica_sets_by_labels(&new.into_iter().collect::<Vec<_>>())));
    describe_events(&mut w, store, Deployment::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn replica_set(store: &Store, rs: &ReplicaSet, now: Time) -> String {
    let mut w = W(String::new());
    let m = &rs.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("Selector:\t{}", rs.spec.selector.to_selector_string()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    if let Some(r) = m.controller_ref() {
        w.line(0, &format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
    w.line(0, &format!("Replicas:\t{} current / {} desired", rs.status.replicas, rs.spec.replicas.unwrap_or(1)));
    let pods: Vec<&Pod> = kubelab_engine::controllers::replicaset::owned_pods(rs, store);
    let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
    pod_template_into(&mut w, &rs.spec.template);
    describe_events(&mut w, store, ReplicaSet::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn stateful_set(store: &Store, s: &StatefulSet, now: Time) -> String {
    let mut w = W(String::new());
    let m = &s.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("CreationTimestamp:\t{}", m.creation_timestamp.map(rfc1123z).unwrap_or_default()));
    w.line(0, &format!("Selector:\t{}", s.spec.selector.to_selector_string()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Replicas:\t{} desired | {} total", s.spec.replicas.unwrap_or(1), s.status.replicas));
    w.line(0, &format!("Update Strategy:\t{}", s.spec.update_strategy.type_));
    if let Some(ru) = &s.spec.update_strategy.rolling_update {
        w.line(1, &format!("Partition:\t{}", ru.partition.unwrap_or(0)));
    }
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| p.metadata.namespace == m.namespace && p.metadata.controller_ref().is_some_and(|r| r.uid == m.uid))
        .collect();
    let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
    pod_template_into(&mut w, &s.spec.template);
    if s.spec.volume_claim_templates.is_empty() {
        w.line(0, "Volume Claims:\t<none>");
    } else {
        w.line(0, "Volume Claims:");
        for t in &s.spec.volume_claim_templates {
            w.line(1, &format!("Name:\t{}", t.metadata.name));
            w.line(1, &format!("StorageClass:\t{}", t.spec.storage_class_name.clone().unwrap_or_default()));
            labels_multiline(&mut w, "  Labels", &t.metadata.labels, "=");
            labels_multiline(&mut w, "  Annotations", &t.metadata.annotations, ": ");
            w.line(
                1,
                &format!(
                    "Capacity:\t{}",
                    t.spec.resources.requests.get("storage").map(|q| q.0.clone()).unwrap_or_default()
                ),
            );
            w.line(1, &format!("Access Modes:\t{}", printers::access_modes(&t.spec.access_modes)));
        }
    }
    describe_events(&mut w, store, StatefulSet::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}
