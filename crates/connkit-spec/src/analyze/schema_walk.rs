//! Looking into response schemas: properties through `$ref`s and `allOf`, arrays, and
//! dotted paths to nested fields (`payload.NextToken`).

use crate::model::{Api, Schema, SchemaKind, SchemaRef};

/// How deep `$ref`/`allOf` chains are followed (guards against recursive schemas).
const MAX_HOPS: usize = 16;

/// The schema behind `schema`, following names and `allOf` wrappers with one real part (the
/// others only annotate it: `allOf: [{$ref: Token}, {description: ...}]`).
pub(crate) fn resolve<'a>(api: &'a Api, schema: &'a SchemaRef) -> Option<&'a Schema> {
    let mut current = api.resolve(schema)?;
    for _ in 0..MAX_HOPS {
        match &current.kind {
            SchemaKind::AllOf { parts } => match single_real_part(api, parts) {
                Some(part) => current = api.resolve(part)?,
                None => return Some(current),
            },
            _ => return Some(current),
        }
    }
    None
}

/// The one part of an `allOf` that is not a mere annotation, if there is exactly one.
fn single_real_part<'a>(api: &'a Api, parts: &'a [SchemaRef]) -> Option<&'a SchemaRef> {
    let mut real = parts.iter().filter(|part| !api.resolve(part).is_some_and(is_annotation));
    let first = real.next()?;
    real.next().is_none().then_some(first)
}

/// A schema that only annotates (`{description: ...}`, `{nullable: true}`): anything goes, no
/// constraint, no format.
fn is_annotation(schema: &Schema) -> bool {
    matches!(schema.kind, SchemaKind::Any)
        && schema.constraints.is_empty()
        && schema.format.is_none()
        && schema.extensions.is_empty()
}

/// The description of a field: its own, an annotating `allOf` part's, or its target's.
pub(crate) fn description<'a>(api: &'a Api, schema: &'a SchemaRef) -> Option<&'a str> {
    let mut current = api.resolve(schema)?;
    for _ in 0..MAX_HOPS {
        if let Some(text) = current.description.as_deref().filter(|t| !t.trim().is_empty()) {
            return Some(text);
        }
        match &current.kind {
            SchemaKind::AllOf { parts } => {
                if let Some(text) = parts
                    .iter()
                    .filter_map(|part| api.resolve(part))
                    .filter(|part| is_annotation(part))
                    .find_map(|part| part.description.as_deref())
                {
                    return Some(text);
                }
                current = api.resolve(single_real_part(api, parts)?)?;
            }
            _ => return None,
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

/// Lowercases and drops `_`, `-`, `.` and `$` so `next_token`, `NextToken` and `nextToken`
/// compare equal.
pub(crate) fn normalized(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}
