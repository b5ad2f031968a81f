//! Generated files and writing them into a connector directory, with the copy kept in
//! `.connkit/` for three-way merges by `connkit sync`.

use std::path::{Path, PathBuf};

/// The folder inside a connector that keeps the last generated copy of every file.
pub const GENERATED_COPY_DIR: &str = ".connkit";

/// One generated file: a path relative to its root and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the connector directory (or to the models directory for the
    /// files of a type space).
    pub path: PathBuf,
    /// The file's text.
    pub contents: String,
}

impl GeneratedFile {
    /// A file at `path` with `contents`.
    pub fn new(path: impl Into<PathBuf>, contents: impl Into<String>) -> GeneratedFile {
        GeneratedFile { path: path.into(), contents: contents.into() }
    }

    /// The number of lines.
    pub fn lines(&self) -> usize {
        self.contents.lines().count()
    }
}

/// Why files could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write `{path}`: {source}")]
pub struct WriteError {
    /// The file or directory.
    pub path: String,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}

fn write_one(path: &Path, contents: &str) -> Result<(), WriteError> {
    let fail = |source| WriteError { path: path.display().to_string(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, contents).map_err(fail)
}

/// Writes `files` under `connector_dir` in order, and the same files under
/// `connector_dir/.connkit/` (the base of later three-way merges).
///
/// # Errors
///
/// [`WriteError`] naming the first file that could not be written.
pub fn write_files(connector_dir: &Path, files: &[GeneratedFile]) -> Result<(), WriteError> {
    for file in files {
        write_one(&connector_dir.join(&file.path), &file.contents)?;
    }
    for file in files {
        write_one(&connector_dir.join(GENERATED_COPY_DIR).join(&file.path), &file.contents)?;
    }
    Ok(())
}
