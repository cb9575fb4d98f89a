//! Controllers: functions over the store at an instant that return actions. Those that
//! work from what changed since they last looked are values that keep their place in the
//! store's change log (`gc::GarbageCollector`, `podgc::PodGarbageCollector`,
//! `replicaset::ReplicaSetController`).
//! One controller, one module, with helpers named after upstream's.

pub mod apiservice_availability;
pub mod deployment;
pub mod endpoints;
pub mod gc;
pub mod hpa;
pub mod hpa_replicas;
pub mod ingress_nginx;
pub mod ingress_nginx_annotations;
pub mod job;
pub mod job_indexed;
pub mod node_lifecycle;
pub mod podgc;
pub mod replicaset;
pub mod service_lb;
pub mod statefulset;
pub mod ttl_after_finished;
pub mod volumes;

use kubelab_api::{Container, OwnerReference, Pod, Time};

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_pod_ready(p: &Pod) -> bool {
    p.status.conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True")
}

/// The Initialized condition is True (printers.go isPodInitializedConditionTrue).
pub fn is_pod_initialized(p: &Pod) -> bool {
    p.status.conditions.iter().any(|c| c.type_ == "Initialized" && c.status == "True")
}

/// `podutil.IsRestartableInitContainer`: an init container with `restartPolicy: Always`, a
/// native sidecar, started before the app containers and kept running beside them.
pub fn is_restartable_init_container(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

/// When the Ready condition last became True.
pub fn ready_since(p: &Pod) -> Option<Time> {
    p.status.conditions.iter().find(|c| c.type_ == "Ready" && c.status == "True").and_then(|c| c.last_transition_time)
}

/// `podutil.IsPodAvailable`: ready for at least minReadySeconds.
pub fn is_pod_available(p: &Pod, min_ready_seconds: i32, now: Time) -> bool {
    if !is_pod_ready(p) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    ready_since(p).is_some_and(|t| t.0 + min_ready_seconds as u64 * 1000 <= now.0)
}

/// `controller.IsPodActive`: not terminating and not finished.
pub fn is_pod_active(p: &Pod) -> bool {
    p.status.phase != "Succeeded" && p.status.phase != "Failed" && p.metadata.deletion_timestamp.is_none()
}

pub fn controller_ref(api_version: &str, kind: &str, name: &str, uid: &str) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: name.into(),
        uid: uid.into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

pub fn is_controlled_by(meta: &kubelab_api::ObjectMeta, uid: &str) -> bool {
    meta.controller_ref().is_some_and(|r| r.uid == uid)
}
