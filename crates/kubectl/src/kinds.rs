//! What kubectl does per kind, in one place: each served kind's `kubectl get` table, its
//! `kubectl describe` text and the field labels `--field-selector` accepts. A kind added to
//! `kubelab_api::served_kinds!` is a compile error here until it has its `Printed` impl.

mod apiservice;

use crate::describe;
use crate::printers::{self, Table};
use kubelab_api::*;
use kubelab_engine::store::Store;

/// The per-kind parts of kubectl (upstream: the kind's table printer in
/// pkg/printers/internalversion, its describer in pkg/describe, and the field label
/// conversion funcs the API server registers for it).
pub trait Printed: Resource {
    /// Field labels the API server supports for this kind; others get "field label not
    /// supported". Every kind supports these two.
    const FIELD_LABELS: &'static [&'static str] = &["metadata.name", "metadata.namespace"];
    /// The `kubectl get` table of these objects (`wide`: `-o wide`'s extra columns).
    fn table(list: &[&Self], now: Time, wide: bool) -> Table;
    /// The `kubectl describe` text; None where this lab has no describer for the kind yet.
    fn describe(&self, store: &Store, now: Time) -> Option<String>;
}

impl Printed for Pod {
    const FIELD_LABELS: &'static [&'static str] = &[
        "metadata.name",
        "metadata.namespace",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    ];
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::pods(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::pod(store, self, now))
    }
}

impl Printed for Node {
    const FIELD_LABELS: &'static [&'static str] = &["metadata.name", "spec.unschedulable"];
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::nodes(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::node(store, self, now))
    }
}

impl Printed for Namespace {
    const FIELD_LABELS: &'static [&'static str] = &["metadata.name", "status.phase"];
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::namespaces(list, now)
    }
    fn describe(&self, _store: &Store, _now: Time) -> Option<String> {
        Some(describe::namespace(self))
    }
}

impl Printed for ConfigMap {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::config_maps(list, now)
    }
    fn describe(&self, _store: &Store, _now: Time) -> Option<String> {
        None
    }
}

impl Printed for Service {
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::services(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::service(store, self, now))
    }
}

impl Printed for Endpoints {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::endpoints(list, now)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::endpoints(store, self, now))
    }
}

impl Printed for Event {
    const FIELD_LABELS: &'static [&'static str] = &[
        "metadata.name",
        "metadata.namespace",
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ];
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::events(list, now)
    }
    fn describe(&self, _store: &Store, _now: Time) -> Option<String> {
        None
    }
}

impl Printed for Deployment {
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::deployments(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::deployment(store, self, now))
    }
}

impl Printed for ReplicaSet {
    const FIELD_LABELS: &'static [&'static str] = &["metadata.name", "metadata.namespace", "status.replicas"];
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::replica_sets(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::replica_set(store, self, now))
    }
}

impl Printed for StatefulSet {
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::stateful_sets(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::stateful_set(store, self, now))
    }
}

impl Printed for Job {
    // The batch group's field label conversion (pkg/apis/batch/v1/conversion.go).
    const FIELD_LABELS: &'static [&'static str] = &["metadata.name", "metadata.namespace", "status.successful"];
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::jobs(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::job(store, self, now))
    }
}

impl Printed for PersistentVolumeClaim {
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::pvcs(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::pvc(store, self, now))
    }
}

impl Printed for PersistentVolume {
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::pvs(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::pv(store, self, now))
    }
}

impl Printed for StorageClass {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::storage_classes(list, now)
    }
    fn describe(&self, _store: &Store, _now: Time) -> Option<String> {
        None
    }
}

impl Printed for Ingress {
    fn table(list: &[&Self], now: Time, wide: bool) -> Table {
        printers::ingresses(list, now, wide)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::ingress(store, self, now))
    }
}

impl Printed for IngressClass {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::ingress_classes(list, now)
    }
    fn describe(&self, _store: &Store, _now: Time) -> Option<String> {
        Some(describe::ingress_class(self))
    }
}

impl Printed for NetworkPolicy {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::network_policies(list, now)
    }
    fn describe(&self, _store: &Store, _now: Time) -> Option<String> {
        Some(describe::network_policy(self))
    }
}

impl Printed for HorizontalPodAutoscaler {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        printers::hpas(list, now)
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::hpa(store, self, now))
    }
}

/// Generic code over "the kind named X" that needs its kubectl parts:
/// `visit_printed("Pod", v)` calls `v.visit::<Pod>()`.
pub trait PrintedVisitor {
    type Out;
    fn visit<T: Printed>(self) -> Self::Out;
}

macro_rules! printed_dispatch {
    ($($ty:ident),*) => {
        /// Runs `visitor` with the type of the kind named `kind`; None for a kind the lab
        /// does not serve.
        pub fn visit_printed<V: PrintedVisitor>(kind: &str, visitor: V) -> Option<V::Out> {
            $(if kind == <$ty as Resource>::INFO.kind {
                return Some(visitor.visit::<$ty>());
            })*
            None
        }

        /// The object's `kubectl describe` text; None where the lab has no describer for its kind.
        pub fn describe_object(o: &Object, store: &Store, now: Time) -> Option<String> {
            $(if let Some(x) = <$ty as Resource>::from_object(o) {
                return <$ty as Printed>::describe(x, store, now);
            })*
            None
        }
    };
}

served_kinds!(printed_dispatch);

/// The `kubectl get` table of `objects`, all of kind `kind`; a NAME column alone for a kind
/// the lab does not serve.
pub fn table_of(kind: &str, objects: &[Object], now: Time, wide: bool) -> Table {
    struct TableOf<'a> {
        objects: &'a [Object],
        now: Time,
        wide: bool,
    }
    impl PrintedVisitor for TableOf<'_> {
        type Out = Table;
        fn visit<T: Printed>(self) -> Table {
            let list: Vec<&T> = self.objects.iter().filter_map(T::from_object).collect();
            T::table(&list, self.now, self.wide)
        }
    }
    visit_printed(kind, TableOf { objects, now, wide }).unwrap_or_else(|| Table {
        headers: vec!["NAME"],
        rows: objects.iter().map(|o| vec![o.meta().name.clone()]).collect(),
    })
}

/// Field labels `--field-selector` accepts for the kind named `kind`.
pub fn field_labels(kind: &str) -> &'static [&'static str] {
    struct FieldLabels;
    impl PrintedVisitor for FieldLabels {
        type Out = &'static [&'static str];
        fn visit<T: Printed>(self) -> Self::Out {
            T::FIELD_LABELS
        }
    }
    visit_printed(kind, FieldLabels).unwrap_or(&["metadata.name", "metadata.namespace"])
}
