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

/// jobStrategy.PrepareForUpdate keeps the status; ValidateJobSpecUpdate (pkg/apis/batch/
/// validation, v1.31): completions (of a NonIndexed Job), the selector, the pod template
/// (the scheduling directives of a suspended Job aside, not modelled), completionMode and
/// backoffLimitPerIndex may not change. The template's value is Go's `%#v` of the whole
/// PodTemplateSpec upstream, pages long; the lab abbreviates it as `core.PodTemplateSpec{...}`.
pub(crate) fn prepare_for_update(o: &Job, n: &mut Job, errs: &mut Vec<validate::FieldError>) {
    let changed = |path: &str, value: String| validate::FieldError {
        path: path.into(),
        type_: validate::ErrorType::Invalid,
        value,
        detail: "field is immutable".into(),
    };
    let show = |v: Option<i32>| v.map_or("null".to_string(), |x| x.to_string());
    if o.spec.completions != n.spec.completions && n.spec.completion_mode.as_deref() != Some("Indexed") {
        errs.push(changed("spec.completions", show(n.spec.completions)));
    }
    if o.spec.selector != n.spec.selector {
        errs.push(immutable("spec.selector", n.spec.selector.as_ref().unwrap_or(&LabelSelector::default())));
    }
    if o.spec.template != n.spec.template {
        errs.push(changed("spec.template", "core.PodTemplateSpec{...}".into()));
    }
    if o.spec.completion_mode != n.spec.completion_mode {
        let mode = n.spec.completion_mode.as_deref().map_or("null".to_string(), |m| format!("{m:?}"));
        errs.push(changed("spec.completionMode", mode));
    }
    if o.spec.backoff_limit_per_index != n.spec.backoff_limit_per_index {
        errs.push(changed("spec.backoffLimitPerIndex", show(n.spec.backoff_limit_per_index)));
    }
    n.status = o.status.clone();
}
