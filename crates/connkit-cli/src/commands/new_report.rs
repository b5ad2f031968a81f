//! The JSON document `connkit new --format json` prints: what was written, every operation as
//! the methods it became (typed success body, item and page streams, byte streams), what was
//! degraded and why, and the next steps. Documented in docs/cli-json.md.

use connkit_gen::ir::{BodyTyping, OperationIr, SpecIr, SuccessIr};
use connkit_gen::new::NewOutcome;
use connkit_spec::{LoadedSpec, Severity};
use serde_json::{Value, json};

use super::degraded::{DegradedReport, PaginationGuesses};

/// Everything the document is made of.
pub(crate) struct NewReportInput<'a> {
    /// The system name.
    pub system: &'a str,
    /// What `create_connector` did.
    pub outcome: &'a NewOutcome,
    /// The loaded specs (for diagnostics counts).
    pub specs: &'a [LoadedSpec],
    /// The degraded operations.
    pub degraded: &'a DegradedReport,
    /// The paginations read from a parameter name alone.
    pub guesses: &'a PaginationGuesses,
    /// What to do next.
    pub next_steps: &'a [String],
}

/// The document (one JSON object).
pub(crate) fn document(input: &NewReportInput<'_>) -> Value {
    let outcome = input.outcome;
    let mut operations = Vec::new();
    let mut counts = Counts::default();
    for spec in &outcome.specs {
        for entity in &spec.entities {
            for op in &entity.operations {
                counts.add(op);
                operations.push(operation(spec, &entity.name, &entity.module, op));
            }
        }
    }
    let declared: usize = outcome.stats.iter().map(|s| s.operations_total).sum();
    let errors: usize = input
        .specs
        .iter()
        .flat_map(|s| &s.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings: usize = input.specs.iter().map(|s| s.diagnostics.len()).sum::<usize>() - errors;
    let specs: Vec<Value> = outcome
        .manifest
        .specs
        .iter()
        .zip(&outcome.stats)
        .zip(input.specs)
        .map(|((entry, stats), loaded)| {
            json!({
                "stem": entry.stem,
                "file": entry.file,
                "files": loaded.files.len(),
                "operations_declared": stats.operations_total,
                "operations_emitted": stats.operations_emitted,
                "named_types": stats.named_types,
                "fallback_types": stats.fallback_types,
            })
        })
        .collect();
    let files: Vec<String> =
        outcome.written.iter().map(|path| path.to_string_lossy().replace('\\', "/")).collect();
    json!({
        "system": input.system,
        "connector": format!("connectors/{}", input.system),
        "tier": outcome.manifest.tier.as_str(),
        "auth": {
            "kind": outcome.manifest.auth.kind.as_str(),
            "options": outcome.auth.options,
            "notes": outcome.auth.notes,
        },
        "tier_reasons": outcome.manifest.tier_reasons,
        "added_to_workspace": outcome.added_to_workspace,
        "specs": specs,
        "files_written": files,
        "counts": {
            "operations_declared": declared,
            "operations_emitted": counts.emitted,
            "json_success_bodies": counts.json,
            "typed_success_bodies": counts.typed,
            "free_form_success_bodies": counts.free_form,
            "untyped_success_bodies": counts.untyped,
            "paginated": counts.paginated,
            "guessed_pagination": input.guesses.operations.len(),
            "byte_streams": counts.byte_streams,
            "degraded": input.degraded.degraded.len(),
            "skipped": input.degraded.skipped.len(),
        },
        "operations": operations,
        "degraded": input.degraded,
        "guessed_pagination": input.guesses.operations,
        "diagnostics": {"errors": errors, "warnings": warnings},
        "next_steps": input.next_steps,
    })
}

#[derive(Default)]
struct Counts {
    emitted: usize,
    json: usize,
    typed: usize,
    free_form: usize,
    untyped: usize,
    paginated: usize,
    byte_streams: usize,
}

impl Counts {
    fn add(&mut self, op: &OperationIr) {
        self.emitted += 1;
        match &op.success_typing {
            Some(BodyTyping::Typed) => self.typed += 1,
            Some(BodyTyping::FreeForm) => self.free_form += 1,
            Some(BodyTyping::Degraded(_)) => self.untyped += 1,
            None => {}
        }
        if op.success_typing.is_some() {
            self.json += 1;
        }
        if op.pagination.is_some() {
            self.paginated += 1;
        }
        if byte_stream(op).is_some() {
            self.byte_streams += 1;
        }
    }
}

/// The method streaming the body of a download or an event stream, if the operation has one.
fn byte_stream(op: &OperationIr) -> Option<&str> {
    match op.success {
        SuccessIr::Bytes => Some(op.stream_method.as_str()),
        SuccessIr::Stream => Some(op.rust_name.as_str()),
        _ => None,
    }
}

fn operation(spec: &SpecIr, entity: &str, module: &str, op: &OperationIr) -> Value {
    let success = match &op.success {
        SuccessIr::Json(_) => "json",
        SuccessIr::MaybeJson(_) => "json_or_empty",
        SuccessIr::Bytes => "bytes",
        SuccessIr::Text => "text",
        SuccessIr::Stream => "stream",
        SuccessIr::Empty => "empty",
    };
    let typing = op.success_typing.as_ref().map(|typing| match typing {
        BodyTyping::Typed => "typed",
        BodyTyping::FreeForm => "free_form",
        BodyTyping::Degraded(_) => "untyped",
    });
    let parameters: Vec<Value> = op
        .required
        .iter()
        .map(|p| (p, true))
        .chain(op.optional.iter().map(|p| (p, false)))
        .map(|(p, required)| {
            json!({
                "name": p.wire_name,
                "in": p.location.as_str(),
                "rust_name": p.rust_name,
                "required": required,
            })
        })
        .collect();
    json!({
        "id": op.qualified_id,
        "spec": spec.stem,
        "method": op.method.to_string(),
        "path": op.path,
        "entity": entity,
        "service": module,
        "rust_method": op.rust_name,
        "parameters": parameters,
        "body": op.body.is_some(),
        "success": success,
        "success_typing": typing,
        "item_stream": op.pagination.as_ref().map(|_| op.stream_method.as_str()),
        "page_stream": op.pagination.as_ref().map(|p| p.pages_method.as_str()),
        "pagination": op.pagination.as_ref().and_then(|p| serde_json::to_value(&p.pagination).ok()),
        "pagination_guessed": op.pagination.as_ref().and_then(|p| p.guessed.as_deref()),
        "byte_stream": byte_stream(op),
    })
}
