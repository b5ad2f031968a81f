//! Client-side rate limiting: GCRA quotas (through [`governor`], on tokio time so tests can
//! pause the clock) for the whole client and per operation, shared by every clone of a client.
//!
//! The client also learns from responses: `X-RateLimit-Remaining`/`Reset` (reset as delta
//! seconds or Unix time), IETF `RateLimit`/`RateLimit-Policy`, Amazon's
//! `x-amzn-RateLimit-Limit`, and 429s. When the server says nothing remains, the next request
//! waits for the reset instead of running into a 429.
//!
//! Turn it all off with
//! [`ClientBuilder::rate_limits_enabled(false)`](crate::ClientBuilder::rate_limits_enabled)
//! (sandboxes, replay tests).
//!
//! ```
//! use connkit::ratelimit::Quota;
//!
//! let client = connkit::HttpClient::builder()
//!     .base_url("https://sellingpartnerapi-na.amazon.com")
//!     .rate_limit(Quota::new(10.0, 5)?)
//!     .operation_rate_limit("ordersV0.getOrders", Quota::new(0.0167, 20)?)
//!     .build()?;
//! # Ok::<(), connkit::Error>(())
//! ```

mod clock;
mod learn;
mod limiter;
mod limits;
mod quota;
#[cfg(feature = "redis")]
mod shared;

pub use clock::TokioClock;
pub use learn::{ServerLimits, read_server_limits};
pub(crate) use limits::{LimitError, RateLimits};
pub use quota::Quota;
