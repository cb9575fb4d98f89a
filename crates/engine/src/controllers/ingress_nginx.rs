//! The ingress-nginx controller's control loop (what runs in its pod besides nginx): it takes
//! the Ingresses of its class (IngressClass `nginx`, controller `k8s.io/ingress-nginx`, or
//! the old `kubernetes.io/ingress.class: nginx` annotation), says so with a `Sync` event,
//! and its status loop (internal/ingress/status, `updateInterval` 60 s) writes the
//! published Service's load-balancer address (`--publish-service`) into each Ingress's
//! `status.loadBalancer`. Nothing runs while no controller pod is Ready. How it routes a
//! request is `crate::ingress_routing`.
//!
//! When its pod shuts down (`--update-status-on-shutdown`, true by default; status.go
//! `Shutdown`), the controller clears the address from its Ingresses, unless another pod
//! with its labels exists (`isRunningMultiplePods`): a deleted pod's replacement is
//! already there and the address stays; scaled to zero, it goes.
//!
//! Not modelled: leader election among several replicas.

use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;

pub const NAME: &str = "nginx-ingress-controller";
pub const NAMESPACE: &str = "ingress-nginx";
pub const SERVICE: &str = "ingress-nginx-controller";
/// `--controller-class`.
pub const CONTROLLER_CLASS: &str = "k8s.io/ingress-nginx";
/// `--ingress-class`.
pub const CLASS: &str = "nginx";
/// The status loop's period (status.go's `updateInterval`).
pub const STATUS_INTERVAL_MS: u64 = 60_000;

/// Whether the controller's pod is one (by the labels its Deployment gives it).
pub fn is_controller_pod(p: &Pod) -> bool {
    p.metadata.namespace == NAMESPACE
        && p.metadata.labels.get("app.kubernetes.io/name").is_some_and(|v| v == "ingress-nginx")
        && p.metadata.labels.get("app.kubernetes.io/component").is_some_and(|v| v == "controller")
}

/// Since when a controller pod has been Ready, the earliest of them (None: none is).
pub fn ready_since(store: &Store) -> Option<Time> {
    store
        .pods
        .values()
        .filter(|p| is_controller_pod(p) && p.metadata.deletion_timestamp.is_none())
        .filter_map(|p| {
            let c = p.status.conditions.iter().find(|c| c.type_ == "Ready" && c.status == "True")?;
            Some(c.last_transition_time.unwrap_or_default())
        })
        .min()
}

/// Whether this controller takes the Ingress: its class is an IngressClass of ours, or it
/// has the old annotation naming `nginx`.
pub fn is_ours(store: &Store, i: &Ingress) -> bool {
    match &i.spec.ingress_class_name {
        Some(c) => store
            .ingressclasses
            .get(&(String::new(), c.clone()))
            .is_some_and(|ic| ic.spec.controller == CONTROLLER_CLASS),
        None => i.metadata.annotations.get("kubernetes.io/ingress.class").is_some_and(|v| v == CLASS),
    }
}

/// The address the controller publishes: its Service's load-balancer IPs.
fn published(store: &Store) -> Vec<IngressLoadBalancerIngress> {
    store
        .services
        .get(&(NAMESPACE.to_string(), SERVICE.to_string()))
        .map(|s| {
            s.status
                .load_balancer
                .ingress
                .iter()
                .map(|i| IngressLoadBalancerIngress { ip: i.ip.clone(), hostname: i.hostname.clone(), ports: vec![] })
                .collect()
        })
        .unwrap_or_default()
}

/// status.go `Shutdown`: the last controller pod, shutting down, empties the status of the
/// Ingresses it published an address to.
fn clear_on_shutdown(store: &Store) -> Vec<Action> {
    let mut pods = store.pods.values().filter(|p| is_controller_pod(p));
    let (Some(last), None) = (pods.next(), pods.next()) else { return Vec::new() };
    if last.metadata.deletion_timestamp.is_none() {
        return Vec::new();
    }
    store
        .ingresses
        .values()
        .filter(|i| is_ours(store, i) && !i.status.load_balancer.ingress.is_empty())
        .map(|i| {
            let mut n = i.clone();
            n.status.load_balancer.ingress.clear();
            Action::update(Object::Ingress(n))
        })
        .collect()
}

pub fn reconcile(store: &Store, now: Time) -> Vec<Action> {
    if store.ingresses.is_empty() {
        return Vec::new();
    }
    let Some(since) = ready_since(store) else { return clear_on_shutdown(store) };
    let mut out = Vec::new();
    // The status loop ticks every interval after the controller started.
    let ticks = now.0.saturating_sub(since.0) / STATUS_INTERVAL_MS;
    let last_tick = Time(since.0 + ticks * STATUS_INTERVAL_MS);
    let address = published(store);
    let mut waiting = false;
    for i in store.ingresses.values() {
        if !is_ours(store, i) || i.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let obj = Object::Ingress(i.clone());
        let synced = store.events.values().any(|e| e.involved_object.uid == i.metadata.uid && e.reason == "Sync");
        if !synced {
            out.push(Action::Event(EventSpec::normal(object_ref(&obj), "Sync", "Scheduled for sync".into(), NAME)));
        }
        if i.status.load_balancer.ingress == address {
            continue;
        }
        // Written at the first tick after the Ingress was created (or the address changed).
        let seen = i.metadata.creation_timestamp.unwrap_or_default().max(since);
        if ticks == 0 || last_tick <= seen {
            waiting = true;
            continue;
        }
        let mut n = i.clone();
        n.status.load_balancer.ingress = address.clone();
        out.push(Action::update(Object::Ingress(n)));
        out.push(Action::Event(EventSpec::normal(object_ref(&obj), "Sync", "Scheduled for sync".into(), NAME)));
    }
    if waiting {
        out.push(Action::Requeue(Time(last_tick.0 + STATUS_INTERVAL_MS)));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::addons::addon;
    use crate::Engine;
    use kubelab_api::*;

    fn ingress(class: Option<&str>) -> Object {
        let (docs, _) = parse_documents(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n",
        );
        let Ok(Object::Ingress(mut i)) = decode(&docs[0]) else { panic!("decodes") };
        i.spec.ingress_class_name = class.map(String::from);
        Object::Ingress(i)
    }

    fn address(e: &Engine) -> Vec<String> {
        let key = ("default".to_string(), "shop".to_string());
        e.store().ingresses[&key].status.load_balancer.ingress.iter().map(|i| i.ip.clone()).collect()
    }

    #[test]
    fn the_address_comes_at_the_status_loops_next_tick_and_only_for_its_class() {
        let mut e = Engine::new(1);
        e.enable_addon(addon("ingress").unwrap()).unwrap();
        e.advance(20_000, &mut |_| {});
        let since = super::ready_since(e.store()).expect("the controller is Ready");
        e.create(ingress(None), "default").unwrap();
        e.settle();
        assert_eq!(e.store().ingresses.values().next().unwrap().spec.ingress_class_name.as_deref(), Some("nginx"));
        assert!(address(&e).is_empty(), "not before the status loop runs");
        let next_tick = since.0 + super::STATUS_INTERVAL_MS;
        e.advance(next_tick - e.now().0 - 1, &mut |_| {});
        assert!(address(&e).is_empty());
        e.advance(1, &mut |_| {});
        assert_eq!(address(&e), vec!["172.18.255.100"]);
        // Another class's Ingress is left alone.
        e.delete("Ingress", "default", "shop", None, crate::Propagation::Background).unwrap();
        e.create(ingress(Some("other")), "default").unwrap();
        e.advance(2 * super::STATUS_INTERVAL_MS, &mut |_| {});
        assert!(address(&e).is_empty());
    }

    #[test]
    fn the_last_pod_shutting_down_clears_the_address_a_replaced_one_does_not() {
        let mut e = Engine::new(1);
        e.enable_addon(addon("ingress").unwrap()).unwrap();
        e.create(ingress(None), "default").unwrap();
        e.advance(3 * super::STATUS_INTERVAL_MS, &mut |_| {});
        assert_eq!(address(&e), vec!["172.18.255.100"]);
        let pod =
            |e: &Engine| e.store().pods.values().find(|p| super::is_controller_pod(p)).unwrap().metadata.name.clone();
        let first = pod(&e);
        e.delete("Pod", super::NAMESPACE, &first, None, crate::Propagation::Background).unwrap();
        e.settle();
        assert_eq!(address(&e), vec!["172.18.255.100"], "its replacement is there: the address stays");
        e.advance(60_000, &mut |_| {});
        let mut d = e.store().deployments[&(super::NAMESPACE.to_string(), super::SERVICE.to_string())].clone();
        d.spec.replicas = Some(0);
        e.update(Object::Deployment(d)).unwrap();
        e.settle();
        assert!(address(&e).is_empty(), "scaled to zero: cleared on shutdown");
    }
}
