//! Every lesson, headlessly: it loads; its references resolve (files named by `-f`, the
//! commands it shows parse); and, step by step from its setup, the starting state does not
//! already meet the step's objectives while its solution meets every one of them.

use kubelab_engine::Engine;
use kubelab_kubectl::script::parse_script;
use kubelab_kubectl::{Console, Ctx, FileOrDir, Files};
use kubelab_lessons::check::{command_output, holds, tick, Since};
use kubelab_lessons::{all, Lesson};
use std::collections::{BTreeMap, BTreeSet};

struct LessonFiles(BTreeMap<String, String>);

impl Files for LessonFiles {
    fn read(&self, path: &str) -> Result<FileOrDir, String> {
        self.0.get(path).cloned().map(FileOrDir::File).ok_or_else(|| format!("the path \"{path}\" does not exist"))
    }
}

fn run(console: &mut Console, engine: &mut Engine, files: &LessonFiles, script: &str, log: &mut String) {
    for cmd in parse_script(script).expect("checked when the lesson loaded") {
        let out = console.execute(
            engine,
            &cmd.command,
            &mut Ctx { files, stdin: cmd.stdin.as_deref(), observe: &mut |_| {} },
        );
        log.push_str(&format!("$ {}\n{}", cmd.echo.join("\n"), out.text()));
    }
}

/// `-f NAME` arguments of a command line.
fn file_refs(line: &str) -> Vec<String> {
    let words = kubelab_kubectl::shell::split_words(line).unwrap_or_default();
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if w == "-f" || w == "--filename" {
            if let Some(n) = words.get(i + 1) {
                if n != "-" {
                    out.push(n.clone());
                }
            }
        } else if let Some(n) = w.strip_prefix("--filename=").or(w.strip_prefix("-f=")) {
            out.push(n.to_string());
        }
    }
    out
}

#[test]
fn every_lesson_loads_and_there_are_enough() {
    let lessons = all().unwrap_or_else(|e| panic!("{e}"));
    assert!(lessons.len() >= 15, "{} lessons", lessons.len());
    assert!(lessons.iter().any(|l| l.part == 1) && lessons.iter().any(|l| l.part == 2));
}

/// The lessons compiled in as JSON (build.rs) are the lesson.yaml files as `parse` reads
/// them; and this is where a lesson's author sees a problem with its line.
#[test]
fn the_compiled_lessons_are_their_yaml() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    let mut folders: Vec<String> = std::fs::read_dir(&dir)
        .expect("lessons/")
        .flatten()
        .filter(|e| e.path().join("lesson.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    let from_yaml: Vec<Lesson> = folders
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(dir.join(f).join("lesson.yaml")).expect("lesson.yaml");
            kubelab_lessons::parse(f, &text).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    assert_eq!(all().unwrap_or_else(|e| panic!("{e}")), from_yaml);
}

/// The bundle the page fetches holds the same lessons as the runner's, and the page tells
/// another build's bundle (or a damaged one) from its own.
#[test]
fn the_pages_bundle_is_the_compiled_lessons() {
    use kubelab_lessons::{bundle, bundle_url, from_bundle, BUNDLE_VERSION};
    assert_eq!(from_bundle(bundle()).unwrap_or_else(|e| panic!("{e}")), all().unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(bundle_url(), format!("lessons.json?v={BUNDLE_VERSION}"));
    let other = bundle().replacen("Kubernetes", "Kubernetez", 1);
    let e = from_bundle(&other).expect_err("another build's bundle");
    assert!(e.to_string().starts_with("lessons.json:1: it is not this build's (version "), "{e}");
    assert!(e.to_string().ends_with(&format!("this page's is {BUNDLE_VERSION}): reload the page")), "{e}");
}

#[test]
fn every_reference_resolves() {
    let mut problems = Vec::new();
    for l in all().unwrap_or_else(|e| panic!("{e}")) {
        for (si, s) in l.steps.iter().enumerate() {
            let files = l.files_until(si);
            let solution_lines: Vec<String> =
                parse_script(&s.solution).map(|c| c.into_iter().map(|c| c.command).collect()).unwrap_or_default();
            // Commands the text shows (code blocks and `code` spans that start like one).
            let shown = s.shown_commands().unwrap_or_else(|e| {
                problems.push(format!("{} step {}: {e}", l.id, si + 1));
                Vec::new()
            });
            for c in s.commands.iter().chain(solution_lines.iter()).chain(shown.iter()) {
                if parse_script(c).is_err() {
                    problems.push(format!("{} step {}: command does not parse: {c}", l.id, si + 1));
                }
                for f in file_refs(c) {
                    if !files.contains_key(&f) {
                        problems.push(format!(
                            "{} step {}: `{c}` reads {f}, which no step up to this one provides",
                            l.id,
                            si + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn walk(l: &Lesson) -> Result<(), String> {
    let mut engine = Engine::new(1);
    let mut console = Console::new();
    let mut log = String::new();
    run(&mut console, &mut engine, &LessonFiles(BTreeMap::new()), &l.setup, &mut log);
    let mut done = BTreeSet::new();
    for (si, s) in l.steps.iter().enumerate() {
        let files = LessonFiles(l.files_until(si));
        let since = Since::now(&engine);
        let mut probe = done.clone();
        tick(&s.objectives, &mut probe, &engine, &since);
        if s.objectives.iter().all(|o| probe.contains(&o.id)) {
            return Err(format!(
                "{} step {} ({}): the starting state already meets every objective",
                l.id,
                si + 1,
                s.title
            ));
        }
        for cmd in parse_script(&s.solution).expect("parsed") {
            let out = console.execute(
                &mut engine,
                &cmd.command,
                &mut Ctx { files: &files, stdin: cmd.stdin.as_deref(), observe: &mut |_| {} },
            );
            log.push_str(&format!("$ {}\n{}", cmd.echo.join("\n"), out.text()));
            if out.text().contains("command not found") || out.text().contains("unknown lab command") {
                return Err(format!(
                    "{} step {}: `{}` is not a command here:\n{}",
                    l.id,
                    si + 1,
                    cmd.command,
                    out.text()
                ));
            }
            tick(&s.objectives, &mut done, &engine, &since);
        }
        let missing: Vec<String> = s
            .objectives
            .iter()
            .filter(|o| !done.contains(&o.id))
            .map(|o| {
                let now = o.run.as_ref().map(|r| command_output(&engine, r)).unwrap_or_else(|| {
                    format!(
                        "{:?}",
                        o.load.as_ref().and_then(|m| kubelab_lessons::check::load_metric(&engine, m, &since))
                    )
                });
                format!("  {} ({}): holds now: {}; output: {now}", o.id, o.text, holds(o, &engine, &since))
            })
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "{} step {} ({}): the solution leaves objectives unmet:\n{}\n--- transcript ---\n{log}",
                l.id,
                si + 1,
                s.title,
                missing.join("\n")
            ));
        }
    }
    Ok(())
}

#[test]
fn every_solution_meets_its_objectives_and_no_start_does() {
    let lessons = all().unwrap_or_else(|e| panic!("{e}"));
    let failures: Vec<String> = lessons.iter().filter_map(|l| walk(l).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_malformed_lesson_is_an_error_with_file_and_line() {
    let e = kubelab_lessons::parse("99-bad", "title: x\ngoal: y\nminutes: 5\nera: kubernetes\npart: 2\nsteps:\n- title: s\n  text: t\n  objectivs: []\n  solution: ''\n").unwrap_err();
    assert_eq!((e.file.as_str(), e.line), ("lessons/99-bad/lesson.yaml", 9), "{e}");
    assert!(e.message.contains("unknown field `objectivs`"), "{e}");
    let e = kubelab_lessons::parse(
        "98-bad",
        "title: x\ngoal: y\nminutes: 5\nera: kubernetes\npart: 2\nsteps:\n- title: s\n  text: t\n  objectives:\n  - id: a\n    text: t\n    run: kubectl get pods\n  solution: ''\n",
    )
    .unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("needs a comparison"), "{e}");
}
