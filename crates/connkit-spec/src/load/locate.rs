//! Line and column of JSON pointers in a document's text, for diagnostics. Only computed for
//! documents that have diagnostics (it parses the text a second time, with spans).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A parsed node with its location: children of maps and sequences, nothing for scalars.
struct Node(Spanned<Children>);

enum Children {
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
    Leaf,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Spanned::<Children>::deserialize(deserializer).map(Node)
    }
}

impl<'de> Deserialize<'de> for Children {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ChildrenVisitor)
    }
}

struct ChildrenVisitor;

impl<'de> Visitor<'de> for ChildrenVisitor {
    type Value = Children;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Children, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value::<Node>()?));
        }
        Ok(Children::Map(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Children, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Children::Seq(items))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_none<E: de::Error>(self) -> Result<Children, E> {
        Ok(Children::Leaf)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Children, D::Error> {
        Children::deserialize(deserializer)
    }
}

/// The 1-based (line, column) of each pointer's value in `text`, `None` where unknown.
/// JSON is read by the YAML parser, which accepts it and reports positions.
pub(crate) fn locate(text: &str, pointers: &[&str]) -> Vec<Option<(u64, u64)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(root) = serde_saphyr::from_str_with_options::<Node>(text, super::parse::yaml_options())
    else {
        return vec![None; pointers.len()];
    };
    pointers.iter().map(|pointer| find(&root, pointer)).collect()
}

fn find(root: &Node, pointer: &str) -> Option<(u64, u64)> {
    let mut node = root;
    if !pointer.is_empty() {
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match &node.0.value {
                Children::Map(entries) => &entries.iter().find(|(key, _)| *key == token)?.1,
                Children::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
                Children::Leaf => return None,
            };
        }
    }
    let location = node.0.referenced;
    let (line, column) = (location.line(), location.column());
    (line > 0).then_some((line, column))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_yaml_and_json_positions() {
        let yaml = "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters: 5\n";
        assert_eq!(locate(yaml, &["/paths/~1a/get/parameters"]), vec![Some((5, 19))]);
        let json = "{\n  \"paths\": {\n    \"/a\": [1, {\"x\": true}]\n  }\n}";
        let found = locate(json, &["/paths/~1a/1/x", "/nope"]);
        assert_eq!(found[0].map(|(line, _)| line), Some(3));
        assert_eq!(found[1], None);
    }
}
