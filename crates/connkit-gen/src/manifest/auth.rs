//! The `[auth]` table: how the generated client authenticates.

use std::fmt;
use std::str::FromStr;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Login with Amazon's token endpoint (the SP-API's `lwa` preset).
pub const LWA_TOKEN_URL: &str = "https://api.amazon.com/auth/o2/token";
/// The header the SP-API expects the LWA access token in.
pub const LWA_TOKEN_HEADER: &str = "x-amz-access-token";

/// An auth kind. Written in kebab-case (`oauth2-refresh-token`); `_` is accepted for `-`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", try_from = "String")]
pub enum AuthKind {
    /// No authentication.
    None,
    /// A static key in a header or query parameter (`{P}_API_KEY`).
    ApiKey,
    /// A static bearer token (`{P}_TOKEN`).
    Bearer,
    /// HTTP basic (`{P}_USERNAME`, `{P}_PASSWORD`).
    Basic,
    /// OAuth2 client credentials (`{P}_CLIENT_ID`, `{P}_CLIENT_SECRET`, `{P}_TOKEN_URL`, `{P}_SCOPES`).
    #[serde(rename = "oauth2-client-credentials")]
    OAuth2ClientCredentials,
    /// OAuth2 refresh token (`{P}_CLIENT_ID`, `{P}_CLIENT_SECRET`, `{P}_REFRESH_TOKEN`, `{P}_TOKEN_URL`).
    #[serde(rename = "oauth2-refresh-token")]
    OAuth2RefreshToken,
    /// Login with Amazon: a refresh-token grant against Amazon's token URL, the access token
    /// sent in `x-amz-access-token`, region hosts (`{P}_REGION`) and sandbox hosts (`{P}_SANDBOX`).
    Lwa,
}

/// The text of an auth kind that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown auth kind `{0}`: use one of none, api-key, bearer, basic, oauth2-client-credentials, oauth2-refresh-token, lwa"
)]
pub struct UnknownAuthKind(pub String);

impl AuthKind {
    /// Every kind, in the order they are documented.
    pub const ALL: [AuthKind; 7] = [
        AuthKind::None,
        AuthKind::ApiKey,
        AuthKind::Bearer,
        AuthKind::Basic,
        AuthKind::OAuth2ClientCredentials,
        AuthKind::OAuth2RefreshToken,
        AuthKind::Lwa,
    ];

    /// The kebab-case name (`oauth2-refresh-token`).
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::ApiKey => "api-key",
            AuthKind::Bearer => "bearer",
            AuthKind::Basic => "basic",
            AuthKind::OAuth2ClientCredentials => "oauth2-client-credentials",
            AuthKind::OAuth2RefreshToken => "oauth2-refresh-token",
            AuthKind::Lwa => "lwa",
        }
    }

    /// Whether the kind obtains tokens from a token endpoint (and so needs a token URL).
    pub fn uses_token_endpoint(self) -> bool {
        matches!(
            self,
            AuthKind::OAuth2ClientCredentials | AuthKind::OAuth2RefreshToken | AuthKind::Lwa
        )
    }
}

/// Reading `kind` from `connector.toml` accepts what `--auth` accepts (`_` for `-`, aliases).
impl TryFrom<String> for AuthKind {
    type Error = UnknownAuthKind;

    fn try_from(text: String) -> Result<AuthKind, UnknownAuthKind> {
        text.parse()
    }
}

impl FromStr for AuthKind {
    type Err = UnknownAuthKind;

    fn from_str(text: &str) -> Result<AuthKind, UnknownAuthKind> {
        let normal = text.trim().to_ascii_lowercase().replace('_', "-");
        let normal = match normal.as_str() {
            "apikey" => "api-key",
            "oauth2" | "oauth2-client-credential" => "oauth2-client-credentials",
            "refresh-token" => "oauth2-refresh-token",
            other => other,
        };
        AuthKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == normal)
            .ok_or_else(|| UnknownAuthKind(text.to_string()))
    }
}

impl fmt::Display for AuthKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
}

/// The `[auth]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// The kind.
    pub kind: AuthKind,
    /// The token endpoint of the token kinds (default for `{P}_TOKEN_URL`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// A header to send the access token in instead of `Authorization: Bearer`
    /// (`x-amz-access-token`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_header: Option<String>,
    /// The header or query parameter name of an API key (`X-API-Key`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// Where the API key goes (`header` or `query`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_in: Option<KeyLocation>,
    /// Sent before the API key (`"Bot "`, `"token "`): APIs that take a key in the
    /// `Authorization` header often want a scheme word before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_prefix: Option<String>,
    /// Default OAuth2 scopes (space separated in `{P}_SCOPES`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// Extra form fields sent to the token endpoint (`audience = "..."`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: IndexMap<String, String>,
}

impl AuthConfig {
    /// The header or query parameter the client's auth sets on every call, as
    /// (location, name): a spec parameter of that name is the credential itself, which the
    /// generated methods leave to the client instead of asking the caller for it.
    pub fn credential_parameter(&self) -> Option<(KeyLocation, String)> {
        crate::contract::ResolvedAuth::of(self)
            .credential_parameter()
            .map(|(place, name)| (place, name.to_string()))
    }

    /// Whether a spec parameter at `location` named `name` is that credential (header names
    /// compared without case, query names exactly).
    pub fn is_credential(&self, location: connkit_spec::ParameterLocation, name: &str) -> bool {
        use connkit_spec::ParameterLocation as At;
        self.credential_parameter().is_some_and(|(place, credential)| match place {
            KeyLocation::Header => location == At::Header && name.eq_ignore_ascii_case(&credential),
            KeyLocation::Query => location == At::Query && name == credential,
        })
    }

    /// An auth table of this kind with nothing else set.
    pub fn new(kind: AuthKind) -> AuthConfig {
        AuthConfig {
            kind,
            token_url: None,
            token_header: None,
            key_name: None,
            key_in: None,
            key_prefix: None,
            scopes: Vec::new(),
            extra: IndexMap::new(),
        }
    }

    /// The Login-with-Amazon preset: Amazon's token URL and `x-amz-access-token`.
    pub fn lwa() -> AuthConfig {
        AuthConfig {
            token_url: Some(LWA_TOKEN_URL.to_string()),
            token_header: Some(LWA_TOKEN_HEADER.to_string()),
            ..AuthConfig::new(AuthKind::Lwa)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_with_dash_or_underscore() {
        assert_eq!("oauth2_refresh_token".parse::<AuthKind>(), Ok(AuthKind::OAuth2RefreshToken));
        assert_eq!("API-KEY".parse::<AuthKind>(), Ok(AuthKind::ApiKey));
        assert_eq!("lwa".parse::<AuthKind>(), Ok(AuthKind::Lwa));
        assert!("kerberos".parse::<AuthKind>().is_err());
        for kind in AuthKind::ALL {
            assert_eq!(kind.as_str().parse::<AuthKind>(), Ok(kind));
        }
    }

    #[test]
    fn the_manifest_reads_kinds_as_leniently_as_the_command_line() {
        #[derive(Deserialize)]
        struct Table {
            kind: AuthKind,
        }
        let read = |text: &str| toml::from_str::<Table>(text).map(|t| t.kind);
        assert_eq!(
            read("kind = \"oauth2_refresh_token\"").ok(),
            Some(AuthKind::OAuth2RefreshToken)
        );
        assert_eq!(read("kind = \"api_key\"").ok(), Some(AuthKind::ApiKey));
        let error = read("kind = \"kerberos\"").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("unknown auth kind `kerberos`"), "{error}");
    }
}
