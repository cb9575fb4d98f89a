//! The object store (etcd + the API server's storage layer): typed maps per kind, uids,
//! resourceVersions, generations, events. Only the store applies actions.

use crate::controllers::is_pod_active;
use kubelab_api::*;
use std::collections::BTreeMap;

/// (namespace, name); cluster-scoped objects use an empty namespace.
pub type Key = (String, String);

pub fn key(ns: &str, name: &str) -> Key {
    (ns.to_string(), name.to_string())
}

/// A pod that stopped counting as active: its controller's uid, and how it left.
fn departure(p: &Pod) -> (Option<String>, crate::causes::gone::Left) {
    use crate::causes::gone::Left;
    let left = if p.metadata.deletion_timestamp.is_some() {
        Left::Terminating
    } else if p.status.phase == "Succeeded" {
        Left::Finished("Succeeded")
    } else {
        Left::Finished("Failed")
    };
    (p.metadata.controller_ref().map(|r| r.uid.clone()), left)
}

/// One kind's objects by (namespace, name), in that order: a B-tree of boxed objects, so
/// its nodes shift and split pointers rather than kilobyte-sized pods and events (a pod is
/// over 1 KiB; 10,000 pods' creates and status writes moved hundreds of megabytes).
/// It also counts its objects per namespace, so the lab's per-namespace limit is a lookup on
/// each create, not a count (which made a manifest of thousands of objects quadratic).
///
/// Every kind's map is this one type, holding `Object`s of one kind: one copy of the
/// B-tree's code, and of the store's lookups by kind name, serves all kinds, where a map
/// per type put 15 copies of its insertion, removal, cloning and dropping in the page's
/// wasm (BENCHMARKS.md, session 16). `Objects<T>` reads it as a `BTreeMap<Key, T>`.
#[derive(Clone, Debug, Default)]
struct ObjectMap {
    map: BTreeMap<Key, Box<Object>>,
    per_namespace: VecMap<String, usize>,
}

impl ObjectMap {
    fn insert(&mut self, k: Key, v: Object) -> Option<Object> {
        let v = Box::new(v);
        match self.map.entry(k) {
            std::collections::btree_map::Entry::Occupied(mut o) => Some(*o.insert(v)),
            std::collections::btree_map::Entry::Vacant(slot) => {
                *self.per_namespace.get_or_insert_with(slot.key().0.clone(), || 0) += 1;
                slot.insert(v);
                None
            }
        }
    }
    fn remove(&mut self, k: &Key) -> Option<Object> {
        let removed = self.map.remove(k)?;
        if let Some(n) = self.per_namespace.get_mut(&k.0) {
            *n -= 1;
            if *n == 0 {
                self.per_namespace.remove(&k.0);
            }
        }
        Some(*removed)
    }
    fn get(&self, k: &Key) -> Option<&Object> {
        self.map.get(k).map(|o| &**o)
    }
    /// Copies of the objects in namespace `ns`, or in all (`None`).
    fn list(&self, ns: Option<&str>) -> Vec<Object> {
        self.map.iter().filter(|((n, _), _)| ns.is_none_or(|want| want == n)).map(|(_, o)| (**o).clone()).collect()
    }
}

/// One kind's objects, read like a `BTreeMap<Key, T>`: a typed view of its `ObjectMap`.
#[derive(Clone, Debug)]
pub struct Objects<T> {
    all: ObjectMap,
    kind: std::marker::PhantomData<T>,
}

impl<T> Default for Objects<T> {
    fn default() -> Self {
        Objects { all: ObjectMap::default(), kind: std::marker::PhantomData }
    }
}

/// The entry's object as a `T` (every entry of an `Objects<T>` is one). It takes the map's
/// entries as they come (`&Box`), to be passed to `filter_map` by name.
#[allow(clippy::borrowed_box)]
fn entry_as<'a, T: Resource>((k, o): (&'a Key, &'a Box<Object>)) -> Option<(&'a Key, &'a T)> {
    Some((k, T::from_object(o)?))
}

impl<T: Resource> Objects<T> {
    pub fn get(&self, k: &Key) -> Option<&T> {
        self.all.get(k).and_then(T::from_object)
    }
    pub fn get_mut(&mut self, k: &Key) -> Option<&mut T> {
        self.all.map.get_mut(k).and_then(|o| T::from_object_mut(o))
    }
    pub fn contains_key(&self, k: &Key) -> bool {
        self.all.map.contains_key(k)
    }
    pub fn insert(&mut self, k: Key, v: T) -> Option<T> {
        self.all.insert(k, v.into_object()).and_then(T::from_object_owned)
    }
    pub fn remove(&mut self, k: &Key) -> Option<T> {
        self.all.remove(k).and_then(T::from_object_owned)
    }
    /// How many objects namespace `ns` holds.
    pub fn in_namespace(&self, ns: &str) -> usize {
        self.all.per_namespace.get(ns).copied().unwrap_or(0)
    }
    pub fn len(&self) -> usize {
        self.all.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.all.map.is_empty()
    }
    pub fn keys(&self) -> std::collections::btree_map::Keys<'_, Key, Box<Object>> {
        self.all.map.keys()
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.all.map.values().filter_map(|o| T::from_object(o))
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + '_ {
        self.all.map.values_mut().filter_map(|o| T::from_object_mut(o))
    }
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Key, &T)> + Clone + '_ {
        self.all.map.iter().filter_map(entry_as)
    }
    pub fn range<R: std::ops::RangeBounds<Key>>(
        &self,
        r: R,
    ) -> impl DoubleEndedIterator<Item = (&Key, &T)> + Clone + '_ {
        self.all.map.range(r).filter_map(entry_as)
    }
}

impl<'a, T: Resource> IntoIterator for &'a Objects<T> {
    type Item = (&'a Key, &'a T);
    type IntoIter = std::iter::FilterMap<
        std::collections::btree_map::Iter<'a, Key, Box<Object>>,
        fn((&'a Key, &'a Box<Object>)) -> Option<(&'a Key, &'a T)>,
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.all.map.iter().filter_map(entry_as)
    }
}

impl<T: Resource> std::ops::Index<&Key> for Objects<T> {
    type Output = T;
    fn index(&self, k: &Key) -> &T {
        self.get(k).expect("key not found")
    }
}

/// What a controller, the scheduler or a kubelet asks the store to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Create an object (honouring `generateName`); the store assigns uid, resourceVersion,
    /// creationTimestamp.
    Create(Box<Object>),
    /// Replace an object's spec/metadata/status. A no-op if nothing changed.
    Update(Box<Object>),
    /// Write a pod's status (the pods/status subresource, as kubelets and the node
    /// controller do), and with `bind` its node too (pods/binding, which also sets
    /// PodScheduled). Metadata and the rest of the spec stay as stored. A no-op if nothing
    /// changed, or the pod is gone or is another pod of that name now (`uid`: upstream's
    /// status manager and binding both hold to the pod's UID).
    PodStatus { namespace: String, name: String, uid: String, bind: Option<String>, status: Box<PodStatus> },
    /// Delete: pods bound to a node get a deletionTimestamp and stay until their kubelet
    /// confirms with `grace: Some(0)`; everything else goes at once.
    Delete { kind: &'static str, namespace: String, name: String, grace: Option<i64> },
    /// Create an object with a generated name, then record an event whose message has
    /// `{name}` replaced by that name (`Created pod: web-7d4b9c8f5-x2x7k`).
    CreateWithEvent(Box<Object>, EventSpec),
    /// Record (or bump the count of) an Event.
    Event(EventSpec),
    /// Run the controllers again at this simulated time (a timer, such as minReadySeconds).
    Requeue(Time),
    /// The writes of the actions after this one (until the next) are because of this.
    Cause(Box<crate::causes::Because>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EventSpec {
    pub involved: ObjectReference,
    pub type_: &'static str,
    pub reason: &'static str,
    pub message: String,
    pub component: &'static str,
    pub host: String,
}

impl EventSpec {
    pub fn normal(obj: ObjectReference, reason: &'static str, message: String, component: &'static str) -> EventSpec {
        EventSpec { involved: obj, type_: "Normal", reason, message, component, host: String::new() }
    }
    pub fn warning(obj: ObjectReference, reason: &'static str, message: String, component: &'static str) -> EventSpec {
        EventSpec { involved: obj, type_: "Warning", reason, message, component, host: String::new() }
    }
    pub fn on_host(mut self, host: &str) -> EventSpec {
        self.host = host.to_string();
        self
    }
}

/// An ObjectReference to `obj`, as events and endpoints carry.
pub fn object_ref(obj: &Object) -> ObjectReference {
    let m = obj.meta();
    ObjectReference {
        kind: obj.kind().into(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        api_version: obj.info().api_version().into(),
        resource_version: m.resource_version.clone(),
        field_path: String::new(),
    }
}

/// `object_ref` of a pod, without copying the pod into an `Object` first.
pub fn pod_ref(p: &Pod) -> ObjectReference {
    let m = &p.metadata;
    ObjectReference {
        kind: "Pod".into(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        api_version: "v1".into(),
        resource_version: m.resource_version.clone(),
        field_path: String::new(),
    }
}

impl Action {
    pub fn create(o: Object) -> Action {
        Action::Create(Box::new(o))
    }
    pub fn update(o: Object) -> Action {
        Action::Update(Box::new(o))
    }
}

/// A write of `pod`'s status (with `bind`, its binding to that node too).
pub fn pod_status(pod: &Pod, bind: Option<String>, status: PodStatus) -> Action {
    Action::PodStatus {
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        bind,
        status: Box::new(status),
    }
}

#[derive(Clone, Debug, Default)]
pub struct Store {
    pub pods: Objects<Pod>,
    pub nodes: Objects<Node>,
    pub namespaces: Objects<Namespace>,
    pub configmaps: Objects<ConfigMap>,
    pub services: Objects<Service>,
    pub endpoints: Objects<Endpoints>,
    pub events: Objects<Event>,
    pub deployments: Objects<Deployment>,
    pub replicasets: Objects<ReplicaSet>,
    pub statefulsets: Objects<StatefulSet>,
    pub jobs: Objects<Job>,
    pub pvcs: Objects<PersistentVolumeClaim>,
    pub pvs: Objects<PersistentVolume>,
    pub storageclasses: Objects<StorageClass>,
    pub ingresses: Objects<Ingress>,
    pub ingressclasses: Objects<IngressClass>,
    pub networkpolicies: Objects<NetworkPolicy>,
    pub hpas: Objects<HorizontalPodAutoscaler>,
    pub apiservices: Objects<APIService>,
    resource_version: u64,
    uid_counter: u64,
    /// Every write, in order, for the controllers that look only at what changed since
    /// they last looked (as upstream's informers watch). Each keeps its own `Cursor` into it.
    changes: ChangeLog,
    /// Creation order of each stored object but events, by uid, so equal timestamps still
    /// sort as created (a hash map: looked up in every sort by age, never iterated).
    pub created_seq: crate::fasthash::FastMap<String, u64>,
    /// Events by a hash of what makes a repeat (the object's uid and name, reason, message,
    /// component; see `event_hash`), to fold repeats fast. Looked up, never iterated.
    event_index: crate::fasthash::FastMap<u64, Vec<Key>>,
    /// The last name suffix (nanos) given to an event about each object, by namespace then
    /// name: events at one instant get the next ones without probing names one by one.
    event_nanos: crate::fasthash::FastMap<String, crate::fasthash::FastMap<String, u128>>,
    /// An Event was created other than by `record_event` (a manifest): its name may be one
    /// `record_event` would give.
    events_from_outside: bool,
    /// Why each object is as it is: the cause of every write (`causes.rs`).
    pub causes: crate::causes::Causes,
}

/// One write to the store, as a watch reports it: what kind of object, which one, and
/// whether it was deleted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: &'static str,
    pub key: Key,
    pub deleted: bool,
}

/// Where a reader of the change log stands: the sequence number of the first change it has
/// not read yet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cursor(u64);

/// The store's writes in order, numbered from 0. The store keeps those not yet read by
/// everyone: whoever reads them trims it (`Store::forget_changes_before`).
#[derive(Clone, Debug, Default)]
struct ChangeLog {
    /// The sequence number of `changes[0]`.
    first: u64,
    changes: std::collections::VecDeque<Change>,
}

impl ChangeLog {
    fn push(&mut self, c: Change) {
        self.changes.push_back(c);
    }

    fn end(&self) -> Cursor {
        Cursor(self.first + self.changes.len() as u64)
    }

    fn since(&self, from: Cursor) -> std::collections::vec_deque::Iter<'_, Change> {
        assert!(from.0 >= self.first, "a reader fell behind the change log's trim");
        self.changes.range((from.0 - self.first) as usize..)
    }

    fn trim(&mut self, upto: Cursor) {
        let n = (upto.0.saturating_sub(self.first) as usize).min(self.changes.len());
        self.changes.drain(..n);
        self.first += n as u64;
    }
}

/// A served kind as the store keeps it: the map that holds it. The store's lookups by kind
/// name are generated from `kubelab_api::served_kinds!`, so a kind added there does not
/// compile until it has a map here.
pub trait Stored: Resource {
    fn objects(store: &Store) -> &Objects<Self>;
    fn objects_mut(store: &mut Store) -> &mut Objects<Self>;
}

macro_rules! stored {
    ($($ty:ident => $field:ident),* $(,)?) => {$(
        impl Stored for $ty {
            fn objects(store: &Store) -> &Objects<Self> {
                &store.$field
            }
            fn objects_mut(store: &mut Store) -> &mut Objects<Self> {
                &mut store.$field
            }
        }
    )*};
}

stored! {
    Pod => pods,
    Node => nodes,
    Namespace => namespaces,
    ConfigMap => configmaps,
    Service => services,
    Endpoints => endpoints,
    Event => events,
    Deployment => deployments,
    ReplicaSet => replicasets,
    StatefulSet => statefulsets,
    Job => jobs,
    PersistentVolumeClaim => pvcs,
    PersistentVolume => pvs,
    StorageClass => storageclasses,
    Ingress => ingresses,
    IngressClass => ingressclasses,
    NetworkPolicy => networkpolicies,
    HorizontalPodAutoscaler => hpas,
    APIService => apiservices,
}

/// The store's dispatch from a kind's name (or an `Object`'s variant) to its map.
macro_rules! by_kind {
    ($($ty:ident),*) => {
        impl Store {
            /// The map holding the kind named `kind`; None for a kind the lab does not serve.
            fn objects_of(&self, kind: &str) -> Option<&ObjectMap> {
                $(if kind == <$ty as Resource>::INFO.kind {
                    return Some(&<$ty as Stored>::objects(self).all);
                })*
                None
            }

            fn objects_of_mut(&mut self, kind: &str) -> Option<&mut ObjectMap> {
                $(if kind == <$ty as Resource>::INFO.kind {
                    return Some(&mut <$ty as Stored>::objects_mut(self).all);
                })*
                None
            }

            fn put(&mut self, obj: Object) {
                let k = key(&obj.meta().namespace, &obj.meta().name);
                let map = match obj {
                    $(Object::$ty(_) => &mut <$ty as Stored>::objects_mut(self).all),*
                };
                map.insert(k, obj);
            }
        }
    };
}

kubelab_api::served_kinds!(by_kind);

impl Store {
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    fn next_rv(&mut self) -> String {
        self.resource_version += 1;
        crate::naming::decimal(self.resource_version)
    }

    pub fn next_uid(&mut self) -> String {
        self.uid_counter += 1;
        crate::naming::uid_for(self.uid_counter)
    }

    pub fn get(&self, kind: &str, ns: &str, name: &str) -> Option<Object> {
        let k = key(ns, name);
        self.objects_of(kind).and_then(|m| m.get(&k)).cloned()
    }

    pub fn exists(&self, kind: &str, ns: &str, name: &str) -> bool {
        let k = key(ns, name);
        self.objects_of(kind).is_some_and(|m| m.map.contains_key(&k))
    }

    /// Objects of a kind, in one namespace or all (`None`), sorted by namespace then name.
    pub fn list(&self, kind: &str, ns: Option<&str>) -> Vec<Object> {
        self.objects_of(kind).map(|m| m.list(ns)).unwrap_or_default()
    }

    /// Objects in namespace `ns`, pods and events aside (for the lab's per-namespace limit).
    pub fn namespace_objects(&self, ns: &str) -> usize {
        self.configmaps.in_namespace(ns)
            + self.services.in_namespace(ns)
            + self.endpoints.in_namespace(ns)
            + self.deployments.in_namespace(ns)
            + self.replicasets.in_namespace(ns)
            + self.statefulsets.in_namespace(ns)
            + self.pvcs.in_namespace(ns)
    }

    pub fn count(&self, kind: &str) -> usize {
        self.objects_of(kind).map_or(0, |m| m.map.len())
    }

    /// Finds any object by uid (for ownerReferences).
    pub fn uid_exists(&self, kind: &str, ns: &str, name: &str, uid: &str) -> bool {
        let k = key(ns, name);
        self.objects_of(kind).and_then(|m| m.get(&k)).is_some_and(|o| o.meta().uid == uid)
    }

    fn remove(&mut self, kind: &str, ns: &str, name: &str) -> Option<Object> {
        self.objects_of_mut(kind)?.remove(&key(ns, name))
    }

    /// Stores a new object: uid, resourceVersion, creationTimestamp, generation 1.
    /// The caller has already defaulted and validated it and resolved its name.
    pub fn create(&mut self, obj: Object, now: Time) -> Object {
        self.create_with_uid(obj, now, None)
    }

    /// `create` with a uid taken earlier with `next_uid` (a Job's: its selector names it
    /// before it is stored).
    pub fn create_with_uid(&mut self, obj: Object, now: Time, uid: Option<String>) -> Object {
        self.events_from_outside |= matches!(obj, Object::Event(_));
        let stored = self.stamp(obj, now, uid);
        self.put(stored.clone());
        stored
    }

    /// `create` without a copy of what was stored handed back (a controller's pod: only
    /// its name is wanted).
    pub fn create_unread(&mut self, obj: Object, now: Time) {
        self.events_from_outside |= matches!(obj, Object::Event(_));
        self.add(obj, now);
    }

    /// `create` for an object nobody reads back (events).
    fn add(&mut self, obj: Object, now: Time) {
        let stored = self.stamp(obj, now, None);
        self.put(stored);
    }

    /// A new object's server-set fields, recorded as a change.
    fn stamp(&mut self, mut obj: Object, now: Time, uid: Option<String>) -> Object {
        let uid = uid.unwrap_or_else(|| self.next_uid());
        let rv = self.next_rv();
        let seq = self.resource_version;
        let m = obj.meta_mut();
        m.uid = uid.clone();
        m.resource_version = rv;
        m.creation_timestamp = Some(now);
        // The kinds whose registry strategy sets a generation (Ingress and IngressClass too).
        if matches!(
            obj,
            Object::Deployment(_)
                | Object::ReplicaSet(_)
                | Object::StatefulSet(_)
                | Object::Job(_)
                | Object::Ingress(_)
                | Object::IngressClass(_)
                | Object::NetworkPolicy(_)
        ) {
            obj.meta_mut().generation = 1;
        }
        // Nothing sorts events by age this way (they sort by their timestamps).
        if !matches!(obj, Object::Event(_)) {
            self.created_seq.insert(uid, seq);
        }
        self.note_write(obj.kind(), &obj.meta().namespace, &obj.meta().name, false);
        obj
    }

    /// Replaces an object. Returns false (and writes nothing) when nothing changed.
    /// Bumps `generation` when the spec of a Deployment, ReplicaSet, StatefulSet, Ingress or
    /// IngressClass changed.
    /// The stored object is compared where it lies (never copied: this runs for every
    /// status a kubelet or controller posts).
    pub fn update(&mut self, mut obj: Object) -> bool {
        let k = key(&obj.meta().namespace, &obj.meta().name);
        // A pod that stops counting as active (marked for deletion, finished) leaves its
        // controller's count: the departure is kept for the controller's reaction to cite.
        let leaves = match &obj {
            Object::Pod(p) if !is_pod_active(p) => self.pods.get(&k).is_some_and(is_pod_active).then(|| departure(p)),
            _ => None,
        };
        // Takes the stored object's identity, then whether anything differs and the stored
        // generation if the spec changed.
        fn carry<T: PartialEq>(
            old: Option<&T>,
            new: &mut T,
            meta: fn(&T) -> &ObjectMeta,
            meta_mut: fn(&mut T) -> &mut ObjectMeta,
            spec_changed: fn(&T, &T) -> bool,
        ) -> Option<Option<i64>> {
            let old = old?;
            let (om, nm) = (meta(old), meta_mut(new));
            nm.resource_version.clone_from(&om.resource_version);
            nm.uid.clone_from(&om.uid);
            nm.creation_timestamp = om.creation_timestamp;
            if new == old {
                return None;
            }
            Some(spec_changed(old, new).then(|| meta(old).generation))
        }
        fn no<T>(_: &T, _: &T) -> bool {
            false
        }
        macro_rules! carry {
            ($map:ident, $o:expr, $spec:expr) => {
                carry(self.$map.get(&k), $o, |o| &o.metadata, |o| &mut o.metadata, $spec)
            };
        }
        let outcome = match &mut obj {
            Object::Pod(o) => carry!(pods, o, no),
            Object::Node(o) => carry!(nodes, o, no),
            Object::Namespace(o) => carry!(namespaces, o, no),
            Object::ConfigMap(o) => carry!(configmaps, o, no),
            Object::Service(o) => carry!(services, o, no),
            Object::Endpoints(o) => carry!(endpoints, o, no),
            Object::Event(o) => carry!(events, o, no),
            Object::Deployment(o) => carry!(deployments, o, |a, b| a.spec != b.spec),
            Object::ReplicaSet(o) => carry!(replicasets, o, |a, b| a.spec != b.spec),
            Object::StatefulSet(o) => carry!(statefulsets, o, |a, b| a.spec != b.spec),
            Object::Job(o) => carry!(jobs, o, |a, b| a.spec != b.spec),
            Object::PersistentVolumeClaim(o) => carry!(pvcs, o, no),
            Object::PersistentVolume(o) => carry!(pvs, o, no),
            Object::StorageClass(o) => carry!(storageclasses, o, no),
            Object::Ingress(o) => carry!(ingresses, o, |a, b| a.spec != b.spec),
            Object::IngressClass(o) => carry!(ingressclasses, o, |a, b| a.spec != b.spec),
            Object::NetworkPolicy(o) => carry!(networkpolicies, o, |a, b| a.spec != b.spec),
            Object::HorizontalPodAutoscaler(o) => carry!(hpas, o, no),
            Object::APIService(o) => carry!(apiservices, o, no),
        };
        let Some(old_generation) = outcome else { return false };
        if let Some(g) = old_generation {
            obj.meta_mut().generation = g + 1;
        }
        obj.meta_mut().resource_version = self.next_rv();
        self.note_write(obj.kind(), &obj.meta().namespace, &obj.meta().name, false);
        if let Some((owner, left)) = leaves {
            self.causes.left("Pod", &k, owner.as_deref(), left);
        }
        self.put(obj);
        true
    }

    /// `Action::PodStatus`. Returns false (and writes nothing) when nothing changed.
    pub fn update_pod_status(
        &mut self,
        namespace: String,
        name: String,
        uid: &str,
        bind: Option<String>,
        status: PodStatus,
    ) -> bool {
        let k = (namespace, name);
        let rv = self.resource_version + 1;
        let Some(p) = self.pods.get_mut(&k).filter(|p| p.metadata.uid == uid) else { return false };
        let rebinds = bind.as_ref().is_some_and(|n| *n != p.spec.node_name);
        if !rebinds && p.status == status {
            return false;
        }
        if let Some(n) = bind {
            p.spec.node_name = n;
        }
        let was_active = is_pod_active(p);
        p.status = status;
        p.metadata.resource_version = crate::naming::decimal(rv);
        let leaves = (was_active && !is_pod_active(p)).then(|| departure(p));
        self.resource_version = rv;
        self.note_write("Pod", &k.0, &k.1, false);
        if let Some((owner, left)) = leaves {
            self.causes.left("Pod", &k, owner.as_deref(), left);
        }
        true
    }

    /// Notes a write (a create, change or delete) in the change log.
    fn note_write(&mut self, kind: &'static str, ns: &str, name: &str, deleted: bool) {
        let key = key(ns, name);
        self.causes.note(kind, &key, deleted);
        self.changes.push(Change { kind, key, deleted });
    }

    /// Every write since a reader's `cursor`, oldest first; the cursor moves past them.
    pub fn changes_since(&self, cursor: &mut Cursor) -> impl Iterator<Item = &Change> + '_ {
        let from = std::mem::replace(cursor, self.changes.end());
        self.changes.since(from)
    }

    /// The keys of the objects of `kind` written (created, changed, deleted) since `cursor`,
    /// which moves past them. (A small set: a reader merges it into a bigger one with
    /// `BTreeSet::append`, cheaper than inserting each key there.)
    pub fn written_since(&self, cursor: &mut Cursor, kind: &str) -> std::collections::BTreeSet<Key> {
        let mut written = std::collections::BTreeSet::new();
        for c in self.changes_since(cursor) {
            if c.kind == kind {
                written.insert(c.key.clone());
            }
        }
        written
    }

    /// The change log's end: a reader starting now reads only later writes.
    pub fn changes_end(&self) -> Cursor {
        self.changes.end()
    }

    /// Forgets the writes before `cursor` (every reader has read them).
    pub fn forget_changes_before(&mut self, cursor: Cursor) {
        self.changes.trim(cursor);
    }

    /// Removes an object outright.
    pub fn delete_now(&mut self, kind: &str, ns: &str, name: &str) -> Option<Object> {
        let o = self.remove(kind, ns, name)?;
        self.created_seq.remove(&o.meta().uid);
        self.next_rv();
        self.note_write(o.kind(), &o.meta().namespace, &o.meta().name, true);
        // Its controller counted it until now only if it was active.
        let owner = match &o {
            Object::Pod(p) if !is_pod_active(p) => None,
            _ => o.meta().controller_ref().map(|r| r.uid.as_str()),
        };
        self.causes.left(o.kind(), &key(ns, name), owner, crate::causes::gone::Left::Deleted);
        Some(o)
    }

    /// Records an event, folding repeats into `count` as the event recorder does.
    pub fn record_event(&mut self, e: EventSpec, now: Time) {
        let hash = event_hash(&e);
        let same = |ev: &Event| {
            let o = &ev.involved_object;
            o.uid == e.involved.uid
                && o.name == e.involved.name
                && ev.reason == e.reason
                && ev.message == e.message
                && ev.source.component == e.component
        };
        let events = &mut self.events;
        let existing =
            self.event_index.get(&hash).and_then(|keys| keys.iter().find(|k| events.get(k).is_some_and(same)));
        if let Some(ev) = existing.and_then(|k| events.get_mut(k)) {
            if ev.last_timestamp == Some(now) && ev.count > 0 {
                // The same report again at the same instant (a controller re-running at one
                // moment): nothing new happened.
                return;
            }
            ev.count += 1;
            ev.last_timestamp = Some(now);
            self.resource_version += 1;
            ev.metadata.resource_version = crate::naming::decimal(self.resource_version);
            return;
        }
        let ns = if e.involved.namespace.is_empty() { "default" } else { e.involved.namespace.as_str() };
        // Upstream names events <object>.<hex unix-nanos>; our nanos are simulated.
        let base = (now.0 as u128 + 1_723_507_200_000) * 1_000_000;
        let last = self.event_nanos.get(ns).and_then(|m| m.get(&e.involved.name)).copied();
        let mut nanos = last.map_or(base, |l| base.max(l + 1));
        let event_name = |nanos: u128| {
            let mut s = String::with_capacity(e.involved.name.len() + 17);
            s.push_str(&e.involved.name);
            s.push('.');
            crate::naming::push_hex(&mut s, nanos, 0);
            s
        };
        let mut k = (ns.to_string(), event_name(nanos));
        // An event name is `<object>.<hex>` and names one object, whose last suffix is in
        // `event_nanos`: only an Event created some other way can hold the name.
        while self.events_from_outside && self.events.contains_key(&k) {
            nanos += 1;
            k.1 = event_name(nanos);
        }
        match self.event_nanos.get_mut(ns).and_then(|m| m.get_mut(&e.involved.name)) {
            Some(n) => *n = nanos,
            None => {
                self.event_nanos.entry(ns.to_string()).or_default().insert(e.involved.name.clone(), nanos);
            }
        }
        self.event_index.entry(hash).or_default().push(k.clone());
        let ev = Event {
            metadata: ObjectMeta { name: k.1, namespace: k.0, ..Default::default() },
            involved_object: e.involved,
            reason: e.reason.into(),
            message: e.message,
            source: EventSource { component: e.component.into(), host: e.host },
            first_timestamp: Some(now),
            last_timestamp: Some(now),
            count: 1,
            type_: e.type_.into(),
            ..Default::default()
        };
        self.add(Object::Event(ev), now);
    }

    /// Events about one object, oldest first (as `kubectl describe` lists them).
    pub fn events_for(&self, kind: &str, ns: &str, name: &str, uid: &str) -> Vec<&Event> {
        let mut v: Vec<&Event> = self
            .events
            .values()
            .filter(|e| {
                e.involved_object.kind == kind
                    && e.involved_object.name == name
                    && (e.involved_object.namespace == ns || e.involved_object.namespace.is_empty())
                    && (uid.is_empty() || e.involved_object.uid.is_empty() || e.involved_object.uid == uid)
            })
            .collect();
        kubelab_api::sort::by_key(&mut v, |e| {
            (e.first_timestamp, e.metadata.resource_version.parse::<u64>().unwrap_or(0))
        });
        v
    }

    /// Creation order key: (creationTimestamp, sequence).
    pub fn creation_order(&self, m: &ObjectMeta) -> (Time, u64) {
        (m.creation_timestamp.unwrap_or_default(), self.created_seq.get(&m.uid).copied().unwrap_or(0))
    }
}

/// What makes an event a repeat of another, hashed (a hash that two different events share
/// only makes `record_event` compare them).
fn event_hash(e: &EventSpec) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::fasthash::FxHasher::default();
    (&e.involved.uid, &e.involved.name, &e.reason, &e.message, e.component).hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn about_web() -> EventSpec {
        let involved = ObjectReference {
            kind: "Pod".into(),
            namespace: "default".into(),
            name: "web".into(),
            uid: "u1".into(),
            ..Default::default()
        };
        EventSpec::normal(involved, "Started", "Started container web".into(), "kubelet")
    }

    #[test]
    fn event_names_never_collide_with_one_made_by_hand() {
        let mut s = Store::default();
        let now = Time(5_000);
        // The name record_event would give first: <object>.<hex unix-nanos>.
        let taken = format!("web.{:x}", (now.0 as u128 + 1_723_507_200_000) * 1_000_000);
        let by_hand = Event {
            metadata: ObjectMeta { name: taken.clone(), namespace: "default".into(), ..Default::default() },
            ..Default::default()
        };
        s.create(Object::Event(by_hand), now);
        s.record_event(about_web(), now);
        let names: Vec<&String> = s.events.keys().map(|(_, n)| n).collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names.iter().any(|n| **n != taken && n.starts_with("web.")), "{names:?}");
    }

    #[test]
    fn a_status_write_holds_to_the_pod_it_was_meant_for() {
        // Upstream's status manager skips a write for a pod deleted and created again
        // under the same name ("Pod was deleted and then recreated, skipping status update").
        let mut s = Store::default();
        let mut p = Pod::default();
        p.metadata.name = "db-0".into();
        p.metadata.namespace = "default".into();
        let Object::Pod(stored) = s.create(Object::Pod(p), Time(0)) else { unreachable!() };
        let running = PodStatus { phase: "Running".into(), ..Default::default() };
        assert!(!s.update_pod_status("default".into(), "db-0".into(), "some-older-pod", None, running.clone()));
        assert_eq!(s.pods[&key("default", "db-0")].status.phase, "");
        assert!(s.update_pod_status(
            "default".into(),
            "db-0".into(),
            &stored.metadata.uid,
            Some("node-1".into()),
            running.clone()
        ));
        let now = &s.pods[&key("default", "db-0")];
        assert_eq!((&*now.status.phase, now.spec.node_name.as_str()), ("Running", "node-1"));
        assert!(
            !s.update_pod_status("default".into(), "db-0".into(), &stored.metadata.uid, Some("node-1".into()), running),
            "the same write again changes nothing"
        );
    }

    #[test]
    fn a_repeat_counts_and_a_new_report_gets_the_next_name() {
        let mut s = Store::default();
        s.record_event(about_web(), Time(1_000));
        s.record_event(about_web(), Time(2_000));
        let mut other = about_web();
        other.reason = "Killing";
        s.record_event(other, Time(2_000));
        let events: Vec<&Event> = s.events.values().collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events.iter().map(|e| e.count).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn objects_count_per_namespace_through_inserts_replacements_and_removes() {
        let cm = |n: &str| ConfigMap { data: [("n".to_string(), n.to_string())].into(), ..Default::default() };
        let mut m: Objects<ConfigMap> = Objects::default();
        m.insert(key("a", "x"), cm("1"));
        m.insert(key("a", "y"), cm("2"));
        assert_eq!(m.insert(key("a", "x"), cm("3")), Some(cm("1"))); // a replacement is not a new object
        m.insert(key("b", "x"), cm("4"));
        assert_eq!((m.in_namespace("a"), m.in_namespace("b"), m.in_namespace("c")), (2, 1, 0));
        assert_eq!(m.get(&key("a", "y")), Some(&cm("2")));
        let values: Vec<&ConfigMap> = m.values().collect();
        assert_eq!(values, [&cm("3"), &cm("2"), &cm("4")]);
        assert_eq!(m.remove(&key("a", "x")), Some(cm("3")));
        assert_eq!(m.remove(&key("a", "x")), None);
        assert_eq!((m.in_namespace("a"), m.len()), (1, 2));
    }
}
