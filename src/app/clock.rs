//! The clock: each 100 ms tick runs the simulation on (`Lab::tick`, or a restore's replay),
//! then saves, lights the control plane and checks the lesson as the lab moved; pause, step
//! and speed.

use super::{App, Msg, LIGHT_MS};
use kubelab_lab::lab::Ticked;
use kubelab_lab::platform::Platform;
use yew::prelude::*;

impl App {
    pub(super) fn tick(&mut self, ctx: &Context<Self>) -> bool {
        self.work_later = None;
        let now = self.platform.now_ms();
        if self.lab.restoring.is_some() {
            self.work_on_restore();
            if self.lab.restoring.is_some() {
                self.work_soon(ctx);
            }
            return true;
        }
        match self.lab.tick(&self.platform, now) {
            Ticked::LookedBack => true,
            Ticked::Settled => {
                self.maybe_save(ctx, now);
                self.update_lights(now);
                true
            }
            Ticked::Advanced(done) => {
                if done {
                    self.save(ctx);
                } else {
                    self.work_soon(ctx);
                }
                true
            }
            Ticked::Played(changed) => {
                self.maybe_save(ctx, now);
                self.update_lights(now);
                changed | self.check_lesson(ctx, now, false)
            }
        }
    }

    /// A restore or a `lab advance` under way: its next slice runs in a task of its own as
    /// soon as the browser has drawn and handled input, not at the next 100 ms tick.
    fn work_soon(&mut self, ctx: &Context<Self>) {
        if self.work_later.is_none() {
            let link = ctx.link().clone();
            self.work_later = Some(gloo::timers::callback::Timeout::new(0, move || link.send_message(Msg::Tick)));
        }
    }

    pub(super) fn toggle_pause(&mut self) -> bool {
        self.lab.go_live();
        self.lab.clock.paused = !self.lab.clock.paused;
        true
    }

    /// Step: `lab advance` to the cluster's next scheduled event.
    pub(super) fn step(&mut self, ctx: &Context<Self>) -> bool {
        let extra = self.lesson_files();
        self.lab.step(&self.platform, &extra);
        self.save(ctx);
        true
    }

    pub(super) fn set_speed(&mut self, ctx: &Context<Self>, speed: u32) -> bool {
        if self.lab.clock.set_speed(speed) {
            self.save(ctx);
        }
        true
    }

    /// Lights a control-plane part for a moment when its count of writes moved.
    pub(super) fn update_lights(&mut self, now: Option<f64>) {
        let Some(now) = now else { return };
        let a = self.lab.session.engine().activity();
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
