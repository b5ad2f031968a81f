//! The guideline's decision table (DESIGN.md, "Decision table"): full when any row fires,
//! lite otherwise, with one reason per row carrying its numbers.

use serde::{Deserialize, Serialize};

use super::{AuthKind, Entity};

/// The connector tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// `config.rs`, `client.rs` and the crate root.
    Lite,
    /// Services per entity, models, gateway.
    Full,
}

impl Tier {
    /// `lite` or `full`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Lite => "lite",
            Tier::Full => "full",
        }
    }
}

/// A row of the decision table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// More than 5 operations.
    Operations,
    /// OAuth2 (any flow), OpenID Connect or a token-refresh auth.
    Auth,
    /// Any operation with pagination or a rate limit.
    PaginationOrRateLimit,
    /// Two or more entities that each have at least 2 operations.
    Entities,
}

/// One evaluated row: whether it fired, and why, with numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRow {
    /// The row.
    pub rule: Rule,
    /// Whether it pushes the tier to full.
    pub fired: bool,
    /// The finding with its numbers ("370 operations > 5").
    pub message: String,
}

/// The inputs of the decision table.
pub(crate) struct Signals<'a> {
    pub(crate) operations: usize,
    pub(crate) auth: &'a [AuthKind],
    pub(crate) paginated: &'a [&'a str],
    pub(crate) rate_limited: &'a [&'a str],
    pub(crate) entities: &'a [Entity],
}

impl Rule {
    /// The row as a question of the table, in plain words ("more than 5 operations").
    pub fn signal(self) -> &'static str {
        match self {
            Rule::Operations => "more than 5 operations",
            Rule::Auth => "OAuth2, OpenID Connect or token refresh",
            Rule::PaginationOrRateLimit => "pagination or rate limits",
            Rule::Entities => "two or more entities with 2+ operations each",
        }
    }
}

/// Evaluates every row. Each message says, in plain words and with its numbers, why the row
/// holds or not; the messages of the rows that decide are the tier's reasons.
pub(crate) fn decide(signals: &Signals<'_>) -> (Tier, Vec<DecisionRow>) {
    let rows = vec![
        operations_row(signals.operations),
        auth_row(signals.auth),
        paging_row(signals.paginated, signals.rate_limited),
        entities_row(signals.entities),
    ];
    let tier = if rows.iter().any(|row| row.fired) { Tier::Full } else { Tier::Lite };
    (tier, rows)
}

fn operations_row(n: usize) -> DecisionRow {
    DecisionRow {
        rule: Rule::Operations,
        fired: n > 5,
        message: if n > 5 {
            format!("{}: more than 5", count(n, "operation"))
        } else {
            format!("{}: 5 or fewer", count(n, "operation"))
        },
    }
}

fn auth_row(auth: &[AuthKind]) -> DecisionRow {
    let token: Vec<&AuthKind> = auth.iter().filter(|a| a.is_token_based()).collect();
    let message = if token.is_empty() {
        let simple: Vec<&str> = auth
            .iter()
            .filter(|a| **a != AuthKind::None)
            .map(|a| plain_auth(a.kind_name()))
            .collect();
        if simple.is_empty() {
            "no authentication declared".to_string()
        } else {
            format!("simple auth only ({})", dedup(simple).join(", "))
        }
    } else {
        format!(
            "token-based auth ({})",
            dedup(token.iter().map(|a| plain_auth(a.kind_name())).collect()).join(", ")
        )
    };
    DecisionRow { rule: Rule::Auth, fired: !token.is_empty(), message }
}

fn paging_row(paginated: &[&str], rate_limited: &[&str]) -> DecisionRow {
    let (p, r) = (paginated.len(), rate_limited.len());
    let fired = p > 0 || r > 0;
    let message = if fired {
        let mut parts = Vec::new();
        if p > 0 {
            let verb = if p == 1 { "pages" } else { "page" };
            parts.push(format!("{} {verb} (e.g. {})", count(p, "operation"), examples(paginated)));
        }
        if r > 0 {
            let verb = if r == 1 { "has" } else { "have" };
            parts.push(format!(
                "{} {verb} a rate limit (e.g. {})",
                count(r, "operation"),
                examples(rate_limited)
            ));
        }
        parts.join("; ")
    } else {
        "no operation pages or has a documented rate limit".to_string()
    };
    DecisionRow { rule: Rule::PaginationOrRateLimit, fired, message }
}

fn entities_row(all: &[Entity]) -> DecisionRow {
    let big: Vec<&Entity> = all.iter().filter(|e| e.operations.len() >= 2).collect();
    let listed: Vec<String> =
        big.iter().take(5).map(|e| format!("{} ({})", e.name, e.operations.len())).collect();
    let more = if big.len() > 5 { format!(", +{} more", big.len() - 5) } else { String::new() };
    let entities = count(all.len(), "entity");
    let message = match big.len() {
        0 => format!("no entity has 2 or more operations ({entities} in all)"),
        1 => format!(
            "only one entity has 2 or more operations: {} ({entities} in all)",
            listed.join(", ")
        ),
        k => format!(
            "{} have 2 or more operations each: {}{more}",
            count(k, "entity"),
            listed.join(", ")
        ),
    };
    DecisionRow { rule: Rule::Entities, fired: big.len() >= 2, message }
}

/// An auth kind's name in plain words (`api_key` → `API key`).
fn plain_auth(kind: &'static str) -> &'static str {
    match kind {
        "api_key" => "API key",
        "http_basic" => "HTTP basic",
        "http_bearer" => "bearer token",
        "http_other" => "other HTTP auth",
        "oauth2_client_credentials" => "OAuth2 client credentials",
        "oauth2_authorization_code" => "OAuth2 authorization code",
        "oauth2_refresh_token" => "OAuth2 refresh token",
        "oauth2_implicit" => "OAuth2 implicit",
        "oauth2_password" => "OAuth2 password",
        "openid_connect" => "OpenID Connect",
        "mutual_tls" => "mutual TLS",
        other => other,
    }
}

/// `1 operation`, `2 operations`, `1 entity`, `3 entities`.
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

fn dedup(mut items: Vec<&'static str>) -> Vec<&'static str> {
    let mut seen = Vec::new();
    items.retain(|item| {
        let fresh = !seen.contains(item);
        seen.push(*item);
        fresh
    });
    items
}

fn examples(ids: &[&str]) -> String {
    let shown: Vec<&str> = ids.iter().take(3).copied().collect();
    shown.join(", ")
}
