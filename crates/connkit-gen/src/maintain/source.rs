//! Small helpers over `syn` for reading connector sources: parsing with a located error,
//! line numbers of spans, test-only items.

use proc_macro2::Span;

/// A parsed Rust file, or where and why it does not parse.
pub(crate) fn parse(text: &str) -> Result<syn::File, (usize, String)> {
    syn::parse_file(text).map_err(|err| (line(err.span()), err.to_string()))
}

/// The 1-based line where `span` starts.
pub(crate) fn line(span: Span) -> usize {
    span.start().line.max(1)
}

/// Whether the attributes mark test-only code (`#[cfg(test)]`, `#[test]`, `#[tokio::test]`).
pub(crate) fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("test") || path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        if path.is_ident("cfg") {
            let mut test = false;
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("test") {
                    test = true;
                }
                Ok(())
            });
            return test;
        }
        false
    })
}

/// The attributes of an item, for the variants that have them.
pub(crate) fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The segments of a path as strings (`["std", "env", "var"]`).
pub(crate) fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The first line of an item's doc comment, trimmed.
/// The first paragraph of a doc comment as one line (its lines joined until the first blank
/// line): the full summary, not cut at a line break.
pub(crate) fn doc_summary(attrs: &[syn::Attribute]) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        let syn::Meta::NameValue(nv) = &attr.meta else { continue };
        let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = &nv.value else {
            continue;
        };
        let value = text.value();
        // `///` with nothing after it is an attribute with an empty value: a blank line.
        let lines: Vec<&str> =
            if value.trim().is_empty() { vec![""] } else { value.lines().collect() };
        for line in lines {
            let line = line.trim();
            if line.is_empty() {
                if words.is_empty() {
                    continue;
                }
                return Some(words.join(" "));
            }
            words.push(line.to_string());
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}
