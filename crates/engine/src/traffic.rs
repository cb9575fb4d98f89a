//! Requests and a load generator. A request to a Service picks a ready endpoint at random
//! (kube-proxy's iptables mode); with a kept-alive connection (as plow's fasthttp client
//! keeps them) every request of that connection goes to the same pod until the connection
//! breaks. The pod's program answers: the workshop app serves one request at a time in 1 s;
//! nginx answers at once. A pod on a dead node never answers: the client times out.

use crate::images::ImageRef;
use crate::kubelet::{Machine, Phase, PodRuntime};
use crate::rng::Pcg32;
use crate::store::Store;
use kubelab_api::*;
use std::collections::{BTreeMap, VecDeque};

/// What a URL names.
#[derive(Clone, Debug, PartialEq)]
pub enum Dest {
    /// A Service port (by ClusterIP, DNS name, LoadBalancer IP, or a node's NodePort).
    Service { ns: String, name: String, port: i32, via_node: Option<String> },
    /// A pod's IP and port.
    Pod { ns: String, name: String, port: i32 },
    /// A machine of the VM-era LAN (or a container address), from a machine or (`None`)
    /// the workstation.
    Lan { from: Option<String>, host: String, port: i32 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Url {
    pub host: String,
    pub port: i32,
    pub path: String,
}

pub fn parse_url(s: &str) -> Result<Url, String> {
    let rest = s.strip_prefix("http://").unwrap_or(s);
    if rest.starts_with("https://") {
        return Err("only http:// is simulated".into());
    }
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<i32>().map_err(|_| format!("bad port in URL {s:?}"))?),
        None => (hostport.to_string(), 80),
    };
    if host.is_empty() {
        return Err(format!("no host in URL {s:?}"));
    }
    Ok(Url { host, port, path })
}

/// Resolves a URL as a client inside the cluster network (the `default` namespace's DNS
/// search path) or on the nodes' network would.
pub fn resolve(store: &Store, url: &Url, ns: &str) -> Result<Dest, String> {
    let host = url.host.as_str();
    for s in store.services.values() {
        if s.spec.cluster_ip == host && s.spec.ports.iter().any(|p| p.port == url.port) {
            return Ok(Dest::Service {
                ns: s.metadata.namespace.clone(),
                name: s.metadata.name.clone(),
                port: url.port,
                via_node: None,
            });
        }
        if s.status.load_balancer.ingress.iter().any(|i| i.ip == host)
            && s.spec.ports.iter().any(|p| p.port == url.port)
        {
            return Ok(Dest::Service {
                ns: s.metadata.namespace.clone(),
                name: s.metadata.name.clone(),
                port: url.port,
                via_node: None,
            });
        }
    }
    for n in store.nodes.values() {
        if n.status.addresses.iter().any(|a| a.address == host) || n.metadata.name == host {
            for s in store.services.values() {
                if let Some(p) = s.spec.ports.iter().find(|p| p.node_port == Some(url.port)) {
                    return Ok(Dest::Service {
                        ns: s.metadata.namespace.clone(),
                        name: s.metadata.name.clone(),
                        port: p.port,
                        via_node: Some(n.metadata.name.clone()),
                    });
                }
            }
            return Err(format!("Failed to connect to {host} port {}: Connection refused", url.port));
        }
    }
    for p in store.pods.values() {
        if p.status.pod_ip == host {
            return Ok(Dest::Pod { ns: p.metadata.namespace.clone(), name: p.metadata.name.clone(), port: url.port });
        }
    }
    let parts: Vec<&str> = host.split('.').collect();
    let (svc, sns) = match parts.as_slice() {
        [s] => (*s, ns),
        [s, n] | [s, n, "svc"] | [s, n, "svc", "cluster", "local"] => (*s, *n),
        _ => return Err(format!("Could not resolve host: {host}")),
    };
    match store.services.get(&(sns.to_string(), svc.to_string())) {
        Some(s) if s.spec.ports.iter().any(|p| p.port == url.port) => {
            Ok(Dest::Service { ns: sns.into(), name: svc.into(), port: url.port, via_node: None })
        }
        Some(_) => Err(format!("Failed to connect to {host} port {}: Connection refused", url.port)),
        None => Err(format!("Could not resolve host: {host}")),
    }
}

/// How one request ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Ok {
        status: u16,
        body: String,
    },
    Refused,
    Timeout,
    BadGateway,
    /// The connection closed without an answer (the process died serving it).
    EmptyReply,
    /// The address did not answer ARP (a machine whose link is down): EHOSTUNREACH.
    NoRoute,
}

impl Outcome {
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Ok { .. } => "ok",
            Outcome::Refused => "connection refused",
            Outcome::Timeout => "timeout",
            Outcome::BadGateway => "502 Bad Gateway",
            Outcome::EmptyReply => "empty reply",
            Outcome::NoRoute => "no route to host",
        }
    }
}

/// One request's fate, decided when it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    pub pod: Option<(String, String)>,
    pub version: Option<String>,
    pub done_at: Time,
    pub outcome: Outcome,
    /// The requests that pod made in turn to answer (a frontend to its backend's Service,
    /// a backend to Redis), in order: the next hops of a multi-tier app.
    pub hops: Vec<Hop>,
    /// What the ingress controller's nginx logs of it, when it went through one.
    pub proxied: Option<Box<crate::ingress_routing::access_log::Proxied>>,
    /// The connection (or one the pod made on the way) the network plugin dropped: the client
    /// timed out.
    pub dropped: Option<crate::network_policy::Dropped>,
}

/// A request a pod made to a Service on the way to its answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    /// The Service (namespace, name).
    pub service: (String, String),
    /// The pod it reached, if any did.
    pub pod: Option<(String, String)>,
}

/// The servers' queues: a process that serves one request at a time is busy until then.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Servers {
    pub busy_until: BTreeMap<(String, i32), Time>,
    /// The ingress controller's round-robin turn per backend (`ingress_routing`).
    pub round_robin: BTreeMap<String, u64>,
    /// The CPU each container spent serving requests (`cpu.rs`).
    pub cpu: crate::cpu::Meters,
    /// Requests the ingress controller has handled (its `$req_id`s derive from it).
    pub requests: u64,
}

/// A request's headers: Host (curl's `-H "Host: ..."`, else the URL's host) and the
/// others the client sent (`-H`, `-b`), as written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Headers {
    pub host: String,
    pub other: Vec<(String, String)>,
}

impl Headers {
    pub fn host(host: &str) -> Headers {
        Headers { host: host.to_string(), other: Vec::new() }
    }
}

/// Picks the endpoint pod for a new connection to a Service.
pub fn pick_endpoint(store: &Store, ns: &str, name: &str, port: i32, rng: &mut Pcg32) -> Option<(String, i32)> {
    let ep = store.endpoints.get(&(ns.to_string(), name.to_string()))?;
    let svc = store.services.get(&(ns.to_string(), name.to_string()))?;
    let sp = svc.spec.ports.iter().find(|p| p.port == port)?;
    let mut choices = Vec::new();
    for ss in &ep.subsets {
        let Some(epp) = ss.ports.iter().find(|p| p.name == sp.name) else { continue };
        for a in &ss.addresses {
            if let Some(r) = &a.target_ref {
                choices.push((r.name.clone(), epp.port));
            }
        }
    }
    if choices.is_empty() {
        return None;
    }
    let i = rng.below(choices.len() as u32) as usize;
    Some(choices.swap_remove(i))
}

/// Key-value data by where it lives: `pv:<volume>` (survives the pod), `vol:<pod uid>/<volume>`
/// (the pod's lifetime), `ctr:<pod uid>/<container>/<restart>` (the container's lifetime).
pub type Kv = BTreeMap<String, BTreeMap<String, String>>;

/// Everything a request may touch.
pub struct World<'a> {
    pub store: &'a Store,
    pub machines: &'a VecMap<String, Machine>,
    pub runtimes: &'a crate::kubelet::Runtimes,
    pub servers: &'a mut Servers,
    pub kv: &'a mut Kv,
    pub rng: &'a mut Pcg32,
    /// The request's Host header (curl's `-H "Host: ..."`, else the URL's host; empty for
    /// the kubelet's probes, which name the pod's IP).
    pub host: String,
    /// The request's other headers.
    pub headers: Vec<(String, String)>,
    /// Containers whose process a request made exit: (pod uid, container, exit code).
    pub crashes: Vec<(String, String, i32)>,
    /// Who opens the connection `serve` is asked to answer (a pod calling on sets itself here
    /// for its own requests): whose egress, and which peer, the policies check.
    pub client: crate::network_policy::Client,
    /// Connections the network plugin dropped while answering, first first.
    pub drops: Vec<crate::network_policy::Dropped>,
}

/// Where a redis container keeps its keys: the volume mounted at /data, else its own layer.
pub fn redis_data_key(store: &Store, runtimes: &crate::kubelet::Runtimes, p: &Pod, container: &Container) -> String {
    if let Some(m) = container.volume_mounts.iter().find(|m| m.mount_path == "/data") {
        if let Some(v) = p.spec.volumes.iter().find(|v| v.name == m.name) {
            if let Some(src) = &v.persistent_volume_claim {
                if let Some(c) = store.pvcs.get(&(p.metadata.namespace.clone(), src.claim_name.clone())) {
                    if !c.spec.volume_name.is_empty() {
                        return format!("pv:{}", c.spec.volume_name);
                    }
                }
            }
            return format!("vol:{}/{}", p.metadata.uid, v.name);
        }
    }
    let restarts = runtimes
        .get(&p.metadata.uid)
        .and_then(|rt| rt.containers.iter().find(|c| c.name == container.name))
        .map(|c| c.restarts)
        .unwrap_or(0);
    format!("ctr:{}/{}/{}", p.metadata.uid, container.name, restarts)
}

/// Runs one redis command against a store; the reply as redis-cli prints it without a tty.
pub fn redis_command(kv: &mut Kv, key: &str, args: &[&str]) -> String {
    let db = kv.entry(key.to_string()).or_default();
    let cmd = args.first().map(|a| a.to_ascii_uppercase()).unwrap_or_default();
    match (cmd.as_str(), &args[1.min(args.len())..]) {
        ("PING", []) => "PONG".into(),
        ("SET", [k, v, ..]) => {
            db.insert(k.to_string(), v.to_string());
            "OK".into()
        }
        ("GET", [k]) => db.get(*k).cloned().unwrap_or_default(),
        ("INCR", [k]) | ("INCRBY", [k, _]) => {
            let by: i64 = if cmd == "INCRBY" { args[2].parse().unwrap_or(0) } else { 1 };
            let cur: i64 = match db.get(*k) {
                None => 0,
                Some(v) => match v.parse() {
                    Ok(n) => n,
                    Err(_) => return "ERR value is not an integer or out of range".into(),
                },
            };
            db.insert(k.to_string(), (cur + by).to_string());
            (cur + by).to_string()
        }
        ("DEL", keys) if !keys.is_empty() => keys.iter().filter(|k| db.remove(**k).is_some()).count().to_string(),
        ("EXISTS", keys) if !keys.is_empty() => keys.iter().filter(|k| db.contains_key(**k)).count().to_string(),
        ("KEYS", [_]) => db.keys().cloned().collect::<Vec<_>>().join("\n"),
        ("DBSIZE", []) => db.len().to_string(),
        ("FLUSHALL", _) | ("FLUSHDB", _) => {
            db.clear();
            "OK".into()
        }
        ("", _) => String::new(),
        (c, _) => format!("ERR unknown command '{}', with args beginning with: ", c.to_ascii_lowercase()),
    }
}

/// A request `method path` reaching `pod` on `port` at `t`: who answers, when, and how.
/// Multi-tier images call on: the tutorial's nginx frontend → Service `app:1323` → the Go
/// backend → Redis at REDIS_URL.
#[allow(clippy::too_many_arguments)]
pub fn serve(
    w: &mut World,
    ns: &str,
    pod: &str,
    port: i32,
    method: &str,
    path: &str,
    t: Time,
    timeout_ms: u64,
) -> Served {
    let timeout = Served {
        pod: Some((ns.into(), pod.into())),
        version: None,
        done_at: Time(t.0 + timeout_ms),
        outcome: Outcome::Timeout,
        hops: Vec::new(),
        proxied: None,
        dropped: None,
    };
    let Some(p) = w.store.pods.get(&(ns.to_string(), pod.to_string())) else {
        return Served {
            pod: None,
            version: None,
            done_at: Time(t.0 + 1),
            outcome: Outcome::Refused,
            hops: Vec::new(),
            proxied: None,
            dropped: None,
        };
    };
    let version = p.spec.containers.first().map(|c| ImageRef::parse(&c.image).tag.clone());
    if w.machines.get(&p.spec.node_name).is_none_or(|m| !m.alive) {
        return Served { version, ..timeout };
    }
    // The network plugin drops what no policy allows: no answer, not even a reset.
    if let Err(d) = crate::network_policy::check(w.store, &w.client, p, port) {
        w.drops.push(d.clone());
        return Served { version, dropped: Some(d), ..timeout };
    }
    let Some(rt) = w.runtimes.get(&p.metadata.uid) else {
        return Served {
            pod: Some((ns.into(), pod.into())),
            version,
            done_at: Time(t.0 + 1),
            outcome: Outcome::Refused,
            hops: Vec::new(),
            proxied: None,
            dropped: None,
        };
    };
    // The container listening on the port.
    let listening = rt
        .containers
        .iter()
        .zip(p.spec.containers.iter())
        .find(|(c, _)| matches!(c.phase, Phase::Running { .. }) && c.listens.contains(&port));
    let Some((running, spec)) = listening else {
        return Served {
            pod: Some((ns.into(), pod.into())),
            version,
            done_at: Time(t.0 + 1),
            outcome: Outcome::Refused,
            hops: Vec::new(),
            proxied: None,
            dropped: None,
        };
    };
    let repo = ImageRef::parse(&spec.image).repository;
    if repo == "registry.k8s.io/ingress-nginx/controller" && (port == 80 || port == 443) {
        // The controller's nginx spends its own CPU on each request it proxies (metrics-server
        // reports it as the controller pod's); the backend's work is charged to the backend.
        let cost = crate::images::usage(&spec.image).per_request_us;
        let cap = cpu_cap_m(w.store, p, spec);
        let Some(nginx_done) = w.servers.cpu.charge((&p.metadata.uid, &spec.name), running.restarts, cap, cost, t.0)
        else {
            return Served { version, ..timeout };
        };
        return crate::ingress_routing::serve_proxy(w, ns, pod, method, path, (t, Time(nginx_done)), timeout_ms);
    }
    let up_for_ms = match running.phase {
        Phase::Running { since, .. } => t.0.saturating_sub(since.0),
        _ => 0,
    };
    let hostname = p.metadata.name.clone();
    let uid = p.metadata.uid.clone();
    // The path without its query string.
    let route = path.split('?').next().unwrap_or(path);
    let mut hops = Vec::new();
    let (mut done, outcome) = match repo.as_str() {
        "ghcr.io/iximiuz/labs/kubernetes-101/app" => serve_workshop_app(w.servers, &uid, route, &hostname, t),
        "ghcr.io/iximiuz/labs/kubernetes-101/proxy" => serve_workshop_proxy(w.servers, rt, &uid, &hostname, t),
        "docker.io/c1524db4f1/kubernetes-tutorial-frontend" => {
            serve_tutorial_frontend(w, (ns, pod), method, path, t, timeout_ms, &mut hops)
        }
        "docker.io/c1524db4f1/kubernetes-tutorial-backend" => {
            serve_tutorial_backend(w, (ns, pod), spec, method, path, t, &mut hops)
        }
        "docker.io/trueberryless/kub-first-app" => serve_kub_first_app(&mut w.crashes, &uid, spec, path, t),
        "docker.io/library/nginx" => serve_nginx(w.runtimes, p, spec, route, t),
        "docker.io/library/httpd" => serve_httpd(route, t),
        "registry.k8s.io/e2e-test-images/agnhost" => serve_agnhost(spec, route, up_for_ms, &hostname, t),
        "registry.k8s.io/metrics-server/metrics-server" => serve_metrics_server(route, up_for_ms, t),
        "registry.k8s.io/hpa-example" => serve_php_apache(route, t),
        // Its health endpoint on 10254 (80 and 443 are `ingress_routing`).
        "registry.k8s.io/ingress-nginx/controller" if route == "/healthz" => (Time(t.0 + 1), ok("ok".into())),
        _ => (Time(t.0 + 5), ok("OK".into())),
    };
    // The CPU the answer costs, on the container's share (the kubelet's probes aside).
    if !w.host.is_empty() {
        let cost = crate::images::usage(&spec.image).per_request_us;
        let cap = cpu_cap_m(w.store, p, spec);
        match w.servers.cpu.charge((&uid, &spec.name), running.restarts, cap, cost, t.0) {
            Some(cpu_done) => done = done.max(Time(cpu_done)),
            None => return Served { version, ..timeout },
        }
    }
    if done.0 - t.0 > timeout_ms {
        return Served { version, ..timeout };
    }
    Served { pod: Some((ns.into(), pod.into())), version, done_at: done, outcome, hops, proxied: None, dropped: None }
}

/// `serve` for a request that the pod `me` (namespace, name) makes in turn to the pod `ns`/`pod`:
/// its own egress and its identity are what the policies check.
#[allow(clippy::too_many_arguments)]
pub fn serve_as(
    w: &mut World,
    me: (&str, &str),
    ns: &str,
    pod: &str,
    port: i32,
    method: &str,
    path: &str,
    t: Time,
    timeout_ms: u64,
) -> Served {
    let caller = std::mem::replace(&mut w.client, crate::network_policy::Client::Pod(me.0.into(), me.1.into()));
    let served = serve(w, ns, pod, port, method, path, t, timeout_ms);
    w.client = caller;
    served
}

/// The CPU a container may use (millicores): its limit, else its node's allocatable CPU.
pub fn cpu_cap_m(store: &Store, p: &Pod, c: &Container) -> u64 {
    if let Some(m) = c.resources.limits.get("cpu").and_then(|q| q.millis()) {
        return m.max(1) as u64;
    }
    store
        .nodes
        .get(&(String::new(), p.spec.node_name.clone()))
        .and_then(|n| n.status.allocatable.get("cpu"))
        .and_then(|q| q.millis())
        .unwrap_or(1000)
        .max(1) as u64
}

/// The HPA walkthrough's php-apache: index.php answers "OK!" (after its loop, which is the
/// CPU `images::Usage` charges); anything else is Apache's 404 page.
fn serve_php_apache(route: &str, t: Time) -> (Time, Outcome) {
    match route {
        "/" | "/index.php" => (Time(t.0 + 1), ok("OK!".into())),
        _ => {
            let body = format!("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL {route} was not found on this server.</p>\n<hr>\n<address>Apache/2.4.10 (Debian) Server at php-apache Port 80</address>\n</body></html>");
            (Time(t.0 + 1), Outcome::Ok { status: 404, body })
        }
    }
}

/// A 200 answer with `body`.
fn ok(body: String) -> Outcome {
    Outcome::Ok { status: 200, body }
}

/// Queues a request of `service_ms` behind the ones the pod `uid` is still serving; when it is
/// done.
fn queue(servers: &mut Servers, uid: &str, t: Time, service_ms: u64) -> Time {
    let key = (uid.to_string(), 3000);
    let start = servers.busy_until.get(&key).copied().unwrap_or(Time(0)).max(Time(t.0 + 1));
    let done = Time(start.0 + service_ms);
    servers.busy_until.insert(key, done);
    done
}

/// A hop to a Service that exists (namespace `ns`), through `pod` if one was picked.
fn service_hop(store: &Store, ns: &str, service: &str, pod: Option<&str>) -> Option<Hop> {
    store.services.contains_key(&(ns.to_string(), service.to_string())).then(|| Hop {
        service: (ns.to_string(), service.to_string()),
        pod: pod.map(|p| (ns.to_string(), p.to_string())),
    })
}

/// The workshop app: uvicorn with a blocking 1 s sleep in its only route.
fn serve_workshop_app(servers: &mut Servers, uid: &str, route: &str, hostname: &str, t: Time) -> (Time, Outcome) {
    // uvicorn with a blocking 1 s sleep in its only route: one request at a time.
    // Any other path is FastAPI's quick 404, but it waits for the blocked loop too.
    if route == "/" {
        let done = queue(servers, uid, t, 1000);
        (done, ok(format!("{{\"message\":\"Hello from {hostname}\"}}")))
    } else {
        let done = queue(servers, uid, t, 1);
        (done, Outcome::Ok { status: 404, body: "{\"detail\":\"Not Found\"}".into() })
    }
}

/// The workshop proxy: nginx in front of the app container of its pod.
fn serve_workshop_proxy(servers: &mut Servers, rt: &PodRuntime, uid: &str, hostname: &str, t: Time) -> (Time, Outcome) {
    // nginx → app:3000 over localhost (hostAliases): the app container of this pod.
    let app_up = rt.containers.iter().any(|c| matches!(c.phase, Phase::Running { .. }) && c.listens.contains(&3000));
    if app_up {
        let done = queue(servers, uid, t, 1000);
        (Time(done.0 + 1), ok(format!("{{\"message\":\"Hello from {hostname}\"}}")))
    } else {
        (Time(t.0 + 2), Outcome::BadGateway)
    }
}

/// The tutorial's nginx frontend: passes the request on to Service `app:1323`.
fn serve_tutorial_frontend(
    w: &mut World,
    (ns, me): (&str, &str),
    method: &str,
    path: &str,
    t: Time,
    timeout_ms: u64,
    hops: &mut Vec<Hop>,
) -> (Time, Outcome) {
    // nginx → Service app:1323.
    let next = pick_endpoint(w.store, ns, "app", 1323, w.rng);
    hops.extend(service_hop(w.store, ns, "app", next.as_ref().map(|(p, _)| p.as_str())));
    match next {
        None => (Time(t.0 + 2), Outcome::BadGateway),
        Some((backend, bport)) => {
            let inner = serve_as(w, (ns, me), ns, &backend, bport, method, path, Time(t.0 + 1), timeout_ms);
            hops.extend(inner.hops.iter().cloned());
            match inner.outcome {
                Outcome::Ok { .. } => (Time(inner.done_at.0 + 1), inner.outcome),
                Outcome::Timeout => (Time(t.0 + 60_000), Outcome::BadGateway),
                _ => (Time(inner.done_at.0 + 1), Outcome::BadGateway),
            }
        }
    }
}

/// The tutorial's Go backend: `/healthz`, and a per-user counter in Redis at REDIS_URL.
fn serve_tutorial_backend(
    w: &mut World,
    (ns, me): (&str, &str),
    spec: &Container,
    method: &str,
    path: &str,
    t: Time,
    hops: &mut Vec<Hop>,
) -> (Time, Outcome) {
    let done = Time(t.0 + 2);
    if path == "/healthz" {
        (done, ok("✓".into()))
    } else if let Some(id) = path.strip_prefix("/users/") {
        // REDIS_URL (host:port) through the pod's DNS: a Service in its namespace.
        let url = spec
            .env
            .iter()
            .find(|e| e.name == "REDIS_URL")
            .and_then(|e| e.value.clone())
            .unwrap_or_else(|| "localhost:6379".into());
        let (host, rport) =
            url.split_once(':').map(|(h, p)| (h.to_string(), p.parse().unwrap_or(6379))).unwrap_or((url.clone(), 6379));
        let redis_pod = pick_endpoint(w.store, ns, &host, rport, w.rng);
        hops.extend(service_hop(w.store, ns, &host, redis_pod.as_ref().map(|(p, _)| p.as_str())));
        let reply = redis_pod.and_then(|(rp, _)| {
            let target = w.store.pods.get(&(ns.to_string(), rp))?;
            if w.machines.get(&target.spec.node_name).is_none_or(|m| !m.alive) {
                return None;
            }
            let client = crate::network_policy::Client::Pod(ns.to_string(), me.to_string());
            if let Err(d) = crate::network_policy::check(w.store, &client, target, rport) {
                w.drops.push(d);
                return None;
            }
            let c = target.spec.containers.iter().find(|c| ImageRef::parse(&c.image).repository.ends_with("/redis"))?;
            let key = redis_data_key(w.store, w.runtimes, target, c);
            let k = format!("user:{id}");
            Some(if method == "POST" {
                redis_command(w.kv, &key, &["INCR", &k])
            } else {
                let v = redis_command(w.kv, &key, &["GET", &k]);
                if v.is_empty() {
                    "0".into()
                } else {
                    v
                }
            })
        });
        match reply {
            Some(v) => (Time(t.0 + 3), ok(v)),
            None => (done, Outcome::Ok { status: 500, body: "{\"message\":\"Internal Server Error\"}".into() }),
        }
    } else {
        (done, Outcome::Ok { status: 404, body: "{\"message\":\"Not Found\"}".into() })
    }
}

/// The kub-first-app NodeJS image: a page per version, and `/error` to crash it.
fn serve_kub_first_app(
    crashes: &mut Vec<(String, String, i32)>,
    uid: &str,
    spec: &Container,
    path: &str,
    t: Time,
) -> (Time, Outcome) {
    if path == "/error" {
        // `process.exit(1)`: the connection drops without an answer.
        crashes.push((uid.to_string(), spec.name.clone(), 1));
        (Time(t.0 + 2), Outcome::EmptyReply)
    } else {
        let v2 = ImageRef::parse(&spec.image).tag == "v2";
        let body = if v2 {
            "<h1>Hello from this NodeJS app!</h1>\n<p>This is a new version!</p>"
        } else {
            "<h1>Hello from this NodeJS app!</h1>\n<p>Try sending a request to /error and see what happens</p>"
        };
        (Time(t.0 + 3), ok(body.into()))
    }
}

/// nginx's default sites: the welcome page, and a 404 for anything else.
/// A ConfigMap mounted over the web root serves its keys instead of the image's pages;
/// the directory itself has no index.html then: 403, as nginx answers.
fn serve_nginx(
    runtimes: &crate::kubelet::Runtimes,
    p: &Pod,
    spec: &Container,
    route: &str,
    t: Time,
) -> (Time, Outcome) {
    if container_file(runtimes.get(&p.metadata.uid), p, spec, "/usr/share/nginx/html/").is_some() {
        let file = if route.ends_with('/') { format!("{route}index.html") } else { route.to_string() };
        let v = crate::programs::nginx_version(&ImageRef::parse(&spec.image).tag);
        let page = |code: u16, text: &str| {
            format!("<html>\n<head><title>{code} {text}</title></head>\n<body>\n<center><h1>{code} {text}</h1></center>\n<hr><center>nginx/{v}</center>\n</body>\n</html>")
        };
        return match container_file(runtimes.get(&p.metadata.uid), p, spec, &format!("/usr/share/nginx/html{file}"))
            .flatten()
        {
            Some(body) => (Time(t.0 + 2), ok(body)),
            None if route.ends_with('/') => (Time(t.0 + 2), Outcome::Ok { status: 403, body: page(403, "Forbidden") }),
            None => (Time(t.0 + 2), Outcome::Ok { status: 404, body: page(404, "Not Found") }),
        };
    }
    match (route, container_file(runtimes.get(&p.metadata.uid), p, spec, "/usr/share/nginx/html/index.html").flatten())
    {
        // A ConfigMap key mounted (subPath) over the index page replaces it.
        ("/" | "/index.html", Some(page)) => (Time(t.0 + 2), ok(page)),
        ("/" | "/index.html" | "/50x.html", _) => {
            (Time(t.0 + 2), ok("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>".into()))
        }
        _ => {
            let v = crate::programs::nginx_version(&ImageRef::parse(&spec.image).tag);
            let body = format!("<html>\n<head><title>404 Not Found</title></head>\n<body>\n<center><h1>404 Not Found</h1></center>\n<hr><center>nginx/{v}</center>\n</body>\n</html>");
            (Time(t.0 + 2), Outcome::Ok { status: 404, body })
        }
    }
}

/// metrics-server's health checks. `/readyz` fails until its storage holds two scrapes (a
/// CPU rate needs two), one `--metric-resolution` after it starts.
fn serve_metrics_server(route: &str, up_for_ms: u64, t: Time) -> (Time, Outcome) {
    let done = Time(t.0 + 2);
    match route {
        "/readyz" if up_for_ms < crate::addons::METRIC_RESOLUTION_MS => {
            (done, Outcome::Ok { status: 500, body: "[-]metric-storage-ready failed: reason withheld".into() })
        }
        "/livez" | "/readyz" | "/healthz" => (done, ok("ok".into())),
        _ => (done, Outcome::Ok { status: 404, body: "404 page not found".into() }),
    }
}

/// Apache httpd's default site.
fn serve_httpd(route: &str, t: Time) -> (Time, Outcome) {
    match route {
        "/" | "/index.html" => (Time(t.0 + 2), ok("<html><body><h1>It works!</h1></body></html>".into())),
        _ => {
            let body = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>";
            (Time(t.0 + 2), Outcome::Ok { status: 404, body: body.into() })
        }
    }
}

/// The test images of the Kubernetes docs: `agnhost liveness` answers /healthz with
/// 200 for its first 10 s and 500 after; `agnhost serve-hostname` and `netexec` tell
/// who answered.
fn serve_agnhost(spec: &Container, route: &str, up_for_ms: u64, hostname: &str, t: Time) -> (Time, Outcome) {
    let not_found = Outcome::Ok { status: 404, body: "404 page not found".into() };
    let outcome = match (spec.args.first().map(|s| s.as_str()).unwrap_or(""), route) {
        ("liveness", "/healthz") if up_for_ms <= 10_000 => ok("ok".into()),
        ("liveness", "/healthz") => Outcome::Ok { status: 500, body: format!("error: {}", up_for_ms as f64 / 1000.0) },
        ("serve-hostname", _) | ("netexec", "/hostname") => ok(hostname.to_string()),
        ("netexec", "/") => ok(format!("NOW: {}", t.rfc3339())),
        _ => not_found,
    };
    (Time(t.0 + 2), outcome)
}

/// A file as a container sees it when `path` lies under a ConfigMap volume it mounts:
/// `Some(Some(text))` for a file there, `Some(None)` for a path the mount hides (a mounted
/// directory holds only the ConfigMap's files), `None` when no ConfigMap is mounted there
/// (the image's own files). The files are those the kubelet wrote (`PodRuntime::mounts`:
/// updated at its periodic sync, never for a `subPath` mount).
pub fn container_file(rt: Option<&PodRuntime>, pod: &Pod, c: &Container, path: &str) -> Option<Option<String>> {
    let mut best: Option<&VolumeMount> = None;
    for m in &c.volume_mounts {
        if !pod.spec.volumes.iter().any(|v| v.name == m.name && v.config_map.is_some()) {
            continue;
        }
        let dir = m.mount_path.trim_end_matches('/');
        let under =
            if m.sub_path.is_empty() { path == dir || path.starts_with(&format!("{dir}/")) } else { path == dir };
        if under && best.is_none_or(|b| b.mount_path.len() < m.mount_path.len()) {
            best = Some(m);
        }
    }
    let m = best?;
    let mounted = rt.and_then(|rt| rt.mounts.get(&m.name));
    Some(if m.sub_path.is_empty() {
        let rel = path[m.mount_path.trim_end_matches('/').len()..].trim_start_matches('/');
        mounted.and_then(|v| v.files.get(rel).cloned())
    } else {
        mounted.and_then(|v| v.at_mount.get(&m.sub_path).cloned())
    })
}

/// Load generator statistics (plow's summary, plus per-pod and per-version counts).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub started: Time,
    pub count: u64,
    pub ok: u64,
    pub errors: BTreeMap<String, u64>,
    pub latencies_ms: Vec<u64>,
    pub per_pod: BTreeMap<String, u64>,
    pub per_version: BTreeMap<String, u64>,
    /// Completed requests per simulated second (ok, errors), for charts.
    pub per_second: VecMap<u64, (u64, u64)>,
    /// Requests each pod answered well, per simulated second, for the last minute.
    pub per_pod_second: VecMap<u64, BTreeMap<String, u64>>,
    /// Requests answered well per simulated second by each image tag, for the last minute.
    pub per_version_second: VecMap<u64, BTreeMap<String, u64>>,
    /// Latencies (ms) of the requests answered well in each simulated second, for the last
    /// minute; at most LATENCY_SAMPLES a second (the first ones).
    pub latency_second: VecMap<u64, Vec<u32>>,
    /// The last requests completed (oldest first), so the page can draw them travelling.
    pub recent: VecDeque<Answered>,
}

/// Every load generator request answered since the cluster booted, whichever load sent it:
/// stopping a load and starting another does not reset it, so a lesson's traffic objective
/// counts from the moment its step started (the tally then, subtracted) and cannot be met by
/// starting the load afresh.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tally {
    pub ok: u64,
    pub errors: u64,
    /// Requests answered well by each image tag.
    pub per_version: BTreeMap<String, u64>,
}

impl Tally {
    pub fn add(&mut self, s: &Served) {
        if matches!(s.outcome, Outcome::Ok { .. }) {
            self.ok += 1;
            if let Some(v) = &s.version {
                // Without a new String per request once the tag is known (a hot path).
                match self.per_version.get_mut(v) {
                    Some(n) => *n += 1,
                    None => {
                        self.per_version.insert(v.clone(), 1);
                    }
                }
            }
        } else {
            self.errors += 1;
        }
    }
}

/// A completed request, as the map draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct Answered {
    pub sent: Time,
    pub done_at: Time,
    /// The load generator's connection (worker) that sent it.
    pub worker: usize,
    /// The pod that took it (namespace, name), if any did.
    pub pod: Option<(String, String)>,
    pub ok: bool,
    /// Where that pod's own requests went (see `Served::hops`).
    pub hops: Vec<Hop>,
    /// Where the network plugin dropped it (see `Served::dropped`).
    pub dropped: Option<crate::network_policy::Dropped>,
}

/// How many completed requests `Stats::recent` keeps.
pub const RECENT_REQUESTS: usize = 256;
/// How many simulated seconds of per-pod counts `Stats::per_pod_second` keeps.
pub const PER_POD_SECONDS: u64 = 60;
/// How many latencies `Stats::latency_second` keeps for one second.
pub const LATENCY_SAMPLES: usize = 1000;

/// Drops the seconds more than PER_POD_SECONDS before `sec`.
fn keep_last_minute<V>(m: &mut VecMap<u64, V>, sec: u64) {
    while m.first_key_value().is_some_and(|(k, _)| *k + PER_POD_SECONDS < sec) {
        m.pop_first();
    }
}

impl Stats {
    /// Requests `pod` answered well per second over the `seconds` whole simulated seconds
    /// before `now`'s second.
    pub fn pod_rate(&self, pod: &str, now: Time, seconds: u64) -> f64 {
        let end = now.0 / 1000;
        let start = end.saturating_sub(seconds);
        let n: u64 = self.per_pod_second.range(start..end).filter_map(|(_, m)| m.get(pod)).sum();
        n as f64 / seconds.max(1) as f64
    }

    /// Counts a completed request sent by the load generator's connection `worker`.
    pub fn record(&mut self, sent: Time, s: &Served, worker: usize) {
        self.count += 1;
        let sec = s.done_at.0 / 1000;
        let ok = matches!(s.outcome, Outcome::Ok { .. });
        if self.recent.len() == RECENT_REQUESTS {
            self.recent.pop_front();
        }
        self.recent.push_back(Answered {
            sent,
            done_at: s.done_at,
            worker,
            pod: s.pod.clone(),
            ok,
            hops: s.hops.clone(),
            dropped: s.dropped.clone(),
        });
        if let (true, Some((_, p))) = (ok, &s.pod) {
            // The pods further along (a backend, Redis) answered this request too.
            let second = self.per_pod_second.get_or_insert_with(sec, BTreeMap::new);
            for pod in std::iter::once(p).chain(s.hops.iter().filter_map(|h| h.pod.as_ref().map(|(_, p)| p))) {
                *second.entry(pod.clone()).or_default() += 1;
            }
            keep_last_minute(&mut self.per_pod_second, sec);
        }
        if ok {
            if let Some(v) = &s.version {
                *self.per_version_second.get_or_insert_with(sec, BTreeMap::new).entry(v.clone()).or_default() += 1;
                keep_last_minute(&mut self.per_version_second, sec);
            }
            let samples = self.latency_second.get_or_insert_with(sec, Vec::new);
            if samples.len() < LATENCY_SAMPLES {
                samples.push(u32::try_from(s.done_at.0 - sent.0).unwrap_or(u32::MAX));
            }
            keep_last_minute(&mut self.latency_second, sec);
        }
        let entry = self.per_second.get_or_insert_with(sec, || (0, 0));
        match &s.outcome {
            Outcome::Ok { .. } => {
                self.ok += 1;
                entry.0 += 1;
                if self.latencies_ms.len() < 100_000 {
                    self.latencies_ms.push(s.done_at.0 - sent.0);
                }
                if let Some((_, p)) = &s.pod {
                    *self.per_pod.entry(p.clone()).or_default() += 1;
                }
                if let Some(v) = &s.version {
                    *self.per_version.entry(v.clone()).or_default() += 1;
                }
            }
            other => {
                entry.1 += 1;
                *self.errors.entry(other.kind().to_string()).or_default() += 1;
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Worker {
    /// The pod this worker's kept-alive connection reaches, once dialled.
    pub conn: Option<(String, i32)>,
    pub in_flight: Option<(Time, Served)>,
    /// When the next request goes out (for rate-limited load).
    pub next_send: Option<Time>,
    /// How long this connection waits before trying again after a failed connection
    /// (`RETRY_BACKOFF_BASE_MS`..`RETRY_BACKOFF_MAX_MS`); 0 after an answer.
    pub backoff_ms: u64,
}

/// A closed-loop connection whose connection attempt failed at once (refused, no route, or
/// closed without an answer) waits before it tries again, doubling the wait from
/// `RETRY_BACKOFF_BASE_MS` up to `RETRY_BACKOFF_MAX_MS`, back to none after an answer.
///
/// plow itself does not wait: its worker loop sends the next request straight after an
/// error (six-ddc/plow, requester.go, `Run`), so against a Service without endpoints it
/// logs refusals as fast as the kernel answers them, thousands a second, which the lab
/// would have to simulate one by one and which buries the 2 req/s a lesson is about. The
/// lab's generator instead backs off as Envoy's retry policy does by default (a jittered
/// exponential back-off with a base interval of 25 ms and, unless set, a maximum of 10 ×
/// the base: envoy config.core.v3.BackoffStrategy and the route's `retry_back_off`),
/// without the jitter so that runs stay deterministic: at most 4 refusals a second per
/// connection.
pub const RETRY_BACKOFF_BASE_MS: u64 = 25;
pub const RETRY_BACKOFF_MAX_MS: u64 = 10 * RETRY_BACKOFF_BASE_MS;

impl Outcome {
    /// The connection failed without an HTTP answer, at once: the client's retry backs off.
    pub fn is_connection_failure(&self) -> bool {
        matches!(self, Outcome::Refused | Outcome::NoRoute | Outcome::EmptyReply)
    }
}

impl Worker {
    /// When a closed-loop connection sends again after a request that ended at `done`.
    pub fn next_after(&mut self, done: Time, outcome: &Outcome) -> Time {
        if outcome.is_connection_failure() {
            self.backoff_ms = (self.backoff_ms * 2).clamp(RETRY_BACKOFF_BASE_MS, RETRY_BACKOFF_MAX_MS);
        } else {
            self.backoff_ms = 0;
        }
        Time(done.0 + self.backoff_ms)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    pub url: String,
    /// The headers its requests carry.
    pub headers: Headers,
    pub dest: Dest,
    pub timeout_ms: u64,
    /// Fixed request rate (open loop) instead of back-to-back requests per worker.
    pub rps: Option<u32>,
    /// Reuse each worker's connection (so its requests stay on one pod), as plow does.
    pub keepalive: bool,
    pub workers: Vec<Worker>,
    pub stats: Stats,
}

impl Load {
    pub fn next_event(&self) -> Option<Time> {
        self.workers.iter().flat_map(|w| [w.in_flight.as_ref().map(|(_, s)| s.done_at), w.next_send]).flatten().min()
    }
}
