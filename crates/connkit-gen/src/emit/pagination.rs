//! The runtime's pagination descriptor of an operation, as builder calls
//! (`Pagination::cursor("cursor", TokenSource::body("next")).with_items_path("data")`).

use connkit::paginate::{PageStyle, ParamLocation, TokenSource};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::manifest::Pagination;

/// Builder calls that make the runtime descriptor, or `None` for a style this generator
/// does not know.
pub(crate) fn pagination_tokens(pagination: &Pagination) -> Option<TokenStream> {
    let mut tokens = style_tokens(&pagination.style)?;
    tokens.extend(modifiers(pagination));
    Some(tokens)
}

/// The constructor of the descriptor's style, with its page size and parameter place.
fn style_tokens(style: &PageStyle) -> Option<TokenStream> {
    Some(match style {
        PageStyle::NextToken { request_param, source: s, param_in } => {
            let (s, place) = (source(s), location(param_in));
            quote!(::connkit::paginate::Pagination::next_token(#request_param, #s) #place)
        }
        PageStyle::Cursor { request_param, source: s, param_in } => {
            let (s, place) = (source(s), location(param_in));
            quote!(::connkit::paginate::Pagination::cursor(#request_param, #s) #place)
        }
        PageStyle::Offset { offset_param, limit_param, limit, param_in } => {
            let size = page_size(limit_param.as_deref(), *limit);
            let place = location(param_in);
            quote!(::connkit::paginate::Pagination::offset(#offset_param) #size #place)
        }
        PageStyle::Page { page_param, first_page, size_param, size, param_in } => {
            let size = page_size(size_param.as_deref(), *size);
            let (place, first_page) = (location(param_in), number(*first_page));
            quote!(::connkit::paginate::Pagination::page(#page_param, #first_page) #size #place)
        }
        PageStyle::Keyset { request_param, item_field, param_in } => {
            let place = location(param_in);
            quote!(::connkit::paginate::Pagination::keyset(#request_param, #item_field) #place)
        }
        PageStyle::LinkHeader => quote!(::connkit::paginate::Pagination::link_header()),
        PageStyle::NextUrl { source: s } => {
            let s = source(s);
            quote!(::connkit::paginate::Pagination::next_url(#s))
        }
        _ => return None,
    })
}

/// The descriptor's optional parts: page size, items path, end signals, limits.
fn modifiers(pagination: &Pagination) -> TokenStream {
    let mut tokens = TokenStream::new();
    if let Some(size) = &pagination.page_size {
        let (param, size) = (&size.param, number(size.size));
        tokens.extend(quote!(.with_page_size(#param, #size)));
    }
    let paths = [
        (&pagination.items_path, quote!(with_items_path)),
        (&pagination.has_more, quote!(with_has_more)),
        (&pagination.total_items, quote!(with_total_items)),
        (&pagination.total_pages, quote!(with_total_pages)),
    ];
    for (path, method) in paths {
        if let Some(path) = path {
            tokens.extend(quote!(.#method(#path)));
        }
    }
    if pagination.allow_cross_origin {
        tokens.extend(quote!(.with_cross_origin(true)));
    }
    if let Some(pages) = pagination.max_pages.map(number) {
        tokens.extend(quote!(.with_max_pages(#pages)));
    }
    if let Some(items) = pagination.max_items.map(number) {
        tokens.extend(quote!(.with_max_items(#items)));
    }
    tokens
}

fn source(source: &TokenSource) -> TokenStream {
    match source {
        TokenSource::Body(path) => quote!(::connkit::paginate::TokenSource::body(#path)),
        TokenSource::Header(name) => quote!(::connkit::paginate::TokenSource::header(#name)),
    }
}

fn location(location: &ParamLocation) -> Option<TokenStream> {
    match location {
        ParamLocation::Body => {
            Some(quote!(.with_params_in(::connkit::paginate::ParamLocation::Body)))
        }
        ParamLocation::Header => {
            Some(quote!(.with_params_in(::connkit::paginate::ParamLocation::Header)))
        }
        _ => None,
    }
}

fn page_size(param: Option<&str>, size: Option<u64>) -> Option<TokenStream> {
    let (param, size) = (param?, number(size?));
    Some(quote!(.with_page_size(#param, #size)))
}

fn number(n: u64) -> Literal {
    Literal::u64_unsuffixed(n)
}
