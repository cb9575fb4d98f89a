//! describe for a NetworkPolicy: describeNetworkPolicy and describeNetworkPolicySpec
//! (kubectl 1.31 pkg/describe/describe.go), line for line.

use super::{labels_multiline, W};
use crate::printers::format_label_selector;
use kubelab_api::*;

pub fn network_policy(np: &NetworkPolicy) -> String {
    let mut w = W(String::new());
    let m = &np.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("Created on:\t{}", m.creation_timestamp.map(go_time_string).unwrap_or_default()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    spec(&mut w, &np.spec);
    w.finish()
}

/// Go's time.Time.String() of a metav1.Time in UTC: `2024-08-13 00:00:05 +0000 UTC`.
fn go_time_string(t: Time) -> String {
    let s = t.rfc3339();
    format!("{} {} +0000 UTC", &s[0..10], &s[11..19])
}

fn spec(w: &mut W, s: &NetworkPolicySpec) {
    w.line(0, "Spec:");
    w.w(1, "PodSelector: ");
    if s.pod_selector.is_empty() {
        w.line(2, "<none> (Allowing the specific traffic to all pods in this namespace)");
    } else {
        w.line(2, &format_label_selector(&s.pod_selector));
    }
    if s.affects(true) {
        w.line(1, "Allowing ingress traffic:");
        if s.ingress.is_empty() {
            w.line(0, "    <none> (Selected pods are isolated for ingress connectivity)");
        }
        for (i, r) in s.ingress.iter().enumerate() {
            rule(w, &r.ports, &r.from, "From", "source");
            if i + 1 != s.ingress.len() {
                w.line(0, "    ----------");
            }
        }
    } else {
        w.line(1, "Not affecting ingress traffic");
    }
    if s.affects(false) {
        w.line(1, "Allowing egress traffic:");
        if s.egress.is_empty() {
            w.line(0, "    <none> (Selected pods are isolated for egress connectivity)");
        }
        for (i, r) in s.egress.iter().enumerate() {
            rule(w, &r.ports, &r.to, "To", "destination");
            if i + 1 != s.egress.len() {
                w.line(0, "    ----------");
            }
        }
    } else {
        w.line(1, "Not affecting egress traffic");
    }
    let types = if s.policy_types.is_empty() { "<none>".to_string() } else { s.policy_types.join(", ") };
    w.line(1, &format!("Policy Types: {types}"));
}

/// One rule: its ports (a line each) and its peers, as printNetworkPolicySpecIngressFrom and
/// printNetworkPolicySpecEgressTo print them (initialIndent four spaces).
fn rule(w: &mut W, ports: &[NetworkPolicyPort], peers: &[NetworkPolicyPeer], title: &str, what: &str) {
    const I: &str = "    ";
    if ports.is_empty() {
        w.line(0, &format!("{I}To Port: <any> (traffic allowed to all ports)"));
    }
    for p in ports {
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        // `%s` of a nil *IntOrString prints `<nil>`.
        let port = p.port.as_ref().map_or("<nil>".to_string(), |p| p.to_string());
        match p.end_port {
            None => w.line(0, &format!("{I}To Port: {port}/{proto}")),
            Some(end) => w.line(0, &format!("{I}To Port Range: {port}-{end}/{proto}")),
        }
    }
    if peers.is_empty() {
        w.line(0, &format!("{I}{title}: <any> (traffic not restricted by {what})"));
    }
    for peer in peers {
        w.line(0, &format!("{I}{title}:"));
        match (&peer.pod_selector, &peer.namespace_selector, &peer.ip_block) {
            (Some(pods), Some(ns), _) => {
                w.line(1, &format!("{I}NamespaceSelector: {}", format_label_selector(ns)));
                w.line(1, &format!("{I}PodSelector: {}", format_label_selector(pods)));
            }
            (Some(pods), None, _) => w.line(1, &format!("{I}PodSelector: {}", format_label_selector(pods))),
            (None, Some(ns), _) => w.line(1, &format!("{I}NamespaceSelector: {}", format_label_selector(ns))),
            (None, None, Some(b)) => {
                w.line(1, &format!("{I}IPBlock:"));
                w.line(2, &format!("{I}CIDR: {}", b.cidr));
                w.line(2, &format!("{I}Except: {}", b.except.join(", ")));
            }
            (None, None, None) => {}
        }
    }
}
