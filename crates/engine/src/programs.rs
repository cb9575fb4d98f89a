//! What runs inside each image: the ports it listens on, what it logs when it starts, and
//! whether (and how) it exits. The workshop's images behave as in its material: the app
//! answers on 3000; the proxy is nginx proxying to `app:3000` and dies at start when `app`
//! does not resolve; busybox runs its command and exits.

use crate::images::ImageRef;
use kubelab_api::{Container, Pod, Time};

/// A program's start: its log lines (relative ms, text), its listening ports, and its exit
/// (ms after start, exit code, reason) if it exits by itself.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub logs: Vec<(u64, Line)>,
    pub listens: Vec<i32>,
    pub exit: Option<(u64, i32, String)>,
    /// Files the command creates and removes: (path, ms after start, removed ms after start).
    pub files: Vec<(String, u64, Option<u64>)>,
}

/// A log line: most of a program's start-up lines are the same text every time, borrowed
/// rather than copied into every container.
pub type Line = kubelab_api::Str;

/// How a name resolves from inside a pod: hostAliases, then the cluster's Services.
pub trait Resolver {
    fn resolves(&self, pod: &Pod, host: &str) -> bool;
}

/// nginx's error-log timestamp: `2024/08/13 00:00:03`.
pub(crate) fn nginx_time(t: Time) -> String {
    let s = t.rfc3339();
    [&s[0..4], "/", &s[5..7], "/", &s[8..10], " ", &s[11..19]].concat()
}

pub(crate) fn nginx_entrypoint(default_conf: bool) -> Vec<(u64, Line)> {
    let mut v = vec![
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
    ];
    if default_conf {
        v.push("10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf");
        v.push("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf");
    } else {
        v.push("10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf is not a file or does not exist");
    }
    v.extend([
        "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
        "/docker-entrypoint.sh: Configuration complete; ready for start up",
    ]);
    v.into_iter().map(|l| (0, Line::Borrowed(l))).collect()
}

pub(crate) fn nginx_running(now: Time, version: &str) -> Vec<(u64, Line)> {
    let t = nginx_time(now);
    let t = t.as_str();
    // (Joined, not formatted: every nginx container's start writes these.)
    [
        [t, " [notice] 1#1: using the \"epoll\" event method"].concat(),
        [t, " [notice] 1#1: nginx/", version].concat(),
        [t, " [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) "].concat(),
        [t, " [notice] 1#1: OS: Linux 6.8.0-45-generic"].concat(),
        [t, " [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576"].concat(),
        [t, " [notice] 1#1: start worker processes"].concat(),
        [t, " [notice] 1#1: start worker process 29"].concat(),
        [t, " [notice] 1#1: start worker process 30"].concat(),
    ]
    .into_iter()
    .map(|l| (0, Line::Owned(l)))
    .collect()
}

/// The nginx version an `nginx:<tag>` image runs.
pub(crate) fn nginx_version(tag: &str) -> String {
    let t = tag.split('-').next().unwrap_or(tag);
    match t {
        "latest" | "mainline" | "alpine" => "1.27.1".into(),
        "stable" => "1.26.2".into(),
        v if v.matches('.').count() >= 2 => v.to_string(),
        "1.25" => "1.25.5".into(),
        "1.26" => "1.26.2".into(),
        "1.27" => "1.27.1".into(),
        v => format!("{v}.0"),
    }
}

/// The command line a container runs (command + args), as one string.
fn command_line(c: &Container) -> String {
    c.command.iter().chain(c.args.iter()).cloned().collect::<Vec<_>>().join(" ")
}

/// A container variable's value, as the kubelet sets it: a literal `value`, or a `fieldRef` to
/// the pod's name, namespace, or one of its labels or annotations (an Indexed Job's
/// `JOB_COMPLETION_INDEX`); `HOSTNAME` is the pod's hostname. None for anything else.
fn env_value(name: &str, pod: &Pod, c: &Container) -> Option<String> {
    let Some(e) = c.env.iter().rev().find(|e| e.name == name) else {
        return (name == "HOSTNAME").then(|| {
            if pod.spec.hostname.is_empty() {
                pod.metadata.name.clone()
            } else {
                pod.spec.hostname.clone()
            }
        });
    };
    if let Some(v) = &e.value {
        return Some(v.clone());
    }
    let path = e.value_from.as_ref()?.get("fieldRef")?.get("fieldPath")?.as_str()?;
    let keyed = |prefix: &str| path.strip_prefix(prefix)?.strip_suffix("']").map(str::to_string);
    match path {
        "metadata.name" => Some(pod.metadata.name.clone()),
        "metadata.namespace" => Some(pod.metadata.namespace.clone()),
        _ => {
            if let Some(k) = keyed("metadata.annotations['") {
                return pod.metadata.annotations.get(&k).cloned();
            }
            keyed("metadata.labels['").and_then(|k| pod.metadata.labels.get(&k).cloned())
        }
    }
}

/// The shell's expansion of `$NAME` and `${NAME}` outside single quotes: the container's
/// variables (`env_value`); an unset one expands to nothing, as in sh.
fn expand_env(script: &str, pod: &Pod, c: &Container) -> String {
    let mut out = String::with_capacity(script.len());
    let mut quoted = false;
    let mut rest = script;
    while let Some(ch) = rest.chars().next() {
        rest = &rest[ch.len_utf8()..];
        if ch == '\'' {
            quoted = !quoted;
        }
        if ch != '$' || quoted {
            out.push(ch);
            continue;
        }
        let braced = rest.starts_with('{');
        let body = if braced { &rest[1..] } else { rest };
        let len = body.find(|x: char| !(x.is_ascii_alphanumeric() || x == '_')).unwrap_or(body.len());
        let name = &body[..len];
        if name.is_empty()
            || name.starts_with(|x: char| x.is_ascii_digit())
            || (braced && !body[len..].starts_with('}'))
        {
            out.push('$');
            continue;
        }
        out.push_str(&env_value(name, pod, c).unwrap_or_default());
        rest = &body[len + usize::from(braced)..];
    }
    out
}

/// busybox-style shells, run step by step on a clock: `echo X` prints, `echo X > F` and
/// `touch F` create a file, `rm F` removes it, `sleep N` waits N seconds (`sleep infinity`,
/// `tail -f`, and `while true` loops run for ever), `exit N` ends with N; at the end of the
/// script the shell exits 0 (a bare `sh` has no terminal and ends at once).
fn shell(pod: &Pod, c: &Container) -> Start {
    let cmd = expand_env(&command_line(c), pod, c);
    let mut logs = Vec::new();
    let mut files: Vec<(String, u64, Option<u64>)> = Vec::new();
    let mut clock: u64 = 0;
    let forever = cmd.contains("while true") || cmd.contains("while :") || cmd.contains("tail -f");
    for part in cmd.split(&[';', '&', '\n'][..]) {
        let p = part.trim();
        let words: Vec<&str> = p.split_whitespace().map(|w| w.trim_matches(|ch| ch == '"' || ch == '\'')).collect();
        // The command word (after the shell itself and loop keywords such as `do`).
        let skip = |w: &&str| {
            matches!(
                *w,
                "do" | "then" | "else" | "{" | "(" | "sh" | "/bin/sh" | "bash" | "/bin/bash" | "-c" | "-ec" | "-xc"
            )
        };
        let Some(i) = words.iter().position(|w| !skip(w)) else { continue };
        let args = &words[i + 1..];
        match words[i] {
            "echo" => {
                if let Some(r) = args.iter().position(|w| *w == ">" || *w == ">>") {
                    if let Some(f) = args.get(r + 1) {
                        files.push((f.to_string(), clock, None));
                    }
                } else if let Some(at) = p.find("echo ") {
                    logs.push((
                        clock,
                        p[at + 5..].trim().trim_matches(|ch| ch == '"' || ch == '\'').to_string().into(),
                    ));
                }
            }
            "touch" => files.extend(args.iter().filter(|a| !a.starts_with('-')).map(|f| (f.to_string(), clock, None))),
            "rm" => {
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    for entry in files.iter_mut().filter(|e| e.0 == *f && e.2.is_none()) {
                        entry.2 = Some(clock);
                    }
                }
            }
            "sleep" => match args.first().copied() {
                Some("infinity") => return Start { logs, listens: vec![], exit: None, files },
                Some(n) => {
                    if let Ok(secs) = n.trim_matches(|ch: char| !ch.is_ascii_digit()).parse::<u64>() {
                        clock += secs * 1000;
                    }
                }
                None => {}
            },
            "exit" if !forever => {
                let code = args.first().and_then(|c| c.parse().ok()).unwrap_or(0);
                let reason = if code == 0 { "Completed" } else { "Error" };
                return Start { logs, listens: vec![], exit: Some((clock + 50, code, reason.into())), files };
            }
            _ => {}
        }
    }
    if forever {
        return Start { logs, listens: vec![], exit: None, files };
    }
    Start { logs, listens: vec![], exit: Some((clock.max(20), 0, "Completed".into())), files }
}

/// Starts the program of `c` in `pod` at `now`.
pub fn start(pod: &Pod, c: &Container, now: Time, resolver: &dyn Resolver) -> Start {
    let r = ImageRef::parse(&c.image);
    let repo = r.repository.as_str();
    let overridden = !c.command.is_empty();
    match repo {
        "docker.io/library/nginx" if !overridden => {
            let mut logs = nginx_entrypoint(true);
            logs.extend(nginx_running(now, &nginx_version(&r.tag)));
            Start { logs, listens: vec![80], exit: None, files: vec![] }
        }
        "ghcr.io/iximiuz/labs/kubernetes-101/proxy" if !overridden => start_workshop_proxy(pod, now, resolver),
        "ghcr.io/iximiuz/labs/kubernetes-101/lb" if !overridden => {
            let mut logs = nginx_entrypoint(false);
            logs.extend(nginx_running(now, "1.25.4"));
            Start { logs, listens: vec![80], exit: None, files: vec![] }
        }
        "ghcr.io/iximiuz/labs/kubernetes-101/app" if !overridden => Start {
            logs: vec![
                (0, "INFO:     Started server process [1]".into()),
                (0, "INFO:     Waiting for application startup.".into()),
                (0, "INFO:     Application startup complete.".into()),
                (0, "INFO:     Uvicorn running on http://0.0.0.0:3000 (Press CTRL+C to quit)".into()),
            ],
            listens: vec![3000],
            exit: None,
            files: vec![],
        },
        "docker.io/library/redis" if !overridden => start_redis(now),
        "docker.io/library/httpd" if !overridden => Start {
            logs: vec![(0, "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.1.2. Set the 'ServerName' directive globally to suppress this message".into())],
            listens: vec![80],
            exit: None,
            files: vec![],
        },
        "docker.io/library/postgres" if !overridden => start_postgres(c),
        "registry.k8s.io/hpa-example" if !overridden => start_php_apache(pod, now),
        "registry.k8s.io/ingress-nginx/controller" if !overridden => start_ingress_nginx(&r.tag),
        "registry.k8s.io/metrics-server/metrics-server" if !overridden => {
            Start { logs: vec![], listens: vec![4443], exit: None, files: vec![] }
        }
        "docker.io/library/perl" => crate::job_programs::perl(c).unwrap_or_else(|| shell(pod, c)),
        "registry.k8s.io/ingress-nginx/kube-webhook-certgen" => crate::job_programs::kube_webhook_certgen(c, now),
        "registry.k8s.io/pause" => Start { logs: vec![], listens: vec![], exit: None, files: vec![] },
        "registry.k8s.io/goproxy" if !overridden => Start { logs: vec![], listens: vec![8080], exit: None, files: vec![] },
        "registry.k8s.io/e2e-test-images/agnhost" if !overridden => start_agnhost(c),
        "docker.io/c1524db4f1/kubernetes-tutorial-frontend" if !overridden => start_tutorial_frontend(pod, now, resolver),
        "docker.io/c1524db4f1/kubernetes-tutorial-backend" => start_tutorial_backend(),
        "docker.io/trueberryless/kub-first-app" if !overridden => Start {
            logs: vec![(0, "Server listening on port 8080".into())],
            listens: vec![8080],
            exit: None,
            files: vec![],
        },
        // `kubectl run -it ... -- sh`: a shell reading an open stdin waits for its input.
        _ if c.stdin && is_bare_shell(c) => Start { logs: vec![], listens: vec![], exit: None, files: vec![] },
        _ => shell(pod, c),
    }
}

/// A shell with nothing to run (`sh`, `/bin/bash`, or the image's default command).
fn is_bare_shell(c: &Container) -> bool {
    matches!(command_line(c).as_str(), "" | "sh" | "/bin/sh" | "bash" | "/bin/bash" | "ash" | "/bin/ash")
}

/// The workshop proxy: nginx, which fails to start without the Service `app` to resolve.
fn start_workshop_proxy(pod: &Pod, now: Time, resolver: &dyn Resolver) -> Start {
    let mut logs = nginx_entrypoint(false);
    if resolver.resolves(pod, "app") {
        logs.extend(nginx_running(now, "1.25.4"));
        Start { logs, listens: vec![80], exit: None, files: vec![] }
    } else {
        let t = nginx_time(now);
        logs.push((
            0,
            format!("{t} [emerg] 1#1: host not found in upstream \"app:3000\" in /etc/nginx/conf.d/app.conf:2").into(),
        ));
        logs.push((0, "nginx: [emerg] host not found in upstream \"app:3000\" in /etc/nginx/conf.d/app.conf:2".into()));
        Start { logs, listens: vec![], exit: Some((40, 1, "Error".into())), files: vec![] }
    }
}

/// The ingress-nginx controller: its banner, then nginx on 80 and 443 and its health
/// endpoint on 10254 (`/healthz`).
fn start_ingress_nginx(tag: &str) -> Start {
    let rule = "-------------------------------------------------------------------------------";
    let logs = vec![
        (0, rule.into()),
        (0, "NGINX Ingress controller".into()),
        (0, format!("  Release:       {tag}").into()),
        (0, "  Repository:    https://github.com/kubernetes/ingress-nginx".into()),
        (0, "  nginx version: nginx/1.25.5".into()),
        (0, "".into()),
        (0, rule.into()),
        (0, "".into()),
    ];
    Start { logs, listens: vec![80, 443, 10254], exit: None, files: vec![] }
}

/// The HPA walkthrough's php-apache (php:5-apache's `apache2-foreground`): Apache warns
/// twice that it has no ServerName, then runs prefork with mod_php on port 80.
fn start_php_apache(pod: &Pod, now: Time) -> Start {
    let ip = if pod.status.pod_ip.is_empty() { "127.0.0.1" } else { pod.status.pod_ip.as_str() };
    let warn = format!("AH00558: apache2: Could not reliably determine the server's fully qualified domain name, using {ip}. Set the 'ServerName' directive globally to suppress this message");
    let t = now.rfc3339();
    let days = kubelab_api::EPOCH_DAYS_SINCE_1970 + (now.0 / 86_400_000) as i64;
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [t[5..7].parse::<usize>().unwrap_or(1).clamp(1, 12) - 1];
    let stamp = format!("[{weekday} {month} {} {}.{:06} {}]", &t[8..10], &t[11..19], (now.0 % 1000) * 1000, &t[0..4]);
    Start {
        logs: vec![
            (0, warn.clone().into()),
            (0, warn.into()),
            (0, format!("{stamp} [mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.10 (Debian) PHP/5.6.40 configured -- resuming normal operations").into()),
            (0, format!("{stamp} [core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'").into()),
        ],
        listens: vec![80],
        exit: None,
        files: vec![],
    }
}

/// Redis, standalone on 6379.
fn start_redis(now: Time) -> Start {
    let t = now.rfc3339();
    let stamp = format!("1:M {} {}.000", &t[8..10], &t[11..19]);
    Start {
        logs: vec![
            (0, format!("1:C {} {}.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", &t[8..10], &t[11..19]).into()),
            (
                0,
                format!(
                    "1:C {} {}.000 # Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started",
                    &t[8..10],
                    &t[11..19]
                )
                .into(),
            ),
            (0, format!("{stamp} * Running mode=standalone, port=6379.").into()),
            (0, format!("{stamp} * Server initialized").into()),
            (0, format!("{stamp} * Ready to accept connections tcp").into()),
        ],
        listens: vec![6379],
        exit: None,
        files: vec![],
    }
}

/// Postgres, which exits without a superuser password.
fn start_postgres(c: &Container) -> Start {
    let has_password = c.env.iter().any(|e| e.name == "POSTGRES_PASSWORD" || e.name == "POSTGRES_HOST_AUTH_METHOD");
    if has_password {
        Start {
            logs: vec![(0, "LOG:  database system is ready to accept connections".into())],
            listens: vec![5432],
            exit: None,
            files: vec![],
        }
    } else {
        Start {
            logs: vec![
                (0, "Error: Database is uninitialized and superuser password is not specified.".into()),
                (0, "       You must specify POSTGRES_PASSWORD to a non-empty value for the".into()),
                (0, "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".".into()),
            ],
            listens: vec![],
            exit: Some((100, 1, "Error".into())),
            files: vec![],
        }
    }
}

/// agnhost: its subcommand (the first argument) says what it listens on.
fn start_agnhost(c: &Container) -> Start {
    let listens = match c.args.first().map(|s| s.as_str()) {
        Some("liveness") | Some("netexec") => vec![8080],
        Some("serve-hostname") => vec![9376],
        Some("pause") => vec![],
        _ => {
            return Start {
                logs: vec![(0, "Usage:".into()), (0, "  agnhost [command]".into())],
                listens: vec![],
                exit: Some((20, 0, "Completed".into())),
                files: vec![],
            }
        }
    };
    Start { logs: vec![], listens, exit: None, files: vec![] }
}

/// The tutorial's nginx frontend, which fails to start without the Service `app` to resolve.
fn start_tutorial_frontend(pod: &Pod, now: Time, resolver: &dyn Resolver) -> Start {
    let mut logs = nginx_entrypoint(false);
    if resolver.resolves(pod, "app") {
        logs.extend(nginx_running(now, "1.17.5"));
        Start { logs, listens: vec![80], exit: None, files: vec![] }
    } else {
        let t = nginx_time(now);
        logs.push((
            0,
            format!("{t} [emerg] 1#1: host not found in upstream \"app:1323\" in /etc/nginx/conf.d/default.conf:2")
                .into(),
        ));
        logs.push((
            0,
            "nginx: [emerg] host not found in upstream \"app:1323\" in /etc/nginx/conf.d/default.conf:2".into(),
        ));
        Start { logs, listens: vec![], exit: Some((40, 1, "Error".into())), files: vec![] }
    }
}

/// The tutorial's Go backend: Echo's banner, listening on 1323.
fn start_tutorial_backend() -> Start {
    Start {
        logs: [
            "",
            "   ____    __",
            "  / __/___/ /  ___",
            " / _// __/ _ \\/ _ \\",
            "/___/\\__/_//_/\\___/ v3.3.10-dev",
            "High performance, minimalist Go web framework",
            "https://echo.labstack.com",
            "____________________________________O/_______",
            "                                    O\\",
            "⇨ http server started on [::]:1323",
        ]
        .into_iter()
        .map(|l| (0, Line::Borrowed(l)))
        .collect(),
        listens: vec![1323],
        exit: None,
        files: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoNames;
    impl Resolver for NoNames {
        fn resolves(&self, pod: &Pod, host: &str) -> bool {
            pod.spec.host_aliases.iter().any(|h| h.hostnames.iter().any(|n| n == host))
        }
    }

    fn ctr(image: &str) -> Container {
        Container { name: "c".into(), image: image.into(), ..Default::default() }
    }

    #[test]
    fn the_proxy_dies_when_app_does_not_resolve_and_runs_when_it_does() {
        let mut pod = Pod::default();
        let s = start(&pod, &ctr("ghcr.io/iximiuz/labs/kubernetes-101/proxy:v1.0.0"), Time(3000), &NoNames);
        assert_eq!(s.exit.as_ref().map(|e| e.1), Some(1));
        assert!(s.logs.iter().any(|(_, l)| l.contains("host not found in upstream \"app:3000\"")));
        pod.spec.host_aliases.push(kubelab_api::HostAlias { ip: "127.0.0.1".into(), hostnames: vec!["app".into()] });
        let s = start(&pod, &ctr("ghcr.io/iximiuz/labs/kubernetes-101/proxy:v1.0.0"), Time(3000), &NoNames);
        assert_eq!(s.exit, None);
        assert_eq!(s.listens, vec![80]);
    }

    #[test]
    fn shells_run_their_command() {
        let pod = Pod::default();
        let mut c = ctr("busybox");
        assert_eq!(start(&pod, &c, Time(0), &NoNames).exit.map(|e| e.1), Some(0));
        c.command = vec!["sh".into(), "-c".into(), "echo hello; sleep 3600".into()];
        let s = start(&pod, &c, Time(0), &NoNames);
        assert_eq!(s.exit.map(|e| e.0), Some(3_600_000));
        assert_eq!(s.logs, vec![(0, Line::from("hello"))]);
    }

    /// sh's `$NAME`/`${NAME}` from the container's variables; single quotes keep them; an
    /// unset variable is empty; `$(...)` and `$1` are left alone.
    #[test]
    fn the_shell_expands_the_containers_variables() {
        let mut pod = Pod::default();
        pod.metadata.name = "work-0-abcde".into();
        // As the Job controller writes an index pod: the annotation and the label (which the
        // variable reads in v1.31).
        pod.metadata.annotations.insert("batch.kubernetes.io/job-completion-index".into(), "0".into());
        pod.metadata.labels.insert("batch.kubernetes.io/job-completion-index".into(), "0".into());
        pod.spec.hostname = "work-0".into();
        let c = Container {
            env: vec![
                kubelab_api::EnvVar { name: "GREETING".into(), value: Some("hi".into()), value_from: None },
                crate::controllers::job_indexed::index_env(),
            ],
            ..Default::default()
        };
        let cases = [
            ("echo $GREETING", "echo hi"),
            ("echo ${GREETING}!", "echo hi!"),
            ("echo '$GREETING'", "echo '$GREETING'"),
            ("echo $HOSTNAME", "echo work-0"),
            ("echo $UNSET.", "echo ."),
            ("echo item $JOB_COMPLETION_INDEX", "echo item 0"),
            ("echo $(date) $1", "echo $(date) $1"),
        ];
        for (script, want) in cases {
            assert_eq!(expand_env(script, &pod, &c), want, "{script}");
        }
    }
}
