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
//! - with `nginx.ingress.kubernetes.io/use-regex` or a `rewrite-target` on any location of a
//!   server, every location of that server is a case-insensitive regex `~* "^PATH"`
//!   (template.go `enforceRegexModifier`, `buildLocation`: Exact and Prefix too), tried
//!   longest path first (controller.go sorts a server's locations by length, then path,
//!   descending), the first match winning; a Prefix location without a regex of its own was
//!   first split into `PATH/` and `PATH` (`updateServerLocations`);
//! - `rewrite-target` rewrites the URI with `rewrite "(?i)PATH" TARGET break;` (template.go
//!   `buildProxyPass`): the whole URI becomes TARGET with `$1`..`$9` filled from the path's
//!   groups, and the query string is kept;
//! - canary Ingresses as `canary` says;
//! - each request leaves a line in the controller's access log (`access_log`).
//!
//! Not modelled: other annotations, TLS (443 answers as 80 does), session affinity, and
//! several Ingresses claiming one host and path (the oldest wins here, as upstream). A
//! regex path that does not compile never matches here; upstream's `nginx -t` would fail
//! and the controller keep its previous configuration for every host (the admission
//! webhook that would refuse it is not installed, see `addons.rs`). Variables other than
//! `$1`..`$9` in a rewrite target are kept as written.

pub mod access_log;
pub mod annotations;
pub mod canary;
mod proxy;
pub mod regex;
#[cfg(test)]
mod tests;

pub use proxy::{body_bytes, serve_proxy};

use crate::controllers::ingress_nginx::is_ours;
use crate::store::Store;
use annotations::{Canary, Rewrite};
use kubelab_api::*;
use regex::Regex;

/// The backend a request goes to: a Service and port in a namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct Backend {
    pub ns: String,
    pub service: String,
    pub port: ServiceBackendPort,
}

impl Backend {
    /// controller.go `upstreamName`: `NAMESPACE-SERVICE-PORT`, the port's number if it has one.
    pub fn upstream_name(&self) -> String {
        if self.port.number > 0 {
            format!("{}-{}-{}", self.ns, self.service, self.port.number)
        } else {
            format!("{}-{}-{}", self.ns, self.service, self.port.name)
        }
    }
}

/// Where the controller sends a request.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub backend: Backend,
    /// The URI the backend is sent when a rewrite changed it (with the query string).
    pub rewritten: Option<String>,
    /// The canary merged into the backend's upstream, and its rules.
    pub alternative: Option<(Backend, Canary)>,
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

/// A location of a server: a path of a main (not canary) Ingress's rule.
struct Location<'a> {
    host: &'a str,
    path: &'a str,
    path_type: &'a str,
    backend: Backend,
    rewrite: Rewrite,
}

/// Every main location, the Ingresses oldest first and their rules and paths in order; the
/// first to claim a host, path and pathType keeps it.
fn main_locations<'a>(ingresses: &[&'a Ingress]) -> Vec<Location<'a>> {
    let mut out: Vec<Location> = Vec::new();
    for i in ingresses {
        let rewrite = annotations::rewrite(i);
        for r in &i.spec.rules {
            for p in r.http.iter().flat_map(|h| h.paths.iter()) {
                let Some(backend) = service_backend(&i.metadata.namespace, &p.backend) else { continue };
                let path = if p.path.is_empty() { "/" } else { p.path.as_str() };
                let path_type = p.path_type.as_deref().unwrap_or("ImplementationSpecific");
                if out.iter().any(|l| l.host == r.host && l.path == path && l.path_type == path_type) {
                    continue;
                }
                out.push(Location { host: &r.host, path, path_type, backend, rewrite: rewrite.clone() });
            }
        }
    }
    out
}

/// A case-insensitive regex (nginx's `location ~*`), or None if it does not compile (or is
/// too big: see `regex`).
fn regex(pattern: &str) -> Option<Regex> {
    Regex::new(pattern, true).ok()
}

/// The location a path takes in a server whose locations are regexes: `^PATH`, longest
/// path first, then the greater path; a plain Prefix location split into `PATH/` and `PATH`.
fn regex_location<'l, 'a>(locations: &[&'l Location<'a>], path: &str) -> Option<&'l Location<'a>> {
    let mut tried: Vec<(String, &Location)> = Vec::new();
    for l in locations {
        let plain_prefix =
            l.path_type == "Prefix" && !l.rewrite.needs_rewrite(l.path) && !l.rewrite.use_regex && l.path != "/";
        if plain_prefix {
            let exact_exists = locations.iter().any(|o| o.path_type == "Exact" && o.path == l.path);
            tried.push((format!("{}/", l.path.trim_end_matches('/')), l));
            if !exact_exists {
                tried.push((l.path.to_string(), l));
            }
        } else {
            tried.push((l.path.to_string(), l));
        }
    }
    kubelab_api::sort::by(&mut tried, |a, b| b.0.cmp(&a.0));
    kubelab_api::sort::by_key(&mut tried, |t| std::cmp::Reverse(t.0.len()));
    tried.into_iter().find(|(p, _)| regex(&format!("^{p}")).is_some_and(|re| re.is_match(path))).map(|(_, l)| l)
}

/// nginx's `rewrite "(?i)PATH" TARGET break;` on the URI's path: the whole path becomes the
/// target with `$1`..`$9` filled in; the query string is appended (the target has none).
pub fn rewrite_uri(pattern: &str, target: &str, path: &str, query: Option<&str>) -> Option<String> {
    let caps = regex(pattern)?.captures(path)?;
    let mut out = String::new();
    let mut chars = target.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
            ('$', Some(n)) if n > 0 => {
                chars.next();
                out.push_str(caps.get(n as usize).unwrap_or(""));
            }
            _ => out.push(c),
        }
    }
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

/// Where the controller sends a request for `host` and `uri` (path and query; None: its own
/// 404).
pub fn route(store: &Store, host: &str, uri: &str) -> Option<Route> {
    let (path, query) = match uri.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (uri, None),
    };
    let ingresses = ours(store);
    let (canaries, mains): (Vec<&Ingress>, Vec<&Ingress>) = ingresses.iter().partition(|i| annotations::is_canary(i));
    let rule_hosts = || mains.iter().flat_map(|i| i.spec.rules.iter()).map(|r| r.host.as_str());
    // The server: the exact host, else a wildcard one, else the default server (no host).
    let server = if !host.is_empty() && rule_hosts().any(|h| h == host) {
        host
    } else {
        rule_hosts().find(|h| h.starts_with("*.") && host_matches(h, host)).unwrap_or("")
    };
    let all = main_locations(&mains);
    let here: Vec<&Location> = all.iter().filter(|l| l.host == server).collect();
    let enforce_regex = here.iter().any(|l| l.rewrite.needs_rewrite(l.path) || l.rewrite.use_regex);
    let chosen = if enforce_regex {
        regex_location(&here, path)
    } else {
        let mut best: Option<((bool, usize), &Location)> = None;
        for l in &here {
            let Some(rank) = path_match(l.path_type, l.path, path) else { continue };
            if best.as_ref().is_none_or(|(r, _)| rank > *r) {
                best = Some((rank, l));
            }
        }
        best.map(|(_, l)| l)
    };
    let (backend, rewritten) = match chosen {
        Some(l) => {
            let rewritten = l
                .rewrite
                .needs_rewrite(l.path)
                .then(|| rewrite_uri(&format!("(?i){}", l.path), &l.rewrite.target, path, query))
                .flatten();
            (l.backend.clone(), rewritten)
        }
        None => (default_backend(&mains, server)?, None),
    };
    let alternative = alternatives(&all, &mains, &canaries)
        .into_iter()
        .find(|(primary, _, _)| primary.upstream_name() == backend.upstream_name())
        .map(|(_, alt, policy)| (alt, policy));
    Some(Route { backend, rewritten, alternative })
}

/// A server's `/` when no path takes the request: the defaultBackend of the first Ingress
/// with a rule for the host, or for the default server an Ingress with only a
/// defaultBackend (the catch-all). None: the controller's own default backend (404).
fn default_backend(mains: &[&Ingress], server: &str) -> Option<Backend> {
    if !server.is_empty() {
        let owner = mains.iter().find(|i| i.spec.rules.iter().any(|r| r.host == server))?;
        return owner.spec.default_backend.as_ref().and_then(|b| service_backend(&owner.metadata.namespace, b));
    }
    mains
        .iter()
        .filter(|i| i.spec.rules.is_empty())
        .find_map(|i| i.spec.default_backend.as_ref().and_then(|b| service_backend(&i.metadata.namespace, b)))
}

/// The canaries merged into the main locations' upstreams (none without a main Ingress).
fn alternatives(all: &[Location], mains: &[&Ingress], canaries: &[&Ingress]) -> Vec<(Backend, Backend, Canary)> {
    if mains.is_empty() || canaries.is_empty() {
        return Vec::new();
    }
    let catch_all = default_backend(mains, "");
    let mut locations: Vec<canary::MainLocation> = all
        .iter()
        .map(|l| canary::MainLocation { host: l.host, path: l.path, path_type: l.path_type, backend: &l.backend })
        .collect();
    if let Some(b) = &catch_all {
        locations.push(canary::MainLocation { host: "", path: "/", path_type: "Prefix", backend: b });
    }
    let mut backends = Vec::new();
    for c in canaries {
        let policy = annotations::canary(c);
        let ns = &c.metadata.namespace;
        if let Some(b) = c.spec.default_backend.as_ref().and_then(|b| service_backend(ns, b)) {
            backends.push(canary::CanaryBackend { rule: None, backend: b, policy: policy.clone() });
        }
        for r in &c.spec.rules {
            for p in r.http.iter().flat_map(|h| h.paths.iter()) {
                let Some(backend) = service_backend(ns, &p.backend) else { continue };
                let path = if p.path.is_empty() { "/" } else { p.path.as_str() };
                let path_type = p.path_type.as_deref().unwrap_or("ImplementationSpecific");
                backends.push(canary::CanaryBackend {
                    rule: Some((r.host.as_str(), path, path_type)),
                    backend,
                    policy: policy.clone(),
                });
            }
        }
    }
    canary::merge(&locations, backends)
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

#[cfg(test)]
mod unit_tests {
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

    #[test]
    fn a_rewrite_replaces_the_whole_uri_with_the_target() {
        let docs = "(?i)/something(/|$)(.*)";
        assert_eq!(rewrite_uri(docs, "/$2", "/something", None).as_deref(), Some("/"));
        assert_eq!(rewrite_uri(docs, "/$2", "/something/", None).as_deref(), Some("/"));
        assert_eq!(rewrite_uri(docs, "/$2", "/something/new", Some("a=1")).as_deref(), Some("/new?a=1"));
        assert_eq!(rewrite_uri("(?i)/api", "/", "/API/users", None).as_deref(), Some("/"), "no groups: all of it");
        assert_eq!(rewrite_uri("(?i)/a(x)?", "/$1$9$", "/a", None).as_deref(), Some("/$"), "unset groups are empty");
    }

    #[test]
    fn hostile_patterns_do_not_compile_and_match_nothing() {
        assert!(regex("/broken(").is_none());
        let huge = "(a{1000}){1000}";
        assert!(regex(huge).is_none(), "over the size limit");
        assert_eq!(rewrite_uri(huge, "/", "/aaa", None), None);
        let long = format!("/{}", "x".repeat(200_000));
        assert!(!regex(&format!("^{long}")).is_some_and(|re| re.is_match("/x")), "too big, or no match");
    }
}
