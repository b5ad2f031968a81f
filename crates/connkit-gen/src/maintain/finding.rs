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
}

impl Rule {
    /// Every rule, in the order of the documentation.
    pub const ALL: [Rule; 15] = [
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
        }
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
