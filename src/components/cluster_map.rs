//! The cluster drawn in SVG: one box per node with its pods as chips, and the scheduler's
//! queue below. State is always written out (text and a glyph); colour only says which
//! ReplicaSet owns a pod.
//!
//! Each node is its own `<svg>` drawn at its natural pixel size and the boxes wrap like
//! words: text stays the same readable size on a laptop, a projector or a phone, where one
//! scaled drawing would shrink it.

use crate::model::{node_status, owner_colour, ClusterView, NodeView, PodView};
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
}

#[function_component(ClusterMap)]
pub fn cluster_map(props: &ClusterMapProps) -> Html {
    let c = &props.cluster;
    // Every node box as tall as the fullest one, so the row reads as a row.
    let most_pods = c.nodes.iter().map(|n| n.pods.len()).max().unwrap_or(0).max(1) as u32;
    let node_h = NODE_HEADER_H + most_pods * (CHIP_H + CHIP_GAP) + 4;
    let nodes = c.nodes.iter().map(|n| html! { <NodeBox key={n.name.clone()} node={n.clone()} height={node_h} /> });
    let pending = c.unscheduled.iter().map(|p| {
        html! {
            <svg key={format!("{}/{}", p.namespace, p.name)} class="chip-svg" width={CHIP_W.to_string()}
                 height={CHIP_H.to_string()} viewBox={format!("0 0 {CHIP_W} {CHIP_H}")}>
                <PodChip pod={p.clone()} x={0} y={0} />
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
                        <rect width="10" height="10" fill="#eeeeee" />
                        <line x1="0" y1="0" x2="0" y2="10" stroke="#b0b0b0" stroke-width="4" />
                    </pattern>
                </defs>
            </svg>
            <div class="nodes">{ for nodes }</div>
            <div class="pending-area" data-testid="pending-area" role="group" aria-label={pending_label.clone()}>
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
        html! { <PodChip key={format!("{}/{}", p.namespace, p.name)} pod={p.clone()} x={8} {y} /> }
    });
    let count = match n.pods.len() {
        0 => String::new(),
        1 => "1 pod".to_string(),
        k => format!("{k} pods"),
    };
    let class = classes!("node", (!n.ready).then_some("not-ready"), n.unschedulable.then_some("cordoned"));
    html! {
        <svg {class} data-testid={format!("node-{}", n.name)} data-status={status.clone()} role="group"
             aria-label={format!("node {}, {}, {} pods", n.name, status, n.pods.len())}
             width={NODE_W.to_string()} height={h.to_string()} viewBox={format!("0 0 {NODE_W} {h}")}>
            <rect class="node-box" x="1" y="1" width={(NODE_W - 2).to_string()} height={(h - 2).to_string()} rx="9" />
            <text class="node-name" x="10" y="24">{ &n.name }</text>
            <text class="node-count" x={(NODE_W - 10).to_string()} y="24" text-anchor="end">{ count }</text>
            <text class="node-status" x="10" y="45">{ format!("{icon} {status}") }</text>
            <text class="node-role" x="10" y="63"><title>{ role_help }</title>{ role }</text>
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
    let class = classes!("pod", if p.ready { "ready" } else { "not-ready" }, p.terminating.then_some("terminating"));
    html! {
        <g {class} data-testid={format!("pod-{}", p.name)} data-status={p.status.clone()}
           data-ready={p.ready.to_string()} data-owner={owner.to_string()} role="img"
           aria-label={format!("pod {}, {}, owner {}", p.name, p.status, owner)}>
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
