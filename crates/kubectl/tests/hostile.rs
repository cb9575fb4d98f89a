//! A request body over the API server's 3 MiB limit is refused with its wording
//! (k8s.io/apiserver: "Request entity too large: limit is 3145728"), quickly, and the lab
//! goes on working.

use kubelab_engine::Engine;
use kubelab_kubectl::{apply_manifest, execute, Ctx, NoFiles};

#[test]
fn a_five_mib_document_is_refused_with_the_api_servers_limit() {
    let mut e = Engine::new(1);
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: {}\n",
        "x".repeat(5 * 1024 * 1024)
    );
    let started = std::time::Instant::now();
    let report = apply_manifest(&mut e, &big, "big.yaml", "default");
    let took = started.elapsed();
    assert_eq!(
        report.output.text(),
        "Error from server (RequestEntityTooLarge): error when creating \"big.yaml\": Request entity too large: limit is 3145728\n"
    );
    assert!(took.as_secs() < 10, "took {took:?}");
    let out =
        execute(&mut e, "kubectl get configmap big", &mut Ctx { files: &NoFiles, stdin: None, observe: &mut |_| {} });
    assert_eq!(out.text(), "Error from server (NotFound): configmaps \"big\" not found\n");
    let small = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n  a: b\n";
    assert_eq!(apply_manifest(&mut e, small, "small.yaml", "default").output.text(), "configmap/small created\n");
}
