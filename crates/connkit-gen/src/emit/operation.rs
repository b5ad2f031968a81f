//! One operation → its descriptor constant, params struct, error type and method(s).

use connkit_spec::model::{HttpMethod, ParameterLocation, ParameterStyle};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::path_tokens;
use crate::docs_text::{doc_attrs, doc_text};
use crate::ir::{BodyIr, ErrorIr, OperationIr, ParamIr, ParamShape, SuccessIr};
use crate::manifest::Pagination;
use connkit::paginate::{PageStyle, ParamLocation, TokenSource};

/// The code of one operation.
#[derive(Debug, Clone)]
pub struct OperationCode {
    /// Module-level items: the descriptor constant, the params struct, the error type.
    pub items: TokenStream,
    /// The method(s) for the impl block of the service (or client).
    pub methods: TokenStream,
}

/// How emitted methods reach the shared pieces.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// The expression giving `&::connkit::HttpClient` inside a method (`self.client.http()`).
    pub http: &'a str,
    /// The module holding the parameter helpers (`crate::services::base`).
    pub helpers: &'a str,
}

/// Emits the code of `op`.
pub fn emit_operation(op: &OperationIr, site: Site<'_>) -> OperationCode {
    let const_ident = format_ident!("{}", op.const_name);
    let id = &op.qualified_id;
    let path = &op.path;
    let method = match op.method {
        HttpMethod::Get => quote!(GET),
        HttpMethod::Put => quote!(PUT),
        HttpMethod::Post => quote!(POST),
        HttpMethod::Delete => quote!(DELETE),
        HttpMethod::Options => quote!(OPTIONS),
        HttpMethod::Head => quote!(HEAD),
        HttpMethod::Patch => quote!(PATCH),
        HttpMethod::Trace => quote!(TRACE),
    };
    let idempotency = op.idempotency_header.as_ref().map(|h| quote!(.with_idempotency_header(#h)));
    let host = op.host.as_ref().map(|h| quote!(.with_host(#h)));
    let const_doc = format!("The `{}` operation: `{} {}`.", op.id, op.method.as_upper(), op.path);
    let mut items = quote! {
        #[doc = #const_doc]
        pub(super) static #const_ident: ::connkit::Operation =
            ::connkit::Operation::new(#id, ::connkit::Method::#method, #path) #idempotency #host;
    };
    items.extend(args_struct(op));
    items.extend(params_struct(op));
    let (error_ty, error_items) = error_type(op);
    items.extend(error_items);

    let helpers = path_tokens(site.helpers);
    let http = path_tokens(site.http);
    let mut args = Vec::new();
    let mut arg_names = Vec::new();
    let mut chain = Vec::new();
    if let Some(args_ty) = op.args_type() {
        let ty = format_ident!("{}", args_ty);
        args.push(quote!(args: &#ty));
        arg_names.push(quote!(args));
        for param in &op.required {
            let name = format_ident!("{}", param.rust_name);
            chain.push(param_call(op, param, quote!(&args.#name), true, &helpers));
        }
    } else {
        for param in &op.required {
            let name = format_ident!("{}", param.rust_name);
            let ty = arg_type(&param.ty);
            args.push(quote!(#name: #ty));
            arg_names.push(quote!(#name));
            chain.push(param_call(op, param, quote!(#name), true, &helpers));
        }
    }
    if let Some(params_ty) = op.params_type() {
        let ty = format_ident!("{}", params_ty);
        args.push(quote!(params: &#ty));
        arg_names.push(quote!(params));
        for param in &op.optional {
            let name = format_ident!("{}", param.rust_name);
            chain.push(param_call(op, param, quote!(params.#name), false, &helpers));
        }
    }
    match &op.body {
        Some(BodyIr::Json { ty, .. }) => {
            args.push(quote!(body: &#ty));
            chain.push(quote!(.json(body)));
        }
        Some(BodyIr::Form { ty, encodings, .. }) => {
            args.push(quote!(body: &#ty));
            if encodings.is_empty() {
                chain.push(quote!(.form(body)));
            } else {
                let styles = encodings.iter().map(|(name, style, explode)| {
                    let style = style_tokens(*style, *explode);
                    quote!((#name, #style))
                });
                chain.push(quote!(.form_styled(body, &[#(#styles),*])));
            }
        }
        Some(BodyIr::Multipart { .. }) => {
            args.push(quote!(body: ::connkit::Multipart));
            chain.push(quote!(.multipart(body)));
        }
        Some(BodyIr::Bytes { content_type }) => {
            args.push(quote!(body: impl ::std::convert::Into<::bytes::Bytes>));
            chain.push(quote!(.body_bytes(body, ::std::option::Option::Some(#content_type))));
        }
        None => {}
    }
    if op.body.is_some() {
        arg_names.push(quote!(body));
    }
    if let Some(accept) = &op.accept {
        chain.push(quote!(.header("accept", #accept)));
    }
    let name = format_ident!("{}", op.rust_name);
    let stream_name = format_ident!("{}", op.stream_method);
    let doc = method_doc(op);
    let deprecated_note = if op.deprecated { "\n\n**Deprecated** by the API." } else { "" };
    let errors_doc = format!(
        "\n\n# Errors\n\nFails with [`::connkit::Error`] when the request cannot be sent, the API answers \
         with an error status (its documented body typed as `{}`), or the body does not decode.{deprecated_note}",
        error_ty.to_string().replace(' ', "")
    );
    let chain = quote!(#http.request(&#const_ident) #(#chain)*);
    // Twin methods share one private request builder instead of repeating the chain.
    let (build, request_helper) = match &op.request_method {
        Some(request) => {
            let request = format_ident!("{}", request);
            let doc =
                format!("The request of [`Self::{}`] and its twins, ready to send.", op.rust_name);
            (
                quote!(self.#request(#(#arg_names),*)),
                quote! {
                    #[doc = #doc]
                    fn #request(&self, #(#args),*) -> ::connkit::RequestBuilder<'_> {
                        #chain
                    }
                },
            )
        }
        None => (chain, TokenStream::new()),
    };
    let (success_ty, body_code) = match &op.success {
        SuccessIr::Json(ty) => (
            quote!(::connkit::ApiResponse<#ty>),
            quote! {
                let response = #build.send_typed::<#error_ty>().await?;
                response.into_json().map_err(::connkit::Error::typed)
            },
        ),
        SuccessIr::MaybeJson(ty) => (
            quote!(::connkit::ApiResponse<::std::option::Option<#ty>>),
            quote! {
                let response = #build.send_typed::<#error_ty>().await?;
                response.into_json_opt().map_err(::connkit::Error::typed)
            },
        ),
        SuccessIr::Empty => (
            quote!(::connkit::ApiResponse<()>),
            quote! {
                let response = #build.send_typed::<#error_ty>().await?;
                ::std::result::Result::Ok(::connkit::ApiResponse::new((), response.status(), response.headers().clone()))
            },
        ),
        SuccessIr::Text => (
            quote!(::connkit::ApiResponse<::std::string::String>),
            quote! {
                let response = #build.send_typed::<#error_ty>().await?;
                let text = response.text().into_owned();
                ::std::result::Result::Ok(::connkit::ApiResponse::new(text, response.status(), response.headers().clone()))
            },
        ),
        SuccessIr::Bytes => (
            quote!(::connkit::ApiResponse<::bytes::Bytes>),
            quote! {
                let response = #build.send_typed::<#error_ty>().await?;
                let (status, headers) = (response.status(), response.headers().clone());
                ::std::result::Result::Ok(::connkit::ApiResponse::new(response.into_bytes(), status, headers))
            },
        ),
        SuccessIr::Stream => (
            quote!(::connkit::StreamingResponse),
            quote! {
                #build.send_streaming().await.map_err(::connkit::Error::typed)
            },
        ),
    };
    let method_doc = doc_attrs(&format!("{doc}{errors_doc}"));
    let mut methods = quote! {
        #method_doc
        pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#success_ty, ::connkit::Error<#error_ty>> {
            #body_code
        }
    };
    if matches!(op.success, SuccessIr::Bytes) {
        let stream_doc = doc_attrs(&format!(
            "Like [`Self::{}`], but returns the body as a stream of byte chunks (large downloads).{errors_doc}",
            op.rust_name
        ));
        methods.extend(quote! {
            #stream_doc
            pub async fn #stream_name(&self, #(#args),*) -> ::std::result::Result<::connkit::StreamingResponse, ::connkit::Error<#error_ty>> {
                #build.send_streaming().await.map_err(::connkit::Error::typed)
            }
        });
    }
    if let Some(pagination) = &op.pagination
        && let Some(descriptor) = pagination_tokens(&pagination.pagination)
    {
        let item = &pagination.item;
        let stream_doc = doc_attrs(&format!(
            "Sends repeated `{} {}` requests, following the pagination, and yields every item \
             (lazily, one page in memory at a time).\n\nSee [`Self::{}`] for one page and \
             [`Self::{}`] for the pages with their headers.\n\n# Errors\n\n\
             Each item is a `Result`: the stream yields the error of a failed page (its documented \
             body typed) and ends.",
            op.method.as_upper(),
            op.path,
            op.rust_name,
            pagination.pages_method
        ));
        let pages_doc = doc_attrs(&format!(
            "Like [`Self::{}`], page by page: each [`::connkit::paginate::Page`] holds its items, \
             its number, the URL, status and headers it came with.\n\n# Errors\n\n\
             Each page is a `Result`: the stream yields the error of a failed page (its documented \
             body typed) and ends.",
            stream_name
        ));
        let pages_name = format_ident!("{}", pagination.pages_method);
        let args_no_body: Vec<&TokenStream> = args.iter().collect();
        methods.extend(quote! {
            #stream_doc
            pub fn #stream_name(&self, #(#args_no_body),*) -> impl ::futures::Stream<Item = ::std::result::Result<#item, ::connkit::Error<#error_ty>>> + '_ {
                ::futures::StreamExt::map(
                    #build.items::<#item>(&#descriptor),
                    |item| item.map_err(::connkit::Error::typed),
                )
            }
            #pages_doc
            pub fn #pages_name(&self, #(#args_no_body),*) -> impl ::futures::Stream<Item = ::std::result::Result<::connkit::paginate::Page<#item>, ::connkit::Error<#error_ty>>> + '_ {
                ::futures::StreamExt::map(
                    #build.pages::<#item>(&#descriptor),
                    |page| page.map_err(::connkit::Error::typed),
                )
            }
        });
    }
    methods.extend(request_helper);
    OperationCode { items, methods }
}

fn method_doc(op: &OperationIr) -> String {
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
    match &op.body {
        Some(BodyIr::Json { content_type, .. }) => {
            args.push(format!("- `body`: the `{content_type}` body."))
        }
        Some(BodyIr::Form { .. }) => args.push("- `body`: the form-encoded body.".to_string()),
        Some(BodyIr::Multipart { parts }) => {
            let names: Vec<String> = parts
                .iter()
                .map(
                    |(name, file, _)| {
                        if *file { format!("`{name}` (file)") } else { format!("`{name}`") }
                    },
                )
                .collect();
            let listed = if names.is_empty() {
                String::new()
            } else {
                format!(" Parts: {}.", names.join(", "))
            };
            args.push(format!("- `body`: the multipart form.{listed}"));
        }
        Some(BodyIr::Bytes { content_type }) => {
            args.push(format!("- `body`: the raw `{content_type}` body."))
        }
        None => {}
    }
    if !args.is_empty() {
        parts.push(format!("# Arguments\n\n{}", args.join("\n")));
    }
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
    parts.join("\n\n")
}

fn param_doc(param: &ParamIr) -> String {
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

/// `&str` for strings, `&T` otherwise.
fn arg_type(ty: &TokenStream) -> TokenStream {
    if ty.to_string().replace(' ', "") == "::std::string::String" {
        quote!(&str)
    } else {
        quote!(&#ty)
    }
}

fn param_call(
    op: &OperationIr,
    param: &ParamIr,
    value: TokenStream,
    required: bool,
    helpers: &TokenStream,
) -> TokenStream {
    let wire = &param.wire_name;
    let value = if required { value } else { quote!(&#value) };
    if let Some(style) = styled(param) {
        return match param.location {
            ParameterLocation::Path => quote!(.path_styled(#wire, #value, #style)),
            ParameterLocation::Query => quote!(.query_styled(#wire, #value, #style)),
            ParameterLocation::Header => quote!(.header_styled(#wire, #value, #style)),
            ParameterLocation::Cookie => quote!(.cookie_styled(#wire, #value, #style)),
        };
    }
    match param.location {
        ParameterLocation::Path => quote!(.path_param(#wire, #helpers::param_text(#value))),
        ParameterLocation::Query if param.csv => {
            quote!(.query_csv(#wire, #helpers::param_values(#value)))
        }
        ParameterLocation::Query => quote!(.query(#wire, #helpers::param_values(#value))),
        ParameterLocation::Header
            if op.idempotency_header.as_deref() == Some(param.wire_name.as_str()) =>
        {
            quote!(.idempotency_key(#helpers::param_header(#value)))
        }
        ParameterLocation::Header => quote!(.header_opt(#wire, #helpers::param_header(#value))),
        ParameterLocation::Cookie => quote!(.cookie(#wire, #helpers::param_header(#value))),
    }
}

/// The runtime's `ParamStyle` for a parameter whose style changes what goes on the wire (an
/// object anywhere, a `label` or `matrix` path, a delimited or `deepObject` query, a list in a
/// cookie); `None` where the plain text forms already are the style (scalars, simple lists,
/// form lists).
fn styled(param: &ParamIr) -> Option<TokenStream> {
    let plain = match (param.location, param.shape, param.style) {
        (_, ParamShape::Object, _) => false,
        (ParameterLocation::Path, _, ParameterStyle::Label | ParameterStyle::Matrix) => false,
        (ParameterLocation::Path | ParameterLocation::Header, _, _) => true,
        (ParameterLocation::Query, ParamShape::Scalar, _) => true,
        (
            ParameterLocation::Query,
            ParamShape::List,
            ParameterStyle::Form | ParameterStyle::Simple | ParameterStyle::TabDelimited,
        ) => true,
        (ParameterLocation::Query, ParamShape::List, _) => false,
        (ParameterLocation::Cookie, shape, _) => shape == ParamShape::Scalar,
    };
    if plain {
        return None;
    }
    Some(style_tokens(param.style, param.explode))
}

/// The runtime's `ParamStyle` for a spec's style and explode.
fn style_tokens(style: ParameterStyle, explode: bool) -> TokenStream {
    match style {
        ParameterStyle::Form | ParameterStyle::TabDelimited => {
            quote!(::connkit::ParamStyle::form(#explode))
        }
        ParameterStyle::Simple => quote!(::connkit::ParamStyle::simple(#explode)),
        ParameterStyle::Label => quote!(::connkit::ParamStyle::label(#explode)),
        ParameterStyle::Matrix => quote!(::connkit::ParamStyle::matrix(#explode)),
        ParameterStyle::SpaceDelimited => quote!(::connkit::ParamStyle::space_delimited()),
        ParameterStyle::PipeDelimited => quote!(::connkit::ParamStyle::pipe_delimited()),
        ParameterStyle::DeepObject => quote!(::connkit::ParamStyle::deep_object()),
    }
}

/// The struct of required parameters, for an operation with too many of them to pass one by
/// one ([`OperationIr::args_type`]).
fn args_struct(op: &OperationIr) -> TokenStream {
    let Some(name) = op.args_type() else { return TokenStream::new() };
    let ident = format_ident!("{}", name);
    let doc = format!("Required parameters of the `{}` operation.", op.id);
    let fields = op.required.iter().map(|param| {
        let field = format_ident!("{}", param.rust_name);
        let ty = &param.ty;
        let doc = doc_attrs(&param_doc(param));
        quote! {
            #doc
            pub #field: #ty,
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #ident {
            #(#fields)*
        }
    }
}

fn params_struct(op: &OperationIr) -> TokenStream {
    let Some(name) = op.params_type() else { return TokenStream::new() };
    let ident = format_ident!("{}", name);
    let doc = format!(
        "Optional parameters of the `{}` operation. Build with `..Default::default()`.",
        op.id
    );
    let fields = op.optional.iter().map(|param| {
        let field = format_ident!("{}", param.rust_name);
        let ty = &param.ty;
        let doc = doc_attrs(&param_doc(param));
        quote! {
            #doc
            pub #field: ::std::option::Option<#ty>,
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default)]
        pub struct #ident {
            #(#fields)*
        }
    }
}

/// The error type of an operation and the items that define it.
fn error_type(op: &OperationIr) -> (TokenStream, TokenStream) {
    match &op.error {
        ErrorIr::Untyped => (quote!(::serde_json::Value), TokenStream::new()),
        ErrorIr::Envelope(ty) => (ty.clone(), TokenStream::new()),
        ErrorIr::PerStatus(cases) => {
            let ident = format_ident!("{}Error", op.type_stem);
            let doc =
                format!("The documented error bodies of the `{}` operation, by status.", op.id);
            let variants = cases.iter().map(|case| {
                let variant = format_ident!("{}", case.variant);
                let ty = &case.ty;
                let status = match (case.status, case.class) {
                    (Some(code), _) => format!("Status {code}"),
                    (None, Some(class)) => format!("Statuses {class}XX"),
                    (None, None) => "Any other status".to_string(),
                };
                let text = case.description.as_deref().map(doc_text).unwrap_or_default();
                let doc = doc_attrs(&if text.is_empty() {
                    format!("{status}.")
                } else {
                    format!("{status}: {text}")
                });
                quote!(#doc #variant(#ty),)
            });
            let exact = cases.iter().filter(|c| c.status.is_some()).map(|case| {
                let variant = format_ident!("{}", case.variant);
                let code = case.status.unwrap_or_default();
                quote!(#code => ::serde_json::from_slice(body).ok().map(Self::#variant),)
            });
            let classes =
                cases.iter().filter(|c| c.status.is_none() && c.class.is_some()).map(|case| {
                    let variant = format_ident!("{}", case.variant);
                    let class = u16::from(case.class.unwrap_or_default());
                    quote! {
                        if status.as_u16() / 100 == #class {
                            return ::serde_json::from_slice(body).ok().map(Self::#variant);
                        }
                    }
                });
            let default =
                cases.iter().find(|c| c.status.is_none() && c.class.is_none()).map_or_else(
                    || quote!(::std::option::Option::None),
                    |case| {
                        let variant = format_ident!("{}", case.variant);
                        quote!(::serde_json::from_slice(body).ok().map(Self::#variant))
                    },
                );
            let exact: Vec<TokenStream> = exact.collect();
            let classes: Vec<TokenStream> = classes.collect();
            // No status to tell apart: the match would have its default arm only.
            let decode = match (exact.is_empty(), classes.is_empty()) {
                (true, true) => quote! {
                    fn decode(_status: ::http::StatusCode, body: &[u8]) -> ::std::option::Option<Self> {
                        #default
                    }
                },
                (true, false) => quote! {
                    fn decode(status: ::http::StatusCode, body: &[u8]) -> ::std::option::Option<Self> {
                        #(#classes)*
                        #default
                    }
                },
                _ => quote! {
                    fn decode(status: ::http::StatusCode, body: &[u8]) -> ::std::option::Option<Self> {
                        match status.as_u16() {
                            #(#exact)*
                            _ => {
                                #(#classes)*
                                #default
                            }
                        }
                    }
                },
            };
            let items = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone)]
                #[non_exhaustive]
                pub enum #ident {
                    #(#variants)*
                }

                impl ::connkit::ApiErrorBody for #ident {
                    #decode
                }
            };
            (quote!(#ident), items)
        }
    }
}

/// Builder calls that make the runtime descriptor, or `None` for a style this generator
/// does not know.
pub fn pagination_tokens(pagination: &Pagination) -> Option<TokenStream> {
    let source = |source: &TokenSource| match source {
        TokenSource::Body(path) => quote!(::connkit::paginate::TokenSource::body(#path)),
        TokenSource::Header(name) => quote!(::connkit::paginate::TokenSource::header(#name)),
    };
    let location = |location: &ParamLocation| match location {
        ParamLocation::Body => {
            Some(quote!(.with_params_in(::connkit::paginate::ParamLocation::Body)))
        }
        ParamLocation::Header => {
            Some(quote!(.with_params_in(::connkit::paginate::ParamLocation::Header)))
        }
        _ => None,
    };
    let number = |n: u64| proc_macro2::Literal::u64_unsuffixed(n);
    let mut tokens = match &pagination.style {
        PageStyle::NextToken { request_param, source: s, param_in } => {
            let s = source(s);
            let place = location(param_in);
            quote!(::connkit::paginate::Pagination::next_token(#request_param, #s) #place)
        }
        PageStyle::Cursor { request_param, source: s, param_in } => {
            let s = source(s);
            let place = location(param_in);
            quote!(::connkit::paginate::Pagination::cursor(#request_param, #s) #place)
        }
        PageStyle::Offset { offset_param, limit_param, limit, param_in } => {
            let size = match (limit_param, limit) {
                (Some(param), Some(limit)) => {
                    let limit = number(*limit);
                    Some(quote!(.with_page_size(#param, #limit)))
                }
                _ => None,
            };
            let place = location(param_in);
            quote!(::connkit::paginate::Pagination::offset(#offset_param) #size #place)
        }
        PageStyle::Page { page_param, first_page, size_param, size, param_in } => {
            let size = match (size_param, size) {
                (Some(param), Some(size)) => {
                    let size = number(*size);
                    Some(quote!(.with_page_size(#param, #size)))
                }
                _ => None,
            };
            let place = location(param_in);
            let first_page = number(*first_page);
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
    };
    if let Some(size) = &pagination.page_size {
        let (param, size) = (&size.param, number(size.size));
        tokens.extend(quote!(.with_page_size(#param, #size)));
    }
    if let Some(path) = &pagination.items_path {
        tokens.extend(quote!(.with_items_path(#path)));
    }
    if let Some(path) = &pagination.has_more {
        tokens.extend(quote!(.with_has_more(#path)));
    }
    if let Some(path) = &pagination.total_items {
        tokens.extend(quote!(.with_total_items(#path)));
    }
    if let Some(path) = &pagination.total_pages {
        tokens.extend(quote!(.with_total_pages(#path)));
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
    Some(tokens)
}
