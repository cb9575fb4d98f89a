//! `kubectl create service clusterip|nodeport|loadbalancer|externalname`
//! (k8s.io/kubectl/pkg/cmd/create/create_service.go).

use crate::args::flag;
use crate::commands::klog_command_failed;
use crate::strconv::{go_parse_int, go_parse_uint};
use crate::submit::{
    common_submit, int_flag, meta, name_from_args, namespace_of, parse_with_common, split_csv, submit, usage_error,
};
use crate::Output;
use kubelab_api::validate::{dns1123_subdomain, port_name};
use kubelab_api::*;
use kubelab_engine::Engine;
use std::collections::BTreeMap;

const SERVICE_HELP: &str = "Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use \"kubectl create service <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).";

/// `kubectl create service clusterip|nodeport|loadbalancer|externalname NAME --tcp=PORT[:TARGET]`
pub(super) fn create_service(engine: &mut Engine, words: &[String]) -> Output {
    let mut i = 0;
    while i < words.len() && words[i].len() > 1 && words[i].starts_with('-') {
        i += if super::takes_value(&words[i]) { 2 } else { 1 };
    }
    let Some(sub) = words.get(i) else {
        return Output::error(SERVICE_HELP);
    };
    let type_ = match sub.as_str() {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        "externalname" => "ExternalName",
        _ => {
            let unknown: Vec<&str> = words[i..].iter().filter(|w| !w.starts_with('-')).map(|s| s.as_str()).collect();
            return usage_error("kubectl create service", &format!("unknown command \"{}\"", unknown.join(" ")));
        }
    };
    let path = format!("kubectl create service {sub}");
    let mut rest = words.to_vec();
    rest.remove(i);
    let mut specs = vec![flag("tcp", None, true), flag("validate", None, true)];
    match type_ {
        "ClusterIP" => specs.push(flag("clusterip", None, true)),
        "NodePort" => specs.push(flag("node-port", None, true)),
        "ExternalName" => specs.push(flag("external-name", None, true)),
        _ => {}
    }
    let a = match parse_with_common(&rest, &specs, &path) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let node_port = match int_flag(&a, "node-port", &specs, 64, &path) {
        Ok(n) => n.unwrap_or(0) as i32,
        Err(e) => return e,
    };
    if type_ == "ExternalName" && !a.has("external-name") {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"external-name\" not set"));
    }
    let name = match name_from_args(&rest, &a, &path) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let mut s = match common_submit(&a, engine, &mut out, "created", Some(format!("failed to create {type_} service")))
    {
        Ok(s) => s,
        Err(e) => return e,
    };
    // kubectl's ServiceOptions never reads --save-config: the annotation is not written.
    s.save_config = false;
    let cluster_ip = a.get("clusterip").unwrap_or("").to_string();
    let external_name = a.get("external-name").unwrap_or("").to_string();
    let tcp: Vec<String> = a.all("tcp").iter().flat_map(|v| split_csv(v)).collect();
    // ServiceOptions.Validate
    if cluster_ip != "None" && tcp.is_empty() && type_ != "ExternalName" {
        out.err("error: at least one tcp port specifier must be provided");
        return out;
    }
    if type_ == "ExternalName" && !dns1123_subdomain(&external_name).is_empty() {
        out.err(format!("error: invalid service external name {external_name}"));
        return out;
    }
    let mut ports = Vec::new();
    for spec in &tcp {
        let (port, target) = match parse_service_ports(spec) {
            Ok(p) => p,
            Err(e) => {
                out.err(format!("error: {e}"));
                return out;
            }
        };
        ports.push(ServicePort {
            name: spec.replace(':', "-"),
            protocol: "TCP".into(),
            port,
            target_port: Some(target),
            node_port: if node_port != 0 { Some(node_port) } else { None },
            ..Default::default()
        });
    }
    let (ns, enforce) = namespace_of(&a, engine);
    let app: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let svc = Service {
        metadata: meta(&name, &ns, enforce, app.clone()),
        spec: ServiceSpec {
            ports,
            selector: app,
            cluster_ip,
            type_: type_.into(),
            external_name,
            ..Default::default()
        },
        ..Default::default()
    };
    submit(engine, Object::Service(svc), &ns, &s, &mut out);
    out
}

/// create service's parsePorts: `PORT[:TARGET]`, the port as utilnet.ParsePort (zero
/// allowed), the target a number (1-65535) or a port name.
fn parse_service_ports(spec: &str) -> Result<(i32, IntOrString), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let port_s = parts[0];
    let target_s = if parts.len() > 1 { parts[1] } else { port_s };
    let port = match go_parse_uint(port_s, 10, 16) {
        Ok(p) => p as i32,
        Err(why) => return Err(format!("strconv.ParseUint: parsing {port_s:?}: {why}")),
    };
    match go_parse_int(target_s, 10, 64) {
        Ok(t) => {
            if !(1..=65535).contains(&t) {
                return Err("must be between 1 and 65535, inclusive".into());
            }
            Ok((port, IntOrString::Int(t as i32)))
        }
        Err(_) => {
            let errs = port_name(target_s);
            if !errs.is_empty() {
                return Err(errs.join(","));
            }
            Ok((port, IntOrString::String(target_s.to_string())))
        }
    }
}
