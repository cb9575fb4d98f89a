//! `kubectl describe` (k8s.io/kubectl/pkg/describe): the same sections, labels and
//! alignment (a tabwriter with minwidth 0, padding 2 over the whole text).

use crate::args::{flag, parse, FlagSpec};
use crate::printers::{self, age};
use crate::selector::Selector;
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::controllers::deployment::owned_replica_sets;
use kubelab_engine::store::Store;
use kubelab_engine::Engine;
use std::collections::BTreeMap;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Time.Format(time.RFC1123Z): `Tue, 13 Aug 2024 00:00:05 +0000`.
pub fn rfc1123z(t: Time) -> String {
    let s = t.rfc3339();
    let (y, m, d) = (&s[0..4], &s[5..7], &s[8..10]);
    let days = EPOCH_DAYS_SINCE_1970 + (t.0 / 86_400_000) as i64;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [m.parse::<usize>().unwrap_or(1) - 1];
    format!("{weekday}, {d} {month} {y} {} +0000", &s[11..19])
}

/// PrefixWriter: lines at a level get two spaces per level.
struct W(String);

impl W {
    fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
    }
    fn line(&mut self, level: usize, text: &str) {
        self.w(level, text);
        self.0.push('\n');
    }
    fn finish(self) -> String {
        crate::tabwriter::format_with(&self.0, 0, 2)
    }
}

fn labels_multiline(w: &mut W, title: &str, labels: &BTreeMap<String, String>, sep: &str) {
    w.w(0, &format!("{title}:\t"));
    let items: Vec<(&String, &String)> = labels.iter().filter(|(k, _)| *k != LAST_APPLIED).collect();
    if items.is_empty() {
        w.0.push_str("<none>\n");
        return;
    }
    let indent = title.len() - title.trim_start().len();
    for (i, (k, v)) in items.iter().enumerate() {
        if i != 0 {
            w.0.push_str(&" ".repeat(indent));
            w.0.push('\t');
        }
        if sep == ": " && v.len() > 140 {
            // Go cuts at byte 140; a character across it is cut before it here.
            let mut cut = 140;
            while !v.is_char_boundary(cut) {
                cut -= 1;
            }
            w.0.push_str(&format!("{k}{sep}{}...\n", &v[..cut]));
        } else {
            w.0.push_str(&format!("{k}{sep}{v}\n"));
        }
    }
}

fn tolerations_multiline(w: &mut W, title: &str, tolerations: &[Toleration]) {
    w.w(0, &format!("{title}:\t"));
    if tolerations.is_empty() {
        w.0.push_str("<none>\n");
        return;
    }
    let indent = title.len() - title.trim_start().len();
    for (i, t) in tolerations.iter().enumerate() {
        if i != 0 {
            w.0.push_str(&" ".repeat(indent));
            w.0.push('\t');
        }
        let mut s = t.key.clone();
        if !t.value.is_empty() {
            s.push_str(&format!("={}", t.value));
        }
        if !t.effect.is_empty() {
            s.push_str(&format!(":{}", t.effect));
        }
        if t.operator == "Exists" && t.value.is_empty() {
            if !t.key.is_empty() || !t.effect.is_empty() {
                s.push_str(" op=Exists");
            } else {
                s.push_str("op=Exists");
            }
        }
        if let Some(secs) = t.toleration_seconds {
            s.push_str(&format!(" for {secs}s"));
        }
        w.0.push_str(&s);
        w.0.push('\n');
    }
}

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
        // describeContainerEnvFrom, then describeContainerEnvVars (describe.go).
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

fn pod_template_into(w: &mut W, t: &PodTemplateSpec) {
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

fn describe_events(w: &mut W, store: &Store, kind: &str, ns: &str, name: &str, uid: &str, now: Time) {
    let mut events = store.events_for(kind, ns, name, uid);
    if events.is_empty() {
        w.line(0, "Events:\t<none>");
        return;
    }
    kubelab_api::sort::by_key(&mut events, |e| e.last_timestamp);
    w.line(0, "Events:");
    w.line(0, "  Type\tReason\tAge\tFrom\tMessage");
    w.line(1, "----\t------\t----\t----\t-------");
    for e in events {
        let first = age(e.first_timestamp, now);
        let interval =
            if e.count > 1 { format!("{} (x{} over {first})", age(e.last_timestamp, now), e.count) } else { first };
        w.line(1, &format!("{}\t{}\t{interval}\t{}\t{}", e.type_, e.reason, e.source.component, e.message.trim()));
    }
}

fn replica_sets_by_labels(list: &[&ReplicaSet]) -> String {
    if list.is_empty() {
        return "<none>".into();
    }
    list.iter()
        .map(|rs| {
            format!("{} ({}/{} replicas created)", rs.metadata.name, rs.status.replicas, rs.spec.replicas.unwrap_or(1))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn deployment(store: &Store, d: &Deployment, now: Time) -> String {
    let mut w = W(String::new());
    let m = &d.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("CreationTimestamp:\t{}", m.creation_timestamp.map(rfc1123z).unwrap_or_default()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Selector:\t{}", d.spec.selector.to_selector_string()));
    let s = &d.status;
    w.line(
        0,
        &format!(
            "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
            d.spec.replicas.unwrap_or(1),
            s.updated_replicas,
            s.replicas,
            s.available_replicas,
            s.unavailable_replicas
        ),
    );
    w.line(0, &format!("StrategyType:\t{}", d.spec.strategy.type_));
    w.line(0, &format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds));
    if let Some(ru) = &d.spec.strategy.rolling_update {
        let f = |v: &Option<IntOrString>| v.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "0".into());
        w.line(
            0,
            &format!(
                "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
                f(&ru.max_unavailable),
                f(&ru.max_surge)
            ),
        );
    }
    pod_template_into(&mut w, &d.spec.template);
    if !s.conditions.is_empty() {
        w.line(0, "Conditions:");
        w.line(0, "  Type\tStatus\tReason");
        w.line(1, "----\t------\t------");
        for c in &s.conditions {
            w.line(1, &format!("{} \t{}\t{}", c.type_, c.status, c.reason));
        }
    }
    let all = owned_replica_sets(d, store);
    let new = all
        .iter()
        .copied()
        .find(|rs| kubelab_engine::controllers::deployment::equal_ignore_hash(&rs.spec.template, &d.spec.template));
    let old: Vec<&ReplicaSet> = all
        .iter()
        .copied()
        .filter(|rs| {
            Some(rs.metadata.uid.as_str()) != new.map(|n| n.metadata.uid.as_str())
                && (rs.spec.replicas.unwrap_or(0) > 0 || rs.status.replicas > 0)
        })
        .collect();
    w.line(0, &format!("OldReplicaSets:\t{}", replica_sets_by_labels(&old)));
    w.line(0, &format!("NewReplicaSet:\t{}", replica_sets_by_labels(&new.into_iter().collect::<Vec<_>>())));
    describe_events(&mut w, store, "Deployment", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn replica_set(store: &Store, rs: &ReplicaSet, now: Time) -> String {
    let mut w = W(String::new());
    let m = &rs.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("Selector:\t{}", rs.spec.selector.to_selector_string()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    if let Some(r) = m.controller_ref() {
        w.line(0, &format!("Controlled By:\t{}/{}", r.kind, r.name));
    }
    w.line(0, &format!("Replicas:\t{} current / {} desired", rs.status.replicas, rs.spec.replicas.unwrap_or(1)));
    let pods: Vec<&Pod> = kubelab_engine::controllers::replicaset::owned_pods(rs, store);
    let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
    pod_template_into(&mut w, &rs.spec.template);
    describe_events(&mut w, store, "ReplicaSet", &m.namespace, &m.name, &m.uid, now);
    w.finish()
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
    describe_events(&mut w, store, "Pod", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn service(store: &Store, s: &Service, now: Time) -> String {
    let mut w = W(String::new());
    let m = &s.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Selector:\t{}", printers::labels_string(&s.spec.selector)));
    w.line(0, &format!("Type:\t{}", s.spec.type_));
    w.line(0, &format!("IP Family Policy:\t{}", s.spec.ip_family_policy.clone().unwrap_or_default()));
    w.line(0, &format!("IP Families:\t{}", s.spec.ip_families.join(",")));
    w.line(0, &format!("IP:\t{}", s.spec.cluster_ip));
    w.line(0, &format!("IPs:\t{}", s.spec.cluster_ips.join(",")));
    let ingress: Vec<String> = s
        .status
        .load_balancer
        .ingress
        .iter()
        .map(|i| if i.ip.is_empty() { i.hostname.clone() } else { i.ip.clone() })
        .collect();
    if !ingress.is_empty() {
        w.line(0, &format!("LoadBalancer Ingress:\t{}", ingress.join(", ")));
    }
    let ep = store.endpoints.get(&(m.namespace.clone(), m.name.clone()));
    for p in &s.spec.ports {
        let name = if p.name.is_empty() { "<unset>".to_string() } else { p.name.clone() };
        w.line(0, &format!("Port:\t{name}\t{}/{}", p.port, p.protocol));
        let tp = p.target_port.clone().unwrap_or(IntOrString::Int(p.port));
        w.line(0, &format!("TargetPort:\t{tp}/{}", p.protocol));
        if let Some(np) = p.node_port.filter(|n| *n != 0) {
            w.line(0, &format!("NodePort:\t{name}\t{np}/{}", p.protocol));
        }
        // formatEndpoints for this port: at most three, then "+ N more...".
        let shown = ep
            .map(|e| {
                let mut only = e.clone();
                for ss in &mut only.subsets {
                    ss.ports.retain(|x| x.name == p.name);
                }
                printers::format_endpoints(&only)
            })
            .unwrap_or_else(|| "<none>".into());
        w.line(0, &format!("Endpoints:\t{}", if shown == "<none>" { String::new() } else { shown }));
    }
    w.line(0, &format!("Session Affinity:\t{}", s.spec.session_affinity));
    if !s.spec.external_traffic_policy.is_empty() {
        w.line(0, &format!("External Traffic Policy:\t{}", s.spec.external_traffic_policy));
    }
    if let Some(itp) = &s.spec.internal_traffic_policy {
        w.line(0, &format!("Internal Traffic Policy:\t{itp}"));
    }
    describe_events(&mut w, store, "Service", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn endpoints(store: &Store, e: &Endpoints, now: Time) -> String {
    let mut w = W(String::new());
    let m = &e.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, "Subsets:");
    for ss in &e.subsets {
        let ips = |v: &[EndpointAddress]| {
            if v.is_empty() {
                "<none>".to_string()
            } else {
                v.iter().map(|a| a.ip.clone()).collect::<Vec<_>>().join(",")
            }
        };
        w.line(1, &format!("Addresses:\t{}", ips(&ss.addresses)));
        w.line(1, &format!("NotReadyAddresses:\t{}", ips(&ss.not_ready_addresses)));
        w.line(1, "Ports:");
        w.line(2, "Name\tPort\tProtocol");
        w.line(2, "----\t----\t--------");
        for p in &ss.ports {
            let name = if p.name.is_empty() { "<unset>" } else { &p.name };
            w.line(2, &format!("{name}\t{}\t{}", p.port, p.protocol));
        }
        w.0.push('\n');
    }
    describe_events(&mut w, store, "Endpoints", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn namespace(n: &Namespace) -> String {
    let mut w = W(String::new());
    w.line(0, &format!("Name:\t{}", n.metadata.name));
    labels_multiline(&mut w, "Labels", &n.metadata.labels, "=");
    labels_multiline(&mut w, "Annotations", &n.metadata.annotations, ": ");
    w.line(0, &format!("Status:\t{}", n.status.phase));
    w.0.push('\n');
    w.line(0, "No resource quota.");
    w.0.push('\n');
    w.line(0, "No LimitRange resource.");
    w.finish()
}

pub fn node(store: &Store, n: &Node, now: Time) -> String {
    let mut w = W(String::new());
    let m = &n.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Roles:\t{}", printers::node_roles(n)));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("CreationTimestamp:\t{}", m.creation_timestamp.map(rfc1123z).unwrap_or_default()));
    if n.spec.taints.is_empty() {
        w.line(0, "Taints:\t<none>");
    } else {
        for (i, t) in n.spec.taints.iter().enumerate() {
            let v = if t.value.is_empty() { String::new() } else { format!("={}", t.value) };
            if i == 0 {
                w.line(0, &format!("Taints:\t{}{v}:{}", t.key, t.effect));
            } else {
                w.line(0, &format!("\t{}{v}:{}", t.key, t.effect));
            }
        }
    }
    w.line(0, &format!("Unschedulable:\t{}", n.spec.unschedulable));
    w.line(0, "Conditions:");
    w.line(0, "  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
    w.line(0, "  ----\t------\t-----------------\t------------------\t------\t-------");
    for c in &n.status.conditions {
        w.line(
            1,
            &format!(
                "{} \t{} \t{} \t{} \t{} \t{}",
                c.type_,
                c.status,
                c.last_heartbeat_time.map(rfc1123z).unwrap_or_default(),
                c.last_transition_time.map(rfc1123z).unwrap_or_default(),
                c.reason,
                c.message
            ),
        );
    }
    w.line(0, "Addresses:");
    for a in &n.status.addresses {
        w.line(1, &format!("{}:\t{}", a.type_, a.address));
    }
    for (title, map) in [("Capacity", &n.status.capacity), ("Allocatable", &n.status.allocatable)] {
        w.line(0, &format!("{title}:"));
        for (k, v) in map {
            w.line(1, &format!("{k}:\t{}", v.0));
        }
    }
    let i = &n.status.node_info;
    w.line(0, "System Info:");
    for (k, v) in [
        ("Machine ID", &i.machine_id),
        ("System UUID", &i.system_uuid),
        ("Boot ID", &i.boot_id),
        ("Kernel Version", &i.kernel_version),
        ("OS Image", &i.os_image),
        ("Operating System", &i.operating_system),
        ("Architecture", &i.architecture),
        ("Container Runtime Version", &i.container_runtime_version),
        ("Kubelet Version", &i.kubelet_version),
        ("Kube-Proxy Version", &i.kube_proxy_version),
    ] {
        w.line(1, &format!("{k}:\t{v}"));
    }
    w.line(0, &format!("PodCIDR:\t{}", n.spec.pod_cidr));
    w.line(0, &format!("PodCIDRs:\t{}", n.spec.pod_cidrs.join(",")));
    w.line(0, &format!("ProviderID:\t{}", n.spec.provider_id));
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| p.spec.node_name == m.name && p.status.phase != "Succeeded" && p.status.phase != "Failed")
        .collect();
    let cpu_cap = n.status.allocatable.get("cpu").and_then(|q| q.millis()).unwrap_or(1).max(1);
    let mem_cap = n.status.allocatable.get("memory").and_then(|q| q.millis()).unwrap_or(1).max(1);
    w.line(0, &format!("Non-terminated Pods:\t({} in total)", pods.len()));
    w.line(0, "  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
    w.line(0, "  ---------\t----\t------------\t----------\t---------------\t-------------\t---");
    let (mut tr_cpu, mut tl_cpu, mut tr_mem, mut tl_mem) = (0i128, 0i128, 0i128, 0i128);
    let sum = |p: &Pod, which: &str, res: &str| -> i128 {
        p.spec
            .containers
            .iter()
            .map(|c| {
                let m = if which == "requests" { &c.resources.requests } else { &c.resources.limits };
                let q = m.get(res).or_else(|| if which == "requests" { c.resources.limits.get(res) } else { None });
                q.and_then(|q| q.millis()).unwrap_or(0)
            })
            .sum()
    };
    let pct = |v: i128, cap: i128| v * 100 / cap;
    let fmt_cpu = |v: i128| if v == 0 { "0".to_string() } else { kubelab_api::quantity::format_cpu_millis(v) };
    let fmt_mem = |v: i128| if v == 0 { "0".to_string() } else { kubelab_api::quantity::format_memory_millis(v) };
    for p in &pods {
        let (rc, lc, rm, lm) = (
            sum(p, "requests", "cpu"),
            sum(p, "limits", "cpu"),
            sum(p, "requests", "memory"),
            sum(p, "limits", "memory"),
        );
        tr_cpu += rc;
        tl_cpu += lc;
        tr_mem += rm;
        tl_mem += lm;
        w.line(
            1,
            &format!(
                "{}\t{}\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}",
                p.metadata.namespace,
                p.metadata.name,
                fmt_cpu(rc),
                pct(rc, cpu_cap),
                fmt_cpu(lc),
                pct(lc, cpu_cap),
                fmt_mem(rm),
                pct(rm, mem_cap),
                fmt_mem(lm),
                pct(lm, mem_cap),
                age(p.metadata.creation_timestamp, now)
            ),
        );
    }
    w.line(0, "Allocated resources:");
    w.line(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
    w.line(1, "Resource\tRequests\tLimits");
    w.line(1, "--------\t--------\t------");
    w.line(
        1,
        &format!(
            "cpu\t{} ({}%)\t{} ({}%)",
            fmt_cpu(tr_cpu),
            pct(tr_cpu, cpu_cap),
            fmt_cpu(tl_cpu),
            pct(tl_cpu, cpu_cap)
        ),
    );
    w.line(
        1,
        &format!(
            "memory\t{} ({}%)\t{} ({}%)",
            fmt_mem(tr_mem),
            pct(tr_mem, mem_cap),
            fmt_mem(tl_mem),
            pct(tl_mem, mem_cap)
        ),
    );
    w.line(1, "ephemeral-storage\t0 (0%)\t0 (0%)");
    describe_events(&mut w, store, "Node", "", &m.name, "", now);
    w.finish()
}

const DESCRIBE_FLAGS: &[FlagSpec] = &[
    flag("selector", Some('l'), true),
    flag("all-namespaces", Some('A'), false),
    flag("show-events", None, false),
    flag("filename", Some('f'), true),
];

pub fn run(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(words, DESCRIBE_FLAGS, "kubectl describe") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let ns = a.get("namespace").unwrap_or("default").to_string();
    let Some(first) = a.positional.first() else {
        return Output::error("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' for help and examples");
    };
    let (type_, names): (&str, Vec<String>) = match first.split_once('/') {
        Some((t, n)) => (t, vec![n.to_string()]),
        None => (first.as_str(), a.positional[1..].to_vec()),
    };
    let Some(info) = resolve_resource(type_) else {
        return Output::error(format!("error: the server doesn't have a resource type \"{type_}\""));
    };
    let store = engine.store();
    let now = engine.now();
    let scope = if info.namespaced { ns.clone() } else { String::new() };
    let mut objs: Vec<Object> = Vec::new();
    let mut out = Output::new();
    if names.is_empty() {
        let sel = match a.parsed("selector", Selector::parse) {
            Ok(s) => s,
            Err(e) => return Output::error(e),
        };
        let list_ns = if info.namespaced && !a.bool("all-namespaces") { Some(scope.as_str()) } else { None };
        objs = store
            .list(info.kind, list_ns)
            .into_iter()
            .filter(|o| sel.as_ref().is_none_or(|s| s.matches(&o.meta().labels)))
            .collect();
        if objs.is_empty() {
            out.warn(if info.namespaced {
                format!("No resources found in {ns} namespace.")
            } else {
                "No resources found".to_string()
            });
            return out;
        }
    } else {
        for n in &names {
            // describe also matches by name prefix when there is no exact match.
            match store.get(info.kind, &scope, n) {
                Some(o) => objs.push(o),
                None => {
                    let prefixed: Vec<Object> = store
                        .list(info.kind, Some(&scope))
                        .into_iter()
                        .filter(|o| o.meta().name.starts_with(n.as_str()))
                        .collect();
                    if prefixed.is_empty() {
                        out.err(format!(
                            "Error from server (NotFound): {} \"{n}\" not found",
                            info.qualified_resource()
                        ));
                    }
                    objs.extend(prefixed);
                }
            }
        }
    }
    let mut texts = Vec::new();
    for o in &objs {
        let text = match o {
            Object::Pod(p) => pod(store, p, now),
            Object::Deployment(d) => deployment(store, d, now),
            Object::ReplicaSet(r) => replica_set(store, r, now),
            Object::Service(s) => service(store, s, now),
            Object::Endpoints(e) => endpoints(store, e, now),
            Object::Node(n) => node(store, n, now),
            Object::Namespace(n) => namespace(n),
            Object::StatefulSet(st) => stateful_set(store, st, now),
            Object::PersistentVolumeClaim(c) => pvc(store, c, now),
            Object::PersistentVolume(v) => pv(store, v, now),
            other => {
                out.err(format!("error: describe is not available for {} in this lab yet", other.info().resource));
                continue;
            }
        };
        texts.push(text);
    }
    let mut combined = Output::new();
    combined.out(texts.join("\n\n"));
    combined.extend(out);
    combined
}

pub fn stateful_set(store: &Store, s: &StatefulSet, now: Time) -> String {
    let mut w = W(String::new());
    let m = &s.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("CreationTimestamp:\t{}", m.creation_timestamp.map(rfc1123z).unwrap_or_default()));
    w.line(0, &format!("Selector:\t{}", s.spec.selector.to_selector_string()));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Replicas:\t{} desired | {} total", s.spec.replicas.unwrap_or(1), s.status.replicas));
    w.line(0, &format!("Update Strategy:\t{}", s.spec.update_strategy.type_));
    if let Some(ru) = &s.spec.update_strategy.rolling_update {
        w.line(1, &format!("Partition:\t{}", ru.partition.unwrap_or(0)));
    }
    let pods: Vec<&Pod> = store
        .pods
        .values()
        .filter(|p| p.metadata.namespace == m.namespace && p.metadata.controller_ref().is_some_and(|r| r.uid == m.uid))
        .collect();
    let count = |phase: &str| pods.iter().filter(|p| p.status.phase == phase).count();
    w.line(
        0,
        &format!(
            "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed",
            count("Running"),
            count("Pending"),
            count("Succeeded"),
            count("Failed")
        ),
    );
    pod_template_into(&mut w, &s.spec.template);
    if s.spec.volume_claim_templates.is_empty() {
        w.line(0, "Volume Claims:\t<none>");
    } else {
        w.line(0, "Volume Claims:");
        for t in &s.spec.volume_claim_templates {
            w.line(1, &format!("Name:\t{}", t.metadata.name));
            w.line(1, &format!("StorageClass:\t{}", t.spec.storage_class_name.clone().unwrap_or_default()));
            labels_multiline(&mut w, "  Labels", &t.metadata.labels, "=");
            labels_multiline(&mut w, "  Annotations", &t.metadata.annotations, ": ");
            w.line(
                1,
                &format!(
                    "Capacity:\t{}",
                    t.spec.resources.requests.get("storage").map(|q| q.0.clone()).unwrap_or_default()
                ),
            );
            w.line(1, &format!("Access Modes:\t{}", printers::access_modes(&t.spec.access_modes)));
        }
    }
    describe_events(&mut w, store, "StatefulSet", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn pvc(store: &Store, c: &PersistentVolumeClaim, now: Time) -> String {
    let mut w = W(String::new());
    let m = &c.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("StorageClass:\t{}", c.spec.storage_class_name.clone().unwrap_or_default()));
    let status = if m.deletion_timestamp.is_some() {
        format!("Terminating (lasts {})", age(m.deletion_timestamp, now))
    } else {
        c.status.phase.clone()
    };
    w.line(0, &format!("Status:\t{status}"));
    w.line(0, &format!("Volume:\t{}", c.spec.volume_name));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Finalizers:\t[{}]", m.finalizers.join(" ")));
    w.line(0, &format!("Capacity:\t{}", c.status.capacity.get("storage").map(|q| q.0.clone()).unwrap_or_default()));
    w.line(0, &format!("Access Modes:\t{}", printers::access_modes(&c.status.access_modes)));
    w.line(0, &format!("VolumeMode:\t{}", c.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into())));
    let users: Vec<String> = store
        .pods
        .values()
        .filter(|p| {
            p.metadata.namespace == m.namespace
                && p.spec
                    .volumes
                    .iter()
                    .any(|v| v.persistent_volume_claim.as_ref().is_some_and(|s| s.claim_name == m.name))
        })
        .map(|p| p.metadata.name.clone())
        .collect();
    if users.is_empty() {
        w.line(0, "Used By:\t<none>");
    } else {
        for (i, u) in users.iter().enumerate() {
            w.line(0, &format!("{}\t{u}", if i == 0 { "Used By:" } else { "" }));
        }
    }
    describe_events(&mut w, store, "PersistentVolumeClaim", &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn pv(store: &Store, v: &PersistentVolume, now: Time) -> String {
    let mut w = W(String::new());
    let m = &v.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Finalizers:\t[{}]", m.finalizers.join(" ")));
    w.line(0, &format!("StorageClass:\t{}", v.spec.storage_class_name));
    w.line(0, &format!("Status:\t{}", v.status.phase));
    w.line(
        0,
        &format!(
            "Claim:\t{}",
            v.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default()
        ),
    );
    w.line(0, &format!("Reclaim Policy:\t{}", v.spec.persistent_volume_reclaim_policy));
    w.line(0, &format!("Access Modes:\t{}", printers::access_modes(&v.spec.access_modes)));
    w.line(0, &format!("VolumeMode:\t{}", v.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into())));
    w.line(0, &format!("Capacity:\t{}", v.spec.capacity.get("storage").map(|q| q.0.clone()).unwrap_or_default()));
    w.line(0, "Node Affinity:\t<none>");
    w.line(0, &format!("Message:\t{}", v.status.message));
    w.line(0, "Source:");
    if let Some(hp) = &v.spec.host_path {
        w.line(1, "Type:\tHostPath (bare host directory volume)");
        w.line(1, &format!("Path:\t{}", hp.get("path").and_then(|x| x.as_str()).unwrap_or("")));
        w.line(1, &format!("HostPathType:\t{}", hp.get("type").and_then(|x| x.as_str()).unwrap_or("")));
    } else if let Some(nfs) = &v.spec.nfs {
        w.line(1, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)");
        w.line(1, &format!("Server:\t{}", nfs.get("server").and_then(|x| x.as_str()).unwrap_or("")));
        w.line(1, &format!("Path:\t{}", nfs.get("path").and_then(|x| x.as_str()).unwrap_or("")));
        w.line(1, "ReadOnly:\tfalse");
    } else {
        w.line(1, "Type:\t<unknown>");
    }
    describe_events(&mut w, store, "PersistentVolume", "", &m.name, &m.uid, now);
    w.finish()
}
