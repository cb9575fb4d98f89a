//! Objectives checked against a live lab. A `run` objective runs its command on a copy of
//! the engine (so checking never changes the lab, not even its clock); a `load` objective
//! reads the load generator's statistics. Progress is sticky: once met (after the
//! objectives it depends on), an objective stays met, as a task list does.
//!
//! Traffic counts from the step: a `load` figure measures only the requests answered since
//! the step started (`Since`), whichever load sent them, so the errors of an earlier step
//! (a load started before its Service had endpoints) do not count against this one, and
//! stopping the load and starting it again does not wipe this step's errors.

use crate::Objective;
use kubelab_engine::traffic::Tally;
use kubelab_engine::Engine;
use kubelab_kubectl::{execute, Ctx, NoFiles};
use std::collections::BTreeSet;

/// Whether `name` is a load generator figure an objective may read.
pub fn is_load_metric(name: &str) -> bool {
    match name {
        "ok_rate" | "error_rate" | "ok" | "errors" | "requests" | "running" => true,
        n => n.strip_prefix("share:").or(n.strip_prefix("recent_share:")).is_some_and(|v| !v.is_empty()),
    }
}

/// Where a step's traffic figures count from: the simulated time it started and the tally of
/// load requests then.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Since {
    pub at_ms: u64,
    pub tally: Tally,
}

impl Since {
    /// From now on.
    pub fn now(engine: &Engine) -> Since {
        Since { at_ms: engine.now().0, tally: engine.load_tally().clone() }
    }
}

/// A load generator figure now, counting only what was answered since `since` (None when no
/// load runs, except `running`; and `share:` before any request was answered well).
pub fn load_metric(engine: &Engine, name: &str, since: &Since) -> Option<f64> {
    let Some(load) = engine.load() else {
        return (name == "running").then_some(0.0);
    };
    let s = &load.stats;
    let now_s = engine.now().0 / 1000;
    // Whole seconds only, and none before the load or the step started (never past now: a
    // range that ends before it starts would panic).
    let from = now_s.saturating_sub(10).max(s.started.0.div_ceil(1000)).max(since.at_ms.div_ceil(1000)).min(now_s);
    let secs = now_s.saturating_sub(from).max(1) as f64;
    let (ok10, err10) = s.per_second.range(from..now_s).fold((0, 0), |a, (_, (o, e))| (a.0 + o, a.1 + e));
    let (t, base) = (engine.load_tally(), &since.tally);
    let ok = t.ok.saturating_sub(base.ok);
    let errors = t.errors.saturating_sub(base.errors);
    Some(match name {
        "running" => 1.0,
        "ok_rate" => ok10 as f64 / secs,
        "error_rate" => err10 as f64 / secs,
        "ok" => ok as f64,
        "errors" => errors as f64,
        "requests" => (ok + errors) as f64,
        n if n.starts_with("recent_share:") => {
            let v = &n["recent_share:".len()..];
            if ok10 == 0 {
                return None;
            }
            let by_v: u64 = s.per_version_second.range(from..now_s).filter_map(|(_, m)| m.get(v)).sum();
            by_v as f64 * 100.0 / ok10 as f64
        }
        n => {
            let v = n.strip_prefix("share:")?;
            if ok == 0 {
                return None;
            }
            let of = |t: &Tally| t.per_version.get(v).copied().unwrap_or(0);
            of(t).saturating_sub(of(base)) as f64 * 100.0 / ok as f64
        }
    })
}

/// What a `run` command prints on a copy of the lab.
pub fn command_output(engine: &Engine, line: &str) -> String {
    let mut copy = engine.clone();
    let mut observe = |_: &Engine| {};
    let out = execute(&mut copy, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut observe });
    out.lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n").trim().to_string()
}

fn compare(o: &Objective, text: Option<&str>, number: Option<f64>) -> bool {
    if let Some(e) = &o.equals {
        if text.map(str::trim) != Some(e.trim()) {
            return false;
        }
    }
    if let Some(c) = &o.contains {
        if !text.is_some_and(|t| t.contains(c.as_str())) {
            return false;
        }
    }
    if let Some(c) = &o.not_contains {
        if text.is_none_or(|t| t.contains(c.as_str())) {
            return false;
        }
    }
    if o.at_least.is_some() || o.at_most.is_some() {
        let Some(n) = number else { return false };
        if o.at_least.is_some_and(|min| n < min) || o.at_most.is_some_and(|max| n > max) {
            return false;
        }
    }
    true
}

/// Whether one objective holds now (its dependencies aside).
pub fn holds(o: &Objective, engine: &Engine, since: &Since) -> bool {
    if let Some(m) = &o.load {
        let v = load_metric(engine, m, since);
        let text = v.map(|x| format!("{x}"));
        return compare(o, text.as_deref(), v);
    }
    let Some(line) = &o.run else { return false };
    let text = command_output(engine, line);
    let number = if o.lines {
        Some(text.lines().filter(|l| !l.trim().is_empty()).count() as f64)
    } else {
        text.trim().parse::<f64>().ok()
    };
    compare(o, Some(&text), number)
}

/// Marks the objectives met now whose dependencies are met; returns the ids newly met.
/// `since`: when the step started (its traffic counts from then).
pub fn tick(objectives: &[Objective], done: &mut BTreeSet<String>, engine: &Engine, since: &Since) -> Vec<String> {
    let mut newly = Vec::new();
    // Objectives in order, so a chain a → b can complete in one pass.
    for o in objectives {
        if done.contains(&o.id) || !o.after.iter().all(|a| done.contains(a)) {
            continue;
        }
        if holds(o, engine, since) {
            done.insert(o.id.clone());
            newly.push(o.id.clone());
        }
    }
    newly
}
