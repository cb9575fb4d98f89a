//! The inspector's "Why" view: the chain of decisions behind the selected object, oldest
//! first (`Engine::why`), as the page shows it; and the cache that builds it only when the
//! selection or the cluster changed.

use super::{format_sim_time, Selection};
use kubelab_engine::Engine;
use kubelab_lab::why::{part_of, Lit};
use std::cell::RefCell;
use std::rc::Rc;

/// One step of the chain as the inspector shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct WhyStepView {
    /// The cause's number (stable while it is kept).
    pub id: u64,
    /// Simulated ms, where the timeline goes when the step is clicked.
    pub at_ms: u64,
    /// `1m05s`.
    pub time: String,
    /// `console (line 2)`, `replicaset-controller`, `kubelet on node-2`.
    pub who: String,
    /// The control-plane strip's part (`kubelab_lab::why::PARTS`).
    pub part: usize,
    /// The rule with its numbers (a command's step: the command).
    pub rule: String,
    /// What the map lights while the step is hovered or focused.
    pub lit: Rc<Lit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WhyView {
    pub steps: Vec<WhyStepView>,
    /// Earlier writes to the object whose causes were not kept.
    pub forgotten: u32,
    /// For an object that is not fine: what holds it, a line each.
    pub diagnosis: Vec<String>,
}

impl WhyView {
    /// The chain behind `sel` in `engine`; None when there is no such object.
    pub fn of(engine: &Engine, sel: &Selection) -> Option<WhyView> {
        let (kind, ns, name) = match sel {
            Selection::Node(n) => ("Node", "", n.as_str()),
            Selection::Pod { namespace, name } => ("Pod", namespace.as_str(), name.as_str()),
            Selection::Deployment { namespace, name } => ("Deployment", namespace.as_str(), name.as_str()),
            Selection::Service { namespace, name } => ("Service", namespace.as_str(), name.as_str()),
            Selection::Ingress { namespace, name } => ("Ingress", namespace.as_str(), name.as_str()),
        };
        let why = engine.why(kind, ns, name)?;
        let steps = why
            .steps
            .into_iter()
            .map(|s| {
                let who = match (&s.command_line, &s.node) {
                    (Some(line), _) => format!("{} (line {line})", s.actor),
                    (None, Some(node)) => format!("{} on {node}", s.actor),
                    _ => s.actor.clone(),
                };
                WhyStepView {
                    id: s.id,
                    at_ms: s.at.0,
                    time: format_sim_time(s.at.0),
                    who,
                    part: part_of(&s.actor),
                    rule: s.rule,
                    lit: Rc::new(Lit::of(&s.wrote)),
                }
            })
            .collect();
        Some(WhyView { steps, forgotten: why.forgotten, diagnosis: why.diagnosis })
    }
}

/// The last Why built, with what it was built from: the selection, the engine
/// (`Engine::instance`), the store's resource version and the simulated time. Rebuilt only
/// when one of them moved (the page draws ten times a second; the chain changes only with a
/// write).
#[derive(Debug, Default)]
pub struct WhyCache(RefCell<Option<((Selection, u64, u64, u64), Option<Rc<WhyView>>)>>);

impl WhyCache {
    pub fn get(&self, engine: &Engine, sel: &Selection) -> Option<Rc<WhyView>> {
        // A second's granularity: a diagnosis may count down (a back-off's end).
        let key = (sel.clone(), engine.instance(), engine.store().resource_version(), engine.now().0 / 1000);
        if let Some((k, built)) = &*self.0.borrow() {
            if *k == key {
                return built.clone();
            }
        }
        let built = WhyView::of(engine, sel).map(Rc::new);
        *self.0.borrow_mut() = Some((key, built.clone()));
        built
    }
}
