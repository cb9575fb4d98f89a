//! The manifest editor: files as tabs, a textarea over a coloured copy of its text (YAML
//! highlighting) with line numbers, Apply (or Ctrl-Enter) for the active file, the problems
//! `kubectl apply` found marked at their lines, the `kubectl explain` reference for the field
//! under the cursor, and what apply printed.

use crate::highlight::{highlight, Tok};
use crate::tabs::Tabs;
use kubelab_api::VecMap;
use kubelab_kubectl::{ApplyReport, Problem};
use std::rc::Rc;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

/// What the tab bar asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum TabAction {
    Select(usize),
    Close(usize),
    New,
}

#[derive(Properties, PartialEq)]
pub struct YamlEditorProps {
    pub tabs: Tabs,
    /// Problems found in the active tab by its last Apply.
    pub problems: Rc<Vec<Problem>>,
    pub on_input: Callback<String>,
    pub on_apply: Callback<()>,
    #[prop_or_default]
    pub on_tab: Callback<TabAction>,
    /// The cursor moved to this line (0-based).
    #[prop_or_default]
    pub on_cursor: Callback<usize>,
    /// `kubectl explain` for the field under the cursor: (what was asked, what it printed).
    #[prop_or_default]
    pub reference: Option<(String, String)>,
    /// While a saved lab is restored or a `lab advance` runs, Apply waits.
    #[prop_or_default]
    pub busy: bool,
}

#[function_component(YamlEditor)]
pub fn yaml_editor(props: &YamlEditorProps) -> Html {
    let textarea = use_node_ref();
    let coloured = use_node_ref();
    let gutter = use_node_ref();
    let text = props.tabs.active_text();
    let name = props.tabs.active_name().to_string();
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                on_input.emit(t.value());
            }
        })
    };
    let cursor = {
        let on_cursor = props.on_cursor.clone();
        let textarea = textarea.clone();
        move || {
            if let Some(t) = textarea.cast::<HtmlTextAreaElement>() {
                let at = t.selection_start().ok().flatten().unwrap_or(0) as usize;
                on_cursor.emit(line_of_utf16_offset(&t.value(), at));
            }
        }
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
    let onkeyup = {
        let cursor = cursor.clone();
        Callback::from(move |_: KeyboardEvent| cursor())
    };
    let onmouseup = Callback::from(move |_: MouseEvent| cursor());
    let onscroll = scroll_together(&textarea, &coloured, &gutter);
    let onclick = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| on_apply.emit(()))
    };
    // Problems by line (1-based), for the gutter marks and the coloured copy.
    let mut by_line: VecMap<usize, Vec<&str>> = VecMap::new();
    for p in props.problems.iter() {
        by_line.get_or_insert_with(p.line, Vec::new).push(&p.message);
    }
    let problems = problem_list(&props.problems, &textarea);
    let Shown { plain, numbers, coloured_lines, line_count } = shown_text(text, &by_line);
    let has_problems = !props.problems.is_empty();
    // Tall enough for the whole manifest (and a line to type on), within reason.
    let rows = (line_count + 1).clamp(12, 24);
    let tabs = tab_bar(props);
    let new_tab = props.on_tab.reform(|_: MouseEvent| TabAction::New);
    html! {
        <div class="editor">
            <div class="editor-head">
                <label for="yaml-editor">{ "1. Manifest" }</label>
                <span id="editor-hint" class="hint">{ "Ctrl-Enter" }</span>
                <button type="button" class="apply" data-testid="apply-button" {onclick} disabled={props.busy}
                        aria-keyshortcuts="Control+Enter" title={format!("kubectl apply -f {name} (Ctrl-Enter)")}>
                    { "Apply" }
                </button>
            </div>
            <div class="tabs" role="tablist" aria-label="Files in the editor" data-testid="editor-tabs">
                { tabs }
                <button type="button" class="tab-new" data-testid="new-tab" onclick={new_tab} aria-label="New file" title="New file">{ "+" }</button>
            </div>
            if plain {
                <p class="editor-plain" role="status" data-testid="editor-plain">
                    { format!("{name} is {}: over {} KB the editor shows it without colours. Apply works as usual.", size_in_words(text.len()), HIGHLIGHT_LIMIT_BYTES / 1024) }
                </p>
            }
            <div class={classes!("code", plain.then_some("plain"))} data-problems={props.problems.len().to_string()}>
                <div class="gutter" ref={gutter} aria-hidden="true">{ numbers }</div>
                <div class="code-text">
                    if !plain {
                        <pre class="coloured" ref={coloured} aria-hidden="true" data-testid="editor-coloured">{ coloured_lines }{ " " }</pre>
                    }
                    <textarea id="yaml-editor" data-testid="yaml-editor" ref={textarea.clone()} value={text.to_string()}
                              {oninput} {onkeydown} {onkeyup} {onmouseup} {onscroll} spellcheck="false" autocomplete="off"
                              autocapitalize="off" wrap="off" rows={rows.to_string()} aria-describedby="editor-hint apply-problems"
                              aria-label={format!("Manifest {name}")} aria-invalid={has_problems.to_string()} />
                </div>
            </div>
            <ul id="apply-problems" class="problems" data-testid="apply-problems" aria-label="Problems in the manifest"
                hidden={!has_problems}>
                { problems }
            </ul>
            if let Some((target, out)) = &props.reference {
                <details class="reference" data-testid="field-reference" open=true>
                    <summary>{ "Field reference: " }<code>{ format!("kubectl explain {target}") }</code></summary>
                    <pre>{ out }</pre>
                </details>
            }
        </div>
    }
}

/// The coloured copy and the line numbers scroll with the text.
fn scroll_together(textarea: &NodeRef, coloured: &NodeRef, gutter: &NodeRef) -> Callback<Event> {
    let (textarea, coloured, gutter) = (textarea.clone(), coloured.clone(), gutter.clone());
    Callback::from(move |_: Event| {
        let Some(t) = textarea.cast::<HtmlElement>() else { return };
        if let Some(c) = coloured.cast::<HtmlElement>() {
            c.set_scroll_top(t.scroll_top());
            c.set_scroll_left(t.scroll_left());
        }
        if let Some(g) = gutter.cast::<HtmlElement>() {
            g.set_scroll_top(t.scroll_top());
        }
    })
}

/// The problems of the last Apply, each a button that selects its line.
fn problem_list(problems: &[Problem], textarea: &NodeRef) -> Html {
    problems
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
        .collect()
}

/// The line numbers and the coloured copy laid over the textarea.
struct Shown {
    /// Too large to colour: the textarea shows its own text, and no coloured copy is made.
    plain: bool,
    numbers: Html,
    coloured_lines: Html,
    line_count: usize,
}

/// A file too large to colour is shown plain: the textarea's own text, and the line numbers
/// as one text (a node per line of a 2 MB paste would hold the page for minutes).
fn shown_text(text: &str, by_line: &VecMap<usize, Vec<&str>>) -> Shown {
    if text.len() > HIGHLIGHT_LIMIT_BYTES {
        let line_count = text.split('\n').count();
        let numbers = html! { <span class="ln">{ numbered_lines(line_count, by_line) }</span> };
        return Shown { plain: true, numbers, coloured_lines: Html::default(), line_count };
    }
    let lines = highlight(text);
    let numbers = (1..=lines.len())
        .map(|n| match by_line.get(&n) {
            Some(msgs) => html! { <span class="ln problem" title={msgs.join("\n")}>{ format!("! {n}") }</span> },
            None => html! { <span class="ln">{ n }</span> },
        })
        .collect();
    let coloured_lines = lines
        .iter()
        .enumerate()
        .map(|(i, toks)| {
            let class = classes!("hl-line", by_line.contains_key(&(i + 1)).then_some("problem"));
            let spans = toks.iter().map(|(t, s)| match t {
                Tok::Plain => html! { { s } },
                t => html! { <span class={t.class()}>{ s }</span> },
            });
            html! { <><span {class}>{ for spans }</span>{ "\n" }</> }
        })
        .collect();
    Shown { plain: false, numbers, coloured_lines, line_count: lines.len() }
}

/// The editor's files as tabs, each closable when there is more than one.
fn tab_bar(props: &YamlEditorProps) -> Html {
    props
        .tabs
        .files()
        .iter()
        .enumerate()
        .map(|(i, (n, _))| {
            let selected = i == props.tabs.active();
            let select = props.on_tab.reform(move |_: MouseEvent| TabAction::Select(i));
            let close = props.on_tab.reform(move |_: MouseEvent| TabAction::Close(i));
            html! {
                <span class={classes!("tab", selected.then_some("active"))} key={n.clone()}>
                    <button type="button" role="tab" aria-selected={selected.to_string()} aria-controls="yaml-editor"
                            data-testid={format!("tab-{n}")} onclick={select} title={format!("Edit {n}")}>{ n }</button>
                    if props.tabs.files().len() > 1 {
                        <button type="button" class="tab-close" data-testid={format!("close-tab-{n}")} onclick={close}
                                aria-label={format!("Close {n}")} title={format!("Close {n}")}>{ "×" }</button>
                    }
                </span>
            }
        })
        .collect()
}

/// Files larger than this are edited without colours (see `shown_text`).
pub const HIGHLIGHT_LIMIT_BYTES: usize = 256 * 1024;

/// Line numbers 1..=count, one per line, problem lines marked `! n`, as one text.
fn numbered_lines(count: usize, problems: &VecMap<usize, Vec<&str>>) -> String {
    let mut out = String::with_capacity(count * 7);
    for n in 1..=count {
        if problems.contains_key(&n) {
            out.push_str("! ");
        }
        out.push_str(&n.to_string());
        out.push('\n');
    }
    out
}

/// "2.0 MB", "300 KB".
fn size_in_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// The 0-based line of a UTF-16 offset (what a textarea's selection counts in).
pub fn line_of_utf16_offset(text: &str, offset: usize) -> usize {
    let mut units = 0;
    let mut line = 0;
    for c in text.chars() {
        if units >= offset {
            break;
        }
        units += c.len_utf16();
        if c == '\n' {
            line += 1;
        }
    }
    line
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
    /// The file it applied.
    #[prop_or_else(|| AttrValue::from(crate::tabs::FIRST_TAB))]
    pub file: AttrValue,
}

/// What `kubectl apply -f FILE` printed: stdout and stderr lines told apart by a marker and
/// style, in the order printed.
#[function_component(ApplyOutput)]
pub fn apply_output(props: &ApplyOutputProps) -> Html {
    let Some(rep) = &props.report else {
        return html! {
            <pre class="output empty" data-testid="apply-output" aria-live="polite">
                { "Nothing applied yet. Press Apply to run kubectl apply -f on the file in the editor." }
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
            <span class="cmd">{ format!("$ kubectl apply -f {}\n", props.file) }</span>
            { for lines }
        </pre>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_utf16_offset_maps_to_its_line() {
        let text = "a: é\n😀: b\nc";
        assert_eq!(super::line_of_utf16_offset(text, 0), 0);
        assert_eq!(super::line_of_utf16_offset(text, 4), 0);
        assert_eq!(super::line_of_utf16_offset(text, 5), 1);
        // The emoji is two UTF-16 units.
        assert_eq!(super::line_of_utf16_offset(text, 10), 1);
        assert_eq!(super::line_of_utf16_offset(text, 11), 2);
        assert_eq!(super::line_of_utf16_offset(text, 99), 2);
    }
}
