//! `kubectl config`: the lab's kubeconfig has one context, `kubelab`, whose namespace
//! `set-context --current --namespace=NS` changes (the engine keeps it, so a replay of the
//! journal rebuilds it; every command without `-n` works there).
//!
//! Source: k8s.io/kubectl/pkg/cmd/config (set_context.go, get_contexts.go,
//! current_context.go, view.go) at kubernetes/kubectl dee3483a.

use crate::args::{flag, parse, FlagSpec};
use crate::{Ctx, Output};
use kubelab_engine::Engine;

pub const CONTEXT: &str = "kubelab";
pub const SERVER: &str = "https://127.0.0.1:6443";

const SET_CONTEXT_FLAGS: &[FlagSpec] =
    &[flag("current", None, false), flag("cluster", None, true), flag("user", None, true)];
const VIEW_FLAGS: &[FlagSpec] = &[
    flag("minify", None, false),
    flag("raw", None, false),
    flag("flatten", None, false),
    flag("merge", None, true),
    flag("output", Some('o'), true),
];

pub fn config(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let rest = words.get(1..).unwrap_or_default();
    match words.first().map(|s| s.as_str()) {
        Some("current-context") => Output::line(CONTEXT),
        Some("get-contexts") => get_contexts(engine, rest),
        Some("view") => view(engine, rest),
        Some("use-context") => match words.get(1) {
            Some(c) if c == CONTEXT => Output::line(format!("Switched to context \"{CONTEXT}\".")),
            Some(c) => Output::error(format!("error: no context exists with the name: \"{c}\"")),
            None => Output::error("error: Unexpected args: []"),
        },
        Some("set-context") => set_context(engine, rest),
        Some(other) => Output::error(format!("error: unknown command \"{other}\" for \"kubectl config\"")),
        None => Output::error(
            "error: `kubectl config` needs a subcommand: current-context, get-contexts, view, use-context, set-context",
        ),
    }
}

/// `set-context [NAME | --current] --namespace=NS`: "Context "kubelab" modified.".
fn set_context(engine: &mut Engine, words: &[String]) -> Output {
    let a = match parse(words, SET_CONTEXT_FLAGS, "kubectl config set-context") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let current = a.bool("current");
    match (a.positional.as_slice(), current) {
        ([], false) => return Output::error("error: you must specify a non-empty context name or --current"),
        ([_], true) => return Output::error("error: you cannot specify both a context name and --current"),
        ([name], false) if name != CONTEXT => {
            return Output::error(format!(
                "error: this lab's kubeconfig has one context, \"{CONTEXT}\": use --current (or the name {CONTEXT})"
            ))
        }
        ([_] | [], _) => {}
        (more, _) => {
            return Output::error(format!(
                "error: Unexpected args: [{}]\nSee 'kubectl config set-context -h' for help and examples",
                more.join(" ")
            ))
        }
    }
    for (f, v) in [("cluster", a.get("cluster")), ("user", a.get("user"))] {
        if v.is_some_and(|v| v != CONTEXT) {
            return Output::error(format!("error: this lab has one {f}, \"{CONTEXT}\""));
        }
    }
    if let Some(ns) = a.get("namespace") {
        engine.set_context_namespace(ns);
    }
    Output::line(format!("Context \"{CONTEXT}\" modified."))
}

/// The NAMESPACE column is empty until a namespace is set.
fn shown_namespace(engine: &Engine) -> &str {
    match engine.context_namespace() {
        "default" => "",
        ns => ns,
    }
}

fn get_contexts(engine: &Engine, words: &[String]) -> Output {
    let a = match parse(
        words,
        &[flag("output", Some('o'), true), flag("no-headers", None, false)],
        "kubectl config get-contexts",
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let names_only = match a.get("output") {
        None | Some("") => false,
        Some("name") => true,
        Some(o) => {
            return Output::error(format!(
            "error: --output {o} is not available in kubectl config get-contexts; resetting to default output format"
        ))
        }
    };
    if let Some(name) = a.positional.iter().find(|n| *n != CONTEXT) {
        return Output::error(format!("error: context {name} not found"));
    }
    if names_only {
        return Output::line(CONTEXT);
    }
    let header = if a.bool("no-headers") { "" } else { "CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n" };
    let ns = shown_namespace(engine);
    Output::line(crate::tabwriter::format(&format!("{header}*\t{CONTEXT}\t{CONTEXT}\t{CONTEXT}\t{ns}\n")))
}

/// `view` (`--minify` shows the current context's part, which with one context is all of it).
fn view(engine: &Engine, words: &[String]) -> Output {
    let a = match parse(words, VIEW_FLAGS, "kubectl config view") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    if a.get("output").is_some_and(|o| o != "yaml") {
        return Output::error("error: this lab prints kubectl config view as YAML only");
    }
    // The lab has no certificates to show, with --raw or without.
    let data = "DATA+OMITTED";
    let ns = match shown_namespace(engine) {
        "" => String::new(),
        ns => format!("    namespace: {ns}\n"),
    };
    Output::line(format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {data}\n    server: {SERVER}\n  name: {CONTEXT}\ncontexts:\n- context:\n    cluster: {CONTEXT}\n{ns}    user: {CONTEXT}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: {CONTEXT}\n  user:\n    client-certificate-data: {data}\n    client-key-data: {data}"
    ))
}
