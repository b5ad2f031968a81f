//! SP-API sandbox replay: every `x-amzn-api-sandbox` static case of the shared SP-API specs
//! (913) replayed through `connkit call` against the local replay server, with the real
//! Login-with-Amazon auth (against the server's token endpoint), and client-side rate limits
//! and retries turned off through the standard settings (`AMAZON_RATE_LIMITS=off`,
//! `AMAZON_MAX_RETRIES=0`). A case passes when the request matched its case (no 599), a
//! success answer printed exactly the case's body (after being checked against the
//! operation's response schema), and an error answer exited 1 naming its status.
//!
//! Every case that fails is listed below in [`KNOWN_EXCEPTIONS`] with its reason; the test
//! fails on any other failure, and prints N/913.
//!
//! Time budget: about two minutes on 2 cores (one `connkit call` process per case, two at a
//! time).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use connkit_testkit::sandbox::{
    Expected, ParamLocation, SandboxCase, SandboxServer, TOKEN_PATH, load_cases,
};
use serde_json::Value;

/// Cases known to fail, by case name (`spec.operationId#index`), with the reason.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "catalogItems_2022-04-01.getCatalogItem#1",
        "the case's path parameter `asin` is empty: no request has an empty path segment there",
    ),
    (
        "fulfillmentInboundV0.getShipments#0",
        "the case's body lacks `AreCasesRequired`, which the spec's response type requires",
    ),
    (
        "sellers.getAccount#0",
        "the case's body lacks `marketplace.defaultCurrencyCode`, which the spec's response type requires",
    ),
    (
        "sellers.getAccount#1",
        "its request is identical to #0 (no parameters), so the 400 case cannot be reached",
    ),
    (
        "shipping.getAccount#1",
        "its request is identical to #0 (no parameters), so the 400 case cannot be reached",
    ),
    (
        "shipping.getShipment#0",
        "the case's body lacks `shipFrom.addressLine1`, which the spec's response type requires",
    ),
    (
        "supplySources_2020-07-01.getSupplySource#0",
        "the case's body lacks `address.name`, which the spec's response type requires",
    ),
    (
        "supplySources_2020-07-01.getSupplySources#0",
        "the case's body lacks `supplySources[].address.name`, which the spec's response type requires",
    ),
    (
        "vendorOrders.getPurchaseOrder#1",
        "the case's body lacks `purchaseOrderState`, which the spec's response type requires",
    ),
    (
        "vendorOrders.getPurchaseOrders#6",
        "the case's body lacks `orders[].purchaseOrderState`, which the spec's response type requires",
    ),
];

/// Concurrent `connkit call` processes.
const WORKERS: usize = 2;

fn specs_dir() -> PathBuf {
    connkit_testkit::paths::test_spec_source("amazon-sp-api")
}

/// One connector per spec (`connectors/sp-N`), all with the `AMAZON_` prefix, LWA auth
/// against the replay server's token endpoint, and the replay server as the default host.
fn write_workspace(workspace: &Path, stems: &[String], server: &str) -> BTreeMap<String, String> {
    let mut systems = BTreeMap::new();
    for (index, stem) in stems.iter().enumerate() {
        let system = format!("sp-{index}");
        let dir = workspace.join("connectors").join(&system);
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        std::fs::copy(
            specs_dir().join(format!("{stem}.json")),
            dir.join(format!("openapi/{stem}.json")),
        )
        .unwrap();
        let manifest = format!(
            r#"system = "{system}"
tier = "full"
prefix = "AMAZON_"

[[specs]]
file = "openapi/{stem}.json"
stem = "{stem}"

[auth]
kind = "lwa"
token_url = "{server}{TOKEN_PATH}"
token_header = "x-amz-access-token"

[hosts]
default = "{server}"

[runtime]
version = "0.1.0"
"#
        );
        std::fs::write(dir.join("connector.toml"), manifest).unwrap();
        systems.insert(stem.clone(), system);
    }
    std::fs::write(
        workspace.join(".env"),
        "AMAZON_CLIENT_ID=amzn1.application-oa2-client.sandbox\nAMAZON_CLIENT_SECRET=sandbox-secret\n\
         AMAZON_REFRESH_TOKEN=Atzr|sandbox-refresh\nAMAZON_RATE_LIMITS=off\nAMAZON_MAX_RETRIES=0\n",
    )
    .unwrap();
    systems
}

/// The `connkit call` arguments of a case: each parameter where the spec puts it.
fn case_args(case: &SandboxCase) -> Vec<String> {
    let mut args = Vec::new();
    for param in &case.params {
        let value = match &param.expected {
            Expected::Value(value) => value.clone(),
            Expected::Any => continue,
        };
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match param.location {
            Some(ParamLocation::Body) => {
                args.push("--body".to_string());
                args.push(value.to_string());
            }
            Some(
                ParamLocation::Path
                | ParamLocation::Query
                | ParamLocation::Header
                | ParamLocation::Form,
            ) => {
                let joined = match &value {
                    Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(","),
                    other => text(other),
                };
                args.push(format!("{}={joined}", param.name));
            }
            None => {}
        }
    }
    // Required parameters the case leaves open (absent, or matching any value) get a
    // placeholder of their type: the case does not constrain them, but a client must send them.
    for declared in case.declared.iter().filter(|d| d.required) {
        if case.params.iter().any(|p| {
            p.name == declared.name
                && p.location == Some(declared.location)
                && matches!(p.expected, Expected::Value(_))
        }) {
            continue;
        }
        if declared.location == ParamLocation::Body {
            args.push("--body".to_string());
            args.push("{}".to_string());
            continue;
        }
        let placeholder = match (&declared.first_enum, declared.ty.as_deref()) {
            (Some(Value::String(value)), _) => value.clone(),
            (Some(other), _) => other.to_string(),
            (None, Some("integer" | "number")) => "1".to_string(),
            (None, Some("boolean")) => "true".to_string(),
            (None, _) => "sandbox".to_string(),
        };
        args.push(format!("{}={placeholder}", declared.name));
    }
    args
}

/// Replays one case; `Err` says why it failed.
fn replay(workspace: &Path, system: &str, case: &SandboxCase) -> Result<(), String> {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("connkit"));
    command
        .args(["call", system, &case.operation_id])
        .args(case_args(case))
        .arg("--dir")
        .arg(workspace);
    for var in ["AMAZON_BASE_URL", "AMAZON_SANDBOX", "AMAZON_REGION"] {
        command.env_remove(var);
    }
    let output = command.output().map_err(|e| format!("could not run connkit: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if stderr.contains("599") {
        return Err(format!("request matched no case: {stderr}"));
    }
    let success = (200..300).contains(&case.status);
    match output.status.code() {
        Some(0) if success => {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let printed: Value = if stdout.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&stdout).map_err(|e| format!("stdout is not JSON: {e}"))?
            };
            let expected = case.wire_body().cloned().unwrap_or(Value::Null);
            if printed == expected {
                Ok(())
            } else {
                let short = |v: &Value| v.to_string().chars().take(160).collect::<String>();
                Err(format!(
                    "printed {} but the case answers {}",
                    short(&printed),
                    short(&expected)
                ))
            }
        }
        Some(1) if !success && stderr.contains(&format!("answered {}", case.status)) => Ok(()),
        code => Err(format!("exit {code:?} for expected status {}: {stderr}", case.status)),
    }
}

#[test]
fn sp_api_sandbox_cases_replay_through_connkit_call() {
    let cases = load_cases(&specs_dir()).unwrap();
    assert_eq!(cases.len(), 913, "testdata/specs/amazon-sp-api carries 913 static cases");
    let server = SandboxServer::start(cases.clone()).unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let mut stems: Vec<String> = cases.iter().map(|c| c.spec.clone()).collect();
    stems.dedup();
    let systems = write_workspace(workspace.path(), &stems, &server.base_url());

    let failures = Mutex::new(BTreeMap::new());
    let chunks: Vec<Vec<&SandboxCase>> = {
        let mut chunks = vec![Vec::new(); WORKERS];
        for (i, case) in cases.iter().enumerate() {
            chunks[i % WORKERS].push(case);
        }
        chunks
    };
    std::thread::scope(|scope| {
        for chunk in &chunks {
            let (failures, systems, workspace) = (&failures, &systems, workspace.path());
            scope.spawn(move || {
                for case in chunk {
                    if let Err(why) = replay(workspace, &systems[&case.spec], case) {
                        failures.lock().unwrap().insert(case.name(), why);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let passed = cases.len() - failures.len();
    println!("SP-API sandbox replay through connkit call: {passed}/{} cases pass", cases.len());
    let known: BTreeMap<&str, &str> = KNOWN_EXCEPTIONS.iter().copied().collect();
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(name, _)| !known.contains_key(name.as_str()))
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    for (name, _) in known.iter().filter(|(name, _)| !failures.contains_key(**name)) {
        println!("known exception now passes (remove it from the list): {name}");
    }
    if let Ok(path) = std::env::var("CONNKIT_SANDBOX_FAILURES") {
        let lines: Vec<String> = failures.iter().map(|(n, w)| format!("{n}\t{w}")).collect();
        std::fs::write(path, lines.join("\n")).unwrap();
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
