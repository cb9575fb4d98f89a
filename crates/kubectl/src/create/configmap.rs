//! `kubectl create configmap` (k8s.io/kubectl/pkg/cmd/create/create_configmap.go): keys from
//! literals, files, folders and env files, checked as kubectl checks them before sending.

use crate::args::{flag, FlagSpec};
use crate::commands::FileOrDir;
use crate::submit::{common_submit, meta, name_from_args, namespace_of, parse_with_common, submit};
use crate::{Ctx, Output};
use kubelab_api::validate::{config_map_key, is_env_var_name};
use kubelab_api::*;
use kubelab_engine::Engine;
use std::collections::BTreeMap;

const CONFIGMAP_FLAGS: &[FlagSpec] = &[
    flag("from-literal", None, true),
    flag("from-file", None, true),
    flag("from-env-file", None, true),
    flag("append-hash", None, false),
    flag("validate", None, true),
];

/// `kubectl create configmap NAME [--from-literal=k=v] [--from-file=[key=]path] [--from-env-file=path]`
pub(super) fn create_configmap(engine: &mut Engine, words: &[String], ctx: &mut Ctx) -> Output {
    const PATH: &str = "kubectl create configmap";
    let a = match parse_with_common(words, CONFIGMAP_FLAGS, PATH) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let name = match name_from_args(words, &a, PATH) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let mut out = Output::new();
    let s = match common_submit(&a, engine, &mut out, "created", Some("failed to create configmap".into())) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if a.bool("append-hash") {
        return Output::error("error: --append-hash is not available in this lab yet");
    }
    if a.has("from-env-file") && a.has("from-file") {
        return Output::error("error: from-env-file cannot be combined with from-file or from-literal");
    }
    if a.has("from-env-file") && a.has("from-literal") {
        return Output::error("error: from-env-file cannot be combined with from-file or from-literal");
    }
    let (ns, enforce) = namespace_of(&a, engine);
    let mut cm = ConfigMap { metadata: meta(&name, &ns, enforce, BTreeMap::new()), ..Default::default() };
    // The same order as kubectl: files, then literals, then env files.
    if let Err(e) = add_from_files(&mut cm, &a.all("from-file"), ctx) {
        return e;
    }
    for lit in a.all("from-literal") {
        // ParseLiteralSource: split at the first `=`; the value is kept as written.
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return Output::error(format!("error: invalid literal source {lit}, expected key=value"));
        };
        if let Err(e) = add_config_key(&mut cm, k, v.to_string()) {
            return Output::error(format!("error: {e}"));
        }
    }
    if let Err(e) = add_from_env_files(&mut cm, &a.all("from-env-file"), ctx) {
        return e;
    }
    submit(engine, Object::ConfigMap(cm), &ns, &s, &mut out);
    out
}

/// addKeyFromLiteralToConfigMap: validation.IsConfigMapKey, then no duplicates.
fn add_config_key(cm: &mut ConfigMap, key: &str, value: String) -> Result<(), String> {
    let errs = config_map_key(key);
    if !errs.is_empty() {
        return Err(format!("{key:?} is not a valid key name for a ConfigMap: {}", errs.join(",")));
    }
    if cm.data.contains_key(key) {
        return Err(format!(
            "cannot add key {key:?}, another key by that name already exists in Data for ConfigMap {:?}",
            cm.metadata.name
        ));
    }
    cm.data.insert(key.to_string(), value);
    Ok(())
}

/// `--from-file=[key=]path`: a file's text under its name (or the key), or each file of a
/// folder under its own name (ParseFileSource, then addFromFile / the folder walk).
fn add_from_files(cm: &mut ConfigMap, sources: &[String], ctx: &Ctx) -> Result<(), Output> {
    for source in sources {
        // ParseFileSource: `path` or `key=path`.
        let (key, path) = match source.matches('=').count() {
            0 => (None, source.clone()),
            1 if source.starts_with('=') => {
                return Err(Output::error(format!("error: key name for file path {} missing", &source[1..])))
            }
            1 if source.ends_with('=') => {
                return Err(Output::error(format!(
                    "error: file path for key name {} missing",
                    &source[..source.len() - 1]
                )))
            }
            1 => {
                let (k, p) = source.split_once('=').unwrap_or_default();
                (Some(k.to_string()), p.to_string())
            }
            _ => return Err(Output::error("error: key names or file paths cannot contain '='")),
        };
        match ctx.files.read(&path) {
            Ok(FileOrDir::File(text)) => {
                let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
                if let Err(e) = add_config_key(cm, &key, text) {
                    return Err(Output::error(format!("error: {e}")));
                }
            }
            Ok(FileOrDir::Dir(files)) => {
                if key.is_some() {
                    return Err(Output::error("error: cannot give a key name for a directory path"));
                }
                for (p, text) in files {
                    let k = p.rsplit('/').next().unwrap_or(&p).to_string();
                    if let Err(e) = add_config_key(cm, &k, text) {
                        return Err(Output::error(format!("error: {e}")));
                    }
                }
            }
            Err(_) => return Err(Output::error(format!("error: error reading {path}: no such file or directory"))),
        }
    }
    Ok(())
}

/// `--from-env-file=path`: `KEY=VALUE` lines (processEnvFileLine: leading whitespace
/// trimmed, blank lines and comments skipped).
fn add_from_env_files(cm: &mut ConfigMap, paths: &[String], ctx: &Ctx) -> Result<(), Output> {
    for path in paths {
        let text = match ctx.files.read(path) {
            Ok(FileOrDir::File(t)) => t,
            _ => return Err(Output::error(format!("error: error reading {path}: no such file or directory"))),
        };
        for line in text.trim_start_matches('\u{feff}').lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            if !is_env_var_name(k) {
                return Err(Output::error(format!("error: {k:?} is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")));
            }
            if let Err(e) = add_config_key(cm, k, v.to_string()) {
                return Err(Output::error(format!("error: {e}")));
            }
        }
    }
    Ok(())
}
