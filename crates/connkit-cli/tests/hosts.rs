//! A connector built from several specs whose servers differ, one of them with an operation
//! served from a host of its own: every operation goes to its own host, through
//! `connkit call -v` and through the generated crate, each host a local server.
//!
//! - `shop` (the first spec) is served from host A (`/v1`), except `uploadFile`, whose own
//!   server is host C (`/uploads`);
//! - `billing` is served from host B (`/billing`).
//!
//! The call test runs on a lite connector, the crate test on a full one (services and gateway).
//! The settings keep `MULTI_BASE_URL` for A and add `MULTI_BILLING_BASE_URL` and
//! `MULTI_UPLOADS_BASE_URL`, documented in `.env.example`, AGENTS.md and SKILL.md; an override
//! moves `billing`'s calls to host D.
//!
//! Time: the `connkit call` test takes under a second. The crate test builds the generated
//! connector with a small program (`examples/hosts.rs`) in the target dir the other compile
//! tests share (`target/connkit-gen-connectors/target`): about 6 s once the runtime's
//! dependencies are built there, about 4 minutes on a cold target dir (2 busy cores).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The first spec: items on host A, uploads on host C.
fn shop_spec(a: &str, c: &str) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "shop", "version": "1"},
        "servers": [{"url": format!("{a}/v1")}],
        "paths": {
            "/items": {"get": {
                "operationId": "listItems",
                "responses": {"200": {"description": "items", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"host": {"type": "string"}}}}}}}
            }},
            "/upload": {"post": {
                "operationId": "uploadFile",
                "servers": [{"url": format!("{c}/uploads")}],
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "stored", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"host": {"type": "string"}}}}}}}
            }}
        }
    })
}

/// The second spec: invoices on host B.
fn billing_spec(b: &str) -> Value {
    json!({
        "openapi": "3.0.0",
        "info": {"title": "billing", "version": "1"},
        "servers": [{"url": format!("{b}/billing")}],
        "paths": {"/invoices": {"get": {
            "operationId": "listInvoices",
            "responses": {"200": {"description": "invoices", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"host": {"type": "string"}}}}}}}
        }}}
    })
}

/// A local server answering `{"host": NAME}` on `route`.
async fn host(name: &str, verb: &str, route: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "host": name })))
        .mount(&server)
        .await;
    server
}

/// The four hosts: A (shop), B (billing), C (uploads), D (billing's override).
struct Hosts {
    a: MockServer,
    b: MockServer,
    c: MockServer,
    d: MockServer,
}

impl Hosts {
    async fn start() -> Hosts {
        Hosts {
            a: host("a", "GET", "/v1/items").await,
            b: host("b", "GET", "/billing/invoices").await,
            c: host("c", "POST", "/uploads/upload").await,
            d: host("d", "GET", "/elsewhere/invoices").await,
        }
    }
}

/// `connkit new multi --tier TIER` from the two specs into `workspace`: the connector's
/// directory.
fn new_connector(workspace: &Path, hosts: &Hosts, tier: &str) -> PathBuf {
    let specs = workspace.join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    let shop = specs.join("shop.json");
    let billing = specs.join("billing.json");
    std::fs::write(&shop, shop_spec(&hosts.a.uri(), &hosts.c.uri()).to_string()).unwrap();
    std::fs::write(&billing, billing_spec(&hosts.b.uri()).to_string()).unwrap();
    let output = Command::new(assert_cmd::cargo::cargo_bin("connkit"))
        .args(["new", "multi", "--spec"])
        .arg(&shop)
        .arg("--spec")
        .arg(&billing)
        .args(["--tier", tier])
        .arg("--connkit-path")
        .arg(repo().join("crates/connkit"))
        .arg("--dir")
        .arg(workspace)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    workspace.join("connectors/multi")
}

/// `connkit call -v` in `workspace`: (exit code, stdout, stderr).
fn call(workspace: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("connkit"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("MULTI_") {
            command.env_remove(name);
        }
    }
    let output = command
        .arg("call")
        .arg("multi")
        .args(args)
        .arg("-v")
        .arg("--dir")
        .arg(workspace)
        .output()
        .unwrap();
    (output.status.code(), text(&output.stdout), text(&output.stderr))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_operation_goes_to_its_own_host_through_connkit_call() {
    let hosts = Hosts::start().await;
    let ws = tempfile::tempdir().unwrap();
    let connector = new_connector(ws.path(), &hosts, "lite");

    let manifest = std::fs::read_to_string(connector.join("connector.toml")).unwrap();
    assert!(manifest.contains(&format!("default = \"{}/v1\"", hosts.a.uri())), "{manifest}");
    assert!(manifest.contains(&format!("billing = \"{}/billing\"", hosts.b.uri())), "{manifest}");
    assert!(manifest.contains(&format!("uploads = \"{}/uploads\"", hosts.c.uri())), "{manifest}");
    for doc in [".env.example", "AGENTS.md", "SKILL.md"] {
        let text = std::fs::read_to_string(connector.join(doc)).unwrap();
        for variable in ["MULTI_BASE_URL", "MULTI_BILLING_BASE_URL", "MULTI_UPLOADS_BASE_URL"] {
            assert!(text.contains(variable), "{doc} does not document {variable}:\n{text}");
        }
    }
    let env = std::fs::read_to_string(connector.join(".env.example")).unwrap();
    assert!(env.contains("serves the `billing` spec"), "{env}");
    assert!(env.contains("serves `shop.uploadFile`"), "{env}");

    for (operation, extra, server, route) in [
        ("shop.listItems", None, &hosts.a, "/v1/items"),
        ("billing.listInvoices", None, &hosts.b, "/billing/invoices"),
        ("uploadFile", Some("--body={}"), &hosts.c, "/uploads/upload"),
    ] {
        let mut args = vec![operation];
        args.extend(extra);
        let (code, stdout, stderr) = call(ws.path(), &args);
        assert_eq!(code, Some(0), "{operation}: {stderr}");
        let url = format!("{}{route}", server.uri());
        assert!(stderr.contains(&url), "{operation} did not go to {url}:\n{stderr}");
        let answer: Value = serde_json::from_str(&stdout).unwrap();
        let expected = match route {
            "/v1/items" => "a",
            "/billing/invoices" => "b",
            _ => "c",
        };
        assert_eq!(answer["host"], expected, "{operation}");
    }

    // The named host's variable moves its calls; the other hosts stay.
    std::fs::write(
        ws.path().join(".env"),
        format!("MULTI_BILLING_BASE_URL={}/elsewhere\n", hosts.d.uri()),
    )
    .unwrap();
    let (code, stdout, stderr) = call(ws.path(), &["billing.listInvoices"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains(&format!("{}/elsewhere/invoices", hosts.d.uri())), "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap()["host"], "d");
    let (code, stdout, _) = call(ws.path(), &["shop.listItems"]);
    assert_eq!(code, Some(0));
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap()["host"], "a");

    let check = Command::new(assert_cmd::cargo::cargo_bin("connkit"))
        .args(["check", "multi", "--dir"])
        .arg(ws.path())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
}

/// The program built into the generated crate: every operation through the gateway, each
/// answer's host printed.
const PROGRAM: &str = r#"
use multi_connector::MultiGateway;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let gateway = MultiGateway::from_env()?;
    let items = gateway.shop().items().list_items().await?.into_inner();
    let upload = gateway.shop().upload().upload_file(&Default::default()).await?.into_inner();
    let invoices = gateway.billing().invoices().list_invoices().await?.into_inner();
    println!(
        "items={} upload={} invoices={}",
        items.host.unwrap_or_default(),
        upload.host.unwrap_or_default(),
        invoices.host.unwrap_or_default()
    );
    Ok(())
}
"#;

/// The program's runtime (the generated dev-dependency has the current-thread one only).
const TOKIO: &str = r#"tokio = { version = "1", features = ["rt-multi-thread", "macros"] }"#;

#[tokio::test(flavor = "multi_thread")]
async fn each_operation_goes_to_its_own_host_through_the_generated_crate() {
    let hosts = Hosts::start().await;
    let ws = tempfile::tempdir().unwrap();
    let connector = new_connector(ws.path(), &hosts, "full");
    std::fs::create_dir_all(connector.join("examples")).unwrap();
    std::fs::write(connector.join("examples/hosts.rs"), PROGRAM).unwrap();
    connkit_testkit::cargo_manifest::set_dev_dependency(&connector.join("Cargo.toml"), TOKIO)
        .unwrap();

    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .args(["build", "--quiet", "--example", "hosts", "--message-format", "json"])
        .arg("--target-dir")
        .arg(repo().join("target/connkit-gen-connectors/target"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .current_dir(&connector)
        .output()
        .unwrap();
    let messages: Vec<Value> =
        text(&build.stdout).lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let diagnostics: Vec<&str> =
        messages.iter().filter_map(|m| m["message"]["rendered"].as_str()).collect();
    assert!(build.status.success(), "{}\n{}", diagnostics.join(""), text(&build.stderr));
    let program = messages
        .iter()
        .filter(|message| message["target"]["name"] == "hosts")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the program");

    let run = |overrides: &[(&str, String)]| {
        let mut command = Command::new(&program);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MULTI_") {
                command.env_remove(name);
            }
        }
        command.current_dir(ws.path()).env("MULTI_MAX_RETRIES", "0");
        for (name, value) in overrides {
            command.env(name, value);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout).trim().to_string()
    };
    // The hosts of the specs, as generated.
    assert_eq!(run(&[]), "items=a upload=c invoices=b");
    // Each variable moves its own host's calls only.
    let elsewhere = format!("{}/elsewhere", hosts.d.uri());
    assert_eq!(run(&[("MULTI_BILLING_BASE_URL", elsewhere)]), "items=a upload=c invoices=d");
}
