//! Side-by-side comparison of connkit with progenitor, openapi-to-rust and OpenAPI Generator's
//! `rust` client on the same specs, in one run (opt-in: not part of CI or `cargo test`).
//!
//! For each spec and tool it measures: generated or not (with the first line of the error),
//! generation time, generated Rust lines, the crate-only `cargo check` time and whether the
//! crate compiles (with the first error); then connkit's ratios against each tool. It prints
//! the report and writes it as Markdown (`docs/comparison.md` for a full run, else
//! `target/compare/comparison.md`), rewritten after every spec so an interrupted run leaves
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
use crate::run::run_logged;
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
    let toolbox = Toolbox::install(&root, &tools)?;
    let timeout = Duration::from_secs(args.timeout_minutes * 60);
    let checkers: Vec<(Tool, Checker)> = tools
        .iter()
        .map(|&tool| (tool, Checker::new(root.join("deps").join(tool.slug()), timeout)))
        .collect();
    let mut info = RunInfo {
        date: first_line(std::process::Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
        machine: machine(),
        load: load_at_start.clone(),
        command: command_line(),
        limits: format!(
            "{} per step; {} per process (RLIMIT_DATA through prlimit)",
            minutes(timeout),
            if args.memory_limit_gib > 0 {
                format!("{} GiB", args.memory_limit_gib)
            } else {
                "no memory limit".to_string()
            }
        ),
        versions: toolbox.versions.clone(),
        elapsed: Duration::ZERO,
        complete: false,
        subset: (!full).then(|| subset_words(&cases, &tools)),
    };
    let mut results = Vec::new();
    for (index, case) in cases.iter().enumerate() {
        eprintln!("== [{}/{}] {}", index + 1, cases.len(), case.slug);
        let result = measure_spec(*case, &toolbox, &checkers, &root, &args)?;
        results.push(result);
        info.complete = index + 1 == cases.len();
        info.elapsed = started.elapsed();
        info.load = format!("{load_at_start}; {}", load_average());
        write_report(&out, &report::render(&info, &tools, &results))?;
    }
    println!("{}", report::render(&info, &tools, &results));
    eprintln!(
        "report written to {} ({:.0} min)",
        out.display(),
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// Every tool on one spec: generate all, then check each crate.
fn measure_spec(
    case: SpecCase,
    toolbox: &Toolbox,
    checkers: &[(Tool, Checker)],
    root: &Path,
    args: &Args,
) -> BoxResult<SpecResult> {
    let work = root.join("work").join(case.slug);
    let logs = root.join("logs").join(case.slug);
    remove_dir(&work)?;
    remove_dir(&logs)?;
    let spec = specs::prepare(case, toolbox, &work)?;
    let timeout = Duration::from_secs(args.timeout_minutes * 60);
    let mut measurements = Vec::new();
    for (tool, checker) in checkers {
        let out = work.join(tool.slug());
        let tool_logs = logs.join(tool.slug());
        let (mut m, krate) = generate(*tool, &spec, toolbox, &out, &tool_logs, timeout)?;
        if let Some(krate) = krate {
            eprintln!("  {tool}: cargo check");
            let own_target = work.join(format!("{}-target", tool.slug()));
            let check = checker.check(&krate, &own_target, &tool_logs, args.keep)?;
            eprintln!(
                "  {tool}: {} in {:.1} s wall, {:.1} s CPU",
                if check.error.is_none() { "compiles" } else { "does not compile" },
                check.timing.wall.as_secs_f64(),
                check.timing.cpu.as_secs_f64()
            );
            m.check = Some(check);
        }
        measurements.push(m);
    }
    if !args.keep {
        remove_dir(&work)?;
    }
    Ok(SpecResult { spec, measurements })
}

/// Runs one tool's generation and counts its lines; the crate when there is one.
fn generate(
    tool: Tool,
    spec: &PreparedSpec,
    toolbox: &Toolbox,
    out: &Path,
    logs: &Path,
    timeout: Duration,
) -> BoxResult<(Measurement, Option<GeneratedCrate>)> {
    let mut m = Measurement {
        tool,
        generation: None,
        generation_error: None,
        lines: 0,
        files: 0,
        check: None,
    };
    let (mut command, krate) = match toolbox.generate(tool, spec, out) {
        Ok(planned) => planned,
        Err(error) => {
            m.generation_error = Some(error);
            return Ok((m, None));
        }
    };
    eprintln!("  {tool}: generating");
    let outcome = run_logged(&mut command, &logs.join("generate.log"), timeout)?;
    m.generation = Some(outcome.timing);
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

fn minutes(duration: Duration) -> String {
    format!("{} min", duration.as_secs() / 60)
}

fn first_line(command: &mut std::process::Command) -> String {
    command
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.lines().next().map(str::to_string))
        .unwrap_or_default()
}
