//! Side-by-side comparison of connkit with progenitor, openapi-to-rust and OpenAPI Generator's
//! `rust` client on the same specs, in one run (opt-in: not part of CI or `cargo test`).
//!
//! For each spec and tool it measures: generated or not (with the first line of the error),
//! generation time, generated Rust lines, the crate-only `cargo check` time and whether the
//! crate compiles (with the first error); then connkit's ratios against each tool. It prints
//! the report and writes it as Markdown (`docs/comparison.md` for a full run, else
//! `target/compare/comparison.md`), rewritten after every tool so an interrupted run leaves
//! what it measured.
//!
//! ```sh
//! nice cargo run -p connkit-testkit --bin compare_anchors              # everything (hours)
//! nice cargo run -p connkit-testkit --bin compare_anchors -- --specs spapi,nexus
//! cargo run -p connkit-testkit --bin compare_anchors -- --list
//! ```
//!
//! The tools are installed at pinned versions under `target/compare/` and reused by later runs
//! (`rm -rf target/compare` removes them); generated crates and their target dirs are removed
//! after each spec unless `--keep`.

mod check;
mod report;
mod run;
mod specs;
mod tools;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Parser;
use connkit_testkit::paths::workspace_root;

use crate::check::{Checker, GeneratedCrate, remove_dir};
use crate::report::{Measurement, RunInfo, SpecResult};
use crate::run::{Budget, StepEnd, StepLimit, run_logged};
use crate::specs::{PreparedSpec, SpecCase};
use crate::tools::{Tool, Toolbox};

/// Errors of this binary: each says what it was doing.
pub(crate) type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Compare connkit's generated crates with progenitor, openapi-to-rust and OpenAPI Generator.
#[derive(Debug, Parser)]
#[command(name = "compare_anchors")]
struct Args {
    /// Specs to run, by name or group (spapi, oxide, corpus), comma-separated; all by default.
    #[arg(long, value_delimiter = ',')]
    specs: Vec<String>,
    /// Tools to run, comma-separated; all by default.
    #[arg(long, value_delimiter = ',', value_enum)]
    tools: Vec<Tool>,
    /// Where to write the Markdown report (default: docs/comparison.md for a full run, else
    /// target/compare/comparison.md).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Limit for each generation and each `cargo check`, in minutes.
    #[arg(long, default_value_t = 60)]
    timeout_minutes: u64,
    /// Time budget of the whole run (installs included), in minutes (0: none). No step starts
    /// after it and a step that would end later is stopped at it; the report marks those cells
    /// and says the run was cut, so a run on a shared machine ends by a deadline.
    #[arg(long, default_value_t = 0)]
    budget_minutes: u64,
    /// Memory limit of each generator, cargo and rustc process, in GiB (0: none). A process
    /// over it fails (reported as such) instead of starving a shared machine.
    #[arg(long, default_value_t = 12)]
    memory_limit_gib: u64,
    /// Keep the generated crates and their target dirs under target/compare/work/.
    #[arg(long)]
    keep: bool,
    /// List the specs and exit.
    #[arg(long)]
    list: bool,
}

fn main() -> std::process::ExitCode {
    match compare(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn compare(args: Args) -> BoxResult<()> {
    let cases = specs::select(&args.specs)?;
    if args.list {
        for case in &cases {
            println!("{:28} {:7} {:?}", case.slug, case.group, case.source);
        }
        return Ok(());
    }
    let tools = if args.tools.is_empty() { Tool::ALL.to_vec() } else { args.tools.clone() };
    let full = cases.len() == specs::CASES.len() && tools.len() == Tool::ALL.len();
    let root = workspace_root().join("target").join("compare");
    let out = args.out.clone().unwrap_or_else(|| {
        if full {
            workspace_root().join("docs").join("comparison.md")
        } else {
            root.join("comparison.md")
        }
    });
    if args.memory_limit_gib > 0 {
        run::limit_memory(args.memory_limit_gib);
    }
    let started = Instant::now();
    let load_at_start = load_average();
    let timeout = Duration::from_secs(args.timeout_minutes * 60);
    let budget = Budget::new(
        timeout,
        (args.budget_minutes > 0).then(|| started + Duration::from_secs(args.budget_minutes * 60)),
    );
    let toolbox = Toolbox::install(&root, &tools)?;
    let checkers: Vec<(Tool, Checker)> = tools
        .iter()
        .map(|&tool| (tool, Checker::new(root.join("deps").join(tool.slug()))))
        .collect();
    let mut info = RunInfo {
        date: first_line(std::process::Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        machine: machine(),
        load: load_at_start.clone(),
        command: command_line(),
        limits: limits_words(&args),
        versions: toolbox.versions.clone(),
        elapsed: Duration::ZERO,
        complete: false,
        subset: (!full).then(|| subset_words(&cases, &tools)),
        load_samples: Vec::new(),
    };
    let mut results: Vec<SpecResult> = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        eprintln!("== [{}/{}] {}", index + 1, cases.len(), case.slug);
        let last = index + 1 == cases.len();
        // The report is rewritten after every tool, so a run stopped from outside leaves all
        // it measured.
        let mut progress = |partial: &SpecResult, done: bool, load: Option<f64>| {
            info.load_samples.extend(load);
            info.complete = last && done;
            info.elapsed = started.elapsed();
            info.load = format!("{load_at_start}; {}", load_average());
            let mut shown = results.clone();
            shown.push(partial.clone());
            write_report(&out, &report::render(&info, &tools, &shown))
        };
        let context = Context { toolbox: &toolbox, checkers: &checkers, root: &root, budget };
        let result = measure_spec(*case, &context, args.keep, &mut progress)?;
        results.push(result);
    }
    println!("{}", report::render(&info, &tools, &results));
    eprintln!(
        "report written to {} ({:.0} min)",
        out.display(),
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// The run's limits in words: per step, for the whole run, per process.
fn limits_words(args: &Args) -> String {
    let budget = if args.budget_minutes > 0 {
        format!("{} min for the whole run, installs included", args.budget_minutes)
    } else {
        "no budget for the whole run".to_string()
    };
    let memory = if args.memory_limit_gib > 0 {
        format!("{} GiB", args.memory_limit_gib)
    } else {
        "no memory limit".to_string()
    };
    format!(
        "{} min per step (each generation, each `cargo check`); {budget}; {memory} per process \
         (RLIMIT_DATA through prlimit)",
        args.timeout_minutes
    )
}

/// What every spec's measurement uses.
struct Context<'a> {
    toolbox: &'a Toolbox,
    checkers: &'a [(Tool, Checker)],
    root: &'a Path,
    budget: Budget,
}

/// Called after each tool with the spec's result so far, whether the spec is done, and the
/// 1-minute load average sampled before the tool's first step.
type Progress<'p> = dyn FnMut(&SpecResult, bool, Option<f64>) -> BoxResult<()> + 'p;

/// Every tool on one spec: each generates, then its crate is checked.
fn measure_spec(
    case: SpecCase,
    context: &Context<'_>,
    keep: bool,
    progress: &mut Progress<'_>,
) -> BoxResult<SpecResult> {
    let work = context.root.join("work").join(case.slug);
    let logs = context.root.join("logs").join(case.slug);
    remove_dir(&work)?;
    remove_dir(&logs)?;
    let spec = specs::prepare(case, context.toolbox, &work)?;
    let mut result = SpecResult { spec, measurements: Vec::new() };
    for (index, (tool, checker)) in context.checkers.iter().enumerate() {
        let load = one_minute_load();
        let m = match context.budget.next_step() {
            Some(limit) => {
                let out = work.join(tool.slug());
                let tool_logs = logs.join(tool.slug());
                let (mut m, krate) =
                    generate(*tool, &result.spec, context.toolbox, &out, &tool_logs, limit)?;
                if let Some(krate) = krate {
                    let own_target = work.join(format!("{}-target", tool.slug()));
                    m.check = Some(check_crate(
                        *tool,
                        checker,
                        &krate,
                        &own_target,
                        &tool_logs,
                        keep,
                        &context.budget,
                    )?);
                }
                m
            }
            None => {
                eprintln!("  {tool}: not run (the run's time budget is spent)");
                Measurement::not_run(*tool)
            }
        };
        result.measurements.push(m);
        progress(&result, index + 1 == context.checkers.len(), load)?;
    }
    if !keep {
        remove_dir(&work)?;
    }
    Ok(result)
}

/// The crate-only check of one tool's crate, logged to stderr.
fn check_crate(
    tool: Tool,
    checker: &Checker,
    krate: &GeneratedCrate,
    own_target: &Path,
    logs: &Path,
    keep: bool,
    budget: &Budget,
) -> BoxResult<check::CheckResult> {
    eprintln!("  {tool}: cargo check");
    let check = checker.check(krate, own_target, logs, keep, budget)?;
    let verdict = match (check.end, &check.error) {
        (StepEnd::NotRun, _) => "not run (the run's time budget is spent)",
        (StepEnd::TimedOut, _) => "timed out",
        (StepEnd::Finished, None) => "compiles",
        (StepEnd::Finished, Some(_)) => "does not compile",
    };
    eprintln!(
        "  {tool}: {verdict} in {:.1} s wall, {:.1} s CPU",
        check.timing.wall.as_secs_f64(),
        check.timing.cpu.as_secs_f64()
    );
    Ok(check)
}

/// Runs one tool's generation and counts its lines; the crate when there is one.
fn generate(
    tool: Tool,
    spec: &PreparedSpec,
    toolbox: &Toolbox,
    out: &Path,
    logs: &Path,
    limit: StepLimit,
) -> BoxResult<(Measurement, Option<GeneratedCrate>)> {
    let mut m = Measurement::new(tool);
    let (mut command, krate) = match toolbox.generate(tool, spec, out) {
        Ok(planned) => planned,
        Err(error) => {
            m.generation_error = Some(error);
            return Ok((m, None));
        }
    };
    eprintln!("  {tool}: generating");
    let outcome = run_logged(&mut command, &logs.join("generate.log"), limit)?;
    m.generation = Some(outcome.timing);
    m.generation_end = outcome.end();
    if !outcome.succeeded() {
        m.generation_error = Some(outcome.first_error_line());
        return Ok((m, None));
    }
    if let Err(error) = toolbox.finish_crate(tool, spec, &krate) {
        m.generation_error = Some(format!("no crate: {error}"));
        return Ok((m, None));
    }
    let (lines, files) = count_rust_lines(&krate.dir)?;
    m.lines = lines;
    m.files = files;
    eprintln!(
        "  {tool}: {lines} lines in {files} files, {:.1} s wall, {:.1} s CPU",
        outcome.timing.wall.as_secs_f64(),
        outcome.timing.cpu.as_secs_f64()
    );
    Ok((m, Some(krate)))
}

/// Non-blank lines and files of the `.rs` files under `dir`, skipping hidden folders (connkit's
/// `.connkit/` copy) and `target`.
fn count_rust_lines(dir: &Path) -> BoxResult<(usize, usize)> {
    let mut lines = 0;
    let mut files = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if entry.file_type()?.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                let text = fs::read_to_string(&path)?;
                lines += text.lines().filter(|l| !l.trim().is_empty()).count();
                files += 1;
            }
        }
    }
    Ok((lines, files))
}

fn write_report(out: &Path, markdown: &str) -> BoxResult<()> {
    if let Some(dir) = out.parent() {
        fs::create_dir_all(dir)?;
    }
    fs::write(out, markdown).map_err(|e| format!("writing {}: {e}", out.display()))?;
    Ok(())
}

/// Cores, memory and CPU model.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.split_whitespace().next().and_then(|kb| kb.parse::<u64>().ok()))
        })
        .map_or_else(|| "? GiB".to_string(), |kb| format!("{:.0} GiB", kb as f64 / 1048576.0));
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name").and_then(|v| v.split_once(':')))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    format!("{cores} cores, {memory}, {cpu}, Linux")
}

/// The 1-minute load average now.
fn one_minute_load() -> Option<f64> {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().and_then(|v| v.parse().ok()))
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_string())
}

/// How this run was started, as a user would type it.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut line = "cargo run -p connkit-testkit --bin compare_anchors".to_string();
    if !args.is_empty() {
        line.push_str(" -- ");
        line.push_str(&args.join(" "));
    }
    line
}

/// What a subset run holds, in words: its specs and tools out of all.
fn subset_words(cases: &[SpecCase], tools: &[Tool]) -> String {
    let specs: Vec<&str> = cases.iter().map(|case| case.slug).collect();
    let tools: Vec<String> = tools.iter().map(ToString::to_string).collect();
    format!(
        "{} of the {} specs ({}), {} of the {} tools ({})",
        specs.len(),
        specs::CASES.len(),
        specs.join(", "),
        tools.len(),
        Tool::ALL.len(),
        tools.join(", ")
    )
}

fn first_line(command: &mut std::process::Command) -> String {
    command
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.lines().next().map(str::to_string))
        .unwrap_or_default()
}
