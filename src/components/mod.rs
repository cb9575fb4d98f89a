//! Leaf views: function components with props and `on_*` callbacks; the root `App` owns state.

pub mod clock;
pub mod events;
pub mod timeline;
pub mod cluster_map;
pub mod console;
pub mod control_plane;
pub mod editor;
pub mod inspector;
pub mod lan_map;
pub mod lesson;
pub mod legend;
pub mod presenter;
pub mod traffic;
pub mod workloads;

pub use clock::SimClock;
pub use events::EventsFeed;
pub use timeline::Timeline;
pub use cluster_map::ClusterMap;
pub use console::{Console, ConsoleLine, LineKind};
pub use control_plane::ControlPlane;
pub use editor::{ApplyOutput, TabAction, YamlEditor};
pub use inspector::Inspector;
pub use lan_map::LanMap;
pub use lesson::{LessonAction, LessonPanel};
pub use legend::OwnerLegend;
pub use presenter::DemoPanel;
pub use traffic::TrafficPanel;
pub use workloads::Workloads;
