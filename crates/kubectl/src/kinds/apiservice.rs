//! kubectl's parts for an APIService. The API server prints its table (kube-aggregator
//! pkg/registry/apiservice/etcd/etcd.go `ConvertToTable`): NAME SERVICE AVAILABLE AGE, the
//! service as `NAMESPACE/NAME` or `Local`, AVAILABLE as the Available condition's status
//! (`True`; otherwise `STATUS (REASON)` when it has a reason; `Unknown` with no condition).
//! kubectl has no describer of its own for it: the generic one prints it.

use super::Printed;
use crate::describe;
use crate::printers::{age, Table};
use kubelab_api::*;
use kubelab_engine::store::Store;

impl Printed for APIService {
    fn table(list: &[&Self], now: Time, _wide: bool) -> Table {
        Table {
            headers: vec!["NAME", "SERVICE", "AVAILABLE", "AGE"],
            rows: list
                .iter()
                .map(|a| {
                    let service = match &a.spec.service {
                        Some(s) => format!("{}/{}", s.namespace, s.name),
                        None => "Local".to_string(),
                    };
                    vec![a.metadata.name.clone(), service, available(a), age(a.metadata.creation_timestamp, now)]
                })
                .collect(),
        }
    }
    fn describe(&self, store: &Store, now: Time) -> Option<String> {
        Some(describe::generic(&Object::APIService(self.clone()), store, now))
    }
}

fn available(a: &APIService) -> String {
    match a.available() {
        None => "Unknown".into(),
        Some(c) if c.status == "True" || c.reason.is_empty() => c.status.clone(),
        Some(c) => format!("{} ({})", c.status, c.reason),
    }
}
