//! The PersistentVolume controller and a dynamic provisioner: a claim of a StorageClass
//! gets a new volume `pvc-<claim uid>` a moment after it is made; a claim with
//! `storageClassName: ""` binds an Available volume that fits; a released volume is
//! deleted or kept by its reclaim policy.

use crate::causes::{Because, Rule, Trigger, VolumeRule};
use crate::store::{object_ref, Action, EventSpec, Store};
use kubelab_api::*;

pub const NAME: &str = "persistentvolume-controller";
/// How long the provisioner takes.
pub const PROVISION_MS: u64 = 1_000;

fn storage(m: &std::collections::BTreeMap<String, Quantity>) -> i128 {
    m.get("storage").and_then(|q| q.millis()).unwrap_or(0)
}

fn bind(pvc: &PersistentVolumeClaim, pv: &PersistentVolume, provisioner: Option<&str>, now: Time) -> Vec<Action> {
    let mut c = pvc.clone();
    c.spec.volume_name = pv.metadata.name.clone();
    c.status.phase = "Bound".into();
    c.status.access_modes = pv.spec.access_modes.clone();
    c.status.capacity = pv.spec.capacity.clone();
    c.metadata.annotations.insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
    c.metadata.annotations.insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
    if let Some(p) = provisioner {
        c.metadata.annotations.insert("volume.beta.kubernetes.io/storage-provisioner".into(), p.into());
        c.metadata.annotations.insert("volume.kubernetes.io/storage-provisioner".into(), p.into());
    }
    if !c.metadata.finalizers.iter().any(|f| f == "kubernetes.io/pvc-protection") {
        c.metadata.finalizers.push("kubernetes.io/pvc-protection".into());
    }
    // (A claim's own provisioned volume is found Available before it is bound as provisioned.)
    let provisioned_for_it = pv.metadata.name.strip_prefix("pvc-") == Some(pvc.metadata.uid.as_str());
    let made_by = provisioner.or_else(|| {
        provisioned_for_it.then(|| pv.metadata.annotations.get("pv.kubernetes.io/provisioned-by"))?.map(|s| s.as_str())
    });
    let rule = VolumeRule::Bound {
        claim: pvc.metadata.name.clone(),
        volume: pv.metadata.name.clone(),
        provisioner: made_by.map(str::to_string),
    };
    let trigger = Trigger::Object("PersistentVolumeClaim", claim_key(pvc));
    let cause = because(Rule::Volume(Box::new(rule)), trigger);
    let mut v = pv.clone();
    v.spec.claim_ref = Some(ObjectReference {
        kind: "PersistentVolumeClaim".into(),
        namespace: pvc.metadata.namespace.clone(),
        name: pvc.metadata.name.clone(),
        uid: pvc.metadata.uid.clone(),
        api_version: "v1".into(),
        resource_version: pvc.metadata.resource_version.clone(),
        field_path: String::new(),
    });
    v.status.phase = "Bound".into();
    v.status.last_phase_transition_time = Some(now);
    vec![cause, Action::update(Object::PersistentVolume(v)), Action::update(Object::PersistentVolumeClaim(c))]
}

/// The cause of the writes that follow.
fn because(rule: Rule, trigger: Trigger) -> Action {
    Action::Cause(Box::new(Because::component(NAME, rule, trigger)))
}

fn claim_key(pvc: &PersistentVolumeClaim) -> (String, String) {
    (pvc.metadata.namespace.clone(), pvc.metadata.name.clone())
}

pub fn reconcile(store: &Store, now: Time) -> Vec<Action> {
    let mut out = Vec::new();
    pvc_protection(store, &mut out);
    for pvc in store.pvcs.values() {
        sync_claim(store, pvc, now, &mut out);
    }
    bind_provisioned_volumes(store, now, &mut out);
    release_volumes(store, now, &mut out);
    out
}

/// The pvc-protection controller.
fn pvc_protection(store: &Store, out: &mut Vec<Action>) {
    // Claims waiting on pvc-protection go once no pod uses them.
    for pvc in store.pvcs.values().filter(|c| c.metadata.deletion_timestamp.is_some()) {
        let in_use = store.pods.values().any(|p| {
            p.metadata.namespace == pvc.metadata.namespace
                && p.status.phase != "Succeeded"
                && p.status.phase != "Failed"
                && p.spec
                    .volumes
                    .iter()
                    .any(|v| v.persistent_volume_claim.as_ref().is_some_and(|c| c.claim_name == pvc.metadata.name))
        });
        if !in_use {
            let rule = Rule::Volume(Box::new(VolumeRule::ClaimUnused));
            out.push(because(rule, Trigger::Object("PersistentVolumeClaim", claim_key(pvc))));
            out.push(Action::Delete {
                kind: "PersistentVolumeClaim",
                namespace: pvc.metadata.namespace.clone(),
                name: pvc.metadata.name.clone(),
                grace: None,
            });
        }
    }
}

/// An unbound claim: binds it to a volume that fits, else provisions one through its
/// StorageClass.
fn sync_claim(store: &Store, pvc: &PersistentVolumeClaim, now: Time, out: &mut Vec<Action>) {
    if pvc.status.phase == "Bound" || pvc.metadata.deletion_timestamp.is_some() {
        return;
    }
    let me = Object::PersistentVolumeClaim(pvc.clone());
    let class = pvc.spec.storage_class_name.clone().unwrap_or_default();
    let want = storage(&pvc.spec.resources.requests);
    // A volume named by the claim, or an Available one that fits.
    let candidate = store.pvs.values().find(|pv| {
        pv.status.phase == "Available"
            && pv.spec.claim_ref.is_none()
            && pv.spec.storage_class_name == class
            && storage(&pv.spec.capacity) >= want
            && pvc.spec.access_modes.iter().all(|m| pv.spec.access_modes.contains(m))
            && (pvc.spec.volume_name.is_empty() || pvc.spec.volume_name == pv.metadata.name)
    });
    if let Some(pv) = candidate {
        out.extend(bind(pvc, pv, None, now));
        return;
    }
    if class.is_empty() {
        return;
    }
    let Some(sc) = store.storageclasses.get(&(String::new(), class.clone())) else {
        out.push(Action::Event(EventSpec::warning(
            object_ref(&me),
            "ProvisioningFailed",
            format!("storageclass.storage.k8s.io \"{class}\" not found"),
            NAME,
        )));
        return;
    };
    if sc.provisioner == "kubernetes.io/no-provisioner" {
        return;
    }
    provision_claim(store, pvc, &me, sc, &class, now, out);
}

/// Provisions a volume for `pvc` (`me`) through StorageClass `sc` once the provisioner has
/// had its time.
fn provision_claim(
    store: &Store,
    pvc: &PersistentVolumeClaim,
    me: &Object,
    sc: &StorageClass,
    class: &str,
    now: Time,
    out: &mut Vec<Action>,
) {
    let created = pvc.metadata.creation_timestamp.unwrap_or_default();
    let ready = Time(created.0 + PROVISION_MS);
    if now < ready {
        if now == created {
            out.push(Action::Event(EventSpec::normal(object_ref(me), "ExternalProvisioning", format!("Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.", sc.provisioner), NAME)));
            out.push(Action::Event(EventSpec::normal(
                object_ref(me),
                "Provisioning",
                format!(
                    "External provisioner is provisioning volume for claim \"{}/{}\"",
                    pvc.metadata.namespace, pvc.metadata.name
                ),
                "k8s.io/minikube-hostpath",
            )));
        }
        out.push(Action::Requeue(ready));
        return;
    }
    let name = format!("pvc-{}", pvc.metadata.uid);
    if store.pvs.contains_key(&(String::new(), name.clone())) {
        return;
    }
    let pv = PersistentVolume {
        metadata: ObjectMeta {
            name: name.clone(),
            annotations: [("pv.kubernetes.io/provisioned-by".to_string(), sc.provisioner.clone())].into(),
            finalizers: vec!["kubernetes.io/pv-protection".into()],
            ..Default::default()
        },
        spec: PersistentVolumeSpec {
            capacity: kubelab_api::sort::map(
                pvc.spec
                    .resources
                    .requests
                    .iter()
                    .filter(|(k, _)| *k == "storage")
                    .map(|(k, v)| (k.clone(), v.clone())),
            ),
            access_modes: pvc.spec.access_modes.clone(),
            persistent_volume_reclaim_policy: sc.reclaim_policy.clone().unwrap_or_else(|| "Delete".into()),
            storage_class_name: class.to_string(),
            volume_mode: Some("Filesystem".into()),
            host_path: Some(
                serde_yaml::from_str::<serde_yaml::Value>(&format!(
                    "path: /tmp/hostpath-provisioner/{}/{}\ntype: \"\"\n",
                    pvc.metadata.namespace, pvc.metadata.name
                ))
                .unwrap_or_default()
                .into(),
            ),
            ..Default::default()
        },
        status: PersistentVolumeStatus { phase: "Available".into(), ..Default::default() },
    };
    let rule = VolumeRule::Provisioned {
        class: class.to_string(),
        provisioner: sc.provisioner.clone(),
        after_ms: now.0 - created.0,
    };
    out.push(because(Rule::Volume(Box::new(rule)), Trigger::Object("PersistentVolumeClaim", claim_key(pvc))));
    out.push(Action::create(Object::PersistentVolume(pv.clone())));
    out.push(Action::Event(EventSpec::normal(
        object_ref(me),
        "ProvisioningSucceeded",
        format!("Successfully provisioned volume {name}"),
        "k8s.io/minikube-hostpath",
    )));
    out.push(Action::Requeue(Time(now.0 + 1)));
}

/// Binds freshly provisioned volumes to their claims.
fn bind_provisioned_volumes(store: &Store, now: Time, out: &mut Vec<Action>) {
    // Bind freshly provisioned volumes to their claims.
    for pv in store.pvs.values() {
        if pv.status.phase != "Available" || pv.spec.claim_ref.is_some() {
            continue;
        }
        if let Some(uid) = pv.metadata.name.strip_prefix("pvc-") {
            if let Some(pvc) = store.pvcs.values().find(|c| c.metadata.uid == uid && c.status.phase != "Bound") {
                let provisioner = pv.metadata.annotations.get("pv.kubernetes.io/provisioned-by").cloned();
                out.extend(bind(pvc, pv, provisioner.as_deref(), now));
            }
        }
    }
}

/// Released volumes: their claim is gone; deleted or marked Released by reclaim policy.
fn release_volumes(store: &Store, now: Time, out: &mut Vec<Action>) {
    // Released volumes: their claim is gone.
    for pv in store.pvs.values() {
        let Some(r) = &pv.spec.claim_ref else { continue };
        if pv.status.phase == "Released" {
            continue;
        }
        let claim_alive = store
            .pvcs
            .get(&(r.namespace.clone(), r.name.clone()))
            .is_some_and(|c| c.metadata.uid == r.uid || r.uid.is_empty());
        if claim_alive {
            continue;
        }
        let deleted = pv.spec.persistent_volume_reclaim_policy == "Delete";
        let rule = Rule::Volume(Box::new(VolumeRule::Released { deleted }));
        out.push(because(rule, Trigger::Departed("PersistentVolumeClaim", (r.namespace.clone(), r.name.clone()))));
        if deleted {
            out.push(Action::Delete {
                kind: "PersistentVolume",
                namespace: String::new(),
                name: pv.metadata.name.clone(),
                grace: None,
            });
        } else {
            let mut v = pv.clone();
            v.status.phase = "Released".into();
            v.status.last_phase_transition_time = Some(now);
            out.push(Action::update(Object::PersistentVolume(v)));
        }
    }
}
