//! The inspector: `kubectl describe` for the node, pod or Deployment chosen on the map, the
//! pod's logs, and buttons that act on it. Every button runs a console command, so it is
//! journaled and the console shows what it did.

use crate::components::workloads::ScaleButtons;
use crate::model::InspectorView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub view: Option<InspectorView>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_command: Callback<String>,
    pub on_close: Callback<()>,
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let Some(v) = &props.view else {
        return html! {
            <section class="inspector empty" data-testid="inspector" aria-labelledby="inspector-title">
                <div class="panel-head"><h2 id="inspector-title">{ "Inspector" }</h2></div>
                <p class="muted">{ "Choose a node, a pod or a Deployment on the map to see kubectl describe for it and act on it." }</p>
            </section>
        };
    };
    let sel = &v.selection;
    let close = props.on_close.reform(|_: MouseEvent| ());
    let actions = v.actions.iter().map(|a| {
        let on_command = props.on_command.clone();
        let command = a.command.clone();
        html! {
            <button type="button" class={classes!("action", a.danger.then_some("danger"))}
                    data-testid={format!("action-{}", a.testid)} title={format!("Runs: {}", a.command)}
                    aria-description={format!("runs {}", a.command)} disabled={props.disabled}
                    onclick={Callback::from(move |_: MouseEvent| on_command.emit(command.clone()))}>
                if a.danger { <span aria-hidden="true">{ "✕ " }</span> }
                { &a.label }
            </button>
        }
    });
    let logs = v.logs.iter().map(|(container, lines)| {
        let shown = if lines.is_empty() { "(no output yet)".to_string() } else { lines.join("\n") };
        let many = v.logs.len() > 1;
        let cmd = if many { format!("kubectl logs {} -c {container}", sel.name()) } else { format!("kubectl logs {}", sel.name()) };
        html! {
            <>
                <h3 class="inspector-sub">{ format!("Logs of {container}") }<code class="cmd-hint">{ format!("$ {cmd}") }</code></h3>
                <pre class="inspector-text logs" data-testid="inspector-logs" tabindex="0"
                     aria-label={format!("Logs of container {container}")}>{ shown }</pre>
            </>
        }
    });
    html! {
        <section class="inspector" data-testid="inspector" data-kind={sel.kind()} data-name={sel.name().to_string()}
                 aria-labelledby="inspector-title">
            <div class="panel-head">
                <h2 id="inspector-title">{ format!("Inspector: {} {}", sel.kind(), sel.name()) }</h2>
                <button type="button" class="close" data-testid="inspector-close" onclick={close}
                        aria-label="Close the inspector">{ "Close" }</button>
            </div>
            if !v.exists {
                <p class="gone" data-testid="inspector-gone" role="status">
                    { format!("This {} no longer exists.", sel.kind()) }
                </p>
            } else {
                <div class="actions" role="group" aria-label={format!("Act on {} {}", sel.kind(), sel.name())}>
                    { for actions }
                </div>
            }
            if let Some(d) = &v.deployment {
                <div class="inspector-deploy">
                    <span>{ format!("Deployment {}: {} of {} ready", d.name, d.ready, d.replicas) }</span>
                    <ScaleButtons deployment={d.clone()} disabled={props.disabled} on_command={props.on_command.clone()} />
                </div>
            }
            if !v.placement.is_empty() {
                <h3 class="inspector-sub">{ match &v.bound_to {
                    Some(n) => format!("Scheduler: why {n}"),
                    None => "Scheduler: why no node fits yet".to_string(),
                } }</h3>
                <table class="placement" data-testid="inspector-placement">
                    <thead><tr><th scope="col">{ "Node" }</th><th scope="col">{ "Filters and score (this pod left out)" }</th></tr></thead>
                    <tbody>
                        { for v.placement.iter().map(|(node, fits, why)| html! {
                            <tr class={classes!(if *fits { "fits" } else { "rejected" }, (v.bound_to.as_deref() == Some(node.as_str())).then_some("chosen"))}
                                data-testid={format!("placement-{node}")} data-fits={fits.to_string()}>
                                <td>{ format!("{} {node}{}", if *fits { "✓" } else { "✕" }, if v.bound_to.as_deref() == Some(node.as_str()) { " (chosen)" } else { "" }) }</td>
                                <td>{ why.clone() }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            if let Some(text) = &v.describe {
                <h3 class="inspector-sub">{ "Details" }<code class="cmd-hint">{ format!("$ {}", v.describe_command) }</code></h3>
                <pre class="inspector-text" data-testid="inspector-describe" tabindex="0"
                     aria-label={format!("kubectl describe {} {}", sel.kind(), sel.name())}>{ text }</pre>
            }
            { for logs }
        </section>
    }
}
