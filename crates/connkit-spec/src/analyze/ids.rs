//! Operation ids (DESIGN.md, "Operation ids"): the operationId, `_{method}` appended when it
//! repeats inside one spec, synthesized from method and path when missing, and
//! `{spec_stem}.{id}` when several specs are analysed together.

use std::collections::HashMap;

use heck::ToSnakeCase;

use crate::UniqueNames;
use crate::model::{Api, Operation};

/// The stem of a spec's source (`ordersV0` for `.../ordersV0.json`), made unique among `apis`
/// by appending `_2`, `_3`, ... in order.
pub(crate) fn spec_stems(apis: &[&Api]) -> Vec<String> {
    let mut taken = UniqueNames::new();
    apis.iter().map(|api| taken.unique(&stem(&api.source), "_")).collect()
}

fn stem(source: &str) -> String {
    let trimmed = source.split(['?', '#']).next().unwrap_or(source).trim_end_matches('/');
    let file = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    let stem = match file.rfind('.') {
        Some(dot) if dot > 0 => &file[..dot],
        _ => file,
    };
    if stem.is_empty() { "spec".to_string() } else { stem.to_string() }
}

/// The per-spec unique id of every operation of `api`, in order: the one id every part of
/// connkit (analysis, generator, `connkit call`) uses for an operation within its spec.
pub fn operation_ids(api: &Api) -> Vec<String> {
    let bases: Vec<String> = api.operations.iter().map(base_id).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for base in &bases {
        *counts.entry(base.as_str()).or_default() += 1;
    }
    let mut taken = UniqueNames::new();
    let mut ids = Vec::with_capacity(bases.len());
    for (operation, base) in api.operations.iter().zip(&bases) {
        let candidate = if counts.get(base.as_str()).copied().unwrap_or(0) > 1 {
            format!("{base}_{}", operation.method.as_str())
        } else {
            base.clone()
        };
        ids.push(taken.unique(&candidate, "_"));
    }
    ids
}

/// The operationId, or one synthesized from the method and path
/// (`GET /pets/{petId}/photos` → `get_pets_by_pet_id_photos`).
fn base_id(operation: &Operation) -> String {
    if let Some(id) = &operation.operation_id {
        return id.trim().to_string();
    }
    let mut parts = vec![operation.method.as_str().to_string()];
    for segment in operation.path.split('/').filter(|s| !s.is_empty()) {
        let part = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => format!("by_{}", param.to_snake_case()),
            None => segment.to_snake_case(),
        };
        if !part.is_empty() {
            parts.push(part);
        }
    }
    if parts.len() == 1 {
        parts.push("root".to_string());
    }
    parts.join("_")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_over_every_operation_declared_synthesized_or_repeated() {
        let spec = crate::load_str(
            "t.json",
            r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{
              "/a":{"get":{"operationId":"list","responses":{"200":{"description":"ok"}}},
                    "post":{"operationId":"list","responses":{"200":{"description":"ok"}}}},
              "/b":{"get":{"operationId":"list_get","responses":{"200":{"description":"ok"}}}},
              "/pets/{petId}/photos":{"get":{"responses":{"200":{"description":"ok"}}},
                    "put":{"operationId":"get_pets_by_pet_id_photos","responses":{"200":{"description":"ok"}}}}}}"#,
        )
        .unwrap();
        let ids = operation_ids(&spec.api);
        assert_eq!(ids.len(), 5);
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), 5, "{ids:?}");
        assert!(ids.contains(&"list_post".to_string()), "{ids:?}");
        // A synthesized id that a declared one repeats: both get their method.
        assert_eq!(ids[3..], ["get_pets_by_pet_id_photos_get", "get_pets_by_pet_id_photos_put"]);
        // The analysis names them alike, in the same order.
        let analysis = crate::analyze_apis(&[&spec.api]);
        let analysed: Vec<&str> = analysis.operations.iter().map(|op| op.id.as_str()).collect();
        assert_eq!(analysed, ids.iter().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn stems_come_from_file_names_and_are_unique() {
        let stem_of = |s: &str| stem(s);
        assert_eq!(stem_of("/x/ordersV0.json"), "ordersV0");
        assert_eq!(
            stem_of("https://h/a/catalogItems_2022-04-01.json?x=1"),
            "catalogItems_2022-04-01"
        );
        assert_eq!(stem_of("openapi.yaml"), "openapi");
        assert_eq!(stem_of("C:\\specs\\api.yml"), "api");
    }
}
