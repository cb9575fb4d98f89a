//! The inspector: `kubectl describe` for the node, pod or Deployment chosen on the map, the
//! pod's logs, and buttons that act on it. Every button runs a console command, so it is
//! journaled and the console shows what it did.

use crate::components::workloads::ScaleButtons;
use crate::model::{InspectorView, WhyView};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub view: Option<InspectorView>,
    #[prop_or_default]
    pub disabled: bool,
    pub on_command: Callback<String>,
    pub on_close: Callback<()>,
    /// The chain of decisions behind the selection, oldest first.
    #[prop_or_default]
    pub why: Option<Rc<WhyView>>,
    /// The step hovered or focused (its id).
    #[prop_or_default]
    pub why_hovered: Option<u64>,
    /// The simulated time the timeline looks back at, if it does.
    #[prop_or_default]
    pub viewing_ms: Option<u64>,
    /// A step hovered or focused (Some) or left (None).
    #[prop_or_default]
    pub on_why_hover: Callback<Option<u64>>,
    /// A step clicked: the timeline goes to its simulated time.
    #[prop_or_default]
    pub on_why_step: Callback<u64>,
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
            if matches!(sel, crate::model::Selection::Pod { .. }) && v.exists {
                <h3 class="inspector-sub">{ "CPU" }<code class="cmd-hint">{ "$ kubectl top pod" }</code></h3>
                { cpu_use(v.cpu.as_ref()) }
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
            if matches!(sel, crate::model::Selection::Pod { .. }) && v.exists {
                <h3 class="inspector-sub">{ "Network policies" }<code class="cmd-hint">{ "$ kubectl get networkpolicy" }</code></h3>
                if v.policies.is_empty() {
                    <p class="muted" data-testid="inspector-policies">{ "No NetworkPolicy selects this pod: it is not isolated, every connection in and out is allowed." }</p>
                } else {
                    <ul class="policies" data-testid="inspector-policies">
                        { for v.policies.iter().map(|(name, types)| html! {
                            <li data-policy={name.clone()}>{ format!("{name}: isolates it for {types}") }</li>
                        }) }
                    </ul>
                }
            }
            if let Some(why) = &props.why {
                <WhySteps why={why.clone()} hovered={props.why_hovered} viewing_ms={props.viewing_ms}
                          on_hover={props.on_why_hover.clone()} on_step={props.on_why_step.clone()} />
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

#[derive(Properties, PartialEq)]
struct WhyStepsProps {
    why: Rc<WhyView>,
    hovered: Option<u64>,
    viewing_ms: Option<u64>,
    on_hover: Callback<Option<u64>>,
    on_step: Callback<u64>,
}

/// The chain as a vertical timeline, oldest first: each step a button (hover or focus lights
/// what it wrote and its component; click or Enter moves the timeline to it), then what holds
/// the object if it is not fine.
#[function_component(WhySteps)]
fn why_steps(props: &WhyStepsProps) -> Html {
    let why = &props.why;
    // The moment the timeline shows: the last step's at or before the time looked at (every
    // step of that instant is shown).
    let shown = props.viewing_ms.and_then(|t| why.steps.iter().rev().find(|s| s.at_ms <= t).map(|s| s.at_ms));
    let steps = why.steps.iter().enumerate().map(|(i, s)| {
        let (id, at) = (s.id, s.at_ms);
        let enter = props.on_hover.reform(move |_: MouseEvent| Some(id));
        let leave = props.on_hover.reform(|_: MouseEvent| None);
        let focus = props.on_hover.reform(move |_: FocusEvent| Some(id));
        let blur = props.on_hover.reform(|_: FocusEvent| None);
        let click = props.on_step.reform(move |_: MouseEvent| at);
        let hovered = props.hovered == Some(id);
        let here = shown == Some(at);
        html! {
            <li key={id} class={classes!("why-step", hovered.then_some("hovered"), here.then_some("shown"))}>
                <button type="button" class="why-step-button" data-testid={format!("why-step-{i}")} data-actor={s.who.clone()}
                        data-at={at.to_string()} aria-current={here.then_some("step")}
                        title="Hover to light what it wrote; click to see the cluster at that moment"
                        onmouseenter={enter} onmouseleave={leave} onfocus={focus} onblur={blur} onclick={click}>
                    <span class="why-time">{ &s.time }</span>
                    <span class="why-who">{ &s.who }</span>
                    <span class="why-rule">{ &s.rule }</span>
                    if here { <span class="why-here">{ "◀ shown on the timeline" }</span> }
                </button>
            </li>
        }
    });
    html! {
        <div class="why" data-testid="inspector-why">
            <h3 class="inspector-sub" id="why-title">{ "Why: how it came to be, oldest first" }<code class="cmd-hint">{ "$ lab why" }</code></h3>
            if why.steps.is_empty() {
                <p class="muted">{ "No change recorded: it has been as it is since the cluster booted." }</p>
            } else {
                <ol class="why-steps" aria-labelledby="why-title">{ for steps }</ol>
            }
            if why.forgotten > 0 {
                <p class="muted">{ format!("({} earlier write(s) not kept)", why.forgotten) }</p>
            }
            if !why.diagnosis.is_empty() {
                <ul class="why-diagnosis" data-testid="why-diagnosis" aria-label="What holds it now">
                    { for why.diagnosis.iter().enumerate().map(|(i, d)| html! {
                        <li>{ if i == 0 { "⚠ Now: " } else { "" } }{ d }</li>
                    }) }
                </ul>
            }
        </div>
    }
}

/// A pod's CPU as metrics-server reports it: a bar (used, against the limit or twice the
/// request; the request marked) and the same in words.
fn cpu_use(cpu: Option<&crate::model::CpuUse>) -> Html {
    let Some(c) = cpu else {
        return html! {
            <p class="muted" data-testid="inspector-cpu">{ "No metrics yet: metrics-server (lab addons enable metrics-server) reports a pod from its first scrape 10 s after it started, once a minute." }</p>
        };
    };
    let pct = |m: i64| (m.min(c.scale_m()) * 100 / c.scale_m()).to_string();
    let text = c.text();
    html! {
        <p class="cpu-use" data-testid="inspector-cpu" data-used={c.used_m.to_string()}>
            <svg class="cpu-bar" viewBox="0 0 100 10" preserveAspectRatio="none" width="160" height="14" role="img" aria-label={format!("CPU {text}")}>
                <rect class="cpu-track" x="0" y="0" width="100" height="10" />
                <rect class="cpu-used" x="0" y="0" width={pct(c.used_m)} height="10" />
                if let Some(r) = c.request_m {
                    <line class="cpu-request" x1={pct(r)} x2={pct(r)} y1="0" y2="10" />
                }
            </svg>
            { format!(" {text}") }
        </p>
    }
}
