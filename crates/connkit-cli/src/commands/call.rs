//! `connkit call SYSTEM OPERATION [name=value ...]`: call the live API from the connector's
//! spec and manifest, with the runtime's auth, retries, rate limits, idempotency keys and
//! pagination, exactly as the generated connector would.

mod client;
mod connector;
mod output;
mod paging;
mod params;
mod resolve;
mod validate;

use std::path::PathBuf;

use connkit::paginate::PageRequest;
use connkit::settings::EnvSource;
use connkit::{ErrorKind, HttpClient, Method, Operation, RequestBuilder};
use connkit_gen::contract::{ParamWriting, WireStyle, form_encodings, pick_media, wire_order};
use connkit_spec::{BodyKind, ParameterLocation};
use serde_json::Value;

use self::connector::Connector;
use self::output::{Output, OutputError};
use self::params::Placed;
use self::resolve::Unresolved;
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit call`.
#[derive(Debug, clap::Args)]
pub(crate) struct CallArgs {
    /// The connector's system name (`connectors/SYSTEM` in the workspace).
    pub system: String,
    /// The operation id (`getOrders`, `ordersV0.getOrders`) or its snake_case form.
    pub operation: String,
    /// Parameters as name=value, placed where the spec puts them (path, query, header);
    /// arrays as repeated name=value or comma-separated values.
    #[arg(value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// The request body: JSON text, or @FILE to read it from a file.
    #[arg(long, value_name = "JSON|@FILE")]
    pub body: Option<String>,
    /// Follow pagination and print every item of every page as NDJSON.
    #[arg(long)]
    pub all: bool,
    /// With --all, stop after this many pages.
    #[arg(long, value_name = "N", requires = "all")]
    pub max_pages: Option<u64>,
    /// Write the response body (or the NDJSON items) to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The workspace (default: the current directory).
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// Show the request log on stderr: method, URL without secrets, status, attempts, waits.
    #[arg(short, long)]
    pub verbose: bool,
    /// `json`: an error is one JSON object on stdout (`{"error": {"code", ...}}`) besides the
    /// message on stderr; the answer itself is printed as it comes either way.
    #[arg(long, value_enum, default_value_t = super::output::Format::Text)]
    pub format: super::output::Format,
}

/// Runs `connkit call`.
pub(crate) fn run(args: CallArgs) -> Result<ExitStatus, CommandError> {
    let runtime = super::loading::request_runtime()?;
    if args.verbose {
        init_request_log();
    }
    runtime.block_on(call(args))
}

/// The runtime's tracing spans (call: operation, method, path, status, attempts; attempt:
/// number, wait, status) on stderr, one line as each closes.
fn init_request_log() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("connkit=debug"))
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .try_init();
}

/// The request body as given with --body.
enum Body {
    Json(Value),
    /// A form, with the properties its `encoding` writes in another style
    /// ([`connkit_gen::contract::form_encodings`]).
    Form(Value, Vec<(String, WireStyle)>),
    Raw(Vec<u8>, String),
}

async fn call(args: CallArgs) -> Result<ExitStatus, CommandError> {
    let connector = Connector::load(&args.dir, &args.system).await?;
    let op = resolve::resolve(&connector.analysis, &args.operation)
        .map_err(|why| unresolved(&args, &connector, why))?;
    let api = &connector.specs[op.spec_index].api;
    let Some(model) = api.operations.get(op.operation_index) else {
        return Err(CommandError::failure(miette::miette!(
            "internal error: operation `{}` not in its spec",
            op.id
        )));
    };
    let auth = &connector.manifest.auth;
    // The caller's parameters in the order the generated request carries them; the
    // credential the auth sends and the headers HTTP writes are not the caller's.
    let order = wire_order(auth, model);
    let is_callers = |p: &connkit_spec::Parameter| order.iter().any(|w| std::ptr::eq(*w, p));
    let mut placed = params::place_for(api, model, &args.params, |p| !is_callers(p))
        .map_err(|e| CommandError::usage(miette::miette!("{}: {e}", op.id)))?;
    placed.sort_by_key(|given| {
        order
            .iter()
            .position(|w| w.name == given.name && w.location == given.location)
            .unwrap_or(usize::MAX)
    });
    let body = read_body(args.body.as_deref(), api, model)?;

    let hosts = connector.host_plan();
    let Some(contract) = connector.operation_contract(&hosts, op) else {
        return Err(CommandError::failure(miette::miette!(
            "internal error: operation `{}` not in its spec",
            op.id
        )));
    };

    // `connectors/{system}/.env` first, then the workspace's.
    let source = EnvSource::load_files(
        connector.manifest.prefix.clone(),
        &[connector.dir.join(".env"), args.dir.join(".env")],
    );
    let settings = client::CallSettings::read(&connector.manifest, hosts.named(), &source)
        .map_err(settings_error)?;

    let http = client::build_client(
        &connector.manifest,
        &settings,
        &contract.qualified_id,
        contract.rate_limit,
    )
    .map_err(|e| CommandError::usage(miette::miette!("cannot build the client: {e}")))?;
    let operation = runtime_operation(op, model, contract.host.as_deref())?;
    let request =
        CallRequest { http: &http, operation: &operation, placed: &placed, body: body.as_ref() };
    let output = Output::new(args.output.clone());
    let outcome = if args.all {
        paging::all(&request, contract.pagination, args.max_pages, &output, args.verbose).await
    } else {
        single(&request, api, model, &output, args.verbose).await
    };
    outcome.map(|()| ExitStatus::Success).or_else(|failure| failure.into_result())
}

/// The usage error for an operation the connector does not have (with close names), or
/// names ambiguously.
fn unresolved(args: &CallArgs, connector: &Connector, why: Unresolved) -> CommandError {
    match why {
        Unresolved::Ambiguous(candidates) => CommandError::usage(miette::miette!(
            "operation `{}` is ambiguous in connector `{}`; use one of: {}",
            args.operation,
            args.system,
            candidates.join(", ")
        ))
        .with_code("ambiguous_operation"),
        Unresolved::Unknown(close) if close.is_empty() => CommandError::usage(miette::miette!(
            help = format!(
                "run `connkit analyze {}/openapi/*` to list the operations",
                connector.dir.display()
            ),
            "connector `{}` has no operation `{}`",
            args.system,
            args.operation
        ))
        .with_code("unknown_operation"),
        Unresolved::Unknown(close) => CommandError::usage(miette::miette!(
            "connector `{}` has no operation `{}`; did you mean: {}?",
            args.system,
            args.operation,
            close.join(", ")
        ))
        .with_code("unknown_operation"),
    }
}

/// The runtime's description of the operation: method, path, idempotency header, host.
fn runtime_operation(
    op: &connkit_spec::analyze::AnalyzedOperation,
    model: &connkit_spec::Operation,
    host: Option<&str>,
) -> Result<Operation, CommandError> {
    let method = Method::from_bytes(model.method.as_upper().as_bytes()).map_err(|_| {
        CommandError::usage(miette::miette!("unsupported method {}", model.method.as_upper()))
    })?;
    let mut operation = Operation::owned(op.id.clone(), method, op.path.clone());
    if let Some(header) = &op.idempotency_header {
        operation = operation.idempotency_header_owned(header.clone());
    }
    if let Some(host) = host {
        operation = operation.host_owned(host.to_string());
    }
    Ok(operation)
}

/// Everything needed to build the request of one page.
pub(crate) struct CallRequest<'a> {
    http: &'a HttpClient,
    operation: &'a Operation,
    placed: &'a [Placed],
    body: Option<&'a Body>,
}

impl CallRequest<'_> {
    /// The request for `page` (the first request, paging parameters set, or a next URL).
    fn build(&self, page: &PageRequest) -> RequestBuilder<'_> {
        let mut request = self.http.request(self.operation);
        let page_params = page.params();
        let is_query = |p: &&connkit::paginate::PageParam| {
            p.location == connkit::paginate::ParamLocation::Query
        };
        if let Some(url) = page.url() {
            request = request.absolute_url(url.clone());
        }
        for param in self.placed {
            let paged = param.location == ParameterLocation::Query
                && (page.url().is_some()
                    || page_params.iter().filter(is_query).any(|p| p.name == param.name));
            if !paged {
                request = place(request, param);
            }
        }
        for param in page_params.iter().filter(is_query) {
            request = request.query(&param.name, param.value.as_text().into_owned());
        }
        match self.body {
            Some(Body::Json(value)) if page.has_body_params() => {
                let mut value = value.clone();
                page.apply_to_json(&mut value);
                request.json(&value)
            }
            Some(Body::Json(value)) => request.json(value),
            Some(Body::Form(value, encodings)) if encodings.is_empty() => request.form(value),
            Some(Body::Form(value, encodings)) => {
                let styles: Vec<(&str, connkit::ParamStyle)> = encodings
                    .iter()
                    .map(|(name, style)| (name.as_str(), style.runtime()))
                    .collect();
                request.form_styled(value, &styles)
            }
            Some(Body::Raw(bytes, content_type)) => {
                request.body_bytes(bytes.clone(), Some(content_type))
            }
            None => request,
        }
    }
}

/// Puts one parameter on the request the way the generated request builder does
/// ([`connkit_gen::contract::param_writing`]): arrays as lists, scalars as text.
fn place<'a>(request: RequestBuilder<'a>, param: &Placed) -> RequestBuilder<'a> {
    let value = if param.list {
        Value::from(param.values.clone())
    } else {
        Value::from(param.values.first().cloned().unwrap_or_default())
    };
    let name = param.name.as_str();
    match (param.writing, param.location) {
        (ParamWriting::Styled(style), ParameterLocation::Path) => {
            request.path_styled(name, &value, style.runtime())
        }
        (ParamWriting::Styled(style), ParameterLocation::Query) => {
            request.query_styled(name, &value, style.runtime())
        }
        (ParamWriting::Styled(style), ParameterLocation::Header) => {
            request.header_styled(name, &value, style.runtime())
        }
        (ParamWriting::Styled(style), ParameterLocation::Cookie) => {
            request.cookie_styled(name, &value, style.runtime())
        }
        (ParamWriting::Plain { .. }, ParameterLocation::Path) => request.path_value(name, &value),
        (ParamWriting::Plain { csv: true }, ParameterLocation::Query) => {
            request.query_csv_value(name, &value)
        }
        (ParamWriting::Plain { .. }, ParameterLocation::Query) => request.query_value(name, &value),
        (ParamWriting::Plain { .. }, ParameterLocation::Header) => {
            request.header_value(name, &value)
        }
        (ParamWriting::Plain { .. }, ParameterLocation::Cookie) => {
            request.cookie_value(name, &value)
        }
    }
}

/// One request, its body checked against the spec and written out.
async fn single(
    request: &CallRequest<'_>,
    api: &connkit_spec::Api,
    model: &connkit_spec::Operation,
    output: &Output,
    verbose: bool,
) -> Result<(), Failure> {
    let response = request.build(&PageRequest::First).send().await.map_err(Failure::Api)?;
    let content_type =
        response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
    if verbose {
        eprintln!(
            "{} {} -> {} ({} bytes){}",
            request.operation.method(),
            request.http.redact_url(response.url()),
            response.status(),
            response.bytes().len(),
            response.etag().map(|etag| format!(", ETag {etag}")).unwrap_or_default()
        );
        if let Some(next) = paging::next_page_signal(response.headers()) {
            eprintln!("more pages: {next} (use --all to follow)");
        }
    }
    let body = response.bytes();
    if !body.is_empty()
        && content_type.as_deref().is_some_and(|ct| ct.to_ascii_lowercase().contains("json"))
    {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            Failure::Decode(format!(
                "the response body is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        let status = response.status().as_u16();
        if let Some(schema) = connkit_gen::contract::answer_schema(api, model, status) {
            validate::check(api, schema, &value).map_err(|failure| {
                Failure::Decode(format!(
                    "the response body does not decode into the {} response type: at {}: {}",
                    response.status().as_u16(),
                    failure.path,
                    failure.message
                ))
            })?;
        }
    }
    output.body(content_type.as_deref(), body).map_err(Failure::Output)
}

/// Why a call failed after the request was sent.
pub(crate) enum Failure {
    /// The runtime's error (status, transport, timeout, auth, decode).
    Api(connkit::Error),
    /// The body does not fit the response type.
    Decode(String),
    /// Writing the output failed.
    Output(OutputError),
}

impl Failure {
    /// The exit status and message (a closed pipe is success).
    fn into_result(self) -> Result<ExitStatus, CommandError> {
        match self {
            Failure::Output(OutputError::BrokenPipe) => Ok(ExitStatus::Success),
            Failure::Output(OutputError::Io(what, e)) => {
                Err(CommandError::failure(miette::miette!("{what}: {e}")).with_code("io"))
            }
            Failure::Output(OutputError::BinaryToTerminal { bytes, content_type }) => {
                Err(CommandError::usage(miette::miette!(
                    help = "pass --output FILE, or pipe the output",
                    "the response is a binary body ({bytes} bytes, {content_type}) and stdout is a terminal"
                ))
                .with_code("binary_to_terminal"))
            }
            Failure::Decode(message) => {
                Err(CommandError::failure(miette::miette!("decode error: {message}"))
                    .with_code("decode"))
            }
            Failure::Api(error) => Err(api_error(&error)),
        }
    }
}

/// One message for a runtime error: status, request id and the API's error body; the JSON
/// path for decode errors; the missing settings by name.
fn api_error(error: &connkit::Error) -> CommandError {
    let target = match (error.method(), error.url()) {
        (Some(method), Some(url)) => format!("{method} {url}"),
        _ => "the request".to_string(),
    };
    match error.kind() {
        _ if error.status().is_some() => {
            let status = error.status().map_or_else(|| "an error".to_string(), |s| s.to_string());
            let request_id =
                error.request_id().map(|id| format!(" (request id {id})")).unwrap_or_default();
            let body = error.body().map(|b| pretty_body(b)).unwrap_or_default();
            let body = if body.is_empty() {
                " with an empty body".to_string()
            } else {
                format!(":\n{body}")
            };
            CommandError::failure(miette::miette!("{target} answered {status}{request_id}{body}"))
                .with_code("api_status")
        }
        ErrorKind::Decode => CommandError::failure(miette::miette!(
            "decode error{}: {error}",
            error.json_path().map(|p| format!(" at {p}")).unwrap_or_default()
        ))
        .with_code("decode"),
        ErrorKind::Settings => settings_error(clone_error(error)),
        ErrorKind::Request => {
            CommandError::usage(miette::miette!("{target}: {error}")).with_code("bad_request")
        }
        ErrorKind::Timeout => {
            CommandError::failure(miette::miette!("{target} failed: {error}")).with_code("timeout")
        }
        ErrorKind::RateLimited => {
            CommandError::failure(miette::miette!("{target} failed: {error}"))
                .with_code("rate_limited")
        }
        ErrorKind::Auth => {
            CommandError::failure(miette::miette!("{target} failed: {error}")).with_code("auth")
        }
        _ => CommandError::failure(miette::miette!("{target} failed: {error}"))
            .with_code("transport"),
    }
}

fn clone_error(error: &connkit::Error) -> connkit::Error {
    connkit::Error::settings(error.settings_issues().to_vec())
}

/// The missing or invalid settings, every variable by name (exit 2).
fn settings_error(error: connkit::Error) -> CommandError {
    let issues: Vec<String> =
        error.settings_issues().iter().map(|issue| format!("  {issue}")).collect();
    if issues.is_empty() {
        return CommandError::usage(miette::miette!("{error}"));
    }
    CommandError::usage(miette::miette!(
        help = "set them in the environment, in connectors/SYSTEM/.env (read first) or in the workspace's .env (see .env.example)",
        "missing or invalid settings:\n{}",
        issues.join("\n")
    ))
    .with_code("settings")
}

fn pretty_body(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(json) => serde_json::to_string_pretty(&json).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(body).trim().to_string(),
    }
}

/// --body: JSON text or @FILE; JSON for JSON (and form) bodies, raw bytes with the spec's
/// content type otherwise.
fn read_body(
    arg: Option<&str>,
    api: &connkit_spec::Api,
    model: &connkit_spec::Operation,
) -> Result<Option<Body>, CommandError> {
    let Some(arg) = arg else {
        return match model.request_body.as_ref().filter(|body| body.required) {
            Some(body) => {
                let content_type = pick_media(api, &body.content)
                    .map_or("application/json", |(media, _)| media.content_type.as_str());
                Err(CommandError::usage(miette::miette!(
                    help = "pass it with --body '<JSON>' or --body @FILE",
                    "the spec requires a request body ({content_type}) for this operation; nothing was sent"
                ))
                .with_code("body_required"))
            }
            None => Ok(None),
        };
    };
    let bytes = match arg.strip_prefix('@') {
        Some(path) => std::fs::read(path).map_err(|e| {
            CommandError::usage(miette::miette!("cannot read --body file {path}: {e}"))
        })?,
        None => arg.as_bytes().to_vec(),
    };
    // The media the generated method sends (JSON before a form, ...).
    let picked = model.request_body.as_ref().and_then(|b| pick_media(api, &b.content));
    let media = picked.map(|(media, _)| media);
    let kind = picked.map_or(BodyKind::Json, |(_, kind)| kind);
    if matches!(kind, BodyKind::Json | BodyKind::Form) {
        let value = serde_json::from_slice(&bytes).map_err(|e| {
            CommandError::usage(miette::miette!(
                "--body is not valid JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        })?;
        return Ok(Some(match (kind, value) {
            // A JSON string for a form is the encoded form itself (`"q=hi&source=en"`), as the
            // generated method takes it when the spec's form schema names no fields.
            (BodyKind::Form, serde_json::Value::String(encoded)) => {
                let content_type =
                    media.map_or("application/x-www-form-urlencoded", |m| m.content_type.as_str());
                Body::Raw(encoded.into_bytes(), content_type.to_string())
            }
            (BodyKind::Form, value) => {
                Body::Form(value, media.map(form_encodings).unwrap_or_default())
            }
            (_, value) => Body::Json(value),
        }));
    }
    let content_type = media
        .map(|m| m.content_type.clone())
        .unwrap_or_else(|| "application/octet-stream".to_string());
    Ok(Some(Body::Raw(bytes, content_type)))
}
