//! The request of an operation: its arguments and the builder chain that puts each one on
//! the wire (path, query, header, cookie, body) through the runtime's `RequestBuilder`.

use connkit_spec::model::ParameterLocation;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::contract::{ParamWriting, WireStyle, param_writing};
use crate::ir::{BodyIr, OperationIr, ParamIr};
use crate::types::{TypeRef, TypeRefKind};

/// The arguments of an operation's methods and the calls that build its request.
pub(super) struct RequestShape {
    /// `name: Type` of each argument, in order.
    pub(super) args: Vec<TokenStream>,
    /// The argument names, in order (to pass them on).
    pub(super) names: Vec<TokenStream>,
    /// `.path_value(..)`, `.query_value(..)`, `.json(body)`, ...
    pub(super) calls: Vec<TokenStream>,
}

impl RequestShape {
    /// The arguments and calls of `op`: required parameters, the optional parameters struct,
    /// then the body.
    pub(super) fn of(op: &OperationIr) -> Self {
        let mut shape = Self { args: Vec::new(), names: Vec::new(), calls: Vec::new() };
        if let Some(args_ty) = op.args_type() {
            // Too many required parameters to pass one by one: a struct of them.
            let ty = format_ident!("{}", args_ty);
            shape.args.push(quote!(args: &#ty));
            shape.names.push(quote!(args));
            for param in &op.required {
                let name = format_ident!("{}", param.rust_name);
                shape.calls.push(param_call(op, param, quote!(&args.#name)));
            }
        } else {
            for param in &op.required {
                let name = format_ident!("{}", param.rust_name);
                let ty = arg_type(&param.ty);
                shape.args.push(quote!(#name: #ty));
                shape.names.push(quote!(#name));
                shape.calls.push(param_call(op, param, quote!(#name)));
            }
        }
        if let Some(params_ty) = op.params_type() {
            let ty = format_ident!("{}", params_ty);
            shape.args.push(quote!(params: &#ty));
            shape.names.push(quote!(params));
            for param in &op.optional {
                let name = format_ident!("{}", param.rust_name);
                shape.calls.push(param_call(op, param, quote!(&params.#name)));
            }
        }
        if let Some(body) = &op.body {
            let (arg, call) = body_call(body);
            shape.args.push(arg);
            shape.names.push(quote!(body));
            shape.calls.push(call);
        }
        if let Some(accept) = &op.accept {
            shape.calls.push(quote!(.header("accept", #accept)));
        }
        shape
    }
}

/// The `body` argument and the call that sends it.
fn body_call(body: &BodyIr) -> (TokenStream, TokenStream) {
    match body {
        BodyIr::Json { ty, .. } => (quote!(body: &#ty), quote!(.json(body))),
        BodyIr::Form { ty, encodings, .. } if encodings.is_empty() => {
            (quote!(body: &#ty), quote!(.form(body)))
        }
        BodyIr::Form { ty, encodings, .. } => {
            let styles = encodings.iter().map(|(name, style)| {
                let style = style_tokens(*style);
                quote!((#name, #style))
            });
            (quote!(body: &#ty), quote!(.form_styled(body, &[#(#styles),*])))
        }
        BodyIr::Multipart { .. } => (quote!(body: ::connkit::Multipart), quote!(.multipart(body))),
        BodyIr::Bytes { content_type } => (
            quote!(body: impl ::std::convert::Into<::bytes::Bytes>),
            quote!(.body_bytes(body, ::std::option::Option::Some(#content_type))),
        ),
    }
}

/// `&str` for strings, `&T` otherwise.
fn arg_type(ty: &TypeRef) -> TokenStream {
    if matches!(ty.kind, TypeRefKind::String) { quote!(&str) } else { quote!(&#ty) }
}

/// The builder call that puts one parameter (`value`, a reference) on the wire, as
/// [`crate::contract::param_writing`] says.
fn param_call(op: &OperationIr, param: &ParamIr, value: TokenStream) -> TokenStream {
    let wire = &param.wire_name;
    let writing = param_writing(param.location, param.shape, param.style, param.explode);
    let csv = match writing {
        ParamWriting::Styled(style) => {
            let style = style_tokens(style);
            return match param.location {
                ParameterLocation::Path => quote!(.path_styled(#wire, #value, #style)),
                ParameterLocation::Query => quote!(.query_styled(#wire, #value, #style)),
                ParameterLocation::Header => quote!(.header_styled(#wire, #value, #style)),
                ParameterLocation::Cookie => quote!(.cookie_styled(#wire, #value, #style)),
            };
        }
        ParamWriting::Plain { csv } => csv,
    };
    match param.location {
        ParameterLocation::Path => quote!(.path_value(#wire, #value)),
        ParameterLocation::Query if csv => quote!(.query_csv_value(#wire, #value)),
        ParameterLocation::Query => quote!(.query_value(#wire, #value)),
        ParameterLocation::Header
            if op.idempotency_header.as_deref() == Some(param.wire_name.as_str()) =>
        {
            quote!(.idempotency_key_value(#value))
        }
        ParameterLocation::Header => quote!(.header_value(#wire, #value)),
        ParameterLocation::Cookie => quote!(.cookie_value(#wire, #value)),
    }
}

/// The runtime's `ParamStyle` written out.
fn style_tokens(style: WireStyle) -> TokenStream {
    match style {
        WireStyle::Form(explode) => quote!(::connkit::ParamStyle::form(#explode)),
        WireStyle::Simple(explode) => quote!(::connkit::ParamStyle::simple(#explode)),
        WireStyle::Label(explode) => quote!(::connkit::ParamStyle::label(#explode)),
        WireStyle::Matrix(explode) => quote!(::connkit::ParamStyle::matrix(#explode)),
        WireStyle::SpaceDelimited => quote!(::connkit::ParamStyle::space_delimited()),
        WireStyle::PipeDelimited => quote!(::connkit::ParamStyle::pipe_delimited()),
        WireStyle::DeepObject => quote!(::connkit::ParamStyle::deep_object()),
    }
}
