//! Which colour stands for which owner on the map, with each owner's pod count.

use crate::model::owner_colour;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OwnerLegendProps {
    /// Owners (None: pods without one) and how many pods each has.
    pub owners: Vec<(Option<String>, usize)>,
}

#[function_component(OwnerLegend)]
pub fn owner_legend(props: &OwnerLegendProps) -> Html {
    if props.owners.is_empty() {
        return html! {
            <p class="legend empty" data-testid="owner-legend">
                { "No pods yet: apply the Deployment on the left and watch its pods get scheduled onto the workers." }
            </p>
        };
    }
    let items = props.owners.iter().map(|(owner, count)| {
        let name = match owner {
            Some(o) => format!("ReplicaSet {o}"),
            None => "no owner".to_string(),
        };
        let pods = if *count == 1 { "pod" } else { "pods" };
        html! {
            <li>
                <span class="swatch" style={format!("background:{}", owner_colour(owner.as_deref()))} aria-hidden="true"></span>
                { format!("{name}: {count} {pods}") }
            </li>
        }
    });
    html! {
        <ul class="legend" data-testid="owner-legend" aria-label="Pod colours by owner">
            { for items }
        </ul>
    }
}
