//! `connkit upgrade SYSTEM`: a lite connector becomes full; hand-written code in the lite
//! `client.rs` moves along (orchestration to `gateway.rs`, plumbing stays in `client.rs`);
//! connector.toml records the new tier.

use std::path::{Path, PathBuf};

use clap::Args;
use connkit_gen::maintain::upgrade::upgrade;

use super::check::{load_manifest_specs, maintain_error, open};
use super::output::{Format, print_json};
use super::sync::{finish, print_report, report_document};
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit upgrade`.
#[derive(Debug, Args)]
pub(crate) struct UpgradeArgs {
    /// The lite connector to upgrade.
    #[arg(value_name = "SYSTEM")]
    pub system: String,
    /// The workspace root.
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// Output format: what changed on stderr, or one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `connkit upgrade`.
pub(crate) fn run(args: UpgradeArgs) -> Result<ExitStatus, CommandError> {
    let connector = open(&args.dir, &args.system)?;
    let specs = load_manifest_specs(&connector).map_err(|(file, message)| {
        CommandError::usage(miette::miette!(
            help = "fix the spec or replace it with `connkit sync --spec PATH_OR_URL`",
            "cannot load `{}`: {message}",
            connector.shown(Path::new(&file))
        ))
        .with_code("spec_unreadable")
    })?;
    let mut report =
        upgrade(&connector, &specs, env!("CARGO_PKG_VERSION")).map_err(maintain_error)?;
    report.sync.plan = Some(
        connkit_gen::maintain::plan_sync::sync_plan(&connector, &report.plan)
            .map_err(maintain_error)?,
    );
    if args.format == Format::Json {
        let mut document = report_document(&connector, &report.sync);
        document["tier"] = "full".into();
        document["carried_to_gateway"] = serde_json::json!(report.to_gateway);
        document["carried_to_client"] = serde_json::json!(report.to_client);
        document["backup"] =
            serde_json::json!(report.backup.as_ref().map(|backup| connector.shown(backup)));
        print_json(&document)?;
        let negative = report.sync.has_conflicts();
        return Ok(if negative { ExitStatus::Failure } else { ExitStatus::Success });
    }
    eprintln!("upgraded {} to the full tier", connector.system);
    for name in &report.to_gateway {
        eprintln!("  carried   `{name}` into src/gateway.rs");
    }
    for name in &report.to_client {
        eprintln!("  carried   `{name}` into src/client.rs");
    }
    if let Some(backup) = &report.backup {
        eprintln!(
            "  kept      {} (generated code of the lite client.rs had been edited; port those edits to services/)",
            connector.shown(backup)
        );
    }
    print_report(&connector, &report.sync);
    finish(&connector, &report.sync)
}
