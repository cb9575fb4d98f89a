//! kubectl's generator commands: `create deployment|namespace|configmap|service`, `run` and
//! `expose`. Each builds the object real kubectl v1.31 builds on the client
//! (k8s.io/kubectl/pkg/cmd/create, cmd/run, cmd/expose), then either prints it
//! (`--dry-run=client`) or sends it through `Engine::create`, which defaults, validates and
//! stores it as the API server would.
//!
//! Printing is byte-exact: `-o json` is Go's encoding/json (struct field order, 4-space
//! indent, HTML-safe escapes) and `-o yaml` is that JSON re-emitted by sigs.k8s.io/yaml,
//! i.e. go-yaml v2 ([`to_kubectl_yaml`]): natural key order, 80-column folding, plain /
//! single / double / literal scalar styles chosen as go-yaml chooses them.

use crate::args::{display_name, flag, parse, Args, FlagSpec};
use crate::commands::{klog_command_failed, FileOrDir};
use crate::{Ctx, Output};
use kubelab_api::object::kind_info_by_kind;
use kubelab_api::*;
use kubelab_engine::naming::{fnv32a, generate_name};
use kubelab_engine::rng::Pcg32;
use kubelab_engine::{ApiError, Engine};
use serde_json::Value as Json;
use std::collections::BTreeMap;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

// ================================================================== shared plumbing

/// `--dry-run`: none, client (print only) or server (the engine runs the request on a copy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DryRun {
    None,
    Client,
    Server,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `deployment.apps/web created`
    Default,
    Name,
    Yaml,
    Json,
}

/// Flags every generator has (cmdutil.AddDryRunFlag, PrintFlags, AddApplyAnnotationFlags,
/// the field manager and --validate).
const COMMON_FLAGS: &[FlagSpec] = &[
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
fn parse_with_common(words: &[String], specs: &[FlagSpec], cmd_path: &str) -> Result<Args, Output> {
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
fn cobra_args(words: &[String], a: &Args) -> (Vec<String>, Option<usize>) {
    let mut all = a.positional.clone();
    all.extend(a.rest.iter().cloned());
    let dash = if words.iter().any(|w| w == "--") { Some(a.positional.len()) } else { None };
    (all, dash)
}

/// `--dry-run` on `apply -f`, `create -f`, `delete`, `scale`, `set`, `label`, `annotate`,
/// `cordon`, `uncordon`, `drain` and `taint`: the command runs on a copy of the
/// lab and each result line says `(dry run)` or `(server dry run)`, as kubectl's printers
/// do. None when the words ask for no dry run.
pub fn dry_run_copy(
    engine: &mut Engine,
    words: &[String],
    ctx: &mut Ctx,
    run: fn(&mut Engine, &[String], &mut Ctx) -> Output,
) -> Option<Output> {
    let asked = words.iter().take_while(|w| *w != "--").any(|w| w == "--dry-run" || w.starts_with("--dry-run="));
    if !asked {
        return None;
    }
    let rest: Vec<String> =
        words.iter().filter(|w| *w != "--dry-run" && !w.starts_with("--dry-run=")).cloned().collect();
    let a = match parse_with_common(
        &words.iter().filter(|w| *w == "--dry-run" || w.starts_with("--dry-run=")).cloned().collect::<Vec<_>>(),
        &[],
        "kubectl",
    ) {
        Ok(a) => a,
        Err(e) => return Some(e),
    };
    let mut out = Output::new();
    let suffix = match dry_run_strategy(&a, engine.now(), &mut out) {
        Ok(DryRun::None) => return Some(run(engine, &rest, ctx)),
        Ok(DryRun::Client) => " (dry run)",
        Ok(DryRun::Server) => " (server dry run)",
        Err(e) => return Some(e),
    };
    let mut copy = engine.clone();
    let mut quiet = |_: &Engine| {};
    let mut inner = Ctx { files: ctx.files, stdin: ctx.stdin, observe: &mut quiet };
    let result = run(&mut copy, &rest, &mut inner);
    for (stderr, line) in result.lines {
        // The printers' operation words (PrintFlagsWithDryRunStrategy adds the suffix to them).
        let verb = [
            "created",
            "configured",
            "unchanged",
            "deleted",
            "image updated",
            "env updated",
            "scaled",
            "labeled",
            "annotated",
            "cordoned",
            "uncordoned",
            "tainted",
            "untainted",
            "evicted",
            "drained",
        ]
        .iter()
        .any(|v| line.ends_with(&format!(" {v}")));
        out.lines.push((stderr, if !stderr && verb { format!("{line}{suffix}") } else { line }));
    }
    out.ok &= result.ok;
    Some(out)
}

/// cmdutil.GetDryRunStrategy.
pub(crate) fn dry_run_strategy(a: &Args, now: Time, out: &mut Output) -> Result<DryRun, Output> {
    match a.get("dry-run") {
        None | Some("none") => Ok(DryRun::None),
        Some("client") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some("unchanged") => {
            out.warn(klog_line(
                'W',
                now,
                "helpers.go:702",
                "--dry-run is deprecated and can be replaced with --dry-run=client.",
            ));
            Ok(DryRun::Client)
        }
        Some(other) => Err(Output::error(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// A klog line as kubectl writes it (time from the simulated clock, a fixed thread id).
fn klog_line(level: char, now: Time, at: &str, msg: &str) -> String {
    let ts = now.rfc3339();
    let micros = (now.0 % 1000) * 1000;
    format!("{level}{}{} {}.{:06}       1 {at}] {msg}", &ts[5..7], &ts[8..10], &ts[11..19], micros)
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
struct Submit {
    dry_run: DryRun,
    format: Format,
    /// --save-config, where the command honours it (see `common_submit`'s callers).
    save_config: bool,
    /// `run` and `expose` write `-n` into the object only when they print it for
    /// --dry-run=client (the create generators build it in).
    client_namespace: Option<String>,
    /// `created` or `exposed`.
    verb: &'static str,
    /// kubectl wraps some create errors (`failed to create deployment: ...`).
    wrap: Option<String>,
}

/// `deployment.apps/web`
fn label_of(obj: &Object) -> String {
    format!("{}/{}", obj.info().qualified_singular(), obj.meta().name)
}

/// The object as kubectl's client-side struct marshals it (before any server defaulting).
pub fn client_json(obj: &Object) -> Json {
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

fn print_object(out: &mut Output, s: &Submit, label: &str, json: &Json) {
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
fn send(engine: &mut Engine, mut obj: Object, ns: &str, s: &Submit) -> Result<(String, Json), ApiError> {
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
fn failure(s: &Submit, e: &ApiError) -> String {
    match &s.wrap {
        Some(w) => format!("error: {w}: {}", server_message(e)),
        None => e.kubectl_message(),
    }
}

/// Sends one generated object and prints the result.
fn submit(engine: &mut Engine, obj: Object, ns: &str, s: &Submit, out: &mut Output) {
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
fn namespace_of(a: &Args) -> (String, bool) {
    match a.get("namespace") {
        Some(n) => (n.to_string(), true),
        None => ("default".to_string(), false),
    }
}

/// pflag's int32/int parsing (`strconv.ParseInt(s, 0, bits)`) with its error wording.
fn int_flag(a: &Args, long: &str, specs: &[FlagSpec], bits: u32, cmd_path: &str) -> Result<Option<i64>, Output> {
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
fn usage_error(cmd_path: &str, msg: &str) -> Output {
    Output::error(format!("error: {msg}\nSee '{cmd_path} -h' for help and examples"))
}

/// cmdutil's NameFromCommandArgs.
fn name_from_args(words: &[String], a: &Args, cmd_path: &str) -> Result<String, Output> {
    let (mut args, dash) = cobra_args(words, a);
    if let Some(d) = dash {
        args.truncate(d);
    }
    if args.len() != 1 {
        return Err(usage_error(cmd_path, &format!("exactly one NAME is required, got {}", args.len())));
    }
    Ok(args.remove(0))
}

fn common_submit(
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

fn meta(name: &str, ns: &str, enforce: bool, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: name.to_string(),
        namespace: if enforce { ns.to_string() } else { String::new() },
        labels,
        ..Default::default()
    }
}

// ================================================================== kubectl create <generator>

const CREATE_SUBCOMMANDS: &[&str] = &["deployment", "deploy", "namespace", "ns", "configmap", "cm", "service", "svc"];

/// kubectl's other `create` subcommands, which the lab does not model yet.
const CREATE_UNAVAILABLE: &[&str] = &[
    "clusterrole",
    "clusterrolebinding",
    "cronjob",
    "cj",
    "ingress",
    "ing",
    "job",
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
fn takes_value(w: &str) -> bool {
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
        "deployment" | "deploy" => create_deployment(engine, &rest),
        "namespace" | "ns" => create_namespace(engine, &rest),
        "configmap" | "cm" => create_configmap(engine, &rest, ctx),
        "service" | "svc" => create_service(engine, &rest),
        other => Output::error(format!("error: `kubectl create {other}` is not available in this lab yet")),
    }
}

// ------------------------------------------------------------------ create deployment

const DEPLOYMENT_FLAGS: &[FlagSpec] = &[
    flag("image", None, true),
    flag("replicas", Some('r'), true),
    flag("port", None, true),
    flag("validate", None, true),
];

/// `kubectl create deployment NAME --image=IMG [--image=IMG] [--replicas=N] [--port=P] [-- COMMAND args]`
fn create_deployment(engine: &mut Engine, words: &[String]) -> Output {
    const PATH: &str = "kubectl create deployment";
    let a = match parse_with_common(words, DEPLOYMENT_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let replicas = match int_flag(&a, "replicas", DEPLOYMENT_FLAGS, 32, PATH) {
        Ok(r) => r.unwrap_or(1) as i32,
        Err(e) => return e,
    };
    let port = match int_flag(&a, "port", DEPLOYMENT_FLAGS, 32, PATH) {
        Ok(p) => p.unwrap_or(-1) as i32,
        Err(e) => return e,
    };
    if !a.has("image") {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"image\" not set"));
    }
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let (all, _) = cobra_args(words, &a);
    let command: Vec<String> = all[1..].to_vec();
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", Some("failed to create deployment".into())) {
        Ok(s) => s,
        Err(e) => return e,
    };
    // --image is a string slice: repeated, or comma-separated.
    let images: Vec<String> = a.all("image").iter().flat_map(|v| split_csv(v)).collect();
    if images.len() > 1 && !command.is_empty() {
        out.err("error: cannot specify multiple --image options and command");
        return out;
    }
    let (ns, enforce) = namespace_of(&a);
    let labels: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let mut rng =
        Pcg32::new(engine.seed() ^ fnv32a(name.as_bytes()) as u64 ^ engine.store().resource_version().rotate_left(32));
    let mut containers: Vec<Container> = images
        .iter()
        .map(|image| Container {
            name: container_name_for_image(image, &mut rng),
            image: image.clone(),
            command: command.clone(),
            ..Default::default()
        })
        .collect();
    if port >= 0 {
        if let Some(c) = containers.first_mut() {
            c.ports = vec![ContainerPort { container_port: port, ..Default::default() }];
        }
    }
    let deploy = Deployment {
        metadata: meta(&name, &ns, enforce, labels.clone()),
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector { match_labels: labels.clone(), ..Default::default() },
            template: PodTemplateSpec {
                metadata: ObjectMeta { labels, ..Default::default() },
                spec: PodSpec { containers, ..Default::default() },
            },
            ..Default::default()
        },
        ..Default::default()
    };
    submit(engine, Object::Deployment(deploy), &ns, &s, &mut out);
    out
}

/// pflag's string slices are CSV: `--image=a,b` is two images.
fn split_csv(v: &str) -> Vec<String> {
    if v.is_empty() {
        return Vec::new();
    }
    v.split(',').map(String::from).collect()
}

/// buildPodSpec: the image's last path segment without tag or digest; `.` and `_` become
/// `-` and then a random 5-character suffix is added (sanitizeAndUniquify).
pub fn container_name_for_image(image: &str, rng: &mut Pcg32) -> String {
    let mut name = image.rsplit('/').next().unwrap_or(image);
    if name.contains(':') {
        name = name.split(':').next().unwrap_or(name);
    }
    if name.contains('@') {
        name = name.split('@').next().unwrap_or(name);
    }
    if name.contains(['_', '.']) {
        let base = name.replace(['_', '.'], "-");
        return generate_name(&format!("{base}-"), rng);
    }
    name.to_string()
}

// ------------------------------------------------------------------ create namespace

/// `kubectl create namespace NAME`
fn create_namespace(engine: &mut Engine, words: &[String]) -> Output {
    const PATH: &str = "kubectl create namespace";
    let a = match parse_with_common(words, &[flag("validate", None, true)], PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", None) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let ns = Namespace { metadata: ObjectMeta { name, ..Default::default() }, ..Default::default() };
    submit(engine, Object::Namespace(ns), "", &s, &mut out);
    out
}

// ------------------------------------------------------------------ create configmap

const CONFIGMAP_FLAGS: &[FlagSpec] = &[
    flag("from-literal", None, true),
    flag("from-file", None, true),
    flag("from-env-file", None, true),
    flag("append-hash", None, false),
    flag("validate", None, true),
];

/// `kubectl create configmap NAME [--from-literal=k=v] [--from-file=[key=]path] [--from-env-file=path]`
fn create_configmap(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    const PATH: &str = "kubectl create configmap";
    let a = match parse_with_common(words, CONFIGMAP_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", Some("failed to create configmap".into())) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if a.bool("append-hash") {
        return Output::error("error: --append-hash is not available in this lab yet");
    }
    if a.has("from-env-file") && a.has("from-file") {
        return Output::error("error: from-env-file cannot be combined with from-file or from-literal");
    }
    if a.has("from-env-file") && a.has("from-literal") {
        return Output::error("error: from-env-file cannot be combined with from-file or from-literal");
    }
    let (ns, enforce) = namespace_of(&a);
    let mut cm = ConfigMap { metadata: meta(&name, &ns, enforce, BTreeMap::new()), ..Default::default() };
    // The same order as kubectl: files, then literals, then env files.
    for source in a.all("from-file") {
        // ParseFileSource: `path` or `key=path`.
        let (key, path) = match source.matches('=').count() {
            0 => (None, source.clone()),
            1 if source.starts_with('=') => {
                return Output::error(format!("error: key name for file path {} missing", &source[1..]))
            }
            1 if source.ends_with('=') => {
                return Output::error(format!("error: file path for key name {} missing", &source[..source.len() - 1]))
            }
            1 => {
                let (k, p) = source.split_once('=').unwrap_or_default();
                (Some(k.to_string()), p.to_string())
            }
            _ => return Output::error("error: key names or file paths cannot contain '='"),
        };
        match ctx.files.read(&path) {
            Ok(FileOrDir::File(text)) => {
                let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
                if let Err(e) = add_config_key(&mut cm, &key, text) {
                    return Output::error(format!("error: {e}"));
                }
            }
            Ok(FileOrDir::Dir(files)) => {
                if key.is_some() {
                    return Output::error("error: cannot give a key name for a directory path");
                }
                for (p, text) in files {
                    let k = p.rsplit('/').next().unwrap_or(&p).to_string();
                    if let Err(e) = add_config_key(&mut cm, &k, text) {
                        return Output::error(format!("error: {e}"));
                    }
                }
            }
            Err(_) => return Output::error(format!("error: error reading {path}: no such file or directory")),
        }
    }
    for lit in a.all("from-literal") {
        // ParseLiteralSource: split at the first `=`; the value is kept as written.
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Output::error(format!("error: invalid literal source {lit}, expected key=value"));
        };
        if let Err(e) = add_config_key(&mut cm, k, v.to_string()) {
            return Output::error(format!("error: {e}"));
        }
    }
    for path in a.all("from-env-file") {
        let text = match ctx.files.read(&path) {
            Ok(FileOrDir::File(t)) => t,
            _ => return Output::error(format!("error: error reading {path}: no such file or directory")),
        };
        // processEnvFileLine: leading whitespace trimmed, blank lines and comments skipped.
        for line in text.trim_start_matches('\u{feff}').lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            if !valid_env_name(k) {
                return Output::error(format!("error: {k:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
            }
            if let Err(e) = add_config_key(&mut cm, k, v.to_string()) {
                return Output::error(format!("error: {e}"));
            }
        }
    }
    submit(engine, Object::ConfigMap(cm), &ns, &s, &mut out);
    out
}

/// addKeyFromLiteralToConfigMap: validation.IsConfigMapKey, then no duplicates.
fn add_config_key(cm: &mut ConfigMap, key: &str, value: String) -> Result<(), String> {
    let errs = config_map_key_errors(key);
    if !errs.is_empty() {
        return Err(format!("{key:?} is not a valid key name for a ConfigMap: {}", errs.join(",")));
    }
    if cm.data.contains_key(key) {
        return Err(format!(
            "cannot add key {key:?}, another key by that name already exists in Data for ConfigMap {:?}",
            cm.metadata.name
        ));
    }
    cm.data.insert(key.to_string(), value);
    Ok(())
}

fn config_map_key_errors(key: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if key.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')) {
        errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string());
    }
    if key == "." {
        errs.push("must not be '.'".into());
    } else if key == ".." {
        errs.push("must not be '..'".into());
    } else if key.starts_with("..") {
        errs.push("must not start with '..'".into());
    }
    errs
}

/// validation.IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`.
fn valid_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || matches!(c, '-' | '.' | '_') => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

// ------------------------------------------------------------------ create service

const SERVICE_HELP: &str = "Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use \"kubectl create service <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME --tcp=PORT[:TARGET]`
fn create_service(engine: &mut Engine, words: &[String]) -> Output {
    let mut i = 0;
    while i < words.len() && words[i].len() > 1 && words[i].starts_with('-') {
        i += if takes_value(&words[i]) { 2 } else { 1 };
    }
    let Some(sub) = words.get(i) else {
        return Output::error(SERVICE_HELP);
    };
    let type_ = match sub.as_str() {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        "externalname" => "ExternalName",
        _ => {
            let unknown: Vec<&str> = words[i..].iter().filter(|w| !w.starts_with('-')).map(|s| s.as_str()).collect();
            return usage_error("kubectl create service", &format!("unknown command \"{}\"", unknown.join(" ")));
        }
    };
    let path = format!("kubectl create service {sub}");
    let mut rest = words.to_vec();
    rest.remove(i);
    let mut specs = vec![flag("tcp", None, true), flag("validate", None, true)];
    match type_ {
        "ClusterIP" => specs.push(flag("clusterip", None, true)),
        "NodePort" => specs.push(flag("node-port", None, true)),
        "ExternalName" => specs.push(flag("external-name", None, true)),
        _ => {}
    }
    let a = match parse_with_common(&rest, &specs, &path) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let node_port = match int_flag(&a, "node-port", &specs, 64, &path) {
        Ok(n) => n.unwrap_or(0) as i32,
        Err(e) => return e,
    };
    if type_ == "ExternalName" && !a.has("external-name") {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"external-name\" not set"));
    }
    let name = match name_from_args(&rest, &a, &path) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let mut s = match common_submit(&a, engine, &mut out, "created", Some(format!("failed to create {type_} service")))
    {
        Ok(s) => s,
        Err(e) => return e,
    };
    // kubectl's ServiceOptions never reads --save-config: the annotation is not written.
    s.save_config = false;
    let cluster_ip = a.get("clusterip").unwrap_or("").to_string();
    let external_name = a.get("external-name").unwrap_or("").to_string();
    let tcp: Vec<String> = a.all("tcp").iter().flat_map(|v| split_csv(v)).collect();
    // ServiceOptions.Validate
    if cluster_ip != "None" && tcp.is_empty() && type_ != "ExternalName" {
        out.err("error: at least one tcp port specifier must be provided");
        return out;
    }
    if type_ == "ExternalName" && !is_dns1123_subdomain(&external_name) {
        out.err(format!("error: invalid service external name {external_name}"));
        return out;
    }
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = match parse_service_ports(spec) {
            Ok(p) => p,
            Err(e) => {
                out.err(format!("error: {e}"));
                return out;
            }
        };
        ports.push(ServicePort {
            name: spec.replace(':', "-"),
            protocol: "TCP".into(),
            port,
            target_port: Some(target),
            node_port: if node_port != 0 { Some(node_port) } else { None },
            ..Default::default()
        });
    }
    let (ns, enforce) = namespace_of(&a);
    let app: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let svc = Service {
        metadata: meta(&name, &ns, enforce, app.clone()),
        spec: ServiceSpec {
            ports,
            selector: app,
            cluster_ip,
            type_: type_.into(),
            external_name,
            ..Default::default()
        },
        ..Default::default()
    };
    submit(engine, Object::Service(svc), &ns, &s, &mut out);
    out
}

/// create service's parsePorts: `PORT[:TARGET]`, the port as utilnet.ParsePort (zero
/// allowed), the target a number (1-65535) or a port name.
fn parse_service_ports(spec: &str) -> Result<(i32, IntOrString), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let port_s = parts[0];
    let target_s = if parts.len() > 1 { parts[1] } else { port_s };
    let port = match go_parse_uint(port_s, 10, 16) {
        Ok(p) => p as i32,
        Err(why) => return Err(format!("strconv.ParseUint: parsing {port_s:?}: {why}")),
    };
    match go_parse_int(target_s, 10, 64) {
        Ok(t) => {
            if !(1..=65535).contains(&t) {
                return Err("must be between 1 and 65535, inclusive".into());
            }
            Ok((port, IntOrString::Int(t as i32)))
        }
        Err(_) => {
            let errs = port_name_errors(target_s);
            if !errs.is_empty() {
                return Err(errs.join(","));
            }
            Ok((port, IntOrString::String(target_s.to_string())))
        }
    }
}

/// validation.IsValidPortName.
fn port_name_errors(s: &str) -> Vec<&'static str> {
    let mut errs = Vec::new();
    if s.len() > 15 {
        errs.push("must be no more than 15 characters");
    }
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if s.contains("--") {
        errs.push("must not contain consecutive hyphens");
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)");
    }
    if s.starts_with('-') || s.ends_with('-') {
        errs.push("must not begin or end with a hyphen");
    }
    errs
}

fn is_dns1123_subdomain(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

// ================================================================== kubectl run

const RUN_FLAGS: &[FlagSpec] = &[
    flag("image", None, true),
    flag("port", None, true),
    flag("labels", Some('l'), true),
    flag("env", None, true),
    flag("annotations", None, true),
    flag("restart", None, true),
    flag("command", None, false),
    flag("image-pull-policy", None, true),
    flag("privileged", None, false),
    flag("expose", None, false),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("attach", None, false),
    flag("rm", None, false),
    flag("leave-stdin-open", None, false),
    flag("quiet", Some('q'), false),
    flag("pod-running-timeout", None, true),
    flag("overrides", None, true),
    flag("override-type", None, true),
];

/// `kubectl run NAME --image=IMG [--port=P] [--labels=k=v,...] [--env=K=V] [--restart=...]
/// [--command] [--expose] [-- args...]`: a Pod (generateversioned.BasicPod).
pub fn run(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    const PATH: &str = "kubectl run";
    let a = match parse_with_common(words, RUN_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    if !a.has("image") {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"image\" not set"));
    }
    let mut out = Output::new();
    let mut s = match common_submit(&a, engine, &mut out, "created", None) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if a.has("overrides") {
        return Output::error("error: --overrides is not available in this lab yet");
    }
    let (ns, enforce) = namespace_of(&a);
    // createGeneratedObject: the annotation only for requests that reach the server; the
    // namespace only in what --dry-run=client prints.
    s.save_config &= s.dry_run != DryRun::Client;
    s.client_namespace = if enforce { Some(ns.clone()) } else { None };
    let (args, dash) = cobra_args(words, &a);
    if args.is_empty() || dash == Some(0) {
        return usage_error(PATH, "NAME is required for run");
    }
    let name = args[0].clone();
    let image = a.get("image").unwrap_or("").to_string();
    if image.is_empty() {
        return Output::error("error: --image is required");
    }
    if !valid_image_reference(&image) {
        return Output::error(format!("error: Invalid image name {image:?}: invalid reference format"));
    }
    let (stdin, tty) = (a.bool("stdin"), a.bool("tty"));
    if tty && !stdin {
        return usage_error(PATH, "-i/--stdin is required for containers with -t/--tty=true");
    }
    let port = a.get("port").unwrap_or("").to_string();
    let expose = a.bool("expose");
    if expose && port.is_empty() {
        return usage_error(PATH, "--port must be set when exposing a service");
    }
    let attach = if a.has("attach") { a.bool("attach") } else { stdin };
    if s.dry_run != DryRun::None && attach {
        return usage_error(
            PATH,
            "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
        );
    }
    let restart = match a.get("restart").unwrap_or("") {
        "" => {
            if stdin {
                "OnFailure"
            } else {
                "Always"
            }
        }
        r @ ("Always" | "OnFailure" | "Never") => r,
        other => return usage_error(PATH, &format!("invalid restart policy: {other}")),
    };
    if a.bool("rm") && !attach {
        return usage_error(PATH, "--rm should only be used for attached containers");
    }
    let pull = a.get("image-pull-policy").unwrap_or("").to_string();
    if !pull.is_empty() && !matches!(pull.as_str(), "Always" | "IfNotPresent" | "Never") {
        return usage_error(PATH, &format!("invalid image pull policy: {pull}"));
    }
    if attach {
        return Output::error("error: attaching to a container (-i/--stdin, -t/--tty, --attach) is not available in this lab; run the pod without them and follow it with 'kubectl get pods'");
    }
    // BasicPod.Generate
    let mut env = Vec::new();
    for e in a.all("env") {
        match e.split_once('=') {
            Some((k, v)) if !k.is_empty() && valid_env_name(k) => env.push(EnvVar {
                name: k.into(),
                value: if v.is_empty() { None } else { Some(v.into()) },
                ..Default::default()
            }),
            _ => return Output::error(format!("error: invalid env: {e}")),
        }
    }
    let mut annotations = BTreeMap::new();
    for an in a.all("annotations") {
        match an.split_once('=') {
            Some((k, v)) => {
                annotations.insert(k.to_string(), v.to_string());
            }
            None => return Output::error(format!("error: invalid annotations format: {an}")),
        }
    }
    let labels_flag = a.get("labels").unwrap_or("").to_string();
    let labels = if labels_flag.is_empty() {
        [("run".to_string(), name.clone())].into()
    } else {
        match parse_labels(&labels_flag) {
            Ok(l) => l,
            Err(e) => return Output::error(format!("error: {e}")),
        }
    };
    let mut container = Container {
        name: name.clone(),
        image,
        stdin,
        stdin_once: stdin && !a.bool("leave-stdin-open"),
        tty,
        ..Default::default()
    };
    let extra: Vec<String> = args[1..].to_vec();
    if !extra.is_empty() {
        if a.bool("command") {
            container.command = extra;
        } else {
            container.args = extra;
        }
    }
    container.env = env;
    container.image_pull_policy = pull;
    if a.bool("privileged") {
        container.security_context = serde_yaml::from_str("privileged: true").ok();
    }
    if !port.is_empty() {
        match go_parse_int(&port, 10, 64) {
            Ok(p) => container.ports = vec![ContainerPort { container_port: p as i32, ..Default::default() }],
            Err(why) => return Output::error(format!("error: strconv.Atoi: parsing {port:?}: {why}")),
        }
    }
    let mut pod_meta = meta(&name, &ns, false, labels.clone());
    pod_meta.annotations = annotations;
    let pod = Pod {
        metadata: pod_meta,
        spec: PodSpec {
            containers: vec![container],
            restart_policy: restart.into(),
            dns_policy: "ClusterFirst".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let pod = Object::Pod(pod);
    if !expose {
        submit(engine, pod, &ns, &s, &mut out);
        return out;
    }
    // --expose: the pod is created, then the Service (generateService), which is printed
    // first; with -o yaml kubectl prints a `---` of its own and the printer another.
    let port_n = go_parse_int(&port, 10, 64).unwrap_or(0) as i32;
    let svc = Object::Service(Service {
        metadata: meta(&name, &ns, false, if labels_flag.is_empty() { BTreeMap::new() } else { labels.clone() }),
        spec: ServiceSpec {
            ports: vec![ServicePort {
                protocol: "TCP".into(),
                port: port_n,
                target_port: Some(IntOrString::Int(port_n)),
                ..Default::default()
            }],
            selector: labels,
            ..Default::default()
        },
        ..Default::default()
    });
    let mut scratch;
    let target: &mut Engine = if s.dry_run == DryRun::Server {
        scratch = engine.clone();
        &mut scratch
    } else {
        engine
    };
    let printed_pod = match send(target, pod, &ns, &s) {
        Ok(p) => p,
        Err(e) => {
            out.err(failure(&s, &e));
            return out;
        }
    };
    let printed_svc = match send(target, svc, &ns, &s) {
        Ok(p) => p,
        Err(e) => {
            out.err(failure(&s, &e));
            return out;
        }
    };
    if s.dry_run == DryRun::None {
        target.settle();
    }
    print_object(&mut out, &s, &printed_svc.0, &printed_svc.1);
    if s.format == Format::Yaml {
        out.out("---\n---");
    }
    print_object(&mut out, &s, &printed_pod.0, &printed_pod.1);
    out
}

/// generate.ParseLabels / expose's parseLabels: `k=v,k2=v2`.
fn parse_labels(spec: &str) -> Result<BTreeMap<String, String>, String> {
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

/// distribution/reference's ReferenceRegexp: `name[:tag][@digest]`.
pub fn valid_image_reference(s: &str) -> bool {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if let Some(d) = digest {
        if !valid_digest(d) {
            return false;
        }
    }
    if let Some(c) = rest.rfind(':') {
        if rest.rfind('/').is_none_or(|sl| c > sl) && valid_tag(&rest[c + 1..]) && valid_name(&rest[..c]) {
            return true;
        }
    }
    valid_name(rest)
}

fn valid_tag(t: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = t.chars();
    matches!(chars.next(), Some(c) if word(c)) && t.len() <= 128 && chars.all(|c| word(c) || c == '.' || c == '-')
}

fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else { return false };
    let alg_ok = !alg.is_empty()
        && alg.split(['-', '_', '+', '.']).all(|p| {
            let mut c = p.chars();
            matches!(c.next(), Some(x) if x.is_ascii_alphabetic()) && c.all(|x| x.is_ascii_alphanumeric())
        });
    alg_ok && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn valid_name(n: &str) -> bool {
    let comps: Vec<&str> = n.split('/').collect();
    if comps.iter().all(|c| valid_path_component(c)) {
        return true;
    }
    comps.len() > 1 && valid_domain(comps[0]) && comps[1..].iter().all(|c| valid_path_component(c))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let alnum = |ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit();
    let b: Vec<char> = c.chars().collect();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep: String = b[start..i].iter().collect();
        if !(sep == "." || sep == "_" || sep == "__" || sep.chars().all(|x| x == '-')) {
            return false;
        }
    }
    true
}

/// `host[:port]`, host a domain name or `[ipv6]`.
fn valid_domain(d: &str) -> bool {
    let (host, port) = if d.starts_with('[') {
        match d.find(']') {
            Some(e) => (&d[..=e], d[e + 1..].strip_prefix(':')),
            None => return false,
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty() && inner.chars().all(|c| c.is_ascii_hexdigit() || c == ':');
    }
    !host.is_empty()
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

// ================================================================== kubectl expose

const EXPOSE_FLAGS: &[FlagSpec] = &[
    flag("port", None, true),
    flag("protocol", None, true),
    flag("target-port", None, true),
    flag("type", None, true),
    flag("name", None, true),
    flag("selector", None, true),
    flag("labels", Some('l'), true),
    flag("external-ip", None, true),
    flag("load-balancer-ip", None, true),
    flag("session-affinity", None, true),
    flag("cluster-ip", None, true),
    flag("overrides", None, true),
    flag("override-type", None, true),
];

const RESOURCE_SPEC_HELP: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `kubectl expose deployment|pod|rs|svc NAME [--port=P] [--target-port=T] [--type=...]`: a
/// Service selecting what the object selects (cmd/expose createService).
pub fn expose(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    const PATH: &str = "kubectl expose";
    let a = match parse_with_common(words, EXPOSE_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let mut s = match common_submit(&a, engine, &mut out, "exposed", None) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if a.has("overrides") {
        return Output::error("error: --overrides is not available in this lab yet");
    }
    let (ns, enforce) = namespace_of(&a);
    s.save_config &= s.dry_run != DryRun::Client;
    s.client_namespace = if enforce { Some(ns.clone()) } else { None };
    // ResourceTypeOrNameArgs
    let pos = &a.positional;
    let mut targets: Vec<(&'static KindInfo, String)> = Vec::new();
    if pos.is_empty() {
        return Output::error(RESOURCE_SPEC_HELP);
    }
    if pos[0].contains('/') {
        for p in pos {
            let Some((t, n)) = p.split_once('/') else {
                return Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
            };
            let Some(info) = resolve_resource(t) else {
                return Output::error(format!("error: the server doesn't have a resource type \"{t}\""));
            };
            targets.push((info, n.to_string()));
        }
    } else {
        let Some(info) = resolve_resource(&pos[0]) else {
            return Output::error(format!("error: the server doesn't have a resource type \"{}\"", pos[0]));
        };
        if pos.len() < 2 {
            return Output::error("error: resource(s) were provided, but no name was specified");
        }
        for n in &pos[1..] {
            targets.push((info, n.clone()));
        }
    }
    for (info, name) in targets {
        let scope = if info.namespaced { ns.as_str() } else { "" };
        let Some(obj) = engine.store().get(info.kind, scope, &name) else {
            // The resource builder names a missing namespace rather than the object.
            let e = if info.namespaced && !engine.store().exists("Namespace", "", scope) {
                ApiError::NotFound { resource: "namespaces".into(), name: scope.to_string() }
            } else {
                ApiError::not_found(info, &name)
            };
            out.err(e.kubectl_message());
            return out;
        };
        let svc = match service_for(&obj, &a) {
            Ok(svc) => svc,
            Err(e) => {
                out.err(format!("error: {e}"));
                return out;
            }
        };
        submit(engine, Object::Service(svc), &ns, &s, &mut out);
        if !out.ok {
            return out;
        }
    }
    out
}

/// polymorphichelpers: the map selector of an object (MapBasedSelectorForObject).
fn selector_for(obj: &Object) -> Result<BTreeMap<String, String>, String> {
    let from_label_selector = |sel: &LabelSelector| {
        if !sel.match_expressions.is_empty() {
            let reqs: Vec<String> = sel
                .match_expressions
                .iter()
                .map(|r| format!("{{Key:{} Operator:{} Values:[{}]}}", r.key, r.operator, r.values.join(" ")))
                .collect();
            return Err(format!(
                "couldn't convert expressions - \"[{}]\" to map-based selector format",
                reqs.join(" ")
            ));
        }
        Ok(sel.match_labels.clone())
    };
    match obj {
        Object::Pod(p) => {
            if p.metadata.labels.is_empty() {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(p.metadata.labels.clone())
        }
        Object::Service(s) => {
            if s.spec.selector.is_empty() {
                return Err("the service has no pod selector set".into());
            }
            Ok(s.spec.selector.clone())
        }
        Object::Deployment(d) => from_label_selector(&d.spec.selector),
        Object::ReplicaSet(r) => from_label_selector(&r.spec.selector),
        other => Err(format!("cannot extract pod selector from {}", other.kind())),
    }
}

/// PortsForObject and MultiProtocolsForObject: the object's ports, in order, and the
/// protocols of each.
fn ports_for(obj: &Object) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let mut ports = Vec::new();
    let mut protocols: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pod_spec = |spec: &PodSpec| {
        for c in &spec.containers {
            for p in &c.ports {
                let key = p.container_port.to_string();
                ports.push(key.clone());
                let proto = if p.protocol.is_empty() { "TCP".to_string() } else { p.protocol.clone() };
                protocols.entry(key).or_default().push(proto);
            }
        }
    };
    match obj {
        Object::Pod(p) => pod_spec(&p.spec),
        Object::Deployment(d) => pod_spec(&d.spec.template.spec),
        Object::ReplicaSet(r) => pod_spec(&r.spec.template.spec),
        Object::Service(s) => {
            for p in &s.spec.ports {
                let key = p.port.to_string();
                ports.push(key.clone());
                protocols.entry(key).or_default().push(p.protocol.clone());
            }
        }
        _ => {}
    }
    (ports, protocols)
}

/// RunExpose's introspection and createService.
fn service_for(obj: &Object, a: &Args) -> Result<Service, String> {
    if !matches!(obj, Object::Pod(_) | Object::Service(_) | Object::Deployment(_) | Object::ReplicaSet(_)) {
        return Err(format!("cannot expose a {}", obj.kind()));
    }
    let mut default_name = obj.meta().name.clone();
    default_name.truncate(63);
    let selector = match a.get("selector").filter(|s| !s.is_empty()) {
        Some(s) => parse_labels(s)?,
        None => {
            let sel = selector_for(obj)
                .map_err(|e| format!("couldn't retrieve selectors via --selector flag or introspection: {e}"))?;
            if sel.is_empty() {
                return Err("selector must be specified".into());
            }
            sel
        }
    };
    let cluster_ip = a.get("cluster-ip").unwrap_or("").to_string();
    let (obj_ports, protocols) = ports_for(obj);
    let port_string = match a.get("port").filter(|p| !p.is_empty()) {
        Some(p) => p.to_string(),
        None => {
            if obj_ports.is_empty() && cluster_ip != "None" {
                return Err("couldn't find port via --port flag or introspection".into());
            }
            obj_ports.join(",")
        }
    };
    let labels = match a.get("labels").filter(|l| !l.is_empty()) {
        Some(l) => parse_labels(l)?,
        None => obj.meta().labels.clone(),
    };
    let name = a.get("name").filter(|n| !n.is_empty()).map(String::from).unwrap_or(default_name);
    let protocol_flag = a.get("protocol").unwrap_or("").to_string();
    let mut ports: Vec<ServicePort> = Vec::new();
    if !port_string.is_empty() {
        let list: Vec<&str> = port_string.split(',').collect();
        for (i, p) in list.iter().enumerate() {
            let port = go_parse_int(p, 10, 64).map_err(|why| format!("strconv.Atoi: parsing {p:?}: {why}"))? as i32;
            let port_name = if list.len() > 1 { format!("port-{}", i + 1) } else { String::new() };
            let mut protocol = protocol_flag.clone();
            if protocol.is_empty() {
                protocol = "TCP".into();
                if let Some(found) = protocols.get(*p) {
                    if found.len() == 1 {
                        protocol = found[0].clone();
                    } else {
                        for proto in found {
                            ports.push(ServicePort {
                                name: format!("port-{}-{}", i + 1, proto.to_ascii_lowercase()),
                                port,
                                protocol: proto.clone(),
                                ..Default::default()
                            });
                        }
                        continue;
                    }
                }
            }
            ports.push(ServicePort { name: port_name, port, protocol, ..Default::default() });
        }
    }
    let target = a.get("target-port").filter(|t| !t.is_empty());
    for p in &mut ports {
        p.target_port = Some(match target {
            Some(t) => match go_parse_int(t, 10, 64) {
                Ok(n) => IntOrString::Int(n as i32),
                Err(_) => IntOrString::String(t.to_string()),
            },
            None => IntOrString::Int(p.port),
        });
    }
    let mut spec = ServiceSpec { selector, ports, ..Default::default() };
    if let Some(ip) = a.get("external-ip").filter(|s| !s.is_empty()) {
        spec.external_ips = vec![ip.to_string()];
    }
    if let Some(t) = a.get("type").filter(|s| !s.is_empty()) {
        spec.type_ = t.to_string();
    }
    if spec.type_ == "LoadBalancer" {
        spec.load_balancer_ip = a.get("load-balancer-ip").unwrap_or("").to_string();
    }
    match a.get("session-affinity").unwrap_or("") {
        "" => {}
        v @ ("None" | "ClientIP") => spec.session_affinity = v.to_string(),
        other => return Err(format!("unknown session affinity: {other}")),
    }
    spec.cluster_ip = cluster_ip;
    Ok(Service { metadata: meta(&name, "", false, labels), spec, ..Default::default() })
}

// ================================================================== Go's strconv

/// strconv.ParseInt(s, base, bits): base 0 reads `0x`, `0o`, `0b` and `0` prefixes and
/// underscores. The error is strconv's reason (`invalid syntax`, `value out of range`).
pub fn go_parse_int(s: &str, base: u32, bits: u32) -> Result<i64, &'static str> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let mag = go_parse_uint_magnitude(body, base)?;
    let limit: u128 = 1u128 << (bits - 1);
    if (!neg && mag >= limit) || (neg && mag > limit) {
        return Err("value out of range");
    }
    Ok(if neg { -(mag as i128) as i64 } else { mag as i64 })
}

/// strconv.ParseUint(s, base, bits).
pub fn go_parse_uint(s: &str, base: u32, bits: u32) -> Result<u64, &'static str> {
    if s.starts_with(['+', '-']) {
        return Err("invalid syntax");
    }
    let mag = go_parse_uint_magnitude(s, base)?;
    if bits < 64 && mag >= (1u128 << bits) || mag > u64::MAX as u128 {
        return Err("value out of range");
    }
    Ok(mag as u64)
}

fn go_parse_uint_magnitude(s0: &str, base: u32) -> Result<u128, &'static str> {
    if s0.is_empty() {
        return Err("invalid syntax");
    }
    let b = s0.as_bytes();
    let base0 = base == 0;
    let (radix, digits) = if !base0 {
        (base, s0)
    } else if b[0] == b'0' {
        match b.get(1).map(|c| c.to_ascii_lowercase()) {
            Some(b'b') if b.len() >= 3 => (2, &s0[2..]),
            Some(b'o') if b.len() >= 3 => (8, &s0[2..]),
            Some(b'x') if b.len() >= 3 => (16, &s0[2..]),
            _ => (8, &s0[1..]),
        }
    } else {
        (10, s0)
    };
    let cap = u64::MAX as u128 * 4;
    let mut v: u128 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' && base0 {
            underscores = true;
            continue;
        }
        let Some(d) = c.to_digit(radix) else { return Err("invalid syntax") };
        v = (v * radix as u128 + d as u128).min(cap);
    }
    if underscores && !underscore_ok(s0) {
        return Err("invalid syntax");
    }
    Ok(v)
}

/// strconv's underscoreOK: `_` only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && c.to_ascii_lowercase().is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

// ================================================================== -o json (encoding/json)

/// A struct's JSON fields in Go declaration order, each with the type of its value
/// (`""`: a map or a scalar, whose keys encoding/json sorts).
fn go_fields(ty: &str) -> &'static [(&'static str, &'static str)] {
    match ty {
        "Deployment" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "DeploymentSpec"),
            ("status", "DeploymentStatus"),
        ],
        "ReplicaSet" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "ReplicaSetSpec"),
            ("status", "ReplicaSetStatus"),
        ],
        "Pod" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "PodSpec"),
            ("status", "PodStatus"),
        ],
        "Service" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "ServiceSpec"),
            ("status", "ServiceStatus"),
        ],
        "Namespace" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("spec", "NamespaceSpec"),
            ("status", "NamespaceStatus"),
        ],
        "ConfigMap" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("immutable", ""),
            ("data", ""),
            ("binaryData", ""),
        ],
        "Node" => &[("kind", ""), ("apiVersion", ""), ("metadata", "ObjectMeta"), ("spec", ""), ("status", "")],
        "Endpoints" => &[("kind", ""), ("apiVersion", ""), ("metadata", "ObjectMeta"), ("subsets", "")],
        "Event" => &[
            ("kind", ""),
            ("apiVersion", ""),
            ("metadata", "ObjectMeta"),
            ("involvedObject", ""),
            ("reason", ""),
            ("message", ""),
            ("source", ""),
            ("firstTimestamp", ""),
            ("lastTimestamp", ""),
            ("count", ""),
            ("type", ""),
            ("eventTime", ""),
            ("series", ""),
            ("action", ""),
            ("related", ""),
            ("reportingComponent", ""),
            ("reportingInstance", ""),
        ],
        "ObjectMeta" => &[
            ("name", ""),
            ("generateName", ""),
            ("namespace", ""),
            ("selfLink", ""),
            ("uid", ""),
            ("resourceVersion", ""),
            ("generation", ""),
            ("creationTimestamp", ""),
            ("deletionTimestamp", ""),
            ("deletionGracePeriodSeconds", ""),
            ("labels", ""),
            ("annotations", ""),
            ("ownerReferences", "OwnerReference"),
            ("finalizers", ""),
            ("managedFields", ""),
        ],
        "OwnerReference" => &[
            ("apiVersion", ""),
            ("kind", ""),
            ("name", ""),
            ("uid", ""),
            ("controller", ""),
            ("blockOwnerDeletion", ""),
        ],
        "DeploymentSpec" => &[
            ("replicas", ""),
            ("selector", "LabelSelector"),
            ("template", "PodTemplateSpec"),
            ("strategy", "DeploymentStrategy"),
            ("minReadySeconds", ""),
            ("revisionHistoryLimit", ""),
            ("paused", ""),
            ("progressDeadlineSeconds", ""),
        ],
        "DeploymentStrategy" => &[("type", ""), ("rollingUpdate", "RollingUpdateDeployment")],
        "RollingUpdateDeployment" => &[("maxUnavailable", ""), ("maxSurge", "")],
        "DeploymentStatus" => &[
            ("observedGeneration", ""),
            ("replicas", ""),
            ("updatedReplicas", ""),
            ("readyReplicas", ""),
            ("availableReplicas", ""),
            ("unavailableReplicas", ""),
            ("terminatingReplicas", ""),
            ("conditions", "DeploymentCondition"),
            ("collisionCount", ""),
        ],
        "DeploymentCondition" => &[
            ("type", ""),
            ("status", ""),
            ("lastUpdateTime", ""),
            ("lastTransitionTime", ""),
            ("reason", ""),
            ("message", ""),
        ],
        "ReplicaSetSpec" => {
            &[("replicas", ""), ("minReadySeconds", ""), ("selector", "LabelSelector"), ("template", "PodTemplateSpec")]
        }
        "ReplicaSetStatus" => &[
            ("replicas", ""),
            ("fullyLabeledReplicas", ""),
            ("readyReplicas", ""),
            ("availableReplicas", ""),
            ("terminatingReplicas", ""),
            ("observedGeneration", ""),
            ("conditions", ""),
        ],
        "LabelSelector" => &[("matchLabels", ""), ("matchExpressions", "LabelSelectorRequirement")],
        "LabelSelectorRequirement" => &[("key", ""), ("operator", ""), ("values", "")],
        "PodTemplateSpec" => &[("metadata", "ObjectMeta"), ("spec", "PodSpec")],
        "PodSpec" => &[
            ("volumes", "Volume"),
            ("initContainers", "Container"),
            ("containers", "Container"),
            ("ephemeralContainers", "Container"),
            ("restartPolicy", ""),
            ("terminationGracePeriodSeconds", ""),
            ("activeDeadlineSeconds", ""),
            ("dnsPolicy", ""),
            ("nodeSelector", ""),
            ("serviceAccountName", ""),
            ("serviceAccount", ""),
            ("automountServiceAccountToken", ""),
            ("nodeName", ""),
            ("hostNetwork", ""),
            ("hostPID", ""),
            ("hostIPC", ""),
            ("shareProcessNamespace", ""),
            ("securityContext", ""),
            ("imagePullSecrets", ""),
            ("hostname", ""),
            ("subdomain", ""),
            ("affinity", ""),
            ("schedulerName", ""),
            ("tolerations", "Toleration"),
            ("hostAliases", ""),
            ("priorityClassName", ""),
            ("priority", ""),
            ("dnsConfig", ""),
            ("readinessGates", ""),
            ("runtimeClassName", ""),
            ("enableServiceLinks", ""),
            ("preemptionPolicy", ""),
            ("overhead", ""),
            ("topologySpreadConstraints", ""),
            ("setHostnameAsFQDN", ""),
            ("os", ""),
            ("hostUsers", ""),
            ("schedulingGates", ""),
            ("resourceClaims", ""),
            ("resources", ""),
        ],
        "Container" => &[
            ("name", ""),
            ("image", ""),
            ("command", ""),
            ("args", ""),
            ("workingDir", ""),
            ("ports", "ContainerPort"),
            ("envFrom", ""),
            ("env", "EnvVar"),
            ("resources", "ResourceRequirements"),
            ("resizePolicy", ""),
            ("restartPolicy", ""),
            ("volumeMounts", "VolumeMount"),
            ("volumeDevices", ""),
            ("livenessProbe", "Probe"),
            ("readinessProbe", "Probe"),
            ("startupProbe", "Probe"),
            ("lifecycle", ""),
            ("terminationMessagePath", ""),
            ("terminationMessagePolicy", ""),
            ("imagePullPolicy", ""),
            ("securityContext", "SecurityContext"),
            ("stdin", ""),
            ("stdinOnce", ""),
            ("tty", ""),
        ],
        "ContainerPort" => &[("name", ""), ("hostPort", ""), ("containerPort", ""), ("protocol", ""), ("hostIP", "")],
        "EnvVar" => &[("name", ""), ("value", ""), ("valueFrom", "")],
        "ResourceRequirements" => &[("limits", ""), ("requests", ""), ("claims", "")],
        "VolumeMount" => &[
            ("name", ""),
            ("readOnly", ""),
            ("recursiveReadOnly", ""),
            ("mountPath", ""),
            ("subPath", ""),
            ("mountPropagation", ""),
            ("subPathExpr", ""),
        ],
        "Volume" => &[("name", ""), ("projected", "ProjectedVolumeSource")],
        "ProjectedVolumeSource" => &[("sources", "VolumeProjection"), ("defaultMode", "")],
        "VolumeProjection" => &[
            ("secret", ""),
            ("downwardAPI", "DownwardAPIProjection"),
            ("configMap", "ConfigMapProjection"),
            ("serviceAccountToken", "ServiceAccountTokenProjection"),
            ("clusterTrustBundle", ""),
        ],
        "ServiceAccountTokenProjection" => &[("audience", ""), ("expirationSeconds", ""), ("path", "")],
        "ConfigMapProjection" => &[("name", ""), ("items", "KeyToPath"), ("optional", "")],
        "KeyToPath" => &[("key", ""), ("path", ""), ("mode", "")],
        "DownwardAPIProjection" => &[("items", "DownwardAPIVolumeFile")],
        "DownwardAPIVolumeFile" => {
            &[("path", ""), ("fieldRef", "ObjectFieldSelector"), ("resourceFieldRef", ""), ("mode", "")]
        }
        "ObjectFieldSelector" => &[("apiVersion", ""), ("fieldPath", "")],
        "Toleration" => &[("key", ""), ("operator", ""), ("value", ""), ("effect", ""), ("tolerationSeconds", "")],
        "Probe" => &[
            ("exec", ""),
            ("httpGet", ""),
            ("tcpSocket", ""),
            ("grpc", ""),
            ("initialDelaySeconds", ""),
            ("timeoutSeconds", ""),
            ("periodSeconds", ""),
            ("successThreshold", ""),
            ("failureThreshold", ""),
            ("terminationGracePeriodSeconds", ""),
        ],
        "SecurityContext" => &[
            ("capabilities", ""),
            ("privileged", ""),
            ("seLinuxOptions", ""),
            ("windowsOptions", ""),
            ("runAsUser", ""),
            ("runAsGroup", ""),
            ("runAsNonRoot", ""),
            ("readOnlyRootFilesystem", ""),
            ("allowPrivilegeEscalation", ""),
            ("procMount", ""),
            ("seccompProfile", ""),
            ("appArmorProfile", ""),
        ],
        "PodStatus" => &[
            ("phase", ""),
            ("conditions", "PodCondition"),
            ("message", ""),
            ("reason", ""),
            ("nominatedNodeName", ""),
            ("hostIP", ""),
            ("hostIPs", ""),
            ("podIP", ""),
            ("podIPs", ""),
            ("startTime", ""),
            ("initContainerStatuses", "ContainerStatus"),
            ("containerStatuses", "ContainerStatus"),
            ("qosClass", ""),
            ("ephemeralContainerStatuses", "ContainerStatus"),
            ("resize", ""),
            ("resourceClaimStatuses", ""),
        ],
        "PodCondition" => &[
            ("type", ""),
            ("status", ""),
            ("lastProbeTime", ""),
            ("lastTransitionTime", ""),
            ("reason", ""),
            ("message", ""),
        ],
        "ContainerStatus" => &[
            ("name", ""),
            ("state", "ContainerState"),
            ("lastState", "ContainerState"),
            ("ready", ""),
            ("restartCount", ""),
            ("image", ""),
            ("imageID", ""),
            ("containerID", ""),
            ("started", ""),
            ("allocatedResources", ""),
            ("resources", ""),
            ("volumeMounts", ""),
            ("user", ""),
            ("allocatedResourcesStatus", ""),
        ],
        "ContainerState" => {
            &[("waiting", "ContainerStateWaiting"), ("running", ""), ("terminated", "ContainerStateTerminated")]
        }
        "ContainerStateWaiting" => &[("reason", ""), ("message", "")],
        "ContainerStateTerminated" => &[
            ("exitCode", ""),
            ("signal", ""),
            ("reason", ""),
            ("message", ""),
            ("startedAt", ""),
            ("finishedAt", ""),
            ("containerID", ""),
        ],
        "ServiceSpec" => &[
            ("ports", "ServicePort"),
            ("selector", ""),
            ("clusterIP", ""),
            ("clusterIPs", ""),
            ("type", ""),
            ("externalIPs", ""),
            ("sessionAffinity", ""),
            ("loadBalancerIP", ""),
            ("loadBalancerSourceRanges", ""),
            ("externalName", ""),
            ("externalTrafficPolicy", ""),
            ("healthCheckNodePort", ""),
            ("publishNotReadyAddresses", ""),
            ("sessionAffinityConfig", ""),
            ("ipFamilies", ""),
            ("ipFamilyPolicy", ""),
            ("allocateLoadBalancerNodePorts", ""),
            ("loadBalancerClass", ""),
            ("internalTrafficPolicy", ""),
            ("trafficDistribution", ""),
        ],
        "ServicePort" => {
            &[("name", ""), ("protocol", ""), ("appProtocol", ""), ("port", ""), ("targetPort", ""), ("nodePort", "")]
        }
        "ServiceStatus" => &[("loadBalancer", "LoadBalancerStatus"), ("conditions", "")],
        "LoadBalancerStatus" => &[("ingress", "LoadBalancerIngress")],
        "LoadBalancerIngress" => &[("ip", ""), ("hostname", ""), ("ipMode", ""), ("ports", "")],
        "NamespaceSpec" => &[("finalizers", "")],
        "NamespaceStatus" => &[("phase", ""), ("conditions", "")],
        _ => &[],
    }
}

/// `-o json`: encoding/json's MarshalIndent with 4 spaces, fields in Go struct order.
pub fn to_kubectl_json(v: &Json) -> String {
    go_json(v, true)
}

/// The object as Go's encoding/json writes it: compact, or indented by 4 spaces.
fn go_json(v: &Json, pretty: bool) -> String {
    let ty = v.get("kind").and_then(|k| k.as_str()).unwrap_or("");
    let mut out = String::new();
    write_go_json(v, ty, pretty, 0, &mut out);
    out
}

fn write_go_json(v: &Json, ty: &str, pretty: bool, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        if pretty {
            out.push('\n');
            for _ in 0..depth {
                out.push_str("    ");
            }
        }
    };
    match v {
        Json::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            let fields = go_fields(ty);
            let mut keys: Vec<(&String, &'static str)> = Vec::new();
            for (f, child) in fields {
                if let Some((k, _)) = m.get_key_value(*f) {
                    keys.push((k, child));
                }
            }
            for k in m.keys() {
                if !fields.iter().any(|(f, _)| f == k) {
                    keys.push((k, ""));
                }
            }
            out.push('{');
            for (i, (k, child)) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                go_json_string(k, out);
                out.push(':');
                if pretty {
                    out.push(' ');
                }
                write_go_json(&m[k.as_str()], child, pretty, depth + 1, out);
            }
            newline(out, depth);
            out.push('}');
        }
        Json::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_go_json(item, ty, pretty, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        Json::String(s) => go_json_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

/// encoding/json's string escaping (HTML-safe: `<`, `>`, `&` as \u003c, \u003e, \u0026).
fn go_json_string(s: &str, out: &mut String) {
    const HEX: &[u8] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32 as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ================================================================== -o yaml (go-yaml v2)

/// `-o yaml` as kubectl prints it: the JSON re-emitted by sigs.k8s.io/yaml, which is
/// go-yaml v2. Keys in go-yaml's natural order, 2-space indentation, sequences at their
/// key's indentation, plain scalars where they would read back as the same string, else
/// single quotes (when the text needs quoting but not escaping), double quotes (when it
/// would read back as another type, or needs escapes), or a literal block (multi-line
/// text); long scalars folded at 80 columns.
pub fn to_kubectl_yaml(v: &Json) -> String {
    let mut e = YamlEmitter { out: String::new(), column: 0, whitespace: true, indention: true };
    e.node(v, -1, false);
    e.write_indent(0);
    e.out
}

struct YamlEmitter {
    out: String,
    /// Characters on the current line.
    column: usize,
    /// The last thing written was whitespace (an indent, or nothing yet).
    whitespace: bool,
    /// Only indentation (and `- `) on the current line so far.
    indention: bool,
}

const BEST_WIDTH: usize = 80;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

impl YamlEmitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }
    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }
    fn write_indent(&mut self, indent: i64) {
        let indent = indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }
    fn write_indicator(&mut self, s: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in s.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// A node whose container is indented at `indent` (-1 at the root); `in_mapping` when it
    /// is a mapping's value.
    fn node(&mut self, v: &Json, indent: i64, in_mapping: bool) {
        match v {
            Json::Object(m) if !m.is_empty() => {
                let mut keys: Vec<&String> = m.keys().collect();
                kubelab_api::sort::by(&mut keys, |a, b| {
                    if yaml_key_less(a, b) {
                        std::cmp::Ordering::Less
                    } else if yaml_key_less(b, a) {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                });
                let inner = if indent < 0 { 0 } else { indent + 2 };
                for k in keys {
                    self.write_indent(inner);
                    self.string_scalar(k, inner, true);
                    self.write_indicator(":", false, false, false);
                    self.node(&m[k.as_str()], inner, true);
                }
            }
            Json::Array(items) if !items.is_empty() => {
                // A sequence that is a mapping's value is not indented (go-yaml's indentless).
                let inner = if indent < 0 {
                    0
                } else if in_mapping && !self.indention {
                    indent
                } else {
                    indent + 2
                };
                for item in items {
                    self.write_indent(inner);
                    self.write_indicator("-", true, false, true);
                    self.node(item, inner, false);
                }
            }
            Json::Object(_) => {
                self.write_indicator("{", true, true, false);
                self.write_indicator("}", false, false, false);
            }
            Json::Array(_) => {
                self.write_indicator("[", true, true, false);
                self.write_indicator("]", false, false, false);
            }
            Json::String(s) => self.string_scalar(s, indent, false),
            Json::Null => self.plain("null", indent, false),
            Json::Bool(b) => self.plain(if *b { "true" } else { "false" }, indent, false),
            Json::Number(n) => {
                let text = if let Some(f) = n.as_f64().filter(|_| !n.is_i64() && !n.is_u64()) {
                    if f.fract() == 0.0 && f.abs() < 1e21 {
                        format!("{}", f as i128)
                    } else {
                        format!("{f}")
                    }
                } else {
                    n.to_string()
                };
                self.plain(&text, indent, false);
            }
        }
    }

    fn plain(&mut self, s: &str, indent: i64, simple_key: bool) {
        let scalar_indent = if indent < 0 { 0 } else { indent + 2 };
        self.write_plain(s.as_bytes(), scalar_indent, !simple_key);
    }

    /// encoder.stringv, then the emitter's analysis and select_scalar_style.
    fn string_scalar(&mut self, s: &str, indent: i64, simple_key: bool) {
        let can_plain = yaml_resolves_to_string(s) && !is_base60_float(s);
        let requested = if s.contains('\n') {
            Style::Literal
        } else if can_plain {
            Style::Plain
        } else {
            Style::Double
        };
        let an = analyze_scalar(s.as_bytes());
        let mut style = requested;
        if simple_key && an.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!an.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !an.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!an.block_allowed || simple_key) {
            style = Style::Double;
        }
        // emit_scalar increases the indentation for the scalar's own continuation lines.
        let scalar_indent = if indent < 0 { 0 } else { indent + 2 };
        let b = s.as_bytes();
        match style {
            Style::Plain => self.write_plain(b, scalar_indent, !simple_key),
            Style::Single => self.write_single(b, scalar_indent, !simple_key),
            Style::Double => self.write_double(b, scalar_indent, !simple_key),
            Style::Literal => self.write_literal(b, scalar_indent),
        }
    }

    fn write_char(&mut self, b: &[u8], i: &mut usize) {
        let w = utf8_width(b[*i]);
        let end = (*i + w).min(b.len());
        self.out.push_str(std::str::from_utf8(&b[*i..end]).unwrap_or("\u{fffd}"));
        self.column += 1;
        *i = end;
    }

    fn write_break(&mut self, b: &[u8], i: &mut usize) {
        if b[*i] == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write_char(b, i);
            self.column = 0;
        }
    }

    fn write_plain(&mut self, b: &[u8], indent: i64, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && b.get(i + 1) != Some(&b' ') {
                    self.write_indent(indent);
                    i += 1;
                } else {
                    self.write_char(b, &mut i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && b[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(b, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.write_char(b, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, b: &[u8], indent: i64, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < b.len() - 1
                    && b.get(i + 1) != Some(&b' ')
                {
                    self.write_indent(indent);
                    i += 1;
                } else {
                    self.write_char(b, &mut i);
                }
                spaces = true;
            } else if is_break(b, i) {
                if !breaks && b[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(b, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                if b[i] == b'\'' {
                    self.put('\'');
                }
                self.write_char(b, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, b: &[u8], indent: i64, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut i = 0;
        while i < b.len() {
            if !is_printable(b, i) || is_bom(b, i) || is_break(b, i) || b[i] == b'"' || b[i] == b'\\' {
                let w = utf8_width(b[i]);
                let end = (i + w).min(b.len());
                let v: u32 = std::str::from_utf8(&b[i..end])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .map(|c| c as u32)
                    .unwrap_or(0xfffd);
                i = end;
                self.put('\\');
                match v {
                    0x00 => self.put('0'),
                    0x07 => self.put('a'),
                    0x08 => self.put('b'),
                    0x09 => self.put('t'),
                    0x0a => self.put('n'),
                    0x0b => self.put('v'),
                    0x0c => self.put('f'),
                    0x0d => self.put('r'),
                    0x1b => self.put('e'),
                    0x22 => self.put('"'),
                    0x5c => self.put('\\'),
                    0x85 => self.put('N'),
                    0xa0 => self.put('_'),
                    0x2028 => self.put('L'),
                    0x2029 => self.put('P'),
                    _ => {
                        let (letter, digits) = if v <= 0xff {
                            ('x', 2)
                        } else if v <= 0xffff {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for k in (0..digits).rev() {
                            let d = (v >> (k * 4)) & 0xf;
                            self.put(std::char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if b[i] == b' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < b.len() - 1 {
                    self.write_indent(indent);
                    if b.get(i + 1) == Some(&b' ') {
                        self.put('\\');
                    }
                    i += 1;
                } else {
                    self.write_char(b, &mut i);
                }
                spaces = true;
            } else {
                self.write_char(b, &mut i);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, b: &[u8], indent: i64) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space or
        // a break; `-` without a trailing break, `+` with more than one.
        if !b.is_empty() && (b[0] == b' ' || is_break(b, 0)) {
            self.write_indicator("2", false, false, false);
        }
        let chomp = if b.is_empty() {
            Some("-")
        } else {
            let mut i = b.len() - 1;
            while i > 0 && b[i] & 0xC0 == 0x80 {
                i -= 1;
            }
            if !is_break(b, i) {
                Some("-")
            } else if i == 0 {
                Some("+")
            } else {
                let mut j = i - 1;
                while j > 0 && b[j] & 0xC0 == 0x80 {
                    j -= 1;
                }
                if is_break(b, j) {
                    Some("+")
                } else {
                    None
                }
            }
        };
        if let Some(c) = chomp {
            self.write_indicator(c, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < b.len() {
            if is_break(b, i) {
                self.write_break(b, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.write_char(b, &mut i);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

fn utf8_width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        1
    }
}

fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn is_break(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == b'\r'
        || c == b'\n'
        || (c == 0xC2 && at(b, i + 1) == 0x85)
        || (c == 0xE2 && at(b, i + 1) == 0x80 && (at(b, i + 2) == 0xA8 || at(b, i + 2) == 0xA9))
}

fn is_bom(b: &[u8], i: usize) -> bool {
    at(b, i) == 0xEF && at(b, i + 1) == 0xBB && at(b, i + 2) == 0xBF
}

fn is_blank(b: &[u8], i: usize) -> bool {
    at(b, i) == b' ' || at(b, i) == b'\t'
}

/// yaml_emitter's is_printable.
fn is_printable(b: &[u8], i: usize) -> bool {
    let c = at(b, i);
    c == 0x0A
        || (0x20..=0x7E).contains(&c)
        || (c == 0xC2 && at(b, i + 1) >= 0xA0)
        || (c > 0xC2 && c < 0xED)
        || (c == 0xED && at(b, i + 1) < 0xA0)
        || c == 0xEE
        || (c == 0xEF
            && !(at(b, i + 1) == 0xBB && at(b, i + 2) == 0xBF)
            && !(at(b, i + 1) == 0xBF && (at(b, i + 2) == 0xBE || at(b, i + 2) == 0xBF)))
}

struct ScalarAnalysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// yaml_emitter_analyze_scalar (block context).
fn analyze_scalar(b: &[u8]) -> ScalarAnalysis {
    if b.is_empty() {
        return ScalarAnalysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let (mut block_indicators, mut line_breaks, mut special) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if b.len() >= 3 && (b.starts_with(b"---") || b.starts_with(b"...")) {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < b.len() {
        let w = utf8_width(b[i]);
        let followed_by_whitespace = i + w >= b.len() || is_blank(b, i + w);
        if i == 0 {
            match b[i] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%'
                | b'@' | b'`' => block_indicators = true,
                b'?' | b':' | b'-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match b[i] {
                b':' if followed_by_whitespace => block_indicators = true,
                b'#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(b, i) {
            special = true;
        }
        if b[i] == b' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + w == b.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(b, i) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == b.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(b, i) || is_break(b, i) || b[i] == 0;
        i += w;
    }
    let mut a = ScalarAnalysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml v2's resolve(): would this text, unquoted, read back as a string?
fn yaml_resolves_to_string(s: &str) -> bool {
    const MAP: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no", "No", "NO", "false",
        "False", "FALSE", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf",
        ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    ];
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        _ => 0,
    };
    if hint == 0 {
        return true;
    }
    if MAP.contains(&s) {
        return false;
    }
    match hint {
        b'.' => !is_go_float_dot(s),
        b'D' | b'S' => {
            if is_yaml_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            if go_parse_int(&plain, 0, 64).is_ok() || go_parse_uint(&plain, 0, 64).is_ok() {
                return false;
            }
            if is_yaml_style_float(&plain) {
                return false;
            }
            if let Some(bin) = plain.strip_prefix("0b") {
                if go_parse_uint(bin, 2, 64).is_ok() {
                    return false;
                }
            } else if let Some(bin) = plain.strip_prefix("-0b") {
                if go_parse_int(&format!("-{bin}"), 2, 64).is_ok() {
                    return false;
                }
            }
            true
        }
        _ => true,
    }
}

/// strconv.ParseFloat on text starting with `.`: `.5`, `.5e3`.
fn is_go_float_dot(s: &str) -> bool {
    let rest = &s[1..];
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    if mant.is_empty() || !mant.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mant_ok = match mant.split_once('.') {
        Some(("", frac)) => !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit()),
        Some((int, frac)) => {
            !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit())
        }
        None => !mant.is_empty() && mant.chars().all(|c| c.is_ascii_digit()),
    };
    let exp_ok = match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    };
    mant_ok && exp_ok
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (YAML 1.1 sexagesimal numbers).
fn is_base60_float(s: &str) -> bool {
    if !s.contains(':') || !s.starts_with(|c: char| c == '+' || c == '-' || c.is_ascii_digit()) {
        return false;
    }
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (body, frac) = match s.split_once('.') {
        Some((b, f)) => (b, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac {
        if !f.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return false;
        }
    }
    let mut parts = body.split(':');
    let first = parts.next().unwrap_or("");
    if !first.starts_with(|c: char| c.is_ascii_digit()) || !first.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return false;
    }
    let mut any = false;
    for p in parts {
        any = true;
        let ok = match p.as_bytes() {
            [d] => d.is_ascii_digit(),
            [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
            _ => false,
        };
        if !ok {
            return false;
        }
    }
    any
}

/// go-yaml v2's parseTimestamp: `2006-1-2`, `2006-1-2 15:4:5.999`, `2006-1-2T15:4:5.999Z07:00`.
fn is_yaml_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut i = 5;
    let num = |i: &mut usize, max_digits: usize| -> Option<u32> {
        let start = *i;
        while *i < b.len() && *i - start < max_digits && b[*i].is_ascii_digit() {
            *i += 1;
        }
        if *i == start {
            return None;
        }
        s[start..*i].parse().ok()
    };
    let year: i64 = s[..4].parse().unwrap_or(0);
    let Some(month) = num(&mut i, 2) else { return false };
    if at(b, i) != b'-' {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 2) else { return false };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 => {
            if leap {
                29
            } else {
                28
            }
        }
        _ => return false,
    };
    if day < 1 || day > days_in {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let sep = b[i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    let Some(h) = num(&mut i, 2) else { return false };
    if at(b, i) != b':' {
        return false;
    }
    i += 1;
    let Some(m) = num(&mut i, 2) else { return false };
    if at(b, i) != b':' {
        return false;
    }
    i += 1;
    let Some(sec) = num(&mut i, 2) else { return false };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if at(b, i) == b'.' && at(b, i + 1).is_ascii_digit() {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    if sep == b' ' {
        return i == b.len();
    }
    match &s[i..] {
        "Z" => true,
        zone => {
            let z = zone.as_bytes();
            z.len() == 6
                && (z[0] == b'+' || z[0] == b'-')
                && z[1].is_ascii_digit()
                && z[2].is_ascii_digit()
                && z[3] == b':'
                && z[4].is_ascii_digit()
                && z[5].is_ascii_digit()
        }
    }
}

/// go-yaml v2's keyList.Less for string keys: letters after other characters, runs of
/// digits compared as numbers.
fn yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}
