//! `lab export`: everything the learner made, as one multi-document YAML that `kubectl
//! apply -f` accepts on a real cluster (kind, minikube). Objects the cluster made itself
//! (nodes, events, endpoints, ReplicaSets and pods owned by controllers, claims from
//! volumeClaimTemplates, provisioned volumes, the defaults every cluster has) are left out.

use kubelab_api::*;
use kubelab_engine::Engine;
use serde_json::Value as Json;

const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "kube-public", "kube-node-lease"];

fn user_made(o: &Object) -> bool {
    let m = o.meta();
    if SYSTEM_NAMESPACES.contains(&m.namespace.as_str())
        || !m.owner_references.is_empty()
        || kubelab_engine::addons::made_by_addon(o)
    {
        return false;
    }
    match o {
        Object::Namespace(n) => {
            !["default", "kube-system", "kube-public", "kube-node-lease"].contains(&n.metadata.name.as_str())
        }
        Object::Service(s) => !(s.metadata.name == "kubernetes" && s.metadata.namespace == "default"),
        Object::ConfigMap(c) => c.metadata.name != "kube-root-ca.crt",
        Object::StorageClass(sc) => sc.metadata.name != "standard",
        Object::PersistentVolume(v) => !v.metadata.annotations.contains_key("pv.kubernetes.io/provisioned-by"),
        Object::Node(_) | Object::Event(_) | Object::Endpoints(_) => false,
        _ => true,
    }
}

/// The object as its author would write it: the last-applied manifest when there is one,
/// else the object without what the server filled in.
fn authored(o: &Object) -> Json {
    if let Some(last) = o.meta().annotations.get("kubectl.kubernetes.io/last-applied-configuration") {
        if let Ok(v) = serde_json::from_str::<Json>(last) {
            return v;
        }
    }
    let mut v = o.to_json();
    if let Json::Object(m) = &mut v {
        m.remove("status");
        if let Some(Json::Object(meta)) = m.get_mut("metadata") {
            for k in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "generation",
                "managedFields",
                "ownerReferences",
                "finalizers",
            ] {
                meta.remove(k);
            }
            if let Some(Json::Object(ann)) = meta.get_mut("annotations") {
                ann.retain(|k, _| {
                    !k.starts_with("deployment.kubernetes.io/")
                        && !k.starts_with("pv.kubernetes.io/")
                        && !k.starts_with("volume.")
                });
                if ann.is_empty() {
                    meta.remove("annotations");
                }
            }
        }
        if let Some(Json::Object(spec)) = m.get_mut("spec") {
            spec.remove("clusterIP");
            spec.remove("clusterIPs");
            spec.remove("nodeName");
            if o.kind() == PersistentVolumeClaim::INFO.kind {
                spec.remove("volumeName");
            }
            // The token volume and default tolerations are admission's, not the author's.
            clean_pod_spec(spec);
            if let Some(Json::Object(t)) = spec.get_mut("template") {
                if let Some(Json::Object(ps)) = t.get_mut("spec") {
                    clean_pod_spec(ps);
                }
            }
        }
        if matches!(o, Object::Job(j) if j.spec.manual_selector != Some(true)) {
            strip_generated_job_selector(m);
        }
    }
    v
}

/// A Job's selector and the labels the API server generated for it (its uid and name): a
/// Job created from the export gets its own, and a real API server refuses a selector it
/// did not generate.
fn strip_generated_job_selector(job: &mut serde_json::Map<String, Json>) {
    let generated = [CONTROLLER_UID_LABEL, JOB_NAME_LABEL, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL];
    let strip = |labels: Option<&mut Json>| {
        if let Some(Json::Object(l)) = labels {
            l.retain(|k, _| !generated.contains(&k.as_str()));
        }
    };
    if let Some(Json::Object(meta)) = job.get_mut("metadata") {
        strip(meta.get_mut("labels"));
        if matches!(meta.get("labels"), Some(Json::Object(l)) if l.is_empty()) {
            meta.remove("labels");
        }
    }
    if let Some(Json::Object(spec)) = job.get_mut("spec") {
        spec.remove("selector");
        if let Some(Json::Object(t)) = spec.get_mut("template") {
            if let Some(Json::Object(tm)) = t.get_mut("metadata") {
                strip(tm.get_mut("labels"));
                if matches!(tm.get("labels"), Some(Json::Object(l)) if l.is_empty()) {
                    tm.remove("labels");
                }
            }
        }
    }
}

fn clean_pod_spec(spec: &mut serde_json::Map<String, Json>) {
    if let Some(Json::Array(vols)) = spec.get_mut("volumes") {
        vols.retain(|v| !v.get("name").and_then(|n| n.as_str()).is_some_and(|n| n.starts_with("kube-api-access-")));
        if vols.is_empty() {
            spec.remove("volumes");
        }
    }
    if let Some(Json::Array(ctrs)) = spec.get_mut("containers") {
        for c in ctrs {
            if let Some(Json::Array(mounts)) = c.get_mut("volumeMounts") {
                mounts.retain(|m| {
                    !m.get("name").and_then(|n| n.as_str()).is_some_and(|n| n.starts_with("kube-api-access-"))
                });
                if mounts.is_empty() {
                    if let Json::Object(cm) = c {
                        cm.remove("volumeMounts");
                    }
                }
            }
        }
    }
    if let Some(Json::Array(tols)) = spec.get_mut("tolerations") {
        tols.retain(|t| {
            !(t.get("tolerationSeconds").is_some()
                && t.get("key")
                    .and_then(|k| k.as_str())
                    .is_some_and(|k| k == "node.kubernetes.io/not-ready" || k == "node.kubernetes.io/unreachable"))
        });
        if tols.is_empty() {
            spec.remove("tolerations");
        }
    }
    for k in ["serviceAccount", "serviceAccountName", "enableServiceLinks", "preemptionPolicy", "priority"] {
        if k.starts_with("serviceAccount") && spec.get(k).and_then(|v| v.as_str()) != Some("default") {
            continue;
        }
        spec.remove(k);
    }
}

pub fn export(engine: &Engine) -> String {
    // Dependencies first, so `kubectl apply -f` of the whole file succeeds in one pass.
    let order = [
        Namespace::INFO,
        StorageClass::INFO,
        IngressClass::INFO,
        PersistentVolume::INFO,
        ConfigMap::INFO,
        PersistentVolumeClaim::INFO,
        Service::INFO,
        Ingress::INFO,
        NetworkPolicy::INFO,
        Deployment::INFO,
        StatefulSet::INFO,
        Job::INFO,
        HorizontalPodAutoscaler::INFO,
        ReplicaSet::INFO,
        Pod::INFO,
    ];
    let mut docs = Vec::new();
    for info in order {
        for o in engine.store().list(info.kind, None) {
            if o.meta().deletion_timestamp.is_some() || !user_made(&o) {
                continue;
            }
            // Claims a StatefulSet made from its templates are left to the StatefulSet.
            if let Object::PersistentVolumeClaim(c) = &o {
                let from_template = engine.store().statefulsets.values().any(|s| {
                    s.metadata.namespace == c.metadata.namespace
                        && s.spec
                            .volume_claim_templates
                            .iter()
                            .any(|t| c.metadata.name.starts_with(&format!("{}-{}-", t.metadata.name, s.metadata.name)))
                });
                if from_template {
                    continue;
                }
            }
            docs.push(crate::output::to_kubectl_yaml(&authored(&o)));
        }
    }
    if docs.is_empty() {
        return "# nothing to export yet: apply or create something first\n".into();
    }
    docs.iter().map(|d| d.trim_end().to_string()).collect::<Vec<_>>().join("\n---\n") + "\n"
}
