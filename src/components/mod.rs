//! Leaf views: function components with props and `on_*` callbacks; the root `App` owns state.

pub mod clock;
pub mod cluster_map;
pub mod editor;
pub mod legend;

pub use clock::SimClock;
pub use cluster_map::ClusterMap;
pub use editor::{ApplyOutput, YamlEditor, SOURCE_NAME};
pub use legend::OwnerLegend;
