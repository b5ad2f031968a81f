//! Decoding a page body straight into its items and the fields that chain pages.
//!
//! A [`DecodePlan`] is a small tree of the paths to visit (the items path, and the paths of
//! the next token, the `has_more` flag and the totals). Walking the body with it is one pass of
//! `serde_json` through a `DeserializeSeed`: keys on the paths are followed, items are
//! deserialized directly into the output buffer, the other fields are captured as scalars, and
//! everything else is skipped with `IgnoredAny`. No intermediate `serde_json::Value` is built,
//! except for the items of the keyset style, where each item is read as a value first so that
//! the key of the last one can be taken from it.

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
    More,
    TotalItems,
    TotalPages,
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

/// The paths one page body is read at (all parsed; the items path may be the root).
#[derive(Debug, Clone, Default)]
pub(crate) struct PlanPaths {
    /// The items array.
    pub(crate) items: JsonPath,
    /// The key of an item to capture from the last item (keyset style).
    pub(crate) item_key: Option<JsonPath>,
    /// The next token or URL.
    pub(crate) token: Option<JsonPath>,
    /// The `has_more` flag.
    pub(crate) more: Option<JsonPath>,
    /// The total number of items.
    pub(crate) total_items: Option<JsonPath>,
    /// The number of pages.
    pub(crate) total_pages: Option<JsonPath>,
}

/// The paths to walk in every page body (built once per stream).
#[derive(Debug, Clone)]
pub(crate) struct DecodePlan {
    root: Node,
    item_key: Option<JsonPath>,
}

/// What one page body holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct DecodedPage {
    /// How many items were appended to the buffer.
    pub(crate) count: usize,
    /// The next token or URL found at the token path, if any (empty text counts as none).
    pub(crate) token: Option<String>,
    /// The `has_more` flag, if present (`true`/`false`, or the same as text).
    pub(crate) more: Option<bool>,
    /// The total number of items, if present.
    pub(crate) total_items: Option<u64>,
    /// The number of pages, if present.
    pub(crate) total_pages: Option<u64>,
    /// The key of the last item (keyset style), if the page has items and the last has it.
    pub(crate) last_key: Option<String>,
}

impl DecodePlan {
    /// A plan capturing the items and every field of `paths`.
    pub(crate) fn new(paths: &PlanPaths) -> Self {
        let mut root = Node::new(String::new());
        root.insert(paths.items.segments(), Target::Items);
        for (path, target) in [
            (&paths.token, Target::Token),
            (&paths.more, Target::More),
            (&paths.total_items, Target::TotalItems),
            (&paths.total_pages, Target::TotalPages),
        ] {
            if let Some(path) = path {
                root.insert(path.segments(), target);
            }
        }
        Self { root, item_key: paths.item_key.clone() }
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
        let mut sink = Sink::new(items, self.item_key.as_ref());
        let mut de = serde_json::Deserializer::from_slice(body);
        let result = NodeSeed { node: &self.root, sink: &mut sink }
            .deserialize(&mut de)
            .and_then(|()| de.end());
        let captured = sink.captured;
        match result {
            Ok(()) => Ok(DecodedPage {
                count: items.len() - start,
                token: captured.token.filter(|t| !t.is_empty()),
                ..captured
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
        let mut sink = Sink::new(&mut scratch, self.item_key.as_ref());
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
    /// The key to take from each item (keyset style).
    item_key: Option<&'a JsonPath>,
    captured: DecodedPage,
}

impl<'a, T> Sink<'a, T> {
    fn new(items: &'a mut VecDeque<T>, item_key: Option<&'a JsonPath>) -> Self {
        Self { items, item_key, captured: DecodedPage::default() }
    }
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
                self.sink.captured.token = deserializer.deserialize_any(TokenVisitor)?;
                Ok(())
            }
            Some(target @ (Target::More | Target::TotalItems | Target::TotalPages)) => {
                let value = deserializer.deserialize_any(ScalarVisitor)?;
                let captured = &mut self.sink.captured;
                match target {
                    Target::More => captured.more = value.and_then(Scalar::into_flag),
                    Target::TotalItems => captured.total_items = value.and_then(Scalar::into_count),
                    _ => captured.total_pages = value.and_then(Scalar::into_count),
                }
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
        let Some(key) = self.sink.item_key else {
            while let Some(item) = seq.next_element::<T>()? {
                self.sink.items.push_back(item);
            }
            return Ok(());
        };
        let mut last_key = None;
        while let Some((item, item_key)) = seq.next_element_seed(KeyedItem::<T>::new(key))? {
            self.sink.items.push_back(item);
            last_key = item_key;
        }
        self.sink.captured.last_key = last_key;
        Ok(())
    }
}

/// One item of the keyset style with its key: read as a value, the key taken from it, then
/// decoded as `T` (inside the element, so that errors name its index).
struct KeyedItem<'k, T> {
    key: &'k JsonPath,
    item: std::marker::PhantomData<T>,
}

impl<'k, T> KeyedItem<'k, T> {
    fn new(key: &'k JsonPath) -> Self {
        Self { key, item: std::marker::PhantomData }
    }
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for KeyedItem<'_, T> {
    type Value = (T, Option<String>);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
        let key = key_of(&value, self.key);
        let item = T::deserialize(value).map_err(de::Error::custom)?;
        Ok((item, key))
    }
}

/// The scalar at `key` inside `item`, as text (a string, or a number written out).
fn key_of(item: &serde_json::Value, key: &JsonPath) -> Option<String> {
    let mut current = item;
    for segment in key.segments() {
        current = match current {
            serde_json::Value::Object(map) => map.get(segment)?,
            serde_json::Value::Array(list) => list.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match current {
        serde_json::Value::String(text) if !text.is_empty() => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// A flag or count read from the body.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    /// The value as a flag: a boolean, `"true"`/`"false"`, or a number (0 is false).
    fn into_flag(self) -> Option<bool> {
        match self {
            Self::Bool(flag) => Some(flag),
            Self::Unsigned(n) => Some(n != 0),
            Self::Signed(n) => Some(n != 0),
            Self::Float(n) => Some(n != 0.0),
            Self::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            },
        }
    }

    /// The value as a count: a non-negative whole number, or digits as text.
    fn into_count(self) -> Option<u64> {
        match self {
            Self::Unsigned(n) => Some(n),
            Self::Signed(n) => u64::try_from(n).ok(),
            Self::Float(n) if n >= 0.0 && n.fract() == 0.0 && n < 1.8e19 => Some(n as u64),
            Self::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }
}

/// Captures a scalar; `null`, objects and arrays (which the spec did not promise) are none.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Option<Scalar>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a flag or a count")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Bool(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Unsigned(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Signed(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Float(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Text(v.to_string())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
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
        DecodePlan::new(&PlanPaths { items, token, ..PlanPaths::default() })
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
    fn flags_and_totals_are_read_leniently() {
        let paths = PlanPaths {
            items: JsonPath::parse("data").unwrap(),
            more: Some(JsonPath::parse("meta.has_more").unwrap()),
            total_items: Some(JsonPath::parse("meta.total").unwrap()),
            total_pages: Some(JsonPath::parse("pages").unwrap()),
            ..PlanPaths::default()
        };
        let plan = DecodePlan::new(&paths);
        let page = |body: &str| {
            let mut buf = VecDeque::new();
            plan.decode::<u32, ()>(body.as_bytes(), &mut buf).unwrap()
        };
        let p = page(r#"{"data":[1],"meta":{"has_more":true,"total":"12"},"pages":4.0}"#);
        assert_eq!((p.more, p.total_items, p.total_pages), (Some(true), Some(12), Some(4)));
        let p = page(r#"{"meta":{"has_more":"false","total":-1},"pages":{"n":1}}"#);
        assert_eq!((p.more, p.total_items, p.total_pages), (Some(false), None, None));
        let p = page(r#"{"meta":{"has_more":null,"total":[1]},"pages":0}"#);
        assert_eq!((p.more, p.total_items, p.total_pages), (None, None, Some(0)));
    }

    #[test]
    fn keyset_takes_the_key_of_the_last_item() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        struct Item {
            name: String,
        }
        let paths = PlanPaths {
            items: JsonPath::parse("data").unwrap(),
            item_key: Some(JsonPath::parse("ref.id").unwrap()),
            ..PlanPaths::default()
        };
        let plan = DecodePlan::new(&paths);
        let mut buf = VecDeque::new();
        let body = br#"{"data":[{"name":"a","ref":{"id":"x1"}},{"name":"b","ref":{"id":7}}]}"#;
        let page = plan.decode::<Item, ()>(body, &mut buf).unwrap();
        assert_eq!((page.count, page.last_key.as_deref()), (2, Some("7")));
        assert_eq!(buf.back(), Some(&Item { name: "b".to_string() }));
        let page = plan.decode::<Item, ()>(br#"{"data":[{"name":"c"}]}"#, &mut buf).unwrap();
        assert_eq!((page.count, page.last_key), (1, None));
        let err = plan.decode::<Item, ()>(br#"{"data":[{"name":3}]}"#, &mut buf).unwrap_err();
        assert_eq!(err.json_path(), Some("data[0]"));
        assert_eq!(buf.len(), 3);
    }

    #[test]
    fn token_of_the_wrong_type_is_an_error() {
        let plan = plan(Some("items"), Some("next"));
        assert!(run(&plan, r#"{"items":[],"next":{"a":1}}"#).is_err());
        assert!(run(&plan, r#"{"items":[],"next":true}"#).is_err());
    }
}
