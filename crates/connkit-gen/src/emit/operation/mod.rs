//! One operation → its descriptor, params struct and error type, and its methods: the public
//! request builder (`list_events_request`), the method that sends it (`list_events`), and
//! its twins (`list_events_stream` and `list_events_pages` for a paginated operation, a byte
//! stream for a download). Each method body is one line into the runtime.

mod docs;
mod request;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use self::docs::{method_doc, param_doc};
use self::request::RequestShape;
use super::error_type::error_type;
use super::pagination::pagination_tokens;
use crate::docs_text::doc_attrs;
use crate::ir::{OperationIr, SuccessIr};

/// The code of one operation.
#[derive(Debug, Clone)]
pub(crate) struct OperationCode {
    /// Module-level items: the descriptor, the params struct, the error type.
    pub items: TokenStream,
    /// The method(s) for the impl block of the service (or client).
    pub methods: TokenStream,
}

/// Where an operation's methods live, which decides how they reach the runtime client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Site {
    /// A service of the full tier (`self.client.http()`).
    Service,
    /// The lite tier's client (`self.http`).
    Client,
}

impl Site {
    /// The expression giving `&connkit::HttpClient` inside a method.
    fn http(self) -> TokenStream {
        match self {
            Site::Service => quote!(self.client.http()),
            Site::Client => quote!(self.http),
        }
    }
}

/// Emits the code of `op`.
pub(super) fn emit_operation(op: &OperationIr, site: Site) -> OperationCode {
    let (error_ty, error_items) = error_type(op);
    let mut items = descriptor(op);
    items.extend(args_struct(op));
    items.extend(params_struct(op));
    items.extend(error_items);
    let shape = RequestShape::of(op);
    let methods = Methods { op, shape: &shape, error: &error_ty };
    let mut code = methods.main();
    code.extend(methods.twins());
    code.extend(methods.request_builder(site));
    OperationCode { items, methods: code }
}

/// The operation's `static` descriptor: id, method, path template, idempotency header, host.
fn descriptor(op: &OperationIr) -> TokenStream {
    let const_ident = format_ident!("{}", op.const_name);
    let (id, path) = (&op.qualified_id, &op.path);
    let method = format_ident!("{}", op.method.as_upper());
    let idempotency = op.idempotency_header.as_ref().map(|h| quote!(.with_idempotency_header(#h)));
    let host = op.host.as_ref().map(|h| quote!(.with_host(#h)));
    let doc = format!("The `{}` operation: `{} {}`.", op.id, op.method.as_upper(), op.path);
    quote! {
        #[doc = #doc]
        pub(super) static #const_ident: ::connkit::Operation =
            ::connkit::Operation::new(#id, ::connkit::Method::#method, #path) #idempotency #host;
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

/// The struct of the optional parameters, when there are any.
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

/// The methods of one operation.
struct Methods<'a> {
    op: &'a OperationIr,
    shape: &'a RequestShape,
    /// The operation's error body type.
    error: &'a TokenStream,
}

impl Methods<'_> {
    fn request_ident(&self) -> Ident {
        format_ident!("{}", self.op.request_method)
    }

    /// `self.list_events_request(params)`.
    fn request(&self) -> TokenStream {
        let (request, names) = (self.request_ident(), &self.shape.names);
        quote!(self.#request(#(#names),*))
    }

    /// The method that sends the request and decodes the answer.
    fn main(&self) -> TokenStream {
        let (op, error, request) = (self.op, self.error, self.request());
        let (name, args) = (format_ident!("{}", op.rust_name), &self.shape.args);
        let (success, send) = match &op.success {
            SuccessIr::Json(ty) => (quote!(::connkit::ApiResponse<#ty>), quote!(send_json)),
            SuccessIr::MaybeJson(ty) => {
                (quote!(::connkit::ApiResponse<::std::option::Option<#ty>>), quote!(send_json_opt))
            }
            SuccessIr::Empty => (quote!(::connkit::ApiResponse<()>), quote!(send_empty)),
            SuccessIr::Text => {
                (quote!(::connkit::ApiResponse<::std::string::String>), quote!(send_text))
            }
            SuccessIr::Bytes => {
                (quote!(::connkit::ApiResponse<::bytes::Bytes>), quote!(send_bytes))
            }
            SuccessIr::Stream => {
                (quote!(::connkit::StreamingResponse), quote!(send_streaming_typed))
            }
        };
        let doc = doc_attrs(&method_doc(op));
        quote! {
            #doc
            pub async fn #name(&self, #(#args),*) -> ::std::result::Result<#success, ::connkit::Error<#error>> {
                #request.#send().await
            }
        }
    }

    /// The byte stream of a download, or the item and page streams of a paginated operation.
    fn twins(&self) -> TokenStream {
        let op = self.op;
        let (error, request, args) = (self.error, self.request(), &self.shape.args);
        let stream = format_ident!("{}", op.stream_method);
        if matches!(op.success, SuccessIr::Bytes) {
            let doc = format!(
                "Like [`Self::{}`], but returns the body as a stream of byte chunks (large downloads).",
                op.rust_name
            );
            return quote! {
                #[doc = #doc]
                pub async fn #stream(&self, #(#args),*) -> ::std::result::Result<::connkit::StreamingResponse, ::connkit::Error<#error>> {
                    #request.send_streaming_typed().await
                }
            };
        }
        let Some(pagination) = &op.pagination else { return TokenStream::new() };
        let Some(descriptor) = pagination_tokens(&pagination.pagination) else {
            return TokenStream::new();
        };
        let (item, pages) = (&pagination.item, format_ident!("{}", pagination.pages_method));
        let names = &self.shape.names;
        let stream_doc = doc_attrs(&format!(
            "Every item of every page of [`Self::{}`], following the pagination lazily (one \
             page in memory at a time); a failed page is the stream's last item.\n\n\
             [`Self::{pages}`] gives the pages with their headers.",
            op.rust_name
        ));
        let pages_doc = doc_attrs(&format!(
            "Like [`Self::{stream}`], page by page: each [`::connkit::paginate::Page`] holds \
             its items, its number, the URL, status and headers it came with. The stream's \
             checkpoint resumes it later."
        ));
        quote! {
            #stream_doc
            pub fn #stream(&self, #(#args),*) -> ::connkit::client::ClientItems<'_, #item, #error> {
                self.#pages(#(#names),*).into_items()
            }

            #pages_doc
            pub fn #pages(&self, #(#args),*) -> ::connkit::client::ClientPages<'_, #item, #error> {
                let pagination = #descriptor;
                #request.pages_typed(&pagination)
            }
        }
    }

    /// The public request builder the other methods send: a hand-written method reuses its
    /// path, auth and parameters (and may decode the answer into its own type).
    fn request_builder(&self, site: Site) -> TokenStream {
        let op = self.op;
        let (request, args, calls) = (self.request_ident(), &self.shape.args, &self.shape.calls);
        let http = site.http();
        let descriptor = format_ident!("{}", op.const_name);
        let doc = format!(
            "The request [`Self::{}`] sends, ready to send: add headers or a timeout, or decode \
             its answer into a type of your own.",
            op.rust_name
        );
        quote! {
            #[doc = #doc]
            pub fn #request(&self, #(#args),*) -> ::connkit::RequestBuilder<'_> {
                #http.request(&#descriptor) #(#calls)*
            }
        }
    }
}
