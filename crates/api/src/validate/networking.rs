//! Ingress and IngressClass validation, as pkg/apis/networking/validation/validation.go
//! (v1.31) words it: `ValidateIngressCreate`, `ValidateIngressSpec`, `validateIngressBackend`,
//! `validateIngressClassSpec`. Paths and messages are upstream's, in upstream's order.

use super::{dns1035_label, dns1123_subdomain, invalid, is_ipv4, not_supported, port_name, q, required, FieldError};
use crate::networking::{
    Ingress, IngressBackend, IngressClass, IngressClassParametersReference, TypedLocalObjectReference,
};

const PATH_TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES: &[&str] = &["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: &[&str] = &["/..", "/."];
const INGRESS_CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";

/// IsWildcardDNS1123Subdomain.
fn wildcard_subdomain(s: &str) -> Vec<String> {
    let mut e = Vec::new();
    if s.len() > 253 {
        e.push("must be no more than 253 characters".to_string());
    }
    let ok = s.strip_prefix("*.").is_some_and(|rest| dns1123_subdomain(rest).is_empty());
    if !ok {
        e.push("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_string());
    }
    e
}

/// A host name's checks: a wildcard one, or a DNS subdomain.
fn host_errors(host: &str) -> Vec<String> {
    if host.contains('*') {
        wildcard_subdomain(host)
    } else {
        dns1123_subdomain(host)
    }
}

fn is_ip(s: &str) -> bool {
    is_ipv4(s) || (s.contains(':') && s.parse::<std::net::Ipv6Addr>().is_ok())
}

pub(super) fn validate_ingress(ing: &Ingress) -> Vec<FieldError> {
    let mut out = Vec::new();
    let spec = &ing.spec;
    if spec.rules.is_empty() && spec.default_backend.is_none() {
        out.push(invalid(
            "spec",
            "[]networking.IngressRule(nil)".into(),
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(b) = &spec.default_backend {
        backend(b, "spec.defaultBackend", &mut out);
    }
    for (i, rule) in spec.rules.iter().enumerate() {
        let path = format!("spec.rules[{i}]");
        if !rule.host.is_empty() {
            if is_ip(&rule.host) {
                out.push(invalid(format!("{path}.host"), q(&rule.host), "must be a DNS name, not an IP address"));
            }
            for m in host_errors(&rule.host) {
                out.push(invalid(format!("{path}.host"), q(&rule.host), m));
            }
        }
        let Some(http) = &rule.http else { continue };
        if http.paths.is_empty() {
            out.push(required(format!("{path}.http.paths"), ""));
        }
        for (j, p) in http.paths.iter().enumerate() {
            let pp = format!("{path}.http.paths[{j}]");
            let Some(pt) = &p.path_type else {
                out.push(required(format!("{pp}.pathType"), "pathType must be specified"));
                continue;
            };
            match pt.as_str() {
                "Exact" | "Prefix" => {
                    if !p.path.starts_with('/') {
                        out.push(invalid(format!("{pp}.path"), q(&p.path), "must be an absolute path"));
                    }
                    for seq in INVALID_PATH_SEQUENCES.iter().filter(|s| p.path.contains(**s)) {
                        out.push(invalid(format!("{pp}.path"), q(&p.path), format!("must not contain '{seq}'")));
                    }
                    for suf in INVALID_PATH_SUFFIXES.iter().filter(|s| p.path.ends_with(**s)) {
                        out.push(invalid(format!("{pp}.path"), q(&p.path), format!("cannot end with '{suf}'")));
                    }
                }
                "ImplementationSpecific" => {
                    if !p.path.is_empty() && !p.path.starts_with('/') {
                        out.push(invalid(format!("{pp}.path"), q(&p.path), "must be an absolute path"));
                    }
                }
                other => out.push(not_supported(format!("{pp}.pathType"), other, PATH_TYPES)),
            }
            backend(&p.backend, &format!("{pp}.backend"), &mut out);
        }
    }
    for (i, t) in spec.tls.iter().enumerate() {
        for (j, h) in t.hosts.iter().enumerate() {
            for m in host_errors(h) {
                out.push(invalid(format!("spec.tls[{i}].hosts[{j}]"), q(h), m));
            }
        }
        if !t.secret_name.is_empty() {
            for m in dns1123_subdomain(&t.secret_name) {
                out.push(invalid(format!("spec.tls[{i}].secretName"), q(&t.secret_name), m));
            }
        }
    }
    if let Some(class) = &spec.ingress_class_name {
        for m in dns1123_subdomain(class) {
            out.push(invalid("spec.ingressClassName", q(class), m));
        }
    }
    // ValidateIngressCreate: the old annotation and the field must agree.
    if let (Some(a), Some(class)) = (ing.metadata.annotations.get(INGRESS_CLASS_ANNOTATION), &spec.ingress_class_name) {
        if a != class {
            out.push(invalid(
                format!("annotations.{INGRESS_CLASS_ANNOTATION}"),
                q(a),
                "must match `ingressClassName` when both are specified",
            ));
        }
    }
    out
}

/// validateIngressBackend.
fn backend(b: &IngressBackend, path: &str, out: &mut Vec<FieldError>) {
    match (&b.service, &b.resource) {
        (Some(_), Some(_)) => out.push(invalid(path, q(""), "cannot set both resource and service backends")),
        (None, Some(r)) => local_reference(r, &format!("{path}.resource"), out),
        (Some(s), None) => {
            if s.name.is_empty() {
                out.push(required(format!("{path}.service.name"), ""));
            } else {
                for m in dns1035_label(&s.name) {
                    out.push(invalid(format!("{path}.service.name"), q(&s.name), m));
                }
            }
            let (name, number) = (&s.port.name, s.port.number);
            if !name.is_empty() && number != 0 {
                out.push(invalid(path, q(""), "cannot set both port name & port number"));
            } else if !name.is_empty() {
                for m in port_name(name) {
                    out.push(invalid(format!("{path}.service.port.name"), q(name), m));
                }
            } else if number != 0 {
                if !(1..=65535).contains(&number) {
                    out.push(invalid(
                        format!("{path}.service.port.number"),
                        number.to_string(),
                        "must be between 1 and 65535, inclusive",
                    ));
                }
            } else {
                out.push(required(path, "port name or number is required"));
            }
        }
        (None, None) => out.push(invalid(path, q(""), "resource or service backend is required")),
    }
}

/// content.IsPathSegmentName: a name that can be one segment of a URL path.
pub(super) fn path_segment_name(s: &str) -> Vec<String> {
    if s == "." || s == ".." {
        return vec![format!("may not be '{s}'")];
    }
    ["/", "%"].iter().filter(|c| s.contains(**c)).map(|c| format!("may not contain '{c}'")).collect()
}

fn local_reference(r: &TypedLocalObjectReference, path: &str, out: &mut Vec<FieldError>) {
    if let Some(g) = &r.api_group {
        for m in dns1123_subdomain(g) {
            out.push(invalid(format!("{path}.apiGroup"), q(g), m));
        }
    }
    for (field, v) in [("kind", &r.kind), ("name", &r.name)] {
        if v.is_empty() {
            out.push(required(format!("{path}.{field}"), ""));
        }
        for m in path_segment_name(v) {
            out.push(invalid(format!("{path}.{field}"), q(v), m));
        }
    }
}

pub(super) fn validate_ingress_class(c: &IngressClass) -> Vec<FieldError> {
    let mut out = Vec::new();
    let ctl = &c.spec.controller;
    if ctl.is_empty() {
        out.push(required("spec.controller", ""));
    } else {
        if ctl.len() > 250 {
            out.push(FieldError {
                path: "spec.controller".into(),
                type_: super::ErrorType::TooLong,
                value: String::new(),
                detail: "may not be more than 250 bytes".into(),
            });
        }
        domain_prefixed_path(ctl, &mut out);
    }
    if let Some(p) = &c.spec.parameters {
        parameters(p, &mut out);
    }
    out
}

/// IsDomainPrefixedPath (`k8s.io/ingress-nginx`).
fn domain_prefixed_path(v: &str, out: &mut Vec<FieldError>) {
    let path = "spec.controller";
    let Some((host, rest)) = v.split_once('/').filter(|(h, r)| !h.is_empty() && !r.is_empty()) else {
        out.push(invalid(path, q(v), "must be a domain-prefixed path (such as \"acme.io/foo\")"));
        return;
    };
    for m in dns1123_subdomain(host) {
        out.push(invalid(path, q(host), m));
    }
    let ok = rest.chars().all(|c| c.is_ascii_alphanumeric() || "/-._~%!$&'()*+,;=:".contains(c));
    if !ok {
        out.push(invalid(
            path,
            q(rest),
            "must be a valid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')",
        ));
    }
}

fn parameters(p: &IngressClassParametersReference, out: &mut Vec<FieldError>) {
    let path = "spec.parameters";
    local_reference(
        &TypedLocalObjectReference { api_group: p.api_group.clone(), kind: p.kind.clone(), name: p.name.clone() },
        path,
        out,
    );
    match p.scope.as_deref() {
        None => out.push(required(format!("{path}.scope"), "")),
        Some("Namespace") => match &p.namespace {
            None => out.push(required(format!("{path}.namespace"), "`parameters.scope` is set to 'Namespace'")),
            Some(ns) => {
                for m in super::dns1123_label(ns) {
                    out.push(invalid(format!("{path}.namespace"), q(ns), m));
                }
            }
        },
        Some("Cluster") => {
            if p.namespace.is_some() {
                out.push(super::forbidden(format!("{path}.namespace"), "`parameters.scope` is set to 'Cluster'"));
            }
        }
        Some(other) => out.push(not_supported(format!("{path}.scope"), other, &["Cluster", "Namespace"])),
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::validate_object;

    fn errors(yaml: &str) -> Vec<String> {
        let (docs, _) = crate::parse_documents(yaml);
        let o = crate::decode(&docs[0]).expect("decodes");
        validate_object(&o).iter().map(|e| e.to_string()).collect()
    }

    // Messages from pkg/apis/networking/validation/validation.go (v1.31).
    #[test]
    fn an_ingress_path_needs_a_path_type_and_a_backend_port() {
        let e = errors(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n  - host: shop.example\n    http:\n      paths:\n      - path: /\n        backend: {service: {name: web}}\n      - path: api\n        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80, name: http}}}\n      - path: /x\n        pathType: Regex\n        backend: {service: {name: Web, port: {number: 70000}}}\n",
        );
        assert_eq!(
            e,
            vec![
                "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
                "spec.rules[0].http.paths[1].path: Invalid value: \"api\": must be an absolute path",
                "spec.rules[0].http.paths[1].backend: Invalid value: \"\": cannot set both port name & port number",
                "spec.rules[0].http.paths[2].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
                "spec.rules[0].http.paths[2].backend.service.name: Invalid value: \"Web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
                "spec.rules[0].http.paths[2].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive",
            ]
        );
    }

    #[test]
    fn hosts_are_dns_names_or_wildcards_and_an_ingress_needs_rules_or_a_default_backend() {
        let e = errors("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n");
        assert_eq!(e, vec!["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"]);
        let e = errors("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n  rules:\n  - host: 10.0.0.1\n  - host: '*.shop.example'\n  - host: 'a.*.example'\n  - host: Shop.example\n");
        assert_eq!(e.len(), 3, "{e:#?}");
        assert!(
            e[0].starts_with("spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address")
        );
        assert!(e[1].starts_with(
            "spec.rules[2].host: Invalid value: \"a.*.example\": a wildcard DNS-1123 subdomain must start with '*.'"
        ));
        assert!(e[2].starts_with("spec.rules[3].host: Invalid value: \"Shop.example\": a lowercase RFC 1123 subdomain"));
    }

    #[test]
    fn an_ingress_class_names_a_domain_prefixed_controller() {
        let e = errors("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: nginx}\n");
        assert_eq!(
            e,
            vec!["spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")"]
        );
        assert!(errors("apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n").is_empty());
    }
}
