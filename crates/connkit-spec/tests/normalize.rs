//! Normalisation of each version's features into the one model, and degradation of broken
//! parts into diagnostics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use connkit_spec::model::{OAuthFlowKind, ParameterStyle};
use connkit_spec::{
    AdditionalProperties, AuthKind, BodyKind, DiagnosticKind, HttpMethod, ParameterLocation,
    SchemaKind, SchemaRef, SecurityScheme, Severity, StatusCode, analyze,
};

fn inline(schema: &SchemaRef) -> &connkit_spec::Schema {
    match schema {
        SchemaRef::Inline(schema) => schema,
        SchemaRef::Ref(name) => panic!("expected an inline schema, found a ref to {name}"),
    }
}

#[test]
fn swagger2_bodies_forms_parameters_and_servers() {
    let spec = common::load(&common::fixture("features/swagger2.yaml")).unwrap();
    assert!(spec.diagnostics.is_empty(), "{:#?}", spec.diagnostics);
    let api = &spec.api;
    let urls: Vec<&str> = api.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["https://api.example.com/v2", "http://api.example.com/v2"]);

    let find = &api.operations[0];
    assert_eq!((find.method, find.path.as_str()), (HttpMethod::Get, "/pets"));
    let tags = find.parameter("tags", ParameterLocation::Query).unwrap();
    assert_eq!((tags.style, tags.explode), (ParameterStyle::Form, true));
    assert!(matches!(inline(&tags.schema).kind, SchemaKind::Array { .. }));
    assert!(find.parameter("X-Request-Id", ParameterLocation::Header).unwrap().required);
    let ok = &find.responses[0];
    assert_eq!(ok.status, StatusCode::Code(200));
    assert_eq!(ok.content[0].kind, BodyKind::Json);
    assert!(ok.extensions.contains_key("x-amzn-api-sandbox"));
    assert!(ok.header("x-ratelimit-limit").is_some());

    let add = &api.operations[1];
    let body = add.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content[0].schema, Some(SchemaRef::Ref("Pet".into())));
    assert_eq!(add.extensions["x-internal-note"], "keep me");

    let upload = &api.operations[2];
    assert_eq!(upload.security, Some(vec![]));
    let form = upload.request_body.as_ref().unwrap();
    assert_eq!(form.content[0].kind, BodyKind::Multipart);
    let SchemaKind::Object { properties, required, .. } =
        &inline(form.content[0].schema.as_ref().unwrap()).kind
    else {
        panic!("form body is an object")
    };
    assert_eq!(required, &["file".to_string()]);
    assert_eq!(inline(&properties["file"]).format.as_deref(), Some("binary"));
    let types: Vec<&str> =
        upload.responses[0].content.iter().map(|m| m.content_type.as_str()).collect();
    assert_eq!(types, ["application/xml", "application/json"]);

    let pet = &api.schemas["Pet"];
    let SchemaKind::Object { properties, discriminator, .. } = &pet.kind else {
        panic!("Pet is an object")
    };
    assert_eq!(discriminator.as_ref().unwrap().property_name, "kind");
    assert!(inline(&properties["nickname"]).nullable);
    assert_eq!(
        inline(&properties["kind"]).kind,
        SchemaKind::String { values: vec!["cat".into(), "dog".into()] }
    );
    let age = inline(&properties["age"]);
    assert_eq!((age.constraints.minimum, age.constraints.exclusive_minimum), (Some(0.0), true));

    let SecurityScheme::OAuth2 { flows, .. } = &api.security_schemes["oauth"] else {
        panic!("oauth2")
    };
    assert_eq!(flows[0].kind, OAuthFlowKind::AuthorizationCode);
    let analysis = analyze(std::slice::from_ref(&spec));
    assert!(matches!(analysis.auth[0], AuthKind::Oauth2AuthorizationCode { .. }));
    assert_eq!(analysis.operations[1].idempotency_header.as_deref(), Some("Idempotency-Key"));
    let rate = analysis.operations[0].rate_limit.as_ref().unwrap();
    assert_eq!((rate.rate, rate.header.as_deref()), (None, Some("X-RateLimit-Limit")));
}

#[test]
fn openapi31_types_nullability_and_discriminators() {
    let spec = common::load(&common::fixture("features/openapi31.yaml")).unwrap();
    let warnings: Vec<_> =
        spec.diagnostics.iter().map(|d| (d.severity, d.kind, d.pointer.as_str())).collect();
    assert_eq!(warnings, [(Severity::Warning, DiagnosticKind::Unsupported, "/webhooks")]);
    let api = &spec.api;
    assert_eq!(api.servers[0].variables["region"].allowed, ["eu", "us"]);
    let SchemaKind::Object { properties, .. } = &api.schemas["Node"].kind else { panic!("Node") };
    let value = inline(&properties["value"]);
    assert!(value.nullable);
    assert_eq!(value.kind, SchemaKind::String { values: vec![] });
    assert_eq!(inline(&properties["kind"]).kind, SchemaKind::Const { value: "node".into() });
    let weight = inline(&properties["weight"]);
    assert!(weight.constraints.exclusive_minimum);
    let parent = inline(&properties["parent"]);
    assert!(parent.nullable);
    assert_eq!(parent.kind, SchemaKind::AllOf { parts: vec![SchemaRef::Ref("Node".into())] });
    assert!(
        matches!(&inline(&properties["either"]).kind, SchemaKind::OneOf { variants, .. } if variants.len() == 2)
    );
    let SchemaKind::Object { additional_properties: AdditionalProperties::Schema(_), .. } =
        &inline(&properties["meta"]).kind
    else {
        panic!("meta is a map")
    };
    assert_eq!(inline(&properties["examples_only"]).example, Some("a".into()));
    let SchemaKind::OneOf { discriminator: Some(discriminator), .. } = &api.schemas["Shape"].kind
    else {
        panic!("Shape is a oneOf with a discriminator")
    };
    assert_eq!(discriminator.mapping["circle"], "Circle");
    assert_eq!(discriminator.mapping["square"], "Square");

    let events = &api.operations[1];
    assert_eq!(events.operation_id, None);
    assert_eq!(events.responses[0].content[0].kind, BodyKind::EventStream);
    let shapes = &api.operations[2];
    let kinds: Vec<BodyKind> =
        shapes.request_body.as_ref().unwrap().content.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [BodyKind::Json, BodyKind::Form]);
    assert_eq!(api.operations[0].responses[1].status, StatusCode::Range(4));

    let analysis = analyze(std::slice::from_ref(&spec));
    assert_eq!(analysis.operations[1].operation_id, "get_events");
    let kinds: Vec<&str> = analysis.auth.iter().map(AuthKind::kind_name).collect();
    assert_eq!(kinds, ["http_bearer", "openid_connect"]);
    let page = analysis.operations[0].pagination.as_ref().unwrap();
    assert_eq!(page.request_param.as_deref(), Some("after"));
    assert_eq!(page.response_path.as_deref(), Some("last_id"));
    assert_eq!(page.items_path.as_deref(), Some("data"));
}

#[test]
fn broken_parts_become_located_diagnostics_and_the_rest_loads() {
    let spec = common::load(&common::fixture("features/broken.yaml")).unwrap();
    let ids: Vec<Option<&str>> =
        spec.api.operations.iter().map(|o| o.operation_id.as_deref()).collect();
    assert_eq!(ids, [Some("fine"), Some("badParams"), Some("cyclic"), Some("external")]);
    let found = |kind: DiagnosticKind, pointer: &str| {
        spec.diagnostics.iter().any(|d| d.kind == kind && d.pointer == pointer)
    };
    let all = format!("{:#?}", spec.diagnostics);
    assert!(found(DiagnosticKind::InvalidStructure, "/paths/~1not-an-operation/get"), "{all}");
    assert!(found(DiagnosticKind::InvalidStructure, "/paths/~1bad-params/get/parameters"), "{all}");
    assert!(
        found(
            DiagnosticKind::BrokenRef,
            "/paths/~1bad-params/get/responses/200/content/application~1json/schema"
        ),
        "{all}"
    );
    assert!(found(DiagnosticKind::InvalidValue, "/paths/~1bad-params/get/responses/abc"), "{all}");
    assert!(found(DiagnosticKind::RefCycle, "/components/parameters/A"), "{all}");
    assert!(found(DiagnosticKind::RefCycle, "/components/schemas/Loop1"), "{all}");
    assert!(found(DiagnosticKind::MissingField, "/paths/~1cycle/get/parameters/1"), "{all}");
    assert!(found(DiagnosticKind::BrokenRef, "/paths/~1external~1{id}/get/responses/200"), "{all}");
    let external = &spec.api.operations[3];
    assert_eq!(external.parameters[0].name, "id", "undeclared path parameters are added");
    let rendered = spec.diagnostics[0].to_string();
    assert!(rendered.starts_with("error: ") || rendered.starts_with("warning: "), "{rendered}");
}

#[test]
fn in_memory_specs_load_from_a_string() {
    let spec = connkit_spec::load_str(
        "inline.json",
        r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"204":{"description":"none"}}}}}}"#,
    )
    .unwrap();
    assert_eq!(spec.api.operations.len(), 1);
    let err = connkit_spec::load_str("x.yaml", "openapi: [").unwrap_err();
    assert!(
        matches!(err, connkit_spec::LoadError::Syntax { line: Some(_), column: Some(_), .. }),
        "{err}"
    );
    let err = connkit_spec::load_str("x.json", "{\"swagger\": \"1.2\"}").unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
}

#[test]
fn diagnostics_carry_line_and_column_from_the_file() {
    let spec = common::load(&common::fixture("features/broken.yaml")).unwrap();
    let params = spec
        .diagnostics
        .iter()
        .find(|d| d.pointer == "/paths/~1bad-params/get/parameters")
        .unwrap();
    assert_eq!((params.line, params.column), (Some(15), Some(19)));
    let not_an_operation =
        spec.diagnostics.iter().find(|d| d.pointer == "/paths/~1not-an-operation/get").unwrap();
    assert_eq!(not_an_operation.line, Some(11));
}

/// `anyOf`/`oneOf` alternatives that only list required properties constrain which optional
/// properties are set; the schema stays the object it declares, and the sets are kept.
#[test]
fn required_only_alternatives_stay_an_object_with_the_sets_kept() {
    let spec = connkit_spec::load_str(
        "inline.yaml",
        r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Batch:
      type: object
      properties:
        file_ids: {type: array, items: {type: string}}
        files: {type: array, items: {type: string}}
      anyOf:
        - required: [file_ids]
        - required: [files]
    Choice:
      oneOf:
        - {type: object, required: [a], properties: {a: {type: string}}}
        - {type: string}
"#,
    )
    .unwrap();
    let batch = &spec.api.schemas["Batch"];
    assert!(matches!(&batch.kind, SchemaKind::Object { properties, .. } if properties.len() == 2));
    assert_eq!(
        batch.constraints.required_alternatives,
        vec![vec!["file_ids".to_string()], vec!["files".to_string()]]
    );
    let choice = &spec.api.schemas["Choice"];
    assert!(matches!(&choice.kind, SchemaKind::OneOf { variants, .. } if variants.len() == 2));
    assert!(choice.constraints.required_alternatives.is_empty());
}
