//! Lessons as data: each `lessons/<folder>/lesson.yaml` holds a title, a goal, the world it
//! starts from (a setup script in the runner's format) and steps. A step has Markdown text,
//! files for the editor, click-to-run commands, objectives checked against the live
//! cluster, hints and a solution script. Natively (the runner, the tests) lessons are
//! compiled in (see build.rs); a malformed one is an error with its file and line, found by
//! this crate's tests. The page's wasm carries none: it fetches them as one file, the bundle
//! (`bundle_url`, decoded by `from_bundle`), after it has started.
// Each sort on a new element type is another copy of the sort code in the page's wasm:
// kubelab_api::sort shares one (clippy.toml).
#![cfg_attr(not(test), warn(clippy::disallowed_methods))]

pub mod check;
pub mod markdown;

mod format;

use format::version_of;
pub use format::{Era, Lesson, Objective, Step};
use std::collections::BTreeMap;

include!(concat!(env!("OUT_DIR"), "/compiled.rs"));

/// A lesson that does not load: which file, which line, what.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LessonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// The 1-based line of the first line of `text` containing `needle` (1 if none).
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1).unwrap_or(1)
}

/// Parses and checks one lesson from its lesson.yaml text.
pub fn parse(folder: &str, text: &str) -> Result<Lesson, LessonError> {
    let lesson: Lesson = serde_yaml::from_str(text).map_err(|e| LessonError {
        file: format!("lessons/{folder}/lesson.yaml"),
        line: e.location().map(|l| l.line()).unwrap_or(1),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
    })?;
    check(folder, text, lesson)
}

/// Decodes and checks one lesson compiled in as JSON by build.rs. Its errors carry line 1
/// (the JSON is one line): the tests parse each lesson.yaml itself for the line.
#[cfg(not(target_arch = "wasm32"))]
fn from_json(folder: &str, json: &str) -> Result<Lesson, LessonError> {
    let lesson: Lesson = serde_json::from_str(json).map_err(|e| LessonError {
        file: format!("lessons/{folder}/lesson.yaml"),
        line: 1,
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
    })?;
    check(folder, json, lesson)
}

/// The checks serde cannot make (steps, objectives, solutions that parse), with the line
/// of `text` where each problem is.
fn check(folder: &str, text: &str, mut lesson: Lesson) -> Result<Lesson, LessonError> {
    let file = format!("lessons/{folder}/lesson.yaml");
    lesson.id = folder.to_string();
    let err = |needle: &str, message: String| LessonError { file: file.clone(), line: line_of(text, needle), message };
    if lesson.steps.is_empty() {
        return Err(err("steps:", "a lesson needs at least one step".into()));
    }
    if !(1..=2).contains(&lesson.part) {
        return Err(err("part:", format!("part is 1 (the VM era) or 2 (Kubernetes), not {}", lesson.part)));
    }
    let mut ids: Vec<String> = Vec::new();
    for (si, step) in lesson.steps.iter().enumerate() {
        if step.objectives.is_empty() {
            return Err(err(&step.title, format!("step {} ({}) has no objectives", si + 1, step.title)));
        }
        if let Err(e) = kubelab_kubectl::script::parse_script(&step.solution) {
            return Err(err(
                &step.title,
                format!("step {}: its solution does not parse: line {}: {}", si + 1, e.line, e.message),
            ));
        }
        for o in &step.objectives {
            let at = format!("id: {}", o.id);
            if ids.contains(&o.id) {
                return Err(err(&at, format!("objective id {:?} is used twice", o.id)));
            }
            match (&o.run, &o.load) {
                (Some(_), None) | (None, Some(_)) => {}
                _ => return Err(err(&at, format!("objective {:?} needs exactly one of `run` or `load`", o.id))),
            }
            if let Some(m) = &o.load {
                if !check::is_load_metric(m) {
                    return Err(err(&at, format!("objective {:?}: unknown load figure {m:?} (ok_rate, error_rate, ok, errors, requests, running, share:<version>, recent_share:<version>)", o.id)));
                }
            }
            let comparators = [
                o.equals.is_some(),
                o.contains.is_some(),
                o.not_contains.is_some(),
                o.at_least.is_some(),
                o.at_most.is_some(),
            ];
            if !comparators.contains(&true) {
                return Err(err(
                    &at,
                    format!(
                        "objective {:?} needs a comparison: equals, contains, not_contains, at_least or at_most",
                        o.id
                    ),
                ));
            }
            for a in &o.after {
                let known = ids.contains(a) || step.objectives.iter().take_while(|x| x.id != o.id).any(|x| &x.id == a);
                if !known {
                    return Err(err(
                        &at,
                        format!("objective {:?} comes after {a:?}, which is not an earlier objective", o.id),
                    ));
                }
            }
            ids.push(o.id.clone());
        }
    }
    Ok(lesson)
}

/// The bundle's file name in the built site (src/bin/lessons-bundle.rs writes it there).
pub const BUNDLE_FILE: &str = "lessons.json";

/// Where the page fetches the bundle, relative to the page: its version in the query, so a
/// new build's lessons are never an older copy from the browser's HTTP cache (the service
/// worker keys on the path and serves its own build's copy).
pub fn bundle_url() -> String {
    format!("{BUNDLE_FILE}?v={BUNDLE_VERSION}")
}

/// The bundle build.rs wrote: every lesson that decodes, `[[folder, lesson], ...]`.
#[cfg(not(target_arch = "wasm32"))]
pub fn bundle() -> &'static str {
    include_str!(concat!(env!("OUT_DIR"), "/lessons.json"))
}

/// The lessons from the bundle's text, checked as `all()` checks them. Err: a bundle of
/// another build (its version is not this build's), or one that does not decode.
pub fn from_bundle(text: &str) -> Result<Vec<Lesson>, LessonError> {
    let error = |message: String| LessonError { file: BUNDLE_FILE.to_string(), line: 1, message };
    if version_of(text) != BUNDLE_VERSION {
        return Err(error(format!(
            "it is not this build's (version {}, this page's is {BUNDLE_VERSION}): reload the page",
            version_of(text)
        )));
    }
    let lessons: Vec<(String, Lesson)> = serde_json::from_str(text).map_err(|e| error(e.to_string()))?;
    lessons.into_iter().map(|(folder, lesson)| check(&folder, "", lesson)).collect()
}

/// A lesson as build.rs compiled it in.
#[cfg(not(target_arch = "wasm32"))]
enum Compiled {
    /// Its lesson.yaml decoded into `Lesson` and written as JSON: decoding JSON is about
    /// ten times faster than YAML (the page decodes every lesson when it starts), and the
    /// page carries no YAML decoder for lessons.
    Json(&'static str),
    /// Its lesson.yaml did not decode at build time: the line and the error, as `parse`
    /// gives them. (Only build.rs's output constructs it, and only then.)
    #[allow(dead_code)]
    Broken { line: usize, message: &'static str },
}

/// Every compiled-in lesson, in folder order; the first error if one does not load.
#[cfg(not(target_arch = "wasm32"))]
pub fn all() -> Result<Vec<Lesson>, LessonError> {
    COMPILED
        .iter()
        .map(|(folder, lesson)| match lesson {
            Compiled::Json(json) => from_json(folder, json),
            Compiled::Broken { line, message } => Err(LessonError {
                file: format!("lessons/{folder}/lesson.yaml"),
                line: *line,
                message: message.to_string(),
            }),
        })
        .collect()
}

impl Step {
    /// The commands the text shows a reader, in order: the lines of its code blocks (but
    /// ```real ones, which are for the reader's own machine) and its `code` spans that look
    /// like a command (start with `kubectl `, `k `, `lab ` or `docker `). Err: a code block
    /// that does not parse as a script.
    pub fn shown_commands(&self) -> Result<Vec<String>, String> {
        use markdown::{Block, Inline};
        let looks_like = |t: &str| ["kubectl ", "k ", "lab ", "docker "].iter().any(|p| t.trim_start().starts_with(p));
        let mut shown = Vec::new();
        for b in markdown::parse(&self.text) {
            let spans = match b {
                Block::Code { text, lang } if lang != "real" && text.lines().any(looks_like) => {
                    let cmds = kubelab_kubectl::script::parse_script(&text).map_err(|e| {
                        format!("a code block in the text does not parse: line {}: {}", e.line, e.message)
                    })?;
                    shown.extend(cmds.into_iter().map(|c| c.echo.join("\n")));
                    continue;
                }
                Block::Paragraph(x) | Block::Note(x) | Block::Heading(_, x) => x,
                Block::List { items, .. } => items.into_iter().flatten().collect(),
                _ => continue,
            };
            for i in spans {
                if let Inline::Code(c) = i {
                    if looks_like(&c) {
                        shown.push(c);
                    }
                }
            }
        }
        Ok(shown)
    }
}

impl Lesson {
    /// The files of steps up to and including `step` (later steps' files win).
    pub fn files_until(&self, step: usize) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for s in self.steps.iter().take(step + 1) {
            for (k, v) in &s.files {
                out.insert(k.clone(), v.clone());
            }
        }
        out
    }
}
