//! What the generator needs to know about each operation besides its shape: its unique id,
//! its entity, its pagination and its rate limit.
//!
//! Ids and entities follow DESIGN.md ("Contracts shared by every part"): the operationId,
//! `_{method}` appended when repeated inside one spec; the entity is the first tag, else the
//! first meaningful path segment.

use std::collections::HashMap;

use connkit_spec::model::{Api, Operation};

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
}

/// The facts of every operation of `api`, in order.
pub fn operation_facts(api: &Api) -> Vec<OperationFacts> {
    let ids = operation_ids(api);
    api.operations
        .iter()
        .zip(ids)
        .map(|(operation, id)| OperationFacts {
            id,
            entity: entity_of(operation),
            pagination: None,
            pagination_guess: None,
            pagination_dropped: None,
            rate_limit: None,
        })
        .collect()
}

/// Unique ids: the operationId (or one made from method and path), `_{method}` appended when
/// the id repeats, then a number if it still does.
fn operation_ids(api: &Api) -> Vec<String> {
    let raw: Vec<String> = api
        .operations
        .iter()
        .map(|op| match op.operation_id.as_deref().map(str::trim) {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => derived_id(op),
        })
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for id in &raw {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let mut taken = std::collections::HashSet::new();
    raw.iter()
        .zip(&api.operations)
        .map(|(id, op)| {
            let mut candidate = if counts.get(id.as_str()).copied().unwrap_or(0) > 1 {
                format!("{id}_{}", op.method.as_str())
            } else {
                id.clone()
            };
            let base = candidate.clone();
            let mut n = 2;
            while !taken.insert(candidate.clone()) {
                candidate = format!("{base}_{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

/// `get` + `/orders/{orderId}/items` → `get_orders_orderId_items`.
fn derived_id(op: &Operation) -> String {
    let mut id = op.method.as_str().to_string();
    for segment in op.path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.extend(segment.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_'));
    }
    id
}

/// The first tag, else the first path segment that is not a parameter, a version or `api`.
fn entity_of(op: &Operation) -> String {
    if let Some(tag) = op.tags.iter().find(|t| !t.trim().is_empty()) {
        return tag.trim().to_string();
    }
    op.path
        .split('/')
        .find(|segment| is_meaningful(segment))
        .map_or_else(|| "root".to_string(), str::to_string)
}

/// Whether a path segment names something: not empty, not `{param}`, not `api`, not a version
/// (`v1`, `v2beta`, `2021-06-30`).
pub(crate) fn is_meaningful(segment: &str) -> bool {
    if segment.is_empty() || segment.starts_with('{') || segment.eq_ignore_ascii_case("api") {
        return false;
    }
    let lower = segment.to_ascii_lowercase();
    let version =
        lower.strip_prefix('v').is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    let date = segment.chars().all(|c| c.is_ascii_digit() || c == '-');
    !(version || date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_params_are_not_entities() {
        assert!(!is_meaningful("v0"));
        assert!(!is_meaningful("2021-06-30"));
        assert!(!is_meaningful("{id}"));
        assert!(is_meaningful("orders"));
        assert!(is_meaningful("vehicles"));
    }
}
