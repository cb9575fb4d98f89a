//! The API server's validation messages, checked case by case (validate.rs).

use super::*;
use crate::defaults::default_object;
use crate::parse::{decode, parse_documents};

fn errors_for(yaml: &str) -> Vec<String> {
    let (docs, err) = parse_documents(yaml);
    assert!(err.is_none(), "{err:?}");
    let mut o = decode(&docs[0]).expect("decodes");
    default_object(&mut o);
    validate_object(&o).iter().map(|e| e.to_string()).collect()
}

const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: NAME\nspec:\n  replicas: REPLICAS\n  selector:\n    matchLabels:\n      app: SEL\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: IMAGE\n";

fn deploy(name: &str, replicas: &str, sel: &str, image: &str) -> String {
    DEPLOY.replace("NAME", name).replace("REPLICAS", replicas).replace("SEL", sel).replace("IMAGE", image)
}

/// Table of (case, manifest, expected error lines). Wording from the API server
/// (apps/validation.ValidateDeploymentSpec, apimachinery util/validation).
#[test]
fn validation_table() {
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("valid deployment", deploy("web", "3", "web", "nginx:1.25"), vec![]),
        (
            "selector does not match labels",
            deploy("web", "3", "api", "nginx:1.25"),
            vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"],
        ),
        // `selector: {}` is present and empty, not absent: ValidateDeploymentSpec
        // (kubernetes pkg/apis/apps/validation/validation.go, v1.31) answers only
        // "empty selector is invalid for deployment" (an empty selector matches every
        // template, so no mismatch), with the value Go's %#v prints.
        (
            "selector written empty",
            deploy("web", "1", "web", "nginx").replace("  selector:\n    matchLabels:\n      app: web\n", "  selector: {}\n"),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"],
        ),
        (
            "selector with empty matchLabels",
            deploy("web", "1", "web", "nginx").replace("      app: web\n  template", "  template").replace("matchLabels:\n", "matchLabels: {}\n"),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"],
        ),
        (
            "selector absent",
            deploy("web", "1", "web", "nginx").replace("  selector:\n    matchLabels:\n      app: web\n", ""),
            vec![
                "spec.selector: Required value",
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            ],
        ),
        // ValidateReplicaSetSpec's message names "deployment" too (upstream, v1.31).
        (
            "replicaset selector written empty",
            deploy("web", "1", "web", "nginx")
                .replace("kind: Deployment", "kind: ReplicaSet")
                .replace("  selector:\n    matchLabels:\n      app: web\n", "  selector: {matchExpressions: []}\n"),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{}}: empty selector is invalid for deployment"],
        ),
        (
            "negative replicas",
            deploy("web", "-1", "web", "nginx:1.25"),
            vec!["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
        ),
        (
            "uppercase name",
            deploy("Web", "1", "web", "nginx:1.25"),
            vec!["metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"],
        ),
        (
            "missing image",
            deploy("web", "1", "web", "\"\""),
            vec!["spec.template.spec.containers[0].image: Required value"],
        ),
        (
            "maxSurge and maxUnavailable both 0",
            deploy("web", "1", "web", "nginx").replace("spec:\n  replicas", "spec:\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n  replicas"),
            vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"],
        ),
        (
            "maxUnavailable over 100%",
            deploy("web", "1", "web", "nginx").replace("spec:\n  replicas", "spec:\n  strategy:\n    rollingUpdate: {maxUnavailable: 150%}\n  replicas"),
            vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"],
        ),
        (
            "bad label value",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: \"a b\"}}\nspec: {containers: [{name: c, image: nginx}]}\n".to_string(),
            vec!["metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
        ),
        (
            "container port out of range",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx, ports: [{containerPort: 70000}]}]}\n".to_string(),
            vec!["spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"],
        ),
        (
            "no containers",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n".to_string(),
            vec!["spec.containers: Required value"],
        ),
        (
            "bad restart policy",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {restartPolicy: Sometimes, containers: [{name: c, image: nginx}]}\n".to_string(),
            vec!["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""],
        ),
        (
            "service name must be DNS-1035",
            "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec: {ports: [{port: 80}]}\n".to_string(),
            vec!["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
        ),
        (
            "service nodePort out of range",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}\n".to_string(),
            vec!["spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"],
        ),
        (
            "two unnamed service ports",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}, {port: 443}]}\n".to_string(),
            vec!["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"],
        ),
        (
            "service port zero",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 0, targetPort: 80}]}\n".to_string(),
            vec!["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"],
        ),
    ];
    for (name, yaml, want) in cases {
        assert_eq!(errors_for(&yaml), want, "case: {name}");
    }
}

#[test]
fn invalid_message_lists_many_causes_like_kubectl() {
    let e = vec![required("spec.a", ""), required("spec.b", "")];
    assert_eq!(
        invalid_message("Deployment", "web", &e),
        "The Deployment \"web\" is invalid: \n* spec.a: Required value\n* spec.b: Required value"
    );
    assert_eq!(
        invalid_message("Deployment", "web", &e[..1]),
        "The Deployment \"web\" is invalid: spec.a: Required value"
    );
}
