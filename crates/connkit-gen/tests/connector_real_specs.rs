//! Connectors from the real specs in `../shared/specs` (never committed, generated at test
//! time): every operation emitted, no services file reaching 300 lines, the counts printed
//! per spec (operations emitted of total, JSON fallbacks, generated lines).
//!
//! The ignored test below also runs `cargo clippy --all-targets -- -D warnings` on all of
//! them in one workspace (large crates one at a time) and prints the time per crate:
//! `cargo test -p connkit-gen --release --test connector_real_specs -- --ignored --nocapture`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod connector_support;

use std::path::{Path, PathBuf};
use std::time::Instant;

use connector_support::{create, load, shared_specs};
use connkit_gen::manifest::AuthKind;
use connkit_gen::new::{NewOutcome, TierChoice};

/// The SP-API specs of issue 4 that get a connector of their own.
const SP_API_ALONE: [&str; 10] = [
    "ordersV0",
    "fulfillmentInbound_2024-03-20",
    "vendorDirectFulfillmentShippingV1",
    "productPricingV0",
    "reports_2021-06-30",
    "feeds_2021-06-30",
    "shippingV2",
    "notifications",
    "catalogItems_2022-04-01",
    "application_2023-11-30",
];

fn spec_files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| extensions.iter().any(|x| e == *x)))
        .collect();
    files.sort();
    files
}

/// (system, spec files, auth override) of every connector of the acceptance list.
fn cases() -> Vec<(String, Vec<PathBuf>, Option<AuthKind>)> {
    let root = shared_specs();
    let amazon = root.join("amazon-sp-api");
    let mut cases =
        vec![("amazon".to_string(), spec_files(&amazon, &["json"]), Some(AuthKind::Lwa))];
    for stem in SP_API_ALONE {
        let system = format!("sp-{}", stem.to_ascii_lowercase().replace(['_', '.'], "-"));
        cases.push((system, vec![amazon.join(format!("{stem}.json"))], Some(AuthKind::Lwa)));
    }
    for file in spec_files(&root.join("oxide"), &["json", "yaml"]) {
        let stem = file.file_stem().unwrap().to_string_lossy().to_ascii_lowercase();
        let ext = file.extension().unwrap().to_string_lossy().to_string();
        let system = format!("oxide-{}-{ext}", stem.replace(['_', '.'], "-"));
        cases.push((system, vec![file], None));
    }
    cases.push(("openai".to_string(), vec![root.join("openai/openapi.yaml")], None));
    cases
}

fn generate_all(workspace: &Path, runtime: Option<PathBuf>) -> Vec<(String, NewOutcome, usize)> {
    cases()
        .into_iter()
        .map(|(system, files, auth)| {
            let specs = load(&files);
            let outcome =
                create(workspace, &system, &specs, TierChoice::Auto, auth, runtime.clone());
            let lines = rust_lines(&outcome.connector_dir.join("src"));
            (system, outcome, lines)
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

fn rust_lines(dir: &Path) -> usize {
    rust_files(dir).iter().map(|p| std::fs::read_to_string(p).unwrap().lines().count()).sum()
}

fn report(results: &[(String, NewOutcome, usize)]) {
    println!("{:<48} {:>10} {:>9} {:>8}", "connector / spec", "ops", "fallback", "lines");
    for (system, outcome, lines) in results {
        println!("{system:<48} {:>10} {:>9} {lines:>8}", "", "");
        for stat in &outcome.stats {
            let ops = format!("{}/{}", stat.operations_emitted, stat.operations_total);
            println!("  {:<46} {ops:>10} {:>9}", stat.stem, stat.fallback_types);
        }
    }
}

#[test]
fn every_real_spec_generates_a_connector_in_the_guideline_layout() {
    let workspace = tempfile::tempdir().unwrap();
    let results = generate_all(workspace.path(), None);
    report(&results);
    for (system, outcome, _) in &results {
        for stat in &outcome.stats {
            assert_eq!(stat.operations_emitted, stat.operations_total, "{system}/{}", stat.stem);
        }
        let services = outcome.connector_dir.join("src/services");
        if services.exists() {
            for file in rust_files(&services) {
                let lines = std::fs::read_to_string(&file).unwrap().lines().count();
                assert!(lines < 300, "{} has {lines} lines", file.display());
            }
        }
    }
    let amazon = &results[0].1;
    assert_eq!(amazon.stats.len(), 66);
    let cargo = std::fs::read_to_string(amazon.connector_dir.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("orders_v0 = []"), "one feature per spec");
}

#[test]
#[ignore = "compiles every real connector: about half an hour on 2 cores"]
fn every_real_connector_passes_clippy() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    let root = repo.join("target/connkit-gen-real");
    let _ = std::fs::remove_dir_all(root.join("connectors"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n")
        .unwrap();
    let results = generate_all(&root, Some(repo.join("crates/connkit")));
    report(&results);
    let mut failures = Vec::new();
    for (system, _, lines) in &results {
        let start = Instant::now();
        let output =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(&root)
                .env_remove("CARGO_TARGET_DIR")
                .args(["clippy", "--quiet", "--all-targets", "-p", &format!("{system}-connector")])
                .arg("--target-dir")
                .arg(root.join("target"))
                .args(["--", "-D", "warnings"])
                .output()
                .unwrap();
        println!("clippy {system:<44} {lines:>8} lines {:>8.1} s", start.elapsed().as_secs_f64());
        if !output.status.success() {
            failures.push(format!("{system}:\n{}", String::from_utf8_lossy(&output.stderr)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
