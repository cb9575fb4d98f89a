//! describe for PersistentVolumeClaims and PersistentVolumes.

use super::{describe_events, labels_multiline, W};
use crate::printers::{self, age};
use kubelab_api::*;
use kubelab_engine::store::Store;

pub fn pvc(store: &Store, c: &PersistentVolumeClaim, now: Time) -> String {
    let mut w = W(String::new());
    let m = &c.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    w.line(0, &format!("Namespace:\t{}", m.namespace));
    w.line(0, &format!("StorageClass:\t{}", c.spec.storage_class_name.clone().unwrap_or_default()));
    let status = if m.deletion_timestamp.is_some() {
        format!("Terminating (lasts {})", age(m.deletion_timestamp, now))
    } else {
        c.status.phase.clone()
    };
    w.line(0, &format!("Status:\t{status}"));
    w.line(0, &format!("Volume:\t{}", c.spec.volume_name));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Finalizers:\t[{}]", m.finalizers.join(" ")));
    w.line(0, &format!("Capacity:\t{}", c.status.capacity.get("storage").map(|q| q.0.clone()).unwrap_or_default()));
    w.line(0, &format!("Access Modes:\t{}", printers::access_modes(&c.status.access_modes)));
    w.line(0, &format!("VolumeMode:\t{}", c.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into())));
    let users: Vec<String> = store
        .pods
        .values()
        .filter(|p| {
            p.metadata.namespace == m.namespace
                && p.spec
                    .volumes
                    .iter()
                    .any(|v| v.persistent_volume_claim.as_ref().is_some_and(|s| s.claim_name == m.name))
        })
        .map(|p| p.metadata.name.clone())
        .collect();
    if users.is_empty() {
        w.line(0, "Used By:\t<none>");
    } else {
        for (i, u) in users.iter().enumerate() {
            w.line(0, &format!("{}\t{u}", if i == 0 { "Used By:" } else { "" }));
        }
    }
    describe_events(&mut w, store, PersistentVolumeClaim::INFO.kind, &m.namespace, &m.name, &m.uid, now);
    w.finish()
}

pub fn pv(store: &Store, v: &PersistentVolume, now: Time) -> String {
    let mut w = W(String::new());
    let m = &v.metadata;
    w.line(0, &format!("Name:\t{}", m.name));
    labels_multiline(&mut w, "Labels", &m.labels, "=");
    labels_multiline(&mut w, "Annotations", &m.annotations, ": ");
    w.line(0, &format!("Finalizers:\t[{}]", m.finalizers.join(" ")));
    w.line(0, &format!("StorageClass:\t{}", v.spec.storage_class_name));
    w.line(0, &format!("Status:\t{}", v.status.phase));
    w.line(
        0,
        &format!(
            "Claim:\t{}",
            v.spec.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)).unwrap_or_default()
        ),
    );
    w.line(0, &format!("Reclaim Policy:\t{}", v.spec.persistent_volume_reclaim_policy));
    w.line(0, &format!("Access Modes:\t{}", printers::access_modes(&v.spec.access_modes)));
    w.line(0, &format!("VolumeMode:\t{}", v.spec.volume_mode.clone().unwrap_or_else(|| "Filesystem".into())));
    w.line(0, &format!("Capacity:\t{}", v.spec.capacity.get("storage").map(|q| q.0.clone()).unwrap_or_default()));
    w.line(0, "Node Affinity:\t<none>");
    w.line(0, &format!("Message:\t{}", v.status.message));
    w.line(0, "Source:");
    if let Some(hp) = &v.spec.host_path {
        w.line(1, "Type:\tHostPath (bare host directory volume)");
        w.line(1, &format!("Path:\t{}", hp.get("path").and_then(|x| x.as_str()).unwrap_or("")));
        w.line(1, &format!("HostPathType:\t{}", hp.get("type").and_then(|x| x.as_str()).unwrap_or("")));
    } else if let Some(nfs) = &v.spec.nfs {
        w.line(1, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)");
        w.line(1, &format!("Server:\t{}", nfs.get("server").and_then(|x| x.as_str()).unwrap_or("")));
        w.line(1, &format!("Path:\t{}", nfs.get("path").and_then(|x| x.as_str()).unwrap_or("")));
        w.line(1, "ReadOnly:\tfalse");
    } else {
        w.line(1, "Type:\t<unknown>");
    }
    describe_events(&mut w, store, PersistentVolume::INFO.kind, "", &m.name, &m.uid, now);
    w.finish()
}
