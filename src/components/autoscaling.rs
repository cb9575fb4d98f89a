//! Traffic and autoscaling side by side, over the map, while an HPA scales a Deployment:
//! the requests chart (moved here from the traffic panel) and the HPA's own chart, its last
//! ten minutes of syncs: replicas as a step line against maxReplicas above, and CPU
//! utilization (% of the pods' requests) as bars against the dashed target below. Each is
//! labelled in words at its right end, as the traffic chart's lines are, and the text above
//! reads as `kubectl get hpa` does. Both charts are drawn at their natural pixel size, so
//! they sit side by side in the map pane at 1280×720 and their text stays readable on a
//! projector.

use super::traffic::requests_chart;
use crate::model::{DeploymentView, HpaSample, TrafficView};
use yew::prelude::*;

/// The HPA controller's history: 40 syncs 15 s apart (`controllers::hpa::HISTORY`).
const SPAN_MS: u64 = 10 * 60 * 1000;
/// Geometry in pixels (drawn 1:1).
const AXIS_W: f64 = 30.0;
const PLOT_W: f64 = 240.0;
const LABEL_W: f64 = 96.0;
const CHART_W: f64 = AXIS_W + PLOT_W + LABEL_W;
/// The replicas plot, then the utilization plot under it, then the time axis.
const REPLICAS_TOP: f64 = 8.0;
const REPLICAS_H: f64 = 48.0;
const UTIL_TOP: f64 = 76.0;
const UTIL_H: f64 = 48.0;
const CHART_H: f64 = UTIL_TOP + UTIL_H + 18.0;
/// A utilization bar's width (a sync is 6 px apart).
const BAR_W: f64 = 4.0;

/// x of a sync at `at_ms` when the chart ends at `now_ms`.
fn x_of(at_ms: u64, now_ms: u64) -> f64 {
    let ago = now_ms.saturating_sub(at_ms).min(SPAN_MS) as f64;
    AXIS_W + PLOT_W * (1.0 - ago / SPAN_MS as f64)
}

/// The replicas as a step line: each sync's count holds until the next sync, the last until
/// now. Points within the chart's ten minutes only.
pub fn replica_steps(history: &[HpaSample], now_ms: u64, top: i32) -> String {
    let y = |r: i32| REPLICAS_TOP + REPLICAS_H * (1.0 - f64::from(r.min(top)) / f64::from(top.max(1)));
    let shown: Vec<&HpaSample> = history.iter().filter(|s| s.at_ms + SPAN_MS >= now_ms).collect();
    let mut points = Vec::new();
    for (i, s) in shown.iter().enumerate() {
        let x = x_of(s.at_ms, now_ms);
        if i > 0 {
            points.push(format!("{x:.1},{:.1}", y(shown[i - 1].replicas)));
        }
        points.push(format!("{x:.1},{:.1}", y(s.replicas)));
    }
    if let Some(last) = shown.last() {
        points.push(format!("{:.1},{:.1}", AXIS_W + PLOT_W, y(last.replicas)));
    }
    points.join(" ")
}

/// The utilization plot's top: twice the target (the target halfway up), or more when the
/// pods used more, rounded to 50 %.
pub fn utilization_top(target: Option<i32>, history: &[HpaSample]) -> i32 {
    let most = history.iter().filter_map(|s| s.utilization).max().unwrap_or(0);
    let top = target.unwrap_or(50).saturating_mul(2).max(most).max(1);
    top.saturating_add(49) / 50 * 50
}

/// The two charts for Deployment `d` (with its HPA), the requests chart from `traffic`, both
/// ending at the simulated time `now`. A plain function, not a component: it is drawn anew
/// every frame anyway (its time axis moves), and each component costs the page's wasm its
/// own copy of Yew's machinery.
pub fn scaling_charts(d: &DeploymentView, traffic: Option<&TrafficView>, now: u64) -> Html {
    let Some(h) = &d.hpa else { return Html::default() };
    let top_r = h.max.max(h.replicas).max(h.history.iter().map(|s| s.replicas).max().unwrap_or(0)).max(1);
    let top_u = utilization_top(h.target, &h.history);
    let ry = |r: i32| REPLICAS_TOP + REPLICAS_H * (1.0 - f64::from(r.min(top_r)) / f64::from(top_r));
    let uy = |u: i32| UTIL_TOP + UTIL_H * (1.0 - f64::from(u.min(top_u)) / f64::from(top_u));
    let right = AXIS_W + PLOT_W;
    let bars = h.history.iter().filter(|s| s.at_ms + SPAN_MS >= now).filter_map(|s| {
        let u = s.utilization?;
        let x = x_of(s.at_ms, now) - BAR_W / 2.0;
        let y = uy(u);
        Some(html! {
            <rect class="hpa-util" x={format!("{x:.1}")} y={format!("{y:.1}")} width={BAR_W.to_string()}
                  height={format!("{:.1}", UTIL_TOP + UTIL_H - y)} data-utilization={u.to_string()} />
        })
    });
    let current = h.current.map_or("<unknown>".to_string(), |u| format!("{u}%"));
    let target = h.target.map_or("<auto>".to_string(), |t| format!("{t}%"));
    let summary = format!(
        "HorizontalPodAutoscaler {} scales Deployment {}: CPU {current} of the pods' requests against a target of {target}, {} replicas (min {}, max {}); the chart shows its syncs over the last 10 simulated minutes.",
        h.name, d.name, h.replicas, h.min, h.max
    );
    let tick = |x: f64, y: f64, anchor: &'static str, text: String| {
        html! { <text class="tick" x={format!("{x:.1}")} y={format!("{y:.1}")} text-anchor={anchor}>{ text }</text> }
    };
    let axis = |top: f64, height: f64| {
        html! {
            <>
                <line class="axis" x1={AXIS_W.to_string()} x2={AXIS_W.to_string()} y1={top.to_string()} y2={(top + height).to_string()} />
                <line class="axis" x1={AXIS_W.to_string()} x2={right.to_string()} y1={(top + height).to_string()} y2={(top + height).to_string()} />
            </>
        }
    };
    let target_line = h.target.map(|t| {
        let y = format!("{:.1}", uy(t));
        html! { <line class="hpa-target" data-testid="hpa-panel-target" x1={AXIS_W.to_string()} x2={right.to_string()} y1={y.clone()} y2={y} /> }
    });
    // The labels at the right end: the replicas line's, and under it the utilization's and
    // the target's, kept apart.
    let labels_u = super::traffic::spread_labels(
        &[uy(h.current.unwrap_or(0)) + 4.0, h.target.map_or(UTIL_TOP + UTIL_H, uy) + 4.0],
        13.0,
        UTIL_TOP + 4.0,
        UTIL_TOP + UTIL_H + 4.0,
    );
    html! {
        <section class="scaling" data-testid="scaling" aria-label="Traffic and autoscaling">
            <div class="scaling-chart">
                if let Some(t) = traffic {
                    { requests_chart(t) }
                } else {
                    <h3 class="chart-title">{ "Requests per second" }</h3>
                    <p class="muted scaling-no-load" data-testid="scaling-no-load">
                        { "No load running: Start load in Traffic, or " }<code>{ format!("lab load start {}", d.name) }</code>
                    </p>
                }
            </div>
            <div class="scaling-chart" data-testid="hpa-panel">
                <h3 class="chart-title" data-testid="hpa-panel-title">
                    { format!("HPA {}: cpu {current}/{target}, {} replicas", h.name, h.replicas) }
                </h3>
                <svg class="hpa-panel-chart" data-testid="hpa-panel-chart" width={CHART_W.to_string()} height={CHART_H.to_string()}
                     viewBox={format!("0 0 {CHART_W} {CHART_H}")} role="img" aria-label={summary.clone()}
                     data-replicas={h.replicas.to_string()} data-max={h.max.to_string()}
                     data-utilization={h.current.map(|u| u.to_string())} data-target={h.target.map(|t| t.to_string())}>
                    <title>{ summary }</title>
                    { axis(REPLICAS_TOP, REPLICAS_H) }
                    { tick(AXIS_W - 4.0, REPLICAS_TOP + 5.0, "end", top_r.to_string()) }
                    { tick(AXIS_W - 4.0, REPLICAS_TOP + REPLICAS_H, "end", "0".to_string()) }
                    <line class="hpa-max" x1={AXIS_W.to_string()} x2={right.to_string()} y1={format!("{:.1}", ry(h.max))} y2={format!("{:.1}", ry(h.max))} />
                    <polyline class="hpa-replicas" data-testid="hpa-panel-replicas" points={replica_steps(&h.history, now, top_r)} />
                    <text class="series-label" x={(right + 4.0).to_string()} y={format!("{:.1}", ry(h.replicas) + 4.0)} data-testid="hpa-panel-replicas-label">
                        { format!("{} replicas", h.replicas) }
                    </text>
                    { axis(UTIL_TOP, UTIL_H) }
                    { tick(AXIS_W - 4.0, UTIL_TOP + 5.0, "end", format!("{top_u}%")) }
                    { tick(AXIS_W - 4.0, UTIL_TOP + UTIL_H, "end", "0".to_string()) }
                    { for bars }
                    { target_line.unwrap_or_default() }
                    <text class="series-label" x={(right + 4.0).to_string()} y={format!("{:.1}", labels_u[0])} data-testid="hpa-panel-cpu-label">
                        { format!("cpu {current}") }
                    </text>
                    <text class="series-label hpa-target-label" x={(right + 4.0).to_string()} y={format!("{:.1}", labels_u[1])}>
                        { format!("target {target}") }
                    </text>
                    { tick(AXIS_W, CHART_H - 3.0, "start", "−10m".to_string()) }
                    { tick(right, CHART_H - 3.0, "end", "now (sim)".to_string()) }
                </svg>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(at_ms: u64, replicas: i32, utilization: Option<i32>) -> HpaSample {
        HpaSample { at_ms, replicas, utilization }
    }

    #[test]
    fn replicas_hold_between_syncs_and_up_to_now() {
        let now = SPAN_MS;
        let h = [s(SPAN_MS - 30_000, 1, Some(0)), s(SPAN_MS - 15_000, 4, Some(250))];
        // top 4: 1 replica is 3/4 of the way down the 48 px plot, 4 at its top.
        assert_eq!(replica_steps(&h, now, 4), "258.0,44.0 264.0,44.0 264.0,8.0 270.0,8.0");
        assert_eq!(replica_steps(&[], now, 4), "");
        // A sync older than the chart's ten minutes is left out.
        assert_eq!(replica_steps(&[s(0, 2, None), s(SPAN_MS * 2, 3, None)], SPAN_MS * 2, 4), "270.0,20.0 270.0,20.0");
    }

    #[test]
    fn the_target_sits_halfway_up_unless_the_pods_used_more() {
        assert_eq!(utilization_top(Some(50), &[s(0, 1, Some(10))]), 100);
        assert_eq!(utilization_top(Some(50), &[s(0, 1, Some(249))]), 250);
        assert_eq!(utilization_top(None, &[]), 100);
        assert_eq!(utilization_top(Some(80), &[]), 200);
    }
}
