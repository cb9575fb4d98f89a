//! Writes the lessons bundle (build.rs's `lessons.json`, every lesson in one file) into a
//! built site, where the page fetches it after it starts (`kubelab_lessons::bundle_url`):
//!   cargo run -p kubelab-lessons --bin lessons-bundle -- DIR
//! Trunk runs it after each build (Trunk.toml, DIR from TRUNK_STAGING_DIR), before
//! tools/sw.mjs lists the site's files for the service worker to keep for offline use.
//! A lesson that does not load fails the build: the page would not have it.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).or_else(|| std::env::var_os("TRUNK_STAGING_DIR")) else {
        eprintln!("lessons-bundle: give the built site's folder (or run from trunk, which sets TRUNK_STAGING_DIR)");
        return ExitCode::FAILURE;
    };
    if let Err(e) = kubelab_lessons::all() {
        eprintln!("lessons-bundle: {e}");
        return ExitCode::FAILURE;
    }
    let path = std::path::Path::new(&dir).join(kubelab_lessons::BUNDLE_FILE);
    let bundle = kubelab_lessons::bundle();
    if let Err(e) = std::fs::write(&path, bundle) {
        eprintln!("lessons-bundle: {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!(
        "lessons-bundle: {} ({} bytes, version {})",
        path.display(),
        bundle.len(),
        kubelab_lessons::BUNDLE_VERSION
    );
    ExitCode::SUCCESS
}
