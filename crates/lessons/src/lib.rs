//! Lessons as data: each `lessons/<folder>/lesson.yaml` holds a title, a goal, the world it
//! starts from (a setup script in the runner's format) and steps. A step has Markdown text,
//! files for the editor, click-to-run commands, objectives checked against the live
//! cluster, hints and a solution script. Lessons are compiled in (see build.rs); a
//! malformed one is an error with its file and line, found by this crate's tests.

pub mod check;
pub mod markdown;

use serde::Deserialize;
use std::collections::BTreeMap;

include!(concat!(env!("OUT_DIR"), "/sources.rs"));

/// Which world a lesson starts in.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Era {
    /// The VM-era LAN (`lab lan up`), before Kubernetes.
    Vm,
    Kubernetes,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    /// Filled from the folder name.
    #[serde(skip)]
    pub id: String,
    pub title: String,
    pub goal: String,
    /// Estimated minutes.
    pub minutes: u32,
    pub era: Era,
    /// The part of the workshop: 1 (VM era) or 2 (Kubernetes).
    pub part: u32,
    /// Commands run (in a fresh lab) before the first step.
    #[serde(default)]
    pub setup: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Markdown (the subset in `markdown.rs`).
    pub text: String,
    /// File name → content, loaded into the editor; `-f NAME` reads them.
    #[serde(default)]
    pub files: BTreeMap<String, String>,
    /// Commands shown as click-to-run blocks.
    #[serde(default)]
    pub commands: Vec<String>,
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub hints: Vec<String>,
    /// A script (the runner's format) that meets every objective of the step.
    pub solution: String,
}

/// A fact about the live cluster the learner is to bring about.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub id: String,
    /// What the learner reads: "deployment/web has 5 available replicas".
    pub text: String,
    /// Objectives that must be met first (a task graph).
    #[serde(default)]
    pub after: Vec<String>,
    /// A read-only console command whose output is compared (run on a copy of the lab, so
    /// it never changes anything).
    #[serde(default)]
    pub run: Option<String>,
    /// A load generator figure, counting only requests answered since the step started:
    /// `ok_rate`, `error_rate` (per second, last 10 s), `ok`, `errors`, `requests` (totals
    /// since the step started, across loads), `running` (1 or 0), `share:<version>` (% of ok
    /// since the step started), `recent_share:<version>` (% of ok in the last 10 s).
    #[serde(default)]
    pub load: Option<String>,
    /// Compare the number of non-empty output lines instead of the text.
    #[serde(default)]
    pub lines: bool,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub contains: Option<String>,
    #[serde(default)]
    pub not_contains: Option<String>,
    #[serde(default)]
    pub at_least: Option<f64>,
    #[serde(default)]
    pub at_most: Option<f64>,
}

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

/// Parses and checks one lesson.
pub fn parse(folder: &str, text: &str) -> Result<Lesson, LessonError> {
    let file = format!("lessons/{folder}/lesson.yaml");
    let mut lesson: Lesson = serde_yaml::from_str(text).map_err(|e| LessonError {
        file: file.clone(),
        line: e.location().map(|l| l.line()).unwrap_or(1),
        message: e.to_string().split(" at line ").next().unwrap_or_default().to_string(),
    })?;
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

/// Every compiled-in lesson, in order; the first error if one does not load.
pub fn all() -> Result<Vec<Lesson>, LessonError> {
    SOURCES.iter().map(|(folder, text)| parse(folder, text)).collect()
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
