//! What a Why step or a console command lit, drawn over the pods it wrote: lighting redraws
//! this layer, never the pods under it (a thousand squares take longer than a frame).

use crate::model::PodView;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct LitMarkProps {
    name: String,
    x: u32,
    y: u32,
    w: u32,
    h: u32,
    compact: bool,
}

/// Lit pods drawn over their chips or squares. Squares (a crowded node: hundreds) are one
/// path, their names in `data-lit`, so lighting a thousand adds a handful of elements.
pub(super) fn lit_layer(lit: &[(&PodView, (u32, u32, u32, u32))], compact: bool) -> Html {
    if lit.is_empty() {
        return Html::default();
    }
    if compact {
        let mut d = String::new();
        for (_, (x, y, w, h)) in lit {
            d.push_str(&format!("M{} {}h{}v{}h-{}z", x - 1, y - 1, w + 2, h + 2, w + 2));
        }
        let names: Vec<&str> = lit.iter().map(|(p, _)| p.name.as_str()).collect();
        return html! { <path class="pod-lit square lit-squares" aria-hidden="true" {d} data-lit={names.join(" ")} /> };
    }
    let marks = lit.iter().map(|(p, (x, y, w, h))| {
        html! { <LitMark key={p.name.clone()} name={p.name.clone()} x={*x} y={*y} w={*w} h={*h} compact={false} /> }
    });
    html! { <g class="lit-layer" aria-hidden="true">{ for marks }</g> }
}

/// A lit pod: a thick outline around its chip or square, and "◆" on a chip.
#[function_component(LitMark)]
fn lit_mark(props: &LitMarkProps) -> Html {
    let (x, y, w, h) = (props.x as f32, props.y as f32, props.w as f32, props.h as f32);
    let testid = format!("lit-{}", props.name);
    if props.compact {
        return html! {
            <rect class="pod-lit square" data-testid={testid} x={(x - 1.5).to_string()} y={(y - 1.5).to_string()}
                  width={(w + 3.0).to_string()} height={(h + 3.0).to_string()} rx="3" />
        };
    }
    html! {
        <g data-testid={testid}>
            <rect class="pod-lit" x={(x - 2.0).to_string()} y={(y - 2.0).to_string()}
                  width={(w + 4.0).to_string()} height={(h + 4.0).to_string()} rx="8" />
            <text class="pod-lit-mark" x={(x + w - 8.0).to_string()} y={(y + 18.0).to_string()} text-anchor="end">{ "◆" }</text>
        </g>
    }
}
