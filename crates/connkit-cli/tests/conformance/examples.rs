//! Where a spec's success answers carry examples of the spec's own, read from the raw
//! document. In the static pass Prism answers with the answer's example when it has one, and
//! otherwise builds the body from the schema, taking each schema's own `example` (or
//! `default`) where it has one. So an answer that contradicts the schema is the spec's fault
//! when the contradiction lies at or under a schema with an example of the spec's; elsewhere
//! the body is Prism's own making, and the contradiction is Prism's.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

/// Deeper than this, a violation path is not followed (recursive schemas).
const MAX_DEPTH: usize = 64;

/// The examples of one spec's success answers.
pub(crate) struct AnswerExamples {
    document: Arc<Value>,
    /// By `(METHOD, path)`: the first success answer (the one Prism serves).
    answers: BTreeMap<(String, String), Answer>,
}

#[derive(Default)]
struct Answer {
    /// The answer itself has an example (of its media type, or of its schema).
    whole: bool,
    /// The answer's body schema as written (maybe a `$ref`).
    schema: Option<Value>,
}

impl AnswerExamples {
    /// Reads `text` (JSON or YAML; OpenAPI 3 `example`/`examples` of a media type or of its
    /// schema, Swagger 2 `examples` or the schema's `example`). Empty when it does not parse.
    pub(crate) fn read(text: &str) -> Self {
        let document: Value = serde_json::from_str(text)
            .or_else(|_| serde_saphyr::from_str::<Value>(text))
            .unwrap_or(Value::Null);
        let mut answers = BTreeMap::new();
        if let Some(paths) = document.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let Some(item) = item.as_object() else { continue };
                for (method, operation) in item {
                    if let Some(answer) = success_answer(&document, operation) {
                        answers.insert((method.to_ascii_uppercase(), path.clone()), answer);
                    }
                }
            }
        }
        AnswerExamples { document: Arc::new(document), answers }
    }

    /// Whether the operation's success answer as a whole has an example.
    pub(crate) fn whole(&self, method: &str, path: &str) -> bool {
        self.answers.get(&(method.to_owned(), path.to_owned())).is_some_and(|a| a.whole)
    }

    /// Whether every body violation Prism lists (`sl-violations` entries located at
    /// `["response", "body", ...]`) lies at or under a schema with an example or a default
    /// of the spec's own: Prism's static answer took its value there from the spec. `false`
    /// when a violation is elsewhere, the list is cut short, or the path cannot be followed.
    pub(crate) fn explain(&self, method: &str, path: &str, violations: &str) -> bool {
        let Some(schema) =
            self.answers.get(&(method.to_owned(), path.to_owned())).and_then(|a| a.schema.as_ref())
        else {
            return false;
        };
        let Ok(listed) = serde_json::from_str::<Vec<Value>>(
            violations.strip_prefix("Too many violations! ").unwrap_or(violations),
        ) else {
            return false;
        };
        let paths: Option<Vec<Vec<String>>> = listed
            .iter()
            .map(|violation| {
                let location = violation.get("location")?.as_array()?;
                let words: Vec<String> = location
                    .iter()
                    .map(|w| w.as_str().map_or_else(|| w.to_string(), str::to_owned))
                    .collect();
                match words.as_slice() {
                    [response, body, rest @ ..] if response == "response" && body == "body" => {
                        Some(rest.to_vec())
                    }
                    _ => None,
                }
            })
            .collect();
        paths.is_some_and(|paths| {
            !paths.is_empty()
                && paths.iter().all(|p| under_example(&self.document, schema, p, MAX_DEPTH))
        })
    }
}

/// The first success answer of `operation` (the one Prism serves): whether it has an example,
/// and its body schema.
fn success_answer(document: &Value, operation: &Value) -> Option<Answer> {
    let responses = operation.get("responses")?.as_object()?;
    let mut codes: Vec<&String> = responses.keys().filter(|code| code.starts_with('2')).collect();
    codes.sort();
    let response = resolve(document, &responses[*codes.first()?]);
    let schema_example = |schema: Option<&Value>| {
        schema.is_some_and(|s| present(resolve(document, s).get("example")))
    };
    if let Some(schema) = response.get("schema") {
        // Swagger 2.
        let whole = present(response.get("examples")) || schema_example(Some(schema));
        return Some(Answer { whole, schema: Some(schema.clone()) });
    }
    let content = response.get("content").and_then(Value::as_object);
    let medias: Vec<&Value> = content.map(|c| c.values().collect()).unwrap_or_default();
    let whole = medias.iter().any(|media| {
        present(media.get("example"))
            || present(media.get("examples"))
            || schema_example(media.get("schema"))
    });
    // The JSON media Prism prefers, else the first.
    let media = content
        .and_then(|c| c.iter().find(|(name, _)| name.contains("json")).or_else(|| c.iter().next()));
    let schema = media.and_then(|(_, media)| media.get("schema")).cloned();
    Some(Answer { whole, schema })
}

/// Whether the value at `path` under `schema` came from an example or default of the spec:
/// some schema from `schema` down to the end of `path` (through `allOf`/`oneOf`/`anyOf`
/// members, array items, properties and `additionalProperties`) has one.
fn under_example(document: &Value, schema: &Value, path: &[String], depth: usize) -> bool {
    let node = resolve(document, schema);
    if depth == 0 || !node.is_object() {
        return false;
    }
    if present(node.get("example")) || present(node.get("examples")) || present(node.get("default"))
    {
        return true;
    }
    let members = ["allOf", "oneOf", "anyOf"]
        .iter()
        .filter_map(|key| node.get(*key).and_then(Value::as_array))
        .flatten();
    for member in members {
        if under_example(document, member, path, depth - 1) {
            return true;
        }
    }
    let Some((step, rest)) = path.split_first() else { return false };
    let child = if step.parse::<usize>().is_ok() && node.get("items").is_some() {
        node.get("items")
    } else {
        node.get("properties")
            .and_then(|p| p.get(step))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))
    };
    child.is_some_and(|child| under_example(document, child, rest, depth - 1))
}

/// A value that is set: not `null`, not an empty object.
fn present(value: Option<&Value>) -> bool {
    value.is_some_and(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
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
