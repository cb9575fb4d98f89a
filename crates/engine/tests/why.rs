//! Causes recorded by the engine, read back with `Engine::why` and `Engine::caused_by`.

use kubelab_api::*;
use kubelab_engine::Engine;

fn deployment(name: &str, replicas: i32, image: &str) -> Object {
    let mut d = Deployment::default();
    d.metadata.name = name.into();
    d.spec.replicas = Some(replicas);
    d.spec.selector.match_labels.insert("app".into(), name.into());
    d.spec.template.metadata.labels.insert("app".into(), name.into());
    d.spec.template.spec.containers.push(Container { name: name.into(), image: image.into(), ..Default::default() });
    Object::Deployment(d)
}

#[test]
fn a_pod_s_chain_goes_back_to_the_command_that_made_its_deployment() {
    let mut e = Engine::new(1);
    e.settle();
    e.begin_command(1, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    e.create(deployment("web", 2, "nginx:1.25"), "default").expect("created");
    e.end_command();
    e.advance(30_000, &mut |_| {});
    let pod = e.store().pods.values().find(|p| p.metadata.name.starts_with("web-")).expect("a pod").clone();
    let why = e.why("Pod", "default", &pod.metadata.name).expect("the pod is there");
    let actors: Vec<&str> = why.steps.iter().map(|s| s.actor.as_str()).collect();
    assert_eq!(actors.first(), Some(&"console"), "{why:#?}");
    for who in ["deployment-controller", "replicaset-controller", "default-scheduler", "kubelet"] {
        assert!(actors.contains(&who), "{who} missing from {actors:?}");
    }
    assert_eq!(why.steps[0].command_line, Some(1));
    let caused = e.caused_by(1);
    assert!(caused.iter().any(|o| o.kind == "Pod" && o.name == pod.metadata.name), "{caused:?}");
    assert!(caused.iter().any(|o| o.kind == "ReplicaSet"), "{caused:?}");
    assert!(e.why("Pod", "default", "nope").is_none());
}

#[test]
fn the_same_commands_record_the_same_causes() {
    let run = || {
        let mut e = Engine::new(7);
        e.settle();
        e.begin_command(1, "kubectl apply -f web.yaml");
        e.create(deployment("web", 3, "nginx:1.25"), "default").expect("created");
        e.end_command();
        e.advance(20_000, &mut |_| {});
        let names: Vec<String> = e.store().pods.values().map(|p| p.metadata.name.clone()).collect();
        names.iter().map(|n| format!("{:?}", e.why("Pod", "default", n))).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn a_pod_that_fits_nowhere_says_why_and_a_running_one_says_nothing() {
    let mut e = Engine::new(1);
    e.settle();
    let mut big = Pod::default();
    big.metadata.name = "big".into();
    let mut c = Container { name: "c".into(), image: "nginx:1.25".into(), ..Default::default() };
    c.resources.requests.insert("cpu".into(), Quantity("3".into()));
    big.spec.containers.push(c);
    e.create(Object::Pod(big), "default").expect("created");
    e.create(deployment("web", 1, "nginx:1.25"), "default").expect("created");
    e.advance(30_000, &mut |_| {});
    let lines = e.diagnosis("Pod", "default", "big");
    assert!(lines[0].starts_with("Pending: 0/4 nodes are available"), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("node-1: Insufficient cpu (NodeResourcesFit)")), "{lines:?}");
    let web = e.store().pods.values().find(|p| p.metadata.name.starts_with("web-")).expect("web's pod");
    assert_eq!(e.diagnosis("Pod", "default", &web.metadata.name), Vec::<String>::new());
    assert_eq!(e.diagnosis("Pod", "default", "gone"), Vec::<String>::new());
}
