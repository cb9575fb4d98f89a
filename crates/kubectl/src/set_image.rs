//! `kubectl set image`: change the images of a workload's containers
//! (k8s.io/kubectl/pkg/cmd/set/set_image.go).

use crate::args::{flag, parse, FlagSpec};
use crate::rollout::{target, CHANGE_CAUSE};
use crate::Output;
use kubelab_api::*;
use kubelab_engine::Engine;

const SET_IMAGE_FLAGS: &[FlagSpec] = &[
    flag("record", None, false),
    flag("all", None, false),
    flag("selector", Some('l'), true),
    flag("local", None, false),
    flag("dry-run", None, true),
    flag("output", Some('o'), true),
    flag("filename", Some('f'), true),
];

/// `kubectl set image deployment/web nginx=nginx:1.26` (`words` start with `image`).
pub fn run(engine: &mut Engine, words: &[String]) -> Output {
    let a = match parse(&words[1..], SET_IMAGE_FLAGS, "kubectl set image") {
        Ok(a) => a,
        Err(e) => return Output::error(e),
    };
    let (info, name, used) = match target(&a.positional) {
        Ok(t) => t,
        Err(e) => return Output::error(e),
    };
    let pairs: Vec<(String, String)> = a.positional[used..]
        .iter()
        .filter_map(|p| p.split_once('=').map(|(c, i)| (c.to_string(), i.to_string())))
        .collect();
    if pairs.is_empty() || pairs.len() != a.positional.len() - used {
        return Output::error("error: at least one image update is required");
    }
    let ns = a.namespace(engine);
    let Some(mut obj) = engine.store().get(info.kind, &ns, &name) else {
        return Output::error(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            info.qualified_resource()
        ));
    };
    let spec: &mut PodSpec = match &mut obj {
        Object::Deployment(d) => &mut d.spec.template.spec,
        Object::ReplicaSet(r) => &mut r.spec.template.spec,
        Object::Pod(p) => &mut p.spec,
        _ => return Output::error(format!("error: cannot set image on {}", info.qualified_singular())),
    };
    for (c, image) in &pairs {
        let mut found = false;
        for ctr in spec.init_containers.iter_mut().chain(spec.containers.iter_mut()) {
            if c == "*" || ctr.name == *c {
                ctr.image = image.clone();
                found = true;
            }
        }
        if !found {
            return Output::error(format!("error: unable to find container named \"{c}\""));
        }
    }
    if a.bool("record") {
        let cmd = format!("kubectl set image {}", words[1..].join(" "));
        obj.meta_mut().annotations.insert(CHANGE_CAUSE.into(), cmd);
    }
    let before = engine.store().resource_version();
    match engine.update(obj) {
        Ok(_) => {
            engine.settle();
            let mut out = Output::new();
            if a.bool("record") {
                out.warn("Flag --record has been deprecated, --record will be removed in the future");
            }
            if engine.store().resource_version() == before {
                return out;
            }
            out.out(format!("{}/{name} image updated", info.qualified_singular()));
            out
        }
        Err(e) => Output::error(e.kubectl_message()),
    }
}
