//! The research plan, `plan/specs/integrations/{system}.md`: written by `connkit new` before
//! the code and refreshed by `connkit sync` (new operations appear, hand notes are kept by a
//! three-way merge). It is rendered from the IR the connector was generated from, so plan,
//! AGENTS.md and the code agree.

use std::path::Path;

use connkit_spec::SpecFile;
use connkit_spec::analyze::Analysis;
use connkit_spec::model::Api;

use crate::docs::{PlanFacts, plan_md};
use crate::emit::Context;
use crate::manifest::{AuthKind, Manifest};
use crate::naming::SystemName;
use crate::{GenerateError, GeneratedConnector};

/// One spec of the connector, as the plan reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlanSpec<'a> {
    /// The normalised API.
    pub api: &'a Api,
    /// Every file read (root first), to locate diagnostics in the connector's copy.
    pub files: &'a [SpecFile],
}

/// What the plan is rendered from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlanInput<'a> {
    /// The system.
    pub system: &'a SystemName,
    /// The connector's manifest.
    pub manifest: &'a Manifest,
    /// The connector as generated (its IR and hosts).
    pub generated: &'a GeneratedConnector,
    /// The specs, in manifest order.
    pub specs: &'a [PlanSpec<'a>],
    /// Their analysis.
    pub analysis: &'a Analysis,
    /// The connkit version writing the plan.
    pub connkit_version: &'a str,
}

/// The plan's text.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the template fails (a generator bug).
pub(crate) fn plan_text(input: &PlanInput<'_>) -> Result<String, GenerateError> {
    let manifest = input.manifest;
    let irs = &input.generated.specs;
    let cx = Context {
        system: input.system,
        manifest,
        specs: irs,
        hosts: &input.generated.hosts,
        connkit_version: input.connkit_version,
    };
    let mut questions: Vec<String> = plan_diagnostics(input);
    if manifest.auth.kind == AuthKind::None && input.analysis.auth.is_empty() {
        questions.push("The spec declares no authentication: confirm with the API's documentation (use `--auth`).".to_string());
    }
    if manifest.hosts.default.is_none() && manifest.hosts.regions.is_empty() {
        questions.push(format!(
            "No absolute server URL in the spec: set `{}BASE_URL`.",
            manifest.prefix
        ));
    }
    questions.extend(pagination_questions(irs));
    let (unstreamed, unquantified) = analysis_beyond_the_connector(input.analysis, irs);
    let apis: Vec<&Api> = input.specs.iter().map(|s| s.api).collect();
    let auth = crate::auth_choice::decide(input.analysis, &apis, &manifest.auth);
    questions.extend(auth.notes.iter().cloned());
    let facts = PlanFacts {
        auth_options: auth
            .options
            .iter()
            .map(|o| {
                format!(
                    "`{}` ({}){}",
                    o.flag,
                    o.schemes.join(", "),
                    if o.chosen { ": the connector uses it" } else { "" }
                )
            })
            .collect(),
        reasons: manifest.tier_reasons.clone(),
        schemes: input.analysis.auth.iter().map(|a| a.kind_name().to_string()).collect(),
        questions,
        unstreamed,
        unquantified,
    };
    plan_md(&cx, &facts)
}

/// The open questions about pagination: every descriptor that is still a guess.
fn pagination_questions(irs: &[crate::ir::SpecIr]) -> Vec<String> {
    irs.iter()
        .flat_map(|spec| spec.operations())
        .filter_map(|op| {
            let pagination = op.pagination.as_ref()?;
            let why = pagination.guessed.as_ref()?;
            Some(format!(
                "Pagination of `{}` is a guess ({why}): check `[operations.\"{}\".pagination]` \
                 in connector.toml against the API's documentation, then delete its \
                 `pagination_guessed` (or set `paginated = false`).",
                op.qualified_id, op.qualified_id
            ))
        })
        .collect()
}

/// What the analysis found that the connector does not carry out, so that the plan agrees
/// with the decision table's reasons: paginated operations without a stream (`id: why`), and
/// rate limits documented without numbers (`id` with the header).
fn analysis_beyond_the_connector(
    analysis: &Analysis,
    irs: &[crate::ir::SpecIr],
) -> (Vec<String>, Vec<String>) {
    let generated: std::collections::HashMap<&str, &crate::ir::OperationIr> = irs
        .iter()
        .flat_map(|spec| spec.operations())
        .map(|op| (op.qualified_id.as_str(), op))
        .collect();
    let mut unstreamed = Vec::new();
    let mut unquantified = Vec::new();
    for op in &analysis.operations {
        let ir = generated.get(op.id.as_str());
        if op.pagination.is_some()
            && let Some(ir) = ir.filter(|ir| ir.pagination.is_none())
        {
            let why = match &ir.pagination_dropped {
                Some(why) => why.as_str(),
                None => "connector.toml turns it off",
            };
            unstreamed.push(format!("{}`: {why}", op.id));
        }
        if let Some(limit) = &op.rate_limit
            && ir.is_some_and(|ir| ir.rate_limit.is_none())
        {
            unquantified.push(match &limit.header {
                Some(header) => format!("`{}` (response header `{header}`)", op.id),
                None => format!("`{}`", op.id),
            });
        }
    }
    (unstreamed, unquantified)
}

/// The first diagnostics of the analysis (errors first), each located in the connector's
/// copy of its spec (`openapi/…`), never by the path the spec was read from: the plan is
/// committed and read on other machines.
fn plan_diagnostics(input: &PlanInput<'_>) -> Vec<String> {
    const SHOWN: usize = 20;
    let manifest = input.manifest;
    let mut found: Vec<(usize, &connkit_spec::Diagnostic)> = input
        .analysis
        .diagnostics
        .iter()
        .map(|diagnostic| (diagnostic_spec(input.specs, diagnostic), diagnostic))
        .filter(|(index, _)| *index < input.specs.len())
        .collect();
    found.sort_by_key(|(_, d)| d.severity);
    let total = found.len();
    let mut out: Vec<String> = found
        .into_iter()
        .take(SHOWN)
        .map(|(index, diagnostic)| {
            let root = manifest.specs.get(index).map_or("openapi", |e| e.file.as_str());
            let mut shown = diagnostic.clone();
            shown.file = Some(located_file(root, diagnostic, input.specs[index].api));
            format!("{shown}")
        })
        .collect();
    if total > SHOWN {
        out.push(format!(
            "… and {} more diagnostic(s): `connkit analyze {}` lists them all.",
            total - SHOWN,
            manifest.specs.first().map_or("openapi/", |e| e.file.as_str())
        ));
    }
    out
}

/// The index of the spec a diagnostic of the analysis belongs to: the one whose root it
/// names (the analysis sets the root's source on root diagnostics), else the one that read a
/// file of that name.
fn diagnostic_spec(specs: &[PlanSpec<'_>], diagnostic: &connkit_spec::Diagnostic) -> usize {
    let Some(file) = diagnostic.file.as_deref() else { return 0 };
    specs
        .iter()
        .position(|spec| spec.api.source == file)
        .or_else(|| {
            specs.iter().position(|spec| spec.files.iter().any(|f| f.relative_path == file))
        })
        .unwrap_or(0)
}

/// The diagnostic's file as a path relative to the connector: the root as `root`, other
/// files beside it.
fn located_file(root: &str, diagnostic: &connkit_spec::Diagnostic, api: &Api) -> String {
    match diagnostic.file.as_deref() {
        None => root.to_string(),
        Some(file) if file == api.source => root.to_string(),
        Some(file) if file.contains("://") || Path::new(file).is_absolute() => Path::new(file)
            .file_name()
            .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned()),
        Some(file) => match root.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/{file}"),
            None => file.to_string(),
        },
    }
}
