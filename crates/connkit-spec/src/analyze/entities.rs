//! Entities: the groups a connector's services are split by. The first tag of an operation,
//! else the first meaningful segment of its path (version segments skipped).

use serde::{Deserialize, Serialize};

use crate::model::Operation;

/// A group of operations (one service file in a full-tier connector).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The entity's name as found (a tag, or a path segment).
    pub name: String,
    /// Ids of its operations (as in [`super::AnalyzedOperation::id`]), in order.
    pub operations: Vec<String>,
}

/// The entity of one operation: the one grouping every part of connkit uses.
pub fn entity_of(operation: &Operation) -> String {
    if let Some(tag) = operation.tags.iter().find(|t| !t.trim().is_empty()) {
        return tag.trim().to_string();
    }
    operation
        .path
        .split('/')
        .find(|segment| is_meaningful_segment(segment))
        .map_or_else(|| "root".to_string(), str::to_string)
}

/// Whether a path segment names something: not empty, not a `{parameter}`, not a version
/// (`v1`, `2021-06-30`), not `api` or `rest`.
pub fn is_meaningful_segment(segment: &str) -> bool {
    !segment.is_empty()
        && !segment.starts_with('{')
        && !is_version(segment)
        && !matches!(segment.to_ascii_lowercase().as_str(), "api" | "rest")
}

/// `v1`, `v2.1`, `V0`, `2021-06-30`, `20210630`.
fn is_version(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix('v') {
        return !rest.is_empty()
            && rest.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '_');
    }
    lower.len() >= 6 && lower.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_segments_are_skipped() {
        assert!(is_version("v0"));
        assert!(is_version("V2.1"));
        assert!(is_version("2021-06-30"));
        assert!(!is_version("vendors"));
        assert!(!is_version("v"));
    }
}
