//! The API server's own APIServices: at start-up its autoregister controller creates a
//! `Local` APIService for every group/version it serves and has a priority for
//! (pkg/controlplane/apiserver/aggregator.go `apiServicesToRegister`, `makeAPIService`:
//! named `VERSION.GROUP`, `v1.` for the core group, labelled
//! `kube-aggregator.kubernetes.io/automanaged: onstart`; a group/version without a priority
//! is skipped). `onstart`: made once at start, not made again if deleted.

use crate::*;

/// apiVersionPriorities (cmd/kube-apiserver/app/aggregator.go and the generic ones in
/// pkg/controlplane/apiserver, v1.31): (group, version, groupPriorityMinimum,
/// versionPriority) for the groups the lab serves or may serve.
const PRIORITIES: &[(&str, &str, i32, i32)] = &[
    ("", "v1", 18000, 1),
    ("apps", "v1", 17800, 15),
    ("autoscaling", "v1", 17500, 15),
    ("autoscaling", "v2", 17500, 30),
    ("batch", "v1", 17400, 15),
    ("networking.k8s.io", "v1", 17200, 15),
    ("policy", "v1", 17100, 15),
    ("storage.k8s.io", "v1", 16800, 15),
];

/// The group/versions the lab serves: every kind's, and autoscaling/v1 (HPAs written as
/// v1 are converted to the stored v2: kubelab_api::autoscaling).
fn served_group_versions() -> Vec<(&'static str, &'static str)> {
    let mut gvs: Vec<(&str, &str)> = KINDS.iter().map(|k| (k.group, k.version)).collect();
    gvs.push(("autoscaling", "v1"));
    kubelab_api::sort::natural(&mut gvs);
    gvs.dedup();
    gvs
}

/// The Local APIServices a new cluster has, by name.
pub fn local_apiservices() -> Vec<APIService> {
    let mut out: Vec<APIService> = served_group_versions()
        .into_iter()
        .filter_map(|(group, version)| {
            let &(_, _, group_priority, version_priority) =
                PRIORITIES.iter().find(|p| p.0 == group && p.1 == version)?;
            Some(APIService {
                metadata: ObjectMeta {
                    name: format!("{version}.{group}"),
                    labels: [("kube-aggregator.kubernetes.io/automanaged".to_string(), "onstart".to_string())].into(),
                    ..Default::default()
                },
                spec: APIServiceSpec {
                    group: group.into(),
                    version: version.into(),
                    group_priority_minimum: group_priority,
                    version_priority,
                    ..Default::default()
                },
                ..Default::default()
            })
        })
        .collect();
    kubelab_api::sort::by(&mut out, |a, b| a.metadata.name.cmp(&b.metadata.name));
    out
}

impl Engine {
    /// What the autoregister controller creates as the API server starts.
    pub(crate) fn register_local_apiservices(&mut self) {
        for mut a in local_apiservices() {
            controllers::apiservice_availability::prepare_for_create(&mut a, self.now);
            self.store.create(Object::APIService(a), self.now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_cluster_has_a_local_apiservice_per_served_group_version() {
        let names: Vec<String> = local_apiservices().into_iter().map(|a| a.metadata.name).collect();
        assert_eq!(
            names,
            [
                "v1.",
                "v1.apps",
                "v1.autoscaling",
                "v1.batch",
                "v1.networking.k8s.io",
                "v1.storage.k8s.io",
                "v2.autoscaling"
            ]
        );
        let e = Engine::new(1);
        let apps = &e.store().apiservices[&(String::new(), "v1.apps".to_string())];
        assert_eq!((apps.spec.group_priority_minimum, apps.spec.version_priority), (17800, 15));
        let c = apps.available().unwrap();
        assert_eq!((c.status.as_str(), c.reason.as_str()), ("True", "Local"));
        assert_eq!(c.message, "Local APIServices are always available");
    }
}
