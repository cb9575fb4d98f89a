//! Every lesson as a literal reader takes it, through the lab the page drives: for each step,
//! click its command buttons in order at once (no clock between them), then type the
//! commands its text shows, in order, then let the page's clock run at 60× (ticks of 100 ms
//! of wall time, 6 simulated seconds each) for at most ten simulated minutes, checking the
//! objectives as the page does. Every objective must tick; none may tick before the reader
//! has done anything; every step has a hint.

use kubelab_lab::lab::{Lab, Ticked};
use kubelab_lab::lessons::Open;
use kubelab_lab::platform::Memory;
use kubelab_lessons::{all, check, Lesson};

/// How long the clock may run after a step's commands, in simulated milliseconds.
const PATIENCE_MS: u64 = 10 * 60 * 1000;

/// The last lines of the console, to show what the reader saw.
fn console_tail(lab: &Lab, n: usize) -> String {
    let lines: Vec<&str> = lab.console.lines.iter().map(|l| l.text.as_str()).collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs a line as the page does and lets a `lab advance` typed alone finish.
fn run(lab: &mut Lab, p: &Memory, line: &str, typed: bool, files: &[(String, String)]) {
    lab.run(p, line, typed, files);
    while lab.advancing.is_some() {
        lab.tick(p, None);
    }
}

fn walk(l: &Lesson) -> Vec<String> {
    let mut problems = Vec::new();
    let p = Memory::default();
    let mut lab = Lab::new(1, "");
    lab.start_lesson(&p, l);
    while lab.tick(&p, None) == Ticked::Settled {}
    lab.clock.set_speed(60);
    lab.clock.paused = false;
    let mut open = Open { lesson: l.id.clone(), ..Default::default() };
    for (si, s) in l.steps.iter().enumerate() {
        let at = format!("{} step {} ({})", l.id, si + 1, s.title);
        if s.hints.is_empty() {
            problems.push(format!("{at}: has no hint"));
        }
        open.go_to_step(l, si);
        if let Some((name, text)) = s.files.iter().next() {
            lab.tabs.open(name, text);
        }
        let files: Vec<(String, String)> = open.files(l).into_iter().collect();
        // Before the reader does anything.
        let before = open.done.clone();
        open.check(l, lab.session.engine());
        let early: Vec<&str> = s
            .objectives
            .iter()
            .filter(|o| open.done.contains(&o.id) && !before.contains(&o.id))
            .map(|o| o.id.as_str())
            .collect();
        if !early.is_empty() {
            problems.push(format!("{at}: met before the reader did anything: {}", early.join(", ")));
        }
        for c in &s.commands {
            run(&mut lab, &p, c, false, &files);
            open.check(l, lab.session.engine());
        }
        let shown = match s.shown_commands() {
            Ok(c) => c,
            Err(e) => {
                problems.push(format!("{at}: {e}"));
                Vec::new()
            }
        };
        for c in &shown {
            run(&mut lab, &p, c, true, &files);
            open.check(l, lab.session.engine());
        }
        let start = lab.session.engine().now().0;
        while !open.step_complete(l) && lab.session.engine().now().0 < start + PATIENCE_MS {
            lab.tick(&p, None);
            open.check(l, lab.session.engine());
        }
        if !open.step_complete(l) {
            let engine = lab.session.engine();
            let since = open.since_step_start(engine).clone();
            let missing: Vec<String> = s
                .objectives
                .iter()
                .filter(|o| !open.done.contains(&o.id))
                .map(|o| {
                    let now = match (&o.run, &o.load) {
                        (Some(r), _) => check::command_output(engine, r),
                        (_, Some(m)) => format!("{:?}", check::load_metric(engine, m, &since)),
                        _ => String::new(),
                    };
                    format!("  {} ({}): now: {now}", o.id, o.text)
                })
                .collect();
            problems.push(format!(
                "{at}: after the buttons, the text's commands and {} min of clock, unmet:\n{}\n  --- the console's last lines ---\n{}",
                PATIENCE_MS / 60_000,
                missing.join("\n"),
                console_tail(&lab, 30)
            ));
            // The rest of the lesson builds on this step: it cannot be judged.
            break;
        }
    }
    problems
}

#[test]
fn a_literal_reader_completes_every_lesson() {
    let lessons = all().unwrap_or_else(|e| panic!("{e}"));
    let only = std::env::var("LESSON").unwrap_or_default();
    let problems: Vec<String> = lessons.iter().filter(|l| l.id.contains(&only)).flat_map(walk).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// What the browser's literal walk (tests/e2e/lessons-literal.test.mjs) does, from the same
/// lessons: per lesson, per step, how many command buttons to click, the commands the text
/// shows (to type), and the objectives to wait for. The file is checked in; `BLESS=1`
/// rewrites it after a lesson changed.
#[test]
fn the_browser_walk_reads_the_same_steps() {
    let lessons = all().unwrap_or_else(|e| panic!("{e}"));
    let plan: Vec<serde_json::Value> = lessons
        .iter()
        .map(|l| {
            let steps: Vec<serde_json::Value> = l
                .steps
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "buttons": s.commands.len(),
                        "typed": s.shown_commands().unwrap_or_default(),
                        "objectives": s.objectives.iter().map(|o| o.id.clone()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::json!({ "id": l.id, "steps": steps })
        })
        .collect();
    let text = serde_json::to_string_pretty(&plan).expect("plain JSON") + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/e2e/lessons-literal.json");
    if std::env::var("BLESS").is_ok() {
        std::fs::write(path, &text).expect("writes the plan");
    }
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    assert!(on_disk == text, "{path} is not what the lessons say: run this test with BLESS=1 and commit it");
}
