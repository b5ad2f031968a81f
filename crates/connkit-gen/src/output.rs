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
    std::fs::write(path, contents)
        .map_err(|source| WriteError { path: path.display().to_string(), source })
}

/// Writes `files` under `root`, creating each folder once.
fn write_tree(root: &Path, files: &[GeneratedFile]) -> Result<(), WriteError> {
    let folders: std::collections::BTreeSet<PathBuf> =
        files.iter().filter_map(|f| root.join(&f.path).parent().map(Path::to_path_buf)).collect();
    for folder in folders {
        std::fs::create_dir_all(&folder)
            .map_err(|source| WriteError { path: folder.display().to_string(), source })?;
    }
    files.iter().try_for_each(|file| write_one(&root.join(&file.path), &file.contents))
}

/// Writes `files` under `connector_dir`, and the same files under `connector_dir/.connkit/`
/// (the base of later three-way merges). The two trees are written side by side: a large
/// connector has tens of thousands of files, and creating them is most of the time it takes.
///
/// # Errors
///
/// [`WriteError`] naming a file or folder that could not be written.
pub fn write_files(connector_dir: &Path, files: &[GeneratedFile]) -> Result<(), WriteError> {
    let copy = connector_dir.join(GENERATED_COPY_DIR);
    std::thread::scope(|scope| {
        let base = scope.spawn(|| write_tree(&copy, files));
        let written = write_tree(connector_dir, files);
        let base = base.join().unwrap_or_else(|_| {
            Err(WriteError {
                path: copy.display().to_string(),
                source: std::io::Error::other("the writing thread panicked"),
            })
        });
        written.and(base)
    })
}
