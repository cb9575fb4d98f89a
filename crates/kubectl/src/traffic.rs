//! `lab curl` and `lab load start|stats|stop`: requests and a plow-style load generator.

use crate::args::{flag, parse};
use crate::{Ctx, Output};
use kubelab_engine::duration::{format_clock, parse_duration};
use kubelab_engine::traffic::{Load, Outcome};
use kubelab_engine::Engine;

/// `web` (or kubectl's `svc/web`, `service/web`) → `http://web:<its first port>`; anything
/// with a scheme or port is taken as is. A `TYPE/NAME` of another kind is refused, with what
/// the command takes instead.
fn target_url(engine: &Engine, target: &str, ns: &str, command: &str) -> Result<String, String> {
    let target = match service_name(target) {
        Ok(Some(name)) => name,
        Ok(None) => target,
        Err(kind) => {
            return Err(format!(
                "error: {command} takes a Service (web, svc/web or service/web) or a URL, not a {kind}"
            ))
        }
    };
    if target.contains("://") || target.contains(':') || target.contains('/') {
        return Ok(target.to_string());
    }
    // `web.default`: the Service `web` in `default`, whatever namespace commands run in.
    let (target, ns) = match target.split_once('.') {
        Some((name, in_ns)) if !in_ns.contains('.') => (name, in_ns),
        _ => (target, ns),
    };
    // The lab's client resolves short names in `default`; elsewhere (`-n`, or the context's
    // namespace) the URL names the namespace: `web.dev`.
    let host = if ns == "default" { target.to_string() } else { format!("{target}.{ns}") };
    Ok(match engine.store().services.get(&(ns.to_string(), target.to_string())) {
        Some(s) => format!("http://{host}:{}", s.spec.ports.first().map(|p| p.port).unwrap_or(80)),
        None => format!("http://{host}"),
    })
}

/// kubectl's `TYPE/NAME` for a Service (`svc/web`, `service/web`, `services/web`): Ok(Some(name)).
/// Ok(None): not a `TYPE/NAME` (a name, a URL, a path). Err: `TYPE/NAME` of another kind.
fn service_name(target: &str) -> Result<Option<&str>, &'static str> {
    if target.contains("://") {
        return Ok(None);
    }
    let Some((kind, name)) = target.split_once('/') else { return Ok(None) };
    if name.is_empty() || name.contains('/') || kind.contains(':') {
        return Ok(None);
    }
    match kubelab_api::object::resolve_resource(kind) {
        Some(info) if info.kind == "Service" => Ok(Some(name)),
        Some(info) => Err(info.kind),
        None => Ok(None),
    }
}

pub fn curl(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    let a = match parse(
        words,
        &[
            flag("max-time", Some('m'), true),
            flag("silent", Some('s'), false),
            flag("request", Some('X'), true),
            flag("header", Some('H'), true),
            flag("cookie", Some('b'), true),
        ],
        "lab curl",
    ) {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let mut headers = match request_headers(&a) {
        Ok(h) => h,
        Err(e) => return e,
    };
    // curl's -b NAME=VALUE sends a Cookie header (a -b without `=` names a cookie file).
    let cookies = a.all("cookie");
    if let Some(c) = cookies.iter().find(|c| !c.contains('=')) {
        return Output::error(format!(
            "error: lab curl -b takes cookies as NAME=VALUE (no cookie files here), not \"{c}\""
        ));
    }
    if !cookies.is_empty() {
        headers.push(("Cookie".into(), cookies.join("; ")));
    }
    let Some(target) = a.positional.first() else {
        return Output::error("error: lab curl needs a URL, such as http://web or http://10.96.0.10:80/");
    };
    let timeout = match a.get("max-time").map(parse_duration) {
        None => 10_000,
        Some(Ok(ms)) => ms.max(1),
        Some(Err(e)) => return Output::error(format!("error: {e}")),
    };
    let url = match target_url(engine, target, &a.namespace(engine), "lab curl") {
        Ok(u) => u,
        Err(e) => return Output::error(e),
    };
    let host_port = url.trim_start_matches("http://").split('/').next().unwrap_or("").to_string();
    let (host, port) = host_port
        .rsplit_once(':')
        .map(|(h, p)| (h.to_string(), p.to_string()))
        .unwrap_or((host_port.clone(), "80".into()));
    let method = a.get("request").unwrap_or("GET").to_ascii_uppercase();
    match engine.curl_with_headers(None, &method, &url, &headers, timeout, &mut *ctx.observe) {
        Err(e) if e.starts_with("Could not resolve") => Output::error(format!("curl: (6) {e}")),
        Err(e) if e.contains("Connection refused") => Output::error(format!("curl: (7) Failed to connect to {host} port {port} after 1 ms: Couldn't connect to server")),
        Err(e) => Output::error(format!("curl: (3) {e}")),
        Ok((served, took)) => match served.outcome {
            Outcome::Ok { body, status } if status < 400 => Output::line(body),
            Outcome::Ok { body, .. } => Output::line(body),
            Outcome::BadGateway => Output::line("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.25.4</center>\n</body>\n</html>"),
            Outcome::Refused => Output::error(format!("curl: (7) Failed to connect to {host} port {port} after 1 ms: Couldn't connect to server")),
            Outcome::NoRoute => Output::error(format!("curl: (7) Failed to connect to {host} port {port} after {took} ms: Couldn't connect to server")),
            // `lab curl` stops at its --max-time, as curl's -m (lib/multi.c): while connecting
            // (a NetworkPolicy dropped the connection) or after.
            Outcome::Timeout if served.dropped.is_some() && served.hops.is_empty() => {
                Output::error(format!("curl: (28) Connection timed out after {took} milliseconds"))
            }
            Outcome::Timeout => Output::error(crate::exec::no_answer("curl", took)),
            Outcome::EmptyReply => Output::error("curl: (52) Empty reply from server"),
        },
    }
}

/// The `-H` headers as (name, value): `-H "Host: shop.example"` replaces the URL's host;
/// ingress-nginx's canary rules read the others (`canary-by-header`, a Cookie).
fn request_headers(a: &crate::args::Args) -> Result<Vec<(String, String)>, Output> {
    let mut headers = Vec::new();
    for h in a.all("header") {
        let Some((name, value)) = h.split_once(':').filter(|(n, _)| !n.trim().is_empty()) else {
            return Err(Output::error(format!("error: -H takes a header as \"Name: value\", not \"{h}\"")));
        };
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(headers)
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(v: u64) -> String {
    kubelab_engine::kubelet::go_duration(v)
}

/// The generator's summary, as `lab load stats` and `lab load stop` print it.
pub fn summary(load: &Load, now_ms: u64) -> String {
    let s = &load.stats;
    let elapsed = now_ms.saturating_sub(s.started.0);
    let mut out = String::new();
    out.push_str(&format!(
        "Target       {}  ({} connection(s){})\n",
        load.url,
        load.workers.len(),
        load.rps.map(|r| format!(", {r} req/s")).unwrap_or_default()
    ));
    out.push_str(&format!("Elapsed      {}\n", format_clock(elapsed)));
    out.push_str(&format!("Count        {}\n", s.count));
    out.push_str(&format!("  2xx        {}\n", s.ok));
    for (k, v) in &s.errors {
        out.push_str(&format!("  {k:<10} {v}\n"));
    }
    let rps = if elapsed > 0 { s.count as f64 * 1000.0 / elapsed as f64 } else { 0.0 };
    out.push_str(&format!("RPS          {rps:.2}\n"));
    // The last ten whole seconds, to see a drop as it happens.
    let now_s = now_ms / 1000;
    let from = now_s.saturating_sub(10).max(s.started.0.div_ceil(1000));
    if now_s > from {
        let (ok, err) = s.per_second.range(from..now_s).fold((0, 0), |a, (_, (o, e))| (a.0 + o, a.1 + e));
        let secs = (now_s - from) as f64;
        out.push_str(&format!(
            "Last {}s     {:.2} req/s ok, {:.2} errors/s\n",
            now_s - from,
            ok as f64 / secs,
            err as f64 / secs
        ));
    }
    let mut lat = s.latencies_ms.clone();
    kubelab_api::sort::natural(&mut lat);
    if !lat.is_empty() {
        let mean = lat.iter().sum::<u64>() / lat.len() as u64;
        out.push_str(&format!(
            "Latency      min {}  mean {}  p50 {}  p90 {}  p99 {}  max {}\n",
            ms(lat[0]),
            ms(mean),
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.9)),
            ms(percentile(&lat, 0.99)),
            ms(*lat.last().unwrap_or(&0))
        ));
    }
    if !s.per_pod.is_empty() {
        // The VM era has containers on machines, not pods.
        let lan = matches!(load.dest, kubelab_engine::traffic::Dest::Lan { .. });
        out.push_str(if lan { "By container:\n" } else { "By pod:\n" });
        for (p, n) in &s.per_pod {
            out.push_str(&format!("  {p}\t{n}\n"));
        }
    }
    if !s.per_version.is_empty() && s.ok > 0 {
        out.push_str("By version:\n");
        for (v, n) in &s.per_version {
            out.push_str(&format!("  {v}\t{n}\t{:.1}%\n", *n as f64 * 100.0 / s.ok as f64));
        }
    }
    crate::tabwriter::format_with(&out, 0, 2)
}

pub fn load(engine: &mut Engine, words: &[String]) -> Output {
    let sub = words.first().map(|s| s.as_str()).unwrap_or("");
    match sub {
        "start" => {
            let a = match parse(
                &words[1..],
                &[
                    flag("concurrency", Some('c'), true),
                    flag("rate", None, true),
                    flag("rps", None, true),
                    flag("timeout", None, true),
                    flag("insecure", Some('k'), false),
                    flag("no-keepalive", None, false),
                    flag("header", Some('H'), true),
                ],
                "lab load start",
            ) {
                Ok(a) => a,
                Err(e) => return Output::error(e),
            };
            let headers = match request_headers(&a) {
                Ok(h) => h,
                Err(e) => return e,
            };
            let Some(target) = a.positional.first() else {
                return Output::error("error: lab load start needs a target: a Service name or a URL");
            };
            let c: u32 = match a.get("concurrency").map(|c| c.parse::<u32>()) {
                None => 1,
                Some(Ok(n)) if (1..=500).contains(&n) => n,
                _ => return Output::error("error: -c takes a number of connections from 1 to 500"),
            };
            let rps: Option<u32> = match a.get("rps").or(a.get("rate")).map(|r| r.parse::<u32>()) {
                None => None,
                Some(Ok(n)) if (1..=1000).contains(&n) => Some(n),
                _ => return Output::error("error: --rps takes a rate from 1 to 1000 requests per second"),
            };
            let timeout = match a.get("timeout").map(parse_duration) {
                None => 2_000,
                Some(Ok(ms)) => ms.max(1),
                Some(Err(e)) => return Output::error(format!("error: {e}")),
            };
            let url = match target_url(engine, target, &a.namespace(engine), "lab load start") {
                Ok(u) => u,
                Err(e) => return Output::error(e),
            };
            let keepalive = !a.bool("no-keepalive");
            match engine.start_load_with_headers(&url, &headers, c, rps, timeout, keepalive) {
                Ok(desc) => Output::line(format!(
                    "load: {url} with {desc}{}, request timeout {}; see `lab load stats`",
                    if keepalive { "" } else { ", a new connection per request" },
                    format_clock(timeout)
                )),
                Err(e) => Output::error(format!("error: {e}")),
            }
        }
        "stats" => match engine.load() {
            Some(l) => Output::line(summary(l, engine.now().0)),
            None => Output::error("error: no load is running; start one with `lab load start <service|url>`"),
        },
        "stop" => {
            let now = engine.now().0;
            match engine.stop_load() {
                Some(l) => Output::line(format!("load stopped\n{}", summary(&l, now))),
                None => Output::error("error: no load is running"),
            }
        }
        _ => Output::error(
            "error: lab load start <service|url> [-c N] [--rps N] [--timeout D] | lab load stats | lab load stop",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(engine: &mut Engine, line: &str) -> String {
        let mut nothing = |_: &Engine| {};
        let out = crate::execute(engine, line, &mut Ctx { files: &crate::NoFiles, stdin: None, observe: &mut nothing });
        out.lines.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn kubectl_type_slash_name_forms_name_a_service() {
        assert_eq!(service_name("svc/web"), Ok(Some("web")));
        assert_eq!(service_name("service/web"), Ok(Some("web")));
        assert_eq!(service_name("services/web"), Ok(Some("web")));
        assert_eq!(service_name("web"), Ok(None));
        assert_eq!(service_name("http://svc/web"), Ok(None));
        assert_eq!(service_name("web:8080/path"), Ok(None));
        assert_eq!(service_name("deploy/web"), Err("Deployment"));
    }

    #[test]
    fn load_and_curl_take_svc_slash_name() {
        let mut e = Engine::new(1);
        ran(&mut e, "kubectl create deployment web --image=nginx:1.25 --port=80");
        ran(&mut e, "kubectl expose deployment web --port=80");
        ran(&mut e, "lab advance 30s");
        assert_eq!(
            ran(&mut e, "lab load start svc/web"),
            "load: http://web:80 with 1 connection(s), request timeout 2s; see `lab load stats`"
        );
        assert!(ran(&mut e, "lab curl service/web").contains("Welcome to nginx!"));
        assert!(ran(&mut e, "lab curl web.default").contains("Welcome to nginx!"));
        assert_eq!(
            ran(&mut e, "lab curl deploy/web"),
            "error: lab curl takes a Service (web, svc/web or service/web) or a URL, not a Deployment"
        );
    }
}
