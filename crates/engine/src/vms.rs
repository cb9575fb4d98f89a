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
use kubelab_api::{Container, Pod, Time};
use std::collections::{BTreeMap, BTreeSet};

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
        let mut paths: BTreeSet<String> = self.containers[ci]
            .files
            .keys()
            .filter(|p| p.starts_with("/etc/nginx/conf.d/") && p.ends_with(".conf"))
            .cloned()
            .collect();
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
        let used: BTreeSet<String> =
            self.containers.iter().filter(|c| c.network == net.name && c.running()).map(|c| c.ip.clone()).collect();
        (2..255).map(|i| format!("172.{sub}.0.{i}")).find(|ip| !used.contains(ip)).unwrap_or_default()
    }
}

/// The whole LAN. Empty until `lab lan up`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lan {
    pub vms: BTreeMap<String, Vm>,
}

/// Everything `docker run` was asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunSpec {
    pub name: Option<String>,
    pub image: String,
    pub command: Vec<String>,
    pub network: Option<String>,
    pub ports: Vec<(u16, i32)>,
    pub remove: bool,
    pub detach: bool,
    pub env: Vec<(String, String)>,
    pub mounts: Vec<(String, String)>,
    pub add_hosts: Vec<(String, String)>,
    pub hostname: Option<String>,
}

/// How an image runs under docker: its default command and the files the lab models.
pub struct ImageDefaults {
    pub command: String,
    pub exposes: Vec<i32>,
    pub files: Vec<(&'static str, &'static str)>,
}

pub const PROXY_CONF: &str = "upstream app_server {
    server app:3000 fail_timeout=0;
}

server {
    listen 80 default_server;
    keepalive_timeout 5;
    client_max_body_size 128M;

    location / {
        try_files $uri $uri/ @app_server_proxy;
    }

    location @app_server_proxy {
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Host $http_host;
        proxy_redirect off;
        proxy_pass http://app_server;
    }
}
";

pub const LB_CONF: &str = "upstream services {
    server 172.16.0.3:80 fail_timeout=0;
    server 172.16.0.4:80 fail_timeout=0;
}

server {
    listen 80 default_server;
    keepalive_timeout 5;
    client_max_body_size 128M;

    location / {
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Host $http_host;
        proxy_redirect off;
        proxy_pass http://services;
    }
}
";

const NGINX_DEFAULT_CONF: &str = "server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
";

pub fn image_defaults(image: &str) -> ImageDefaults {
    let nginx_cmd = "/docker-entrypoint.sh nginx -g 'daemon off;'".to_string();
    match ImageRef::parse(image).repository.as_str() {
        "ghcr.io/iximiuz/labs/kubernetes-101/app" => ImageDefaults {
            command: "uvicorn main:app --host 0.0.0.0 --port 3000 --proxy-headers".into(),
            exposes: vec![],
            files: vec![],
        },
        "ghcr.io/iximiuz/labs/kubernetes-101/proxy" => ImageDefaults {
            command: nginx_cmd,
            exposes: vec![80],
            files: vec![("/etc/nginx/conf.d/app.conf", PROXY_CONF)],
        },
        "ghcr.io/iximiuz/labs/kubernetes-101/lb" => {
            ImageDefaults { command: nginx_cmd, exposes: vec![80], files: vec![("/etc/nginx/conf.d/lb.conf", LB_CONF)] }
        }
        "docker.io/library/nginx" => ImageDefaults {
            command: nginx_cmd,
            exposes: vec![80],
            files: vec![("/etc/nginx/conf.d/default.conf", NGINX_DEFAULT_CONF)],
        },
        "docker.io/library/redis" => {
            ImageDefaults { command: "docker-entrypoint.sh redis-server".into(), exposes: vec![6379], files: vec![] }
        }
        "docker.io/library/httpd" => {
            ImageDefaults { command: "httpd-foreground".into(), exposes: vec![80], files: vec![] }
        }
        "docker.io/library/postgres" => {
            ImageDefaults { command: "docker-entrypoint.sh postgres".into(), exposes: vec![5432], files: vec![] }
        }
        "ghcr.io/six-ddc/plow" => ImageDefaults { command: "plow".into(), exposes: vec![], files: vec![] },
        _ => ImageDefaults { command: "sh".into(), exposes: vec![], files: vec![] },
    }
}

fn is_nginx(c: &Ctr) -> bool {
    let repo = ImageRef::parse(&c.image).repository;
    c.command.starts_with("/docker-entrypoint.sh nginx")
        && matches!(
            repo.as_str(),
            "ghcr.io/iximiuz/labs/kubernetes-101/proxy"
                | "ghcr.io/iximiuz/labs/kubernetes-101/lb"
                | "docker.io/library/nginx"
        )
}

/// `docker run` refusing before the container starts, in docker's words.
#[derive(Clone, Debug, PartialEq)]
pub enum RunError {
    /// Printed after `Unable to find image ... locally` when the image does not exist.
    Pull(String),
    Daemon(String),
}

/// What `docker run` did.
#[derive(Clone, Debug, PartialEq)]
pub struct Started {
    pub id: String,
    pub name: String,
    /// The container's output up to the moment it was up (or exited).
    pub logs: Vec<String>,
    pub exit_code: Option<i32>,
    /// Milliseconds from create to running (or to the exit).
    pub start_ms: u64,
}

/// A 64-hex-digit id from the lab's seeded generator.
pub fn new_id(rng: &mut Pcg32) -> String {
    (0..8).map(|_| format!("{:08x}", rng.next_u32())).collect()
}

/// The docker CLI's pull progress for an image that is not on the machine.
pub fn pull_lines(image: &str) -> Vec<String> {
    let r = ImageRef::parse(image);
    let path = r.repository.split_once('/').map(|(_, p)| p).unwrap_or(&r.repository);
    let path = path.strip_prefix("library/").map(|p| format!("library/{p}")).unwrap_or_else(|| path.to_string());
    // Layer ids derive from the image name, so they are the same on every run.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in r.full().bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    let mut v = vec![format!("Unable to find image '{}' locally", image), format!("{}: Pulling from {path}", r.tag)];
    for i in 0..3u64 {
        let x = h.rotate_left((i * 17) as u32) ^ (i.wrapping_mul(0x9e3779b97f4a7c15));
        v.push(format!("{:012x}: Pull complete", x & 0xffff_ffff_ffff));
    }
    v.push(format!(
        "Digest: sha256:{:016x}{:016x}{:016x}{:016x}",
        h,
        h.rotate_left(13),
        h.rotate_left(29),
        h.rotate_left(41)
    ));
    v.push(format!("Status: Downloaded newer image for {}", image_display(image)));
    v
}

/// How docker names an image in messages: as typed, plus `:latest` when no tag was given.
pub fn image_display(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    if last.contains(':') || image.contains('@') {
        image.to_string()
    } else {
        format!("{image}:latest")
    }
}

/// The daemon's answer for an image that cannot be pulled.
pub fn pull_failure(image: &str) -> String {
    let r = ImageRef::parse(image);
    let known_repo = images::lookup(&format!("{}:latest", r.repository)).is_some()
        || images::lookup(&format!("{}:v1.0.0", r.repository)).is_some()
        || images::lookup(&format!("{}:1.25", r.repository)).is_some()
        || images::lookup(&format!("{}:6.0.3", r.repository)).is_some();
    if r.repository.starts_with("docker.io/") {
        if known_repo {
            format!("manifest for {} not found: manifest unknown: manifest unknown", image_display(image))
        } else {
            let short = image.split(':').next().unwrap_or(image);
            format!("pull access denied for {short}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied")
        }
    } else {
        "manifest unknown".into()
    }
}

impl Lan {
    /// `lab lan up`: the workshop's three machines, each with docker's default networks.
    pub fn up(&mut self, rng: &mut Pcg32) -> bool {
        if !self.vms.is_empty() {
            return false;
        }
        for (name, ip) in LAN {
            let networks = [("bridge", "bridge", Some(17)), ("host", "host", None), ("none", "null", None)]
                .into_iter()
                .map(|(n, d, s)| Network { name: n.into(), id: new_id(rng), driver: d.into(), subnet: s })
                .collect();
            self.vms.insert(
                name.into(),
                Vm {
                    name: name.into(),
                    ip: ip.into(),
                    link_up: true,
                    images: BTreeSet::new(),
                    networks,
                    containers: Vec::new(),
                    files: BTreeMap::new(),
                },
            );
        }
        true
    }

    pub fn vm_by_host(&self, host: &str) -> Option<&Vm> {
        self.vms.values().find(|v| v.ip == host || v.name == host)
    }

    /// `docker network create NAME`.
    pub fn network_create(&mut self, vm: &str, name: &str, rng: &mut Pcg32) -> Result<String, String> {
        let v = self.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        if v.networks.iter().any(|n| n.name == name) {
            return Err(format!("Error response from daemon: network with name {name} already exists"));
        }
        let sub = v.networks.iter().filter_map(|n| n.subnet).max().unwrap_or(17) + 1;
        let id = new_id(rng);
        v.networks.push(Network { name: name.into(), id: id.clone(), driver: "bridge".into(), subnet: Some(sub) });
        Ok(id)
    }

    pub fn network_rm(&mut self, vm: &str, name: &str) -> Result<(), String> {
        let v = self.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        let Some(i) = v.networks.iter().position(|n| n.name == name || n.id.starts_with(name)) else {
            return Err(format!("Error response from daemon: network {name} not found"));
        };
        let n = v.networks[i].clone();
        if ["bridge", "host", "none"].contains(&n.name.as_str()) {
            return Err(format!(
                "Error response from daemon: {} is a pre-defined network and cannot be removed",
                n.name
            ));
        }
        if v.containers.iter().any(|c| c.network == n.name) {
            return Err(format!(
                "Error response from daemon: error while removing network: network {} id {} has active endpoints",
                n.name, n.id
            ));
        }
        v.networks.remove(i);
        Ok(())
    }

    /// Creates and starts a container (the image is already on the machine).
    pub fn run(&mut self, vm: &str, spec: &RunSpec, now: Time, rng: &mut Pcg32) -> Result<Started, RunError> {
        let v = self.vms.get_mut(vm).ok_or_else(|| RunError::Daemon(format!("no machine {vm}")))?;
        let net_name = spec.network.clone().unwrap_or_else(|| "bridge".into());
        let Some(net) = v.network(&net_name).cloned() else {
            return Err(RunError::Daemon(format!("network {net_name} not found")));
        };
        if let Some(n) = &spec.name {
            if let Some(other) = v.containers.iter().find(|c| &c.name == n) {
                return Err(RunError::Daemon(format!(
                    "Conflict. The container name \"/{n}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                    other.id
                )));
            }
        }
        let id = new_id(rng);
        let name = spec.name.clone().unwrap_or_else(|| random_name(rng));
        let defaults = image_defaults(&spec.image);
        let command = if spec.command.is_empty() { defaults.command.clone() } else { spec.command.join(" ") };
        let host_net = net.driver == "host";
        let ports = if host_net || net.driver == "null" { Vec::new() } else { spec.ports.clone() };
        let mut ctr = Ctr {
            id: id.clone(),
            name: name.clone(),
            image: spec.image.clone(),
            command: command.clone(),
            network: net.name.clone(),
            ip: String::new(),
            ports: ports.clone(),
            remove: spec.remove,
            created: now,
            state: CtrState::Created,
            logs: Vec::new(),
            listens: Vec::new(),
            files: defaults.files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect(),
            mounts: spec.mounts.clone(),
            env: spec.env.clone(),
            add_hosts: spec.add_hosts.clone(),
            conf: None,
        };
        if let Some(h) = &spec.hostname {
            ctr.env.push(("HOSTNAME".into(), h.clone()));
        }
        // A published port another running container holds.
        for (hp, _) in &ports {
            let taken = v.containers.iter().any(|c| {
                c.running()
                    && (c.ports.iter().any(|(p, _)| p == hp)
                        || (c.network == "host" && c.listens.contains(&(*hp as i32))))
            });
            if taken {
                let err = format!(
                    "driver failed programming external connectivity on endpoint {name} ({}): Bind for 0.0.0.0:{hp} failed: port is already allocated",
                    &id[..64.min(id.len())]
                );
                if !spec.remove {
                    v.containers.push(ctr);
                }
                return Err(RunError::Daemon(err));
            }
        }
        ctr.ip = v.free_ip(&net);
        v.containers.push(ctr);
        Ok(launch(v, v.containers.len() - 1, now))
    }

    /// `docker stop`: SIGTERM, then the process exits (nginx and uvicorn exit 0 on it).
    pub fn stop(&mut self, vm: &str, name: &str, now: Time, kill: bool) -> Result<u64, String> {
        let v = self.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        let ci = v.container(name).ok_or_else(|| format!("Error response from daemon: No such container: {name}"))?;
        let c = &mut v.containers[ci];
        if !c.running() {
            return Ok(0);
        }
        let took = if kill { 0 } else { images::lookup(&c.image).map(|i| i.stop_ms).unwrap_or(100).min(10_000) };
        if !kill {
            let at = Time(now.0 + took);
            let nginx = is_nginx(c);
            let t = programs::nginx_time(at);
            let lines: Vec<String> = match ImageRef::parse(&c.image).repository.as_str() {
                "ghcr.io/iximiuz/labs/kubernetes-101/app" => [
                    "INFO:     Shutting down",
                    "INFO:     Waiting for application shutdown.",
                    "INFO:     Application shutdown complete.",
                    "INFO:     Finished server process [1]",
                ]
                .map(String::from)
                .to_vec(),
                // The nginx images stop with SIGQUIT (their STOPSIGNAL): a graceful shutdown.
                _ if nginx => vec![
                    format!("{t} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down"),
                    format!("{t} [notice] 29#29: gracefully shutting down"),
                    format!("{t} [notice] 29#29: exiting"),
                    format!("{t} [notice] 29#29: exit"),
                    format!("{t} [notice] 1#1: signal 17 (SIGCHLD) received from 29"),
                    format!("{t} [notice] 1#1: worker process 29 exited with code 0"),
                    format!("{t} [notice] 1#1: exit"),
                ],
                _ => vec![],
            };
            for l in lines {
                c.log(at, l);
            }
        }
        c.state = CtrState::Exited { code: if kill { 137 } else { 0 }, at: Time(now.0 + took) };
        c.listens.clear();
        c.conf = None;
        if c.remove {
            v.containers.remove(ci);
        }
        Ok(took)
    }

    /// `docker rm [-f]`.
    pub fn rm(&mut self, vm: &str, name: &str, force: bool, now: Time) -> Result<(), String> {
        let v = self.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        let ci = v.container(name).ok_or_else(|| format!("Error response from daemon: No such container: {name}"))?;
        if v.containers[ci].running() {
            if !force {
                return Err(format!(
                    "Error response from daemon: cannot remove container \"/{}\": container is running: stop the container before removing or force remove",
                    v.containers[ci].name
                ));
            }
            let _ = now;
        }
        v.containers.remove(ci);
        Ok(())
    }

    /// `docker start` of an exited container.
    pub fn start(&mut self, vm: &str, name: &str, now: Time) -> Result<Started, String> {
        let v = self.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        let ci = v.container(name).ok_or_else(|| format!("Error response from daemon: No such container: {name}"))?;
        if v.containers[ci].running() {
            let c = &v.containers[ci];
            return Ok(Started { id: c.id.clone(), name: c.name.clone(), logs: vec![], exit_code: None, start_ms: 0 });
        }
        let net = v.network(&v.containers[ci].network).cloned();
        if let Some(n) = net {
            let ip = v.free_ip(&n);
            v.containers[ci].ip = ip;
        }
        Ok(launch(v, ci, now))
    }

    /// `nginx -s reload` inside a container: re-read the config; a bad one is refused and
    /// the running one stays (the master process never sees the signal).
    pub fn nginx_reload(&mut self, vm: &str, ci: usize, now: Time) -> Result<Vec<String>, String> {
        let v = self.vms.get_mut(vm).ok_or_else(|| format!("no machine {vm}"))?;
        if !is_nginx(&v.containers[ci]) {
            return Err("OCI runtime exec failed: exec failed: unable to start container process: exec: \"nginx\": executable file not found in $PATH: unknown".into());
        }
        let conf = load_conf(v, ci).map_err(|e| format!("nginx: {e}"))?;
        let t = programs::nginx_time(now);
        let c = &mut v.containers[ci];
        c.listens = conf.listen.clone();
        c.conf = Some(conf);
        c.log(now, format!("{t} [notice] 1#1: signal 1 (SIGHUP) received from 42, reconfiguring"));
        c.log(now, format!("{t} [notice] 1#1: reconfiguring"));
        Ok(vec![format!("{t} [notice] 42#42: signal process started")])
    }

    /// `nginx -t`.
    pub fn nginx_test(&self, vm: &str, ci: usize) -> Result<Vec<String>, String> {
        let v = self.vms.get(vm).ok_or_else(|| format!("no machine {vm}"))?;
        match load_conf(v, ci) {
            Ok(_) => Ok(vec![
                "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok".into(),
                "nginx: configuration file /etc/nginx/nginx.conf test is successful".into(),
            ]),
            Err(e) => Err(format!("nginx: {e}\nnginx: configuration file /etc/nginx/nginx.conf test failed")),
        }
    }
}

/// Starts container `ci`'s process at `now`: its output up to being up, the ports it
/// listens on, and, for a process that exits at once, its exit (an `--rm` container is
/// then removed, as docker does).
fn launch(v: &mut Vm, ci: usize, now: Time) -> Started {
    let start_ms = images::lookup(&v.containers[ci].image).map(|i| i.start_ms).unwrap_or(100);
    let (logs, listens, exit) = start_program(v, ci, now);
    let c = &mut v.containers[ci];
    c.state = CtrState::Running { since: now };
    for l in &logs {
        c.log(now, l.clone());
    }
    c.listens = listens;
    let mut started = Started { id: c.id.clone(), name: c.name.clone(), logs, exit_code: None, start_ms };
    if let Some((after, code)) = exit {
        started.exit_code = Some(code);
        started.start_ms = after;
        c.state = CtrState::Exited { code, at: Time(now.0 + after) };
        c.listens.clear();
        if c.remove {
            v.containers.remove(ci);
        }
    }
    started
}

/// The names docker generates (`adjective_surname`); a small list is enough.
fn random_name(rng: &mut Pcg32) -> String {
    const LEFT: [&str; 12] = [
        "admiring", "bold", "clever", "eager", "festive", "gifted", "happy", "jolly", "keen", "nifty", "quirky", "zen",
    ];
    const RIGHT: [&str; 12] = [
        "hopper", "lovelace", "turing", "torvalds", "ritchie", "thompson", "pike", "liskov", "knuth", "hamilton",
        "babbage", "curie",
    ];
    format!("{}_{}", LEFT[rng.below(12) as usize], RIGHT[rng.below(12) as usize])
}

/// Reads and resolves an nginx container's config files (conf.d/*.conf, merged).
fn load_conf(v: &Vm, ci: usize) -> Result<nginx::Conf, String> {
    let mut merged = nginx::Conf::default();
    for (path, text) in v.conf_files(ci) {
        let mut c = nginx::parse(&text).map_err(|e| e.render(&path))?;
        c.resolve(&|h| v.resolve_from(ci, h)).map_err(|e| e.render(&path))?;
        merged.listen.extend(c.listen);
        merged.upstreams.extend(c.upstreams);
        if merged.proxy_pass.is_none() {
            merged.proxy_pass = c.proxy_pass;
        }
        if merged.returns.is_none() {
            merged.returns = c.returns;
        }
    }
    merged.listen.sort_unstable();
    merged.listen.dedup();
    Ok(merged)
}

/// Starts a container's process: its output, the ports it listens on, and when and how it
/// exits if it does.
fn start_program(v: &mut Vm, ci: usize, now: Time) -> (Vec<String>, Vec<i32>, Option<(u64, i32)>) {
    let c = v.containers[ci].clone();
    if is_nginx(&c) {
        let has_default = v.read_in(ci, "/etc/nginx/conf.d/default.conf").is_some();
        let mut logs: Vec<String> =
            programs::nginx_entrypoint(has_default).into_iter().map(|(_, l)| l.into_owned()).collect();
        let version =
            if ImageRef::parse(&c.image).repository == "docker.io/library/nginx" { "1.27.1" } else { "1.25.4" };
        match load_conf(v, ci) {
            Ok(conf) => {
                logs.extend(programs::nginx_running(now, version).into_iter().map(|(_, l)| l.into_owned()));
                let listens = conf.listen.clone();
                v.containers[ci].conf = Some(conf);
                (logs, listens, None)
            }
            Err(e) => {
                let t = programs::nginx_time(now);
                logs.push(format!("{t} {}", e.replacen("[emerg] ", "[emerg] 1#1: ", 1)));
                logs.push(format!("nginx: {e}"));
                (logs, vec![], Some((40, 1)))
            }
        }
    } else {
        // Every other image: the same program as in a pod.
        let pod = Pod::default();
        let container = Container {
            name: c.name.clone(),
            image: c.image.clone(),
            command: if c.command == image_defaults(&c.image).command {
                vec![]
            } else {
                vec!["sh".into(), "-c".into(), c.command.clone()]
            },
            env: c
                .env
                .iter()
                .map(|(k, v)| kubelab_api::EnvVar { name: k.clone(), value: Some(v.clone()), ..Default::default() })
                .collect(),
            ..Default::default()
        };
        struct Nobody;
        impl programs::Resolver for Nobody {
            fn resolves(&self, _: &Pod, _: &str) -> bool {
                false
            }
        }
        let s = programs::start(&pod, &container, now, &Nobody);
        (s.logs.into_iter().map(|(_, l)| l.into_owned()).collect(), s.listens, s.exit.map(|(ms, code, _)| (ms, code)))
    }
}

/// Where a request lands.
enum Target {
    Machine(String),
    /// A container on a machine, by its address on a docker network.
    Container(String, usize),
}

/// A served request, with who served it for the load generator's per-instance counts.
fn served(vm: &str, c: &Ctr, done_at: Time, outcome: Outcome) -> Served {
    Served {
        pod: Some((vm.to_string(), format!("{vm}/{}", c.name))),
        version: Some(c.version()),
        done_at,
        outcome,
        hops: Vec::new(),
    }
}

fn failed(done_at: Time, outcome: Outcome) -> Served {
    Served { pod: None, version: None, done_at, outcome, hops: Vec::new() }
}

impl Lan {
    /// A request from `from` (a machine's name, or `None` for the workstation on the LAN)
    /// to `host:port`. `Err` when the name does not resolve.
    #[allow(clippy::too_many_arguments)]
    ///
    /// `deadline` is when the client gives up: work that has not started by then is never
    /// started (nginx closes its upstream connection when its client goes away, and a
    /// queued request on a closed connection is dropped), so a client's timeouts do not
    /// pile phantom work onto a server.
    pub fn request(
        &mut self,
        servers: &mut Servers,
        from: Option<&str>,
        host: &str,
        port: i32,
        path: &str,
        t: Time,
        deadline: Time,
        depth: u32,
    ) -> Result<Served, String> {
        let client_ip =
            from.and_then(|f| self.vms.get(f)).map(|v| v.ip.clone()).unwrap_or_else(|| WORKSTATION_IP.to_string());
        let target = match from {
            Some(f) if host == "localhost" || host == "127.0.0.1" => Target::Machine(f.to_string()),
            _ => {
                if let Some(v) = self.vm_by_host(host) {
                    Target::Machine(v.name.clone())
                } else if let Some((vm, ci)) = from.and_then(|f| self.vms.get(f)).and_then(|v| {
                    v.containers
                        .iter()
                        .position(|c| c.running() && !c.ip.is_empty() && c.ip == host)
                        .map(|ci| (v.name.clone(), ci))
                }) {
                    Target::Container(vm, ci)
                } else if host.starts_with("172.16.0.") && host.parse::<std::net::Ipv4Addr>().is_ok() {
                    // An address on the LAN nobody has: ARP gets no answer.
                    return Ok(failed(Time(t.0 + NO_ROUTE_MS), Outcome::NoRoute));
                } else {
                    return Err(format!("Could not resolve host: {host}"));
                }
            }
        };
        match target {
            Target::Container(vm, ci) => {
                Ok(self.serve(servers, &vm, ci, port, path, &client_ip, Time(t.0 + 1), deadline, depth))
            }
            Target::Machine(vm) => {
                let local = from == Some(vm.as_str());
                if !local {
                    let own_link = from.and_then(|f| self.vms.get(f)).is_none_or(|v| v.link_up);
                    if !own_link {
                        // No carrier: the kernel has no route at all and says so at once.
                        return Ok(failed(Time(t.0 + 1), Outcome::NoRoute));
                    }
                    if !self.vms[&vm].link_up {
                        return Ok(failed(Time(t.0 + NO_ROUTE_MS), Outcome::NoRoute));
                    }
                }
                let v = &self.vms[&vm];
                let by_port = v.containers.iter().position(|c| {
                    c.running()
                        && (c.ports.iter().any(|(hp, _)| *hp as i32 == port)
                            || (c.network == "host" && c.listens.contains(&port)))
                });
                let Some(ci) = by_port else {
                    return Ok(failed(Time(t.0 + 1), Outcome::Refused));
                };
                let c = &v.containers[ci];
                let inner = c.ports.iter().find(|(hp, _)| *hp as i32 == port).map(|(_, cp)| *cp).unwrap_or(port);
                Ok(self.serve(servers, &vm, ci, inner, path, &client_ip, Time(t.0 + 1), deadline, depth))
            }
        }
    }

    /// A request reaching container `ci` of `vm` on its port `port` at `t`.
    #[allow(clippy::too_many_arguments)]
    fn serve(
        &mut self,
        servers: &mut Servers,
        vm: &str,
        ci: usize,
        port: i32,
        path: &str,
        client_ip: &str,
        t: Time,
        deadline: Time,
        depth: u32,
    ) -> Served {
        let c = self.vms[vm].containers[ci].clone();
        if !c.running() || !c.listens.contains(&port) {
            return failed(Time(t.0 + 1), Outcome::Refused);
        }
        let stamp = access_time(t);
        let repo = ImageRef::parse(&c.image).repository;
        if repo == "ghcr.io/iximiuz/labs/kubernetes-101/app" && port == 3000 {
            // uvicorn with a blocking 1 s sleep: one request at a time.
            let key = (c.id.clone(), 3000);
            let start = servers.busy_until.get(&key).copied().unwrap_or(Time(0)).max(t);
            if start >= deadline {
                return failed(deadline, Outcome::Timeout);
            }
            let done = Time(start.0 + 1000);
            servers.busy_until.insert(key, done);
            let line = format!("INFO:     {client_ip}:{} - \"GET {path} HTTP/1.1\" 200 OK", 40000 + (t.0 % 20000));
            if let Some(v) = self.vms.get_mut(vm) {
                v.containers[ci].log(done, line);
            }
            let body = format!("{{\"message\":\"Hello from {}\"}}", c.hostname());
            return served(vm, &c, done, Outcome::Ok { status: 200, body });
        }
        if c.conf.is_some() {
            let mut conf = c.conf.clone().unwrap_or_default();
            let result = if let Some(group) = conf.group_mut() {
                // proxy_pass with proxy_next_upstream error timeout (the default): try each
                // peer at most once, a failure counted against it.
                let mut tried = Vec::new();
                let mut now = t;
                loop {
                    if now >= deadline {
                        break (now, None);
                    }
                    let Some(i) = group.pick(&tried, now.0 / 1000) else {
                        break (now, None);
                    };
                    tried.push(i);
                    let peer = group.peers[i].clone();
                    let attempt = if depth >= 6 {
                        failed(Time(now.0 + 1), Outcome::Refused)
                    } else if peer.ip == "127.0.0.1" {
                        match self.vms[vm].containers.iter().position(|o| o.id == c.id) {
                            Some(me) => self.serve(
                                servers,
                                vm,
                                me,
                                peer.port,
                                path,
                                &c.ip,
                                Time(now.0 + 1),
                                deadline,
                                depth + 1,
                            ),
                            None => failed(Time(now.0 + 1), Outcome::Refused),
                        }
                    } else if let Some(other) = self.vms[vm]
                        .containers
                        .iter()
                        .position(|o| o.ip == peer.ip && !o.ip.is_empty() && o.network == c.network)
                    {
                        self.serve(servers, vm, other, peer.port, path, &c.ip, Time(now.0 + 1), deadline, depth + 1)
                    } else if peer.ip.starts_with("172.") && !peer.ip.starts_with("172.16.") {
                        // A container address that no running container holds any more.
                        failed(Time(now.0 + NO_ROUTE_MS), Outcome::NoRoute)
                    } else {
                        match self.request(servers, Some(vm), &peer.ip, peer.port, path, now, deadline, depth + 1) {
                            Ok(s) => s,
                            Err(_) => failed(Time(now.0 + 1), Outcome::Refused),
                        }
                    };
                    if attempt.done_at >= deadline && attempt.outcome == Outcome::Timeout {
                        // The client went away first: nginx logs a 499 and blames no peer.
                        break (deadline, Some(failed(deadline, Outcome::Timeout)));
                    }
                    match attempt.outcome {
                        Outcome::Refused | Outcome::NoRoute | Outcome::Timeout | Outcome::EmptyReply => {
                            group.failed(i, attempt.done_at.0 / 1000);
                            let errno = match attempt.outcome {
                                Outcome::Refused => "111: Connection refused",
                                Outcome::NoRoute => "113: No route to host",
                                Outcome::Timeout => "110: Connection timed out",
                                _ => "104: Connection reset by peer",
                            };
                            let line = format!(
                                "{} [error] 29#29: *1 connect() failed ({errno}) while connecting to upstream, client: {client_ip}, server: , request: \"GET {path} HTTP/1.1\", upstream: \"http://{}:{}{path}\"",
                                programs::nginx_time(attempt.done_at),
                                peer.ip,
                                peer.port
                            );
                            self.log_to(vm, &c.id, attempt.done_at, line);
                            now = attempt.done_at;
                        }
                        _ => {
                            group.succeeded(i);
                            break (attempt.done_at, Some(attempt));
                        }
                    }
                }
            } else {
                (t, None)
            };
            let has_proxy = conf.proxy_pass.is_some();
            let returns = conf.returns.clone();
            // Keep the round-robin state the request moved.
            if let Some(x) = self.vms.get_mut(vm).and_then(|v| v.containers.iter_mut().find(|x| x.id == c.id)) {
                if x.conf.is_some() {
                    x.conf = Some(conf);
                }
            }
            let (done, inner) = result;
            let (out, status) = match (has_proxy, inner, returns) {
                (true, Some(s), _) => {
                    let status = match &s.outcome {
                        Outcome::Ok { status, .. } => *status,
                        Outcome::Timeout => 499,
                        _ => 502,
                    };
                    (Served { done_at: Time(s.done_at.0 + 1), ..s }, status)
                }
                (true, None, _) => (failed(Time(done.0 + 1), Outcome::BadGateway), 502),
                (false, _, Some((code, text))) => {
                    (served(vm, &c, Time(t.0 + 1), Outcome::Ok { status: code, body: text }), code)
                }
                (false, _, None) => (
                    served(
                        vm,
                        &c,
                        Time(t.0 + 1),
                        Outcome::Ok {
                            status: 200,
                            body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>".into(),
                        },
                    ),
                    200,
                ),
            };
            let line =
                format!("{client_ip} - - [{stamp}] \"GET {path} HTTP/1.1\" {status} 35 \"-\" \"curl/8.5.0\" \"-\"");
            self.log_to(vm, &c.id, out.done_at, line);
            return out;
        }
        served(vm, &c, Time(t.0 + 2), Outcome::Ok { status: 200, body: "OK".into() })
    }
}

impl Lan {
    fn log_to(&mut self, vm: &str, id: &str, at: Time, line: String) {
        if let Some(x) = self.vms.get_mut(vm).and_then(|v| v.containers.iter_mut().find(|x| x.id == id)) {
            x.log(at, line);
        }
    }
}

/// nginx's access-log time: `22/Nov/2026:10:00:03 +0000`.
fn access_time(t: Time) -> String {
    let ts = t.rfc3339();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = months[ts[5..7].parse::<usize>().unwrap_or(1).saturating_sub(1).min(11)];
    format!("{}/{month}/{}:{} +0000", &ts[8..10], &ts[0..4], &ts[11..19])
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
