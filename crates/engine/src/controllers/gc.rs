//! The garbage collector (pkg/controller/garbagecollector): an object whose owners are all
//! gone is deleted (background propagation), so deleting a Deployment removes its
//! ReplicaSets and their pods.

use crate::store::{Action, Store};
use kubelab_api::*;

pub const NAME: &str = "garbage-collector";

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
        out.push(Action::Delete { kind, namespace: m.namespace.clone(), name: m.name.clone(), grace: None });
    }
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
pub fn reconcile_written(store: &Store, written: &std::collections::BTreeSet<(u8, crate::store::Key)>) -> Vec<Action> {
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
