//! Analysis of one or several specs together: operation ids, entities, auth kinds,
//! pagination, rate limits and idempotency headers per operation, and the decision table's
//! tier with its reasons.
//!
//! ```no_run
//! # async fn demo() -> Result<(), connkit_spec::LoadError> {
//! let loader = connkit_spec::Loader::new();
//! let orders = loader.load("openapi/ordersV0.json").await?;
//! let analysis = connkit_spec::analyze(&[orders]);
//! println!("{} ({})", analysis.tier.as_str(), analysis.reasons.join("; "));
//! let op = analysis.resolve("getOrders").expect("unique id");
//! println!("{} {} {:?}", op.method, op.path, op.pagination);
//! # Ok(()) }
//! ```

mod auth;
mod entities;
mod ids;
mod pagination;
mod rate_limit;
mod schema_walk;
mod tier;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use auth::AuthKind;
pub use entities::{Entity, entity_of, is_meaningful_segment};
pub use ids::operation_ids;
pub use pagination::{Pagination, PaginationStyle, RequestLocation};
pub use rate_limit::{RateLimit, RateLimitSource};
pub use tier::{DecisionRow, Rule, Tier};

use crate::diagnostic::Diagnostic;
use crate::load::LoadedSpec;
use crate::model::{Api, HttpMethod, Operation, ParameterLocation};

/// One analysed spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecSummary {
    /// Where it was read from (as given).
    pub path: String,
    /// Its stem, the prefix of its operation ids when several specs are analysed
    /// (`ordersV0`); unique among the analysed specs.
    pub stem: String,
    /// `info.title`.
    pub title: String,
    /// The declared version string (`2.0`, `3.0.3`, `3.1.0`).
    pub spec_version: String,
    /// Number of operations.
    pub operations: usize,
}

/// One operation with everything the analysis found about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzedOperation {
    /// The id to call it by: `{spec_stem}.{operation_id}` when several specs were analysed,
    /// else `operation_id`.
    pub id: String,
    /// The operation's id inside its spec: the declared operationId, with `_{method}`
    /// appended when it repeats inside the spec, or one synthesized from method and path.
    pub operation_id: String,
    /// The operationId exactly as declared, if any.
    pub declared_operation_id: Option<String>,
    /// The stem of its spec.
    pub spec: String,
    /// Index of its spec in [`Analysis::specs`] (and in the slice given to [`analyze`]).
    pub spec_index: usize,
    /// Index of the operation in its spec's [`Api::operations`].
    pub operation_index: usize,
    /// The method.
    pub method: HttpMethod,
    /// The path template.
    pub path: String,
    /// The entity it belongs to.
    pub entity: String,
    /// How it paginates, if it does.
    pub pagination: Option<Pagination>,
    /// Its rate limit, if the spec documents one.
    pub rate_limit: Option<RateLimit>,
    /// The declared idempotency header (`Idempotency-Key`), if any.
    pub idempotency_header: Option<String>,
    /// Whether it is deprecated.
    pub deprecated: bool,
}

/// The analysis of one or several specs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The specs, in the order given.
    pub specs: Vec<SpecSummary>,
    /// Every operation of every spec, in order.
    pub operations: Vec<AnalyzedOperation>,
    /// Entities in order of first appearance, with their operation ids.
    pub entities: Vec<Entity>,
    /// Auth kinds of the declared security schemes (identical ones across specs listed once);
    /// `[{kind: none}]` when no spec declares any.
    pub auth: Vec<AuthKind>,
    /// The tier the decision table gives.
    pub tier: Tier,
    /// Why: for full, the message of each row that fired; for lite, of every row (none fired).
    pub reasons: Vec<String>,
    /// Every row of the decision table, fired or not.
    pub decision: Vec<DecisionRow>,
    /// Diagnostics of the loaded specs (each with its file set).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why an operation id did not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// No operation has this id.
    #[error("no operation `{id}`{}", hint(.suggestions))]
    Unknown {
        /// The id asked for.
        id: String,
        /// Close ids (same bare id in another case, or ids containing it).
        suggestions: Vec<String>,
    },
    /// The bare id exists in several specs; a qualified id is needed.
    #[error("`{id}` is ambiguous; use one of: {}", .candidates.join(", "))]
    Ambiguous {
        /// The id asked for.
        id: String,
        /// The qualified ids it could mean.
        candidates: Vec<String>,
    },
}

fn hint(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        " (run `connkit analyze` to list the operations)".to_string()
    } else {
        format!("; did you mean {}?", suggestions.join(", "))
    }
}

impl Analysis {
    /// Finds an operation by id: a qualified id (`ordersV0.getOrders`), or a bare one
    /// (`getOrders`) when exactly one spec has it.
    ///
    /// # Errors
    ///
    /// [`ResolveError::Unknown`] when nothing matches, [`ResolveError::Ambiguous`] when a bare
    /// id is in several specs.
    pub fn resolve(&self, id: &str) -> Result<&AnalyzedOperation, ResolveError> {
        if let Some(op) = self.operations.iter().find(|op| op.id == id) {
            return Ok(op);
        }
        let bare: Vec<&AnalyzedOperation> =
            self.operations.iter().filter(|op| op.operation_id == id).collect();
        match bare.as_slice() {
            [one] => Ok(one),
            [] => {
                let lower = id.to_ascii_lowercase();
                let suggestions = self
                    .operations
                    .iter()
                    .filter(|op| {
                        op.id.to_ascii_lowercase() == lower
                            || op.operation_id.to_ascii_lowercase() == lower
                            || (lower.len() >= 4 && op.id.to_ascii_lowercase().contains(&lower))
                    })
                    .take(5)
                    .map(|op| op.id.clone())
                    .collect();
                Err(ResolveError::Unknown { id: id.to_string(), suggestions })
            }
            several => Err(ResolveError::Ambiguous {
                id: id.to_string(),
                candidates: several
                    .iter()
                    .map(|op| format!("{}.{}", op.spec, op.operation_id))
                    .collect(),
            }),
        }
    }

    /// The model of an analysed operation, given the specs that were analysed (same order).
    pub fn operation<'a>(
        &self,
        specs: &'a [&'a Api],
        op: &AnalyzedOperation,
    ) -> Option<&'a Operation> {
        specs.get(op.spec_index)?.operations.get(op.operation_index)
    }
}

/// Analyses loaded specs together; their diagnostics are included, each naming its file.
pub fn analyze(specs: &[LoadedSpec]) -> Analysis {
    let apis: Vec<&Api> = specs.iter().map(|spec| &spec.api).collect();
    let mut analysis = analyze_apis(&apis);
    for spec in specs {
        for diagnostic in &spec.diagnostics {
            let mut diagnostic = diagnostic.clone();
            if diagnostic.file.is_none() {
                diagnostic.file = Some(spec.api.source.clone());
            }
            analysis.diagnostics.push(diagnostic);
        }
    }
    analysis
}

/// Analyses normalised APIs together (without diagnostics).
pub fn analyze_apis(apis: &[&Api]) -> Analysis {
    let stems = ids::spec_stems(apis);
    let qualified = apis.len() > 1;
    let mut specs = Vec::with_capacity(apis.len());
    let mut operations = Vec::new();
    let mut auth: Vec<AuthKind> = Vec::new();
    for (spec_index, (api, stem)) in apis.iter().zip(&stems).enumerate() {
        specs.push(SpecSummary {
            path: api.source.clone(),
            stem: stem.clone(),
            title: api.title.clone(),
            spec_version: api.declared_version.clone(),
            operations: api.operations.len(),
        });
        for kind in auth::kinds(api) {
            if !auth.contains(&kind) {
                auth.push(kind);
            }
        }
        let local = ids::operation_ids(api);
        for (operation_index, (operation, operation_id)) in
            api.operations.iter().zip(local).enumerate()
        {
            let id =
                if qualified { format!("{stem}.{operation_id}") } else { operation_id.clone() };
            operations.push(AnalyzedOperation {
                id,
                operation_id,
                declared_operation_id: operation.operation_id.clone(),
                spec: stem.clone(),
                spec_index,
                operation_index,
                method: operation.method,
                path: operation.path.clone(),
                entity: entities::entity_of(operation),
                pagination: pagination::detect(api, operation),
                rate_limit: rate_limit::detect(api, operation),
                idempotency_header: idempotency_header(operation),
                deprecated: operation.deprecated,
            });
        }
    }
    if auth.is_empty() {
        auth.push(AuthKind::None);
    }

    let mut entities: Vec<Entity> = Vec::new();
    let mut entity_index: HashMap<String, usize> = HashMap::new();
    for op in &operations {
        let index = *entity_index.entry(op.entity.clone()).or_insert_with(|| {
            entities.push(Entity { name: op.entity.clone(), operations: Vec::new() });
            entities.len() - 1
        });
        entities[index].operations.push(op.id.clone());
    }

    let paginated: Vec<&str> =
        operations.iter().filter(|op| op.pagination.is_some()).map(|op| op.id.as_str()).collect();
    let rate_limited: Vec<&str> =
        operations.iter().filter(|op| op.rate_limit.is_some()).map(|op| op.id.as_str()).collect();
    let (tier, decision) = tier::decide(&tier::Signals {
        operations: operations.len(),
        auth: &auth,
        paginated: &paginated,
        rate_limited: &rate_limited,
        entities: &entities,
    });
    let reasons = match tier {
        Tier::Full => {
            decision.iter().filter(|row| row.fired).map(|row| row.message.clone()).collect()
        }
        Tier::Lite => decision.iter().map(|row| row.message.clone()).collect(),
    };
    Analysis { specs, operations, entities, auth, tier, reasons, decision, diagnostics: Vec::new() }
}

/// A header parameter that carries an idempotency key (`Idempotency-Key`,
/// `X-Idempotency-Key`, `x-amzn-idempotency-token`, ...).
fn idempotency_header(operation: &Operation) -> Option<String> {
    operation
        .parameters
        .iter()
        .find(|p| {
            p.location == ParameterLocation::Header
                && p.name.to_ascii_lowercase().contains("idempoten")
        })
        .map(|p| p.name.clone())
}
