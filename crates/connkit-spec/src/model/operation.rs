//! Operations with their parameters, bodies and responses.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Extensions, SchemaRef, SecurityRequirement, Server};

/// An HTTP method an operation is declared for. Serialised uppercase (`"GET"`); lowercase
/// (the path-item keys) is accepted when deserialising.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    #[serde(alias = "get")]
    Get,
    /// PUT
    #[serde(alias = "put")]
    Put,
    /// POST
    #[serde(alias = "post")]
    Post,
    /// DELETE
    #[serde(alias = "delete")]
    Delete,
    /// OPTIONS
    #[serde(alias = "options")]
    Options,
    /// HEAD
    #[serde(alias = "head")]
    Head,
    /// PATCH
    #[serde(alias = "patch")]
    Patch,
    /// TRACE
    #[serde(alias = "trace")]
    Trace,
}

impl HttpMethod {
    /// Every method in the order a path item lists them.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// The lowercase key used in path items (`get`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// The uppercase wire name (`GET`).
    pub fn as_upper(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Whether HTTP defines the method as idempotent (safe to replay).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_upper())
    }
}

/// One operation: a method on a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The declared `operationId`, if any. The analysis gives every operation a unique id
    /// (see `analyze::OperationId`); this is the raw value.
    pub operation_id: Option<String>,
    /// The method.
    pub method: HttpMethod,
    /// The path template, e.g. `/orders/v0/orders/{orderId}`.
    pub path: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Long description (Markdown). Amazon puts its usage-plan tables here.
    pub description: Option<String>,
    /// Tags, in declared order.
    pub tags: Vec<String>,
    /// Whether the operation is deprecated.
    pub deprecated: bool,
    /// Path, query, header and cookie parameters, path-item parameters merged in (operation
    /// parameters override path-item ones with the same name and location). Body and form
    /// parameters of Swagger 2 are in [`Operation::request_body`] instead.
    pub parameters: Vec<Parameter>,
    /// The request body, if the operation takes one.
    pub request_body: Option<RequestBody>,
    /// Responses, in declared order.
    pub responses: Vec<Response>,
    /// Security requirements of this operation: `None` inherits [`super::Api::security`];
    /// `Some(vec![])` means explicitly no authentication.
    pub security: Option<Vec<SecurityRequirement>>,
    /// Servers overriding the document's servers for this operation (empty: inherit).
    pub servers: Vec<Server>,
    /// Vendor extensions of the operation (`x-amzn-api-sandbox`, `x-dropshot-pagination`, ...).
    pub extensions: Extensions,
    /// JSON pointer of the operation in its document (`/paths/~1orders~1v0~1orders/get`).
    pub pointer: String,
}

impl Operation {
    /// The parameter with this name in this location, if declared.
    pub fn parameter(&self, name: &str, location: ParameterLocation) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.location == location && p.name == name)
    }

    /// The successful responses (2xx codes, the `2XX` range), in declared order. An operation
    /// that declares none documents its answer as `default` (generated specs do): that
    /// `default` is then the successful response, unless it describes errors.
    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        let declared = self.responses.iter().any(|r| r.status.is_success());
        self.responses.iter().filter(move |r| {
            if declared {
                r.status.is_success()
            } else {
                r.status == StatusCode::Default && !r.describes_errors()
            }
        })
    }

    /// Whether `response` (one of this operation's) is a successful one (see
    /// [`Operation::success_responses`]).
    pub fn is_success_response(&self, response: &Response) -> bool {
        self.success_responses().any(|r| std::ptr::eq(r, response))
    }
}

/// Where a parameter goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParameterLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParameterLocation {
    /// The lowercase name used in specs (`query`).
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "query",
            ParameterLocation::Header => "header",
            ParameterLocation::Cookie => "cookie",
        }
    }
}

/// How an array or object parameter is serialised. OpenAPI 3 `style` values and Swagger 2
/// `collectionFormat` values map onto these (`csv` → `Form` with `explode: false` in a query,
/// `Simple` elsewhere; `multi` → `Form` with `explode: true`; `ssv` → `SpaceDelimited`;
/// `pipes` → `PipeDelimited`; `tsv` → `TabDelimited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ParameterStyle {
    /// `form` (query default): `a=1&a=2` exploded, `a=1,2` not.
    Form,
    /// `simple` (path and header default): `1,2`.
    Simple,
    /// `matrix`: `;a=1,2`.
    Matrix,
    /// `label`: `.1.2`.
    Label,
    /// `spaceDelimited`: `a=1 2`.
    SpaceDelimited,
    /// `pipeDelimited`: `a=1|2`.
    PipeDelimited,
    /// Swagger 2 `tsv`: tab separated.
    TabDelimited,
    /// `deepObject`: `a[x]=1&a[y]=2`.
    DeepObject,
}

/// A path, query, header or cookie parameter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// The wire name.
    pub name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Whether it must be sent (path parameters always are).
    pub required: bool,
    /// What it means.
    pub description: Option<String>,
    /// Its type. Parameters declared with `content` instead of `schema` use the schema of the
    /// first media type.
    pub schema: SchemaRef,
    /// Serialisation style (defaults applied: `form` for query and cookie, `simple` for path
    /// and header).
    pub style: ParameterStyle,
    /// Whether arrays and objects are exploded (defaults applied: true for `form`).
    pub explode: bool,
    /// Whether the parameter is deprecated.
    pub deprecated: bool,
    /// An example value, if the spec gives one.
    pub example: Option<serde_json::Value>,
    /// Vendor extensions of the parameter.
    pub extensions: Extensions,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestBody {
    /// Whether a body must be sent.
    pub required: bool,
    /// What it is.
    pub description: Option<String>,
    /// One entry per accepted content type, in declared order.
    pub content: Vec<MediaType>,
}

/// One content type of a body with its schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaType {
    /// The content type as declared (`application/json`, `multipart/form-data`).
    pub content_type: String,
    /// How the body is encoded, derived from the content type.
    pub kind: BodyKind,
    /// The body's schema, if given.
    pub schema: Option<SchemaRef>,
    /// How properties of a form or multipart body are written, by property name (OpenAPI 3
    /// `encoding`: `style` and `explode`); empty when the spec declares none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<PropertyEncoding>,
}

/// The declared encoding of one property of a form or multipart body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PropertyEncoding {
    /// The property name.
    pub property: String,
    /// Its style (`form` when not declared).
    pub style: ParameterStyle,
    /// Whether arrays and objects are exploded (`true` for `form` when not declared).
    pub explode: bool,
    /// The part's content type (multipart), if declared.
    pub content_type: Option<String>,
}

impl MediaType {
    /// How the body is read: [`MediaType::kind`], except that a wildcard (`*/*`) whose schema
    /// is an object, array or composition is JSON (generated specs, Spring's among them, write
    /// it for JSON answers, and a structured schema is no byte string).
    pub fn effective_kind(&self, api: &super::Api) -> BodyKind {
        let wildcard = self.content_type.split(';').next().is_some_and(|e| e.trim() == "*/*");
        let structured = self.schema.as_ref().and_then(|s| api.resolve(s)).is_some_and(|s| {
            matches!(
                s.kind,
                super::SchemaKind::Object { .. }
                    | super::SchemaKind::Array { .. }
                    | super::SchemaKind::AllOf { .. }
                    | super::SchemaKind::OneOf { .. }
                    | super::SchemaKind::AnyOf { .. }
            )
        });
        if wildcard && structured { BodyKind::Json } else { self.kind }
    }
}

/// The encoding family of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    /// JSON (`application/json`, `application/*+json`, `*/json`).
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/*`.
    Multipart,
    /// Raw bytes (`application/octet-stream`, images, PDFs, `*/*` ...).
    Binary,
    /// Plain text, CSV, HTML, XML and other `text/*`.
    Text,
    /// Server-sent events (`text/event-stream`).
    EventStream,
    /// NDJSON / JSON lines (`application/x-ndjson`, `application/jsonl`).
    JsonLines,
    /// Anything else.
    Other,
}

impl BodyKind {
    /// Classifies a content type (parameters such as `; charset=utf-8` are ignored).
    pub fn from_content_type(content_type: &str) -> BodyKind {
        let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/x-www-form-urlencoded" => BodyKind::Form,
            "text/event-stream" => BodyKind::EventStream,
            "application/x-ndjson"
            | "application/jsonl"
            | "application/json-seq"
            | "application/x-jsonlines"
            | "application/jsonlines" => BodyKind::JsonLines,
            "application/octet-stream"
            | "*/*"
            | "application/pdf"
            | "application/zip"
            | "application/gzip" => BodyKind::Binary,
            e if e.starts_with("multipart/") => BodyKind::Multipart,
            e if e == "application/json" || e.ends_with("+json") || e.ends_with("/json") => {
                BodyKind::Json
            }
            e if e.starts_with("text/") || e.ends_with("/xml") || e.ends_with("+xml") => {
                BodyKind::Text
            }
            e if e.starts_with("image/") || e.starts_with("audio/") || e.starts_with("video/") => {
                BodyKind::Binary
            }
            _ => BodyKind::Other,
        }
    }
}

/// A response status key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCode {
    /// One status code (`200`).
    Code(u16),
    /// A class of codes (`2XX` is `Range(2)`).
    Range(u8),
    /// `default`: every status not listed.
    Default,
}

impl StatusCode {
    /// Parses a responses key: `200`, `2XX`/`2xx`, or `default`. `None` for anything else.
    pub fn parse(key: &str) -> Option<StatusCode> {
        let key = key.trim();
        if key.eq_ignore_ascii_case("default") {
            return Some(StatusCode::Default);
        }
        let bytes = key.as_bytes();
        if bytes.len() == 3
            && bytes[0].is_ascii_digit()
            && bytes[1].eq_ignore_ascii_case(&b'x')
            && bytes[2].eq_ignore_ascii_case(&b'x')
        {
            return Some(StatusCode::Range(bytes[0] - b'0'));
        }
        match key.parse::<u16>() {
            Ok(code) if (100..=599).contains(&code) => Some(StatusCode::Code(code)),
            _ => None,
        }
    }

    /// Whether this is a 2xx code or the `2XX` range.
    pub fn is_success(self) -> bool {
        match self {
            StatusCode::Code(code) => (200..300).contains(&code),
            StatusCode::Range(class) => class == 2,
            StatusCode::Default => false,
        }
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusCode::Code(code) => write!(f, "{code}"),
            StatusCode::Range(class) => write!(f, "{class}XX"),
            StatusCode::Default => f.write_str("default"),
        }
    }
}

/// One documented response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// The status it applies to.
    pub status: StatusCode,
    /// What it means.
    pub description: Option<String>,
    /// Documented response headers.
    pub headers: Vec<ResponseHeader>,
    /// One entry per content type (Swagger 2: the `produces` types with the response schema).
    pub content: Vec<MediaType>,
    /// Vendor extensions of the response (Amazon's `x-amzn-api-sandbox` lives here).
    pub extensions: Extensions,
}

impl Response {
    /// The documented header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&ResponseHeader> {
        self.headers.iter().find(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// Whether the response describes errors ("Unexpected error", an `Error` schema): a
    /// `default` like that is no successful answer.
    pub fn describes_errors(&self) -> bool {
        let words = ["error", "unexpected", "fail", "problem", "fault", "exception"];
        let said = self
            .description
            .as_deref()
            .is_some_and(|d| words.iter().any(|w| d.to_ascii_lowercase().contains(w)));
        let named = self.content.iter().filter_map(|m| m.schema.as_ref()?.ref_name()).any(|name| {
            let name = name.to_ascii_lowercase();
            words.iter().any(|w| name.contains(w))
        });
        said || named
    }

    /// The first JSON media type, if any.
    pub fn json(&self) -> Option<&MediaType> {
        self.content.iter().find(|m| m.kind == BodyKind::Json)
    }

    /// The JSON schema the answer is read with: the first JSON media type that has a schema,
    /// else a wildcard one that reads as JSON (see [`MediaType::effective_kind`]).
    pub fn json_schema<'a>(&'a self, api: &super::Api) -> Option<&'a SchemaRef> {
        self.content
            .iter()
            .filter(|m| m.schema.is_some())
            .find(|m| m.kind == BodyKind::Json)
            .or_else(|| self.content.iter().find(|m| m.effective_kind(api) == BodyKind::Json))
            .and_then(|m| m.schema.as_ref())
    }
}

/// A documented response header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseHeader {
    /// The header name as declared (`x-amzn-RateLimit-Limit`).
    pub name: String,
    /// What it carries.
    pub description: Option<String>,
    /// Its type, if given.
    pub schema: Option<SchemaRef>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_serialise_uppercase_and_read_either_case() {
        assert_eq!(serde_json::to_string(&HttpMethod::Get).unwrap(), "\"GET\"");
        let read: Vec<HttpMethod> = serde_json::from_str(r#"["patch", "PATCH"]"#).unwrap();
        assert_eq!(read, [HttpMethod::Patch, HttpMethod::Patch]);
    }

    #[test]
    fn status_codes_parse_codes_ranges_and_default() {
        assert_eq!(StatusCode::parse("200"), Some(StatusCode::Code(200)));
        assert_eq!(StatusCode::parse("4xx"), Some(StatusCode::Range(4)));
        assert_eq!(StatusCode::parse("default"), Some(StatusCode::Default));
        assert_eq!(StatusCode::parse("abc"), None);
        assert_eq!(StatusCode::parse("999"), None);
    }

    #[test]
    fn content_types_map_to_body_kinds() {
        assert_eq!(BodyKind::from_content_type("application/json; charset=utf-8"), BodyKind::Json);
        assert_eq!(BodyKind::from_content_type("application/vnd.github+json"), BodyKind::Json);
        assert_eq!(BodyKind::from_content_type("multipart/form-data"), BodyKind::Multipart);
        assert_eq!(BodyKind::from_content_type("text/event-stream"), BodyKind::EventStream);
        assert_eq!(BodyKind::from_content_type("image/png"), BodyKind::Binary);
        assert_eq!(BodyKind::from_content_type("text/csv"), BodyKind::Text);
    }
}
