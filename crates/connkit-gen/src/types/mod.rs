//! Schemas to Rust model types.
//!
//! One [`TypeSpace`] per spec collects the Rust types of the spec's schemas: every named schema
//! gets a definition (under a unique, valid name), and schemas used inline get one where they
//! need it (objects, enums, unions), named from the caller's hint. [`TypeSpace::emit`] writes the
//! models module of that spec; every path in the generated code is fully qualified, so models of
//! several specs live side by side under their own module paths.
//!
//! What the generated models do (STYLE.md §11): serde with `rename` to wire names; required
//! fields are plain, optional ones `Option` skipped when absent, nullable-and-required ones
//! `Option` without skipping; string and mixed enums are `#[non_exhaustive]` with an `Unknown`
//! variant that keeps values this crate did not know; `oneOf`/`anyOf` with a discriminator
//! (declared, inherited through `allOf`, or one-valued properties) are tagged unions that keep
//! unknown members as JSON, without one untagged unions; `allOf` parts are merged into one
//! struct; `additionalProperties` become maps, or a flattened map next to declared properties,
//! and structs whose schema declares no other properties still keep undeclared ones in a
//! flattened `additional_properties` map (so an answer re-encodes without loss);
//! recursion goes through `Box` where a cycle needs it.

mod build;
mod emit;
mod finish;
mod ir;
mod names;
mod plan;
mod usage;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use connkit_spec::model::{Api, SchemaRef};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use build::Builder;
use emit::{Emitter, ty_tokens};
use ir::{DefKind, Prim, Ty};

/// A file of the generated models module, relative to the module's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the models directory (`order.rs`, `mod.rs`).
    pub path: PathBuf,
    /// Formatted Rust source.
    pub contents: String,
}

/// What a [`TypeRef`] stands for, so callers know how they may use a value of it (as a path
/// or query parameter, a header, a body).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TypeRefKind {
    /// `bool`: `Copy` and `Display`.
    Boolean,
    /// A Rust integer type: `Copy` and `Display`.
    Integer,
    /// `f64`: `Copy` and `Display`.
    Number,
    /// `String`: `Display`.
    String,
    /// A generated string enum: `Clone`, `Display`, `as_str()`, keeps unknown values.
    StringEnum,
    /// `Vec<T>` of the inner type.
    List(Box<TypeRef>),
    /// `BTreeMap<String, T>` of the inner type.
    Map(Box<TypeRef>),
    /// `Option<T>` of the inner type (a nullable schema).
    Optional(Box<TypeRef>),
    /// A generated struct, union or mixed enum: serialised with serde.
    Model,
    /// `serde_json::Value` or a JSON object map: the schema allows anything, or could not be
    /// expressed.
    Json,
}

/// A Rust type expression for a schema, fully qualified (usable from any module).
#[derive(Debug, Clone)]
pub struct TypeRef {
    /// The type, e.g. `crate::models::Order`, `::std::vec::Vec<crate::models::Order>`,
    /// `::serde_json::Value`, `::std::string::String`, `i64`.
    pub tokens: TokenStream,
    /// What it is.
    pub kind: TypeRefKind,
}

impl TypeRef {
    /// `serde_json::Value`: what an answer without a schema, or a part the generator cannot
    /// reach, is read as.
    pub fn json_value() -> TypeRef {
        TypeRef { tokens: quote::quote!(::serde_json::Value), kind: TypeRefKind::Json }
    }

    /// Whether values are `Copy` (booleans and numbers).
    pub fn is_copy(&self) -> bool {
        matches!(self.kind, TypeRefKind::Boolean | TypeRefKind::Integer | TypeRefKind::Number)
    }

    /// Whether values implement `Display` and so can go into a path, query or header as text.
    pub fn is_display(&self) -> bool {
        matches!(
            self.kind,
            TypeRefKind::Boolean
                | TypeRefKind::Integer
                | TypeRefKind::Number
                | TypeRefKind::String
                | TypeRefKind::StringEnum
        )
    }

    /// Whether this is a free-form JSON value (declared as such, or a fallback).
    pub fn is_json(&self) -> bool {
        matches!(self.kind, TypeRefKind::Json)
    }
}

/// A type reference is written as its type expression.
impl quote::ToTokens for TypeRef {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.tokens.to_tokens(tokens);
    }
}

/// The type expression's text (`:: std :: string :: String`), as `TokenStream` prints it.
impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.tokens.fmt(f)
    }
}

/// Counts for the closing note of a generation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeStats {
    /// Definitions made for named schemas.
    pub named: usize,
    /// Definitions made for inline schemas (objects, enums, unions used in place).
    pub inline: usize,
    /// Schemas that could not be expressed and fell back to `serde_json::Value`.
    pub json_fallbacks: usize,
    /// Where each fallback happened and why (`Type.field: reason`), in order.
    pub fallback_sites: Vec<String>,
    /// Schemas that allow any JSON by declaration (`{}`, no type): `serde_json::Value` by
    /// design, not a fallback.
    pub free_form: usize,
}

/// Collects the Rust types of one spec's schemas.
#[derive(Debug, Clone)]
pub struct TypeSpace {
    builder: Builder,
    module_path: TokenStream,
    title: String,
    /// Who uses the types [`TypeSpace::type_for`] hands out now ([`TypeSpace::use_for`]).
    user: Option<String>,
    /// The definitions each user reached directly (`None`: usage is not tracked).
    roots: Option<BTreeMap<String, BTreeSet<usize>>>,
}

/// How the models module is split into cargo features: a model compiles only when a feature
/// of the operations that use it is on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelFeatures {
    /// The feature of each user ([`TypeSpace::use_for`]) when models are gated per user (the
    /// entity groups of a large connector); empty when they are not.
    pub per_user: BTreeMap<String, String>,
    /// The feature that compiles the models no operation uses (webhook payloads, schemas the
    /// spec lists for reference), on by default.
    pub unused: String,
}

impl TypeSpace {
    /// Builds the space of `api`'s named schemas. `module_path` is where the models module of
    /// this spec lives in the generated crate, e.g. `crate::models` (single spec) or
    /// `crate::models::orders_v0` (several specs); segments that are not identifiers are
    /// rewritten into identifiers.
    pub fn new(api: &Api, module_path: &str) -> TypeSpace {
        let segments: Vec<Ident> = module_path
            .split("::")
            .filter(|s| !s.trim().is_empty())
            .map(|s| Ident::new(&names::path_segment(s), Span::call_site()))
            .collect();
        let module_path =
            if segments.is_empty() { quote!(crate::models) } else { quote!(#(#segments)::*) };
        TypeSpace {
            builder: Builder::new(&api.schemas),
            module_path,
            title: api.title.clone(),
            user: None,
            roots: None,
        }
    }

    /// From now on, an inline string enum identical to one handed out before (same values,
    /// description and place) is that type again, under the first one's name. For very large
    /// specs only: it keeps their crate a third smaller, but a shared enum is named after the
    /// operation that used it first.
    pub fn share_identical_enums(&mut self) {
        self.builder.share_enums();
    }

    /// Records that the types handed out from now on are used by `user` (an entity group).
    /// Once called, [`TypeSpace::emit_gated`] knows which models each user needs.
    pub fn use_for(&mut self, user: &str) {
        self.user = Some(user.to_string());
        self.roots.get_or_insert_with(BTreeMap::new).entry(user.to_string()).or_default();
    }

    /// The Rust type for a schema used somewhere (parameter, body, response, property).
    /// `name_hint` names an inline object, enum or union that needs its own definition (e.g.
    /// `GetOrdersQueryStatuses`); names are made unique inside the space. Named schemas always
    /// become `{module_path}::{TypeName}` (in an `Option` when the schema accepts `null`).
    pub fn type_for(&mut self, schema: &SchemaRef, name_hint: &str) -> TypeRef {
        let ty = self.builder.ty_ref(schema, name_hint);
        if let (Some(user), Some(roots)) = (&self.user, &mut self.roots) {
            let mut ids = Vec::new();
            ty.named(&mut ids);
            roots.entry(user.clone()).or_default().extend(ids);
        }
        self.type_ref(&ty)
    }

    /// The Rust type name (without module path) of a named schema, if the spec has it.
    pub fn type_name(&self, schema_name: &str) -> Option<&str> {
        self.builder.named_def(schema_name).map(|id| self.builder.defs[id].name.as_str())
    }

    /// The module path given to [`TypeSpace::new`], as tokens.
    pub fn module_path(&self) -> &TokenStream {
        &self.module_path
    }

    /// Counts of definitions and fallbacks so far (call after the last [`TypeSpace::type_for`]).
    pub fn stats(&self) -> TypeStats {
        let named = self.builder.named_count();
        TypeStats {
            named,
            inline: self.builder.defs.len() - named,
            json_fallbacks: self.builder.fallbacks.len(),
            fallback_sites: self.builder.fallbacks.clone(),
            free_form: self.builder.free_form,
        }
    }

    /// Emits every definition (all named schemas plus the inline ones collected) as the files
    /// of the models module: one file per named schema or top-level inline type, plus `mod.rs`
    /// re-exporting every type. Formatted with prettyplease; same input, same bytes.
    pub fn emit(self) -> Vec<GeneratedFile> {
        self.emit_gated(&ModelFeatures::default()).0
    }

    /// [`TypeSpace::emit`], each model file behind the features of the operations that use
    /// it (when usage was tracked with [`TypeSpace::use_for`]): per user when
    /// `features.per_user` names them, and the models no operation uses behind
    /// `features.unused`. Also returns whether any model is behind `features.unused`.
    pub fn emit_gated(self, features: &ModelFeatures) -> (Vec<GeneratedFile>, bool) {
        let TypeSpace { mut builder, module_path, title, roots, .. } = self;
        let traits = finish::finish(&mut builder.defs);
        let reach = roots.map(|roots| usage::reach(&builder.defs, &roots));
        let gating = reach.map(|reach| usage::Gating { reach, features: features.clone() });
        let emitter = Emitter {
            defs: &builder.defs,
            traits: &traits,
            module_path: &module_path,
            gating: gating.as_ref(),
        };
        let files = emitter.files(&title);
        let unused = gating.as_ref().is_some_and(usage::Gating::any_unused);
        (files, unused)
    }

    fn type_ref(&self, ty: &Ty) -> TypeRef {
        TypeRef {
            tokens: ty_tokens(&self.builder.defs, &self.module_path, ty),
            kind: self.kind_of(ty, 0),
        }
    }

    fn kind_of(&self, ty: &Ty, depth: usize) -> TypeRefKind {
        match ty {
            Ty::Prim(Prim::Bool) => TypeRefKind::Boolean,
            Ty::Prim(Prim::F64) => TypeRefKind::Number,
            Ty::Prim(Prim::String) => TypeRefKind::String,
            Ty::Prim(_) => TypeRefKind::Integer,
            Ty::Json | Ty::JsonMap => TypeRefKind::Json,
            Ty::Vec(inner) => TypeRefKind::List(Box::new(self.type_ref(inner))),
            Ty::Map(inner) => TypeRefKind::Map(Box::new(self.type_ref(inner))),
            Ty::Option(inner) => TypeRefKind::Optional(Box::new(self.type_ref(inner))),
            Ty::Named(id) => match &self.builder.defs[*id].kind {
                DefKind::StringEnum { .. } => TypeRefKind::StringEnum,
                DefKind::Alias(inner) if depth < 16 => self.kind_of(inner, depth + 1),
                _ => TypeRefKind::Model,
            },
        }
    }
}
