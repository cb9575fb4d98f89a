//! The lesson panel: pick a lesson, read the step, load its files into the editor, run its
//! commands with a click, watch the objectives tick as the cluster changes, reveal hints
//! one by one, and show or run the solution. Lesson text is rendered from parsed Markdown
//! as elements and text nodes: nothing a lesson says can become HTML.

use crate::lessons::{find, Progress};
use kubelab_lessons::markdown::{self, Block, Inline};
use kubelab_lessons::Lesson;
use std::rc::Rc;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// What the learner asked the panel for.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Chosen in the picker (not started yet).
    Pick(String),
    /// Start (or restart) a lesson: a fresh lab, then its setup.
    Start(String),
    /// Another lesson chosen (Start, or "Next lesson"): started, or asked first when the lab
    /// has work that the reset would drop.
    Choose(String),
    /// Keep the lab: the chosen lesson is not started.
    Cancel,
    Step(usize),
    /// Put the lab where this step starts: a fresh lab, the setup, the earlier steps' solutions.
    ResetStep,
    Hint,
    ToggleSolution,
    RunSolution,
    /// Load a lesson file into the editor.
    OpenFile(String),
    /// Run a command shown in the lesson.
    Command(String),
    Close,
}

/// Whether the lessons are here: the page fetches them after it starts (natively they are
/// compiled in).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum LessonsLoad {
    Loading,
    #[default]
    Loaded,
    /// They could not be fetched: why, in words.
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    pub lessons: Rc<Vec<Lesson>>,
    #[prop_or_default]
    pub load: LessonsLoad,
    pub progress: Progress,
    /// The lesson chosen in the picker while none is open.
    #[prop_or_default]
    pub picked: Option<String>,
    /// A lesson chosen while the lab has work, waiting for a yes before the reset.
    #[prop_or_default]
    pub confirming: Option<String>,
    /// Commands in the lab (what a reset drops).
    #[prop_or_default]
    pub commands: usize,
    #[prop_or_default]
    pub disabled: bool,
    pub on_action: Callback<LessonAction>,
}

/// The in-page question before another lesson resets the lab.
fn confirm_reset(props: &LessonPanelProps, act: &dyn Fn(LessonAction) -> Callback<MouseEvent>) -> Html {
    let Some(l) = props.confirming.as_deref().and_then(|id| find(&props.lessons, id)) else { return Html::default() };
    html! {
        <div class="confirm" role="alertdialog" aria-labelledby="confirm-text" data-testid="confirm-reset">
            <p id="confirm-text">{ format!(
                "Starting \u{201c}{}\u{201d} resets the lab: the {} command(s) in it are dropped (the seed stays).",
                l.title, props.commands
            ) }</p>
            <button type="button" class="primary" data-testid="confirm-reset-yes" disabled={props.disabled}
                    onclick={act(LessonAction::Start(l.id.clone()))}>{ "Reset the lab and start" }</button>
            <button type="button" data-testid="confirm-reset-no" onclick={act(LessonAction::Cancel)}>{ "Keep my lab" }</button>
        </div>
    }
}

fn render_inlines(v: &[Inline]) -> Html {
    v.iter()
        .map(|i| match i {
            Inline::Text(t) => html! { { t.clone() } },
            Inline::Code(t) => html! { <code>{ t.clone() }</code> },
            Inline::Strong(x) => html! { <strong>{ render_inlines(x) }</strong> },
            Inline::Em(x) => html! { <em>{ render_inlines(x) }</em> },
            Inline::Link { text, href } => {
                html! { <a href={href.clone()} target="_blank" rel="noopener noreferrer">{ text.clone() }</a> }
            }
        })
        .collect()
}

/// Markdown (the lessons' subset) as elements.
pub fn render_markdown(text: &str) -> Html {
    markdown::parse(text)
        .into_iter()
        .map(|b| match b {
            Block::Heading(1, x) => html! { <h4>{ render_inlines(&x) }</h4> },
            Block::Heading(_, x) => html! { <h5>{ render_inlines(&x) }</h5> },
            Block::Paragraph(x) => html! { <p>{ render_inlines(&x) }</p> },
            Block::Note(x) => html! { <p class="note">{ render_inlines(&x) }</p> },
            Block::Code { text, .. } => html! { <pre class="lesson-code">{ text }</pre> },
            Block::List { ordered: true, items } => {
                html! { <ol>{ for items.iter().map(|i| html! { <li>{ render_inlines(i) }</li> }) }</ol> }
            }
            Block::List { ordered: false, items } => {
                html! { <ul>{ for items.iter().map(|i| html! { <li>{ render_inlines(i) }</li> }) }</ul> }
            }
        })
        .collect()
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let waiting = match &props.load {
        LessonsLoad::Loaded => None,
        LessonsLoad::Loading => Some(html! {
            <p class="muted" role="status" data-testid="lessons-loading">{ "Loading the lessons…" }</p>
        }),
        LessonsLoad::Failed(why) => Some(html! {
            <p class="error" role="alert" data-testid="lessons-error">{ format!(
                "The lessons could not be loaded ({why}). The lab works without them: reload the page to try again."
            ) }</p>
        }),
    };
    if let Some(waiting) = waiting {
        return html! {
            <section class="lessons" data-testid="lessons" aria-labelledby="lessons-title">
                <div class="lessons-head"><h2 id="lessons-title">{ "Lessons" }</h2></div>
                { waiting }
            </section>
        };
    }
    let act = |a: LessonAction| props.on_action.reform(move |_: MouseEvent| a.clone());
    let open = props.progress.open.as_ref();
    // The picker shows the lesson asked about, else the open one, else the one picked.
    let current =
        props.confirming.clone().or(open.map(|o| o.lesson.clone())).or(props.picked.clone()).unwrap_or_default();
    let on_pick = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                cb.emit(LessonAction::Pick(s.value()));
            }
        })
    };
    let options = props.lessons.iter().map(|l| {
        let mark = if props.progress.completed.contains(&l.id) { " ✓ done" } else { "" };
        let part = if l.part == 1 { "Part 1 (VMs)" } else { "Part 2 (Kubernetes)" };
        html! { <option value={l.id.clone()} selected={l.id == current}>{ format!("{} · {}{mark}", part, l.title) }</option> }
    });
    let done_count = props.progress.completed.len();
    let body = match open.and_then(|o| find(&props.lessons, &o.lesson).map(|l| (o, l))) {
        Some((o, l)) => {
            let step = &l.steps[o.step.min(l.steps.len() - 1)];
            let step_done = o.step_complete(l);
            let next_lesson = props.lessons.iter().skip_while(|x| x.id != l.id).nth(1);
            let lesson_done = o.lesson_complete(l);
            let objectives = step.objectives.iter().map(|ob| {
                let done = o.done.contains(&ob.id);
                let locked = !done && !ob.after.iter().all(|a| o.done.contains(a));
                let (glyph, state) = if done { ("✓", "done") } else if locked { ("◌", "waiting") } else { ("○", "open") };
                html! {
                    <li class={classes!("objective", state)} data-testid={format!("objective-{}", ob.id)} data-done={done.to_string()}>
                        <span class="glyph" aria-hidden="true">{ glyph }</span>
                        <span>{ ob.text.clone() }</span>
                        <span class="visually-hidden">{ match state { "done" => " (met)", "waiting" => " (after the ones above)", _ => " (not met yet)" } }</span>
                    </li>
                }
            });
            let files = step.files.keys().map(|name| {
                html! { <button type="button" class="lesson-file" data-testid={format!("lesson-file-{name}")} disabled={props.disabled}
                                onclick={act(LessonAction::OpenFile(name.clone()))}>{ format!("Open {name} in the editor") }</button> }
            });
            let commands = step.commands.iter().enumerate().map(|(i, c)| {
                html! { <li><button type="button" class="lesson-command" data-testid={format!("lesson-command-{i}")} disabled={props.disabled}
                                    title={format!("Runs: {c}")} onclick={act(LessonAction::Command(c.clone()))}>
                    <span aria-hidden="true">{ "▶ " }</span><code>{ c.clone() }</code></button></li> }
            });
            let hints = step
                .hints
                .iter()
                .take(o.hints_shown)
                .map(|h| html! { <li>{ render_inlines(&markdown::inlines(h)) }</li> });
            let hints_left = step.hints.len().saturating_sub(o.hints_shown);
            html! {
                <div class="lesson-open" data-testid="lesson-open" data-lesson={l.id.clone()} data-step={o.step.to_string()}>
                    <h3 data-testid="lesson-title">{ l.title.clone() }</h3>
                    <nav class="lesson-steps" aria-label="Lesson steps">
                        <button type="button" data-testid="lesson-prev" disabled={o.step == 0 || props.disabled}
                                onclick={act(LessonAction::Step(o.step.saturating_sub(1)))}>{ "← Back" }</button>
                        <span data-testid="lesson-step">{ format!("Step {} of {}: {}", o.step + 1, l.steps.len(), step.title) }</span>
                        <button type="button" data-testid="lesson-next" disabled={o.step + 1 >= l.steps.len() || props.disabled}
                                class={classes!(step_done.then_some("primary"))}
                                onclick={act(LessonAction::Step(o.step + 1))}>{ "Next →" }</button>
                    </nav>
                    <div class="lesson-read" data-testid="lesson-read">
                        <p class="goal">{ format!("{} · about {} minutes", l.goal, l.minutes) }</p>
                        <div class="lesson-text">{ render_markdown(&step.text) }</div>
                        if !step.files.is_empty() {
                            <div class="lesson-files">{ for files }</div>
                        }
                    </div>
                    <div class="lesson-act" data-testid="lesson-act">
                    if !step.commands.is_empty() {
                        <ul class="lesson-commands" aria-label="Commands to run">{ for commands }</ul>
                    }
                    <h4>{ "Objectives" }</h4>
                    <ul class="objectives" data-testid="objectives" aria-live="polite">{ for objectives }</ul>
                    if lesson_done {
                        <p class="lesson-done" data-testid="lesson-complete" role="status">{ "✓ Lesson complete." }</p>
                        if let Some(n) = next_lesson {
                            <button type="button" class="primary next-lesson" data-testid="lesson-next-lesson" disabled={props.disabled}
                                    onclick={act(LessonAction::Choose(n.id.clone()))}>{ format!("Next lesson → {}", n.title) }</button>
                        }
                    } else if step_done {
                        <p class="step-done" data-testid="step-complete" role="status">{ "✓ Step complete: go on with Next →" }</p>
                    }
                    <div class="lesson-help">
                        if !step.hints.is_empty() {
                            <button type="button" data-testid="lesson-hint" disabled={hints_left == 0} onclick={act(LessonAction::Hint)}>
                                { if hints_left == 0 { "No more hints".to_string() } else { format!("Show a hint ({hints_left} left)") } }
                            </button>
                        }
                        <button type="button" data-testid="lesson-show-solution" onclick={act(LessonAction::ToggleSolution)}
                                aria-expanded={o.solution_shown.to_string()}>
                            { if o.solution_shown { "Hide the solution" } else { "Show the solution" } }
                        </button>
                        <button type="button" data-testid="lesson-run-solution" disabled={props.disabled} onclick={act(LessonAction::RunSolution)}>
                            { "Run the solution" }
                        </button>
                        <button type="button" data-testid="lesson-reset-step" disabled={props.disabled} onclick={act(LessonAction::ResetStep)}
                                title="A fresh lab, the lesson's setup, then the solutions of the steps before this one">{ "Reset this step" }</button>
                        <button type="button" data-testid="lesson-restart" disabled={props.disabled} onclick={act(LessonAction::Start(l.id.clone()))}
                                title="A fresh lab, then the lesson's setup">{ "Restart lesson" }</button>
                        <button type="button" data-testid="lesson-close" onclick={act(LessonAction::Close)}>{ "Leave lesson" }</button>
                    </div>
                    if o.hints_shown > 0 {
                        <ul class="hints" data-testid="lesson-hints">{ for hints }</ul>
                    }
                    if o.solution_shown {
                        <pre class="lesson-code" data-testid="lesson-solution">{ step.solution.trim_end() }</pre>
                    }
                    </div>
                </div>
            }
        }
        None => match find(&props.lessons, &current) {
            Some(l) => html! {
                <div class="lesson-intro">
                    <h3>{ l.title.clone() }</h3>
                    <p class="goal">{ format!("{} · about {} minutes · {} steps", l.goal, l.minutes, l.steps.len()) }</p>
                    <button type="button" class="primary" data-testid="lesson-start" disabled={props.disabled}
                            onclick={act(LessonAction::Choose(l.id.clone()))}>{ "Start this lesson (resets the lab)" }</button>
                </div>
            },
            None => {
                html! { <p class="muted">{ "Choose a lesson to work through the workshop step by step, or use the lab freely." }</p> }
            }
        },
    };
    html! {
        <section class="lessons" data-testid="lessons" aria-labelledby="lessons-title">
            <div class="lessons-head">
                <h2 id="lessons-title">{ "Lessons" }</h2>
                <span class="muted" data-testid="lessons-progress">{ format!("{done_count} of {} done", props.lessons.len()) }</span>
            </div>
            <label class="lesson-picker">
                <span class="visually-hidden">{ "Lesson" }</span>
                <select data-testid="lesson-picker" onchange={on_pick} disabled={props.disabled}
                        // drawn anew when a question opens or closes, so "Keep my lab" shows the open lesson again
                        key={format!("picker-{}", props.confirming.is_some())}>
                    if current.is_empty() {
                        <option value="" selected=true>{ "Choose a lesson…" }</option>
                    }
                    { for options }
                </select>
            </label>
            { confirm_reset(props, &act) }
            { body }
        </section>
    }
}
