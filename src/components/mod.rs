//! Leaf views: function components with props and `on_*` callbacks; the root `App` owns state.

pub mod autoscaling;
pub mod clock;
pub mod cluster_map;
pub mod console;
pub mod control_plane;
mod draw_budget;
pub mod editor;
pub mod events;
mod ingress_box;
pub mod inspector;
pub mod lan_map;
pub mod legend;
pub mod lesson;
mod lit_layer;
mod map_overlay;
mod pod_cpu;
pub mod presenter;
pub mod timeline;
pub mod traffic;
pub mod workloads;

pub use autoscaling::scaling_charts;
pub use clock::SimClock;
pub use cluster_map::ClusterMap;
pub use console::{Console, ConsoleLine, LineKind};
pub use control_plane::ControlPlane;
pub use editor::{ApplyOutput, TabAction, YamlEditor};
pub use events::EventsFeed;
pub use inspector::Inspector;
pub use lan_map::LanMap;
pub use legend::OwnerLegend;
pub use lesson::{LessonAction, LessonPanel, LessonsLoad};
pub use presenter::DemoPanel;
pub use timeline::Timeline;
pub use traffic::TrafficPanel;
pub use workloads::Workloads;
