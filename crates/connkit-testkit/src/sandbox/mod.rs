//! The SP-API sandbox replay server.
//!
//! Amazon's SP-API specs carry, per response, `x-amzn-api-sandbox.static`: request/response
//! pairs the real sandbox answers. [`load_cases`] reads them (913 in the shared specs) with
//! where each named parameter lives (path, query, header, body); [`match_request`] picks the
//! case a request matches, or says why none does; [`SandboxServer`] serves them on 127.0.0.1.
//! A request that matches no case gets status **599** and an `x-sandbox-mismatch` header, so
//! it can never pass for an expected 4xx.

mod cases;
mod matcher;
mod server;

pub use cases::{
    CaseParam, Expected, ParamLocation, SandboxCase, load_cases, load_cases_from_spec,
};
pub use matcher::{IncomingRequest, Mismatch, match_request};
pub use server::{
    MISMATCH_HEADER, MISMATCH_STATUS, SANDBOX_ACCESS_TOKEN, SandboxServer, Served, TOKEN_PATH,
};
