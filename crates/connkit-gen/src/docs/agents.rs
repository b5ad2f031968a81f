//! What a connector's AGENTS.md is rendered from: the placeholders of `CONNECTOR_AGENTS.md`
//! (documented in the template's opening comment) filled from the connector's context.

use serde::Serialize;

use super::runtime_variables;
use crate::emit::{Context, settings_variables};
use crate::manifest::{AuthKind, KeyLocation, Tier};
use crate::{GenerateError, GeneratedFile};

/// The template's file name, as it is named in errors.
pub(super) const TEMPLATE_FILE: &str = "CONNECTOR_AGENTS.md";

/// Every placeholder of the template.
#[derive(Debug, Serialize)]
pub(super) struct AgentsContext {
    system: String,
    crate_name: String,
    crate_ident: String,
    tier: &'static str,
    tier_reasons: Vec<String>,
    titles: String,
    connkit_version: String,
    prefix: String,
    settings_type: String,
    client_type: String,
    gateway_type: String,
    settings: Vec<Setting>,
    auth: Auth,
    hosts: Vec<Host>,
    features: Vec<Feature>,
    spec_files: Vec<String>,
    operation_count: usize,
    entities: Vec<Entity>,
    paginated: Vec<Paged>,
    rate_limits: Vec<Limit>,
}

#[derive(Debug, Serialize)]
struct Setting {
    name: String,
    description: String,
    required: bool,
    secret: bool,
    default: String,
}

#[derive(Debug, Serialize)]
struct Auth {
    kind: &'static str,
    description: String,
    variables: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Feature {
    name: String,
    what: String,
    default: bool,
}

#[derive(Debug, Serialize)]
struct Host {
    /// Which host: `default`, a region, a sandbox, or a named host and what it serves.
    name: String,
    url: String,
    variable: String,
}

#[derive(Debug, Serialize)]
struct Entity {
    name: String,
    file: String,
    service: String,
    accessor: String,
    operation_count: usize,
    operations: Vec<Operation>,
}

#[derive(Debug, Serialize)]
struct Operation {
    id: String,
    method: String,
    http_method: &'static str,
    path: String,
    summary: String,
}

#[derive(Debug, Serialize)]
struct Paged {
    id: String,
    method: String,
    stream: String,
    pages: String,
    style: String,
    guessed: String,
}

#[derive(Debug, Serialize)]
struct Limit {
    id: String,
    rate: f64,
    burst: u32,
}

/// The placeholders' values for the connector of `cx`.
pub(super) fn context(cx: &Context<'_>, files: &[GeneratedFile]) -> AgentsContext {
    let prefix = cx.manifest.prefix.clone();
    let mut settings: Vec<Setting> = settings_variables(cx)
        .into_iter()
        .map(|v| Setting {
            name: format!("{prefix}{}", v.name),
            description: v.description.clone(),
            required: v.required,
            secret: v.secret,
            default: if v.secret { String::new() } else { v.default.clone().unwrap_or_default() },
        })
        .collect();
    settings.extend(runtime_variables().into_iter().map(|(name, description, default)| Setting {
        name: format!("{prefix}{name}"),
        description: description.to_string(),
        required: false,
        secret: false,
        default: default.to_string(),
    }));
    let auth = auth(cx, &settings);
    let ops = || cx.specs.iter().flat_map(|s| s.operations());
    AgentsContext {
        system: cx.system.as_str().to_string(),
        crate_name: cx.system.crate_name(),
        crate_ident: cx.system.crate_name().replace('-', "_"),
        tier: cx.tier().as_str(),
        tier_reasons: cx.manifest.tier_reasons.clone(),
        titles: super::titles(cx),
        connkit_version: cx.connkit_version.to_string(),
        prefix: prefix.clone(),
        settings_type: cx.settings_ident().to_string(),
        client_type: cx.client_ident().to_string(),
        gateway_type: cx.gateway_ident().to_string(),
        settings,
        auth,
        hosts: hosts(cx),
        features: features(cx, files),
        spec_files: cx.manifest.specs.iter().map(|s| s.file.clone()).collect(),
        operation_count: ops().count(),
        entities: entities(cx, files),
        paginated: ops()
            .filter_map(|op| {
                let p = op.pagination.as_ref()?;
                let style = serde_json::to_value(&p.pagination)
                    .ok()
                    .and_then(|v| v.get("style").and_then(|s| s.as_str()).map(str::to_string))
                    .unwrap_or_default();
                Some(Paged {
                    id: op.qualified_id.clone(),
                    method: op.rust_name.clone(),
                    stream: op.stream_method.clone(),
                    pages: p.pages_method.clone(),
                    style,
                    guessed: p.guessed.clone().unwrap_or_default(),
                })
            })
            .collect(),
        rate_limits: ops()
            .filter_map(|op| {
                let limit = op.rate_limit?;
                Some(Limit { id: op.qualified_id.clone(), rate: limit.rate, burst: limit.burst })
            })
            .collect(),
    }
}

fn auth(cx: &Context<'_>, settings: &[Setting]) -> Auth {
    let config = &cx.manifest.auth;
    let prefix = &cx.manifest.prefix;
    let token_place = match &config.token_header {
        Some(header) => format!("in the `{header}` header"),
        None => "as `Authorization: Bearer`".to_string(),
    };
    let description = match config.kind {
        AuthKind::None => "No credentials: the spec declares no auth the client sends.".to_string(),
        AuthKind::ApiKey => match config.credential_parameter() {
            Some((KeyLocation::Query, name)) => {
                format!("An API key sent as the `{name}` query parameter.")
            }
            Some((KeyLocation::Header, name)) => format!("An API key sent in the `{name}` header."),
            None => "An API key.".to_string(),
        },
        AuthKind::Bearer => "A static token sent as `Authorization: Bearer`.".to_string(),
        AuthKind::Basic => "HTTP basic auth (user name and password).".to_string(),
        AuthKind::OAuth2ClientCredentials => format!(
            "OAuth2 client credentials: the client obtains access tokens from the token endpoint, \
             caches them until shortly before expiry and sends them {token_place}."
        ),
        AuthKind::OAuth2RefreshToken => format!(
            "OAuth2 refresh token: the client exchanges the refresh token for access tokens, \
             caches them until shortly before expiry and sends them {token_place}."
        ),
        AuthKind::Lwa => format!(
            "Login with Amazon: the client exchanges the refresh token for access tokens, caches \
             them until shortly before expiry and sends them {token_place}."
        ),
    };
    let wanted: &[&str] = match config.kind {
        AuthKind::None => &[],
        AuthKind::ApiKey => &["API_KEY"],
        AuthKind::Bearer => &["TOKEN"],
        AuthKind::Basic => &["USERNAME", "PASSWORD"],
        AuthKind::OAuth2ClientCredentials => &["CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL", "SCOPES"],
        AuthKind::OAuth2RefreshToken | AuthKind::Lwa => {
            &["CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN", "TOKEN_URL"]
        }
    };
    let variables = wanted
        .iter()
        .map(|name| format!("{prefix}{name}"))
        .filter(|full| settings.iter().any(|s| s.name == *full))
        .collect();
    Auth { kind: config.kind.as_str(), description, variables }
}

/// The crate's cargo features, read from the generated `Cargo.toml`, with what each compiles.
fn features(cx: &Context<'_>, files: &[GeneratedFile]) -> Vec<Feature> {
    let Some(cargo) = files.iter().find(|f| f.path.as_path() == std::path::Path::new("Cargo.toml"))
    else {
        return Vec::new();
    };
    let Ok(table) = cargo.contents.parse::<toml::Table>() else { return Vec::new() };
    let Some(features) = table.get("features").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    let defaults: Vec<&str> = features
        .get("default")
        .and_then(toml::Value::as_array)
        .map(|list| list.iter().filter_map(toml::Value::as_str).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for name in features.keys().filter(|name| *name != "default") {
        let what = if let Some(spec) = cx.specs.iter().find(|s| s.module == *name && cx.multi()) {
            format!("the `{}` spec: its services and models", spec.stem)
        } else if name == crate::ALL_MODELS_FEATURE {
            "the models no operation uses (webhook payloads, schemas listed for reference)"
                .to_string()
        } else if name == "redis" {
            "quotas, learned limits and the token shared through Redis (see below)".to_string()
        } else {
            let entities: Vec<String> = cx
                .specs
                .iter()
                .flat_map(|s| &s.entities)
                .filter(|e| e.group == *name)
                .map(|e| format!("`{}`", e.name))
                .collect();
            if entities.is_empty() {
                continue;
            }
            format!(
                "the services of {} and the models they use",
                if entities.len() > 4 {
                    format!("{}, ... ({} entities)", entities[..3].join(", "), entities.len())
                } else {
                    entities.join(", ")
                }
            )
        };
        out.push(Feature { name: name.clone(), what, default: defaults.contains(&name.as_str()) });
    }
    out
}

fn hosts(cx: &Context<'_>) -> Vec<Host> {
    let hosts = &cx.manifest.hosts;
    let prefix = &cx.manifest.prefix;
    let base_url = format!("{prefix}BASE_URL");
    let mut out = Vec::new();
    if let Some(url) = &hosts.default {
        out.push(Host {
            name: "default".to_string(),
            url: url.clone(),
            variable: base_url.clone(),
        });
    }
    for (region, url) in &hosts.regions {
        out.push(Host {
            name: format!("region `{region}` ({prefix}REGION={region})"),
            url: url.clone(),
            variable: base_url.clone(),
        });
    }
    for (region, url) in &hosts.sandbox {
        out.push(Host {
            name: format!("sandbox `{region}` ({prefix}SANDBOX=on)"),
            url: url.clone(),
            variable: base_url.clone(),
        });
    }
    for host in cx.hosts {
        out.push(Host {
            name: format!("`{}` ({})", host.name, host.serves_text()),
            url: host.url.clone().unwrap_or_else(|| "no default: required".to_string()),
            variable: format!("{prefix}{}", host.variable()),
        });
    }
    out
}

fn entities(cx: &Context<'_>, files: &[GeneratedFile]) -> Vec<Entity> {
    let multi = cx.multi();
    cx.specs
        .iter()
        .flat_map(|spec| spec.entities.iter().map(move |entity| (spec, entity)))
        .map(|(spec, entity)| {
            let file = match cx.tier() {
                Tier::Lite => "src/client.rs".to_string(),
                Tier::Full => {
                    let dir = if multi {
                        format!("src/services/{}/", spec.module)
                    } else {
                        "src/services/".to_string()
                    };
                    let single = format!("{dir}{}.rs", entity.module);
                    let folder = format!("{dir}{}/", entity.module);
                    let has = |wanted: &str| {
                        files.iter().any(|f| f.path.to_string_lossy().replace('\\', "/") == wanted)
                    };
                    let split = files
                        .iter()
                        .any(|f| f.path.to_string_lossy().replace('\\', "/").starts_with(&folder));
                    if split && !has(&single) { folder } else { single }
                }
            };
            Entity {
                name: if multi {
                    format!("{}/{}", spec.stem, entity.name)
                } else {
                    entity.name.clone()
                },
                file,
                service: entity.service.clone(),
                accessor: entity.accessor.clone(),
                operation_count: entity.operations.len(),
                operations: entity
                    .operations
                    .iter()
                    .map(|op| Operation {
                        id: op.qualified_id.clone(),
                        method: op.rust_name.clone(),
                        http_method: op.method.as_upper(),
                        path: op.path.clone(),
                        summary: op
                            .summary
                            .as_deref()
                            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                            .unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// A template error naming the template's line.
pub(super) fn template_error(file: &str, err: &minijinja::Error) -> GenerateError {
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    GenerateError::Template { file: file.to_string(), line: err.line(), message }
}
