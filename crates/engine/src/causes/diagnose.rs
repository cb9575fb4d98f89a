//! What holds an object that is not fine, and what would change it: read from the cluster
//! as it is now (the scheduler's filters, the kubelet's runtime, the probes), in upstream's
//! words where upstream has them.

use crate::controllers::node_lifecycle::is_node_ready;
use crate::duration::format_clock;
use crate::kubelet::Phase;
use crate::prober::{probe_of, ProbeKind};
use crate::Engine;
use kubelab_api::{Object, Pod, Time};

impl Engine {
    /// What holds `kind` `ns`/`name` if it is not fine, and what would change it, a line each
    /// (empty when it is fine or gone): `why`'s last part alone, cheap enough for every pod
    /// on the map.
    pub fn diagnosis(&self, kind: &str, ns: &str, name: &str) -> Vec<String> {
        match kind {
            "Pod" => self.store.pods.get(&(ns.to_string(), name.to_string())).map(|p| self.diagnose_pod(p)),
            _ => self.store.get(kind, ns, name).map(|o| self.diagnose(&o)),
        }
        .unwrap_or_default()
    }

    /// For an object that is not fine: what holds it and what would change it, a line each.
    pub(crate) fn diagnose(&self, obj: &Object) -> Vec<String> {
        match obj {
            Object::Pod(p) => self.diagnose_pod(p),
            Object::Node(n) if !is_node_ready(n) => {
                let since = self.machines.get(&n.metadata.name).map(|m| m.last_renew);
                let mut out = vec![format!("node {} is not Ready", n.metadata.name)];
                if let Some(t) = since.filter(|_| self.machines.get(&n.metadata.name).is_some_and(|m| !m.alive)) {
                    out.push(format!(
                        "its kubelet last renewed its lease at {}; it is Ready again once it reports (lab node restore {})",
                        format_clock(t.0),
                        n.metadata.name
                    ));
                }
                out
            }
            Object::Service(svc) if !svc.spec.selector.is_empty() => {
                let key = (svc.metadata.namespace.clone(), svc.metadata.name.clone());
                let ready = self
                    .store
                    .endpoints
                    .get(&key)
                    .map_or(0, |ep| ep.subsets.iter().map(|s| s.addresses.len()).sum::<usize>());
                if ready > 0 {
                    return Vec::new();
                }
                let sel: Vec<String> = svc.spec.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
                vec![format!("no ready pod matches the selector {}: requests to it fail until one does", sel.join(","))]
            }
            Object::StatefulSet(set) => self.diagnose_stateful_set(set),
            Object::Deployment(d) => {
                let want = d.spec.replicas.unwrap_or(1);
                let available = d.status.available_replicas;
                if available >= want {
                    return Vec::new();
                }
                let mut out = vec![format!("{available} of {want} replicas available")];
                let waiting = crate::controllers::deployment::deployment_pods(d, &self.store)
                    .into_iter()
                    .find_map(|p| self.diagnose_pod(p).into_iter().next().map(|d| (p.metadata.name.clone(), d)));
                if let Some((name, why)) = waiting {
                    out.push(format!("pod {name}: {why} (lab why pod/{name})"));
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// A StatefulSet short of Running and Ready pods: under OrderedReady, the first pod that
    /// is not (the later ordinals wait for it), with that pod's own reason.
    fn diagnose_stateful_set(&self, set: &kubelab_api::StatefulSet) -> Vec<String> {
        let want = set.spec.replicas.unwrap_or(1).max(0);
        let ns = &set.metadata.namespace;
        let ordered = set.spec.pod_management_policy != "Parallel";
        for ord in 0..want {
            let name = format!("{}-{ord}", set.metadata.name);
            let pod = self.store.pods.get(&(ns.clone(), name.clone()));
            if pod.is_some_and(crate::controllers::statefulset::running_and_ready) {
                continue;
            }
            let mut out = vec![format!("{ord} of {want} replicas Running and Ready in order")];
            if ordered && ord + 1 < want {
                out.push(format!(
                    "OrderedReady: the StatefulSet is waiting for Pod {name} to be Running and Ready before it creates ordinal {}",
                    ord + 1
                ));
            }
            match pod {
                Some(p) => {
                    if let Some(why) = self.diagnose_pod(p).into_iter().next() {
                        out.push(format!("pod {name}: {why} (lab why pod/{name})"));
                    }
                }
                None => out.push(format!("pod {name} is not created yet")),
            }
            return out;
        }
        Vec::new()
    }

    /// A pod that is not Running and Ready: the reason, and what would change it.
    fn diagnose_pod(&self, p: &Pod) -> Vec<String> {
        if let Some(at) = p.metadata.deletion_timestamp {
            return self.diagnose_terminating(p, at);
        }
        if p.spec.node_name.is_empty() {
            return self.diagnose_unscheduled(p);
        }
        let Some(rt) = self.runtimes.get(&p.metadata.uid) else {
            return vec![format!("bound to {}, waiting for its kubelet to start it", p.spec.node_name)];
        };
        let mut out = Vec::new();
        for (spec, c) in p.spec.containers.iter().zip(&rt.containers) {
            let waits = container_waits(&c.name, &c.image, &c.phase, c.restarts, c.last_terminated.as_ref());
            out.extend(waits.into_iter().map(|l| l.replace("POD", &p.metadata.name)));
            if out.is_empty() {
                out.extend(self.not_ready(p, spec, c));
            }
            if !out.is_empty() {
                break;
            }
        }
        out
    }

    fn diagnose_terminating(&self, p: &Pod, at: Time) -> Vec<String> {
        let grace = p.metadata.deletion_grace_period_seconds.unwrap_or(30);
        let node = &p.spec.node_name;
        let node_down = self.store.nodes.get(&(String::new(), node.clone())).is_none_or(|n| !is_node_ready(n))
            || self.machines.get(node).is_none_or(|m| !m.alive);
        if node_down {
            return vec![
                format!("Terminating: its node {node} is not Ready, so no kubelet can confirm the containers stopped"),
                format!("it goes once {node} comes back (lab node restore {node}), or at once with kubectl delete pod {} --grace-period=0 --force", p.metadata.name),
            ];
        }
        vec![format!(
            "Terminating: grace period {grace}s, until {}; the kubelet on {node} stops the containers and confirms the deletion",
            format_clock(at.0)
        )]
    }

    fn diagnose_unscheduled(&self, p: &Pod) -> Vec<String> {
        let mut out = vec!["Pending: no node fits it".to_string()];
        if let Some(c) = p.status.conditions.iter().find(|c| c.type_ == "PodScheduled" && c.status == "False") {
            out[0] = format!("Pending: {}", c.message);
        }
        for (node, verdict) in crate::scheduler::placement(&self.store, p) {
            if let Err(why) = verdict {
                let (plugin, reason) = why.split_once(": ").unwrap_or(("", why.as_str()));
                out.push(format!("{node}: {reason} ({plugin}); {}", fits_once(plugin, &node)));
            }
        }
        out
    }

    /// A Running container that is not Ready: its readiness probe, last results, thresholds.
    fn not_ready(&self, p: &Pod, spec: &kubelab_api::Container, c: &crate::kubelet::Ctr) -> Vec<String> {
        let ready = p.status.container_statuses.iter().any(|s| s.name == c.name && s.ready);
        if ready {
            return Vec::new();
        }
        let Some(probe) = probe_of(spec, ProbeKind::Readiness) else { return Vec::new() };
        let Some(w) = c.probes.iter().find(|w| w.kind == ProbeKind::Readiness) else { return Vec::new() };
        let failure = probe.failure_threshold.unwrap_or(3);
        let success = probe.success_threshold.unwrap_or(1);
        let last = match w.last {
            Some(true) => format!("passed {} time(s) in a row", w.run),
            Some(false) => format!("failed {} time(s) in a row", w.run),
            None => "not run yet".into(),
        };
        let unhealthy = self
            .store
            .events_for("Pod", &p.metadata.namespace, &p.metadata.name, &p.metadata.uid)
            .into_iter()
            .rev()
            .find(|e| e.reason == "Unhealthy" && e.message.starts_with("Readiness"))
            .map(|e| format!(" (last: {})", e.message))
            .unwrap_or_default();
        vec![
            format!(
                "not Ready: container {}'s readiness probe {last}{unhealthy}; failureThreshold {failure}, successThreshold {success}, every {}s",
                c.name,
                probe.period_seconds.unwrap_or(10)
            ),
            format!("Ready once the probe passes {success} time(s) in a row; until then no Service sends it requests"),
        ]
    }
}

/// What would let the scheduler's `plugin` pass on `node`.
fn fits_once(plugin: &str, node: &str) -> String {
    match plugin {
        "NodeResourcesFit" => {
            "fits once the node has room for its requests (scale something down, lower the requests, or lab node add)"
                .into()
        }
        "TaintToleration" => {
            format!("fits once the pod tolerates the taint or it is removed (kubectl taint nodes {node} KEY-)")
        }
        "NodeUnschedulable" => format!("fits once the node is uncordoned (kubectl uncordon {node})"),
        "NodeName" => "fits only the node spec.nodeName names".into(),
        "NodeAffinity" => "fits once the node has the labels its nodeSelector asks for".into(),
        "NodePorts" => "fits once the host port is free on the node".into(),
        _ => "fits once that changes".into(),
    }
}

/// A container that waits: why, and what would change it.
fn container_waits(
    name: &str,
    image: &str,
    phase: &Phase,
    restarts: i32,
    last: Option<&kubelab_api::ContainerStateTerminated>,
) -> Vec<String> {
    match phase {
        Phase::Pulling { done_at, .. } => {
            vec![format!("ContainerCreating: pulling image \"{image}\" for container {name}, done at {}", format_clock(done_at.0))]
        }
        Phase::Queued => vec![format!("ContainerCreating: container {name} waits for the container before it to start")],
        Phase::WaitingForVolumes { retry_at, failures } => vec![
            format!("ContainerCreating: a volume cannot be mounted yet ({failures} failed attempt(s); see the FailedMount event), next attempt at {}", format_clock(retry_at.0)),
            "it starts once what the volume names exists (kubectl create configmap ...)".into(),
        ],
        Phase::ErrImagePull { message, .. } => vec![
            format!("ErrImagePull: {message}"),
            format!("it starts once the image can be pulled (kubectl set image ... {name}=IMAGE)"),
        ],
        Phase::ImagePullBackOff { until } => vec![
            format!("ImagePullBackOff: Back-off pulling image \"{image}\"; next pull at {}", format_clock(until.0)),
            format!("it starts once the image can be pulled (kubectl set image ... {name}=IMAGE)"),
        ],
        Phase::ConfigError { message, .. } => vec![
            format!("CreateContainerConfigError: {message}"),
            "it starts once what its environment names exists".into(),
        ],
        Phase::CrashLoopBackOff { until, backoff_ms } => {
            let exit = last.map_or(String::new(), |t| format!(", last exit code {} ({})", t.exit_code, t.reason));
            vec![
                format!("CrashLoopBackOff: container {name} restarted {restarts} time(s){exit}; back-off {}, it restarts at {}", format_clock(*backoff_ms), format_clock(until.0)),
                format!("it stays up once its program stops exiting (kubectl logs POD -c {name} --previous shows why)"),
            ]
        }
        _ => Vec::new(),
    }
}
