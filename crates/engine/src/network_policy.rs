//! The lab's network plugin enforcing NetworkPolicies (networking.k8s.io/v1) as the API
//! documents them, whichever plugin (Calico, Cilium...) a cluster runs; the lab's plugin is
//! modelled on none of their quirks. The rules, from the NetworkPolicy concept page and the
//! API reference (v1.31):
//! - A pod is isolated for ingress (egress) when some policy in its namespace selects it
//!   (`podSelector`, `{}`: every pod) with `Ingress` (`Egress`) in its `policyTypes`.
//! - A connection into (out of) an isolated pod is allowed only if some rule of some such
//!   policy allows it: allowed = the union of all rules, never an intersection or an order.
//! - A rule with no `from` (`to`) allows every peer; with no `ports`, every port. A peer is
//!   pods selected by `podSelector` in the policy's namespace, pods in the namespaces selected
//!   by `namespaceSelector`, both in one peer (pods selected by the one in namespaces
//!   selected by the other: AND), or an `ipBlock` (its `cidr` minus its `except`s).
//! - A port is a number (with `endPort`, a range), or a name the destination pod's container
//!   gives a port; `protocol` defaults to TCP.
//! - Both ends must allow: the client's egress and the server's ingress.
//! - Connections are stateful: the reply of an allowed connection is always allowed.
//! - "When a pod is isolated for ingress, the only allowed connections into the pod are those
//!   from the pod's node and those allowed by the ingress list": the kubelet's probes pass.
//!
//! A connection that is not allowed is dropped, not refused: the client hears nothing and
//! times out.

use crate::store::Store;
use kubelab_api::validate::Cidr;
use kubelab_api::*;
use std::net::IpAddr;

/// The address a client outside the pod network (`lab curl`, `lab load`) has as the pods see
/// it (the access logs' client): no pod or namespace selector matches it, only an ipBlock.
pub const OUTSIDE_IP: &str = "10.244.0.1";

/// The cluster DNS (`kube-dns`, 10.96.0.10): CoreDNS pods, which the lab does not run as
/// objects, as policies see them: in `kube-system`, labelled `k8s-app: kube-dns`, at this
/// address (kind's first CoreDNS pod), answering on port 53 (UDP and TCP).
pub const DNS_POD_IP: &str = "10.244.0.2";
pub const DNS_LABEL: (&str, &str) = ("k8s-app", "kube-dns");
pub const DNS_NAMESPACE: &str = "kube-system";

/// Who opens a connection.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Client {
    /// A pod (namespace, name): its egress policies apply, and it is the peer the
    /// destination's ingress rules must select.
    Pod(String, String),
    /// The learner's machine: outside the pod network (see `OUTSIDE_IP`).
    #[default]
    Outside,
    /// The kubelet, from the pod's node: never subject to policies.
    Kubelet,
    /// The pod itself, over localhost: never leaves the pod.
    Localhost,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

/// Where and why a connection was dropped: the pod isolated for that direction, and the
/// policies (in its namespace) that isolate it, none of whose rules allowed the connection.
#[derive(Clone, Debug, PartialEq)]
pub struct Dropped {
    pub pod: (String, String),
    pub direction: Direction,
    pub policies: Vec<String>,
}

impl Dropped {
    /// `dropped by NetworkPolicy default-deny (ingress of pod web-1)` in the words the page shows.
    pub fn describe(&self) -> String {
        let dir = match self.direction {
            Direction::Ingress => "ingress to",
            Direction::Egress => "egress from",
        };
        let word = if self.policies.len() == 1 { "NetworkPolicy" } else { "NetworkPolicies" };
        format!("dropped: {dir} pod {} is isolated by {word} {}", self.pod.1, self.policies.join(", "))
    }
}

/// One end of a connection as rules see it.
#[derive(Clone, Copy)]
enum End<'a> {
    Pod(&'a Pod),
    /// The cluster DNS (see `DNS_POD_IP`).
    Dns,
    Outside,
}

impl End<'_> {
    fn ip(&self) -> Option<IpAddr> {
        match self {
            End::Pod(p) => p.status.pod_ip.parse().ok(),
            End::Dns => DNS_POD_IP.parse().ok(),
            End::Outside => OUTSIDE_IP.parse().ok(),
        }
    }
    /// Namespace and labels, for a pod-like end.
    fn pod_like(&self) -> Option<(&str, PodLabels<'_>)> {
        match self {
            End::Pod(p) => Some((&p.metadata.namespace, PodLabels::Pod(&p.metadata.labels))),
            End::Dns => Some((DNS_NAMESPACE, PodLabels::Dns)),
            End::Outside => None,
        }
    }
}

enum PodLabels<'a> {
    Pod(&'a std::collections::BTreeMap<String, String>),
    Dns,
}

impl PodLabels<'_> {
    fn matched_by(&self, s: &LabelSelector) -> bool {
        match self {
            PodLabels::Pod(l) => s.matches(l),
            PodLabels::Dns => s.matches(&[(DNS_LABEL.0.to_string(), DNS_LABEL.1.to_string())].into()),
        }
    }
}

/// The policies in `pod`'s namespace that select it for `dir`, in name order.
pub fn isolating<'a>(store: &'a Store, pod: &Pod, dir: Direction) -> Vec<&'a NetworkPolicy> {
    store
        .networkpolicies
        .values()
        .filter(|np| {
            np.metadata.namespace == pod.metadata.namespace
                && np.spec.affects(dir == Direction::Ingress)
                && np.spec.pod_selector.matches(&pod.metadata.labels)
        })
        .collect()
}

/// Every policy that selects `pod`, for either direction: what the page's inspector lists.
pub fn selecting<'a>(store: &'a Store, pod: &Pod) -> Vec<&'a NetworkPolicy> {
    store
        .networkpolicies
        .values()
        .filter(|np| {
            np.metadata.namespace == pod.metadata.namespace && np.spec.pod_selector.matches(&pod.metadata.labels)
        })
        .collect()
}

/// Whether a TCP connection from `client` to `port` of `server` is allowed: the client's
/// egress, then the server's ingress.
pub fn check(store: &Store, client: &Client, server: &Pod, port: i32) -> Result<(), Dropped> {
    let from = match client {
        Client::Kubelet | Client::Localhost => return Ok(()),
        Client::Outside => End::Outside,
        Client::Pod(ns, name) => match store.pods.get(&(ns.clone(), name.clone())) {
            Some(p) => End::Pod(p),
            None => End::Outside,
        },
    };
    if let End::Pod(p) = from {
        allowed(store, p, Direction::Egress, End::Pod(server), port, "TCP")?;
    }
    allowed(store, server, Direction::Ingress, from, port, "TCP")
}

/// Whether `pod` may ask the cluster DNS (UDP port 53): its egress policies must allow it
/// (CoreDNS itself is not isolated).
pub fn check_dns(store: &Store, pod: &Pod) -> Result<(), Dropped> {
    allowed(store, pod, Direction::Egress, End::Dns, 53, "UDP")
}

/// `pod`'s policies for `dir`: Ok when none isolates it or some rule allows `peer` on `port`.
fn allowed(store: &Store, pod: &Pod, dir: Direction, peer: End, port: i32, protocol: &str) -> Result<(), Dropped> {
    let policies = isolating(store, pod, dir);
    if policies.is_empty() {
        return Ok(());
    }
    // The pod whose named ports a rule's port names: the destination.
    let dest = match (dir, peer) {
        (Direction::Ingress, _) => Some(pod),
        (Direction::Egress, End::Pod(p)) => Some(p),
        _ => None,
    };
    let ok = policies.iter().any(|np| {
        let ns = &np.metadata.namespace;
        match dir {
            Direction::Ingress => np
                .spec
                .ingress
                .iter()
                .any(|r| ports_allow(&r.ports, dest, port, protocol) && peers_allow(store, ns, &r.from, peer)),
            Direction::Egress => np
                .spec
                .egress
                .iter()
                .any(|r| ports_allow(&r.ports, dest, port, protocol) && peers_allow(store, ns, &r.to, peer)),
        }
    });
    if ok {
        return Ok(());
    }
    Err(Dropped {
        pod: (pod.metadata.namespace.clone(), pod.metadata.name.clone()),
        direction: dir,
        policies: policies.iter().map(|np| np.metadata.name.clone()).collect(),
    })
}

/// A rule's ports: none means every port; else one must match the protocol and the port (a
/// number, a range up to endPort, or a name the destination pod gives that port).
fn ports_allow(ports: &[NetworkPolicyPort], dest: Option<&Pod>, port: i32, protocol: &str) -> bool {
    ports.is_empty()
        || ports.iter().any(|p| {
            if p.protocol.as_deref().unwrap_or("TCP") != protocol {
                return false;
            }
            match &p.port {
                None => true,
                Some(IntOrString::Int(n)) => match p.end_port {
                    Some(end) => (*n..=end).contains(&port),
                    None => *n == port,
                },
                Some(IntOrString::String(name)) => dest.is_some_and(|d| {
                    d.spec.containers.iter().flat_map(|c| &c.ports).any(|cp| {
                        cp.name == *name
                            && cp.container_port == port
                            && (if cp.protocol.is_empty() { "TCP" } else { cp.protocol.as_str() }) == protocol
                    })
                }),
            }
        })
}

/// A rule's peers: none means every peer; else one must select `peer`.
fn peers_allow(store: &Store, policy_ns: &str, peers: &[NetworkPolicyPeer], peer: End) -> bool {
    peers.is_empty() || peers.iter().any(|p| peer_selects(store, policy_ns, p, peer))
}

fn peer_selects(store: &Store, policy_ns: &str, p: &NetworkPolicyPeer, peer: End) -> bool {
    if let Some(block) = &p.ip_block {
        let Some(ip) = peer.ip() else { return false };
        let inside = |c: &str| Cidr::parse(c).is_some_and(|c| c.contains(ip));
        return inside(&block.cidr) && !block.except.iter().any(|e| inside(e));
    }
    let Some((ns, labels)) = peer.pod_like() else { return false };
    let ns_ok = match &p.namespace_selector {
        None => ns == policy_ns,
        Some(sel) => {
            store.namespaces.get(&(String::new(), ns.to_string())).is_some_and(|n| sel.matches(&n.metadata.labels))
        }
    };
    ns_ok && p.pod_selector.as_ref().is_none_or(|sel| labels.matched_by(sel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(policies: &str) -> Store {
        let mut store = Store::default();
        let t = Time(0);
        for (ns, labels) in [("default", vec![]), ("team-a", vec![("team", "a")])] {
            let mut m = ObjectMeta { name: ns.into(), ..Default::default() };
            m.labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            m.labels.insert("kubernetes.io/metadata.name".into(), ns.into());
            store.create(Object::Namespace(Namespace { metadata: m, ..Default::default() }), t);
        }
        for (ns, name, ip, labels) in [
            ("default", "web", "10.244.1.2", vec![("app", "web")]),
            ("default", "client", "10.244.1.3", vec![("role", "client")]),
            ("team-a", "probe", "10.244.2.2", vec![("role", "monitor")]),
        ] {
            let mut p = Pod::default();
            p.metadata.name = name.into();
            p.metadata.namespace = ns.into();
            p.metadata.labels = labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            p.status.pod_ip = ip.into();
            p.spec.containers = vec![Container {
                name: "c".into(),
                ports: vec![ContainerPort { name: "http".into(), container_port: 80, ..Default::default() }],
                ..Default::default()
            }];
            store.create(Object::Pod(p), t);
        }
        let (docs, err) = kubelab_api::parse::parse_documents(policies);
        assert!(err.is_none(), "{err:?}");
        for d in &docs {
            let mut o = kubelab_api::parse::decode(d).expect("a policy");
            kubelab_api::defaults::default_object(&mut o);
            assert!(kubelab_api::validate::validate_object(&o).is_empty());
            store.create(o, t);
        }
        store
    }

    fn verdict(store: &Store, from: (&str, &str), to: (&str, &str), port: i32) -> Result<(), Vec<String>> {
        let server = store.pods.get(&(to.0.to_string(), to.1.to_string())).expect("server");
        let client = match from {
            ("", "outside") => Client::Outside,
            ("", "kubelet") => Client::Kubelet,
            (ns, name) => Client::Pod(ns.into(), name.into()),
        };
        check(store, &client, server, port).map_err(|d| d.policies)
    }

    const DENY: &str = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: default}\nspec: {podSelector: {}}\n";

    /// No policy selects a pod: it is not isolated (concept page, "Isolated and Non-isolated Pods").
    #[test]
    fn pods_are_open_until_a_policy_selects_them() {
        let s = store_with("");
        assert_eq!(verdict(&s, ("default", "client"), ("default", "web"), 80), Ok(()));
        assert_eq!(verdict(&s, ("", "outside"), ("default", "web"), 80), Ok(()));
    }

    /// A policy with policyTypes [Ingress] and no rules isolates every pod it selects, for
    /// everyone but the node (the kubelet's probes).
    #[test]
    fn default_deny_drops_all_but_the_node() {
        let s = store_with(DENY);
        assert_eq!(verdict(&s, ("default", "client"), ("default", "web"), 80), Err(vec!["deny".into()]));
        assert_eq!(verdict(&s, ("", "outside"), ("default", "web"), 80), Err(vec!["deny".into()]));
        assert_eq!(verdict(&s, ("", "kubelet"), ("default", "web"), 80), Ok(()));
    }

    /// Policies are additive: a second policy's rule allows what the first one denies.
    #[test]
    fn allowed_is_the_union_of_all_rules() {
        let allow = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{podSelector: {matchLabels: {role: client}}}], ports: [{port: http}]}]\n";
        let s = store_with(&format!("{DENY}{allow}"));
        assert_eq!(verdict(&s, ("default", "client"), ("default", "web"), 80), Ok(()));
        // The named port is the destination's port 80 only.
        assert!(verdict(&s, ("default", "client"), ("default", "web"), 8080).is_err());
        // A podSelector alone selects pods in the policy's own namespace only.
        assert_eq!(
            verdict(&s, ("team-a", "probe"), ("default", "web"), 80),
            Err(vec!["allow".to_string(), "deny".to_string()])
        );
    }

    /// namespaceSelector and podSelector in one peer: both must match (AND); in two peers, either (OR).
    #[test]
    fn namespace_and_pod_selector_in_one_peer_are_anded() {
        let and = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {role: client}}}]}]\n";
        let s = store_with(and);
        assert!(verdict(&s, ("team-a", "probe"), ("default", "web"), 80).is_err());
        let or = and.replace(
            ", podSelector: {matchLabels: {role: client}}}",
            "}, {podSelector: {matchLabels: {role: client}}}",
        );
        let s = store_with(&or);
        assert_eq!(verdict(&s, ("team-a", "probe"), ("default", "web"), 80), Ok(()));
        assert_eq!(verdict(&s, ("default", "client"), ("default", "web"), 80), Ok(()));
    }

    /// ipBlock: the cidr minus its excepts; endPort makes a range.
    #[test]
    fn ip_blocks_with_except_and_port_ranges() {
        let p = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress: [{from: [{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.2.0/24]}}], ports: [{port: 70, endPort: 90}]}]\n";
        let s = store_with(p);
        assert_eq!(verdict(&s, ("default", "client"), ("default", "web"), 80), Ok(()));
        assert_eq!(verdict(&s, ("", "outside"), ("default", "web"), 80), Ok(()));
        assert!(verdict(&s, ("team-a", "probe"), ("default", "web"), 80).is_err());
        assert!(verdict(&s, ("default", "client"), ("default", "web"), 91).is_err());
    }

    /// Egress isolation: the client's own policies must allow the connection, and its DNS
    /// queries (UDP 53 to kube-dns in kube-system) too.
    #[test]
    fn egress_isolation_also_stops_dns() {
        let p = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: out, namespace: default}\nspec:\n  podSelector: {matchLabels: {role: client}}\n  egress: [{to: [{podSelector: {matchLabels: {app: web}}}]}]\n";
        let s = store_with(p);
        assert_eq!(verdict(&s, ("default", "client"), ("default", "web"), 80), Ok(()));
        // policyTypes defaulted to [Ingress, Egress] (egress rules present): client is isolated
        // for ingress too, with no ingress rule.
        assert_eq!(verdict(&s, ("default", "web"), ("default", "client"), 80), Err(vec!["out".to_string()]));
        let client = s.pods.get(&("default".into(), "client".into())).expect("client");
        assert!(check_dns(&s, client).is_err());
        let dns = format!("{p}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: dns, namespace: default}}\nspec:\n  podSelector: {{}}\n  policyTypes: [Egress]\n  egress: [{{ports: [{{port: 53, protocol: UDP}}]}}]\n");
        let s = store_with(&dns);
        let client = s.pods.get(&("default".into(), "client".into())).expect("client");
        assert_eq!(check_dns(&s, client), Ok(()));
    }
}
