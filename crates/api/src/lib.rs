//! kubelab-api: the Kubernetes API objects the lab serves, as plain data.
//!
//! Parse → default → validate happens once, here, at the API boundary; the engine then
//! trusts its types. Nothing in this crate does I/O or reads a clock.
// Each sort on a new element type is another copy of the sort code in the page's wasm:
// kubelab_api::sort shares one (clippy.toml).
#![cfg_attr(not(test), warn(clippy::disallowed_methods))]

pub mod apiregistration;
pub mod apps;
pub mod autoscaling;
pub mod batch;
pub mod core;
pub mod defaults;
pub mod encode;
pub mod meta;
pub mod networking;
pub mod object;
pub mod opaque;
pub mod parse;
pub mod quantity;
pub mod sort;
pub mod storage;
pub mod tracked;
pub mod validate;
pub mod vec_map;

pub use apiregistration::*;
pub use apps::*;
pub use autoscaling::*;
pub use batch::*;
pub use core::*;
pub use meta::*;
pub use networking::*;
pub use object::{kind_info, resolve_resource, visit_kind, KindInfo, KindVisitor, Object, Resource, KINDS};
pub use opaque::Opaque;
pub use parse::{decode, parse_documents, DecodeError, SourceDoc, SyntaxError};
pub use vec_map::VecMap;

/// Text that is most often fixed (an event's type, reason and source, a condition's type
/// and status, a pod's phase, ...): borrowed then, not copied into every object.
pub type Str = std::borrow::Cow<'static, str>;

/// The Kubernetes version the lab models.
pub const KUBERNETES_VERSION: &str = "v1.31.0";
