//! The lab in the browser: saved after each command and every few seconds of clock, read
//! and replayed when the page opens (`kubelab_lab::save`), a share link opened (never over
//! saved work without asking), and Reset.

use super::{App, AppProps, RESTORE_BUDGET_MS, SAVE_EVERY_MS};
use crate::components::LessonsLoad;
use crate::session::Save;
use kubelab_lab::platform::Platform;
use kubelab_lab::save::load;
use yew::prelude::*;

impl App {
    /// Reset: a fresh cluster. Also the way out of a restore or a `lab advance` that takes
    /// too long.
    pub(super) fn reset(&mut self, ctx: &Context<Self>) -> bool {
        self.lab.cancel_restore(&self.platform);
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

    /// The page opens: a share link in the address, or the lab saved in this browser. A link
    /// that would replace saved work waits for the learner's answer (`answer_shared`) while the
    /// saved lab comes back; a damaged link says why and keeps the saved lab.
    pub(super) fn open(&mut self, key: &str, props: &AppProps) {
        // A link may open a lesson: it waits for the lessons (the controls wait with it).
        if props.shared.is_some() && self.lessons_load == LessonsLoad::Loading {
            self.share_waits = true;
            return;
        }
        let shared = props.shared.as_deref().map(|s| crate::share::decode(s, &self.lessons));
        match shared {
            Some(Ok(shared)) => match crate::share::work_at_stake(&self.platform, key) {
                None => {
                    self.load_progress();
                    self.open_shared(key, shared);
                }
                Some(work) => {
                    self.load(key, props);
                    self.load_progress();
                    self.pending_share = Some((shared, work));
                }
            },
            Some(Err(e)) => {
                self.load(key, props);
                self.load_progress();
                let kept =
                    if self.lab.restoring.is_some() { "Your saved lab is kept." } else { "Here is a fresh lab." };
                let earlier = self.notice.take().map(|n| format!(" {n}")).unwrap_or_default();
                self.notice = Some(format!("This share link could not be opened: {e}. {kept}{earlier}"));
            }
            None => {
                self.load(key, props);
                self.load_progress();
            }
        }
    }

    /// "Open the shared lab" (true) or "Keep mine" (false).
    pub(super) fn answer_shared(&mut self, ctx: &Context<Self>, open: bool) -> bool {
        let Some((shared, _)) = self.pending_share.take() else { return false };
        if open {
            let Some(key) = ctx.props().save_key.clone() else { return true };
            self.lab.cancel_restore(&self.platform);
            self.selected = None;
            self.open_shared(&key, shared);
            self.work_on_restore();
        }
        true
    }

    fn open_shared(&mut self, key: &str, shared: crate::share::Shared) {
        self.progress.open = shared.lesson.map(|(lesson, step)| super::Open { lesson, step, ..Default::default() });
        self.restore(key, shared.save);
        self.info("Opened a shared lab: its commands replay into the same cluster.");
    }

    /// Reads the save: a lab to replay, or a notice saying why there is a fresh one.
    pub(super) fn load(&mut self, key: &str, props: &AppProps) {
        match load(&self.platform, key, props.seed_requested.then_some(props.seed)) {
            Ok(Some(save)) => self.restore(key, save),
            Ok(None) => {}
            Err(notice) => self.notice = Some(notice),
        }
    }

    /// Starts replaying a save (from this browser, a share link or a checkpoint).
    pub(super) fn restore(&mut self, key: &str, save: Save) {
        self.lab.restore(&self.platform, key, &save);
    }

    /// Replays a slice of the saved journal; when it is all replayed, the lab is back.
    pub(super) fn work_on_restore(&mut self) {
        let Some(text) = self.lab.work_on_restore(&self.platform, RESTORE_BUDGET_MS) else { return };
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
        if self.lab.restoring.is_some() {
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
