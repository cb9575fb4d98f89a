//! Validation with the API server's field paths and wording
//! (k8s.io/apimachinery/pkg/util/validation and pkg/apis/{core,apps}/validation).

use crate::apps::{Deployment, ReplicaSet};
use crate::core::{ConfigMap, Container, Namespace, Pod, PodSpec, Service};
use crate::meta::{IntOrString, ObjectMeta};
use crate::object::Object;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

mod apiregistration;
mod autoscaling;
mod batch;
mod image_ref;
mod names;
mod network_policy;
mod networking;
mod selector;

pub use network_policy::Cidr;

pub use image_ref::valid_image_reference;
use names::is_label_chars;
pub use names::{
    config_map_key, dns1035_label, dns1123_label, dns1123_subdomain, is_env_var_name, label_value, port_name,
    qualified_name,
};
use selector::validate_selector_and_template;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorType {
    Required,
    Invalid,
    NotSupported,
    Duplicate,
    Forbidden,
    TooLong,
}

/// One `field.Error`: a path, what is wrong, the offending value (already in Go's `%#v`
/// / `%q` form) and the detail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub type_: ErrorType,
    pub value: String,
    pub detail: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = match self.type_ {
            ErrorType::Required => "Required value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
        };
        write!(f, "{}: {t}", self.path)?;
        if matches!(self.type_, ErrorType::Invalid | ErrorType::NotSupported | ErrorType::Duplicate) {
            write!(f, ": {}", self.value)?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// `The Deployment "web" is invalid: ...`, as kubectl prints an Invalid status
/// (one cause on the same line; several as a `* ` list).
pub fn invalid_message(kind: &str, name: &str, errs: &[FieldError]) -> String {
    let prefix = format!("The {kind} \"{name}\" is invalid: ");
    match errs {
        [one] => format!("{prefix}{one}"),
        many => {
            let mut s = prefix;
            for e in many {
                s.push_str(&format!("\n* {e}"));
            }
            s
        }
    }
}

fn q(s: &str) -> String {
    format!("{s:?}")
}

fn required(path: impl Into<String>, detail: &str) -> FieldError {
    FieldError { path: path.into(), type_: ErrorType::Required, value: String::new(), detail: detail.into() }
}
fn invalid(path: impl Into<String>, value: String, detail: impl Into<String>) -> FieldError {
    FieldError { path: path.into(), type_: ErrorType::Invalid, value, detail: detail.into() }
}
fn not_supported(path: impl Into<String>, value: &str, valid: &[&str]) -> FieldError {
    let list: Vec<String> = valid.iter().map(|v| q(v)).collect();
    FieldError {
        path: path.into(),
        type_: ErrorType::NotSupported,
        value: q(value),
        detail: format!("supported values: {}", list.join(", ")),
    }
}
fn duplicate(path: impl Into<String>, value: String) -> FieldError {
    FieldError { path: path.into(), type_: ErrorType::Duplicate, value, detail: String::new() }
}
fn forbidden(path: impl Into<String>, detail: &str) -> FieldError {
    FieldError { path: path.into(), type_: ErrorType::Forbidden, value: String::new(), detail: detail.into() }
}

pub fn validate_labels(labels: &BTreeMap<String, String>, path: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    for (k, v) in labels {
        for m in qualified_name(k) {
            out.push(invalid(path, q(k), m));
        }
        for m in label_value(v) {
            out.push(invalid(path, q(v), m));
        }
    }
    out
}

#[derive(Clone, Copy)]
enum NameRule {
    Subdomain,
    Label,
    Dns1035,
    /// The kind checks its name itself (an APIService's is `VERSION.GROUP`).
    CheckedByKind,
}

fn validate_meta(m: &ObjectMeta, namespaced: bool, rule: NameRule) -> Vec<FieldError> {
    let mut out = Vec::new();
    if m.name.is_empty() && m.generate_name.is_empty() {
        out.push(required("metadata.name", "name or generateName is required"));
    } else if !m.name.is_empty() {
        let msgs = match rule {
            NameRule::Subdomain => dns1123_subdomain(&m.name),
            NameRule::Label => dns1123_label(&m.name),
            NameRule::Dns1035 => dns1035_label(&m.name),
            NameRule::CheckedByKind => Vec::new(),
        };
        for msg in msgs {
            out.push(invalid("metadata.name", q(&m.name), msg));
        }
    }
    if namespaced && !m.namespace.is_empty() {
        for msg in dns1123_label(&m.namespace) {
            out.push(invalid("metadata.namespace", q(&m.namespace), msg));
        }
    }
    out.extend(validate_labels(&m.labels, "metadata.labels"));
    for k in m.annotations.keys() {
        for msg in qualified_name(k) {
            out.push(invalid("metadata.annotations", q(k), msg));
        }
    }
    let total: usize = m.annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if total > 256 * 1024 {
        out.push(FieldError {
            path: "metadata.annotations".into(),
            type_: ErrorType::TooLong,
            value: String::new(),
            detail: "may not be more than 262144 bytes".into(),
        });
    }
    out
}

// ------------------------------------------------------------ kinds

/// Validates a defaulted object; empty when the API server would accept it.
pub fn validate_object(obj: &Object) -> Vec<FieldError> {
    match obj {
        Object::Pod(p) => validate_pod(p),
        Object::Deployment(d) => validate_deployment(d),
        Object::ReplicaSet(rs) => validate_replica_set(rs),
        Object::Service(s) => validate_service(s),
        Object::ConfigMap(c) => validate_config_map(c),
        Object::Namespace(n) => validate_namespace(n),
        Object::Node(n) => validate_meta(&n.metadata, false, NameRule::Subdomain),
        Object::Endpoints(e) => validate_meta(&e.metadata, true, NameRule::Subdomain),
        Object::Event(e) => validate_meta(&e.metadata, true, NameRule::Subdomain),
        Object::StatefulSet(s) => validate_stateful_set(s),
        Object::Job(j) => batch::validate_job(j),
        Object::PersistentVolumeClaim(c) => {
            let mut out = validate_meta(&c.metadata, true, NameRule::Subdomain);
            out.extend(validate_pvc_spec(&c.spec, "spec"));
            out
        }
        Object::PersistentVolume(v) => validate_pv(v),
        Object::Ingress(i) => {
            let mut out = validate_meta(&i.metadata, true, NameRule::Subdomain);
            out.extend(networking::validate_ingress(i));
            out
        }
        Object::NetworkPolicy(np) => {
            let mut out = validate_meta(&np.metadata, true, NameRule::Subdomain);
            out.extend(network_policy::validate_network_policy(np));
            out
        }
        // ValidateHorizontalPodAutoscalerName is ValidateReplicationControllerName: a subdomain.
        Object::HorizontalPodAutoscaler(h) => {
            let mut out = validate_meta(&h.metadata, true, NameRule::Subdomain);
            out.extend(autoscaling::validate_hpa(h));
            out
        }
        Object::APIService(a) => apiregistration::validate_apiservice(a),
        Object::IngressClass(c) => {
            let mut out = validate_meta(&c.metadata, false, NameRule::Subdomain);
            out.extend(networking::validate_ingress_class(c));
            out
        }
        Object::StorageClass(sc) => {
            let mut out = validate_meta(&sc.metadata, false, NameRule::Subdomain);
            if sc.provisioner.is_empty() {
                out.push(required("provisioner", ""));
            }
            if let Some(r) = &sc.reclaim_policy {
                if !["Delete", "Retain"].contains(&r.as_str()) {
                    out.push(not_supported("reclaimPolicy", r, &["Delete", "Retain"]));
                }
            }
            if let Some(m) = &sc.volume_binding_mode {
                if !["Immediate", "WaitForFirstConsumer"].contains(&m.as_str()) {
                    out.push(not_supported("volumeBindingMode", m, &["Immediate", "WaitForFirstConsumer"]));
                }
            }
            out
        }
    }
}

const ACCESS_MODES: &[&str] = &["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];

fn validate_access_modes(modes: &[String], path: &str, out: &mut Vec<FieldError>) {
    if modes.is_empty() {
        out.push(required(format!("{path}.accessModes"), "at least 1 access mode is required"));
    }
    for m in modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            out.push(not_supported(format!("{path}.accessModes"), m, ACCESS_MODES));
        }
    }
}

pub fn validate_pvc_spec(s: &crate::core::PersistentVolumeClaimSpec, path: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    validate_access_modes(&s.access_modes, path, &mut out);
    match s.resources.requests.get("storage") {
        None => out.push(required(format!("{path}.resources[storage]"), "")),
        Some(qty) => match qty.millis() {
            Some(m) if m > 0 => {}
            _ => out.push(invalid(format!("{path}.resources[storage]"), q(&qty.0), "must be greater than zero")),
        },
    }
    out
}

fn validate_pv(v: &crate::core::PersistentVolume) -> Vec<FieldError> {
    let mut out = validate_meta(&v.metadata, false, NameRule::Subdomain);
    validate_access_modes(&v.spec.access_modes, "spec", &mut out);
    if !v.spec.capacity.contains_key("storage") {
        out.push(required("spec.capacity", ""));
    }
    let s = &v.spec;
    let sources = [
        s.host_path.is_some(),
        s.local.is_some(),
        s.nfs.is_some(),
        s.csi.is_some(),
        s.gce_persistent_disk.is_some(),
        s.aws_elastic_block_store.is_some(),
        s.azure_disk.is_some(),
        s.azure_file.is_some(),
        s.cephfs.is_some(),
        s.cinder.is_some(),
        s.fc.is_some(),
        s.flex_volume.is_some(),
        s.glusterfs.is_some(),
        s.iscsi.is_some(),
        s.rbd.is_some(),
        s.vsphere_volume.is_some(),
        s.portworx_volume.is_some(),
    ];
    if !sources.iter().any(|x| *x) {
        out.push(required("spec", "must specify a volume type"));
    }
    if !["Retain", "Delete", "Recycle"].contains(&s.persistent_volume_reclaim_policy.as_str()) {
        out.push(not_supported(
            "spec.persistentVolumeReclaimPolicy",
            &s.persistent_volume_reclaim_policy,
            &["Delete", "Recycle", "Retain"],
        ));
    }
    out
}

pub fn validate_stateful_set(s: &crate::apps::StatefulSet) -> Vec<FieldError> {
    let mut out = validate_meta(&s.metadata, true, NameRule::Subdomain);
    let sp = &s.spec;
    if let Some(r) = sp.replicas {
        if r < 0 {
            out.push(invalid("spec.replicas", r.to_string(), "must be greater than or equal to 0"));
        }
    }
    if !["OrderedReady", "Parallel"].contains(&sp.pod_management_policy.as_str()) {
        out.push(not_supported("spec.podManagementPolicy", &sp.pod_management_policy, &["OrderedReady", "Parallel"]));
    }
    if !["RollingUpdate", "OnDelete"].contains(&sp.update_strategy.type_.as_str()) {
        out.push(not_supported("spec.updateStrategy.type", &sp.update_strategy.type_, &["OnDelete", "RollingUpdate"]));
    }
    out.extend(validate_selector_and_template(&sp.selector, &sp.template.metadata.labels, "statefulset"));
    // Containers may mount the claim templates by name, as if they were volumes.
    let mut spec = sp.template.spec.clone();
    for t in &sp.volume_claim_templates {
        if !spec.volumes.iter().any(|v| v.name == t.metadata.name) {
            spec.volumes.push(crate::core::Volume {
                name: t.metadata.name.clone(),
                persistent_volume_claim: Some(crate::core::PersistentVolumeClaimVolumeSource {
                    claim_name: t.metadata.name.clone(),
                    read_only: None,
                }),
                ..Default::default()
            });
        }
    }
    out.extend(validate_pod_spec(&spec, "spec.template.spec"));
    if sp.template.spec.restart_policy != "Always" {
        out.push(not_supported("spec.template.spec.restartPolicy", &sp.template.spec.restart_policy, &["Always"]));
    }
    for (i, t) in sp.volume_claim_templates.iter().enumerate() {
        out.extend(validate_pvc_spec(&t.spec, &format!("spec.volumeClaimTemplates[{i}].spec")));
    }
    out
}

pub fn validate_pod(p: &Pod) -> Vec<FieldError> {
    let mut out = validate_meta(&p.metadata, true, NameRule::Subdomain);
    out.extend(validate_pod_spec(&p.spec, "spec"));
    out
}

fn validate_namespace(n: &Namespace) -> Vec<FieldError> {
    validate_meta(&n.metadata, false, NameRule::Label)
}

fn validate_config_map(c: &ConfigMap) -> Vec<FieldError> {
    let mut out = validate_meta(&c.metadata, true, NameRule::Subdomain);
    for k in c.data.keys().chain(c.binary_data.keys()) {
        let ok = !k.is_empty()
            && k.len() <= 253
            && k.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !ok {
            out.push(invalid(
                "data",
                q(k),
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
            ));
        }
    }
    if c.data.keys().any(|k| c.binary_data.contains_key(k)) {
        out.push(invalid("data", String::new(), "duplicate of key present in binaryData"));
    }
    out
}

pub fn validate_pod_spec(s: &PodSpec, path: &str) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut volume_names = BTreeSet::new();
    for (i, v) in s.volumes.iter().enumerate() {
        let vp = format!("{path}.volumes[{i}]");
        if v.name.is_empty() {
            out.push(required(format!("{vp}.name"), ""));
        } else {
            for m in dns1123_label(&v.name) {
                out.push(invalid(format!("{vp}.name"), q(&v.name), m));
            }
            if !volume_names.insert(v.name.clone()) {
                out.push(duplicate(format!("{vp}.name"), q(&v.name)));
            }
        }
    }
    if s.containers.is_empty() {
        out.push(required(format!("{path}.containers"), ""));
    }
    let mut names = BTreeSet::new();
    for (field, list) in [("initContainers", &s.init_containers), ("containers", &s.containers)] {
        for (i, c) in list.iter().enumerate() {
            let cp = format!("{path}.{field}[{i}]");
            out.extend(validate_container(c, &cp, &mut names, &volume_names));
            // Sidecars (validation.go validateInitContainers, validateContainers): only an
            // init container takes a restartPolicy, and only Always; one without it runs to
            // completion and takes no lifecycle hooks or probes.
            match (field, c.restart_policy.as_deref()) {
                ("initContainers", Some("Always")) => {}
                ("initContainers", Some(p)) => out.push(not_supported(format!("{cp}.restartPolicy"), p, &["Always"])),
                ("initContainers", None) => {
                    let why = "may not be set for init containers without restartPolicy=Always";
                    for (set, name) in [
                        (c.lifecycle.is_some(), "lifecycle"),
                        (c.liveness_probe.is_some(), "livenessProbe"),
                        (c.readiness_probe.is_some(), "readinessProbe"),
                        (c.startup_probe.is_some(), "startupProbe"),
                    ] {
                        if set {
                            out.push(forbidden(format!("{cp}.{name}"), why));
                        }
                    }
                }
                (_, Some(_)) => {
                    out.push(forbidden(format!("{cp}.restartPolicy"), "may not be set for non-init containers"))
                }
                (_, None) => {}
            }
        }
    }
    if !["Always", "OnFailure", "Never"].contains(&s.restart_policy.as_str()) {
        out.push(not_supported(format!("{path}.restartPolicy"), &s.restart_policy, &["Always", "OnFailure", "Never"]));
    }
    if !["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"].contains(&s.dns_policy.as_str()) {
        out.push(not_supported(
            format!("{path}.dnsPolicy"),
            &s.dns_policy,
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        ));
    }
    if let Some(g) = s.termination_grace_period_seconds {
        if g < 0 {
            out.push(invalid(
                format!("{path}.terminationGracePeriodSeconds"),
                g.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    out.extend(validate_labels(&s.node_selector, &format!("{path}.nodeSelector")));
    validate_tolerations(s, path, &mut out);
    validate_host_aliases(s, path, &mut out);
    out
}

/// The pod's tolerations: operator, value and effect.
fn validate_tolerations(s: &PodSpec, path: &str, out: &mut Vec<FieldError>) {
    for (i, t) in s.tolerations.iter().enumerate() {
        let tp = format!("{path}.tolerations[{i}]");
        if !["", "Equal", "Exists"].contains(&t.operator.as_str()) {
            out.push(not_supported(format!("{tp}.operator"), &t.operator, &["Equal", "Exists"]));
        }
        if t.operator == "Exists" && !t.value.is_empty() {
            out.push(invalid(format!("{tp}.operator"), q(&t.value), "value must be empty when `operator` is 'Exists'"));
        }
        if !["", "NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&t.effect.as_str()) {
            out.push(not_supported(
                format!("{tp}.effect"),
                &t.effect,
                &["NoExecute", "NoSchedule", "PreferNoSchedule"],
            ));
        }
        if t.key.is_empty() && t.operator != "Exists" {
            out.push(invalid(
                format!("{tp}.operator"),
                q(&t.operator),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
    }
}

/// The pod's hostAliases: an IPv4 address and DNS subdomain names.
fn validate_host_aliases(s: &PodSpec, path: &str, out: &mut Vec<FieldError>) {
    for (i, h) in s.host_aliases.iter().enumerate() {
        if !is_ipv4(&h.ip) {
            out.push(invalid(
                format!("{path}.hostAliases[{i}].ip"),
                q(&h.ip),
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            ));
        }
        for (j, n) in h.hostnames.iter().enumerate() {
            for m in dns1123_subdomain(n) {
                out.push(invalid(format!("{path}.hostAliases[{i}].hostnames[{j}]"), q(n), m));
            }
        }
    }
}

pub fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

fn validate_container(
    c: &Container,
    path: &str,
    names: &mut BTreeSet<String>,
    volumes: &BTreeSet<String>,
) -> Vec<FieldError> {
    let mut out = Vec::new();
    if c.name.is_empty() {
        out.push(required(format!("{path}.name"), ""));
    } else {
        for m in dns1123_label(&c.name) {
            out.push(invalid(format!("{path}.name"), q(&c.name), m));
        }
        if !names.insert(c.name.clone()) {
            out.push(duplicate(format!("{path}.name"), q(&c.name)));
        }
    }
    if c.image.trim().is_empty() {
        out.push(required(format!("{path}.image"), ""));
    }
    if !["Always", "IfNotPresent", "Never"].contains(&c.image_pull_policy.as_str()) {
        out.push(not_supported(
            format!("{path}.imagePullPolicy"),
            &c.image_pull_policy,
            &["Always", "IfNotPresent", "Never"],
        ));
    }
    validate_container_ports(c, path, &mut out);
    for (i, e) in c.env.iter().enumerate() {
        if e.name.is_empty() {
            out.push(required(format!("{path}.env[{i}].name"), ""));
        }
    }
    for (i, m) in c.volume_mounts.iter().enumerate() {
        if !volumes.contains(&m.name) {
            out.push(FieldError {
                path: format!("{path}.volumeMounts[{i}].name"),
                type_: ErrorType::Invalid,
                value: q(&m.name),
                detail: "not found".into(),
            });
        }
        if m.mount_path.is_empty() {
            out.push(required(format!("{path}.volumeMounts[{i}].mountPath"), ""));
        }
    }
    validate_resource_requirements(c, path, &mut out);
    validate_probes(c, path, &mut out);
    out
}

/// The container's ports: numbers in range, names unique and IANA-style, protocols.
fn validate_container_ports(c: &Container, path: &str, out: &mut Vec<FieldError>) {
    let mut port_names = BTreeSet::new();
    for (i, p) in c.ports.iter().enumerate() {
        let pp = format!("{path}.ports[{i}]");
        if p.container_port == 0 {
            out.push(required(format!("{pp}.containerPort"), ""));
        } else if !(1..=65535).contains(&p.container_port) {
            out.push(invalid(
                format!("{pp}.containerPort"),
                p.container_port.to_string(),
                "must be between 1 and 65535, inclusive",
            ));
        }
        if let Some(h) = p.host_port {
            if h != 0 && !(1..=65535).contains(&h) {
                out.push(invalid(format!("{pp}.hostPort"), h.to_string(), "must be between 1 and 65535, inclusive"));
            }
        }
        if !p.name.is_empty() {
            if p.name.len() > 15
                || !p.name.bytes().any(|b| b.is_ascii_lowercase())
                || !is_label_chars(&p.name)
                || p.name.contains("--")
            {
                out.push(invalid(format!("{pp}.name"), q(&p.name), "must be no more than 15 characters, contain only lowercase alphanumeric characters or '-', contain at least one letter (a-z), not start or end with '-', and not contain '--'"));
            }
            if !port_names.insert(p.name.clone()) {
                out.push(duplicate(format!("{pp}.name"), q(&p.name)));
            }
        }
        if !["TCP", "UDP", "SCTP"].contains(&p.protocol.as_str()) {
            out.push(not_supported(format!("{pp}.protocol"), &p.protocol, &["SCTP", "TCP", "UDP"]));
        }
    }
}

/// The container's resources: quantities that parse, requests within limits.
fn validate_resource_requirements(c: &Container, path: &str, out: &mut Vec<FieldError>) {
    for (res, q_req) in &c.resources.requests {
        let Some(req) = q_req.millis() else {
            out.push(invalid(
                format!("{path}.resources.requests[{res}]"),
                q(&q_req.0),
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ));
            continue;
        };
        if let Some(lim) = c.resources.limits.get(res).and_then(|l| l.millis()) {
            if req > lim {
                out.push(invalid(
                    format!("{path}.resources.requests"),
                    q(&q_req.0),
                    format!("must be less than or equal to {res} limit of {}", c.resources.limits[res].0),
                ));
            }
        }
    }
    for (res, lq) in &c.resources.limits {
        if lq.millis().is_none() {
            out.push(invalid(
                format!("{path}.resources.limits[{res}]"),
                q(&lq.0),
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ));
        }
    }
}

/// The container's probes: one handler each, thresholds and timings in range.
fn validate_probes(c: &Container, path: &str, out: &mut Vec<FieldError>) {
    for (field, probe) in [
        ("livenessProbe", &c.liveness_probe),
        ("readinessProbe", &c.readiness_probe),
        ("startupProbe", &c.startup_probe),
    ] {
        let Some(p) = probe else { continue };
        let pp = format!("{path}.{field}");
        let handlers = [p.exec.is_some(), p.http_get.is_some(), p.tcp_socket.is_some(), p.grpc.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if handlers == 0 {
            out.push(required(pp.clone(), "must specify a handler type"));
        } else if handlers > 1 {
            out.push(forbidden(pp.clone(), "may not specify more than 1 handler type"));
        }
        if field != "readinessProbe" && p.success_threshold.unwrap_or(1) != 1 {
            out.push(invalid(
                format!("{pp}.successThreshold"),
                p.success_threshold.unwrap_or(1).to_string(),
                "must be 1",
            ));
        }
        for (name, v) in [
            ("initialDelaySeconds", p.initial_delay_seconds),
            ("timeoutSeconds", p.timeout_seconds),
            ("periodSeconds", p.period_seconds),
            ("successThreshold", p.success_threshold),
            ("failureThreshold", p.failure_threshold),
        ] {
            if let Some(v) = v {
                if v < 0 {
                    out.push(invalid(format!("{pp}.{name}"), v.to_string(), "must be greater than or equal to 0"));
                }
            }
        }
    }
}

/// Go's `%#v` of a map[string]string.
pub fn go_map(m: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", parts.join(", "))
}

/// ValidatePositiveIntOrPercent + IsNotMoreThan100Percent, returning the percent or value.
fn validate_int_or_percent(v: &IntOrString, path: &str, out: &mut Vec<FieldError>, max_100: bool) {
    match v {
        IntOrString::Int(i) => {
            if *i < 0 {
                out.push(invalid(path, i.to_string(), "must be greater than or equal to 0"));
            }
        }
        IntOrString::String(s) => match s.strip_suffix('%').and_then(|n| n.parse::<i64>().ok()) {
            None => out.push(invalid(
                path,
                q(s),
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            )),
            Some(p) => {
                if p < 0 {
                    out.push(invalid(path, q(s), "must be greater than or equal to 0"));
                }
                if max_100 && p > 100 {
                    out.push(invalid(path, q(s), "must not be greater than 100%"));
                }
            }
        },
    }
}

fn is_zero_int_or_percent(v: &IntOrString) -> bool {
    match v {
        IntOrString::Int(i) => *i == 0,
        IntOrString::String(s) => s.strip_suffix('%').and_then(|n| n.parse::<i64>().ok()) == Some(0),
    }
}

pub fn validate_deployment(d: &Deployment) -> Vec<FieldError> {
    let mut out = validate_meta(&d.metadata, true, NameRule::Subdomain);
    let s = &d.spec;
    if let Some(r) = s.replicas {
        if r < 0 {
            out.push(invalid("spec.replicas", r.to_string(), "must be greater than or equal to 0"));
        }
    }
    out.extend(validate_selector_and_template(&s.selector, &s.template.metadata.labels, "deployment"));
    out.extend(validate_labels(&s.template.metadata.labels, "spec.template.metadata.labels"));
    out.extend(validate_pod_spec(&s.template.spec, "spec.template.spec"));
    if s.template.spec.restart_policy != "Always" {
        out.push(not_supported("spec.template.spec.restartPolicy", &s.template.spec.restart_policy, &["Always"]));
    }
    match s.strategy.type_.as_str() {
        "Recreate" => {
            if s.strategy.rolling_update.is_some() {
                out.push(forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = &s.strategy.rolling_update {
                let surge = ru.max_surge.clone().unwrap_or(IntOrString::Int(0));
                let unavail = ru.max_unavailable.clone().unwrap_or(IntOrString::Int(0));
                validate_int_or_percent(&unavail, "spec.strategy.rollingUpdate.maxUnavailable", &mut out, true);
                validate_int_or_percent(&surge, "spec.strategy.rollingUpdate.maxSurge", &mut out, false);
                if is_zero_int_or_percent(&surge) && is_zero_int_or_percent(&unavail) {
                    out.push(invalid(
                        "spec.strategy.rollingUpdate.maxUnavailable",
                        go_intstr_struct(&unavail),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
            }
        }
        other => out.push(not_supported("spec.strategy.type", other, &["Recreate", "RollingUpdate"])),
    }
    if s.min_ready_seconds < 0 {
        out.push(invalid(
            "spec.minReadySeconds",
            s.min_ready_seconds.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(h) = s.revision_history_limit {
        if h < 0 {
            out.push(invalid("spec.revisionHistoryLimit", h.to_string(), "must be greater than or equal to 0"));
        }
    }
    if let Some(p) = s.progress_deadline_seconds {
        if p < 0 {
            out.push(invalid("spec.progressDeadlineSeconds", p.to_string(), "must be greater than or equal to 0"));
        } else if p <= s.min_ready_seconds {
            out.push(invalid("spec.progressDeadlineSeconds", p.to_string(), "must be greater than minReadySeconds"));
        }
    }
    out
}

/// Go's `%#v` of an intstr.IntOrString, as the maxUnavailable error prints it.
fn go_intstr_struct(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(i) => format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}"),
        IntOrString::String(s) => format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{s:?}}}"),
    }
}

pub fn validate_replica_set(rs: &ReplicaSet) -> Vec<FieldError> {
    let mut out = validate_meta(&rs.metadata, true, NameRule::Subdomain);
    if let Some(r) = rs.spec.replicas {
        if r < 0 {
            out.push(invalid("spec.replicas", r.to_string(), "must be greater than or equal to 0"));
        }
    }
    // Upstream's ValidateReplicaSetSpec also says "invalid for deployment".
    out.extend(validate_selector_and_template(&rs.spec.selector, &rs.spec.template.metadata.labels, "deployment"));
    out.extend(validate_pod_spec(&rs.spec.template.spec, "spec.template.spec"));
    if rs.spec.template.spec.restart_policy != "Always" {
        out.push(not_supported("spec.template.spec.restartPolicy", &rs.spec.template.spec.restart_policy, &["Always"]));
    }
    out
}

pub fn validate_service(svc: &Service) -> Vec<FieldError> {
    let mut out = validate_meta(&svc.metadata, true, NameRule::Dns1035);
    let s = &svc.spec;
    let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    if !types.contains(&s.type_.as_str()) {
        out.push(not_supported("spec.type", &s.type_, &types));
    }
    let headless = s.cluster_ip == "None";
    if s.type_ == "ExternalName" {
        if s.external_name.is_empty() {
            out.push(required("spec.externalName", ""));
        }
    } else if s.ports.is_empty() && !headless {
        out.push(required("spec.ports", ""));
    }
    if !s.cluster_ip.is_empty() && !headless && !is_ipv4(&s.cluster_ip) {
        out.push(invalid(
            "spec.clusterIPs[0]",
            q(&s.cluster_ip),
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ));
    }
    if headless && matches!(s.type_.as_str(), "NodePort" | "LoadBalancer") {
        out.push(invalid(
            "spec.clusterIPs[0]",
            q("None"),
            format!("may not be set to 'None' for {} services", s.type_),
        ));
    }
    let mut names = BTreeSet::new();
    for (i, p) in s.ports.iter().enumerate() {
        let pp = format!("spec.ports[{i}]");
        if s.ports.len() > 1 && p.name.is_empty() {
            out.push(required(format!("{pp}.name"), ""));
        } else if !p.name.is_empty() {
            for m in dns1123_label(&p.name) {
                out.push(invalid(format!("{pp}.name"), q(&p.name), m));
            }
            if !names.insert(p.name.clone()) {
                out.push(duplicate(format!("{pp}.name"), q(&p.name)));
            }
        }
        if !(1..=65535).contains(&p.port) {
            out.push(invalid(format!("{pp}.port"), p.port.to_string(), "must be between 1 and 65535, inclusive"));
        }
        if !["TCP", "UDP", "SCTP"].contains(&p.protocol.as_str()) {
            out.push(not_supported(format!("{pp}.protocol"), &p.protocol, &["SCTP", "TCP", "UDP"]));
        }
        match &p.target_port {
            Some(IntOrString::Int(t)) if !(1..=65535).contains(t) => {
                out.push(invalid(format!("{pp}.targetPort"), t.to_string(), "must be between 1 and 65535, inclusive"))
            }
            Some(IntOrString::String(n))
                if n.len() > 15 || !is_label_chars(n) || !n.bytes().any(|b| b.is_ascii_lowercase()) =>
            {
                out.push(invalid(
                    format!("{pp}.targetPort"),
                    q(n),
                    "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                ))
            }
            _ => {}
        }
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            if s.type_ == "ClusterIP" || s.type_ == "ExternalName" {
                out.push(forbidden(format!("{pp}.nodePort"), &format!("may not be used when `type` is '{}'", s.type_)));
            } else if !(30000..=32767).contains(&np) {
                out.push(invalid(
                    format!("{pp}.nodePort"),
                    np.to_string(),
                    "provided port is not in the valid range. The range of valid ports is 30000-32767",
                ));
            }
        }
    }
    out.extend(validate_labels(&s.selector, "spec.selector"));
    if !["None", "ClientIP"].contains(&s.session_affinity.as_str()) {
        out.push(not_supported("spec.sessionAffinity", &s.session_affinity, &["ClientIP", "None"]));
    }
    out
}

#[cfg(test)]
mod tests;
