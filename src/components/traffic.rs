//! Traffic: start and stop a load generator against a Service, and watch what it sees: a
//! chart of requests per simulated second over the last minute (ok and errors, told apart by
//! a hatch as well as a colour) with a line per answering version labelled at its end, a chart
//! of the median and 95th-percentile latency, the current rates, and which versions answered.

use crate::model::{TrafficView, CHART_SECONDS};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// Request rates offered by the panel (requests per simulated second).
pub const RATES: [u32; 4] = [2, 5, 10, 20];
const DEFAULT_RATE: u32 = 5;
/// The connections of the panel's closed loop: the workshop's `plow -c 2`.
pub const CLOSED_LOOP_CONNECTIONS: u32 = 2;

/// The load the panel's Start load sends: a closed loop (plow's `-c N`: each connection
/// sends its next request when the last one is answered, so it never asks more than the
/// servers can give), or a fixed rate of requests per second (an open loop).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LoadShape {
    Connections(u32),
    Rate(u32),
}

impl LoadShape {
    /// The select's option value: `c2`, or the rate itself (`5`).
    pub fn value(self) -> String {
        match self {
            LoadShape::Connections(n) => format!("c{n}"),
            LoadShape::Rate(r) => r.to_string(),
        }
    }

    pub fn from_value(v: &str) -> Option<LoadShape> {
        match v.strip_prefix('c') {
            Some(n) => n.parse().ok().map(LoadShape::Connections),
            None => v.parse().ok().map(LoadShape::Rate),
        }
    }
}

/// The panel's load when none is chosen. A VM-era address (`172.16.0.2:80`) gets the
/// workshop's `plow -c 2`: two VMs serve about 2 req/s, and a fixed 5 req/s would show
/// mostly timeouts before anything broke, and no successes once one VM is gone instead of
/// half as many. A Service gets a fixed rate.
pub fn default_shape(target: &str) -> LoadShape {
    if target.contains(':') {
        LoadShape::Connections(CLOSED_LOOP_CONNECTIONS)
    } else {
        LoadShape::Rate(DEFAULT_RATE)
    }
}

/// What Start load runs.
pub fn start_command(target: &str, shape: LoadShape) -> String {
    match shape {
        LoadShape::Connections(n) => format!("lab load start {target} -c {n}"),
        LoadShape::Rate(r) => format!("lab load start {target} --rps {r}"),
    }
}

#[derive(Properties, PartialEq)]
pub struct TrafficPanelProps {
    pub view: Option<TrafficView>,
    /// Services a load can target.
    pub targets: Vec<String>,
    #[prop_or_default]
    pub disabled: bool,
    /// The requests chart is drawn elsewhere (beside an HPA's chart, over the map).
    #[prop_or_default]
    pub requests_elsewhere: bool,
    pub on_command: Callback<String>,
}

#[function_component(TrafficPanel)]
pub fn traffic_panel(props: &TrafficPanelProps) -> Html {
    let target = use_state(|| None::<String>);
    // None until the learner picks one: then the target's default.
    let shape = use_state(|| None::<LoadShape>);
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
                let shape = shape.clone();
                Callback::from(move |e: Event| {
                    if let Some(r) =
                        e.target_dyn_into::<HtmlSelectElement>().and_then(|s| LoadShape::from_value(&s.value()))
                    {
                        shape.set(Some(r));
                    }
                })
            };
            let current = chosen.as_deref().map(|t| shape.unwrap_or_else(|| default_shape(t)));
            let command = chosen.as_deref().zip(current).map(|(t, s)| start_command(t, s)).unwrap_or_default();
            let start = {
                let (on_command, command) = (props.on_command.clone(), command.clone());
                Callback::from(move |_: MouseEvent| on_command.emit(command.clone()))
            };
            let options = props
                .targets
                .iter()
                .map(|t| html! { <option value={t.clone()} selected={Some(t) == chosen.as_ref()}>{ t }</option> });
            let shapes = std::iter::once(LoadShape::Connections(CLOSED_LOOP_CONNECTIONS))
                .chain(RATES.iter().map(|r| LoadShape::Rate(*r)))
                .map(|sh| {
                    let label = match sh {
                        LoadShape::Connections(n) => format!("{n} connections, back to back (plow -c {n})"),
                        LoadShape::Rate(r) => format!("{r} req/s"),
                    };
                    html! { <option value={sh.value()} selected={Some(sh) == current}>{ label }</option> }
                });
            html! {
                <div class="traffic-controls">
                    <label for="traffic-service">{ "Service" }</label>
                    <select id="traffic-service" data-testid="traffic-service" onchange={on_target} disabled={props.disabled}>{ for options }</select>
                    <label for="traffic-rate">{ "Load" }</label>
                    <select id="traffic-rate" data-testid="traffic-rate" onchange={on_rate} disabled={props.disabled}>{ for shapes }</select>
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
                <TrafficStats view={v.clone()} requests_elsewhere={props.requests_elsewhere} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TrafficStatsProps {
    view: TrafficView,
    requests_elsewhere: bool,
}

/// Chart geometry, in SVG units (drawn 1:1 when the panel is wide enough).
const AXIS_W: u32 = 34;
const BAR_W: u32 = 4;
const PLOT_W: u32 = BAR_W * CHART_SECONDS as u32;
/// Room right of the plot for the lines' labels.
const LABEL_W: u32 = 84;
const CHART_W: u32 = AXIS_W + PLOT_W + LABEL_W;
const CHART_H: u32 = 130;
const LATENCY_H: u32 = 96;
const PLOT_TOP: u32 = 8;
/// Room under the plot for the time axis.
const AXIS_H: u32 = 18;
/// The smallest vertical gap between two line labels.
const LABEL_GAP: f64 = 13.0;

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

/// The requests chart's top and whether some error bars are cut at it. The axis follows the
/// successes (the 2 req/s a lesson is about), not an error spike: 5,000 refusals in a
/// second would otherwise flatten every success to a hairline. Error bars taller than the
/// room above their second's successes are cut at the top (and say their count). With no
/// success in the chart the errors set the scale.
pub fn chart_top(seconds: &[Option<(u64, u64)>]) -> (u64, bool) {
    let max_ok = seconds.iter().flatten().map(|(o, _)| *o).max().unwrap_or(0);
    let max_all = seconds.iter().flatten().map(|(o, e)| o + e).max().unwrap_or(0);
    let top = nice_ceiling(if max_ok > 0 { max_ok } else { max_all }.max(1));
    (top, max_all > top)
}

/// Moves label positions (in the order given) apart so that no two are closer than `gap`,
/// keeping them inside `lo..=hi` where there is room. Returns the new positions in the same order.
pub fn spread_labels(ys: &[f64], gap: f64, lo: f64, hi: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..ys.len()).collect();
    kubelab_api::sort::by(&mut order, |a, b| ys[*a].total_cmp(&ys[*b]));
    let mut placed = vec![0.0; ys.len()];
    let mut prev = f64::NEG_INFINITY;
    for &i in &order {
        let y = ys[i].max(prev + gap).max(lo);
        placed[i] = y;
        prev = y;
    }
    // Pushed past the bottom: shift the tail back up, as far as the gaps allow.
    let mut next = f64::INFINITY;
    for &i in order.iter().rev() {
        let y = placed[i].min(next - gap).min(hi);
        placed[i] = y;
        next = y;
    }
    placed
}

/// A line through the chart's seconds that have a value (a gap where they have none).
fn line_points(values: &[Option<f64>], y: impl Fn(f64) -> f64) -> Vec<String> {
    let mut runs = vec![];
    let mut run = String::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let x = AXIS_W as f64 + i as f64 * BAR_W as f64 + BAR_W as f64 / 2.0;
                run.push_str(&format!("{x:.1},{:.1} ", y(*v)));
            }
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// A series drawn as a line with a label at its right end.
struct Line {
    class: String,
    testid: String,
    values: Vec<Option<f64>>,
    label: String,
    data_value: String,
}

/// The axes, the top value, the time marks and the labelled lines of one chart.
fn axes_and_lines(height: u32, top: u64, unit: &str, lines: &[Line], y: &dyn Fn(f64) -> f64) -> Html {
    let plot_bottom = height - AXIS_H;
    let right = AXIS_W + PLOT_W;
    let ends: Vec<f64> = lines
        .iter()
        .map(|l| l.values.iter().rev().flatten().next().map_or(plot_bottom as f64, |v| y(*v)) + 4.0)
        .collect();
    let label_ys = spread_labels(&ends, LABEL_GAP, PLOT_TOP as f64 + 4.0, plot_bottom as f64 + 4.0);
    let drawn = lines.iter().zip(label_ys).map(|(l, ly)| {
        let runs = line_points(&l.values, y);
        html! {
            <g class={classes!("series", l.class.clone())} data-testid={l.testid.clone()} data-value={l.data_value.clone()}>
                { for runs.into_iter().map(|points| html! { <polyline points={points} /> }) }
                <text class="series-label" x={(right + 4).to_string()} y={format!("{ly:.1}")}>{ l.label.clone() }</text>
            </g>
        }
    });
    html! {
        <>
            <line class="axis" x1={AXIS_W.to_string()} x2={AXIS_W.to_string()} y1={PLOT_TOP.to_string()} y2={plot_bottom.to_string()} />
            <line class="axis" x1={AXIS_W.to_string()} x2={right.to_string()} y1={plot_bottom.to_string()} y2={plot_bottom.to_string()} />
            <line class="grid" x1={AXIS_W.to_string()} x2={right.to_string()} y1={PLOT_TOP.to_string()} y2={PLOT_TOP.to_string()} />
            <text class="tick" x={(AXIS_W - 4).to_string()} y={(PLOT_TOP + 5).to_string()} text-anchor="end">{ format!("{top}{unit}") }</text>
            <text class="tick" x={(AXIS_W - 4).to_string()} y={plot_bottom.to_string()} text-anchor="end">{ "0" }</text>
            <text class="tick" x={AXIS_W.to_string()} y={(height - 3).to_string()}>{ format!("−{CHART_SECONDS}s") }</text>
            <text class="tick" x={right.to_string()} y={(height - 3).to_string()} text-anchor="end">{ "now (sim)" }</text>
            { for drawn }
        </>
    }
}

/// The line styles told apart by version (colour and dash), in the order versions sort.
pub const VERSION_STYLES: usize = 4;

/// The requests chart with its title: requests per simulated second over the last minute,
/// ok bars with errors hatched on them, a line per answering version.
pub fn requests_chart(v: &TrafficView) -> Html {
    let plot_h = (CHART_H - PLOT_TOP - AXIS_H) as f64;
    let (top, clipped) = chart_top(&v.seconds);
    let y = |n: f64| PLOT_TOP as f64 + plot_h * (1.0 - n.min(top as f64) / top as f64);
    let h = |n: u64| plot_h * n.min(top) as f64 / top as f64;
    let bars = v.seconds.iter().enumerate().filter_map(|(i, s)| {
        let (ok, err) = (*s)?;
        let x = AXIS_W + i as u32 * BAR_W;
        let w = (BAR_W - 1).to_string();
        // Errors stack on the successes, cut at the top of the chart.
        let err_shown = err.min(top.saturating_sub(ok.min(top)));
        let cut = err_shown < err;
        Some(html! {
            <g class="second" data-ok={ok.to_string()} data-err={err.to_string()}>
                if ok > 0 {
                    <rect class="bar-ok" x={x.to_string()} y={format!("{:.1}", y(ok as f64))} width={w.clone()} height={format!("{:.1}", h(ok))} />
                }
                if err > 0 {
                    <rect class={classes!("bar-err", cut.then_some("cut"))} x={x.to_string()} y={format!("{:.1}", y((ok + err_shown) as f64))} width={w} height={format!("{:.1}", h(err_shown))}>
                        if cut { <title>{ format!("{err} errors in this second (cut at the top of the chart)") }</title> }
                    </rect>
                }
            </g>
        })
    });
    // One line per version, over the bars: a canary's share and a rollout's hand-over show
    // as two lines crossing. Each is labelled in words at its end, not told by colour alone.
    let version_lines: Vec<Line> = v
        .version_seconds
        .iter()
        .enumerate()
        .map(|(i, s)| Line {
            class: format!("version-{}", i % VERSION_STYLES),
            testid: format!("traffic-line-{}", s.tag),
            values: s.seconds.iter().map(|n| n.map(|n| n as f64)).collect(),
            label: format!("{} {:.1}/s", s.tag, s.per_s),
            data_value: format!("{:.1}", s.per_s),
        })
        .collect();
    let drawn = v.seconds.iter().flatten().filter(|(o, e)| o + e > 0).count();
    let total_in_chart: u64 = v.seconds.iter().flatten().map(|(o, e)| o + e).sum();
    let errors_in_chart: u64 = v.seconds.iter().flatten().map(|(_, e)| e).sum();
    let by_version =
        v.version_seconds.iter().map(|s| format!("{} {:.1}", s.tag, s.per_s)).collect::<Vec<_>>().join(", ");
    let max_errors = v.seconds.iter().flatten().map(|(_, e)| *e).max().unwrap_or(0);
    let summary = format!(
        "Requests per simulated second over the last {CHART_SECONDS} seconds: {total_in_chart} requests, {errors_in_chart} of them errors; now {:.1} ok and {:.1} errors per second{}{}.",
        v.ok_per_s,
        v.errors_per_s,
        if by_version.is_empty() { String::new() } else { format!(" (by version: {by_version})") },
        if clipped { format!("; the scale follows the successes, and error bars are cut at {top} (up to {max_errors} errors in a second)") } else { String::new() }
    );

    html! {
        <>
            <h3 class="chart-title" id="traffic-chart-title">{ "Requests per second, by version" }</h3>
            <svg class="traffic-chart" data-testid="traffic-chart" data-bars={drawn.to_string()} data-requests={total_in_chart.to_string()}
                 viewBox={format!("0 0 {CHART_W} {CHART_H}")} preserveAspectRatio="xMinYMin meet" role="img" aria-label={summary.clone()}>
                <title>{ summary }</title>
                <defs>
                    <pattern id="err-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="6" height="6" class="err-hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="6" class="err-hatch-line" />
                    </pattern>
                </defs>
                { for bars }
                { axes_and_lines(CHART_H, top, "", &version_lines, &y) }
                if clipped {
                    <text class="tick chart-cut" data-testid="traffic-chart-cut" x={(AXIS_W + 4).to_string()} y={(PLOT_TOP + 9).to_string()}>
                        { format!("errors cut at {top}/s (up to {max_errors}/s)") }
                    </text>
                }
            </svg>
        </>
    }
}

#[function_component(TrafficStats)]
fn traffic_stats(props: &TrafficStatsProps) -> Html {
    let v = &props.view;
    let latency_top = nice_ceiling(v.latency.iter().flatten().map(|(_, p95)| *p95 as u64).max().unwrap_or(0).max(1));
    let latency_plot_h = (LATENCY_H - PLOT_TOP - AXIS_H) as f64;
    let latency_y = |ms: f64| PLOT_TOP as f64 + latency_plot_h * (1.0 - ms / latency_top as f64);
    let last_latency = v.latency.iter().rev().flatten().next().copied();
    let ms = |m: Option<u32>| m.map_or("–".to_string(), |m| format!("{m} ms"));
    let latency_lines = [("p95", 1), ("p50", 0)].map(|(name, which)| {
        let pick = move |l: &(u32, u32)| if which == 1 { l.1 } else { l.0 };
        let now = last_latency.as_ref().map(pick);
        Line {
            class: format!("latency-{name}"),
            testid: format!("traffic-latency-{name}"),
            values: v.latency.iter().map(|l| l.as_ref().map(|l| pick(l) as f64)).collect(),
            label: format!("{name} {}", ms(now)),
            data_value: now.map_or(String::new(), |m| m.to_string()),
        }
    });
    let latency_summary = format!(
        "Latency of the requests answered well, per simulated second over the last {CHART_SECONDS} seconds: now a median of {} and a 95th percentile of {}.",
        ms(last_latency.map(|l| l.0)),
        ms(last_latency.map(|l| l.1))
    );

    let kinds = if v.error_kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", v.error_kinds.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "))
    };
    // Against every request, errors included: 4 answers out of 611 requests are a sliver,
    // not a full bar.
    let version_total: u64 = v.total_ok + v.total_errors;
    let versions = v.versions.iter().map(|(tag, n)| {
        let pct = if version_total == 0 { 0.0 } else { *n as f64 * 100.0 / version_total as f64 };
        let now = v.version_seconds.iter().position(|s| &s.tag == tag);
        let rate = now.map_or(0.0, |i| v.version_seconds[i].per_s);
        html! {
            <li data-testid={format!("traffic-version-{tag}")} data-share={format!("{pct:.0}")} data-rps={format!("{rate:.1}")}>
                <span class="version-tag">
                    if let Some(i) = now {
                        <svg class={classes!("version-key", format!("version-{}", i % VERSION_STYLES))} width="22" height="10" aria-hidden="true">
                            <line x1="1" y1="5" x2="21" y2="5" />
                        </svg>
                    }
                    { tag }
                </span>
                <span class="version-bar" aria-hidden="true"><span style={format!("width:{pct:.1}%")}></span></span>
                <span class="version-share">{ format!("{pct:.0}% ({n})") }</span>
                <span class="version-rate">{ format!("{rate:.1}/s") }</span>
            </li>
        }
    });
    let measuring = v.rate_window == 0;
    let view_box = |height: u32| format!("0 0 {CHART_W} {height}");
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
            if props.requests_elsewhere {
                <p class="muted chart-elsewhere" data-testid="traffic-chart-elsewhere">{ "Requests per second: over the map, beside the HPA's chart." }</p>
            } else {
                { requests_chart(v) }
            }
            <h3 class="chart-title">{ "Latency (ms)" }</h3>
            <svg class="traffic-chart latency-chart" data-testid="traffic-latency" viewBox={view_box(LATENCY_H)} preserveAspectRatio="xMinYMin meet"
                 role="img" aria-label={latency_summary.clone()}>
                <title>{ latency_summary }</title>
                { axes_and_lines(LATENCY_H, latency_top, "", &latency_lines, &latency_y) }
            </svg>
            <p class="totals" data-testid="traffic-totals">
                { format!("{} ok, {} errors{kinds} since the load started", v.total_ok, v.total_errors) }
            </p>
            if !v.versions.is_empty() {
                <h3 class="inspector-sub">{ "Answered by version, of all requests" }</h3>
                <ul class="versions" data-testid="traffic-versions" aria-label="Requests answered well by image version: their share of all requests since the load started (errors included), and their rate now">{ for versions }</ul>
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

    #[test]
    fn an_error_spike_does_not_set_the_scale_while_there_are_successes() {
        use super::chart_top;
        let spike = [Some((2, 0)), Some((0, 400)), Some((2, 0)), None];
        assert_eq!(chart_top(&spike), (2, true), "2 req/s fill the chart; the spike is cut");
        assert_eq!(chart_top(&[Some((2, 1)), Some((1, 1))]), (2, true), "2 ok + 1 error: cut at 2");
        assert_eq!(chart_top(&[Some((0, 8)), Some((0, 7))]), (10, false), "only errors: they set the scale");
        assert_eq!(chart_top(&[None, None]), (1, false));
    }

    #[test]
    fn a_vm_address_gets_the_workshops_closed_loop_and_a_service_a_rate() {
        use super::{default_shape, start_command, LoadShape};
        assert_eq!(start_command("172.16.0.2:80", default_shape("172.16.0.2:80")), "lab load start 172.16.0.2:80 -c 2");
        assert_eq!(start_command("web", default_shape("web")), "lab load start web --rps 5");
        assert_eq!(LoadShape::from_value("c2"), Some(LoadShape::Connections(2)));
        assert_eq!(LoadShape::from_value("10"), Some(LoadShape::Rate(10)));
        assert_eq!(LoadShape::from_value(&LoadShape::Connections(2).value()), Some(LoadShape::Connections(2)));
    }

    #[test]
    fn line_labels_keep_apart_and_inside() {
        use super::spread_labels;
        assert_eq!(spread_labels(&[50.0, 20.0], 13.0, 0.0, 100.0), [50.0, 20.0], "far apart: left alone");
        assert_eq!(spread_labels(&[50.0, 52.0], 13.0, 0.0, 100.0), [50.0, 63.0]);
        assert_eq!(spread_labels(&[98.0, 99.0], 13.0, 0.0, 100.0), [87.0, 100.0], "pushed past the bottom: moved up");
        assert_eq!(spread_labels(&[-5.0], 13.0, 0.0, 100.0), [0.0]);
    }
}
