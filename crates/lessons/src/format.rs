//! The lesson format: what a `lessons/<folder>/lesson.yaml` holds. `build.rs` includes this
//! file too: it decodes each lesson.yaml into these types and compiles the lesson in as
//! JSON, which the page decodes about ten times faster than YAML (see `crate::all`); the
//! JSON leaves out what is absent or empty.

use serde::{Deserialize, Serialize};

/// A bundle's version (build.rs), so a new build's lessons are a new address and the page
/// can tell its own from another build's: 64-bit FNV-1a over the bytes, in hex.
pub fn version_of(text: &str) -> String {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}
use std::collections::BTreeMap;

/// Which world a lesson starts in.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Era {
    /// The VM-era LAN (`lab lan up`), before Kubernetes.
    Vm,
    Kubernetes,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub setup: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub title: String,
    /// Markdown (the subset in `markdown.rs`).
    pub text: String,
    /// File name → content, loaded into the editor; `-f NAME` reads them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, String>,
    /// Commands shown as click-to-run blocks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    pub objectives: Vec<Objective>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// A script (the runner's format) that meets every objective of the step.
    pub solution: String,
}

/// A fact about the live cluster the learner is to bring about.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub id: String,
    /// What the learner reads: "deployment/web has 5 available replicas".
    pub text: String,
    /// Objectives that must be met first (a task graph).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// A read-only console command whose output is compared (run on a copy of the lab, so
    /// it never changes anything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// A load generator figure, counting only requests answered since the step started:
    /// `ok_rate`, `error_rate` (per second, last 10 s), `ok`, `errors`, `requests` (totals
    /// since the step started, across loads), `running` (1 or 0), `share:<version>` (% of ok
    /// since the step started), `recent_share:<version>` (% of ok in the last 10 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<String>,
    /// Compare the number of non-empty output lines instead of the text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lines: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_contains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<f64>,
}
