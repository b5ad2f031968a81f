//! The typed error of an operation: the API's envelope, the JSON value, or an enum of the
//! documented error bodies by status with its `ApiErrorBody` decoding.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::docs_text::{doc_attrs, doc_text};
use crate::ir::{ErrorCase, ErrorIr, OperationIr};

/// The error type of an operation and the items that define it (none for the envelope and
/// the JSON value, an enum and its decoding for per-status bodies).
pub(crate) fn error_type(op: &OperationIr) -> (TokenStream, TokenStream) {
    match &op.error {
        ErrorIr::Untyped => (quote!(::serde_json::Value), TokenStream::new()),
        ErrorIr::Envelope(ty) => (ty.tokens.clone(), TokenStream::new()),
        ErrorIr::PerStatus(cases) => {
            let ident = format_ident!("{}Error", op.type_stem);
            let doc =
                format!("The documented error bodies of the `{}` operation, by status.", op.id);
            let variants = cases.iter().map(variant);
            let decode = decode_impl(&ident, cases);
            let items = quote! {
                #[doc = #doc]
                #[derive(Debug, Clone)]
                #[non_exhaustive]
                pub enum #ident {
                    #(#variants)*
                }

                #decode
            };
            (quote!(#ident), items)
        }
    }
}

/// One variant: the status it stands for, what the response means, the body type.
fn variant(case: &ErrorCase) -> TokenStream {
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
}

/// `impl ApiErrorBody`: the exact status first, then the class (`4XX`), then `default`.
fn decode_impl(ident: &proc_macro2::Ident, cases: &[ErrorCase]) -> TokenStream {
    let exact = cases.iter().filter(|c| c.status.is_some()).map(|case| {
        let variant = format_ident!("{}", case.variant);
        let code = case.status.unwrap_or_default();
        quote!(#code => ::serde_json::from_slice(body).ok().map(Self::#variant),)
    });
    let classes = cases.iter().filter(|c| c.status.is_none() && c.class.is_some()).map(|case| {
        let variant = format_ident!("{}", case.variant);
        let class = u16::from(case.class.unwrap_or_default());
        quote! {
            if status.as_u16() / 100 == #class {
                return ::serde_json::from_slice(body).ok().map(Self::#variant);
            }
        }
    });
    let default = cases.iter().find(|c| c.status.is_none() && c.class.is_none()).map_or_else(
        || quote!(::std::option::Option::None),
        |case| {
            let variant = format_ident!("{}", case.variant);
            quote!(::serde_json::from_slice(body).ok().map(Self::#variant))
        },
    );
    let (exact, classes): (Vec<TokenStream>, Vec<TokenStream>) =
        (exact.collect(), classes.collect());
    // No status to tell apart: the match would have its default arm only.
    let body = match (exact.is_empty(), classes.is_empty()) {
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
    quote! {
        impl ::connkit::ApiErrorBody for #ident {
            #body
        }
    }
}
