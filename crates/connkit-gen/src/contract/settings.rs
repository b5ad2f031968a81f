//! Every environment variable a connector reads, with its default and kind: the list the
//! emitted `config.rs` reads, `.env.example` and the docs show, and `connkit call` reads at
//! run time.

use super::auth::{ResolvedAuth, TokenEndpoint};
use crate::hosts::NamedHost;
use crate::manifest::Manifest;

/// One environment variable of the connector, for `.env.example` and the docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingVar {
    /// The short name (`CLIENT_ID`); the variable is the prefix plus this.
    pub name: String,
    /// The field of the settings struct.
    pub field: String,
    /// What it is.
    pub description: String,
    /// The default shown in `.env.example` (empty for required or unset values).
    pub default: Option<String>,
    /// Whether it must be set.
    pub required: bool,
    /// Whether it is a secret (never printed).
    pub secret: bool,
    /// How it is read.
    pub kind: VarKind,
}

/// How a setting is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKind {
    /// Text (with a default when not required).
    Text,
    /// A secret (never printed).
    Secret,
    /// A URL (optional unless required).
    Url,
    /// `on`/`off`.
    Bool,
    /// Words separated by spaces or commas.
    List,
}

impl SettingVar {
    fn new(
        name: &str,
        field: &str,
        description: &str,
        default: Option<String>,
        required: bool,
        kind: VarKind,
    ) -> Self {
        SettingVar {
            name: name.to_string(),
            field: field.to_string(),
            description: description.to_string(),
            default,
            required,
            secret: kind == VarKind::Secret,
            kind,
        }
    }
}

/// Every setting of the connector, in the order of `.env.example`: where calls go, then the
/// credentials.
pub fn settings_variables(manifest: &Manifest, named: &[NamedHost]) -> Vec<SettingVar> {
    let mut vars = host_variables(manifest, named);
    vars.extend(auth_variables(&ResolvedAuth::of(&manifest.auth)));
    vars
}

/// The base URL, the named hosts' URLs, the region and the sandbox switch.
fn host_variables(manifest: &Manifest, named: &[NamedHost]) -> Vec<SettingVar> {
    let var = SettingVar::new;
    let hosts = &manifest.hosts;
    let mut vars = Vec::new();
    let has_host = hosts.default.is_some() || !hosts.regions.is_empty();
    let base_url_text = if named.is_empty() {
        "Overrides the API's base URL (sandboxes, proxies, replay servers)."
    } else {
        "Overrides the default host's base URL (sandboxes, proxies, replay servers): every \
         operation but those of the named hosts below."
    };
    vars.push(var(
        "BASE_URL",
        "base_url",
        base_url_text,
        if has_host { None } else { Some(String::new()) },
        !has_host,
        VarKind::Url,
    ));
    for host in named {
        let description = match &host.url {
            Some(url) => format!(
                "Overrides the base URL of the `{}` host (`{url}`), which serves {}.",
                host.name,
                host.serves_text()
            ),
            None => format!(
                "The base URL of the `{}` host, which serves {}.",
                host.name,
                host.serves_text()
            ),
        };
        let required = host.url.is_none();
        vars.push(var(
            &host.variable(),
            &host.field(),
            &description,
            required.then(String::new),
            required,
            VarKind::Url,
        ));
    }
    if !hosts.regions.is_empty() {
        let names: Vec<&str> = hosts.regions.keys().map(String::as_str).collect();
        let default = hosts.default_region.clone().or_else(|| hosts.regions.keys().next().cloned());
        vars.push(var(
            "REGION",
            "region",
            &format!("The region whose host is used: one of {}.", names.join(", ")),
            default,
            false,
            VarKind::Text,
        ));
    }
    if !hosts.sandbox.is_empty() {
        vars.push(var(
            "SANDBOX",
            "sandbox",
            "`on` sends every call to the sandbox host instead of production.",
            Some("off".to_string()),
            false,
            VarKind::Bool,
        ));
    }
    vars
}

/// The credentials the connector's auth reads.
fn auth_variables(auth: &ResolvedAuth) -> Vec<SettingVar> {
    let var = SettingVar::new;
    let client_id =
        || var("CLIENT_ID", "client_id", "The OAuth2 client id.", None, true, VarKind::Text);
    let client_secret = || {
        var(
            "CLIENT_SECRET",
            "client_secret",
            "The OAuth2 client secret.",
            None,
            true,
            VarKind::Secret,
        )
    };
    let token_url = |endpoint: &TokenEndpoint| {
        var(
            "TOKEN_URL",
            "token_url",
            "The OAuth2 token endpoint.",
            endpoint.token_url.clone(),
            endpoint.token_url.is_none(),
            VarKind::Text,
        )
    };
    match auth {
        ResolvedAuth::None => Vec::new(),
        ResolvedAuth::ApiKey { .. } => {
            vec![var("API_KEY", "api_key", "The API key.", None, true, VarKind::Secret)]
        }
        ResolvedAuth::Bearer => {
            vec![var("TOKEN", "token", "The bearer token.", None, true, VarKind::Secret)]
        }
        ResolvedAuth::Basic => vec![
            var(
                "USERNAME",
                "username",
                "The user name (HTTP basic auth).",
                None,
                true,
                VarKind::Text,
            ),
            var(
                "PASSWORD",
                "password",
                "The password (HTTP basic auth).",
                None,
                true,
                VarKind::Secret,
            ),
        ],
        ResolvedAuth::ClientCredentials(endpoint) => vec![
            client_id(),
            client_secret(),
            token_url(endpoint),
            var(
                "SCOPES",
                "scopes",
                "OAuth2 scopes, separated by spaces or commas.",
                Some(endpoint.scopes.join(" ")),
                false,
                VarKind::List,
            ),
        ],
        ResolvedAuth::RefreshToken(endpoint) => vec![
            client_id(),
            client_secret(),
            var(
                "REFRESH_TOKEN",
                "refresh_token",
                "The OAuth2 refresh token.",
                None,
                true,
                VarKind::Secret,
            ),
            token_url(endpoint),
        ],
    }
}

/// What `REGION` must be (`one of na, eu, fe`): one of the connector's regions; `None` for a
/// connector without regions (it reads no `REGION`).
pub fn region_expectation(hosts: &crate::manifest::Hosts) -> Option<String> {
    if hosts.regions.is_empty() {
        return None;
    }
    let names: Vec<&str> = hosts.regions.keys().map(String::as_str).collect();
    Some(format!("one of {}", names.join(", ")))
}

/// A setting's value as read at run time (by `connkit call`), of the type the emitted
/// settings struct gives its field.
#[derive(Debug, Clone)]
pub enum SettingValue {
    /// Text.
    Text(String),
    /// A secret.
    Secret(connkit::Secret),
    /// A URL (`None`: an optional one not set).
    Url(Option<url::Url>),
    /// `on`/`off`.
    Bool(bool),
    /// Words.
    List(Vec<String>),
}

impl SettingVar {
    /// Reads the variable from `r` as the emitted `from_source` does: required ones must be
    /// set, the others take their default. `None` when it is missing or invalid (recorded in
    /// `r`, which then names every such variable at once).
    pub fn read(&self, r: &mut connkit::settings::SettingsReader<'_>) -> Option<SettingValue> {
        let name = self.name.as_str();
        let default = self.default.clone().unwrap_or_default();
        Some(match (self.kind, self.required) {
            (VarKind::Secret, _) => SettingValue::Secret(r.required_secret(name)?),
            (VarKind::Text, true) => SettingValue::Text(r.required::<String>(name)?),
            (VarKind::Text, false) => SettingValue::Text(r.or_default(name, default)),
            (VarKind::Url, true) => SettingValue::Url(Some(r.required::<url::Url>(name)?)),
            (VarKind::Url, false) => SettingValue::Url(r.optional::<url::Url>(name)),
            (VarKind::Bool, _) => SettingValue::Bool(r.or_default(name, default == "on")),
            (VarKind::List, _) => SettingValue::List(r.optional::<String>(name).map_or_else(
                || default.split_whitespace().map(str::to_string).collect(),
                |text| {
                    text.split([' ', ',']).filter(|s| !s.is_empty()).map(str::to_string).collect()
                },
            )),
        })
    }
}
