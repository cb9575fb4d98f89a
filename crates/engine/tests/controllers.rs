//! Table-driven controller tests: objects in a store, the actions a controller returns.
//! The returned `Vec<Action>` is the record (no mocks), as in upstream's controller tests.

use kubelab_api::*;
use kubelab_engine::controllers::{gc, replicaset};
use kubelab_engine::store::{Action, Store};

fn rs(name: &str, uid: &str, replicas: i32) -> ReplicaSet {
    let mut r = ReplicaSet::default();
    r.metadata.name = name.into();
    r.metadata.namespace = "default".into();
    r.metadata.uid = uid.into();
    r.spec.replicas = Some(replicas);
    r.spec.selector.match_labels.insert("app".into(), "web".into());
    r.spec.template.metadata.labels.insert("app".into(), "web".into());
    r.spec.template.spec.containers.push(Container {
        name: "c".into(),
        image: "nginx:1.25".into(),
        ..Default::default()
    });
    r
}

/// A pod owned by `owner_uid`: (name, node, phase, ready since (seconds) or None, restarts).
fn pod(name: &str, owner_uid: &str, node: &str, phase: &str, ready_since: Option<u64>, restarts: i32) -> Pod {
    let mut p = Pod::default();
    p.metadata.name = name.into();
    p.metadata.namespace = "default".into();
    p.metadata.uid = format!("uid-{name}");
    p.metadata.labels.insert("app".into(), "web".into());
    p.metadata.owner_references.push(OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: "web".into(),
        uid: owner_uid.into(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    });
    p.spec.node_name = node.into();
    p.status.phase = phase.to_string().into();
    if let Some(t) = ready_since {
        p.status.conditions.push(PodCondition {
            type_: "Ready".into(),
            status: "True".into(),
            last_transition_time: Some(Time::from_secs(t)),
            ..Default::default()
        });
    }
    p.status.container_statuses.push(ContainerStatus {
        name: "c".into(),
        restart_count: restarts,
        ..Default::default()
    });
    p
}

fn store_with(rss: Vec<ReplicaSet>, pods: Vec<Pod>) -> Store {
    let mut s = Store::default();
    for r in rss {
        s.create(Object::ReplicaSet(r), Time(0));
    }
    // Pods are created in the order given: later ones are newer.
    for p in pods {
        s.create(Object::Pod(p), Time(0));
    }
    s
}

fn summarize(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::CreateWithEvent(o, _) | Action::Create(o) => match &**o {
                Object::Pod(p) => Some(format!("create pod {}*", p.metadata.generate_name)),
                _ => None,
            },
            Action::Delete { kind, name, .. } => Some(format!("delete {} {name}", kind.to_lowercase())),
            _ => None,
        })
        .collect()
}

#[test]
fn replicaset_manage_replicas_table() {
    struct Case {
        name: &'static str,
        replicas: i32,
        pods: Vec<Pod>,
        want: Vec<&'static str>,
    }
    let cases = vec![
        Case {
            name: "creates missing pods",
            replicas: 3,
            pods: vec![pod("a", "rs1", "node-1", "Running", Some(1), 0)],
            want: vec!["create pod web-*", "create pod web-*"],
        },
        Case {
            name: "nothing to do",
            replicas: 1,
            pods: vec![pod("a", "rs1", "node-1", "Running", Some(1), 0)],
            want: vec![],
        },
        Case {
            name: "terminating pods do not count",
            replicas: 1,
            pods: vec![{
                let mut p = pod("a", "rs1", "node-1", "Running", Some(1), 0);
                p.metadata.deletion_timestamp = Some(Time::from_secs(30));
                p
            }],
            want: vec!["create pod web-*"],
        },
        Case {
            name: "pods of another owner do not count",
            replicas: 1,
            pods: vec![pod("a", "other", "node-1", "Running", Some(1), 0)],
            want: vec!["create pod web-*"],
        },
        Case {
            name: "unscheduled pods go first",
            replicas: 1,
            pods: vec![pod("a", "rs1", "node-1", "Running", Some(1), 0), pod("b", "rs1", "", "Pending", None, 0)],
            want: vec!["delete pod b"],
        },
        Case {
            name: "not-ready before ready",
            replicas: 1,
            pods: vec![pod("a", "rs1", "node-1", "Running", None, 0), pod("b", "rs1", "node-2", "Running", Some(1), 0)],
            want: vec!["delete pod a"],
        },
        Case {
            name: "doubled-up pods before lone ones",
            replicas: 2,
            pods: vec![
                pod("a", "rs1", "node-1", "Running", Some(1), 0),
                pod("b", "rs1", "node-1", "Running", Some(1), 0),
                pod("c", "rs1", "node-2", "Running", Some(1), 0),
            ],
            want: vec!["delete pod b"],
        },
        Case {
            name: "ready for less time before longer",
            replicas: 1,
            pods: vec![
                pod("a", "rs1", "node-1", "Running", Some(1), 0),
                pod("b", "rs1", "node-2", "Running", Some(50), 0),
            ],
            want: vec!["delete pod b"],
        },
        Case {
            name: "more restarts first",
            replicas: 1,
            pods: vec![
                pod("a", "rs1", "node-1", "Running", Some(1), 5),
                pod("b", "rs1", "node-2", "Running", Some(1), 0),
            ],
            want: vec!["delete pod a"],
        },
    ];
    for c in cases {
        let r = rs("web", "rs1", c.replicas);
        let store = store_with(vec![r.clone()], c.pods);
        let live = store.replicasets.values().next().unwrap().clone();
        let mut live = live;
        live.metadata.uid = "rs1".into();
        let got = summarize(&replicaset::reconcile(&live, &store, Time::from_secs(60)));
        assert_eq!(got, c.want, "case: {}", c.name);
    }
}

#[test]
fn garbage_collector_deletes_orphans_of_deleted_owners() {
    let live_rs = rs("web", "rs1", 1);
    let mut store = store_with(
        vec![live_rs],
        vec![
            pod("kept", "rs1", "node-1", "Running", Some(1), 0),
            pod("orphan", "gone", "node-1", "Running", Some(1), 0),
        ],
    );
    // The live ReplicaSet's uid as the store assigned it.
    let rs_uid = store.replicasets.values().next().unwrap().metadata.uid.clone();
    for p in store.pods.values_mut() {
        if p.metadata.name == "kept" {
            p.metadata.owner_references[0].uid = rs_uid.clone();
        }
    }
    let mut bare = pod("bare", "x", "node-1", "Running", Some(1), 0);
    bare.metadata.owner_references.clear();
    store.pods.insert(("default".into(), "bare".into()), bare);
    assert_eq!(summarize(&gc::reconcile_all(&store, Time(0))), vec!["delete pod orphan"]);
}
