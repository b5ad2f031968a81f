//! What a corpus spec declares, read straight from its JSON without connkit: its operations,
//! which declare a JSON schema for a 2xx answer, and which page by their query parameters.
//! The corpus test compares this with what `connkit new --format json` generated.

use serde_json::Value;

/// The methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One declared operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeclaredOperation {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path template.
    pub path: String,
    /// A 2xx answer declares a JSON schema (not a binary string).
    pub json_success_schema: bool,
    /// The query parameters page, and the method reads (`GET`): the families of issue 11.
    pub paging_query: bool,
}

/// Every operation of a spec, in document order (local `$ref`s followed).
pub(crate) fn declared_operations(spec: &Value) -> Vec<DeclaredOperation> {
    let swagger2 = spec.get("swagger").is_some();
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        let item = resolve(spec, item);
        let shared = parameters(spec, item);
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let operation = resolve(spec, operation);
            let mut params = shared.clone();
            params.extend(parameters(spec, operation));
            let query: Vec<String> = params
                .iter()
                .filter(|(_, location)| location == "query")
                .map(|(name, _)| name.clone())
                .collect();
            out.push(DeclaredOperation {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                json_success_schema: json_success_schema(spec, operation, swagger2),
                paging_query: method == "get" && pages(&query),
            });
        }
    }
    out
}

/// Follows local `$ref`s (`#/components/...`), at most 32 deep.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..32 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else { break };
        let Some(pointer) = reference.strip_prefix('#') else { break };
        let pointer = pointer.replace("%7B", "{").replace("%7D", "}");
        match spec.pointer(&pointer) {
            Some(next) => current = next,
            None => break,
        }
    }
    current
}

/// (name, in) of the `parameters` of a path item or operation.
fn parameters(spec: &Value, holder: &Value) -> Vec<(String, String)> {
    let Some(items) = holder.get("parameters").and_then(Value::as_array) else { return Vec::new() };
    items
        .iter()
        .map(|p| resolve(spec, p))
        .filter_map(|p| {
            Some((p.get("name")?.as_str()?.to_string(), p.get("in")?.as_str()?.to_string()))
        })
        .collect()
}

fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
}

fn is_binary(spec: &Value, schema: &Value) -> bool {
    let schema = resolve(spec, schema);
    schema.get("type").and_then(Value::as_str) == Some("string")
        && matches!(schema.get("format").and_then(Value::as_str), Some("binary" | "byte"))
}

fn json_success_schema(spec: &Value, operation: &Value, swagger2: bool) -> bool {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return false;
    };
    let produces_json = || {
        let list = operation.get("produces").or_else(|| spec.get("produces"));
        list.and_then(Value::as_array)
            .is_none_or(|types| types.iter().filter_map(Value::as_str).any(is_json))
    };
    responses.iter().filter(|(status, _)| status.starts_with('2')).any(|(_, response)| {
        let response = resolve(spec, response);
        if swagger2 {
            return response.get("schema").is_some_and(|s| !is_binary(spec, s)) && produces_json();
        }
        response.get("content").and_then(Value::as_object).is_some_and(|content| {
            content.iter().any(|(content_type, media)| {
                is_json(content_type) && media.get("schema").is_some_and(|s| !is_binary(spec, s))
            })
        })
    })
}

/// Whether query parameter names page, by the families of issue 11: a cursor, token or
/// marker; `starting_after`/`ending_before`/`after`/`before`; a page number with a page size;
/// an offset with a limit.
pub(crate) fn pages(query: &[String]) -> bool {
    let names: Vec<String> = query
        .iter()
        .map(|name| name.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
        .map(|name| name.to_ascii_lowercase())
        .collect();
    let has = |wanted: &[&str]| names.iter().any(|n| wanted.contains(&n.as_str()));
    let cursor = names.iter().any(|n| {
        n.contains("cursor")
            || n.contains("marker")
            || n.ends_with("pagetoken")
            || n.ends_with("nexttoken")
            || n.ends_with("continuationtoken")
            || n.ends_with("pagingtoken")
            || n.ends_with("starttoken")
            || n == "continuation"
    });
    let keyset = has(&["startingafter", "endingbefore", "after", "before"]);
    let size = has(&[
        "perpage",
        "pagesize",
        "size",
        "limit",
        "pagelimit",
        "count",
        "maxresults",
        "top",
        "itemsperpage",
        "resultsperpage",
        "pagelength",
    ]);
    let page = has(&["page", "pagenumber", "pageno", "pagenum", "pageindex"]);
    let offset = has(&["offset", "skip", "start", "startindex", "from"]);
    cursor || keyset || (page && size) || (offset && size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn paging_families() {
        assert!(pages(&names(&["cursor"])));
        assert!(pages(&names(&["pageToken"])));
        assert!(pages(&names(&["Marker", "MaxItems"])));
        assert!(pages(&names(&["starting_after", "limit"])));
        assert!(pages(&names(&["page", "per_page"])));
        assert!(pages(&names(&["offset", "limit"])));
        assert!(!pages(&names(&["page"])));
        assert!(!pages(&names(&["limit"])));
        assert!(!pages(&names(&["access_token", "q"])));
    }
}
