//! The lab in the browser: saved after each command and every few seconds of clock, read
//! and replayed when the page opens (`kubelab_lab::save`), and Reset.

use super::{App, AppProps, Restoring, RESTORE_BUDGET_MS, SAVE_EVERY_MS};
use crate::model::format_sim_time;
use crate::session::{Replay, Save};
use kubelab_lab::platform::{deadline, Platform};
use kubelab_lab::save::{load, replaying_marker};
use yew::prelude::*;

impl App {
    /// Reset: a fresh cluster. Also the way out of a restore or a `lab advance` that takes
    /// too long.
    pub(super) fn reset(&mut self, ctx: &Context<Self>) -> bool {
        if let Some(r) = self.restoring.take() {
            self.platform.remove(&r.marker);
        }
        self.selected = None;
        let extra = self.lesson_files();
        self.lab.reset(&self.platform, &extra);
        self.save(ctx);
        true
    }

    /// The page is hidden or left.
    pub(super) fn save_now(&mut self, ctx: &Context<Self>) -> bool {
        self.save(ctx);
        false
    }

    /// Reads the save: a lab to replay, or a notice saying why there is a fresh one.
    pub(super) fn load(&mut self, key: &str, props: &AppProps) {
        match load(&self.platform, key, props.seed_requested.then_some(props.seed)) {
            Ok(Some(save)) => self.restore(key, save),
            Ok(None) => {}
            Err(notice) => self.notice = Some(notice),
        }
    }

    /// Starts replaying a save (from this browser or a share link).
    pub(super) fn restore(&mut self, key: &str, save: Save) {
        let marker = replaying_marker(key);
        self.lab.begin_restore(&save);
        self.platform.set(&marker, "1");
        self.restoring = Some(Restoring { replay: Replay::new(&save), started: self.platform.now_ms(), marker });
    }

    /// Replays a slice of the saved journal; when it is all replayed, the lab is back.
    pub(super) fn work_on_restore(&mut self) {
        let Some(r) = &mut self.restoring else { return };
        if r.replay.work(&mut deadline(&self.platform, RESTORE_BUDGET_MS)).is_none() {
            return;
        }
        let Some(r) = self.restoring.take() else { return };
        self.platform.remove(&r.marker);
        let (commands, _) = r.replay.progress();
        let took = match (r.started, self.platform.now_ms()) {
            (Some(a), Some(b)) => format!(" in {:.0} ms", b - a),
            _ => String::new(),
        };
        self.lab.finish_restore(r.replay.finish());
        let text = format!(
            "Restored your lab from this browser: seed {}, {commands} command(s) replayed, sim time {}{took}.",
            self.lab.session.seed(),
            format_sim_time(self.lab.session.engine().now().0)
        );
        #[cfg(target_arch = "wasm32")]
        gloo::console::log!(format!("kubelab: {text}"));
        self.info(&text);
    }

    pub(super) fn maybe_save(&mut self, ctx: &Context<Self>, now: Option<f64>) {
        let due = match (self.last_save, now) {
            (Some(last), Some(now)) => now - last >= SAVE_EVERY_MS,
            _ => true,
        };
        if self.lab.dirty || due {
            self.save(ctx);
        }
    }

    pub(super) fn save(&mut self, ctx: &Context<Self>) {
        let Some(key) = &ctx.props().save_key else { return };
        if self.restoring.is_some() {
            return; // the old save stays until its lab is back
        }
        let save = self.lab.save();
        if !self.platform.set(key, &save.to_json()) && self.notice.is_none() {
            self.notice = Some("This browser would not let the lab be saved (storage is full or disabled): a reload will start a fresh cluster.".into());
        }
        self.lab.dirty = false;
        self.last_save = self.platform.now_ms();
    }
}
