//! The events feed: the cluster's events as they happen, newest first, as `kubectl get
//! events` words them (type, reason, object, message). A warning says so in words and with
//! a mark, not only in colour; choosing an event inspects its object.

use crate::model::{EventView, Selection};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EventsFeedProps {
    pub events: Vec<EventView>,
    #[prop_or_default]
    pub on_select: Callback<Selection>,
}

#[function_component(EventsFeed)]
pub fn events_feed(props: &EventsFeedProps) -> Html {
    let warnings = props.events.iter().filter(|e| e.warning).count();
    let items = props.events.iter().map(|e| {
        let class = classes!("event", e.warning.then_some("warning"));
        let kind = if e.warning { "⚠ Warning" } else { "Normal" };
        let body = html! {
            <>
                <span class="event-type">{ kind }</span>
                <span class="event-reason">{ &e.reason }</span>
                <span class="event-object">{ &e.object }</span>
                <span class="event-when">{ &e.when }</span>
                <span class="event-message">{ &e.message }</span>
            </>
        };
        match &e.select {
            Some(sel) => {
                let sel = sel.clone();
                let onclick = props.on_select.reform(move |_: MouseEvent| sel.clone());
                html! { <li key={e.key.clone()} {class}><button type="button" {onclick} title={format!("Inspect {}", e.object)}>{ body }</button></li> }
            }
            None => html! { <li key={e.key.clone()} {class}><div class="event-static">{ body }</div></li> },
        }
    });
    html! {
        <section class="events-feed" data-testid="events-feed" aria-labelledby="events-title">
            <h3 id="events-title">{ "Events" }
                <span class="muted">{ format!(" newest first · {} shown, {} warning(s)", props.events.len(), warnings) }</span>
            </h3>
            if props.events.is_empty() {
                <p class="muted">{ "No events yet: apply something." }</p>
            } else {
                <ol class="events" aria-live="off">{ for items }</ol>
            }
        </section>
    }
}
