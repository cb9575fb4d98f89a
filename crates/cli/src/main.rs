//! `kubelab run SCRIPT [--seed N] [--trace FILE]`: runs a script of console commands against
//! a fresh simulated cluster and prints the transcript.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: kubelab run SCRIPT [--seed N] [--trace FILE]

Runs SCRIPT (one kubectl or lab command per line; # comments; heredocs) against a fresh
simulated cluster and prints a transcript: each command as `$ <command>`, then its output.
  --seed N       seed for names and chance (default 1); the same seed gives the same output
  --trace FILE   also write the cluster state as JSON Lines: one line per instant it changed,
                 and one after each command with \"after\": \"<command>\"";

struct Options {
    script: PathBuf,
    seed: u64,
    trace: Option<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut it = args.iter();
    match it.next().map(|s| s.as_str()) {
        Some("run") => {}
        Some("help" | "--help" | "-h") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown command \"{other}\"")),
    }
    let mut script = None;
    let mut seed = 1u64;
    let mut trace = None;
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match name {
            "--seed" => {
                let v = inline.or_else(|| it.next().cloned()).ok_or("--seed needs a number")?;
                seed = v.parse().map_err(|_| format!("--seed: \"{v}\" is not a whole number"))?;
            }
            "--trace" => {
                let v = inline.or_else(|| it.next().cloned()).ok_or("--trace needs a file name")?;
                trace = Some(PathBuf::from(v));
            }
            s if s.starts_with('-') => return Err(format!("unknown flag {s}")),
            s => {
                if script.is_some() {
                    return Err(format!("one script at a time (got a second: {s})"));
                }
                script = Some(PathBuf::from(s));
            }
        }
    }
    Ok(Options { script: script.ok_or("run needs a SCRIPT")?, seed, trace })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("kubelab: {e}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&opts.script) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("kubelab: cannot read {}: {e}", opts.script.display());
            return ExitCode::from(2);
        }
    };
    let mut trace_file = match &opts.trace {
        None => None,
        Some(p) => match std::fs::File::create(p) {
            Ok(f) => Some(std::io::BufWriter::new(f)),
            Err(e) => {
                eprintln!("kubelab: cannot write trace {}: {e}", p.display());
                return ExitCode::from(2);
            }
        },
    };
    let base = opts.script.parent().map(Path::to_path_buf).unwrap_or_default();
    let (transcript, trace) = run(&text, opts.seed, &base, &opts.script.display().to_string(), opts.trace.is_some());
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    let _ = lock.write_all(transcript.as_bytes());
    if let Some(f) = trace_file.as_mut() {
        let _ = f.write_all(trace.as_bytes());
        let _ = f.flush();
    }
    ExitCode::SUCCESS
}

/// Runs a script and returns (transcript, trace JSON Lines).
pub fn run(text: &str, seed: u64, base: &Path, script_name: &str, want_trace: bool) -> (String, String) {
    kubelab::run_script(text, seed, &kubelab::DiskFiles { base: base.to_path_buf() }, script_name, want_trace)
}
