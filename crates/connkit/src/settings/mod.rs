//! Typed settings loaded from the environment and the workspace's `.env`.
//!
//! A connector's settings live in environment variables that share its prefix
//! (`AMAZON_CLIENT_ID`, `AMAZON_TIMEOUT_SECS`). [`EnvSource`] snapshots them once: the process
//! environment plus the `.env` file found by searching upward from the current directory. The
//! real environment always wins over `.env`, and the process environment is never modified.
//!
//! A [`SettingsReader`] then reads typed values by their short names and collects **every**
//! problem on the way, so an incomplete environment fails with one [`Error`](crate::Error)
//! of kind [`Settings`](crate::ErrorKind::Settings) that names each missing or invalid
//! variable in full, never quoting a value.
//!
//! [`CommonSettings`] reads the knobs every connector has (`{P}_TIMEOUT_SECS`,
//! `{P}_MAX_RETRIES`, `{P}_RATE_LIMITS`, and the [`SharedSettings`] of the shared mode:
//! `{P}_REDIS_URL`, `{P}_QUOTA_KEY`, `{P}_WORKERS`, `{P}_REDIS_REQUIRED`), and [`StandardSetting`] lists the standard names of
//! the design so that generated code and `connkit call` agree on one list.
//!
//! # Example
//!
//! ```
//! use connkit::settings::{CommonSettings, EnvSource};
//! use connkit::Secret;
//!
//! struct ShopSettings {
//!     api_key: Secret,
//!     region: String,
//!     base_url: Option<url::Url>,
//!     common: CommonSettings,
//! }
//!
//! impl ShopSettings {
//!     const PREFIX: &'static str = "SHOP_";
//!
//!     fn from_source(source: &EnvSource) -> Result<Self, connkit::Error> {
//!         let mut r = source.reader();
//!         let api_key = r.required_secret("API_KEY");
//!         let region = r.or_default("REGION", "eu".to_string());
//!         let base_url = r.optional::<url::Url>("BASE_URL");
//!         let common = CommonSettings::read(&mut r);
//!         match api_key {
//!             Some(api_key) if r.is_ok() => Ok(Self { api_key, region, base_url, common }),
//!             _ => Err(r.into_error()),
//!         }
//!     }
//! }
//!
//! let source = EnvSource::from_pairs(ShopSettings::PREFIX, [("SHOP_API_KEY", "k-123")]);
//! let settings = ShopSettings::from_source(&source)?;
//! assert_eq!(settings.region, "eu");
//! assert_eq!(settings.common.max_retries, 3);
//!
//! let empty = EnvSource::from_pairs(ShopSettings::PREFIX, Vec::<(String, String)>::new());
//! let err = ShopSettings::from_source(&empty).err().unwrap();
//! assert_eq!(err.missing_settings().collect::<Vec<_>>(), ["SHOP_API_KEY"]);
//! # Ok::<(), connkit::Error>(())
//! ```

mod dotenv;
mod hosts;
mod reader;
mod shared;
mod source;
mod standard;
mod value;

pub use dotenv::{find_dotenv, find_dotenvs};
pub use hosts::HostTable;
pub use reader::SettingsReader;
pub use shared::SharedSettings;
pub use source::{EnvSource, Origin};
pub use standard::{CommonSettings, StandardSetting, env_prefix};
pub use value::SettingValue;
