//! Hostile input never panics: thousands of garbled command lines and mutated manifests
//! (from the real-world corpus) each end in output or an error. Deterministic: the seed is
//! printed with any failure.

use kubelab_engine::rng::Pcg32;
use kubelab_engine::Engine;
use kubelab_kubectl::{apply_manifest, execute, Ctx, NoFiles};
use std::panic::{catch_unwind, AssertUnwindSafe};

const WORDS: &[&str] = &[
    "kubectl",
    "k",
    "lab",
    "get",
    "apply",
    "create",
    "delete",
    "scale",
    "version",
    "pods",
    "po",
    "deploy",
    "deployment.apps",
    "rs",
    "svc",
    "ep",
    "no",
    "ns",
    "cm",
    "ev",
    "all",
    "web",
    "-n",
    "default",
    "-A",
    "-o",
    "wide",
    "yaml",
    "json",
    "name",
    "-l",
    "app=web",
    "app in (a,b)",
    "!app",
    "--field-selector",
    "spec.nodeName=node-1",
    "--sort-by",
    ".metadata.name",
    "--replicas",
    "--replicas=3",
    "--replicas=-1",
    "-f",
    "-",
    "--cascade=orphan",
    "--grace-period=0",
    "--force",
    "advance",
    "5m",
    "1h",
    "x",
    "node",
    "kill",
    "restore",
    "node-1",
    "node-9",
    "'",
    "\"",
    "\\",
    "--",
    "-",
    "--foo",
    "-z",
    "=",
    "é",
    "🙂",
    "deploy/web",
    "pods,svc",
    "--show-labels",
    "-L",
    "app",
    "--no-headers",
    "help",
    "-owide",
    "--namespace=",
    "99999999999",
];

fn garbled_line(r: &mut Pcg32) -> String {
    let n = 1 + r.below(7) as usize;
    let mut parts = Vec::new();
    if r.below(4) != 0 {
        parts.push(["kubectl", "lab", "k"][r.below(3) as usize].to_string());
    }
    for _ in 0..n {
        let w = WORDS[r.below(WORDS.len() as u32) as usize];
        if r.below(10) == 0 {
            // a random byte-level mutation
            let mut s: Vec<char> = w.chars().collect();
            if !s.is_empty() {
                let i = r.below(s.len() as u32) as usize;
                s[i] = char::from_u32(0x20 + r.below(0x250)).unwrap_or('?');
            }
            parts.push(s.into_iter().collect());
        } else {
            parts.push(w.to_string());
        }
    }
    parts.join(" ")
}

#[test]
fn thousands_of_garbled_command_lines_never_panic() {
    let seed = 20261122;
    let mut r = Pcg32::new(seed);
    let mut engine = Engine::new(1);
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx:1.25}]}\n";
    apply_manifest(&mut engine, manifest, "web.yaml", "default");
    for i in 0..3000 {
        let line = garbled_line(&mut r);
        // Keep the clock sane: no hour-long advances in a loop.
        if line.contains("advance") && (line.contains("1h") || line.contains("99999999999")) {
            continue;
        }
        let stdin = if r.below(3) == 0 { Some(manifest) } else { None };
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut observe = |_: &Engine| {};
            let mut ctx = Ctx { files: &NoFiles, stdin, observe: &mut observe };
            execute(&mut engine, &line, &mut ctx)
        }));
        assert!(result.is_ok(), "seed {seed}, case {i}: panicked on {line:?}");
    }
}

fn corpus_texts() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
                out.push(std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn mutated_manifests_never_panic() {
    let seed = 7;
    let mut r = Pcg32::new(seed);
    let mut texts = corpus_texts();
    texts.push("a: [\n".into());
    texts.push("- 1\n- 2\n".into());
    texts.push("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx, ports: [{containerPort: 99999999999}]}]}\n".into());
    texts.push("&a [*a]".into());
    texts.push(format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep}}\ndata: {}\n", "[".repeat(200)));
    let mut engine = Engine::new(1);
    let mut cases = 0;
    for (ti, t) in texts.iter().enumerate() {
        for m in 0..12 {
            let mut bytes: Vec<char> = t.chars().collect();
            for _ in 0..(m % 4) {
                if bytes.is_empty() {
                    break;
                }
                let i = r.below(bytes.len() as u32) as usize;
                match r.below(4) {
                    0 => {
                        bytes.remove(i);
                    }
                    1 => bytes.insert(i, [':', '-', ' ', '\n', '{', '"', '\t', '0'][r.below(8) as usize]),
                    2 => bytes[i] = 'x',
                    _ => bytes.truncate(i),
                }
            }
            let text: String = bytes.into_iter().collect();
            let result = catch_unwind(AssertUnwindSafe(|| apply_manifest(&mut engine, &text, "m.yaml", "default")));
            assert!(result.is_ok(), "seed {seed}: text {ti} mutation {m} panicked:\n{text}");
            cases += 1;
        }
        // Keep the cluster moving so controllers see what was applied.
        engine.advance(2_000, &mut |_| {});
    }
    println!("{cases} manifests applied without a panic");
}

const VM_WORDS: &[&str] = &[
    "docker",
    "run",
    "ps",
    "-a",
    "logs",
    "stop",
    "kill",
    "rm",
    "-f",
    "start",
    "exec",
    "-i",
    "cp",
    "network",
    "create",
    "ls",
    "images",
    "pull",
    "--name",
    "app",
    "proxy",
    "lb",
    "--rm",
    "-d",
    "-p",
    "80:80",
    "3000:3000",
    "abc",
    ":",
    "--network",
    "appanet",
    "host",
    "--net",
    "-v",
    "/root/lb.conf:/etc/nginx/conf.d/lb.conf",
    "--add-host",
    "app:127.0.0.1",
    "ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0",
    "ghcr.io/iximiuz/labs/kubernetes-101/proxy:v1.0.0",
    "ghcr.io/iximiuz/labs/kubernetes-101/lb:v1.0.0",
    "ghcr.io/six-ddc/plow",
    "-c",
    "2",
    "nginx",
    "-s",
    "reload",
    "-t",
    "cat",
    ">",
    ">>",
    "lb.conf",
    "/etc/nginx/conf.d/lb.conf",
    "sh",
    "sed",
    "s/9/1/",
    "curl",
    "localhost",
    "172.16.0.2",
    "172.16.0.3:3000",
    "172.18.0.2",
    "-m",
    "0.5",
    "ip",
    "link",
    "set",
    "eth0",
    "down",
    "up",
    "addr",
    "hostname",
    "echo",
    "tee",
    "kubectl",
    "'",
    "\"",
    "",
    "é",
    "🙂",
    "--",
    "-x",
];

#[test]
fn garbled_machine_commands_never_panic() {
    let seed = 61122;
    let mut r = Pcg32::new(seed);
    let mut engine = Engine::new(1);
    let conf = "upstream services {\n server 172.16.0.3:80 weight=9;\n server 172.16.0.4:80;\n}\nserver { listen 80; location / { proxy_pass http://services; } }\n";
    for i in 0..3000 {
        let n = 1 + r.below(8) as usize;
        let vm = ["vm-1", "vm-2", "lb", "vm-9"][r.below(4) as usize];
        let mut line = format!("lab on {vm}");
        if i == 0 {
            line = "lab lan up".into();
        }
        for _ in 0..n {
            let w = VM_WORDS[r.below(VM_WORDS.len() as u32) as usize];
            line.push(' ');
            line.push_str(if w.is_empty() { "''" } else { w });
        }
        let stdin = if r.below(2) == 0 { Some(conf) } else { Some("}{ garbage ;;") };
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut observe = |_: &Engine| {};
            let mut ctx = Ctx { files: &NoFiles, stdin, observe: &mut observe };
            execute(&mut engine, &line, &mut ctx)
        }));
        assert!(result.is_ok(), "seed {seed}, case {i}: panicked on {line:?}");
        if i % 500 == 499 {
            // Keep the load generator from running for ever between cases.
            engine.stop_load();
        }
    }
}
