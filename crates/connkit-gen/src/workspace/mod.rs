//! A connector workspace: the files `connkit init` lays out so that a team and its coding
//! agents know how to build and extend connectors there.
//!
//! | file | what it is |
//! |---|---|
//! | `Cargo.toml` | a Cargo workspace whose members are `connectors/*` |
//! | `.gitignore` | build output, `.env` files, sync leftovers |
//! | `CONNECTOR_AGENTS.md` | the template every connector's AGENTS.md is rendered from |
//! | `AGENTS.md` | the workflow with connkit, for people and agents |
//! | `SKILL.md` | the same text as a skill an agent can load |
//! | `plan/specs/integrations/README.md` | where the research plans go |
//!
//! [`init_workspace`] is idempotent and never overwrites a file that differs from what it
//! would write: such files are reported as left alone.

use std::path::{Path, PathBuf};

use crate::docs::DEFAULT_CONNECTOR_AGENTS;

/// The workspace's AGENTS.md template file name.
pub const CONNECTOR_AGENTS_FILE: &str = "CONNECTOR_AGENTS.md";

/// The workspace AGENTS.md: the guideline's workflow with connkit.
const WORKSPACE_AGENTS: &str = include_str!("templates/AGENTS.md");

/// Why a workspace could not be set up or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkspaceError {
    /// A file or directory could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The file or directory.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl WorkspaceError {
    fn io(path: &Path, source: std::io::Error) -> WorkspaceError {
        WorkspaceError::Io { path: path.display().to_string(), source }
    }
}

/// What happened to one file of the workspace layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileAction {
    /// It did not exist and was written.
    Written,
    /// It exists with exactly the content `init` writes.
    Unchanged,
    /// It exists with other content (the user's): kept as it is, for this reason.
    LeftAlone(String),
}

/// One file of the layout and what `init` did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitFile {
    /// The path relative to the workspace.
    pub path: PathBuf,
    /// What happened.
    pub action: FileAction,
}

/// What [`init_workspace`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitOutcome {
    /// The workspace root.
    pub workspace: PathBuf,
    /// Every file of the layout, in order.
    pub files: Vec<InitFile>,
}

impl InitOutcome {
    /// The files written.
    pub fn written(&self) -> impl Iterator<Item = &Path> {
        self.with(|a| matches!(a, FileAction::Written))
    }

    /// The files kept as the user has them, with the reason.
    pub fn left_alone(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().filter_map(|f| match &f.action {
            FileAction::LeftAlone(reason) => Some((f.path.as_path(), reason.as_str())),
            _ => None,
        })
    }

    fn with(&self, wanted: impl Fn(&FileAction) -> bool) -> impl Iterator<Item = &Path> {
        self.files.iter().filter(move |f| wanted(&f.action)).map(|f| f.path.as_path())
    }
}

/// The files of a workspace layout, as (path relative to the workspace, content).
pub fn workspace_files() -> Vec<(&'static str, String)> {
    vec![
        ("Cargo.toml", include_str!("templates/Cargo.toml").to_string()),
        (".gitignore", include_str!("templates/gitignore").to_string()),
        (CONNECTOR_AGENTS_FILE, DEFAULT_CONNECTOR_AGENTS.to_string()),
        ("AGENTS.md", WORKSPACE_AGENTS.to_string()),
        ("SKILL.md", workspace_skill()),
        ("plan/specs/integrations/README.md", include_str!("templates/plan-README.md").to_string()),
    ]
}

/// The workspace AGENTS.md as a skill file: the same text under a skill header.
fn workspace_skill() -> String {
    let body = WORKSPACE_AGENTS
        .strip_prefix("# AGENTS.md — ")
        .map(|rest| format!("# {}", capitalize(rest)))
        .unwrap_or_else(|| WORKSPACE_AGENTS.to_string());
    format!(
        "---\nname: connkit-connectors\ndescription: Build and extend connectors to external HTTP \
         APIs in this workspace with connkit (analyze, new, check, call, sync, upgrade, docs), \
         following the connector guideline. Use when adding an API integration or changing a \
         connector under connectors/.\n---\n\n{body}"
    )
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether `dir` is a connector workspace already (it has a `CONNECTOR_AGENTS.md`).
pub fn is_workspace(dir: &Path) -> bool {
    dir.join(CONNECTOR_AGENTS_FILE).is_file()
}

/// Lays out a connector workspace in `dir` (created when missing): every file of
/// [`workspace_files`] that does not exist is written; one that exists is left as it is, and
/// reported as left alone when its content differs.
///
/// An existing `Cargo.toml` is never rewritten: when it is a workspace, `connkit new` adds
/// each connector to its members; when it is a package, connectors get a `[workspace]` of
/// their own.
///
/// # Errors
///
/// [`WorkspaceError::Io`] when a file cannot be read or written.
pub fn init_workspace(dir: &Path) -> Result<InitOutcome, WorkspaceError> {
    std::fs::create_dir_all(dir).map_err(|err| WorkspaceError::io(dir, err))?;
    let mut files = Vec::new();
    for (relative, content) in workspace_files() {
        let path = dir.join(relative);
        let action = match std::fs::read(&path) {
            Ok(existing) if existing == content.as_bytes() => FileAction::Unchanged,
            Ok(_) => FileAction::LeftAlone(left_alone_reason(relative, &path)),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|err| WorkspaceError::io(parent, err))?;
                }
                std::fs::write(&path, content).map_err(|err| WorkspaceError::io(&path, err))?;
                FileAction::Written
            }
            Err(err) => return Err(WorkspaceError::io(&path, err)),
        };
        files.push(InitFile { path: PathBuf::from(relative), action });
    }
    let connectors = dir.join("connectors");
    std::fs::create_dir_all(&connectors).map_err(|err| WorkspaceError::io(&connectors, err))?;
    Ok(InitOutcome { workspace: dir.to_path_buf(), files })
}

/// Why an existing file was kept, and what that means for the user.
fn left_alone_reason(relative: &str, path: &Path) -> String {
    match relative {
        "Cargo.toml" => {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let workspace = toml::from_str::<toml::Table>(&text)
                .ok()
                .and_then(|t| t.get("workspace").cloned())
                .is_some();
            if workspace {
                "your Cargo workspace is kept; `connkit new` adds each connector to its members"
                    .to_string()
            } else {
                "your Cargo.toml is kept; connectors get a [workspace] of their own unless you \
                 add `connectors/*` to a workspace's members"
                    .to_string()
            }
        }
        CONNECTOR_AGENTS_FILE => {
            "your template is kept; connectors' AGENTS.md are rendered from it".to_string()
        }
        _ => "it differs from connkit's version (yours is kept)".to_string(),
    }
}

/// The workspace's `CONNECTOR_AGENTS.md`, if it has one.
///
/// # Errors
///
/// [`WorkspaceError::Io`] when the file exists but cannot be read.
pub fn connector_agents_template(workspace: &Path) -> Result<Option<String>, WorkspaceError> {
    let path = workspace.join(CONNECTOR_AGENTS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(WorkspaceError::io(&path, err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_every_file_once_and_keeps_the_users_changes() {
        let dir = tempfile::tempdir().unwrap();
        let first = init_workspace(dir.path()).unwrap();
        assert_eq!(first.written().count(), workspace_files().len());
        assert!(is_workspace(dir.path()));
        assert!(dir.path().join("connectors").is_dir());

        std::fs::write(dir.path().join("AGENTS.md"), "# ours\n").unwrap();
        std::fs::remove_file(dir.path().join(".gitignore")).unwrap();
        let second = init_workspace(dir.path()).unwrap();
        let written: Vec<&Path> = second.written().collect();
        assert_eq!(written, [Path::new(".gitignore")]);
        let kept: Vec<&Path> = second.left_alone().map(|(p, _)| p).collect();
        assert_eq!(kept, [Path::new("AGENTS.md")]);
        assert_eq!(std::fs::read_to_string(dir.path().join("AGENTS.md")).unwrap(), "# ours\n");
    }

    #[test]
    fn an_existing_package_manifest_is_never_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n";
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
        let outcome = init_workspace(dir.path()).unwrap();
        let (_, reason) = outcome.left_alone().next().unwrap();
        assert!(reason.contains("[workspace] of their own"), "{reason}");
        assert_eq!(std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(), manifest);
    }

    #[test]
    fn the_skill_file_carries_the_agents_text_under_a_skill_header() {
        let skill = workspace_skill();
        assert!(skill.starts_with("---\nname: connkit-connectors\ndescription: "));
        assert!(skill.contains("connkit new SYSTEM --spec PATH_OR_URL"));
    }
}
