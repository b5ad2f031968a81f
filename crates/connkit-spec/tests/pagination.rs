//! Pagination read from what a spec documents: every family (tokens at any depth, keyset,
//! next URLs, page numbers, offsets, `Link` headers), the page size, the stop fields, writes,
//! and what is only a guess.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit_spec::analyze::RequestLocation;
use connkit_spec::{Pagination, PaginationStyle, analyze, load_str};

/// Analyses a one-operation spec whose `METHOD /things` has these parameters, response schema,
/// response headers and operation fields (extensions, description).
fn detect_with(
    method: &str,
    parameters: &str,
    schema: &str,
    headers: &str,
    extra: &str,
) -> Option<Pagination> {
    let parse = |text: String| -> serde_json::Value {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    let mut operation = parse(format!("{{\"operationId\": \"listThings\" {extra}}}"));
    operation["parameters"] = parse(format!("[{parameters}]"));
    operation["responses"] = serde_json::json!({"200": {
        "description": "ok",
        "headers": parse(format!("{{{headers}}}")),
        "content": {"application/json": {"schema": parse(schema.to_string())}},
    }});
    let document = serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/things": {method: operation}},
    });
    let spec = load_str("things.json", &document.to_string()).unwrap();
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    analyze(&[spec]).operations.remove(0).pagination
}

fn detect(parameters: &str, schema: &str, headers: &str, extra: &str) -> Option<Pagination> {
    detect_with("get", parameters, schema, headers, extra)
}

fn query(name: &str, kind: &str) -> String {
    format!(r#"{{"name": "{name}", "in": "query", "schema": {{"type": "{kind}"}}}}"#)
}

fn described(name: &str, kind: &str, description: &str) -> String {
    format!(
        r#"{{"name": "{name}", "in": "query", "description": "{description}", "schema": {{"type": "{kind}"}}}}"#
    )
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
    assert_eq!(p.total_items.as_deref(), Some("total"));
    // The answer's total documents it: not a guess.
    assert_eq!(p.guessed, None);
}

#[test]
fn page_number_from_one_or_zero() {
    let params = [query("page", "integer"), query("per_page", "integer")].join(",");
    let p = detect(&params, r#"{"type": "array", "items": {"type": "string"}}"#, "", "").unwrap();
    assert_eq!((p.style, p.items_path.as_deref()), (PaginationStyle::Page, Some("")));
    assert_eq!(p.limit_param.as_deref(), Some("per_page"));
    assert_eq!(p.first_page, None);
    assert!(p.guessed.is_some(), "the names alone show it");
    let params =
        [described("page", "integer", "The 0-based page to return."), query("size", "integer")]
            .join(",");
    let body = r#"{"type": "object", "properties": {"content": {"type": "array", "items": {"type": "object"}}, "totalPages": {"type": "integer"}}}"#;
    let p = detect(&params, body, "", "").unwrap();
    assert_eq!((p.first_page, p.total_pages.as_deref()), (Some(0), Some("totalPages")));
    assert_eq!(p.guessed, None);
}

#[test]
fn the_page_size_is_the_default_else_the_maximum() {
    let size = |schema: &str| {
        let params = [
            query("cursor", "string"),
            format!(r#"{{"name": "limit", "in": "query", "schema": {schema}}}"#),
        ]
        .join(",");
        let body = r#"{"type": "object", "properties": {"data": {"type": "array", "items": {}}, "next_cursor": {"type": "string"}}}"#;
        let p = detect(&params, body, "", "").unwrap();
        assert_eq!(p.limit_param.as_deref(), Some("limit"));
        p.page_size
    };
    assert_eq!(size(r#"{"type": "integer", "default": 20, "maximum": 100}"#), Some(20));
    assert_eq!(size(r#"{"type": "integer", "maximum": 100}"#), Some(100));
    assert_eq!(size(r#"{"type": "string", "default": "50"}"#), Some(50));
    assert_eq!(size(r#"{"type": "integer"}"#), None);
}

#[test]
fn a_token_at_any_depth_of_the_answer() {
    let cases = [
        // (parameter, answer, expected path)
        ("pageToken", r#"{"nextPageToken": {"type": "string"}}"#, "nextPageToken"),
        (
            "cursor",
            r#"{"meta": {"type": "object", "properties": {"cursors": {"type": "object", "properties": {"previous": {"type": "string"}, "current": {"type": "string"}, "next": {"type": "string"}}}}}}"#,
            "meta.cursors.next",
        ),
        (
            "after",
            r#"{"paging": {"type": "object", "properties": {"prev": {"type": "object", "properties": {"before": {"type": "string"}}}, "next": {"type": "object", "properties": {"after": {"type": "string"}, "link": {"type": "string"}}}}}}"#,
            "paging.next.after",
        ),
        (
            "continue",
            r#"{"metadata": {"type": "object", "properties": {"continue": {"type": "string"}, "resourceVersion": {"type": "string"}}}}"#,
            "metadata.continue",
        ),
        (
            "marker",
            r#"{"NextMarker": {"type": "string"}, "IsTruncated": {"type": "boolean"}}"#,
            "NextMarker",
        ),
        (
            "page_cursor",
            r#"{"pagination": {"type": "object", "properties": {"previous": {"type": "string"}, "next": {"type": "string"}}}}"#,
            "pagination.next",
        ),
    ];
    for (param, fields, path) in cases {
        let body = format!(
            r#"{{"type": "object", "properties": {{"items": {{"type": "array", "items": {{"type": "object"}}}}, {}}}}}"#,
            &fields[1..fields.len() - 1]
        );
        let p = detect(&query(param, "string"), &body, "", "").unwrap_or_else(|| panic!("{param}"));
        assert!(
            matches!(p.style, PaginationStyle::NextToken | PaginationStyle::Cursor),
            "{param}: {p:?}"
        );
        assert_eq!(p.request_param.as_deref(), Some(param));
        assert_eq!(p.response_path.as_deref(), Some(path), "{param}");
        assert_eq!(p.items_path.as_deref(), Some("items"), "{param}");
        assert_eq!(p.guessed, None);
    }
}

#[test]
fn an_offset_that_is_an_opaque_token_follows_the_answer() {
    // The issue's case: `offset` is a token the answer hands out in `next_page.offset`.
    let body = r#"{"type": "object", "properties": {"records": {"type": "array", "items": {"type": "object"}}, "next_page": {"type": "object", "properties": {"offset": {"type": "string"}}}}}"#;
    let p = detect(&query("offset", "string"), body, "", "").unwrap();
    assert_eq!(p.style, PaginationStyle::NextToken);
    assert_eq!(p.response_path.as_deref(), Some("next_page.offset"));
    // A numeric offset echoed back is no token.
    let body = r#"{"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}, "offset": {"type": "integer", "description": "The offset of the items returned"}}}"#;
    let params = [query("offset", "integer"), query("limit", "integer")].join(",");
    assert_eq!(detect(&params, body, "", "").unwrap().style, PaginationStyle::Offset);
    // A page number whose value the answer hands out as `next_page` (Stripe's search).
    let params =
        described("page", "string", "Use the next_page value returned in a previous response.");
    let body = r#"{"type": "object", "properties": {"data": {"type": "array", "items": {"type": "object"}}, "next_page": {"type": "string"}}}"#;
    let p = detect(&params, body, "", "").unwrap();
    assert_eq!(
        (p.style, p.response_path.as_deref()),
        (PaginationStyle::NextToken, Some("next_page"))
    );
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
fn keyset_continues_after_the_last_item() {
    let item = r#"{"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}"#;
    let body = format!(
        r#"{{"type": "object", "properties": {{"data": {{"type": "array", "items": {item}}}, "has_more": {{"type": "boolean"}}}}}}"#
    );
    let params = [
        query("starting_after", "string"),
        query("ending_before", "string"),
        query("limit", "integer"),
    ]
    .join(",");
    let p = detect(&params, &body, "", "").unwrap();
    assert_eq!(p.style, PaginationStyle::Keyset);
    assert_eq!(p.request_param.as_deref(), Some("starting_after"));
    assert_eq!((p.item_field.as_deref(), p.has_more.as_deref()), (Some("id"), Some("has_more")));
    assert_eq!(p.guessed, None);
    // `max_id` documented as "older than ID", on a bare array.
    let body = format!(r#"{{"type": "array", "items": {item}}}"#);
    let p = detect(&described("max_id", "string", "Return results older than ID"), &body, "", "")
        .unwrap();
    assert_eq!((p.style, p.item_field.as_deref()), (PaginationStyle::Keyset, Some("id")));
    assert_eq!(p.guessed, None);
    // A parameter whose description names the field it continues after.
    let item = r#"{"type": "object", "properties": {"personGroupId": {"type": "string"}, "name": {"type": "string"}}}"#;
    let body = format!(r#"{{"type": "array", "items": {item}}}"#);
    let start = described(
        "start",
        "string",
        "List person groups from the least personGroupId greater than the start.",
    );
    let p = detect(&[start, query("top", "integer")].join(","), &body, "", "").unwrap();
    assert_eq!(
        (p.style, p.item_field.as_deref()),
        (PaginationStyle::Keyset, Some("personGroupId"))
    );
}

#[test]
fn timestamps_are_filters_not_cursors() {
    let item = r#"{"type": "object", "properties": {"id": {"type": "string"}}}"#;
    let body = format!(r#"{{"type": "array", "items": {item}}}"#);
    let before =
        described("before", "string", "Only show notifications updated before the given time.");
    assert_eq!(detect(&before, &body, "", ""), None);
    let after =
        r#"{"name": "after", "in": "query", "schema": {"type": "string", "format": "date-time"}}"#;
    assert_eq!(detect(after, &body, "", ""), None);
}

#[test]
fn next_url_in_the_body_or_a_header() {
    let body = r#"{"type": "object", "properties": {"items": {"type": "array", "items": {}}, "next": {"type": "string", "format": "uri"}}}"#;
    let p = detect(&query("q", "string"), body, "", "").unwrap();
    assert_eq!((p.style, p.response_path.as_deref()), (PaginationStyle::NextUrl, Some("next")));
    // HAL's `_links.next.href`, preferred to counting pages.
    let body = r#"{"type": "object", "properties": {"data": {"type": "array", "items": {}}, "_links": {"type": "object", "properties": {"next": {"type": "object", "properties": {"href": {"type": "string"}}}}}}}"#;
    let params = [query("pageNumber", "integer"), query("pageSize", "integer")].join(",");
    let p = detect(&params, body, "", "").unwrap();
    assert_eq!(
        (p.style, p.response_path.as_deref()),
        (PaginationStyle::NextUrl, Some("_links.next.href"))
    );
    let headers = r#""Next-Page": {"schema": {"type": "string"}}"#;
    let p = detect(&query("_limit", "integer"), LIST, headers, "").unwrap();
    assert_eq!((p.style, p.header.as_deref()), (PaginationStyle::NextUrl, Some("Next-Page")));
}

#[test]
fn link_header_documented_on_the_answer_or_in_words() {
    let body = r#"{"type": "array", "items": {"type": "object"}}"#;
    let headers = r#""Link": {"schema": {"type": "string"}}"#;
    let params = [query("page", "integer"), query("per_page", "integer")].join(",");
    assert_eq!(detect(&params, body, headers, "").unwrap().style, PaginationStyle::LinkHeader);
    let max_id =
        described("max_id", "string", "Internal parameter. Use HTTP `Link` header for pagination.");
    assert_eq!(detect(&max_id, body, "", "").unwrap().style, PaginationStyle::LinkHeader);
}

#[test]
fn vendor_extensions() {
    let body = r#"{"type": "object", "properties": {"value": {"type": "array", "items": {}}, "nextLink": {"type": "string"}}}"#;
    let ms = r#", "x-ms-pageable": {"nextLinkName": "nextLink"}"#;
    let p = detect(&query("api-version", "string"), body, "", ms).unwrap();
    assert_eq!((p.style, p.response_path.as_deref()), (PaginationStyle::NextUrl, Some("nextLink")));
    assert_eq!(p.items_path.as_deref(), Some("value"));
    // A key with a dot is a JSON pointer.
    let ms = r#", "x-ms-pageable": {"nextLinkName": "@odata.nextLink"}"#;
    let p = detect(&query("api-version", "string"), body, "", ms).unwrap();
    assert_eq!(p.response_path.as_deref(), Some("/@odata.nextLink"));
    // Without a nextLinkName the list is one page, whatever the answer looks like.
    assert_eq!(detect(&query("api-version", "string"), body, "", r#", "x-ms-pageable": {}"#), None);
    // ... unless a response header hands out the continuation token a parameter takes.
    let params = [query("continuation", "string"), query("maxResults", "integer")].join(",");
    let body =
        r#"{"type": "object", "properties": {"filesystems": {"type": "array", "items": {}}}}"#;
    let header = r#""x-ms-continuation": {"schema": {"type": "string"}}"#;
    let ms = r#", "x-ms-pageable": {"itemName": "filesystems"}"#;
    let p = detect(&params, body, header, ms).unwrap();
    assert_eq!(p.style, PaginationStyle::NextToken);
    assert_eq!(p.request_param.as_deref(), Some("continuation"));
    assert_eq!(p.header.as_deref(), Some("x-ms-continuation"));
    assert_eq!(p.items_path.as_deref(), Some("filesystems"));
    assert_eq!(p.limit_param.as_deref(), Some("maxResults"));
    assert_eq!(detect(&params, body, "", ms), None);
    let dropshot = r#", "x-dropshot-pagination": {"required": []}"#;
    let body = r#"{"type": "object", "properties": {"items": {"type": "array", "items": {}}, "next_page": {"type": "string", "nullable": true}}}"#;
    let params = [query("page_token", "string"), query("limit", "integer")].join(",");
    let p = detect(&params, body, "", dropshot).unwrap();
    assert_eq!(p.style, PaginationStyle::NextToken);
    assert_eq!(p.response_path.as_deref(), Some("next_page"));
}

#[test]
fn writes_page_only_as_a_search_with_a_documented_token() {
    let body = r#"{"type": "object", "properties": {"customers": {"type": "array", "items": {"type": "object"}}, "cursor": {"type": "string"}}}"#;
    let search = r#", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"cursor": {"type": "string"}, "query": {"type": "object"}}}}}}"#;
    let p = detect_with("post", "", body, "", search).unwrap();
    assert_eq!(p.style, PaginationStyle::Cursor);
    assert_eq!(p.request_location, Some(RequestLocation::Body));
    // Offsets, pages and keys never make a write repeat.
    let params = [query("offset", "integer"), query("limit", "integer")].join(",");
    assert_eq!(detect_with("post", &params, LIST, "", ""), None);
    for method in ["put", "patch", "delete"] {
        assert_eq!(detect_with(method, &query("cursor", "string"), body, "", ""), None, "{method}");
    }
    // A resource's own fields echoed in the answer are no token.
    let create = r#", "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"from": {"type": "string"}}}}}}"#;
    let body = r#"{"type": "object", "properties": {"tags": {"type": "array", "items": {}}, "from": {"type": "string"}}}"#;
    assert_eq!(detect_with("post", "", body, "", create), None);
}

#[test]
fn the_items_array_is_the_listed_resource() {
    let body = r#"{"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "object"}}, "thing_entries": {"type": "array", "items": {"type": "object"}}, "things": {"type": "array", "items": {"type": "object"}}, "cursor": {"type": "string"}}}"#;
    let p = detect(&query("cursor", "string"), body, "", "").unwrap();
    assert_eq!(p.items_path.as_deref(), Some("things"));
    // `errors` are the items when nothing else is.
    let body = r#"{"type": "object", "properties": {"errors": {"type": "array", "items": {"type": "object"}}, "hasMoreResults": {"type": "boolean"}}}"#;
    let params = [
        described("$skip", "integer", "The offset of the first result."),
        query("$top", "integer"),
    ]
    .join(",");
    let p = detect(&params, body, "", "").unwrap();
    assert_eq!(
        (p.items_path.as_deref(), p.has_more.as_deref()),
        (Some("errors"), Some("hasMoreResults"))
    );
    // AWS wraps every field in an `allOf` with a description.
    let body = r#"{"type": "object", "properties": {"analyzers": {"allOf": [{"type": "array", "items": {"type": "object"}}, {"description": "The analyzers."}]}, "nextToken": {"allOf": [{"type": "string"}, {"description": "A token."}]}}}"#;
    let p = detect(&query("nextToken", "string"), body, "", "").unwrap();
    assert_eq!(
        (p.items_path.as_deref(), p.response_path.as_deref()),
        (Some("analyzers"), Some("nextToken"))
    );
}

#[test]
fn plain_operations_do_not_paginate() {
    assert_eq!(detect(&query("q", "string"), LIST, "", ""), None);
    // A bare `after` with nothing in the response that hands out a cursor is not pagination.
    assert_eq!(detect(&query("after", "string"), r#"{"type": "object"}"#, "", ""), None);
    // `page` on something that is not a list is not pagination.
    let html = r#"{"type": "object", "properties": {"html": {"type": "string"}}}"#;
    assert_eq!(detect(&query("page", "string"), html, "", ""), None);
    // A top-N `limit` alone is no paging.
    assert_eq!(detect(&query("limit", "integer"), LIST, "", ""), None);
    // A next token in the answer that no parameter can send back.
    let body = r#"{"type": "object", "properties": {"items": {"type": "array", "items": {}}, "nextPageToken": {"type": "string"}}}"#;
    assert_eq!(detect(&query("part", "string"), body, "", ""), None);
}

#[test]
fn reserved_parameters_and_echoed_positions_are_no_tokens() {
    let body = r#"{"type": "object", "properties": {"envelopes": {"type": "array", "items": {"type": "object"}}, "continuationToken": {"type": "string", "description": "Reserved for the API."}, "startPosition": {"type": "string", "description": "The starting index position of the current result set."}, "nextUri": {"type": "string", "description": "The URI for the next chunk of records."}}}"#;
    let params = [
        described("continuation_token", "string", "Reserved for the API."),
        described("start_position", "string", "The zero-based index of the first result."),
    ]
    .join(",");
    let p = detect(&params, body, "", "").unwrap();
    assert_eq!((p.style, p.response_path.as_deref()), (PaginationStyle::NextUrl, Some("nextUri")));
    // A token whose description speaks of times is still a token.
    let params = described(
        "pageToken",
        "string",
        "Processors sorted by creation time; the page token points to the next one.",
    );
    let body = r#"{"type": "object", "properties": {"processors": {"type": "array", "items": {"type": "object"}}, "nextPageToken": {"type": "string"}}}"#;
    assert_eq!(detect(&params, body, "", "").unwrap().style, PaginationStyle::NextToken);
}

#[test]
fn a_default_answer_is_the_success_when_no_other_is_declared() {
    let document = serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/candidates": {"get": {
            "parameters": [
                {"name": "page", "in": "query", "description": "For paginating through results, starting at page 1", "schema": {"type": "integer"}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "default": 20}}
            ],
            "responses": {"default": {"description": "", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {
                    "results": {"type": "array", "items": {"type": "object"}},
                    "pagination": {"type": "object", "properties": {"pages": {"type": "integer"}}}
                }
            }}}}}
        }}, "/errors": {"get": {
            "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
            "responses": {"default": {"description": "Unexpected error", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"details": {"type": "array", "items": {"type": "object"}}}
            }}}}}
        }}},
    });
    let spec = load_str("fec.json", &document.to_string()).unwrap();
    let analysis = analyze(std::slice::from_ref(&spec));
    let p = analysis.operations[0].pagination.as_ref().unwrap();
    assert_eq!((p.style, p.items_path.as_deref()), (PaginationStyle::Page, Some("results")));
    assert_eq!((p.total_pages.as_deref(), p.page_size), (Some("pagination.pages"), Some(20)));
    assert_eq!(analysis.operations[1].pagination, None, "a default that describes errors");
    assert_eq!(spec.api.operations[0].success_responses().count(), 1);
    assert_eq!(spec.api.operations[1].success_responses().count(), 0);
}

#[test]
fn link_lists_are_items_only_where_the_operation_lists_links() {
    let params = [query("pageToken", "string")].join(",");
    let body = r#"{"type": "object", "properties": {"channelPartnerLinks": {"type": "array", "items": {"type": "object"}}, "nextPageToken": {"type": "string"}}}"#;
    let document = |path: &str| {
        serde_json::json!({
            "openapi": "3.0.0",
            "info": {"title": "t", "version": "1"},
            "paths": {path: {"get": {
                "operationId": "list",
                "parameters": serde_json::from_str::<serde_json::Value>(&format!("[{params}]")).unwrap(),
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": serde_json::from_str::<serde_json::Value>(body).unwrap()}}}},
            }}},
        })
        .to_string()
    };
    let found = |path: &str| {
        let spec = load_str("links.json", &document(path)).unwrap();
        analyze(&[spec]).operations.remove(0).pagination
    };
    let p = found("/v1/{parent}/channelPartnerLinks").unwrap();
    assert_eq!(p.items_path.as_deref(), Some("channelPartnerLinks"));
    assert_eq!(p.response_path.as_deref(), Some("nextPageToken"));
    // Elsewhere a link list is navigation, not the items.
    assert_eq!(found("/v1/{parent}/customers"), None);
}
