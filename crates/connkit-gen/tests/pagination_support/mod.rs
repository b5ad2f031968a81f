//! Shared helpers of the pagination corpus tests: the generator's view of one corpus spec
//! (which operations get item and page streams, with which descriptor), and the paging
//! parameters of an operation by name alone (the issue's definition of "query parameters that
//! page", the denominator of the streams share).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use connkit_gen::SpecSource;
use connkit_gen::hosts::HostPlan;
use connkit_gen::ir::{SpecInput, SpecIr, TakenNames, build_spec, facts_for_spec};
use connkit_gen::manifest::{
    AuthConfig, AuthKind, Hosts, Manifest, Pagination, RuntimeDependency, SpecEntry, Tier,
};
use connkit_gen::types::TypeSpace;
use connkit_spec::model::{Api, HttpMethod, ParameterLocation};
use connkit_spec::{LoadedSpec, analyze, load_str};

/// One operation as the generator sees it: method, path, whether it is a write, and the
/// descriptor of its item and page streams, if it gets them.
#[derive(Debug, Clone)]
pub(crate) struct GeneratedOperation {
    /// Lowercase method (`get`).
    pub method: String,
    /// The path template.
    pub path: String,
    /// The descriptor of its streams, `None` without streams.
    pub streams: Option<Pagination>,
    /// Whether the analysis marked the pagination as guessed from a parameter name.
    pub guessed: bool,
    /// Whether the analysis found a pagination (whether or not it got streams).
    pub detected: bool,
    /// Whether a success answer declares a JSON schema.
    pub json_success: bool,
}

/// Loads a corpus file (one bundled JSON document).
pub(crate) fn load(path: &Path, name: &str) -> LoadedSpec {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    load_str(name, &text).unwrap_or_else(|e| panic!("{name} does not load: {e}"))
}

/// Every operation of `spec` with the streams the generator gives it (full tier, no
/// overrides: what `connkit new` writes).
pub(crate) fn generated_operations(spec: &LoadedSpec) -> Vec<GeneratedOperation> {
    let analysis = analyze(std::slice::from_ref(spec));
    let api = &spec.api;
    let facts = facts_for_spec(&analysis, 0, api);
    let manifest = manifest();
    let sources = [SpecSource { stem: "spec".to_string(), api, facts: facts.clone() }];
    let hosts = HostPlan::for_specs(&manifest, &sources);
    let mut types = TypeSpace::new(api, "crate::models");
    let ir: SpecIr = build_spec(
        SpecInput {
            stem: "spec",
            module: "spec",
            api,
            facts: &facts,
            manifest: &manifest,
            multi_spec: false,
            taken: &TakenNames::default(),
            hosts: &hosts,
            spec_index: 0,
        },
        &mut types,
    );
    ir.operations()
        .map(|op| {
            let analyzed =
                analysis.operations.iter().find(|a| a.method == op.method && a.path == op.path);
            let found = analyzed.and_then(|a| a.pagination.as_ref());
            let guessed = found.is_some_and(|p| p.guessed.is_some());
            let json_success =
                analyzed.and_then(|a| api.operations.get(a.operation_index)).is_some_and(|o| {
                    o.success_responses().any(|r| r.json().is_some_and(|m| m.schema.is_some()))
                });
            GeneratedOperation {
                method: method_name(op.method).to_string(),
                path: op.path.clone(),
                streams: op.pagination.as_ref().map(|p| p.pagination.clone()),
                guessed,
                detected: found.is_some(),
                json_success,
            }
        })
        .collect()
}

fn manifest() -> Manifest {
    Manifest {
        system: "corpus".to_string(),
        tier: Tier::Full,
        tier_reasons: Vec::new(),
        prefix: "CORPUS_".to_string(),
        specs: vec![SpecEntry {
            file: "openapi/spec.json".to_string(),
            stem: "spec".to_string(),
            source: None,
            host: None,
        }],
        auth: AuthConfig::new(AuthKind::None),
        hosts: Hosts::default(),
        runtime: RuntimeDependency { path: None, version: "0.1.0".to_string() },
        entity_features: false,
        rate_limit: None,
        operations: Default::default(),
    }
}

/// Lowercase method name.
pub(crate) fn method_name(method: HttpMethod) -> &'static str {
    match method {
        HttpMethod::Get => "get",
        HttpMethod::Put => "put",
        HttpMethod::Post => "post",
        HttpMethod::Delete => "delete",
        HttpMethod::Options => "options",
        HttpMethod::Head => "head",
        HttpMethod::Patch => "patch",
        HttpMethod::Trace => "trace",
    }
}

/// Lowercase letters and digits only (`page[size]` → `pagesize`, `$skip` → `skip`).
fn normalized(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// The family of paging query parameters an operation has, by their names alone, following
/// the list (a cursor, token or marker; `starting_after`/`ending_before`/`after`/
/// `before`; a page number with a page size; an offset with a limit), with the same name lists
/// as the corpus run's oracle (`crates/connkit-cli/tests/corpus_support/oracle.rs`), or `None`.
pub(crate) fn paging_parameters(query: &[String]) -> Option<&'static str> {
    let names: Vec<String> = query.iter().map(|n| normalized(n)).collect();
    let has = |wanted: &[&str]| names.iter().any(|n| wanted.contains(&n.as_str()));
    let cursor = names.iter().any(|n| {
        n.contains("cursor")
            || n.contains("marker")
            || n.ends_with("pagetoken")
            || n.ends_with("nexttoken")
            || n.ends_with("continuationtoken")
            || n.ends_with("pagingtoken")
            || n.ends_with("starttoken")
            || n == "continuation"
    });
    let keyset = has(&["startingafter", "endingbefore", "after", "before"]);
    let size = has(&[
        "perpage",
        "pagesize",
        "size",
        "limit",
        "pagelimit",
        "count",
        "maxresults",
        "top",
        "itemsperpage",
        "resultsperpage",
        "pagelength",
    ]);
    let page = has(&["page", "pagenumber", "pageno", "pagenum", "pageindex"]);
    let offset = has(&["offset", "skip", "start", "startindex", "from"]);
    if cursor {
        Some("token")
    } else if keyset {
        Some("keyset")
    } else if page && size {
        Some("page")
    } else if offset && size {
        Some("offset")
    } else {
        None
    }
}

/// The query parameter names of each operation of `api`, by (method, path).
pub(crate) fn query_parameters(api: &Api) -> Vec<(String, String, Vec<String>)> {
    api.operations
        .iter()
        .map(|op| {
            let names = op
                .parameters
                .iter()
                .filter(|p| p.location == ParameterLocation::Query)
                .map(|p| p.name.clone())
                .collect();
            (method_name(op.method).to_string(), op.path.clone(), names)
        })
        .collect()
}
