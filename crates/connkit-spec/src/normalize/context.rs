//! Shared state of one normalisation run: the documents, the diagnostics found so far, the
//! named schemas, and generic `$ref` following.

use std::collections::{HashMap, VecDeque};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, DiagnosticKind, pointer_push};
use crate::load::{DocumentSet, Target};
use crate::model::{Extensions, Schema, SpecVersion};

/// Longest chain of `$ref`s followed before giving up.
const MAX_REF_CHAIN: usize = 64;

/// The state of one normalisation run.
pub(crate) struct Ctx<'a> {
    pub(crate) docs: &'a DocumentSet,
    pub(crate) version: SpecVersion,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Finished named schemas, in the order they were normalised.
    pub(crate) schemas: IndexMap<String, Schema>,
    /// Location of a schema definition → its name in `schemas`.
    pub(crate) names: HashMap<Target, String>,
    /// Every name given out (finished or queued).
    pub(crate) taken: crate::UniqueNames,
    /// Named schemas waiting to be normalised.
    pub(crate) queue: VecDeque<(String, Target)>,
    /// The logical pointer of the path item or operation being normalised, recorded on every
    /// diagnostic found meanwhile (see [`Diagnostic::operation`]).
    pub(crate) scope: Option<String>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(docs: &'a DocumentSet, version: SpecVersion) -> Ctx<'a> {
        Ctx {
            docs,
            version,
            diagnostics: Vec::new(),
            schemas: IndexMap::new(),
            names: HashMap::new(),
            taken: crate::UniqueNames::new(),
            queue: VecDeque::new(),
            scope: None,
        }
    }

    /// Records an error at `at`.
    pub(crate) fn error(&mut self, kind: DiagnosticKind, at: &Target, message: impl Into<String>) {
        let diagnostic = Diagnostic::error(kind, at.pointer.clone(), message);
        self.push(diagnostic, at);
    }

    /// Records a warning at `at`.
    pub(crate) fn warning(
        &mut self,
        kind: DiagnosticKind,
        at: &Target,
        message: impl Into<String>,
    ) {
        let diagnostic = Diagnostic::warning(kind, at.pointer.clone(), message);
        self.push(diagnostic, at);
    }

    fn push(&mut self, diagnostic: Diagnostic, at: &Target) {
        let mut diagnostic = if at.doc == 0 {
            diagnostic
        } else {
            diagnostic.in_file(self.docs.get(at.doc).name.clone())
        };
        diagnostic.operation.clone_from(&self.scope);
        self.diagnostics.push(diagnostic);
    }

    /// The value at `at`.
    pub(crate) fn value(&self, at: &Target) -> Option<&'a Value> {
        let docs: &'a DocumentSet = self.docs;
        docs.value(at)
    }

    /// Follows `$ref`s starting at `at` until a value that is not a reference. Broken refs and
    /// cycles are reported (with `what` naming the kind of object) and give `None`.
    pub(crate) fn deref(&mut self, at: Target, what: &str) -> Option<(Target, &'a Value)> {
        let mut current = at;
        let mut seen: Vec<Target> = Vec::new();
        loop {
            let value = self.value(&current)?;
            let Some(reference) = ref_of(value) else {
                return Some((current, value));
            };
            if seen.len() >= MAX_REF_CHAIN || seen.contains(&current) {
                self.error(
                    DiagnosticKind::RefCycle,
                    &current,
                    format!(
                        "`$ref` chain of this {what} loops back on itself; the {what} is skipped"
                    ),
                );
                return None;
            }
            match self.docs.resolve(current.doc, reference) {
                Ok(next) => {
                    seen.push(current);
                    current = next;
                }
                Err(err) => {
                    self.error(
                        DiagnosticKind::BrokenRef,
                        &current,
                        format!("broken `$ref` `{reference}` of this {what}: {err}; the {what} is skipped"),
                    );
                    return None;
                }
            }
        }
    }

    /// Like [`Ctx::deref`], then requires an object (reported otherwise).
    pub(crate) fn deref_object(
        &mut self,
        at: Target,
        what: &str,
    ) -> Option<(Target, &'a Map<String, Value>)> {
        let (target, value) = self.deref(at, what)?;
        match value.as_object() {
            Some(object) => Some((target, object)),
            None => {
                self.error(
                    DiagnosticKind::InvalidStructure,
                    &target,
                    format!(
                        "this {what} must be an object, found {}; it is skipped",
                        type_name(value)
                    ),
                );
                None
            }
        }
    }

    /// The object at `key` of `object`, reporting a wrong type. `None` when absent or invalid.
    pub(crate) fn object_field<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        at: &Target,
        key: &str,
    ) -> Option<&'v Map<String, Value>> {
        match object.get(key)? {
            Value::Object(map) => Some(map),
            other => {
                self.error(
                    DiagnosticKind::InvalidStructure,
                    &at.child(key),
                    format!("`{key}` must be an object, found {}; it is ignored", type_name(other)),
                );
                None
            }
        }
    }

    /// The array at `key` of `object`, reporting a wrong type. `None` when absent or invalid.
    pub(crate) fn array_field<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        at: &Target,
        key: &str,
    ) -> Option<&'v Vec<Value>> {
        match object.get(key)? {
            Value::Array(items) => Some(items),
            other => {
                self.error(
                    DiagnosticKind::InvalidStructure,
                    &at.child(key),
                    format!("`{key}` must be an array, found {}; it is ignored", type_name(other)),
                );
                None
            }
        }
    }

    /// Strings of the array at `key` (non-strings reported and dropped).
    pub(crate) fn string_list(
        &mut self,
        object: &Map<String, Value>,
        at: &Target,
        key: &str,
    ) -> Vec<String> {
        let Some(items) = self.array_field(object, at, key) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item.as_str() {
                Some(text) => out.push(text.to_string()),
                None => self.error(
                    DiagnosticKind::InvalidStructure,
                    &at.child(key).index(index),
                    format!("entries of `{key}` must be strings; this one is ignored"),
                ),
            }
        }
        out
    }
}

impl Target {
    /// The location of `key` inside this one.
    pub(crate) fn child(&self, key: &str) -> Target {
        Target { doc: self.doc, pointer: pointer_push(&self.pointer, key) }
    }

    /// The location of array element `index` inside this one.
    pub(crate) fn index(&self, index: usize) -> Target {
        Target { doc: self.doc, pointer: format!("{}/{index}", self.pointer) }
    }
}

/// The `$ref` string of a reference object.
pub(crate) fn ref_of(value: &Value) -> Option<&str> {
    value.as_object()?.get("$ref")?.as_str()
}

/// A string field, if present and a string.
pub(crate) fn str_field<'v>(object: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    object.get(key)?.as_str()
}

/// An owned string field.
pub(crate) fn string_field(object: &Map<String, Value>, key: &str) -> Option<String> {
    str_field(object, key).map(str::to_string)
}

/// A boolean field; `false` when absent or not a boolean.
pub(crate) fn bool_field(object: &Map<String, Value>, key: &str) -> bool {
    object.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// The `x-*` keys of an object.
pub(crate) fn extensions(object: &Map<String, Value>) -> Extensions {
    object
        .iter()
        .filter(|(key, _)| key.starts_with("x-"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The JSON type of a value, for messages.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
