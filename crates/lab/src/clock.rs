//! The page's clock: paused or playing, at a speed, turning wall-clock time into simulated
//! time. The runner has no such clock (only `lab advance`); `lab time pause|play|speed N`
//! set this one. The wall time itself comes from the platform, read by the caller.

use crate::SPEEDS;
use kubelab_kubectl::effect::ClockChange;

/// Wall-clock milliseconds between the page's ticks.
pub const TICK_MS: u32 = 100;
/// At most this much wall time is simulated in one tick (a tab in the background is woken
/// rarely; the cluster then catches up in bounded steps instead of one long frame).
const MAX_STEP_MS: f64 = 5_000.0;

pub struct Clock {
    pub paused: bool,
    speed: u32,
    /// Smoothed simulated seconds per wall second actually reached while playing.
    reached: f64,
    wall: WallClock,
}

impl Default for Clock {
    fn default() -> Self {
        Clock { paused: false, speed: 1, reached: 1.0, wall: WallClock::default() }
    }
}

impl Clock {
    /// Simulated seconds per wall second asked for: one of `SPEEDS`.
    pub fn speed(&self) -> u32 {
        self.speed
    }

    /// Sets the speed if it is one of `SPEEDS`; true if it was.
    pub fn set_speed(&mut self, speed: u32) -> bool {
        if !SPEEDS.contains(&speed) {
            return false;
        }
        self.speed = speed;
        self.reached = speed as f64;
        true
    }

    /// Simulated milliseconds due since the last reading of the wall clock (`now`).
    pub fn due(&mut self, now: Option<f64>) -> u64 {
        self.wall.elapsed(now, self.speed)
    }

    /// Notes how much of `asked` simulated time the cluster managed (a busy cluster runs
    /// slower than the speed asked).
    pub fn record(&mut self, asked: u64, got: u64) {
        let ratio = got as f64 / asked as f64 * self.speed as f64;
        self.reached = 0.7 * self.reached + 0.3 * ratio;
    }

    /// The speed reached, when playing clearly slower than asked (the clock shows it).
    pub fn lagging(&self) -> Option<u32> {
        (!self.paused && self.reached < self.speed as f64 * 0.85).then(|| self.reached.round().max(0.0) as u32)
    }

    /// The next reading only starts the clock again: the time in between (a restore, a
    /// look back) is not simulated.
    pub fn restart(&mut self) {
        self.wall = WallClock::default();
    }

    /// `lab time pause|play|speed N`: (ok, the reply to print).
    pub fn change(&mut self, change: &ClockChange) -> (bool, String) {
        match change {
            ClockChange::Pause => {
                self.paused = true;
                (true, "the clock is paused".into())
            }
            ClockChange::Play => {
                self.paused = false;
                (true, format!("the clock runs at {}×", self.speed))
            }
            ClockChange::Speed(n) => match n.trim_end_matches(['x', '×']).parse::<u32>() {
                Ok(s) if self.set_speed(s) => (true, format!("the clock runs at {s}× (simulated seconds per second)")),
                _ => (false, format!("error: the speed is one of 1, 5, 20 or 60, not \"{n}\"")),
            },
        }
    }
}

/// Simulated time since boot as `1m05s` (`1h02m05s` past the hour).
pub fn format_sim_time(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}h{m:02}m{s:02}s")
    } else {
        format!("{m}m{s:02}s")
    }
}

/// Turns wall-clock readings into whole simulated milliseconds at a speed, carrying
/// fractions over so simulated time keeps pace with real time.
#[derive(Default)]
struct WallClock {
    last: Option<f64>,
    carry: f64,
}

impl WallClock {
    fn elapsed(&mut self, now: Option<f64>, speed: u32) -> u64 {
        let Some(now) = now else { return (TICK_MS as f64 * speed as f64) as u64 };
        let Some(last) = self.last.replace(now) else { return 0 };
        let sim = (now - last).clamp(0.0, MAX_STEP_MS) * speed as f64 + self.carry;
        let whole = sim.floor();
        self.carry = sim - whole;
        whole as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wall_clock_keeps_fractions_and_caps_long_gaps() {
        let mut c = WallClock::default();
        assert_eq!(c.elapsed(Some(1000.0), 1), 0, "the first reading only starts the clock");
        assert_eq!(c.elapsed(Some(1100.4), 1), 100);
        assert_eq!(c.elapsed(Some(1200.8), 1), 100);
        assert_eq!(c.elapsed(Some(1301.0), 1), 101, "0.4 + 0.4 + 0.2 carried over");
        assert_eq!(c.elapsed(Some(601_301.0), 1), 5_000, "a long sleep is capped");
        assert_eq!(c.elapsed(Some(601_401.0), 60), 6_000, "speed multiplies");
    }

    #[test]
    fn lab_time_commands_set_the_clock() {
        let mut c = Clock::default();
        assert_eq!(c.change(&ClockChange::Pause), (true, "the clock is paused".into()));
        assert!(c.paused);
        assert!(c.change(&ClockChange::Speed("20x".into())).0);
        assert_eq!(c.change(&ClockChange::Play), (true, "the clock runs at 20×".into()));
        let (ok, reply) = c.change(&ClockChange::Speed("7".into()));
        assert!(!ok && reply.contains("not \"7\""), "{reply}");
        assert_eq!(c.speed(), 20);
        assert!(!c.set_speed(3));
    }

    #[test]
    fn a_busy_cluster_shows_the_speed_it_reaches() {
        let mut c = Clock::default();
        c.set_speed(60);
        assert_eq!(c.lagging(), None);
        for _ in 0..20 {
            c.record(6_000, 1_000);
        }
        assert_eq!(c.lagging(), Some(10));
        c.paused = true;
        assert_eq!(c.lagging(), None);
    }
}
