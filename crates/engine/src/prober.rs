//! The kubelet's prober: one worker per probe of a running container (readiness, liveness,
//! startup), probing on its period and turning results into Ready, restarts and events.
//!
//! Upstream (pkg/kubelet/prober/worker.go, prober.go, pkg/probe/{http,tcp,exec}):
//! - a probe does not count before `initialDelaySeconds` have passed since the container
//!   started (whole seconds, truncated);
//! - readiness starts as failure, liveness and startup as success; a result only changes
//!   after `successThreshold` equal results in a row (`failureThreshold` for failures);
//! - every failed probe records a Warning `Unhealthy` event `<Kind> probe failed: <output>`;
//! - liveness (or startup) reaching its failure threshold kills the container ("Container
//!   app failed liveness probe, will be restarted") and the worker holds until the new one;
//! - readiness and liveness do not run until the startup probe has succeeded;
//! - an HTTP probe succeeds on a status from 200 to 399 and fails on a timeout after
//!   `timeoutSeconds` (Go's `Client.Timeout exceeded while awaiting headers`).
//!
//! One simplification: every worker ticks at the container's start and then every period
//! (upstream the readiness worker is triggered at start, the others tick from when the
//! pod was added).

use crate::images::{self, ImageRef};
use crate::kubelet;
use crate::kubelet::{Ctr, Phase};
use crate::store::Action;
use crate::traffic::{self, Outcome, Served, World};
use kubelab_api::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Startup,
    Liveness,
    Readiness,
}

impl ProbeKind {
    pub fn title(self) -> &'static str {
        match self {
            ProbeKind::Startup => "Startup",
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
        }
    }

    fn lower(self) -> &'static str {
        match self {
            ProbeKind::Startup => "startup",
            ProbeKind::Liveness => "liveness",
            ProbeKind::Readiness => "readiness",
        }
    }
}

/// One probe worker of one container instance.
#[derive(Clone, Debug, PartialEq)]
pub struct Worker {
    pub kind: ProbeKind,
    /// The next tick.
    pub next: Time,
    /// A probe in flight: when it completes, whether it passed, and its output.
    pub pending: Option<(Time, bool, String)>,
    /// The last result and how many times in a row it came.
    pub last: Option<bool>,
    pub run: u32,
    /// The result the kubelet acts on: readiness starts as failure, liveness as success,
    /// startup as unknown.
    pub result: Option<bool>,
    /// After a liveness/startup failure the worker waits for the next container.
    pub on_hold: bool,
}

impl Worker {
    /// The next moment this worker does something.
    pub fn next_wakeup(&self) -> Time {
        match &self.pending {
            Some((t, _, _)) => *t,
            None if self.on_hold => Time(u64::MAX),
            None => self.next,
        }
    }
}

/// The workers of a container that starts at `since`: startup, liveness, readiness.
pub fn workers(spec: &Container, since: Time) -> Vec<Worker> {
    let mut out = Vec::new();
    for (kind, p) in [
        (ProbeKind::Startup, &spec.startup_probe),
        (ProbeKind::Liveness, &spec.liveness_probe),
        (ProbeKind::Readiness, &spec.readiness_probe),
    ] {
        if p.is_some() {
            out.push(Worker {
                kind,
                next: since,
                pending: None,
                last: None,
                run: 0,
                result: match kind {
                    ProbeKind::Readiness => Some(false),
                    ProbeKind::Liveness => Some(true),
                    ProbeKind::Startup => None,
                },
                on_hold: false,
            });
        }
    }
    out
}

pub fn probe_of(spec: &Container, kind: ProbeKind) -> Option<&Probe> {
    match kind {
        ProbeKind::Startup => spec.startup_probe.as_deref(),
        ProbeKind::Liveness => spec.liveness_probe.as_deref(),
        ProbeKind::Readiness => spec.readiness_probe.as_deref(),
    }
}

pub fn period_ms(p: &Probe) -> u64 {
    p.period_seconds.unwrap_or(10).max(1) as u64 * 1000
}

fn timeout_ms(p: &Probe) -> u64 {
    p.timeout_seconds.unwrap_or(1).max(1) as u64 * 1000
}

/// Whether the startup probe (if any) has succeeded: `started` in the container status.
pub fn started(c: &Ctr) -> bool {
    c.probes.iter().filter(|w| w.kind == ProbeKind::Startup).all(|w| w.result == Some(true))
}

/// The port a probe checks, resolving a named port against the container's ports.
pub fn probe_port(spec: &Container, p: &Probe) -> Option<i32> {
    let port = p.http_get.as_ref().map(|h| &h.port).or(p.tcp_socket.as_ref().map(|t| &t.port))?;
    match port {
        IntOrString::Int(i) => Some(*i),
        IntOrString::String(name) => spec.ports.iter().find(|cp| cp.name == *name).map(|cp| cp.container_port),
    }
}

/// Whether a tick at `t` runs a probe, skips it, or (past the initial delay) counts.
pub fn counts(p: &Probe, since: Time, t: Time) -> bool {
    let elapsed_s = (t.0.saturating_sub(since.0) / 1000) as i64;
    elapsed_s >= p.initial_delay_seconds.unwrap_or(0) as i64
}

/// Runs one probe at `t` against container `ctr` of `pod`: when it completes, whether it
/// passed, and its output (the text of the `Unhealthy` event). An HTTP probe's request is
/// left in `request` (with its path) for the container's access log.
pub fn run(
    w: &mut World,
    pod: &Pod,
    spec: &Container,
    ctr: &Ctr,
    p: &Probe,
    t: Time,
    request: &mut Option<(Served, String)>,
) -> (Time, bool, String) {
    let ip = w.runtimes.get(&pod.metadata.uid).map(|r| r.pod_ip.clone()).unwrap_or_default();
    let timeout = timeout_ms(p);
    if let Some(h) = &p.http_get {
        let port = probe_port(spec, p).unwrap_or(0);
        let host = if h.host.is_empty() { ip.clone() } else { h.host.clone() };
        let path = if h.path.is_empty() { "/".to_string() } else { h.path.clone() };
        let scheme = if h.scheme.is_empty() { "http".to_string() } else { h.scheme.to_ascii_lowercase() };
        let url = format!("{scheme}://{host}:{port}{path}");
        let served = traffic::serve(w, &pod.metadata.namespace, &pod.metadata.name, port, "GET", &path, t, timeout);
        *request = Some((served.clone(), path.clone()));
        return match served.outcome {
            Outcome::Ok { status, .. } if (200..400).contains(&status) => (served.done_at, true, String::new()),
            Outcome::Ok { status, .. } => {
                (served.done_at, false, format!("HTTP probe failed with statuscode: {status}"))
            }
            Outcome::BadGateway => (served.done_at, false, "HTTP probe failed with statuscode: 502".into()),
            Outcome::Timeout => (
                Time(t.0 + timeout),
                false,
                format!("Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"),
            ),
            Outcome::EmptyReply => (served.done_at, false, format!("Get \"{url}\": EOF")),
            Outcome::Refused | Outcome::NoRoute => {
                (Time(t.0 + 1), false, format!("Get \"{url}\": dial tcp {host}:{port}: connect: connection refused"))
            }
        };
    }
    if p.tcp_socket.is_some() {
        let port = probe_port(spec, p).unwrap_or(0);
        // The kernel completes the handshake on a listening socket even while the process
        // is busy: a TCP probe only asks whether something listens.
        return if ctr.listens.contains(&port) {
            (Time(t.0 + 1), true, String::new())
        } else {
            (Time(t.0 + 1), false, format!("dial tcp {ip}:{port}: connect: connection refused"))
        };
    }
    if let Some(e) = &p.exec {
        // A command that outlives timeoutSeconds is cut off (ExecProbeTimeout).
        let words: Vec<&str> = e
            .command
            .iter()
            .flat_map(|w| w.split(|c: char| c.is_whitespace() || c == ';' || c == '&'))
            .filter(|w| !w.is_empty())
            .collect();
        let sleeps: u64 = words.windows(2).filter(|w| w[0] == "sleep").filter_map(|w| w[1].parse::<u64>().ok()).sum();
        if sleeps * 1000 >= timeout {
            return (Time(t.0 + timeout), false, format!("command {:?} timed out", e.command.join(" ")));
        }
        let (ok, out) = exec(&e.command, spec, ctr, t);
        return (Time(t.0 + 30 + sleeps * 1000), ok, out);
    }
    // gRPC: the lab's images do not serve the health service; taken as serving.
    (Time(t.0 + 1), true, String::new())
}

/// Whether `path` exists in the container at `t`: files every image has, and the files its
/// command creates and removes (`touch /tmp/healthy; sleep 30; rm -f /tmp/healthy`).
pub fn file_exists(ctr: &Ctr, spec: &Container, path: &str, t: Time) -> bool {
    const ALWAYS: &[&str] = &[
        "/",
        "/etc",
        "/tmp",
        "/etc/hosts",
        "/etc/hostname",
        "/etc/resolv.conf",
        "/etc/passwd",
        "/etc/os-release",
        "/bin/sh",
    ];
    if ALWAYS.contains(&path) {
        return true;
    }
    let repo = ImageRef::parse(&spec.image).repository;
    if repo.ends_with("/nginx") && (path == "/usr/share/nginx/html/index.html" || path == "/etc/nginx/nginx.conf") {
        return true;
    }
    let mut exists = false;
    for (f, created, removed) in &ctr.files {
        if f == path && *created <= t {
            exists = removed.is_none_or(|r| r > t);
        }
    }
    exists
}

/// BusyBox (and Alpine images) word their errors differently from GNU coreutils.
fn busybox(spec: &Container) -> bool {
    let r = ImageRef::parse(&spec.image);
    r.repository.ends_with("/busybox") || r.tag.contains("alpine")
}

/// An exec probe's command at `t`: its exit status (0 → true) and output. Commands the lab
/// does not model are taken to succeed.
pub fn exec(command: &[String], spec: &Container, ctr: &Ctr, t: Time) -> (bool, String) {
    let script = match command {
        [sh, flag, s, ..] if matches!(sh.as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash") && flag == "-c" => {
            s.clone()
        }
        _ => command
            .iter()
            .map(|w| if w.contains(' ') { format!("'{w}'") } else { w.clone() })
            .collect::<Vec<_>>()
            .join(" "),
    };
    let mut out = String::new();
    let mut ok = true;
    for part in script.split("&&") {
        let words: Vec<String> =
            part.split_whitespace().map(|w| w.trim_matches(|c| c == '\'' || c == '"').to_string()).collect();
        let Some(cmd) = words.first() else { continue };
        let args: Vec<&str> = words[1..].iter().map(|s| s.as_str()).filter(|a| !a.starts_with('-')).collect();
        let (good, text) = simple(cmd, &words, &args, spec, ctr, t);
        if !text.is_empty() {
            out.push_str(&text);
        }
        if !good {
            ok = false;
            break;
        }
    }
    (ok, out)
}

fn simple(cmd: &str, words: &[String], args: &[&str], spec: &Container, ctr: &Ctr, t: Time) -> (bool, String) {
    let bb = busybox(spec);
    let cmd = cmd.rsplit('/').next().unwrap_or(cmd);
    match cmd {
        "true" | ":" => (true, String::new()),
        "false" => (false, String::new()),
        "exit" => (args.first().is_none_or(|c| *c == "0"), String::new()),
        "cat" | "head" | "tail" => {
            for f in args {
                if !file_exists(ctr, spec, f, t) {
                    return (
                        false,
                        if bb {
                            format!("{cmd}: can't open '{f}': No such file or directory\n")
                        } else {
                            format!("{cmd}: {f}: No such file or directory\n")
                        },
                    );
                }
            }
            (true, String::new())
        }
        "ls" => {
            for f in args {
                if !file_exists(ctr, spec, f, t) {
                    return (
                        false,
                        if bb {
                            format!("ls: {f}: No such file or directory\n")
                        } else {
                            format!("ls: cannot access '{f}': No such file or directory\n")
                        },
                    );
                }
            }
            (true, args.join("\n") + "\n")
        }
        "test" | "[" => {
            let f = words.iter().skip(1).find(|w| !w.starts_with('-') && *w != "]").map(|s| s.as_str()).unwrap_or("");
            (file_exists(ctr, spec, f, t), String::new())
        }
        "redis-cli" => {
            if ctr.listens.contains(&6379) {
                (true, "PONG\n".into())
            } else {
                (false, "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n".into())
            }
        }
        "pg_isready" => {
            if ctr.listens.contains(&5432) {
                (true, "/var/run/postgresql:5432 - accepting connections\n".into())
            } else {
                (false, "/var/run/postgresql:5432 - no response\n".into())
            }
        }
        "echo" => (true, format!("{}\n", words[1..].join(" "))),
        _ => (true, String::new()),
    }
}

/// How a container killed by a failed probe ends: the image stops on SIGTERM within the
/// grace period (exit 0), or is killed when the period runs out (137). The probe's own
/// terminationGracePeriodSeconds, when set, overrides the pod's.
/// (kuberuntime's setTerminationGracePeriod; at least 2 s.)
pub fn kill_outcome(pod: &Pod, spec: &Container, p: &Probe) -> (u64, i32, String) {
    let grace = p.termination_grace_period_seconds.or(pod.spec.termination_grace_period_seconds).unwrap_or(30).max(2)
        as u64
        * 1000;
    let stop = images::lookup(&spec.image).map(|i| i.stop_ms).unwrap_or(1000);
    if stop < grace {
        (stop, 0, "Completed".into())
    } else {
        (grace, 137, "Error".into())
    }
}

/// Whether the container phase is one a prober acts on.
pub fn running_since(c: &Ctr) -> Option<Time> {
    match c.phase {
        Phase::Running { since, .. } => Some(since),
        _ => None,
    }
}

/// The event text for a killed container (computePodActions: no promise of a restart
/// under `restartPolicy: Never`).
pub fn killing_message(container: &str, kind: ProbeKind, restart_policy: &str) -> String {
    let restart = if restart_policy == "Never" { "" } else { ", will be restarted" };
    format!("Container {container} failed {} probe{restart}", kind.lower())
}

/// The probe workers' turn in a controller pass, and what a probe's result does.
impl crate::Engine {
    /// The kubelets' probe workers: every probe due by now runs (in time order per
    /// container) and its result moves Ready, restarts a container, or records an event.
    pub(crate) fn run_probes(&mut self) -> Vec<Action> {
        let now = self.now;
        let due: Vec<(String, usize)> = self
            .runtimes
            .iter()
            .flat_map(|(uid, rt)| {
                rt.containers
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| {
                        matches!(c.phase, kubelet::Phase::Running { .. })
                            && c.probes.iter().any(|w| w.next_wakeup() <= now)
                    })
                    .map(move |(i, _)| (uid.clone(), i))
            })
            .collect();
        // In uid order, whatever order the runtimes are held in.
        let mut due = due;
        kubelab_api::sort::natural(&mut due);
        let mut out = Vec::new();
        for (uid, ci) in due {
            let Some(key) = self.runtimes.get(&uid).map(|rt| rt.key.clone()) else {
                continue;
            };
            let Some(pod) = self.store.pods.get(&key).cloned() else {
                continue;
            };
            if pod.metadata.uid != uid || pod.metadata.deletion_timestamp.is_some() {
                continue;
            }
            let node_up = self.machines.get(&pod.spec.node_name).is_some_and(|m| m.alive && m.rejoin_at.is_none());
            if !node_up {
                continue; // a dead kubelet probes nothing
            }
            let Some(spec) = self
                .runtimes
                .get(&uid)
                .and_then(|rt| rt.containers.get(ci))
                .and_then(|c| pod.spec.containers.iter().find(|s| s.name == c.name))
                .cloned()
            else {
                continue;
            };
            self.probe_container(&pod, &spec, &uid, ci, &mut out);
        }
        out
    }

    /// Runs one container's due probes, one step at a time, earliest first, until nothing
    /// of it is due (a result arriving, a tick skipped, a probe sent).
    fn probe_container(&mut self, pod: &Pod, spec: &Container, uid: &str, ci: usize, out: &mut Vec<Action>) {
        let now = self.now;
        for _ in 0..10_000 {
            let Some(c) = self.runtimes.get(uid).and_then(|rt| rt.containers.get(ci)) else {
                break;
            };
            let Some(since) = running_since(c) else {
                break;
            };
            let Some((wi, at)) = c
                .probes
                .iter()
                .enumerate()
                .map(|(i, w)| (i, w.next_wakeup()))
                .filter(|(_, t)| *t <= now)
                .min_by_key(|(i, t)| (*t, *i))
            else {
                break;
            };
            let w = c.probes[wi].clone();
            let Some(probe) = probe_of(spec, w.kind).cloned() else {
                break;
            };
            if let Some((done, ok, output)) = w.pending.clone() {
                self.probe_result(pod, spec, &probe, uid, ci, wi, done, ok, output, out);
                continue;
            }
            let period = period_ms(&probe);
            let skip = w.on_hold || (w.kind != ProbeKind::Startup && !started(c)) || !counts(&probe, since, at);
            if skip {
                if let Some(rt) = self.runtime_mut(uid) {
                    rt.containers[ci].probes[wi].next = Time(at.0 + period);
                }
                continue;
            }
            let ctr = c.clone();
            let mut request = None;
            let headers = traffic::Headers::default();
            let (done, ok, output) =
                self.in_traffic_world(at, &headers, crate::network_policy::Client::Kubelet, |world| {
                    run(world, pod, spec, &ctr, &probe, at, &mut request)
                });
            if let Some((served, path)) = request {
                // The kubelet probes from the node's address on the pod network.
                let client =
                    self.machines.get(&pod.spec.node_name).map(|m| format!("10.244.{}.1", m.index)).unwrap_or_default();
                self.log_request(&served, &path, &client, "kube-probe/1.31");
            }
            // The ticker drops ticks while a probe runs.
            let mut next = Time(at.0 + period);
            while next < done {
                next = Time(next.0 + period);
            }
            if let Some(rt) = self.runtime_mut(uid) {
                let wk = &mut rt.containers[ci].probes[wi];
                wk.next = next;
                wk.pending = Some((done, ok, output));
            }
        }
    }

    /// A probe's result arrives at `at`: count it, and act when it crosses a threshold.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn probe_result(
        &mut self,
        pod: &Pod,
        spec: &Container,
        probe: &Probe,
        uid: &str,
        ci: usize,
        wi: usize,
        at: Time,
        ok: bool,
        output: String,
        out: &mut Vec<Action>,
    ) {
        let Some(rt) = self.runtime_mut(uid) else {
            return;
        };
        rt.settled = None;
        let c = &mut rt.containers[ci];
        let w = &mut c.probes[wi];
        w.pending = None;
        let kind = w.kind;
        let event = |type_: &'static str, reason: &'static str, message: String| {
            kubelet::event(pod, &pod.spec.node_name, type_, reason, message, Some(&spec.name))
        };
        if !ok {
            out.push(event("Warning", "Unhealthy", format!("{} probe failed: {}", kind.title(), output.trim_end())));
        }
        if w.last == Some(ok) {
            w.run += 1;
        } else {
            w.last = Some(ok);
            w.run = 1;
        }
        let threshold =
            if ok { probe.success_threshold.unwrap_or(1) } else { probe.failure_threshold.unwrap_or(3) }.max(1) as u32;
        if w.run < threshold {
            return;
        }
        w.result = Some(ok);
        match kind {
            ProbeKind::Readiness => {
                if let kubelet::Phase::Running { ready_at, .. } = &mut c.phase {
                    match (ok, ready_at.is_some()) {
                        (true, false) => *ready_at = Some(at),
                        (false, true) => *ready_at = None,
                        _ => {}
                    }
                }
            }
            _ if ok => {}
            _ => {
                w.on_hold = true;
                w.run = 0;
                let (stop, code, reason) = kill_outcome(pod, spec, probe);
                if let kubelet::Phase::Running { exit_at, .. } = &mut c.phase {
                    let end = Time(at.0 + stop.max(1));
                    if exit_at.as_ref().is_none_or(|e| e.0 > end) {
                        *exit_at = Some((end, code, reason));
                    }
                }
                out.push(event("Normal", "Killing", killing_message(&spec.name, kind, &pod.spec.restart_policy)));
            }
        }
    }

    /// Processes that a request made exit.
    pub(crate) fn apply_crashes(&mut self, crashes: Vec<(String, String, i32)>, t: Time) {
        if crashes.is_empty() {
            return;
        }
        self.touch();
        for (uid, container, code) in crashes {
            if let Some(rt) = self.runtime_mut(&uid) {
                rt.settled = None;
                if let Some(c) = rt.container_mut(&container) {
                    if let kubelet::Phase::Running { exit_at, .. } = &mut c.phase {
                        *exit_at = Some((Time(t.0 + 1), code, "Error".into()));
                    }
                }
            }
        }
        self.wakeups.insert(Time(t.0 + 1));
    }
}
