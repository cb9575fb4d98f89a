//! Manifests in, typed objects out: multi-document YAML (block or flow, `---` and `...`)
//! and JSON, strict decoding with field paths, and errors worded as kubectl and the API
//! server word them.

use crate::object::{kind_info, visit_kind, KindVisitor, Object, Resource};
use serde_yaml::Value;
use std::fmt;

/// One document of a manifest, with the 1-based line where it starts in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDoc {
    pub line: usize,
    pub value: Value,
}

/// A syntax error: the file could not be read past this point.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub problem: String,
}

impl fmt::Display for SyntaxError {
    /// sigs.k8s.io/yaml's wording, as kubectl shows it after `error parsing FILE: `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error converting YAML to JSON: yaml: line {}: {}", self.line, self.problem)
    }
}

/// The documents of a manifest file. Documents before a syntax error are returned with it,
/// as kubectl's stream visitor applies them before it stops.
pub fn parse_documents(text: &str) -> (Vec<SourceDoc>, Option<SyntaxError>) {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        // JSON, unless it is flow-style YAML (`{apiVersion: v1, ...}`), which JSON rejects.
        let (docs, err) = parse_json_stream(text);
        if err.is_none() || !docs.is_empty() {
            return (docs, err);
        }
    }
    let mut docs = Vec::new();
    for (start, chunk) in split_yaml(text) {
        if chunk.lines().all(|l| {
            let t = l.trim();
            t.is_empty() || t.starts_with('#')
        }) {
            continue;
        }
        match serde_yaml::from_str::<Lenient>(&chunk) {
            Ok(Lenient(Value::Null)) => {}
            Ok(Lenient(v)) => push_doc(&mut docs, start, v),
            Err(e) => return (docs, Some(yaml_error(&e, start))),
        }
    }
    (docs, None)
}

/// A YAML value read as sigs.k8s.io/yaml (go-yaml v2, non-strict) reads it: a key written
/// twice in one mapping keeps its last value instead of failing.
struct Lenient(Value);

impl<'de> serde::Deserialize<'de> for Lenient {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor).map(Lenient)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(LenientVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut v = Vec::new();
        while let Some(Lenient(x)) = a.next_element()? {
            v.push(x);
        }
        Ok(Value::Sequence(v))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Value, A::Error> {
        let mut m = serde_yaml::Mapping::new();
        while let Some((Lenient(k), Lenient(v))) = a.next_entry()? {
            m.insert(k, v);
        }
        Ok(Value::Mapping(m))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, a: A) -> Result<Value, A::Error> {
        // A YAML tag (`!foo bar`): keep the value, drop the tag, as sigs.k8s.io/yaml does.
        use serde::de::VariantAccess;
        let (_tag, variant): (String, _) = a.variant()?;
        variant.newtype_variant::<Lenient>().map(|l| l.0)
    }
}

fn push_doc(docs: &mut Vec<SourceDoc>, line: usize, mut value: Value) {
    strip_nulls(&mut value);
    // A `kind: List` (what `kubectl get -o yaml` prints) stands for its items.
    let is_list =
        value.get("kind").and_then(Value::as_str) == Some("List") && value.get("items").is_some_and(Value::is_sequence);
    if is_list {
        if let Some(Value::Sequence(items)) = value.get("items") {
            for item in items {
                docs.push(SourceDoc { line, value: item.clone() });
            }
        }
        return;
    }
    docs.push(SourceDoc { line, value });
}

/// Splits at `---` separator lines and `...` end markers, returning each document's text
/// and its first line number.
fn split_yaml(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 1;
    for (i, line) in text.lines().enumerate() {
        let is_sep = line.starts_with("---") && (line.len() == 3 || line[3..].starts_with([' ', '\t', '#']));
        let is_end = line.starts_with("...") && line[3..].trim().is_empty();
        if is_sep || is_end {
            out.push((start, std::mem::take(&mut cur)));
            start = i + 2;
            // Content after `--- ` on the same line belongs to the next document.
            if is_sep {
                let rest = line[3..].trim();
                if !rest.is_empty() && !rest.starts_with('#') {
                    cur.push_str(rest);
                    cur.push('\n');
                    start = i + 1;
                }
            }
            continue;
        }
        if cur.is_empty() && line.trim().is_empty() {
            // keep line numbers right: pad with an empty line
        }
        cur.push_str(line);
        cur.push('\n');
    }
    out.push((start, cur));
    out
}

fn yaml_error(e: &serde_yaml::Error, start: usize) -> SyntaxError {
    let msg = e.to_string();
    let (line, column) = e.location().map(|l| (l.line() + start - 1, l.column())).unwrap_or((start, 1));
    // serde_yaml says "PROBLEM at line L column C[, while parsing ...]"; keep the problem.
    let problem = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.clone(),
    };
    let problem = if let Some(rest) = problem.strip_prefix("duplicate entry with key ") {
        format!("key {rest} already set in map")
    } else {
        problem
    };
    SyntaxError { line, column, problem }
}

fn parse_json_stream(text: &str) -> (Vec<SourceDoc>, Option<SyntaxError>) {
    let mut docs = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<serde_json::Value>();
    loop {
        let offset = stream.byte_offset();
        match stream.next() {
            None => return (docs, None),
            Some(Ok(v)) => {
                let line = text[..offset].matches('\n').count() + 1;
                let yv = serde_yaml::to_value(&v).unwrap_or(Value::Null);
                let line = line + leading_newlines(&text[offset..]);
                push_doc(&mut docs, line, yv);
            }
            Some(Err(e)) => {
                return (docs, Some(SyntaxError { line: e.line(), column: e.column(), problem: json_problem(&e) }))
            }
        }
    }
}

fn leading_newlines(s: &str) -> usize {
    let ws = &s[..s.len() - s.trim_start().len()];
    ws.matches('\n').count()
}

fn json_problem(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    }
}

/// Go's JSON decoding treats `null` as "not set"; so do we, before strict decoding.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Mapping(m) => {
            m.retain(|_, x| !x.is_null());
            for (_, x) in m.iter_mut() {
                strip_nulls(x);
            }
        }
        Value::Sequence(s) => s.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// Why a document could not become an object.
#[derive(Clone, Debug, PartialEq)]
pub enum DecodeError {
    /// The document is not a mapping (a list or a scalar at top level).
    NotAnObject { got: &'static str },
    /// kubectl's client-side check: `apiVersion not set`, `kind not set`.
    MissingTypeInfo { api_version: bool, kind: bool },
    /// No served kind at that apiVersion: `no matches for kind "X" in version "Y"`.
    NoMatch { api_version: String, kind: String, name: String, namespace: String },
    /// The API server could not decode it (BadRequest): unknown field, wrong type.
    BadRequest { api_version: String, kind: String, name: String, path: String, detail: String },
}

impl DecodeError {
    /// The message exactly as kubectl prints it for a manifest read from `source`.
    /// `verb` is "creating" or "patching", as kubectl's AddSourceToErr has it.
    pub fn kubectl_message(&self, source: &str, verb: &str) -> String {
        match self {
            DecodeError::NotAnObject { got } => format!(
                "error: unable to decode \"{source}\": json: cannot unmarshal {got} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}"
            ),
            DecodeError::MissingTypeInfo { api_version, kind } => {
                let what = match (api_version, kind) {
                    (true, true) => "[apiVersion not set, kind not set]",
                    (true, false) => "apiVersion not set",
                    _ => "kind not set",
                };
                format!(
                    "error: error validating \"{source}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false"
                )
            }
            DecodeError::NoMatch { api_version, kind, name, namespace } => format!(
                "error: resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"
            ),
            DecodeError::BadRequest { .. } => {
                format!("Error from server (BadRequest): error when {verb} \"{source}\": {}", self.server_message())
            }
        }
    }

    /// The API server's own message for a BadRequest (empty for client-side errors).
    pub fn server_message(&self) -> String {
        match self {
            DecodeError::BadRequest { api_version, kind, detail, .. } => {
                let version = api_version.rsplit('/').next().unwrap_or(api_version);
                format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {detail}")
            }
            _ => String::new(),
        }
    }

    /// The dotted field path the error is about, when there is one.
    pub fn field_path(&self) -> Option<&str> {
        match self {
            DecodeError::BadRequest { path, .. } => Some(path),
            _ => None,
        }
    }
}

/// Decodes one document into a typed object, strictly.
pub fn decode(doc: &SourceDoc) -> Result<Object, DecodeError> {
    decode_at(doc, &mut None)
}

/// Decodes as the API server does a request that names no `fieldValidation` (its default,
/// `Warn`, since v1.27): each unknown field is dropped and named in a warning
/// (`unknown field "spec.foo"`), in the order the decoder meets them; any other problem is
/// still an error. `kubectl patch` sends no field validation, so its typos warn; apply,
/// create and edit send `Strict` (their `--validate=strict` default).
/// Source: API concepts, "Field validation"; apiserver `handlers/patch.go`.
pub fn decode_warn(doc: &SourceDoc) -> Result<(Object, Vec<String>), DecodeError> {
    let mut value = doc.value.clone();
    let mut warnings = Vec::new();
    loop {
        let mut unknown = None;
        match decode_at(&SourceDoc { line: doc.line, value: value.clone() }, &mut unknown) {
            Ok(o) => return Ok((o, warnings)),
            Err(e) => {
                let Some(segs) = unknown else { return Err(e) };
                // A field that cannot be removed would come back for ever: give the error.
                if warnings.len() > 10_000 || !remove_at(&mut value, &segs) {
                    return Err(e);
                }
                warnings.push(format!("unknown field \"{}\"", e.field_path().unwrap_or("")));
            }
        }
    }
}

/// Removes the field at `segs` (below the document's top level), reporting whether it was there.
fn remove_at(v: &mut Value, segs: &[Seg]) -> bool {
    let Some((last, parents)) = segs.split_last() else { return false };
    let mut cur = v;
    for s in parents {
        let next = match (s, cur) {
            (Seg::Key(k), Value::Mapping(m)) => m.get_mut(k.as_str()),
            (Seg::Index(i), Value::Sequence(q)) => q.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    match (last, cur) {
        (Seg::Key(k), Value::Mapping(m)) => m.remove(k.as_str()).is_some(),
        _ => false,
    }
}

/// `decode`, noting in `unknown` the path of an unknown field when that is the error.
fn decode_at(doc: &SourceDoc, unknown: &mut Option<Vec<Seg>>) -> Result<Object, DecodeError> {
    let v = &doc.value;
    if !v.is_mapping() {
        return Err(DecodeError::NotAnObject { got: go_kind_of(v) });
    }
    let api_version = v.get("apiVersion").and_then(Value::as_str).unwrap_or("").to_string();
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("").to_string();
    if api_version.is_empty() || kind.is_empty() {
        return Err(DecodeError::MissingTypeInfo { api_version: api_version.is_empty(), kind: kind.is_empty() });
    }
    let meta = v.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("").to_string();
    let namespace = meta.and_then(|m| m.get("namespace")).and_then(Value::as_str).unwrap_or("").to_string();
    let v1_hpa = api_version == "autoscaling/v1" && kind == "HorizontalPodAutoscaler";
    if kind_info(&api_version, &kind).is_none() && !v1_hpa {
        return Err(DecodeError::NoMatch { api_version, kind, name, namespace });
    }
    let mut body = v.clone();
    if let Value::Mapping(m) = &mut body {
        m.remove("apiVersion");
        m.remove("kind");
    }
    let mut bad = |path: String, detail: String, segs: Option<Vec<Seg>>| {
        *unknown = segs;
        DecodeError::BadRequest {
            api_version: api_version.clone(),
            kind: kind.clone(),
            name: name.clone(),
            path,
            detail,
        }
    };
    /// Decodes the body strictly as the kind's own type.
    struct Strict<'a> {
        body: Value,
        kind: &'a str,
    }
    impl KindVisitor for Strict<'_> {
        type Out = Result<Object, (String, String, Option<Vec<Seg>>)>;
        fn visit<T: Resource>(self) -> Self::Out {
            strict_decode::<T>(self.body, self.kind).map(T::into_object)
        }
    }
    if v1_hpa {
        // Served too, and converted to the stored autoscaling/v2 (v1/conversion.go).
        // (Not a kind of its own: its derived decoder is called here.)
        let path = crate::tracked::Path::default();
        return <crate::autoscaling::HorizontalPodAutoscalerV1 as crate::tracked::Decode>::decode(body, &path)
            .map(|h| Object::HorizontalPodAutoscaler(h.into_v2()))
            .map_err(|e| strict_error(&kind, &e, path.into_inner()))
            .map_err(|(p, d, u)| bad(p, d, u));
    }
    match visit_kind(&kind, Strict { body, kind: &kind }) {
        Some(decoded) => decoded.map_err(|(p, d, u)| bad(p, d, u)),
        None => Err(DecodeError::NoMatch { api_version, kind, name, namespace }),
    }
}

fn go_kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "array",
        Value::Mapping(_) => "object",
        Value::Tagged(_) => "object",
    }
}

/// Decodes with every unknown field an error, returning (field path, API server detail, and
/// the path's segments when the field is unknown).
fn strict_decode<T: Resource>(body: Value, kind: &str) -> Result<T, (String, String, Option<Vec<Seg>>)> {
    let path = crate::tracked::Path::default();
    T::decode_body(body, &path).map_err(|e| strict_error(kind, &e, path.into_inner()))
}

/// The API server's words for a failed strict decode of a `kind` at `steps`. Not generic:
/// one copy serves every kind's decoder.
#[inline(never)]
fn strict_error(
    kind: &str,
    e: &crate::tracked::Error,
    steps: Vec<crate::tracked::Step>,
) -> (String, String, Option<Vec<Seg>>) {
    let segments: Vec<Seg> = steps
        .into_iter()
        .filter_map(|s| match s {
            crate::tracked::Step::Index(i) => Some(Seg::Index(i)),
            crate::tracked::Step::Key(k) => k.map(Seg::Key),
        })
        .collect();
    let path = k8s_path(&segments);
    let inner = e.to_string();
    if inner.starts_with("unknown field") {
        return (path.clone(), format!("strict decoding error: unknown field \"{path}\""), Some(segments));
    }
    let detail = if let Some(rest) = inner.strip_prefix("invalid type: ") {
        go_unmarshal_error(kind, &segments, rest)
    } else if let Some(rest) = inner.strip_prefix("invalid value: ") {
        go_unmarshal_error(kind, &segments, rest)
    } else {
        format!("{inner} (at {path})")
    };
    (path, detail, None)
}

#[derive(Clone, Debug)]
enum Seg {
    Key(String),
    Index(usize),
}

/// `spec.template.spec.containers[0].image`, as the API server writes field paths.
fn k8s_path(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// encoding/json's "cannot unmarshal" wording, built from serde's "X, expected Y".
fn go_unmarshal_error(kind: &str, segs: &[Seg], rest: &str) -> String {
    let (got, expected) = match rest.split_once(", expected ") {
        Some((g, e)) => (g, e),
        None => (rest, ""),
    };
    let got_go = if got.starts_with("string") {
        "string".to_string()
    } else if got.starts_with("integer") || got.starts_with("floating point") {
        let n = got.split('`').nth(1).unwrap_or("");
        if expected.starts_with('i') && !n.is_empty() && got.starts_with("integer") {
            format!("number {n}")
        } else {
            "number".to_string()
        }
    } else if got.starts_with("boolean") {
        "bool".to_string()
    } else if got.starts_with("sequence") {
        "array".to_string()
    } else if got.starts_with("map") {
        "object".to_string()
    } else {
        got.to_string()
    };
    let keys: Vec<&str> = segs
        .iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect();
    let go_type = go_type_name(expected, keys.last().copied().unwrap_or(""));
    let parent = go_struct_for(kind, &keys[..keys.len().saturating_sub(1)]);
    format!("json: cannot unmarshal {got_go} into Go struct field {parent}.{} of type {go_type}", keys.join("."))
}

fn go_type_name(expected: &str, field: &str) -> String {
    match expected {
        "i32" => "int32".into(),
        "i64" => "int64".into(),
        "u64" | "u32" => "uint".into(),
        "a string" => "string".into(),
        "a boolean" => "bool".into(),
        "an int or a string" => "intstr.IntOrString".into(),
        "a quantity" => "resource.Quantity".into(),
        "a map" => "map[string]string".into(),
        "a sequence" => match field {
            "containers" | "initContainers" => "[]v1.Container".into(),
            "ports" => "[]v1.ContainerPort".into(),
            "env" => "[]v1.EnvVar".into(),
            "volumes" => "[]v1.Volume".into(),
            "volumeMounts" => "[]v1.VolumeMount".into(),
            "tolerations" => "[]v1.Toleration".into(),
            _ => "[]string".into(),
        },
        e if e.starts_with("struct ") => {
            let s = &e[7..];
            // meta/v1 and core/v1 types both print as "v1." in the API server's wording.
            format!("v1.{}", go_struct_rename(s))
        }
        e => e.to_string(),
    }
}

fn go_struct_rename(rust: &str) -> &str {
    match rust {
        "HttpGetAction" => "HTTPGetAction",
        "TcpSocketAction" => "TCPSocketAction",
        other => other,
    }
}

/// The Go struct that holds the field at `keys` (indexes dropped) in `kind`, for error text.
fn go_struct_for(kind: &str, keys: &[&str]) -> String {
    let mut cur = kind.to_string();
    for (i, k) in keys.iter().enumerate() {
        let under_template = i > 0 && keys[i - 1] == "template";
        cur = match *k {
            "metadata" => "ObjectMeta".into(),
            "spec" if under_template => "PodSpec".into(),
            "spec" if i == 0 => {
                if kind == "Pod" {
                    "PodSpec".into()
                } else {
                    format!("{kind}Spec")
                }
            }
            "status" if i == 0 => format!("{kind}Status"),
            "template" => "PodTemplateSpec".into(),
            "containers" | "initContainers" => "Container".into(),
            "ports" if cur == "Container" => "ContainerPort".into(),
            "ports" if cur == "ServiceSpec" => "ServicePort".into(),
            "env" => "EnvVar".into(),
            "resources" => "ResourceRequirements".into(),
            "readinessProbe" | "livenessProbe" | "startupProbe" => "Probe".into(),
            "httpGet" => "HTTPGetAction".into(),
            "tcpSocket" => "TCPSocketAction".into(),
            "exec" => "ExecAction".into(),
            "volumeMounts" => "VolumeMount".into(),
            "volumes" => "Volume".into(),
            "selector" if cur != "ServiceSpec" => "LabelSelector".into(),
            "matchExpressions" => "LabelSelectorRequirement".into(),
            "tolerations" => "Toleration".into(),
            "hostAliases" => "HostAlias".into(),
            "strategy" => "DeploymentStrategy".into(),
            "rollingUpdate" => "RollingUpdateDeployment".into(),
            "persistentVolumeClaim" => "PersistentVolumeClaimVolumeSource".into(),
            "ownerReferences" => "OwnerReference".into(),
            "taints" => "Taint".into(),
            other => other.to_string(),
        };
    }
    cur
}

/// Best-effort line of a field path (`spec.template.spec.containers[0].image`) in a block-style
/// YAML document starting at `doc_line`: used to put an editor's error marker on the right line.
pub fn locate_path(text: &str, doc_line: usize, path: &str) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let mut pos = doc_line.saturating_sub(1);
    let mut parent_indent: isize = -1;
    let mut found_line = doc_line;
    for seg in split_path(path) {
        match seg {
            Seg::Key(key) => {
                let mut hit = None;
                for (i, l) in lines.iter().enumerate().skip(pos) {
                    let t = l.trim_start();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    if t == "---" && i > pos {
                        break;
                    }
                    let indent = (l.len() - t.len()) as isize;
                    let t2 = t.strip_prefix("- ").unwrap_or(t);
                    let indent2 = indent + (t.len() - t2.len()) as isize;
                    if indent <= parent_indent && i > pos {
                        break;
                    }
                    if t2.starts_with(&format!("{key}:")) || t2.starts_with(&format!("\"{key}\":")) {
                        hit = Some((i, indent2));
                        break;
                    }
                }
                match hit {
                    Some((i, ind)) => {
                        pos = i;
                        parent_indent = ind;
                        found_line = i + 1;
                    }
                    None => return found_line,
                }
            }
            Seg::Index(n) => {
                let mut count = 0;
                let mut hit = None;
                for (i, l) in lines.iter().enumerate().skip(pos + 1) {
                    let t = l.trim_start();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    let indent = (l.len() - t.len()) as isize;
                    if indent < parent_indent || (indent == parent_indent && !t.starts_with("- ")) {
                        break;
                    }
                    if t.starts_with("- ") || t == "-" {
                        if count == n {
                            hit = Some((i, indent));
                            break;
                        }
                        count += 1;
                    }
                }
                match hit {
                    Some((i, ind)) => {
                        pos = i;
                        parent_indent = ind;
                        found_line = i + 1;
                    }
                    None => return found_line,
                }
            }
        }
    }
    found_line
}

fn split_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(b) = rest.find('[') {
            if b > 0 {
                out.push(Seg::Key(rest[..b].to_string()));
            }
            rest = &rest[b..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let end = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(n) = stripped[..end].parse() {
                    out.push(Seg::Index(n));
                }
                rest = stripped.get(end + 1..).unwrap_or("");
            }
        } else if !rest.is_empty() {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}
