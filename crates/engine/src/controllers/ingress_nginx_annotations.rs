//! What ingress-nginx's store logs as it takes in an Ingress: its informer's handlers
//! (store.go, controller-v1.11.3) run `syncIngress` on every add and update of an Ingress of
//! its class, and the annotation extractor's parsers log each value their validators refuse
//! (`ingress_routing::annotations::parse_warnings`), as klog warnings in the controller
//! container's log (`kubectl logs -n ingress-nginx deploy/ingress-nginx-controller`). A
//! refused value is dropped and its default taken; the Ingress is still served. A new
//! controller pod lists every Ingress as it starts, so it logs them again.
//!
//! Without the admission webhook (which the lab's add-on leaves out, as README says) nothing
//! refuses the Ingress itself: `kubectl apply` succeeds and only the log tells.
//!
//! The lines go straight into the running container's log, as the requests' access-log
//! lines do (`requests.rs`): a container's log is the kubelet's runtime, not a stored object.

use crate::*;

/// Which Ingress versions (by uid, its resourceVersion) each controller pod (by uid) has
/// taken in.
pub type Seen = VecMap<(String, String), String>;

/// klog's header: `Lmmdd hh:mm:ss.uuuuuu PID file:line] `; the controller runs as PID 7
/// under dumb-init in the v1.11 image.
fn klog_warning(now: Time, caller: &str, message: &str) -> String {
    let t = now.rfc3339();
    format!("W{}{} {}.{:06}       7 {caller}] {message}", &t[5..7], &t[8..10], &t[11..19], (now.0 % 1000) * 1000)
}

impl Engine {
    /// Each running controller pod takes in the Ingresses of its class it has not yet seen
    /// at their current resourceVersion, logging what their annotations' validators refuse.
    pub(crate) fn log_ingress_annotations(&mut self) {
        let now = self.now;
        let pods: Vec<String> = self
            .store
            .pods
            .values()
            .filter(|p| controllers::ingress_nginx::is_controller_pod(p))
            .map(|p| p.metadata.uid.clone())
            .filter(|uid| {
                self.runtimes
                    .get(uid)
                    .and_then(|rt| rt.containers.first())
                    .is_some_and(|c| matches!(c.phase, kubelet::Phase::Running { .. }))
            })
            .collect();
        let seen = &mut self.controllers.ingress_nginx_seen;
        seen.retain(|(pod, _), _| pods.contains(pod));
        if pods.is_empty() {
            return;
        }
        let mut lines: Vec<(String, String)> = Vec::new();
        for i in self.store.ingresses.values() {
            if !controllers::ingress_nginx::is_ours(&self.store, i) {
                continue;
            }
            let m = &i.metadata;
            for pod in &pods {
                let key = (pod.clone(), m.uid.clone());
                if seen.get(&key) == Some(&m.resource_version) {
                    continue;
                }
                seen.insert(key, m.resource_version.clone());
                for (caller, message) in ingress_routing::annotations::parse_warnings(i) {
                    lines.push((pod.clone(), klog_warning(now, caller, &message)));
                }
            }
        }
        for (pod, line) in lines {
            if let Some(mut log) = self.runtimes.container_log(&pod, 0) {
                log.log(now, line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::addons::addon;
    use crate::controllers::ingress_nginx::{is_controller_pod, NAMESPACE};
    use crate::{Engine, Propagation};
    use kubelab_api::*;

    fn warnings(e: &Engine) -> usize {
        let pod = e.store().pods.values().find(|p| is_controller_pod(p) && p.metadata.deletion_timestamp.is_none());
        let name = pod.unwrap().metadata.name.clone();
        let logs = e.container_logs(NAMESPACE, &name, "controller", false).expect("the controller has logs");
        logs.iter().filter(|(_, l)| l.starts_with('W')).count()
    }

    #[test]
    fn a_refused_value_is_logged_when_taken_in_and_again_by_a_new_controller_pod() {
        let mut e = Engine::new(1);
        e.enable_addon(addon("ingress").unwrap()).unwrap();
        e.advance(30_000, &mut |_| {});
        assert_eq!(warnings(&e), 0);
        let (docs, _) = parse_documents(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, annotations: {nginx.ingress.kubernetes.io/canary-weight: ten}}\nspec:\n  ingressClassName: nginx\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n",
        );
        e.create(decode(&docs[0]).unwrap(), "default").unwrap();
        e.settle();
        assert_eq!(warnings(&e), 2, "the validator's warning and the canary parser's");
        e.settle();
        assert_eq!(warnings(&e), 2, "not again while the Ingress is unchanged");
        let first = e.store().pods.values().find(|p| is_controller_pod(p)).unwrap().metadata.name.clone();
        e.delete("Pod", NAMESPACE, &first, None, Propagation::Background).unwrap();
        e.advance(40_000, &mut |_| {});
        assert_eq!(warnings(&e), 2, "the new pod takes the Ingress in as it starts");
    }
}
