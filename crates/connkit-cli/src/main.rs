//! `connkit`: build and extend API connectors from OpenAPI specs.

mod commands;
mod exit;

use std::process::ExitCode;

use clap::Parser;

/// Build and extend connectors to external HTTP APIs from their OpenAPI specs.
#[derive(Debug, Parser)]
#[command(name = "connkit", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let code =
                if err.use_stderr() { exit::ExitStatus::Usage } else { exit::ExitStatus::Success };
            // Printing help or a usage error; a closed pipe is not worth reporting.
            let _ = err.print();
            return code.into();
        }
    };
    let output =
        if cli.command.wants_json() { exit::ErrorOutput::Json } else { exit::ErrorOutput::Text };
    exit::finish(commands::run(cli.command), output)
}
