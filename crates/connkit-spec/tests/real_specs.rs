//! Every real spec under `testdata/specs` loads and analyses without an error, and the
//! numbers the issue lists hold for the Amazon SP-API and GitHub specs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use connkit_spec::{PaginationStyle, RateLimitSource, Severity, Tier, analyze};

#[test]
fn every_shared_spec_loads_and_analyses_without_errors() {
    let root = common::test_specs();
    let mut count = 0;
    for dir in ["amazon-sp-api", "oxide", "openai"] {
        for file in common::spec_files(&root.join(dir)) {
            let spec = common::load(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
            let errors: Vec<String> = spec
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(ToString::to_string)
                .collect();
            assert!(errors.is_empty(), "{file}: {errors:#?}");
            assert!(!spec.api.operations.is_empty(), "{file}: no operations");
            let analysis = analyze(std::slice::from_ref(&spec));
            assert_eq!(analysis.operations.len(), spec.api.operations.len());
            count += 1;
        }
    }
    assert_eq!(count, 66 + 9 + 1, "only {count} specs found under {}", root.display());
}

#[test]
fn amazon_sp_api_numbers() {
    let files = common::spec_files(&common::test_specs().join("amazon-sp-api"));
    assert_eq!(files.len(), 66);
    let specs = common::load_all(&files);
    let analysis = analyze(&specs);
    assert_eq!(analysis.tier, Tier::Full);
    assert!(
        analysis.reasons.iter().any(|r| r == "370 operations: more than 5"),
        "{:?}",
        analysis.reasons
    );

    let orders = analysis.resolve("ordersV0.getOrders").unwrap();
    let pagination = orders.pagination.as_ref().expect("getOrders paginates");
    assert_eq!(pagination.style, PaginationStyle::NextToken);
    assert_eq!(pagination.request_param.as_deref(), Some("NextToken"));
    assert_eq!(pagination.response_path.as_deref(), Some("payload.NextToken"));
    assert_eq!(pagination.items_path.as_deref(), Some("payload.Orders"));
    let rate = orders.rate_limit.as_ref().expect("getOrders has a usage plan");
    assert_eq!(
        (rate.rate, rate.burst, rate.source),
        (Some(0.0167), Some(20), RateLimitSource::Description)
    );

    let from_table = analysis
        .operations
        .iter()
        .filter(|op| {
            op.rate_limit.as_ref().is_some_and(|r| r.source == RateLimitSource::Description)
        })
        .count();
    let header_only: Vec<_> = analysis
        .operations
        .iter()
        .filter_map(|op| op.rate_limit.as_ref())
        .filter(|r| r.source == RateLimitSource::Header)
        .collect();
    assert_eq!(from_table, 305);
    assert_eq!(header_only.len(), 57);
    assert!(header_only.iter().all(|r| r.rate.is_none() && r.burst.is_none()));
    let json = serde_json::to_value(header_only[0]).unwrap();
    assert_eq!(json["source"], "header");
    assert!(json.get("rate").is_none() && json.get("burst").is_none(), "{json}");

    // 31 operationIds repeat across specs: bare ids resolve only where unique.
    assert!(analysis.resolve("getOrders").is_err(), "getOrders is in several specs");
    assert_eq!(analysis.resolve("getOrderAddress").unwrap().id, "ordersV0.getOrderAddress");
    // shippingV2 repeats linkCarrierAccount inside itself.
    assert!(analysis.resolve("shippingV2.linkCarrierAccount_put").is_ok());
    assert!(analysis.resolve("shippingV2.linkCarrierAccount_post").is_ok());
    let mut ids: Vec<&str> = analysis.operations.iter().map(|op| op.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 370, "ids are unique");
}

#[test]
fn github_lists_with_a_link_header_paginate_by_link_header() {
    let file = common::test_specs().join("oxide/api.github.com.json");
    let spec = common::load(&file.display().to_string()).unwrap();
    let analysis = analyze(std::slice::from_ref(&spec));
    let link_ops: Vec<_> = analysis
        .operations
        .iter()
        .filter(|op| {
            spec.api.operations[op.operation_index]
                .success_responses()
                .any(|r| r.header("Link").is_some())
        })
        .collect();
    assert!(link_ops.len() > 100, "{}", link_ops.len());
    for op in &link_ops {
        let pagination =
            op.pagination.as_ref().unwrap_or_else(|| panic!("{} has no pagination", op.id));
        assert_eq!(pagination.style, PaginationStyle::LinkHeader, "{}", op.id);
        assert!(pagination.items_path.is_some(), "{} has no items path", op.id);
    }
    let runs = analysis.resolve("actions/list-workflow-runs-for-repo").unwrap();
    assert_eq!(runs.pagination.as_ref().unwrap().items_path.as_deref(), Some("workflow_runs"));
    let repos = analysis.resolve("repos/list-for-org").unwrap();
    assert_eq!(repos.pagination.as_ref().unwrap().items_path.as_deref(), Some(""));
}
