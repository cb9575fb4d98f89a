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
//! Indexed Jobs' parts (the pods' indexes, `completedIndexes`, the per-index failure counts)
//! are in `job_indexed`; with `backoffLimitPerIndex` each index has its own retries and
//! back-off, and the Job fails with FailedIndexes or MaxFailedIndexesExceeded.

use super::{controller_ref, is_pod_active, is_pod_ready, job_indexed};
use crate::causes::{Because, Rule};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;
use std::collections::BTreeSet;

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
    let deleted =
        p.metadata.deletion_timestamp.map(|t| {
            Time(t.0.saturating_sub(
                (p.metadata.deletion_grace_period_seconds.unwrap_or(0).max(0) as u64).saturating_mul(1000),
            ))
        });
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

/// job_controller.go's MaxPodCreateDeletePerSync: a sync creates or deletes at most this many
/// pods (a Job asking for millions gets them 500 at a time, up to the lab's pod limit; a Job
/// scaled down loses them 500 at a time).
pub const MAX_POD_CREATE_DELETE_PER_SYNC: usize = 500;

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

/// `syncJob` for one Job: count its finished pods, decide whether it has failed (backoff
/// limit, deadline) or what pods it needs (`manage_job`), whether it is done, and write its
/// status.
pub fn reconcile(j: &Job, store: &Store, now: Time) -> Vec<Action> {
    if j.is_finished() {
        return Vec::new();
    }
    let job_ref = object_ref(&Object::Job(j.clone()));
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
    let mut out = Vec::new();
    let mut status = j.status.clone();
    let indexed = j.spec.completion_mode.as_deref() == Some("Indexed");
    let done = count_finished(j, &finished, &mut status, &mut out);
    // An Indexed Job counts its succeeded indexes (jobCtx.succeeded = succeededIndexes.total()).
    let succeeded = if indexed { done.succeeded.len() as i32 } else { status.succeeded };

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
    let (mut finish, mut wake) = match interim_finish(j) {
        Some(f) => (Some(f), None),
        None => failure(j, &status, &pods, now),
    };
    if finish.is_none() {
        finish = failed_indexes_finish(j, &done);
    }

    if let Some(Finish::Failed { reason, .. }) = &finish {
        // deleteActivePods: each active pod deleted (it stays, terminating, for its grace period).
        if !active_pods.is_empty() {
            out.push(because(j, finished_rule(j, reason, &status)));
        }
        for p in &active_pods {
            out.extend(delete_pod(p, &job_ref));
        }
        terminating += active;
        ready -= active_pods.iter().filter(|p| is_pod_ready(p)).count() as i32;
        active = 0;
    } else if finish.is_none() {
        let indexes = indexed.then(|| {
            let mut all = done.succeeded.clone();
            all.extend(done.failed.iter().flatten());
            all
        });
        let managed = manage_job(j, succeeded, indexes.as_ref(), &pods, &active_pods, now, &job_ref);
        active = managed.active;
        out.extend(managed.actions);
        wake = earliest(wake, managed.next);
        if j.spec.completions.map_or(succeeded > 0, |c| succeeded >= c) && active == 0 {
            finish = Some(Finish::Succeeded);
        } else {
            out.extend(suspended_condition(j, &mut status, now, &job_ref));
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
        out.extend(status_write(j, finish.as_ref(), status));
    }
    // The pods' finalizers and deletions before any cause of their own are the Job's counting.
    if out.first().is_some_and(|a| !matches!(a, Action::Cause(_))) {
        out.insert(0, because(j, Rule::JobStatus));
    }
    out.extend(wake.map(Action::Requeue));
    out
}

fn earliest(a: Option<Time>, b: Option<Time>) -> Option<Time> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// The finished pods not counted yet, each counted once: added to `status.succeeded` or
/// `status.failed` and its tracking finalizer removed. Returns the indexes that are done: an
/// Indexed Job's succeeded ones (its `completedIndexes`) and, with backoffLimitPerIndex, those
/// failed past it (`calculateFailedIndexes`: a failed pod whose index failure count reached
/// the limit; its `failedIndexes`), both updated in `status`; empty otherwise.
fn count_finished(j: &Job, finished: &[&Pod], status: &mut JobStatus, out: &mut Vec<Action>) -> DoneIndexes {
    let indexed = j.spec.completion_mode.as_deref() == Some("Indexed");
    let completions = j.spec.completions.unwrap_or(0);
    let per_index = j.spec.backoff_limit_per_index.filter(|_| indexed);
    let mut done = DoneIndexes {
        succeeded: job_indexed::parse_indexes(&status.completed_indexes, completions),
        failed: per_index
            .map(|_| job_indexed::parse_indexes(status.failed_indexes.as_deref().unwrap_or(""), completions)),
    };
    for p in finished {
        let succeeded = p.status.phase == "Succeeded";
        if let Some(i) = job_indexed::completion_index(p).filter(|i| indexed && *i < completions) {
            if succeeded {
                done.succeeded.insert(i);
            } else if let (Some(limit), Some(failed)) = (per_index, done.failed.as_mut()) {
                if job_indexed::index_failure_count(p) >= limit {
                    failed.insert(i);
                }
            }
        }
        if succeeded {
            status.succeeded += 1;
        } else {
            status.failed += 1;
        }
        let mut counted = (*p).clone();
        counted.metadata.finalizers.retain(|f| f != JOB_TRACKING_FINALIZER);
        out.push(because(j, Rule::JobCounted { succeeded }));
        out.push(Action::Update(Box::new(Object::Pod(counted))));
    }
    if indexed {
        status.completed_indexes = job_indexed::format_indexes(&done.succeeded);
    }
    if let Some(failed) = &done.failed {
        status.failed_indexes = Some(job_indexed::format_indexes(failed));
    }
    done
}

/// An Indexed Job's indexes that need no more pods: those that succeeded and, with
/// backoffLimitPerIndex, those that failed.
struct DoneIndexes {
    succeeded: BTreeSet<i32>,
    failed: Option<BTreeSet<i32>>,
}

/// syncJob's per-index verdict (job_controller.go, v1.31): more failed indexes than
/// maxFailedIndexes, or every index done with some failed.
fn failed_indexes_finish(j: &Job, done: &DoneIndexes) -> Option<Finish> {
    let failed = done.failed.as_ref()?.len();
    if j.spec.max_failed_indexes.is_some_and(|max| failed > max.max(0) as usize) {
        let message = "Job has exceeded the specified maximal number of failed indexes";
        return Some(Finish::Failed { reason: "MaxFailedIndexesExceeded", message });
    }
    let completions = j.spec.completions.unwrap_or(0).max(0) as usize;
    (failed > 0 && failed + done.succeeded.len() >= completions)
        .then_some(Finish::Failed { reason: "FailedIndexes", message: "Job has failed indexes" })
}

/// Whether the Job has failed: more failed pods than backoffLimit (or, with OnFailure, as
/// many restarts), else past activeDeadlineSeconds; and when its deadline comes if not yet.
fn failure(j: &Job, status: &JobStatus, pods: &[&Pod], now: Time) -> (Option<Finish>, Option<Time>) {
    if status.failed > j.spec.backoff_limit.unwrap_or(6) || past_backoff_limit_on_failure(j, pods) {
        let f =
            Finish::Failed { reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
        return (Some(f), None);
    }
    let (Some(deadline), Some(start)) = (j.spec.active_deadline_seconds, status.start_time) else {
        return (None, None);
    };
    if j.is_suspended() {
        return (None, None);
    }
    let at = Time(start.0.saturating_add((deadline.max(0) as u64).saturating_mul(1000)));
    if now >= at {
        let f = Finish::Failed { reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
        return (Some(f), None);
    }
    (None, Some(at))
}

fn finished_rule(j: &Job, reason: &'static str, status: &JobStatus) -> Rule {
    Rule::JobFinished {
        reason,
        succeeded: status.succeeded,
        failed: status.failed,
        backoff_limit: j.spec.backoff_limit.unwrap_or(6),
    }
}

/// The Job's status write, with why: the terminal condition's says why the Job ended; the
/// others are its counts.
fn status_write(j: &Job, finish: Option<&Finish>, status: JobStatus) -> [Action; 2] {
    let terminal = |st: &JobStatus| {
        st.conditions.iter().any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
    };
    let ended = !terminal(&j.status) && terminal(&status);
    let rule = match (finish, ended) {
        (Some(Finish::Failed { reason, .. }), true) => finished_rule(j, reason, &status),
        (Some(Finish::Succeeded), true) => finished_rule(j, "CompletionsReached", &status),
        _ => Rule::JobStatus,
    };
    let mut updated = j.clone();
    updated.status = status;
    [because(j, rule), Action::Update(Box::new(Object::Job(updated)))]
}

/// The cause of the writes that follow: `rule`, reacting to the Job's last change.
fn because(j: &Job, rule: Rule) -> Action {
    let m = &j.metadata;
    Action::Cause(Box::new(Because::object(NAME, rule, "Job", &m.namespace, &m.name)))
}

/// The Suspended condition as `spec.suspend` has it (ensureJobConditionStatus: True with
/// reason JobSuspended when suspended; set False, reason JobResumed, when resumed), with the
/// Suspended or Resumed event when it changes. A resumed Job's startTime starts again, so
/// activeDeadlineSeconds counts only the time it runs.
fn suspended_condition(j: &Job, status: &mut JobStatus, now: Time, job_ref: &ObjectReference) -> Option<Action> {
    let (want, reason, message, event) = if j.is_suspended() {
        ("True", "JobSuspended", "Job suspended", "Suspended")
    } else {
        ("False", "JobResumed", "Job resumed", "Resumed")
    };
    match status.conditions.iter_mut().find(|c| c.type_ == "Suspended") {
        Some(c) if c.status != want => {
            *c = JobCondition { status: want.into(), ..condition("Suspended", reason, message, now) };
        }
        None if want == "True" => status.conditions.push(condition("Suspended", reason, message, now)),
        _ => return None,
    }
    if want == "False" {
        status.start_time = Some(now);
    }
    Some(Action::Event(EventSpec::normal(job_ref.clone(), event, message.into(), NAME)))
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
        "FailedIndexes" => ("FailedIndexes", "Job has failed indexes"),
        "MaxFailedIndexesExceeded" => {
            ("MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes")
        }
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

/// `manageJob`: pods created up to wantActive (after the failure backoff), or the extra ones
/// deleted (a suspended Job wants none). An Indexed Job (`indexes`: those that succeeded)
/// also deletes pods whose index is missing or taken, and creates its pods for the lowest
/// pending indexes.
fn manage_job(
    j: &Job,
    succeeded: i32,
    indexes: Option<&BTreeSet<i32>>,
    pods: &[&Pod],
    active_pods: &[&Pod],
    now: Time,
    job_ref: &ObjectReference,
) -> Managed {
    let mut active = active_pods.len() as i32;
    let mut m = Managed { actions: Vec::new(), active, next: None };
    let parallelism = if j.is_suspended() { 0 } else { j.spec.parallelism.unwrap_or(1) };
    let want = want_active(j.spec.completions, parallelism, succeeded, active);
    // activePodsForRemoval: an Indexed Job's duplicates first, then not-ready and unscheduled
    // pods, then the newest.
    let mut doomed: Vec<&Pod> = match indexes {
        Some(_) => job_indexed::duplicated_index_pods(active_pods, j.spec.completions.unwrap_or(0)),
        None => Vec::new(),
    };
    let mut rest: Vec<&Pod> =
        active_pods.iter().copied().filter(|p| !doomed.iter().any(|d| std::ptr::eq(*d, *p))).collect();
    kubelab_api::sort::by_key(&mut rest, |p| {
        (is_pod_ready(p), !p.spec.node_name.is_empty(), std::cmp::Reverse(p.metadata.creation_timestamp))
    });
    let extra = (active - doomed.len() as i32 - want).max(0) as usize;
    doomed.extend(rest.drain(..extra.min(rest.len())));
    // MaxPodCreateDeletePerSync: at most 500 deletions a sync, as creations.
    doomed.truncate(MAX_POD_CREATE_DELETE_PER_SYNC);
    if !doomed.is_empty() {
        for p in &doomed {
            m.actions.extend(delete_pod(p, job_ref));
        }
        active -= doomed.len() as i32;
        m.active = active;
        return m;
    }
    if want <= active {
        return m;
    }
    let count = ((want - active) as usize).min(MAX_POD_CREATE_DELETE_PER_SYNC);
    let new_pods: Vec<Pod> = match indexes {
        Some(done) if j.spec.backoff_limit_per_index.is_some() => {
            match per_index_pods(j, done, pods, active_pods, count, now) {
                Ok(new) => new,
                Err(wait) => {
                    m.next = Some(wait);
                    return m;
                }
            }
        }
        Some(done) => job_indexed::first_pending_indexes(done, active_pods, count, j.spec.completions.unwrap_or(0))
            .into_iter()
            .map(|i| job_indexed::index_pod(new_pod(j), &j.metadata.name, i))
            .collect(),
        None => {
            let (failures, last_failure) = backoff_record(j, pods, now);
            let remaining = backoff_remaining_ms(failures, last_failure, now);
            if remaining > 0 {
                m.next = Some(Time(now.0 + remaining));
                return m;
            }
            (0..count).map(|_| new_pod(j)).collect()
        }
    };
    m.active = active + new_pods.len() as i32;
    if !new_pods.is_empty() {
        let rule = Rule::JobPods { active, want, succeeded, completions: j.spec.completions };
        m.actions.push(because(j, rule));
    }
    for p in new_pods {
        m.actions.push(Action::CreateWithEvent(
            Box::new(Object::Pod(p)),
            EventSpec::normal(job_ref.clone(), "SuccessfulCreate", "Created pod: {name}".into(), NAME),
        ));
    }
    m
}

/// The pods for the lowest pending indexes of a Job with backoffLimitPerIndex, each after its
/// own index's back-off (`getPodCreationInfoForIndependentIndexes`: 10 s doubled per failure
/// of the index, from its last failed pod's finish, instead of the Job-wide back-off), with
/// the `job-index-failure-count` annotation (`addIndexFailureCountAnnotation`: the replaced
/// pod's count plus one). Err: none may start yet, and when the first can.
fn per_index_pods(
    j: &Job,
    done: &BTreeSet<i32>,
    pods: &[&Pod],
    active_pods: &[&Pod],
    count: usize,
    now: Time,
) -> Result<Vec<Pod>, Time> {
    let failed: Vec<&Pod> = pods.iter().copied().filter(|p| is_pod_failed(j, p)).collect();
    let last = |i: i32| job_indexed::last_failed_pod(&failed, i, now);
    let failures = |i: i32| last(i).map_or(0, |p| job_indexed::index_failure_count(p) + 1);
    let remaining = |i: i32| backoff_remaining_ms(failures(i) as u32, last(i).map(|p| finished_time(p, now)), now);
    let pending = job_indexed::first_pending_indexes(done, active_pods, count, j.spec.completions.unwrap_or(0));
    let mut new = Vec::new();
    let mut wait = u64::MAX;
    for i in pending {
        match remaining(i) {
            0 => {
                let mut p = job_indexed::index_pod(new_pod(j), &j.metadata.name, i);
                p.metadata.annotations.insert(job_indexed::INDEX_FAILURE_COUNT.into(), failures(i).to_string());
                new.push(p);
            }
            ms => wait = wait.min(ms),
        }
    }
    if new.is_empty() && wait < u64::MAX {
        return Err(Time(now.0 + wait));
    }
    Ok(new)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// manageJob's wantActive (job_controller.go, v1.31): parallelism capped by the
    /// completions left; with no completions, parallelism until one pod succeeds, then only
    /// the pods still running.
    #[test]
    fn want_active_follows_manage_job() {
        struct Case {
            name: &'static str,
            completions: Option<i32>,
            parallelism: i32,
            succeeded: i32,
            active: i32,
            want: i32,
        }
        let cases = [
            Case { name: "first pod", completions: Some(1), parallelism: 1, succeeded: 0, active: 0, want: 1 },
            Case { name: "two at a time", completions: Some(5), parallelism: 2, succeeded: 0, active: 0, want: 2 },
            Case {
                name: "one completion left",
                completions: Some(5),
                parallelism: 2,
                succeeded: 4,
                active: 1,
                want: 1,
            },
            Case { name: "all done", completions: Some(5), parallelism: 2, succeeded: 5, active: 0, want: 0 },
            Case {
                name: "more succeeded than asked",
                completions: Some(1),
                parallelism: 1,
                succeeded: 2,
                active: 0,
                want: 0,
            },
            Case { name: "work queue", completions: None, parallelism: 3, succeeded: 0, active: 1, want: 3 },
            Case { name: "work queue, one done", completions: None, parallelism: 3, succeeded: 1, active: 2, want: 2 },
            Case { name: "parallelism 0", completions: Some(3), parallelism: 0, succeeded: 0, active: 0, want: 0 },
        ];
        for c in cases {
            assert_eq!(want_active(c.completions, c.parallelism, c.succeeded, c.active), c.want, "{}", c.name);
        }
    }

    /// getRemainingTimeForFailuresCount with DefaultJobPodFailureBackOff 10 s and
    /// MaxJobPodFailureBackOff 10 min (job_controller.go, backoff_utils.go, v1.31).
    #[test]
    fn pod_failure_backoff_doubles_from_ten_seconds_up_to_ten_minutes() {
        let at = |s: u64| Some(Time(s * 1000));
        let cases = [
            ("no failure", 0, None, 5, 0),
            ("first failure, just now", 1, at(100), 100, 10_000),
            ("first failure, 4 s ago", 1, at(100), 104, 6_000),
            ("second failure", 2, at(100), 100, 20_000),
            ("third failure", 3, at(100), 100, 40_000),
            ("seventh failure: 640 s capped", 7, at(100), 100, 600_000),
            ("twentieth failure stays capped", 20, at(100), 100, 600_000),
            ("backoff over", 2, at(100), 130, 0),
        ];
        for (name, failures, last, now, want) in cases {
            assert_eq!(backoff_remaining_ms(failures, last, Time(now * 1000)), want, "{name}");
        }
    }

    fn job(completions: Option<i32>, parallelism: i32, backoff_limit: i32) -> Job {
        let mut j = Job::default();
        j.metadata.name = "work".into();
        j.metadata.namespace = "default".into();
        j.spec.completions = completions;
        j.spec.parallelism = Some(parallelism);
        j.spec.backoff_limit = Some(backoff_limit);
        j.spec.template.spec.restart_policy = "Never".into();
        j
    }

    fn stored_job(store: &mut Store, j: Job) -> Job {
        let Object::Job(j) = store.create(Object::Job(j), Time(0)) else { unreachable!() };
        j
    }

    fn finished_pod(store: &mut Store, j: &Job, name: &str, phase: &'static str, finished_s: u64) {
        let mut p = new_pod(j);
        p.metadata.name = name.into();
        p.status.phase = phase.into();
        p.status.container_statuses.push(ContainerStatus {
            name: "main".into(),
            state: ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: if phase == "Succeeded" { 0 } else { 1 },
                    finished_at: Some(Time(finished_s * 1000)),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        });
        store.create(Object::Pod(p), Time(0));
    }

    fn creations(actions: &[Action]) -> usize {
        actions.iter().filter(|a| matches!(a, Action::CreateWithEvent(..))).count()
    }

    fn job_status(actions: &[Action]) -> Option<&JobStatus> {
        actions.iter().find_map(|a| match a {
            Action::Update(o) => match &**o {
                Object::Job(j) => Some(&j.status),
                _ => None,
            },
            _ => None,
        })
    }

    /// manageJob (job_controller.go, v1.31): `if len(podsToDelete) > MaxPodCreateDeletePerSync`
    /// it deletes only the first 500 in one sync.
    #[test]
    fn a_sync_deletes_at_most_500_pods() {
        let mut store = Store::default();
        let j = stored_job(&mut store, job(None, 600, 6));
        for i in 0..600 {
            let mut p = new_pod(&j);
            p.metadata.name = format!("work-{i}");
            p.status.phase = "Running".into();
            store.create(Object::Pod(p), Time(0));
        }
        let mut scaled = j.clone();
        scaled.spec.parallelism = Some(0);
        let out = reconcile(&scaled, &store, Time(1_000));
        let deletes = out.iter().filter(|a| matches!(a, Action::Delete { kind: "Pod", .. })).count();
        assert_eq!(deletes, 500);
    }

    #[test]
    fn a_new_job_gets_parallelism_pods_and_a_start_time() {
        let mut store = Store::default();
        let j = stored_job(&mut store, job(Some(5), 2, 6));
        let out = reconcile(&j, &store, Time(3_000));
        assert_eq!(creations(&out), 2);
        let st = job_status(&out).expect("a status write");
        assert_eq!((st.active, st.start_time), (2, Some(Time(3_000))));
        let pod = out.iter().find_map(|a| match a {
            Action::CreateWithEvent(o, e) => Some((o, e)),
            _ => None,
        });
        let (Object::Pod(p), e) = (&**pod.unwrap().0, pod.unwrap().1) else { panic!("a pod") };
        assert_eq!(p.metadata.generate_name, "work-");
        assert_eq!(p.metadata.finalizers, vec![JOB_TRACKING_FINALIZER.to_string()]);
        assert_eq!((e.reason, e.message.as_str()), ("SuccessfulCreate", "Created pod: {name}"));
    }

    #[test]
    fn a_finished_pod_counts_a_second_after_it_finished_and_loses_its_finalizer() {
        let mut store = Store::default();
        let j = stored_job(&mut store, job(Some(1), 1, 6));
        finished_pod(&mut store, &j, "work-a", "Succeeded", 10);
        // Within the sync batch period: nothing yet, a look again when it ends.
        assert_eq!(reconcile(&j, &store, Time(10_500)), vec![Action::Requeue(Time(11_000))]);
        let out = reconcile(&j, &store, Time(11_000));
        assert_eq!(creations(&out), 0);
        let st = job_status(&out).unwrap();
        assert_eq!(st.succeeded, 1);
        let types: Vec<&str> = st.conditions.iter().map(|c| &*c.type_).collect();
        assert_eq!(types, ["SuccessCriteriaMet", "Complete"]);
        assert_eq!(st.conditions[1].reason, "CompletionsReached");
        assert_eq!(st.completion_time, Some(Time(11_000)));
        assert!(out.iter().any(
            |a| matches!(a, Action::Update(o) if matches!(&**o, Object::Pod(p) if p.metadata.finalizers.is_empty()))
        ));
    }

    #[test]
    fn failures_past_the_backoff_limit_fail_the_job() {
        let mut store = Store::default();
        let j = stored_job(&mut store, job(Some(1), 1, 1));
        finished_pod(&mut store, &j, "work-a", "Failed", 10);
        finished_pod(&mut store, &j, "work-b", "Failed", 30);
        let out = reconcile(&j, &store, Time(31_000));
        let st = job_status(&out).unwrap();
        assert_eq!(st.failed, 2);
        let types: Vec<(&str, &str)> = st.conditions.iter().map(|c| (&*c.type_, &*c.reason)).collect();
        assert_eq!(types, [("FailureTarget", "BackoffLimitExceeded"), ("Failed", "BackoffLimitExceeded")]);
        assert_eq!(creations(&out), 0);
    }

    #[test]
    fn a_replacement_waits_for_the_failure_backoff() {
        let mut store = Store::default();
        let j = stored_job(&mut store, job(Some(1), 1, 6));
        finished_pod(&mut store, &j, "work-a", "Failed", 10);
        let out = reconcile(&j, &store, Time(11_000));
        assert_eq!(creations(&out), 0);
        assert!(out.contains(&Action::Requeue(Time(20_000))), "10 s after the failure: {out:?}");
    }

    #[test]
    fn restarts_reach_the_backoff_limit_with_restart_policy_on_failure() {
        let mut j = job(Some(1), 1, 2);
        j.spec.template.spec.restart_policy = "OnFailure".into();
        let mut p = new_pod(&j);
        p.status.phase = "Running".into();
        p.status.container_statuses.push(ContainerStatus { restart_count: 1, ..Default::default() });
        assert!(!past_backoff_limit_on_failure(&j, &[&p]));
        p.status.container_statuses[0].restart_count = 2;
        assert!(past_backoff_limit_on_failure(&j, &[&p]));
        j.spec.backoff_limit = Some(0);
        p.status.container_statuses[0].restart_count = 1;
        assert!(past_backoff_limit_on_failure(&j, &[&p]), "backoffLimit 0: any restart");
    }
}
