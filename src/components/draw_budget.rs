//! How many new pod squares one task may add to the page. Creating a square (an SVG element,
//! a dozen attributes and a tooltip) is most of what a render costs when a 1,000-pod
//! Deployment appears or moves from the pending area onto the nodes: all at once, it was
//! one 50–90 ms task. Squares beyond the allowance are drawn in the next tasks (a few
//! frames later), while those already on the page stay and update as usual.

use std::cell::Cell;
use std::collections::BTreeSet;

/// New squares one task may add: at ~80–100 µs each (measured in Chromium on a busy
/// 2-core machine), about 10–12 ms of a frame; 1,000 new pods are drawn over nine tasks.
pub const NEW_SQUARES_PER_TASK: usize = 120;

thread_local! {
    /// What is left of this task's allowance; `None` until something draws in this task.
    static LEFT: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Takes up to `wanted` squares from this task's allowance, which fills up again in the next
/// task (a zero-delay timeout queued at the first take runs after this task).
fn take(wanted: usize) -> usize {
    LEFT.with(|left| {
        let have = left.get().unwrap_or_else(|| {
            gloo::timers::callback::Timeout::new(0, || LEFT.with(|l| l.set(None))).forget();
            NEW_SQUARES_PER_TASK
        });
        let got = wanted.min(have);
        left.set(Some(have - got));
        got
    })
}

/// Which of `keys` (pods, in drawing order) to draw now: every one drawn last time, and new
/// ones as far as this task's allowance goes. `drawn` becomes what is drawn now. The flag
/// says some wait for a later task (the caller draws again soon).
pub fn admit(drawn: &mut BTreeSet<String>, keys: &[String]) -> (Vec<bool>, bool) {
    let new = keys.iter().filter(|k| !drawn.contains(*k)).count();
    let allowed = if new == 0 { 0 } else { take(new) };
    let mut left = allowed;
    let shown: Vec<bool> = keys
        .iter()
        .map(|k| {
            if drawn.contains(k) {
                true
            } else if left > 0 {
                left -= 1;
                true
            } else {
                false
            }
        })
        .collect();
    *drawn = kubelab_api::sort::set(keys.iter().zip(&shown).filter(|(_, s)| **s).map(|(k, _)| k.clone()));
    (shown, allowed < new)
}

/// Draws the component again in a later task, when squares were held back.
pub fn draw_again_soon(force: &yew::functional::UseForceUpdateHandle) {
    let force = force.clone();
    gloo::timers::callback::Timeout::new(0, move || force.force_update()).forget();
}
