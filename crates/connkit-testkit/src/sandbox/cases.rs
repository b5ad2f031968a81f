//! Reading the `x-amzn-api-sandbox` static cases out of Swagger 2.0 specs.

use std::path::Path;

use serde_json::Value;

use crate::HarnessError;

/// Where a case's parameter goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{name}` segment of the path.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
    /// The JSON body.
    Body,
    /// A form field (matched like a query parameter in a form body).
    Form,
}

/// What a case expects of one parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// Exactly this value (arrays: these values, repeated or comma-separated).
    Value(Value),
    /// No constraint (the case lists the parameter as `{}`).
    Any,
}

/// One parameter of a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseParam {
    /// The parameter's wire name.
    pub name: String,
    /// Where the spec puts it; `None` when the operation does not declare it.
    pub location: Option<ParamLocation>,
    /// The expected value.
    pub expected: Expected,
}

/// A parameter the operation declares (so a client can fill the required ones a case does
/// not list).
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredParam {
    /// The wire name.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Whether the spec requires it.
    pub required: bool,
    /// The schema's `type` (`string`, `integer`, `array`...), when given.
    pub ty: Option<String>,
    /// The first `enum` value, when the schema (or its items) lists some.
    pub first_enum: Option<Value>,
}

/// One static request/response pair of one operation.
#[derive(Debug, Clone)]
pub struct SandboxCase {
    /// The spec file's stem (`ordersV0`).
    pub spec: String,
    /// The operation's `operationId`.
    pub operation_id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template (`/orders/v0/orders/{orderId}`).
    pub path: String,
    /// The index of this case among the operation's cases (for listing known exceptions).
    pub index: usize,
    /// The parameters the request must carry.
    pub params: Vec<CaseParam>,
    /// Every parameter the operation declares.
    pub declared: Vec<DeclaredParam>,
    /// The status to answer (the response key the case sits under).
    pub status: u16,
    /// The body to answer, if any.
    pub response: Option<Value>,
    /// Extra response headers.
    pub response_headers: Vec<(String, String)>,
}

impl SandboxCase {
    /// The body the server sends: none for statuses that carry no body in HTTP (204, 205,
    /// 304), whatever the case lists (several 204 cases list `{}` or `""`).
    pub fn wire_body(&self) -> Option<&Value> {
        match self.status {
            204 | 205 | 304 => None,
            _ => self.response.as_ref(),
        }
    }

    /// `spec.operationId#index`: a stable name for the case.
    pub fn name(&self) -> String {
        format!("{}.{}#{}", self.spec, self.operation_id, self.index)
    }
}

/// Reads every `*.json` spec in `dir` (sorted by name) and returns all their static cases.
pub fn load_cases(dir: &Path) -> Result<Vec<SandboxCase>, HarnessError> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| HarnessError::io(format!("reading {}", dir.display()), e))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| HarnessError::io(format!("reading {}", file.display()), e))?;
        let spec: Value = serde_json::from_str(&text)
            .map_err(|e| HarnessError::Invalid(format!("{}: {e}", file.display())))?;
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        cases.extend(load_cases_from_spec(&stem, &spec));
    }
    Ok(cases)
}

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// The static cases of one parsed spec, in document order.
pub fn load_cases_from_spec(stem: &str, spec: &Value) -> Vec<SandboxCase> {
    let mut cases = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return cases;
    };
    for (path, item) in paths {
        let shared = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let mut declared = shared.clone();
            if let Some(own) = operation.get("parameters").and_then(Value::as_array) {
                declared.extend(own.iter().cloned());
            }
            let declared: Vec<Value> =
                declared.iter().map(|p| resolve_ref(spec, p).clone()).collect();
            let operation_id =
                operation.get("operationId").and_then(Value::as_str).unwrap_or(method).to_string();
            let mut index = 0;
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let Ok(status) = status.parse::<u16>() else { continue };
                let response = resolve_ref(spec, response);
                let Some(statics) = response
                    .get("x-amzn-api-sandbox")
                    .and_then(|s| s.get("static"))
                    .and_then(Value::as_array)
                else {
                    continue;
                };
                for case in statics {
                    cases.push(SandboxCase {
                        spec: stem.to_string(),
                        operation_id: operation_id.clone(),
                        method: method.to_ascii_uppercase(),
                        path: path.clone(),
                        index,
                        params: case_params(case, &declared),
                        declared: declared_params(&declared),
                        status,
                        response: case.get("response").cloned(),
                        response_headers: response_headers(case),
                    });
                    index += 1;
                }
            }
        }
    }
    cases
}

fn case_params(case: &Value, declared: &[Value]) -> Vec<CaseParam> {
    let Some(params) =
        case.get("request").and_then(|r| r.get("parameters")).and_then(Value::as_object)
    else {
        return Vec::new();
    };
    params
        .iter()
        .map(|(name, entry)| {
            // Some cases name the body `body` while the operation calls it otherwise.
            let location = location_of(name, declared).or_else(|| {
                let bodies: Vec<&Value> = declared
                    .iter()
                    .filter(|p| p.get("in").and_then(Value::as_str) == Some("body"))
                    .collect();
                (bodies.len() == 1 && name == "body").then_some(ParamLocation::Body)
            });
            let name = match location {
                Some(ParamLocation::Body) => body_name(declared).unwrap_or_else(|| name.clone()),
                _ => name.clone(),
            };
            CaseParam { name, location, expected: expected_of(entry) }
        })
        .collect()
}

fn body_name(declared: &[Value]) -> Option<String> {
    declared
        .iter()
        .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))
        .and_then(|p| p.get("name").and_then(Value::as_str))
        .map(str::to_string)
}

fn declared_params(declared: &[Value]) -> Vec<DeclaredParam> {
    declared
        .iter()
        .filter_map(|p| {
            let name = p.get("name").and_then(Value::as_str)?.to_string();
            let location = location_of(&name, std::slice::from_ref(p))?;
            let schema = p.get("schema").unwrap_or(p);
            let ty = schema.get("type").and_then(Value::as_str).map(str::to_string);
            let first_enum = schema
                .get("enum")
                .or_else(|| schema.get("items").and_then(|i| i.get("enum")))
                .and_then(Value::as_array)
                .and_then(|values| values.first().cloned());
            let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
            Some(DeclaredParam { name, location, required, ty, first_enum })
        })
        .collect()
}

/// `{"value": v}` is `v`; `{}` is no constraint; any other object is the value itself (a few
/// cases inline a body without the `value` wrapper).
fn expected_of(entry: &Value) -> Expected {
    match entry {
        Value::Object(map) if map.is_empty() => Expected::Any,
        Value::Object(map) if map.contains_key("value") && map.len() == 1 => {
            Expected::Value(map.get("value").cloned().unwrap_or(Value::Null))
        }
        other => Expected::Value(other.clone()),
    }
}

fn location_of(name: &str, declared: &[Value]) -> Option<ParamLocation> {
    declared.iter().find(|p| p.get("name").and_then(Value::as_str) == Some(name)).and_then(|p| {
        match p.get("in").and_then(Value::as_str) {
            Some("path") => Some(ParamLocation::Path),
            Some("query") => Some(ParamLocation::Query),
            Some("header") => Some(ParamLocation::Header),
            Some("body") => Some(ParamLocation::Body),
            Some("formData") => Some(ParamLocation::Form),
            _ => None,
        }
    })
}

fn response_headers(case: &Value) -> Vec<(String, String)> {
    let Some(headers) = case.get("responseHeaders").and_then(Value::as_object) else {
        return Vec::new();
    };
    headers
        .iter()
        .map(|(name, value)| {
            let value = value.get("value").unwrap_or(value);
            (name.clone(), scalar_text(value))
        })
        .collect()
}

/// A JSON scalar as it appears on the wire (strings without quotes).
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Follows one local `$ref` (`#/parameters/X`, `#/responses/Y`); anything else is returned
/// as is.
fn resolve_ref<'a>(spec: &'a Value, value: &'a Value) -> &'a Value {
    let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
        return value;
    };
    reference.strip_prefix('#').and_then(|pointer| spec.pointer(pointer)).unwrap_or(value)
}
