//! `kubectl autoscale (TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS
//! [--cpu-percent=CPU]`, as kubectl 1.31's cmd/autoscale builds it: an autoscaling/v1
//! HorizontalPodAutoscaler (kubectl sends v2 only from 1.33, kubernetes PR #128950), named
//! after the target unless `--name`, `minReplicas` only when `--min` > 0,
//! `targetCPUUtilizationPercentage` only when `--cpu-percent` >= 0 (the API server then
//! defaults v2's metrics to cpu 80 %). Prints `horizontalpodautoscaler.autoscaling/NAME
//! autoscaled`.

use crate::args::{flag, FlagSpec};
use crate::commands::klog_command_failed;
use crate::dry_run::DryRun;
use crate::submit::{common_submit, int_flag, namespace_of, parse_with_common};
use crate::{Ctx, Output};
use kubelab_api::*;
use kubelab_engine::{ApiError, Engine};
use serde_json::Value as Json;

const AUTOSCALE_FLAGS: &[FlagSpec] =
    &[flag("min", None, true), flag("max", None, true), flag("cpu-percent", None, true), flag("name", None, true)];

const PATH: &str = "kubectl autoscale";

pub fn autoscale(engine: &mut Engine, words: &[String], _ctx: &mut Ctx) -> Output {
    let a = match parse_with_common(words, AUTOSCALE_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    if !a.has("max") {
        return Output::error(klog_command_failed(engine.now(), "required flag(s) \"max\" not set"));
    }
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "autoscaled", None) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let num = |long: &str| int_flag(&a, long, AUTOSCALE_FLAGS, 32, PATH);
    let (min, max, cpu) = match (num("min"), num("max"), num("cpu-percent")) {
        (Ok(min), Ok(max), Ok(cpu)) => (min.unwrap_or(-1), max.unwrap_or(-1), cpu.unwrap_or(-1)),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    // AutoscaleOptions.Validate.
    if max < 1 {
        return Output::error(format!("error: --max=MAXPODS is required and must be at least 1, max: {max}"));
    }
    if max < min {
        return Output::error(format!(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
    }
    let (ns, enforce) = namespace_of(&a, engine);
    let targets = match targets(&a.positional) {
        Ok(t) => t,
        Err(e) => return Output::error(e),
    };
    for (info, name) in targets {
        if engine.store().get(info.kind, &ns, &name).is_none() {
            out.err(ApiError::not_found(info, &name).kubectl_message());
            return out;
        }
        // ScaleForResource: only kinds with a scale subresource.
        if !matches!(info.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
            out.err(format!(
                "error: cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
                info.kind, info.group, info.version, info.resource
            ));
            return out;
        }
        let hpa = HorizontalPodAutoscalerV1 {
            metadata: ObjectMeta {
                name: a.get("name").unwrap_or(&name).to_string(),
                namespace: if enforce { ns.clone() } else { String::new() },
                ..Default::default()
            },
            spec: HorizontalPodAutoscalerSpecV1 {
                scale_target_ref: CrossVersionObjectReference {
                    kind: info.kind.to_string(),
                    name: name.clone(),
                    api_version: info.api_version(),
                },
                min_replicas: (min > 0).then_some(min as i32),
                max_replicas: max as i32,
                target_cpu_utilization_percentage: (cpu >= 0).then_some(cpu as i32),
            },
            status: None,
        };
        let label = format!("horizontalpodautoscaler.autoscaling/{}", hpa.metadata.name);
        let mut sent = hpa.clone();
        if s.save_config && s.dry_run != DryRun::Client {
            let text = format!("{}\n", crate::output::go_json(&v1_json(&hpa, false), false));
            sent.metadata.annotations.insert("kubectl.kubernetes.io/last-applied-configuration".into(), text);
        }
        let json = match s.dry_run {
            DryRun::Client => v1_json(&hpa, false),
            DryRun::Server => match engine.clone().create(Object::HorizontalPodAutoscaler(sent.into_v2()), &ns) {
                Ok(Object::HorizontalPodAutoscaler(h)) => v1_of(&h),
                Ok(_) => Json::Null,
                Err(e) => {
                    out.err(e.kubectl_message());
                    return out;
                }
            },
            DryRun::None => match engine.create(Object::HorizontalPodAutoscaler(sent.into_v2()), &ns) {
                Ok(Object::HorizontalPodAutoscaler(h)) => v1_of(&h),
                Ok(_) => Json::Null,
                Err(e) => {
                    out.err(e.kubectl_message());
                    return out;
                }
            },
        };
        crate::submit::print_object(&mut out, &s, &label, &json);
        if s.dry_run == DryRun::None {
            engine.settle();
        }
    }
    out
}

/// ResourceTypeOrNameArgs: `TYPE NAME...` or `TYPE/NAME...`.
fn targets(pos: &[String]) -> Result<Vec<(&'static KindInfo, String)>, String> {
    if pos.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    let resolve =
        |t: &str| resolve_resource(t).ok_or_else(|| format!("error: the server doesn't have a resource type \"{t}\""));
    if pos[0].contains('/') {
        pos.iter()
            .map(|p| {
                let (t, n) = p.split_once('/').unwrap_or((p, ""));
                Ok((resolve(t)?, n.to_string()))
            })
            .collect()
    } else {
        let info = resolve(&pos[0])?;
        if pos.len() < 2 {
            return Err("error: resource(s) were provided, but no name was specified".into());
        }
        Ok(pos[1..].iter().map(|n| (info, n.clone())).collect())
    }
}

/// The v1 object as kubectl's client marshals it (`status` is a struct: `{}` before the
/// server fills it, as autoscalingv1.HorizontalPodAutoscalerStatus has non-omitempty
/// `currentReplicas` and `desiredReplicas`).
fn v1_json(h: &HorizontalPodAutoscalerV1, with_status: bool) -> Json {
    let mut v = serde_json::to_value(h).unwrap_or(Json::Null);
    if let Json::Object(m) = &mut v {
        m.insert("apiVersion".into(), "autoscaling/v1".into());
        m.insert("kind".into(), "HorizontalPodAutoscaler".into());
        if !with_status {
            m.insert("status".into(), serde_json::json!({"currentReplicas": 0, "desiredReplicas": 0}));
        }
    }
    v
}

/// The stored (v2) object as the v1 API returns it: the cpu utilization target and current
/// value back in their v1 fields (v1 conversion.go).
fn v1_of(h: &HorizontalPodAutoscaler) -> Json {
    let cpu =
        |m: &MetricSpec| m.resource.as_ref().filter(|r| r.name == "cpu").and_then(|r| r.target.average_utilization);
    let v1 = HorizontalPodAutoscalerV1 {
        metadata: h.metadata.clone(),
        spec: HorizontalPodAutoscalerSpecV1 {
            scale_target_ref: h.spec.scale_target_ref.clone(),
            min_replicas: h.spec.min_replicas,
            max_replicas: h.spec.max_replicas,
            target_cpu_utilization_percentage: h.spec.metrics.iter().find_map(cpu),
        },
        status: None,
    };
    let mut v = v1_json(&v1, true);
    if let Json::Object(m) = &mut v {
        let mut st = serde_json::Map::new();
        st.insert("currentReplicas".into(), h.status.current_replicas.into());
        st.insert("desiredReplicas".into(), h.status.desired_replicas.into());
        m.insert("status".into(), Json::Object(st));
    }
    v
}
