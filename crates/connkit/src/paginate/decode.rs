//! Decoding a page body straight into its items and next token.
//!
//! A [`DecodePlan`] is a small tree of the paths to visit (the items path and the token
//! path). Walking the body with it is one pass of `serde_json` through a `DeserializeSeed`:
//! keys on the paths are followed, items are deserialized directly into the output buffer,
//! the token is captured as text, and everything else is skipped with `IgnoredAny`. No
//! intermediate `serde_json::Value` is built.

use std::collections::VecDeque;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};

use super::path::JsonPath;
use crate::error::Error;

/// What to capture at the end of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Items,
    Token,
}

/// One step of the plan: a key (or index) and what lies below it.
#[derive(Debug, Clone)]
struct Node {
    key: String,
    index: Option<usize>,
    target: Option<Target>,
    children: Vec<Node>,
}

impl Node {
    fn new(key: String) -> Self {
        let index = (!key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()))
            .then(|| key.parse().ok())
            .flatten();
        Self { key, index, target: None, children: Vec::new() }
    }

    fn insert(&mut self, segments: &[String], target: Target) {
        match segments.split_first() {
            None => self.target = self.target.or(Some(target)),
            Some((first, rest)) => {
                let child = match self.children.iter().position(|c| &c.key == first) {
                    Some(at) => &mut self.children[at],
                    None => {
                        self.children.push(Node::new(first.clone()));
                        let last = self.children.len() - 1;
                        &mut self.children[last]
                    }
                };
                child.insert(rest, target);
            }
        }
    }
}

/// The paths to walk in every page body (built once per stream).
#[derive(Debug, Clone)]
pub(crate) struct DecodePlan {
    root: Node,
}

/// What one page body holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct DecodedPage {
    /// How many items were appended to the buffer.
    pub(crate) count: usize,
    /// The next token or URL found at the token path, if any (empty text counts as none).
    pub(crate) token: Option<String>,
}

impl DecodePlan {
    /// A plan capturing the items at `items` and, when given, the token at `token`.
    pub(crate) fn new(items: &JsonPath, token: Option<&JsonPath>) -> Self {
        let mut root = Node::new(String::new());
        root.insert(items.segments(), Target::Items);
        if let Some(token) = token {
            root.insert(token.segments(), Target::Token);
        }
        Self { root }
    }

    /// Decodes `body`, appending its items to `items`.
    ///
    /// An empty body is a page without items or token; a missing or `null` items field is an
    /// empty page.
    ///
    /// # Errors
    ///
    /// A decode [`Error`] with the JSON path that failed; `items` is left as it was.
    pub(crate) fn decode<T: DeserializeOwned, E>(
        &self,
        body: &[u8],
        items: &mut VecDeque<T>,
    ) -> Result<DecodedPage, Error<E>> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(DecodedPage::default());
        }
        let start = items.len();
        let mut sink = Sink { items, token: None };
        let mut de = serde_json::Deserializer::from_slice(body);
        let result = NodeSeed { node: &self.root, sink: &mut sink }
            .deserialize(&mut de)
            .and_then(|()| de.end());
        let token = sink.token.take();
        match result {
            Ok(()) => Ok(DecodedPage {
                count: items.len() - start,
                token: token.filter(|t| !t.is_empty()),
            }),
            Err(err) => {
                items.truncate(start);
                Err(self.locate_error::<T, E>(body, err))
            }
        }
    }

    /// Walks the body again, tracking the path, to say where `err` happened.
    fn locate_error<T: DeserializeOwned, E>(
        &self,
        body: &[u8],
        err: serde_json::Error,
    ) -> Error<E> {
        let mut scratch = VecDeque::<T>::new();
        let mut sink = Sink { items: &mut scratch, token: None };
        let mut track = serde_path_to_error::Track::new();
        let mut de = serde_json::Deserializer::from_slice(body);
        let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
        let path = match (NodeSeed { node: &self.root, sink: &mut sink }).deserialize(tracked) {
            Err(_) => track.path().to_string(),
            Ok(()) => String::new(),
        };
        Error::decode(format!("a page did not decode: {err}"), path).with_source(err)
    }
}

struct Sink<'a, T> {
    items: &'a mut VecDeque<T>,
    token: Option<String>,
}

struct NodeSeed<'p, 's, 'a, T> {
    node: &'p Node,
    sink: &'s mut Sink<'a, T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for NodeSeed<'_, '_, '_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.node.target {
            Some(Target::Items) => {
                deserializer.deserialize_option(ItemsVisitor { sink: self.sink })
            }
            Some(Target::Token) => {
                self.sink.token = deserializer.deserialize_any(TokenVisitor)?;
                Ok(())
            }
            None => deserializer.deserialize_any(NodeVisitor { node: self.node, sink: self.sink }),
        }
    }
}

/// Follows the children of a node through an object (by key) or an array (by index);
/// any other value means the path is absent.
struct NodeVisitor<'p, 's, 'a, T> {
    node: &'p Node,
    sink: &'s mut Sink<'a, T>,
}

macro_rules! absent {
    ($($name:ident: $ty:ty),*) => {$(
        fn $name<E: de::Error>(self, _: $ty) -> Result<(), E> { Ok(()) }
    )*};
}

impl<'de, T: DeserializeOwned> Visitor<'de> for NodeVisitor<'_, '_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(child) = map.next_key_seed(KeySeed { node: self.node })? {
            match child {
                Some(at) => map
                    .next_value_seed(NodeSeed { node: &self.node.children[at], sink: self.sink })?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let child = self.node.children.iter().find(|c| c.index == Some(index));
            let more = match child {
                Some(node) => seq.next_element_seed(NodeSeed { node, sink: self.sink })?.is_some(),
                None => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !more {
                return Ok(());
            }
            index += 1;
        }
    }

    absent!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Matches an object key against the children of a node without allocating.
struct KeySeed<'p> {
    node: &'p Node,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.node.children.iter().position(|c| c.key == key))
    }
}

/// Deserializes the items array element by element into the buffer.
struct ItemsVisitor<'s, 'a, T> {
    sink: &'s mut Sink<'a, T>,
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ItemsVisitor<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if let Some(hint) = seq.size_hint() {
            self.sink.items.reserve(hint);
        }
        while let Some(item) = seq.next_element::<T>()? {
            self.sink.items.push_back(item);
        }
        Ok(())
    }
}

/// Captures a next token or URL: text or a number; `null` is none.
struct TokenVisitor;

impl<'de> Visitor<'de> for TokenVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a next-page token (a string or a number) or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(items: Option<&str>, token: Option<&str>) -> DecodePlan {
        let items = JsonPath::parse_optional(items).unwrap();
        let token = token.map(|t| JsonPath::parse(t).unwrap());
        DecodePlan::new(&items, token.as_ref())
    }

    fn run(plan: &DecodePlan, body: &str) -> Result<(Vec<u32>, Option<String>), Error> {
        let mut buf = VecDeque::new();
        let page = plan.decode::<u32, serde_json::Value>(body.as_bytes(), &mut buf)?;
        assert_eq!(page.count, buf.len());
        Ok((buf.into_iter().collect(), page.token))
    }

    #[test]
    fn nested_items_and_token_sharing_a_prefix() {
        let plan = plan(Some("payload.Orders"), Some("payload.NextToken"));
        let body = r#"{"x":{"Orders":[9]},"payload":{"Orders":[1,2,3],"junk":[{"a":[1]}],
            "NextToken":"abc"},"tail":null}"#;
        assert_eq!(run(&plan, body).unwrap(), (vec![1, 2, 3], Some("abc".into())));
        let body = r#"{"payload":{"NextToken":null,"Orders":[]}}"#;
        assert_eq!(run(&plan, body).unwrap(), (vec![], None));
        let body = r#"{"payload":{"NextToken":"","Orders":null}}"#;
        assert_eq!(run(&plan, body).unwrap(), (vec![], None));
        assert_eq!(run(&plan, r#"{"payload":7}"#).unwrap(), (vec![], None));
        assert_eq!(run(&plan, "  ").unwrap(), (vec![], None));
    }

    #[test]
    fn root_array_numeric_tokens_and_indices() {
        assert_eq!(run(&plan(None, None), "[4,5]").unwrap(), (vec![4, 5], None));
        let plan = plan(Some("data[1].items"), Some("meta.next"));
        let body = r#"{"data":[{"items":[7]},{"items":[8,9]}],"meta":{"next":42}}"#;
        assert_eq!(run(&plan, body).unwrap(), (vec![8, 9], Some("42".into())));
    }

    #[test]
    fn errors_carry_the_json_path_and_leave_the_buffer_alone() {
        let plan = plan(Some("payload.Orders"), None);
        let mut buf = VecDeque::from([100u32]);
        let err = plan
            .decode::<u32, ()>(br#"{"payload":{"Orders":[1,2,"three"]}}"#, &mut buf)
            .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        assert_eq!(err.json_path(), Some("payload.Orders[2]"));
        assert_eq!(buf, [100]);
        let err = plan.decode::<u32, ()>(br#"{"payload":{"Orders":{}}}"#, &mut buf).unwrap_err();
        assert_eq!(err.json_path(), Some("payload.Orders"));
        assert!(plan.decode::<u32, ()>(b"{\"payload\":", &mut buf).is_err());
        assert!(plan.decode::<u32, ()>(b"[] trailing", &mut buf).is_err());
    }

    #[test]
    fn token_of_the_wrong_type_is_an_error() {
        let plan = plan(Some("items"), Some("next"));
        assert!(run(&plan, r#"{"items":[],"next":{"a":1}}"#).is_err());
        assert!(run(&plan, r#"{"items":[],"next":true}"#).is_err());
    }
}
