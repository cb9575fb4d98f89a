//! Lessons: what the lesson panel asks for (pick, start, move between steps, reset a step,
//! hints and solutions, a lesson's files and commands), the objectives ticked against the
//! live lab, and the learner's progress kept in the browser (`kubelab_lab::lessons`).

use super::App;
use crate::components::{LessonAction, LessonsLoad};
use crate::lessons::{find, Open, Progress};
use kubelab_lab::platform::Platform;
use kubelab_lessons::Lesson;
use std::rc::Rc;
use yew::prelude::*;

impl App {
    /// What the lesson panel asked for.
    pub(super) fn lesson_action(&mut self, ctx: &Context<Self>, action: LessonAction) -> bool {
        match action {
            // Another lesson picked while one is open: asked before the reset, the open
            // lesson kept until the learner says yes.
            LessonAction::Pick(id) if self.progress.open.as_ref().is_some_and(|o| o.lesson != id) => {
                return self.lesson_action(ctx, LessonAction::Choose(id));
            }
            LessonAction::Pick(id) => {
                self.confirming = None;
                self.picked = find(&self.lessons, &id).map(|l| l.id.clone());
            }
            // A lesson that is not there (or no lesson open to reset) changes nothing.
            LessonAction::Start(id) => {
                self.confirming = None;
                if !self.start_lesson(ctx, &id) {
                    return true;
                }
            }
            // Another lesson resets the lab: asked first when the lab has commands in it.
            LessonAction::Choose(id) if !self.lab.session.journal().is_empty() => {
                self.confirming = Some(id);
                return true;
            }
            LessonAction::Choose(id) => {
                if !self.start_lesson(ctx, &id) {
                    return true;
                }
            }
            LessonAction::Cancel => {
                self.confirming = None;
                return true;
            }
            LessonAction::Step(n) => self.go_to_step(n),
            LessonAction::ResetStep => {
                if !self.reset_step(ctx) {
                    return true;
                }
            }
            LessonAction::Hint => {
                if let Some(o) = self.progress.open.as_mut() {
                    o.hints_shown += 1;
                }
            }
            LessonAction::ToggleSolution => {
                if let Some(o) = self.progress.open.as_mut() {
                    o.solution_shown = !o.solution_shown;
                }
            }
            LessonAction::RunSolution => {
                let lessons = self.lessons.clone();
                let solution = self.progress.open.as_ref().and_then(|o| {
                    find(&lessons, &o.lesson).and_then(|l| l.steps.get(o.step)).map(|s| s.solution.clone())
                });
                if let Some(text) = solution {
                    self.run(&text, false);
                    self.save(ctx);
                }
            }
            LessonAction::OpenFile(name) => {
                let lessons = self.lessons.clone();
                let text = self
                    .progress
                    .open
                    .as_ref()
                    .and_then(|o| find(&lessons, &o.lesson).and_then(|l| o.files(l).get(&name).cloned()));
                if let Some(t) = text {
                    self.editor_drawer = true;
                    self.lab.tabs.open(&name, &t);
                    self.lab.dirty = true;
                }
            }
            LessonAction::Command(c) => {
                self.run(&c, false);
                self.save(ctx);
            }
            LessonAction::Close => {
                self.progress.open = None;
            }
        }
        self.check_lesson(ctx, self.platform.now_ms(), true);
        self.save_progress(ctx);
        true
    }

    /// A fresh lab, the lesson's setup, and its first step's file in the editor; false if
    /// this lab has no such lesson.
    fn start_lesson(&mut self, ctx: &Context<Self>, id: &str) -> bool {
        let lessons = self.lessons.clone();
        let Some(l) = find(&lessons, id) else { return false };
        self.progress.open = Some(Open { lesson: l.id.clone(), ..Default::default() });
        self.editor_drawer = false;
        self.picked = None;
        self.selected = None;
        self.lab.start_lesson(&self.platform, l);
        self.save(ctx);
        true
    }

    fn go_to_step(&mut self, n: usize) {
        let lessons = self.lessons.clone();
        let Some((o, l)) = self.progress.open.as_mut().and_then(|o| find(&lessons, &o.lesson).map(|l| (o, l))) else {
            return;
        };
        if o.go_to_step(l, n) {
            if let Some((name, text)) = l.steps[n].files.iter().next() {
                self.lab.tabs.open(name, text);
            }
        }
    }

    /// Back to the start of the open step: a fresh lab, the setup, the earlier steps'
    /// solutions; false if no lesson is open.
    fn reset_step(&mut self, ctx: &Context<Self>) -> bool {
        let lessons = self.lessons.clone();
        let Some((step, l)) = self.progress.open.as_ref().and_then(|o| find(&lessons, &o.lesson).map(|l| (o.step, l)))
        else {
            return false;
        };
        self.selected = None;
        self.lab.restart_step(&self.platform, l, step);
        if let Some(open) = self.progress.open.as_mut() {
            open.restart_step(l);
        }
        self.save(ctx);
        true
    }

    /// Ticks the open step's objectives when the lab moved on since the last check (at
    /// most every 400 ms of wall time unless `force`); true if one became met.
    pub(super) fn check_lesson(&mut self, ctx: &Context<Self>, now: Option<f64>, force: bool) -> bool {
        if self.lab.restoring.is_some() {
            return false;
        }
        let engine = self.lab.session.engine();
        let (t, rv) = (engine.now().0, engine.store().resource_version());
        let wall = now.unwrap_or(0.0);
        if !force {
            if let Some((lt, lrv, lw)) = self.last_check {
                if (lt, lrv) == (t, rv) || wall - lw < 400.0 {
                    return false;
                }
            }
        }
        self.last_check = Some((t, rv, wall));
        let Some(open) = self.progress.open.as_mut() else { return false };
        let Some(lesson) = find(&self.lessons, &open.lesson) else { return false };
        let changed = open.check(lesson, engine);
        if changed {
            if open.lesson_complete(lesson) {
                self.progress.completed.insert(lesson.id.clone());
            }
            self.save_progress(ctx);
        }
        changed
    }

    /// The lessons arrived (or could not): the learner's progress is read against them.
    pub(super) fn lessons_loaded(&mut self, result: Result<Vec<Lesson>, String>) {
        match result {
            Ok(lessons) => {
                self.lessons = Rc::new(lessons);
                self.lessons_load = LessonsLoad::Loaded;
                self.load_progress();
            }
            Err(why) => self.lessons_load = LessonsLoad::Failed(why),
        }
    }

    /// Reads the saved progress, once the lessons are here (until then it stays in storage,
    /// untouched: nothing stores progress while no lesson can be open).
    pub(super) fn load_progress(&mut self) {
        if self.lessons_load != LessonsLoad::Loaded {
            return;
        }
        match Progress::load(&self.platform, &self.lessons) {
            Ok(Some(p)) => self.progress = p,
            Ok(None) => {}
            Err(msg) => {
                self.notice = Some(match self.notice.take() {
                    Some(n) => format!("{n} {msg}"),
                    None => msg,
                });
            }
        }
    }

    fn save_progress(&self, ctx: &Context<Self>) {
        if ctx.props().save_key.is_some() {
            self.progress.store(&self.platform);
        }
    }
}
