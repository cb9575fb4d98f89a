//! The Deployments in the cluster, each with its readiness and − / + to scale it.

use crate::model::{scale_command, DeploymentView, Selection};
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
            </li>
        }
    });
    html! {
        <ul class="workloads" data-testid="workloads" aria-label="Deployments">{ for rows }</ul>
    }
}
