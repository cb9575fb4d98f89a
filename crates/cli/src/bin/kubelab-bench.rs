//! `cargo run --profile native -p kubelab --bin kubelab-bench [-- NAME...]`: the engine's
//! benchmarks from the performance issue, measured natively and printed one line each
//! (figures, not pass/fail). Names: ready-10k, hold-100k, hour-100, rollout-1k,
//! traffic-500, hpa-1k, hpa-ingress-1k (default: all). Wall time comes from std::time here; the engine itself never reads it.

use kubelab_engine::{ClusterConfig, Engine, NodeConfig};
use kubelab_kubectl::{apply_manifest, execute, Ctx, NoFiles};
use std::time::Instant;

fn cluster(workers: usize, cpu_millis: i64, memory_gib: i64) -> Engine {
    let mut config = ClusterConfig::default();
    config.nodes.truncate(1);
    config.max_pods = 200_000;
    for i in 1..=workers {
        let mut n = NodeConfig::worker(&format!("node-{i}"));
        n.cpu_millis = cpu_millis;
        n.memory_bytes = memory_gib << 30;
        config.nodes.push(n);
    }
    let mut e = Engine::with_config(config, 1);
    e.settle();
    e
}

fn run(e: &mut Engine, line: &str) {
    execute(e, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
}

fn deployment(name: &str, replicas: u32, image: &str, probe: bool) -> String {
    let probe = if probe { "\n        readinessProbe: {tcpSocket: {port: 3000}, periodSeconds: 2}" } else { "" };
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n  strategy: {{rollingUpdate: {{maxSurge: 25%, maxUnavailable: 0}}}}\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - name: app\n        image: {image}{probe}\n"
    )
}

/// Runs the clock until `done` holds (looked at every simulated second), at most `limit_s`.
fn until(e: &mut Engine, limit_s: u64, done: impl Fn(&Engine) -> bool) -> Option<u64> {
    let start = e.now().0;
    for _ in 0..limit_s {
        if done(e) {
            return Some(e.now().0 - start);
        }
        e.advance(1_000, &mut |_| {});
    }
    done(e).then(|| e.now().0 - start)
}

fn available(e: &Engine, name: &str) -> i32 {
    e.store()
        .deployments
        .get(&("default".to_string(), name.to_string()))
        .map(|d| d.status.available_replicas)
        .unwrap_or(0)
}

/// Resident memory of this process (Linux), in MiB.
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()))
        .map(|pages| pages * 4096.0 / 1_048_576.0)
        .unwrap_or(0.0)
}

fn sim(ms: Option<u64>, limit: &str) -> String {
    ms.map(|ms| format!("{:.1} s", ms as f64 / 1000.0)).unwrap_or_else(|| format!("not reached in {limit}"))
}

fn ready_10k() {
    let t = Instant::now();
    let mut e = cluster(1_000, 16_000, 64);
    let boot = t.elapsed();
    let t = Instant::now();
    apply_manifest(&mut e, &deployment("big", 10_000, "nginx:1.25", false), "big.yaml", "default");
    let took = until(&mut e, 600, |e| available(e, "big") == 10_000);
    println!(
        "ready-10k  | 10,000 pods on 1,000 nodes, apply to all available | wall {:.2} s (cluster boot {:.2} s more) | sim {} | RSS {:.0} MiB",
        t.elapsed().as_secs_f64(),
        boot.as_secs_f64(),
        sim(took, "600 s"),
        rss_mib()
    );
}

fn hold_100k() {
    let before = rss_mib();
    let t = Instant::now();
    let mut e = cluster(1_000, 64_000, 256);
    apply_manifest(&mut e, &deployment("huge", 100_000, "nginx:1.25", false), "huge.yaml", "default");
    let took = until(&mut e, 900, |e| available(e, "huge") == 100_000);
    let grown = rss_mib() - before;
    println!(
        "hold-100k  | 100,000 pods on 1,000 nodes | wall {:.1} s to all available (sim {}) | RSS +{:.0} MiB, {:.1} KiB per pod",
        t.elapsed().as_secs_f64(),
        sim(took, "900 s"),
        grown,
        grown * 1024.0 / 100_000.0
    );
}

fn hour_100() {
    let mut e = cluster(10, 4_000, 16);
    apply_manifest(
        &mut e,
        &deployment("app", 100, "ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0", false),
        "app.yaml",
        "default",
    );
    run(&mut e, "kubectl expose deployment app --port=80 --target-port=3000");
    until(&mut e, 120, |e| available(e, "app") == 100);
    run(&mut e, "lab load start app -c 20");
    let t = Instant::now();
    let rv = e.store().resource_version();
    e.advance(3_600_000, &mut |_| {});
    let requests = e.load().map(|l| l.stats.count).unwrap_or(0);
    println!(
        "hour-100   | 1 h of simulated time, 100 pods, a load generator with 20 connections | wall {:.2} s | {requests} requests ({:.1} req/s simulated), {} writes",
        t.elapsed().as_secs_f64(),
        requests as f64 / 3600.0,
        e.store().resource_version() - rv
    );
}

/// The page's traffic case natively: 500 nginx pods on 8 nodes, 200 req/s open-loop load,
/// one simulated minute in 100 ms slices (as the page's ticks run it at 1x).
fn traffic_500() {
    let mut e = cluster(8, 8_000, 32);
    apply_manifest(&mut e, &deployment("many", 500, "nginx:1.25", false), "many.yaml", "default");
    run(&mut e, "kubectl expose deployment many --port=80");
    until(&mut e, 120, |e| available(e, "many") == 500);
    run(&mut e, "lab load start many --rps 200");
    let rv = e.store().resource_version();
    let t = Instant::now();
    for _ in 0..600 {
        e.advance(100, &mut |_| {});
    }
    let requests = e.load().map(|l| l.stats.count).unwrap_or(0);
    println!(
        "traffic-500 | 1 min simulated in 100 ms slices, 500 pods, 200 req/s | wall {:.2} s | {requests} requests, {} writes",
        t.elapsed().as_secs_f64(),
        e.store().resource_version() - rv
    );
}

/// The HPA at scale: 1,000 pods requesting CPU behind a Service at 200 req/s, metrics-server
/// and an HPA syncing every 15 s over all of them (min 1,000, so it computes and holds);
/// five simulated minutes in 100 ms slices, as the page's ticks run it at 1x.
/// The NetworkPolicies of hpa-ingress-1k: web's pods admit only the ingress controller's
/// namespace (the default-deny-then-allow the lesson 17c teaches).
const WEB_POLICIES: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-ingress}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}
    ports: [{port: 80}]
";

/// hpa-1k, and with `ingress` the case: the same Deployment behind an Ingress, with
/// NetworkPolicies, the load sent to the Ingress's host.
fn hpa_1k(ingress: bool) {
    let mut e = cluster(50, 8_000, 32);
    run(&mut e, "lab addons enable metrics-server");
    let manifest = deployment("web", 1_000, "nginx:1.25", false).replace(
        "        image: nginx:1.25\n",
        "        image: nginx:1.25\n        resources: {requests: {cpu: 100m}}\n",
    );
    apply_manifest(&mut e, &manifest, "web.yaml", "default");
    run(&mut e, "kubectl expose deployment web --port=80");
    let target = if ingress {
        run(&mut e, "lab addons enable ingress");
        run(&mut e, "kubectl create ingress web --class=nginx --rule=web.example/*=web:80");
        apply_manifest(&mut e, WEB_POLICIES, "policies.yaml", "default");
        "http://web.example/"
    } else {
        "web"
    };
    until(&mut e, 300, |e| available(e, "web") == 1_000);
    if ingress {
        // The controller's pod ready and the Ingress given its address (the status loop's
        // tick), as `lab curl http://web.example/` needs before the load starts.
        e.advance(90_000, &mut |_| {});
    }
    run(&mut e, "kubectl autoscale deployment web --cpu-percent=50 --min=1000 --max=1200");
    run(&mut e, &format!("lab load start {target} --rps 200"));
    let rv = e.store().resource_version();
    let t = Instant::now();
    for _ in 0..3_000 {
        e.advance(100, &mut |_| {});
    }
    let hpa = e
        .store()
        .hpas
        .values()
        .next()
        .map(|h| kubelab_kubectl::printers::hpa_metrics(&h.spec.metrics, &h.status.current_metrics));
    let ok = e.load().map(|l| l.stats.ok).unwrap_or(0);
    println!(
        "{} | 5 min simulated in 100 ms slices, 1,000 pods, an HPA syncing over them, 200 req/s{} | wall {:.2} s | {} writes | HPA {} | {ok} answered",
        if ingress { "hpa-ingress-1k" } else { "hpa-1k    " },
        if ingress { " through an Ingress, NetworkPolicies" } else { "" },
        t.elapsed().as_secs_f64(),
        e.store().resource_version() - rv,
        hpa.unwrap_or_default()
    );
}

fn rollout_1k() {
    let mut e = cluster(100, 16_000, 64);
    apply_manifest(
        &mut e,
        &deployment("web", 1_000, "ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0", true),
        "web.yaml",
        "default",
    );
    until(&mut e, 300, |e| available(e, "web") == 1_000);
    let t = Instant::now();
    run(&mut e, "kubectl set image deployment/web app=ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.1");
    let done = |e: &Engine| {
        e.store().deployments.get(&("default".to_string(), "web".to_string())).is_some_and(|d| {
            d.status.updated_replicas == 1_000 && d.status.available_replicas == 1_000 && d.status.replicas == 1_000
        })
    };
    let took = until(&mut e, 1_800, done);
    println!(
        "rollout-1k | rolling update of 1,000 pods (maxSurge 25%, maxUnavailable 0, readiness probes) | wall {:.2} s | sim {}",
        t.elapsed().as_secs_f64(),
        sim(took, "1800 s")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let all = ["ready-10k", "hold-100k", "hour-100", "rollout-1k", "traffic-500", "hpa-1k", "hpa-ingress-1k"];
    let chosen: Vec<&str> = if args.is_empty() { all.to_vec() } else { args.iter().map(|s| s.as_str()).collect() };
    for name in chosen {
        match name {
            "ready-10k" => ready_10k(),
            "hold-100k" => hold_100k(),
            "hour-100" => hour_100(),
            "rollout-1k" => rollout_1k(),
            "traffic-500" => traffic_500(),
            "hpa-1k" => hpa_1k(false),
            "hpa-ingress-1k" => hpa_1k(true),
            other => eprintln!("unknown benchmark {other:?}; known: {}", all.join(", ")),
        }
    }
}
