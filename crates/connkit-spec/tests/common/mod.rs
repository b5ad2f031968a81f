//! Helpers shared by the integration tests: where the specs are, and loading them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use connkit_spec::{LoadError, LoadedSpec, Loader};

/// `../shared/specs` of the workspace (or `CONNKIT_SHARED_SPECS`).
pub fn shared_specs() -> PathBuf {
    std::env::var("CONNKIT_SHARED_SPECS").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/specs"))
    })
}

/// A fixture of this crate (`tests/fixtures/...`).
pub fn fixture(relative: &str) -> String {
    format!("{}/tests/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"))
}

/// Loads one spec on a fresh current-thread runtime.
pub fn load(location: &str) -> Result<LoadedSpec, LoadError> {
    runtime().block_on(Loader::new().load(location))
}

/// Loads several specs.
pub fn load_all(locations: &[String]) -> Vec<LoadedSpec> {
    let runtime = runtime();
    let loader = Loader::new();
    locations
        .iter()
        .map(|l| runtime.block_on(loader.load(l)).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// Every `.json`/`.yaml`/`.yml` file in `dir`, sorted.
pub fn spec_files(dir: &std::path::Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}
