//! Absolute paths to short names: `::std::result::Result<T, E>` to `Result<T, E>` (the
//! prelude), `::connkit::paginate::Pagination::cursor` to `Pagination::cursor` with
//! `use connkit::paginate::Pagination;`, `crate::models::Event` to `Event` where the scope
//! defines it. A short name is used only where it cannot mean anything else in the scope;
//! otherwise the module is imported (`models::Error`) or the path loses only its leading `::`.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::Span;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};

use super::names::ScopeNames;
use super::prelude;

/// Serde attribute keys whose string value is a Rust path.
const SERDE_PATH_KEYS: [&str; 5] =
    ["skip_serializing_if", "deserialize_with", "serialize_with", "with", "default"];

/// What one absolute path could become.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shortening {
    /// The first `len` segments are the prelude's `name`.
    Prelude { len: usize, name: &'static str },
    /// The first `len` segments are an item of this very scope.
    Local { len: usize },
    /// The first `len` segments are imported (`import`, its last segment the name).
    Import { len: usize, import: Vec<String> },
    /// Only the leading `::` goes.
    Strip,
}

/// Under which `#[cfg(..)]` conditions a name is used: always, or only under any of these
/// predicates (the items of one spec of a multi-spec lite client).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Gates {
    /// Some use is not behind a `cfg`.
    Always,
    /// Every use is behind one of these predicates (each the text of a `cfg(..)`).
    Only(BTreeSet<String>),
}

impl Gates {
    fn merge(&mut self, other: &Gates) {
        match (&mut *self, other) {
            (Gates::Always, _) => {}
            (_, Gates::Always) => *self = Gates::Always,
            (Gates::Only(mine), Gates::Only(theirs)) => mine.extend(theirs.iter().cloned()),
        }
    }

    /// The `#[cfg(..)]` an import used under these conditions needs.
    pub(super) fn attribute(&self) -> Option<syn::Attribute> {
        let Gates::Only(predicates) = self else { return None };
        let parsed: Vec<proc_macro2::TokenStream> =
            predicates.iter().filter_map(|p| p.parse().ok()).collect();
        Some(match parsed.as_slice() {
            [one] => syn::parse_quote!(#[cfg(#one)]),
            many => syn::parse_quote!(#[cfg(any(#(#many),*))]),
        })
    }
}

/// How an absolute path is used in a scope.
#[derive(Debug, Clone)]
struct Usage {
    count: usize,
    gates: Gates,
}

/// Short name → the absolute paths that want it, with their usage.
type Wanted = BTreeMap<String, BTreeMap<Vec<String>, Usage>>;

/// The imports one scope gets, decided from every path it holds.
#[derive(Debug, Default)]
pub(super) struct Plan {
    wanted: Wanted,
    /// Short name → the one absolute path it stands for, and when it is used.
    granted: BTreeMap<String, (Vec<String>, Gates)>,
}

impl Plan {
    /// The `use` paths the scope needs, with the conditions under which each is used.
    pub(super) fn imports(&self) -> Vec<(Vec<String>, Gates)> {
        let mut out: Vec<(Vec<String>, Gates)> = self.granted.values().cloned().collect();
        out.sort();
        out
    }

    fn record(&mut self, import: &[String], gates: Gates) {
        let name = import.last().cloned().unwrap_or_default();
        let usage = self
            .wanted
            .entry(name)
            .or_default()
            .entry(import.to_vec())
            .or_insert(Usage { count: 0, gates: gates.clone() });
        usage.count += 1;
        usage.gates.merge(&gates);
    }

    fn granted_path(&self, name: &str) -> Option<&[String]> {
        self.granted.get(name).map(|(path, _)| path.as_slice())
    }

    /// Grants each wanted name to one absolute path: prelude names and names the scope
    /// defines or uses bare are refused; among several paths for one name the runtime's wins,
    /// then the most used. A type refused its name gets its module imported instead where
    /// that name is free (`use std::fmt;` for `fmt::Result`, `use crate::models;` for
    /// `models::Error`).
    fn decide(&mut self, names: &ScopeNames) {
        let granted = grant(&self.wanted, names);
        let mut modules: Wanted = BTreeMap::new();
        for (name, paths) in &self.wanted {
            for (path, usage) in paths {
                if granted.get(name).map(|(p, _)| p) != Some(path) && path.len() > 2 {
                    let module = path[..path.len() - 1].to_vec();
                    let module_name = module.last().cloned().unwrap_or_default();
                    let slot = modules
                        .entry(module_name)
                        .or_default()
                        .entry(module)
                        .or_insert(Usage { count: 0, gates: usage.gates.clone() });
                    slot.count += usage.count;
                    slot.gates.merge(&usage.gates);
                }
            }
        }
        let mut granted_modules = grant(&modules, names);
        granted_modules.retain(|name, _| !granted.contains_key(name));
        self.granted = granted;
        self.granted.extend(granted_modules);
    }
}

/// One path for each wanted name that is free in the scope (see [`Plan::decide`]).
fn grant(wanted: &Wanted, names: &ScopeNames) -> BTreeMap<String, (Vec<String>, Gates)> {
    let prelude_names: BTreeSet<&str> = prelude::names().collect();
    let mut out = BTreeMap::new();
    for (name, paths) in wanted {
        if names.is_defined(name)
            || names.bare.contains(name)
            || prelude_names.contains(name.as_str())
        {
            continue;
        }
        let runtime = |path: &Vec<String>| path.first().is_some_and(|krate| krate == "connkit");
        let best = paths.iter().max_by(|(a, usage_a), (b, usage_b)| {
            (runtime(a), usage_a.count).cmp(&(runtime(b), usage_b.count)).then_with(|| b.cmp(a))
        });
        if let Some((path, usage)) = best {
            out.insert(name.clone(), (path.clone(), usage.gates.clone()));
        }
    }
    out
}

/// Plans, then applies, the shortening of every path of one scope.
pub(super) struct Rewriter<'a> {
    names: &'a ScopeNames,
    /// Module paths under which the scope's own items are reachable.
    own: &'a [Vec<String>],
    plan: Plan,
    applying: bool,
    /// The `cfg(..)` predicates of the items being visited.
    gates: Vec<String>,
}

impl<'a> Rewriter<'a> {
    pub(super) fn new(names: &'a ScopeNames, own: &'a [Vec<String>]) -> Self {
        Self { names, own, plan: Plan::default(), applying: false, gates: Vec::new() }
    }

    /// Plans on `items`, decides the imports, then rewrites `items`; returns the plan.
    pub(super) fn run(mut self, items: &mut [syn::Item]) -> Plan {
        for item in items.iter_mut() {
            self.visit_scope_item(item);
        }
        self.plan.decide(self.names);
        self.applying = true;
        for item in items.iter_mut() {
            self.visit_scope_item(item);
        }
        self.plan
    }

    fn visit_scope_item(&mut self, item: &mut syn::Item) {
        match item {
            syn::Item::Mod(m) if m.content.is_some() => {
                for attr in &mut m.attrs {
                    self.visit_attribute_mut(attr);
                }
            }
            syn::Item::Use(u) => u.leading_colon = None,
            other => self.visit_item_mut(other),
        }
    }

    /// What `segments` (absolute, `core` read as `std`) could become, within its first
    /// `limit` segments (a qualified path's trait part).
    fn shortening(
        &self,
        segments: &[String],
        args_at: &[bool],
        limit: usize,
        is_macro: bool,
    ) -> Shortening {
        let plain_until = |n: usize| args_at[..n.saturating_sub(1)].iter().all(|a| !a);
        if let Some((len, name)) = prelude::prefix(segments, is_macro)
            && len <= limit
            && plain_until(len)
            && !self.names.is_defined(name)
        {
            return Shortening::Prelude { len, name };
        }
        if is_macro {
            return Shortening::Strip;
        }
        let Some(type_at) = segments
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, s)| s.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(|(i, _)| i)
        else {
            return Shortening::Strip;
        };
        if type_at >= limit || !plain_until(type_at + 1) {
            return Shortening::Strip;
        }
        let (module, name) = (&segments[..type_at], &segments[type_at]);
        if self.names.defined.contains(name) && self.own.iter().any(|own| own == module) {
            return Shortening::Local { len: type_at + 1 };
        }
        Shortening::Import { len: type_at + 1, import: segments[..=type_at].to_vec() }
    }

    /// Records or applies the shortening of `path`; `position` is a qualified path's trait
    /// length, kept in step.
    fn rewrite(&mut self, path: &mut syn::Path, position: Option<&mut usize>, is_macro: bool) {
        let absolute = path.leading_colon.is_some()
            || path.segments.first().is_some_and(|s| s.ident == "crate");
        if !absolute || path.segments.len() < 2 {
            return;
        }
        let mut segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments[0] == "core" {
            segments[0] = "std".to_string();
        }
        let args_at: Vec<bool> = path.segments.iter().map(|s| !s.arguments.is_none()).collect();
        let limit = position.as_deref().copied().unwrap_or(segments.len());
        let shortening = self.shortening(&segments, &args_at, limit, is_macro);
        if !self.applying {
            if let Shortening::Import { import, .. } = &shortening {
                let gates = if self.gates.is_empty() {
                    Gates::Always
                } else {
                    let all = self.gates.join(", ");
                    let one = if self.gates.len() == 1 { all } else { format!("all({all})") };
                    Gates::Only(BTreeSet::from([one]))
                };
                self.plan.record(import, gates);
            }
            return;
        }
        let removed = self.apply(path, &segments, shortening);
        if let Some(position) = position {
            *position -= removed;
        }
    }

    /// Rewrites `path` as `shortening` says (falling back when its import was refused);
    /// returns how many segments went.
    fn apply(
        &mut self,
        path: &mut syn::Path,
        segments: &[String],
        shortening: Shortening,
    ) -> usize {
        let keep_from = match shortening {
            Shortening::Prelude { len, name } => {
                let last = &mut path.segments[len - 1];
                last.ident = syn::Ident::new(name, last.ident.span());
                len - 1
            }
            Shortening::Local { len } => len - 1,
            Shortening::Import { len, import } => {
                let name = &segments[len - 1];
                let module = &import[..len - 1];
                if self.plan.granted_path(name) == Some(import.as_slice()) {
                    len - 1
                } else if len > 2 && self.plan.granted_path(&segments[len - 2]) == Some(module) {
                    len - 2
                } else {
                    return self.strip(path, segments);
                }
            }
            Shortening::Strip => return self.strip(path, segments),
        };
        let rest: Punctuated<syn::PathSegment, syn::Token![::]> =
            path.segments.iter().skip(keep_from).cloned().collect();
        path.segments = rest;
        path.leading_colon = None;
        keep_from
    }

    /// Drops the leading `::` where the crate name cannot mean a local item.
    fn strip(&self, path: &mut syn::Path, segments: &[String]) -> usize {
        if path.leading_colon.is_some()
            && !self.names.is_defined(&segments[0])
            && !self.names.bare.contains(&segments[0])
        {
            path.leading_colon = None;
        }
        0
    }

    /// `#[derive(::serde::Serialize)]`, `#[serde(skip_serializing_if = "::core::..")]`, and
    /// doc links written `` [`::connkit::Error`] ``.
    fn attribute(&mut self, attr: &mut syn::Attribute) {
        if attr.path().is_ident("derive") {
            let Ok(mut paths) =
                attr.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            else {
                return;
            };
            for path in paths.iter_mut() {
                self.rewrite(path, None, false);
            }
            if let syn::Meta::List(list) = &mut attr.meta {
                list.tokens = quote::quote!(#paths);
            }
        } else if attr.path().is_ident("serde") {
            self.serde_attribute(attr);
        }
    }

    fn serde_attribute(&mut self, attr: &mut syn::Attribute) {
        let Ok(mut metas) =
            attr.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        else {
            return;
        };
        let mut changed = false;
        for meta in metas.iter_mut() {
            let syn::Meta::NameValue(pair) = meta else { continue };
            if !SERDE_PATH_KEYS.iter().any(|key| pair.path.is_ident(key)) {
                continue;
            }
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &mut pair.value
            else {
                continue;
            };
            let Ok(mut path) = text.parse::<syn::Path>() else { continue };
            self.rewrite(&mut path, None, false);
            if self.applying {
                let written = quote::ToTokens::to_token_stream(&path).to_string().replace(' ', "");
                *text = syn::LitStr::new(&written, Span::call_site());
                changed = true;
            }
        }
        if changed && let syn::Meta::List(list) = &mut attr.meta {
            list.tokens = quote::quote!(#metas);
        }
    }
}

/// The predicates of an item's `#[cfg(..)]` attributes.
fn cfg_predicates(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("cfg"))
        .filter_map(|attr| match &attr.meta {
            syn::Meta::List(list) => Some(list.tokens.to_string()),
            _ => None,
        })
        .collect()
}

impl VisitMut for Rewriter<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        let depth = self.gates.len();
        if let Some(attrs) = super::item_attrs(item) {
            self.gates.extend(cfg_predicates(attrs));
        }
        visit_mut::visit_item_mut(self, item);
        self.gates.truncate(depth);
    }

    fn visit_impl_item_mut(&mut self, item: &mut syn::ImplItem) {
        let depth = self.gates.len();
        if let Some(attrs) = super::impl_item_attrs(item) {
            self.gates.extend(cfg_predicates(attrs));
        }
        visit_mut::visit_impl_item_mut(self, item);
        self.gates.truncate(depth);
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        self.rewrite(path, None, false);
        visit_mut::visit_path_mut(self, path);
    }

    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        match &mut ty.qself {
            Some(qself) => {
                self.visit_type_mut(&mut qself.ty);
                self.rewrite(&mut ty.path, Some(&mut qself.position), false);
                visit_mut::visit_path_mut(self, &mut ty.path);
            }
            None => visit_mut::visit_type_path_mut(self, ty),
        }
    }

    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        for attr in &mut expr.attrs {
            self.visit_attribute_mut(attr);
        }
        match &mut expr.qself {
            Some(qself) => {
                self.visit_type_mut(&mut qself.ty);
                self.rewrite(&mut expr.path, Some(&mut qself.position), false);
                visit_mut::visit_path_mut(self, &mut expr.path);
            }
            None => self.visit_path_mut(&mut expr.path),
        }
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        self.rewrite(&mut mac.path, None, true);
        visit_mut::visit_path_mut(self, &mut mac.path);
        if mac.path.is_ident("vec") || mac.path.segments.last().is_some_and(|s| s.ident == "vec") {
            let Ok(mut elements) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            else {
                return;
            };
            for element in elements.iter_mut() {
                self.visit_expr_mut(element);
            }
            mac.tokens = quote::quote!(#elements);
        }
    }

    fn visit_attribute_mut(&mut self, attr: &mut syn::Attribute) {
        self.attribute(attr);
    }

    fn visit_item_mod_mut(&mut self, _: &mut syn::ItemMod) {}

    fn visit_item_use_mut(&mut self, item: &mut syn::ItemUse) {
        item.leading_colon = None;
    }
}
