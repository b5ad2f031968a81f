//! One module per subcommand; each exposes `run(args) -> Result<ExitStatus, CommandError>`.

pub mod analyze;

use clap::Subcommand;

use crate::exit::{CommandError, ExitStatus};

/// The subcommands of `connkit`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure specs against the decision table: signals, tier and reasons, auth, pagination,
    /// rate limits, diagnostics.
    Analyze(analyze::AnalyzeArgs),
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<ExitStatus, CommandError> {
    match command {
        Command::Analyze(args) => analyze::run(args),
    }
}
