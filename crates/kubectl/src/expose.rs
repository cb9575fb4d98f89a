//! `kubectl expose`: a Service selecting what a Pod, Deployment, ReplicaSet or Service
//! selects, on its ports (k8s.io/kubectl/pkg/cmd/expose).

use crate::args::{flag, Args, FlagSpec};
use crate::dry_run::DryRun;
use crate::strconv::go_parse_int;
use crate::submit::{common_submit, meta, namespace_of, parse_labels, parse_with_common, submit};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::{ApiError, Engine};
use std::collections::BTreeMap;

const EXPOSE_FLAGS: &[FlagSpec] = &[
    flag("port", None, true),
    flag("protocol", None, true),
    flag("target-port", None, true),
    flag("type", None, true),
    flag("name", None, true),
    flag("selector", None, true),
    flag("labels", Some('l'), true),
    flag("external-ip", None, true),
    flag("load-balancer-ip", None, true),
    flag("session-affinity", None, true),
    flag("cluster-ip", None, true),
    flag("overrides", None, true),
    flag("override-type", None, true),
];

const RESOURCE_SPEC_HELP: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// `kubectl expose deployment|pod|rs|svc NAME [--port=P] [--target-port=T] [--type=...]`: a
/// Service selecting what the object selects (cmd/expose createService).
pub fn expose(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    const PATH: &str = "kubectl expose";
    let a = match parse_with_common(words, EXPOSE_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let mut s = match common_submit(&a, engine, &mut out, "exposed", None) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if a.has("overrides") {
        return Output::error("error: --overrides is not available in this lab yet");
    }
    let (ns, enforce) = namespace_of(&a, engine);
    s.save_config &= s.dry_run != DryRun::Client;
    s.client_namespace = if enforce { Some(ns.clone()) } else { None };
    // ResourceTypeOrNameArgs
    let pos = &a.positional;
    let mut targets: Vec<(&'static KindInfo, String)> = Vec::new();
    if pos.is_empty() {
        return Output::error(RESOURCE_SPEC_HELP);
    }
    if pos[0].contains('/') {
        for p in pos {
            let Some((t, n)) = p.split_once('/') else {
                return Output::error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'");
            };
            let Some(info) = resolve_resource(t) else {
                return Output::error(format!("error: the server doesn't have a resource type \"{t}\""));
            };
            targets.push((info, n.to_string()));
        }
    } else {
        let Some(info) = resolve_resource(&pos[0]) else {
            return Output::error(format!("error: the server doesn't have a resource type \"{}\"", pos[0]));
        };
        if pos.len() < 2 {
            return Output::error("error: resource(s) were provided, but no name was specified");
        }
        for n in &pos[1..] {
            targets.push((info, n.clone()));
        }
    }
    for (info, name) in targets {
        let scope = if info.namespaced { ns.as_str() } else { "" };
        let Some(obj) = engine.store().get(info.kind, scope, &name) else {
            // The resource builder names a missing namespace rather than the object.
            let e = if info.namespaced && !engine.store().exists(Namespace::INFO.kind, "", scope) {
                ApiError::NotFound { resource: "namespaces".into(), name: scope.to_string() }
            } else {
                ApiError::not_found(info, &name)
            };
            out.err(e.kubectl_message());
            return out;
        };
        let svc = match service_for(&obj, &a) {
            Ok(svc) => svc,
            Err(e) => {
                out.err(format!("error: {e}"));
                return out;
            }
        };
        submit(engine, Object::Service(svc), &ns, &s, &mut out);
        if !out.ok {
            return out;
        }
    }
    out
}

/// polymorphichelpers: the map selector of an object (MapBasedSelectorForObject).
fn selector_for(obj: &Object) -> Result<BTreeMap<String, String>, String> {
    let from_label_selector = |sel: &LabelSelector| {
        if !sel.match_expressions.is_empty() {
            let reqs: Vec<String> = sel
                .match_expressions
                .iter()
                .map(|r| format!("{{Key:{} Operator:{} Values:[{}]}}", r.key, r.operator, r.values.join(" ")))
                .collect();
            return Err(format!(
                "couldn't convert expressions - \"[{}]\" to map-based selector format",
                reqs.join(" ")
            ));
        }
        Ok(sel.match_labels.clone())
    };
    match obj {
        Object::Pod(p) => {
            if p.metadata.labels.is_empty() {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(p.metadata.labels.clone())
        }
        Object::Service(s) => {
            if s.spec.selector.is_empty() {
                return Err("the service has no pod selector set".into());
            }
            Ok(s.spec.selector.clone())
        }
        Object::Deployment(d) => from_label_selector(&d.spec.selector),
        Object::ReplicaSet(r) => from_label_selector(&r.spec.selector),
        other => Err(format!("cannot extract pod selector from {}", other.kind())),
    }
}

/// PortsForObject and MultiProtocolsForObject: the object's ports, in order, and the
/// protocols of each.
fn ports_for(obj: &Object) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let mut ports = Vec::new();
    let mut protocols: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pod_spec = |spec: &PodSpec| {
        for c in &spec.containers {
            for p in &c.ports {
                let key = p.container_port.to_string();
                ports.push(key.clone());
                let proto = if p.protocol.is_empty() { "TCP".to_string() } else { p.protocol.clone() };
                protocols.entry(key).or_default().push(proto);
            }
        }
    };
    match obj {
        Object::Pod(p) => pod_spec(&p.spec),
        Object::Deployment(d) => pod_spec(&d.spec.template.spec),
        Object::ReplicaSet(r) => pod_spec(&r.spec.template.spec),
        Object::Service(s) => {
            for p in &s.spec.ports {
                let key = p.port.to_string();
                ports.push(key.clone());
                protocols.entry(key).or_default().push(p.protocol.clone());
            }
        }
        _ => {}
    }
    (ports, protocols)
}

/// RunExpose's introspection and createService.
fn service_for(obj: &Object, a: &Args) -> Result<Service, String> {
    if !matches!(obj, Object::Pod(_) | Object::Service(_) | Object::Deployment(_) | Object::ReplicaSet(_)) {
        return Err(format!("cannot expose a {}", obj.kind()));
    }
    let mut default_name = obj.meta().name.clone();
    default_name.truncate(63);
    let selector = match a.get("selector").filter(|s| !s.is_empty()) {
        Some(s) => parse_labels(s)?,
        None => {
            let sel = selector_for(obj)
                .map_err(|e| format!("couldn't retrieve selectors via --selector flag or introspection: {e}"))?;
            if sel.is_empty() {
                return Err("selector must be specified".into());
            }
            sel
        }
    };
    let cluster_ip = a.get("cluster-ip").unwrap_or("").to_string();
    let (obj_ports, protocols) = ports_for(obj);
    let port_string = match a.get("port").filter(|p| !p.is_empty()) {
        Some(p) => p.to_string(),
        None => {
            if obj_ports.is_empty() && cluster_ip != "None" {
                return Err("couldn't find port via --port flag or introspection".into());
            }
            obj_ports.join(",")
        }
    };
    let labels = match a.get("labels").filter(|l| !l.is_empty()) {
        Some(l) => parse_labels(l)?,
        None => obj.meta().labels.clone(),
    };
    let name = a.get("name").filter(|n| !n.is_empty()).map(String::from).unwrap_or(default_name);
    let protocol_flag = a.get("protocol").unwrap_or("").to_string();
    let mut ports: Vec<ServicePort> = Vec::new();
    if !port_string.is_empty() {
        let list: Vec<&str> = port_string.split(',').collect();
        for (i, p) in list.iter().enumerate() {
            let port = go_parse_int(p, 10, 64).map_err(|why| format!("strconv.Atoi: parsing {p:?}: {why}"))? as i32;
            let port_name = if list.len() > 1 { format!("port-{}", i + 1) } else { String::new() };
            let mut protocol = protocol_flag.clone();
            if protocol.is_empty() {
                protocol = "TCP".into();
                if let Some(found) = protocols.get(*p) {
                    if found.len() == 1 {
                        protocol = found[0].clone();
                    } else {
                        for proto in found {
                            ports.push(ServicePort {
                                name: format!("port-{}-{}", i + 1, proto.to_ascii_lowercase()),
                                port,
                                protocol: proto.clone(),
                                ..Default::default()
                            });
                        }
                        continue;
                    }
                }
            }
            ports.push(ServicePort { name: port_name, port, protocol, ..Default::default() });
        }
    }
    let target = a.get("target-port").filter(|t| !t.is_empty());
    for p in &mut ports {
        p.target_port = Some(match target {
            Some(t) => match go_parse_int(t, 10, 64) {
                Ok(n) => IntOrString::Int(n as i32),
                Err(_) => IntOrString::String(t.to_string()),
            },
            None => IntOrString::Int(p.port),
        });
    }
    let mut spec = ServiceSpec { selector, ports, ..Default::default() };
    if let Some(ip) = a.get("external-ip").filter(|s| !s.is_empty()) {
        spec.external_ips = vec![ip.to_string()];
    }
    if let Some(t) = a.get("type").filter(|s| !s.is_empty()) {
        spec.type_ = t.to_string();
    }
    if spec.type_ == "LoadBalancer" {
        spec.load_balancer_ip = a.get("load-balancer-ip").unwrap_or("").to_string();
    }
    match a.get("session-affinity").unwrap_or("") {
        "" => {}
        v @ ("None" | "ClientIP") => spec.session_affinity = v.to_string(),
        other => return Err(format!("unknown session affinity: {other}")),
    }
    spec.cluster_ip = cluster_ip;
    Ok(Service { metadata: meta(&name, "", false, labels), spec, ..Default::default() })
}
