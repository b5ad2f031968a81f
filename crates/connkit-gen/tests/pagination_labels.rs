//! Pagination against hand labels: `testdata/pagination/labels.tsv` (see its README) holds
//! operations of the corpus labeled by reading each API's own documentation. The generator's
//! descriptor of every labeled operation (the streams it gets, the style, the request
//! parameter, where the next value is, the items array) is compared with the label; recall and
//! precision over the whole descriptor must both reach 95 %, and every miss is printed.
//!
//! Installs the corpus (npm, once, into `target/`) and builds the generator's IR of the 53 specs
//! the labels come from: about 25 s in a debug build on 2 cores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pagination_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use connkit::paginate::{PageStyle, Pagination, TokenSource};
use pagination_support::{GeneratedOperation, generated_operations, load};

/// One row of the labels file.
#[derive(Debug, Clone)]
struct Label {
    spec: String,
    method: String,
    path: String,
    descriptor: Descriptor,
    evidence: String,
}

/// The compared part of a descriptor: family, request parameter, next-value location, items.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Descriptor {
    style: String,
    param: String,
    next: String,
    items: String,
}

impl std::fmt::Display for Descriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} param={} next={} items={}", self.style, self.param, self.next, self.items)
    }
}

const STYLES: [&str; 6] = ["token", "keyset", "next_url", "page", "offset", "link_header"];

fn labels() -> Vec<Label> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pagination/labels.tsv");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!("{} is part of the repository ({e}); restore it with git", file.display())
    });
    let mut lines = text.lines().filter(|line| !line.trim().is_empty() && !line.starts_with('#'));
    let header = lines.next().expect("a header line");
    assert_eq!(header, "spec\tmethod\tpath\tstyle\tparam\tnext\titems\tevidence");
    lines
        .enumerate()
        .map(|(index, line)| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 8, "labels.tsv row {}: 8 cells expected: {line}", index + 2);
            let [spec, method, path, style, param, next, items, evidence] =
                cells.try_into().unwrap();
            assert!(
                style == "none" || STYLES.contains(&style),
                "labels.tsv row {}: unknown style {style}",
                index + 2
            );
            assert!(!evidence.trim().is_empty(), "labels.tsv row {}: no evidence", index + 2);
            Label {
                spec: spec.to_string(),
                method: method.to_string(),
                path: path.to_string(),
                descriptor: Descriptor {
                    style: style.to_string(),
                    param: param.to_string(),
                    next: next.to_string(),
                    items: items.to_string(),
                },
                evidence: evidence.to_string(),
            }
        })
        .collect()
}

/// The compared part of a runtime descriptor.
fn observed(pagination: &Pagination) -> Descriptor {
    let source = |source: &TokenSource| match source {
        TokenSource::Body(path) => format!("body:{path}"),
        TokenSource::Header(name) => format!("header:{name}"),
    };
    let (style, param, next) = match &pagination.style {
        PageStyle::NextToken { request_param, source: s, .. }
        | PageStyle::Cursor { request_param, source: s, .. } => {
            ("token", request_param.clone(), source(s))
        }
        PageStyle::Keyset { request_param, item_field, .. } => {
            ("keyset", request_param.clone(), format!("item:{item_field}"))
        }
        PageStyle::Offset { offset_param, .. } => ("offset", offset_param.clone(), "-".into()),
        PageStyle::Page { page_param, .. } => ("page", page_param.clone(), "-".into()),
        PageStyle::LinkHeader => ("link_header", "-".into(), "header:Link".into()),
        PageStyle::NextUrl { source: s } => ("next_url", "-".into(), source(s)),
        other => panic!("a style the labels do not know: {other:?}"),
    };
    let items = pagination.items_path.clone().filter(|p| !p.is_empty()).unwrap_or(".".into());
    Descriptor { style: style.to_string(), param, next, items }
}

/// Header names compare case-insensitively.
fn same(expected: &Descriptor, got: &Descriptor) -> bool {
    let next = match (expected.next.strip_prefix("header:"), got.next.strip_prefix("header:")) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => expected.next == got.next,
    };
    expected.style == got.style
        && expected.param == got.param
        && next
        && expected.items == got.items
}

#[test]
fn labeled_operations_get_the_documented_pagination() {
    let labels = labels();
    let paginated: Vec<&Label> = labels.iter().filter(|l| l.descriptor.style != "none").collect();
    let not_paginated = labels.len() - paginated.len();
    let specs: BTreeSet<&str> = paginated.iter().map(|l| l.spec.as_str()).collect();
    let mut per_style: BTreeMap<&str, usize> = BTreeMap::new();
    for label in &paginated {
        *per_style.entry(label.descriptor.style.as_str()).or_default() += 1;
    }
    println!(
        "labels: {} paginated operations from {} specs {per_style:?}, {not_paginated} list \
         operations that do not page",
        paginated.len(),
        specs.len()
    );
    // What the issue asks of the labeled set itself.
    assert!(paginated.len() >= 200, "at least 200 paginated operations are labeled");
    assert!(specs.len() >= 40, "labels come from at least 40 specs");
    for style in STYLES {
        assert!(per_style.get(style).copied().unwrap_or(0) >= 5, "at least 5 `{style}` labels");
    }
    assert!(not_paginated >= 50, "at least 50 list operations that do not page are labeled");
    let mut seen = BTreeSet::new();
    for label in &labels {
        assert!(
            seen.insert((&label.spec, &label.method, &label.path)),
            "labeled twice: {} {} {}",
            label.spec,
            label.method,
            label.path
        );
    }

    let corpus = connkit_testkit::corpus::install().unwrap();
    let mut by_spec: BTreeMap<&str, Vec<&Label>> = BTreeMap::new();
    for label in &labels {
        by_spec.entry(label.spec.as_str()).or_default().push(label);
    }
    let mut correct = 0usize;
    let mut with_streams = 0usize;
    let mut misses: Vec<String> = Vec::new();
    for (spec, spec_labels) in by_spec {
        let file = corpus.spec(spec).unwrap();
        let loaded = load(&file.path, &format!("{}.json", spec.replace('/', "_")));
        let operations = generated_operations(&loaded);
        for label in spec_labels {
            let found: Option<&GeneratedOperation> =
                operations.iter().find(|op| op.method == label.method && op.path == label.path);
            let Some(op) = found else {
                panic!("labeled operation not in the spec: {spec} {} {}", label.method, label.path)
            };
            let got = op.streams.as_ref().map(observed);
            let expected = &label.descriptor;
            if got.is_some() {
                with_streams += 1;
            }
            match (&got, expected.style == "none") {
                (None, true) => {}
                (Some(got), false) if same(expected, got) => correct += 1,
                (got, _) => misses.push(format!(
                    "{spec} {} {}\n    expected: {expected}\n    got:      {}\n    evidence: {}",
                    label.method,
                    label.path,
                    got.as_ref().map_or_else(|| "no streams".to_string(), ToString::to_string),
                    label.evidence
                )),
            }
        }
    }
    let recall = correct as f64 / paginated.len() as f64;
    let precision = correct as f64 / with_streams.max(1) as f64;
    println!(
        "recall {:.1} % ({correct} of {} paginated operations with the labeled descriptor), \
         precision {:.1} % ({correct} of {with_streams} operations with streams)",
        100.0 * recall,
        paginated.len(),
        100.0 * precision
    );
    for miss in &misses {
        println!("MISS {miss}");
    }
    assert!(recall >= 0.95, "recall {recall:.3} < 0.95; misses above");
    assert!(precision >= 0.95, "precision {precision:.3} < 0.95; misses above");
}
