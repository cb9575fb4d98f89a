//! The console: command lines typed, pasted or sent by a button run through the session
//! and print what they printed; Tab completion; Ctrl-C; the page's own remarks.

use super::{App, COMMAND_SETTLE_MS, CONSOLE_LINES};
use crate::components::{ConsoleLine, LineKind};
use crate::lessons::find;
use crate::session::{Ran, TextFiles, HISTORY_LIMIT};
use kubelab_kubectl::effect::Effect;
use kubelab_lab::platform::{deadline, Platform};
use std::rc::Rc;
use yew::prelude::*;

impl App {
    /// Console text typed or pasted: it goes into the history.
    pub(super) fn run_typed(&mut self, ctx: &Context<Self>, text: &str) -> bool {
        self.run(text, true);
        self.print_stream();
        self.save(ctx);
        self.check_lesson(ctx, self.platform.now_ms(), true);
        true
    }

    /// A button's command (the map's, the inspector's, the traffic panel's).
    pub(super) fn run_button(&mut self, ctx: &Context<Self>, cmd: &str) -> bool {
        self.run(cmd, false);
        self.save(ctx);
        self.check_lesson(ctx, self.platform.now_ms(), true);
        true
    }

    /// Tab on this line.
    pub(super) fn complete(&mut self, line: &str) -> bool {
        // On a machine (`lab ssh`), lines run as `lab on <machine> ...`: complete that.
        let prefix = self.session.machine().map(|m| format!("lab on {m} ")).unwrap_or_default();
        let c = kubelab_kubectl::complete::complete(self.session.engine(), &format!("{prefix}{line}"));
        let full = c.apply(&format!("{prefix}{line}"));
        let serial = self.completion.as_ref().map(|c| c.0 + 1).unwrap_or(0);
        let shown = full.strip_prefix(&prefix).unwrap_or(&full).to_string();
        self.completion = Some(Rc::new((serial, shown, c.candidates)));
        true
    }

    /// Ctrl-C.
    pub(super) fn interrupt(&mut self) -> bool {
        if self.session.interrupt() {
            self.print(LineKind::Command, "^C".into());
        }
        true
    }

    pub(super) fn clear_console(&mut self) -> bool {
        self.console = Rc::default();
        true
    }

    /// Runs console text through the session and shows it in the console: each command's
    /// lines with `$ ` before the first, then what it printed.
    pub(super) fn run(&mut self, text: &str, typed: bool) -> Vec<Ran> {
        // A command acts on the live cluster: looking back ends first.
        self.go_live();
        match kubelab_kubectl::effect::effect_of(text) {
            Some(Effect::Clock(change)) => {
                // The page's own clock: not the cluster's state, so not journaled.
                let (ok, reply) = self.clock.change(&change);
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
        self.session.settle_some(&mut deadline(&self.platform, COMMAND_SETTLE_MS));
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

    pub(super) fn print(&mut self, kind: LineKind, text: String) {
        let mut lines = (*self.console).clone();
        lines.push(ConsoleLine::new(kind, text));
        let extra = lines.len().saturating_sub(CONSOLE_LINES);
        lines.drain(..extra);
        self.console = Rc::new(lines);
    }

    /// The page's own remark in the console.
    pub(super) fn info(&mut self, text: &str) {
        self.print(LineKind::Info, format!("# {text}"));
    }

    /// Runs a lesson's script one command at a time, so its clock settings (`lab time
    /// speed 20`, `lab time pause`) set the page's clock as typed ones do.
    pub(super) fn run_each(&mut self, script: &str) {
        let Ok(commands) = kubelab_kubectl::script::parse_script(script) else {
            self.run(script, false); // prints the parse error
            return;
        };
        for c in commands {
            let text = c.echo.join("\n");
            if let Some(Effect::Clock(change)) = kubelab_kubectl::effect::effect_of(&text) {
                self.clock.change(&change);
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
    fn print_ran(&mut self, ran: &[Ran], typed: bool) {
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
    pub(super) fn print_stream(&mut self) {
        for l in self.session.poll_console() {
            self.print(LineKind::Stdout, l);
        }
    }
}
