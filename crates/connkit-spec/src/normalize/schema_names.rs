//! Named schemas: `definitions` / `components.schemas` under their names, schemas reached by
//! other `$ref`s under fresh unique names, aliases, and discriminator mappings.

use serde_json::{Map, Value};

use super::context::{Ctx, ref_of, string_field, type_name};
use crate::diagnostic::DiagnosticKind;
use crate::load::Target;
use crate::model::{Schema, SchemaKind, SchemaRef};

/// Pointer tokens that say nothing about what a schema is; names derived from them use the
/// whole pointer instead.
const GENERIC_TOKENS: &[&str] = &[
    "schema",
    "items",
    "additionalProperties",
    "properties",
    "content",
    "allOf",
    "oneOf",
    "anyOf",
];

impl Ctx<'_> {
    /// Registers the named schemas of a container (`definitions`, `components/schemas`) so
    /// references to them resolve by name, and queues them for normalisation.
    pub(crate) fn register_named_schemas(&mut self, container: &Target, map: &Map<String, Value>) {
        for name in map.keys() {
            self.names.insert(container.child(name), name.clone());
            self.taken.reserve(name);
        }
        // A named schema that is only a reference to a schema with no name yet (another
        // file, typically) gives that schema its name, so a spec split over files reads the
        // same as its single-file version.
        for name in map.keys() {
            let mut current = container.child(name);
            let mut steps = 0;
            while let Some(reference) = self.value(&current).and_then(ref_of) {
                let Ok(next) = self.docs.resolve(current.doc, reference) else { break };
                steps += 1;
                if self.names.contains_key(&next) || steps > 64 {
                    break;
                }
                self.names.insert(next.clone(), name.clone());
                current = next;
            }
        }
        for name in map.keys() {
            self.queue.push_back((name.clone(), container.child(name)));
        }
    }

    /// Normalises every queued named schema (queued schemas may queue more).
    pub(crate) fn drain_schema_queue(&mut self) {
        while let Some((name, at)) = self.queue.pop_front() {
            let schema = self.named_schema_content(&name, &at);
            self.schemas.insert(name, schema);
        }
    }

    /// The content of the named schema at `at`: its own definition, or for an alias of another
    /// named schema, an `allOf` with that one part.
    fn named_schema_content(&mut self, name: &str, at: &Target) -> Schema {
        let Some(value) = self.value(at) else {
            return Schema::new(SchemaKind::Any);
        };
        if ref_of(value).is_none() {
            return self.schema_value(at, value, 0);
        }
        let Some((target, resolved)) = self.deref(at.clone(), "schema") else {
            return Schema::new(SchemaKind::Any);
        };
        match self.names.get(&target) {
            Some(other) if other != name => {
                let mut schema =
                    Schema::new(SchemaKind::AllOf { parts: vec![SchemaRef::Ref(other.clone())] });
                if let Some(object) = value.as_object() {
                    schema.description = string_field(object, "description");
                }
                schema
            }
            _ => self.schema_value(&target, resolved, 0),
        }
    }

    /// The name for the schema `reference` points to, registering it when first seen.
    pub(crate) fn named_ref(&mut self, at: &Target, reference: &str) -> SchemaRef {
        let mut target = match self.docs.resolve(at.doc, reference) {
            Ok(target) => target,
            Err(err) => {
                self.error(
                    DiagnosticKind::BrokenRef,
                    at,
                    format!("broken schema `$ref` `{reference}`: {err}; degraded to any value"),
                );
                return SchemaRef::any();
            }
        };
        let mut chain: Vec<Target> = Vec::new();
        loop {
            if let Some(name) = self.names.get(&target).cloned() {
                for step in chain {
                    self.names.insert(step, name.clone());
                }
                return SchemaRef::Ref(name);
            }
            let Some(value) = self.value(&target) else {
                return SchemaRef::any();
            };
            let Some(next_ref) = ref_of(value) else { break };
            if chain.contains(&target) || chain.len() >= 64 {
                self.error(
                    DiagnosticKind::RefCycle,
                    at,
                    format!("schema `$ref` `{reference}` loops without reaching a schema; degraded to any value"),
                );
                return SchemaRef::any();
            }
            match self.docs.resolve(target.doc, next_ref) {
                Ok(next) => {
                    chain.push(target);
                    target = next;
                }
                Err(err) => {
                    self.error(
                        DiagnosticKind::BrokenRef,
                        &target,
                        format!("broken schema `$ref` `{next_ref}`: {err}; degraded to any value"),
                    );
                    return SchemaRef::any();
                }
            }
        }
        if !matches!(self.value(&target), Some(Value::Object(_) | Value::Bool(_))) {
            let found = self.value(&target).map_or("nothing", type_name);
            self.error(
                DiagnosticKind::InvalidStructure,
                at,
                format!("schema `$ref` `{reference}` points to {found}, not a schema; degraded to any value"),
            );
            return SchemaRef::any();
        }
        let name = self.fresh_name(&target);
        for step in chain {
            self.names.insert(step, name.clone());
        }
        self.names.insert(target.clone(), name.clone());
        self.queue.push_back((name.clone(), target));
        SchemaRef::Ref(name)
    }

    /// A name for a schema reached by reference that has none yet: its key, or the file name
    /// for a whole-file schema; made unique.
    fn fresh_name(&mut self, target: &Target) -> String {
        let tokens: Vec<String> = target
            .pointer
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect();
        let base = match tokens.last() {
            None => {
                let name = &self.docs.get(target.doc).name;
                let file = name.rsplit('/').next().unwrap_or(name);
                file.split('.').next().unwrap_or(file).to_string()
            }
            Some(last)
                if GENERIC_TOKENS.contains(&last.as_str())
                    || last.parse::<usize>().is_ok()
                    || last.contains('/') =>
            {
                tokens.join("_")
            }
            Some(last) => last.clone(),
        };
        let base: String = base
            .chars()
            .map(|c| if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' { c } else { '_' })
            .collect();
        let base = if base.is_empty() { "Schema".to_string() } else { base };
        self.taken.unique(&base, "_")
    }

    /// A discriminator mapping value: a reference, or a bare schema name.
    pub(crate) fn mapping_target(&mut self, at: &Target, target: &str) -> Option<String> {
        if !target.contains('#')
            && !target.contains('/')
            && !target.contains('.')
            && self.taken.contains(target)
        {
            return Some(target.to_string());
        }
        match self.named_ref(at, target) {
            SchemaRef::Ref(name) => Some(name),
            SchemaRef::Inline(_) => None,
        }
    }
}
