//! `kubectl wait --for=condition=C|create|delete|jsonpath=... TARGETS [--timeout D]`: the simulated
//! clock runs (as `kubectl rollout status` runs it) until every target meets every
//! condition, or the timeout passes.
//!
//! Source: k8s.io/kubectl/pkg/cmd/wait (wait.go, condition.go, delete.go, json.go) at
//! kubernetes/kubectl dee3483a: the default timeout is 30s, zero checks once ("condition not
//! met for pods/web"), a negative one waits a week; each met condition prints the object's
//! name with "condition met" (for `--for=delete` too); a timeout is "timed out waiting for
//! the condition on pods/web" (the plural resource, no group); `-l` or `--all` matching
//! nothing is "no matching resources found" (except for `--for=delete`, which succeeds).

use crate::args::{flag, parse, Args, FlagSpec};
use crate::{Ctx, Output};
use kubelab_api::object::{resolve_resource, KindInfo, Object};
use kubelab_engine::Engine;
use serde_json::Value as Json;

const WAIT_FLAGS: &[FlagSpec] = &[
    flag("for", None, true),
    flag("timeout", None, true),
    flag("selector", Some('l'), true),
    flag("all", None, false),
    flag("all-namespaces", Some('A'), false),
    flag("field-selector", None, true),
    flag("output", Some('o'), true),
    flag("filename", Some('f'), true),
];

/// What `--for` asks of each object.
#[derive(Clone, Debug, PartialEq)]
enum Condition {
    /// `create`: the objects exist (waited for first, whatever the order typed).
    Create,
    Delete,
    /// `condition=Ready` (the status defaults to "true"; both compare case-insensitively).
    Status {
        name: String,
        status: String,
    },
    /// `jsonpath='{.status.phase}'=Running`; no value: the path only has to lead somewhere.
    JsonPath {
        path: String,
        value: Option<String>,
    },
}

/// One object to wait for, as the builder found it.
struct Target {
    info: &'static KindInfo,
    ns: String,
    name: String,
    /// The uid it had when the wait began (`--for=delete` is met when it changes).
    uid: Option<String>,
}

pub fn wait(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let a = match parse(words, WAIT_FLAGS, "kubectl wait") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let conditions = match conditions(&a.all("for")) {
        Ok(c) => c,
        Err(e) => return Output::error(format!("error: {e}")),
    };
    let timeout = match a.get("timeout").map(timeout_ms) {
        None => Some(30_000),
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            return Output::error(format!(
            "error: invalid argument \"{}\" for \"--timeout\" flag: time: {e}\nSee 'kubectl wait --help' for usage.",
            a.get("timeout").unwrap_or_default()
        ))
        }
    };
    if a.has("filename") {
        return Output::error("error: this lab's kubectl wait takes TYPE/NAME or TYPE -l/--all, not -f");
    }
    let for_delete = conditions.contains(&Condition::Delete);
    // Zero checks once; a negative timeout (None here) waits a week.
    let (check_once, wait_ms) = match timeout {
        Some(0) => (true, 0),
        Some(ms) => (false, ms),
        None => (false, 168 * 3600 * 1000),
    };
    let deadline = engine.now().0.saturating_add(wait_ms);
    if conditions.contains(&Condition::Create) {
        // wait.go polls the builder until it finds something, before any other condition.
        while !targets(engine, &a).is_ok_and(|t| !t.is_empty()) {
            if engine.now().0 >= deadline {
                return Output::error("error: timed out waiting for the condition");
            }
            run_clock_toward(engine, deadline, ctx);
        }
    }
    let targets = match targets(engine, &a) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if targets.is_empty() {
        return if for_delete { Output::new() } else { Output::error("error: no matching resources found") };
    }
    let mut out = Output::new();
    for t in &targets {
        for c in &conditions {
            loop {
                match met(engine, t, c) {
                    Met::Yes => {
                        out.out(format!("{}/{} condition met", t.info.qualified_singular(), t.name));
                        break;
                    }
                    Met::Gone if !matches!(c, Condition::Delete) => {
                        out.err(format!(
                            "Error from server (NotFound): {} \"{}\" not found",
                            t.info.qualified_resource(),
                            t.name
                        ));
                        return out;
                    }
                    _ => {}
                }
                if check_once {
                    out.err(format!("error: condition not met for {}/{}", t.info.resource, t.name));
                    return out;
                }
                if engine.now().0 >= deadline {
                    out.err(format!("error: timed out waiting for the condition on {}/{}", t.info.resource, t.name));
                    return out;
                }
                run_clock_toward(engine, deadline, ctx);
            }
        }
    }
    out
}

/// Runs the clock to its next event, or to `deadline` if nothing happens before it.
pub(crate) fn run_clock_toward(engine: &mut Engine, deadline: u64, ctx: &mut Ctx) {
    let now = engine.now().0;
    let to = engine.next_event().map(|t| t.0).filter(|t| *t > now && *t <= deadline).unwrap_or(deadline);
    engine.advance(to - now, &mut *ctx.observe);
}

/// `--for` values, as conditionFuncsFor reads them.
fn conditions(values: &[String]) -> Result<Vec<Condition>, String> {
    if values.is_empty() {
        return Err("unrecognized condition: []".into());
    }
    values.iter().map(|v| condition(v)).collect()
}

fn condition(v: &str) -> Result<Condition, String> {
    match v.to_ascii_lowercase().as_str() {
        "delete" => return Ok(Condition::Delete),
        "create" => return Ok(Condition::Create),
        _ => {}
    }
    if let Some(c) = v.strip_prefix("condition=") {
        let (name, status) = c.split_once('=').unwrap_or((c, "true"));
        return Ok(Condition::Status { name: name.to_string(), status: status.to_string() });
    }
    if let Some(j) = v.strip_prefix("jsonpath=") {
        return json_path_condition(j);
    }
    Err(format!("unrecognized condition: {v:?}"))
}

/// `'{.status.phase}'=Running`: split on a single `=` (`==` stays in the expression).
fn json_path_condition(input: &str) -> Result<Condition, String> {
    let mut parts = vec![String::new()];
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '=' {
            if chars.peek() == Some(&'=') {
                chars.next();
                parts.last_mut().expect("never empty").push_str("==");
            } else {
                parts.push(String::new());
            }
        } else {
            parts.last_mut().expect("never empty").push(c);
        }
    }
    if parts.len() > 2 {
        return Err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
    }
    let expr = parts[0].trim_matches('\'');
    if expr.is_empty() {
        return Err("jsonpath expression cannot be empty".into());
    }
    // cmdget.RelaxedJSONPathExpression: `.status.phase`, `status.phase` and `{.status.phase}`.
    let inner = expr.strip_prefix('{').and_then(|e| e.strip_suffix('}')).unwrap_or(expr);
    let path = if inner.starts_with('.') { format!("{{{inner}}}") } else { format!("{{.{inner}}}") };
    let value = match parts.get(1) {
        None => None,
        Some(v) => {
            let v = v.trim_matches(|c| c == '\'' || c == '"');
            if v.is_empty() {
                return Err("jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into());
            }
            Some(v.to_string())
        }
    };
    Ok(Condition::JsonPath { path, value })
}

/// `--timeout`: Go's time.ParseDuration. None: negative (a week).
fn timeout_ms(s: &str) -> Result<Option<u64>, String> {
    match s.strip_prefix('-') {
        Some(rest) => crate::logs::go_duration(rest).map(|ms| if ms == 0 { Some(0) } else { None }),
        None => crate::logs::go_duration(s.strip_prefix('+').unwrap_or(s)).map(Some),
    }
}

/// The objects named (`pod/web`, `pod web db`) or selected (`pod -l app=web`, `pod --all`).
fn targets(engine: &Engine, a: &Args) -> Result<Vec<Target>, Output> {
    let pos = &a.positional;
    let ns = a.namespace(engine);
    let type_error = |t: &str| Output::error(format!("error: the server doesn't have a resource type \"{t}\""));
    let mut named: Vec<(&'static KindInfo, String)> = Vec::new();
    let mut found = Vec::new();
    match pos.first() {
        None => return Err(Output::error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'")),
        Some(first) if first.contains('/') => {
            for p in pos {
                let Some((t, n)) = p.split_once('/') else {
                    return Err(Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'"));
                };
                let info = resolve_resource(t).ok_or_else(|| type_error(t))?;
                named.push((info, n.to_string()));
            }
        }
        Some(first) => {
            let info = resolve_resource(first).ok_or_else(|| type_error(first))?;
            if pos.len() > 1 {
                named.extend(pos[1..].iter().map(|n| (info, n.clone())));
            } else if a.has("selector") || a.bool("all") || a.has("field-selector") {
                let selector = a.parsed("selector", crate::selector::Selector::parse).map_err(Output::error)?;
                let fields =
                    a.parsed("field-selector", crate::fields::FieldSelector::parse).map_err(Output::error)?;
                let scope = (info.namespaced && !a.bool("all-namespaces")).then_some(ns.as_str());
                for o in engine.store().list(info.kind, scope) {
                    if selector.as_ref().is_none_or(|s| s.matches(&o.meta().labels))
                        && fields.as_ref().is_none_or(|f| f.matches(&o))
                    {
                        found.push(target_of(info, &o));
                    }
                }
            } else {
                return Err(Output::error("error: resource(s) were provided, but no name was specified"));
            }
        }
    }
    for (info, name) in named {
        let scope = if info.namespaced { ns.as_str() } else { "" };
        match engine.store().get(info.kind, scope, &name) {
            Some(o) => found.push(target_of(info, &o)),
            // The builder's NotFound, which `--for=delete` ignores (the object is gone).
            None if a.all("for").iter().any(|f| f.eq_ignore_ascii_case("delete")) => {}
            None => {
                return Err(Output::error(format!(
                    "Error from server (NotFound): {} \"{name}\" not found",
                    info.qualified_resource()
                )))
            }
        }
    }
    Ok(found)
}

fn target_of(info: &'static KindInfo, o: &Object) -> Target {
    Target { info, ns: o.meta().namespace.clone(), name: o.meta().name.clone(), uid: Some(o.meta().uid.clone()) }
}

enum Met {
    Yes,
    No,
    /// The object is gone (or is another object of the same name now).
    Gone,
}

fn met(engine: &Engine, t: &Target, c: &Condition) -> Met {
    let obj = engine.store().get(t.info.kind, &t.ns, &t.name).filter(|o| t.uid.as_ref() == Some(&o.meta().uid));
    let Some(obj) = obj else { return if matches!(c, Condition::Delete) { Met::Yes } else { Met::Gone } };
    let yes = match c {
        Condition::Create => true,
        Condition::Delete => false,
        Condition::Status { name, status } => status_condition_met(&obj.to_json(), name, status),
        Condition::JsonPath { path, value } => {
            let got = crate::jsonpath::jsonpath(path, &obj.to_json()).unwrap_or_default();
            match value {
                Some(v) => got == *v,
                None => !got.is_empty(),
            }
        }
    };
    if yes {
        Met::Yes
    } else {
        Met::No
    }
}

/// condition.go checkCondition: the first condition of that type (case-insensitively), not
/// stale (its observedGeneration, or the status's, not behind metadata.generation), with that
/// status (case-insensitively).
fn status_condition_met(obj: &Json, name: &str, status: &str) -> bool {
    let Some(conds) = obj.pointer("/status/conditions").and_then(Json::as_array) else { return false };
    let Some(c) = conds.iter().find(|c| c["type"].as_str().is_some_and(|t| t.eq_ignore_ascii_case(name))) else {
        return false;
    };
    let generation = obj.pointer("/metadata/generation").and_then(Json::as_i64);
    let observed =
        c["observedGeneration"].as_i64().or_else(|| obj.pointer("/status/observedGeneration").and_then(Json::as_i64));
    if let (Some(g), Some(o)) = (generation, observed) {
        if o < g {
            return false;
        }
    }
    c["status"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_values_parse_as_kubectl_parses_them() {
        assert_eq!(condition("condition=Ready"), Ok(Condition::Status { name: "Ready".into(), status: "true".into() }));
        assert_eq!(
            condition("condition=ContainersReady=False"),
            Ok(Condition::Status { name: "ContainersReady".into(), status: "False".into() })
        );
        assert_eq!(condition("Delete"), Ok(Condition::Delete));
        assert_eq!(condition("create"), Ok(Condition::Create));
        assert_eq!(
            condition("jsonpath='{.status.phase}'=Running"),
            Ok(Condition::JsonPath { path: "{.status.phase}".into(), value: Some("Running".into()) })
        );
        assert_eq!(
            condition("jsonpath=.status.readyReplicas"),
            Ok(Condition::JsonPath { path: "{.status.readyReplicas}".into(), value: None })
        );
        // wait.go: fmt.Errorf("unrecognized condition: %q", cond)
        assert_eq!(condition("ready"), Err("unrecognized condition: \"ready\"".into()));
        assert_eq!(conditions(&[]), Err("unrecognized condition: []".into()));
        // json.go processJSONPathInput's two errors.
        assert!(condition("jsonpath={.a}=1=2").unwrap_err().starts_with("jsonpath wait format must be"));
        assert!(condition("jsonpath={.a}=").unwrap_err().starts_with("jsonpath wait has to have a value"));
        assert_eq!(condition("jsonpath="), Err("jsonpath expression cannot be empty".into()));
    }

    #[test]
    fn timeouts_are_go_durations() {
        assert_eq!(timeout_ms("30s"), Ok(Some(30_000)));
        assert_eq!(timeout_ms("0"), Ok(Some(0)));
        assert_eq!(timeout_ms("-1s"), Ok(None));
        assert_eq!(timeout_ms("5"), Err("missing unit in duration \"5\"".into()));
    }
}
