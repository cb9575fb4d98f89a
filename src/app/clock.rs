//! The clock: each 100 ms tick runs the simulation on (a restore, a look back being rebuilt,
//! a command's effects settling, a `lab advance`, or the playing clock, whichever is under
//! way), within a wall-time budget; pause, step and speed; the control plane's lights.

use super::{App, LineKind, ADVANCE_BUDGET_MS, LIGHT_MS, TICK_BUDGET_MS};
use kubelab_engine::duration::format_clock;
use kubelab_lab::platform::{deadline, Platform};
use yew::prelude::*;

impl App {
    pub(super) fn tick(&mut self, ctx: &Context<Self>) -> bool {
        let now = self.platform.now_ms();
        if self.restoring.is_some() {
            self.work_on_restore();
            return true;
        }
        let sim_ms = self.clock.due(now);
        if self.past.as_ref().is_some_and(|p| p.replay.is_some()) {
            self.rebuild_past();
            return true;
        }
        // A command's effects (1,000 new pods) are settled over several ticks, paused
        // or not, so no single frame does all of it.
        if !self.session.engine().is_settled() {
            self.session.settle_some(&mut deadline(&self.platform, TICK_BUDGET_MS));
            self.print_stream();
            self.maybe_save(ctx, now);
            self.update_lights(now);
            return true;
        }
        if let Some((target, ms)) = self.advancing {
            self.continue_advance(ctx, target, ms);
            return true;
        }
        let mut changed = false;
        if !self.clock.paused && sim_ms > 0 {
            let got = self.session.advance(sim_ms, &mut deadline(&self.platform, TICK_BUDGET_MS));
            self.snapshots.keep(self.session.engine(), self.session.journal().len());
            self.print_stream();
            self.clock.record(sim_ms, got);
            changed = true;
        }
        self.maybe_save(ctx, now);
        self.update_lights(now);
        changed | self.check_lesson(ctx, now, false)
    }

    /// A slice of a `lab advance` typed alone; it prints what `lab advance` prints when done.
    fn continue_advance(&mut self, ctx: &Context<Self>, target: u64, ms: u64) {
        let done = self.session.continue_advance(target, &mut deadline(&self.platform, ADVANCE_BUDGET_MS));
        self.print_stream();
        if done {
            self.advancing = None;
            // What `lab advance` prints (crates/kubectl/src/lab.rs).
            let now_text = format_clock(self.session.engine().now().0);
            self.print(LineKind::Stdout, format!("advanced {}; simulated time is now {now_text}", format_clock(ms)));
            self.save(ctx);
        }
    }

    pub(super) fn toggle_pause(&mut self) -> bool {
        self.go_live();
        self.clock.paused = !self.clock.paused;
        true
    }

    /// Step: `lab advance` to the cluster's next scheduled event.
    pub(super) fn step(&mut self, ctx: &Context<Self>) -> bool {
        match self.session.next_event_in() {
            Some(ms) => {
                let d = if ms % 1000 == 0 { format!("{}s", ms / 1000) } else { format!("{ms}ms") };
                self.run(&format!("lab advance {d}"), false);
            }
            None => self.info("Nothing is scheduled: the cluster stays as it is until something changes."),
        }
        self.save(ctx);
        true
    }

    pub(super) fn set_speed(&mut self, ctx: &Context<Self>, speed: u32) -> bool {
        if self.clock.set_speed(speed) {
            self.save(ctx);
        }
        true
    }

    /// Lights a control-plane part for a moment when its count of writes moved.
    pub(super) fn update_lights(&mut self, now: Option<f64>) {
        let Some(now) = now else { return };
        let a = self.session.engine().activity();
        let (last, until) = &mut self.lights;
        let moved = [
            a.api != last.api,
            a.api != last.api,
            a.scheduler != last.scheduler,
            a.controllers != last.controllers,
            a.kubelets != last.kubelets,
        ];
        for (i, m) in moved.iter().enumerate() {
            if *m {
                until[i] = now + LIGHT_MS;
            }
        }
        *last = a;
    }
}
