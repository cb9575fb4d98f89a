//! batch/v1 Job validation in the API server's words and order (pkg/apis/batch/validation
//! validation.go, v1.31: ValidateJob → validateJobSpec, ValidatePodTemplateSpecForJob,
//! ValidateJobSpec's selector checks).

use super::selector::validate_label_selector;
use super::{
    go_map, invalid, not_supported, required, validate_labels, validate_meta, validate_pod_spec, FieldError, NameRule,
};
use crate::batch::Job;

/// `apivalidation.ValidateNonnegativeField`.
fn non_negative(value: Option<i64>, path: &str, out: &mut Vec<FieldError>) {
    if let Some(v) = value.filter(|v| *v < 0) {
        out.push(invalid(path, v.to_string(), "must be greater than or equal to 0"));
    }
}

pub(super) fn validate_job(j: &Job) -> Vec<FieldError> {
    // ValidateJob: the name is a subdomain (ValidateReplicationControllerName).
    let mut out = validate_meta(&j.metadata, true, NameRule::Subdomain);
    let s = &j.spec;
    non_negative(s.parallelism.map(i64::from), "spec.parallelism", &mut out);
    non_negative(s.completions.map(i64::from), "spec.completions", &mut out);
    non_negative(s.active_deadline_seconds, "spec.activeDeadlineSeconds", &mut out);
    non_negative(s.backoff_limit.map(i64::from), "spec.backoffLimit", &mut out);
    non_negative(s.ttl_seconds_after_finished.map(i64::from), "spec.ttlSecondsAfterFinished", &mut out);
    non_negative(s.backoff_limit_per_index.map(i64::from), "spec.backoffLimitPerIndex", &mut out);
    if let Some(mode) = s.completion_mode.as_deref() {
        if mode != "NonIndexed" && mode != "Indexed" {
            out.push(not_supported("spec.completionMode", mode, &["NonIndexed", "Indexed"]));
        }
        if mode == "Indexed" && s.completions.is_none() {
            out.push(required("spec.completions", "when completion mode is Indexed"));
        }
        if let Some(per_index) = s.backoff_limit_per_index.filter(|_| mode != "Indexed") {
            out.push(invalid("spec.backoffLimitPerIndex", per_index.to_string(), "requires indexed completion mode"));
        }
    }
    if let Some(p) = s.pod_replacement_policy.as_deref() {
        if p != "TerminatingOrFailed" && p != "Failed" {
            out.push(not_supported("spec.podReplacementPolicy", p, &["Failed", "TerminatingOrFailed"]));
        }
    }
    // ValidatePodTemplateSpecForJob.
    out.extend(validate_labels(&s.template.metadata.labels, "spec.template.metadata.labels"));
    out.extend(validate_pod_spec(&s.template.spec, "spec.template.spec"));
    // validatePodTemplateSpecForJob: the pod's default, Always (or nothing), is "Required"
    // with the valid values; any other value is "Unsupported".
    let restart = s.template.spec.restart_policy.as_str();
    if restart == "Always" || restart.is_empty() {
        out.push(required("spec.template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\""));
    } else if restart != "OnFailure" && restart != "Never" {
        out.push(not_supported("spec.template.spec.restartPolicy", restart, &["OnFailure", "Never"]));
    }
    // ValidateJobSpec: the selector must select the template's labels. Unless
    // manualSelector, the API server's strategy generates it before validating (the engine
    // does, `job_strategy.rs`): a manifest without one is checked as it will be.
    let labels = &s.template.metadata.labels;
    let selects = match &s.selector {
        None if s.manual_selector != Some(true) => true,
        // LabelSelectorAsSelector(nil) is labels.Nothing(): it matches no template.
        None => {
            out.push(required("spec.selector", ""));
            false
        }
        Some(sel) => {
            out.extend(validate_label_selector(sel, "spec.selector"));
            sel.matches(labels)
        }
    };
    if !selects {
        // Go's %#v of the labels: a template without any has a nil map.
        let value = if labels.is_empty() { "map[string]string(nil)".to_string() } else { go_map(labels) };
        out.push(invalid("spec.template.metadata.labels", value, "`selector` does not match template `labels`"));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::object::Object;

    /// The API server's messages for a Job manifest after SetDefaults_Job (validation.go,
    /// v1.31).
    fn errors(spec: &str) -> Vec<String> {
        let yaml = format!("apiVersion: batch/v1\nkind: Job\nmetadata: {{name: pi}}\nspec:\n{spec}");
        let (docs, _) = crate::parse_documents(&yaml);
        let mut o: Object = crate::decode(&docs[0]).expect("decodes");
        crate::defaults::default_object(&mut o);
        crate::validate::validate_object(&o).iter().map(|e| e.to_string()).collect()
    }

    const TEMPLATE: &str = "  template:\n    spec:\n      containers: [{name: pi, image: perl}]\n";

    #[test]
    fn job_manifests_are_refused_in_the_api_servers_words() {
        let never = format!("{TEMPLATE}      restartPolicy: Never\n");
        let cases: Vec<(String, Vec<&str>)> = vec![
            (never.clone(), vec![]),
            (
                TEMPLATE.to_string(),
                vec![
                    // validation.go: `field.Required(..., fmt.Sprintf("valid values: %q, %q", ...))`
                    // for the pod's default, Always.
                    r#"spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never""#,
                ],
            ),
            (
                format!("{TEMPLATE}      restartPolicy: Sometimes\n"),
                // The pod spec's own check, then the Job's (both run upstream too).
                vec![
                    r#"spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never""#,
                    r#"spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", "Never""#,
                ],
            ),
            (
                format!("  parallelism: -1\n  backoffLimit: -2\n{never}"),
                vec![
                    "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
                    "spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0",
                ],
            ),
            (
                format!("  completionMode: Indexed\n  parallelism: 2\n{never}"),
                vec!["spec.completions: Required value: when completion mode is Indexed"],
            ),
            (
                format!("  completionMode: Sometimes\n{never}"),
                vec![
                    r#"spec.completionMode: Unsupported value: "Sometimes": supported values: "NonIndexed", "Indexed""#,
                ],
            ),
            (
                format!("  manualSelector: true\n{never}"),
                vec![
                    "spec.selector: Required value",
                    "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`",
                ],
            ),
        ];
        for (spec, want) in cases {
            assert_eq!(errors(&spec), want, "{spec}");
        }
    }

    /// SetDefaults_Job (pkg/apis/batch/v1/defaults.go).
    #[test]
    fn defaults_follow_set_defaults_job() {
        let yaml =
            format!("apiVersion: batch/v1\nkind: Job\nmetadata: {{name: pi}}\nspec:\n  parallelism: 3\n{TEMPLATE}");
        let (docs, _) = crate::parse_documents(&yaml);
        let mut o: Object = crate::decode(&docs[0]).expect("decodes");
        crate::defaults::default_object(&mut o);
        let Object::Job(j) = o else { panic!("a Job") };
        let s = &j.spec;
        assert_eq!((s.completions, s.parallelism, s.backoff_limit), (None, Some(3), Some(6)));
        assert_eq!(s.completion_mode.as_deref(), Some("NonIndexed"));
        assert_eq!((s.suspend, s.manual_selector), (Some(false), Some(false)));
        assert_eq!(s.pod_replacement_policy.as_deref(), Some("TerminatingOrFailed"));
    }
}
