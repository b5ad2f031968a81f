//! Property test: mutated specs (deleted keys, wrong types, broken refs, cycles, moved
//! subtrees) never make loading or analysis panic. Seeds are specs of at most 300 KB.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::OnceLock;

use connkit_spec::{Document, DocumentSet, analyze_apis, normalize_documents, pointer_push};
use proptest::prelude::*;
use serde_json::{Value, json};
use url::Url;

/// One seed: the documents of a spec (root first), parsed.
type Seed = Vec<(Url, String, Value)>;

const MAX_SEED_BYTES: usize = 300 * 1024;

fn seeds() -> &'static [Seed] {
    static SEEDS: OnceLock<Vec<Seed>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut locations: Vec<String> = [
            "tiers/lite_api_key.yaml",
            "tiers/eight_endpoints.yaml",
            "tiers/oauth2.json",
            "tiers/paginated.yaml",
            "features/swagger2.yaml",
            "features/openapi31.yaml",
            "features/broken.yaml",
            "single/petstore.yaml",
            "multi/openapi.yaml",
        ]
        .iter()
        .map(|f| common::fixture(f))
        .collect();
        let specs = common::test_specs();
        for real in
            ["oxide/buildomat.json", "oxide/propolis-server.json", "amazon-sp-api/ordersV0.json"]
        {
            let path = specs.join(real);
            assert!(path.is_file(), "test data missing: {}", path.display());
            locations.push(path.display().to_string());
        }
        locations
            .iter()
            .map(|location| {
                let spec = common::load(location).unwrap();
                let size: usize = spec.files.iter().map(|f| f.content.len()).sum();
                assert!(size <= MAX_SEED_BYTES, "{location} is {size} bytes");
                spec.files
                    .iter()
                    .map(|file| {
                        let url = Url::parse(&file.url).unwrap();
                        let value = parse_any(&file.relative_path, &file.content);
                        (url, file.relative_path.clone(), value)
                    })
                    .collect()
            })
            .collect()
    })
}

/// Parses a file of a seed (JSON or YAML) into a value.
fn parse_any(name: &str, text: &str) -> Value {
    if name.ends_with(".json") {
        serde_json::from_str(text).unwrap()
    } else {
        serde_saphyr::from_str(text).unwrap()
    }
}

/// What to do at the chosen node.
#[derive(Debug, Clone)]
enum Mutation {
    /// Remove one key of an object (or one element of an array).
    Delete,
    /// Replace the node by a value of another type.
    WrongType(u8),
    /// Replace the node by a reference to nowhere (local or in a missing file).
    BrokenRef(bool),
    /// Replace the node by a reference to itself or one of its ancestors.
    Cycle(u8),
    /// Copy the node over another one (a subtree where it does not belong).
    Transplant(Vec<u16>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => Just(Mutation::Delete),
        3 => any::<u8>().prop_map(Mutation::WrongType),
        2 => any::<bool>().prop_map(Mutation::BrokenRef),
        2 => any::<u8>().prop_map(Mutation::Cycle),
        1 => prop::collection::vec(any::<u16>(), 1..10).prop_map(Mutation::Transplant),
    ]
}

/// Walks down `path` (each step picks a child by index modulo the number of children) and
/// returns the JSON pointer of the node reached.
fn descend(root: &Value, path: &[u16]) -> String {
    let mut pointer = String::new();
    let mut node = root;
    for step in path {
        match node {
            Value::Object(map) if !map.is_empty() => {
                let (key, child) = map.iter().nth(*step as usize % map.len()).unwrap();
                pointer = pointer_push(&pointer, key);
                node = child;
            }
            Value::Array(items) if !items.is_empty() => {
                let index = *step as usize % items.len();
                pointer = format!("{pointer}/{index}");
                node = &items[index];
            }
            _ => break,
        }
    }
    pointer
}

fn apply(root: &mut Value, path: &[u16], mutation: &Mutation) {
    let pointer = descend(root, path);
    let snapshot = match mutation {
        Mutation::Transplant(source) => {
            Some(root.pointer(&descend(root, source)).cloned().unwrap_or(Value::Null))
        }
        _ => None,
    };
    let Some(node) = root.pointer_mut(&pointer) else { return };
    match mutation {
        Mutation::Delete => match node {
            Value::Object(map) if !map.is_empty() => {
                let key = map
                    .keys()
                    .nth(path.last().copied().unwrap_or(0) as usize % map.len())
                    .cloned()
                    .unwrap();
                map.shift_remove(&key);
            }
            Value::Array(items) if !items.is_empty() => {
                items.remove(path.last().copied().unwrap_or(0) as usize % items.len());
            }
            other => *other = Value::Null,
        },
        Mutation::WrongType(kind) => {
            *node = match kind % 6 {
                0 => Value::Null,
                1 => json!(42),
                2 => json!("text"),
                3 => json!([1, "two", null]),
                4 => json!(true),
                _ => json!({}),
            }
        }
        Mutation::BrokenRef(external) => {
            let target = if *external {
                "missing.yaml#/components/schemas/X"
            } else {
                "#/components/schemas/DoesNotExist"
            };
            *node = json!({ "$ref": target });
        }
        Mutation::Cycle(up) => {
            let tokens: Vec<&str> = pointer.split('/').collect();
            let keep = tokens.len().saturating_sub(*up as usize % 4).max(1);
            let target = tokens[..keep].join("/");
            *node = json!({ "$ref": format!("#{target}") });
        }
        Mutation::Transplant(_) => *node = snapshot.unwrap_or(Value::Null),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(
        seed in any::<prop::sample::Index>(),
        document in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(
            (prop::collection::vec(any::<u16>(), 0..14), mutation()),
            1..6,
        ),
    ) {
        let seed = seed.get(seeds());
        let mut values: Vec<Value> = seed.iter().map(|(_, _, value)| value.clone()).collect();
        let target = document.index(values.len());
        for (path, mutation) in &mutations {
            apply(&mut values[target], path, mutation);
        }
        let mut documents: Option<DocumentSet> = None;
        for ((url, name, _), value) in seed.iter().zip(values) {
            match documents.as_mut() {
                None => documents = Some(DocumentSet::single(url.clone(), name.clone(), value)),
                Some(set) => {
                    set.push(Document { url: url.clone(), name: name.clone(), value });
                }
            }
        }
        let documents = documents.unwrap();
        if let Ok((api, diagnostics)) = normalize_documents(&documents) {
            let analysis = analyze_apis(&[&api]);
            prop_assert_eq!(analysis.operations.len(), api.operations.len());
            // Every diagnostic renders.
            for diagnostic in &diagnostics {
                prop_assert!(!diagnostic.to_string().is_empty());
            }
            // The model serialises.
            prop_assert!(serde_json::to_string(&api).is_ok());
        }
    }
}
