//! The runner's core, callable from tests: a script in, a transcript and a trace out.

use kubelab_engine::{Engine, Snapshot};
use kubelab_kubectl::script::parse_script;
use kubelab_kubectl::{FileOrDir, Files};
use kubelab_lab::session::Session;
use std::path::{Path, PathBuf};

/// Runs `text` on a fresh default cluster seeded with `seed`.
pub fn run_script(text: &str, seed: u64, files: &dyn Files, script_name: &str, want_trace: bool) -> (String, String) {
    let mut transcript = String::new();
    let mut trace = String::new();
    let commands = match parse_script(text) {
        Ok(c) => c,
        Err(e) => {
            transcript.push_str(&format!("error: {script_name}:{}: {}\n", e.line, e.message));
            return (transcript, trace);
        }
    };
    // The same session the page drives (crates/lab), in its headless form.
    let mut session = Session::headless(seed);
    let mut last: Option<Snapshot> = None;
    let emit = |s: Snapshot, trace: &mut String, last: &mut Option<Snapshot>| {
        if want_trace {
            trace.push_str(&s.to_json_line());
            trace.push('\n');
        }
        *last = Some(s);
    };
    emit(session.engine().snapshot(), &mut trace, &mut last);
    for cmd in commands {
        let mut seen: Vec<Snapshot> = Vec::new();
        let mut observe = |e: &Engine| {
            if want_trace {
                seen.push(e.snapshot());
            }
        };
        let ran = session.run_observed(&cmd, files, &mut observe);
        for (i, l) in ran.echo.iter().enumerate() {
            if i == 0 {
                transcript.push_str("$ ");
            }
            transcript.push_str(l);
            transcript.push('\n');
        }
        for s in seen {
            if last.as_ref().is_none_or(|l| !l.same_state(&s)) {
                emit(s, &mut trace, &mut last);
            }
        }
        transcript.push_str(&ran.output.text());
        let mut after = session.engine().snapshot();
        after.after = Some(cmd.command.clone());
        emit(after, &mut trace, &mut last);
    }
    (transcript, trace)
}

/// `-f PATH` read from disk, relative to the script's folder (folders: their .yaml, .yml
/// and .json files in name order).
pub struct DiskFiles {
    pub base: PathBuf,
}

impl Files for DiskFiles {
    fn read(&self, path: &str) -> Result<FileOrDir, String> {
        let p = if Path::new(path).is_absolute() { PathBuf::from(path) } else { self.base.join(path) };
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&p)
                .map_err(|e| e.to_string())?
                .flatten()
                .map(|e| e.path())
                .filter(|e| matches!(e.extension().and_then(|x| x.to_str()), Some("yaml" | "yml" | "json")))
                .collect();
            entries.sort();
            let mut out = Vec::new();
            for e in entries {
                let text = std::fs::read_to_string(&e).map_err(|err| err.to_string())?;
                let shown = Path::new(path).join(e.file_name().unwrap_or_default());
                out.push((shown.display().to_string(), text));
            }
            return Ok(FileOrDir::Dir(out));
        }
        std::fs::read_to_string(&p).map(FileOrDir::File).map_err(|e| e.to_string())
    }
}
