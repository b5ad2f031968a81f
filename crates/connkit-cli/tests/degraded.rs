//! Never degrade in silence (issue 11, item 5): `connkit new`, `sync` and `analyze` say on
//! stderr how many operations are degraded, why, and where (relative to the workspace);
//! `--strict` makes that exit 2; `--format json` reports it, and errors as JSON objects with a
//! stable `code`. Generated docs never contain the machine's absolute paths.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Output;

use serde_json::Value;

fn connkit(args: &[&str], workspace: &Path) -> Output {
    assert_cmd::Command::cargo_bin("connkit")
        .unwrap()
        .args(args)
        .arg("--dir")
        .arg(workspace)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A spec with three operations: one whose parameter `$ref` is broken, one in another file
/// whose response is in a file that does not exist, one whole.
fn write_broken_spec(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("ops")).unwrap();
    std::fs::write(
        dir.join("api.yaml"),
        "openapi: 3.0.3\ninfo: {title: Broken, version: '1'}\n\
         servers: [{url: 'https://broken.example.com'}]\npaths:\n  /things:\n    get:\n      \
         operationId: listThings\n      parameters:\n        \
         - $ref: '#/components/parameters/missing'\n      responses:\n        '200':\n          \
         description: ok\n          content:\n            application/json:\n              \
         schema: {type: array, items: {type: string}}\n  /things/{id}:\n    get:\n      \
         $ref: ops/get_thing.yaml\n  /ok:\n    get:\n      operationId: ok\n      \
         responses: {'204': {description: none}}\ncomponents:\n  parameters: {}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("ops/get_thing.yaml"),
        "operationId: getThing\nparameters:\n  - {name: id, in: path, required: true, schema: \
         {type: string}}\nresponses:\n  '200':\n    $ref: ../responses/missing.yaml\n",
    )
    .unwrap();
    dir.join("api.yaml")
}

#[test]
fn new_summarises_degraded_operations_with_workspace_locations() {
    let specs = tempfile::tempdir().unwrap();
    let spec = write_broken_spec(specs.path());
    let workspace = tempfile::tempdir().unwrap();
    let output = connkit(&["new", "broken", "--spec", spec.to_str().unwrap()], workspace.path());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("warning: 2 of 3 operation(s) degraded"), "{text}");
    assert!(
        text.contains("listThings (GET /things): connectors/broken/openapi/api.yaml:"),
        "{text}"
    );
    assert!(
        text.contains("getThing (GET /things/{id}): connectors/broken/openapi/ops/get_thing.yaml:"),
        "{text}"
    );
    assert!(text.contains("--strict"), "{text}");
    // The file that could not be read is told once, with the operation it degrades.
    assert!(!text.contains("other error"), "{text}");

    // No generated document names the machine's folders.
    let roots = [specs.path(), workspace.path()];
    for file in [
        "plan/specs/integrations/broken.md",
        "connectors/broken/AGENTS.md",
        "connectors/broken/SKILL.md",
    ] {
        let content = std::fs::read_to_string(workspace.path().join(file)).unwrap();
        for root in roots {
            let root = root.to_string_lossy();
            assert!(!content.contains(root.as_ref()), "{file} names {root}:\n{content}");
        }
    }
    let plan = std::fs::read_to_string(workspace.path().join("plan/specs/integrations/broken.md"))
        .unwrap();
    assert!(plan.contains("openapi/api.yaml"), "the plan locates the errors:\n{plan}");

    // sync says the same; --strict turns it into exit 2 (after writing).
    let output = connkit(&["sync", "broken"], workspace.path());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("warning: 2 of 3 operation(s) degraded"), "{text}");
    let output = connkit(&["sync", "broken", "--strict"], workspace.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));

    // analyze with the spec inside the workspace: locations relative to it.
    let inside = workspace.path().join("specs");
    write_broken_spec(&inside);
    let output = connkit(&["analyze", "specs/api.yaml"], workspace.path());
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("listThings (GET /things): specs/api.yaml:"), "{text}");
    let output = connkit(&["analyze", "specs/api.yaml", "--strict"], workspace.path());
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn strict_new_writes_nothing_and_exits_2() {
    let specs = tempfile::tempdir().unwrap();
    let spec = write_broken_spec(specs.path());
    let workspace = tempfile::tempdir().unwrap();
    let output = connkit(
        &["new", "broken", "--strict", "--format", "json", "--spec", spec.to_str().unwrap()],
        workspace.path(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("degraded"), "{}", stderr(&output));
    assert!(!workspace.path().join("connectors/broken").exists());
    assert!(!workspace.path().join("plan").exists());
    let error: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["code"], "degraded", "{error:#}");
    assert_eq!(error["error"]["exit_code"], 2);
}

#[test]
fn new_json_reports_degraded_operations_and_errors_have_codes() {
    let specs = tempfile::tempdir().unwrap();
    let spec = write_broken_spec(specs.path());
    let workspace = tempfile::tempdir().unwrap();
    let output = connkit(
        &["new", "broken", "--format", "json", "--spec", spec.to_str().unwrap()],
        workspace.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let degraded = report["degraded"]["degraded"].as_array().unwrap();
    let ids: Vec<&str> = degraded.iter().map(|op| op["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["listThings", "getThing"], "{report:#}");
    assert_eq!(degraded[0]["reasons"][0]["cause"], "spec_error");
    assert!(
        degraded[1]["reasons"][0]["location"]
            .as_str()
            .unwrap()
            .starts_with("connectors/broken/openapi/ops/get_thing.yaml:")
    );
    assert_eq!(report["counts"]["operations_emitted"], 3);
    assert!(report["next_steps"].as_array().unwrap().len() >= 2);

    // The connector exists now: a second `new` is an error with a stable code.
    let again = connkit(
        &["new", "broken", "--format", "json", "--spec", spec.to_str().unwrap()],
        workspace.path(),
    );
    assert_eq!(again.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(error["error"]["code"], "connector_exists", "{error:#}");

    let missing = connkit(
        &["new", "other", "--format", "json", "--spec", "no/such/spec.yaml"],
        workspace.path(),
    );
    assert_eq!(missing.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert_eq!(error["error"]["code"], "spec_not_found", "{error:#}");
    assert!(error["error"]["message"].as_str().unwrap().contains("no/such/spec.yaml"));
}

#[test]
fn agents_plan_and_tier_reasons_agree_on_rate_limits_without_numbers() {
    // The split fixture documents `ratelimit-limit` response headers but gives no numbers.
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split_api/openapi.yaml");
    let workspace = tempfile::tempdir().unwrap();
    let output = connkit(&["new", "split", "--spec", spec.to_str().unwrap()], workspace.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let plan =
        std::fs::read_to_string(workspace.path().join("plan/specs/integrations/split.md")).unwrap();
    let manifest =
        std::fs::read_to_string(workspace.path().join("connectors/split/connector.toml")).unwrap();
    let agents =
        std::fs::read_to_string(workspace.path().join("connectors/split/AGENTS.md")).unwrap();
    assert!(manifest.contains("a rate limit (e.g."), "the decision table fired:\n{manifest}");
    assert!(plan.contains("a rate limit (e.g."), "{plan}");
    assert!(!plan.contains("No documented rate limit"), "{plan}");
    assert!(plan.contains("Documented without numbers"), "{plan}");
    assert!(plan.contains("`droplets_list` (response header `ratelimit-limit`)"), "{plan}");
    assert!(!agents.contains("none documented"), "{agents}");
}

/// A pagination whose items path leads nowhere in the answer's schema (a `connector.toml`
/// edit): the operation keeps its streams of JSON values, and `sync` says why it is degraded.
#[test]
fn items_that_cannot_be_typed_are_a_degradation_not_silence() {
    let specs = tempfile::tempdir().unwrap();
    let spec = specs.path().join("api.json");
    std::fs::write(
        &spec,
        serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Paged", "version": "1"},
            "servers": [{"url": "https://paged.example.com"}],
            "paths": {"/things": {"get": {
                "operationId": "listThings",
                "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "a page", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "data": {"type": "array", "items": {"type": "string"}},
                        "next_cursor": {"type": "string"}}}}}}}
            }}}
        })
        .to_string(),
    )
    .unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let output = connkit(&["new", "paged", "--spec", spec.to_str().unwrap()], workspace.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stderr(&output).contains("JSON values"), "{}", stderr(&output));
    let manifest_path = workspace.path().join("connectors/paged/connector.toml");
    let mut manifest = std::fs::read_to_string(&manifest_path).unwrap();
    manifest.push_str(
        "\n[operations.listThings.pagination]\nstyle = \"cursor\"\nrequest_param = \"cursor\"\n\
         source = { body = \"next_cursor\" }\nitems_path = \"results\"\n",
    );
    std::fs::write(&manifest_path, manifest).unwrap();
    let output = connkit(&["sync", "paged", "--format", "json"], workspace.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let text = report.to_string();
    assert!(
        text.contains("the items are JSON values: the answer's schema has no `results`"),
        "{text}"
    );
}
