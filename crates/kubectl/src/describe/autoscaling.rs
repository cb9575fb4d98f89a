//! `kubectl describe hpa`: describeHorizontalPodAutoscalerV2 (k8s.io/kubectl describe.go,
//! 1.31): metrics as `( current / target )`, min/max replicas, the behavior only when set,
//! `<Kind> pods: N current / M desired`, the conditions table, events.

use super::{describe_events, labels_multiline, rfc1123z, W};
use kubelab_api::*;
use kubelab_engine::store::Store;

fn quantity(q: &Option<Quantity>) -> String {
    q.as_ref().map(|q| q.0.clone()).unwrap_or_else(|| "<unknown>".into())
}

fn utilization(current: Option<&MetricValueStatus>) -> String {
    match current {
        Some(MetricValueStatus { average_utilization: Some(u), average_value, .. }) => {
            format!("{u}% ({})", average_value.as_ref().map(|q| q.0.as_str()).unwrap_or("0"))
        }
        _ => "<unknown>".into(),
    }
}

fn target_utilization(t: &MetricTarget) -> String {
    t.average_utilization.map(|u| format!("{u}%")).unwrap_or_else(|| "<auto>".into())
}

/// A resource metric's current and target values: an average value (`: 300m / 500m`) or a
/// utilization (`(as a percentage of request): 45% (90m) / 50%`), as describe.go prints them.
fn resource_values(w: &mut W, current: Option<&MetricValueStatus>, target: &MetricTarget) {
    if target.average_value.is_some() {
        let cur = current.map(|c| quantity(&c.average_value)).unwrap_or_else(|| "<unknown>".into());
        w.line(0, &format!(":\t{cur} / {}", quantity(&target.average_value)));
    } else {
        w.line(1, &format!("(as a percentage of request):\t{} / {}", utilization(current), target_utilization(target)));
    }
}

fn metric_line(w: &mut W, m: &MetricSpec, status: Option<&MetricStatus>) {
    match m.type_.as_str() {
        "Resource" => {
            let Some(r) = &m.resource else { return };
            w.w(1, &format!("resource {} on pods", r.name));
            let current = status.and_then(|s| s.resource.as_ref()).map(|r| &r.current);
            resource_values(w, current, &r.target);
        }
        "ContainerResource" => {
            let Some(r) = &m.container_resource else { return };
            w.w(1, &format!("resource {} of container \"{}\" on pods", r.name, r.container));
            let current = status.and_then(|s| s.container_resource.as_ref()).map(|r| &r.current);
            resource_values(w, current, &r.target);
        }
        "Pods" => w.line(
            1,
            &format!(
                "{:?} on pods:\t<unknown> / {}",
                crate::printers::opaque_str(&m.pods, &["metric", "name"]),
                crate::printers::opaque_str(&m.pods, &["target", "averageValue"])
            ),
        ),
        "Object" => {
            let o = &m.object;
            w.w(
                1,
                &format!(
                    "\"{}\" on {}/{} ",
                    crate::printers::opaque_str(o, &["metric", "name"]),
                    crate::printers::opaque_str(o, &["describedObject", "kind"]),
                    crate::printers::opaque_str(o, &["describedObject", "name"])
                ),
            );
            if crate::printers::opaque_str(o, &["target", "type"]) == "AverageValue" {
                w.line(
                    0,
                    &format!(
                        "(target average value):\t<unknown> / {}",
                        crate::printers::opaque_str(o, &["target", "averageValue"])
                    ),
                );
            } else {
                w.line(
                    0,
                    &format!("(target value):\t<unknown> / {}", crate::printers::opaque_str(o, &["target", "value"])),
                );
            }
        }
        "External" => {
            let e = &m.external;
            let name = crate::printers::opaque_str(e, &["metric", "name"]);
            let avg = crate::printers::opaque_str(e, &["target", "averageValue"]);
            if !avg.is_empty() {
                w.line(1, &format!("{name:?} (target average value):\t<unknown> / {avg}"));
            } else {
                w.line(
                    1,
                    &format!(
                        "{name:?} (target value):\t<unknown> / {}",
                        crate::printers::opaque_str(e, &["target", "value"])
                    ),
                );
            }
        }
        other => w.w(1, &format!("<unknown metric type {other:?}>")),
    }
}

/// printDirectionBehavior.
fn direction(w: &mut W, title: &str, rules: &Option<HPAScalingRules>) {
    let Some(r) = rules else { return };
    w.line(1, &format!("{title}:"));
    if let Some(s) = r.stabilization_window_seconds {
        w.line(2, &format!("Stabilization Window: {s} seconds"));
    }
    if !r.policies.is_empty() {
        w.line(2, &format!("Select Policy: {}", r.select_policy.as_deref().unwrap_or("Max")));
        w.line(2, "Policies:");
        for p in &r.policies {
            w.line(3, &format!("- Type: {}\tValue: {}\tPeriod: {} seconds", p.type_, p.value, p.period_seconds));
        }
    }
}

pub fn hpa(store: &Store, h: &HorizontalPodAutoscaler, now: Time) -> String {
    let mut w = W(String::new());
    let m = &h.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    if let Some(t) = m.creation_timestamp {
        w.line(0, &format!("CreationTimestamp:\t{}", rfc1123z(t)));
    }
    let r = &h.spec.scale_target_ref;
    w.line(0, &format!("Reference:\t{}/{}", r.kind, r.name));
    w.line(0, "Metrics:\t( current / target )");
    for (i, metric) in h.spec.metrics.iter().enumerate() {
        metric_line(&mut w, metric, h.status.current_metrics.get(i));
    }
    let min = h.spec.min_replicas.map(|n| n.to_string()).unwrap_or_else(|| "<unset>".into());
    w.line(0, &format!("Min replicas:\t{min}"));
    w.line(0, &format!("Max replicas:\t{}", h.spec.max_replicas));
    if let Some(b) = &h.spec.behavior {
        w.line(0, "Behavior:");
        direction(&mut w, "Scale Up", &b.scale_up);
        direction(&mut w, "Scale Down", &b.scale_down);
    }
    w.line(
        0,
        &format!("{} pods:\t{} current / {} desired", r.kind, h.status.current_replicas, h.status.desired_replicas),
    );
    if !h.status.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(1, "Type\tStatus\tReason\tMessage");
        w.line(1, "----\t------\t------\t-------");
        for c in &h.status.conditions {
            w.line(1, &format!("{}\t{}\t{}\t{}", c.type_, c.status, c.reason, c.message));
        }
    }
    describe_events(&mut w, store, "HorizontalPodAutoscaler", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}
