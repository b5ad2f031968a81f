//! Where the harnesses keep their installs and logs.

use std::path::PathBuf;

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

/// The shared specs: `CONNKIT_SHARED_SPECS`, else `../shared/specs` beside the repository.
pub fn shared_specs() -> PathBuf {
    match std::env::var_os("CONNKIT_SHARED_SPECS") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("..").join("shared").join("specs"),
    }
}
