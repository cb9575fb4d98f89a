//! Reading causes back: the chain of writes that made an object what it is (`Engine::why`),
//! and everything a console command caused (`Engine::caused_by`), as plain data for the
//! console (`lab why`) and the page.

use super::{Actor, Cause, Rule};
use crate::Engine;
use kubelab_api::{Object, Time};
use std::sync::Arc;

/// An object by kind, namespace (empty for cluster-scoped ones) and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WrittenObject {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

impl WrittenObject {
    /// `ReplicaSet web-5f9`.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// Which of a related object's causes belong in a chain.
enum Part {
    All,
    Created,
    LastAlone,
}

/// One step of a chain: a decision and the writes it made.
#[derive(Clone, Debug, PartialEq)]
pub struct WhyStep {
    /// The cause's number: causes are numbered in the order they first wrote.
    pub id: u64,
    pub at: Time,
    /// Who decided: `console` for a command, a component's name (`deployment-controller`,
    /// `default-scheduler`), or `kubelet` with its node in `node`.
    pub actor: String,
    pub node: Option<String>,
    /// The console command's line in the journal, for a command's step.
    pub command_line: Option<u32>,
    /// The rule with its numbers, in the learner's words (a command's step: its text).
    pub rule: String,
    /// The objects this decision wrote that still have it in their history.
    pub wrote: Vec<WrittenObject>,
    /// The step it reacted to, when that is known.
    pub reacted_to: Option<u64>,
}

/// Why an object is as it is.
#[derive(Clone, Debug, PartialEq)]
pub struct Why {
    pub object: WrittenObject,
    /// Oldest first.
    pub steps: Vec<WhyStep>,
    /// Writes to the object whose causes were let go (only the last few are kept).
    pub forgotten: u32,
    /// For an object that is not fine: what holds it and what would change it, one line each.
    pub diagnosis: Vec<String>,
}

impl Engine {
    /// The chain of decisions behind `kind` `ns`/`name`, oldest first, with a diagnosis if it
    /// is not fine; None if there is no such object. A Deployment's chain takes in its
    /// ReplicaSets' scaling, a Service's its Endpoints, a pod's the Endpoints that list it.
    pub fn why(&self, kind: &str, ns: &str, name: &str) -> Option<Why> {
        let info = kubelab_api::object::kind_info_by_kind(kind)?;
        let ns = if info.namespaced { ns } else { "" };
        let obj = self.store.get(info.kind, ns, name)?;
        let key = (ns.to_string(), name.to_string());
        let causes = &self.store.causes;
        let mut chosen: Vec<&Arc<Cause>> = Vec::new();
        let mut alone: Vec<&Arc<Cause>> = Vec::new();
        let mut forgotten = 0;
        if let Some(h) = causes.history(info.kind, &key) {
            chosen.extend(h.causes());
            forgotten = h.forgotten;
        }
        for (k, related, part) in self.related(&obj) {
            let Some(h) = causes.history(k, &related) else { continue };
            match part {
                Part::All => chosen.extend(h.causes()),
                Part::Created => chosen.extend(h.created()),
                Part::LastAlone => alone.extend(h.latest()),
            }
        }
        // A StatefulSet's pods that went (scale down, update, recreate): their departures.
        if let Object::StatefulSet(set) = &obj {
            let uid = set.metadata.uid.as_str();
            chosen.extend(causes.departures().filter(|d| d.owner.as_deref() == Some(uid)).map(|d| &d.cause));
        }
        let object = WrittenObject { kind: info.kind, namespace: ns.to_string(), name: name.to_string() };
        let steps = self.why_steps(&chosen, &alone, &object);
        Some(Why { object, steps, forgotten, diagnosis: self.diagnose(&obj) })
    }

    /// Objects whose causes belong in `obj`'s chain, and which of them: a Deployment's
    /// ReplicaSets, a StatefulSet's pods' creations, a claim's volume, a Service's Endpoints, a pod's ReplicaSet's creation (its template's
    /// revision) and the last write of the Endpoints that list it.
    fn related(&self, obj: &Object) -> Vec<(&'static str, (String, String), Part)> {
        let s = &self.store;
        match obj {
            Object::Deployment(d) => crate::controllers::deployment::owned_replica_sets(d, s)
                .iter()
                .map(|rs| ("ReplicaSet", (rs.metadata.namespace.clone(), rs.metadata.name.clone()), Part::All))
                .collect(),
            Object::StatefulSet(set) => s
                .pods
                .values()
                .filter(|p| crate::controllers::is_controlled_by(&p.metadata, &set.metadata.uid))
                .map(|p| ("Pod", (p.metadata.namespace.clone(), p.metadata.name.clone()), Part::Created))
                .collect(),
            Object::PersistentVolumeClaim(c) if !c.spec.volume_name.is_empty() => {
                vec![("PersistentVolume", (String::new(), c.spec.volume_name.clone()), Part::All)]
            }
            Object::Service(svc) => {
                vec![("Endpoints", (svc.metadata.namespace.clone(), svc.metadata.name.clone()), Part::All)]
            }
            Object::Pod(p) => p
                .metadata
                .owner_references
                .iter()
                .filter(|r| r.controller == Some(true) && r.kind == "ReplicaSet")
                .map(|r| ("ReplicaSet", (p.metadata.namespace.clone(), r.name.clone()), Part::Created))
                .chain(self.endpoints_listing(p).into_iter().map(|k| ("Endpoints", k, Part::LastAlone)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The Endpoints that list pod `p` (ready or not).
    fn endpoints_listing(&self, p: &kubelab_api::Pod) -> Vec<(String, String)> {
        self.store
            .endpoints
            .iter()
            .filter(|(_, ep)| {
                ep.subsets.iter().any(|sub| {
                    sub.addresses
                        .iter()
                        .chain(&sub.not_ready_addresses)
                        .any(|a| a.target_ref.as_ref().is_some_and(|r| r.name == p.metadata.name && r.kind == "Pod"))
                })
            })
            .filter(|((ns, _), _)| *ns == p.metadata.namespace)
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// The steps of `chosen` and of what they reacted to, and of `alone` without what they
    /// reacted to, oldest first, each once.
    fn why_steps(&self, chosen: &[&Arc<Cause>], alone: &[&Arc<Cause>], object: &WrittenObject) -> Vec<WhyStep> {
        // Plain vectors, searched by id: a chain is tens of steps, and the page carries no
        // B-tree code for them.
        let mut all: Vec<&Arc<Cause>> = alone.to_vec();
        for c in chosen {
            let mut c = Some(*c);
            while let Some(cause) = c {
                if all.iter().any(|a| a.id == cause.id) {
                    break;
                }
                all.push(cause);
                c = cause.reacted_to.as_ref();
            }
        }
        kubelab_api::sort::by_key(&mut all, |c| c.id);
        all.dedup_by_key(|c| c.id);
        let ids: Vec<u64> = all.iter().map(|c| c.id).collect();
        let mut wrote = self.written_by(&ids);
        // When a kubelet last wrote each object in the chain so far (a kubelet's step tells
        // the events since its previous step).
        let mut last_at: Vec<(WrittenObject, Time)> = Vec::new();
        let mut steps = Vec::new();
        for (c, wrote) in all.iter().zip(wrote.iter_mut()) {
            let step = self.why_step(c, std::mem::take(wrote), object, &last_at);
            if c.actor == Actor::Kubelet {
                for o in &step.wrote {
                    last_at.retain(|(w, _)| w != o);
                    last_at.push((o.clone(), c.at));
                }
            }
            // The same decision twice at one instant (a claim bound again in the same pass)
            // reads as one step.
            let repeat = steps.last().is_some_and(|p: &WhyStep| {
                p.at == step.at && p.actor == step.actor && p.node == step.node && p.rule == step.rule
            });
            if !repeat {
                steps.push(step);
            }
        }
        steps
    }

    /// The objects each of `ids` wrote (those that still have it in their history), in the
    /// order of `ids`.
    fn written_by(&self, ids: &[u64]) -> Vec<Vec<WrittenObject>> {
        let mut out: Vec<Vec<WrittenObject>> = vec![Vec::new(); ids.len()];
        for (kind, key, h) in self.store.causes.all() {
            for c in h.kept() {
                let Some(i) = ids.iter().position(|id| *id == c.id) else { continue };
                let o = WrittenObject { kind, namespace: key.0.clone(), name: key.1.clone() };
                if !out[i].contains(&o) {
                    out[i].push(o);
                }
            }
        }
        // Objects since deleted: the write that made them go.
        for d in self.store.causes.departures() {
            for c in std::iter::once(&d.cause).chain(d.history.iter()) {
                let Some(i) = ids.iter().position(|id| *id == c.id) else { continue };
                let o = WrittenObject { kind: d.kind, namespace: d.key.0.clone(), name: d.key.1.clone() };
                if !out[i].contains(&o) {
                    out[i].push(o);
                }
            }
        }
        for v in &mut out {
            kubelab_api::sort::natural(v);
        }
        out
    }

    fn why_step(
        &self,
        c: &Cause,
        wrote: Vec<WrittenObject>,
        asked: &WrittenObject,
        last_at: &[(WrittenObject, Time)],
    ) -> WhyStep {
        // The object named in the rule: the one asked about if this wrote it, else the first
        // of its kind, else the first pod (a StatefulSet's step made a claim and a pod), else
        // the first.
        let about = wrote
            .iter()
            .find(|o| *o == asked)
            .or_else(|| wrote.iter().find(|o| o.kind == asked.kind))
            .or_else(|| wrote.iter().find(|o| o.kind == "Pod"))
            .or(wrote.first())
            .cloned();
        let label = about.as_ref().map(|o| o.label()).unwrap_or_else(|| "an object since deleted".into());
        let (actor, node, command_line, rule) = match &c.actor {
            Actor::Command(cmd) => ("console".to_string(), None, Some(cmd.line), cmd.text.clone()),
            Actor::Component(name) => {
                let rule = match &c.saw {
                    Some(saw) => format!("{}; {}", saw.text(), c.rule.text(&label)),
                    None => c.rule.text(&label),
                };
                (name.to_string(), None, None, rule)
            }
            Actor::Kubelet => {
                let node = about.as_ref().and_then(|o| self.node_of(o));
                let rule = match (&c.rule, &about) {
                    (Rule::Kubelet { .. }, Some(o)) if o.kind == "Pod" => {
                        self.kubelet_text(c, o, last_at.iter().find(|(w, _)| w == o).map(|(_, t)| *t))
                    }
                    _ => c.rule.text(&label),
                };
                ("kubelet".to_string(), node, None, rule)
            }
        };
        WhyStep {
            id: c.id,
            at: c.at,
            actor,
            node,
            command_line,
            rule,
            wrote,
            reacted_to: c.reacted_to.as_ref().map(|r| r.id),
        }
    }

    /// The node whose kubelet writes `o`: a pod's node, or the Node itself.
    fn node_of(&self, o: &WrittenObject) -> Option<String> {
        match o.kind {
            "Node" => Some(o.name.clone()),
            "Pod" => self
                .store
                .pods
                .get(&(o.namespace.clone(), o.name.clone()))
                .map(|p| p.spec.node_name.clone())
                .filter(|n| !n.is_empty()),
            _ => None,
        }
    }

    /// A kubelet's status write, told by the events it recorded about the pod since `since`
    /// (upstream's words), then the status it posted.
    fn kubelet_text(&self, c: &Cause, pod: &WrittenObject, since: Option<Time>) -> String {
        let Rule::Kubelet { ready, phase } = &c.rule else { return String::new() };
        let mut parts: Vec<String> = Vec::new();
        let uid = self
            .store
            .pods
            .get(&(pod.namespace.clone(), pod.name.clone()))
            .map(|p| p.metadata.uid.clone())
            .unwrap_or_default();
        for e in self.store.events_for("Pod", &pod.namespace, &pod.name, &uid) {
            let at = e.last_timestamp.or(e.first_timestamp).unwrap_or_default();
            if e.source.component == "kubelet" && at <= c.at && since.is_none_or(|s| at > s) {
                let text = e.message.trim_end_matches('.');
                let m = if e.count > 1 { format!("{text} (x{})", e.count) } else { text.to_string() };
                if !parts.contains(&m) {
                    parts.push(m);
                }
            }
        }
        parts.push(format!("pod {phase}, {}", if *ready { "Ready" } else { "not Ready" }));
        parts.join("; ")
    }

    /// Every object that console line `line` caused, directly or through the controllers'
    /// reactions, sorted by kind, namespace and name (the page's "blast radius").
    pub fn caused_by(&self, line: u32) -> Vec<WrittenObject> {
        let mut out: Vec<WrittenObject> = self
            .store
            .causes
            .all()
            .filter(|(_, _, h)| h.kept().any(|c| c.command().is_some_and(|cmd| cmd.line == line)))
            .map(|(kind, key, _)| WrittenObject { kind, namespace: key.0.clone(), name: key.1.clone() })
            .collect();
        kubelab_api::sort::natural(&mut out);
        out
    }

    /// The last console command whose effects are still in some object's history.
    pub fn last_command_with_effects(&self) -> Option<super::Command> {
        self.store
            .causes
            .all()
            .flat_map(|(_, _, h)| h.kept().filter_map(|c| c.command()))
            .max_by_key(|cmd| cmd.line)
            .map(|cmd| (**cmd).clone())
    }
}
