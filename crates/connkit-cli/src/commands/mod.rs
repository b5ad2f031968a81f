//! One module per subcommand; each exposes `run(args) -> Result<ExitStatus, CommandError>`.

pub(crate) mod analyze;
pub(crate) mod call;
pub(crate) mod check;
mod degraded;
pub(crate) mod docs;
pub(crate) mod init;
mod loading;
pub(crate) mod new;
mod new_report;
pub(crate) mod output;
mod spec_paths;
pub(crate) mod sync;
pub(crate) mod upgrade;

use clap::Subcommand;

use crate::exit::{CommandError, ExitStatus};

/// The subcommands of `connkit`.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Measure specs against the decision table: signals, tier and reasons, auth, pagination,
    /// rate limits, diagnostics.
    Analyze(analyze::AnalyzeArgs),
    /// Call the live API from the connector's spec and manifest, with the runtime's auth,
    /// retries, rate limits and pagination; JSON to stdout (NDJSON items with `--all`).
    Call(call::CallArgs),
    /// The guideline's rules as lints, with file:line; exit 1 on violations (`--format json`).
    Check(check::CheckArgs),
    /// Rewrite SKILL.md's generated part from the connector's public methods.
    Docs(docs::DocsArgs),
    /// Set up a connector workspace: a Cargo workspace over `connectors/*`, `.gitignore`,
    /// `CONNECTOR_AGENTS.md` (the template of every connector's AGENTS.md), the workspace
    /// AGENTS.md and SKILL.md, `plan/specs/integrations/`. Never overwrites your changes.
    Init(init::InitArgs),
    /// Create a connector: specs into `openapi/`, the plan spec, `connector.toml`, then the
    /// crate in the guideline's layout (lite or full).
    New(new::NewArgs),
    /// Regenerate after the spec or connector.toml changed, keeping hand edits (three-way
    /// merge against `.connkit/`; conflicts get git-style markers and exit 1).
    Sync(sync::SyncArgs),
    /// Move a lite connector to the full tier; hand-written code in the lite files moves along.
    Upgrade(upgrade::UpgradeArgs),
}

impl Command {
    /// Whether the command was asked for `--format json`: its errors are then JSON objects
    /// on stdout as well.
    pub(crate) fn wants_json(&self) -> bool {
        use output::Format::Json;
        match self {
            Command::Analyze(args) => args.format == Json,
            Command::Call(args) => args.format == Json,
            Command::Check(args) => args.format == check::CheckFormat::Json,
            Command::Docs(args) => args.format == Json,
            Command::Init(args) => args.format == Json,
            Command::New(args) => args.format == new::NewFormat::Json,
            Command::Sync(args) => args.format == Json,
            Command::Upgrade(args) => args.format == Json,
        }
    }
}

/// Runs one subcommand.
pub(crate) fn run(command: Command) -> Result<ExitStatus, CommandError> {
    match command {
        Command::Analyze(args) => analyze::run(args),
        Command::Call(args) => call::run(args),
        Command::Check(args) => check::run(args),
        Command::Docs(args) => docs::run(args),
        Command::Init(args) => init::run(args),
        Command::New(args) => new::run(args),
        Command::Sync(args) => sync::run(args),
        Command::Upgrade(args) => upgrade::run(args),
    }
}
