//! The Kinto suite through the generated crate: `connkit new kinto --spec URL` against a live
//! Kinto 26.5.0; Kinto's spec does not declare its `Next-Page` header, so the pagination of
//! `get_records` is appended to `connector.toml` the way a user would, and `connkit sync`
//! regenerates the crate with `get_records_stream` and `get_records_pages`. A program using the crate's typed
//! services (copied in as `examples/e2e.rs`) is built once and run twice: against Kinto
//! directly, then through `prism proxy --errors` in front of a second Kinto whose `http_host`
//! is the proxy (so the `Next-Page` URLs lead through it too), where Prism must report no
//! validation error. Each run: a bucket, a collection, 250 records, the pages with
//! `_limit=50` (exactly 250, no duplicates, 5 pages) and the same records through the item
//! stream, a stale `If-Match` as a typed 412, an
//! update with the ETag of a response, a delete.
//!
//! Time budget: about 25 s once the connector's dependencies are built (measured on 2
//! cores: generating, syncing and building the connector about 20 s, while the second Kinto
//! and Prism start; the two runs of the program 1 to 2 s each). The first build of the
//! dependencies adds about 2 minutes; their target dir under `target/e2e/` is kept.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use connkit_testkit::kinto::Kinto;
use connkit_testkit::paths::e2e_dir;
use connkit_testkit::prism::PrismProxy;

/// The program, copied into the connector as `examples/e2e.rs`.
const PROGRAM: &str = include_str!("e2e_kinto_crate/program.rs");

/// What a user appends to `connectors/kinto/connector.toml`: Kinto's spec does not declare
/// its `Next-Page` header, so the pagination of `get_records` is recorded by hand.
const PAGINATION_OVERRIDE: &str = r#"
[operations.get_records.pagination]
style = "next_url"
source = { header = "Next-Page" }
items_path = "data"
"#;

/// The program's dependencies beyond the connector's: its async runtime.
/// The program's runtime (the generated dev-dependency has the current-thread one only).
const TOKIO: &str = r#"tokio = { version = "1", features = ["rt-multi-thread", "macros"] }"#;

/// What the program prints when every step passed.
const DONE: &str = "ok 250 records in 5 pages";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `connkit ARGS... --dir WORKSPACE`, which must exit 0; its report (stdout, then stderr).
fn connkit(workspace: &Path, args: &[&str]) -> String {
    let output = Command::new(assert_cmd::cargo::cargo_bin("connkit"))
        .args(args)
        .arg("--dir")
        .arg(workspace)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "connkit {args:?}: {}", text(&output.stderr));
    format!("{}{}", text(&output.stdout), text(&output.stderr))
}

/// The code of the generated records service (one file, or a folder of files).
fn records_service(connector: &Path) -> String {
    let services = connector.join("src/services");
    let mut files = vec![services.join("records.rs")];
    if let Ok(dir) = std::fs::read_dir(services.join("records")) {
        files.extend(dir.map(|entry| entry.unwrap().path()));
    }
    files.iter().filter_map(|file| std::fs::read_to_string(file).ok()).collect()
}

/// The connector made by `connkit new` from the live spec, with the pagination override
/// appended and applied by `connkit sync`, and the program added as an example.
fn generate(workspace: &Path, spec_url: &str) -> PathBuf {
    connkit(workspace, &["new", "kinto", "--spec", spec_url]);
    let connector = workspace.join("connectors/kinto");
    let manifest = connector.join("connector.toml");
    let mut toml = std::fs::read_to_string(&manifest).unwrap();
    toml.push_str(PAGINATION_OVERRIDE);
    std::fs::write(&manifest, toml).unwrap();
    let synced = connkit(workspace, &["sync", "kinto"]);
    let records = records_service(&connector);
    assert!(
        records.contains("fn get_records_stream(") && records.contains("\"Next-Page\""),
        "connkit sync did not page get_records by the Next-Page header:\n{synced}"
    );

    std::fs::create_dir_all(connector.join("examples")).unwrap();
    std::fs::write(connector.join("examples/e2e.rs"), PROGRAM).unwrap();
    connkit_testkit::cargo_manifest::set_dev_dependency(&connector.join("Cargo.toml"), TOKIO)
        .unwrap();
    connector
}

/// Builds the program once; the path of its binary (as cargo reports it, so a configured
/// build target or profile directory does not matter).
fn build_program(connector: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let build = Command::new(cargo)
        .args(["build", "--quiet", "--example", "e2e", "--message-format", "json"])
        .arg("--target-dir")
        .arg(e2e_dir().join("kinto-crate-target"))
        .current_dir(connector)
        .output()
        .unwrap();
    let messages: Vec<serde_json::Value> =
        text(&build.stdout).lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let diagnostics: Vec<&str> =
        messages.iter().filter_map(|m| m["message"]["rendered"].as_str()).collect();
    assert!(
        build.status.success(),
        "building the program failed:\n{}\n{}",
        diagnostics.join(""),
        text(&build.stderr)
    );
    messages
        .iter()
        .filter(|message| message["target"]["name"] == "e2e")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the program's executable")
}

/// Runs the program against `base_url` (Kinto's `/v1`) as `user`.
fn run_program(program: &Path, base_url: &str, user: &str) -> Output {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KINTO_") {
            command.env_remove(name);
        }
    }
    command
        .env("KINTO_BASE_URL", base_url)
        .env("KINTO_USERNAME", user)
        .env("KINTO_PASSWORD", format!("{user}-password"))
        .env("KINTO_MAX_RETRIES", "0")
        .output()
        .unwrap()
}

fn assert_done(run: &Output, what: &str) {
    let stdout = text(&run.stdout);
    assert!(
        run.status.success() && stdout.contains(DONE),
        "the program failed {what} ({}):\n{stdout}\n{}",
        run.status,
        text(&run.stderr)
    );
}

#[test]
fn kinto_through_the_generated_crate() {
    let direct = Kinto::start().expect("Kinto must install and start (python3 + PyPI)");
    let workspace = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let connector = generate(workspace.path(), &direct.spec_url());

    // The servers behind the proxy start while the program builds.
    let (program, (proxied, prism)) = std::thread::scope(|scope| {
        let build = scope.spawn(|| build_program(&connector));
        let servers = PrismProxy::in_front_of_kinto()
            .expect("Kinto and Prism must install and start (python3 + PyPI, npm)");
        (build.join().unwrap(), servers)
    });

    let built = started.elapsed();
    let started = std::time::Instant::now();
    let run = run_program(&program, &format!("{}/v1", direct.origin()), "crate-user");
    assert_done(&run, "against Kinto");
    let direct_run = started.elapsed();
    direct.stop();

    let started = std::time::Instant::now();
    let run = run_program(&program, &format!("{}/v1", prism.origin()), "proxied-user");
    assert_done(&run, "through Prism");
    let proxied_run = started.elapsed();
    let violations = prism.violations();
    assert!(violations.is_empty(), "Prism reported:\n{}", violations.join("\n"));
    let log = prism.log();
    let forwarded = log.matches("Forwarding").count();
    assert!(forwarded > 250, "only {forwarded} requests went through Prism");
    let next_pages =
        log.lines().filter(|l| l.contains("/records?") && l.contains("_token=")).count();
    // Two listings (the pages, then the item stream), 4 Next-Page URLs each.
    assert_eq!(next_pages, 8, "the Next-Page requests through Prism:\n{log}");
    eprintln!(
        "kinto crate: `{DONE}` directly and through Prism ({forwarded} requests forwarded, \
         {next_pages} of them Next-Page URLs, {} violations); generated and built in {built:.1?}, \
         runs took {direct_run:.1?} and {proxied_run:.1?}",
        violations.len()
    );
    proxied.stop();
}
