//! kubectl and the lab's own commands over a kubelab engine, with kubectl-exact printers.
//! Shared by the browser console and the `kubelab` runner, so every command is testable
//! natively.
// Each sort on a new element type is another copy of the sort code in the page's wasm:
// kubelab_api::sort shares one (clippy.toml).
#![cfg_attr(not(test), warn(clippy::disallowed_methods))]

pub mod addons;
pub mod apply;
pub mod args;
pub mod autoscale;
pub mod cluster;
pub mod commands;
pub mod complete;
pub mod config;
pub mod console;
pub mod create;
pub mod describe;
pub mod dry_run;
pub mod edit;
pub mod effect;
pub mod exec;
pub mod explain;
pub mod export;
pub mod expose;
pub mod fields;
pub mod jsonpath;
pub mod kinds;
pub mod lab;
pub mod labels;
pub mod logs;
pub mod nodes;
pub mod output;
pub mod patch;
pub mod pick;
pub mod pipe;
pub mod pod_shell;
pub mod printers;
pub mod registry;
pub mod rollout;
pub mod run;
pub mod script;
pub mod selector;
pub mod set_env;
pub mod set_image;
pub mod shell;
pub mod strconv;
mod submit;
pub mod tabwriter;
pub mod top;
pub mod traffic;
pub mod vm;
pub mod wait;
pub mod why;

pub use apply::{apply_manifest, ApplyReport, Problem};
pub use commands::FileOrDir;
pub use console::Console;

use kubelab_engine::Engine;

/// What a command printed. kubectl writes errors and "No resources found" to stderr; the
/// console and the transcript show both, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// Lines in the order they were printed, each marked as stdout (false) or stderr (true).
    pub lines: Vec<(bool, String)>,
    /// The command's exit status was 0.
    pub ok: bool,
    /// Problems `apply -f` / `create -f` found in a manifest, at their lines (for an
    /// editor to mark; the lines above already say them).
    pub problems: Vec<Problem>,
}

impl Output {
    pub fn new() -> Output {
        Output { lines: Vec::new(), ok: true, problems: Vec::new() }
    }
    pub fn line(text: impl AsRef<str>) -> Output {
        let mut o = Output::new();
        o.out(text);
        o
    }
    pub fn error(text: impl AsRef<str>) -> Output {
        let mut o = Output::new();
        o.err(text);
        o
    }
    pub fn out(&mut self, text: impl AsRef<str>) {
        for l in text.as_ref().lines() {
            self.lines.push((false, l.to_string()));
        }
    }
    pub fn err(&mut self, text: impl AsRef<str>) {
        for l in text.as_ref().lines() {
            self.lines.push((true, l.to_string()));
        }
        self.ok = false;
    }
    /// A warning: printed to stderr, the command still succeeds.
    pub fn warn(&mut self, text: impl AsRef<str>) {
        for l in text.as_ref().lines() {
            self.lines.push((true, l.to_string()));
        }
    }
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (_, l) in &self.lines {
            s.push_str(l);
            s.push('\n');
        }
        s
    }
    pub fn extend(&mut self, other: Output) {
        self.ok &= other.ok;
        self.lines.extend(other.lines);
        self.problems.extend(other.problems);
    }
}

/// Where `-f PATH` is read from: the runner's disk (relative to the script), the browser's
/// editor tabs.
pub trait Files {
    fn read(&self, path: &str) -> Result<FileOrDir, String>;
}

/// No files at all (a console with nothing to read).
pub struct NoFiles;

impl Files for NoFiles {
    fn read(&self, path: &str) -> Result<FileOrDir, String> {
        Err(format!("the path \"{path}\" does not exist"))
    }
}

/// What a command may use besides the engine.
pub struct Ctx<'a> {
    pub files: &'a dyn Files,
    /// A heredoc's body, for `-f -`.
    pub stdin: Option<&'a str>,
    /// Sees the cluster at every instant the clock moves through during the command.
    pub observe: &'a mut dyn FnMut(&Engine),
}

/// Runs one console line (`kubectl ...`, `k ...` or `lab ...`) and settles the cluster.
pub fn execute(engine: &mut Engine, line: &str, ctx: &mut Ctx) -> Output {
    let out = execute_unsettled(engine, line, ctx);
    engine.settle();
    out
}

/// `execute` without the final settle: the controllers' reaction to the command is left to
/// the caller (the page settles it a pass at a time over the next frames, and always before
/// the next command or clock step, so every command sees what `execute` would have shown).
pub fn execute_unsettled(engine: &mut Engine, line: &str, ctx: &mut Ctx) -> Output {
    let words = match shell::split_words(line) {
        Ok(w) => w,
        Err(e) => return Output::error(format!("error: {e}")),
    };
    // `kubectl get pods | grep web`: a few text tools over what the command printed.
    // A kubectl or lab command after a pipe reads what came before as its stdin
    // (`kubectl create ... --dry-run=client -o yaml | kubectl apply -f -`).
    let parts = pipe::split(&words);
    if parts.len() > 1 {
        let mut out = run_words(engine, parts[0], ctx);
        for stage in &parts[1..] {
            if matches!(stage.first().map(String::as_str), Some("kubectl" | "k" | "lab")) {
                let stdin: String = out.lines.iter().filter(|(e, _)| !e).map(|(_, l)| format!("{l}\n")).collect();
                let mut next = Output::new();
                next.lines = out.lines.into_iter().filter(|(e, _)| *e).collect();
                let mut inner = Ctx { files: ctx.files, stdin: Some(&stdin), observe: &mut *ctx.observe };
                let ran = run_words(engine, stage, &mut inner);
                next.lines.extend(ran.lines);
                next.ok = ran.ok;
                next.problems = ran.problems;
                out = next;
            } else {
                out = pipe::apply(out, &[stage]);
            }
        }
        return out;
    }
    run_words(engine, &words, ctx)
}

fn run_words(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let Some(prog) = words.first() else { return Output::new() };
    let out = match prog.as_str() {
        "kubectl" | "k" => kubectl(engine, &words[1..], ctx),
        "lab" => lab::run(engine, &words[1..], ctx),
        other => Output::error(format!(
            "{other}: command not found (this console runs kubectl and lab commands; try 'lab help')"
        )),
    };
    out
}

fn kubectl(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let words = &args::global_flags_after_verb(words);
    let Some(cmd) = words.first() else {
        return Output::line(
            "kubectl controls the Kubernetes cluster manager.\n\nRun 'lab help' for the commands this lab supports.",
        );
    };
    match registry::kubectl_verb(cmd) {
        Some(verb @ registry::Verb { run: Some(run), .. }) => {
            registry::run_kubectl(verb, *run, engine, &words[1..], ctx)
        }
        Some(_) => Output::error(format!("error: `kubectl {cmd}` is not available in this lab yet")),
        None => unknown_command(cmd),
    }
}

/// cobra's wording for a verb kubectl does not have, as kubectl prints it (with a blank line
/// after suggestions).
fn unknown_command(cmd: &str) -> Output {
    let known = registry::suggestions(cmd);
    let mut out = Output::error(format!("Error: unknown command \"{cmd}\" for \"kubectl\""));
    if !known.is_empty() {
        out.err("\nDid you mean this?");
        for k in known {
            out.err(format!("\t{k}"));
        }
        out.lines.push((true, String::new()));
    }
    out
}
