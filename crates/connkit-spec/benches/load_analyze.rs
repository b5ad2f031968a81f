//! Load + analysis of the real specs: the GitHub spec (3.7 MB JSON), all 66 Amazon SP-API
//! specs together, and the OpenAI spec (2.9 MB YAML). Target: under 1 s each in release mode.
//!
//! Run with `cargo bench -p connkit-spec --bench load_analyze`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use connkit_spec::{Loader, analyze};
use criterion::{Criterion, criterion_group, criterion_main};

fn test_specs() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/specs"))
}

fn spec_files(dir: PathBuf) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

fn load_and_analyze(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let loader = Loader::new();
    let root = test_specs();
    let cases = [
        ("github", vec![root.join("oxide/api.github.com.json").display().to_string()]),
        ("sp_api_all_66", spec_files(root.join("amazon-sp-api"))),
        ("openai_yaml", vec![root.join("openai/openapi.yaml").display().to_string()]),
    ];
    let mut group = c.benchmark_group("load_and_analyze");
    group.sample_size(10);
    for (name, files) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                let specs: Vec<_> =
                    files.iter().map(|f| runtime.block_on(loader.load(f)).unwrap()).collect();
                analyze(&specs)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, load_and_analyze);
criterion_main!(benches);
