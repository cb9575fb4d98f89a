//! `kubectl rollout status|history|undo|restart|pause|resume`, with kubectl's messages
//! (k8s.io/kubectl/pkg/polymorphichelpers).

use crate::args::{flag, parse, FlagSpec};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::controllers::deployment::{owned_replica_sets, POD_TEMPLATE_HASH, REVISION};
use kubelab_engine::Engine;

pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// `deployment/web`, `deployment web`, `deploy/web` → (kind info, name).
pub(crate) fn target(pos: &[String]) -> Result<(&'static KindInfo, String, usize), String> {
    let Some(first) = pos.first() else {
        return Err("error: required resource not specified".into());
    };
    if let Some((t, n)) = first.split_once('/') {
        let info =
            resolve_resource(t).ok_or_else(|| format!("error: the server doesn't have a resource type \"{t}\""))?;
        return Ok((info, n.to_string(), 1));
    }
    let info =
        resolve_resource(first).ok_or_else(|| format!("error: the server doesn't have a resource type \"{first}\""))?;
    let name = pos.get(1).ok_or("error: resource(s) were provided, but no name was specified")?;
    Ok((info, name.clone(), 2))
}

/// DeploymentStatusViewer.Status.
pub fn status_line(d: &Deployment) -> Result<(String, bool), String> {
    let name = &d.metadata.name;
    if d.metadata.generation <= d.status.observed_generation {
        if d.status.conditions.iter().any(|c| c.type_ == "Progressing" && c.reason == "ProgressDeadlineExceeded") {
            return Err(format!("error: deployment \"{name}\" exceeded its progress deadline"));
        }
        let want = d.spec.replicas.unwrap_or(1);
        let s = &d.status;
        if s.updated_replicas < want {
            return Ok((format!("Waiting for deployment \"{name}\" rollout to finish: {} out of {want} new replicas have been updated...", s.updated_replicas), false));
        }
        if s.replicas > s.updated_replicas {
            return Ok((
                format!(
                    "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
                    s.replicas - s.updated_replicas
                ),
                false,
            ));
        }
        if s.available_replicas < s.updated_replicas {
            return Ok((
                format!(
                    "Waiting for deployment \"{name}\" rollout to finish: {} of {} updated replicas are available...",
                    s.available_replicas, s.updated_replicas
                ),
                false,
            ));
        }
        return Ok((format!("deployment \"{name}\" successfully rolled out"), true));
    }
    Ok(("Waiting for deployment spec update to be observed...".into(), false))
}

const ROLLOUT_FLAGS: &[FlagSpec] = &[
    flag("revision", None, true),
    flag("to-revision", None, true),
    flag("watch", Some('w'), false),
    flag("timeout", None, true),
    flag("output", Some('o'), true),
    flag("selector", Some('l'), true),
    flag("filename", Some('f'), true),
    flag("dry-run", None, true),
];

pub fn rollout(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let Some(sub) = words.first().map(|s| s.as_str()) else {
        return Output::error(
            "error: `kubectl rollout` needs a subcommand: history, pause, restart, resume, status, undo",
        );
    };
    if !["status", "history", "undo", "restart", "pause", "resume"].contains(&sub) {
        return Output::error(format!("error: unknown command \"{sub}\" for \"kubectl rollout\""));
    }
    let a = match parse(&words[1..], ROLLOUT_FLAGS, &format!("kubectl rollout {sub}")) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let (info, name, _) = match target(&a.positional) {
        Ok(t) => t,
        Err(e) => return Output::error(e),
    };
    if info.kind != Deployment::INFO.kind {
        return Output::error(format!(
            "error: no {sub} has been implemented for {{\"{}\" \"{}\"}} in this lab",
            info.group, info.kind
        ));
    }
    let ns = a.namespace(engine);
    let Some(Object::Deployment(d)) = engine.store().get(Deployment::INFO.kind, &ns, &name) else {
        return Output::error(format!("Error from server (NotFound): deployments.apps \"{name}\" not found"));
    };
    match sub {
        "status" => status(engine, &ns, &name, a.get("watch").is_none_or(|w| w != "false"), ctx),
        "history" => history(engine, &d, a.get("revision")),
        "undo" => undo(engine, d, a.get("to-revision")),
        "restart" => {
            if d.spec.paused {
                return Output::error(format!(
                    "error: deployments.apps \"{name}\" can't restart paused deployment (run rollout resume first)"
                ));
            }
            let mut next = d.clone();
            next.spec.template.metadata.annotations.insert(RESTARTED_AT.into(), engine.now().rfc3339());
            update_line(engine, Object::Deployment(next), &name, "restarted")
        }
        "pause" => {
            if d.spec.paused {
                return Output::error(format!("error: deployments.apps \"{name}\" is already paused"));
            }
            let mut next = d.clone();
            next.spec.paused = true;
            update_line(engine, Object::Deployment(next), &name, "paused")
        }
        _ => {
            if !d.spec.paused {
                return Output::error(format!("error: deployments.apps \"{name}\" is not paused"));
            }
            let mut next = d.clone();
            next.spec.paused = false;
            update_line(engine, Object::Deployment(next), &name, "resumed")
        }
    }
}

fn update_line(engine: &mut Engine, obj: Object, name: &str, verb: &str) -> Output {
    match engine.update(obj) {
        Ok(_) => {
            engine.settle();
            Output::line(format!("deployment.apps/{name} {verb}"))
        }
        Err(e) => Output::error(e.kubectl_message()),
    }
}

/// Prints each new status line while the simulated clock runs, until the rollout is done
/// (or its progress deadline passes). With --watch=false, prints the current one.
fn status(engine: &mut Engine, ns: &str, name: &str, watch: bool, ctx: &mut Ctx) -> Output {
    let mut out = Output::new();
    let mut last = String::new();
    // A bound so a rollout that can never finish still returns.
    let deadline = engine.now().0 + 3 * 3600 * 1000;
    loop {
        let Some(Object::Deployment(d)) = engine.store().get(Deployment::INFO.kind, ns, name) else {
            out.err(format!("error: deployments.apps \"{name}\" not found"));
            return out;
        };
        match status_line(&d) {
            Err(e) => {
                out.err(e);
                return out;
            }
            Ok((line, done)) => {
                if line != last {
                    out.out(&line);
                    last = line;
                }
                if done || !watch {
                    return out;
                }
            }
        }
        if engine.now().0 >= deadline || engine.step(&mut *ctx.observe).is_none() {
            out.err("error: timed out waiting for the condition");
            return out;
        }
    }
}

/// The Deployment's ReplicaSets by revision.
fn revisions(engine: &Engine, d: &Deployment) -> Vec<(i64, ReplicaSet)> {
    let mut v: Vec<(i64, ReplicaSet)> = owned_replica_sets(d, engine.store())
        .into_iter()
        .filter_map(|rs| rs.metadata.annotations.get(REVISION).and_then(|r| r.parse().ok()).map(|r| (r, rs.clone())))
        .collect();
    kubelab_api::sort::by_key(&mut v, |(r, _)| *r);
    v
}

fn history(engine: &Engine, d: &Deployment, revision: Option<&str>) -> Output {
    let revs = revisions(engine, d);
    let name = &d.metadata.name;
    if let Some(r) = revision {
        let Ok(want) = r.parse::<i64>() else {
            return Output::error(format!("error: invalid argument \"{r}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax"));
        };
        let Some((_, rs)) = revs.iter().find(|(n, _)| *n == want) else {
            return Output::error("error: unable to find the specified revision");
        };
        let mut out = Output::new();
        out.out(format!("deployment.apps/{name} with revision #{want}"));
        out.out(crate::describe::pod_template(&rs.spec.template));
        return out;
    }
    let mut text = String::from("REVISION\tCHANGE-CAUSE\n");
    for (r, rs) in &revs {
        let cause = rs.metadata.annotations.get(CHANGE_CAUSE).cloned().unwrap_or_else(|| "<none>".into());
        text.push_str(&format!("{r}\t{cause}\n"));
    }
    let mut out = Output::new();
    out.out(format!("deployment.apps/{name} "));
    out.out(crate::tabwriter::format_with(&text, 0, 2));
    out.lines.push((false, String::new()));
    out
}

/// DeploymentRollbacker: the previous revision's template (or --to-revision's).
fn undo(engine: &mut Engine, d: Deployment, to: Option<&str>) -> Output {
    let name = d.metadata.name.clone();
    let to_revision: i64 = match to.map(|t| t.parse::<i64>()) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return Output::error(format!("error: invalid argument \"{}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax", to.unwrap_or(""), to.unwrap_or(""))),
    };
    if d.spec.paused {
        return Output::error("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
    }
    let revs = revisions(engine, &d);
    if revs.is_empty() {
        return Output::error(format!("error: no rollout history found for deployment \"{name}\""));
    }
    let target = if to_revision == 0 {
        // The second-highest revision.
        if revs.len() < 2 {
            return Output::error(format!("error: no rollout history found for deployment \"{name}\""));
        }
        revs[revs.len() - 2].clone()
    } else {
        match revs.iter().find(|(r, _)| *r == to_revision) {
            Some(x) => x.clone(),
            None => return Output::error(format!("error: unable to find specified revision {to_revision} in history")),
        }
    };
    let (rev, rs) = target;
    let mut template = rs.spec.template.clone();
    template.metadata.labels.remove(POD_TEMPLATE_HASH);
    if template == d.spec.template {
        return Output::line(format!(
            "deployment.apps/{name} skipped rollback (current template already matches revision {rev})"
        ));
    }
    let mut next = d.clone();
    next.spec.template = template;
    match rs.metadata.annotations.get(CHANGE_CAUSE) {
        Some(c) => {
            next.metadata.annotations.insert(CHANGE_CAUSE.into(), c.clone());
        }
        None => {
            next.metadata.annotations.remove(CHANGE_CAUSE);
        }
    }
    update_line(engine, Object::Deployment(next), &name, "rolled back")
}
