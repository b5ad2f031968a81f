//! Pagination through `connkit new` and `connkit sync` (issue 11): a pagination read from a
//! parameter name alone is generated but recorded as a guess in `connector.toml`, reported on
//! stderr and in the JSON report, and listed under the plan's open questions until the user
//! confirms it; one the runtime cannot follow is a degradation, never silent; a token taken
//! in a request header pages; writes get no streams; streams send the page size the spec
//! defaults to or caps.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;

fn fixture() -> String {
    format!("{}/tests/fixtures/pagination/guesses.yaml", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let output =
        Command::cargo_bin("connkit").unwrap().args(args).arg("--dir").arg(dir).output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every generated service file of the connector, concatenated.
fn services(connector: &Path) -> String {
    let mut out = String::new();
    let mut stack = vec![connector.join("src/services")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push_str(&read(&path));
            }
        }
    }
    out
}

#[test]
fn guesses_are_recorded_reported_and_confirmed_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(&["new", "things", "--spec", &fixture()], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let connector = dir.path().join("connectors/things");

    // The guess: generated, recorded in the manifest, reported, an open question.
    assert!(stderr.contains("note: 1 operation(s) page by a guess"), "{stderr}");
    assert!(
        stderr.contains("listThings: read from the name of the parameter `offset`"),
        "{stderr}"
    );
    let manifest = read(&connector.join("connector.toml"));
    assert!(manifest.contains("[operations.listThings]"), "{manifest}");
    assert!(manifest.contains("pagination_guessed = "), "{manifest}");
    assert!(manifest.contains("style = \"offset\""), "{manifest}");
    let plan = read(&dir.path().join("plan/specs/integrations/things.md"));
    assert!(plan.contains("Pagination of `listThings` is a guess"), "{plan}");
    assert!(plan.contains("(a guess: see the open questions)"), "{plan}");
    let code_text = services(&connector);
    assert!(code_text.contains("pub fn list_things_stream"), "{code_text}");
    assert!(code_text.contains("The pagination is a guess"), "{code_text}");
    // The page size the spec defaults to (25) or caps (100) is sent.
    assert!(code_text.contains(r#".with_page_size("limit", 25)"#), "{code_text}");
    assert!(code_text.contains(r#".with_page_size("limit", 100)"#), "{code_text}");
    assert!(code_text.contains("pub fn list_events_stream"), "{code_text}");

    // Writes never page.
    assert!(!code_text.contains("create_thing_stream"), "{code_text}");
    assert!(!code_text.contains("replace_thing_stream"), "{code_text}");

    // A token taken in a request header pages, the token sent in that header.
    assert!(code_text.contains("pub fn list_reports_stream"), "{code_text}");
    assert!(code_text.contains(".with_params_in(ParamLocation::Header)"), "{code_text}");

    // A token the runtime cannot send (no valid header name) is a degradation, with why.
    assert!(
        stderr.contains("without the streams their documented pagination asks for"),
        "{stderr}"
    );
    assert!(stderr.contains("listAudits"), "{stderr}");
    assert!(!stderr.contains("listReports"), "{stderr}");
    assert!(plan.contains("listAudits`: the detected pagination is inconsistent"), "{plan}");
    assert!(plan.contains("`page token` is not a valid header name"), "{plan}");

    // `sync` reports the guess until the manifest no longer marks it.
    let (code, _, stderr) = run(&["sync", "things"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("note: 1 operation(s) page by a guess"), "{stderr}");
    let confirmed: String = manifest
        .lines()
        .filter(|line| !line.starts_with("pagination_guessed"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(connector.join("connector.toml"), confirmed).unwrap();
    let (code, _, stderr) = run(&["sync", "things"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("page by a guess"), "{stderr}");
    let code_text = services(&connector);
    assert!(code_text.contains("pub fn list_things_stream"), "{code_text}");
    assert!(!code_text.contains("The pagination is a guess"), "{code_text}");
}

#[test]
fn the_json_report_lists_guesses_and_unfollowed_paginations() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) =
        run(&["new", "things", "--spec", &fixture(), "--format", "json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["counts"]["guessed_pagination"], 1, "{report:#}");
    assert_eq!(report["guessed_pagination"][0]["id"], "listThings", "{report:#}");
    let operations = report["operations"].as_array().unwrap();
    let by_id = |id: &str| operations.iter().find(|op| op["id"] == id).unwrap();
    assert!(by_id("listThings")["pagination_guessed"].is_string());
    assert!(by_id("listEvents")["pagination_guessed"].is_null());
    assert_eq!(by_id("listEvents")["pagination"]["page_size"]["size"], 100);
    assert!(by_id("createThing")["item_stream"].is_null());
    let degraded = report["degraded"]["degraded"].as_array().unwrap();
    let audits = degraded.iter().find(|op| op["id"] == "listAudits").expect("listAudits degraded");
    assert_eq!(audits["reasons"][0]["cause"], "pagination_dropped", "{audits:#}");
    assert!(by_id("listReports")["item_stream"].is_string(), "{report:#}");
    assert_eq!(by_id("listReports")["pagination"]["param_in"], "header", "{report:#}");
    // `--strict` makes the degradation an error.
    let strict = tempfile::tempdir().unwrap();
    let (code, _, _) = run(&["new", "things", "--spec", &fixture(), "--strict"], strict.path());
    assert_eq!(code, 2);
}
