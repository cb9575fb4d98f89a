//! batch/v1 Job validation in the API server's words and order (pkg/apis/batch/validation
//! validation.go, v1.31: ValidateJob → validateJobSpec, ValidatePodTemplateSpecForJob,
//! ValidateJobSpec's selector checks).

use super::selector::validate_label_selector;
use super::{
    go_map, invalid, not_supported, required, validate_labels, validate_meta, validate_pod_spec, FieldError, NameRule,
};
use crate::batch::{Job, JobSpec};

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
    if let Some(max) = s.max_failed_indexes {
        non_negative(Some(max.into()), "spec.maxFailedIndexes", &mut out);
        if s.backoff_limit_per_index.is_none() {
            out.push(required("spec.backoffLimitPerIndex", "when maxFailedIndexes is specified"));
        }
    }
    let indexed = s.completion_mode.as_deref() == Some("Indexed");
    if let Some(mode) = s.completion_mode.as_deref() {
        if mode != "NonIndexed" && mode != "Indexed" {
            out.push(not_supported("spec.completionMode", mode, &["NonIndexed", "Indexed"]));
        }
    }
    if indexed {
        validate_indexed_limits(s, &mut out);
    } else if matches!(s.completion_mode.as_deref(), None | Some("NonIndexed")) {
        let per_index =
            [("spec.backoffLimitPerIndex", s.backoff_limit_per_index), ("spec.maxFailedIndexes", s.max_failed_indexes)];
        for (path, v) in per_index {
            if let Some(v) = v {
                out.push(invalid(path, v.to_string(), "requires indexed completion mode"));
            }
        }
    }
    if let Some(policy) = &s.success_policy {
        if indexed {
            validate_success_policy(policy, s.completions, &mut out);
        } else {
            // The value is Go's %#v of the whole SuccessPolicy, pointers and all; abbreviated.
            out.push(invalid(
                "spec.successPolicy",
                "batch.SuccessPolicy{...}".into(),
                "requires indexed completion mode",
            ));
        }
    }
    // validatePodReplacementPolicy: with a podFailurePolicy only Failed.
    if let Some(p) = s.pod_replacement_policy.as_deref() {
        if s.pod_failure_policy.is_some() && p != "Failed" {
            out.push(not_supported("spec.podReplacementPolicy", p, &["Failed"]));
        } else if p != "TerminatingOrFailed" && p != "Failed" {
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
    } else if s.pod_failure_policy.is_some() && restart != "Never" {
        let detail = "only \"Never\" is supported when podFailurePolicy is specified";
        out.push(invalid("spec.template.spec.restartPolicy", format!("{restart:?}"), detail));
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

/// validateJobSpec's limits for an Indexed Job: completions required, parallelism at most
/// 100,000, maxFailedIndexes at most completions and 100,000; above 100,000 completions with
/// backoffLimitPerIndex, maxFailedIndexes required and it and parallelism at most 10,000.
fn validate_indexed_limits(s: &JobSpec, out: &mut Vec<FieldError>) {
    const SOFT_LIMIT: i32 = 100_000;
    if s.completions.is_none() {
        out.push(required("spec.completions", "when completion mode is Indexed"));
    }
    if let Some(p) = s.parallelism.filter(|p| *p > SOFT_LIMIT) {
        let detail = "must be less than or equal to 100000 when completion mode is Indexed";
        out.push(invalid("spec.parallelism", p.to_string(), detail));
    }
    if let Some(max) = s.max_failed_indexes {
        if s.completions.is_some_and(|c| max > c) {
            out.push(invalid("spec.maxFailedIndexes", max.to_string(), "must be less than or equal to completions"));
        }
        if max > SOFT_LIMIT {
            out.push(invalid("spec.maxFailedIndexes", max.to_string(), "must be less than or equal to 100000"));
        }
    }
    if s.completions.is_some_and(|c| c > SOFT_LIMIT) && s.backoff_limit_per_index.is_some() {
        let high = "must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index";
        if s.max_failed_indexes.is_none() {
            out.push(required("spec.maxFailedIndexes", "must be specified when completions is above 100000"));
        }
        if let Some(p) = s.parallelism.filter(|p| *p > 10_000) {
            out.push(invalid("spec.parallelism", p.to_string(), high));
        }
        if let Some(max) = s.max_failed_indexes.filter(|m| *m > 10_000) {
            out.push(invalid("spec.maxFailedIndexes", max.to_string(), high));
        }
    }
}

/// validateSuccessPolicy and validateSuccessPolicyRule (the 20-rule and 64 KiB limits are not
/// checked).
fn validate_success_policy(policy: &crate::Opaque, completions: Option<i32>, out: &mut Vec<FieldError>) {
    let rules = policy.get("rules").and_then(|r| r.as_sequence()).map_or(&[][..], |r| r.as_slice());
    if rules.is_empty() {
        let detail = "at least one rules must be specified when the successPolicy is specified";
        out.push(required("spec.successPolicy.rules", detail));
    }
    let completions = completions.unwrap_or(0);
    for (i, rule) in rules.iter().enumerate() {
        let path = format!("spec.successPolicy.rules[{i}]");
        let indexes = rule.get("succeededIndexes").map(|v| v.as_str().unwrap_or_default());
        let count = rule.get("succeededCount").and_then(|v| v.as_i64());
        if indexes.is_none() && count.is_none() {
            let detail = "at least one of succeededCount or succeededIndexes must be specified";
            out.push(required(path.clone(), detail));
        }
        let mut total = 0;
        if let Some(text) = indexes {
            match validate_indexes_format(text, completions) {
                Ok(n) => total = n,
                Err(e) => out.push(invalid(
                    format!("{path}.succeededIndexes"),
                    format!("{text:?}"),
                    format!("error parsing succeededIndexes: {e}"),
                )),
            }
        }
        if let Some(n) = count {
            let count_path = format!("{path}.succeededCount");
            non_negative(Some(n), &count_path, out);
            if n > completions.into() {
                let detail =
                    format!("must be less than or equal to {completions} (the number of specified completions)");
                out.push(invalid(count_path.clone(), n.to_string(), detail));
            }
            if indexes.is_some() && n > total {
                let detail = format!(
                    "must be less than or equal to {total} (the number of indexes in the specified succeededIndexes field)"
                );
                out.push(invalid(count_path, n.to_string(), detail));
            }
        }
    }
}

/// `validateIndexesFormat` and `parseIndexInterval`: increasing intervals `a` or `a-b` below
/// completions; the number of indexes, or upstream's error.
fn validate_indexes_format(text: &str, completions: i32) -> Result<i64, String> {
    let mut last: Option<i64> = None;
    let mut total = 0;
    for interval in text.split(',').filter(|_| !text.is_empty()) {
        let parts: Vec<&str> = interval.split('-').collect();
        if parts.len() > 2 {
            return Err(format!("the fragment {interval:?} violates the requirement that an index interval can have at most two parts separated by '-'"));
        }
        let mut bounds = [0i64; 2];
        for (b, part) in bounds.iter_mut().zip(&parts) {
            *b = part.parse().map_err(|_| format!("cannot convert string to integer for index: {part:?}"))?;
            if *b >= completions.into() {
                return Err(format!("too large index: {part:?}"));
            }
        }
        let (x, y) = (bounds[0], if parts.len() == 2 { bounds[1] } else { bounds[0] });
        let out_of_order = match last {
            _ if parts.len() == 2 && x >= y => Some((x, y)),
            Some(prev) if prev >= x => Some((prev, x)),
            _ => None,
        };
        if let Some((prev, current)) = out_of_order {
            return Err(format!("non-increasing order, previous: {prev}, current: {current}"));
        }
        total += y - x + 1;
        last = Some(y);
    }
    Ok(total)
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

    /// validateJobSpec's rules for Indexed Jobs, backoffLimitPerIndex, maxFailedIndexes,
    /// successPolicy and podFailurePolicy (pkg/apis/batch/validation/validation.go, v1.31:
    /// the constants maxParallelismForIndexedJob = 100000, maxFailedIndexesForIndexedJob =
    /// 100_000, completionsSoftLimit = 100_000, parallelismLimitForHighCompletions and
    /// maxFailedIndexesLimitForHighCompletions = 10_000; validateSuccessPolicyRule,
    /// parseIndexInterval's messages).
    #[test]
    fn indexed_and_per_index_rules_in_the_api_servers_words() {
        let never = format!("{TEMPLATE}      restartPolicy: Never\n");
        let indexed = |extra: &str| format!("  completionMode: Indexed\n{extra}{never}");
        let cases: Vec<(String, Vec<&str>)> = vec![
            (indexed("  completions: 3\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 3\n"), vec![]),
            (
                indexed("  completions: 2\n  parallelism: 100001\n"),
                vec!["spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed"],
            ),
            (
                indexed("  completions: 2\n  maxFailedIndexes: 3\n"),
                vec![
                    "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
                    "spec.maxFailedIndexes: Invalid value: 3: must be less than or equal to completions",
                ],
            ),
            (
                indexed("  completions: 200000\n  parallelism: 20000\n  backoffLimitPerIndex: 1\n"),
                vec![
                    "spec.maxFailedIndexes: Required value: must be specified when completions is above 100000",
                    "spec.parallelism: Invalid value: 20000: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index",
                ],
            ),
            (
                indexed("  completions: 200000\n  parallelism: 10\n  backoffLimitPerIndex: 1\n  maxFailedIndexes: 100001\n"),
                vec![
                    "spec.maxFailedIndexes: Invalid value: 100001: must be less than or equal to 100000",
                    "spec.maxFailedIndexes: Invalid value: 100001: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index",
                ],
            ),
            (
                format!("  backoffLimitPerIndex: 1\n  maxFailedIndexes: 1\n{never}"),
                vec![
                    "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode",
                    "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode",
                ],
            ),
            (
                format!("  successPolicy: {{rules: [{{succeededCount: 1}}]}}\n{never}"),
                vec!["spec.successPolicy: Invalid value: batch.SuccessPolicy{...}: requires indexed completion mode"],
            ),
            (
                indexed("  completions: 3\n  successPolicy: {rules: []}\n"),
                vec!["spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified"],
            ),
            (
                indexed("  completions: 3\n  successPolicy: {rules: [{}, {succeededCount: 4}, {succeededIndexes: \"0,1\", succeededCount: 3}]}\n"),
                vec![
                    "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified",
                    "spec.successPolicy.rules[1].succeededCount: Invalid value: 4: must be less than or equal to 3 (the number of specified completions)",
                    "spec.successPolicy.rules[2].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)",
                ],
            ),
            (
                indexed("  completions: 3\n  successPolicy: {rules: [{succeededIndexes: \"0-3\"}, {succeededIndexes: \"2,1\"}, {succeededIndexes: \"x\"}, {succeededIndexes: \"1-1\"}]}\n"),
                vec![
                    r#"spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-3": error parsing succeededIndexes: too large index: "3""#,
                    r#"spec.successPolicy.rules[1].succeededIndexes: Invalid value: "2,1": error parsing succeededIndexes: non-increasing order, previous: 2, current: 1"#,
                    r#"spec.successPolicy.rules[2].succeededIndexes: Invalid value: "x": error parsing succeededIndexes: cannot convert string to integer for index: "x""#,
                    r#"spec.successPolicy.rules[3].succeededIndexes: Invalid value: "1-1": error parsing succeededIndexes: non-increasing order, previous: 1, current: 1"#,
                ],
            ),
            (
                format!("  podFailurePolicy: {{rules: []}}\n  podReplacementPolicy: TerminatingOrFailed\n{TEMPLATE}      restartPolicy: OnFailure\n"),
                vec![
                    r#"spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed""#,
                    r#"spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified"#,
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
