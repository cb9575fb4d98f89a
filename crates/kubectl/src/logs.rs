//! `kubectl logs` and the lab's `lab pod kill`.

use crate::args::{flag, parse, Args, FlagSpec};
use crate::selector::Selector;
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::store::Store;
use kubelab_engine::Engine;

const LOGS_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("previous", Some('p'), false),
    flag("tail", None, true),
    flag("timestamps", None, false),
    flag("follow", Some('f'), false),
    flag("selector", Some('l'), true),
    flag("all-containers", None, false),
    flag("prefix", None, false),
    flag("since", None, true),
    flag("since-time", None, true),
    flag("max-log-requests", None, true),
];

/// RFC3339Nano as the kubelet prefixes lines with `--timestamps`.
fn nano(t: Time) -> String {
    let s = t.rfc3339();
    format!("{}.{:03}000000Z", &s[..19], t.0 % 1000)
}

/// Which pods to read: NAME, pod/NAME, TYPE/NAME (the first of its pods) or `-l`. Nothing
/// found by `-l` is an answer of its own ("No resources found").
fn pods_to_read(store: &Store, a: &Args, ns: &str, out: &mut Output) -> Result<Vec<Pod>, Output> {
    let mut pods: Vec<Pod> = Vec::new();
    if let Some(sel) = a.get("selector") {
        let s = match Selector::parse(sel) {
            Ok(s) => s,
            Err(e) => return Err(Output::error(format!("error: {e}"))),
        };
        pods = store
            .pods
            .values()
            .filter(|p| p.metadata.namespace == ns && s.matches(&p.metadata.labels))
            .cloned()
            .collect();
        if pods.is_empty() {
            let mut out = Output::new();
            out.warn(format!("No resources found in {ns} namespace."));
            return Err(out);
        }
        pods.truncate(a.get("max-log-requests").and_then(|m| m.parse().ok()).unwrap_or(5));
    } else {
        let Some(target) = a.positional.first() else {
            return Err(Output::error("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"));
        };
        let (kind, name) = match target.split_once('/') {
            Some((t, n)) => match resolve_resource(t) {
                Some(info) => (info.kind, n.to_string()),
                None => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
            },
            None => ("Pod", target.clone()),
        };
        match kind {
            "Pod" => match store.pods.get(&(ns.to_string(), name.clone())) {
                Some(p) => pods.push(p.clone()),
                None => return Err(Output::error(format!("Error from server (NotFound): pods \"{name}\" not found"))),
            },
            _ => {
                // GetFirstPod over what the selector matches, sorted ByLogging; kubectl says
                // which pod it took when there was a choice.
                let candidates = match crate::pick::selected_pods(store, ns, kind, &name) {
                    Ok(c) => c,
                    Err(e) => return Err(Output::error(e.message("cannot get the logs from"))),
                };
                let count = candidates.len();
                let Some(first) = crate::pick::first(candidates, crate::pick::Order::Logging).cloned() else {
                    return Err(Output::error("error: timed out waiting for the condition"));
                };
                if count > 1 {
                    out.warn(format!("Found {count} pods, using pod/{}", first.metadata.name));
                }
                pods.push(first);
            }
        }
    }
    Ok(pods)
}

/// `--tail` and `--since` / `--since-time`.
fn tail_and_since(a: &Args, now: Time) -> Result<(Option<usize>, Option<Time>), Output> {
    let tail: Option<usize> = match a.get("tail").map(|t| t.parse::<i64>()) {
        None => None,
        Some(Ok(n)) if n < 0 => None,
        Some(Ok(n)) => Some(n as usize),
        Some(Err(_)) => return Err(Output::error(format!("Error: invalid argument \"{}\" for \"--tail\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax\nSee 'kubectl logs --help' for usage.", a.get("tail").unwrap_or(""), a.get("tail").unwrap_or("")))),
    };
    // --since / --since-time: the kubelet skips lines older than that (after taking the
    // --tail lines: kuberuntime/logs ReadLogs seeks to the tail, then filters by time).
    // kubectl sends sinceSeconds rounded up to whole seconds.
    let since: Option<Time> = match (a.get("since"), a.get("since-time")) {
        (Some(_), Some(_)) => {
            return Err(Output::error("error: at most one of `sinceTime` or `sinceSeconds` may be specified"))
        }
        (Some(d), None) => match go_duration(d) {
            Ok(ms) => Some(Time(now.0.saturating_sub(ms.div_ceil(1000) * 1000))),
            Err(e) => {
                return Err(Output::error(format!(
                "Error: invalid argument \"{d}\" for \"--since\" flag: time: {e}\nSee 'kubectl logs --help' for usage."
            )))
            }
        },
        (None, Some(t)) => match Time::parse_rfc3339(t) {
            Some(t) => Some(t),
            None => {
                return Err(Output::error(format!(
                    "error: parsing time \"{t}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{t}\" as \"2006\""
                )))
            }
        },
        (None, None) => None,
    };
    Ok((tail, since))
}

/// The containers of a pod to read: `--all-containers`, `-c`, or the default one (saying
/// so when there was a choice).
fn containers_to_read(p: &Pod, a: &Args, out: &mut Output) -> Vec<String> {
    if a.bool("all-containers") {
        // Init containers first (logs.go logsForObjectWithClient).
        p.spec.init_containers.iter().chain(p.spec.containers.iter()).map(|c| c.name.clone()).collect()
    } else if let Some(c) = a.get("container") {
        vec![c.to_string()]
    } else {
        let default = p
            .metadata
            .annotations
            .get("kubectl.kubernetes.io/default-container")
            .cloned()
            .or_else(|| p.spec.containers.first().map(|c| c.name.clone()))
            .unwrap_or_default();
        if let Some(all) = crate::pick::defaulted_from(p) {
            out.warn(format!("Defaulted container \"{default}\" out of: {all}"));
        }
        vec![default]
    }
}

pub fn logs(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(words, LOGS_FLAGS, "kubectl logs") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let ns = a.namespace(engine);
    let mut out = Output::new();
    let store = engine.store();
    let pods = match pods_to_read(store, &a, &ns, &mut out) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let (tail, since) = match tail_and_since(&a, engine.now()) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let multi_pod = pods.len() > 1;
    for p in &pods {
        let names = containers_to_read(p, &a, &mut out);
        for c in names {
            match engine.container_logs(&ns, &p.metadata.name, &c, a.bool("previous")) {
                Ok(lines) => {
                    let start = tail.map(|t| lines.len().saturating_sub(t)).unwrap_or(0);
                    for (t, l) in lines[start..].iter().filter(|(t, _)| since.is_none_or(|s| *t >= s)) {
                        let mut line = String::new();
                        if a.bool("prefix") || (multi_pod && a.has("prefix")) {
                            line.push_str(&format!("[pod/{}/{c}] ", p.metadata.name));
                        }
                        if a.bool("timestamps") {
                            line.push_str(&nano(*t));
                            line.push(' ');
                        }
                        line.push_str(l);
                        out.lines.push((false, line));
                    }
                }
                Err(e) => out.err(e.kubectl_message()),
            }
        }
    }
    out
}

/// `lab pod kill POD [-c CONTAINER]`: the container's process dies (SIGKILL, exit 137).
pub fn kill(engine: &mut Engine, words: &[String]) -> Output {
    let a = match parse(words, &[flag("container", Some('c'), true)], "lab pod kill") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let Some(pod) = a.positional.first() else {
        return Output::error("error: lab pod kill needs a pod name");
    };
    let ns = &a.namespace(engine);
    match engine.kill_container(ns, pod, a.get("container")) {
        Ok(c) => Output::line(format!(
            "pod/{pod}: container {c} killed (exit code 137); the kubelet will restart it per the pod's restartPolicy"
        )),
        Err(e) => Output::error(format!("error: {e}")),
    }
}

/// `lab pod exit POD [-c C] [CODE]`: the container's main process exits with CODE (0 by
/// default), as the shell `kubectl run -it` attached to does on `exit`.
pub fn exit_main_process(engine: &mut Engine, words: &[String]) -> Output {
    let a = match parse(words, &[flag("container", Some('c'), true)], "lab pod exit") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let Some(pod) = a.positional.first() else {
        return Output::error("error: lab pod exit needs a pod name");
    };
    let code = match a.positional.get(1).map(|c| c.parse::<i32>()) {
        None => 0,
        Some(Ok(c)) if (0..=255).contains(&c) => c,
        _ => return Output::error("error: lab pod exit takes an exit code from 0 to 255"),
    };
    let ns = &a.namespace(engine);
    match engine.end_container(ns, pod, a.get("container"), code) {
        Ok(c) => Output::line(format!(
            "pod/{pod}: container {c} exited (exit code {code}); the kubelet will restart it per the pod's restartPolicy"
        )),
        Err(e) => Output::error(format!("error: {e}")),
    }
}

/// What `kubectl logs -f` follows: (namespace, pod, container), resolved as `logs` does
/// (POD, pod/NAME, deploy/NAME, the default container).
pub fn follow_target(engine: &Engine, words: &[String]) -> Option<(String, String, String)> {
    let a = parse(words, LOGS_FLAGS, "kubectl logs").ok()?;
    let ns = a.namespace(engine);
    let target = a.positional.first()?;
    let store = engine.store();
    let pod: Pod = match target.split_once('/') {
        Some((t, n)) => match resolve_resource(t)?.kind {
            "Pod" => store.pods.get(&(ns.clone(), n.to_string()))?.clone(),
            kind @ ("Deployment" | "ReplicaSet" | "StatefulSet" | "Service") => {
                crate::pick::first(crate::pick::selected_pods(store, &ns, kind, n).ok()?, crate::pick::Order::Logging)?
                    .clone()
            }
            _ => return None,
        },
        None => store.pods.get(&(ns.clone(), target.clone()))?.clone(),
    };
    let container = a
        .get("container")
        .map(String::from)
        .or_else(|| pod.metadata.annotations.get("kubectl.kubernetes.io/default-container").cloned())
        .or_else(|| pod.spec.containers.first().map(|c| c.name.clone()))?;
    Some((ns, pod.metadata.name.clone(), container))
}

/// time.ParseDuration's rules for `--since`: a unit on every number (a bare `0` aside), and
/// no days. Milliseconds.
pub(crate) fn go_duration(s: &str) -> Result<u64, String> {
    if s == "0" {
        return Ok(0);
    }
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!("missing unit in duration \"{s}\""));
    }
    if let Some(u) = s
        .split(|c: char| c.is_ascii_digit() || c == '.')
        .find(|u| !u.is_empty() && !["ns", "us", "µs", "ms", "s", "m", "h"].contains(u))
    {
        return Err(format!("unknown unit \"{u}\" in duration \"{s}\""));
    }
    kubelab_engine::duration::parse_duration(s).map_err(|_| format!("invalid duration \"{s}\""))
}
