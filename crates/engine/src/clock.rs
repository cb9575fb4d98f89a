//! The clock: settling an instant, and advancing from one instant to the next.

use crate::*;

/// At most this many controller passes at one instant before the engine stops (a guard
/// against a controller that never settles; reaching it is a bug, reported, never a hang).
const MAX_PASSES: usize = 200;

impl Engine {
    /// Runs every controller, the scheduler and the kubelets at the current instant until
    /// nothing changes.
    pub fn settle(&mut self) {
        self.settle_passes();
        self.settled_rv = self.store.resource_version();
        self.finish_instant();
    }

    /// The load generator's turn at an instant whose settling was spread over several calls.
    pub(crate) fn finish_instant(&mut self) {
        if self.mid_instant.take().is_some() {
            self.run_load();
        }
    }

    /// A change outside the store (a machine powered off or on, a process killed): the
    /// next advance settles even if nothing was written.
    pub(crate) fn touch(&mut self) {
        self.settled_rv = u64::MAX;
    }

    pub(crate) fn settle_passes(&mut self) {
        for _ in 0..MAX_PASSES {
            if !self.settle_pass() {
                return;
            }
        }
        // A controller that never settles is a bug in the lab, not in the learner's input:
        // stop here (the page stays alive) and carry on at the next instant.
    }

    /// Settles a pass at a time until nothing changes or `out_of_time()`: true once settled.
    /// Stopping between passes changes nothing: the passes that follow are the same ones
    /// (the page spreads a big change, such as 1,000 new pods, over several frames).
    pub fn settle_some(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        if self.store.resource_version() == self.settled_rv {
            return true;
        }
        for _ in 0..MAX_PASSES {
            match self.settle_pass_some(out_of_time) {
                None => return false,
                Some(false) => {
                    self.settled_rv = self.store.resource_version();
                    self.finish_instant();
                    return true;
                }
                Some(true) if out_of_time() => return false,
                Some(true) => {}
            }
        }
        self.settled_rv = self.store.resource_version();
        self.finish_instant();
        true
    }

    /// Whether everything written has been settled.
    pub fn is_settled(&self) -> bool {
        self.store.resource_version() == self.settled_rv
    }

    /// Writes made by each part of the cluster so far.
    pub fn activity(&self) -> Activity {
        Activity { api: self.store.resource_version(), ..self.activity }
    }

    pub(crate) fn next_wakeup(&self) -> Option<Time> {
        let load = self.load.as_ref().and_then(|l| l.next_event()).filter(|t| *t > self.now);
        [self.next_engine_wakeup(), load].into_iter().flatten().min()
    }

    /// The next moment a controller, kubelet or deletion has something to do (the load
    /// generator's requests aside).
    pub(crate) fn next_engine_wakeup(&self) -> Option<Time> {
        let now = self.now;
        let timer = self.wakeups.range(Time(now.0 + 1)..).next().copied();
        let kubelet = self.runtimes.next_wakeup(now);
        [timer, kubelet, self.next_pod_deletion(now)].into_iter().flatten().min()
    }

    /// The earliest pod deletion still to come (its deletionTimestamp, when the grace
    /// period ends). Remembered as `Runtimes::next_wakeup` is, until the store next moves:
    /// with traffic it is asked every few milliseconds, and going through 1,000 pods each
    /// time was a third of the engine's time (BENCHMARKS.md, session 19).
    fn next_pod_deletion(&self, now: Time) -> Option<Time> {
        let rv = self.store.resource_version();
        let work_out =
            || self.store.pods.values().filter_map(|p| p.metadata.deletion_timestamp).filter(|t| *t > now).min();
        if let Some(known) = self.next_deletion.0.get() {
            if known.resource_version == rv && known.asked_at <= now && known.next.is_none_or(|t| t > now) {
                #[cfg(debug_assertions)]
                assert_eq!(known.next, work_out(), "a pod's deletion changed without a write");
                return known.next;
            }
        }
        let next = work_out();
        self.next_deletion.0.set(Some(KnownDeletion { resource_version: rv, asked_at: now, next }));
        next
    }

    /// Advances the clock by `ms`, stopping at every instant something happens; `observe`
    /// sees the cluster after each such instant has settled.
    /// `advance` to `target`, stopping whenever `out_of_time()` says so: between instants, or
    /// inside one while it settles (1,000 pods turning Ready at one instant is one long
    /// settle); true once there. Calling it again (or `settle_some`, or anything that settles)
    /// goes on exactly where it stopped, so the cluster is the one `advance` would leave.
    pub fn advance_to_some(&mut self, target: Time, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        self.run_clock(target, out_of_time, &mut |_| {})
    }

    pub fn advance(&mut self, ms: u64, observe: &mut dyn FnMut(&Engine)) {
        let target = Time(self.now.0.saturating_add(ms));
        self.run_clock(target, &mut || false, observe);
    }

    /// The clock runs instant by instant to `target`; `observe` sees each instant this call
    /// completes. False when `out_of_time()` stopped it (see `advance_to_some`).
    pub(crate) fn run_clock(
        &mut self,
        target: Time,
        out_of_time: &mut dyn FnMut() -> bool,
        observe: &mut dyn FnMut(&Engine),
    ) -> bool {
        if !self.settle_some(out_of_time) {
            return false;
        }
        loop {
            match self.next_wakeup() {
                Some(t) if t <= target => {
                    // An instant when only the load generator acts, with nothing written
                    // since the last settle, needs no controller pass: it would change
                    // nothing (everything time-driven is a wakeup above).
                    let engine_due = self.next_engine_wakeup().is_some_and(|e| e <= t);
                    self.now = t;
                    self.wakeups = self.wakeups.split_off(&Time(t.0 + 1));
                    if engine_due || self.store.resource_version() != self.settled_rv {
                        // The passes `settle` runs (a timer due needs them even with nothing
                        // written); the load generator's turn follows when they are done.
                        self.touch();
                        self.mid_instant = Some(t);
                        if !self.settle_some(out_of_time) {
                            return false;
                        }
                    } else {
                        self.run_load();
                    }
                    observe(self);
                    if out_of_time() {
                        return self.now >= target && self.is_settled();
                    }
                }
                _ => {
                    // Nothing is due before the target: time alone changes nothing.
                    self.now = self.now.max(target);
                    if !self.settle_some(out_of_time) {
                        return false;
                    }
                    observe(self);
                    return true;
                }
            }
        }
    }

    /// Runs the clock to the next scheduled event (or not at all if nothing is scheduled).
    pub fn step(&mut self, observe: &mut dyn FnMut(&Engine)) -> Option<Time> {
        let t = self.next_wakeup()?;
        let ms = t.0 - self.now.0;
        self.advance(ms, observe);
        Some(t)
    }
}

/// The earliest pod deletion to come as last worked out (`Engine::next_pod_deletion`).
#[derive(Clone, Debug, Default)]
pub(crate) struct NextDeletion(std::cell::Cell<Option<KnownDeletion>>);

#[derive(Clone, Copy, Debug)]
struct KnownDeletion {
    /// The store's resourceVersion when it was worked out.
    resource_version: u64,
    asked_at: Time,
    next: Option<Time>,
}
