//! `--dry-run`: cmdutil.GetDryRunStrategy, and the dry run of commands that change objects
//! in place (`apply -f`, `delete`, `scale`, `label`, ...), which run on a copy of the lab.
//! The generators (`create deployment`, `run`, `expose`) handle it themselves in `submit`.

use crate::args::Args;
use crate::submit::parse_with_common;
use crate::{Ctx, Output};
use kubelab_api::Time;
use kubelab_engine::Engine;

/// `--dry-run`: none, client (print only) or server (the engine runs the request on a copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

/// `--dry-run` on `apply -f`, `create -f`, `delete`, `scale`, `set`, `label`, `annotate`,
/// `cordon`, `uncordon`, `drain` and `taint`: the command runs on a copy of the
/// lab and each result line says `(dry run)` or `(server dry run)`, as kubectl's printers
/// do. None when the words ask for no dry run.
pub fn dry_run_copy(
    engine: &mut Engine,
    words: &[String],
    ctx: &mut Ctx,
    run: fn(&mut Engine, &[String], &mut Ctx) -> Output,
) -> Option<Output> {
    let asked = words.iter().take_while(|w| *w != "--").any(|w| w == "--dry-run" || w.starts_with("--dry-run="));
    if !asked {
        return None;
    }
    let rest: Vec<String> =
        words.iter().filter(|w| *w != "--dry-run" && !w.starts_with("--dry-run=")).cloned().collect();
    let a = match parse_with_common(
        &words.iter().filter(|w| *w == "--dry-run" || w.starts_with("--dry-run=")).cloned().collect::<Vec<_>>(),
        &[],
        "kubectl",
    ) {
        Ok(a) => a,
        Err(e) => return Some(e),
    };
    let mut out = Output::new();
    let suffix = match dry_run_strategy(&a, engine.now(), &mut out) {
        Ok(DryRun::None) => return Some(run(engine, &rest, ctx)),
        Ok(DryRun::Client) => " (dry run)",
        Ok(DryRun::Server) => " (server dry run)",
        Err(e) => return Some(e),
    };
    let mut copy = engine.clone();
    let mut quiet = |_: &Engine| {};
    let mut inner = Ctx { files: ctx.files, stdin: ctx.stdin, observe: &mut quiet };
    let result = run(&mut copy, &rest, &mut inner);
    for (stderr, line) in result.lines {
        // The printers' operation words (PrintFlagsWithDryRunStrategy adds the suffix to them).
        let verb = [
            "created",
            "configured",
            "unchanged",
            "deleted",
            "image updated",
            "env updated",
            "scaled",
            "labeled",
            "annotated",
            "cordoned",
            "uncordoned",
            "tainted",
            "untainted",
            "evicted",
            "drained",
        ]
        .iter()
        .any(|v| line.ends_with(&format!(" {v}")));
        out.lines.push((stderr, if !stderr && verb { format!("{line}{suffix}") } else { line }));
    }
    out.ok &= result.ok;
    Some(out)
}

/// cmdutil.GetDryRunStrategy.
pub fn dry_run_strategy(a: &Args, now: Time, out: &mut Output) -> Result<DryRun, Output> {
    match a.get("dry-run") {
        None | Some("none") => Ok(DryRun::None),
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some("unchanged") => {
            out.warn(klog_line(
                'W',
                now,
                "helpers.go:702",
                "--dry-run is deprecated and can be replaced with --dry-run=client.",
            ));
            Ok(DryRun::Client)
        }
        Some(other) => Err(Output::error(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// A klog line as kubectl writes it (time from the simulated clock, a fixed thread id).
fn klog_line(level: char, now: Time, at: &str, msg: &str) -> String {
    let ts = now.rfc3339();
    let micros = (now.0 % 1000) * 1000;
    format!("{level}{}{} {}.{:06}       1 {at}] {msg}", &ts[5..7], &ts[8..10], &ts[11..19], micros)
}
