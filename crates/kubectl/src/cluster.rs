//! Cluster-level commands: `api-resources`, `cluster-info` (`config` is `config.rs`, `top` is
//! `top.rs`).

use crate::args::{flag, parse};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::Engine;

use crate::config::SERVER;

pub fn api_resources(_engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(
        words,
        &[
            flag("namespaced", None, true),
            flag("api-group", None, true),
            flag("output", Some('o'), true),
            flag("no-headers", None, false),
            flag("verbs", None, true),
            flag("sort-by", None, true),
        ],
        "kubectl api-resources",
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let mut kinds: Vec<&KindInfo> = KINDS.iter().collect();
    // The core group first, then groups by name; names sorted within a group.
    kubelab_api::sort::by(&mut kinds, |x, y| {
        (!x.group.is_empty(), x.group, x.resource).cmp(&(!y.group.is_empty(), y.group, y.resource))
    });
    if let Some(ns) = a.get("namespaced") {
        let want = ns != "false";
        kinds.retain(|k| k.namespaced == want);
    }
    if let Some(g) = a.get("api-group") {
        kinds.retain(|k| k.group == g);
    }
    if a.get("output") == Some("name") {
        return Output::line(
            kinds
                .iter()
                .map(
                    |k| if k.group.is_empty() { k.resource.to_string() } else { format!("{}.{}", k.resource, k.group) },
                )
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    let mut text = String::new();
    if !a.bool("no-headers") {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    }
    for k in kinds {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            k.resource,
            k.short_names.join(","),
            k.api_version(),
            k.namespaced,
            k.kind
        ));
    }
    Output::line(crate::tabwriter::format(&text))
}

pub fn cluster_info(_engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    if let Some(w) = words.first() {
        if w == "dump" {
            return Output::error(
                "error: `kubectl cluster-info dump` is not available in this lab; use kubectl get/describe",
            );
        }
    }
    Output::line(format!("Kubernetes control plane is running at {SERVER}\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."))
}
