//! The intermediate form between schemas and tokens: type expressions ([`Ty`]) and type
//! definitions ([`Def`]). Keeping it apart from tokens lets recursion (where a `Box` is
//! needed), `Eq`/`Default` derivability and file grouping be decided over the whole space.

/// Index of a [`Def`] in the space.
pub(crate) type DefId = usize;

/// A primitive Rust type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prim {
    /// `bool`
    Bool,
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `f64`
    F64,
    /// `String`
    String,
}

/// A type expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// A primitive.
    Prim(Prim),
    /// `serde_json::Value`: the schema accepts anything, or could not be expressed.
    Json,
    /// `serde_json::Map<String, Value>`: an object with no declared shape.
    JsonMap,
    /// A generated definition.
    Named(DefId),
    /// `Vec<T>`
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`
    Map(Box<Ty>),
    /// `Option<T>` (a nullable schema).
    Option(Box<Ty>),
}

impl Ty {
    /// Pushes the definitions this type names.
    pub(crate) fn named(&self, out: &mut Vec<DefId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => inner.named(out),
            Ty::Prim(_) | Ty::Json | Ty::JsonMap => {}
        }
    }

    /// The type without an outer `Option`, and whether there was one.
    pub(crate) fn split_option(self) -> (Ty, bool) {
        match self {
            Ty::Option(inner) => (*inner, true),
            other => (other, false),
        }
    }
}

/// A struct field.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The property name on the wire.
    pub(crate) wire: String,
    /// The Rust field name.
    pub(crate) rust: String,
    /// The field's type without `Option`.
    pub(crate) ty: Ty,
    /// Whether the property is required.
    pub(crate) required: bool,
    /// Whether `null` is accepted.
    pub(crate) nullable: bool,
    /// Description.
    pub(crate) doc: Option<String>,
    /// Whether the property is deprecated.
    pub(crate) deprecated: bool,
    /// Whether the type goes through `Box` (decided after the whole space is known).
    pub(crate) boxed: bool,
    /// Whether the field is a union part of an `allOf`, flattened into the struct.
    pub(crate) flatten: bool,
}

/// A member of a union.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    /// The Rust variant name.
    pub(crate) rust: String,
    /// The payload type.
    pub(crate) ty: Ty,
    /// Discriminator values selecting this variant (tagged unions only), first is canonical.
    pub(crate) tags: Vec<String>,
    /// Description.
    pub(crate) doc: Option<String>,
    /// Whether the payload goes through `Box`.
    pub(crate) boxed: bool,
}

/// A string enum member.
#[derive(Debug, Clone)]
pub(crate) struct EnumValue {
    /// The Rust variant name.
    pub(crate) rust: String,
    /// The wire value.
    pub(crate) wire: String,
}

/// A member of an enum of mixed JSON values.
#[derive(Debug, Clone)]
pub(crate) struct MixedValue {
    /// The Rust variant name.
    pub(crate) rust: String,
    /// The wire value (a string, number or boolean).
    pub(crate) value: serde_json::Value,
}

/// The shape of a definition.
#[derive(Debug, Clone)]
pub(crate) enum DefKind {
    /// Not converted yet (only while the space is being built).
    Pending,
    /// A struct with named fields, and an optional flattened map of other properties.
    Struct {
        /// The declared properties.
        fields: Vec<Field>,
        /// Name and value type of the flattened map of other properties.
        extra: Option<(String, Ty)>,
    },
    /// A string enum that keeps unknown values.
    StringEnum {
        /// Known values.
        values: Vec<EnumValue>,
    },
    /// An enum of mixed JSON scalars that keeps unknown values.
    MixedEnum {
        /// Known values.
        values: Vec<MixedValue>,
    },
    /// A union told apart by a discriminator property; unknown tags are kept as JSON.
    Tagged {
        /// The discriminator property.
        property: String,
        /// The members.
        variants: Vec<Variant>,
    },
    /// A union tried member by member.
    Untagged {
        /// The members.
        variants: Vec<Variant>,
    },
    /// `pub type Name = T;`
    Alias(Ty),
    /// `pub struct Name(pub T);` (serde transparent): an alias that would be recursive.
    Newtype(Ty),
}

/// One generated definition.
#[derive(Debug, Clone)]
pub(crate) struct Def {
    /// The Rust type name, unique in the space.
    pub(crate) name: String,
    /// The schema name for named schemas.
    pub(crate) schema_name: Option<String>,
    /// Description (or title).
    pub(crate) doc: Option<String>,
    /// Whether the schema is deprecated.
    pub(crate) deprecated: bool,
    /// The shape.
    pub(crate) kind: DefKind,
    /// The definition whose file this one is written to (itself for file owners).
    pub(crate) owner: DefId,
}
