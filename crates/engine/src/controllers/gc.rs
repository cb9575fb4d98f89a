//! The garbage collector (pkg/controller/garbagecollector): an object whose owners are all
//! gone is deleted (background propagation), so deleting a Deployment removes its
//! ReplicaSets and their pods.

use crate::causes::{Because, Rule, Trigger};
use crate::store::{Action, Cursor, Key, Store};
use kubelab_api::*;
use std::collections::BTreeSet;

pub const NAME: &str = "garbage-collector";

/// The garbage collector with its place in the store's change log: it looks only at the
/// ReplicaSets, Pods and Endpoints written since it last looked, unless something was
/// deleted (an owner, maybe: then it looks at everything).
#[derive(Clone, Debug, Default)]
pub struct GarbageCollector {
    changes: Cursor,
}

impl GarbageCollector {
    pub fn reconcile(&mut self, store: &Store, now: Time) -> Vec<Action> {
        let mut written = BTreeSet::new();
        let mut deleted = false;
        for c in store.changes_since(&mut self.changes) {
            if c.deleted {
                deleted |= c.kind != "Event";
            } else if let Some(rank) = dependent_rank(c.kind) {
                written.insert((rank, c.key.clone()));
            }
        }
        if deleted {
            return reconcile_all(store, now);
        }
        let out = reconcile_written(store, &written);
        #[cfg(debug_assertions)]
        assert_eq!(out, reconcile_all(store, now), "the garbage collector's queue missed objects");
        out
    }

    /// Where it stands in the store's change log.
    pub fn cursor(&self) -> Cursor {
        self.changes
    }
}

fn owners_gone(store: &Store, ns: &str, refs: &[OwnerReference]) -> bool {
    !refs.is_empty()
        && refs.iter().all(|r| {
            let owner_ns =
                if kubelab_api::object::kind_info_by_kind(&r.kind).is_some_and(|k| !k.namespaced) { "" } else { ns };
            !store.uid_exists(&r.kind, owner_ns, &r.name, &r.uid)
        })
}

/// Owner sets looked up so far, keyed by borrowed names (a single owner, the common case,
/// allocates nothing): (namespace, owner uids) → all gone.
type Known<'a> = crate::fasthash::FastMap<(&'a str, std::borrow::Cow<'a, str>), bool>;

fn visit<'a>(store: &Store, known: &mut Known<'a>, out: &mut Vec<Action>, kind: &'static str, m: &'a ObjectMeta) {
    if m.deletion_timestamp.is_some() || m.owner_references.is_empty() {
        return;
    }
    let uids = match &m.owner_references[..] {
        [only] => std::borrow::Cow::Borrowed(only.uid.as_str()),
        refs => std::borrow::Cow::Owned(refs.iter().map(|r| r.uid.as_str()).collect::<Vec<_>>().join(",")),
    };
    let gone = *known
        .entry((m.namespace.as_str(), uids))
        .or_insert_with(|| owners_gone(store, &m.namespace, &m.owner_references));
    if gone {
        out.push(owner_gone(&m.namespace, &m.owner_references));
        out.push(Action::Delete { kind, namespace: m.namespace.clone(), name: m.name.clone(), grace: None });
    }
}

/// The cause of deleting a dependent whose owners are gone: reacting to the first owner's
/// departure (its delete, by a command or by the collector itself).
fn owner_gone(ns: &str, refs: &[OwnerReference]) -> Action {
    let r = &refs[0];
    let info = kubelab_api::object::kind_info_by_kind(&r.kind);
    let owner_ns = if info.is_some_and(|k| !k.namespaced) { "" } else { ns };
    let rule = Rule::OwnerGone { owner: format!("{} {}", r.kind, r.name).into() };
    let trigger = match info {
        Some(k) => Trigger::Departed(k.kind, (owner_ns.to_string(), r.name.clone())),
        None => Trigger::None,
    };
    Action::Cause(Box::new(Because::component(NAME, rule, trigger)))
}

/// The kinds the collector looks at, in the order it looks at them.
pub fn dependent_rank(kind: &str) -> Option<u8> {
    match kind {
        "ReplicaSet" => Some(0),
        "Pod" => Some(1),
        "Endpoints" => Some(2),
        _ => None,
    }
}

/// `reconcile_all` over the objects written since the collector last looked (ranked by
/// `dependent_rank`, then by key): when nothing was deleted since, only they can have lost
/// their owners, so it finds what `reconcile_all` would, in the same order.
pub fn reconcile_written(store: &Store, written: &BTreeSet<(u8, Key)>) -> Vec<Action> {
    let mut out = Vec::new();
    let mut known = Known::default();
    for (rank, k) in written {
        match rank {
            0 => store.replicasets.get(k).map(|o| visit(store, &mut known, &mut out, "ReplicaSet", &o.metadata)),
            1 => store.pods.get(k).map(|o| visit(store, &mut known, &mut out, "Pod", &o.metadata)),
            _ => store.endpoints.get(k).map(|o| visit(store, &mut known, &mut out, "Endpoints", &o.metadata)),
        };
    }
    out
}

pub fn reconcile_all(store: &Store, _now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    // Many objects share an owner (a ReplicaSet's pods): look each owner set up once.
    let mut known = Known::default();
    for rs in store.replicasets.values() {
        visit(store, &mut known, &mut out, "ReplicaSet", &rs.metadata);
    }
    for p in store.pods.values() {
        visit(store, &mut known, &mut out, "Pod", &p.metadata);
    }
    for e in store.endpoints.values() {
        visit(store, &mut known, &mut out, "Endpoints", &e.metadata);
    }
    out
}
