//! Keeping connectors healthy after `connkit new`: the guideline's rules as lints
//! ([`check`]), SKILL.md from the public API ([`docs`]), regeneration with a three-way merge
//! ([`merge`], [`sync`]) and lite → full ([`upgrade`]).
//!
//! Every function here works on a connector directory (`connectors/{system}/` of a
//! workspace) through [`ConnectorDir`]. Rust sources are read with `syn` (line numbers from
//! `proc-macro2` span locations), never with regular expressions.

pub mod api;
pub mod check;
mod connector;
pub mod docs;
mod finding;
mod follow;
pub mod merge;
pub mod plan_sync;
mod regen;
mod source;
pub mod sync;
pub mod upgrade;

pub use connector::{ConnectorDir, Layer, MaintainError, discover_connectors};
pub use finding::{Finding, Rule, Severity};
pub use regen::{Regenerated, regenerate};
