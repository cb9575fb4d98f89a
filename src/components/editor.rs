//! The manifest editor: a plain textarea, an Apply button (or Ctrl-Enter), the problems
//! `kubectl apply` found located at their lines, and what it printed.

use kubelab_kubectl::{ApplyReport, Problem};
use std::rc::Rc;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// The name the editor's text goes by in kubectl's messages (`error parsing manifest.yaml`).
pub const SOURCE_NAME: &str = "manifest.yaml";

#[derive(Properties, PartialEq)]
pub struct YamlEditorProps {
    pub value: AttrValue,
    pub problems: Rc<Vec<Problem>>,
    pub on_input: Callback<String>,
    pub on_apply: Callback<()>,
    /// While a saved lab is restored or a `lab advance` runs, Apply waits.
    #[prop_or_default]
    pub busy: bool,
}

#[function_component(YamlEditor)]
pub fn yaml_editor(props: &YamlEditorProps) -> Html {
    let textarea = use_node_ref();
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_input.emit(t.value());
            }
        })
    };
    let onkeydown = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: KeyboardEvent| {
            if (e.ctrl_key() || e.meta_key()) && e.key() == "Enter" {
                e.prevent_default();
                on_apply.emit(());
            }
        })
    };
    let onclick = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| on_apply.emit(()))
    };
    let problems: Vec<Html> = props
        .problems
        .iter()
        .map(|p| {
            let select = {
                let textarea = textarea.clone();
                let line = p.line;
                Callback::from(move |_: MouseEvent| select_line(&textarea, line))
            };
            html! {
                <li>
                    <button type="button" class="problem" onclick={select} title="Select this line in the editor">
                        <span class="problem-line">{ format!("line {}:", p.line) }</span>
                        { " " }{ &p.message }
                    </button>
                </li>
            }
        })
        .collect();
    let has_problems = !props.problems.is_empty();
    // Tall enough for the whole manifest (and a line to type on), within reason.
    let rows = (props.value.lines().count() + 1).clamp(12, 24);
    html! {
        <div class="editor">
            <div class="editor-head">
                <label for="yaml-editor">{ "1. Manifest" }</label>
                <span id="editor-hint" class="hint">{ "Ctrl-Enter" }</span>
                <button type="button" class="apply" data-testid="apply-button" {onclick} disabled={props.busy}
                        aria-keyshortcuts="Control+Enter" title="kubectl apply -f manifest.yaml (Ctrl-Enter)">
                    { "Apply" }
                </button>
            </div>
            <textarea id="yaml-editor" data-testid="yaml-editor" ref={textarea.clone()} value={props.value.clone()}
                      {oninput} {onkeydown} spellcheck="false" autocomplete="off" autocapitalize="off"
                      rows={rows.to_string()} aria-describedby="editor-hint apply-problems"
                      aria-invalid={has_problems.to_string()} />
            <ul id="apply-problems" class="problems" data-testid="apply-problems" aria-label="Problems in the manifest"
                hidden={!has_problems}>
                { for problems }
            </ul>
        </div>
    }
}

/// Focuses the textarea with `line` (1-based) selected, so a problem can be fixed in place.
fn select_line(textarea: &NodeRef, line: usize) {
    let Some(t) = textarea.cast::<HtmlTextAreaElement>() else { return };
    let text = t.value();
    let (mut start, mut end) = (0u32, 0u32);
    let mut offset = 0u32;
    for (i, l) in text.split('\n').enumerate() {
        let len = l.encode_utf16().count() as u32; // selection offsets count UTF-16 units
        if i + 1 == line {
            start = offset;
            end = offset + len;
            break;
        }
        offset += len + 1;
    }
    let _ = t.focus();
    let _ = t.set_selection_range(start, end);
    // Bring the line into view: the caret move alone does not scroll a textarea in every browser.
    let lines_above = line.saturating_sub(3) as i32;
    let line_px = t.scroll_height() / text.split('\n').count().max(1) as i32;
    t.set_scroll_top(lines_above * line_px);
}

#[derive(Properties, PartialEq)]
pub struct ApplyOutputProps {
    pub report: Option<Rc<ApplyReport>>,
}

/// What `kubectl apply -f manifest.yaml` printed: stdout and stderr lines told apart by a
/// marker and style, in the order printed.
#[function_component(ApplyOutput)]
pub fn apply_output(props: &ApplyOutputProps) -> Html {
    let Some(rep) = &props.report else {
        return html! {
            <pre class="output empty" data-testid="apply-output" aria-live="polite">
                { "Nothing applied yet. Press Apply to run kubectl apply -f manifest.yaml." }
            </pre>
        };
    };
    let lines = rep.output.lines.iter().map(|(stderr, line)| {
        let class = if *stderr { "stderr" } else { "stdout" };
        html! { <span class={class}>{ line }{ "\n" }</span> }
    });
    let class = classes!("output", if rep.output.ok { "ok" } else { "failed" });
    html! {
        <pre {class} data-testid="apply-output" aria-live="polite" aria-label="kubectl output">
            <span class="cmd">{ format!("$ kubectl apply -f {SOURCE_NAME}\n") }</span>
            { for lines }
        </pre>
    }
}
