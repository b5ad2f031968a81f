//! Pagination styles detected from parameters, response fields, headers and extensions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit_spec::analyze::RequestLocation;
use connkit_spec::{Pagination, PaginationStyle, analyze, load_str};

/// Analyses a one-operation spec whose `get /things` has these parameters, response schema,
/// response headers and operation extensions.
fn detect(parameters: &str, schema: &str, headers: &str, extensions: &str) -> Option<Pagination> {
    let parse = |text: String| -> serde_json::Value {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let mut operation = parse(format!("{{\"operationId\": \"listThings\" {extensions}}}"));
    operation["parameters"] = parse(format!("[{parameters}]"));
    operation["responses"] = serde_json::json!({"200": {
        "description": "ok",
        "headers": parse(format!("{{{headers}}}")),
        "content": {"application/json": {"schema": parse(schema.to_string())}},
    }});
    let document = serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {"get": operation}},
    });
    let spec = load_str("things.json", &document.to_string()).unwrap();
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    analyze(&[spec]).operations.remove(0).pagination
}

fn query(name: &str, kind: &str) -> String {
    format!(r#"{{"name": "{name}", "in": "query", "schema": {{"type": "{kind}"}}}}"#)
}

const LIST: &str = r#"{"type": "object", "properties": {"results": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"}}}"#;

#[test]
fn offset_and_limit() {
    let params = [query("offset", "integer"), query("limit", "integer")].join(",");
    let p = detect(&params, LIST, "", "").unwrap();
    assert_eq!(p.style, PaginationStyle::Offset);
    assert_eq!(p.request_param.as_deref(), Some("offset"));
    assert_eq!(p.limit_param.as_deref(), Some("limit"));
    assert_eq!(p.items_path.as_deref(), Some("results"));
}

#[test]
fn page_number() {
    let params = [query("page", "integer"), query("per_page", "integer")].join(",");
    let p = detect(&params, r#"{"type": "array", "items": {"type": "string"}}"#, "", "").unwrap();
    assert_eq!((p.style, p.items_path.as_deref()), (PaginationStyle::Page, Some("")));
    assert_eq!(p.limit_param.as_deref(), Some("per_page"));
}

#[test]
fn next_token_in_a_header() {
    let headers = r#""X-Next-Token": {"schema": {"type": "string"}}"#;
    let p = detect(&query("next_token", "string"), LIST, headers, "").unwrap();
    assert_eq!(p.style, PaginationStyle::NextToken);
    assert_eq!((p.response_path, p.header.as_deref()), (None, Some("X-Next-Token")));
    assert_eq!(p.request_location, Some(RequestLocation::Query));
}

#[test]
fn next_url_in_the_body_or_a_header() {
    let body = r#"{"type": "object", "properties": {"items": {"type": "array", "items": {}}, "next": {"type": "string", "format": "uri"}}}"#;
    let p = detect(&query("q", "string"), body, "", "").unwrap();
    assert_eq!((p.style, p.response_path.as_deref()), (PaginationStyle::NextUrl, Some("next")));
    let headers = r#""Next-Page": {"schema": {"type": "string"}}"#;
    let p = detect(&query("_limit", "integer"), LIST, headers, "").unwrap();
    assert_eq!((p.style, p.header.as_deref()), (PaginationStyle::NextUrl, Some("Next-Page")));
}

#[test]
fn vendor_extensions() {
    let body = r#"{"type": "object", "properties": {"value": {"type": "array", "items": {}}, "nextLink": {"type": "string"}}}"#;
    let ms = r#", "x-ms-pageable": {"nextLinkName": "nextLink"}"#;
    let p = detect(&query("api-version", "string"), body, "", ms).unwrap();
    assert_eq!((p.style, p.response_path.as_deref()), (PaginationStyle::NextUrl, Some("nextLink")));
    assert_eq!(p.items_path.as_deref(), Some("value"));
    let dropshot = r#", "x-dropshot-pagination": {"required": []}"#;
    let body = r#"{"type": "object", "properties": {"items": {"type": "array", "items": {}}, "next_page": {"type": "string", "nullable": true}}}"#;
    let params = [query("page_token", "string"), query("limit", "integer")].join(",");
    let p = detect(&params, body, "", dropshot).unwrap();
    assert_eq!(p.style, PaginationStyle::NextToken);
    assert_eq!(p.response_path.as_deref(), Some("next_page"));
}

#[test]
fn plain_operations_do_not_paginate() {
    assert_eq!(detect(&query("q", "string"), LIST, "", ""), None);
    // A bare `after` with nothing in the response that hands out a cursor is not pagination.
    assert_eq!(detect(&query("after", "string"), r#"{"type": "object"}"#, "", ""), None);
    // `page` on something that is not a list, without a size parameter, is not pagination.
    assert_eq!(
        detect(
            &query("page", "string"),
            r#"{"type": "object", "properties": {"html": {"type": "string"}}}"#,
            "",
            ""
        ),
        None
    );
}
