//! describe for a Service, its Endpoints, an Ingress and an IngressClass.

use super::{describe_events, labels_multiline, W};
use crate::printers;
use kubelab_api::*;
use kubelab_engine::store::Store;

pub fn service(store: &Store, s: &Service, now: Time) -> String {
    let mut w = W(String::new());
    let m = &s.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Selector:\t{}", printers::labels_string(&s.spec.selector)));
    w.line(0, &format!("Type:\t{}", s.spec.type_));
    w.line(0, &format!("IP Family Policy:\t{}", s.spec.ip_family_policy.clone().unwrap_or_default()));
    w.line(0, &format!("IP Families:\t{}", s.spec.ip_families.join(",")));
    w.line(0, &format!("IP:\t{}", s.spec.cluster_ip));
    w.line(0, &format!("IPs:\t{}", s.spec.cluster_ips.join(",")));
    let ingress: Vec<String> = s
        .status
        .load_balancer
        .ingress
        .iter()
        .map(|i| if i.ip.is_empty() { i.hostname.clone() } else { i.ip.clone() })
        .collect();
    if !ingress.is_empty() {
        w.line(0, &format!("LoadBalancer Ingress:\t{}", ingress.join(", ")));
    }
    let ep = store.endpoints.get(&(m.namespace.clone(), m.name.clone()));
    for p in &s.spec.ports {
        let name = if p.name.is_empty() { "<unset>".to_string() } else { p.name.clone() };
        w.line(0, &format!("Port:\t{name}\t{}/{}", p.port, p.protocol));
        let tp = p.target_port.clone().unwrap_or(IntOrString::Int(p.port));
        w.line(0, &format!("TargetPort:\t{tp}/{}", p.protocol));
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.line(0, &format!("NodePort:\t{name}\t{np}/{}", p.protocol));
        }
        // formatEndpoints for this port: at most three, then "+ N more...".
        let shown = ep
            .map(|e| {
                let mut only = e.clone();
                for ss in &mut only.subsets {
                    ss.ports.retain(|x| x.name == p.name);
                }
                printers::format_endpoints(&only)
            })
            .unwrap_or_else(|| "<none>".into());
        w.line(0, &format!("Endpoints:\t{}", if shown == "<none>" { String::new() } else { shown }));
    }
    w.line(0, &format!("Session Affinity:\t{}", s.spec.session_affinity));
    if !s.spec.external_traffic_policy.is_empty() {
        w.line(0, &format!("External Traffic Policy:\t{}", s.spec.external_traffic_policy));
    }
    if let Some(itp) = &s.spec.internal_traffic_policy {
        w.line(0, &format!("Internal Traffic Policy:\t{itp}"));
    }
    describe_events(&mut w, store, Service::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn endpoints(store: &Store, e: &Endpoints, now: Time) -> String {
    let mut w = W(String::new());
    let m = &e.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, "Subsets:");
    for ss in &e.subsets {
        let ips = |v: &[EndpointAddress]| {
            if v.is_empty() {
                "<none>".to_string()
            } else {
                v.iter().map(|a| a.ip.clone()).collect::<Vec<_>>().join(",")
            }
        };
        w.line(1, &format!("Addresses:\t{}", ips(&ss.addresses)));
        w.line(1, &format!("NotReadyAddresses:\t{}", ips(&ss.not_ready_addresses)));
        w.line(1, "Ports:");
        w.line(2, "Name\tPort\tProtocol");
        w.line(2, "----\t----\t--------");
        for p in &ss.ports {
            let name = if p.name.is_empty() { "<unset>" } else { &p.name };
            w.line(2, &format!("{name}\t{}\t{}", p.port, p.protocol));
        }
        w.0.push('\n');
    }
    describe_events(&mut w, store, Endpoints::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

/// describeIngressV1 (kubectl 1.31): the backends with their endpoints, the rules a line per
/// host and a line per path.
pub fn ingress(store: &Store, i: &Ingress, now: Time) -> String {
    let mut w = W(String::new());
    let m = &i.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("Address:\t{}", printers::ingress_address(&i.status.load_balancer, true)));
    w.line(0, &format!("Ingress Class:\t{}", i.spec.ingress_class_name.as_deref().unwrap_or("<none>")));
    let default = match &i.spec.default_backend {
        Some(b) => ingress_backend(store, &m.namespace, b),
        None => "<default>".to_string(),
    };
    w.line(0, &format!("Default backend:\t{default}"));
    if !i.spec.tls.is_empty() {
        w.line(0, "TLS:");
        for t in &i.spec.tls {
            if t.secret_name.is_empty() {
                w.line(1, &format!("SNI routes {}", t.hosts.join(",")));
            } else {
                w.line(1, &format!("{} terminates {}", t.secret_name, t.hosts.join(",")));
            }
        }
    }
    w.line(0, "Rules:\n  Host\tPath\tBackends");
    w.line(1, "----\t----\t--------");
    let mut count = 0;
    for r in &i.spec.rules {
        let Some(http) = &r.http else { continue };
        count += 1;
        w.line(1, &format!("{}\t", if r.host.is_empty() { "*" } else { &r.host }));
        for p in &http.paths {
            w.line(2, &format!("\t{} \t{}", p.path, ingress_backend(store, &m.namespace, &p.backend)));
        }
    }
    if count == 0 {
        w.line(1, &format!("*\t*\t{default}"));
    }
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    describe_events(&mut w, store, Ingress::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

/// describeBackendV1: `web:80 (10.244.1.3:80)`, the endpoints of the Service port it names.
fn ingress_backend(store: &Store, ns: &str, b: &IngressBackend) -> String {
    if let Some(s) = &b.service {
        let port = if s.port.number != 0 { s.port.number.to_string() } else { s.port.name.clone() };
        let sb = format!("{}:{port}", s.name);
        let key = (ns.to_string(), s.name.clone());
        let Some(ep) = store.endpoints.get(&key) else {
            return format!("{sb} (<error: endpoints \"{}\" not found>)", s.name);
        };
        let Some(svc) = store.services.get(&key) else {
            return format!("{sb}(<error: services \"{}\" not found>)", s.name);
        };
        let mut sp_name = "";
        for sp in &svc.spec.ports {
            if (s.port.number != 0 && s.port.number == sp.port) || (!s.port.name.is_empty() && s.port.name == sp.name) {
                sp_name = &sp.name;
            }
        }
        let mut only = ep.clone();
        for ss in &mut only.subsets {
            ss.ports.retain(|x| x.name == sp_name);
        }
        return format!("{sb} ({})", printers::format_endpoints(&only));
    }
    if let Some(r) = &b.resource {
        return format!("APIGroup: {}, Kind: {}, Name: {}", r.api_group.as_deref().unwrap_or("<none>"), r.kind, r.name);
    }
    String::new()
}

/// describeIngressClassV1.
pub fn ingress_class(c: &IngressClass) -> String {
    let mut w = W(String::new());
    let m = &c.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Controller:\t{}", c.spec.controller));
    if let Some(p) = &c.spec.parameters {
        w.line(0, "Parameters:");
        if let Some(g) = &p.api_group {
            w.line(1, &format!("APIGroup:\t{g}"));
        }
        w.line(1, &format!("Kind:\t{}", p.kind));
        w.line(1, &format!("Name:\t{}", p.name));
    }
    w.line(0, "Events:\t<none>");
    w.finish()
}
