//! Where a learner is in the lessons, and how that is saved: the lesson and step open, the
//! objectives met (sticky, as a task list), hints shown, and which lessons are complete.
//! Saved in localStorage under its own key (format version 1); an unreadable save gives a
//! clear message and a fresh start. Plain data, tested natively.

use crate::platform::Platform;
use kubelab_engine::Engine;
use kubelab_lessons::{check, Lesson};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub const PROGRESS_KEY: &str = "kubelab.lessons";
pub const PROGRESS_VERSION: u64 = 1;

/// The lesson open right now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Open {
    pub lesson: String,
    pub step: usize,
    /// Objective ids met so far in this lesson.
    pub done: BTreeSet<String>,
    pub hints_shown: usize,
    pub solution_shown: bool,
    /// The step whose traffic is being counted, and from when (`check::Since`): set at the
    /// first check of a step, and again after the lab restarted. Not saved: a reloaded page
    /// counts afresh.
    pub since: Option<(usize, check::Since)>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    pub open: Option<Open>,
    /// Lessons whose every objective was met.
    pub completed: BTreeSet<String>,
}

/// The progress as written: `open` only while a lesson is open.
#[derive(Serialize)]
struct ProgressOut<'a> {
    version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    open: Option<OpenOut<'a>>,
    completed: &'a BTreeSet<String>,
}

/// An open lesson as written (whether the solution shows is not kept).
#[derive(Serialize)]
struct OpenOut<'a> {
    lesson: &'a str,
    step: usize,
    done: &'a BTreeSet<String>,
    hints: usize,
}

impl Progress {
    pub fn to_json(&self) -> String {
        let open = self.open.as_ref().map(|o| OpenOut {
            lesson: &o.lesson,
            step: o.step,
            done: &o.done,
            hints: o.hints_shown,
        });
        let out = ProgressOut { version: PROGRESS_VERSION, open, completed: &self.completed };
        // Strings, whole numbers and lists: nothing here can fail.
        serde_json::to_string(&out).unwrap_or_default()
    }

    /// Reads a save, checked against the lessons this build has: an unknown lesson or a
    /// step out of range is an error with a reason, never a broken page.
    pub fn from_json(text: &str, lessons: &[Lesson]) -> Result<Progress, String> {
        let j: Value =
            serde_json::from_str(text).map_err(|e| format!("the saved lesson progress is not readable ({e})"))?;
        match j.get("version").and_then(Value::as_u64) {
            Some(PROGRESS_VERSION) => {}
            Some(v) => {
                return Err(format!(
                    "the saved lesson progress has format version {v}; this lab reads version {PROGRESS_VERSION}"
                ))
            }
            None => return Err("the saved lesson progress has no format version".into()),
        }
        let strings = |v: Option<&Value>| -> Result<BTreeSet<String>, String> {
            v.and_then(Value::as_array)
                .ok_or("a list is missing")?
                .iter()
                .map(|x| x.as_str().map(String::from).ok_or_else(|| "a list holds a non-string".to_string()))
                .collect::<Result<Vec<_>, _>>()
                .map(kubelab_api::sort::set)
        };
        let completed =
            strings(j.get("completed")).map_err(|e| format!("the saved lesson progress is damaged: {e}"))?;
        let open = match j.get("open") {
            None | Some(Value::Null) => None,
            Some(o) => {
                let id = o
                    .get("lesson")
                    .and_then(Value::as_str)
                    .ok_or("the saved lesson progress is damaged: no lesson id")?;
                let lesson = lessons
                    .iter()
                    .find(|l| l.id == id)
                    .ok_or_else(|| format!("the saved progress is for a lesson this lab does not have ({id})"))?;
                let step =
                    o.get("step").and_then(Value::as_u64).ok_or("the saved lesson progress is damaged: no step")?
                        as usize;
                if step >= lesson.steps.len() {
                    return Err(format!(
                        "the saved progress is at step {} of {id}, which has {} steps",
                        step + 1,
                        lesson.steps.len()
                    ));
                }
                let done = strings(o.get("done")).map_err(|e| format!("the saved lesson progress is damaged: {e}"))?;
                let hints_shown = o.get("hints").and_then(Value::as_u64).unwrap_or(0) as usize;
                Some(Open { lesson: id.to_string(), step, done, hints_shown, solution_shown: false, since: None })
            }
        };
        Ok(Progress { open, completed })
    }
}

impl Progress {
    /// The progress saved on this platform; None when there is none; Err: why it starts
    /// afresh (the unreadable save is kept aside as `kubelab.lessons.unreadable`).
    pub fn load(platform: &dyn Platform, lessons: &[Lesson]) -> Result<Option<Progress>, String> {
        let Some(text) = platform.get(PROGRESS_KEY) else { return Ok(None) };
        Progress::from_json(&text, lessons).map(Some).map_err(|e| {
            platform.set(&format!("{PROGRESS_KEY}.unreadable"), &text);
            format!(
                "{e}: your lesson progress starts afresh (the old save is kept aside as {PROGRESS_KEY}.unreadable)."
            )
        })
    }

    pub fn store(&self, platform: &dyn Platform) {
        platform.set(PROGRESS_KEY, &self.to_json());
    }
}

/// The lesson with this id.
pub fn find<'a>(lessons: &'a [Lesson], id: &str) -> Option<&'a Lesson> {
    lessons.iter().find(|l| l.id == id)
}

impl Open {
    /// Checks the current step's objectives against the lab; true if any became met. The
    /// step's traffic counts from its first check (the moment it was opened).
    pub fn check(&mut self, lesson: &Lesson, engine: &Engine) -> bool {
        let Some(step) = lesson.steps.get(self.step) else { return false };
        let since = self.since_step_start(engine).clone();
        !check::tick(&step.objectives, &mut self.done, engine, &since).is_empty()
    }

    /// Where this step's traffic counts from: anchored now if the step is new, or if the
    /// lab's clock went back (a reset).
    pub fn since_step_start(&mut self, engine: &Engine) -> &check::Since {
        let stale = match &self.since {
            Some((step, s)) => *step != self.step || s.at_ms > engine.now().0,
            None => true,
        };
        if stale {
            self.since = Some((self.step, check::Since::now(engine)));
        }
        &self.since.as_ref().expect("set above").1
    }

    /// Every objective of the step is met.
    pub fn step_complete(&self, lesson: &Lesson) -> bool {
        lesson.steps.get(self.step).is_some_and(|s| s.objectives.iter().all(|o| self.done.contains(&o.id)))
    }

    pub fn lesson_complete(&self, lesson: &Lesson) -> bool {
        lesson.steps.iter().all(|s| s.objectives.iter().all(|o| self.done.contains(&o.id)))
    }

    /// The step starts over: what the earlier steps asked for stays met (their solutions
    /// have just run again), this step's objectives are not, and its solution is hidden.
    pub fn restart_step(&mut self, lesson: &Lesson) {
        let Some(step) = lesson.steps.get(self.step) else { return };
        self.done.retain(|d| !step.objectives.iter().any(|o| &o.id == d));
        self.solution_shown = false;
        self.since = None;
    }

    /// Moves to step `n` (if the lesson has it), hints and solution hidden again; true if it did.
    pub fn go_to_step(&mut self, lesson: &Lesson, n: usize) -> bool {
        if n >= lesson.steps.len() {
            return false;
        }
        self.step = n;
        self.since = None;
        self.hints_shown = 0;
        self.solution_shown = false;
        true
    }

    /// Files `-f NAME` can read: the lesson's files up to this step.
    pub fn files(&self, lesson: &Lesson) -> BTreeMap<String, String> {
        lesson.files_until(self.step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lessons() -> Vec<Lesson> {
        kubelab_lessons::all().expect("lessons load")
    }

    #[test]
    fn progress_round_trips() {
        let ls = lessons();
        let p = Progress {
            open: Some(Open {
                lesson: ls[2].id.clone(),
                step: 1,
                done: ["lb-up".to_string()].into(),
                hints_shown: 1,
                solution_shown: false,
                since: None,
            }),
            completed: [ls[0].id.clone()].into(),
        };
        assert_eq!(Progress::from_json(&p.to_json(), &ls), Ok(p));
    }

    #[test]
    fn progress_written_by_the_earlier_page_still_loads() {
        let text = include_str!("../tests/data/progress-v1.json").trim_end();
        let p = Progress::from_json(text, &lessons()).expect("reads");
        let open = p.open.clone().expect("a lesson open");
        assert_eq!((open.lesson.as_str(), open.step, open.hints_shown), ("03-vm-load-balancer", 1, 2));
        assert_eq!(open.done, ["lb-up".to_string()].into());
        assert_eq!(p.completed, ["01-vm-one-app".to_string()].into());
        assert_eq!(p.to_json(), text, "written the same way");
    }

    #[test]
    fn progress_is_kept_on_the_platform_and_an_unreadable_one_is_set_aside() {
        let (ls, p) = (lessons(), crate::platform::Memory::default());
        assert_eq!(Progress::load(&p, &ls), Ok(None));
        let mine = Progress { open: None, completed: [ls[0].id.clone()].into() };
        mine.store(&p);
        assert_eq!(Progress::load(&p, &ls), Ok(Some(mine)));
        p.set(PROGRESS_KEY, "{");
        assert!(Progress::load(&p, &ls).unwrap_err().contains("starts afresh"));
        assert_eq!(p.get("kubelab.lessons.unreadable").as_deref(), Some("{"));
    }

    #[test]
    fn a_bad_or_foreign_save_is_a_clear_error() {
        let ls = lessons();
        assert!(Progress::from_json("{", &ls).unwrap_err().contains("not readable"));
        assert!(Progress::from_json("{\"version\":7,\"completed\":[]}", &ls).unwrap_err().contains("format version 7"));
        let e = Progress::from_json(
            "{\"version\":1,\"open\":{\"lesson\":\"99-gone\",\"step\":0,\"done\":[]},\"completed\":[]}",
            &ls,
        )
        .unwrap_err();
        assert!(e.contains("99-gone"), "{e}");
        let e = Progress::from_json(
            &format!(
                "{{\"version\":1,\"open\":{{\"lesson\":\"{}\",\"step\":42,\"done\":[]}},\"completed\":[]}}",
                ls[0].id
            ),
            &ls,
        )
        .unwrap_err();
        assert!(e.contains("step 43"), "{e}");
    }

    #[test]
    fn traffic_counts_from_the_step_start_and_a_restarted_load_keeps_its_errors() {
        let ls = lessons();
        let l = find(&ls, "12-k8s-rolling-update").expect("lesson 12");
        let mut e = Engine::new(1);
        let run = |e: &mut Engine, lines: &str| {
            for line in lines.lines() {
                let ctx =
                    &mut kubelab_kubectl::Ctx { files: &kubelab_kubectl::NoFiles, stdin: None, observe: &mut |_| {} };
                kubelab_kubectl::execute(e, line, ctx);
            }
        };
        // A Service without endpoints: every request is refused.
        run(&mut e, "kubectl create service clusterip app --tcp=80:3000\nlab load start app -c 2\nlab advance 5s");
        let errors = |open: &mut Open, e: &Engine| {
            let since = open.since_step_start(e).clone();
            check::load_metric(e, "errors", &since)
        };
        assert!(e.load().is_some_and(|l| l.stats.count > l.stats.ok), "the load met refusals before the step");
        let mut open = Open { lesson: l.id.clone(), step: 1, ..Default::default() };
        assert_eq!(errors(&mut open, &e), Some(0.0), "the earlier step's errors do not count");
        run(&mut e, "lab advance 5s");
        let before = errors(&mut open, &e).expect("a load runs");
        assert!(before > 0.0);
        run(&mut e, "lab load stop\nlab load start app -c 2");
        assert!(errors(&mut open, &e).expect("a load runs") >= before, "a new load does not wipe them");
        open.go_to_step(l, 0);
        assert_eq!(errors(&mut open, &e), Some(0.0), "another step counts afresh");
    }

    #[test]
    fn objectives_tick_against_the_live_lab() {
        let ls = lessons();
        let l = find(&ls, "01-vm-one-app").expect("lesson 1");
        let mut e = Engine::new(1);
        let run = |e: &mut Engine, line: &str| {
            kubelab_kubectl::execute(
                e,
                line,
                &mut kubelab_kubectl::Ctx { files: &kubelab_kubectl::NoFiles, stdin: None, observe: &mut |_| {} },
            );
        };
        run(&mut e, &l.setup);
        let mut open = Open { lesson: l.id.clone(), ..Default::default() };
        assert!(!open.check(l, &e));
        run(
            &mut e,
            "lab on vm-1 docker run --name app --rm -d -p 3000:3000 ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0",
        );
        assert!(open.check(l, &e));
        assert!(open.step_complete(l));
        assert!(!open.lesson_complete(l));
    }
}
