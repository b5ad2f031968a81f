//! `src/services/base.rs` (full tier) — the shared patterns of the API: how parameters are
//! written on the wire, the API's error envelope(s), the pagination shapes in use. In the
//! lite tier the same helpers sit at the end of `client.rs`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, format_file};
use crate::GenerateError;
use crate::docs_text::inner_doc_attrs;
use crate::ir::{ErrorIr, SpecIr};

/// The parameter helpers operations use: all of them (`None`, the public `base` module of
/// the full tier), or only those that `code` calls (the private helpers of the lite tier,
/// where an unused one would be dead code).
pub fn helper_items(code: Option<&str>) -> TokenStream {
    let uses = |name: &str| code.is_none_or(|code| code.contains(name));
    let (text, header) = (uses("param_text"), uses("param_header"));
    let values = text || header || uses("param_values");
    let mut out = TokenStream::new();
    if values {
        out.extend(quote! {
            /// The textual values of a parameter as the API expects them: strings as they are,
            /// numbers and booleans in their JSON form, arrays one value per element, `None` none.
            pub fn param_values<T: ::serde::Serialize + ?Sized>(value: &T) -> ::std::vec::Vec<::std::string::String> {
                match ::serde_json::to_value(value) {
                    ::std::result::Result::Ok(::serde_json::Value::Array(items)) => {
                        items.into_iter().filter_map(scalar_text).collect()
                    }
                    ::std::result::Result::Ok(other) => scalar_text(other).into_iter().collect(),
                    ::std::result::Result::Err(_) => ::std::vec::Vec::new(),
                }
            }

            fn scalar_text(value: ::serde_json::Value) -> ::std::option::Option<::std::string::String> {
                match value {
                    ::serde_json::Value::Null => ::std::option::Option::None,
                    ::serde_json::Value::String(text) => ::std::option::Option::Some(text),
                    other => ::std::option::Option::Some(other.to_string()),
                }
            }
        });
    }
    if text {
        out.extend(quote! {
            /// One text for a path parameter (array elements comma-joined).
            pub fn param_text<T: ::serde::Serialize + ?Sized>(value: &T) -> ::std::string::String {
                param_values(value).join(",")
            }
        });
    }
    if header {
        out.extend(quote! {
            /// A header value, `None` when the parameter is absent.
            pub fn param_header<T: ::serde::Serialize + ?Sized>(value: &T) -> ::std::option::Option<::std::string::String> {
                let values = param_values(value);
                (!values.is_empty()).then(|| values.join(","))
            }
        });
    }
    out
}

/// `impl ApiErrorBody` for every model of `specs` used as a whole-operation error envelope,
/// each behind its spec's feature when `gated`.
pub fn envelope_impls(cx: &Context<'_>, specs: &[SpecIr], gated: bool) -> TokenStream {
    let mut envelopes: BTreeMap<String, (TokenStream, TokenStream)> = BTreeMap::new();
    // With a feature per entity group, an envelope compiles with the groups whose operations
    // answer with it (its model is behind them).
    let mut groups: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for spec in specs {
        for entity in &spec.entities {
            for op in &entity.operations {
                if let ErrorIr::Envelope(ty) = &op.error {
                    let key = ty.to_string();
                    let gate = if gated { cx.feature_gate(spec) } else { TokenStream::new() };
                    envelopes.entry(key.clone()).or_insert_with(|| (ty.clone(), gate));
                    groups.entry(key).or_default().insert(entity.group.clone());
                }
            }
        }
    }
    let impls = envelopes.into_iter().map(|(key, (ty, gate))| {
        let gate = match groups.get(&key) {
            Some(groups) if cx.group_features() => {
                let groups = groups.iter();
                quote!(#[cfg(any(#(feature = #groups),*))])
            }
            _ => gate,
        };
        quote! {
            #gate
            impl ::connkit::ApiErrorBody for #ty {
                fn decode(_status: ::http::StatusCode, body: &[u8]) -> ::std::option::Option<Self> {
                    ::serde_json::from_slice(body).ok()
                }
            }
        }
    });
    quote!(#(#impls)*)
}

/// Emits `src/services/base.rs`.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the emitted tokens do not form a file (a generator bug).
pub fn base_file(cx: &Context<'_>) -> Result<String, GenerateError> {
    let what = if cx.multi() {
        "Shared patterns of these APIs: how parameters go on the wire. The error envelopes of each \
         spec are typed once in its own `base.rs`."
    } else {
        "Shared patterns of this API: how parameters go on the wire, and the API's error envelopes \
         (typed once here, used by every service)."
    };
    let header = inner_doc_attrs(&cx.header(what));
    let helpers = helper_items(None);
    let envelopes =
        if cx.multi() { TokenStream::new() } else { envelope_impls(cx, cx.specs, false) };
    format_file(
        "src/services/base.rs",
        quote! {
            #header
            #helpers
            #envelopes
        },
    )
}

/// `src/services/{spec}/base.rs` of a multi-spec connector: the spec's error envelopes.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the emitted tokens do not form a file (a generator bug).
pub fn spec_base_file(
    cx: &Context<'_>,
    spec: &SpecIr,
    path: &str,
) -> Result<String, GenerateError> {
    let header = inner_doc_attrs(&cx.header(&format!(
        "The error envelopes of the `{}` spec, typed once for every service of the spec.",
        spec.stem
    )));
    let envelopes = envelope_impls(cx, std::slice::from_ref(spec), false);
    format_file(
        path,
        quote! {
            #header
            #envelopes
        },
    )
}
