//! `connkit init [--dir WORKSPACE]`: a connector workspace (Cargo workspace over
//! `connectors/*`, `.gitignore`, `CONNECTOR_AGENTS.md`, the workspace AGENTS.md and SKILL.md,
//! `plan/specs/integrations/`). Idempotent: files the user changed are left alone, and said so.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use connkit_gen::workspace::{FileAction, InitOutcome, init_workspace};

use super::analyze::Format;
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The workspace root (created when missing).
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// Output format: a summary on stderr, or one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `connkit init`.
pub(crate) fn run(args: InitArgs) -> Result<ExitStatus, CommandError> {
    let outcome = initialise(&args.dir)?;
    match args.format {
        Format::Text => {
            eprintln!("connector workspace in {}", args.dir.display());
            report(&outcome);
            eprintln!(
                "next: `connkit analyze SPEC` (research first), then `connkit new SYSTEM --spec SPEC`; AGENTS.md explains the workflow"
            );
        }
        Format::Json => {
            let files: Vec<serde_json::Value> = outcome
                .files
                .iter()
                .map(|f| {
                    let (action, reason) = match &f.action {
                        FileAction::Written => ("written", None),
                        FileAction::Unchanged => ("unchanged", None),
                        FileAction::LeftAlone(reason) => ("left_alone", Some(reason.as_str())),
                    };
                    serde_json::json!({
                        "path": f.path.to_string_lossy().replace('\\', "/"),
                        "action": action,
                        "reason": reason,
                    })
                })
                .collect();
            let document = serde_json::json!({
                "workspace": args.dir.display().to_string(),
                "files": files,
                "next_steps": [
                    "connkit analyze SPEC",
                    "connkit new SYSTEM --spec SPEC",
                ],
            });
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &document)
                .map_err(std::io::Error::from)
                .and_then(|()| writeln!(out))
                .map_err(|err| CommandError::failure(miette::miette!("cannot write: {err}")))?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Sets up the workspace at `dir`, mapping failures to exit statuses.
pub(crate) fn initialise(dir: &Path) -> Result<InitOutcome, CommandError> {
    init_workspace(dir).map_err(|err| {
        CommandError::failure(miette::miette!(
            help = "check that the directory is writable",
            "cannot set up the workspace: {err}"
        ))
    })
}

/// One line per file written or left alone, on stderr.
pub(crate) fn report(outcome: &InitOutcome) {
    for path in outcome.written() {
        eprintln!("  wrote {}", path.display());
    }
    for (path, reason) in outcome.left_alone() {
        eprintln!("  left {} alone: {reason}", path.display());
    }
}
