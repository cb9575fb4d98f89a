//! The Deployments in the cluster, each with its readiness and − / + to scale it.

use crate::model::{scale_command, DeploymentView, HpaView, Selection};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScaleButtonsProps {
    pub deployment: DeploymentView,
    #[prop_or_default]
    pub disabled: bool,
    /// Prefix of the buttons' test ids (`scale` → `scale-up-web`).
    #[prop_or(AttrValue::Static("inspector-scale"))]
    pub testid: AttrValue,
    pub on_command: Callback<String>,
}

/// − and +: `kubectl scale deployment/NAME --replicas=N∓1`.
#[function_component(ScaleButtons)]
pub fn scale_buttons(props: &ScaleButtonsProps) -> Html {
    let d = &props.deployment;
    let button = |delta: i32, sign: &str, word: &str| {
        let command = scale_command(d, d.replicas + delta);
        let on_command = props.on_command.clone();
        let cmd = command.clone();
        html! {
            <button type="button" class="scale" data-testid={format!("{}-{word}-{}", props.testid, d.name)}
                    disabled={props.disabled || d.replicas + delta < 0} title={format!("Runs: {command}")}
                    aria-label={format!("Scale {} {word} to {} replicas", d.name, (d.replicas + delta).max(0))}
                    onclick={Callback::from(move |_: MouseEvent| on_command.emit(cmd.clone()))}>
                { sign.to_string() }
            </button>
        }
    };
    html! {
        <span class="scale-buttons" role="group" aria-label={format!("Scale {}", d.name)}>
            { button(-1, "−", "down") }
            <span class="replicas" data-testid={format!("{}-replicas-{}", props.testid, d.name)}>{ d.replicas }</span>
            { button(1, "+", "up") }
        </span>
    }
}

/// The HPA beside its Deployment: its utilization against the target, and a small chart of
/// its last syncs (replicas as a line against maxReplicas, utilization as bars against
/// twice the target).
fn hpa_badge(deployment: &str, h: &HpaView) -> Html {
    const W: f64 = 80.0;
    const H: f64 = 20.0;
    let n = h.history.len().max(2) as f64;
    let x = |i: usize| i as f64 * W / (n - 1.0);
    let top = f64::from(h.max.max(1));
    let line: Vec<String> = h
        .history
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{:.1},{:.1}", x(i), H - f64::from(s.replicas) / top * H))
        .collect();
    let scale = f64::from(h.target.unwrap_or(50).max(1) * 2);
    let bars = h.history.iter().enumerate().filter_map(|(i, s)| {
        let u = f64::from(s.utilization?).min(scale);
        let height = u / scale * H;
        Some(html! { <rect class="hpa-util" x={format!("{:.1}", x(i) - 0.8)} y={format!("{:.1}", H - height)} width="1.6" height={format!("{height:.1}")} /> })
    });
    let target_y = format!("{:.1}", H / 2.0);
    let title = format!(
        "HorizontalPodAutoscaler {}: {} (min {}, max {}); the line is replicas, the bars CPU utilization (the dashed line is the target)",
        h.name, h.targets(), h.min, h.max
    );
    html! {
        <span class="hpa" data-testid={format!("hpa-{deployment}")} title={title}>
            <span class="hpa-targets" data-testid={format!("hpa-targets-{deployment}")}>{ format!("HPA {}", h.targets()) }</span>
            <svg class="hpa-chart" data-testid={format!("hpa-chart-{deployment}")} viewBox={format!("0 0 {W} {H}")}
                 width="80" height="20" role="img" aria-label={format!("{} over the last syncs", h.targets())}>
                { for bars }
                <line class="hpa-target" x1="0" x2={W.to_string()} y1={target_y.clone()} y2={target_y} />
                <polyline class="hpa-replicas" points={line.join(" ")} />
            </svg>
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct WorkloadsProps {
    pub deployments: Vec<DeploymentView>,
    pub selected: Option<Selection>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_select: Callback<Selection>,
    pub on_command: Callback<String>,
}

#[function_component(Workloads)]
pub fn workloads(props: &WorkloadsProps) -> Html {
    if props.deployments.is_empty() {
        return html! {};
    }
    let rows = props.deployments.iter().map(|d| {
        let sel = Selection::Deployment { namespace: d.namespace.clone(), name: d.name.clone() };
        let chosen = props.selected.as_ref() == Some(&sel);
        let on_select = props.on_select.clone();
        let state = if d.ready == d.replicas && d.updated == d.replicas { "✓" } else { "◔" };
        html! {
            <li class={classes!("workload", chosen.then_some("selected"))} data-testid={format!("deploy-{}", d.name)}
                data-ready={d.ready.to_string()} data-replicas={d.replicas.to_string()}>
                <button type="button" class="workload-name" aria-pressed={chosen.to_string()}
                        aria-label={format!("Inspect Deployment {}: {} of {} ready", d.name, d.ready, d.replicas)}
                        onclick={Callback::from(move |_: MouseEvent| on_select.emit(sel.clone()))}>
                    <span class="kind">{ "Deployment " }</span><strong>{ &d.name }</strong>
                </button>
                <span class="workload-state">{ format!("{state} {}/{} ready", d.ready, d.replicas) }</span>
                <ScaleButtons deployment={d.clone()} testid="scale" disabled={props.disabled} on_command={props.on_command.clone()} />
                { d.hpa.as_ref().map(|h| hpa_badge(&d.name, h)).unwrap_or_default() }
            </li>
        }
    });
    html! {
        <ul class="workloads" data-testid="workloads" aria-label="Deployments">{ for rows }</ul>
    }
}
