//! `kubectl run`: a Pod (k8s.io/kubectl/pkg/cmd/run, generateversioned.BasicPod), and with
//! `--expose` the Service in front of it.

use crate::args::{flag, Args, FlagSpec};
use crate::commands::klog_command_failed;
use crate::dry_run::DryRun;
use crate::strconv::go_parse_int;
use crate::submit::{
    cobra_args, common_submit, failure, meta, namespace_of, parse_labels, parse_with_common, print_object, send,
    submit, usage_error, Format, Submit,
};
use crate::{Ctx, Output};
use kubelab_api::validate::{is_env_var_name, valid_image_reference};
use kubelab_api::*;
use kubelab_engine::Engine;
use std::collections::BTreeMap;

pub(crate) const RUN_FLAGS: &[FlagSpec] = &[
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

/// The URL a shell loop fetches again and again (`while sleep 0.01; do wget -q -O-
/// http://php-apache; done`), if the command is one.
fn load_loop_url(command: &[String]) -> Option<String> {
    let line = command.join(" ");
    if !line.contains("while") || !(line.contains("wget") || line.contains("curl")) {
        return None;
    }
    line.split_whitespace()
        .map(|w| w.trim_matches(|c| c == '"' || c == '\'' || c == ';'))
        .find(|w| w.starts_with("http://"))
        .map(String::from)
}

/// `kubectl run NAME --image=IMG [--port=P] [--labels=k=v,...] [--env=K=V] [--restart=...]
/// [--command] [--expose] [-- args...]`: a Pod (generateversioned.BasicPod).
pub fn run(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
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
    let (ns, enforce) = namespace_of(&a, engine);
    // createGeneratedObject: the annotation only for requests that reach the server; the
    // namespace only in what --dry-run=client prints.
    s.save_config &= s.dry_run != DryRun::Client;
    s.client_namespace = if enforce { Some(ns.clone()) } else { None };
    let (args, dash) = cobra_args(words, &a);
    if args.is_empty() || dash == Some(0) {
        return usage_error(PATH, "NAME is required for run");
    }
    let name = args[0].clone();
    let opts = match RunOptions::validate(&a, s.dry_run, &args[1..]) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (pod, labels) = match basic_pod(&a, &name, &ns, &args[1..], opts.clone()) {
        Ok(p) => p,
        Err(e) => return e,
    };
    if opts.attach {
        return attach_to_shell(engine, pod, &name, &ns, &s, &a, ctx);
    }
    if !opts.expose {
        submit(engine, pod, &ns, &s, &mut out);
        return out;
    }
    let svc = exposed_service(&name, &ns, &opts.port, a.get("labels").unwrap_or("").is_empty(), labels);
    create_pod_and_service(engine, pod, svc, &ns, &s, &mut out);
    out
}

const PATH: &str = "kubectl run";

/// What RunOptions.Validate and Run check in the flags before building the pod.
#[derive(Clone)]
struct RunOptions {
    image: String,
    stdin: bool,
    tty: bool,
    /// `-i` (or `--attach`) on a bare shell: the console opens it once the pod runs.
    attach: bool,
    port: String,
    expose: bool,
    restart: String,
    pull: String,
}

impl RunOptions {
    /// The flags' checks, in kubectl's order (each returns the first error it finds).
    fn validate(a: &Args, dry_run: DryRun, command: &[String]) -> Result<RunOptions, Output> {
        let image = a.get("image").unwrap_or("").to_string();
        if image.is_empty() {
            return Err(Output::error("error: --image is required"));
        }
        if !valid_image_reference(&image) {
            return Err(Output::error(format!("error: Invalid image name {image:?}: invalid reference format")));
        }
        let (stdin, tty) = (a.bool("stdin"), a.bool("tty"));
        if tty && !stdin {
            return Err(usage_error(PATH, "-i/--stdin is required for containers with -t/--tty=true"));
        }
        let port = a.get("port").unwrap_or("").to_string();
        let expose = a.bool("expose");
        if expose && port.is_empty() {
            return Err(usage_error(PATH, "--port must be set when exposing a service"));
        }
        let attach = if a.has("attach") { a.bool("attach") } else { stdin };
        if dry_run != DryRun::None && attach {
            return Err(usage_error(
                PATH,
                "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
            ));
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
            other => return Err(usage_error(PATH, &format!("invalid restart policy: {other}"))),
        };
        if a.bool("rm") && !attach {
            return Err(usage_error(PATH, "--rm should only be used for attached containers"));
        }
        let pull = a.get("image-pull-policy").unwrap_or("").to_string();
        if !pull.is_empty() && !matches!(pull.as_str(), "Always" | "IfNotPresent" | "Never") {
            return Err(usage_error(PATH, &format!("invalid image pull policy: {pull}")));
        }
        if attach && (!stdin || !crate::pod_shell::is_shell_command(command) || expose) {
            if let Some(url) = load_loop_url(command) {
                // The HPA walkthrough's load generator: a loop the lab cannot stay attached to.
                return Err(Output::error(format!("error: this lab attaches only to an interactive shell, not to a loop that runs until Ctrl+C. The lab's load generator sends the same requests, one after another on a new connection each: lab load start {url} -c 1 --no-keepalive (and lab load stop)")));
            }
            return Err(Output::error("error: this lab attaches only to an interactive shell: kubectl run -it --rm NAME --image=busybox -- sh (for a command's output, run the pod and read kubectl logs)"));
        }
        Ok(RunOptions { image, stdin, tty, attach, port, expose, restart: restart.to_string(), pull })
    }
}

/// BasicPod.Generate: the pod, and the labels it carries (`run=NAME` unless --labels).
/// `extra` are the words after NAME: the container's args, or its command with --command.
fn basic_pod(
    a: &Args,
    name: &str,
    ns: &str,
    extra: &[String],
    opts: RunOptions,
) -> Result<(Object, BTreeMap<String, String>), Output> {
    let mut env = Vec::new();
    for e in a.all("env") {
        match e.split_once('=') {
            Some((k, v)) if !k.is_empty() && is_env_var_name(k) => env.push(EnvVar {
                name: k.into(),
                value: if v.is_empty() { None } else { Some(v.into()) },
                ..Default::default()
            }),
            _ => return Err(Output::error(format!("error: invalid env: {e}"))),
        }
    }
    let mut annotations = BTreeMap::new();
    for an in a.all("annotations") {
        match an.split_once('=') {
            Some((k, v)) => {
                annotations.insert(k.to_string(), v.to_string());
            }
            None => return Err(Output::error(format!("error: invalid annotations format: {an}"))),
        }
    }
    let labels_flag = a.get("labels").unwrap_or("").to_string();
    let labels = if labels_flag.is_empty() {
        [("run".to_string(), name.to_string())].into()
    } else {
        parse_labels(&labels_flag).map_err(|e| Output::error(format!("error: {e}")))?
    };
    let mut container = Container {
        name: name.to_string(),
        image: opts.image,
        stdin: opts.stdin,
        stdin_once: opts.stdin && !a.bool("leave-stdin-open"),
        tty: opts.tty,
        ..Default::default()
    };
    if !extra.is_empty() {
        if a.bool("command") {
            container.command = extra.to_vec();
        } else {
            container.args = extra.to_vec();
        }
    }
    container.env = env;
    container.image_pull_policy = opts.pull;
    if a.bool("privileged") {
        container.security_context = serde_yaml::from_str("privileged: true").ok();
    }
    let port = opts.port;
    if !port.is_empty() {
        match go_parse_int(&port, 10, 64) {
            Ok(p) => container.ports = vec![ContainerPort { container_port: p as i32, ..Default::default() }],
            Err(why) => return Err(Output::error(format!("error: strconv.Atoi: parsing {port:?}: {why}"))),
        }
    }
    let mut pod_meta = meta(name, ns, false, labels.clone());
    pod_meta.annotations = annotations;
    let pod = Pod {
        metadata: pod_meta,
        spec: PodSpec {
            containers: vec![container],
            restart_policy: opts.restart,
            dns_policy: "ClusterFirst".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    Ok((Object::Pod(pod), labels))
}

/// `--expose`'s Service (generateService): the pod's port, selecting the pod's labels, and
/// labelled with them only when --labels gave them.
fn exposed_service(name: &str, ns: &str, port: &str, no_labels_flag: bool, labels: BTreeMap<String, String>) -> Object {
    let port_n = go_parse_int(port, 10, 64).unwrap_or(0) as i32;
    Object::Service(Service {
        metadata: meta(name, ns, false, if no_labels_flag { BTreeMap::new() } else { labels.clone() }),
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
    })
}

/// --expose: the pod is created, then the Service, which is printed first; with -o yaml
/// kubectl prints a `---` of its own and the printer another.
fn create_pod_and_service(engine: &mut Engine, pod: Object, svc: Object, ns: &str, s: &Submit, out: &mut Output) {
    let mut scratch;
    let target: &mut Engine = if s.dry_run == DryRun::Server {
        scratch = engine.clone();
        &mut scratch
    } else {
        engine
    };
    let printed_pod = match send(target, pod, ns, s) {
        Ok(p) => p,
        Err(e) => return out.err(failure(s, &e)),
    };
    let printed_svc = match send(target, svc, ns, s) {
        Ok(p) => p,
        Err(e) => return out.err(failure(s, &e)),
    };
    if s.dry_run == DryRun::None {
        target.settle();
    }
    print_object(out, s, &printed_svc.0, &printed_svc.1);
    if s.format == Format::Yaml {
        out.out("---\n---");
    }
    print_object(out, s, &printed_pod.0, &printed_pod.1);
}

/// `kubectl run -i [-t] NAME --image=IMG [-- sh]`: creates the pod (printing nothing, as
/// kubectl does when it attaches), runs the clock until it runs (`--pod-running-timeout`,
/// 1m by default), then says what attach says; the console opens the shell.
/// Source: k8s.io/kubectl/pkg/cmd/run/run.go and pkg/cmd/attach/attach.go.
fn attach_to_shell(
    engine: &mut Engine,
    pod: Object,
    name: &str,
    ns: &str,
    s: &crate::submit::Submit,
    a: &Args,
    ctx: &mut Ctx,
) -> Output {
    let mut created = Output::new();
    submit(engine, pod, ns, s, &mut created);
    if !created.ok {
        return created;
    }
    let timeout = match a.get("pod-running-timeout").map(crate::logs::go_duration) {
        None => 60_000,
        Some(Ok(ms)) => ms,
        Some(Err(e)) => return Output::error(format!("error: {e}")),
    };
    let deadline = engine.now().0.saturating_add(timeout);
    loop {
        let running = engine
            .store()
            .pods
            .get(&(ns.to_string(), name.to_string()))
            .is_some_and(|p| p.status.container_statuses.iter().any(|c| c.state.running.is_some()));
        if running {
            let mut out = Output::new();
            out.warn("If you don't see a command prompt, try pressing enter.");
            return out;
        }
        if engine.now().0 >= deadline {
            // run.go defers removeCreatedObjects with --rm: the pod goes, then the error.
            let mut out = Output::new();
            if a.bool("rm") {
                out.extend(crate::execute(engine, &format!("kubectl delete pod {name} -n {ns} --wait=false"), ctx));
            }
            out.extend(Output::error("error: timed out waiting for the condition"));
            return out;
        }
        crate::wait::run_clock_toward(engine, deadline, ctx);
    }
}
