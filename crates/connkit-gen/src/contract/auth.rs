//! The connector's auth with every default applied: the one reading of `[auth]` that the
//! emitted client renders and `connkit call` interprets.

use indexmap::IndexMap;

use crate::manifest::{AuthConfig, AuthKind, KeyLocation};

/// The header an API key goes in when `[auth]` names none.
pub const DEFAULT_API_KEY_HEADER: &str = "X-API-Key";

/// The header bearer-like credentials go in when `[auth]` names no `token_header`.
pub const AUTHORIZATION_HEADER: &str = "Authorization";

/// How the client authenticates, with the defaults of `[auth]` applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedAuth {
    /// No credentials.
    None,
    /// A static key (`API_KEY`) sent in a header or query parameter.
    ApiKey {
        /// The header or query parameter name (`X-API-Key` by default).
        name: String,
        /// Where it goes (a header by default).
        location: KeyLocation,
        /// Sent before the key (`"Bot "`), if any.
        prefix: Option<String>,
    },
    /// A static bearer token (`TOKEN`).
    Bearer,
    /// HTTP basic (`USERNAME`, `PASSWORD`).
    Basic,
    /// OAuth2 client credentials (`CLIENT_ID`, `CLIENT_SECRET`, `TOKEN_URL`, `SCOPES`).
    ClientCredentials(TokenEndpoint),
    /// A refresh-token grant (`CLIENT_ID`, `CLIENT_SECRET`, `REFRESH_TOKEN`, `TOKEN_URL`):
    /// OAuth2 refresh token and Login with Amazon.
    RefreshToken(TokenEndpoint),
}

/// What the token kinds send to and read from their token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenEndpoint {
    /// The default of `TOKEN_URL`; `None` makes the setting required.
    pub token_url: Option<String>,
    /// The default of `SCOPES` (client credentials).
    pub scopes: Vec<String>,
    /// The header the access token goes in instead of `Authorization: Bearer`.
    pub token_header: Option<String>,
    /// Extra form fields sent to the token endpoint.
    pub extra: IndexMap<String, String>,
}

impl ResolvedAuth {
    /// Resolves `[auth]`.
    pub fn of(config: &AuthConfig) -> ResolvedAuth {
        let endpoint = || TokenEndpoint {
            token_url: config.token_url.clone(),
            scopes: config.scopes.clone(),
            token_header: config.token_header.clone(),
            extra: config.extra.clone(),
        };
        match config.kind {
            AuthKind::None => ResolvedAuth::None,
            AuthKind::ApiKey => ResolvedAuth::ApiKey {
                name: config.key_name.clone().unwrap_or_else(|| DEFAULT_API_KEY_HEADER.to_string()),
                location: config.key_in.unwrap_or(KeyLocation::Header),
                prefix: config.key_prefix.clone().filter(|p| !p.is_empty()),
            },
            AuthKind::Bearer => ResolvedAuth::Bearer,
            AuthKind::Basic => ResolvedAuth::Basic,
            AuthKind::OAuth2ClientCredentials => ResolvedAuth::ClientCredentials(endpoint()),
            AuthKind::OAuth2RefreshToken | AuthKind::Lwa => ResolvedAuth::RefreshToken(endpoint()),
        }
    }

    /// The header or query parameter the auth sets on every call, as (location, name).
    pub fn credential_parameter(&self) -> Option<(KeyLocation, &str)> {
        match self {
            ResolvedAuth::None => None,
            ResolvedAuth::ApiKey { name, location, .. } => Some((*location, name.as_str())),
            ResolvedAuth::Bearer | ResolvedAuth::Basic => {
                Some((KeyLocation::Header, AUTHORIZATION_HEADER))
            }
            ResolvedAuth::ClientCredentials(endpoint) | ResolvedAuth::RefreshToken(endpoint) => {
                Some((
                    KeyLocation::Header,
                    endpoint.token_header.as_deref().unwrap_or(AUTHORIZATION_HEADER),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_key_defaults_to_the_x_api_key_header_without_prefix() {
        let auth = ResolvedAuth::of(&AuthConfig::new(AuthKind::ApiKey));
        assert_eq!(
            auth,
            ResolvedAuth::ApiKey {
                name: "X-API-Key".to_string(),
                location: KeyLocation::Header,
                prefix: None
            }
        );
        assert_eq!(auth.credential_parameter(), Some((KeyLocation::Header, "X-API-Key")));
    }

    #[test]
    fn lwa_is_a_refresh_token_grant_with_amazons_header() {
        let auth = ResolvedAuth::of(&AuthConfig::lwa());
        assert_eq!(
            auth.credential_parameter(),
            Some((KeyLocation::Header, crate::manifest::LWA_TOKEN_HEADER))
        );
        assert!(matches!(auth, ResolvedAuth::RefreshToken(_)));
    }
}
