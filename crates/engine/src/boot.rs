//! What a new cluster holds before anyone writes: the system namespaces (each with its
//! root CA ConfigMap), the default StorageClass, the nodes, and the `kubernetes` Service
//! with its Endpoints, and the API server's Local APIServices (`autoregister.rs`).

use crate::*;

impl Engine {
    /// Stores the objects a new cluster starts with.
    pub(crate) fn boot(&mut self) {
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
        self.register_local_apiservices();
    }
}
