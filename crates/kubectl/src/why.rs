//! `lab why TYPE/NAME`: the chain of decisions that made an object what it is, oldest first,
//! one step per line (simulated time, who decided, the rule with its numbers), then what
//! holds it if it is not fine. `lab why` alone: what the last command still visible caused.

use crate::args::parse;
use crate::{Ctx, Output};
use kubelab_api::resolve_resource;
use kubelab_engine::causes::{Why, WrittenObject};
use kubelab_engine::duration::format_clock;
use kubelab_engine::{ApiError, Engine};

const USAGE: &str = "lab why TYPE/NAME explains an object (pod/web-1, deployment/web, rs/..., sts/..., svc/..., node/...); lab why alone explains the last command";

/// `lab why [TYPE/NAME | TYPE NAME] [-n NS]`.
pub(crate) fn run(engine: &mut Engine, rest: &[String], _: &mut Ctx) -> Output {
    let args = match parse(rest, &[], "lab why") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let ns = args.namespace(engine);
    let (t, name) = match args.positional.as_slice() {
        [] => return last_command(engine),
        [one] => match one.split_once('/') {
            Some((t, n)) if !n.is_empty() => (t.to_string(), n.to_string()),
            _ => return Output::error(format!("error: lab why needs a name as well as a type ({USAGE})")),
        },
        [t, n] if !t.contains('/') => (t.clone(), n.clone()),
        more => return Output::error(format!("error: lab why takes one object, not {} words ({USAGE})", more.len())),
    };
    let Some(info) = resolve_resource(&t) else {
        return Output::error(format!("error: the server doesn't have a resource type \"{t}\""));
    };
    match engine.why(info.kind, &ns, &name) {
        Some(why) => print(&why),
        None => Output::error(ApiError::not_found(info, &name).kubectl_message()),
    }
}

/// `kind/name` as kubectl names an object (`pod/web-1`, `deployment.apps/web`).
fn object_name(o: &WrittenObject) -> String {
    let info = kubelab_api::object::kind_info_by_kind(o.kind);
    let t = info.map_or_else(|| o.kind.to_ascii_lowercase(), |i| i.singular.to_string());
    format!("{t}/{}", o.name)
}

fn print(why: &Why) -> Output {
    let mut out = Output::new();
    let ns =
        if why.object.namespace.is_empty() { String::new() } else { format!(" in namespace {}", why.object.namespace) };
    out.out(format!("Why {}{ns} is as it is, oldest first:", object_name(&why.object)));
    if why.steps.is_empty() {
        out.out("  (no change recorded: it has been as it is since the cluster booted)");
    }
    let mut table = String::new();
    for s in &why.steps {
        let who = match (&s.command_line, &s.node) {
            (Some(line), _) => format!("{} (line {line})", s.actor),
            (None, Some(node)) => format!("{} on {node}", s.actor),
            _ => s.actor.clone(),
        };
        table.push_str(&format!("  {}\t{who}\t{}\n", format_clock(s.at.0), s.rule));
    }
    out.out(crate::tabwriter::format(&table).trim_end_matches('\n'));
    if why.forgotten > 0 {
        out.out(format!("  ({} earlier write(s) to {} not kept)", why.forgotten, object_name(&why.object)));
    }
    for (i, d) in why.diagnosis.iter().enumerate() {
        out.out(format!("{}{d}", if i == 0 { "Now: " } else { "     " }));
    }
    out
}

/// `lab why` alone: the objects the last command still visible in the causes changed.
fn last_command(engine: &Engine) -> Output {
    let Some(cmd) = engine.last_command_with_effects() else {
        return Output::line("No command has changed the cluster yet (lab why TYPE/NAME explains an object).");
    };
    let mut out = Output::new();
    out.out(format!("Line {}, {}, caused:", cmd.line, cmd.text));
    for o in engine.caused_by(cmd.line) {
        let ns = if o.namespace.is_empty() { String::new() } else { format!(" (namespace {})", o.namespace) };
        out.out(format!("  {}{ns}", object_name(&o)));
    }
    out.out("lab why TYPE/NAME shows the chain behind any of them.");
    out
}
