//! An Ingress on the map: a box in front of the Services with its class and address, a
//! canary's rules, and a row per rule (host and path → Service:port, and whether that
//! backend has endpoints). Each row is an anchor the map draws a line from to its Service,
//! and requests pass through on their way from the controller to the Service.

use crate::model::{IngressView, Selection};
use yew::prelude::*;

/// The anchor of an Ingress's rule row (`rule:NS/NAME/I`).
pub fn rule_anchor(ns: &str, name: &str, i: usize) -> String {
    format!("rule:{ns}/{name}/{i}")
}

#[derive(Properties, PartialEq)]
pub struct IngressBoxProps {
    pub ingress: IngressView,
    pub selected: bool,
    pub on_select: Callback<Selection>,
}

#[function_component(IngressBox)]
pub fn ingress_box(props: &IngressBoxProps) -> Html {
    let ing = &props.ingress;
    let sel = Selection::Ingress { namespace: ing.namespace.clone(), name: ing.name.clone() };
    let (onclick, onkeydown) = {
        let (cb, s) = (props.on_select.clone(), sel.clone());
        let click = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(s.clone());
        });
        let cb = props.on_select.clone();
        let key = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(sel.clone());
            }
        });
        (click, key)
    };
    let name = if ing.namespace == "default" { ing.name.clone() } else { format!("{}/{}", ing.namespace, ing.name) };
    let address = match &ing.address {
        Some(a) => format!("address {a}"),
        None => "◔ no address yet".to_string(),
    };
    let rules_said: Vec<String> =
        ing.rules.iter().map(|r| format!("{} to {} {}", r.route, r.backend, r.state())).collect();
    let label = format!(
        "Inspect ingress {name}, class {}, {address}{}, rules: {}{}",
        ing.class,
        ing.canary.as_ref().map(|c| format!(", {c}")).unwrap_or_default(),
        rules_said.join("; "),
        if ing.more_rules > 0 { format!("; and {} more", ing.more_rules) } else { String::new() }
    );
    let rows = ing.rules.iter().enumerate().map(|(i, r)| {
        let failing = r.endpoints.is_none_or(|n| n == 0) && r.service.is_some();
        html! {
            <li class={classes!("ing-rule", failing.then_some("failing"))} data-anchor={rule_anchor(&ing.namespace, &ing.name, i)}
                data-testid={format!("ingress-rule-{}-{i}", ing.name)} data-route={r.route.clone()}
                data-service={r.service.as_ref().map(|s| s.1.clone())} title={format!("{} → {} {}", r.route, r.backend, r.state())}>
                <span class="ing-route">{ &r.route }</span>
                <span class="ing-backend">{ format!("→ {} {}", r.backend, r.state()) }</span>
            </li>
        }
    });
    let class = classes!("ing", ing.canary.is_some().then_some("canary"), props.selected.then_some("selected"));
    html! {
        <div {class} data-testid={format!("ingress-{}", ing.name)} data-rules={ing.rules.len().to_string()}
             role="button" tabindex="0" {onclick} {onkeydown} aria-pressed={props.selected.to_string()} aria-label={label}>
            <span class="ing-name">{ format!("⇥ {name}") }</span>
            <span class="ing-kind">{ format!("Ingress · class {} · {address}", ing.class) }</span>
            if let Some(c) = &ing.canary {
                <span class="ing-canary" data-testid={format!("ingress-canary-{}", ing.name)}>{ c }</span>
            }
            <ul class="ing-rules" aria-hidden="true">{ for rows }</ul>
            if ing.more_rules > 0 {
                <span class="ing-more">{ format!("+{} more rules", ing.more_rules) }</span>
            }
        </div>
    }
}
