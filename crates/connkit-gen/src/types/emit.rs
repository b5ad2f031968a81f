//! Definitions to Rust source: tokens with `quote!`, formatted with prettyplease, one file per
//! named schema (with the inline types it owns) plus `mod.rs`.

use std::path::PathBuf;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::GeneratedFile;
use super::build::UNKNOWN_VARIANT;
use super::finish::Traits;
use super::ir::{Def, DefId, DefKind, EnumValue, Field, MixedValue, Prim, Ty, Variant};
use super::names;
use crate::docs_text as docs;
use crate::naming::UniqueNames;

/// Turns finished definitions into source files.
pub(crate) struct Emitter<'a> {
    /// Every definition.
    pub(crate) defs: &'a [Def],
    /// Derivable traits per definition.
    pub(crate) traits: &'a Traits,
    /// The module path tokens (`crate::models`).
    pub(crate) module_path: &'a TokenStream,
    /// Which features compile which models (`None`: every model always compiles).
    pub(crate) gating: Option<&'a super::usage::Gating>,
}

/// The helper in `mod.rs` that keeps `null` apart from absence for optional nullable fields.
const PRESENT_HELPER: &str = "deserialize_present";

fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Doc attributes for `text`, or the fallback sentence when it is empty.
fn doc_attrs(text: Option<&str>, fallback: &str, deprecated: bool) -> TokenStream {
    let mut lines = text.map(docs::doc_lines).unwrap_or_default();
    if lines.is_empty() {
        lines.push(fallback.to_owned());
    }
    if deprecated {
        lines.push(String::new());
        lines.push("**Deprecated.**".to_owned());
    }
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Tokens of a type expression, from any module.
pub(crate) fn ty_tokens(defs: &[Def], module_path: &TokenStream, ty: &Ty) -> TokenStream {
    match ty {
        Ty::Prim(prim) => match prim {
            Prim::Bool => quote!(bool),
            Prim::I8 => quote!(i8),
            Prim::I16 => quote!(i16),
            Prim::I32 => quote!(i32),
            Prim::I64 => quote!(i64),
            Prim::U8 => quote!(u8),
            Prim::U16 => quote!(u16),
            Prim::U32 => quote!(u32),
            Prim::U64 => quote!(u64),
            Prim::F64 => quote!(f64),
            Prim::String => quote!(::std::string::String),
        },
        Ty::Json => quote!(::serde_json::Value),
        Ty::JsonMap => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        Ty::Named(id) => {
            let name = ident(&defs[*id].name);
            quote!(#module_path::#name)
        }
        Ty::Vec(inner) => {
            let inner = ty_tokens(defs, module_path, inner);
            quote!(::std::vec::Vec<#inner>)
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(defs, module_path, inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        Ty::Option(inner) => {
            let inner = ty_tokens(defs, module_path, inner);
            quote!(::core::option::Option<#inner>)
        }
    }
}

impl Emitter<'_> {
    fn ty(&self, ty: &Ty, boxed: bool) -> TokenStream {
        let tokens = ty_tokens(self.defs, self.module_path, ty);
        if boxed { quote!(::std::boxed::Box<#tokens>) } else { tokens }
    }

    fn derives(&self, id: DefId, serde: bool) -> TokenStream {
        let eq = self.traits.eq.get(id).copied().unwrap_or(false).then(|| quote!(Eq,));
        let default =
            self.traits.default.get(id).copied().unwrap_or(false).then(|| quote!(Default,));
        let serde = serde.then(|| quote!(::serde::Serialize, ::serde::Deserialize));
        quote!(#[derive(Debug, Clone, PartialEq, #eq #default #serde)])
    }

    /// Every file: one per owning definition, plus `mod.rs` re-exporting every type.
    pub(crate) fn files(&self, title: &str) -> Vec<GeneratedFile> {
        let mut modules = UniqueNames::default();
        modules.reserve("mod");
        // A file named like the models module itself (a schema called `Models`) would trip
        // `clippy::module_inception`.
        if let Some(parent) = self.module_path.to_string().rsplit("::").next() {
            modules.reserve(parent.trim());
        }
        let mut files = Vec::new();
        let mut mod_items = Vec::new();
        let mut by_owner: Vec<Vec<DefId>> = vec![Vec::new(); self.defs.len()];
        for (id, def) in self.defs.iter().enumerate() {
            if let Some(group) = by_owner.get_mut(def.owner) {
                group.push(id);
            }
        }
        // The features of the files that use the `present` helper: it compiles with them.
        let mut present_gate: Option<Option<std::collections::BTreeSet<String>>> = None;
        for (owner, members) in by_owner.iter().enumerate() {
            if members.is_empty() || self.defs[owner].owner != owner {
                continue;
            }
            let module = modules.unique(&names::module_name(&self.defs[owner].name), "_");
            let items = members.iter().map(|id| self.def_items(*id));
            files.push(GeneratedFile {
                path: PathBuf::from(format!("{module}.rs")),
                contents: format_file(quote!(#(#items)*)),
            });
            let features = self.gating.and_then(|g| g.features_of(members));
            let uses_present = members.iter().any(|id| uses_present(&self.defs[*id]));
            if uses_present {
                present_gate = Some(match (present_gate, &features) {
                    (None, features) => features.clone(),
                    (Some(None), _) | (Some(_), None) => None,
                    (Some(Some(mut union)), Some(more)) => {
                        union.extend(more.iter().cloned());
                        Some(union)
                    }
                });
            }
            let gate = super::usage::cfg_attr(features.as_ref());
            let module = ident(&module);
            let exported = members.iter().map(|id| ident(&self.defs[*id].name));
            mod_items.push(quote! {
                #gate
                mod #module;
                #gate
                pub use self::#module::{#(#exported),*};
            });
        }
        let present_gate = super::usage::cfg_attr(present_gate.clone().flatten().as_ref());
        let present = self.defs.iter().any(uses_present).then(|| {
            let helper = ident(PRESENT_HELPER);
            quote! {
                /// Reads a present value, `null` included, as `Some`, so that optional nullable
                /// fields keep "absent" and `null` apart.
                #present_gate
                fn #helper<'de, D, T>(deserializer: D) -> ::core::result::Result<::core::option::Option<T>, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                    T: ::serde::Deserialize<'de>,
                {
                    T::deserialize(deserializer).map(::core::option::Option::Some)
                }
            }
        });
        mod_items.push(quote!(#present));
        let doc = format!(" Request and response models of {}.", docs::inline(title));
        files.push(GeneratedFile {
            path: PathBuf::from("mod.rs"),
            contents: format_file(quote! {
                #![doc = #doc]
                #(#mod_items)*
            }),
        });
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    fn def_items(&self, id: DefId) -> TokenStream {
        let def = &self.defs[id];
        let fallback = match &def.schema_name {
            Some(schema) => format!("The {} schema.", docs::code(schema)),
            None => format!("An inline type of the spec, named `{}` here.", def.name),
        };
        let doc = doc_attrs(def.doc.as_deref(), &fallback, def.deprecated);
        let name = ident(&def.name);
        match &def.kind {
            DefKind::Struct { fields, extra } => {
                let derives = self.derives(id, true);
                let fields = fields.iter().map(|f| self.field(f));
                let extra = extra.as_ref().map(|(field, ty)| {
                    let field = ident(field);
                    let ty = self.ty(ty, false);
                    quote! {
                        /// Properties the schema does not declare, kept as received.
                        #[serde(flatten)]
                        pub #field: ::std::collections::BTreeMap<::std::string::String, #ty>,
                    }
                });
                quote! {
                    #doc
                    #derives
                    pub struct #name {
                        #(#fields)*
                        #extra
                    }
                }
            }
            DefKind::Alias(ty) => {
                let ty = self.ty(ty, false);
                quote! {
                    #doc
                    pub type #name = #ty;
                }
            }
            DefKind::Newtype(ty) => {
                let derives = self.derives(id, true);
                let ty = self.ty(ty, false);
                quote! {
                    #doc
                    #derives
                    #[serde(transparent)]
                    pub struct #name(pub #ty);
                }
            }
            DefKind::StringEnum { values } => self.string_enum(&name, &doc, values),
            DefKind::MixedEnum { values } => self.mixed_enum(id, &name, &doc, values),
            DefKind::Tagged { property, variants } => {
                self.tagged(id, &name, &doc, property, variants)
            }
            DefKind::Untagged { variants } => {
                let derives = self.derives(id, true);
                let allow =
                    variant_names_allow(&def.name, variants.iter().map(|v| v.rust.as_str()));
                let variants = variants.iter().map(|v| self.variant(v));
                quote! {
                    #doc
                    #derives
                    #allow
                    #[serde(untagged)]
                    pub enum #name {
                        #(#variants)*
                    }
                }
            }
            DefKind::Pending => {
                quote! {
                    #doc
                    pub type #name = ::serde_json::Value;
                }
            }
        }
    }

    fn field(&self, field: &Field) -> TokenStream {
        let fallback = format!("The {} property.", docs::code(&field.wire));
        let doc = doc_attrs(field.doc.as_deref(), &fallback, field.deprecated);
        let name = ident(&field.rust);
        if field.flatten {
            let ty = self.ty(&field.ty, field.boxed);
            return quote! {
                #doc
                #[serde(flatten)]
                pub #name: #ty,
            };
        }
        let rename = (field.rust != field.wire).then(|| {
            let wire = &field.wire;
            quote!(#[serde(rename = #wire)])
        });
        let inner = self.ty(&field.ty, field.boxed);
        let (ty, skip) = if !field.required && field.nullable {
            let helper =
                format!("{}::{PRESENT_HELPER}", self.module_path.to_string().replace(' ', ""));
            (
                quote!(::core::option::Option<::core::option::Option<#inner>>),
                Some(quote! {
                    #[serde(
                        default,
                        deserialize_with = #helper,
                        skip_serializing_if = "::core::option::Option::is_none"
                    )]
                }),
            )
        } else if !field.required {
            (
                quote!(::core::option::Option<#inner>),
                Some(
                    quote!(#[serde(default, skip_serializing_if = "::core::option::Option::is_none")]),
                ),
            )
        } else if field.nullable {
            (quote!(::core::option::Option<#inner>), None)
        } else {
            (inner, None)
        };
        quote! {
            #doc
            #rename
            #skip
            pub #name: #ty,
        }
    }

    fn variant(&self, variant: &Variant) -> TokenStream {
        let fallback = match variant.tags.first() {
            Some(tag) => format!("The member selected by {}.", docs::code(tag)),
            None => format!("The `{}` member.", variant.rust),
        };
        let doc = doc_attrs(variant.doc.as_deref(), &fallback, false);
        let name = ident(&variant.rust);
        let ty = self.ty(&variant.ty, variant.boxed);
        quote! {
            #doc
            #name(#ty),
        }
    }

    fn string_enum(&self, name: &Ident, doc: &TokenStream, values: &[EnumValue]) -> TokenStream {
        let unknown = ident(UNKNOWN_VARIANT);
        let allow = variant_names_allow(
            &name.to_string(),
            values.iter().map(|v| v.rust.as_str()).chain([UNKNOWN_VARIANT]),
        );
        let variants = values.iter().map(|v| {
            let doc = format!(" {}", docs::code(&v.wire));
            let variant = ident(&v.rust);
            quote!(#[doc = #doc] #variant,)
        });
        let as_str = values.iter().map(|v| {
            let variant = ident(&v.rust);
            let wire = &v.wire;
            quote!(Self::#variant => #wire,)
        });
        let from = values.iter().map(|v| {
            let variant = ident(&v.rust);
            let wire = &v.wire;
            quote!(#wire => Self::#variant,)
        });
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            #allow
            pub enum #name {
                #(#variants)*
                /// A value not known when this crate was generated, kept as received.
                #unknown(::std::string::String),
            }

            impl #name {
                /// The value as sent on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #(#as_str)*
                        Self::#unknown(value) => value.as_str(),
                    }
                }
            }

            impl ::core::fmt::Display for #name {
                fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::core::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #(#from)*
                        other => Self::#unknown(::std::string::String::from(other)),
                    }
                }
            }

            impl ::core::str::FromStr for #name {
                type Err = ::core::convert::Infallible;

                fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                    ::core::result::Result::Ok(Self::from(value))
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                    ::core::result::Result::Ok(Self::from(value.as_str()))
                }
            }
        }
    }

    fn mixed_enum(
        &self,
        id: DefId,
        name: &Ident,
        doc: &TokenStream,
        values: &[MixedValue],
    ) -> TokenStream {
        let unknown = ident(UNKNOWN_VARIANT);
        let derives = self.derives(id, false);
        let allow = variant_names_allow(
            &name.to_string(),
            values.iter().map(|v| v.rust.as_str()).chain([UNKNOWN_VARIANT]),
        );
        let variants = values.iter().map(|v| {
            let doc = format!(" `{}`", v.value);
            let variant = ident(&v.rust);
            quote!(#[doc = #doc] #variant,)
        });
        let literal = json_literal;
        let to_value = values.iter().map(|v| {
            let variant = ident(&v.rust);
            let lit = literal(&v.value);
            quote!(Self::#variant => ::serde_json::Value::from(#lit),)
        });
        let from_value = values.iter().map(|v| {
            let variant = ident(&v.rust);
            let lit = literal(&v.value);
            quote! {
                if value == #lit {
                    return Self::#variant;
                }
            }
        });
        let serde_impls = value_serde_impls(name);
        quote! {
            #doc
            #derives
            #[non_exhaustive]
            #allow
            pub enum #name {
                #(#variants)*
                /// A value not known when this crate was generated, kept as received.
                #unknown(::serde_json::Value),
            }

            impl #name {
                /// The value as sent on the wire.
                pub fn to_value(&self) -> ::serde_json::Value {
                    match self {
                        #(#to_value)*
                        Self::#unknown(value) => value.clone(),
                    }
                }

                /// The member for a wire value (unknown values are kept).
                pub fn from_value(value: ::serde_json::Value) -> Self {
                    #(#from_value)*
                    Self::#unknown(value)
                }
            }


            #serde_impls
        }
    }

    fn tagged(
        &self,
        id: DefId,
        name: &Ident,
        doc: &TokenStream,
        property: &str,
        variants: &[Variant],
    ) -> TokenStream {
        let unknown = ident(UNKNOWN_VARIANT);
        let derives = self.derives(id, false);
        let allow = variant_names_allow(
            &name.to_string(),
            variants.iter().map(|v| v.rust.as_str()).chain([UNKNOWN_VARIANT]),
        );
        let members = variants.iter().map(|v| self.variant(v));
        let serialize = variants.iter().map(|v| {
            let variant = ident(&v.rust);
            let tag = v.tags.first().cloned().unwrap_or_default();
            quote! {
                Self::#variant(member) => {
                    let mut value = ::serde_json::to_value(member).map_err(::serde::ser::Error::custom)?;
                    if let ::serde_json::Value::Object(map) = &mut value {
                        map.entry(#property).or_insert_with(|| ::serde_json::Value::from(#tag));
                    }
                    ::serde::Serialize::serialize(&value, serializer)
                }
            }
        });
        let deserialize = variants.iter().map(|v| {
            let variant = ident(&v.rust);
            let tags = &v.tags;
            quote! {
                ::core::option::Option::Some(#(#tags)|*) => ::serde_json::from_value(value)
                    .map(Self::#variant)
                    .map_err(::serde::de::Error::custom),
            }
        });
        quote! {
            #doc
            #derives
            #[non_exhaustive]
            #allow
            pub enum #name {
                #(#members)*
                /// A member whose discriminator value was not known when this crate was
                /// generated, kept as received.
                #unknown(::serde_json::Value),
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    match self {
                        #(#serialize)*
                        Self::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                    }
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                    let tag = value
                        .get(#property)
                        .and_then(::serde_json::Value::as_str)
                        .map(::std::string::String::from);
                    match tag.as_deref() {
                        #(#deserialize)*
                        _ => ::core::result::Result::Ok(Self::#unknown(value)),
                    }
                }
            }
        }
    }
}

/// `#[allow(clippy::enum_variant_names)]` when clippy would object to variant names that
/// repeat the enum's name or share a word (the names come from the spec).
fn variant_names_allow<'a>(
    enum_name: &str,
    variants: impl Iterator<Item = &'a str>,
) -> Option<TokenStream> {
    let variants: Vec<&str> = variants.collect();
    if variants.len() < 3 {
        return None;
    }
    let repeats = variants.iter().any(|v| v.starts_with(enum_name) || v.ends_with(enum_name));
    let words: Vec<Vec<String>> = variants.iter().map(|v| camel_words(v)).collect();
    let share = |pick: fn(&Vec<String>) -> Option<&String>| {
        let first = words.first().and_then(pick);
        first.is_some() && words.iter().all(|w| w.len() > 1 && pick(w) == first)
    };
    (repeats || share(|w| w.first()) || share(|w| w.last()))
        .then(|| quote!(#[allow(clippy::enum_variant_names)]))
}

fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(last) = words.last_mut() {
            last.push(c);
        }
    }
    words
}

/// Formats tokens as a file; tokens that do not parse (never expected) are kept unformatted.
fn format_file(tokens: TokenStream) -> String {
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}

/// Whether a definition has an optional nullable field (read with the `present` helper).
fn uses_present(def: &Def) -> bool {
    matches!(&def.kind, DefKind::Struct { fields, .. } if fields.iter().any(|f| !f.required && f.nullable))
}

/// A JSON value as a Rust literal that compares with `serde_json::Value` (integers and floats
/// suffixed; anything else, which a mixed enum never holds, as `()`).
fn json_literal(value: &serde_json::Value) -> TokenStream {
    match value {
        serde_json::Value::String(s) => quote!(#s),
        serde_json::Value::Bool(b) => quote!(#b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                let lit = Literal::i64_suffixed(i);
                quote!(#lit)
            } else if let Some(u) = n.as_u64() {
                let lit = Literal::u64_suffixed(u);
                quote!(#lit)
            } else {
                let lit = Literal::f64_suffixed(n.as_f64().unwrap_or(0.0));
                quote!(#lit)
            }
        }
        _ => quote!(()),
    }
}

/// `Serialize` and `Deserialize` of a mixed enum through its `to_value` and `from_value`.
fn value_serde_impls(name: &Ident) -> TokenStream {
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                ::serde::Serialize::serialize(&self.to_value(), serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from_value(value))
            }
        }
    }
}
