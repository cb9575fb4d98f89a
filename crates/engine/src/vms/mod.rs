//! The VM era: a small LAN of plain machines running docker containers, with no control
//! plane. Built from the same pieces as the cluster: the image catalog, the programs'
//! start-up logs, the request model and the load generator. Nothing here heals anything:
//! a container that exits stays exited, a machine whose link is down stays unreachable.
//!
//! Network facts the model follows:
//! - Docker's default `bridge` network gives containers 172.17.0.x and no name resolution
//!   between them; a user-defined network (`docker network create`) gets the next /16
//!   (172.18.0.0/16, ...) and an embedded DNS that resolves container names
//!   (docs.docker.com/engine/network/drivers/bridge, "Differences between user-defined
//!   bridges and the default bridge").
//! - A machine whose link is down does not answer ARP. A client on the same LAN gets
//!   EHOSTUNREACH ("No route to host") once the kernel gives up resolving its address:
//!   3 probes 1 s apart (net.ipv4.neigh.default.mcast_solicit = 3, retrans_time_ms = 1000),
//!   so each connection attempt fails after about 3 s.

use crate::images::{self, ImageRef};
use crate::nginx;
use crate::programs;
use crate::rng::Pcg32;
use crate::traffic::{Outcome, Served, Servers};
use kubelab_api::{Container, Pod, Time, VecMap};
use std::collections::{BTreeMap, BTreeSet};

mod docker;
mod lan;
pub use docker::*;

/// The workshop's LAN: the load balancer's machine and two app machines, whose addresses
/// are the ones the `lb` image's baked-in upstream list names.
pub const LAN: [(&str, &str); 3] = [("lb", "172.16.0.2"), ("vm-1", "172.16.0.3"), ("vm-2", "172.16.0.4")];
/// Where `lab curl` and `lab load` run from: a workstation on the same LAN.
pub const WORKSTATION_IP: &str = "172.16.0.1";
/// How long a connection to a machine that does not answer ARP takes to fail.
pub const NO_ROUTE_MS: u64 = 3_000;
const MAX_CTR_LOG_LINES: usize = 2_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    pub name: String,
    pub id: String,
    pub driver: String,
    /// The second octet of its 172.x.0.0/16 subnet (none for `host` and `none`).
    pub subnet: Option<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CtrState {
    Created,
    Running { since: Time },
    Exited { code: i32, at: Time },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Ctr {
    pub id: String,
    pub name: String,
    /// As typed on the command line.
    pub image: String,
    pub command: String,
    pub network: String,
    pub ip: String,
    /// Published ports: host → container.
    pub ports: Vec<(u16, i32)>,
    pub remove: bool,
    pub created: Time,
    pub state: CtrState,
    pub logs: Vec<(Time, String)>,
    pub listens: Vec<i32>,
    /// The container's own files (those the lab models): path → content.
    pub files: BTreeMap<String, String>,
    /// Bind mounts: (host path, container path).
    pub mounts: Vec<(String, String)>,
    pub env: Vec<(String, String)>,
    /// `--add-host name:ip`.
    pub add_hosts: Vec<(String, String)>,
    /// The nginx config the running process loaded (nginx-based images).
    pub conf: Option<nginx::Conf>,
}

impl Ctr {
    pub fn running(&self) -> bool {
        matches!(self.state, CtrState::Running { .. })
    }
    pub fn short_id(&self) -> &str {
        &self.id[..12.min(self.id.len())]
    }
    /// A container's hostname is its short id unless `--hostname` set one.
    pub fn hostname(&self) -> String {
        self.env
            .iter()
            .find(|(k, _)| k == "HOSTNAME")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| self.short_id().to_string())
    }
    pub fn version(&self) -> String {
        ImageRef::parse(&self.image).tag
    }
    pub fn log(&mut self, at: Time, line: String) {
        if self.logs.len() >= MAX_CTR_LOG_LINES {
            self.logs.drain(..MAX_CTR_LOG_LINES / 4);
        }
        self.logs.push((at, line));
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Vm {
    pub name: String,
    pub ip: String,
    pub link_up: bool,
    /// Pulled images (full references).
    pub images: BTreeSet<String>,
    pub networks: Vec<Network>,
    pub containers: Vec<Ctr>,
    /// Files on the machine itself: path → content.
    pub files: BTreeMap<String, String>,
}

impl Vm {
    pub fn container(&self, name_or_id: &str) -> Option<usize> {
        if name_or_id.is_empty() {
            return None;
        }
        self.containers.iter().position(|c| c.name == name_or_id || c.id.starts_with(name_or_id))
    }
    pub fn network(&self, name_or_id: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name_or_id || (!name_or_id.is_empty() && n.id.starts_with(name_or_id)))
    }
    /// What a file read from inside a container sees: a bind mount, else its own copy.
    pub fn read_in(&self, ci: usize, path: &str) -> Option<String> {
        let c = &self.containers[ci];
        for (host, inner) in &c.mounts {
            if path == inner {
                return self.files.get(host).cloned();
            }
            if let Some(rest) = path.strip_prefix(&format!("{}/", inner.trim_end_matches('/'))) {
                return self.files.get(&format!("{}/{rest}", host.trim_end_matches('/'))).cloned();
            }
        }
        c.files.get(path).cloned()
    }
    pub fn write_in(&mut self, ci: usize, path: &str, text: String) {
        let mounts = self.containers[ci].mounts.clone();
        for (host, inner) in &mounts {
            if path == inner {
                self.files.insert(host.clone(), text);
                return;
            }
            if let Some(rest) = path.strip_prefix(&format!("{}/", inner.trim_end_matches('/'))) {
                self.files.insert(format!("{}/{rest}", host.trim_end_matches('/')), text);
                return;
            }
        }
        self.containers[ci].files.insert(path.to_string(), text);
    }
    /// Files under `dir` as a container sees them, in name order.
    fn conf_files(&self, ci: usize) -> Vec<(String, String)> {
        let mut paths: BTreeSet<String> = kubelab_api::sort::set(
            self.containers[ci]
                .files
                .keys()
                .filter(|p| p.starts_with("/etc/nginx/conf.d/") && p.ends_with(".conf"))
                .cloned(),
        );
        for (host, inner) in &self.containers[ci].mounts {
            if inner.starts_with("/etc/nginx/conf.d/") && inner.ends_with(".conf") && self.files.contains_key(host) {
                paths.insert(inner.clone());
            }
        }
        paths.into_iter().filter_map(|p| self.read_in(ci, &p).map(|t| (p, t))).collect()
    }
    /// Resolves a name from inside a container: `--add-host` entries, then (on a
    /// user-defined network only) the embedded DNS's container names.
    pub fn resolve_from(&self, ci: usize, host: &str) -> Option<String> {
        let c = &self.containers[ci];
        if let Some((_, ip)) = c.add_hosts.iter().find(|(h, _)| h == host) {
            return Some(ip.clone());
        }
        if host == "localhost" {
            return Some("127.0.0.1".into());
        }
        let user_defined = self.network(&c.network).is_some_and(|n| n.driver == "bridge" && n.name != "bridge");
        if !user_defined {
            return None;
        }
        self.containers.iter().find(|o| o.network == c.network && o.name == host && o.running()).map(|o| o.ip.clone())
    }
    /// The lowest free address on a network, as docker's IPAM hands them out.
    fn free_ip(&self, net: &Network) -> String {
        let Some(sub) = net.subnet else { return String::new() };
        let used: BTreeSet<String> = kubelab_api::sort::set(
            self.containers.iter().filter(|c| c.network == net.name && c.running()).map(|c| c.ip.clone()),
        );
        (2..255).map(|i| format!("172.{sub}.0.{i}")).find(|ip| !used.contains(ip)).unwrap_or_default()
    }
}

/// The whole LAN. Empty until `lab lan up`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lan {
    pub vms: VecMap<String, Vm>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lan() -> (Lan, Pcg32) {
        let mut rng = Pcg32::new(1);
        let mut l = Lan::default();
        l.up(&mut rng);
        for v in l.vms.values_mut() {
            v.images.insert("x".into());
        }
        (l, rng)
    }

    fn run(l: &mut Lan, rng: &mut Pcg32, vm: &str, spec: RunSpec) -> Started {
        l.run(vm, &spec, Time(0), rng).unwrap()
    }

    fn app_and_proxy(l: &mut Lan, rng: &mut Pcg32, vm: &str) {
        l.network_create(vm, "appanet", rng).unwrap();
        run(
            l,
            rng,
            vm,
            RunSpec {
                name: Some("app".into()),
                image: "ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0".into(),
                network: Some("appanet".into()),
                detach: true,
                remove: true,
                ..Default::default()
            },
        );
        let s = run(
            l,
            rng,
            vm,
            RunSpec {
                name: Some("proxy".into()),
                image: "ghcr.io/iximiuz/labs/kubernetes-101/proxy:v1.0.0".into(),
                network: Some("appanet".into()),
                ports: vec![(80, 80)],
                remove: true,
                ..Default::default()
            },
        );
        assert_eq!(s.exit_code, None, "{:?}", s.logs);
    }

    #[test]
    fn the_proxy_needs_a_user_defined_network_to_find_app() {
        let (mut l, mut rng) = lan();
        run(
            &mut l,
            &mut rng,
            "vm-1",
            RunSpec {
                name: Some("app".into()),
                image: "ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0".into(),
                detach: true,
                ..Default::default()
            },
        );
        let s = run(
            &mut l,
            &mut rng,
            "vm-1",
            RunSpec {
                name: Some("proxy".into()),
                image: "ghcr.io/iximiuz/labs/kubernetes-101/proxy:v1.0.0".into(),
                ports: vec![(80, 80)],
                remove: true,
                ..Default::default()
            },
        );
        assert_eq!(s.exit_code, Some(1));
        assert!(s
            .logs
            .last()
            .unwrap()
            .contains("host not found in upstream \"app:3000\" in /etc/nginx/conf.d/app.conf:2"));
        assert!(l.vms["vm-1"].container("proxy").is_none(), "--rm removed it");
    }

    #[test]
    fn the_lb_round_robins_and_a_downed_machine_costs_a_no_route_wait() {
        let (mut l, mut rng) = lan();
        let mut servers = Servers::default();
        app_and_proxy(&mut l, &mut rng, "vm-1");
        app_and_proxy(&mut l, &mut rng, "vm-2");
        run(
            &mut l,
            &mut rng,
            "lb",
            RunSpec {
                name: Some("lb".into()),
                image: "ghcr.io/iximiuz/labs/kubernetes-101/lb:v1.0.0".into(),
                ports: vec![(80, 80)],
                ..Default::default()
            },
        );
        let a = l.request(&mut servers, None, "172.16.0.2", 80, "/", Time(10_000), Time(u64::MAX), 0).unwrap();
        let b = l.request(&mut servers, None, "172.16.0.2", 80, "/", Time(20_000), Time(u64::MAX), 0).unwrap();
        assert_ne!(a.pod, b.pod, "round robin alternates");
        assert!(matches!(a.outcome, Outcome::Ok { status: 200, .. }));
        l.vms.get_mut("vm-1").unwrap().link_up = false;
        let mut slow = 0;
        for i in 0..4 {
            let s = l
                .request(&mut servers, None, "172.16.0.2", 80, "/", Time(30_000 + i * 20_000), Time(u64::MAX), 0)
                .unwrap();
            assert_eq!(s.pod.as_ref().map(|p| p.1.as_str()), Some("vm-2/app"));
            if s.done_at.0 - (30_000 + i * 20_000) > NO_ROUTE_MS {
                slow += 1;
            }
        }
        // fail_timeout=0: nginx keeps trying the dead machine every other request.
        assert_eq!(slow, 2);
    }
}
