//! Presenter mode's panel: the demo script (editable), which command runs next, a Next
//! button (also N, → or a clicker's PageDown), checkpoints, and the keyboard shortcuts.

use crate::presenter::{Demo, SHORTCUTS};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DemoPanelProps {
    pub demo: Demo,
    pub has_checkpoint: bool,
    #[prop_or_default]
    pub disabled: bool,
    pub on_script: Callback<String>,
    pub on_next: Callback<()>,
    pub on_restart: Callback<()>,
    pub on_checkpoint: Callback<()>,
    pub on_back: Callback<()>,
}

#[function_component(DemoPanel)]
pub fn demo_panel(props: &DemoPanelProps) -> Html {
    let d = &props.demo;
    let oninput = props
        .on_script
        .reform(|e: InputEvent| e.target_dyn_into::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default());
    let steps = d.commands.iter().enumerate().map(|(i, c)| {
        let state = if i < d.next {
            "ran"
        } else if i == d.next {
            "next"
        } else {
            "later"
        };
        let glyph = match state {
            "ran" => "✓",
            "next" => "▶",
            _ => "·",
        };
        html! {
            <li class={classes!("demo-step", state)} data-testid={format!("demo-step-{i}")} data-state={state}
                aria-current={(state == "next").then_some("step")}>
                <span aria-hidden="true">{ format!("{glyph} ") }</span><code>{ c.command.clone() }</code>
            </li>
        }
    });
    html! {
        <section class="demo" data-testid="demo" aria-labelledby="demo-title">
            <h2 id="demo-title">{ "Demo script" }</h2>
            <label>
                <span class="visually-hidden">{ "Demo script, one command per line (the runner's script format)" }</span>
                <textarea data-testid="demo-script" rows="6" spellcheck="false" value={d.script.clone()} {oninput}
                          placeholder="kubectl create deployment web --image=nginx:1.25 --replicas=3" />
            </label>
            if let Some(e) = &d.error {
                <p class="error" role="alert" data-testid="demo-error">{ format!("The script does not parse: {e}") }</p>
            }
            <div class="demo-buttons">
                <button type="button" class="primary" data-testid="demo-next" disabled={props.disabled || d.finished()}
                        onclick={props.on_next.reform(|_| ())}>
                    { if d.finished() && !d.commands.is_empty() { "Script done".to_string() } else { format!("Next ▶ ({}/{})", d.next.min(d.commands.len()), d.commands.len()) } }
                </button>
                <button type="button" data-testid="demo-restart" onclick={props.on_restart.reform(|_| ())}>{ "From the top" }</button>
                <button type="button" data-testid="checkpoint-save" disabled={props.disabled} onclick={props.on_checkpoint.reform(|_| ())}>{ "Save checkpoint" }</button>
                <button type="button" data-testid="checkpoint-back" disabled={props.disabled || !props.has_checkpoint}
                        onclick={props.on_back.reform(|_| ())}>{ "Back to checkpoint" }</button>
            </div>
            <ol class="demo-steps" data-testid="demo-steps">{ for steps }</ol>
            <details class="shortcuts">
                <summary>{ "Keyboard shortcuts" }</summary>
                <dl>
                    { for SHORTCUTS.iter().map(|(k, v)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *v }</dd></> }) }
                </dl>
            </details>
        </section>
    }
}
