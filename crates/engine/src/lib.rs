//! kubelab-engine: a deterministic mini control plane and node model.
//!
//! **Invariant:** nothing here reads the wall clock, OS randomness or the DOM. Time is a
//! simulated clock that jumps from one scheduled event to the next; chance is a seeded
//! PCG32. The same seed and the same commands give byte-identical results.
// Each sort on a new element type is another copy of the sort code in the page's wasm:
// kubelab_api::sort shares one (clippy.toml).
#![cfg_attr(not(test), warn(clippy::disallowed_methods))]

pub mod addons;
pub mod autoregister;
mod boot;
pub mod causes;
mod clock;
pub mod config;
pub mod controllers;
pub mod cpu;
pub mod duration;
pub mod error;
pub mod fasthash;
pub mod images;
pub mod ingress_routing;
pub mod job_programs;
mod job_strategy;
pub mod kubelet;
pub mod metrics;
pub mod naming;
pub mod network_policy;
pub mod nginx;
mod nodes;
mod pass;
pub mod prober;
pub mod programs;
mod requests;
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
use kubelet::Machine;
use rng::Pcg32;
use std::collections::{BTreeMap, BTreeSet};

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
    machines: VecMap<String, Machine>,
    /// Each pod's runtime by uid. A hash map, looked up several times per sync: whatever
    /// goes through all of them must not depend on their order (or sort first).
    runtimes: kubelet::Runtimes,
    wakeups: BTreeSet<Time>,
    /// The earliest pod deletion to come, remembered (`next_pod_deletion`).
    next_deletion: clock::NextDeletion,
    /// Which engine this is (`Engine::instance`).
    instance: Instance,
    /// When each deleted Node object went away (for the pod garbage collector).
    node_gone: BTreeMap<String, Time>,
    /// The running load generator, if any, and the servers' request queues.
    load: Option<traffic::Load>,
    /// Every load request answered since boot, across loads (see `traffic::Tally`).
    load_tally: traffic::Tally,
    servers: traffic::Servers,
    /// Active `kubectl port-forward`s: local port → (namespace, pod, remote port).
    port_forwards: BTreeMap<u16, (String, String, i32)>,
    /// The learner's /etc/hosts: each host named in an Ingress, with the address it first
    /// resolved to (kept when the Ingress's status loses it, as a line in a file would be).
    hosts_file: BTreeMap<String, String>,
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
    pass: Option<pass::Pass>,
    /// An instant `advance_to_some` stopped in while settling it: the load generator's turn
    /// at it is still to come (after the settle, as `advance` does it).
    mid_instant: Option<Time>,
    /// What the controllers, the scheduler and the kubelets keep between passes (each its
    /// place in the store's change log, and what it worked out from it).
    controllers: pass::Controllers,
    /// The namespace of the console's kubeconfig context (`kubectl config set-context
    /// --current --namespace=dev`): a client's setting, kept with the cluster (as the
    /// port-forwards are) so that replaying the journal rebuilds it.
    context_namespace: String,
    /// The console command running now, if one is (`begin_command`), and the last one.
    command: Option<std::sync::Arc<causes::Command>>,
    last_command: Option<std::sync::Arc<causes::Command>>,
}

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
            machines: Default::default(),
            runtimes: kubelet::Runtimes::default(),
            wakeups: BTreeSet::new(),
            next_deletion: clock::NextDeletion::default(),
            instance: Instance::new(),
            node_gone: BTreeMap::new(),
            load: None,
            load_tally: traffic::Tally::default(),
            servers: traffic::Servers::default(),
            port_forwards: BTreeMap::new(),
            hosts_file: BTreeMap::new(),
            kv: traffic::Kv::new(),
            lan: vms::Lan::default(),
            activity: Activity::default(),
            settled_rv: 0,
            pass: None,
            mid_instant: None,
            controllers: Default::default(),
            context_namespace: "default".into(),
            command: None,
            last_command: None,
        };
        e.boot();
        e
    }

    /// The namespace commands without `-n` work in (the kubeconfig context's).
    pub fn context_namespace(&self) -> &str {
        &self.context_namespace
    }

    /// `kubectl config set-context --current --namespace=NS` (an empty one is `default`).
    pub fn set_context_namespace(&mut self, ns: &str) {
        self.context_namespace = if ns.is_empty() { "default".into() } else { ns.to_string() };
    }

    // ------------------------------------------------------------ reading

    pub fn now(&self) -> Time {
        self.now
    }
    /// A number no other engine in this process has had (a clone gets its own): what the
    /// page keeps between drawings is keyed by it as well as by resourceVersions, which two
    /// engines reach alike by different commands (a lab restored to a checkpoint, then changed
    /// another way).
    pub fn instance(&self) -> u64 {
        self.instance.0
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
        // The Job strategy's PrepareForCreate names the Job's uid in its selector.
        let reserved_uid = match &mut obj {
            Object::Job(j) => {
                let uid = self.store.next_uid();
                job_strategy::generate_selector(j, &uid);
                Some(uid)
            }
            _ => None,
        };
        let mut errs = validate_object(&obj);
        if let Object::Job(j) = &obj {
            errs.extend(job_strategy::validate_pod_hostnames(j));
        }
        if !errs.is_empty() {
            return Err(ApiError::Invalid { kind: info.kind.into(), name: obj.meta().name.clone(), errors: errs });
        }
        let (ns, name) = (obj.meta().namespace.clone(), obj.meta().name.clone());
        if self.store.exists(info.kind, &ns, &name) {
            return Err(ApiError::AlreadyExists { resource: info.qualified_resource(), name });
        }
        self.prepare_new(&mut obj)?;
        let stored = self.store.create_with_uid(obj, self.now, reserved_uid);
        if let Object::Namespace(n) = &stored {
            let name = n.metadata.name.clone();
            self.publish_root_ca(&name);
        }
        if let Object::Node(n) = &stored {
            if !self.machines.contains_key(&n.metadata.name) {
                let index = self.next_machine_index();
                self.machines.insert(n.metadata.name.clone(), Machine::new(&n.metadata.name, index));
                self.controllers.kubelets.rescan();
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
            Object::Job(j) => j.status = JobStatus::default(),
            Object::HorizontalPodAutoscaler(h) => h.status = HorizontalPodAutoscalerStatus::default(),
            Object::APIService(a) => controllers::apiservice_availability::prepare_for_create(a, self.now),
            Object::Ingress(i) => {
                // DefaultIngressClass admission: no class named (nor the old annotation) → the
                // default one.
                if i.spec.ingress_class_name.is_none()
                    && !i.metadata.annotations.contains_key("kubernetes.io/ingress.class")
                {
                    let default = self.store.ingressclasses.values().find(|c| {
                        c.metadata.annotations.get(networking::DEFAULT_INGRESS_CLASS).is_some_and(|v| v == "true")
                    });
                    i.spec.ingress_class_name = default.map(|c| c.metadata.name.clone());
                }
                i.status = IngressStatus::default();
            }
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
        let taken: BTreeSet<&str> =
            kubelab_api::sort::set(self.store.services.values().map(|s| s.spec.cluster_ip.as_str()));
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
        self.prepare_for_update(&old, &mut obj, &mut errs)?;
        if !errs.is_empty() {
            return Err(ApiError::Invalid { kind: info.kind.into(), name, errors: errs });
        }
        self.store.update(obj);
        Ok(self.store.get(info.kind, &ns, &name).expect("just updated"))
    }

    /// Each kind's update strategy (its registry's PrepareForUpdate and ValidateUpdate):
    /// what an update keeps from the stored object, and what it may not change.
    fn prepare_for_update(
        &mut self,
        old: &Object,
        obj: &mut Object,
        errs: &mut Vec<validate::FieldError>,
    ) -> Result<(), ApiError> {
        match (old, obj) {
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
            (Object::Service(o), Object::Service(n)) => self.prepare_service_update(o, n, errs)?,
            (Object::Pod(o), Object::Pod(n)) => prepare_pod_update(o, n, errs),
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
            (Object::Job(o), Object::Job(n)) => job_strategy::prepare_for_update(o, n, errs),
            (Object::HorizontalPodAutoscaler(o), Object::HorizontalPodAutoscaler(n)) => {
                n.status = o.status.clone();
            }
            (Object::PersistentVolume(o), Object::PersistentVolume(n)) => {
                if n.spec.claim_ref.is_none() {
                    n.spec.claim_ref = o.spec.claim_ref.clone();
                }
                n.status = o.status.clone();
            }
            // Their strategies' PrepareForUpdate keep the stored status (ingressStrategy,
            // namespaceStrategy, v1.31): an apply does not clear an Ingress's address.
            (Object::Ingress(o), Object::Ingress(n)) => n.status = o.status.clone(),
            // apiServerStrategy.PrepareForUpdate (kube-aggregator registry/apiservice).
            (Object::APIService(o), Object::APIService(n)) => n.status = o.status.clone(),
            (Object::Namespace(o), Object::Namespace(n)) => n.status = o.status.clone(),
            _ => {}
        }
        Ok(())
    }

    /// A Service's update: the ClusterIP kept (and immutable once set), the node ports kept
    /// for a type that has them, and ports allocated.
    fn prepare_service_update(
        &mut self,
        o: &Service,
        n: &mut Service,
        errs: &mut Vec<validate::FieldError>,
    ) -> Result<(), ApiError> {
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
        self.allocate_service(n)
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

    // ------------------------------------------------------------ applying actions

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
            Action::Cause(because) => self.store.causes.set(*because, now),
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
            n.metadata.deletion_timestamp = Some(Time(now.0.saturating_add((grace as u64).saturating_mul(1000))));
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
}

/// The same object (by namespace and name): an update must not collide with itself.
fn same_object(a: &ObjectMeta, b: &ObjectMeta) -> bool {
    a.namespace == b.namespace && a.name == b.name
}

pub(crate) fn immutable(path: &str, sel: &LabelSelector) -> validate::FieldError {
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

/// A pod's update (ValidatePodUpdate): the node kept, and only images (and a few fields) may
/// change.
fn prepare_pod_update(o: &Pod, n: &mut Pod, errs: &mut Vec<validate::FieldError>) {
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

/// An engine's `instance` number: a clone is another engine, so it takes a new number.
#[derive(Debug)]
struct Instance(u64);

impl Instance {
    fn new() -> Instance {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Instance(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

impl Clone for Instance {
    fn clone(&self) -> Instance {
        Instance::new()
    }
}
