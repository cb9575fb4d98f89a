//! The workloads strip: each Deployment, its replicas and the commands its buttons run.

use kubelab_engine::Engine;

/// A Deployment as the workloads strip shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentView {
    pub namespace: String,
    pub name: String,
    /// spec.replicas: what the learner asked for.
    pub replicas: i32,
    pub ready: i32,
    pub updated: i32,
    pub available: i32,
}

pub fn deployments(engine: &Engine) -> Vec<DeploymentView> {
    engine
        .store()
        .deployments
        .values()
        .map(|d| DeploymentView {
            namespace: d.metadata.namespace.clone(),
            name: d.metadata.name.clone(),
            replicas: d.spec.replicas.unwrap_or(1),
            ready: d.status.ready_replicas,
            updated: d.status.updated_replicas,
            available: d.status.available_replicas,
        })
        .collect()
}

/// `kubectl scale` for one step up or down.
pub fn scale_command(d: &DeploymentView, replicas: i32) -> String {
    format!("kubectl scale deployment/{}{} --replicas={}", d.name, ns_flag(&d.namespace), replicas.max(0))
}

pub(super) fn ns_flag(ns: &str) -> String {
    if ns == "default" || ns.is_empty() {
        String::new()
    } else {
        format!(" -n {ns}")
    }
}

/// Services in the default namespace a load generator can target (all but `kubernetes`).
pub fn load_targets(engine: &Engine) -> Vec<String> {
    engine
        .store()
        .services
        .values()
        .filter(|s| s.metadata.namespace == "default" && s.metadata.name != "kubernetes")
        .map(|s| s.metadata.name.clone())
        .chain(engine.lan().vms.values().flat_map(|v| {
            // The VM era: a machine's published ports.
            let mut ports: Vec<u16> =
                v.containers.iter().filter(|c| c.running()).flat_map(|c| c.ports.iter().map(|(h, _)| *h)).collect();
            ports.sort_unstable();
            ports.dedup();
            ports.into_iter().map(move |p| format!("{}:{p}", v.ip))
        }))
        .collect()
}
