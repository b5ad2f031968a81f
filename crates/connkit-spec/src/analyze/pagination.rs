//! Pagination per operation, detected from vendor extensions, a documented `Link` header,
//! request parameters (tokens, cursors, offsets, pages) and the fields of the response.

use serde::{Deserialize, Serialize};

use super::schema_walk::{self, normalized};
use crate::model::{Api, BodyKind, Operation, ParameterLocation, SchemaKind, SchemaRef};

/// How an operation's pages are chained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationStyle {
    /// An opaque token from the response goes into the next request (`NextToken`).
    NextToken,
    /// A cursor (often the last item's id) goes into the next request (`after`, `cursor`).
    Cursor,
    /// `offset` (+ `limit`) counts items.
    Offset,
    /// `page` counts pages.
    Page,
    /// RFC 8288 `Link: <...>; rel="next"` header.
    LinkHeader,
    /// The response carries the next page's URL (in the body or a header).
    NextUrl,
}

/// Where the request side of pagination goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestLocation {
    /// A query parameter.
    Query,
    /// A top-level field of the JSON request body.
    Body,
    /// A request header.
    Header,
}

/// How one operation paginates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// The chaining style.
    pub style: PaginationStyle,
    /// The request parameter (or body field) that carries the token / cursor / offset / page.
    /// `None` for `link_header` and `next_url`, which follow URLs.
    pub request_param: Option<String>,
    /// Where `request_param` goes.
    pub request_location: Option<RequestLocation>,
    /// Dotted path of the next token / cursor / URL in the response body
    /// (`payload.NextToken`), when it is in the body.
    pub response_path: Option<String>,
    /// The response header carrying the next link or URL (`Link`, `Next-Page`).
    pub header: Option<String>,
    /// Dotted path of the items array in the response body: `""` when the body is the array
    /// itself, `None` when unknown.
    pub items_path: Option<String>,
    /// The page-size parameter, if any (`limit`, `per_page`, `MaxResultsPerPage`).
    pub limit_param: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum ParamClass {
    NextToken,
    Cursor,
    Offset,
    Page,
}

/// Array fields that hold problems, not items.
const NOT_ITEMS: &[&str] = &["errors", "warnings", "messages", "error"];
/// Array field names that usually hold the items, best first.
const ITEM_NAMES: &[&str] = &[
    "items",
    "data",
    "results",
    "records",
    "entries",
    "elements",
    "values",
    "value",
    "nodes",
    "list",
    "content",
    "resources",
];
/// Response fields that carry a next token or cursor, best first.
const TOKEN_FIELDS: &[&str] = &[
    "nexttoken",
    "nextpagetoken",
    "continuationtoken",
    "paginationtoken",
    "nextcursor",
    "endcursor",
    "nextpage",
    "nextmarker",
    "cursor",
    "lastid",
    "pagetoken",
];
/// Response fields that carry the next page's URL.
const NEXT_URL_FIELDS: &[&str] =
    &["next", "nexturl", "nextlink", "nextpageurl", "nextpagelink", "odatanextlink"];
/// Response headers that carry the next page's URL.
const NEXT_URL_HEADERS: &[&str] = &["next-page", "x-next-page", "x-next-page-url", "x-next"];

/// Detects how `operation` paginates, if it does.
pub(crate) fn detect(api: &Api, operation: &Operation) -> Option<Pagination> {
    let body = success_schema(operation);
    let items_path = body.and_then(|schema| items_path(api, schema));
    let limit_param = limit_param(api, operation);

    if let Some(pagination) =
        from_extensions(api, operation, items_path.clone(), limit_param.clone())
    {
        return Some(pagination);
    }
    if let Some(header) = operation
        .success_responses()
        .find_map(|r| r.headers.iter().find(|h| h.name.eq_ignore_ascii_case("link")))
    {
        return Some(Pagination {
            style: PaginationStyle::LinkHeader,
            request_param: None,
            request_location: None,
            response_path: None,
            header: Some(header.name.clone()),
            items_path,
            limit_param,
        });
    }

    let mut best: Option<(ParamClass, String, RequestLocation)> = None;
    for (name, location) in request_fields(api, operation) {
        let Some(class) = classify(&name) else { continue };
        if best.as_ref().is_none_or(|(current, _, _)| class < *current) {
            best = Some((class, name, location));
        }
    }
    if let Some((class, name, location)) = best {
        let response_path = body.and_then(|schema| token_path(api, schema, &name));
        let accepted = match class {
            ParamClass::NextToken => true,
            // `after` alone is too common a word: the response must hand out a cursor, or be
            // a list that says whether more follow (Stripe: `starting_after` + `has_more`,
            // the cursor being the last item's id).
            ParamClass::Cursor => {
                response_path.is_some()
                    || normalized(&name).contains("cursor")
                    || (items_path.is_some()
                        && body.is_some_and(|schema| has_more_flag(api, schema)))
            }
            ParamClass::Offset | ParamClass::Page => items_path.is_some() || limit_param.is_some(),
        };
        if accepted {
            let style = match class {
                ParamClass::NextToken => PaginationStyle::NextToken,
                ParamClass::Cursor => PaginationStyle::Cursor,
                ParamClass::Offset => PaginationStyle::Offset,
                ParamClass::Page => PaginationStyle::Page,
            };
            let (response_path, header) = match class {
                ParamClass::NextToken | ParamClass::Cursor if response_path.is_none() => {
                    (None, token_header(operation))
                }
                ParamClass::NextToken | ParamClass::Cursor => (response_path, None),
                ParamClass::Offset | ParamClass::Page => (None, None),
            };
            return Some(Pagination {
                style,
                request_param: Some(name),
                request_location: Some(location),
                response_path,
                header,
                items_path,
                limit_param,
            });
        }
    }

    if let Some(path) = body.and_then(|schema| next_url_path(api, schema)) {
        return Some(Pagination {
            style: PaginationStyle::NextUrl,
            request_param: None,
            request_location: None,
            response_path: Some(path),
            header: None,
            items_path,
            limit_param,
        });
    }
    let header = operation.success_responses().find_map(|r| {
        r.headers.iter().find(|h| NEXT_URL_HEADERS.contains(&h.name.to_ascii_lowercase().as_str()))
    })?;
    Some(Pagination {
        style: PaginationStyle::NextUrl,
        request_param: None,
        request_location: None,
        response_path: None,
        header: Some(header.name.clone()),
        items_path,
        limit_param,
    })
}

/// Vendor extensions that declare pagination: `x-dropshot-pagination` (Oxide) and
/// `x-ms-pageable` (Azure / AutoRest).
fn from_extensions(
    api: &Api,
    operation: &Operation,
    items_path: Option<String>,
    limit_param: Option<String>,
) -> Option<Pagination> {
    if operation.extensions.contains_key("x-dropshot-pagination") {
        let token = operation
            .parameters
            .iter()
            .find(|p| normalized(&p.name) == "pagetoken")
            .map_or_else(|| "page_token".to_string(), |p| p.name.clone());
        let response_path = success_schema(operation)
            .and_then(|schema| token_path(api, schema, &token))
            .or_else(|| Some("next_page".to_string()));
        return Some(Pagination {
            style: PaginationStyle::NextToken,
            request_param: Some(token),
            request_location: Some(RequestLocation::Query),
            response_path,
            header: None,
            items_path: items_path.or_else(|| Some("items".to_string())),
            limit_param,
        });
    }
    let pageable = operation.extensions.get("x-ms-pageable")?.as_object()?;
    let next = pageable.get("nextLinkName")?.as_str()?;
    let items = pageable.get("itemName").and_then(|v| v.as_str()).unwrap_or("value");
    Some(Pagination {
        style: PaginationStyle::NextUrl,
        request_param: None,
        request_location: None,
        response_path: Some(next.to_string()),
        header: None,
        items_path: Some(items.to_string()),
        limit_param,
    })
}

fn classify(name: &str) -> Option<ParamClass> {
    let n = normalized(name);
    if n.contains("idempoten") {
        return None;
    }
    if n.contains("cursor") {
        return Some(ParamClass::Cursor);
    }
    let tokenish = ["next", "page", "continuation", "pagination"].iter().any(|w| n.contains(w));
    if (n.contains("token") && tokenish)
        || n == "continuation"
        || n == "marker"
        || n == "nextmarker"
    {
        return Some(ParamClass::NextToken);
    }
    match n.as_str() {
        "after" | "startingafter" | "startafter" | "afterid" | "afterkey" => {
            Some(ParamClass::Cursor)
        }
        "offset" | "skip" | "startindex" | "startat" => Some(ParamClass::Offset),
        "page" | "pagenumber" | "pageno" | "pagenum" | "pageindex" => Some(ParamClass::Page),
        _ => None,
    }
}

fn is_limit(name: &str) -> bool {
    let n = normalized(name);
    matches!(
        n.as_str(),
        "limit"
            | "pagesize"
            | "perpage"
            | "maxresults"
            | "maxitems"
            | "maxpagesize"
            | "size"
            | "top"
            | "pagelimit"
            | "resultsperpage"
            | "count"
    ) || n.contains("pagesize")
        || n.contains("perpage")
        || n.contains("maxresults")
}

/// Query parameters, header parameters and top-level JSON body fields, in that order.
fn request_fields(api: &Api, operation: &Operation) -> Vec<(String, RequestLocation)> {
    let mut out: Vec<(String, RequestLocation)> = operation
        .parameters
        .iter()
        .filter_map(|p| match p.location {
            ParameterLocation::Query => Some((p.name.clone(), RequestLocation::Query)),
            ParameterLocation::Header => Some((p.name.clone(), RequestLocation::Header)),
            _ => None,
        })
        .collect();
    if let Some(schema) = operation
        .request_body
        .as_ref()
        .and_then(|body| body.content.iter().find(|m| m.kind == BodyKind::Json))
        .and_then(|media| media.schema.as_ref())
    {
        for (name, _) in schema_walk::properties(api, schema) {
            out.push((name.to_string(), RequestLocation::Body));
        }
    }
    out
}

fn limit_param(api: &Api, operation: &Operation) -> Option<String> {
    request_fields(api, operation).into_iter().map(|(name, _)| name).find(|name| is_limit(name))
}

/// The JSON schema of the first successful response (200 preferred).
pub(crate) fn success_schema(operation: &Operation) -> Option<&SchemaRef> {
    let mut responses: Vec<_> = operation.success_responses().collect();
    responses.sort_by_key(|r| r.status != crate::model::StatusCode::Code(200));
    responses.into_iter().find_map(|r| r.json().and_then(|m| m.schema.as_ref()))
}

/// Where the items are: the body itself, or the shallowest array field (known names first,
/// then arrays of objects).
fn items_path(api: &Api, schema: &SchemaRef) -> Option<String> {
    if schema_walk::is_array(api, schema) || is_choice_of_arrays(api, schema) {
        return Some(String::new());
    }
    let arrays: Vec<(String, &str, bool)> = schema_walk::fields(api, schema, 3)
        .into_iter()
        .filter(|(_, name, field)| {
            !NOT_ITEMS.contains(&name.to_ascii_lowercase().as_str())
                && schema_walk::is_array(api, field)
        })
        .map(|(path, name, field)| (path, name, holds_objects(api, field)))
        .collect();
    let depth = |path: &str| path.matches('.').count();
    let shallowest = arrays.iter().map(|(path, _, _)| depth(path)).min()?;
    let level: Vec<&(String, &str, bool)> =
        arrays.iter().filter(|(path, _, _)| depth(path) == shallowest).collect();
    ITEM_NAMES
        .iter()
        .find_map(|known| level.iter().find(|(_, name, _)| normalized(name) == *known))
        .or_else(|| level.iter().find(|(_, _, objects)| *objects))
        .or_else(|| level.first())
        .map(|(path, _, _)| path.clone())
}

/// A `oneOf`/`anyOf` whose variants are all arrays (the body is a list either way).
fn is_choice_of_arrays(api: &Api, schema: &SchemaRef) -> bool {
    match schema_walk::resolve(api, schema).map(|s| &s.kind) {
        Some(SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. }) => {
            !variants.is_empty() && variants.iter().all(|v| schema_walk::is_array(api, v))
        }
        _ => false,
    }
}

/// Whether an array schema's items are objects (records, not scalars like names or ids).
fn holds_objects(api: &Api, schema: &SchemaRef) -> bool {
    let Some(SchemaKind::Array { items }) = schema_walk::resolve(api, schema).map(|s| &s.kind)
    else {
        return false;
    };
    matches!(
        schema_walk::resolve(api, items).map(|s| &s.kind),
        Some(
            SchemaKind::Object { .. }
                | SchemaKind::AllOf { .. }
                | SchemaKind::OneOf { .. }
                | SchemaKind::AnyOf { .. }
        )
    )
}

/// The response field carrying the next token for request parameter `param`: the field of the
/// same name first, then well-known token fields.
fn token_path(api: &Api, schema: &SchemaRef, param: &str) -> Option<String> {
    let fields = schema_walk::fields(api, schema, 3);
    let wanted = normalized(param);
    let scalar = |field: &SchemaRef| {
        !matches!(
            schema_walk::resolve(api, field).map(|s| &s.kind),
            Some(SchemaKind::Array { .. } | SchemaKind::Object { .. })
        )
    };
    if let Some((path, _, _)) =
        fields.iter().find(|(_, name, field)| normalized(name) == wanted && scalar(field))
    {
        return Some(path.clone());
    }
    TOKEN_FIELDS.iter().find_map(|known| {
        fields
            .iter()
            .find(|(_, name, field)| normalized(name) == *known && scalar(field))
            .map(|(path, _, _)| path.clone())
    })
}

/// A success response header carrying the next token or cursor (`x-next-token`,
/// `X-Continuation`).
fn token_header(operation: &Operation) -> Option<String> {
    operation
        .success_responses()
        .flat_map(|r| &r.headers)
        .map(|h| &h.name)
        .find(|name| {
            let n = normalized(name);
            (n.contains("token") && (n.contains("next") || n.contains("page")))
                || n.contains("cursor")
                || n.contains("continuation")
        })
        .cloned()
}

/// Whether the response has a `has_more`-style boolean.
fn has_more_flag(api: &Api, schema: &SchemaRef) -> bool {
    schema_walk::fields(api, schema, 2).iter().any(|(_, name, _)| {
        matches!(normalized(name).as_str(), "hasmore" | "more" | "hasnextpage" | "hasnext")
    })
}

/// A string field carrying the next page's URL.
fn next_url_path(api: &Api, schema: &SchemaRef) -> Option<String> {
    let fields = schema_walk::fields(api, schema, 3);
    NEXT_URL_FIELDS.iter().find_map(|known| {
        fields
            .iter()
            .find(|(_, name, field)| {
                normalized(name) == *known
                    && matches!(
                        schema_walk::resolve(api, field).map(|s| &s.kind),
                        Some(SchemaKind::String { .. })
                    )
            })
            .map(|(path, _, _)| path.clone())
    })
}
