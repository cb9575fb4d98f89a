//! Looking back in time: the cluster as it was at an earlier simulated moment, rebuilt exactly
//! by replaying the journal on the seed (the engine is deterministic), starting from the
//! latest snapshot kept before that moment so a scrub costs a short replay, not the whole
//! session. Plain Rust, tested natively.

use crate::session::{Entry, Replay};
use kubelab_engine::Engine;

/// At most this many snapshots are kept; past it, every other one goes and the spacing doubles.
pub const MAX_SNAPSHOTS: usize = 48;
/// A cluster with more pods than this is not copied (see `keep`).
pub const SNAPSHOT_MAX_PODS: usize = 200;
/// Simulated time between snapshots at first.
pub const FIRST_SPACING_MS: u64 = 30_000;

struct Snap {
    t: u64,
    /// How many journal entries had run when it was taken.
    journal_len: usize,
    engine: Engine,
}

pub struct Snapshots {
    snaps: Vec<Snap>,
    spacing: u64,
}

impl Default for Snapshots {
    fn default() -> Self {
        Snapshots { snaps: Vec::new(), spacing: FIRST_SPACING_MS }
    }
}

impl Snapshots {
    /// Keeps a copy of the live cluster if the last one is `spacing` old. The cluster must be
    /// settled (as a replay leaves it between commands). A journal that shrank or a clock
    /// that went back (`lab reset`, `lab seed`) makes the old snapshots useless: they go.
    pub fn keep(&mut self, engine: &Engine, journal_len: usize) {
        let t = engine.now().0;
        if self.snaps.last().is_some_and(|s| s.t > t || s.journal_len > journal_len || s.engine.seed() != engine.seed())
        {
            self.clear();
        }
        if !engine.is_settled() || self.snaps.last().is_some_and(|s| t < s.t + self.spacing) {
            return;
        }
        // A copy of a big cluster costs a long frame (1,000 pods: about 60 ms): then looking
        // back replays from an earlier snapshot (or from boot) instead, a slice per frame.
        if engine.store().pods.len() > SNAPSHOT_MAX_PODS {
            return;
        }
        self.snaps.push(Snap { t, journal_len, engine: engine.clone() });
        if self.snaps.len() > MAX_SNAPSHOTS {
            let mut i = 0;
            self.snaps.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.spacing *= 2;
        }
    }

    pub fn clear(&mut self) {
        *self = Snapshots::default();
    }

    pub fn len(&self) -> usize {
        self.snaps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.snaps.is_empty()
    }

    /// A replay that ends with the cluster as it was at `t`: from the latest snapshot at or
    /// before `t` (or from boot), through the journal's commands up to `t`.
    pub fn replay_to(&self, seed: u64, journal: &[Entry], t: u64) -> Replay {
        let upto = journal.iter().take_while(|e| e.t <= t).count();
        match self.snaps.iter().rev().find(|s| s.t <= t && s.journal_len <= upto) {
            Some(s) => Replay::resume(s.engine.clone(), &journal[..upto], s.journal_len, t),
            None => Replay::resume(Engine::new(seed), &journal[..upto], 0, t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Session, TextFiles};
    use crate::SAMPLE_MANIFEST;

    fn run(s: &mut Session, text: &str) {
        let files = [("manifest.yaml".to_string(), SAMPLE_MANIFEST.to_string())];
        s.run_text(text, &TextFiles(&files)).expect("parses");
    }

    fn state(e: &Engine) -> String {
        let mut ctx_out = String::new();
        for line in ["kubectl get pods -o wide", "kubectl get deploy,rs,svc", "kubectl get events"] {
            let out = kubelab_kubectl::execute(
                &mut e.clone(),
                line,
                &mut kubelab_kubectl::Ctx { files: &kubelab_kubectl::NoFiles, stdin: None, observe: &mut |_| {} },
            );
            ctx_out.push_str(&out.text());
        }
        format!("{} {ctx_out}", e.now().0)
    }

    fn finish(mut r: Replay) -> Engine {
        r.work(&mut || false).expect("done");
        r.finish().engine().clone()
    }

    /// A session of a few minutes, with the cluster's state recorded every 10 s as it ran.
    fn session_with_history(snaps: &mut Snapshots) -> (Session, Vec<(u64, String)>) {
        let mut s = Session::new(11);
        let mut seen = Vec::new();
        let script: [(u64, &str); 5] = [
            (0, "kubectl apply -f manifest.yaml"),
            (40_000, "kubectl expose deployment web --port 80"),
            (75_000, "kubectl scale deployment web --replicas=5"),
            (120_000, "lab node kill node-2"),
            (130_000, "kubectl set image deployment/web nginx=nginx:1.26"),
        ];
        let mut next = 0;
        for step in 0..=40u64 {
            let t = step * 10_000;
            while next < script.len() && script[next].0 <= t {
                run(&mut s, script[next].1);
                next += 1;
            }
            s.advance(t - s.engine().now().0, &mut || false);
            seen.push((t, state(s.engine())));
            snaps.keep(s.engine(), s.journal().len());
            s.advance(10_000, &mut || false);
        }
        (s, seen)
    }

    #[test]
    fn the_cluster_at_any_earlier_moment_is_rebuilt_exactly() {
        let mut snaps = Snapshots::default();
        let (s, seen) = session_with_history(&mut snaps);
        assert!(snaps.len() > 3, "snapshots were kept");
        for (t, want) in seen.iter().step_by(3) {
            let from_snaps = finish(snaps.replay_to(s.seed(), s.journal(), *t));
            assert_eq!(&state(&from_snaps), want, "at {t} ms, from a snapshot");
            let from_boot = finish(Snapshots::default().replay_to(s.seed(), s.journal(), *t));
            assert_eq!(&state(&from_boot), want, "at {t} ms, from boot");
        }
    }

    #[test]
    fn snapshots_stay_bounded_and_a_reset_drops_them() {
        let mut snaps = Snapshots::default();
        let mut e = Engine::new(1);
        for _ in 0..400 {
            e.advance(FIRST_SPACING_MS, &mut |_| {});
            snaps.keep(&e, 0);
        }
        assert!(snaps.len() <= MAX_SNAPSHOTS && snaps.len() >= MAX_SNAPSHOTS / 2, "{}", snaps.len());
        // The clock went back: a new cluster.
        let mut fresh = Engine::new(1);
        fresh.settle();
        snaps.keep(&fresh, 0);
        assert_eq!(snaps.len(), 1);
    }
}
