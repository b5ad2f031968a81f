//! [`Pagination`]: how an operation pages, as plain serializable data.

use serde::{Deserialize, Serialize};

use super::path::JsonPath;
use crate::error::{Error, ErrorKind};

/// How one operation pages: the style, where the items are, and optional limits.
///
/// It is plain data, (de)serializable, because it is stored in `connector.toml` overrides and
/// in analysis JSON. The style's fields sit beside the others:
///
/// ```json
/// {"style": "next_token", "request_param": "NextToken",
///  "source": {"body": "payload.NextToken"}, "items_path": "payload.Orders"}
/// ```
///
/// Build one with the constructors ([`Pagination::next_token`], [`Pagination::offset`], ...)
/// and the `with_*` methods; run it with [`Pagination::items`] or [`Pagination::pages`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    /// The paging style and its parameters.
    #[serde(flatten)]
    pub style: PageStyle,
    /// Where the items are in the body, dotted (`payload.Orders`, `data[0].items`) or as a
    /// JSON pointer (`/payload/Orders`); `None` when the body is the array itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items_path: Option<String>,
    /// Allows next-page URLs on another origin than the first page's (off by default: the
    /// client's credentials must not follow a link to a foreign host).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_cross_origin: bool,
    /// Stop after this many pages (counted from the very first page, across resumptions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u64>,
    /// Stop after this many items (counted from the very first item, across resumptions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u64>,
    /// A boolean of the body that says whether more pages follow (`has_more`,
    /// `meta.pagination.hasNextPage`): `false` ends the pagination in every style; `true`, a
    /// missing field or `null` leave the decision to the style.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<String>,
    /// The total number of items, a number of the body (`total`, `meta.total_count`): the
    /// offset style stops once the next offset reaches it instead of asking for an empty page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<String>,
    /// The number of pages, a number of the body (`total_pages`, `meta.pagination.pages`): the
    /// page style stops after that page instead of asking for an empty one (APIs that answer
    /// a page number past the end with the last page again need it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<String>,
    /// The page size to ask for, for the styles without size fields of their own (next token,
    /// cursor, keyset, `Link` header, next URL; it is also the fallback of the offset and page
    /// styles): sent on every request built from parameters, unless the caller's request
    /// carries that parameter already. Some APIs only page when it is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<PageSize>,
}

/// A page-size parameter and the size to ask for (`{ param = "limit", size = 100 }`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PageSize {
    /// The parameter (`limit`, `per_page`, `MaxResults`).
    pub param: String,
    /// The size to ask for (at least 1).
    pub size: u64,
}

/// A pagination style.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "style", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PageStyle {
    /// The response carries an opaque token for the next page, sent back as `request_param`;
    /// no token (missing, null or empty) means the last page.
    NextToken {
        /// The request parameter that carries the token (`NextToken`).
        request_param: String,
        /// Where the response carries the token.
        source: TokenSource,
        /// Where the parameter goes (default: the query).
        #[serde(default, skip_serializing_if = "ParamLocation::is_query")]
        param_in: ParamLocation,
    },
    /// Like [`PageStyle::NextToken`], named after APIs that call it a cursor.
    Cursor {
        /// The request parameter that carries the cursor (`cursor`).
        request_param: String,
        /// Where the response carries the next cursor.
        source: TokenSource,
        /// Where the parameter goes (default: the query).
        #[serde(default, skip_serializing_if = "ParamLocation::is_query")]
        param_in: ParamLocation,
    },
    /// `offset_param` counts items from 0 and grows by the number of items received; an
    /// empty page is the end.
    Offset {
        /// The offset parameter (`offset`).
        offset_param: String,
        /// The page size parameter (`limit`), sent on every request when `limit` is set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit_param: Option<String>,
        /// The page size to ask for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u64>,
        /// Where the parameters go (default: the query).
        #[serde(default, skip_serializing_if = "ParamLocation::is_query")]
        param_in: ParamLocation,
    },
    /// `page_param` numbers pages from `first_page` and grows by one; an empty page is the end.
    Page {
        /// The page number parameter (`page`).
        page_param: String,
        /// The number of the first page (usually 1, sometimes 0).
        #[serde(default = "first_page_default")]
        first_page: u64,
        /// The page size parameter (`per_page`), sent on every request when `size` is set.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size_param: Option<String>,
        /// The page size to ask for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<u64>,
        /// Where the parameters go (default: the query).
        #[serde(default, skip_serializing_if = "ParamLocation::is_query")]
        param_in: ParamLocation,
    },
    /// Keyset (seek) pagination: the next request sends a field of the last item of the page
    /// (`id`) as `request_param` (`starting_after`, `after`); an empty page, or a
    /// [`Pagination::has_more`] flag that is `false`, is the end.
    Keyset {
        /// The request parameter that carries the last item's key (`starting_after`).
        request_param: String,
        /// The key's path inside one item, dotted or a JSON pointer (default `id`).
        #[serde(default = "item_field_default")]
        item_field: String,
        /// Where the parameter goes (default: the query).
        #[serde(default, skip_serializing_if = "ParamLocation::is_query")]
        param_in: ParamLocation,
    },
    /// RFC 8288 `Link` header with `rel="next"`, resolved against the page's URL.
    LinkHeader,
    /// A URL of the next page in the body or in a header (Kinto's `Next-Page`), absolute or
    /// relative to the page's URL; none (missing, null or empty) means the last page.
    NextUrl {
        /// Where the response carries the URL.
        source: TokenSource,
    },
}

fn first_page_default() -> u64 {
    1
}

fn item_field_default() -> String {
    "id".to_string()
}

/// Where a response carries the next token or URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenSource {
    /// A field of the JSON body, dotted (`payload.NextToken`) or a JSON pointer.
    Body(String),
    /// A response header (`Next-Page`, `x-next-token`), case-insensitive.
    Header(String),
}

impl TokenSource {
    /// A field of the JSON body (`payload.NextToken`).
    pub fn body(path: impl Into<String>) -> Self {
        Self::Body(path.into())
    }

    /// A response header (`Next-Page`).
    pub fn header(name: impl Into<String>) -> Self {
        Self::Header(name.into())
    }
}

/// Where the paging parameters of a request go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// The query string (replacing a parameter of the same name).
    #[default]
    Query,
    /// A top-level field of the JSON request body (search endpoints that page by POST).
    Body,
    /// A request header (APIs that take the page token in a header, `X-Cursor`).
    Header,
}

impl ParamLocation {
    /// True for [`ParamLocation::Query`].
    pub fn is_query(&self) -> bool {
        *self == Self::Query
    }
}

impl Pagination {
    /// A descriptor of `style` with the items being the whole body and no limits.
    pub fn new(style: PageStyle) -> Self {
        Self {
            style,
            items_path: None,
            allow_cross_origin: false,
            max_pages: None,
            max_items: None,
            has_more: None,
            total_items: None,
            total_pages: None,
            page_size: None,
        }
    }

    /// [`PageStyle::NextToken`]: the token from `source` is sent back as `request_param`.
    pub fn next_token(request_param: impl Into<String>, source: TokenSource) -> Self {
        Self::new(PageStyle::NextToken {
            request_param: request_param.into(),
            source,
            param_in: ParamLocation::Query,
        })
    }

    /// [`PageStyle::Cursor`]: the cursor from `source` is sent back as `request_param`.
    pub fn cursor(request_param: impl Into<String>, source: TokenSource) -> Self {
        Self::new(PageStyle::Cursor {
            request_param: request_param.into(),
            source,
            param_in: ParamLocation::Query,
        })
    }

    /// [`PageStyle::Offset`] with the offset parameter only; add a page size with
    /// [`Pagination::with_page_size`].
    pub fn offset(offset_param: impl Into<String>) -> Self {
        Self::new(PageStyle::Offset {
            offset_param: offset_param.into(),
            limit_param: None,
            limit: None,
            param_in: ParamLocation::Query,
        })
    }

    /// [`PageStyle::Page`] numbered from `first_page`; add a page size with
    /// [`Pagination::with_page_size`].
    pub fn page(page_param: impl Into<String>, first_page: u64) -> Self {
        Self::new(PageStyle::Page {
            page_param: page_param.into(),
            first_page,
            size_param: None,
            size: None,
            param_in: ParamLocation::Query,
        })
    }

    /// [`PageStyle::Keyset`]: the `item_field` of the last item (`id`) is sent as
    /// `request_param` (`starting_after`); add the end-of-list flag with
    /// [`Pagination::with_has_more`].
    pub fn keyset(request_param: impl Into<String>, item_field: impl Into<String>) -> Self {
        Self::new(PageStyle::Keyset {
            request_param: request_param.into(),
            item_field: item_field.into(),
            param_in: ParamLocation::Query,
        })
    }

    /// [`PageStyle::LinkHeader`].
    pub fn link_header() -> Self {
        Self::new(PageStyle::LinkHeader)
    }

    /// [`PageStyle::NextUrl`]: the next page's URL comes from `source`.
    pub fn next_url(source: TokenSource) -> Self {
        Self::new(PageStyle::NextUrl { source })
    }

    /// Sets where the items are (`payload.Orders`); without it the body is the array.
    #[must_use]
    pub fn with_items_path(mut self, path: impl Into<String>) -> Self {
        self.items_path = Some(path.into());
        self
    }

    /// Sets the page size parameter and the size to ask for: the offset and page styles' own
    /// fields, [`Pagination::page_size`] for the others. The caller's own value of that
    /// parameter, when the request has one, wins.
    #[must_use]
    pub fn with_page_size(mut self, param: impl Into<String>, size: u64) -> Self {
        match &mut self.style {
            PageStyle::Offset { limit_param, limit, .. } => {
                *limit_param = Some(param.into());
                *limit = Some(size);
            }
            PageStyle::Page { size_param, size: page_size, .. } => {
                *size_param = Some(param.into());
                *page_size = Some(size);
            }
            _ => self.page_size = Some(PageSize { param: param.into(), size }),
        }
        self
    }

    /// Sets the body's boolean that says whether more pages follow (`has_more`).
    #[must_use]
    pub fn with_has_more(mut self, path: impl Into<String>) -> Self {
        self.has_more = Some(path.into());
        self
    }

    /// Sets the body's total number of items (`total_count`), for the offset style.
    #[must_use]
    pub fn with_total_items(mut self, path: impl Into<String>) -> Self {
        self.total_items = Some(path.into());
        self
    }

    /// Sets the body's number of pages (`total_pages`), for the page style.
    #[must_use]
    pub fn with_total_pages(mut self, path: impl Into<String>) -> Self {
        self.total_pages = Some(path.into());
        self
    }

    /// The page-size parameter and size to send, if known: the offset and page styles' own
    /// fields first, then [`Pagination::page_size`].
    pub fn effective_page_size(&self) -> Option<PageSize> {
        let own = match &self.style {
            PageStyle::Offset { limit_param: Some(param), limit: Some(size), .. }
            | PageStyle::Page { size_param: Some(param), size: Some(size), .. } => {
                Some(PageSize { param: param.clone(), size: *size })
            }
            _ => None,
        };
        own.or_else(|| self.page_size.clone())
    }

    /// Where the style's parameters go (the query for the styles that follow URLs).
    pub fn params_in(&self) -> ParamLocation {
        match &self.style {
            PageStyle::NextToken { param_in, .. }
            | PageStyle::Cursor { param_in, .. }
            | PageStyle::Offset { param_in, .. }
            | PageStyle::Page { param_in, .. }
            | PageStyle::Keyset { param_in, .. } => *param_in,
            PageStyle::LinkHeader | PageStyle::NextUrl { .. } => ParamLocation::Query,
        }
    }

    /// Sends the paging parameters in the JSON body instead of the query.
    #[must_use]
    pub fn with_params_in(mut self, location: ParamLocation) -> Self {
        match &mut self.style {
            PageStyle::NextToken { param_in, .. }
            | PageStyle::Cursor { param_in, .. }
            | PageStyle::Offset { param_in, .. }
            | PageStyle::Page { param_in, .. }
            | PageStyle::Keyset { param_in, .. } => *param_in = location,
            PageStyle::LinkHeader | PageStyle::NextUrl { .. } => {}
        }
        self
    }

    /// Allows (or forbids) next-page URLs on another origin.
    #[must_use]
    pub fn with_cross_origin(mut self, allow: bool) -> Self {
        self.allow_cross_origin = allow;
        self
    }

    /// Stops after `pages` pages.
    #[must_use]
    pub fn with_max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Stops after `items` items.
    #[must_use]
    pub fn with_max_items(mut self, items: u64) -> Self {
        self.max_items = Some(items);
        self
    }

    /// Where the body carries the next token or URL, if it does.
    pub(crate) fn body_token_path(&self) -> Option<&str> {
        match &self.style {
            PageStyle::NextToken { source: TokenSource::Body(path), .. }
            | PageStyle::Cursor { source: TokenSource::Body(path), .. }
            | PageStyle::NextUrl { source: TokenSource::Body(path) } => Some(path),
            _ => None,
        }
    }

    /// The body fields the engine reads besides the items: the next token or URL, the
    /// `has_more` flag and the totals, each with what it is (for messages).
    pub(crate) fn body_fields(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        if let Some(path) = self.body_token_path() {
            out.push(("token", path));
        }
        for (what, path) in [
            ("has_more", &self.has_more),
            ("total_items", &self.total_items),
            ("total_pages", &self.total_pages),
        ] {
            if let Some(path) = path {
                out.push((what, path.as_str()));
            }
        }
        out
    }

    /// Checks the descriptor: paths parse, parameter names are not empty, sizes are not 0,
    /// and no field the engine reads (token, `has_more`, totals) is expected inside the items
    /// or at the place of another.
    ///
    /// # Errors
    ///
    /// An [`Error`] of kind [`Request`](ErrorKind::Request) saying what is wrong.
    pub fn validate(&self) -> Result<(), Error> {
        let invalid = |why: String| Err(Error::new(ErrorKind::Request, why));
        self.validate_body_fields()?;
        let mut names = self.request_names()?;
        if let Some(page_size) = &self.page_size {
            if page_size.size == 0 {
                return invalid("pagination page size must be at least 1".to_string());
            }
            names.push(&page_size.param);
        }
        if names.iter().any(|name| name.trim().is_empty()) {
            return invalid("pagination parameter or header name is empty".to_string());
        }
        if self.params_in() == ParamLocation::Header
            && let Some(bad) =
                names.iter().find(|name| http::HeaderName::from_bytes(name.as_bytes()).is_err())
        {
            return invalid(format!(
                "pagination header parameter `{bad}` is not a valid header name"
            ));
        }
        if let PageStyle::NextToken { source: TokenSource::Header(h), .. }
        | PageStyle::Cursor { source: TokenSource::Header(h), .. }
        | PageStyle::NextUrl { source: TokenSource::Header(h) } = &self.style
            && http::HeaderName::from_bytes(h.as_bytes()).is_err()
        {
            return invalid(format!("pagination header `{h}` is not a valid header name"));
        }
        Ok(())
    }

    /// Checks the body fields the engine reads: each parses, is not the whole body, does not
    /// overlap the items, and no two read the same field.
    fn validate_body_fields(&self) -> Result<(), Error> {
        let invalid = |why: String| Err(Error::new(ErrorKind::Request, why));
        let items = JsonPath::parse_optional(self.items_path.as_deref())?;
        let mut seen: Vec<(&str, JsonPath)> = Vec::new();
        for (what, path) in self.body_fields() {
            let parsed = JsonPath::parse(path)?;
            if parsed.is_root() {
                return invalid(format!("pagination {what} path `{path}` names the whole body"));
            }
            if parsed.starts_with(&items) || items.starts_with(&parsed) {
                return invalid(format!(
                    "pagination {what} path `{path}` overlaps the items path `{}`",
                    self.items_path.as_deref().unwrap_or("(the whole body)")
                ));
            }
            if let Some((other, _)) = seen.iter().find(|(_, p)| *p == parsed) {
                return invalid(format!("pagination {what} and {other} both read `{path}`"));
            }
            seen.push((what, parsed));
        }
        Ok(())
    }

    /// The request parameters and response headers the style names, after checking the
    /// style's own sizes and item field.
    fn request_names(&self) -> Result<Vec<&str>, Error> {
        let invalid = |why: String| Err(Error::new(ErrorKind::Request, why));
        let names: Vec<&str> = match &self.style {
            PageStyle::NextToken { request_param, source, .. }
            | PageStyle::Cursor { request_param, source, .. } => {
                let mut names = vec![request_param.as_str()];
                if let TokenSource::Header(header) = source {
                    names.push(header);
                }
                names
            }
            PageStyle::Offset { offset_param, limit_param, limit, .. } => {
                if *limit == Some(0) {
                    return invalid("pagination limit must be at least 1".to_string());
                }
                [Some(offset_param.as_str()), limit_param.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect()
            }
            PageStyle::Page { page_param, size_param, size, .. } => {
                if *size == Some(0) {
                    return invalid("pagination page size must be at least 1".to_string());
                }
                [Some(page_param.as_str()), size_param.as_deref()].into_iter().flatten().collect()
            }
            PageStyle::Keyset { request_param, item_field, .. } => {
                if JsonPath::parse(item_field)?.is_root() {
                    return invalid(format!(
                        "pagination item_field `{item_field}` names the whole item"
                    ));
                }
                vec![request_param.as_str()]
            }
            PageStyle::NextUrl { source: TokenSource::Header(header) } => vec![header.as_str()],
            PageStyle::NextUrl { .. } | PageStyle::LinkHeader => Vec::new(),
        };
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_flat_and_round_trips() {
        let p = Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
            .with_items_path("payload.Orders");
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "style": "next_token",
                "request_param": "NextToken",
                "source": {"body": "payload.NextToken"},
                "items_path": "payload.Orders"
            })
        );
        let back: Pagination = serde_json::from_value(json).unwrap();
        assert_eq!(back, p);

        for p in [
            Pagination::cursor("cursor", TokenSource::header("X-Cursor")).with_max_items(5),
            Pagination::offset("offset").with_page_size("limit", 50).with_cross_origin(true),
            Pagination::page("page", 0).with_page_size("per_page", 20).with_max_pages(3),
            Pagination::link_header(),
            Pagination::next_url(TokenSource::header("Next-Page")).with_items_path("data"),
            Pagination::next_token("token", TokenSource::body("next"))
                .with_params_in(ParamLocation::Body),
            Pagination::cursor("X-Cursor", TokenSource::header("X-Cursor"))
                .with_params_in(ParamLocation::Header),
            Pagination::keyset("starting_after", "id")
                .with_has_more("has_more")
                .with_items_path("data")
                .with_page_size("limit", 100),
            Pagination::offset("offset").with_total_items("meta.total"),
            Pagination::page("page", 1).with_total_pages("pages"),
        ] {
            let text = serde_json::to_string(&p).unwrap();
            assert_eq!(serde_json::from_str::<Pagination>(&text).unwrap(), p, "{text}");
        }
    }

    #[test]
    fn keyset_and_the_stop_fields_have_a_flat_shape() {
        let p = Pagination::keyset("starting_after", "id")
            .with_has_more("has_more")
            .with_items_path("data")
            .with_page_size("limit", 100);
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({
                "style": "keyset", "request_param": "starting_after", "item_field": "id",
                "items_path": "data", "has_more": "has_more",
                "page_size": {"param": "limit", "size": 100}
            })
        );
        let p: Pagination =
            serde_json::from_str(r#"{"style":"keyset","request_param":"after"}"#).unwrap();
        assert_eq!(p, Pagination::keyset("after", "id"));
        // The offset and page styles keep their own size fields.
        let p = Pagination::offset("offset").with_page_size("limit", 5);
        assert_eq!(p.page_size, None);
        assert_eq!(p.effective_page_size(), Some(PageSize { param: "limit".to_string(), size: 5 }));
    }

    #[test]
    fn defaults_when_fields_are_left_out() {
        let p: Pagination = serde_json::from_str(r#"{"style":"page","page_param":"p"}"#).unwrap();
        assert_eq!(p, Pagination::page("p", 1));
        let p: Pagination = serde_json::from_str(r#"{"style":"link_header"}"#).unwrap();
        assert_eq!(p, Pagination::link_header());
    }

    #[test]
    fn validation_rejects_inconsistent_descriptors() {
        assert!(Pagination::next_token("t", TokenSource::body("next")).validate().is_err());
        assert!(
            Pagination::next_token("t", TokenSource::body("data.next"))
                .with_items_path("data")
                .validate()
                .is_err()
        );
        assert!(Pagination::offset("").validate().is_err());
        assert!(Pagination::offset("o").with_page_size("l", 0).validate().is_err());
        assert!(Pagination::next_url(TokenSource::header("bad header")).validate().is_err());
        assert!(Pagination::keyset("after", "").validate().is_err());
        assert!(
            Pagination::cursor("bad header", TokenSource::body("next"))
                .with_params_in(ParamLocation::Header)
                .validate()
                .is_err()
        );
        assert!(Pagination::keyset("after", "id").with_page_size("limit", 0).validate().is_err());
        assert!(Pagination::keyset("after", "id").with_page_size(" ", 5).validate().is_err());
        // Flags and totals may not sit in the items or on the token.
        assert!(
            Pagination::keyset("after", "id")
                .with_items_path("data")
                .with_has_more("data.more")
                .validate()
                .is_err()
        );
        assert!(
            Pagination::next_token("t", TokenSource::body("meta.next"))
                .with_items_path("data")
                .with_total_items("meta.next")
                .validate()
                .is_err()
        );
        assert!(
            Pagination::offset("o")
                .with_items_path("rows")
                .with_total_items("meta.total")
                .validate()
                .is_ok()
        );
        assert!(
            Pagination::next_token("t", TokenSource::body("payload.NextToken"))
                .with_items_path("payload.Orders")
                .validate()
                .is_ok()
        );
    }
}
