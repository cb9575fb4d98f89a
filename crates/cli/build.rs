//! Writes one `#[test]` per folder of tests/scenarios into OUT_DIR/scenarios.rs, so that
//! `cargo test -p kubelab --test scenarios -- --exact canary` runs one golden transcript and a
//! failure names its scenario. A folder added or removed re-runs this script.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| rd.flatten().filter(|e| e.path().join("script").exists()))
        .into_iter()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    let mut out = String::new();
    for name in &names {
        let test = name.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
        writeln!(out, "#[test]\nfn {test}() {{\n    check_scenario({name:?});\n}}\n").unwrap();
    }
    writeln!(out, "const SCENARIOS: usize = {};", names.len()).unwrap();
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("scenarios.rs"), out).expect("OUT_DIR is writable");
}
