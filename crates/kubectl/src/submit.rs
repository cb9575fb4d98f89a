//! What kubectl's generators (`create deployment|namespace|configmap|service`, `run`,
//! `expose`) share: the common flags, and sending the object they build. Each builds the
//! object real kubectl v1.31 builds on the client (k8s.io/kubectl/pkg/cmd/create, cmd/run,
//! cmd/expose), then either prints it (`--dry-run=client`) or sends it through
//! `Engine::create`, which defaults, validates and stores it as the API server would.

use crate::args::{display_name, flag, parse, Args, FlagSpec};
use crate::dry_run::{dry_run_strategy, DryRun};
use crate::output::{go_json, to_kubectl_json, to_kubectl_yaml};
use crate::strconv::go_parse_int;
use crate::Output;
use kubelab_api::object::kind_info_by_kind;
use kubelab_api::*;
use kubelab_engine::{ApiError, Engine};
use serde_json::Value as Json;
use std::collections::BTreeMap;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// `deployment.apps/web created`
    Default,
    Name,
    Yaml,
    Json,
}

/// Flags every generator has (cmdutil.AddDryRunFlag, PrintFlags, AddApplyAnnotationFlags,
/// the field manager and --validate).
pub(crate) const COMMON_FLAGS: &[FlagSpec] = &[
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
    flag("save-config", None, false),
    flag("field-manager", None, true),
    flag("show-managed-fields", None, false),
    flag("allow-missing-template-keys", None, false),
    flag("template", None, true),
];

/// Parses `words` against `specs` plus the common flags. A bare `--dry-run` means
/// `--dry-run=unchanged` (pflag's NoOptDefVal), which kubectl treats as client.
pub(crate) fn parse_with_common(words: &[String], specs: &[FlagSpec], cmd_path: &str) -> Result<Args, Output> {
    let mut all: Vec<FlagSpec> = specs.to_vec();
    all.extend_from_slice(COMMON_FLAGS);
    let mut w: Vec<String> = Vec::with_capacity(words.len());
    let mut dashed = false;
    for x in words {
        if x == "--" {
            dashed = true;
        }
        if !dashed && x == "--dry-run" {
            w.push("--dry-run=unchanged".into());
        } else {
            w.push(x.clone());
        }
    }
    parse(&w, &all, cmd_path).map_err(Output::error)
}

/// Positional arguments as cobra sees them (those after `--` included), and how many came
/// before the `--` (cobra's ArgsLenAtDash; `None` when there was no `--`).
pub(crate) fn cobra_args(words: &[String], a: &Args) -> (Vec<String>, Option<usize>) {
    let mut all = a.positional.clone();
    all.extend(a.rest.iter().cloned());
    let dash = if words.iter().any(|w| w == "--") { Some(a.positional.len()) } else { None };
    (all, dash)
}

/// PrintFlags.ToPrinter for the formats the lab prints.
fn output_format(a: &Args) -> Result<Format, Output> {
    match a.get("output") {
        None | Some("") => Ok(Format::Default),
        Some("yaml") => Ok(Format::Yaml),
        Some("json") => Ok(Format::Json),
        Some("name") => Ok(Format::Name),
        Some(other) => {
            let base = other.split('=').next().unwrap_or(other);
            if matches!(
                base,
                "jsonpath"
                    | "jsonpath-as-json"
                    | "jsonpath-file"
                    | "go-template"
                    | "go-template-file"
                    | "template"
                    | "templatefile"
            ) {
                Err(Output::error(format!(
                    "error: -o {base} is not available in this lab yet; use -o yaml, -o json or -o name"
                )))
            } else {
                Err(Output::error(format!(
                    "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"
                )))
            }
        }
    }
}

/// How a generated object is sent and shown.
pub(crate) struct Submit {
    pub(crate) dry_run: DryRun,
    pub(crate) format: Format,
    /// --save-config, where the command honours it (see `common_submit`'s callers).
    pub(crate) save_config: bool,
    /// `run` and `expose` write `-n` into the object only when they print it for
    /// --dry-run=client (the create generators build it in).
    pub(crate) client_namespace: Option<String>,
    /// `created` or `exposed`.
    pub(crate) verb: &'static str,
    /// kubectl wraps some create errors (`failed to create deployment: ...`).
    pub(crate) wrap: Option<String>,
}

/// `deployment.apps/web`
fn label_of(obj: &Object) -> String {
    format!("{}/{}", obj.info().qualified_singular(), obj.meta().name)
}

/// The object as kubectl's client-side struct marshals it (before any server defaulting).
pub(crate) fn client_json(obj: &Object) -> Json {
    let mut v = obj.to_json();
    if let (Object::Namespace(n), Json::Object(m)) = (obj, &mut v) {
        if n.spec.is_none() {
            // corev1.NamespaceSpec is a struct: never omitted.
            m.insert("spec".into(), Json::Object(Default::default()));
        }
    }
    v
}

/// util.CreateOrUpdateAnnotation with --save-config: the object (without the annotation)
/// as compact JSON in Go's field order, with encoding/json's trailing newline.
fn save_config(obj: &mut Object) {
    obj.meta_mut().annotations.remove(LAST_APPLIED);
    let text = format!("{}\n", go_json(&client_json(obj), false));
    obj.meta_mut().annotations.insert(LAST_APPLIED.into(), text);
}

pub(crate) fn print_object(out: &mut Output, s: &Submit, label: &str, json: &Json) {
    match s.format {
        Format::Default => {
            let suffix = match s.dry_run {
                DryRun::None => "",
                DryRun::Client => " (dry run)",
                DryRun::Server => " (server dry run)",
            };
            out.out(format!("{label} {}{suffix}", s.verb));
        }
        Format::Name => out.out(label),
        Format::Yaml => out.out(to_kubectl_yaml(json)),
        Format::Json => out.out(to_kubectl_json(json)),
    }
}

/// The server's Status message (what kubectl shows after `failed to create ...: `):
/// Invalid is `Deployment.apps "x" is invalid: [a, b]` (apierrors.NewInvalid).
fn server_message(e: &ApiError) -> String {
    match e {
        ApiError::Invalid { kind, name, errors } => {
            let qualified = match kind_info_by_kind(kind) {
                Some(i) if !i.group.is_empty() => format!("{kind}.{}", i.group),
                _ => kind.clone(),
            };
            let mut msgs: Vec<String> = Vec::new();
            for fe in errors {
                let m = fe.to_string();
                if !msgs.contains(&m) {
                    msgs.push(m);
                }
            }
            let agg = if msgs.len() == 1 { msgs.remove(0) } else { format!("[{}]", msgs.join(", ")) };
            format!("{qualified} {name:?} is invalid: {agg}")
        }
        other => other.message(),
    }
}

/// Sends `obj` as `--dry-run` says (the caller passes a scratch copy of the engine for
/// `--dry-run=server`) and returns what kubectl would print: the label and the object.
pub(crate) fn send(engine: &mut Engine, mut obj: Object, ns: &str, s: &Submit) -> Result<(String, Json), ApiError> {
    if s.save_config {
        save_config(&mut obj);
    }
    let label = label_of(&obj);
    if s.dry_run == DryRun::Client {
        if let Some(ns) = &s.client_namespace {
            obj.meta_mut().namespace = ns.clone();
        }
        let json = client_json(&obj);
        return Ok((label, json));
    }
    let stored = engine.create(obj, ns)?;
    Ok((label, stored.to_json()))
}

/// kubectl's words for a failed request.
pub(crate) fn failure(s: &Submit, e: &ApiError) -> String {
    match &s.wrap {
        Some(w) => format!("error: {w}: {}", server_message(e)),
        None => e.kubectl_message(),
    }
}

/// Sends one generated object and prints the result.
pub(crate) fn submit(engine: &mut Engine, obj: Object, ns: &str, s: &Submit, out: &mut Output) {
    let result =
        if s.dry_run == DryRun::Server { send(&mut engine.clone(), obj, ns, s) } else { send(engine, obj, ns, s) };
    match result {
        Ok((label, json)) => {
            print_object(out, s, &label, &json);
            if s.dry_run == DryRun::None {
                engine.settle();
            }
        }
        Err(e) => out.err(failure(s, &e)),
    }
}

/// The namespace of the request, and whether `-n` set it (kubectl then writes it into the
/// generated object: EnforceNamespace).
pub(crate) fn namespace_of(a: &Args, engine: &kubelab_engine::Engine) -> (String, bool) {
    (a.namespace(engine), a.has("namespace"))
}

/// pflag's int32/int parsing (`strconv.ParseInt(s, 0, bits)`) with its error wording.
pub(crate) fn int_flag(
    a: &Args,
    long: &str,
    specs: &[FlagSpec],
    bits: u32,
    cmd_path: &str,
) -> Result<Option<i64>, Output> {
    let Some(v) = a.get(long) else { return Ok(None) };
    match go_parse_int(v, 0, bits) {
        Ok(n) => Ok(Some(n)),
        Err(why) => {
            let spec = specs.iter().find(|s| s.long == long).copied().unwrap_or(flag("", None, true));
            Err(Output::error(format!(
                "Error: invalid argument \"{v}\" for \"{}\" flag: strconv.ParseInt: parsing \"{v}\": {why}\nSee '{cmd_path} --help' for usage.",
                display_name(&spec)
            )))
        }
    }
}

/// A usage error as cmdutil.UsageErrorf prints it.
pub(crate) fn usage_error(cmd_path: &str, msg: &str) -> Output {
    Output::error(format!("error: {msg}\nSee '{cmd_path} -h' for help and examples"))
}

/// cmdutil's NameFromCommandArgs.
pub(crate) fn name_from_args(words: &[String], a: &Args, cmd_path: &str) -> Result<String, Output> {
    let (mut args, dash) = cobra_args(words, a);
    if let Some(d) = dash {
        args.truncate(d);
    }
    if args.len() != 1 {
        return Err(usage_error(cmd_path, &format!("exactly one NAME is required, got {}", args.len())));
    }
    Ok(args.remove(0))
}

pub(crate) fn common_submit(
    a: &Args,
    engine: &Engine,
    out: &mut Output,
    verb: &'static str,
    wrap: Option<String>,
) -> Result<Submit, Output> {
    let dry_run = dry_run_strategy(a, engine.now(), out)?;
    let format = output_format(a)?;
    Ok(Submit { dry_run, format, save_config: a.bool("save-config"), client_namespace: None, verb, wrap })
}

pub(crate) fn meta(name: &str, ns: &str, enforce: bool, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: name.to_string(),
        namespace: if enforce { ns.to_string() } else { String::new() },
        labels,
        ..Default::default()
    }
}

/// pflag's string slices are CSV: `--image=a,b` is two images.
pub(crate) fn split_csv(v: &str) -> Vec<String> {
    if v.is_empty() {
        return Vec::new();
    }
    v.split(',').map(String::from).collect()
}

/// generate.ParseLabels / expose's parseLabels: `k=v,k2=v2`.
pub(crate) fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>, String> {
    if spec.is_empty() {
        return Err("no label spec passed".into());
    }
    let mut labels = BTreeMap::new();
    for part in spec.split(',') {
        let kv: Vec<&str> = part.split('=').collect();
        if kv.len() != 2 {
            return Err(format!("unexpected label spec: {part}"));
        }
        if kv[0].is_empty() {
            return Err("unexpected empty label key".into());
        }
        labels.insert(kv[0].to_string(), kv[1].to_string());
    }
    Ok(labels)
}
