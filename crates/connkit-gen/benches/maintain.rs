//! Keeping a big connector healthy: `connkit check`, a no-op `connkit sync` and the
//! three-way merge on the SP-API connector (every spec of `testdata/specs/amazon-sp-api`,
//! the `lwa` preset), written to a temporary workspace. Prints the median of 5 runs.
//!
//! `cargo bench -p connkit-gen --bench maintain`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use connkit_gen::maintain::check::{SpecAnalysis, check_connector};
use connkit_gen::maintain::merge::{Labels, merge3};
use connkit_gen::maintain::sync::sync_generated;
use connkit_gen::maintain::{ConnectorDir, regenerate};
use connkit_gen::manifest::AuthKind;
use connkit_gen::naming::SystemName;
use connkit_gen::new::{NewRequest, NewSpec, TierChoice, create_connector};

fn specs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/specs").join("amazon-sp-api")
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed());
    }
    (median(times), last.unwrap())
}

fn main() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(specs_dir())
        .expect("SP-API specs")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let specs: Vec<_> = files
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            connkit_spec::load_str(&name, &std::fs::read_to_string(p).unwrap()).unwrap()
        })
        .collect();
    let analysis = connkit_spec::analyze(&specs);
    let workspace = tempfile::tempdir().unwrap();
    let request = NewRequest {
        system: SystemName::parse("amazon").unwrap(),
        workspace: workspace.path().to_path_buf(),
        specs: specs
            .iter()
            .map(|s| NewSpec { api: &s.api, files: &s.files, source_url: None })
            .collect(),
        analysis: &analysis,
        tier: TierChoice::Auto,
        auth: Some(AuthKind::Lwa),
        token_url: None,
        token_header: None,
        key_prefix: None,
        runtime_path: None,
        connkit_version: "0.1.0".to_string(),
    };
    create_connector(&request, &()).unwrap();
    let connector = ConnectorDir::open(workspace.path(), "amazon").unwrap();
    let sources = connkit_gen::maintain::docs::read_sources(&connector).unwrap();
    let lines: usize = sources.iter().map(|(_, t)| t.lines().count()).sum();
    println!("SP-API connector: {} Rust files, {lines} lines", sources.len());

    let (check, findings) =
        time(5, || check_connector(&connector, &SpecAnalysis::Skipped).unwrap());
    assert!(findings.is_empty(), "{findings:#?}");
    println!("check:          {:>8.1} ms ({:.0} lines/ms)", ms(check), lines as f64 / ms(check));

    let manifest = connector.manifest.clone();
    let (regen, generated) =
        time(5, || regenerate(&connector, &manifest, &specs, "0.1.0").unwrap().generated);
    let (merge_all, report) = time(5, || sync_generated(&connector, &generated.files).unwrap());
    assert!(!report.changed(), "{report:?}");
    println!("regenerate:     {:>8.1} ms", ms(regen));
    println!("sync (no-op):   {:>8.1} ms (merge of every file and SKILL.md)", ms(merge_all));

    // Three-way merge of the largest file with edits on both sides.
    let (path, base) = sources.iter().max_by_key(|(_, t)| t.len()).unwrap();
    let edit = |text: &str, every: usize, tag: &str| -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| if i % every == 0 { format!("{l} // {tag}\n") } else { format!("{l}\n") })
            .collect()
    };
    let ours = edit(base, 97, "mine");
    let theirs = edit(base, 89, "theirs");
    let (merge, merged) = time(5, || merge3(base, &ours, &theirs, &Labels::default()));
    println!(
        "merge3:         {:>8.2} ms for {} ({} lines, {} conflict(s))",
        ms(merge),
        path.display(),
        base.lines().count(),
        merged.conflicts
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
