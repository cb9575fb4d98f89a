//! The traffic panel: the running load generator, req/s per version and latency percentiles.

use kubelab_engine::Engine;

/// Seconds the traffic chart covers.
pub const CHART_SECONDS: u64 = 60;
/// Seconds the req/s figures average over.
pub const RATE_SECONDS: u64 = 5;

/// The running load generator, as the traffic panel draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficView {
    pub url: String,
    pub connections: usize,
    pub rps: Option<u32>,
    /// The last CHART_SECONDS whole simulated seconds, oldest first: (ok, errors) completed
    /// in each. Seconds before the load started are None.
    pub seconds: Vec<Option<(u64, u64)>>,
    /// Whole seconds the rates below average over (0 in the load's first second).
    pub rate_window: u64,
    pub ok_per_s: f64,
    pub errors_per_s: f64,
    pub total_ok: u64,
    pub total_errors: u64,
    /// Errors by kind (`timeout`, `refused`...).
    pub error_kinds: Vec<(String, u64)>,
    /// Successful requests by the answering pod's image tag.
    pub versions: Vec<(String, u64)>,
    /// Each image tag that answered within the chart: its requests answered well in each of
    /// the chart's seconds (aligned with `seconds`), and its rate over `rate_window`.
    pub version_seconds: Vec<VersionSeries>,
    /// Latency of the requests answered well in each of the chart's seconds (aligned with
    /// `seconds`): (median, 95th percentile) in ms; None for a second with none.
    pub latency: Vec<Option<(u32, u32)>>,
}

/// One image tag's line on the traffic chart.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionSeries {
    pub tag: String,
    pub seconds: Vec<Option<u64>>,
    pub per_s: f64,
}

/// The nearest-rank percentile `p` (0 < p ≤ 100) of some samples (sorted in place).
pub fn percentile(samples: &mut [u32], p: u32) -> Option<u32> {
    if samples.is_empty() {
        return None;
    }
    kubelab_api::sort::natural(samples);
    let rank = (samples.len() * p as usize).div_ceil(100).max(1);
    Some(samples[rank - 1])
}

impl TrafficView {
    pub fn from_engine(engine: &Engine) -> Option<TrafficView> {
        let load = engine.load()?;
        let s = &load.stats;
        let now_s = engine.now().0 / 1000;
        // The current second is still filling up: the chart ends at the last whole one.
        let start_s = s.started.0.div_ceil(1000);
        // The chart's seconds, oldest first; None before the load started.
        let chart: Vec<Option<u64>> =
            (0..CHART_SECONDS).map(|i| (now_s + i).checked_sub(CHART_SECONDS).filter(|sec| *sec >= start_s)).collect();
        let seconds =
            chart.iter().map(|sec| sec.map(|sec| s.per_second.get(&sec).copied().unwrap_or((0, 0)))).collect();
        // A load started mid-second has no whole second yet: `from` may not pass `now_s`.
        let from = now_s.saturating_sub(RATE_SECONDS).max(start_s).min(now_s);
        let rate_window = now_s.saturating_sub(from);
        let (ok, err) = s.per_second.range(from..now_s).fold((0, 0), |a, (_, (o, e))| (a.0 + o, a.1 + e));
        let per = |n: u64| if rate_window == 0 { 0.0 } else { n as f64 / rate_window as f64 };
        let first = chart.iter().flatten().next().copied().unwrap_or(now_s);
        let mut tags: Vec<&String> = s.per_version_second.range(first..now_s).flat_map(|(_, m)| m.keys()).collect();
        kubelab_api::sort::natural(&mut tags);
        tags.dedup();
        let version_seconds = tags
            .into_iter()
            .map(|tag| {
                let count = |sec: u64| s.per_version_second.get(&sec).and_then(|m| m.get(tag)).copied().unwrap_or(0);
                VersionSeries {
                    tag: tag.clone(),
                    seconds: chart.iter().map(|sec| sec.map(count)).collect(),
                    per_s: per((from..now_s).map(count).sum()),
                }
            })
            .collect();
        let latency = chart
            .iter()
            .map(|sec| {
                let mut samples = s.latency_second.get(&(*sec)?)?.clone();
                Some((percentile(&mut samples, 50)?, percentile(&mut samples, 95)?))
            })
            .collect();
        Some(TrafficView {
            url: load.url.clone(),
            connections: load.workers.len(),
            rps: load.rps,
            seconds,
            rate_window,
            ok_per_s: per(ok),
            errors_per_s: per(err),
            total_ok: s.ok,
            total_errors: s.count - s.ok,
            error_kinds: s.errors.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            versions: s.per_version.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            version_seconds,
            latency,
        })
    }
}
