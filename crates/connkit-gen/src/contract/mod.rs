//! The resolved connector contract: the spec analysis and `connector.toml` read once into
//! what a connector does (its auth with every default applied, the settings it reads, its
//! user agent, each operation's entity, host, rate limit and pagination). The emitters render
//! it into the generated crate; `connkit call` interprets it at run time, so the two send the
//! same requests. The base-URL rule itself is the runtime's
//! ([`connkit::settings::HostTable`]), which both ask.

mod answers;
mod auth;
mod operation;
mod params;
mod settings;

pub use answers::{
    answer_schema, binary_schema, error_answers, is_binary, pick_media, success_answer,
};
pub use auth::{AUTHORIZATION_HEADER, DEFAULT_API_KEY_HEADER, ResolvedAuth, TokenEndpoint};
pub use operation::{OperationContract, OperationPlace};
pub use params::{ParamWriting, WireStyle, param_writing};
pub use settings::{SettingValue, SettingVar, VarKind, settings_variables};

use crate::naming::SystemName;

/// The version of every generated connector crate (its `Cargo.toml` and user agent).
pub const CONNECTOR_VERSION: &str = "0.1.0";

/// The user agent a connector sends: `{crate}/{version} connkit/{connkit_version}`.
pub fn user_agent(system: &SystemName, connkit_version: &str) -> String {
    format!("{}/{CONNECTOR_VERSION} connkit/{connkit_version}", system.crate_name())
}
