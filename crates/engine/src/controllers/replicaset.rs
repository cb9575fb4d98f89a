//! The ReplicaSet controller (pkg/controller/replicaset): keep `spec.replicas` active pods.

use super::{controller_ref, is_controlled_by, is_pod_active, is_pod_available, is_pod_ready, ready_since};
use crate::causes::{Because, Rule, Trigger};
use crate::fasthash::{FastMap as HashMap, FastSet as HashSet};
use crate::store::{object_ref, Action, Cursor, EventSpec, Key, Store};
use kubelab_api::*;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

pub const NAME: &str = "replicaset-controller";

/// Upstream's burstReplicas: at most this many creations or deletions per sync.
pub const BURST_REPLICAS: usize = 500;

pub fn reconcile_all(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    for rs in store.replicasets.values() {
        out.extend(reconcile(rs, store, now));
    }
    out
}

/// The pods this ReplicaSet controls, active or not.
pub fn owned_pods<'a>(rs: &ReplicaSet, store: &'a Store) -> Vec<&'a Pod> {
    store
        .pods
        .range((rs.metadata.namespace.clone(), String::new())..)
        .take_while(|((ns, _), _)| *ns == rs.metadata.namespace)
        .map(|(_, p)| p)
        .filter(|p| is_controlled_by(&p.metadata, &rs.metadata.uid))
        .collect()
}

/// What pods add to a ReplicaSet's status: active, fully labeled, ready, available.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub active: i32,
    pub fully_labeled: i32,
    pub ready: i32,
    pub available: i32,
}

impl Counts {
    /// One pod, counted for a ReplicaSet whose template has `labels` and whose
    /// minReadySeconds is 0 (so available means ready).
    fn of(p: &Pod, labels: &BTreeMap<String, String>) -> Counts {
        if !is_pod_active(p) {
            return Counts::default();
        }
        let ready = is_pod_ready(p) as i32;
        Counts {
            active: 1,
            fully_labeled: labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)) as i32,
            ready,
            available: ready,
        }
    }

    fn add(&mut self, o: Counts, sign: i32) {
        self.active += sign * o.active;
        self.fully_labeled += sign * o.fully_labeled;
        self.ready += sign * o.ready;
        self.available += sign * o.available;
    }
}

/// The ReplicaSet controller with what it has seen: its place in the store's change log
/// and its counts of each ReplicaSet's pods.
#[derive(Clone, Debug, Default)]
pub struct ReplicaSetController {
    changes: Cursor,
    tally: Tally,
}

impl ReplicaSetController {
    /// `reconcile_all`, counting only the pods written since it last looked.
    pub fn reconcile(&mut self, store: &Store, now: Time) -> Vec<Action> {
        let written = written_pods(store, &mut self.changes);
        let out = reconcile_all_tallied(store, now, &mut self.tally, written);
        #[cfg(debug_assertions)]
        assert_eq!(out, reconcile_all(store, now), "the ReplicaSet controller's counts went wrong");
        out
    }

    /// Where it stands in the store's change log.
    pub fn cursor(&self) -> Cursor {
        self.changes
    }
}

/// The pods written (created, changed, deleted) since `cursor`, which moves past them.
fn written_pods(store: &Store, cursor: &mut Cursor) -> BTreeSet<Key> {
    store.written_since(cursor, "Pod")
}

/// The controller's counts per ReplicaSet, kept up to date from the pods written since it
/// last looked (`written_pods`) instead of counting every pod of every ReplicaSet at
/// every pass: a ReplicaSet of 10,000 pods is otherwise 10,000 looks each time.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Each pod counted: the uid of the ReplicaSet it counts for, and what it adds.
    pods: HashMap<Key, (String, Counts)>,
    /// The sums per ReplicaSet uid.
    sums: HashMap<String, Counts>,
    /// Each ReplicaSet counted, by uid: its namespace (where its pods are) and the template
    /// labels its pods were counted against.
    owners: HashMap<String, (String, BTreeMap<String, String>)>,
}

impl Tally {
    fn set(&mut self, key: Key, entry: Option<(String, Counts)>) {
        let old = match &entry {
            Some(e) => self.pods.insert(key, e.clone()),
            None => self.pods.remove(&key),
        };
        if let Some((uid, c)) = old {
            self.sums.entry(uid).or_default().add(c, -1);
        }
        if let Some((uid, c)) = entry {
            self.sums.entry(uid).or_default().add(c, 1);
        }
    }
}

/// `reconcile_all`, with the counts kept in `tally` (the same actions: checked in the
/// tests' builds).
pub fn reconcile_all_tallied(store: &Store, now: Time, tally: &mut Tally, written: BTreeSet<Key>) -> Vec<Action> {
    // Pods written since the last look count anew, for their controller as it is now (a
    // controller not counted yet counts all its pods below).
    for k in written {
        let entry = store.pods.get(&k).and_then(|p| {
            let uid = &p.metadata.controller_ref()?.uid;
            let (_, labels) = tally.owners.get(uid).filter(|(ns, _)| *ns == p.metadata.namespace)?;
            Some((uid.clone(), Counts::of(p, labels)))
        });
        tally.set(k, entry);
    }
    // A ReplicaSet seen for the first time, or whose template labels changed: its pods
    // count again.
    for rs in store.replicasets.values() {
        let (uid, labels) = (&rs.metadata.uid, &rs.spec.template.metadata.labels);
        if tally.owners.get(uid).is_some_and(|(_, l)| l == labels) {
            continue;
        }
        tally.owners.insert(uid.clone(), (rs.metadata.namespace.clone(), labels.clone()));
        let stale: Vec<Key> = tally.pods.iter().filter(|(_, (u, _))| u == uid).map(|(k, _)| k.clone()).collect();
        for k in stale {
            tally.set(k, None);
        }
        for p in owned_pods(rs, store) {
            tally.set(
                (p.metadata.namespace.clone(), p.metadata.name.clone()),
                Some((uid.clone(), Counts::of(p, labels))),
            );
        }
    }
    let present: HashSet<(&str, &str)> =
        store.replicasets.values().map(|rs| (rs.metadata.uid.as_str(), rs.metadata.namespace.as_str())).collect();
    tally.owners.retain(|uid, (ns, _)| present.contains(&(uid.as_str(), ns.as_str())));
    let mut out = Vec::new();
    for rs in store.replicasets.values() {
        if rs.spec.min_ready_seconds > 0 {
            // Availability moves with the clock: counted afresh.
            out.extend(reconcile(rs, store, now));
            continue;
        }
        let counts = tally.sums.get(&rs.metadata.uid).copied().unwrap_or_default();
        out.extend(reconcile_counted(rs, store, now, counts));
    }
    out
}

pub fn reconcile(rs: &ReplicaSet, store: &Store, now: Time) -> Vec<Action> {
    if rs.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let all = owned_pods(rs, store);
    let active: Vec<&Pod> = all.iter().copied().filter(|p| is_pod_active(p)).collect();
    let mut out = manage_replicas(rs, &active, store);
    let status = calculate_status(rs, &active, now);
    finish(rs, &active, status, now, &mut out);
    out
}

/// `reconcile` for a ReplicaSet with minReadySeconds 0, from its pods' counts: the pods
/// themselves are looked at only when some are to be deleted.
fn reconcile_counted(rs: &ReplicaSet, store: &Store, now: Time, counts: Counts) -> Vec<Action> {
    if rs.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let want = rs.spec.replicas.unwrap_or(1).max(0);
    let mut out = if counts.active > want {
        let active: Vec<&Pod> = owned_pods(rs, store).into_iter().filter(|p| is_pod_active(p)).collect();
        manage_replicas(rs, &active, store)
    } else {
        create_replicas(rs, (want - counts.active) as usize)
    };
    let status = ReplicaSetStatus {
        replicas: counts.active,
        fully_labeled_replicas: counts.fully_labeled,
        ready_replicas: counts.ready,
        available_replicas: counts.available,
        observed_generation: rs.metadata.generation,
        conditions: rs.status.conditions.clone(),
    };
    finish(rs, &[], status, now, &mut out);
    out
}

/// The status write, and (minReadySeconds) when to look again.
fn finish(rs: &ReplicaSet, active: &[&Pod], status: ReplicaSetStatus, now: Time, out: &mut Vec<Action>) {
    if status != rs.status {
        out.push(Action::Cause(Box::new(Because::component(NAME, Rule::ReplicaSetStatus, Trigger::None))));
        let mut next = rs.clone();
        next.status = status;
        out.push(Action::update(Object::ReplicaSet(next)));
    }
    // Wake up when a ready pod crosses minReadySeconds and becomes available.
    if rs.spec.min_ready_seconds > 0 {
        for p in active {
            if let Some(t) = ready_since(p) {
                let at = t.0 + rs.spec.min_ready_seconds as u64 * 1000;
                if at > now.0 {
                    out.push(Action::Requeue(Time(at)));
                }
            }
        }
    }
}

/// manageReplicas: create or delete pods so that `active` matches spec.replicas.
pub fn manage_replicas(rs: &ReplicaSet, active: &[&Pod], store: &Store) -> Vec<Action> {
    let want = rs.spec.replicas.unwrap_or(1).max(0) as usize;
    let have = active.len();
    if have <= want {
        return create_replicas(rs, want - have);
    }
    let rs_ref = object_ref(&Object::ReplicaSet(rs.clone()));
    let mut out = vec![because(rs, Rule::TooMany { have: have as i32, want: want as i32 })];
    for p in pods_to_delete(active, (have - want).min(BURST_REPLICAS), store) {
        out.push(Action::Delete {
            kind: "Pod",
            namespace: p.metadata.namespace.clone(),
            name: p.metadata.name.clone(),
            grace: None,
        });
        out.push(Action::Event(EventSpec::normal(
            rs_ref.clone(),
            "SuccessfulDelete",
            format!("Deleted pod: {}", p.metadata.name),
            NAME,
        )));
    }
    out
}

/// Up to `missing` new pods (at most burstReplicas), each with its SuccessfulCreate event.
fn create_replicas(rs: &ReplicaSet, missing: usize) -> Vec<Action> {
    if missing == 0 {
        return Vec::new();
    }
    let rs_ref = object_ref(&Object::ReplicaSet(rs.clone()));
    let want = rs.spec.replicas.unwrap_or(1).max(0);
    let rule = Rule::TooFew { have: want - missing as i32, want };
    // It reacts to what made pods missing: the ReplicaSet's scaling, or a pod that went.
    let because = Action::Cause(Box::new(Because::owned(NAME, rule, "ReplicaSet", &rs.metadata)));
    std::iter::once(because)
        .chain((0..missing.min(BURST_REPLICAS)).map(|_| {
            Action::CreateWithEvent(
                Box::new(Object::Pod(pod_from_template(rs))),
                EventSpec::normal(rs_ref.clone(), "SuccessfulCreate", "Created pod: {name}".into(), NAME),
            )
        }))
        .collect()
}

/// The cause of the writes that follow: `rule`, reacting to the ReplicaSet's last change.
fn because(rs: &ReplicaSet, rule: Rule) -> Action {
    let m = &rs.metadata;
    Action::Cause(Box::new(Because::object(NAME, rule, "ReplicaSet", &m.namespace, &m.name)))
}

/// A new pod for this ReplicaSet: the template with generateName `<rs>-` and a controller ref.
pub fn pod_from_template(rs: &ReplicaSet) -> Pod {
    let t = &rs.spec.template;
    let mut meta = t.metadata.clone();
    meta.name = String::new();
    meta.generate_name = format!("{}-", rs.metadata.name);
    meta.namespace = rs.metadata.namespace.clone();
    meta.owner_references = vec![controller_ref("apps/v1", "ReplicaSet", &rs.metadata.name, &rs.metadata.uid)];
    Pod { metadata: meta, spec: t.spec.clone(), status: PodStatus::default() }
}

/// getPodsToDelete: the `n` pods upstream's ActivePodsWithRanks puts first.
pub fn pods_to_delete<'a>(active: &[&'a Pod], n: usize, store: &Store) -> Vec<&'a Pod> {
    // Rank: how many of these pods share the node (doubled-up pods go first).
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in active {
        if !p.spec.node_name.is_empty() {
            *per_node.entry(p.spec.node_name.as_str()).or_default() += 1;
        }
    }
    let mut v: Vec<&Pod> = active.to_vec();
    kubelab_api::sort::by(&mut v, |a, b| {
        let rank = |p: &Pod| per_node.get(p.spec.node_name.as_str()).copied().unwrap_or(0);
        active_pods_less(a, b, rank(a), rank(b), store)
    });
    v.truncate(n);
    v
}

fn phase_rank(p: &Pod) -> u8 {
    match &*p.status.phase {
        "Pending" | "" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 3,
    }
}

/// controller.ActivePodsWithRanks.Less: `Less` means "delete first".
fn active_pods_less(a: &Pod, b: &Pod, rank_a: usize, rank_b: usize, store: &Store) -> Ordering {
    // 1. unassigned < assigned
    let (ua, ub) = (a.spec.node_name.is_empty(), b.spec.node_name.is_empty());
    if ua != ub {
        return if ua { Ordering::Less } else { Ordering::Greater };
    }
    // 2. Pending < Unknown < Running
    let (pa, pb) = (phase_rank(a), phase_rank(b));
    if pa != pb {
        return pa.cmp(&pb);
    }
    // 3. not ready < ready
    let (ra, rb) = (is_pod_ready(a), is_pod_ready(b));
    if ra != rb {
        return if !ra { Ordering::Less } else { Ordering::Greater };
    }
    // 4. doubled up (higher rank) first
    if rank_a != rank_b {
        return rank_b.cmp(&rank_a);
    }
    // 5. ready for less time first
    if ra && rb {
        let (ta, tb) = (ready_since(a), ready_since(b));
        if ta != tb {
            return tb.cmp(&ta);
        }
    }
    // 6. more restarts first
    let restarts = |p: &Pod| p.status.container_statuses.iter().map(|c| c.restart_count).max().unwrap_or(0);
    if restarts(a) != restarts(b) {
        return restarts(b).cmp(&restarts(a));
    }
    // 7. newer first
    store.creation_order(&b.metadata).cmp(&store.creation_order(&a.metadata))
}

/// calculateStatus.
pub fn calculate_status(rs: &ReplicaSet, active: &[&Pod], now: Time) -> ReplicaSetStatus {
    let template_labels = &rs.spec.template.metadata.labels;
    // One look at each pod (a ReplicaSet can have thousands).
    let (mut fully, mut ready, mut available) = (0, 0, 0);
    for p in active {
        if template_labels.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)) {
            fully += 1;
        }
        if is_pod_ready(p) {
            ready += 1;
            if is_pod_available(p, rs.spec.min_ready_seconds, now) {
                available += 1;
            }
        }
    }
    ReplicaSetStatus {
        replicas: active.len() as i32,
        fully_labeled_replicas: fully,
        ready_replicas: ready,
        available_replicas: available,
        observed_generation: rs.metadata.generation,
        conditions: rs.status.conditions.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(store: &mut Store, name: &str, ns: &str, replicas: i32) -> ReplicaSet {
        let mut r = ReplicaSet::default();
        r.metadata.name = name.into();
        r.metadata.namespace = ns.into();
        r.spec.replicas = Some(replicas);
        r.spec.template.metadata.labels.insert("app".into(), name.into());
        let Object::ReplicaSet(r) = store.create(Object::ReplicaSet(r), Time(0)) else { unreachable!() };
        r
    }

    fn pod(store: &mut Store, owner: &ReplicaSet, name: &str, ns: &str, ready: bool) {
        let mut p = pod_from_template(owner);
        p.metadata.name = name.into();
        p.metadata.namespace = ns.into();
        if ready {
            p.status.conditions.push(PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                ..Default::default()
            });
        }
        store.create(Object::Pod(p), Time(0));
    }

    /// The counts kept from written pods give the actions a full count gives, through the
    /// paths a running cluster rarely takes.
    fn same_as_full_count(store: &mut Store, tally: &mut Tally, changes: &mut Cursor) {
        let written = written_pods(store, changes);
        let kept = reconcile_all_tallied(store, Time(0), tally, written);
        assert_eq!(kept, reconcile_all(store, Time(0)));
    }

    #[test]
    fn kept_counts_follow_label_changes_deletions_and_other_namespaces() {
        let mut store = Store::default();
        let mut tally = Tally::default();
        let mut changes = Cursor::default();
        let web = rs(&mut store, "web", "default", 2);
        pod(&mut store, &web, "web-a", "default", true);
        pod(&mut store, &web, "web-b", "default", false);
        // Same controller uid in another namespace: not this ReplicaSet's pod.
        pod(&mut store, &web, "web-c", "other", true);
        same_as_full_count(&mut store, &mut tally, &mut changes);
        assert_eq!(tally.sums[&web.metadata.uid], Counts { active: 2, fully_labeled: 2, ready: 1, available: 1 });
        // Written once the ReplicaSet is known, it still does not count.
        let mut c = store.pods[&crate::store::key("other", "web-c")].clone();
        c.metadata.labels.insert("seen".into(), "yes".into());
        store.update(Object::Pod(c));
        same_as_full_count(&mut store, &mut tally, &mut changes);

        // The template's labels change: every pod counts again (none fully labeled now).
        let mut changed = store.replicasets[&crate::store::key("default", "web")].clone();
        changed.spec.template.metadata.labels.insert("tier".into(), "front".into());
        store.update(Object::ReplicaSet(changed));
        same_as_full_count(&mut store, &mut tally, &mut changes);
        assert_eq!(tally.sums[&web.metadata.uid].fully_labeled, 0);

        // A pod deleted and one turning ready.
        store.delete_now("Pod", "default", "web-a");
        let mut b = store.pods[&crate::store::key("default", "web-b")].clone();
        b.status.conditions.push(PodCondition { type_: "Ready".into(), status: "True".into(), ..Default::default() });
        store.update(Object::Pod(b));
        same_as_full_count(&mut store, &mut tally, &mut changes);
        assert_eq!(tally.sums[&web.metadata.uid], Counts { active: 1, fully_labeled: 0, ready: 1, available: 1 });
    }
}
