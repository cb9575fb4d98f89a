//! The Job controller (pkg/controller/job/job_controller.go, v1.31): pods for a Job until
//! enough of them succeed, new ones after a failure only after the pod failure backoff,
//! and the Job failed once it has failed too often (backoffLimit) or run too long
//! (activeDeadlineSeconds).
//!
//! As upstream, it counts a finished pod once: the pod carries the
//! `batch.kubernetes.io/job-tracking` finalizer until the controller has added it to
//! `status.succeeded` or `status.failed`, then the finalizer goes. Upstream does this in three
//! writes (the pod's uid into `uncountedTerminatedPods`, the finalizer off, the counts moved);
//! the lab makes the same change at one instant, so `uncountedTerminatedPods` is always
//! empty. The backoff record upstream keeps in memory is worked out again from the Job's
//! pods (the failures since the last success, and when the last one finished): the same
//! numbers while the finished pods are kept, as they are unless someone deletes them.
//!
//! Only `completionMode: NonIndexed` is modelled: an Indexed Job gets no pods, and a
//! `FailedCreate`-style event says so (see `reconcile`).

use super::{controller_ref, is_pod_active, is_pod_ready};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;

pub const NAME: &str = "job-controller";

/// `syncJobBatchPeriod`: a pod's change reaches its Job's sync a second later (the pod
/// handlers enqueue the Job with this delay to batch pod events).
pub const SYNC_BATCH_PERIOD_MS: u64 = 1_000;
/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff` (job_controller.go, v1.31:
/// 10 s, doubled per failure since the last success, at most 10 minutes; the Job docs' "capped
/// at six minutes" was the older `MaxJobBackOff`).
pub const POD_FAILURE_BACKOFF_MS: u64 = 10_000;
pub const MAX_POD_FAILURE_BACKOFF_MS: u64 = 10 * 60_000;

pub fn reconcile_all(store: &Store, now: Time) -> Vec<Action> {
    store.jobs.values().flat_map(|j| reconcile(j, store, now)).collect()
}

/// When a finished pod finished (`getFinishedTime`): its containers' last finish, else when
/// its deletion was asked for (the deletionTimestamp less the grace period), else now.
pub fn finished_time(p: &Pod, now: Time) -> Time {
    let deleted = p
        .metadata
        .deletion_timestamp
        .map(|t| Time(t.0.saturating_sub(p.metadata.deletion_grace_period_seconds.unwrap_or(0).max(0) as u64 * 1000)));
    p.status
        .container_statuses
        .iter()
        .chain(p.status.init_container_statuses.iter())
        .filter_map(|c| c.state.terminated.as_ref().and_then(|t| t.finished_at))
        .max()
        .or(deleted)
        .unwrap_or(now)
}

/// `isPodFailed` under podReplacementPolicy TerminatingOrFailed: Failed, or deleted before
/// it succeeded (a terminating pod counts as failed at once and is replaced).
fn is_pod_failed(j: &Job, p: &Pod) -> bool {
    if p.status.phase == "Failed" {
        return true;
    }
    if j.spec.pod_replacement_policy.as_deref() == Some("Failed") {
        return false;
    }
    p.metadata.deletion_timestamp.is_some() && p.status.phase != "Succeeded"
}

fn has_tracking_finalizer(p: &Pod) -> bool {
    p.metadata.finalizers.iter().any(|f| f == JOB_TRACKING_FINALIZER)
}

/// `getRemainingTimeForFailuresCount`: 10 s after the first failure since the last success,
/// doubled for each further one, at most the maximum; what is left of it now.
pub fn backoff_remaining_ms(failures: u32, last_failure: Option<Time>, now: Time) -> u64 {
    let Some(last) = last_failure.filter(|_| failures > 0) else { return 0 };
    let mut backoff = POD_FAILURE_BACKOFF_MS;
    for _ in 1..failures {
        backoff *= 2;
        if backoff >= MAX_POD_FAILURE_BACKOFF_MS {
            backoff = MAX_POD_FAILURE_BACKOFF_MS;
            break;
        }
    }
    backoff.saturating_sub(now.0.saturating_sub(last.0))
}

/// The backoff record (`newBackoffRecord`) from the Job's counted pods: the failures that
/// finished after the last success, and when the last of them finished.
fn backoff_record(j: &Job, pods: &[&Pod], now: Time) -> (u32, Option<Time>) {
    let last_success = pods.iter().filter(|p| p.status.phase == "Succeeded").map(|p| finished_time(p, now)).max();
    let failures: Vec<Time> = pods
        .iter()
        .filter(|p| is_pod_failed(j, p))
        .map(|p| finished_time(p, now))
        .filter(|t| last_success.is_none_or(|s| *t > s))
        .collect();
    (failures.len() as u32, failures.iter().max().copied())
}

/// `pastBackoffLimitOnFailure`: with restartPolicy OnFailure, the restarts of the running and
/// pending pods' containers reach backoffLimit (any restart, when it is 0).
pub fn past_backoff_limit_on_failure(j: &Job, pods: &[&Pod]) -> bool {
    if j.spec.template.spec.restart_policy != "OnFailure" {
        return false;
    }
    let restarts: i32 = pods
        .iter()
        .filter(|p| matches!(&*p.status.phase, "Running" | "Pending"))
        .flat_map(|p| p.status.init_container_statuses.iter().chain(p.status.container_statuses.iter()))
        .map(|c| c.restart_count)
        .sum();
    let limit = j.spec.backoff_limit.unwrap_or(6);
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

/// `manageJob`'s wantActive: parallelism, but never more than the completions left; with no
/// completions set, parallelism until a pod succeeds, then only those still running.
pub fn want_active(completions: Option<i32>, parallelism: i32, succeeded: i32, active: i32) -> i32 {
    match completions {
        None if succeeded > 0 => active,
        None => parallelism,
        Some(c) => (c - succeeded).min(parallelism).max(0),
    }
}

/// The Job's pods: those it controls.
fn pods_of<'a>(j: &Job, store: &'a Store) -> Vec<&'a Pod> {
    store
        .pods
        .values()
        .filter(|p| {
            p.metadata.namespace == j.metadata.namespace && super::is_controlled_by(&p.metadata, &j.metadata.uid)
        })
        .collect()
}

/// A new pod for the Job (`GetPodFromTemplate` with generateName `<job>-`, the controller
/// reference and the tracking finalizer).
pub fn new_pod(j: &Job) -> Pod {
    let t = &j.spec.template;
    let mut meta = t.metadata.clone();
    meta.name = String::new();
    meta.generate_name = format!("{}-", j.metadata.name);
    meta.namespace = j.metadata.namespace.clone();
    meta.owner_references = vec![controller_ref("batch/v1", "Job", &j.metadata.name, &j.metadata.uid)];
    meta.finalizers.push(JOB_TRACKING_FINALIZER.into());
    Pod { metadata: meta, spec: t.spec.clone(), status: PodStatus::default() }
}

fn condition(type_: &'static str, reason: &str, message: &str, now: Time) -> JobCondition {
    JobCondition {
        type_: type_.into(),
        status: "True".into(),
        last_probe_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.to_string().into(),
        message: message.to_string().into(),
    }
}

/// Why a Job ends, as its interim condition says it (FailureTarget or SuccessCriteriaMet:
/// v1.31 sets these first and the terminal Failed or Complete only once no pod of the Job is
/// terminating, `delayTerminalCondition`).
#[derive(Clone, Debug, PartialEq)]
enum Finish {
    Failed { reason: &'static str, message: &'static str },
    Succeeded,
}

/// `newSuccessCondition` with JobSuccessPolicy on (beta, default in 1.31): reason
/// CompletionsReached.
const COMPLETIONS_REACHED: (&str, &str) = ("CompletionsReached", "Reached expected number of succeeded pods");

pub fn reconcile(j: &Job, store: &Store, now: Time) -> Vec<Action> {
    if j.is_finished() {
        return Vec::new();
    }
    let job_ref = object_ref(&Object::Job(j.clone()));
    let mut out = Vec::new();
    let mut status = j.status.clone();
    let pods = pods_of(j, store);

    // A pod that finished wakes its Job's sync a batch period later (enqueueSyncJobBatched):
    // until then the Job is as it was.
    let finished: Vec<&Pod> = pods
        .iter()
        .copied()
        .filter(|p| has_tracking_finalizer(p) && (p.status.phase == "Succeeded" || is_pod_failed(j, p)))
        .collect();
    if let Some(seen_at) =
        finished.iter().map(|p| Time(finished_time(p, now).0 + SYNC_BATCH_PERIOD_MS)).filter(|t| *t > now).min()
    {
        return vec![Action::Requeue(seen_at)];
    }
    let mut newly_succeeded = 0;
    let mut newly_failed = 0;
    let mut wake: Option<Time> = None;
    for p in finished {
        let succeeded = p.status.phase == "Succeeded";
        if succeeded {
            newly_succeeded += 1;
        } else {
            newly_failed += 1;
        }
        let mut counted = (*p).clone();
        counted.metadata.finalizers.retain(|f| f != JOB_TRACKING_FINALIZER);
        out.push(Action::Update(Box::new(Object::Pod(counted))));
    }
    status.succeeded += newly_succeeded;
    status.failed += newly_failed;

    let active_pods: Vec<&Pod> = pods.iter().copied().filter(|p| is_pod_active(p)).collect();
    let mut active = active_pods.len() as i32;
    let mut ready = active_pods.iter().filter(|p| is_pod_ready(p)).count() as i32;
    let mut terminating = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some() && !matches!(&*p.status.phase, "Succeeded" | "Failed"))
        .count() as i32;

    if status.start_time.is_none() && !j.is_suspended() {
        status.start_time = Some(now);
    }
    let backoff_limit = j.spec.backoff_limit.unwrap_or(6);
    let mut finish = interim_finish(j);
    if finish.is_none() {
        if status.failed > backoff_limit || past_backoff_limit_on_failure(j, &pods) {
            finish = Some(Finish::Failed {
                reason: "BackoffLimitExceeded",
                message: "Job has reached the specified backoff limit",
            });
        } else if let (Some(deadline), Some(start)) = (j.spec.active_deadline_seconds, status.start_time) {
            let at = Time(start.0 + deadline.max(0) as u64 * 1000);
            if now >= at && !j.is_suspended() {
                finish = Some(Finish::Failed {
                    reason: "DeadlineExceeded",
                    message: "Job was active longer than specified deadline",
                });
            } else if !j.is_suspended() {
                wake = Some(wake.map_or(at, |w| w.min(at)));
            }
        }
    }

    if matches!(finish, Some(Finish::Failed { .. })) {
        // deleteActivePods: each active pod deleted (it stays, terminating, for its grace period).
        for p in &active_pods {
            out.extend(delete_pod(p, &job_ref));
        }
        terminating += active;
        ready -= active_pods.iter().filter(|p| is_pod_ready(p)).count() as i32;
        active = 0;
    } else if finish.is_none() {
        let managed = manage_job(j, &status, &pods, &active_pods, now, &job_ref);
        active = managed.active;
        out.extend(managed.actions);
        if let Some(t) = managed.next {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        }
        let done = match j.spec.completions {
            None => status.succeeded > 0 && active == 0,
            Some(c) => status.succeeded >= c && active == 0,
        };
        if done {
            finish = Some(Finish::Succeeded);
        }
    }

    status.active = active;
    status.ready = Some(ready.max(0));
    status.terminating = Some(terminating);
    status.uncounted_terminated_pods.get_or_insert_with(UncountedTerminatedPods::default);
    if let Some(f) = &finish {
        enact_finish(j, f, terminating, &mut status, now, &job_ref, &mut out);
    }
    if status != j.status {
        let mut updated = j.clone();
        updated.status = status;
        out.push(Action::Update(Box::new(Object::Job(updated))));
    }
    if let Some(t) = wake {
        out.push(Action::Requeue(t));
    }
    out
}

/// The interim condition already set by an earlier sync (FailureTarget or SuccessCriteriaMet).
fn interim_finish(j: &Job) -> Option<Finish> {
    if j.condition_true("SuccessCriteriaMet").is_some() {
        return Some(Finish::Succeeded);
    }
    let c = j.condition_true("FailureTarget")?;
    // The reasons the controller itself sets (a podFailurePolicy's is not modelled).
    let (reason, message) = match &*c.reason {
        "DeadlineExceeded" => ("DeadlineExceeded", "Job was active longer than specified deadline"),
        _ => ("BackoffLimitExceeded", "Job has reached the specified backoff limit"),
    };
    Some(Finish::Failed { reason, message })
}

/// The interim condition now, and the terminal one (with its event) once no pod is
/// terminating (`enactJobFinished`, `recordJobFinished`).
fn enact_finish(
    j: &Job,
    f: &Finish,
    terminating: i32,
    status: &mut JobStatus,
    now: Time,
    job_ref: &ObjectReference,
    out: &mut Vec<Action>,
) {
    let (interim, terminal, reason, message) = match f {
        Finish::Failed { reason, message } => ("FailureTarget", "Failed", *reason, *message),
        Finish::Succeeded => ("SuccessCriteriaMet", "Complete", COMPLETIONS_REACHED.0, COMPLETIONS_REACHED.1),
    };
    if !status.conditions.iter().any(|c| c.type_ == interim) {
        status.conditions.push(condition(interim, reason, message, now));
    }
    if terminating > 0 {
        return;
    }
    status.conditions.push(condition(terminal, reason, message, now));
    match f {
        Finish::Succeeded => {
            status.completion_time = Some(now);
            if j.spec.completions.is_some_and(|c| status.succeeded > c) {
                out.push(Action::Event(EventSpec::warning(
                    job_ref.clone(),
                    "TooManySucceededPods",
                    "Too many succeeded pods running after completion count reached".into(),
                    NAME,
                )));
            }
            out.push(Action::Event(EventSpec::normal(job_ref.clone(), "Completed", "Job completed".into(), NAME)));
        }
        Finish::Failed { reason, message } => {
            out.push(Action::Event(EventSpec::warning(job_ref.clone(), reason, message.to_string(), NAME)));
        }
    }
}

/// What `manageJob` did: its actions, the number of active pods after them, and when to
/// look again (the failure backoff's end).
struct Managed {
    actions: Vec<Action>,
    active: i32,
    next: Option<Time>,
}

/// `manageJob` for a NonIndexed Job: pods created up to wantActive (after the failure
/// backoff), or the extra ones deleted (a suspended Job wants none).
fn manage_job(
    j: &Job,
    status: &JobStatus,
    pods: &[&Pod],
    active_pods: &[&Pod],
    now: Time,
    job_ref: &ObjectReference,
) -> Managed {
    let active = active_pods.len() as i32;
    let mut m = Managed { actions: Vec::new(), active, next: None };
    if j.spec.completion_mode.as_deref() == Some("Indexed") {
        return m;
    }
    let parallelism = if j.is_suspended() { 0 } else { j.spec.parallelism.unwrap_or(1) };
    let want = want_active(j.spec.completions, parallelism, status.succeeded, active);
    if active > want {
        // activePodsForRemoval: not-ready and unscheduled pods first, then the newest.
        let mut doomed: Vec<&Pod> = active_pods.to_vec();
        doomed.sort_by_key(|p| {
            (is_pod_ready(p), !p.spec.node_name.is_empty(), std::cmp::Reverse(p.metadata.creation_timestamp))
        });
        for p in doomed.into_iter().take((active - want) as usize) {
            m.actions.extend(delete_pod(p, job_ref));
        }
        m.active = want;
        return m;
    }
    if want == active {
        return m;
    }
    let (failures, last_failure) = backoff_record(j, pods, now);
    let remaining = backoff_remaining_ms(failures, last_failure, now);
    if remaining > 0 {
        m.next = Some(Time(now.0 + remaining));
        return m;
    }
    for _ in active..want {
        m.actions.push(Action::CreateWithEvent(
            Box::new(Object::Pod(new_pod(j))),
            EventSpec::normal(job_ref.clone(), "SuccessfulCreate", "Created pod: {name}".into(), NAME),
        ));
    }
    m.active = want;
    m
}

/// `podControl.DeletePod` with its SuccessfulDelete event on the Job.
fn delete_pod(p: &Pod, job_ref: &ObjectReference) -> [Action; 2] {
    [
        Action::Delete {
            kind: "Pod",
            namespace: p.metadata.namespace.clone(),
            name: p.metadata.name.clone(),
            grace: None,
        },
        Action::Event(EventSpec::normal(
            job_ref.clone(),
            "SuccessfulDelete",
            format!("Deleted pod: {}", p.metadata.name),
            NAME,
        )),
    ]
}
