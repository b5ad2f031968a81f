//! One module per subcommand; each exposes `run(args) -> Result<ExitStatus, CommandError>`.

pub mod analyze;
pub mod new;

use clap::Subcommand;

use crate::exit::{CommandError, ExitStatus};

/// The subcommands of `connkit`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure specs against the decision table: signals, tier and reasons, auth, pagination,
    /// rate limits, diagnostics.
    Analyze(analyze::AnalyzeArgs),
    /// Create a connector: specs into `openapi/`, the plan spec, `connector.toml`, then the
    /// crate in the guideline's layout (lite or full).
    New(new::NewArgs),
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<ExitStatus, CommandError> {
    match command {
        Command::Analyze(args) => analyze::run(args),
        Command::New(args) => new::run(args),
    }
}
