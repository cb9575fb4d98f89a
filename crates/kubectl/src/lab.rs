//! The lab's own verbs: moving the clock and breaking machines.

use crate::{Ctx, Output};
use kubelab_engine::duration::{format_clock, parse_duration};
use kubelab_engine::Engine;

pub const COMMANDS: &[(&str, &str)] = &[
    ("lab advance <duration>", "Run the simulated clock forward (30s, 5m, 1h30m)"),
    ("lab node kill <node>", "Power a node off: its kubelet goes silent and its containers die"),
    ("lab node restore <node>", "Power a node back on"),
    ("lab node add <node>", "Add a worker machine (2 CPU, 4 GiB)"),
    ("lab node delete <node>", "Destroy a machine for good"),
    (
        "lab pod kill <pod> [-c container]",
        "Kill a container's process (exit 137); its pod's restartPolicy decides what happens",
    ),
    ("lab curl <url>", "Send one HTTP request (a Service name, ClusterIP, node IP:NodePort or pod IP)"),
    (
        "lab load start <target> [-c N] [--rps N] [--timeout D] [--no-keepalive]",
        "Run a load generator: N kept-alive connections (default 1), 2s timeout",
    ),
    ("lab load stats", "Requests, errors by kind, req/s, latency, per pod and per version"),
    ("lab load stop", "Stop the load generator and print its summary"),
    ("lab lan up", "Boot the VM-era LAN: machines lb (172.16.0.2), vm-1 (.3) and vm-2 (.4) with docker, no Kubernetes"),
    ("lab lan", "List the LAN's machines, their links and containers"),
    ("lab ssh <machine>", "Log in to a machine: later commands run there (docker, curl, ip, cat) until `exit`"),
    ("lab on <machine> <command>", "Run one command on a machine"),
    ("lab edit TYPE/NAME <<EOF", "Replace an object with edited YAML (what kubectl edit does on save)"),
    ("lab time [next]", "Show the simulated time, or jump to the next scheduled event"),
    ("lab time step", "Jump to the next moment something happens (as lab time next)"),
    ("lab time advance <duration>", "Run the simulated clock forward (as lab advance)"),
    ("lab time pause|play", "Stop or start the page's clock (in the browser; a script moves time with lab advance)"),
    ("lab time speed <1|5|20|60>", "How many simulated seconds pass per second in the page (remembered)"),
    ("lab export", "Print everything you made as YAML that kubectl apply accepts on a real cluster"),
    ("lab reset", "Start again with a fresh cluster (same seed)"),
    ("lab seed [N]", "Show the seed, or start a fresh cluster with seed N"),
    ("lab help", "List the lab's commands"),
];

pub fn run(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let w: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
    match w.as_slice() {
        ["advance", d] | ["time", "advance", d] => match parse_duration(d) {
            Ok(ms) => {
                engine.advance(ms, &mut *ctx.observe);
                let mut out = Output::new();
                out.out(format!("advanced {}; simulated time is now {}", format_clock(ms), format_clock(engine.now().0)));
                out
            }
            Err(e) => Output::error(format!("error: {e} (use a duration such as 30s, 5m or 1h30m)")),
        },
        ["advance"] | ["time", "advance"] => Output::error("error: lab advance needs a duration, such as 30s or 5m"),
        ["node", "kill", name] => match engine.kill_node(name) {
            Ok(()) => Output::line(format!("node/{name} powered off: its kubelet stops reporting and its containers are gone")),
            Err(e) => Output::error(format!("error: {e}")),
        },
        ["node", verb @ ("add" | "delete"), name] => crate::nodes::lab_node(engine, verb, name),
        ["node", "restore", name] => match engine.restore_node(name) {
            Ok(()) => Output::line(format!("node/{name} powered on: its kubelet will report in at its next heartbeat")),
            Err(e) => Output::error(format!("error: {e}")),
        },
        ["curl", ..] => crate::traffic::curl(engine, &words[1..], ctx),
        ["edit", ..] => crate::edit::lab_edit(engine, &words[1..], ctx),
        ["lan", "up"] => {
            let fresh = engine.lan_up();
            let mut o = if fresh { Output::line("LAN up: three machines with docker and no Kubernetes") } else { Output::line("the LAN is already up") };
            o.extend(crate::vm::lan_table(engine));
            o.out("`lab ssh vm-1` logs in to a machine; `exit` comes back.");
            o
        }
        ["lan"] if engine.lan().vms.is_empty() => Output::error("error: the LAN is not up: `lab lan up` boots it"),
        ["lan"] => crate::vm::lan_table(engine),
        ["lan", other, ..] => Output::error(format!("error: unknown lab lan command \"{other}\": use `lab lan up` or `lab lan`")),
        ["on", vm, _, ..] => crate::vm::run(engine, vm, &words[2..], ctx),
        ["on", ..] => Output::error("error: lab on <machine> <command> runs one command on a machine"),
        ["ssh", vm] => {
            if engine.lan().vms.contains_key(*vm) {
                Output::error("error: `lab ssh` changes where the console's next commands run: type it in the console (or a script); `lab on <machine> <command>` runs one command")
            } else {
                crate::vm::run(engine, vm, &[], ctx)
            }
        }
        ["ssh", ..] => Output::error("error: lab ssh <machine> logs in to one of the LAN's machines"),
        ["export"] => Output::line(crate::export::export(engine)),
        ["reset"] => {
            let seed = engine.seed();
            *engine = Engine::new(seed);
            Output::line(format!("the cluster is new again (seed {seed}): three workers and a control plane, nothing applied"))
        }
        ["seed"] => Output::line(format!("seed {}", engine.seed())),
        ["seed", n] => match n.parse::<u64>() {
            Ok(seed) => {
                *engine = Engine::new(seed);
                Output::line(format!("a new cluster with seed {seed}"))
            }
            Err(_) => Output::error(format!("error: the seed must be a whole number, not \"{n}\"")),
        },
        ["time", "next"] | ["time", "step"] => {
            // The next moment at which something actually changes (timers that fire and
            // find nothing to do are passed over).
            let before = engine.store().resource_version();
            let mut last = None;
            for _ in 0..10_000 {
                match engine.step(&mut *ctx.observe) {
                    Some(t) => {
                        last = Some(t);
                        if engine.store().resource_version() != before {
                            break;
                        }
                    }
                    None => break,
                }
            }
            match last {
                Some(t) if engine.store().resource_version() != before => Output::line(format!("simulated time is now {} (the next moment something happens)", format_clock(t.0))),
                _ => Output::line(format!("nothing is scheduled: the cluster is at rest (simulated time {})", format_clock(engine.now().0))),
            }
        }
        ["time"] | ["time", "now"] => Output::line(format!("simulated time is {}", format_clock(engine.now().0))),
        ["time", "pause" | "play" | "speed", ..] => Output::line("the clock only runs on its own in the browser; here time moves with `lab advance` (and commands that wait)"),
        ["load", ..] => crate::traffic::load(engine, &words[1..]),
        ["pod", "kill", ..] => crate::logs::kill(engine, &words[2..]),
        ["pod", ..] => Output::error("error: lab pod kill <pod> [-c container] kills a container's process"),
        ["node", verb, ..] if !["kill", "restore", "add", "delete"].contains(verb) => {
            Output::error(format!("error: unknown lab node command \"{verb}\": use add, kill, restore or delete"))
        }
        ["node", ..] => Output::error("error: lab node add|kill|restore|delete needs a node name"),
        [] | ["help"] => {
            let mut out = Output::new();
            let mut text = String::from("Lab commands:\n");
            for (c, d) in COMMANDS {
                text.push_str(&format!("  {c}\t{d}\n"));
            }
            text.push_str("\nkubectl commands:\n");
            for (c, d) in crate::commands::COMMANDS {
                text.push_str(&format!("  kubectl {c}\t{d}\n"));
            }
            out.out(crate::tabwriter::format(&text));
            out
        }
        [other, ..] => Output::error(format!("error: unknown lab command \"{other}\"; run 'lab help' for the list")),
    }
}
