//! Where the harnesses keep their installs and logs, and where the real specs of the tests are.

use std::path::{Path, PathBuf};

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `target/e2e/` under the workspace root: venvs, node modules, logs and configs of the
/// end-to-end suites. Deliberately not `CARGO_TARGET_DIR`, so that every build of the
/// workspace on a machine shares one install.
pub fn e2e_dir() -> PathBuf {
    workspace_root().join("target").join("e2e")
}

/// The real specs the tests use, committed under `testdata/specs/{source}/` (each source with
/// its LICENSE and a README naming its origin).
pub fn test_specs() -> PathBuf {
    workspace_root().join("testdata").join("specs")
}

/// One source of [`test_specs`] (`amazon-sp-api`, `oxide`, `openai`), checked to exist.
///
/// # Panics
///
/// When the folder is missing, with a message that names it and says how to restore it: a
/// test must fail loudly rather than skip its real-spec part.
pub fn test_spec_source(source: &str) -> PathBuf {
    let dir = test_specs().join(source);
    require_dir(&dir);
    dir
}

/// Panics with an actionable message when `dir` is not a directory.
///
/// # Panics
///
/// When `dir` does not exist or is not a directory.
pub fn require_dir(dir: &Path) {
    assert!(
        dir.is_dir(),
        "test data missing: {} is not a directory. The real specs are part of the repository \
         (testdata/specs/, see its README); restore them with `git checkout -- testdata`",
        dir.display()
    );
}
