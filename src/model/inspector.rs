//! The inspector: what is selected (a node, a pod, a Deployment), its details, why it is
//! where it is, and the commands its buttons run.

use super::*;
use kubelab_api::Pod;
use kubelab_engine::Engine;
use kubelab_kubectl::describe;

/// What the inspector shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Selection {
    Node(String),
    Pod { namespace: String, name: String },
    Deployment { namespace: String, name: String },
    Service { namespace: String, name: String },
    Ingress { namespace: String, name: String },
}

impl Selection {
    pub fn kind(&self) -> &'static str {
        match self {
            Selection::Node(_) => "node",
            Selection::Pod { .. } => "pod",
            Selection::Deployment { .. } => "deployment",
            Selection::Service { .. } => "service",
            Selection::Ingress { .. } => "ingress",
        }
    }
    pub fn name(&self) -> &str {
        match self {
            Selection::Node(n) => n,
            Selection::Pod { name, .. }
            | Selection::Deployment { name, .. }
            | Selection::Service { name, .. }
            | Selection::Ingress { name, .. } => name,
        }
    }
    /// The kubectl command whose output the inspector shows, when commands without `-n` run
    /// in `context`.
    pub fn describe_command(&self, context: &str) -> String {
        match self {
            Selection::Node(n) => format!("kubectl describe node {n}"),
            Selection::Pod { namespace, name } => format!("kubectl describe pod {name}{}", ns_flag(namespace, context)),
            Selection::Deployment { namespace, name } => {
                format!("kubectl describe deployment {name}{}", ns_flag(namespace, context))
            }
            Selection::Service { namespace, name } => {
                format!("kubectl describe service {name}{}", ns_flag(namespace, context))
            }
            Selection::Ingress { namespace, name } => {
                format!("kubectl describe ingress {name}{}", ns_flag(namespace, context))
            }
        }
    }
}

/// A button in the inspector: a console command with a label.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionView {
    pub label: String,
    pub command: String,
    /// `node-power-off`, `pod-delete`, `scale-up`...
    pub testid: String,
    /// Destroys something for good (drawn apart, and says so).
    pub danger: bool,
}

fn action(label: &str, command: String, testid: &str, danger: bool) -> ActionView {
    ActionView { label: label.into(), command, testid: testid.into(), danger }
}

#[derive(Clone, Debug, PartialEq)]
pub struct InspectorView {
    pub selection: Selection,
    /// The `kubectl describe` line whose output `describe` is.
    pub describe_command: String,
    /// False once the object is gone (deleted, evicted); the describe text is then None.
    pub exists: bool,
    pub actions: Vec<ActionView>,
    /// `kubectl describe` output.
    pub describe: Option<String>,
    /// For pods: each container's log (`kubectl logs POD -c C`), its last lines.
    pub logs: Vec<(String, Vec<String>)>,
    /// For pods of a Deployment: the Deployment, to scale it from here.
    pub deployment: Option<DeploymentView>,
    /// For pods: the scheduler's view of each node (the "why" of a placement):
    /// (node, fits, "score 187" or "TaintToleration: node(s) had untolerated taint ...").
    pub placement: Vec<(String, bool, String)>,
    /// Where the pod is bound, if it is.
    pub bound_to: Option<String>,
    /// For pods: the NetworkPolicies that select it, each with the directions it isolates
    /// the pod for (`Ingress`, `Egress`, as its policyTypes say).
    pub policies: Vec<(String, String)>,
    /// For pods: the CPU metrics-server last reported (as `kubectl top pod` prints it) against
    /// the pod's request and limit; None while it has no number for the pod.
    pub cpu: Option<CpuUse>,
}

/// A pod's CPU as metrics-server reports it, with its containers' requests and limits
/// summed (millicores; None when a container sets none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CpuUse {
    pub used_m: i64,
    pub request_m: Option<i64>,
    pub limit_m: Option<i64>,
}

impl CpuUse {
    pub(super) fn of(engine: &Engine, p: &Pod) -> Option<CpuUse> {
        let used_m = engine.pod_metrics(p)?.cpu_millis();
        // A sum only when every container sets it (the HPA's utilization needs every request).
        let sum = |limits: bool| {
            p.spec.containers.iter().try_fold(0, |acc, c| {
                let r = if limits { &c.resources.limits } else { &c.resources.requests };
                Some(acc + i64::try_from(r.get("cpu")?.millis()?).ok()?)
            })
        };
        Some(CpuUse { used_m, request_m: sum(false), limit_m: sum(true) })
    }

    /// `250m: 125% of its 200m request, limit 500m`, as a learner reads it without the bar.
    pub fn text(&self) -> String {
        let mut t = format!("{}m", self.used_m);
        match self.request_m {
            Some(r) if r > 0 => t += &format!(": {}% of its {r}m request", self.used_m * 100 / r),
            _ => t += ": no CPU request (an HPA has no utilization to read)",
        }
        if let Some(l) = self.limit_m {
            t += &format!(", limit {l}m");
        }
        t
    }

    /// The bar's full width in millicores: the limit (the most it can use), else twice the
    /// request or what it uses, whichever is more.
    pub fn scale_m(&self) -> i64 {
        self.limit_m.unwrap_or_else(|| (self.request_m.unwrap_or(0) * 2).max(self.used_m)).max(1)
    }
}

/// Log lines the inspector shows per container.
pub const LOG_LINES: usize = 40;

impl InspectorView {
    pub fn of(engine: &Engine, sel: &Selection) -> InspectorView {
        let store = engine.store();
        let now = engine.now();
        let mut v = InspectorView {
            selection: sel.clone(),
            describe_command: sel.describe_command(engine.context_namespace()),
            exists: false,
            actions: Vec::new(),
            describe: None,
            logs: Vec::new(),
            deployment: None,
            placement: Vec::new(),
            bound_to: None,
            policies: Vec::new(),
            cpu: None,
        };
        match sel {
            Selection::Node(name) => {
                let Some(n) = store.nodes.get(&(String::new(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::node(store, n, now));
                let alive = engine.machine(name).is_some_and(|m| m.alive);
                v.actions.push(if alive {
                    action("Power off", format!("lab node kill {name}"), "node-power-off", false)
                } else {
                    action("Power on", format!("lab node restore {name}"), "node-power-on", false)
                });
                v.actions.push(if n.spec.unschedulable {
                    action("Uncordon", format!("kubectl uncordon {name}"), "node-uncordon", false)
                } else {
                    action("Cordon", format!("kubectl cordon {name}"), "node-cordon", false)
                });
                v.actions.push(action(
                    "Drain",
                    format!("kubectl drain {name} --ignore-daemonsets --delete-emptydir-data"),
                    "node-drain",
                    false,
                ));
                v.actions.push(action("Delete machine", format!("lab node delete {name}"), "node-delete", true));
            }
            Selection::Pod { namespace, name } => {
                let Some(p) = store.pods.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::pod(store, p, now));
                v.bound_to = (!p.spec.node_name.is_empty()).then(|| p.spec.node_name.clone());
                v.cpu = CpuUse::of(engine, p);
                v.policies = kubelab_engine::network_policy::selecting(store, p)
                    .into_iter()
                    .map(|np| (np.metadata.name.clone(), np.spec.policy_types.join(", ")))
                    .collect();
                v.placement = kubelab_engine::scheduler::placement(store, p)
                    .into_iter()
                    .map(|(node, r)| match r {
                        Ok(score) => (node, true, format!("fits · score {score}")),
                        Err(why) => (node, false, why),
                    })
                    .collect();
                let ns = ns_flag(namespace, engine.context_namespace());
                v.actions.push(action(
                    "Delete pod",
                    format!("kubectl delete pod {name}{ns} --wait=false"),
                    "pod-delete",
                    false,
                ));
                let many = p.spec.containers.len() > 1;
                for c in &p.spec.containers {
                    let (label, cmd) = if many {
                        (format!("Kill container {}", c.name), format!("lab pod kill {name}{ns} -c {}", c.name))
                    } else {
                        ("Kill container".to_string(), format!("lab pod kill {name}{ns}"))
                    };
                    v.actions.push(ActionView {
                        label,
                        command: cmd,
                        testid: format!("pod-kill-{}", c.name),
                        danger: false,
                    });
                }
                for c in &p.spec.containers {
                    let lines = engine.container_logs(namespace, name, &c.name, false).unwrap_or_default();
                    let skip = lines.len().saturating_sub(LOG_LINES);
                    v.logs.push((c.name.clone(), lines.into_iter().skip(skip).map(|(_, l)| l).collect()));
                }
                v.deployment = owning_deployment(engine, p);
            }
            Selection::Deployment { namespace, name } => {
                let Some(d) = store.deployments.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::deployment(store, d, now));
                v.deployment = deployments(engine).into_iter().find(|d| &d.namespace == namespace && &d.name == name);
                let ns = ns_flag(namespace, engine.context_namespace());
                v.actions.push(action(
                    "Restart",
                    format!("kubectl rollout restart deployment/{name}{ns}"),
                    "deploy-restart",
                    false,
                ));
                v.actions.push(action(
                    "Delete deployment",
                    format!("kubectl delete deployment {name}{ns} --wait=false"),
                    "deploy-delete",
                    true,
                ));
            }
            Selection::Service { namespace, name } => {
                let Some(svc) = store.services.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::service(store, svc, now));
                let ns = ns_flag(namespace, engine.context_namespace());
                if namespace == "default" {
                    v.actions.push(action("Start load", format!("lab load start {name}{ns}"), "svc-load", false));
                }
                v.actions.push(action(
                    "Delete service",
                    format!("kubectl delete service {name}{ns}"),
                    "svc-delete",
                    true,
                ));
            }
            Selection::Ingress { namespace, name } => {
                let Some(i) = store.ingresses.get(&(namespace.clone(), name.clone())) else { return v };
                v.exists = true;
                v.describe = Some(describe::ingress(store, i, now));
                let ns = ns_flag(namespace, engine.context_namespace());
                v.actions.push(action(
                    "Delete ingress",
                    format!("kubectl delete ingress {name}{ns}"),
                    "ing-delete",
                    true,
                ));
            }
        }
        v
    }
}

/// The Deployment that owns a pod through its ReplicaSet.
fn owning_deployment(engine: &Engine, p: &Pod) -> Option<DeploymentView> {
    let store = engine.store();
    let rs_name = &p.metadata.controller_ref().filter(|r| r.kind == "ReplicaSet")?.name;
    let rs = store.replicasets.get(&(p.metadata.namespace.clone(), rs_name.clone()))?;
    let d_name = &rs.metadata.controller_ref().filter(|r| r.kind == "Deployment")?.name;
    deployments(engine).into_iter().find(|d| d.namespace == p.metadata.namespace && &d.name == d_name)
}
