//! The standard setting names shared by every connector, and [`CommonSettings`].

use std::time::Duration;

use super::reader::SettingsReader;
use super::shared::SharedSettings;

/// The environment prefix of a system: upper-cased, `-` turned into `_`, plus `_`
/// (`my-api` → `MY_API_`).
///
/// System names are validated by the CLI (lowercase letters, digits and `-`); this function
/// only applies the rule.
pub fn env_prefix(system: &str) -> String {
    let mut prefix: String =
        system.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_uppercase() }).collect();
    prefix.push('_');
    prefix
}

/// A standard setting name of the design (`{P}_BASE_URL`, `{P}_API_KEY`, ...).
///
/// Generated settings read the ones their auth kind needs; `connkit call` reads them with the
/// same names through [`StandardSetting::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StandardSetting {
    /// `BASE_URL`: overrides the API's default base URL (sandboxes, proxies, replay servers).
    BaseUrl,
    /// `API_KEY`: a static API key.
    ApiKey,
    /// `TOKEN`: a static bearer token.
    Token,
    /// `USERNAME`: the user of HTTP basic auth.
    Username,
    /// `PASSWORD`: the password of HTTP basic auth.
    Password,
    /// `CLIENT_ID`: the OAuth2 client id.
    ClientId,
    /// `CLIENT_SECRET`: the OAuth2 client secret.
    ClientSecret,
    /// `TOKEN_URL`: overrides the OAuth2 token endpoint.
    TokenUrl,
    /// `SCOPES`: OAuth2 scopes, separated by spaces or commas.
    Scopes,
    /// `REFRESH_TOKEN`: the OAuth2 refresh token.
    RefreshToken,
    /// `TIMEOUT_SECS`: the time allowed for one attempt, in seconds (default 30).
    TimeoutSecs,
    /// `MAX_RETRIES`: how many times a failed call is retried (default 3; 0 disables retries).
    MaxRetries,
    /// `RATE_LIMITS`: `on`/`off`, the client-side rate limits (default on; off for sandboxes
    /// and replay tests).
    RateLimits,
    /// `REDIS_URL`: the Redis through which the processes of one account share quotas,
    /// learned limits and the access token (runtime feature `redis`).
    RedisUrl,
    /// `QUOTA_KEY`: the namespace of the shared state (default: a hash of the credential).
    QuotaKey,
    /// `WORKERS`: how many processes share the account (each keeps to its share of the
    /// quotas while Redis is unreachable).
    Workers,
    /// `REDIS_REQUIRED`: `true` makes a Redis failure an error instead of a fallback to local
    /// limits (default false).
    RedisRequired,
}

impl StandardSetting {
    /// Every standard setting, in the order of the design.
    pub const ALL: [StandardSetting; 17] = [
        Self::BaseUrl,
        Self::ApiKey,
        Self::Token,
        Self::Username,
        Self::Password,
        Self::ClientId,
        Self::ClientSecret,
        Self::TokenUrl,
        Self::Scopes,
        Self::RefreshToken,
        Self::TimeoutSecs,
        Self::MaxRetries,
        Self::RateLimits,
        Self::RedisUrl,
        Self::QuotaKey,
        Self::Workers,
        Self::RedisRequired,
    ];

    /// The settings [`CommonSettings::read`] reads, which every connector has.
    pub const COMMON: [StandardSetting; 7] = [
        Self::TimeoutSecs,
        Self::MaxRetries,
        Self::RateLimits,
        Self::RedisUrl,
        Self::QuotaKey,
        Self::Workers,
        Self::RedisRequired,
    ];

    /// The name without the prefix (`CLIENT_ID`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::BaseUrl => "BASE_URL",
            Self::ApiKey => "API_KEY",
            Self::Token => "TOKEN",
            Self::Username => "USERNAME",
            Self::Password => "PASSWORD",
            Self::ClientId => "CLIENT_ID",
            Self::ClientSecret => "CLIENT_SECRET",
            Self::TokenUrl => "TOKEN_URL",
            Self::Scopes => "SCOPES",
            Self::RefreshToken => "REFRESH_TOKEN",
            Self::TimeoutSecs => "TIMEOUT_SECS",
            Self::MaxRetries => "MAX_RETRIES",
            Self::RateLimits => "RATE_LIMITS",
            Self::RedisUrl => "REDIS_URL",
            Self::QuotaKey => "QUOTA_KEY",
            Self::Workers => "WORKERS",
            Self::RedisRequired => "REDIS_REQUIRED",
        }
    }

    /// The full variable name with `prefix` (`AMAZON_` + `CLIENT_ID`).
    pub fn full_name(self, prefix: &str) -> String {
        format!("{prefix}{}", self.name())
    }

    /// True for credentials, which are read as [`Secret`](crate::Secret) and never printed.
    pub const fn is_secret(self) -> bool {
        matches!(
            self,
            Self::ApiKey
                | Self::Token
                | Self::Password
                | Self::ClientSecret
                | Self::RefreshToken
                | Self::RedisUrl
        )
    }

    /// One line saying what the setting is for (for `.env.example` and docs).
    pub const fn description(self) -> &'static str {
        match self {
            Self::BaseUrl => "Base URL of the API (overrides the default host)",
            Self::ApiKey => "API key",
            Self::Token => "Bearer token",
            Self::Username => "User name for HTTP basic auth",
            Self::Password => "Password for HTTP basic auth",
            Self::ClientId => "OAuth2 client id",
            Self::ClientSecret => "OAuth2 client secret",
            Self::TokenUrl => "OAuth2 token endpoint (overrides the default)",
            Self::Scopes => "OAuth2 scopes, separated by spaces or commas",
            Self::RefreshToken => "OAuth2 refresh token",
            Self::TimeoutSecs => "Time allowed for one attempt, in seconds (default 30)",
            Self::MaxRetries => "Retries of a failed call (default 3, 0 disables)",
            Self::RateLimits => "Client-side rate limits: on or off (default on)",
            Self::RedisUrl => {
                "Redis shared by every worker of this account: quotas, learned limits, the access token (redis://host:port)"
            }
            Self::QuotaKey => {
                "Namespace of the shared state in Redis (default: a hash of the credential)"
            }
            Self::Workers => {
                "Workers sharing the account; each keeps to quota / WORKERS while Redis is down"
            }
            Self::RedisRequired => {
                "true: a Redis failure fails the call instead of falling back to local limits"
            }
        }
    }

    /// The standard setting with this short name, if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|setting| setting.name() == name)
    }
}

/// The knobs every connector has: per-attempt timeout, retries, rate limits and the shared
/// mode.
///
/// Read by generated settings (and `connkit call`) with [`CommonSettings::read`]; the client
/// builder takes the values as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommonSettings {
    /// `{P}_TIMEOUT_SECS`: time allowed for one attempt.
    pub timeout: Duration,
    /// `{P}_MAX_RETRIES`: retries of a failed call (0 disables retries).
    pub max_retries: u32,
    /// `{P}_RATE_LIMITS`: whether client-side rate limits apply.
    pub rate_limits: bool,
    /// `{P}_REDIS_URL`, `{P}_QUOTA_KEY`, `{P}_WORKERS`, `{P}_REDIS_REQUIRED`: sharing quotas
    /// and tokens with the other processes of the account.
    pub shared: SharedSettings,
}

impl CommonSettings {
    /// Default of `{P}_TIMEOUT_SECS`.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Default of `{P}_MAX_RETRIES`.
    pub const DEFAULT_MAX_RETRIES: u32 = 3;
    /// Default of `{P}_RATE_LIMITS`.
    pub const DEFAULT_RATE_LIMITS: bool = true;

    /// Reads `TIMEOUT_SECS`, `MAX_RETRIES`, `RATE_LIMITS` and the [`SharedSettings`],
    /// recording invalid values in the reader (and using the defaults for them).
    pub fn read(reader: &mut SettingsReader<'_>) -> Self {
        Self {
            timeout: reader.or_default(StandardSetting::TimeoutSecs.name(), Self::DEFAULT_TIMEOUT),
            max_retries: reader
                .or_default(StandardSetting::MaxRetries.name(), Self::DEFAULT_MAX_RETRIES),
            rate_limits: reader
                .or_default(StandardSetting::RateLimits.name(), Self::DEFAULT_RATE_LIMITS),
            shared: SharedSettings::read(reader),
        }
    }
}

impl Default for CommonSettings {
    fn default() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            max_retries: Self::DEFAULT_MAX_RETRIES,
            rate_limits: Self::DEFAULT_RATE_LIMITS,
            shared: SharedSettings::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_rule() {
        assert_eq!(env_prefix("my-api"), "MY_API_");
        assert_eq!(env_prefix("amazon"), "AMAZON_");
        assert_eq!(env_prefix("kinto2"), "KINTO2_");
    }

    #[test]
    fn names_round_trip() {
        for setting in StandardSetting::ALL {
            assert_eq!(StandardSetting::from_name(setting.name()), Some(setting));
        }
        assert_eq!(StandardSetting::ClientId.full_name("AMAZON_"), "AMAZON_CLIENT_ID");
        assert!(StandardSetting::RefreshToken.is_secret());
        assert!(!StandardSetting::Scopes.is_secret());
    }
}
