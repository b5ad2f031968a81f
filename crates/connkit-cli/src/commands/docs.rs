//! `connkit docs SYSTEM`: rewrites SKILL.md's generated part from the connector's public API
//! (client, services and gateway methods, hand-written ones included); the text outside the
//! markers is kept.

use std::path::PathBuf;

use clap::Args;
use connkit_gen::maintain::docs::update_skill;

use super::check::{maintain_error, open};
use super::output::{Format, print_json};
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit docs`.
#[derive(Debug, Args)]
pub(crate) struct DocsArgs {
    /// The connector whose SKILL.md to rewrite.
    #[arg(value_name = "SYSTEM")]
    pub system: String,
    /// The workspace root.
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// Output format: a line on stderr, or one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `connkit docs`.
pub(crate) fn run(args: DocsArgs) -> Result<ExitStatus, CommandError> {
    let connector = open(&args.dir, &args.system)?;
    let outcome = update_skill(&connector).map_err(maintain_error)?;
    if args.format == Format::Json {
        print_json(&serde_json::json!({
            "system": connector.system.as_str(),
            "skill": connector.shown(std::path::Path::new("SKILL.md")),
            "changed": outcome.changed,
            "methods": outcome.methods,
            "next_steps": [format!("run `connkit check {}`", connector.system)],
        }))?;
        return Ok(ExitStatus::Success);
    }
    eprintln!(
        "{} ({} method(s))",
        if outcome.changed {
            "rewrote SKILL.md's generated part"
        } else {
            "SKILL.md is up to date"
        },
        outcome.methods
    );
    Ok(ExitStatus::Success)
}
