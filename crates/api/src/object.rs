//! The kinds the lab serves, and `Object`: one typed value of any of them.

use crate::apps::{Deployment, ReplicaSet, StatefulSet};
use crate::core::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service, StorageClass,
};
use crate::meta::ObjectMeta;
use serde::Serialize;

/// What the API server knows about a kind (its RESTMapping, in upstream terms).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    /// Plural resource name, as in `deployments.apps`.
    pub resource: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    pub namespaced: bool,
}

impl KindInfo {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `deployments.apps`, `pods`: the resource as kubectl names it in errors.
    pub fn qualified_resource(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
    /// `deployment.apps`, `pod`: the prefix of `kubectl apply` output lines.
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }
}

pub const KINDS: &[KindInfo] = &[
    KindInfo {
        kind: "Pod",
        group: "",
        version: "v1",
        resource: "pods",
        singular: "pod",
        short_names: &["po"],
        namespaced: true,
    },
    KindInfo {
        kind: "Node",
        group: "",
        version: "v1",
        resource: "nodes",
        singular: "node",
        short_names: &["no"],
        namespaced: false,
    },
    KindInfo {
        kind: "Namespace",
        group: "",
        version: "v1",
        resource: "namespaces",
        singular: "namespace",
        short_names: &["ns"],
        namespaced: false,
    },
    KindInfo {
        kind: "ConfigMap",
        group: "",
        version: "v1",
        resource: "configmaps",
        singular: "configmap",
        short_names: &["cm"],
        namespaced: true,
    },
    KindInfo {
        kind: "Service",
        group: "",
        version: "v1",
        resource: "services",
        singular: "service",
        short_names: &["svc"],
        namespaced: true,
    },
    KindInfo {
        kind: "Endpoints",
        group: "",
        version: "v1",
        resource: "endpoints",
        singular: "endpoints",
        short_names: &["ep"],
        namespaced: true,
    },
    KindInfo {
        kind: "Event",
        group: "",
        version: "v1",
        resource: "events",
        singular: "event",
        short_names: &["ev"],
        namespaced: true,
    },
    KindInfo {
        kind: "Deployment",
        group: "apps",
        version: "v1",
        resource: "deployments",
        singular: "deployment",
        short_names: &["deploy"],
        namespaced: true,
    },
    KindInfo {
        kind: "ReplicaSet",
        group: "apps",
        version: "v1",
        resource: "replicasets",
        singular: "replicaset",
        short_names: &["rs"],
        namespaced: true,
    },
    KindInfo {
        kind: "StatefulSet",
        group: "apps",
        version: "v1",
        resource: "statefulsets",
        singular: "statefulset",
        short_names: &["sts"],
        namespaced: true,
    },
    KindInfo {
        kind: "PersistentVolumeClaim",
        group: "",
        version: "v1",
        resource: "persistentvolumeclaims",
        singular: "persistentvolumeclaim",
        short_names: &["pvc"],
        namespaced: true,
    },
    KindInfo {
        kind: "PersistentVolume",
        group: "",
        version: "v1",
        resource: "persistentvolumes",
        singular: "persistentvolume",
        short_names: &["pv"],
        namespaced: false,
    },
    KindInfo {
        kind: "StorageClass",
        group: "storage.k8s.io",
        version: "v1",
        resource: "storageclasses",
        singular: "storageclass",
        short_names: &["sc"],
        namespaced: false,
    },
];

/// The kind served at `apiVersion`/`kind`, as the RESTMapper would find it.
pub fn kind_info(api_version: &str, kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind && k.api_version() == api_version)
}

pub fn kind_info_by_kind(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// Resolves what a learner types after `kubectl get` (`po`, `pods`, `pod`, `deployments.apps`,
/// `Deployment`) to a kind, case-insensitively as kubectl does.
pub fn resolve_resource(name: &str) -> Option<&'static KindInfo> {
    let n = name.to_ascii_lowercase();
    KINDS.iter().find(|k| {
        n == k.resource
            || n == k.singular
            || n == k.kind.to_ascii_lowercase()
            || k.short_names.contains(&n.as_str())
            || (!k.group.is_empty()
                && (n == format!("{}.{}", k.resource, k.group) || n == format!("{}.{}", k.singular, k.group)))
    })
}

/// One API object of any served kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Pod(Pod),
    Node(Node),
    Namespace(Namespace),
    ConfigMap(ConfigMap),
    Service(Service),
    Endpoints(Endpoints),
    Event(Event),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    StatefulSet(StatefulSet),
    PersistentVolumeClaim(PersistentVolumeClaim),
    PersistentVolume(PersistentVolume),
    StorageClass(StorageClass),
}

macro_rules! each_object {
    ($self:expr, $o:ident => $body:expr) => {
        match $self {
            Object::Pod($o) => $body,
            Object::Node($o) => $body,
            Object::Namespace($o) => $body,
            Object::ConfigMap($o) => $body,
            Object::Service($o) => $body,
            Object::Endpoints($o) => $body,
            Object::Event($o) => $body,
            Object::Deployment($o) => $body,
            Object::ReplicaSet($o) => $body,
            Object::StatefulSet($o) => $body,
            Object::PersistentVolumeClaim($o) => $body,
            Object::PersistentVolume($o) => $body,
            Object::StorageClass($o) => $body,
        }
    };
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Pod(_) => "Pod",
            Object::Node(_) => "Node",
            Object::Namespace(_) => "Namespace",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Service(_) => "Service",
            Object::Endpoints(_) => "Endpoints",
            Object::Event(_) => "Event",
            Object::Deployment(_) => "Deployment",
            Object::ReplicaSet(_) => "ReplicaSet",
            Object::StatefulSet(_) => "StatefulSet",
            Object::PersistentVolumeClaim(_) => "PersistentVolumeClaim",
            Object::PersistentVolume(_) => "PersistentVolume",
            Object::StorageClass(_) => "StorageClass",
        }
    }
    pub fn info(&self) -> &'static KindInfo {
        kind_info_by_kind(self.kind()).expect("every Object variant is in KINDS")
    }
    pub fn meta(&self) -> &ObjectMeta {
        each_object!(self, o => &o.metadata)
    }
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each_object!(self, o => &mut o.metadata)
    }
    /// The object as JSON with `apiVersion` and `kind` first-class, keys sorted (as
    /// kubectl's `-o yaml` / `-o json` print them).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = each_object!(self, o => to_value(o));
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("apiVersion".into(), self.info().api_version().into());
            m.insert("kind".into(), self.kind().into());
        }
        v
    }
}

fn to_value<T: Serialize>(t: &T) -> serde_json::Value {
    serde_json::to_value(t).unwrap_or(serde_json::Value::Null)
}
