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
    /// ` -n NS` when its namespace is not the one commands run in without `-n` (the
    /// kubeconfig context's, `kubectl config set-context --current --namespace`).
    pub ns_flag: String,
    /// The HorizontalPodAutoscaler that scales it, if one does.
    pub hpa: Option<HpaView>,
}

/// An HPA beside its Deployment: current and target utilization, its range, and its last
/// syncs for the small chart.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaView {
    pub name: String,
    /// Current average utilization (% of request); None while it has no number.
    pub current: Option<i32>,
    pub target: Option<i32>,
    pub min: i32,
    pub max: i32,
    /// The Deployment's replicas now (spec.replicas, which the HPA sets).
    pub replicas: i32,
    /// Its last syncs, oldest first.
    pub history: Vec<HpaSample>,
}

/// One sync of an HPA: when (simulated ms), the replicas it left, the utilization it read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HpaSample {
    pub at_ms: u64,
    pub replicas: i32,
    pub utilization: Option<i32>,
}

impl HpaView {
    /// `cpu 45%/50%`, as `kubectl get hpa`'s TARGETS reads.
    pub fn targets(&self) -> String {
        let pct = |v: Option<i32>, none: &str| v.map(|v| format!("{v}%")).unwrap_or_else(|| none.to_string());
        format!("cpu {}/{}", pct(self.current, "<unknown>"), pct(self.target, "<auto>"))
    }
}

/// The HPA whose scale target is the Deployment `ns`/`name`.
fn hpa_for(engine: &Engine, ns: &str, name: &str, replicas: i32) -> Option<HpaView> {
    let h = engine.store().hpas.values().find(|h| {
        h.metadata.namespace == ns
            && h.spec.scale_target_ref.kind == "Deployment"
            && h.spec.scale_target_ref.name == name
    })?;
    let cpu = h.spec.metrics.iter().position(|m| m.resource.as_ref().is_some_and(|r| r.name == "cpu"));
    Some(HpaView {
        name: h.metadata.name.clone(),
        current: cpu
            .and_then(|i| h.status.current_metrics.get(i))
            .and_then(|m| m.resource.as_ref())
            .and_then(|r| r.current.average_utilization),
        target: cpu.and_then(|i| h.spec.metrics[i].resource.as_ref()).and_then(|r| r.target.average_utilization),
        min: h.spec.min_replicas.unwrap_or(1),
        max: h.spec.max_replicas,
        replicas,
        history: engine
            .hpa_history(ns, &h.metadata.name)
            .iter()
            .map(|p| HpaSample { at_ms: p.at.0, replicas: p.replicas, utilization: p.utilization })
            .collect(),
    })
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
            ns_flag: ns_flag(&d.metadata.namespace, engine.context_namespace()),
            hpa: hpa_for(engine, &d.metadata.namespace, &d.metadata.name, d.spec.replicas.unwrap_or(1)),
        })
        .collect()
}

/// `kubectl scale` for one step up or down.
pub fn scale_command(d: &DeploymentView, replicas: i32) -> String {
    format!("kubectl scale deployment/{}{} --replicas={}", d.name, d.ns_flag, replicas.max(0))
}

/// ` -n NS` for an object in `ns`, unless commands without `-n` already run there (`context`).
pub(super) fn ns_flag(ns: &str, context: &str) -> String {
    let ns = if ns.is_empty() { "default" } else { ns };
    if ns == context {
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
        // Named with the namespace when commands run in another one (`web.default`).
        .map(|s| match engine.context_namespace() {
            "default" => s.metadata.name.clone(),
            _ => format!("{}.default", s.metadata.name),
        })
        .chain(engine.lan().vms.values().flat_map(|v| {
            // The VM era: a machine's published ports.
            let mut ports: Vec<u16> =
                v.containers.iter().filter(|c| c.running()).flat_map(|c| c.ports.iter().map(|(h, _)| *h)).collect();
            kubelab_api::sort::natural(&mut ports);
            ports.dedup();
            ports.into_iter().map(move |p| format!("{}:{p}", v.ip))
        }))
        .collect()
}
