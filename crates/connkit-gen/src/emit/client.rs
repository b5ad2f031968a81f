//! `src/client.rs`: the `{System}Client` — transport, auth, retries, rate limits. In the lite
//! tier it also holds every operation, the models and the parameter helpers.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operation::{Site, emit_operation};
use super::{Context, format_file};
use crate::GenerateError;
use crate::contract::{ResolvedAuth, TokenEndpoint};
use crate::docs_text::{doc_attrs, inner_doc_attrs};
use crate::manifest::{KeyLocation, Tier};
use crate::naming::const_ident;

/// Emits `src/client.rs`; `models` is the lite tier's inline models module (one per spec in a
/// multi-spec connector), empty in the full tier.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the emitted tokens do not form a file (a generator bug).
pub(crate) fn client_file(cx: &Context<'_>, models: TokenStream) -> Result<String, GenerateError> {
    let client = cx.client_ident();
    let settings = cx.settings_ident();
    let ua = crate::contract::user_agent(cx.system, cx.connkit_version);
    let (tables, builder_steps) = builder_steps(cx);
    let header = client_header(cx);
    let client_doc = doc_attrs(&format!(
        "The {} API client. Cheap to clone: clones share the connection pool, tokens and rate limits.",
        cx.system
    ));
    let (lite_impl, lite_items) = lite_operations(cx, &client, models);
    let from_env_doc = doc_attrs(&format!(
        "Builds the client from the environment (see [`crate::config::{settings}::from_env`]).\n\n# Errors\n\nOne settings error naming every missing or invalid variable."
    ));
    let tokens = quote! {
        #header

        #client_doc
        #[derive(Debug, Clone)]
        pub struct #client {
            http: ::connkit::HttpClient,
        }

        /// The user agent sent with every call.
        const USER_AGENT: &str = #ua;
        #tables

        impl #client {
            /// Builds the client from settings: base URL, auth, timeouts, retries, rate limits, and
            /// the quotas and token shared with the account's other workers through Redis
            /// (`REDIS_URL`, with the crate's `redis` feature).
            ///
            /// # Errors
            ///
            /// [`::connkit::Error`] when a setting is unusable (an invalid base URL).
            pub fn new(settings: &crate::config::#settings) -> ::std::result::Result<Self, ::connkit::Error> {
                let builder = ::connkit::HttpClient::builder()
                    .base_url(settings.base_url())
                    .user_agent(USER_AGENT)
                    .timeout(settings.common.timeout)
                    .retry(::connkit::retry::RetryPolicy::default().max_retries(settings.common.max_retries))
                    .rate_limits_enabled(settings.common.rate_limits)
                    .shared(&settings.common.shared);
                #builder_steps
                ::std::result::Result::Ok(Self { http: builder.build()? })
            }

            #from_env_doc
            pub fn from_env() -> ::std::result::Result<Self, ::connkit::Error> {
                Self::new(&crate::config::#settings::from_env()?)
            }

            /// Wraps a runtime client built elsewhere (tests with a scripted transport).
            pub fn from_http(http: ::connkit::HttpClient) -> Self {
                Self { http }
            }

            /// The runtime client, for calls this connector does not wrap.
            pub fn http(&self) -> &::connkit::HttpClient {
                &self.http
            }
        }

        #lite_impl
        #lite_items
    };
    format_file("src/client.rs", tokens)
}

/// The builder calls the settings do not cover on their own: named hosts, auth, the
/// client-wide and per-operation quotas; with the quota tables they read.
fn builder_steps(cx: &Context<'_>) -> (TokenStream, TokenStream) {
    let auth = auth_tokens(cx);
    let hosts = (!cx.hosts.is_empty()).then(|| {
        quote! {
            let builder = settings
                .host_urls()
                .into_iter()
                .fold(builder, |builder, (name, url)| builder.host(name, url));
        }
    });
    let (tables, applies) = rate_limit_tables(cx);
    let client_wide = cx.manifest.rate_limit.map(|limit| {
        let (rate, burst) = (limit.rate, limit.burst);
        quote!(let builder = builder.rate_limit(::connkit::ratelimit::Quota::new(#rate, #burst)?);)
    });
    (tables, quote!(#hosts #auth #client_wide #applies))
}

/// The file's header: what the client does in the connector's tier.
fn client_header(cx: &Context<'_>) -> TokenStream {
    let what = match cx.tier() {
        Tier::Full => format!(
            "The {} client: transport, auth, retries and rate limits. Services call the API through it.",
            cx.system
        ),
        Tier::Lite => format!(
            "The {} client: transport, auth, retries, rate limits and every operation of the API.",
            cx.system
        ),
    };
    inner_doc_attrs(&cx.header(&what))
}

/// The lite tier's operations: an impl block of every method, and the items beside it
/// (parameter and error types, envelopes, `models`). Both empty in the full tier.
fn lite_operations(
    cx: &Context<'_>,
    client: &proc_macro2::Ident,
    models: TokenStream,
) -> (TokenStream, TokenStream) {
    let mut lite_items = TokenStream::new();
    let mut lite_methods = TokenStream::new();
    if cx.tier() == Tier::Lite {
        for spec in cx.specs {
            let gate = cx.feature_gate(spec);
            for op in spec.operations() {
                let code = emit_operation(op, Site::Client);
                let items = gate_items(&gate, code.items);
                lite_items.extend(items);
                lite_methods.extend(gate_methods(&gate, code.methods));
            }
        }
        let envelopes = super::base::envelope_impls(cx, cx.specs, true);
        lite_items.extend(quote! {
            #envelopes
            #models
        });
    }
    let lite_impl = if lite_methods.is_empty() {
        TokenStream::new()
    } else {
        let doc = doc_attrs(&format!("The operations of the API.\n\n{}", super::ERRORS_DOC));
        quote! {
            #doc
            impl #client {
                #lite_methods
            }
        }
    };
    (lite_impl, lite_items)
}

fn gate_items(gate: &TokenStream, items: TokenStream) -> TokenStream {
    if gate.is_empty() {
        return items;
    }
    // Each item gets the gate: parse the items and prefix every one.
    match syn::parse2::<syn::File>(items.clone()) {
        Ok(file) => {
            let items = file.items.into_iter().map(|item| quote!(#gate #item));
            quote!(#(#items)*)
        }
        Err(_) => items,
    }
}

/// Each method of `methods` (an operation's method and its twins) behind `gate`.
fn gate_methods(gate: &TokenStream, methods: TokenStream) -> TokenStream {
    if gate.is_empty() {
        return methods;
    }
    match syn::parse2::<syn::ItemImpl>(quote!(impl X { #methods })) {
        Ok(block) => {
            let methods = block.items.into_iter().map(|method| quote!(#gate #method));
            quote!(#(#methods)*)
        }
        Err(_) => quote!(#gate #methods),
    }
}

/// The auth strategy of the resolved auth ([`crate::contract::ResolvedAuth`]) over the
/// settings' credentials.
fn auth_tokens(cx: &Context<'_>) -> TokenStream {
    let token_extras = |endpoint: &TokenEndpoint| {
        let header = endpoint.token_header.as_ref().map(|h| quote!(.token_header(#h)));
        let extras = endpoint.extra.iter().map(|(k, v)| quote!(.extra_param(#k, #v)));
        quote!(#header #(#extras)*)
    };
    let strategy = match ResolvedAuth::of(&cx.manifest.auth) {
        ResolvedAuth::None => return TokenStream::new(),
        ResolvedAuth::ApiKey { name, location, prefix } => {
            let prefix = prefix.as_ref().map(|p| quote!(.with_prefix(#p)));
            match location {
                KeyLocation::Query => {
                    quote!(::connkit::auth::ApiKey::query(#name, settings.api_key.clone()) #prefix)
                }
                KeyLocation::Header => {
                    quote!(::connkit::auth::ApiKey::header(#name, settings.api_key.clone()) #prefix)
                }
            }
        }
        ResolvedAuth::Bearer => quote!(::connkit::auth::Bearer::new(settings.token.clone())),
        ResolvedAuth::Basic => {
            quote!(::connkit::auth::Basic::new(&settings.username, settings.password.clone()))
        }
        ResolvedAuth::ClientCredentials(endpoint) => {
            let extras = token_extras(&endpoint);
            quote! {
                ::connkit::auth::ClientCredentials::new(
                    settings.token_url.as_str(),
                    settings.client_id.as_str(),
                    settings.client_secret.clone(),
                )
                .scopes(settings.scopes.clone())
                #extras
            }
        }
        ResolvedAuth::RefreshToken(endpoint) => {
            let extras = token_extras(&endpoint);
            quote! {
                ::connkit::auth::RefreshToken::new(
                    settings.token_url.as_str(),
                    settings.client_id.as_str(),
                    settings.client_secret.clone(),
                    settings.refresh_token.clone(),
                )
                #extras
            }
        }
    };
    quote!(let builder = builder.auth(#strategy);)
}

/// Per-spec tables of (operation id, rate, burst) and the statements applying them.
fn rate_limit_tables(cx: &Context<'_>) -> (TokenStream, TokenStream) {
    let mut tables = TokenStream::new();
    let mut applies = TokenStream::new();
    for spec in cx.specs {
        let entries: Vec<TokenStream> = spec
            .operations()
            .filter_map(|op| {
                let limit = op.rate_limit?;
                let (id, rate, burst) = (&op.qualified_id, limit.rate, limit.burst);
                Some(quote!((#id, #rate, #burst)))
            })
            .collect();
        if entries.is_empty() {
            continue;
        }
        let name = format_ident!("{}_RATE_LIMITS", const_ident(&spec.module));
        let gate = cx.feature_gate(spec);
        let doc = format!(
            "Documented rate limits of `{}`: (operation, requests per second, burst).",
            spec.stem
        );
        tables.extend(quote! {
            #gate
            #[doc = #doc]
            const #name: &[(&str, f64, u32)] = &[#(#entries),*];
        });
        applies.extend(quote! {
            #gate
            let builder = {
                let mut builder = builder;
                for (id, rate, burst) in #name {
                    builder = builder.operation_rate_limit(*id, ::connkit::ratelimit::Quota::new(*rate, *burst)?);
                }
                builder
            };
        });
    }
    (tables, applies)
}
