//! A request's trip through the controller's nginx: route it, pick the canary or the main
//! backend, balance over that backend's ready endpoints itself (round robin, the Lua
//! balancer's default, not through the ClusterIP), pass it on, and write the access-log
//! record of it.

use super::access_log::{self, Proxied};
use super::canary::{to_alternative, RequestHeaders};
use super::{error_page, route, Backend};
use crate::store::Store;
use crate::traffic::{serve_as, Hop, Outcome, Served, World};
use kubelab_api::*;

/// The backend's ready endpoints (pod, its IP, port), for the Service port it names,
/// borrowed from the store: a request picks one of them, and a backend of 1,000 pods is
/// not copied for each request.
fn endpoints<'a>(store: &'a Store, b: &Backend) -> Vec<(&'a str, &'a str, i32)> {
    let key = (b.ns.clone(), b.service.clone());
    let (Some(svc), Some(ep)) = (store.services.get(&key), store.endpoints.get(&key)) else { return Vec::new() };
    let Some(sp) = svc.spec.ports.iter().find(|sp| {
        (b.port.number != 0 && sp.port == b.port.number) || (!b.port.name.is_empty() && sp.name == b.port.name)
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for ss in &ep.subsets {
        let Some(epp) = ss.ports.iter().find(|p| p.name == sp.name) else { continue };
        for a in &ss.addresses {
            if let Some(r) = &a.target_ref {
                out.push((r.name.as_str(), a.ip.as_str(), epp.port));
            }
        }
    }
    out
}

/// The bytes nginx sends for a body as the lab keeps it: nginx's welcome page is 615 bytes
/// (the lab keeps its head only), nginx's own error pages end their lines in CRLF.
pub fn body_bytes(body: &str) -> usize {
    if body.contains("<title>Welcome to nginx!</title>") {
        615
    } else if body.contains("<hr><center>nginx") {
        body.len() + body.matches('\n').count() + 2
    } else {
        body.len()
    }
}

/// A request reaching the controller pod `pod` on 80 or 443 at `t`, which its nginx has
/// spent its CPU on by `nginx_done` (later than `t` only when its CPU is queued).
#[allow(clippy::too_many_arguments)]
pub fn serve_proxy(
    w: &mut World,
    ns: &str,
    pod: &str,
    method: &str,
    uri: &str,
    (t, nginx_done): (Time, Time),
    timeout_ms: u64,
) -> Served {
    let host = w.host.split(':').next().unwrap_or("").to_ascii_lowercase();
    w.servers.requests += 1;
    let request = format!("{method} {uri} HTTP/1.1");
    let mut log = Proxied {
        request_bytes: access_log::request_bytes(&request, &w.host, &w.headers),
        request,
        upstream: access_log::DEFAULT_BACKEND.into(),
        alternative: String::new(),
        upstream_addr: None,
        upstream_status: None,
        upstream_bytes: 0,
        upstream_ms: 0,
        upstream_uri: uri.to_string(),
        req_id: access_log::req_id(w.servers.requests),
        sent: t,
    };
    let me = Some((ns.to_string(), pod.to_string()));
    let answer = |done: Time, code: u16, text: &str, log: Proxied| Served {
        pod: me.clone(),
        version: None,
        done_at: done,
        outcome: Outcome::Ok { status: code, body: error_page(code, text) },
        hops: Vec::new(),
        proxied: Some(Box::new(log)),
        dropped: None,
    };
    let Some(r) = route(w.store, &host, uri) else {
        // The default backend: the controller's own server answers 404.
        let body = error_page(404, "Not Found");
        log.upstream_addr = Some(access_log::DEFAULT_BACKEND_ADDR.into());
        log.upstream_status = Some(404);
        log.upstream_bytes = body_bytes(&body);
        return answer(Time(t.0 + 1), 404, "Not Found", log);
    };
    log.upstream = r.backend.upstream_name();
    let eps = endpoints(w.store, &r.backend);
    if eps.is_empty() {
        return answer(Time(t.0 + 1), 503, "Service Temporarily Unavailable", log);
    }
    let mut chosen = (r.backend, eps);
    if let Some((alt, policy)) = r.alternative {
        let alt_eps = endpoints(w.store, &alt);
        if !alt_eps.is_empty() && to_alternative(&policy, &RequestHeaders(&w.headers), w.rng) {
            log.alternative = alt.upstream_name();
            chosen = (alt, alt_eps);
        }
    }
    let (b, eps) = chosen;
    // Round robin over the endpoints, per backend.
    let key = format!("{}/{}:{}{}", b.ns, b.service, b.port.name, b.port.number);
    let turn = w.servers.round_robin.entry(key).or_insert(0);
    let (target, ip, port) = eps[(*turn % eps.len() as u64) as usize];
    let (target, ip) = (target.to_string(), ip.to_string());
    *turn += 1;
    let upstream_uri = r.rewritten.unwrap_or_else(|| uri.to_string());
    // The controller pod opens the connection to the backend (its own namespace's egress).
    let forward_at = Time((t.0 + 1).max(nginx_done.0));
    let inner = serve_as(w, (ns, pod), &b.ns, &target, port, method, &upstream_uri, forward_at, timeout_ms);
    let mut hops = vec![Hop { service: (b.ns.clone(), b.service.clone()), pod: inner.pod.clone() }];
    hops.extend(inner.hops.iter().cloned());
    let done = Time(inner.done_at.0 + 1);
    let outcome = match inner.outcome {
        Outcome::Ok { .. } | Outcome::Timeout => inner.outcome,
        _ => Outcome::Ok { status: 502, body: error_page(502, "Bad Gateway") },
    };
    log.upstream_addr = Some(format!("{ip}:{port}"));
    log.upstream_uri = upstream_uri;
    log.upstream_ms = inner.done_at.0.saturating_sub(forward_at.0);
    match &outcome {
        Outcome::Ok { status, body } => {
            log.upstream_status = Some(*status);
            log.upstream_bytes = if *status == 502 { 0 } else { body_bytes(body) };
        }
        _ => log.upstream_status = None,
    }
    Served {
        pod: me,
        version: inner.version,
        done_at: done,
        outcome,
        hops,
        proxied: Some(Box::new(log)),
        dropped: None,
    }
}
