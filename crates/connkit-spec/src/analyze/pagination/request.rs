//! The request side of paging: the parameters (query, header, top-level JSON body fields)
//! with their role, type and description, and the page-size parameter.

use super::super::schema_walk;
use super::RequestLocation;
use super::names::{ParamRole, is_page_size, param_role};
use crate::model::{Api, BodyKind, Operation, ParameterLocation, Schema, SchemaKind, SchemaRef};

/// One request field that may carry paging.
#[derive(Debug, Clone)]
pub(super) struct RequestField<'a> {
    pub(super) name: &'a str,
    pub(super) location: RequestLocation,
    pub(super) description: Option<&'a str>,
    pub(super) schema: Option<&'a Schema>,
}

impl RequestField<'_> {
    /// The role its name gives it, unless its type and description say otherwise (a
    /// `marker` that is an integer "offset in the result list" counts items).
    pub(super) fn role(&self) -> Option<ParamRole> {
        let role = param_role(self.name)?;
        let integer = matches!(self.schema.map(|s| &s.kind), Some(SchemaKind::Integer { .. }));
        let says_offset =
            self.description.is_some_and(|d| d.to_ascii_lowercase().contains("offset"));
        if role == ParamRole::Token && integer && says_offset {
            return Some(ParamRole::Offset);
        }
        Some(role)
    }

    /// Whether it is typed as text (an opaque value) rather than a number.
    pub(super) fn is_text(&self) -> bool {
        matches!(self.schema.map(|s| &s.kind), Some(SchemaKind::String { .. }))
    }

    /// Whether it is typed as a number (or untyped).
    pub(super) fn is_numeric_or_untyped(&self) -> bool {
        matches!(
            self.schema.map(|s| &s.kind),
            None | Some(
                SchemaKind::Integer { .. }
                    | SchemaKind::Number
                    | SchemaKind::Any
                    | SchemaKind::OneOf { .. }
            )
        ) || self.schema.is_some_and(|s| {
            // A number sent as a string (`maxResults: {type: string}` with digits).
            matches!(s.kind, SchemaKind::String { .. })
                && s.default
                    .as_ref()
                    .is_some_and(|d| d.as_str().is_some_and(|t| t.parse::<u64>().is_ok()))
        })
    }

    /// Whether it is a date or time (`format: date-time`).
    pub(super) fn is_time(&self) -> bool {
        self.schema
            .and_then(|s| s.format.as_deref())
            .is_some_and(|f| f.contains("date") || f.contains("time"))
    }

    /// The page number the API starts at, when its default or description says 0.
    pub(super) fn first_page(&self) -> u64 {
        let default = self.schema.and_then(|s| s.default.as_ref()).and_then(count_of);
        if default == Some(0) {
            return 0;
        }
        let said = self.description.is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            [
                "0-based",
                "zero-based",
                "0 based",
                "zero based",
                "starting at 0",
                "starts at 0",
                "starting from 0",
                "starts from 0",
                "0-indexed",
                "zero-indexed",
            ]
            .iter()
            .any(|w| d.contains(w))
        });
        if said { 0 } else { 1 }
    }
}

/// Query parameters, header parameters and top-level JSON body fields, in that order.
pub(super) fn request_fields<'a>(api: &'a Api, operation: &'a Operation) -> Vec<RequestField<'a>> {
    let mut out: Vec<RequestField<'a>> = operation
        .parameters
        .iter()
        .filter_map(|p| {
            let location = match p.location {
                ParameterLocation::Query => RequestLocation::Query,
                ParameterLocation::Header => RequestLocation::Header,
                _ => return None,
            };
            Some(RequestField {
                name: &p.name,
                location,
                description: p.description.as_deref(),
                schema: schema_walk::resolve(api, &p.schema),
            })
        })
        .collect();
    if let Some(schema) = json_body(operation) {
        for (name, property) in schema_walk::properties(api, schema) {
            out.push(RequestField {
                name,
                location: RequestLocation::Body,
                description: schema_walk::description(api, property),
                schema: schema_walk::resolve(api, property),
            });
        }
    }
    out
}

fn json_body(operation: &Operation) -> Option<&SchemaRef> {
    operation
        .request_body
        .as_ref()
        .and_then(|body| body.content.iter().find(|m| m.kind == BodyKind::Json))
        .and_then(|media| media.schema.as_ref())
}

/// The page-size parameter: its name and the size to ask for (the spec's default, else its
/// maximum), preferring the location of the paging parameter. When that parameter is a
/// request header, only a header page size counts (the runtime sends every paging parameter
/// where the position goes); otherwise a header never does.
pub(super) fn page_size<'a>(
    fields: &[RequestField<'a>],
    location: Option<RequestLocation>,
) -> Option<(&'a str, Option<u64>)> {
    let in_header = location == Some(RequestLocation::Header);
    let sized: Vec<&RequestField<'a>> = fields
        .iter()
        .filter(|f| is_page_size(f.name) && (f.location == RequestLocation::Header) == in_header)
        .filter(|f| !matches!(f.schema.map(|s| &s.kind), Some(SchemaKind::Boolean)))
        .collect();
    let field = sized.iter().find(|f| Some(f.location) == location).or_else(|| sized.first())?;
    let size = field.schema.and_then(|s| {
        s.default
            .as_ref()
            .and_then(count_of)
            .or_else(|| s.constraints.maximum.filter(|m| *m >= 1.0 && *m < 1e9).map(|m| m as u64))
            .filter(|n| *n >= 1)
    });
    Some((field.name, size))
}

/// A whole, non-negative number given as a number or as digits.
fn count_of(value: &serde_json::Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()))
}
