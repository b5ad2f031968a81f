//! `src/services/base.rs` (full tier) — the shared patterns of the API: its error
//! envelope(s), typed once for every service. In the lite tier they sit at the end of
//! `client.rs`. How parameters go on the wire is the runtime's (`RequestBuilder`).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::{Context, format_file};
use crate::GenerateError;
use crate::docs_text::inner_doc_attrs;
use crate::ir::{ErrorIr, SpecIr};

/// `impl ApiErrorBody` for every model of `specs` used as a whole-operation error envelope,
/// each behind its spec's feature when `gated`.
pub(super) fn envelope_impls(cx: &Context<'_>, specs: &[SpecIr], gated: bool) -> TokenStream {
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
                    envelopes.entry(key.clone()).or_insert_with(|| (ty.tokens.clone(), gate));
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
pub(crate) fn base_file(cx: &Context<'_>) -> Result<String, GenerateError> {
    let what = if cx.multi() {
        "Shared patterns of these APIs. The error envelopes of each spec are typed once in its \
         own `base.rs`; parameters go on the wire through the runtime's `RequestBuilder`."
    } else {
        "Shared patterns of this API: its error envelopes, typed once here for every service. \
         Parameters go on the wire through the runtime's `RequestBuilder`."
    };
    let header = inner_doc_attrs(&cx.header(what));
    let envelopes =
        if cx.multi() { TokenStream::new() } else { envelope_impls(cx, cx.specs, false) };
    format_file(
        "src/services/base.rs",
        quote! {
            #header
            #envelopes
        },
    )
}

/// `src/services/{spec}/base.rs` of a multi-spec connector: the spec's error envelopes.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the emitted tokens do not form a file (a generator bug).
pub(super) fn spec_base_file(
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
