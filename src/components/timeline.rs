//! The timeline: a slider over the session's simulated time with a mark for each command
//! that changed the cluster. Dragging it back shows the cluster as it was then (rebuilt
//! exactly by replay); "Back to live" returns. Keyboard: the slider's arrow keys, Page
//! Up/Down, Home and End.

use crate::model::format_sim_time;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The live cluster's simulated time.
    pub live_ms: u64,
    /// The moment shown, when looking back.
    pub viewing: Option<u64>,
    /// Still rebuilding the moment asked for.
    #[prop_or_default]
    pub rebuilding: bool,
    /// The journal: (simulated time, command), for the marks.
    pub marks: Vec<(u64, String)>,
    /// The first mark's line in the journal (the marks are the journal's last entries).
    #[prop_or(1)]
    pub first_line: u32,
    /// A mark clicked: its journal line, to show what the command caused on the map.
    #[prop_or_default]
    pub on_mark: Option<Callback<u32>>,
    /// The command whose effects the map shows.
    #[prop_or_default]
    pub pressed: Option<u32>,
    pub on_scrub: Callback<u64>,
    pub on_live: Callback<()>,
    #[prop_or_default]
    pub disabled: bool,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let max = props.live_ms.max(1);
    let value = props.viewing.unwrap_or(props.live_ms).min(max);
    let oninput = props.on_scrub.reform(|e: InputEvent| {
        let v = e.target_dyn_into::<HtmlInputElement>().map(|i| i.value_as_number()).unwrap_or(0.0);
        if v.is_finite() && v >= 0.0 {
            v as u64
        } else {
            0
        }
    });
    let marks = props.marks.iter().enumerate().map(|(i, (t, cmd))| {
        let pct = (*t as f64 / max as f64 * 100.0).clamp(0.0, 100.0);
        let line = props.first_line + i as u32;
        let title = format!("{}: {cmd} (click: what it caused)", format_sim_time(*t));
        let pressed = props.pressed == Some(line);
        // The mouse's way to a command's effects; the keyboard's is the console's transcript.
        let onclick = props.on_mark.as_ref().map(|cb| cb.reform(move |_: MouseEvent| line));
        html! { <span key={i} class={classes!("mark", pressed.then_some("pressed"))} style={format!("left: {pct:.2}%")}
        data-testid={format!("mark-{line}")} {title} {onclick}></span> }
    });
    let viewing = props.viewing.is_some();
    let label = match props.viewing {
        Some(t) if props.rebuilding => format!("Rebuilding the cluster at {}…", format_sim_time(t)),
        Some(t) => {
            format!("Looking back: the cluster at {} (live: {})", format_sim_time(t), format_sim_time(props.live_ms))
        }
        None => format!("Live: {}. Drag back to see the cluster as it was.", format_sim_time(props.live_ms)),
    };
    html! {
        <div class={classes!("timeline", viewing.then_some("viewing"))} data-testid="timeline" role="group" aria-label="Timeline">
            <div class="timeline-track">
                <input type="range" min="0" max={max.to_string()} step="1000" value={value.to_string()} {oninput}
                       data-testid="timeline-slider" aria-label="Simulated time to look at" disabled={props.disabled}
                       aria-valuetext={format_sim_time(value)} />
                <div class="marks" aria-hidden="true">{ for marks }</div>
            </div>
            <span class="timeline-label" data-testid="timeline-label" aria-live="polite">
                { label }
            </span>
            if viewing {
                <button type="button" data-testid="timeline-live" onclick={props.on_live.reform(|_: MouseEvent| ())}>{ "Back to live" }</button>
            }
        </div>
    }
}
