//! How the ingress-nginx controller's nginx answers a request (the configuration it writes
//! from the Ingresses of its class, as `internal/ingress/controller/controller.go` and its
//! `nginx.tmpl` build it):
//! - the server is chosen by the Host header: a rule's host exactly, else a wildcard rule
//!   `*.shop.example` for one more label (its server_name is
//!   `~^(?<subdomain>[\w-]+)\.shop\.example$`), else the default server `_`, which holds
//!   the rules without a host and the backend of an Ingress that has only a defaultBackend;
//! - in a server, an `Exact` path is `location = /p`; a `Prefix` path matches by path
//!   element (`/p` and `/p/...`); `ImplementationSpecific` is nginx's own prefix match; an
//!   exact match wins, then the longest; a host without a path for `/` falls back to its
//!   Ingress's `defaultBackend`;
//! - where nothing matches, the controller's default backend answers 404; a backend Service
//!   with no ready endpoint (or none at all) is 503; the controller balances over the
//!   endpoints itself, round robin (its Lua balancer's default), not through the ClusterIP;
//! - its error pages say `nginx` without a version (`server-tokens` is off by default).
//!
//! Not modelled: rewrite-target, canary and other annotations, regex paths (`use-regex`),
//! TLS (443 answers as 80 does), and several Ingresses claiming one host and path (the
//! oldest wins here, as upstream).

use crate::controllers::ingress_nginx::is_ours;
use crate::store::Store;
use crate::traffic::{serve, Hop, Outcome, Served, World};
use kubelab_api::*;

/// The backend a request goes to: a Service and port in a namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    pub ns: String,
    pub service: String,
    pub port: ServiceBackendPort,
}

/// An nginx error page as ingress-nginx serves it.
pub fn error_page(code: u16, text: &str) -> String {
    format!("<html>\n<head><title>{code} {text}</title></head>\n<body>\n<center><h1>{code} {text}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>")
}

/// Whether a rule's host takes a request's host.
fn host_matches(rule: &str, host: &str) -> bool {
    match rule.strip_prefix("*.") {
        Some(suffix) => host.strip_suffix(suffix).and_then(|h| h.strip_suffix('.')).is_some_and(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }),
        None => rule == host,
    }
}

/// How well a path rule matches: None, or (exact?, length) to rank matches.
fn path_match(path_type: &str, rule: &str, path: &str) -> Option<(bool, usize)> {
    match path_type {
        "Exact" => (path == rule).then_some((true, rule.len())),
        "Prefix" => {
            let p = rule.trim_end_matches('/');
            let hit = p.is_empty() || path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'));
            hit.then_some((false, p.len()))
        }
        _ => {
            let p = if rule.is_empty() { "/" } else { rule };
            path.starts_with(p).then_some((false, p.len()))
        }
    }
}

fn service_backend(ns: &str, b: &IngressBackend) -> Option<Backend> {
    let s = b.service.as_ref()?;
    Some(Backend { ns: ns.to_string(), service: s.name.clone(), port: s.port.clone() })
}

/// The Ingresses of the controller's class, oldest first (the first to claim a path keeps it).
fn ours(store: &Store) -> Vec<&Ingress> {
    let mut v: Vec<&Ingress> =
        store.ingresses.values().filter(|i| i.metadata.deletion_timestamp.is_none() && is_ours(store, i)).collect();
    kubelab_api::sort::by_key(&mut v, |i| {
        (i.metadata.creation_timestamp, i.metadata.namespace.clone(), i.metadata.name.clone())
    });
    v
}

/// Where the controller sends a request for `host` and `path` (None: its own 404).
pub fn route(store: &Store, host: &str, path: &str) -> Option<Backend> {
    let ingresses = ours(store);
    let rule_hosts = || ingresses.iter().flat_map(|i| i.spec.rules.iter()).map(|r| r.host.as_str());
    // The server: the exact host, else a wildcard one, else the default server (no host).
    let server = if !host.is_empty() && rule_hosts().any(|h| h == host) {
        host
    } else {
        rule_hosts().find(|h| h.starts_with("*.") && host_matches(h, host)).unwrap_or("")
    };
    let mut best: Option<((bool, usize), Backend)> = None;
    let mut fallback: Option<Backend> = None;
    for i in &ingresses {
        let ns = &i.metadata.namespace;
        for r in i.spec.rules.iter().filter(|r| r.host == server) {
            if fallback.is_none() && !r.host.is_empty() {
                fallback = i.spec.default_backend.as_ref().and_then(|b| service_backend(ns, b));
            }
            for p in r.http.iter().flat_map(|h| h.paths.iter()) {
                let Some(rank) = path_match(p.path_type.as_deref().unwrap_or(""), &p.path, path) else { continue };
                let Some(b) = service_backend(ns, &p.backend) else { continue };
                if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                    best = Some((rank, b));
                }
            }
        }
    }
    if let Some((_, b)) = best {
        return Some(b);
    }
    if fallback.is_some() {
        return fallback;
    }
    // The default server's catch-all: an Ingress with only a defaultBackend.
    ingresses
        .iter()
        .filter(|i| i.spec.rules.is_empty())
        .find_map(|i| i.spec.default_backend.as_ref().and_then(|b| service_backend(&i.metadata.namespace, b)))
}

/// The address the learner's machine resolves a host named in an Ingress to (as a line in
/// /etc/hosts would): that Ingress's address, once its controller has written one.
pub fn ingress_host_address(store: &Store, host: &str) -> Option<String> {
    let host = host.to_ascii_lowercase();
    store
        .ingresses
        .values()
        .filter(|i| i.spec.rules.iter().any(|r| !r.host.is_empty() && host_matches(&r.host, &host)))
        .find_map(|i| i.status.load_balancer.ingress.iter().find(|a| !a.ip.is_empty()).map(|a| a.ip.clone()))
}

/// The backend's ready endpoints (pod, port), for the Service port it names.
fn endpoints(store: &Store, b: &Backend) -> Vec<(String, i32)> {
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
                out.push((r.name.clone(), epp.port));
            }
        }
    }
    out
}

/// A request reaching the controller pod `pod` on 80 or 443 at `t`.
#[allow(clippy::too_many_arguments)]
pub fn serve_proxy(w: &mut World, ns: &str, pod: &str, method: &str, path: &str, t: Time, timeout_ms: u64) -> Served {
    let me = Some((ns.to_string(), pod.to_string()));
    let answer = |done: Time, code: u16, text: &str| Served {
        pod: me.clone(),
        version: None,
        done_at: done,
        outcome: Outcome::Ok { status: code, body: error_page(code, text) },
        hops: Vec::new(),
    };
    let host = w.host.split(':').next().unwrap_or("").to_ascii_lowercase();
    let route_path = path.split('?').next().unwrap_or(path);
    let Some(b) = route(w.store, &host, route_path) else { return answer(Time(t.0 + 1), 404, "Not Found") };
    let eps = endpoints(w.store, &b);
    if eps.is_empty() {
        return answer(Time(t.0 + 1), 503, "Service Temporarily Unavailable");
    }
    // Round robin over the endpoints, per backend.
    let key = format!("{}/{}:{}{}", b.ns, b.service, b.port.name, b.port.number);
    let turn = w.servers.round_robin.entry(key).or_insert(0);
    let (target, port) = eps[(*turn % eps.len() as u64) as usize].clone();
    *turn += 1;
    let inner = serve(w, &b.ns, &target, port, method, path, Time(t.0 + 1), timeout_ms);
    let mut hops = vec![Hop { service: (b.ns.clone(), b.service.clone()), pod: inner.pod.clone() }];
    hops.extend(inner.hops.iter().cloned());
    let done = Time(inner.done_at.0 + 1);
    let outcome = match inner.outcome {
        Outcome::Ok { .. } | Outcome::Timeout => inner.outcome,
        _ => Outcome::Ok { status: 502, body: error_page(502, "Bad Gateway") },
    };
    Served { pod: me, version: inner.version, done_at: done, outcome, hops }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_as_ingress_nginx_does() {
        assert_eq!(path_match("Prefix", "/foo", "/foo/bar"), Some((false, 4)));
        assert_eq!(path_match("Prefix", "/foo/", "/foo"), Some((false, 4)));
        assert_eq!(path_match("Prefix", "/foo", "/foobar"), None, "by path element");
        assert_eq!(path_match("Prefix", "/", "/anything"), Some((false, 0)));
        assert_eq!(path_match("Exact", "/foo", "/foo/"), None);
        assert_eq!(path_match("ImplementationSpecific", "/foo", "/foobar"), Some((false, 4)), "nginx's prefix");
        assert!(path_match("Exact", "/a", "/a") > path_match("Prefix", "/a/b/c", "/a/b/c"), "an exact match wins");
    }

    #[test]
    fn a_wildcard_host_takes_one_label() {
        assert!(host_matches("*.shop.example", "www.shop.example"));
        assert!(!host_matches("*.shop.example", "a.b.shop.example"));
        assert!(!host_matches("*.shop.example", "shop.example"));
        assert!(host_matches("shop.example", "shop.example"));
    }
}
