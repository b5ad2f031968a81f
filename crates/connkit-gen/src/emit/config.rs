//! `src/config.rs`: the `{System}Settings` type read from the environment.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Context, format_file};
use crate::GenerateError;
use crate::contract::{SettingVar, VarKind};
use crate::docs_text::{doc_attrs, inner_doc_attrs};

/// Every setting of the connector ([`crate::contract::settings_variables`]).
pub(crate) fn settings_variables(cx: &Context<'_>) -> Vec<SettingVar> {
    crate::contract::settings_variables(cx.manifest, cx.hosts)
}

/// Emits `src/config.rs`.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the emitted tokens do not form a file (a generator bug).
pub(crate) fn config_file(cx: &Context<'_>) -> Result<String, GenerateError> {
    let vars = settings_variables(cx);
    let settings = cx.settings_ident();
    let prefix = &cx.manifest.prefix;
    let SettingFields { fields, reads, required, plain } = SettingFields::new(&vars, prefix);
    let struct_doc = doc_attrs(&format!(
        "Settings of the {} connector, read from `{prefix}*` environment variables (and the \
         `.env` files of the current directory and its parents up to the project root, nearest \
         first: `connectors/{system}/.env`, then the workspace's; they never override the real \
         environment).",
        cx.system,
        system = cx.system
    ));
    let checks = region_check(cx);
    let base_required = vars.iter().any(|v| v.field == "base_url" && v.required);
    let region_table = region_tables(cx, base_required);
    let base_url_fn = base_url_fn(cx, &vars);
    let host_urls_fn = host_urls_fn(cx);
    let finish = finish_settings(&required, &plain);
    let header = inner_doc_attrs(
        &cx.header(&format!("Typed settings of the {} connector (`{prefix}*`).", cx.system)),
    );
    let tokens = quote! {
        #header

        #struct_doc
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct #settings {
            #(#fields)*
            /// `TIMEOUT_SECS`, `MAX_RETRIES` and `RATE_LIMITS`.
            pub common: ::connkit::settings::CommonSettings,
        }

        impl #settings {
            /// The prefix of every variable.
            pub const PREFIX: &'static str = #prefix;
            #region_table

            /// Reads the settings from the process environment and the `.env` files from the current directory up to the project root (nearest first).
            ///
            /// # Errors
            ///
            /// One [`::connkit::Error`] of kind `Settings` naming every missing or invalid variable.
            pub fn from_env() -> ::std::result::Result<Self, ::connkit::Error> {
                Self::from_source(&::connkit::settings::EnvSource::load(Self::PREFIX))
            }

            /// Reads the settings from `source` (tests pass `EnvSource::from_pairs`).
            ///
            /// # Errors
            ///
            /// One [`::connkit::Error`] of kind `Settings` naming every missing or invalid variable.
            pub fn from_source(source: &::connkit::settings::EnvSource) -> ::std::result::Result<Self, ::connkit::Error> {
                let mut r = source.reader();
                #(#reads)*
                let common = ::connkit::settings::CommonSettings::read(&mut r);
                #checks
                #finish
            }

            #base_url_fn
            #host_urls_fn
        }
    };
    format_file("src/config.rs", tokens)
}

/// The settings struct's fields and how `from_source` reads each, with the fields split
/// into required and optional ones.
struct SettingFields {
    fields: Vec<TokenStream>,
    reads: Vec<TokenStream>,
    required: Vec<proc_macro2::Ident>,
    plain: Vec<proc_macro2::Ident>,
}

impl SettingFields {
    fn new(vars: &[SettingVar], prefix: &str) -> Self {
        let mut out = SettingFields {
            fields: Vec::new(),
            reads: Vec::new(),
            required: Vec::new(),
            plain: Vec::new(),
        };
        for v in vars {
            let field = format_ident!("{}", v.field);
            let name = v.name.as_str();
            let full = format!("{prefix}{name}");
            let doc = doc_attrs(&format!("`{full}`: {}", v.description));
            let (ty, read) = field_read(v, name);
            if v.required {
                out.required.push(field.clone());
            } else {
                out.plain.push(field.clone());
            }
            out.fields.push(quote!(#doc pub #field: #ty,));
            out.reads.push(quote!(let #field = #read;));
        }
        out
    }
}

/// The check that `REGION` names a region of the connector (nothing without regions).
fn region_check(cx: &Context<'_>) -> TokenStream {
    let Some(expected) = crate::contract::region_expectation(&cx.manifest.hosts) else {
        return TokenStream::new();
    };
    quote! {
        if !Self::REGIONS.iter().any(|(name, _)| *name == region) {
            r.invalid("REGION", #expected);
        }
    }
}

/// The end of `from_source`: the settings when every required variable is there and no
/// variable is invalid, else the one error naming them all.
fn finish_settings(required: &[proc_macro2::Ident], plain: &[proc_macro2::Ident]) -> TokenStream {
    let required_some = required.iter().map(|f| quote!(::std::option::Option::Some(#f)));
    let required_tuple = quote!((#(#required,)*));
    let all_fields = required.iter().chain(plain.iter());
    if required.is_empty() {
        quote! {
            if r.is_ok() {
                ::std::result::Result::Ok(Self { #(#all_fields,)* common })
            } else {
                ::std::result::Result::Err(r.into_error())
            }
        }
    } else {
        quote! {
            match #required_tuple {
                (#(#required_some,)*) if r.is_ok() => ::std::result::Result::Ok(Self { #(#all_fields,)* common }),
                _ => ::std::result::Result::Err(r.into_error()),
            }
        }
    }
}

fn field_read(v: &SettingVar, name: &str) -> (TokenStream, TokenStream) {
    let default = v.default.clone().unwrap_or_default();
    match (v.kind, v.required) {
        (VarKind::Secret, _) => (quote!(::connkit::Secret), quote!(r.required_secret(#name))),
        (VarKind::Text, true) => {
            (quote!(::std::string::String), quote!(r.required::<::std::string::String>(#name)))
        }
        (VarKind::Text, false) => (
            quote!(::std::string::String),
            quote!(r.or_default(#name, ::std::string::String::from(#default))),
        ),
        (VarKind::Url, true) => (quote!(::url::Url), quote!(r.required::<::url::Url>(#name))),
        (VarKind::Url, false) => {
            (quote!(::std::option::Option<::url::Url>), quote!(r.optional::<::url::Url>(#name)))
        }
        (VarKind::Bool, _) => {
            let on = default == "on";
            (quote!(bool), quote!(r.or_default(#name, #on)))
        }
        (VarKind::List, _) => {
            let defaults: Vec<String> = default.split_whitespace().map(str::to_string).collect();
            (
                quote!(::std::vec::Vec<::std::string::String>),
                quote!(r.optional::<::std::string::String>(#name).map_or_else(
                    || ::std::vec![#(::std::string::String::from(#defaults)),*],
                    |text| text.split([' ', ',']).filter(|s| !s.is_empty()).map(::std::string::String::from).collect(),
                )),
            )
        }
    }
}

/// The host tables of `base_url()`: `REGIONS` and `SANDBOX_HOSTS` when the connector has
/// them, and `HOSTS`, the runtime's [`connkit::settings::HostTable`] over them (none when
/// `BASE_URL` is required: there is no host to choose).
fn region_tables(cx: &Context<'_>, base_required: bool) -> TokenStream {
    let hosts = &cx.manifest.hosts;
    let mut tokens = TokenStream::new();
    if !base_required {
        let default = match &hosts.default {
            Some(url) => quote!(::std::option::Option::Some(#url)),
            None => quote!(::std::option::Option::None),
        };
        let regions = if hosts.regions.is_empty() { quote!(&[]) } else { quote!(Self::REGIONS) };
        let sandbox =
            if hosts.sandbox.is_empty() { quote!(&[]) } else { quote!(Self::SANDBOX_HOSTS) };
        tokens.extend(quote! {
            /// The API's hosts: `base_url()` picks one of them unless `BASE_URL` is set.
            pub const HOSTS: ::connkit::settings::HostTable<'static> = ::connkit::settings::HostTable {
                default: #default,
                regions: #regions,
                sandbox: #sandbox,
            };
        });
    }
    if !hosts.regions.is_empty() {
        let entries = hosts.regions.iter().map(|(k, v)| quote!((#k, #v)));
        tokens.extend(quote! {
            /// Production hosts by region (`REGION`).
            pub const REGIONS: &'static [(&'static str, &'static str)] = &[#(#entries),*];
        });
    }
    if !hosts.sandbox.is_empty() {
        let entries = hosts.sandbox.iter().map(|(k, v)| quote!((#k, #v)));
        tokens.extend(quote! {
            /// Sandbox hosts by region (`SANDBOX=on`).
            pub const SANDBOX_HOSTS: &'static [(&'static str, &'static str)] = &[#(#entries),*];
        });
    }
    tokens
}

/// `host_urls()`: the base URL of every named host, for the client to register.
fn host_urls_fn(cx: &Context<'_>) -> TokenStream {
    if cx.hosts.is_empty() {
        return TokenStream::new();
    }
    let entries = cx.hosts.iter().map(|host| {
        let (name, field) = (&host.name, format_ident!("{}", host.field()));
        match &host.url {
            Some(url) => quote!((#name, Self::url_or(self.#field.as_ref(), #url))),
            None => quote!((#name, self.#field.to_string())),
        }
    });
    let url_or = cx.hosts.iter().any(|host| host.url.is_some()).then(|| {
        quote! {
            /// `url` as text, else `default`.
            fn url_or(url: ::std::option::Option<&::url::Url>, default: &str) -> ::std::string::String {
                url.map_or_else(|| default.to_string(), ::std::string::ToString::to_string)
            }
        }
    });
    quote! {
        /// The hosts besides the default one, by name, with their base URLs: each
        /// `*_BASE_URL` setting when set, else the host's own URL. Operations served from one
        /// of them name it in their descriptor.
        pub fn host_urls(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
            ::std::vec::Vec::from([#(#entries),*])
        }

        #url_or
    }
}

/// `base_url()`: the runtime's rule ([`connkit::settings::HostTable::base_url`]) over the
/// settings and the connector's host tables.
fn base_url_fn(cx: &Context<'_>, vars: &[SettingVar]) -> TokenStream {
    let hosts = &cx.manifest.hosts;
    let base_required = vars.iter().any(|v| v.field == "base_url" && v.required);
    if base_required {
        return quote! {
            /// The base URL every call goes to (`BASE_URL`).
            pub fn base_url(&self) -> ::std::string::String {
                self.base_url.to_string()
            }
        };
    }
    let region = if hosts.regions.is_empty() {
        quote!(::std::option::Option::None)
    } else {
        quote!(::std::option::Option::Some(self.region.as_str()))
    };
    let sandbox = if hosts.sandbox.is_empty() { quote!(false) } else { quote!(self.sandbox) };
    quote! {
        /// The base URL every call goes to: `BASE_URL` when set, else the sandbox or region
        /// host chosen by the settings, else the API's default host.
        pub fn base_url(&self) -> ::std::string::String {
            Self::HOSTS.base_url(self.base_url.as_ref(), #sandbox, #region).unwrap_or_default()
        }
    }
}
