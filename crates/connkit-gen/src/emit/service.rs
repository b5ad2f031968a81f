//! `src/services/{entity}.rs` (full tier): one service per entity, split by sub-resource into
//! `src/services/{entity}/{part}.rs` when one file would reach 300 lines.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::operation::{OperationCode, Site, emit_operation};
use super::{Context, format_file, print_piece, tidy_text};
use crate::docs_text::{doc_attrs, doc_text, inner_doc_attrs};
use crate::ir::{EntityIr, ErrorIr, OperationIr, ServicePart, SpecIr, split_service};
use crate::naming::camel_ident;
use crate::{GenerateError, GeneratedFile};

/// The guideline's limit: services files stay under this many lines.
pub(super) const MAX_SERVICE_LINES: usize = 300;
/// Lines kept free in each part for its header, imports and the impl block.
const PART_OVERHEAD: usize = 40;

/// Emits every services file (`mod.rs` files included) of the full tier, with their paths
/// relative to the crate root, in spec and entity order.
///
/// # Errors
///
/// [`GenerateError::Internal`] if emitted tokens do not form a file (a generator bug).
pub(crate) fn services_files(cx: &Context<'_>) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut files = Vec::new();
    let mut root_mods = vec![quote! {
        pub mod base;
    }];
    for spec in cx.specs {
        let dir = if cx.multi() {
            format!("src/services/{}", spec.module)
        } else {
            "src/services".to_string()
        };
        let services_path = if cx.multi() {
            format!("crate::services::{}", spec.module)
        } else {
            "crate::services".to_string()
        };
        let mut entity_mods = Vec::new();
        let mut spec_files = Vec::new();
        for entity in &spec.entities {
            spec_files.extend(entity_files(cx, spec, entity, &dir)?);
            let module = format_ident!("{}", entity.module);
            let mod_doc = doc_attrs(&format!(
                "The `{}` operations ([`{}::{}::{}`]).",
                entity.name, services_path, entity.module, entity.service
            ));
            let gate = cx.group_gate(entity);
            entity_mods.push(quote!(#mod_doc #gate pub mod #module;));
        }
        if cx.multi() {
            let spec_mod = format_ident!("{}", spec.module);
            let gate = cx.feature_gate(spec);
            let doc = doc_attrs(&format!(
                "Services of the `{}` spec ({}).",
                spec.stem,
                doc_text(&spec.title)
            ));
            root_mods.push(quote!(#gate #doc pub mod #spec_mod;));
            let aggregate = spec_services_struct(cx, spec);
            let header =
                inner_doc_attrs(&cx.header(&format!("Services of the `{}` spec.", spec.stem)));
            let mod_path = format!("{dir}/mod.rs");
            let spec_base = quote! {
                /// The error envelopes of this spec.
                pub mod base;
            };
            let text =
                format_file(&mod_path, quote! { #header #spec_base #(#entity_mods)* #aggregate })?;
            files.push(GeneratedFile::new(mod_path, text));
            let base_path = format!("{dir}/base.rs");
            let base = super::base::spec_base_file(cx, spec, &base_path)?;
            files.push(GeneratedFile::new(base_path, base));
        } else {
            root_mods.extend(entity_mods);
        }
        files.extend(spec_files);
    }
    let header = inner_doc_attrs(&cx.header(
        "Services: one per API entity, each a thin translation of its operations onto the client.",
    ));
    let root = format_file("src/services/mod.rs", quote! { #header #(#root_mods)* })?;
    files.insert(0, GeneratedFile::new("src/services/mod.rs", root));
    Ok(files)
}

/// The per-spec struct giving each service of the spec (multi-spec connectors).
fn spec_services_struct(cx: &Context<'_>, spec: &SpecIr) -> TokenStream {
    let client = cx.client_ident();
    let name = format_ident!("{}Services", camel_ident(&spec.module));
    let doc = format!("Every service of the `{}` spec.", spec.stem);
    let accessors = spec.entities.iter().map(|entity| {
        let accessor = format_ident!("{}", entity.accessor);
        let module = format_ident!("{}", entity.module);
        let service = format_ident!("{}", entity.service);
        let doc = format!("The `{}` operations.", entity.name);
        quote! {
            #[doc = #doc]
            pub fn #accessor(&self) -> #module::#service {
                #module::#service::new(self.client.clone())
            }
        }
    });
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub struct #name {
            client: crate::client::#client,
        }

        impl #name {
            /// The services of this spec on `client`.
            pub fn new(client: crate::client::#client) -> Self {
                Self { client }
            }
            #(#accessors)*
        }
    }
}

/// The public type names an operation defines (re-exported by a split service).
fn public_types(op: &OperationIr) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(args) = op.args_type() {
        names.push(args);
    }
    if let Some(params) = op.params_type() {
        names.push(params);
    }
    if let ErrorIr::PerStatus(_) = op.error {
        names.push(format!("{}Error", op.type_stem));
    }
    names
}

/// One operation formatted once: its methods (as lines of an impl block) and its items.
/// Files are put together from these texts, which is what formatting the whole file gives
/// (prettyplease prints each item, and each member of an impl, on its own), without
/// formatting the operation again for every layout tried. The pieces keep their absolute
/// paths; each assembled file is tidied once ([`tidy_text`]).
struct FormattedOperation {
    methods: String,
    items: String,
}

impl FormattedOperation {
    fn new(code: &OperationCode) -> Result<FormattedOperation, GenerateError> {
        let (items, methods) = (&code.items, &code.methods);
        let text = print_piece("operation", quote!(impl X { #methods } #items))?;
        // `impl X {`, the methods, `}` alone on its line, then the items.
        let body = text.strip_prefix("impl X {\n").unwrap_or(&text);
        let end = body.find("\n}\n").map_or(body.len(), |at| at + 1);
        Ok(FormattedOperation {
            methods: body[..end].to_string(),
            items: body[end..].strip_prefix("}\n").unwrap_or(&body[end..]).to_string(),
        })
    }

    fn lines(&self) -> usize {
        self.methods.lines().count() + self.items.lines().count() + 2
    }
}

/// `head` (a formatted file ending in an impl block) with `items` put before that block and
/// `methods` added to it.
///
/// The file ends with the impl block's closing brace, so code a user appends at its end stays
/// apart from what a later generation adds (new methods go before that brace, new items before
/// the block) and a three-way merge takes both without a conflict.
fn assemble<'a>(
    head: &str,
    methods: impl Iterator<Item = &'a str>,
    items: impl Iterator<Item = &'a str>,
) -> String {
    let head = head.strip_suffix("}\n").unwrap_or(head);
    let block = head.rfind("\nimpl").map_or(0, |at| at + 1);
    let mut text = head[..block].to_string();
    for item in items {
        text.push_str(item);
    }
    text.push_str(&head[block..]);
    for method in methods {
        text.push_str(method);
    }
    text.push_str("}\n");
    text
}

/// A formatted file of `tokens` followed by an impl block of `self_ty` that `assemble` fills.
fn impl_head(
    name: &str,
    tokens: TokenStream,
    self_ty: TokenStream,
) -> Result<String, GenerateError> {
    let text = print_piece(name, quote!(#tokens impl #self_ty { fn placeholder() {} }))?;
    // Drop the placeholder, keep `impl ... {` and the closing brace.
    let at = text.rfind("    fn placeholder() {}\n").unwrap_or(text.len());
    Ok(format!("{}{}", &text[..at], &text[at..].replacen("    fn placeholder() {}\n", "", 1)))
}

/// What every file of one service shares: the service struct, its constructor, the file
/// header, and each operation's methods and items as formatted text.
struct ServiceParts<'e> {
    entity: &'e EntityIr,
    service: proc_macro2::Ident,
    service_struct: TokenStream,
    constructor: TokenStream,
    header: TokenStream,
    formatted: Vec<FormattedOperation>,
    /// Each operation's estimated lines in a file.
    sizes: Vec<usize>,
}

impl<'e> ServiceParts<'e> {
    fn new(cx: &Context<'_>, spec: &SpecIr, entity: &'e EntityIr) -> Result<Self, GenerateError> {
        let codes: Vec<OperationCode> =
            entity.operations.iter().map(|op| emit_operation(op, Site::Service)).collect();
        let formatted: Vec<FormattedOperation> =
            codes.iter().map(FormattedOperation::new).collect::<Result<_, _>>()?;
        let service = format_ident!("{}", entity.service);
        let client = cx.client_ident();
        let entity_doc = entity
            .description
            .as_deref()
            .map(doc_text)
            .filter(|text| !text.trim().is_empty())
            .unwrap_or_else(|| format!("The `{}` operations of the API.", entity.name));
        let struct_doc = doc_attrs(&format!("{entity_doc}\n\n{}", super::ERRORS_DOC));
        let service_struct = quote! {
            #struct_doc
            #[derive(Debug, Clone)]
            pub struct #service {
                client: crate::client::#client,
            }
        };
        let constructor = quote! {
            /// The service on `client`.
            pub fn new(client: crate::client::#client) -> Self {
                Self { client }
            }
        };
        let header = inner_doc_attrs(
            &cx.header(&format!("The `{}` service of the `{}` spec.", entity.name, spec.stem)),
        );
        let sizes = formatted.iter().map(FormattedOperation::lines).collect();
        Ok(ServiceParts { entity, service, service_struct, constructor, header, formatted, sizes })
    }

    /// The struct and its constructor, after `before` (module declarations).
    fn struct_tokens(&self, before: &[TokenStream]) -> TokenStream {
        let ServiceParts { header, service_struct, service, constructor, .. } = self;
        quote! {
            #header
            #(#before)*
            #service_struct
            impl #service {
                #constructor
            }
        }
    }
}

fn entity_files(
    cx: &Context<'_>,
    spec: &SpecIr,
    entity: &EntityIr,
    dir: &str,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let parts = ServiceParts::new(cx, spec, entity)?;
    if let Some(single) = single_file(cx, &parts, dir)? {
        return Ok(vec![single]);
    }
    // Split by sub-resource. Pack by estimated size, then check the real files; shrink the
    // budget until every part fits (a single operation larger than the limit keeps a file of
    // its own).
    let index_of =
        |op: &OperationIr| entity.operations.iter().position(|o| std::ptr::eq(o, op)).unwrap_or(0);
    let mut budget = MAX_SERVICE_LINES - PART_OVERHEAD;
    let (mut files, part_mods) = loop {
        let split = split_service(
            &entity.module,
            &entity.operations,
            |op| parts.sizes[index_of(op)],
            budget,
        );
        let mut files = Vec::new();
        let mut part_mods = Vec::new();
        for part in &split {
            let (part_files, part_mod) = part_files(cx, &parts, part, dir)?;
            files.extend(part_files);
            part_mods.push(part_mod);
        }
        let fits = files.iter().all(|f| f.lines() < MAX_SERVICE_LINES);
        if fits || budget <= 40 {
            break (files, part_mods);
        }
        budget -= 30;
    };
    let mod_path = format!("{dir}/{}/mod.rs", entity.module);
    let mod_text = format_file(&mod_path, parts.struct_tokens(&part_mods))?;
    files.insert(0, GeneratedFile::new(mod_path, mod_text));
    Ok(files)
}

/// The service in one file, `{dir}/{entity}.rs`, when it stays under the line limit.
fn single_file(
    cx: &Context<'_>,
    parts: &ServiceParts<'_>,
    dir: &str,
) -> Result<Option<GeneratedFile>, GenerateError> {
    let single_path = format!("{dir}/{}.rs", parts.entity.module);
    let head = print_piece(&single_path, parts.struct_tokens(&[]))?;
    // Tidying shortens paths and joins some lines: a file twice the limit before it is split
    // without tidying it whole first (the tidy pass is the costly step of a large spec).
    let untidied = head.lines().count() + parts.sizes.iter().sum::<usize>();
    if untidied >= 2 * MAX_SERVICE_LINES {
        return Ok(None);
    }
    let formatted = &parts.formatted;
    let single = tidy_text(
        &single_path,
        &assemble(
            &head,
            formatted.iter().map(|f| f.methods.as_str()),
            formatted.iter().map(|f| f.items.as_str()),
        ),
        cx.tidies(),
    )?;
    Ok((single.lines().count() < MAX_SERVICE_LINES)
        .then(|| GeneratedFile::new(single_path, single)))
}

/// The file (or, for one operation too large for a file, the two files) of one part of a
/// split service, and its declaration in the service's `mod.rs` with the re-exports of its
/// public types.
fn part_files(
    cx: &Context<'_>,
    parts: &ServiceParts<'_>,
    part: &ServicePart,
    dir: &str,
) -> Result<(Vec<GeneratedFile>, TokenStream), GenerateError> {
    let (entity, service, tidies) = (parts.entity, &parts.service, cx.tidies());
    let part_ident = format_ident!("{}", part.module);
    let exports: Vec<proc_macro2::Ident> = part
        .operations
        .iter()
        .flat_map(|i| public_types(&entity.operations[*i]))
        .map(|name| format_ident!("{}", name))
        .collect();
    let methods = || part.operations.iter().map(|i| parts.formatted[*i].methods.as_str());
    let items = || part.operations.iter().map(|i| parts.formatted[*i].items.as_str());
    let part_header = inner_doc_attrs(
        &cx.header(&format!("Operations of the `{}` service on `{}`.", entity.name, part.module)),
    );
    let path = format!("{dir}/{}/{}.rs", entity.module, part.module);
    let head = impl_head(&path, part_header.clone(), quote!(super::#service))?;
    let text = tidy_text(&path, &assemble(&head, methods(), items()), tidies)?;
    if text.lines().count() < MAX_SERVICE_LINES || part.operations.len() > 1 {
        let export =
            (!exports.is_empty()).then(|| quote!(pub use self::#part_ident::{#(#exports),*};));
        return Ok((vec![GeneratedFile::new(path, text)], quote!(mod #part_ident; #export)));
    }
    // One operation too large for a file: its types go to a file of their own.
    let types_module = format_ident!("{}_types", part.module);
    let types_path = format!("{dir}/{}/{}_types.rs", entity.module, part.module);
    let types_header = inner_doc_attrs(&cx.header(&format!(
        "Parameter, descriptor and error types of the `{}` service on `{}`.",
        entity.name, part.module
    )));
    let types_text = tidy_text(
        &types_path,
        &format!("{}{}", print_piece(&types_path, types_header)?, items().collect::<String>()),
        tidies,
    )?;
    let uses = quote!(use super::#types_module::*;);
    let head = impl_head(&path, quote!(#part_header #uses), quote!(super::#service))?;
    let text = tidy_text(&path, &assemble(&head, methods(), std::iter::empty()), tidies)?;
    let export =
        (!exports.is_empty()).then(|| quote!(pub use self::#types_module::{#(#exports),*};));
    Ok((
        vec![GeneratedFile::new(path, text), GeneratedFile::new(types_path, types_text)],
        quote!(mod #part_ident; mod #types_module; #export),
    ))
}
