//! A rolling update with maxSurge 1 / maxUnavailable 0, checked at every instant of the
//! trace: never fewer than 5 available replicas and never more than 6 (non-terminating)
//! pods. Upstream: the deployment controller keeps
//! available ≥ replicas − maxUnavailable and total ≤ replicas + maxSurge
//! (pkg/controller/deployment/rolling.go, deploymentutil.MaxUnavailable/MaxSurge).

use kubelab_kubectl::NoFiles;

const SCRIPT: &str = "kubectl apply -f - <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  strategy:
    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.0
        readinessProbe:
          tcpSocket: {port: 3000}
          periodSeconds: 2
EOF
lab advance 30s
kubectl set image deployment/web app=ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.1
lab advance 2m
kubectl get deploy web
kubectl get rs
";

#[test]
fn rollout_never_drops_below_min_available_nor_exceeds_max_surge() {
    let (transcript, trace) = kubelab::run_script(SCRIPT, 3, &NoFiles, "script", true);
    let mut checked = 0;
    let mut rolled = false;
    for line in trace.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("trace lines are JSON");
        let t = v["t"].as_f64().unwrap();
        let Some(d) = v["deployments"].as_array().and_then(|a| a.first()) else { continue };
        if t < 30.0 {
            continue; // the first rollout, from nothing
        }
        let available = d["available"].as_i64().unwrap();
        let pods = v["pods"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["owner"].as_str().is_some_and(|o| o.starts_with("web-")) && p["terminating"] == false)
            .count();
        assert!(available >= 5, "t={t}: only {available} available\n{line}");
        assert!(pods <= 6, "t={t}: {pods} pods counted\n{line}");
        if v["pods"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["images"][0] == "ghcr.io/iximiuz/labs/kubernetes-101/app:v1.0.1" && p["ready"] == true)
        {
            rolled = true;
        }
        checked += 1;
    }
    assert!(checked > 10, "the trace should cover the rollout instant by instant ({checked} instants)");
    assert!(rolled, "the new version became ready");
    assert!(transcript.contains("web    5/5     5            5"), "{transcript}");
}
