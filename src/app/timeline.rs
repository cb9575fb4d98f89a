//! The timeline: dragged back, the clock pauses and the cluster as it was at that moment is
//! rebuilt a slice per tick (`Lab::scrub`); back to live, the clock plays again if it was
//! playing.

use super::App;

impl App {
    /// The timeline dragged to simulated time `t`.
    pub(super) fn scrub(&mut self, t: u64) -> bool {
        if self.lab.restoring.is_some() {
            return false;
        }
        self.lab.scrub(t)
    }

    pub(super) fn live(&mut self) -> bool {
        self.lab.go_live();
        true
    }
}
