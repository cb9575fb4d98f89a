//! Label selectors (metav1 validation's ValidateLabelSelector) and a workload's selector
//! against its pod template (Deployment, ReplicaSet, StatefulSet).

use super::{forbidden, go_map, invalid, q, qualified_name, required, validate_labels, FieldError};
use crate::meta::LabelSelector;
use crate::validate::label_value;
use std::collections::BTreeMap;

/// A workload's `spec.selector` and its template's labels, as ValidateDeploymentSpec,
/// ValidateReplicaSetSpec and ValidateStatefulSetSpec check them (pkg/apis/apps/validation,
/// v1.31): an absent selector is required (and matches no template); one written empty,
/// `selector: {}`, is invalid ("empty selector is invalid for deployment"; upstream's
/// ReplicaSet says "deployment" too) and, matching everything, never mismatches the template.
pub(super) fn validate_selector_and_template(
    selector: &LabelSelector,
    template_labels: &BTreeMap<String, String>,
    kind: &str,
) -> Vec<FieldError> {
    let mut out = Vec::new();
    let absent = selector.is_empty() && !selector.written.selector;
    if absent {
        out.push(required("spec.selector", ""));
    } else {
        out.extend(validate_label_selector(selector, "spec.selector"));
        if selector.is_empty() {
            out.push(invalid("spec.selector", selector.go_value(), format!("empty selector is invalid for {kind}")));
        }
    }
    if absent || !selector.is_empty() && !selector.matches(template_labels) {
        out.push(invalid(
            "spec.template.metadata.labels",
            go_map(template_labels),
            "`selector` does not match template `labels`",
        ));
    }
    out
}

/// ValidateLabelSelector and ValidateLabelSelectorRequirement (apimachinery
/// pkg/apis/meta/v1/validation, v1.31): matchLabels as labels, then each requirement's
/// operator, key (a qualified name) and values (label values).
pub(super) fn validate_label_selector(selector: &LabelSelector, path: &str) -> Vec<FieldError> {
    let mut out = validate_labels(&selector.match_labels, &format!("{path}.matchLabels"));
    for (i, r) in selector.match_expressions.iter().enumerate() {
        let rp = format!("{path}.matchExpressions[{i}]");
        match r.operator.as_str() {
            "In" | "NotIn" if r.values.is_empty() => {
                out.push(required(format!("{rp}.values"), "must be specified when `operator` is 'In' or 'NotIn'"))
            }
            "Exists" | "DoesNotExist" if !r.values.is_empty() => out.push(forbidden(
                format!("{rp}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => out.push(invalid(format!("{rp}.operator"), q(other), "not a valid selector operator")),
        }
        for m in qualified_name(&r.key) {
            out.push(invalid(format!("{rp}.key"), q(&r.key), m));
        }
        for (j, v) in r.values.iter().enumerate() {
            for m in label_value(v) {
                out.push(invalid(format!("{rp}.values[{j}]"), q(v), m));
            }
        }
    }
    out
}
