//! Ingresses as the map draws them: a box in front of the Services, a line per rule
//! (host and path) to the Service it sends to, with what the controller would do with it
//! written out (its address, a canary's rules, a backend without endpoints).

use kubelab_api::{Ingress, IngressBackend};
use kubelab_engine::ingress_routing::annotations;
use kubelab_engine::Engine;

/// At most this many rules are drawn per Ingress; the rest are counted.
pub const MAX_RULES_DRAWN: usize = 8;

#[derive(Clone, Debug, PartialEq)]
pub struct IngressView {
    pub namespace: String,
    pub name: String,
    /// `spec.ingressClassName`, or `<none>`.
    pub class: String,
    /// `status.loadBalancer`'s first address, once the controller has written it.
    pub address: Option<String>,
    /// A canary Ingress's rules in words: `canary: weight 10/100 · header X-Canary`.
    pub canary: Option<String>,
    /// The first MAX_RULES_DRAWN rules (the default backend first, if any).
    pub rules: Vec<IngressRuleView>,
    /// Rules not drawn.
    pub more_rules: usize,
}

/// One host and path of an Ingress, or its default backend.
#[derive(Clone, Debug, PartialEq)]
pub struct IngressRuleView {
    /// `shop.example/api`, `*/` for any host, `default backend`.
    pub route: String,
    /// The backend Service (namespace, name), None for a resource backend.
    pub service: Option<(String, String)>,
    /// `web:80`.
    pub backend: String,
    /// The Service's ready endpoints; None when there is no such Service.
    pub endpoints: Option<usize>,
}

impl IngressRuleView {
    /// The rule's state in words, so it reads without colour.
    pub fn state(&self) -> &'static str {
        match self.endpoints {
            None if self.service.is_none() => "resource backend",
            None => "⚠ no such Service (503)",
            Some(0) => "⚠ no endpoints (503)",
            Some(_) => "✓",
        }
    }
}

pub fn ingress_views(engine: &Engine) -> Vec<IngressView> {
    engine.store().ingresses.values().map(|i| ingress_view(engine, i)).collect()
}

fn ingress_view(engine: &Engine, i: &Ingress) -> IngressView {
    let ns = &i.metadata.namespace;
    let mut rules: Vec<IngressRuleView> = Vec::new();
    let mut total: usize = 0;
    let mut push = |route: String, b: &IngressBackend| {
        total += 1;
        if rules.len() < MAX_RULES_DRAWN {
            rules.push(rule_view(engine, ns, route, b));
        }
    };
    if let Some(b) = &i.spec.default_backend {
        push("default backend".into(), b);
    }
    for r in &i.spec.rules {
        let host = if r.host.is_empty() { "*" } else { r.host.as_str() };
        for p in r.http.iter().flat_map(|h| h.paths.iter()) {
            let path = if p.path.is_empty() { "/" } else { p.path.as_str() };
            let exact = if p.path_type.as_deref() == Some("Exact") { " (exact)" } else { "" };
            push(format!("{host}{path}{exact}"), &p.backend);
        }
    }
    let c = annotations::canary(i);
    let canary = c.enabled.then(|| {
        let total = if c.weight_total > 100 { c.weight_total } else { 100 };
        let mut parts = vec![format!("weight {}/{total}", c.weight.clamp(0, total))];
        if !c.header.is_empty() {
            parts.push(format!("header {}", c.header));
        }
        if !c.cookie.is_empty() {
            parts.push(format!("cookie {}", c.cookie));
        }
        format!("canary: {}", parts.join(" · "))
    });
    IngressView {
        namespace: ns.clone(),
        name: i.metadata.name.clone(),
        class: i.spec.ingress_class_name.clone().unwrap_or_else(|| "<none>".into()),
        address: i.status.load_balancer.ingress.iter().find_map(|a| {
            let addr = if a.ip.is_empty() { &a.hostname } else { &a.ip };
            (!addr.is_empty()).then(|| addr.clone())
        }),
        canary,
        rules,
        more_rules: total.saturating_sub(MAX_RULES_DRAWN),
    }
}

fn rule_view(engine: &Engine, ns: &str, route: String, b: &IngressBackend) -> IngressRuleView {
    let Some(s) = &b.service else {
        let r = b.resource.as_ref();
        return IngressRuleView {
            route,
            service: None,
            backend: r.map(|r| format!("{}/{}", r.kind, r.name)).unwrap_or_default(),
            endpoints: None,
        };
    };
    let port = if s.port.number > 0 { s.port.number.to_string() } else { s.port.name.clone() };
    let key = (ns.to_string(), s.name.clone());
    let store = engine.store();
    let endpoints = store
        .services
        .get(&key)
        .map(|_| store.endpoints.get(&key).map_or(0, |ep| ep.subsets.iter().map(|ss| ss.addresses.len()).sum()));
    IngressRuleView { route, service: Some(key), backend: format!("{}:{port}", s.name), endpoints }
}
