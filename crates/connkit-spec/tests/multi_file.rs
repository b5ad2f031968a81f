//! A spec split over several files with relative `$ref`s loads identically to its
//! single-file version, and the file set is reported with its layout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use connkit_spec::{SchemaKind, SchemaRef};

#[test]
fn multi_file_spec_loads_like_its_single_file_version() {
    let multi = common::load(&common::fixture("multi/openapi.yaml")).unwrap();
    let single = common::load(&common::fixture("single/petstore.yaml")).unwrap();
    assert!(multi.diagnostics.is_empty(), "{:#?}", multi.diagnostics);
    assert!(single.diagnostics.is_empty(), "{:#?}", single.diagnostics);
    let (mut a, mut b) = (multi.api.clone(), single.api.clone());
    a.source.clear();
    b.source.clear();
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::to_value(&b).unwrap(),
        "normalised models differ"
    );
    assert_eq!(a.schemas.keys().collect::<Vec<_>>(), ["Pet", "NewPet", "Category", "Error"]);
}

#[test]
fn the_file_set_keeps_the_relative_layout() {
    let multi = common::load(&common::fixture("multi/openapi.yaml")).unwrap();
    let mut paths: Vec<&str> = multi.files.iter().map(|f| f.relative_path.as_str()).collect();
    assert_eq!(paths[0], "openapi.yaml");
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "components/common.yaml",
            "openapi.yaml",
            "paths/pet.yaml",
            "paths/pets.yaml",
            "schemas/category.yaml",
            "schemas/error.yaml",
            "schemas/new_pet.yaml",
            "schemas/pet.yaml",
        ]
    );
    let pet = multi.files.iter().find(|f| f.relative_path == "schemas/pet.yaml").unwrap();
    assert!(pet.content.contains("allOf"));
}

#[test]
fn recursive_schemas_are_references_by_name() {
    let spec = common::load(&common::fixture("multi/openapi.yaml")).unwrap();
    let SchemaKind::Object { properties, .. } = &spec.api.schemas["Category"].kind else {
        panic!("Category is an object")
    };
    assert_eq!(properties["parent"], SchemaRef::Ref("Category".into()));
}

#[test]
fn loading_is_bounded_by_total_size_with_an_error_naming_the_limit() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let limits =
        connkit_spec::LoadLimits { max_total_bytes: 1024, ..connkit_spec::LoadLimits::DEFAULT };
    let loader = connkit_spec::Loader::new().with_limits(limits);
    let location = common::fixture("multi/openapi.yaml");
    let err = runtime.block_on(loader.load(&location)).unwrap_err();
    assert!(matches!(err, connkit_spec::LoadError::Limit { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("the total size limit of 1 KiB exceeded"), "{message}");
    // The default has no cap on the number of documents.
    let whole = runtime.block_on(connkit_spec::Loader::new().load(&location)).unwrap();
    assert_eq!(whole.files.len(), 8);
}
