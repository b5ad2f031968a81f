//! Auth kinds: what a connector must do to authenticate, from the security schemes.

use serde::{Deserialize, Serialize};

use crate::model::{Api, OAuthFlowKind, ParameterLocation, SecurityScheme};

/// One way to authenticate, with what a client needs to know to do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum AuthKind {
    /// A static API key in a header, query parameter or cookie.
    ApiKey {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Where the key goes.
        location: ParameterLocation,
        /// The header / parameter / cookie name.
        name: String,
    },
    /// HTTP basic auth (username and password).
    HttpBasic {
        /// The security scheme's name in the spec.
        scheme: String,
    },
    /// A static bearer token.
    HttpBearer {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Token format hint (`JWT`).
        bearer_format: Option<String>,
    },
    /// Another HTTP auth scheme (`digest`, ...).
    HttpOther {
        /// The security scheme's name in the spec.
        scheme: String,
        /// The HTTP scheme.
        http_scheme: String,
    },
    /// OAuth 2 client credentials (machine to machine).
    Oauth2ClientCredentials {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Where tokens come from.
        token_url: Option<String>,
        /// Available scopes.
        scopes: Vec<String>,
    },
    /// OAuth 2 authorization code (a user consents once; the connector then refreshes).
    Oauth2AuthorizationCode {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Where users consent.
        authorization_url: Option<String>,
        /// Where tokens come from.
        token_url: Option<String>,
        /// Available scopes.
        scopes: Vec<String>,
    },
    /// OAuth 2 refresh token: a long-lived refresh token exchanged for access tokens (declared
    /// with a `refreshUrl`).
    Oauth2RefreshToken {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Where tokens are refreshed.
        token_url: Option<String>,
        /// Available scopes.
        scopes: Vec<String>,
    },
    /// OAuth 2 implicit flow (browser only; a server-side connector needs a token from elsewhere).
    Oauth2Implicit {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Where users consent.
        authorization_url: Option<String>,
        /// Available scopes.
        scopes: Vec<String>,
    },
    /// OAuth 2 resource owner password flow.
    Oauth2Password {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Where tokens come from.
        token_url: Option<String>,
        /// Available scopes.
        scopes: Vec<String>,
    },
    /// OpenID Connect discovery.
    OpenidConnect {
        /// The security scheme's name in the spec.
        scheme: String,
        /// The discovery URL.
        url: String,
    },
    /// Mutual TLS (client certificates).
    MutualTls {
        /// The security scheme's name in the spec.
        scheme: String,
    },
    /// A scheme type this crate does not know.
    Other {
        /// The security scheme's name in the spec.
        scheme: String,
        /// Its declared type.
        declared_type: String,
    },
    /// The spec declares no authentication.
    None,
}

impl AuthKind {
    /// Whether this kind is OAuth2, OpenID Connect or token refresh: a "complex" auth row of
    /// the decision table. Static API keys, basic auth and static bearer tokens are simple.
    pub fn is_token_based(&self) -> bool {
        matches!(
            self,
            AuthKind::Oauth2ClientCredentials { .. }
                | AuthKind::Oauth2AuthorizationCode { .. }
                | AuthKind::Oauth2RefreshToken { .. }
                | AuthKind::Oauth2Implicit { .. }
                | AuthKind::Oauth2Password { .. }
                | AuthKind::OpenidConnect { .. }
        )
    }

    /// The `kind` tag as serialised (`api_key`, `oauth2_client_credentials`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            AuthKind::ApiKey { .. } => "api_key",
            AuthKind::HttpBasic { .. } => "http_basic",
            AuthKind::HttpBearer { .. } => "http_bearer",
            AuthKind::HttpOther { .. } => "http_other",
            AuthKind::Oauth2ClientCredentials { .. } => "oauth2_client_credentials",
            AuthKind::Oauth2AuthorizationCode { .. } => "oauth2_authorization_code",
            AuthKind::Oauth2RefreshToken { .. } => "oauth2_refresh_token",
            AuthKind::Oauth2Implicit { .. } => "oauth2_implicit",
            AuthKind::Oauth2Password { .. } => "oauth2_password",
            AuthKind::OpenidConnect { .. } => "openid_connect",
            AuthKind::MutualTls { .. } => "mutual_tls",
            AuthKind::Other { .. } => "other",
            AuthKind::None => "none",
        }
    }
}

/// The auth kinds of every declared scheme of `api`, in declaration order.
pub(crate) fn kinds(api: &Api) -> Vec<AuthKind> {
    let mut out = Vec::new();
    for (name, scheme) in &api.security_schemes {
        let scheme_name = name.clone();
        match scheme {
            SecurityScheme::ApiKey { name, location, .. } => out.push(AuthKind::ApiKey {
                scheme: scheme_name,
                location: *location,
                name: name.clone(),
            }),
            SecurityScheme::Http { scheme, bearer_format, .. } => out.push(match scheme.as_str() {
                "basic" => AuthKind::HttpBasic { scheme: scheme_name },
                "bearer" => AuthKind::HttpBearer {
                    scheme: scheme_name,
                    bearer_format: bearer_format.clone(),
                },
                other => {
                    AuthKind::HttpOther { scheme: scheme_name, http_scheme: other.to_string() }
                }
            }),
            SecurityScheme::OAuth2 { flows, .. } => {
                for flow in flows {
                    let scopes: Vec<String> = flow.scopes.keys().cloned().collect();
                    out.push(match flow.kind {
                        OAuthFlowKind::ClientCredentials => AuthKind::Oauth2ClientCredentials {
                            scheme: scheme_name.clone(),
                            token_url: flow.token_url.clone(),
                            scopes: scopes.clone(),
                        },
                        OAuthFlowKind::AuthorizationCode => AuthKind::Oauth2AuthorizationCode {
                            scheme: scheme_name.clone(),
                            authorization_url: flow.authorization_url.clone(),
                            token_url: flow.token_url.clone(),
                            scopes: scopes.clone(),
                        },
                        OAuthFlowKind::Implicit => AuthKind::Oauth2Implicit {
                            scheme: scheme_name.clone(),
                            authorization_url: flow.authorization_url.clone(),
                            scopes: scopes.clone(),
                        },
                        OAuthFlowKind::Password => AuthKind::Oauth2Password {
                            scheme: scheme_name.clone(),
                            token_url: flow.token_url.clone(),
                            scopes: scopes.clone(),
                        },
                    });
                    if let Some(refresh) = &flow.refresh_url {
                        out.push(AuthKind::Oauth2RefreshToken {
                            scheme: scheme_name.clone(),
                            token_url: Some(refresh.clone()),
                            scopes,
                        });
                    }
                }
            }
            SecurityScheme::OpenIdConnect { url, .. } => {
                out.push(AuthKind::OpenidConnect { scheme: scheme_name, url: url.clone() })
            }
            SecurityScheme::MutualTls { .. } => {
                out.push(AuthKind::MutualTls { scheme: scheme_name })
            }
            SecurityScheme::Unknown { declared_type, .. } => out.push(AuthKind::Other {
                scheme: scheme_name,
                declared_type: declared_type.clone(),
            }),
        }
    }
    out
}
