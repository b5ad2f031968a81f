//! Which operations' success answers carry an example of the spec's own, read from the raw
//! document: in the static pass Prism answers with that example, so an answer that
//! contradicts the schema is the spec's fault; without one Prism builds the body itself, and
//! a contradiction is Prism's.

use std::collections::BTreeSet;

use serde_json::Value;

/// `(METHOD, path)` of every operation whose first success answer (the one Prism serves) has
/// an example in `text` (JSON or YAML; OpenAPI 3 `example`/`examples` of a media type or of its
/// schema, Swagger 2 `examples` or the schema's `example`). Empty when the text does not parse.
pub(crate) fn operations_with_examples(text: &str) -> BTreeSet<(String, String)> {
    let document: Value = serde_json::from_str(text)
        .or_else(|_| serde_saphyr::from_str::<Value>(text))
        .unwrap_or(Value::Null);
    let mut out = BTreeSet::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, operation) in item {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            let mut codes: Vec<&String> =
                responses.keys().filter(|code| code.starts_with('2')).collect();
            codes.sort();
            let Some(response) = codes.first().map(|code| resolve(&document, &responses[*code]))
            else {
                continue;
            };
            if has_example(&document, response) {
                out.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

fn has_example(document: &Value, response: &Value) -> bool {
    let present = |v: Option<&Value>| {
        v.is_some_and(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
    };
    let schema_example = |schema: Option<&Value>| {
        schema.is_some_and(|s| present(resolve(document, s).get("example")))
    };
    if present(response.get("examples")) || schema_example(response.get("schema")) {
        return true;
    }
    response.get("content").and_then(Value::as_object).is_some_and(|content| {
        content.values().any(|media| {
            present(media.get("example"))
                || present(media.get("examples"))
                || schema_example(media.get("schema"))
        })
    })
}

/// Follows a local `$ref` (`#/components/responses/X`), once per level.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..8 {
        let Some(pointer) = current.get("$ref").and_then(Value::as_str) else { break };
        let Some(target) = pointer.strip_prefix('#').and_then(|p| document.pointer(p)) else {
            break;
        };
        current = target;
    }
    current
}
