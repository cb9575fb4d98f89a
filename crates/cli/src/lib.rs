//! The runner's core, callable from tests: a script in, a transcript and a trace out.

use kubelab_engine::{Engine, Snapshot};
use kubelab_kubectl::script::parse_script;
use kubelab_kubectl::{Console, Ctx, Files};

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
    let mut engine = Engine::new(seed);
    let mut console = Console::new();
    engine.settle();
    let mut last: Option<Snapshot> = None;
    let emit = |s: Snapshot, trace: &mut String, last: &mut Option<Snapshot>| {
        if want_trace {
            trace.push_str(&s.to_json_line());
            trace.push('\n');
        }
        *last = Some(s);
    };
    emit(engine.snapshot(), &mut trace, &mut last);
    for cmd in commands {
        for (i, l) in cmd.echo.iter().enumerate() {
            if i == 0 {
                transcript.push_str("$ ");
            }
            transcript.push_str(l);
            transcript.push('\n');
        }
        let mut seen: Vec<Snapshot> = Vec::new();
        let out = {
            let mut observe = |e: &Engine| {
                if want_trace {
                    seen.push(e.snapshot());
                }
            };
            let mut ctx = Ctx { files, stdin: cmd.stdin.as_deref(), observe: &mut observe };
            console.execute(&mut engine, &cmd.command, &mut ctx)
        };
        for s in seen {
            if last.as_ref().is_none_or(|l| !l.same_state(&s)) {
                emit(s, &mut trace, &mut last);
            }
        }
        transcript.push_str(&out.text());
        let mut after = engine.snapshot();
        after.after = Some(cmd.command.clone());
        emit(after, &mut trace, &mut last);
    }
    (transcript, trace)
}
