//! OpenAPI 3.0 / 3.1 specifics: `servers`, parameters with `schema` or `content` and
//! `style`/`explode`, `requestBody`, and responses with `content` and header objects.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::context::{Ctx, bool_field, extensions, str_field, string_field, type_name};
use crate::diagnostic::DiagnosticKind;
use crate::load::Target;
use crate::model::{
    BodyKind, MediaType, Parameter, ParameterLocation, ParameterStyle, PropertyEncoding,
    RequestBody, Response, ResponseHeader, SchemaRef, Server, ServerVariable, StatusCode,
};

/// The `servers` of the root, a path item or an operation.
pub(crate) fn servers<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Vec<Server> {
    let Some(items) = ctx.array_field(object, at, "servers") else { return Vec::new() };
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Some((server, url)) = item.as_object().and_then(|s| Some((s, str_field(s, "url")?)))
        else {
            ctx.error(
                DiagnosticKind::InvalidStructure,
                &at.child("servers").index(index),
                "a server must be an object with a `url`; it is ignored",
            );
            continue;
        };
        let mut variables = IndexMap::new();
        if let Some(vars) = server.get("variables").and_then(Value::as_object) {
            for (name, var) in vars {
                let Some(var) = var.as_object() else { continue };
                let allowed = var
                    .get("enum")
                    .and_then(Value::as_array)
                    .map(|e| e.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                let default = match var.get("default") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other @ (Value::Number(_) | Value::Bool(_))) => other.to_string(),
                    _ => String::new(),
                };
                variables.insert(
                    name.clone(),
                    ServerVariable {
                        default,
                        allowed,
                        description: string_field(var, "description"),
                    },
                );
            }
        }
        out.push(Server {
            url: url.to_string(),
            description: string_field(server, "description"),
            variables,
        });
    }
    out
}

/// A path, query, header or cookie parameter.
pub(crate) fn parameter<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
    name: String,
    location: ParameterLocation,
) -> Parameter {
    let schema = match object.get("schema") {
        Some(value) => ctx.schema_ref(&at.child("schema"), value, 1),
        None => {
            let content = media_types(ctx, object, at);
            match content.into_iter().find_map(|m| m.schema) {
                Some(schema) => schema,
                None => {
                    ctx.warning(
                        DiagnosticKind::MissingField,
                        at,
                        format!("parameter `{name}` has neither `schema` nor `content`; it takes any value"),
                    );
                    SchemaRef::any()
                }
            }
        }
    };
    let style = style_field(ctx, object, at).unwrap_or_else(|| default_style(location));
    let explode =
        object.get("explode").and_then(Value::as_bool).unwrap_or(style == ParameterStyle::Form);
    let example = object.get("example").cloned().or_else(|| {
        object
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|examples| examples.values().next())
            .and_then(|example| example.get("value"))
            .cloned()
    });
    Parameter {
        name,
        location,
        required: location == ParameterLocation::Path || bool_field(object, "required"),
        description: string_field(object, "description"),
        schema,
        style,
        explode,
        deprecated: bool_field(object, "deprecated"),
        example,
        extensions: extensions(object),
    }
}

/// The declared `style` of a parameter or an encoding; `None` when absent or unknown (with a
/// warning).
fn style_field(
    ctx: &mut Ctx<'_>,
    object: &Map<String, Value>,
    at: &Target,
) -> Option<ParameterStyle> {
    Some(match str_field(object, "style")? {
        "form" => ParameterStyle::Form,
        "simple" => ParameterStyle::Simple,
        "matrix" => ParameterStyle::Matrix,
        "label" => ParameterStyle::Label,
        "spaceDelimited" => ParameterStyle::SpaceDelimited,
        "pipeDelimited" => ParameterStyle::PipeDelimited,
        "deepObject" => ParameterStyle::DeepObject,
        other => {
            ctx.warning(
                DiagnosticKind::InvalidValue,
                &at.child("style"),
                format!("unknown style `{other}`; the default style is used"),
            );
            return None;
        }
    })
}

/// The `encoding` map of a form or multipart media type.
fn encodings(ctx: &mut Ctx<'_>, media: &Map<String, Value>, at: &Target) -> Vec<PropertyEncoding> {
    let Some(Value::Object(map)) = media.get("encoding") else { return Vec::new() };
    let at = at.child("encoding");
    let mut out = Vec::new();
    for (property, encoding) in map {
        let Value::Object(encoding) = encoding else { continue };
        let style = style_field(ctx, encoding, &at.child(property)).unwrap_or(ParameterStyle::Form);
        out.push(PropertyEncoding {
            property: property.clone(),
            style,
            explode: encoding
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == ParameterStyle::Form),
            content_type: string_field(encoding, "contentType"),
        });
    }
    out
}

fn default_style(location: ParameterLocation) -> ParameterStyle {
    match location {
        ParameterLocation::Query | ParameterLocation::Cookie => ParameterStyle::Form,
        ParameterLocation::Path | ParameterLocation::Header => ParameterStyle::Simple,
    }
}

/// The `content` map of a parameter, request body, response or header.
fn media_types<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Vec<MediaType> {
    let Some(content) = ctx.object_field(object, at, "content") else { return Vec::new() };
    let content_at = at.child("content");
    let mut out = Vec::with_capacity(content.len());
    for (content_type, media) in content {
        let media_at = content_at.child(content_type);
        let (schema, encoding) = match media {
            Value::Object(media) => (
                media.get("schema").map(|s| ctx.schema_ref(&media_at.child("schema"), s, 1)),
                encodings(ctx, media, &media_at),
            ),
            other => {
                ctx.error(
                    DiagnosticKind::InvalidStructure,
                    &media_at,
                    format!(
                        "a media type must be an object, found {}; its schema is unknown",
                        type_name(other)
                    ),
                );
                (None, Vec::new())
            }
        };
        out.push(MediaType {
            content_type: content_type.clone(),
            kind: BodyKind::from_content_type(content_type),
            schema,
            encoding,
        });
    }
    out
}

/// The `requestBody` of an operation.
pub(crate) fn request_body<'a>(
    ctx: &mut Ctx<'a>,
    operation: &'a Map<String, Value>,
    at: &Target,
) -> Option<RequestBody> {
    operation.get("requestBody")?;
    let (body_at, body) = ctx.deref_object(at.child("requestBody"), "request body")?;
    Some(RequestBody {
        required: bool_field(body, "required"),
        description: string_field(body, "description"),
        content: media_types(ctx, body, &body_at),
    })
}

/// A response with its content and headers.
pub(crate) fn response<'a>(
    ctx: &mut Ctx<'a>,
    status: StatusCode,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Response {
    let content = media_types(ctx, object, at);
    let mut headers = Vec::new();
    if let Some(map) = ctx.object_field(object, at, "headers") {
        let headers_at = at.child("headers");
        for name in map.keys() {
            let Some((header_at, header)) = ctx.deref_object(headers_at.child(name), "header")
            else {
                continue;
            };
            let schema = match header.get("schema") {
                Some(value) => Some(ctx.schema_ref(&header_at.child("schema"), value, 1)),
                None => media_types(ctx, header, &header_at).into_iter().find_map(|m| m.schema),
            };
            headers.push(ResponseHeader {
                name: name.clone(),
                description: string_field(header, "description"),
                schema,
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
