//! The control plane's parts as a strip above the map: the API server, etcd, the scheduler
//! and the controller manager (and the nodes' kubelets), each lighting up for a moment when
//! it writes something, with its count of writes. The state is in words ("● active" or
//! "○ idle"), not only in colour; the part a Why step names says "◆ this step".

use kubelab_engine::Activity;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ControlPlaneProps {
    pub activity: Activity,
    /// Which parts acted in the last moment: api, etcd, scheduler, controllers, kubelets.
    pub lit: [bool; 5],
    /// The part whose step the inspector's Why points at (hovered or focused), if any.
    #[prop_or_default]
    pub why: Option<usize>,
}

#[function_component(ControlPlane)]
pub fn control_plane(props: &ControlPlaneProps) -> Html {
    let a = props.activity;
    let parts = [
        (
            "api",
            "API server",
            "every request: kubectl, controllers, scheduler and kubelets all go through it",
            format!("{} writes", a.api),
        ),
        ("etcd", "etcd", "stores every object the API server accepts", format!("revision {}", a.api)),
        ("scheduler", "scheduler", "picks a node for each new pod", format!("{} writes", a.scheduler)),
        (
            "controllers",
            "controller manager",
            "Deployment, ReplicaSet, StatefulSet, Endpoints, node lifecycle, garbage collection",
            format!("{} writes", a.controllers),
        ),
        (
            "kubelets",
            "kubelets (on the nodes)",
            "start containers, run probes, report pod status",
            format!("{} writes", a.kubelets),
        ),
    ];
    html! {
        <div class="control-plane" data-testid="control-plane" role="group" aria-label="Control plane components and the kubelets">
            { for parts.iter().zip(props.lit.iter()).enumerate().map(|(i, ((id, name, what, count), lit))| { let why = props.why == Some(i); html! {
                <span class={classes!("cp-part", lit.then_some("lit"), why.then_some("why"))} data-testid={format!("cp-{id}")}
                      data-active={lit.to_string()} data-why={why.to_string()} title={*what}>
                    <span class="cp-state">{ if why { "◆ this step" } else if *lit { "● active" } else { "○ idle" } }</span>
                    <span class="cp-name">{ *name }</span>
                    <span class="cp-count">{ count.clone() }</span>
                </span>
            } }) }
        </div>
    }
}
