//! The root of the model: one API description.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{Extensions, Operation, Schema, SecurityRequirement, SecurityScheme};

/// The OpenAPI family version an [`Api`] was read from. Kept for reporting only: nothing in
/// the model depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecVersion {
    /// Swagger 2.0 (`swagger: "2.0"`).
    Swagger2,
    /// OpenAPI 3.0.x.
    OpenApi30,
    /// OpenAPI 3.1.x (JSON Schema 2020-12 schemas).
    OpenApi31,
}

impl SpecVersion {
    /// A short human name: `2.0`, `3.0` or `3.1`.
    pub fn short(self) -> &'static str {
        match self {
            SpecVersion::Swagger2 => "2.0",
            SpecVersion::OpenApi30 => "3.0",
            SpecVersion::OpenApi31 => "3.1",
        }
    }
}

/// One API description, normalised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// Where the root document was read from: a file path as given, or a URL.
    pub source: String,
    /// The document's `info.title`.
    pub title: String,
    /// The API's own version (`info.version`).
    pub version: String,
    /// The OpenAPI family of the input.
    pub spec_version: SpecVersion,
    /// The version string exactly as declared (`"2.0"`, `"3.0.3"`, `"3.1.0"`).
    pub declared_version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Servers. Swagger 2 `schemes` + `host` + `basePath` become one server per scheme.
    /// Empty when the document declares none.
    pub servers: Vec<Server>,
    /// Every operation, in document order (paths, then methods in the order
    /// get, put, post, delete, options, head, patch, trace).
    pub operations: Vec<Operation>,
    /// Named schemas: `definitions` / `components.schemas` under their own names, plus
    /// schemas reached through other `$ref`s (other files, other places in a document) under
    /// names derived from the reference that never collide with the others.
    /// [`super::SchemaRef::Ref`] points into this map.
    pub schemas: IndexMap<String, Schema>,
    /// Security schemes by name (`securityDefinitions` / `components.securitySchemes`).
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// The document-wide security requirements (alternatives: any one of them suffices).
    pub security: Vec<SecurityRequirement>,
    /// Declared tags, in order.
    pub tags: Vec<Tag>,
    /// `externalDocs` of the document.
    pub external_docs: Option<ExternalDocs>,
    /// Vendor extensions of the root object and of `info`.
    pub extensions: Extensions,
}

impl Api {
    /// Looks up a named schema (the target of a [`super::SchemaRef::Ref`]).
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }

    /// The security requirements that apply to `operation`: its own, else the document's.
    /// An empty list, or a list holding an empty requirement, means no authentication.
    pub fn effective_security<'a>(&'a self, operation: &'a Operation) -> &'a [SecurityRequirement] {
        operation.security.as_deref().unwrap_or(&self.security)
    }

    /// The servers that apply to `operation`: its own (or its path item's), else the
    /// document's.
    pub fn effective_servers<'a>(&'a self, operation: &'a Operation) -> &'a [Server] {
        if operation.servers.is_empty() { &self.servers } else { &operation.servers }
    }

    /// Follows a schema reference to its schema: the named schema for a `Ref`, the schema itself
    /// for `Inline`. `None` only when a `Ref` names a schema that is not in [`Api::schemas`].
    pub fn resolve<'a>(&'a self, schema: &'a super::SchemaRef) -> Option<&'a Schema> {
        match schema {
            super::SchemaRef::Ref(name) => self.schemas.get(name),
            super::SchemaRef::Inline(schema) => Some(schema),
        }
    }
}

/// A server the API is served from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Server {
    /// The URL, possibly a template with `{variables}`, possibly relative to the document.
    pub url: String,
    /// What this server is (e.g. "Production").
    pub description: Option<String>,
    /// Template variables by name.
    pub variables: IndexMap<String, ServerVariable>,
}

/// A variable in a server URL template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerVariable {
    /// Value used when nothing else is chosen.
    pub default: String,
    /// The allowed values, when restricted.
    pub allowed: Vec<String>,
    /// What the variable means.
    pub description: Option<String>,
}

/// A tag: the API's own grouping of operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag's name, as operations reference it.
    pub name: String,
    /// What the group is about.
    pub description: Option<String>,
}

/// A link to documentation outside the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExternalDocs {
    /// The documentation URL.
    pub url: String,
    /// What is found there.
    pub description: Option<String>,
}
