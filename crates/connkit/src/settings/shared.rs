//! [`SharedSettings`]: whether the processes of one API account share their quotas, what they
//! learned from the server and their access token through Redis.

use crate::Secret;

use super::reader::SettingsReader;
use super::standard::StandardSetting;

/// `{P}_REDIS_URL`, `{P}_QUOTA_KEY`, `{P}_WORKERS` and `{P}_REDIS_REQUIRED`, read by
/// [`CommonSettings::read`](super::CommonSettings::read) and applied by
/// [`ClientBuilder::shared`](crate::ClientBuilder::shared).
///
/// Shared mode needs the runtime's `redis` feature; without it a set `{P}_REDIS_URL` is
/// reported once (a warning, or an error with `{P}_REDIS_REQUIRED=true`) and every process
/// keeps its own limits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SharedSettings {
    /// The connector's prefix (`AMAZON_`): names the variables in messages and the system in
    /// the Redis keys.
    pub prefix: String,
    /// `{P}_REDIS_URL`: `redis://[user:password@]host[:port][/db]` or `unix:///path`; unset
    /// keeps everything in the process. A secret, since it may hold a password.
    pub redis_url: Option<Secret>,
    /// `{P}_QUOTA_KEY`: the namespace of the shared state; by default a hash of the account's
    /// credential (client id, API key), so that workers of one account meet without the
    /// credential ever reaching Redis.
    pub quota_key: Option<String>,
    /// `{P}_WORKERS`: how many processes share the account; while Redis is unreachable each
    /// one keeps to its quotas divided by this number.
    pub workers: Option<u32>,
    /// `{P}_REDIS_REQUIRED`: a Redis failure fails the call instead of falling back to local
    /// limits.
    pub redis_required: bool,
}

impl SharedSettings {
    /// Reads the four variables, recording invalid values in the reader.
    pub fn read(reader: &mut SettingsReader<'_>) -> Self {
        let prefix = reader.source().prefix().to_string();
        let redis_url = reader.optional_secret(StandardSetting::RedisUrl.name());
        if let Some(url) = &redis_url
            && !has_redis_scheme(url.expose())
        {
            reader.invalid(
                StandardSetting::RedisUrl.name(),
                "a redis://host:port or unix:///path URL (TLS, rediss://, is not supported)",
            );
        }
        let quota_key = reader.optional::<String>(StandardSetting::QuotaKey.name());
        let workers = reader.optional::<u32>(StandardSetting::Workers.name());
        if workers == Some(0) {
            reader.invalid(StandardSetting::Workers.name(), "a whole number of at least 1");
        }
        let redis_required = reader.or_default(StandardSetting::RedisRequired.name(), false);
        Self { prefix, redis_url, quota_key, workers, redis_required }
    }

    /// Settings that share through the Redis at `url` (tests, programs that do not read the
    /// environment); `prefix` as [`SharedSettings::prefix`].
    pub fn redis(prefix: impl Into<String>, url: impl Into<Secret>) -> Self {
        Self { prefix: prefix.into(), redis_url: Some(url.into()), ..Self::default() }
    }

    /// Sets [`SharedSettings::quota_key`].
    #[must_use]
    pub fn with_quota_key(mut self, key: impl Into<String>) -> Self {
        self.quota_key = Some(key.into());
        self
    }

    /// Sets [`SharedSettings::workers`] (0 counts as 1).
    #[must_use]
    pub fn with_workers(mut self, workers: u32) -> Self {
        self.workers = Some(workers.max(1));
        self
    }

    /// Sets [`SharedSettings::redis_required`].
    #[must_use]
    pub fn with_redis_required(mut self, required: bool) -> Self {
        self.redis_required = required;
        self
    }

    /// True when `{P}_REDIS_URL` is set.
    pub fn is_enabled(&self) -> bool {
        self.redis_url.is_some()
    }

    /// The system part of the Redis keys: the prefix lower-cased without its trailing `_`
    /// (`MY_API_` → `my_api`).
    pub fn system(&self) -> String {
        let system = self.prefix.trim_end_matches('_').to_ascii_lowercase();
        if system.is_empty() { "connkit".to_string() } else { system }
    }

    /// The full name of a standard variable (`AMAZON_REDIS_URL`), for messages.
    pub fn variable(&self, setting: StandardSetting) -> String {
        setting.full_name(&self.prefix)
    }
}

fn has_redis_scheme(url: &str) -> bool {
    ["redis://", "unix://", "redis+unix://"].iter().any(|scheme| url.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::EnvSource;

    #[test]
    fn reads_and_validates() {
        let source = EnvSource::from_pairs(
            "MY_API_",
            [
                ("MY_API_REDIS_URL", "redis://:pw@127.0.0.1:6379/0"),
                ("MY_API_WORKERS", "4"),
                ("MY_API_REDIS_REQUIRED", "true"),
            ],
        );
        let mut r = source.reader();
        let shared = SharedSettings::read(&mut r);
        assert!(r.is_ok());
        assert!(shared.is_enabled());
        assert_eq!(shared.workers, Some(4));
        assert!(shared.redis_required);
        assert_eq!(shared.system(), "my_api");
        assert!(!format!("{shared:?}").contains("pw@"), "the URL's password is redacted");

        let bad =
            EnvSource::from_pairs("X_", [("X_REDIS_URL", "http://localhost"), ("X_WORKERS", "0")]);
        let mut r = bad.reader();
        let _ = SharedSettings::read(&mut r);
        let err = r.into_error().to_string();
        assert!(err.contains("X_REDIS_URL") && err.contains("X_WORKERS"), "{err}");
    }
}
