//! The console: type `kubectl` and `lab` commands, Enter runs, ↑/↓ walk the history, Ctrl-L
//! clears, pasting several lines runs each in turn. Output is text only (never markup), in
//! the order printed; stderr lines carry a marker as well as a colour.

use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

// The transcript's lines are the lab's (plain data, tested there).
pub use kubelab_lab::console::{ConsoleLine, LineKind};

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub lines: Rc<Vec<ConsoleLine>>,
    /// The session's number of `lines[0]` (lines printed before it, `Transcript::dropped`).
    /// Each line is keyed by its number: once the transcript is full, a command's output
    /// removes lines at the top and adds its own, and the lines between stay as they are
    /// (unkeyed, every shown line's text was rewritten in place, so a selection slid onto
    /// other text).
    #[prop_or_default]
    pub first_line: u64,
    /// Commands run before, oldest first.
    pub history: Rc<Vec<String>>,
    /// While a saved lab is being restored or a `lab advance` runs: the prompt is read-only
    /// (not disabled, so it keeps the keyboard focus).
    #[prop_or_default]
    pub disabled: bool,
    /// A command line, or several pasted lines.
    pub on_run: Callback<String>,
    pub on_clear: Callback<()>,
    /// The VM-era machine `lab ssh` logged in to: the prompt says where commands run.
    #[prop_or_default]
    pub machine: Option<String>,
    /// The prompt's sign (`$`, `dev $`, `root@vm-1:~#`); empty: from `machine`.
    #[prop_or_default]
    pub prompt: String,
    /// Ctrl-C with nothing selected: stop a running `get -w` or `logs -f`.
    #[prop_or_default]
    pub on_interrupt: Option<Callback<()>>,
    /// Tab was pressed on this line.
    #[prop_or_default]
    pub on_tab: Option<Callback<String>>,
    /// The answer to the last Tab: (serial, the completed line, the candidates when more
    /// than one fits).
    #[prop_or_default]
    pub completion: Option<Rc<(u64, String, Vec<String>)>>,
    /// A journaled command clicked (or Enter on it): its journal line, to show what it
    /// caused on the map; Escape on it clears.
    #[prop_or_default]
    pub on_cause: Option<Callback<Option<u32>>>,
    /// The command whose effects the map shows.
    #[prop_or_default]
    pub cause_line: Option<u32>,
}

#[function_component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let input = use_state(String::new);
    // In a pod's shell the prompt is root's (`/ #`, `root@POD:/#`).
    let in_pod = props.machine.is_none() && props.prompt.ends_with('#');
    // Where ↑/↓ are in the history (None: at the line being typed), and that line.
    let position = use_state(|| None::<usize>);
    let draft = use_state(String::new);
    // What Tab offered last when more than one candidate fits (shown under the prompt).
    let offered = use_state(Vec::<String>::new);
    let output_ref = use_node_ref();
    let input_ref = use_node_ref();

    // A Tab's answer arrives with the next render.
    {
        let (input, offered) = (input.clone(), offered.clone());
        use_effect_with(props.completion.clone(), move |c| {
            if let Some(c) = c {
                input.set(c.1.clone());
                offered.set(if c.2.len() > 1 { c.2.clone() } else { Vec::new() });
            }
        });
    }

    // Keep the newest output in view, at the next frame: reading scrollHeight right after
    // a render lays out the whole page inside the render's task (1,000 new pods: about a
    // fifth of it), where the frame lays it out anyway.
    {
        let output_ref = output_ref.clone();
        use_effect_with(props.lines.clone(), move |_| {
            let frame = gloo::render::request_animation_frame(move |_| {
                if let Some(el) = output_ref.cast::<web_sys::Element>() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
            move || drop(frame)
        });
    }

    let oninput = {
        let input = input.clone();
        let position = position.clone();
        let offered = offered.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlInputElement>() {
                input.set(t.value());
                position.set(None);
                if !offered.is_empty() {
                    offered.set(Vec::new());
                }
            }
        })
    };

    let onkeydown = {
        let (input, position, draft) = (input.clone(), position.clone(), draft.clone());
        let history = props.history.clone();
        let on_run = props.on_run.clone();
        let on_clear = props.on_clear.clone();
        let on_tab = props.on_tab.clone();
        let on_interrupt = props.on_interrupt.clone();
        let offered = offered.clone();
        let busy = props.disabled;
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            match key.as_str() {
                "Tab" if !e.shift_key() && on_tab.is_some() => {
                    let text =
                        e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()).unwrap_or_else(|| (*input).clone());
                    // An empty prompt has nothing to complete: Tab moves on, so the keyboard
                    // is never trapped in the console.
                    if let Some(cb) = on_tab.as_ref().filter(|_| !text.trim().is_empty()) {
                        e.prevent_default();
                        offered.set(Vec::new());
                        cb.emit(text);
                    }
                }
                "Enter" if busy => e.prevent_default(), // kept in the prompt for when the lab is free
                "Enter" if !e.shift_key() => {
                    e.prevent_default();
                    // The field itself: the state may not have caught up with the last keystroke.
                    let text =
                        e.target_dyn_into::<HtmlInputElement>().map(|i| i.value()).unwrap_or_else(|| (*input).clone());
                    if !text.trim().is_empty() {
                        on_run.emit(text);
                    }
                    input.set(String::new());
                    position.set(None);
                }
                "ArrowUp" if !history.is_empty() => {
                    e.prevent_default();
                    let next = match *position {
                        None => {
                            draft.set(
                                e.target_dyn_into::<HtmlInputElement>()
                                    .map(|i| i.value())
                                    .unwrap_or_else(|| (*input).clone()),
                            );
                            history.len() - 1
                        }
                        Some(i) => i.saturating_sub(1),
                    };
                    position.set(Some(next));
                    input.set(history[next].clone());
                }
                "ArrowDown" => {
                    if let Some(i) = *position {
                        e.prevent_default();
                        if i + 1 < history.len() {
                            position.set(Some(i + 1));
                            input.set(history[i + 1].clone());
                        } else {
                            position.set(None);
                            input.set((*draft).clone());
                        }
                    }
                }
                "c" | "C" if e.ctrl_key() && !e.alt_key() && !e.meta_key() && on_interrupt.is_some() => {
                    // Only with nothing selected: Ctrl-C on a selection still copies it.
                    let selected = e
                        .target_dyn_into::<HtmlInputElement>()
                        .and_then(|i| Some(i.selection_start().ok()?? != i.selection_end().ok()??))
                        .unwrap_or(false);
                    if !selected {
                        e.prevent_default();
                        if let Some(cb) = &on_interrupt {
                            cb.emit(());
                        }
                    }
                }
                "l" | "L" if e.ctrl_key() && !e.alt_key() && !e.meta_key() => {
                    e.prevent_default();
                    on_clear.emit(());
                }
                _ => {}
            }
        })
    };

    // Several lines pasted at once run as a script: each command in turn, heredocs included.
    let onpaste = {
        let input = input.clone();
        let on_run = props.on_run.clone();
        let busy = props.disabled;
        Callback::from(move |e: Event| {
            if busy {
                return;
            }
            let Ok(e) = e.dyn_into::<web_sys::ClipboardEvent>() else { return };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else { return };
            if !text.contains('\n') {
                return; // one line: the browser pastes it into the input as usual
            }
            e.prevent_default();
            let field = e.target_dyn_into::<HtmlInputElement>();
            let typed = field.as_ref().map(|f| f.value()).unwrap_or_else(|| (*input).clone());
            let (start, end) = field
                .as_ref()
                .and_then(|f| Some((f.selection_start().ok()??, f.selection_end().ok()??)))
                .map(|(s, e)| (utf16_to_byte(&typed, s), utf16_to_byte(&typed, e)))
                .unwrap_or((typed.len(), typed.len()));
            let script = format!("{}{}{}", &typed[..start.min(end)], text, &typed[end..]);
            input.set(String::new());
            on_run.emit(script);
        })
    };

    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            // A click on the output focuses the prompt, unless it was to select text.
            let selecting =
                web_sys::window().and_then(|w| w.get_selection().ok().flatten()).is_some_and(|s| !s.is_collapsed());
            if !selecting {
                if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
            }
        })
    };

    let lines = transcript(props);
    html! {
        <section class="console" data-testid="console" aria-labelledby="console-title">
            <div class="panel-head">
                <h2 id="console-title">{ "Console" }</h2>
                <span class="hint" id="console-hint">{ "Enter runs · ↑↓ history · Ctrl-L clears · try lab help" }</span>
            </div>
            // data-printed: the lines printed since the page opened, dropped ones included, so
            // a wait for a command's output can count on it (the lines shown stop at 2,000).
            <pre class="console-output" data-testid="console-output" ref={output_ref} role="log"
                 aria-label="Console output" tabindex="0" onclick={focus_input}
                 data-printed={(props.first_line + props.lines.len() as u64).to_string()}>
                if props.lines.is_empty() {
                    <span class="info">{ "Type a command below, such as kubectl get nodes, and press Enter.\n" }</span>
                }
                { lines }
            </pre>
            <div class="prompt">
                <label for="console-input" class="prompt-sign" aria-hidden="true" data-testid="prompt-sign">
                    if props.prompt.is_empty() {
                        { props.machine.as_ref().map(|m| format!("root@{m}:~#")).unwrap_or_else(|| "$".into()) }
                    } else {
                        { props.prompt.clone() }
                    }
                </label>
                <input id="console-input" data-testid="console-input" ref={input_ref} type="text"
                       value={(*input).clone()} {oninput} {onkeydown} {onpaste}
                       readonly={props.disabled} aria-busy={props.disabled.to_string()} spellcheck="false" autocomplete="off" autocapitalize="off"
                       aria-label={match &props.machine {
                           Some(m) => format!("Console on machine {m}: docker, curl, ip; exit to leave"),
                           None if in_pod => "Console in a pod's shell: hostname, env, wget, nslookup; exit to leave".to_string(),
                           None => "Console: a kubectl or lab command".to_string(),
                       }}
                       aria-describedby="console-hint"
                       placeholder={if props.machine.is_some() { "docker ps" } else if in_pod { "hostname" } else { "kubectl get pods" }} />
            </div>
            if !offered.is_empty() {
                <p class="completions" data-testid="completions" aria-live="polite">{ offered.join("  ") }</p>
            }
        </section>
    }
}

/// The transcript's lines, each keyed by its number in the session, as one list of its own:
/// among the `<pre>`'s other children it would not be wholly keyed, and Yew would diff it by
/// position, replacing every line.
fn transcript(props: &ConsoleProps) -> Html {
    props
        .lines
        .iter()
        .zip(props.first_line..)
        .map(|(l, number)| {
            let class = match l.kind {
                LineKind::Command => "cmd",
                LineKind::Stdout => "stdout",
                LineKind::Stderr => "stderr",
                LineKind::Progress => "progress",
                LineKind::Info => "info",
            };
            match (l.journal_line, &props.on_cause) {
                (Some(line), Some(on_cause)) => {
                    caused_command(l, number, line, props.cause_line == Some(line), on_cause)
                }
                _ => html! { <span key={number} {class}>{ &l.text }{ "\n" }</span> },
            }
        })
        .collect()
}

/// A journaled command in the transcript: a button that shows on the map what it caused
/// (click or Enter; again, or Escape, clears). Pressed, it is outlined and marked "◆".
fn caused_command(l: &ConsoleLine, number: u64, line: u32, pressed: bool, on_cause: &Callback<Option<u32>>) -> Html {
    let onclick = {
        let cb = on_cause.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation(); // not a click to focus the prompt
            cb.emit(Some(line));
        })
    };
    let onkeydown = {
        let cb = on_cause.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" | " " => {
                e.prevent_default();
                cb.emit(Some(line));
            }
            "Escape" => cb.emit(None),
            _ => {}
        })
    };
    html! {
        <span key={number} class={classes!("cmd", "caused-by", pressed.then_some("pressed"))} role="button" tabindex="0"
              data-testid={format!("console-cmd-{line}")} data-line={line.to_string()} aria-pressed={pressed.to_string()}
              title="Show on the map what this command caused (again or Esc to clear)" {onclick} {onkeydown}>
            { &l.text }{ "\n" }
        </span>
    }
}

/// A UTF-16 offset (as the DOM counts) into a byte offset of `s`.
fn utf16_to_byte(s: &str, units: u32) -> usize {
    let mut count = 0u32;
    for (i, c) in s.char_indices() {
        if count >= units {
            return i;
        }
        count += c.len_utf16() as u32;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn utf16_offsets_map_to_byte_offsets() {
        assert_eq!(super::utf16_to_byte("abc", 1), 1);
        assert_eq!(super::utf16_to_byte("é🚀x", 1), 2);
        assert_eq!(super::utf16_to_byte("é🚀x", 3), 6);
        assert_eq!(super::utf16_to_byte("é🚀x", 9), 7);
    }
}
