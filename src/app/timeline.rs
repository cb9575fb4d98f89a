//! The timeline: dragged back, the clock pauses and the cluster as it was at that moment is
//! rebuilt (`kubelab_lab::timeline`, a slice per tick); back to live, the clock plays again if
//! it was playing.

use super::{App, Past, TICK_BUDGET_MS};
use kubelab_lab::platform::deadline;

impl App {
    /// The timeline dragged to simulated time `t`.
    pub(super) fn scrub(&mut self, t: u64) -> bool {
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
        let was_playing = self.past.as_ref().map_or(!self.clock.paused, |p| p.was_playing);
        self.clock.paused = true;
        let replay = self.snapshots.replay_to(self.session.seed(), self.session.journal(), t);
        let shown = self.past.take().and_then(|p| p.engine);
        self.past = Some(Past { target: t, replay: Some(replay), engine: shown, was_playing });
        true
    }

    pub(super) fn live(&mut self) -> bool {
        self.go_live();
        true
    }

    /// A slice of rebuilding the moment looked back at; once rebuilt, it is shown.
    pub(super) fn rebuild_past(&mut self) {
        let Some(p) = &mut self.past else { return };
        let Some(r) = &mut p.replay else { return };
        if r.work(&mut deadline(&self.platform, TICK_BUDGET_MS)).is_some() {
            let r = p.replay.take().expect("a replay");
            p.engine = Some(r.finish().into_engine());
        }
    }

    /// Leaves the timeline's past for the live cluster, playing again if it was.
    pub(super) fn go_live(&mut self) {
        if let Some(p) = self.past.take() {
            self.clock.paused = !p.was_playing;
            self.clock.restart();
        }
    }
}
