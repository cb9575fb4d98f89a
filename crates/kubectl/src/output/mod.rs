//! kubectl's printers for `-o json` and `-o yaml`, byte-exact: `-o json` is Go's
//! encoding/json (struct field order, 4-space indent, HTML-safe escapes) and `-o yaml` is
//! that JSON re-emitted by sigs.k8s.io/yaml, i.e. go-yaml v2 ([`to_kubectl_yaml`]): natural
//! key order, 80-column folding, plain / single / double / literal scalar styles chosen as
//! go-yaml chooses them.

mod go_fields;
mod json;
mod yaml;

pub(crate) use json::go_json;
pub use json::to_kubectl_json;
pub use yaml::to_kubectl_yaml;
