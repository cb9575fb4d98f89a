//! The cluster drawn in SVG: one box per node with its pods as chips, and the scheduler's
//! queue below. State is always written out (text and a glyph); colour only says which
//! ReplicaSet owns a pod.
//!
//! Each node is its own `<svg>` drawn at its natural pixel size and the boxes wrap like
//! words: text stays the same readable size on a laptop, a projector or a phone, where one
//! scaled drawing would shrink it.

use super::draw_budget::{admit, draw_again_soon};
use super::ingress_box::IngressBox;
use super::lit_layer::lit_layer;
use super::map_overlay::Overlay;
use super::pod_cpu::{PodCpuLayer, CPU_LINE_H};
use crate::model::{node_status, owner_colour, ClusterView, FlowView, NodeView, PodView, Selection, ServiceView};
use kubelab_lab::why::Lit;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Pixel sizes (the SVGs are never scaled).
const NODE_W: u32 = 212;
const NODE_HEADER_H: u32 = 74;
const CHIP_W: u32 = NODE_W - 16;
const CHIP_H: u32 = 44;
const CHIP_GAP: u32 = 6;
pub(super) use crate::model::COMPACT_ABOVE;
const SQ: u32 = 14;
const SQ_GAP: u32 = 2;
const SQ_PER_ROW: u32 = (NODE_W - 16 + SQ_GAP) / (SQ + SQ_GAP);

/// Where each of a node's pods is drawn, in the node's own pixels: (x, y, width, height).
/// A chip grows a line for each volume claim it mounts (at most MAX_CLAIMS drawn).
pub(super) fn pod_slots(pods: &[PodView]) -> Vec<(u32, u32, u32, u32)> {
    if pods.len() > COMPACT_ABOVE {
        return (0..pods.len() as u32)
            .map(|i| (8 + (i % SQ_PER_ROW) * (SQ + SQ_GAP), NODE_HEADER_H + (i / SQ_PER_ROW) * (SQ + SQ_GAP), SQ, SQ))
            .collect();
    }
    let mut y = NODE_HEADER_H;
    pods.iter()
        .map(|p| {
            let h = chip_height(p);
            let slot = (8, y, CHIP_W, h);
            y += h + CHIP_GAP;
            slot
        })
        .collect()
}

/// Claim lines drawn on one chip; more are counted on the last line.
const MAX_CLAIMS: usize = 2;
const CLAIM_H: u32 = 20;

fn chip_height(p: &PodView) -> u32 {
    let cpu = if p.cpu_line { CPU_LINE_H } else { 0 };
    CHIP_H + reason_height(p) + CLAIM_H * p.claims.len().min(MAX_CLAIMS) as u32 + cpu
}

/// A failing pod's reason takes a line of its own under its state.
const REASON_H: u32 = 16;

fn reason_height(p: &PodView) -> u32 {
    if p.reason.is_some() {
        REASON_H
    } else {
        0
    }
}

/// Characters of a reason drawn on a chip (13 px, the chip's width); the whole reason is in
/// the tooltip and the accessible name.
const REASON_LINE_CHARS: usize = 26;

fn fit_reason(reason: &str) -> String {
    crate::model::shorten(reason, REASON_LINE_CHARS)
}

/// A node box's height for these pods.
fn node_height(pods: &[PodView]) -> u32 {
    match pod_slots(pods).last() {
        None => NODE_HEADER_H + CHIP_H + 4,
        Some((_, y, _, h)) => y + h + 8,
    }
}

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
    /// The load generator's requests, drawn travelling client → Service → pod.
    #[prop_or_default]
    pub flow: Option<FlowView>,
    /// What a Why step or a console command lights (outlined and marked "◆"). Each node box
    /// gets only its own lit pods, so lighting redraws those boxes and no other.
    #[prop_or_default]
    pub lit: Rc<Lit>,
}

/// Where the map's Services, pods and load generator are drawn, measured from the page after
/// each render (the boxes wrap like words, so only the browser knows), in pixels from the
/// map's top left corner: key → (x, y, width, height).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Anchors {
    pub width: i32,
    pub height: i32,
    pub at: BTreeMap<String, (i32, i32, i32, i32)>,
}

fn measure(root: &web_sys::Element) -> Anchors {
    let base = root.get_bounding_client_rect();
    // The overlay's own size must not feed back into what is measured (or every render
    // would grow it): the width is the map's, the height what the anchors reach.
    let mut a = Anchors { width: root.client_width(), height: 0, at: BTreeMap::new() };
    let Ok(list) = root.query_selector_all("[data-anchor]") else { return a };
    for i in 0..list.length() {
        let Some(el) = list.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let Some(key) = el.get_attribute("data-anchor") else { continue };
        let r = el.get_bounding_client_rect();
        let px = |v: f64| v.round() as i32;
        let rect = (px(r.left() - base.left()), px(r.top() - base.top()), px(r.width()), px(r.height()));
        a.height = a.height.max(rect.1 + rect.3 + 8);
        a.at.insert(key, rect);
    }
    a
}

pub(super) fn pod_anchor(ns: &str, name: &str) -> String {
    format!("pod:{ns}/{name}")
}

pub(super) fn svc_anchor(ns: &str, name: &str) -> String {
    format!("svc:{ns}/{name}")
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
    let root = use_node_ref();
    let anchors = use_state(|| Rc::new(Anchors::default()));
    // The pending squares drawn last time (see `draw_budget`).
    let pending_drawn = use_mut_ref(std::collections::BTreeSet::<String>::new);
    let force = use_force_update();
    // (measurement in flight, its frame request)
    let measuring = use_mut_ref(|| (false, None::<gloo::render::AnimationFrame>));
    {
        // After a render: where did things land? Measured at the next frame, when the browser
        // lays the page out anyway (measuring at once would lay it out twice), and only when
        // the overlay has something to draw. Only a change re-renders.
        let (root, anchors) = (root.clone(), anchors.clone());
        let wanted = !c.services.is_empty() || !c.ingresses.is_empty() || props.flow.is_some();
        let measuring = measuring.clone();
        use_effect(move || {
            let in_flight = measuring.borrow().0;
            if wanted && !in_flight {
                let flag = measuring.clone();
                let frame = gloo::render::request_animation_frame(move |_| {
                    flag.borrow_mut().0 = false;
                    if let Some(el) = root.cast::<web_sys::Element>() {
                        let now = measure(&el);
                        if now != **anchors {
                            anchors.set(Rc::new(now));
                        }
                    }
                });
                // The previous request has run by now: dropping it is safe.
                *measuring.borrow_mut() = (true, Some(frame));
            }
        });
    }
    // Every node box as tall as the fullest one, so the row reads as a row.
    let node_h =
        c.nodes.iter().map(|n| node_height(&n.pods)).max().unwrap_or(0).max(NODE_HEADER_H + CHIP_H + 4 + CHIP_GAP);
    let selected = props.selected.as_ref();
    let nodes = c.nodes.iter().map(|n| {
        let node_selected = selected == Some(&Selection::Node(n.name.clone()));
        let pod_selected = match selected {
            Some(Selection::Pod { namespace, name })
                if n.pods.iter().any(|p| &p.namespace == namespace && &p.name == name) =>
            {
                Some(name.clone())
            }
            _ => None,
        };
        let lit_pods: BTreeSet<String> = if props.lit.pods.is_empty() {
            BTreeSet::new()
        } else {
            kubelab_api::sort::set(
                n.pods.iter().filter(|p| props.lit.has_pod(&p.namespace, &p.name)).map(|p| p.name.clone()),
            )
        };
        let lit = props.lit.nodes.contains(&n.name);
        html! { <NodeBox key={n.name.clone()} node={n.clone()} height={node_h} selected={node_selected} {pod_selected}
        {lit} {lit_pods} on_select={props.on_select.clone()} /> }
    });
    // Many pods waiting: squares in one drawing, as on a crowded node.
    let pending_compact = (c.unscheduled.len() > COMPACT_ABOVE).then(|| {
        let per_row = 40u32;
        let rows = (c.unscheduled.len() as u32).div_ceil(per_row);
        let (w, h) = (per_row * (SQ + SQ_GAP), rows * (SQ + SQ_GAP));
        let keys: Vec<String> = c.unscheduled.iter().map(|p| format!("{}/{}", p.namespace, p.name)).collect();
        let (shown, held_back) = admit(&mut pending_drawn.borrow_mut(), &keys);
        if held_back {
            draw_again_soon(&force);
        }
        let dots = c.unscheduled.iter().zip(keys).enumerate().filter(|(i, _)| shown[*i]).map(|(i, (p, key))| {
            let i = i as u32;
            let is_selected = matches!(selected, Some(Selection::Pod { namespace, name }) if namespace == &p.namespace && name == &p.name);
            html! { <PodDot {key} pod={p.clone()} x={(i % per_row) * (SQ + SQ_GAP) + 1} y={(i / per_row) * (SQ + SQ_GAP) + 1}
                            selected={is_selected} on_select={props.on_select.clone()} /> }
        });
        let lit: Vec<(&PodView, (u32, u32, u32, u32))> = c.unscheduled.iter().enumerate().filter(|(_, p)| props.lit.has_pod(&p.namespace, &p.name)).map(|(i, p)| {
            (p, ((i as u32 % per_row) * (SQ + SQ_GAP) + 1, (i as u32 / per_row) * (SQ + SQ_GAP) + 1, SQ, SQ))
        }).collect();
        let lit = lit_layer(&lit, true);
        html! {
            <svg class="chip-svg" width={(w + 2).to_string()} height={(h + 2).to_string()} viewBox={format!("0 0 {} {}", w + 2, h + 2)}>
                { for dots }{ lit }
            </svg>
        }
    });
    let pending = c.unscheduled.iter().filter(|_| pending_compact.is_none()).map(|p| {
        let is_selected = matches!(selected, Some(Selection::Pod { namespace, name }) if namespace == &p.namespace && name == &p.name);
        let h = chip_height(p);
        html! {
            <svg key={format!("{}/{}", p.namespace, p.name)} class="chip-svg" width={CHIP_W.to_string()}
                 height={h.to_string()} viewBox={format!("0 0 {CHIP_W} {h}")}>
                <PodChip pod={p.clone()} x={0} y={0} selected={is_selected} lit={props.lit.has_pod(&p.namespace, &p.name)} on_select={props.on_select.clone()} />
            </svg>
        }
    });
    let pending_label = if c.unscheduled.is_empty() {
        "Pending (unscheduled): none".to_string()
    } else {
        format!("Pending (unscheduled): {}", c.unscheduled.len())
    };
    let services = c.services.iter().map(|sv| {
        let sel = Selection::Service { namespace: sv.namespace.clone(), name: sv.name.clone() };
        let is_selected = selected == Some(&sel);
        let lit = props.lit.services.contains(&(sv.namespace.clone(), sv.name.clone()));
        html! { <ServiceBox key={svc_anchor(&sv.namespace, &sv.name)} service={sv.clone()} selected={is_selected} {lit} on_select={props.on_select.clone()} /> }
    });
    let ingresses = c.ingresses.iter().map(|ing| {
        let sel = Selection::Ingress { namespace: ing.namespace.clone(), name: ing.name.clone() };
        let is_selected = selected == Some(&sel);
        html! { <IngressBox key={format!("ing:{}/{}", ing.namespace, ing.name)} ingress={ing.clone()} selected={is_selected} on_select={props.on_select.clone()} /> }
    });
    let show_services = !c.services.is_empty() || !c.ingresses.is_empty() || props.flow.is_some();
    html! {
        <div class="cluster-map" data-testid="cluster-map" role="group" ref={root}
             aria-label={format!("Cluster map: {} nodes, {} pods", c.nodes.len(), c.pod_count())}>
            <svg class="defs" width="0" height="0" aria-hidden="true" focusable="false">
                <defs>
                    <pattern id="hatch" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width="10" height="10" class="hatch-bg" />
                        <line x1="0" y1="0" x2="0" y2="10" class="hatch-line" stroke-width="4" />
                    </pattern>
                </defs>
            </svg>
            if show_services {
                <div class="services" data-testid="services" role="group" aria-label={format!("Services: {}", c.services.len())}>
                    if let Some(f) = &props.flow {
                        <div class="client" data-anchor="client" data-testid="load-client"
                             title="lab load: the load generator, a client outside the cluster">
                            <span class="client-name">{ "⇶ load" }</span>
                            <span class="client-url">{ &f.url }</span>
                        </div>
                    }
                    { for ingresses }
                    { for services }
                </div>
            }
            <div class="nodes">{ for nodes }</div>
            <div class={classes!("pending-area", c.unscheduled.is_empty().then_some("empty"))} data-testid="pending-area"
                 role="group" aria-label={pending_label.clone()}>
                <p class="pending-title">{ pending_label }</p>
                if !c.unscheduled.is_empty() {
                    <div class="pending-chips">{ for pending }{ for pending_compact }</div>
                }
            </div>
            <Overlay cluster={c.clone()} flow={props.flow.clone()} anchors={(*anchors).clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ServiceBoxProps {
    service: ServiceView,
    selected: bool,
    lit: bool,
    on_select: Callback<Selection>,
}

/// A Service: its name, how clients reach it, and how many ready endpoints it sends them to.
#[function_component(ServiceBox)]
fn service_box(props: &ServiceBoxProps) -> Html {
    let sv = &props.service;
    let (onclick, onkeydown) =
        activate(&props.on_select, Selection::Service { namespace: sv.namespace.clone(), name: sv.name.clone() });
    let n = sv.endpoints.len();
    let mut eps = match n {
        0 => "⚠ no endpoints".to_string(),
        1 => "→ 1 endpoint".to_string(),
        k => format!("→ {k} endpoints"),
    };
    if !sv.not_ready.is_empty() {
        eps.push_str(&format!(" · {} not ready", sv.not_ready.len()));
    }
    let name = if sv.namespace == "default" { sv.name.clone() } else { format!("{}/{}", sv.namespace, sv.name) };
    let class = classes!(
        "svc",
        (n == 0).then_some("no-endpoints"),
        props.selected.then_some("selected"),
        props.lit.then_some("lit")
    );
    html! {
        <div {class} data-anchor={svc_anchor(&sv.namespace, &sv.name)} data-testid={format!("service-{}", sv.name)}
             data-endpoints={n.to_string()} role="button" tabindex="0" {onclick} {onkeydown} aria-pressed={props.selected.to_string()}
             aria-label={format!("Inspect service {name}, {} {}, {eps}", sv.kind, sv.address)}>
            <span class="svc-name">{ format!("{}⇄ {name}", if props.lit { "◆ " } else { "" }) }</span>
            <span class="svc-kind">{ format!("{} {}", sv.kind, sv.address) }</span>
            <span class="svc-eps">{ eps }</span>
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
    /// The node is lit (a Why step or a command wrote it).
    lit: bool,
    /// The names of this node's pods that are lit.
    lit_pods: BTreeSet<String>,
    on_select: Callback<Selection>,
}

#[function_component(NodeBox)]
fn node_box(props: &NodeBoxProps) -> Html {
    let props_memory = use_mut_ref(NodeMemory::default);
    let force = use_force_update();
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
        format!(
            "{}: tainted {}, so pods without a matching toleration are not scheduled here",
            n.role,
            n.taints.join(", ")
        )
    };
    let compact = n.pods.len() > COMPACT_ABOVE;
    let slots = pod_slots(&n.pods);
    // Pods that were here at the last drawing and are gone now fade out where they were,
    // under the pods still here (chips only: a crowded node's squares just go).
    let keys: Vec<String> = n.pods.iter().map(|p| format!("{}/{}", p.namespace, p.name)).collect();
    let ghosts = {
        let mut memory = props_memory.borrow_mut();
        let now = crate::platform::wall_now_ms().unwrap_or(0.0);
        let here = kubelab_api::sort::set(keys.iter());
        let gone: Vec<Ghost> = memory
            .last
            .drain(..)
            .filter(|(key, ..)| !here.contains(key))
            .map(|(key, x, y, pod)| Ghost { key, x, y, pod, since: now })
            .collect();
        memory.ghosts.extend(gone);
        memory.ghosts.retain(|g| now - g.since < GHOST_MS && !here.contains(&g.key));
        // The box is drawn again only when its props change: once the last fade is over,
        // it draws itself again to drop the ghosts (no timer left when there are none).
        let fade_left = memory.ghosts.iter().map(|g| g.since + GHOST_MS - now).reduce(f64::max);
        // (A timer that has fired is dropped by the next drawing, never from inside itself.)
        memory.sweep = fade_left.map(|ms| {
            let force = force.clone();
            gloo::timers::callback::Timeout::new(ms.max(0.0) as u32 + 20, move || force.force_update())
        });
        if !compact {
            memory.last = n
                .pods
                .iter()
                .zip(&slots)
                .map(|(p, &(x, y, _, _))| (format!("{}/{}", p.namespace, p.name), x, y, p.clone()))
                .collect();
        }
        memory
            .ghosts
            .iter()
            .map(|g| html! { <PodGhost key={format!("ghost:{}", g.key)} pod={g.pod.clone()} x={g.x} y={g.y} /> })
            .collect::<Vec<_>>()
    };
    // What a Why step or a command lit, drawn over the pods: lighting redraws this layer,
    // not the pods (a thousand squares would take longer than a frame).
    let lit: Vec<(&PodView, (u32, u32, u32, u32))> = if props.lit_pods.is_empty() {
        Vec::new()
    } else {
        n.pods.iter().zip(slots.iter().copied()).filter(|(p, _)| props.lit_pods.contains(&p.name)).collect()
    };
    let lit = lit_layer(&lit, compact);
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
        props.selected.then_some("selected"),
        props.lit.then_some("lit")
    );
    let (onclick, onkeydown) = activate(&props.on_select, Selection::Node(n.name.clone()));
    let mut label = format!("node {}, {}", n.name, status);
    if let Some(p) = &power {
        label.push_str(&format!(", {}", p.replacen("off:", "powered off:", 1)));
    }
    html! {
        <svg {class} data-testid={format!("node-{}", n.name)} data-status={status.clone()} role="group" data-anchor={format!("node:{}", n.name)}
             data-power={if n.powered_off { "off" } else { "on" }}
             aria-label={format!("{label}, {} pods", n.pods.len())}
             width={NODE_W.to_string()} height={h.to_string()} viewBox={format!("0 0 {NODE_W} {h}")}>
            <rect class="node-box" x="1" y="1" width={(NODE_W - 2).to_string()} height={(h - 2).to_string()} rx="9" />
            <g class="node-head" role="button" tabindex="0" {onclick} {onkeydown} data-testid={format!("inspect-node-{}", n.name)}
               aria-pressed={props.selected.to_string()} aria-label={format!("Inspect {label}")}>
                <rect class="node-head-hit" x="3" y="3" width={(NODE_W - 6).to_string()} height={(NODE_HEADER_H - 8).to_string()} rx="7" />
                <text class="node-name" x="10" y="24">{ if props.lit { format!("◆ {}", n.name) } else { n.name.clone() } }</text>
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
            { for ghosts }
            <PodLayer pods={n.pods.clone()} rates={n.rates.clone()} pod_selected={props.pod_selected.clone()} on_select={props.on_select.clone()} />
            <PodCpuLayer pods={n.pods.clone()} cpu={n.cpu.clone()} />
            { lit }
        </svg>
    }
}

#[derive(Properties, PartialEq)]
struct PodLayerProps {
    pods: crate::model::Pods,
    /// Each chip's requests per second while a load runs (`NodeView::rates`).
    rates: Vec<(String, f64)>,
    pod_selected: Option<String>,
    on_select: Callback<Selection>,
}

/// A node's pods: chips, or squares on a crowded node. Drawn again only when its pods or the
/// selection changed.
#[function_component(PodLayer)]
fn pod_layer(props: &PodLayerProps) -> Html {
    // The squares drawn last time, when crowded (see `draw_budget`).
    let drawn = use_mut_ref(BTreeSet::<String>::new);
    let force = use_force_update();
    let compact = props.pods.len() > COMPACT_ABOVE;
    let slots = pod_slots(&props.pods);
    let keys: Vec<String> = props.pods.iter().map(|p| format!("{}/{}", p.namespace, p.name)).collect();
    // A crowded node's new squares, as far as this task's allowance goes.
    let shown = if compact {
        let (shown, held_back) = admit(&mut drawn.borrow_mut(), &keys);
        if held_back {
            draw_again_soon(&force);
        }
        shown
    } else {
        drawn.borrow_mut().clear();
        vec![true; keys.len()]
    };
    let pods = props.pods.iter().zip(&slots).zip(keys).zip(shown).filter(|(_, shown)| *shown).map(
        |(((p, &(x, y, _, _)), key), _)| {
            let selected = props.pod_selected.as_deref() == Some(p.name.as_str());
            if compact {
                html! { <PodDot {key} pod={p.clone()} {x} {y} {selected} on_select={props.on_select.clone()} /> }
            } else {
                let rps = props.rates.iter().find(|(name, _)| *name == p.name).map(|(_, r)| *r);
                html! { <PodChip {key} pod={p.clone()} {rps} {x} {y} {selected} on_select={props.on_select.clone()} /> }
            }
        },
    );
    html! { <g class="pods">{ for pods }</g> }
}

/// How long a pod that left fades out for, in wall-clock ms (the CSS animation's length).
const GHOST_MS: f64 = 900.0;

/// A pod that has just left a node, drawn fading where it was.
#[derive(Clone)]
struct Ghost {
    key: String,
    x: u32,
    y: u32,
    pod: PodView,
    since: f64,
}

/// What a node box remembers between drawings: its pods last time, those fading out, and
/// the timer that draws the box again when their fade is over.
#[derive(Default)]
struct NodeMemory {
    last: Vec<(String, u32, u32, PodView)>,
    ghosts: Vec<Ghost>,
    sweep: Option<gloo::timers::callback::Timeout>,
}

#[derive(Properties, PartialEq)]
struct PodGhostProps {
    pod: PodView,
    x: u32,
    y: u32,
}

/// A pod that is gone from the API, fading out: not a control, not announced.
#[function_component(PodGhost)]
fn pod_ghost(props: &PodGhostProps) -> Html {
    let (p, x, y) = (&props.pod, props.x, props.y);
    html! {
        <g class="pod ghost" aria-hidden="true" data-ghost={p.name.clone()}>
            <rect class="pod-box" x={(x as f32 + 0.75).to_string()} y={(y as f32 + 0.75).to_string()}
                  width={(CHIP_W as f32 - 1.5).to_string()} height={(chip_height(p) as f32 - 1.5).to_string()} rx="6" />
            <rect class="pod-owner" x={(x + 2).to_string()} y={(y + 2).to_string()} width="8"
                  height={(chip_height(p) - 4).to_string()} rx="4" fill={owner_colour(p.owner.as_deref())} />
            <text class="pod-name" x={(x + 16).to_string()} y={(y + 18).to_string()}>{ fit_name(&p.name) }</text>
            <text class="pod-status" x={(x + 16).to_string()} y={(y + 36).to_string()}>{ "✕ gone" }</text>
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct PodChipProps {
    pod: PodView,
    /// Requests per second it answers, while a load runs (said on a Ready chip).
    #[prop_or_default]
    rps: Option<f64>,
    x: u32,
    y: u32,
    selected: bool,
    /// A Why step or a console command wrote it: outlined and marked "◆".
    #[prop_or_default]
    lit: bool,
    on_select: Callback<Selection>,
}

/// A glyph per kind of state, so state reads without colour even at a glance.
fn status_icon(p: &PodView) -> &'static str {
    match p.status.as_str() {
        _ if p.terminating => "✕",
        "Ready" => "✓",
        "Pending" | "ContainerCreating" | "PodInitializing" => "◔",
        s if s.starts_with("Init:") && !s.contains("BackOff") && !s.contains("Err") => "◔",
        s if s.contains("BackOff") || s.starts_with("Err") || s.ends_with("Error") || s == "Failed" => "⚠",
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

/// Characters of a claim line that fit on a chip (12 px monospace after the disk).
const CLAIM_LINE_CHARS: usize = 21;

/// A claim's name in at most `max` characters (at least 5): longer ones lose their middle.
fn fit_claim(name: &str, max: usize) -> String {
    let max = max.max(5);
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= max {
        return name.to_string();
    }
    let tail = max / 2;
    format!(
        "{}…{}",
        chars[..max - tail - 1].iter().collect::<String>(),
        chars[chars.len() - tail..].iter().collect::<String>()
    )
}

/// A pod on a crowded node: a square in its owner's colour, filled when Ready, hollow and
/// dashed while not, faded while terminating; its name and state in the tooltip. Clicking it
/// inspects it; the keyboard reaches crowded pods through the node and kubectl instead of a
/// thousand tab stops.
#[function_component(PodDot)]
fn pod_dot(props: &PodChipProps) -> Html {
    let p = &props.pod;
    let owner = p.owner.as_deref().unwrap_or("no owner");
    let class = classes!(
        "pod-dot",
        if p.ready { "ready" } else { "not-ready" },
        p.terminating.then_some("terminating"),
        props.selected.then_some("selected"),
        props.lit.then_some("lit")
    );
    let (onclick, _) =
        activate(&props.on_select, Selection::Pod { namespace: p.namespace.clone(), name: p.name.clone() });
    let colour = owner_colour(p.owner.as_deref());
    let fill = if p.ready && !p.terminating { colour } else { "none" };
    html! {
        <rect {class} data-testid={format!("pod-{}", p.name)} data-status={p.status.clone()} data-ready={p.ready.to_string()}
              data-owner={owner.to_string()} x={props.x.to_string()} y={props.y.to_string()} width={SQ.to_string()} height={SQ.to_string()}
              rx="2" fill={fill} stroke={colour} {onclick}>
            <title>{ format!("{}/{}: {} {} (owner {}){}", p.namespace, p.name, status_icon(p), p.reason.as_deref().unwrap_or(&p.status), owner, if props.lit { ", ◆ lit" } else { "" }) }</title>
        </rect>
    }
}

/// `12`, `3.4`, `0.2`: a rate as short as it can be and still be read.
fn format_rate(r: f64) -> String {
    if r >= 10.0 || r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

#[function_component(PodChip)]
fn pod_chip(props: &PodChipProps) -> Html {
    let p = &props.pod;
    let (x, y) = (props.x, props.y);
    let h = chip_height(p);
    let owner = p.owner.as_deref().unwrap_or("no owner");
    let class = classes!(
        "pod",
        if p.ready { "ready" } else { "not-ready" },
        p.terminating.then_some("terminating"),
        props.selected.then_some("selected"),
        props.lit.then_some("lit")
    );
    let (onclick, onkeydown) =
        activate(&props.on_select, Selection::Pod { namespace: p.namespace.clone(), name: p.name.clone() });
    let reason_said = p.reason.as_ref().map(|r| format!(", {r}")).unwrap_or_default();
    let lit_said = if props.lit { ", lit" } else { "" };
    let claims_said: String = p
        .claims
        .iter()
        .map(|c| {
            format!(
                ", volume claim {} {}{}",
                c.name,
                c.phase,
                c.capacity.as_ref().map(|s| format!(" {s}")).unwrap_or_default()
            )
        })
        .collect();
    // Each claim on a line of its own under the state: a disk, its name, and whether it is
    // bound (and to how much storage).
    let claim_lines = p.claims.iter().take(MAX_CLAIMS).enumerate().map(|(k, c)| {
        let cy = y + CHIP_H + reason_height(p) + k as u32 * CLAIM_H;
        let more = if k + 1 == MAX_CLAIMS && p.claims.len() > MAX_CLAIMS { format!(" +{}", p.claims.len() - MAX_CLAIMS) } else { String::new() };
        // The size is in the tooltip: the line holds about 21 characters.
        let state = c.phase.clone();
        html! {
            <g class={classes!("pod-claim", (c.phase != "Bound").then_some("unbound"))} data-testid={format!("claim-{}-{}", p.name, c.name)} data-phase={c.phase.clone()}>
                <path class="claim-disk" d={format!("M{x0},{y0} v8 a6,2.5 0 0 0 12,0 v-8 a6,2.5 0 0 0 -12,0 a6,2.5 0 0 0 12,0", x0 = x + 16, y0 = cy + 2)} />
                <text class="claim-text" x={(x + 33).to_string()} y={(cy + 12).to_string()}>{ format!("{} · {state}{more}", fit_claim(&c.name, CLAIM_LINE_CHARS.saturating_sub(3 + state.chars().count() + more.len()))) }</text>
            </g>
        }
    });
    html! {
        <g {class} data-testid={format!("pod-{}", p.name)} data-status={p.status.clone()}
           data-ready={p.ready.to_string()} data-owner={owner.to_string()} role="button" tabindex="0"
           {onclick} {onkeydown} aria-pressed={props.selected.to_string()}
           data-reason={p.reason.clone()}
           aria-label={format!("Inspect pod {}, {}{reason_said}, owner {}{}{claims_said}{lit_said}", p.name, p.status, owner, props.rps.filter(|_| p.ready).map(|r| format!(", {} requests per second", format_rate(r))).unwrap_or_default())}>
            <title>{ format!("{}/{}: {}{reason_said} (owner {}){claims_said}", p.namespace, p.name, p.status, owner) }</title>
            <rect class="pod-box" x={(x as f32 + 0.75).to_string()} y={(y as f32 + 0.75).to_string()}
                  width={(CHIP_W as f32 - 1.5).to_string()} height={(h as f32 - 1.5).to_string()} rx="6" />
            <rect class="pod-owner" x={(x + 2).to_string()} y={(y + 2).to_string()} width="8"
                  height={(h - 4).to_string()} rx="4" fill={owner_colour(p.owner.as_deref())} />
            <text class="pod-name" x={(x + 16).to_string()} y={(y + 18).to_string()}>{ fit_name(&p.name) }</text>
            <text class="pod-status" x={(x + 16).to_string()} y={(y + 36).to_string()}>
                { format!("{} {}", status_icon(p), p.status) }
            </text>
            if let Some(r) = props.rps.filter(|_| p.ready) {
                <text class="pod-rps" x={(x + CHIP_W - 8).to_string()} y={(y + 36).to_string()} text-anchor="end"
                      data-testid={format!("rps-{}", p.name)}>{ format!("{} req/s", format_rate(r)) }</text>
            }
            if let Some(r) = &p.reason {
                <text class="pod-reason" x={(x + 16).to_string()} y={(y + CHIP_H + 12).to_string()}
                      data-testid={format!("reason-{}", p.name)}>{ fit_reason(r) }</text>
            }
            if props.lit {
                <rect class="pod-lit" x={(x as f32 - 2.0).to_string()} y={(y as f32 - 2.0).to_string()}
                      width={(CHIP_W + 4).to_string()} height={(h + 4).to_string()} rx="8" />
                <text class="pod-lit-mark" x={(x + CHIP_W - 8).to_string()} y={(y + 18).to_string()} text-anchor="end"
                      data-testid={format!("lit-{}", p.name)}>{ "◆" }</text>
            }
            { for claim_lines }
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

    #[test]
    fn claim_names_fit_beside_their_state() {
        assert_eq!(super::fit_claim("data-redis-0", 21 - 3 - 5), "data-redis-0");
        let fitted = super::fit_claim("postgres-data-postgres-0", 21 - 3 - 7);
        assert_eq!(fitted, "postg…res-0");
        assert_eq!(fitted.chars().count(), 11);
        assert_eq!(super::fit_claim("abcdefghij", 0).chars().count(), 5);
    }
}
