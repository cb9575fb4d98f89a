//! `#[derive(Decode)]` decodes exactly as serde's derived `Deserialize` over `tracked::De`
//! did (the decoder the page used before), and `#[derive(Encode)]` gives what
//! `serde_json::to_value` gives for each object decoded: for every manifest under tests/scenarios (and
//! ../shared/corpus when it is there), and for each of those documents with every field in
//! turn replaced by a value of another type or joined by an unknown field, both give the
//! same object or the same error message at the same path. The API server's wording in
//! parse.rs is built from that message and path only.

use kubelab_api::tracked::{self, Path, Step};
use kubelab_api::{parse_documents, visit_kind, KindVisitor, Object, Resource};
use serde_yaml::{Mapping, Value};
use std::path::{Path as FsPath, PathBuf};

type Outcome = Result<Object, (String, Vec<Step>)>;

/// Decodes one body both ways.
struct Both(Value);

impl KindVisitor for Both {
    type Out = (Outcome, Outcome);
    fn visit<T: Resource>(self) -> Self::Out {
        let by_serde = tracked::decode::<T>(self.0.clone()).map_err(|(e, p)| (e.to_string(), p));
        let path = Path::default();
        let by_decode = T::decode_body(self.0, &path).map_err(|e| (e.to_string(), path.into_inner()));
        // What decodes encodes back as serde's `Serialize` gives it (`Object::to_json`).
        if let Ok(object) = &by_decode {
            let by_serialize = serde_json::to_value(object).ok();
            assert_eq!(
                by_serialize,
                Some(object.to_json_value()),
                "Encode and Serialize disagree on a {}",
                T::INFO.kind
            );
        }
        (by_serde.map(T::into_object), by_decode.map(T::into_object))
    }
}

fn manifests(dir: &FsPath, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            manifests(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")) {
            out.push(p);
        }
    }
}

/// Values of every YAML type, wrong for most fields somewhere: each number a serde integer
/// visitor treats differently (fits, too big for i32, too big for i64, negative, fraction).
fn replacements() -> Vec<Value> {
    let yaml = "[x, '80', 7, -3, 1.5, 3000000000, 18446744073709551615, -9223372036854775808, true, [1], {a: 1}, {7: x}, {}, []]";
    match serde_yaml::from_str(yaml) {
        Ok(Value::Sequence(v)) => v,
        _ => unreachable!("a fixed list"),
    }
}

/// The paths to every value in `v` (map keys and list indexes), at most `limit` of them.
fn paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>, limit: usize) {
    if out.len() >= limit {
        return;
    }
    out.push(at.clone());
    match v {
        Value::Mapping(m) => {
            for (k, x) in m {
                at.push(k.clone());
                paths(x, at, out, limit);
                at.pop();
            }
        }
        Value::Sequence(s) => {
            for (i, x) in s.iter().enumerate() {
                at.push(Value::Number(i.into()));
                paths(x, at, out, limit);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at_mut<'a>(v: &'a mut Value, path: &[Value]) -> Option<&'a mut Value> {
    let mut cur = v;
    for step in path {
        cur = match cur {
            Value::Mapping(m) => m.get_mut(step)?,
            Value::Sequence(s) => s.get_mut(step.as_u64()? as usize)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn check(kind: &str, body: &Value, what: &str, compared: &mut usize) {
    let (a, b) = visit_kind(kind, Both(body.clone())).expect("a served kind");
    assert_eq!(a, b, "{what}: serde's decoder and Decode disagree on {kind} body {body:?}");
    *compared += 1;
}

#[test]
fn decode_matches_serde_on_every_manifest_and_its_mutations() {
    let root = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    manifests(&root.join("tests/scenarios"), &mut files);
    manifests(&root.join("../shared/corpus"), &mut files);
    let mut compared = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        // The hostile scenario's deep and wide documents are about limits, not fields.
        if text.len() > 20_000 {
            continue;
        }
        let (docs, _) = parse_documents(&text);
        for doc in docs {
            let Value::Mapping(mut body) = doc.value else { continue };
            let Some(kind) = body.get("kind").and_then(Value::as_str).map(str::to_string) else { continue };
            if kubelab_api::object::kind_info_by_kind(&kind).is_none() {
                continue;
            }
            kinds.insert(kind.clone());
            body.remove("apiVersion");
            body.remove("kind");
            let body = Value::Mapping(body);
            let what = file.display().to_string();
            check(&kind, &body, &what, &mut compared);
            let mut all = Vec::new();
            paths(&body, &mut Vec::new(), &mut all, 300);
            for path in &all {
                for replacement in replacements() {
                    let mut changed = body.clone();
                    if let Some(slot) = at_mut(&mut changed, path) {
                        *slot = replacement;
                    }
                    check(&kind, &changed, &what, &mut compared);
                }
                // An unknown field, then a key that is not a string, then the first field gone.
                let edits: [fn(&mut Mapping); 3] = [
                    |m| drop(m.insert(Value::String("zzUnknown".into()), Value::Number(1.into()))),
                    |m| drop(m.insert(Value::Number(7.into()), Value::Null)),
                    |m| {
                        if let Some(k) = m.keys().next().cloned() {
                            m.remove(&k);
                        }
                    },
                ];
                for edit in edits {
                    let mut changed = body.clone();
                    if let Some(Value::Mapping(m)) = at_mut(&mut changed, path) {
                        edit(m);
                        check(&kind, &changed, &what, &mut compared);
                    }
                }
            }
        }
    }
    // Every kind the scenarios apply, and enough cases to mean something.
    assert!(kinds.len() >= 10, "kinds seen: {kinds:?}");
    assert!(compared > 10_000, "{compared} bodies compared");
}

/// Fields serde's derive lets be absent (an `Option` without a default), required ones, and
/// an empty body: the same either way.
#[test]
fn decode_matches_serde_on_missing_fields() {
    let mut compared = 0;
    for kind in kubelab_api::KINDS {
        check(kind.kind, &Value::Mapping(Mapping::new()), "empty", &mut compared);
        check(kind.kind, &Value::Null, "null", &mut compared);
        check(kind.kind, &Value::Sequence(vec![]), "list", &mut compared);
    }
    let yaml = "spec: {containers: [{image: x}], tolerations: [{}], volumes: [{}]}\nmetadata: {ownerReferences: [{}]}";
    let body: Value = serde_yaml::from_str(yaml).unwrap_or(Value::Null);
    check("Pod", &body, "required fields", &mut compared);
    assert_eq!(compared, 3 * kubelab_api::KINDS.len() + 1);
}

/// The types whose serde `Deserialize` is written by hand (a time, an int-or-string, a
/// quantity, a kept YAML value, a selector), with YAML tags left on (serde_yaml's own
/// `Value`, not the manifest reader, which takes them off).
#[test]
fn decode_matches_serde_on_hand_written_types() {
    let values = [
        "2024-01-02T03:04:05Z",
        "2024-13-02T03:04:05Z",
        "7",
        "!t 7",
        "!t x",
        "-2147483649",
        "2147483648",
        "18446744073709551615",
        "-5",
        "0.5",
        "2.0",
        "1e3",
        "!t [1, !u 2]",
        "{a: !t {b: 1}}",
        "null",
        "true",
        "[]",
        "{}",
    ];
    let fields = [
        "metadata: {creationTimestamp: V}",
        "spec: {containers: [{name: a, ports: [{containerPort: 80}], readinessProbe: {httpGet: {port: V}}}]}",
        "spec: {containers: [{name: a, resources: {limits: {cpu: V}}}]}",
        "spec: {containers: [{name: a, securityContext: V}]}",
        "spec: {securityContext: {runAsUser: V}}",
        "spec: {selector: V, template: {spec: {containers: [{name: a}]}}}",
        "spec: {selector: {matchLabels: V}, template: {spec: {containers: [{name: a}]}}}",
        "spec: {replicas: V, template: {spec: {containers: [{name: a}]}}}",
    ];
    let mut compared = 0;
    for field in fields {
        for value in values {
            let yaml = field.replace('V', value);
            let body: Value = serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            let kind = if field.contains("selector") || field.contains("replicas") { "Deployment" } else { "Pod" };
            check(kind, &body, &yaml, &mut compared);
        }
    }
    assert_eq!(compared, fields.len() * values.len());
}
