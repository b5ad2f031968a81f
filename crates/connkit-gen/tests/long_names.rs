//! Deeply nested inline schemas and long tags never give file names too long for the file
//! system: every generated path component stays readable (at most 64 characters plus `.rs`),
//! unique, and the same from one run to the next.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod connector_support;

use std::collections::BTreeSet;
use std::path::Path;

use connector_support::create;
use connkit_gen::new::TierChoice;
use serde_json::{Value, json};

/// An object schema nested `depth` levels deep, each level under a long property name.
fn nested(depth: usize) -> Value {
    let mut schema = json!({"type": "object", "properties": {"leaf": {"type": "string"}}});
    for level in (0..depth).rev() {
        let name = format!("relationshipAttributesOfTheLevelNumber{level}");
        schema =
            json!({"type": "object", "properties": { name: {"type": "array", "items": schema} }});
    }
    schema
}

fn spec() -> String {
    let tag = "A tag that is really a whole sentence describing the operations of this group at length, as some APIs write them, and then some more words to pass two hundred and fifty-five bytes easily, because file systems stop there and people stop reading long before that".to_string();
    json!({
        "openapi": "3.0.0",
        "info": {"title": "deep", "version": "1"},
        "servers": [{"url": "https://deep.example.com"}],
        "paths": {
            "/things/{thingId}/withAVeryLongPathSegmentNamingTheSubResourceOfTheThingsInDetailAndThenSomeMoreWords": {"get": {
                "operationId": "getDeeplyNestedThingWithAnOperationIdThatGoesOnAndOnForeverAndEver",
                "tags": [tag],
                "parameters": [{"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": nested(12)}}}}
            }},
            "/others": {"post": {
                "operationId": "createOther",
                "tags": [tag],
                "requestBody": {"content": {"application/json": {"schema": nested(10)}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": nested(11)}}}}
            }}
        }
    })
    .to_string()
}

/// Every file of the connector, relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

#[test]
fn deeply_nested_inline_schemas_give_short_unique_stable_file_names() {
    let specs = vec![connkit_spec::load_str("deep.json", &spec()).unwrap()];
    let mut runs = Vec::new();
    for _ in 0..2 {
        let ws = tempfile::tempdir().unwrap();
        let outcome = create(
            ws.path(),
            "deep",
            &specs,
            TierChoice::Exactly(connkit_gen::manifest::Tier::Full),
            None,
            None,
        );
        runs.push(files(&outcome.connector_dir));
    }
    assert_eq!(runs[0], runs[1], "the same names on every run");
    let longest = runs[0].iter().flat_map(|f| f.split('/')).map(str::len).max().unwrap_or(0);
    assert!(longest > 60, "the names were not long enough to test anything: {:#?}", runs[0]);
    for file in &runs[0] {
        for component in file.split('/') {
            assert!(component.len() <= 64 + ".rs".len(), "`{component}` of {file} is too long");
        }
    }
}
