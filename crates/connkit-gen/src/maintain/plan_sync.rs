//! Refreshing the research plan (`plan/specs/integrations/{system}.md`) on `connkit sync` and
//! `connkit upgrade`: the regenerated plan is merged three ways with the user's notes, against
//! the plan last written (kept in `.connkit/.plan.md`), like the code.

use std::path::{Path, PathBuf};

use crate::GENERATED_COPY_DIR;
use crate::maintain::connector::read_optional;
use crate::maintain::merge::{Labels, has_conflict_markers, merge3};
use crate::maintain::{ConnectorDir, MaintainError};

/// Where the plan as last written is kept, relative to the connector (a dot file: the
/// generated copy's other files are managed by the sync of the code).
pub const PLAN_BASE: &str = ".plan.md";

/// What happened to the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// It was missing and was written.
    Created,
    /// The regenerated plan was merged with the user's notes.
    Merged,
    /// Nothing changed.
    Unchanged,
    /// The merge left conflict markers (or earlier ones remain).
    Conflict,
    /// The plan predates the base copy: kept as it is; merged from the next sync on.
    KeptWithoutBase,
}

/// The plan after a refresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSync {
    /// The plan, relative to the workspace.
    pub path: PathBuf,
    /// What happened.
    pub action: PlanAction,
}

/// Writes the plan's base copy (`connkit new` calls it with the plan it wrote); an identical
/// copy is left untouched.
///
/// # Errors
///
/// [`MaintainError::Io`] when the file cannot be written.
pub fn write_plan_base(connector_dir: &Path, plan: &str) -> Result<(), MaintainError> {
    let base = connector_dir.join(GENERATED_COPY_DIR).join(PLAN_BASE);
    if read_optional(&base)?.as_deref() == Some(plan) {
        return Ok(());
    }
    if let Some(parent) = base.parent() {
        std::fs::create_dir_all(parent).map_err(|err| MaintainError::io(parent, err))?;
    }
    std::fs::write(&base, plan).map_err(|err| MaintainError::io(&base, err))
}

/// Merges `plan` (the regenerated one) into the connector's plan, keeping the user's notes.
///
/// # Errors
///
/// [`MaintainError::Io`] when a file cannot be read or written.
pub fn sync_plan(connector: &ConnectorDir, plan: &str) -> Result<PlanSync, MaintainError> {
    let relative = connector.plan_path();
    let path = connector.workspace.join(&relative);
    let base_path = connector.dir.join(GENERATED_COPY_DIR).join(PLAN_BASE);
    let base = read_optional(&base_path)?;
    let ours = read_optional(&path)?;
    let action = match (base, ours) {
        (_, None) => {
            write(&path, plan)?;
            PlanAction::Created
        }
        (None, Some(ours)) if ours == plan => PlanAction::Unchanged,
        (None, Some(_)) => PlanAction::KeptWithoutBase,
        (Some(base), Some(ours)) => {
            let shown = relative.to_string_lossy().replace('\\', "/");
            let ours_label = format!("yours ({shown})");
            let base_label =
                format!("last generated (connectors/{}/.connkit/{PLAN_BASE})", connector.system);
            let labels = Labels { ours: &ours_label, base: &base_label, theirs: "new generation" };
            let merged = merge3(&base, &ours, plan, &labels);
            if merged.text != ours {
                write(&path, &merged.text)?;
            }
            if merged.conflicts > 0 || has_conflict_markers(&merged.text) {
                PlanAction::Conflict
            } else if merged.text == ours {
                PlanAction::Unchanged
            } else {
                PlanAction::Merged
            }
        }
    };
    write_plan_base(&connector.dir, plan)?;
    Ok(PlanSync { path: relative, action })
}

fn write(path: &Path, text: &str) -> Result<(), MaintainError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| MaintainError::io(parent, err))?;
    }
    std::fs::write(path, text).map_err(|err| MaintainError::io(path, err))
}
