//! The API server's APIService availability controllers (kube-aggregator
//! pkg/controllers/status, v1.31): each APIService's `Available` condition, which
//! `kubectl get apiservices` prints and which decides whether discovery lists the
//! group/version (`kubectl top` finds no Metrics API without it).
//!
//! A Local APIService (no `service`) is available from its creation on: the registry's
//! PrepareForCreate sets `Local` ("Local APIServices are always available"). One served by a
//! Service is checked as remote_available_controller.go's sync checks it, in its order and
//! with its reasons and messages: the Service exists (ServiceNotFound); a ClusterIP Service
//! listens on the APIService's port (ServicePortError), has Endpoints (EndpointsNotFound)
//! and an address in a subset with a port of that port's name (MissingEndpoints). Then
//! upstream GETs `/apis/GROUP/VERSION` from the server (FailedDiscoveryCheck when it fails):
//! the lab does not model that request, so a ready endpoint passes ("all checks passed").
//! Upstream reacts to every Service and Endpoints change (and resyncs every 30 s); here
//! every pass looks at every APIService, after the Endpoints controller has written.

use crate::causes::{Because, Rule};
use crate::store::{Action, Store};
use kubelab_api::*;

/// Who writes the condition: the availability controllers run inside the API server.
pub const NAME: &str = "kube-apiserver";

/// apiServerStrategy.PrepareForCreate: the status a client sent is dropped, and a Local
/// APIService is marked available at once (helper.NewLocalAvailableAPIServiceCondition).
pub fn prepare_for_create(a: &mut APIService, now: Time) {
    a.status = APIServiceStatus::default();
    if a.spec.service.is_none() {
        a.status.conditions.push(condition("True", "Local", "Local APIServices are always available".into(), now));
    }
}

fn condition(status: &str, reason: &str, message: String, now: Time) -> APIServiceCondition {
    APIServiceCondition {
        type_: "Available".into(),
        status: status.into(),
        last_transition_time: Some(now),
        reason: reason.into(),
        message,
    }
}

/// The Available condition a remote APIService has now: (status, reason, message).
pub fn check(store: &Store, a: &APIService) -> Option<(&'static str, &'static str, String)> {
    let svc = a.spec.service.as_ref()?;
    let (ns, name) = (&svc.namespace, &svc.name);
    let key = (ns.clone(), name.clone());
    let Some(service) = store.services.get(&key) else {
        return Some(("False", "ServiceNotFound", format!("service/{name} in {ns:?} is not present")));
    };
    if service.spec.type_ == "ClusterIP" {
        let port = svc.port.unwrap_or(443);
        let Some(port_name) = service.spec.ports.iter().find(|p| p.port == port).map(|p| p.name.as_str()) else {
            return Some((
                "False",
                "ServicePortError",
                format!("service/{name} in {ns:?} is not listening on port {port}"),
            ));
        };
        let Some(endpoints) = store.endpoints.get(&key) else {
            return Some(("False", "EndpointsNotFound", format!("cannot find endpoints for service/{name} in {ns:?}")));
        };
        let has_active =
            endpoints.subsets.iter().any(|s| !s.addresses.is_empty() && s.ports.iter().any(|p| p.name == port_name));
        if !has_active {
            return Some((
                "False",
                "MissingEndpoints",
                format!("endpoints for service/{name} in {ns:?} have no addresses with port name {port_name:?}"),
            ));
        }
    }
    Some(("True", "Passed", "all checks passed".into()))
}

pub fn reconcile(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    for a in store.apiservices.values() {
        let Some((status, reason, message)) = check(store, a) else { continue };
        let mut n = a.clone();
        APIServiceCondition::set(&mut n.status.conditions, "Available", status, reason, message, now);
        // updateAPIServiceStatus writes only when the status changed.
        if n.status == a.status {
            continue;
        }
        let svc = a.spec.service.as_ref().map(|s| (s.namespace.as_str(), s.name.as_str())).unwrap_or_default();
        let rule = Rule::ApiServiceAvailable { available: status == "True", reason };
        out.push(Action::Cause(Box::new(Because::object(NAME, rule, "Endpoints", svc.0, svc.1))));
        out.push(Action::update(Object::APIService(n)));
    }
    out
}
