//! The TTL-after-finished controller (pkg/controller/ttlafterfinished, v1.31): a finished Job
//! with `ttlSecondsAfterFinished` is deleted that many seconds after its Complete or Failed
//! condition became True. Upstream deletes it with foreground propagation (the Job waits,
//! with a foregroundDeletion finalizer, until its pods are gone); the lab deletes it at once
//! and the garbage collector then removes its pods, as a background deletion does.

use crate::store::{Action, Store};
use kubelab_api::*;

pub const NAME: &str = "ttl-after-finished-controller";

/// When a finished Job expires (`timeLeft`'s expireAt): its finish plus its TTL; None for a
/// Job without a TTL or not finished.
pub fn expire_at(j: &Job) -> Option<Time> {
    let ttl = j.spec.ttl_seconds_after_finished?;
    let finished = j.condition_true("Complete").or_else(|| j.condition_true("Failed"))?;
    let at = finished.last_transition_time?;
    Some(Time(at.0 + ttl.max(0) as u64 * 1000))
}

pub fn reconcile_all(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    for j in store.jobs.values().filter(|j| j.metadata.deletion_timestamp.is_none()) {
        match expire_at(j) {
            Some(at) if at <= now => out.push(Action::Delete {
                kind: "Job",
                namespace: j.metadata.namespace.clone(),
                name: j.metadata.name.clone(),
                grace: None,
            }),
            Some(at) => out.push(Action::Requeue(at)),
            None => {}
        }
    }
    out
}
