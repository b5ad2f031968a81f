//! Connectors from the real specs in `testdata/specs` (the connectors are never committed, generated at test
//! time): every operation emitted, no services file reaching 300 lines, the counts printed
//! per spec (operations emitted of total, JSON fallbacks, generated lines).
//!
//! Then `cargo clippy --all-targets -- -D warnings` and `cargo doc --no-deps` (rustdoc warnings
//! denied) run on all of them in one workspace (large crates one at a time) and the time per
//! crate is printed:
//! `cargo test -p connkit-gen --test connector_real_specs -- --nocapture` (about 6 minutes on
//! 2 cores; the clippy runs dominate, so a debug build of the test is as fast as release).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod connector_support;

use std::path::{Path, PathBuf};
use std::time::Instant;

use connector_support::{create, load, test_specs};
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
    let root = test_specs();
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

/// Generates every connector into ONE workspace under `target/` (one target directory), checks
/// the layout facts, then runs `cargo clippy --all-targets -- -D warnings` and `cargo doc`
/// (rustdoc warnings denied) on each connector,
/// smallest first (so the runtime's dependencies are built once, by a small crate), large
/// crates one at a time. The `amazon` connector is also checked with one feature
/// (`orders_v0`) to show what a user compiling only what they use pays.
#[test]
fn every_real_spec_gives_a_connector_that_passes_clippy_and_rustdoc() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    let root = repo.join("target/connkit-gen-real");
    let _ = std::fs::remove_dir_all(root.join("connectors"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n")
        .unwrap();
    let started = Instant::now();
    let mut results = generate_all(&root, Some(repo.join("crates/connkit")));
    println!("generated {} connectors in {:.1} s", results.len(), started.elapsed().as_secs_f64());
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
    assert!(cargo.contains("services_api = []"), "the `services` spec avoids its folder's name");

    results.sort_by_key(|(_, _, lines)| *lines);
    let mut failures = Vec::new();
    for (system, _, lines) in &results {
        if system == "amazon" {
            let one = clippy(&root, system, &["--no-default-features", "--features", "orders_v0"]);
            println!("clippy {:<44} {:>8} {:>8.1} s", "amazon (feature orders_v0 only)", "", one.1);
            failures.extend(one.0);
        }
        let (failure, seconds) = clippy(&root, system, &[]);
        println!("clippy {system:<44} {lines:>8} lines {seconds:>8.1} s");
        failures.extend(failure);
        let (failure, seconds) = doc(&root, system);
        println!("doc    {system:<44} {lines:>8} lines {seconds:>8.1} s");
        failures.extend(failure);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs clippy on one connector of the workspace at `root`: the failure text, if it failed,
/// and the seconds it took.
fn clippy(root: &Path, system: &str, extra: &[&str]) -> (Option<String>, f64) {
    let mut args = vec!["clippy", "--quiet", "--all-targets"];
    args.extend_from_slice(extra);
    cargo(root, system, &args, &["--", "-D", "warnings"], None)
}

/// Runs `cargo doc --no-deps` on one connector with rustdoc warnings denied.
fn doc(root: &Path, system: &str) -> (Option<String>, f64) {
    cargo(root, system, &["doc", "--quiet", "--no-deps"], &[], Some("-D warnings"))
}

fn cargo(
    root: &Path,
    system: &str,
    args: &[&str],
    trailing: &[&str],
    rustdoc_flags: Option<&str>,
) -> (Option<String>, f64) {
    let start = Instant::now();
    let mut command =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(root)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .args(args)
        .args(["-p", &format!("{system}-connector")])
        .arg("--target-dir")
        .arg(root.join("target"))
        .args(trailing);
    match rustdoc_flags {
        Some(flags) => command.env("RUSTDOCFLAGS", flags),
        None => command.env_remove("RUSTDOCFLAGS"),
    };
    let output = command.output().unwrap();
    let failure = (!output.status.success())
        .then(|| format!("{system} {args:?}:\n{}", String::from_utf8_lossy(&output.stderr)));
    (failure, start.elapsed().as_secs_f64())
}
