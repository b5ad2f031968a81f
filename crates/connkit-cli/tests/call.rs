//! `connkit call` against wiremock: parameters, pagination, output rules, errors and exit
//! codes, on a connector workspace written the way `connkit new` lays it out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The demo API: items with a cursor-paged list, a Link-paged list, get, delete.
fn demo_spec() -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "demo", "version": "1"},
        "paths": {
            "/items": {"get": {
                "operationId": "listItems",
                "parameters": [
                    {"name": "cursor", "in": "query", "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "tags", "in": "query", "explode": false,
                     "schema": {"type": "array", "items": {"type": "string"}}}
                ],
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                                   "next": {"type": "string"}}}}}}}
            }},
            "/events": {"get": {
                "operationId": "listEvents",
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {
                    "type": "array", "items": {"type": "object"}}}}}}
            }},
            "/files/{fileId}": {"get": {
                "operationId": "getFile",
                "parameters": [{"name": "fileId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "the bytes", "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}
            }},
            "/items/new": {"post": {
                "operationId": "createItem",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}}}
            }},
            "/detect": {"post": {
                "operationId": "detect",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }},
            "/notes": {"post": {
                "operationId": "addNote",
                "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                    "type": "object", "properties": {"text": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}}}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }},
            "/items/{itemId}": {
                "get": {
                    "operationId": "getItem",
                    "parameters": [
                        {"name": "itemId", "in": "path", "required": true, "schema": {"type": "string"}},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": {"description": "the item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                        "404": {"description": "not found", "content": {"application/json": {"schema": {"type": "object"}}}}
                    }
                },
                "delete": {
                    "operationId": "deleteItem",
                    "parameters": [{"name": "itemId", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"204": {"description": "deleted"}}
                }
            }
        },
        "components": {"schemas": {"Item": {
            "type": "object", "required": ["id"],
            "properties": {"id": {"type": "string"}, "count": {"type": "integer"}}
        }}}
    })
}

/// A second spec that also has `getItem`, making the bare id ambiguous.
fn other_spec() -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "other", "version": "1"},
        "paths": {"/other/{itemId}": {"get": {
            "operationId": "getItem",
            "parameters": [{"name": "itemId", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}
        }}}
    })
}

/// Writes `connectors/demo` into `workspace`: the manifest (basic auth, no default host, so
/// DEMO_BASE_URL is required) with a pagination override, and its specs.
fn write_connector(workspace: &Path, with_other: bool) {
    let dir = workspace.join("connectors/demo");
    std::fs::create_dir_all(dir.join("openapi")).unwrap();
    std::fs::write(dir.join("openapi/demo.json"), demo_spec().to_string()).unwrap();
    let mut specs = String::from("[[specs]]\nfile = \"openapi/demo.json\"\nstem = \"demo\"\n");
    if with_other {
        std::fs::write(dir.join("openapi/other.json"), other_spec().to_string()).unwrap();
        specs.push_str("\n[[specs]]\nfile = \"openapi/other.json\"\nstem = \"other\"\n");
    }
    let list_items = if with_other { "demo.listItems" } else { "listItems" };
    let manifest = format!(
        r#"system = "demo"
tier = "lite"
prefix = "DEMO_"

{specs}
[auth]
kind = "basic"

[runtime]
version = "0.1.0"

[operations."{list_items}".pagination]
style = "next_token"
request_param = "cursor"
source = {{ body = "next" }}
items_path = "items"
"#
    );
    std::fs::write(dir.join("connector.toml"), manifest).unwrap();
}

/// A workspace with the demo connector and a `.env` pointing it at `server`.
fn workspace(server: &MockServer, with_other: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_connector(dir.path(), with_other);
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "DEMO_BASE_URL={}\nDEMO_USERNAME=alice\nDEMO_PASSWORD=s3cret-pw\nDEMO_MAX_RETRIES=0\n",
            server.uri()
        ),
    )
    .unwrap();
    dir
}

/// Runs `connkit call demo ARGS... --dir WORKSPACE` off the async runtime.
async fn connkit(workspace: &Path, args: &[&str]) -> Output {
    let mut command = assert_cmd::Command::cargo_bin("connkit").unwrap();
    command.arg("call").arg("demo").args(args).arg("--dir").arg(workspace);
    for var in ["DEMO_BASE_URL", "DEMO_USERNAME", "DEMO_PASSWORD"] {
        command.env_remove(var);
    }
    tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr with miette's wrapping undone (frame characters dropped, whitespace collapsed).
fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread")]
async fn all_streams_every_item_of_many_pages_as_ndjson() {
    let server = MockServer::start().await;
    let pages = 25;
    for page in 0..pages {
        let items: Vec<Value> =
            (0..4).map(|i| json!({"id": format!("item-{}", page * 4 + i)})).collect();
        let mut body = json!({"items": items});
        if page + 1 < pages {
            body["next"] = json!(format!("c{}", page + 1));
        }
        let mock = Mock::given(method("GET")).and(path("/items")).and(query_param("limit", "4"));
        let mock = if page == 0 {
            mock.and(query_param_is_missing("cursor"))
        } else {
            mock.and(query_param("cursor", format!("c{page}")))
        };
        mock.and(header("authorization", "Basic YWxpY2U6czNjcmV0LXB3"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1..=2)
            .mount(&server)
            .await;
    }
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["list_items", "limit=4", "--all"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<Value> =
        stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 100);
    for (i, item) in lines.iter().enumerate() {
        assert_eq!(item["id"], format!("item-{i}"));
    }

    let limited = connkit(dir.path(), &["listItems", "limit=4", "--all", "--max-pages", "3"]).await;
    assert_eq!(limited.status.code(), Some(0), "{}", stderr(&limited));
    assert_eq!(stdout(&limited).lines().count(), 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn all_follows_link_headers_when_no_pagination_is_known_and_v_says_so() {
    let server = MockServer::start().await;
    let next = format!("<{}/events?page=2>; rel=\"next\"", server.uri());
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", next.as_str())
                .set_body_json(json!([{"n": 1}, {"n": 2}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/events"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"n": 3}])))
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["listEvents", "--all", "-v"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
    let log = stderr(&output);
    assert!(log.contains("following the Link rel=\"next\" header"), "{log}");
    assert!(log.contains("/events?page=2 -> 200"), "{log}");
    assert!(!log.contains("s3cret-pw") && !log.contains("YWxpY2U6czNjcmV0LXB3"), "{log}");

    // Without --all the signal is reported, not followed.
    let single = connkit(dir.path(), &["listEvents", "-v"]).await;
    assert_eq!(stdout(&single), "[{\"n\":1},{\"n\":2}]\n");
    assert!(stderr(&single).contains("more pages: Link rel=\"next\""), "{}", stderr(&single));
}

#[tokio::test(flavor = "multi_thread")]
async fn reserved_characters_in_a_path_parameter_stay_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a%2Fb%3Fc%23d%20e"))
        .and(header("x-trace", "t-1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "a/b?c#d e", "count": 2})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["getItem", "itemId=a/b?c#d e", "X-Trace=t-1"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{\"id\":\"a/b?c#d e\",\"count\":2}\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ambiguous_id_lists_the_candidates_and_snake_case_qualified_ids_resolve() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .mount(&server)
        .await;
    let dir = workspace(&server, true);
    let output = connkit(dir.path(), &["getItem", "itemId=1"]).await;
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("ambiguous")
            && message.contains("demo.getItem")
            && message.contains("other.getItem"),
        "{message}"
    );

    let qualified = connkit(dir.path(), &["demo.get_item", "itemId=1"]).await;
    assert_eq!(qualified.status.code(), Some(0), "{}", stderr(&qualified));

    let unknown = connkit(dir.path(), &["getItme", "itemId=1"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean"), "{}", stderr(&unknown));
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_settings_are_all_named_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write_connector(dir.path(), false);
    let output = connkit(dir.path(), &["getItem", "itemId=1"]).await;
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    for variable in ["DEMO_BASE_URL", "DEMO_USERNAME", "DEMO_PASSWORD"] {
        assert!(message.contains(variable), "{variable} not named in: {message}");
    }
    assert!(!message.contains("panicked"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn form_bodies_are_encoded_from_json_objects_and_sent_as_given_from_json_strings() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(wiremock::matchers::body_string("text=hi+there&tags=a&tags=b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    // The spec's form schema is a bare string: the string is the encoded form.
    Mock::given(method("POST"))
        .and(path("/detect"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(wiremock::matchers::body_string("q=hola&source=auto"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"language": "es"})))
        .expect(1)
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output =
        connkit(dir.path(), &["addNote", "--body", r#"{"text": "hi there", "tags": ["a", "b"]}"#])
            .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = connkit(dir.path(), &["detect", "--body", r#""q=hola&source=auto""#]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("es"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_204_body_prints_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/items/9"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["delete_item", "itemId=9"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_not_valid_for_the_response_type_is_a_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 5})))
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["getItem", "itemId=5"]).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("decode error") && message.contains("$.id"), "{message}");
    assert!(output.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_api_error_shows_status_and_body_with_exit_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/404"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "no such item"})))
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["getItem", "itemId=404"]).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("404") && message.contains("no such item"), "{message}");
    assert!(!message.contains("s3cret-pw"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_parameters_are_usage_errors() {
    let server = MockServer::start().await;
    let dir = workspace(&server, false);
    let unknown = connkit(dir.path(), &["listItems", "colour=red"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("cursor (query)"), "{}", stderr(&unknown));
    let typed = connkit(dir.path(), &["listItems", "limit=ten"]).await;
    assert_eq!(typed.status.code(), Some(2));
    assert!(stderr(&typed).contains("expected an integer"), "{}", stderr(&typed));
    let missing = connkit(dir.path(), &["getItem"]).await;
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("itemId (path)"), "{}", stderr(&missing));
}

#[tokio::test(flavor = "multi_thread")]
async fn arrays_are_sent_comma_separated_when_the_spec_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(query_param("tags", "a,b,c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .expect(1)
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["listItems", "tags=a,b", "tags=c"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "{\"items\":[]}\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn binary_bodies_go_raw_to_a_pipe_or_to_output() {
    let server = MockServer::start().await;
    let bytes: Vec<u8> = (0..=255u8).collect();
    Mock::given(method("GET"))
        .and(path("/files/f1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(bytes.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let piped = connkit(dir.path(), &["getFile", "fileId=f1"]).await;
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    assert_eq!(piped.stdout, bytes);

    let file = dir.path().join("out.bin");
    let saved =
        connkit(dir.path(), &["getFile", "fileId=f1", "--output", file.to_str().unwrap()]).await;
    assert_eq!(saved.status.code(), Some(0), "{}", stderr(&saved));
    assert!(saved.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
}

// Rough edges a new user hit (issue 13, item 7).

#[tokio::test(flavor = "multi_thread")]
async fn r13_a_required_body_is_asked_for_before_anything_is_sent() {
    let server = MockServer::start().await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["createItem"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(message.contains("requires a request body") && message.contains("--body"), "{message}");
    assert!(server.received_requests().await.unwrap_or_default().is_empty(), "nothing sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn r13_all_on_an_operation_that_does_not_page_says_so() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a"})))
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    let output = connkit(dir.path(), &["getItem", "itemId=a", "--all"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("`getItem` does not page"), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), r#"{"id":"a"}"#);
}

#[tokio::test(flavor = "multi_thread")]
async fn r13_verbose_logs_one_line_per_attempt_without_repeated_fields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a"})))
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    // The environment wins over `.env` (which turns retries off).
    let mut command = assert_cmd::Command::cargo_bin("connkit").unwrap();
    command
        .args(["call", "demo", "getItem", "itemId=a", "-v", "--dir"])
        .arg(dir.path())
        .env("DEMO_MAX_RETRIES", "3");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap()).await.unwrap();
    let log = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{log}");
    let attempts: Vec<&str> =
        log.lines().filter(|l| l.contains("connkit.attempt{") && l.ends_with(": close")).collect();
    assert_eq!(attempts.len(), 3, "one line per attempt:\n{log}");
    for (n, line) in attempts.iter().enumerate() {
        assert!(line.contains(&format!("attempt={}", n + 1)), "{line}");
    }
    for line in log.lines() {
        assert!(line.matches("status=").count() <= 1, "repeated status: {line}");
        assert!(line.matches("attempts=").count() <= 1, "repeated attempts: {line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn r13_the_connectors_own_env_file_is_read_before_the_workspaces() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/a"))
        .and(header("authorization", "Basic Ym9iOnMzY3JldC1wdw=="))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "a"})))
        .mount(&server)
        .await;
    let dir = workspace(&server, false);
    std::fs::write(dir.path().join("connectors/demo/.env"), "DEMO_USERNAME=bob\n").unwrap();
    let output = connkit(dir.path(), &["getItem", "itemId=a"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
