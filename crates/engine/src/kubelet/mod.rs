//! The node agent: for each pod bound to a live node, pull images (serialised per node, as
//! the kubelet's default `serializeImagePulls`), create and start containers, report status,
//! run readiness, back off failed pulls, and stop containers within the grace period.

use crate::controllers::is_restartable_init_container as is_sidecar;
use crate::images::{self, ImageRef};
use crate::naming::fnv32a_from;
use crate::store::{pod_status, Action, EventSpec, Store};
use kubelab_api::*;
use std::collections::{BTreeMap, BTreeSet};

pub mod queue;
mod runtime;
mod status;
pub use queue::WorkQueue;
pub use runtime::*;
pub use status::*;

pub const COMPONENT: &str = "kubelet";

/// Time from a pulled image to "Created" and "Started".
pub const CREATE_MS: u64 = 200;
/// How long a failing pull takes to fail.
pub const FAILED_PULL_MS: u64 = 1_200;
/// The pod worker's retry period after a failed sync (kubelet backOffPeriod).
pub const SYNC_RETRY_MS: u64 = 10_000;

/// The longest wait between two mount attempts (exponentialbackoff's 2m2s).
pub const MOUNT_BACKOFF_MAX_MS: u64 = 122_000;

/// A volume the kubelet cannot set up yet, and why, as MountVolume.SetUp says it: a
/// `configMap` volume whose ConfigMap does not exist (and is not `optional`).
pub fn volume_error(store: &Store, pod: &Pod) -> Option<(String, String)> {
    pod.spec.volumes.iter().find_map(|v| {
        let cm = v.config_map.as_ref()?;
        let name = cm.get("name").and_then(|x| x.as_str()).unwrap_or("").to_string();
        let optional = cm.get("optional").and_then(|x| x.as_bool()).unwrap_or(false);
        (!optional && !store.configmaps.contains_key(&(pod.metadata.namespace.clone(), name.clone())))
            .then(|| (v.name.clone(), format!("configmap \"{name}\" not found")))
    })
}

/// Why the kubelet cannot make a container's config, as makeEnvironmentVariables words it:
/// an `envFrom` ConfigMap, or a `valueFrom.configMapKeyRef` ConfigMap or key, that does not
/// exist and is not `optional`. (Secrets are not served by the lab, so their references are
/// not checked.)
pub fn config_error(store: &Store, pod: &Pod, c: &Container) -> Option<String> {
    let ns = &pod.metadata.namespace;
    let text = |v: &serde_yaml::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    let optional = |v: &serde_yaml::Value| v.get("optional").and_then(|x| x.as_bool()).unwrap_or(false);
    for from in &c.env_from {
        if let Some(r) = from.get("configMapRef") {
            let name = text(r, "name");
            if !store.configmaps.contains_key(&(ns.clone(), name.clone())) && !optional(r) {
                return Some(format!("configmap \"{name}\" not found"));
            }
        }
    }
    for e in &c.env {
        let Some(r) = e.value_from.as_ref().and_then(|f| f.get("configMapKeyRef")) else { continue };
        let (name, key) = (text(r, "name"), text(r, "key"));
        match store.configmaps.get(&(ns.clone(), name.clone())) {
            None if optional(r) => {}
            None => return Some(format!("configmap \"{name}\" not found")),
            Some(cm) if !cm.data.contains_key(&key) && !optional(r) => {
                return Some(format!("couldn't find key {key} in ConfigMap {ns}/{name}"))
            }
            Some(_) => {}
        }
    }
    None
}

/// Go's time.Duration.String for whole milliseconds (`3.2s`, `512ms`, `1m1.5s`).
pub fn go_duration(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = |v: u64| {
        let whole = v / 1000;
        let frac = v % 1000;
        if frac == 0 {
            format!("{whole}s")
        } else {
            format!("{whole}.{}s", format!("{frac:03}").trim_end_matches('0'))
        }
    };
    if ms < 60_000 {
        return secs(ms);
    }
    let m = ms / 60_000;
    if m < 60 {
        return format!("{m}m{}", secs(ms % 60_000));
    }
    format!("{}h{}m{}", m / 60, m % 60, secs(ms % 60_000))
}

/// 64 hex digits: FNV-32a of `<seed>/0` … `<seed>/7`, each as 8 digits.
fn hex64(seed: &str) -> String {
    let h = crate::naming::fnv32a(seed.as_bytes());
    let mut out = String::with_capacity(64);
    for i in 0..8u8 {
        crate::naming::push_hex(&mut out, fnv32a_from(h, &[b'/', b'0' + i]) as u128, 8);
    }
    out
}

/// A created container's `image` and `imageID` in its status.
/// - `image`: containerd reports the image's first repo tag, which it stores fully qualified
///   (`nginx:1.25` → `docker.io/library/nginx:1.25`; containerd's CRI `ContainerStatus`:
///   "Based on current behavior of dockershim, this field should be image tag",
///   `repoTags[0]`). An image named by digest has no tag to report and keeps the name it was
///   given. A container not created yet reports the spec's image.
/// - `imageID`: the repository and a digest of the image it ran.
fn runtime_image(image: &str) -> (String, String) {
    let r = ImageRef::parse(image);
    let full = r.full();
    let id = format!("{}@sha256:{}", r.repository, hex64(&full));
    (if image.contains('@') { image.to_string() } else { full }, id)
}

/// A container's `containerID`, one per pod, container and restart.
fn container_id(pod: &Pod, c: &Ctr) -> String {
    format!("containerd://{}", hex64(&format!("{}/{}/{}", pod.metadata.uid, c.name, c.restarts)))
}

fn pull_backoff(failures: u32, initial: u64, max: u64) -> u64 {
    let shift = failures.saturating_sub(1).min(16);
    (initial << shift).min(max)
}

/// An event a node's kubelet (`host`) records about `pod`, about one of its containers when
/// `field` names it: the pod's reference without its resourceVersion, as the kubelet's
/// events carry.
pub fn event(
    pod: &Pod,
    host: &str,
    type_: &'static str,
    reason: &'static str,
    message: String,
    field: Option<&str>,
) -> Action {
    let m = &pod.metadata;
    let involved = ObjectReference {
        kind: "Pod".into(),
        namespace: m.namespace.clone(),
        name: m.name.clone(),
        uid: m.uid.clone(),
        api_version: "v1".into(),
        resource_version: String::new(),
        field_path: field
            .map(|c| {
                let list = if pod.spec.init_containers.iter().any(|i| i.name == c) {
                    "spec.initContainers{"
                } else {
                    "spec.containers{"
                };
                [list, c, "}"].concat()
            })
            .unwrap_or_default(),
    };
    Action::Event(EventSpec { involved, type_, reason, message, component: COMPONENT, host: host.to_string() })
}

/// The kubelet of one node, with the runtime state of its pods.
pub struct Kubelet<'a> {
    pub machine: &'a mut Machine,
    pub runtimes: &'a mut Runtimes,
    pub timings: &'a crate::config::Timings,
}

impl Kubelet<'_> {
    fn event(&self, pod: &Pod, type_: &'static str, reason: &'static str, msg: String, field: Option<&str>) -> Action {
        event(pod, &self.machine.name, type_, reason, msg, field)
    }

    /// One sync of every pod bound to this node (`pods`: this node's pods).
    pub fn sync(&mut self, store: &Store, pods: &[&Pod], now: Time) -> Vec<Action> {
        let mut out = Vec::new();
        if !self.machine.alive {
            return out;
        }
        if !store.nodes.contains_key(&(String::new(), self.machine.name.clone())) {
            return out; // not registered: the kubelet runs nothing until its Node exists
        }
        // A pod with nothing to do (see `sync_pod`) is left out before sorting: syncing one
        // pod never changes whether another is quiet, so this is the same work, cheaper.
        let mut pods: Vec<&Pod> = pods.iter().copied().filter(|p| !self.quiet(p, now)).collect();
        kubelab_api::sort::by_key(&mut pods, |p| store.creation_order(&p.metadata));
        for pod in pods {
            self.sync_pod(pod, now, &mut out, store);
        }
        out
    }

    /// Nothing to do for this pod now: it is not being deleted, it has not changed since
    /// this kubelet last found its status current, and none of its moments has come.
    fn quiet(&self, pod: &Pod, now: Time) -> bool {
        pod_quiet(self.runtimes, pod, now)
    }

    /// Syncs a pod that is not quiet (`sync` leaves the quiet ones out).
    fn sync_pod(&mut self, pod: &Pod, now: Time, out: &mut Vec<Action>, store: &Store) {
        if pod.metadata.deletion_timestamp.is_some() {
            self.terminate(pod, now, out);
            return;
        }
        let uid = pod.metadata.uid.as_str();
        if !self.runtimes.contains_key(uid) {
            self.admit(pod, now, out, store);
        }
        if let Some(rt) = self.runtimes.get_mut(uid) {
            rt.sync_configmaps(store, pod, now);
        }
        self.step(pod, now, out, store);
        // (Updated where it is held: taking it out and back costs two hashes and copies.)
        let Some(rt) = self.runtimes.get_mut(uid) else { return };
        let status = Self::status(&self.machine.ip, pod, rt, now);
        if status != pod.status {
            rt.settled = None;
            out.push(pod_status(pod, None, status));
        } else {
            rt.settled = Some((pod.metadata.resource_version.clone(), now));
        }
    }

    fn admit(&mut self, pod: &Pod, now: Time, out: &mut Vec<Action>, store: &Store) {
        let ip = format!("10.244.{}.{}", self.machine.index, self.machine.next_ip);
        self.machine.next_ip = if self.machine.next_ip >= 254 { 2 } else { self.machine.next_ip + 1 };
        let key = (pod.metadata.namespace.clone(), pod.metadata.name.clone());
        let mut rt = PodRuntime {
            containers: Vec::new(),
            inits: Vec::new(),
            killing_until: None,
            pod_ip: ip,
            started: now,
            key,
            settled: None,
            mounts: BTreeMap::new(),
            wake: WakeCache::default(),
        };
        // WaitForAttachAndMount comes before any image is pulled.
        let volumes_missing = volume_error(store, pod).is_some();
        let mut waits = false;
        for (init, c) in
            pod.spec.init_containers.iter().map(|c| (true, c)).chain(pod.spec.containers.iter().map(|c| (false, c)))
        {
            let phase = if volumes_missing {
                Phase::WaitingForVolumes { retry_at: now, failures: 0 }
            } else if waits {
                Phase::Queued
            } else {
                self.begin_pull(pod, c, now, out)
            };
            // The next container waits while this one is on its way to starting, and
            // always after an init container that must run to completion first.
            waits = phase.starting() || (init && !is_sidecar(c));
            let list = if init { &mut rt.inits } else { &mut rt.containers };
            list.push(Ctr {
                name: c.name.clone(),
                image: c.image.clone(),
                phase,
                restarts: 0,
                pull_failures: 0,
                last_terminated: None,
                logs: Vec::new(),
                previous_logs: Vec::new(),
                listens: Vec::new(),
                probes: Vec::new(),
                files: Vec::new(),
            });
        }
        if !volumes_missing {
            rt.mount_configmaps(store, pod, now);
        }
        self.runtimes.insert(pod.metadata.uid.clone(), rt);
    }

    /// EnsureImageExists: already present, pull, or fail.
    fn begin_pull(&mut self, pod: &Pod, c: &Container, now: Time, out: &mut Vec<Action>) -> Phase {
        let full = ImageRef::parse(&c.image).full();
        let present = self.machine.images.contains(&full);
        if c.image_pull_policy != "Always" && present {
            out.push(self.event(
                pod,
                "Normal",
                "Pulled",
                ["Container image \"", &c.image, "\" already present on machine"].concat(),
                Some(&c.name),
            ));
            return Phase::Starting { at: Time(now.0 + CREATE_MS) };
        }
        if c.image_pull_policy == "Never" {
            let msg = format!("Container image \"{}\" is not present with pull policy of Never", c.image);
            out.push(self.event(pod, "Warning", "ErrImageNeverPull", msg.clone(), Some(&c.name)));
            return Phase::ErrImagePull { until: Time(u64::MAX), message: msg };
        }
        out.push(self.event(pod, "Normal", "Pulling", format!("Pulling image \"{}\"", c.image), Some(&c.name)));
        let info = images::lookup(&c.image);
        let start = now.max(self.machine.pull_busy_until);
        let arrived_by_start = self.machine.pulled_at.get(&full).is_some_and(|t| *t <= start);
        let dur = match (&info, present || arrived_by_start) {
            (Some(_), true) => 400,
            (Some(i), false) => i.pull_ms,
            (None, _) => FAILED_PULL_MS,
        };
        let done = Time(start.0 + dur);
        self.machine.pull_busy_until = done;
        if info.is_some() {
            self.machine.pulled_at.entry(full).or_insert(done);
        }
        Phase::Pulling { requested: now, done_at: done, ok: info.is_some() }
    }

    /// Moves each container along its timeline up to `now`.
    fn step(&mut self, pod: &Pod, now: Time, out: &mut Vec<Action>, store: &Store) {
        let uid = pod.metadata.uid.as_str();
        // Init containers first, then the app containers (not collected: this runs at every sync).
        let (inits, n) = {
            let rt = &self.runtimes[uid];
            (rt.inits.len(), rt.inits.len() + rt.containers.len())
        };
        let slot_at = |k: usize| if k < inits { Slot::Init(k) } else { Slot::App(k - inits) };
        let no_spec = Container::default();
        let spec_of = |slot: Slot, name: &str| {
            let list = if matches!(slot, Slot::Init(_)) { &pod.spec.init_containers } else { &pod.spec.containers };
            list.iter().find(|c| c.name == name).unwrap_or(&no_spec)
        };
        // When the container before this one got past its start (started, or failed to be
        // pulled or configured): a queued container's turn comes then.
        let mut turn: Option<Time> = None;
        for k in 0..n {
            let slot = slot_at(k);
            let mut left_starting: Option<Time> = None;
            // (No transition changes a container's name or image: they are copied once, not
            // at each step.)
            let (name, image) = {
                let c = self.runtimes[uid].slot(slot);
                (c.name.clone(), c.image.clone())
            };
            // An init container is a sidecar (restartPolicy: Always) or runs to completion.
            let sidecar = matches!(slot, Slot::Init(_)) && is_sidecar(spec_of(slot, &name));
            let run_to_completion = matches!(slot, Slot::Init(_)) && !sidecar;
            // Several transitions can fall due at one instant.
            for _ in 0..8 {
                // Only what the transition needs (not the container's log).
                let ctr = {
                    let c = self.runtimes[uid].slot(slot);
                    Step {
                        name: &name,
                        image: &image,
                        phase: c.phase.clone(),
                        restarts: c.restarts,
                        pull_failures: c.pull_failures,
                    }
                };
                let spec = spec_of(slot, ctr.name);
                // Why the container's config cannot be made, looked at when it is due to start.
                let config = match &ctr.phase {
                    Phase::Starting { at } if *at <= now => config_error(store, pod, spec),
                    _ => None,
                };
                let next = match &ctr.phase {
                    Phase::Pulling { requested, done_at, ok } if *done_at <= now => {
                        let full = ImageRef::parse(ctr.image).full();
                        if *ok {
                            self.machine.images.insert(full);
                            let info = images::lookup(ctr.image).unwrap_or(images::ImageInfo {
                                size_bytes: 0,
                                pull_ms: 0,
                                start_ms: 0,
                                stop_ms: 0,
                                usage: Default::default(),
                            });
                            let took = done_at.0 - requested.0;
                            let own = took.min(if info.pull_ms == 0 { took } else { took.min(info.pull_ms.max(400)) });
                            out.push(self.event(
                                pod,
                                "Normal",
                                "Pulled",
                                format!(
                                    "Successfully pulled image \"{}\" in {} ({} including waiting). Image size: {} bytes.",
                                    ctr.image,
                                    go_duration(own),
                                    go_duration(took),
                                    info.size_bytes
                                ),
                                Some(ctr.name),
                            ));
                            Some((Phase::Starting { at: Time(done_at.0 + CREATE_MS) }, 0))
                        } else {
                            let err = format!("rpc error: code = NotFound desc = {}", images::pull_error(ctr.image));
                            out.push(self.event(
                                pod,
                                "Warning",
                                "Failed",
                                format!("Failed to pull image \"{}\": {err}", ctr.image),
                                Some(ctr.name),
                            ));
                            out.push(self.event(
                                pod,
                                "Warning",
                                "Failed",
                                "Error: ErrImagePull".into(),
                                Some(ctr.name),
                            ));
                            Some((Phase::ErrImagePull { until: Time(done_at.0 + SYNC_RETRY_MS), message: err }, 1))
                        }
                    }
                    Phase::ErrImagePull { until, .. } if *until <= now => {
                        let b = pull_backoff(
                            ctr.pull_failures,
                            self.timings.backoff_initial_ms,
                            self.timings.backoff_max_ms,
                        );
                        out.push(self.event(
                            pod,
                            "Normal",
                            "BackOff",
                            format!("Back-off pulling image \"{}\"", ctr.image),
                            Some(ctr.name),
                        ));
                        out.push(self.event(
                            pod,
                            "Warning",
                            "Failed",
                            "Error: ImagePullBackOff".into(),
                            Some(ctr.name),
                        ));
                        Some((Phase::ImagePullBackOff { until: Time(until.0 + b) }, 0))
                    }
                    Phase::ImagePullBackOff { until } if *until <= now => {
                        let at = *until;
                        Some((self.begin_pull(pod, spec, at, out), 0))
                    }
                    Phase::Starting { at } if *at <= now && config.is_some() => {
                        // generateContainerConfig failed: the event says why, the container
                        // waits in CreateContainerConfigError, and the pod worker tries again
                        // after its back-off (kubelet backOffPeriod, 10 s).
                        let message = config.clone().unwrap_or_default();
                        out.push(self.event(pod, "Warning", "Failed", format!("Error: {message}"), Some(ctr.name)));
                        Some((Phase::ConfigError { until: Time(at.0 + SYNC_RETRY_MS), message }, 0))
                    }
                    Phase::WaitingForVolumes { retry_at, failures } if *retry_at <= now => {
                        let at = *retry_at;
                        match volume_error(store, pod) {
                            // The operation executor retries a failed SetUp after 0.5 s,
                            // doubling up to 2m2s (exponentialbackoff); one event per attempt.
                            Some((volume, why)) => {
                                if k == 0 {
                                    out.push(self.event(
                                        pod,
                                        "Warning",
                                        "FailedMount",
                                        format!("MountVolume.SetUp failed for volume \"{volume}\" : {why}"),
                                        None,
                                    ));
                                }
                                let wait = (500u64 << (*failures).min(8)).min(MOUNT_BACKOFF_MAX_MS);
                                Some((
                                    Phase::WaitingForVolumes { retry_at: Time(at.0 + wait), failures: failures + 1 },
                                    0,
                                ))
                            }
                            None => {
                                if k == 0 {
                                    if let Some(rt) = self.runtimes.get_mut(uid) {
                                        rt.mount_configmaps(store, pod, at);
                                    }
                                    Some((self.begin_pull(pod, spec, at, out), 0))
                                } else {
                                    // The containers then start one after another.
                                    Some((Phase::Queued, 0))
                                }
                            }
                        }
                    }
                    Phase::Queued => {
                        // After an init container that runs to completion: once it has exited
                        // successfully and the kubelet has noticed (PLEG). After any other:
                        // once it got past its start, in this sync (`turn`), or before (now,
                        // the safe fallback).
                        let at = match k.checked_sub(1).map(slot_at) {
                            None => Some(now),
                            Some(prev) => {
                                let p = self.runtimes[uid].slot(prev);
                                if matches!(prev, Slot::Init(_)) && !is_sidecar(spec_of(prev, &p.name)) {
                                    match p.phase {
                                        Phase::Exited { at, exit_code: 0, .. } if Time(at.0 + PLEG_MS) <= now => {
                                            Some(Time(at.0 + PLEG_MS))
                                        }
                                        _ => None,
                                    }
                                } else {
                                    turn.or((!p.phase.starting()).then_some(now))
                                }
                            }
                        };
                        at.map(|at| (self.begin_pull(pod, spec, at, out), 0))
                    }
                    Phase::ConfigError { until, .. } if *until <= now => {
                        // Every attempt starts from EnsureImageExists (another Pulled event).
                        let at = *until;
                        Some((self.begin_pull(pod, spec, at, out), 0))
                    }
                    Phase::Starting { at } if *at <= now => {
                        out.push(self.event(
                            pod,
                            "Normal",
                            "Created",
                            ["Created container ", ctr.name].concat(),
                            Some(ctr.name),
                        ));
                        out.push(self.event(
                            pod,
                            "Normal",
                            "Started",
                            ["Started container ", ctr.name].concat(),
                            Some(ctr.name),
                        ));
                        let since = *at;
                        let started = crate::programs::start(pod, spec, since, &StoreResolver(store));
                        let c = self.runtimes.get_mut(uid).unwrap().slot_mut(slot);
                        for (dt, line) in started.logs {
                            c.log(Time(since.0 + dt), line);
                        }
                        c.listens = started.listens;
                        c.files = started
                            .files
                            .into_iter()
                            .map(|(f, a, b)| (f, Time(since.0 + a), b.map(|b| Time(since.0 + b))))
                            .collect();
                        // The probe workers run for app containers only: a sidecar's probes
                        // are not modelled, so it counts as started and ready once it runs
                        // (rather than waiting for ever on a probe nothing runs).
                        let probed = matches!(slot, Slot::App(_));
                        c.probes = if probed { crate::prober::workers(spec, since) } else { Vec::new() };
                        let exit_at = started.exit.map(|(dt, code, reason)| (Time(since.0 + dt), code, reason));
                        // Without a readiness probe a running container is ready; with one,
                        // not until the probe passes.
                        let ready_at = if spec.readiness_probe.is_some() && probed { None } else { Some(since) };
                        Some((Phase::Running { since, ready_at, exit_at }, 0))
                    }
                    Phase::Running { since, exit_at: Some((t, code, reason)), .. } if *t <= now => {
                        let c = self.runtimes.get_mut(uid).unwrap().slot_mut(slot);
                        c.probes.clear();
                        c.listens.clear();
                        Some((Phase::Exited { at: *t, exit_code: *code, reason: reason.clone(), started: *since }, 0))
                    }
                    Phase::Exited { at, exit_code, reason, started } if Time(at.0 + PLEG_MS) <= now => {
                        let restart = match pod.spec.restart_policy.as_str() {
                            // A sidecar is restarted whatever the pod's policy.
                            _ if sidecar => true,
                            "Never" => false,
                            "OnFailure" => *exit_code != 0,
                            // An init container that succeeded is done; one that failed runs again.
                            _ if run_to_completion => *exit_code != 0,
                            _ => true,
                        };
                        if !restart {
                            None
                        } else {
                            let term = ContainerStateTerminated {
                                exit_code: *exit_code,
                                reason: reason.clone(),
                                started_at: Some(*started),
                                finished_at: Some(*at),
                                container_id: format!(
                                    "containerd://{}",
                                    hex64(&format!("{}/{}/{}", pod.metadata.uid, ctr.name, ctr.restarts))
                                ),
                                ..Default::default()
                            };
                            let noticed = Time(at.0 + PLEG_MS);
                            let c = self.runtimes.get_mut(uid).unwrap().slot_mut(slot);
                            c.last_terminated = Some(term);
                            if c.restarts == 0 {
                                // The first restart is immediate.
                                c.restarts += 1;
                                c.previous_logs = std::mem::take(&mut c.logs);
                                Some((self.begin_pull(pod, spec, noticed, out), 0))
                            } else {
                                let b = pull_backoff(
                                    c.restarts as u32,
                                    self.timings.backoff_initial_ms,
                                    self.timings.backoff_max_ms,
                                );
                                out.push(self.event(
                                    pod,
                                    "Warning",
                                    "BackOff",
                                    format!(
                                        "Back-off restarting failed container {} in pod {}_{}({})",
                                        ctr.name, pod.metadata.name, pod.metadata.namespace, pod.metadata.uid
                                    ),
                                    Some(ctr.name),
                                ));
                                Some((Phase::CrashLoopBackOff { until: Time(noticed.0 + b), backoff_ms: b }, 0))
                            }
                        }
                    }
                    Phase::CrashLoopBackOff { until, .. } if *until <= now => {
                        let at = *until;
                        let c = self.runtimes.get_mut(uid).unwrap().slot_mut(slot);
                        c.restarts += 1;
                        c.previous_logs = std::mem::take(&mut c.logs);
                        Some((self.begin_pull(pod, spec, at, out), 0))
                    }
                    _ => None,
                };
                match next {
                    Some((phase, failures)) => {
                        if ctr.phase.starting() && !phase.starting() {
                            // The moment the start ended: the pull's end, or the start itself.
                            left_starting = match &ctr.phase {
                                Phase::Pulling { done_at, .. } => Some(*done_at),
                                Phase::Starting { at } => Some(*at),
                                Phase::WaitingForVolumes { retry_at, .. } => Some(*retry_at),
                                _ => Some(now),
                            };
                        }
                        let c = self.runtimes.get_mut(uid).unwrap().slot_mut(slot);
                        c.phase = phase;
                        c.pull_failures += failures;
                    }
                    None => break,
                }
            }
            turn = left_starting;
        }
    }

    /// The pod is being deleted: stop its containers, then confirm the deletion.
    fn terminate(&mut self, pod: &Pod, now: Time, out: &mut Vec<Action>) {
        let uid = pod.metadata.uid.as_str();
        let Some(rt) = self.runtimes.get_mut(uid) else {
            out.push(Action::Delete {
                kind: "Pod",
                namespace: pod.metadata.namespace.clone(),
                name: pod.metadata.name.clone(),
                grace: Some(0),
            });
            return;
        };
        if rt.killing_until.is_none() {
            let grace_ms = pod.metadata.deletion_grace_period_seconds.unwrap_or(30).max(0) as u64 * 1000;
            let mut longest = 0;
            let mut events = Vec::new();
            for c in rt.containers.iter_mut().chain(rt.inits.iter_mut().rev()) {
                let started = match c.phase {
                    Phase::Running { since, .. } => Some(since),
                    Phase::Starting { at } => Some(at),
                    _ => None,
                };
                if started.is_some() {
                    let stop = images::lookup(&c.image).map(|i| i.stop_ms).unwrap_or(1000).min(grace_ms);
                    longest = longest.max(stop);
                    events.push(c.name.clone());
                }
                c.phase = Phase::Exited {
                    at: Time(u64::MAX / 2),
                    exit_code: 0,
                    reason: "Completed".into(),
                    started: started.unwrap_or(now),
                };
            }
            rt.killing_until = Some(Time(now.0 + longest));
            for name in events {
                out.push(self.event(pod, "Normal", "Killing", format!("Stopping container {name}"), Some(&name)));
            }
            if longest > 0 {
                // The pod stops being ready as soon as its containers are told to stop.
                let mut next = pod.status.clone();
                for c in &mut next.conditions {
                    if (c.type_ == "Ready" || c.type_ == "ContainersReady") && c.status == "True" {
                        c.status = "False".into();
                        c.last_transition_time = Some(now);
                    }
                }
                for cs in &mut next.container_statuses {
                    cs.ready = false;
                }
                if next != pod.status {
                    out.push(pod_status(pod, None, next));
                }
                return;
            }
        }
        if self.runtimes.get(uid).and_then(|r| r.killing_until).is_some_and(|t| t <= now) {
            self.runtimes.remove(uid);
            out.push(Action::Delete {
                kind: "Pod",
                namespace: pod.metadata.namespace.clone(),
                name: pod.metadata.name.clone(),
                grace: Some(0),
            });
        }
    }

    /// The machine came back after losing power: every container it ran died with it.
    pub fn power_loss(&mut self, store: &Store, at: Time) {
        for p in store.pods.values().filter(|p| p.spec.node_name == self.machine.name) {
            if let Some(rt) = self.runtimes.get_mut(&p.metadata.uid) {
                rt.settled = None;
                for c in rt.containers.iter_mut().chain(rt.inits.iter_mut().rev()) {
                    if let Phase::Running { since, .. } = c.phase {
                        c.last_terminated = Some(ContainerStateTerminated {
                            exit_code: 255,
                            reason: "Unknown".into(),
                            started_at: Some(since),
                            finished_at: Some(at),
                            ..Default::default()
                        });
                        c.restarts += 1;
                        c.previous_logs = std::mem::take(&mut c.logs);
                        c.phase = Phase::Starting { at };
                    } else if let Phase::Starting { .. } | Phase::Exited { .. } | Phase::CrashLoopBackOff { .. } =
                        c.phase
                    {
                        c.phase = Phase::Starting { at };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_ids_hash_each_suffix() {
        // The ids `kubectl describe` shows: FNV-32a of "<uid>/<container>/<restarts>/<i>".
        let seed = "1b4e28ba-2fa1-41d2-883f-0016d3cca427/web/0";
        let by_format: String =
            (0..8).map(|i| format!("{:08x}", crate::naming::fnv32a(format!("{seed}/{i}").as_bytes()))).collect();
        assert_eq!(hex64(seed), by_format);
        assert_eq!(hex64(seed).len(), 64);
    }

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(512), "512ms");
        assert_eq!(go_duration(3200), "3.2s");
        assert_eq!(go_duration(61_500), "1m1.5s");
    }

    #[test]
    fn pull_backoff_doubles_from_10s_to_300s() {
        let seq: Vec<u64> = (1..=7).map(|n| pull_backoff(n, 10_000, 300_000) / 1000).collect();
        assert_eq!(seq, vec![10, 20, 40, 80, 160, 300, 300]);
    }
}
