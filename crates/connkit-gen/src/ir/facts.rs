//! What the generator needs to know about each operation besides its shape: its unique id,
//! its entity, its pagination and its rate limit.
//!
//! Ids and entities are the analysis' own (`connkit_spec::analyze`, DESIGN.md "Contracts
//! shared by every part"): the generator never derives them itself, so that the generated
//! crate, the plan and `connkit call` always name an operation alike.

use crate::manifest::{Pagination, RateLimit};

/// The facts of one operation (same index as in `Api::operations`).
#[derive(Debug, Clone, PartialEq)]
pub struct OperationFacts {
    /// The unique id within the spec.
    pub id: String,
    /// The entity (tag or path segment) as found.
    pub entity: String,
    /// Detected pagination.
    pub pagination: Option<Pagination>,
    /// Why the detected pagination is a guess (only a parameter name shows it), if it is.
    pub pagination_guess: Option<String>,
    /// Why a detected pagination could not become a runtime descriptor, if it could not.
    pub pagination_dropped: Option<String>,
    /// Documented rate limit.
    pub rate_limit: Option<RateLimit>,
    /// The header parameter carrying an idempotency key (`Idempotency-Key`), if any.
    pub idempotency_header: Option<String>,
}
