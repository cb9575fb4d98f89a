//! `kubectl exec POD [-c C] -- CMD` with a small in-pod toolbox (curl, wget, nslookup,
//! getent, env, hostname, cat /etc/hosts|/etc/resolv.conf, echo, sh -c), and
//! `kubectl port-forward`.

use crate::args::{flag, parse, FlagSpec};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::traffic::Outcome;
use kubelab_engine::Engine;

pub(crate) const EXEC_FLAGS: &[FlagSpec] = &[
    flag("container", Some('c'), true),
    flag("stdin", Some('i'), false),
    flag("tty", Some('t'), false),
    flag("quiet", Some('q'), false),
    flag("filename", Some('f'), true),
];

/// Busybox and Alpine images (busybox's applets, no bash); the others are Debian-based
/// (nginx, redis, httpd and the workshop's Python app: bash, coreutils).
pub(crate) fn alpine_like(image: &str) -> bool {
    let repo = kubelab_engine::images::ImageRef::parse(image).repository;
    repo.contains("busybox")
        || repo.ends_with("/proxy")
        || repo.ends_with("/lb")
        || repo.ends_with("-backend")
        || repo.ends_with("-frontend")
        || image.contains("alpine")
}

/// `ls /` in the image: busybox's, Alpine's or Debian's root, plus what the image adds.
fn root_listing(image: &str) -> String {
    let repo = kubelab_engine::images::ImageRef::parse(image).repository;
    let mut dirs: Vec<&str> = if repo.contains("busybox") {
        vec!["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr", "var"]
    } else if alpine_like(image) {
        vec![
            "bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys",
            "tmp", "usr", "var",
        ]
    } else {
        vec![
            "bin", "boot", "dev", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin",
            "srv", "sys", "tmp", "usr", "var",
        ]
    };
    if repo.ends_with("/nginx") || repo.ends_with("-frontend") || repo.ends_with("/proxy") || repo.ends_with("/lb") {
        dirs.extend(["docker-entrypoint.d", "docker-entrypoint.sh"]);
    }
    if repo.ends_with("/redis") {
        dirs.push("data");
    }
    kubelab_api::sort::natural(&mut dirs);
    dirs.join("\n")
}

/// Which tools an image ships.
pub(crate) fn has_tool(image: &str, tool: &str) -> bool {
    let repo = kubelab_engine::images::ImageRef::parse(image).repository;
    let alpine_like = alpine_like(image);
    match tool {
        "sh" | "echo" | "env" | "printenv" | "hostname" | "cat" | "ls" | "getent" => true,
        "bash" => !alpine_like,
        "curl" => !repo.contains("busybox") && !repo.ends_with("/redis") && !repo.ends_with("/app"),
        "wget" | "nslookup" => alpine_like,
        "redis-cli" => repo.ends_with("/redis"),
        "python" | "python3" => repo.ends_with("/app"),
        _ => false,
    }
}

pub(crate) fn not_found(tool: &str) -> Output {
    let mut o = Output::error(format!(
        "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{tool}\": executable file not found in $PATH: unknown"
    ));
    o.ok = false;
    o
}

fn exit(mut o: Output, code: i32) -> Output {
    o.err(format!("command terminated with exit code {code}"));
    o
}

/// /etc/hosts as the kubelet writes it.
fn etc_hosts(p: &Pod) -> String {
    let mut s = String::from("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    s.push_str(&format!("{}\t{}\n", p.status.pod_ip, p.metadata.name));
    if !p.spec.host_aliases.is_empty() {
        s.push_str("\n# Entries added by HostAliases.\n");
        for h in &p.spec.host_aliases {
            s.push_str(&format!("{}\t{}\n", h.ip, h.hostnames.join("\t")));
        }
    }
    s
}

/// The IP a name resolves to from inside `p`, and its FQDN.
fn lookup(engine: &Engine, p: &Pod, name: &str) -> Option<(String, String)> {
    if let Some(h) = p.spec.host_aliases.iter().find(|h| h.hostnames.iter().any(|n| n == name)) {
        return Some((h.ip.clone(), name.to_string()));
    }
    let parts: Vec<&str> = name.trim_end_matches('.').split('.').collect();
    // `<pod>.<headless svc>[.<ns>...]`: a StatefulSet pod's own record.
    if parts.len() >= 2 {
        let ns = match parts.as_slice() {
            [_, _] => p.metadata.namespace.as_str(),
            [_, _, n, ..] => n,
            _ => "",
        };
        let (host, sub) = (parts[0], parts[1]);
        if let Some(target) = engine.store().pods.values().find(|x| {
            x.metadata.namespace == ns
                && x.spec.hostname == host
                && x.spec.subdomain == sub
                && !x.status.pod_ip.is_empty()
        }) {
            if engine
                .store()
                .services
                .get(&(ns.to_string(), sub.to_string()))
                .is_some_and(|s| s.spec.cluster_ip == "None")
            {
                return Some((target.status.pod_ip.clone(), format!("{host}.{sub}.{ns}.svc.cluster.local")));
            }
        }
    }
    let (svc, ns) = match parts.as_slice() {
        [s] => (*s, p.metadata.namespace.as_str()),
        [s, n] | [s, n, "svc"] | [s, n, "svc", "cluster", "local"] => (*s, *n),
        _ => return None,
    };
    let s = engine.store().services.get(&(ns.to_string(), svc.to_string()))?;
    let fqdn = format!("{svc}.{ns}.svc.cluster.local");
    if s.spec.cluster_ip == "None" {
        // Headless: the ready endpoints' addresses.
        let ep = engine.store().endpoints.get(&(ns.to_string(), svc.to_string()))?;
        let ip = ep.subsets.iter().flat_map(|ss| ss.addresses.iter()).next()?.ip.clone();
        return Some((ip, fqdn));
    }
    Some((s.spec.cluster_ip.clone(), fqdn))
}

/// A pod's field by its downward-API path (`metadata.name`, `status.podIP`...); empty for
/// a path the lab does not resolve.
pub(crate) fn pod_field(p: &Pod, path: &str) -> String {
    match path {
        "metadata.name" => p.metadata.name.clone(),
        "metadata.namespace" => p.metadata.namespace.clone(),
        "metadata.uid" => p.metadata.uid.clone(),
        "spec.nodeName" => p.spec.node_name.clone(),
        "spec.serviceAccountName" => p.spec.service_account_name.clone(),
        "status.podIP" => p.status.pod_ip.clone(),
        "status.hostIP" => p.status.host_ip.clone(),
        _ => String::new(),
    }
}

/// Environment variables a container sees: its own, then the Service links of its
/// namespace (enableServiceLinks), then what every container gets.
fn environment(engine: &Engine, p: &Pod, c: &Container) -> Vec<String> {
    let mut env = vec![
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        format!("HOSTNAME={}", p.metadata.name),
    ];
    let store = engine.store();
    let ns = &p.metadata.namespace;
    let text = |v: &serde_yaml::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
    // envFrom: every key of a ConfigMap (with its prefix), before `env`, as the kubelet
    // builds it (makeEnvironmentVariables).
    for from in &c.env_from {
        if let Some(r) = from.get("configMapRef") {
            if let Some(cm) = store.configmaps.get(&(ns.clone(), text(r, "name"))) {
                let prefix = text(from, "prefix");
                for (k, v) in &cm.data {
                    env.push(format!("{prefix}{k}={v}"));
                }
            }
        }
    }
    for e in &c.env {
        // valueFrom: a ConfigMap key, or the pod's own fields (the downward API).
        let value = match &e.value_from {
            None => e.value.clone().unwrap_or_default(),
            Some(from) => {
                if let Some(r) = from.get("configMapKeyRef") {
                    // An optional reference that does not resolve is left out.
                    match store
                        .configmaps
                        .get(&(ns.clone(), text(r, "name")))
                        .and_then(|cm| cm.data.get(&text(r, "key")).cloned())
                    {
                        Some(v) => v,
                        None => continue,
                    }
                } else if let Some(r) = from.get("fieldRef") {
                    pod_field(p, &text(r, "fieldPath"))
                } else {
                    String::new()
                }
            }
        };
        env.push(format!("{}={value}", e.name));
    }
    if p.spec.enable_service_links != Some(false) {
        for s in engine
            .store()
            .services
            .values()
            .filter(|s| s.metadata.namespace == p.metadata.namespace || s.metadata.name == "kubernetes")
        {
            if s.spec.cluster_ip.is_empty() || s.spec.cluster_ip == "None" {
                continue;
            }
            // The docker-links style variables the kubelet injects (makeEnvironmentVariables).
            let n = s.metadata.name.to_ascii_uppercase().replace('-', "_");
            let ip = &s.spec.cluster_ip;
            if let Some(first) = s.spec.ports.first() {
                env.push(format!("{n}_SERVICE_HOST={ip}"));
                env.push(format!("{n}_SERVICE_PORT={}", first.port));
                for sp in &s.spec.ports {
                    if !sp.name.is_empty() {
                        env.push(format!(
                            "{n}_SERVICE_PORT_{}={}",
                            sp.name.to_ascii_uppercase().replace('-', "_"),
                            sp.port
                        ));
                    }
                }
                let proto = first.protocol.to_ascii_lowercase();
                env.push(format!("{n}_PORT={proto}://{ip}:{}", first.port));
                for sp in &s.spec.ports {
                    let proto = sp.protocol.to_ascii_lowercase();
                    let pre = format!("{n}_PORT_{}_{}", sp.port, sp.protocol.to_ascii_uppercase());
                    env.push(format!("{pre}={proto}://{ip}:{}", sp.port));
                    env.push(format!("{pre}_PROTO={proto}"));
                    env.push(format!("{pre}_PORT={}", sp.port));
                    env.push(format!("{pre}_ADDR={ip}"));
                }
            }
        }
    }
    env.push("HOME=/root".into());
    env
}

fn run_tool(engine: &mut Engine, p: &Pod, c: &Container, argv: &[String], ctx: &mut Ctx) -> Output {
    let Some(tool) = argv.first().map(|s| s.as_str()) else {
        return Output::error("error: you must specify at least one command for the container");
    };
    let tool_name = tool.rsplit('/').next().unwrap_or(tool);
    if !has_tool(&c.image, tool_name) {
        return not_found(tool);
    }
    let args: Vec<&str> = argv[1..].iter().map(|s| s.as_str()).collect();
    match tool_name {
        "sh" | "bash" => match args.as_slice() {
            ["-c", script, ..] => {
                let mut out = Output::new();
                for part in script.split(&[';', '\n'][..]).map(str::trim).filter(|x| !x.is_empty()) {
                    let words = match crate::shell::split_words(part) {
                        Ok(w) => w,
                        Err(e) => return Output::error(format!("sh: {e}")),
                    };
                    out.extend(run_tool(engine, p, c, &words, ctx));
                }
                out
            }
            _ => Output::error("error: an interactive shell needs a terminal; run commands with `-- sh -c '...'` here"),
        },
        "echo" => Output::line(args.join(" ")),
        "hostname" => Output::line(&p.metadata.name),
        "env" => Output::line(environment(engine, p, c).join("\n")),
        "printenv" if args.is_empty() => Output::line(environment(engine, p, c).join("\n")),
        "printenv" => printenv(engine, p, c, &args),
        "ls" => Output::line(root_listing(&c.image)),
        "cat" => cat(engine, p, c, args.first().copied()),
        "getent" => match args.as_slice() {
            ["hosts", name] => match lookup(engine, p, name) {
                Some((ip, fqdn)) => Output::line(format!("{ip:<15} {fqdn}")),
                None => exit(Output::new(), 2),
            },
            _ => exit(Output::error("Usage: getent hosts NAME"), 1),
        },
        "nslookup" => {
            let Some(name) = args.last() else { return exit(Output::error("Usage: nslookup HOST"), 1) };
            match lookup(engine, p, name) {
                Some((ip, fqdn)) => Output::line(format!("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n\nName:\t{fqdn}\nAddress: {ip}\n")),
                None => exit(Output::line(format!("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find {name}.{}.svc.cluster.local: NXDOMAIN\n", p.metadata.namespace)), 1),
            }
        }
        "curl" | "wget" => curl(engine, p, tool_name, &args, ctx),
        "redis-cli" => redis_cli(engine, p, c, &args),
        _ => not_found(tool),
    }
}

/// `printenv NAME...`: each value; exit 1 when one is not set.
fn printenv(engine: &Engine, p: &Pod, c: &Container, args: &[&str]) -> Output {
    let env = environment(engine, p, c);
    let mut out = Output::new();
    let mut missing = false;
    for name in args {
        match env.iter().find_map(|kv| kv.strip_prefix(&format!("{name}="))) {
            Some(v) => out.out(v),
            None => missing = true,
        }
    }
    if missing {
        return exit(out, 1);
    }
    out
}

/// `cat FILE`: the files a pod has (its hosts, resolv.conf, hostname, mounted ConfigMap keys).
fn cat(engine: &Engine, p: &Pod, c: &Container, file: Option<&str>) -> Output {
    match file {
        Some("/etc/hosts") => Output::line(etc_hosts(p)),
        Some("/etc/resolv.conf") => Output::line(format!(
            "search {}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5",
            p.metadata.namespace
        )),
        Some("/etc/hostname") => Output::line(&p.metadata.name),
        Some(f) => match kubelab_engine::traffic::container_file(engine.pod_runtime(&p.metadata.uid), p, c, f) {
            // A key of a mounted ConfigMap.
            Some(Some(text)) => Output::line(text),
            // busybox's wording, or coreutils' in a Debian image.
            _ if alpine_like(&c.image) => {
                exit(Output::error(format!("cat: can't open '{f}': No such file or directory")), 1)
            }
            _ => exit(Output::error(format!("cat: {f}: No such file or directory")), 1),
        },
        None => Output::new(),
    }
}

/// curl's and wget's flags that take the next word as their value.
const VALUED_FLAGS: &[&str] =
    &["-X", "--request", "-H", "-d", "--data", "-O", "-o", "-T", "--timeout", "-m", "--max-time", "--connect-timeout"];

/// Linux gives up on a connect() whose SYNs go unanswered (a NetworkPolicy drop) after
/// 131 s: tcp_syn_retries 6 with tcp_syn_linear_timeouts 4, the defaults since 6.5 (the
/// nodes run 6.8; net/ipv4/tcp_timer.c, Documentation/networking/ip-sysctl.rst). Both are
/// per network namespace, so every pod has the defaults.
pub const KERNEL_CONNECT_GIVE_UP_MS: u64 = 131_000;

/// Which limit ends a connection attempt that is never answered.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Limit {
    /// The kernel's, when no client limit is shorter.
    Kernel,
    /// busybox wget's `-T SEC`/`--timeout=SEC` (default 900 s: longer than the kernel's).
    WgetTimeout,
    /// curl's `--connect-timeout SEC` (default 300 s, DEFAULT_CONNECT_TIMEOUT: longer too).
    CurlConnectTimeout,
    /// curl's `-m`/`--max-time SEC`.
    CurlMaxTime,
}

/// How long the client waits for a connection to be answered, and which limit that is.
fn client_timeout(tool_name: &str, args: &[&str]) -> (u64, Limit) {
    let names: &[(&str, Limit)] = if tool_name == "wget" {
        &[("-T", Limit::WgetTimeout), ("--timeout", Limit::WgetTimeout)]
    } else {
        &[
            ("--connect-timeout", Limit::CurlConnectTimeout),
            ("-m", Limit::CurlMaxTime),
            ("--max-time", Limit::CurlMaxTime),
        ]
    };
    let mut found = (KERNEL_CONNECT_GIVE_UP_MS, Limit::Kernel);
    for (i, a) in args.iter().enumerate() {
        let (flag, value) = match a.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (*a, args.get(i + 1).copied()),
        };
        let Some(&(_, limit)) = names.iter().find(|(n, _)| *n == flag) else { continue };
        if let Some(secs) = value.and_then(|v| v.parse::<f64>().ok()).filter(|s| s.is_finite() && *s > 0.0) {
            let ms = (secs * 1000.0).min(86_400_000.0) as u64;
            if ms < found.0 {
                found = (ms, limit);
            }
        }
    }
    found
}

/// `curl URL` / `wget URL` from inside the pod.
fn curl(engine: &mut Engine, p: &Pod, tool_name: &str, args: &[&str], ctx: &mut Ctx) -> Output {
    let Some(url) = args
        .iter()
        .enumerate()
        .rev()
        .find(|(i, a)| !a.starts_with('-') && (*i == 0 || !VALUED_FLAGS.contains(&args[i - 1])))
        .map(|(_, a)| a)
    else {
        return exit(Output::error(format!("{tool_name}: no URL specified")), 2);
    };
    let url = if url.starts_with("http") { url.to_string() } else { format!("http://{url}") };
    let host = url.trim_start_matches("http://").split(['/', ':']).next().unwrap_or("").to_string();
    // Names resolve with the pod's own hosts file and DNS search path.
    let by_hosts_file = p.spec.host_aliases.iter().any(|h| h.hostnames.contains(&host));
    let resolved = if host == "localhost" || host == "127.0.0.1" || host.parse::<std::net::Ipv4Addr>().is_ok() {
        Some(url.clone())
    } else if !by_hosts_file
        && engine.dns_query_from(&p.metadata.namespace, &p.metadata.name, &mut *ctx.observe).is_err()
    {
        // The pod's egress policies drop its DNS queries: the resolver gives up.
        None
    } else {
        lookup(engine, p, &host).map(|(ip, _)| {
            if ip == "127.0.0.1" {
                url.replacen(&host, "localhost", 1)
            } else {
                url.replacen(&host, &ip, 1)
            }
        })
    };
    let Some(target) = resolved else {
        return if tool_name == "curl" {
            exit(Output::error(format!("curl: (6) Could not resolve host: {host}")), 6)
        } else {
            exit(Output::error(format!("wget: bad address '{host}'")), 1)
        };
    };
    let method = args
        .iter()
        .position(|a| *a == "-X" || *a == "--request")
        .and_then(|i| args.get(i + 1))
        .map(|m| m.to_ascii_uppercase())
        .unwrap_or_else(|| if args.contains(&"--post-data") { "POST".into() } else { "GET".into() });
    let (timeout, limit) = client_timeout(tool_name, args);
    let authority = |u: &str| u.split("://").nth(1).unwrap_or(u).split('/').next().unwrap_or("").to_string();
    let port = authority(&url).split_once(':').map_or("80".to_string(), |(_, p)| p.to_string());
    let ip = authority(&target).split(':').next().unwrap_or("").to_string();
    let client = Client { tool: tool_name, host: &host, port: &port, ip: &ip, limit };
    match engine.curl_from(
        Some((&p.metadata.namespace, &p.metadata.name)),
        &method,
        &target,
        timeout,
        &mut *ctx.observe,
    ) {
        Ok((served, took)) => {
            let connected = served.dropped.is_none() || !served.hops.is_empty();
            curl_outcome(served.outcome, &client, connected, took)
        }
        Err(e) => exit(Output::error(format!("{tool_name}: {e}")), 7),
    }
}

/// Who asked: the tool, the URL's host and port, the address the name resolved to, and the
/// limit that ends an unanswered connection.
struct Client<'a> {
    tool: &'a str,
    host: &'a str,
    port: &'a str,
    ip: &'a str,
    limit: Limit,
}

/// What curl or wget prints for the request's outcome, and its exit code.
fn curl_outcome(outcome: Outcome, c: &Client, connected: bool, took: u64) -> Output {
    let wget = c.tool == "wget";
    let (host, port, ip) = (c.host, c.port, c.ip);
    match outcome {
        Outcome::Ok { body, .. } => Output::line(body),
        Outcome::BadGateway => exit(
            Output::error(if wget {
                "wget: server returned error: HTTP/1.1 502 Bad Gateway".to_string()
            } else {
                "<html><head><title>502 Bad Gateway</title></head></html>".to_string()
            }),
            if wget { 1 } else { 0 },
        ),
        // busybox names the address it connected to (libbb/xconnect.c bb_perror_msg_and_die
        // "can't connect to remote host (%s)"); curl the URL's host and port.
        Outcome::Refused | Outcome::NoRoute => exit(
            Output::error(if wget {
                format!("wget: can't connect to remote host ({ip}): Connection refused")
            } else {
                format!("curl: (7) Failed to connect to {host} port {port} after 1 ms: Couldn't connect to server")
            }),
            if wget { 1 } else { 7 },
        ),
        Outcome::EmptyReply => exit(
            Output::error(if wget {
                "wget: error getting response".to_string()
            } else {
                "curl: (52) Empty reply from server".to_string()
            }),
            if wget { 1 } else { 52 },
        ),
        Outcome::Timeout if connected => exit(Output::error(no_answer(c.tool, took)), if wget { 1 } else { 28 }),
        Outcome::Timeout => exit(Output::error(unanswered(c, took)), if wget { 1 } else { 28 }),
    }
}

/// Connected, but no answer in time: busybox's alarm, or curl's `-m` (lib/multi.c
/// multi_handle_timeout once the transfer has begun); the lab stops waiting for curl without one.
pub fn no_answer(tool: &str, took: u64) -> String {
    if tool == "wget" {
        "wget: download timed out".to_string()
    } else {
        format!("curl: (28) Operation timed out after {took} milliseconds with 0 bytes received")
    }
}

/// A connection never answered (a NetworkPolicy drop), in the words of the limit that ended
/// it: curl 8.5.0 lib/connect.c is_connected (the kernel's ETIMEDOUT is "Couldn't connect to
/// server", exit 28; its own connect timeout "Timeout was reached"), lib/multi.c
/// multi_handle_timeout (`-m` while connecting); busybox 1.36 wget.c (its alarm: "download
/// timed out") and libbb/xconnect.c (the kernel's: "Connection timed out").
fn unanswered(c: &Client, took: u64) -> String {
    let (host, port, ip) = (c.host, c.port, c.ip);
    match c.limit {
        Limit::Kernel if c.tool == "wget" => format!("wget: can't connect to remote host ({ip}): Connection timed out"),
        Limit::Kernel => {
            format!("curl: (28) Failed to connect to {host} port {port} after {took} ms: Couldn't connect to server")
        }
        Limit::WgetTimeout => "wget: download timed out".to_string(),
        Limit::CurlConnectTimeout => {
            format!("curl: (28) Failed to connect to {host} port {port} after {took} ms: Timeout was reached")
        }
        Limit::CurlMaxTime => format!("curl: (28) Connection timed out after {took} milliseconds"),
    }
}

/// `redis-cli [-h HOST] [-p PORT] COMMAND...`: the command, against the pod's Redis.
fn redis_cli(engine: &mut Engine, p: &Pod, c: &Container, args: &[&str]) -> Output {
    // Skip connection flags (-h HOST, -p PORT): the command is the rest.
    let mut rest: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if ["-h", "-p", "-n", "-a"].contains(&args[i]) {
            i += 2;
            continue;
        }
        rest.push(args[i]);
        i += 1;
    }
    if rest.is_empty() {
        return Output::error(
            "error: an interactive redis-cli needs a terminal; pass the command, e.g. `-- redis-cli GET key`",
        );
    }
    match engine.redis_cli(&p.metadata.namespace, &p.metadata.name, &c.name, &rest) {
        Some(r) if r.starts_with("ERR ") => Output::line(format!("(error) {r}")),
        Some(r) => Output::line(r),
        None => not_found("redis-cli"),
    }
}

pub fn exec(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let a = match parse(words, EXEC_FLAGS, "kubectl exec") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let mut out = Output::new();
    let ns = a.namespace(engine);
    let Some(target) = a.positional.first() else {
        return Output::error("error: you must specify at least one command for the container");
    };
    let mut argv: Vec<String> = a.rest.clone();
    if argv.is_empty() && a.positional.len() > 1 {
        out.warn("kubectl exec [POD] [COMMAND] is DEPRECATED and will be removed in a future version. Use kubectl exec [POD] -- [COMMAND] instead.");
        argv = a.positional[1..].to_vec();
    }
    if argv.is_empty() {
        return Output::error("error: you must specify at least one command for the container");
    }
    match exec_target(engine, &a, target, &ns) {
        Ok((p, c, warnings)) => {
            out.extend(warnings);
            out.extend(run_tool(engine, &p, &c, &argv, ctx));
            out
        }
        Err(e) => {
            out.extend(e);
            out
        }
    }
}

/// The pod and container `kubectl exec TARGET [-c C]` reaches (GetFirstPod's pick for
/// TYPE/NAME), with kubectl's "Defaulted container" warning; or kubectl's error.
pub(crate) fn exec_target(
    engine: &Engine,
    a: &crate::args::Args,
    target: &str,
    ns: &str,
) -> Result<(Pod, Container, Output), Output> {
    let mut out = Output::new();
    let name = target.split_once('/').map(|(_, n)| n).unwrap_or(target);
    let kind = match target.split_once('/') {
        Some((t, _)) => match resolve_resource(t) {
            Some(info) => info.kind,
            None => return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\""))),
        },
        None => "Pod",
    };
    // TYPE/NAME: the pod kubectl's GetFirstPod picks among those the selector matches.
    let pod = match crate::pick::selected_pods(engine.store(), ns, kind, name) {
        Ok(pods) => crate::pick::first(pods, crate::pick::Order::Active).cloned(),
        Err(e) => return Err(Output::error(e.message("cannot attach to"))),
    };
    let Some(p) = pod else {
        return Err(Output::error("error: timed out waiting for the condition"));
    };
    let cname = match a.get("container") {
        Some(c) => c.to_string(),
        None => {
            let first = p.spec.containers.first().map(|c| c.name.clone()).unwrap_or_default();
            if let Some(all) = crate::pick::defaulted_from(&p) {
                out.warn(format!("Defaulted container \"{first}\" out of: {all}"));
            }
            first
        }
    };
    let Some(c) = p.spec.containers.iter().find(|c| c.name == cname).cloned() else {
        return Err(Output::error(format!("error: unable to upgrade connection: container not found (\"{cname}\")")));
    };
    let running = p.status.container_statuses.iter().any(|s| s.name == cname && s.state.running.is_some());
    if !running || p.metadata.deletion_timestamp.is_some() {
        return Err(Output::error(format!("error: unable to upgrade connection: container not found (\"{cname}\")")));
    }
    if engine.machine(&p.spec.node_name).is_some_and(|m| !m.alive) {
        return Err(Output::error(format!(
            "Error from server: error dialing backend: dial tcp {}:10250: connect: no route to host",
            p.status.host_ip
        )));
    }
    Ok((p, c, out))
}

const PF_FLAGS: &[FlagSpec] = &[flag("address", None, true), flag("pod-running-timeout", None, true)];

/// `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: in the lab it keeps running in the
/// background (real kubectl holds the terminal); `lab curl localhost:LOCAL` then reaches it.
pub fn port_forward(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse(words, PF_FLAGS, "kubectl port-forward") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let ns = a.namespace(engine);
    let (Some(target), ports) = (a.positional.first(), &a.positional.get(1..).unwrap_or(&[])) else {
        return Output::error("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples");
    };
    if ports.is_empty() {
        return Output::error("error: TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples");
    }
    let (kind, name) = match target.split_once('/') {
        Some((t, n)) => match resolve_resource(t) {
            Some(info) => (info.kind, n.to_string()),
            None => return Output::error(format!("error: the server doesn't have a resource type \"{t}\"")),
        },
        None => ("Pod", target.clone()),
    };
    let store = engine.store();
    // The pod to forward to (GetFirstPod's pick among what the selector matches), and for a
    // Service the port mapping through its targetPort.
    let pods = match crate::pick::selected_pods(store, &ns, kind, &name) {
        Ok(pods) => pods,
        Err(e) => return Output::error(e.message("cannot attach to")),
    };
    let svc: Option<Service> =
        if kind == "Service" { store.services.get(&(ns.clone(), name.clone())).cloned() } else { None };
    let Some(p) = crate::pick::first(pods, crate::pick::Order::Active).cloned() else {
        return Output::error("error: timed out waiting for the condition");
    };
    if p.status.phase != "Running" {
        return Output::error(format!(
            "error: unable to forward port because pod is not running. Current status={}",
            if p.status.phase.is_empty() { "Pending" } else { &p.status.phase }
        ));
    }
    let address = a.get("address").unwrap_or("localhost").to_string();
    let mut out = Output::new();
    for spec in ports.iter() {
        let (local, remote) = match spec.split_once(':') {
            Some((l, r)) => (l.to_string(), r.to_string()),
            None => (spec.clone(), spec.clone()),
        };
        let Ok(local_port) = local.parse::<u16>() else {
            return Output::error(format!(
                "error: Error parsing local port '{local}': strconv.ParseUint: parsing \"{local}\": invalid syntax"
            ));
        };
        let Ok(mut remote_port) = remote.parse::<i32>() else {
            return Output::error(format!(
                "error: Error parsing remote port '{remote}': strconv.ParseUint: parsing \"{remote}\": invalid syntax"
            ));
        };
        if let Some(s) = &svc {
            if let Some(sp) = s.spec.ports.iter().find(|x| x.port == remote_port) {
                remote_port = kubelab_engine::controllers::endpoints::find_port(
                    &p,
                    sp.target_port.as_ref().unwrap_or(&IntOrString::Int(sp.port)),
                )
                .unwrap_or(remote_port);
            }
        }
        if let Err(e) = engine.port_forward(local_port, &ns, &p.metadata.name, remote_port) {
            return Output::error(format!("error: {e}"));
        }
        if address == "localhost" {
            out.out(format!("Forwarding from 127.0.0.1:{local_port} -> {remote_port}\nForwarding from [::1]:{local_port} -> {remote_port}"));
        } else {
            for addr in address.split(',') {
                out.out(format!("Forwarding from {addr}:{local_port} -> {remote_port}"));
            }
        }
    }
    out
}
