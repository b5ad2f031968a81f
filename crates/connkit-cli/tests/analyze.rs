//! `connkit analyze` through the binary: reports, directories, and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;

fn connkit() -> Command {
    Command::cargo_bin("connkit").unwrap()
}

fn fixture(relative: &str) -> String {
    format!("{}/../connkit-spec/tests/fixtures/{relative}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn json_report_has_the_documented_shape() {
    let output = connkit()
        .args(["analyze", "--format", "json", &fixture("tiers/paginated.yaml")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["specs"][0]["title"], "Catalog");
    assert_eq!(report["specs"][0]["spec_version"], "2.0");
    assert!(report["specs"][0]["path"].as_str().unwrap().ends_with("paginated.yaml"));
    let op = &report["operations"][0];
    assert_eq!(op["id"], "listProducts");
    assert_eq!(op["operation_id"], "listProducts");
    assert_eq!(op["spec"], "paginated");
    assert_eq!(op["method"], "GET");
    assert_eq!(op["path"], "/products");
    assert_eq!(op["entity"], "products");
    assert_eq!(op["pagination"]["style"], "next_token");
    assert_eq!(op["pagination"]["request_param"], "pageToken");
    assert_eq!(op["pagination"]["response_path"], "pagination.nextToken");
    assert_eq!(op["pagination"]["items_path"], "products");
    assert!(op["rate_limit"].is_null());
    assert_eq!(report["entities"][0]["name"], "products");
    assert_eq!(report["auth"][0]["kind"], "http_basic");
    assert_eq!(report["tier"], "full");
    assert_eq!(report["reasons"][0], "1 operation pages (e.g. listProducts)");
    assert!(report["diagnostics"].as_array().unwrap().is_empty());
}

#[test]
fn a_directory_means_every_spec_in_it_analysed_together() {
    let output =
        connkit().args(["analyze", "--format", "json", &fixture("tiers")]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["specs"].as_array().unwrap().len(), 4);
    let ids: Vec<&str> = report["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"lite_api_key.getForecast"), "{ids:?}");
    assert!(ids.contains(&"oauth2.getBalance"), "{ids:?}");
}

#[test]
fn text_report_shows_the_tier_reasons_and_tables() {
    let output = connkit().args(["analyze", &fixture("tiers/lite_api_key.yaml")]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Tier: LITE\n"), "{text}");
    assert!(text.contains("3 operations: 5 or fewer"), "{text}");
    assert!(text.contains("getAlerts"), "{text}");
    assert!(text.contains("api_key"), "{text}");
}

#[test]
fn malformed_json_is_a_located_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"x\" \"version\": \"1\"}\n}\n",
    )
    .unwrap();
    let output = connkit().args(["analyze", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.json:3:"), "{stderr}");
    assert!(stderr.contains("malformed JSON"), "{stderr}");
}

#[test]
fn malformed_yaml_is_a_located_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, "openapi: 3.0.0\ninfo:\n  title: [x\n  version: 1\npaths: {}\n").unwrap();
    let output = connkit()
        .args(["analyze", "--dir", dir.path().to_str().unwrap(), "broken.yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.yaml:4:"), "{stderr}");
    assert!(stderr.contains("malformed YAML"), "{stderr}");
}

#[test]
fn a_missing_spec_or_a_document_that_is_not_openapi_exits_2() {
    let output = connkit().args(["analyze", "/definitely/not/here.yaml"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.json");
    std::fs::write(&path, "{\"hello\": \"world\"}").unwrap();
    let output = connkit().args(["analyze", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an OpenAPI document"));
}

#[test]
fn bad_usage_exits_2() {
    let output = connkit().args(["analyze"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = connkit()
        .args(["analyze", "--format", "xml", &fixture("tiers/oauth2.json")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn specs_can_be_analysed_from_a_url() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let body = std::fs::read_to_string(fixture("tiers/oauth2.json")).unwrap();
    Mock::given(method("GET"))
        .and(path("/specs/ledger.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;
    let url = format!("{}/specs/ledger.json", server.uri());
    let output = tokio::task::spawn_blocking(move || {
        connkit().args(["analyze", "--format", "json", &url]).output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["specs"][0]["stem"], "ledger");
    assert_eq!(report["auth"][0]["kind"], "oauth2_client_credentials");
    assert_eq!(report["tier"], "full");
}
