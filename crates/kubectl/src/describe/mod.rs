//! `kubectl describe` (k8s.io/kubectl/pkg/describe): the same sections, labels and
//! alignment (a tabwriter with minwidth 0, padding 2 over the whole text).

mod autoscaling;
mod cluster;
mod generic;
mod job;
mod network;
mod network_policy;
mod pod;
mod storage;
mod workloads;

pub use autoscaling::hpa;
pub use cluster::{namespace, node};
pub use generic::generic;
pub use job::job;
pub use network::{endpoints, ingress, ingress_class, service};
pub use network_policy::network_policy;
pub use pod::{pod, pod_template};
pub use storage::{pv, pvc};
pub use workloads::{deployment, replica_set, stateful_set};

use crate::args::{flag, parse, FlagSpec};
use crate::printers::age;
use crate::selector::Selector;
use crate::{Ctx, Output};
use kubelab_api::*;
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
pub(super) struct W(String);

impl W {
    pub(super) fn w(&mut self, level: usize, text: &str) {
        for _ in 0..level {
            self.0.push_str("  ");
        }
        self.0.push_str(text);
    }
    pub(super) fn line(&mut self, level: usize, text: &str) {
        self.w(level, text);
        self.0.push('\n');
    }
    pub(super) fn finish(self) -> String {
        crate::tabwriter::format_with(&self.0, 0, 2)
    }
}

pub(super) fn labels_multiline(w: &mut W, title: &str, labels: &BTreeMap<String, String>, sep: &str) {
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

pub(super) fn tolerations_multiline(w: &mut W, title: &str, tolerations: &[Toleration]) {
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

pub(super) fn describe_events(w: &mut W, store: &Store, kind: &str, ns: &str, name: &str, uid: &str, now: Time) {
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
    let ns = a.namespace(engine);
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
        let Some(text) = crate::kinds::describe_object(o, store, now) else {
            out.err(format!("error: describe is not available for {} in this lab yet", o.info().resource));
            continue;
        };
        texts.push(text);
    }
    let mut combined = Output::new();
    combined.out(texts.join("\n\n"));
    combined.extend(out);
    combined
}
