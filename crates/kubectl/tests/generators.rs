//! kubectl's generator commands (`create deployment|namespace|configmap|service`, `run`,
//! `expose`) held to the real kubectl.
//!
//! Every case in `CASES` is a command line and what kubectl v1.32.4 printed for it (stdout,
//! then stderr; klog time stamps and thread ids normalised). They were captured by running
//! exactly that command as
//!
//! ```text
//! KUBECONFIG=/nonexistent kubectl --server=http://127.0.0.1:PORT --cache-dir=DIR <command>
//! ```
//!
//! in a scratch folder holding the files in `FILES`, against `FakeApiServer` below: a tiny
//! API server that serves discovery and this lab's objects (refreshed from the engine's
//! store before each command), answers creates with 201 (or 409 AlreadyExists / 404 for a
//! missing namespace, with the API server's messages), so `run`, `expose` and the creates
//! without --dry-run have a server to talk to. The cases run in order against one lab set up
//! by `setup`.
//!
//! When /usr/bin/kubectl exists, every case also runs live through it and must match both
//! the captured text and the lab. Without it (CI machines) that part is skipped, with a note.
//! To re-capture: `KUBELAB_CAPTURE=1 cargo test -p kubelab-kubectl --test generators --
//! --nocapture` prints `CASES` as Rust source.

use kubelab_api::{Object, KINDS};
use kubelab_engine::Engine;
use kubelab_kubectl::generators::{to_kubectl_json, to_kubectl_yaml};
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

/// Files the cases read with --from-file (written to the scratch folder kubectl runs in).
const FILES: &[(&str, &str)] = &[
    ("app.properties", "color=blue\nsize=10\n"),
    ("motd", "  indented first line\nsecond\n"),
    ("no-newline", "one\ntwo"),
    ("kept", "a\n\n"),
    ("trailing-space", "a \nb\n"),
    ("tab", "a\tb\nc\n"),
    ("app.env", "# settings\nA=1\nB=two words\n  C=indented\n\nD=\n"),
    ("bad.env", "1BAD=x\n"),
];

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
    for (name, text) in FILES {
        std::fs::write(dir.join(name), text).expect("write a case's file");
    }
    dir
}

fn raw_literal(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
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
    let mut captured = String::new();
    for (cmd, want) in CASES {
        let real = server.as_ref().map(|s| {
            s.sync(&engine);
            real_kubectl(s, &dir, cmd)
        });
        let got = lab(&mut engine, &files, cmd);
        if capture {
            let real = real.clone().unwrap_or_default();
            captured.push_str(&format!("    // {cmd}\n    ({cmd:?},\n     {}),\n", raw_literal(&real)));
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
        println!("const CASES: &[(&str, &str)] = &[\n{captured}];");
        return;
    }
    println!("{} generator cases compared{}", CASES.len(), if live { " (and run live through kubectl)" } else { "" });
    assert!(failures.is_empty(), "{} of {} cases differ:\n\n{}", failures.len(), CASES.len(), failures.join("\n\n"));
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

/// Captured from kubectl v1.32.4; see the module comment for how each was run.
const CASES: &[(&str, &str)] = &[
    // kubectl create deployment web2 --image=nginx:1.25 --replicas=3 --port=80 --dry-run=client -o yaml
    ("kubectl create deployment web2 --image=nginx:1.25 --replicas=3 --port=80 --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web2
  name: web2
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web2
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web2
    spec:
      containers:
      - image: nginx:1.25
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
status: {}
"#),
    // kubectl create deployment web2 --image=nginx:1.25 --replicas=3 --port=80 --dry-run=client -o json
    ("kubectl create deployment web2 --image=nginx:1.25 --replicas=3 --port=80 --dry-run=client -o json",
     r#"{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "web2",
        "creationTimestamp": null,
        "labels": {
            "app": "web2"
        }
    },
    "spec": {
        "replicas": 3,
        "selector": {
            "matchLabels": {
                "app": "web2"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "web2"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "nginx",
                        "image": "nginx:1.25",
                        "ports": [
                            {
                                "containerPort": 80
                            }
                        ],
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}
"#),
    // kubectl create deployment app --image=ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0 --dry-run=client -o yaml
    ("kubectl create deployment app --image=ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0 --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: app
  name: app
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: app
    spec:
      containers:
      - image: ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0
        name: app
        resources: {}
status: {}
"#),
    // kubectl create deployment two --image=nginx --image=redis:7 --port=80 --dry-run=client -o yaml
    ("kubectl create deployment two --image=nginx --image=redis:7 --port=80 --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: two
  name: two
spec:
  replicas: 1
  selector:
    matchLabels:
      app: two
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: two
    spec:
      containers:
      - image: nginx
        name: nginx
        ports:
        - containerPort: 80
        resources: {}
      - image: redis:7
        name: redis
        resources: {}
status: {}
"#),
    // kubectl create deployment csv --image=nginx,localhost:5000/team/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --dry-run=client -o yaml
    ("kubectl create deployment csv --image=nginx,localhost:5000/team/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: csv
  name: csv
spec:
  replicas: 1
  selector:
    matchLabels:
      app: csv
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: csv
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
      - image: localhost:5000/team/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        name: api
        resources: {}
status: {}
"#),
    // kubectl create deploy cmd --image=busybox -r 2 --dry-run=client -o yaml -- sleep 3600
    ("kubectl create deploy cmd --image=busybox -r 2 --dry-run=client -o yaml -- sleep 3600",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: cmd
  name: cmd
spec:
  replicas: 2
  selector:
    matchLabels:
      app: cmd
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: cmd
    spec:
      containers:
      - command:
        - sleep
        - "3600"
        image: busybox
        name: busybox
        resources: {}
status: {}
"#),
    // kubectl create deployment cmd --image=busybox --dry-run=client -o json -- sh -c 'echo hello; sleep 10'
    ("kubectl create deployment cmd --image=busybox --dry-run=client -o json -- sh -c 'echo hello; sleep 10'",
     r#"{
    "kind": "Deployment",
    "apiVersion": "apps/v1",
    "metadata": {
        "name": "cmd",
        "creationTimestamp": null,
        "labels": {
            "app": "cmd"
        }
    },
    "spec": {
        "replicas": 1,
        "selector": {
            "matchLabels": {
                "app": "cmd"
            }
        },
        "template": {
            "metadata": {
                "creationTimestamp": null,
                "labels": {
                    "app": "cmd"
                }
            },
            "spec": {
                "containers": [
                    {
                        "name": "busybox",
                        "image": "busybox",
                        "command": [
                            "sh",
                            "-c",
                            "echo hello; sleep 10"
                        ],
                        "resources": {}
                    }
                ]
            }
        },
        "strategy": {}
    },
    "status": {}
}
"#),
    // kubectl create deployment two --image=nginx --image=redis --dry-run=client -o yaml -- sleep 10
    ("kubectl create deployment two --image=nginx --image=redis --dry-run=client -o yaml -- sleep 10",
     r#"error: cannot specify multiple --image options and command
"#),
    // kubectl create deployment noimage
    ("kubectl create deployment noimage",
     r#"E0000 00:00:00.000000       1 run.go:72] "command failed" err="required flag(s) \"image\" not set"
"#),
    // kubectl create deployment a b --image=nginx
    ("kubectl create deployment a b --image=nginx",
     r#"error: exactly one NAME is required, got 2
See 'kubectl create deployment -h' for help and examples
"#),
    // kubectl create deployment --image=nginx
    ("kubectl create deployment --image=nginx",
     r#"error: exactly one NAME is required, got 0
See 'kubectl create deployment -h' for help and examples
"#),
    // kubectl create deployment r --image=nginx --replicas=abc
    ("kubectl create deployment r --image=nginx --replicas=abc",
     r#"Error: invalid argument "abc" for "-r, --replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax
See 'kubectl create deployment --help' for usage.
"#),
    // kubectl create deployment r --image=nginx --port=99999999999
    ("kubectl create deployment r --image=nginx --port=99999999999",
     r#"Error: invalid argument "99999999999" for "--port" flag: strconv.ParseInt: parsing "99999999999": value out of range
See 'kubectl create deployment --help' for usage.
"#),
    // kubectl create deployment zero --image=nginx --replicas=0 --port=0 --dry-run=client -o yaml
    ("kubectl create deployment zero --image=nginx --replicas=0 --port=0 --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: zero
  name: zero
spec:
  replicas: 0
  selector:
    matchLabels:
      app: zero
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: zero
    spec:
      containers:
      - image: nginx
        name: nginx
        ports:
        - containerPort: 0
        resources: {}
status: {}
"#),
    // kubectl create deployment scoped --image=nginx -n dev --dry-run=client -o yaml
    ("kubectl create deployment scoped --image=nginx -n dev --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: scoped
  name: scoped
  namespace: dev
spec:
  replicas: 1
  selector:
    matchLabels:
      app: scoped
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: scoped
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
"#),
    // kubectl create -n dev deployment scoped --image=nginx --dry-run=client -o name
    ("kubectl create -n dev deployment scoped --image=nginx --dry-run=client -o name",
     r#"deployment.apps/scoped
"#),
    // kubectl create deployment web2 --image=nginx:1.25 --dry-run=client
    ("kubectl create deployment web2 --image=nginx:1.25 --dry-run=client",
     r#"deployment.apps/web2 created (dry run)
"#),
    // kubectl create deployment web2 --image=nginx:1.25 --dry-run=client -o name
    ("kubectl create deployment web2 --image=nginx:1.25 --dry-run=client -o name",
     r#"deployment.apps/web2
"#),
    // kubectl create deployment web2 --image=nginx --dry-run=client -o wide
    ("kubectl create deployment web2 --image=nginx --dry-run=client -o wide",
     r#"error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
"#),
    // kubectl create deployment web2 --image=nginx --dry-run=bogus
    ("kubectl create deployment web2 --image=nginx --dry-run=bogus",
     r#"error: Invalid dry-run value (bogus). Must be "none", "server", or "client".
"#),
    // kubectl create deployment web2 --image=nginx --dry-run
    ("kubectl create deployment web2 --image=nginx --dry-run",
     r#"deployment.apps/web2 created (dry run)
W0000 00:00:00.000000       1 helpers.go:702] --dry-run is deprecated and can be replaced with --dry-run=client.
"#),
    // kubectl create deployment web2 --image=nginx --save-config --dry-run=client -o yaml
    ("kubectl create deployment web2 --image=nginx --save-config --dry-run=client -o yaml",
     r#"apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web2","creationTimestamp":null,"labels":{"app":"web2"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web2"}},"template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web2"}},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},"status":{}}
  creationTimestamp: null
  labels:
    app: web2
  name: web2
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web2
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web2
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
"#),
    // kubectl create deployment web2 --image=nginx --bogus
    ("kubectl create deployment web2 --image=nginx --bogus",
     r#"Error: unknown flag: --bogus
See 'kubectl create deployment --help' for usage.
"#),
    // kubectl create deployment web2 --image=nginx:1.25 --replicas=3 --port=80
    ("kubectl create deployment web2 --image=nginx:1.25 --replicas=3 --port=80",
     r#"deployment.apps/web2 created
"#),
    // kubectl create deployment web2 --image=nginx:1.25
    ("kubectl create deployment web2 --image=nginx:1.25",
     r#"error: failed to create deployment: deployments.apps "web2" already exists
"#),
    // kubectl create deployment web3 --image=nginx -n nowhere
    ("kubectl create deployment web3 --image=nginx -n nowhere",
     r#"error: failed to create deployment: namespaces "nowhere" not found
"#),
    // kubectl create deployment web3 --image=nginx -o name
    ("kubectl create deployment web3 --image=nginx -o name",
     r#"deployment.apps/web3
"#),
    // kubectl create namespace dev --dry-run=client -o yaml
    ("kubectl create namespace dev --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: null
  name: dev
spec: {}
status: {}
"#),
    // kubectl create namespace dev --dry-run=client -o json
    ("kubectl create namespace dev --dry-run=client -o json",
     r#"{
    "kind": "Namespace",
    "apiVersion": "v1",
    "metadata": {
        "name": "dev",
        "creationTimestamp": null
    },
    "spec": {},
    "status": {}
}
"#),
    // kubectl create namespace dev -n other --save-config --dry-run=client -o yaml
    ("kubectl create namespace dev -n other --save-config --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Namespace
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"dev","creationTimestamp":null},"spec":{},"status":{}}
  creationTimestamp: null
  name: dev
spec: {}
status: {}
"#),
    // kubectl create namespace dev
    ("kubectl create namespace dev",
     r#"namespace/dev created
"#),
    // kubectl create ns dev
    ("kubectl create ns dev",
     r#"Error from server (AlreadyExists): namespaces "dev" already exists
"#),
    // kubectl create namespace
    ("kubectl create namespace",
     r#"error: exactly one NAME is required, got 0
See 'kubectl create namespace -h' for help and examples
"#),
    // kubectl create namespace a b
    ("kubectl create namespace a b",
     r#"error: exactly one NAME is required, got 2
See 'kubectl create namespace -h' for help and examples
"#),
    // kubectl create configmap cfg --from-literal=a=1 --from-literal=b=true --from-literal=c=hello --from-literal=d=x=y --from-literal=e='"quoted"' --dry-run=client -o yaml
    ("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=true --from-literal=c=hello --from-literal=d=x=y --from-literal=e='\"quoted\"' --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  a: "1"
  b: "true"
  c: hello
  d: x=y
  e: '"quoted"'
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: cfg
"#),
    // kubectl create configmap cfg --from-literal=a=1 --from-literal=b=true --dry-run=client -o json
    ("kubectl create configmap cfg --from-literal=a=1 --from-literal=b=true --dry-run=client -o json",
     r#"{
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "cfg",
        "creationTimestamp": null
    },
    "data": {
        "a": "1",
        "b": "true"
    }
}
"#),
    // kubectl create cm files --from-file=app.properties --from-file=greeting=motd --from-literal=z=last --dry-run=client -o yaml
    ("kubectl create cm files --from-file=app.properties --from-file=greeting=motd --from-literal=z=last --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  app.properties: |
    color=blue
    size=10
  greeting: |2
      indented first line
    second
  z: last
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: files
"#),
    // kubectl create cm files --from-file=no-newline --from-file=kept --from-file=trailing-space --from-file=tab --dry-run=client -o yaml
    ("kubectl create cm files --from-file=no-newline --from-file=kept --from-file=trailing-space --from-file=tab --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  kept: |+
    a

  no-newline: |-
    one
    two
  tab: "a\tb\nc\n"
  trailing-space: "a \nb\n"
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: files
"#),
    // kubectl create cm files --from-file=no-newline --from-file=kept --from-file=trailing-space --from-file=tab --dry-run=client -o json
    ("kubectl create cm files --from-file=no-newline --from-file=kept --from-file=trailing-space --from-file=tab --dry-run=client -o json",
     r#"{
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "files",
        "creationTimestamp": null
    },
    "data": {
        "kept": "a\n\n",
        "no-newline": "one\ntwo",
        "tab": "a\tb\nc\n",
        "trailing-space": "a \nb\n"
    }
}
"#),
    // kubectl create cm empty --dry-run=client -o yaml
    ("kubectl create cm empty --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: empty
"#),
    // kubectl create cm cfg --from-literal=a
    ("kubectl create cm cfg --from-literal=a",
     r#"error: invalid literal source a, expected key=value
"#),
    // kubectl create cm cfg --from-literal==b
    ("kubectl create cm cfg --from-literal==b",
     r#"error: invalid literal source =b, expected key=value
"#),
    // kubectl create cm cfg --from-literal=a=1 --from-literal=a=2
    ("kubectl create cm cfg --from-literal=a=1 --from-literal=a=2",
     r#"error: cannot add key "a", another key by that name already exists in Data for ConfigMap "cfg"
"#),
    // kubectl create cm cfg --from-literal=b@d=1
    ("kubectl create cm cfg --from-literal=b@d=1",
     r#"error: "b@d" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
"#),
    // kubectl create configmap
    ("kubectl create configmap",
     r#"error: exactly one NAME is required, got 0
See 'kubectl create configmap -h' for help and examples
"#),
    // kubectl create configmap cfg -n dev --from-literal=k=v
    ("kubectl create configmap cfg -n dev --from-literal=k=v",
     r#"configmap/cfg created
"#),
    // kubectl create configmap cfg -n dev --from-literal=k=v
    ("kubectl create configmap cfg -n dev --from-literal=k=v",
     r#"error: failed to create configmap: configmaps "cfg" already exists
"#),
    // kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml
    ("kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  type: ClusterIP
status:
  loadBalancer: {}
"#),
    // kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o json
    ("kubectl create service clusterip web --tcp=80:8080 --dry-run=client -o json",
     r#"{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "web",
        "creationTimestamp": null,
        "labels": {
            "app": "web"
        }
    },
    "spec": {
        "ports": [
            {
                "name": "80-8080",
                "protocol": "TCP",
                "port": 80,
                "targetPort": 8080
            }
        ],
        "selector": {
            "app": "web"
        },
        "type": "ClusterIP"
    },
    "status": {
        "loadBalancer": {}
    }
}
"#),
    // kubectl create service nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml
    ("kubectl create service nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: 80-8080
    nodePort: 30080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  type: NodePort
status:
  loadBalancer: {}
"#),
    // kubectl create svc loadbalancer web --tcp=80 --tcp=443:8443 --dry-run=client -o yaml
    ("kubectl create svc loadbalancer web --tcp=80 --tcp=443:8443 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  ports:
  - name: "80"
    port: 80
    protocol: TCP
    targetPort: 80
  - name: 443-8443
    port: 443
    protocol: TCP
    targetPort: 8443
  selector:
    app: web
  type: LoadBalancer
status:
  loadBalancer: {}
"#),
    // kubectl create service clusterip web --tcp=80,8443:https -n dev --dry-run=client -o yaml
    ("kubectl create service clusterip web --tcp=80,8443:https -n dev --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
  namespace: dev
spec:
  ports:
  - name: "80"
    port: 80
    protocol: TCP
    targetPort: 80
  - name: 8443-https
    port: 8443
    protocol: TCP
    targetPort: https
  selector:
    app: web
  type: ClusterIP
status:
  loadBalancer: {}
"#),
    // kubectl create service clusterip headless --clusterip=None --dry-run=client -o yaml
    ("kubectl create service clusterip headless --clusterip=None --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: headless
  name: headless
spec:
  clusterIP: None
  selector:
    app: headless
  type: ClusterIP
status:
  loadBalancer: {}
"#),
    // kubectl create service externalname ext --external-name=example.com --dry-run=client -o yaml
    ("kubectl create service externalname ext --external-name=example.com --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: ext
  name: ext
spec:
  externalName: example.com
  selector:
    app: ext
  type: ExternalName
status:
  loadBalancer: {}
"#),
    // kubectl create service externalname ext
    ("kubectl create service externalname ext",
     r#"E0000 00:00:00.000000       1 run.go:72] "command failed" err="required flag(s) \"external-name\" not set"
"#),
    // kubectl create service externalname ext --external-name=bad_name
    ("kubectl create service externalname ext --external-name=bad_name",
     r#"error: invalid service external name bad_name
"#),
    // kubectl create service clusterip s
    ("kubectl create service clusterip s",
     r#"error: at least one tcp port specifier must be provided
"#),
    // kubectl create service clusterip s --tcp=abc
    ("kubectl create service clusterip s --tcp=abc",
     r#"error: strconv.ParseUint: parsing "abc": invalid syntax
"#),
    // kubectl create service clusterip s --tcp=70000
    ("kubectl create service clusterip s --tcp=70000",
     r#"error: strconv.ParseUint: parsing "70000": value out of range
"#),
    // kubectl create service clusterip s --tcp=80:70000
    ("kubectl create service clusterip s --tcp=80:70000",
     r#"error: must be between 1 and 65535, inclusive
"#),
    // kubectl create service clusterip s --tcp=80:
    ("kubectl create service clusterip s --tcp=80:",
     r#"error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-),must contain at least one letter (a-z)
"#),
    // kubectl create service clusterip s --tcp=80 --node-port=30000
    ("kubectl create service clusterip s --tcp=80 --node-port=30000",
     r#"Error: unknown flag: --node-port
See 'kubectl create service clusterip --help' for usage.
"#),
    // kubectl create service nodeport s --tcp=80 --node-port=abc
    ("kubectl create service nodeport s --tcp=80 --node-port=abc",
     r#"Error: invalid argument "abc" for "--node-port" flag: strconv.ParseInt: parsing "abc": invalid syntax
See 'kubectl create service nodeport --help' for usage.
"#),
    // kubectl create service clusterip
    ("kubectl create service clusterip",
     r#"error: exactly one NAME is required, got 0
See 'kubectl create service clusterip -h' for help and examples
"#),
    // kubectl create service
    ("kubectl create service",
     r#"Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use "kubectl create service <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
"#),
    // kubectl create service foo s
    ("kubectl create service foo s",
     r#"error: unknown command "foo s"
See 'kubectl create service -h' for help and examples
"#),
    // kubectl create svc clusterip web-svc --tcp=80
    ("kubectl create svc clusterip web-svc --tcp=80",
     r#"service/web-svc created
"#),
    // kubectl create svc clusterip web-svc --tcp=80
    ("kubectl create svc clusterip web-svc --tcp=80",
     r#"error: failed to create ClusterIP service: services "web-svc" already exists
"#),
    // kubectl run nginx --image=nginx:1.25 --dry-run=client -o yaml
    ("kubectl run nginx --image=nginx:1.25 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx:1.25
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl run nginx --image=nginx:1.25 --dry-run=client -o json
    ("kubectl run nginx --image=nginx:1.25 --dry-run=client -o json",
     r#"{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "nginx",
        "creationTimestamp": null,
        "labels": {
            "run": "nginx"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "nginx",
                "image": "nginx:1.25",
                "resources": {}
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst"
    },
    "status": {}
}
"#),
    // kubectl run app --image=nginx --port=80 --labels=app=web,tier=fe --env=A=1 --env=B= --env=C=x=y --restart=Never --dry-run=client -o yaml -- --flag value
    ("kubectl run app --image=nginx --port=80 --labels=app=web,tier=fe --env=A=1 --env=B= --env=C=x=y --restart=Never --dry-run=client -o yaml -- --flag value",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: app
spec:
  containers:
  - args:
    - --flag
    - value
    env:
    - name: A
      value: "1"
    - name: B
    - name: C
      value: x=y
    image: nginx
    name: app
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Never
status: {}
"#),
    // kubectl run app --image=nginx --port=80 --labels=app=web --env=A=1 --restart=OnFailure --image-pull-policy=IfNotPresent --privileged --annotations=team=blue --annotations=note=a=b --dry-run=client -o json -- sleep 10
    ("kubectl run app --image=nginx --port=80 --labels=app=web --env=A=1 --restart=OnFailure --image-pull-policy=IfNotPresent --privileged --annotations=team=blue --annotations=note=a=b --dry-run=client -o json -- sleep 10",
     r#"{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "app",
        "creationTimestamp": null,
        "labels": {
            "app": "web"
        },
        "annotations": {
            "note": "a=b",
            "team": "blue"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "app",
                "image": "nginx",
                "args": [
                    "sleep",
                    "10"
                ],
                "ports": [
                    {
                        "containerPort": 80
                    }
                ],
                "env": [
                    {
                        "name": "A",
                        "value": "1"
                    }
                ],
                "resources": {},
                "imagePullPolicy": "IfNotPresent",
                "securityContext": {
                    "privileged": true
                }
            }
        ],
        "restartPolicy": "OnFailure",
        "dnsPolicy": "ClusterFirst"
    },
    "status": {}
}
"#),
    // kubectl run sh --image=busybox --command --dry-run=client -o yaml -- sh -c 'echo hi'
    ("kubectl run sh --image=busybox --command --dry-run=client -o yaml -- sh -c 'echo hi'",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: sh
  name: sh
spec:
  containers:
  - command:
    - sh
    - -c
    - echo hi
    image: busybox
    name: sh
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl run sh --image=busybox --command --dry-run=client -o yaml
    ("kubectl run sh --image=busybox --command --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: sh
  name: sh
spec:
  containers:
  - image: busybox
    name: sh
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl run a b c --image=nginx --dry-run=client -o yaml
    ("kubectl run a b c --image=nginx --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: a
  name: a
spec:
  containers:
  - args:
    - b
    - c
    image: nginx
    name: a
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl run scoped --image=nginx -n dev --dry-run=client -o yaml
    ("kubectl run scoped --image=nginx -n dev --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: scoped
  name: scoped
  namespace: dev
spec:
  containers:
  - image: nginx
    name: scoped
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl run web --image=nginx --port=80 --expose --dry-run=client -o yaml
    ("kubectl run web --image=nginx --port=80 --expose --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: web
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    run: web
status:
  loadBalancer: {}
---
---
apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: web
  name: web
spec:
  containers:
  - image: nginx
    name: web
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl run web --image=nginx --port=80 --expose --labels=app=web,tier=fe --dry-run=client -o json
    ("kubectl run web --image=nginx --port=80 --expose --labels=app=web,tier=fe --dry-run=client -o json",
     r#"{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "web",
        "creationTimestamp": null,
        "labels": {
            "app": "web",
            "tier": "fe"
        }
    },
    "spec": {
        "ports": [
            {
                "protocol": "TCP",
                "port": 80,
                "targetPort": 80
            }
        ],
        "selector": {
            "app": "web",
            "tier": "fe"
        }
    },
    "status": {
        "loadBalancer": {}
    }
}
{
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "web",
        "creationTimestamp": null,
        "labels": {
            "app": "web",
            "tier": "fe"
        }
    },
    "spec": {
        "containers": [
            {
                "name": "web",
                "image": "nginx",
                "ports": [
                    {
                        "containerPort": 80
                    }
                ],
                "resources": {}
            }
        ],
        "restartPolicy": "Always",
        "dnsPolicy": "ClusterFirst"
    },
    "status": {}
}
"#),
    // kubectl run web --image=nginx --port=80 --expose --dry-run=client
    ("kubectl run web --image=nginx --port=80 --expose --dry-run=client",
     r#"service/web created (dry run)
pod/web created (dry run)
"#),
    // kubectl run web --image=nginx --expose
    ("kubectl run web --image=nginx --expose",
     r#"error: --port must be set when exposing a service
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web
    ("kubectl run web",
     r#"E0000 00:00:00.000000       1 run.go:72] "command failed" err="required flag(s) \"image\" not set"
"#),
    // kubectl run --image=nginx
    ("kubectl run --image=nginx",
     r#"error: NAME is required for run
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web --image=
    ("kubectl run web --image=",
     r#"error: --image is required
"#),
    // kubectl run web --image=Nginx
    ("kubectl run web --image=Nginx",
     r#"error: Invalid image name "Nginx": invalid reference format
"#),
    // kubectl run web --image=nginx:
    ("kubectl run web --image=nginx:",
     r#"error: Invalid image name "nginx:": invalid reference format
"#),
    // kubectl run web --image=nginx --restart=Sometimes
    ("kubectl run web --image=nginx --restart=Sometimes",
     r#"error: invalid restart policy: Sometimes
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web --image=nginx --image-pull-policy=Sometimes
    ("kubectl run web --image=nginx --image-pull-policy=Sometimes",
     r#"error: invalid image pull policy: Sometimes
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web --image=nginx --labels=bad
    ("kubectl run web --image=nginx --labels=bad",
     r#"error: unexpected label spec: bad
"#),
    // kubectl run web --image=nginx --labels==x
    ("kubectl run web --image=nginx --labels==x",
     r#"error: unexpected empty label key
"#),
    // kubectl run web --image=nginx --env=NOEQ
    ("kubectl run web --image=nginx --env=NOEQ",
     r#"error: invalid env: NOEQ
"#),
    // kubectl run web --image=nginx --env=1A=x
    ("kubectl run web --image=nginx --env=1A=x",
     r#"error: invalid env: 1A=x
"#),
    // kubectl run web --image=nginx --annotations=bad
    ("kubectl run web --image=nginx --annotations=bad",
     r#"error: invalid annotations format: bad
"#),
    // kubectl run web --image=nginx --port=abc
    ("kubectl run web --image=nginx --port=abc",
     r#"error: strconv.Atoi: parsing "abc": invalid syntax
"#),
    // kubectl run web --image=nginx -t
    ("kubectl run web --image=nginx -t",
     r#"error: -i/--stdin is required for containers with -t/--tty=true
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web --image=nginx -it --dry-run=client -o yaml
    ("kubectl run web --image=nginx -it --dry-run=client -o yaml",
     r#"error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web --image=nginx --rm
    ("kubectl run web --image=nginx --rm",
     r#"error: --rm should only be used for attached containers
See 'kubectl run -h' for help and examples
"#),
    // kubectl run web --image=nginx --dry-run=client -o wide
    ("kubectl run web --image=nginx --dry-run=client -o wide",
     r#"error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml
"#),
    // kubectl run p2 --image=nginx
    ("kubectl run p2 --image=nginx",
     r#"pod/p2 created
"#),
    // kubectl run p2 --image=nginx
    ("kubectl run p2 --image=nginx",
     r#"Error from server (AlreadyExists): pods "p2" already exists
"#),
    // kubectl run p2 --image=nginx -o name
    ("kubectl run p2 --image=nginx -o name",
     r#"Error from server (AlreadyExists): pods "p2" already exists
"#),
    // kubectl run p3 --image=nginx --port=80 --expose
    ("kubectl run p3 --image=nginx --port=80 --expose",
     r#"service/p3 created
pod/p3 created
"#),
    // kubectl run p4 --image=nginx --port=80 --expose -o name
    ("kubectl run p4 --image=nginx --port=80 --expose -o name",
     r#"service/p4
pod/p4
"#),
    // kubectl expose deployment web --dry-run=client -o yaml
    ("kubectl expose deployment web --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: web
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: web
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment web --dry-run=client -o json
    ("kubectl expose deployment web --dry-run=client -o json",
     r#"{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "web",
        "creationTimestamp": null,
        "labels": {
            "app": "web",
            "tier": "fe"
        }
    },
    "spec": {
        "ports": [
            {
                "protocol": "TCP",
                "port": 80,
                "targetPort": 80
            }
        ],
        "selector": {
            "app": "web"
        }
    },
    "status": {
        "loadBalancer": {}
    }
}
"#),
    // kubectl expose deploy/web --port=8080 --target-port=80 --name=web-np --type=NodePort --dry-run=client -o yaml
    ("kubectl expose deploy/web --port=8080 --target-port=80 --name=web-np --type=NodePort --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: web-np
spec:
  ports:
  - port: 8080
    protocol: TCP
    targetPort: 80
  selector:
    app: web
  type: NodePort
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment web --port=80 --target-port=http --labels=a=b --selector=app=other,x=y --type=LoadBalancer --load-balancer-ip=1.2.3.4 --external-ip=5.6.7.8 --session-affinity=ClientIP --dry-run=client -o yaml
    ("kubectl expose deployment web --port=80 --target-port=http --labels=a=b --selector=app=other,x=y --type=LoadBalancer --load-balancer-ip=1.2.3.4 --external-ip=5.6.7.8 --session-affinity=ClientIP --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    a: b
  name: web
spec:
  externalIPs:
  - 5.6.7.8
  loadBalancerIP: 1.2.3.4
  ports:
  - port: 80
    protocol: TCP
    targetPort: http
  selector:
    app: other
    x: "y"
  sessionAffinity: ClientIP
  type: LoadBalancer
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment web --port=80,443 --dry-run=client -o yaml
    ("kubectl expose deployment web --port=80,443 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: web
spec:
  ports:
  - name: port-1
    port: 80
    protocol: TCP
    targetPort: 80
  - name: port-2
    port: 443
    protocol: TCP
    targetPort: 443
  selector:
    app: web
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment web --port=80 --cluster-ip=None -n default --dry-run=client -o yaml
    ("kubectl expose deployment web --port=80 --cluster-ip=None -n default --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: web
  namespace: default
spec:
  clusterIP: None
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: web
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment multi --dry-run=client -o yaml
    ("kubectl expose deployment multi --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: multi
  name: multi
spec:
  ports:
  - name: port-1
    port: 80
    protocol: TCP
    targetPort: 80
  - name: port-2
    port: 53
    protocol: UDP
    targetPort: 53
  - name: port-3
    port: 9090
    protocol: TCP
    targetPort: 9090
  selector:
    app: multi
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment multi --protocol=UDP --dry-run=client -o yaml
    ("kubectl expose deployment multi --protocol=UDP --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: multi
  name: multi
spec:
  ports:
  - name: port-1
    port: 80
    protocol: UDP
    targetPort: 80
  - name: port-2
    port: 53
    protocol: UDP
    targetPort: 53
  - name: port-3
    port: 9090
    protocol: UDP
    targetPort: 9090
  selector:
    app: multi
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment multi --target-port=8080 --dry-run=client -o yaml
    ("kubectl expose deployment multi --target-port=8080 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: multi
  name: multi
spec:
  ports:
  - name: port-1
    port: 80
    protocol: TCP
    targetPort: 8080
  - name: port-2
    port: 53
    protocol: UDP
    targetPort: 8080
  - name: port-3
    port: 9090
    protocol: TCP
    targetPort: 8080
  selector:
    app: multi
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment multi --port=53 --dry-run=client -o yaml
    ("kubectl expose deployment multi --port=53 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: multi
  name: multi
spec:
  ports:
  - port: 53
    protocol: UDP
    targetPort: 53
  selector:
    app: multi
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment noport
    ("kubectl expose deployment noport",
     r#"error: couldn't find port via --port flag or introspection
"#),
    // kubectl expose deployment noport --cluster-ip=None --dry-run=client -o yaml
    ("kubectl expose deployment noport --cluster-ip=None --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  name: noport
spec:
  clusterIP: None
  selector:
    app: noport
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment expr --port=80
    ("kubectl expose deployment expr --port=80",
     r#"error: couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions - "[{Key:tier Operator:In Values:[a b]}]" to map-based selector format
"#),
    // kubectl expose pod p --dry-run=client -o yaml
    ("kubectl expose pod p --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    run: p
  name: p
spec:
  ports:
  - port: 8080
    protocol: TCP
    targetPort: 8080
  selector:
    run: p
status:
  loadBalancer: {}
"#),
    // kubectl expose pod nolabels
    ("kubectl expose pod nolabels",
     r#"error: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed
"#),
    // kubectl expose rs rs1 --port=80 --protocol=UDP --dry-run=client -o yaml
    ("kubectl expose rs rs1 --port=80 --protocol=UDP --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: rs1
  name: rs1
spec:
  ports:
  - port: 80
    protocol: UDP
    targetPort: 80
  selector:
    app: rs1
status:
  loadBalancer: {}
"#),
    // kubectl expose svc svc1 --port=443 --name=svc2 --dry-run=client -o yaml
    ("kubectl expose svc svc1 --port=443 --name=svc2 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: svc1
  name: svc2
spec:
  ports:
  - port: 443
    protocol: TCP
    targetPort: 443
  selector:
    app: svc1
status:
  loadBalancer: {}
"#),
    // kubectl expose svc svc1 --dry-run=client -o yaml
    ("kubectl expose svc svc1 --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: svc1
  name: svc1
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: svc1
status:
  loadBalancer: {}
"#),
    // kubectl expose deployment web --port=abc
    ("kubectl expose deployment web --port=abc",
     r#"error: strconv.Atoi: parsing "abc": invalid syntax
"#),
    // kubectl expose deployment web --port=80 --session-affinity=Sticky
    ("kubectl expose deployment web --port=80 --session-affinity=Sticky",
     r#"error: unknown session affinity: Sticky
"#),
    // kubectl expose deployment web --port=80 --dry-run=client
    ("kubectl expose deployment web --port=80 --dry-run=client",
     r#"service/web exposed (dry run)
"#),
    // kubectl expose deployment missing --port=80
    ("kubectl expose deployment missing --port=80",
     r#"Error from server (NotFound): deployments.apps "missing" not found
"#),
    // kubectl expose configmap cm --port=80
    ("kubectl expose configmap cm --port=80",
     r#"error: cannot expose a ConfigMap
"#),
    // kubectl expose foo bar
    ("kubectl expose foo bar",
     r#"error: the server doesn't have a resource type "foo"
"#),
    // kubectl expose deployment
    ("kubectl expose deployment",
     r#"error: resource(s) were provided, but no name was specified
"#),
    // kubectl expose
    ("kubectl expose",
     r#"error: You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'
"#),
    // kubectl expose deployment web
    ("kubectl expose deployment web",
     r#"service/web exposed
"#),
    // kubectl expose deployment web
    ("kubectl expose deployment web",
     r#"Error from server (AlreadyExists): services "web" already exists
"#),
    // kubectl expose pod p --name=p-svc -o name
    ("kubectl expose pod p --name=p-svc -o name",
     r#"service/p-svc
"#),
    // kubectl create configmap yaml --from-literal=plain=hello --from-literal=empty= --from-literal=int=80 --from-literal=neg=-1 --from-literal=float=1.5 --from-literal=exp=1e3 --from-literal=dot=.5 --from-literal=hex=0x1F --from-literal=oct=017 --from-literal=bad-oct=08 --from-literal=under=1_000 --from-literal=sexa=1:20 --from-literal=ports=80:8080 --from-literal=date=2024-08-13 --from-literal=ts=2024-8-1T1:2:3Z --from-literal=baddate=2024-02-30 --from-literal=time='2024-08-13 10:00:00' --from-literal=inf=.inf --from-literal=pinf=+.inf --from-literal=nan=.NaN --from-literal=tilde=~ --from-literal=null=null --from-literal=y=y --from-literal=Yes=Yes --from-literal=on=on --from-literal=off=OFF --from-literal=merge='<<' --from-literal=big=12345678901234567890 --from-literal=bin=0b101 --from-literal=negbin=-0b11 --from-literal=ver=1.2.3 --dry-run=client -o yaml
    ("kubectl create configmap yaml --from-literal=plain=hello --from-literal=empty= --from-literal=int=80 --from-literal=neg=-1 --from-literal=float=1.5 --from-literal=exp=1e3 --from-literal=dot=.5 --from-literal=hex=0x1F --from-literal=oct=017 --from-literal=bad-oct=08 --from-literal=under=1_000 --from-literal=sexa=1:20 --from-literal=ports=80:8080 --from-literal=date=2024-08-13 --from-literal=ts=2024-8-1T1:2:3Z --from-literal=baddate=2024-02-30 --from-literal=time='2024-08-13 10:00:00' --from-literal=inf=.inf --from-literal=pinf=+.inf --from-literal=nan=.NaN --from-literal=tilde=~ --from-literal=null=null --from-literal=y=y --from-literal=Yes=Yes --from-literal=on=on --from-literal=off=OFF --from-literal=merge='<<' --from-literal=big=12345678901234567890 --from-literal=bin=0b101 --from-literal=negbin=-0b11 --from-literal=ver=1.2.3 --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  "Yes": "Yes"
  bad-oct: "08"
  baddate: 2024-02-30
  big: "12345678901234567890"
  bin: "0b101"
  date: "2024-08-13"
  dot: ".5"
  empty: ""
  exp: "1e3"
  float: "1.5"
  hex: "0x1F"
  inf: ".inf"
  int: "80"
  merge: <<
  nan: ".NaN"
  neg: "-1"
  negbin: "-0b11"
  "null": "null"
  oct: "017"
  "off": "OFF"
  "on": "on"
  pinf: "+.inf"
  plain: hello
  ports: 80:8080
  sexa: "1:20"
  tilde: "~"
  time: "2024-08-13 10:00:00"
  ts: "2024-8-1T1:2:3Z"
  under: "1_000"
  ver: 1.2.3
  "y": "y"
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: yaml
"#),
    // kubectl create configmap yaml --from-literal=colon='x: y' --from-literal=colonend='x:' --from-literal=star='*' --from-literal=dash='- a' --from-literal=dashword=-a --from-literal=lead=':a' --from-literal=q='?a' --from-literal=hash='#a' --from-literal=hashmid='a #b' --from-literal=hashword='a#b' --from-literal=space=' lead' --from-literal=trail='trail ' --from-literal=apos="it's" --from-literal=back='a\b' --from-literal=at=@x --from-literal=pct=%x --from-literal=tick='`x' --from-literal=bang='!x' --from-literal=amp='&x' --from-literal=pipe='|x' --from-literal=gt='>x' --from-literal=brace='{x' --from-literal=bracket='[x' --from-literal=comma=',x' --from-literal=dashes=--- --from-literal=dots='...x' --from-literal=csv=a,b --from-literal=dash1=- --from-literal=plus=+1 --from-literal=True=True --from-literal=NO=NO --from-literal=dot1=. --from-literal=dot2=.. --from-literal=tab='a	b' --from-literal=uni=é --from-literal=emoji=🙂 --from-literal=amp2='a&b<c>' --dry-run=client -o yaml
    ("kubectl create configmap yaml --from-literal=colon='x: y' --from-literal=colonend='x:' --from-literal=star='*' --from-literal=dash='- a' --from-literal=dashword=-a --from-literal=lead=':a' --from-literal=q='?a' --from-literal=hash='#a' --from-literal=hashmid='a #b' --from-literal=hashword='a#b' --from-literal=space=' lead' --from-literal=trail='trail ' --from-literal=apos=\"it's\" --from-literal=back='a\\b' --from-literal=at=@x --from-literal=pct=%x --from-literal=tick='`x' --from-literal=bang='!x' --from-literal=amp='&x' --from-literal=pipe='|x' --from-literal=gt='>x' --from-literal=brace='{x' --from-literal=bracket='[x' --from-literal=comma=',x' --from-literal=dashes=--- --from-literal=dots='...x' --from-literal=csv=a,b --from-literal=dash1=- --from-literal=plus=+1 --from-literal=True=True --from-literal=NO=NO --from-literal=dot1=. --from-literal=dot2=.. --from-literal=tab='a\tb' --from-literal=uni=é --from-literal=emoji=🙂 --from-literal=amp2='a&b<c>' --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  "NO": "NO"
  "True": "True"
  amp: '&x'
  amp2: a&b<c>
  apos: it's
  at: '@x'
  back: a\b
  bang: '!x'
  brace: '{x'
  bracket: '[x'
  colon: 'x: y'
  colonend: 'x:'
  comma: ',x'
  csv: a,b
  dash: '- a'
  dash1: '-'
  dashes: '---'
  dashword: -a
  dot1: .
  dot2: ..
  dots: '...x'
  emoji: "\U0001F642"
  gt: '>x'
  hash: '#a'
  hashmid: 'a #b'
  hashword: a#b
  lead: :a
  pct: '%x'
  pipe: '|x'
  plus: "+1"
  q: ?a
  space: ' lead'
  star: '*'
  tab: "a\tb"
  tick: '`x'
  trail: 'trail '
  uni: é
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: yaml
"#),
    // kubectl create configmap yaml --from-literal=apos="it's" --from-literal=back='a\b' --from-literal=tab='a	b' --from-literal=uni=é --from-literal=emoji=🙂 --from-literal=amp2='a&b<c>' --dry-run=client -o json
    ("kubectl create configmap yaml --from-literal=apos=\"it's\" --from-literal=back='a\\b' --from-literal=tab='a\tb' --from-literal=uni=é --from-literal=emoji=🙂 --from-literal=amp2='a&b<c>' --dry-run=client -o json",
     r#"{
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {
        "name": "yaml",
        "creationTimestamp": null
    },
    "data": {
        "amp2": "a\u0026b\u003cc\u003e",
        "apos": "it's",
        "back": "a\\b",
        "emoji": "🙂",
        "tab": "a\tb",
        "uni": "é"
    }
}
"#),
    // kubectl create configmap fold --from-literal=long='Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' --from-literal=longsingle='*Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc.' --from-literal=longdouble='Contains	a CA bundle that can be used to verify the kube-apiserver when using  internal endpoints such as the internal service IP or kubernetes.default.svc.' --from-literal=longword=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --from-literal=spaces='one two  three   four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen' --dry-run=client -o yaml
    ("kubectl create configmap fold --from-literal=long='Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' --from-literal=longsingle='*Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc.' --from-literal=longdouble='Contains\ta CA bundle that can be used to verify the kube-apiserver when using  internal endpoints such as the internal service IP or kubernetes.default.svc.' --from-literal=longword=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --from-literal=spaces='one two  three   four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen' --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  long: Contains a CA bundle that can be used to verify the kube-apiserver when using
    internal endpoints such as the internal service IP or kubernetes.default.svc.
    No other usage is guaranteed across distributions of Kubernetes clusters.
  longdouble: "Contains\ta CA bundle that can be used to verify the kube-apiserver
    when using  internal endpoints such as the internal service IP or kubernetes.default.svc."
  longsingle: '*Contains a CA bundle that can be used to verify the kube-apiserver
    when using internal endpoints such as the internal service IP or kubernetes.default.svc.'
  longword: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  spaces: one two  three   four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: fold
"#),
    // kubectl run keys --image=nginx --annotations=80=x --annotations=y=1 --annotations='a b=c' --annotations='x: y=z' --annotations='"q"=v' --annotations=key10=a --annotations=key9=b --annotations=key_a=c --annotations=keyB=d --annotations=key-a=e --annotations=key.a=f --annotations=Key=g --annotations=kéy=h --annotations=a01=i --annotations=a1=j --annotations=a001=k --annotations=a10b=l --annotations=a9b=m --dry-run=client -o yaml
    ("kubectl run keys --image=nginx --annotations=80=x --annotations=y=1 --annotations='a b=c' --annotations='x: y=z' --annotations='\"q\"=v' --annotations=key10=a --annotations=key9=b --annotations=key_a=c --annotations=keyB=d --annotations=key-a=e --annotations=key.a=f --annotations=Key=g --annotations=kéy=h --annotations=a01=i --annotations=a1=j --annotations=a001=k --annotations=a10b=l --annotations=a9b=m --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Pod
metadata:
  annotations:
    '"q"': v
    "80": x
    Key: g
    a b: c
    a1: j
    a01: i
    a001: k
    a9b: m
    a10b: l
    key-a: e
    key.a: f
    key_a: c
    key9: b
    key10: a
    keyB: d
    kéy: h
    'x: y': z
    "y": "1"
  creationTimestamp: null
  labels:
    run: keys
  name: keys
spec:
  containers:
  - image: nginx
    name: keys
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl create cm kept --from-file=kept --dry-run=client -o yaml
    ("kubectl create cm kept --from-file=kept --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  kept: |+
    a

kind: ConfigMap
metadata:
  creationTimestamp: null
  name: kept
"#),
    // kubectl create cm env --from-env-file=app.env --dry-run=client -o yaml
    ("kubectl create cm env --from-env-file=app.env --dry-run=client -o yaml",
     r#"apiVersion: v1
data:
  A: "1"
  B: two words
  C: indented
  D: ""
kind: ConfigMap
metadata:
  creationTimestamp: null
  name: env
"#),
    // kubectl create cm env --from-env-file=bad.env
    ("kubectl create cm env --from-env-file=bad.env",
     r#"error: "1BAD" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')
"#),
    // kubectl create cm env --from-env-file=app.env --from-literal=a=b
    ("kubectl create cm env --from-env-file=app.env --from-literal=a=b",
     r#"error: from-env-file cannot be combined with from-file or from-literal
"#),
    // kubectl create cm env --from-file=nope
    ("kubectl create cm env --from-file=nope",
     r#"error: error reading nope: no such file or directory
"#),
    // kubectl create cm env --from-file==app.env
    ("kubectl create cm env --from-file==app.env",
     r#"error: key name for file path app.env missing
"#),
    // kubectl create cm env --from-file=k=
    ("kubectl create cm env --from-file=k=",
     r#"error: file path for key name k missing
"#),
    // kubectl create cm env --from-file=k=app.env --from-file=k=bad.env
    ("kubectl create cm env --from-file=k=app.env --from-file=k=bad.env",
     r#"error: cannot add key "k", another key by that name already exists in Data for ConfigMap "env"
"#),
    // kubectl run p5 --image=nginx -n nowhere
    ("kubectl run p5 --image=nginx -n nowhere",
     r#"Error from server (NotFound): namespaces "nowhere" not found
"#),
    // kubectl expose deployment web -n nowhere --port=80
    ("kubectl expose deployment web -n nowhere --port=80",
     r#"Error from server (NotFound): namespaces "nowhere" not found
"#),
    // kubectl create service nodeport np --tcp=80:8080 -n dev --save-config --dry-run=client -o json
    ("kubectl create service nodeport np --tcp=80:8080 -n dev --save-config --dry-run=client -o json",
     r#"{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "np",
        "namespace": "dev",
        "creationTimestamp": null,
        "labels": {
            "app": "np"
        }
    },
    "spec": {
        "ports": [
            {
                "name": "80-8080",
                "protocol": "TCP",
                "port": 80,
                "targetPort": 8080
            }
        ],
        "selector": {
            "app": "np"
        },
        "type": "NodePort"
    },
    "status": {
        "loadBalancer": {}
    }
}
"#),
    // kubectl run saved --image=nginx --labels=app=saved --save-config --dry-run=client -o yaml
    ("kubectl run saved --image=nginx --labels=app=saved --save-config --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    app: saved
  name: saved
spec:
  containers:
  - image: nginx
    name: saved
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"#),
    // kubectl expose deployment web --port=80 --save-config --dry-run=client -o yaml
    ("kubectl expose deployment web --port=80 --save-config --dry-run=client -o yaml",
     r#"apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: web
    tier: fe
  name: web
spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: web
status:
  loadBalancer: {}
"#),
    // kubectl create deployment web2 --image=nginx --dry-run=server
    ("kubectl create deployment web2 --image=nginx --dry-run=server",
     r#"error: failed to create deployment: deployments.apps "web2" already exists
"#),
    // kubectl create deployment web9 --image=nginx --dry-run=server
    ("kubectl create deployment web9 --image=nginx --dry-run=server",
     r#"deployment.apps/web9 created (server dry run)
"#),
];
