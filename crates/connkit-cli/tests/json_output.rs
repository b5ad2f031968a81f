//! `--format json` on every command (issue 13, item 3): one JSON document on stdout, errors as
//! JSON objects with a stable `code`, exit codes unchanged. The documents are snapshots
//! (insta), with the temporary workspace's path replaced by `[WS]`; their schemas are
//! documented in docs/cli-json.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(ws: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("connkit")
        .unwrap()
        .args(args)
        .arg("--dir")
        .arg(ws)
        .arg("--format")
        .arg("json")
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(relative: &str) -> String {
    format!("{}/../connkit-gen/tests/fixtures/maintain/{relative}", env!("CARGO_MANIFEST_DIR"))
}

/// The one JSON document of stdout (exactly one), pretty, with machine paths replaced.
fn document(ws: &Path, run: &Run) -> String {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", run.stdout));
    let text = serde_json::to_string_pretty(&value).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    text.replace(&ws.display().to_string(), "[WS]")
        .replace(&repo.display().to_string(), "[REPO]")
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

#[test]
fn init_new_docs_check_sync_and_upgrade_print_one_document_each() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();

    let init = run(ws, &["init"]);
    assert_eq!(init.code, Some(0), "{}", init.stderr);
    insta::assert_snapshot!("init", document(ws, &init));

    let new = run(ws, &["new", "notes", "--spec", &fixture("sync/lite/notes.yaml")]);
    assert_eq!(new.code, Some(0), "{}", new.stderr);
    insta::assert_snapshot!("new", document(ws, &new));

    let docs = run(ws, &["docs", "notes"]);
    assert_eq!(docs.code, Some(0), "{}", docs.stderr);
    insta::assert_snapshot!("docs", document(ws, &docs));

    let check = run(ws, &["check", "notes"]);
    assert_eq!(check.code, Some(0), "{}", check.stdout);
    insta::assert_snapshot!("check", document(ws, &check));

    let sync = run(ws, &["sync", "notes"]);
    assert_eq!(sync.code, Some(0), "{}", sync.stderr);
    insta::assert_snapshot!("sync_no_op", document(ws, &sync));

    let upgrade = run(ws, &["upgrade", "notes"]);
    assert_eq!(upgrade.code, Some(0), "{}", upgrade.stderr);
    insta::assert_snapshot!("upgrade", document(ws, &upgrade));
}

#[test]
fn a_sync_with_conflicts_reports_them_in_its_document_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let new = run(ws, &["new", "shop", "--spec", &fixture("sync/v1/shop.yaml")]);
    assert_eq!(new.code, Some(0), "{}", new.stderr);
    let lib = ws.join("connectors/shop/src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, text.replace("(version 1.0.0)", "(version 1.0.0, pinned by us)")).unwrap();
    let sync = run(ws, &["sync", "shop", "--spec", &fixture("sync/v2/shop.yaml")]);
    assert_eq!(sync.code, Some(1), "{}", sync.stderr);
    let report: Value = serde_json::from_str(&sync.stdout).unwrap();
    assert_eq!(report["conflicts"], serde_json::json!(["connectors/shop/src/lib.rs"]));
    assert!(report["next_steps"][0].as_str().unwrap().contains("resolve the conflicts"));
    assert!(report["degraded"].is_object(), "{report:#}");
    assert!(report.get("error").is_none(), "a report, not an error object");
}

#[test]
fn errors_are_json_objects_with_stable_codes_and_the_usual_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let cases: [(&[&str], &str, i32); 6] = [
        (&["sync", "nope"], "unknown_connector", 2),
        (&["upgrade", "Bad_Name"], "invalid_system", 2),
        (&["docs", "nope"], "unknown_connector", 2),
        (&["call", "nope", "listThings"], "unknown_connector", 2),
        (&["new", "x", "--spec", "no/such.yaml"], "spec_not_found", 2),
        (&["analyze", "no/such.yaml"], "spec_not_found", 2),
    ];
    for (args, code, exit) in cases {
        let out = run(ws, args);
        assert_eq!(out.code, Some(exit), "{args:?}: {}", out.stderr);
        let error: Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {}", out.stdout));
        assert_eq!(error["error"]["code"], code, "{args:?}: {error:#}");
        assert_eq!(error["error"]["exit_code"], exit);
        assert!(error["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert!(!out.stderr.is_empty(), "people still get the message on stderr");
    }
    // An API answer of an error status through `connkit call`.
    let new = run(ws, &["new", "widgets", "--spec", &example("widgets.yaml")]);
    assert_eq!(new.code, Some(0), "{}", new.stderr);
    let out = Command::cargo_bin("connkit")
        .unwrap()
        .args(["call", "widgets", "getWidget", "--format", "json", "--dir"])
        .arg(ws)
        .env_remove("WIDGETS_API_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let error: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(error["error"]["code"], "usage", "a missing path parameter: {error:#}");
}
