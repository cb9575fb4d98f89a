//! Tab completion for the console, from the same tables the commands use: kubectl's
//! subcommands and flags, resource types (and their short names), the names of live
//! objects, namespaces, nodes and machines, and the lab's verbs. Pure, so it is tested
//! natively; the page only applies the answer.

use crate::registry;
use crate::shell::split_words;
use kubelab_api::{resolve_resource, Deployment, Namespace, Pod, Resource, StatefulSet, KINDS};
use kubelab_engine::Engine;

/// What Tab offers for the word under the cursor (the last word of the line).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Completion {
    /// Byte offset in the line where the word being completed starts.
    pub start: usize,
    /// The candidates, sorted, each a whole replacement for the word.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The line after Tab: the one candidate and a space, or the candidates' longest common
    /// prefix (unchanged when there is none longer than what was typed).
    pub fn apply(&self, line: &str) -> String {
        let head = &line[..self.start.min(line.len())];
        match self.candidates.as_slice() {
            [] => line.to_string(),
            [one] => format!("{head}{one}{}", if one.ends_with('/') || one.ends_with('=') { "" } else { " " }),
            many => {
                let typed = &line[self.start.min(line.len())..];
                let prefix = common_prefix(many);
                if prefix.len() > typed.len() {
                    format!("{head}{prefix}")
                } else {
                    line.to_string()
                }
            }
        }
    }
}

fn common_prefix(v: &[String]) -> String {
    let first = &v[0];
    let mut n = first.len();
    for s in &v[1..] {
        n = n.min(first.bytes().zip(s.bytes()).take_while(|(a, b)| a == b).count());
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    first[..n].to_string()
}

/// The verbs Tab offers after `kubectl ` or `lab ` (the registry's, less those it marks).
fn verbs(program: &str) -> Vec<String> {
    registry::verbs_of(program).unwrap_or_default().iter().filter(|v| v.tab).map(|v| v.name.to_string()).collect()
}

/// Flags offered after `-` for each subcommand (the registry's; every one works when typed).
fn flags(cmd: &str) -> &'static [&'static str] {
    registry::kubectl_verb(cmd).map_or(&["--namespace"], |v| v.flags)
}

/// The words of `all` that start with what was typed, sorted, once each.
fn candidates(all: Vec<String>, current: &str, start: usize) -> Completion {
    let mut c: Vec<String> = all.into_iter().filter(|x| x.starts_with(current)).collect();
    kubelab_api::sort::natural(&mut c);
    c.dedup();
    Completion { start, candidates: c }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// Completes the last word of `line` (the cursor is at its end).
pub fn complete(engine: &Engine, line: &str) -> Completion {
    let ends_in_space = line.ends_with(' ') || line.is_empty();
    let words = split_words(line).unwrap_or_default();
    let (done, current): (Vec<&str>, &str) = if ends_in_space {
        (words.iter().map(|s| s.as_str()).collect(), "")
    } else {
        let n = words.len().saturating_sub(1);
        (words[..n].iter().map(|s| s.as_str()).collect(), words.last().map(|s| s.as_str()).unwrap_or(""))
    };
    let start = if ends_in_space { line.len() } else { line.rfind(' ').map(|i| i + 1).unwrap_or(0) };
    let ns = namespace_of(&done, engine);
    let offer = |all: Vec<String>| candidates(all, current, start);
    match done.as_slice() {
        [] => offer(strs(&["kubectl", "lab"])),
        ["kubectl" | "k"] => offer(verbs("kubectl")),
        ["lab"] => offer(verbs("lab")),
        ["lab", "node"] => offer(strs(&["add", "delete", "kill", "restore"])),
        ["lab", "node", _] => offer(node_names(engine)),
        ["lab", "pod"] => offer(strs(&["kill"])),
        ["lab", "pod", "kill"] => offer(object_names(engine, Pod::INFO.kind, &ns)),
        ["lab", "load"] => offer(strs(&["start", "stats", "stop"])),
        ["lab", "load", "start"] | ["lab", "curl"] => offer(service_names(engine, &ns)),
        ["lab", "lan"] => offer(strs(&["up"])),
        ["lab", "addons"] => offer(strs(&["disable", "enable", "list"])),
        ["lab", "addons", "enable" | "disable"] => {
            offer(kubelab_engine::addons::ADDONS.iter().map(|a| a.name.to_string()).collect())
        }
        ["lab", "ssh" | "on"] => offer(engine.lan().vms.keys().cloned().collect()),
        ["lab", "on", _] => offer(strs(&["cat", "curl", "docker", "echo", "hostname", "ip", "ls", "sed", "tee"])),
        ["lab", "on", _, "docker"] => offer(strs(&[
            "cp", "exec", "images", "kill", "logs", "network", "ps", "pull", "rm", "run", "start", "stop",
        ])),
        ["lab", "on", vm, "docker", "exec" | "kill" | "logs" | "rm" | "start" | "stop"] => offer(
            engine
                .lan()
                .vms
                .get(*vm)
                .map(|v| v.containers.iter().map(|c| c.name.clone()).collect())
                .unwrap_or_default(),
        ),
        ["lab", "on", _, "docker", "network"] => offer(strs(&["create", "ls", "rm"])),
        ["lab", "on", _, "ip"] => offer(strs(&["addr", "link"])),
        ["lab", "time"] => offer(strs(&["next", "pause", "play", "speed"])),
        ["lab", "why"] => offer(why_objects(engine, &ns)),
        ["kubectl" | "k", cmd, rest @ ..] => complete_kubectl(engine, cmd, rest, current, &ns, start),
        _ => Completion { start, candidates: Vec::new() },
    }
}

/// The namespace the line asks for (`-n X`, `--namespace X`, `--namespace=X`).
fn namespace_of(words: &[&str], engine: &Engine) -> String {
    for (i, w) in words.iter().enumerate() {
        if (*w == "-n" || *w == "--namespace") && i + 1 < words.len() {
            return words[i + 1].to_string();
        }
        if let Some(v) = w.strip_prefix("--namespace=") {
            return v.to_string();
        }
    }
    engine.context_namespace().to_string()
}

fn node_names(engine: &Engine) -> Vec<String> {
    engine.store().nodes.values().map(|n| n.metadata.name.clone()).collect()
}

fn service_names(engine: &Engine, ns: &str) -> Vec<String> {
    engine
        .store()
        .services
        .values()
        .filter(|s| s.metadata.namespace == ns && s.metadata.name != "kubernetes")
        .map(|s| s.metadata.name.clone())
        .collect()
}

fn object_names(engine: &Engine, kind: &str, ns: &str) -> Vec<String> {
    let namespaced = KINDS.iter().find(|k| k.kind == kind).is_some_and(|k| k.namespaced);
    engine.store().list(kind, if namespaced { Some(ns) } else { None }).iter().map(|o| o.meta().name.clone()).collect()
}

/// What `lab why` explains, as TYPE/NAME: every Deployment, Job, ReplicaSet, StatefulSet,
/// Service, pod and node.
fn why_objects(engine: &Engine, ns: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (t, kind) in [
        ("deployment", "Deployment"),
        ("job", "Job"),
        ("node", "Node"),
        ("pod", "Pod"),
        ("replicaset", "ReplicaSet"),
        ("service", "Service"),
        ("statefulset", "StatefulSet"),
    ] {
        let names = if kind == "Node" { node_names(engine) } else { object_names(engine, kind, ns) };
        out.extend(names.into_iter().map(|n| format!("{t}/{n}")));
    }
    out
}

/// Resource types as kubectl's own completion offers them: the plural names (short names
/// such as `deploy` still work when typed, but `deploy<Tab>` completes to `deployments`).
fn type_words() -> Vec<String> {
    let mut v: Vec<String> = KINDS.iter().map(|k| k.resource.to_string()).collect();
    v.push("all".into());
    v
}

/// The words that are not flags or flag values (the flags that take a value are listed
/// here, apart from the commands' own flag tables; a flag missing here makes its value
/// count as a positional word, which only changes what Tab offers).
fn positional<'a>(rest: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip = false;
    for w in rest {
        if skip {
            skip = false;
            continue;
        }
        if w.starts_with('-') {
            skip = !w.contains('=')
                && matches!(
                    *w,
                    "-n" | "--namespace"
                        | "-o"
                        | "--output"
                        | "-l"
                        | "--selector"
                        | "-c"
                        | "--container"
                        | "-f"
                        | "--filename"
                        | "--replicas"
                        | "--image"
                        | "--port"
                        | "-p"
                        | "--patch"
                        | "--patch-file"
                        | "--type"
                );
            continue;
        }
        out.push(*w);
    }
    out
}

fn complete_kubectl(engine: &Engine, cmd: &str, rest: &[&str], current: &str, ns: &str, start: usize) -> Completion {
    let offer = |all: Vec<String>| candidates(all, current, start);
    if current.starts_with('-') {
        return offer(strs(flags(cmd)));
    }
    if matches!(rest.last(), Some(&"-n") | Some(&"--namespace")) {
        return offer(object_names(engine, Namespace::INFO.kind, ns));
    }
    if matches!(rest.last(), Some(&"-o") | Some(&"--output")) {
        return offer(strs(&["custom-columns=", "json", "jsonpath=", "name", "wide", "yaml"]));
    }
    let positional = positional(rest);
    // `TYPE/NAME` in one word.
    if let Some((t, _)) = current.split_once('/') {
        if let Some(k) = resolve_resource(t) {
            let names = object_names(engine, k.kind, ns);
            return offer(names.into_iter().map(|n| format!("{t}/{n}")).collect());
        }
    }
    let kinded = |positional: &[&str]| -> Completion {
        match positional {
            [] => offer(type_words()),
            [t, ..] => match resolve_resource(t) {
                Some(k) => offer(object_names(engine, k.kind, ns)),
                None => Completion { start, candidates: Vec::new() },
            },
        }
    };
    match cmd {
        "get" | "describe" | "delete" | "label" | "annotate" => kinded(&positional),
        "logs" | "exec" | "port-forward" => match positional.as_slice() {
            [] => offer(object_names(engine, Pod::INFO.kind, ns)),
            _ => Completion { start, candidates: Vec::new() },
        },
        "cordon" | "uncordon" | "drain" => offer(node_names(engine)),
        "top" => match positional.as_slice() {
            [] => offer(strs(&["nodes", "pods"])),
            _ => Completion { start, candidates: Vec::new() },
        },
        "scale" => match positional.as_slice() {
            [] => offer(
                object_names(engine, Deployment::INFO.kind, ns)
                    .into_iter()
                    .map(|n| format!("deployment/{n}"))
                    .chain(["deployment", "replicaset", "statefulset"].map(String::from))
                    .collect(),
            ),
            [t] => kinded(&[t]),
            _ => Completion { start, candidates: Vec::new() },
        },
        "rollout" => match positional.as_slice() {
            [] => offer(strs(&["history", "pause", "restart", "resume", "status", "undo"])),
            [_] => offer(
                object_names(engine, Deployment::INFO.kind, ns)
                    .into_iter()
                    .map(|n| format!("deployment/{n}"))
                    .chain(
                        object_names(engine, StatefulSet::INFO.kind, ns)
                            .into_iter()
                            .map(|n| format!("statefulset/{n}")),
                    )
                    .collect(),
            ),
            _ => Completion { start, candidates: Vec::new() },
        },
        "set" => match positional.as_slice() {
            [] => offer(strs(&["env", "image"])),
            [_] => offer(
                object_names(engine, Deployment::INFO.kind, ns)
                    .into_iter()
                    .map(|n| format!("deployment/{n}"))
                    .collect(),
            ),
            _ => Completion { start, candidates: Vec::new() },
        },
        "expose" => match positional.as_slice() {
            [] => offer(strs(&["deployment", "pod", "replicaset", "service"])),
            [t] => kinded(&[t]),
            _ => Completion { start, candidates: Vec::new() },
        },
        "create" => match positional.as_slice() {
            [] => offer(strs(&["configmap", "deployment", "ingress", "job", "namespace", "service"])),
            ["service"] => offer(strs(&["clusterip", "nodeport"])),
            _ => Completion { start, candidates: Vec::new() },
        },
        "config" => offer(strs(&["current-context", "get-contexts", "view"])),
        _ => Completion { start, candidates: Vec::new() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{execute, Ctx, NoFiles};

    fn lab() -> Engine {
        let mut e = Engine::new(1);
        for l in [
            "kubectl create deployment web --image=nginx:1.25 --replicas=2",
            "kubectl create deployment api --image=nginx:1.25",
            "kubectl expose deployment web --port=80",
            "kubectl create namespace team-a",
        ] {
            execute(&mut e, l, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
        }
        e.advance(10_000, &mut |_| {});
        e
    }

    fn tab(e: &Engine, line: &str) -> (Vec<String>, String) {
        let c = complete(e, line);
        (c.candidates.clone(), c.apply(line))
    }

    #[test]
    fn commands_and_subcommands() {
        let e = lab();
        assert_eq!(tab(&e, "kub").1, "kubectl ");
        assert_eq!(tab(&e, "kubectl ro").1, "kubectl rollout ");
        let (c, line) = tab(&e, "kubectl de");
        assert_eq!(c, ["delete", "describe"]);
        assert_eq!(line, "kubectl de", "no longer common prefix: the line stays");
        assert_eq!(tab(&e, "lab lo").1, "lab load ");
        assert_eq!(tab(&e, "lab node kill node-").0, ["node-1", "node-2", "node-3"]);
    }

    #[test]
    fn resource_types_and_live_names() {
        let e = lab();
        assert_eq!(tab(&e, "kubectl get deploym").1, "kubectl get deployments ");
        assert_eq!(tab(&e, "kubectl get deploy").1, "kubectl get deployments ");
        assert_eq!(tab(&e, "kubectl get p").0, ["persistentvolumeclaims", "persistentvolumes", "pods"]);
        assert_eq!(tab(&e, "kubectl get deploy ").0, ["api", "web"]);
        assert_eq!(tab(&e, "kubectl describe deploy w").1, "kubectl describe deploy web ");
        assert_eq!(tab(&e, "kubectl scale deployment/w").1, "kubectl scale deployment/web ");
        assert_eq!(tab(&e, "kubectl get svc/").0, ["svc/kubernetes", "svc/web"]);
        let (pods, _) = tab(&e, "kubectl logs web-");
        assert_eq!(pods.len(), 2, "{pods:?}");
        assert_eq!(tab(&e, "kubectl get pods -n team").1, "kubectl get pods -n team-a ");
        assert_eq!(tab(&e, "kubectl get pods -n team-a ").0, Vec::<String>::new(), "no pods in team-a");
        assert_eq!(tab(&e, "kubectl rollout st").1, "kubectl rollout status ");
        assert_eq!(tab(&e, "kubectl rollout status dep").0, ["deployment/api", "deployment/web"]);
        assert_eq!(tab(&e, "lab load start w").1, "lab load start web ");
        assert_eq!(tab(&e, "lab why deployment/w").1, "lab why deployment/web ");
        assert_eq!(tab(&e, "lab why node/node-").0, ["node/node-1", "node/node-2", "node/node-3"]);
    }

    #[test]
    fn machines_and_their_containers() {
        let mut e = lab();
        for l in ["lab lan up", "lab on vm-1 docker run --name app -d ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0"] {
            execute(&mut e, l, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
        }
        assert_eq!(tab(&e, "lab ssh v").0, ["vm-1", "vm-2"]);
        assert_eq!(tab(&e, "lab on vm-1 do").1, "lab on vm-1 docker ");
        assert_eq!(tab(&e, "lab on vm-1 docker st").0, ["start", "stop"]);
        assert_eq!(tab(&e, "lab on vm-1 docker logs a").1, "lab on vm-1 docker logs app ");
    }

    #[test]
    fn flags_and_values() {
        let e = lab();
        assert_eq!(tab(&e, "kubectl get pods --show").1, "kubectl get pods --show-labels ");
        assert_eq!(tab(&e, "kubectl get pods -o ").0, ["custom-columns=", "json", "jsonpath=", "name", "wide", "yaml"]);
        assert_eq!(tab(&e, "kubectl get pods -o js").1, "kubectl get pods -o json");
        assert_eq!(tab(&e, "kubectl logs --fo").1, "kubectl logs --follow ");
    }

    #[test]
    fn nothing_to_offer_changes_nothing_and_never_panics() {
        let e = lab();
        for line in [
            "",
            " ",
            "kubectl get nope ",
            "lab zzz",
            "kubectl 'unterminated",
            "é",
            "kubectl get pods -n",
            "kubectl get /",
        ] {
            let c = complete(&e, line);
            let _ = c.apply(line);
        }
        assert_eq!(tab(&e, "kubectl frobnicate x").1, "kubectl frobnicate x");
    }
}
