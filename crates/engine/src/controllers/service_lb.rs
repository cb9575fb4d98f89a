//! The cloud's service controller (as cloud-provider-kind or MetalLB give a local cluster):
//! a LoadBalancer Service gets an external IP from 172.18.255.0/24 a short moment after it
//! is created; until then kubectl shows `<pending>`.

use crate::causes::{Because, Rule};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;

pub const NAME: &str = "service-controller";
/// How long provisioning takes.
pub const PROVISION_MS: u64 = 2_000;

pub fn reconcile(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    let used: Vec<&str> =
        store.services.values().flat_map(|s| s.status.load_balancer.ingress.iter().map(|i| i.ip.as_str())).collect();
    let mut next_ip = 100;
    for s in store.services.values() {
        let is_lb = s.spec.type_ == "LoadBalancer";
        let has = !s.status.load_balancer.ingress.is_empty();
        if !is_lb && has {
            out.push(because(s, None, 0));
            let mut n = s.clone();
            n.status.load_balancer.ingress.clear();
            out.push(Action::update(Object::Service(n)));
            continue;
        }
        if !is_lb || has {
            continue;
        }
        let created = s.metadata.creation_timestamp.unwrap_or_default();
        let ready_at = Time(created.0 + PROVISION_MS);
        let obj = Object::Service(s.clone());
        if now < ready_at {
            if now == created {
                out.push(Action::Event(EventSpec::normal(
                    object_ref(&obj),
                    "EnsuringLoadBalancer",
                    "Ensuring load balancer".into(),
                    NAME,
                )));
            }
            out.push(Action::Requeue(ready_at));
            continue;
        }
        while used.contains(&format!("172.18.255.{next_ip}").as_str()) {
            next_ip += 1;
        }
        out.push(because(s, Some(format!("172.18.255.{next_ip}")), now.0 - created.0));
        let mut n = s.clone();
        n.status.load_balancer.ingress.push(LoadBalancerIngress {
            ip: format!("172.18.255.{next_ip}"),
            ip_mode: Some("VIP".into()),
            ..Default::default()
        });
        next_ip += 1;
        out.push(Action::update(Object::Service(n)));
        out.push(Action::Event(EventSpec::normal(
            object_ref(&obj),
            "EnsuredLoadBalancer",
            "Ensured load balancer".into(),
            NAME,
        )));
    }
    out
}

/// The cause of the writes that follow: the Service's external IP (or its removal), reacting
/// to the Service's last change.
fn because(s: &Service, ip: Option<String>, after_ms: u64) -> Action {
    let rule = Rule::LoadBalancer { ip: ip.map(String::into_boxed_str), after_ms };
    let m = &s.metadata;
    Action::Cause(Box::new(Because::object(NAME, rule, "Service", &m.namespace, &m.name)))
}
