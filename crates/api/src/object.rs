//! The kinds the lab serves, and `Object`: one typed value of any of them.

use crate::apiregistration::APIService;
use crate::apps::{Deployment, ReplicaSet, StatefulSet};
use crate::autoscaling::HorizontalPodAutoscaler;
use crate::batch::Job;
use crate::core::{
    ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Service, StorageClass,
};
use crate::meta::ObjectMeta;
use crate::networking::{Ingress, IngressClass, NetworkPolicy};
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

/// A kind the lab serves, as its Rust type: what the API server knows of it (`INFO`, its
/// RESTMapping) and how it sits in [`Object`]. Every served kind implements it, through the
/// one list in [`served_kinds!`]; generic code (decoding, the store, kubectl's printers) finds
/// kinds through it, so a new kind's missing parts are compile errors, not a grep.
pub trait Resource: Clone + Serialize + serde::de::DeserializeOwned + 'static {
    const INFO: KindInfo;
    fn into_object(self) -> Object;
    fn from_object(o: &Object) -> Option<&Self>;
    fn from_object_mut(o: &mut Object) -> Option<&mut Self>;
    /// The object itself when it is of this kind.
    fn from_object_owned(o: Object) -> Option<Self>;
    fn metadata(&self) -> &ObjectMeta;
    /// The kind's body (the document without `apiVersion` and `kind`) decoded strictly, the
    /// path kept where it failed. Through serde unless the kind's `kind!` line says
    /// `codec: derived` (its types derive `Decode` and `Encode`: one compact decoder and
    /// encoder per type; see ARCHITECTURE.md).
    fn decode_body(value: crate::tracked::Value, path: &crate::tracked::Path) -> Result<Self, crate::tracked::Error> {
        crate::tracked::decode_with_serde(value, path)
    }
    /// The object as `serde_json::to_value` gives it (without `apiVersion` and `kind`).
    fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// Calls `$callback!` with the type of every served kind, in the order `kubectl
/// api-resources` and the store use: `served_kinds!(my_macro)` expands to
/// `my_macro!(Pod, Node, ...)`. Other crates dispatch over kinds with it (a `match` on a
/// kind's name, a table of per-kind functions) so that adding a kind to this list
/// makes each of them ask for the new kind's part. The kinds' own entries are the `kind!` lines
/// below.
#[macro_export]
macro_rules! served_kinds {
    ($callback:ident) => {
        $callback! {
            Pod,
            Node,
            Namespace,
            ConfigMap,
            Service,
            Endpoints,
            Event,
            Deployment,
            ReplicaSet,
            StatefulSet,
            Job,
            PersistentVolumeClaim,
            PersistentVolume,
            StorageClass,
            Ingress,
            IngressClass,
            NetworkPolicy,
            HorizontalPodAutoscaler,
            APIService
        }
    };
}

/// One kind's entry: its type, group, plural, singular, short names and scope.
macro_rules! kind {
    ($ty:ident, group: $group:literal, resource: $resource:literal, singular: $singular:literal,
     short: [$($short:literal),*], namespaced: $namespaced:literal $(, codec: $derived:ident)?) => {
        kind!($ty, group: $group, version: "v1", resource: $resource, singular: $singular,
              short: [$($short),*], namespaced: $namespaced $(, codec: $derived)?);
    };
    ($ty:ident, group: $group:literal, version: $version:literal, resource: $resource:literal,
     singular: $singular:literal, short: [$($short:literal),*], namespaced: $namespaced:literal
     $(, codec: $derived:ident)?) => {
        impl Resource for $ty {
            const INFO: KindInfo = KindInfo {
                kind: stringify!($ty),
                group: $group,
                version: $version,
                resource: $resource,
                singular: $singular,
                short_names: &[$($short),*],
                namespaced: $namespaced,
            };
            fn into_object(self) -> Object {
                Object::$ty(self)
            }
            fn from_object(o: &Object) -> Option<&Self> {
                match o {
                    Object::$ty(t) => Some(t),
                    _ => None,
                }
            }
            fn from_object_mut(o: &mut Object) -> Option<&mut Self> {
                match o {
                    Object::$ty(t) => Some(t),
                    _ => None,
                }
            }
            fn from_object_owned(o: Object) -> Option<Self> {
                match o {
                    Object::$ty(t) => Some(t),
                    _ => None,
                }
            }
            fn metadata(&self) -> &ObjectMeta {
                &self.metadata
            }
            $(
                fn decode_body(
                    value: crate::tracked::Value,
                    path: &crate::tracked::Path,
                ) -> Result<Self, crate::tracked::Error> {
                    // `codec: derived`
                    let _ = stringify!($derived);
                    <$ty as crate::tracked::Decode>::decode(value, path)
                }
                fn to_json_value(&self) -> serde_json::Value {
                    crate::encode::Encode::encode(self)
                }
            )?
        }
    };
}

kind!(Pod, group: "", resource: "pods", singular: "pod", short: ["po"], namespaced: true, codec: derived);
kind!(Node, group: "", resource: "nodes", singular: "node", short: ["no"], namespaced: false, codec: derived);
kind!(Namespace, group: "", resource: "namespaces", singular: "namespace", short: ["ns"], namespaced: false, codec: derived);
kind!(ConfigMap, group: "", resource: "configmaps", singular: "configmap", short: ["cm"], namespaced: true, codec: derived);
kind!(Service, group: "", resource: "services", singular: "service", short: ["svc"], namespaced: true, codec: derived);
kind!(Endpoints, group: "", resource: "endpoints", singular: "endpoints", short: ["ep"], namespaced: true, codec: derived);
kind!(Event, group: "", resource: "events", singular: "event", short: ["ev"], namespaced: true, codec: derived);
kind!(Deployment, group: "apps", resource: "deployments", singular: "deployment", short: ["deploy"], namespaced: true, codec: derived);
kind!(ReplicaSet, group: "apps", resource: "replicasets", singular: "replicaset", short: ["rs"], namespaced: true, codec: derived);
kind!(StatefulSet, group: "apps", resource: "statefulsets", singular: "statefulset", short: ["sts"], namespaced: true, codec: derived);
kind!(Job, group: "batch", resource: "jobs", singular: "job", short: [], namespaced: true, codec: derived);
kind!(PersistentVolumeClaim, group: "", resource: "persistentvolumeclaims", singular: "persistentvolumeclaim",
      short: ["pvc"], namespaced: true, codec: derived);
kind!(PersistentVolume, group: "", resource: "persistentvolumes", singular: "persistentvolume", short: ["pv"],
      namespaced: false, codec: derived);
kind!(StorageClass, group: "storage.k8s.io", resource: "storageclasses", singular: "storageclass", short: ["sc"],
      namespaced: false, codec: derived);
kind!(Ingress, group: "networking.k8s.io", resource: "ingresses", singular: "ingress", short: ["ing"], namespaced: true, codec: derived);
kind!(IngressClass, group: "networking.k8s.io", resource: "ingressclasses", singular: "ingressclass", short: [],
      namespaced: false, codec: derived);
kind!(NetworkPolicy, group: "networking.k8s.io", resource: "networkpolicies", singular: "networkpolicy",
      short: ["netpol"], namespaced: true, codec: derived);
// autoscaling/v2 is the preferred version (v1 manifests are converted on the way in: parse.rs).
kind!(HorizontalPodAutoscaler, group: "autoscaling", version: "v2", resource: "horizontalpodautoscalers",
      singular: "horizontalpodautoscaler", short: ["hpa"], namespaced: true, codec: derived);
// `kubectl api-resources` (1.31): apiservices, no short names, apiregistration.k8s.io/v1, cluster-scoped.
kind!(APIService, group: "apiregistration.k8s.io", resource: "apiservices", singular: "apiservice", short: [],
      namespaced: false, codec: derived);

/// The `Object` enum, its per-variant dispatch and the `KINDS` table, from the one list.
macro_rules! object_enum {
    ($($ty:ident),*) => {
        /// One API object of any served kind.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $($ty($ty)),*
        }

        /// Every served kind's RESTMapping, in `served_kinds!` order.
        pub const KINDS: &[KindInfo] = &[$(<$ty as Resource>::INFO),*];

        macro_rules! each_object {
            ($self:expr, $o:ident => $body:expr) => {
                match $self {
                    $(Object::$ty($o) => $body),*
                }
            };
        }

        impl Object {
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Object::$ty(_) => <$ty as Resource>::INFO.kind),*
                }
            }
            pub fn info(&self) -> &'static KindInfo {
                match self {
                    $(Object::$ty(_) => &<$ty as Resource>::INFO),*
                }
            }
        }

        /// Runs `visitor` with the type of the kind named `kind` (`Pod`, `StorageClass`); None
        /// for a kind the lab does not serve.
        pub fn visit_kind<V: KindVisitor>(kind: &str, visitor: V) -> Option<V::Out> {
            $(if kind == <$ty as Resource>::INFO.kind {
                return Some(visitor.visit::<$ty>());
            })*
            None
        }
    };
}

/// Generic code over "the kind named X": `visit_kind("Pod", v)` calls `v.visit::<Pod>()`.
pub trait KindVisitor {
    type Out;
    fn visit<T: Resource>(self) -> Self::Out;
}

served_kinds!(object_enum);

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

impl Object {
    pub fn meta(&self) -> &ObjectMeta {
        each_object!(self, o => &o.metadata)
    }
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        each_object!(self, o => &mut o.metadata)
    }
    /// The object as JSON with `apiVersion` and `kind` first-class, keys sorted (as
    /// kubectl's `-o yaml` / `-o json` print them).
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = each_object!(self, o => o.to_json_value());
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("apiVersion".into(), self.info().api_version().into());
            m.insert("kind".into(), self.kind().into());
        }
        v
    }
}
