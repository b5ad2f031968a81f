//! `connector.toml`: the state of one connector (DESIGN.md, "Connector state").
//!
//! The manifest records what `connkit new` decided and every choice a user may override:
//! the tier, the spec files with their source, the env prefix, auth, hosts, and per-operation
//! overrides for entity grouping, pagination and rate limits. `connkit sync` regenerates from
//! it. Every key is documented in `docs/connector-toml.md`.

mod auth;

use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub use auth::{
    AuthConfig, AuthKind, KeyLocation, LWA_TOKEN_HEADER, LWA_TOKEN_URL, UnknownAuthKind,
};
pub use connkit::paginate::Pagination;

/// The number of operations from which `connkit new` gives a connector one cargo feature per
/// entity group ([`Manifest::entity_features`]).
pub const ENTITY_FEATURES_FROM: usize = 1000;

/// The file name of the manifest inside a connector directory.
pub const MANIFEST_FILE: &str = "connector.toml";

/// Why a manifest could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file could not be read or written.
    #[error("cannot access `{path}`: {source}")]
    Io {
        /// The manifest path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid manifest.
    #[error("`{path}` is not a valid connector.toml: {message}")]
    Invalid {
        /// The manifest path.
        path: String,
        /// What is wrong, from the TOML parser (with line and column).
        message: String,
    },
}

/// The tier of a connector (the guideline's `connector/lite` or `connector/full`): the
/// analysis' type, written `lite` / `full` in `connector.toml`.
pub use connkit_spec::Tier;

/// The whole `connector.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The system name (`amazon`); the crate is `{system}-connector`.
    pub system: String,
    /// Lite or full.
    pub tier: Tier,
    /// Why this tier was chosen (the analysis' reasons, or "chosen with --tier").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier_reasons: Vec<String>,
    /// The environment prefix, with its trailing `_` (`AMAZON_`).
    pub prefix: String,
    /// The spec files, relative to the connector directory, in generation order.
    pub specs: Vec<SpecEntry>,
    /// How the connector authenticates.
    pub auth: AuthConfig,
    /// Where the API is served.
    #[serde(default)]
    pub hosts: Hosts,
    /// The runtime dependency of the generated crate.
    pub runtime: RuntimeDependency,
    /// One cargo feature per entity group (on by default), so that a user compiles only the
    /// services and models of the groups they use. `connkit new` turns it on for a spec of
    /// [`ENTITY_FEATURES_FROM`] operations or more; single-spec connectors only (several
    /// specs have a feature per spec).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub entity_features: bool,
    /// A client-wide rate limit (every operation together), if the API has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// Per-operation overrides, keyed by operation id (`getOrders`, or `ordersV0.getOrders`
    /// in a connector built from several specs).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub operations: IndexMap<String, OperationOverride>,
}

/// One spec of the connector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecEntry {
    /// The root document, relative to the connector directory (`openapi/ordersV0.json`).
    pub file: String,
    /// The stem that names this spec in operation ids, modules and cargo features
    /// (`ordersV0`).
    pub stem: String,
    /// The URL the spec was downloaded from, when it came from the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The host this spec's operations go to: `default`, or a name of `[hosts.named]`.
    /// Absent: derived from the spec's servers (see [`crate::hosts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

/// Hosts of the API. The settings let users override the chosen one with `{P}_BASE_URL`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hosts {
    /// The default base URL (from the spec's first server unless overridden).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Base URLs by region, chosen with `{P}_REGION` (the SP-API's `na`, `eu`, `fe`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub regions: IndexMap<String, String>,
    /// The region used when `{P}_REGION` is not set (the first region when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_region: Option<String>,
    /// Sandbox base URLs by region (or `default`), chosen with `{P}_SANDBOX=on`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub sandbox: IndexMap<String, String>,
    /// Base URLs of the named hosts: the hosts of specs and operations served elsewhere than
    /// the default host (`uploads = "https://uploads.github.com"`), each overridable with
    /// `{P}_{NAME}_BASE_URL` (see [`crate::hosts`]).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub named: IndexMap<String, String>,
}

/// Where the generated crate gets the `connkit` runtime from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeDependency {
    /// A path to the runtime crate, relative to the connector directory or absolute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The crates.io version requirement (always recorded; used when `path` is absent).
    pub version: String,
}

/// A rate limit: a sustained rate and a burst (GCRA), as documented by the API.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests per second (fractions allowed: `0.0167` is one a minute).
    pub rate: f64,
    /// How many requests may go at once before the rate applies.
    pub burst: u32,
}

/// Overrides for one operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationOverride {
    /// The entity (services file) this operation belongs to, instead of the analysed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// How the operation pages, replacing what the analysis detected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Why `pagination` is a guess: `connkit new` writes the descriptor it read from a
    /// parameter name alone with this note. Delete the key once the descriptor is checked
    /// against the API (or set `paginated = false`); until then `connkit sync` reports it and
    /// the plan lists it under open questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination_guessed: Option<String>,
    /// `false` turns detected pagination off for this operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paginated: Option<bool>,
    /// The operation's rate limit, replacing the documented one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// The host the operation goes to: `default`, or a name of `[hosts.named]`, instead of
    /// the one its spec's servers give.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

impl Manifest {
    /// Parses a manifest from TOML text; `path` names it in errors.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Invalid`] with the parser's message (line and column) for malformed
    /// TOML, unknown keys or wrong types.
    pub fn from_toml(path: &str, text: &str) -> Result<Manifest, ManifestError> {
        toml::from_str(text).map_err(|err| ManifestError::Invalid {
            path: path.to_string(),
            message: err.to_string(),
        })
    }

    /// Reads `connector.toml` from a connector directory.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Io`] when the file cannot be read, [`ManifestError::Invalid`] when it
    /// does not parse.
    pub fn read(connector_dir: &Path) -> Result<Manifest, ManifestError> {
        let path = connector_dir.join(MANIFEST_FILE);
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|source| ManifestError::Io { path: shown.clone(), source })?;
        Manifest::from_toml(&shown, &text)
    }

    /// The manifest as TOML, with a header pointing at the documentation.
    ///
    /// # Errors
    ///
    /// [`ManifestError::Invalid`] only if a value cannot be represented in TOML (a NaN rate).
    pub fn to_toml(&self) -> Result<String, ManifestError> {
        let body = toml::to_string_pretty(self).map_err(|err| ManifestError::Invalid {
            path: MANIFEST_FILE.to_string(),
            message: err.to_string(),
        })?;
        Ok(format!(
            "# The state of this connector, read by `connkit sync`. Every key is documented in\n\
             # connkit's docs/connector-toml.md. Edit the overrides, then run `connkit sync {}`.\n\n{body}",
            self.system
        ))
    }

    /// The override for an operation, looked up by its qualified id (`ordersV0.getOrders`)
    /// first, then by its bare id (`getOrders`).
    pub fn operation(&self, qualified_id: &str, bare_id: &str) -> Option<&OperationOverride> {
        self.operations.get(qualified_id).or_else(|| self.operations.get(bare_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        let mut operations = IndexMap::new();
        operations.insert(
            "ordersV0.getOrders".to_string(),
            OperationOverride {
                entity: Some("orders".to_string()),
                pagination: Some(
                    serde_json::from_value(serde_json::json!({
                        "style": "next_token", "request_param": "NextToken",
                        "source": {"body": "payload.NextToken"}, "items_path": "payload.Orders"
                    }))
                    .unwrap(),
                ),
                pagination_guessed: None,
                paginated: None,
                rate_limit: Some(RateLimit { rate: 0.0167, burst: 20 }),
                host: None,
            },
        );
        Manifest {
            system: "amazon".to_string(),
            tier: Tier::Full,
            tier_reasons: vec!["more than 5 operations".to_string()],
            prefix: "AMAZON_".to_string(),
            specs: vec![SpecEntry {
                file: "openapi/ordersV0.json".to_string(),
                stem: "ordersV0".to_string(),
                source: Some("https://example.com/ordersV0.json".to_string()),
                host: None,
            }],
            auth: AuthConfig::lwa(),
            hosts: Hosts::default(),
            runtime: RuntimeDependency { path: None, version: "0.1.0".to_string() },
            entity_features: false,
            rate_limit: None,
            operations,
        }
    }

    #[test]
    fn round_trips_through_toml() {
        let manifest = sample();
        let text = manifest.to_toml().unwrap();
        let back = Manifest::from_toml("connector.toml", &text).unwrap();
        assert_eq!(back, manifest);
        assert!(text.contains("[operations.\"ordersV0.getOrders\"]"), "{text}");
    }

    #[test]
    fn unknown_keys_are_reported_with_their_place() {
        let text =
            sample().to_toml().unwrap().replace("tier = \"full\"", "tier = \"full\"\ntypo = 1");
        let err = Manifest::from_toml("connector.toml", &text).unwrap_err().to_string();
        assert!(err.contains("typo"), "{err}");
    }

    #[test]
    fn operation_overrides_resolve_qualified_then_bare() {
        let manifest = sample();
        assert!(manifest.operation("ordersV0.getOrders", "getOrders").is_some());
        assert!(manifest.operation("x.getOrder", "getOrder").is_none());
    }
}
