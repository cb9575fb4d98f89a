//! Why each object is as it is. Every write through the API server carries its cause: who
//! wrote (a console command, or a component by the name its events carry), what rule made it
//! decide, with the numbers it used (`Rule`, formatted only when asked), and which earlier
//! write it reacted to. The store records, for each object, the cause of its first write and
//! of its last few (`History`); `Engine::why` reads them back (`why.rs`).
//!
//! Causes are engine state: deterministic (ids count writes' causes in order), cloned with
//! the engine (a cause is shared, immutable, behind an `Arc`, so the timeline's snapshots
//! share them), and bounded: `KEPT_PER_OBJECT` per object, the rest counted; a deleted
//! object's history goes with it, and only the last few departures are kept (`gone.rs`); a
//! chain of reactions is kept `MAX_DEPTH` steps back.

mod diagnose;
pub mod gone;
pub(crate) mod record;
mod rule;
mod why;

pub use rule::{AddressChange, AddressMove, Amount, Rejected, Rule, VolumeRule, REJECTED_NAMED};
pub use why::{Why, WhyStep, WrittenObject};

use crate::fasthash::FastMap;
use crate::store::Key;
use kubelab_api::Time;
use std::sync::Arc;

/// Causes kept per object besides the one of its first write; older ones are counted.
pub const KEPT_PER_OBJECT: usize = 6;
/// How many reactions back a chain is kept (a cause further back is forgotten).
const MAX_DEPTH: u8 = 24;

/// Who wrote.
#[derive(Clone, Debug, PartialEq)]
pub enum Actor {
    /// A console command: its line in the journal and its text.
    Command(Arc<Command>),
    /// A control-plane component, by the name its events carry (`deployment-controller`).
    Component(&'static str),
    /// The kubelet of the node the object is on (a pod's node, or the Node itself).
    Kubelet,
}

/// A console command as the journal keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Its line in the journal, from 1.
    pub line: u32,
    pub text: String,
}

/// Which earlier write a decision reacted to.
#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    None,
    /// The last write to the object written now by someone else (a kubelet reacts to its
    /// pod's binding, the scheduler to the pod's creation).
    Target,
    /// The last write by someone else to this object (a ReplicaSet's pods react to the
    /// ReplicaSet's scaling); if it is gone, the write that made it go.
    Object(&'static str, Key),
    /// A controller making up for what it counts (a ReplicaSet's missing pods): the last
    /// write by someone else to the owner (`kind`, key), or the latest departure of a pod it
    /// counted (by the owner's uid), or the last write by someone else to the pod it waited
    /// for (a StatefulSet's previous ordinal becoming Ready), whichever is latest.
    Owned(&'static str, Key, String, Option<Key>),
    /// The write that made this object go (deleted, or a pod marked for deletion or
    /// finished), else its last write by someone else.
    Departed(&'static str, Key),
}

/// A decision before it is recorded: who, by what rule, reacting to what.
#[derive(Clone, Debug, PartialEq)]
pub struct Because {
    pub actor: Actor,
    pub rule: Rule,
    pub trigger: Trigger,
}

impl Because {
    /// A component's decision reacting to `trigger`.
    pub fn component(name: &'static str, rule: Rule, trigger: Trigger) -> Because {
        Because { actor: Actor::Component(name), rule, trigger }
    }

    /// Reacting to the last write by someone else to `kind` `ns`/`name`.
    pub fn object(name: &'static str, rule: Rule, kind: &'static str, ns: &str, object: &str) -> Because {
        Because::component(name, rule, Trigger::Object(kind, (ns.to_string(), object.to_string())))
    }

    /// Making up for what `owner` (`kind`, with its metadata) counts: reacting to its last
    /// write by someone else, or to the latest departure of one of its pods.
    pub fn owned(name: &'static str, rule: Rule, kind: &'static str, owner: &kubelab_api::ObjectMeta) -> Because {
        let key = (owner.namespace.clone(), owner.name.clone());
        Because::component(name, rule, Trigger::Owned(kind, key, owner.uid.clone(), None))
    }

    /// `owned`, or reacting to the pod `after` it waited for, if that changed later.
    pub fn owned_after(
        name: &'static str,
        rule: Rule,
        kind: &'static str,
        owner: &kubelab_api::ObjectMeta,
        after: Option<Key>,
    ) -> Because {
        let key = (owner.namespace.clone(), owner.name.clone());
        Because::component(name, rule, Trigger::Owned(kind, key, owner.uid.clone(), after))
    }
}

/// One recorded cause: shared by every write it made.
#[derive(Debug, PartialEq)]
pub struct Cause {
    /// Causes are numbered in the order they first wrote.
    pub id: u64,
    pub at: Time,
    pub actor: Actor,
    pub rule: Rule,
    pub reacted_to: Option<Arc<Cause>>,
    /// For a reaction to something that went away: what it saw go.
    pub saw: Option<Box<gone::Saw>>,
    depth: u8,
}

impl Cause {
    /// The command this cause goes back to, through what it reacted to, if any.
    pub fn command(&self) -> Option<&Arc<Command>> {
        let mut c = self;
        loop {
            if let Actor::Command(cmd) = &c.actor {
                return Some(cmd);
            }
            c = c.reacted_to.as_deref()?;
        }
    }
}

/// What is known of one object's writes: the first write by each writer (so a pod that
/// restarts all day still shows who made, bound and started it) and the last few.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The first write of each writer, oldest first (at most `KEPT_PER_OBJECT` writers).
    pub firsts: Vec<Arc<Cause>>,
    /// Later writes' causes, oldest first, at most `KEPT_PER_OBJECT`.
    pub recent: Vec<Arc<Cause>>,
    /// Writes whose causes were let go (more than `KEPT_PER_OBJECT`, or a status write
    /// replaced by the next one of the same kind).
    pub forgotten: u32,
}

impl History {
    /// Every cause kept, oldest first.
    pub fn causes(&self) -> Vec<&Arc<Cause>> {
        let mut all: Vec<&Arc<Cause>> = self.firsts.iter().chain(self.recent.iter()).collect();
        kubelab_api::sort::by_key(&mut all, |c| c.id);
        all
    }

    /// Every cause kept, in no particular order.
    pub fn kept(&self) -> impl Iterator<Item = &Arc<Cause>> {
        self.firsts.iter().chain(self.recent.iter())
    }

    /// The cause of the last write kept.
    pub fn latest(&self) -> Option<&Arc<Cause>> {
        self.firsts.iter().chain(self.recent.iter()).max_by_key(|c| c.id)
    }

    /// The cause of the object's first write.
    pub fn created(&self) -> Option<&Arc<Cause>> {
        self.firsts.first()
    }

    fn push(&mut self, cause: &Arc<Cause>) {
        if self.latest().is_some_and(|last| Arc::ptr_eq(last, cause)) {
            return;
        }
        if self.firsts.len() < KEPT_PER_OBJECT && self.firsts.iter().all(|c| c.actor != cause.actor) {
            self.firsts.push(cause.clone());
            return;
        }
        // A status write after another by the same writer says nothing the later one does not.
        if let Some(prev) = self.recent.last_mut() {
            let prev_is_latest = self.firsts.last().is_none_or(|f| f.id < prev.id);
            if prev_is_latest && prev.actor == cause.actor && prev.rule.is_status() && cause.rule.is_status() {
                *prev = cause.clone();
                self.forgotten += 1;
                return;
            }
        }
        if self.recent.len() >= KEPT_PER_OBJECT {
            self.recent.remove(0);
            self.forgotten += 1;
        }
        self.recent.push(cause.clone());
    }

    /// What a write by `actor` reacts to: the last write by someone else, unless the chain
    /// behind it is already `MAX_DEPTH` long.
    fn reaction_of(&self, actor: &Actor) -> Option<&Arc<Cause>> {
        self.kept().filter(|c| c.actor != *actor).max_by_key(|c| c.id).filter(|c| c.depth < MAX_DEPTH)
    }
}

/// The store's record of causes: what the writes now being applied are because of, and each
/// object's history by kind and key.
#[derive(Clone, Debug, Default)]
pub struct Causes {
    next_id: u64,
    at: Time,
    /// What the next writes are because of (None: nothing is recorded, as at boot).
    pending: Option<Because>,
    /// `pending` as recorded, once it has written.
    current: Option<Arc<Cause>>,
    /// Histories by kind (a short list, in the order kinds were first written) and key.
    objects: Vec<(&'static str, FastMap<Key, History>)>,
    /// The last objects that went away, and who made them go.
    departures: gone::Departures,
    /// The history of the object whose delete was noted last, for `left` to keep.
    removed: Option<History>,
}

/// A new cause, numbered next.
fn new_cause(
    next_id: &mut u64,
    at: Time,
    because: &Because,
    reacted_to: Option<Arc<Cause>>,
    saw: Option<gone::Saw>,
) -> Arc<Cause> {
    *next_id += 1;
    Arc::new(Cause {
        id: *next_id,
        at,
        actor: because.actor.clone(),
        rule: because.rule.clone(),
        depth: reacted_to.as_ref().map_or(0, |c| c.depth + 1),
        reacted_to,
        saw: saw.map(Box::new),
    })
}

impl Causes {
    /// The writes from now on are because of `because`, at `at`.
    pub fn set(&mut self, because: Because, at: Time) {
        self.pending = Some(because);
        self.current = None;
        self.at = at;
    }

    /// The writes from now on are not recorded.
    pub fn clear(&mut self) {
        self.pending = None;
        self.current = None;
    }

    /// What the next writes are because of.
    pub fn pending(&self) -> Option<&Because> {
        self.pending.as_ref()
    }

    /// Notes a write of `kind` `key` (called by the store for every write). The object's
    /// history is looked up once (a kubelet's write reacts to the pod's own history); a
    /// deleted object's history is dropped (`left` keeps a trace of it).
    pub(crate) fn note(&mut self, kind: &'static str, key: &Key, deleted: bool) {
        if kind == "Event" {
            return;
        }
        let Some(because) = &self.pending else {
            if deleted {
                self.forget(kind, key);
            }
            return;
        };
        if self.current.is_none() {
            let found = match &because.trigger {
                Trigger::Object(k, other) => Some((self.reaction_to(k, other, &because.actor), None)),
                Trigger::Owned(k, owner, uid, after) => {
                    let (reacted_to, saw) = self.reaction_of_owner(k, owner, uid, &because.actor);
                    let waited = after.as_ref().and_then(|pod| self.reaction_to("Pod", pod, &because.actor));
                    match waited {
                        Some(w) if reacted_to.as_ref().is_none_or(|r| r.id < w.id) => Some((Some(w), None)),
                        _ => Some((reacted_to, saw)),
                    }
                }
                Trigger::Departed(k, other) => {
                    let gone = self.departures.of(k, other).map(|d| d.cause.clone());
                    let gone = gone.filter(|c| c.actor != because.actor && c.depth < MAX_DEPTH);
                    Some((gone.or_else(|| self.reaction_to(k, other, &because.actor)), None))
                }
                Trigger::None | Trigger::Target => None,
            };
            if let Some((reacted_to, saw)) = found {
                self.current = Some(new_cause(&mut self.next_id, self.at, because, reacted_to, saw));
            }
        }
        let at = match self.objects.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                self.objects.push((kind, FastMap::default()));
                self.objects.len() - 1
            }
        };
        let map = &mut self.objects[at].1;
        if !deleted && !map.contains_key(key) {
            map.insert(key.clone(), History::default());
        }
        let h = map.get_mut(key);
        if self.current.is_none() {
            let reacted_to = match because.trigger {
                Trigger::Target => h.as_ref().and_then(|h| h.reaction_of(&because.actor)).cloned(),
                _ => None,
            };
            self.current = Some(new_cause(&mut self.next_id, self.at, because, reacted_to, None));
        }
        if deleted {
            self.removed = map.remove(key);
        } else if let (Some(h), Some(cause)) = (h, &self.current) {
            h.push(cause);
        }
    }

    fn forget(&mut self, kind: &str, key: &Key) {
        if let Some((_, m)) = self.objects.iter_mut().find(|(k, _)| *k == kind) {
            m.remove(key);
        }
    }

    /// `kind` `key` went away with the write just noted (deleted, or a pod that stopped
    /// counting as active for the controller whose uid is `owner`). Kept if that write was
    /// recorded.
    pub(crate) fn left(&mut self, kind: &'static str, key: &Key, owner: Option<&str>, left: gone::Left) {
        let history = self.removed.take().filter(|_| left == gone::Left::Deleted);
        let Some(cause) = self.current.clone() else { return };
        self.departures.push(gone::Departure {
            kind,
            key: key.clone(),
            owner: owner.map(str::to_string),
            left,
            cause,
            history: history.map(|h| h.kept().cloned().collect()).unwrap_or_default(),
        });
    }

    /// The last write by someone other than `actor` to `kind` `key`, or if it is gone, the
    /// write that made it go.
    fn reaction_to(&self, kind: &str, key: &Key, actor: &Actor) -> Option<Arc<Cause>> {
        match self.history(kind, key) {
            Some(h) => h.reaction_of(actor).cloned(),
            None => self.departures.of(kind, key).map(|d| d.cause.clone()).filter(|c| c.depth < MAX_DEPTH),
        }
    }

    /// The later of the owner's last write by someone else and the latest departure of what
    /// it counted (with what was seen go).
    fn reaction_of_owner(
        &self,
        kind: &str,
        owner: &Key,
        uid: &str,
        actor: &Actor,
    ) -> (Option<Arc<Cause>>, Option<gone::Saw>) {
        let written = self.history(kind, owner).and_then(|h| h.reaction_of(actor)).cloned();
        let saw = self.departures.of_owner(uid, actor).filter(|s| s.departure.cause.depth < MAX_DEPTH);
        match saw {
            Some(s) if written.as_ref().is_none_or(|w| w.id < s.departure.cause.id) => {
                (Some(s.departure.cause.clone()), Some(s))
            }
            _ => (written, None),
        }
    }

    /// The last objects that went away, oldest first.
    pub fn departures(&self) -> impl Iterator<Item = &Arc<gone::Departure>> {
        self.departures.iter()
    }

    /// What is known of one object's writes.
    pub fn history(&self, kind: &str, key: &Key) -> Option<&History> {
        self.objects.iter().find(|(k, _)| *k == kind)?.1.get(key)
    }

    /// Every object with a history: (kind, key, history), in no particular order.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Key, &History)> {
        self.objects.iter().flat_map(|(kind, m)| m.iter().map(move |(k, h)| (*kind, k, h)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: &str) -> Key {
        ("default".into(), n.into())
    }

    #[test]
    fn a_write_reacts_to_the_last_write_by_someone_else_and_histories_stay_bounded() {
        let mut c = Causes::default();
        let cmd = Arc::new(Command { line: 1, text: "kubectl create deployment web --image=nginx".into() });
        c.set(Because { actor: Actor::Command(cmd), rule: Rule::Command, trigger: Trigger::None }, Time(0));
        c.note("Deployment", &key("web"), false);
        c.set(
            Because::object("deployment-controller", Rule::DeploymentStatus, "Deployment", "default", "web"),
            Time(1),
        );
        c.note("Deployment", &key("web"), false);
        let rule = Rule::NewReplicaSet { revision: 1, replicas: 1 };
        c.set(Because::object("deployment-controller", rule, "Deployment", "default", "web"), Time(1));
        c.note("ReplicaSet", &key("web-5f9"), false);
        let rule = Rule::TooFew { have: 0, want: 1 };
        c.set(Because::object("replicaset-controller", rule, "ReplicaSet", "default", "web-5f9"), Time(1));
        c.note("Pod", &key("web-1"), false);
        let pod = c.history("Pod", &key("web-1")).unwrap();
        let created = pod.created().unwrap();
        let rs = created.reacted_to.as_ref().unwrap();
        assert_eq!(rs.rule, Rule::NewReplicaSet { revision: 1, replicas: 1 });
        // The deployment controller's own status write is skipped: the command is what it reacted to.
        assert_eq!(rs.reacted_to.as_ref().unwrap().rule, Rule::Command);
        assert_eq!(created.command().unwrap().line, 1);
        for i in 0..20 {
            c.set(Because::component("x", Rule::TooFew { have: i, want: 30 }, Trigger::Target), Time(2));
            c.note("Pod", &key("web-1"), false);
        }
        let pod = c.history("Pod", &key("web-1")).unwrap();
        // The first write by "x" stays, with the last few.
        assert_eq!(pod.firsts.len(), 2);
        assert_eq!((pod.recent.len(), pod.forgotten), (KEPT_PER_OBJECT, 19 - KEPT_PER_OBJECT as u32));
        c.clear();
        c.note("Pod", &key("web-1"), true);
        assert!(c.history("Pod", &key("web-1")).is_none(), "a deleted object's history goes with it");
    }

    #[test]
    fn a_replacement_reacts_to_the_pod_that_went_even_after_its_history_is_gone() {
        let mut c = Causes::default();
        let rs = kubelab_api::ObjectMeta {
            namespace: "default".into(),
            name: "web-5f9".into(),
            uid: "uid-rs".into(),
            ..Default::default()
        };
        let scale =
            Because::component("deployment-controller", Rule::Scale { from: 0, to: 2, replicas: 2 }, Trigger::None);
        c.set(scale, Time(0));
        c.note("ReplicaSet", &key("web-5f9"), false);
        let cmd = Arc::new(Command { line: 3, text: "kubectl delete pod web-1 --grace-period=0 --force".into() });
        c.set(Because { actor: Actor::Command(cmd), rule: Rule::Command, trigger: Trigger::None }, Time(5));
        c.note("Pod", &key("web-1"), false);
        c.note("Pod", &key("web-1"), true);
        c.left("Pod", &key("web-1"), Some("uid-rs"), gone::Left::Deleted);
        assert!(c.history("Pod", &key("web-1")).is_none(), "a deleted object's history goes with it");
        c.set(Because::owned("replicaset-controller", Rule::TooFew { have: 1, want: 2 }, "ReplicaSet", &rs), Time(5));
        c.note("Pod", &key("web-2"), false);
        let created = c.history("Pod", &key("web-2")).unwrap().created().unwrap().clone();
        assert_eq!(created.command().unwrap().line, 3, "the chain reaches the command");
        let saw = created.saw.as_ref().unwrap();
        assert_eq!(saw.text(), "Pod web-1 deleted by console line 3 at 0.005s");
        // The history the deleted pod had is kept with its departure.
        assert_eq!(c.departures().last().unwrap().history.len(), 1);
        // A later scaling of the ReplicaSet is newer than the departure: that is what a
        // creation then reacts to.
        let scale =
            Because::component("deployment-controller", Rule::Scale { from: 2, to: 3, replicas: 3 }, Trigger::None);
        c.set(scale, Time(9));
        c.note("ReplicaSet", &key("web-5f9"), false);
        c.set(Because::owned("replicaset-controller", Rule::TooFew { have: 2, want: 3 }, "ReplicaSet", &rs), Time(9));
        c.note("Pod", &key("web-3"), false);
        let created = c.history("Pod", &key("web-3")).unwrap().created().unwrap().clone();
        assert!(created.saw.is_none());
        assert_eq!(created.reacted_to.as_ref().unwrap().rule, Rule::Scale { from: 2, to: 3, replicas: 3 });
    }
}
