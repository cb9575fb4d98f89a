//! The lab's own verbs: moving the clock and breaking machines. Which verbs there are, their
//! `lab help` lines and whether they change the cluster are in `registry::LAB`; each verb's
//! function here gets the words after it.

use crate::registry::{self, Verb};
use crate::{Ctx, Output};
use kubelab_engine::duration::{format_clock, parse_duration};
use kubelab_engine::Engine;

/// `lab ...` (the words after `lab`).
pub fn run(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let Some(verb) = words.first() else { return help() };
    match registry::lab_verb(verb) {
        Some(Verb { run: Some(run), .. }) => run(engine, &words[1..], ctx),
        _ => unknown(verb),
    }
}

fn unknown(verb: &str) -> Output {
    Output::error(format!("error: unknown lab command \"{verb}\"; run 'lab help' for the list"))
}

/// `lab help`: the lab's verbs, then kubectl's, each with its line from the registry.
fn help() -> Output {
    let mut out = Output::new();
    let mut text = String::from("Lab commands:\n");
    for (c, d) in registry::LAB.iter().flat_map(|v| v.help) {
        text.push_str(&format!("  {c}\t{d}\n"));
    }
    text.push_str("\nkubectl commands:\n");
    for (c, d) in registry::KUBECTL.iter().flat_map(|v| v.help) {
        text.push_str(&format!("  {c}\t{d}\n"));
    }
    out.out(crate::tabwriter::format(&text));
    out
}

pub(crate) fn help_verb(_: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    if rest.is_empty() {
        help()
    } else {
        unknown("help")
    }
}

/// `lab advance D` (`lab time advance D` too).
pub(crate) fn advance(engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    match rest {
        [d] => advance_by(engine, d, ctx),
        [] => Output::error("error: lab advance needs a duration, such as 30s or 5m"),
        _ => unknown("advance"),
    }
}

fn advance_by(engine: &mut Engine, d: &str, ctx: &mut Ctx) -> Output {
    match parse_duration(d) {
        Ok(ms) => {
            engine.advance(ms, &mut *ctx.observe);
            let mut out = Output::new();
            out.out(format!("advanced {}; simulated time is now {}", format_clock(ms), format_clock(engine.now().0)));
            out
        }
        Err(e) => Output::error(format!("error: {e} (use a duration such as 30s, 5m or 1h30m)")),
    }
}

/// `lab node kill|restore|add|delete NODE`.
pub(crate) fn node(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    let w: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
    match w.as_slice() {
        ["kill", name] => match engine.kill_node(name) {
            Ok(()) => Output::line(format!(
                "node/{name} powered off: its kubelet stops reporting and its containers are gone"
            )),
            Err(e) => Output::error(format!("error: {e}")),
        },
        [verb @ ("add" | "delete"), name] => crate::nodes::lab_node(engine, verb, name),
        ["restore", name] => match engine.restore_node(name) {
            Ok(()) => Output::line(format!("node/{name} powered on: its kubelet will report in at its next heartbeat")),
            Err(e) => Output::error(format!("error: {e}")),
        },
        [verb, ..] if !["kill", "restore", "add", "delete"].contains(verb) => {
            Output::error(format!("error: unknown lab node command \"{verb}\": use add, kill, restore or delete"))
        }
        _ => Output::error("error: lab node add|kill|restore|delete needs a node name"),
    }
}

/// `lab pod kill POD [-c CONTAINER]`.
pub(crate) fn pod(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    match rest.first().map(String::as_str) {
        Some("kill") => crate::logs::kill(engine, &rest[1..]),
        Some("exit") => crate::logs::exit_main_process(engine, &rest[1..]),
        _ => Output::error(
            "error: lab pod kill <pod> [-c container] kills a container's process; lab pod exit <pod> [-c container] [code] ends it",
        ),
    }
}

/// `lab curl URL`.
pub(crate) fn curl(engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    crate::traffic::curl(engine, rest, ctx)
}

/// `lab load start|stats|stop`.
pub(crate) fn load(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    crate::traffic::load(engine, rest)
}

/// `lab lan up`, `lab lan`.
pub(crate) fn lan(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    match rest.first().map(String::as_str) {
        Some("up") if rest.len() == 1 => {
            let fresh = engine.lan_up();
            let mut o = if fresh {
                Output::line("LAN up: three machines with docker and no Kubernetes")
            } else {
                Output::line("the LAN is already up")
            };
            o.extend(crate::vm::lan_table(engine));
            o.out("`lab ssh vm-1` logs in to a machine; `exit` comes back.");
            o
        }
        None if engine.lan().vms.is_empty() => Output::error("error: the LAN is not up: `lab lan up` boots it"),
        None => crate::vm::lan_table(engine),
        Some(other) => {
            Output::error(format!("error: unknown lab lan command \"{other}\": use `lab lan up` or `lab lan`"))
        }
    }
}

/// `lab ssh MACHINE`: the console (or script) changes where later lines run; here, only
/// the errors.
pub(crate) fn ssh(engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    match rest {
        [vm] if engine.lan().vms.contains_key(vm.as_str()) => Output::error("error: `lab ssh` changes where the console's next commands run: type it in the console (or a script); `lab on <machine> <command>` runs one command"),
        [vm] => crate::vm::run(engine, vm, &[], ctx),
        _ => Output::error("error: lab ssh <machine> logs in to one of the LAN's machines"),
    }
}

/// `lab on MACHINE COMMAND...`.
pub(crate) fn on(engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    match rest {
        [vm, _, ..] => crate::vm::run(engine, vm, &rest[1..], ctx),
        _ => Output::error("error: lab on <machine> <command> runs one command on a machine"),
    }
}

/// `lab edit TYPE/NAME <<EOF`.
pub(crate) fn edit(engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    crate::edit::lab_edit(engine, rest, ctx)
}

/// `lab time [now|next|step|advance D|pause|play|speed N]`.
pub(crate) fn time(engine: &mut Engine, rest: &[String], ctx: &mut Ctx) -> Output {
    let w: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
    match w.as_slice() {
        ["advance", d] => advance_by(engine, d, ctx),
        ["advance"] => Output::error("error: lab advance needs a duration, such as 30s or 5m"),
        ["next"] | ["step"] => next_event(engine, ctx),
        [] | ["now"] => Output::line(format!("simulated time is {}", format_clock(engine.now().0))),
        ["pause" | "play" | "speed", ..] => Output::line("the clock only runs on its own in the browser; here time moves with `lab advance` (and commands that wait)"),
        _ => unknown("time"),
    }
}

/// `lab time next`: the next moment at which something actually changes (timers that fire
/// and find nothing to do are passed over).
fn next_event(engine: &mut Engine, ctx: &mut Ctx) -> Output {
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
        Some(t) if engine.store().resource_version() != before => {
            Output::line(format!("simulated time is now {} (the next moment something happens)", format_clock(t.0)))
        }
        _ => Output::line(format!(
            "nothing is scheduled: the cluster is at rest (simulated time {})",
            format_clock(engine.now().0)
        )),
    }
}

/// `lab export`.
pub(crate) fn export(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    if !rest.is_empty() {
        return unknown("export");
    }
    Output::line(crate::export::export(engine))
}

/// `lab reset`.
pub(crate) fn reset(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    if !rest.is_empty() {
        return unknown("reset");
    }
    let seed = engine.seed();
    *engine = Engine::new(seed);
    Output::line(format!("the cluster is new again (seed {seed}): three workers and a control plane, nothing applied"))
}

/// `lab seed [N]`.
pub(crate) fn seed(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    match rest {
        [] => Output::line(format!("seed {}", engine.seed())),
        [n] => match n.parse::<u64>() {
            Ok(seed) => {
                *engine = Engine::new(seed);
                Output::line(format!("a new cluster with seed {seed}"))
            }
            Err(_) => Output::error(format!("error: the seed must be a whole number, not \"{n}\"")),
        },
        _ => unknown("seed"),
    }
}
