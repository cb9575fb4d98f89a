use kubelab_api::*;
use kubelab_engine::Engine;

pub fn deployment(name: &str, replicas: i32, image: &str) -> Object {
    let yaml = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: {name}\n        image: {image}\n"
    );
    let (docs, _) = parse_documents(&yaml);
    decode(&docs[0]).unwrap()
}

#[test]
fn a_deployment_of_three_becomes_ready_on_the_workers() {
    let mut e = Engine::new(1);
    e.create(deployment("web", 3, "nginx:1.25"), "default").unwrap();
    e.advance(30_000, &mut |_| {});
    let s = e.snapshot();
    let pods: Vec<_> = s.pods.iter().filter(|p| p.owner.as_deref().is_some_and(|o| o.starts_with("web-"))).collect();
    assert_eq!(pods.len(), 3, "{:#?}", s.pods);
    assert!(pods.iter().all(|p| p.ready && p.phase == "Running"), "{pods:#?}");
    assert!(pods.iter().all(|p| p.node.as_deref() != Some("control-plane")));
    let nodes: std::collections::BTreeSet<_> = pods.iter().map(|p| p.node.clone()).collect();
    assert_eq!(nodes.len(), 3, "spread over three workers: {pods:#?}");
    let d = &s.deployments[0];
    assert_eq!((d.replicas, d.updated, d.ready, d.available), (3, 3, 3, 3));
}

