//! Shared helpers of the connector tests: generating a fixture spec through `create_connector`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use connkit_gen::manifest::{AuthKind, Manifest};
use connkit_gen::naming::SystemName;
use connkit_gen::new::{NewOutcome, NewRequest, NewSpec, TierChoice, create_connector};

/// The fixture specs of the connector tests.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/connector_fixtures").join(name)
}

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

/// Loads specs from files (several files make one multi-spec connector).
pub(crate) fn load(paths: &[PathBuf]) -> Vec<connkit_spec::LoadedSpec> {
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            connkit_spec::load_str(&name, &text).unwrap()
        })
        .collect()
}

/// Generates connector `system` from `specs` into `workspace`.
pub(crate) fn create(
    workspace: &Path,
    system: &str,
    specs: &[connkit_spec::LoadedSpec],
    tier: TierChoice,
    auth: Option<AuthKind>,
    runtime_path: Option<PathBuf>,
) -> NewOutcome {
    let analysis = connkit_spec::analyze(specs);
    let request = NewRequest {
        system: SystemName::parse(system).unwrap(),
        workspace: workspace.to_path_buf(),
        specs: specs
            .iter()
            .map(|s| NewSpec { api: &s.api, files: &s.files, source_url: None })
            .collect(),
        analysis: &analysis,
        tier,
        auth,
        token_url: None,
        token_header: None,
        key_prefix: None,
        runtime_path,
        connkit_version: "0.1.0".to_string(),
    };
    create_connector(&request, &()).unwrap()
}

/// Every file under `dir` (relative path, contents), sorted, skipping `.connkit/`.
pub(crate) fn read_tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            if relative.starts_with(".connkit")
                || relative.contains("/.connkit")
                || relative.starts_with("target")
            {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((relative, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The manifest of a created connector.
pub(crate) fn manifest(outcome: &NewOutcome) -> Manifest {
    Manifest::read(&outcome.connector_dir).unwrap()
}
