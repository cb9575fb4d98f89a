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
    pub logs: Vec<(u64, String)>,
    pub listens: Vec<i32>,
    pub exit: Option<(u64, i32, String)>,
}

/// How a name resolves from inside a pod: hostAliases, then the cluster's Services.
pub trait Resolver {
    fn resolves(&self, pod: &Pod, host: &str) -> bool;
}

/// nginx's error-log timestamp: `2024/08/13 00:00:03`.
pub(crate) fn nginx_time(t: Time) -> String {
    let s = t.rfc3339();
    format!("{}/{}/{} {}", &s[0..4], &s[5..7], &s[8..10], &s[11..19])
}

pub(crate) fn nginx_entrypoint(default_conf: bool) -> Vec<(u64, String)> {
    let mut v = vec![
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".to_string(),
        "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/".into(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh".into(),
    ];
    if default_conf {
        v.push("10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf".into());
        v.push("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf".into());
    } else {
        v.push("10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf is not a file or does not exist".into());
    }
    v.extend([
        "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh".to_string(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh".into(),
        "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh".into(),
        "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
    ]);
    v.into_iter().map(|l| (0, l)).collect()
}

pub(crate) fn nginx_running(now: Time, version: &str) -> Vec<(u64, String)> {
    let t = nginx_time(now);
    [
        format!("{t} [notice] 1#1: using the \"epoll\" event method"),
        format!("{t} [notice] 1#1: nginx/{version}"),
        format!("{t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) "),
        format!("{t} [notice] 1#1: OS: Linux 6.8.0-45-generic"),
        format!("{t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576"),
        format!("{t} [notice] 1#1: start worker processes"),
        format!("{t} [notice] 1#1: start worker process 29"),
        format!("{t} [notice] 1#1: start worker process 30"),
    ]
    .into_iter()
    .map(|l| (0, l))
    .collect()
}

/// The nginx version an `nginx:<tag>` image runs.
fn nginx_version(tag: &str) -> String {
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

/// busybox-style shells: `sleep N` runs N seconds, `echo X` prints and exits, anything
/// else exits at once (a bare `sh` has no terminal and ends).
fn shell(c: &Container) -> Start {
    let cmd = command_line(c);
    let mut logs = Vec::new();
    for part in cmd.split(&[';', '&'][..]) {
        let p = part.trim();
        if let Some(i) = p.find("echo ") {
            logs.push((0, p[i + 5..].trim().trim_matches(|ch| ch == '"' || ch == '\'').to_string()));
        }
    }
    let words: Vec<&str> = cmd.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| *w == "sleep") {
        match words.get(i + 1).copied() {
            Some("infinity") => return Start { logs, listens: vec![], exit: None },
            Some(n) => {
                if let Ok(secs) = n.trim_matches(|ch: char| !ch.is_ascii_digit()).parse::<u64>() {
                    return Start { logs, listens: vec![], exit: Some((secs * 1000, 0, "Completed".into())) };
                }
            }
            None => {}
        }
    }
    if words.iter().any(|w| w.starts_with("exit")) {
        let code = words.iter().position(|w| *w == "exit").and_then(|i| words.get(i + 1)).and_then(|c| c.parse().ok()).unwrap_or(0);
        return Start { logs, listens: vec![], exit: Some((50, code, if code == 0 { "Completed".into() } else { "Error".into() })) };
    }
    Start { logs, listens: vec![], exit: Some((20, 0, "Completed".into())) }
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
            Start { logs, listens: vec![80], exit: None }
        }
        "ghcr.io/iximiuz/labs/kubernetes-101/proxy" if !overridden => {
            let mut logs = nginx_entrypoint(false);
            if resolver.resolves(pod, "app") {
                logs.extend(nginx_running(now, "1.25.4"));
                Start { logs, listens: vec![80], exit: None }
            } else {
                let t = nginx_time(now);
                logs.push((0, format!("{t} [emerg] 1#1: host not found in upstream \"app:3000\" in /etc/nginx/conf.d/app.conf:2")));
                logs.push((0, "nginx: [emerg] host not found in upstream \"app:3000\" in /etc/nginx/conf.d/app.conf:2".into()));
                Start { logs, listens: vec![], exit: Some((40, 1, "Error".into())) }
            }
        }
        "ghcr.io/iximiuz/labs/kubernetes-101/lb" if !overridden => {
            let mut logs = nginx_entrypoint(false);
            logs.extend(nginx_running(now, "1.25.4"));
            Start { logs, listens: vec![80], exit: None }
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
        },
        "docker.io/library/redis" if !overridden => {
            let t = now.rfc3339();
            let stamp = format!("1:M {} {}.000", &t[8..10], &t[11..19]);
            Start {
                logs: vec![
                    (0, format!("1:C {} {}.000 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", &t[8..10], &t[11..19])),
                    (0, format!("1:C {} {}.000 # Redis version=7.2.5, bits=64, commit=00000000, modified=0, pid=1, just started", &t[8..10], &t[11..19])),
                    (0, format!("{stamp} * Running mode=standalone, port=6379.")),
                    (0, format!("{stamp} * Server initialized")),
                    (0, format!("{stamp} * Ready to accept connections tcp")),
                ],
                listens: vec![6379],
                exit: None,
            }
        }
        "docker.io/library/httpd" if !overridden => Start {
            logs: vec![(0, "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.1.2. Set the 'ServerName' directive globally to suppress this message".into())],
            listens: vec![80],
            exit: None,
        },
        "docker.io/library/postgres" if !overridden => {
            let has_password = c.env.iter().any(|e| e.name == "POSTGRES_PASSWORD" || e.name == "POSTGRES_HOST_AUTH_METHOD");
            if has_password {
                Start { logs: vec![(0, "LOG:  database system is ready to accept connections".into())], listens: vec![5432], exit: None }
            } else {
                Start {
                    logs: vec![
                        (0, "Error: Database is uninitialized and superuser password is not specified.".into()),
                        (0, "       You must specify POSTGRES_PASSWORD to a non-empty value for the".into()),
                        (0, "       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".".into()),
                    ],
                    listens: vec![],
                    exit: Some((100, 1, "Error".into())),
                }
            }
        }
        "registry.k8s.io/pause" => Start { logs: vec![], listens: vec![], exit: None },
        "docker.io/c1524db4f1/kubernetes-tutorial-frontend" if !overridden => {
            let mut logs = nginx_entrypoint(false);
            if resolver.resolves(pod, "app") {
                logs.extend(nginx_running(now, "1.17.5"));
                Start { logs, listens: vec![80], exit: None }
            } else {
                let t = nginx_time(now);
                logs.push((0, format!("{t} [emerg] 1#1: host not found in upstream \"app:1323\" in /etc/nginx/conf.d/default.conf:2")));
                logs.push((0, "nginx: [emerg] host not found in upstream \"app:1323\" in /etc/nginx/conf.d/default.conf:2".into()));
                Start { logs, listens: vec![], exit: Some((40, 1, "Error".into())) }
            }
        }
        "docker.io/c1524db4f1/kubernetes-tutorial-backend" => Start {
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
            .map(|l| (0, l.to_string()))
            .collect(),
            listens: vec![1323],
            exit: None,
        },
        "docker.io/trueberryless/kub-first-app" if !overridden => Start {
            logs: vec![(0, "Server listening on port 8080".into())],
            listens: vec![8080],
            exit: None,
        },
        _ => shell(c),
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
        assert_eq!(s.logs, vec![(0, "hello".to_string())]);
    }
}
