//! Generates the models of real specs and of the fixtures into ONE temporary crate, one module
//! per spec (a cargo feature per spec group), then:
//!
//! 1. `cargo clippy --lib --test round_trip --all-features -- -D warnings` on it (the crate
//!    root has `#![deny(missing_docs)]`);
//! 2. `cargo test` of a harness generated inside it that decodes every SP-API sandbox response
//!    (`x-amzn-api-sandbox` → `static`, 913 cases) into the operation's response type for its
//!    status, re-encodes it and compares the JSON (apart from key order; numbers by value), plus
//!    round trips of fixture values (unknown enum values, unknown tags, extra properties, null
//!    kept apart from absence);
//! 3. `cargo doc` with `-D warnings` on every generated module but OpenAI's.
//!
//! Spec groups: `fixtures`, `spapi` (every SP-API spec), `oxide` (every oxide spec, the 3.7 MB
//! GitHub one included) and `openai` (the 3.1 spec); all run by default, and
//! `CONNKIT_TYPES_GROUPS=fixtures,spapi` (any comma list) restricts a run while developing.
//!
//! Cases that contradict their own spec are listed in [`EXCEPTIONS`] with their reason; the
//! test fails when another case fails, and when a listed case passes (so the list stays true).
//! The crate lives in `target/connkit-gen-types/{groups}/` of the workspace with its own
//! target dir.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use connkit_gen::types::TypeSpace;
use connkit_spec::model::{Api, SchemaRef, StatusCode};
use heck::ToSnakeCase;
use serde_json::{Value, json};

/// Sandbox cases whose response contradicts the operation's own spec, with the reason.
/// Ids are `{spec}:{METHOD} {path}:{status}#{index}`.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "InvoicesApiModel_2024-06-19:POST /tax/invoices/2024-06-19/governmentInvoiceRequests:204#0",
        NO_SCHEMA,
    ),
    (
        "appIntegrations-2024-04-01:POST /appIntegrations/2024-04-01/notifications/deletion:204#0",
        NO_SCHEMA,
    ),
    (
        "appIntegrations-2024-04-01:POST /appIntegrations/2024-04-01/notifications/{notificationId}/feedback:204#0",
        NO_SCHEMA,
    ),
    ("awd_2024-05-09:PUT /awd/2024-05-09/inboundOrders/{orderId}:204#0", NO_SCHEMA),
    ("awd_2024-05-09:POST /awd/2024-05-09/inboundOrders/{orderId}/cancellation:204#0", NO_SCHEMA),
    ("awd_2024-05-09:POST /awd/2024-05-09/inboundOrders/{orderId}/confirmation:204#0", NO_SCHEMA),
    ("awd_2024-05-09:PUT /awd/2024-05-09/inboundShipments/{shipmentId}/transport:204#0", NO_SCHEMA),
    ("awd_2024-05-09:POST /awd/2024-05-09/outboundOrders/{orderId}/confirmation:204#0", NO_SCHEMA),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/items/{asin}/reviews/topics:204#0",
        NO_SCHEMA,
    ),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/items/{asin}/browseNode:204#0",
        NO_SCHEMA,
    ),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/browseNodes/{browseNodeId}/reviews/topics:204#0",
        NO_SCHEMA,
    ),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/items/{asin}/reviews/trends:204#0",
        NO_SCHEMA,
    ),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/browseNodes/{browseNodeId}/reviews/trends:204#0",
        NO_SCHEMA,
    ),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/browseNodes/{browseNodeId}/returns/topics:204#0",
        NO_SCHEMA,
    ),
    (
        "customerFeedback_2024-06-01:GET /customerFeedback/2024-06-01/browseNodes/{browseNodeId}/returns/trends:204#0",
        NO_SCHEMA,
    ),
    ("dataKiosk_2023-11-15:DELETE /dataKiosk/2023-11-15/queries/{queryId}:204#0", NO_SCHEMA),
    (
        "externalFulfillmentShipments_2024-09-11:POST /externalFulfillment/2024-09-11/shipments/{shipmentId}:204#0",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:POST /externalFulfillment/2024-09-11/shipments/{shipmentId}:204#1",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:POST /externalFulfillment/2024-09-11/shipments/{shipmentId}:204#2",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:POST /externalFulfillment/2024-09-11/shipments/{shipmentId}:204#3",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:POST /externalFulfillment/2024-09-11/shipments/{shipmentId}/packages:204#0",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:POST /externalFulfillment/2024-09-11/shipments/{shipmentId}/packages:204#1",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:PUT /externalFulfillment/2024-09-11/shipments/{shipmentId}/packages/{packageId}:204#0",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:PUT /externalFulfillment/2024-09-11/shipments/{shipmentId}/packages/{packageId}:204#1",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:PATCH /externalFulfillment/2024-09-11/shipments/{shipmentId}/packages/{packageId}:204#0",
        NO_SCHEMA,
    ),
    (
        "externalFulfillmentShipments_2024-09-11:PATCH /externalFulfillment/2024-09-11/shipments/{shipmentId}/packages/{packageId}:204#1",
        NO_SCHEMA,
    ),
    ("feeds_2021-06-30:DELETE /feeds/2021-06-30/feeds/{feedId}:200#0", NO_SCHEMA),
    (
        "fulfillmentInbound_2024-03-20:PUT /inbound/fba/2024-03-20/inboundPlans/{inboundPlanId}/name:204#0",
        NO_SCHEMA,
    ),
    (
        "fulfillmentInbound_2024-03-20:PUT /inbound/fba/2024-03-20/inboundPlans/{inboundPlanId}/shipments/{shipmentId}/name:204#0",
        NO_SCHEMA,
    ),
    ("ordersV0:POST /orders/v0/orders/{orderId}/shipment:204#0", NO_SCHEMA),
    ("ordersV0:PATCH /orders/v0/orders/{orderId}/regulatedInfo:204#0", NO_SCHEMA),
    ("ordersV0:PATCH /orders/v0/orders/{orderId}/regulatedInfo:204#1", NO_SCHEMA),
    ("ordersV0:POST /orders/v0/orders/{orderId}/shipmentConfirmation:204#0", NO_SCHEMA),
    ("reports_2021-06-30:DELETE /reports/2021-06-30/reports/{reportId}:200#0", NO_SCHEMA),
    ("reports_2021-06-30:DELETE /reports/2021-06-30/schedules/{reportScheduleId}:200#0", NO_SCHEMA),
    (
        "fulfillmentInboundV0:GET /fba/inbound/v0/shipments:200#0",
        "required field `AreCasesRequired` missing from the response",
    ),
    (
        "sellers:GET /sellers/v1/account:200#0",
        "required field `defaultCurrencyCode` missing from the response",
    ),
    (
        "shipping:GET /shipping/v1/shipments/{shipmentId}:200#0",
        "required field `name` missing from the response",
    ),
    (
        "supplySources_2020-07-01:DELETE /supplySources/2020-07-01/supplySources/{supplySourceId}:204#0",
        "required field `errors` missing from the response",
    ),
    (
        "supplySources_2020-07-01:GET /supplySources/2020-07-01/supplySources/{supplySourceId}:200#0",
        "required field `name` missing from the response",
    ),
    (
        "supplySources_2020-07-01:GET /supplySources/2020-07-01/supplySources:200#0",
        "required field `name` missing from the response",
    ),
    (
        "supplySources_2020-07-01:PUT /supplySources/2020-07-01/supplySources/{supplySourceId}/status:204#0",
        "required field `errors` missing from the response",
    ),
    (
        "supplySources_2020-07-01:PUT /supplySources/2020-07-01/supplySources/{supplySourceId}:204#0",
        "required field `errors` missing from the response",
    ),
    (
        "vendorOrders:GET /vendor/orders/v1/purchaseOrders/{purchaseOrderNumber}:200#1",
        "required field `purchaseOrderStateChangedDate` missing from the response",
    ),
    (
        "vendorOrders:GET /vendor/orders/v1/purchaseOrders:200#6",
        "required field `purchaseOrderStateChangedDate` missing from the response",
    ),
];

/// The spec declares no body (no schema) for the status, yet the sandbox returns one.
const NO_SCHEMA: &str = "no response schema for this status in the spec";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The real specs of the tests, committed under `testdata/specs/` (see its README).
fn test_specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/specs")
}

/// One spec's models module in the crate.
struct SpecModule {
    module: String,
    feature: &'static str,
    api: Api,
}

fn load(path: &Path) -> Api {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    connkit_spec::load_str(&name, &text)
        .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()))
        .api
}

fn specs_in(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)))
        .collect();
    out.sort();
    out
}

/// Every spec group the test knows.
const ALL_GROUPS: &str = "fixtures,spapi,oxide,openai";

/// The groups generated when `CONNKIT_TYPES_GROUPS` is not set: the fixtures and the SP-API
/// (the 913 sandbox round trips). The oxide and OpenAI models take much longer to compile;
/// `CONNKIT_TYPES_GROUPS=fixtures,spapi,oxide,openai` (= [`ALL_GROUPS`]) runs them too.
const DEFAULT_GROUPS: &str = "fixtures,spapi";

/// The spec groups to generate: [`DEFAULT_GROUPS`] unless `CONNKIT_TYPES_GROUPS` names some
/// of [`ALL_GROUPS`] (`CONNKIT_TYPES_GROUPS=fixtures,spapi,oxide,openai` for every spec).
fn groups() -> Vec<String> {
    let chosen =
        std::env::var("CONNKIT_TYPES_GROUPS").unwrap_or_else(|_| DEFAULT_GROUPS.to_owned());
    chosen
        .split(',')
        .map(|g| g.trim().to_owned())
        .filter(|g| ALL_GROUPS.split(',').any(|a| a == g))
        .collect()
}

fn collect_modules() -> Vec<SpecModule> {
    let groups = groups();
    let shared = test_specs();
    assert!(
        shared.is_dir(),
        "test data missing: {} is not a directory. The real specs are part of the repository \
         (testdata/specs/, see its README); restore them with `git checkout -- testdata`",
        shared.display()
    );
    let mut modules: Vec<SpecModule> = Vec::new();
    let mut add = |prefix: &str, feature: &'static str, path: &Path| {
        if !groups.iter().any(|g| g == feature) {
            return;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().to_snake_case();
        let mut module = format!("{prefix}_{stem}");
        if modules.iter().any(|m| m.module == module) {
            let ext = path.extension().unwrap().to_string_lossy().into_owned();
            module = format!("{module}_{ext}");
        }
        modules.push(SpecModule { module, feature, api: load(path) });
    };
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/types");
    for path in specs_in(&fixtures, &["yaml"]) {
        add("fixture", "fixtures", &path);
    }
    for path in specs_in(&shared.join("amazon-sp-api"), &["json"]) {
        add("spapi", "spapi", &path);
    }
    for path in specs_in(&shared.join("oxide"), &["json", "yaml"]) {
        add("oxide", "oxide", &path);
    }
    add("openai", "openai", &shared.join("openai/openapi.yaml"));
    modules
}

/// One round-trip check: a value that must decode into `ty` and re-encode to itself.
struct Case {
    id: String,
    ty: String,
    body: Value,
}

fn op_label(op: &connkit_spec::model::Operation) -> String {
    op.operation_id.clone().unwrap_or_else(|| format!("{} {}", op.method.as_str(), op.path))
}

/// Asks the space for every parameter, body and response type (as the connector generator
/// does) and returns the sandbox cases of the spec with the response type for their status.
fn exercise_operations(space: &mut TypeSpace, api: &Api, spec: &str, sandbox: bool) -> Vec<Case> {
    let mut cases = Vec::new();
    for op in &api.operations {
        let label = heck::ToUpperCamelCase::to_upper_camel_case(op_label(op).as_str());
        for param in &op.parameters {
            space.type_for(
                &param.schema,
                &format!(
                    "{label}{}",
                    heck::ToUpperCamelCase::to_upper_camel_case(param.name.as_str())
                ),
            );
        }
        if let Some(body) = &op.request_body {
            for media in &body.content {
                if let Some(schema) = &media.schema {
                    space.type_for(schema, &format!("{label}Body"));
                }
            }
        }
        for response in &op.responses {
            let schema: Option<SchemaRef> = response.json().and_then(|m| m.schema.clone());
            let ty = schema.as_ref().map(|s| {
                space.type_for(s, &format!("{label}{}Response", response.status)).tokens.to_string()
            });
            if !sandbox {
                continue;
            }
            let static_cases = response
                .extensions
                .get("x-amzn-api-sandbox")
                .and_then(|s| s.get("static"))
                .and_then(Value::as_array);
            for (index, case) in static_cases.into_iter().flatten().enumerate() {
                let status = match response.status {
                    StatusCode::Code(code) => code.to_string(),
                    other => other.to_string(),
                };
                let id = format!("{spec}:{} {}:{status}#{index}", op.method.as_upper(), op.path);
                let body = case.get("response").cloned().unwrap_or(Value::Null);
                cases.push(Case { id, ty: ty.clone().unwrap_or_default(), body });
            }
        }
    }
    cases
}

/// Round trips of fixture values that must all pass.
fn fixture_cases() -> Vec<Case> {
    let case = |id: &str, ty: &str, body: Value| Case {
        id: format!("fixture:{id}"),
        ty: format!("crate :: models :: {ty}"),
        body,
    };
    vec![
        case(
            "pet-mapped",
            "fixture_discriminator :: Pet",
            json!({"petType": "kitten", "name": "Tom", "lives": 9}),
        ),
        case(
            "pet-undeclared-tag",
            "fixture_discriminator :: Pet",
            json!({"petType": "dog", "bark": true}),
        ),
        case(
            "pet-unknown-tag",
            "fixture_discriminator :: Pet",
            json!({"petType": "parrot", "words": 12}),
        ),
        case(
            "animal-subtype",
            "fixture_discriminator :: Animal",
            json!({"kind": "Tiger", "stripes": 80, "legs": 4}),
        ),
        case(
            "shape-inferred",
            "fixture_discriminator :: Shape",
            json!({"type": "circle", "radius": 1.5}),
        ),
        case("untagged-array", "fixture_discriminator :: StringOrNumber", json!(["a", "b"])),
        case("untagged-int", "fixture_discriminator :: StringOrNumber", json!(7)),
        case(
            "zoo",
            "fixture_discriminator :: Zoo",
            json!({"pets": [{"petType": "dog", "bark": false}], "maybe": null, "value": "x"}),
        ),
        case(
            "allof-merged",
            "fixture_allof :: Deep",
            json!({"id": "1", "name": "n", "price": 2.5, "extra": true}),
        ),
        case(
            "nullable-required",
            "fixture_nullable :: Record",
            json!({"id": 1, "note": null, "parent": null, "status": "reopened"}),
        ),
        case(
            "nullable-set",
            "fixture_nullable :: Record",
            json!({"id": 1, "note": "n", "parent": {"id": "p"}, "comment": "c", "const_kind": "record"}),
        ),
        case(
            "keywords",
            "fixture_names :: Keywords",
            json!({"type": "t", "self": "s", "2fa": true, "+1": 1, "-1": 2, "": "empty", "fooBar": "a", "foo_bar": "b", "FooBar": "c", "$ref": "r"}),
        ),
        case(
            "enum-unknown",
            "fixture_enums :: Order",
            json!({"status": "Exploded", "priority": 9, "mode": "manual"}),
        ),
        case(
            "enum-known",
            "fixture_enums :: Order",
            json!({"status": "PartiallyShipped", "mode": 2.5, "channel": "web"}),
        ),
        case("mixed-known", "fixture_enums :: Mixed", json!(true)),
        case(
            "recursion",
            "fixture_recursion :: Node",
            json!({"value": "root", "children": [{"value": "leaf"}], "parent": {"value": "up"}, "meta": {"k": {"value": "m"}}}),
        ),
        case("mutual", "fixture_recursion :: A", json!({"b": {"a": {"b": {}}}})),
        case("nested", "fixture_recursion :: Nested", json!([[[]], []])),
        case("matrix", "fixture_recursion :: Matrix", json!([[1.0, 2.5], []])),
        case("extra-props", "fixture_maps :: Tagged", json!({"id": "x", "a": 1, "b": 2})),
        case("open-props", "fixture_maps :: Open", json!({"id": "x", "any": {"deep": [1, "two"]}})),
        case(
            "map-of-objects",
            "fixture_maps :: Inventory",
            json!({"apples": {"count": 3}, "pears": {}}),
        ),
        case(
            "formats",
            "fixture_maps :: Formats",
            json!({"small": 1, "big": 9007199254740993_i64, "unsigned": 18446744073709551615_u64, "when": "2024-01-01T00:00:00Z", "free": {"x": [null]}, "empty": {}, "grid": [[1], [2, 3]]}),
        ),
        case("anything", "fixture_maps :: Anything", json!({"whatever": true})),
    ]
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
}

fn run(mut command: Command, what: &str) -> (bool, String, f64) {
    let started = Instant::now();
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text, started.elapsed().as_secs_f64())
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

fn harness(types: &[String]) -> String {
    let mut out = String::from(
        "//! Round trips of sandbox responses and fixture values through the generated models.\n\
\
         #![allow(missing_docs)]\n\n\
         use connkit_types_check as krate;\n\n\
         type Check = fn(&::serde_json::Value) -> ::core::result::Result<(), ::std::string::String>;\n\n",
    );
    out.push_str(
        r#"fn check<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(
    body: &::serde_json::Value,
) -> ::core::result::Result<(), ::std::string::String> {
    let typed: T = decode(body)?;
    let back = ::serde_json::to_value(&typed).map_err(|e| format!("encode: {e}"))?;
    match first_difference(body, &back, "") {
        None => Ok(()),
        Some(diff) => Err(format!("re-encoded differs at {diff}")),
    }
}

fn decode<T: ::serde::de::DeserializeOwned>(
    body: &::serde_json::Value,
) -> ::core::result::Result<T, ::std::string::String> {
    ::serde_json::from_value(body.clone()).map_err(|e| format!("decode: {e}"))
}

/// The first place where two JSON values differ, ignoring key order and comparing numbers
/// by value.
fn first_difference(
    a: &::serde_json::Value,
    b: &::serde_json::Value,
    at: &str,
) -> ::core::option::Option<::std::string::String> {
    use ::serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{at}/{k} (dropped)")),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| format!("{at}/{k} (added)"))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{at} (length {} vs {})", x.len(), y.len()));
            }
            x.iter().zip(y).enumerate().find_map(|(i, (v, w))| first_difference(v, w, &format!("{at}/{i}")))
        }
        (Value::Number(x), Value::Number(y)) => {
            let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            };
            (!same).then(|| format!("{at} ({x} vs {y})"))
        }
        _ => (a != b).then(|| format!("{at} ({a} vs {b})")),
    }
}

"#,
    );
    out.push_str("static CHECKS: &[Check] = &[\n");
    for ty in types {
        let ty = ty.replace("crate ::", "krate ::");
        let _ = writeln!(out, "    check::<{ty}>,");
    }
    out.push_str("];\n\n");
    out.push_str(
        r#"#[test]
fn round_trip() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let text = ::std::fs::read_to_string(format!("{dir}/cases.json")).unwrap();
    let cases: Vec<(String, usize, ::serde_json::Value)> = ::serde_json::from_str(&text).unwrap();
    let mut results = ::serde_json::Map::new();
    for (id, index, body) in &cases {
        let outcome = match CHECKS.get(*index) {
            Some(check) => check(body).err(),
            None => Some("no check".to_owned()),
        };
        results.insert(id.clone(), outcome.map_or(::serde_json::Value::Null, ::serde_json::Value::from));
    }
    let out = ::serde_json::to_string_pretty(&::serde_json::Value::Object(results)).unwrap();
    ::std::fs::write(format!("{dir}/results.json"), out).unwrap();
}
"#,
    );
    out
}

#[test]
fn generated_models_compile_clean_and_round_trip() {
    let started = Instant::now();
    let root = workspace().join("target/connkit-gen-types").join(groups().join("-"));
    let krate = root.join("crate");
    let _ = std::fs::remove_dir_all(krate.join("src"));
    let _ = std::fs::remove_dir_all(krate.join("tests"));

    let modules = collect_modules();
    let mut models_mod = String::from("//! Models of every spec, one module per spec.\n");
    let mut all_cases: Vec<Case> = Vec::new();
    let mut report = String::new();
    for spec in &modules {
        let path = format!("crate::models::{}", spec.module);
        let mut space = TypeSpace::new(&spec.api, &path);
        let spec_name = spec.module.trim_start_matches("spapi_").to_owned();
        let stem = Path::new(&spec.api.source)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(spec_name);
        all_cases.extend(exercise_operations(
            &mut space,
            &spec.api,
            &stem,
            spec.feature == "spapi",
        ));
        let stats = space.stats();
        if spec.feature == "spapi" {
            assert_eq!(stats.json_fallbacks, 0, "{}: {:?}", spec.module, stats.fallback_sites);
        }
        let files = space.emit();
        if spec.feature == "spapi" {
            // Same input, same bytes: a second generation of the spec must match.
            let mut again = TypeSpace::new(&spec.api, &path);
            exercise_operations(&mut again, &spec.api, &stem, true);
            assert!(again.emit() == files, "{}: generation is not deterministic", spec.module);
        }
        let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
        let _ = writeln!(
            report,
            "{:<52} named {:>5} inline {:>5} fallbacks {:>3} free-form {:>4} lines {:>7}",
            spec.module, stats.named, stats.inline, stats.json_fallbacks, stats.free_form, lines
        );
        for site in &stats.fallback_sites {
            let _ = writeln!(report, "    fallback: {site}");
        }
        for file in files {
            write(&krate.join("src/models").join(&spec.module).join(&file.path), &file.contents);
        }
        let _ = writeln!(
            models_mod,
            "#[cfg(feature = \"{}\")]\n/// Models of `{}`.\npub mod {};",
            spec.feature,
            spec.api.title.replace('`', "'"),
            spec.module
        );
    }
    if groups().iter().any(|g| g == "fixtures") {
        all_cases.extend(fixture_cases());
    }
    eprintln!("{report}");

    // The harness: one check function per distinct type, cases referring to them by index.
    let mut types: Vec<String> = Vec::new();
    let mut index_of: BTreeMap<String, usize> = BTreeMap::new();
    let mut case_rows = Vec::new();
    let mut no_schema = Vec::new();
    for case in &all_cases {
        if case.ty.is_empty() {
            no_schema.push(case.id.clone());
            continue;
        }
        let index = *index_of.entry(case.ty.clone()).or_insert_with(|| {
            types.push(case.ty.clone());
            types.len() - 1
        });
        case_rows.push(json!([case.id, index, case.body]));
    }
    write(&krate.join("cases.json"), &serde_json::to_string(&case_rows).unwrap());
    let _ = std::fs::remove_file(krate.join("results.json"));
    write(&krate.join("tests/round_trip.rs"), &harness(&types));
    write(&krate.join("src/models/mod.rs"), &models_mod);
    write(
        &krate.join("src/lib.rs"),
        "//! Models generated by connkit-gen's type layer from the real specs, for checking.\n\
         #![deny(missing_docs)]\n\npub mod models;\n",
    );
    write(
        &krate.join("Cargo.toml"),
        "[package]\nname = \"connkit-types-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n\
         serde_json = { version = \"1\", features = [\"preserve_order\"] }\n\n\
         [lib]\ntest = false\ndoctest = false\n\n[features]\ndefault = []\nfixtures = []\nspapi = []\noxide = []\nopenai = []\n\n[workspace]\n",
    );
    if !krate.join("Cargo.lock").exists() {
        std::fs::copy(workspace().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    }
    let generated = started.elapsed().as_secs_f64();
    let target = root.join("target");

    let mut clippy = cargo();
    clippy
        .current_dir(&krate)
        // `--lib --test round_trip`, not `--all-targets`: that would check the whole library a
        // second time as its (empty) unit-test target.
        .args(["clippy", "--quiet", "--lib", "--test", "round_trip", "--all-features"])
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-D", "warnings"]);
    let (ok, out, clippy_secs) = run(clippy, "cargo clippy");
    assert!(ok, "clippy on the generated models failed:\n{}", tail(&out));

    let groups = groups();
    let case_features: Vec<&str> =
        groups.iter().map(String::as_str).filter(|g| *g == "spapi" || *g == "fixtures").collect();
    let doc_features: Vec<&str> =
        groups.iter().map(String::as_str).filter(|g| *g != "openai").collect();
    let mut test = cargo();
    test.current_dir(&krate)
        .args(["test", "--quiet", "--test", "round_trip", "--features"])
        .arg(case_features.join(","))
        .arg("--target-dir")
        .arg(&target);
    let (ok, out, test_secs) = run(test, "cargo test");
    assert!(ok, "the round-trip harness failed:\n{}", tail(&out));

    let mut doc = cargo();
    doc.current_dir(&krate)
        .env("RUSTDOCFLAGS", "-D warnings")
        .args(["doc", "--quiet", "--no-deps", "--features"])
        .arg(doc_features.join(","))
        .arg("--target-dir")
        .arg(&target);
    let (ok, out, doc_secs) = run(doc, "cargo doc");
    assert!(ok, "rustdoc warnings in the generated models:\n{}", tail(&out));

    let results: BTreeMap<String, Option<String>> =
        serde_json::from_str(&std::fs::read_to_string(krate.join("results.json")).unwrap())
            .unwrap();
    let exceptions: BTreeMap<&str, &str> = EXCEPTIONS.iter().copied().collect();
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let sandbox_total = all_cases.iter().filter(|c| !c.id.starts_with("fixture:")).count();
    let mut sandbox_pass = 0usize;
    for id in &no_schema {
        match exceptions.get(id.as_str()) {
            Some(reason) => *by_reason.entry((*reason).to_owned()).or_default() += 1,
            None => unexpected.push(format!("{id}: no response schema")),
        }
    }
    for (id, error) in &results {
        match (error, exceptions.get(id.as_str())) {
            (None, None) => sandbox_pass += usize::from(!id.starts_with("fixture:")),
            (None, Some(_)) => stale.push(id.clone()),
            (Some(error), None) => unexpected.push(format!("{id}: {error}")),
            (Some(_), Some(reason)) => *by_reason.entry((*reason).to_owned()).or_default() += 1,
        }
    }
    eprintln!(
        "sandbox round trip: {sandbox_pass}/{sandbox_total} pass; exceptions by reason: {by_reason:?}\n\
         generation {generated:.1}s, clippy {clippy_secs:.1}s, test {test_secs:.1}s, doc {doc_secs:.1}s"
    );
    assert!(unexpected.is_empty(), "{} cases failed:\n{}", unexpected.len(), unexpected.join("\n"));
    assert!(stale.is_empty(), "listed exceptions that now pass: {stale:?}");
    if groups.iter().any(|g| g == "spapi") {
        assert_eq!(sandbox_total, 913, "the SP-API specs hold 913 static sandbox cases");
    }
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(200)..].join("\n")
}
