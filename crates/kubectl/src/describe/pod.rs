//! describe for a Pod and a pod template (DescribePodTemplate): containers, their states
//! and probes, volumes.

use super::{describe_events, labels_multiline, rfc1123z, tolerations_multiline, W};
use crate::printers;
use kubelab_api::*;
use kubelab_engine::store::Store;

fn probe_string(p: &Probe) -> String {
    let handler = if let Some(h) = &p.http_get {
        let port = h.port.to_string();
        let host = if h.host.is_empty() { String::new() } else { h.host.clone() };
        format!("http-get {}://{host}:{port}{}", h.scheme.to_ascii_lowercase(), h.path)
    } else if let Some(t) = &p.tcp_socket {
        format!("tcp-socket {}:{}", t.host, t.port)
    } else if let Some(e) = &p.exec {
        format!("exec [{}]", e.command.join(" "))
    } else if p.grpc.is_some() {
        "grpc <pod>".into()
    } else {
        "unknown".into()
    };
    format!(
        "{handler} delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(1),
        p.period_seconds.unwrap_or(10),
        p.success_threshold.unwrap_or(1),
        p.failure_threshold.unwrap_or(3)
    )
}

fn container_state(w: &mut W, title: &str, s: &ContainerState) {
    if let Some(r) = &s.running {
        w.line(2, &format!("{title}:\tRunning"));
        w.line(3, &format!("Started:\t{}", r.started_at.map(rfc1123z).unwrap_or_default()));
    } else if let Some(wt) = &s.waiting {
        w.line(2, &format!("{title}:\tWaiting"));
        w.line(3, &format!("Reason:\t{}", wt.reason));
        if !wt.message.is_empty() {
            w.line(3, &format!("Message:\t{}", wt.message));
        }
    } else if let Some(t) = &s.terminated {
        w.line(2, &format!("{title}:\tTerminated"));
        w.line(3, &format!("Reason:\t{}", t.reason));
        if !t.message.is_empty() {
            w.line(3, &format!("Message:\t{}", t.message));
        }
        w.line(3, &format!("Exit Code:\t{}", t.exit_code));
        if let Some(sig) = t.signal.filter(|s| *s > 0) {
            w.line(3, &format!("Signal:\t{sig}"));
        }
        w.line(
            3,
            &format!(
                "Started:\t{}",
                t.started_at.map(rfc1123z).unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".into())
            ),
        );
        w.line(3, &format!("Finished:\t{}", t.finished_at.map(rfc1123z).unwrap_or_default()));
    } else {
        w.line(2, &format!("{title}:\tWaiting"));
    }
}

fn describe_containers(
    w: &mut W,
    label: &str,
    containers: &[Container],
    statuses: Option<&[ContainerStatus]>,
    space: &str,
    pod: Option<&Pod>,
) {
    w.w(0, &format!("{space}{label}:"));
    w.0.push('\n');
    for c in containers {
        let st = statuses.and_then(|s| s.iter().find(|x| x.name == c.name));
        let name_indent = if space.is_empty() { "" } else { " " };
        w.line(1, &format!("{name_indent}{}:", c.name));
        if let Some(s) = st {
            w.line(2, &format!("Container ID:\t{}", s.container_id));
        }
        w.line(2, &format!("Image:\t{}", c.image));
        if let Some(s) = st {
            w.line(2, &format!("Image ID:\t{}", s.image_id));
        }
        let ports: Vec<String> = c.ports.iter().map(|p| format!("{}/{}", p.container_port, p.protocol)).collect();
        let host_ports: Vec<String> =
            c.ports.iter().map(|p| format!("{}/{}", p.host_port.unwrap_or(0), p.protocol)).collect();
        let or_none = |v: &[String]| if v.is_empty() { "<none>".to_string() } else { v.join(", ") };
        w.line(2, &format!("{}:\t{}", if ports.len() > 1 { "Ports" } else { "Port" }, or_none(&ports)));
        w.line(
            2,
            &format!("{}:\t{}", if host_ports.len() > 1 { "Host Ports" } else { "Host Port" }, or_none(&host_ports)),
        );
        if !c.command.is_empty() {
            w.line(2, "Command:");
            for x in &c.command {
                w.line(3, x);
            }
        }
        if !c.args.is_empty() {
            w.line(2, "Args:");
            for x in &c.args {
                w.line(3, x);
            }
        }
        if let Some(s) = st {
            container_state(w, "State", &s.state);
            if s.last_state != ContainerState::default() {
                container_state(w, "Last State", &s.last_state);
            }
            w.line(2, &format!("Ready:\t{}", if s.ready { "True" } else { "False" }));
            w.line(2, &format!("Restart Count:\t{}", s.restart_count));
        }
        for (title, m) in [("Limits", &c.resources.limits), ("Requests", &c.resources.requests)] {
            if !m.is_empty() {
                w.line(2, &format!("{title}:"));
                for (k, v) in m {
                    w.line(3, &format!("{k}:\t{}", v.0));
                }
            }
        }
        if let Some(p) = &c.liveness_probe {
            w.line(2, &format!("Liveness:\t{}", probe_string(p)));
        }
        if let Some(p) = &c.readiness_probe {
            w.line(2, &format!("Readiness:\t{}", probe_string(p)));
        }
        if let Some(p) = &c.startup_probe {
            w.line(2, &format!("Startup:\t{}", probe_string(p)));
        }
        container_env(w, c, pod);
        if c.volume_mounts.is_empty() {
            w.line(2, "Mounts:\t<none>");
        } else {
            w.line(2, "Mounts:");
            for m in &c.volume_mounts {
                let mode = if m.read_only == Some(true) { "ro" } else { "rw" };
                let sub = if m.sub_path.is_empty() { String::new() } else { format!(",path=\"{}\"", m.sub_path) };
                w.line(3, &format!("{} from {} ({mode}{sub})", m.mount_path, m.name));
            }
        }
    }
}

/// describeContainerEnvFrom, then describeContainerEnvVars (describe.go): a reference is
/// shown as where the value comes from, a pod's own field with its value.
fn container_env(w: &mut W, c: &Container, pod: Option<&Pod>) {
    let text = |v: &serde_yaml::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let optional = |v: &serde_yaml::Value| v.get("optional").and_then(|x| x.as_bool()).unwrap_or(false);
    if !c.env_from.is_empty() {
        w.line(2, "Environment Variables from:");
        for e in &c.env_from {
            let (from, r) = match (e.get("configMapRef"), e.get("secretRef")) {
                (Some(r), _) => ("ConfigMap", r),
                (None, Some(r)) => ("Secret", r),
                (None, None) => ("", &**e),
            };
            let prefix = text(e, "prefix");
            let with = if prefix.is_empty() { String::new() } else { format!(" with prefix '{prefix}'") };
            w.line(3, &format!("{}\t{from}{with}\tOptional: {}", text(r, "name"), optional(r)));
        }
    }
    if c.env.is_empty() {
        w.line(2, "Environment:\t<none>");
    } else {
        w.line(2, "Environment:");
        for e in &c.env {
            let Some(from) = &e.value_from else {
                let value = e.value.clone().unwrap_or_default();
                for (i, l) in value.split('\n').enumerate() {
                    if i == 0 {
                        w.line(3, &format!("{}:\t{l}", e.name));
                    } else {
                        w.line(3, &format!("\t{l}"));
                    }
                }
                continue;
            };
            if let Some(r) = from.get("fieldRef") {
                // EnvValueRetriever: a pod's own field; a template has no value yet.
                let path = text(r, "fieldPath");
                let value = pod.map(|p| crate::exec::pod_field(p, &path)).unwrap_or_default();
                let api = Some(text(r, "apiVersion")).filter(|a| !a.is_empty()).unwrap_or_else(|| "v1".into());
                w.line(3, &format!("{}:\t{value} ({api}:{path})", e.name));
            } else if let Some(r) = from.get("resourceFieldRef") {
                w.line(3, &format!("{}:\t ({})", e.name, text(r, "resource")));
            } else if let Some(r) = from.get("secretKeyRef") {
                w.line(
                    3,
                    &format!(
                        "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}",
                        e.name,
                        text(r, "key"),
                        text(r, "name"),
                        optional(r)
                    ),
                );
            } else if let Some(r) = from.get("configMapKeyRef") {
                w.line(
                    3,
                    &format!(
                        "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}",
                        e.name,
                        text(r, "key"),
                        text(r, "name"),
                        optional(r)
                    ),
                );
            }
        }
    }
}

fn describe_volumes(w: &mut W, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        w.line(0, &format!("{space}Volumes:\t<none>"));
        return;
    }
    w.line(0, &format!("{space}Volumes:"));
    for v in volumes {
        w.line(1, &format!("{space}{}:", v.name));
        if let Some(ed) = &v.empty_dir {
            w.line(2, &format!("{space}Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)"));
            let medium = ed.get("medium").and_then(|m| m.as_str()).unwrap_or("");
            w.line(2, &format!("{space}Medium:\t{medium}"));
            w.line(2, &format!("{space}SizeLimit:\t<unset>"));
        } else if let Some(pvc) = &v.persistent_volume_claim {
            w.line(2, &format!("{space}Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)"));
            w.line(2, &format!("{space}ClaimName:\t{}", pvc.claim_name));
            w.line(2, &format!("{space}ReadOnly:\t{}", pvc.read_only.unwrap_or(false)));
        } else if let Some(cm) = &v.config_map {
            w.line(2, &format!("{space}Type:\tConfigMap (a volume populated by a ConfigMap)"));
            w.line(2, &format!("{space}Name:\t{}", cm.get("name").and_then(|n| n.as_str()).unwrap_or("")));
            w.line(2, &format!("{space}Optional:\tfalse"));
        } else if let Some(pr) = &v.projected {
            w.line(2, &format!("{space}Type:\tProjected (a volume that contains injected data from multiple sources)"));
            let sources = pr.get("sources").and_then(|x| x.as_sequence()).cloned().unwrap_or_default();
            for src in &sources {
                if let Some(t) = src.get("serviceAccountToken") {
                    let secs = t.get("expirationSeconds").and_then(|x| x.as_i64()).unwrap_or(3600);
                    w.line(2, &format!("{space}TokenExpirationSeconds:\t{secs}"));
                }
                if let Some(cm) = src.get("configMap") {
                    w.line(
                        2,
                        &format!("{space}ConfigMapName:\t{}", cm.get("name").and_then(|n| n.as_str()).unwrap_or("")),
                    );
                    w.line(2, &format!("{space}ConfigMapOptional:\t<nil>"));
                }
                if src.get("downwardAPI").is_some() {
                    w.line(2, &format!("{space}DownwardAPI:\ttrue"));
                }
            }
        } else if let Some(hp) = &v.host_path {
            w.line(2, &format!("{space}Type:\tHostPath (bare host directory volume)"));
            w.line(2, &format!("{space}Path:\t{}", hp.get("path").and_then(|n| n.as_str()).unwrap_or("")));
            w.line(2, &format!("{space}HostPathType:\t{}", hp.get("type").and_then(|n| n.as_str()).unwrap_or("")));
        } else {
            w.line(2, &format!("{space}Type:\t<unknown>"));
        }
    }
}

/// DescribePodTemplate.
pub fn pod_template(t: &PodTemplateSpec) -> String {
    let mut w = W(String::new());
    pod_template_into(&mut w, t);
    w.finish()
}

pub(super) fn pod_template_into(w: &mut W, t: &PodTemplateSpec) {
    w.line(0, "Pod Template:");
    labels_multiline(w, "  Labels", &t.metadata.labels, "=");
    if !t.metadata.annotations.is_empty() {
        labels_multiline(w, "  Annotations", &t.metadata.annotations, ": ");
    }
    if !t.spec.service_account_name.is_empty() {
        w.line(1, &format!("Service Account:\t{}", t.spec.service_account_name));
    }
    if !t.spec.init_containers.is_empty() {
        describe_containers(w, "Init Containers", &t.spec.init_containers, None, "  ", None);
    }
    describe_containers(w, "Containers", &t.spec.containers, None, "  ", None);
    describe_volumes(w, &t.spec.volumes, "  ");
    if !t.spec.priority_class_name.is_empty() {
        w.line(1, &format!("Priority Class Name:\t{}", t.spec.priority_class_name));
    }
    labels_multiline(w, "  Node-Selectors", &t.spec.node_selector, "=");
    tolerations_multiline(w, "  Tolerations", &t.spec.tolerations);
}

pub fn pod(store: &Store, p: &Pod, now: Time) -> String {
    let mut w = W(String::new());
    let m = &p.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("Priority:\t{}", p.spec.priority.unwrap_or(0)));
    if !p.spec.service_account_name.is_empty() {
        w.line(0, &format!("Service Account:\t{}", p.spec.service_account_name));
    }
    if p.spec.node_name.is_empty() {
        w.line(0, "Node:\t<none>");
    } else {
        w.line(0, &format!("Node:\t{}/{}", p.spec.node_name, p.status.host_ip));
    }
    if let Some(t) = p.status.start_time {
        w.line(0, &format!("Start Time:\t{}", rfc1123z(t)));
    }
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    if let Some(t) = m.deletion_timestamp {
        // translateTimestampSince of a deadline still ahead: kubectl really prints <invalid>.
        w.line(0, &format!("Status:\tTerminating (lasts {})", printers::age(Some(t), now)));
        w.line(0, &format!("Termination Grace Period:\t{}s", m.deletion_grace_period_seconds.unwrap_or(30)));
    } else {
        w.line(0, &format!("Status:\t{}", if p.status.phase.is_empty() { "Pending" } else { &p.status.phase }));
    }
    if !p.status.reason.is_empty() {
        w.line(0, &format!("Reason:\t{}", p.status.reason));
    }
    if !p.status.message.is_empty() {
        w.line(0, &format!("Message:\t{}", p.status.message));
    }
    w.line(0, &format!("IP:\t{}", p.status.pod_ip));
    if p.status.pod_ip.is_empty() {
        w.line(0, "IPs:\t<none>");
    } else {
        w.line(0, "IPs:");
        w.line(1, &format!("IP:\t{}", p.status.pod_ip));
    }
    if let Some(r) = m.controller_ref() {
        w.line(0, &format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
    if !p.spec.init_containers.is_empty() {
        describe_containers(
            &mut w,
            "Init Containers",
            &p.spec.init_containers,
            Some(&p.status.init_container_statuses),
            "",
            Some(p),
        );
    }
    describe_containers(&mut w, "Containers", &p.spec.containers, Some(&p.status.container_statuses), "", Some(p));
    if !p.status.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(0, "  Type\tStatus");
        for c in &p.status.conditions {
            w.line(1, &format!("{} \t{} ", c.type_, c.status));
        }
    }
    describe_volumes(&mut w, &p.spec.volumes, "");
    if !p.status.qos_class.is_empty() {
        w.line(0, &format!("QoS Class:\t{}", p.status.qos_class));
    }
    labels_multiline(&mut w, "Node-Selectors", &p.spec.node_selector, "=");
    tolerations_multiline(&mut w, "Tolerations", &p.spec.tolerations);
    describe_events(&mut w, store, Pod::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}
