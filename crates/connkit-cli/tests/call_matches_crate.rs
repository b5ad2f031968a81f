//! Property test of the one connector contract (issue 14, item 1): for random small specs
//! and manifests, `connkit call` and the generated crate send the same request (method, URL
//! with its query, headers, body) for the same arguments.
//!
//! Each case is one operation of a spec of its own, drawn with proptest from a fixed seed:
//! parameters in the path (`simple`, `label`, `matrix`, scalars and lists), the query
//! (scalars; arrays in `form` style, exploded or not, `spaceDelimited`, `pipeDelimited`),
//! headers (scalars and lists) and cookies, strings with reserved characters and integers;
//! the auth the spec declares (an API key in a header or the query, bearer, basic); the host
//! (the spec's, or one of the operation's own: a named host); the body (none, a JSON object,
//! a form, a form whose `encoding` writes an object as `deepObject` and a list comma-joined);
//! the manifest's own choices (a key prefix, bearer auth instead of the spec's
//! scheme). Every case becomes a lite connector (`create_connector`) in ONE workspace, with
//! one program calling every case's generated method with the case's arguments; the program
//! is compiled once. Then, against one
//! local recording server (127.0.0.1, free port), the program and `connkit call` send each
//! case's request with the same settings (every `*_BASE_URL` of `.env.example` pointing at the
//! server under a path naming the variable, so the host an operation goes to shows), and the
//! two recorded requests must be the same. Headers are compared without `user-agent`, whose
//! `connkit call` suffix is checked apart; JSON bodies as JSON values and form bodies as
//! sorted pairs (the key order of a struct and of a JSON object may differ).
//!
//! Time (40 cases): about 30 s once the runtime's dependencies are built in the target dir
//! the other compile tests share (`target/connkit-gen-connectors/target`): 2-3 s generating,
//! 20-40 s building the program, 3 s of calls; the first build on a cold target dir adds the
//! runtime's dependencies (about 4 minutes on 2 busy cores, see tests/hosts.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use connkit_gen::ir::{BodyIr, OperationIr};
use connkit_gen::naming::SystemName;
use connkit_gen::new::{NewRequest, NewSpec, TierChoice, create_connector};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Value, json};

use wiremock::{Mock, MockServer, ResponseTemplate};

/// How many cases (connectors) the test draws.
const CASES: usize = 40;

/// The seed of the draw (fixed: the same cases on every run).
const SEED: [u8; 32] = *b"connkit-call-matches-the-crate!!";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Where a drawn parameter goes and how.
#[derive(Debug, Clone)]
enum ParamKind {
    /// A path segment in `simple`, `label` or `matrix` style, a list or not.
    Path {
        style: &'static str,
        explode: bool,
        list: bool,
    },
    QueryScalar,
    /// An array of strings in the query: `form` (exploded or not), `spaceDelimited` or
    /// `pipeDelimited`.
    QueryArray {
        style: &'static str,
        explode: bool,
    },
    /// A header, a list (comma-joined) or not.
    Header {
        list: bool,
    },
    /// A cookie (a scalar).
    Cookie,
}

impl ParamKind {
    fn is_list(&self) -> bool {
        matches!(
            self,
            ParamKind::Path { list: true, .. }
                | ParamKind::QueryArray { .. }
                | ParamKind::Header { list: true }
        )
    }
}

/// A drawn parameter with its value.
#[derive(Debug, Clone)]
struct DrawnParam {
    kind: ParamKind,
    integer: bool,
    values: Vec<String>,
    /// Whether the spec requires it (a path parameter always); an optional one is given or
    /// left out.
    presence: Presence,
}

/// Whether a parameter is required, optional and given, or optional and left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Presence {
    Required,
    Given,
    Omitted,
}

#[derive(Debug, Clone)]
enum DrawnAuth {
    HeaderKey(&'static str),
    QueryKey(&'static str),
    Bearer,
    Basic,
}

#[derive(Debug, Clone)]
enum DrawnBody {
    None,
    Json,
    Form,
    /// A form whose `encoding` writes an object as `deepObject` and a list comma-joined.
    StyledForm,
}

/// One drawn case.
#[derive(Debug, Clone)]
struct Case {
    method: &'static str,
    params: Vec<DrawnParam>,
    auth: DrawnAuth,
    own_host: bool,
    body: DrawnBody,
    body_text: String,
    body_number: i64,
    /// The manifest's choices besides the spec's: a key prefix (`connkit new --key-prefix`),
    /// and bearer auth instead of the spec's scheme (`--auth bearer`).
    key_prefix: Option<&'static str>,
    forced_bearer: bool,
}

/// Text with characters that need encoding in a path or a query (no `,`: `connkit call`
/// splits array values on it; never empty).
fn wire_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 /?&=+#%é._~-]{1,12}"
}

fn param() -> impl Strategy<Value = DrawnParam> {
    let path_style = prop_oneof![Just("simple"), Just("label"), Just("matrix")];
    let query_style = prop_oneof![Just("form"), Just("spaceDelimited"), Just("pipeDelimited")];
    let kind = prop_oneof![
        (path_style, any::<bool>(), any::<bool>())
            .prop_map(|(style, explode, list)| ParamKind::Path { style, explode, list }),
        Just(ParamKind::QueryScalar),
        (query_style, any::<bool>())
            .prop_map(|(style, explode)| ParamKind::QueryArray { style, explode }),
        any::<bool>().prop_map(|list| ParamKind::Header { list }),
        Just(ParamKind::Cookie),
    ];
    (
        kind,
        any::<bool>(),
        any::<u16>(),
        prop::collection::vec(wire_text(), 1..4),
        prop::collection::vec("[a-zA-Z0-9]{1,10}", 1..4),
        prop_oneof![Just(Presence::Required), Just(Presence::Given), Just(Presence::Omitted)],
    )
        .prop_map(|(kind, integer, number, texts, plain, presence)| {
            let plain_text = matches!(kind, ParamKind::Header { .. } | ParamKind::Cookie);
            let values = match (kind.is_list(), plain_text) {
                (true, true) => plain,
                (true, false) => texts,
                (false, _) if integer => vec![number.to_string()],
                (false, true) => vec![plain[0].clone()],
                (false, false) => vec![texts[0].clone()],
            };
            let integer = integer && !kind.is_list();
            let presence =
                if matches!(kind, ParamKind::Path { .. }) { Presence::Required } else { presence };
            DrawnParam { kind, integer, values, presence }
        })
}

fn case() -> impl Strategy<Value = Case> {
    let auth = prop_oneof![
        prop_oneof![Just("X-API-Key"), Just("Api-Token"), Just("X-Custom-Auth")]
            .prop_map(DrawnAuth::HeaderKey),
        prop_oneof![Just("api_key"), Just("key")].prop_map(DrawnAuth::QueryKey),
        Just(DrawnAuth::Bearer),
        Just(DrawnAuth::Basic),
    ];
    let body = prop_oneof![
        Just(DrawnBody::None),
        Just(DrawnBody::Json),
        Just(DrawnBody::Form),
        Just(DrawnBody::StyledForm)
    ];
    (
        prop::collection::vec(param(), 0..5),
        auth,
        any::<bool>(),
        body,
        prop_oneof![Just("get"), Just("delete"), Just("put"), Just("patch"), Just("post")],
        wire_text(),
        any::<i32>(),
        (prop_oneof![Just(None), Just(Some("Bot ")), Just(Some("token "))], any::<u8>()),
    )
        .prop_map(|(params, auth, own_host, body, method, body_text, number, manifest)| {
            // Only methods with a body get one.
            let body = if matches!(method, "get" | "delete") { DrawnBody::None } else { body };
            let (key_prefix, roll) = manifest;
            Case {
                method,
                params,
                auth,
                own_host,
                body,
                body_text,
                body_number: i64::from(number),
                key_prefix,
                forced_bearer: roll % 6 == 0,
            }
        })
}

/// The drawn cases, always the same ones.
fn draw() -> Vec<Case> {
    let config = Config { cases: CASES as u32, ..Config::default() };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &SEED));
    let strategy = case();
    (0..CASES).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// The wire name of parameter `index`.
fn param_name(param: &DrawnParam, index: usize) -> String {
    match param.kind {
        ParamKind::Header { .. } => format!("X-Param-{index}"),
        ParamKind::Cookie => format!("c{index}"),
        _ => format!("p{index}"),
    }
}

/// The spec of a case: one operation `callIt`.
fn spec(case: &Case) -> Value {
    let mut path = String::from("/things");
    let mut parameters = Vec::new();
    for (index, param) in case.params.iter().enumerate() {
        let name = param_name(param, index);
        let scalar =
            if param.integer { json!({"type": "integer"}) } else { json!({"type": "string"}) };
        let list = json!({"type": "array", "items": {"type": "string"}});
        let schema = if param.kind.is_list() { list } else { scalar };
        let required = param.presence == Presence::Required;
        let declared = match param.kind {
            ParamKind::Path { style, explode, .. } => {
                write!(path, "/{{{name}}}").unwrap();
                json!({"name": name, "in": "path", "required": required, "style": style,
                       "explode": explode, "schema": schema})
            }
            ParamKind::QueryScalar => {
                json!({"name": name, "in": "query", "required": required, "schema": schema})
            }
            ParamKind::QueryArray { style, explode } => json!({
                "name": name, "in": "query", "required": required, "style": style, "explode": explode,
                "schema": schema
            }),
            ParamKind::Header { .. } => {
                json!({"name": name, "in": "header", "required": required, "schema": schema})
            }
            ParamKind::Cookie => {
                json!({"name": name, "in": "cookie", "required": required, "schema": schema})
            }
        };
        parameters.push(declared);
    }
    let scheme = match case.auth {
        DrawnAuth::HeaderKey(name) => json!({"type": "apiKey", "in": "header", "name": name}),
        DrawnAuth::QueryKey(name) => json!({"type": "apiKey", "in": "query", "name": name}),
        DrawnAuth::Bearer => json!({"type": "http", "scheme": "bearer"}),
        DrawnAuth::Basic => json!({"type": "http", "scheme": "basic"}),
    };
    let fields = json!({
        "type": "object", "required": ["note", "count"],
        "properties": {"note": {"type": "string"}, "count": {"type": "integer", "format": "int64"}}
    });
    let mut operation = json!({
        "operationId": "callIt",
        "parameters": parameters,
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"ok": {"type": "boolean"}}}}}}}
    });
    match case.body {
        DrawnBody::None => {}
        DrawnBody::Json => {
            operation["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": fields}}});
        }
        DrawnBody::Form => {
            operation["requestBody"] = json!({"required": true, "content": {
                "application/x-www-form-urlencoded": {"schema": fields}}});
        }
        DrawnBody::StyledForm => {
            let mut fields = fields;
            fields["required"] = json!(["note", "count", "meta", "tags"]);
            fields["properties"]["meta"] = json!({"type": "object", "required": ["kind"],
                "properties": {"kind": {"type": "string"}}});
            fields["properties"]["tags"] = json!({"type": "array", "items": {"type": "string"}});
            operation["requestBody"] = json!({"required": true, "content": {
                "application/x-www-form-urlencoded": {"schema": fields, "encoding": {
                    "meta": {"style": "deepObject", "explode": true},
                    "tags": {"style": "form", "explode": false}}}}});
        }
    }
    if case.own_host {
        operation["servers"] = json!([{"url": "https://files.example.com/v2"}]);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "case", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"auth": []}],
        "components": {"securitySchemes": {"auth": scheme}},
        "paths": {path: {case.method: operation}}
    })
}

/// The case's body as JSON (what `--body` gets and the typed body is read from).
fn body_json(case: &Case) -> Option<Value> {
    match case.body {
        DrawnBody::None => None,
        DrawnBody::Json | DrawnBody::Form => {
            Some(json!({"note": case.body_text, "count": case.body_number}))
        }
        DrawnBody::StyledForm => Some(json!({
            "note": case.body_text,
            "count": case.body_number,
            "meta": {"kind": case.body_text},
            "tags": [case.body_text, "b"],
        })),
    }
}

/// The case's arguments of `connkit call`.
fn call_args(case: &Case) -> Vec<String> {
    let mut args = Vec::new();
    for (index, param) in case.params.iter().enumerate() {
        if param.presence == Presence::Omitted {
            continue;
        }
        for value in &param.values {
            args.push(format!("{}={value}", param_name(param, index)));
        }
    }
    if let Some(body) = body_json(case) {
        args.push(format!("--body={body}"));
    }
    args
}

/// A type of the IR as the program names it (`crate::` is the connector's crate).
fn ty(tokens: &impl std::fmt::Display, krate: &str) -> String {
    tokens.to_string().replace("crate ::", &format!("{krate} ::"))
}

/// The drawn parameter whose wire name is `wire_name`.
fn drawn_param<'a>(case: &'a Case, wire_name: &str) -> &'a DrawnParam {
    case.params
        .iter()
        .enumerate()
        .find(|(i, p)| param_name(p, *i) == wire_name)
        .map(|(_, p)| p)
        .expect("every parameter of the spec was drawn")
}

/// The value of the drawn parameter `wire_name` as JSON (what the program reads it from).
fn drawn_value(case: &Case, wire_name: &str) -> Value {
    let drawn = drawn_param(case, wire_name);
    match (drawn.kind.is_list(), drawn.integer) {
        (true, _) => json!(drawn.values),
        (false, true) => json!(drawn.values[0].parse::<i64>().unwrap()),
        (false, false) => json!(drawn.values[0]),
    }
}

/// One arm of the program: the case's generated method with its arguments.
fn call_arm(index: usize, case: &Case, system: &SystemName, op: &OperationIr) -> String {
    let krate = system.crate_name().replace('-', "_");
    let mut lets = String::new();
    let mut args = Vec::new();
    for (position, param) in op.required.iter().enumerate() {
        let value = drawn_value(case, &param.wire_name);
        writeln!(
            lets,
            "let a{position}: {} = serde_json::from_str({:?}).unwrap();",
            ty(&param.ty, &krate),
            value.to_string()
        )
        .unwrap();
        args.push(format!("&a{position}"));
    }
    if let Some(params_ty) = op.params_type() {
        let mut fields = String::new();
        for param in &op.optional {
            let drawn = drawn_param(case, &param.wire_name);
            if drawn.presence == Presence::Given {
                write!(
                    fields,
                    "{}: Some(serde_json::from_str::<{}>({:?}).unwrap()), ",
                    param.rust_name,
                    ty(&param.ty, &krate),
                    drawn_value(case, &param.wire_name).to_string()
                )
                .unwrap();
            }
        }
        writeln!(
            lets,
            "#[allow(clippy::needless_update)]\nlet params = {krate}::client::{params_ty} {{ {fields}..Default::default() }};"
        )
        .unwrap();
        args.push("&params".to_string());
    }
    if let (Some(body), Some(value)) = (&op.body, body_json(case)) {
        let body_ty = match body {
            BodyIr::Json { ty: body, .. } | BodyIr::Form { ty: body, .. } => ty(body, &krate),
            other => panic!("case {index}: unexpected body {other:?}"),
        };
        writeln!(
            lets,
            "let body: {body_ty} = serde_json::from_str({:?}).unwrap();",
            value.to_string()
        )
        .unwrap();
        args.push("&body".to_string());
    }
    format!(
        "{index} => {{\n{lets}let client = {krate}::{}Client::from_env().unwrap();\n\
         client.{}({}).await.map(|_| ()).map_err(|e| e.to_string())\n}}\n",
        system.type_stem(),
        op.rust_name,
        args.join(", ")
    )
}

/// The program: `program CASE` calls the case's method once and prints `ok` or the error.
fn program(arms: &str) -> String {
    format!(
        "#[tokio::main]\nasync fn main() {{\n\
         let case: usize = std::env::args().nth(1).unwrap().parse().unwrap();\n\
         let outcome: Result<(), String> = match case {{\n{arms}_ => Err(\"no such case\".to_string()),\n}};\n\
         match outcome {{ Ok(()) => println!(\"ok\"), Err(e) => println!(\"error: {{e}}\") }}\n}}\n"
    )
}

/// The settings of case `system`: credentials, no retries or rate limits, every base URL of
/// `.env.example` at `server/{variable}`.
fn settings(connector: &Path, system: &SystemName, server: &str) -> Vec<(String, String)> {
    let prefix = connkit::settings::env_prefix(system.as_str());
    let mut vars = vec![
        (format!("{prefix}MAX_RETRIES"), "0".to_string()),
        (format!("{prefix}RATE_LIMITS"), "off".to_string()),
        (format!("{prefix}API_KEY"), "key-123".to_string()),
        (format!("{prefix}TOKEN"), "token-456".to_string()),
        (format!("{prefix}USERNAME"), "ann".to_string()),
        (format!("{prefix}PASSWORD"), "s3cret".to_string()),
    ];
    let example = std::fs::read_to_string(connector.join(".env.example")).unwrap();
    for line in example.lines() {
        let line = line.trim_start_matches('#').trim();
        if let Some((name, _)) = line.split_once('=')
            && name.ends_with("BASE_URL")
        {
            vars.push((name.to_string(), format!("{server}/{}", name.to_ascii_lowercase())));
        }
    }
    vars
}

/// A recorded request: method, URL (path and query), headers (sorted, without user-agent),
/// body (JSON value, sorted form pairs or text), and the user agent.
#[derive(Debug, PartialEq)]
struct Recorded {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Value,
    user_agent: String,
}

fn recorded(request: &wiremock::Request) -> Recorded {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(name, _)| name.as_str() != "user-agent")
        .map(|(name, value)| (name.to_string(), text(value.as_bytes())))
        .collect();
    headers.sort();
    let content_type =
        request.headers.get("content-type").map(|v| text(v.as_bytes())).unwrap_or_default();
    let body = if request.body.is_empty() {
        Value::Null
    } else if content_type.contains("json") {
        serde_json::from_slice(&request.body).unwrap_or_else(|_| json!(text(&request.body)))
    } else if content_type.contains("x-www-form-urlencoded") {
        let mut pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(&request.body).into_owned().collect();
        pairs.sort();
        json!(pairs)
    } else {
        json!(text(&request.body))
    };
    let url = request.url.query().map_or_else(
        || request.url.path().to_string(),
        |query| format!("{}?{query}", request.url.path()),
    );
    Recorded {
        method: request.method.to_string(),
        url,
        headers,
        body,
        user_agent: request
            .headers
            .get("user-agent")
            .map(|v| text(v.as_bytes()))
            .unwrap_or_default(),
    }
}

/// Runs `command` with `vars` (and no other variable of the case's prefix), then takes the
/// one request the server recorded.
async fn one_request(
    server: &MockServer,
    mut command: Command,
    prefix: &str,
    vars: &[(String, String)],
) -> (Recorded, String) {
    server.reset().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(server)
        .await;
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with(prefix) {
            command.env_remove(name);
        }
    }
    command.envs(vars.iter().map(|(k, v)| (k, v)));
    let output = command.output().unwrap();
    let said = format!("{}{}", text(&output.stdout), text(&output.stderr));
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1, "one request expected: {said}");
    (recorded(&requests[0]), said)
}

/// What the case's request must show whoever sends it: its host (the base URL variable in
/// the path), its method, its credential and its body; so that agreeing requests are also
/// the case's own.
fn check_case(index: usize, case: &Case, prefix: &str, request: &Recorded) {
    let host = if case.own_host { "files_base_url" } else { "base_url" };
    let expected_start = format!("/{}{host}/things", prefix.to_ascii_lowercase());
    assert!(request.url.starts_with(&expected_start), "case {index}: {} ({case:?})", request.url);
    assert_eq!(request.method, case.method.to_ascii_uppercase(), "case {index}");
    let header = |name: &str| {
        request.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    };
    let key = format!("{}key-123", case.key_prefix.unwrap_or(""));
    let auth = if case.forced_bearer { &DrawnAuth::Bearer } else { &case.auth };
    match *auth {
        DrawnAuth::HeaderKey(name) => assert_eq!(header(name), Some(key.as_str()), "case {index}"),
        DrawnAuth::QueryKey(name) => {
            assert!(
                request.url.contains(&format!("{name}=")) && request.url.contains("key-123"),
                "case {index}: {}",
                request.url
            );
        }
        DrawnAuth::Bearer => {
            assert_eq!(header("authorization"), Some("Bearer token-456"), "case {index}");
        }
        DrawnAuth::Basic => {
            assert_eq!(header("authorization"), Some("Basic YW5uOnMzY3JldA=="), "case {index}");
        }
    }
    assert_eq!(request.body.is_null(), matches!(case.body, DrawnBody::None), "case {index}");
}

/// Each drawn variation occurs in some case (the draw covers what the test claims to vary).
fn assert_coverage(cases: &[Case]) {
    let some = |what: &str, test: &dyn Fn(&Case) -> bool| {
        assert!(cases.iter().any(test), "no drawn case has {what}");
    };
    some("a header key", &|c| matches!(c.auth, DrawnAuth::HeaderKey(_)));
    some("a query key", &|c| matches!(c.auth, DrawnAuth::QueryKey(_)));
    some("bearer", &|c| matches!(c.auth, DrawnAuth::Bearer));
    some("basic", &|c| matches!(c.auth, DrawnAuth::Basic));
    some("a named host", &|c| c.own_host);
    some("the default host", &|c| !c.own_host);
    some("a JSON body", &|c| matches!(c.body, DrawnBody::Json));
    some("a form body", &|c| matches!(c.body, DrawnBody::Form));
    some("a form body with encodings", &|c| matches!(c.body, DrawnBody::StyledForm));
    some("an optional parameter given", &|c| {
        c.params.iter().any(|p| p.presence == Presence::Given)
    });
    some("an optional parameter left out", &|c| {
        c.params.iter().any(|p| p.presence == Presence::Omitted)
    });
    some("a key prefix", &|c| {
        c.key_prefix.is_some() && !c.forced_bearer && matches!(c.auth, DrawnAuth::HeaderKey(_))
    });
    some("bearer instead of the spec's auth", &|c| c.forced_bearer);
    let params = |test: fn(&DrawnParam) -> bool| move |c: &Case| c.params.iter().any(test);
    for style in ["simple", "label", "matrix"] {
        assert!(
            cases.iter().any(|c| c
                .params
                .iter()
                .any(|p| matches!(p.kind, ParamKind::Path { style: s, .. } if s == style))),
            "no drawn case has a {style} path parameter"
        );
    }
    some("a path list", &params(|p| matches!(p.kind, ParamKind::Path { list: true, .. })));
    some("a query scalar", &params(|p| matches!(p.kind, ParamKind::QueryScalar)));
    for (style, explode) in
        [("form", true), ("form", false), ("spaceDelimited", false), ("pipeDelimited", false)]
    {
        assert!(
            cases.iter().any(|c| c.params.iter().any(|p| matches!(
                p.kind,
                ParamKind::QueryArray { style: s, explode: e } if s == style && e == explode
            ))),
            "no drawn case has a {style} query array (explode {explode})"
        );
    }
    some("a header parameter", &params(|p| matches!(p.kind, ParamKind::Header { list: false })));
    some("a header list", &params(|p| matches!(p.kind, ParamKind::Header { list: true })));
    some("a cookie", &params(|p| matches!(p.kind, ParamKind::Cookie)));
    some("an integer parameter", &params(|p| p.integer));
}

#[tokio::test(flavor = "multi_thread")]
async fn connkit_call_and_the_generated_crate_send_the_same_requests() {
    let started = std::time::Instant::now();
    let cases = draw();
    assert_coverage(&cases);
    let root = tempfile::tempdir().unwrap();
    let ws = root.path();
    std::fs::write(
        ws.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"program\"]\n",
    )
    .unwrap();
    let mut arms = String::new();
    let mut systems = Vec::new();
    let mut dependencies = String::new();
    for (index, case) in cases.iter().enumerate() {
        let system = SystemName::parse(&format!("case{index}")).unwrap();
        let spec_path = ws.join(format!("case{index}.json"));
        std::fs::write(&spec_path, spec(case).to_string()).unwrap();
        let loaded = connkit_spec::load_str(
            &spec_path.to_string_lossy(),
            &std::fs::read_to_string(&spec_path).unwrap(),
        )
        .unwrap();
        let analysis = connkit_spec::analyze(std::slice::from_ref(&loaded));
        let request = NewRequest {
            system: system.clone(),
            workspace: ws.to_path_buf(),
            specs: vec![NewSpec { api: &loaded.api, files: &loaded.files, source_url: None }],
            analysis: &analysis,
            tier: TierChoice::Exactly(connkit_gen::manifest::Tier::Lite),
            auth: case.forced_bearer.then_some(connkit_gen::manifest::AuthKind::Bearer),
            token_url: None,
            token_header: None,
            key_prefix: Some(case.key_prefix.unwrap_or("").to_string()),
            runtime_path: Some(repo().join("crates/connkit")),
            connkit_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let outcome = create_connector(&request, &()).unwrap();
        let op = outcome.specs[0].operations().next().unwrap();
        arms.push_str(&call_arm(index, case, &system, op));
        writeln!(
            dependencies,
            "{} = {{ path = \"../connectors/case{index}\" }}",
            system.crate_name()
        )
        .unwrap();
        systems.push(system);
    }
    let generated = started.elapsed();

    let program_dir = ws.join("program");
    std::fs::create_dir_all(program_dir.join("src")).unwrap();
    std::fs::write(
        program_dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"program\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"rt-multi-thread\", \"macros\"] }}\n{dependencies}"
        ),
    )
    .unwrap();
    std::fs::write(program_dir.join("src/main.rs"), program(&arms)).unwrap();
    let build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()))
        .args(["build", "--quiet", "-p", "program", "--message-format", "json"])
        .arg("--target-dir")
        .arg(repo().join("target/connkit-gen-connectors/target"))
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .current_dir(ws)
        .output()
        .unwrap();
    let messages: Vec<Value> =
        text(&build.stdout).lines().filter_map(|line| serde_json::from_str(line).ok()).collect();
    let diagnostics: Vec<&str> =
        messages.iter().filter_map(|m| m["message"]["rendered"].as_str()).collect();
    assert!(build.status.success(), "{}\n{}", diagnostics.join(""), text(&build.stderr));
    let executable = messages
        .iter()
        .filter(|message| message["target"]["name"] == "program")
        .find_map(|message| message["executable"].as_str().map(PathBuf::from))
        .expect("cargo reports the program");
    let built = started.elapsed();

    let server = MockServer::start().await;
    let mut mismatches = Vec::new();
    for (index, (case, system)) in cases.iter().zip(&systems).enumerate() {
        let connector = ws.join(format!("connectors/case{index}"));
        let prefix = connkit::settings::env_prefix(system.as_str());
        let vars = settings(&connector, system, &server.uri());
        let mut crate_call = Command::new(&executable);
        crate_call.arg(index.to_string()).current_dir(ws);
        let (from_crate, crate_said) = one_request(&server, crate_call, &prefix, &vars).await;
        assert!(
            crate_said.starts_with("ok"),
            "case {index} ({case:?}): the crate said {crate_said}"
        );
        let mut cli_call = Command::new(assert_cmd::cargo::cargo_bin("connkit"));
        cli_call
            .args(["call", system.as_str(), "callIt"])
            .args(call_args(case))
            .arg("--dir")
            .arg(ws)
            .current_dir(ws);
        let (from_cli, cli_said) = one_request(&server, cli_call, &prefix, &vars).await;
        let Recorded { user_agent: crate_agent, .. } = &from_crate;
        assert_eq!(
            from_cli.user_agent,
            format!("{crate_agent} (connkit call)"),
            "case {index}: user agents"
        );
        check_case(index, case, &prefix, &from_crate);
        let strip = |r: Recorded| Recorded { user_agent: String::new(), ..r };
        let (from_crate, from_cli) = (strip(from_crate), strip(from_cli));
        if from_crate != from_cli {
            mismatches.push(format!(
                "case {index} {case:?}\n  crate: {from_crate:?}\n  call:  {from_cli:?}\n  call said: {cli_said}"
            ));
        }
    }
    eprintln!(
        "{CASES} cases: generated in {:.1?}, program built in {:.1?}, calls in {:.1?}",
        generated,
        built - generated,
        started.elapsed() - built
    );
    assert!(
        mismatches.is_empty(),
        "{} of {CASES} cases differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
