//! The streams share over the whole corpus list (opt-in, about 40 s in release on 2 cores):
//! among the reads (`GET`) whose query parameters page, by the names of issue 11 (the corpus
//! run's definition), how many get item and page streams, by family; writes with streams; and
//! how many paginations are guesses. Writes the operations without streams (with why),
//! the writes with streams and every descriptor to `target/corpus/pagination-*.txt`.
//!
//! `cargo test --release -p connkit-gen --test pagination_share -- --ignored --nocapture`
//! (`PAGINATION_SHARE_IDS=a,b` limits it to some ids).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pagination_support;

use std::collections::BTreeMap;

use pagination_support::{generated_operations, load, paging_parameters, query_parameters};

#[derive(Default)]
struct Count {
    paging: usize,
    streams: usize,
}

#[test]
#[ignore = "runs the generator's IR over the 1,296 corpus specs; opt-in"]
fn corpus_streams_share() {
    let corpus = connkit_testkit::corpus::install().unwrap();
    let only: Option<String> = std::env::var("PAGINATION_SHARE_IDS").ok();
    let mut by_family: BTreeMap<String, Count> = BTreeMap::new();
    let mut by_method: BTreeMap<String, Count> = BTreeMap::new();
    let mut writes_with_streams = 0usize;
    let mut graph = Count::default();
    let mut writes: Vec<String> = Vec::new();
    let mut all: Vec<String> = Vec::new();
    let mut writes_paging: BTreeMap<String, usize> = BTreeMap::new();
    let mut streams_total = 0usize;
    let mut missing: Vec<String> = Vec::new();
    for spec in corpus.specs() {
        if only.as_deref().is_some_and(|ids| !ids.split(',').any(|id| id == spec.id)) {
            continue;
        }
        let loaded = load(&spec.path, &format!("{}.json", spec.id.replace('/', "_")));
        let params = query_parameters(&loaded.api);
        let generated = generated_operations(&loaded);
        for op in &generated {
            let Some((_, _, names)) =
                params.iter().find(|(m, p, _)| *m == op.method && *p == op.path)
            else {
                continue;
            };
            if let Some(streams) = &op.streams {
                streams_total += 1;
                all.push(format!(
                    "{} {} {} {} {}",
                    spec.id,
                    op.method,
                    op.path,
                    serde_json::to_string(streams).unwrap_or_default(),
                    if op.guessed { "GUESSED" } else { "" }
                ));
                if op.method != "get" {
                    writes_with_streams += 1;
                    writes
                        .push(format!("{} {} {} {:?}", spec.id, op.method, op.path, streams.style));
                }
            }
            let Some(family) = paging_parameters(names) else { continue };
            if op.method != "get" {
                // The share counts reads; writes are counted apart.
                *writes_paging.entry(op.method.clone()).or_default() += 1;
                continue;
            }
            let streams = usize::from(op.streams.is_some());
            if spec.id == "microsoft.com/graph" {
                graph.paging += 1;
                graph.streams += streams;
            }
            for (key, map) in
                [(family.to_string(), &mut by_family), (op.method.clone(), &mut by_method)]
            {
                let count = map.entry(key).or_default();
                count.paging += 1;
                count.streams += streams;
            }
            if streams == 0 {
                let why = match (op.json_success, op.detected) {
                    (false, _) => "no-json-answer",
                    (true, false) => "not-detected",
                    (true, true) => "dropped",
                };
                missing.push(format!(
                    "{why} {} {} {} ({family}: {})",
                    spec.id,
                    op.method,
                    op.path,
                    names.join(",")
                ));
            }
        }
    }
    let total_paging: usize = by_family.values().map(|c| c.paging).sum();
    let total_streams: usize = by_family.values().map(|c| c.streams).sum();
    println!(
        "reads (GET) whose query parameters page: {total_paging}, with streams: {total_streams} ({:.1} %)",
        100.0 * total_streams as f64 / total_paging.max(1) as f64
    );
    println!(
        "  without microsoft.com/graph ({} of {} there): {} of {} ({:.1} %)",
        graph.streams,
        graph.paging,
        total_streams - graph.streams,
        total_paging - graph.paging,
        100.0 * (total_streams - graph.streams) as f64
            / (total_paging - graph.paging).max(1) as f64
    );
    for (name, map) in [("family", &by_family), ("method", &by_method)] {
        for (key, count) in map {
            println!(
                "  {name} {key}: {} of {} ({:.1} %)",
                count.streams,
                count.paging,
                100.0 * count.streams as f64 / count.paging.max(1) as f64
            );
        }
    }
    println!("operations with streams: {streams_total}, of them writes: {writes_with_streams}");
    println!("writes with paging query parameters (not in the share): {writes_paging:?}");
    let out = connkit_testkit::corpus::install_dir().join("../pagination-missing.txt");
    std::fs::write(&out, missing.join("\n")).unwrap();
    std::fs::write(out.with_file_name("pagination-writes.txt"), writes.join("\n")).unwrap();
    std::fs::write(out.with_file_name("pagination-all.txt"), all.join("\n")).unwrap();
    let guessed = all.iter().filter(|line| line.ends_with("GUESSED")).count();
    println!("guessed (a parameter name alone): {guessed} of {}", all.len());
    println!("first operations without streams: {}", out.display());
}

/// Prints what the analysis and the generator make of some operations:
/// `PAGINATION_DEBUG='stripe.com get /v1/customers;...'`.
#[test]
#[ignore = "a debugging aid"]
fn show_operations() {
    let corpus = connkit_testkit::corpus::install().unwrap();
    let wanted = std::env::var("PAGINATION_DEBUG").unwrap_or_default();
    for entry in wanted.split(';').filter(|e| !e.trim().is_empty()) {
        let parts: Vec<&str> = entry.trim().splitn(3, ' ').collect();
        let [id, method, path] = parts.as_slice() else { panic!("`id method path`: {entry}") };
        let spec = corpus.spec(id).unwrap();
        let loaded = load(&spec.path, &format!("{}.json", id.replace('/', "_")));
        let analysis = connkit_spec::analyze(std::slice::from_ref(&loaded));
        let found = analysis
            .operations
            .iter()
            .find(|op| pagination_support::method_name(op.method) == *method && op.path == *path);
        println!("{entry}\n  analysis: {:?}", found.map(|op| &op.pagination));
        let generated = generated_operations(&loaded);
        let op = generated.iter().find(|op| op.method == *method && op.path == *path);
        println!("  streams: {:?}", op.map(|op| &op.streams));
    }
}
