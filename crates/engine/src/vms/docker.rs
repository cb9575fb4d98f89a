//! The docker commands on the LAN's machines: run, stop, start, rm, networks, and the
//! images' defaults and pull output they show.

use super::*;

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

pub(super) const NGINX_DEFAULT_CONF: &str = "server {
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

pub(super) fn is_nginx(c: &Ctr) -> bool {
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
            files: kubelab_api::sort::map(defaults.files.iter().map(|(p, t)| (p.to_string(), t.to_string()))),
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
pub(super) fn launch(v: &mut Vm, ci: usize, now: Time) -> Started {
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
pub(super) fn random_name(rng: &mut Pcg32) -> String {
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
pub(super) fn load_conf(v: &Vm, ci: usize) -> Result<nginx::Conf, String> {
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
    kubelab_api::sort::natural(&mut merged.listen);
    merged.listen.dedup();
    Ok(merged)
}

/// Starts a container's process: its output, the ports it listens on, and when and how it
/// exits if it does.
pub(super) fn start_program(v: &mut Vm, ci: usize, now: Time) -> (Vec<String>, Vec<i32>, Option<(u64, i32)>) {
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
