//! Keeping connectors healthy after `connkit new`: the guideline's rules as lints
//! ([`check`]) and SKILL.md from the public API ([`docs`]).
//!
//! Every function here works on a connector directory (`connectors/{system}/` of a
//! workspace) through [`ConnectorDir`]. Rust sources are read with `syn` (line numbers from
//! `proc-macro2` span locations), never with regular expressions.

pub mod api;
pub mod check;
mod connector;
pub mod docs;
mod finding;
mod source;

pub use connector::{ConnectorDir, Layer, MaintainError, discover_connectors};
pub use finding::{Finding, Rule, Severity};
