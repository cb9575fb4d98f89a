//! The HPA's replica calculator for resource metrics, as pkg/controller/podautoscaler's
//! replica_calculator.go (`GetResourceReplicas`, `groupPods`, `calculatePodRequests`) and
//! metrics/utilization.go (`GetResourceUtilizationRatio`) compute it, with the metrics
//! client's errors (metrics/client.go) in their words.

use crate::metrics::PodMetrics;
use kubelab_api::*;

/// `--horizontal-pod-autoscaler-tolerance`.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period`.
pub const CPU_INITIALIZATION_PERIOD_MS: u64 = 5 * 60_000;
/// `--horizontal-pod-autoscaler-initial-readiness-delay`.
pub const INITIAL_READINESS_DELAY_MS: u64 = 30_000;

/// Whether the Metrics API (metrics.k8s.io, served by metrics-server) answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsApi {
    /// No metrics-server installed: no APIService for metrics.k8s.io.
    NotFound,
    /// Installed, not ready: the aggregator cannot reach it.
    Unavailable,
    Ready,
}

/// Where the controller reads pod metrics (the engine's metrics-server).
pub trait MetricsSource {
    fn api(&self) -> MetricsApi;
    fn pod(&self, p: &Pod) -> Option<PodMetrics>;
}

/// One pod's metric as the metrics client hands it over (`PodMetric`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct PodMetric {
    timestamp: Time,
    window_ms: u64,
    /// Milli-units (millicores, or bytes × 1000).
    value: i64,
}

/// What the calculator found.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation {
    pub replicas: i32,
    /// The average utilization (percent of request) and raw average value (milli-units).
    pub utilization: i32,
    pub raw_average: i64,
    /// Ready pods whose metrics counted.
    pub ready: i32,
}

/// A resource's usage of a pod in milli-units: the containers' quantities' MilliValue(),
/// summed (getPodMetrics); only `container` if one is named.
fn pod_value(m: &PodMetrics, resource: &str, container: &str) -> Option<i64> {
    let cs: Vec<_> = m.containers.iter().filter(|c| container.is_empty() || c.name == container).collect();
    if cs.is_empty() {
        return None;
    }
    Some(
        cs.iter()
            .map(|c| match resource {
                "cpu" => c.cpu_nanocores.div_ceil(1_000_000) as i64,
                _ => c.memory_bytes as i64 * 1000,
            })
            .sum(),
    )
}

/// GetResourceReplicas for a Utilization target of `target` percent.
#[allow(clippy::too_many_arguments)]
pub fn resource_replicas(
    pods: &[&Pod],
    metrics: &dyn MetricsSource,
    resource: &str,
    container: &str,
    current: i32,
    target: i32,
    now: Time,
) -> Result<Recommendation, String> {
    let unable = |e: &str| format!("unable to get metrics for resource {resource}: {e}");
    match metrics.api() {
        MetricsApi::NotFound => {
            return Err(unable("unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)"))
        }
        MetricsApi::Unavailable => {
            return Err(unable("unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"))
        }
        MetricsApi::Ready => {}
    }
    let mut got: VecMap<&str, PodMetric> = VecMap::new();
    for p in pods {
        if let Some(m) = metrics.pod(p) {
            if let Some(value) = pod_value(&m, resource, container) {
                got.insert(&p.metadata.name, PodMetric { timestamp: m.timestamp, window_ms: m.window_ms, value });
            }
        }
    }
    if got.is_empty() {
        return Err(unable("no metrics returned from resource metrics API"));
    }
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let groups = group_pods(pods, &got, resource, now);
    // Without the ignored and unready pods.
    let left_out = |name: &str| groups.ignored.iter().chain(groups.unready.iter()).any(|n| n == name);
    let got: VecMap<&str, PodMetric> = got.into_iter().filter(|(k, _)| !left_out(k)).collect();
    let requests = pod_requests(pods, container, resource)?;
    if got.is_empty() {
        return Err("did not receive metrics for any ready pods".into());
    }
    let (ratio, utilization, raw_average) = utilization_ratio(&got, &requests, target)?;
    let rec = |replicas: i32| Recommendation { replicas, utilization, raw_average, ready: groups.ready };
    let scale_up_with_unready = !groups.unready.is_empty() && ratio > 1.0;
    if !scale_up_with_unready && groups.missing.is_empty() {
        if (1.0 - ratio).abs() <= TOLERANCE {
            return Ok(rec(current));
        }
        return Ok(rec((ratio * groups.ready as f64).ceil() as i32));
    }
    let mut adjusted: VecMap<&str, i64> = got.iter().map(|(k, v)| (*k, v.value)).collect();
    if !groups.missing.is_empty() {
        for name in &groups.missing {
            let value = if ratio < 1.0 {
                // On a scale-down, a missing pod counts as using its request (or the target
                // when that is above 100 %).
                requests.get(name.as_str()).copied().unwrap_or(0) * i64::from(target.max(100)) / 100
            } else {
                0
            };
            if ratio != 1.0 {
                adjusted.insert(name.as_str(), value);
            }
        }
    }
    if scale_up_with_unready {
        for name in &groups.unready {
            adjusted.insert(name.as_str(), 0);
        }
    }
    let as_metrics: VecMap<&str, PodMetric> =
        adjusted.iter().map(|(k, v)| (*k, PodMetric { timestamp: now, window_ms: 0, value: *v })).collect();
    let (new_ratio, _, _) = utilization_ratio(&as_metrics, &requests, target)?;
    if (1.0 - new_ratio).abs() <= TOLERANCE || (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0) {
        return Ok(rec(current));
    }
    let replicas = (new_ratio * as_metrics.len() as f64).ceil() as i32;
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(rec(current));
    }
    Ok(rec(replicas))
}

struct Groups {
    ready: i32,
    unready: Vec<String>,
    missing: Vec<String>,
    ignored: Vec<String>,
}

/// groupPods: deleted and failed pods are ignored; pending ones unready; pods without
/// metrics missing; for cpu, a pod still in its initialization period (5 min from its
/// start) counts as unready while it is not Ready or its metric's window began before it
/// became Ready, and after that only if it has never been Ready (its Ready condition's last
/// transition is within the initial readiness delay, 30 s, of its start).
fn group_pods(pods: &[&Pod], metrics: &VecMap<&str, PodMetric>, resource: &str, now: Time) -> Groups {
    let mut g = Groups { ready: 0, unready: Vec::new(), missing: Vec::new(), ignored: Vec::new() };
    for p in pods {
        let name = p.metadata.name.clone();
        if p.metadata.deletion_timestamp.is_some() || p.status.phase == "Failed" {
            g.ignored.push(name);
            continue;
        }
        if p.status.phase == "Pending" {
            g.unready.push(name);
            continue;
        }
        let Some(metric) = metrics.get(name.as_str()) else {
            g.missing.push(name);
            continue;
        };
        if resource == "cpu" {
            let cond = p.status.conditions.iter().find(|c| c.type_ == "Ready");
            let unready = match (cond, p.status.start_time) {
                (None, _) | (_, None) => true,
                (Some(c), Some(start)) => {
                    let changed = c.last_transition_time.unwrap_or_default();
                    if start.0 + CPU_INITIALIZATION_PERIOD_MS > now.0 {
                        c.status == "False" || metric.timestamp.0 < changed.0 + metric.window_ms
                    } else {
                        c.status == "False" && start.0 + INITIAL_READINESS_DELAY_MS > changed.0
                    }
                }
            };
            if unready {
                g.unready.push(name);
                continue;
            }
        }
        g.ready += 1;
    }
    g
}

/// calculatePodRequests: each pod's summed requests (milli-units); a container without one
/// is an error.
fn pod_requests<'a>(pods: &[&'a Pod], container: &str, resource: &str) -> Result<VecMap<&'a str, i64>, String> {
    let mut out = VecMap::new();
    for p in pods {
        let mut sum = 0i64;
        for c in p.spec.containers.iter().filter(|c| container.is_empty() || c.name == container) {
            match c.resources.requests.get(resource).and_then(|q| q.millis()) {
                Some(m) => sum += m as i64,
                None => {
                    return Err(format!(
                        "missing request for {resource} in container {} of Pod {}",
                        c.name, p.metadata.name
                    ))
                }
            }
        }
        out.insert(p.metadata.name.as_str(), sum);
    }
    Ok(out)
}

/// GetResourceUtilizationRatio: (ratio to target, utilization %, raw average).
fn utilization_ratio(
    metrics: &VecMap<&str, PodMetric>,
    requests: &VecMap<&str, i64>,
    target: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut used, mut requested, mut n) = (0i64, 0i64, 0i64);
    for (name, m) in metrics {
        let Some(r) = requests.get(name) else { continue };
        used += m.value;
        requested += r;
        n += 1;
    }
    if requested == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let utilization = (used * 100 / requested) as i32;
    Ok((f64::from(utilization) / f64::from(target.max(1)), utilization, used / n.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::ContainerUsage;
    use std::collections::BTreeMap;

    /// Pods by name with their CPU usage (millicores; None: no metrics).
    struct Fake(BTreeMap<String, Option<u64>>);

    impl MetricsSource for Fake {
        fn api(&self) -> MetricsApi {
            MetricsApi::Ready
        }
        fn pod(&self, p: &Pod) -> Option<PodMetrics> {
            let m = (*self.0.get(&p.metadata.name)?)?;
            Some(PodMetrics {
                timestamp: Time(600_000),
                window_ms: 60_000,
                containers: vec![ContainerUsage { name: "c".into(), cpu_nanocores: m * 1_000_000, memory_bytes: 0 }],
            })
        }
    }

    /// A pod started at `started` (ms), Ready since `ready_at` (None: Pending), requesting
    /// 100m unless `request` is false.
    fn pod(name: &str, started: u64, ready_at: Option<u64>, request: bool) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = name.into();
        let mut c = Container { name: "c".into(), ..Default::default() };
        if request {
            c.resources.requests.insert("cpu".into(), Quantity("100m".into()));
        }
        p.spec.containers.push(c);
        match ready_at {
            None => p.status.phase = "Pending".into(),
            Some(t) => {
                p.status.phase = "Running".into();
                p.status.start_time = Some(Time(started));
                p.status.conditions.push(PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(Time(t)),
                    ..Default::default()
                });
            }
        }
        p
    }

    fn run(pods: &[Pod], usage: &[(&str, Option<u64>)], current: i32, target: i32) -> Result<i32, String> {
        let fake = Fake(usage.iter().map(|(n, v)| (n.to_string(), *v)).collect());
        let refs: Vec<&Pod> = pods.iter().collect();
        resource_replicas(&refs, &fake, "cpu", "", current, target, Time(700_000)).map(|r| r.replicas)
    }

    #[test]
    fn replicas_follow_utilization_over_ready_pods_within_tolerance() {
        let old = |n| pod(n, 0, Some(10_000), true);
        // 2 pods at 100m of 100m, target 50 %: ceil(2 × 2) = 4.
        assert_eq!(run(&[old("a"), old("b")], &[("a", Some(100)), ("b", Some(100))], 2, 50), Ok(4));
        // 54 % of a 50 % target is within the 10 % tolerance: stay.
        assert_eq!(run(&[old("a"), old("b")], &[("a", Some(54)), ("b", Some(54))], 2, 50), Ok(2));
        // 10 % of 50 %: ceil(2 × 0.2) = 1.
        assert_eq!(run(&[old("a"), old("b")], &[("a", Some(10)), ("b", Some(10))], 2, 50), Ok(1));
    }

    #[test]
    fn missing_and_unready_pods_are_rebalanced_as_replica_calculator_does() {
        let old = |n| pod(n, 0, Some(10_000), true);
        // Scaling up, a pod without metrics counts as 0 %: (200 + 0) / 2 = 100 % → ceil(2 × 2) = 4.
        assert_eq!(run(&[old("a"), old("b")], &[("a", Some(200)), ("b", None)], 2, 50), Ok(4));
        // Scaling down, it counts as 100 %: (10 + 100) / 2 = 55 % of 50 %: within tolerance, stay.
        assert_eq!(run(&[old("a"), old("b")], &[("a", Some(10)), ("b", None)], 2, 50), Ok(2));
        // A Pending pod while scaling up counts as 0 %: a at 400 % → ratio 8, then (400 + 0) / 2
        // = 200 % → ceil(4 × 2) = 8.
        let pending = pod("p", 0, None, true);
        assert_eq!(run(&[old("a"), pending], &[("a", Some(400)), ("p", None)], 2, 50), Ok(8));
        // A pod in its first 5 minutes whose metric window began before it was Ready is unready.
        let young = pod("y", 650_000, Some(590_000), true);
        assert_eq!(run(&[young], &[("y", Some(100))], 1, 50), Err("did not receive metrics for any ready pods".into()));
    }

    #[test]
    fn a_container_without_a_request_is_upstreams_error() {
        let p = pod("web-1", 0, Some(10_000), false);
        assert_eq!(
            run(&[p], &[("web-1", Some(5))], 1, 50),
            Err("missing request for cpu in container c of Pod web-1".into())
        );
    }
}
