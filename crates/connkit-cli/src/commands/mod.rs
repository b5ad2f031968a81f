//! One module per subcommand; each exposes `run(args) -> Result<ExitStatus, CommandError>`.

use clap::Subcommand;

use crate::exit::{CommandError, ExitStatus};

/// The subcommands of `connkit`.
#[derive(Debug, Subcommand)]
pub enum Command {}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<ExitStatus, CommandError> {
    match command {}
}
