//! A shell inside a pod: `kubectl exec -it POD [-c C] -- sh` and `kubectl run -it [--rm]
//! NAME --image=IMG -- sh` open it; each line typed then runs as the one-shot
//! `kubectl exec POD -n NS -c C -- LINE` (which is what the journal keeps, so a replay is
//! exact), until `exit`. As `lab ssh` does for machines, `lab` commands still reach the lab.
//!
//! The prompt is the image's shell's: `/ #` for busybox and Alpine images (ash as root),
//! `root@POD:/#` for the Debian-based ones (bash as root; nginx, redis, httpd, the workshop's
//! app). On `exit`, `kubectl run -it` says how to attach again (attach.go's reattachMessage);
//! the shell was the container's main process, so it ends (`lab pod exit`, journaled), and
//! with `--rm` the pod is deleted without waiting (run.go: WaitForDeletion false).

use crate::args::parse;
use crate::{execute, Ctx, Output};
use kubelab_engine::Engine;

/// The shell the console is in.
#[derive(Clone, Debug, PartialEq)]
pub struct PodShell {
    pub ns: String,
    pub pod: String,
    pub container: String,
    pub prompt: String,
    /// The pod's uid: the shell ends with its pod.
    uid: String,
    /// Opened by `kubectl run -i`: `exit` prints how to attach again.
    run: bool,
    /// `kubectl run --rm`: `exit` deletes the pod.
    remove: bool,
    /// busybox/Alpine (`sh: X: not found`) or Debian (`bash: X: command not found`).
    busybox: bool,
}

/// What the console does with a line, given the shell it may be in.
pub enum ShellLine {
    /// Not the shell's business: run the line as usual.
    Pass,
    /// Handled: what it printed, and what the journal keeps in its place (maybe nothing).
    Done { out: Output, journal: Vec<String> },
}

/// A bare interactive shell (what `-i` attaches to): nothing, or `sh`, `bash`, `ash`.
pub fn is_shell_command(words: &[String]) -> bool {
    match words {
        [] => true,
        [one] => matches!(one.as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash" | "ash" | "/bin/ash"),
        _ => false,
    }
}

/// Handles `line` if it opens a shell, or if a shell is open.
pub fn shell_line(shell: &mut Option<PodShell>, engine: &mut Engine, line: &str, ctx: &mut Ctx) -> ShellLine {
    let words = crate::effect::words_as_run(line).unwrap_or_default();
    let Some(open) = shell.clone() else {
        return match (words.first().map(String::as_str), words.get(1).map(String::as_str)) {
            (Some("kubectl" | "k"), Some("exec")) => open_exec(shell, engine, &words[2..]),
            (Some("kubectl" | "k"), Some("run")) => open_run(shell, engine, line, &words[2..], ctx),
            _ => ShellLine::Pass,
        };
    };
    let gone = !engine
        .store()
        .pods
        .get(&(open.ns.clone(), open.pod.clone()))
        .is_some_and(|p| p.metadata.uid == open.uid && p.metadata.deletion_timestamp.is_none());
    if gone {
        // The container was killed under the shell (exec's stream ends with it).
        *shell = None;
        let mut out = Output::error("command terminated with exit code 137");
        if !words.is_empty() && words[0] != "exit" {
            out.err("(the pod is gone: back in the lab console; the line was not run)");
        }
        return ShellLine::Done { out, journal: Vec::new() };
    }
    match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => ShellLine::Done { out: Output::new(), journal: Vec::new() },
        ["lab", "reset"] | ["lab", "seed", _] => {
            // A fresh cluster: the pod is gone.
            *shell = None;
            ShellLine::Pass
        }
        ["lab", ..] => ShellLine::Pass,
        ["exit" | "logout", code @ ..] => close(shell, &open, engine, ctx, code.first().copied()),
        _ => {
            let oneshot = format!("kubectl exec {} -n {} -c {} -- {}", open.pod, open.ns, open.container, line.trim());
            let out = execute(engine, &oneshot, ctx);
            ShellLine::Done { out: as_the_shell_prints(out, open.busybox), journal: vec![oneshot] }
        }
    }
}

/// `exit [N]`: leaves the shell; `kubectl run` says how to attach again and, with `--rm`,
/// deletes the pod.
fn close(
    shell: &mut Option<PodShell>,
    open: &PodShell,
    engine: &mut Engine,
    ctx: &mut Ctx,
    code: Option<&str>,
) -> ShellLine {
    *shell = None;
    let mut out = Output::new();
    match code.map(str::parse::<i32>) {
        None | Some(Ok(0)) => {}
        Some(Ok(n)) if !open.run => out.err(format!("command terminated with exit code {}", n & 255)),
        _ => {}
    }
    if !open.run {
        return ShellLine::Done { out, journal: Vec::new() };
    }
    out.out(format!(
        "Session ended, resume using 'kubectl attach {} -c {} -n {} -i -t' command",
        open.pod, open.container, open.ns
    ));
    // The shell was the container's main process: it ends, and the pod's restartPolicy
    // (OnFailure for `run -i`) decides what follows.
    let code = code.and_then(|c| c.parse::<i32>().ok()).map(|c| c & 255).unwrap_or(0);
    let ended = format!("lab pod exit {} -n {} -c {} {code}", open.pod, open.ns, open.container);
    let result = execute(engine, &ended, ctx);
    if !result.ok {
        out.extend(result);
    }
    let mut journal = vec![ended];
    if open.remove {
        let delete = format!("kubectl delete pod {} -n {} --wait=false", open.pod, open.ns);
        out.extend(execute(engine, &delete, ctx));
        journal.push(delete);
    }
    ShellLine::Done { out, journal }
}

/// `kubectl exec -i[t] TARGET [-c C] -- sh`: opens the shell (kubectl prints nothing).
fn open_exec(shell: &mut Option<PodShell>, engine: &Engine, words: &[String]) -> ShellLine {
    let Ok(a) = parse(words, crate::exec::EXEC_FLAGS, "kubectl exec") else { return ShellLine::Pass };
    if !a.bool("stdin") || a.rest.is_empty() || !is_shell_command(&a.rest) {
        return ShellLine::Pass;
    }
    let Some(target) = a.positional.first() else { return ShellLine::Pass };
    let ns = a.namespace(engine);
    let (p, c, warnings) = match crate::exec::exec_target(engine, &a, target, &ns) {
        Ok(t) => t,
        Err(e) => return ShellLine::Done { out: e, journal: Vec::new() },
    };
    let sh = a.rest[0].rsplit('/').next().unwrap_or("sh");
    if !crate::exec::has_tool(&c.image, sh) {
        return ShellLine::Done { out: crate::exec::not_found(&a.rest[0]), journal: Vec::new() };
    }
    *shell = Some(shell_in(&p, &c, false, false));
    ShellLine::Done { out: warnings, journal: Vec::new() }
}

/// `kubectl run -i[t] [--rm] NAME --image=IMG [-- sh]`: the command creates the pod and runs
/// the clock until it runs (`run.rs`); then the shell opens. Journaled as typed.
fn open_run(
    shell: &mut Option<PodShell>,
    engine: &mut Engine,
    line: &str,
    words: &[String],
    ctx: &mut Ctx,
) -> ShellLine {
    let Ok(a) = parse(words, crate::run::RUN_FLAGS, "kubectl run") else { return ShellLine::Pass };
    let attach = if a.has("attach") { a.bool("attach") } else { a.bool("stdin") };
    if !attach || a.has("dry-run") {
        return ShellLine::Pass;
    }
    let out = execute(engine, line, ctx);
    if out.ok {
        let ns = a.namespace(engine);
        let name = a.positional.first().cloned().unwrap_or_default();
        if let Some(p) = engine.store().pods.get(&(ns, name)) {
            if let Some(c) = p.spec.containers.first() {
                *shell = Some(shell_in(p, c, true, a.bool("rm")));
            }
        }
    }
    ShellLine::Done { out, journal: vec![line.trim().to_string()] }
}

fn shell_in(p: &kubelab_api::Pod, c: &kubelab_api::Container, run: bool, remove: bool) -> PodShell {
    let busybox = crate::exec::alpine_like(&c.image);
    PodShell {
        ns: p.metadata.namespace.clone(),
        pod: p.metadata.name.clone(),
        container: c.name.clone(),
        prompt: if busybox { "/ #".into() } else { format!("root@{}:/#", p.metadata.name) },
        uid: p.metadata.uid.clone(),
        run,
        remove,
        busybox,
    }
}

/// A one-shot exec's output as the interactive shell shows it: a missing program is the
/// shell's "not found", and a failing command's status is not printed.
fn as_the_shell_prints(out: Output, busybox: bool) -> Output {
    let mut shown = Output::new();
    for (err, l) in out.lines {
        if l.starts_with("command terminated with exit code ") {
            continue;
        }
        let missing = l
            .split_once("exec: \"")
            .and_then(|(_, rest)| rest.split_once("\": executable file not found"))
            .map(|(tool, _)| tool.to_string());
        match missing {
            Some(tool) if busybox => shown.err(format!("sh: {tool}: not found")),
            Some(tool) => shown.err(format!("bash: {tool}: command not found")),
            None if err => shown.err(l),
            None => shown.out(l),
        }
    }
    shown.problems = out.problems;
    shown
}
