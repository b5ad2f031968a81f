//! `connkit new`: research first (specs into `openapi/`, the plan spec), then the manifest,
//! then the connector, into a workspace.

use std::path::{Path, PathBuf};

use connkit_spec::SpecFile;
use connkit_spec::analyze::Analysis;
use connkit_spec::model::Api;

use crate::ir::{auth_from_analysis, facts_for_spec};
use crate::manifest::{
    AuthConfig, AuthKind, Hosts, MANIFEST_FILE, Manifest, RuntimeDependency, SpecEntry, Tier,
};
use crate::naming::SystemName;
use crate::{
    GenerateError, GenerateOptions, GeneratedConnector, GeneratedFile, RuntimeSource, SpecSource,
    generate,
};

/// The SP-API production hosts of the `lwa` preset, by region.
pub const SP_API_REGIONS: [(&str, &str); 3] = [
    ("na", "https://sellingpartnerapi-na.amazon.com"),
    ("eu", "https://sellingpartnerapi-eu.amazon.com"),
    ("fe", "https://sellingpartnerapi-fe.amazon.com"),
];
/// The SP-API sandbox hosts of the `lwa` preset, by region.
pub const SP_API_SANDBOX: [(&str, &str); 3] = [
    ("na", "https://sandbox.sellingpartnerapi-na.amazon.com"),
    ("eu", "https://sandbox.sellingpartnerapi-eu.amazon.com"),
    ("fe", "https://sandbox.sellingpartnerapi-fe.amazon.com"),
];

/// Why `connkit new` could not create the connector.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NewError {
    /// The connector directory exists already.
    #[error("`{0}` already exists: use `connkit sync` to regenerate an existing connector")]
    Exists(String),
    /// The options contradict each other or miss something.
    #[error("{0}")]
    Usage(String),
    /// A file could not be written or read.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Generation failed.
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// The manifest could not be written.
    #[error(transparent)]
    Manifest(#[from] crate::manifest::ManifestError),
}

/// Which tier to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TierChoice {
    /// The analysis' recommendation.
    Auto,
    /// Forced.
    Exactly(Tier),
}

/// One loaded spec for `connkit new`.
#[derive(Debug, Clone)]
pub struct NewSpec<'a> {
    /// The normalised API.
    pub api: &'a Api,
    /// Every file read (root first), for the copy into `openapi/`.
    pub files: &'a [SpecFile],
    /// The URL the spec was downloaded from, if any.
    pub source_url: Option<String>,
}

/// Everything `connkit new` decided.
#[derive(Debug, Clone)]
pub struct NewRequest<'a> {
    /// The system.
    pub system: SystemName,
    /// The workspace root.
    pub workspace: PathBuf,
    /// The specs, in order.
    pub specs: Vec<NewSpec<'a>>,
    /// Their analysis (same order).
    pub analysis: &'a Analysis,
    /// Tier choice.
    pub tier: TierChoice,
    /// `--auth`.
    pub auth: Option<AuthKind>,
    /// `--token-url`.
    pub token_url: Option<String>,
    /// `--token-header`.
    pub token_header: Option<String>,
    /// Sent before an API key (`Bot `); `Some("")` for none; `None` to read it from the
    /// spec's description.
    pub key_prefix: Option<String>,
    /// Absolute path of the runtime crate to depend on, if any.
    pub runtime_path: Option<PathBuf>,
    /// The connkit version (runtime version requirement and headers).
    pub connkit_version: String,
}

/// What `connkit new` wrote.
#[derive(Debug, Clone)]
pub struct NewOutcome {
    /// The connector directory.
    pub connector_dir: PathBuf,
    /// The manifest written.
    pub manifest: Manifest,
    /// Whether the workspace's Cargo.toml got the connector as a member.
    pub added_to_workspace: bool,
    /// Files written, relative to the workspace.
    pub written: Vec<PathBuf>,
    /// Counts per spec.
    pub stats: Vec<crate::SpecStats>,
    /// The operation IR of each spec, as emitted.
    pub specs: Vec<crate::ir::SpecIr>,
    /// The auth options of the specs and what deserves a person's look.
    pub auth: crate::auth_choice::AuthDecision,
    /// How the Rust files were formatted (rustfmt, or why not).
    pub formatting: crate::FormatOutcome,
}

/// Progress callbacks (a progress bar on a terminal).
pub trait Progress {
    /// A step starts.
    fn step(&self, message: &str);
}

impl Progress for () {
    fn step(&self, _message: &str) {}
}

/// Creates the connector: `openapi/` copies, the plan spec, `connector.toml`, the crate.
///
/// # Errors
///
/// [`NewError::Exists`] when the connector exists (nothing is written), [`NewError::Usage`]
/// for contradicting options (`oauth2-refresh-token` without a token URL), I/O errors.
pub fn create_connector(
    request: &NewRequest<'_>,
    progress: &dyn Progress,
) -> Result<NewOutcome, NewError> {
    let system = &request.system;
    let relative_dir = PathBuf::from("connectors").join(system.as_str());
    let connector_dir = request.workspace.join(&relative_dir);
    if holds_files(&connector_dir) {
        return Err(NewError::Exists(connector_dir.display().to_string()));
    }
    let auth = auth_config(request)?;
    let (own_workspace, add_member) = workspace_mode(&request.workspace, &relative_dir);

    // Research first: the specs into openapi/, then the plan spec (written below, once
    // everything is generated).
    let (spec_copies, entries) = spec_copies(request);
    let mut manifest = initial_manifest(request, entries, auth);
    let apis: Vec<&Api> = request.specs.iter().map(|s| s.api).collect();
    let auth_decision = crate::auth_choice::decide(request.analysis, &apis, &manifest.auth);

    progress.step("analysing operations");
    let sources = spec_sources(request, &mut manifest);

    // Everything is generated in memory before the first write, so that a problem (a typo in
    // the workspace's CONNECTOR_AGENTS.md) leaves no half-made connector behind.
    progress.step("generating the connector");
    let options = generate_options(request, own_workspace)?;
    let generated = generate(system, &manifest, &sources, &options)?;

    progress.step("copying specs into openapi/");
    let mut written = Vec::new();
    for (target, content) in spec_copies {
        write(&connector_dir.join(&target), content)?;
        written.push(relative_dir.join(&target));
    }

    progress.step("writing the plan spec");
    let plan_path = PathBuf::from("plan/specs/integrations").join(format!("{system}.md"));
    let plan = plan_text(request, &manifest, &generated)?;
    write(&request.workspace.join(&plan_path), &plan)?;
    written.push(plan_path);

    progress.step("writing connector.toml");
    write(&connector_dir.join(MANIFEST_FILE), &manifest.to_toml()?)?;
    written.push(relative_dir.join(MANIFEST_FILE));

    progress.step("writing files");
    write_generated(&connector_dir, &generated, &plan)?;
    written.extend(generated.files.iter().map(|f: &GeneratedFile| relative_dir.join(&f.path)));
    let added_to_workspace =
        if add_member { add_workspace_member(&request.workspace, &relative_dir)? } else { false };
    Ok(NewOutcome {
        connector_dir,
        manifest,
        added_to_workspace,
        written,
        stats: generated.stats,
        specs: generated.specs,
        auth: auth_decision,
        formatting: generated.formatting,
    })
}

/// Where each spec file goes in `openapi/` (with its content), and the manifest entry of
/// each spec: one folder per spec when a connector has several specs of several files.
fn spec_copies<'r>(request: &'r NewRequest<'_>) -> (Vec<(String, &'r str)>, Vec<SpecEntry>) {
    let mut spec_copies: Vec<(String, &str)> = Vec::new();
    let mut entries = Vec::new();
    let multi = request.specs.len() > 1;
    for (index, spec) in request.specs.iter().enumerate() {
        let stem = request
            .analysis
            .specs
            .get(index)
            .map(|s| s.stem.clone())
            .unwrap_or_else(|| format!("spec{index}"));
        let folder = if multi && spec.files.len() > 1 {
            format!("openapi/{stem}")
        } else {
            "openapi".to_string()
        };
        let mut root_file = None;
        let layout = connkit_spec::copy_layout(spec.files);
        for (file, placed) in spec.files.iter().zip(layout) {
            let Some(relative) = placed.as_deref().and_then(safe_relative) else { continue };
            let target = format!("{folder}/{}", relative.display());
            root_file.get_or_insert(target.clone());
            spec_copies.push((target, &file.content));
        }
        entries.push(SpecEntry {
            file: root_file.unwrap_or_else(|| format!("{folder}/{stem}.json")),
            stem,
            source: spec.source_url.clone(),
            host: None,
        });
    }
    (spec_copies, entries)
}

/// The manifest of the new connector, before the analysis adds its guesses and hosts.
fn initial_manifest(
    request: &NewRequest<'_>,
    entries: Vec<SpecEntry>,
    auth: AuthConfig,
) -> Manifest {
    let system = &request.system;
    let tier = match request.tier {
        TierChoice::Exactly(tier) => tier,
        TierChoice::Auto => request.analysis.tier,
    };
    let tier_reasons = match request.tier {
        TierChoice::Exactly(_) => vec![format!("chosen with --tier {}", tier.as_str())],
        TierChoice::Auto => request.analysis.reasons.clone(),
    };
    let runtime = RuntimeDependency {
        path: request.runtime_path.as_ref().map(|p| p.display().to_string()),
        version: request.connkit_version.clone(),
    };
    Manifest {
        system: system.to_string(),
        tier,
        tier_reasons,
        prefix: system.env_prefix(),
        specs: entries,
        hosts: hosts(request),
        auth,
        runtime,
        // A large single spec gets a feature per entity group: users compile what they use.
        entity_features: request.specs.len() == 1
            && request.specs.iter().map(|s| s.api.operations.len()).sum::<usize>()
                >= crate::manifest::ENTITY_FEATURES_FROM,
        rate_limit: None,
        operations: Default::default(),
    }
}

/// The generator's input of each spec; records the guessed paginations and the named hosts
/// (specs and operations served elsewhere) in the manifest, where the user can change them.
fn spec_sources<'r>(request: &'r NewRequest<'_>, manifest: &mut Manifest) -> Vec<SpecSource<'r>> {
    let sources: Vec<SpecSource<'_>> = request
        .specs
        .iter()
        .zip(&manifest.specs)
        .enumerate()
        .map(|(index, (spec, entry))| SpecSource {
            stem: entry.stem.clone(),
            api: spec.api,
            facts: facts_for_spec(request.analysis, index, spec.api),
        })
        .collect();
    record_guessed_paginations(manifest, &sources);
    manifest.hosts.named = crate::hosts::HostPlan::for_specs(manifest, &sources)
        .named()
        .iter()
        .filter_map(|host| Some((host.name.clone(), host.url.clone()?)))
        .collect();
    sources
}

/// How the connector is generated: which runtime it depends on, whether it is its own
/// workspace, and the workspace's CONNECTOR_AGENTS.md template.
fn generate_options(
    request: &NewRequest<'_>,
    own_workspace: bool,
) -> Result<GenerateOptions, NewError> {
    let runtime_source = match &request.runtime_path {
        Some(path) => RuntimeSource::Path(path.display().to_string()),
        None => RuntimeSource::Version(request.connkit_version.clone()),
    };
    let agents_template = crate::workspace::connector_agents_template(&request.workspace).map_err(
        |err| match err {
            crate::workspace::WorkspaceError::Io { path, source } => NewError::Io { path, source },
        },
    )?;
    Ok(GenerateOptions {
        connkit_version: request.connkit_version.clone(),
        runtime: runtime_source,
        own_workspace,
        agents_template,
    })
}

/// The plan spec (`plan/specs/integrations/{system}.md`).
fn plan_text(
    request: &NewRequest<'_>,
    manifest: &Manifest,
    generated: &GeneratedConnector,
) -> Result<String, NewError> {
    let plan_specs: Vec<crate::plan::PlanSpec<'_>> = request
        .specs
        .iter()
        .map(|spec| crate::plan::PlanSpec { api: spec.api, files: spec.files })
        .collect();
    Ok(crate::plan::plan_text(&crate::plan::PlanInput {
        system: &request.system,
        manifest,
        generated,
        specs: &plan_specs,
        analysis: request.analysis,
        connkit_version: &request.connkit_version,
    })?)
}

/// Writes the generated files, and the plan as written: the base of the three-way merge
/// when `connkit sync` refreshes it.
fn write_generated(
    connector_dir: &Path,
    generated: &GeneratedConnector,
    plan: &str,
) -> Result<(), NewError> {
    crate::write_files(connector_dir, &generated.files)
        .map_err(|err| NewError::Io { path: err.path.clone(), source: err.source })?;
    crate::maintain::plan_sync::write_plan_base(connector_dir, plan).map_err(|err| match err {
        crate::maintain::MaintainError::Io { path, source } => NewError::Io { path, source },
        other => NewError::Usage(other.to_string()),
    })
}

/// Writes every pagination read from a parameter name alone into the manifest, marked as a
/// guess (`pagination_guessed`): the user confirms it there, or corrects it, or turns it off.
fn record_guessed_paginations(manifest: &mut Manifest, sources: &[SpecSource<'_>]) {
    let multi = sources.len() > 1;
    for source in sources {
        for facts in &source.facts {
            let (Some(pagination), Some(why)) = (&facts.pagination, &facts.pagination_guess) else {
                continue;
            };
            let id = if multi { format!("{}.{}", source.stem, facts.id) } else { facts.id.clone() };
            let entry = manifest.operations.entry(id).or_default();
            entry.pagination = Some(pagination.clone());
            entry.pagination_guessed = Some(why.clone());
        }
    }
}

/// Whether `dir` exists and is not an empty folder (a file, or a folder with anything in it):
/// `connkit new` writes a connector only where nothing would be overwritten.
pub fn holds_files(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(err) => err.kind() != std::io::ErrorKind::NotFound,
    }
}

fn auth_config(request: &NewRequest<'_>) -> Result<AuthConfig, NewError> {
    let mut auth = match request.auth {
        Some(AuthKind::Lwa) => AuthConfig::lwa(),
        Some(kind) => crate::ir::auth_of_kind(request.analysis, Some(kind))
            .unwrap_or_else(|| AuthConfig::new(kind)),
        None => auth_from_analysis(request.analysis),
    };
    if auth.kind == AuthKind::ApiKey {
        auth.key_prefix = match &request.key_prefix {
            Some(prefix) if prefix.is_empty() => None,
            Some(prefix) => Some(prefix.clone()),
            None => {
                let apis: Vec<&Api> = request.specs.iter().map(|s| s.api).collect();
                let name =
                    auth.key_name.as_deref().unwrap_or(crate::contract::DEFAULT_API_KEY_HEADER);
                crate::auth_choice::key_prefix(&apis, name)
            }
        };
    }
    if let Some(url) = &request.token_url {
        auth.token_url = Some(url.clone());
    }
    if let Some(header) = &request.token_header {
        auth.token_header = Some(header.clone());
    }
    if auth.kind == AuthKind::OAuth2RefreshToken && auth.token_url.is_none() {
        return Err(NewError::Usage(
            "`--auth oauth2-refresh-token` needs `--token-url URL` (the spec gives no token endpoint)".to_string(),
        ));
    }
    Ok(auth)
}

fn hosts(request: &NewRequest<'_>) -> Hosts {
    if request.auth == Some(AuthKind::Lwa) {
        return Hosts {
            default: None,
            regions: SP_API_REGIONS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            default_region: Some("na".to_string()),
            sandbox: SP_API_SANDBOX.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            named: Default::default(),
        };
    }
    // The first spec's server is the default host; other specs' servers become named hosts.
    let default = request.specs.first().and_then(|spec| crate::hosts::spec_url(spec.api));
    Hosts { default, ..Hosts::default() }
}

/// A relative path that stays inside its folder (no `..`, not absolute, not a URL).
fn safe_relative(path: &str) -> Option<PathBuf> {
    if path.contains("://") {
        return None;
    }
    let path = Path::new(path);
    let ok = path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_) | std::path::Component::CurDir));
    ok.then(|| path.to_path_buf())
}

fn write(path: &Path, contents: &str) -> Result<(), NewError> {
    let fail = |source| NewError::Io { path: path.display().to_string(), source };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(fail)?;
    }
    std::fs::write(path, contents).map_err(fail)
}

/// (own `[workspace]`, add as member): a workspace Cargo.toml that does not exclude the
/// connector gets it as a member; otherwise the connector builds on its own.
fn workspace_mode(workspace: &Path, relative_dir: &Path) -> (bool, bool) {
    let Ok(text) = std::fs::read_to_string(workspace.join("Cargo.toml")) else {
        return (true, false);
    };
    let Ok(value) = text.parse::<toml::Table>() else {
        return (true, false);
    };
    let Some(ws) = value.get("workspace").and_then(toml::Value::as_table) else {
        return (true, false);
    };
    let relative = relative_dir.to_string_lossy().replace('\\', "/");
    let excluded = ws.get("exclude").and_then(toml::Value::as_array).is_some_and(|list| {
        list.iter().filter_map(toml::Value::as_str).any(|e| {
            let e = e.trim_end_matches('/');
            relative == e || relative.starts_with(&format!("{e}/"))
        })
    });
    if excluded { (true, false) } else { (false, true) }
}

/// Adds `relative_dir` to `[workspace] members` (textual edit keeping the file's layout).
/// Returns false when a glob already covers it.
fn add_workspace_member(workspace: &Path, relative_dir: &Path) -> Result<bool, NewError> {
    let path = workspace.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|source| NewError::Io { path: path.display().to_string(), source })?;
    let member = relative_dir.to_string_lossy().replace('\\', "/");
    let table: toml::Table = text
        .parse()
        .map_err(|err: toml::de::Error| NewError::Usage(format!("{}: {err}", path.display())))?;
    let members: Vec<String> = table
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .map(|a| a.iter().filter_map(toml::Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let parent = member.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    if members.iter().any(|m| m == &member || m == &format!("{parent}/*")) {
        return Ok(false);
    }
    let quoted = format!("\"{member}\"");
    let updated = match text.find("members") {
        Some(start) if text[start..].contains('[') => {
            let open = start + text[start..].find('[').unwrap_or(0);
            let close = open + text[open..].find(']').unwrap_or(0);
            let inside = text[open + 1..close].trim_end();
            let separator = if inside.trim().is_empty() {
                ""
            } else if inside.ends_with(',') {
                " "
            } else {
                ", "
            };
            format!("{}{}{separator}{quoted}{}", &text[..open + 1], inside, &text[close..])
        }
        _ => text.replacen("[workspace]", &format!("[workspace]\nmembers = [{quoted}]"), 1),
    };
    std::fs::write(&path, updated)
        .map_err(|source| NewError::Io { path: path.display().to_string(), source })?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_spec_paths_are_not_copied() {
        assert!(safe_relative("../x.json").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("https://x/y.json").is_none());
        assert_eq!(safe_relative("schemas/pet.yaml"), Some(PathBuf::from("schemas/pet.yaml")));
    }

    #[test]
    fn members_are_added_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nmembers = [\"a\"]\n").unwrap();
        assert_eq!(workspace_mode(dir.path(), Path::new("connectors/x")), (false, true));
        assert!(add_workspace_member(dir.path(), Path::new("connectors/x")).unwrap());
        let text = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert_eq!(text, "[workspace]\nmembers = [\"a\", \"connectors/x\"]\n");
        assert!(!add_workspace_member(dir.path(), Path::new("connectors/x")).unwrap());
        std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nexclude = [\"connectors\"]\n")
            .unwrap();
        assert_eq!(workspace_mode(dir.path(), Path::new("connectors/x")), (true, false));
    }
}
