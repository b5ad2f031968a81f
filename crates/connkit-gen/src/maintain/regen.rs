//! Regenerating a connector in memory from its manifest and its (already loaded) specs, the
//! way `connkit new` generated it.

use std::path::Path;

use connkit_spec::LoadedSpec;

use crate::ir::facts_for_spec;
use crate::maintain::connector::read_optional;
use crate::maintain::{ConnectorDir, MaintainError};
use crate::manifest::Manifest;
use crate::{GENERATED_COPY_DIR, GenerateOptions, GeneratedConnector, RuntimeSource, SpecSource};

/// A connector generated in memory.
#[derive(Debug, Clone)]
pub struct Regenerated {
    /// Every file, relative to the connector.
    pub generated: GeneratedConnector,
    /// The analysis of the specs it came from.
    pub analysis: connkit_spec::Analysis,
    /// The research plan rendered from the same IR (`plan/specs/integrations/{system}.md`).
    pub plan: String,
}

/// Generates `connector` from `manifest` and `specs` (one per manifest spec, same order) into
/// memory. The runtime dependency comes from the manifest; whether the crate has its own
/// `[workspace]` is read from the last generated `Cargo.toml`.
///
/// # Errors
///
/// [`MaintainError::Usage`] when the number of specs does not match the manifest,
/// [`MaintainError::Generate`] for a generator bug, [`MaintainError::Io`] when the last
/// generated `Cargo.toml` cannot be read.
pub fn regenerate(
    connector: &ConnectorDir,
    manifest: &Manifest,
    specs: &[LoadedSpec],
    connkit_version: &str,
) -> Result<Regenerated, MaintainError> {
    if specs.len() != manifest.specs.len() {
        return Err(MaintainError::Usage(format!(
            "connector.toml lists {} spec(s) but {} were loaded",
            manifest.specs.len(),
            specs.len()
        )));
    }
    let analysis = connkit_spec::analyze(specs);
    let sources: Vec<SpecSource<'_>> = specs
        .iter()
        .zip(&manifest.specs)
        .enumerate()
        .map(|(index, (spec, entry))| SpecSource {
            stem: entry.stem.clone(),
            api: &spec.api,
            facts: facts_for_spec(&analysis, index, &spec.api),
        })
        .collect();
    let runtime = match &manifest.runtime.path {
        Some(path) => RuntimeSource::Path(path.clone()),
        None => RuntimeSource::Version(manifest.runtime.version.clone()),
    };
    let options = GenerateOptions {
        connkit_version: connkit_version.to_string(),
        runtime,
        own_workspace: own_workspace(&connector.dir)?,
        agents_template: crate::workspace::connector_agents_template(&connector.workspace)
            .map_err(|err| match err {
                crate::workspace::WorkspaceError::Io { path, source } => {
                    MaintainError::Io { path, source }
                }
            })?,
    };
    let generated = crate::generate(&connector.system, manifest, &sources, &options)?;
    let plan_specs: Vec<crate::plan::PlanSpec<'_>> = specs
        .iter()
        .map(|spec| crate::plan::PlanSpec { api: &spec.api, files: &spec.files })
        .collect();
    let plan = crate::plan::plan_text(&crate::plan::PlanInput {
        system: &connector.system,
        manifest,
        generated: &generated,
        specs: &plan_specs,
        analysis: &analysis,
        connkit_version,
    })?;
    Ok(Regenerated { generated, analysis, plan })
}

/// Whether the connector's generated `Cargo.toml` carries its own `[workspace]`.
fn own_workspace(dir: &Path) -> Result<bool, MaintainError> {
    let base = read_optional(&dir.join(GENERATED_COPY_DIR).join("Cargo.toml"))?;
    let text = match base {
        Some(text) => Some(text),
        None => read_optional(&dir.join("Cargo.toml"))?,
    };
    Ok(text.is_none_or(|t| t.lines().any(|l| l.trim() == "[workspace]")))
}
