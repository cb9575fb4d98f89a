//! The events feed: the cluster's latest events, newest first.

use super::*;
use kubelab_engine::Engine;

/// A cluster event as the feed shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct EventView {
    /// Stable while the event lives (its name).
    pub key: String,
    pub warning: bool,
    pub reason: String,
    /// `pod/web-7d4b9c8f5-abcde`, as `kubectl get events` writes the object.
    pub object: String,
    pub message: String,
    /// `5s ago`, `(x3 over 40s)` folded in as kubectl describe does.
    pub when: String,
    /// What clicking it inspects, when the lab's inspector shows that kind.
    pub select: Option<Selection>,
}

/// Events shown in the feed.
pub const FEED_EVENTS: usize = 40;

/// A resourceVersion's order as the number it is (the store writes them in decimal, without
/// leading zeros): its length, then its digits. Not parsed: the feed looks at every event.
pub(super) fn version_order(v: &str) -> (usize, &str) {
    (v.len(), v)
}

/// The newest events first (by last time seen), at most FEED_EVENTS.
pub fn events_feed(engine: &Engine) -> Vec<EventView> {
    let now = engine.now();
    // Thousands of events with 1,000 pods: the newest are picked out, not all sorted.
    let mut events: Vec<_> = engine
        .store()
        .events
        .values()
        .map(|e| {
            (
                std::cmp::Reverse((
                    e.last_timestamp.or(e.first_timestamp),
                    version_order(&e.metadata.resource_version),
                )),
                e,
            )
        })
        .collect();
    if events.len() > FEED_EVENTS {
        events.select_nth_unstable_by(FEED_EVENTS - 1, |a, b| a.0.cmp(&b.0));
        events.truncate(FEED_EVENTS);
    }
    kubelab_api::sort::by(&mut events, |a, b| a.0.cmp(&b.0));
    events
        .into_iter()
        .map(|(_, e)| e)
        .map(|e| {
            let o = &e.involved_object;
            let ns = o.namespace.clone();
            let select = match &*o.kind {
                "Pod" => Some(Selection::Pod { namespace: ns, name: o.name.clone() }),
                "Node" => Some(Selection::Node(o.name.clone())),
                "Deployment" => Some(Selection::Deployment { namespace: ns, name: o.name.clone() }),
                "Service" => Some(Selection::Service { namespace: ns, name: o.name.clone() }),
                "Ingress" => Some(Selection::Ingress { namespace: ns, name: o.name.clone() }),
                _ => None,
            };
            let last = e.last_timestamp.or(e.first_timestamp);
            let mut when = format!("{} ago", kubelab_kubectl::printers::age(last, now));
            if e.count > 1 {
                when.push_str(&format!(
                    " (x{} over {})",
                    e.count,
                    kubelab_kubectl::printers::age(e.first_timestamp, now)
                ));
            }
            EventView {
                key: e.metadata.name.clone(),
                warning: e.type_ == "Warning",
                reason: e.reason.to_string(),
                object: format!("{}/{}", o.kind.to_ascii_lowercase(), o.name),
                message: e.message.clone(),
                when,
                select,
            }
        })
        .collect()
}
