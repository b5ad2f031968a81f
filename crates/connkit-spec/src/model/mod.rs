//! The normalised model of an API description.
//!
//! Every input version (Swagger 2.0, OpenAPI 3.0.x and 3.1.x) is normalised into these types,
//! so the analysis, the generator and `connkit call` never see which version the input was.
//! Everything is `Serialize` + `Deserialize`, so callers may persist or inspect the model.

mod api;
mod operation;
mod schema;
mod security;

pub use api::{Api, ExternalDocs, Server, ServerVariable, SpecVersion, Tag};
pub use operation::{
    BodyKind, HttpMethod, MediaType, Operation, Parameter, ParameterLocation, ParameterStyle,
    PropertyEncoding, RequestBody, Response, ResponseHeader, StatusCode,
};
pub use schema::{AdditionalProperties, Constraints, Discriminator, Schema, SchemaKind, SchemaRef};
pub use security::{OAuthFlow, OAuthFlowKind, SecurityRequirement, SecurityScheme};

/// Vendor extensions (`x-*` keys) of a spec element, keyed by their full name (`x-amzn-api-sandbox`),
/// in document order.
pub type Extensions = indexmap::IndexMap<String, serde_json::Value>;
