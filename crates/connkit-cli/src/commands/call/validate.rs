//! Checking a response body against the schema the generated crate decodes it into
//! ([`connkit_gen::contract::answer_schema`]), the way decoding it into the generated type would: wrong types and missing required fields are decode errors
//! naming the JSON path that failed. Unknown fields and enum values are accepted (the
//! generated models tolerate them).

use connkit_spec::{Api, Schema, SchemaKind, SchemaRef};
use serde_json::Value;

/// How deep `$ref`s are followed before a recursive schema is accepted as is.
const MAX_DEPTH: usize = 64;

/// A decode failure: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct DecodeFailure {
    /// The JSON path (`$.data[3].id`).
    pub path: String,
    /// What was expected and found.
    pub message: String,
}

/// Checks `value` against `schema`.
pub(super) fn check(api: &Api, schema: &SchemaRef, value: &Value) -> Result<(), DecodeFailure> {
    let mut path = String::from("$");
    walk(api, schema, value, &mut path, 0)
}

fn walk(
    api: &Api,
    schema: &SchemaRef,
    value: &Value,
    path: &mut String,
    depth: usize,
) -> Result<(), DecodeFailure> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let Some(schema) = api.resolve(schema) else { return Ok(()) };
    check_schema(api, schema, value, path, depth + 1)
}

fn check_schema(
    api: &Api,
    schema: &Schema,
    value: &Value,
    path: &mut String,
    depth: usize,
) -> Result<(), DecodeFailure> {
    if value.is_null()
        && (schema.nullable || matches!(schema.kind, SchemaKind::Any | SchemaKind::Null))
    {
        return Ok(());
    }
    if let Some(expected) = scalar_mismatch(&schema.kind, value) {
        return Err(DecodeFailure {
            path: path.to_string(),
            message: format!("expected {expected}, found {}", describe(value)),
        });
    }
    match &schema.kind {
        SchemaKind::Array { items } => {
            let elements = value.as_array().map_or(&[][..], Vec::as_slice);
            for (index, element) in elements.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                walk(api, items, element, path, depth)?;
                path.truncate(len);
            }
            Ok(())
        }
        SchemaKind::Object { properties, required, .. } => {
            let Some(object) = value.as_object() else { return Ok(()) };
            check_object(api, properties, required, object, path, depth)
        }
        SchemaKind::AllOf { parts } => {
            parts.iter().try_for_each(|part| walk(api, part, value, path, depth))
        }
        SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. } => {
            let mut first = None;
            for variant in variants {
                match walk(api, variant, value, &mut path.clone(), depth) {
                    Ok(()) => return Ok(()),
                    Err(failure) => {
                        first.get_or_insert(failure);
                    }
                }
            }
            first.map_or(Ok(()), Err)
        }
        _ => Ok(()),
    }
}

/// What `kind` expects when `value` is not of its JSON type (`a string`, `an array`, ...);
/// `None` when the type fits or the kind does not constrain it.
fn scalar_mismatch(kind: &SchemaKind, value: &Value) -> Option<&'static str> {
    let (fits, expected) = match kind {
        SchemaKind::Null => (value.is_null(), "null"),
        SchemaKind::Boolean => (value.is_boolean(), "a boolean"),
        SchemaKind::Integer { .. } => (
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0),
            "an integer",
        ),
        SchemaKind::Number => (value.is_number(), "a number"),
        SchemaKind::String { .. } => (value.is_string(), "a string"),
        SchemaKind::Array { .. } => (value.is_array(), "an array"),
        SchemaKind::Object { .. } => (value.is_object(), "an object"),
        _ => (true, ""),
    };
    (!fits).then_some(expected)
}

/// Required fields present, and each present field as its schema says (an optional field
/// may be null: the generated model reads it as `None`).
fn check_object(
    api: &Api,
    properties: &indexmap::IndexMap<String, SchemaRef>,
    required: &[String],
    object: &serde_json::Map<String, Value>,
    path: &mut String,
    depth: usize,
) -> Result<(), DecodeFailure> {
    for name in required {
        if !object.contains_key(name) {
            return Err(DecodeFailure {
                path: format!("{path}.{name}"),
                message: "missing required field".to_string(),
            });
        }
    }
    for (name, property) in properties {
        let Some(field) = object.get(name) else { continue };
        let len = path.len();
        path.push('.');
        path.push_str(name);
        if !field.is_null() || required.contains(name) {
            walk(api, property, field, path, depth)?;
        }
        path.truncate(len);
    }
    Ok(())
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn names_the_failing_field() {
        let spec = connkit_spec::load_str(
            "t.json",
            r##"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/r":{"get":{
              "responses":{"200":{"description":"ok","content":{"application/json":{"schema":{
                "type":"object","required":["data"],"properties":{"data":{"type":"array","items":{"$ref":"#/components/schemas/R"}}}}}}}}}}},
              "components":{"schemas":{"R":{"type":"object","required":["id"],"properties":{"id":{"type":"string"},"n":{"type":"integer"}}}}}}"##,
        )
        .unwrap();
        let op = &spec.api.operations[0];
        let schema = connkit_gen::contract::answer_schema(&spec.api, op, 200).unwrap();
        assert!(
            check(&spec.api, schema, &json!({"data": [{"id": "a", "n": 1, "extra": true}]}))
                .is_ok()
        );
        let bad = check(&spec.api, schema, &json!({"data": [{"id": "a"}, {"id": 7}]})).unwrap_err();
        assert_eq!(bad.path, "$.data[1].id");
        assert!(bad.message.contains("expected a string, found number 7"));
        let missing = check(&spec.api, schema, &json!({"data": [{"n": 1}]})).unwrap_err();
        assert_eq!(missing.path, "$.data[0].id");
        assert!(check(&spec.api, schema, &json!([])).is_err());
        assert!(connkit_gen::contract::answer_schema(&spec.api, op, 404).is_none());
    }
}
