//! kubelab-engine: a deterministic mini control plane and node model.
//!
//! **Invariant:** nothing here reads the wall clock, OS randomness or the DOM. Time is a
//! simulated clock that jumps from one scheduled event to the next; chance is a seeded
//! PCG32. The same seed and the same commands give byte-identical results.

pub mod config;
pub mod controllers;
pub mod duration;
pub mod error;
pub mod fasthash;
pub mod images;
pub mod kubelet;
pub mod naming;
pub mod nginx;
pub mod prober;
pub mod programs;
pub mod rng;
pub mod scheduler;
pub mod snapshot;
pub mod store;
pub mod traffic;
mod vm_engine;
pub mod vms;

pub use config::{ClusterConfig, NodeConfig, Timings};
pub use error::ApiError;
pub use snapshot::Snapshot;
pub use store::{Action, Store};

use controllers::node_lifecycle::{self, NodeHealth};
use kubelab_api::defaults::{admit_pod, default_object};
use kubelab_api::validate::validate_object;
use kubelab_api::*;
use kubelet::{Kubelet, Machine, PodRuntime};
use rng::Pcg32;
use std::collections::{BTreeMap, BTreeSet};
use store::{object_ref, EventSpec};

/// How dependents are treated when their owner is deleted (`--cascade`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

/// The cluster: API objects, machines, clock and RNG.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    now: Time,
    seed: u64,
    rng: Pcg32,
    config: ClusterConfig,
    machines: BTreeMap<String, Machine>,
    /// Each pod's runtime by uid. A hash map, looked up several times per sync: whatever
    /// goes through all of them must not depend on their order (or sort first).
    runtimes: kubelet::Runtimes,
    wakeups: BTreeSet<Time>,
    /// When each deleted Node object went away (for the pod garbage collector).
    node_gone: BTreeMap<String, Time>,
    /// The running load generator, if any, and the servers' request queues.
    load: Option<traffic::Load>,
    servers: traffic::Servers,
    /// Active `kubectl port-forward`s: local port → (namespace, pod, remote port).
    port_forwards: BTreeMap<u16, (String, String, i32)>,
    /// Data the programs keep (Redis keys), by where it lives.
    kv: traffic::Kv,
    /// The VM-era LAN (empty unless `lab lan up`).
    lan: vms::Lan,
    /// Writes made by each part of the cluster so far (for the map's control-plane lights).
    activity: Activity,
    /// The store's resourceVersion when the controllers last settled.
    settled_rv: u64,
    /// A controller pass that `settle_some` stopped part way (between stages, or between
    /// the actions of one): where it stands.
    pass: Option<Pass>,
    /// An instant `advance_to_some` stopped in while settling it: the load generator's turn
    /// at it is still to come (after the settle, as `advance` does it).
    mid_instant: Option<Time>,
    /// The kubelets' work queue: pods that may have something to do, because they were
    /// written, their runtime was changed, or one of their moments came. It always holds
    /// every pod that is not quiet (`kubelet::pod_quiet`); a pod found quiet leaves it, with
    /// its next moment in `kubelet_timers`. So the kubelets' stage looks at the pods that
    /// can have work, not at every pod, and finds the same ones.
    kubelet_queue: BTreeSet<store::Key>,
    /// When quiet pods next have something to do.
    kubelet_timers: BTreeMap<Time, Vec<store::Key>>,
    /// Every pod must be looked at again (a machine came, went, lost or regained power).
    kubelet_rescan: bool,
    /// Pods the pod garbage collector acted on or waits on (a Node's quarantine).
    podgc_waiting: BTreeSet<store::Key>,
    /// The scheduler's nextStartNodeIndex: where its next search for nodes begins.
    scheduler_start: usize,
    /// The ReplicaSet controller's counts of each ReplicaSet's pods.
    rs_tally: controllers::replicaset::Tally,
}

/// A controller pass under way. Stopping between its stages or actions and going on later
/// changes nothing: the clock does not move and nothing else writes until it is done.
#[derive(Clone, Debug, Default, PartialEq)]
struct Pass {
    /// The next stage to run (see `Engine::run_stage`).
    stage: usize,
    /// Within the kubelets' stage: the next node to sync.
    node: usize,
    /// Within the scheduler's stage: pods of the queue that did not fit (they stay at its front).
    unschedulable: usize,
    /// Within the kubelets' stage: each node's pods, as the stage found them.
    by_node: Vec<(String, Vec<(String, String)>)>,
    /// The store's resourceVersion when the pass began.
    before: u64,
    /// Actions decided and not yet applied, with who decided them.
    pending: std::collections::VecDeque<(Who, Action)>,
    /// The kubelets' actions so far: applied once every node has synced against the same store.
    kubelets: Vec<Action>,
}

/// The stages of a controller pass, in order.
const STAGES: usize = 12;
/// The kubelets' stage: one node at a time.
const KUBELET_STAGE: usize = 9;
/// Pods the kubelets' stage syncs (whole nodes at a time) before looking at the clock.
const KUBELET_PODS_PER_STEP: usize = 200;
/// Actions applied between two looks at the clock while a pass is stopped part way.
const ACTIONS_PER_LOOK: usize = 32;

/// How many writes each part of the cluster has made through the API server so far: the
/// page lights a component up when its count moves. Every write goes through the API server
/// into etcd, so `api` counts them all (the store's resourceVersion).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    pub api: u64,
    pub scheduler: u64,
    pub controllers: u64,
    pub kubelets: u64,
}

#[cfg(test)]
mod limit_tests {
    use super::*;

    #[test]
    fn pods_beyond_the_limit_are_refused_with_a_message_and_controllers_report_it() {
        let config = ClusterConfig { max_pods: 3, ..Default::default() };
        let mut e = Engine::with_config(config, 1);
        e.settle();
        let pod = |name: &str| {
            let mut p = Pod::default();
            p.metadata.name = name.into();
            p.spec.containers.push(Container { name: "c".into(), image: "nginx:1.25".into(), ..Default::default() });
            Object::Pod(p)
        };
        for n in ["a", "b", "c"] {
            e.create(pod(n), "default").expect("within the limit");
        }
        let err = e.create(pod("d"), "default").unwrap_err();
        assert_eq!(err.kubectl_message(), "Error from server (Forbidden): pods \"d\" is forbidden: this lab holds at most 3 pods (kubelab's own limit, to keep the page within the browser's memory): delete or scale down something first");
        e.delete("Pod", "default", "c", Some(0), Propagation::Background).expect("delete");
        e.advance(5_000, &mut |_| {});
        let mut d = Deployment::default();
        d.metadata.name = "web".into();
        d.spec.replicas = Some(4);
        d.spec.selector.match_labels.insert("app".into(), "web".into());
        d.spec.template.metadata.labels.insert("app".into(), "web".into());
        d.spec.template.spec.containers.push(Container {
            name: "c".into(),
            image: "nginx:1.25".into(),
            ..Default::default()
        });
        e.create(Object::Deployment(d), "default").expect("deployment");
        e.advance(5_000, &mut |_| {});
        assert_eq!(e.store().pods.len(), 3);
        assert!(e.store().events.values().any(|ev| ev.reason == "FailedCreate"
            && ev.message.starts_with("Error creating: pods is forbidden: this lab holds at most 3 pods")));
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Scheduler,
    Controllers,
    Kubelets,
}

/// At most this many controller passes at one instant before the engine stops (a guard
/// against a controller that never settles; reaching it is a bug, reported, never a hang).
const MAX_PASSES: usize = 200;

impl Engine {
    /// The default cluster: a control-plane node and three 2-CPU/4-GiB workers.
    pub fn new(seed: u64) -> Engine {
        Engine::with_config(ClusterConfig::default(), seed)
    }

    pub fn with_config(config: ClusterConfig, seed: u64) -> Engine {
        let mut e = Engine {
            store: Store::default(),
            now: Time(0),
            seed,
            rng: Pcg32::new(seed),
            config,
            machines: BTreeMap::new(),
            runtimes: kubelet::Runtimes::default(),
            wakeups: BTreeSet::new(),
            node_gone: BTreeMap::new(),
            load: None,
            servers: traffic::Servers::default(),
            port_forwards: BTreeMap::new(),
            kv: traffic::Kv::new(),
            lan: vms::Lan::default(),
            activity: Activity::default(),
            settled_rv: 0,
            pass: None,
            mid_instant: None,
            kubelet_queue: BTreeSet::new(),
            kubelet_timers: BTreeMap::new(),
            kubelet_rescan: true,
            podgc_waiting: BTreeSet::new(),
            scheduler_start: 0,
            rs_tally: Default::default(),
        };
        e.boot();
        e
    }

    fn boot(&mut self) {
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let mut o = Object::Namespace(Namespace {
                metadata: ObjectMeta { name: ns.into(), ..Default::default() },
                ..Default::default()
            });
            default_object(&mut o);
            self.store.create(o, self.now);
            self.publish_root_ca(ns);
        }
        // The default StorageClass, as minikube installs it.
        let sc = StorageClass {
            metadata: ObjectMeta {
                name: "standard".into(),
                annotations: [("storageclass.kubernetes.io/is-default-class".to_string(), "true".to_string())].into(),
                labels: [("addonmanager.kubernetes.io/mode".to_string(), "EnsureExists".to_string())].into(),
                ..Default::default()
            },
            provisioner: "k8s.io/minikube-hostpath".into(),
            reclaim_policy: Some("Delete".into()),
            volume_binding_mode: Some("Immediate".into()),
            ..Default::default()
        };
        self.store.create(Object::StorageClass(sc), self.now);
        let nodes = self.config.nodes.clone();
        for (i, nc) in nodes.iter().enumerate() {
            self.add_node_object(nc, i as u32);
        }
        // The `kubernetes` Service in default, pointing at the API server.
        let svc = Service {
            metadata: ObjectMeta {
                name: "kubernetes".into(),
                namespace: "default".into(),
                labels: [
                    ("component".to_string(), "apiserver".to_string()),
                    ("provider".to_string(), "kubernetes".to_string()),
                ]
                .into(),
                ..Default::default()
            },
            spec: ServiceSpec {
                ports: vec![ServicePort {
                    name: "https".into(),
                    protocol: "TCP".into(),
                    port: 443,
                    target_port: Some(IntOrString::Int(6443)),
                    ..Default::default()
                }],
                cluster_ip: "10.96.0.1".into(),
                cluster_ips: vec!["10.96.0.1".into()],
                type_: "ClusterIP".into(),
                session_affinity: "None".into(),
                ip_families: vec!["IPv4".into()],
                ip_family_policy: Some("SingleStack".into()),
                internal_traffic_policy: Some("Cluster".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        self.store.create(Object::Service(svc), self.now);
        let cp_ip = self.machines.values().find(|m| m.index == 0).map(|m| m.ip.clone()).unwrap_or_default();
        let ep = Endpoints {
            metadata: ObjectMeta {
                name: "kubernetes".into(),
                namespace: "default".into(),
                labels: [("endpointslice.kubernetes.io/skip-mirror".to_string(), "true".to_string())].into(),
                ..Default::default()
            },
            subsets: vec![EndpointSubset {
                addresses: vec![EndpointAddress { ip: cp_ip, ..Default::default() }],
                ports: vec![EndpointPort {
                    name: "https".into(),
                    port: 6443,
                    protocol: "TCP".into(),
                    app_protocol: None,
                }],
                ..Default::default()
            }],
        };
        self.store.create(Object::Endpoints(ep), self.now);
    }

    fn add_node_object(&mut self, nc: &NodeConfig, index: u32) {
        let m = match self.machines.get(&nc.name) {
            Some(existing) => existing.clone(),
            None => Machine::new(&nc.name, index),
        };
        let mut labels: BTreeMap<String, String> = kubelab_api::sort::map(
            [
                ("beta.kubernetes.io/arch", "amd64"),
                ("beta.kubernetes.io/os", "linux"),
                ("kubernetes.io/arch", "amd64"),
                ("kubernetes.io/hostname", nc.name.as_str()),
                ("kubernetes.io/os", "linux"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let mut taints = Vec::new();
        if nc.control_plane {
            labels.insert("node-role.kubernetes.io/control-plane".into(), String::new());
            labels.insert("node.kubernetes.io/exclude-from-external-load-balancers".into(), String::new());
            taints.push(Taint {
                key: "node-role.kubernetes.io/control-plane".into(),
                effect: "NoSchedule".into(),
                ..Default::default()
            });
        }
        let cap: BTreeMap<String, Quantity> = kubelab_api::sort::map(
            [
                ("cpu", quantity::format_cpu_millis(nc.cpu_millis as i128)),
                ("ephemeral-storage", "61202244Ki".to_string()),
                ("memory", format!("{}Ki", nc.memory_bytes / 1024)),
                ("pods", nc.max_pods.to_string()),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.clone()))),
        );
        let now = self.now;
        let cond = |t: &str, s: &str, reason: &str, msg: &str| NodeCondition {
            type_: t.into(),
            status: s.into(),
            last_heartbeat_time: Some(now),
            last_transition_time: Some(now),
            reason: reason.into(),
            message: msg.into(),
        };
        let node = Node {
            metadata: ObjectMeta { name: nc.name.clone(), labels, ..Default::default() },
            spec: NodeSpec {
                pod_cidr: m.pod_cidr(),
                pod_cidrs: vec![m.pod_cidr()],
                provider_id: format!("kind://docker/kubelab/{}", nc.name),
                unschedulable: false,
                taints,
            },
            status: NodeStatus {
                capacity: cap.clone(),
                allocatable: cap,
                conditions: vec![
                    cond(
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ],
                addresses: vec![
                    NodeAddress { type_: "InternalIP".into(), address: m.ip.clone() },
                    NodeAddress { type_: "Hostname".into(), address: nc.name.clone() },
                ],
                node_info: NodeSystemInfo {
                    machine_id: naming::uid_for(1000 + index as u64).replace('-', ""),
                    system_uuid: naming::uid_for(2000 + index as u64),
                    boot_id: naming::uid_for(3000 + index as u64),
                    kernel_version: "6.8.0-45-generic".into(),
                    os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                    container_runtime_version: "containerd://1.7.18".into(),
                    kubelet_version: KUBERNETES_VERSION.into(),
                    kube_proxy_version: KUBERNETES_VERSION.into(),
                    operating_system: "linux".into(),
                    architecture: "amd64".into(),
                },
            },
        };
        self.machines.insert(nc.name.clone(), m);
        self.kubelet_rescan = true;
        self.store.create(Object::Node(node), self.now);
    }

    // ------------------------------------------------------------ reading

    pub fn now(&self) -> Time {
        self.now
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn store(&self) -> &Store {
        &self.store
    }
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }
    pub fn machine(&self, node: &str) -> Option<&Machine> {
        self.machines.get(node)
    }
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::of(&self.store, self.now.0).with_lan(&self.lan)
    }
    /// The next instant something is scheduled to happen, if anything is.
    pub fn next_event(&self) -> Option<Time> {
        self.next_wakeup()
    }

    // ------------------------------------------------------------ the API server

    /// Creates an object as the API server does: namespace, generateName, defaulting,
    /// admission, validation, then storage. `namespace` is the request's namespace.
    pub fn create(&mut self, mut obj: Object, namespace: &str) -> Result<Object, ApiError> {
        let info = obj.info();
        if info.kind == "Pod" && self.store.pods.len() >= self.config.max_pods {
            return Err(ApiError::Forbidden(self.pod_limit_message(&obj.meta().name)));
        }
        if info.namespaced {
            if obj.meta().namespace.is_empty() {
                obj.meta_mut().namespace = namespace.to_string();
            } else if obj.meta().namespace != namespace && !namespace.is_empty() {
                return Err(ApiError::BadRequest(
                    "the namespace of the provided object does not match the namespace sent on the request".to_string(),
                ));
            }
            let ns = obj.meta().namespace.clone();
            if !self.store.exists("Namespace", "", &ns) {
                return Err(ApiError::NotFound { resource: "namespaces".into(), name: ns });
            }
            if !matches!(info.kind, "Pod" | "Event")
                && self.store.namespace_objects(&ns) >= self.config.max_namespace_objects
            {
                let name = obj.meta().name.clone();
                let what =
                    if name.is_empty() { info.resource.to_string() } else { format!("{} \"{name}\"", info.resource) };
                return Err(ApiError::Forbidden(format!(
                    "{what} is forbidden: this lab holds at most {} objects in a namespace, pods and events aside (kubelab's own limit, to keep the page within the browser's memory): delete something in namespace \"{ns}\" first",
                    self.config.max_namespace_objects
                )));
            }
        } else {
            obj.meta_mut().namespace = String::new();
        }
        if obj.meta().name.is_empty() && !obj.meta().generate_name.is_empty() {
            let base = obj.meta().generate_name.clone();
            let name = self.unique_name(info.kind, &obj.meta().namespace.clone(), &base);
            obj.meta_mut().name = name;
        }
        default_object(&mut obj);
        self.admit(&mut obj);
        let errs = validate_object(&obj);
        if !errs.is_empty() {
            return Err(ApiError::Invalid { kind: info.kind.into(), name: obj.meta().name.clone(), errors: errs });
        }
        let (ns, name) = (obj.meta().namespace.clone(), obj.meta().name.clone());
        if self.store.exists(info.kind, &ns, &name) {
            return Err(ApiError::AlreadyExists { resource: info.qualified_resource(), name });
        }
        self.prepare_new(&mut obj)?;
        let stored = self.store.create(obj, self.now);
        if let Object::Namespace(n) = &stored {
            let name = n.metadata.name.clone();
            self.publish_root_ca(&name);
        }
        if let Object::Node(n) = &stored {
            if !self.machines.contains_key(&n.metadata.name) {
                let index = self.machines.len() as u32;
                self.machines.insert(n.metadata.name.clone(), Machine::new(&n.metadata.name, index));
                self.kubelet_rescan = true;
            }
        }
        Ok(stored)
    }

    fn unique_name(&mut self, kind: &str, ns: &str, base: &str) -> String {
        loop {
            let name = naming::generate_name(base, &mut self.rng);
            if !self.store.exists(kind, ns, &name) {
                return name;
            }
        }
    }

    /// Admission plugins every cluster runs (ServiceAccount, DefaultTolerationSeconds with
    /// the cluster's setting, Priority).
    fn admit(&mut self, obj: &mut Object) {
        if let Object::Pod(p) = obj {
            admit_pod(&mut p.spec, self.config.timings.default_toleration_seconds);
            self.mount_service_account_token(&mut p.spec);
        }
    }

    /// The ServiceAccount admission plugin's projected token volume, mounted read-only in
    /// every container at /var/run/secrets/kubernetes.io/serviceaccount.
    fn mount_service_account_token(&mut self, spec: &mut PodSpec) {
        const PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
        if spec.automount_service_account_token == Some(false)
            || spec.volumes.iter().any(|v| v.name.starts_with("kube-api-access-"))
        {
            return;
        }
        let name = naming::generate_name("kube-api-access-", &mut self.rng);
        // Parsed once: every pod shares it.
        static PROJECTED: std::sync::OnceLock<kubelab_api::Opaque> = std::sync::OnceLock::new();
        let projected = PROJECTED
            .get_or_init(|| {
                serde_yaml::from_str::<serde_yaml::Value>(
                    "defaultMode: 420\nsources:\n- serviceAccountToken:\n    expirationSeconds: 3607\n    path: token\n- configMap:\n    items:\n    - key: ca.crt\n      path: ca.crt\n    name: kube-root-ca.crt\n- downwardAPI:\n    items:\n    - fieldRef:\n        apiVersion: v1\n        fieldPath: metadata.namespace\n      path: namespace\n",
                )
                .unwrap_or_default()
                .into()
            })
            .clone();
        spec.volumes.push(Volume { name: name.clone(), projected: Some(projected), ..Default::default() });
        for c in spec.init_containers.iter_mut().chain(spec.containers.iter_mut()) {
            if !c.volume_mounts.iter().any(|m| m.mount_path == PATH) {
                c.volume_mounts.push(VolumeMount {
                    name: name.clone(),
                    mount_path: PATH.into(),
                    read_only: Some(true),
                    ..Default::default()
                });
            }
        }
    }

    /// root-ca-cert-publisher: every namespace gets the kube-root-ca.crt ConfigMap.
    fn publish_root_ca(&mut self, ns: &str) {
        let cm = ConfigMap {
            metadata: ObjectMeta {
                name: "kube-root-ca.crt".into(),
                namespace: ns.into(),
                annotations: [("kubernetes.io/description".to_string(), "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string())].into(),
                ..Default::default()
            },
            data: [("ca.crt".to_string(), "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIkubelabCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n-----END CERTIFICATE-----\n".to_string())].into(),
            ..Default::default()
        };
        if !self.store.exists("ConfigMap", ns, "kube-root-ca.crt") {
            self.store.create(Object::ConfigMap(cm), self.now);
        }
    }

    /// Server-side fields of a new object: status reset, Service IPs and node ports, pod QoS.
    fn prepare_new(&mut self, obj: &mut Object) -> Result<(), ApiError> {
        match obj {
            Object::Pod(p) => {
                p.status = PodStatus { phase: "Pending".into(), qos_class: qos_class(p).into(), ..Default::default() };
            }
            Object::Deployment(d) => d.status = DeploymentStatus::default(),
            Object::ReplicaSet(rs) => rs.status = ReplicaSetStatus::default(),
            Object::StatefulSet(s) => s.status = StatefulSetStatus::default(),
            Object::PersistentVolumeClaim(c) => {
                // DefaultStorageClass admission: no class named → the default one.
                if c.spec.storage_class_name.is_none() {
                    let default = self.store.storageclasses.values().find(|sc| {
                        sc.metadata
                            .annotations
                            .get("storageclass.kubernetes.io/is-default-class")
                            .map(|v| v == "true")
                            .unwrap_or(false)
                    });
                    if let Some(sc) = default {
                        c.spec.storage_class_name = Some(sc.metadata.name.clone());
                    }
                }
                c.status = PersistentVolumeClaimStatus { phase: "Pending".into(), ..Default::default() };
            }
            Object::PersistentVolume(v) if v.status.phase.is_empty() => {
                v.status = PersistentVolumeStatus {
                    phase: if v.spec.claim_ref.is_some() { "Bound".into() } else { "Available".into() },
                    ..Default::default()
                };
            }
            Object::Service(s) => self.allocate_service(s)?,
            _ => {}
        }
        Ok(())
    }

    fn allocate_service(&mut self, s: &mut Service) -> Result<(), ApiError> {
        if s.spec.type_ != "ExternalName" {
            if s.spec.cluster_ip.is_empty() {
                s.spec.cluster_ip = self.allocate_cluster_ip(&s.metadata.namespace, &s.metadata.name);
            } else if s.spec.cluster_ip != "None"
                && self
                    .store
                    .services
                    .values()
                    .any(|o| o.spec.cluster_ip == s.spec.cluster_ip && !same_object(&o.metadata, &s.metadata))
            {
                return Err(ApiError::Invalid {
                    kind: "Service".into(),
                    name: s.metadata.name.clone(),
                    errors: vec![validate::FieldError {
                        path: "spec.clusterIPs".into(),
                        type_: validate::ErrorType::Invalid,
                        value: format!("[]string{{{:?}}}", s.spec.cluster_ip),
                        detail: format!(
                            "failed to allocate IP {}: provided IP is already allocated",
                            s.spec.cluster_ip
                        ),
                    }],
                });
            }
            s.spec.cluster_ips = vec![s.spec.cluster_ip.clone()];
        }
        if s.spec.type_ == "NodePort" || s.spec.type_ == "LoadBalancer" {
            // Ports held by other Services (an update keeps its own).
            let used: BTreeSet<i32> = kubelab_api::sort::set(
                self.store
                    .services
                    .values()
                    .filter(|o| !same_object(&o.metadata, &s.metadata))
                    .flat_map(|o| o.spec.ports.iter().filter_map(|p| p.node_port)),
            );
            let mut taken = used.clone();
            for p in &mut s.spec.ports {
                match p.node_port.filter(|n| *n != 0) {
                    Some(n) if used.contains(&n) => {
                        return Err(ApiError::Invalid {
                            kind: "Service".into(),
                            name: s.metadata.name.clone(),
                            errors: vec![validate::FieldError {
                                path: "spec.ports[0].nodePort".into(),
                                type_: validate::ErrorType::Invalid,
                                value: n.to_string(),
                                detail: "provided port is already allocated".into(),
                            }],
                        })
                    }
                    Some(n) => {
                        taken.insert(n);
                    }
                    None => {
                        let mut n = 30000
                            + (naming::fnv32a(
                                format!("{}/{}/{}", s.metadata.namespace, s.metadata.name, p.port).as_bytes(),
                            ) % 2768) as i32;
                        while taken.contains(&n) {
                            n = if n >= 32767 { 30000 } else { n + 1 };
                        }
                        taken.insert(n);
                        p.node_port = Some(n);
                    }
                }
            }
        }
        Ok(())
    }

    /// ClusterIPs come from 10.96.0.0/12. The address is derived from the Service's name (so a
    /// seed changes pod names only) and moved on if taken.
    fn allocate_cluster_ip(&self, ns: &str, name: &str) -> String {
        let taken: BTreeSet<&str> = self.store.services.values().map(|s| s.spec.cluster_ip.as_str()).collect();
        let mut off = 20 + naming::fnv32a(format!("{ns}/{name}").as_bytes()) % 65000;
        loop {
            let ip = format!("10.96.{}.{}", off / 254, off % 254 + 1);
            if !taken.contains(ip.as_str()) {
                return ip;
            }
            off = (off + 1) % 65000;
        }
    }

    /// Replaces an existing object's spec and metadata (`kubectl apply` of a change, `replace`,
    /// `scale`, `edit`). Status and server-set fields are kept; immutable fields are checked.
    pub fn update(&mut self, mut obj: Object) -> Result<Object, ApiError> {
        let info = obj.info();
        let (ns, name) = (obj.meta().namespace.clone(), obj.meta().name.clone());
        let Some(old) = self.store.get(info.kind, &ns, &name) else {
            return Err(ApiError::not_found(info, &name));
        };
        default_object(&mut obj);
        let mut errs = validate_object(&obj);
        {
            let om = old.meta();
            let m = obj.meta_mut();
            m.uid = om.uid.clone();
            m.creation_timestamp = om.creation_timestamp;
            m.generation = om.generation;
            m.deletion_timestamp = om.deletion_timestamp;
            m.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            m.owner_references =
                if m.owner_references.is_empty() { om.owner_references.clone() } else { m.owner_references.clone() };
            m.finalizers = om.finalizers.clone();
        }
        match (&old, &mut obj) {
            (Object::Deployment(o), Object::Deployment(n)) => {
                if o.spec.selector != n.spec.selector {
                    errs.push(immutable("spec.selector", &n.spec.selector));
                }
                n.status = o.status.clone();
            }
            (Object::ReplicaSet(o), Object::ReplicaSet(n)) => {
                if o.spec.selector != n.spec.selector {
                    errs.push(immutable("spec.selector", &n.spec.selector));
                }
                n.status = o.status.clone();
            }
            (Object::Service(o), Object::Service(n)) => {
                if n.spec.cluster_ip.is_empty() {
                    n.spec.cluster_ip = o.spec.cluster_ip.clone();
                    n.spec.cluster_ips = o.spec.cluster_ips.clone();
                } else if n.spec.cluster_ip != o.spec.cluster_ip {
                    // ValidateServiceUpdate: the ClusterIP is immutable once set.
                    errs.push(validate::FieldError {
                        path: "spec.clusterIPs[0]".into(),
                        type_: validate::ErrorType::Invalid,
                        value: format!("[]string{{{:?}}}", n.spec.cluster_ip),
                        detail: "may not change once set".into(),
                    });
                }
                for p in &mut n.spec.ports {
                    if n.spec.type_ == "ClusterIP" {
                        p.node_port = None;
                    } else if p.node_port.is_none() && (n.spec.type_ == "NodePort" || n.spec.type_ == "LoadBalancer") {
                        p.node_port = o.spec.ports.iter().find(|op| op.port == p.port).and_then(|op| op.node_port);
                    }
                }
                n.status = o.status.clone();
                self.allocate_service(n)?;
            }
            (Object::Pod(o), Object::Pod(n)) => {
                let mut a = o.spec.clone();
                let mut b = n.spec.clone();
                if b.node_name.is_empty() {
                    b.node_name = a.node_name.clone();
                    n.spec.node_name = a.node_name.clone();
                }
                // Only images (and a few fields) of a pod may change after it is created.
                for (x, y) in a.containers.iter_mut().zip(b.containers.iter_mut()) {
                    x.image = y.image.clone();
                }
                b.tolerations = a.tolerations.clone();
                b.active_deadline_seconds = a.active_deadline_seconds;
                if a != b {
                    errs.push(validate::FieldError {
                        path: "spec".into(),
                        type_: validate::ErrorType::Forbidden,
                        value: String::new(),
                        detail: "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into(),
                    });
                }
                n.status = o.status.clone();
            }
            (Object::Node(o), Object::Node(n)) => {
                n.status = o.status.clone();
                // A new NoExecute taint's clock starts now: the taint eviction controller
                // times tolerationSeconds from when it first sees the taint.
                for t in &mut n.spec.taints {
                    if t.effect == "NoExecute" && t.time_added.is_none() {
                        t.time_added = o
                            .spec
                            .taints
                            .iter()
                            .find(|x| x.key == t.key && x.effect == t.effect)
                            .and_then(|x| x.time_added)
                            .or(Some(self.now));
                    }
                }
            }
            (Object::StatefulSet(o), Object::StatefulSet(n)) => {
                if o.spec.selector != n.spec.selector
                    || o.spec.volume_claim_templates != n.spec.volume_claim_templates
                    || o.spec.service_name != n.spec.service_name
                {
                    errs.push(validate::FieldError {
                        path: "spec".into(),
                        type_: validate::ErrorType::Forbidden,
                        value: String::new(),
                        detail: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".into(),
                    });
                }
                n.status = o.status.clone();
            }
            (Object::PersistentVolumeClaim(o), Object::PersistentVolumeClaim(n)) => {
                if n.spec.volume_name.is_empty() {
                    n.spec.volume_name = o.spec.volume_name.clone();
                }
                if n.spec.storage_class_name.is_none() {
                    n.spec.storage_class_name = o.spec.storage_class_name.clone();
                }
                n.status = o.status.clone();
            }
            (Object::PersistentVolume(o), Object::PersistentVolume(n)) => {
                if n.spec.claim_ref.is_none() {
                    n.spec.claim_ref = o.spec.claim_ref.clone();
                }
                n.status = o.status.clone();
            }
            _ => {}
        }
        if !errs.is_empty() {
            return Err(ApiError::Invalid { kind: info.kind.into(), name, errors: errs });
        }
        self.store.update(obj);
        Ok(self.store.get(info.kind, &ns, &name).expect("just updated"))
    }

    /// Deletes an object. Pods on a node terminate gracefully (`grace` overrides the pod's
    /// terminationGracePeriodSeconds; 0 with force removes at once).
    pub fn delete(
        &mut self,
        kind: &str,
        ns: &str,
        name: &str,
        grace: Option<i64>,
        propagation: Propagation,
    ) -> Result<Object, ApiError> {
        let info =
            object::kind_info_by_kind(kind).ok_or_else(|| ApiError::BadRequest(format!("unknown kind {kind}")))?;
        let ns = if info.namespaced { ns } else { "" };
        let Some(obj) = self.store.get(kind, ns, name) else {
            return Err(ApiError::not_found(info, name));
        };
        if propagation == Propagation::Orphan {
            self.orphan_dependents(&obj);
        }
        self.apply(Action::Delete { kind: info.kind, namespace: ns.into(), name: name.into(), grace });
        if propagation == Propagation::Foreground {
            // Dependents go first; here the garbage collector removes them in the same instant.
            self.settle();
        }
        Ok(self.store.get(kind, ns, name).unwrap_or(obj))
    }

    fn orphan_dependents(&mut self, owner: &Object) {
        let uid = owner.meta().uid.clone();
        let mut updates = Vec::new();
        for rs in self.store.replicasets.values() {
            if rs.metadata.owner_references.iter().any(|r| r.uid == uid) {
                let mut n = rs.clone();
                n.metadata.owner_references.retain(|r| r.uid != uid);
                updates.push(Object::ReplicaSet(n));
            }
        }
        for p in self.store.pods.values() {
            if p.metadata.owner_references.iter().any(|r| r.uid == uid) {
                let mut n = p.clone();
                n.metadata.owner_references.retain(|r| r.uid != uid);
                updates.push(Object::Pod(n));
            }
        }
        for u in updates {
            self.store.update(u);
        }
    }

    // ------------------------------------------------------------ logs and processes

    /// A container's log lines, as the kubelet serves `kubectl logs`.
    /// What the kubelet runs for the pod with this uid, once admitted.
    pub fn pod_runtime(&self, uid: &str) -> Option<&kubelet::PodRuntime> {
        self.runtimes.get(uid)
    }

    pub fn container_logs(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<Vec<(Time, String)>, ApiError> {
        let Some(p) = self.store.pods.get(&(ns.to_string(), pod.to_string())) else {
            return Err(ApiError::NotFound { resource: "pods".into(), name: pod.into() });
        };
        let all: Vec<&Container> = p.spec.init_containers.iter().chain(p.spec.containers.iter()).collect();
        if !all.iter().any(|c| c.name == container) {
            return Err(ApiError::BadRequest(format!("container {container} is not valid for pod {pod}")));
        }
        if let Some(m) = self.machines.get(&p.spec.node_name) {
            if !m.alive {
                return Err(ApiError::Unreachable(format!(
                    "Get \"https://{}:10250/containerLogs/{ns}/{pod}/{container}\": dial tcp {}:10250: connect: no route to host",
                    m.ip, m.ip
                )));
            }
        }
        let ctr = self.runtimes.get(&p.metadata.uid).and_then(|rt| rt.all_containers().find(|c| c.name == container));
        // The waiting reason of a container not created yet (the kubelet's default).
        let creating = if p.spec.init_containers.is_empty() { "ContainerCreating" } else { "PodInitializing" };
        let Some(ctr) = ctr else {
            return Err(ApiError::BadRequest(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: {creating}"
            )));
        };
        if previous {
            if ctr.restarts == 0 {
                return Err(ApiError::BadRequest(format!(
                    "previous terminated container \"{container}\" in pod \"{pod}\" not found"
                )));
            }
            return Ok(ctr.previous_logs.iter().map(|(t, l)| (*t, l.to_string())).collect());
        }
        match &ctr.phase {
            kubelet::Phase::Pulling { .. }
            | kubelet::Phase::Starting { .. }
            | kubelet::Phase::Queued
            | kubelet::Phase::WaitingForVolumes { .. }
                if ctr.restarts == 0 =>
            {
                Err(ApiError::BadRequest(format!(
                    "container \"{container}\" in pod \"{pod}\" is waiting to start: {creating}"
                )))
            }
            kubelet::Phase::ErrImagePull { .. } | kubelet::Phase::ImagePullBackOff { .. } => {
                Err(ApiError::BadRequest(format!(
                    "container \"{container}\" in pod \"{pod}\" is waiting to start: trying and failing to pull image"
                )))
            }
            kubelet::Phase::ConfigError { .. } if ctr.restarts == 0 => Err(ApiError::BadRequest(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: CreateContainerConfigError"
            ))),
            _ => Ok(ctr.logs.iter().filter(|(t, _)| *t <= self.now).map(|(t, l)| (*t, l.to_string())).collect()),
        }
    }

    /// Kills a container's process (SIGKILL: exit code 137), as `lab pod kill` does.
    pub fn kill_container(&mut self, ns: &str, pod: &str, container: Option<&str>) -> Result<String, String> {
        self.touch();
        let Some(p) = self.store.pods.get(&(ns.to_string(), pod.to_string())).cloned() else {
            return Err(format!("pods \"{pod}\" not found"));
        };
        let now = self.now;
        let rt = self.runtime_mut(&p.metadata.uid).ok_or_else(|| format!("pod {pod} has no running containers"))?;
        rt.settled = None;
        let name = container
            .map(String::from)
            .or_else(|| p.spec.containers.first().map(|c| c.name.clone()))
            .unwrap_or_default();
        let c = rt.container_mut(&name).ok_or_else(|| format!("container {name} is not valid for pod {pod}"))?;
        match &mut c.phase {
            kubelet::Phase::Running { exit_at, .. } => {
                *exit_at = Some((now, 137, "Error".into()));
            }
            _ => return Err(format!("container {name} in pod {pod} is not running")),
        }
        self.settle();
        Ok(name)
    }

    // ------------------------------------------------------------ machines

    /// Adds a worker machine (2 CPU / 4 GiB unless the config says otherwise); its kubelet
    /// registers the Node at once.
    pub fn add_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        if self.machines.contains_key(name) || self.store.exists("Node", "", name) {
            return Err(format!("node \"{name}\" already exists"));
        }
        let errs = validate::dns1123_subdomain(name);
        if let Some(e) = errs.first() {
            return Err(format!("invalid node name \"{name}\": {e}"));
        }
        let nc = NodeConfig::worker(name);
        self.config.nodes.push(nc.clone());
        let index = self.machines.values().map(|m| m.index + 1).max().unwrap_or(0);
        self.add_node_object(&nc, index);
        self.settle();
        Ok(())
    }

    /// Destroys a machine: its Node object is deleted and it never comes back.
    pub fn remove_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        if !self.machines.contains_key(name) {
            return Err(format!("node \"{name}\" not found"));
        }
        if let Some(m) = self.machines.get_mut(name) {
            m.alive = false;
            m.rejoin_at = None;
        }
        if self.store.exists("Node", "", name) {
            self.apply(Action::Delete { kind: "Node", namespace: String::new(), name: name.into(), grace: None });
        }
        self.machines.remove(name);
        self.kubelet_rescan = true;
        self.config.nodes.retain(|n| n.name != name);
        self.settle();
        Ok(())
    }

    /// Powers a node off: its kubelet stops renewing its lease and its containers die.
    pub fn kill_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        let renew = self.config.timings.lease_renew_ms;
        let now = self.now;
        let m = self.machines.get_mut(name).ok_or_else(|| format!("node \"{name}\" not found"))?;
        if !m.alive {
            return Err(format!("node \"{name}\" is already down"));
        }
        m.alive = false;
        m.last_renew = Time(now.0 / renew * renew);
        m.rejoin_at = None;
        let mut k = Kubelet { machine: m, runtimes: &mut self.runtimes, timings: &self.config.timings };
        k.power_loss(&self.store, now);
        self.kubelet_rescan = true;
        self.settle();
        Ok(())
    }

    /// Powers a node back on: at its next lease renewal it posts Ready again.
    pub fn restore_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        let renew = self.config.timings.lease_renew_ms;
        let now = self.now;
        let m = self.machines.get_mut(name).ok_or_else(|| format!("node \"{name}\" not found"))?;
        if m.alive {
            return Err(format!("node \"{name}\" is already up"));
        }
        m.alive = true;
        let at = Time(now.0.div_ceil(renew) * renew);
        m.rejoin_at = Some(at);
        m.pull_busy_until = now;
        // Containers were lost with the power: the kubelet starts them again.
        let uids: Vec<String> =
            self.store.pods.values().filter(|p| p.spec.node_name == name).map(|p| p.metadata.uid.clone()).collect();
        self.kubelet_rescan = true;
        for uid in uids {
            if let Some(rt) = self.runtimes.get_mut(&uid) {
                rt.settled = None;
                for c in rt.inits.iter_mut().chain(rt.containers.iter_mut()) {
                    if let kubelet::Phase::Starting { at: t } = &mut c.phase {
                        *t = Time(at.0 + kubelet::CREATE_MS);
                    }
                }
            }
        }
        self.wakeups.insert(at);
        self.settle();
        Ok(())
    }

    // ------------------------------------------------------------ time

    /// Applies one action through the store.
    fn apply(&mut self, a: Action) {
        let now = self.now;
        match a {
            Action::Create(obj) => {
                let _ = self.create_internal(*obj);
            }
            Action::CreateWithEvent(obj, mut ev) => {
                if obj.kind() == "Pod" && self.store.pods.len() >= self.config.max_pods {
                    // As a controller meets a quota: the owner gets a FailedCreate event.
                    let msg = format!("Error creating: {}", self.pod_limit_message(""));
                    self.store
                        .record_event(store::EventSpec::warning(ev.involved, "FailedCreate", msg, ev.component), now);
                    return;
                }
                if let Some(name) = self.create_internal(*obj) {
                    ev.message = ev.message.replace("{name}", &name);
                    self.store.record_event(ev, now);
                }
            }
            Action::Update(obj) => {
                self.store.update(*obj);
            }
            Action::PodStatus { namespace, name, uid, bind, status } => {
                self.store.update_pod_status(namespace, name, &uid, bind, *status);
            }
            Action::Delete { kind, namespace, name, grace } => self.delete_internal(kind, &namespace, &name, grace),
            Action::Event(e) => self.store.record_event(e, now),
            Action::Requeue(t) => {
                if t > now {
                    self.wakeups.insert(t);
                }
            }
        }
    }

    /// Why one more pod is refused (kubelab's limit, worded as a quota is).
    fn pod_limit_message(&self, name: &str) -> String {
        let what = if name.is_empty() { "pods".to_string() } else { format!("pods \"{name}\"") };
        format!(
            "{what} is forbidden: this lab holds at most {} pods (kubelab's own limit, to keep the page within the browser's memory): delete or scale down something first",
            self.config.max_pods
        )
    }

    /// Creates what a controller asks for; the name it got, or None if it was not made.
    fn create_internal(&mut self, mut obj: Object) -> Option<String> {
        let ns = obj.meta().namespace.clone();
        if obj.meta().name.is_empty() && !obj.meta().generate_name.is_empty() {
            let base = obj.meta().generate_name.clone();
            let name = self.unique_name(obj.kind(), &ns, &base);
            obj.meta_mut().name = name;
        }
        default_object(&mut obj);
        self.admit(&mut obj);
        if self.store.exists(obj.kind(), &ns, &obj.meta().name) {
            return None;
        }
        self.prepare_new(&mut obj).ok()?;
        let name = obj.meta().name.clone();
        self.store.create_unread(obj, self.now);
        Some(name)
    }

    fn delete_internal(&mut self, kind: &str, ns: &str, name: &str, grace: Option<i64>) {
        let now = self.now;
        if kind == "Pod" {
            let Some(p) = self.store.pods.get(&(ns.to_string(), name.to_string())).cloned() else { return };
            let grace = grace.unwrap_or(p.spec.termination_grace_period_seconds.unwrap_or(30)).max(0);
            let bound = !p.spec.node_name.is_empty();
            if grace == 0 || !bound {
                self.runtimes.remove(&p.metadata.uid);
                self.store.delete_now("Pod", ns, name);
                return;
            }
            if p.metadata.deletion_timestamp.is_some() {
                return;
            }
            let mut n = p.clone();
            n.metadata.deletion_timestamp = Some(Time(now.0 + grace as u64 * 1000));
            n.metadata.deletion_grace_period_seconds = Some(grace);
            self.store.update(Object::Pod(n));
            return;
        }
        if kind == "PersistentVolumeClaim" {
            // pvc-protection: a claim a pod still uses waits (Terminating) until it is free.
            let in_use = self.store.pods.values().any(|p| {
                p.metadata.namespace == ns
                    && p.status.phase != "Succeeded"
                    && p.status.phase != "Failed"
                    && p.spec
                        .volumes
                        .iter()
                        .any(|v| v.persistent_volume_claim.as_ref().is_some_and(|c| c.claim_name == name))
            });
            if in_use {
                if let Some(mut c) = self.store.pvcs.get(&(ns.to_string(), name.to_string())).cloned() {
                    if c.metadata.deletion_timestamp.is_none() {
                        c.metadata.deletion_timestamp = Some(now);
                        c.metadata.deletion_grace_period_seconds = Some(0);
                        self.store.update(Object::PersistentVolumeClaim(c));
                    }
                }
                return;
            }
        }
        if kind == "Node" {
            self.node_gone.insert(name.to_string(), now);
            let renew = self.config.timings.lease_renew_ms;
            if let Some(m) = self.machines.get_mut(name) {
                if m.alive {
                    // A live kubelet finds its Node gone and registers it again.
                    m.rejoin_at = Some(Time((now.0 / renew + 1) * renew));
                    let at = m.rejoin_at.unwrap();
                    self.wakeups.insert(at);
                }
            }
        }
        if kind == "Namespace" {
            for k in [
                "Pod",
                "Deployment",
                "ReplicaSet",
                "StatefulSet",
                "PersistentVolumeClaim",
                "Service",
                "Endpoints",
                "ConfigMap",
                "Event",
            ] {
                for o in self.store.list(k, Some(name)) {
                    self.store.delete_now(k, name, &o.meta().name);
                }
            }
        }
        self.store.delete_now(kind, ns, name);
    }

    /// Runs every controller, the scheduler and the kubelets at the current instant until
    /// nothing changes.
    pub fn settle(&mut self) {
        self.settle_passes();
        self.settled_rv = self.store.resource_version();
        self.finish_instant();
    }

    /// The load generator's turn at an instant whose settling was spread over several calls.
    fn finish_instant(&mut self) {
        if self.mid_instant.take().is_some() {
            self.run_load();
        }
    }

    /// A change outside the store (a machine powered off or on, a process killed): the
    /// next advance settles even if nothing was written.
    fn touch(&mut self) {
        self.settled_rv = u64::MAX;
    }

    fn settle_passes(&mut self) {
        for _ in 0..MAX_PASSES {
            if !self.settle_pass() {
                return;
            }
        }
        // A controller that never settles is a bug in the lab, not in the learner's input:
        // stop here (the page stays alive) and carry on at the next instant.
    }

    /// Settles a pass at a time until nothing changes or `out_of_time()`: true once settled.
    /// Stopping between passes changes nothing: the passes that follow are the same ones
    /// (the page spreads a big change, such as 1,000 new pods, over several frames).
    pub fn settle_some(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        if self.store.resource_version() == self.settled_rv {
            return true;
        }
        for _ in 0..MAX_PASSES {
            match self.settle_pass_some(out_of_time) {
                None => return false,
                Some(false) => {
                    self.settled_rv = self.store.resource_version();
                    self.finish_instant();
                    return true;
                }
                Some(true) if out_of_time() => return false,
                Some(true) => {}
            }
        }
        self.settled_rv = self.store.resource_version();
        self.finish_instant();
        true
    }

    /// Whether everything written has been settled.
    pub fn is_settled(&self) -> bool {
        self.store.resource_version() == self.settled_rv
    }

    /// One controller pass (node lifecycle, workload controllers, scheduler, kubelets,
    /// endpoints, load balancers); true if it wrote anything. Finishes a pass that
    /// `settle_some` stopped part way.
    fn settle_pass(&mut self) -> bool {
        self.settle_pass_some(&mut || false).unwrap_or(true)
    }

    /// `settle_pass`, stopping between stages, nodes or a few actions when `out_of_time()`
    /// (None: stopped part way; the next call goes on from there).
    fn settle_pass_some(&mut self, out_of_time: &mut dyn FnMut() -> bool) -> Option<bool> {
        let mut pass =
            self.pass.take().unwrap_or_else(|| Pass { before: self.store.resource_version(), ..Default::default() });
        loop {
            let mut applied = 0;
            while let Some((who, action)) = pass.pending.pop_front() {
                self.apply_by(who, action);
                applied += 1;
                if applied % ACTIONS_PER_LOOK == 0 && !pass.pending.is_empty() && out_of_time() {
                    self.pass = Some(pass);
                    return None;
                }
            }
            if pass.stage == STAGES {
                return Some(self.store.resource_version() != pass.before);
            }
            self.run_stage(&mut pass);
            if out_of_time() {
                self.pass = Some(pass);
                return None;
            }
        }
    }

    /// Runs a pass's next stage (or, in the kubelets' stage, its next node): what it decides
    /// goes to `pass.pending`, in the order the stages always ran.
    fn run_stage(&mut self, pass: &mut Pass) {
        let now = self.now;
        let (who, actions) = match pass.stage {
            0 => {
                self.rejoin_nodes();
                let machines = &self.machines;
                let health = |n: &str| match machines.get(n) {
                    Some(m) => {
                        NodeHealth { last_renew: m.last_renew, alive: m.alive && m.rejoin_at.is_none_or(|t| t <= now) }
                    }
                    None => NodeHealth { last_renew: Time(0), alive: false },
                };
                (Who::Controllers, node_lifecycle::reconcile(&self.store, &health, &self.config.timings, now))
            }
            1 => (Who::Controllers, controllers::deployment::reconcile_all(&self.store, now)),
            2 => {
                let written = std::mem::take(&mut self.store.rs_written);
                let out = controllers::replicaset::reconcile_all_tallied(&self.store, now, &mut self.rs_tally, written);
                #[cfg(debug_assertions)]
                assert_eq!(
                    out,
                    controllers::replicaset::reconcile_all(&self.store, now),
                    "the ReplicaSet controller's counts went wrong"
                );
                (Who::Controllers, out)
            }
            3 => (Who::Controllers, controllers::statefulset::reconcile_all(&self.store, now)),
            4 => (Who::Controllers, controllers::volumes::reconcile(&self.store, now)),
            5 => (Who::Controllers, self.gc_stage(now)),
            6 => (Who::Controllers, self.podgc_stage(now)),
            7 => {
                // A slice of the queue at a time, each slice's bindings applied before the next.
                let (actions, failed, more) = scheduler::reconcile_slice(
                    &self.store,
                    now,
                    pass.unschedulable,
                    scheduler::PODS_PER_SLICE,
                    &mut self.scheduler_start,
                );
                pass.pending.extend(actions.into_iter().map(|a| (Who::Scheduler, a)));
                pass.unschedulable += failed;
                if !more {
                    pass.stage += 1;
                }
                return;
            }
            8 => (Who::Kubelets, self.run_probes()),
            KUBELET_STAGE => {
                // Each kubelet sees its own pods and acts on its own pods and node only, so
                // all of them sync against this pass's store (one node per step) and their
                // actions are applied afterwards, node by node in name order.
                // The grouping is made once per pass (the store does not change until every
                // node has synced).
                if pass.node == 0 {
                    // (Grouped in a hash map, then sorted once by node name: a B-tree of
                    // a thousand names searched once per pod cost more.)
                    let mut by_node: crate::fasthash::FastMap<&str, Vec<(String, String)>> = Default::default();
                    // Pods with nothing to do are left out (syncing them would do nothing):
                    // only the queue's pods can have something to do.
                    let mut queue = std::mem::take(&mut self.kubelet_queue);
                    if std::mem::take(&mut self.kubelet_rescan) {
                        queue.extend(self.store.pods.keys().cloned());
                    }
                    queue.append(&mut self.store.written_pods);
                    let later = self.kubelet_timers.split_off(&Time(now.0 + 1));
                    for (_, keys) in std::mem::replace(&mut self.kubelet_timers, later) {
                        queue.extend(keys);
                    }
                    // The pods kept queued, in the queue's order (built at once at the end,
                    // not searched for one by one).
                    let mut kept = Vec::new();
                    for k in queue {
                        // Gone, or not bound yet: the next write brings it back.
                        let Some(p) = self.store.pods.get(&k) else { continue };
                        if p.spec.node_name.is_empty() {
                            continue;
                        }
                        if !self.machines.contains_key(&p.spec.node_name) {
                            kept.push(k);
                            continue;
                        }
                        if kubelet::pod_quiet(&self.runtimes, p, now) {
                            let wake = self
                                .runtimes
                                .get(&p.metadata.uid)
                                .and_then(|rt| rt.settled.as_ref().and_then(|(_, at)| rt.next_wakeup(*at)));
                            if let Some(t) = wake {
                                self.kubelet_timers.entry(t).or_default().push(k);
                            }
                            continue;
                        }
                        by_node.entry(p.spec.node_name.as_str()).or_default().push(k.clone());
                        kept.push(k);
                    }
                    self.kubelet_queue = kept.into_iter().collect();
                    let mut by_node: Vec<(String, Vec<(String, String)>)> =
                        by_node.into_iter().map(|(n, keys)| (n.to_string(), keys)).collect();
                    by_node.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                    // The queue must find exactly the pods a look at every pod would find
                    // (checked in the tests' builds, where every scenario runs through it).
                    #[cfg(debug_assertions)]
                    {
                        let mut all: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
                        for p in self.store.pods.values() {
                            if !p.spec.node_name.is_empty()
                                && self.machines.contains_key(&p.spec.node_name)
                                && !kubelet::pod_quiet(&self.runtimes, p, now)
                            {
                                all.entry(p.spec.node_name.clone())
                                    .or_default()
                                    .push((p.metadata.namespace.clone(), p.metadata.name.clone()));
                            }
                        }
                        assert_eq!(
                            all.into_iter().collect::<Vec<_>>(),
                            by_node,
                            "the kubelets' queue missed pods that have something to do"
                        );
                    }
                    pass.by_node = by_node;
                }
                // Nodes in turn until about KUBELET_PODS_PER_STEP pods have synced.
                let count = pass.by_node.len();
                let mut synced = 0;
                while let Some((n, keys)) = pass.by_node.get(pass.node) {
                    let pods: Vec<&Pod> = keys.iter().filter_map(|k| self.store.pods.get(k)).collect();
                    if let Some(m) = self.machines.get_mut(n) {
                        let mut k = Kubelet { machine: m, runtimes: &mut self.runtimes, timings: &self.config.timings };
                        pass.kubelets.extend(k.sync(&self.store, &pods, now));
                    }
                    pass.node += 1;
                    synced += pods.len();
                    if synced >= KUBELET_PODS_PER_STEP {
                        break;
                    }
                }
                if pass.node < count {
                    return;
                }
                (Who::Kubelets, std::mem::take(&mut pass.kubelets))
            }
            10 => (Who::Controllers, controllers::endpoints::reconcile_all(&self.store, now)),
            11 => (Who::Controllers, controllers::service_lb::reconcile(&self.store, now)),
            _ => (Who::Controllers, Vec::new()),
        };
        pass.pending.extend(actions.into_iter().map(|a| (who, a)));
        pass.stage += 1;
    }

    /// The garbage collector, over what was written since it last looked unless something
    /// was deleted (see `gc::reconcile_written`).
    fn gc_stage(&mut self, now: Time) -> Vec<Action> {
        let written = std::mem::take(&mut self.store.gc_written);
        if std::mem::take(&mut self.store.gc_deleted) {
            return controllers::gc::reconcile_all(&self.store, now);
        }
        let out = controllers::gc::reconcile_written(&self.store, &written);
        #[cfg(debug_assertions)]
        assert_eq!(
            out,
            controllers::gc::reconcile_all(&self.store, now),
            "the garbage collector's queue missed objects"
        );
        out
    }

    /// The pod garbage collector, over the pods written since it last looked and those it
    /// is waiting on, unless a Node was deleted (see `podgc::reconcile_pods`).
    fn podgc_stage(&mut self, now: Time) -> Vec<Action> {
        let mut queue = std::mem::take(&mut self.podgc_waiting);
        queue.append(&mut self.store.podgc_written);
        let mut acted = Vec::new();
        let node_deleted = std::mem::take(&mut self.store.podgc_node_deleted);
        let (store, timings) = (&self.store, &self.config.timings);
        let out = if node_deleted {
            controllers::podgc::reconcile_pods(store, store.pods.values(), &self.node_gone, timings, now, &mut acted)
        } else {
            controllers::podgc::reconcile_pods(
                store,
                queue.iter().filter_map(|k| store.pods.get(k)),
                &self.node_gone,
                timings,
                now,
                &mut acted,
            )
        };
        #[cfg(debug_assertions)]
        assert_eq!(
            out,
            controllers::podgc::reconcile(store, &self.node_gone, timings, now),
            "the pod garbage collector's queue missed pods"
        );
        self.podgc_waiting = acted.into_iter().collect();
        out
    }

    /// A pod's runtime, to change outside its kubelet's sync: the pod goes back on the
    /// kubelets' queue (the change may give it something to do).
    fn runtime_mut(&mut self, uid: &str) -> Option<&mut PodRuntime> {
        let key = self.runtimes.get(uid)?.key.clone();
        self.kubelet_queue.insert(key);
        self.runtimes.get_mut(uid)
    }

    /// A node whose kubelet came back posts Ready at its first lease renewal.
    fn rejoin_nodes(&mut self) {
        let now = self.now;
        let due: Vec<String> = self
            .machines
            .values()
            .filter(|m| m.alive && m.rejoin_at.is_some_and(|t| t <= now))
            .map(|m| m.name.clone())
            .collect();
        for name in due {
            if let Some(m) = self.machines.get_mut(&name) {
                m.rejoin_at = None;
            }
            let Some(node) = self.store.nodes.get(&(String::new(), name.clone())).cloned() else {
                // The Node object was deleted: the kubelet registers it anew.
                let index = self.machines.get(&name).map(|m| m.index).unwrap_or(0);
                let nc = self
                    .config
                    .nodes
                    .iter()
                    .find(|n| n.name == name)
                    .cloned()
                    .unwrap_or_else(|| NodeConfig::worker(&name));
                self.add_node_object(&nc, index);
                self.node_gone.remove(&name);
                let obj = self.store.get("Node", "", &name).expect("just registered");
                self.store.record_event(
                    EventSpec::normal(
                        object_ref(&obj),
                        "RegisteredNode",
                        format!("Node {name} event: Registered Node {name} in Controller"),
                        "node-controller",
                    ),
                    now,
                );
                continue;
            };
            let mut n = node.clone();
            for c in &mut n.status.conditions {
                let (status, reason, msg) = match c.type_.as_str() {
                    "Ready" => ("True", "KubeletReady", "kubelet is posting ready status"),
                    "MemoryPressure" => {
                        ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")
                    }
                    "DiskPressure" => ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    _ => ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                };
                c.status = status.into();
                c.reason = reason.into();
                c.message = msg.into();
                c.last_transition_time = Some(now);
                c.last_heartbeat_time = Some(now);
            }
            n.spec.taints.retain(|t| t.key != node_lifecycle::UNREACHABLE && t.key != node_lifecycle::NOT_READY);
            self.store.update(Object::Node(n.clone()));
            self.store.record_event(
                EventSpec::normal(
                    object_ref(&Object::Node(n)),
                    "NodeReady",
                    format!("Node {name} status is now: NodeReady"),
                    "kubelet",
                )
                .on_host(&name),
                now,
            );
        }
    }

    /// Applies one part of the cluster's actions and counts the writes they made.
    fn apply_by(&mut self, who: Who, action: Action) {
        let before = self.store.resource_version();
        let kubelet_status = match (&action, who) {
            (Action::PodStatus { namespace, name, bind: None, .. }, Who::Kubelets) => {
                Some((namespace.clone(), name.clone()))
            }
            _ => None,
        };
        self.apply(action);
        let n = self.store.resource_version() - before;
        if let Some(k) = kubelet_status.filter(|_| n > 0) {
            // The kubelet posted the status its runtime gives now, so the pod is settled as
            // written: syncing it again at this instant would post nothing new.
            // (A pod being deleted is never settled: its kubelet stops it instead.)
            if let Some(p) = self.store.pods.get(&k).filter(|p| p.metadata.deletion_timestamp.is_none()) {
                if let Some(rt) = self.runtimes.get_mut(&p.metadata.uid) {
                    rt.settled = Some((p.metadata.resource_version.clone(), self.now));
                }
                // Checked in the tests' builds: that sync, on copies, changes nothing.
                #[cfg(debug_assertions)]
                if let (Some(rt), Some(m)) = (self.runtimes.get(&p.metadata.uid), self.machines.get(&p.spec.node_name))
                {
                    let (mut machine, mut copy) = (m.clone(), rt.clone());
                    copy.settled = None;
                    let mut runtimes = kubelet::Runtimes::default();
                    runtimes.insert(p.metadata.uid.clone(), copy);
                    let mut k =
                        Kubelet { machine: &mut machine, runtimes: &mut runtimes, timings: &self.config.timings };
                    let actions = k.sync(&self.store, &[p], self.now);
                    assert_eq!(actions, Vec::new(), "a pod settled as its kubelet wrote it had more to post");
                    assert_eq!(
                        (runtimes.get(&p.metadata.uid), &machine),
                        (Some(rt), m),
                        "a pod settled as its kubelet wrote it had more to do"
                    );
                }
            }
        }
        match who {
            Who::Scheduler => self.activity.scheduler += n,
            Who::Controllers => self.activity.controllers += n,
            Who::Kubelets => self.activity.kubelets += n,
        }
    }

    /// Writes made by each part of the cluster so far.
    pub fn activity(&self) -> Activity {
        Activity { api: self.store.resource_version(), ..self.activity }
    }

    fn next_wakeup(&self) -> Option<Time> {
        let load = self.load.as_ref().and_then(|l| l.next_event()).filter(|t| *t > self.now);
        [self.next_engine_wakeup(), load].into_iter().flatten().min()
    }

    /// The next moment a controller, kubelet or deletion has something to do (the load
    /// generator's requests aside).
    fn next_engine_wakeup(&self) -> Option<Time> {
        let now = self.now;
        let timer = self.wakeups.range(Time(now.0 + 1)..).next().copied();
        let kubelet = self.runtimes.values().filter_map(|rt| rt.next_wakeup(now)).min();
        let deletions =
            self.store.pods.values().filter_map(|p| p.metadata.deletion_timestamp).filter(|t| *t > now).min();
        [timer, kubelet, deletions].into_iter().flatten().min()
    }

    /// Advances the clock by `ms`, stopping at every instant something happens; `observe`
    /// sees the cluster after each such instant has settled.
    /// `advance` to `target`, stopping whenever `out_of_time()` says so: between instants, or
    /// inside one while it settles (1,000 pods turning Ready at one instant is one long
    /// settle); true once there. Calling it again (or `settle_some`, or anything that settles)
    /// goes on exactly where it stopped, so the cluster is the one `advance` would leave.
    pub fn advance_to_some(&mut self, target: Time, out_of_time: &mut dyn FnMut() -> bool) -> bool {
        self.run_clock(target, out_of_time, &mut |_| {})
    }

    pub fn advance(&mut self, ms: u64, observe: &mut dyn FnMut(&Engine)) {
        let target = Time(self.now.0.saturating_add(ms));
        self.run_clock(target, &mut || false, observe);
    }

    /// The clock runs instant by instant to `target`; `observe` sees each instant this call
    /// completes. False when `out_of_time()` stopped it (see `advance_to_some`).
    fn run_clock(
        &mut self,
        target: Time,
        out_of_time: &mut dyn FnMut() -> bool,
        observe: &mut dyn FnMut(&Engine),
    ) -> bool {
        if !self.settle_some(out_of_time) {
            return false;
        }
        loop {
            match self.next_wakeup() {
                Some(t) if t <= target => {
                    // An instant when only the load generator acts, with nothing written
                    // since the last settle, needs no controller pass: it would change
                    // nothing (everything time-driven is a wakeup above).
                    let engine_due = self.next_engine_wakeup().is_some_and(|e| e <= t);
                    self.now = t;
                    self.wakeups = self.wakeups.split_off(&Time(t.0 + 1));
                    if engine_due || self.store.resource_version() != self.settled_rv {
                        // The passes `settle` runs (a timer due needs them even with nothing
                        // written); the load generator's turn follows when they are done.
                        self.touch();
                        self.mid_instant = Some(t);
                        if !self.settle_some(out_of_time) {
                            return false;
                        }
                    } else {
                        self.run_load();
                    }
                    observe(self);
                    if out_of_time() {
                        return self.now >= target && self.is_settled();
                    }
                }
                _ => {
                    // Nothing is due before the target: time alone changes nothing.
                    self.now = self.now.max(target);
                    if !self.settle_some(out_of_time) {
                        return false;
                    }
                    observe(self);
                    return true;
                }
            }
        }
    }

    // ------------------------------------------------------------ traffic

    /// Starts a load generator against `url`: `concurrency` connections sending back to back
    /// (or `rps` requests per second in total), each request timing out after `timeout_ms`.
    pub fn start_load(
        &mut self,
        url: &str,
        concurrency: u32,
        rps: Option<u32>,
        timeout_ms: u64,
        keepalive: bool,
    ) -> Result<String, String> {
        let u = traffic::parse_url(url)?;
        let dest = match self.lan_dest(None, &u) {
            Some(d) => d,
            None => traffic::resolve(&self.store, &u, "default")?,
        };
        // A fixed rate needs requests in flight side by side: enough connections that each
        // sends one request every two seconds at most.
        let n = match rps {
            Some(r) => concurrency.max(r.saturating_mul(2)),
            None => concurrency,
        }
        .clamp(1, 500) as usize;
        let now = self.now;
        let workers = (0..n)
            .map(|i| traffic::Worker {
                conn: None,
                in_flight: None,
                next_send: Some(match rps {
                    Some(r) if r > 0 => Time(now.0 + 1000 * i as u64 / r as u64),
                    _ => now,
                }),
            })
            .collect();
        self.load = Some(traffic::Load {
            url: url.into(),
            dest,
            timeout_ms,
            rps,
            keepalive,
            workers,
            stats: traffic::Stats { started: now, ..Default::default() },
        });
        self.run_load();
        Ok(format!("{n} connection(s)"))
    }

    pub fn stop_load(&mut self) -> Option<traffic::Load> {
        self.load.take()
    }

    pub fn load(&self) -> Option<&traffic::Load> {
        self.load.as_ref()
    }

    /// Runs a redis-cli command in a pod's redis container.
    pub fn redis_cli(&mut self, ns: &str, pod: &str, container: &str, args: &[&str]) -> Option<String> {
        let p = self.store.pods.get(&(ns.to_string(), pod.to_string()))?;
        let c = p.spec.containers.iter().find(|c| c.name == container)?;
        let key = traffic::redis_data_key(&self.store, &self.runtimes, p, c);
        Some(traffic::redis_command(&mut self.kv, &key, args))
    }

    /// `kubectl port-forward`: localhost:`local` now reaches `pod`:`remote`.
    pub fn port_forward(&mut self, local: u16, ns: &str, pod: &str, remote: i32) -> Result<(), String> {
        if let Some((_, p, _)) = self.port_forwards.get(&local) {
            if p != pod {
                return Err(format!("unable to listen on port {local}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use]"));
            }
        }
        self.port_forwards.insert(local, (ns.to_string(), pod.to_string(), remote));
        Ok(())
    }

    pub fn port_forwards(&self) -> &BTreeMap<u16, (String, String, i32)> {
        &self.port_forwards
    }

    /// Sends one request now (as curl does) and runs the clock until it is answered.
    /// `from`: the (namespace, pod) it is sent from, for in-pod DNS and `localhost`.
    pub fn curl(
        &mut self,
        url: &str,
        timeout_ms: u64,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(traffic::Served, u64), String> {
        self.curl_from(None, "GET", url, timeout_ms, observe)
    }

    pub fn curl_from(
        &mut self,
        from: Option<(&str, &str)>,
        method: &str,
        url: &str,
        timeout_ms: u64,
        observe: &mut dyn FnMut(&Engine),
    ) -> Result<(traffic::Served, u64), String> {
        let u = traffic::parse_url(url)?;
        let local = u.host == "localhost" || u.host == "127.0.0.1";
        let dest = match (from, local) {
            (Some((ns, pod)), true) => traffic::Dest::Pod { ns: ns.into(), name: pod.into(), port: u.port },
            (None, true) => match self.port_forwards.get(&(u.port as u16)) {
                Some((ns, pod, remote)) => {
                    if !self.store.pods.contains_key(&(ns.clone(), pod.clone())) {
                        return Err(format!("Failed to connect to localhost port {}: Connection refused (the port-forward's pod {pod} is gone)", u.port));
                    }
                    traffic::Dest::Pod { ns: ns.clone(), name: pod.clone(), port: *remote }
                }
                None => return Err(format!("Failed to connect to localhost port {}: Connection refused", u.port)),
            },
            _ => match self.lan_dest(None, &u) {
                Some(d) => d,
                None => traffic::resolve(&self.store, &u, from.map(|f| f.0).unwrap_or("default"))?,
            },
        };
        let sent = self.now;
        let served = self.send(&dest, None, method, &u.path, sent, timeout_ms);
        let wait = served.done_at.0.saturating_sub(sent.0);
        self.log_access(sent, &served);
        self.advance(wait, observe);
        Ok((served, wait))
    }

    /// Routes one request to its pod.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        dest: &traffic::Dest,
        conn: Option<&mut Option<(String, i32)>>,
        method: &str,
        path: &str,
        t: Time,
        timeout_ms: u64,
    ) -> traffic::Served {
        use traffic::{Dest, Outcome, Served};
        let refused = |t: Time| Served {
            pod: None,
            version: None,
            done_at: Time(t.0 + 1),
            outcome: Outcome::Refused,
            hops: Vec::new(),
        };
        match dest {
            Dest::Lan { from, host, port } => {
                let served = match self.lan.request(
                    &mut self.servers,
                    from.as_deref(),
                    host,
                    *port,
                    path,
                    t,
                    Time(t.0.saturating_add(timeout_ms)),
                    0,
                ) {
                    Ok(s) => s,
                    Err(_) => return refused(t),
                };
                let _ = method;
                if served.done_at.0 - t.0 > timeout_ms {
                    return Served {
                        pod: None,
                        version: None,
                        done_at: Time(t.0 + timeout_ms),
                        outcome: Outcome::Timeout,
                        hops: Vec::new(),
                    };
                }
                served
            }
            Dest::Pod { ns, name, port } => {
                let mut w = traffic::World {
                    store: &self.store,
                    machines: &self.machines,
                    runtimes: &self.runtimes,
                    servers: &mut self.servers,
                    kv: &mut self.kv,
                    rng: &mut self.rng,
                    crashes: Vec::new(),
                };
                let served = traffic::serve(&mut w, ns, name, *port, method, path, t, timeout_ms);
                let crashes = std::mem::take(&mut w.crashes);
                self.apply_crashes(crashes, t);
                served
            }
            Dest::Service { ns, name, port, via_node } => {
                if let Some(node) = via_node {
                    if self.machines.get(node).is_none_or(|m| !m.alive) {
                        return Served {
                            pod: None,
                            version: None,
                            done_at: Time(t.0 + timeout_ms),
                            outcome: Outcome::Timeout,
                            hops: Vec::new(),
                        };
                    }
                }
                let mut local = None;
                let conn = conn.unwrap_or(&mut local);
                // A connection to a pod that is gone (or going) is reset: dial again.
                if let Some((pod, _)) = conn.as_ref() {
                    let alive = self.store.pods.get(&(ns.clone(), pod.clone())).is_some_and(|p| {
                        p.metadata.deletion_timestamp.is_none()
                            || self.machines.get(&p.spec.node_name).is_none_or(|m| !m.alive)
                    });
                    if !alive {
                        *conn = None;
                    }
                }
                if conn.is_none() {
                    *conn = traffic::pick_endpoint(&self.store, ns, name, *port, &mut self.rng);
                }
                let Some((pod, target)) = conn.clone() else { return refused(t) };
                let mut w = traffic::World {
                    store: &self.store,
                    machines: &self.machines,
                    runtimes: &self.runtimes,
                    servers: &mut self.servers,
                    kv: &mut self.kv,
                    rng: &mut self.rng,
                    crashes: Vec::new(),
                };
                let served = traffic::serve(&mut w, ns, &pod, target, method, path, t, timeout_ms);
                let crashes = std::mem::take(&mut w.crashes);
                self.apply_crashes(crashes, t);
                if !matches!(served.outcome, Outcome::Ok { .. }) {
                    *conn = None;
                }
                served
            }
        }
    }

    /// The kubelets' probe workers: every probe due by now runs (in time order per
    /// container) and its result moves Ready, restarts a container, or records an event.
    fn run_probes(&mut self) -> Vec<Action> {
        let now = self.now;
        let due: Vec<(String, usize)> = self
            .runtimes
            .iter()
            .flat_map(|(uid, rt)| {
                rt.containers
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        matches!(c.phase, kubelet::Phase::Running { .. })
                            && c.probes.iter().any(|w| w.next_wakeup() <= now)
                    })
                    .map(move |(i, _)| (uid.clone(), i))
            })
            .collect();
        // In uid order, whatever order the runtimes are held in.
        let mut due = due;
        due.sort_unstable();
        let mut out = Vec::new();
        for (uid, ci) in due {
            let Some(key) = self.runtimes.get(&uid).map(|rt| rt.key.clone()) else {
                continue;
            };
            let Some(pod) = self.store.pods.get(&key).cloned() else {
                continue;
            };
            if pod.metadata.uid != uid || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let node_up = self.machines.get(&pod.spec.node_name).is_some_and(|m| m.alive && m.rejoin_at.is_none());
            if !node_up {
                continue; // a dead kubelet probes nothing
            }
            let Some(spec) = self
                .runtimes
                .get(&uid)
                .and_then(|rt| rt.containers.get(ci))
                .and_then(|c| pod.spec.containers.iter().find(|s| s.name == c.name))
                .cloned()
            else {
                continue;
            };
            // One step at a time, earliest first, until nothing of this container is due.
            for _ in 0..10_000 {
                let Some(c) = self.runtimes.get(&uid).and_then(|rt| rt.containers.get(ci)) else {
                    break;
                };
                let Some(since) = prober::running_since(c) else {
                    break;
                };
                let Some((wi, at)) = c
                    .probes
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (i, w.next_wakeup()))
                    .filter(|(_, t)| *t <= now)
                    .min_by_key(|(i, t)| (*t, *i))
                else {
                    break;
                };
                let w = c.probes[wi].clone();
                let Some(probe) = prober::probe_of(&spec, w.kind).cloned() else {
                    break;
                };
                if let Some((done, ok, output)) = w.pending.clone() {
                    self.probe_result(&pod, &spec, &probe, &uid, ci, wi, done, ok, output, &mut out);
                    continue;
                }
                let period = prober::period_ms(&probe);
                let skip = w.on_hold
                    || (w.kind != prober::ProbeKind::Startup && !prober::started(c))
                    || !prober::counts(&probe, since, at);
                if skip {
                    if let Some(rt) = self.runtime_mut(&uid) {
                        rt.containers[ci].probes[wi].next = Time(at.0 + period);
                    }
                    continue;
                }
                let ctr = c.clone();
                let mut world = traffic::World {
                    store: &self.store,
                    machines: &self.machines,
                    runtimes: &self.runtimes,
                    servers: &mut self.servers,
                    kv: &mut self.kv,
                    rng: &mut self.rng,
                    crashes: Vec::new(),
                };
                let mut request = None;
                let (done, ok, output) = prober::run(&mut world, &pod, &spec, &ctr, &probe, at, &mut request);
                let crashes = std::mem::take(&mut world.crashes);
                self.apply_crashes(crashes, at);
                if let Some((served, path)) = request {
                    // The kubelet probes from the node's address on the pod network.
                    let client = self
                        .machines
                        .get(&pod.spec.node_name)
                        .map(|m| format!("10.244.{}.1", m.index))
                        .unwrap_or_default();
                    self.log_request(&served, &path, &client, "kube-probe/1.31");
                }
                // The ticker drops ticks while a probe runs.
                let mut next = Time(at.0 + period);
                while next < done {
                    next = Time(next.0 + period);
                }
                if let Some(rt) = self.runtime_mut(&uid) {
                    let wk = &mut rt.containers[ci].probes[wi];
                    wk.next = next;
                    wk.pending = Some((done, ok, output));
                }
            }
        }
        out
    }

    /// A probe's result arrives at `at`: count it, and act when it crosses a threshold.
    #[allow(clippy::too_many_arguments)]
    fn probe_result(
        &mut self,
        pod: &Pod,
        spec: &Container,
        probe: &Probe,
        uid: &str,
        ci: usize,
        wi: usize,
        at: Time,
        ok: bool,
        output: String,
        out: &mut Vec<Action>,
    ) {
        let Some(rt) = self.runtime_mut(uid) else {
            return;
        };
        rt.settled = None;
        let c = &mut rt.containers[ci];
        let w = &mut c.probes[wi];
        w.pending = None;
        let kind = w.kind;
        let event = |type_: &'static str, reason: &'static str, message: String| {
            kubelet::event(pod, &pod.spec.node_name, type_, reason, message, Some(&spec.name))
        };
        if !ok {
            out.push(event("Warning", "Unhealthy", format!("{} probe failed: {}", kind.title(), output.trim_end())));
        }
        if w.last == Some(ok) {
            w.run += 1;
        } else {
            w.last = Some(ok);
            w.run = 1;
        }
        let threshold =
            if ok { probe.success_threshold.unwrap_or(1) } else { probe.failure_threshold.unwrap_or(3) }.max(1) as u32;
        if w.run < threshold {
            return;
        }
        w.result = Some(ok);
        match kind {
            prober::ProbeKind::Readiness => {
                if let kubelet::Phase::Running { ready_at, .. } = &mut c.phase {
                    match (ok, ready_at.is_some()) {
                        (true, false) => *ready_at = Some(at),
                        (false, true) => *ready_at = None,
                        _ => {}
                    }
                }
            }
            _ if ok => {}
            _ => {
                w.on_hold = true;
                w.run = 0;
                let (stop, code, reason) = prober::kill_outcome(pod, spec, probe);
                if let kubelet::Phase::Running { exit_at, .. } = &mut c.phase {
                    let end = Time(at.0 + stop.max(1));
                    if exit_at.as_ref().is_none_or(|e| e.0 > end) {
                        *exit_at = Some((end, code, reason));
                    }
                }
                out.push(event(
                    "Normal",
                    "Killing",
                    prober::killing_message(&spec.name, kind, &pod.spec.restart_policy),
                ));
            }
        }
    }

    /// Processes that a request made exit.
    fn apply_crashes(&mut self, crashes: Vec<(String, String, i32)>, t: Time) {
        if crashes.is_empty() {
            return;
        }
        self.touch();
        for (uid, container, code) in crashes {
            if let Some(rt) = self.runtime_mut(&uid) {
                rt.settled = None;
                if let Some(c) = rt.container_mut(&container) {
                    if let kubelet::Phase::Running { exit_at, .. } = &mut c.phase {
                        *exit_at = Some((Time(t.0 + 1), code, "Error".into()));
                    }
                }
            }
        }
        self.wakeups.insert(Time(t.0 + 1));
    }

    /// The access-log line a served request leaves in its container's log.
    fn log_access(&mut self, _sent: Time, s: &traffic::Served) {
        self.log_request(s, "/", "10.244.0.1", "kubelab-load");
    }

    /// The access-log line of a request for `path` from `client` with user agent `agent`.
    fn log_request(&mut self, s: &traffic::Served, path: &str, client: &str, agent: &str) {
        let (Some((ns, pod)), traffic::Outcome::Ok { status, body }) = (&s.pod, &s.outcome) else { return };
        let Some(p) = self.store.pods.get(&(ns.clone(), pod.clone())) else { return };
        // Only its logs change: nothing the kubelet acts on (`PodRuntime::next_wakeup`).
        let Some(rt) = self.runtimes.get_mut(&p.metadata.uid) else { return };
        let ts = s.done_at.rfc3339();
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let month = months[ts[5..7].parse::<usize>().unwrap_or(1).saturating_sub(1).min(11)];
        for (c, spec) in rt.containers.iter_mut().zip(p.spec.containers.iter()) {
            let repo = images::ImageRef::parse(&spec.image).repository;
            let line = match repo.as_str() {
                "ghcr.io/iximiuz/labs/kubernetes-101/app" => {
                    let text = if *status == 200 { "OK" } else { "Not Found" };
                    format!(
                        "INFO:     {client}:{} - \"GET {path} HTTP/1.1\" {status} {text}",
                        40000 + (s.done_at.0 % 20000)
                    )
                }
                r if r.ends_with("/nginx") || r.ends_with("/proxy") => format!(
                    "{client} - - [{}/{month}/{}:{} +0000] \"GET {path} HTTP/1.1\" {status} {} \"-\" \"{agent}\" \"-\"",
                    &ts[8..10],
                    &ts[0..4],
                    &ts[11..19],
                    // The welcome page's size; nginx's error pages end their lines in CRLF.
                    if *status == 200 { 615 } else { body.len() + body.matches('\n').count() + 2 }
                ),
                _ => continue,
            };
            if matches!(c.phase, kubelet::Phase::Running { .. }) {
                c.log(s.done_at, line);
            }
        }
    }

    /// Completes due requests and sends the next ones, in time order.
    fn run_load(&mut self) {
        let Some(mut load) = self.load.take() else { return };
        let now = self.now;
        let n_workers = load.workers.len() as u64;
        for i in 0..load.workers.len() {
            loop {
                let w = &mut load.workers[i];
                if let Some((sent, s)) = w.in_flight.clone() {
                    if s.done_at > now {
                        break;
                    }
                    w.in_flight = None;
                    if !load.keepalive {
                        w.conn = None;
                    }
                    load.stats.record(sent, &s, i);
                    self.log_access(sent, &s);
                    let w = &mut load.workers[i];
                    match load.rps {
                        None => w.next_send = Some(s.done_at),
                        Some(r) => {
                            let gap = 1000 * n_workers / r.max(1) as u64;
                            w.next_send = Some(Time((sent.0 + gap).max(s.done_at.0)));
                        }
                    }
                    continue;
                }
                match w.next_send {
                    Some(t) if t <= now => {
                        let mut conn = w.conn.take();
                        let dest = load.dest.clone();
                        let path = traffic::parse_url(&load.url).map(|u| u.path).unwrap_or_else(|_| "/".into());
                        let served = self.send(&dest, Some(&mut conn), "GET", &path, t, load.timeout_ms);
                        let w = &mut load.workers[i];
                        w.conn = conn;
                        w.in_flight = Some((t, served));
                        w.next_send = None;
                    }
                    _ => break,
                }
            }
        }
        self.load = Some(load);
    }

    /// Runs the clock to the next scheduled event (or not at all if nothing is scheduled).
    pub fn step(&mut self, observe: &mut dyn FnMut(&Engine)) -> Option<Time> {
        let t = self.next_wakeup()?;
        let ms = t.0 - self.now.0;
        self.advance(ms, observe);
        Some(t)
    }
}

/// The same object (by namespace and name): an update must not collide with itself.
fn same_object(a: &ObjectMeta, b: &ObjectMeta) -> bool {
    a.namespace == b.namespace && a.name == b.name
}

fn immutable(path: &str, sel: &LabelSelector) -> validate::FieldError {
    let labels: Vec<String> = sel.match_labels.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    validate::FieldError {
        path: path.into(),
        type_: validate::ErrorType::Invalid,
        value: format!(
            "v1.LabelSelector{{MatchLabels:map[string]string{{{}}}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}",
            labels.join(", ")
        ),
        detail: "field is immutable".into(),
    }
}

/// qos.GetPodQOS.
pub fn qos_class(p: &Pod) -> &'static str {
    let mut any = false;
    let mut guaranteed = true;
    for c in &p.spec.containers {
        let r = &c.resources;
        if !r.requests.is_empty() || !r.limits.is_empty() {
            any = true;
        }
        for res in ["cpu", "memory"] {
            let lim = r.limits.get(res).and_then(|q| q.millis());
            let req = r.requests.get(res).and_then(|q| q.millis()).or(lim);
            if lim.is_none() || req != lim {
                guaranteed = false;
            }
        }
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}
