//! The console's verbs in one place: kubectl's (`KUBECTL`) and the lab's own (`LAB`). Each
//! row says how the verb runs, whether `--dry-run` runs it on a copy of the lab, whether it
//! only reads or may change the cluster (the page journals only what may change it), the
//! flags Tab offers after it, and its `lab help` lines. Dispatch (`lib.rs`, `lab.rs`),
//! Tab completion (`complete.rs`), `lab help`, cobra's "Did you mean this?" and
//! `effect::changes_cluster` all read these tables, so a verb is added in one row.

use crate::{
    apply, cluster, commands, config, create, describe, exec, explain, expose, lab, labels, logs, nodes, patch,
};
use crate::{dry_run, rollout, run, set_env, set_image, wait, why};
use crate::{Ctx, Output};
use kubelab_engine::Engine;

/// How a verb runs: the engine, the words after the verb, and the console's context.
pub type Run = fn(&mut Engine, &[String], &mut Ctx) -> Output;

/// Whether a verb may change the cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Only reads: running it again changes nothing, so the page does not journal it.
    Reads,
    /// May change the cluster (or fails, which the journal keeps too).
    Writes,
    /// Only reads when the words after the verb start with one of these (`None`: when
    /// nothing follows the verb), and may change the cluster otherwise.
    ReadsWith(&'static [Option<&'static str>]),
}

impl Access {
    /// Whether the verb, followed by `rest`, may change the cluster.
    pub fn writes(self, rest: &[&str]) -> bool {
        match self {
            Access::Reads => false,
            Access::Writes => true,
            Access::ReadsWith(reads) => !reads.contains(&rest.first().copied()),
        }
    }
}

/// One verb of the console.
pub struct Verb {
    /// The word that names it (`get`, `advance`).
    pub name: &'static str,
    /// `None`: a kubectl verb the lab does not have yet (it still counts for cobra's
    /// suggestions, and says it is not available).
    pub run: Option<Run>,
    /// `--dry-run=client|server` runs it on a copy of the lab and marks what it prints
    /// (`dry_run::dry_run_copy`); the generators handle the flag themselves.
    pub dry_run: bool,
    pub access: Access,
    /// What Tab offers after `-` (the common ones; every flag works when typed).
    pub flags: &'static [&'static str],
    /// Whether Tab offers the verb itself.
    pub tab: bool,
    /// Its lines in `lab help`: (usage, what it does).
    pub help: &'static [(&'static str, &'static str)],
}

/// Flags Tab offers for a verb that lists none of its own.
const NAMESPACE: &[&str] = &["--namespace"];

/// A kubectl verb the lab has.
const fn kubectl(name: &'static str, run: Run, access: Access) -> Verb {
    Verb { name, run: Some(run), dry_run: false, access, flags: NAMESPACE, tab: true, help: &[] }
}

/// A kubectl verb the lab does not have yet. They fail, and failed commands are journaled
/// like any other.
const fn missing(name: &'static str) -> Verb {
    Verb { name, run: None, dry_run: false, access: Access::Writes, flags: NAMESPACE, tab: false, help: &[] }
}

/// One of the lab's own verbs.
const fn ours(name: &'static str, run: Run, access: Access, help: &'static [(&'static str, &'static str)]) -> Verb {
    Verb { name, run: Some(run), dry_run: false, access, flags: NAMESPACE, tab: true, help }
}

impl Verb {
    const fn dry_run(mut self) -> Verb {
        self.dry_run = true;
        self
    }
    const fn flags(mut self, flags: &'static [&'static str]) -> Verb {
        self.flags = flags;
        self
    }
    const fn help(mut self, help: &'static [(&'static str, &'static str)]) -> Verb {
        self.help = help;
        self
    }
    const fn no_tab(mut self) -> Verb {
        self.tab = false;
        self
    }
}

use Access::{Reads, ReadsWith, Writes};

/// kubectl's verbs: first those `lab help` lists, in its order, then the lab's others, then
/// upstream's the lab does not have (`COBRA_ORDER` has upstream's order).
pub static KUBECTL: &[Verb] = &[
    kubectl("annotate", |e, w, c| labels::run(e, w, c, true), Writes)
        .dry_run()
        .flags(&["--all", "--namespace", "--overwrite", "--selector"])
        .help(&[("kubectl annotate", "Update the annotations on a resource")]),
    kubectl("api-resources", cluster::api_resources, Reads)
        .help(&[("kubectl api-resources", "Print the supported API resources on the server")]),
    kubectl("apply", |e, w, c| commands::apply(e, w, c, apply::Mode::Apply), Writes)
        .dry_run()
        .flags(&["--dry-run", "--filename", "--namespace", "--output"])
        .help(&[("kubectl apply", "Apply a configuration to a resource by file name or stdin")]),
    kubectl("cluster-info", cluster::cluster_info, Reads)
        .help(&[("kubectl cluster-info", "Display cluster information")]),
    // `set-context` changes the namespace later commands work in: journaled, replayed.
    kubectl(
        "config",
        config::config,
        ReadsWith(&[None, Some("current-context"), Some("get-contexts"), Some("view"), Some("use-context")]),
    )
    .flags(&["--current", "--minify", "--namespace"])
    .help(&[(
        "kubectl config",
        "Modify kubeconfig files (current-context, get-contexts, view, set-context --current --namespace)",
    )]),
    kubectl("cordon", |e, w, _| nodes::cordon(e, w, false), Writes)
        .dry_run()
        .help(&[("kubectl cordon", "Mark node as unschedulable")]),
    kubectl("create", create::run, Writes)
        .flags(&["--dry-run", "--filename", "--namespace", "--output"])
        .help(&[("kubectl create", "Create a resource from a file or from stdin")]),
    kubectl("delete", commands::delete, Writes)
        .dry_run()
        .flags(&[
            "--all",
            "--cascade",
            "--field-selector",
            "--filename",
            "--force",
            "--grace-period",
            "--namespace",
            "--selector",
            "--wait",
        ])
        .help(&[(
            "kubectl delete",
            "Delete resources by file names, stdin, resources and names, or by resources and label selector",
        )]),
    kubectl("describe", describe::run, Reads)
        .flags(&["--namespace", "--selector"])
        .help(&[("kubectl describe", "Show details of a specific resource or group of resources")]),
    kubectl("drain", nodes::drain, Writes)
        .dry_run()
        .flags(&["--delete-emptydir-data", "--force", "--grace-period", "--ignore-daemonsets"])
        .help(&[("kubectl drain", "Drain node in preparation for maintenance")]),
    kubectl("label", |e, w, c| labels::run(e, w, c, false), Writes)
        .dry_run()
        .flags(&["--all", "--namespace", "--overwrite", "--selector"])
        .help(&[("kubectl label", "Update the labels on a resource")]),
    kubectl("patch", patch::patch, Writes)
        .flags(&["--dry-run", "--namespace", "--output", "--patch", "--patch-file", "--subresource", "--type"])
        .help(&[("kubectl patch", "Update fields of a resource")]),
    kubectl("logs", logs::logs, Reads)
        .flags(&[
            "--container",
            "--follow",
            "--namespace",
            "--previous",
            "--selector",
            "--since",
            "--tail",
            "--timestamps",
        ])
        .help(&[("kubectl logs", "Print the logs for a container in a pod")]),
    kubectl("port-forward", exec::port_forward, Writes)
        .help(&[("kubectl port-forward", "Forward one or more local ports to a pod")]),
    kubectl("rollout", rollout::rollout, ReadsWith(&[Some("history")]))
        .flags(&["--namespace", "--revision", "--timeout", "--to-revision"])
        .help(&[(
            "kubectl rollout",
            "Manage the rollout of a resource (status, history, undo, restart, pause, resume)",
        )]),
    kubectl("set", set, Writes)
        .dry_run()
        .help(&[("kubectl set", "Set specific features on objects (set image, set env)")]),
    kubectl("taint", |e, w, _| nodes::taint(e, w), Writes)
        .dry_run()
        .help(&[("kubectl taint", "Update the taints on one or more nodes")]),
    kubectl("top", crate::top::top, Reads)
        .flags(&[
            "--all-namespaces",
            "--containers",
            "--field-selector",
            "--namespace",
            "--no-headers",
            "--selector",
            "--show-capacity",
            "--sort-by",
        ])
        .help(&[("kubectl top", "Display resource (CPU/memory) usage")]),
    kubectl("uncordon", |e, w, _| nodes::cordon(e, w, true), Writes)
        .dry_run()
        .help(&[("kubectl uncordon", "Mark node as schedulable")]),
    kubectl("exec", exec::exec, Writes)
        .flags(&["--container", "--namespace", "--stdin", "--tty"])
        .help(&[("kubectl exec", "Execute a command in a container")]),
    kubectl("explain", |_, w, _| explain::explain(w), Reads)
        .flags(&["--api-version", "--recursive"])
        .help(&[("kubectl explain", "Get documentation for a resource")]),
    kubectl("get", commands::get, Reads)
        .flags(&[
            "--all-namespaces",
            "--field-selector",
            "--label-columns",
            "--namespace",
            "--no-headers",
            "--output",
            "--selector",
            "--show-labels",
            "--sort-by",
            "--watch",
        ])
        .help(&[("kubectl get", "Display one or many resources")]),
    kubectl("scale", commands::scale, Writes)
        .dry_run()
        .flags(&["--namespace", "--replicas"])
        .help(&[("kubectl scale", "Set a new size for a deployment or replica set")]),
    kubectl("version", commands::version, Reads)
        .help(&[("kubectl version", "Print the client and server version information")]),
    // Runs the clock until the condition holds, so it is journaled like `rollout status`.
    kubectl("wait", wait::wait, Writes)
        .flags(&["--all", "--for", "--namespace", "--selector", "--timeout"])
        .help(&[("kubectl wait", "Wait for a specific condition on one or many resources")]),
    kubectl("edit", edit, Writes),
    kubectl("autoscale", crate::autoscale::autoscale, Writes)
        .flags(&["--cpu-percent", "--dry-run", "--max", "--min", "--name", "--output"])
        .help(&[(
            "kubectl autoscale",
            "Auto-scale a deployment, replica set, stateful set, or replication controller",
        )]),
    kubectl("expose", expose::expose, Writes).flags(&[
        "--dry-run",
        "--name",
        "--output",
        "--port",
        "--selector",
        "--target-port",
        "--type",
    ]),
    kubectl("run", run::run, Writes).flags(&[
        "--command",
        "--dry-run",
        "--env",
        "--image",
        "--labels",
        "--namespace",
        "--output",
        "--port",
        "--restart",
    ]),
    missing("certificate"),
    missing("attach"),
    missing("proxy"),
    missing("cp"),
    missing("auth"),
    missing("debug"),
    missing("events"),
    missing("diff"),
    missing("replace"),
    missing("kustomize"),
    missing("completion"),
    Verb { access: Reads, ..missing("api-versions") },
    missing("plugin"),
];

/// kubectl's verbs in the order `kubectl --help` lists them, which is the order cobra
/// suggests them in. Every one is a row of `KUBECTL` (a test checks).
pub const COBRA_ORDER: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
];

/// The lab's verbs, in `lab help`'s order.
pub static LAB: &[Verb] = &[
    ours(
        "advance",
        lab::advance,
        Writes,
        &[("lab advance <duration>", "Run the simulated clock forward (30s, 5m, 1h30m)")],
    ),
    ours(
        "node",
        lab::node,
        Writes,
        &[
            ("lab node kill <node>", "Power a node off: its kubelet goes silent and its containers die"),
            ("lab node restore <node>", "Power a node back on"),
            ("lab node add <node>", "Add a worker machine (2 CPU, 4 GiB)"),
            ("lab node delete <node>", "Destroy a machine for good"),
        ],
    ),
    ours(
        "pod",
        lab::pod,
        Writes,
        &[
            (
                "lab pod kill <pod> [-c container]",
                "Kill a container's process (exit 137); its pod's restartPolicy decides what happens",
            ),
            (
                "lab pod exit <pod> [-c container] [code]",
                "End a container's main process with an exit code (0: Completed), as `exit` in kubectl run -it does",
            ),
        ],
    ),
    ours(
        "addons",
        crate::addons::run,
        ReadsWith(&[None, Some("list")]),
        &[
            ("lab addons list", "The add-ons, as minikube lists them (none enabled in a new cluster)"),
            ("lab addons enable <name>", "Install an add-on: ingress (ingress-nginx) or metrics-server"),
            ("lab addons disable <name>", "Remove an add-on's objects"),
        ],
    ),
    ours(
        "curl",
        lab::curl,
        Writes,
        &[(
            "lab curl [-H \"Name: value\"] [-b NAME=VALUE] <url>",
            "Send one HTTP request (a Service: web, svc/web, web.NAMESPACE; a ClusterIP, node IP:NodePort or pod IP; a host named in an Ingress)",
        )],
    ),
    ours(
        "load",
        lab::load,
        ReadsWith(&[Some("stats")]),
        &[
            (
                "lab load start <target> [-c N] [--rps N] [--timeout D] [--no-keepalive] [-H \"Name: value\"]",
                "Run a load generator on a Service (web, svc/web) or URL: N kept-alive connections (default 1), 2s timeout",
            ),
            ("lab load stats", "Requests, errors by kind, req/s, latency, per pod and per version"),
            ("lab load stop", "Stop the load generator and print its summary"),
        ],
    ),
    // `lab lan` alone only lists; `lab lan up` boots the LAN.
    ours(
        "lan",
        lab::lan,
        ReadsWith(&[None]),
        &[
            (
                "lab lan up",
                "Boot the VM-era LAN: machines lb (172.16.0.2), vm-1 (.3) and vm-2 (.4) with docker, no Kubernetes",
            ),
            ("lab lan", "List the LAN's machines, their links and containers"),
        ],
    ),
    ours(
        "ssh",
        lab::ssh,
        Writes,
        &[("lab ssh <machine>", "Log in to a machine: later commands run there (docker, curl, ip, cat) until `exit`")],
    ),
    ours("on", lab::on, Writes, &[("lab on <machine> <command>", "Run one command on a machine")]),
    ours(
        "edit",
        lab::edit,
        Writes,
        &[("lab edit TYPE/NAME <<EOF", "Replace an object with edited YAML (what kubectl edit does on save)")],
    )
    .no_tab(),
    ours(
        "time",
        lab::time,
        ReadsWith(&[None, Some("now"), Some("pause"), Some("play"), Some("speed")]),
        &[
            ("lab time [next]", "Show the simulated time, or jump to the next scheduled event"),
            ("lab time step", "Jump to the next moment something happens (as lab time next)"),
            ("lab time advance <duration>", "Run the simulated clock forward (as lab advance)"),
            (
                "lab time pause|play",
                "Stop or start the page's clock (in the browser; a script moves time with lab advance)",
            ),
            ("lab time speed <1|5|20|60>", "How many simulated seconds pass per second in the page (remembered)"),
        ],
    ),
    ours(
        "export",
        lab::export,
        Reads,
        &[("lab export", "Print everything you made as YAML that kubectl apply accepts on a real cluster")],
    ),
    ours(
        "why",
        why::run,
        Reads,
        &[
            ("lab why TYPE/NAME", "Why an object is as it is: each decision behind it, oldest first, and what holds it"),
            ("lab why", "What the last command caused, directly or through the controllers"),
        ],
    ),
    ours("reset", lab::reset, Writes, &[("lab reset", "Start again with a fresh cluster (same seed)")]),
    ours(
        "seed",
        lab::seed,
        ReadsWith(&[None]),
        &[("lab seed [N]", "Show the seed, or start a fresh cluster with seed N")],
    ),
    ours("help", lab::help_verb, Reads, &[("lab help", "List the lab's commands")]),
];

/// The kubectl verb named `name`.
pub fn kubectl_verb(name: &str) -> Option<&'static Verb> {
    KUBECTL.iter().find(|v| v.name == name)
}

/// The lab verb named `name`.
pub fn lab_verb(name: &str) -> Option<&'static Verb> {
    LAB.iter().find(|v| v.name == name)
}

/// The verbs of a console program (`kubectl`, its alias `k`, or `lab`).
pub fn verbs_of(program: &str) -> Option<&'static [Verb]> {
    match program {
        "kubectl" | "k" => Some(KUBECTL),
        "lab" => Some(LAB),
        _ => None,
    }
}

/// kubectl's spelling suggestions (cobra: Levenshtein distance ≤ 2, or a prefix), in
/// `kubectl --help`'s order.
pub fn suggestions(word: &str) -> Vec<&'static str> {
    COBRA_ORDER
        .iter()
        .copied()
        .filter(|c| levenshtein(word, c) <= 2 || (c.starts_with(word) && !word.is_empty()))
        .collect()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_ascii_lowercase().chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = if a[i - 1] == b[j - 1] { 0 } else { 1 };
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `kubectl set image ...`, `kubectl set env ...`.
fn set(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    match words.first().map(|s| s.as_str()) {
        Some("image") => set_image::run(engine, words),
        Some("env") => set_env::run(engine, &words[1..], ctx),
        Some(other) => Output::error(format!("error: unknown command \"{other}\" for \"kubectl set\"")),
        None => Output::error("error: `kubectl set` needs a subcommand: env or image"),
    }
}

/// `kubectl edit` outside the page (which opens the object in its editor instead).
fn edit(_: &mut Engine, _: &[String], _: &mut Ctx) -> Output {
    Output::error("error: kubectl edit opens an editor: in the browser it opens the object in the lab's editor (Apply saves it); in a script use lab edit TYPE/NAME <<EOF with the new YAML")
}

/// Runs a kubectl verb's row: on a copy of the lab under `--dry-run` when the row says so.
pub fn run_kubectl(verb: &Verb, run: Run, engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    if verb.dry_run {
        dry_run::dry_run_copy(engine, rest, ctx, run).unwrap_or_else(|| run(engine, rest, ctx))
    } else {
        run(engine, rest, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cobra_order_names_each_kubectl_verb_once() {
        let mut rows: Vec<&str> = KUBECTL.iter().map(|v| v.name).collect();
        let mut order: Vec<&str> = COBRA_ORDER.to_vec();
        rows.sort_unstable();
        order.sort_unstable();
        assert_eq!(rows, order);
        let mut lab: Vec<&str> = LAB.iter().map(|v| v.name).collect();
        lab.sort_unstable();
        lab.dedup();
        assert_eq!(lab.len(), LAB.len(), "a lab verb listed twice");
    }

    #[test]
    fn verbs_the_lab_lacks_have_no_help_and_no_tab() {
        for v in KUBECTL.iter().filter(|v| v.run.is_none()) {
            assert!(v.help.is_empty() && !v.tab && !v.dry_run, "{}", v.name);
        }
    }
}
