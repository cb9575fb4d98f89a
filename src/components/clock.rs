//! The simulated clock and its pause/play control.

use crate::model::format_sim_time;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SimClockProps {
    /// Simulated milliseconds since the cluster booted.
    pub now_ms: u64,
    pub paused: bool,
    pub on_toggle: Callback<()>,
    pub on_reset: Callback<()>,
}

#[function_component(SimClock)]
pub fn sim_clock(props: &SimClockProps) -> Html {
    let toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let reset = props.on_reset.reform(|_: MouseEvent| ());
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
    html! {
        <div class="clock" role="group" aria-label="Simulated time">
            <span class="sim-clock" data-testid="sim-clock" data-ms={props.now_ms.to_string()}>
                { format!("sim time {}", format_sim_time(props.now_ms)) }
            </span>
            <span class="speed" data-testid="sim-speed">
                { if props.paused { "paused" } else { "1×" } }
            </span>
            <button type="button" class="toggle" data-testid="pause-button" onclick={toggle}
                    aria-label={label}>
                <svg class="icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">{ icon }</svg>
                { word }
            </button>
            <button type="button" class="reset" data-testid="reset-button" onclick={reset}
                    title="Boot a fresh cluster with the same seed">
                { "Reset cluster" }
            </button>
        </div>
    }
}
