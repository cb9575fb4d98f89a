//! Parsing and strict decoding, table-driven. Expected wording is the API server's / kubectl's:
//! - unknown field: apiserver strict field validation (KEP-2885), "strict decoding error: unknown field \"spec.replcas\""
//! - wrong type: encoding/json's "cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
//! - missing kind: kubectl's client-side "error validating data: kind not set"
//! - unknown kind: kubectl's "resource mapping not found ... no matches for kind"

use kubelab_api::{decode, parse_documents, Object};

fn first_error(yaml: &str) -> String {
    let (docs, err) = parse_documents(yaml);
    if let Some(e) = err {
        return format!("error: error parsing f.yaml: {e}");
    }
    match decode(&docs[0]) {
        Ok(o) => format!("ok {}", o.kind()),
        Err(e) => e.kubectl_message("f.yaml", "creating"),
    }
}

#[test]
fn decoding_errors_use_api_server_wording() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "unknown field",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replcas: 3\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replcas\"",
        ),
        (
            "unknown field inside a list",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    imagee: nginx\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagee\"",
        ),
        (
            "string where an int belongs",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: \"3\"\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
        (
            "missing kind",
            "apiVersion: v1\nmetadata: {name: p}\n",
            "error: error validating \"f.yaml\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false",
        ),
        (
            "missing both",
            "metadata: {name: p}\n",
            "error: error validating \"f.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false",
        ),
        (
            // networking.k8s.io/v1beta1 Ingress was removed in 1.22: only v1 is served.
            "unsupported version of a served kind",
            "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: web}\n",
            "error: resource mapping not found for name: \"web\" namespace: \"\" from \"f.yaml\": no matches for kind \"Ingress\" in version \"networking.k8s.io/v1beta1\"\nensure CRDs are installed first",
        ),
        (
            "served kind at the wrong version",
            "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web}\n",
            "error: resource mapping not found for name: \"web\" namespace: \"\" from \"f.yaml\": no matches for kind \"Deployment\" in version \"extensions/v1beta1\"\nensure CRDs are installed first",
        ),
        (
            "syntax error names the line",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {a: b\n",
            "error: error parsing f.yaml: error converting YAML to JSON: yaml: line 6: did not find expected ',' or '}'",
        ),
        ("flow style", "{apiVersion: v1, kind: Namespace, metadata: {name: dev}}\n", "ok Namespace"),
        ("json", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}, \"data\": {\"a\": \"b\"}}", "ok ConfigMap"),
        ("null fields are unset", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  creationTimestamp: null\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources: {}\nstatus: {}\n", "ok Pod"),
    ];
    for (name, yaml, want) in cases {
        assert_eq!(first_error(yaml), *want, "case: {name}");
    }
}

#[test]
fn multi_document_streams_keep_their_line_numbers() {
    let text = "# leading comment\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n...\n---\n\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n";
    let (docs, err) = parse_documents(text);
    assert!(err.is_none());
    let lines: Vec<usize> = docs.iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![1, 6, 13]);
    let names: Vec<String> = docs.iter().map(|d| decode(d).unwrap().meta().name.clone()).collect();
    assert_eq!(names, vec!["a", "b", "c"]);
}

#[test]
fn documents_before_a_syntax_error_still_come_back() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [\n";
    let (docs, err) = parse_documents(text);
    assert_eq!(docs.len(), 1);
    let err = err.expect("syntax error");
    assert!(err.line >= 5, "line {} should be in the second document", err.line);
}

#[test]
fn a_list_stands_for_its_items() {
    let text = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n";
    let (docs, _) = parse_documents(text);
    assert_eq!(docs.len(), 2);
    assert!(matches!(decode(&docs[1]), Ok(Object::Namespace(_))));
}

#[test]
fn field_paths_point_at_their_line() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replcas: 3\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n      - name: b\n        imagee: y\n";
    assert_eq!(kubelab_api::parse::locate_path(text, 1, "spec.replcas"), 6);
    assert_eq!(kubelab_api::parse::locate_path(text, 1, "spec.template.spec.containers[1].imagee"), 13);
    assert_eq!(kubelab_api::parse::locate_path(text, 1, "metadata.name"), 4);
}
