//! The decision table on small specs written for it: each case gives its tier and reasons.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use connkit_spec::analyze::Rule;
use connkit_spec::{AuthKind, PaginationStyle, ParameterLocation, Tier, analyze};

fn analysis_of(fixture: &str) -> connkit_spec::Analysis {
    let spec = common::load(&common::fixture(fixture)).unwrap();
    assert!(spec.diagnostics.is_empty(), "{:?}", spec.diagnostics);
    analyze(&[spec])
}

#[test]
fn three_api_key_endpoints_in_three_groups_is_lite() {
    let analysis = analysis_of("tiers/lite_api_key.yaml");
    assert_eq!(analysis.tier, Tier::Lite);
    assert_eq!(analysis.operations.len(), 3);
    assert_eq!(analysis.entities.len(), 3);
    assert_eq!(
        analysis.auth,
        vec![AuthKind::ApiKey {
            scheme: "key".into(),
            location: ParameterLocation::Header,
            name: "X-Api-Key".into()
        }]
    );
    assert!(analysis.decision.iter().all(|row| !row.fired));
    assert_eq!(
        analysis.reasons,
        vec![
            "3 operations: 5 or fewer".to_string(),
            "simple auth only (API key)".to_string(),
            "no operation pages or has a documented rate limit".to_string(),
            "no entity has 2 or more operations (3 entities in all)".to_string(),
        ]
    );
}

#[test]
fn eight_endpoints_is_full_because_of_the_operation_count() {
    let analysis = analysis_of("tiers/eight_endpoints.yaml");
    assert_eq!(analysis.tier, Tier::Full);
    assert_eq!(analysis.reasons[0], "8 operations: more than 5");
    let fired: Vec<Rule> = analysis.decision.iter().filter(|r| r.fired).map(|r| r.rule).collect();
    assert_eq!(fired, vec![Rule::Operations, Rule::Entities]);
    assert!(
        analysis.reasons[1]
            .starts_with("2 entities have 2 or more operations each: items (4), users (3)")
    );
}

#[test]
fn oauth2_is_full() {
    let analysis = analysis_of("tiers/oauth2.json");
    assert_eq!(analysis.tier, Tier::Full);
    assert_eq!(analysis.reasons, vec!["token-based auth (OAuth2 client credentials)".to_string()]);
    assert_eq!(
        analysis.auth,
        vec![AuthKind::Oauth2ClientCredentials {
            scheme: "oauth".into(),
            token_url: Some("https://auth.example.com/oauth/token".into()),
            scopes: vec!["ledger:read".into(), "ledger:write".into()],
        }]
    );
}

#[test]
fn a_paginated_list_is_full() {
    let analysis = analysis_of("tiers/paginated.yaml");
    assert_eq!(analysis.tier, Tier::Full);
    assert_eq!(analysis.reasons, vec!["1 operation pages (e.g. listProducts)".to_string()]);
    let pagination = analysis.operations[0].pagination.as_ref().unwrap();
    assert_eq!(pagination.style, PaginationStyle::NextToken);
    assert_eq!(pagination.request_param.as_deref(), Some("pageToken"));
    assert_eq!(pagination.response_path.as_deref(), Some("pagination.nextToken"));
    assert_eq!(pagination.items_path.as_deref(), Some("products"));
    assert_eq!(pagination.limit_param.as_deref(), Some("pageSize"));
    assert_eq!(analysis.auth, vec![AuthKind::HttpBasic { scheme: "basic".into() }]);
}

#[test]
fn several_specs_get_qualified_ids_and_bare_ids_resolve_where_unique() {
    let specs = common::load_all(&[
        common::fixture("tiers/lite_api_key.yaml"),
        common::fixture("tiers/oauth2.json"),
    ]);
    let analysis = analyze(&specs);
    assert_eq!(analysis.operations[0].id, "lite_api_key.getForecast");
    assert_eq!(analysis.resolve("getBalance").unwrap().id, "oauth2.getBalance");
    assert!(analysis.resolve("nope").is_err());
}

#[test]
fn stripe_style_keyset_lists_are_paginated() {
    let spec = connkit_spec::load_str(
        "charges.yaml",
        r#"
openapi: 3.0.0
info: { title: Charges, version: "1" }
paths:
  /v1/charges:
    get:
      operationId: GetCharges
      parameters:
        - { name: starting_after, in: query, schema: { type: string } }
        - { name: limit, in: query, schema: { type: integer } }
      responses:
        "200":
          description: A list.
          content:
            application/json:
              schema:
                type: object
                properties:
                  data: { type: array, items: { type: object, properties: { id: { type: string } } } }
                  has_more: { type: boolean }
"#,
    )
    .unwrap();
    let analysis = analyze(&[spec]);
    let pagination = analysis.operations[0].pagination.as_ref().unwrap();
    // Keyset: the last item's `id` goes back as `starting_after` while `has_more` is true.
    assert_eq!(pagination.style, PaginationStyle::Keyset);
    assert_eq!(pagination.request_param.as_deref(), Some("starting_after"));
    assert_eq!(pagination.item_field.as_deref(), Some("id"));
    assert_eq!(pagination.has_more.as_deref(), Some("has_more"));
    assert_eq!(pagination.response_path, None);
    assert_eq!(pagination.items_path.as_deref(), Some("data"));
    assert_eq!(pagination.guessed, None);
    assert_eq!(analysis.operations[0].entity, "charges");
}
