//! Defaulting, as the API server's `SetDefaults_*` functions (k8s.io/kubernetes
//! pkg/apis/{core,apps}/v1/defaults.go) and the admission plugins that every cluster runs
//! (ServiceAccount, DefaultTolerationSeconds) fill in fields.

use crate::apps::{Deployment, ReplicaSet, RollingUpdateDeployment};
use crate::core::{Container, PodSpec, Probe, Service, Toleration};
use crate::meta::IntOrString;
use crate::object::Object;

/// Default seconds for the not-ready / unreachable tolerations added by the
/// DefaultTolerationSeconds admission plugin (`--default-not-ready-toleration-seconds`).
pub const DEFAULT_TOLERATION_SECONDS: i64 = 300;

pub fn default_object(obj: &mut Object) {
    match obj {
        Object::Pod(p) => default_pod_spec(&mut p.spec),
        Object::Deployment(d) => default_deployment(d),
        Object::ReplicaSet(rs) => default_replica_set(rs),
        Object::Service(s) => default_service(s),
        Object::Namespace(ns) => {
            if ns.status.phase.is_empty() {
                ns.status.phase = "Active".into();
            }
            ns.metadata.labels.insert("kubernetes.io/metadata.name".into(), ns.metadata.name.clone());
        }
        Object::StatefulSet(s) => default_stateful_set(s),
        Object::Job(j) => default_job(j),
        Object::PersistentVolumeClaim(c) => {
            c.spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        }
        Object::PersistentVolume(v) => {
            if v.spec.persistent_volume_reclaim_policy.is_empty() {
                v.spec.persistent_volume_reclaim_policy = "Retain".into();
            }
            v.spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
        }
        Object::StorageClass(sc) => {
            sc.reclaim_policy.get_or_insert_with(|| "Delete".into());
            sc.volume_binding_mode.get_or_insert_with(|| "Immediate".into());
        }
        // networking/v1's SetDefaults_IngressClass; an Ingress has no defaults in v1 (its
        // pathType was defaulted only in v1beta1).
        Object::IngressClass(c) => {
            if let Some(p) = &mut c.spec.parameters {
                p.scope.get_or_insert_with(|| "Cluster".into());
            }
        }
        Object::NetworkPolicy(np) => default_network_policy(np),
        Object::HorizontalPodAutoscaler(h) => default_hpa(h),
        // apiregistration/v1 SetDefaults_ServiceReference: port 443.
        Object::APIService(a) => {
            if let Some(s) = &mut a.spec.service {
                s.port.get_or_insert(443);
            }
        }
        Object::Node(_) | Object::ConfigMap(_) | Object::Endpoints(_) | Object::Event(_) | Object::Ingress(_) => {}
    }
}

/// autoscaling/v2's SetDefaults_HorizontalPodAutoscaler: minReplicas 1, a cpu 80 %
/// utilization metric when none is given (DefaultCPUUtilization), and, only where a
/// behavior is given, each direction's missing parts from the defaults
/// (GenerateHPAScaleUpRules: stabilization 0, select Max, 4 pods or 100 % per 15 s;
/// GenerateHPAScaleDownRules: select Max, 100 % per 15 s, and no stabilization window, so
/// that the controller's --horizontal-pod-autoscaler-downscale-stabilization (5 m) applies).
pub fn default_hpa(h: &mut crate::autoscaling::HorizontalPodAutoscaler) {
    use crate::autoscaling::{HPAScalingPolicy, HPAScalingRules};
    let spec = &mut h.spec;
    spec.min_replicas.get_or_insert(1);
    if spec.metrics.is_empty() {
        spec.metrics.push(crate::autoscaling::cpu_utilization(80));
    }
    let Some(b) = &mut spec.behavior else { return };
    let policy = |t: &str, value: i32| HPAScalingPolicy { type_: t.into(), value, period_seconds: 15 };
    let up = b.scale_up.get_or_insert_with(HPAScalingRules::default);
    up.stabilization_window_seconds.get_or_insert(0);
    up.select_policy.get_or_insert_with(|| "Max".into());
    if up.policies.is_empty() {
        up.policies = vec![policy("Pods", 4), policy("Percent", 100)];
    }
    let down = b.scale_down.get_or_insert_with(HPAScalingRules::default);
    down.select_policy.get_or_insert_with(|| "Max".into());
    if down.policies.is_empty() {
        down.policies = vec![policy("Percent", 100)];
    }
}

/// SetDefaults_StatefulSet.
pub fn default_stateful_set(s: &mut crate::apps::StatefulSet) {
    let sp = &mut s.spec;
    sp.replicas.get_or_insert(1);
    if sp.pod_management_policy.is_empty() {
        sp.pod_management_policy = "OrderedReady".into();
    }
    if sp.update_strategy.type_.is_empty() {
        sp.update_strategy.type_ = "RollingUpdate".into();
    }
    if sp.update_strategy.type_ == "RollingUpdate" {
        let ru = sp.update_strategy.rolling_update.get_or_insert_with(Default::default);
        ru.partition.get_or_insert(0);
    }
    sp.revision_history_limit.get_or_insert(10);
    sp.persistent_volume_claim_retention_policy.get_or_insert_with(|| {
        serde_yaml::from_str::<serde_yaml::Value>("whenDeleted: Retain\nwhenScaled: Retain\n")
            .unwrap_or_default()
            .into()
    });
    for t in &mut sp.volume_claim_templates {
        t.spec.volume_mode.get_or_insert_with(|| "Filesystem".into());
    }
    default_pod_spec(&mut sp.template.spec);
}

pub fn default_deployment(d: &mut Deployment) {
    let s = &mut d.spec;
    s.replicas.get_or_insert(1);
    if s.strategy.type_.is_empty() {
        s.strategy.type_ = "RollingUpdate".into();
    }
    if s.strategy.type_ == "RollingUpdate" {
        let ru = s.strategy.rolling_update.get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable.get_or_insert(IntOrString::String("25%".into()));
        ru.max_surge.get_or_insert(IntOrString::String("25%".into()));
    }
    s.revision_history_limit.get_or_insert(10);
    s.progress_deadline_seconds.get_or_insert(600);
    default_pod_spec(&mut s.template.spec);
}

/// batch/v1 `SetDefaults_Job` (pkg/apis/batch/v1/defaults.go, v1.31): completions and
/// parallelism both 1 when neither is set, else parallelism 1; backoffLimit 6 (MaxInt32 with
/// backoffLimitPerIndex); completionMode NonIndexed; suspend false; manualSelector false;
/// podReplacementPolicy TerminatingOrFailed (Failed with a podFailurePolicy: the
/// JobPodReplacementPolicy gate is on by default since 1.29); the Job's labels are its
/// template's when it has none.
pub fn default_job(j: &mut crate::batch::Job) {
    let s = &mut j.spec;
    if s.completions.is_none() && s.parallelism.is_none() {
        s.completions = Some(1);
        s.parallelism = Some(1);
    }
    s.parallelism.get_or_insert(1);
    if s.backoff_limit.is_none() {
        s.backoff_limit = Some(if s.backoff_limit_per_index.is_some() { i32::MAX } else { 6 });
    }
    if j.metadata.labels.is_empty() && !s.template.metadata.labels.is_empty() {
        j.metadata.labels = s.template.metadata.labels.clone();
    }
    s.completion_mode.get_or_insert_with(|| "NonIndexed".into());
    s.suspend.get_or_insert(false);
    s.manual_selector.get_or_insert(false);
    if s.pod_replacement_policy.is_none() {
        let policy = if s.pod_failure_policy.is_some() { "Failed" } else { "TerminatingOrFailed" };
        s.pod_replacement_policy = Some(policy.into());
    }
    default_pod_spec(&mut s.template.spec);
}

pub fn default_replica_set(rs: &mut ReplicaSet) {
    rs.spec.replicas.get_or_insert(1);
    default_pod_spec(&mut rs.spec.template.spec);
}

pub fn default_service(s: &mut Service) {
    let spec = &mut s.spec;
    if spec.type_.is_empty() {
        spec.type_ = "ClusterIP".into();
    }
    if spec.session_affinity.is_empty() {
        spec.session_affinity = "None".into();
    }
    for p in &mut spec.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
        if p.target_port.is_none() || p.target_port == Some(IntOrString::Int(0)) {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    if spec.type_ != "ExternalName" {
        if spec.ip_families.is_empty() {
            spec.ip_families = vec!["IPv4".into()];
        }
        spec.ip_family_policy.get_or_insert_with(|| "SingleStack".into());
        spec.internal_traffic_policy.get_or_insert_with(|| "Cluster".into());
    }
    if (spec.type_ == "NodePort" || spec.type_ == "LoadBalancer") && spec.external_traffic_policy.is_empty() {
        spec.external_traffic_policy = "Cluster".into();
    }
    if spec.type_ == "LoadBalancer" {
        spec.allocate_load_balancer_node_ports.get_or_insert(true);
    }
}

/// SetDefaults_PodSpec and SetDefaults_Container, for pods and pod templates alike.
pub fn default_pod_spec(s: &mut PodSpec) {
    if s.restart_policy.is_empty() {
        s.restart_policy = "Always".into();
    }
    if s.dns_policy.is_empty() {
        s.dns_policy = "ClusterFirst".into();
    }
    s.termination_grace_period_seconds.get_or_insert(30);
    if s.scheduler_name.is_empty() {
        s.scheduler_name = "default-scheduler".into();
    }
    // One empty context shared by every defaulted pod (copies of a pod then share it too).
    static EMPTY: std::sync::OnceLock<crate::Opaque> = std::sync::OnceLock::new();
    s.security_context
        .get_or_insert_with(|| EMPTY.get_or_init(|| serde_yaml::Value::Mapping(Default::default()).into()).clone());
    if !s.service_account.is_empty() && s.service_account_name.is_empty() {
        s.service_account_name = s.service_account.clone();
    }
    for c in s.init_containers.iter_mut().chain(s.containers.iter_mut()) {
        default_container(c);
    }
    // Tolerations keep an empty operator (it means Equal): SetDefaults_PodSpec sets none, and
    // the docs' patch task shows a toleration read back without one.
}

pub fn default_container(c: &mut Container) {
    if c.termination_message_path.is_empty() {
        c.termination_message_path = "/dev/termination-log".into();
    }
    if c.termination_message_policy.is_empty() {
        c.termination_message_policy = "File".into();
    }
    if c.image_pull_policy.is_empty() {
        c.image_pull_policy = default_pull_policy(&c.image).into();
    }
    for p in &mut c.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".into();
        }
    }
    for probe in [&mut c.liveness_probe, &mut c.readiness_probe, &mut c.startup_probe].into_iter().flatten() {
        default_probe(probe);
    }
}

/// `Always` for `:latest` or no tag (and no digest), else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => "Always",
        Some((_, "latest")) => "Always",
        Some(_) => "IfNotPresent",
    }
}

pub fn default_probe(p: &mut Probe) {
    p.timeout_seconds.get_or_insert(1);
    p.period_seconds.get_or_insert(10);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
    if let Some(h) = &mut p.http_get {
        if h.path.is_empty() {
            h.path = "/".into();
        }
        if h.scheme.is_empty() {
            h.scheme = "HTTP".into();
        }
    }
}

/// What the admission plugins every cluster runs add to a new pod: ServiceAccount,
/// Priority and DefaultTolerationSeconds (with the cluster's toleration seconds).
pub fn admit_pod(s: &mut PodSpec, toleration_seconds: i64) {
    admit_pod_spec(s);
    add_default_tolerations(&mut s.tolerations, toleration_seconds);
}

fn admit_pod_spec(s: &mut PodSpec) {
    // SetDefaults_Pod (pods only, not templates) and the Priority admission plugin.
    s.enable_service_links.get_or_insert(true);
    s.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
    if s.service_account_name.is_empty() {
        s.service_account_name = "default".into();
    }
    if s.service_account.is_empty() {
        s.service_account = s.service_account_name.clone();
    }
    // The two PriorityClasses every cluster has (scheduling.k8s.io's SystemCriticalPriority).
    s.priority.get_or_insert(match s.priority_class_name.as_str() {
        "system-node-critical" => 2_000_001_000,
        "system-cluster-critical" => 2_000_000_000,
        _ => 0,
    });
}

/// DefaultTolerationSeconds: every pod tolerates not-ready and unreachable nodes for 300 s
/// unless it says otherwise.
pub fn add_default_tolerations(t: &mut Vec<Toleration>, seconds: i64) {
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        let has = t.iter().any(|x| {
            (x.key == key || (x.key.is_empty() && x.operator == "Exists"))
                && (x.effect.is_empty() || x.effect == "NoExecute")
        });
        if !has {
            t.push(Toleration {
                key: key.into(),
                operator: "Exists".into(),
                value: String::new(),
                effect: "NoExecute".into(),
                toleration_seconds: Some(seconds),
            });
        }
    }
}

/// networking/v1's SetDefaults_NetworkPolicyPort (protocol TCP) and SetDefaults_NetworkPolicy
/// (pkg/apis/networking/v1/defaults.go, v1.31): no policyTypes means `Ingress`, plus `Egress`
/// when the policy has egress rules.
fn default_network_policy(np: &mut crate::networking::NetworkPolicy) {
    let spec = &mut np.spec;
    let ports =
        spec.ingress.iter_mut().flat_map(|r| &mut r.ports).chain(spec.egress.iter_mut().flat_map(|r| &mut r.ports));
    for p in ports {
        p.protocol.get_or_insert_with(|| "TCP".into());
    }
    if spec.policy_types.is_empty() {
        spec.policy_types.push("Ingress".into());
        if !spec.egress.is_empty() {
            spec.policy_types.push("Egress".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{decode, parse_documents};

    fn one(yaml: &str) -> Object {
        let (docs, err) = parse_documents(yaml);
        assert!(err.is_none(), "{err:?}");
        let mut o = decode(&docs[0]).expect("decodes");
        default_object(&mut o);
        o
    }

    /// SetDefaults_NetworkPolicy (networking/v1 defaults.go, v1.31): Ingress always, Egress
    /// only with egress rules; written policyTypes are kept; ports default to TCP.
    #[test]
    fn network_policy_types_default_as_upstream() {
        let types = |spec: &str| {
            let o = one(&format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p}}\nspec: {spec}\n"
            ));
            let Object::NetworkPolicy(np) = o else { panic!("a NetworkPolicy") };
            np.spec
        };
        assert_eq!(types("{podSelector: {}}").policy_types, ["Ingress"]);
        assert_eq!(types("{podSelector: {}, egress: [{}]}").policy_types, ["Ingress", "Egress"]);
        assert_eq!(types("{podSelector: {}, policyTypes: [Egress]}").policy_types, ["Egress"]);
        let s = types("{podSelector: {}, ingress: [{ports: [{port: 80}]}]}");
        assert_eq!(s.ingress[0].ports[0].protocol.as_deref(), Some("TCP"));
    }

    // Upstream: pkg/apis/apps/v1/defaults.go SetDefaults_Deployment.
    #[test]
    fn deployment_defaults_match_upstream() {
        let Object::Deployment(d) = one(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n",
        ) else {
            panic!("not a deployment")
        };
        assert_eq!(d.spec.replicas, Some(1));
        assert_eq!(d.spec.strategy.type_, "RollingUpdate");
        let ru = d.spec.strategy.rolling_update.unwrap();
        assert_eq!(ru.max_surge, Some(IntOrString::String("25%".into())));
        assert_eq!(ru.max_unavailable, Some(IntOrString::String("25%".into())));
        assert_eq!(d.spec.revision_history_limit, Some(10));
        assert_eq!(d.spec.progress_deadline_seconds, Some(600));
        let pod = &d.spec.template.spec;
        assert_eq!(pod.restart_policy, "Always");
        assert_eq!(pod.termination_grace_period_seconds, Some(30));
        assert_eq!(pod.dns_policy, "ClusterFirst");
        // no tag → Always
        assert_eq!(pod.containers[0].image_pull_policy, "Always");
    }

    #[test]
    fn pull_policy_follows_the_tag() {
        let cases = [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("nginx:1.25", "IfNotPresent"),
            ("localhost:5000/app", "Always"),
            ("localhost:5000/app:v1", "IfNotPresent"),
            ("nginx@sha256:abcd", "IfNotPresent"),
        ];
        for (image, want) in cases {
            assert_eq!(default_pull_policy(image), want, "{image}");
        }
    }

    // Upstream: SetDefaults_Service / SetDefaults_ServicePort: targetPort = port, TCP.
    #[test]
    fn service_defaults_match_upstream() {
        let Object::Service(s) = one(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
        ) else {
            panic!()
        };
        assert_eq!(s.spec.type_, "ClusterIP");
        assert_eq!(s.spec.session_affinity, "None");
        assert_eq!(s.spec.ports[0].protocol, "TCP");
        assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(80)));
    }

    #[test]
    fn pods_get_default_tolerations_of_300s() {
        let Object::Pod(mut p) =
            one("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx:1.25}]}\n")
        else {
            panic!()
        };
        admit_pod(&mut p.spec, DEFAULT_TOLERATION_SECONDS);
        let keys: Vec<_> = p.spec.tolerations.iter().map(|t| (t.key.as_str(), t.toleration_seconds)).collect();
        assert_eq!(
            keys,
            vec![("node.kubernetes.io/not-ready", Some(300)), ("node.kubernetes.io/unreachable", Some(300))]
        );
        assert_eq!(p.spec.service_account_name, "default");
    }
}
