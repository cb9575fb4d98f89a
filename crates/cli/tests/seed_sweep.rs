//! A seed sweep over the scenario suite: every scenario runs with many seeds (200 by
//! default, `KUBELAB_SEEDS=N` for another count), and every instant of every trace must hold the
//! cluster's invariants: a Service's endpoints are ready, existing, non-terminating pods;
//! no pod is listed twice; a pod's node is one the cluster has had (it may be deleted
//! under the pod); a
//! Deployment never reports more ready than it has pods.

use std::path::{Path, PathBuf};

/// Checks one trace line; `nodes_seen` holds every node the trace has shown so far (a pod
/// may stay bound to a node deleted under it until the pod garbage collector acts).
fn check_line(line: &str, nodes_seen: &mut std::collections::BTreeSet<String>) -> Result<(), String> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("trace line is not JSON: {e}"))?;
    let pods = v["pods"].as_array().cloned().unwrap_or_default();
    for n in v["nodes"].as_array().cloned().unwrap_or_default() {
        nodes_seen.insert(n["name"].as_str().unwrap_or("").to_string());
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in &pods {
        let key = (p["namespace"].as_str().unwrap_or(""), p["name"].as_str().unwrap_or(""));
        if !seen.insert(key) {
            return Err(format!("pod {key:?} listed twice"));
        }
        if let Some(node) = p["node"].as_str() {
            if !nodes_seen.contains(node) {
                return Err(format!("pod {key:?} is bound to {node}, a node the cluster never had"));
            }
        }
    }
    for s in v["services"].as_array().cloned().unwrap_or_default() {
        let ns = s["namespace"].as_str().unwrap_or("");
        for ep in s["endpoints"].as_array().cloned().unwrap_or_default() {
            let name = ep.as_str().unwrap_or("");
            if name.contains('.') && name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                continue; // an address without a pod (the kubernetes Service)
            }
            match pods.iter().find(|p| p["namespace"] == ns && p["name"] == name) {
                None => return Err(format!("service {ns}/{} has endpoint {name}, which is not a pod", s["name"])),
                Some(p) if p["ready"] != true => {
                    return Err(format!("service {ns}/{} lists {name}, which is not ready", s["name"]))
                }
                Some(p) if p["terminating"] == true => {
                    return Err(format!("service {ns}/{} lists {name}, which is terminating", s["name"]))
                }
                Some(_) => {}
            }
        }
    }
    for d in v["deployments"].as_array().cloned().unwrap_or_default() {
        let owned = pods
            .iter()
            .filter(|p| {
                p["namespace"] == d["namespace"]
                    && p["owner"]
                        .as_str()
                        .is_some_and(|o| o.starts_with(&format!("{}-", d["name"].as_str().unwrap_or("?"))))
            })
            .count() as i64;
        let ready = d["ready"].as_i64().unwrap_or(0);
        if ready > owned {
            return Err(format!("deployment {} reports {ready} ready with {owned} pods", d["name"]));
        }
    }
    Ok(())
}

#[test]
fn every_scenario_holds_the_invariants_across_seeds() {
    let seeds: u64 = std::env::var("KUBELAB_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("scenarios")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("script").exists())
        .collect();
    dirs.sort();
    let mut failures = Vec::new();
    for dir in &dirs {
        let script = std::fs::read_to_string(dir.join("script")).expect("script");
        let files = kubelab::DiskFiles { base: dir.clone() };
        for seed in 1..=seeds {
            let (_, trace) = kubelab::run_script(&script, seed, &files, "script", true);
            let mut nodes_seen = std::collections::BTreeSet::new();
            for (i, line) in trace.lines().enumerate() {
                if let Err(e) = check_line(line, &mut nodes_seen) {
                    failures.push(format!(
                        "{} seed {seed} trace line {}: {e}",
                        dir.file_name().unwrap_or_default().to_string_lossy(),
                        i + 1
                    ));
                    break;
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_checks_catch_a_broken_snapshot() {
    let ok = r#"{"t":1.0,"nodes":[{"name":"node-1","ready":true,"unschedulable":false}],"pods":[{"namespace":"default","name":"web-1","node":"node-1","phase":"Running","ready":true,"terminating":false,"owner":"web-abc","images":["nginx"],"restarts":0}],"deployments":[{"namespace":"default","name":"web","replicas":1,"updated":1,"ready":1,"available":1}],"services":[{"namespace":"default","name":"web","endpoints":["web-1"]}]}"#;
    let check = |l: &str| check_line(l, &mut std::collections::BTreeSet::new());
    assert_eq!(check(ok), Ok(()));
    let stray = ok.replace(r#""node":"node-1","phase""#, r#""node":"node-7","phase""#);
    assert!(check(&stray).unwrap_err().contains("never had"));
    let gone = ok.replace(r#""endpoints":["web-1"]"#, r#""endpoints":["web-2"]"#);
    assert!(check(&gone).unwrap_err().contains("not a pod"));
    let unready = ok.replace(r#""ready":true,"terminating""#, r#""ready":false,"terminating""#);
    assert!(check(&unready).unwrap_err().contains("not ready"));
    let twice = ok.replace(r#""pods":[{"#, r#""pods":[{"namespace":"default","name":"web-1","node":null,"phase":"Pending","ready":false,"terminating":false,"owner":null,"images":[],"restarts":0},{"#);
    assert!(check(&twice).unwrap_err().contains("twice"));
    let overready = ok.replace(r#""ready":1,"available""#, r#""ready":3,"available""#);
    assert!(check(&overready).unwrap_err().contains("3 ready with 1 pods"));
}
