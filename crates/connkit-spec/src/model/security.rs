//! Security schemes and requirements.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{Extensions, ParameterLocation};

/// One alternative of a security requirement list: every scheme named here must be applied
/// together (with the listed scopes). An empty requirement means "no authentication".
pub type SecurityRequirement = IndexMap<String, Vec<String>>;

/// A security scheme declared by the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[non_exhaustive]
pub enum SecurityScheme {
    /// A static key in a header, query parameter or cookie.
    ApiKey {
        /// The header / parameter / cookie name.
        name: String,
        /// Where the key goes.
        location: ParameterLocation,
        /// What it is.
        description: Option<String>,
    },
    /// HTTP authentication (`basic`, `bearer`, `digest`, ...). Swagger 2 `basic` maps here.
    Http {
        /// The scheme, lowercased (`basic`, `bearer`).
        scheme: String,
        /// A hint about the bearer token format (`JWT`).
        bearer_format: Option<String>,
        /// What it is.
        description: Option<String>,
    },
    /// OAuth 2 with its flows.
    OAuth2 {
        /// Declared flows, in order.
        flows: Vec<OAuthFlow>,
        /// What it is.
        description: Option<String>,
    },
    /// OpenID Connect discovery.
    OpenIdConnect {
        /// The discovery URL.
        url: String,
        /// What it is.
        description: Option<String>,
    },
    /// Mutual TLS (3.1).
    MutualTls {
        /// What it is.
        description: Option<String>,
    },
    /// A scheme type this crate does not know; kept so nothing is lost.
    Unknown {
        /// The declared `type`.
        declared_type: String,
        /// Its vendor extensions.
        extensions: Extensions,
    },
}

/// The grant type of an OAuth 2 flow (Swagger 2 names mapped: `application` is client
/// credentials, `accessCode` is authorization code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlowKind {
    /// Client credentials (machine to machine).
    ClientCredentials,
    /// Authorization code (user consent, then refresh tokens).
    AuthorizationCode,
    /// Implicit (browser-only, deprecated).
    Implicit,
    /// Resource owner password.
    Password,
}

/// One OAuth 2 flow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthFlow {
    /// The grant type.
    pub kind: OAuthFlowKind,
    /// Where users authorise (authorization code, implicit).
    pub authorization_url: Option<String>,
    /// Where tokens are obtained (every flow but implicit).
    pub token_url: Option<String>,
    /// Where tokens are refreshed, if different.
    pub refresh_url: Option<String>,
    /// Scope → description.
    pub scopes: IndexMap<String, String>,
}
