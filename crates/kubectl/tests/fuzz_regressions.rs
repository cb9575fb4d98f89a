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
    for line in ["kubectl get pods -o jsonpath={.items[", "kubectl get pods -o custom-columns=A:.items[", "kubectl get pods -o jsonpath={.items[0"] {
        let out = run(&mut e, line);
        assert!(!out.ok, "{line}: {}", out.text());
    }
}
