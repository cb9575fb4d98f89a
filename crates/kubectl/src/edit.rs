//! `lab edit TYPE/NAME <<EOF ... EOF`: what `kubectl edit` does once the editor is saved,
//! with the new YAML from a heredoc (the browser's `kubectl edit` opens the object in the
//! editor and sends this command on Apply). Unchanged text cancels, as kubectl says; a
//! changed kind or name is refused; the object is replaced through the API's update.

use crate::args::{flag, parse};
use crate::{execute, Ctx, Output};
use kubelab_api::parse::{decode, parse_documents};
use kubelab_api::resolve_resource;
use kubelab_engine::Engine;

/// `current_yaml` for the words after `kubectl edit` as typed (`Effect::Edit`'s target).
pub fn current_yaml_of(engine: &mut Engine, target: &str) -> Result<(String, String), Output> {
    let words = crate::shell::split_words(target).map_err(|e| Output::error(format!("error: {e}")))?;
    current_yaml(engine, &words)
}

/// The object's YAML as `kubectl get -o yaml` prints it, and its (singular.group, name).
pub fn current_yaml(engine: &mut Engine, target: &[String]) -> Result<(String, String), Output> {
    let a = parse(target, &[], "kubectl edit").map_err(Output::error)?;
    let (t, name) = match a.positional.as_slice() {
        [one] if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or_default();
            (t.to_string(), n.to_string())
        }
        [t, n] => (t.clone(), n.clone()),
        _ => return Err(Output::error("error: edit needs one object: TYPE/NAME or TYPE NAME")),
    };
    let Some(info) = resolve_resource(&t) else {
        return Err(Output::error(format!("error: the server doesn't have a resource type \"{t}\"")));
    };
    let ns = a.namespace(engine);
    let line = format!("kubectl get {} {name} -n {ns} -o yaml", info.resource);
    let out = execute(engine, &line, &mut Ctx { files: &crate::NoFiles, stdin: None, observe: &mut |_| {} });
    if !out.ok {
        return Err(out);
    }
    Ok((out.text(), format!("{}/{name}", info.qualified_singular())))
}

pub fn lab_edit(engine: &mut Engine, target: &[String], ctx: &mut Ctx) -> Output {
    let (current, label) = match current_yaml(engine, target) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let Some(edited) = ctx.stdin else {
        return Output::error(format!(
            "error: lab edit takes the edited YAML as a heredoc: lab edit {label} <<EOF ... EOF (in the browser, kubectl edit opens the object in the editor)"
        ));
    };
    if edited.trim() == current.trim() {
        return Output::line("Edit cancelled, no changes made.");
    }
    let (docs, syntax) = parse_documents(edited);
    if let Some(s) = syntax {
        return Output::error(format!("error: {s}\nerror: Edit cancelled, no valid changes were saved."));
    }
    let [doc] = docs.as_slice() else {
        return Output::error(
            "error: the edited file must hold exactly one object\nerror: Edit cancelled, no valid changes were saved.",
        );
    };
    let obj = match decode(doc) {
        Ok(o) => o,
        Err(e) => {
            return Output::error(format!(
                "{}\nerror: Edit cancelled, no valid changes were saved.",
                e.kubectl_message("edited object", "patching")
            ))
        }
    };
    let (old_kind, old_name) = label.split_once('/').unwrap_or_default();
    if obj.info().qualified_singular() != old_kind || obj.meta().name != old_name {
        return Output::error("error: At least one of apiVersion, kind and name was changed\nerror: Edit cancelled, no valid changes were saved.");
    }
    let mut obj = obj;
    if obj.info().namespaced && obj.meta().namespace.is_empty() {
        obj.meta_mut().namespace = parse(target, &[flag("namespace", Some('n'), true)], "lab edit")
            .ok()
            .and_then(|a| a.get("namespace").map(String::from))
            .unwrap_or_else(|| engine.context_namespace().to_string());
    }
    match engine.update(obj) {
        Ok(_) => {
            engine.settle();
            Output::line(format!("{label} edited"))
        }
        Err(e) => {
            Output::error(format!("{}\nerror: Edit cancelled, no valid changes were saved.", e.kubectl_message()))
        }
    }
}
