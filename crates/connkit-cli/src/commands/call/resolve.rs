//! OPERATION to an analysed operation: DESIGN.md's ids (bare where unique, qualified
//! `{spec_stem}.{operationId}`), or their snake_case form; otherwise candidates or close
//! matches.

use connkit_spec::{Analysis, AnalyzedOperation, ResolveError};
use heck::ToSnakeCase;

/// Why an id did not resolve, with the ids to offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unresolved {
    /// Several operations answer to the id.
    Ambiguous(Vec<String>),
    /// None does; close ids, best first (may be empty).
    Unknown(Vec<String>),
}

/// Finds the operation `id` names.
pub(super) fn resolve<'a>(
    analysis: &'a Analysis,
    id: &str,
) -> Result<&'a AnalyzedOperation, Unresolved> {
    match analysis.resolve(id) {
        Ok(op) => return Ok(op),
        Err(ResolveError::Ambiguous { candidates, .. }) => {
            return Err(Unresolved::Ambiguous(candidates));
        }
        Err(_) => {}
    }
    let wanted = snake(id);
    let by_snake: Vec<&AnalyzedOperation> =
        analysis.operations.iter().filter(|op| snake_forms(op).contains(&wanted)).collect();
    match by_snake.as_slice() {
        [one] => Ok(one),
        [] => Err(Unresolved::Unknown(close_matches(analysis, &wanted))),
        several => Err(Unresolved::Ambiguous(
            several.iter().map(|op| format!("{}.{}", op.spec, op.operation_id)).collect(),
        )),
    }
}

/// `spec.opId` and `opId` in snake_case, the qualified one with each part converted.
fn snake_forms(op: &AnalyzedOperation) -> [String; 3] {
    [
        snake(&op.operation_id),
        format!("{}.{}", snake(&op.spec), snake(&op.operation_id)),
        format!("{}.{}", op.spec, snake(&op.operation_id)),
    ]
}

fn snake(id: &str) -> String {
    id.split('.').map(|part| part.to_snake_case()).collect::<Vec<_>>().join(".")
}

/// Up to five ids whose snake_case form is within a small edit distance of `wanted`, or
/// that contain it (or it them).
fn close_matches(analysis: &Analysis, wanted: &str) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = analysis
        .operations
        .iter()
        .filter_map(|op| {
            let best = snake_forms(op)
                .iter()
                .map(|form| {
                    if form.contains(wanted)
                        || (wanted.len() >= 4 && wanted.contains(form.as_str()))
                    {
                        1
                    } else {
                        edit_distance(form, wanted)
                    }
                })
                .min()
                .unwrap_or(usize::MAX);
            let limit = (wanted.len() / 3).clamp(2, 4);
            (best <= limit).then_some((best, op.id.as_str()))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(5).map(|(_, id)| id.to_string()).collect()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("get_orders", "get_orders"), 0);
        assert_eq!(edit_distance("get_order", "get_orders"), 1);
        assert_eq!(edit_distance("list_records", "list_recrods"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn snake_converts_each_part() {
        assert_eq!(snake("ordersV0.getOrders"), "orders_v0.get_orders");
        assert_eq!(snake("get_records"), "get_records");
    }
}
