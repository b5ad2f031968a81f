//! Settings: one error naming every problem, `.env` below the environment, secrets redacted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use connkit::settings::{CommonSettings, EnvSource, StandardSetting, find_dotenv};
use connkit::{ErrorKind, Secret};

/// What a generated `config.rs` looks like (see the runtime contract).
#[derive(Debug)]
#[allow(dead_code)]
struct AmazonSettings {
    client_id: String,
    client_secret: Secret,
    refresh_token: Secret,
    region: String,
    base_url: Option<url::Url>,
    common: CommonSettings,
}

impl AmazonSettings {
    const PREFIX: &'static str = "AMAZON_";

    fn from_source(source: &EnvSource) -> Result<Self, connkit::Error> {
        let mut r = source.reader();
        let client_id = r.required::<String>(StandardSetting::ClientId.name());
        let client_secret = r.required_secret(StandardSetting::ClientSecret.name());
        let refresh_token = r.required_secret(StandardSetting::RefreshToken.name());
        let region = r.or_default("REGION", "na".to_string());
        let base_url = r.optional::<url::Url>(StandardSetting::BaseUrl.name());
        let common = CommonSettings::read(&mut r);
        match (client_id, client_secret, refresh_token) {
            (Some(client_id), Some(client_secret), Some(refresh_token)) if r.is_ok() => {
                Ok(Self { client_id, client_secret, refresh_token, region, base_url, common })
            }
            _ => Err(r.into_error()),
        }
    }
}

const CANARY: &str = "canary-secret-4c1d9e";

fn complete() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AMAZON_CLIENT_ID", "amzn1.app"),
        ("AMAZON_CLIENT_SECRET", CANARY),
        ("AMAZON_REFRESH_TOKEN", CANARY),
    ]
}

#[test]
fn empty_environment_yields_one_error_listing_every_required_variable() {
    let source = EnvSource::from_pairs(AmazonSettings::PREFIX, Vec::<(String, String)>::new());
    let err = AmazonSettings::from_source(&source).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Settings);
    assert_eq!(
        err.missing_settings().collect::<Vec<_>>(),
        ["AMAZON_CLIENT_ID", "AMAZON_CLIENT_SECRET", "AMAZON_REFRESH_TOKEN"]
    );
    let text = err.to_string();
    for name in ["AMAZON_CLIENT_ID", "AMAZON_CLIENT_SECRET", "AMAZON_REFRESH_TOKEN"] {
        assert!(text.contains(&format!("{name} is missing")), "{text}");
    }
}

#[test]
fn missing_and_invalid_variables_are_reported_together() {
    let source = EnvSource::from_pairs(
        "AMAZON_",
        [
            ("AMAZON_CLIENT_ID", ""),
            ("AMAZON_CLIENT_SECRET", "s"),
            ("AMAZON_TIMEOUT_SECS", "soon"),
            ("AMAZON_MAX_RETRIES", "-2"),
            ("AMAZON_RATE_LIMITS", "sometimes"),
            ("AMAZON_BASE_URL", "not a url"),
        ],
    );
    let err = AmazonSettings::from_source(&source).unwrap_err();
    let names: Vec<&str> = err.settings_issues().iter().map(|i| i.variable.as_str()).collect();
    assert_eq!(
        names,
        [
            "AMAZON_CLIENT_ID",
            "AMAZON_REFRESH_TOKEN",
            "AMAZON_BASE_URL",
            "AMAZON_TIMEOUT_SECS",
            "AMAZON_MAX_RETRIES",
            "AMAZON_RATE_LIMITS",
        ]
    );
    assert_eq!(err.missing_settings().count(), 2);
}

#[test]
fn typed_fields_defaults_and_standard_knobs() {
    let mut pairs = complete();
    pairs.extend([
        ("AMAZON_TIMEOUT_SECS", "12"),
        ("AMAZON_MAX_RETRIES", "0"),
        ("AMAZON_RATE_LIMITS", "off"),
        ("AMAZON_BASE_URL", "https://sandbox.example/v1"),
    ]);
    let settings = AmazonSettings::from_source(&EnvSource::from_pairs("AMAZON_", pairs)).unwrap();
    assert_eq!(settings.region, "na");
    assert_eq!(settings.client_secret.expose(), CANARY);
    assert_eq!(settings.base_url.unwrap().as_str(), "https://sandbox.example/v1");
    assert_eq!(settings.common.timeout, Duration::from_secs(12));
    assert_eq!(settings.common.max_retries, 0);
    assert!(!settings.common.rate_limits);

    let defaults =
        AmazonSettings::from_source(&EnvSource::from_pairs("AMAZON_", complete())).unwrap();
    assert!(!defaults.common.shared.is_enabled());
    assert_eq!(defaults.common.timeout, CommonSettings::default().timeout);
    assert_eq!(defaults.common.timeout, Duration::from_secs(30));
    assert_eq!(defaults.common.max_retries, 3);
    assert!(defaults.common.rate_limits);
}

#[test]
fn dotenv_never_overrides_the_environment() {
    let source = EnvSource::from_pairs("AMAZON_", [("AMAZON_REGION", "eu")]).with_dotenv_text(
        "/workspace/.env",
        "AMAZON_REGION=fe\nAMAZON_CLIENT_ID=from-file\nAMAZON_CLIENT_SECRET=s\nAMAZON_REFRESH_TOKEN=r\n",
    );
    let settings = AmazonSettings::from_source(&source).unwrap();
    assert_eq!(settings.region, "eu");
    assert_eq!(settings.client_id, "from-file");
}

#[test]
fn dotenv_file_sits_below_the_real_process_environment() {
    // PATH is set in every test process; read it through the prefix `PAT` + name `H`,
    // so the real environment is exercised without mutating it.
    let real = std::env::var("PATH").expect("PATH is set");
    let dir = std::env::temp_dir().join(format!("connkit-settings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(".env");
    std::fs::write(&path, "PATH=/from/dotenv\nPATCONNKIT_ONLY_IN_FILE=yes\n").unwrap();
    let source = EnvSource::with_dotenv("PAT", &path);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(source.get("H"), Some(real.as_str()));
    assert_eq!(source.get("CONNKIT_ONLY_IN_FILE"), Some("yes"));
    assert!(source.reader().is_ok());
}

#[test]
fn missing_or_malformed_dotenv_is_one_more_issue_without_its_content() {
    let missing = EnvSource::with_dotenv("AMAZON_", "/nonexistent/connkit/.env");
    let err = AmazonSettings::from_source(&missing).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/connkit/.env"), "{err}");

    let broken = EnvSource::from_pairs("AMAZON_", complete())
        .with_dotenv_text("/w/.env", &format!("AMAZON_REGION=eu\n{CANARY} broken line\n"));
    let err = AmazonSettings::from_source(&broken).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(text.contains("/w/.env is invalid: line 2"), "{text}");
    assert!(!text.contains(CANARY), "{text}");
}

#[test]
fn canary_secret_never_appears_in_debug_display_or_errors() {
    let settings =
        AmazonSettings::from_source(&EnvSource::from_pairs("AMAZON_", complete())).unwrap();
    let source = EnvSource::from_pairs("AMAZON_", complete());
    let texts = [
        format!("{settings:?}"),
        format!("{settings:#?}"),
        format!("{}", settings.client_secret),
        format!("{source:?}"),
    ];
    for text in &texts {
        assert!(!text.contains(CANARY), "{text}");
    }

    // A secret value in a field that fails to parse is never quoted either.
    let mut pairs = complete();
    pairs.extend([
        ("AMAZON_TIMEOUT_SECS", CANARY),
        ("AMAZON_MAX_RETRIES", CANARY),
        ("AMAZON_RATE_LIMITS", CANARY),
        ("AMAZON_BASE_URL", CANARY),
    ]);
    let err = AmazonSettings::from_source(&EnvSource::from_pairs("AMAZON_", pairs)).unwrap_err();
    assert_eq!(err.settings_issues().len(), 4);
    for text in [err.to_string(), format!("{err:?}"), format!("{err:#?}")] {
        assert!(!text.contains(CANARY), "{text}");
    }
}

#[test]
fn dynamic_names_for_connkit_call() {
    // `connkit call` knows the names only at run time: same reader, names from the manifest.
    let prefix = connkit::settings::env_prefix("my-api");
    let source = EnvSource::from_pairs(prefix.clone(), [("MY_API_API_KEY", "k")])
        .with_override("MY_API_RATE_LIMITS", "off");
    let needed: Vec<String> = vec!["API_KEY".into(), "TENANT".into()];
    let mut r = source.reader();
    let values: Vec<Option<Secret>> = needed.iter().map(|n| r.required_secret(n)).collect();
    let common = CommonSettings::read(&mut r);
    assert!(!common.rate_limits);
    assert!(values[0].is_some() && values[1].is_none());
    let err = r.finish().unwrap_err();
    assert_eq!(err.missing_settings().collect::<Vec<_>>(), ["MY_API_TENANT"]);
}

#[test]
fn dotenv_is_found_upward() {
    let root = std::env::temp_dir().join(format!("connkit-upward-{}", std::process::id()));
    let deep = root.join("connectors/amazon/src");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(root.join(".env"), "AMAZON_REGION=fe\n").unwrap();
    let found = find_dotenv(&deep);
    let source = EnvSource::load_from("AMAZON_", &deep);
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(found, Some(root.join(".env")));
    assert_eq!(source.get("REGION"), std::env::var("AMAZON_REGION").ok().as_deref().or(Some("fe")));
}
