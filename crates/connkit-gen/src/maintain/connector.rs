//! A connector directory of a workspace: where it is, its manifest, its Rust files and the
//! layer each file belongs to.

use std::path::{Path, PathBuf};

use crate::manifest::{MANIFEST_FILE, Manifest, ManifestError};
use crate::naming::SystemName;

/// Why a maintenance command could not run on a connector.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MaintainError {
    /// The system name is not a valid name.
    #[error(
        "`{0}` is not a valid system name (lowercase letters, digits and single `-`s, starting with a letter and ending with a letter or digit)"
    )]
    InvalidSystem(String),
    /// There is no connector of that name in the workspace.
    #[error(
        "no connector `{system}` in the workspace: `{dir}` has no connector.toml (create it with `connkit new {system}`)"
    )]
    NotFound {
        /// The system asked for.
        system: String,
        /// The directory looked at.
        dir: String,
    },
    /// The manifest does not read.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A file could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Generation failed.
    #[error(transparent)]
    Generate(#[from] crate::GenerateError),
    /// The request does not fit the connector (upgrading a full connector, a spec count that
    /// does not match the manifest, ...).
    #[error("{0}")]
    Usage(String),
}

impl MaintainError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> MaintainError {
        MaintainError::Io { path: path.display().to_string(), source }
    }
}

/// The layer of the guideline a source file belongs to, from its path under `src/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// `config.rs`: the settings type.
    Settings,
    /// `client.rs` (or `client/`): transport, auth, retries, rate limits.
    Client,
    /// `services/`: the translators.
    Services,
    /// `gateway.rs` (or `gateway/`): orchestration.
    Gateway,
    /// `models/`: typed models.
    Models,
    /// `lib.rs` and anything else.
    Other,
}

impl Layer {
    /// The layer of `relative` (a path relative to the connector directory).
    pub fn of(relative: &Path) -> Layer {
        let mut parts = relative.components().map(|c| c.as_os_str().to_string_lossy().to_string());
        if parts.next().as_deref() != Some("src") {
            return Layer::Other;
        }
        match parts.next().as_deref() {
            Some("config.rs") | Some("config") => Layer::Settings,
            Some("client.rs") | Some("client") => Layer::Client,
            Some("services") | Some("services.rs") => Layer::Services,
            Some("gateway.rs") | Some("gateway") => Layer::Gateway,
            Some("models") | Some("models.rs") => Layer::Models,
            _ => Layer::Other,
        }
    }
}

/// One connector of a workspace, with its manifest read.
#[derive(Debug, Clone)]
pub struct ConnectorDir {
    /// The workspace root.
    pub workspace: PathBuf,
    /// The system name.
    pub system: SystemName,
    /// `workspace/connectors/{system}`.
    pub dir: PathBuf,
    /// The parsed `connector.toml`.
    pub manifest: Manifest,
}

impl ConnectorDir {
    /// Opens `connectors/{system}` of `workspace`.
    ///
    /// # Errors
    ///
    /// [`MaintainError::InvalidSystem`], [`MaintainError::NotFound`] when there is no
    /// `connector.toml`, [`MaintainError::Manifest`] when it does not parse.
    pub fn open(workspace: &Path, system: &str) -> Result<ConnectorDir, MaintainError> {
        let name = SystemName::parse(system)
            .map_err(|_| MaintainError::InvalidSystem(system.to_string()))?;
        let dir = workspace.join("connectors").join(name.as_str());
        if !dir.join(MANIFEST_FILE).is_file() {
            return Err(MaintainError::NotFound {
                system: system.to_string(),
                dir: dir.display().to_string(),
            });
        }
        let manifest = Manifest::read(&dir)?;
        Ok(ConnectorDir { workspace: workspace.to_path_buf(), system: name, dir, manifest })
    }

    /// `path` (relative to the connector) as shown to users: relative to the workspace, with
    /// `/` separators.
    pub fn shown(&self, relative: &Path) -> String {
        let full = Path::new("connectors").join(self.system.as_str()).join(relative);
        full.to_string_lossy().replace('\\', "/")
    }

    /// The plan spec's path relative to the workspace.
    pub fn plan_path(&self) -> PathBuf {
        PathBuf::from("plan/specs/integrations").join(format!("{}.md", self.system))
    }

    /// Every `.rs` file under `src/`, relative to the connector directory, sorted.
    ///
    /// # Errors
    ///
    /// [`MaintainError::Io`] when a directory cannot be listed.
    pub fn rust_files(&self) -> Result<Vec<PathBuf>, MaintainError> {
        let mut out = Vec::new();
        walk(&self.dir, Path::new("src"), &mut out, &|p| p.extension().is_some_and(|e| e == "rs"))?;
        out.sort();
        Ok(out)
    }

    /// Reads a file relative to the connector; `None` when it does not exist.
    ///
    /// # Errors
    ///
    /// [`MaintainError::Io`] for other read failures (permissions, not UTF-8).
    pub fn read(&self, relative: &Path) -> Result<Option<String>, MaintainError> {
        read_optional(&self.dir.join(relative))
    }
}

/// Reads `path`; `None` when it does not exist.
pub(crate) fn read_optional(path: &Path) -> Result<Option<String>, MaintainError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(MaintainError::io(path, err)),
    }
}

/// Collects files under `root/relative` (recursively, skipping hidden directories) that
/// `keep` accepts, as paths relative to `root`.
pub(crate) fn walk(
    root: &Path,
    relative: &Path,
    out: &mut Vec<PathBuf>,
    keep: &dyn Fn(&Path) -> bool,
) -> Result<(), MaintainError> {
    let dir = root.join(relative);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(MaintainError::io(&dir, err)),
    };
    for entry in entries {
        let entry = entry.map_err(|err| MaintainError::io(&dir, err))?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let child = relative.join(&name);
        let kind = entry.file_type().map_err(|err| MaintainError::io(&dir, err))?;
        if kind.is_dir() {
            walk(root, &child, out, keep)?;
        } else if kind.is_file() && keep(&child) {
            out.push(child);
        }
    }
    Ok(())
}

/// The system names of every connector of `workspace` (directories of `connectors/` with a
/// `connector.toml`), sorted.
///
/// # Errors
///
/// [`MaintainError::Io`] when `connectors/` exists but cannot be listed.
pub fn discover_connectors(workspace: &Path) -> Result<Vec<String>, MaintainError> {
    let dir = workspace.join("connectors");
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(MaintainError::io(&dir, err)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|err| MaintainError::io(&dir, err))?;
        if entry.path().join(MANIFEST_FILE).is_file() {
            out.push(entry.file_name().to_string_lossy().to_string());
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_follow_the_guideline_layout() {
        assert_eq!(Layer::of(Path::new("src/config.rs")), Layer::Settings);
        assert_eq!(Layer::of(Path::new("src/client.rs")), Layer::Client);
        assert_eq!(Layer::of(Path::new("src/services/orders/mod.rs")), Layer::Services);
        assert_eq!(Layer::of(Path::new("src/gateway.rs")), Layer::Gateway);
        assert_eq!(Layer::of(Path::new("src/models/order.rs")), Layer::Models);
        assert_eq!(Layer::of(Path::new("src/lib.rs")), Layer::Other);
    }
}
