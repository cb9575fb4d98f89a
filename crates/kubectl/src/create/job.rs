//! `kubectl create job` (k8s.io/kubectl/pkg/cmd/create/create_job.go, v1.31): a Job whose
//! one container is named after the Job, runs `--image` with the words after `--` as its
//! command, and restarts Never.

use crate::args::{flag, FlagSpec};
use crate::submit::{cobra_args, common_submit, meta, name_from_args, namespace_of, parse_with_common, submit};
use crate::Output;
use kubelab_api::*;
use kubelab_engine::Engine;

const JOB_FLAGS: &[FlagSpec] = &[flag("image", None, true), flag("from", None, true)];

/// `kubectl create job NAME --image=IMG [-- COMMAND args]` (`--from=cronjob/NAME`: the lab
/// serves no CronJobs, so none is found).
pub(super) fn create_job(engine: &mut Engine, words: &[String]) -> Output {
    const PATH: &str = "kubectl create job";
    let a = match parse_with_common(words, JOB_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let (all, _) = cobra_args(words, &a);
    let command: Vec<String> = all[1..].to_vec();
    let image = a.get("image").unwrap_or("").to_string();
    let from = a.get("from").unwrap_or("").to_string();
    // CreateJobOptions.Validate.
    if image.is_empty() == from.is_empty() {
        return Output::error("error: either --image or --from must be specified");
    }
    if !command.is_empty() && !from.is_empty() {
        return Output::error("error: cannot specify --from and command");
    }
    if !from.is_empty() {
        // Run: the --from resource is looked up as cronjobs.batch (its only kind).
        let (kind, source) = from.split_once('/').unwrap_or(("", from.as_str()));
        if !matches!(kind, "cronjob" | "cronjobs" | "cj" | "cronjob.batch" | "cronjobs.batch") {
            return Output::error(format!("error: from must be an existing cronjob: {from}"));
        }
        return Output::error(format!("Error from server (NotFound): cronjobs.batch \"{source}\" not found"));
    }
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", Some("failed to create job".into())) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let (ns, enforce) = namespace_of(&a, engine);
    let job = Job {
        metadata: meta(&name, &ns, enforce, Default::default()),
        spec: JobSpec {
            template: PodTemplateSpec {
                metadata: ObjectMeta::default(),
                spec: PodSpec {
                    containers: vec![Container { name: name.clone(), image, command, ..Default::default() }],
                    restart_policy: "Never".into(),
                    ..Default::default()
                },
            },
            ..Default::default()
        },
        ..Default::default()
    };
    submit(engine, Object::Job(job), &ns, &s, &mut out);
    out
}
