//! The request of an operation: its arguments and the builder chain that puts each one on
//! the wire (path, query, header, cookie, body) through the runtime's `RequestBuilder`.

use connkit_spec::model::{ParameterLocation, ParameterStyle};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::{BodyIr, OperationIr, ParamIr, ParamShape};
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
            let styles = encodings.iter().map(|(name, style, explode)| {
                let style = style_tokens(*style, *explode);
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

/// The builder call that puts one parameter (`value`, a reference) on the wire.
fn param_call(op: &OperationIr, param: &ParamIr, value: TokenStream) -> TokenStream {
    let wire = &param.wire_name;
    if let Some(style) = styled(param) {
        return match param.location {
            ParameterLocation::Path => quote!(.path_styled(#wire, #value, #style)),
            ParameterLocation::Query => quote!(.query_styled(#wire, #value, #style)),
            ParameterLocation::Header => quote!(.header_styled(#wire, #value, #style)),
            ParameterLocation::Cookie => quote!(.cookie_styled(#wire, #value, #style)),
        };
    }
    match param.location {
        ParameterLocation::Path => quote!(.path_value(#wire, #value)),
        ParameterLocation::Query if param.csv => quote!(.query_csv_value(#wire, #value)),
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
