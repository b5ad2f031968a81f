//! The calling program of one connector, written from the generator's operation IR: the
//! fixed harness and a `dispatch` with one arm per operation, each calling the typed method
//! exactly as a user would (positional required arguments, the params struct, the typed
//! body), with arguments converted from the synthesised JSON of the call.

use std::fmt::Write as _;

use connkit_gen::ir::{BodyIr, OperationIr, SpecIr, SuccessIr};
use connkit_spec::model::ParameterLocation;

/// The fixed part of the program (call decoding, outcomes, output).
const HARNESS: &str = include_str!("harness.rs");

/// A type of the IR as the program names it (`crate::` is the connector's crate).
fn ty(tokens: &impl std::fmt::Display, krate: &str) -> String {
    tokens.to_string().replace("crate ::", &format!("{krate} ::"))
}

pub(crate) fn location(location: ParameterLocation) -> &'static str {
    match location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    }
}

/// One `dispatch` arm: the typed call of `op`.
fn call_arm(
    krate: &str,
    spec: &SpecIr,
    multi: bool,
    entity: (&str, &str),
    op: &OperationIr,
) -> String {
    let (entity_accessor, entity_module) = entity;
    let mut args = Vec::new();
    for param in &op.required {
        args.push(format!(
            "&call.arg::<{}>({:?}, {:?})?",
            ty(&param.ty, krate),
            location(param.location),
            param.wire_name
        ));
    }
    let services = if multi {
        format!("{krate}::services::{}::{entity_module}", spec.module)
    } else {
        format!("{krate}::services::{entity_module}")
    };
    if let Some(params_ty) = op.params_type() {
        let mut fields = String::new();
        for param in &op.optional {
            write!(
                fields,
                "{}: call.opt::<{}>({:?}, {:?})?, ",
                param.rust_name,
                ty(&param.ty, krate),
                location(param.location),
                param.wire_name
            )
            .unwrap();
        }
        args.push(format!("&{services}::{params_ty} {{ {fields} }}"));
    }
    match &op.body {
        Some(BodyIr::Json { ty: body, .. } | BodyIr::Form { ty: body, .. }) => {
            args.push(format!("&call.body::<{}>()?", ty(body, krate)));
        }
        Some(BodyIr::Multipart { .. }) => args.push("call.multipart()?".to_string()),
        Some(BodyIr::Bytes { .. }) => args.push("call.raw()?".to_string()),
        None => {}
    }
    let outcome = match op.success {
        SuccessIr::Json(_) | SuccessIr::MaybeJson(_) | SuccessIr::Empty | SuccessIr::Text => "json",
        SuccessIr::Bytes => "bytes",
        SuccessIr::Stream => "stream",
    };
    let receiver = if multi {
        format!("gateway.{}().{entity_accessor}()", spec.gateway_accessor())
    } else {
        format!("gateway.{entity_accessor}()")
    };
    format!(
        "{:?} => {{\n let call = async {{ Ok::<_, String>(Outcome::{outcome}({receiver}.{}({}).await)) }};\n call.await.unwrap_or_else(Outcome::bad_input)\n }}\n",
        op.qualified_id,
        op.rust_name,
        args.join(", ")
    )
}

/// The whole program of the connector crate `krate` whose gateway type is `gateway`.
pub(crate) fn program(krate: &str, gateway: &str, specs: &[SpecIr]) -> String {
    let multi = specs.len() > 1;
    let mut arms = String::new();
    for spec in specs {
        for entity in &spec.entities {
            for op in &entity.operations {
                arms.push_str(&call_arm(
                    krate,
                    spec,
                    multi,
                    (entity.accessor.as_str(), entity.module.as_str()),
                    op,
                ));
            }
        }
    }
    format!(
        "{HARNESS}\ntype Gateway = {krate}::{gateway};\n\n\
         /// Calls the call's operation through its typed method.\n\
         async fn dispatch(gateway: &Gateway, call: &Call) -> Outcome {{\n\
         match call.operation.as_str() {{\n{arms}\
         other => Outcome::bad_input(format!(\"no method for operation `{{other}}`\")),\n}}\n}}\n"
    )
}
