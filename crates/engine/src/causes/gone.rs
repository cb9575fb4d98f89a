//! Objects that went away, kept a while after their histories are dropped: who deleted each
//! (or made a pod stop counting as active), when, and because of what. A controller that
//! reacts to a pod that disappeared (a ReplicaSet making its replacement, the Endpoints
//! controller dropping its address) cites the departure, so the chain reaches the command
//! or component that made it go. Bounded: the last `KEPT_DEPARTURES`, oldest dropped first.

use super::{Actor, Cause};
use crate::duration::format_clock;
use crate::store::Key;
use std::collections::VecDeque;
use std::sync::Arc;

/// Departures kept; older ones are let go.
pub const KEPT_DEPARTURES: usize = 128;

/// How an object left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Left {
    /// Removed from the store.
    Deleted,
    /// Given a deletionTimestamp: a pod that is Terminating no longer counts as active
    /// (`controller.IsPodActive`).
    Terminating,
    /// A pod whose phase became Succeeded or Failed.
    Finished(&'static str),
}

/// One object that went away.
#[derive(Debug, PartialEq)]
pub struct Departure {
    pub kind: &'static str,
    pub key: Key,
    /// The uid of the controller that counted it as active until now (a pod's ReplicaSet or
    /// StatefulSet); None for anything else (a pod already Terminating when it was removed).
    pub owner: Option<String>,
    pub left: Left,
    /// The cause of the write that made it go.
    pub cause: Arc<Cause>,
    /// A deleted object's history as it was (the causes it kept), so the steps that wrote it
    /// can still name it.
    pub history: Box<[Arc<Cause>]>,
}

impl Departure {
    /// `Pod web-x marked for deletion by taint-eviction-controller at 6m5s`.
    pub fn text(&self) -> String {
        let what = match self.left {
            Left::Deleted => "deleted".to_string(),
            Left::Terminating => "marked for deletion".to_string(),
            Left::Finished(phase) => phase.to_string(),
        };
        let by = match &self.cause.actor {
            Actor::Command(cmd) => format!(" by console line {}", cmd.line),
            Actor::Component(name) => format!(" by {name}"),
            Actor::Kubelet => " by its kubelet".to_string(),
        };
        format!("{} {} {what}{by} at {}", self.kind, self.key.1, format_clock(self.cause.at.0))
    }
}

/// What a reaction saw go: the latest departure it cites, and how many others the same
/// decision made at once.
#[derive(Debug, PartialEq)]
pub struct Saw {
    pub departure: Arc<Departure>,
    pub more: u32,
}

impl Saw {
    /// `Pod web-x deleted by console line 5 at 1m (and 2 more)`.
    pub fn text(&self) -> String {
        let more = if self.more > 0 { format!(" (and {} more)", self.more) } else { String::new() };
        format!("{}{more}", self.departure.text())
    }
}

/// The last departures, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Departures {
    list: VecDeque<Arc<Departure>>,
}

impl Departures {
    pub(super) fn push(&mut self, d: Departure) {
        if self.list.len() >= KEPT_DEPARTURES {
            self.list.pop_front();
        }
        self.list.push_back(Arc::new(d));
    }

    /// The latest departure of `kind` `key`.
    pub(super) fn of(&self, kind: &str, key: &Key) -> Option<&Arc<Departure>> {
        self.list.iter().rev().find(|d| d.kind == kind && d.key == *key)
    }

    /// The latest departure of an object `owner` counted, not made by `actor` (a ReplicaSet
    /// does not react to its own deletions), and how many others the same cause made.
    pub(super) fn of_owner(&self, owner: &str, actor: &Actor) -> Option<Saw> {
        let mine = |d: &&Arc<Departure>| d.owner.as_deref() == Some(owner) && d.cause.actor != *actor;
        let latest = self.list.iter().rev().find(mine)?;
        let more = self.list.iter().filter(mine).filter(|d| d.cause.id == latest.cause.id).count() as u32 - 1;
        Some(Saw { departure: latest.clone(), more })
    }

    /// Every departure kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Departure>> {
        self.list.iter()
    }
}
