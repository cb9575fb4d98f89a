//! The lab as the page drives it, without the page: the session, the clock, the editor's
//! files, the console's transcript, Apply and `kubectl edit`, a `lab advance` run in slices,
//! and the timeline looking back. The page turns DOM events into these calls and draws the
//! result; each call does what the page always did, and is tested here natively.

use crate::clock::{format_sim_time, Clock};
use crate::console::{LineKind, Transcript};
use crate::platform::{deadline, Platform};
use crate::save::{replaying_marker, Save};
use crate::session::{Ran, Replay, Session, TextFiles};
use crate::tabs::Tabs;
use crate::timeline::Snapshots;
use kubelab_engine::duration::format_clock;
use kubelab_engine::Engine;
use kubelab_kubectl::effect::{effect_of, Effect};
use kubelab_kubectl::{ApplyReport, Problem};
use kubelab_lessons::Lesson;
use std::rc::Rc;

/// Wall milliseconds of simulation per tick, at most: the rest of the tick is the page's.
/// When the cluster is too busy for the chosen speed (a load generator costs one instant
/// per request), simulated time runs slower and the clock says so.
pub const TICK_BUDGET_MS: f64 = 25.0;
/// Wall milliseconds per slice of a `lab advance`: the page draws and takes input between
/// slices, and no task passes 50 ms (a stage may run a little over). The page runs the next
/// slice straight after, so a long advance still finishes soon.
pub const ADVANCE_BUDGET_MS: f64 = 30.0;
/// Wall ms a command's effects may settle in the same frame as the command, and in each
/// tick after it until they are settled: the page then draws what changed (1,000 new pods)
/// in the same task, so the slice leaves it room within 50 ms.
pub const COMMAND_SETTLE_MS: f64 = 20.0;

/// The timeline dragged back: the moment asked for, the replay rebuilding it, the cluster as
/// it was then once rebuilt, and whether the clock was playing before (it pauses meanwhile).
pub struct Past {
    pub target: u64,
    pub replay: Option<Replay>,
    pub engine: Option<Engine>,
    pub was_playing: bool,
}

/// A saved lab being replayed (from this browser, a share link or a checkpoint): the page
/// draws its cluster as it catches up, and the controls wait.
pub struct Restoring {
    pub replay: Replay,
    started: Option<f64>,
    /// The storage key that says a replay is under way (`save::replaying_marker`).
    marker: String,
}

/// What a tick did.
#[derive(Debug, PartialEq)]
pub enum Ticked {
    /// A slice of rebuilding the moment the timeline looks back at.
    LookedBack,
    /// A slice of settling the last command's effects.
    Settled,
    /// A slice of a `lab advance`; true when it is done.
    Advanced(bool),
    /// The clock ran (true) or stood (paused, or no time passed).
    Played(bool),
}

pub struct Lab {
    pub session: Session,
    /// A save being replayed; the session is its seed's fresh one meanwhile.
    pub restoring: Option<Restoring>,
    pub clock: Clock,
    /// The editor's files.
    pub tabs: Tabs,
    pub console: Transcript,
    /// A `lab advance` under way: the simulated time it runs to, and how far it goes.
    pub advancing: Option<(u64, u64)>,
    /// `kubectl edit` under way in the editor: (the target as typed, `deployment.apps/web`).
    pub editing: Option<(String, String)>,
    /// The last Apply: the file it applied, and its report.
    pub report: Option<(String, Rc<ApplyReport>)>,
    /// Problems the last Apply found, and the file they are in.
    pub problems: (String, Rc<Vec<Problem>>),
    /// Copies of the live cluster now and then, for looking back.
    pub snapshots: Snapshots,
    /// Looking back at an earlier moment (the timeline).
    pub past: Option<Past>,
    /// Something worth saving changed since the last save.
    pub dirty: bool,
}

impl Lab {
    /// A fresh lab on `seed`, with `editor` in the editor's one tab.
    pub fn new(seed: u64, editor: &str) -> Lab {
        Lab {
            session: Session::new(seed),
            restoring: None,
            clock: Clock::default(),
            tabs: Tabs::new(editor),
            console: Transcript::default(),
            advancing: None,
            editing: None,
            report: None,
            problems: Default::default(),
            snapshots: Snapshots::default(),
            past: None,
            dirty: false,
        }
    }

    /// The lab as it is now, as a save.
    pub fn save(&self) -> Save {
        Save {
            seed: self.session.seed(),
            now: self.session.engine().now().0,
            journal: self.session.journal().to_vec(),
            tabs: self.tabs.clone(),
            history: (*self.console.history).clone(),
            speed: self.clock.speed(),
        }
    }

    /// Starts replaying a save: its editor, history and speed at once, its cluster a slice
    /// at a time (`work_on_restore`). A marker kept under `key` while it replays tells the
    /// next page, if this replay stops the page, not to try again.
    pub fn restore(&mut self, platform: &dyn Platform, key: &str, save: &Save) {
        self.tabs = save.tabs.clone();
        self.console.history = Rc::new(save.history.clone());
        self.clock.set_speed(save.speed);
        self.session = Session::new(save.seed);
        self.console.forget_journal_lines();
        let marker = replaying_marker(key);
        platform.set(&marker, "1");
        self.restoring = Some(Restoring { replay: Replay::new(save), started: platform.now_ms(), marker });
    }

    /// Replays a slice of the save within `budget_ms`; once it is all replayed, the lab is
    /// back and the console's remark saying so is returned.
    pub fn work_on_restore(&mut self, platform: &dyn Platform, budget_ms: f64) -> Option<String> {
        self.restoring.as_mut()?.replay.work(&mut deadline(platform, budget_ms))?;
        let r = self.restoring.take()?;
        platform.remove(&r.marker);
        let (commands, _) = r.replay.progress();
        let took = match (r.started, platform.now_ms()) {
            (Some(a), Some(b)) => format!(" in {:.0} ms", b - a),
            _ => String::new(),
        };
        self.session = r.replay.finish();
        self.clock.restart();
        Some(format!(
            "Restored your lab from this browser: seed {}, {commands} command(s) replayed, sim time {}{took}.",
            self.session.seed(),
            format_sim_time(self.session.engine().now().0)
        ))
    }

    /// Stops a replay under way (Reset): the save it came from stays as it was.
    pub fn cancel_restore(&mut self, platform: &dyn Platform) {
        if let Some(r) = self.restoring.take() {
            platform.remove(&r.marker);
        }
    }

    /// What `-f NAME` can read: the editor's files, then `extra` (the open lesson's) that no
    /// tab shadows.
    pub fn files(&self, extra: &[(String, String)]) -> Vec<(String, String)> {
        let mut files = self.tabs.files().to_vec();
        let tabs = self.tabs.files();
        files.extend(extra.iter().filter(|(k, _)| !tabs.iter().any(|(n, _)| n == k)).cloned());
        files
    }

    /// Runs console text and shows it in the console. The page's own commands are handled
    /// here (`lab time ...`: the clock; `kubectl edit`: the editor), a `lab advance` typed
    /// alone runs over the next ticks, and the rest runs through the session, its effects
    /// settled within `COMMAND_SETTLE_MS` (a big change goes on over the next ticks).
    /// `typed`: it goes into the history. `extra`: files beside the editor's.
    pub fn run(&mut self, platform: &dyn Platform, text: &str, typed: bool, extra: &[(String, String)]) -> Vec<Ran> {
        // A command acts on the live cluster: looking back ends first.
        self.go_live();
        match effect_of(text) {
            Some(Effect::Clock(change)) => {
                // The page's own clock: not the cluster's state, so not journaled.
                let (ok, reply) = self.clock.change(&change);
                self.console.echo(text, typed);
                self.console.print(if ok { LineKind::Stdout } else { LineKind::Stderr }, reply);
                return Vec::new();
            }
            Some(Effect::Edit(target)) => {
                self.console.echo(text, typed);
                self.open_edit(target);
                return Vec::new();
            }
            _ => {}
        }
        if !text.trim().contains('\n') {
            let start = self.session.engine().now().0;
            if let Some(target) = self.session.begin_advance(text) {
                self.console.echo(text, typed);
                self.advancing = Some((target, target - start));
                self.dirty = true;
                return Vec::new();
            }
        }
        let files = self.files(extra);
        let journaled = self.session.journal().len();
        let ran = self.session.run_text(text, &TextFiles(&files));
        if self.session.journal().len() < journaled {
            self.console.forget_journal_lines();
        }
        self.session.settle_some(&mut deadline(platform, COMMAND_SETTLE_MS));
        let ran = match ran {
            Ok(ran) => ran,
            Err(e) => {
                self.console.parse_error(text, e.line, &e.message);
                Vec::new()
            }
        };
        self.console.print_ran(&ran, typed);
        self.dirty = true;
        ran
    }

    /// Runs a lesson's script one command at a time, so its clock settings (`lab time
    /// speed 20`, `lab time pause`) set the page's clock as typed ones do. `lab advance`
    /// runs at once (not in slices): a lesson's setup is short.
    pub fn run_each(&mut self, platform: &dyn Platform, script: &str, extra: &[(String, String)]) {
        let Ok(commands) = kubelab_kubectl::script::parse_script(script) else {
            self.run(platform, script, false, extra); // prints the parse error
            return;
        };
        for c in commands {
            let text = c.echo.join("\n");
            if let Some(Effect::Clock(change)) = effect_of(&text) {
                self.clock.change(&change);
                self.console.print(LineKind::Command, format!("$ {}", text.trim()));
                continue;
            }
            let files = self.files(extra);
            let journaled = self.session.journal().len();
            let Ok(ran) = self.session.run_text(&text, &TextFiles(&files)) else { continue };
            if self.session.journal().len() < journaled {
                self.console.forget_journal_lines();
            }
            self.console.print_ran(&ran, false);
        }
        self.dirty = true;
    }

    /// `kubectl edit`: the object's YAML goes into the editor; Apply saves it.
    pub fn open_edit(&mut self, target: String) {
        match kubelab_kubectl::edit::current_yaml_of(&mut self.session.engine().clone(), &target) {
            Ok((yaml, label)) => {
                self.tabs.open(&edit_tab_name(&label), &yaml);
                self.console.info(&format!(
                    "Editing {label} in the editor: change it and press Apply to save it (that runs lab edit), or Stop editing."
                ));
                self.editing = Some((target, label));
                self.problems = Default::default();
            }
            Err(out) => {
                for (stderr, l) in out.lines {
                    self.console.print(if stderr { LineKind::Stderr } else { LineKind::Stdout }, l);
                }
            }
        }
        self.dirty = true;
    }

    /// Apply: `kubectl apply -f` the active tab, its problems marked at their lines; or,
    /// when the active tab is an object `kubectl edit` opened, save it as kubectl edit would.
    pub fn apply(&mut self, platform: &dyn Platform, extra: &[(String, String)]) {
        if self.editing.as_ref().is_some_and(|(_, label)| edit_tab_name(label) == self.tabs.active_name()) {
            return self.save_edit(platform, extra);
        }
        let name = self.tabs.active_name().to_string();
        let ran = self.run(platform, &format!("kubectl apply -f {name}"), false, extra);
        let output = ran.into_iter().next().map(|r| r.output).unwrap_or_default();
        let problems = output.problems.clone();
        self.problems = (name.clone(), Rc::new(problems.clone()));
        self.report = Some((name, Rc::new(ApplyReport { output, problems })));
    }

    fn save_edit(&mut self, platform: &dyn Platform, extra: &[(String, String)]) {
        let (target, _) = self.editing.clone().unwrap_or_default();
        let text =
            format!("lab edit {target} <<'KUBELAB_EDIT_EOF'\n{}\nKUBELAB_EDIT_EOF", self.tabs.active_text().trim_end());
        let ran = self.run(platform, &text, false, extra);
        let output = ran.into_iter().next().map(|r| r.output).unwrap_or_default();
        if output.ok {
            self.editing = None;
        }
        self.problems = Default::default();
        self.report =
            Some((self.tabs.active_name().to_string(), Rc::new(ApplyReport { output, problems: Vec::new() })));
    }

    /// Reset: a fresh cluster on the same seed (also the way out of a `lab advance` that
    /// takes too long).
    pub fn reset(&mut self, platform: &dyn Platform, extra: &[(String, String)]) {
        self.advancing = None;
        self.report = None;
        self.problems = Default::default();
        self.run(platform, "lab reset", false, extra);
    }

    /// Step: `lab advance` to the cluster's next scheduled event.
    pub fn step(&mut self, platform: &dyn Platform, extra: &[(String, String)]) {
        match self.session.next_event_in() {
            Some(ms) => {
                let d = if ms % 1000 == 0 { format!("{}s", ms / 1000) } else { format!("{ms}ms") };
                self.run(platform, &format!("lab advance {d}"), false, extra);
            }
            None => self.console.info("Nothing is scheduled: the cluster stays as it is until something changes."),
        }
    }

    /// Starts a lesson: a fresh lab, the lesson's setup, and its first step's file in the
    /// editor.
    pub fn start_lesson(&mut self, platform: &dyn Platform, lesson: &Lesson) {
        let extra: Vec<(String, String)> = lesson.files_until(0).into_iter().collect();
        self.report = None;
        self.problems = Default::default();
        self.console.info(&format!("Lesson: {}. A fresh lab, then the lesson's setup.", lesson.title));
        self.run(platform, "lab reset", false, &extra);
        self.run_each(platform, &lesson.setup, &extra);
        if let Some((name, text)) = lesson.steps[0].files.iter().next() {
            self.tabs.open(name, text);
        }
    }

    /// Back to the start of `step` of a lesson: a fresh lab, the setup, then the earlier
    /// steps' solutions.
    pub fn restart_step(&mut self, platform: &dyn Platform, lesson: &Lesson, step: usize) {
        let extra: Vec<(String, String)> = lesson.files_until(step).into_iter().collect();
        self.console.info(&format!(
            "Resetting to the start of step {}: a fresh lab, the setup, then the earlier steps' solutions.",
            step + 1
        ));
        self.run(platform, "lab reset", false, &extra);
        let mut script = lesson.setup.clone();
        for s in &lesson.steps[..step] {
            script.push('\n');
            script.push_str(&s.solution);
        }
        self.run_each(platform, &script, &extra);
    }

    /// New lines of a running `kubectl get -w` or `logs -f`, printed as the clock runs.
    pub fn print_stream(&mut self) {
        for l in self.session.poll_console() {
            self.console.print(LineKind::Stdout, l);
        }
    }

    /// One tick of the page's clock, `now` being the wall time it read: whichever is under
    /// way of a look back being rebuilt, a command's effects settling, a `lab advance`, or
    /// the playing clock, within its wall-time budget.
    pub fn tick(&mut self, platform: &dyn Platform, now: Option<f64>) -> Ticked {
        let sim_ms = self.clock.due(now);
        if self.past.as_ref().is_some_and(|p| p.replay.is_some()) {
            self.rebuild_past(platform);
            return Ticked::LookedBack;
        }
        // A command's effects (1,000 new pods) are settled over several ticks, paused or
        // not, so no single frame does all of it.
        if !self.session.engine().is_settled() {
            self.session.settle_some(&mut deadline(platform, COMMAND_SETTLE_MS));
            self.print_stream();
            return Ticked::Settled;
        }
        if let Some((target, ms)) = self.advancing {
            let done = self.session.continue_advance(target, &mut deadline(platform, ADVANCE_BUDGET_MS));
            self.print_stream();
            if done {
                self.advancing = None;
                // What `lab advance` prints (crates/kubectl/src/lab.rs).
                let now_text = format_clock(self.session.engine().now().0);
                self.console.print(
                    LineKind::Stdout,
                    format!("advanced {}; simulated time is now {now_text}", format_clock(ms)),
                );
            }
            return Ticked::Advanced(done);
        }
        if self.clock.paused || sim_ms == 0 {
            return Ticked::Played(false);
        }
        let got = self.session.advance(sim_ms, &mut deadline(platform, TICK_BUDGET_MS));
        self.snapshots.keep(self.session.engine(), self.session.journal().len());
        self.print_stream();
        self.clock.record(sim_ms, got);
        Ticked::Played(true)
    }

    /// The timeline dragged to simulated time `t` (at or after now: back to live). Not while
    /// a `lab advance` runs.
    pub fn scrub(&mut self, t: u64) -> bool {
        if self.advancing.is_some() {
            return false;
        }
        if t >= self.session.engine().now().0 {
            self.go_live();
            return true;
        }
        if !self.session.engine().is_settled() {
            self.session.settle_some(&mut || false);
        }
        let was_playing = self.past.as_ref().map_or(!self.clock.paused, |p| p.was_playing);
        self.clock.paused = true;
        let replay = self.snapshots.replay_to(self.session.seed(), self.session.journal(), t);
        let shown = self.past.take().and_then(|p| p.engine);
        self.past = Some(Past { target: t, replay: Some(replay), engine: shown, was_playing });
        true
    }

    /// A slice of rebuilding the moment looked back at; once rebuilt, it is shown.
    pub fn rebuild_past(&mut self, platform: &dyn Platform) {
        let Some(p) = &mut self.past else { return };
        let Some(r) = &mut p.replay else { return };
        if r.work(&mut deadline(platform, TICK_BUDGET_MS)).is_some() {
            let r = p.replay.take().expect("a replay");
            p.engine = Some(r.finish().into_engine());
        }
    }

    /// Leaves the timeline's past for the live cluster, playing again if it was.
    pub fn go_live(&mut self) {
        if let Some(p) = self.past.take() {
            self.clock.paused = !p.was_playing;
            self.clock.restart();
        }
    }

    /// The cluster to draw: as it was at the moment looked back at (once rebuilt), else now.
    pub fn shown_engine(&self) -> &Engine {
        self.past.as_ref().and_then(|p| p.engine.as_ref()).unwrap_or(self.session.engine())
    }
}

/// The editor tab `kubectl edit` opens an object in: `deployment.apps/web` → `deployment.apps-web.yaml`.
pub fn edit_tab_name(label: &str) -> String {
    format!("{}.yaml", label.replace('/', "-"))
}
