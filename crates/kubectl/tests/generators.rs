//! kubectl's generator commands (`create deployment|namespace|configmap|service`, `run`,
//! `expose`) held to the real kubectl.
//!
//! Every case in `generators/cases/` is a command line and what kubectl v1.32.4 printed for it (stdout,
//! then stderr; klog time stamps and thread ids normalised). They were captured by running
//! exactly that command as
//!
//! ```text
//! KUBECONFIG=/nonexistent kubectl --server=http://127.0.0.1:PORT --cache-dir=DIR <command>
//! ```
//!
//! in a scratch folder holding the files in `generators/files/`, against `FakeApiServer` below: a tiny
//! API server that serves discovery and this lab's objects (refreshed from the engine's
//! store before each command), answers creates with 201 (or 409 AlreadyExists / 404 for a
//! missing namespace, with the API server's messages), so `run`, `expose` and the creates
//! without --dry-run have a server to talk to. The cases run in order against one lab set up
//! by `setup`.
//!
//! When /usr/bin/kubectl exists, every case also runs live through it and must match both
//! the captured text and the lab. Without it (CI machines) that part is skipped, with a note.
//! To re-capture: `KUBELAB_CAPTURE=1 cargo test -p kubelab-kubectl --test generators --
//! --nocapture` rewrites each case file with what the live kubectl printed.

use kubelab_api::{Object, KINDS};
use kubelab_engine::Engine;
use kubelab_kubectl::output::{to_kubectl_json, to_kubectl_yaml};
use kubelab_kubectl::{apply_manifest, execute, Ctx, FileOrDir, Files};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const KUBECTL: &str = "/usr/bin/kubectl";

// ------------------------------------------------------------------ the lab under test

/// Objects `expose` is tried on.
const SETUP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web, tier: fe}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: "nginx:1.25", ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: multi, labels: {app: multi}}
spec:
  replicas: 1
  selector: {matchLabels: {app: multi}}
  template:
    metadata: {labels: {app: multi}}
    spec:
      containers:
      - {name: a, image: nginx, ports: [{containerPort: 80, name: http}, {containerPort: 53, protocol: UDP}]}
      - {name: b, image: redis, ports: [{containerPort: 9090}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: noport}
spec:
  replicas: 1
  selector: {matchLabels: {app: noport}}
  template:
    metadata: {labels: {app: noport}}
    spec: {containers: [{name: a, image: nginx}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: expr}
spec:
  replicas: 1
  selector:
    matchLabels: {app: expr}
    matchExpressions: [{key: tier, operator: In, values: [a, b]}]
  template:
    metadata: {labels: {app: expr, tier: a}}
    spec: {containers: [{name: a, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {run: p}}
spec: {containers: [{name: p, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: nolabels}
spec: {containers: [{name: p, image: nginx, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1, labels: {app: rs1}}
spec:
  replicas: 1
  selector: {matchLabels: {app: rs1}}
  template:
    metadata: {labels: {app: rs1}}
    spec: {containers: [{name: a, image: nginx, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc1, labels: {app: svc1}}
spec:
  selector: {app: svc1}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm}
data: {a: b}
"#;

/// The captured cases, one file each in `tests/generators/cases/`, run in file-name order:
/// the first line is `$ ` and the command, the rest what kubectl printed.
fn cases() -> Vec<(PathBuf, String, String)> {
    let dir = data_dir().join("cases");
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("tests/generators/cases").map(|e| e.expect("a case file").path()).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a case file");
            let (first, want) = text.split_once('\n').unwrap_or((&text, ""));
            let cmd = first.strip_prefix("$ ").unwrap_or_else(|| panic!("{}: starts with `$ `", p.display()));
            (p.clone(), cmd.to_string(), want.to_string())
        })
        .collect()
}

/// `tests/generators/`: the cases, and in `files/` the files they read with --from-file
/// (copied to the scratch folder kubectl runs in).
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/generators")
}

fn setup() -> Engine {
    let mut engine = Engine::new(1);
    let rep = apply_manifest(&mut engine, SETUP, "setup.yaml", "default");
    assert!(rep.output.ok, "setup failed:\n{}", rep.output.text());
    engine.settle();
    engine
}

struct DirFiles(PathBuf);

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<FileOrDir, String> {
        std::fs::read_to_string(self.0.join(path)).map(FileOrDir::File).map_err(|e| e.to_string())
    }
}

/// What the lab prints: stdout lines, then stderr lines.
fn lab(engine: &mut Engine, files: &DirFiles, cmd: &str) -> String {
    let mut observe = |_: &Engine| {};
    let mut ctx = Ctx { files, stdin: None, observe: &mut observe };
    let out = execute(engine, cmd, &mut ctx);
    let mut text = String::new();
    for stream in [false, true] {
        for (err, l) in &out.lines {
            if *err == stream {
                text.push_str(l);
                text.push('\n');
            }
        }
    }
    normalise(&text)
}

/// klog lines carry the wall clock and a thread id: `E1122 08:15:46.876715   11445 run.go:72]`.
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let b = line.as_bytes();
        let klog = b.len() > 22
            && matches!(b[0], b'I' | b'W' | b'E' | b'F')
            && b[1..5].iter().all(u8::is_ascii_digit)
            && b[5] == b' '
            && b[8] == b':'
            && b[14] == b'.';
        if klog {
            let rest = line[22..].trim_start();
            let rest = rest.split_once(' ').map(|(_, r)| r).unwrap_or(rest);
            out.push_str(&format!("{}0000 00:00:00.000000       1 {rest}", &line[..1]));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------------ a fake API server

/// Serves discovery and the lab's objects to the real kubectl, and answers creates as the
/// API server words them. `objects` maps REST paths to JSON.
struct FakeApiServer {
    port: u16,
    objects: Arc<Mutex<BTreeMap<String, Json>>>,
}

fn rest_path(kind: &str, ns: &str, name: &str) -> Option<String> {
    let info = KINDS.iter().find(|k| k.kind == kind)?;
    let base =
        if info.group.is_empty() { "/api/v1".to_string() } else { format!("/apis/{}/{}", info.group, info.version) };
    Some(if info.namespaced {
        format!("{base}/namespaces/{ns}/{}/{name}", info.resource)
    } else {
        format!("{base}/{}/{name}", info.resource)
    })
}

impl FakeApiServer {
    fn start() -> FakeApiServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
        let port = listener.local_addr().unwrap().port();
        let objects = Arc::new(Mutex::new(BTreeMap::new()));
        let shared = objects.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &shared);
                });
            }
        });
        FakeApiServer { port, objects }
    }

    /// Shows the server the lab's current objects.
    fn sync(&self, engine: &Engine) {
        let mut map = BTreeMap::new();
        for info in KINDS {
            for o in engine.store().list(info.kind, None) {
                if let Some(p) = rest_path(info.kind, &o.meta().namespace, &o.meta().name) {
                    map.insert(p, o.to_json());
                }
            }
        }
        *self.objects.lock().unwrap() = map;
    }
}

fn discovery(path: &str) -> Option<Json> {
    let resources = |group: &str| -> Vec<Json> {
        KINDS
            .iter()
            .filter(|k| k.group == group)
            .map(|k| {
                json!({"name": k.resource, "singularName": k.singular, "namespaced": k.namespaced, "kind": k.kind,
                       "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": k.short_names})
            })
            .collect()
    };
    match path {
        "/api" => Some(
            json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
        ),
        "/apis" => Some(
            json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [{"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}], "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]}),
        ),
        "/api/v1" => Some(json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": resources("")})),
        "/apis/apps/v1" => {
            Some(json!({"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": resources("apps")}))
        }
        _ => None,
    }
}

fn status(code: u16, reason: &str, message: String) -> (u16, String, Vec<u8>) {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code});
    (code, "application/json".into(), body.to_string().into_bytes())
}

/// The first length-delimited protobuf field `field` of `buf`.
fn pb_field(buf: &[u8], field: u64) -> Option<&[u8]> {
    let varint = |i: &mut usize| -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *buf.get(*i)?;
            *i += 1;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    };
    let mut i = 0;
    while i < buf.len() {
        let key = varint(&mut i)?;
        match key & 7 {
            0 => {
                varint(&mut i)?;
            }
            2 => {
                let len = varint(&mut i)? as usize;
                let body = buf.get(i..i + len)?;
                i += len;
                if key >> 3 == field {
                    return Some(body);
                }
            }
            5 => i += 4,
            1 => i += 8,
            _ => return None,
        }
    }
    None
}

/// The name of an object in a create request: JSON, or Kubernetes' protobuf envelope
/// (`k8s\0`, Unknown{typeMeta, raw}; raw's field 1 is ObjectMeta, whose field 1 is name).
fn created_name(body: &[u8], content_type: &str) -> Option<String> {
    if content_type.contains("json") {
        let v: Json = serde_json::from_slice(body).ok()?;
        return v.pointer("/metadata/name").and_then(|n| n.as_str()).map(String::from);
    }
    let raw = pb_field(body.strip_prefix(b"k8s\0")?, 2)?;
    let meta = pb_field(raw, 1)?;
    String::from_utf8(pb_field(meta, 1)?.to_vec()).ok()
}

fn respond(
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
    objects: &BTreeMap<String, Json>,
) -> (u16, String, Vec<u8>) {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    // /api/v1/... or /apis/GROUP/VERSION/...
    let (group, rest) = match segs.as_slice() {
        ["api", _, rest @ ..] => ("", rest),
        ["apis", g, _, rest @ ..] => (*g, rest),
        _ => ("", &[][..]),
    };
    let (ns, rest) = match rest {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(*ns), rest),
        _ => (None, rest),
    };
    let resource = rest.first().copied().unwrap_or("");
    let qualified = if group.is_empty() { resource.to_string() } else { format!("{resource}.{group}") };
    if method == "GET" {
        if let Some(d) = discovery(path) {
            return (200, "application/json".into(), d.to_string().into_bytes());
        }
        if let Some(o) = objects.get(path) {
            return (200, "application/json".into(), o.to_string().into_bytes());
        }
        let name = rest.get(1).copied().unwrap_or("");
        return status(404, "NotFound", format!("{qualified} \"{name}\" not found"));
    }
    if method == "POST" {
        if let Some(ns) = ns {
            if !objects.contains_key(&format!("/api/v1/namespaces/{ns}")) {
                return status(404, "NotFound", format!("namespaces \"{ns}\" not found"));
            }
        }
        let Some(name) = created_name(body, content_type) else {
            return status(400, "BadRequest", "the fake API server could not read the object's name".into());
        };
        if objects.contains_key(&format!("{path}/{name}")) {
            return status(409, "AlreadyExists", format!("{qualified} \"{name}\" already exists"));
        }
        return (201, content_type.to_string(), body.to_vec());
    }
    status(405, "MethodNotAllowed", format!("{method} is not supported"))
}

fn serve(mut stream: TcpStream, objects: &Mutex<BTreeMap<String, Json>>) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.lines();
    let request = lines.next().unwrap_or("");
    let mut parts = request.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut length = 0;
    let mut content_type = String::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = v.trim().parse().unwrap_or(0),
                "content-type" => content_type = v.trim().to_string(),
                _ => {}
            }
        }
    }
    while buf.len() < header_end + length {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = &buf[header_end..(header_end + length).min(buf.len())];
    let (code, ctype, reply) = respond(method, path, &content_type, body, &objects.lock().unwrap());
    let reason = match code {
        200 => "OK",
        201 => "Created",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
    write!(
        stream,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    )?;
    stream.write_all(&reply)?;
    stream.flush()
}

/// The real kubectl's stdout then stderr for `cmd` (which starts with `kubectl `).
fn real_kubectl(server: &FakeApiServer, dir: &Path, cmd: &str) -> String {
    let words = kubelab_kubectl::shell::split_words(cmd).expect("a case's command splits");
    let output = Command::new(KUBECTL)
        .arg(format!("--server=http://127.0.0.1:{}", server.port))
        .arg(format!("--cache-dir={}", dir.join(".cache").display()))
        .args(&words[1..])
        .env("KUBECONFIG", dir.join("no-kubeconfig"))
        .current_dir(dir)
        .output()
        .expect("run kubectl");
    let mut text = String::from_utf8_lossy(&output.stdout).to_string();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    normalise(&text)
}

fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubelab-generators-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    for entry in std::fs::read_dir(data_dir().join("files")).expect("tests/generators/files") {
        let path = entry.expect("a case's file").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("a file name"))).expect("copy a case's file");
    }
    dir
}

fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n  want: {w:?}\n  got:  {g:?}", i + 1);
        }
    }
    format!(
        "lengths differ: want {} lines, got {}\n--- want\n{want}--- got\n{got}",
        want.lines().count(),
        got.lines().count()
    )
}

// ------------------------------------------------------------------ the cases

#[test]
fn generators_print_what_real_kubectl_prints() {
    let dir = scratch_dir();
    let files = DirFiles(dir.clone());
    let live = Path::new(KUBECTL).exists();
    let capture = live && std::env::var_os("KUBELAB_CAPTURE").is_some();
    let server = if live { Some(FakeApiServer::start()) } else { None };
    if !live {
        println!("note: {KUBECTL} is not installed; comparing with the captured outputs only");
    }
    let mut engine = setup();
    let mut failures = Vec::new();
    let cases = cases();
    assert!(!cases.is_empty(), "no case files in tests/generators/cases");
    for (path, cmd, want) in &cases {
        let real = server.as_ref().map(|s| {
            s.sync(&engine);
            real_kubectl(s, &dir, cmd)
        });
        let got = lab(&mut engine, &files, cmd);
        if capture {
            let real = real.clone().unwrap_or_default();
            std::fs::write(path, format!("$ {cmd}\n{real}")).expect("rewrite a case file");
            continue;
        }
        if got != *want {
            failures.push(format!(
                "$ {cmd}\nthe lab differs from the captured kubectl output at {}",
                first_difference(want, &got)
            ));
        }
        if let Some(real) = real {
            if real != *want {
                failures.push(format!(
                    "$ {cmd}\nlive kubectl differs from its captured output (re-capture?) at {}",
                    first_difference(want, &real)
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if capture {
        println!("{} case files rewritten from the live kubectl", cases.len());
        return;
    }
    println!("{} generator cases compared{}", cases.len(), if live { " (and run live through kubectl)" } else { "" });
    assert!(failures.is_empty(), "{} of {} cases differ:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn yaml_and_json_match_go_for_plain_values() {
    let v = json!({"b": [], "a": {}, "k10": "1", "k9": "true", "x": [{"n": 1, "m": null}, ["a"]], "kind": "ConfigMap"});
    // go-yaml v2 is YAML 1.1: the key `n` would read back as false, so it is quoted.
    assert_eq!(
        to_kubectl_yaml(&v),
        "a: {}\nb: []\nk9: \"true\"\nk10: \"1\"\nkind: ConfigMap\nx:\n- m: null\n  \"n\": 1\n- - a\n"
    );
    assert_eq!(
        to_kubectl_json(&json!({"kind": "ConfigMap", "data": {"b": "<&>"}, "apiVersion": "v1"})),
        "{\n    \"kind\": \"ConfigMap\",\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"b\": \"\\u003c\\u0026\\u003e\"\n    }\n}"
    );
}

#[test]
fn create_deployment_sanitizes_container_names_with_a_random_suffix() {
    // kubectl create deployment x --image=foo_bar.baz → containers[0].name foo-bar-baz-XXXXX
    let mut engine = Engine::new(7);
    let files = DirFiles(std::env::temp_dir());
    let out = lab(
        &mut engine,
        &files,
        "kubectl create deployment x --image=registry.example/foo_bar.baz:1 --dry-run=client -o json",
    );
    let v: Json = serde_json::from_str(&out).expect("json");
    let name = v.pointer("/spec/template/spec/containers/0/name").and_then(|n| n.as_str()).unwrap_or("");
    let suffix = name.strip_prefix("foo-bar-baz-").expect("sanitized prefix");
    assert_eq!(suffix.len(), 5);
    assert!(suffix.bytes().all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)), "{name}");
}

#[test]
fn created_objects_are_stored_and_served() {
    let mut engine = setup();
    let files = DirFiles(std::env::temp_dir());
    assert_eq!(
        lab(&mut engine, &files, "kubectl create deployment hello --image=nginx:1.25 --replicas=2 --port=80"),
        "deployment.apps/hello created\n"
    );
    let Some(Object::Deployment(d)) = engine.store().get("Deployment", "default", "hello") else { panic!("stored") };
    assert_eq!(d.spec.replicas, Some(2));
    assert_eq!(d.spec.template.spec.containers[0].name, "nginx");
    assert_eq!(lab(&mut engine, &files, "kubectl expose deployment hello"), "service/hello exposed\n");
    let Some(Object::Service(s)) = engine.store().get("Service", "default", "hello") else { panic!("stored") };
    assert_eq!(s.spec.selector.get("app").map(String::as_str), Some("hello"));
    assert!(!s.spec.cluster_ip.is_empty(), "the API server allocated a ClusterIP");
    // Dry runs store nothing; a server dry run defaults and validates on a copy.
    assert_eq!(
        lab(&mut engine, &files, "kubectl run dry --image=nginx --dry-run=server"),
        "pod/dry created (server dry run)\n"
    );
    assert_eq!(
        lab(&mut engine, &files, "kubectl run dry --image=nginx --dry-run=client"),
        "pod/dry created (dry run)\n"
    );
    assert!(engine.store().get("Pod", "default", "dry").is_none());
    // --save-config on requests that reach the server: the annotation kubectl v1.32.4 sent
    // (captured from the body of its POST to the fake API server).
    lab(&mut engine, &files, "kubectl run px --image=nginx --save-config -n default");
    let pod = engine.store().get("Pod", "default", "px").expect("stored");
    assert_eq!(
        pod.meta().annotations.get("kubectl.kubernetes.io/last-applied-configuration").map(String::as_str),
        Some("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"px\",\"creationTimestamp\":null,\"labels\":{\"run\":\"px\"}},\"spec\":{\"containers\":[{\"name\":\"px\",\"image\":\"nginx\",\"resources\":{}}],\"restartPolicy\":\"Always\",\"dnsPolicy\":\"ClusterFirst\"},\"status\":{}}\n")
    );
    lab(&mut engine, &files, "kubectl expose deployment web --name=ex --port=80 --save-config");
    let svc = engine.store().get("Service", "default", "ex").expect("stored");
    assert_eq!(
        svc.meta().annotations.get("kubectl.kubernetes.io/last-applied-configuration").map(String::as_str),
        Some("{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"ex\",\"creationTimestamp\":null,\"labels\":{\"app\":\"web\",\"tier\":\"fe\"}},\"spec\":{\"ports\":[{\"protocol\":\"TCP\",\"port\":80,\"targetPort\":80}],\"selector\":{\"app\":\"web\"}},\"status\":{\"loadBalancer\":{}}}\n")
    );
    // So a later `kubectl apply` finds it and does not warn.
}
