//! Golden transcripts: every folder in tests/scenarios/ holds a `script` (and any files it
//! applies), its `expected` transcript, and optionally a `seed` (default 1). Each scenario
//! runs twice and both runs must match the expected transcript byte for byte.
//!
//! One test per scenario: `cargo test -p kubelab --test scenarios -- --exact canary` runs one.
//! To accept new output after a deliberate change: `KUBELAB_BLESS=1 cargo test -p kubelab
//! --test scenarios`, then review the diff of tests/scenarios/*/expected.

use std::path::{Path, PathBuf};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

// One `#[test] fn <name>()` per scenario folder, written by crates/cli/build.rs.
include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

// A build that found no scenario folders (a wrong path) fails here rather than passing empty.
const _: () = assert!(SCENARIOS >= 5, "expected the scenario suite in tests/scenarios");

/// Runs the scenario in tests/scenarios/`name` twice with its seed; both runs must match its
/// `expected` transcript byte for byte (or, with KUBELAB_BLESS set, rewrite it).
fn check_scenario(name: &str) {
    let dir = scenarios_dir().join(name);
    let script = std::fs::read_to_string(dir.join("script")).expect("the scenario's script");
    let seed: u64 = std::fs::read_to_string(dir.join("seed")).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(1);
    let files = kubelab::DiskFiles { base: dir.clone() };
    let (first, trace1) = kubelab::run_script(&script, seed, &files, "script", true);
    let (second, trace2) = kubelab::run_script(&script, seed, &files, "script", true);
    assert!(first == second && trace1 == trace2, "{name}: two runs with seed {seed} differ");
    let expected_path = dir.join("expected");
    if std::env::var_os("KUBELAB_BLESS").is_some() {
        std::fs::write(&expected_path, &first).expect("the expected transcript is writable");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        expected == first,
        "{name} (seed {seed}): transcript differs from expected\n{}\n(KUBELAB_BLESS=1 rewrites the expected transcripts)",
        diff(&expected, &first)
    );
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
