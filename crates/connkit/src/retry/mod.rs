//! Retries: which failures are retried ([`classify`]) and when ([`RetryPolicy`]).
//!
//! # Defaults
//! Three retries with exponential backoff (500 ms doubling up to 30 s) and random jitter;
//! `Retry-After` and `retry-after-ms` are honoured up to 120 s (a longer requested wait fails
//! the call rather than retrying early).
//!
//! # Classifiers
//! Connection errors, timeouts, 408, 425, 429, 500, 502, 503 and 504 are transient. GET, HEAD,
//! PUT, DELETE and OPTIONS are retried; 429 is retried for every method (the request was not
//! processed); other failures of POST and PATCH are retried only when the request carries an
//! idempotency key, or when the connection could not be made (nothing was sent).
//!
//! # Idempotency
//! An operation that declares an idempotency header
//! ([`Operation::with_idempotency_header`](crate::Operation::with_idempotency_header)) and is
//! called without a key gets one generated key per call, sent unchanged on every attempt.
//!
//! ```
//! use connkit::retry::RetryPolicy;
//!
//! let client = connkit::HttpClient::builder()
//!     .base_url("https://api.example.com")
//!     .retry(RetryPolicy::default().max_retries(5))
//!     .build()?;
//! # Ok::<(), connkit::Error>(())
//! ```

mod budget;
mod classify;
mod idempotency;
mod policy;
mod retry_after;

pub(crate) use budget::{RetryBudget, Stop};
pub use classify::{Attempted, RetryAction, classify, is_idempotent, is_transient_status};
pub use idempotency::{DEFAULT_IDEMPOTENCY_HEADER, generate_key, is_idempotency_header};
pub use policy::{Jitter, RetryPolicy};
pub use retry_after::retry_after;
