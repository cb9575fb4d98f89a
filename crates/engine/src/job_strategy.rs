//! The API server's Job strategy (pkg/registry/batch/job/strategy.go and
//! pkg/apis/batch/validation, v1.31): the selector and labels it generates on create, and
//! what an update keeps and may not change.

use crate::immutable;
use kubelab_api::validate;
use kubelab_api::*;

/// The Job strategy's generateSelector (pkg/registry/batch/job/strategy.go, v1.31), unless
/// `manualSelector`: the template gets `batch.kubernetes.io/job-name` and `job-name` (the
/// Job's name) and `batch.kubernetes.io/controller-uid` and `controller-uid` (its uid) where
/// it has none of its own, and the selector matches `batch.kubernetes.io/controller-uid`.
/// The Job's own labels are then its template's when it has none: SetDefaults_Job runs again
/// whenever the stored Job is read, after the labels were generated, which is why `kubectl get
/// job -o yaml` shows them on the Job too.
pub(crate) fn generate_selector(j: &mut Job, uid: &str) {
    if j.spec.manual_selector == Some(true) {
        return;
    }
    let labels = &mut j.spec.template.metadata.labels;
    for key in [batch::LEGACY_JOB_NAME_LABEL, batch::JOB_NAME_LABEL] {
        labels.entry(key.into()).or_insert_with(|| j.metadata.name.clone());
    }
    for key in [batch::LEGACY_CONTROLLER_UID_LABEL, batch::CONTROLLER_UID_LABEL] {
        labels.entry(key.into()).or_insert_with(|| uid.to_string());
    }
    let selector = j.spec.selector.get_or_insert_with(LabelSelector::default);
    selector.match_labels.entry(batch::CONTROLLER_UID_LABEL.into()).or_insert_with(|| uid.to_string());
    if j.metadata.labels.is_empty() {
        j.metadata.labels = j.spec.template.metadata.labels.clone();
    }
}

/// ValidateJob's check on create (validation.go, v1.31): an Indexed Job's last pod hostname,
/// `<name>-<completions - 1>`, must be a DNS label (an update does not check it again).
pub(crate) fn validate_pod_hostnames(j: &Job) -> Option<validate::FieldError> {
    let completions = j.spec.completions.filter(|c| *c > 0 && j.spec.completion_mode.as_deref() == Some("Indexed"))?;
    let hostname = format!("{}-{}", j.metadata.name, completions - 1);
    validate::dns1123_label(&hostname).first()?;
    Some(validate::FieldError {
        path: "metadata.name".into(),
        type_: validate::ErrorType::Invalid,
        value: format!("{:?}", j.metadata.name),
        detail: format!("will not able to create pod with invalid DNS label: {hostname}"),
    })
}

/// jobStrategy.PrepareForUpdate keeps the status; ValidateJobSpecUpdate (pkg/apis/batch/
/// validation, v1.31): completions (of a NonIndexed Job; an Indexed Job's only together with
/// parallelism), the selector, the pod template (the scheduling directives of a suspended Job
/// aside, not modelled), completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy and
/// successPolicy may not change. The template's value is Go's `%#v` of the whole
/// PodTemplateSpec upstream, pages long; the lab abbreviates it as `core.PodTemplateSpec{...}`.
pub(crate) fn prepare_for_update(o: &Job, n: &mut Job, errs: &mut Vec<validate::FieldError>) {
    let changed = |path: &str, value: String| validate::FieldError {
        path: path.into(),
        type_: validate::ErrorType::Invalid,
        value,
        detail: "field is immutable".into(),
    };
    let show = |v: Option<i32>| v.map_or("null".to_string(), |x| x.to_string());
    // validateCompletions (ElasticIndexedJob, GA in 1.31): an Indexed Job's completions may
    // change, but only to its (new) parallelism.
    if o.spec.completions != n.spec.completions {
        if n.spec.completion_mode.as_deref() != Some("Indexed") {
            errs.push(changed("spec.completions", show(n.spec.completions)));
        } else if let Some(c) = n.spec.completions.filter(|c| Some(*c) != n.spec.parallelism) {
            let mut e = changed("spec.completions", c.to_string());
            e.detail = "can only be modified in tandem with spec.parallelism".into();
            errs.push(e);
        }
    }
    if o.spec.selector != n.spec.selector {
        errs.push(immutable("spec.selector", n.spec.selector.as_ref().unwrap_or(&LabelSelector::default())));
    }
    if o.spec.template != n.spec.template {
        errs.push(changed("spec.template", "core.PodTemplateSpec{...}".into()));
    }
    let quoted = |v: &Option<String>| v.as_deref().map_or("null".to_string(), |m| format!("{m:?}"));
    if o.spec.completion_mode != n.spec.completion_mode {
        errs.push(changed("spec.completionMode", quoted(&n.spec.completion_mode)));
    }
    // The policies' values are Go's %#v of the structs, pointers and all; abbreviated.
    let policy =
        |p: &Option<Opaque>, name: &str| p.as_ref().map_or("null".to_string(), |_| format!("batch.{name}{{...}}"));
    if o.spec.pod_failure_policy != n.spec.pod_failure_policy {
        errs.push(changed("spec.podFailurePolicy", policy(&n.spec.pod_failure_policy, "PodFailurePolicy")));
    }
    if o.spec.backoff_limit_per_index != n.spec.backoff_limit_per_index {
        errs.push(changed("spec.backoffLimitPerIndex", show(n.spec.backoff_limit_per_index)));
    }
    if o.spec.managed_by != n.spec.managed_by {
        errs.push(changed("spec.managedBy", quoted(&n.spec.managed_by)));
    }
    if o.spec.success_policy != n.spec.success_policy {
        errs.push(changed("spec.successPolicy", policy(&n.spec.success_policy, "SuccessPolicy")));
    }
    n.status = o.status.clone();
}
