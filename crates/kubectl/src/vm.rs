//! A shell on a VM-era machine: `docker`, `curl`, `ip`, `hostname`, `cat` and `echo`, with
//! the docker CLI's and curl's own output. Reached with `lab on <machine> <command>` or,
//! in a console session, after `lab ssh <machine>`.

use crate::{Ctx, Output};
use kubelab_engine::traffic::Outcome;
use kubelab_engine::vms::{self, CtrState, RunError, RunSpec};
use kubelab_engine::Engine;

/// A command's output with its exit status (docker exits 125 for its own errors).
fn status(mut o: Output, ok: bool) -> Output {
    o.ok = ok;
    o
}

/// Runs one command line (already split into words) on machine `vm`.
pub fn run(engine: &mut Engine, vm: &str, words: &[String], ctx: &mut Ctx) -> Output {
    if !engine.lan().vms.contains_key(vm) {
        let known: Vec<&str> = engine.lan().vms.keys().map(|s| s.as_str()).collect();
        return Output::error(if known.is_empty() {
            format!("error: there is no machine \"{vm}\": start the VM-era LAN with `lab lan up`")
        } else {
            format!("error: there is no machine \"{vm}\" (the LAN has {})", known.join(", "))
        });
    }
    let Some(prog) = words.first() else { return Output::new() };
    let args = &words[1..];
    // `cmd > FILE` (and `>>`): the output goes to a file on the machine.
    if let Some(i) = words.iter().position(|w| w == ">" || w == ">>") {
        let Some(path) = words.get(i + 1) else {
            return Output::error("bash: syntax error near unexpected token `newline'");
        };
        let append = words[i] == ">>";
        let before: Vec<String> = words[..i].to_vec();
        let text = if before.first().map(|s| s.as_str()) == Some("cat") && before.len() == 1 {
            ctx.stdin.unwrap_or("").to_string()
        } else {
            let o = run(engine, vm, &before, ctx);
            if o.lines.iter().any(|(e, _)| *e) {
                return o;
            }
            o.text()
        };
        let files = &mut engine.lan_mut().vms.get_mut(vm).expect("checked").files;
        let path = absolute(path);
        if append {
            files.entry(path).or_default().push_str(&text);
        } else {
            files.insert(path, text);
        }
        return Output::new();
    }
    match prog.as_str() {
        "docker" => docker(engine, vm, args, ctx),
        "curl" => curl(engine, Some(vm), args, ctx),
        "ip" => ip(engine, vm, args),
        "hostname" => {
            let v = &engine.lan().vms[vm];
            Output::line(if args.first().map(|s| s.as_str()) == Some("-I") { v.ip.clone() } else { v.name.clone() })
        }
        "cat" => {
            if args.is_empty() {
                return Output::line(ctx.stdin.unwrap_or("").trim_end_matches('\n'));
            }
            let mut o = Output::new();
            for p in args {
                match engine.lan().vms[vm].files.get(&absolute(p)) {
                    Some(t) => o.out(t.trim_end_matches('\n')),
                    None => o.err(format!("cat: {p}: No such file or directory")),
                }
            }
            o
        }
        "tee" => match args.first() {
            Some(p) => {
                let text = ctx.stdin.unwrap_or("").to_string();
                engine.lan_mut().vms.get_mut(vm).expect("checked").files.insert(absolute(p), text.clone());
                Output::line(text.trim_end_matches('\n'))
            }
            None => Output::line(ctx.stdin.unwrap_or("").trim_end_matches('\n')),
        },
        "echo" => Output::line(args.join(" ")),
        "sed" => sed(engine, vm, args),
        "ls" => {
            let dir = args.iter().find(|a| !a.starts_with('-')).map(|d| absolute(d)).unwrap_or_else(|| "/root".into());
            let prefix = format!("{}/", dir.trim_end_matches('/'));
            let names: Vec<String> = kubelab_api::sort::set(engine.lan().vms[vm].files.keys().filter_map(|p| p.strip_prefix(&prefix)).map(|r| r.split('/').next().unwrap_or(r).to_string())).into_iter().collect();
            Output::line(names.join("  "))
        }
        "kubectl" | "k" => Output::error(format!("bash: {prog}: command not found ({vm} is a plain machine with docker and no Kubernetes; `exit` returns to the lab console)")),
        other => Output::error(format!("bash: {other}: command not found")),
    }
}

/// `sed -i 's/OLD/NEW/[g]' FILE`: the one sed a learner uses to edit a config in place
/// (OLD is matched as plain text).
fn sed(engine: &mut Engine, vm: &str, args: &[String]) -> Output {
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let (expr, file) = match a.as_slice() {
        ["-i", e, f] => (*e, *f),
        _ => return status(Output::error("sed: this machine's sed knows only: sed -i 's/OLD/NEW/[g]' FILE"), false),
    };
    let Some(body) = expr.strip_prefix('s') else {
        return status(
            Output::error(format!(
                "sed: -e expression #1, char 1: unknown command: `{}'",
                expr.chars().next().unwrap_or(' ')
            )),
            false,
        );
    };
    let Some(sep) = body.chars().next() else {
        return status(Output::error("sed: -e expression #1, char 1: unterminated `s' command"), false);
    };
    let parts: Vec<&str> = body[sep.len_utf8()..].split(sep).collect();
    let (old, new, flags) = match parts.as_slice() {
        [o, n, f] => (*o, *n, *f),
        _ => {
            return status(
                Output::error(format!("sed: -e expression #1, char {}: unterminated `s' command", expr.len())),
                false,
            )
        }
    };
    let path = absolute(file);
    let files = &mut engine.lan_mut().vms.get_mut(vm).expect("checked").files;
    let Some(text) = files.get(&path).cloned() else {
        return status(Output::error(format!("sed: can't read {file}: No such file or directory")), false);
    };
    let out: String = if flags.contains('g') {
        text.lines().map(|l| l.replace(old, new)).collect::<Vec<_>>().join("\n")
    } else {
        text.lines().map(|l| l.replacen(old, new, 1)).collect::<Vec<_>>().join("\n")
    };
    let out = if text.ends_with('\n') { format!("{out}\n") } else { out };
    files.insert(path, out);
    Output::new()
}

/// `/root` is the working directory.
fn absolute(p: &str) -> String {
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/root/{}", p.trim_start_matches("./"))
    }
}

fn ip(engine: &mut Engine, vm: &str, args: &[String]) -> Output {
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    match a.as_slice() {
        ["link", "set", dev, state] | ["link", "set", "dev", dev, state] if matches!(*state, "up" | "down") => {
            if *dev != "eth0" && *dev != "lo" {
                return status(Output::error(format!("Cannot find device \"{dev}\"")), false);
            }
            if *dev == "eth0" {
                let _ = engine.vm_link(vm, *state == "up");
            }
            Output::new()
        }
        ["a"] | ["addr"] | ["address"] | ["a", "show"] | ["addr", "show"] | ["link"] | ["link", "show"] | [] => {
            let v = &engine.lan().vms[vm];
            let (flags, st) =
                if v.link_up { ("<BROADCAST,MULTICAST,UP,LOWER_UP>", "UP") } else { ("<BROADCAST,MULTICAST>", "DOWN") };
            let mut o = Output::new();
            o.out("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000");
            o.out("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00");
            if a.first() != Some(&"link") {
                o.out("    inet 127.0.0.1/8 scope host lo");
            }
            o.out(format!("2: eth0: {flags} mtu 1500 qdisc fq_codel state {st} group default qlen 1000"));
            let last = v.ip.rsplit('.').next().unwrap_or("0").parse::<u8>().unwrap_or(0);
            o.out(format!("    link/ether 52:54:00:00:00:{last:02x} brd ff:ff:ff:ff:ff:ff"));
            if a.first() != Some(&"link") {
                o.out(format!("    inet {}/24 brd 172.16.0.255 scope global eth0", v.ip));
            }
            o
        }
        _ => {
            status(Output::error("Usage: ip link set eth0 up|down | ip addr (this machine's ip knows no more)"), false)
        }
    }
}

/// curl as on Ubuntu 24.04 (curl 8.5): the body, or `curl: (N) ...`.
pub fn curl(engine: &mut Engine, from: Option<&str>, args: &[String], ctx: &mut Ctx) -> Output {
    let mut url = None;
    let mut timeout = 0u64;
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-m" | "--max-time" | "--connect-timeout" => {
                timeout = args.get(i + 1).and_then(|s| s.parse::<f64>().ok()).map(|s| (s * 1000.0) as u64).unwrap_or(0);
                i += 1;
            }
            "-s" | "-S" | "-sS" | "--silent" | "-v" | "-i" | "-L" | "-f" | "-sf" | "-fsSL" | "-k" => {}
            "-X" | "-H" | "-d" | "-o" => i += 1,
            a if a.starts_with('-') => {
                return status(
                    Output::error(format!(
                        "curl: option {a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information"
                    )),
                    false,
                )
            }
            a => url = Some(a.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        return status(Output::error("curl: try 'curl --help' or 'curl --manual' for more information"), false);
    };
    let full = if url.contains("://") { url.clone() } else { format!("http://{url}") };
    let hostport = full.trim_start_matches("http://").split('/').next().unwrap_or("").to_string();
    let (host, port) = hostport
        .rsplit_once(':')
        .map(|(h, p)| (h.to_string(), p.to_string()))
        .unwrap_or((hostport.clone(), "80".into()));
    // Without -m, curl waits as long as the kernel does: the connect attempt is what fails.
    let limit = if timeout == 0 { 300_000 } else { timeout };
    match engine.lan_curl(from, &full, limit, &mut *ctx.observe) {
        Err(e) if e.starts_with("Could not resolve") => status(Output::error(format!("curl: (6) {e}")), false),
        Err(e) => status(Output::error(format!("curl: (3) {e}")), false),
        Ok((served, took)) => match served.outcome {
            Outcome::Ok { body, .. } => Output::line(body),
            Outcome::BadGateway => Output::line("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.4</center>\r\n</body>\r\n</html>".replace('\r', "")),
            Outcome::Refused | Outcome::NoRoute => status(Output::error(format!("curl: (7) Failed to connect to {host} port {port} after {took} ms: Couldn't connect to server")), false),
            Outcome::Timeout => status(Output::error(format!("curl: (28) Connection timed out after {took} milliseconds")), false),
            Outcome::EmptyReply => status(Output::error("curl: (52) Empty reply from server"), false),
        },
    }
}

fn docker_usage(cmd: &str, usage: &str, what: &str, need: &str) -> Output {
    status(
        Output::error(format!(
            "\"docker {cmd}\" requires {need}.\nSee 'docker {cmd} --help'.\n\nUsage:  docker {cmd} {usage}\n\n{what}"
        )),
        false,
    )
}

/// A daemon error as the docker CLI prints it: one trailing period.
fn daemon_err(prefix: &str, msg: &str, cmd: &str) -> Output {
    status(Output::error(format!("{prefix}{}.\nSee 'docker {cmd} --help'.", msg.trim_end_matches('.'))), false)
}

/// `docker logs [--tail N] CONTAINER`.
fn docker_logs(engine: &Engine, vm: &str, rest: &[String]) -> Output {
    let mut names: Vec<&String> = Vec::new();
    let mut tail = None;
    let mut i = 0;
    while i < rest.len() {
        if rest[i] == "--tail" || rest[i] == "-n" {
            tail = rest.get(i + 1).and_then(|n| n.parse::<usize>().ok());
            i += 1;
        } else if !rest[i].starts_with('-') {
            names.push(&rest[i]);
        }
        i += 1;
    }
    let Some(name) = names.first() else {
        return docker_usage("logs", "[OPTIONS] CONTAINER", "Fetch the logs of a container", "exactly 1 argument");
    };
    let v = &engine.lan().vms[vm];
    match v.container(name) {
        None => status(Output::error(format!("Error response from daemon: No such container: {name}")), false),
        Some(ci) => {
            let logs = &v.containers[ci].logs;
            let from = tail.map(|n| logs.len().saturating_sub(n)).unwrap_or(0);
            let mut o = Output::new();
            for (_, l) in &logs[from..] {
                o.out(l);
            }
            o
        }
    }
}

/// `docker stop|kill CONTAINER...` (`sub`: which).
fn docker_stop(engine: &mut Engine, vm: &str, sub: &str, rest: &[String], ctx: &mut Ctx) -> Output {
    let names: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return docker_usage(
            sub,
            "[OPTIONS] CONTAINER [CONTAINER...]",
            if sub == "stop" { "Stop one or more running containers" } else { "Kill one or more running containers" },
            "at least 1 argument",
        );
    }
    let mut o = Output::new();
    for n in names {
        match engine.docker_stop(vm, n, sub == "kill", &mut *ctx.observe) {
            Ok(()) => o.out(n),
            Err(e) => o.err(e),
        }
    }
    o
}

/// `docker start CONTAINER...`.
fn docker_start(engine: &mut Engine, vm: &str, rest: &[String], ctx: &mut Ctx) -> Output {
    let names: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return docker_usage(
            "start",
            "[OPTIONS] CONTAINER [CONTAINER...]",
            "Start one or more stopped containers",
            "at least 1 argument",
        );
    }
    let mut o = Output::new();
    for n in names {
        match engine.docker_start(vm, n, &mut *ctx.observe) {
            Ok(s) if s.exit_code.is_none() => o.out(n),
            Ok(_) => o.out(n),
            Err(e) => o.err(e),
        }
    }
    o
}

/// `docker rm [-f] CONTAINER...`.
fn docker_rm(engine: &mut Engine, vm: &str, rest: &[String]) -> Output {
    let force = rest.iter().any(|a| a == "-f" || a == "--force");
    let names: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        return docker_usage(
            "rm",
            "[OPTIONS] CONTAINER [CONTAINER...]",
            "Remove one or more containers",
            "at least 1 argument",
        );
    }
    let mut o = Output::new();
    for n in names {
        match engine.docker_rm(vm, n, force) {
            Ok(()) => o.out(n),
            Err(e) => o.err(e),
        }
    }
    o
}

/// `docker images`: the machine's images, as the docker CLI tabulates them.
fn docker_images(engine: &Engine, vm: &str) -> Output {
    let v = &engine.lan().vms[vm];
    let mut t = String::from("REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\n");
    for full in &v.images {
        let r = kubelab_engine::images::ImageRef::parse(full);
        let repo = r
            .repository
            .strip_prefix("docker.io/library/")
            .or_else(|| r.repository.strip_prefix("docker.io/"))
            .unwrap_or(&r.repository);
        let size = kubelab_engine::images::lookup(full).map(|i| i.size_bytes / 1_000_000).unwrap_or(0);
        let id: String = vms::pull_lines(full).get(2).map(|l| l[..12.min(l.len())].to_string()).unwrap_or_default();
        t.push_str(&format!("{repo}\t{}\t{id}\t2 weeks ago\t{size}MB\n", r.tag));
    }
    Output::line(crate::tabwriter::format_with(&t, 10, 3))
}

/// `docker pull IMAGE`: takes the image's pull time on the cluster's clock.
fn docker_pull(engine: &mut Engine, vm: &str, rest: &[String], ctx: &mut Ctx) -> Output {
    let Some(image) = rest.first() else {
        return docker_usage(
            "pull",
            "[OPTIONS] NAME[:TAG|@DIGEST]",
            "Download an image from a registry",
            "exactly 1 argument",
        );
    };
    let full = kubelab_engine::images::ImageRef::parse(image).full();
    if engine.lan().vms[vm].images.contains(&full) {
        let r = kubelab_engine::images::ImageRef::parse(image);
        return Output::line(format!(
            "{}: Pulling from {}\nStatus: Image is up to date for {}",
            r.tag,
            r.repository.split_once('/').map(|x| x.1).unwrap_or(""),
            vms::image_display(image)
        ));
    }
    match kubelab_engine::images::lookup(image) {
        None => daemon_err("Error response from daemon: ", &vms::pull_failure(image), "pull"),
        Some(info) => {
            engine.advance(info.pull_ms, &mut *ctx.observe);
            if let Some(v) = engine.lan_mut().vms.get_mut(vm) {
                v.images.insert(full);
            }
            let lines = vms::pull_lines(image);
            Output::line(lines[1..].join("\n"))
        }
    }
}

fn docker(engine: &mut Engine, vm: &str, args: &[String], ctx: &mut Ctx) -> Output {
    let Some(sub) = args.first() else {
        return Output::line("Usage:  docker [OPTIONS] COMMAND\n\nCommands this machine's docker knows: run, ps, logs, stop, kill, start, rm, exec, cp, network, images, pull");
    };
    let rest = &args[1..];
    match sub.as_str() {
        "run" => docker_run(engine, vm, rest, ctx),
        "ps" => docker_ps(engine, vm, rest),
        "container" if rest.first().map(|s| s.as_str()) == Some("ls") => docker_ps(engine, vm, &rest[1..]),
        "logs" => docker_logs(engine, vm, rest),
        "stop" | "kill" => docker_stop(engine, vm, sub, rest, ctx),
        "start" => docker_start(engine, vm, rest, ctx),
        "rm" => docker_rm(engine, vm, rest),
        "network" => docker_network(engine, vm, rest),
        "exec" => docker_exec(engine, vm, rest, ctx),
        "cp" => docker_cp(engine, vm, rest),
        "images" | "image" => docker_images(engine, vm),
        "pull" => docker_pull(engine, vm, rest, ctx),
        other => {
            status(Output::error(format!("docker: '{other}' is not a docker command.\nSee 'docker --help'")), false)
        }
    }
}

/// `docker run`'s flags, as far as the lab's docker knows them, and the image (None when
/// no image was named).
fn parse_run_flags(args: &[String]) -> Result<(RunSpec, Option<String>), Output> {
    let mut spec = RunSpec::default();
    let mut i = 0;
    let bad_flag = |f: &str| status(Output::error(format!("unknown flag: {f}\nSee 'docker run --help'.")), false);
    let mut image = None;
    while i < args.len() {
        let w = args[i].as_str();
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if w.starts_with("--") => (n, Some(v.to_string())),
            _ => (w, None),
        };
        let value = |i: &mut usize| -> Option<String> {
            if let Some(v) = &inline {
                return Some(v.clone());
            }
            *i += 1;
            args.get(*i).cloned()
        };
        match name {
            "--name" => spec.name = value(&mut i),
            "--rm" => spec.remove = true,
            "-d" | "--detach" => spec.detach = true,
            "-i" | "-t" | "-it" | "-ti" | "--interactive" | "--tty" => {}
            "-dit" | "-itd" | "-id" | "-td" | "-di" | "-dt" => spec.detach = true,
            "-p" | "--publish" => {
                let Some(p) = value(&mut i) else { return Err(bad_flag(name)) };
                let p = p.trim_end_matches("/tcp");
                let parts: Vec<&str> = p.split(':').collect();
                let (h, c) = match parts.as_slice() {
                    [h, c] | [_, h, c] => (*h, *c),
                    [c] => (*c, *c),
                    _ => ("", ""),
                };
                match (h.parse::<u16>(), c.parse::<i32>()) {
                    (Ok(h), Ok(c)) if h > 0 && c > 0 => spec.ports.push((h, c)),
                    _ => {
                        return Err(status(
                            Output::error(format!("docker: Invalid containerPort: {c}.\nSee 'docker run --help'.")),
                            false,
                        ))
                    }
                }
            }
            "--network" | "--net" => spec.network = value(&mut i),
            "-e" | "--env" => {
                if let Some(kv) = value(&mut i) {
                    let (k, v) = kv
                        .split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .unwrap_or((kv.clone(), String::new()));
                    spec.env.push((k, v));
                }
            }
            "-v" | "--volume" => {
                if let Some(m) = value(&mut i) {
                    let parts: Vec<&str> = m.split(':').collect();
                    if parts.len() < 2 {
                        return Err(status(Output::error(format!("docker: Error response from daemon: invalid volume specification: '{m}'.\nSee 'docker run --help'.")), false));
                    }
                    spec.mounts.push((absolute(parts[0]), parts[1].to_string()));
                }
            }
            "--add-host" => {
                if let Some(h) = value(&mut i) {
                    match h.split_once(':') {
                        Some((n, ip)) => spec.add_hosts.push((n.to_string(), ip.to_string())),
                        None => return Err(status(Output::error(format!("invalid argument \"{h}\" for \"--add-host\" flag: bad format for add-host: \"{h}\"\nSee 'docker run --help'.")), false)),
                    }
                }
            }
            "-h" | "--hostname" => spec.hostname = value(&mut i),
            f if f.starts_with('-') => return Err(bad_flag(f)),
            _ => {
                image = Some(w.to_string());
                spec.command = args[i + 1..].to_vec();
                break;
            }
        }
        i += 1;
    }
    Ok((spec, image))
}

/// What `docker run` prints: the pull's progress, then the container's id (`-d`) or its
/// output, and the daemon's error when it refused.
fn run_output(ran: Result<(Vec<String>, vms::Started), (Vec<String>, RunError)>, detach: bool) -> Output {
    let mut o = Output::new();
    match ran {
        Err((pulled, e)) => {
            for l in pulled {
                o.warn(l);
            }
            let msg = match e {
                RunError::Pull(m) | RunError::Daemon(m) => m,
            };
            o.extend(daemon_err("docker: Error response from daemon: ", &msg, "run"));
            o.ok = false;
            o
        }
        Ok((pulled, started)) => {
            for l in pulled {
                o.warn(l);
            }
            if detach {
                o.out(&started.id);
            } else {
                for l in &started.logs {
                    o.out(l);
                }
            }
            if let Some(code) = started.exit_code {
                o.ok = code == 0;
            }
            o
        }
    }
}

fn docker_run(engine: &mut Engine, vm: &str, args: &[String], ctx: &mut Ctx) -> Output {
    let (mut spec, image) = match parse_run_flags(args) {
        Ok(x) => x,
        Err(e) => return e,
    };
    let Some(image) = image else {
        return docker_usage(
            "run",
            "[OPTIONS] IMAGE [COMMAND] [ARG...]",
            "Create and run a new container from an image",
            "at least 1 argument",
        );
    };
    spec.image = image.clone();
    if let Some(n) = &spec.name {
        if n.is_empty()
            || !n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
            || !n.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            return daemon_err(
                "docker: Error response from daemon: ",
                &format!("Invalid container name ({n}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"),
                "run",
            );
        }
    }
    // The load generator image: plow runs in the lab's own generator.
    if kubelab_engine::images::ImageRef::parse(&image).repository == "ghcr.io/six-ddc/plow" {
        return plow(engine, vm, &spec, ctx);
    }
    let ran = engine.docker_run(vm, &spec, &mut *ctx.observe);
    run_output(ran, spec.detach)
}

/// `docker run ghcr.io/six-ddc/plow -c N -k URL`: the lab's load generator, started from
/// this machine (its counts come from `lab load stats`).
fn plow(engine: &mut Engine, vm: &str, spec: &RunSpec, ctx: &mut Ctx) -> Output {
    let mut o = Output::new();
    let full = kubelab_engine::images::ImageRef::parse(&spec.image).full();
    if !engine.lan().vms[vm].images.contains(&full) {
        for l in vms::pull_lines(&spec.image) {
            o.warn(l);
        }
        let ms = kubelab_engine::images::lookup(&spec.image).map(|i| i.pull_ms).unwrap_or(0);
        engine.advance(ms, &mut *ctx.observe);
        if let Some(v) = engine.lan_mut().vms.get_mut(vm) {
            v.images.insert(full);
        }
    }
    let mut words: Vec<String> = vec!["start".into()];
    let mut target = None;
    let mut i = 0;
    while i < spec.command.len() {
        let a = &spec.command[i];
        match a.as_str() {
            "-c" | "--concurrency" | "--rate" | "--timeout" | "-d" | "--duration" | "-n" | "--requests" => {
                if let Some(v) = spec.command.get(i + 1) {
                    if a == "-c" || a == "--concurrency" {
                        words.extend(["-c".into(), v.clone()]);
                    } else if a == "--rate" {
                        words.extend(["--rps".into(), v.clone()]);
                    } else if a == "--timeout" {
                        words.extend(["--timeout".into(), v.clone()]);
                    }
                }
                i += 1;
            }
            "-k" | "--insecure" => {}
            x if x.starts_with('-') => {}
            x => target = Some(x.to_string()),
        }
        i += 1;
    }
    let Some(t) = target else {
        o.err("plow: error: required argument 'url' not provided, try --help");
        return o;
    };
    let url = if t.contains("://") { t } else { format!("http://{t}") };
    words.insert(1, url.clone());
    // plow has no request timeout unless --timeout is given.
    if !words.iter().any(|w| w == "--timeout") {
        words.extend(["--timeout".into(), "1h".into()]);
    }
    let c = words.iter().position(|w| w == "-c").and_then(|i| words.get(i + 1)).cloned().unwrap_or_else(|| "1".into());
    let started = crate::traffic::load(engine, &words);
    if !started.ok {
        o.extend(started);
        return o;
    }
    o.out(format!("Benchmarking {url} using {c} connection(s)."));
    o.out("@ Real-time charts is listening on http://[::]:18888");
    o.out("");
    o.out(format!(
        "(the lab runs plow in the background from {vm}: `lab load stats` shows its numbers, `lab load stop` ends it)"
    ));
    o
}

/// docker's HumanDuration (github.com/docker/go-units).
pub fn human_duration(ms: u64) -> String {
    let s = ms / 1000;
    let minutes = s / 60;
    let hours = (ms + 1_800_000) / 3_600_000;
    if s < 1 {
        "Less than a second".into()
    } else if s == 1 {
        "1 second".into()
    } else if s < 60 {
        format!("{s} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", s / 3600 / 24 / 365)
    }
}

fn docker_ps(engine: &Engine, vm: &str, args: &[String]) -> Output {
    let all = args.iter().any(|a| a == "-a" || a == "--all");
    let quiet = args.iter().any(|a| a == "-q" || a == "--quiet" || a == "-aq" || a == "-qa");
    let all = all || args.iter().any(|a| a == "-aq" || a == "-qa");
    let now = engine.now().0;
    let v = &engine.lan().vms[vm];
    let mut t = String::from("CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n");
    let mut ids = Vec::new();
    // Newest first.
    for c in v.containers.iter().rev() {
        if !all && !c.running() {
            continue;
        }
        ids.push(c.short_id().to_string());
        let cmd: String = if c.command.chars().count() > 20 {
            format!("{}…", c.command.chars().take(19).collect::<String>())
        } else {
            c.command.clone()
        };
        let status = match c.state {
            CtrState::Running { since } => format!("Up {}", human_duration(now.saturating_sub(since.0))),
            CtrState::Exited { code, at } => {
                format!("Exited ({code}) {} ago", human_duration(now.saturating_sub(at.0)))
            }
            CtrState::Created => "Created".into(),
        };
        let ports = if c.running() && !c.ports.is_empty() {
            c.ports.iter().map(|(h, p)| format!("0.0.0.0:{h}->{p}/tcp, :::{h}->{p}/tcp")).collect::<Vec<_>>().join(", ")
        } else if c.network != "host" {
            vms::image_defaults(&c.image).exposes.iter().map(|p| format!("{p}/tcp")).collect::<Vec<_>>().join(", ")
        } else {
            String::new()
        };
        let ports = if c.running() || ports.contains("->") { ports } else { String::new() };
        t.push_str(&format!(
            "{}\t{}\t\"{cmd}\"\t{} ago\t{status}\t{ports}\t{}\n",
            c.short_id(),
            c.image,
            human_duration(now.saturating_sub(c.created.0)),
            c.name
        ));
    }
    if quiet {
        return Output::line(ids.join("\n"));
    }
    Output::line(crate::tabwriter::format_with(&t, 10, 3).trim_end_matches('\n'))
}

fn docker_network(engine: &mut Engine, vm: &str, args: &[String]) -> Output {
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    match a.as_slice() {
        ["create", name] | ["create", "-d", "bridge", name] | ["create", "--driver", "bridge", name] => {
            match engine.docker_network_create(vm, name) {
                Ok(id) => Output::line(id),
                Err(e) => status(Output::error(e), false),
            }
        }
        ["create"] => docker_usage("network create", "[OPTIONS] NETWORK", "Create a network", "exactly 1 argument"),
        ["ls"] | ["list"] => {
            let v = &engine.lan().vms[vm];
            let mut nets: Vec<_> = v.networks.iter().collect();
            kubelab_api::sort::by(&mut nets, |x, y| x.name.cmp(&y.name));
            let mut t = String::from("NETWORK ID\tNAME\tDRIVER\tSCOPE\n");
            for n in nets {
                t.push_str(&format!("{}\t{}\t{}\tlocal\n", &n.id[..12], n.name, n.driver));
            }
            Output::line(crate::tabwriter::format_with(&t, 10, 3).trim_end_matches('\n'))
        }
        ["rm", names @ ..] if !names.is_empty() => {
            let mut o = Output::new();
            for n in names {
                match engine.lan_mut().network_rm(vm, n) {
                    Ok(()) => o.out(*n),
                    Err(e) => o.err(e),
                }
            }
            o
        }
        _ => {
            status(Output::error("Usage:  docker network COMMAND\n\nManage networks: create NAME, ls, rm NAME"), false)
        }
    }
}

/// `env` in a machine's container: PATH, HOSTNAME, its `-e` variables and HOME.
fn container_env(engine: &Engine, vm: &str, ci: usize) -> Output {
    let c = &engine.lan().vms[vm].containers[ci];
    let mut o = Output::new();
    o.out("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    o.out(format!("HOSTNAME={}", c.hostname()));
    for (k, val) in &c.env {
        if k != "HOSTNAME" {
            o.out(format!("{k}={val}"));
        }
    }
    o.out("HOME=/root");
    o
}

/// `cat FILE...` in a machine's container.
fn cat_in(engine: &Engine, vm: &str, ci: usize, paths: &[&str]) -> Output {
    let mut o = Output::new();
    for p in paths {
        match engine.lan().vms[vm].read_in(ci, p) {
            Some(t) => o.out(t.trim_end_matches('\n')),
            None => {
                o.err(format!("cat: can't open '{p}': No such file or directory"));
            }
        }
    }
    o
}

/// `cat > FILE` or `tee FILE` in a machine's container: stdin, written to the file.
fn write_in(engine: &mut Engine, vm: &str, ci: usize, tool: &str, path: &str, stdin: Option<&str>) -> Output {
    let text = stdin.unwrap_or("").to_string();
    let path = path.to_string();
    engine.lan_mut().vms.get_mut(vm).expect("checked").write_in(ci, &path, text.clone());
    if tool == "tee" {
        Output::line(text.trim_end_matches('\n'))
    } else {
        Output::new()
    }
}

fn docker_exec(engine: &mut Engine, vm: &str, args: &[String], ctx: &mut Ctx) -> Output {
    let mut i = 0;
    while i < args.len() && args[i].starts_with('-') {
        if args[i] == "-e" || args[i] == "-u" || args[i] == "-w" {
            i += 1;
        }
        i += 1;
    }
    let Some(name) = args.get(i) else {
        return docker_usage(
            "exec",
            "[OPTIONS] CONTAINER COMMAND [ARG...]",
            "Execute a command in a running container",
            "at least 2 arguments",
        );
    };
    let cmd: Vec<&str> = args[i + 1..].iter().map(|s| s.as_str()).collect();
    if cmd.is_empty() {
        return docker_usage(
            "exec",
            "[OPTIONS] CONTAINER COMMAND [ARG...]",
            "Execute a command in a running container",
            "at least 2 arguments",
        );
    }
    let v = &engine.lan().vms[vm];
    let Some(ci) = v.container(name) else {
        return status(Output::error(format!("Error response from daemon: No such container: {name}")), false);
    };
    let c = &v.containers[ci];
    if !c.running() {
        return status(Output::error(format!("Error response from daemon: container {} is not running", c.id)), false);
    }
    let not_found = |x: &str| {
        status(Output::error(format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{x}\": executable file not found in $PATH: unknown")), false)
    };
    // `sh -c '...'`: the few scripts a learner writes to edit a file.
    let script: Option<String> = match cmd.as_slice() {
        ["sh" | "bash", "-c", s] => Some(s.to_string()),
        _ => None,
    };
    let words: Vec<String> = match &script {
        Some(s) => s.split_whitespace().map(String::from).collect(),
        None => cmd.iter().map(|s| s.to_string()).collect(),
    };
    let w: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
    match w.as_slice() {
        ["cat", ">", path] | ["cat", ">", path, ..] | ["tee", path] => write_in(engine, vm, ci, w[0], path, ctx.stdin),
        ["cat", paths @ ..] if !paths.is_empty() => cat_in(engine, vm, ci, paths),
        ["nginx", "-s", "reload"] => match engine.nginx_reload(vm, ci) {
            Ok(lines) => {
                let mut o = Output::new();
                for l in lines {
                    o.warn(l);
                }
                o
            }
            Err(e) if e.starts_with("OCI") => status(Output::error(e), false),
            Err(e) => status(Output::error(e), false),
        },
        ["nginx", "-t"] => match engine.lan().nginx_test(vm, ci) {
            Ok(lines) => {
                let mut o = Output::new();
                for l in lines {
                    o.warn(l);
                }
                o
            }
            Err(e) if e.starts_with("OCI") => not_found("nginx"),
            Err(e) => status(Output::error(e), false),
        },
        ["hostname"] => Output::line(engine.lan().vms[vm].containers[ci].hostname()),
        ["env"] => container_env(engine, vm, ci),
        ["cat"] => Output::line(ctx.stdin.unwrap_or("").trim_end_matches('\n')),
        [first, ..] => not_found(first),
        [] => not_found(""),
    }
}

fn docker_cp(engine: &mut Engine, vm: &str, args: &[String]) -> Output {
    let (Some(src), Some(dst)) = (args.first(), args.get(1)) else {
        return docker_usage(
            "cp",
            "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
            "Copy files/folders between a container and the local filesystem",
            "exactly 2 arguments",
        );
    };
    let lan = engine.lan_mut();
    let v = lan.vms.get_mut(vm).expect("checked");
    match (src.split_once(':'), dst.split_once(':')) {
        (None, Some((name, path))) => {
            let Some(ci) = v.container(name) else {
                return status(Output::error(format!("Error response from daemon: No such container: {name}")), false);
            };
            let Some(text) = v.files.get(&absolute(src)).cloned() else {
                return status(Output::error(format!("lstat {}: no such file or directory", absolute(src))), false);
            };
            let bytes = text.len();
            v.write_in(ci, path, text);
            Output::line(format!("Successfully copied {bytes}B to {name}:{path}"))
        }
        (Some((name, path)), None) => {
            let Some(ci) = v.container(name) else {
                return status(Output::error(format!("Error response from daemon: No such container: {name}")), false);
            };
            let Some(text) = v.read_in(ci, path) else {
                return status(
                    Output::error(format!(
                        "Error response from daemon: Could not find the file {path} in container {name}"
                    )),
                    false,
                );
            };
            let bytes = text.len();
            v.files.insert(absolute(dst), text);
            Output::line(format!("Successfully copied {bytes}B to {}", absolute(dst)))
        }
        _ => status(Output::error("must specify at least one container source"), false),
    }
}

/// `lab lan`: the machines, their links and containers.
pub fn lan_table(engine: &Engine) -> Output {
    let mut t = String::from("MACHINE\tADDRESS\tLINK\tCONTAINERS\n");
    for v in engine.lan().vms.values() {
        let ctrs: Vec<String> =
            v.containers.iter().map(|c| format!("{}({})", c.name, if c.running() { "up" } else { "exited" })).collect();
        t.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            v.name,
            v.ip,
            if v.link_up { "up" } else { "DOWN" },
            if ctrs.is_empty() { "<none>".into() } else { ctrs.join(",") }
        ));
    }
    Output::line(crate::tabwriter::format(&t).trim_end_matches('\n'))
}

/// What a console line becomes while logged in to a machine.
pub enum SessionLine {
    /// Handled here (login, logout).
    Done(Output),
    /// Run this line instead.
    Run(String),
}

/// `lab ssh <machine>` logs the console in; later lines run there (as `lab on <machine>
/// <line>`, which is also what the page's journal records) until `exit`. `lab` commands
/// still reach the lab.
pub fn session_line(on: &mut Option<String>, engine: &Engine, line: &str) -> SessionLine {
    let words = crate::shell::split_words(line).unwrap_or_default();
    let w: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
    match w.as_slice() {
        ["lab", "ssh", vm] if engine.lan().vms.contains_key(*vm) => {
            let v = &engine.lan().vms[*vm];
            *on = Some(vm.to_string());
            SessionLine::Done(Output::line(format!(
                "Welcome to {vm} ({}): Ubuntu 24.04 with docker, no Kubernetes. `exit` returns to the lab console.",
                v.ip
            )))
        }
        ["lab", "reset" | "seed", ..] => {
            *on = None;
            SessionLine::Run(line.to_string())
        }
        ["lab", ..] => SessionLine::Run(line.to_string()),
        ["exit" | "logout"] if on.is_some() => {
            let vm = on.take().unwrap_or_default();
            SessionLine::Done(Output::line(format!("logout\nConnection to {vm} closed.")))
        }
        [] => SessionLine::Run(line.to_string()),
        _ => match on {
            Some(vm) if engine.lan().vms.contains_key(vm.as_str()) => SessionLine::Run(format!("lab on {vm} {line}")),
            Some(_) => {
                *on = None;
                SessionLine::Run(line.to_string())
            }
            None => SessionLine::Run(line.to_string()),
        },
    }
}
