//! The engine's side of recording causes: which console command is running, and the causes
//! of writes whose rule the engine reads off the action itself (the kubelets' status writes,
//! the Endpoints), so those writers need not say it.

use super::{Actor, Because, Command, Rule, Trigger};
use crate::store::Action;
use crate::Engine;
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
    /// writes (its ready and not-ready addresses, reacting to the Service).
    pub(crate) fn controller_cause(&mut self, action: &Action) {
        let (Action::Create(obj) | Action::Update(obj)) = action else { return };
        let kubelab_api::Object::Endpoints(ep) = &**obj else { return };
        let ready = ep.subsets.iter().map(|s| s.addresses.len() as u32).sum();
        let not_ready = ep.subsets.iter().map(|s| s.not_ready_addresses.len() as u32).sum();
        let m = &ep.metadata;
        let because = Because::object(
            crate::controllers::endpoints::NAME,
            Rule::Endpoints { ready, not_ready },
            "Service",
            &m.namespace,
            &m.name,
        );
        self.store.causes.set(because, self.now);
    }
}
