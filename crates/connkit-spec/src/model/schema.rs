//! Schemas: JSON Schema subsets of every OpenAPI version in one shape.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::Extensions;

/// A schema used somewhere: by name (recursion and sharing go through names), or inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaRef {
    /// A named schema: a key of [`super::Api::schemas`].
    Ref(String),
    /// A schema defined in place.
    Inline(Box<Schema>),
}

impl SchemaRef {
    /// A schema that accepts anything (used where a spec gives no schema or a broken one).
    pub fn any() -> SchemaRef {
        SchemaRef::Inline(Box::new(Schema::new(SchemaKind::Any)))
    }

    /// The name of the referenced schema, for `Ref`.
    pub fn ref_name(&self) -> Option<&str> {
        match self {
            SchemaRef::Ref(name) => Some(name),
            SchemaRef::Inline(_) => None,
        }
    }
}

/// One schema. The shape is in [`Schema::kind`]; the rest are annotations every kind can carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// `title`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Whether `null` is accepted besides the kind: 3.1 `type: [X, "null"]`, 3.0
    /// `nullable: true`, Swagger 2 `x-nullable: true`, or `null` among enum values.
    pub nullable: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// `default`.
    pub default: Option<serde_json::Value>,
    /// `example`, or the first of `examples`.
    pub example: Option<serde_json::Value>,
    /// `format` (`int64`, `date-time`, `binary`, ...).
    pub format: Option<String>,
    /// Validation keywords (bounds, lengths, pattern).
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// The shape.
    pub kind: SchemaKind,
    /// Vendor extensions (`x-enum-varnames`, `x-go-name`, ...).
    pub extensions: Extensions,
}

impl Schema {
    /// A schema of this kind without annotations.
    pub fn new(kind: SchemaKind) -> Schema {
        Schema {
            title: None,
            description: None,
            nullable: false,
            deprecated: false,
            read_only: false,
            write_only: false,
            default: None,
            example: None,
            format: None,
            constraints: Constraints::default(),
            kind,
            extensions: Extensions::new(),
        }
    }
}

/// Validation keywords. Absent keywords are `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Constraints {
    /// `minimum` (with `exclusiveMinimum` folded into [`Constraints::exclusive_minimum`]).
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// Whether `minimum` is exclusive (3.0 boolean form, or 3.1 numeric form).
    pub exclusive_minimum: bool,
    /// Whether `maximum` is exclusive.
    pub exclusive_maximum: bool,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `pattern` (ECMA 262 regex as written).
    pub pattern: Option<String>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// A `oneOf`/`anyOf` whose alternatives only list required properties
    /// (`anyOf: [{required: [files]}, {required: [description]}]`): the object must carry
    /// every property of at least one of these lists. Such a composition constrains which
    /// optional properties are set; it is not a choice between types, so the schema keeps its
    /// own kind and the alternatives are kept here (those of `oneOf` when both compositions
    /// are of this form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_alternatives: Vec<Vec<String>>,
}

impl Constraints {
    /// Whether no keyword is set.
    pub fn is_empty(&self) -> bool {
        self == &Constraints::default()
    }
}

/// The shape of a schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
#[non_exhaustive]
pub enum SchemaKind {
    /// Anything (no type given, `{}`, `true`, or a construct that was degraded).
    Any,
    /// `type: boolean`.
    Boolean,
    /// `type: integer`.
    Integer {
        /// Allowed values, when the schema is an integer `enum`.
        values: Vec<i64>,
    },
    /// `type: number`.
    Number,
    /// `type: string`.
    String {
        /// Allowed values when the schema is a string `enum` (`null` removed and folded into
        /// [`Schema::nullable`]); empty when any string is allowed.
        values: Vec<String>,
    },
    /// `type: array`.
    Array {
        /// The items' schema (`Any` when not given).
        items: SchemaRef,
    },
    /// `type: object` (or a schema with `properties` and no type).
    Object {
        /// Declared properties in order.
        properties: IndexMap<String, SchemaRef>,
        /// Names of required properties.
        required: Vec<String>,
        /// What other properties may hold.
        additional_properties: AdditionalProperties,
        /// A discriminator declared on this (base) object: Swagger 2 `discriminator: name`,
        /// or an OpenAPI 3 base schema that subtypes extend with `allOf`.
        discriminator: Option<Discriminator>,
    },
    /// `allOf`: the value matches every part (composition, often inheritance).
    AllOf {
        /// The parts.
        parts: Vec<SchemaRef>,
    },
    /// `oneOf`: exactly one variant matches. Also used for 3.1 multi-type `type: [a, b]`.
    OneOf {
        /// The variants.
        variants: Vec<SchemaRef>,
        /// How to tell variants apart, if declared.
        discriminator: Option<Discriminator>,
    },
    /// `anyOf`: at least one variant matches.
    AnyOf {
        /// The variants.
        variants: Vec<SchemaRef>,
        /// How to tell variants apart, if declared.
        discriminator: Option<Discriminator>,
    },
    /// `const` (or a single-value enum of a non-string): exactly this value.
    Const {
        /// The value.
        value: serde_json::Value,
    },
    /// An `enum` of values that are not all strings or all integers (mixed, numbers, booleans).
    Enum {
        /// The allowed values (`null` removed and folded into [`Schema::nullable`]).
        values: Vec<serde_json::Value>,
    },
    /// Only `null` (3.1 `type: "null"`).
    Null,
}

/// The `additionalProperties` of an object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdditionalProperties {
    /// Not declared (JSON Schema allows anything; generators usually ignore extra keys).
    Unspecified,
    /// `additionalProperties: false`: no other properties.
    Forbidden,
    /// `additionalProperties: true` or `{}`: other properties of any type (a free-form map).
    Any,
    /// `additionalProperties: {schema}`: a map whose values have this schema.
    Schema(SchemaRef),
}

/// A `discriminator` of a `oneOf` / `anyOf` (or of a base schema in Swagger 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Discriminator {
    /// The property whose value names the variant.
    pub property_name: String,
    /// Value → schema name (a key of [`super::Api::schemas`]), mapped references resolved.
    pub mapping: IndexMap<String, String>,
}
