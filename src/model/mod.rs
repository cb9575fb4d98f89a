//! What the page draws, as plain data: built from the engine's store once per render, compared
//! by value so Yew skips views whose model did not change. Nothing here touches the DOM, so
//! it is tested natively.

mod cluster;
mod events;
mod ingresses;
mod inspector;
mod lan;
mod pod_cpu;
mod pod_views;
mod traffic;
mod why;
mod workloads;

pub use cluster::*;
pub use events::*;
pub use ingresses::*;
pub use inspector::*;
pub use lan::*;
pub use pod_cpu::NodeCpu;
pub use pod_views::{PodViewCache, Pods, COMPACT_ABOVE};
pub use traffic::*;
pub use why::*;
pub use workloads::*;

#[cfg(test)]
mod tests;
