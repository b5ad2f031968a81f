//! Operations the connector gets only in part, so that `new`, `sync` and `analyze` never
//! degrade in silence: which operations lost something (a parameter, a body, a response type),
//! why, and where in the spec, with locations relative to the workspace.
//!
//! Three sources: the spec's error diagnostics found while normalising an operation (or its
//! path item), the generator's success bodies that the spec types but the connector returns as
//! a JSON value, and paginations the spec documents that the connector gets no streams for.
//!
//! Paginations read from a parameter name alone are no degradation but a guess to confirm:
//! [`PaginationGuesses`] lists them for the same commands.

use std::collections::HashMap;
use std::path::Path;

use connkit_gen::ir::{BodyTyping, SpecIr};
use connkit_spec::analyze::Analysis;
use connkit_spec::{Diagnostic, LoadedSpec, Severity};
use serde::Serialize;

/// How many degraded operations the stderr summary shows before "… and N more".
const SHOWN: usize = 5;

/// What degraded an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Cause {
    /// An error in the spec (a broken `$ref`, an invalid parameter): the part was skipped or
    /// taken as any value.
    SpecError,
    /// The success body has a schema with a shape, but the connector returns a JSON value.
    UntypedSuccess,
    /// The spec documents how the operation pages, but it gets no item and page streams.
    PaginationDropped,
}

/// A problem with the place in the spec it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Located {
    /// What kind of problem.
    pub cause: Cause,
    /// What is wrong and what happened to the part.
    pub message: String,
    /// `path/to/file.yaml:12:5#/json/pointer`, the file relative to the workspace.
    pub location: String,
}

/// One operation that the connector gets only in part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct DegradedOperation {
    /// The operation id (qualified in a connector with several specs).
    pub id: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path template.
    pub path: String,
    /// Everything that degraded it.
    pub reasons: Vec<Located>,
}

/// What was degraded across the specs of one command.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct DegradedReport {
    /// Operations declared by the specs.
    pub operations: usize,
    /// Operations that lost something, in spec order.
    pub degraded: Vec<DegradedOperation>,
    /// Operations the spec declares but that could not be read at all (skipped), by the
    /// error that skipped each.
    pub skipped: Vec<Located>,
    /// Error diagnostics outside any operation (named schemas, servers, security).
    pub other_errors: Vec<Located>,
}

impl DegradedReport {
    /// Collects the report. `roots[i]` is how spec `i`'s root file is shown (relative to the
    /// workspace); `irs`, when the command generated code, adds success bodies typed as JSON
    /// values although their schema has a shape.
    pub(crate) fn collect(
        specs: &[LoadedSpec],
        analysis: &Analysis,
        roots: &[String],
        irs: Option<&[SpecIr]>,
    ) -> DegradedReport {
        let ids: HashMap<(usize, usize), &str> = analysis
            .operations
            .iter()
            .map(|op| ((op.spec_index, op.operation_index), op.id.as_str()))
            .collect();
        let mut report = DegradedReport::default();
        for (index, spec) in specs.iter().enumerate() {
            let root = roots.get(index).map_or(spec.api.source.as_str(), String::as_str);
            let ir = irs.and_then(|irs| irs.get(index));
            report.add_spec(index, spec, root, &ids, ir);
        }
        report
    }

    /// The degraded operations of spec `index`, then its errors no operation claimed.
    fn add_spec(
        &mut self,
        index: usize,
        spec: &LoadedSpec,
        root: &str,
        ids: &HashMap<(usize, usize), &str>,
        ir: Option<&SpecIr>,
    ) {
        let typing = ir.map(untyped_bodies).unwrap_or_default();
        let unpaged = ir.map(dropped_paginations).unwrap_or_default();
        let errors: Vec<&Diagnostic> =
            spec.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        let mut claimed = vec![false; errors.len()];
        for (op_index, operation) in spec.api.operations.iter().enumerate() {
            self.operations += 1;
            let mut reasons = Vec::new();
            for (position, diagnostic) in errors.iter().enumerate() {
                if diagnostic.concerns_operation(&operation.pointer) {
                    claimed[position] = true;
                    reasons.push(locate(diagnostic, root));
                }
            }
            let method = operation.method.to_string();
            let key = (method.clone(), operation.path.clone());
            if let Some(reason) = typing.get(&key) {
                reasons.push(Located {
                    cause: Cause::UntypedSuccess,
                    message: reason.clone(),
                    location: format!("{root}#{}", operation.pointer),
                });
            }
            if let Some(reason) = unpaged.get(&key) {
                reasons.push(Located {
                    cause: Cause::PaginationDropped,
                    message: format!("no item and page streams: {reason}"),
                    location: format!("{root}#{}", operation.pointer),
                });
            }
            if !reasons.is_empty() {
                let id = ids.get(&(index, op_index)).map_or_else(
                    || operation.operation_id.clone().unwrap_or_default(),
                    |id| id.to_string(),
                );
                self.degraded.push(DegradedOperation {
                    id,
                    method,
                    path: operation.path.clone(),
                    reasons,
                });
            }
        }
        self.add_unclaimed(&errors, &claimed, root);
    }

    /// Errors that degraded no operation: skipped operations and errors outside operations.
    /// The loader reports a file it could not read where the `$ref` to it is; when that
    /// place already degraded an operation, it says nothing more.
    fn add_unclaimed(&mut self, errors: &[&Diagnostic], claimed: &[bool], root: &str) {
        let places: Vec<(&Option<String>, &str)> = errors
            .iter()
            .zip(claimed)
            .filter(|(_, claimed)| **claimed)
            .map(|(d, _)| (&d.file, d.pointer.as_str()))
            .collect();
        for (diagnostic, claimed) in errors.iter().zip(claimed) {
            let same_place = || {
                diagnostic.operation.is_none()
                    && places.contains(&(&diagnostic.file, diagnostic.pointer.as_str()))
            };
            if *claimed || same_place() {
                continue;
            }
            let located = locate(diagnostic, root);
            if diagnostic.operation.is_some() {
                self.skipped.push(located);
            } else {
                self.other_errors.push(located);
            }
        }
    }

    /// Whether anything was degraded or an error was found (what `--strict` fails on).
    pub(crate) fn has_errors(&self) -> bool {
        !self.degraded.is_empty() || !self.skipped.is_empty() || !self.other_errors.is_empty()
    }

    /// The stderr summary: how many, why, the first few with their locations. Nothing when
    /// nothing was degraded.
    pub(crate) fn summary(&self, list_hint: &str) -> String {
        if !self.has_errors() {
            return String::new();
        }
        let mut out = String::new();
        if !self.degraded.is_empty() {
            let with = |cause: Cause| {
                self.degraded
                    .iter()
                    .filter(|op| op.reasons.iter().any(|r| r.cause == cause))
                    .count()
            };
            let unpaged = match with(Cause::PaginationDropped) {
                0 => String::new(),
                n => format!(", {n} without the streams their documented pagination asks for"),
            };
            out.push_str(&format!(
                "warning: {} of {} operation(s) degraded ({} by errors in the spec, {} with a \
                 success body returned as a JSON value although the spec types it{unpaged})\n",
                self.degraded.len(),
                self.operations,
                with(Cause::SpecError),
                with(Cause::UntypedSuccess)
            ));
            for op in self.degraded.iter().take(SHOWN) {
                let first = &op.reasons[0];
                out.push_str(&format!(
                    "  {} ({} {}): {}: {}\n",
                    op.id, op.method, op.path, first.location, first.message
                ));
                if op.reasons.len() > 1 {
                    out.push_str(&format!("    and {} more problem(s)\n", op.reasons.len() - 1));
                }
            }
            if self.degraded.len() > SHOWN {
                out.push_str(&format!("  … and {} more\n", self.degraded.len() - SHOWN));
            }
        }
        if !self.skipped.is_empty() {
            out.push_str(&format!(
                "warning: {} operation(s) skipped: the spec declares them but they could not be \
                 read\n",
                self.skipped.len()
            ));
            for skipped in self.skipped.iter().take(SHOWN) {
                out.push_str(&format!("  {}: {}\n", skipped.location, skipped.message));
            }
        }
        if !self.other_errors.is_empty() {
            out.push_str(&format!(
                "warning: {} other error(s) in the spec (outside operations), first: {}: {}\n",
                self.other_errors.len(),
                self.other_errors[0].location,
                self.other_errors[0].message
            ));
        }
        out.push_str(&format!("  {list_hint}; `--strict` makes this an error (exit 2)\n"));
        out
    }
}

/// Paginations read from a parameter name alone: kept (the connector has their streams) but
/// to be confirmed against the API's documentation, in `connector.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct PaginationGuesses {
    /// `(operation id, why it is a guess)`, in spec order.
    pub operations: Vec<GuessedPagination>,
}

/// One guessed pagination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct GuessedPagination {
    /// The operation id (qualified in a connector with several specs).
    pub id: String,
    /// Why it is a guess.
    pub why: String,
}

impl PaginationGuesses {
    /// The guessed paginations of the generated IR.
    pub(crate) fn collect(irs: &[SpecIr]) -> PaginationGuesses {
        let operations = irs
            .iter()
            .flat_map(SpecIr::operations)
            .filter_map(|op| {
                let why = op.pagination.as_ref()?.guessed.clone()?;
                Some(GuessedPagination { id: op.qualified_id.clone(), why })
            })
            .collect();
        PaginationGuesses { operations }
    }

    /// The stderr note: how many, the first few; nothing when there is none.
    pub(crate) fn summary(&self) -> String {
        if self.operations.is_empty() {
            return String::new();
        }
        let mut out = format!(
            "note: {} operation(s) page by a guess (a parameter name alone shows it): check each \
             against the API's documentation, then delete its `pagination_guessed` in \
             connector.toml (or set `paginated = false`)\n",
            self.operations.len()
        );
        for guess in self.operations.iter().take(SHOWN) {
            out.push_str(&format!("  {}: {}\n", guess.id, guess.why));
        }
        if self.operations.len() > SHOWN {
            out.push_str(&format!("  … and {} more\n", self.operations.len() - SHOWN));
        }
        out
    }
}

/// Operations of a spec's IR without streams although the spec documents their pagination,
/// by (method, path), with why.
fn dropped_paginations(ir: &SpecIr) -> HashMap<(String, String), String> {
    ir.operations()
        .filter_map(|op| {
            let why = op.pagination_dropped.clone()?;
            Some(((op.method.to_string(), op.path.clone()), why))
        })
        .collect()
}

/// Success bodies of a spec's IR typed as JSON values against their schema, by
/// (method, path).
/// A paginated operation whose items are JSON values though its answer's schema has a shape
/// counts too (its reason says so).
fn untyped_bodies(ir: &SpecIr) -> HashMap<(String, String), String> {
    ir.operations()
        .filter_map(|op| {
            let reason = match (&op.success_typing, &op.pagination) {
                (Some(BodyTyping::Degraded(reason)), _) => reason.clone(),
                (_, Some(paging)) => paging.item_untyped.clone()?,
                _ => return None,
            };
            Some(((op.method.to_string(), op.path.clone()), reason))
        })
        .collect()
}

/// The diagnostic's message with `file:line:column#pointer`, the file shown relative to the
/// workspace: the root as `root`, other files relative to the root's folder.
fn locate(diagnostic: &Diagnostic, root: &str) -> Located {
    let file = match &diagnostic.file {
        Some(file) if file.contains("://") || Path::new(file).is_absolute() => file.clone(),
        Some(file) => match root.rsplit_once('/') {
            Some((folder, _)) => normalize_dots(&format!("{folder}/{file}")),
            None => file.clone(),
        },
        None => root.to_string(),
    };
    let mut location = file;
    if let (Some(line), Some(column)) = (diagnostic.line, diagnostic.column) {
        location.push_str(&format!(":{line}:{column}"));
    }
    if !diagnostic.pointer.is_empty() {
        location.push('#');
        location.push_str(&diagnostic.pointer);
    }
    Located { cause: Cause::SpecError, message: diagnostic.message.clone(), location }
}

/// `a/b/../c` → `a/c` (textually; the spec's own `..` stay where nothing is left to pop).
fn normalize_dots(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// How a spec path is shown: relative to the workspace when it is inside it, else as given.
pub(crate) fn shown_relative(location: &str, workspace: &Path) -> String {
    let path = Path::new(location);
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let base = std::path::absolute(workspace).unwrap_or_else(|_| workspace.to_path_buf());
    match absolute.strip_prefix(&base) {
        Ok(relative) if !relative.as_os_str().is_empty() => {
            relative.to_string_lossy().replace('\\', "/")
        }
        _ => location.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use connkit_spec::DiagnosticKind;

    use super::*;

    #[test]
    fn locations_are_relative_to_the_root_folder() {
        let diagnostic = Diagnostic {
            line: Some(3),
            column: Some(5),
            ..Diagnostic::error(DiagnosticKind::BrokenRef, "/parameters/0", "broken")
        }
        .in_file("resources/a/../b/list.yml");
        let located = locate(&diagnostic, "connectors/x/openapi/openapi.yaml");
        assert_eq!(located.location, "connectors/x/openapi/resources/b/list.yml:3:5#/parameters/0");
        let root = Diagnostic::error(DiagnosticKind::BrokenRef, "/paths", "broken");
        assert_eq!(locate(&root, "spec.json").location, "spec.json#/paths");
    }

    #[test]
    fn spec_paths_inside_the_workspace_are_shown_relative() {
        let dir = std::env::temp_dir();
        let inside = dir.join("ws").join("specs").join("a.json");
        assert_eq!(shown_relative(&inside.display().to_string(), &dir.join("ws")), "specs/a.json");
        assert_eq!(shown_relative("/elsewhere/a.json", &dir.join("ws")), "/elsewhere/a.json");
    }
}
