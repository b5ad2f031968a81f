//! Generated Rust made to read like code a person wrote (STYLE.md §2.10): `use` imports
//! instead of absolute paths, a space after `///`, blank lines between items, then
//! prettyplease. Emitters write absolute paths (`::std::result::Result`, `crate::models::X`)
//! so that their pieces never clash; this pass shortens each one only where the short name
//! means exactly that item in its module (see [`paths`]).

mod names;
mod paths;
mod prelude;

use std::collections::BTreeMap;
use std::path::Path;

use quote::format_ident;

pub(crate) use self::names::ScopeNames;
use self::paths::{Gates, Rewriter};

/// The doc text marking where a blank line goes; replaced after printing.
const BLANK_LINE: &str = "connkit-tidy-blank-line";

/// Where a file's items live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModuleScope {
    /// The module path (`crate::services::events`).
    path: Vec<String>,
    /// The parent re-exports every item of this module (a models file: `crate::models::Event`
    /// is `crate::models::event::Event`).
    reexported: bool,
}

impl ModuleScope {
    /// The module of the crate file at `file` (`src/services/events.rs`,
    /// `src/services/mod.rs`, `src/lib.rs`).
    pub(crate) fn of_file(file: &Path) -> Self {
        let mut path = vec!["crate".to_string()];
        let relative = file.strip_prefix("src").unwrap_or(file);
        let parts: Vec<String> =
            relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
        for (index, part) in parts.iter().enumerate() {
            let last = index + 1 == parts.len();
            let stem = part.strip_suffix(".rs").unwrap_or(part);
            if !(last && matches!(stem, "mod" | "lib" | "main")) {
                path.push(stem.to_string());
            }
        }
        let reexported = path.get(1).is_some_and(|m| m == "models") && path.len() > 2;
        Self { path, reexported }
    }

    /// The module paths that name this scope's items.
    fn own_paths(&self) -> Vec<Vec<String>> {
        let mut own = vec![self.path.clone()];
        if self.reexported && self.path.len() > 1 {
            own.push(self.path[..self.path.len() - 1].to_vec());
        }
        own
    }

    fn child(&self, name: &str, reexported: bool) -> Self {
        let mut path = self.path.clone();
        path.push(name.to_string());
        Self { path, reexported }
    }
}

/// Tidies `text`, the source of the file at `scope`, and prints it; `None` when it does not
/// parse (the caller keeps it as is).
pub(crate) fn tidy_source(text: &str, scope: &ModuleScope) -> Option<String> {
    let mut file = syn::parse_file(text).ok()?;
    Some(tidy_file(&mut file, scope))
}

/// Tidies `file` (at `scope`) and prints it with prettyplease, blank lines between items.
pub(crate) fn tidy_file(file: &mut syn::File, scope: &ModuleScope) -> String {
    tidy_items(&mut file.items, scope);
    let mut docs = DocSpacing;
    syn::visit_mut::VisitMut::visit_file_mut(&mut docs, file);
    space_items(&mut file.items, !file.attrs.is_empty());
    print(file)
}

/// Shortens the paths of one scope and of its inline modules, each with its own imports.
fn tidy_items(items: &mut Vec<syn::Item>, scope: &ModuleScope) {
    let reexports = reexported_children(items);
    for item in items.iter_mut() {
        if let syn::Item::Mod(module) = item
            && let Some((_, content)) = &mut module.content
        {
            let name = module.ident.to_string();
            tidy_items(content, &scope.child(&name, reexports.contains(&name)));
        }
    }
    let names = ScopeNames::of(items);
    let own = scope.own_paths();
    let plan = Rewriter::new(&names, &own).run(items);
    let imports = use_items(plan.imports());
    let at = items
        .iter()
        .position(|item| !matches!(item, syn::Item::Use(_) | syn::Item::ExternCrate(_)))
        .unwrap_or(items.len());
    items.splice(at..at, imports);
}

/// Inline child modules whose items the scope re-exports (`pub use self::quote::Quote;`).
fn reexported_children(items: &[syn::Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Use(u) if !matches!(u.vis, syn::Visibility::Inherited) => match &u.tree {
                syn::UseTree::Path(p) if p.ident == "self" => match &*p.tree {
                    syn::UseTree::Path(child) => Some(child.ident.to_string()),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// One `use` per module (`use connkit::{ApiResponse, Error};`), behind the `cfg` of the
/// items that use it: the standard library first, then other crates, then this crate, each
/// sorted.
fn use_items(paths: Vec<(Vec<String>, Gates)>) -> Vec<syn::Item> {
    let mut by_module: BTreeMap<(u8, Vec<String>, Gates), Vec<String>> = BTreeMap::new();
    for (mut path, gates) in paths {
        let Some(name) = path.pop() else { continue };
        let group = match path.first().map(String::as_str) {
            Some("std" | "core" | "alloc") => 0,
            Some("crate" | "self" | "super") => 2,
            _ => 1,
        };
        by_module.entry((group, path, gates)).or_default().push(name);
    }
    by_module
        .into_iter()
        .map(|((_, module, gates), mut names)| {
            names.sort();
            let gate = gates.attribute();
            let module = module.iter().map(|segment| format_ident!("{}", segment));
            let names: Vec<syn::Ident> = names.iter().map(|n| format_ident!("{}", n)).collect();
            match names.as_slice() {
                [one] => syn::parse_quote!(#gate use #(#module::)* #one;),
                _ => syn::parse_quote!(#gate use #(#module::)* {#(#names),*};),
            }
        })
        .collect()
}

/// Which group an import belongs to: the standard library, other crates, this crate.
fn import_group(item: &syn::Item) -> Option<u8> {
    let syn::Item::Use(u) = item else { return None };
    if !matches!(u.vis, syn::Visibility::Inherited) {
        return None;
    }
    let first = match &u.tree {
        syn::UseTree::Path(p) => p.ident.to_string(),
        syn::UseTree::Name(n) => n.ident.to_string(),
        _ => String::new(),
    };
    Some(match first.as_str() {
        "std" | "core" | "alloc" => 0,
        "crate" | "self" | "super" => 2,
        _ => 1,
    })
}

/// Marks where blank lines go: between items, except inside a run of `mod x;` and `pub use`
/// declarations and inside one group of imports. Recurses into impls, traits and modules.
fn space_items(items: &mut [syn::Item], after_header: bool) {
    for index in 0..items.len() {
        let blank = match index.checked_sub(1).map(|previous| &items[previous]) {
            None => after_header,
            Some(previous) => match (import_group(previous), import_group(&items[index])) {
                (Some(a), Some(b)) => a != b,
                (Some(_), None) | (None, Some(_)) => true,
                (None, None) => !(declaration(previous) && declaration(&items[index])),
            },
        };
        let item = &mut items[index];
        match item {
            syn::Item::Impl(block) => {
                let mut first = true;
                for inner in &mut block.items {
                    if !std::mem::take(&mut first)
                        && let Some(attrs) = impl_item_attrs(inner)
                    {
                        mark(attrs);
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, content)) = &mut module.content {
                    space_items(content, false);
                }
            }
            _ => {}
        }
        if blank && let Some(attrs) = item_attrs(item) {
            mark(attrs);
        }
    }
}

/// `mod x;` or a public `use`: declarations that read best without blank lines between.
fn declaration(item: &syn::Item) -> bool {
    match item {
        syn::Item::Mod(m) => m.content.is_none(),
        syn::Item::Use(_) => true,
        _ => false,
    }
}

fn mark(attrs: &mut Vec<syn::Attribute>) {
    attrs.insert(0, syn::parse_quote!(#[doc = #BLANK_LINE]));
}

pub(super) fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::ExternCrate(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::ForeignMod(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::TraitAlias(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

pub(super) fn impl_item_attrs(item: &mut syn::ImplItem) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::ImplItem::Const(i) => &mut i.attrs,
        syn::ImplItem::Fn(i) => &mut i.attrs,
        syn::ImplItem::Type(i) => &mut i.attrs,
        syn::ImplItem::Macro(i) => &mut i.attrs,
        _ => return None,
    })
}

/// prettyplease's text with each blank-line marker turned into an empty line.
fn print(file: &syn::File) -> String {
    let text = prettyplease::unparse(file);
    let marker = format!("///{BLANK_LINE}");
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.trim() == marker {
            out.push('\n');
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// `/// text` rather than `///text`, and doc links without the leading `::`
/// (`` [`connkit::Error`] ``).
struct DocSpacing;

impl syn::visit_mut::VisitMut for DocSpacing {
    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        let syn::Meta::NameValue(pair) = &mut attr.meta else { return };
        if !pair.path.is_ident("doc") {
            return;
        }
        let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &mut pair.value else {
            return;
        };
        let value = text.value();
        let mut fixed = value.replace("[`::", "[`");
        if !fixed.is_empty() && !fixed.starts_with([' ', '\n']) {
            fixed.insert(0, ' ');
        }
        if fixed != value {
            *text = syn::LitStr::new(&fixed, text.span());
        }
    }
}
