//! Analysis of one schema: which Rust shape it gets (a plain type expression, a struct, an
//! enum, a union, or another schema it stands for). Pure: nothing is allocated here, so the
//! builder can name a definition before converting what is inside it.

use connkit_spec::model::{AdditionalProperties, Discriminator, Schema, SchemaKind, SchemaRef};
use indexmap::IndexMap;

/// The object a struct is built from: an object schema, or the merged parts of an `allOf`.
#[derive(Debug, Clone, Default)]
pub(crate) struct MergedObject {
    /// Properties in order (later parts override earlier ones in place).
    pub(crate) properties: IndexMap<String, SchemaRef>,
    /// Required property names.
    pub(crate) required: Vec<String>,
    /// The most specific `additionalProperties` of the parts.
    pub(crate) additional: Option<AdditionalProperties>,
    /// Union parts of an `allOf`, flattened next to the properties.
    pub(crate) flattened: Vec<SchemaRef>,
}

impl MergedObject {
    fn absorb(
        &mut self,
        properties: &IndexMap<String, SchemaRef>,
        required: &[String],
        additional: &AdditionalProperties,
    ) {
        for (name, schema) in properties {
            self.properties.insert(name.clone(), schema.clone());
        }
        for name in required {
            if !self.required.contains(name) {
                self.required.push(name.clone());
            }
        }
        let rank = |a: &AdditionalProperties| match a {
            AdditionalProperties::Unspecified | AdditionalProperties::Forbidden => 0,
            AdditionalProperties::Any => 1,
            AdditionalProperties::Schema(_) => 2,
        };
        let current = self.additional.as_ref().map_or(0, rank);
        if rank(additional) > current {
            self.additional = Some(additional.clone());
        }
    }
}

/// A member of a union told apart by a discriminator.
#[derive(Debug, Clone)]
pub(crate) struct TaggedMember {
    /// The member's schema.
    pub(crate) schema: SchemaRef,
    /// The discriminator values that select it (first is the canonical one).
    pub(crate) tags: Vec<String>,
}

/// The shape chosen for a schema.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// A type expression (primitive, array, map, free-form value): no definition of its own.
    Expr,
    /// The schema stands for another one (`allOf` with one reference, a union with one member
    /// besides `null`); `true` when `null` is accepted too.
    Passthrough(SchemaRef, bool),
    /// A struct.
    Struct(MergedObject),
    /// A string enum.
    StringEnum(Vec<String>),
    /// An enum of mixed scalar values.
    MixedEnum(Vec<serde_json::Value>),
    /// A union told apart by `property`; `true` when `null` is accepted too.
    Tagged {
        /// The discriminator property.
        property: String,
        /// The members.
        members: Vec<TaggedMember>,
        /// Whether `null` is accepted too.
        nullable: bool,
    },
    /// A union tried member by member; `true` when `null` is accepted too.
    Untagged(Vec<SchemaRef>, bool),
    /// An object without declared properties: a map of these values (`None`: any JSON).
    Map(Option<SchemaRef>),
    /// Not expressible: `serde_json::Value` with the reason.
    Fallback(&'static str),
}

/// Read-only access to the named schemas and the inheritance facts the planner needs.
pub(crate) struct Planner<'a> {
    /// Named schemas.
    pub(crate) schemas: &'a IndexMap<String, Schema>,
    /// Base schema name → schemas that extend it with `allOf` (bases with a discriminator).
    pub(crate) children: &'a IndexMap<String, Vec<String>>,
}

impl Planner<'_> {
    /// Chooses the shape of `schema`; `name` is its schema name when it is a named schema.
    pub(crate) fn plan(&self, schema: &Schema, name: Option<&str>) -> Plan {
        match &schema.kind {
            // An inline enum of one value is a constant (typically a discriminator property):
            // a plain string keeps it exactly without a type of its own.
            SchemaKind::String { values }
                if values.len() > 1 || (!values.is_empty() && name.is_some()) =>
            {
                Plan::StringEnum(dedup(values.clone()))
            }
            SchemaKind::Object { properties, required, additional_properties, discriminator } => {
                if let (Some(name), Some(disc)) = (name, discriminator)
                    && let Some(plan) = self.inheritance_union(name, disc)
                {
                    return plan;
                }
                if properties.is_empty() {
                    return Plan::Expr;
                }
                let mut merged = MergedObject::default();
                merged.absorb(properties, required, additional_properties);
                Plan::Struct(merged)
            }
            SchemaKind::AllOf { parts } => self.plan_all_of(parts),
            SchemaKind::OneOf { variants, discriminator }
            | SchemaKind::AnyOf { variants, discriminator } => {
                self.plan_union(variants, discriminator.as_ref(), name)
            }
            SchemaKind::Enum { values } => {
                if values.iter().all(|v| v.is_string() || v.is_number() || v.is_boolean()) {
                    Plan::MixedEnum(dedup(values.clone()))
                } else {
                    Plan::Fallback("enum with array or object values")
                }
            }
            _ => Plan::Expr,
        }
    }

    /// Whether a schema accepts `null`: declared nullable, `null` itself, or a union with a
    /// `null` member.
    pub(crate) fn is_nullable(&self, schema: &Schema) -> bool {
        schema.nullable
            || matches!(schema.kind, SchemaKind::Null)
            || match &schema.kind {
                SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. } => {
                    variants.iter().any(|v| self.is_null(v))
                }
                _ => false,
            }
    }

    /// A base schema with a discriminator and subtypes: a union of the subtypes.
    fn inheritance_union(&self, name: &str, disc: &Discriminator) -> Option<Plan> {
        let children = self.children.get(name).map(Vec::as_slice).unwrap_or_default();
        let mut members: Vec<TaggedMember> = Vec::new();
        let add = |schema_name: &str, tag: &str, members: &mut Vec<TaggedMember>| {
            if schema_name == name || !self.schemas.contains_key(schema_name) {
                return;
            }
            match members.iter_mut().find(|m| m.schema.ref_name() == Some(schema_name)) {
                Some(member) => {
                    if !member.tags.iter().any(|t| t == tag) {
                        member.tags.push(tag.to_owned());
                    }
                }
                None => members.push(TaggedMember {
                    schema: SchemaRef::Ref(schema_name.to_owned()),
                    tags: vec![tag.to_owned()],
                }),
            }
        };
        for (tag, target) in &disc.mapping {
            if children.contains(target) {
                add(target, tag, &mut members);
            }
        }
        for child in children {
            if !disc.mapping.values().any(|t| t == child) {
                add(child, child, &mut members);
            }
        }
        if members.is_empty() {
            return None;
        }
        Some(Plan::Tagged { property: disc.property_name.clone(), members, nullable: false })
    }

    fn plan_all_of(&self, parts: &[SchemaRef]) -> Plan {
        let meaningful: Vec<&SchemaRef> =
            parts.iter().filter(|p| !self.is_annotation_only(p)).collect();
        if let [single] = meaningful.as_slice()
            && single.ref_name().is_some()
        {
            return Plan::Passthrough((*single).clone(), false);
        }
        let mut merged = MergedObject::default();
        let mut others = Vec::new();
        let mut seen = Vec::new();
        self.merge_parts(parts, &mut seen, &mut merged, &mut others);
        match (merged.properties.is_empty(), others.len()) {
            (true, 1) if merged.additional.is_none() => Plan::Passthrough(others.remove(0), false),
            (_, 0) if !merged.properties.is_empty() => Plan::Struct(merged),
            (false, _) if others.iter().all(|o| self.is_union(o)) => {
                merged.flattened = others;
                Plan::Struct(merged)
            }
            (true, 0) => Plan::Map(match merged.additional {
                Some(AdditionalProperties::Schema(values)) => Some(values),
                _ => None,
            }),
            _ => Plan::Fallback("allOf of an object and a non-object part"),
        }
    }

    /// Collects the object parts of an `allOf` (following references and nested `allOf`s)
    /// into `merged`; parts that are not objects go to `others`.
    pub(crate) fn merge_parts(
        &self,
        parts: &[SchemaRef],
        seen: &mut Vec<String>,
        merged: &mut MergedObject,
        others: &mut Vec<SchemaRef>,
    ) {
        for part in parts {
            let schema = match part {
                SchemaRef::Ref(name) => {
                    if seen.contains(name) {
                        continue;
                    }
                    seen.push(name.clone());
                    match self.schemas.get(name) {
                        Some(schema) => schema,
                        None => {
                            others.push(part.clone());
                            continue;
                        }
                    }
                }
                SchemaRef::Inline(schema) => schema,
            };
            match &schema.kind {
                SchemaKind::Object { properties, required, additional_properties, .. } => {
                    merged.absorb(properties, required, additional_properties);
                }
                SchemaKind::AllOf { parts } => self.merge_parts(parts, seen, merged, others),
                SchemaKind::Any => {}
                _ if self.is_constraint_only(part) => {}
                _ => others.push(part.clone()),
            }
        }
    }

    fn plan_union(
        &self,
        variants: &[SchemaRef],
        discriminator: Option<&Discriminator>,
        name: Option<&str>,
    ) -> Plan {
        let nullable = variants.iter().any(|v| self.is_null(v));
        let members: Vec<SchemaRef> = variants
            .iter()
            .filter(|v| !self.is_null(v) && v.ref_name().is_none_or(|n| Some(n) != name))
            .cloned()
            .collect();
        if members.is_empty() {
            return Plan::Expr;
        }
        if let Some(values) = self.string_union(&members) {
            return if values.is_empty() {
                Plan::Passthrough(members[0].clone(), nullable)
            } else {
                Plan::StringEnum(values)
            };
        }
        if let [single] = members.as_slice() {
            return Plan::Passthrough(single.clone(), nullable);
        }
        if let Some(disc) = discriminator
            && let Some(tagged) = self.tag_members(&members, &disc.property_name, &disc.mapping)
        {
            return Plan::Tagged {
                property: disc.property_name.clone(),
                members: tagged,
                nullable,
            };
        }
        if let Some((property, tagged)) = self.infer_discriminator(&members) {
            return Plan::Tagged { property, members: tagged, nullable };
        }
        Plan::Untagged(members, nullable)
    }

    /// Tags for every member: mapped values, else the schema name of a reference, else the
    /// single value its discriminator property allows. `None` when a member has no tag.
    fn tag_members(
        &self,
        members: &[SchemaRef],
        property: &str,
        mapping: &IndexMap<String, String>,
    ) -> Option<Vec<TaggedMember>> {
        let mut out = Vec::new();
        for member in members {
            let mut tags: Vec<String> = match member {
                SchemaRef::Ref(name) => mapping
                    .iter()
                    .filter(|(_, target)| *target == name)
                    .map(|(tag, _)| tag.clone())
                    .collect(),
                SchemaRef::Inline(_) => Vec::new(),
            };
            if tags.is_empty() {
                if let Some(value) = self
                    .object_property(member)
                    .and_then(|p| p.get(property).and_then(|s| self.single_string_value(s)))
                {
                    tags.push(value);
                } else if let Some(name) = member.ref_name() {
                    tags.push(name.to_owned());
                } else {
                    return None;
                }
            }
            out.push(TaggedMember { schema: member.clone(), tags });
        }
        let mut all: Vec<&String> = out.iter().flat_map(|m| &m.tags).collect();
        let count = all.len();
        all.sort();
        all.dedup();
        (all.len() == count).then_some(out)
    }

    /// A property every member declares with one distinct string value each (OpenAI's
    /// `type: {const: "message"}` style unions without a declared discriminator).
    fn infer_discriminator(&self, members: &[SchemaRef]) -> Option<(String, Vec<TaggedMember>)> {
        let objects: Vec<IndexMap<String, SchemaRef>> =
            members.iter().map(|m| self.object_property(m)).collect::<Option<_>>()?;
        let first = objects.first()?;
        'candidates: for property in first.keys() {
            let mut tagged = Vec::new();
            for (member, props) in members.iter().zip(&objects) {
                let Some(value) = props.get(property).and_then(|s| self.single_string_value(s))
                else {
                    continue 'candidates;
                };
                if tagged.iter().any(|t: &TaggedMember| t.tags[0] == value) {
                    continue 'candidates;
                }
                tagged.push(TaggedMember { schema: member.clone(), tags: vec![value] });
            }
            return Some((property.clone(), tagged));
        }
        None
    }

    /// The properties of a member that is an object (directly or through `allOf`).
    pub(crate) fn object_property(
        &self,
        member: &SchemaRef,
    ) -> Option<IndexMap<String, SchemaRef>> {
        let schema = self.resolve(member)?;
        match &schema.kind {
            SchemaKind::Object { properties, .. } => Some(properties.clone()),
            SchemaKind::AllOf { parts } => {
                let mut merged = MergedObject::default();
                let mut others = Vec::new();
                self.merge_parts(parts, &mut Vec::new(), &mut merged, &mut others);
                others.is_empty().then_some(merged.properties)
            }
            _ => None,
        }
    }

    /// The one string a schema allows (`const`, or an enum of one value).
    fn single_string_value(&self, schema: &SchemaRef) -> Option<String> {
        let schema = self.resolve(schema)?;
        match &schema.kind {
            SchemaKind::String { values } if values.len() == 1 => Some(values[0].clone()),
            SchemaKind::Const { value: serde_json::Value::String(s) } => Some(s.clone()),
            _ => None,
        }
    }

    /// For a union whose members are all strings: the allowed values (empty when any string
    /// is allowed and none is named). `None` when a member is not a string.
    fn string_union(&self, members: &[SchemaRef]) -> Option<Vec<String>> {
        let mut values = Vec::new();
        for member in members {
            let SchemaRef::Inline(schema) = member else { return None };
            match &schema.kind {
                SchemaKind::String { values: v }
                    if !matches!(schema.format.as_deref(), Some("binary")) =>
                {
                    values.extend(v.iter().cloned())
                }
                SchemaKind::Const { value: serde_json::Value::String(s) } => values.push(s.clone()),
                _ => return None,
            }
        }
        Some(dedup(values))
    }

    /// Follows a reference (one level).
    pub(crate) fn resolve<'s>(&'s self, schema: &'s SchemaRef) -> Option<&'s Schema> {
        match schema {
            SchemaRef::Ref(name) => self.schemas.get(name),
            SchemaRef::Inline(schema) => Some(schema),
        }
    }

    /// How much a union member accepts, for ordering untagged members: 1 for an object
    /// without required properties (it matches any object), 0 otherwise.
    pub(crate) fn permissiveness(&self, member: &SchemaRef) -> u8 {
        let Some(schema) = self.resolve(member) else { return 0 };
        let required = match &schema.kind {
            SchemaKind::Object { required, .. } => required.len(),
            SchemaKind::AllOf { parts } => {
                let mut merged = MergedObject::default();
                self.merge_parts(parts, &mut Vec::new(), &mut merged, &mut Vec::new());
                merged.required.len()
            }
            _ => return 0,
        };
        u8::from(required == 0)
    }

    /// A `oneOf`/`anyOf` (in place or by reference): a part that can be flattened.
    fn is_union(&self, schema: &SchemaRef) -> bool {
        self.resolve(schema)
            .is_some_and(|s| matches!(s.kind, SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }))
    }

    fn is_null(&self, schema: &SchemaRef) -> bool {
        matches!(schema, SchemaRef::Inline(s) if matches!(s.kind, SchemaKind::Null))
    }

    /// An inline part that only annotates (`{description: ...}`, `{nullable: true}`) or only
    /// constrains which properties are present (`anyOf: [{required: [a]}, {required: [b]}]`).
    fn is_annotation_only(&self, schema: &SchemaRef) -> bool {
        matches!(schema, SchemaRef::Inline(s) if matches!(s.kind, SchemaKind::Any))
            || self.is_constraint_only(schema)
    }

    /// A union whose members declare no properties of their own (only `required` lists or
    /// annotations): it restricts presence, not shape, so a struct can ignore it.
    fn is_constraint_only(&self, schema: &SchemaRef) -> bool {
        let SchemaRef::Inline(schema) = schema else { return false };
        match &schema.kind {
            SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. } => {
                !variants.is_empty()
                    && variants.iter().all(|v| match v {
                        SchemaRef::Inline(v) => match &v.kind {
                            SchemaKind::Any => true,
                            SchemaKind::Object { properties, discriminator, .. } => {
                                properties.is_empty() && discriminator.is_none()
                            }
                            _ => false,
                        },
                        SchemaRef::Ref(_) => false,
                    })
            }
            _ => false,
        }
    }
}

fn dedup<T: PartialEq>(values: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(values.len());
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}
