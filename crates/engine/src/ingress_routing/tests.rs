//! Requests through the controller, over a cluster built by hand.

use crate::addons::addon;
use crate::traffic::Outcome;
use crate::Engine;
use kubelab_api::*;

fn apply(e: &mut Engine, yaml: &str) {
    let (docs, errs) = parse_documents(yaml);
    assert!(errs.is_none(), "{errs:?}");
    for d in docs {
        let o = decode(&d).expect("decodes");
        e.create(o, "default").expect("created");
    }
    e.settle();
}

/// A cluster with nginx behind Service web and ingress-nginx running.
fn cluster() -> Engine {
    let mut e = Engine::new(5);
    e.enable_addon(addon("ingress").unwrap()).unwrap();
    apply(
        &mut e,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: nginx, image: 'nginx:1.25'}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
    );
    e.advance(30_000, &mut |_| {});
    e
}

fn ingress(name: &str, annotations: &[(&str, String)], path: &str) -> String {
    let ann: String =
        annotations.iter().map(|(k, v)| format!("    nginx.ingress.kubernetes.io/{k}: {v:?}\n")).collect();
    format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  annotations:\n{ann}spec:\n  ingressClassName: nginx\n  rules:\n  - host: shop.example\n    http:\n      paths:\n      - path: {path:?}\n        pathType: ImplementationSpecific\n        backend: {{service: {{name: web, port: {{number: 80}}}}}}\n")
}

/// The status and the upstream the controller logged.
fn status(e: &mut Engine, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let headers: Vec<(String, String)> = std::iter::once(("Host", "shop.example"))
        .chain(headers.iter().copied())
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    let (served, _) = e
        .curl_with_headers(None, "GET", &format!("http://172.18.255.100{path}"), &headers, 2_000, &mut |_| {})
        .expect("sent");
    let upstream = served.proxied.as_ref().map(|p| p.upstream.clone()).unwrap_or_default();
    match served.outcome {
        Outcome::Ok { status, .. } => (status, upstream),
        other => panic!("{other:?}"),
    }
}

#[test]
fn hostile_annotations_are_ignored_or_match_nothing_and_never_panic() {
    let mut e = cluster();
    let huge = format!("/{}", "$9".repeat(50_000));
    apply(
        &mut e,
        &ingress(
            "main",
            &[("rewrite-target", huge), ("use-regex", "true".into())],
            &format!("/a{}b{}", "(".repeat(40), ")".repeat(40)),
        ),
    );
    apply(
        &mut e,
        &ingress(
            "canary",
            &[
                ("canary", "true".into()),
                ("canary-weight", "99999999999999999999999".into()),
                ("canary-weight-total", "-5".into()),
                ("canary-by-header", "X-Canary".into()),
                ("canary-by-header-pattern", "(((((".into()),
                ("canary-by-cookie", "c\u{0}ookie".into()),
            ],
            "/",
        ),
    );
    // A deeply nested path and a 100,000-character target (`$9`s, which the validator
    // allows): the location matches and nginx in the pod is asked for the target, a 404.
    assert_eq!(status(&mut e, "/ab", &[("X-Canary", "x"), ("Cookie", "c=always")]), (404, "default-web-80".into()));
    let default = (404, "upstream-default-backend".to_string());
    assert_eq!(status(&mut e, "/", &[("X-Canary", "always")]), default, "a canary with no main for its path: dropped");
    assert_eq!(status(&mut e, &format!("/{}", "x".repeat(100_000)), &[]), default);
}
