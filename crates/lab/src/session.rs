//! The lab session: the engine, its seed, and a journal of every console command that may have
//! changed the cluster, each with the simulated time it ran at. The engine is deterministic,
//! so `Engine::new(seed)` plus the journal rebuilds the same cluster: that is how a reload
//! restores the lab. Every mutation on the page (Apply, the console, node and pod buttons,
//! clock jumps) is a console command run here, exactly as the headless runner runs it.
//!
//! Plain Rust (no DOM, no wall clock: "out of time" is a question the caller answers), so it
//! is tested natively.

use kubelab_engine::Engine;
use kubelab_kubectl::effect::{changes_cluster, effect_of, Effect};
use kubelab_kubectl::script::{parse_script, ScriptCommand, ScriptError};
use kubelab_kubectl::vm::{session_line, SessionLine};
use kubelab_kubectl::{Console, Ctx, FileOrDir, Files, Output};
use std::cell::RefCell;

pub use crate::replay::Replay;
pub use crate::save::{Save, SaveError, SAVE_VERSION};

/// The console history kept in the save.
pub const HISTORY_LIMIT: usize = 100;

/// One journaled command, as the save writes it: `{"t":…,"command":…,"files":{name: text}}`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Entry {
    /// Simulated milliseconds since boot when the command ran.
    pub t: u64,
    /// The command as written: its line, then a heredoc's body and terminator on the next lines.
    pub command: String,
    /// The files `-f` read, with the text they had then (the editor changes afterwards).
    #[serde(with = "crate::save::files_object")]
    pub files: Vec<(String, String)>,
}

/// What a command printed, with the script lines it was written as.
#[derive(Clone, Debug, PartialEq)]
pub struct Ran {
    pub echo: Vec<String>,
    pub output: Output,
    /// The command's line in the journal (from 1), if the journal kept it: what the engine's
    /// causes name it by.
    pub journal_line: Option<u32>,
}

pub struct Session {
    pub(crate) engine: Engine,
    pub(crate) journal: Vec<Entry>,
    /// The VM-era machine `lab ssh` logged the console in to (not saved: a reload comes
    /// back to the lab console).
    pub(crate) on: Option<String>,
    /// What lasts between lines: a running `kubectl get -w` or `logs -f`.
    pub(crate) console: Console,
}

impl Session {
    pub fn new(seed: u64) -> Session {
        Session { engine: Engine::new(seed), journal: Vec::new(), on: None, console: Console::deferring() }
    }

    /// A session for the headless runner: each command's reaction is settled before the
    /// command returns (the page settles it a pass at a time instead), and a running
    /// `get -w` or `logs -f` prints during the next `lab advance`, then ends.
    pub fn headless(seed: u64) -> Session {
        let mut session = Session { engine: Engine::new(seed), journal: Vec::new(), on: None, console: Console::new() };
        session.engine.settle();
        session
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn into_engine(self) -> Engine {
        self.engine
    }

    /// Settles the last command's effects a pass at a time; true once settled.
    pub fn settle_some(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        self.engine.settle_some(out_of_time)
    }

    /// New lines of a running `get -w` or `logs -f` (empty when none runs).
    pub fn poll_console(&mut self) -> Vec<String> {
        if !self.console.streaming() {
            return Vec::new();
        }
        self.console.poll(&mut self.engine)
    }

    /// Ctrl-C: stops a running `get -w` or `logs -f`; true if one ran.
    pub fn interrupt(&mut self) -> bool {
        let was = self.console.streaming();
        self.console.interrupt();
        was
    }

    /// The machine the console is logged in to (`lab ssh`), if any.
    pub fn machine(&self) -> Option<&str> {
        self.on.as_deref()
    }
    /// The console's prompt: `root@vm-1:~#` on a machine (`lab ssh`), `dev $` when the
    /// kubeconfig context's namespace is not `default`, else `$`.
    pub fn prompt(&self) -> String {
        if let Some(m) = self.machine() {
            return format!("root@{m}:~#");
        }
        if let Some(shell) = self.console.pod_shell() {
            return shell.prompt.clone();
        }
        match self.engine.context_namespace() {
            "default" => "$".into(),
            ns => format!("{ns} $"),
        }
    }
    pub fn seed(&self) -> u64 {
        self.engine.seed()
    }
    pub fn journal(&self) -> &[Entry] {
        &self.journal
    }

    /// Runs console text: one command, or several pasted lines (heredocs and `\`
    /// continuations as in a script), each in turn.
    pub fn run_text(&mut self, text: &str, files: &dyn Files) -> Result<Vec<Ran>, ScriptError> {
        let cmds = parse_script(text)?;
        Ok(cmds.iter().map(|c| self.run_command(c, files)).collect())
    }

    /// Runs one command and journals it unless it only reads.
    pub fn run_command(&mut self, cmd: &ScriptCommand, files: &dyn Files) -> Ran {
        self.run_observed(cmd, files, &mut |_| {})
    }

    /// `run_command`, calling `observe` with the engine at each instant the command moves the
    /// clock through (`rollout status`, `lab advance`): the runner's trace.
    pub fn run_observed(&mut self, cmd: &ScriptCommand, files: &dyn Files, observe: &mut dyn FnMut(&Engine)) -> Ran {
        // The last command's effects are settled before this one runs, as in a replay.
        if !self.engine.is_settled() {
            self.engine.settle();
        }
        let t = self.engine.now().0;
        // Logged in to a machine: the line runs there, and is journaled as `lab on <machine> ...`.
        let line = match session_line(&mut self.on, &self.engine, &cmd.command) {
            SessionLine::Done(output) => return Ran { echo: cmd.echo.clone(), output, journal_line: None },
            SessionLine::Run(l) => l,
        };
        let prefix = line.strip_suffix(cmd.command.as_str()).unwrap_or("").to_string();
        let recorder = Recorder { inner: files, read: RefCell::default() };
        let line_before = self.journal.len() as u32 + 1;
        // What the command writes is recorded as caused by its journal line (if journaled,
        // it is the next one; a replay numbers it the same).
        if changes_cluster(&line) {
            let journaled = format!("{prefix}{}", cmd.echo.first().map_or("", |l| l.as_str()));
            self.engine.begin_command(line_before, &journaled);
        }
        let output = self.console.execute(
            &mut self.engine,
            &line,
            &mut Ctx { files: &recorder, stdin: cmd.stdin.as_deref(), observe },
        );
        self.engine.end_command();
        if let Some(instead) = self.console.take_journal_as() {
            // A line typed in a pod shell: journaled as the one-shot command it ran.
            let files = recorder.read.into_inner();
            for command in instead.into_iter().filter(|c| changes_cluster(c)) {
                self.journal.push(Entry { t, command, files: files.clone() });
            }
        } else if output.ok && effect_of(&cmd.command) == Some(Effect::Boot) {
            // `lab reset` and `lab seed N` leave exactly `Engine::new(seed)`: nothing before
            // them matters any more, and the journal starts again from the new seed.
            self.journal.clear();
            self.console.interrupt();
        } else if changes_cluster(&line) {
            self.journal.push(Entry {
                t,
                command: format!("{prefix}{}", cmd.echo.join("\n")),
                files: recorder.read.into_inner(),
            });
        }
        // Journaled under the line its writes were recorded with (not after a fresh boot,
        // which empties the journal; a pod shell's line may be journaled as several).
        let journal_line = (changes_cluster(&line) && self.journal.len() as u32 >= line_before).then_some(line_before);
        Ran { echo: cmd.echo.clone(), output, journal_line }
    }

    /// Moves the clock `ms` forward, event by event, until done or `out_of_time()`; returns
    /// how far it moved. Stopping between events changes nothing the journal depends on:
    /// the engine's state at an instant does not depend on where earlier advances stopped
    /// (`chunked_advance_reaches_the_same_cluster` below checks it).
    pub fn advance(&mut self, ms: u64, out_of_time: &mut dyn FnMut() -> bool) -> u64 {
        // A command's reaction first, a pass at a time; the clock waits until it is done.
        if !self.engine.settle_some(out_of_time) {
            return 0;
        }
        let start = self.engine.now().0;
        let target = start.saturating_add(ms);
        advance_until(&mut self.engine, target, out_of_time);
        self.engine.now().0 - start
    }

    /// Starts a `lab advance D` typed alone, without running it: the entry is journaled and
    /// the time to reach returned, for the caller to get there with `continue_advance` in
    /// slices (a load generator makes a long advance take seconds). None: not such a command.
    pub fn begin_advance(&mut self, command: &str) -> Option<u64> {
        let Some(Effect::Advance(ms)) = effect_of(command) else { return None };
        let now = self.engine.now().0;
        self.journal.push(Entry { t: now, command: command.trim().to_string(), files: Vec::new() });
        Some(now.saturating_add(ms))
    }

    /// Runs the clock on towards `target`; true once there (and settled), as `lab advance`
    /// would have left it.
    pub fn continue_advance(&mut self, target: u64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        if !self.engine.settle_some(out_of_time) {
            return false;
        }
        if !advance_until(&mut self.engine, target, out_of_time) {
            return false;
        }
        self.engine.settle();
        true
    }

    /// The engine's next scheduled event after now, in ms from now (after settling the last
    /// command's effects, which may schedule it).
    pub fn next_event_in(&mut self) -> Option<u64> {
        if !self.engine.is_settled() {
            self.engine.settle();
        }
        let now = self.engine.now().0;
        self.engine.next_event().map(|t| t.0.saturating_sub(now)).filter(|d| *d > 0)
    }
}

/// Runs the clock to `target`, asking `out_of_time` between instants and inside a long one
/// (`Engine::advance_to_some`); true once there. Stopping anywhere changes nothing: the next
/// call, or the next settle, goes on where it stopped.
pub(crate) fn advance_until(engine: &mut Engine, target: u64, out_of_time: &mut dyn FnMut() -> bool) -> bool {
    engine.advance_to_some(kubelab_api::Time(target), out_of_time)
}

/// A Files that notes every file it hands out, for the journal.
struct Recorder<'a> {
    inner: &'a dyn Files,
    read: RefCell<Vec<(String, String)>>,
}

impl Files for Recorder<'_> {
    fn read(&self, path: &str) -> Result<FileOrDir, String> {
        let r = self.inner.read(path)?;
        // Folders are not recorded: the page's files are the editor's, never folders.
        if let FileOrDir::File(text) = &r {
            self.read.borrow_mut().push((path.to_string(), text.clone()));
        }
        Ok(r)
    }
}

/// Named texts as files: the editor's buffer (`manifest.yaml`), or a journal entry's files.
pub struct TextFiles<'a>(pub &'a [(String, String)]);

impl Files for TextFiles<'_> {
    fn read(&self, path: &str) -> Result<FileOrDir, String> {
        let path = path.trim_start_matches("./");
        match self.0.iter().find(|(name, _)| name == path) {
            Some((_, text)) => Ok(FileOrDir::File(text.clone())),
            None => Err(format!("the path \"{path}\" does not exist")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SAMPLE_MANIFEST;
    use kubelab_kubectl::execute;

    fn editor() -> Vec<(String, String)> {
        vec![("manifest.yaml".to_string(), SAMPLE_MANIFEST.to_string())]
    }

    fn never() -> impl FnMut() -> bool {
        || false
    }

    fn run(s: &mut Session, text: &str) -> Vec<Ran> {
        s.run_text(text, &TextFiles(&editor())).expect("parses")
    }

    /// Everything a learner could look at, as text: if two clusters print the same, they are
    /// the same for the lab's purposes.
    fn cluster_text(e: &Engine) -> String {
        let mut e = e.clone();
        let mut text = format!("{}\n", e.snapshot().to_json_line());
        for cmd in [
            "kubectl get all -A -o yaml",
            "kubectl get nodes -o yaml",
            "kubectl get endpoints -A -o yaml",
            "lab load stats",
        ] {
            text.push_str(
                &execute(&mut e, cmd, &mut Ctx { files: &kubelab_kubectl::NoFiles, stdin: None, observe: &mut |_| {} })
                    .text(),
            );
        }
        text
    }

    /// A session with a bit of everything: apply, scale, a killed node, a load generator.
    fn busy_session(tick: u64) -> Session {
        let mut s = Session::new(9);
        let clock = |s: &mut Session, ms: u64| {
            let mut left = ms;
            while left > 0 {
                let step = left.min(tick);
                s.advance(step, &mut never());
                left -= step;
            }
        };
        run(&mut s, "kubectl apply -f manifest.yaml");
        clock(&mut s, 12_345);
        run(&mut s, "kubectl get pods");
        run(&mut s, "kubectl expose deployment web --port 80");
        run(&mut s, "kubectl scale deployment web --replicas=5");
        clock(&mut s, 20_000);
        run(&mut s, "lab load start web -c 2 --rps 4");
        clock(&mut s, 7_777);
        run(&mut s, "lab node kill node-2");
        clock(&mut s, 400_000);
        run(
            &mut s,
            "kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\nEOF",
        );
        run(&mut s, "lab node restore node-2\nkubectl delete pod --all --wait=false");
        clock(&mut s, 31_000);
        s
    }

    fn save_of(s: &Session) -> Save {
        Save {
            seed: s.seed(),
            now: s.engine.now().0,
            journal: s.journal.clone(),
            tabs: crate::tabs::Tabs::new("x"),
            history: vec!["kubectl get pods".into()],
            speed: 20,
        }
    }

    fn replay_all(save: &Save) -> Session {
        let mut r = Replay::new(save);
        r.work(&mut never()).expect("no time limit");
        r.finish()
    }

    #[test]
    fn replaying_the_journal_rebuilds_the_same_cluster() {
        let live = busy_session(100);
        let save = Save::from_json(&save_of(&live).to_json()).expect("round trip");
        assert_eq!(save, save_of(&live));
        let replayed = replay_all(&save);
        assert_eq!(replayed.engine.now(), live.engine.now());
        assert_eq!(cluster_text(&replayed.engine), cluster_text(&live.engine));
        assert_eq!(replayed.journal, live.journal);
    }

    #[test]
    fn chunked_advance_reaches_the_same_cluster() {
        // The page's clock stops wherever a 100 ms tick ends; a replay stops only where
        // commands ran. Both must give one cluster.
        let a = busy_session(100);
        let b = busy_session(3_333);
        let c = busy_session(u64::MAX);
        assert_eq!(cluster_text(&a.engine), cluster_text(&b.engine));
        assert_eq!(cluster_text(&a.engine), cluster_text(&c.engine));
    }

    #[test]
    fn a_machine_session_is_journaled_as_lab_on_and_replays_to_the_same_lan() {
        let mut s = Session::new(4);
        run(&mut s, "lab lan up\nlab ssh vm-1");
        assert_eq!(s.machine(), Some("vm-1"));
        run(&mut s, "docker run --name app -d -p 3000:3000 ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0");
        run(&mut s, "cat > notes.txt <<EOF\nhello\nEOF\nexit");
        assert_eq!(s.machine(), None);
        run(&mut s, "lab on vm-1 ip link set eth0 down");
        let cmds: Vec<&str> = s.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(
            cmds,
            [
                "lab lan up",
                "lab on vm-1 docker run --name app -d -p 3000:3000 ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0",
                "lab on vm-1 cat > notes.txt <<EOF\nhello\nEOF",
                "lab on vm-1 ip link set eth0 down",
            ]
        );
        let replayed = replay_all(&Save::from_json(&save_of(&s).to_json()).expect("round trip"));
        assert_eq!(replayed.engine.lan(), s.engine.lan());
        assert_eq!(replayed.engine.lan().vms["vm-1"].files.get("/root/notes.txt").map(String::as_str), Some("hello\n"));
        assert!(!replayed.engine.lan().vms["vm-1"].link_up);
    }

    #[test]
    fn kubectl_wait_is_journaled_and_replays_to_the_same_cluster() {
        let mut s = Session::new(2);
        run(&mut s, "kubectl run web --image=nginx:1.25\nkubectl wait --for=condition=Ready pod/web\nkubectl get pods");
        assert!(s.engine.now().0 > 0, "the wait ran the clock");
        let cmds: Vec<&str> = s.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(cmds, ["kubectl run web --image=nginx:1.25", "kubectl wait --for=condition=Ready pod/web"]);
        let replayed = replay_all(&Save::from_json(&save_of(&s).to_json()).expect("a valid save"));
        assert_eq!(replayed.engine.now(), s.engine.now());
        assert_eq!(cluster_text(&replayed.engine), cluster_text(&s.engine));
    }

    #[test]
    fn the_context_namespace_is_journaled_replayed_and_named_by_the_prompt() {
        let mut s = Session::new(3);
        assert_eq!(s.prompt(), "$");
        run(&mut s, "kubectl create namespace dev\nkubectl config set-context --current --namespace=dev");
        run(&mut s, "kubectl config view --minify\nkubectl create deployment web --image=nginx:1.25");
        assert_eq!(s.prompt(), "dev $");
        let cmds: Vec<&str> = s.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(
            cmds,
            [
                "kubectl create namespace dev",
                "kubectl config set-context --current --namespace=dev",
                "kubectl create deployment web --image=nginx:1.25",
            ]
        );
        assert!(s.engine.store().deployments.contains_key(&("dev".to_string(), "web".to_string())));
        let replayed = replay_all(&Save::from_json(&save_of(&s).to_json()).expect("a valid save"));
        assert_eq!(replayed.engine.context_namespace(), "dev");
        assert_eq!(replayed.prompt(), "dev $");
        assert_eq!(cluster_text(&replayed.engine), cluster_text(&s.engine));
    }

    #[test]
    fn a_pod_shell_is_journaled_as_one_shot_execs_and_replays_to_the_same_cluster() {
        let mut s = Session::new(5);
        run(&mut s, "kubectl create deployment web --image=nginx:1.25\nkubectl expose deployment web --port=80");
        run(&mut s, "kubectl run -it --rm tmp --image=busybox -- sh");
        assert_eq!(s.prompt(), "/ #");
        run(&mut s, "wget -qO- http://web\nhostname\nexit");
        assert_eq!(s.prompt(), "$");
        run(&mut s, "kubectl wait --for=condition=available deploy/web\nkubectl exec -it deploy/web -- bash");
        assert!(s.prompt().starts_with("root@web-"), "{}", s.prompt());
        run(&mut s, "exit");
        let cmds: Vec<&str> = s.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(
            cmds,
            [
                "kubectl create deployment web --image=nginx:1.25",
                "kubectl expose deployment web --port=80",
                "kubectl run -it --rm tmp --image=busybox -- sh",
                "kubectl exec tmp -n default -c tmp -- wget -qO- http://web",
                "kubectl exec tmp -n default -c tmp -- hostname",
                "lab pod exit tmp -n default -c tmp 0",
                "kubectl delete pod tmp -n default --wait=false",
                "kubectl wait --for=condition=available deploy/web",
            ]
        );
        let replayed = replay_all(&Save::from_json(&save_of(&s).to_json()).expect("a valid save"));
        assert_eq!(cluster_text(&replayed.engine), cluster_text(&s.engine));
    }

    #[test]
    fn reads_are_not_journaled_and_mutations_are() {
        let mut s = Session::new(1);
        run(
            &mut s,
            "kubectl get pods\nkubectl describe nodes\nlab help\nnope\nkubectl apply -f manifest.yaml\nlab advance 5s",
        );
        let cmds: Vec<&str> = s.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(cmds, ["kubectl apply -f manifest.yaml", "lab advance 5s"]);
        assert_eq!(s.journal[0].files, editor(), "the file's text is kept with the command");
        assert_eq!(s.journal[1].t, 0);
    }

    #[test]
    fn reset_and_new_seeds_start_the_journal_again() {
        let mut s = Session::new(1);
        run(&mut s, "kubectl apply -f manifest.yaml\nlab advance 1m\nlab reset");
        assert!(s.journal.is_empty(), "{:?}", s.journal);
        assert_eq!((s.seed(), s.engine.now().0), (1, 0));
        run(&mut s, "lab advance 5s\nlab seed 9\nlab seed nope\nkubectl apply -f manifest.yaml\nlab time\nlab export\nlab time next");
        assert_eq!(s.seed(), 9);
        let cmds: Vec<&str> = s.journal.iter().map(|e| e.command.as_str()).collect();
        assert_eq!(cmds, ["lab seed nope", "kubectl apply -f manifest.yaml", "lab time next"]);
        let replayed = replay_all(&Save::from_json(&save_of(&s).to_json()).expect("a valid save"));
        assert_eq!(cluster_text(&replayed.engine), cluster_text(&s.engine));
    }

    #[test]
    fn replay_can_stop_and_resume_at_any_point() {
        let live = busy_session(100);
        let save = save_of(&live);
        let mut r = Replay::new(&save);
        let mut calls = 0;
        let mut slices = 0;
        while r
            .work(&mut || {
                calls += 1;
                calls % 7 == 0
            })
            .is_none()
        {
            slices += 1;
        }
        assert!(slices > 3, "the budget was asked for and honoured ({slices} slices)");
        assert_eq!(cluster_text(&r.finish().engine), cluster_text(&live.engine));
    }

    #[test]
    fn a_long_lab_advance_replays_in_slices() {
        let mut s = Session::new(4);
        run(&mut s, "kubectl apply -f manifest.yaml\nkubectl expose deployment web --port 80\nlab advance 30s\nlab load start web --rps 5\nlab advance 2m");
        let save = save_of(&s);
        let mut r = Replay::new(&save);
        let mut seen = Vec::new();
        let mut calls = 0;
        while r
            .work(&mut || {
                calls += 1;
                calls % 50 == 0
            })
            .is_none()
        {
            seen.push(r.time().0);
        }
        assert!(seen.iter().any(|t| *t > 31_000 && *t < 150_000), "stopped inside the 2m advance: {seen:?}");
        assert_eq!(cluster_text(&r.finish().engine), cluster_text(&s.engine));
        assert_eq!(effect_of("lab advance 1h30m"), Some(Effect::Advance(5_400_000)));
        // Begun and continued in slices, live: the same cluster as the command run at once.
        let mut live = Session::new(4);
        run(&mut live, "kubectl apply -f manifest.yaml\nkubectl expose deployment web --port 80\nlab advance 30s\nlab load start web --rps 5");
        let target = live.begin_advance("lab advance 2m").expect("a lab advance");
        let mut calls = 0;
        while !live.continue_advance(target, &mut || {
            calls += 1;
            calls % 40 == 0
        }) {}
        assert_eq!(live.journal, s.journal);
        assert_eq!(cluster_text(&live.engine), cluster_text(&s.engine));
        assert_eq!(effect_of("lab advance 5s <<EOF"), None);
    }

    #[test]
    fn broken_saves_are_errors_with_reasons() {
        let good = save_of(&busy_session(u64::MAX)).to_json();
        assert!(matches!(Save::from_json("{nope"), Err(SaveError::Corrupt(_))));
        assert_eq!(
            Save::from_json(&good.replacen("\"version\":1", "\"version\":0", 1)),
            Err(SaveError::Version(Some(0)))
        );
        assert_eq!(Save::from_json("{}"), Err(SaveError::Version(None)));
        let e = Save::from_json(&good.replacen("\"speed\":20", "\"speed\":7", 1)).unwrap_err();
        assert!(e.to_string().contains("speed 7"), "{e}");
        let e = Save::from_json(&good.replacen(
            "\"journal\":[",
            "\"journal\":[{\"t\":999999999,\"command\":\"x\",\"files\":{}},",
            1,
        ))
        .unwrap_err();
        assert!(e.to_string().contains("journal entry 2: dated before"), "{e}");
        for cut in (0..good.len()).step_by(97) {
            assert!(Save::from_json(&good[..cut]).is_err());
        }
    }

    #[test]
    fn editor_tabs_round_trip_and_a_save_from_before_tabs_opens_as_one_tab() {
        let mut save = save_of(&busy_session(u64::MAX));
        save.tabs.open("app.yaml", "kind: Pod\n");
        save.tabs.select(0);
        let text = save.to_json();
        let back = Save::from_json(&text).expect("reads");
        assert_eq!(back.tabs, save.tabs);
        assert_eq!(back.to_json(), text, "byte-identical");
        // The format before tabs: only "editor".
        let mut old: serde_json::Value = serde_json::from_str(&text).unwrap();
        if let Some(fields) = old.as_object_mut() {
            fields.retain(|k, _| k != "tabs" && k != "active");
        }
        let back = Save::from_json(&old.to_string()).expect("reads");
        assert_eq!(back.tabs.files(), [(crate::tabs::FIRST_TAB.to_string(), save.tabs.active_text().to_string())]);
        // Tampered tabs are refused with a reason.
        for (from, to, why) in [
            ("\"active\":0", "\"active\":9", "active tab 9"),
            ("\"app.yaml\"", "\"../x\"", "not a usable file name"),
            ("\"tabs\":[", "\"tabs\":[7,", "not [name, text]"),
        ] {
            let e = Save::from_json(&text.replacen(from, to, 1)).unwrap_err();
            assert!(e.to_string().contains(why), "{from}: {e}");
        }
    }

    #[test]
    fn long_journal_replays_in_reasonable_time() {
        // A workshop's worth: 200 commands over two simulated hours, the last ten minutes
        // with a load generator running.
        let mut s = Session::new(3);
        run(&mut s, "kubectl apply -f manifest.yaml\nkubectl expose deployment web --port 80");
        for i in 0..200 {
            if i == 180 {
                run(&mut s, "lab load start web --rps 5");
            }
            s.advance(36_000, &mut never());
            let n = 2 + i % 4;
            run(&mut s, &format!("kubectl scale deployment web --replicas={n}"));
        }
        let save = save_of(&s);
        let started = std::time::Instant::now();
        let replayed = replay_all(&save);
        let took = started.elapsed();
        eprintln!("replayed {} commands over {} s simulated in {took:?}", save.journal.len(), save.now / 1000);
        assert_eq!(cluster_text(&replayed.engine), cluster_text(&s.engine));
    }
}
