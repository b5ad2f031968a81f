//! Conversion of schemas into definitions and type expressions ([`super::ir`]).

use std::collections::HashMap;

use connkit_spec::model::{AdditionalProperties, Schema, SchemaKind, SchemaRef};
use heck::ToUpperCamelCase;
use indexmap::IndexMap;

use super::ir::{Def, DefId, DefKind, EnumValue, Field, MixedValue, Prim, Ty, Variant};
use super::names;
use super::plan::{MergedObject, Plan, Planner, TaggedMember};
use crate::naming::UniqueNames;

/// The name of the catch-all variant of enums that keep unknown values.
pub(crate) const UNKNOWN_VARIANT: &str = "Unknown";

/// Every definition of one space, and the state needed to add more.
#[derive(Debug, Clone)]
pub(crate) struct Builder {
    schemas: IndexMap<String, Schema>,
    children: IndexMap<String, Vec<String>>,
    /// The definitions, in creation order.
    pub(crate) defs: Vec<Def>,
    /// Schema name → its definition.
    named: IndexMap<String, DefId>,
    /// Whether each named schema accepts `null`, by schema name.
    named_nullable: IndexMap<String, bool>,
    type_names: UniqueNames,
    owner: Option<DefId>,
    /// Where a schema could not be expressed (`Type.field: reason`).
    pub(crate) fallbacks: Vec<String>,
    /// Schemas that allow any JSON value by declaration (`{}`, no type).
    pub(crate) free_form: usize,
    /// Whether an inline string enum identical to one already defined (same values and
    /// description, in the same owner's file) reuses that definition ([`Builder::share_enums`]).
    share_enums: bool,
    /// The inline string enums defined so far, by what makes two of them identical.
    inline_enums: HashMap<EnumKey, DefId>,
}

/// What makes two inline string enums the same type: their values in order, their
/// description, and the definition whose file holds them (`None`: a top-level type).
type EnumKey = (Vec<String>, Option<String>, Option<DefId>);

impl Builder {
    /// Names and converts every named schema.
    pub(crate) fn new(schemas: &IndexMap<String, Schema>) -> Builder {
        let mut children: IndexMap<String, Vec<String>> = IndexMap::new();
        for (name, schema) in schemas {
            if let SchemaKind::AllOf { parts } = &schema.kind {
                for part in parts {
                    let Some(base) = part.ref_name() else { continue };
                    let has_discriminator = matches!(
                        schemas.get(base).map(|s| &s.kind),
                        Some(SchemaKind::Object { discriminator: Some(_), .. })
                    );
                    if has_discriminator && base != name {
                        children.entry(base.to_owned()).or_default().push(name.clone());
                    }
                }
            }
        }
        let mut builder = Builder {
            schemas: schemas.clone(),
            children,
            defs: Vec::new(),
            named: IndexMap::new(),
            named_nullable: IndexMap::new(),
            type_names: UniqueNames::default(),
            owner: None,
            fallbacks: Vec::new(),
            free_form: 0,
            share_enums: false,
            inline_enums: HashMap::new(),
        };
        for (name, schema) in schemas {
            let rust = builder.type_names.unique(&names::type_name(name), "");
            let id = builder.defs.len();
            builder.defs.push(Def {
                name: rust,
                schema_name: Some(name.clone()),
                doc: describe(schema),
                deprecated: schema.deprecated,
                kind: DefKind::Pending,
                owner: id,
            });
            builder.named.insert(name.clone(), id);
            let nullable = builder.planner().is_nullable(schema);
            builder.named_nullable.insert(name.clone(), nullable);
        }
        for id in 0..builder.defs.len() {
            builder.convert_named(id);
        }
        builder
    }

    /// From now on, an inline string enum identical to one defined before reuses it (under
    /// the first one's name) instead of getting a definition of its own. Large specs repeat
    /// the same inline enum on every operation of a resource (Microsoft Graph's `$select`
    /// and `$orderby` items: 7,697 enums, 1,394 distinct), which alone made a third of the
    /// generated crate.
    pub(crate) fn share_enums(&mut self) {
        self.share_enums = true;
    }

    fn planner(&self) -> Planner<'_> {
        Planner { schemas: &self.schemas, children: &self.children }
    }

    /// The definition of a named schema, if the schema exists.
    pub(crate) fn named_def(&self, schema_name: &str) -> Option<DefId> {
        self.named.get(schema_name).copied()
    }

    /// The number of definitions made for named schemas.
    pub(crate) fn named_count(&self) -> usize {
        self.named.len()
    }

    fn convert_named(&mut self, id: DefId) {
        let Some(schema_name) = self.defs[id].schema_name.clone() else { return };
        let Some(schema) = self.schemas.get(&schema_name).cloned() else { return };
        let type_name = self.defs[id].name.clone();
        let saved = self.owner.replace(id);
        let plan = self.planner().plan(&schema, Some(&schema_name));
        let kind = match plan {
            Plan::Expr => DefKind::Alias(self.expr_ty(&schema, &type_name)),
            Plan::Passthrough(target, _) => {
                DefKind::Alias(self.ty_ref(&target, &type_name).split_option().0)
            }
            Plan::Map(values) => DefKind::Alias(self.map_ty(values.as_ref(), &type_name)),
            Plan::Fallback(reason) => {
                self.fallbacks.push(format!("{type_name}: {reason}"));
                DefKind::Alias(Ty::Json)
            }
            other => self.realize(other, id),
        };
        self.defs[id].kind = kind;
        self.owner = saved;
    }

    /// The type of a schema used somewhere. Named schemas become their definition (in an
    /// `Option` when they accept `null`); inline ones are converted, with `hint` naming any
    /// definition they need.
    pub(crate) fn ty_ref(&mut self, schema: &SchemaRef, hint: &str) -> Ty {
        match schema {
            SchemaRef::Ref(name) => match self.named.get(name) {
                Some(&id) => {
                    let ty = Ty::Named(id);
                    if self.named_nullable.get(name).copied().unwrap_or(false) {
                        Ty::Option(Box::new(ty))
                    } else {
                        ty
                    }
                }
                None => {
                    self.fallbacks.push(format!("{hint}: reference to unknown schema `{name}`"));
                    Ty::Json
                }
            },
            SchemaRef::Inline(inline) => {
                let ty = self.ty_schema(inline, hint);
                if inline.nullable { optional(ty) } else { ty }
            }
        }
    }

    fn ty_schema(&mut self, schema: &Schema, hint: &str) -> Ty {
        let plan = self.planner().plan(schema, None);
        match plan {
            Plan::Expr => self.expr_ty(schema, hint),
            Plan::Passthrough(target, nullable) => {
                let ty = self.ty_ref(&target, hint);
                if nullable { optional(ty) } else { ty }
            }
            Plan::Map(values) => self.map_ty(values.as_ref(), hint),
            Plan::Fallback(reason) => {
                self.fallbacks.push(format!("{hint}: {reason}"));
                Ty::Json
            }
            other => {
                let nullable =
                    matches!(other, Plan::Tagged { nullable: true, .. } | Plan::Untagged(_, true));
                let text = schema.description.clone().or_else(|| schema.title.clone());
                let doc = join_doc(text, required_note(schema));
                let enum_key = match &other {
                    Plan::StringEnum(values) if self.share_enums => {
                        let key = (values.clone(), doc.clone(), self.owner);
                        if let Some(&id) = self.inline_enums.get(&key) {
                            return Ty::Named(id);
                        }
                        Some(key)
                    }
                    _ => None,
                };
                let id = self.defs.len();
                let name = self.type_names.unique(&names::type_name(hint), "");
                let owner = self.owner.unwrap_or(id);
                self.defs.push(Def {
                    name,
                    schema_name: None,
                    doc,
                    deprecated: schema.deprecated,
                    kind: DefKind::Pending,
                    owner,
                });
                let saved = self.owner.replace(owner);
                let kind = self.realize(other, id);
                self.defs[id].kind = kind;
                self.owner = saved;
                if let Some(key) = enum_key {
                    self.inline_enums.insert(key, id);
                }
                if nullable { optional(Ty::Named(id)) } else { Ty::Named(id) }
            }
        }
    }

    /// Types that need no definition of their own.
    fn expr_ty(&mut self, schema: &Schema, hint: &str) -> Ty {
        match &schema.kind {
            SchemaKind::Any | SchemaKind::Null => {
                self.free_form += 1;
                Ty::Json
            }
            SchemaKind::Boolean => Ty::Prim(Prim::Bool),
            SchemaKind::Integer { .. } => Ty::Prim(integer(schema.format.as_deref())),
            SchemaKind::Number => Ty::Prim(Prim::F64),
            // `format: binary` inside a JSON or form document is text like any other string:
            // a JSON string, a form value. (`Vec<u8>` would go out as an array of numbers and
            // fail to decode the string a server sends.) Whole binary bodies never get here:
            // they are `bytes::Bytes` bodies and answers.
            SchemaKind::String { .. } => Ty::Prim(Prim::String),
            SchemaKind::Array { items } => {
                Ty::Vec(Box::new(self.ty_ref(items, &format!("{hint}Item"))))
            }
            SchemaKind::Object { additional_properties, .. } => match additional_properties {
                AdditionalProperties::Schema(values) => self.map_ty(Some(values), hint),
                _ => self.map_ty(None, hint),
            },
            SchemaKind::Const { value } => match value {
                serde_json::Value::String(_) => Ty::Prim(Prim::String),
                serde_json::Value::Bool(_) => Ty::Prim(Prim::Bool),
                serde_json::Value::Number(n) if n.is_i64() => Ty::Prim(Prim::I64),
                serde_json::Value::Number(n) if n.is_u64() => Ty::Prim(Prim::U64),
                serde_json::Value::Number(_) => Ty::Prim(Prim::F64),
                _ => {
                    self.free_form += 1;
                    Ty::Json
                }
            },
            _ => {
                self.fallbacks.push(format!("{hint}: schema kind without a Rust shape"));
                Ty::Json
            }
        }
    }

    fn map_ty(&mut self, values: Option<&SchemaRef>, hint: &str) -> Ty {
        match values {
            Some(values) => Ty::Map(Box::new(self.ty_ref(values, &format!("{hint}Value")))),
            None => Ty::JsonMap,
        }
    }

    /// Builds the definition a plan calls for; `id` is already named.
    fn realize(&mut self, plan: Plan, id: DefId) -> DefKind {
        let type_name = self.defs[id].name.clone();
        match plan {
            Plan::Struct(object) => self.realize_struct(&object, &type_name),
            Plan::StringEnum(values) => {
                let mut taken = UniqueNames::default();
                taken.reserve(UNKNOWN_VARIANT);
                let values = values
                    .into_iter()
                    .map(|wire| EnumValue {
                        rust: taken.unique(&names::variant_name(&wire), ""),
                        wire,
                    })
                    .collect();
                DefKind::StringEnum { values }
            }
            Plan::MixedEnum(values) => {
                let mut taken = UniqueNames::default();
                taken.reserve(UNKNOWN_VARIANT);
                let values = values
                    .into_iter()
                    .map(|value| MixedValue {
                        rust: taken.unique(&mixed_variant_name(&value), ""),
                        value,
                    })
                    .collect();
                DefKind::MixedEnum { values }
            }
            Plan::Tagged { property, members, .. } => {
                let variants = self.realize_tagged(members, &type_name);
                DefKind::Tagged { property, variants }
            }
            Plan::Untagged(members, _) => {
                let mut taken = UniqueNames::default();
                let mut variants = Vec::new();
                let mut order = Vec::new();
                for member in &members {
                    order.push(self.planner().permissiveness(member));
                    let base = self.member_name(member);
                    let rust = taken.unique(&base, "");
                    let ty = self.ty_ref(member, &format!("{type_name}{rust}")).split_option().0;
                    variants.push(Variant {
                        rust,
                        ty,
                        tags: Vec::new(),
                        doc: self.member_doc(member),
                        boxed: false,
                    });
                }
                // Serde tries members in order: objects without required properties match any
                // object and free-form members match anything, so they are tried last.
                let mut keyed: Vec<(u8, Variant)> = order
                    .into_iter()
                    .zip(variants)
                    .map(|(rank, v)| {
                        (if matches!(v.ty, Ty::Json | Ty::JsonMap) { 2 } else { rank }, v)
                    })
                    .collect();
                keyed.sort_by_key(|(rank, _)| *rank);
                let variants = keyed.into_iter().map(|(_, v)| v).collect();
                DefKind::Untagged { variants }
            }
            Plan::Expr | Plan::Passthrough(..) | Plan::Map(_) | Plan::Fallback(_) => {
                DefKind::Alias(Ty::Json)
            }
        }
    }

    fn realize_struct(&mut self, object: &MergedObject, type_name: &str) -> DefKind {
        let mut taken = UniqueNames::default();
        let mut fields = Vec::new();
        for (wire, schema) in &object.properties {
            let rust = taken.unique(&names::field_name(wire), "_");
            let hint = format!("{type_name}{}", wire_camel(wire));
            let (ty, nullable) = self.ty_ref(schema, &hint).split_option();
            let inline = match schema {
                SchemaRef::Inline(s) => Some(&**s),
                SchemaRef::Ref(_) => None,
            };
            fields.push(Field {
                wire: wire.clone(),
                rust,
                ty,
                required: object.required.contains(wire),
                nullable,
                doc: inline.and_then(describe),
                deprecated: inline.is_some_and(|s| s.deprecated),
                boxed: false,
                flatten: false,
            });
        }
        for part in &object.flattened {
            let base = match part.ref_name() {
                Some(name) => names::field_name(name),
                None => "variant".to_owned(),
            };
            let rust = taken.unique(&base, "_");
            let hint = format!("{type_name}{}", wire_camel(&rust));
            let ty = self.ty_ref(part, &hint).split_option().0;
            fields.push(Field {
                wire: rust.clone(),
                rust,
                ty,
                required: true,
                nullable: false,
                doc: Some("The part of the value that is one of several shapes.".to_owned()),
                deprecated: false,
                boxed: false,
                flatten: true,
            });
        }
        let extra = match &object.additional {
            Some(AdditionalProperties::Schema(values)) => {
                let ty = self.ty_ref(values, &format!("{type_name}Extra"));
                Some((taken.unique("additional_properties", "_"), ty))
            }
            Some(AdditionalProperties::Any) => {
                Some((taken.unique("additional_properties", "_"), Ty::Json))
            }
            // Undeclared others: an API adds properties over time, so they are kept as
            // received and a decoded body re-encodes without loss. Not beside flattened
            // union parts, which see the same leftover properties.
            _ if object.flattened.is_empty() => {
                Some((taken.unique("additional_properties", "_"), Ty::Json))
            }
            _ => None,
        };
        DefKind::Struct { fields, extra }
    }

    fn realize_tagged(&mut self, members: Vec<TaggedMember>, type_name: &str) -> Vec<Variant> {
        let mut taken = UniqueNames::default();
        taken.reserve(UNKNOWN_VARIANT);
        let mut variants = Vec::new();
        for member in members {
            let base = match member.schema.ref_name() {
                Some(_) => self.member_name(&member.schema),
                None => names::variant_name(&member.tags[0]),
            };
            let rust = taken.unique(&base, "");
            let ty = self.ty_ref(&member.schema, &format!("{type_name}{rust}")).split_option().0;
            let doc = self.member_doc(&member.schema);
            variants.push(Variant { rust, ty, tags: member.tags, doc, boxed: false });
        }
        variants
    }

    /// A variant name for a union member: the type name of a reference, else its kind.
    fn member_name(&self, member: &SchemaRef) -> String {
        match member {
            SchemaRef::Ref(name) => match self.named.get(name) {
                Some(&id) => self.defs[id].name.clone(),
                None => names::variant_name(name),
            },
            SchemaRef::Inline(schema) => match &schema.kind {
                SchemaKind::String { .. } => "String",
                SchemaKind::Integer { .. } => "Integer",
                SchemaKind::Number => "Number",
                SchemaKind::Boolean => "Boolean",
                SchemaKind::Array { .. } => "Array",
                SchemaKind::Object { .. } | SchemaKind::AllOf { .. } => "Object",
                SchemaKind::Const { .. } | SchemaKind::Enum { .. } => "Constant",
                _ => "Value",
            }
            .to_owned(),
        }
    }

    fn member_doc(&self, member: &SchemaRef) -> Option<String> {
        match member {
            SchemaRef::Inline(schema) => {
                schema.description.clone().or_else(|| schema.title.clone())
            }
            SchemaRef::Ref(_) => None,
        }
    }
}

/// The description (or title) of a schema, with the allowed values of an integer enum or a
/// constant appended (those stay plain Rust values).
fn describe(schema: &Schema) -> Option<String> {
    let text = schema.description.clone().or_else(|| schema.title.clone());
    let note = match &schema.kind {
        SchemaKind::Integer { values } if !values.is_empty() => {
            let list: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            Some(format!("Known values: {}.", list.join(", ")))
        }
        SchemaKind::String { values } if values.len() == 1 => {
            Some(format!("Always {}.", crate::docs_text::code(&values[0])))
        }
        SchemaKind::Const { value: serde_json::Value::String(s) } => {
            Some(format!("Always {}.", crate::docs_text::code(s)))
        }
        SchemaKind::Const { value } => {
            Some(format!("Always {}.", crate::docs_text::code(&value.to_string())))
        }
        SchemaKind::Object { .. } => required_note(schema),
        _ => None,
    };
    join_doc(text, note)
}

/// The description followed by a note, as separate paragraphs.
fn join_doc(text: Option<String>, note: Option<String>) -> Option<String> {
    match (text, note) {
        (Some(text), Some(note)) => Some(format!("{text}\n\n{note}")),
        (text, None) => text,
        (None, note) => note,
    }
}

/// What an object's required-only `anyOf`/`oneOf` asks for, which its fields' types cannot
/// say (they stay optional): "The API requires one of these to be set: `file_ids`; `files`."
fn required_note(schema: &Schema) -> Option<String> {
    let sets = &schema.constraints.required_alternatives;
    if sets.is_empty() {
        return None;
    }
    let sets: Vec<String> = sets
        .iter()
        .map(|set| {
            let names: Vec<String> = set.iter().map(|name| crate::docs_text::code(name)).collect();
            names.join(" and ")
        })
        .collect();
    Some(format!("The API requires one of these to be set: {}.", sets.join("; ")))
}

/// Wraps in `Option` unless already optional.
fn optional(ty: Ty) -> Ty {
    match ty {
        Ty::Option(_) => ty,
        other => Ty::Option(Box::new(other)),
    }
}

/// The integer type for a `format`.
fn integer(format: Option<&str>) -> Prim {
    match format {
        Some("int8") => Prim::I8,
        Some("int16") => Prim::I16,
        Some("int32") => Prim::I32,
        Some("uint8") => Prim::U8,
        Some("uint16") => Prim::U16,
        Some("uint32") => Prim::U32,
        Some("uint64" | "uint") => Prim::U64,
        _ => Prim::I64,
    }
}

/// `UpperCamelCase` of a wire name for use inside a type name hint.
fn wire_camel(wire: &str) -> String {
    let camel = names::variant_name(wire);
    if camel.is_empty() { wire.to_upper_camel_case() } else { camel }
}

/// A variant name for a mixed enum value.
fn mixed_variant_name(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => names::variant_name(s),
        serde_json::Value::Bool(true) => "True".to_owned(),
        serde_json::Value::Bool(false) => "False".to_owned(),
        serde_json::Value::Number(n) => {
            let text = n.to_string();
            let (sign, digits) = match text.strip_prefix('-') {
                Some(rest) => ("Minus", rest),
                None => ("V", text.as_str()),
            };
            let digits: String =
                digits.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
            format!("{sign}{digits}")
        }
        _ => "Value".to_owned(),
    }
}
