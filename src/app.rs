//! The root component: owns the lab session (engine + journal), the editor's text, the
//! console and the clock, and saves the lab to localStorage. Every change to the cluster is
//! a console command run through the session, so it is journaled and a reload replays it.
//! The only place the wall clock is read.

use crate::components::{
    ApplyOutput, ClusterMap, Console, ConsoleLine, ControlPlane, DemoPanel, EventsFeed, Inspector, LanMap,
    LessonAction, LessonPanel, LineKind, OwnerLegend, SimClock, TabAction, Timeline, TrafficPanel, Workloads,
    YamlEditor,
};
use crate::lessons::{find, Open, Progress, PROGRESS_KEY};
use crate::model::{
    deployments, format_sim_time, load_targets, ClusterView, FlowView, InspectorView, LanView, Selection, TrafficView,
};
use crate::presenter::{kill_or_restore, shortcut, toggle_load, Demo, Shortcut};
use crate::session::{Replay, Save, Session, TextFiles, HISTORY_LIMIT};
use crate::tabs::Tabs;
use crate::timeline::Snapshots;
use crate::{SAMPLE_MANIFEST, SPEEDS};
use gloo::timers::callback::Interval;
use kubelab_engine::duration::format_clock;
use kubelab_kubectl::effect::{ClockChange, Effect};
use kubelab_kubectl::{ApplyReport, Problem};
use kubelab_lessons::Lesson;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Wall-clock milliseconds between ticks.
pub const TICK_MS: u32 = 100;
/// At most this much wall time is simulated in one tick (a tab in the background is woken
/// rarely; the cluster then catches up in bounded steps instead of one long frame).
const MAX_STEP_MS: f64 = 5_000.0;
/// Wall milliseconds of simulation per tick, at most: the rest of the tick is the page's.
/// When the cluster is too busy for the chosen speed (a load generator costs one instant
/// per request), simulated time runs slower and the clock says so.
const TICK_BUDGET_MS: f64 = 25.0;
/// An update that took longer than this (wall ms) draws in a task of its own.
const RENDER_APART_MS: f64 = 8.0;
/// Wall milliseconds per tick a restore, or a `lab advance`, may use: the page still draws
/// between slices, and the work is done sooner.
const RESTORE_BUDGET_MS: f64 = 70.0;
const ADVANCE_BUDGET_MS: f64 = 70.0;
/// Wall milliseconds between saves of the clock's position (commands save at once).
const SAVE_EVERY_MS: f64 = 3_000.0;
/// Wall ms a command's effects may settle in the same frame as the command.
const COMMAND_SETTLE_MS: f64 = 30.0;
/// How long (wall ms) a control-plane part stays lit after it acted.
const LIGHT_MS: f64 = 1_200.0;
/// Console lines kept.
const CONSOLE_LINES: usize = 2_000;

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

/// A request takes at least this long (wall time) to cross the map, so even a 2 ms answer
/// is seen travelling.
const DOT_WALL_MS: u64 = 700;

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
    /// Make a share link for the lab (and the lesson step) as it is now.
    Share,
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
}

/// The timeline dragged back: the moment asked for, the replay rebuilding it, the cluster as
/// it was then once rebuilt, and whether the clock was playing before (it pauses meanwhile).
struct Past {
    target: u64,
    replay: Option<Replay>,
    engine: Option<kubelab_engine::Engine>,
    was_playing: bool,
}

/// A saved lab being replayed.
struct Restoring {
    replay: Replay,
    started: Option<f64>,
    /// The localStorage key that says a replay is under way.
    marker: String,
}

pub struct App {
    session: Session,
    restoring: Option<Restoring>,
    /// A `lab advance` under way: the simulated time it runs to, and how far it goes.
    advancing: Option<(u64, u64)>,
    /// The editor's files.
    tabs: Tabs,
    /// The last Apply: the file it applied, and its report.
    report: Option<(String, Rc<ApplyReport>)>,
    /// Problems the last Apply found, and the file they are in.
    problems: (String, Rc<Vec<Problem>>),
    /// `kubectl explain` for the field under the editor's cursor: (line, target, output).
    reference: Option<(usize, String, String)>,
    console: Rc<Vec<ConsoleLine>>,
    history: Rc<Vec<String>>,
    paused: bool,
    speed: u32,
    /// Smoothed simulated seconds per wall second actually reached while playing.
    reached: f64,
    clock: WallClock,
    /// A problem with the saved lab, in words.
    notice: Option<String>,
    selected: Option<Selection>,
    /// Something worth saving changed since the last save.
    dirty: bool,
    last_save: Option<f64>,
    /// The lessons compiled in, and where the learner is in them.
    lessons: Rc<Vec<Lesson>>,
    progress: Progress,
    /// A lesson chosen in the picker but not started.
    picked: Option<String>,
    /// The lab as the objectives were last checked: (sim time, resource version, wall ms).
    last_check: Option<(u64, u64, f64)>,
    /// The last share link made.
    share_link: Option<String>,
    presenter: bool,
    /// The same, for the keyboard listener.
    presenter_flag: Rc<Cell<bool>>,
    demo: Demo,
    checkpoint: Option<Save>,
    /// The last Tab's answer for the console.
    completion: Option<Rc<(u64, String, Vec<String>)>>,
    /// `kubectl edit` under way in the editor: (the target as typed, `deployment.apps/web`).
    editing: Option<(String, String)>,
    /// The control plane's lights: the counts last seen, and until when (wall ms) each is lit.
    lights: (kubelab_engine::Activity, [f64; 5]),
    /// The dark theme is on (remembered in localStorage as kubelab.theme).
    dark: bool,
    /// Copies of the live cluster now and then, for looking back.
    snapshots: Snapshots,
    /// Looking back at an earlier moment (the timeline).
    past: Option<Past>,
    _ticker: Interval,
    _listeners: Vec<gloo::events::EventListener>,
    /// A drawing put off to its own task (see RENDER_APART_MS).
    render_later: Option<gloo::timers::callback::Timeout>,
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
        let mut app = App {
            session: Session::new(props.seed),
            restoring: None,
            advancing: None,
            tabs: Tabs::new(SAMPLE_MANIFEST),
            report: None,
            problems: Default::default(),
            reference: None,
            console: Rc::default(),
            history: Rc::default(),
            paused: false,
            speed: 1,
            reached: 1.0,
            clock: WallClock::default(),
            notice: None,
            selected: None,
            dirty: false,
            last_save: None,
            lessons: Rc::new(kubelab_lessons::all().unwrap_or_default()),
            progress: Progress::default(),
            picked: None,
            last_check: None,
            share_link: None,
            presenter: props.presenter,
            presenter_flag,
            demo: Demo::new(DEFAULT_DEMO),
            checkpoint: None,
            completion: None,
            editing: None,
            lights: Default::default(),
            dark: initial_dark(),
            snapshots: Snapshots::default(),
            past: None,
            _ticker: ticker,
            _listeners: listeners,
            render_later: None,
        };
        if let Some(key) = &props.save_key {
            match props.shared.as_deref().map(|s| crate::share::decode(s, &app.lessons)) {
                Some(Ok(shared)) => {
                    app.load_progress();
                    app.progress.open = shared.lesson.map(|(lesson, step)| Open { lesson, step, ..Default::default() });
                    app.restore(key, shared.save);
                    app.info("Opened a shared lab: its commands replay into the same cluster.");
                }
                Some(Err(e)) => {
                    app.notice =
                        Some(format!("This share link could not be opened: {e}. Here is a fresh lab instead."));
                    app.load_progress();
                }
                None => {
                    app.load(key, props);
                    app.load_progress();
                }
            }
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
        let started = wall_now_ms();
        let redraw = self.update_msg(ctx, msg);
        let took = match (started, wall_now_ms()) {
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
        let link = ctx.link();
        // While a saved lab is restored, its cluster is drawn as it catches up.
        // Looking back: the cluster as it was then (while it is rebuilt, what was shown before).
        let looking_back = self.past.as_ref().and_then(|p| p.engine.as_ref());
        let engine = match (&self.restoring, looking_back) {
            (Some(r), _) => r.replay.engine(),
            (None, Some(e)) => e,
            (None, None) => self.session.engine(),
        };
        let cluster = ClusterView::from_engine(engine);
        let lan = LanView::from_engine(engine);
        let owners = cluster.owners();
        // A VM-era lesson is about the machines: the Kubernetes cluster waits for part 2.
        let vm_lesson = self
            .progress
            .open
            .as_ref()
            .and_then(|o| find(&self.lessons, &o.lesson))
            .is_some_and(|l| l.era == kubelab_lessons::Era::Vm);
        let wall = wall_now_ms().unwrap_or(0.0);
        let lit = self.lights.1.map(|u| wall < u);
        let title = if vm_lesson {
            "2. Watch the machines: the LAN before Kubernetes".to_string()
        } else {
            map_title(&cluster)
        };
        let seed = self.session.seed();
        let busy = self.busy();
        let status = if self.restoring.is_some() {
            Some("restoring…".to_string())
        } else {
            self.advancing.map(|(_, ms)| format!("lab advance {}…", format_clock(ms)))
        };
        let on_command = link.callback(Msg::Command);
        let on_select = link.callback(Msg::Select);
        let inspector = self.selected.as_ref().map(|s| InspectorView::of(engine, s));
        let reached =
            (!self.paused && self.reached < self.speed as f64 * 0.85).then(|| self.reached.round().max(0.0) as u32);
        html! {
            <div class={classes!("app", self.presenter.then_some("presenter"))} data-testid="app" data-presenter={self.presenter.to_string()}>
                <header class="top">
                    <div class="brand">
                        <h1>{ "kubelab" }</h1>
                        <p class="tagline">{ "A simulated Kubernetes cluster, running in your browser." }</p>
                    </div>
                    <SimClock now_ms={engine.now().0} paused={self.paused} speed={self.speed} {reached} {busy} {status}
                              on_toggle={link.callback(|_| Msg::TogglePause)}
                              on_step={link.callback(|_| Msg::Step)}
                              on_speed={link.callback(Msg::Speed)}
                              on_reset={link.callback(|_| Msg::Reset)} />
                    <button type="button" class="theme-toggle" data-testid="theme-toggle" aria-pressed={self.dark.to_string()}
                            onclick={link.callback(|_| Msg::ToggleTheme)}>{ if self.dark { "Light theme" } else { "Dark theme" } }</button>
                    <button type="button" class="presenter-toggle" data-testid="presenter-toggle" aria-pressed={self.presenter.to_string()}
                            onclick={link.callback(|_| Msg::TogglePresenter)}
                            title="Large type, a clean view, a demo script and keyboard shortcuts for teaching a room">
                        { if self.presenter { "Leave presenter mode" } else { "Presenter mode" } }
                    </button>
                </header>
                if let Some(n) = &self.notice {
                    <div class="notice" role="alert" data-testid="notice">
                        <p>{ n }</p>
                        <button type="button" onclick={link.callback(|_| Msg::DismissNotice)}>{ "Dismiss" }</button>
                    </div>
                }
                if let Some(r) = &self.restoring {
                    <div class="notice restoring" role="status" data-testid="restore-status">
                        <p>{ restore_status(r) }</p>
                    </div>
                }
                <main class="panes">
                    if self.presenter {
                        <section class="editor-pane demo-pane" aria-label="Demo script">
                            <DemoPanel demo={self.demo.clone()} has_checkpoint={self.checkpoint.is_some()} disabled={busy}
                                       on_script={link.callback(Msg::DemoScript)} on_next={link.callback(|_| Msg::DemoNext)}
                                       on_restart={link.callback(|_| Msg::DemoRestart)} on_checkpoint={link.callback(|_| Msg::Checkpoint)}
                                       on_back={link.callback(|_| Msg::BackToCheckpoint)} />
                        </section>
                    } else {
                        <section class="editor-pane" aria-label="Lessons and manifest editor">
                            <LessonPanel lessons={self.lessons.clone()} progress={self.progress.clone()} picked={self.picked.clone()}
                                         disabled={busy} on_action={link.callback(Msg::Lesson)} />
                            if let Some((_, label)) = &self.editing {
                                <p class="editing" data-testid="editing" role="status">
                                    { format!("Editing {label}: Apply saves it (kubectl edit). ") }
                                    <button type="button" data-testid="stop-editing" onclick={link.callback(|_| Msg::StopEditing)}>{ "Stop editing" }</button>
                                </p>
                            }
                            <YamlEditor tabs={self.tabs.clone()}
                                        problems={if self.problems.0 == self.tabs.active_name() { self.problems.1.clone() } else { Rc::default() }}
                                        on_input={link.callback(Msg::Edit)} on_tab={link.callback(Msg::EditorTab)}
                                        on_cursor={link.callback(Msg::Cursor)}
                                        reference={self.reference.as_ref().map(|(_, t, o)| (t.clone(), o.clone()))}
                                        on_apply={link.callback(|_| Msg::Apply)} {busy} />
                            <ApplyOutput report={self.report.as_ref().map(|r| r.1.clone())}
                                         file={AttrValue::from(self.report.as_ref().map_or(crate::tabs::FIRST_TAB.to_string(), |r| r.0.clone()))} />
                        </section>
                    }
                    <div class="work-pane">
                        <section class="map-pane" aria-labelledby="map-title">
                            <h2 id="map-title">{ title }</h2>
                            if lan.is_up() {
                                <LanMap lan={lan} disabled={busy} on_command={on_command.clone()} />
                            } else {
                                <p class="era-switch">
                                    <button type="button" data-testid="lan-up" disabled={busy}
                                            onclick={on_command.reform(|_: MouseEvent| "lab lan up".to_string())}
                                            title="Runs: lab lan up">{ "Boot the VM-era LAN" }</button>
                                    { " three plain machines with docker, to do by hand what Kubernetes automates (workshop part 1)" }
                                </p>
                            }
                            if !vm_lesson {
                                <Timeline live_ms={self.session.engine().now().0} viewing={self.past.as_ref().map(|p| p.target)}
                                          rebuilding={self.past.as_ref().is_some_and(|p| p.replay.is_some())}
                                          marks={timeline_marks(self.session.journal())} disabled={busy}
                                          on_scrub={link.callback(Msg::Scrub)} on_live={link.callback(|_| Msg::Live)} />
                                <ControlPlane activity={engine.activity()} lit={lit} />
                                <ClusterMap cluster={cluster} selected={self.selected.clone()} on_select={on_select.clone()}
                                            flow={FlowView::from_engine(engine, DOT_WALL_MS * self.speed as u64)} />
                                <div class="map-foot">
                                    <Workloads deployments={deployments(engine)} selected={self.selected.clone()} disabled={busy}
                                               on_select={on_select} on_command={on_command.clone()} />
                                    <OwnerLegend {owners} />
                                </div>
                            }
                        </section>
                        <div class="lower">
                            <Console lines={self.console.clone()} history={self.history.clone()} disabled={busy}
                                     machine={self.session.machine().map(String::from)}
                                     on_tab={Some(link.callback(Msg::Tab))} completion={self.completion.clone()}
                                     on_interrupt={Some(link.callback(|_| Msg::Interrupt))}
                                     on_run={link.callback(Msg::Run)} on_clear={link.callback(|_| Msg::ClearConsole)} />
                            <div class="side">
                                <Inspector view={inspector} disabled={busy} on_command={on_command.clone()}
                                           on_close={link.callback(|_| Msg::CloseInspector)} />
                                <TrafficPanel view={TrafficView::from_engine(engine)} targets={load_targets(engine)}
                                              disabled={busy} {on_command} />
                                <EventsFeed events={crate::model::events_feed(engine)} on_select={link.callback(Msg::Select)} />
                            </div>
                        </div>
                    </div>
                </main>
                <footer class="bottom">
                    <div class="share">
                        <button type="button" data-testid="share-button" disabled={busy} onclick={link.callback(|_| Msg::Share)}
                                title="A link that opens this lab (and lesson step) in another browser">{ "Share link" }</button>
                        if let Some(url) = &self.share_link {
                            <label>
                                <span class="visually-hidden">{ "Share link: copy it" }</span>
                                <input type="text" readonly=true data-testid="share-link" value={url.clone()}
                                       onfocus={Callback::from(|e: FocusEvent| {
                                           if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() { i.select(); }
                                       })} />
                            </label>
                        }
                    </div>
                    { format!("seed {seed} · ") }
                    <a href={format!("?seed={seed}")}>{ "replay this cluster" }</a>
                    { format!(
                        " · simulated Kubernetes {} · your lab is saved in this browser and comes back after a reload",
                        kubelab_api::KUBERNETES_VERSION
                    ) }
                </footer>
            </div>
        }
    }
}

impl App {
    fn update_msg(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let reading = matches!(
            &msg,
            Msg::Lesson(
                LessonAction::Pick(_) | LessonAction::Hint | LessonAction::ToggleSolution | LessonAction::Close
            )
        ) || matches!(
            &msg,
            Msg::TogglePresenter
                | Msg::DemoScript(_)
                | Msg::DemoRestart
                | Msg::Tab(_)
                | Msg::Interrupt
                | Msg::ToggleTheme
        );
        if self.busy()
            && !reading
            && !matches!(
                msg,
                Msg::Tick
                    | Msg::Edit(_)
                    | Msg::DismissNotice
                    | Msg::SaveNow
                    | Msg::Select(_)
                    | Msg::CloseInspector
                    | Msg::Reset
            )
        {
            return false; // the controls are disabled until the lab is back
        }
        match msg {
            Msg::Render => true,
            Msg::Tick => {
                let now = wall_now_ms();
                if self.restoring.is_some() {
                    self.work_on_restore();
                    return true;
                }
                let sim_ms = self.clock.elapsed(now, self.speed);
                if let Some(p) = &mut self.past {
                    if let Some(r) = &mut p.replay {
                        let deadline = now.map(|n| n + TICK_BUDGET_MS);
                        if r.work(&mut || past(deadline)).is_some() {
                            let r = p.replay.take().expect("a replay");
                            p.engine = Some(r.finish().into_engine());
                        }
                        return true;
                    }
                }
                // A command's effects (1,000 new pods) are settled over several ticks, paused
                // or not, so no single frame does all of it.
                if !self.session.engine().is_settled() {
                    let deadline = now.map(|n| n + TICK_BUDGET_MS);
                    self.session.settle_some(&mut || past(deadline));
                    self.print_stream();
                    self.maybe_save(ctx, now);
                    self.update_lights(now);
                    return true;
                }
                if let Some((target, ms)) = self.advancing {
                    let deadline = now.map(|n| n + ADVANCE_BUDGET_MS);
                    let done = self.session.continue_advance(target, &mut || past(deadline));
                    self.print_stream();
                    if done {
                        self.advancing = None;
                        // What `lab advance` prints (crates/kubectl/src/lab.rs).
                        let now_text = format_clock(self.session.engine().now().0);
                        self.print(
                            LineKind::Stdout,
                            format!("advanced {}; simulated time is now {now_text}", format_clock(ms)),
                        );
                        self.save(ctx);
                    }
                    return true;
                }
                let mut changed = false;
                if !self.paused && sim_ms > 0 {
                    let deadline = now.map(|n| n + TICK_BUDGET_MS);
                    let got = self.session.advance(sim_ms, &mut || past(deadline));
                    self.snapshots.keep(self.session.engine(), self.session.journal().len());
                    self.print_stream();
                    let ratio = got as f64 / sim_ms as f64 * self.speed as f64;
                    self.reached = 0.7 * self.reached + 0.3 * ratio;
                    changed = true;
                }
                self.maybe_save(ctx, now);
                self.update_lights(now);
                changed | self.check_lesson(ctx, now, false)
            }
            Msg::Edit(text) => {
                self.tabs.set_active_text(&text);
                self.dirty = true;
                false
            }
            Msg::EditorTab(action) => {
                match action {
                    TabAction::Select(i) => self.tabs.select(i),
                    TabAction::Close(i) => self.tabs.close(i),
                    TabAction::New => {
                        if self.tabs.add().is_none() {
                            self.info(&format!(
                                "The editor holds at most {} files: close one first.",
                                crate::tabs::MAX_TABS
                            ));
                        }
                    }
                }
                self.reference = None;
                self.dirty = true;
                true
            }
            Msg::Cursor(line) => {
                // The schema arrives after the page starts: until then, ask again each time.
                let loaded = kubelab_kubectl::explain::schema_loaded();
                if loaded && self.reference.as_ref().is_some_and(|(l, _, _)| *l == line) {
                    return false;
                }
                let target = kubelab_kubectl::explain::field_at(self.tabs.active_text(), line);
                let same = loaded && matches!((&self.reference, &target), (Some((_, t, _)), Some(n)) if t == n);
                self.reference = match target {
                    Some(t) if same => self.reference.take().map(|(_, _, o)| (line, t, o)),
                    Some(t) => {
                        let out = kubelab_kubectl::explain::explain(std::slice::from_ref(&t));
                        Some((line, t, out.text()))
                    }
                    None => None,
                };
                !same
            }
            Msg::Apply
                if self.editing.as_ref().is_some_and(|(_, label)| edit_tab_name(label) == self.tabs.active_name()) =>
            {
                // `kubectl edit` in the page: Apply saves the object as kubectl edit would.
                let (target, _) = self.editing.clone().unwrap_or_default();
                let text = format!(
                    "lab edit {target} <<'KUBELAB_EDIT_EOF'\n{}\nKUBELAB_EDIT_EOF",
                    self.tabs.active_text().trim_end()
                );
                let ran = self.run(&text, false);
                let output = ran.into_iter().next().map(|r| r.output).unwrap_or_default();
                if output.ok {
                    self.editing = None;
                }
                self.problems = Default::default();
                self.report =
                    Some((self.tabs.active_name().to_string(), Rc::new(ApplyReport { output, problems: Vec::new() })));
                self.save(ctx);
                true
            }
            Msg::StopEditing => {
                self.editing = None;
                true
            }
            Msg::ToggleTheme => {
                self.dark = !self.dark;
                set_theme(self.dark);
                storage_set(THEME_KEY, if self.dark { "dark" } else { "light" });
                true
            }
            Msg::Interrupt => {
                if self.session.interrupt() {
                    self.print(LineKind::Command, "^C".into());
                }
                true
            }
            Msg::Apply => {
                // The editor marks the problems apply found at their lines.
                let name = self.tabs.active_name().to_string();
                let ran = self.run(&format!("kubectl apply -f {name}"), false);
                let output = ran.into_iter().next().map(|r| r.output).unwrap_or_default();
                let problems = output.problems.clone();
                self.problems = (name.clone(), Rc::new(problems.clone()));
                self.report = Some((name, Rc::new(ApplyReport { output, problems })));
                self.save(ctx);
                true
            }
            Msg::Run(text) => {
                self.run(&text, true);
                self.print_stream();
                self.save(ctx);
                self.check_lesson(ctx, wall_now_ms(), true);
                true
            }
            Msg::Command(cmd) => {
                self.run(&cmd, false);
                self.save(ctx);
                self.check_lesson(ctx, wall_now_ms(), true);
                true
            }
            Msg::Lesson(action) => {
                self.lesson_action(ctx, action);
                true
            }
            Msg::TogglePresenter => {
                self.presenter = !self.presenter;
                self.presenter_flag.set(self.presenter);
                if self.presenter {
                    // The open lesson step's commands make the demo, if it has any.
                    let step_commands = self
                        .progress
                        .open
                        .as_ref()
                        .and_then(|o| find(&self.lessons, &o.lesson).and_then(|l| l.steps.get(o.step)))
                        .map(|s| s.commands.join("\n"));
                    if let Some(c) = step_commands.filter(|c| !c.is_empty()) {
                        self.demo = Demo::new(&c);
                    }
                }
                true
            }
            Msg::DemoScript(text) => {
                let next = self.demo.next;
                self.demo = Demo::new(&text);
                self.demo.next = next.min(self.demo.commands.len());
                true
            }
            Msg::DemoNext => {
                if let Some(cmd) = self.demo.take_next() {
                    self.run(&cmd, false);
                    self.save(ctx);
                    self.check_lesson(ctx, wall_now_ms(), true);
                }
                true
            }
            Msg::DemoRestart => {
                self.demo.next = 0;
                true
            }
            Msg::Checkpoint => {
                self.checkpoint = Some(self.current_save());
                self.info(&format!(
                    "Checkpoint saved at sim time {}: B (or Back to checkpoint) returns here.",
                    format_sim_time(self.session.engine().now().0)
                ));
                true
            }
            Msg::BackToCheckpoint => {
                if let Some(save) = self.checkpoint.clone() {
                    let key = ctx.props().save_key.as_deref().unwrap_or(crate::SAVE_KEY).to_string();
                    self.selected = None;
                    self.advancing = None;
                    self.restore(&key, save);
                    self.info("Back to the checkpoint: its commands replay into the same cluster.");
                }
                true
            }
            Msg::Key(key) => {
                let Some(s) = shortcut(&key).filter(|_| self.presenter) else { return false };
                let msg = match s {
                    Shortcut::Next => Msg::DemoNext,
                    Shortcut::TogglePause => Msg::TogglePause,
                    Shortcut::Speed(n) => Msg::Speed(n),
                    Shortcut::KillOrRestore => Msg::Command(kill_or_restore(self.session.engine())),
                    Shortcut::ToggleLoad => {
                        match toggle_load(self.session.engine(), &load_targets(self.session.engine())) {
                            Some(c) => Msg::Command(c),
                            None => {
                                self.info("L starts a load on the first Service: there is none yet.");
                                return true;
                            }
                        }
                    }
                    Shortcut::Checkpoint => Msg::Checkpoint,
                    Shortcut::BackToCheckpoint => Msg::BackToCheckpoint,
                };
                <App as Component>::update(self, ctx, msg)
            }
            Msg::Tab(line) => {
                // On a machine (`lab ssh`), lines run as `lab on <machine> ...`: complete that.
                let prefix = self.session.machine().map(|m| format!("lab on {m} ")).unwrap_or_default();
                let c = kubelab_kubectl::complete::complete(self.session.engine(), &format!("{prefix}{line}"));
                let full = c.apply(&format!("{prefix}{line}"));
                let serial = self.completion.as_ref().map(|c| c.0 + 1).unwrap_or(0);
                let shown = full.strip_prefix(&prefix).unwrap_or(&full).to_string();
                self.completion = Some(Rc::new((serial, shown, c.candidates)));
                true
            }
            Msg::Share => {
                let shared = crate::share::Shared {
                    save: self.current_save(),
                    lesson: self.progress.open.as_ref().map(|o| (o.lesson.clone(), o.step)),
                };
                let code = crate::share::encode(&shared);
                if code.len() > crate::share::MAX_LINK_CHARS {
                    self.notice = Some("This lab is too big to share as a link (its command journal is too long): start from a lesson or a reset to share a shorter one.".into());
                    self.share_link = None;
                } else {
                    self.share_link = Some(format!("{}#share={code}", page_address()));
                }
                true
            }
            Msg::ClearConsole => {
                self.console = Rc::default();
                true
            }
            Msg::TogglePause => {
                self.go_live();
                self.paused = !self.paused;
                true
            }
            Msg::Scrub(t) => {
                let live = self.session.engine().now().0;
                if self.restoring.is_some() || self.advancing.is_some() {
                    return false;
                }
                if t >= live {
                    self.go_live();
                    return true;
                }
                if !self.session.engine().is_settled() {
                    self.session.settle_some(&mut || false);
                }
                let was_playing = self.past.as_ref().map_or(!self.paused, |p| p.was_playing);
                self.paused = true;
                let replay = self.snapshots.replay_to(self.session.seed(), self.session.journal(), t);
                let shown = self.past.take().and_then(|p| p.engine);
                self.past = Some(Past { target: t, replay: Some(replay), engine: shown, was_playing });
                true
            }
            Msg::Live => {
                self.go_live();
                true
            }
            Msg::Step => {
                match self.session.next_event_in() {
                    Some(ms) => {
                        let d = if ms % 1000 == 0 { format!("{}s", ms / 1000) } else { format!("{ms}ms") };
                        self.run(&format!("lab advance {d}"), false);
                    }
                    None => self.info("Nothing is scheduled: the cluster stays as it is until something changes."),
                }
                self.save(ctx);
                true
            }
            Msg::Speed(s) => {
                if SPEEDS.contains(&s) {
                    self.speed = s;
                    self.reached = s as f64;
                    self.save(ctx);
                }
                true
            }
            Msg::Select(sel) => {
                self.selected = Some(sel);
                true
            }
            Msg::CloseInspector => {
                self.selected = None;
                true
            }
            Msg::Reset => {
                // Also the way out of a restore or a `lab advance` that takes too long.
                if let Some(r) = self.restoring.take() {
                    storage_remove(&r.marker);
                }
                self.advancing = None;
                self.report = None;
                self.problems = Default::default();
                self.selected = None;
                self.run("lab reset", false);
                self.save(ctx);
                true
            }
            Msg::SaveNow => {
                self.save(ctx);
                false
            }
            Msg::DismissNotice => {
                self.notice = None;
                true
            }
        }
    }

    /// Runs console text through the session and shows it in the console: each command's
    /// lines with `$ ` before the first, then what it printed.
    /// Leaves the timeline's past for the live cluster, playing again if it was.
    fn go_live(&mut self) {
        if let Some(p) = self.past.take() {
            self.paused = !p.was_playing;
            self.clock = WallClock::default();
        }
    }

    fn run(&mut self, text: &str, typed: bool) -> Vec<crate::session::Ran> {
        // A command acts on the live cluster: looking back ends first.
        self.go_live();
        match kubelab_kubectl::effect::effect_of(text) {
            Some(Effect::Clock(change)) => {
                // The page's own clock: not the cluster's state, so not journaled.
                let (ok, reply) = self.change_clock(&change);
                self.print(LineKind::Command, format!("$ {}", text.trim()));
                self.print(if ok { LineKind::Stdout } else { LineKind::Stderr }, reply);
                if typed {
                    self.remember(text.trim());
                }
                return Vec::new();
            }
            Some(Effect::Edit(target)) => {
                self.print(LineKind::Command, format!("$ {}", text.trim()));
                if typed {
                    self.remember(text.trim());
                }
                self.open_edit(target);
                return Vec::new();
            }
            _ => {}
        }
        if !text.trim().contains('\n') {
            let start = self.session.engine().now().0;
            if let Some(target) = self.session.begin_advance(text) {
                // Runs over the next ticks, so a long advance never freezes the page.
                self.print(LineKind::Command, format!("$ {}", text.trim()));
                if typed {
                    self.remember(text.trim());
                }
                self.advancing = Some((target, target - start));
                self.dirty = true;
                return Vec::new();
            }
        }
        let files = self.files();
        let mut lines = (*self.console).clone();
        let ran = self.session.run_text(text, &TextFiles(&files));
        // A small change settles at once; a big one (1,000 new pods) goes on over the next
        // ticks, a pass at a time.
        let deadline = wall_now_ms().map(|n| n + COMMAND_SETTLE_MS);
        self.session.settle_some(&mut || past(deadline));
        let ran = match ran {
            Ok(ran) => ran,
            Err(e) => {
                for (i, l) in text.lines().enumerate() {
                    lines.push(ConsoleLine::new(
                        LineKind::Command,
                        if i == 0 { format!("$ {l}") } else { l.to_string() },
                    ));
                }
                lines.push(ConsoleLine::new(LineKind::Stderr, format!("error: line {}: {}", e.line, e.message)));
                Vec::new()
            }
        };
        self.console = Rc::new(lines);
        self.print_ran(&ran, typed);
        ran
    }

    /// `kubectl edit`: the object's YAML goes into the editor; Apply saves it.
    fn open_edit(&mut self, target: String) {
        match kubelab_kubectl::edit::current_yaml_of(&mut self.session.engine().clone(), &target) {
            Ok((yaml, label)) => {
                self.tabs.open(&edit_tab_name(&label), &yaml);
                self.info(&format!(
                    "Editing {label} in the editor: change it and press Apply to save it (that runs lab edit), or Stop editing."
                ));
                self.editing = Some((target, label));
                self.problems = Default::default();
            }
            Err(out) => {
                for (stderr, l) in out.lines {
                    self.print(if stderr { LineKind::Stderr } else { LineKind::Stdout }, l);
                }
            }
        }
        self.dirty = true;
    }

    /// `lab time pause|play|speed N` run the page's clock (the runner has none): the reply
    /// (ok, text).
    fn change_clock(&mut self, change: &ClockChange) -> (bool, String) {
        match change {
            ClockChange::Pause => {
                self.paused = true;
                (true, "the clock is paused".into())
            }
            ClockChange::Play => {
                self.paused = false;
                (true, format!("the clock runs at {}×", self.speed))
            }
            ClockChange::Speed(n) => match n.trim_end_matches(['x', '×']).parse::<u32>() {
                Ok(s) if SPEEDS.contains(&s) => {
                    self.speed = s;
                    self.reached = s as f64;
                    (true, format!("the clock runs at {s}× (simulated seconds per second)"))
                }
                _ => (false, format!("error: the speed is one of 1, 5, 20 or 60, not \"{n}\"")),
            },
        }
    }

    /// A command line for ↑/↓.
    fn remember(&mut self, line: &str) {
        if self.history.last().map(String::as_str) != Some(line) {
            let mut h = (*self.history).clone();
            h.push(line.to_string());
            let extra = h.len().saturating_sub(HISTORY_LIMIT);
            h.drain(..extra);
            self.history = Rc::new(h);
        }
    }

    fn print(&mut self, kind: LineKind, text: String) {
        let mut lines = (*self.console).clone();
        lines.push(ConsoleLine::new(kind, text));
        let extra = lines.len().saturating_sub(CONSOLE_LINES);
        lines.drain(..extra);
        self.console = Rc::new(lines);
    }

    /// The page's own remark in the console.
    fn info(&mut self, text: &str) {
        self.print(LineKind::Info, format!("# {text}"));
    }

    /// Lights a control-plane part for a moment when its count of writes moved.
    fn update_lights(&mut self, now: Option<f64>) {
        let Some(now) = now else { return };
        let a = self.session.engine().activity();
        let (last, until) = &mut self.lights;
        let moved = [
            a.api != last.api,
            a.api != last.api,
            a.scheduler != last.scheduler,
            a.controllers != last.controllers,
            a.kubelets != last.kubelets,
        ];
        for (i, m) in moved.iter().enumerate() {
            if *m {
                until[i] = now + LIGHT_MS;
            }
        }
        *last = a;
    }

    /// Runs a lesson's script one command at a time, so its clock settings (`lab time
    /// speed 20`, `lab time pause`) set the page's clock as typed ones do.
    fn run_each(&mut self, script: &str) {
        let Ok(commands) = kubelab_kubectl::script::parse_script(script) else {
            self.run(script, false); // prints the parse error
            return;
        };
        for c in commands {
            let text = c.echo.join("\n");
            if let Some(Effect::Clock(change)) = kubelab_kubectl::effect::effect_of(&text) {
                self.change_clock(&change);
                self.print(LineKind::Command, format!("$ {}", text.trim()));
                continue;
            }
            // `lab advance` runs now (not in slices): a lesson's setup is short.
            let files = self.files();
            let ran = match self.session.run_text(&text, &TextFiles(&files)) {
                Ok(r) => r,
                Err(_) => continue,
            };
            self.print_ran(&ran, false);
        }
        self.dirty = true;
    }

    /// What `-f NAME` can read: the editor's text, and the open lesson's files.
    fn files(&self) -> Vec<(String, String)> {
        let mut files = self.tabs.files().to_vec();
        if let Some((o, l)) = self.progress.open.as_ref().and_then(|o| find(&self.lessons, &o.lesson).map(|l| (o, l))) {
            let tabs = self.tabs.files();
            files.extend(o.files(l).into_iter().filter(|(k, _)| !tabs.iter().any(|(n, _)| n == k)));
        }
        files
    }

    /// Prints commands run through the session: each one's lines with `$ ` before the
    /// first, then its output; typed ones go into the history.
    fn print_ran(&mut self, ran: &[crate::session::Ran], typed: bool) {
        let mut lines = (*self.console).clone();
        for r in ran {
            for (i, l) in r.echo.iter().enumerate() {
                lines.push(ConsoleLine::new(LineKind::Command, if i == 0 { format!("$ {l}") } else { l.clone() }));
            }
            for (stderr, l) in &r.output.lines {
                lines.push(ConsoleLine::new(if *stderr { LineKind::Stderr } else { LineKind::Stdout }, l.clone()));
            }
            if typed && r.echo.len() == 1 {
                self.remember(r.echo[0].trim());
            }
        }
        let extra = lines.len().saturating_sub(CONSOLE_LINES);
        lines.drain(..extra);
        self.console = Rc::new(lines);
        self.dirty = true;
    }

    /// New lines of a running `kubectl get -w` or `logs -f`, printed as the clock runs.
    fn print_stream(&mut self) {
        for l in self.session.poll_console() {
            self.print(LineKind::Stdout, l);
        }
    }

    /// What the lesson panel asked for.
    fn lesson_action(&mut self, ctx: &Context<Self>, action: LessonAction) {
        let lessons = self.lessons.clone();
        match action {
            LessonAction::Pick(id) => {
                self.picked = find(&lessons, &id).map(|l| l.id.clone());
                if self.progress.open.as_ref().is_some_and(|o| o.lesson != id) {
                    self.progress.open = None;
                }
            }
            LessonAction::Start(id) => {
                let Some(l) = find(&lessons, &id) else { return };
                self.progress.open = Some(Open { lesson: l.id.clone(), ..Default::default() });
                self.picked = None;
                self.selected = None;
                self.report = None;
                self.problems = Default::default();
                self.info(&format!("Lesson: {}. A fresh lab, then the lesson's setup.", l.title));
                self.run("lab reset", false);
                self.run_each(&l.setup);
                if let Some((name, text)) = l.steps[0].files.iter().next() {
                    self.tabs.open(name, text);
                }
                self.save(ctx);
            }
            LessonAction::Step(n) => {
                if let Some((o, l)) =
                    self.progress.open.as_mut().and_then(|o| find(&lessons, &o.lesson).map(|l| (o, l)))
                {
                    if n < l.steps.len() {
                        o.step = n;
                        o.hints_shown = 0;
                        o.solution_shown = false;
                        if let Some((name, text)) = l.steps[n].files.iter().next() {
                            self.tabs.open(name, text);
                        }
                    }
                }
            }
            LessonAction::ResetStep => {
                let Some((o, l)) =
                    self.progress.open.as_ref().and_then(|o| find(&lessons, &o.lesson).map(|l| (o.clone(), l)))
                else {
                    return;
                };
                self.selected = None;
                self.info(&format!(
                    "Resetting to the start of step {}: a fresh lab, the setup, then the earlier steps' solutions.",
                    o.step + 1
                ));
                self.run("lab reset", false);
                let mut script = l.setup.clone();
                for s in &l.steps[..o.step] {
                    script.push('\n');
                    script.push_str(&s.solution);
                }
                self.run_each(&script);
                // What the earlier steps asked for is met again; this step's objectives start over.
                if let Some(open) = self.progress.open.as_mut() {
                    let this: Vec<String> = l.steps[o.step].objectives.iter().map(|x| x.id.clone()).collect();
                    open.done.retain(|d| !this.contains(d));
                    open.solution_shown = false;
                }
                self.save(ctx);
            }
            LessonAction::Hint => {
                if let Some(o) = self.progress.open.as_mut() {
                    o.hints_shown += 1;
                }
            }
            LessonAction::ToggleSolution => {
                if let Some(o) = self.progress.open.as_mut() {
                    o.solution_shown = !o.solution_shown;
                }
            }
            LessonAction::RunSolution => {
                let solution = self.progress.open.as_ref().and_then(|o| {
                    find(&lessons, &o.lesson).and_then(|l| l.steps.get(o.step)).map(|s| s.solution.clone())
                });
                if let Some(text) = solution {
                    self.run(&text, false);
                    self.save(ctx);
                }
            }
            LessonAction::OpenFile(name) => {
                let text = self
                    .progress
                    .open
                    .as_ref()
                    .and_then(|o| find(&lessons, &o.lesson).and_then(|l| o.files(l).get(&name).cloned()));
                if let Some(t) = text {
                    self.tabs.open(&name, &t);
                    self.dirty = true;
                }
            }
            LessonAction::Command(c) => {
                self.run(&c, false);
                self.save(ctx);
            }
            LessonAction::Close => {
                self.progress.open = None;
            }
        }
        self.check_lesson(ctx, wall_now_ms(), true);
        self.save_progress(ctx);
    }

    /// Ticks the open step's objectives when the lab moved on since the last check (at
    /// most every 400 ms of wall time unless `force`); true if one became met.
    fn check_lesson(&mut self, ctx: &Context<Self>, now: Option<f64>, force: bool) -> bool {
        if self.restoring.is_some() {
            return false;
        }
        let engine = self.session.engine();
        let (t, rv) = (engine.now().0, engine.store().resource_version());
        let wall = now.unwrap_or(0.0);
        if !force {
            if let Some((lt, lrv, lw)) = self.last_check {
                if (lt, lrv) == (t, rv) || wall - lw < 400.0 {
                    return false;
                }
            }
        }
        self.last_check = Some((t, rv, wall));
        let Some(open) = self.progress.open.as_mut() else { return false };
        let Some(lesson) = find(&self.lessons, &open.lesson) else { return false };
        let changed = open.check(lesson, engine);
        if changed {
            if open.lesson_complete(lesson) {
                self.progress.completed.insert(lesson.id.clone());
            }
            self.save_progress(ctx);
        }
        changed
    }

    fn load_progress(&mut self) {
        let Some(text) = storage_get(PROGRESS_KEY) else { return };
        match Progress::from_json(&text, &self.lessons) {
            Ok(p) => self.progress = p,
            Err(e) => {
                storage_set(&format!("{PROGRESS_KEY}.unreadable"), &text);
                let msg = format!("{e}: your lesson progress starts afresh (the old save is kept aside as {PROGRESS_KEY}.unreadable).");
                self.notice = Some(match self.notice.take() {
                    Some(n) => format!("{n} {msg}"),
                    None => msg,
                });
            }
        }
    }

    fn save_progress(&self, ctx: &Context<Self>) {
        if ctx.props().save_key.is_some() {
            storage_set(PROGRESS_KEY, &self.progress.to_json());
        }
    }

    /// Restoring a saved lab, or running a `lab advance`: the controls wait.
    fn busy(&self) -> bool {
        self.restoring.is_some() || self.advancing.is_some()
    }

    /// Reads the save: a lab to replay, or a notice saying why there is a fresh one.
    fn load(&mut self, key: &str, props: &AppProps) {
        let Some(text) = storage_get(key) else { return };
        // Set while a replay runs: still there at the next load means the replay stopped
        // the page (a bug in the lab). Replaying again would stop it again.
        let marker = format!("{key}.replaying");
        if storage_get(&marker).is_some() {
            storage_remove(&marker);
            storage_set(&format!("{key}.unreadable"), &text);
            self.notice = Some(format!(
                "Restoring the lab saved in this browser stopped the page last time, so this is a fresh cluster (the saved lab is kept aside in localStorage as {key}.unreadable)."
            ));
            return;
        }
        match Save::from_json(&text) {
            Err(e) => {
                // Kept aside, so a lab this page cannot read is not lost for good.
                storage_set(&format!("{key}.unreadable"), &text);
                self.notice = Some(e.to_string());
            }
            Ok(save) if props.seed_requested && save.seed != props.seed => {
                self.notice = Some(format!(
                    "This address asks for seed {}, but the lab saved in this browser used seed {}: this is a fresh cluster with seed {}, and it replaces the saved one.",
                    props.seed, save.seed, props.seed
                ));
            }
            Ok(save) => self.restore(key, save),
        }
    }

    /// Starts replaying a save (from this browser or a share link).
    fn restore(&mut self, key: &str, save: Save) {
        let marker = format!("{key}.replaying");
        self.tabs = save.tabs.clone();
        self.history = Rc::new(save.history.clone());
        self.speed = save.speed;
        self.reached = save.speed as f64;
        self.session = Session::new(save.seed);
        storage_set(&marker, "1");
        self.restoring = Some(Restoring { replay: Replay::new(&save), started: wall_now_ms(), marker });
    }

    /// The lab as it is now, as a save.
    fn current_save(&self) -> Save {
        Save {
            seed: self.session.seed(),
            now: self.session.engine().now().0,
            journal: self.session.journal().to_vec(),
            tabs: self.tabs.clone(),
            history: (*self.history).clone(),
            speed: self.speed,
        }
    }

    /// Replays a slice of the saved journal; when it is all replayed, the lab is back.
    fn work_on_restore(&mut self) {
        let Some(r) = &mut self.restoring else { return };
        let deadline = wall_now_ms().map(|n| n + RESTORE_BUDGET_MS);
        if r.replay.work(&mut || past(deadline)).is_none() {
            return;
        }
        let Some(r) = self.restoring.take() else { return };
        storage_remove(&r.marker);
        let (commands, _) = r.replay.progress();
        let took = match (r.started, wall_now_ms()) {
            (Some(a), Some(b)) => format!(" in {:.0} ms", b - a),
            _ => String::new(),
        };
        self.session = r.replay.finish();
        self.clock = WallClock::default();
        let text = format!(
            "Restored your lab from this browser: seed {}, {commands} command(s) replayed, sim time {}{took}.",
            self.session.seed(),
            format_sim_time(self.session.engine().now().0)
        );
        #[cfg(target_arch = "wasm32")]
        gloo::console::log!(format!("kubelab: {text}"));
        self.info(&text);
    }

    fn maybe_save(&mut self, ctx: &Context<Self>, now: Option<f64>) {
        let due = match (self.last_save, now) {
            (Some(last), Some(now)) => now - last >= SAVE_EVERY_MS,
            _ => true,
        };
        if self.dirty || due {
            self.save(ctx);
        }
    }

    fn save(&mut self, ctx: &Context<Self>) {
        let Some(key) = &ctx.props().save_key else { return };
        if self.restoring.is_some() {
            return; // the old save stays until its lab is back
        }
        let save = self.current_save();
        if !storage_set(key, &save.to_json()) && self.notice.is_none() {
            self.notice = Some("This browser would not let the lab be saved (storage is full or disabled): a reload will start a fresh cluster.".into());
        }
        self.dirty = false;
        self.last_save = wall_now_ms();
    }
}

fn restore_status(r: &Restoring) -> String {
    let (done, all) = r.replay.progress();
    let (now, until) = r.replay.time();
    format!(
        "Restoring your lab from this browser: {done} of {all} command(s) replayed, sim time {} of {}…",
        format_sim_time(now),
        format_sim_time(until)
    )
}

/// Saves when the page is hidden or left, so the clock's position survives a reload.
fn save_on_leave(ctx: &Context<App>) -> Vec<gloo::events::EventListener> {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(window) = web_sys::window() else { return Vec::new() };
        let mut out = Vec::new();
        let link = ctx.link().clone();
        out.push(gloo::events::EventListener::new(&window, "pagehide", move |_| link.send_message(Msg::SaveNow)));
        if let Some(doc) = window.document() {
            let link = ctx.link().clone();
            out.push(gloo::events::EventListener::new(&doc, "visibilitychange", move |_| {
                link.send_message(Msg::SaveNow)
            }));
        }
        out
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = ctx;
        Vec::new()
    }
}

/// Presenter mode's keys: listened to on the document, ignored while typing in a field or
/// with a modifier held, and only while presenter mode is on.
fn presenter_keys(ctx: &Context<App>, on: Rc<Cell<bool>>) -> Vec<gloo::events::EventListener> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return Vec::new() };
        let link = ctx.link().clone();
        let options = gloo::events::EventListenerOptions::enable_prevent_default();
        vec![gloo::events::EventListener::new_with_options(&doc, "keydown", options, move |e| {
            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
            if !on.get() || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let typing = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
                matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || el.tag_name() == "BUTTON" && (e.key() == " " || e.key() == "Enter")
            });
            if typing || shortcut(&e.key()).is_none() {
                return;
            }
            e.prevent_default();
            link.send_message(Msg::Key(e.key()));
        })]
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (ctx, on);
        Vec::new()
    }
}

/// "2. Watch the cluster: 1 control-plane node, 3 workers".
fn map_title(c: &ClusterView) -> String {
    let cp = c.nodes.iter().filter(|n| n.role == "control-plane").count();
    let workers = c.nodes.len() - cp;
    let plural = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    format!(
        "2. Watch the cluster: {}, {}",
        plural(cp, "control-plane node", "control-plane nodes"),
        plural(workers, "worker", "workers")
    )
}

/// Turns wall-clock readings into whole simulated milliseconds at a speed, carrying
/// fractions over so simulated time keeps pace with real time.
#[derive(Default)]
struct WallClock {
    last: Option<f64>,
    carry: f64,
}

impl WallClock {
    fn elapsed(&mut self, now: Option<f64>, speed: u32) -> u64 {
        let Some(now) = now else { return (TICK_MS as f64 * speed as f64) as u64 };
        let Some(last) = self.last.replace(now) else { return 0 };
        let sim = (now - last).clamp(0.0, MAX_STEP_MS) * speed as f64 + self.carry;
        let whole = sim.floor();
        self.carry = sim - whole;
        whole as u64
    }
}

/// The wall-clock deadline has passed (never, off the browser).
fn past(deadline: Option<f64>) -> bool {
    match (deadline, wall_now_ms()) {
        (Some(d), Some(now)) => now >= d,
        _ => false,
    }
}

/// `performance.now()`; None off the browser.
pub(crate) fn wall_now_ms() -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}

/// localStorage, read; None when there is nothing (or no storage).
const THEME_KEY: &str = "kubelab.theme";

/// The theme saved in this browser, else the system's preference.
fn initial_dark() -> bool {
    match storage_get(THEME_KEY).as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => {
            #[cfg(target_arch = "wasm32")]
            {
                web_sys::window()
                    .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                    .is_some_and(|m| m.matches())
            }
            #[cfg(not(target_arch = "wasm32"))]
            false
        }
    }
}

/// `data-theme` on the root element, which the stylesheet's variables follow.
fn set_theme(dark: bool) {
    #[cfg(target_arch = "wasm32")]
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = dark;
}

/// The page's address without its fragment (for share links).
fn page_address() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(w) = web_sys::window() else { return String::new() };
        let l = w.location();
        format!(
            "{}{}{}",
            l.origin().unwrap_or_default(),
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

fn storage_get(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = key;
        None
    }
}

/// localStorage, written; false when the browser refused.
fn storage_set(key: &str, value: &str) -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) else { return false };
        s.set_item(key, value).is_ok()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (key, value);
        true
    }
}

fn storage_remove(key: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) {
        let _ = s.remove_item(key);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = key;
}

/// Fetches `kubectl explain`'s schema after the page has started: it is the largest piece of
/// data the lab has and only explain needs it, so it stays out of the wasm that the first
/// paint waits for.
fn fetch_explain_schema() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    const URL: &str = "explain-v1.31.json";
    yew::platform::spawn_local(async {
        let result: Result<(), String> = async {
            let window = web_sys::window().ok_or("no window")?;
            let resp =
                JsFuture::from(window.fetch_with_str(URL)).await.map_err(|_| format!("{URL} could not be fetched"))?;
            let resp: web_sys::Response = resp.dyn_into().map_err(|_| "not a response".to_string())?;
            if !resp.ok() {
                return Err(format!("{URL}: HTTP {}", resp.status()));
            }
            let text = JsFuture::from(resp.text().map_err(|_| "no body".to_string())?)
                .await
                .map_err(|_| format!("{URL} could not be read"))?;
            kubelab_kubectl::explain::load_schema(&text.as_string().unwrap_or_default())
        }
        .await;
        if let Err(e) = result {
            kubelab_kubectl::explain::schema_failed(&e);
        }
    });
}

/// The editor tab `kubectl edit` opens an object in: `deployment.apps/web` → `deployment.apps-web.yaml`.
fn edit_tab_name(label: &str) -> String {
    format!("{}.yaml", label.replace('/', "-"))
}

/// The timeline's marks: each journaled command's time and first line (the last 200).
fn timeline_marks(journal: &[crate::session::Entry]) -> Vec<(u64, String)> {
    let skip = journal.len().saturating_sub(200);
    journal.iter().skip(skip).map(|e| (e.t, e.command.lines().next().unwrap_or("").to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::WallClock;

    #[test]
    fn wall_clock_keeps_fractions_and_caps_long_gaps() {
        let mut c = WallClock::default();
        assert_eq!(c.elapsed(Some(1000.0), 1), 0, "the first reading only starts the clock");
        assert_eq!(c.elapsed(Some(1100.4), 1), 100);
        assert_eq!(c.elapsed(Some(1200.8), 1), 100);
        assert_eq!(c.elapsed(Some(1301.0), 1), 101, "0.4 + 0.4 + 0.2 carried over");
        assert_eq!(c.elapsed(Some(601_301.0), 1), 5_000, "a long sleep is capped");
        assert_eq!(c.elapsed(Some(601_401.0), 60), 6_000, "speed multiplies");
    }
}
