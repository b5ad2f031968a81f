//! End-to-end against a real Kinto 26.5.0 (installed from PyPI by the test support crate):
//! `connkit new kinto --spec http://127.0.0.1:PORT/v1/__api__`, the `Next-Page` pagination
//! recorded as a `connector.toml` override the way a user would, then through `connkit call`:
//! a bucket, a collection, 250 records, the list with `_limit=50` (exactly 250, no
//! duplicates), an update with a stale `If-Match` (412) and with the current ETag, a delete.
//! The same suite runs again through `prism proxy --errors` (Kinto's `http_host` set to the
//! proxy so next pages go through it too), and Prism must report no validation error.
//!
//! Time budget: about a minute for each suite on 2 cores once Kinto and Prism are installed
//! (the first install takes another 20 to 40 s each).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use connkit_testkit::kinto::Kinto;
use connkit_testkit::prism::PrismProxy;
use serde_json::Value;

/// How many records the suite creates.
const RECORDS: usize = 250;
/// Concurrent `connkit call` processes creating them.
const WRITERS: usize = 5;

/// What a user appends to `connectors/kinto/connector.toml`: Kinto's spec does not declare
/// its `Next-Page` header, so the pagination of `get_records` is recorded by hand.
const PAGINATION_OVERRIDE: &str = r#"
[operations.get_records.pagination]
style = "next_url"
source = { header = "Next-Page" }
items_path = "data"
"#;

fn connkit(workspace: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("connkit"));
    command.args(args).arg("--dir").arg(workspace);
    for var in ["KINTO_BASE_URL", "KINTO_USERNAME", "KINTO_PASSWORD"] {
        command.env_remove(var);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `connkit call kinto ARGS...`, which must succeed; its stdout as JSON (Null when empty).
fn call_ok(workspace: &Path, env: &[(&str, String)], args: &[&str]) -> (Value, String) {
    let mut all = vec!["call", "kinto"];
    all.extend_from_slice(args);
    let output = connkit(workspace, &all, env);
    assert_eq!(output.status.code(), Some(0), "connkit {all:?}: {}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let json =
        if stdout.trim().is_empty() { Value::Null } else { serde_json::from_str(&stdout).unwrap() };
    (json, text(&output.stderr))
}

/// A workspace with the Kinto connector made by `connkit new` from the live spec, the
/// pagination override appended, and basic-auth credentials in `.env`.
fn new_workspace(spec_url: &str) -> tempfile::TempDir {
    let workspace = tempfile::tempdir().unwrap();
    let output = connkit(workspace.path(), &["new", "kinto", "--spec", spec_url], &[]);
    assert_eq!(output.status.code(), Some(0), "connkit new: {}", text(&output.stderr));
    let manifest = workspace.path().join("connectors/kinto/connector.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str(PAGINATION_OVERRIDE);
    std::fs::write(&manifest, toml).unwrap();
    std::fs::write(
        workspace.path().join(".env"),
        "KINTO_USERNAME=e2e-user\nKINTO_PASSWORD=e2e-password\n",
    )
    .unwrap();
    workspace
}

/// The suite through `connkit call`; `env` may point KINTO_BASE_URL at a proxy.
fn kinto_suite(workspace: PathBuf, env: Vec<(&'static str, String)>) {
    let ws = workspace.as_path();
    call_ok(ws, &env, &["create_bucket", "--body", r#"{"data":{"id":"e2e"}}"#]);
    call_ok(
        ws,
        &env,
        &["create_collection", "bucket_id=e2e", "--body", r#"{"data":{"id":"things"}}"#],
    );

    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (workspace, env) = (workspace.clone(), env.clone());
            std::thread::spawn(move || {
                for n in (writer..RECORDS).step_by(WRITERS) {
                    let body = format!(r#"{{"data":{{"n":{n}}}}}"#);
                    let (created, _) = call_ok(
                        &workspace,
                        &env,
                        &[
                            "create_record",
                            "bucket_id=e2e",
                            "collection_id=things",
                            "--body",
                            &body,
                        ],
                    );
                    assert_eq!(created["data"]["n"], n);
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }

    let mut args = vec!["call", "kinto", "get_records", "bucket_id=e2e", "collection_id=things"];
    args.extend(["_limit=50", "--all", "-v"]);
    let listed = connkit(ws, &args, &env);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    let items: Vec<Value> =
        text(&listed.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(items.len(), RECORDS);
    let ids: HashSet<&str> = items.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), RECORDS, "duplicate records in the listing");
    let numbers: HashSet<u64> =
        items.iter().map(|r| r["data"]["n"].as_u64().or(r["n"].as_u64()).unwrap()).collect();
    assert_eq!(numbers.len(), RECORDS);
    let log = text(&listed.stderr);
    assert_eq!(log.matches(" -> 200").count(), RECORDS.div_ceil(50), "pages requested: {log}");
    assert!(!log.contains("e2e-password"), "{log}");

    let id = items[0]["id"].as_str().unwrap().to_string();
    let record = ["bucket_id=e2e", "collection_id=things"];
    let id_arg = format!("id={id}");
    let stale = connkit(
        ws,
        &[
            "call",
            "kinto",
            "update_record",
            record[0],
            record[1],
            &id_arg,
            "If-Match=\"1\"",
            "--body",
            r#"{"data":{"n":-1}}"#,
        ],
        &env,
    );
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stderr));
    let message = text(&stale.stderr);
    assert!(message.contains("412") && message.contains("Precondition Failed"), "{message}");

    let (_, log) = call_ok(ws, &env, &["get_record", record[0], record[1], &id_arg, "-v"]);
    let etag = log
        .split("ETag ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .expect("get_record -v reports the ETag")
        .trim()
        .to_string();
    let if_match = format!("If-Match={etag}");
    let (updated, _) = call_ok(
        ws,
        &env,
        &[
            "update_record",
            record[0],
            record[1],
            &id_arg,
            &if_match,
            "--body",
            r#"{"data":{"n":-1}}"#,
        ],
    );
    assert_eq!(updated["data"]["n"], -1);

    call_ok(ws, &env, &["delete_record", record[0], record[1], &id_arg]);
    let gone = connkit(ws, &["call", "kinto", "get_record", record[0], record[1], &id_arg], &env);
    assert_eq!(gone.status.code(), Some(1));
    assert!(text(&gone.stderr).contains("404"), "{}", text(&gone.stderr));
}

#[test]
fn kinto_through_connkit_call() {
    let kinto = Kinto::start().expect("Kinto must install and start (python3 + PyPI)");
    let workspace = new_workspace(&kinto.spec_url());
    kinto_suite(workspace.path().to_path_buf(), Vec::new());
    let port = kinto.port();
    kinto.stop();
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "Kinto still listens after stop"
    );
}

#[test]
fn kinto_through_prism_has_no_validation_errors() {
    let (kinto, prism) = PrismProxy::in_front_of_kinto()
        .expect("Kinto and Prism must install and start (python3 + PyPI, npm)");
    let workspace = new_workspace(&kinto.spec_url());
    let base = format!("{}/v1", prism.origin());
    kinto_suite(workspace.path().to_path_buf(), vec![("KINTO_BASE_URL", base)]);
    let violations = prism.violations();
    assert!(violations.is_empty(), "Prism reported:\n{}", violations.join("\n"));
    let forwarded = prism.log().matches("Forwarding").count();
    assert!(forwarded > RECORDS, "only {forwarded} requests went through Prism");
}
