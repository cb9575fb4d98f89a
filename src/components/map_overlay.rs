//! Over the map: the lines from each Ingress rule to its Service and from each Service to its
//! pods, and the load generator's requests travelling along them as dots.

use super::cluster_map::{pod_anchor, pod_slots, svc_anchor, Anchors};
use super::ingress_box::rule_anchor;
use crate::model::{owner_colour, ClusterView, FlowView, ServiceView};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub(super) struct OverlayProps {
    pub cluster: ClusterView,
    pub flow: Option<FlowView>,
    pub anchors: Rc<Anchors>,
}

/// Where everything on the map is, pods included, and each pod's owner (for the colour of
/// the requests it answers). Eq: an `Rc<MapLayout>` unchanged compares equal by pointer, not
/// entry by entry.
#[derive(PartialEq, Eq)]
struct MapLayout {
    at: Anchors,
    owners: BTreeMap<(String, String), Option<String>>,
}

/// Pods are placed by arithmetic inside their node, so only nodes, Services and the client
/// are measured on the page.
fn lay_out(nodes: &[(String, crate::model::Pods)], measured: &Anchors) -> MapLayout {
    let mut at = measured.clone();
    let mut owners = BTreeMap::new();
    for (name, pods) in nodes {
        for p in pods {
            owners.insert((p.namespace.clone(), p.name.clone()), p.owner.clone());
        }
        let Some(&(nx, ny, _, _)) = measured.at.get(&format!("node:{name}")) else { continue };
        for (p, (x, y, w, h)) in pods.iter().zip(pod_slots(pods)) {
            at.at.insert(pod_anchor(&p.namespace, &p.name), (nx + x as i32, ny + y as i32, w as i32, h as i32));
        }
    }
    MapLayout { at, owners }
}

fn bottom(r: &(i32, i32, i32, i32)) -> (i32, i32) {
    (r.0 + r.2 / 2, r.1 + r.3)
}

fn left(r: &(i32, i32, i32, i32)) -> (i32, i32) {
    (r.0, r.1 + r.3 / 2)
}

#[derive(Properties, PartialEq)]
struct LinksProps {
    services: Vec<ServiceView>,
    ingresses: Vec<crate::model::IngressView>,
    layout: Rc<MapLayout>,
}

/// Lines from each Service to its endpoints (dashed to pods it selects that are not ready),
/// and from each Ingress rule to its Service (dashed when it has no endpoints). Drawn again
/// only when they move: a request's dots move every frame, a 1,000-pod Service's lines not.
#[function_component(Links)]
fn links(props: &LinksProps) -> Html {
    let a = &props.layout.at;
    let mut lines = Vec::new();
    for sv in &props.services {
        let Some(from) = a.at.get(&svc_anchor(&sv.namespace, &sv.name)).map(bottom) else { continue };
        let links = sv.endpoints.iter().map(|p| (p, true)).chain(sv.not_ready.iter().map(|p| (p, false)));
        for ((ns, pod), ready) in links {
            let Some(to) = a.at.get(&pod_anchor(ns, pod)).map(left) else { continue };
            let class = classes!("svc-link", (!ready).then_some("not-ready"));
            lines.push(html! {
                <line key={format!("{}/{}>{ns}/{pod}", sv.namespace, sv.name)} {class} data-service={sv.name.clone()} data-pod={pod.clone()}
                      x1={from.0.to_string()} y1={from.1.to_string()} x2={to.0.to_string()} y2={to.1.to_string()} />
            });
        }
    }
    for ing in &props.ingresses {
        for (i, r) in ing.rules.iter().enumerate() {
            let (Some(rule), Some((ns, svc))) = (a.at.get(&rule_anchor(&ing.namespace, &ing.name, i)), &r.service)
            else {
                continue;
            };
            let Some(to) = a.at.get(&svc_anchor(ns, svc)).map(left) else { continue };
            let from = (rule.0 + rule.2, rule.1 + rule.3 / 2);
            let class = classes!("ing-link", (r.endpoints.unwrap_or(0) == 0).then_some("not-ready"));
            lines.push(html! {
                <line key={format!("{}>{i}", rule_anchor(&ing.namespace, &ing.name, i))} {class} data-ingress={ing.name.clone()} data-service={svc.clone()}
                      x1={from.0.to_string()} y1={from.1.to_string()} x2={to.0.to_string()} y2={to.1.to_string()} />
            });
        }
    }
    html! { <>{ for lines }</> }
}

/// The Services' and Ingresses' lines (`Links`), and the requests in flight as dots: round
/// when answered, a cross when they fail.
#[function_component(Overlay)]
pub(super) fn overlay(props: &OverlayProps) -> Html {
    // Worked out again only when a node's pods or the measured places change.
    let layout = {
        let nodes: Vec<(String, crate::model::Pods)> =
            props.cluster.nodes.iter().map(|n| (n.name.clone(), n.pods.clone())).collect();
        use_memo((nodes, props.anchors.clone()), |(nodes, measured)| lay_out(nodes, measured))
    };
    let a = &layout.at;
    let mut client_line = None;
    let mut dots = Vec::new();
    // One "dropped" label per pod: the requests waiting there would stack theirs.
    let mut labelled: Vec<&(String, String)> = Vec::new();
    if let Some(f) = &props.flow {
        let client = a.at.get("client").map(|r| (r.0 + r.2, r.1 + r.3 / 2));
        // Into the Service on its left, out of it at the bottom: dots never cover its text.
        let svc_box = f.service.as_ref().and_then(|(ns, n)| a.at.get(&svc_anchor(ns, n)));
        let svc = svc_box.map(|r| (left(r), bottom(r)));
        if let (Some(c), Some((sv, _))) = (client, svc) {
            client_line = Some(
                html! { <line class="client-link" x1={c.0.to_string()} y1={c.1.to_string()} x2={sv.0.to_string()} y2={sv.1.to_string()} /> },
            );
        }
        let right = |r: &(i32, i32, i32, i32)| (r.0 + r.2, r.1 + r.3 / 2);
        for d in &f.dots {
            let Some(start) = client else { break };
            let end = d.pod.as_ref().and_then(|(ns, n)| a.at.get(&pod_anchor(ns, n)));
            // The legs it travels: into the Service on its left, out of it at the bottom to
            // the pod; then, for each request that pod made, out of the pod on its right into
            // the next Service, and down to the pod that took it. A leg with no pod (no
            // endpoints) is the last one.
            let mut legs: Vec<((i32, i32), (i32, i32))> = Vec::new();
            match (svc, end) {
                (Some((sl, sb)), Some(e)) => legs.extend([(start, sl), (sb, left(e))]),
                (Some((sl, _)), None) => legs.push((start, sl)),
                (None, Some(e)) => legs.push((start, left(e))),
                (None, None) => continue,
            }
            let mut from = end;
            // The ingress controller's requests pass through the Ingress rule that sent them.
            let rules = hop_rules(&props.cluster, d);
            let via_rules = rules.iter().flatten().count();
            for (h, rule) in d.hops.iter().zip(&rules) {
                let (Some(p), Some(hs)) = (from, a.at.get(&svc_anchor(&h.service.0, &h.service.1))) else { break };
                match rule.as_ref().and_then(|k| a.at.get(k)) {
                    Some(r) => legs.extend([(right(p), left(r)), (right(r), left(hs))]),
                    None => legs.push((right(p), left(hs))),
                }
                let next = h.pod.as_ref().and_then(|(ns, n)| a.at.get(&pod_anchor(ns, n)));
                let Some(np) = next else { break };
                legs.push((bottom(hs), left(np)));
                from = Some(np);
            }
            // A request the network plugin dropped goes no further than the pod it was dropped
            // at (arriving, for its ingress; leaving, for its egress), and waits there.
            let dropped_at = d.dropped.as_ref().and_then(|dr| {
                let at = a.at.get(&pod_anchor(&dr.pod.0, &dr.pod.1)).map(left)?;
                legs.iter().position(|(_, q)| *q == at)
            });
            if let Some(i) = dropped_at {
                legs.truncate(i + 1);
            }
            // Every planned leg takes an equal share of the time; a journey cut short waits at
            // its last point.
            let planned = match dropped_at {
                Some(i) => i + 1,
                None => (if svc.is_some() { 2 } else { 1 }) + 2 * d.hops.len() + via_rules,
            };
            let t = (d.progress * planned as f64).min(legs.len() as f64);
            let i = (t.floor() as usize).min(legs.len() - 1);
            let (p, q) = legs[i];
            let f = (t - i as f64).clamp(0.0, 1.0);
            let at = (p.0 as f64 + (q.0 - p.0) as f64 * f, p.1 as f64 + (q.1 - p.1) as f64 * f);
            let style = format!("transform: translate({:.1}px, {:.1}px)", at.0, at.1);
            let colour = d
                .pod
                .as_ref()
                .and_then(|key| layout.owners.get(key))
                .map(|owner| owner_colour(owner.as_deref()))
                .unwrap_or("#8C8C8C");
            if let Some(dr) = d.dropped.as_ref().filter(|_| dropped_at.is_some()) {
                let policies = dr.policies.join(", ");
                // Arrived where it was dropped: only then the label (the waiting ones overlap),
                // on a box just above the pod's card, so the pod's name stays readable.
                let arrived = t >= legs.len() as f64;
                let first_here = arrived && !labelled.contains(&&dr.pod);
                if first_here {
                    labelled.push(&dr.pod);
                }
                let label = format!("dropped: {policies}");
                let half_card = a.at.get(&pod_anchor(&dr.pod.0, &dr.pod.1)).map_or(12, |r| r.3 / 2);
                let baseline = -(half_card + 5);
                let label_width = 7 * label.chars().count() as i32 + 10;
                dots.push(html! {
                    <g key={d.key.clone()} class="dot dropped" {style} data-legs={legs.len().to_string()} data-leg={(i + 1).to_string()}
                       data-dropped-at={dr.pod.1.clone()} data-dropped-by={policies.clone()} data-arrived={arrived.to_string()}>
                        <title>{ dr.describe() }</title>
                        <circle r="5.5" />
                        <path d="M-3.9,3.9L3.9,-3.9" />
                        if first_here {
                            <rect class="label-box" x="-2" y={(baseline - 12).to_string()} width={label_width.to_string()} height="16" rx="3" />
                            <text x="3" y={baseline.to_string()}>{ label }</text>
                        }
                    </g>
                });
                continue;
            }
            dots.push(if d.ok {
                html! { <g key={d.key.clone()} class="dot ok" {style} data-legs={legs.len().to_string()} data-leg={(i + 1).to_string()}><circle r="4.5" fill={colour} /></g> }
            } else {
                html! { <g key={d.key.clone()} class="dot failed" {style} data-legs={legs.len().to_string()} data-leg={(i + 1).to_string()}><path d="M-4.5,-4.5L4.5,4.5M4.5,-4.5L-4.5,4.5" /></g> }
            });
        }
    }
    html! {
        <svg class="map-overlay" data-testid="map-overlay" aria-hidden="true" focusable="false"
             style="position: absolute; left: 0; top: 0; pointer-events: none; overflow: visible"
             width={a.width.to_string()} height={a.height.to_string()} data-dots={dots.len().to_string()}>
            <g class="links">
                <Links services={props.cluster.services.clone()} ingresses={props.cluster.ingresses.clone()} layout={layout.clone()} />
                { for client_line }
            </g>
            <g class="dots">{ for dots }</g>
        </svg>
    }
}

/// Where the ingress controller runs (ingress-nginx's namespace).
const INGRESS_NAMESPACE: &str = "ingress-nginx";

/// For each of a request's hops, the Ingress rule it passed through: a hop the ingress
/// controller's pod made goes through the first rule drawn that sends to its Service.
fn hop_rules(c: &ClusterView, d: &crate::model::DotView) -> Vec<Option<String>> {
    let mut from = d.pod.as_ref();
    d.hops
        .iter()
        .map(|h| {
            let by_controller = from.is_some_and(|(ns, _)| ns == INGRESS_NAMESPACE);
            from = h.pod.as_ref();
            by_controller.then(|| rule_of(c, &h.service)).flatten()
        })
        .collect()
}

/// The anchor of the first Ingress rule drawn that sends to `service`.
fn rule_of(c: &ClusterView, service: &(String, String)) -> Option<String> {
    c.ingresses.iter().find_map(|ing| {
        let i = ing.rules.iter().position(|r| r.service.as_ref() == Some(service))?;
        Some(rule_anchor(&ing.namespace, &ing.name, i))
    })
}
