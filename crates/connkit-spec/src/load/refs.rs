//! Discovering the external documents a document refers to.

use std::collections::HashSet;

use serde_json::Value;

use crate::diagnostic::pointer_push;

/// One `$ref` whose document part is not empty (it names another document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExternalRef {
    /// The document part of the reference (before `#`).
    pub(crate) document: String,
    /// JSON pointer of the object holding the `$ref`.
    pub(crate) pointer: String,
}

/// Every external reference in `value`, in document order, each document once.
/// Example values and vendor extensions are skipped: their `$ref` keys are data, not
/// references. An `examples` map's entries that are references (Example Objects kept in
/// files of their own) are followed, so a copy of the spec keeps them.
pub(crate) fn external_refs(value: &Value) -> Vec<ExternalRef> {
    let mut found = Found::default();
    let mut path = Vec::new();
    walk(value, &mut path, &mut found);
    found.refs
}

/// The references found so far, and their documents for finding repeats quickly (a root
/// document may list thousands of files).
#[derive(Default)]
struct Found {
    refs: Vec<ExternalRef>,
    documents: HashSet<String>,
}

/// One step of a JSON pointer, borrowed from the document.
#[derive(Debug, Clone, Copy)]
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer_of(path: &[Token<'_>]) -> String {
    path.iter().fold(String::new(), |pointer, token| match token {
        Token::Key(key) => pointer_push(&pointer, key),
        Token::Index(index) => format!("{pointer}/{index}"),
    })
}

fn walk<'a>(value: &'a Value, path: &mut Vec<Token<'a>>, found: &mut Found) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                record(reference, path, found);
            }
            for (key, child) in map {
                if key == "examples" {
                    example_refs(child, path, found);
                    continue;
                }
                if key == "example" || key.starts_with("x-") {
                    continue;
                }
                path.push(Token::Key(key));
                walk(child, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Token::Index(index));
                walk(item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn record(reference: &str, path: &[Token<'_>], found: &mut Found) {
    let document = reference.split('#').next().unwrap_or("");
    if !document.is_empty() && found.documents.insert(document.to_string()) {
        found.refs.push(ExternalRef { document: document.to_string(), pointer: pointer_of(path) });
    }
}

/// The references among the entries of an `examples` map (an array is JSON Schema's list
/// of example values: data).
fn example_refs<'a>(examples: &'a Value, path: &mut Vec<Token<'a>>, found: &mut Found) {
    let Value::Object(map) = examples else { return };
    path.push(Token::Key("examples"));
    for (name, example) in map {
        if let Some(Value::String(reference)) = example.get("$ref") {
            path.push(Token::Key(name));
            record(reference, path, found);
            path.pop();
        }
    }
    path.pop();
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_each_external_document_once_with_its_pointer() {
        let value = json!({
            "paths": {"/a": {"$ref": "paths/a.yaml"}},
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "P": {"items": [{"$ref": "schemas/p.yaml#/P"}, {"$ref": "paths/a.yaml"}]}
            }},
            "x-data": {"$ref": "ignored.yaml"},
            "example": {"$ref": "data.yaml"},
            "examples": {"one": {"$ref": "examples/one.yaml"}, "two": {"value": {"$ref": "v.yaml"}}},
        });
        let refs = external_refs(&value);
        assert_eq!(
            refs,
            vec![
                ExternalRef { document: "paths/a.yaml".into(), pointer: "/paths/~1a".into() },
                ExternalRef {
                    document: "schemas/p.yaml".into(),
                    pointer: "/components/schemas/P/items/0".into()
                },
                ExternalRef {
                    document: "examples/one.yaml".into(),
                    pointer: "/examples/one".into()
                },
            ]
        );
    }
}
