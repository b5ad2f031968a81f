//! Diagnostics: problems found in a spec that did not stop it from loading.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something is missing from the result: a part was invalid and was skipped or degraded.
    Error,
    /// The result is complete but something was ignored or guessed (unsupported features).
    Warning,
}

/// What kind of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// A value has the wrong JSON type or shape (e.g. `parameters` is not an array).
    InvalidStructure,
    /// A required key is missing (e.g. a parameter without `name`).
    MissingField,
    /// A `$ref` points nowhere, or to a document that could not be loaded.
    BrokenRef,
    /// A chain of `$ref`s loops back on itself without reaching a definition.
    RefCycle,
    /// A feature this crate does not model (webhooks, callbacks, `prefixItems`, ...).
    Unsupported,
    /// Two things have the same name where names must be unique (duplicate operationId).
    Duplicate,
    /// A value is present but not one of the allowed ones (unknown `in`, bad status code).
    InvalidValue,
}

/// A problem found in a spec, located by JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What kind of problem it is.
    pub kind: DiagnosticKind,
    /// The document it is in (path or URL), when it is not the root document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// JSON pointer of the offending value in its document (`/paths/~1pets/get/parameters/0`).
    pub pointer: String,
    /// 1-based line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u64>,
    /// What is wrong and what happened to the part (skipped, degraded), with a hint.
    pub message: String,
    /// The logical JSON pointer (in the root document, `/paths/~1pets/get`) of the operation
    /// or path item whose normalisation found the problem, when one did: every operation at
    /// or under it is degraded by an error. `None` for problems outside operations (named
    /// schemas, servers, security schemes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(
        kind: DiagnosticKind,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, kind, pointer, message)
    }

    /// A warning at `pointer`.
    pub fn warning(
        kind: DiagnosticKind,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, kind, pointer, message)
    }

    fn new(
        severity: Severity,
        kind: DiagnosticKind,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            kind,
            file: None,
            pointer: pointer.into(),
            line: None,
            column: None,
            message: message.into(),
            operation: None,
        }
    }

    /// Whether this diagnostic is about the operation at `pointer` (its logical pointer): it
    /// was found while normalising that operation or the path item holding it.
    pub fn concerns_operation(&self, pointer: &str) -> bool {
        self.operation.as_deref().is_some_and(|scope| {
            pointer == scope
                || (pointer.starts_with(scope)
                    && pointer.as_bytes().get(scope.len()) == Some(&b'/'))
        })
    }

    /// Sets the document the diagnostic is in.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        if self.file.is_some() || self.line.is_some() {
            f.write_str(" ")?;
        }
        let pointer = if self.pointer.is_empty() { "/" } else { &self.pointer };
        write!(f, "at {pointer}: {}", self.message)
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/` (RFC 6901).
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
