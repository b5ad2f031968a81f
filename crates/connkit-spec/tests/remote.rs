//! Loading from http(s) URLs: a multi-file spec served over HTTP loads like the same files on
//! disk, relative refs resolve against the URL, and failures are reported.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use connkit_spec::{DiagnosticKind, LoadError, Loader};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FILES: &[&str] = &[
    "openapi.yaml",
    "paths/pets.yaml",
    "paths/pet.yaml",
    "components/common.yaml",
    "schemas/pet.yaml",
    "schemas/new_pet.yaml",
    "schemas/category.yaml",
    "schemas/error.yaml",
];

async fn serve(server: &MockServer, skip: Option<&str>) {
    for file in FILES {
        if Some(*file) == skip {
            continue;
        }
        let body = std::fs::read_to_string(common::fixture(&format!("multi/{file}"))).unwrap();
        Mock::given(method("GET"))
            .and(path(format!("/specs/{file}")))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn a_multi_file_spec_over_http_loads_like_the_files_on_disk() {
    let server = MockServer::start().await;
    serve(&server, None).await;
    let url = format!("{}/specs/openapi.yaml", server.uri());
    let remote = Loader::new().load(&url).await.unwrap();
    let local = Loader::new().load(&common::fixture("multi/openapi.yaml")).await.unwrap();
    assert!(remote.diagnostics.is_empty(), "{:#?}", remote.diagnostics);
    assert_eq!(remote.api.source, url);
    let (mut a, mut b) = (remote.api.clone(), local.api.clone());
    a.source.clear();
    b.source.clear();
    assert_eq!(serde_json::to_value(&a).unwrap(), serde_json::to_value(&b).unwrap());
    let remote_paths: Vec<&str> = remote.files.iter().map(|f| f.relative_path.as_str()).collect();
    let local_paths: Vec<&str> = local.files.iter().map(|f| f.relative_path.as_str()).collect();
    assert_eq!(remote_paths, local_paths);
    assert!(remote.files.iter().all(|f| f.url.starts_with(&server.uri())));
}

#[tokio::test]
async fn a_missing_referenced_file_is_a_diagnostic_not_a_failure() {
    let server = MockServer::start().await;
    serve(&server, Some("schemas/category.yaml")).await;
    let spec = Loader::new().load(&format!("{}/specs/openapi.yaml", server.uri())).await.unwrap();
    assert_eq!(spec.api.operations.len(), 3);
    assert!(
        spec.diagnostics
            .iter()
            .any(|d| d.kind == DiagnosticKind::BrokenRef && d.message.contains("404")),
        "{:#?}",
        spec.diagnostics
    );
}

#[tokio::test]
async fn an_unreachable_root_is_a_read_error() {
    let server = MockServer::start().await;
    let err = Loader::new().load(&format!("{}/nothing.yaml", server.uri())).await.unwrap_err();
    assert!(matches!(err, LoadError::Read { .. }), "{err}");
    assert!(err.to_string().contains("404"), "{err}");
}
