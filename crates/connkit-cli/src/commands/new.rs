//! `connkit new SYSTEM --spec ...`: research first (specs into `openapi/`, the plan spec), the
//! manifest, then the connector crate.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use connkit_gen::manifest::{AuthKind, Tier};
use connkit_gen::naming::SystemName;
use connkit_gen::new::{NewError, NewRequest, NewSpec, Progress, TierChoice, create_connector};

use super::degraded::{self, DegradedReport, PaginationGuesses};
use super::new_report;
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit new`.
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The system name: lowercase letters, digits and single `-`s, starting with a letter and
    /// ending with a letter or digit (`amazon`, `my-api`).
    #[arg(value_name = "SYSTEM")]
    pub system: String,
    /// A spec file, a directory of specs (every .json/.yaml/.yml) or an http(s) URL. Repeat
    /// for several specs (one connector, one cargo feature per spec).
    #[arg(long = "spec", required = true, value_name = "PATH_OR_URL_OR_DIR")]
    pub specs: Vec<String>,
    /// The workspace root (the connector goes to `connectors/SYSTEM`).
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// The tier: the analysis' choice (`auto`), or forced.
    #[arg(long, value_enum, default_value_t = TierArg::Auto)]
    pub tier: TierArg,
    /// The auth kind, when the spec's is missing or wrong: none, api-key, bearer, basic,
    /// oauth2-client-credentials, oauth2-refresh-token (needs --token-url), or lwa (the
    /// Login-with-Amazon preset for the SP-API).
    #[arg(long, value_name = "KIND", value_parser = parse_auth)]
    pub auth: Option<AuthKind>,
    /// The OAuth2 token endpoint.
    #[arg(long, value_name = "URL")]
    pub token_url: Option<String>,
    /// A header to send the access token in instead of `Authorization: Bearer`.
    #[arg(long, value_name = "NAME")]
    pub token_header: Option<String>,
    /// Send this before the API key (`--key-prefix 'Bot '`); read from the spec's description
    /// when left out; `--key-prefix ''` sends none.
    #[arg(long, value_name = "PREFIX")]
    pub key_prefix: Option<String>,
    /// Depend on the runtime crate at this path instead of crates.io.
    #[arg(long, value_name = "PATH")]
    pub connkit_path: Option<PathBuf>,
    /// Output format: a summary on stderr (`text`), or one JSON document on stdout (`json`:
    /// files, operations, streams, degraded operations; errors as `{"error": {"code", …}}`).
    #[arg(long, value_enum, default_value_t = NewFormat::Text)]
    pub format: NewFormat,
    /// Fail (exit 2) when the spec has errors or operations would be degraded: nothing is
    /// written when the spec has errors.
    #[arg(long)]
    pub strict: bool,
}

/// Output formats of `connkit new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum NewFormat {
    /// What was created, on stderr.
    Text,
    /// One JSON document on stdout (see docs/cli-json.md).
    Json,
}

/// `--tier` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TierArg {
    /// The guideline's decision table.
    Auto,
    /// `config.rs`, `client.rs`, `lib.rs`.
    Lite,
    /// Services per entity, models, gateway.
    Full,
}

fn parse_auth(text: &str) -> Result<AuthKind, String> {
    text.parse::<AuthKind>().map_err(|err| err.to_string())
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn step(&self, message: &str) {
        self.0.set_message(message.to_string());
        self.0.tick();
    }
}

/// Runs `connkit new`: checks the target folder, loads and analyses the specs (nothing is
/// written when that fails), sets up the workspace if needed, creates the connector and
/// reports what it did.
pub(crate) fn run(args: NewArgs) -> Result<ExitStatus, CommandError> {
    let system = SystemName::parse(&args.system)
        .map_err(|err| CommandError::usage(miette::miette!("{err}")).with_code("invalid_system"))?;
    let connector_dir = args.dir.join("connectors").join(system.as_str());
    check_target(&system, &connector_dir)?;
    let locations = super::spec_paths::expand(&args.specs, &args.dir)
        .map_err(|err| err.with_code("spec_not_found"))?;
    let bar = progress_bar();
    bar.set_message(format!("loading {} spec(s)", locations.len()));
    let runtime = super::loading::runtime()?;
    let specs =
        super::loading::load_specs(&runtime, &locations, "fix the document or leave it out")?;
    bar.set_message("analysing");
    let analysis = connkit_spec::analyze(&specs);
    if args.strict {
        let given: Vec<String> =
            locations.iter().map(|l| degraded::shown_relative(l, &args.dir)).collect();
        let report = DegradedReport::collect(&specs, &analysis, &given, None);
        if report.has_errors() {
            bar.finish_and_clear();
            eprint!("{}", report.summary("`connkit analyze SPEC` lists every diagnostic"));
            return Err(strict_error(&report, "nothing was written"));
        }
    }
    let request = NewRequest {
        system: system.clone(),
        workspace: args.dir.clone(),
        specs: specs
            .iter()
            .zip(&locations)
            .map(|(spec, location)| NewSpec {
                api: &spec.api,
                files: &spec.files,
                source_url: (location.starts_with("http://") || location.starts_with("https://"))
                    .then(|| location.clone()),
            })
            .collect(),
        analysis: &analysis,
        tier: match args.tier {
            TierArg::Auto => TierChoice::Auto,
            TierArg::Lite => TierChoice::Exactly(Tier::Lite),
            TierArg::Full => TierChoice::Exactly(Tier::Full),
        },
        auth: args.auth,
        token_url: args.token_url.clone(),
        token_header: args.token_header.clone(),
        key_prefix: args.key_prefix.clone(),
        runtime_path: runtime_path(args.connkit_path.as_deref())?,
        connkit_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    // Only once the specs loaded (and passed --strict): a failed `new` leaves the folder as
    // it was.
    if !connkit_gen::workspace::is_workspace(&args.dir) {
        let initialised = super::init::initialise(&args.dir)?;
        bar.suspend(|| {
            eprintln!(
                "{} was not a connector workspace yet: set it up first (what `connkit init` does)",
                args.dir.display()
            );
            super::init::report(&initialised);
        });
    }
    let outcome = create_connector(&request, &Bar(bar.clone())).map_err(new_error)?;
    bar.finish_and_clear();
    report(&args, &system, &specs, &analysis, &outcome)
}

/// `connkit new` never writes over a connector, nor into a folder that holds other files.
fn check_target(system: &SystemName, connector_dir: &Path) -> Result<(), CommandError> {
    if connector_dir.join("connector.toml").is_file() {
        return Err(CommandError::usage(miette::miette!(
            help =
                format!("run `connkit sync {system}` to regenerate it, or remove the folder first"),
            "`{}` already exists; `connkit new` never overwrites a connector",
            connector_dir.display()
        ))
        .with_code("connector_exists"));
    }
    if connkit_gen::new::holds_files(connector_dir) {
        return Err(CommandError::usage(miette::miette!(
            help = format!(
                "move those files elsewhere (or remove the folder), or choose another system name; \
                 `connkit sync` only works on a folder that `connkit new` made"
            ),
            "`{}` holds files but no connector (no connector.toml); `connkit new` never writes over them",
            connector_dir.display()
        ))
        .with_code("folder_not_empty"));
    }
    Ok(())
}

/// A spinner on a terminal, nothing otherwise.
fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// The runtime crate the connector depends on by path: `--connkit-path`, else the checkout
/// this binary was built from when it is still there, else none (crates.io).
fn runtime_path(given: Option<&Path>) -> Result<Option<PathBuf>, CommandError> {
    if let Some(path) = given {
        return std::path::absolute(path).map(Some).map_err(|err| {
            CommandError::usage(miette::miette!(
                "invalid --connkit-path `{}`: {err}",
                path.display()
            ))
        });
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../connkit");
    Ok(built_from
        .join("Cargo.toml")
        .is_file()
        .then(|| built_from.canonicalize().unwrap_or(built_from)))
}

fn new_error(err: NewError) -> CommandError {
    match err {
        NewError::Exists(_) => {
            CommandError::usage(miette::miette!("{err}")).with_code("connector_exists")
        }
        NewError::Usage(_) => CommandError::usage(miette::miette!("{err}")),
        NewError::Generate(connkit_gen::GenerateError::Template { .. }) => {
            CommandError::usage(miette::miette!("{err}")).with_code("template")
        }
        NewError::Io { .. } => CommandError::failure(miette::miette!("{err}")).with_code("io"),
        other => CommandError::failure(miette::miette!("{other}")).with_code("internal"),
    }
}

/// Says what was created (text on stderr, or the JSON document on stdout), what is degraded
/// or guessed, and what to do next; `--strict` fails on degraded operations.
fn report(
    args: &NewArgs,
    system: &SystemName,
    specs: &[connkit_spec::LoadedSpec],
    analysis: &connkit_spec::Analysis,
    outcome: &connkit_gen::new::NewOutcome,
) -> Result<ExitStatus, CommandError> {
    let connector = format!("connectors/{system}");
    let roots: Vec<String> =
        outcome.manifest.specs.iter().map(|entry| format!("{connector}/{}", entry.file)).collect();
    let degraded = DegradedReport::collect(specs, analysis, &roots, Some(&outcome.specs));
    let guesses = PaginationGuesses::collect(&outcome.specs);
    let next_steps = vec![
        format!(
            "copy {connector}/.env.example to {connector}/.env and fill it in (read before the workspace's .env; the environment wins)"
        ),
        format!("run `cargo build` in {connector}"),
    ];
    match args.format {
        NewFormat::Json => {
            let document = new_report::document(&new_report::NewReportInput {
                system: system.as_str(),
                outcome,
                specs,
                degraded: &degraded,
                guesses: &guesses,
                next_steps: &next_steps,
            });
            println!("{document}");
        }
        NewFormat::Text => {
            let operations: usize = outcome.stats.iter().map(|s| s.operations_emitted).sum();
            eprintln!(
                "created {connector} ({} tier, {} operation(s), {} file(s)){}",
                outcome.manifest.tier.as_str(),
                operations,
                outcome.written.len(),
                if outcome.added_to_workspace { "; added to the workspace members" } else { "" }
            );
            if outcome.auth.needs_a_look() {
                eprintln!("auth: the connector uses `{}`", outcome.manifest.auth.kind.as_str());
                for note in &outcome.auth.notes {
                    eprintln!("  decide: {note}");
                }
            }
        }
    }
    eprint!(
        "{}",
        degraded.summary(&format!(
            "the plan (plan/specs/integrations/{system}.md) lists them under open questions"
        ))
    );
    eprint!("{}", guesses.summary());
    if let connkit_gen::FormatOutcome::Prettyplease(why) = &outcome.formatting {
        eprintln!(
            "note: the Rust files were not formatted by rustfmt ({why}); `cargo fmt` will reformat some lines"
        );
    }
    if args.format == NewFormat::Text {
        eprintln!("next: {}", next_steps.join(", then "));
    }
    if args.strict && degraded.has_errors() {
        return Err(strict_error(
            &degraded,
            "the connector was written; fix the spec and run `connkit sync`",
        ));
    }
    Ok(ExitStatus::Success)
}

/// The `--strict` error: exit 2, code `degraded`.
pub(crate) fn strict_error(report: &DegradedReport, what_happened: &str) -> CommandError {
    CommandError::usage(miette::miette!(
        help = "fix the spec (see the locations above), or run without --strict",
        "--strict: {} degraded operation(s), {} skipped, {} other error(s); {what_happened}",
        report.degraded.len(),
        report.skipped.len(),
        report.other_errors.len()
    ))
    .with_code("degraded")
}
