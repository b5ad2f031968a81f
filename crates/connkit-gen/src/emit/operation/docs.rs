//! The doc comments of an operation's methods, in progenitor's order: summary, description,
//! what it sends, the arguments, then its quota, pagination and headers. Errors are
//! documented once, on the service (or lite client) type.

use connkit_spec::model::ParameterLocation;

use crate::docs_text::doc_text;
use crate::ir::{BodyIr, OperationIr, ParamIr};

/// The doc of the operation's main method.
pub(super) fn method_doc(op: &OperationIr) -> String {
    let mut parts = Vec::new();
    if let Some(summary) = &op.summary {
        parts.push(doc_text(summary));
    }
    if let Some(description) = &op.description {
        let text = doc_text(description);
        if !parts.contains(&text) {
            parts.push(text);
        }
    }
    if parts.is_empty() {
        parts.push(format!("The `{}` operation.", op.id));
    }
    parts.push(format!(
        "Sends `{} {}` (operation `{}`).",
        op.method.as_upper(),
        op.path,
        op.qualified_id
    ));
    let args = arguments(op);
    if !args.is_empty() {
        parts.push(format!("# Arguments\n\n{}", args.join("\n")));
    }
    parts.extend(notes(op));
    if op.deprecated {
        parts.push("**Deprecated** by the API.".to_string());
    }
    parts.join("\n\n")
}

/// One `- name: meaning` line per argument.
fn arguments(op: &OperationIr) -> Vec<String> {
    let mut args = Vec::new();
    match op.args_type() {
        Some(args_ty) => args.push(format!("- `args`: the required parameters ([`{args_ty}`]).")),
        None => {
            for param in &op.required {
                args.push(format!("- `{}`: {}", param.rust_name, param_doc(param)));
            }
        }
    }
    if let Some(params) = op.params_type() {
        args.push(format!("- `params`: optional parameters ([`{params}`])."));
    }
    let body = match &op.body {
        Some(BodyIr::Json { content_type, .. }) => format!("the `{content_type}` body."),
        Some(BodyIr::Form { .. }) => "the form-encoded body.".to_string(),
        Some(BodyIr::Multipart { parts }) => {
            let names: Vec<String> = parts
                .iter()
                .map(
                    |(name, file, _)| {
                        if *file { format!("`{name}` (file)") } else { format!("`{name}`") }
                    },
                )
                .collect();
            if names.is_empty() {
                "the multipart form.".to_string()
            } else {
                format!("the multipart form. Parts: {}.", names.join(", "))
            }
        }
        Some(BodyIr::Bytes { content_type }) => format!("the raw `{content_type}` body."),
        None => return args,
    };
    args.push(format!("- `body`: {body}"));
    args
}

/// The quota, the pagination twins, the documented response headers.
fn notes(op: &OperationIr) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(limit) = &op.rate_limit {
        parts.push(format!(
            "Rate limit: {} requests per second, burst {} (applied by the client).",
            limit.rate, limit.burst
        ));
    }
    if let Some(pagination) = &op.pagination {
        parts.push(format!(
            "Paginated: this returns one page; [`Self::{}`] yields every item and [`Self::{}`] \
             every page.",
            op.stream_method, pagination.pages_method
        ));
        if let Some(why) = &pagination.guessed {
            parts.push(format!(
                "The pagination is a guess ({}): check it against the API before relying on \
                 the streams (`pagination_guessed` in connector.toml).",
                doc_text(why)
            ));
        }
    }
    if !op.response_headers.is_empty() {
        let names: Vec<String> =
            op.response_headers.iter().map(|(n, _)| format!("`{n}`")).collect();
        parts.push(format!(
            "Documented response headers ({}) are available from the response's `headers()`.",
            names.join(", ")
        ));
    }
    parts
}

/// What a parameter means, its wire name and where it goes.
pub(super) fn param_doc(param: &ParamIr) -> String {
    let text = param.description.as_deref().map(doc_text).unwrap_or_default();
    let text = text.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    let place = match param.location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
        ParameterLocation::Header => "header",
        ParameterLocation::Cookie => "cookie",
    };
    if text.is_empty() {
        format!("`{}` ({place}).", param.wire_name)
    } else {
        format!("{text} (`{}`, {place})", param.wire_name)
    }
}
