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
#[cfg(feature = "testing")]
pub mod testing;

pub use client::{
    ApiResponse, ClientBuilder, HttpClient, Multipart, Operation, QueryValue, RequestBuilder,
    Response, StreamingResponse,
};
pub use http::Method;
