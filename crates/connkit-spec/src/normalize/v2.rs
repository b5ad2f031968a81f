//! Swagger 2.0 specifics: servers from `host`/`basePath`/`schemes`, non-body parameters whose
//! schema is the parameter itself, `in: body` / `in: formData` as the request body, and
//! `consumes` / `produces` as content types.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::context::{Ctx, bool_field, extensions, str_field, string_field};
use crate::diagnostic::DiagnosticKind;
use crate::load::Target;
use crate::model::{
    AdditionalProperties, BodyKind, MediaType, Parameter, ParameterLocation, ParameterStyle,
    RequestBody, Response, ResponseHeader, Schema, SchemaKind, SchemaRef, Server, StatusCode,
};

/// One server per scheme from `host`, `basePath` and `schemes` (https when none is given).
pub(crate) fn servers<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    at: &Target,
) -> Vec<Server> {
    let host = str_field(root, "host");
    let base_path = str_field(root, "basePath").unwrap_or("");
    if host.is_none() && base_path.is_empty() {
        return Vec::new();
    }
    let Some(host) = host else {
        return vec![server(base_path.to_string())];
    };
    let mut schemes = ctx.string_list(root, at, "schemes");
    if schemes.is_empty() {
        schemes.push("https".to_string());
    }
    schemes.into_iter().map(|scheme| server(format!("{scheme}://{host}{base_path}"))).collect()
}

fn server(url: String) -> Server {
    Server { url, description: None, variables: IndexMap::new() }
}

/// A path, query, header (or cookie) parameter: its schema is the parameter object itself.
pub(crate) fn parameter<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
    name: String,
    location: ParameterLocation,
) -> Parameter {
    let (style, explode) = match str_field(object, "collectionFormat").unwrap_or("csv") {
        "multi" => (ParameterStyle::Form, true),
        "ssv" => (ParameterStyle::SpaceDelimited, false),
        "tsv" => (ParameterStyle::TabDelimited, false),
        "pipes" => (ParameterStyle::PipeDelimited, false),
        _ if location == ParameterLocation::Query => (ParameterStyle::Form, false),
        _ => (ParameterStyle::Simple, false),
    };
    let mut schema = ctx.schema_value(at, &Value::Object(strip_parameter_keys(object)), 1);
    // The parameter's own description documents the parameter, not the type.
    schema.description = None;
    Parameter {
        name,
        location,
        required: location == ParameterLocation::Path || bool_field(object, "required"),
        description: string_field(object, "description"),
        schema: SchemaRef::Inline(Box::new(schema)),
        style,
        explode,
        deprecated: bool_field(object, "deprecated") || bool_field(object, "x-deprecated"),
        example: object.get("x-example").or_else(|| object.get("example")).cloned(),
        extensions: extensions(object),
    }
}

/// The parameter keys that are not schema keywords (they must not be read as a schema;
/// `required: true` in particular means something else on a schema).
fn strip_parameter_keys(object: &Map<String, Value>) -> Map<String, Value> {
    object
        .iter()
        .filter(|(key, _)| {
            !matches!(
                key.as_str(),
                "name" | "in" | "required" | "collectionFormat" | "allowEmptyValue"
            )
        })
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

fn content_types<'a>(
    root: &'a Map<String, Value>,
    operation: &'a Map<String, Value>,
    key: &str,
) -> Vec<String> {
    let list = operation.get(key).or_else(|| root.get(key)).and_then(Value::as_array);
    let types: Vec<String> = list
        .map(|l| l.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    if types.is_empty() { vec!["application/json".to_string()] } else { types }
}

/// The request body from an `in: body` parameter, or from `in: formData` parameters.
pub(crate) fn request_body<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    operation: &'a Map<String, Value>,
    body: Option<(Target, &'a Map<String, Value>)>,
    form: Vec<(Target, &'a Map<String, Value>, String)>,
) -> Option<RequestBody> {
    let consumes = content_types(root, operation, "consumes");
    if let Some((at, object)) = body {
        if !form.is_empty() {
            ctx.error(
                DiagnosticKind::InvalidStructure,
                &at,
                "an operation cannot have both `in: body` and `in: formData` parameters; the form parameters are ignored",
            );
        }
        return Some(body_parameter(ctx, &at, object, &consumes));
    }
    if form.is_empty() {
        return None;
    }
    Some(form_body(ctx, &form, consumes))
}

/// The body of an `in: body` parameter: its schema under each `consumes` type.
fn body_parameter(
    ctx: &mut Ctx<'_>,
    at: &Target,
    object: &Map<String, Value>,
    consumes: &[String],
) -> RequestBody {
    let schema = match object.get("schema") {
        Some(value) => ctx.schema_ref(&at.child("schema"), value, 1),
        None => {
            ctx.error(
                DiagnosticKind::MissingField,
                at,
                "body parameter without `schema`; any value is accepted",
            );
            SchemaRef::any()
        }
    };
    let content = consumes
        .iter()
        .map(|content_type| MediaType {
            encoding: Vec::new(),
            content_type: content_type.clone(),
            kind: BodyKind::from_content_type(content_type),
            schema: Some(schema.clone()),
        })
        .collect();
    RequestBody {
        required: bool_field(object, "required"),
        description: string_field(object, "description"),
        content,
    }
}

/// The body of `in: formData` parameters: one object schema with a property per parameter,
/// sent as a form (multipart when a parameter is a file and `consumes` says nothing).
fn form_body(
    ctx: &mut Ctx<'_>,
    form: &[(Target, &Map<String, Value>, String)],
    consumes: Vec<String>,
) -> RequestBody {
    let mut properties = IndexMap::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for (at, object, name) in form {
        has_file |= str_field(object, "type") == Some("file");
        if bool_field(object, "required") {
            required.push(name.clone());
        }
        let mut schema = ctx.schema_value(at, &Value::Object(strip_parameter_keys(object)), 1);
        schema.description = string_field(object, "description");
        properties.insert(name.clone(), SchemaRef::Inline(Box::new(schema)));
    }
    let any_required = !required.is_empty();
    let schema = SchemaRef::Inline(Box::new(Schema::new(SchemaKind::Object {
        properties,
        required,
        additional_properties: AdditionalProperties::Unspecified,
        discriminator: None,
    })));
    let mut types: Vec<String> = consumes
        .into_iter()
        .filter(|t| matches!(BodyKind::from_content_type(t), BodyKind::Form | BodyKind::Multipart))
        .collect();
    if types.is_empty() {
        types.push(
            if has_file { "multipart/form-data" } else { "application/x-www-form-urlencoded" }
                .into(),
        );
    }
    let content = types
        .into_iter()
        .map(|content_type| MediaType {
            kind: BodyKind::from_content_type(&content_type),
            content_type,
            schema: Some(schema.clone()),
            encoding: Vec::new(),
        })
        .collect();
    RequestBody { required: any_required, description: None, content }
}

/// A response: `schema` under each `produces` type, and `headers`.
pub(crate) fn response<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    operation: &'a Map<String, Value>,
    status: StatusCode,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Response {
    let content = match object.get("schema") {
        Some(value) => {
            let schema = ctx.schema_ref(&at.child("schema"), value, 1);
            content_types(root, operation, "produces")
                .into_iter()
                .map(|content_type| MediaType {
                    kind: BodyKind::from_content_type(&content_type),
                    content_type,
                    schema: Some(schema.clone()),
                    encoding: Vec::new(),
                })
                .collect()
        }
        None => Vec::new(),
    };
    let mut headers = Vec::new();
    if let Some(map) = ctx.object_field(object, at, "headers") {
        let headers_at = at.child("headers");
        for (name, header) in map {
            let header_at = headers_at.child(name);
            let Some(header_object) = header.as_object() else {
                ctx.error(
                    DiagnosticKind::InvalidStructure,
                    &header_at,
                    "a header must be an object; it is ignored",
                );
                continue;
            };
            let mut schema = ctx.schema_value(&header_at, header, 1);
            schema.description = None;
            headers.push(ResponseHeader {
                name: name.clone(),
                description: string_field(header_object, "description"),
                schema: Some(SchemaRef::Inline(Box::new(schema))),
            });
        }
    }
    Response {
        status,
        description: string_field(object, "description"),
        headers,
        content,
        extensions: extensions(object),
    }
}
