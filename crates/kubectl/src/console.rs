//! A console session: what persists between lines. `kubectl get -w` keeps watching; the
//! changes it sees are printed while simulated time runs (in the runner: during the next
//! `lab advance`, after which the watch ends, as if Ctrl-C had been pressed).

use crate::{execute, Ctx, Output};
use kubelab_engine::Engine;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct Console {
    watch: Option<Watch>,
    follow: Option<Follow>,
    /// The VM-era machine the console is logged in to (`lab ssh`).
    on: Option<String>,
    /// The pod shell the console is in (`kubectl exec -it`, `kubectl run -it`).
    shell: Option<crate::pod_shell::PodShell>,
    /// What the journal keeps for the last line when the pod shell ran it as other
    /// commands (maybe none); None: the line as typed.
    journal_as: Option<Vec<String>>,
    /// Leave the controllers' reaction to a plain command unsettled (see
    /// `execute_unsettled`).
    defer_settle: bool,
}

/// `kubectl logs -f`: new lines of one container instance while the clock runs.
#[derive(Clone, Debug)]
struct Follow {
    ns: String,
    pod: String,
    container: String,
    uid: String,
    /// The last line printed: its time and how many lines at that time were printed.
    last: (kubelab_api::Time, usize),
}

impl Follow {
    fn poll(&mut self, engine: &Engine, out: &mut Vec<String>) -> bool {
        let alive =
            engine.store().pods.get(&(self.ns.clone(), self.pod.clone())).is_some_and(|p| p.metadata.uid == self.uid);
        if !alive {
            return false;
        }
        let Ok(lines) = engine.container_logs(&self.ns, &self.pod, &self.container, false) else { return false };
        let (t0, n0) = self.last;
        let mut same = 0;
        for (t, l) in &lines {
            if *t < t0 {
                continue;
            }
            if *t == t0 {
                same += 1;
                if same <= n0 {
                    continue;
                }
            }
            out.push(l.clone());
            if *t == self.last.0 {
                self.last.1 += 1;
            } else {
                self.last = (*t, 1);
            }
        }
        true
    }
}

#[derive(Clone, Debug)]
struct Watch {
    /// The `kubectl get` line without -w.
    line: String,
    age_col: Option<usize>,
    /// Row cells by object name (first column), as last printed.
    rows: BTreeMap<String, Vec<String>>,
    /// tabwriter.RememberWidths: column widths only grow.
    widths: Vec<usize>,
}

fn table_rows(engine: &mut Engine, line: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut nothing = |_: &Engine| {};
    let mut ctx = Ctx { files: &crate::NoFiles, stdin: None, observe: &mut nothing };
    let out = execute(engine, line, &mut ctx);
    let mut lines = out.lines.iter().filter(|(err, _)| !err).map(|(_, l)| l.clone());
    let header = lines.next().map(|h| split_cells(&h)).unwrap_or_default();
    (header, lines.filter(|l| !l.is_empty()).map(|l| split_cells(&l)).collect())
}

/// Splits a tabwriter-aligned line back into cells (columns are separated by 2+ spaces,
/// or 1+ when a cell filled its column exactly minus padding).
fn split_cells(line: &str) -> Vec<String> {
    line.split("   ").map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()
}

impl Watch {
    fn format(&mut self, cells: &[String]) -> String {
        for (i, c) in cells.iter().enumerate().take(cells.len().saturating_sub(1)) {
            let w = (c.chars().count() + 3).max(6);
            if self.widths.len() <= i {
                self.widths.push(w);
            } else if self.widths[i] < w {
                self.widths[i] = w;
            }
        }
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            s.push_str(c);
            if i + 1 < cells.len() {
                for _ in c.chars().count()..self.widths[i] {
                    s.push(' ');
                }
            }
        }
        s
    }

    fn without_age(&self, cells: &[String]) -> Vec<String> {
        cells.iter().enumerate().filter(|(i, _)| Some(*i) != self.age_col).map(|(_, c)| c.clone()).collect()
    }

    fn poll(&mut self, engine: &mut Engine, out: &mut Vec<String>) {
        let (_, rows) = table_rows(engine, &self.line);
        let mut seen = BTreeMap::new();
        for r in rows {
            let Some(name) = r.first().cloned() else { continue };
            let changed = self.rows.get(&name).is_none_or(|old| self.without_age(old) != self.without_age(&r));
            if changed {
                let text = self.format(&r);
                out.push(text);
            }
            seen.insert(name, r);
        }
        // Deleted objects: their last row once more.
        let gone: Vec<Vec<String>> =
            self.rows.iter().filter(|(n, _)| !seen.contains_key(*n)).map(|(_, r)| r.clone()).collect();
        for r in gone {
            let text = self.format(&r);
            out.push(text);
        }
        self.rows = seen;
    }
}

impl Console {
    pub fn new() -> Console {
        Console::default()
    }

    /// Whether a `kubectl get -w` is running.
    pub fn watching(&self) -> bool {
        self.watch.is_some()
    }

    /// Stops a running watch or log follow (Ctrl-C).
    pub fn interrupt(&mut self) {
        self.watch = None;
        self.follow = None;
    }

    /// A console whose plain commands leave the settling to the caller.
    pub fn deferring() -> Console {
        Console { defer_settle: true, ..Console::default() }
    }

    /// Whether a `get -w` or a `logs -f` is running.
    pub fn streaming(&self) -> bool {
        self.watch.is_some() || self.follow.is_some()
    }

    /// What a running watch or log follow has seen since it last looked: the page calls
    /// this as its clock runs (the runner prints them during `lab advance`).
    pub fn poll(&mut self, engine: &mut Engine) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(w) = self.watch.as_mut() {
            w.poll(engine, &mut out);
        }
        if let Some(f) = self.follow.as_mut() {
            if !f.poll(engine, &mut out) {
                self.follow = None;
            }
        }
        out
    }

    /// The machine `lab ssh` logged in to, if any.
    pub fn machine(&self) -> Option<&str> {
        self.on.as_deref()
    }

    /// The pod shell the console is in, if any: its prompt says where lines run.
    pub fn pod_shell(&self) -> Option<&crate::pod_shell::PodShell> {
        self.shell.as_ref()
    }

    /// What the journal keeps for the line `execute` just ran, when that is not the line as
    /// typed: a line typed in a pod shell is journaled as its one-shot `kubectl exec`; `exit`
    /// as what it did (`lab pod exit`, `kubectl delete`); opening a shell with exec as nothing.
    pub fn take_journal_as(&mut self) -> Option<Vec<String>> {
        self.journal_as.take()
    }

    /// Runs one line in this session.
    pub fn execute(&mut self, engine: &mut Engine, line: &str, ctx: &mut Ctx) -> Output {
        self.journal_as = None;
        let rewritten = match crate::vm::session_line(&mut self.on, engine, line) {
            crate::vm::SessionLine::Done(out) => return out,
            crate::vm::SessionLine::Run(l) => l,
        };
        if self.on.is_none() {
            if let crate::pod_shell::ShellLine::Done { out, journal } =
                crate::pod_shell::shell_line(&mut self.shell, engine, &rewritten, ctx)
            {
                self.journal_as = Some(journal);
                return out;
            }
        }
        let line = rewritten.as_str();
        // `kubectl -n dev get pods -w` watches as `kubectl get pods -w -n dev` does.
        let words = crate::effect::words_as_run(line).unwrap_or_default();
        let kubectl_verb = match words.first().map(|s| s.as_str()) {
            Some("kubectl" | "k") => words.get(1).map(|s| s.as_str()),
            _ => None,
        };
        if kubectl_verb == Some("get") && words.iter().any(is_watch_flag) {
            return self.start_watch(engine, &words, ctx);
        }
        if kubectl_verb == Some("logs") && words.iter().any(is_follow_flag) {
            return self.start_follow(engine, &words, ctx);
        }
        let advances = matches!(words.first().map(|s| s.as_str()), Some("lab"))
            && matches!(words.get(1).map(|s| s.as_str()), Some("advance" | "time"));
        if advances && (self.follow.is_some() || self.watch.is_some()) {
            return self.advance_streaming(engine, line, ctx);
        }
        if self.defer_settle {
            crate::execute_unsettled(engine, line, ctx)
        } else {
            execute(engine, line, ctx)
        }
    }

    /// `kubectl get ... -w`: prints the first listing, then keeps watching (see `Watch`).
    fn start_watch(&mut self, engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
        let watch_only = words.iter().any(|w| w == "--watch-only");
        let plain: Vec<String> = words.iter().filter(|w| !is_watch_flag(w)).cloned().collect();
        let plain_line = plain
            .iter()
            .map(|w| if w.contains(' ') || w.is_empty() { format!("'{w}'") } else { w.clone() })
            .collect::<Vec<_>>()
            .join(" ");
        if plain.iter().any(|w| w.starts_with("-o") && !w.contains("wide")) || plain.iter().any(|w| w == "--output") {
            return Output::error("error: this lab watches tables only: use -w without -o (or with -o wide)");
        }
        let out = execute(engine, &plain_line, ctx);
        if !out.ok {
            return out;
        }
        let (header, rows) = table_rows(engine, &plain_line);
        let mut w = Watch {
            line: plain_line,
            age_col: header.iter().position(|h| h == "AGE"),
            rows: BTreeMap::new(),
            widths: Vec::new(),
        };
        let mut printed = Output::new();
        // The first listing is flushed as one table: header and rows share widths.
        if !watch_only {
            w.format(&header);
            for r in &rows {
                w.format(r);
            }
        }
        if !header.is_empty() && !watch_only {
            printed.out(w.format(&header));
        }
        for r in rows {
            let text = w.format(&r);
            if !watch_only {
                printed.out(text);
            }
            if let Some(n) = r.first() {
                w.rows.insert(n.clone(), r);
            }
        }
        if rows_empty(&printed) && !watch_only {
            printed = out;
        }
        self.watch = Some(w);
        printed
    }

    /// `kubectl logs ... -f`: prints the logs so far, then keeps following (see `Follow`).
    fn start_follow(&mut self, engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
        let plain: Vec<String> = words.iter().filter(|w| !is_follow_flag(w)).cloned().collect();
        let plain_line = plain
            .iter()
            .map(|w| if w.contains(' ') || w.is_empty() { format!("'{w}'") } else { w.clone() })
            .collect::<Vec<_>>()
            .join(" ");
        let out = execute(engine, &plain_line, ctx);
        if out.ok {
            if let Some((ns, pod, container)) = crate::logs::follow_target(engine, &plain[2..]) {
                let uid = engine
                    .store()
                    .pods
                    .get(&(ns.clone(), pod.clone()))
                    .map(|p| p.metadata.uid.clone())
                    .unwrap_or_default();
                let mut f = Follow { ns, pod, container, uid, last: (kubelab_api::Time(0), 0) };
                let mut sink = Vec::new();
                f.poll(engine, &mut sink);
                self.follow = Some(f);
            }
        }
        out
    }

    /// `lab advance` while following logs or watching: runs the advance in steps of the
    /// engine's events and prints what the follow or the watch saw at each.
    fn advance_streaming(&mut self, engine: &mut Engine, line: &str, ctx: &mut Ctx) -> Output {
        let mut lines = Vec::new();
        let out = if let Some(mut f) = self.follow.take() {
            execute_streaming(
                engine,
                line,
                ctx,
                &mut |e, l| {
                    f.poll(e, l);
                },
                &mut lines,
            )
        } else {
            let mut w = self.watch.take().expect("checked by the caller");
            // Watch at every instant: run the advance in steps of the engine's events.
            execute_streaming(engine, line, ctx, &mut |e, l| w.poll(e, l), &mut lines)
        };
        let mut o = Output::new();
        for l in lines {
            o.out(l);
        }
        o.extend(out);
        o
    }
}

fn is_watch_flag(w: &String) -> bool {
    w == "-w" || w == "--watch" || w == "--watch=true" || w == "--watch-only"
}

fn is_follow_flag(w: &String) -> bool {
    w == "-f" || w == "--follow" || w == "--follow=true"
}

fn rows_empty(o: &Output) -> bool {
    o.lines.iter().all(|(_, l)| l.is_empty())
}

/// Runs `lab advance D` instant by instant so a watch or a log follow sees every change.
fn execute_streaming(
    engine: &mut Engine,
    line: &str,
    ctx: &mut Ctx,
    poll: &mut dyn FnMut(&mut Engine, &mut Vec<String>),
    lines: &mut Vec<String>,
) -> Output {
    let words = crate::shell::split_words(line).unwrap_or_default();
    let dur =
        words.iter().rev().find(|x| x.chars().next().is_some_and(|c| c.is_ascii_digit())).cloned().unwrap_or_default();
    let Ok(ms) = kubelab_engine::duration::parse_duration(&dur) else {
        return execute(engine, line, ctx);
    };
    let target = engine.now().0.saturating_add(ms);
    // Changes made since the watch started (by other commands) show up first.
    poll(engine, lines);
    loop {
        let next = engine.next_event().map(|t| t.0).filter(|t| *t <= target);
        let step = match next {
            Some(t) => t - engine.now().0,
            None => target - engine.now().0,
        };
        engine.advance(step, &mut *ctx.observe);
        poll(engine, lines);
        if next.is_none() || engine.now().0 >= target {
            break;
        }
    }
    let mut out = Output::new();
    out.out(format!(
        "advanced {}; simulated time is now {}",
        kubelab_engine::duration::format_clock(ms),
        kubelab_engine::duration::format_clock(engine.now().0)
    ));
    out
}
