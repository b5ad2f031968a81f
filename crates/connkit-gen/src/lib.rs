//! Connector generator: from the normalised OpenAPI model and a connector manifest to a
//! connector crate in the guideline's layout.
//!
//! - [`manifest`]: `connector.toml`, the connector's state and overrides.
//! - [`naming`]: system names and Rust identifiers from wire names.
//! - [`ir`]: the operation IR (Rust names beside wire names, params, bodies, responses,
//!   pagination, rate limits).
//! - `emit`: the Rust files (quote + prettyplease); [`docs`]: AGENTS.md, SKILL.md,
//!   `.env.example` and the plan spec (minijinja).
//! - [`contract`]: the resolved connector (auth with its defaults, settings, user agent, each
//!   operation's effective host, rate limit and pagination), rendered by the emitters and
//!   interpreted by `connkit call`.
//! - [`hosts`]: which host each operation is sent to (the default one or a named one).
//! - [`workspace`]: the workspace `connkit init` lays out (CONNECTOR_AGENTS.md, AGENTS.md).
//! - [`generate()`]: everything, in the guideline's order; [`write_files`] writes it with the
//!   copy kept in `.connkit/`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod auth_choice;
mod cargo_toml;
pub mod contract;
pub mod docs;
mod docs_text;
mod emit;
mod generate;
pub mod hosts;
pub mod ir;
pub mod maintain;
pub mod manifest;
pub mod naming;
pub mod new;
mod output;
mod plan;
mod rustfmt;
mod tidy;
pub mod types;
pub mod workspace;

pub use cargo_toml::{RuntimeSource, cargo_toml};
pub use generate::{
    ALL_MODELS_FEATURE, GenerateOptions, GeneratedConnector, SpecSource, SpecStats, generate,
};
pub use output::{GENERATED_COPY_DIR, GeneratedFile, WriteError, write_files};
pub use rustfmt::{FormatOutcome, MAX_RUSTFMT_LINES, RUSTFMT_TOML};

/// Why a connector could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// Emitted code did not parse: a bug in the generator, reported instead of a panic.
    #[error("internal generator error in `{file}`: {message} (please report this)")]
    Internal {
        /// The file being emitted.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// The workspace's `CONNECTOR_AGENTS.md` (or another template) does not render.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Template {
        /// The template's file name.
        file: String,
        /// The 1-based line of the error, when known.
        line: Option<usize>,
        /// What is wrong (an unknown placeholder, a syntax error).
        message: String,
    },
}
