//! The HorizontalPodAutoscaler controller, as pkg/controller/podautoscaler/horizontal.go
//! (v1.31) runs it: each HPA is synced every 15 s (`--horizontal-pod-autoscaler-sync-period`;
//! its work queue's rate limiter adds a new HPA after one period too), reads its target's
//! scale subresource (Deployment, ReplicaSet, StatefulSet), computes the replicas each
//! metric wants (`hpa_replicas`), keeps the larger, normalizes it (min/max, the scale-up
//! limit, the stabilization windows: `normalizeDesiredReplicas` without a behavior,
//! `normalizeDesiredReplicasWithBehaviors` with one), writes the target's replicas through
//! the scale subresource, and posts its status with upstream's conditions and events.
//!
//! What it keeps between syncs is what upstream keeps in memory: each HPA's recent
//! recommendations and scale events. Only Resource and ContainerResource metrics on cpu and
//! memory have numbers (metrics-server's); Pods, Object and External metrics need an
//! adapter the lab does not run and fail as they would without one.

use super::hpa_replicas::{resource_replicas, MetricsSource, Recommendation};
use crate::causes::{Because, Rule};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;
use std::collections::BTreeMap;

pub const NAME: &str = "horizontal-pod-autoscaler";
/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD_MS: u64 = 15_000;
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION_MS: u64 = 5 * 60_000;

/// What the controller remembers of one HPA (upstream's recommendations and scale events).
#[derive(Clone, Debug, Default, PartialEq)]
struct Memory {
    uid: String,
    next_sync: Time,
    /// (recommendation, when) — unstabilized recommendations.
    recommendations: Vec<(i32, Time)>,
    /// (replica change, when, outdated).
    scale_up: Vec<(i32, Time, bool)>,
    scale_down: Vec<(i32, Time, bool)>,
    /// What each of the last syncs found, oldest first (the page's chart).
    history: std::collections::VecDeque<HpaPoint>,
}

/// One sync as the page charts it: the target's replicas after it, and the utilization it
/// read (None when it had no number).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HpaPoint {
    pub at: Time,
    pub replicas: i32,
    pub utilization: Option<i32>,
}

/// Syncs kept for the chart: 10 minutes.
const HISTORY: usize = 40;

#[derive(Clone, Debug, Default)]
pub struct HpaController {
    memory: BTreeMap<(String, String), Memory>,
}

impl HpaController {
    /// The last syncs of the HPA `ns`/`name`, oldest first.
    pub fn history(&self, ns: &str, name: &str) -> Vec<HpaPoint> {
        self.memory
            .get(&(ns.to_string(), name.to_string()))
            .map(|m| m.history.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// A scale subresource: spec replicas, status replicas, selector.
struct Scale {
    spec: i32,
    selector: LabelSelector,
}

/// The target's scale, or upstream's error for it.
fn get_scale(store: &Store, ns: &str, r: &CrossVersionObjectReference) -> Result<Scale, String> {
    let group = r.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    let key = (ns.to_string(), r.name.clone());
    let not_found = |resource: &str| format!("{resource} \"{}\" not found", r.name);
    match (group, r.kind.as_str()) {
        ("apps", "Deployment") => store
            .deployments
            .get(&key)
            .map(|d| Scale { spec: d.spec.replicas.unwrap_or(1), selector: d.spec.selector.clone() })
            .ok_or_else(|| not_found("deployments.apps")),
        ("apps", "ReplicaSet") => store
            .replicasets
            .get(&key)
            .map(|d| Scale { spec: d.spec.replicas.unwrap_or(1), selector: d.spec.selector.clone() })
            .ok_or_else(|| not_found("replicasets.apps")),
        ("apps", "StatefulSet") => store
            .statefulsets
            .get(&key)
            .map(|d| Scale { spec: d.spec.replicas.unwrap_or(1), selector: d.spec.selector.clone() })
            .ok_or_else(|| not_found("statefulsets.apps")),
        (g, k) => Err(format!("no matches for kind \"{k}\" in group \"{g}\"")),
    }
}

/// The target with its replicas set to `n` (an update through its scale subresource).
fn rescaled(store: &Store, ns: &str, r: &CrossVersionObjectReference, n: i32) -> Option<Object> {
    let key = (ns.to_string(), r.name.clone());
    Some(match r.kind.as_str() {
        "Deployment" => {
            let mut d = store.deployments.get(&key)?.clone();
            d.spec.replicas = Some(n);
            Object::Deployment(d)
        }
        "ReplicaSet" => {
            let mut d = store.replicasets.get(&key)?.clone();
            d.spec.replicas = Some(n);
            Object::ReplicaSet(d)
        }
        _ => {
            let mut d = store.statefulsets.get(&key)?.clone();
            d.spec.replicas = Some(n);
            Object::StatefulSet(d)
        }
    })
}

/// setCondition: a new type is appended; the transition time moves when the status does.
fn set_condition(h: &mut HorizontalPodAutoscaler, type_: &str, status: bool, reason: &str, message: String, now: Time) {
    let status = if status { "True" } else { "False" };
    HorizontalPodAutoscalerCondition::set(&mut h.status.conditions, type_, status, reason, message, now);
}

/// resource.NewMilliQuantity(v, DecimalSI).String().
pub fn milli_quantity(v: i64) -> String {
    if v % 1000 != 0 {
        return format!("{v}m");
    }
    let mut n = v / 1000;
    for suffix in ["", "k", "M", "G", "T", "P"] {
        if n == 0 || n % 1000 != 0 || suffix == "P" {
            return format!("{n}{suffix}");
        }
        n /= 1000;
    }
    n.to_string()
}

/// One sync's outcome, before it is written.
struct Sync<'a> {
    hpa: HorizontalPodAutoscaler,
    reference: ObjectReference,
    out: Vec<Action>,
    now: Time,
    memory: &'a mut Memory,
}

impl Sync<'_> {
    fn event(&mut self, warning: bool, reason: &'static str, message: String) {
        let r = self.reference.clone();
        self.out.push(Action::Event(if warning {
            EventSpec::warning(r, reason, message, NAME)
        } else {
            EventSpec::normal(r, reason, message, NAME)
        }));
    }
    fn condition(&mut self, type_: &str, status: bool, reason: &str, message: String) {
        set_condition(&mut self.hpa, type_, status, reason, message, self.now);
    }
}

impl HpaController {
    pub fn reconcile(&mut self, store: &Store, metrics: &dyn MetricsSource, now: Time) -> Vec<Action> {
        // The memory of HPAs that are gone (or were replaced) is dropped; rebuilt rather than
        // retain()ed, whose removal code per key and value type costs the page kilobytes.
        let kept = |k: &(String, String), m: &Memory| store.hpas.get(k).is_some_and(|h| h.metadata.uid == m.uid);
        if self.memory.iter().any(|(k, m)| !kept(k, m)) {
            self.memory =
                kubelab_api::sort::map(std::mem::take(&mut self.memory).into_iter().filter(|(k, m)| kept(k, m)));
        }
        let mut out = Vec::new();
        let mut next: Option<Time> = None;
        for (key, h) in store.hpas.iter() {
            if h.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let memory = self.memory.entry(key.clone()).or_insert_with(|| Memory {
                uid: h.metadata.uid.clone(),
                next_sync: Time(h.metadata.creation_timestamp.unwrap_or(now).0 + SYNC_PERIOD_MS),
                ..Default::default()
            });
            if memory.next_sync <= now {
                // Synced every period after it was added (the rate limiter's fixed interval).
                let behind = (now.0 - memory.next_sync.0) / SYNC_PERIOD_MS + 1;
                memory.next_sync = Time(memory.next_sync.0 + behind * SYNC_PERIOD_MS);
                out.extend(reconcile_autoscaler(store, metrics, h, memory, now));
            }
            next = Some(next.map_or(memory.next_sync, |t: Time| t.min(memory.next_sync)));
        }
        if let Some(t) = next {
            out.push(Action::Requeue(t));
        }
        out
    }
}

/// reconcileAutoscaler.
fn reconcile_autoscaler(
    store: &Store,
    metrics: &dyn MetricsSource,
    h: &HorizontalPodAutoscaler,
    memory: &mut Memory,
    now: Time,
) -> Vec<Action> {
    let reference = object_ref(&Object::HorizontalPodAutoscaler(h.clone()));
    let mut s = Sync { hpa: h.clone(), reference, out: Vec::new(), now, memory };
    let ns = h.metadata.namespace.clone();
    let target = h.spec.scale_target_ref.clone();
    let scale = match get_scale(store, &ns, &target) {
        Ok(scale) => scale,
        Err(e) => {
            s.event(true, "FailedGetScale", e.clone());
            s.condition(
                "AbleToScale",
                false,
                "FailedGetScale",
                format!("the HPA controller was unable to get the target's current scale: {e}"),
            );
            return s.finish(h, None);
        }
    };
    s.condition(
        "AbleToScale",
        true,
        "SucceededGetScale",
        "the HPA controller was able to get the target's current scale".into(),
    );
    let current = scale.spec;
    if s.memory.recommendations.is_empty() {
        s.memory.recommendations.push((current, now));
    }
    let min = h.spec.min_replicas.unwrap_or(1);
    let mut statuses = Vec::new();
    let mut computed: Option<Recommendation> = None;
    let (desired, reason) = if current == 0 && min != 0 {
        s.condition(
            "ScalingActive",
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero".into(),
        );
        (0, String::new())
    } else if current > h.spec.max_replicas {
        (h.spec.max_replicas, "Current number of replicas above Spec.MaxReplicas".to_string())
    } else if current < min {
        (min, "Current number of replicas below Spec.MinReplicas".to_string())
    } else {
        match compute_replicas_for_metrics(store, metrics, &mut s, &scale, current) {
            Ok((wanted, metric, st, rec)) => {
                statuses = st;
                computed = rec;
                let reason = if wanted > current {
                    format!("{metric} above target")
                } else if wanted < current {
                    "All metrics below target".to_string()
                } else {
                    String::new()
                };
                let normalized = if h.spec.behavior.is_none() {
                    normalize(&mut s, current, wanted, min)
                } else {
                    normalize_with_behaviors(&mut s, current, wanted, min)
                };
                (normalized, reason)
            }
            Err(e) => {
                s.hpa.status.current_replicas = current;
                s.event(true, "FailedComputeMetricsReplicas", e);
                return s.finish(h, Some(current));
            }
        }
    };
    let rescale = desired != current && !(current == 0 && min != 0);
    if rescale {
        s.condition(
            "AbleToScale",
            true,
            "SucceededRescale",
            format!("the HPA controller was able to update the target scale to {desired}"),
        );
        s.event(false, "SuccessfulRescale", format!("New size: {desired}; reason: {reason}"));
        store_scale_event(&mut s, current, desired);
        let rule = Rule::Autoscaled {
            from: current,
            to: desired,
            utilization: computed.as_ref().map(|r| r.utilization),
            target: first_target(h),
            ready: computed.as_ref().map(|r| r.ready).unwrap_or(0),
            recommended: computed.as_ref().map(|r| r.replicas).unwrap_or(desired),
        };
        s.out.push(Action::Cause(Box::new(Because::object(
            NAME,
            rule,
            "HorizontalPodAutoscaler",
            &ns,
            &h.metadata.name,
        ))));
        if let Some(obj) = rescaled(store, &ns, &target, desired) {
            s.out.push(Action::update(obj));
        }
    }
    let desired = if rescale { desired } else { current };
    s.hpa.status.current_replicas = current;
    s.hpa.status.desired_replicas = desired;
    s.hpa.status.current_metrics = statuses;
    if rescale {
        s.hpa.status.last_scale_time = Some(now);
    }
    s.finish(h, Some(desired))
}

/// The first metric's utilization target, for the cause's text.
fn first_target(h: &HorizontalPodAutoscaler) -> Option<i32> {
    h.spec.metrics.first().and_then(|m| m.resource.as_ref()).and_then(|r| r.target.average_utilization)
}

impl Sync<'_> {
    /// updateStatusIfNeeded: the status is written (after the scale and the events) only
    /// when it changed. The sync's point for the page's chart: the replicas after it (None:
    /// it could not read the target's scale) and the utilization it read.
    fn finish(mut self, old: &HorizontalPodAutoscaler, replicas: Option<i32>) -> Vec<Action> {
        if let Some(replicas) = replicas {
            let utilization = self
                .hpa
                .status
                .current_metrics
                .first()
                .and_then(|m| m.resource.as_ref())
                .and_then(|r| r.current.average_utilization);
            self.memory.history.push_back(HpaPoint { at: self.now, replicas, utilization });
            if self.memory.history.len() > HISTORY {
                self.memory.history.pop_front();
            }
        }
        if self.hpa.status != old.status {
            self.out.push(Action::update(Object::HorizontalPodAutoscaler(self.hpa)));
        }
        self.out
    }
}

type Computed = (i32, String, Vec<MetricStatus>, Option<Recommendation>);

/// computeReplicasForMetrics: the largest proposal among valid metrics; all invalid (or
/// some invalid and a scale-down) is an error with the first one's condition.
fn compute_replicas_for_metrics(
    store: &Store,
    metrics: &dyn MetricsSource,
    s: &mut Sync,
    scale: &Scale,
    current: i32,
) -> Result<Computed, String> {
    let ns = s.hpa.metadata.namespace.clone();
    let in_ns = |n: &str| (ns.clone(), n.to_string());
    let pods: Vec<&Pod> = store
        .pods
        .range(in_ns("")..in_ns("\u{10FFFF}"))
        .map(|(_, p)| p)
        .filter(|p| scale.selector.matches(&p.metadata.labels))
        .collect();
    let specs = s.hpa.spec.metrics.clone();
    let mut statuses = vec![MetricStatus::default(); specs.len()];
    let (mut replicas, mut metric, mut best) = (0, String::new(), None);
    let mut invalid = 0;
    let mut first_err: Option<(String, String, String)> = None;
    for (i, spec) in specs.iter().enumerate() {
        match compute_for_metric(spec, &pods, metrics, current, s.now) {
            Ok((n, name, status, rec)) => {
                statuses[i] = status;
                if replicas == 0 || n > replicas {
                    replicas = n;
                    metric = name;
                    best = rec;
                }
            }
            Err((reason, inner, outer)) => {
                s.event(true, reason, inner.clone());
                if first_err.is_none() {
                    first_err = Some((reason.to_string(), inner, outer));
                }
                invalid += 1;
            }
        }
    }
    if let Some((reason, inner, outer)) = &first_err {
        if invalid >= specs.len() || replicas < current {
            s.condition(
                "ScalingActive",
                false,
                reason,
                format!("the HPA was unable to compute the replica count: {inner}"),
            );
            return Err(format!("invalid metrics ({invalid} invalid out of {}), first error is: {outer}", specs.len()));
        }
    }
    s.condition(
        "ScalingActive",
        true,
        "ValidMetricFound",
        format!("the HPA was able to successfully calculate a replica count from {metric}"),
    );
    Ok((replicas, metric, statuses, best))
}

/// One metric: (replicas, metric name, its status, the numbers) or (event reason, the
/// error as the event and condition say it, the error as computeReplicasForMetrics wraps it).
fn compute_for_metric(
    spec: &MetricSpec,
    pods: &[&Pod],
    metrics: &dyn MetricsSource,
    current: i32,
    now: Time,
) -> Result<(i32, String, MetricStatus, Option<Recommendation>), (&'static str, String, String)> {
    let (source, container, reason) = match spec.type_.as_str() {
        "Resource" => (spec.resource.as_ref().map(|r| (&r.name, &r.target)), "", "FailedGetResourceMetric"),
        "ContainerResource" => (
            spec.container_resource.as_ref().map(|r| (&r.name, &r.target)),
            spec.container_resource.as_ref().map(|r| r.container.as_str()).unwrap_or(""),
            "FailedGetContainerResourceMetric",
        ),
        "Pods" | "Object" | "External" => {
            let (reason, api, what) = match spec.type_.as_str() {
                "Pods" => ("FailedGetPodsMetric", "custom.metrics.k8s.io", "pods metric value"),
                "Object" => ("FailedGetObjectMetric", "custom.metrics.k8s.io", "object metric value"),
                _ => ("FailedGetExternalMetric", "external.metrics.k8s.io", "external metric value"),
            };
            let inner = format!("unable to get metric: no {api} API registered (the lab runs no metrics adapter)");
            return Err((reason, inner.clone(), format!("failed to get {what}: {inner}")));
        }
        other => {
            let inner = format!("unknown metric source type {other:?}");
            return Err(("InvalidMetricSourceType", inner.clone(), inner));
        }
    };
    let Some((name, target)) = source else {
        let inner = "invalid metric source".to_string();
        return Err((reason, inner.clone(), inner));
    };
    let wrap = |inner: String| {
        let outer = if container.is_empty() {
            format!("failed to get {name} resource metric value: {inner}")
        } else {
            format!("failed to get {container} container metric value: {inner}")
        };
        (reason, inner, outer)
    };
    if name != "cpu" && name != "memory" {
        return Err(wrap(format!(
            "failed to get {name} utilization: unable to get metrics for resource {name}: no metrics returned from resource metrics API"
        )));
    }
    let Some(percent) = target.average_utilization else {
        // AverageValue targets: usage per pod against a raw value.
        return average_value(pods, metrics, current, name, container, target).map_err(wrap);
    };
    let rec = resource_replicas(pods, metrics, name, container, current, percent, now)
        .map_err(|e| wrap(format!("failed to get {name} utilization: {e}")))?;
    let value = MetricValueStatus {
        average_utilization: Some(rec.utilization),
        average_value: Some(Quantity(milli_quantity(rec.raw_average))),
        value: None,
    };
    let (metric_name, status) = if container.is_empty() {
        (
            format!("{name} resource utilization (percentage of request)"),
            MetricStatus {
                type_: "Resource".into(),
                resource: Some(ResourceMetricStatus { name: name.clone(), current: value }),
                ..Default::default()
            },
        )
    } else {
        (
            format!("{name} container resource utilization (percentage of request)"),
            MetricStatus {
                type_: "ContainerResource".into(),
                container_resource: Some(ContainerResourceMetricStatus {
                    name: name.clone(),
                    current: value,
                    container: container.to_string(),
                }),
                ..Default::default()
            },
        )
    };
    Ok((rec.replicas, metric_name, status, Some(rec)))
}

/// GetRawResourceReplicas for an AverageValue target: the average usage of the pods with
/// metrics against the target value, with the same tolerance. (Simplified: pods missing
/// metrics or not yet ready are not rebalanced as calcPlainMetricReplicas does.)
#[allow(clippy::too_many_arguments)]
fn average_value(
    pods: &[&Pod],
    metrics: &dyn MetricsSource,
    current: i32,
    name: &str,
    container: &str,
    target: &MetricTarget,
) -> Result<(i32, String, MetricStatus, Option<Recommendation>), String> {
    let want = target.average_value.as_ref().and_then(|q| q.millis()).unwrap_or(1).max(1) as i64;
    let unable = |e: &str| format!("failed to get {name} usage: unable to get metrics for resource {name}: {e}");
    if metrics.api() != super::hpa_replicas::MetricsApi::Ready {
        return Err(unable("unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"));
    }
    let values: Vec<i64> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && p.status.phase == "Running")
        .filter_map(|p| metrics.pod(p))
        .map(|m| {
            m.containers
                .iter()
                .filter(|c| container.is_empty() || c.name == container)
                .map(|c| {
                    if name == "cpu" {
                        c.cpu_nanocores.div_ceil(1_000_000) as i64
                    } else {
                        c.memory_bytes as i64 * 1000
                    }
                })
                .sum::<i64>()
        })
        .collect();
    if values.is_empty() {
        return Err(unable("no metrics returned from resource metrics API"));
    }
    let raw_average = values.iter().sum::<i64>() / values.len() as i64;
    let ratio = raw_average as f64 / want as f64;
    let ready = values.len() as i32;
    let replicas = if (1.0 - ratio).abs() <= super::hpa_replicas::TOLERANCE {
        current
    } else {
        (ratio * f64::from(ready)).ceil() as i32
    };
    let status = MetricStatus {
        type_: "Resource".into(),
        resource: Some(ResourceMetricStatus {
            name: name.into(),
            current: MetricValueStatus {
                average_value: Some(Quantity(milli_quantity(raw_average))),
                ..Default::default()
            },
        }),
        ..Default::default()
    };
    Ok((
        replicas,
        format!("{name} resource"),
        status,
        Some(Recommendation { replicas, utilization: 0, raw_average, ready }),
    ))
}

/// normalizeDesiredReplicas (no behavior): the highest recommendation of the last 5 minutes,
/// then the scale-up limit (max(2 × current, 4)) and min/max.
fn normalize(s: &mut Sync, current: i32, wanted: i32, min: i32) -> i32 {
    let cutoff = s.now.0.saturating_sub(DOWNSCALE_STABILIZATION_MS);
    let mut stabilized = wanted;
    let mut old = None;
    for (i, (rec, at)) in s.memory.recommendations.iter().enumerate() {
        if at.0 < cutoff {
            old = Some(i);
        } else if *rec > stabilized {
            stabilized = *rec;
        }
    }
    match old {
        Some(i) => s.memory.recommendations[i] = (wanted, s.now),
        None => s.memory.recommendations.push((wanted, s.now)),
    }
    if stabilized != wanted {
        s.condition(
            "AbleToScale",
            true,
            "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent recommendation".into(),
        );
    } else {
        s.condition("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size".into());
    }
    let max = s.hpa.spec.max_replicas;
    let scale_up_limit = current.saturating_mul(2).max(4);
    let (max_allowed, limit_reason, limit_message) = if max > scale_up_limit {
        (scale_up_limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    } else {
        (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    };
    let (desired, reason, message) = if stabilized < min {
        (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
    } else if stabilized > max_allowed {
        (max_allowed, limit_reason, limit_message)
    } else {
        (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range")
    };
    s.condition("ScalingLimited", desired != stabilized, reason, message.into());
    desired
}

/// normalizeDesiredReplicasWithBehaviors: stabilization within each direction's window,
/// then the rate its policies allow over their periods, then min/max.
fn normalize_with_behaviors(s: &mut Sync, current: i32, wanted: i32, min: i32) -> i32 {
    let b = s.hpa.spec.behavior.clone().unwrap_or_default();
    let up = b.scale_up.unwrap_or_default();
    let down = b.scale_down.unwrap_or_default();
    let up_window = u64::from(up.stabilization_window_seconds.unwrap_or(0).max(0) as u32) * 1000;
    let down_window = down
        .stabilization_window_seconds
        .map(|w| u64::from(w.max(0) as u32) * 1000)
        .unwrap_or(DOWNSCALE_STABILIZATION_MS);
    let now = s.now.0;
    let (up_cut, down_cut) = (now.saturating_sub(up_window), now.saturating_sub(down_window));
    let (mut up_rec, mut down_rec) = (wanted, wanted);
    let mut old = None;
    for (i, (rec, at)) in s.memory.recommendations.iter().enumerate() {
        if at.0 > up_cut {
            up_rec = up_rec.min(*rec);
        }
        if at.0 > down_cut {
            down_rec = down_rec.max(*rec);
        }
        if at.0 < up_cut && at.0 < down_cut {
            old = Some(i);
        }
    }
    let stabilized = current.max(up_rec).min(down_rec);
    match old {
        Some(i) => s.memory.recommendations[i] = (wanted, s.now),
        None => s.memory.recommendations.push((wanted, s.now)),
    }
    if stabilized != wanted {
        let (reason, message) = if wanted >= current {
            (
                "ScaleUpStabilized",
                "recent recommendations were lower than current one, applying the lowest recent recommendation",
            )
        } else {
            (
                "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent recommendation",
            )
        };
        s.condition("AbleToScale", true, reason, message.into());
    } else {
        s.condition("AbleToScale", true, "ReadyForNewScale", "recommended size matches current size".into());
    }
    let max = s.hpa.spec.max_replicas;
    let (desired, reason, message) = if stabilized > current {
        let limit = scale_limit(&up, current, &s.memory.scale_up, &s.memory.scale_down, now, true).max(current);
        if max > limit {
            if stabilized > limit {
                (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            } else {
                (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range")
            }
        } else if stabilized > max {
            (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
        } else {
            (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range")
        }
    } else if stabilized < current {
        let limit = scale_limit(&down, current, &s.memory.scale_up, &s.memory.scale_down, now, false).min(current);
        if min < limit {
            if stabilized < limit {
                (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
            } else {
                (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range")
            }
        } else if stabilized < min {
            (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
        } else {
            (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range")
        }
    } else {
        (stabilized, "DesiredWithinRange", "the desired count is within the acceptable range")
    };
    s.condition("ScalingLimited", desired != stabilized, reason, message.into());
    desired
}

/// calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors.
fn scale_limit(
    rules: &HPAScalingRules,
    current: i32,
    ups: &[(i32, Time, bool)],
    downs: &[(i32, Time, bool)],
    now: u64,
    up: bool,
) -> i32 {
    let select = rules.select_policy.as_deref().unwrap_or("Max");
    if select == "Disabled" {
        return current;
    }
    let min_change = select == "Min";
    let changed = |events: &[(i32, Time, bool)], period: i32| -> i32 {
        let cutoff = now.saturating_sub(u64::from(period.max(0) as u32) * 1000);
        events.iter().filter(|(_, at, _)| at.0 > cutoff).fold(0i32, |sum, (n, _, _)| sum.saturating_add(*n))
    };
    let mut result: Option<i32> = None;
    for p in &rules.policies {
        let start =
            current.saturating_sub(changed(ups, p.period_seconds)).saturating_add(changed(downs, p.period_seconds));
        let proposed = match (p.type_.as_str(), up) {
            ("Pods", true) => start.saturating_add(p.value),
            ("Pods", false) => start.saturating_sub(p.value),
            (_, true) => (f64::from(start) * (1.0 + f64::from(p.value) / 100.0)).ceil() as i32,
            (_, false) => (f64::from(start) * (1.0 - f64::from(p.value) / 100.0)) as i32,
        };
        // Scaling up, Max takes the largest proposal; scaling down, the smallest.
        let take_larger = up != min_change;
        result = Some(match result {
            None => proposed,
            Some(r) if take_larger => r.max(proposed),
            Some(r) => r.min(proposed),
        });
    }
    result.unwrap_or(current)
}

/// storeScaleEvent (only with a behavior, as upstream keeps none without).
fn store_scale_event(s: &mut Sync, from: i32, to: i32) {
    let Some(b) = &s.hpa.spec.behavior else { return };
    let (rules, events, change) = if to > from {
        (b.scale_up.as_ref(), &mut s.memory.scale_up, to.saturating_sub(from))
    } else {
        (b.scale_down.as_ref(), &mut s.memory.scale_down, from.saturating_sub(to))
    };
    let longest = rules.map(|r| r.policies.iter().map(|p| p.period_seconds).max().unwrap_or(0)).unwrap_or(0);
    let cutoff = s.now.0.saturating_sub(u64::from(longest.max(0) as u32) * 1000);
    for e in events.iter_mut() {
        if e.1 .0 < cutoff {
            e.2 = true;
        }
    }
    let new = (change, s.now, false);
    match events.iter().rposition(|e| e.2) {
        Some(i) => events[i] = new,
        None => events.push(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milli_quantities_print_as_go_does() {
        assert_eq!(milli_quantity(1), "1m");
        assert_eq!(milli_quantity(500), "500m");
        assert_eq!(milli_quantity(1000), "1");
        assert_eq!(milli_quantity(9_437_184_000), "9437184");
        assert_eq!(milli_quantity(2_000_000), "2k");
        assert_eq!(milli_quantity(0), "0");
    }

    #[test]
    fn scale_limits_follow_the_default_policies() {
        let up = HPAScalingRules {
            stabilization_window_seconds: Some(0),
            select_policy: Some("Max".into()),
            policies: vec![
                HPAScalingPolicy { type_: "Pods".into(), value: 4, period_seconds: 15 },
                HPAScalingPolicy { type_: "Percent".into(), value: 100, period_seconds: 15 },
            ],
        };
        // max(1 + 4, 1 × 2) = 5; max(10 + 4, 20) = 20.
        assert_eq!(scale_limit(&up, 1, &[], &[], 100_000, true), 5);
        assert_eq!(scale_limit(&up, 10, &[], &[], 100_000, true), 20);
        // 4 added 10 s ago count against this period: from 1 (5 - 4), max(5, 2) = 5.
        assert_eq!(scale_limit(&up, 5, &[(4, Time(90_000), false)], &[], 100_000, true), 5);
        let down = HPAScalingRules {
            select_policy: Some("Max".into()),
            policies: vec![HPAScalingPolicy { type_: "Percent".into(), value: 100, period_seconds: 15 }],
            ..Default::default()
        };
        assert_eq!(scale_limit(&down, 6, &[], &[], 100_000, false), 0);
    }
}
