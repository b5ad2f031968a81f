//! Connector generator: from the normalised OpenAPI model and a connector manifest to a
//! connector crate in the guideline's layout.

pub mod types;
