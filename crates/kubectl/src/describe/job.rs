//! describe for Jobs (describeJob in k8s.io/kubectl pkg/describe/describe.go, v1.31).

use super::pod::pod_template_into;
use super::{describe_events, labels_multiline, rfc1123z, W};
use kubelab_api::*;
use kubelab_engine::duration::human_duration;
use kubelab_engine::store::Store;

pub fn job(store: &Store, j: &Job, now: Time) -> String {
    let mut w = W(String::new());
    let (m, s, st) = (&j.metadata, &j.spec, &j.status);
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    let selector = s.selector.as_ref().map(|sel| sel.to_selector_string()).unwrap_or_default();
    w.line(0, &format!("Selector:\t{selector}"));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    if let Some(r) = m.controller_ref() {
        w.line(0, &format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
    if let Some(p) = s.parallelism {
        w.line(0, &format!("Parallelism:\t{p}"));
    }
    match s.completions {
        Some(c) => w.line(0, &format!("Completions:\t{c}")),
        None => w.line(0, "Completions:\t<unset>"),
    }
    if let Some(mode) = &s.completion_mode {
        w.line(0, &format!("Completion Mode:\t{mode}"));
    }
    if let Some(suspend) = s.suspend {
        w.line(0, &format!("Suspend:\t{suspend}"));
    }
    if let Some(limit) = s.backoff_limit {
        w.line(0, &format!("Backoff Limit:\t{limit}"));
    }
    if let Some(ttl) = s.ttl_seconds_after_finished {
        w.line(0, &format!("TTL Seconds After Finished:\t{ttl}"));
    }
    if let Some(start) = st.start_time {
        w.line(0, &format!("Start Time:\t{}", rfc1123z(start)));
    }
    if let Some(done) = st.completion_time {
        w.line(0, &format!("Completed At:\t{}", rfc1123z(done)));
    }
    if let (Some(start), Some(done)) = (st.start_time, st.completion_time) {
        w.line(0, &format!("Duration:\t{}", human_duration(done.0 as i64 - start.0 as i64)));
    }
    if let Some(deadline) = s.active_deadline_seconds {
        w.line(0, &format!("Active Deadline Seconds:\t{deadline}s"));
    }
    match st.ready {
        Some(ready) => w.line(
            0,
            &format!(
                "Pods Statuses:\t{} Active ({ready} Ready) / {} Succeeded / {} Failed",
                st.active, st.succeeded, st.failed
            ),
        ),
        None => w.line(
            0,
            &format!("Pods Statuses:\t{} Active / {} Succeeded / {} Failed", st.active, st.succeeded, st.failed),
        ),
    }
    if s.completion_mode.as_deref() == Some("Indexed") {
        w.line(0, &format!("Completed Indexes:\t{}", cap_indexes_list_or_none(&st.completed_indexes, 50)));
    }
    pod_template_into(&mut w, &s.template);
    describe_events(&mut w, store, Job::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

/// capIndexesListOrNone: `<none>`, or the list cut at the first comma from the 50th
/// character on, with `...`.
fn cap_indexes_list_or_none(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".into();
    }
    match indexes.get(soft_limit..).and_then(|tail| tail.find(',')) {
        Some(at) => format!("{}...", &indexes[..soft_limit + at + 1]),
        None => indexes.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn completed_indexes_are_cut_after_fifty_characters() {
        assert_eq!(super::cap_indexes_list_or_none("", 50), "<none>");
        assert_eq!(super::cap_indexes_list_or_none("0-4", 50), "0-4");
        let long: Vec<String> = (0..40).map(|i| (i * 2).to_string()).collect();
        let long = long.join(",");
        let cut = super::cap_indexes_list_or_none(&long, 50);
        assert!(cut.ends_with(",...") && cut.len() < long.len(), "{cut}");
    }
}
