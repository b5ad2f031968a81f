//! The Kinto suite through the generated crate: `connkit new kinto --spec URL` against a live
//! Kinto 26.5.0, then a small program using the crate's typed services (copied in as
//! `examples/e2e.rs`) is compiled and run: a bucket, a collection, 250 records, pages of 50
//! (exactly 250, no duplicates), a stale `If-Match` as a typed 412, an update with the ETag
//! of a response, a delete.
//!
//! Time budget: the connector's first build takes about 2 to 4 minutes on 2 cores (its
//! target dir under `target/e2e/` is kept, so later runs only rebuild the connector).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use connkit_testkit::kinto::Kinto;
use connkit_testkit::paths::e2e_dir;

const PROGRAM: &str = include_str!("e2e_kinto_crate/program.rs");

#[test]
fn kinto_through_the_generated_crate() {
    let kinto = Kinto::start().expect("Kinto must install and start (python3 + PyPI)");
    let workspace = tempfile::tempdir().unwrap();
    let new = Command::new(assert_cmd::cargo::cargo_bin("connkit"))
        .args(["new", "kinto", "--spec", &kinto.spec_url(), "--dir"])
        .arg(workspace.path())
        .output()
        .unwrap();
    assert_eq!(new.status.code(), Some(0), "connkit new: {}", String::from_utf8_lossy(&new.stderr));
    let connector = workspace.path().join("connectors/kinto");
    std::fs::create_dir_all(connector.join("examples")).unwrap();
    std::fs::write(connector.join("examples/e2e.rs"), PROGRAM).unwrap();
    let mut manifest = std::fs::read_to_string(connector.join("Cargo.toml")).unwrap();
    manifest.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }\n");
    std::fs::write(connector.join("Cargo.toml"), manifest).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let run = Command::new(cargo)
        .args(["run", "--quiet", "--example", "e2e", "--target-dir"])
        .arg(e2e_dir().join("kinto-crate-target"))
        .current_dir(&connector)
        .env("KINTO_BASE_URL", format!("{}/v1", kinto.origin()))
        .env("KINTO_USERNAME", "crate-user")
        .env("KINTO_PASSWORD", "crate-password")
        .env("KINTO_MAX_RETRIES", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success() && stdout.contains("ok 250 records in 5 pages"),
        "the program failed ({}):\n{stdout}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    kinto.stop();
}
