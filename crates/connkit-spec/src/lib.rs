//! OpenAPI 2.0 / 3.0 / 3.1 loading, `$ref` resolution, one normalised model, and the
//! connector guideline's analysis (tier and reasons).
//!
//! - [`model`]: the normalised model ([`Api`], [`Operation`], [`Schema`], ...). Later stages
//!   never see which OpenAPI version the input was.
//! - [`Loader`] / [`load_str`]: reading specs from paths, URLs or memory.
//! - [`analyze`]: operation ids, entities, auth, pagination, rate limits, tier and reasons.
//! - [`Diagnostic`]: problems that did not stop loading, located by JSON pointer.
//! - [`UniqueNames`]: names made unique inside a scope (ids here, identifiers in the
//!   generator).
//!
//! ```
//! let text = r#"
//! openapi: 3.0.3
//! info: { title: Pets, version: "1" }
//! paths:
//!   /pets:
//!     get:
//!       operationId: listPets
//!       parameters:
//!         - { name: cursor, in: query, schema: { type: string } }
//!       responses:
//!         "200":
//!           description: A page of pets.
//!           content:
//!             application/json:
//!               schema:
//!                 type: object
//!                 properties:
//!                   items: { type: array, items: { type: string } }
//!                   next_cursor: { type: string }
//! "#;
//! let spec = connkit_spec::load_str("pets.yaml", text)?;
//! let analysis = connkit_spec::analyze(&[spec]);
//! let list = analysis.resolve("listPets").expect("a unique id");
//! let pagination = list.pagination.as_ref().expect("cursor pagination");
//! assert_eq!(pagination.style, connkit_spec::PaginationStyle::Cursor);
//! assert_eq!(pagination.response_path.as_deref(), Some("next_cursor"));
//! assert_eq!(pagination.items_path.as_deref(), Some("items"));
//! assert_eq!(analysis.tier, connkit_spec::Tier::Full);
//! # Ok::<(), connkit_spec::LoadError>(())
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod analyze;
mod diagnostic;
mod load;
pub mod model;
mod names;
mod normalize;

pub use analyze::{
    Analysis, AnalyzedOperation, AuthKind, Entity, Pagination, PaginationStyle, RateLimit,
    RateLimitSource, ResolveError, Tier, analyze, analyze_apis,
};
pub use diagnostic::{Diagnostic, DiagnosticKind, Severity, pointer_push};
pub use load::{
    Document, DocumentSet, LoadError, LoadLimits, LoadedSpec, Loader, SpecFile, copy_layout,
    load_str, normalize_documents,
};
pub use model::{
    AdditionalProperties, Api, BodyKind, Discriminator, HttpMethod, MediaType, Operation,
    Parameter, ParameterLocation, Response, Schema, SchemaKind, SchemaRef, SecurityScheme,
    SpecVersion, StatusCode,
};
pub use names::UniqueNames;
