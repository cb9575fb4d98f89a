//! CPU that requests cost. Each program in the image catalog spends CPU time per request
//! it serves (`images::Usage`); a container runs that work on a CPU share capped by its
//! limit, as the CFS quota caps it (`cpu.cfs_quota_us` = limit × 100 ms per 100 ms period):
//! a request that needs more CPU than the quota gives takes longer instead, and requests
//! queue behind one another. Without a limit a container may use the whole node.
//!
//! The model: a container's CPU is `lanes` servers working first come, first served (one
//! per core of its cap, a single-threaded request using at most one core), each running
//! at `cap / lanes`; what each lane was busy with is kept for the last few minutes, which
//! is what metrics-server's window reads (`metrics.rs`). Not modelled: contention between
//! containers on one node (each may use up to its cap whatever the others do), CPU spent
//! by probes, and the kernel's 100 ms quota periods (the cap is spread evenly).

use std::collections::{BTreeMap, VecDeque};

/// How long the busy record is kept: two metric resolutions and a margin.
const KEEP_US: u64 = 150_000_000;

/// A request that would wait longer than this for the CPU is not taken: the server's
/// listen backlog is full (the client sees a timeout). Apache's prefork default holds 150
/// workers and a backlog of 511; the lab keeps the queue by time instead.
pub const MAX_QUEUE_US: u64 = 10_000_000;

/// One lane of a container's CPU: when it is free, and what it was busy with.
#[derive(Clone, Debug, Default, PartialEq)]
struct Lane {
    /// Millicores this lane runs at.
    rate_m: u64,
    busy_until_us: u64,
    /// Busy intervals in µs, oldest first, touching ones merged.
    busy: VecDeque<(u64, u64)>,
}

/// A container's CPU (one instance: a restart starts a new one).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meter {
    restarts: i32,
    lanes: Vec<Lane>,
}

/// Every container's CPU by (pod uid, container name).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meters {
    by_container: BTreeMap<(String, String), Meter>,
    charges: u64,
}

/// How many lanes a cap of `cap_m` millicores makes, and each one's rate.
fn lanes_for(cap_m: u64) -> (usize, u64) {
    let cap_m = cap_m.max(1);
    let n = cap_m.div_ceil(1000).clamp(1, 64);
    (n as usize, cap_m / n)
}

impl Meters {
    /// Runs `cost_us` of CPU for a request arriving at `t_ms` on a container capped at
    /// `cap_m` millicores; when the work is done (ms), or `None` if the queue is full.
    pub fn charge(
        &mut self,
        (uid, container): (&str, &str),
        restarts: i32,
        cap_m: u64,
        cost_us: u64,
        t_ms: u64,
    ) -> Option<u64> {
        self.charges += 1;
        if self.charges.is_multiple_of(4096) {
            self.forget_idle(t_ms * 1000);
        }
        let (n, rate_m) = lanes_for(cap_m);
        let m = self.by_container.entry((uid.to_string(), container.to_string())).or_default();
        if m.restarts != restarts || m.lanes.len() != n || m.lanes.first().is_some_and(|l| l.rate_m != rate_m) {
            *m = Meter { restarts, lanes: vec![Lane { rate_m, ..Lane::default() }; n] };
        }
        let t = t_ms * 1000;
        // The lane free first (ties: the lowest).
        let lane = m.lanes.iter_mut().min_by_key(|l| l.busy_until_us)?;
        let start = lane.busy_until_us.max(t);
        if start - t > MAX_QUEUE_US {
            return None;
        }
        let wall = (cost_us * 1000).div_ceil(lane.rate_m.max(1));
        let end = start + wall;
        lane.busy_until_us = end;
        match lane.busy.back_mut() {
            Some(last) if last.1 >= start => last.1 = end,
            _ => lane.busy.push_back((start, end)),
        }
        while lane.busy.front().is_some_and(|b| b.1 + KEEP_US < t) {
            lane.busy.pop_front();
        }
        Some(end.div_ceil(1000))
    }

    /// CPU time (µs) the container spent on requests between `from_ms` and `to_ms`.
    pub fn busy_cpu_us(&self, uid: &str, container: &str, restarts: i32, from_ms: u64, to_ms: u64) -> u64 {
        let Some(m) = self.by_container.get(&(uid.to_string(), container.to_string())) else { return 0 };
        if m.restarts != restarts {
            return 0;
        }
        let (a, b) = (from_ms * 1000, to_ms * 1000);
        m.lanes
            .iter()
            .map(|l| {
                let wall: u64 = l.busy.iter().map(|&(s, e)| e.min(b).saturating_sub(s.max(a))).sum();
                wall * l.rate_m / 1000
            })
            .sum()
    }

    /// Drops the record of containers idle for longer than it is kept (pods gone, too).
    fn forget_idle(&mut self, now_us: u64) {
        // Rebuilt rather than retain()ed: BTreeMap's removal code for one more key and value
        // type costs the page kilobytes.
        let busy = |m: &Meter| m.lanes.iter().any(|l| l.busy_until_us + KEEP_US >= now_us);
        if self.by_container.values().any(|m| !busy(m)) {
            self.by_container =
                kubelab_api::sort::map(std::mem::take(&mut self.by_container).into_iter().filter(|(_, m)| busy(m)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_slows_a_request_down_instead_of_using_more_cpu() {
        let mut m = Meters::default();
        // 100 ms of CPU on a 500m quota takes 200 ms.
        assert_eq!(m.charge(("u", "c"), 0, 500, 100_000, 1_000), Some(1_200));
        // The next one waits for the first.
        assert_eq!(m.charge(("u", "c"), 0, 500, 100_000, 1_000), Some(1_400));
        // Over [1 s, 2 s] the container spent 200 ms of CPU: 200m on average.
        assert_eq!(m.busy_cpu_us("u", "c", 0, 1_000, 2_000), 200_000);
        assert_eq!(m.busy_cpu_us("u", "c", 0, 1_100, 1_300), 100_000);
    }

    #[test]
    fn without_a_limit_requests_run_side_by_side_on_the_nodes_cores() {
        let mut m = Meters::default();
        assert_eq!(m.charge(("u", "c"), 0, 2000, 100_000, 0), Some(100));
        assert_eq!(m.charge(("u", "c"), 0, 2000, 100_000, 0), Some(100));
        assert_eq!(m.charge(("u", "c"), 0, 2000, 100_000, 0), Some(200));
    }

    #[test]
    fn a_full_queue_turns_requests_away_and_a_restart_starts_afresh() {
        let mut m = Meters::default();
        let mut last = None;
        for _ in 0..200 {
            last = m.charge(("u", "c"), 0, 100, 10_000, 0);
        }
        assert_eq!(last, None, "10 s of backlog at most");
        assert!(m.busy_cpu_us("u", "c", 0, 0, 20_000) > 0);
        assert_eq!(m.busy_cpu_us("u", "c", 1, 0, 20_000), 0);
    }
}
