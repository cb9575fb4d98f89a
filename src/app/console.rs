//! The console: command lines typed, pasted or sent by a button run through the lab
//! (`kubelab_lab::lab::Lab::run`), Tab completion, Ctrl-C.

use super::App;
use crate::components::LineKind;
use crate::lessons::find;
use crate::session::Ran;
use kubelab_lab::platform::Platform;
use std::rc::Rc;
use yew::prelude::*;

impl App {
    /// Console text typed or pasted: it goes into the history.
    pub(super) fn run_typed(&mut self, ctx: &Context<Self>, text: &str) -> bool {
        self.run(text, true);
        self.lab.print_stream();
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
        let session = &self.lab.session;
        let prefix = session.machine().map(|m| format!("lab on {m} ")).unwrap_or_default();
        let c = kubelab_kubectl::complete::complete(session.engine(), &format!("{prefix}{line}"));
        let full = c.apply(&format!("{prefix}{line}"));
        let serial = self.completion.as_ref().map(|c| c.0 + 1).unwrap_or(0);
        let shown = full.strip_prefix(&prefix).unwrap_or(&full).to_string();
        self.completion = Some(Rc::new((serial, shown, c.candidates)));
        true
    }

    /// Ctrl-C.
    pub(super) fn interrupt(&mut self) -> bool {
        if self.lab.session.interrupt() {
            self.lab.console.print(LineKind::Command, "^C".into());
        }
        true
    }

    pub(super) fn clear_console(&mut self) -> bool {
        self.lab.console.clear();
        true
    }

    /// Runs console text through the lab, with the open lesson's files beside the editor's.
    pub(super) fn run(&mut self, text: &str, typed: bool) -> Vec<Ran> {
        let extra = self.lesson_files();
        let journaled = self.lab.session.journal().len();
        let ran = self.lab.run(&self.platform, text, typed, &extra);
        if self.lab.session.journal().len() < journaled {
            self.blast.clear(); // a fresh cluster: the lines it named are gone
        }
        ran
    }

    /// The page's own remark in the console.
    pub(super) fn info(&mut self, text: &str) {
        self.lab.console.info(text);
    }

    /// The open lesson's files up to its step, which `-f NAME` can read too.
    pub(super) fn lesson_files(&self) -> Vec<(String, String)> {
        let Some(o) = self.progress.open.as_ref() else { return Vec::new() };
        find(&self.lessons, &o.lesson).map(|l| o.files(l).into_iter().collect()).unwrap_or_default()
    }
}
