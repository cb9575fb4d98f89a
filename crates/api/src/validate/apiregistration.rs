//! APIService validation, as kube-aggregator's pkg/apis/apiregistration/validation
//! (v1.31) words it: `ValidateAPIService`. Paths and messages are upstream's, in upstream's
//! order.

use super::{dns1035_label, dns1123_subdomain, invalid, q, required, validate_meta, FieldError, NameRule};
use crate::apiregistration::APIService;

pub(super) fn validate_apiservice(a: &APIService) -> Vec<FieldError> {
    let spec = &a.spec;
    let mut out = validate_meta(&a.metadata, false, NameRule::CheckedByKind);
    let name = &a.metadata.name;
    if !name.is_empty() {
        // The name's errors come first, as ValidateObjectMeta checks the name first.
        let errs: Vec<FieldError> =
            name_errors(name, spec).into_iter().map(|m| invalid("metadata.name", q(name), m)).collect();
        out.splice(0..0, errs);
    }
    // "in this case we allow empty group"
    if spec.group.is_empty() && spec.version != "v1" {
        out.push(required("spec.group", "only v1 may have an empty group and it better be legacy kube"));
    }
    if !spec.group.is_empty() {
        for m in dns1123_subdomain(&spec.group) {
            out.push(invalid("spec.group", q(&spec.group), m));
        }
    }
    for m in dns1035_label(&spec.version) {
        out.push(invalid("spec.version", q(&spec.version), m));
    }
    if spec.group_priority_minimum <= 0 || spec.group_priority_minimum > 20000 {
        out.push(invalid(
            "spec.groupPriorityMinimum",
            spec.group_priority_minimum.to_string(),
            "must be positive and less than 20000",
        ));
    }
    if spec.version_priority <= 0 || spec.version_priority > 1000 {
        out.push(invalid(
            "spec.versionPriority",
            spec.version_priority.to_string(),
            "must be positive and less than 1000",
        ));
    }
    let Some(service) = &spec.service else {
        if !spec.ca_bundle.is_empty() {
            let bytes = format!("{} bytes", base64_len(&spec.ca_bundle));
            out.push(invalid("spec.caBundle", q(&bytes), "local APIServices may not have a caBundle"));
        }
        if spec.insecure_skip_tls_verify {
            out.push(invalid(
                "spec.insecureSkipTLSVerify",
                "true".into(),
                "local APIServices may not have insecureSkipTLSVerify",
            ));
        }
        return out;
    };
    if service.namespace.is_empty() {
        out.push(required("spec.service.namespace", ""));
    }
    if service.name.is_empty() {
        out.push(required("spec.service.name", ""));
    }
    if spec.insecure_skip_tls_verify && !spec.ca_bundle.is_empty() {
        out.push(invalid("spec.insecureSkipTLSVerify", "true".into(), "may not be true if caBundle is present"));
    }
    out
}

/// path.IsValidPathSegmentName, then "the name *must* be version.group".
fn name_errors(name: &str, spec: &crate::apiregistration::APIServiceSpec) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    let bad: Vec<String> =
        ["/", "%"].iter().filter(|c| name.contains(**c)).map(|c| format!("may not contain '{c}'")).collect();
    if !bad.is_empty() {
        return bad;
    }
    let required_name = format!("{}.{}", spec.version, spec.group);
    if name != required_name {
        return vec![format!("must be `spec.version+\".\"+spec.group`: {required_name:?}")];
    }
    Vec::new()
}

/// How many bytes a base64 text decodes to (the `[]byte` upstream counts).
fn base64_len(text: &str) -> usize {
    let t = text.trim_end_matches('=');
    t.len() * 3 / 4
}

#[cfg(test)]
mod tests {
    use crate::object::Object;

    fn errors(yaml: &str) -> Vec<String> {
        let (docs, _) = crate::parse_documents(yaml);
        let mut o = crate::decode(&docs[0]).unwrap();
        crate::defaults::default_object(&mut o);
        assert!(matches!(o, Object::APIService(_)));
        crate::validate::validate_object(&o).iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn metrics_server_apiservice_is_valid() {
        let e = errors("apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\nspec: {group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: {name: metrics-server, namespace: kube-system}}\n");
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn name_must_be_version_dot_group_and_priorities_in_range() {
        let e = errors("apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: metrics}\nspec: {group: metrics.k8s.io, version: v1beta1, service: {name: metrics-server}}\n");
        assert_eq!(
            e,
            [
                "metadata.name: Invalid value: \"metrics\": must be `spec.version+\".\"+spec.group`: \"v1beta1.metrics.k8s.io\"",
                "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000",
                "spec.versionPriority: Invalid value: 0: must be positive and less than 1000",
                "spec.service.namespace: Required value",
            ]
        );
    }

    #[test]
    fn local_apiservice_may_not_skip_tls_and_only_v1_may_have_no_group() {
        let e = errors("apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v2.}\nspec: {version: v2, groupPriorityMinimum: 1, versionPriority: 1, insecureSkipTLSVerify: true}\n");
        assert_eq!(
            e,
            [
                "spec.group: Required value: only v1 may have an empty group and it better be legacy kube",
                "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify",
            ]
        );
    }
}
