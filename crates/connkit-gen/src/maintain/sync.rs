//! `connkit sync`: puts a new generation into a connector without losing what the user
//! wrote, by a three-way merge per file against the last generated copy in `.connkit/`.
//!
//! Per file (base = `.connkit/` copy, ours = the user's file, theirs = the new generation):
//!
//! | base | ours | theirs | result |
//! |---|---|---|---|
//! | yes | yes | yes | [`merge3`]: hand edits kept, generated changes applied, conflicts marked |
//! | no | no | yes | a new file: written |
//! | no | yes | yes | merged against an empty base (identical files stay as they are) |
//! | yes | no | yes | **the user deleted it: it stays deleted** (listed in the report) |
//! | yes | = base | no | the generator dropped it and it was not edited: removed |
//! | yes | edited | no | the edits follow their code into the files that hold it now ([`follow`](super::follow)); what finds no place is kept in `{file}.connkit-orphan` and is a conflict |
//!
//! SKILL.md is not merged: its generated part is rewritten from the merged code's public
//! API ([`crate::maintain::docs`]) and the text around it is kept. Finally `.connkit/` becomes
//! the new generation. Files whose bytes would not change are not written, so a sync with
//! nothing new changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::maintain::api::read_public_api;
use crate::maintain::connector::{read_optional, walk};
use crate::maintain::docs::{read_sources, render_skill_part, rewrite_skill};
use crate::maintain::follow::{Planned, follow_edits};
use crate::maintain::merge::{Labels, merge3};
use crate::maintain::{ConnectorDir, MaintainError};
use crate::{GENERATED_COPY_DIR, GeneratedFile};

/// The suffix of backups of edited files the new generation no longer has.
pub const ORPHAN_SUFFIX: &str = ".connkit-orphan";

/// What a sync did, every path relative to the connector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Existing files whose content changed (merged).
    pub updated: Vec<PathBuf>,
    /// New files.
    pub created: Vec<PathBuf>,
    /// Files removed (dropped by the generator, never edited).
    pub removed: Vec<PathBuf>,
    /// Edited files the generator no longer writes, whose edits followed their code: (file,
    /// the files the edits went into).
    pub followed: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Edited files the generator no longer writes whose edits (some or all) found no place:
    /// (file, its backup `{file}.connkit-orphan`, what found no place). Each is a conflict.
    pub orphaned: Vec<(PathBuf, PathBuf, Vec<String>)>,
    /// Files left with conflict markers.
    pub conflicts: Vec<PathBuf>,
    /// Generated files the user had deleted; they stay deleted.
    pub kept_deleted: Vec<PathBuf>,
    /// Whether SKILL.md changed.
    pub skill_changed: bool,
    /// The research plan's refresh ([`super::plan_sync::sync_plan`]), when it ran.
    pub plan: Option<super::plan_sync::PlanSync>,
}

impl SyncReport {
    /// Whether any file of the connector (outside `.connkit/`) changed.
    pub fn changed(&self) -> bool {
        !(self.updated.is_empty()
            && self.created.is_empty()
            && self.removed.is_empty()
            && self.followed.is_empty()
            && self.orphaned.is_empty()
            && !self.skill_changed
            && !self.plan.as_ref().is_some_and(|plan| {
                matches!(
                    plan.action,
                    super::plan_sync::PlanAction::Created
                        | super::plan_sync::PlanAction::Merged
                        | super::plan_sync::PlanAction::Conflict
                )
            }))
    }

    /// Whether the sync left work for the user: conflict markers, or edits kept in a backup.
    pub fn has_conflicts(&self) -> bool {
        !self.conflicts.is_empty()
            || !self.orphaned.is_empty()
            || self
                .plan
                .as_ref()
                .is_some_and(|plan| plan.action == super::plan_sync::PlanAction::Conflict)
    }
}

/// Merges `generated` into the connector (see the module doc).
///
/// # Errors
///
/// [`MaintainError::Io`] when a file cannot be read or written.
pub fn sync_generated(
    connector: &ConnectorDir,
    generated: &[GeneratedFile],
) -> Result<SyncReport, MaintainError> {
    apply_generation(connector, generated, &BTreeMap::new())
}

/// [`sync_generated`], with the user's version of the files in `replaced` set to the given
/// text instead of merged (`connkit upgrade` rebuilds client.rs and gateway.rs itself).
pub(crate) fn apply_generation(
    connector: &ConnectorDir,
    generated: &[GeneratedFile],
    replaced: &BTreeMap<PathBuf, String>,
) -> Result<SyncReport, MaintainError> {
    let dir = &connector.dir;
    let base_dir = dir.join(GENERATED_COPY_DIR);
    let mut base_paths = Vec::new();
    walk(&base_dir, Path::new(""), &mut base_paths, &|_| true)?;
    let new: BTreeMap<PathBuf, &str> =
        generated.iter().map(|f| (f.path.clone(), f.contents.as_str())).collect();
    let mut all: BTreeSet<PathBuf> = base_paths.iter().cloned().collect();
    all.extend(new.keys().cloned());
    let mut report = SyncReport::default();
    let mut merges = plan_merges(connector, &all, &new, replaced, &mut report)?;
    // Edits of files the generation no longer writes follow their code.
    for (path, base, ours) in std::mem::take(&mut merges.dropped) {
        follow_dropped(connector, path, &base, &ours, &mut merges.planned, &mut report)?;
    }
    write_planned(dir, &merges, &mut report)?;
    refresh_skill(connector, &new, &mut report)?;
    // The new generation becomes the base of the next merge.
    for file in generated {
        let target = base_dir.join(&file.path);
        if read_optional(&target)?.as_deref() != Some(file.contents.as_str()) {
            write(&target, &file.contents)?;
        }
    }
    for path in base_paths {
        if !new.contains_key(&path) {
            let target = base_dir.join(&path);
            std::fs::remove_file(&target).map_err(|err| MaintainError::io(&target, err))?;
        }
    }
    Ok(report)
}

/// What a sync writes, decided before the first write.
#[derive(Default)]
struct Merges {
    /// Every file to write.
    planned: BTreeMap<PathBuf, Planned>,
    /// The user's version each planned file replaces (`None`: a new file).
    previous: BTreeMap<PathBuf, Option<String>>,
    /// Edited files the generation no longer writes: (path, last generated, the user's).
    dropped: Vec<(PathBuf, String, String)>,
}

/// The merge labels of `path`: the last generation's and the user's.
fn merge_labels(connector: &ConnectorDir, path: &Path) -> (String, String) {
    let shown = connector.shown(path);
    (format!("last generated (.connkit/{})", path.display()), format!("yours ({shown})"))
}

/// Decides each file but SKILL.md: merged three ways, new, replaced, kept deleted, or (the
/// generation no longer writes it) removed when unedited or dropped with its edits.
fn plan_merges(
    connector: &ConnectorDir,
    all: &BTreeSet<PathBuf>,
    new: &BTreeMap<PathBuf, &str>,
    replaced: &BTreeMap<PathBuf, String>,
    report: &mut SyncReport,
) -> Result<Merges, MaintainError> {
    let dir = &connector.dir;
    let base_dir = dir.join(GENERATED_COPY_DIR);
    let mut merges = Merges::default();
    let Merges { planned, previous, dropped } = &mut merges;
    for path in all {
        if *path == Path::new(SKILL_FILE) {
            continue;
        }
        let base = read_optional(&base_dir.join(path))?;
        let ours = read_optional(&dir.join(path))?;
        let theirs = new.get(path).copied();
        if let Some(text) = replaced.get(path) {
            planned.insert(path.clone(), Planned { text: text.clone(), conflict: false });
            previous.insert(path.clone(), ours);
            continue;
        }
        match (base, ours, theirs) {
            (base, Some(ours), Some(theirs)) => {
                let (base_label, ours_label) = merge_labels(connector, path);
                let labels =
                    Labels { ours: &ours_label, base: &base_label, theirs: "new generation" };
                let merged = merge3(base.as_deref().unwrap_or(""), &ours, theirs, &labels);
                planned.insert(
                    path.clone(),
                    Planned { text: merged.text, conflict: merged.conflicts > 0 },
                );
                previous.insert(path.clone(), Some(ours));
            }
            (None, None, Some(theirs)) => {
                planned.insert(path.clone(), Planned { text: theirs.to_string(), conflict: false });
                previous.insert(path.clone(), None);
            }
            (Some(_), None, Some(_)) => report.kept_deleted.push(path.clone()),
            (Some(base), Some(ours), None) => {
                if ours == base {
                    let target = dir.join(path);
                    std::fs::remove_file(&target).map_err(|err| MaintainError::io(&target, err))?;
                    report.removed.push(path.clone());
                } else {
                    dropped.push((path.clone(), base, ours));
                }
            }
            (_, _, None) => {}
        }
    }
    Ok(merges)
}

/// Moves the edits of a file the generation no longer writes into the planned files that
/// now hold its code; the file is removed, or kept as a backup with what found no place.
fn follow_dropped(
    connector: &ConnectorDir,
    path: PathBuf,
    base: &str,
    ours: &str,
    planned: &mut BTreeMap<PathBuf, Planned>,
    report: &mut SyncReport,
) -> Result<(), MaintainError> {
    let dir = &connector.dir;
    let (base_label, ours_label) = merge_labels(connector, &path);
    let labels = Labels { ours: &ours_label, base: &base_label, theirs: "new generation" };
    let followed = follow_edits(&path, base, ours, planned, &labels);
    let target = dir.join(&path);
    if followed.unplaced.is_empty() {
        std::fs::remove_file(&target).map_err(|err| MaintainError::io(&target, err))?;
        report.followed.push((path, followed.into));
    } else {
        let backup = orphan_path(&path);
        let to = dir.join(&backup);
        std::fs::rename(&target, &to).map_err(|err| MaintainError::io(&target, err))?;
        if !followed.into.is_empty() {
            report.followed.push((path.clone(), followed.into));
        }
        report.orphaned.push((path, backup, followed.unplaced));
    }
    Ok(())
}

/// Writes the planned files that differ from the user's, reporting conflicts (new ones, and
/// markers an earlier sync left that are still unresolved).
fn write_planned(
    dir: &Path,
    merges: &Merges,
    report: &mut SyncReport,
) -> Result<(), MaintainError> {
    for (path, file) in &merges.planned {
        let before = merges.previous.get(path).cloned().flatten();
        if file.conflict || super::merge::has_conflict_markers(&file.text) {
            report.conflicts.push(path.clone());
        }
        if before.as_deref() == Some(file.text.as_str()) {
            continue;
        }
        write(&dir.join(path), &file.text)?;
        if before.is_some() {
            report.updated.push(path.clone());
        } else {
            report.created.push(path.clone());
        }
    }
    Ok(())
}

/// SKILL.md: the user's text around a generated part rendered from the merged code.
fn refresh_skill(
    connector: &ConnectorDir,
    new: &BTreeMap<PathBuf, &str>,
    report: &mut SyncReport,
) -> Result<(), MaintainError> {
    let skill = PathBuf::from(SKILL_FILE);
    let sources = read_sources(connector)?;
    let part = render_skill_part(&read_public_api(&sources));
    let ours = read_optional(&connector.dir.join(&skill))?;
    let start = ours.clone().or_else(|| new.get(&skill).map(|s| s.to_string()));
    if let Some(start) = start {
        let updated = rewrite_skill(&start, &part);
        if ours.as_deref() != Some(updated.as_str()) {
            write(&connector.dir.join(&skill), &updated)?;
            report.skill_changed = true;
        }
    }
    Ok(())
}

/// The file the generator writes the connector's skill into; the user's text around its
/// generated part is kept.
const SKILL_FILE: &str = "SKILL.md";

fn orphan_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(ORPHAN_SUFFIX);
    PathBuf::from(name)
}

fn write(path: &Path, text: &str) -> Result<(), MaintainError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| MaintainError::io(parent, err))?;
    }
    std::fs::write(path, text).map_err(|err| MaintainError::io(path, err))
}

/// A spec document to put into `openapi/` (`connkit sync --spec`).
#[derive(Debug, Clone)]
pub struct SpecDocument {
    /// Its path relative to the root document's folder (the root's own file name first).
    pub relative_path: String,
    /// Its text.
    pub content: String,
}

/// Puts a loaded spec's files into the connector's `openapi/` (by file name: an existing
/// file of that name is replaced) and records the root in `manifest` when it is a new spec
/// (with `stem`, and `source` when it came from a URL). Returns the root's path relative to
/// the connector and whether the manifest changed. Unchanged files are not rewritten.
///
/// # Errors
///
/// [`MaintainError::Usage`] for a document path that would leave `openapi/`,
/// [`MaintainError::Io`] when a file cannot be written.
pub fn add_spec_documents(
    connector: &ConnectorDir,
    manifest: &mut crate::manifest::Manifest,
    documents: &[SpecDocument],
    stem: &str,
    source: Option<String>,
) -> Result<(String, bool), MaintainError> {
    let Some(root) = documents.first() else {
        return Err(MaintainError::Usage("the spec has no documents".to_string()));
    };
    let root_name = Path::new(&root.relative_path)
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| {
            MaintainError::Usage(format!("`{}` has no file name", root.relative_path))
        })?;
    let existing = manifest.specs.iter().position(|e| {
        Path::new(&e.file).file_name().is_some_and(|n| n.to_string_lossy() == root_name)
    });
    let folder = match existing {
        Some(index) => Path::new(&manifest.specs[index].file)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("openapi")),
        None => PathBuf::from("openapi"),
    };
    for (index, document) in documents.iter().enumerate() {
        let relative = if index == 0 { root_name.clone() } else { document.relative_path.clone() };
        let safe = !relative.contains("://")
            && Path::new(&relative).components().all(|c| {
                matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir)
            });
        if !safe {
            if index == 0 {
                return Err(MaintainError::Usage(format!("`{relative}` would leave openapi/")));
            }
            // A document on another host or outside the folder: the loader fetches it again.
            continue;
        }
        let target = connector.dir.join(&folder).join(&relative);
        if read_optional(&target)?.as_deref() != Some(document.content.as_str()) {
            write(&target, &document.content)?;
        }
    }
    let file = folder.join(&root_name).to_string_lossy().replace('\\', "/");
    match existing {
        Some(index) => {
            let entry = &mut manifest.specs[index];
            let changed = source.is_some() && entry.source != source;
            if changed {
                entry.source = source;
            }
            Ok((file, changed))
        }
        None => {
            manifest.specs.push(crate::manifest::SpecEntry {
                file: file.clone(),
                stem: stem.to_string(),
                source,
                host: None,
            });
            Ok((file, true))
        }
    }
}
