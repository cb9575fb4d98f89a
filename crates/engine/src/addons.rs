//! Add-ons, as minikube has them: `lab addons enable ingress` installs ingress-nginx and
//! `metrics-server` the Metrics API's server, as real objects through the API server; a new
//! cluster has neither (as kubeadm and kind boot). Each add-on is its manifest, kept as YAML
//! the way minikube keeps its own (`deploy/addons/`), created in order and deleted in reverse.
//!
//! What the manifests leave out, and why: ServiceAccounts, RBAC and the admission webhook
//! (its Secret, Service and ValidatingWebhookConfiguration) are kinds or parts the lab does
//! not serve, so the controller runs without `--validating-webhook` (invalid Ingresses are
//! still refused: the API server's own validation runs). The webhook's two
//! `kube-webhook-certgen` Jobs are there, as upstream has them: they run, log what the tool
//! logs, and complete (their pods stay, Completed), though there is no Secret to make.
//! metrics-server's APIService `v1beta1.metrics.k8s.io` is created first, as minikube's
//! `metrics-apiservice.yaml` is: the API server's availability controller
//! (`controllers::apiservice_availability`) marks it Available once the `metrics-server`
//! Service has a ready endpoint, and only then is the Metrics API there for `kubectl top`.

use crate::*;

/// An add-on the lab can install.
pub struct Addon {
    pub name: &'static str,
    /// minikube's MAINTAINER column.
    pub maintainer: &'static str,
    /// The images minikube names as it enables it ("Using image ...").
    pub images: &'static [&'static str],
    manifest: &'static str,
}

/// ingress-nginx v1.11.3's `deploy/static/provider/cloud/deploy.yaml` (its controller
/// Deployment, LoadBalancer Service, ConfigMap, the admission Jobs and IngressClass), less
/// what the header says.
/// minikube marks its IngressClass as the cluster's default; so does the lab.
const INGRESS: &str = include_str!("addons/ingress.yaml");

/// metrics-server v0.7.2 as minikube's addon runs it: `--metric-resolution=60s`, so the
/// first numbers come a minute after it starts (it needs two scrapes for a CPU rate, and
/// reports ready only then).
const METRICS_SERVER: &str = include_str!("addons/metrics-server.yaml");

pub const ADDONS: &[Addon] = &[
    Addon {
        name: "ingress",
        maintainer: "Kubernetes",
        // minikube names an image per use, the certgen twice (create and patch); it ranges
        // over a Go map, so its order varies from run to run: this is one of them.
        images: &[
            "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4",
            "registry.k8s.io/ingress-nginx/controller:v1.11.3",
            "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4",
        ],
        manifest: INGRESS,
    },
    Addon {
        name: "metrics-server",
        maintainer: "Kubernetes",
        images: &["registry.k8s.io/metrics-server/metrics-server:v0.7.2"],
        manifest: METRICS_SERVER,
    },
];

/// How long metrics-server takes from its start to its second scrape (`--metric-resolution`).
pub const METRIC_RESOLUTION_MS: u64 = 60_000;

pub fn addon(name: &str) -> Option<&'static Addon> {
    ADDONS.iter().find(|a| a.name == name)
}

impl Addon {
    /// The add-on's objects, in the order they are created.
    fn objects(&self) -> Vec<Object> {
        let (docs, _) = kubelab_api::parse_documents(self.manifest);
        docs.iter().filter_map(|d| kubelab_api::decode(d).ok()).collect()
    }
}

/// Whether an add-on's manifest has this object (`lab export` leaves them out: `minikube
/// addons enable` makes them, not the learner).
pub fn made_by_addon(o: &Object) -> bool {
    // (kind, namespace, name) of every add-on object, parsed once.
    static MADE: std::sync::OnceLock<Vec<(&'static str, String, String)>> = std::sync::OnceLock::new();
    let made = MADE.get_or_init(|| {
        ADDONS
            .iter()
            .flat_map(|a| a.objects())
            .map(|x| (x.kind(), x.meta().namespace.clone(), x.meta().name.clone()))
            .collect()
    });
    let m = o.meta();
    made.iter().any(|(kind, ns, name)| *kind == o.kind() && *ns == m.namespace && *name == m.name)
}

impl Engine {
    /// Whether the add-on's objects are all there.
    pub fn addon_enabled(&self, a: &Addon) -> bool {
        a.objects().iter().all(|o| self.store.exists(o.kind(), &o.meta().namespace, &o.meta().name))
    }

    /// Creates the add-on's objects that are missing (enabling twice changes nothing).
    pub fn enable_addon(&mut self, a: &Addon) -> Result<(), ApiError> {
        for o in a.objects() {
            let (ns, name) = (o.meta().namespace.clone(), o.meta().name.clone());
            if !self.store.exists(o.kind(), &ns, &name) {
                self.create(o, &ns)?;
            }
        }
        self.settle();
        Ok(())
    }

    /// Deletes the add-on's objects, last first (its namespace last of all).
    pub fn disable_addon(&mut self, a: &Addon) {
        for o in a.objects().iter().rev() {
            let (ns, name) = (&o.meta().namespace, &o.meta().name);
            let _ = self.delete(o.kind(), ns, name, None, Propagation::Background);
        }
        self.settle();
    }

    /// Whether `kubectl top` finds the Metrics API: discovery lists metrics.k8s.io/v1beta1
    /// (kubectl's SupportedMetricsAPIVersionAvailable) only while an APIService serves it
    /// and is Available (the aggregator marks an unavailable one's discovery stale, and
    /// client-go drops a stale version from the group).
    pub fn metrics_available(&self) -> bool {
        self.store.apiservices.values().any(|a| {
            a.spec.group == "metrics.k8s.io"
                && a.spec.version == "v1beta1"
                && a.spec.service.is_some()
                && a.is_available()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_addon_manifest_decodes_whole() {
        for a in ADDONS {
            let (docs, err) = kubelab_api::parse_documents(a.manifest);
            assert!(err.is_none(), "{}: {err:?}", a.name);
            for d in &docs {
                if let Err(e) = kubelab_api::decode(d) {
                    panic!("{}: {e:?}", a.name);
                }
            }
            assert_eq!(a.objects().len(), docs.len());
        }
    }

    #[test]
    fn metrics_api_is_available_only_after_the_first_two_scrapes() {
        let mut e = Engine::new(1);
        assert!(!e.metrics_available());
        let a = addon("metrics-server").unwrap();
        e.enable_addon(a).unwrap();
        assert!(e.addon_enabled(a));
        let c =
            e.store().apiservices[&(String::new(), "v1beta1.metrics.k8s.io".to_string())].available().cloned().unwrap();
        assert_eq!((c.status.as_str(), c.reason.as_str()), ("False", "MissingEndpoints"));
        assert_eq!(
            c.message,
            "endpoints for service/metrics-server in \"kube-system\" have no addresses with port name \"https\""
        );
        e.advance(40_000, &mut |_| {});
        assert!(!e.metrics_available(), "not ready before its second scrape");
        e.advance(40_000, &mut |_| {});
        assert!(e.metrics_available());
        let apiservice =
            |e: &Engine| e.store().apiservices.get(&(String::new(), "v1beta1.metrics.k8s.io".to_string())).cloned();
        assert_eq!(apiservice(&e).unwrap().available().unwrap().reason, "Passed");
        e.disable_addon(a);
        assert!(!e.addon_enabled(a));
        assert!(apiservice(&e).is_none(), "disabling removes the APIService");
        e.advance(60_000, &mut |_| {});
        assert!(!e.metrics_available());
    }
}
