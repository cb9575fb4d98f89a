//! The page's handlers, run natively: what a learner does on the page, through `Lab`, and
//! what the console then shows.

use kubelab_lab::console::LineKind;
use kubelab_lab::lab::{edit_tab_name, Lab, Ticked};
use kubelab_lab::platform::{Memory, Platform};
use kubelab_lab::SAMPLE_MANIFEST;

fn shown(lab: &Lab) -> Vec<String> {
    lab.console.lines.iter().map(|l| l.text.clone()).collect()
}

#[test]
fn typed_commands_run_print_and_go_into_the_history() {
    let (p, mut lab) = (Memory::default(), Lab::new(3, SAMPLE_MANIFEST));
    lab.run(&p, "kubectl apply -f manifest.yaml", true, &[]);
    assert_eq!(shown(&lab), ["$ kubectl apply -f manifest.yaml", "deployment.apps/web created"]);
    assert_eq!(*lab.console.history, ["kubectl apply -f manifest.yaml"]);
    assert!(lab.dirty);
    lab.run(&p, "kubectl apply -f lesson.yaml", false, &[("lesson.yaml".into(), "kind: Nope\n".into())]);
    assert_eq!(lab.console.lines.last().map(|l| l.kind), Some(LineKind::Stderr), "{:?}", shown(&lab));
    assert_eq!(lab.console.history.len(), 1, "a button's command is not history");
}

#[test]
fn the_clock_commands_set_the_page_clock_and_are_not_journaled() {
    let (p, mut lab) = (Memory::default(), Lab::new(3, SAMPLE_MANIFEST));
    lab.run(&p, "lab time speed 20", true, &[]);
    lab.run(&p, "lab time pause", true, &[]);
    assert_eq!((lab.clock.speed(), lab.clock.paused), (20, true));
    assert_eq!(
        shown(&lab),
        [
            "$ lab time speed 20",
            "the clock runs at 20× (simulated seconds per second)",
            "$ lab time pause",
            "the clock is paused"
        ]
    );
    assert!(lab.session.journal().is_empty());
    while lab.tick(&p, None) == Ticked::Settled {} // the boot's own work first
    assert_eq!(lab.tick(&p, None), Ticked::Played(false), "paused: the clock stands");
    assert_eq!(lab.session.engine().now().0, 0);
}

#[test]
fn a_lab_advance_typed_alone_runs_over_the_next_ticks() {
    let (p, mut lab) = (Memory::default(), Lab::new(3, SAMPLE_MANIFEST));
    lab.run(&p, "lab advance 2m", true, &[]);
    assert_eq!(lab.advancing, Some((120_000, 120_000)));
    assert_eq!(lab.session.engine().now().0, 0, "not run yet");
    while lab.tick(&p, None) != Ticked::Advanced(true) {}
    assert_eq!(lab.advancing, None);
    assert_eq!(lab.session.engine().now().0, 120_000);
    assert_eq!(shown(&lab).last().map(String::as_str), Some("advanced 2m0s; simulated time is now 2m0s"));
}

#[test]
fn apply_reports_problems_and_kubectl_edit_saves_through_apply() {
    let (p, mut lab) = (Memory::default(), Lab::new(3, "kind: Deployment\n"));
    lab.apply(&p, &[]);
    assert!(!lab.problems.1.is_empty(), "a Deployment without a name is a problem");
    lab.tabs.set_active_text(SAMPLE_MANIFEST);
    lab.apply(&p, &[]);
    assert!(lab.problems.1.is_empty() && lab.report.as_ref().is_some_and(|r| r.1.output.ok));
    lab.run(&p, "kubectl edit deployment/web", true, &[]);
    let (_, label) = lab.editing.clone().expect("editing");
    assert_eq!(lab.tabs.active_name(), edit_tab_name(&label));
    let text = lab.tabs.active_text().replace("replicas: 3", "replicas: 2");
    lab.tabs.set_active_text(&text);
    lab.apply(&p, &[]);
    assert_eq!(lab.editing, None, "saved");
    assert!(shown(&lab).iter().any(|l| l.ends_with("edited")), "{:?}", shown(&lab));
}

#[test]
fn looking_back_pauses_rebuilds_and_going_live_plays_again() {
    let (p, mut lab) = (Memory::default(), Lab::new(3, SAMPLE_MANIFEST));
    lab.run(&p, "kubectl apply -f manifest.yaml", false, &[]);
    for _ in 0..50 {
        lab.tick(&p, None); // 100 ms each, without a clock
    }
    let live = lab.session.engine().now().0;
    assert!(lab.scrub(live / 2));
    assert!(lab.clock.paused);
    while lab.past.as_ref().is_some_and(|p| p.replay.is_some()) {
        assert_eq!(lab.tick(&p, None), Ticked::LookedBack);
    }
    assert_eq!(lab.shown_engine().now().0, live / 2);
    lab.go_live();
    assert!(!lab.clock.paused && lab.past.is_none());
    assert_eq!(lab.shown_engine().now().0, live);
}

#[test]
fn a_save_restores_the_editor_history_and_speed() {
    let (p, mut lab) = (Memory::default(), Lab::new(3, SAMPLE_MANIFEST));
    lab.run(&p, "lab time speed 5", true, &[]);
    lab.run(&p, "kubectl apply -f manifest.yaml", true, &[]);
    let save = lab.save();
    let mut other = Lab::new(1, "");
    other.restore(&p, "k", &save);
    assert_eq!(p.get("k.replaying").as_deref(), Some("1"), "marked while it replays");
    let said = other.work_on_restore(&p, 70.0).expect("done at once, without a clock");
    assert!(said.starts_with("Restored your lab from this browser: seed 3, 1 command(s) replayed"), "{said}");
    assert_eq!((p.get("k.replaying"), other.restoring.is_none()), (None, true));
    assert_eq!(other.save(), save);
    other.restore(&p, "k", &save);
    other.cancel_restore(&p);
    assert_eq!(p.get("k.replaying"), None);
}

#[test]
fn a_lesson_starts_on_a_fresh_lab_and_a_step_restarts_with_the_earlier_solutions() {
    let lessons = kubelab_lessons::all().expect("lessons load");
    let l = lessons.iter().find(|l| l.steps.len() > 1).expect("a lesson with two steps");
    let (p, mut lab) = (Memory::default(), Lab::new(3, SAMPLE_MANIFEST));
    lab.run(&p, "kubectl apply -f manifest.yaml", false, &[]);
    lab.start_lesson(&p, l);
    assert!(shown(&lab).iter().any(|t| t == &format!("# Lesson: {}. A fresh lab, then the lesson's setup.", l.title)));
    let setup_only = lab.session.journal().len();
    if let Some((name, _)) = l.steps[0].files.iter().next() {
        assert_eq!(lab.tabs.active_name(), name);
    }
    let mut open = kubelab_lab::lessons::Open { lesson: l.id.clone(), ..Default::default() };
    assert!(open.go_to_step(l, 1) && !open.go_to_step(l, l.steps.len()));
    open.done = l.steps.iter().flat_map(|s| s.objectives.iter().map(|o| o.id.clone())).collect();
    open.solution_shown = true;
    lab.restart_step(&p, l, 1);
    open.restart_step(l);
    assert!(lab.session.journal().len() >= setup_only, "the setup and step 1's solution ran again");
    assert!(l.steps[1].objectives.iter().all(|o| !open.done.contains(&o.id)));
    assert!(l.steps[0].objectives.iter().all(|o| open.done.contains(&o.id)));
    assert!(!open.solution_shown);
}
