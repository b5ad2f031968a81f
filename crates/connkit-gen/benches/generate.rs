//! Generation of the whole SP-API set (66 specs, one `amazon` connector with the `lwa`
//! preset), in memory: loading, analysis and generation timed apart. Target (DESIGN.md):
//! loading + analysis + generation under 2 s in release mode.
//!
//! `cargo bench -p connkit-gen --bench generate`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use connkit_gen::manifest::{AuthConfig, Hosts, Manifest, RuntimeDependency, SpecEntry, Tier};
use connkit_gen::naming::SystemName;
use connkit_gen::{GenerateOptions, RuntimeSource, SpecSource, generate, ir};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/specs").join("amazon-sp-api")
}

fn main() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(specs_dir())
        .expect("SP-API specs")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect();
    let runs = 5;
    let (mut load_t, mut analyze_t, mut gen_t) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut lines = 0;
    let mut operations = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let specs: Vec<_> =
            texts.iter().map(|(name, text)| connkit_spec::load_str(name, text).unwrap()).collect();
        let loaded = Instant::now();
        let analysis = connkit_spec::analyze(&specs);
        let analysed = Instant::now();
        let system = SystemName::parse("amazon").unwrap();
        let manifest = Manifest {
            system: "amazon".into(),
            tier: Tier::Full,
            tier_reasons: Vec::new(),
            prefix: system.env_prefix(),
            specs: analysis
                .specs
                .iter()
                .map(|s| SpecEntry {
                    file: format!("openapi/{}.json", s.stem),
                    stem: s.stem.clone(),
                    source: None,
                    host: None,
                })
                .collect(),
            auth: AuthConfig::lwa(),
            hosts: Hosts::default(),
            runtime: RuntimeDependency { path: None, version: "0.1.0".into() },
            entity_features: false,
            rate_limit: None,
            operations: Default::default(),
        };
        let sources: Vec<SpecSource<'_>> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| SpecSource {
                stem: analysis.specs[i].stem.clone(),
                api: &s.api,
                facts: ir::facts_for_spec(&analysis, i, &s.api),
            })
            .collect();
        let options = GenerateOptions {
            connkit_version: "0.1.0".into(),
            runtime: RuntimeSource::Version("0.1.0".into()),
            own_workspace: true,
            agents_template: None,
        };
        let out = generate(&system, &manifest, &sources, &options).unwrap();
        let generated = Instant::now();
        lines = out.rust_lines();
        operations = out.stats.iter().map(|s| s.operations_emitted).sum();
        load_t += loaded - start;
        analyze_t += analysed - loaded;
        gen_t += generated - analysed;
    }
    let per = |d: Duration| d.as_secs_f64() / f64::from(runs);
    println!(
        "SP-API ({} specs, {operations} operations, {lines} generated Rust lines), mean of {runs} runs:",
        texts.len()
    );
    println!("  load      {:.3} s", per(load_t));
    println!("  analyse   {:.3} s", per(analyze_t));
    println!("  generate  {:.3} s", per(gen_t));
    println!("  total     {:.3} s (target < 2 s)", per(load_t + analyze_t + gen_t));
}
