//! The container runtime as the kubelet sees it: each machine, each pod's runtime and its
//! containers' phases, and when a pod next has something to do.

use super::*;

/// One machine: a node's kubelet, container runtime and image cache.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    pub name: String,
    pub index: u32,
    pub ip: String,
    pub alive: bool,
    /// The last lease renewal before the machine went silent.
    pub last_renew: Time,
    /// When the kubelet will next post Ready after coming back.
    pub rejoin_at: Option<Time>,
    pub images: BTreeSet<String>,
    pub pull_busy_until: Time,
    /// When the first pull of each image on this machine completes (pulls queue one after
    /// another; one that starts after the image arrived only checks the manifest).
    pub pulled_at: BTreeMap<String, Time>,
    pub next_ip: u32,
}

impl Machine {
    pub fn new(name: &str, index: u32) -> Machine {
        Machine {
            name: name.into(),
            index,
            ip: format!("172.18.0.{}", index + 2),
            alive: true,
            last_renew: Time(0),
            rejoin_at: None,
            images: BTreeSet::new(),
            pull_busy_until: Time(0),
            pulled_at: BTreeMap::new(),
            next_ip: 2,
        }
    }
    pub fn pod_cidr(&self) -> String {
        format!("10.244.{}.0/24", self.index)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Waiting for the image; the pull ends at `done_at` (succeeding or not).
    Pulling { requested: Time, done_at: Time, ok: bool },
    /// A failed pull shown as ErrImagePull until the next sync.
    ErrImagePull { until: Time, message: String },
    /// Waiting out the back-off before the next pull.
    ImagePullBackOff { until: Time },
    /// Image present; created and started at `at`.
    Starting { at: Time },
    /// The process runs; it passes readiness from `ready_at` and exits at `exit_at` (its
    /// own exit, a failed liveness probe, or a kill).
    Running { since: Time, ready_at: Option<Time>, exit_at: Option<(Time, i32, String)> },
    /// The process ended. The kubelet notices at `at` + 1 s (PLEG) and then restarts it,
    /// backs off, or leaves it (restartPolicy).
    Exited { at: Time, exit_code: i32, reason: String, started: Time },
    /// Waiting out the restart back-off after repeated exits.
    CrashLoopBackOff { until: Time, backoff_ms: u64 },
    /// The pod's volumes are not mounted yet (a ConfigMap volume whose ConfigMap is missing):
    /// ContainerCreating, the next MountVolume.SetUp attempt at `retry_at` after `failures`.
    WaitingForVolumes { retry_at: Time, failures: u32 },
    /// The container's config could not be made (a ConfigMap or key its environment names
    /// is missing): CreateContainerConfigError until the pod worker retries at `until`.
    ConfigError { until: Time, message: String },
    /// Waiting for the container before it in the pod's spec to be started (ContainerCreating).
    /// The kubelet starts a new pod's containers one after another, each one's image pulled,
    /// then created and started, before the next is looked at (kuberuntime_manager.go
    /// SyncPod's start loop; "The kubelet never pulls multiple images in parallel on behalf
    /// of one Pod", Images concept page, "Serial and parallel image pulls").
    Queued,
}

impl Phase {
    /// Still on its way to its first start in this sync: the containers after it wait.
    pub(super) fn starting(&self) -> bool {
        matches!(self, Phase::Pulling { .. } | Phase::Starting { .. } | Phase::Queued | Phase::WaitingForVolumes { .. })
    }
}

/// Time for the kubelet to notice a container exit (PLEG relist period).
pub const PLEG_MS: u64 = 1_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Ctr {
    pub name: String,
    pub image: String,
    pub phase: Phase,
    pub restarts: i32,
    pub pull_failures: u32,
    pub last_terminated: Option<ContainerStateTerminated>,
    /// Log lines of the current instance and of the previous one (`logs --previous`).
    pub logs: Vec<(Time, crate::programs::Line)>,
    pub previous_logs: Vec<(Time, crate::programs::Line)>,
    /// Ports the running process listens on.
    pub listens: Vec<i32>,
    /// The probe workers of the running instance.
    pub probes: Vec<crate::prober::Worker>,
    /// Files the running process creates and removes: (path, created, removed).
    pub files: Vec<(String, Time, Option<Time>)>,
}

/// At most this many log lines are kept per container instance.
pub const MAX_LOG_LINES: usize = 2_000;

impl Ctr {
    pub fn log(&mut self, at: Time, line: impl Into<crate::programs::Line>) {
        if self.logs.len() >= MAX_LOG_LINES {
            self.logs.drain(..MAX_LOG_LINES / 4);
        }
        let line = line.into();
        // Lines arrive in time order, except a request's line stamped when it completes.
        let at_end = self.logs.last().is_none_or(|(t, _)| *t <= at);
        if at_end {
            self.logs.push((at, line));
        } else {
            let i = self.logs.partition_point(|(t, _)| *t <= at);
            self.logs.insert(i, (at, line));
        }
    }
}

/// Pod runtimes by pod uid (never iterated where order shows). Read through `Deref`;
/// changed only through `get_mut`, `insert` and `remove`, so a runtime handed out to be
/// changed forgets its remembered next wakeup (`PodRuntime::next_wakeup`), and so does the
/// earliest of them all (`Runtimes::next_wakeup`). `container_log` hands out an app
/// container's log, and only that: logs move no wakeup, so nothing is forgotten.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runtimes {
    pods: crate::fasthash::FastMap<String, PodRuntime>,
    earliest: WakeCache,
}

impl std::ops::Deref for Runtimes {
    type Target = crate::fasthash::FastMap<String, PodRuntime>;
    fn deref(&self) -> &Self::Target {
        &self.pods
    }
}

impl Runtimes {
    pub fn get_mut(&mut self, uid: &str) -> Option<&mut PodRuntime> {
        let rt = self.pods.get_mut(uid)?;
        rt.wake.0.set(None);
        self.earliest.0.set(None);
        Some(rt)
    }

    pub fn insert(&mut self, uid: String, rt: PodRuntime) {
        self.earliest.0.set(None);
        rt.wake.0.set(None);
        self.pods.insert(uid, rt);
    }

    pub fn remove(&mut self, uid: &str) -> Option<PodRuntime> {
        self.earliest.0.set(None);
        self.pods.remove(uid)
    }

    /// The log of a pod's app container (by its index in `spec.containers`).
    pub fn container_log(&mut self, uid: &str, index: usize) -> Option<ContainerLog<'_>> {
        self.pods.get_mut(uid)?.containers.get_mut(index).map(ContainerLog)
    }

    /// The earliest next wakeup of all the runtimes (`PodRuntime::next_wakeup`): asked at
    /// every instant (with traffic, every few milliseconds), so remembered as each
    /// runtime's is, until one of them is handed out to be changed.
    pub fn next_wakeup(&self, now: Time) -> Option<Time> {
        if let Some((at, next)) = self.earliest.0.get() {
            if at <= now && next.is_none_or(|t| t > now) {
                #[cfg(debug_assertions)]
                assert_eq!(next, self.work_out_next_wakeup(now), "a runtime changed without forgetting");
                return next;
            }
        }
        let next = self.work_out_next_wakeup(now);
        self.earliest.0.set(Some((now, next)));
        next
    }

    fn work_out_next_wakeup(&self, now: Time) -> Option<Time> {
        self.pods.values().filter_map(|rt| rt.next_wakeup(now)).min()
    }
}

/// A container's log, handed out without the rest of the container (`Runtimes::container_log`).
pub struct ContainerLog<'a>(&'a mut Ctr);

impl ContainerLog<'_> {
    pub fn running(&self) -> bool {
        matches!(self.0.phase, Phase::Running { .. })
    }

    pub fn log(&mut self, at: Time, line: impl Into<crate::programs::Line>) {
        self.0.log(at, line);
    }
}

/// A next wakeup as last worked out, and when: (asked at, answer); a runtime's own, or the
/// earliest of them all. Compares equal to any other: it is a remembered answer, not state.
#[derive(Clone, Debug, Default)]
pub struct WakeCache(std::cell::Cell<Option<(Time, Option<Time>)>>);

impl PartialEq for WakeCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// What one step of a container's timeline reads of it (`Kubelet::step`).
pub(super) struct Step<'a> {
    pub(super) name: &'a str,
    pub(super) image: &'a str,
    pub(super) phase: Phase,
    pub(super) restarts: i32,
    pub(super) pull_failures: u32,
}

/// One of a pod's containers in the runtime: an init container or an app container, by
/// its index in its list (the order the kubelet starts them in: init containers first).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Slot {
    Init(usize),
    App(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodRuntime {
    /// The app containers, as `spec.containers`.
    pub containers: Vec<Ctr>,
    /// The init containers, as `spec.initContainers`: run one at a time to completion (or,
    /// for a sidecar, `restartPolicy: Always`, started) before the app containers start.
    pub inits: Vec<Ctr>,
    /// All containers stopped by then; the kubelet then confirms the deletion.
    pub killing_until: Option<Time>,
    pub pod_ip: String,
    pub started: Time,
    /// The pod's namespace and name.
    pub key: (String, String),
    /// The pod's resourceVersion and the time when this kubelet last found nothing to do
    /// for it: until the pod changes or a container's next moment comes, syncing it again
    /// would change nothing.
    pub settled: Option<(String, Time)>,
    /// The ConfigMap volumes as mounted, by volume name (see `MountedConfigMap`).
    pub mounts: BTreeMap<String, MountedConfigMap>,
    /// `next_wakeup`'s last answer: the engine asks every runtime at every instant, and
    /// with traffic most instants change no runtime.
    pub wake: WakeCache,
}

/// A ConfigMap volume's files in a pod. The kubelet writes them when it mounts the volume
/// and rewrites them at its periodic sync (syncFrequency, 1 min), so a changed ConfigMap
/// reaches the pod up to a minute later; a `subPath` mount is a bind mount of the file as
/// it was at mount time and never changes (the ConfigMap docs: "A container using a
/// ConfigMap as a subPath volume mount will not receive ConfigMap updates").
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MountedConfigMap {
    /// The files when mounted (what `subPath` mounts see).
    pub at_mount: BTreeMap<String, String>,
    /// The files as of the last sync.
    pub files: BTreeMap<String, String>,
    /// The next periodic sync that rewrites `files`.
    pub next_sync: Time,
}

/// A kubelet has nothing to do for this pod now (see `Kubelet::sync_pod`).
pub fn pod_quiet(runtimes: &Runtimes, pod: &Pod, now: Time) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && runtimes.get(&pod.metadata.uid).is_some_and(|rt| {
            rt.settled.as_ref().is_some_and(|(rv, at)| {
                *rv == pod.metadata.resource_version && rt.next_wakeup(*at).is_none_or(|t| t > now)
            })
        })
}

/// The kubelet's periodic pod sync (syncFrequency).
pub const CONFIG_SYNC_MS: u64 = 60_000;

/// The ConfigMap volumes of `pod` as the kubelet would write them now: each volume's keys
/// (or its `items`, under their paths).
pub fn configmap_files(store: &Store, pod: &Pod) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for v in &pod.spec.volumes {
        let Some(cm) = v.config_map.as_ref() else { continue };
        let name = cm.get("name").and_then(|x| x.as_str()).unwrap_or("");
        let data = store
            .configmaps
            .get(&(pod.metadata.namespace.clone(), name.to_string()))
            .map(|c| c.data.clone())
            .unwrap_or_default();
        let files = match cm.get("items").and_then(|i| i.as_sequence()) {
            Some(items) => kubelab_api::sort::map(items.iter().filter_map(|i| {
                let key = i.get("key")?.as_str()?;
                Some((i.get("path").and_then(|p| p.as_str()).unwrap_or(key).to_string(), data.get(key)?.clone()))
            })),
            None => data,
        };
        out.insert(v.name.clone(), files);
    }
    out
}

impl PodRuntime {
    pub(super) fn slot(&self, s: Slot) -> &Ctr {
        match s {
            Slot::Init(i) => &self.inits[i],
            Slot::App(i) => &self.containers[i],
        }
    }

    pub(super) fn slot_mut(&mut self, s: Slot) -> &mut Ctr {
        match s {
            Slot::Init(i) => &mut self.inits[i],
            Slot::App(i) => &mut self.containers[i],
        }
    }

    /// Every container, init containers first.
    pub fn all_containers(&self) -> impl Iterator<Item = &Ctr> {
        self.inits.iter().chain(self.containers.iter())
    }

    /// The container named `name`, init or app.
    pub fn container_mut(&mut self, name: &str) -> Option<&mut Ctr> {
        self.inits.iter_mut().chain(self.containers.iter_mut()).find(|c| c.name == name)
    }

    /// Mounts the pod's ConfigMap volumes now.
    pub fn mount_configmaps(&mut self, store: &Store, pod: &Pod, now: Time) {
        self.mounts = kubelab_api::sort::map(configmap_files(store, pod).into_iter().map(|(v, files)| {
            (v, MountedConfigMap { at_mount: files.clone(), files, next_sync: Time(now.0 + CONFIG_SYNC_MS) })
        }));
    }

    /// Rewrites the mounted ConfigMaps whose periodic sync is due.
    pub fn sync_configmaps(&mut self, store: &Store, pod: &Pod, now: Time) {
        if self.mounts.values().all(|m| m.next_sync > now) {
            return;
        }
        let current = configmap_files(store, pod);
        for (v, m) in self.mounts.iter_mut() {
            while m.next_sync <= now {
                m.next_sync = Time(m.next_sync.0 + CONFIG_SYNC_MS);
                if let Some(files) = current.get(v) {
                    m.files = files.clone();
                }
            }
        }
    }

    /// The next instant this pod's state changes by itself: the earliest of its moments
    /// after `now`. Remembered until the runtime is next changed (`Runtimes::get_mut`): an
    /// answer worked out at `at` still holds at any later `now` before it.
    pub fn next_wakeup(&self, now: Time) -> Option<Time> {
        if let Some((at, next)) = self.wake.0.get() {
            if at <= now && next.is_none_or(|t| t > now) {
                #[cfg(debug_assertions)]
                assert_eq!(
                    next,
                    self.work_out_next_wakeup(now),
                    "a runtime changed without forgetting its next wakeup"
                );
                return next;
            }
        }
        let next = self.work_out_next_wakeup(now);
        self.wake.0.set(Some((now, next)));
        next
    }

    pub(super) fn work_out_next_wakeup(&self, now: Time) -> Option<Time> {
        let mut t: Option<Time> = self.killing_until.filter(|k| *k > now);
        // Only while a container runs does a rewritten file matter to anyone.
        if self.all_containers().any(|c| matches!(c.phase, Phase::Running { .. })) {
            if let Some(m) = self.mounts.values().map(|m| m.next_sync).filter(|m| *m > now).min() {
                t = Some(t.map_or(m, |x| x.min(m)));
            }
        }
        for c in self.all_containers() {
            let at = match &c.phase {
                Phase::Pulling { done_at, .. } => Some(*done_at),
                Phase::ErrImagePull { until, .. } => Some(*until),
                Phase::ImagePullBackOff { until } => Some(*until),
                Phase::Starting { at } => Some(*at),
                Phase::Running { ready_at, exit_at, .. } => {
                    let r = ready_at.filter(|r| *r > now);
                    let e = exit_at.as_ref().map(|x| x.0);
                    let p = c.probes.iter().map(|w| w.next_wakeup()).filter(|t| *t > now).min();
                    [r, e, p].into_iter().flatten().min()
                }
                Phase::Exited { at, .. } => Some(Time(at.0 + PLEG_MS)),
                Phase::CrashLoopBackOff { until, .. } => Some(*until),
                Phase::ConfigError { until, .. } => Some(*until),
                Phase::WaitingForVolumes { retry_at, .. } => Some(*retry_at),
                // Woken by the container before it.
                Phase::Queued => None,
            };
            // A moment already past (an exited container's, noticed long ago) is no wakeup,
            // and must not hide another container's next moment.
            if let Some(a) = at.filter(|a| *a > now) {
                t = Some(t.map_or(a, |x| x.min(a)));
            }
        }
        t.filter(|x| *x > now)
    }
}
