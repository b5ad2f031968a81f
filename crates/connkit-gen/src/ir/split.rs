//! Splitting a large service into files by sub-resource, so that no services file reaches
//! 300 lines (the guideline's limit).

use connkit_spec::analyze::is_meaningful_segment as is_meaningful;

use super::OperationIr;
use crate::naming::{UniqueNames, snake_ident};

/// One file of a split service: a module name and the operations it holds (indices into the
/// entity's operations, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePart {
    /// The module name of the part (`shipments`), unique within the entity.
    pub module: String,
    /// Indices of the operations in this part.
    pub operations: Vec<usize>,
}

/// Groups the operations of entity `entity_module` by sub-resource (the first meaningful path segment after the part all
/// of them share) and packs the groups, in order, into parts of at most `budget` lines;
/// `lines` gives the emitted size of one operation. A group larger than the budget is cut
/// into numbered parts. Deterministic.
pub fn split_service(
    entity_module: &str,
    operations: &[OperationIr],
    lines: impl Fn(&OperationIr) -> usize,
    budget: usize,
) -> Vec<ServicePart> {
    let keys: Vec<String> = operations
        .iter()
        .map(|op| meaningful(&op.path))
        .map(|segments| segments.join("/"))
        .collect();
    let common = common_prefix(operations.iter().map(|op| meaningful(&op.path)).collect());
    // Groups in order of first appearance.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, op) in operations.iter().enumerate() {
        let segments = meaningful(&op.path);
        let key = segments
            .get(common)
            .cloned()
            .unwrap_or_else(|| segments.last().cloned().unwrap_or_else(|| keys[index].clone()));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(index),
            None => groups.push((key, vec![index])),
        }
    }
    let mut parts: Vec<(String, Vec<usize>, usize)> = Vec::new();
    for (key, members) in groups {
        for index in members {
            let size = lines(&operations[index]);
            match parts.last_mut() {
                Some((_, ops, used)) if *used + size <= budget => {
                    ops.push(index);
                    *used += size;
                }
                _ => parts.push((key.clone(), vec![index], size)),
            }
        }
    }
    // A group cut into several parts names each part after the sub-resources it holds
    // (`teams_discussions`, `teams_members_memberships`), so a reader finds an operation by
    // its file name; numbers (`teams_2`) remain only where that is not enough.
    let all = operations;
    let cut: Vec<bool> = parts
        .iter()
        .map(|(key, _, _)| parts.iter().filter(|(other, _, _)| other == key).count() > 1)
        .collect();
    // A part named like its entity would trip `clippy::module_inception`.
    let mut names = UniqueNames::with_reserved(["mod", "base", entity_module]);
    parts
        .into_iter()
        .zip(cut)
        .map(|((key, operations, _), cut)| {
            let name = if cut {
                let paths: Vec<Vec<String>> =
                    operations.iter().map(|i| meaningful(&all[*i].path)).collect();
                part_name(&paths).unwrap_or(key)
            } else {
                key
            };
            ServicePart {
                module: names.claim(&crate::naming::short_module_name(
                    &snake_ident(if name.is_empty() { "root" } else { &name }),
                    false,
                )),
                operations,
            }
        })
        .collect()
}

/// The name of one part of a group too large for one file, from the paths of its operations,
/// so that a reader finds an operation by its file name: the last segment they all share,
/// then the first and the last sub-resource below it (`teams_discussions_members`); the last
/// two shared segments when all are one resource (`discussions_comments`).
fn part_name(paths: &[Vec<String>]) -> Option<String> {
    let shared = shared_prefix(paths);
    let mut subs: Vec<&String> = Vec::new();
    for segments in paths {
        if let Some(sub) = segments.get(shared)
            && subs.last() != Some(&sub)
        {
            subs.push(sub);
        }
    }
    let mut words: Vec<&String> = Vec::new();
    let first = paths.first()?;
    match subs.as_slice() {
        [] => words.extend(first[..shared].iter().rev().take(2).rev()),
        [one] => words.extend(first[..shared].last().into_iter().chain([*one])),
        [head, .., tail] => words.extend(first[..shared].last().into_iter().chain([*head, *tail])),
    }
    let name = words.iter().map(|w| w.as_str()).collect::<Vec<_>>().join("_");
    (!name.is_empty()).then_some(name)
}

/// How many leading segments every path has in common.
fn shared_prefix(paths: &[Vec<String>]) -> usize {
    let Some(first) = paths.first() else { return 0 };
    (0..first.len()).take_while(|n| paths.iter().all(|p| p.get(*n) == first.get(*n))).count()
}

fn meaningful(path: &str) -> Vec<String> {
    path.split('/').filter(|s| is_meaningful(s)).map(str::to_string).collect()
}

fn common_prefix(paths: Vec<Vec<String>>) -> usize {
    let Some(first) = paths.first() else { return 0 };
    let mut n = 0;
    while n < first.len() && paths.iter().all(|p| p.get(n) == first.get(n)) {
        n += 1;
    }
    // Keep at least one distinguishing segment when every path is the same.
    n.min(first.len().saturating_sub(1))
}
