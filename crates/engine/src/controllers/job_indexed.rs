//! Indexed Jobs (`completionMode: Indexed`; pkg/controller/job/indexed_job_utils.go, v1.31):
//! each pod has a completion index from 0 to completions - 1, in its annotation and label
//! `batch.kubernetes.io/job-completion-index`, its `JOB_COMPLETION_INDEX` variable, its name
//! (`<job>-<index>-xxxxx`) and its hostname (`<job>-<index>`); the Job is complete when every
//! index has a succeeded pod, and `status.completedIndexes` lists them.

use kubelab_api::*;
use std::collections::BTreeSet;

/// batch.JobCompletionIndexAnnotation (and, with the PodIndexLabel gate, beta and on since
/// 1.28, the label of the same name).
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// The variable each container gets, from the annotation through the downward API.
pub const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

/// `getCompletionIndex`: the pod's index from its annotation; None when missing or not a
/// number.
pub fn completion_index(p: &Pod) -> Option<i32> {
    p.metadata.annotations.get(COMPLETION_INDEX)?.parse().ok().filter(|i| *i >= 0)
}

/// `parseIndexesFromString`: the indexes of `status.completedIndexes` (`1,3-5,7`) below
/// `completions`.
pub fn parse_indexes(s: &str, completions: i32) -> BTreeSet<i32> {
    let mut out = BTreeSet::new();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        let (first, last) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<i32>(), b.parse::<i32>()),
            None => (part.parse::<i32>(), part.parse::<i32>()),
        };
        if let (Ok(a), Ok(b)) = (first, last) {
            out.extend((a..=b).filter(|i| *i >= 0 && *i < completions));
        }
    }
    out
}

/// `orderedIntervals.String`: runs of three or more as `first-last`, two as `a,b`.
pub fn format_indexes(indexes: &BTreeSet<i32>) -> String {
    let mut runs: Vec<(i32, i32)> = Vec::new();
    for &i in indexes {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == i => run.1 = i,
            _ => runs.push((i, i)),
        }
    }
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => a.to_string(),
            1 => format!("{a},{b}"),
            _ => format!("{a}-{b}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `firstPendingIndexes`: the lowest `count` indexes below `completions` that neither
/// succeeded nor failed (`done`) nor have an active pod.
pub fn first_pending_indexes(done: &BTreeSet<i32>, active: &[&Pod], count: usize, completions: i32) -> Vec<i32> {
    let running: BTreeSet<i32> = kubelab_api::sort::set(active.iter().filter_map(|p| completion_index(p)));
    (0..completions).filter(|i| !done.contains(i) && !running.contains(i)).take(count).collect()
}

/// batch.JobIndexFailureCountAnnotation: on each pod of a Job with backoffLimitPerIndex, how
/// many pods of its index failed before it.
pub const INDEX_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-failure-count";

/// `getIndexFailureCount`: the annotation's count, 0 when missing or not a count.
pub fn index_failure_count(p: &Pod) -> i32 {
    p.metadata.annotations.get(INDEX_FAILURE_COUNT).and_then(|v| v.parse().ok()).filter(|n: &i32| *n >= 0).unwrap_or(0)
}

/// `getPodsWithDelayedDeletionPerIndex` for a pending index: its last failed pod (the
/// highest failure count, then the latest to finish), whose count the replacement carries on
/// and whose finish starts the index's back-off.
pub fn last_failed_pod<'a>(failed: &[&'a Pod], index: i32, now: Time) -> Option<&'a Pod> {
    failed
        .iter()
        .copied()
        .filter(|p| completion_index(p) == Some(index))
        .max_by_key(|p| (index_failure_count(p), super::job::finished_time(p, now)))
}

/// `appendDuplicatedIndexPodsForRemoval`: the active pods to delete because their index is
/// missing, out of range or taken by an earlier pod.
pub fn duplicated_index_pods<'a>(active: &[&'a Pod], completions: i32) -> Vec<&'a Pod> {
    let mut seen = BTreeSet::new();
    let mut doomed = Vec::new();
    let mut sorted: Vec<&Pod> = active.to_vec();
    kubelab_api::sort::by_key(&mut sorted, |p| {
        (completion_index(p), p.metadata.creation_timestamp, p.metadata.name.clone())
    });
    for p in sorted {
        match completion_index(p) {
            Some(i) if i < completions && seen.insert(i) => {}
            _ => doomed.push(p),
        }
    }
    doomed
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, the name cut so the prefix stays within
/// names.MaxGeneratedNameLength (58).
pub fn generate_name_with_index(job: &str, index: i32) -> String {
    let suffix = format!("-{index}-");
    let prefix = format!("{job}{suffix}");
    if prefix.len() > 58 {
        format!("{}{suffix}", &job[..58 - suffix.len()])
    } else {
        prefix
    }
}

/// The pod for one index: annotation and label, hostname, the name prefix, and
/// `JOB_COMPLETION_INDEX` in every container that does not set it
/// (`addCompletionIndexEnvVariables`).
pub fn index_pod(mut p: Pod, job: &str, index: i32) -> Pod {
    p.metadata.annotations.insert(COMPLETION_INDEX.into(), index.to_string());
    p.metadata.labels.insert(COMPLETION_INDEX.into(), index.to_string());
    p.metadata.generate_name = generate_name_with_index(job, index);
    if p.spec.hostname.is_empty() {
        p.spec.hostname = format!("{job}-{index}");
    }
    for c in p.spec.init_containers.iter_mut().chain(p.spec.containers.iter_mut()) {
        if !c.env.iter().any(|e| e.name == COMPLETION_INDEX_ENV) {
            c.env.push(index_env());
        }
    }
    p
}

/// `JOB_COMPLETION_INDEX` from the pod's completion index label (downward API): v1.31's
/// addCompletionIndexEnvVariable reads `metadata.labels[...]` while the PodIndexLabel feature
/// gate is on (beta and on by default since 1.28, GA in 1.32; KEP-4017), the annotation before.
pub fn index_env() -> EnvVar {
    // Parsed once: every container of every indexed pod shares it.
    static SOURCE: std::sync::OnceLock<Opaque> = std::sync::OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let yaml = format!("fieldRef:\n  fieldPath: metadata.labels['{COMPLETION_INDEX}']\n");
        serde_yaml::from_str::<serde_yaml::Value>(&yaml).unwrap_or_default().into()
    });
    EnvVar { name: COMPLETION_INDEX_ENV.into(), value: None, value_from: Some(source.clone()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// orderedIntervals.String and parseIndexesFromString (indexed_job_utils.go, v1.31).
    #[test]
    fn completed_indexes_round_trip_in_upstreams_interval_form() {
        let cases = [
            (vec![], ""),
            (vec![0], "0"),
            (vec![0, 1], "0,1"),
            (vec![0, 1, 2], "0-2"),
            (vec![1, 3, 4, 5, 7], "1,3-5,7"),
        ];
        for (indexes, text) in cases {
            let set: BTreeSet<i32> = indexes.into_iter().collect();
            assert_eq!(format_indexes(&set), text);
            assert_eq!(parse_indexes(text, 10), set, "{text}");
        }
        assert_eq!(parse_indexes("0-9", 3), [0, 1, 2].into(), "indexes past completions are dropped");
    }

    #[test]
    fn generate_name_keeps_the_index_and_fits() {
        assert_eq!(generate_name_with_index("sample", 3), "sample-3-");
        let long = "a".repeat(60);
        let name = generate_name_with_index(&long, 12);
        assert_eq!(name.len(), 58);
        assert!(name.ends_with("-12-"));
    }
}
