//! HorizontalPodAutoscaler validation, as pkg/apis/autoscaling/validation/validation.go
//! (v1.31) words it: `validateHorizontalPodAutoscalerSpec`, `ValidateCrossVersionObjectReference`,
//! `validateMetrics`/`validateMetricSpec`, `validateResourceSource`, `validateMetricTarget`,
//! `validateBehavior`/`validateScalingRules`/`validateScalingPolicy`. Paths and messages are
//! upstream's, in upstream's order. (Runs after defaulting, as the API server does.)

use super::{forbidden, invalid, not_supported, q, required, FieldError};
use crate::autoscaling::{HPAScalingRules, HorizontalPodAutoscaler, MetricSpec, MetricTarget};

/// validMetricSourceTypes, sorted as `sets.String.List()` gives them.
const METRIC_SOURCE_TYPES: &[&str] = &["ContainerResource", "External", "Object", "Pods", "Resource"];
const SELECT_POLICIES: &[&str] = &["Disabled", "Max", "Min"];
const POLICY_TYPES: &[&str] = &["Percent", "Pods"];
/// MaxPeriodSeconds and MaxStabilizationWindowSeconds.
const MAX_PERIOD_SECONDS: i32 = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS: i32 = 3600;

pub(super) fn validate_hpa(h: &HorizontalPodAutoscaler) -> Vec<FieldError> {
    let mut out = Vec::new();
    let spec = &h.spec;
    // MinReplicasLowerBound is 1 (0 only with the alpha HPAScaleToZero gate).
    if let Some(min) = spec.min_replicas {
        if min < 1 {
            out.push(invalid("spec.minReplicas", min.to_string(), "must be greater than or equal to 1"));
        }
    }
    if spec.max_replicas < 1 {
        out.push(invalid("spec.maxReplicas", spec.max_replicas.to_string(), "must be greater than 0"));
    }
    if spec.min_replicas.is_some_and(|min| spec.max_replicas < min) {
        out.push(invalid(
            "spec.maxReplicas",
            spec.max_replicas.to_string(),
            "must be greater than or equal to `minReplicas`",
        ));
    }
    let r = &spec.scale_target_ref;
    for (field, v) in [("kind", &r.kind), ("name", &r.name)] {
        let path = format!("spec.scaleTargetRef.{field}");
        if v.is_empty() {
            out.push(required(path, ""));
        } else {
            for m in super::networking::path_segment_name(v) {
                out.push(invalid(&path, q(v), m));
            }
        }
    }
    for (i, m) in spec.metrics.iter().enumerate() {
        metric_spec(m, &format!("spec.metrics[{i}]"), &mut out);
    }
    if let Some(b) = &spec.behavior {
        scaling_rules(b.scale_up.as_ref(), "spec.behavior.scaleUp", &mut out);
        scaling_rules(b.scale_down.as_ref(), "spec.behavior.scaleDown", &mut out);
    }
    out
}

fn metric_spec(m: &MetricSpec, path: &str, out: &mut Vec<FieldError>) {
    if m.type_.is_empty() {
        out.push(required(format!("{path}.type"), "must specify a metric source type"));
    }
    if !METRIC_SOURCE_TYPES.contains(&m.type_.as_str()) {
        out.push(not_supported(format!("{path}.type"), &m.type_, METRIC_SOURCE_TYPES));
    }
    let mut present = Vec::new();
    for (name, there) in [
        ("object", m.object.is_some()),
        ("external", m.external.is_some()),
        ("pods", m.pods.is_some()),
        ("resource", m.resource.is_some()),
        ("containerResource", m.container_resource.is_some()),
    ] {
        if there {
            present.push(name);
            // Only the first source present is validated further.
            if present.len() == 1 {
                match name {
                    "resource" => {
                        if let Some(r) = &m.resource {
                            resource_source(&r.name, &r.target, &format!("{path}.resource"), out);
                        }
                    }
                    "containerResource" => {
                        if let Some(r) = &m.container_resource {
                            let p = format!("{path}.containerResource");
                            resource_source(&r.name, &r.target, &p, out);
                            if r.container.is_empty() {
                                out.push(required(format!("{p}.container"), "must populate container name"));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let expected = match m.type_.as_str() {
        "Object" => "object",
        "Pods" => "pods",
        "Resource" => "resource",
        "ContainerResource" => "containerResource",
        "External" => "external",
        _ => "",
    };
    if !expected.is_empty() && !present.contains(&expected) {
        out.push(required(format!("{path}.{expected}"), "must populate information for the given metric source"));
    }
    if present.len() != 1 {
        for typ in present.iter().filter(|t| **t != expected) {
            out.push(forbidden(format!("{path}.{typ}"), "must populate the given metric source only"));
        }
    }
}

fn resource_source(name: &str, target: &MetricTarget, path: &str, out: &mut Vec<FieldError>) {
    if name.is_empty() {
        out.push(required(format!("{path}.name"), "must specify a resource name"));
    } else if !name.contains('/')
        && !matches!(name, "cpu" | "memory" | "ephemeral-storage")
        && !name.starts_with("hugepages-")
    {
        // ValidateContainerResourceName.
        out.push(invalid(format!("{path}.name"), q(name), "must be a standard resource for containers"));
    }
    metric_target(target, &format!("{path}.target"), out);
    if target.average_utilization.is_none() && target.average_value.is_none() {
        out.push(required(
            format!("{path}.target.averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if target.average_utilization.is_some() && target.average_value.is_some() {
        out.push(forbidden(
            format!("{path}.target.averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
}

fn metric_target(t: &MetricTarget, path: &str, out: &mut Vec<FieldError>) {
    if t.type_.is_empty() {
        out.push(required(format!("{path}.type"), "must specify a metric target type"));
        return;
    }
    if !matches!(t.type_.as_str(), "Utilization" | "Value" | "AverageValue") {
        out.push(invalid(format!("{path}.type"), q(&t.type_), "must be either Utilization, Value, or AverageValue"));
    }
    for (field, v) in [("value", &t.value), ("averageValue", &t.average_value)] {
        if let Some(v) = v {
            if v.millis().is_none_or(|m| m <= 0) {
                out.push(invalid(format!("{path}.{field}"), v.0.clone(), "must be positive"));
            }
        }
    }
    if let Some(u) = t.average_utilization {
        if u < 1 {
            out.push(invalid(format!("{path}.averageUtilization"), u.to_string(), "must be greater than 0"));
        }
    }
}

fn scaling_rules(rules: Option<&HPAScalingRules>, path: &str, out: &mut Vec<FieldError>) {
    let Some(r) = rules else { return };
    if let Some(w) = r.stabilization_window_seconds {
        if w < 0 {
            out.push(invalid(
                format!("{path}.stabilizationWindowSeconds"),
                w.to_string(),
                "must be greater than or equal to zero",
            ));
        }
        if w > MAX_STABILIZATION_WINDOW_SECONDS {
            out.push(invalid(
                format!("{path}.stabilizationWindowSeconds"),
                w.to_string(),
                format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Some(s) = &r.select_policy {
        if !SELECT_POLICIES.contains(&s.as_str()) {
            out.push(not_supported(format!("{path}.selectPolicy"), s, SELECT_POLICIES));
        }
    }
    if r.policies.is_empty() {
        out.push(required(format!("{path}.policies"), "must specify at least one Policy"));
    }
    for (i, p) in r.policies.iter().enumerate() {
        let pp = format!("{path}.policies[{i}]");
        if !POLICY_TYPES.contains(&p.type_.as_str()) {
            out.push(not_supported(format!("{pp}.type"), &p.type_, POLICY_TYPES));
        }
        if p.value <= 0 {
            out.push(invalid(format!("{pp}.value"), p.value.to_string(), "must be greater than zero"));
        }
        if p.period_seconds <= 0 {
            out.push(invalid(format!("{pp}.periodSeconds"), p.period_seconds.to_string(), "must be greater than zero"));
        }
        if p.period_seconds > MAX_PERIOD_SECONDS {
            out.push(invalid(
                format!("{pp}.periodSeconds"),
                p.period_seconds.to_string(),
                format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
            ));
        }
    }
}
