//! The resolved connector contract: the spec analysis and `connector.toml` read once into
//! what a connector does. The emitters render it into the generated crate; `connkit call`
//! interprets it at run time, so the two send the same requests
//! (`crates/connkit-cli/tests/call_matches_crate.rs` checks it on drawn specs and manifests).
//!
//! - [`ResolvedAuth`]: the auth with every default applied (key name, place and prefix; token
//!   URL, scopes, token header, extra fields);
//! - [`settings_variables`]: every setting the connector reads, with its default and kind
//!   ([`SettingVar::read`] reads one at run time); the base-URL rule itself is the runtime's
//!   [`connkit::settings::HostTable`], which both ask;
//! - [`OperationContract`]: an operation's effective id, entity, host, rate limit and
//!   pagination (the manifest's override merged into the analysis' facts);
//! - [`param_writing`]: how a parameter goes on the wire; [`pick_media`]: which media a body
//!   is sent or read as; [`answer_schema`]: which documented answer a status is decoded into;
//! - [`user_agent`] and [`CONNECTOR_VERSION`].

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
pub use params::{
    ParamWriting, WireStyle, caller_parameters, form_encodings, is_transport_header, param_writing,
    path_params_in_template, wire_order,
};
pub use settings::{SettingValue, SettingVar, VarKind, region_expectation, settings_variables};

use crate::naming::SystemName;

/// The version of every generated connector crate (its `Cargo.toml` and user agent).
pub const CONNECTOR_VERSION: &str = "0.1.0";

/// The user agent a connector sends: `{crate}/{version} connkit/{connkit_version}`.
pub fn user_agent(system: &SystemName, connkit_version: &str) -> String {
    format!("{}/{CONNECTOR_VERSION} connkit/{connkit_version}", system.crate_name())
}
