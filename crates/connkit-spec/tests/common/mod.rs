//! Helpers shared by the integration tests: where the specs are, and loading them.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use connkit_spec::{LoadError, LoadedSpec, Loader};

/// The real specs of the tests, committed under `testdata/specs/` (see its README).
///
/// # Panics
///
/// When the folder is missing, naming it and how to restore it.
pub(crate) fn test_specs() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/specs");
    assert!(
        dir.is_dir(),
        "test data missing: {} is not a directory. The real specs are part of the repository \
         (testdata/specs/, see its README); restore them with `git checkout -- testdata`",
        dir.display()
    );
    dir
}

/// A fixture of this crate (`tests/fixtures/...`).
pub(crate) fn fixture(relative: &str) -> String {
    format!("{}/tests/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"))
}

/// Loads one spec on a fresh current-thread runtime.
pub(crate) fn load(location: &str) -> Result<LoadedSpec, LoadError> {
    runtime().block_on(Loader::new().load(location))
}

/// Loads several specs.
pub(crate) fn load_all(locations: &[String]) -> Vec<LoadedSpec> {
    let runtime = runtime();
    let loader = Loader::new();
    locations
        .iter()
        .map(|l| runtime.block_on(loader.load(l)).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// Every `.json`/`.yaml`/`.yml` file in `dir`, sorted.
pub(crate) fn spec_files(dir: &std::path::Path) -> Vec<String> {
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
