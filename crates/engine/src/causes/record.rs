//! The engine's side of recording causes: which console command is running, and the causes
//! of writes whose rule the engine reads off the action itself (the kubelets' status writes,
//! the Endpoints), so those writers need not say it.

use super::rule::{AddressChange, AddressMove};
use super::{Actor, Because, Command, Rule, Trigger};
use crate::store::Action;
use crate::Engine;
use kubelab_api::Endpoints;
use std::sync::Arc;

impl Engine {
    /// Console line `line` of the journal (`text`) runs now: what the API server writes until
    /// `end_command` is because of it.
    pub fn begin_command(&mut self, line: u32, text: &str) {
        let text = text.lines().next().unwrap_or("").trim().to_string();
        self.command = Some(Arc::new(Command { line, text }));
        self.attribute_to_command();
    }

    /// The console line has finished: later writes are the controllers' own.
    pub fn end_command(&mut self) {
        self.command = None;
        self.store.causes.clear();
    }

    /// The command that ran last (or runs now).
    pub fn last_command(&self) -> Option<&Command> {
        self.command.as_deref().or(self.last_command.as_deref())
    }

    /// The writes from now on are the running command's (if one runs; else not recorded).
    pub(crate) fn attribute_to_command(&mut self) {
        match &self.command {
            Some(cmd) => {
                self.last_command = Some(cmd.clone());
                let because =
                    Because { actor: Actor::Command(cmd.clone()), rule: Rule::Command, trigger: Trigger::None };
                if self.store.causes.pending() != Some(&because) {
                    self.store.causes.set(because, self.now);
                }
            }
            None => self.store.causes.clear(),
        }
    }

    /// A kubelet's action: a status write or a confirmed delete gets its cause (the events it
    /// recorded with it are read back from the store when asked).
    pub(crate) fn kubelet_cause(&mut self, action: &Action) {
        let because = match action {
            Action::PodStatus { status, .. } => {
                let ready = status.conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True");
                let phase = match &*status.phase {
                    "Pending" => "Pending",
                    "Running" => "Running",
                    "Succeeded" => "Succeeded",
                    "Failed" => "Failed",
                    _ => "Unknown",
                };
                Because { actor: Actor::Kubelet, rule: Rule::Kubelet { ready, phase }, trigger: Trigger::Target }
            }
            Action::Delete { .. } => {
                Because { actor: Actor::Kubelet, rule: Rule::ConfirmDelete, trigger: Trigger::Target }
            }
            _ => return,
        };
        self.store.causes.set(because, self.now);
    }

    /// A controller's action whose rule the engine reads off it: the Endpoints controller's
    /// writes (its ready and not-ready addresses), reacting to the pod whose change made it
    /// write (the first of them, by the order the addresses are listed), else to the Service.
    pub(crate) fn controller_cause(&mut self, action: &Action) {
        let (Action::Create(obj) | Action::Update(obj)) = action else { return };
        let kubelab_api::Object::Endpoints(ep) = &**obj else { return };
        let ready = ep.subsets.iter().map(|s| s.addresses.len() as u32).sum();
        let not_ready = ep.subsets.iter().map(|s| s.not_ready_addresses.len() as u32).sum();
        let m = &ep.metadata;
        let old = self.store.endpoints.get(&(m.namespace.clone(), m.name.clone()));
        let change = old.and_then(|old| address_change(old, ep)).map(|mut c| {
            if let AddressMove::Removed(_) = c.how {
                let pod = self.store.pods.get(&(m.namespace.clone(), c.pod.clone()));
                c.how = AddressMove::Removed(match pod {
                    None => "deleted",
                    Some(p) if p.metadata.deletion_timestamp.is_some() => "Terminating",
                    Some(_) => "no longer selected",
                });
            }
            c
        });
        let rule = Rule::Endpoints { ready, not_ready, change: None };
        let name = crate::controllers::endpoints::NAME;
        let because = match change {
            Some(c) => {
                let pod = (m.namespace.clone(), c.pod.clone());
                let trigger = match c.how {
                    AddressMove::Removed(_) => Trigger::Departed("Pod", pod),
                    _ => Trigger::Object("Pod", pod),
                };
                let rule = Rule::Endpoints { ready, not_ready, change: Some(Box::new(c)) };
                Because::component(name, rule, trigger)
            }
            None => Because::object(name, rule, "Service", &m.namespace, &m.name),
        };
        self.store.causes.set(because, self.now);
    }
}

/// The pods whose addresses moved between `old` and `new`: the first (new ready addresses,
/// then new not-ready ones, then those removed) and how many more.
fn address_change(old: &Endpoints, new: &Endpoints) -> Option<AddressChange> {
    fn names<'a>(ep: &'a Endpoints, ready: bool) -> Vec<&'a str> {
        let pod = |a: &'a kubelab_api::EndpointAddress| {
            a.target_ref.as_ref().filter(|r| r.kind == "Pod").map(|r| r.name.as_str())
        };
        ep.subsets
            .iter()
            .flat_map(|s| if ready { &s.addresses } else { &s.not_ready_addresses })
            .filter_map(pod)
            .collect()
    }
    let set = |v: &[&str]| v.iter().map(|n| n.to_string()).collect::<std::collections::HashSet<String>>();
    let (old_ready, old_not) = (names(old, true), names(old, false));
    let (new_ready, new_not) = (names(new, true), names(new, false));
    let (or, on, nr, nn) = (set(&old_ready), set(&old_not), set(&new_ready), set(&new_not));
    // Pods that went first (what went is what a learner asks about), then readiness, then
    // pods new to the list.
    let mut moves = Vec::new();
    for n in old_ready.iter().chain(&old_not).filter(|n| !nr.contains(**n) && !nn.contains(**n)) {
        moves.push((*n, AddressMove::Removed("")));
    }
    for n in new_not.iter().filter(|n| !on.contains(**n) && or.contains(**n)) {
        moves.push((*n, AddressMove::BecameNotReady));
    }
    for n in new_ready.iter().filter(|n| !or.contains(**n)) {
        moves.push((*n, if on.contains(*n) { AddressMove::BecameReady } else { AddressMove::Added(true) }));
    }
    for n in new_not.iter().filter(|n| !on.contains(**n) && !or.contains(**n)) {
        moves.push((*n, AddressMove::Added(false)));
    }
    let (pod, how) = *moves.first()?;
    Some(AddressChange { pod: pod.to_string(), how, more: moves.len() as u32 - 1 })
}
