//! Any bytes as a manifest: parsed, decoded, validated, then applied to a small cluster.
//! Nothing may panic; every rejection is an error message.
#![no_main]
use kubelab_engine::Engine;
use kubelab_kubectl::{execute, Ctx, NoFiles};
use libfuzzer_sys::fuzz_target;

// Built once per fuzzing thread (the engine is not Sync: its kubelets cache wakeups in Cells).
thread_local! {
    static BASE: Engine = Engine::new(1);
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (docs, _) = kubelab_api::parse::parse_documents(text);
    for d in &docs {
        if let Ok(obj) = kubelab_api::parse::decode(d) {
            let _ = kubelab_api::validate::validate_object(&obj);
        }
    }
    let mut engine = BASE.with(Engine::clone);
    let mut observe = |_: &Engine| {};
    let mut ctx = Ctx { files: &NoFiles, stdin: Some(text), observe: &mut observe };
    let _ = execute(&mut engine, "kubectl apply -f -", &mut ctx);
});
