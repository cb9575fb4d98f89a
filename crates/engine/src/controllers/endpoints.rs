//! The Endpoints controller (pkg/controller/endpoint): for each Service with a selector, an
//! Endpoints object listing ready pods as addresses and unready ones as notReadyAddresses.

use super::is_pod_ready;
use crate::store::{Action, Cursor, Key, Store};
use kubelab_api::*;
use std::collections::BTreeSet;

pub const NAME: &str = "endpoint-controller";

/// The Endpoints controller with its place in the store's change log: it recomputes only
/// the Services whose Endpoints may have changed since it last looked (the Service or its
/// Endpoints written, or a pod written that it selects now or listed before), as upstream's
/// queue of Services does, instead of every Service against every pod at every pass.
#[derive(Clone, Debug, Default)]
pub struct EndpointsController {
    changes: Cursor,
}

impl EndpointsController {
    pub fn reconcile(&mut self, store: &Store, now: Time) -> Vec<Action> {
        let mut services: BTreeSet<Key> = BTreeSet::new();
        let mut pods: BTreeSet<&Key> = BTreeSet::new();
        for c in store.changes_since(&mut self.changes) {
            match c.kind {
                "Service" | "Endpoints" => {
                    services.insert(c.key.clone());
                }
                // (A namespace without Services has no Endpoints for a pod to change.)
                "Pod" if store.services.in_namespace(&c.key.0) > 0 => {
                    pods.insert(&c.key);
                }
                _ => {}
            }
        }
        for pod_key in pods {
            let labels = store.pods.get(pod_key).map(|p| &p.metadata.labels);
            let ns = &pod_key.0;
            for (k, svc) in store.services.range((ns.clone(), String::new())..).take_while(|(k, _)| k.0 == *ns) {
                if services.contains(k) {
                    continue;
                }
                if labels.is_some_and(|l| service_selects(svc, l)) || lists_pod(store.endpoints.get(k), &pod_key.1) {
                    services.insert(k.clone());
                }
            }
        }
        let out = reconcile_services(store, &services);
        #[cfg(debug_assertions)]
        assert_eq!(out, reconcile_all(store, now), "the Endpoints controller missed a Service");
        let _ = now; // (read by the check above only)
        out
    }

    /// Where it stands in the store's change log.
    pub fn cursor(&self) -> Cursor {
        self.changes
    }
}

/// Whether these Endpoints list the pod named `name` (ready or not).
fn lists_pod(ep: Option<&Endpoints>, name: &str) -> bool {
    let Some(ep) = ep else { return false };
    ep.subsets
        .iter()
        .flat_map(|s| s.addresses.iter().chain(&s.not_ready_addresses))
        .any(|a| a.target_ref.as_ref().is_some_and(|r| r.kind == "Pod" && r.name == name))
}

/// Every Service and Endpoints looked at afresh: what the controller's queue must agree with.
pub fn reconcile_all(store: &Store, _now: Time) -> Vec<Action> {
    let keys: BTreeSet<Key> = kubelab_api::sort::set(store.services.keys().chain(store.endpoints.keys()).cloned());
    reconcile_services(store, &keys)
}

/// The Endpoints of these Services brought up to date (in key order), then the Endpoints
/// among them whose Service no longer exists deleted.
fn reconcile_services(store: &Store, keys: &BTreeSet<Key>) -> Vec<Action> {
    let mut out = Vec::new();
    for key in keys {
        let Some(svc) = store.services.get(key) else { continue };
        if svc.spec.selector.is_empty() || svc.spec.type_ == "ExternalName" {
            continue;
        }
        let want = endpoints_for(svc, store);
        match store.endpoints.get(key) {
            None => out.push(Action::create(Object::Endpoints(want))),
            Some(have) => {
                if have.subsets != want.subsets || have.metadata.labels != want.metadata.labels {
                    let mut next = have.clone();
                    next.subsets = want.subsets;
                    next.metadata.labels = want.metadata.labels;
                    out.push(Action::update(Object::Endpoints(next)));
                }
            }
        }
    }
    // Endpoints of Services that no longer exist go with them.
    for k in keys {
        let Some(ep) = store.endpoints.get(k) else { continue };
        if !store.services.contains_key(k)
            && ep.metadata.owner_references.is_empty()
            && !(k.0 == "default" && k.1 == "kubernetes")
        {
            out.push(Action::Delete { kind: "Endpoints", namespace: k.0.clone(), name: k.1.clone(), grace: None });
        }
    }
    out
}

/// Resolves a Service targetPort against a pod (podutil.FindPort): a number is itself,
/// a name is looked up in the pod's container ports.
pub fn find_port(pod: &Pod, target: &IntOrString) -> Option<i32> {
    match target {
        IntOrString::Int(i) => Some(*i),
        IntOrString::String(name) => {
            pod.spec.containers.iter().flat_map(|c| c.ports.iter()).find(|p| p.name == *name).map(|p| p.container_port)
        }
    }
}

pub fn endpoints_for(svc: &Service, store: &Store) -> Endpoints {
    let ns = &svc.metadata.namespace;
    let mut ready: Vec<(EndpointAddress, Vec<EndpointPort>)> = Vec::new();
    let mut not_ready: Vec<(EndpointAddress, Vec<EndpointPort>)> = Vec::new();
    for (_, p) in store.pods.range((ns.clone(), String::new())..).take_while(|(k, _)| k.0 == *ns) {
        if !service_selects(svc, &p.metadata.labels) {
            continue;
        }
        if p.status.pod_ip.is_empty() {
            continue;
        }
        if p.metadata.deletion_timestamp.is_some() && !svc.spec.publish_not_ready_addresses {
            continue;
        }
        let addr = EndpointAddress {
            ip: p.status.pod_ip.clone(),
            hostname: String::new(),
            node_name: if p.spec.node_name.is_empty() { None } else { Some(p.spec.node_name.clone()) },
            target_ref: Some(ObjectReference {
                kind: "Pod".into(),
                namespace: ns.clone(),
                name: p.metadata.name.clone(),
                uid: p.metadata.uid.clone(),
                ..Default::default()
            }),
        };
        let ports: Vec<EndpointPort> = svc
            .spec
            .ports
            .iter()
            .filter_map(|sp| {
                let target = sp.target_port.clone().unwrap_or(IntOrString::Int(sp.port));
                find_port(p, &target).map(|port| EndpointPort {
                    name: sp.name.clone(),
                    port,
                    protocol: sp.protocol.clone(),
                    app_protocol: sp.app_protocol.clone(),
                })
            })
            .collect();
        if ports.is_empty() && !svc.spec.ports.is_empty() {
            continue;
        }
        if is_pod_ready(p) || svc.spec.publish_not_ready_addresses {
            ready.push((addr, ports));
        } else if p.status.phase != "Failed" && p.status.phase != "Succeeded" {
            not_ready.push((addr, ports));
        }
    }
    // RepackSubsets: group addresses by identical port sets; addresses sorted by IP then uid.
    let mut subsets: Vec<EndpointSubset> = Vec::new();
    for (is_ready, list) in [(true, ready), (false, not_ready)] {
        for (addr, ports) in list {
            let idx = match subsets.iter().position(|s| s.ports == ports) {
                Some(i) => i,
                None => {
                    subsets.push(EndpointSubset { ports: ports.clone(), ..Default::default() });
                    subsets.len() - 1
                }
            };
            if is_ready {
                subsets[idx].addresses.push(addr);
            } else {
                subsets[idx].not_ready_addresses.push(addr);
            }
        }
    }
    for s in &mut subsets {
        let ip_key = |a: &EndpointAddress| (ip_sort_key(&a.ip), a.target_ref.as_ref().map(|r| r.uid.clone()));
        kubelab_api::sort::by_key(&mut s.addresses, ip_key);
        kubelab_api::sort::by_key(&mut s.not_ready_addresses, ip_key);
    }
    let mut labels = svc.metadata.labels.clone();
    labels.insert("endpoints.kubernetes.io/managed-by".into(), "endpoint-controller".into());
    Endpoints {
        metadata: ObjectMeta { name: svc.metadata.name.clone(), namespace: ns.clone(), labels, ..Default::default() },
        subsets,
    }
}

fn ip_sort_key(ip: &str) -> Vec<u8> {
    ip.split('.').filter_map(|p| p.parse::<u8>().ok()).collect()
}
