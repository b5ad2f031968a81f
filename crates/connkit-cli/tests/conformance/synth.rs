//! Arguments synthesised from a spec: the smallest value each schema accepts (enums, consts,
//! formats, patterns, bounds and lengths honoured where they can be), required properties
//! only, one item per list unless the schema asks for more.

use connkit_spec::model::{Api, Schema, SchemaKind, SchemaRef};
use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::pattern;

/// Deeper than this, a value is `null` (recursive required properties).
const MAX_DEPTH: usize = 12;

/// A valid value of `schema` in `api`.
pub(crate) fn value(api: &Api, schema: &SchemaRef) -> Value {
    Synth { api }.value(schema, 0)
}

/// The properties an object part may require without declaring them: a `oneOf` member of
/// `{properties: {..}, oneOf: [{required: [a]}, ..]}` requires `a` from its parent.
type Outer<'a> = &'a [&'a IndexMap<String, SchemaRef>];

struct Synth<'a> {
    api: &'a Api,
}

impl Synth<'_> {
    fn value(&self, schema: &SchemaRef, depth: usize) -> Value {
        self.value_in(schema, depth, &[], false)
    }

    /// The value of `schema`, whose object parts take undeclared required properties from
    /// `outer`; `choice`: it is a member of a `oneOf`/`anyOf`, where an object without
    /// required properties sets all of them (`{}` would match every such member).
    fn value_in(&self, schema: &SchemaRef, depth: usize, outer: Outer<'_>, choice: bool) -> Value {
        let Some(resolved) = self.api.resolve(schema) else { return json!({}) };
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        self.of(resolved, depth, outer, choice)
    }

    fn of(&self, schema: &Schema, depth: usize, outer: Outer<'_>, choice: bool) -> Value {
        let c = &schema.constraints;
        match &schema.kind {
            SchemaKind::Boolean => json!(true),
            SchemaKind::Integer { values } => match values.first() {
                Some(v) => json!(v),
                None => {
                    json!(integer(c.minimum, c.maximum, c.exclusive_minimum, c.exclusive_maximum))
                }
            },
            SchemaKind::Number => {
                let n = integer(c.minimum, c.maximum, c.exclusive_minimum, c.exclusive_maximum);
                json!(n)
            }
            SchemaKind::String { values } => match values.first() {
                Some(v) => json!(v),
                None => json!(self.string(schema)),
            },
            SchemaKind::Array { items } => {
                let count = c.min_items.unwrap_or(1).max(1).min(c.max_items.unwrap_or(u64::MAX));
                let first = self.value(items, depth + 1);
                let list: Vec<Value> = (0..count).map(|i| distinct(&first, i)).collect();
                Value::Array(list)
            }
            SchemaKind::Object { properties, required, .. } => {
                let mut out = Map::new();
                // `anyOf: [{required: [a]}, {required: [b]}]`: the first alternative's too.
                let alternative = c.required_alternatives.first().into_iter().flatten();
                let all = (choice && required.is_empty()).then(|| properties.keys()).into_iter();
                for name in required.iter().chain(alternative).chain(all.flatten()) {
                    let declared = std::iter::once(properties).chain(outer.iter().copied());
                    let Some(property) = declared.into_iter().find_map(|p| p.get(name)) else {
                        out.insert(name.clone(), json!("sample"));
                        continue;
                    };
                    if self.api.resolve(property).is_some_and(|p| p.read_only) {
                        continue;
                    }
                    out.insert(name.clone(), self.value(property, depth + 1));
                }
                Value::Object(out)
            }
            SchemaKind::AllOf { parts } => {
                // Each part sees the properties every object part declares.
                let declared: Vec<&IndexMap<String, SchemaRef>> = parts
                    .iter()
                    .filter_map(|part| match kind_of(self.api, part) {
                        Some(SchemaKind::Object { properties, .. }) => Some(properties),
                        _ => None,
                    })
                    .chain(outer.iter().copied())
                    .collect();
                let mut merged = Map::new();
                for part in parts {
                    match self.value_in(part, depth + 1, &declared, choice) {
                        Value::Object(fields) => merged.extend(fields),
                        other if parts.len() == 1 => return other,
                        _ => {}
                    }
                }
                Value::Object(merged)
            }
            SchemaKind::OneOf { variants, discriminator }
            | SchemaKind::AnyOf { variants, discriminator } => {
                let kind = |v| kind_of(self.api, v);
                let usable: Vec<&SchemaRef> = variants
                    .iter()
                    .filter(|v| !matches!(kind(v), Some(SchemaKind::Null)))
                    .collect();
                // Beside a number, a string member takes a value that is no number ("sample"):
                // `1` in a path or query would match both and break `oneOf`'s "exactly one".
                let numeric = usable.iter().any(|v| {
                    matches!(kind(v), Some(SchemaKind::Integer { .. } | SchemaKind::Number))
                });
                let text = usable.iter().find(|v| {
                    matches!(kind(v), Some(SchemaKind::String { values }) if values.is_empty())
                        && self.api.resolve(v).is_some_and(|s| s.format.is_none())
                });
                let Some(&first) = (if numeric { text } else { None }).or(usable.first()) else {
                    return Value::Null;
                };
                let mut value = self.value_in(first, depth + 1, outer, true);
                if let (Some(discriminator), Value::Object(map)) = (discriminator, &mut value) {
                    // The member's own value of the property (an enum or const) wins over its
                    // schema name, the default tag.
                    let own = match kind_of(self.api, first) {
                        Some(SchemaKind::Object { properties, .. }) => properties
                            .get(&discriminator.property_name)
                            .filter(|p| {
                                matches!(
                                    kind_of(self.api, p),
                                    Some(SchemaKind::String { values }) if !values.is_empty()
                                ) || matches!(
                                    kind_of(self.api, p),
                                    Some(SchemaKind::Const { .. } | SchemaKind::Enum { .. })
                                )
                            })
                            .map(|p| self.value(p, depth + 1))
                            .and_then(|v| v.as_str().map(str::to_owned)),
                        _ => None,
                    };
                    let tag = discriminator
                        .mapping
                        .iter()
                        .find(|(_, target)| Some(target.as_str()) == first.ref_name())
                        .map(|(tag, _)| tag.clone())
                        .or(own)
                        .or_else(|| first.ref_name().map(str::to_owned));
                    if let Some(tag) = tag
                        && !map.get(&discriminator.property_name).is_some_and(Value::is_string)
                    {
                        map.insert(discriminator.property_name.clone(), json!(tag));
                    }
                }
                value
            }
            SchemaKind::Const { value } => value.clone(),
            SchemaKind::Enum { values } => values.first().cloned().unwrap_or(Value::Null),
            SchemaKind::Null => Value::Null,
            _ => schema.example.clone().unwrap_or_else(|| json!("sample")),
        }
    }

    fn string(&self, schema: &Schema) -> String {
        let c = &schema.constraints;
        let min = usize::try_from(c.min_length.unwrap_or(0)).unwrap_or(0);
        let max = usize::try_from(c.max_length.unwrap_or(u64::MAX)).unwrap_or(usize::MAX);
        if let Some(pattern) = &c.pattern {
            if let Some(text) = pattern::example(pattern, min, max) {
                return text;
            }
            if let Some(Value::String(example)) = &schema.example {
                return example.clone();
            }
        }
        let base = match schema.format.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("date-time") => "2024-01-01T00:00:00Z",
            Some("date") => "2024-01-01",
            Some("time") => "10:00:00Z",
            Some("email") => "user@example.com",
            Some("uri" | "url" | "uri-reference" | "iri") => "https://example.com/x",
            Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            Some("hostname") => "example.com",
            Some("ipv4") => "127.0.0.1",
            Some("ipv6") => "::1",
            Some("byte") => "c2FtcGxl",
            Some("int32" | "int64" | "integer") => "1",
            Some("double" | "float" | "decimal" | "number") => "1.5",
            _ => "sample",
        };
        let mut text = base.to_owned();
        while text.chars().count() < min {
            text.push('x');
        }
        if text.chars().count() > max {
            text = text.chars().take(max.max(1)).collect();
        }
        text
    }
}

/// The smallest integer within the bounds (1 where 1 is allowed).
/// The kind of the schema `schema` stands for.
fn kind_of<'a>(api: &'a Api, schema: &'a SchemaRef) -> Option<&'a SchemaKind> {
    api.resolve(schema).map(|s| &s.kind)
}

fn integer(min: Option<f64>, max: Option<f64>, min_exclusive: bool, max_exclusive: bool) -> i64 {
    let low = min.map(|m| if min_exclusive { m.floor() as i64 + 1 } else { m.ceil() as i64 });
    let high = max.map(|m| if max_exclusive { m.ceil() as i64 - 1 } else { m.floor() as i64 });
    match (low, high) {
        (Some(low), Some(high)) => 1.clamp(low, high.max(low)),
        (Some(low), None) => low.max(1),
        (None, Some(high)) => high.min(1),
        (None, None) => 1,
    }
}

/// The `index`th of several items made from `first`, told apart where the value allows it
/// (for `uniqueItems`).
fn distinct(first: &Value, index: u64) -> Value {
    match (first, index) {
        (_, 0) => first.clone(),
        (Value::String(text), i) => json!(format!("{text}{i}")),
        (Value::Number(n), i) => n.as_i64().map_or_else(|| first.clone(), |n| json!(n + i as i64)),
        _ => first.clone(),
    }
}
