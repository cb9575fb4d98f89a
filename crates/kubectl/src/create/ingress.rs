//! `kubectl create ingress` (k8s.io/kubectl/pkg/cmd/create/create_ingress.go, v1.31): rules
//! as `host/path=service:port[,tls[=secret]]`, a path ending in `*` is a Prefix (else
//! Exact), rules of one host share its rule, TLS hosts are grouped by secret.

use crate::args::{flag, FlagSpec};
use crate::submit::{common_submit, meta, name_from_args, namespace_of, parse_with_common, submit};
use crate::Output;
use kubelab_api::*;
use kubelab_engine::Engine;

const INGRESS_FLAGS: &[FlagSpec] = &[
    flag("class", None, true),
    flag("rule", None, true),
    flag("default-backend", None, true),
    flag("annotation", None, true),
    flag("validate", None, true),
];

/// `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] [--class=C]
/// [--default-backend=svc:port] [--annotation=k=v]`
pub(super) fn create_ingress(engine: &mut Engine, words: &[String]) -> Output {
    const PATH: &str = "kubectl create ingress";
    let a = match parse_with_common(words, INGRESS_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    // StringArray flags: each --rule is one rule (no CSV splitting).
    let rules: Vec<String> = a.all("rule").iter().map(|s| s.to_string()).collect();
    let annotations: Vec<String> = a.all("annotation").iter().map(|s| s.to_string()).collect();
    let default_backend = a.get("default-backend").unwrap_or("");
    // Validate().
    if default_backend.is_empty() && rules.is_empty() {
        return Output::error("error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
    }
    if let Some(bad) = rules.iter().find(|r| !rule_matches(r)) {
        return Output::error(format!(
            "error: rule {bad} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
        ));
    }
    if let Some(bad) = annotations.iter().find(|an| !an.contains('=')) {
        return Output::error(format!("error: annotation {bad} is invalid and should be in format key=[value]"));
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return Output::error("error: default-backend should be in format servicename:serviceport");
    }
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", Some("failed to create ingress".into())) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let (ns, enforce) = namespace_of(&a, engine);
    let mut m = meta(&name, &ns, enforce, Default::default());
    for an in &annotations {
        if let Some((k, v)) = an.split_once('=') {
            m.annotations.insert(k.to_string(), v.to_string());
        }
    }
    let spec = IngressSpec {
        ingress_class_name: a.get("class").filter(|c| !c.is_empty()).map(String::from),
        default_backend: (!default_backend.is_empty()).then(|| backend(default_backend)),
        tls: tls_rules(&rules),
        rules: ingress_rules(&rules),
    };
    submit(engine, Object::Ingress(Ingress { metadata: m, spec, ..Default::default() }), &ns, &s, &mut out);
    out
}

/// `\w` and `-`, one or more (the regex's `[\w\-]+`).
fn word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// ruleRegex: `^([\w\*\-\.]*)(/[^,=\n]*)=([\w\-]+):([\w\-]+)(,tls=?([\w\-]+)?)?$`.
fn rule_matches(rule: &str) -> bool {
    let Some(slash) = rule.find('/') else { return false };
    let host = &rule[..slash];
    if !host.chars().all(|c| c.is_ascii_alphanumeric() || "_*-.".contains(c)) {
        return false;
    }
    let rest = &rule[slash..];
    let Some(eq) = rest.find(['=', ',', '\n']) else { return false };
    if !rest[eq..].starts_with('=') {
        return false;
    }
    let after = &rest[eq + 1..];
    let (backend, tls) = match after.split_once(',') {
        Some((b, t)) => (b, Some(t)),
        None => (after, None),
    };
    let backend_ok = backend.split_once(':').is_some_and(|(n, p)| word(n) && word(p));
    let tls_ok = tls.is_none_or(|t| {
        t.strip_prefix("tls").is_some_and(|secret| {
            let secret = secret.strip_prefix('=').unwrap_or(secret);
            secret.is_empty() || word(secret)
        })
    });
    backend_ok && tls_ok
}

/// buildIngressBackendSvc: `svc:8080` names port 8080, `svc:http` the port named http.
fn backend(service: &str) -> IngressBackend {
    let mut parts = service.split(':');
    let name = parts.next().unwrap_or("").to_string();
    let port = parts.next().unwrap_or("");
    // intstr.Parse: a number if strconv.Atoi takes it.
    let port = match port.parse::<i32>() {
        Ok(n) => ServiceBackendPort { number: n, ..Default::default() },
        Err(_) => ServiceBackendPort { name: port.to_string(), ..Default::default() },
    };
    IngressBackend { service: Some(IngressServiceBackend { name, port }), resource: None }
}

/// buildTLSRules: a host's TLS once, hosts of one secret together.
fn tls_rules(rules: &[String]) -> Vec<IngressTLS> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out: Vec<IngressTLS> = Vec::new();
    for rule in rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("");
        let secret = parts[1].split('=').nth(1).unwrap_or("");
        if seen.contains(&host) {
            continue;
        }
        seen.push(host);
        if let Some(t) = out.iter_mut().find(|t| t.secret_name == secret) {
            t.hosts.push(host.to_string());
            continue;
        }
        let t = IngressTLS {
            hosts: if host.is_empty() { vec![] } else { vec![host.to_string()] },
            secret_name: secret.to_string(),
        };
        if !t.secret_name.is_empty() || !t.hosts.is_empty() {
            out.push(t);
        }
    }
    out
}

/// buildIngressRules: one rule per host, its paths in the order given.
fn ingress_rules(rules: &[String]) -> Vec<IngressRule> {
    let mut out: Vec<IngressRule> = Vec::new();
    for rule in rules {
        let no_tls = rule.split(',').next().unwrap_or("");
        let (host, path_svc) = no_tls.split_once('/').unwrap_or((no_tls, ""));
        let path = http_path(path_svc);
        match out.iter_mut().find(|r| r.host == host) {
            Some(r) => r.http.get_or_insert_with(Default::default).paths.push(path),
            None => {
                out.push(IngressRule { host: host.to_string(), http: Some(HTTPIngressRuleValue { paths: vec![path] }) })
            }
        }
    }
    out
}

/// buildHTTPIngressPath.
fn http_path(path_svc: &str) -> HTTPIngressPath {
    let mut split = path_svc.split('=');
    let mut path = format!("/{}", split.next().unwrap_or(""));
    let service = split.next().unwrap_or("");
    let mut path_type = "Exact";
    if path.ends_with('*') {
        path_type = "Prefix";
        path.pop();
    }
    HTTPIngressPath { path, path_type: Some(path_type.into()), backend: backend(service) }
}

#[cfg(test)]
mod tests {
    use super::rule_matches;

    #[test]
    fn rules_match_kubectls_regex() {
        for ok in ["foo.com/bar=svc1:8080,tls=my-cert", "/path=svc:port", "foo.com/=svc:https,tls", "*.a.com/x*=s:80"] {
            assert!(rule_matches(ok), "{ok}");
        }
        for bad in ["foo.com=svc:80", "foo.com/bar=svc", "foo.com/bar=svc:80,ssl", "foo.com/a=b=svc:80", "h/p=s.x:80"] {
            assert!(!rule_matches(bad), "{bad}");
        }
    }
}
