//! apiregistration.k8s.io/v1 APIService as plain data (kube-aggregator's
//! `pkg/apis/apiregistration/v1/types.go`, with its JSON names and omitempty choices): which
//! server answers a group/version. `Local` ones (no `service`) are the API server's own,
//! created at boot by its autoregister controller; others send the group/version to a
//! Service in the cluster (metrics-server's `v1beta1.metrics.k8s.io`).

use crate::meta::ObjectMeta;
use kubelab_derive::{Decode, Encode};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct APIService {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: APIServiceSpec,
    #[serde(default)]
    pub status: APIServiceStatus,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct APIServiceSpec {
    /// None: served by the API server itself (`Local`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceReference>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, rename = "insecureSkipTLSVerify", skip_serializing_if = "is_false")]
    pub insecure_skip_tls_verify: bool,
    /// PEM bundle, base64 in JSON (a `[]byte`), kept as written.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ca_bundle: String,
    // Neither priority is omitempty upstream: both are always printed.
    #[serde(default)]
    pub group_priority_minimum: i32,
    #[serde(default)]
    pub version_priority: i32,
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceReference {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Defaulted to 443 (v1/defaults.go SetDefaults_ServiceReference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, Decode, Encode)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct APIServiceStatus {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<APIServiceCondition>,
}

/// kube-aggregator's APIServiceCondition: field for field the HPA's (`meta::TypedCondition`).
pub type APIServiceCondition = crate::meta::TypedCondition;

impl APIService {
    /// The Available condition, if the availability controller has written one.
    pub fn available(&self) -> Option<&APIServiceCondition> {
        self.status.conditions.iter().find(|c| c.type_ == "Available")
    }
    /// Whether the availability controller found it available (helper.IsAPIServiceConditionTrue).
    pub fn is_available(&self) -> bool {
        self.available().is_some_and(|c| c.status == "True")
    }
}
