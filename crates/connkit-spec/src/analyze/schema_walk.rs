//! Looking into response schemas: properties through `$ref`s and `allOf`, arrays, and
//! dotted paths to nested fields (`payload.NextToken`).

use crate::model::{Api, Schema, SchemaKind, SchemaRef};

/// How deep `$ref`/`allOf` chains are followed (guards against recursive schemas).
const MAX_HOPS: usize = 16;

/// The schema behind `schema`, following names and single-part `allOf` wrappers.
pub(crate) fn resolve<'a>(api: &'a Api, schema: &'a SchemaRef) -> Option<&'a Schema> {
    let mut current = api.resolve(schema)?;
    for _ in 0..MAX_HOPS {
        match &current.kind {
            SchemaKind::AllOf { parts } if parts.len() == 1 => current = api.resolve(&parts[0])?,
            _ => return Some(current),
        }
    }
    None
}

/// The properties of an object schema, `allOf` parts merged, in order.
pub(crate) fn properties<'a>(api: &'a Api, schema: &'a SchemaRef) -> Vec<(&'a str, &'a SchemaRef)> {
    let mut out = Vec::new();
    collect_properties(api, schema, 0, &mut out);
    out
}

fn collect_properties<'a>(
    api: &'a Api,
    schema: &'a SchemaRef,
    hops: usize,
    out: &mut Vec<(&'a str, &'a SchemaRef)>,
) {
    if hops > MAX_HOPS {
        return;
    }
    let Some(resolved) = api.resolve(schema) else { return };
    match &resolved.kind {
        SchemaKind::Object { properties, .. } => {
            for (name, property) in properties {
                if !out.iter().any(|(existing, _)| *existing == name.as_str()) {
                    out.push((name.as_str(), property));
                }
            }
        }
        SchemaKind::AllOf { parts } => {
            for part in parts {
                collect_properties(api, part, hops + 1, out);
            }
        }
        _ => {}
    }
}

/// Whether the schema is an array.
pub(crate) fn is_array(api: &Api, schema: &SchemaRef) -> bool {
    matches!(resolve(api, schema).map(|s| &s.kind), Some(SchemaKind::Array { .. }))
}

/// Whether the schema is an object with properties (something to look into).
fn has_properties(api: &Api, schema: &SchemaRef) -> bool {
    !properties(api, schema).is_empty()
}

/// Every field reachable from `root` through nested objects, breadth first, up to `max_depth`
/// levels, as (dotted path, field name, schema). Arrays are not entered.
pub(crate) fn fields<'a>(
    api: &'a Api,
    root: &'a SchemaRef,
    max_depth: usize,
) -> Vec<(String, &'a str, &'a SchemaRef)> {
    let mut out = Vec::new();
    let mut level: Vec<(String, &'a SchemaRef)> = vec![(String::new(), root)];
    for _ in 0..max_depth {
        let mut next = Vec::new();
        for (prefix, schema) in level {
            for (name, property) in properties(api, schema) {
                let path =
                    if prefix.is_empty() { name.to_string() } else { format!("{prefix}.{name}") };
                if has_properties(api, property) {
                    next.push((path.clone(), property));
                }
                out.push((path, name, property));
            }
        }
        if next.is_empty() {
            break;
        }
        level = next;
    }
    out
}

/// Lowercases and drops `_`, `-`, `.` and `$` so `next_token`, `NextToken` and `nextToken`
/// compare equal.
pub(crate) fn normalized(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
