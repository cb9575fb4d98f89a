//! The VM era on the map: each machine of the LAN as a box with its address, whether its
//! network link is up (in words and a glyph, not only colour), its containers and how many
//! requests each answered; a button pulls a machine's cable (`ip link set eth0 down`) or
//! plugs it back in. Beside it, what each manual step becomes in Kubernetes.

use crate::model::{link_command, LanView, MachineView, ERA_CONTRAST};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LanMapProps {
    pub lan: LanView,
    #[prop_or_default]
    pub disabled: bool,
    pub on_command: Callback<String>,
}

#[function_component(LanMap)]
pub fn lan_map(props: &LanMapProps) -> Html {
    let machines = props.lan.machines.iter().map(|m| html! {
        <Machine key={m.name.clone()} machine={m.clone()} disabled={props.disabled} on_command={props.on_command.clone()} />
    });
    html! {
        <section class="lan" data-testid="lan-map" aria-labelledby="lan-title">
            <h3 id="lan-title">{ "The VM era: a LAN of machines with docker, no Kubernetes" }</h3>
            <div class="machines">{ for machines }</div>
            <details class="era-contrast" data-testid="era-contrast">
                <summary>{ "By hand on VMs ↔ what Kubernetes automates" }</summary>
                <table>
                    <thead><tr><th scope="col">{ "On the VMs, by hand" }</th><th scope="col">{ "In Kubernetes" }</th></tr></thead>
                    <tbody>
                        { for ERA_CONTRAST.iter().map(|(vm, k8s)| html! { <tr><td>{ *vm }</td><td>{ *k8s }</td></tr> }) }
                    </tbody>
                </table>
            </details>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MachineProps {
    machine: MachineView,
    disabled: bool,
    on_command: Callback<String>,
}

#[function_component(Machine)]
fn machine(props: &MachineProps) -> Html {
    let m = &props.machine;
    let link = if m.link_up { "✓ link up" } else { "✕ link down: unreachable" };
    let cmd = link_command(m);
    let onclick = {
        let (cb, cmd) = (props.on_command.clone(), cmd.clone());
        Callback::from(move |_: MouseEvent| cb.emit(cmd.clone()))
    };
    let label = if m.link_up { "Pull the cable" } else { "Plug the cable back in" };
    let rows = m.containers.iter().map(|c| {
        let glyph = if c.running { "✓" } else { "✕" };
        let served = if c.served > 0 { format!(" · {} served", c.served) } else { String::new() };
        html! {
            <li class={classes!("container", (!c.running).then_some("exited"))} data-testid={format!("container-{}-{}", m.name, c.name)}
                data-status={c.status.clone()}>
                <span class="ctr-name">{ format!("{glyph} {}", c.name) }</span>
                <span class="ctr-detail">{ format!("{} · {}{}{}", c.image, c.status, if c.ports.is_empty() { String::new() } else { format!(" · {}", c.ports.join(", ")) }, served) }</span>
            </li>
        }
    });
    html! {
        <div class={classes!("machine", (!m.link_up).then_some("link-down"))} data-testid={format!("machine-{}", m.name)}
             data-link={if m.link_up { "up" } else { "down" }} role="group"
             aria-label={format!("machine {} {}, {}, {} containers", m.name, m.ip, link, m.containers.len())}>
            <p class="machine-name"><strong>{ &m.name }</strong>{ format!("  {}", m.ip) }</p>
            <p class="machine-link">{ link }</p>
            if m.containers.is_empty() {
                <p class="muted">{ "no containers" }</p>
            } else {
                <ul class="containers">{ for rows }</ul>
            }
            <button type="button" data-testid={format!("link-{}", m.name)} disabled={props.disabled} title={format!("Runs: {cmd}")} {onclick}>
                { label }
            </button>
        </div>
    }
}
