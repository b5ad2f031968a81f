//! Paths, path items and operations: what Swagger 2 and OpenAPI 3 share. The version-specific
//! parts (parameters, bodies, responses) are in `v2` and `v3`.

use serde_json::{Map, Value};

use super::context::{Ctx, bool_field, extensions, string_field, type_name};
use super::{security, v2, v3};
use crate::diagnostic::DiagnosticKind;
use crate::load::Target;
use crate::model::{
    HttpMethod, Operation, Parameter, ParameterLocation, ParameterStyle, Response, Schema,
    SchemaKind, SchemaRef, Server, SpecVersion, StatusCode,
};

/// A parameter as declared, before Swagger 2 body and form parameters are turned into a
/// request body.
pub(crate) enum RawParameter<'a> {
    /// Path, query, header or cookie.
    Regular(Parameter),
    /// Swagger 2 `in: body`.
    Body { at: Target, object: &'a Map<String, Value> },
    /// Swagger 2 `in: formData`.
    FormData { at: Target, object: &'a Map<String, Value>, name: String },
}

impl RawParameter<'_> {
    fn key(&self) -> (&str, &str) {
        match self {
            RawParameter::Regular(p) => (p.name.as_str(), p.location.as_str()),
            RawParameter::Body { .. } => ("", "body"),
            RawParameter::FormData { name, .. } => (name.as_str(), "formData"),
        }
    }
}

/// Every operation of the spec, in document order.
pub(crate) fn operations<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    at: &Target,
) -> Vec<Operation> {
    let Some(paths) = ctx.object_field(root, at, "paths") else {
        if !root.contains_key("paths") && ctx.version != SpecVersion::OpenApi31 {
            ctx.warning(
                DiagnosticKind::MissingField,
                &at.child("paths"),
                "no `paths`: the API has no operations",
            );
        }
        return Vec::new();
    };
    let paths_at = at.child("paths");
    let mut operations = Vec::new();
    for path in paths.keys() {
        if path.starts_with("x-") {
            continue;
        }
        let logical = paths_at.child(path);
        ctx.scope = Some(logical.pointer.clone());
        if !path.starts_with('/') {
            ctx.warning(
                DiagnosticKind::InvalidValue,
                &logical,
                format!("path `{path}` does not start with `/`"),
            );
        }
        let Some((item_at, item)) = ctx.deref_object(logical.clone(), "path item") else {
            continue;
        };
        let shared = parameters(ctx, item, &item_at);
        let item_servers = match ctx.version {
            SpecVersion::Swagger2 => Vec::new(),
            _ => v3::servers(ctx, item, &item_at),
        };
        for method in HttpMethod::ALL {
            if !item.contains_key(method.as_str()) {
                continue;
            }
            // An operation may itself be a `$ref` into another file (specs split per
            // resource do this); its own references then resolve from that file.
            let pointer = logical.child(method.as_str()).pointer;
            ctx.scope = Some(pointer.clone());
            let Some((op_at, object)) =
                ctx.deref_object(item_at.child(method.as_str()), "operation")
            else {
                continue;
            };
            let place = Place { path, method, at: op_at, pointer };
            let operation = operation(ctx, root, object, place, &shared, &item_servers);
            ctx.scope = Some(logical.pointer.clone());
            operations.push(operation);
        }
    }
    ctx.scope = None;
    operations
}

/// Where an operation is: its path and method, its real location, and its logical pointer.
struct Place<'p> {
    path: &'p str,
    method: HttpMethod,
    at: Target,
    pointer: String,
}

fn operation<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    object: &'a Map<String, Value>,
    place: Place<'_>,
    shared: &[RawParameter<'a>],
    item_servers: &[Server],
) -> Operation {
    let at = &place.at;
    let operation_id = operation_id(ctx, object, at);
    let split = split_parameters(shared, parameters(ctx, object, at));
    let mut parameters = split.regular;
    add_missing_path_parameters(ctx, place.path, at, &mut parameters);
    let (body, form) = (split.body, split.form);

    let request_body = match ctx.version {
        SpecVersion::Swagger2 => v2::request_body(ctx, root, object, body, form),
        _ => v3::request_body(ctx, object, at),
    };
    let responses = responses(ctx, root, object, at);
    let security = security::requirements(ctx, object, at);
    let servers = match ctx.version {
        SpecVersion::Swagger2 => Vec::new(),
        _ => {
            let own = v3::servers(ctx, object, at);
            if own.is_empty() { item_servers.to_vec() } else { own }
        }
    };
    if object.get("callbacks").and_then(Value::as_object).is_some_and(|c| !c.is_empty()) {
        ctx.warning(
            DiagnosticKind::Unsupported,
            &at.child("callbacks"),
            "callbacks are not supported (they are requests the API sends); ignored",
        );
    }
    Operation {
        operation_id,
        method: place.method,
        path: place.path.to_string(),
        summary: string_field(object, "summary"),
        description: string_field(object, "description"),
        tags: ctx.string_list(object, at, "tags"),
        deprecated: bool_field(object, "deprecated"),
        parameters,
        request_body,
        responses,
        security,
        servers,
        extensions: extensions(object),
        pointer: place.pointer,
    }
}

/// The operation's `operationId` when it is a non-empty string (an error when it is not a
/// string: an id is synthesized).
fn operation_id(ctx: &mut Ctx<'_>, object: &Map<String, Value>, at: &Target) -> Option<String> {
    match object.get("operationId") {
        Some(Value::String(id)) if !id.trim().is_empty() => Some(id.clone()),
        Some(Value::String(_)) | None => None,
        Some(other) => {
            ctx.error(
                DiagnosticKind::InvalidStructure,
                &at.child("operationId"),
                format!(
                    "`operationId` must be a string, found {}; an id is synthesized",
                    type_name(other)
                ),
            );
            None
        }
    }
}

/// An operation's parameters by kind: the path item's (`shared`) unless the operation
/// redefines them, then its own.
struct SplitParameters<'a> {
    regular: Vec<Parameter>,
    /// A Swagger 2.0 `in: body` parameter.
    body: Option<(Target, &'a Map<String, Value>)>,
    /// Swagger 2.0 `in: formData` parameters.
    form: Vec<(Target, &'a Map<String, Value>, String)>,
}

fn split_parameters<'a>(
    shared: &[RawParameter<'a>],
    own: Vec<RawParameter<'a>>,
) -> SplitParameters<'a> {
    let mut merged: Vec<RawParameter<'a>> = Vec::new();
    for param in shared.iter().filter(|p| !own.iter().any(|o| o.key() == p.key())) {
        merged.push(match param {
            RawParameter::Regular(p) => RawParameter::Regular(p.clone()),
            RawParameter::Body { at, object } => RawParameter::Body { at: at.clone(), object },
            RawParameter::FormData { at, object, name } => {
                RawParameter::FormData { at: at.clone(), object, name: name.clone() }
            }
        });
    }
    merged.extend(own);
    let mut split = SplitParameters { regular: Vec::new(), body: None, form: Vec::new() };
    for param in merged {
        match param {
            RawParameter::Regular(p) => split.regular.push(p),
            RawParameter::Body { at, object } => split.body = Some((at, object)),
            RawParameter::FormData { at, object, name } => split.form.push((at, object, name)),
        }
    }
    split
}

/// The `parameters` of a path item or operation.
fn parameters<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Vec<RawParameter<'a>> {
    let Some(items) = ctx.array_field(object, at, "parameters") else { return Vec::new() };
    let list_at = at.child("parameters");
    let mut out: Vec<RawParameter<'a>> = Vec::with_capacity(items.len());
    for index in 0..items.len() {
        let Some((param_at, param)) = ctx.deref_object(list_at.index(index), "parameter") else {
            continue;
        };
        let Some(name) = string_field(param, "name") else {
            ctx.error(
                DiagnosticKind::MissingField,
                &param_at,
                "parameter without `name`; it is skipped",
            );
            continue;
        };
        let location = match param.get("in").and_then(Value::as_str) {
            Some("path") => ParameterLocation::Path,
            Some("query") => ParameterLocation::Query,
            Some("header") => ParameterLocation::Header,
            Some("cookie") => ParameterLocation::Cookie,
            Some("body") if ctx.version == SpecVersion::Swagger2 => {
                out.push(RawParameter::Body { at: param_at, object: param });
                continue;
            }
            Some("formData") if ctx.version == SpecVersion::Swagger2 => {
                out.push(RawParameter::FormData { at: param_at, object: param, name });
                continue;
            }
            other => {
                ctx.error(
                    DiagnosticKind::InvalidValue,
                    &param_at.child("in"),
                    format!(
                        "parameter `{name}` has {}; it is skipped",
                        other.map_or("no `in`".to_string(), |o| format!(
                            "unknown location `in: {o}`"
                        ))
                    ),
                );
                continue;
            }
        };
        let parameter = match ctx.version {
            SpecVersion::Swagger2 => v2::parameter(ctx, param, &param_at, name, location),
            _ => v3::parameter(ctx, param, &param_at, name, location),
        };
        let parameter = RawParameter::Regular(parameter);
        if let Some(existing) = out.iter().position(|p| p.key() == parameter.key()) {
            ctx.warning(
                DiagnosticKind::Duplicate,
                &param_at,
                "parameter declared twice with the same name and location; the last one wins",
            );
            out[existing] = parameter;
        } else {
            out.push(parameter);
        }
    }
    out
}

/// Declares `{name}` segments of the path that have no path parameter, as required strings.
fn add_missing_path_parameters(
    ctx: &mut Ctx<'_>,
    path: &str,
    at: &Target,
    parameters: &mut Vec<Parameter>,
) {
    for segment in path.split('{').skip(1) {
        let Some((name, _)) = segment.split_once('}') else { continue };
        if name.is_empty()
            || parameters.iter().any(|p| p.location == ParameterLocation::Path && p.name == name)
        {
            continue;
        }
        ctx.warning(
            DiagnosticKind::MissingField,
            at,
            format!("path parameter `{name}` is not declared; it is taken as a required string"),
        );
        parameters.push(Parameter {
            name: name.to_string(),
            location: ParameterLocation::Path,
            required: true,
            description: None,
            schema: SchemaRef::Inline(Box::new(Schema::new(SchemaKind::String {
                values: Vec::new(),
            }))),
            style: ParameterStyle::Simple,
            explode: false,
            deprecated: false,
            example: None,
            extensions: Default::default(),
        });
    }
}

/// The `responses` of an operation.
fn responses<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Vec<Response> {
    let Some(map) = ctx.object_field(object, at, "responses") else {
        return Vec::new();
    };
    let list_at = at.child("responses");
    let mut out = Vec::with_capacity(map.len());
    for key in map.keys() {
        if key.starts_with("x-") {
            continue;
        }
        let Some(status) = StatusCode::parse(key) else {
            ctx.error(
                DiagnosticKind::InvalidValue,
                &list_at.child(key),
                format!("`{key}` is not a status code, `2XX`-style range or `default`; the response is skipped"),
            );
            continue;
        };
        let Some((response_at, response)) = ctx.deref_object(list_at.child(key), "response") else {
            continue;
        };
        out.push(match ctx.version {
            SpecVersion::Swagger2 => {
                v2::response(ctx, root, object, status, response, &response_at)
            }
            _ => v3::response(ctx, status, response, &response_at),
        });
    }
    out
}
