//! Security schemes (`securityDefinitions`, `components.securitySchemes`) and requirements.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::context::{Ctx, extensions, str_field, string_field};
use crate::diagnostic::DiagnosticKind;
use crate::load::Target;
use crate::model::{
    OAuthFlow, OAuthFlowKind, ParameterLocation, SecurityRequirement, SecurityScheme, SpecVersion,
};

/// Every declared security scheme by name; invalid ones are reported and skipped.
pub(crate) fn schemes<'a>(
    ctx: &mut Ctx<'a>,
    root: &'a Map<String, Value>,
    at: &Target,
) -> IndexMap<String, SecurityScheme> {
    let (container, map) = match ctx.version {
        SpecVersion::Swagger2 => {
            let Some(map) = ctx.object_field(root, at, "securityDefinitions") else {
                return IndexMap::new();
            };
            (at.child("securityDefinitions"), map)
        }
        _ => {
            let Some(components) = ctx.object_field(root, at, "components") else {
                return IndexMap::new();
            };
            let components_at = at.child("components");
            let Some(map) = ctx.object_field(components, &components_at, "securitySchemes") else {
                return IndexMap::new();
            };
            (components_at.child("securitySchemes"), map)
        }
    };
    let mut schemes = IndexMap::new();
    for name in map.keys() {
        let Some((scheme_at, object)) = ctx.deref_object(container.child(name), "security scheme")
        else {
            continue;
        };
        if let Some(scheme) = scheme(ctx, object, &scheme_at) {
            schemes.insert(name.clone(), scheme);
        }
    }
    schemes
}

fn scheme<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Option<SecurityScheme> {
    let description = string_field(object, "description");
    let Some(kind) = str_field(object, "type") else {
        ctx.error(
            DiagnosticKind::MissingField,
            at,
            "security scheme without `type`; it is skipped",
        );
        return None;
    };
    match kind {
        "apiKey" => api_key(ctx, object, at, description),
        "basic" => {
            Some(SecurityScheme::Http { scheme: "basic".into(), bearer_format: None, description })
        }
        "http" => http(ctx, object, at, description),
        "oauth2" => {
            let flows = if ctx.version == SpecVersion::Swagger2 {
                v2_flow(object).into_iter().collect()
            } else {
                v3_flows(ctx, object, at)
            };
            Some(SecurityScheme::OAuth2 { flows, description })
        }
        "openIdConnect" => match string_field(object, "openIdConnectUrl") {
            Some(url) => Some(SecurityScheme::OpenIdConnect { url, description }),
            None => {
                ctx.error(
                    DiagnosticKind::MissingField,
                    at,
                    "openIdConnect scheme without `openIdConnectUrl`; it is skipped",
                );
                None
            }
        },
        "mutualTLS" => Some(SecurityScheme::MutualTls { description }),
        other => {
            ctx.warning(
                DiagnosticKind::Unsupported,
                &at.child("type"),
                format!("security scheme type `{other}` is not known; kept as unknown"),
            );
            Some(SecurityScheme::Unknown {
                declared_type: other.to_string(),
                extensions: extensions(object),
            })
        }
    }
}

/// An `apiKey` scheme: its parameter's name and where it goes (skipped, with an error,
/// when either is missing).
fn api_key(
    ctx: &mut Ctx<'_>,
    object: &Map<String, Value>,
    at: &Target,
    description: Option<String>,
) -> Option<SecurityScheme> {
    let name = string_field(object, "name");
    let location = match str_field(object, "in") {
        Some("header") => Some(ParameterLocation::Header),
        Some("query") => Some(ParameterLocation::Query),
        Some("cookie") => Some(ParameterLocation::Cookie),
        _ => None,
    };
    if let (Some(name), Some(location)) = (name, location) {
        return Some(SecurityScheme::ApiKey { name, location, description });
    }
    ctx.error(
        DiagnosticKind::MissingField,
        at,
        "apiKey scheme needs `name` and `in` (header, query or cookie); it is skipped",
    );
    None
}

/// An `http` scheme (`basic`, `bearer`, ...), lowercased (skipped, with an error, without
/// `scheme`).
fn http(
    ctx: &mut Ctx<'_>,
    object: &Map<String, Value>,
    at: &Target,
    description: Option<String>,
) -> Option<SecurityScheme> {
    let Some(scheme) = str_field(object, "scheme") else {
        ctx.error(DiagnosticKind::MissingField, at, "http scheme without `scheme`; it is skipped");
        return None;
    };
    Some(SecurityScheme::Http {
        scheme: scheme.to_ascii_lowercase(),
        bearer_format: string_field(object, "bearerFormat"),
        description,
    })
}

fn scopes(object: &Map<String, Value>) -> IndexMap<String, String> {
    object
        .get("scopes")
        .and_then(Value::as_object)
        .map(|scopes| {
            scopes
                .iter()
                .map(|(scope, text)| (scope.clone(), text.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn v2_flow(object: &Map<String, Value>) -> Option<OAuthFlow> {
    let kind = match str_field(object, "flow")? {
        "application" => OAuthFlowKind::ClientCredentials,
        "accessCode" => OAuthFlowKind::AuthorizationCode,
        "implicit" => OAuthFlowKind::Implicit,
        "password" => OAuthFlowKind::Password,
        _ => return None,
    };
    Some(OAuthFlow {
        kind,
        authorization_url: string_field(object, "authorizationUrl"),
        token_url: string_field(object, "tokenUrl"),
        refresh_url: None,
        scopes: scopes(object),
    })
}

fn v3_flows<'a>(ctx: &mut Ctx<'a>, object: &'a Map<String, Value>, at: &Target) -> Vec<OAuthFlow> {
    let Some(flows) = ctx.object_field(object, at, "flows") else { return Vec::new() };
    let mut out = Vec::new();
    for (key, kind) in [
        ("clientCredentials", OAuthFlowKind::ClientCredentials),
        ("authorizationCode", OAuthFlowKind::AuthorizationCode),
        ("implicit", OAuthFlowKind::Implicit),
        ("password", OAuthFlowKind::Password),
    ] {
        let Some(flow) = flows.get(key).and_then(Value::as_object) else { continue };
        out.push(OAuthFlow {
            kind,
            authorization_url: string_field(flow, "authorizationUrl"),
            token_url: string_field(flow, "tokenUrl"),
            refresh_url: string_field(flow, "refreshUrl"),
            scopes: scopes(flow),
        });
    }
    out
}

/// The `security` requirement list of `object`; `None` when absent.
pub(crate) fn requirements<'a>(
    ctx: &mut Ctx<'a>,
    object: &'a Map<String, Value>,
    at: &Target,
) -> Option<Vec<SecurityRequirement>> {
    let items = ctx.array_field(object, at, "security")?;
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let Some(map) = item.as_object() else {
            ctx.error(
                DiagnosticKind::InvalidStructure,
                &at.child("security").index(index),
                "a security requirement must be an object of scheme names; it is ignored",
            );
            continue;
        };
        let requirement: SecurityRequirement = map
            .iter()
            .map(|(name, scopes)| {
                let scopes = scopes
                    .as_array()
                    .map(|s| s.iter().filter_map(Value::as_str).map(str::to_string).collect())
                    .unwrap_or_default();
                (name.clone(), scopes)
            })
            .collect();
        out.push(requirement);
    }
    Some(out)
}
