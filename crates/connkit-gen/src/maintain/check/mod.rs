//! `connkit check`: the guideline's rules as lints over one connector, each finding with a
//! stable rule id, a file and a line.
//!
//! | rule | severity | what |
//! |---|---|---|
//! | `hardcoded-url` | error | a URL literal outside the settings (config.rs) |
//! | `hardcoded-credential` | error | a token-shaped literal, or a secret-looking literal bound to a key/token/secret/password name, outside the settings |
//! | `auth-outside-client` | error | services or gateway set auth headers, call a request builder's `bearer_auth`/`basic_auth`, `.expose()` secrets, use `connkit::auth` strategies or an OAuth2 crate, or build a token request (`grant_type`) |
//! | `backoff-outside-client` | error | services or gateway sleep (std, tokio, async runtimes), use `connkit::retry` or a retry/backoff crate |
//! | `service-too-long` | error | a file under `src/services/` of 300 lines of code or more, module declarations and re-exports not counted (reported at its 300th line of code) |
//! | `missing-doc-file` | error | AGENTS.md, SKILL.md or `.env.example` missing |
//! | `missing-spec` | error | a spec of connector.toml missing, or no spec in `openapi/` |
//! | `missing-plan` | error | `plan/specs/integrations/{system}.md` missing |
//! | `skill-out-of-date` | error | SKILL.md's generated part misses a public method (at the start marker) or lists a gone one (at its line) |
//! | `env-example-out-of-date` | error | a variable the settings read is not in `.env.example`, or one there is not read (at its line) |
//! | `env-outside-settings` | error | `std::env::var`, `dotenvy`, `EnvSource`, `env!`/`option_env!` (but `CARGO_*`) outside config.rs |
//! | `unparsable-source` | error | a Rust file that does not parse |
//! | `unreadable-spec` | error | a spec that does not load (the tier rule cannot run) |
//! | `lite-should-be-full` | warning | a lite connector the decision table now puts in full |
//! | `orphaned-edits` | error | a `*.connkit-orphan` backup `connkit sync` left: hand edits it could not place, outside the build |
//! | `conflict-markers` | error | a file still holding the conflict markers of a `connkit sync` |
//! | `invalid-manifest` | error | a `connector.toml` that does not read (the rest of the workspace is still checked) |
//!
//! [`Rule::checks`] and [`Rule::fix`] say the same for `connkit check --list-rules` and
//! `docs/check-rules.md`.
//!
//! Test-only code (`#[cfg(test)]`, `#[test]`) and doc comments are not checked. The code rules
//! look at what code does, never at names: paths are resolved through the file's `use` items,
//! and the connector's own modules, types and methods (an `auth` entity, a `retry` operation)
//! never count as auth or backoff.

mod code;
mod docs_rules;
mod files;

use std::path::Path;

pub use files::SERVICE_LINE_LIMIT;

use crate::maintain::api::read_public_api;
use crate::maintain::docs::read_sources;
use crate::maintain::source::parse;
use crate::maintain::{ConnectorDir, Finding, Layer, MaintainError, Rule};
use crate::manifest::{MANIFEST_FILE, Tier};

/// What the caller learnt from the connector's specs for the tier rule (loading specs needs
/// the network layer of `connkit-spec`, which the caller drives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecAnalysis {
    /// Not analysed (a full connector, or the caller chose not to).
    Skipped,
    /// A spec did not load.
    Unreadable {
        /// The spec file, relative to the connector.
        file: String,
        /// Why.
        message: String,
    },
    /// The decision table's verdict on the specs as they are now.
    Analyzed {
        /// The tier the table gives.
        tier: connkit_spec::Tier,
        /// Its reasons.
        reasons: Vec<String>,
    },
}

/// Runs every rule on `connector`; findings sorted by file, line and rule.
///
/// # Errors
///
/// [`MaintainError::Io`] when a file exists but cannot be read.
pub fn check_connector(
    connector: &ConnectorDir,
    specs: &SpecAnalysis,
) -> Result<Vec<Finding>, MaintainError> {
    let mut out = Vec::new();
    files::check_files(connector, &mut out);
    files::check_orphans(connector, &mut out)?;
    let sources = read_sources(connector)?;
    let mut config = None;
    for (relative, text) in &sources {
        files::check_length(connector, relative, text, &mut out)?;
        if let Some(line) = conflict_marker_line(text) {
            // The markers are why it does not parse: say that, not "does not parse".
            out.push(conflict_finding(connector, relative, line));
            continue;
        }
        match parse(text) {
            Ok(file) => {
                for found in code::check_code(&file, Layer::of(relative)) {
                    out.push(Finding::new(
                        found.rule,
                        connector.shown(relative),
                        Some(found.line),
                        found.message,
                        found
                            .hint
                            .replace("{PREFIX}", connector.manifest.prefix.trim_end_matches('_')),
                    ));
                }
                if relative == Path::new("src/config.rs") {
                    config = Some(file);
                }
            }
            Err((line, message)) => out.push(Finding::new(
                Rule::UnparsableSource,
                connector.shown(relative),
                Some(line),
                format!("does not parse: {message}"),
                "fix the syntax error (check cannot read the rest of this file)",
            )),
        }
    }
    for doc in ["AGENTS.md", "SKILL.md", ".env.example", "Cargo.toml"] {
        if let Some(text) = connector.read(Path::new(doc))?
            && let Some(line) = conflict_marker_line(&text)
        {
            out.push(conflict_finding(connector, Path::new(doc), line));
        }
    }
    if let Some(skill) = connector.read(Path::new("SKILL.md"))? {
        let api = read_public_api(&sources);
        docs_rules::check_skill(connector, &skill, &api, &mut out);
    }
    if let (Some(config), Some(example)) = (&config, connector.read(Path::new(".env.example"))?) {
        docs_rules::check_env_example(connector, config, &example, &mut out);
    }
    tier_rule(connector, specs, &mut out)?;
    out.sort_by(|a, b| (&a.file, a.line, a.rule).cmp(&(&b.file, b.line, b.rule)));
    out.dedup();
    Ok(out)
}

/// The line (1-based) of the first `<<<<<<< ` marker of a conflict block that `connkit sync`
/// left, if `text` has one.
fn conflict_marker_line(text: &str) -> Option<usize> {
    if !crate::maintain::merge::has_conflict_markers(text) {
        return None;
    }
    text.lines().position(|line| line.starts_with("<<<<<<< ")).map(|index| index + 1)
}

fn conflict_finding(connector: &ConnectorDir, relative: &Path, line: usize) -> Finding {
    Finding::new(
        Rule::ConflictMarkers,
        connector.shown(relative),
        Some(line),
        "unresolved conflict markers of `connkit sync`",
        format!(
            "resolve each <<<<<<< / ======= / >>>>>>> block (yours first, the new generation last), then run `connkit sync {}` again",
            connector.system
        ),
    )
}

/// The finding for a connector whose `connector.toml` does not read: the connector's other
/// rules cannot run, the rest of the workspace is still checked.
pub fn invalid_manifest_finding(
    workspace: &Path,
    system: &str,
    error: &crate::manifest::ManifestError,
) -> Finding {
    let file = Path::new("connectors").join(system).join(MANIFEST_FILE);
    let text = std::fs::read_to_string(workspace.join(&file)).unwrap_or_default();
    let (line, message) = match conflict_marker_line(&text) {
        Some(line) => (Some(line), "unresolved conflict markers: it does not read".to_string()),
        None => (line_in_message(&error.to_string()), format!("does not read: {error}")),
    };
    Finding::new(
        Rule::InvalidManifest,
        file.to_string_lossy().replace('\\', "/"),
        line,
        message,
        "fix it (docs/connector-toml.md lists every key); the connector's other rules run once it reads",
    )
}

/// The line number a TOML parser message names (`... at line 4, column 1`).
fn line_in_message(message: &str) -> Option<usize> {
    let at = message.find("line ")? + "line ".len();
    let digits: String = message[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn tier_rule(
    connector: &ConnectorDir,
    specs: &SpecAnalysis,
    out: &mut Vec<Finding>,
) -> Result<(), MaintainError> {
    if connector.manifest.tier != Tier::Lite {
        return Ok(());
    }
    match specs {
        SpecAnalysis::Skipped => {}
        SpecAnalysis::Unreadable { file, message } => out.push(Finding::new(
            Rule::UnreadableSpec,
            connector.shown(Path::new(file)),
            None,
            format!("the spec does not load: {message}"),
            "fix or replace it (`connkit sync --spec PATH_OR_URL`)",
        )),
        SpecAnalysis::Analyzed { tier: connkit_spec::Tier::Full, reasons } => {
            let manifest = connector.read(Path::new(MANIFEST_FILE))?.unwrap_or_default();
            let line = manifest
                .lines()
                .position(|l| {
                    l.trim_start().starts_with("tier ") || l.trim_start().starts_with("tier=")
                })
                .map(|i| i + 1);
            out.push(Finding::new(
                Rule::LiteShouldBeFull,
                connector.shown(Path::new(MANIFEST_FILE)),
                line,
                format!(
                    "this lite connector is now full by the decision table: {}",
                    if reasons.is_empty() {
                        "see `connkit analyze`".to_string()
                    } else {
                        reasons.join("; ")
                    }
                ),
                format!(
                    "run `connkit upgrade {}` (hand-written code moves along)",
                    connector.system
                ),
            ));
        }
        SpecAnalysis::Analyzed { .. } => {}
    }
    Ok(())
}
