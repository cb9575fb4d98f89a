//! Inputs the fuzz targets (fuzz/, cargo-fuzz) found to panic, kept as ordinary tests: each
//! must end in output or a clear error.

use kubelab_engine::Engine;
use kubelab_kubectl::{execute, Ctx, NoFiles};

fn run(e: &mut Engine, line: &str) -> kubelab_kubectl::Output {
    let mut observe = |_: &Engine| {};
    execute(e, line, &mut Ctx { files: &NoFiles, stdin: None, observe: &mut observe })
}

/// The `command` target's first find: a custom column whose JSONPath opens a `[` that never
/// closes (`.spec.contkuners["].image` splits into `.spec.contkuners["` at the comma) made
/// the JSONPath parser slice past its end.
#[test]
fn an_unclosed_bracket_in_a_custom_column_is_an_error() {
    let mut e = Engine::new(1);
    run(&mut e, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    let line = "kubectl get pods -o custom-columns=NAME:.metdataa.name,NODE:.jpec.nodeNameGE:.spec.contkuners[\",IMAGE:.spec.contkuners[\"].image";
    let out = run(&mut e, line);
    assert!(!out.ok, "{}", out.text());
    for line in [
        "kubectl get pods -o jsonpath={.items[",
        "kubectl get pods -o custom-columns=A:.items[",
        "kubectl get pods -o jsonpath={.items[0",
    ] {
        let out = run(&mut e, line);
        assert!(!out.ok, "{line}: {}", out.text());
    }
}

/// The `command` target's second find (a 10-minute run): `kubectl create deployment` with a
/// name of its image's with a 4-byte character across byte 58, where the name generator cuts
/// a generateName base (Go cuts bytes; Rust may not cut inside a character). The line is
/// kept byte for byte as the fuzzer wrote it.
#[test]
fn a_multibyte_character_at_the_generated_name_cut_is_an_error() {
    let mut e = Engine::new(1);
    run(&mut e, "kubectl create deployment web --image=nginx:1.25 --replicas=2");
    let line = std::str::from_utf8(include_bytes!("fuzz-inputs/command-multibyte-generated-name")).unwrap();
    let out = run(&mut e, line);
    assert!(!out.text().is_empty());
    // The same, typed plainly: a name built from a long non-ASCII image name.
    let long = format!("kubectl create deployment {}𚇗x --image=nginx", "a".repeat(56));
    let out = run(&mut e, &long);
    assert!(!out.ok, "{}", out.text());
}

/// Found reading the code after the find above: describe cuts an annotation over 140 bytes
/// (Go slices bytes), which panicked when a character straddled byte 140.
#[test]
fn describe_cuts_a_long_annotation_between_characters() {
    let mut e = Engine::new(1);
    run(&mut e, "kubectl run web --image=nginx:1.25");
    let out = run(&mut e, &format!("kubectl annotate pod web note={}é", "a".repeat(139)));
    assert!(out.ok, "{}", out.text());
    let out = run(&mut e, "kubectl describe pod web");
    assert!(out.text().contains(&format!("note: {}...", "a".repeat(139))), "{}", out.text());
}
