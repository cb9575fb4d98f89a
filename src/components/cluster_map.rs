//! The cluster drawn in SVG: one box per node with its pods as chips, and the scheduler's
//! queue below. State is always written out (text and a glyph); colour only says which
//! ReplicaSet owns a pod.
//!
//! Each node is its own `<svg>` drawn at its natural pixel size and the boxes wrap like
//! words: text stays the same readable size on a laptop, a projector or a phone, where one
//! scaled drawing would shrink it.

use crate::model::{node_status, owner_colour, ClusterView, NodeView, PodView, Selection};
use yew::prelude::*;

/// Pixel sizes (the SVGs are never scaled).
const NODE_W: u32 = 212;
const NODE_HEADER_H: u32 = 74;
const CHIP_W: u32 = NODE_W - 16;
const CHIP_H: u32 = 44;
const CHIP_GAP: u32 = 6;
/// Characters of a pod name that fit on a chip; longer names lose their middle (the full
/// name is in the tooltip and the accessible name).
const NAME_CHARS: usize = 22;

#[derive(Properties, PartialEq)]
pub struct ClusterMapProps {
    pub cluster: ClusterView,
    /// What the inspector shows, drawn highlighted.
    #[prop_or_default]
    pub selected: Option<Selection>,
    /// A node or pod was chosen (click, Enter or Space).
    #[prop_or_default]
    pub on_select: Callback<Selection>,
}

/// Click, Enter and Space on an SVG element acting as a button.
fn activate(on_select: &Callback<Selection>, sel: Selection) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let (cb, sel) = (on_select.clone(), sel.clone());
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(sel.clone());
        })
    };
    let key = {
        let cb = on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                cb.emit(sel.clone());
            }
        })
    };
    (click, key)
}

#[function_component(ClusterMap)]
pub fn cluster_map(props: &ClusterMapProps) -> Html {
    let c = &props.cluster;
    // Every node box as tall as the fullest one, so the row reads as a row.
    let most_pods = c.nodes.iter().map(|n| n.pods.len()).max().unwrap_or(0).max(1) as u32;
    let node_h = NODE_HEADER_H + most_pods * (CHIP_H + CHIP_GAP) + 4;
    let selected = props.selected.as_ref();
    let nodes = c.nodes.iter().map(|n| {
        let node_selected = selected == Some(&Selection::Node(n.name.clone()));
        let pod_selected = match selected {
            Some(Selection::Pod { namespace, name }) if n.pods.iter().any(|p| &p.namespace == namespace && &p.name == name) => Some(name.clone()),
            _ => None,
        };
        html! { <NodeBox key={n.name.clone()} node={n.clone()} height={node_h} selected={node_selected} {pod_selected}
                         on_select={props.on_select.clone()} /> }
    });
    let pending = c.unscheduled.iter().map(|p| {
        let is_selected = matches!(selected, Some(Selection::Pod { namespace, name }) if namespace == &p.namespace && name == &p.name);
        html! {
            <svg key={format!("{}/{}", p.namespace, p.name)} class="chip-svg" width={CHIP_W.to_string()}
                 height={CHIP_H.to_string()} viewBox={format!("0 0 {CHIP_W} {CHIP_H}")}>
                <PodChip pod={p.clone()} x={0} y={0} selected={is_selected} on_select={props.on_select.clone()} />
            </svg>
        }
    });
    let pending_label = if c.unscheduled.is_empty() {
        "Pending (unscheduled): none".to_string()
    } else {
        format!("Pending (unscheduled): {}", c.unscheduled.len())
    };
    html! {
        <div class="cluster-map" data-testid="cluster-map" role="group"
             aria-label={format!("Cluster map: {} nodes, {} pods", c.nodes.len(), c.pod_count())}>
            <svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">
                <defs>
                    <pattern id="hatch" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="10" height="10" class="hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="10" class="hatch-line" stroke-width="4" />
                    </pattern>
                </defs>
            </svg>
            <div class="nodes">{ for nodes }</div>
            <div class={classes!("pending-area", c.unscheduled.is_empty().then_some("empty"))} data-testid="pending-area"
                 role="group" aria-label={pending_label.clone()}>
                <p class="pending-title">{ pending_label }</p>
                if !c.unscheduled.is_empty() {
                    <div class="pending-chips">{ for pending }</div>
                }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct NodeBoxProps {
    node: NodeView,
    height: u32,
    selected: bool,
    /// The name of this node's pod the inspector shows, if any.
    pod_selected: Option<String>,
    on_select: Callback<Selection>,
}

#[function_component(NodeBox)]
fn node_box(props: &NodeBoxProps) -> Html {
    let n = &props.node;
    let h = props.height;
    let status = node_status(n);
    let icon = if !n.ready {
        "⚠"
    } else if n.unschedulable {
        "⊘"
    } else {
        "✓"
    };
    let mut role = n.role.to_string();
    for t in &n.taints {
        role.push_str(&format!(" · {t}"));
    }
    let role_help = if n.taints.is_empty() {
        format!("{}: pods can be scheduled here", n.role)
    } else {
        format!("{}: tainted {}, so pods without a matching toleration are not scheduled here", n.role, n.taints.join(", "))
    };
    let pods = n.pods.iter().enumerate().map(|(i, p)| {
        let y = NODE_HEADER_H + i as u32 * (CHIP_H + CHIP_GAP);
        let selected = props.pod_selected.as_deref() == Some(p.name.as_str());
        html! { <PodChip key={format!("{}/{}", p.namespace, p.name)} pod={p.clone()} x={8} {y} {selected} on_select={props.on_select.clone()} /> }
    });
    let count = match n.pods.len() {
        0 => String::new(),
        1 => "1 pod".to_string(),
        k => format!("{k} pods"),
    };
    // A powered-off machine says so where its role was: what it is matters less now than
    // what is about to happen to it.
    let power = n.powered_off.then(|| match &n.countdown {
        Some(c) => format!("off: {c}"),
        None => "powered off".to_string(),
    });
    let power = power.or_else(|| n.countdown.clone());
    let class = classes!(
        "node",
        (!n.ready).then_some("not-ready"),
        n.unschedulable.then_some("cordoned"),
        n.powered_off.then_some("powered-off"),
        props.selected.then_some("selected")
    );
    let (onclick, onkeydown) = activate(&props.on_select, Selection::Node(n.name.clone()));
    let mut label = format!("node {}, {}", n.name, status);
    if let Some(p) = &power {
        label.push_str(&format!(", {}", p.replacen("off:", "powered off:", 1)));
    }
    html! {
        <svg {class} data-testid={format!("node-{}", n.name)} data-status={status.clone()} role="group"
             data-power={if n.powered_off { "off" } else { "on" }}
             aria-label={format!("{label}, {} pods", n.pods.len())}
             width={NODE_W.to_string()} height={h.to_string()} viewBox={format!("0 0 {NODE_W} {h}")}>
            <rect class="node-box" x="1" y="1" width={(NODE_W - 2).to_string()} height={(h - 2).to_string()} rx="9" />
            <g class="node-head" role="button" tabindex="0" {onclick} {onkeydown} data-testid={format!("inspect-node-{}", n.name)}
               aria-pressed={props.selected.to_string()} aria-label={format!("Inspect {label}")}>
                <rect class="node-head-hit" x="3" y="3" width={(NODE_W - 6).to_string()} height={(NODE_HEADER_H - 8).to_string()} rx="7" />
                <text class="node-name" x="10" y="24">{ &n.name }</text>
                <text class="node-count" x={(NODE_W - 10).to_string()} y="24" text-anchor="end">{ count }</text>
                <text class="node-status" x="10" y="45">{ format!("{icon} {status}") }</text>
                if let Some(p) = power {
                    <text class="node-power" x="10" y="63" data-testid={format!("countdown-{}", n.name)}>
                        <title>{ p.replacen("off:", "powered off:", 1) }</title>{ p.clone() }
                    </text>
                } else {
                    <text class="node-role" x="10" y="63"><title>{ role_help }</title>{ role }</text>
                }
            </g>
            if n.pods.is_empty() {
                <text class="node-empty" x="10" y={(NODE_HEADER_H + 26).to_string()}>{ "no pods" }</text>
            }
            { for pods }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct PodChipProps {
    pod: PodView,
    x: u32,
    y: u32,
    selected: bool,
    on_select: Callback<Selection>,
}

/// A glyph per kind of state, so state reads without colour even at a glance.
fn status_icon(p: &PodView) -> &'static str {
    match p.status.as_str() {
        _ if p.terminating => "✕",
        "Ready" => "✓",
        "Pending" | "ContainerCreating" | "PodInitializing" => "◔",
        s if s.contains("BackOff") || s.starts_with("Err") || s == "Failed" || s == "Error" => "⚠",
        _ => "•",
    }
}

/// `nginx-deployment-7c5ddbdf54-abcde` → `nginx-deplo…f54-abcde`: the start names the owner,
/// the end tells the pods apart.
fn fit_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= NAME_CHARS {
        return name.to_string();
    }
    let tail = NAME_CHARS / 2;
    let head = NAME_CHARS - tail - 1;
    format!("{}…{}", chars[..head].iter().collect::<String>(), chars[chars.len() - tail..].iter().collect::<String>())
}

#[function_component(PodChip)]
fn pod_chip(props: &PodChipProps) -> Html {
    let p = &props.pod;
    let (x, y) = (props.x, props.y);
    let owner = p.owner.as_deref().unwrap_or("no owner");
    let class = classes!(
        "pod",
        if p.ready { "ready" } else { "not-ready" },
        p.terminating.then_some("terminating"),
        props.selected.then_some("selected")
    );
    let (onclick, onkeydown) = activate(&props.on_select, Selection::Pod { namespace: p.namespace.clone(), name: p.name.clone() });
    html! {
        <g {class} data-testid={format!("pod-{}", p.name)} data-status={p.status.clone()}
           data-ready={p.ready.to_string()} data-owner={owner.to_string()} role="button" tabindex="0"
           {onclick} {onkeydown} aria-pressed={props.selected.to_string()}
           aria-label={format!("Inspect pod {}, {}, owner {}", p.name, p.status, owner)}>
            <title>{ format!("{}/{}: {} (owner {})", p.namespace, p.name, p.status, owner) }</title>
            <rect class="pod-box" x={(x as f32 + 0.75).to_string()} y={(y as f32 + 0.75).to_string()}
                  width={(CHIP_W as f32 - 1.5).to_string()} height={(CHIP_H as f32 - 1.5).to_string()} rx="6" />
            <rect class="pod-owner" x={(x + 2).to_string()} y={(y + 2).to_string()} width="8"
                  height={(CHIP_H - 4).to_string()} rx="4" fill={owner_colour(p.owner.as_deref())} />
            <text class="pod-name" x={(x + 16).to_string()} y={(y + 18).to_string()}>{ fit_name(&p.name) }</text>
            <text class="pod-status" x={(x + 16).to_string()} y={(y + 36).to_string()}>
                { format!("{} {}", status_icon(p), p.status) }
            </text>
        </g>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_pod_names_keep_their_start_and_their_random_suffix() {
        assert_eq!(super::fit_name("hello-596d4898c8-pj8fk"), "hello-596d4898c8-pj8fk");
        let fitted = super::fit_name("nginx-deployment-7c5ddbdf54-abcde");
        assert_eq!(fitted, "nginx-depl…bdf54-abcde");
        assert_eq!(fitted.chars().count(), super::NAME_CHARS);
    }
}
