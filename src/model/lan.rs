//! The VM era: the LAN of plain machines as its map draws it.

use kubelab_engine::Engine;

/// The VM-era LAN as the map draws it (empty until `lab lan up`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LanView {
    pub machines: Vec<MachineView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MachineView {
    pub name: String,
    pub ip: String,
    pub link_up: bool,
    pub containers: Vec<ContainerView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ContainerView {
    pub name: String,
    /// `app:v1.0.0`: the image's last path element and tag.
    pub image: String,
    pub running: bool,
    /// `Up`, `Exited (1)` or `Created`, as docker ps starts its STATUS.
    pub status: String,
    /// `80→80`.
    pub ports: Vec<String>,
    /// Requests answered so far by this container (while a load runs).
    pub served: u64,
}

impl LanView {
    pub fn from_engine(engine: &Engine) -> LanView {
        let per = engine.load().map(|l| l.stats.per_pod.clone()).unwrap_or_default();
        let machines = engine
            .lan()
            .vms
            .values()
            .map(|v| MachineView {
                name: v.name.clone(),
                ip: v.ip.clone(),
                link_up: v.link_up,
                containers: v
                    .containers
                    .iter()
                    .map(|c| ContainerView {
                        name: c.name.clone(),
                        image: c.image.rsplit('/').next().unwrap_or(&c.image).to_string(),
                        running: c.running(),
                        status: match c.state {
                            kubelab_engine::vms::CtrState::Running { .. } => "Up".into(),
                            kubelab_engine::vms::CtrState::Exited { code, .. } => format!("Exited ({code})"),
                            kubelab_engine::vms::CtrState::Created => "Created".into(),
                        },
                        ports: c.ports.iter().map(|(h, p)| format!("{h}→{p}")).collect(),
                        served: per.get(&format!("{}/{}", v.name, c.name)).copied().unwrap_or(0),
                    })
                    .collect(),
            })
            .collect();
        LanView { machines }
    }

    pub fn is_up(&self) -> bool {
        !self.machines.is_empty()
    }
}

/// The command that pulls a machine's cable, or plugs it back in.
pub fn link_command(m: &MachineView) -> String {
    format!("lab on {} ip link set eth0 {}", m.name, if m.link_up { "down" } else { "up" })
}

/// What the VM era did by hand, and what Kubernetes does instead (the workshop's point).
pub const ERA_CONTRAST: &[(&str, &str)] = &[
    ("a VM running the app in a container (docker run)", "a Pod (kubectl run, or a Deployment's template)"),
    (
        "an nginx sidecar on a docker network, finding `app` by name",
        "containers of one Pod sharing localhost (hostAliases for the name)",
    ),
    (
        "an nginx load balancer with a hand-written upstream list",
        "a Service: a stable ClusterIP, and Endpoints kept up to date",
    ),
    (
        "a VM dies: its upstream stays in the list until someone edits it",
        "a node dies: NotReady after 40 s, its pods evicted and replaced",
    ),
    ("restart a dead container by hand (docker run again)", "a ReplicaSet recreates missing pods"),
    ("a canary by editing upstream weights (9:1)", "a canary by replica counts behind one Service (e.g. 5:1)"),
];

#[cfg(test)]
mod lan_tests {
    use super::*;
    use kubelab_kubectl::{execute, Ctx, NoFiles};

    fn run(e: &mut Engine, line: &str) {
        execute(e, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
    }

    #[test]
    fn the_lan_view_shows_machines_links_and_containers() {
        let mut e = Engine::new(1);
        assert!(!LanView::from_engine(&e).is_up());
        run(&mut e, "lab lan up");
        run(&mut e, "lab on vm-1 docker run --name app -d -p 3000:3000 ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0");
        run(&mut e, "lab on vm-1 ip link set eth0 down");
        let v = LanView::from_engine(&e);
        let names: Vec<&str> = v.machines.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["lb", "vm-1", "vm-2"]);
        let vm1 = &v.machines[1];
        assert!(!vm1.link_up);
        assert_eq!(link_command(vm1), "lab on vm-1 ip link set eth0 up");
        assert_eq!(vm1.containers[0].image, "app:v1.0.0");
        assert_eq!(vm1.containers[0].status, "Up");
        assert_eq!(vm1.containers[0].ports, vec!["3000→3000".to_string()]);
    }
}
