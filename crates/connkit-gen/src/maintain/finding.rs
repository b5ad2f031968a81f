//! One finding of `connkit check`: a rule with a stable id, where, what and what to do.

use serde::Serialize;

/// How bad a finding is: errors fail `connkit check` (exit 1), warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A violation of the guideline.
    Error,
    /// Advice (a lite connector the decision table now puts in full).
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The rules of `connkit check`. Their ids ([`Rule::id`]) are stable: scripts and CI filter
/// on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Rule {
    /// A URL literal outside the settings' defaults.
    HardcodedUrl,
    /// A credential-looking literal outside the settings' defaults.
    HardcodedCredential,
    /// Auth in services or the gateway: auth headers set, secrets exposed, token requests.
    AuthOutsideClient,
    /// Sleeping, retrying or backoff in services or the gateway.
    BackoffOutsideClient,
    /// A services file of 300 lines or more.
    ServiceTooLong,
    /// AGENTS.md, SKILL.md or `.env.example` is missing.
    MissingDocFile,
    /// No spec in `openapi/` (or a manifest spec file is missing).
    MissingSpec,
    /// No plan spec at `plan/specs/integrations/{system}.md`.
    MissingPlan,
    /// SKILL.md's generated part misses public methods or lists ones that are gone.
    SkillOutOfDate,
    /// `.env.example` misses settings variables or lists ones the settings do not read.
    EnvExampleOutOfDate,
    /// Configuration read from the environment outside the settings type.
    EnvOutsideSettings,
    /// A Rust file that does not parse (its other rules cannot run).
    UnparsableSource,
    /// A spec in `openapi/` that does not load (the tier rule cannot run).
    UnreadableSpec,
    /// A lite connector that the decision table now puts in full.
    LiteShouldBeFull,
    /// A `*.connkit-orphan` backup left by `connkit sync`: hand edits outside the build.
    OrphanedEdits,
    /// A file still holding the conflict markers of a `connkit sync`.
    ConflictMarkers,
    /// A `connector.toml` that does not read (the connector's other rules cannot run).
    InvalidManifest,
}

impl Rule {
    /// Every rule, in the order of the documentation.
    pub const ALL: [Rule; 17] = [
        Rule::HardcodedUrl,
        Rule::HardcodedCredential,
        Rule::AuthOutsideClient,
        Rule::BackoffOutsideClient,
        Rule::ServiceTooLong,
        Rule::MissingDocFile,
        Rule::MissingSpec,
        Rule::MissingPlan,
        Rule::SkillOutOfDate,
        Rule::EnvExampleOutOfDate,
        Rule::EnvOutsideSettings,
        Rule::UnparsableSource,
        Rule::UnreadableSpec,
        Rule::LiteShouldBeFull,
        Rule::OrphanedEdits,
        Rule::ConflictMarkers,
        Rule::InvalidManifest,
    ];

    /// The stable id (`hardcoded-url`).
    pub fn id(self) -> &'static str {
        match self {
            Rule::HardcodedUrl => "hardcoded-url",
            Rule::HardcodedCredential => "hardcoded-credential",
            Rule::AuthOutsideClient => "auth-outside-client",
            Rule::BackoffOutsideClient => "backoff-outside-client",
            Rule::ServiceTooLong => "service-too-long",
            Rule::MissingDocFile => "missing-doc-file",
            Rule::MissingSpec => "missing-spec",
            Rule::MissingPlan => "missing-plan",
            Rule::SkillOutOfDate => "skill-out-of-date",
            Rule::EnvExampleOutOfDate => "env-example-out-of-date",
            Rule::EnvOutsideSettings => "env-outside-settings",
            Rule::UnparsableSource => "unparsable-source",
            Rule::UnreadableSpec => "unreadable-spec",
            Rule::LiteShouldBeFull => "lite-should-be-full",
            Rule::OrphanedEdits => "orphaned-edits",
            Rule::ConflictMarkers => "conflict-markers",
            Rule::InvalidManifest => "invalid-manifest",
        }
    }

    /// What the rule checks, in one sentence (`connkit check --list-rules`,
    /// `docs/check-rules.md`).
    pub fn checks(self) -> &'static str {
        match self {
            Rule::HardcodedUrl => {
                "A URL literal (`http://`, `https://`) in code outside the settings' defaults in `src/config.rs`."
            }
            Rule::HardcodedCredential => {
                "A token-shaped literal, or a secret-looking literal bound to a key, token, secret or password name, outside the settings."
            }
            Rule::AuthOutsideClient => {
                "Services or the gateway doing auth: setting `Authorization` or the auth header, `bearer_auth`/`basic_auth`, exposing secrets, building `connkit::auth` strategies, requesting tokens."
            }
            Rule::BackoffOutsideClient => {
                "Services or the gateway sleeping, retrying in a loop or building backoff: the client layer (the runtime) does it."
            }
            Rule::ServiceTooLong => {
                "A file under `src/services/` of 300 lines or more (the guideline's limit)."
            }
            Rule::MissingDocFile => "AGENTS.md, SKILL.md or `.env.example` missing.",
            Rule::MissingSpec => {
                "A spec listed in `connector.toml` missing, or no spec in `openapi/`."
            }
            Rule::MissingPlan => "No research plan at `plan/specs/integrations/{system}.md`.",
            Rule::SkillOutOfDate => {
                "SKILL.md's generated part misses a public method or lists one that is gone."
            }
            Rule::EnvExampleOutOfDate => {
                "A variable the settings read is not in `.env.example`, or one there is not read."
            }
            Rule::EnvOutsideSettings => {
                "`std::env::var`, `dotenvy`, `EnvSource`, `env!`/`option_env!` (but `CARGO_*`) outside `src/config.rs`."
            }
            Rule::UnparsableSource => "A Rust file that does not parse.",
            Rule::UnreadableSpec => "A spec in `openapi/` that does not load.",
            Rule::LiteShouldBeFull => {
                "A lite connector that the decision table now puts in the full tier (warning)."
            }
            Rule::OrphanedEdits => {
                "A `*.connkit-orphan` backup `connkit sync` left: hand edits it could not place, outside the build."
            }
            Rule::ConflictMarkers => {
                "A file that still holds the `<<<<<<<` / `=======` / `>>>>>>>` conflict markers of a `connkit sync`."
            }
            Rule::InvalidManifest => "A `connector.toml` that does not read.",
        }
    }

    /// How to fix a finding of the rule, in one sentence.
    pub fn fix(self) -> &'static str {
        match self {
            Rule::HardcodedUrl => {
                "Read the URL from a setting (`{P}BASE_URL`, a named host in `connector.toml`), never from a literal."
            }
            Rule::HardcodedCredential => {
                "Move the value to a secret setting (`.env`, the environment) and read it in `src/config.rs`."
            }
            Rule::AuthOutsideClient => {
                "Configure auth once in the client (`connector.toml` `[auth]`, `src/client.rs`); call operations without credentials."
            }
            Rule::BackoffOutsideClient => {
                "Remove the loop or sleep: the client retries with backoff (`{P}MAX_RETRIES`) and applies rate limits (`connector.toml` quotas)."
            }
            Rule::ServiceTooLong => {
                "Split the service by sub-resource (`connkit sync` does it for generated code), or move orchestration to the gateway."
            }
            Rule::MissingDocFile => "Run `connkit sync SYSTEM` to write it again.",
            Rule::MissingSpec => {
                "Restore the file, or add the spec with `connkit sync SYSTEM --spec PATH_OR_URL`."
            }
            Rule::MissingPlan => {
                "Write the plan (research notes) at that path; `connkit sync SYSTEM` writes one from the analysis."
            }
            Rule::SkillOutOfDate => "Run `connkit docs SYSTEM`.",
            Rule::EnvExampleOutOfDate => {
                "Run `connkit sync SYSTEM`, or add/remove the variable in `.env.example` by hand."
            }
            Rule::EnvOutsideSettings => {
                "Add a field to the settings type in `src/config.rs` and pass the value in."
            }
            Rule::UnparsableSource => {
                "Fix the syntax error; check cannot read the rest of the file until then."
            }
            Rule::UnreadableSpec => {
                "Fix the spec, or replace it with `connkit sync SYSTEM --spec PATH_OR_URL`."
            }
            Rule::LiteShouldBeFull => "Run `connkit upgrade SYSTEM`.",
            Rule::OrphanedEdits => {
                "Move what you still need into the file that holds that code now, then delete the backup."
            }
            Rule::ConflictMarkers => {
                "Resolve each block (yours first, the new generation last), remove the markers, then run `connkit sync SYSTEM` again."
            }
            Rule::InvalidManifest => {
                "Fix the line the message names (docs/connector-toml.md lists every key), then run `connkit check` again."
            }
        }
    }

    /// The rule list as Markdown: the page `docs/check-rules.md` holds.
    pub fn reference_markdown() -> String {
        let mut out = String::from(
            "# `connkit check` rules\n\n\
             `connkit check [SYSTEM]` lints connectors against the connector guideline. Each \
             finding names its rule by a stable id, a file and a line; errors exit 1, warnings \
             do not. `connkit check --list-rules` prints this table. Test-only code \
             (`#[cfg(test)]`, `#[test]`) and doc comments are not checked. `{P}` is the \
             connector's environment prefix.\n\n\
             | rule | severity | checks | fix |\n|---|---|---|---|\n",
        );
        for rule in Rule::ALL {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                rule.id(),
                rule.severity().as_str(),
                rule.checks(),
                rule.fix()
            ));
        }
        out
    }

    /// The rule's severity: only [`Rule::LiteShouldBeFull`] is a warning.
    pub fn severity(self) -> Severity {
        match self {
            Rule::LiteShouldBeFull => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// One finding: `{rule, severity, file, line, message, hint}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule broken.
    pub rule: Rule,
    /// Error or warning (the rule's severity).
    pub severity: Severity,
    /// The file, relative to the workspace (`connectors/amazon/src/services/orders.rs`).
    pub file: String,
    /// The 1-based line, when the finding points into the file.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Finding {
    /// A finding of `rule` (its severity) at `file:line`.
    pub fn new(
        rule: Rule,
        file: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            rule,
            severity: rule.severity(),
            file: file.into(),
            line,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// `file:line` (or `file` alone).
    pub fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}[{}]: {}\n  hint: {}",
            self.location(),
            self.severity.as_str(),
            self.rule.id(),
            self.message,
            self.hint
        )
    }
}
