//! `kubectl set env`: add, change or remove the environment variables of a pod template's
//! containers, list them, or import a ConfigMap's keys.
//!
//! As k8s.io/kubectl/pkg/cmd/set/set_env.go (v1.31) and env/env_parse.go do it:
//! - `RESOURCE/NAME KEY=VAL KEY2-`: resources first, then changes ("all resources must be
//!   specified before environment changes"); `KEY-` removes; `-e KEY=VAL` adds too.
//! - A changed variable keeps its place, a new one goes last (updateEnv).
//! - Success prints `deployment.apps/web env updated`; no change prints nothing.
//! - `--list` prints `# Deployment web, container nginx` and `KEY=VALUE` lines (a reference
//!   as `# KEY from configmap NAME, key KEY`), and changes nothing.
//! - `--from=configmap/NAME` adds each key (upper-cased, other characters `_`) as a
//!   `configMapKeyRef`; `--keys` picks some, `--prefix` prefixes their names. kubectl walks
//!   the ConfigMap's map in Go's random order; the lab takes its keys in sorted order.
//! - `--overwrite=false` refuses to change a variable that has another value.
//! - `-c` picks containers by name (`*` wildcards), init containers included.
//! - `--dry-run=client|server` says `(dry run)` / `(server dry run)` and changes nothing.

use crate::args::{flag, parse, Args, FlagSpec};
use crate::{Ctx, Output};
use kubelab_api::validate::is_env_var_name;
use kubelab_api::*;
use kubelab_engine::Engine;
use serde_yaml::{Mapping, Value};

const FLAGS: &[FlagSpec] = &[
    flag("containers", Some('c'), true),
    flag("from", None, true),
    flag("prefix", None, true),
    flag("env", Some('e'), true),
    flag("keys", None, true),
    flag("list", None, false),
    flag("resolve", None, false),
    flag("local", None, false),
    flag("all", None, false),
    flag("overwrite", None, false),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
    flag("selector", Some('l'), true),
    flag("filename", Some('f'), true),
    flag("field-manager", None, true),
];

/// `argumentEnvironment` (`^(.+)=(.*)$`) or a removal (`KEY-`).
fn is_env_arg(s: &str) -> bool {
    s.find('=').is_some_and(|i| i > 0) || s.ends_with('-')
}

const ENV_NAME_RULE: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnv1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

/// env_parse.go parseIntoEnvVar: (variables to set, names to remove).
fn parse_env(specs: &[String]) -> Result<(Vec<EnvVar>, Vec<String>), String> {
    let mut env = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some((name, value)) = spec.split_once('=') {
            if !is_env_var_name(name) {
                return Err(format!("error: \"{name}\" is not a valid key name: {ENV_NAME_RULE}"));
            }
            env.push(EnvVar { name: name.into(), value: Some(value.into()), value_from: None });
        } else if let Some(name) = spec.strip_suffix('-') {
            remove.push(name.to_string());
        } else if spec == "-" {
            return Err("error: reading environment variables from stdin is not supported in kubelab".into());
        } else {
            return Err(format!("error: unknown environment variable: {spec}"));
        }
    }
    if remove.iter().any(|r| env.iter().any(|e| &e.name == r)) {
        return Err("error: can not both modify and remove the same environment variable in the same command".into());
    }
    Ok((env, remove))
}

/// updateEnv: a changed variable keeps its place, removed ones go, new ones are appended.
fn update_env(existing: &[EnvVar], env: &[EnvVar], remove: &[String]) -> Vec<EnvVar> {
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for e in existing {
        if covered.contains(&e.name) {
            continue;
        }
        match env.iter().rev().find(|n| n.name == e.name) {
            Some(newer) => {
                covered.push(e.name.clone());
                out.push(newer.clone());
            }
            None => out.push(e.clone()),
        }
    }
    for e in env {
        if !covered.contains(&e.name) {
            covered.push(e.name.clone());
            out.push(e.clone());
        }
    }
    out
}

/// path.Match with `*` and `?` (enough for container names).
fn glob(pattern: &str, name: &str) -> bool {
    fn m(p: &[char], n: &[char]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some('*'), _) => m(&p[1..], n) || (!n.is_empty() && m(p, &n[1..])),
            (Some('?'), Some(_)) => m(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => m(&p[1..], &n[1..]),
            _ => false,
        }
    }
    m(&pattern.chars().collect::<Vec<_>>(), &name.chars().collect::<Vec<_>>())
}

/// keyToEnvName: upper case, anything but letters, digits and `_` becomes `_`.
fn key_to_env_name(key: &str) -> String {
    key.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_ascii_uppercase() } else { '_' }).collect()
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(*k)).and_then(Value::as_str)
}

/// GetEnvVarRefString.
fn ref_string(from: &Value) -> String {
    if let Some(r) = from.get("configMapKeyRef") {
        return format!("configmap {}, key {}", str_at(r, &["name"]).unwrap_or(""), str_at(r, &["key"]).unwrap_or(""));
    }
    if let Some(r) = from.get("secretKeyRef") {
        return format!("secret {}, key {}", str_at(r, &["name"]).unwrap_or(""), str_at(r, &["key"]).unwrap_or(""));
    }
    if let Some(r) = from.get("fieldRef") {
        return format!("field path {}", str_at(r, &["fieldPath"]).unwrap_or(""));
    }
    if let Some(r) = from.get("resourceFieldRef") {
        let prefix =
            str_at(r, &["containerName"]).filter(|c| !c.is_empty()).map(|c| format!("{c}/")).unwrap_or_default();
        return format!("resource field {prefix}{}", str_at(r, &["resource"]).unwrap_or(""));
    }
    "invalid valueFrom".into()
}

fn config_map_ref(cm: &str, key: &str) -> Value {
    let mut sel = Mapping::new();
    sel.insert("key".into(), key.into());
    sel.insert("name".into(), cm.into());
    let mut from = Mapping::new();
    from.insert("configMapKeyRef".into(), Value::Mapping(sel));
    Value::Mapping(from)
}

/// SplitEnvironmentFromResources: the resources come first, then the environment changes
/// (`KEY=VALUE`, `KEY-`).
fn split_environment_from_resources(positional: &[String]) -> Result<(Vec<String>, Vec<String>), Output> {
    let mut resources = Vec::new();
    let mut env_args = Vec::new();
    for w in positional {
        match (env_args.is_empty(), is_env_arg(w)) {
            (_, true) => env_args.push(w.clone()),
            (true, false) => resources.push(w.clone()),
            (false, false) => {
                return Err(Output::error(format!(
                    "error: all resources must be specified before environment changes: {}",
                    positional.join(" ")
                )))
            }
        }
    }
    Ok((resources, env_args))
}

/// `--from=configmap/NAME`: each key (or those in `--keys`) as a reference, added to `env`.
fn env_from(engine: &Engine, a: &Args, ns: &str, env: &mut Vec<EnvVar>, out: &mut Output) -> Result<(), Output> {
    if let Some(from) = a.get("from") {
        let (t, n) = from.split_once('/').unwrap_or((from, ""));
        match resolve_resource(t).map(|i| i.kind) {
            Some("ConfigMap") => {
                let Some(cm) = engine.store().configmaps.get(&(ns.to_string(), n.to_string())) else {
                    return Err(Output::error(format!("Error from server (NotFound): configmaps \"{n}\" not found")));
                };
                let keys: Vec<String> =
                    a.get("keys").map(|k| k.split(',').map(String::from).collect()).unwrap_or_default();
                for key in cm.data.keys().filter(|k| keys.is_empty() || keys.contains(k)) {
                    let name = key_to_env_name(key);
                    if &name != key {
                        out.warn(format!("Warning: key {key} transferred to {name}"));
                    }
                    env.push(EnvVar {
                        name,
                        value: None,
                        value_from: Some(config_map_ref(&cm.metadata.name, key).into()),
                    });
                }
            }
            None => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
            _ => return Err(Output::error("error: unsupported resource specified in --from")),
        }
    }
    Ok(())
}

/// The objects to change: TYPE/NAME..., TYPE NAME..., or TYPE --all.
fn set_env_targets(
    engine: &Engine,
    a: &Args,
    resources: &[String],
    ns: &str,
) -> Result<Vec<(&'static KindInfo, String)>, Output> {
    let mut targets: Vec<(&'static KindInfo, String)> = Vec::new();
    if resources.iter().all(|r| r.contains('/')) {
        for r in resources {
            let (t, n) = r.split_once('/').unwrap_or((r, ""));
            match resolve_resource(t) {
                Some(info) => targets.push((info, n.to_string())),
                None => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
            }
        }
    } else {
        let t = &resources[0];
        let Some(info) = resolve_resource(t) else {
            return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\"")));
        };
        if a.bool("all") {
            targets.extend(engine.store().list(info.kind, Some(ns)).iter().map(|o| (info, o.meta().name.clone())));
        } else if resources.len() < 2 {
            return Err(Output::error("error: resource(s) were provided, but no name was specified"));
        } else {
            targets.extend(resources[1..].iter().map(|n| (info, n.clone())));
        }
    }

    Ok(targets)
}

/// `--list`: a container's environment after the change, under `header`; with `--resolve`,
/// a ConfigMap reference as the value it has.
fn list_env(engine: &Engine, ns: &str, resolve: bool, header: &str, c: &Container, out: &mut Output) {
    out.out(header);
    for e in &c.env {
        match &e.value_from {
            None => out.out(format!("{}={}", e.name, e.value.clone().unwrap_or_default())),
            Some(from) => {
                let resolved = resolve.then(|| from.get("configMapKeyRef")).flatten().and_then(|r| {
                    let cm = engine.store().configmaps.get(&(ns.to_string(), str_at(r, &["name"])?.to_string()))?;
                    cm.data.get(str_at(r, &["key"])?).cloned()
                });
                match resolved {
                    Some(v) => out.out(format!("{}={v}", e.name)),
                    None => out.out(format!("# {} from {}", e.name, ref_string(from))),
                }
            }
        }
    }
}

/// Per-object errors as utilerrors.NewAggregate and CheckErr print them: one with `error: `
/// in front, several each as it is.
fn print_errors(errors: &[String], out: &mut Output) {
    match errors {
        [] => {}
        [one] if one.starts_with("error: ") || one.starts_with("Error from server") => out.err(one),
        [one] => out.err(format!("error: {one}")),
        many => {
            for e in many {
                out.err(e);
            }
        }
    }
}

/// The checks kubectl makes of the flags before it reads any object.
fn validate(a: &Args, resources: &[String]) -> Result<(), Output> {
    if a.has("filename") {
        return Err(Output::error(
            "error: kubectl set env -f is not simulated in kubelab: name the resource (deployment/NAME)",
        ));
    }
    if a.has("selector") {
        return Err(Output::error(
            "error: kubectl set env -l is not simulated in kubelab: name the resource (deployment/NAME) or use --all",
        ));
    }
    if resources.is_empty() {
        return Err(Output::error(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>",
        ));
    }
    if a.bool("list") && a.has("output") {
        return Err(Output::error("error: --list and --output may not be specified together"));
    }
    if a.has("keys") && !a.has("from") {
        return Err(Output::error("error: when specifying --keys, a configmap or secret must be provided with --from"));
    }
    Ok(())
}

/// The pod spec an object runs (its own, or its template's); None for kinds without one.
fn pod_spec_mut(obj: &mut Object) -> Option<&mut PodSpec> {
    match obj {
        Object::Deployment(d) => Some(&mut d.spec.template.spec),
        Object::ReplicaSet(r) => Some(&mut r.spec.template.spec),
        Object::StatefulSet(s) => Some(&mut s.spec.template.spec),
        Object::Pod(p) => Some(&mut p.spec),
        _ => None,
    }
}

/// With `--overwrite=false`: why a container refuses the change (a variable it already has
/// with another value), if it does.
fn overwrite_refused(c: &Container, env: &[EnvVar]) -> Option<String> {
    let (cur, _) = c
        .env
        .iter()
        .filter_map(|cur| env.iter().find(|e| e.name == cur.name).map(|e| (cur, e)))
        .find(|(cur, e)| cur.value != e.value)?;
    Some(format!(
        "'{}' already has a value ({}), and --overwrite is false",
        cur.name,
        cur.value.clone().unwrap_or_default()
    ))
}

/// `--dry-run`: what follows "env updated" (nothing when the change is made).
fn dry_run_suffix(flag: Option<&str>) -> Result<&'static str, Output> {
    match flag {
        None | Some("none") => Ok(""),
        Some("client") | Some("true") => Ok(" (dry run)"),
        Some("server") => Ok(" (server dry run)"),
        Some(other) => Err(Output::error(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// The variables to set (from `--env`, `KEY=VALUE` words and `--from`, with `--prefix`) and
/// the names to remove (`KEY-`).
fn env_change(
    engine: &Engine,
    a: &Args,
    env_args: &[String],
    ns: &str,
    out: &mut Output,
) -> Result<(Vec<EnvVar>, Vec<String>), Output> {
    let mut specs = a.all("env");
    specs.extend(env_args.iter().cloned());
    let (mut env, remove) = parse_env(&specs).map_err(Output::error)?;
    env_from(engine, a, ns, &mut env, out)?;
    if let Some(prefix) = a.get("prefix") {
        for e in env.iter_mut() {
            e.name = format!("{prefix}{}", e.name);
        }
    }
    Ok((env, remove))
}

/// Saves one changed object (`label`: `deployment.apps/web`), or with `--dry-run` only says
/// it would; the error kubectl aggregates when the API server refuses it.
fn save_env_change(engine: &mut Engine, obj: Object, label: &str, dry: &str, out: &mut Output) -> Result<(), String> {
    if !dry.is_empty() {
        out.out(format!("{label} env updated{dry}"));
        return Ok(());
    }
    match engine.update(obj) {
        Ok(_) => {
            engine.settle();
            out.out(format!("{label} env updated"));
            Ok(())
        }
        Err(e) => {
            // The API server's own message (kubectl's "The " is added only at the top).
            let m = e.message();
            Err(format!("failed to patch env update to pod template: {}", m.strip_prefix("The ").unwrap_or(&m)))
        }
    }
}

pub fn run(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(words, FLAGS, "kubectl set env") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let (resources, env_args) = match split_environment_from_resources(&a.positional) {
        Ok(x) => x,
        Err(e) => return e,
    };
    if let Err(e) = validate(&a, &resources) {
        return e;
    }
    let ns = a.namespace(engine);
    let overwrite = !a.has("overwrite") || a.bool("overwrite");
    let selector = a.get("containers").unwrap_or("*").to_string();
    let dry = match dry_run_suffix(a.get("dry-run")) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let (env, remove) = match env_change(engine, &a, &env_args, &ns, &mut out) {
        Ok(x) => x,
        Err(e) => return e,
    };

    let targets = match set_env_targets(engine, &a, &resources, &ns) {
        Ok(t) => t,
        Err(e) => return e,
    };

    // Per-object errors, printed at the end as utilerrors.NewAggregate and CheckErr print
    // them: one with `error: ` in front, several each as it is.
    let mut errors: Vec<String> = Vec::new();
    for (info, name) in targets {
        let Some(mut obj) = engine.store().get(info.kind, &ns, &name) else {
            errors.push(format!("Error from server (NotFound): {} \"{name}\" not found", info.qualified_resource()));
            continue;
        };
        let kind = info.kind;
        let Some(spec) = pod_spec_mut(&mut obj) else {
            errors.push(format!(
                "error: {}/{name} the object is not a pod or does not have a pod template: *v1.{}",
                info.qualified_resource(),
                info.kind
            ));
            continue;
        };
        let chosen: Vec<&mut Container> = spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut())
            .filter(|c| glob(&selector, &c.name))
            .collect();
        if chosen.is_empty() {
            out.warn(format!("Warning: {kind}/{name} does not have any containers matching \"{selector}\""));
            continue;
        }
        let mut refused = None;
        for c in chosen {
            if !overwrite {
                if let Some(why) = overwrite_refused(c, &env) {
                    refused = Some(why);
                    break;
                }
            }
            c.env = update_env(&c.env, &env, &remove);
            if a.bool("list") {
                list_env(
                    engine,
                    &ns,
                    a.bool("resolve"),
                    &format!("# {kind} {name}, container {}", c.name),
                    c,
                    &mut out,
                );
            }
        }
        if let Some(why) = refused {
            errors.push(format!("error: {}/{name} {why}", info.qualified_resource()));
            continue;
        }
        if a.bool("list") {
            continue;
        }
        let unchanged = engine.store().get(kind, &ns, &name).is_some_and(|live| live == obj);
        if unchanged {
            continue; // an empty patch: kubectl says nothing
        }
        let label = format!("{}/{name}", info.qualified_singular());
        if let Err(e) = save_env_change(engine, obj, &label, dry, &mut out) {
            errors.push(e);
        }
    }
    print_errors(&errors, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(n: &str, v: &str) -> EnvVar {
        EnvVar { name: n.into(), value: Some(v.into()), value_from: None }
    }

    #[test]
    fn a_changed_variable_keeps_its_place_and_a_new_one_goes_last() {
        let old = [var("A", "1"), var("B", "2"), var("C", "3")];
        let got = update_env(&old, &[var("D", "4"), var("B", "20")], &["C".into()]);
        assert_eq!(got, [var("A", "1"), var("B", "20"), var("D", "4")]);
    }

    #[test]
    fn env_arguments_parse_as_kubectl_parses_them() {
        assert_eq!(parse_env(&["A=1".into(), "B-".into()]), Ok((vec![var("A", "1")], vec!["B".to_string()])));
        assert_eq!(parse_env(&["X=a=b".into()]).map(|(e, _)| e), Ok(vec![var("X", "a=b")]));
        assert!(parse_env(&["1X=2".into()])
            .unwrap_err()
            .starts_with("error: \"1X\" is not a valid key name: a valid environment variable name"));
        assert_eq!(
            parse_env(&["A=1".into(), "A-".into()]).unwrap_err(),
            "error: can not both modify and remove the same environment variable in the same command"
        );
        assert!(is_env_arg("A=1") && is_env_arg("A-") && !is_env_arg("deployment/web") && !is_env_arg("=x"));
    }

    #[test]
    fn names_and_globs() {
        assert_eq!(key_to_env_name("log.level-x"), "LOG_LEVEL_X");
        assert!(glob("*", "nginx") && glob("ng*", "nginx") && glob("n?inx", "nginx") && !glob("web", "nginx"));
    }
}
