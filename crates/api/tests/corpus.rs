//! Every manifest in ../shared/corpus (real upstream kubernetes/examples files): each
//! document of a served kind is accepted (parsed, defaulted, validated) as a real API server
//! would; every other kind gets kubectl's "no matches for kind" naming the file and kind;
//! nothing panics.

use kubelab_api::defaults::default_object;
use kubelab_api::validate::validate_object;
use kubelab_api::{decode, parse_documents, DecodeError};
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            manifests(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
            out.push(p);
        }
    }
}

/// Kinds the lab serves.
const SERVED: &[&str] = &[
    "Pod",
    "Node",
    "Namespace",
    "ConfigMap",
    "Service",
    "Endpoints",
    "Event",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "Job",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "StorageClass",
    "Ingress",
    "IngressClass",
    "NetworkPolicy",
    "HorizontalPodAutoscaler",
    "APIService",
];

#[test]
fn every_corpus_document_is_accepted_or_gets_no_matches_for_kind() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    manifests(&dir, &mut files);
    if files.is_empty() {
        // The corpus is the project's shared folder beside the checkout, not part of the
        // repository: a lone clone has none. CI has it, so there its absence is a failure.
        let absent = format!(
            "no corpus at {} (../shared/corpus beside the checkout): skipped the check of real upstream manifests",
            dir.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{absent}, and CI is set: CI must have the corpus");
        eprintln!("{absent}");
        return;
    }
    let (mut accepted, mut no_match) = (0, 0);
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let rel = f.strip_prefix(&dir).unwrap().display().to_string();
        let (docs, err) = parse_documents(&text);
        if let Some(e) = err {
            problems.push(format!("{rel}: syntax: {e}"));
        }
        for d in &docs {
            let kind = d.value.get("kind").and_then(|k| k.as_str()).unwrap_or("").to_string();
            match decode(d) {
                Ok(mut o) => {
                    default_object(&mut o);
                    let errs = validate_object(&o);
                    if errs.is_empty() {
                        accepted += 1;
                    } else {
                        problems.push(format!(
                            "{rel}: {kind} rejected: {}",
                            errs.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; ")
                        ));
                    }
                }
                Err(e @ DecodeError::NoMatch { .. }) => {
                    assert!(!SERVED.contains(&kind.as_str()), "{rel}: served kind {kind} got {e:?}");
                    let msg = e.kubectl_message(&rel, "creating");
                    assert!(msg.contains(&format!("no matches for kind \"{kind}\"")), "{msg}");
                    assert!(msg.contains(&rel), "{msg}");
                    no_match += 1;
                }
                Err(e) => problems.push(format!("{rel}: {kind}: {}", e.kubectl_message(&rel, "creating"))),
            }
        }
    }
    println!(
        "corpus: {} files, {accepted} documents accepted, {no_match} answered with no matches for kind",
        files.len()
    );
    assert!(problems.is_empty(), "corpus problems:\n{}", problems.join("\n"));
    assert!(accepted > 40, "only {accepted} documents accepted");
}
