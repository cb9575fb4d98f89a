//! Any line typed at the console, against a cluster running a Deployment and a Service.
//! Nothing may panic. Lines that move the clock are skipped: they are slow, not wrong.
#![no_main]
use kubelab_engine::Engine;
use kubelab_kubectl::{execute, Ctx, NoFiles};
use libfuzzer_sys::fuzz_target;

// Built once per fuzzing thread (the engine is not Sync: its kubelets cache wakeups in Cells).
thread_local! {
    static BASE: Engine = base();
}

fn base() -> Engine {
    let mut e = Engine::new(1);
    let mut observe = |_: &Engine| {};
    for line in [
        "kubectl create deployment web --image=nginx:1.25 --replicas=2",
        "kubectl expose deployment web --port=80",
        "lab advance 20s",
    ] {
        let mut ctx = Ctx { files: &NoFiles, stdin: None, observe: &mut observe };
        let _ = execute(&mut e, line, &mut ctx);
    }
    e
}

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else { return };
    if line.len() > 4096
        || ["advance", "time", "load", "wait", "-w", "follow", "-f", "status"].iter().any(|w| line.contains(w))
    {
        return;
    }
    let mut engine = BASE.with(Engine::clone);
    let mut observe = |_: &Engine| {};
    let mut ctx = Ctx { files: &NoFiles, stdin: None, observe: &mut observe };
    let _ = execute(&mut engine, line, &mut ctx);
});
