//! The pod status a kubelet posts (generateAPIPodStatus): conditions, container statuses,
//! addresses, worked out from the pod's runtime.

use super::*;

impl Kubelet<'_> {
    /// PodStatus from the runtime (kubelet's generateAPIPodStatus).
    pub(super) fn status(host_ip: &str, pod: &Pod, rt: &mut PodRuntime, now: Time) -> PodStatus {
        let mut st = Self::status_base(host_ip, pod, rt);
        // A pod with init containers reports a container not created yet as PodInitializing.
        let creating = if pod.spec.init_containers.is_empty() { "ContainerCreating" } else { "PodInitializing" };
        let mut statuses = Vec::with_capacity(rt.containers.len());
        let mut any_running = false;
        let mut ever_ran = false;
        let (mut exited, mut exited_ok) = (0, 0);
        let mut unready = Vec::new();
        for (spec, c) in pod.spec.containers.iter().zip(rt.containers.iter()) {
            let cs = container_status(pod, c, now, creating);
            match &c.phase {
                Phase::Running { .. } => any_running = true,
                Phase::Exited { exit_code, .. } => {
                    ever_ran = true;
                    exited += 1;
                    if *exit_code == 0 {
                        exited_ok += 1;
                    }
                }
                Phase::CrashLoopBackOff { .. } => ever_ran = true,
                _ => {}
            }
            if c.restarts > 0 {
                ever_ran = true;
            }
            if !cs.ready {
                unready.push(spec.name.clone());
            }
            statuses.push(cs);
        }
        // Init containers: one that ran to completion is ready (prober_manager.go
        // UpdatePodStatus); the pod is initialized once each has completed, or, for a
        // sidecar, started. One that failed in a pod that is never restarted fails the pod.
        let mut incomplete = Vec::new();
        let mut init_failed = false;
        st.init_container_statuses = Self::init_statuses(pod, rt, now, creating, &mut incomplete, &mut init_failed);
        st.container_statuses = statuses;
        let all_done = exited == rt.containers.len() && rt.killing_until.is_none() && {
            // Only when no container will be restarted.
            match pod.spec.restart_policy.as_str() {
                "Never" => true,
                "OnFailure" => exited_ok == exited,
                _ => false,
            }
        };
        let never = pod.spec.restart_policy == "Never";
        st.phase = if init_failed && never {
            "Failed".into()
        } else if !incomplete.is_empty() && !any_running && !ever_ran {
            "Pending".into()
        } else if all_done {
            if exited_ok == exited {
                "Succeeded".into()
            } else {
                "Failed".into()
            }
        } else if any_running || ever_ran {
            "Running".into()
        } else {
            "Pending".into()
        };
        let all_ready = unready.is_empty() && !pod.spec.containers.is_empty();
        set_cond(&mut st.conditions, "PodReadyToStartContainers", "True", "", "", now);
        // Once an app container has started, the pod stays initialized while a sidecar
        // restarts (status.go GeneratePodInitializedCondition, HasAnyRegularContainerStarted).
        if incomplete.is_empty() || any_running || ever_ran {
            set_cond(&mut st.conditions, "Initialized", "True", "", "", now);
        } else {
            let msg = format!("containers with incomplete status: [{}]", incomplete.join(" "));
            set_cond(&mut st.conditions, "Initialized", "False", "ContainersNotInitialized", &msg, now);
        }
        if all_ready {
            set_cond(&mut st.conditions, "Ready", "True", "", "", now);
            set_cond(&mut st.conditions, "ContainersReady", "True", "", "", now);
        } else {
            let msg = format!("containers with unready status: [{}]", unready.join(" "));
            set_cond(&mut st.conditions, "Ready", "False", "ContainersNotReady", &msg, now);
            set_cond(&mut st.conditions, "ContainersReady", "False", "ContainersNotReady", &msg, now);
        }
        order_conditions(&mut st.conditions);
        st
    }

    /// The status to post but what the runtime adds: the pod's own conditions, message and
    /// QoS class, and the addresses.
    fn status_base(host_ip: &str, pod: &Pod, rt: &PodRuntime) -> PodStatus {
        // The posted status but the fields written below, which are not copied only to be
        // dropped (a status is built at every sync: its container statuses are most of it).
        // Named field by field, so a field added to PodStatus has to be placed here.
        let PodStatus {
            phase: _,
            conditions,
            message,
            reason,
            nominated_node_name,
            host_ip: _,
            pod_ip: _,
            start_time: _,
            init_container_statuses: _,
            container_statuses: _,
            qos_class,
            host_ips: _,
            pod_ips: _,
        } = &pod.status;
        PodStatus {
            phase: Str::default(),
            conditions: conditions.clone(),
            message: message.clone(),
            reason: reason.clone(),
            nominated_node_name: nominated_node_name.clone(),
            host_ip: host_ip.to_string(),
            pod_ip: rt.pod_ip.clone(),
            start_time: Some(rt.started),
            init_container_statuses: Vec::new(),
            container_statuses: Vec::new(),
            qos_class: qos_class.clone(),
            host_ips: ip_list(host_ip),
            pod_ips: ip_list(&rt.pod_ip),
        }
    }

    /// The init containers' statuses; notes each not complete yet in `incomplete`, and in
    /// `init_failed` whether one failed the pod.
    fn init_statuses<'p>(
        pod: &'p Pod,
        rt: &PodRuntime,
        now: Time,
        creating: &'static str,
        incomplete: &mut Vec<&'p str>,
        init_failed: &mut bool,
    ) -> Vec<ContainerStatus> {
        pod.spec
            .init_containers
            .iter()
            .zip(rt.inits.iter())
            .map(|(spec, c)| {
                let mut cs = container_status(pod, c, now, creating);
                let done = if is_sidecar(spec) {
                    cs.state.running.is_some() && cs.started == Some(true)
                } else {
                    cs.ready = matches!(c.phase, Phase::Exited { exit_code: 0, .. });
                    cs.ready
                };
                if !done {
                    incomplete.push(spec.name.as_str());
                }
                if !is_sidecar(spec)
                    && (matches!(c.phase, Phase::Exited { exit_code, .. } if exit_code != 0)
                        || c.restarts > 0 && !cs.ready)
                {
                    *init_failed = true;
                }
                cs
            })
            .collect()
    }
}

/// A container's status as the kubelet reports it. `creating` is the waiting reason of a
/// container not created yet: ContainerCreating, or PodInitializing in a pod with init
/// containers (the kubelet's default waiting state, kubelet_pods.go).
pub(super) fn container_status(pod: &Pod, c: &Ctr, now: Time, creating: &'static str) -> ContainerStatus {
    let mut cs = ContainerStatus {
        name: c.name.clone(),
        image: c.image.clone(),
        restart_count: c.restarts,
        started: Some(false),
        ..Default::default()
    };
    if let Some(t) = &c.last_terminated {
        cs.last_state.terminated = Some(t.clone());
    }
    if matches!(c.phase, Phase::Running { .. } | Phase::Exited { .. } | Phase::CrashLoopBackOff { .. })
        || c.restarts > 0
    {
        // A created container reports the image as the runtime has it and its id; one
        // that has run keeps reporting them while it waits to run again.
        (cs.image, cs.image_id) = runtime_image(&c.image);
        cs.container_id = container_id(pod, c);
    }
    match &c.phase {
        Phase::Pulling { .. } | Phase::Starting { .. } | Phase::WaitingForVolumes { .. } | Phase::Queued => {
            cs.state.waiting = Some(ContainerStateWaiting { reason: creating.into(), message: String::new() });
        }
        Phase::ErrImagePull { message, .. } => {
            let reason = if message.contains("pull policy of Never") { "ErrImageNeverPull" } else { "ErrImagePull" };
            cs.state.waiting = Some(ContainerStateWaiting { reason: reason.into(), message: message.clone() });
        }
        Phase::ConfigError { message, .. } => {
            cs.state.waiting =
                Some(ContainerStateWaiting { reason: "CreateContainerConfigError".into(), message: message.clone() });
        }
        Phase::ImagePullBackOff { .. } => {
            cs.state.waiting = Some(ContainerStateWaiting {
                reason: "ImagePullBackOff".into(),
                message: format!("Back-off pulling image \"{}\"", c.image),
            });
        }
        Phase::Running { since, ready_at, .. } => {
            cs.state.running = Some(ContainerStateRunning { started_at: Some(*since) });
            cs.started = Some(crate::prober::started(c));
            cs.ready = ready_at.is_some_and(|r| r <= now);
        }
        Phase::Exited { at, exit_code, reason, started } => {
            cs.state.terminated = Some(ContainerStateTerminated {
                exit_code: *exit_code,
                reason: reason.clone(),
                started_at: Some(*started),
                finished_at: Some((*at).min(now)),
                // (Set above: an exited container has run.)
                container_id: cs.container_id.clone(),
                ..Default::default()
            });
        }
        Phase::CrashLoopBackOff { backoff_ms, .. } => {
            cs.state.waiting = Some(ContainerStateWaiting {
                reason: "CrashLoopBackOff".into(),
                message: format!(
                    "back-off {} restarting failed container={} pod={}_{}({})",
                    go_duration(*backoff_ms).replace(".0s", "s"),
                    c.name,
                    pod.metadata.name,
                    pod.metadata.namespace,
                    pod.metadata.uid
                ),
            });
        }
    }
    cs
}

/// Name resolution inside a pod: its hostAliases, then Services in its namespace (the
/// cluster DNS search path), also as `<svc>.<ns>` and `<svc>.<ns>.svc.cluster.local`.
pub struct StoreResolver<'a>(pub &'a Store);

impl crate::programs::Resolver for StoreResolver<'_> {
    fn resolves(&self, pod: &Pod, host: &str) -> bool {
        if pod.spec.host_aliases.iter().any(|h| h.hostnames.iter().any(|n| n == host)) {
            return true;
        }
        let parts: Vec<&str> = host.split('.').collect();
        let (svc, ns) = match parts.as_slice() {
            [s] => (*s, pod.metadata.namespace.as_str()),
            [s, n] | [s, n, "svc"] | [s, n, "svc", "cluster", "local"] => (*s, *n),
            _ => return false,
        };
        self.0.services.contains_key(&(ns.to_string(), svc.to_string()))
    }
}

pub(super) fn set_cond(
    conds: &mut Vec<PodCondition>,
    type_: &'static str,
    status: &'static str,
    reason: &'static str,
    message: &str,
    now: Time,
) {
    if let Some(c) = conds.iter_mut().find(|c| c.type_ == type_) {
        if c.status != status {
            c.status = status.into();
            c.last_transition_time = Some(now);
        }
        // (Compared first: the condition is most often unchanged.)
        if c.reason != reason {
            c.reason = reason.into();
        }
        if c.message != message {
            c.message = message.into();
        }
        return;
    }
    conds.push(PodCondition {
        type_: type_.into(),
        status: status.into(),
        last_probe_time: None,
        last_transition_time: Some(now),
        reason: reason.into(),
        message: message.into(),
    });
}

/// The order a v1.31 kubelet reports pod conditions in.
pub(super) fn order_conditions(conds: &mut [PodCondition]) {
    let rank = |t: &str| match t {
        "PodReadyToStartContainers" => 0,
        "Initialized" => 1,
        "Ready" => 2,
        "ContainersReady" => 3,
        "PodScheduled" => 4,
        _ => 5,
    };
    kubelab_api::sort::by_key(conds, |c| rank(&c.type_));
}

/// `hostIPs`/`podIPs`: `[{ip: ...}]` (one address family here).
pub(super) fn ip_list(ip: &str) -> Vec<PodIp> {
    vec![PodIp { ip: ip.to_string() }]
}
