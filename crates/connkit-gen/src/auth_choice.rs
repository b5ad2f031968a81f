//! What a person needs to decide about auth: the ways the specs offer to authenticate, the
//! one the connector uses and the `--auth` flag for each other, and notes where the chosen
//! one is an unusual fit (an OAuth flow that needs a browser where most users hold a static
//! token; a key the API wants behind a scheme word such as `Bot `).
//!
//! `connkit new` prints it, the plan lists it, and `connkit new --format json` carries it.

use connkit_spec::analyze::{self, Analysis};
use connkit_spec::model::{Api, ParameterLocation, SecurityScheme};
use serde::Serialize;

use crate::manifest::{AuthConfig, AuthKind};

/// One way the specs offer to authenticate, as the connector would do it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthOption {
    /// The connector's auth kind.
    pub kind: AuthKind,
    /// The flag that chooses it (`--auth bearer`).
    pub flag: String,
    /// The spec's scheme name(s) it comes from.
    pub schemes: Vec<String>,
    /// Whether the connector uses it.
    pub chosen: bool,
}

/// The auth decision, for people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuthDecision {
    /// Every way the specs offer (that the runtime can do), the chosen one marked.
    pub options: Vec<AuthOption>,
    /// What deserves a person's look, each with the flag that switches.
    pub notes: Vec<String>,
}

impl AuthDecision {
    /// Whether there is anything to decide: several options, or a note.
    pub fn needs_a_look(&self) -> bool {
        self.options.len() > 1 || !self.notes.is_empty()
    }
}

/// The connector's kind for a scheme of the analysis, if the runtime does it.
pub(crate) fn connector_kind(kind: &analyze::AuthKind) -> Option<AuthKind> {
    Some(match kind {
        analyze::AuthKind::ApiKey { .. } => AuthKind::ApiKey,
        analyze::AuthKind::HttpBasic { .. } => AuthKind::Basic,
        analyze::AuthKind::HttpBearer { .. } => AuthKind::Bearer,
        analyze::AuthKind::Oauth2ClientCredentials { .. } => AuthKind::OAuth2ClientCredentials,
        analyze::AuthKind::Oauth2AuthorizationCode { .. }
        | analyze::AuthKind::Oauth2RefreshToken { .. }
        | analyze::AuthKind::Oauth2Password { .. }
        | analyze::AuthKind::OpenidConnect { .. } => AuthKind::OAuth2RefreshToken,
        _ => return None,
    })
}

fn scheme_name(kind: &analyze::AuthKind) -> Option<&str> {
    match kind {
        analyze::AuthKind::ApiKey { scheme, .. }
        | analyze::AuthKind::HttpBasic { scheme }
        | analyze::AuthKind::HttpBearer { scheme, .. }
        | analyze::AuthKind::HttpOther { scheme, .. }
        | analyze::AuthKind::Oauth2ClientCredentials { scheme, .. }
        | analyze::AuthKind::Oauth2AuthorizationCode { scheme, .. }
        | analyze::AuthKind::Oauth2RefreshToken { scheme, .. }
        | analyze::AuthKind::Oauth2Implicit { scheme, .. }
        | analyze::AuthKind::Oauth2Password { scheme, .. }
        | analyze::AuthKind::OpenidConnect { scheme, .. }
        | analyze::AuthKind::MutualTls { scheme }
        | analyze::AuthKind::Other { scheme, .. } => Some(scheme),
        _ => None,
    }
}

/// The decision for `chosen`, given what the specs declare. `prefix` names the prefix the
/// connector sends before an API key (when it set one from the spec's description).
pub(crate) fn decide(analysis: &Analysis, apis: &[&Api], chosen: &AuthConfig) -> AuthDecision {
    let (options, unsupported) = options(analysis, chosen);
    let mut notes = Vec::new();
    if options.len() > 1 {
        let others: Vec<String> = options
            .iter()
            .filter(|o| !o.chosen)
            .map(|o| format!("`{}` ({})", o.flag, o.schemes.join(", ")))
            .collect();
        notes.push(format!(
            "The spec offers {} ways to authenticate; the connector uses `{}`. Others: {}.",
            options.len(),
            chosen.kind.as_str(),
            others.join(", ")
        ));
    }
    notes.extend(consent_note(analysis, chosen));
    if chosen.kind == AuthKind::None && !options.is_empty() {
        notes.push(
            "The connector sends no credentials although the spec declares some: choose one \
             with `--auth KIND`."
                .to_string(),
        );
    }
    notes.extend(key_notes(apis, chosen));
    if !unsupported.is_empty() {
        notes.push(format!(
            "Not done by the runtime: {}; a custom signing strategy can (connkit::auth::AuthStrategy).",
            unsupported.join(", ")
        ));
    }
    AuthDecision { options, notes }
}

/// The connector's auth kinds the spec's schemes map to (schemes of one kind together), and
/// the schemes the runtime cannot do.
fn options(analysis: &Analysis, chosen: &AuthConfig) -> (Vec<AuthOption>, Vec<String>) {
    let mut options: Vec<AuthOption> = Vec::new();
    let mut unsupported: Vec<String> = Vec::new();
    for kind in &analysis.auth {
        let Some(scheme) = scheme_name(kind) else { continue };
        let Some(connector) = connector_kind(kind) else {
            unsupported.push(format!("`{scheme}` ({})", kind.kind_name()));
            continue;
        };
        match options.iter_mut().find(|o| o.kind == connector) {
            Some(option) => {
                if !option.schemes.iter().any(|s| s == scheme) {
                    option.schemes.push(scheme.to_string());
                }
            }
            None => options.push(AuthOption {
                kind: connector,
                flag: format!("--auth {}", connector.as_str()),
                schemes: vec![scheme.to_string()],
                chosen: connector == chosen.kind,
            }),
        }
    }
    (options, unsupported)
}

/// A refresh-token connector for a flow that needs a browser once: say so, and that a
/// static token is `--auth bearer`.
fn consent_note(analysis: &Analysis, chosen: &AuthConfig) -> Option<String> {
    let consent_flows: Vec<&str> = analysis
        .auth
        .iter()
        .filter(|k| {
            matches!(
                k,
                analyze::AuthKind::Oauth2AuthorizationCode { .. }
                    | analyze::AuthKind::Oauth2Implicit { .. }
                    | analyze::AuthKind::OpenidConnect { .. }
            )
        })
        .filter_map(scheme_name)
        .collect();
    (chosen.kind == AuthKind::OAuth2RefreshToken && !consent_flows.is_empty()).then(|| {
        format!(
            "The spec's OAuth2 flow ({}) needs a user's consent in a browser once; the connector \
             then exchanges the refresh token you obtained (`REFRESH_TOKEN`). If you hold a \
             static token instead (a bot token, a personal access token), use `--auth bearer`.",
            consent_flows.join(", ")
        )
    })
}

/// What the connector does with the key: a prefix read from the spec, or an encoding the
/// description asks for.
fn key_notes(apis: &[&Api], chosen: &AuthConfig) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(prefix) = &chosen.key_prefix {
        notes.push(format!(
            "The spec's description says the key is sent as `{prefix}<key>`: connector.toml \
             sets `key_prefix = \"{prefix}\"` (`--key-prefix` changes it, `--key-prefix ''` \
             removes it)."
        ));
        if prefix.trim().eq_ignore_ascii_case("bearer") {
            notes.push("That is a bearer token: `--auth bearer` does the same.".to_string());
        }
    }
    if chosen.kind == AuthKind::ApiKey
        && let Some(description) = key_description(apis, chosen)
        && described_as_encoded(description)
    {
        notes.push(
            "The spec's description asks for the key encoded (base64) after a scheme word: put \
             the encoded value in `API_KEY`, or use `--auth basic` if it is HTTP basic auth."
                .to_string(),
        );
    }
    notes
}

/// The description of the API-key scheme the connector uses.
fn key_description<'a>(apis: &[&'a Api], chosen: &AuthConfig) -> Option<&'a str> {
    let name = chosen.key_name.as_deref()?;
    apis.iter().flat_map(|api| api.security_schemes.values()).find_map(|scheme| match scheme {
        SecurityScheme::ApiKey { name: key, description, .. } if key.eq_ignore_ascii_case(name) => {
            description.as_deref()
        }
        _ => None,
    })
}

fn described_as_encoded(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    lower.contains("base64") || lower.contains("base 64")
}

/// Scheme words that APIs put before a key in the `Authorization` header.
const KNOWN_PREFIXES: &[&str] =
    &["Bearer", "Bot", "Token", "token", "JWT", "Key", "ApiKey", "Api-Key", "SSWS", "GenieKey"];

/// The prefix an API-key scheme in a header wants before the key, read from the scheme's
/// description (`Bot <token>`, "prefixed with `token`", "the word \"Bearer\" followed by a
/// space"), when the key goes in `Authorization`. Base64-encoded keys get no prefix (a
/// prefix cannot encode).
pub(crate) fn key_prefix(apis: &[&Api], key_name: &str) -> Option<String> {
    if !key_name.eq_ignore_ascii_case("authorization") {
        return None;
    }
    apis.iter().flat_map(|api| api.security_schemes.values()).find_map(|scheme| match scheme {
        SecurityScheme::ApiKey { name, location: ParameterLocation::Header, description }
            if name.eq_ignore_ascii_case(key_name) =>
        {
            let description = description.as_deref()?;
            if described_as_encoded(description) {
                return None;
            }
            prefix_in(description)
        }
        _ => None,
    })
}

/// The scheme word a description says goes before the key.
fn prefix_in(description: &str) -> Option<String> {
    let words = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') && !s.is_empty();
    // "prefixed with "token"", "prepended with 'Bearer'", "the word "Bot" followed by a space".
    let lower = description.to_ascii_lowercase();
    for marker in ["prefixed with", "prepended with", "prefixed by", "the word"] {
        if let Some(at) = lower.find(marker) {
            let mut rest = description[at + marker.len()..].trim_start();
            for filler in ["the word ", "the string ", "the keyword ", "the text "] {
                if rest.len() >= filler.len() && rest[..filler.len()].eq_ignore_ascii_case(filler) {
                    rest = &rest[filler.len()..];
                }
            }
            let rest = rest.trim_start_matches(['"', '\'', '`']);
            let word: String =
                rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
            if words(&word) && word.len() <= 24 {
                return Some(format!("{word} "));
            }
        }
    }
    // "Bot <token>", "`Bearer <token>`".
    for (index, _) in description.match_indices(" <") {
        let before = &description[..index];
        let word: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if KNOWN_PREFIXES.contains(&word.as_str()) {
            return Some(format!("{word} "));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_read_from_what_descriptions_say() {
        for (text, want) in [
            ("API tokens must be prepended with \"token\" followed by a space.", Some("token ")),
            ("Passed in the `Authorization` header as `\"Bearer <token>\"`.", Some("Bearer ")),
            ("Use `Bot <token>` for bots.", Some("Bot ")),
            ("JWT token prefixed with \"Bearer \"", Some("Bearer ")),
            ("The word \"Bearer\" followed by a space and your token.", Some("Bearer ")),
            ("Your API key.", None),
            ("Keys are prefixed with the word Bot and a space.", Some("Bot ")),
            ("All paths are prefixed with /v1.", None),
            ("Send <key> as is.", None),
        ] {
            assert_eq!(prefix_in(text).as_deref(), want, "{text}");
        }
    }
}
