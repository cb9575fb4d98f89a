//! What holds an object that is not fine, and what would change it.

use crate::Engine;
use kubelab_api::Object;

impl Engine {
    /// For an object that is not fine: what holds it and what would change it, a line each.
    pub(crate) fn diagnose(&self, _obj: &Object) -> Vec<String> {
        Vec::new()
    }
}
