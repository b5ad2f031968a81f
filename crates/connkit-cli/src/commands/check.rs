//! `connkit check [SYSTEM] [--format text|json]`: the guideline's rules as lints over one
//! connector or every connector of the workspace. Exit 0 when clean (warnings allowed), 1 on
//! error findings, 2 on usage or input errors.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use connkit_gen::maintain::check::{SpecAnalysis, check_connector, invalid_manifest_finding};
use connkit_gen::maintain::{
    ConnectorDir, Finding, MaintainError, Rule, Severity, discover_connectors,
};
use connkit_gen::manifest::Tier;
use connkit_spec::LoadedSpec;

use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The connector to check; every connector of the workspace when left out.
    #[arg(value_name = "SYSTEM")]
    pub system: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// The workspace root.
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// List every rule (id, severity, what it checks, how to fix it) instead of checking.
    #[arg(long, conflicts_with = "system")]
    pub list_rules: bool,
}

/// Output formats of `connkit check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CheckFormat {
    /// `file:line: severity[rule]: message` and a hint per finding, then a summary.
    Text,
    /// `{"connectors": [...], "findings": [{rule, severity, file, line, message, hint}], "errors": n, "warnings": n}`.
    Json,
}

/// Maps a maintenance error to the CLI's exit statuses: unknown connectors, bad names and
/// unreadable manifests are input errors (2); I/O failures on the way are failures (1).
pub(crate) fn maintain_error(err: MaintainError) -> CommandError {
    let code = match &err {
        MaintainError::InvalidSystem(_) => "invalid_system",
        MaintainError::NotFound { .. } => "unknown_connector",
        MaintainError::Manifest(_) => "invalid_manifest",
        MaintainError::Io { .. } => "io",
        MaintainError::Generate(connkit_gen::GenerateError::Template { .. }) => "template",
        MaintainError::Generate(_) => "internal",
        _ => "usage",
    };
    match err {
        MaintainError::Io { .. }
        | MaintainError::Generate(connkit_gen::GenerateError::Internal { .. }) => {
            CommandError::failure(miette::miette!("{err}")).with_code(code)
        }
        other => CommandError::usage(miette::miette!("{other}")).with_code(code),
    }
}

/// Opens the connector `system` of `dir`.
pub(crate) fn open(dir: &std::path::Path, system: &str) -> Result<ConnectorDir, CommandError> {
    ConnectorDir::open(dir, system).map_err(maintain_error)
}

/// Loads the specs recorded in the connector's manifest, in order. The error names the spec
/// file (relative to the connector) and why it did not load.
pub(crate) fn load_manifest_specs(
    connector: &ConnectorDir,
) -> Result<Vec<LoadedSpec>, (String, String)> {
    let runtime =
        super::loading::runtime().map_err(|err| (String::new(), format!("{:?}", err.report)))?;
    let loader = super::loading::loader();
    let mut out = Vec::new();
    for entry in &connector.manifest.specs {
        let path = connector.dir.join(&entry.file);
        let loaded = runtime
            .block_on(loader.load(&path.display().to_string()))
            .map_err(|err| (entry.file.clone(), err.to_string()))?;
        out.push(loaded);
    }
    Ok(out)
}

fn analysis_for(connector: &ConnectorDir) -> SpecAnalysis {
    if connector.manifest.tier != Tier::Lite
        || connector.manifest.specs.is_empty()
        || connector.manifest.specs.iter().any(|s| !connector.dir.join(&s.file).is_file())
    {
        // Full connectors have nothing to upgrade; missing specs are reported by `missing-spec`.
        return SpecAnalysis::Skipped;
    }
    match load_manifest_specs(connector) {
        Ok(specs) => {
            let analysis = connkit_spec::analyze(&specs);
            SpecAnalysis::Analyzed { tier: analysis.tier, reasons: analysis.reasons.clone() }
        }
        Err((file, message)) => SpecAnalysis::Unreadable { file, message },
    }
}

/// `--list-rules`: every rule with its severity, what it checks and how to fix it.
fn list_rules(format: CheckFormat) -> Result<ExitStatus, CommandError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match format {
        CheckFormat::Json => {
            let rules: Vec<serde_json::Value> = Rule::ALL
                .iter()
                .map(|rule| {
                    serde_json::json!({
                        "rule": rule.id(),
                        "severity": rule.severity().as_str(),
                        "checks": rule.checks(),
                        "fix": rule.fix(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "rules": rules }))
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        CheckFormat::Text => Rule::ALL.iter().try_for_each(|rule| {
            writeln!(
                out,
                "{} ({})\n  checks: {}\n  fix:    {}",
                rule.id(),
                rule.severity().as_str(),
                rule.checks(),
                rule.fix()
            )
        }),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitStatus::Success),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitStatus::Success),
        Err(err) => Err(CommandError::failure(miette::miette!("cannot write the rules: {err}"))),
    }
}

/// Runs `connkit check`.
pub(crate) fn run(args: CheckArgs) -> Result<ExitStatus, CommandError> {
    if args.list_rules {
        return list_rules(args.format);
    }
    let systems = match &args.system {
        Some(system) => vec![system.clone()],
        None => {
            let found = discover_connectors(&args.dir).map_err(maintain_error)?;
            if found.is_empty() {
                return Err(CommandError::usage(miette::miette!(
                    help = "run it from the workspace root, pass `--dir WORKSPACE`, or create one with `connkit new`",
                    "no connectors in `{}` (nothing under connectors/*/connector.toml)",
                    args.dir.display()
                )));
            }
            found
        }
    };
    let mut connectors = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    for system in &systems {
        // One connector.toml that does not read is a finding: the others are still checked.
        match ConnectorDir::open(&args.dir, system) {
            Ok(connector) => connectors.push(connector),
            Err(MaintainError::Manifest(error)) => {
                findings.push(invalid_manifest_finding(&args.dir, system, &error));
            }
            Err(other) => return Err(maintain_error(other)),
        }
    }
    for connector in &connectors {
        let specs = analysis_for(connector);
        findings.extend(check_connector(connector, &specs).map_err(maintain_error)?);
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        CheckFormat::Json => {
            let report = serde_json::json!({
                "connectors": systems,
                "findings": findings,
                "errors": errors,
                "warnings": warnings,
            });
            serde_json::to_writer_pretty(&mut out, &report)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
        }
        CheckFormat::Text => {
            let mut result = Ok(());
            for finding in &findings {
                result = result.and_then(|()| writeln!(out, "{finding}"));
            }
            result.and_then(|()| {
                writeln!(
                    out,
                    "{errors} error(s), {warnings} warning(s) in {} connector(s)",
                    systems.len()
                )
            })
        }
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(err) => {
            return Err(CommandError::failure(miette::miette!("cannot write the report: {err}")));
        }
    }
    Ok(if errors > 0 { ExitStatus::Failure } else { ExitStatus::Success })
}
