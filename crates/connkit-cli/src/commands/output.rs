//! `--format text|json`, shared by every command, and writing one JSON document on stdout.

use std::io::Write;

use clap::ValueEnum;
use serde_json::Value;

use crate::exit::CommandError;

/// Output formats of the commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A summary and tables, for people.
    Text,
    /// One JSON document on stdout, for tools (docs/cli-json.md).
    Json,
}

/// Writes `document` and a newline on stdout; a closed pipe is not an error.
///
/// # Errors
///
/// A failure (exit 1) when stdout cannot be written.
pub(crate) fn print_json(document: &Value) -> Result<(), CommandError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = serde_json::to_writer_pretty(&mut out, document)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(CommandError::failure(miette::miette!("cannot write the report: {err}"))),
    }
}
