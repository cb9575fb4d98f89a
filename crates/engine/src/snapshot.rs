//! The cluster as the `--trace` JSON Lines and the UI's timeline see it at one instant.

use crate::controllers::is_pod_ready;
use crate::controllers::node_lifecycle::is_node_ready;
use crate::store::Store;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// Simulated seconds since the cluster booted.
    pub t: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub nodes: Vec<SnapNode>,
    pub pods: Vec<SnapPod>,
    pub deployments: Vec<SnapDeployment>,
    pub services: Vec<SnapService>,
    /// The VM-era machines, when there are any (`lab lan up`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vms: Vec<SnapVm>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapVm {
    pub name: String,
    pub ip: String,
    pub link_up: bool,
    pub containers: Vec<SnapContainer>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapContainer {
    pub name: String,
    pub image: String,
    /// `running`, `exited` or `created`, as `docker ps` says.
    pub state: String,
    /// `host:container` pairs.
    pub ports: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapNode {
    pub name: String,
    pub ready: bool,
    pub unschedulable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapPod {
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub phase: String,
    pub ready: bool,
    pub terminating: bool,
    pub owner: Option<String>,
    pub images: Vec<String>,
    pub restarts: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapDeployment {
    pub namespace: String,
    pub name: String,
    pub replicas: i32,
    pub updated: i32,
    pub ready: i32,
    pub available: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapService {
    pub namespace: String,
    pub name: String,
    pub endpoints: Vec<String>,
}

impl Snapshot {
    pub fn of(store: &Store, now_ms: u64) -> Snapshot {
        Snapshot {
            t: now_ms as f64 / 1000.0,
            after: None,
            nodes: store
                .nodes
                .values()
                .map(|n| SnapNode {
                    name: n.metadata.name.clone(),
                    ready: is_node_ready(n),
                    unschedulable: n.spec.unschedulable,
                })
                .collect(),
            pods: store
                .pods
                .values()
                .map(|p| SnapPod {
                    namespace: p.metadata.namespace.clone(),
                    name: p.metadata.name.clone(),
                    node: if p.spec.node_name.is_empty() { None } else { Some(p.spec.node_name.clone()) },
                    phase: if p.status.phase.is_empty() { "Pending".into() } else { p.status.phase.to_string() },
                    ready: is_pod_ready(p),
                    terminating: p.metadata.deletion_timestamp.is_some(),
                    owner: p.metadata.controller_ref().map(|r| r.name.clone()),
                    images: p.spec.containers.iter().map(|c| c.image.clone()).collect(),
                    restarts: p.status.container_statuses.iter().map(|c| c.restart_count).sum(),
                })
                .collect(),
            deployments: store
                .deployments
                .values()
                .map(|d| SnapDeployment {
                    namespace: d.metadata.namespace.clone(),
                    name: d.metadata.name.clone(),
                    replicas: d.spec.replicas.unwrap_or(1),
                    updated: d.status.updated_replicas,
                    ready: d.status.ready_replicas,
                    available: d.status.available_replicas,
                })
                .collect(),
            services: store
                .services
                .values()
                .map(|s| SnapService {
                    namespace: s.metadata.namespace.clone(),
                    name: s.metadata.name.clone(),
                    endpoints: store
                        .endpoints
                        .get(&(s.metadata.namespace.clone(), s.metadata.name.clone()))
                        .map(|e| {
                            e.subsets
                                .iter()
                                .flat_map(|ss| ss.addresses.iter())
                                .map(|a| a.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_else(|| a.ip.clone()))
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect(),
            vms: Vec::new(),
        }
    }

    /// Adds the VM-era machines.
    pub fn with_lan(mut self, lan: &crate::vms::Lan) -> Snapshot {
        self.vms = lan
            .vms
            .values()
            .map(|v| SnapVm {
                name: v.name.clone(),
                ip: v.ip.clone(),
                link_up: v.link_up,
                containers: v
                    .containers
                    .iter()
                    .map(|c| SnapContainer {
                        name: c.name.clone(),
                        image: c.image.clone(),
                        state: match c.state {
                            crate::vms::CtrState::Running { .. } => "running",
                            crate::vms::CtrState::Exited { .. } => "exited",
                            crate::vms::CtrState::Created => "created",
                        }
                        .into(),
                        ports: c.ports.iter().map(|(h, p)| format!("{h}:{p}")).collect(),
                    })
                    .collect(),
            })
            .collect();
        self
    }

    /// Equal apart from the time and the command marker.
    pub fn same_state(&self, other: &Snapshot) -> bool {
        self.nodes == other.nodes
            && self.pods == other.pods
            && self.deployments == other.deployments
            && self.services == other.services
            && self.vms == other.vms
    }

    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
