//! Runtime for connkit connectors.
//!
//! Every connector that `connkit new` generates depends on this crate for the plumbing the
//! connector guideline puts in the config and client layers: typed settings loaded from the
//! environment, a resilient HTTP client (auth, retries, rate limits), pagination and one
//! typed error.
