//! Runtime for connkit connectors.
//!
//! Every connector that `connkit new` generates depends on this crate for the plumbing the
//! connector guideline puts in the config and client layers: typed settings loaded from the
//! environment, a resilient HTTP client (auth, retries, rate limits), pagination and one
//! typed error.
//!
//! # Vocabulary
//!
//! - A **call** is one logical request made by user code (one operation invocation). It has
//!   one idempotency key, one time budget and one tracing span.
//! - An **attempt** is one HTTP exchange made while performing a call. Retries and the single
//!   replay after a token refresh are further attempts of the same call.
//!
//! # Modules, one concern each
//!
//! | module | does |
//! |---|---|
//! | [`settings`] | settings from `{PREFIX}_*` variables and `.env`, one error naming every problem |
//! | [`client`] | [`HttpClient`], [`Operation`] descriptors, request building, responses with headers |
//! | [`auth`] | API key, bearer, basic, OAuth2 client credentials and refresh token (LWA), custom signing |
//! | [`retry`] | classification and backoff, `Retry-After`, idempotency keys |
//! | [`ratelimit`] | GCRA quotas per client and per operation, learned from response headers |
//! | `shared` | (feature `redis`) quotas, learned limits and the access token shared by the processes of one account through Redis |
//! | [`paginate`] | one descriptor, one lazy `Stream` of items, resumable checkpoints |
//! | [`error`] | the one typed [`Error`] |
//! | `testing` | (feature `testing`) a scripted transport for tests without a network |
//!
//! # Example: settings, client, one call, every page
//!
//! ```no_run
//! use connkit::auth::ApiKey;
//! use connkit::paginate::{Pagination, TokenSource};
//! use connkit::settings::{CommonSettings, EnvSource};
//! use connkit::{HttpClient, Method, Operation};
//! use futures::TryStreamExt;
//!
//! static GET_WIDGET: Operation = Operation::new("getWidget", Method::GET, "/widgets/{id}");
//! static LIST_WIDGETS: Operation = Operation::new("listWidgets", Method::GET, "/widgets");
//!
//! # async fn run() -> Result<(), connkit::Error> {
//! // Settings: SHOP_API_KEY is required; SHOP_TIMEOUT_SECS, SHOP_MAX_RETRIES, SHOP_RATE_LIMITS
//! // have defaults. A missing key fails with one error that names SHOP_API_KEY.
//! let source = EnvSource::load("SHOP_");
//! let mut reader = source.reader();
//! let api_key = reader.required_secret("API_KEY");
//! let common = CommonSettings::read(&mut reader);
//! let Some(api_key) = api_key.filter(|_| reader.is_ok()) else {
//!     return Err(reader.into_error());
//! };
//!
//! // The client: auth, retries and rate limits live here, not in services.
//! let client = HttpClient::builder()
//!     .base_url("https://api.shop.example/v1")
//!     .auth(ApiKey::header("X-API-Key", api_key))
//!     .common_settings(&common)
//!     .build()?;
//!
//! // One call: the path parameter is one percent-encoded segment; the ETag is kept.
//! let widget = client
//!     .request(&GET_WIDGET)
//!     .path_param("id", "w/1")
//!     .send()
//!     .await?
//!     .into_json::<serde_json::Value>()?;
//! let etag = widget.etag().map(str::to_owned);
//! println!("{etag:?} {:?}", widget.into_inner());
//!
//! // Every item of every page, one page in memory at a time.
//! let pagination = Pagination::cursor("cursor", TokenSource::body("next_cursor"))
//!     .with_items_path("data");
//! let names: Vec<serde_json::Value> =
//!     client.request(&LIST_WIDGETS).items(&pagination).try_collect().await?;
//! # let _ = names;
//! # Ok(())
//! # }
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod error;
pub mod paginate;
pub mod secret;
pub mod settings;

pub use error::{ApiErrorBody, Error, ErrorKind, Result, SettingIssue, SettingProblem};
pub use secret::Secret;

pub mod auth;
pub mod client;
pub mod ratelimit;
pub mod retry;
#[cfg(feature = "redis")]
pub mod shared;
#[cfg(feature = "testing")]
pub mod testing;

pub use client::{
    ApiResponse, ClientBuilder, HttpClient, Multipart, Operation, ParamStyle, QueryValue,
    RequestBuilder, Response, StreamingResponse, Style,
};
pub use http::Method;
