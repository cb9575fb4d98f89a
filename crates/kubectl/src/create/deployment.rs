//! `kubectl create deployment` (k8s.io/kubectl/pkg/cmd/create/create_deployment.go).

use crate::args::{flag, FlagSpec};
use crate::commands::klog_command_failed;
use crate::submit::{
    cobra_args, common_submit, int_flag, meta, name_from_args, namespace_of, parse_with_common, split_csv, submit,
};
use crate::Output;
use kubelab_api::*;
use kubelab_engine::naming::{fnv32a, generate_name};
use kubelab_engine::rng::Pcg32;
use kubelab_engine::Engine;
use std::collections::BTreeMap;

const DEPLOYMENT_FLAGS: &[FlagSpec] = &[
    flag("image", None, true),
    flag("replicas", Some('r'), true),
    flag("port", None, true),
    flag("validate", None, true),
];

/// `kubectl create deployment NAME --image=IMG [--image=IMG] [--replicas=N] [--port=P] [-- COMMAND args]`
pub(super) fn create_deployment(engine: &mut Engine, words: &[String]) -> Output {
    const PATH: &str = "kubectl create deployment";
    let a = match parse_with_common(words, DEPLOYMENT_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let replicas = match int_flag(&a, "replicas", DEPLOYMENT_FLAGS, 32, PATH) {
        Ok(r) => r.unwrap_or(1) as i32,
        Err(e) => return e,
    };
    let port = match int_flag(&a, "port", DEPLOYMENT_FLAGS, 32, PATH) {
        Ok(p) => p.unwrap_or(-1) as i32,
        Err(e) => return e,
    };
    if !a.has("image") {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"image\" not set"));
    }
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let (all, _) = cobra_args(words, &a);
    let command: Vec<String> = all[1..].to_vec();
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", Some("failed to create deployment".into())) {
        Ok(s) => s,
        Err(e) => return e,
    };
    // --image is a string slice: repeated, or comma-separated.
    let images: Vec<String> = a.all("image").iter().flat_map(|v| split_csv(v)).collect();
    if images.len() > 1 && !command.is_empty() {
        out.err("error: cannot specify multiple --image options and command");
        return out;
    }
    let (ns, enforce) = namespace_of(&a, engine);
    let labels: BTreeMap<String, String> = [("app".to_string(), name.clone())].into();
    let mut rng =
        Pcg32::new(engine.seed() ^ fnv32a(name.as_bytes()) as u64 ^ engine.store().resource_version().rotate_left(32));
    let mut containers: Vec<Container> = images
        .iter()
        .map(|image| Container {
            name: container_name_for_image(image, &mut rng),
            image: image.clone(),
            command: command.clone(),
            ..Default::default()
        })
        .collect();
    if port >= 0 {
        if let Some(c) = containers.first_mut() {
            c.ports = vec![ContainerPort { container_port: port, ..Default::default() }];
        }
    }
    let deploy = Deployment {
        metadata: meta(&name, &ns, enforce, labels.clone()),
        spec: DeploymentSpec {
            replicas: Some(replicas),
            selector: LabelSelector { match_labels: labels.clone(), ..Default::default() },
            template: PodTemplateSpec {
                metadata: ObjectMeta { labels, ..Default::default() },
                spec: PodSpec { containers, ..Default::default() },
            },
            ..Default::default()
        },
        ..Default::default()
    };
    submit(engine, Object::Deployment(deploy), &ns, &s, &mut out);
    out
}

/// buildPodSpec: the image's last path segment without tag or digest; `.` and `_` become
/// `-` and then a random 5-character suffix is added (sanitizeAndUniquify).
pub fn container_name_for_image(image: &str, rng: &mut Pcg32) -> String {
    let mut name = image.rsplit('/').next().unwrap_or(image);
    if name.contains(':') {
        name = name.split(':').next().unwrap_or(name);
    }
    if name.contains('@') {
        name = name.split('@').next().unwrap_or(name);
    }
    if name.contains(['_', '.']) {
        let base = name.replace(['_', '.'], "-");
        return generate_name(&format!("{base}-"), rng);
    }
    name.to_string()
}
