//! Presenter mode (a demo script stepped through, checkpoints, keyboard shortcuts) and share
//! links (the lab and the lesson step, packed into an address).

use super::{App, Msg};
use crate::lessons::find;
use crate::model::{format_sim_time, load_targets};
use crate::presenter::{kill_or_restore, shortcut, toggle_load, Demo, Shortcut};
use kubelab_lab::platform::Platform;
use yew::prelude::*;

impl App {
    pub(super) fn toggle_presenter(&mut self) -> bool {
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

    pub(super) fn demo_script(&mut self, text: &str) -> bool {
        let next = self.demo.next;
        self.demo = Demo::new(text);
        self.demo.next = next.min(self.demo.commands.len());
        true
    }

    pub(super) fn demo_next(&mut self, ctx: &Context<Self>) -> bool {
        if let Some(cmd) = self.demo.take_next() {
            self.run(&cmd, false);
            self.save(ctx);
            self.check_lesson(ctx, self.platform.now_ms(), true);
        }
        true
    }

    pub(super) fn demo_restart(&mut self) -> bool {
        self.demo.next = 0;
        true
    }

    pub(super) fn checkpoint(&mut self) -> bool {
        self.checkpoint = Some(self.lab.save());
        self.info(&format!(
            "Checkpoint saved at sim time {}: B (or Back to checkpoint) returns here.",
            format_sim_time(self.lab.session.engine().now().0)
        ));
        true
    }

    pub(super) fn back_to_checkpoint(&mut self, ctx: &Context<Self>) -> bool {
        if let Some(save) = self.checkpoint.clone() {
            let key = ctx.props().save_key.as_deref().unwrap_or(crate::SAVE_KEY).to_string();
            self.selected = None;
            self.lab.advancing = None;
            self.restore(&key, save);
            self.info("Back to the checkpoint: its commands replay into the same cluster.");
        }
        true
    }

    /// A key pressed outside the text fields, in presenter mode: its shortcut's message.
    pub(super) fn key(&mut self, ctx: &Context<Self>, key: &str) -> bool {
        let Some(s) = shortcut(key).filter(|_| self.presenter) else { return false };
        let msg = match s {
            Shortcut::Next => Msg::DemoNext,
            Shortcut::TogglePause => Msg::TogglePause,
            Shortcut::Speed(n) => Msg::Speed(n),
            Shortcut::KillOrRestore => Msg::Command(kill_or_restore(self.lab.session.engine())),
            Shortcut::ToggleLoad => {
                match toggle_load(self.lab.session.engine(), &load_targets(self.lab.session.engine())) {
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
        // K or L doing what the script's next step does: that step runs, and is marked done.
        let msg = match msg {
            Msg::Command(c) if self.demo.next_is(&c) => Msg::DemoNext,
            m => m,
        };
        <App as Component>::update(self, ctx, msg)
    }

    /// A share link for the lab (and the lesson step) as it is now.
    pub(super) fn share(&mut self) -> bool {
        let shared = crate::share::Shared {
            save: self.lab.save(),
            lesson: self.progress.open.as_ref().map(|o| (o.lesson.clone(), o.step)),
        };
        let code = crate::share::encode(&shared);
        if code.len() > crate::share::MAX_LINK_CHARS {
            self.notice = Some("This lab is too big to share as a link (its command journal is too long): start from a lesson or a reset to share a shorter one.".into());
            self.share_link = None;
        } else {
            self.share_link = Some(format!("{}#share={code}", super::dom::page_address()));
        }
        true
    }
}
