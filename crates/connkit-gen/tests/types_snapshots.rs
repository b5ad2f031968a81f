//! Snapshot tests of the schema-to-type layer on small specs written for it
//! (`tests/fixtures/types/*.yaml`), plus checks of `TypeSpace::type_for` and determinism.
//! Regenerate snapshots with `INSTA_UPDATE=always cargo test -p connkit-gen --test types_snapshots`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use connkit_gen::types::{GeneratedFile, TypeRefKind, TypeSpace};
use connkit_spec::model::{Api, Schema, SchemaKind, SchemaRef};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/types")
}

fn load(name: &str) -> Api {
    let file = format!("{name}.yaml");
    let text = std::fs::read_to_string(fixtures().join(&file)).unwrap();
    connkit_spec::load_str(&file, &text).unwrap().api
}

fn render(files: &[GeneratedFile]) -> String {
    files
        .iter()
        .map(|f| format!("// ---- {} ----\n{}", f.path.display(), f.contents))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Emits the fixture's models, checks that a second run gives the same bytes, and compares
/// with the stored snapshot.
fn snapshot(name: &str) -> String {
    let api = load(name);
    let space = TypeSpace::new(&api, "crate::models");
    let stats = space.stats();
    let files = space.emit();
    let again = TypeSpace::new(&api, "crate::models").emit();
    assert_eq!(files, again, "generation is not deterministic");
    let text = format!("// stats: {stats:?}\n{}", render(&files));
    insta::with_settings!({
        snapshot_path => fixtures().join("snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
    text
}

#[test]
fn one_of_with_discriminator_and_inheritance() {
    let text = snapshot("discriminator");
    assert!(text.contains("Some(\"cat\" | \"kitten\") =>"), "mapped tags select the member");
    assert!(text.contains("Some(\"Lion\") =>"), "subtypes are tagged by schema name");
    assert!(text.contains("Some(\"circle\") =>"), "one-valued properties act as tags");
    assert!(text.contains("#[serde(untagged)]"));
}

#[test]
fn all_of() {
    let text = snapshot("allof");
    assert!(text.contains("pub type ItemAlias = crate::models::Item;"));
    // Required-only alternatives keep the object a struct of optional fields, and say so.
    assert!(text.contains("pub struct BatchRequest {"), "{text}");
    assert!(
        text.contains("/// The API requires one of these to be set: `file_ids`; `files`."),
        "{text}"
    );
}

#[test]
fn nullable() {
    let text = snapshot("nullable");
    assert!(text.contains("pub note: ::core::option::Option<::std::string::String>,"));
}

#[test]
fn keywords_and_collisions() {
    let text = snapshot("names");
    for field in [
        "pub type_:",
        "pub self_:",
        "pub async_:",
        "pub field_2fa:",
        "pub plus_1:",
        "pub minus_1:",
        "pub foo_bar_2:",
        "pub foo_bar_3:",
    ] {
        assert!(text.contains(field), "{field} missing");
    }
}

#[test]
fn enums_with_unknown_values() {
    let text = snapshot("enums");
    assert!(text.contains("Unknown(::std::string::String)"));
    assert!(text.contains("**Deprecated.**"));
}

#[test]
fn recursion() {
    let text = snapshot("recursion");
    assert!(text.contains("::std::boxed::Box<crate::models::Node>"));
    assert!(text.contains("pub struct Nested(pub ::std::vec::Vec<crate::models::Nested>);"));
}

#[test]
fn additional_properties_and_formats() {
    let text = snapshot("maps");
    assert!(text.contains("#[serde(flatten)]"));
    assert!(text.contains("pub small: ::core::option::Option<i32>"));
}

#[test]
fn type_for_names_inline_definitions_uniquely() {
    let api = load("enums");
    let mut space = TypeSpace::new(&api, "crate::models::enums_v1");
    let inline = SchemaRef::Inline(Box::new(Schema::new(SchemaKind::String {
        values: vec!["a".into(), "b".into()],
    })));
    let first = space.type_for(&inline, "Status");
    let second = space.type_for(&inline, "Status");
    assert_eq!(first.tokens.to_string(), "crate :: models :: enums_v1 :: Status2");
    assert_eq!(second.tokens.to_string(), "crate :: models :: enums_v1 :: Status3");
    assert!(matches!(first.kind, TypeRefKind::StringEnum) && first.is_display());
    let named = space.type_for(&SchemaRef::Ref("Order".into()), "Unused");
    assert_eq!(named.tokens.to_string(), "crate :: models :: enums_v1 :: Order");
    assert!(matches!(named.kind, TypeRefKind::Model));
    let list = space.type_for(
        &SchemaRef::Inline(Box::new(Schema::new(SchemaKind::Array {
            items: SchemaRef::Ref("Priority".into()),
        }))),
        "Priorities",
    );
    assert_eq!(
        list.tokens.to_string(),
        ":: std :: vec :: Vec < crate :: models :: enums_v1 :: Priority >"
    );
    assert!(matches!(&list.kind, TypeRefKind::List(item) if item.is_copy()));
    let stats = space.stats();
    assert_eq!(stats.json_fallbacks, 0, "{:?}", stats.fallback_sites);
    let files = space.emit();
    assert!(files.iter().any(|f| f.path == Path::new("status2.rs")));
}

#[test]
fn identical_inline_enums_are_shared_when_asked() {
    let api = load("enums");
    let enum_of = |values: &[&str]| {
        SchemaRef::Inline(Box::new(Schema::new(SchemaKind::String {
            values: values.iter().map(|v| (*v).to_string()).collect(),
        })))
    };
    let select = enum_of(&["id", "displayName"]);
    let mut space = TypeSpace::new(&api, "crate::models");
    space.share_identical_enums();
    let inline_before = space.stats().inline;
    let first = space.type_for(&select, "ListUsersSelectItem");
    let again = space.type_for(&select, "GetUserSelectItem");
    let other = space.type_for(&enum_of(&["displayName", "id"]), "ListGroupsSelectItem");
    assert_eq!(first.tokens.to_string(), again.tokens.to_string(), "the same values: one type");
    assert_ne!(first.tokens.to_string(), other.tokens.to_string(), "another order: another type");
    let inline_after = space.stats().inline;
    let files = space.emit();
    assert!(files.iter().any(|f| f.path == Path::new("list_users_select_item.rs")));
    assert!(!files.iter().any(|f| f.path == Path::new("get_user_select_item.rs")));
    assert_eq!(inline_after - inline_before, 2, "two definitions for three uses");

    let mut unshared = TypeSpace::new(&api, "crate::models");
    let first = unshared.type_for(&select, "ListUsersSelectItem");
    let again = unshared.type_for(&select, "GetUserSelectItem");
    assert_ne!(first.tokens.to_string(), again.tokens.to_string(), "by default each has its own");
}
