//! The Deployment controller (pkg/controller/deployment): ReplicaSets per template,
//! RollingUpdate and Recreate, revisions, status and conditions.

use super::{controller_ref, is_controlled_by, is_pod_active};
use crate::causes::{Amount, Because, Rule};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;
use std::collections::BTreeMap;

pub const NAME: &str = "deployment-controller";

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";

pub fn reconcile_all(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    for d in store.deployments.values() {
        out.extend(reconcile(d, store, now));
    }
    out
}

/// ReplicaSets controlled by this Deployment, oldest first.
pub fn owned_replica_sets<'a>(d: &Deployment, store: &'a Store) -> Vec<&'a ReplicaSet> {
    let mut v: Vec<&ReplicaSet> = store
        .replicasets
        .values()
        .filter(|rs| rs.metadata.namespace == d.metadata.namespace && is_controlled_by(&rs.metadata, &d.metadata.uid))
        .collect();
    kubelab_api::sort::by_key(&mut v, |rs| store.creation_order(&rs.metadata));
    v
}

fn replicas(d: &Deployment) -> i32 {
    d.spec.replicas.unwrap_or(1)
}

fn rs_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.replicas.unwrap_or(0)
}

/// The template without its pod-template-hash label, for EqualIgnoreHash.
fn template_without_hash(t: &PodTemplateSpec) -> PodTemplateSpec {
    let mut t = t.clone();
    t.metadata.labels.remove(POD_TEMPLATE_HASH);
    t
}

/// deploymentutil.EqualIgnoreHash.
pub fn equal_ignore_hash(a: &PodTemplateSpec, b: &PodTemplateSpec) -> bool {
    template_without_hash(a) == template_without_hash(b)
}

/// The pod-template-hash of a Deployment's current template.
pub fn template_hash(d: &Deployment) -> String {
    let json = serde_json::to_string(&d.spec.template).unwrap_or_default();
    crate::naming::pod_template_hash(&json, d.status.collision_count)
}

fn revision_of(meta: &ObjectMeta) -> i64 {
    meta.annotations.get(REVISION).and_then(|r| r.parse().ok()).unwrap_or(0)
}

/// deploymentutil.ResolveFenceposts: (maxSurge, maxUnavailable) as pod counts.
/// Surge rounds up, unavailable rounds down; both 0 makes unavailable 1.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> (i32, i32) {
    let surge = scaled_value(max_surge, desired, true);
    let mut unavailable = scaled_value(max_unavailable, desired, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// intstr.GetScaledValueFromIntOrPercent (nil counts as 0).
pub fn scaled_value(v: Option<&IntOrString>, total: i32, round_up: bool) -> i32 {
    match v {
        None => 0,
        Some(IntOrString::Int(i)) => *i,
        Some(IntOrString::String(s)) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            let x = pct * total as i64;
            (if round_up { (x + 99).div_euclid(100) } else { x.div_euclid(100) }) as i32
        }
    }
}

/// deploymentutil.MaxUnavailable.
pub fn max_unavailable(d: &Deployment) -> i32 {
    if d.spec.strategy.type_ != "RollingUpdate" || replicas(d) == 0 {
        return 0;
    }
    let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
    let (_, u) = resolve_fenceposts(ru.max_surge.as_ref(), ru.max_unavailable.as_ref(), replicas(d));
    u.min(replicas(d))
}

/// deploymentutil.MaxSurge.
pub fn max_surge(d: &Deployment) -> i32 {
    if d.spec.strategy.type_ != "RollingUpdate" {
        return 0;
    }
    let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
    resolve_fenceposts(ru.max_surge.as_ref(), ru.max_unavailable.as_ref(), replicas(d)).0
}

/// What one sync decided: the ReplicaSets after scaling, and the actions.
struct Sync<'a> {
    d: &'a Deployment,
    now: Time,
    out: Vec<Action>,
    /// Working copies, by name, so later steps see earlier scaling.
    rss: VecMap<String, ReplicaSet>,
    order: Vec<String>,
    new_rs: Option<String>,
    /// Scaling because spec.replicas changed (sync_scale), not by the rollout's arithmetic.
    proportional: bool,
}

impl<'a> Sync<'a> {
    fn all(&self) -> Vec<&ReplicaSet> {
        self.order.iter().filter_map(|n| self.rss.get(n)).collect()
    }
    fn olds(&self) -> Vec<&ReplicaSet> {
        self.order.iter().filter(|n| Some(*n) != self.new_rs.as_ref()).filter_map(|n| self.rss.get(n)).collect()
    }
    fn new_replica_set(&self) -> Option<&ReplicaSet> {
        self.new_rs.as_ref().and_then(|n| self.rss.get(n))
    }
    /// The cause of the writes that follow: `rule`, reacting to the Deployment's last change.
    fn because(&mut self, rule: Rule) {
        let m = &self.d.metadata;
        self.out.push(Action::Cause(Box::new(Because::object(NAME, rule, "Deployment", &m.namespace, &m.name))));
    }

    /// Why `name` goes from `from` to `to` replicas, with the numbers the rollout used.
    fn scale_rule(&self, name: &str, from: i32, to: i32) -> Rule {
        let d = self.d;
        let replicas = replicas(d);
        let rolling = d.spec.strategy.type_ == "RollingUpdate" && !self.proportional;
        let ru = d.spec.strategy.rolling_update.clone().unwrap_or_default();
        let is_new = self.new_rs.as_deref() == Some(name);
        if rolling && is_new && to > from {
            let total = self.all().iter().map(|rs| rs_replicas(rs)).sum();
            let (max_surge, surge) = (Amount::of(ru.max_surge.as_ref()), max_surge(d));
            return Rule::SurgeUp { from, to, replicas, max_surge, surge, total };
        }
        if rolling && !is_new && to < from {
            let available = self.all().iter().map(|rs| rs.status.available_replicas).sum();
            let max_unavailable = Amount::of(ru.max_unavailable.as_ref());
            return Rule::OldDown {
                from,
                to,
                replicas,
                max_unavailable,
                unavailable: self::max_unavailable(d),
                available,
            };
        }
        Rule::Scale { from, to, replicas }
    }

    fn event(&mut self, reason: &'static str, msg: String) {
        self.out.push(Action::Event(EventSpec::normal(
            object_ref(&Object::Deployment(self.d.clone())),
            reason,
            msg,
            NAME,
        )));
    }
    /// scaleReplicaSetAndRecordEvent.
    fn scale(&mut self, name: &str, to: i32) -> bool {
        let d = self.d;
        let Some(rs) = self.rss.get(name) else { return false };
        let from = rs_replicas(rs);
        let desired = replicas(d).to_string();
        let max = (replicas(d) + max_surge(d)).to_string();
        let annotations_ok = rs.metadata.annotations.get(DESIRED_REPLICAS) == Some(&desired)
            && rs.metadata.annotations.get(MAX_REPLICAS) == Some(&max);
        if from == to && annotations_ok {
            return false;
        }
        let mut next = rs.clone();
        let rule = self.scale_rule(name, from, to);
        self.because(rule);
        next.spec.replicas = Some(to);
        next.metadata.annotations.insert(DESIRED_REPLICAS.into(), desired);
        next.metadata.annotations.insert(MAX_REPLICAS.into(), max);
        self.rss.insert(name.to_string(), next.clone());
        self.out.push(Action::update(Object::ReplicaSet(next)));
        if from != to {
            let dir = if to > from { "up" } else { "down" };
            self.event("ScalingReplicaSet", format!("Scaled {dir} replica set {name} from {from} to {to}"));
            return true;
        }
        false
    }
}

pub fn reconcile(d: &Deployment, store: &Store, now: Time) -> Vec<Action> {
    if d.metadata.deletion_timestamp.is_some() {
        return Vec::new();
    }
    let owned = owned_replica_sets(d, store);
    let mut s = Sync {
        d,
        now,
        out: Vec::new(),
        rss: owned.iter().map(|rs| (rs.metadata.name.clone(), (*rs).clone())).collect(),
        order: owned.iter().map(|rs| rs.metadata.name.clone()).collect(),
        new_rs: None,
        proportional: false,
    };
    let created = get_new_replica_set(&mut s, store);
    if d.spec.paused || is_scaling_event(&s) {
        sync_scale(&mut s);
    } else if d.spec.strategy.type_ == "Recreate" {
        rollout_recreate(&mut s, store);
    } else {
        rollout_rolling(&mut s);
    }
    if !d.spec.paused && deployment_complete(&s, store) {
        cleanup_deployment(&mut s, store);
    }
    sync_rollout_status(&mut s, created);
    s.out
}

/// getNewReplicaSet: find the ReplicaSet for the current template (bumping its revision
/// on rollback) or create it. Returns true when a ReplicaSet was created.
fn get_new_replica_set(s: &mut Sync, store: &Store) -> bool {
    let d = s.d;
    let max_old_revision = s.all().iter().map(|rs| revision_of(&rs.metadata)).max().unwrap_or(0);
    let existing = s
        .order
        .iter()
        .find(|n| s.rss.get(*n).is_some_and(|rs| equal_ignore_hash(&rs.spec.template, &d.spec.template)))
        .cloned();
    if let Some(name) = existing {
        s.new_rs = Some(name.clone());
        let rs = &s.rss[&name];
        let rev = revision_of(&rs.metadata);
        let is_newest = s.olds().iter().all(|o| revision_of(&o.metadata) < rev);
        let want_rev = if is_newest { rev } else { max_old_revision + 1 };
        if rev != want_rev || !rs.metadata.annotations.contains_key(DESIRED_REPLICAS) {
            let mut next = rs.clone();
            next.metadata.annotations.insert(REVISION.into(), want_rev.to_string());
            next.metadata.annotations.entry(DESIRED_REPLICAS.into()).or_insert(replicas(d).to_string());
            next.metadata.annotations.entry(MAX_REPLICAS.into()).or_insert((replicas(d) + max_surge(d)).to_string());
            s.rss.insert(name, next.clone());
            s.because(Rule::Revision { revision: want_rev });
            s.out.push(Action::update(Object::ReplicaSet(next)));
        }
        return false;
    }
    if d.spec.paused {
        return false;
    }
    let hash = template_hash(d);
    let name = format!("{}-{}", d.metadata.name, hash);
    if store.replicasets.contains_key(&(d.metadata.namespace.clone(), name.clone())) {
        // A hash collision with a ReplicaSet we do not own: upstream bumps collisionCount.
        let mut next = d.clone();
        next.status.collision_count = Some(d.status.collision_count.unwrap_or(0) + 1);
        s.because(Rule::DeploymentStatus);
        s.out.push(Action::update(Object::Deployment(next)));
        return false;
    }
    let mut template = d.spec.template.clone();
    template.metadata.labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let mut selector = d.spec.selector.clone();
    selector.match_labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
    let mut annotations: BTreeMap<String, String> = d.metadata.annotations.clone();
    annotations.retain(|k, _| k != "kubectl.kubernetes.io/last-applied-configuration" && k != REVISION);
    annotations.insert(REVISION.into(), (max_old_revision + 1).to_string());
    annotations.insert(DESIRED_REPLICAS.into(), replicas(d).to_string());
    annotations.insert(MAX_REPLICAS.into(), (replicas(d) + max_surge(d)).to_string());
    let new_replicas = new_rs_new_replicas(s, 0);
    let rs = ReplicaSet {
        metadata: ObjectMeta {
            name: name.clone(),
            namespace: d.metadata.namespace.clone(),
            labels: template.metadata.labels.clone(),
            annotations,
            owner_references: vec![controller_ref("apps/v1", "Deployment", &d.metadata.name, &d.metadata.uid)],
            ..Default::default()
        },
        spec: ReplicaSetSpec {
            replicas: Some(new_replicas),
            min_ready_seconds: d.spec.min_ready_seconds,
            selector,
            template,
        },
        status: ReplicaSetStatus::default(),
    };
    s.because(Rule::NewReplicaSet { revision: max_old_revision + 1, replicas: new_replicas });
    s.out.push(Action::create(Object::ReplicaSet(rs.clone())));
    s.rss.insert(name.clone(), rs);
    s.order.push(name.clone());
    s.new_rs = Some(name.clone());
    if new_replicas > 0 {
        s.event("ScalingReplicaSet", format!("Scaled up replica set {name} from 0 to {new_replicas}"));
    }
    true
}

/// deploymentutil.NewRSNewReplicas.
fn new_rs_new_replicas(s: &Sync, new_current: i32) -> i32 {
    let d = s.d;
    match d.spec.strategy.type_.as_str() {
        "RollingUpdate" => {
            let surge = max_surge(d);
            let current: i32 = s.all().iter().map(|rs| rs_replicas(rs)).sum();
            let max_total = replicas(d) + surge;
            if current >= max_total {
                return new_current;
            }
            let up = (max_total - current).min(replicas(d) - new_current).max(0);
            new_current + up
        }
        // Recreate scales the new ReplicaSet only once the old pods are gone.
        _ => {
            let olds_running: i32 = s.olds().iter().map(|rs| rs_replicas(rs)).sum();
            if olds_running > 0 {
                new_current
            } else {
                replicas(d)
            }
        }
    }
}

/// isScalingEvent: an active ReplicaSet's desired-replicas annotation differs from spec.replicas.
fn is_scaling_event(s: &Sync) -> bool {
    let want = replicas(s.d).to_string();
    s.all()
        .iter()
        .filter(|rs| rs_replicas(rs) > 0)
        .any(|rs| rs.metadata.annotations.get(DESIRED_REPLICAS).is_some_and(|v| *v != want))
}

/// sync/scale: proportional scaling of the active ReplicaSets.
fn sync_scale(s: &mut Sync) {
    s.proportional = true;
    let d = s.d;
    let want = replicas(d);
    let active: Vec<String> =
        s.all().iter().filter(|rs| rs_replicas(rs) > 0).map(|rs| rs.metadata.name.clone()).collect();
    // One active ReplicaSet (or none): it takes all the replicas.
    if active.len() <= 1 {
        let target = active.first().cloned().or_else(|| s.new_rs.clone());
        if let Some(name) = target {
            s.scale(&name, want);
        }
        return;
    }
    // The new ReplicaSet is saturated: old ones go to zero.
    if let Some(new) = s.new_replica_set() {
        if rs_replicas(new) == want && new.status.available_replicas == want {
            let olds: Vec<String> = s.olds().iter().map(|r| r.metadata.name.clone()).collect();
            for n in olds {
                s.scale(&n, 0);
            }
            return;
        }
    }
    let allowed = want + max_surge(d);
    let current: i32 = s.all().iter().map(|rs| rs_replicas(rs)).sum();
    let to_add = allowed - current;
    if to_add == 0 {
        return;
    }
    // Largest first when scaling up, smallest first when scaling down (newest on ties).
    let mut names = active.clone();
    kubelab_api::sort::by(&mut names, |a, b| {
        let (ra, rb) = (rs_replicas(&s.rss[a]), rs_replicas(&s.rss[b]));
        if to_add > 0 {
            rb.cmp(&ra)
        } else {
            ra.cmp(&rb)
        }
    });
    let mut added = 0;
    let mut targets = BTreeMap::new();
    for n in &names {
        let rs = &s.rss[n];
        let size = rs_replicas(rs);
        let annotated_max: i32 =
            rs.metadata.annotations.get(MAX_REPLICAS).and_then(|v| v.parse().ok()).unwrap_or(current);
        // getReplicaSetFraction: round(size * allowed / annotatedMax) - size
        let fraction = if annotated_max > 0 {
            ((size as f64) * (allowed as f64) / (annotated_max as f64)).round() as i32 - size
        } else {
            0
        };
        let proportion = if to_add > 0 { fraction.min(to_add - added) } else { fraction.max(to_add - added) };
        targets.insert(n.clone(), size + proportion);
        added += proportion;
    }
    // Leftover goes to the first (largest) ReplicaSet.
    if added != to_add {
        if let Some(first) = names.first() {
            *targets.get_mut(first).unwrap() += to_add - added;
        }
    }
    for n in names {
        let t = targets[&n].max(0);
        s.scale(&n, t);
    }
}

/// rolloutRolling.
fn rollout_rolling(s: &mut Sync) {
    if reconcile_new_replica_set(s) {
        return;
    }
    reconcile_old_replica_sets(s);
}

fn reconcile_new_replica_set(s: &mut Sync) -> bool {
    let d = s.d;
    let Some(new) = s.new_replica_set() else { return false };
    let (name, cur) = (new.metadata.name.clone(), rs_replicas(new));
    let want = replicas(d);
    if cur == want {
        return false;
    }
    if cur > want {
        return s.scale(&name, want);
    }
    let n = new_rs_new_replicas(s, cur);
    s.scale(&name, n)
}

fn reconcile_old_replica_sets(s: &mut Sync) -> bool {
    let d = s.d;
    let old_pods: i32 = s.olds().iter().map(|rs| rs_replicas(rs)).sum();
    if old_pods == 0 {
        return false;
    }
    let all_pods: i32 = s.all().iter().map(|rs| rs_replicas(rs)).sum();
    let min_available = replicas(d) - max_unavailable(d);
    let new_unavailable = s.new_replica_set().map(|n| rs_replicas(n) - n.status.available_replicas).unwrap_or(0);
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    // cleanupUnhealthyReplicas: old ReplicaSets' unavailable pods go first, oldest first.
    let mut cleaned = 0;
    let olds: Vec<String> = s.olds().iter().map(|r| r.metadata.name.clone()).collect();
    for n in &olds {
        if cleaned >= max_scaled_down {
            break;
        }
        let rs = &s.rss[n];
        let size = rs_replicas(rs);
        let unhealthy = size - rs.status.available_replicas;
        if size == 0 || unhealthy <= 0 {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(unhealthy);
        s.scale(n, size - down);
        cleaned += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: then healthy ones, down to minAvailable.
    let available: i32 = s.all().iter().map(|rs| rs.status.available_replicas).sum();
    let mut scaled = 0;
    if available > min_available {
        let total = available - min_available;
        for n in &olds {
            if scaled >= total {
                break;
            }
            let size = rs_replicas(&s.rss[n]);
            if size == 0 {
                continue;
            }
            let down = size.min(total - scaled);
            s.scale(n, size - down);
            scaled += down;
        }
    }
    cleaned + scaled > 0
}

/// rolloutRecreate: scale old ReplicaSets to zero, wait for their pods to be gone, then scale up.
fn rollout_recreate(s: &mut Sync, store: &Store) {
    let olds: Vec<String> = s.olds().iter().map(|r| r.metadata.name.clone()).collect();
    let mut scaled_down = false;
    for n in &olds {
        scaled_down |= s.scale(n, 0);
    }
    if scaled_down {
        return;
    }
    // oldPodsRunning: any pod of an old ReplicaSet still exists and is not finished.
    let old_running = olds.iter().any(|n| {
        let rs = &s.rss[n];
        store.pods.values().any(|p| {
            is_controlled_by(&p.metadata, &rs.metadata.uid)
                && p.status.phase != "Succeeded"
                && p.status.phase != "Failed"
        })
    });
    if old_running {
        return;
    }
    if let Some(new) = s.new_replica_set() {
        let name = new.metadata.name.clone();
        let want = replicas(s.d);
        s.scale(&name, want);
    }
}

/// DeploymentComplete: every replica updated and available, no old pods left.
fn deployment_complete(s: &Sync, _store: &Store) -> bool {
    let d = s.d;
    let Some(new) = s.new_replica_set() else { return false };
    let total: i32 = s.all().iter().map(|rs| rs.status.replicas).sum();
    let available: i32 = s.all().iter().map(|rs| rs.status.available_replicas).sum();
    new.status.replicas == replicas(d)
        && total == replicas(d)
        && available == replicas(d)
        && rs_replicas(new) == replicas(d)
}

/// cleanupDeployment: keep at most revisionHistoryLimit old, empty ReplicaSets.
fn cleanup_deployment(s: &mut Sync, store: &Store) {
    let limit = s.d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let mut olds: Vec<&ReplicaSet> = s
        .olds()
        .into_iter()
        .filter(|rs| rs_replicas(rs) == 0 && rs.status.replicas == 0 && rs.metadata.deletion_timestamp.is_none())
        .collect();
    if olds.len() <= limit {
        return;
    }
    kubelab_api::sort::by_key(&mut olds, |rs| (revision_of(&rs.metadata), store.creation_order(&rs.metadata)));
    let n = olds.len() - limit;
    let doomed: Vec<String> = olds.iter().take(n).map(|r| r.metadata.name.clone()).collect();
    s.because(Rule::HistoryLimit { limit: limit as i32 });
    for name in doomed {
        s.out.push(Action::Delete { kind: "ReplicaSet", namespace: s.d.metadata.namespace.clone(), name, grace: None });
    }
}

fn condition(type_: &str, status: &str, reason: &str, message: String, now: Time) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        last_update_time: Some(now),
        last_transition_time: Some(now),
        reason: reason.into(),
        message,
    }
}

/// Sets a condition, keeping lastTransitionTime when the status did not change and
/// lastUpdateTime when nothing changed at all (deploymentutil.SetDeploymentCondition).
fn set_condition(conds: &mut Vec<DeploymentCondition>, mut c: DeploymentCondition) {
    if let Some(old) = conds.iter().find(|o| o.type_ == c.type_) {
        if old.status == c.status && old.reason == c.reason {
            if old.message == c.message {
                return;
            }
            c.last_transition_time = old.last_transition_time;
        } else if old.status == c.status {
            c.last_transition_time = old.last_transition_time;
        }
    }
    conds.retain(|o| o.type_ != c.type_);
    conds.push(c);
    // Upstream keeps Available before Progressing once both exist.
    kubelab_api::sort::by_key(conds, |c| if c.type_ == "Available" { 0 } else { 1 });
}

/// calculateStatus: the counts and the Available condition.
fn calculate_status(s: &Sync) -> DeploymentStatus {
    let d = s.d;
    let now = s.now;
    let all = s.all();
    let mut st = d.status.clone();
    st.observed_generation = d.metadata.generation;
    st.replicas = all.iter().map(|rs| rs.status.replicas).sum();
    st.updated_replicas = s.new_replica_set().map(|n| n.status.replicas).unwrap_or(0);
    st.ready_replicas = all.iter().map(|rs| rs.status.ready_replicas).sum();
    st.available_replicas = all.iter().map(|rs| rs.status.available_replicas).sum();
    st.unavailable_replicas = (st.replicas.max(replicas(d)) - st.available_replicas).max(0);

    let min_available = replicas(d) - max_unavailable(d);
    if st.available_replicas >= min_available {
        set_condition(
            &mut st.conditions,
            condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
                now,
            ),
        );
    } else {
        set_condition(
            &mut st.conditions,
            condition(
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
                now,
            ),
        );
    }
    st
}

/// calculateStatus + syncRolloutStatus: counts, Available and Progressing conditions, and
/// ProgressDeadlineExceeded.
fn sync_rollout_status(s: &mut Sync, created: bool) {
    let d = s.d;
    let mut st = calculate_status(s);
    sync_progressing_condition(s, &mut st, created);
    // SetDeploymentRevision: the Deployment carries its newest ReplicaSet's revision.
    let revision = s.new_replica_set().and_then(|n| n.metadata.annotations.get(REVISION).cloned());
    let revision_changed = revision.is_some() && d.metadata.annotations.get(REVISION) != revision.as_ref();
    if st != d.status || revision_changed {
        let rule = match revision.as_ref().and_then(|r| r.parse().ok()).filter(|_| revision_changed) {
            Some(revision) => Rule::Revision { revision },
            None => Rule::DeploymentStatus,
        };
        s.because(rule);
        let mut next = d.clone();
        next.status = st;
        if let Some(r) = revision {
            next.metadata.annotations.insert(REVISION.into(), r);
        }
        s.out.push(Action::update(Object::Deployment(next)));
    }
}

/// The Progressing condition (syncRolloutStatus): paused, a new ReplicaSet created, complete,
/// progressing, or past its ProgressDeadlineExceeded deadline.
fn sync_progressing_condition(s: &mut Sync, st: &mut DeploymentStatus, created: bool) {
    let d = s.d;
    let now = s.now;
    let new_name = s.new_replica_set().map(|n| n.metadata.name.clone()).unwrap_or_default();
    let progressing = st.conditions.iter().find(|c| c.type_ == "Progressing").cloned();
    if d.spec.paused {
        set_condition(
            &mut st.conditions,
            condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused".into(), now),
        );
    } else if created {
        set_condition(
            &mut st.conditions,
            condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                format!("Created new replica set \"{new_name}\""),
                now,
            ),
        );
    } else if !new_name.is_empty() {
        let complete = st.updated_replicas == replicas(d)
            && st.replicas == replicas(d)
            && st.available_replicas == replicas(d)
            && st.observed_generation >= d.metadata.generation;
        let prev_status = (st.updated_replicas, st.replicas, st.available_replicas, st.ready_replicas);
        let old_counts =
            (d.status.updated_replicas, d.status.replicas, d.status.available_replicas, d.status.ready_replicas);
        let progressed = prev_status != old_counts;
        if complete {
            set_condition(
                &mut st.conditions,
                condition(
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    format!("ReplicaSet \"{new_name}\" has successfully progressed."),
                    now,
                ),
            );
        } else if progressed || progressing.is_none() {
            let reason = if progressing.is_none() { "FoundNewReplicaSet" } else { "ReplicaSetUpdated" };
            let msg = if reason == "FoundNewReplicaSet" {
                format!("Found new replica set \"{new_name}\"")
            } else {
                format!("ReplicaSet \"{new_name}\" is progressing.")
            };
            let mut c = condition("Progressing", "True", reason, msg, now);
            if let Some(p) = &progressing {
                if p.status == "True" {
                    c.last_transition_time = p.last_transition_time;
                }
            }
            conds_replace(&mut st.conditions, c);
        } else if let Some(p) = &progressing {
            // No progress: has the deadline passed since the last update?
            if p.reason != "ProgressDeadlineExceeded" && p.reason != "NewReplicaSetAvailable" {
                let deadline = d.spec.progress_deadline_seconds.unwrap_or(600) as u64 * 1000;
                let last = p.last_update_time.unwrap_or_default().0;
                if now.0 >= last + deadline {
                    set_condition(
                        &mut st.conditions,
                        condition(
                            "Progressing",
                            "False",
                            "ProgressDeadlineExceeded",
                            format!("ReplicaSet \"{new_name}\" has timed out progressing."),
                            now,
                        ),
                    );
                    s.out.push(Action::Event(EventSpec::warning(
                        object_ref(&Object::Deployment(d.clone())),
                        "ProgressDeadlineExceeded",
                        format!("ReplicaSet \"{new_name}\" has timed out progressing."),
                        NAME,
                    )));
                } else {
                    s.out.push(Action::Requeue(Time(last + deadline)));
                }
            }
        }
    }
}

/// Replaces a condition updating lastUpdateTime (a progress report), keeping the given
/// lastTransitionTime.
fn conds_replace(conds: &mut Vec<DeploymentCondition>, c: DeploymentCondition) {
    conds.retain(|o| o.type_ != c.type_);
    conds.push(c);
    kubelab_api::sort::by_key(conds, |c| if c.type_ == "Available" { 0 } else { 1 });
}

/// Pods of a Deployment (through its ReplicaSets), for `kubectl rollout status` and views.
pub fn deployment_pods<'a>(d: &Deployment, store: &'a Store) -> Vec<&'a Pod> {
    let uids: Vec<String> = owned_replica_sets(d, store).iter().map(|r| r.metadata.uid.clone()).collect();
    store
        .pods
        .values()
        .filter(|p| p.metadata.controller_ref().is_some_and(|r| uids.contains(&r.uid)) && is_pod_active(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ios(s: &str) -> IntOrString {
        match s.parse::<i32>() {
            Ok(i) => IntOrString::Int(i),
            Err(_) => IntOrString::String(s.into()),
        }
    }

    /// Upstream deployment_util_test.go TestResolveFenceposts and the cases.
    #[test]
    fn resolve_fenceposts_rounds_surge_up_and_unavailable_down() {
        let cases: &[(Option<&str>, Option<&str>, i32, (i32, i32))] = &[
            (Some("39%"), Some("39%"), 10, (4, 3)),
            (Some("0%"), Some("0%"), 0, (0, 1)),
            (None, None, 10, (0, 1)),
            (Some("25%"), Some("25%"), 5, (2, 1)),
            (Some("1"), Some("0"), 5, (1, 0)),
            (Some("0"), Some("10"), 5, (0, 10)),
            (Some("50%"), Some("50%"), 3, (2, 1)),
        ];
        for (surge, unavail, desired, want) in cases {
            let s = surge.map(ios);
            let u = unavail.map(ios);
            assert_eq!(resolve_fenceposts(s.as_ref(), u.as_ref(), *desired), *want, "{surge:?} {unavail:?} {desired}");
        }
    }

    #[test]
    fn max_unavailable_is_clamped_to_replicas() {
        let mut d = Deployment::default();
        d.spec.replicas = Some(5);
        d.spec.strategy.type_ = "RollingUpdate".into();
        d.spec.strategy.rolling_update = Some(RollingUpdateDeployment {
            max_unavailable: Some(IntOrString::Int(10)),
            max_surge: Some(IntOrString::Int(0)),
        });
        assert_eq!(max_unavailable(&d), 5);
    }
}
