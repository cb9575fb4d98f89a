//! Each pod's CPU on the map, against its request: what metrics-server last reported (the
//! number `kubectl top pod` prints and the HPA averages; `model::pod_cpu`). Told by length
//! and words, not colour: an ink bar on a paper track whose full width is the request.
//!
//! - A chip has a line of its own: the bar and `cpu 45% of 200m` (`cpu 3m, no request` for a
//!   pod without one, `cpu: no metrics yet` before metrics-server has scraped it).
//! - A square (a crowded node) has the bar across its foot, and a corner flag when the pod
//!   uses more than its request.
//!
//! Drawn as a layer of its own over the pods, as three paths per node for the squares, so
//! a new scrape (once a minute) redraws a handful of elements, never a thousand squares.
//! While metrics-server serves nothing the layer is empty (and chips have no line).

use super::cluster_map::{pod_slots, COMPACT_ABOVE};
use crate::model::{CpuUse, NodeCpu, Pods};
use yew::prelude::*;

/// The height a chip grows by for its CPU line.
pub const CPU_LINE_H: u32 = 18;
/// A chip's bar: its width in pixels (the request), and where it starts in the chip.
const CHIP_BAR_W: u32 = 48;
const CHIP_BAR_X: u32 = 16;
/// A square's bar: inset from the square's left edge, its width (the request), its top and height.
const SQ_BAR_X: u32 = 2;
const SQ_BAR_W: u32 = 10;
const SQ_BAR_Y: u32 = 8;
const SQ_BAR_H: u32 = 4;
/// The corner flag of a pod over its request.
const SQ_FLAG: u32 = 6;

/// The bar's filled width for `cpu` in a bar `full` pixels wide: its share of the request,
/// at most the whole bar. One decimal, as drawn.
pub fn filled(cpu: &CpuUse, full: u32) -> Option<f64> {
    let pct = cpu.percent()?;
    Some((pct.clamp(0, 100) as f64 * full as f64 / 100.0 * 10.0).round() / 10.0)
}

/// A chip's words: `cpu 45% of 200m`, `cpu 3m, no request`, `cpu: no metrics yet`.
pub fn chip_words(cpu: Option<&CpuUse>) -> String {
    match cpu {
        None => "cpu: no metrics yet".to_string(),
        Some(c) => match (c.percent(), c.request_m) {
            (Some(p), Some(r)) => format!("cpu {p}% of {r}m"),
            _ => format!("cpu {}m, no request", c.used_m),
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct PodCpuLayerProps {
    pub pods: Pods,
    pub cpu: NodeCpu,
}

/// A node's pods' CPU, drawn over their chips or squares.
#[function_component(PodCpuLayer)]
pub fn pod_cpu_layer(props: &PodCpuLayerProps) -> Html {
    // Chips keep their line only while the Metrics API is served (every pod says so alike).
    if !props.pods.first().is_some_and(|p| p.cpu_line) {
        return Html::default();
    }
    let slots = pod_slots(&props.pods);
    if props.pods.len() > COMPACT_ABOVE {
        return squares(props, &slots);
    }
    let lines = props.pods.iter().zip(&slots).map(|(p, &(x, y, _, h))| {
        let cpu = props.cpu.get(&p.namespace, &p.name);
        let top = y + h - CPU_LINE_H - 2;
        let bar_y = top + 5;
        let words = chip_words(cpu);
        let text_x = if cpu.and_then(CpuUse::percent).is_some() { x + CHIP_BAR_X + CHIP_BAR_W + 6 } else { x + CHIP_BAR_X };
        html! {
            <g key={format!("{}/{}", p.namespace, p.name)} class="cpu-line" data-testid={format!("cpu-{}", p.name)}
               data-used={cpu.map(|c| c.used_m.to_string())} data-percent={cpu.and_then(CpuUse::percent).map(|v| v.to_string())}>
                if let Some(w) = cpu.and_then(|c| filled(c, CHIP_BAR_W)) {
                    <rect class="cpu-track" x={(x + CHIP_BAR_X).to_string()} y={bar_y.to_string()} width={CHIP_BAR_W.to_string()} height="9" />
                    <rect class={classes!("cpu-used", (cpu.and_then(CpuUse::percent).unwrap_or(0) > 100).then_some("over"))}
                          x={(x + CHIP_BAR_X).to_string()} y={bar_y.to_string()} width={format!("{w:.1}")} height="9" />
                }
                <text class="cpu-text" x={text_x.to_string()} y={(top + 13).to_string()}>{ words }</text>
            </g>
        }
    });
    html! { <g class="pod-cpu" aria-hidden="true">{ for lines }</g> }
}

/// A crowded node's squares: every bar's track in one path, every fill in another, the
/// flags of the pods over their request in a third (`data-pods` names them in order).
fn squares(props: &PodCpuLayerProps, slots: &[(u32, u32, u32, u32)]) -> Html {
    let (mut tracks, mut used, mut flags) = (String::new(), String::new(), String::new());
    let mut measured = Vec::new();
    for (p, &(x, y, w, _)) in props.pods.iter().zip(slots) {
        let Some(cpu) = props.cpu.get(&p.namespace, &p.name) else { continue };
        let Some(fill) = filled(cpu, SQ_BAR_W) else { continue };
        let (bx, by) = (x + SQ_BAR_X, y + SQ_BAR_Y);
        tracks.push_str(&format!("M{bx} {by}h{SQ_BAR_W}v{SQ_BAR_H}h-{SQ_BAR_W}z"));
        if fill > 0.0 {
            used.push_str(&format!("M{bx} {by}h{fill:.1}v{SQ_BAR_H}h-{fill:.1}z"));
        }
        if cpu.percent().unwrap_or(0) > 100 {
            flags.push_str(&format!("M{} {y}h{SQ_FLAG}v{SQ_FLAG}z", x + w - SQ_FLAG));
        }
        measured.push(p.name.as_str());
    }
    if measured.is_empty() {
        return Html::default();
    }
    html! {
        <g class="pod-cpu squares" aria-hidden="true" data-pods={measured.join(" ")}>
            <path class="cpu-track" d={tracks} />
            <path class="cpu-used" d={used} />
            <path class="cpu-over" d={flags} />
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(used_m: i64, request_m: Option<i64>) -> CpuUse {
        CpuUse { used_m, request_m, limit_m: None }
    }

    #[test]
    fn the_bar_is_the_share_of_the_request_and_stops_at_it() {
        assert_eq!(filled(&cpu(50, Some(200)), 48), Some(12.0), "25% of 48 px");
        assert_eq!(filled(&cpu(250, Some(200)), 48), Some(48.0), "125%: the whole bar");
        assert_eq!(filled(&cpu(1, Some(100)), 10), Some(0.1));
        assert_eq!(filled(&cpu(3, None), 48), None, "no request: no bar");
        assert_eq!(filled(&cpu(3, Some(0)), 48), None);
    }

    #[test]
    fn a_chip_says_its_cpu_in_words() {
        assert_eq!(chip_words(Some(&cpu(250, Some(200)))), "cpu 125% of 200m");
        assert_eq!(chip_words(Some(&cpu(1, Some(200)))), "cpu 0% of 200m", "truncated, as the HPA does");
        assert_eq!(chip_words(Some(&cpu(3, None))), "cpu 3m, no request");
        assert_eq!(chip_words(None), "cpu: no metrics yet");
    }
}
