//! The names one module scope already uses: its own items and imports (which a short name
//! must not shadow or collide with), and the names it uses bare (which an import must not
//! capture: generic parameters, locals, prelude items, crates).

use std::collections::BTreeSet;

use syn::visit::{self, Visit};

/// The names of one module scope (a file, or an inline `mod { .. }` inside one).
#[derive(Debug, Default)]
pub(crate) struct ScopeNames {
    /// Items defined in the scope and names its `use` items bring in.
    pub(crate) defined: BTreeSet<String>,
    /// The scope has a glob import: any name may be taken.
    pub(super) glob: bool,
    /// Names used unqualified: single-segment paths, the first segment of relative paths,
    /// generic parameters.
    pub(super) bare: BTreeSet<String>,
}

impl ScopeNames {
    /// The names of the scope holding `items` (nested inline modules are scopes of their own
    /// and not looked into, but their names are defined here).
    pub(crate) fn of(items: &[syn::Item]) -> Self {
        let mut names = ScopeNames::default();
        for item in items {
            names.define(item);
        }
        let mut bare = BareNames { out: &mut names.bare };
        for item in items {
            if !matches!(item, syn::Item::Mod(m) if m.content.is_some())
                && !matches!(item, syn::Item::Use(_))
            {
                bare.visit_item(item);
            }
        }
        names
    }

    /// Whether `name` is taken in this scope by something other than the prelude.
    pub(super) fn is_defined(&self, name: &str) -> bool {
        self.glob || self.defined.contains(name)
    }

    fn define(&mut self, item: &syn::Item) {
        let ident = match item {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::ExternCrate(i) => i.rename.as_ref().map_or(&i.ident, |(_, r)| r),
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Macro(i) => match &i.ident {
                Some(ident) => ident,
                None => return,
            },
            syn::Item::Mod(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::TraitAlias(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            syn::Item::Use(i) => {
                self.define_use(&i.tree);
                return;
            }
            _ => return,
        };
        self.defined.insert(ident.to_string());
    }

    fn define_use(&mut self, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => self.define_use(&p.tree),
            syn::UseTree::Name(n) if n.ident == "self" => {}
            syn::UseTree::Name(n) => {
                self.defined.insert(n.ident.to_string());
            }
            syn::UseTree::Rename(r) => {
                self.defined.insert(r.rename.to_string());
            }
            syn::UseTree::Glob(_) => self.glob = true,
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.define_use(t)),
        }
    }
}

/// Collects the names a scope uses unqualified.
struct BareNames<'a> {
    out: &'a mut BTreeSet<String>,
}

impl<'ast> Visit<'ast> for BareNames<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none()
            && let Some(first) = path.segments.first()
        {
            self.out.insert(first.ident.to_string());
        }
        visit::visit_path(self, path);
    }

    fn visit_generic_param(&mut self, param: &'ast syn::GenericParam) {
        if let syn::GenericParam::Type(ty) = param {
            self.out.insert(ty.ident.to_string());
        }
        visit::visit_generic_param(self, param);
    }

    fn visit_item_mod(&mut self, _: &'ast syn::ItemMod) {}

    fn visit_item_use(&mut self, _: &'ast syn::ItemUse) {}
}
