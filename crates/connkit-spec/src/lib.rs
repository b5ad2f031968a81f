//! OpenAPI 2.0 / 3.0 / 3.1 loading, `$ref` resolution, one normalised model, and the
//! connector guideline's analysis (tier and reasons).
//!
//! - [`model`]: the normalised model ([`Api`], [`Operation`], [`Schema`], ...). Later stages
//!   never see which OpenAPI version the input was.
//! - [`Loader`] / [`load_str`]: reading specs from paths, URLs or memory.
//! - [`analyze`]: operation ids, entities, auth, pagination, rate limits, tier and reasons.
//! - [`Diagnostic`]: problems that did not stop loading, located by JSON pointer.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod analyze;
mod diagnostic;
mod load;
pub mod model;
mod normalize;

pub use analyze::{
    Analysis, AnalyzedOperation, AuthKind, Entity, Pagination, PaginationStyle, RateLimit,
    RateLimitSource, ResolveError, Tier, analyze, analyze_apis,
};
pub use diagnostic::{Diagnostic, DiagnosticKind, Severity, pointer_push};
pub use load::{
    Document, DocumentSet, LoadError, LoadedSpec, Loader, SpecFile, load_str, normalize_documents,
};
pub use model::{
    AdditionalProperties, Api, BodyKind, Discriminator, HttpMethod, MediaType, Operation,
    Parameter, ParameterLocation, Response, Schema, SchemaKind, SchemaRef, SecurityScheme,
    SpecVersion, StatusCode,
};
