//! Requests sent into the cluster: curl, port-forwards, redis-cli and the load generator,
//! routed to pods by `traffic`, and the access-log lines they leave.

use crate::*;

impl Engine {
    // ------------------------------------------------------------ traffic

    /// Starts a load generator against `url`: `concurrency` connections sending back to back
    /// (or `rps` requests per second in total), each request timing out after `timeout_ms`.
    pub fn start_load(
        &mut self,
        url: &str,
        concurrency: u32,
        rps: Option<u32>,
        timeout_ms: u64,
        keepalive: bool,
    ) -> Result<String, String> {
        self.start_load_with_headers(url, &[], concurrency, rps, timeout_ms, keepalive)
    }

    /// `start_load` with headers of its own (`-H "Host: shop.example"`, `-H "X-Canary: always"`);
    /// a Host among them replaces the URL's.
    pub fn start_load_with_headers(
        &mut self,
        url: &str,
        headers: &[(String, String)],
        concurrency: u32,
        rps: Option<u32>,
        timeout_ms: u64,
        keepalive: bool,
    ) -> Result<String, String> {
        let u = traffic::parse_url(url)?;
        let headers = request_headers(&u.host, headers);
        let dest = match self.lan_dest(None, &u) {
            Some(d) => d,
            None => {
                let sent = self.as_sent_from(None, &u);
                traffic::resolve(&self.store, &sent, "default")?
            }
        };
        // A fixed rate needs requests in flight side by side: enough connections that each
        // sends one request every two seconds at most.
        let n = match rps {
            Some(r) => concurrency.max(r.saturating_mul(2)),
            None => concurrency,
        }
        .clamp(1, 500) as usize;
        let now = self.now;
        let workers = (0..n)
            .map(|i| traffic::Worker {
                conn: None,
                in_flight: None,
                backoff_ms: 0,
                next_send: Some(match rps {
                    Some(r) if r > 0 => Time(now.0 + 1000 * i as u64 / r as u64),
                    _ => now,
                }),
            })
            .collect();
        self.load = Some(traffic::Load {
            url: url.into(),
            headers,
            dest,
            timeout_ms,
            rps,
            keepalive,
            workers,
            stats: traffic::Stats { started: now, ..Default::default() },
        });
        self.run_load();
        Ok(format!("{n} connection(s)"))
    }

    pub fn stop_load(&mut self) -> Option<traffic::Load> {
        self.load.take()
    }

    pub fn load(&self) -> Option<&traffic::Load> {
        self.load.as_ref()
    }

    /// Every load request answered since boot, whichever load sent it.
    pub fn load_tally(&self) -> &traffic::Tally {
        &self.load_tally
    }

    /// Runs a redis-cli command in a pod's redis container.
    pub fn redis_cli(&mut self, ns: &str, pod: &str, container: &str, args: &[&str]) -> Option<String> {
        let p = self.store.pods.get(&(ns.to_string(), pod.to_string()))?;
        let c = p.spec.containers.iter().find(|c| c.name == container)?;
        let key = traffic::redis_data_key(&self.store, &self.runtimes, p, c);
        Some(traffic::redis_command(&mut self.kv, &key, args))
    }

    /// `kubectl port-forward`: localhost:`local` now reaches `pod`:`remote`.
    pub fn port_forward(&mut self, local: u16, ns: &str, pod: &str, remote: i32) -> Result<(), String> {
        if let Some((_, p, _)) = self.port_forwards.get(&local) {
            if p != pod {
                return Err(format!("unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use]"));
            }
        }
        self.port_forwards.insert(local, (ns.to_string(), pod.to_string(), remote));
        Ok(())
    }

    pub fn port_forwards(&self) -> &BTreeMap<u16, (String, String, i32)> {
        &self.port_forwards
    }

    /// Sends one request now (as curl does) and runs the clock until it is answered.
    /// `from`: the (namespace, pod) it is sent from, for in-pod DNS and `localhost`.
    pub fn curl(
        &mut self,
        url: &str,
        timeout_ms: u64,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(traffic::Served, u64), String> {
        self.curl_from(None, "GET", url, timeout_ms, observe)
    }

    pub fn curl_from(
        &mut self,
        from: Option<(&str, &str)>,
        method: &str,
        url: &str,
        timeout_ms: u64,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(traffic::Served, u64), String> {
        self.curl_with_headers(from, method, url, &[], timeout_ms, observe)
    }

    /// `curl_from` with headers of its own (`-H "Host: shop.example"`, `-b canary=always`); a
    /// Host among them replaces the URL's.
    pub fn curl_with_headers(
        &mut self,
        from: Option<(&str, &str)>,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        timeout_ms: u64,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(traffic::Served, u64), String> {
        let u = traffic::parse_url(url)?;
        let headers = request_headers(&u.host, headers);
        let local = u.host == "localhost" || u.host == "127.0.0.1";
        let dest = match (from, local) {
            (Some((ns, pod)), true) => traffic::Dest::Pod { ns: ns.into(), name: pod.into(), port: u.port },
            (None, true) => match self.port_forwards.get(&(u.port as u16)) {
                Some((ns, pod, remote)) => {
                    if !self.store.pods.contains_key(&(ns.clone(), pod.clone())) {
                        return Err(format!("Failed to connect to localhost port {}: Connection refused (the port-forward's pod {pod} is gone)", u.port));
                    }
                    traffic::Dest::Pod { ns: ns.clone(), name: pod.clone(), port: *remote }
                }
                None => return Err(format!("Failed to connect to localhost port {}: Connection refused", u.port)),
            },
            _ => match self.lan_dest(None, &u) {
                Some(d) => d,
                None => {
                    let sent = self.as_sent_from(from, &u);
                    traffic::resolve(&self.store, &sent, from.map(|f| f.0).unwrap_or("default"))?
                }
            },
        };
        let sent = self.now;
        let client = match (from, local) {
            (_, true) => network_policy::Client::Localhost,
            (Some((ns, pod)), false) => network_policy::Client::Pod(ns.into(), pod.into()),
            (None, false) => network_policy::Client::Outside,
        };
        let served = self.send(&client, &dest, None, method, &headers, &u.path, sent, timeout_ms);
        let wait = served.done_at.0.saturating_sub(sent.0);
        self.log_access(&u.path, &served, CURL_AGENT);
        self.advance(wait, observe);
        Ok((served, wait))
    }

    /// The URL as the learner's machine sends it: a host named in an Ingress goes to that
    /// Ingress's address (pods resolve through the cluster's DNS, which knows no such name),
    /// and keeps going there once it has (the learner's /etc/hosts line stays when the
    /// controller clears the Ingress's status on shutdown).
    fn as_sent_from(&mut self, from: Option<(&str, &str)>, u: &traffic::Url) -> traffic::Url {
        if from.is_some() {
            return u.clone();
        }
        let host = u.host.to_ascii_lowercase();
        let ip = match ingress_routing::ingress_host_address(&self.store, &host) {
            Some(ip) => {
                self.hosts_file.insert(host, ip.clone());
                Some(ip)
            }
            None => self.hosts_file.get(&host).cloned(),
        };
        match ip {
            Some(ip) => traffic::Url { host: ip, ..u.clone() },
            None => u.clone(),
        }
    }

    /// A request from `client` served by a pod's program (`traffic::serve`); processes it made
    /// exit stop. The first connection the network plugin dropped on the way is the answer's.
    #[allow(clippy::too_many_arguments)]
    fn serve_in_pod(
        &mut self,
        client: &network_policy::Client,
        ns: &str,
        pod: &str,
        port: i32,
        method: &str,
        headers: &traffic::Headers,
        path: &str,
        t: Time,
        timeout_ms: u64,
    ) -> traffic::Served {
        let (mut served, drops) = self.in_traffic_world(t, headers, client.clone(), |w| {
            let served = traffic::serve(w, ns, pod, port, method, path, t, timeout_ms);
            (served, std::mem::take(&mut w.drops))
        });
        if served.dropped.is_none() {
            served.dropped = drops.into_iter().next();
        }
        served
    }

    /// Runs `f` where pods' programs serve requests (the store, the machines, the servers'
    /// state), then applies at `t` the crashes it caused (a process that made its pod exit).
    pub(crate) fn in_traffic_world<R>(
        &mut self,
        t: Time,
        headers: &traffic::Headers,
        client: network_policy::Client,
        f: impl FnOnce(&mut traffic::World) -> R,
    ) -> R {
        let mut w = traffic::World {
            store: &self.store,
            machines: &self.machines,
            runtimes: &self.runtimes,
            servers: &mut self.servers,
            kv: &mut self.kv,
            rng: &mut self.rng,
            host: headers.host.clone(),
            headers: headers.other.clone(),
            crashes: Vec::new(),
            client,
            drops: Vec::new(),
        };
        let result = f(&mut w);
        let crashes = std::mem::take(&mut w.crashes);
        self.apply_crashes(crashes, t);
        result
    }

    /// Routes one request to its pod.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send(
        &mut self,
        client: &network_policy::Client,
        dest: &traffic::Dest,
        conn: Option<&mut Option<(String, i32)>>,
        method: &str,
        headers: &traffic::Headers,
        path: &str,
        t: Time,
        timeout_ms: u64,
    ) -> traffic::Served {
        use traffic::{Dest, Outcome, Served};
        let refused = |t: Time| Served {
            pod: None,
            version: None,
            done_at: Time(t.0 + 1),
            outcome: Outcome::Refused,
            hops: Vec::new(),
            proxied: None,
            dropped: None,
        };
        match dest {
            Dest::Lan { from, host, port } => {
                let served = match self.lan.request(
                    &mut self.servers,
                    from.as_deref(),
                    host,
                    *port,
                    path,
                    t,
                    Time(t.0.saturating_add(timeout_ms)),
                    0,
                ) {
                    Ok(s) => s,
                    Err(_) => return refused(t),
                };
                let _ = method;
                if served.done_at.0 - t.0 > timeout_ms {
                    return Served {
                        pod: None,
                        version: None,
                        done_at: Time(t.0 + timeout_ms),
                        outcome: Outcome::Timeout,
                        hops: Vec::new(),
                        proxied: None,
                        dropped: None,
                    };
                }
                served
            }
            Dest::Pod { ns, name, port } => {
                self.serve_in_pod(client, ns, name, *port, method, headers, path, t, timeout_ms)
            }
            Dest::Service { ns, name, port, via_node } => {
                if let Some(node) = via_node {
                    if self.machines.get(node).is_none_or(|m| !m.alive) {
                        return Served {
                            pod: None,
                            version: None,
                            done_at: Time(t.0 + timeout_ms),
                            outcome: Outcome::Timeout,
                            hops: Vec::new(),
                            proxied: None,
                            dropped: None,
                        };
                    }
                }
                let mut local = None;
                let conn = conn.unwrap_or(&mut local);
                // A connection to a pod that is gone (or going) is reset: dial again.
                if let Some((pod, _)) = conn.as_ref() {
                    let alive = self.store.pods.get(&(ns.clone(), pod.clone())).is_some_and(|p| {
                        p.metadata.deletion_timestamp.is_none()
                            || self.machines.get(&p.spec.node_name).is_none_or(|m| !m.alive)
                    });
                    if !alive {
                        *conn = None;
                    }
                }
                if conn.is_none() {
                    *conn = traffic::pick_endpoint(&self.store, ns, name, *port, &mut self.rng);
                }
                let Some((pod, target)) = conn.clone() else { return refused(t) };
                let served = self.serve_in_pod(client, ns, &pod, target, method, headers, path, t, timeout_ms);
                if !matches!(served.outcome, Outcome::Ok { .. }) {
                    *conn = None;
                }
                served
            }
        }
    }

    /// The access-log line a served request for `path` from `agent` leaves in its
    /// container's log.
    pub(crate) fn log_access(&mut self, path: &str, s: &traffic::Served, agent: &str) {
        self.log_request(s, path, "10.244.0.1", agent);
    }

    /// The access-log line of a request for `path` from `client` with user agent `agent`.
    pub(crate) fn log_request(&mut self, s: &traffic::Served, path: &str, client: &str, agent: &str) {
        let (Some((ns, pod)), traffic::Outcome::Ok { status, body }) = (&s.pod, &s.outcome) else { return };
        let Some(p) = self.store.pods.get(&(ns.clone(), pod.clone())) else { return };
        // The ingress controller logs the request in its format; what it proxied, its backend
        // logs too, from the controller's IP, with the path it was sent (after a rewrite).
        if controllers::ingress_nginx::is_controller_pod(p) {
            let proxy_ip = p.status.pod_ip.clone();
            let uid = p.metadata.uid.clone();
            if let Some(proxied) = &s.proxied {
                let line = ingress_routing::access_log::line(
                    proxied,
                    agent,
                    *status,
                    ingress_routing::body_bytes(body),
                    s.done_at,
                );
                if let Some(mut log) = self.runtimes.container_log(&uid, 0).filter(|l| l.running()) {
                    log.log(s.done_at, line);
                }
            }
            let upstream_path = s.proxied.as_ref().map_or(path, |p| p.upstream_uri.as_str()).to_string();
            for h in &s.hops {
                let next = traffic::Served { pod: h.pod.clone(), hops: Vec::new(), proxied: None, ..s.clone() };
                self.log_request(&next, &upstream_path, &proxy_ip, agent);
            }
            return;
        }
        // Only its logs change: nothing the kubelet acts on (`PodRuntime::next_wakeup`).
        if !self.runtimes.contains_key(&p.metadata.uid) {
            return;
        }
        let time = ingress_routing::access_log::time_local(s.done_at);
        for (index, spec) in p.spec.containers.iter().enumerate() {
            let repo = images::ImageRef::parse(&spec.image).repository;
            let line = match repo.as_str() {
                "ghcr.io/iximiuz/labs/kubernetes-101/app" => {
                    let text = if *status == 200 { "OK" } else { "Not Found" };
                    format!(
                        "INFO:     {client}:{} - \"GET {path} HTTP/1.1\" {status} {text}",
                        40000 + (s.done_at.0 % 20000)
                    )
                }
                r if r.ends_with("/nginx") || r.ends_with("/proxy") => format!(
                    "{client} - - [{time}] \"GET {path} HTTP/1.1\" {status} {} \"-\" \"{agent}\" \"-\"",
                    // The welcome page's size; nginx's error pages end their lines in CRLF.
                    if *status == 200 { 615 } else { body.len() + body.matches('\n').count() + 2 }
                ),
                // The official image logs to stdout in the `common` format (%h %l %u %t "%r"
                // %>s %b); its pages end in a newline the lab's bodies leave out.
                "docker.io/library/httpd" => {
                    format!("{client} - - [{time}] \"GET {path} HTTP/1.1\" {status} {}", body.len() + 1)
                }
                _ => continue,
            };
            if let Some(mut log) = self.runtimes.container_log(&p.metadata.uid, index).filter(|l| l.running()) {
                log.log(s.done_at, line);
            }
        }
    }

    /// Completes due requests and sends the next ones, in time order.
    pub(crate) fn run_load(&mut self) {
        let Some(mut load) = self.load.take() else { return };
        let now = self.now;
        let n_workers = load.workers.len() as u64;
        for i in 0..load.workers.len() {
            loop {
                let w = &mut load.workers[i];
                if let Some((sent, s)) = w.in_flight.clone() {
                    if s.done_at > now {
                        break;
                    }
                    w.in_flight = None;
                    if !load.keepalive {
                        w.conn = None;
                    }
                    load.stats.record(sent, &s, i);
                    self.load_tally.add(&s);
                    let path = traffic::parse_url(&load.url).map(|u| u.path).unwrap_or_else(|_| "/".into());
                    self.log_access(&path, &s, LOAD_AGENT);
                    let w = &mut load.workers[i];
                    match load.rps {
                        None => w.next_send = Some(w.next_after(s.done_at, &s.outcome)),
                        Some(r) => {
                            let gap = 1000 * n_workers / r.max(1) as u64;
                            w.next_send = Some(Time((sent.0 + gap).max(s.done_at.0)));
                        }
                    }
                    continue;
                }
                match w.next_send {
                    Some(t) if t <= now => {
                        let mut conn = w.conn.take();
                        let dest = load.dest.clone();
                        let path = traffic::parse_url(&load.url).map(|u| u.path).unwrap_or_else(|_| "/".into());
                        let served = self.send(
                            &network_policy::Client::Outside,
                            &dest,
                            Some(&mut conn),
                            "GET",
                            &load.headers,
                            &path,
                            t,
                            load.timeout_ms,
                        );
                        let w = &mut load.workers[i];
                        w.conn = conn;
                        w.in_flight = Some((t, served));
                        w.next_send = None;
                    }
                    _ => break,
                }
            }
        }
        self.load = Some(load);
    }
}

/// The User-Agent of `lab curl` (the workstation's curl, as on the VM-era machines) and of
/// the load generator.
const CURL_AGENT: &str = "curl/8.5.0";
const LOAD_AGENT: &str = "kubelab-load";

/// A request's headers from the URL's host and those given: a `Host` among them wins.
fn request_headers(url_host: &str, given: &[(String, String)]) -> traffic::Headers {
    let mut h = traffic::Headers::host(url_host);
    for (k, v) in given {
        if k.eq_ignore_ascii_case("host") {
            h.host = v.clone();
        } else {
            h.other.push((k.clone(), v.clone()));
        }
    }
    h
}

/// How long a resolver waits before it gives up on a DNS server that never answers:
/// resolv.conf's defaults, `timeout:5` seconds per try and `attempts:2` (resolv.conf(5)).
pub const DNS_GIVE_UP_MS: u64 = 10_000;

impl Engine {
    /// A pod asks the cluster DNS for a name: when its egress policies drop the query, the
    /// resolver waits (`DNS_GIVE_UP_MS`, the clock runs) and the name does not resolve.
    pub fn dns_query_from(
        &mut self,
        ns: &str,
        pod: &str,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(), network_policy::Dropped> {
        let Some(p) = self.store.pods.get(&(ns.to_string(), pod.to_string())) else { return Ok(()) };
        let verdict = network_policy::check_dns(&self.store, p);
        if verdict.is_err() {
            self.advance(DNS_GIVE_UP_MS, observe);
        }
        verdict
    }
}
