//! "Why" on the page: what the map lights for a step of an object's chain or for a console
//! command's effects (its "blast radius", `Engine::caused_by`), and which part of the
//! control-plane strip a step's component is. The page only draws what this decides.

use kubelab_engine::causes::WrittenObject;
use kubelab_engine::Engine;
use std::collections::BTreeSet;
use std::rc::Rc;

/// What the map lights: pods and Services by (namespace, name), nodes by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lit {
    pub pods: BTreeSet<(String, String)>,
    pub nodes: BTreeSet<String>,
    /// A Service lights for a write to it or to its Endpoints (the map draws them as one).
    pub services: BTreeSet<(String, String)>,
}

impl Lit {
    /// The objects of `written` the map draws.
    pub fn of(written: &[WrittenObject]) -> Lit {
        let mut lit = Lit::default();
        for o in written {
            let key = (o.namespace.clone(), o.name.clone());
            match o.kind {
                "Pod" => {
                    lit.pods.insert(key);
                }
                "Node" => {
                    lit.nodes.insert(o.name.clone());
                }
                "Service" | "Endpoints" => {
                    lit.services.insert(key);
                }
                _ => {}
            }
        }
        lit
    }

    pub fn is_empty(&self) -> bool {
        self.pods.is_empty() && self.nodes.is_empty() && self.services.is_empty()
    }

    pub fn has_pod(&self, namespace: &str, name: &str) -> bool {
        match self.pods.len() {
            0 => false,
            // A few: a scan is quicker than building a key.
            1..=8 => self.pods.iter().any(|(ns, n)| ns == namespace && n == name),
            _ => self.pods.contains(&(namespace.to_string(), name.to_string())),
        }
    }
}

/// The control-plane strip's parts, in its order.
pub const PARTS: [&str; 5] = ["api", "etcd", "scheduler", "controllers", "kubelets"];

/// Which part of the strip a step's actor (`WhyStep::actor`) is: a command reaches the API
/// server; the scheduler and the kubelets are their own parts; every other component runs
/// in the controller manager.
pub fn part_of(actor: &str) -> usize {
    match actor {
        "console" => 0,
        "default-scheduler" => 2,
        "kubelet" => 4,
        _ => 3,
    }
}

/// The console command whose effects the map shows, and what they light. Computed once per
/// click, from the live cluster.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Blast {
    /// The command's line in the journal.
    pub line: Option<u32>,
    /// Every object it caused, directly or through the controllers' reactions.
    pub caused: Vec<WrittenObject>,
    pub lit: Rc<Lit>,
}

impl Blast {
    /// A click on command `line`: show what it caused, or, if it is shown already, clear it.
    pub fn toggle(&mut self, engine: &Engine, line: u32) {
        if self.line == Some(line) {
            return self.clear();
        }
        let caused = engine.caused_by(line);
        self.lit = Rc::new(Lit::of(&caused));
        self.caused = caused;
        self.line = Some(line);
    }

    pub fn clear(&mut self) {
        *self = Blast::default();
    }

    /// One line for the page: "line 2 caused 3 pods, 1 ReplicaSet" (or that it caused nothing
    /// still in the cluster).
    pub fn summary(&self) -> Option<String> {
        let line = self.line?;
        if self.caused.is_empty() {
            return Some(format!("Command {line} caused nothing still in the cluster."));
        }
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for o in &self.caused {
            match counts.iter_mut().find(|(k, _)| *k == o.kind) {
                Some((_, n)) => *n += 1,
                None => counts.push((o.kind, 1)),
            }
        }
        let parts: Vec<String> =
            counts.iter().map(|(k, n)| if *n == 1 { format!("1 {k}") } else { format!("{n} {}", plural(k)) }).collect();
        Some(format!("Command {line} caused: {}.", parts.join(", ")))
    }
}

fn plural(kind: &str) -> String {
    match kind {
        "Endpoints" => kind.to_string(),
        k if k.ends_with('s') => format!("{k}es"),
        k => format!("{k}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::TextFiles;

    fn o(kind: &'static str, ns: &str, name: &str) -> WrittenObject {
        WrittenObject { kind, namespace: ns.into(), name: name.into() }
    }

    #[test]
    fn the_map_lights_pods_nodes_and_services_and_endpoints_light_their_service() {
        let lit = Lit::of(&[
            o("Deployment", "default", "web"),
            o("Endpoints", "default", "web"),
            o("Node", "", "node-2"),
            o("Pod", "default", "web-1"),
        ]);
        assert!(lit.has_pod("default", "web-1") && !lit.has_pod("default", "web-2"));
        assert_eq!(lit.nodes.iter().collect::<Vec<_>>(), ["node-2"]);
        assert_eq!(lit.services.len(), 1);
        assert!(Lit::of(&[o("ReplicaSet", "default", "web-5f9")]).is_empty(), "the map draws no ReplicaSet");
    }

    #[test]
    fn components_map_to_the_control_plane_strip() {
        let parts: Vec<&str> =
            ["console", "default-scheduler", "kubelet", "deployment-controller", "replicaset-controller"]
                .iter()
                .map(|a| PARTS[part_of(a)])
                .collect();
        assert_eq!(parts, ["api", "scheduler", "kubelets", "controllers", "controllers"]);
    }

    #[test]
    fn a_click_shows_a_commands_effects_and_a_second_click_clears_them() {
        let mut s = crate::session::Session::headless(1);
        let ran = s.run_text("kubectl create deployment web --image=nginx:1.25 --replicas=2", &TextFiles(&[]));
        assert_eq!(ran.expect("parses")[0].journal_line, Some(1));
        let ran = s.run_text("kubectl get pods", &TextFiles(&[])).expect("parses");
        assert_eq!(ran[0].journal_line, None, "a read is not journaled");
        let e = s.engine();
        let mut blast = Blast::default();
        blast.toggle(e, 1);
        assert_eq!(blast.lit.pods.len(), 2, "{:?}", blast.caused);
        let summary = blast.summary().unwrap_or_default();
        assert!(summary.starts_with("Command 1 caused: 1 Deployment, 2 Pods, 1 ReplicaSet"), "{summary}");
        blast.toggle(e, 1);
        assert_eq!(blast, Blast::default());
        blast.toggle(e, 7);
        assert_eq!(blast.summary().as_deref(), Some("Command 7 caused nothing still in the cluster."));
    }
}
