//! Golden transcripts: every folder in tests/scenarios/ holds a `script` (and any files it
//! applies), its `expected` transcript, and optionally a `seed` (default 1). Each scenario
//! runs twice and both runs must match the expected transcript byte for byte.
//!
//! To accept new output after a deliberate change: `KUBELAB_BLESS=1 cargo test -p kubelab
//! --test scenarios`, then review the diff of tests/scenarios/*/expected.

use std::path::{Path, PathBuf};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

#[test]
fn every_scenario_matches_its_transcript_twice() {
    let bless = std::env::var_os("KUBELAB_BLESS").is_some();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("tests/scenarios")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("script").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 5, "expected the scenario suite, found {} scenarios", dirs.len());
    let mut failures = Vec::new();
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let script = std::fs::read_to_string(dir.join("script")).unwrap();
        let seed: u64 = std::fs::read_to_string(dir.join("seed")).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(1);
        let files = kubelab::DiskFiles { base: dir.clone() };
        let (first, trace1) = kubelab::run_script(&script, seed, &files, "script", true);
        let (second, trace2) = kubelab::run_script(&script, seed, &files, "script", true);
        if first != second || trace1 != trace2 {
            failures.push(format!("{name}: two runs with seed {seed} differ"));
            continue;
        }
        let expected_path = dir.join("expected");
        if bless {
            std::fs::write(&expected_path, &first).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != first {
            failures
                .push(format!("{name} (seed {seed}): transcript differs from expected\n{}", diff(&expected, &first)));
        }
    }
    println!("scenarios: {} run twice each", dirs.len());
    assert!(failures.is_empty(), "{}\n(KUBELAB_BLESS=1 rewrites the expected transcripts)", failures.join("\n\n"));
}

/// A small line diff for failure messages.
fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let mut out = String::new();
    let n = w.len().max(g.len());
    let mut shown = 0;
    for i in 0..n {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            out.push_str(&format!("line {}:\n  - {}\n  + {}\n", i + 1, a.unwrap_or(&"<end>"), b.unwrap_or(&"<end>")));
            shown += 1;
            if shown > 12 {
                out.push_str("  ...\n");
                break;
            }
        }
    }
    out
}
