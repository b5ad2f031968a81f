//! The connector as `connkit new` wrote it: `connectors/{system}/connector.toml` and its
//! specs, loaded and analysed the way the generator sees them.

use std::path::{Path, PathBuf};

use connkit_spec::{Analysis, AnalyzedOperation, LoadedSpec, analyze};

use connkit_gen::SpecSource;
use connkit_gen::contract::{OperationContract, OperationPlace};
use connkit_gen::hosts::HostPlan;
use connkit_gen::ir::facts_for_spec;
use connkit_gen::manifest::{MANIFEST_FILE, Manifest};
use connkit_gen::naming::SystemName;

use crate::exit::CommandError;

/// A loaded connector: its manifest, its specs (in manifest order) and their analysis.
pub(super) struct Connector {
    /// The connector directory (`WORKSPACE/connectors/{system}`).
    pub dir: PathBuf,
    /// `connector.toml`.
    pub manifest: Manifest,
    /// The specs, in the manifest's order (the analysis' `spec_index` points into it).
    pub specs: Vec<LoadedSpec>,
    /// The analysis of all specs together, with the manifest's stems.
    pub analysis: Analysis,
}

impl Connector {
    /// Loads `connectors/{system}` under `workspace`.
    ///
    /// # Errors
    ///
    /// A usage error (exit 2) for a bad system name, a missing connector, an unreadable
    /// manifest or spec.
    pub(super) async fn load(workspace: &Path, system: &str) -> Result<Self, CommandError> {
        if SystemName::parse(system).is_err() {
            return Err(CommandError::usage(miette::miette!(
                "`{system}` is not a system name: use lowercase letters, digits and single `-`s, starting with a letter and ending with a letter or digit"
            ))
            .with_code("invalid_system"));
        }
        let dir = workspace.join("connectors").join(system);
        if !dir.join(MANIFEST_FILE).is_file() {
            return Err(CommandError::usage(miette::miette!(
                help = format!(
                    "create it with `connkit new {system} --spec PATH_OR_URL`, or pass --dir WORKSPACE"
                ),
                "no connector `{system}` in {}: {} not found",
                workspace.display(),
                dir.join(MANIFEST_FILE).display()
            ))
            .with_code("unknown_connector"));
        }
        let manifest = Manifest::read(&dir).map_err(|e| {
            CommandError::usage(miette::miette!("{e}")).with_code("invalid_manifest")
        })?;
        let loader = crate::commands::loading::loader();
        let mut specs = Vec::with_capacity(manifest.specs.len());
        for entry in &manifest.specs {
            let path = dir.join(&entry.file);
            let location = path.to_string_lossy().into_owned();
            let spec = loader.load(&location).await.map_err(|e| {
                CommandError::usage(miette::miette!("cannot load spec {}: {e}", path.display()))
                    .with_code("spec_unreadable")
            })?;
            specs.push(spec);
        }
        if specs.is_empty() {
            return Err(CommandError::usage(miette::miette!(
                "{} lists no specs",
                dir.join(MANIFEST_FILE).display()
            )));
        }
        let mut analysis = analyze(&specs);
        // The manifest's stems name the specs in qualified ids (as in the generated crate).
        for (summary, entry) in analysis.specs.iter_mut().zip(&manifest.specs) {
            summary.stem = entry.stem.clone();
        }
        let multi = manifest.specs.len() > 1;
        for op in &mut analysis.operations {
            if let Some(entry) = manifest.specs.get(op.spec_index) {
                op.spec = entry.stem.clone();
                op.id = if multi {
                    format!("{}.{}", entry.stem, op.operation_id)
                } else {
                    op.operation_id.clone()
                };
            }
        }
        Ok(Self { dir, manifest, specs, analysis })
    }

    /// Which host each operation goes to, as the generated connector decides it.
    pub(super) fn host_plan(&self) -> HostPlan {
        let sources: Vec<SpecSource<'_>> = self
            .specs
            .iter()
            .zip(&self.manifest.specs)
            .enumerate()
            .map(|(index, (spec, entry))| SpecSource {
                stem: entry.stem.clone(),
                api: &spec.api,
                facts: facts_for_spec(&self.analysis, index, &spec.api),
            })
            .collect();
        HostPlan::for_specs(&self.manifest, &sources)
    }

    /// The effective entity, host, rate limit and pagination of `op`: its facts with the
    /// manifest's override merged in, as the generator merges them (`None` for an operation
    /// its spec does not have).
    pub(super) fn operation_contract(
        &self,
        hosts: &HostPlan,
        op: &AnalyzedOperation,
    ) -> Option<OperationContract> {
        let api = &self.specs.get(op.spec_index)?.api;
        let facts = facts_for_spec(&self.analysis, op.spec_index, api);
        let place = OperationPlace {
            stem: &op.spec,
            spec_index: op.spec_index,
            operation_index: op.operation_index,
            multi_spec: self.manifest.specs.len() > 1,
        };
        Some(OperationContract::resolve(
            &self.manifest,
            hosts,
            place,
            facts.get(op.operation_index)?,
        ))
    }
}
