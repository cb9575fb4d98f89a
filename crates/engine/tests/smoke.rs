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

/// The page settles a big change a little at a time (`settle_some` stops between a pass's
/// stages, its nodes, or every few actions, whenever the frame's time is up); stopping
/// anywhere must leave exactly the cluster a full `settle` leaves, then and afterwards.
#[test]
fn settling_in_slices_stopped_anywhere_reaches_the_same_cluster() {
    for every in [1usize, 2, 3, 7] {
        let mut whole = Engine::new(4);
        let mut sliced = Engine::new(4);
        for e in [&mut whole, &mut sliced] {
            e.create(deployment("big", 300, "nginx:1.25"), "default").unwrap();
        }
        whole.settle();
        let mut asked = 0usize;
        let mut calls = 0;
        while !sliced.settle_some(&mut || {
            asked += 1;
            asked.is_multiple_of(every)
        }) {
            calls += 1;
            assert!(calls < 100_000, "settles in the end");
        }
        assert!(calls > 3, "stopped part way {calls} times (every {every})");
        assert_eq!(format!("{:?}", sliced.snapshot()), format!("{:?}", whole.snapshot()), "every {every}: right after");
        for e in [&mut whole, &mut sliced] {
            e.advance(60_000, &mut |_| {});
        }
        assert_eq!(
            format!("{:?}", sliced.snapshot()),
            format!("{:?}", whole.snapshot()),
            "every {every}: a minute later"
        );
    }
}

/// The page runs the clock a slice at a time and may stop inside an instant (1,000 pods
/// turning Ready at once): `advance_to_some` stopped anywhere must reach the cluster
/// `advance` reaches, load generator included.
#[test]
fn advancing_in_slices_stopped_anywhere_reaches_the_same_cluster() {
    use kubelab_api::Time;
    for every in [1usize, 3, 10] {
        let mut whole = Engine::new(6);
        let mut sliced = Engine::new(6);
        for e in [&mut whole, &mut sliced] {
            e.create(deployment("big", 120, "nginx:1.25"), "default").unwrap();
            e.advance(20_000, &mut |_| {});
            let svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: big\nspec:\n  selector:\n    app: big\n  ports:\n  - port: 80\n";
            let (docs, _) = parse_documents(svc);
            e.create(decode(&docs[0]).unwrap(), "default").unwrap();
            e.settle();
            e.start_load("http://big:80", 5, Some(40), 2_000, true).unwrap();
            e.create(deployment("more", 150, "nginx:1.25"), "default").unwrap();
        }
        whole.advance(45_000, &mut |_| {});
        let target = Time(sliced.now().0 + 45_000);
        let mut asked = 0usize;
        let mut calls = 0;
        while !sliced.advance_to_some(target, &mut || {
            asked += 1;
            asked.is_multiple_of(every)
        }) {
            calls += 1;
            assert!(calls < 1_000_000, "gets there in the end");
        }
        assert!(calls > 10, "stopped part way {calls} times (every {every})");
        assert_eq!(sliced.now(), whole.now());
        assert_eq!(format!("{:?}", sliced.snapshot()), format!("{:?}", whole.snapshot()), "every {every}");
        assert_eq!(
            format!("{:?}", sliced.load().map(|l| &l.stats)),
            format!("{:?}", whole.load().map(|l| &l.stats)),
            "every {every}: the same requests"
        );
    }
}

fn configmap(name: &str, ns: &str) -> Object {
    let (docs, _) = parse_documents(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\ndata:\n  a: b\n"
    ));
    decode(&docs[0]).unwrap()
}

/// kubelab's own per-namespace limit (not Kubernetes'): past it a create is Forbidden with a
/// message that says whose limit it is and what to do; other namespaces are not affected.
#[test]
fn a_namespace_holds_a_bounded_number_of_objects() {
    let config = kubelab_engine::ClusterConfig { max_namespace_objects: 4, ..Default::default() };
    let mut e = Engine::with_config(config, 1);
    // The default namespace already holds the kubernetes Service and its Endpoints.
    let base = e.store().namespace_objects("default");
    for i in 0..(4 - base) {
        e.create(configmap(&format!("cm-{i}"), "default"), "default").unwrap();
    }
    let err = e.create(configmap("one-more", "default"), "default").unwrap_err();
    let msg = format!("{err:?}");
    assert!(
        msg.contains("configmaps \\\"one-more\\\" is forbidden: this lab holds at most 4 objects in a namespace"),
        "{msg}"
    );
    assert!(msg.contains("kubelab's own limit"), "{msg}");
    e.create(configmap("elsewhere", "kube-public"), "kube-public").unwrap();
    // Any kind counts (a Deployment too); pods and events are bounded by max_pods instead.
    e.create(deployment("web", 2, "nginx:1.25"), "default").unwrap_err();
}

/// An update that sends no status keeps the stored one (ingressStrategy's PrepareForUpdate,
/// v1.31): the controller's address stays on the Ingress until the controller changes it.
#[test]
fn an_ingress_update_keeps_the_address_the_controller_wrote() {
    let mut e = Engine::new(1);
    e.enable_addon(kubelab_engine::addons::addon("ingress").expect("the ingress add-on")).unwrap();
    let manifest = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: default\nspec:\n  ingressClassName: nginx\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n";
    let (docs, err) = parse_documents(manifest);
    assert!(err.is_none());
    let ingress = decode(&docs[0]).expect("a valid Ingress");
    e.create(ingress.clone(), "default").unwrap();
    e.advance(120_000, &mut |_| {});
    let address = |e: &Engine| match e.store().get("Ingress", "default", "web") {
        Some(Object::Ingress(i)) => i.status.load_balancer.ingress.first().map(|a| a.ip.clone()),
        _ => None,
    };
    let before = address(&e).expect("the controller wrote an address");
    e.update(ingress).unwrap();
    assert_eq!(address(&e), Some(before));
}

/// A machine gets a pod CIDR of its own (10.244.INDEX.0/24): a Node object created after a
/// machine was deleted must not take the index of one still running (it took the count of
/// machines, which the deletion lowered).
#[test]
fn a_node_created_after_a_deletion_gets_a_pod_cidr_of_its_own() {
    let mut e = Engine::new(1);
    e.remove_node("node-1").unwrap();
    let (docs, _) = parse_documents("apiVersion: v1\nkind: Node\nmetadata:\n  name: node-9\n");
    e.create(decode(&docs[0]).unwrap(), "").unwrap();
    e.advance(10_000, &mut |_| {});
    let names = ["control-plane", "node-2", "node-3", "node-9"];
    let cidrs: Vec<String> = names.iter().map(|n| e.machine(n).expect("a machine").pod_cidr()).collect();
    let distinct: std::collections::BTreeSet<&String> = cidrs.iter().collect();
    assert_eq!(distinct.len(), cidrs.len(), "{cidrs:?}");
}
