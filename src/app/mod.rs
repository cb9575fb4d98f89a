//! The root component: the lab (`kubelab_lab::lab::Lab`: the session with its engine and
//! journal, the clock, the editor, the console, the timeline), what only the page has around
//! it (lesson progress, presenter mode, a save being replayed, the inspector's selection),
//! and its drawing.
//! `App::update` dispatches each message to a handler, one module per concern: the console
//! (`console.rs`), the editor and Apply (`editor.rs`), the clock (`clock.rs`), the timeline
//! (`timeline.rs`), lessons (`lessons.rs`), presenter mode and share links
//! (`presenter.rs`), the save (`saving.rs`), the page's own DOM (`dom.rs`), and the drawing
//! (`view.rs`). Every change to the cluster is a console command run through the session,
//! so it is journaled and a reload replays it. Wall time and storage come from the browser
//! platform (`crate::platform`).

mod clock;
mod console;
mod dom;
mod editor;
mod lessons;
mod presenter;
mod saving;
mod timeline;
mod view;

use crate::components::{LessonAction, LessonsLoad, TabAction};
use crate::lessons::{Open, Progress};
use crate::model::Selection;
use crate::platform::Browser;
use crate::presenter::Demo;
use crate::session::Save;
use crate::SAMPLE_MANIFEST;
use gloo::timers::callback::Interval;
use kubelab_lab::lab::Lab;
use kubelab_lab::platform::Platform;
use kubelab_lessons::Lesson;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

use dom::{fetch_explain_schema, initial_dark, presenter_keys, save_on_leave, set_theme};

pub use kubelab_lab::clock::TICK_MS;

/// An update that took longer than this (wall ms) draws in a task of its own.
const RENDER_APART_MS: f64 = 8.0;
/// Wall milliseconds per slice of a restore: as a `lab advance`'s (`ADVANCE_BUDGET_MS`), the
/// next slice follows at once in a task of its own.
const RESTORE_BUDGET_MS: f64 = 30.0;
/// Wall milliseconds between saves of the clock's position (commands save at once).
const SAVE_EVERY_MS: f64 = 3_000.0;
/// How long (wall ms) a control-plane part stays lit after it acted.
const LIGHT_MS: f64 = 1_200.0;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The engine's seed, shown in the footer so a session can be replayed with `?seed=`.
    pub seed: u64,
    /// The seed was asked for (`?seed=`): a lab saved with another seed is not restored.
    #[prop_or_default]
    pub seed_requested: bool,
    /// The localStorage key the lab is saved under; None: nothing is saved or restored.
    #[prop_or_default]
    pub save_key: Option<AttrValue>,
    /// A share link's payload (`#share=...`): opened instead of the saved lab.
    #[prop_or_default]
    pub shared: Option<AttrValue>,
    /// Start in presenter mode (`?present`).
    #[prop_or_default]
    pub presenter: bool,
}

/// What a presenter's demo starts with when no lesson step offers commands.
const DEFAULT_DEMO: &str = "\
# The workshop's part 2 in four moves: N runs the next line.
kubectl create deployment app --image=ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0 --replicas=5
kubectl expose deployment app --port=80 --target-port=3000
lab load start app -c 2
lab node kill node-2
";

pub enum Msg {
    Tick,
    /// Draw now: an update that did much work leaves its drawing to a task of its own.
    Render,
    Edit(String),
    /// The editor's tab bar.
    EditorTab(TabAction),
    /// The editor's cursor is on this line (0-based).
    Cursor(usize),
    Apply,
    /// Console text typed or pasted (one or more commands).
    Run(String),
    /// A button's command.
    Command(String),
    ClearConsole,
    TogglePause,
    Step,
    Speed(u32),
    Select(Selection),
    CloseInspector,
    Reset,
    SaveNow,
    DismissNotice,
    Lesson(LessonAction),
    /// The lessons fetched after the page started (or why they could not be).
    LessonsLoaded(Result<Vec<Lesson>, String>),
    /// Make a share link for the lab (and the lesson step) as it is now.
    Share,
    /// The answer to "a share link would replace your lab": true, open the shared lab.
    OpenShared(bool),
    TogglePresenter,
    DemoScript(String),
    DemoNext,
    DemoRestart,
    Checkpoint,
    BackToCheckpoint,
    /// A key pressed outside the text fields, in presenter mode.
    Key(String),
    /// Tab in the console on this line.
    Tab(String),
    /// Leave `kubectl edit` without saving.
    StopEditing,
    /// Ctrl-C in the console.
    Interrupt,
    /// The timeline dragged to this simulated time.
    Scrub(u64),
    /// Back from the timeline to the live cluster.
    Live,
    ToggleTheme,
    /// The editor drawer was opened (true) or closed.
    EditorDrawer(bool),
    /// A step of the inspector's Why hovered or focused (its id), or left (None).
    WhyHover(Option<u64>),
    /// A console command (its journal line) clicked: show on the map what it caused, or
    /// clear that if it is shown; None (Escape) clears.
    Cause(Option<u32>),
}

impl Msg {
    /// Handled while a restore or a `lab advance` runs: what only reads the lab, edits
    /// text, or is the way out (Reset). The other controls are disabled until the lab is back.
    fn allowed_while_busy(&self) -> bool {
        matches!(
            self,
            Msg::Lesson(
                LessonAction::Pick(_)
                    | LessonAction::Hint
                    | LessonAction::ToggleSolution
                    | LessonAction::Close
                    | LessonAction::Cancel
            ) | Msg::LessonsLoaded(_)
                | Msg::TogglePresenter
                | Msg::OpenShared(_)
                | Msg::EditorDrawer(_)
                | Msg::DemoScript(_)
                | Msg::DemoRestart
                | Msg::Tab(_)
                | Msg::Interrupt
                | Msg::ToggleTheme
                | Msg::Tick
                | Msg::Edit(_)
                | Msg::DismissNotice
                | Msg::SaveNow
                | Msg::Select(_)
                | Msg::CloseInspector
                | Msg::WhyHover(_)
                | Msg::Cause(None)
                | Msg::Reset
        )
    }
}

pub struct App {
    /// The lab: session, clock, editor, console, Apply, `lab advance`, the timeline.
    lab: Lab,
    /// `kubectl explain` for the field under the editor's cursor: (line, target, output).
    reference: Option<(usize, String, String)>,
    /// localStorage and `performance.now()`.
    platform: Browser,
    /// A problem with the saved lab, in words.
    notice: Option<String>,
    selected: Option<Selection>,
    last_save: Option<f64>,
    /// The lessons (in the page, once fetched: `lessons_load`), and where the learner is in them.
    lessons: Rc<Vec<Lesson>>,
    lessons_load: LessonsLoad,
    /// A share link waits for the lessons before it is opened (it may open a lesson).
    share_waits: bool,
    progress: Progress,
    /// A lesson chosen in the picker but not started.
    picked: Option<String>,
    /// A lesson chosen (Start or "Next lesson") while the lab has work: asked before the reset.
    confirming: Option<String>,
    /// The editor drawer is open while a lesson is (a lesson's file opened in it opens it).
    editor_drawer: bool,
    /// The lab as the objectives were last checked: (sim time, resource version, wall ms).
    last_check: Option<(u64, u64, f64)>,
    /// The last share link made.
    share_link: Option<String>,
    /// The pods' views kept between drawings (see `model::PodViewCache`).
    pod_views: crate::model::PodViewCache,
    /// A node, pod, Service or Ingress chosen on the map, made once: a callback made in
    /// `view` is a new one every drawing, and would draw every node box again (ten times a
    /// second, a 1,000-pod map's squares).
    on_select: Callback<crate::model::Selection>,
    /// A button's command (the map's panels), made once for the same reason.
    on_command: Callback<String>,
    /// The selection's Why, built when the selection or the cluster changed.
    why: crate::model::WhyCache,
    /// The Why step hovered or focused.
    why_hover: Option<u64>,
    /// The console command whose effects the map shows ("blast radius").
    blast: kubelab_lab::why::Blast,
    /// A share link waiting for the learner's answer, with the saved work it would replace.
    pending_share: Option<(crate::share::Shared, String)>,
    presenter: bool,
    /// The same, for the keyboard listener.
    presenter_flag: Rc<Cell<bool>>,
    demo: Demo,
    checkpoint: Option<Save>,
    /// The last Tab's answer for the console.
    completion: Option<Rc<(u64, String, Vec<String>)>>,
    /// The control plane's lights: the counts last seen, and until when (wall ms) each is lit.
    lights: (kubelab_engine::Activity, [f64; 5]),
    /// The dark theme is on (remembered in localStorage as kubelab.theme).
    dark: bool,
    _ticker: Interval,
    _listeners: Vec<gloo::events::EventListener>,
    /// A drawing put off to its own task (see RENDER_APART_MS).
    render_later: Option<gloo::timers::callback::Timeout>,
    /// The next slice of a restore or a `lab advance`, in a task of its own.
    work_later: Option<gloo::timers::callback::Timeout>,
}

impl Component for App {
    type Message = Msg;
    type Properties = AppProps;

    fn create(ctx: &Context<Self>) -> Self {
        let props = ctx.props();
        let link = ctx.link().clone();
        let ticker = Interval::new(TICK_MS, move || link.send_message(Msg::Tick));
        let presenter_flag = Rc::new(Cell::new(props.presenter));
        let mut listeners = save_on_leave(ctx);
        listeners.extend(presenter_keys(ctx, presenter_flag.clone()));
        #[cfg(target_arch = "wasm32")]
        dom::fetch_lessons(ctx.link().clone());
        let mut app = App {
            lab: Lab::new(props.seed, SAMPLE_MANIFEST),
            reference: None,
            platform: Browser,
            notice: None,
            selected: None,
            last_save: None,
            lessons: Rc::default(),
            lessons_load: LessonsLoad::Loading,
            share_waits: false,
            progress: Progress::default(),
            picked: None,
            confirming: None,
            editor_drawer: false,
            last_check: None,
            share_link: None,
            pod_views: Default::default(),
            on_select: ctx.link().callback(Msg::Select),
            on_command: ctx.link().callback(Msg::Command),
            why: Default::default(),
            why_hover: None,
            blast: Default::default(),
            pending_share: None,
            presenter: props.presenter,
            presenter_flag,
            demo: Demo::new(DEFAULT_DEMO),
            checkpoint: None,
            completion: None,
            lights: Default::default(),
            dark: initial_dark(),
            _ticker: ticker,
            _listeners: listeners,
            render_later: None,
            work_later: None,
        };
        // Natively (tests) the lessons are compiled in; the page fetches them (above).
        #[cfg(not(target_arch = "wasm32"))]
        app.lessons_loaded(kubelab_lessons::all().map_err(|e| e.to_string()));
        if let Some(key) = &props.save_key {
            app.open(key, props);
        }
        app.work_on_restore();
        set_theme(app.dark);
        fetch_explain_schema();
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        if matches!(msg, Msg::Render) {
            self.render_later = None;
            return true;
        }
        // Simulation and drawing in one task would block the page for their sum: when the
        // update itself took a while (1,000 pods arriving), the drawing waits for a task of
        // its own, and input is handled in between.
        let started = self.platform.now_ms();
        let redraw = self.update_msg(ctx, msg);
        let took = match (started, self.platform.now_ms()) {
            (Some(a), Some(b)) => b - a,
            _ => 0.0,
        };
        if redraw && took > RENDER_APART_MS {
            if self.render_later.is_none() {
                let link = ctx.link().clone();
                self.render_later =
                    Some(gloo::timers::callback::Timeout::new(0, move || link.send_message(Msg::Render)));
            }
            return false;
        }
        redraw
    }
    fn view(&self, ctx: &Context<Self>) -> Html {
        self.render(ctx)
    }
}

impl App {
    /// One message, to the handler of its concern; true: draw again.
    fn update_msg(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        if self.busy() && !msg.allowed_while_busy() {
            return false; // the controls are disabled until the lab is back
        }
        match msg {
            Msg::Render => true,
            Msg::Tick => self.tick(ctx),
            Msg::Edit(text) => self.edit(&text),
            Msg::EditorTab(action) => self.editor_tab(action),
            Msg::Cursor(line) => self.cursor(line),
            Msg::Apply => self.apply(ctx),
            Msg::StopEditing => self.stop_editing(),
            Msg::Run(text) => self.run_typed(ctx, &text),
            Msg::Command(cmd) => self.run_button(ctx, &cmd),
            Msg::Tab(line) => self.complete(&line),
            Msg::Interrupt => self.interrupt(),
            Msg::ClearConsole => self.clear_console(),
            Msg::TogglePause => self.toggle_pause(),
            Msg::Step => self.step(ctx),
            Msg::Speed(s) => self.set_speed(ctx, s),
            Msg::Scrub(t) => self.scrub(t),
            Msg::Live => self.live(),
            Msg::Lesson(action) => self.lesson_action(ctx, action),
            Msg::LessonsLoaded(result) => {
                self.lessons_loaded(result);
                if std::mem::take(&mut self.share_waits) {
                    if let Some(key) = ctx.props().save_key.clone() {
                        self.open(&key, ctx.props());
                        self.work_on_restore();
                    }
                }
                true
            }
            Msg::TogglePresenter => self.toggle_presenter(),
            Msg::DemoScript(text) => self.demo_script(&text),
            Msg::DemoNext => self.demo_next(ctx),
            Msg::DemoRestart => self.demo_restart(),
            Msg::Checkpoint => self.checkpoint(),
            Msg::BackToCheckpoint => self.back_to_checkpoint(ctx),
            Msg::Key(key) => self.key(ctx, &key),
            Msg::Share => self.share(),
            Msg::OpenShared(open) => self.answer_shared(ctx, open),
            Msg::ToggleTheme => self.toggle_theme(),
            Msg::Select(sel) => self.select(Some(sel)),
            Msg::CloseInspector => self.select(None),
            Msg::Reset => self.reset(ctx),
            Msg::SaveNow => self.save_now(ctx),
            Msg::DismissNotice => self.dismiss_notice(),
            Msg::EditorDrawer(open) => {
                self.editor_drawer = open;
                true
            }
            Msg::WhyHover(step) => {
                let changed = self.why_hover != step;
                self.why_hover = step;
                changed
            }
            Msg::Cause(Some(line)) => {
                self.blast.toggle(self.lab.session.engine(), line);
                true
            }
            Msg::Cause(None) => {
                let shown = self.blast.line.is_some();
                self.blast.clear();
                shown
            }
        }
    }

    fn select(&mut self, selection: Option<Selection>) -> bool {
        self.selected = selection;
        self.why_hover = None;
        true
    }

    fn dismiss_notice(&mut self) -> bool {
        self.notice = None;
        true
    }
    /// Restoring a saved lab, or running a `lab advance`: the controls wait.
    fn busy(&self) -> bool {
        self.lab.restoring.is_some() || self.lab.advancing.is_some() || self.share_waits
    }
}
