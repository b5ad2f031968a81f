//! `connkit check` through the binary: exit codes, JSON findings, every connector of a
//! workspace, the tier warning from the connector's own specs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn connkit() -> Command {
    Command::cargo_bin("connkit").unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../connkit-gen/tests/fixtures/maintain")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("clean"), dir.path());
    dir
}

fn check(ws: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = connkit().arg("check").args(args).arg("--dir").arg(ws).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn a_clean_connector_exits_0() {
    let ws = workspace();
    let (code, stdout, stderr) = check(ws.path(), &["demo"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("0 error(s), 0 warning(s) in 1 connector(s)"), "{stdout}");
}

#[test]
fn violations_exit_1_with_json_findings() {
    let ws = workspace();
    let file = ws.path().join("connectors/demo/src/services/widgets.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}/// Hand-written.\npub fn origin() -> &'static str {{\n    \"https://api.demo.example/v1\"\n}}\n")).unwrap();
    let line = text.lines().count() + 3;
    let (code, stdout, _) = check(ws.path(), &["--format", "json"]);
    assert_eq!(code, Some(1), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["connectors"], serde_json::json!(["demo"]));
    assert_eq!(report["errors"], 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "hardcoded-url");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["file"], "connectors/demo/src/services/widgets.rs");
    assert_eq!(finding["line"], line);
    assert!(finding["hint"].as_str().unwrap().contains("DEMO_BASE_URL"));
    let (code, stdout, _) = check(ws.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains(&format!(
            "connectors/demo/src/services/widgets.rs:{line}: error[hardcoded-url]"
        )),
        "{stdout}"
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    let ws = workspace();
    let (code, _, stderr) = check(ws.path(), &["Not_A_Name"]);
    assert_eq!(code, Some(2), "{stderr}");
    let (code, _, stderr) = check(ws.path(), &["missing"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("connkit new missing"), "{stderr}");
    let empty = tempfile::tempdir().unwrap();
    let (code, _, stderr) = check(empty.path(), &[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no connectors"), "{stderr}");
    let (code, _, _) = check(ws.path(), &["--format", "xml"]);
    assert_eq!(code, Some(2));
}

#[test]
fn a_lite_connector_whose_spec_is_now_full_gets_a_warning_and_exits_0() {
    let ws = workspace();
    let dir = ws.path().join("connectors/demo");
    let manifest = std::fs::read_to_string(dir.join("connector.toml")).unwrap();
    std::fs::write(
        dir.join("connector.toml"),
        manifest.replace("tier = \"full\"", "tier = \"lite\""),
    )
    .unwrap();
    let (code, stdout, _) = check(ws.path(), &["demo", "--format", "json"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["findings"],
        serde_json::json!([])
    );
    // The spec grows pagination: the decision table now says full.
    std::fs::copy(fixtures().join("sync/v1/shop.yaml"), dir.join("openapi/demo.yaml")).unwrap();
    let (code, stdout, _) = check(ws.path(), &["demo", "--format", "json"]);
    assert_eq!(code, Some(0), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["warnings"], 1, "{stdout}");
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "lite-should-be-full");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["file"], "connectors/demo/connector.toml");
    assert_eq!(finding["line"], 2);
    assert!(finding["message"].as_str().unwrap().contains("operation pages"), "{stdout}");
    // A spec that does not load is reported, not a crash.
    std::fs::write(dir.join("openapi/demo.yaml"), "openapi: [unclosed").unwrap();
    let (code, stdout, _) = check(ws.path(), &["demo"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("error[unreadable-spec]"), "{stdout}");
}

/// An API whose entities and models are named like guideline concepts: `auth` (`auth.test`,
/// `auth.revoke`), `retry`, `env`, an operation `sleep`, a model enum `ShippingService`.
fn named_like_concepts_spec() -> String {
    let op = |id: &str, tag: &str| {
        serde_json::json!({"operationId": id, "tags": [tag], "responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shipping"}}}}}})
    };
    serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "concepts", "version": "1"},
        "servers": [{"url": "https://concepts.example.com"}],
        "paths": {
            "/auth.test": {"post": op("auth.test", "auth")},
            "/auth.revoke": {"post": op("auth.revoke", "auth")},
            "/jobs/{id}/retry": {"post": op("retry", "retry")},
            "/jobs/{id}/sleep": {"post": op("sleep", "retry")},
            "/env.get": {"get": op("env.get", "env")},
            "/env.set": {"post": op("env.set", "env")}
        },
        "components": {"schemas": {"Shipping": {"type": "object", "properties": {
            "service": {"type": "string", "enum": ["express", "standard"]},
            "token": {"type": "string"}
        }}}}
    })
    .to_string()
}

#[test]
fn a_fresh_connector_named_like_guideline_concepts_is_clean() {
    let ws = tempfile::tempdir().unwrap();
    let spec = ws.path().join("concepts.json");
    std::fs::write(&spec, named_like_concepts_spec()).unwrap();
    let created = connkit()
        .args(["new", "concepts", "--tier", "full", "--spec"])
        .arg(&spec)
        .arg("--dir")
        .arg(ws.path())
        .output()
        .unwrap();
    assert_eq!(created.status.code(), Some(0), "{}", String::from_utf8_lossy(&created.stderr));
    let gateway =
        std::fs::read_to_string(ws.path().join("connectors/concepts/src/gateway.rs")).unwrap();
    assert!(gateway.contains("pub fn auth(&self)"), "{gateway}");
    let (code, stdout, stderr) = check(ws.path(), &["concepts"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}

/// Issue 13: one connector.toml that does not read is a finding; the other connectors of the
/// workspace are still checked.
#[test]
fn r13_an_invalid_manifest_is_a_finding_and_the_others_are_still_checked() {
    let ws = workspace();
    copy_dir(&ws.path().join("connectors/demo"), &ws.path().join("connectors/other"));
    let other = ws.path().join("connectors/other/connector.toml");
    let text = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, text.replace("system = \"demo\"", "system = \"other\"\nbogus = 1"))
        .unwrap();
    let demo = ws.path().join("connectors/demo/src/services/widgets.rs");
    let code_text = std::fs::read_to_string(&demo).unwrap();
    std::fs::write(
        &demo,
        format!("{code_text}pub fn origin() -> &'static str {{\n    \"https://x.example\"\n}}\n"),
    )
    .unwrap();
    let (code, stdout, stderr) = check(ws.path(), &["--format", "json"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"invalid-manifest"), "{stdout}");
    assert!(rules.contains(&"hardcoded-url"), "the valid connector was checked too: {stdout}");
    let invalid = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "invalid-manifest")
        .unwrap();
    assert_eq!(invalid["file"], "connectors/other/connector.toml");
    assert!(invalid["line"].as_u64().is_some(), "{invalid}");
    // Named alone, the same connector is the same finding (exit 1, not an input error).
    let (code, stdout, _) = check(ws.path(), &["other"]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("error[invalid-manifest]"), "{stdout}");
}

#[test]
fn list_rules_names_every_rule_with_its_fix() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = check(dir.path(), &["--list-rules"]);
    assert_eq!(code, Some(0));
    for rule in ["hardcoded-url", "auth-outside-client", "conflict-markers", "invalid-manifest"] {
        assert!(stdout.contains(rule), "{rule} missing:\n{stdout}");
    }
    assert!(stdout.contains("fix:"), "{stdout}");
    let (code, stdout, _) = check(dir.path(), &["--list-rules", "--format", "json"]);
    assert_eq!(code, Some(0));
    let listed: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules = listed["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["checks"].is_string() && r["fix"].is_string()));
}
