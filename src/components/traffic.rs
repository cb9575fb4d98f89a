//! Traffic: start and stop a load generator against a Service, and watch what it sees: a
//! chart of requests per simulated second over the last minute (ok and errors, told apart by
//! a hatch as well as a colour), the current rates, and which versions answered.

use crate::model::{TrafficView, CHART_SECONDS};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Request rates offered by the panel (requests per simulated second).
pub const RATES: [u32; 4] = [2, 5, 10, 20];
const DEFAULT_RATE: u32 = 5;

#[derive(Properties, PartialEq)]
pub struct TrafficPanelProps {
    pub view: Option<TrafficView>,
    /// Services a load can target.
    pub targets: Vec<String>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_command: Callback<String>,
}

#[function_component(TrafficPanel)]
pub fn traffic_panel(props: &TrafficPanelProps) -> Html {
    let target = use_state(|| None::<String>);
    let rate = use_state(|| DEFAULT_RATE);
    // The chosen Service, or the first one while none is chosen (or the chosen one is gone).
    let chosen = target.as_ref().filter(|t| props.targets.contains(t)).or(props.targets.first()).cloned();

    let controls = match &props.view {
        Some(v) => {
            let stop = props.on_command.reform(|_: MouseEvent| "lab load stop".to_string());
            let how = match v.rps {
                Some(r) => format!("{r} req/s"),
                None => format!("{} connection(s), back to back", v.connections),
            };
            html! {
                <div class="traffic-controls">
                    <p class="traffic-target" data-testid="traffic-target">{ format!("Load on {} at {how}", v.url) }</p>
                    <button type="button" data-testid="traffic-stop" onclick={stop} disabled={props.disabled}
                            title="Runs: lab load stop">{ "Stop load" }</button>
                </div>
            }
        }
        None if props.targets.is_empty() => html! {
            <p class="muted" data-testid="traffic-none">
                { "No Service to send traffic to yet. Expose a Deployment first, for example: " }
                <code>{ "kubectl expose deployment web --port 80" }</code>
            </p>
        },
        None => {
            let on_target = {
                let target = target.clone();
                Callback::from(move |e: Event| {
                    if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                        target.set(Some(s.value()));
                    }
                })
            };
            let on_rate = {
                let rate = rate.clone();
                Callback::from(move |e: Event| {
                    if let Some(r) = e.target_dyn_into::<HtmlSelectElement>().and_then(|s| s.value().parse().ok()) {
                        rate.set(r);
                    }
                })
            };
            let command = chosen.as_ref().map(|t| format!("lab load start {t} --rps {}", *rate)).unwrap_or_default();
            let start = {
                let (on_command, command) = (props.on_command.clone(), command.clone());
                Callback::from(move |_: MouseEvent| on_command.emit(command.clone()))
            };
            let options = props.targets.iter().map(|t| html! { <option value={t.clone()} selected={Some(t) == chosen.as_ref()}>{ t }</option> });
            let rates = RATES.iter().map(|r| html! { <option value={r.to_string()} selected={*r == *rate}>{ format!("{r} req/s") }</option> });
            html! {
                <div class="traffic-controls">
                    <label for="traffic-service">{ "Service" }</label>
                    <select id="traffic-service" data-testid="traffic-service" onchange={on_target} disabled={props.disabled}>{ for options }</select>
                    <label for="traffic-rate">{ "Rate" }</label>
                    <select id="traffic-rate" data-testid="traffic-rate" onchange={on_rate} disabled={props.disabled}>{ for rates }</select>
                    <button type="button" class="primary" data-testid="traffic-start" onclick={start} disabled={props.disabled}
                            title={format!("Runs: {command}")}>{ "Start load" }</button>
                </div>
            }
        }
    };

    html! {
        <section class="traffic" data-testid="traffic" aria-labelledby="traffic-title">
            <div class="panel-head"><h2 id="traffic-title">{ "Traffic" }</h2></div>
            { controls }
            if let Some(v) = &props.view {
                <TrafficStats view={v.clone()} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TrafficStatsProps {
    view: TrafficView,
}

/// Chart geometry, in pixels (drawn 1:1).
const AXIS_W: u32 = 34;
const BAR_W: u32 = 5;
const CHART_W: u32 = AXIS_W + BAR_W * CHART_SECONDS as u32;
const CHART_H: u32 = 120;
const PLOT_TOP: u32 = 8;
const PLOT_H: u32 = CHART_H - PLOT_TOP - 18;

/// 1, 2, 5, 10, 20, 50...: the smallest that is at least `n`.
pub fn nice_ceiling(n: u64) -> u64 {
    let mut base = 1;
    loop {
        for m in [1, 2, 5] {
            if base * m >= n {
                return base * m;
            }
        }
        base *= 10;
    }
}

#[function_component(TrafficStats)]
fn traffic_stats(props: &TrafficStatsProps) -> Html {
    let v = &props.view;
    let top = nice_ceiling(v.seconds.iter().flatten().map(|(o, e)| o + e).max().unwrap_or(0).max(1));
    let y = |n: u64| PLOT_TOP as f64 + PLOT_H as f64 * (1.0 - n as f64 / top as f64);
    let h = |n: u64| PLOT_H as f64 * n as f64 / top as f64;
    let bars = v.seconds.iter().enumerate().filter_map(|(i, s)| {
        let (ok, err) = (*s)?;
        let x = AXIS_W + i as u32 * BAR_W;
        let w = (BAR_W - 1).to_string();
        Some(html! {
            <g class="second" data-ok={ok.to_string()} data-err={err.to_string()}>
                if ok > 0 {
                    <rect class="bar-ok" x={x.to_string()} y={format!("{:.1}", y(ok))} width={w.clone()} height={format!("{:.1}", h(ok))} />
                }
                if err > 0 {
                    <rect class="bar-err" x={x.to_string()} y={format!("{:.1}", y(ok + err))} width={w} height={format!("{:.1}", h(err))} />
                }
            </g>
        })
    });
    let drawn = v.seconds.iter().flatten().filter(|(o, e)| o + e > 0).count();
    let total_in_chart: u64 = v.seconds.iter().flatten().map(|(o, e)| o + e).sum();
    let errors_in_chart: u64 = v.seconds.iter().flatten().map(|(_, e)| e).sum();
    let summary = format!(
        "Requests per simulated second over the last {CHART_SECONDS} seconds: {total_in_chart} requests, {errors_in_chart} of them errors; now {:.1} ok and {:.1} errors per second.",
        v.ok_per_s, v.errors_per_s
    );
    let kinds = if v.error_kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", v.error_kinds.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "))
    };
    let version_total: u64 = v.versions.iter().map(|(_, n)| n).sum();
    let versions = v.versions.iter().map(|(tag, n)| {
        let pct = if version_total == 0 { 0.0 } else { *n as f64 * 100.0 / version_total as f64 };
        html! {
            <li data-testid={format!("traffic-version-{tag}")} data-share={format!("{pct:.0}")}>
                <span class="version-tag">{ tag }</span>
                <span class="version-bar" aria-hidden="true"><span style={format!("width:{pct:.1}%")}></span></span>
                <span class="version-share">{ format!("{pct:.0}% ({n})") }</span>
            </li>
        }
    });
    let measuring = v.rate_window == 0;
    html! {
        <div class="traffic-stats">
            <div class="rates">
                <p class="rate ok" data-testid="traffic-rps" data-value={format!("{:.1}", v.ok_per_s)}>
                    <span class="swatch ok" aria-hidden="true"></span>
                    { if measuring { "ok: measuring…".to_string() } else { format!("ok: {:.1} req/s", v.ok_per_s) } }
                </p>
                <p class="rate err" data-testid="traffic-errors" data-value={format!("{:.1}", v.errors_per_s)}>
                    <span class="swatch err" aria-hidden="true"></span>
                    { if measuring { "errors: measuring…".to_string() } else { format!("errors: {:.1} /s", v.errors_per_s) } }
                </p>
            </div>
            <svg class="traffic-chart" data-testid="traffic-chart" data-bars={drawn.to_string()} data-requests={total_in_chart.to_string()}
                 width={CHART_W.to_string()} height={CHART_H.to_string()} viewBox={format!("0 0 {CHART_W} {CHART_H}")}
                 role="img" aria-label={summary.clone()}>
                <title>{ summary }</title>
                <defs>
                    <pattern id="err-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="err-hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="6" class="err-hatch-line" />
                    </pattern>
                </defs>
                <line class="axis" x1={AXIS_W.to_string()} x2={AXIS_W.to_string()} y1={PLOT_TOP.to_string()} y2={(PLOT_TOP + PLOT_H).to_string()} />
                <line class="axis" x1={AXIS_W.to_string()} x2={CHART_W.to_string()} y1={(PLOT_TOP + PLOT_H).to_string()} y2={(PLOT_TOP + PLOT_H).to_string()} />
                <line class="grid" x1={AXIS_W.to_string()} x2={CHART_W.to_string()} y1={PLOT_TOP.to_string()} y2={PLOT_TOP.to_string()} />
                <text class="tick" x={(AXIS_W - 4).to_string()} y={(PLOT_TOP + 5).to_string()} text-anchor="end">{ top }</text>
                <text class="tick" x={(AXIS_W - 4).to_string()} y={(PLOT_TOP + PLOT_H).to_string()} text-anchor="end">{ "0" }</text>
                <text class="tick" x={AXIS_W.to_string()} y={(CHART_H - 3).to_string()}>{ format!("−{CHART_SECONDS}s") }</text>
                <text class="tick" x={CHART_W.to_string()} y={(CHART_H - 3).to_string()} text-anchor="end">{ "now (sim)" }</text>
                { for bars }
            </svg>
            <p class="totals" data-testid="traffic-totals">
                { format!("{} ok, {} errors{kinds} since the load started", v.total_ok, v.total_errors) }
            </p>
            if !v.versions.is_empty() {
                <h3 class="inspector-sub">{ "Answered by version" }</h3>
                <ul class="versions" data-testid="traffic-versions" aria-label="Successful requests by image version">{ for versions }</ul>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn chart_tops_are_round_numbers() {
        assert_eq!(super::nice_ceiling(1), 1);
        assert_eq!(super::nice_ceiling(3), 5);
        assert_eq!(super::nice_ceiling(11), 20);
        assert_eq!(super::nice_ceiling(500), 500);
        assert_eq!(super::nice_ceiling(501), 1000);
    }
}
