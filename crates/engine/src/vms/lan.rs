//! Requests on the LAN: from the workstation or a container to a machine or a container,
//! through the docker networks, and what the program there answers.

use super::*;

/// Where a request lands.
pub(super) enum Target {
    Machine(String),
    /// A container on a machine, by its address on a docker network.
    Container(String, usize),
}

/// A served request, with who served it for the load generator's per-instance counts.
pub(super) fn served(vm: &str, c: &Ctr, done_at: Time, outcome: Outcome) -> Served {
    Served {
        pod: Some((vm.to_string(), format!("{vm}/{}", c.name))),
        version: Some(c.version()),
        done_at,
        outcome,
        hops: Vec::new(),
        proxied: None,
        dropped: None,
    }
}

pub(super) fn failed(done_at: Time, outcome: Outcome) -> Served {
    Served { pod: None, version: None, done_at, outcome, hops: Vec::new(), proxied: None, dropped: None }
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
            return self.serve_workshop_app(servers, vm, ci, &c, path, client_ip, t, deadline);
        }
        if c.conf.is_some() {
            return self.serve_nginx(servers, vm, &c, path, client_ip, &stamp, t, deadline, depth);
        }
        served(vm, &c, Time(t.0 + 2), Outcome::Ok { status: 200, body: "OK".into() })
    }

    /// The workshop app in container `ci` (a copy in `c`): uvicorn with a blocking 1 s
    /// sleep, one request at a time.
    #[allow(clippy::too_many_arguments)]
    fn serve_workshop_app(
        &mut self,
        servers: &mut Servers,
        vm: &str,
        ci: usize,
        c: &Ctr,
        path: &str,
        client_ip: &str,
        t: Time,
        deadline: Time,
    ) -> Served {
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
        served(vm, c, done, Outcome::Ok { status: 200, body })
    }

    /// nginx in `c` with its configuration: proxies to its upstream group, or answers with its
    /// `return` or the welcome page; logs the request.
    #[allow(clippy::too_many_arguments)]
    fn serve_nginx(
        &mut self,
        servers: &mut Servers,
        vm: &str,
        c: &Ctr,
        path: &str,
        client_ip: &str,
        stamp: &str,
        t: Time,
        deadline: Time,
        depth: u32,
    ) -> Served {
        let mut conf = c.conf.clone().unwrap_or_default();
        let result = if let Some(group) = conf.group_mut() {
            self.proxy_to_upstream(servers, vm, c, group, path, client_ip, t, deadline, depth)
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
        let (out, status) = nginx_reply(vm, c, t, done, has_proxy, inner, returns);
        let line = format!("{client_ip} - - [{stamp}] \"GET {path} HTTP/1.1\" {status} 35 \"-\" \"curl/8.5.0\" \"-\"");
        self.log_to(vm, &c.id, out.done_at, line);
        out
    }

    /// proxy_pass with proxy_next_upstream error timeout (the default): tries each peer of
    /// `group` at most once, a failure counted against it. When the proxying ended, and the
    /// answer passed on, if any.
    #[allow(clippy::too_many_arguments)]
    fn proxy_to_upstream(
        &mut self,
        servers: &mut Servers,
        vm: &str,
        c: &Ctr,
        group: &mut nginx::Upstream,
        path: &str,
        client_ip: &str,
        t: Time,
        deadline: Time,
        depth: u32,
    ) -> (Time, Option<Served>) {
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
                    Some(me) => {
                        self.serve(servers, vm, me, peer.port, path, &c.ip, Time(now.0 + 1), deadline, depth + 1)
                    }
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
    }
}

/// What nginx in `c` answers, and the status it logs: the proxied answer (`inner`, proxying
/// having ended at `done`), its `return`, or the welcome page.
fn nginx_reply(
    vm: &str,
    c: &Ctr,
    t: Time,
    done: Time,
    has_proxy: bool,
    inner: Option<Served>,
    returns: Option<(u16, String)>,
) -> (Served, u16) {
    match (has_proxy, inner, returns) {
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
            (served(vm, c, Time(t.0 + 1), Outcome::Ok { status: code, body: text }), code)
        }
        (false, _, None) => (
            served(
                vm,
                c,
                Time(t.0 + 1),
                Outcome::Ok {
                    status: 200,
                    body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>".into(),
                },
            ),
            200,
        ),
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
pub(super) fn access_time(t: Time) -> String {
    let ts = t.rfc3339();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = months[ts[5..7].parse::<usize>().unwrap_or(1).saturating_sub(1).min(11)];
    format!("{}/{month}/{}:{} +0000", &ts[8..10], &ts[0..4], &ts[11..19])
}
