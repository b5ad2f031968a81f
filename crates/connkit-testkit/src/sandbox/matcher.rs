//! Matching a request to a static case: path template, the case's path, query and header
//! values, and its JSON body.

use std::collections::HashMap;

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::cases::{Expected, ParamLocation, SandboxCase, scalar_text};

/// A request as the server received it.
#[derive(Debug, Clone, Default)]
pub struct IncomingRequest {
    /// The method, upper case.
    pub method: String,
    /// The path as sent (percent-encoded).
    pub path: String,
    /// The query parameters, decoded, in order (repeated names repeat).
    pub query: Vec<(String, String)>,
    /// The headers (names in any case).
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty when none).
    pub body: Vec<u8>,
}

/// Why a request matched no case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The closest case's name, if any operation matched the method and path.
    pub closest: Option<String>,
    /// What differs (one line).
    pub reason: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.closest {
            Some(case) => write!(f, "{case}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// The most specific case `request` matches (the one constraining the most parameters; the
/// first of those), else why the closest one does not. A case constrains only the
/// parameters it lists: other query parameters, headers or a body it does not mention are
/// accepted, as the SP-API sandbox does.
pub fn match_request<'a>(
    cases: &'a [SandboxCase],
    request: &IncomingRequest,
) -> Result<&'a SandboxCase, Mismatch> {
    let segments: Vec<String> = request
        .path
        .split('/')
        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    let mut closest: Option<(&SandboxCase, Vec<String>)> = None;
    let mut best: Option<(&SandboxCase, usize)> = None;
    for case in cases.iter().filter(|c| c.method.eq_ignore_ascii_case(&request.method)) {
        let Some(path_params) = match_path(&case.path, &segments) else { continue };
        let problems = check_case(case, &path_params, request);
        if problems.is_empty() {
            let specificity =
                case.params.iter().filter(|p| matches!(p.expected, Expected::Value(_))).count();
            if best.is_none_or(|(_, most)| specificity > most) {
                best = Some((case, specificity));
            }
            continue;
        }
        if closest.as_ref().is_none_or(|(_, best)| problems.len() < best.len()) {
            closest = Some((case, problems));
        }
    }
    if let Some((case, _)) = best {
        return Ok(case);
    }
    Err(match closest {
        Some((case, problems)) => {
            Mismatch { closest: Some(case.name()), reason: problems.join("; ") }
        }
        None => Mismatch {
            closest: None,
            reason: format!("no operation for {} {}", request.method, request.path),
        },
    })
}

/// The path parameters when `segments` fit `template` (whole-segment `{name}` only).
fn match_path(template: &str, segments: &[String]) -> Option<HashMap<String, String>> {
    let parts: Vec<&str> = template.split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = HashMap::new();
    for (part, segment) in parts.iter().zip(segments) {
        match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) if !segment.is_empty() => {
                params.insert(name.to_string(), segment.clone());
            }
            Some(_) => return None,
            None if part == segment => {}
            None => return None,
        }
    }
    Some(params)
}

fn check_case(
    case: &SandboxCase,
    path_params: &HashMap<String, String>,
    request: &IncomingRequest,
) -> Vec<String> {
    let mut problems = Vec::new();
    for param in &case.params {
        let Expected::Value(expected) = &param.expected else { continue };
        let name = &param.name;
        match param.location {
            Some(ParamLocation::Path) => match path_params.get(name) {
                Some(actual) if *actual == scalar_text(expected) => {}
                Some(actual) => problems.push(format!(
                    "path parameter {name}: expected {:?}, got {actual:?}",
                    scalar_text(expected)
                )),
                None => problems.push(format!("path parameter {name} missing")),
            },
            Some(ParamLocation::Query) => check_values(
                "query parameter",
                name,
                expected,
                &query_values(request, name),
                &mut problems,
            ),
            Some(ParamLocation::Header) => {
                check_values("header", name, expected, &header_values(request, name), &mut problems)
            }
            Some(ParamLocation::Form) => {
                let form: Vec<String> = url::form_urlencoded::parse(&request.body)
                    .filter(|(n, _)| n == name)
                    .map(|(_, v)| v.into_owned())
                    .collect();
                check_values("form field", name, expected, &form, &mut problems)
            }
            Some(ParamLocation::Body) => check_body(expected, &request.body, &mut problems),
            None => {
                let query = query_values(request, name);
                let header = header_values(request, name);
                if !query.is_empty() {
                    check_values("query parameter", name, expected, &query, &mut problems)
                } else if !header.is_empty() {
                    check_values("header", name, expected, &header, &mut problems)
                } else {
                    problems
                        .push(format!("parameter {name} (not declared by the operation) not sent"))
                }
            }
        }
    }
    problems.dedup();
    problems
}

fn query_values(request: &IncomingRequest, name: &str) -> Vec<String> {
    request.query.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
}

fn header_values(request: &IncomingRequest, name: &str) -> Vec<String> {
    request
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.clone())
        .collect()
}

/// Compares values as lists: arrays may be sent repeated or comma-separated.
fn check_values(
    kind: &str,
    name: &str,
    expected: &Value,
    actual: &[String],
    problems: &mut Vec<String>,
) {
    if actual.is_empty() {
        problems.push(format!("{kind} {name} missing"));
        return;
    }
    let expected_list: Vec<String> = match expected {
        Value::Array(items) => items.iter().map(scalar_text).collect(),
        other => vec![scalar_text(other)],
    };
    let flatten = |values: &[String]| {
        let mut out: Vec<String> =
            values.iter().flat_map(|v| v.split(',').map(str::to_string)).collect();
        out.sort();
        out
    };
    let want = flatten(&expected_list);
    let got = flatten(actual);
    if want != got && !same_instants(&want, &got) {
        problems.push(format!("{kind} {name}: expected {want:?}, got {got:?}"));
    }
}

/// Date-times written differently (`2020-01-01T00:00:00Z` and `...00.000Z`) are the same
/// value: compare them without fractional zeros and with `Z` for `+00:00`.
fn same_instants(want: &[String], got: &[String]) -> bool {
    fn normal(text: &str) -> String {
        let text = text.replace("+00:00", "Z");
        match text.split_once('.') {
            Some((head, rest)) if rest.trim_end_matches('Z').chars().all(|c| c == '0') => {
                format!("{head}{}", if rest.ends_with('Z') { "Z" } else { "" })
            }
            _ => text,
        }
    }
    want.len() == got.len() && want.iter().zip(got).all(|(a, b)| normal(a) == normal(b))
}

fn check_body(expected: &Value, body: &[u8], problems: &mut Vec<String>) {
    let actual: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(_) if body.is_empty() => {
            problems.push("request body missing".to_string());
            return;
        }
        Err(e) => {
            problems.push(format!("request body is not JSON: {e}"));
            return;
        }
    };
    if let Some(path) = first_difference(expected, &actual, String::new()) {
        problems
            .push(format!("request body differs at {}", if path.is_empty() { "$" } else { &path }));
    }
}

/// The JSON path of the first difference, treating absent and `null` members alike and
/// numbers by value (`1` equals `1.0`).
fn first_difference(expected: &Value, actual: &Value, path: String) -> Option<String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            let keys = want.keys().chain(got.keys());
            for key in keys {
                let a = want.get(key).unwrap_or(&Value::Null);
                let b = got.get(key).unwrap_or(&Value::Null);
                if let Some(found) = first_difference(a, b, format!("{path}.{key}")) {
                    return Some(found);
                }
            }
            None
        }
        (Value::Array(want), Value::Array(got)) => {
            if want.len() != got.len() {
                return Some(format!("{path} (length {} vs {})", want.len(), got.len()));
            }
            want.iter()
                .zip(got)
                .enumerate()
                .find_map(|(i, (a, b))| first_difference(a, b, format!("{path}[{i}]")))
        }
        (Value::Number(a), Value::Number(b)) => (a.as_f64() != b.as_f64()).then_some(path),
        (Value::String(a), Value::String(b)) => (a != b
            && !same_instants(std::slice::from_ref(a), std::slice::from_ref(b)))
        .then_some(path),
        (a, b) => (a != b).then_some(path),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sandbox::cases::CaseParam;

    fn case(params: Vec<CaseParam>) -> SandboxCase {
        SandboxCase {
            spec: "ordersV0".into(),
            operation_id: "getOrder".into(),
            method: "GET".into(),
            path: "/orders/v0/orders/{orderId}".into(),
            index: 0,
            params,
            status: 200,
            response: Some(json!({"payload": {}})),
            response_headers: vec![],
            declared: vec![],
        }
    }

    fn param(name: &str, location: ParamLocation, value: Value) -> CaseParam {
        CaseParam { name: name.into(), location: Some(location), expected: Expected::Value(value) }
    }

    fn get(path: &str, query: &[(&str, &str)]) -> IncomingRequest {
        IncomingRequest {
            method: "GET".into(),
            path: path.into(),
            query: query.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn path_and_query_must_match() {
        let cases = vec![case(vec![
            param("orderId", ParamLocation::Path, json!("TEST/1")),
            param("MarketplaceIds", ParamLocation::Query, json!(["A", "B"])),
        ])];
        assert!(
            match_request(&cases, &get("/orders/v0/orders/TEST%2F1", &[("MarketplaceIds", "B,A")]))
                .is_ok()
        );
        assert!(
            match_request(
                &cases,
                &get(
                    "/orders/v0/orders/TEST%2F1",
                    &[("MarketplaceIds", "A"), ("MarketplaceIds", "B")]
                )
            )
            .is_ok()
        );
        let wrong =
            match_request(&cases, &get("/orders/v0/orders/OTHER", &[("MarketplaceIds", "A,B")]))
                .unwrap_err();
        assert_eq!(wrong.closest.as_deref(), Some("ordersV0.getOrder#0"));
        assert!(wrong.reason.contains("path parameter orderId"), "{wrong}");
        let missing = match_request(&cases, &get("/orders/v0/orders/TEST%2F1", &[])).unwrap_err();
        assert!(missing.reason.contains("MarketplaceIds missing"), "{missing}");
        // Parameters the case does not list are not constrained.
        assert!(
            match_request(
                &cases,
                &get("/orders/v0/orders/TEST%2F1", &[("MarketplaceIds", "A,B"), ("x", "1")]),
            )
            .is_ok()
        );
        let unknown = match_request(&cases, &get("/nothing", &[])).unwrap_err();
        assert_eq!(unknown.closest, None);
        let post =
            IncomingRequest { method: "POST".into(), ..get("/orders/v0/orders/TEST%2F1", &[]) };
        assert!(match_request(&cases, &post).is_err());
    }

    #[test]
    fn body_and_headers_match_by_value() {
        let mut post = case(vec![
            param("body", ParamLocation::Body, json!({"qty": 1, "name": "x", "gone": null})),
            param("x-amz-date", ParamLocation::Header, json!("2020-01-01T00:00:00Z")),
            CaseParam {
                name: "orderId".into(),
                location: Some(ParamLocation::Path),
                expected: Expected::Any,
            },
        ]);
        post.method = "POST".into();
        let cases = vec![post];
        let mut request = IncomingRequest {
            method: "POST".into(),
            path: "/orders/v0/orders/anything".into(),
            headers: vec![("X-Amz-Date".into(), "2020-01-01T00:00:00.000Z".into())],
            body: br#"{"name":"x","qty":1.0}"#.to_vec(),
            ..Default::default()
        };
        assert!(match_request(&cases, &request).is_ok());
        request.body = br#"{"name":"y","qty":1}"#.to_vec();
        let err = match_request(&cases, &request).unwrap_err();
        assert!(err.reason.contains("request body differs at .name"), "{err}");
        request.body = Vec::new();
        assert!(match_request(&cases, &request).unwrap_err().reason.contains("body missing"));
    }

    #[test]
    fn the_most_specific_matching_case_wins() {
        let open = case(vec![]);
        let mut second = case(vec![param("orderId", ParamLocation::Path, json!("B"))]);
        second.index = 1;
        let mut third = case(vec![param("orderId", ParamLocation::Path, json!("A"))]);
        third.index = 2;
        let cases = vec![open, second, third];
        assert_eq!(match_request(&cases, &get("/orders/v0/orders/B", &[])).unwrap().index, 1);
        assert_eq!(match_request(&cases, &get("/orders/v0/orders/A", &[])).unwrap().index, 2);
        assert_eq!(match_request(&cases, &get("/orders/v0/orders/C", &[])).unwrap().index, 0);
    }

    #[test]
    fn loads_913_cases_from_the_test_specs() {
        let dir = crate::paths::test_spec_source("amazon-sp-api");
        let cases = crate::sandbox::load_cases(&dir).unwrap();
        assert_eq!(cases.len(), 913);
        assert!(cases.iter().all(|c| (100..600).contains(&c.status)));
        let located = cases.iter().flat_map(|c| &c.params).filter(|p| p.location.is_some()).count();
        let total: usize = cases.iter().map(|c| c.params.len()).sum();
        assert!(located * 100 / total.max(1) >= 95, "{located} of {total} parameters located");
    }
}
