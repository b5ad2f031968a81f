//! The shape of one schema: types (3.1 type arrays), nullability of every version,
//! compositions, objects, arrays, enums, annotations and validation keywords.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::context::{Ctx, bool_field, extensions, ref_of, str_field, string_field, type_name};
use crate::diagnostic::DiagnosticKind;
use crate::load::Target;
use crate::model::{
    AdditionalProperties, Constraints, Discriminator, Schema, SchemaKind, SchemaRef,
};

/// Inline schemas nested deeper than this are degraded to `Any`.
const MAX_DEPTH: usize = 64;

impl Ctx<'_> {
    /// A schema used at `at`: a reference by name for `$ref`, inline otherwise.
    pub(crate) fn schema_ref(&mut self, at: &Target, value: &Value, depth: usize) -> SchemaRef {
        match ref_of(value) {
            Some(reference) => self.named_ref(at, reference),
            None => {
                if value.get("$ref").is_some() {
                    self.error(
                        DiagnosticKind::InvalidStructure,
                        at,
                        "`$ref` must be a string; the schema is degraded to any value",
                    );
                    return SchemaRef::any();
                }
                SchemaRef::Inline(Box::new(self.schema_value(at, value, depth)))
            }
        }
    }

    /// The schema at `key` of `object`, if present.
    fn schema_field(
        &mut self,
        object: &Map<String, Value>,
        at: &Target,
        key: &str,
        depth: usize,
    ) -> Option<SchemaRef> {
        let value = object.get(key)?;
        Some(self.schema_ref(&at.child(key), value, depth + 1))
    }

    /// Normalises one schema value (not a reference) found at `at`.
    pub(crate) fn schema_value(&mut self, at: &Target, value: &Value, depth: usize) -> Schema {
        let object = match value {
            Value::Object(object) => object,
            Value::Bool(_) => return Schema::new(SchemaKind::Any),
            other => {
                self.error(
                    DiagnosticKind::InvalidStructure,
                    at,
                    format!(
                        "a schema must be an object, found {}; degraded to any value",
                        type_name(other)
                    ),
                );
                return Schema::new(SchemaKind::Any);
            }
        };
        if depth > MAX_DEPTH {
            self.warning(
                DiagnosticKind::Unsupported,
                at,
                format!("schema nested deeper than {MAX_DEPTH} levels; degraded to any value"),
            );
            return Schema::new(SchemaKind::Any);
        }
        let mut schema = Schema::new(SchemaKind::Any);
        annotate(&mut schema, object);
        let mut types = self.types(object, at);
        if let Some(position) = types.iter().position(|t| *t == "null")
            && types.len() > 1
        {
            types.remove(position);
            schema.nullable = true;
        }
        for unsupported in ["not", "if", "patternProperties", "prefixItems", "dependentSchemas"] {
            if object.contains_key(unsupported) {
                self.warning(
                    DiagnosticKind::Unsupported,
                    &at.child(unsupported),
                    format!("`{unsupported}` is not supported; it is ignored"),
                );
            }
        }
        schema.kind = self.schema_kind(object, at, &types, &mut schema.nullable, depth);
        schema
    }

    fn types<'v>(&mut self, object: &'v Map<String, Value>, at: &Target) -> Vec<&'v str> {
        match object.get("type") {
            None => Vec::new(),
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            Some(other) => {
                self.error(
                    DiagnosticKind::InvalidStructure,
                    &at.child("type"),
                    format!(
                        "`type` must be a string or an array, found {}; it is ignored",
                        type_name(other)
                    ),
                );
                Vec::new()
            }
        }
    }

    fn schema_kind<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        at: &Target,
        types: &[&'v str],
        nullable: &mut bool,
        depth: usize,
    ) -> SchemaKind {
        if let Some(kind) = self.composed_kind(object, at, nullable, depth) {
            return kind;
        }
        if let Some(value) = object.get("const") {
            return SchemaKind::Const { value: value.clone() };
        }
        if let Some(values) = self.array_field(object, at, "enum") {
            return enum_kind(values, types, nullable);
        }
        match types {
            [] => {
                if has_object_keywords(object) || object.contains_key("discriminator") {
                    self.object_kind(object, at, depth)
                } else if object.contains_key("items") {
                    self.array_kind(object, at, depth)
                } else {
                    SchemaKind::Any
                }
            }
            [single] => self.kind_for_type(single, object, at, depth),
            several => {
                let variants = several
                    .iter()
                    .map(|t| {
                        SchemaRef::Inline(Box::new(Schema::new(
                            self.kind_for_type(t, object, at, depth),
                        )))
                    })
                    .collect();
                SchemaKind::OneOf { variants, discriminator: None }
            }
        }
    }

    /// The kind of a composition (`allOf`, `oneOf`, `anyOf`), with the schema's own object
    /// keywords as one more part; `None` when the schema composes nothing. A `null` variant
    /// makes the schema nullable instead.
    fn composed_kind(
        &mut self,
        object: &Map<String, Value>,
        at: &Target,
        nullable: &mut bool,
        depth: usize,
    ) -> Option<SchemaKind> {
        if let Some(parts) = self.array_field(object, at, "allOf") {
            let mut parts: Vec<SchemaRef> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| self.schema_ref(&at.child("allOf").index(i), part, depth + 1))
                .collect();
            if has_object_keywords(object) {
                parts.push(SchemaRef::Inline(Box::new(Schema::new(
                    self.object_kind(object, at, depth),
                ))));
            }
            return Some(SchemaKind::AllOf { parts });
        }
        for key in ["oneOf", "anyOf"] {
            let Some(items) = self.array_field(object, at, key) else { continue };
            if required_alternatives(items).is_some() {
                // A constraint on the object's own properties, not a choice of types: the
                // first such composition is kept in the schema's constraints.
                continue;
            }
            let mut variants = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if is_null_schema(item) {
                    *nullable = true;
                    continue;
                }
                variants.push(self.schema_ref(&at.child(key).index(i), item, depth + 1));
            }
            let discriminator = self.discriminator(object, at);
            let choice = if variants.len() == 1 && discriminator.is_none() {
                // `oneOf: [X, null]`: a nullable X.
                SchemaKind::AllOf { parts: variants }
            } else if key == "oneOf" {
                SchemaKind::OneOf { variants, discriminator }
            } else {
                SchemaKind::AnyOf { variants, discriminator }
            };
            if has_object_keywords(object) {
                let own = Schema::new(self.object_kind(object, at, depth));
                return Some(SchemaKind::AllOf {
                    parts: vec![
                        SchemaRef::Inline(Box::new(own)),
                        SchemaRef::Inline(Box::new(Schema::new(choice))),
                    ],
                });
            }
            return Some(choice);
        }
        None
    }

    fn kind_for_type(
        &mut self,
        name: &str,
        object: &Map<String, Value>,
        at: &Target,
        depth: usize,
    ) -> SchemaKind {
        match name {
            "object" => self.object_kind(object, at, depth),
            "array" => self.array_kind(object, at, depth),
            "string" | "file" => SchemaKind::String { values: Vec::new() },
            "integer" => SchemaKind::Integer { values: Vec::new() },
            "number" => SchemaKind::Number,
            "boolean" => SchemaKind::Boolean,
            "null" => SchemaKind::Null,
            other => {
                self.error(
                    DiagnosticKind::InvalidValue,
                    &at.child("type"),
                    format!("unknown type `{other}`; degraded to any value"),
                );
                SchemaKind::Any
            }
        }
    }

    fn array_kind(&mut self, object: &Map<String, Value>, at: &Target, depth: usize) -> SchemaKind {
        let items = match object.get("items") {
            Some(Value::Array(_)) => {
                self.warning(
                    DiagnosticKind::Unsupported,
                    &at.child("items"),
                    "tuple `items` (an array of schemas) is not supported; items are any value",
                );
                SchemaRef::any()
            }
            Some(_) => self.schema_field(object, at, "items", depth).unwrap_or_else(SchemaRef::any),
            None => SchemaRef::any(),
        };
        SchemaKind::Array { items }
    }

    fn object_kind(
        &mut self,
        object: &Map<String, Value>,
        at: &Target,
        depth: usize,
    ) -> SchemaKind {
        let mut properties = IndexMap::new();
        if let Some(map) = self.object_field(object, at, "properties") {
            let base = at.child("properties");
            for (name, value) in map {
                properties
                    .insert(name.clone(), self.schema_ref(&base.child(name), value, depth + 1));
            }
        }
        let required = if object.contains_key("required") && !object["required"].is_array() {
            // Swagger 2 allows `required: true` only on parameters; on schemas it is an error.
            self.error(
                DiagnosticKind::InvalidStructure,
                &at.child("required"),
                "`required` of a schema must be an array of property names; it is ignored",
            );
            Vec::new()
        } else {
            self.string_list(object, at, "required")
        };
        let additional_properties = match object.get("additionalProperties") {
            None => AdditionalProperties::Unspecified,
            Some(Value::Bool(false)) => AdditionalProperties::Forbidden,
            Some(Value::Bool(true)) => AdditionalProperties::Any,
            Some(Value::Object(map)) if map.is_empty() => AdditionalProperties::Any,
            Some(value) => AdditionalProperties::Schema(self.schema_ref(
                &at.child("additionalProperties"),
                value,
                depth + 1,
            )),
        };
        let discriminator = self.discriminator(object, at);
        SchemaKind::Object { properties, required, additional_properties, discriminator }
    }

    fn discriminator(&mut self, object: &Map<String, Value>, at: &Target) -> Option<Discriminator> {
        let at = at.child("discriminator");
        match object.get("discriminator")? {
            Value::String(property_name) => Some(Discriminator {
                property_name: property_name.clone(),
                mapping: IndexMap::new(),
            }),
            Value::Object(map) => {
                let Some(property_name) = string_field(map, "propertyName") else {
                    self.error(
                        DiagnosticKind::MissingField,
                        &at,
                        "discriminator without `propertyName`; it is ignored",
                    );
                    return None;
                };
                let mut mapping = IndexMap::new();
                if let Some(entries) = self.object_field(map, &at, "mapping") {
                    for (value, target) in entries {
                        let Some(target) = target.as_str() else { continue };
                        if let Some(name) =
                            self.mapping_target(&at.child("mapping").child(value), target)
                        {
                            mapping.insert(value.clone(), name);
                        }
                    }
                }
                Some(Discriminator { property_name, mapping })
            }
            other => {
                self.error(
                    DiagnosticKind::InvalidStructure,
                    &at,
                    format!(
                        "`discriminator` must be an object, found {}; it is ignored",
                        type_name(other)
                    ),
                );
                None
            }
        }
    }
}

/// Annotations every schema can carry.
fn annotate(schema: &mut Schema, object: &Map<String, Value>) {
    schema.title = string_field(object, "title");
    schema.description = string_field(object, "description");
    schema.nullable = bool_field(object, "nullable") || bool_field(object, "x-nullable");
    schema.deprecated = bool_field(object, "deprecated");
    schema.read_only = bool_field(object, "readOnly");
    schema.write_only = bool_field(object, "writeOnly");
    schema.default = object.get("default").cloned();
    schema.example = object.get("example").cloned().or_else(|| {
        object.get("examples").and_then(Value::as_array).and_then(|e| e.first()).cloned()
    });
    schema.format = string_field(object, "format");
    if str_field(object, "type") == Some("file") && schema.format.is_none() {
        schema.format = Some("binary".to_string());
    }
    schema.constraints = constraints(object);
    schema.extensions = extensions(object);
}

fn constraints(object: &Map<String, Value>) -> Constraints {
    let number = |key: &str| object.get(key).and_then(Value::as_f64);
    let count = |key: &str| object.get(key).and_then(Value::as_u64);
    let mut c = Constraints {
        minimum: number("minimum"),
        maximum: number("maximum"),
        min_length: count("minLength"),
        max_length: count("maxLength"),
        pattern: string_field(object, "pattern"),
        min_items: count("minItems"),
        max_items: count("maxItems"),
        unique_items: bool_field(object, "uniqueItems"),
        // The first such composition (`oneOf`, then `anyOf`): two would each have to hold,
        // which one list of alternatives cannot say.
        required_alternatives: ["oneOf", "anyOf"]
            .iter()
            .filter_map(|key| object.get(*key)?.as_array())
            .find_map(|items| required_alternatives(items))
            .unwrap_or_default(),
        ..Constraints::default()
    };
    match object.get("exclusiveMinimum") {
        Some(Value::Bool(b)) => c.exclusive_minimum = *b,
        Some(Value::Number(n)) => {
            c.minimum = n.as_f64();
            c.exclusive_minimum = true;
        }
        _ => {}
    }
    match object.get("exclusiveMaximum") {
        Some(Value::Bool(b)) => c.exclusive_maximum = *b,
        Some(Value::Number(n)) => {
            c.maximum = n.as_f64();
            c.exclusive_maximum = true;
        }
        _ => {}
    }
    c
}

/// The alternatives of a `oneOf`/`anyOf` whose every alternative only lists required
/// properties (with at most a title or description), `None` for any other composition.
fn required_alternatives(items: &[Value]) -> Option<Vec<Vec<String>>> {
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|item| {
            let object = item.as_object()?;
            if !object.keys().all(|k| matches!(k.as_str(), "required" | "title" | "description")) {
                return None;
            }
            let names: Vec<String> = object
                .get("required")?
                .as_array()?
                .iter()
                .map(|name| name.as_str().map(str::to_string))
                .collect::<Option<_>>()?;
            (!names.is_empty()).then_some(names)
        })
        .collect()
}

fn has_object_keywords(object: &Map<String, Value>) -> bool {
    object.contains_key("properties") || object.contains_key("additionalProperties")
}

fn is_null_schema(value: &Value) -> bool {
    let Some(object) = value.as_object() else { return false };
    match object.get("type") {
        Some(Value::String(t)) => t == "null",
        _ => object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|e| e.len() == 1 && e[0].is_null()),
    }
}

fn enum_kind(values: &[Value], types: &[&str], nullable: &mut bool) -> SchemaKind {
    let mut kept = Vec::with_capacity(values.len());
    for value in values {
        if value.is_null() {
            *nullable = true;
        } else {
            kept.push(value);
        }
    }
    let declared = types.first().copied();
    if kept.iter().all(|v| v.is_string()) && matches!(declared, None | Some("string")) {
        let values = kept.iter().filter_map(|v| v.as_str()).map(str::to_string).collect();
        return SchemaKind::String { values };
    }
    if kept.iter().all(|v| v.is_i64()) && matches!(declared, None | Some("integer")) {
        let values = kept.iter().filter_map(|v| v.as_i64()).collect();
        return SchemaKind::Integer { values };
    }
    SchemaKind::Enum { values: kept.into_iter().cloned().collect() }
}
