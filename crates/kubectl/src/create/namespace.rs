//! `kubectl create namespace` (k8s.io/kubectl/pkg/cmd/create/create_namespace.go).

use crate::args::flag;
use crate::submit::{common_submit, name_from_args, parse_with_common, submit};
use crate::Output;
use kubelab_api::*;
use kubelab_engine::Engine;

/// `kubectl create namespace NAME`
pub(super) fn create_namespace(engine: &mut Engine, words: &[String]) -> Output {
    const PATH: &str = "kubectl create namespace";
    let a = match parse_with_common(words, &[flag("validate", None, true)], PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", None) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let ns = Namespace { metadata: ObjectMeta { name, ..Default::default() }, ..Default::default() };
    submit(engine, Object::Namespace(ns), "", &s, &mut out);
    out
}
