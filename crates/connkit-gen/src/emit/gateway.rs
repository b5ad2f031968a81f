//! `src/gateway.rs` (full tier): the facade built from the environment that gives every
//! service; hand-written orchestration across services goes here.

use quote::{format_ident, quote};

use super::{Context, format_file};
use crate::GenerateError;
use crate::docs_text::inner_doc_attrs;
use crate::naming::camel_ident;

/// Emits `src/gateway.rs`.
///
/// # Errors
///
/// [`GenerateError::Internal`] if the emitted tokens do not form a file (a generator bug).
pub(crate) fn gateway_file(cx: &Context<'_>) -> Result<String, GenerateError> {
    let gateway = cx.gateway_ident();
    let client = cx.client_ident();
    let settings = cx.settings_ident();
    let header = inner_doc_attrs(&cx.header(
        "The gateway: business-level orchestration across services. It gives every service; add \
         your own methods that combine them below the generated ones.",
    ));
    let mut accessors = Vec::new();
    for spec in cx.specs {
        if cx.multi() {
            let module = format_ident!("{}", spec.module);
            let accessor = format_ident!("{}", spec.gateway_accessor());
            let ty = format_ident!("{}Services", camel_ident(&spec.module));
            let gate = cx.feature_gate(spec);
            let doc = format!("The services of the `{}` spec.", spec.stem);
            accessors.push(quote! {
                #gate
                #[doc = #doc]
                pub fn #accessor(&self) -> crate::services::#module::#ty {
                    crate::services::#module::#ty::new(self.client.clone())
                }
            });
        } else {
            for entity in &spec.entities {
                let accessor = format_ident!("{}", entity.accessor);
                let module = format_ident!("{}", entity.module);
                let service = format_ident!("{}", entity.service);
                let doc = format!("The `{}` operations.", entity.name);
                let gate = cx.group_gate(entity);
                accessors.push(quote! {
                    #[doc = #doc]
                    #gate
                    pub fn #accessor(&self) -> crate::services::#module::#service {
                        crate::services::#module::#service::new(self.client.clone())
                    }
                });
            }
        }
    }
    let doc = format!("The {} gateway: every service of the connector on one client.", cx.system);
    format_file(
        "src/gateway.rs",
        quote! {
            #header

            #[doc = #doc]
            #[derive(Debug, Clone)]
            pub struct #gateway {
                client: crate::client::#client,
            }

            impl #gateway {
                /// A gateway on `client`.
                pub fn new(client: crate::client::#client) -> Self {
                    Self { client }
                }

                /// A gateway configured from the environment (`.env` included).
                ///
                /// # Errors
                ///
                /// One settings error naming every missing or invalid variable.
                pub fn from_env() -> ::std::result::Result<Self, ::connkit::Error> {
                    let settings = crate::config::#settings::from_env()?;
                    ::std::result::Result::Ok(Self::new(crate::client::#client::new(&settings)?))
                }

                /// The client the services share.
                pub fn client(&self) -> &crate::client::#client {
                    &self.client
                }

                #(#accessors)*
            }
        },
    )
}
