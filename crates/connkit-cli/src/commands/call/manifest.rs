//! The parts of `connectors/{system}/connector.toml` that a call needs: prefix, specs, auth,
//! hosts, the client-wide rate limit and the per-operation pagination and rate-limit
//! overrides. Read leniently (unknown keys are the generator's business and are ignored),
//! with the same key names as the manifest `connkit new` writes.

use std::path::Path;

use connkit::paginate::{PageStyle, Pagination, ParamLocation, TokenSource};
use connkit_spec::analyze::{self, PaginationStyle, RequestLocation};
use indexmap::IndexMap;
use serde::Deserialize;

/// The manifest file inside a connector directory.
pub const MANIFEST_FILE: &str = "connector.toml";

/// What `connkit call` reads of a manifest.
#[derive(Debug, Clone, Deserialize)]
pub struct CallManifest {
    /// The system name.
    pub system: String,
    /// The environment prefix with its trailing `_`.
    pub prefix: String,
    /// The specs, in generation order.
    pub specs: Vec<SpecEntry>,
    /// How the connector authenticates.
    pub auth: AuthConfig,
    /// Where the API is served.
    #[serde(default)]
    pub hosts: Hosts,
    /// A client-wide rate limit.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Per-operation overrides by id (qualified or bare).
    #[serde(default)]
    pub operations: IndexMap<String, OperationOverride>,
}

/// One spec of the connector.
#[derive(Debug, Clone, Deserialize)]
pub struct SpecEntry {
    /// The root document, relative to the connector directory.
    pub file: String,
    /// The stem naming it in qualified operation ids.
    pub stem: String,
}

/// The auth kinds of the manifest (kebab-case; `_` accepted for `-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// No authentication.
    None,
    /// `{P}_API_KEY` in a header or query parameter.
    ApiKey,
    /// `{P}_TOKEN` as a bearer token.
    Bearer,
    /// `{P}_USERNAME` and `{P}_PASSWORD`.
    Basic,
    /// OAuth2 client credentials.
    ClientCredentials,
    /// OAuth2 refresh token (and Login with Amazon).
    RefreshToken,
}

impl<'de> Deserialize<'de> for AuthKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "none" => Ok(Self::None),
            "api-key" | "apikey" => Ok(Self::ApiKey),
            "bearer" => Ok(Self::Bearer),
            "basic" => Ok(Self::Basic),
            "oauth2-client-credentials" | "oauth2" => Ok(Self::ClientCredentials),
            "oauth2-refresh-token" | "refresh-token" | "lwa" => Ok(Self::RefreshToken),
            _ => Err(serde::de::Error::custom(format!(
                "unknown auth kind `{text}`: use one of none, api-key, bearer, basic, oauth2-client-credentials, oauth2-refresh-token, lwa"
            ))),
        }
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyLocation {
    /// A header.
    Header,
    /// A query parameter.
    Query,
}

/// The `[auth]` table.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthConfig {
    /// The kind.
    pub kind: AuthKind,
    /// The default token endpoint.
    #[serde(default)]
    pub token_url: Option<String>,
    /// A header for the access token instead of `Authorization: Bearer`.
    #[serde(default)]
    pub token_header: Option<String>,
    /// The API key's header or query parameter name.
    #[serde(default)]
    pub key_name: Option<String>,
    /// Where the API key goes.
    #[serde(default)]
    pub key_in: Option<KeyLocation>,
    /// Default OAuth2 scopes.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Extra form fields for the token endpoint.
    #[serde(default)]
    pub extra: IndexMap<String, String>,
}

/// The `[hosts]` table.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Hosts {
    /// The default base URL.
    #[serde(default)]
    pub default: Option<String>,
    /// Base URLs by region (`{P}_REGION`).
    #[serde(default)]
    pub regions: IndexMap<String, String>,
    /// The region used when `{P}_REGION` is unset.
    #[serde(default)]
    pub default_region: Option<String>,
    /// Sandbox base URLs by region or `default` (`{P}_SANDBOX=on`).
    #[serde(default)]
    pub sandbox: IndexMap<String, String>,
    /// Extra named hosts.
    #[serde(default)]
    pub named: IndexMap<String, String>,
}

/// A rate and a burst.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct RateLimit {
    /// Requests per second.
    pub rate: f64,
    /// Burst size.
    pub burst: u32,
}

/// Per-operation overrides.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OperationOverride {
    /// The pagination replacing the analysed one.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// `false` turns detected pagination off.
    #[serde(default)]
    pub paginated: Option<bool>,
    /// The rate limit replacing the documented one.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

impl CallManifest {
    /// Reads `connector.toml` from `connector_dir`; the error says which file and why.
    pub fn read(connector_dir: &Path) -> Result<Self, String> {
        let path = connector_dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| format!("{} is not a valid connector.toml: {e}", path.display()))
    }

    /// The override of an operation: by qualified id first, then by bare id.
    pub fn operation(&self, qualified_id: &str, bare_id: &str) -> Option<&OperationOverride> {
        self.operations.get(qualified_id).or_else(|| self.operations.get(bare_id))
    }
}

/// The runtime descriptor for an analysed pagination (as the generator derives it), or
/// `None` when the style cannot be expressed (a token sent in a request header).
pub fn pagination_from_analysis(found: &analyze::Pagination) -> Option<Pagination> {
    let param_in = match found.request_location {
        Some(RequestLocation::Body) => ParamLocation::Body,
        Some(RequestLocation::Header) => return None,
        Some(RequestLocation::Query) | None => ParamLocation::Query,
    };
    let source = || match (&found.response_path, &found.header) {
        (Some(path), _) if !path.is_empty() => Some(TokenSource::Body(path.clone())),
        (_, Some(header)) => Some(TokenSource::Header(header.clone())),
        _ => None,
    };
    let style = match found.style {
        PaginationStyle::NextToken => PageStyle::NextToken {
            request_param: found.request_param.clone()?,
            source: source()?,
            param_in,
        },
        PaginationStyle::Cursor => PageStyle::Cursor {
            request_param: found.request_param.clone()?,
            source: source()?,
            param_in,
        },
        PaginationStyle::Offset => PageStyle::Offset {
            offset_param: found.request_param.clone()?,
            limit_param: found.limit_param.clone(),
            limit: None,
            param_in,
        },
        PaginationStyle::Page => PageStyle::Page {
            page_param: found.request_param.clone()?,
            first_page: 1,
            size_param: found.limit_param.clone(),
            size: None,
            param_in,
        },
        PaginationStyle::LinkHeader => PageStyle::LinkHeader,
        PaginationStyle::NextUrl => PageStyle::NextUrl { source: source()? },
    };
    let mut descriptor = Pagination::new(style);
    if let Some(path) = found.items_path.as_ref().filter(|p| !p.is_empty()) {
        descriptor = descriptor.with_items_path(path.clone());
    }
    Some(descriptor)
}

/// A documented rate limit with a rate (the burst defaults to 1).
pub fn rate_limit_from_analysis(found: &analyze::RateLimit) -> Option<RateLimit> {
    let rate = found.rate.filter(|r| r.is_finite() && *r > 0.0)?;
    Some(RateLimit { rate, burst: found.burst.unwrap_or(1).max(1) })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_manifest_with_overrides_and_ignores_other_keys() {
        let manifest: CallManifest = toml::from_str(
            r#"
system = "kinto"
tier = "full"
prefix = "KINTO_"
[[specs]]
file = "openapi/kinto.json"
stem = "kinto"
source = "http://x"
[auth]
kind = "oauth2_refresh_token"
[hosts]
default = "http://127.0.0.1:1/v1"
[runtime]
version = "0.1.0"
[operations.get_records.pagination]
style = "next_url"
source = { header = "Next-Page" }
items_path = "data"
[operations."kinto.get_buckets"]
paginated = false
rate_limit = { rate = 0.5, burst = 2 }
"#,
        )
        .unwrap();
        assert_eq!(manifest.auth.kind, AuthKind::RefreshToken);
        let records = manifest.operation("kinto.get_records", "get_records").unwrap();
        assert_eq!(
            records.pagination,
            Some(Pagination::next_url(TokenSource::header("Next-Page")).with_items_path("data"))
        );
        let buckets = manifest.operation("kinto.get_buckets", "get_buckets").unwrap();
        assert_eq!(
            (buckets.paginated, buckets.rate_limit),
            (Some(false), Some(RateLimit { rate: 0.5, burst: 2 }))
        );
    }
}
