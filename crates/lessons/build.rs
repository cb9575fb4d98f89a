//! Compiles every lessons/<name>/lesson.yaml into the crate (sorted by folder name), so the
//! page and the runner carry the same lessons and a lesson can never be missing at run time.
//! Each is decoded here into the lesson format (`src/format.rs`, included below) and
//! compiled in as JSON, which decodes about ten times faster than YAML when the page starts
//! (BENCHMARKS.md, session 14). For one that does not decode, its error and line as
//! `parse` words them, which `all()` returns.
//!
//! It also writes every lesson that decodes into one file, `$OUT_DIR/lessons.json` (the
//! bundle: `[[folder, lesson], ...]`), and its version, a hash of its bytes: the page's wasm
//! carries only the version and fetches the bundle (`lessons.json?v=VERSION`) after it starts,
//! which the `lessons-bundle` program (src/bin) writes into the built site.

use std::fmt::Write as _;
use std::path::Path;

#[allow(dead_code)]
#[path = "src/format.rs"]
mod format;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    println!("cargo:rerun-if-changed={}", root.display());
    println!("cargo:rerun-if-changed=src/format.rs");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.join("lesson.yaml").exists()).collect())
        .unwrap_or_default();
    dirs.sort();
    let mut out = String::from(
        "/// (folder name, lesson), in folder order.\n#[cfg(not(target_arch = \"wasm32\"))]\nconst COMPILED: &[(&str, Compiled)] = &[\n",
    );
    let mut bundle: Vec<(String, format::Lesson)> = Vec::new();
    for d in dirs {
        let name = d.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let file = d.join("lesson.yaml");
        println!("cargo:rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let _ = match serde_yaml::from_str::<format::Lesson>(&text) {
            Ok(lesson) => {
                let json = serde_json::to_string(&lesson).expect("a Lesson is plain data");
                bundle.push((name.clone(), lesson));
                writeln!(out, "    ({name:?}, Compiled::Json({json:?})),")
            }
            // As `parse` words a YAML error (src/lib.rs).
            Err(e) => {
                let line = e.location().map(|l| l.line()).unwrap_or(1);
                let message = e.to_string().split(" at line ").next().unwrap_or_default().to_string();
                writeln!(out, "    ({name:?}, Compiled::Broken {{ line: {line}, message: {message:?} }}),")
            }
        };
    }
    out.push_str("];\n");
    let bundle = serde_json::to_string(&bundle).expect("lessons are plain data");
    let version = format::version_of(&bundle);
    writeln!(out, "/// The version of `$OUT_DIR/lessons.json`, a hash of its bytes (`format::version_of`).")
        .and_then(|_| writeln!(out, "pub const BUNDLE_VERSION: &str = {version:?};"))
        .expect("write to a String");
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("compiled.rs"), out).expect("write compiled.rs");
    std::fs::write(Path::new(&out_dir).join("lessons.json"), bundle).expect("write lessons.json");
}
