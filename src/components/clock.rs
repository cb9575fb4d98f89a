//! The simulated clock: time since boot, pause/play, step to the next event, and how fast
//! simulated time runs (1×, 5×, 20×, 60×).

use crate::model::format_sim_time;
use crate::SPEEDS;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SimClockProps {
    /// Simulated milliseconds since the cluster booted.
    pub now_ms: u64,
    pub paused: bool,
    /// Simulated seconds per wall second while playing.
    #[prop_or(1)]
    pub speed: u32,
    /// The speed actually reached when the cluster is too busy to keep up (None: keeping up).
    #[prop_or_default]
    pub reached: Option<u32>,
    /// Controls are off while a saved lab is being restored or a `lab advance` runs.
    #[prop_or_default]
    pub busy: bool,
    /// What keeps the clock busy, in words.
    #[prop_or_default]
    pub status: Option<String>,
    pub on_toggle: Callback<()>,
    pub on_reset: Callback<()>,
    #[prop_or_default]
    pub on_step: Callback<()>,
    #[prop_or_default]
    pub on_speed: Callback<u32>,
}

#[function_component(SimClock)]
pub fn sim_clock(props: &SimClockProps) -> Html {
    let toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let reset = props.on_reset.reform(|_: MouseEvent| ());
    let step = props.on_step.reform(|_: MouseEvent| ());
    // Drawn, not a font glyph: ⏸ is missing from many system fonts.
    let (icon, word, label) = if props.paused {
        (html! { <path d="M2 1 L11 6 L2 11 Z" /> }, "Play", "Play: resume simulated time")
    } else {
        (
            html! { <><rect x="1.5" y="1" width="3.2" height="10" /><rect x="7.3" y="1" width="3.2" height="10" /></> },
            "Pause",
            "Pause simulated time",
        )
    };
    // Just the chosen speed again (the pressed button says it): read out, not drawn twice.
    let repeats = props.status.is_none() && !props.paused && props.reached.is_none();
    let speed_text = if let Some(s) = &props.status {
        s.clone()
    } else if props.paused {
        "paused".to_string()
    } else {
        match props.reached {
            Some(r) => format!("{}× (busy: {r}×)", props.speed),
            None => format!("{}×", props.speed),
        }
    };
    let speeds = SPEEDS.iter().map(|&s| {
        let on_speed = props.on_speed.clone();
        let pressed = s == props.speed;
        html! {
            <button type="button" class={classes!("speed-choice", pressed.then_some("chosen"))}
                    data-testid={format!("speed-{s}")} aria-pressed={pressed.to_string()}
                    aria-label={format!("{s} simulated seconds per second")}
                    onclick={Callback::from(move |_: MouseEvent| on_speed.emit(s))}>
                { format!("{s}×") }
            </button>
        }
    });
    html! {
        <div class="clock" role="group" aria-label="Simulated time">
            <span class="sim-clock" data-testid="sim-clock" data-ms={props.now_ms.to_string()}>
                { format!("sim time {}", format_sim_time(props.now_ms)) }
            </span>
            <span class={classes!("speed", repeats.then_some("visually-hidden"))} data-testid="sim-speed" aria-live="polite">{ speed_text }</span>
            <button type="button" class="toggle" data-testid="pause-button" onclick={toggle}
                    aria-label={label} disabled={props.busy}>
                <svg class="icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">{ icon }</svg>
                { word }
            </button>
            <button type="button" class="step" data-testid="step-button" onclick={step} disabled={props.busy}
                    title="Jump to the next thing the cluster has scheduled (runs lab advance)">
                { "Step" }
            </button>
            <div class="speeds" role="group" aria-label="Clock speed">{ for speeds }</div>
            <button type="button" class="reset" data-testid="reset-button" onclick={reset}
                    title="Boot a fresh cluster with the same seed (forgets the saved lab)">
                { "Reset cluster" }
            </button>
        </div>
    }
}
