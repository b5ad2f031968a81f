//! Pagination per operation, read from what the spec documents: vendor extensions
//! (`x-ms-pageable`, `x-dropshot-pagination`), the fields of the success answer (a next token or
//! cursor at any depth, a next-page URL or URI, a `has_more` flag, totals), a documented `Link`
//! header, and the request parameters with their descriptions.
//!
//! When an answer documents several ways forward, the one that needs the least arithmetic on
//! the client wins: a next token the answer hands out for a request parameter, then a next-page
//! URL, then a `Link` header, then keyset (the last item's key), then a page number or an
//! offset. Writes (`POST`, `PUT`, `PATCH`, `DELETE`) page only when a vendor extension says so
//! or the answer hands out a next token for one of their parameters. A pagination read from a
//! parameter name alone, with nothing in its description or in the answer to confirm it, is
//! kept but marked [`Pagination::guessed`].

mod answer;
mod names;
mod request;

use serde::{Deserialize, Serialize};

use self::answer::{Answer, Field, holds_objects, path_text};
use self::names::{
    ParamRole, mentions_link_header, mentions_word, speaks_of_paging, speaks_of_time,
};
use self::request::{RequestField, page_size, request_fields};
use super::schema_walk::{self, normalized};
use crate::model::{Api, HttpMethod, Operation, SchemaRef};

/// How an operation's pages are chained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationStyle {
    /// An opaque token from the response goes into the next request (`NextToken`).
    NextToken,
    /// A cursor from the response goes into the next request (`cursor`).
    Cursor,
    /// A field of the last item (its `id`) goes into the next request (`starting_after`).
    Keyset,
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
    /// The request parameter (or body field) that carries the token / cursor / key / offset /
    /// page. `None` for `link_header` and `next_url`, which follow URLs.
    pub request_param: Option<String>,
    /// Where `request_param` goes.
    pub request_location: Option<RequestLocation>,
    /// Path of the next token / cursor / URL in the response body: dotted
    /// (`payload.NextToken`), or a JSON pointer when a key holds a dot (`/@odata.nextLink`).
    pub response_path: Option<String>,
    /// The response header carrying the next link or URL (`Link`, `Next-Page`).
    pub header: Option<String>,
    /// Dotted path of the items array in the response body: `""` when the body is the array
    /// itself, `None` when unknown.
    pub items_path: Option<String>,
    /// The page-size parameter, if any (`limit`, `per_page`, `MaxResultsPerPage`).
    pub limit_param: Option<String>,
    /// The page size to send in `limit_param`: the spec's default for it, else its maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u64>,
    /// The key inside one item that the keyset style sends back (`id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_field: Option<String>,
    /// The first page number of the page style, when it is not 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_page: Option<u64>,
    /// Path of a boolean in the body saying whether more pages follow (`has_more`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<String>,
    /// Path of the total number of items in the body (`total_count`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<String>,
    /// Path of the number of pages in the body (`total_pages`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<String>,
    /// Why this is a guess, when nothing but a parameter name shows it: no description of the
    /// parameter speaks of paging and nothing in the answer carries a next value, a total or a
    /// flag. Such a pagination should be confirmed by a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guessed: Option<String>,
}

impl Pagination {
    fn new(style: PaginationStyle, items_path: String) -> Self {
        Self {
            style,
            request_param: None,
            request_location: None,
            response_path: None,
            header: None,
            items_path: Some(items_path),
            limit_param: None,
            page_size: None,
            item_field: None,
            first_page: None,
            has_more: None,
            total_items: None,
            total_pages: None,
            guessed: None,
        }
    }

    fn with_param(mut self, field: &RequestField<'_>) -> Self {
        self.request_param = Some(field.name.to_string());
        self.request_location = Some(field.location);
        self
    }
}

/// Detects how `operation` paginates, if it does.
pub(crate) fn detect(api: &Api, operation: &Operation) -> Option<Pagination> {
    let body = success_schema(api, operation);
    let answer = body.map(|schema| Answer::read(api, schema)).unwrap_or_default();
    if let Some(declared) = from_extensions(api, operation, &answer) {
        return declared;
    }
    let items = items_path(&answer, &operation.path)?;
    let fields = request_fields(api, operation);
    let read = matches!(operation.method, HttpMethod::Get);

    if !read {
        // A write pages only as a search by POST: a parameter named as a token or cursor, whose
        // next value the answer hands out. Repeating a PUT, PATCH or DELETE never pages.
        if operation.method != HttpMethod::Post {
            return None;
        }
        let tokens: Vec<RequestField<'_>> = fields
            .into_iter()
            .filter(|f| matches!(f.role(), Some(ParamRole::Token | ParamRole::After)))
            .collect();
        return next_token(&answer, &tokens, operation, items)
            .filter(|p| p.response_path.is_some())
            .map(|mut found| {
                add_stop_fields(&mut found, &answer);
                if let Some((param, size)) =
                    page_size(&request_fields(api, operation), found.request_location)
                {
                    found.limit_param = Some(param.to_string());
                    found.page_size = size;
                }
                found
            });
    }
    let mut found = next_token(&answer, &fields, operation, items.clone());
    found = found
        .or_else(|| next_url(&answer, items.clone()))
        .or_else(|| link_header(operation, &fields, items.clone()))
        .or_else(|| keyset(api, &answer, &fields, items.clone(), false))
        .or_else(|| numbered(&answer, &fields, items.clone()))
        .or_else(|| keyset(api, &answer, &fields, items, true));
    let mut found = found?;
    add_stop_fields(&mut found, &answer);
    if found.limit_param.is_none()
        && let Some((param, size)) = page_size(&fields, found.request_location)
    {
        found.limit_param = Some(param.to_string());
        found.page_size = size;
    }
    Some(found)
}

/// The items path: `""` for an array body, else the best array field.
fn items_path(answer: &Answer<'_>, operation_path: &str) -> Option<String> {
    if answer.is_array {
        return Some(String::new());
    }
    answer.items(operation_path).map(Field::path_text)
}

/// A token the answer hands out for a request parameter (at any depth of the body, or in a
/// response header).
fn next_token(
    answer: &Answer<'_>,
    fields: &[RequestField<'_>],
    operation: &Operation,
    items: String,
) -> Option<Pagination> {
    let mut best: Option<(u32, &RequestField<'_>, &Field<'_>)> = None;
    for field in fields {
        // A date or time is a filter, not a cursor; a token may mention times ("sorted by
        // creation time") and stays a token.
        let token = field.role() == Some(ParamRole::Token);
        if field.is_time()
            || (!token && field.description.is_some_and(speaks_of_time))
            || field.description.is_some_and(names::reserved)
        {
            continue;
        }
        let opaque = matches!(field.role(), Some(ParamRole::Token | ParamRole::After));
        if let Some((score, next)) =
            answer.token_for(field.name, field.description, field.is_text(), field.role())
        {
            let better = best.as_ref().is_none_or(|(b, current, _)| {
                score > *b || (score == *b && opaque && current.role() != Some(ParamRole::Token))
            });
            if better {
                best = Some((score, field, next));
            }
        }
    }
    if let Some((_, field, next)) = best {
        let mut found = Pagination::new(token_style(field.name), items).with_param(field);
        found.response_path = Some(next.path_text());
        return Some(found);
    }
    header_token(fields, operation, items)
}

/// A token parameter whose next value comes in a response header (`x-ms-continuation`).
fn header_token(
    fields: &[RequestField<'_>],
    operation: &Operation,
    items: String,
) -> Option<Pagination> {
    let header = token_header(operation)?;
    let field = fields.iter().find(|f| f.role() == Some(ParamRole::Token))?;
    let mut found = Pagination::new(token_style(field.name), items).with_param(field);
    found.header = Some(header.to_string());
    Some(found)
}

fn token_style(param: &str) -> PaginationStyle {
    if normalized(param).contains("cursor") {
        PaginationStyle::Cursor
    } else {
        PaginationStyle::NextToken
    }
}

/// A success response header carrying the next token or cursor (`x-next-token`).
fn token_header(operation: &Operation) -> Option<&str> {
    operation.success_responses().flat_map(|r| &r.headers).map(|h| h.name.as_str()).find(|name| {
        let n = normalized(name);
        (n.contains("token") && (n.contains("next") || n.contains("page")))
            || n.contains("cursor")
            || n.contains("continuation")
    })
}

/// The next page's URL in the body, or in a `Next-Page`-style header.
fn next_url(answer: &Answer<'_>, items: String) -> Option<Pagination> {
    if let Some(field) = answer.next_url() {
        let mut found = Pagination::new(PaginationStyle::NextUrl, items);
        found.response_path = Some(field.path_text());
        return Some(found);
    }
    None
}

/// A documented `Link` header (on the answer, or in the operation's or a parameter's text), or
/// a `Next-Page`-style header with the next URL.
fn link_header(
    operation: &Operation,
    fields: &[RequestField<'_>],
    items: String,
) -> Option<Pagination> {
    let headers = || operation.success_responses().flat_map(|r| &r.headers);
    let documented = headers().any(|h| h.name.eq_ignore_ascii_case("link"))
        || [operation.description.as_deref(), operation.summary.as_deref()]
            .into_iter()
            .flatten()
            .chain(fields.iter().filter_map(|f| f.description))
            .chain(operation.success_responses().filter_map(|r| r.description.as_deref()))
            .any(mentions_link_header);
    if documented {
        let mut found = Pagination::new(PaginationStyle::LinkHeader, items);
        found.header = Some("Link".to_string());
        return Some(found);
    }
    const NEXT_URL_HEADERS: &[&str] = &["nextpage", "xnextpage", "xnextpageurl", "xnext"];
    let header = headers().find(|h| NEXT_URL_HEADERS.contains(&normalized(&h.name).as_str()))?;
    let mut found = Pagination::new(PaginationStyle::NextUrl, items);
    found.header = Some(header.name.clone());
    Some(found)
}

/// Keyset: a parameter continuing after a key (`starting_after`, `max_id`, or a parameter
/// whose description names a field of the items: "List person groups from the least
/// personGroupId greater than the start"), the key being that field of the last item (its `id`
/// by default). Documented (an end-of-list flag, or a description of the parameter) or, with
/// `guess`, from the name alone.
fn keyset(
    api: &Api,
    answer: &Answer<'_>,
    fields: &[RequestField<'_>],
    items: String,
    guess: bool,
) -> Option<Pagination> {
    let keys = item_keys(api, answer, &items)?;
    let not_time =
        |f: &&RequestField<'_>| !f.is_time() && !f.description.is_some_and(speaks_of_time);
    // A parameter whose description names a field of the items, the one it continues after.
    let named = fields.iter().filter(not_time).find_map(|f| {
        let role = f.role();
        let after_like = matches!(role, Some(ParamRole::After))
            || (matches!(role, Some(ParamRole::Offset)) && f.is_text());
        let d = f.description?;
        let key = keys.iter().find(|k| names::is_identifier(k) && mentions_word(d, k))?;
        (after_like && d.to_ascii_lowercase().contains("greater than")
            || role == Some(ParamRole::After))
        .then(|| (f, key.clone()))
    });
    let (field, key) = match named {
        Some(found) => found,
        None => {
            let field =
                fields.iter().filter(not_time).find(|f| f.role() == Some(ParamRole::After))?;
            let key = keys.iter().find(|k| normalized(k) == "id" || k.ends_with(".id"))?.clone();
            (field, key)
        }
    };
    let described = field.description.is_some_and(|d| {
        mentions_word(d, &key) || {
            let d = d.to_ascii_lowercase();
            ["cursor", "object", "identifier", "older", "newer", "key", " id"]
                .iter()
                .any(|w| d.contains(w))
        }
    });
    let documented = described || answer.has_more().is_some();
    if !documented && !guess {
        return None;
    }
    let mut found = Pagination::new(PaginationStyle::Keyset, items).with_param(field);
    found.item_field = Some(key);
    if !documented {
        found.guessed = Some(name_only(field));
    }
    Some(found)
}

/// The scalar fields of an item that can key it: its own (`id`, `personGroupId`), or, when it
/// wraps one object, that object's `id` (`data.id`). Items that are a choice of objects key by
/// the fields every variant has.
fn item_keys(api: &Api, answer: &Answer<'_>, items: &str) -> Option<Vec<String>> {
    let schema: &SchemaRef = if items.is_empty() {
        answer.root_items?
    } else {
        answer.fields.iter().find(|f| f.path_text() == items)?.items?
    };
    if !holds_objects(api, schema) {
        return None;
    }
    let mut keys: Vec<String> =
        object_fields(api, schema).into_iter().map(str::to_string).collect();
    if !keys.iter().any(|k| normalized(k) == "id") {
        let wrapped: Vec<(&str, &SchemaRef)> = schema_walk::properties(api, schema)
            .into_iter()
            .filter(|(_, p)| holds_objects(api, p) || !schema_walk::properties(api, p).is_empty())
            .collect();
        if let [(name, inner)] = wrapped.as_slice()
            && let Some(id) = object_fields(api, inner).into_iter().find(|k| normalized(k) == "id")
        {
            keys.push(format!("{name}.{id}"));
        }
    }
    Some(keys)
}

/// The property names of an object schema, or those every variant of a choice has.
fn object_fields<'a>(api: &'a Api, schema: &'a SchemaRef) -> Vec<&'a str> {
    let own: Vec<&str> = schema_walk::properties(api, schema).into_iter().map(|(n, _)| n).collect();
    if !own.is_empty() {
        return own;
    }
    let variants = match schema_walk::resolve(api, schema).map(|s| &s.kind) {
        Some(
            crate::model::SchemaKind::OneOf { variants, .. }
            | crate::model::SchemaKind::AnyOf { variants, .. },
        ) => variants,
        _ => return Vec::new(),
    };
    let mut common: Option<Vec<&str>> = None;
    for variant in variants {
        let names: Vec<&str> =
            schema_walk::properties(api, variant).into_iter().map(|(n, _)| n).collect();
        common = Some(match common {
            None => names,
            Some(previous) => previous.into_iter().filter(|n| names.contains(n)).collect(),
        });
    }
    common.unwrap_or_default()
}

/// A page number or an offset.
fn numbered(answer: &Answer<'_>, fields: &[RequestField<'_>], items: String) -> Option<Pagination> {
    let opaque = |f: &RequestField<'_>| {
        f.description.is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            d.contains("cursor") || d.contains("token") || d.contains("opaque")
        })
    };
    let usable = |f: &&RequestField<'_>, role: ParamRole| {
        f.role() == Some(role)
            && !f.is_time()
            && !f.description.is_some_and(speaks_of_time)
            && (f.is_numeric_or_untyped() || !opaque(f))
    };
    let page = fields.iter().find(|f| usable(f, ParamRole::Page));
    let offset = fields.iter().find(|f| usable(f, ParamRole::Offset));
    let described = |f: &RequestField<'_>| f.description.is_some_and(speaks_of_paging);
    let (field, style) = match (page, offset) {
        (Some(p), Some(o)) if described(o) && !described(p) => (o, PaginationStyle::Offset),
        (Some(p), _) => (p, PaginationStyle::Page),
        (None, Some(o)) => (o, PaginationStyle::Offset),
        (None, None) => return None,
    };
    let mut found = Pagination::new(style, items).with_param(field);
    if style == PaginationStyle::Page {
        found.first_page = Some(field.first_page()).filter(|first| *first != 1);
    }
    let size_described = page_size(fields, Some(field.location)).is_some_and(|(name, _)| {
        fields.iter().any(|f| f.name == name && f.description.is_some_and(speaks_of_paging))
    });
    if !(described(field) || size_described || answer.speaks_of_paging()) {
        found.guessed = Some(name_only(field));
    }
    Some(found)
}

fn name_only(field: &RequestField<'_>) -> String {
    format!(
        "read from the name of the parameter `{}` alone: neither its description nor the \
         answer documents how the operation pages",
        field.name
    )
}

/// The `has_more` flag and totals, where the style can use them.
fn add_stop_fields(found: &mut Pagination, answer: &Answer<'_>) {
    found.has_more = answer.has_more().map(Field::path_text);
    match found.style {
        PaginationStyle::Offset => found.total_items = answer.total_items().map(Field::path_text),
        PaginationStyle::Page => found.total_pages = answer.total_pages().map(Field::path_text),
        _ => {}
    }
}

/// Vendor extensions that declare pagination: `x-dropshot-pagination` (Oxide) and
/// `x-ms-pageable` (Azure / AutoRest; without a `nextLinkName` it declares one page only).
/// `Some(None)` means the extension says the operation does not page.
fn from_extensions(
    api: &Api,
    operation: &Operation,
    answer: &Answer<'_>,
) -> Option<Option<Pagination>> {
    if operation.extensions.contains_key("x-dropshot-pagination") {
        let token = operation
            .parameters
            .iter()
            .find(|p| normalized(&p.name) == "pagetoken")
            .map_or_else(|| "page_token".to_string(), |p| p.name.clone());
        let items = items_path(answer, &operation.path).unwrap_or_else(|| "items".to_string());
        let mut found = Pagination::new(PaginationStyle::NextToken, items);
        found.request_param = Some(token.clone());
        found.request_location = Some(RequestLocation::Query);
        found.response_path = Some(
            answer
                .token_for(&token, None, true, Some(ParamRole::Token))
                .map_or_else(|| "next_page".to_string(), |(_, f)| f.path_text()),
        );
        if let Some((param, size)) =
            page_size(&request_fields(api, operation), Some(RequestLocation::Query))
        {
            found.limit_param = Some(param.to_string());
            found.page_size = size;
        }
        return Some(Some(found));
    }
    let pageable = operation.extensions.get("x-ms-pageable")?.as_object()?;
    let items = pageable.get("itemName").and_then(|v| v.as_str()).unwrap_or("value");
    let Some(next) = pageable.get("nextLinkName").and_then(|v| v.as_str()) else {
        // No next link in the body: one page, unless a response header hands out the
        // continuation token a parameter takes (Azure Storage's `x-ms-continuation`).
        let fields = request_fields(api, operation);
        return Some(header_token(&fields, operation, path_text(&[items])).map(|mut found| {
            if let Some((param, size)) = page_size(&fields, found.request_location) {
                found.limit_param = Some(param.to_string());
                found.page_size = size;
            }
            found
        }));
    };
    let mut found = Pagination::new(PaginationStyle::NextUrl, path_text(&[items]));
    found.response_path = Some(path_text(&[next]));
    Some(Some(found))
}

/// The JSON schema of the first successful response (200 preferred).
pub(crate) fn success_schema<'a>(api: &Api, operation: &'a Operation) -> Option<&'a SchemaRef> {
    let mut responses: Vec<_> = operation.success_responses().collect();
    responses.sort_by_key(|r| r.status != crate::model::StatusCode::Code(200));
    responses.into_iter().find_map(|r| r.json_schema(api))
}
