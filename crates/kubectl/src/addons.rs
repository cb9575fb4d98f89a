//! `lab addons list|enable NAME|disable NAME`: minikube's `addons` commands, in the plain
//! form minikube prints when its output is not a colour terminal (`*` for its emoji, `-`
//! for its `▪`), and its `addons list` table (olekukonko/tablewriter: headers centred,
//! cells padded by one space). The words are minikube's (`cmd/minikube/cmd/config/enable.go`
//! and `disable.go`), including the stray opening quote of its "addon is disabled" line.

use crate::{Ctx, Output};
use kubelab_engine::addons::{addon, ADDONS};
use kubelab_engine::Engine;

/// Add-ons minikube enables at start that the lab has always (the `standard` StorageClass
/// and its provisioner): listed as enabled, not to be disabled.
const BUILT_IN: &[(&str, &str)] = &[("default-storageclass", "Kubernetes"), ("storage-provisioner", "minikube")];

pub fn run(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["list"] | [] => list(engine),
        ["enable", name] => enable(engine, name, ctx),
        ["disable", name] => disable(engine, name),
        ["enable" | "disable"] => {
            Output::error(format!("X Exiting due to MK_USAGE: usage: minikube addons {} ADDON_NAME", w[0]))
        }
        [other, ..] => Output::error(format!(
            "error: unknown lab addons command \"{other}\": use lab addons list, enable NAME or disable NAME"
        )),
    }
}

fn list(engine: &Engine) -> Output {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for (name, maintainer) in BUILT_IN {
        rows.push([name.to_string(), "minikube".into(), "enabled ✅".into(), maintainer.to_string()]);
    }
    for a in ADDONS {
        let status = if engine.addon_enabled(a) { "enabled ✅" } else { "disabled" };
        rows.push([a.name.into(), "minikube".into(), status.into(), a.maintainer.into()]);
    }
    kubelab_api::sort::natural(&mut rows);
    Output::line(table(&["ADDON NAME", "PROFILE", "STATUS", "MAINTAINER"], &rows))
}

/// tablewriter's bordered table, as `minikube addons list` prints it.
fn table(headers: &[&str; 4], rows: &[[String; 4]]) -> String {
    let width = |s: &str| s.chars().map(|c| if c == '✅' { 2 } else { 1 }).sum::<usize>();
    let widths: Vec<usize> =
        (0..4).map(|i| rows.iter().map(|r| width(&r[i])).chain([width(headers[i])]).max().unwrap_or(0)).collect();
    let rule = format!("|{}|", widths.iter().map(|w| "-".repeat(w + 2)).collect::<Vec<_>>().join("|"));
    let mut out = vec![rule.clone()];
    let header: Vec<String> = (0..4)
        .map(|i| {
            let gap = widths[i] - width(headers[i]);
            format!(" {}{}{} ", " ".repeat(gap / 2), headers[i], " ".repeat(gap - gap / 2))
        })
        .collect();
    out.push(format!("|{}|", header.join("|")));
    out.push(rule.clone());
    for r in rows {
        let cells: Vec<String> =
            (0..4).map(|i| format!(" {}{} ", r[i], " ".repeat(widths[i] - width(&r[i])))).collect();
        out.push(format!("|{}|", cells.join("|")));
    }
    out.push(rule);
    out.join("\n")
}

fn not_an_addon(name: &str) -> Output {
    // minikube's words for a name it does not package (`addons open`), with the lab's command.
    Output::error(format!(
        "X Exiting due to MK_USAGE: addon '{name}' is not a valid addon packaged with minikube.\nTo see the list of available addons run:\nlab addons list"
    ))
}

fn enable(engine: &mut Engine, name: &str, ctx: &mut Ctx) -> Output {
    if BUILT_IN.iter().any(|(n, _)| *n == name) {
        return Output::line(format!("* The '{name}' addon is enabled"));
    }
    let Some(a) = addon(name) else { return not_an_addon(name) };
    let mut out = Output::new();
    out.out(format!(
        "* {name} is an addon maintained by {}. For any concerns contact minikube on GitHub.\nYou can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS",
        a.maintainer
    ));
    for image in a.images {
        out.out(format!("  - Using image {image}"));
    }
    if let Err(e) = engine.enable_addon(a) {
        return Output::error(format!("X Exiting due to MK_ADDON_ENABLE: enable failed: {e}"));
    }
    if name == "ingress" {
        // minikube waits for the controller's pod to be Ready (at most 6 minutes).
        out.out("* Verifying ingress addon...");
        if !wait_ready(engine, "ingress-nginx", "ingress-nginx-controller", ctx) {
            return Output::error("X Exiting due to MK_ADDON_ENABLE: enable failed: waiting for app.kubernetes.io/name=ingress-nginx pods: timed out waiting for the condition");
        }
    }
    out.out(format!("* The '{name}' addon is enabled"));
    out
}

/// Runs the clock a second at a time until the Deployment has an available replica.
fn wait_ready(engine: &mut Engine, ns: &str, name: &str, ctx: &mut Ctx) -> bool {
    for _ in 0..360 {
        let available = engine
            .store()
            .deployments
            .get(&(ns.to_string(), name.to_string()))
            .is_some_and(|d| d.status.available_replicas > 0);
        if available {
            return true;
        }
        engine.advance(1_000, &mut *ctx.observe);
    }
    false
}

fn disable(engine: &mut Engine, name: &str) -> Output {
    if BUILT_IN.iter().any(|(n, _)| *n == name) {
        return Output::error(format!(
            "error: the lab keeps the '{name}' addon: its StorageClass is the cluster's default"
        ));
    }
    let Some(a) = addon(name) else { return not_an_addon(name) };
    engine.disable_addon(a);
    Output::line(format!("* \"The '{name}' addon is disabled"))
}
