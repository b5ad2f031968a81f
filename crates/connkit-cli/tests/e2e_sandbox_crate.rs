//! SP-API sandbox replay through the GENERATED `amazon` connector: the 66 shared SP-API specs
//! become one `amazon` connector (`--auth lwa`, the runtime by path), and a program compiled
//! against it calls every `x-amzn-api-sandbox` static case (913) through the connector's
//! typed methods: typed path, query and header arguments, the params struct, the typed body.
//! The program's `dispatch` is written here from the generator's operation IR (one arm per
//! operation), so the calls are exactly what a user would write.
//!
//! The replay server answers a case only when the request matches it (else 599 and a header
//! naming the mismatch). Settings come from the standard variables, with client-side rate
//! limits and retries turned off (`AMAZON_RATE_LIMITS=off`, `AMAZON_MAX_RETRIES=0`), the
//! token from the server's Login-with-Amazon endpoint (`AMAZON_TOKEN_URL`). A case passes when
//! the request matched, the status is the case's, a success decoded into the operation's
//! success type and re-encodes to the case's body (apart from key order), and an error
//! decoded into that status's error type. Failing cases are listed in [`KNOWN_EXCEPTIONS`]
//! with their reason; the test prints N/913.
//!
//! Time budget: building the connector (108,000 lines) and the program takes 3 to 5 minutes on
//! 2 cores the first time (the target dir under `target/e2e/` is kept); the replay itself
//! takes seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use connkit_gen::ir::{BodyIr, OperationIr, SpecIr, SuccessIr};
use connkit_gen::manifest::AuthKind;
use connkit_gen::naming::SystemName;
use connkit_gen::new::{NewOutcome, NewRequest, NewSpec, TierChoice, create_connector};
use connkit_spec::model::{Api, ParameterLocation, SchemaKind, SchemaRef};
use connkit_testkit::paths::e2e_dir;
use connkit_testkit::sandbox::{
    Expected, ParamLocation, SandboxCase, SandboxServer, TOKEN_PATH, load_cases,
};
use serde_json::{Value, json};

/// The fixed part of the replay program (case decoding, argument conversion, output).
const HARNESS: &str = include_str!("e2e_sandbox_crate/harness.rs");

/// Cases known to fail, by case name (`spec.operationId#index`), with the reason.
const KNOWN_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "awd_2024-05-09.createOutbound#1",
        "the case's request body lacks `measurements`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "awd_2024-05-09.updateOutbound#1",
        "the case's request body lacks `measurements`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "catalogItems_2022-04-01.getCatalogItem#1",
        "the case's path parameter `asin` is empty: no request has an empty path segment there",
    ),
    (
        "easyShip_2022-03-23.createScheduledPackage#0",
        "the case's body has `packageDetails.packageDimensions` and `packageWeight`, which the spec's `PackageDetails` does not declare: a typed body drops them",
    ),
    (
        "easyShip_2022-03-23.createScheduledPackage#1",
        "the case's request body lacks `marketplaceId`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "easyShip_2022-03-23.createScheduledPackage#2",
        "the case's request body lacks `marketplaceId`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "easyShip_2022-03-23.createScheduledPackageBulk#1",
        "the case's request body lacks `orderScheduleDetailsList`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "easyShip_2022-03-23.createScheduledPackageBulk#2",
        "the case's request body lacks `labelFormat`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "externalFulfillmentShipments_2024-09-11.createPackages#0",
        "the case's request body lacks `packages`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "externalFulfillmentShipments_2024-09-11.createPackages#1",
        "the case's request body lacks `packages`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "externalFulfillmentShipments_2024-09-11.updatePackage#0",
        "the case's request body lacks `id`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "externalFulfillmentShipments_2024-09-11.updatePackage#1",
        "the case's request body lacks `id`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "feeds_2021-06-30.createFeed#1",
        "the case's request body lacks `feedType`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "feeds_2021-06-30.createFeedDocument#1",
        "the case's request body lacks `contentType`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "fulfillmentInboundV0.getShipments#0",
        "the case's response body lacks `payload.ShipmentData[0].AreCasesRequired`, which the spec's response type requires",
    ),
    (
        "ordersV0.updateVerificationStatus#2",
        "the case's request body lacks `externalReviewerId`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "ordersV0.updateVerificationStatus#4",
        "the case's request body lacks `externalReviewerId`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "ordersV0.updateVerificationStatus#5",
        "the case's request body lacks `clinicId`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "productFeesV0.getMyFeesEstimateForASIN#1",
        "the case's request body lacks `PriceToEstimateFees`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "productFeesV0.getMyFeesEstimateForSKU#1",
        "the case's request body lacks `PriceToEstimateFees`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "reports_2021-06-30.createReportSchedule#1",
        "the case's request body lacks `marketplaceIds`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "sellerWallet_2024-03-01.createTransferSchedule#7",
        "the case's request body lacks `destinationTransactionInstrument`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "sellers.getAccount#0",
        "the case's response body lacks `payload.marketplaceParticipationList[0].marketplace.defaultCurrencyCode`, which the spec's response type requires",
    ),
    (
        "sellers.getAccount#1",
        "its request is identical to #0 (no parameters), so the server answers #0, whose body lacks a required field",
    ),
    (
        "services.assignAppointmentResources#6",
        "the case's request body lacks `resources`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.createReservation#2",
        "the case's request body lacks `type`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.createReservation#3",
        "the case's request body lacks `type`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.createServiceDocumentUploadDestination#1",
        "the case's request body lacks `contentType`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.createServiceDocumentUploadDestination#2",
        "the case's request body lacks `contentLength`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.createServiceDocumentUploadDestination#3",
        "the case's request body lacks `contentType`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.getFixedSlotCapacity#4",
        "the case's request body lacks `startDateTime`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.getRangeSlotCapacity#5",
        "the case's request body lacks `endDateTime`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.setAppointmentFulfillmentData#23",
        "the case's request body lacks `endTime`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.updateReservation#2",
        "the case's request body lacks `type`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "services.updateReservation#3",
        "the case's request body lacks `type`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#0",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#1",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#2",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#3",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#4",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#5",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#6",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.createShipment#7",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.getAccount#1",
        "its request is identical to #0 (no parameters), so the 400 case cannot be reached",
    ),
    (
        "shipping.getShipment#0",
        "the case's response body lacks `payload.shipFrom.name`, which the spec's response type requires",
    ),
    (
        "shipping.purchaseShipment#0",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "shipping.purchaseShipment#1",
        "the case's request body lacks `shipTo`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "supplySources_2020-07-01.getSupplySource#0",
        "the case's response body lacks `address.name`, which the spec's response type requires",
    ),
    (
        "supplySources_2020-07-01.getSupplySources#0",
        "the case's response body lacks `supplySources[0].address.name`, which the spec's response type requires",
    ),
    (
        "supplySources_2020-07-01.updateSupplySource#1",
        "the case's request body lacks `throughputUnit`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorDirectFulfillmentOrdersV1.submitAcknowledgement#2",
        "the case's request body lacks `partyId`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorDirectFulfillmentPaymentsV1.submitInvoice#2",
        "the case's request body lacks `remitToParty`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorDirectFulfillmentShippingV1.submitShipmentConfirmations#2",
        "the case's request body lacks `shipmentDetails`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorDirectFulfillmentShippingV1.submitShipmentStatusUpdates#0",
        "the case's request body lacks `name`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorDirectFulfillmentShippingV1.submitShipmentStatusUpdates#2",
        "the case's request body lacks `sellingParty`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorDirectFulfillmentShippingV1.submitShippingLabelRequest#3",
        "the case's request body lacks `sellingParty`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorInvoices.submitInvoices#1",
        "the case's request body lacks `id`, which the spec's body type requires: a typed body cannot carry it",
    ),
    (
        "vendorOrders.getPurchaseOrder#1",
        "the case's response body lacks `payload.orderDetails.purchaseOrderStateChangedDate`, which the spec's response type requires",
    ),
    (
        "vendorOrders.getPurchaseOrders#6",
        "the case's response body lacks `payload.orders[0].orderDetails.purchaseOrderStateChangedDate`, which the spec's response type requires",
    ),
    (
        "vendorOrders.submitAcknowledgement#2",
        "the case's request body lacks `partyId`, which the spec's body type requires: a typed body cannot carry it",
    ),
];

fn specs_dir() -> PathBuf {
    connkit_testkit::paths::test_spec_source("amazon-sp-api")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Generates the `amazon` connector into `workspace` (one connector, 66 specs, LWA preset);
/// also gives the loaded specs by stem.
fn generate_amazon(workspace: &Path) -> (NewOutcome, BTreeMap<String, Api>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(specs_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let specs: Vec<connkit_spec::LoadedSpec> = files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            connkit_spec::load_str(&name, &std::fs::read_to_string(path).unwrap()).unwrap()
        })
        .collect();
    let analysis = connkit_spec::analyze(&specs);
    let request = NewRequest {
        system: SystemName::parse("amazon").unwrap(),
        workspace: workspace.to_path_buf(),
        specs: specs
            .iter()
            .map(|s| NewSpec { api: &s.api, files: &s.files, source_url: None })
            .collect(),
        analysis: &analysis,
        tier: TierChoice::Auto,
        auth: Some(AuthKind::Lwa),
        token_url: None,
        token_header: None,
        key_prefix: None,
        runtime_path: Some(repo_root().join("crates/connkit")),
        connkit_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let outcome = create_connector(&request, &()).unwrap();
    let apis = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().to_string())
        .zip(specs.into_iter().map(|s| s.api))
        .collect();
    (outcome, apis)
}

/// A small value that satisfies `schema`: required properties only, the first allowed value,
/// the fewest items allowed. Used for a body the case does not constrain: a typed method
/// needs a valid one.
fn minimal(api: &Api, schema: &SchemaRef, depth: usize) -> Value {
    let Some(resolved) = api.resolve(schema) else { return json!({}) };
    if depth > 16 {
        return Value::Null;
    }
    match &resolved.kind {
        SchemaKind::Boolean => json!(true),
        SchemaKind::Integer { values } => values.first().map_or(json!(1), |v| json!(v)),
        SchemaKind::Number => json!(1),
        SchemaKind::String { values } => match (values.first(), resolved.format.as_deref()) {
            (Some(value), _) => json!(value),
            (None, Some("date-time")) => json!("2024-01-01T00:00:00Z"),
            (None, Some("date")) => json!("2024-01-01"),
            (None, _) => json!("sandbox"),
        },
        SchemaKind::Array { items } => {
            let count = resolved.constraints.min_items.unwrap_or(0).min(3);
            Value::Array((0..count).map(|_| minimal(api, items, depth + 1)).collect())
        }
        SchemaKind::Object { properties, required, .. } => Value::Object(
            required
                .iter()
                .map(|name| {
                    let value = properties
                        .get(name)
                        .map_or(json!("sandbox"), |p| minimal(api, p, depth + 1));
                    (name.clone(), value)
                })
                .collect(),
        ),
        SchemaKind::AllOf { parts } => {
            let mut merged = serde_json::Map::new();
            for part in parts {
                if let Value::Object(fields) = minimal(api, part, depth + 1) {
                    merged.extend(fields);
                }
            }
            Value::Object(merged)
        }
        SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. } => {
            variants.first().map_or(json!({}), |v| minimal(api, v, depth + 1))
        }
        SchemaKind::Const { value } => value.clone(),
        SchemaKind::Enum { values } => values.first().cloned().unwrap_or(Value::Null),
        SchemaKind::Null => Value::Null,
        _ => json!({}),
    }
}

/// A type of the IR as the program names it (`crate::` is the connector's crate).
fn ty(tokens: &impl std::fmt::Display) -> String {
    tokens.to_string().replace("crate ::", "amazon_connector ::")
}

fn location(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

/// One `dispatch` arm: the typed call of `op` of `spec`'s entity at `entity_module`.
fn call_arm(spec: &SpecIr, entity: (&str, &str), op: &OperationIr) -> String {
    let (entity_accessor, entity_module) = entity;
    let mut args = Vec::new();
    for param in &op.required {
        args.push(format!(
            "&case.arg::<{}>({:?}, {:?})?",
            ty(&param.ty),
            location(param.location),
            param.wire_name
        ));
    }
    if let Some(params_ty) = op.params_type() {
        let mut fields = String::new();
        for param in &op.optional {
            write!(
                fields,
                "{}: case.opt::<{}>({:?}, {:?})?, ",
                param.rust_name,
                ty(&param.ty),
                location(param.location),
                param.wire_name
            )
            .unwrap();
        }
        args.push(format!(
            "&amazon_connector::services::{}::{entity_module}::{params_ty} {{ {fields} }}",
            spec.module
        ));
    }
    match &op.body {
        Some(BodyIr::Json { ty: body, .. }) => args.push(format!("&case.body::<{}>()?", ty(body))),
        Some(BodyIr::Form { ty: body, .. }) => args.push(format!("&case.form::<{}>()?", ty(body))),
        Some(BodyIr::Multipart { .. }) => args.push("case.multipart()?".to_string()),
        Some(BodyIr::Bytes { .. }) => args.push("case.raw()?".to_string()),
        None => {}
    }
    let outcome = match op.success {
        SuccessIr::Json(_) | SuccessIr::MaybeJson(_) | SuccessIr::Empty | SuccessIr::Text => "json",
        SuccessIr::Bytes => "bytes",
        SuccessIr::Stream => "stream",
    };
    format!(
        "{:?} => {{\n let call = async {{ Ok::<_, String>(Outcome::{outcome}(gateway.{}().{entity_accessor}().{}({}).await)) }};\n call.await.unwrap_or_else(Outcome::bad_input)\n }}\n",
        op.qualified_id,
        spec.gateway_accessor(),
        op.rust_name,
        args.join(", ")
    )
}

/// The whole program: the harness and a `dispatch` with one arm per operation.
fn program(specs: &[SpecIr]) -> String {
    let mut arms = String::new();
    for spec in specs {
        for entity in &spec.entities {
            for op in &entity.operations {
                arms.push_str(&call_arm(
                    spec,
                    (entity.accessor.as_str(), entity.module.as_str()),
                    op,
                ));
            }
        }
    }
    format!(
        "{HARNESS}\n/// Calls the case's operation through its typed method.\n\
         async fn dispatch(gateway: &amazon_connector::AmazonGateway, case: &Case) -> Outcome {{\n\
         match case.operation.as_str() {{\n{arms}\
         other => Outcome::bad_input(format!(\"no method for operation `{{other}}`\")),\n}}\n}}\n"
    )
}

/// The case as the program reads it: every constrained parameter where the spec puts it, and
/// a placeholder of its type for each required parameter the case leaves open (the case does
/// not constrain it, but a caller must send it).
fn case_json(case: &SandboxCase, api: &Api, op: &OperationIr) -> Value {
    let mut params = Vec::new();
    let mut body = None;
    let name_of = |location: ParamLocation| match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Body => "body",
        ParamLocation::Form => "form",
    };
    for param in &case.params {
        let (Expected::Value(value), Some(location)) = (&param.expected, param.location) else {
            continue;
        };
        if location == ParamLocation::Body {
            body = Some(value.clone());
        } else {
            params.push(json!({"location": name_of(location), "name": param.name, "value": value}));
        }
    }
    for declared in case.declared.iter().filter(|d| d.required) {
        let given = case.params.iter().any(|p| {
            p.name == declared.name
                && p.location == Some(declared.location)
                && matches!(p.expected, Expected::Value(_))
        });
        if given || declared.location == ParamLocation::Body {
            continue;
        }
        let placeholder = match (&declared.first_enum, declared.ty.as_deref()) {
            (Some(value), _) => value.clone(),
            (None, Some("integer" | "number")) => json!(1),
            (None, Some("boolean")) => json!(true),
            (None, Some("array")) => json!(["sandbox"]),
            (None, _) => json!("sandbox"),
        };
        params.push(
            json!({"location": name_of(declared.location), "name": declared.name, "value": placeholder}),
        );
    }
    if body.is_none() {
        let operation =
            api.operations.iter().find(|o| o.method == op.method && o.path == op.path).unwrap();
        body = operation
            .request_body
            .as_ref()
            .filter(|b| b.required || matches!(op.body, Some(BodyIr::Json { .. })))
            .and_then(|b| b.content.iter().find_map(|m| m.schema.as_ref()))
            .map(|schema| minimal(api, schema, 0));
    }
    json!({
        "name": case.name(),
        "operation": op.qualified_id,
        "params": params,
        "body": body,
    })
}

/// Why a case's outcome line does not pass, if it does not.
fn judge(case: &SandboxCase, line: &Value) -> Option<String> {
    let status = line["status"].as_u64();
    let error = line["error"].as_str().unwrap_or("");
    if status == Some(599) {
        return Some(format!("request matched no case: {error}"));
    }
    if status != Some(u64::from(case.status)) {
        return Some(format!("status {status:?}, the case answers {}: {error}", case.status));
    }
    if !line["typed"].as_bool().unwrap_or(false) {
        return Some(format!("the {} body did not decode into its type: {error}", case.status));
    }
    if (200..300).contains(&case.status) {
        let expected = case.wire_body().cloned().unwrap_or(Value::Null);
        let got = &line["value"];
        let empty_like = matches!(&expected, Value::Null)
            || expected.as_object().is_some_and(serde_json::Map::is_empty)
            || expected.as_str().is_some_and(str::is_empty);
        if !(got.is_null() && empty_like)
            && let Some(difference) = first_difference(got, &expected, "$")
        {
            return Some(format!("re-encoded differs: {difference}"));
        }
    }
    None
}

/// Where `got` and `expected` first differ, if they do: key order aside, and numbers compared
/// by value (`10.0` for the spec's `type: number` is the case's `10`).
fn first_difference(got: &Value, expected: &Value, path: &str) -> Option<String> {
    let short = |v: Option<&Value>| {
        v.map_or("(absent)".to_string(), |v| v.to_string().chars().take(80).collect())
    };
    match (got, expected) {
        (Value::Object(a), Value::Object(b)) => {
            a.keys().chain(b.keys()).find_map(|key| match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => first_difference(x, y, &format!("{path}.{key}")),
                (x, y) => Some(format!("{path}.{key}: {} vs the case's {}", short(x), short(y))),
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]"))),
        (Value::Number(x), Value::Number(y)) => {
            let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(p), Some(q), _, _) => p == q,
                (_, _, Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            };
            (!same).then(|| format!("{path}: {x} vs the case's {y}"))
        }
        _ => (got != expected).then(|| {
            format!("{path}: {} vs the case's {}", short(Some(got)), short(Some(expected)))
        }),
    }
}

#[test]
fn sp_api_sandbox_cases_replay_through_the_generated_connector() {
    let cases = load_cases(&specs_dir()).unwrap();
    assert_eq!(cases.len(), 913, "testdata/specs/amazon-sp-api carries 913 static cases");
    let server = SandboxServer::start(cases.clone()).unwrap();

    let root = e2e_dir().join("sandbox-crate");
    let _ = std::fs::remove_dir_all(root.join("connectors"));
    std::fs::create_dir_all(&root).unwrap();
    let (outcome, apis) = generate_amazon(&root);
    let connector = outcome.connector_dir.clone();
    std::fs::create_dir_all(connector.join("examples")).unwrap();
    std::fs::write(connector.join("examples/replay.rs"), program(&outcome.specs)).unwrap();
    connkit_testkit::cargo_manifest::set_dev_dependency(
        &connector.join("Cargo.toml"),
        r#"tokio = { version = "1", features = ["rt", "macros"] }"#,
    )
    .unwrap();
    let cases_file = root.join("cases.json");
    // Each case's operation by method and path (operation ids may be renamed when repeated).
    let inputs: Vec<Value> = cases
        .iter()
        .map(|case| {
            let spec = outcome.specs.iter().find(|s| s.stem == case.spec).unwrap();
            let op = spec
                .operations()
                .find(|op| op.method.as_upper() == case.method && op.path == case.path)
                .unwrap_or_else(|| panic!("no operation for {}", case.name()));
            case_json(case, &apis[&case.spec], op)
        })
        .collect();
    std::fs::write(&cases_file, serde_json::to_string(&inputs).unwrap()).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--quiet", "--example", "replay", "--target-dir"])
        .arg(e2e_dir().join("sandbox-crate-target"))
        .current_dir(&connector)
        .env_remove("CARGO_TARGET_DIR")
        .env("REPLAY_CASES", &cases_file)
        .env("AMAZON_BASE_URL", server.base_url())
        .env("AMAZON_TOKEN_URL", format!("{}{TOKEN_PATH}", server.base_url()))
        .env("AMAZON_CLIENT_ID", "amzn1.application-oa2-client.sandbox")
        .env("AMAZON_CLIENT_SECRET", "sandbox-secret")
        .env("AMAZON_REFRESH_TOKEN", "Atzr|sandbox-refresh")
        .env("AMAZON_RATE_LIMITS", "off")
        .env("AMAZON_MAX_RETRIES", "0");
    for var in ["AMAZON_REGION", "AMAZON_SANDBOX"] {
        command.env_remove(var);
    }
    let run = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the replay program failed ({}):\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr).chars().take(20_000).collect::<String>()
    );
    let lines: BTreeMap<String, Value> = stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|v| (v["name"].as_str().unwrap().to_string(), v))
        .collect();
    let mut failures = BTreeMap::new();
    for case in &cases {
        let why = match lines.get(&case.name()) {
            Some(line) => judge(case, line),
            None => Some("the program printed no line for it".to_string()),
        };
        if let Some(why) = why {
            failures.insert(case.name(), why);
        }
    }
    let passed = cases.len() - failures.len();
    println!(
        "SP-API sandbox replay through the generated connector: {passed}/{} cases pass",
        cases.len()
    );
    let known: BTreeMap<&str, &str> = KNOWN_EXCEPTIONS.iter().copied().collect();
    for name in known.keys().filter(|name| !failures.contains_key(**name)) {
        println!("known exception now passes (remove it from the list): {name}");
    }
    if let Ok(path) = std::env::var("CONNKIT_SANDBOX_FAILURES") {
        let lines: Vec<String> = failures.iter().map(|(n, w)| format!("{n}\t{w}")).collect();
        std::fs::write(path, lines.join("\n")).unwrap();
    }
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(name, _)| !known.contains_key(name.as_str()))
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
