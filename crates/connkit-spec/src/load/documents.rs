//! The set of documents a spec consists of, and `$ref` resolution between them.

use std::collections::HashMap;

use percent_encoding::percent_decode_str;
use serde_json::Value;
use url::Url;

/// One parsed document of a spec (the root, or a file reached through a `$ref`).
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it was read from (`file://` or `http(s)://`), without fragment.
    pub url: Url,
    /// How to name it to people: the root as the caller gave it, others relative to the root.
    pub name: String,
    /// The parsed content.
    pub value: Value,
}

/// Every document of one spec, the root first. References between them are resolved by URL.
#[derive(Debug, Clone)]
pub struct DocumentSet {
    docs: Vec<Document>,
    by_url: HashMap<String, usize>,
}

/// Why a `$ref` could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefError {
    /// The document part is not a valid URL reference.
    BadUrl(String),
    /// The referenced document is not part of the set (it failed to load, or was never loaded).
    MissingDocument(String),
    /// The fragment is not a JSON pointer (e.g. a 3.1 `$anchor`), which is not supported.
    UnsupportedFragment(String),
    /// The pointer does not exist in the document.
    MissingTarget(String),
}

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefError::BadUrl(r) => write!(f, "`{r}` is not a valid reference"),
            RefError::MissingDocument(d) => write!(f, "document `{d}` could not be loaded"),
            RefError::UnsupportedFragment(frag) => {
                write!(f, "fragment `#{frag}` is not a JSON pointer (anchors are not supported)")
            }
            RefError::MissingTarget(t) => write!(f, "`{t}` does not exist"),
        }
    }
}

/// A resolved reference: the document index and the JSON pointer of the target inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) doc: usize,
    pub(crate) pointer: String,
}

impl DocumentSet {
    /// A set holding only `root`. Used for in-memory specs; references to other documents
    /// resolve to [`RefError::MissingDocument`].
    pub fn single(url: Url, name: impl Into<String>, value: Value) -> DocumentSet {
        let mut set = DocumentSet { docs: Vec::new(), by_url: HashMap::new() };
        set.push(Document { url, name: name.into(), value });
        set
    }

    /// Adds a document; returns its index. A document already present (same URL) is kept.
    pub fn push(&mut self, document: Document) -> usize {
        let key = url_key(&document.url);
        if let Some(&index) = self.by_url.get(&key) {
            return index;
        }
        self.docs.push(document);
        self.by_url.insert(key, self.docs.len() - 1);
        self.docs.len() - 1
    }

    /// The root document.
    pub fn root(&self) -> &Document {
        &self.docs[0]
    }

    /// Every document, the root first.
    pub fn documents(&self) -> &[Document] {
        &self.docs
    }

    /// The document at `index` (indices come from this set).
    pub(crate) fn get(&self, index: usize) -> &Document {
        &self.docs[index]
    }

    /// Whether a document with this URL is in the set.
    pub(crate) fn contains(&self, url: &Url) -> bool {
        self.by_url.contains_key(&url_key(url))
    }

    /// The value at `target`, if it exists.
    pub(crate) fn value(&self, target: &Target) -> Option<&Value> {
        self.docs.get(target.doc)?.value.pointer(&target.pointer)
    }

    /// Resolves `reference` (a `$ref` value) found in document `from`.
    pub(crate) fn resolve(&self, from: usize, reference: &str) -> Result<Target, RefError> {
        let (doc_part, fragment) = match reference.split_once('#') {
            Some((doc, fragment)) => (doc, fragment),
            None => (reference, ""),
        };
        let doc = if doc_part.is_empty() {
            from
        } else {
            let url = join(&self.docs[from].url, doc_part)
                .ok_or_else(|| RefError::BadUrl(reference.to_string()))?;
            *self
                .by_url
                .get(&url_key(&url))
                .ok_or_else(|| RefError::MissingDocument(doc_part.to_string()))?
        };
        let pointer = percent_decode_str(fragment).decode_utf8_lossy().into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(RefError::UnsupportedFragment(fragment.to_string()));
        }
        let target = Target { doc, pointer };
        if self.value(&target).is_none() {
            return Err(RefError::MissingTarget(reference.to_string()));
        }
        Ok(target)
    }
}

/// Resolves a reference's document part against the URL of the document it appears in.
pub(crate) fn join(base: &Url, doc_part: &str) -> Option<Url> {
    let mut url = base.join(doc_part).ok()?;
    url.set_fragment(None);
    Some(url)
}

fn url_key(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn set() -> DocumentSet {
        let root = Url::parse("file:///specs/api.yaml").unwrap();
        let mut set = DocumentSet::single(
            root,
            "api.yaml",
            json!({"components": {"schemas": {"A/B": {"type": "string"}, "C": {}}}}),
        );
        set.push(Document {
            url: Url::parse("file:///specs/schemas/pet.yaml").unwrap(),
            name: "schemas/pet.yaml".into(),
            value: json!({"type": "object"}),
        });
        set
    }

    #[test]
    fn resolves_local_escaped_and_percent_encoded_pointers() {
        let set = set();
        let t = set.resolve(0, "#/components/schemas/A~1B").unwrap();
        assert_eq!(t, Target { doc: 0, pointer: "/components/schemas/A~1B".into() });
        assert!(set.resolve(0, "#/components/schemas/%43").is_ok());
    }

    #[test]
    fn resolves_relative_files_from_the_referencing_document() {
        let set = set();
        assert_eq!(set.resolve(0, "./schemas/pet.yaml").unwrap().doc, 1);
        assert_eq!(set.resolve(1, "pet.yaml#").unwrap().doc, 1);
        assert_eq!(set.resolve(1, "../api.yaml#/components").unwrap().doc, 0);
    }

    #[test]
    fn reports_missing_documents_targets_and_anchors() {
        let set = set();
        assert!(matches!(set.resolve(0, "other.yaml"), Err(RefError::MissingDocument(_))));
        assert!(matches!(set.resolve(0, "#/nope"), Err(RefError::MissingTarget(_))));
        assert!(matches!(set.resolve(0, "#anchor"), Err(RefError::UnsupportedFragment(_))));
    }
}
