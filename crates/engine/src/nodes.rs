//! Machines: their Node objects, adding, removing, powering them off and on, and what
//! their kubelets serve (container logs, a process killed).

use crate::*;
use controllers::node_lifecycle;
use kubelet::{Kubelet, Machine};
use store::{object_ref, EventSpec};

impl Engine {
    pub(crate) fn add_node_object(&mut self, nc: &NodeConfig, index: u32) {
        let m = match self.machines.get(&nc.name) {
            Some(existing) => existing.clone(),
            None => Machine::new(&nc.name, index),
        };
        let mut labels: BTreeMap<String, String> = kubelab_api::sort::map(
            [
                ("beta.kubernetes.io/arch", "amd64"),
                ("beta.kubernetes.io/os", "linux"),
                ("kubernetes.io/arch", "amd64"),
                ("kubernetes.io/hostname", nc.name.as_str()),
                ("kubernetes.io/os", "linux"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let mut taints = Vec::new();
        if nc.control_plane {
            labels.insert("node-role.kubernetes.io/control-plane".into(), String::new());
            labels.insert("node.kubernetes.io/exclude-from-external-load-balancers".into(), String::new());
            taints.push(Taint {
                key: "node-role.kubernetes.io/control-plane".into(),
                effect: "NoSchedule".into(),
                ..Default::default()
            });
        }
        let cap: BTreeMap<String, Quantity> = kubelab_api::sort::map(
            [
                ("cpu", quantity::format_cpu_millis(nc.cpu_millis as i128)),
                ("ephemeral-storage", "61202244Ki".to_string()),
                ("memory", format!("{}Ki", nc.memory_bytes / 1024)),
                ("pods", nc.max_pods.to_string()),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), Quantity(v.clone()))),
        );
        let now = self.now;
        let cond = |t: &str, s: &str, reason: &str, msg: &str| NodeCondition {
            type_: t.into(),
            status: s.into(),
            last_heartbeat_time: Some(now),
            last_transition_time: Some(now),
            reason: reason.into(),
            message: msg.into(),
        };
        let node = Node {
            metadata: ObjectMeta { name: nc.name.clone(), labels, ..Default::default() },
            spec: NodeSpec {
                pod_cidr: m.pod_cidr(),
                pod_cidrs: vec![m.pod_cidr()],
                provider_id: format!("kind://docker/kubelab/{}", nc.name),
                unschedulable: false,
                taints,
            },
            status: NodeStatus {
                capacity: cap.clone(),
                allocatable: cap,
                conditions: vec![
                    cond(
                        "MemoryPressure",
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                    cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
                ],
                addresses: vec![
                    NodeAddress { type_: "InternalIP".into(), address: m.ip.clone() },
                    NodeAddress { type_: "Hostname".into(), address: nc.name.clone() },
                ],
                node_info: NodeSystemInfo {
                    machine_id: naming::uid_for(1000 + index as u64).replace('-', ""),
                    system_uuid: naming::uid_for(2000 + index as u64),
                    boot_id: naming::uid_for(3000 + index as u64),
                    kernel_version: "6.8.0-45-generic".into(),
                    os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                    container_runtime_version: "containerd://1.7.18".into(),
                    kubelet_version: KUBERNETES_VERSION.into(),
                    kube_proxy_version: KUBERNETES_VERSION.into(),
                    operating_system: "linux".into(),
                    architecture: "amd64".into(),
                },
            },
        };
        self.machines.insert(nc.name.clone(), m);
        self.controllers.kubelets.rescan();
        self.store.create(Object::Node(node), self.now);
    }

    // ------------------------------------------------------------ logs and processes

    /// A container's log lines, as the kubelet serves `kubectl logs`.
    /// What the kubelet runs for the pod with this uid, once admitted.
    pub fn pod_runtime(&self, uid: &str) -> Option<&kubelet::PodRuntime> {
        self.runtimes.get(uid)
    }

    pub fn container_logs(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<Vec<(Time, String)>, ApiError> {
        let Some(p) = self.store.pods.get(&(ns.to_string(), pod.to_string())) else {
            return Err(ApiError::NotFound { resource: "pods".into(), name: pod.into() });
        };
        let all: Vec<&Container> = p.spec.init_containers.iter().chain(p.spec.containers.iter()).collect();
        if !all.iter().any(|c| c.name == container) {
            return Err(ApiError::BadRequest(format!("container {container} is not valid for pod {pod}")));
        }
        if let Some(m) = self.machines.get(&p.spec.node_name) {
            if !m.alive {
                return Err(ApiError::Unreachable(format!(
                    "Get \"https://{}:10250/containerLogs/{ns}/{pod}/{container}\": dial tcp {}:10250: connect: no route to host",
                    m.ip, m.ip
                )));
            }
        }
        let ctr = self.runtimes.get(&p.metadata.uid).and_then(|rt| rt.all_containers().find(|c| c.name == container));
        // The waiting reason of a container not created yet (the kubelet's default).
        let creating = if p.spec.init_containers.is_empty() { "ContainerCreating" } else { "PodInitializing" };
        let Some(ctr) = ctr else {
            return Err(ApiError::BadRequest(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: {creating}"
            )));
        };
        if previous {
            if ctr.restarts == 0 {
                return Err(ApiError::BadRequest(format!(
                    "previous terminated container \"{container}\" in pod \"{pod}\" not found"
                )));
            }
            return Ok(ctr.previous_logs.iter().map(|(t, l)| (*t, l.to_string())).collect());
        }
        match &ctr.phase {
            kubelet::Phase::Pulling { .. }
            | kubelet::Phase::Starting { .. }
            | kubelet::Phase::Queued
            | kubelet::Phase::WaitingForVolumes { .. }
                if ctr.restarts == 0 =>
            {
                Err(ApiError::BadRequest(format!(
                    "container \"{container}\" in pod \"{pod}\" is waiting to start: {creating}"
                )))
            }
            kubelet::Phase::ErrImagePull { .. } | kubelet::Phase::ImagePullBackOff { .. } => {
                Err(ApiError::BadRequest(format!(
                    "container \"{container}\" in pod \"{pod}\" is waiting to start: trying and failing to pull image"
                )))
            }
            kubelet::Phase::ConfigError { .. } if ctr.restarts == 0 => Err(ApiError::BadRequest(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: CreateContainerConfigError"
            ))),
            _ => Ok(ctr.logs.iter().filter(|(t, _)| *t <= self.now).map(|(t, l)| (*t, l.to_string())).collect()),
        }
    }

    /// Kills a container's process (SIGKILL: exit code 137), as `lab pod kill` does.
    pub fn kill_container(&mut self, ns: &str, pod: &str, container: Option<&str>) -> Result<String, String> {
        self.end_container(ns, pod, container, 137)
    }

    /// Ends a container's main process with `code` (0: Completed, else Error), as a shell
    /// attached to by `kubectl run -it` does on `exit`; returns the container's name.
    pub fn end_container(&mut self, ns: &str, pod: &str, container: Option<&str>, code: i32) -> Result<String, String> {
        self.touch();
        let Some(p) = self.store.pods.get(&(ns.to_string(), pod.to_string())).cloned() else {
            return Err(format!("pods \"{pod}\" not found"));
        };
        let now = self.now;
        let rt = self.runtime_mut(&p.metadata.uid).ok_or_else(|| format!("pod {pod} has no running containers"))?;
        rt.settled = None;
        let name = container
            .map(String::from)
            .or_else(|| p.spec.containers.first().map(|c| c.name.clone()))
            .unwrap_or_default();
        let c = rt.container_mut(&name).ok_or_else(|| format!("container {name} is not valid for pod {pod}"))?;
        match &mut c.phase {
            kubelet::Phase::Running { exit_at, .. } => {
                *exit_at = Some((now, code, if code == 0 { "Completed" } else { "Error" }.into()));
            }
            _ => return Err(format!("container {name} in pod {pod} is not running")),
        }
        self.settle();
        Ok(name)
    }

    // ------------------------------------------------------------ machines

    /// Adds a worker machine (2 CPU / 4 GiB unless the config says otherwise); its kubelet
    /// registers the Node at once.
    pub fn add_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        if self.machines.contains_key(name) || self.store.exists("Node", "", name) {
            return Err(format!("node \"{name}\" already exists"));
        }
        let errs = validate::dns1123_subdomain(name);
        if let Some(e) = errs.first() {
            return Err(format!("invalid node name \"{name}\": {e}"));
        }
        let nc = NodeConfig::worker(name);
        self.config.nodes.push(nc.clone());
        let index = self.next_machine_index();
        self.add_node_object(&nc, index);
        self.settle();
        Ok(())
    }

    /// The index of a new machine (its pod CIDR 10.244.INDEX.0/24 and its address): one past
    /// the highest in use, never the count of machines, which a deleted one lowers (two
    /// machines would then share a pod CIDR).
    pub(crate) fn next_machine_index(&self) -> u32 {
        self.machines.values().map(|m| m.index + 1).max().unwrap_or(0)
    }

    /// Destroys a machine: its Node object is deleted and it never comes back.
    pub fn remove_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        if !self.machines.contains_key(name) {
            return Err(format!("node \"{name}\" not found"));
        }
        if let Some(m) = self.machines.get_mut(name) {
            m.alive = false;
            m.rejoin_at = None;
        }
        if self.store.exists("Node", "", name) {
            self.apply(Action::Delete { kind: "Node", namespace: String::new(), name: name.into(), grace: None });
        }
        self.machines.remove(name);
        self.controllers.kubelets.rescan();
        self.config.nodes.retain(|n| n.name != name);
        self.settle();
        Ok(())
    }

    /// Powers a node off: its kubelet stops renewing its lease and its containers die.
    pub fn kill_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        let renew = self.config.timings.lease_renew_ms;
        let now = self.now;
        let m = self.machines.get_mut(name).ok_or_else(|| format!("node \"{name}\" not found"))?;
        if !m.alive {
            return Err(format!("node \"{name}\" is already down"));
        }
        m.alive = false;
        m.last_renew = Time(now.0 / renew * renew);
        m.rejoin_at = None;
        let mut k = Kubelet { machine: m, runtimes: &mut self.runtimes, timings: &self.config.timings };
        k.power_loss(&self.store, now);
        self.controllers.kubelets.rescan();
        self.note_machine_change(name);
        self.settle();
        Ok(())
    }

    /// Powers a node back on: at its next lease renewal it posts Ready again.
    pub fn restore_node(&mut self, name: &str) -> Result<(), String> {
        self.touch();
        let renew = self.config.timings.lease_renew_ms;
        let now = self.now;
        let m = self.machines.get_mut(name).ok_or_else(|| format!("node \"{name}\" not found"))?;
        if m.alive {
            return Err(format!("node \"{name}\" is already up"));
        }
        m.alive = true;
        let at = Time(now.0.div_ceil(renew) * renew);
        m.rejoin_at = Some(at);
        m.pull_busy_until = now;
        // Containers were lost with the power: the kubelet starts them again.
        let uids: Vec<String> =
            self.store.pods.values().filter(|p| p.spec.node_name == name).map(|p| p.metadata.uid.clone()).collect();
        self.controllers.kubelets.rescan();
        for uid in uids {
            if let Some(rt) = self.runtimes.get_mut(&uid) {
                rt.settled = None;
                for c in rt.inits.iter_mut().chain(rt.containers.iter_mut()) {
                    if let kubelet::Phase::Starting { at: t } = &mut c.phase {
                        *t = Time(at.0 + kubelet::CREATE_MS);
                    }
                }
            }
        }
        self.wakeups.insert(at);
        self.note_machine_change(name);
        self.settle();
        Ok(())
    }

    /// A command powered the machine off or on: not a write, but what the node controller
    /// and the kubelet will react to, so it goes in the Node's history as one.
    fn note_machine_change(&mut self, name: &str) {
        self.store.causes.note("Node", &(String::new(), name.to_string()), false);
    }

    /// A node whose kubelet came back posts Ready at its first lease renewal.
    pub(crate) fn rejoin_nodes(&mut self) {
        let now = self.now;
        let due: Vec<String> = self
            .machines
            .values()
            .filter(|m| m.alive && m.rejoin_at.is_some_and(|t| t <= now))
            .map(|m| m.name.clone())
            .collect();
        for name in due {
            if let Some(m) = self.machines.get_mut(&name) {
                m.rejoin_at = None;
            }
            let Some(node) = self.store.nodes.get(&(String::new(), name.clone())).cloned() else {
                // The Node object was deleted: the kubelet registers it anew.
                let index = self.machines.get(&name).map(|m| m.index).unwrap_or(0);
                let nc = self
                    .config
                    .nodes
                    .iter()
                    .find(|n| n.name == name)
                    .cloned()
                    .unwrap_or_else(|| NodeConfig::worker(&name));
                self.add_node_object(&nc, index);
                self.node_gone.remove(&name);
                let obj = self.store.get("Node", "", &name).expect("just registered");
                self.store.record_event(
                    EventSpec::normal(
                        object_ref(&obj),
                        "RegisteredNode",
                        format!("Node {name} event: Registered Node {name} in Controller"),
                        "node-controller",
                    ),
                    now,
                );
                continue;
            };
            let mut n = node.clone();
            for c in &mut n.status.conditions {
                let (status, reason, msg) = match c.type_.as_str() {
                    "Ready" => ("True", "KubeletReady", "kubelet is posting ready status"),
                    "MemoryPressure" => {
                        ("False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available")
                    }
                    "DiskPressure" => ("False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    _ => ("False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                };
                c.status = status.into();
                c.reason = reason.into();
                c.message = msg.into();
                c.last_transition_time = Some(now);
                c.last_heartbeat_time = Some(now);
            }
            n.spec.taints.retain(|t| t.key != node_lifecycle::UNREACHABLE && t.key != node_lifecycle::NOT_READY);
            self.store.update(Object::Node(n.clone()));
            self.store.record_event(
                EventSpec::normal(
                    object_ref(&Object::Node(n)),
                    "NodeReady",
                    format!("Node {name} status is now: NodeReady"),
                    "kubelet",
                )
                .on_host(&name),
                now,
            );
        }
    }
}
