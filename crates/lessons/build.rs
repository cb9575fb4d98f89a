//! Compiles every lessons/<name>/lesson.yaml into the crate (sorted by folder name), so the
//! page and the runner carry the same lessons and a lesson can never be missing at run time.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lessons");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .map(|rd| rd.flatten().map(|e| e.path()).filter(|p| p.join("lesson.yaml").exists()).collect())
        .unwrap_or_default();
    dirs.sort();
    let mut out = String::from(
        "/// (folder name, lesson.yaml text), in folder order.\npub const SOURCES: &[(&str, &str)] = &[\n",
    );
    for d in dirs {
        let name = d.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let file = d.join("lesson.yaml");
        println!("cargo:rerun-if-changed={}", file.display());
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            file.canonicalize().unwrap_or(file.clone()).display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("sources.rs");
    std::fs::write(dest, out).expect("write sources.rs");
}
