//! `kubectl create deployment|namespace|configmap|service|ingress|job` (the generators; `create -f` is
//! `apply.rs`). Each subcommand builds the object kubectl builds on the client and sends it
//! with `submit`.

mod configmap;
mod deployment;
mod ingress;
mod job;
mod namespace;
mod service;

pub use deployment::container_name_for_image;

use crate::apply::Mode;
use crate::{Ctx, Output};
use kubelab_engine::Engine;

/// `kubectl create ...`: a generator subcommand, or `create -f` (which takes `--dry-run` as
/// `apply -f` does, on a copy of the lab; the generators read the flag themselves).
pub fn run(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    match create_subcommand(words) {
        Some(_) => create(engine, words, ctx),
        None => crate::dry_run::dry_run_copy(engine, words, ctx, create_from_files)
            .unwrap_or_else(|| create_from_files(engine, words, ctx)),
    }
}

fn create_from_files(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    crate::commands::apply(engine, words, ctx, Mode::Create)
}

const CREATE_SUBCOMMANDS: &[&str] =
    &["deployment", "deploy", "namespace", "ns", "configmap", "cm", "service", "svc", "ingress", "ing", "job"];

/// kubectl's other `create` subcommands, which the lab does not model yet.
const CREATE_UNAVAILABLE: &[&str] = &[
    "clusterrole",
    "clusterrolebinding",
    "cronjob",
    "cj",
    "poddisruptionbudget",
    "pdb",
    "priorityclass",
    "pc",
    "quota",
    "resourcequota",
    "role",
    "rolebinding",
    "secret",
    "serviceaccount",
    "sa",
    "token",
];

/// Flags that take a value, for finding a subcommand behind them (`create -n dev deployment`).
pub(crate) fn takes_value(w: &str) -> bool {
    matches!(
        w,
        "-n" | "--namespace"
            | "-f"
            | "--filename"
            | "-o"
            | "--output"
            | "--context"
            | "-v"
            | "--v"
            | "--request-timeout"
            | "-l"
            | "--selector"
            | "--field-manager"
            | "--validate"
            | "-k"
            | "--kustomize"
            | "--image"
            | "--template"
            | "--rule"
            | "--class"
            | "--default-backend"
            | "--annotation"
            | "--from"
    )
}

/// The index of a generator subcommand in the words after `create` (cobra finds
/// subcommands past flags), or `None` when this is `create -f` or unknown.
pub fn create_subcommand(words: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        if w == "--" {
            return None;
        }
        if w.len() > 1 && w.starts_with('-') {
            i += if takes_value(w) { 2 } else { 1 };
            continue;
        }
        return if CREATE_SUBCOMMANDS.contains(&w) || CREATE_UNAVAILABLE.contains(&w) { Some(i) } else { None };
    }
    None
}

/// `kubectl create deployment|namespace|configmap|service ...` (words after `create`).
pub fn create(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let Some(i) = create_subcommand(words) else {
        return Output::error("error: must specify one of -f and -k");
    };
    let sub = words[i].clone();
    let mut rest: Vec<String> = words.to_vec();
    rest.remove(i);
    match sub.as_str() {
        "deployment" | "deploy" => deployment::create_deployment(engine, &rest),
        "namespace" | "ns" => namespace::create_namespace(engine, &rest),
        "configmap" | "cm" => configmap::create_configmap(engine, &rest, ctx),
        "service" | "svc" => service::create_service(engine, &rest),
        "ingress" | "ing" => ingress::create_ingress(engine, &rest),
        "job" => job::create_job(engine, &rest),
        other => Output::error(format!("error: `kubectl create {other}` is not available in this lab yet")),
    }
}
