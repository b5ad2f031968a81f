//! Runs one measured command: output to a log file, wall time, CPU time of the whole process
//! tree (user + system, as the kernel accounts it to waited-for children), and a timeout.
//!
//! CPU time comes from this process's `cutime` and `cstime` in `/proc/self/stat`, read before
//! and after the child is reaped. Commands run one at a time, so the difference is the
//! command's own (a `cargo check` includes its `rustc`, the generator its JVM threads). On a
//! loaded machine the wall time grows with the load; the CPU time much less.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use std::os::unix::process::CommandExt;

/// The memory limit of every measured process (`RLIMIT_DATA`), set once by `main`.
static MEMORY_LIMIT: OnceLock<u64> = OnceLock::new();

/// Limits each measured process (the generator, cargo, each rustc) to `gib` GiB of data
/// memory, so that a huge crate fails alone instead of starving the other users of a shared
/// machine. Takes effect for commands made by [`command`] afterwards.
pub(crate) fn limit_memory(gib: u64) {
    let _ = MEMORY_LIMIT.set(gib.saturating_mul(1 << 30));
}

/// A command for `program` under the memory limit (through util-linux's `prlimit`, which is
/// on every Debian) when one is set.
pub(crate) fn command(program: impl AsRef<OsStr>) -> Command {
    match MEMORY_LIMIT.get() {
        Some(bytes) => {
            let mut command = Command::new("prlimit");
            command.arg(format!("--data={bytes}")).arg("--").arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// Wall and CPU time of one command.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timing {
    /// Elapsed time from spawn to exit.
    pub wall: Duration,
    /// User + system time of the command and every descendant it waited for.
    pub cpu: Duration,
}

/// How a command ended.
#[derive(Debug, Clone)]
pub(crate) enum Status {
    /// Exit code 0.
    Success,
    /// A non-zero exit or a signal.
    Failed(ExitStatus),
    /// Killed (with its process group) at its limit.
    TimedOut(StepLimit),
}

/// How long one step may run, and why that long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StepLimit {
    /// The time the step gets.
    pub time: Duration,
    /// Whether the run's budget cut it below the per-step limit (so a timeout means the run
    /// ran out of time, not that the step is slow beyond the per-step limit).
    pub cut_by_budget: bool,
}

impl StepLimit {
    /// What a step stopped at this limit says about itself.
    pub(crate) fn describe(self) -> String {
        let minutes = self.time.as_secs_f64() / 60.0;
        if self.cut_by_budget {
            format!("stopped after {minutes:.1} min: the run's time budget ran out")
        } else {
            format!("timed out after {minutes:.0} min")
        }
    }
}

/// The time limits of a run: one per step, and optionally one for the whole run, so that a
/// run on a shared machine ends by a deadline with every cell either measured or marked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    per_step: Duration,
    deadline: Option<Instant>,
}

impl Budget {
    /// `per_step` for each generation and `cargo check`; the whole run ends by `deadline`.
    pub(crate) fn new(per_step: Duration, deadline: Option<Instant>) -> Self {
        Self { per_step, deadline }
    }

    /// The limit of a step starting now; `None` when the run's budget is spent (the step is
    /// not started).
    pub(crate) fn next_step(&self) -> Option<StepLimit> {
        let Some(deadline) = self.deadline else {
            return Some(StepLimit { time: self.per_step, cut_by_budget: false });
        };
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            None
        } else if left < self.per_step {
            Some(StepLimit { time: left, cut_by_budget: true })
        } else {
            Some(StepLimit { time: self.per_step, cut_by_budget: false })
        }
    }
}

/// How a measured step ended, as the report shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StepEnd {
    /// It ran to its end (successfully or not).
    Finished,
    /// It was killed at its limit.
    TimedOut,
    /// The run's time budget was spent before it could start.
    NotRun,
}

/// A finished command: how it ended, its timing and its log.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// How it ended.
    pub status: Status,
    /// Its timing.
    pub timing: Timing,
    /// stdout and stderr, interleaved.
    pub log: PathBuf,
}

impl Outcome {
    /// Whether the command exited with 0.
    pub(crate) fn succeeded(&self) -> bool {
        matches!(self.status, Status::Success)
    }

    /// Finished or timed out.
    pub(crate) fn end(&self) -> StepEnd {
        match self.status {
            Status::TimedOut(_) => StepEnd::TimedOut,
            _ => StepEnd::Finished,
        }
    }

    /// The first line of the log that reads like an error (see [`first_error`]); for a timeout,
    /// says so.
    pub(crate) fn first_error_line(&self) -> String {
        if let Status::TimedOut(limit) = self.status {
            return limit.describe();
        }
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let status = match &self.status {
            Status::Failed(status) => format!(" ({status})"),
            _ => String::new(),
        };
        format!("{}{status}", first_error(&text))
    }
}

/// The first line of `log` that reads like an error (`error`, `fail:`, `exception`,
/// `panicked`), lines a logger wrote at ERROR level only when there is no other (OpenAPI
/// Generator logs errors it recovers from, e.g. "Default to String", before the exception that
/// ends it); with the first item of a list of details that follows it within a few lines (the
/// spec's issues under OpenAPI Generator's exception), or the next line when it ends with `:`
/// (a Rust panic's message); else the last non-empty line.
fn first_error(log: &str) -> String {
    let lines: Vec<&str> = log.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|line| reads_like_an_error(line) && !logged_at_error_level(line))
        .or_else(|| lines.iter().position(|line| reads_like_an_error(line)));
    let Some(at) = at else {
        return lines
            .iter()
            .rfind(|l| !l.is_empty())
            .map_or("no output".to_string(), |l| shorten(l, 200));
    };
    let following = || lines[at + 1..].iter().take(6);
    let listed = following()
        .filter_map(|l| l.strip_prefix('-'))
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('-'));
    let continued = lines[at].ends_with(':').then(|| following().find(|l| !l.is_empty())).flatten();
    match listed.or(continued.copied()) {
        Some(detail) => format!("{} {}", shorten(lines[at], 110), shorten(detail, 110)),
        None => shorten(lines[at], 200),
    }
}

fn reads_like_an_error(line: &str) -> bool {
    // Log lines of lower levels may name schemas like `api_errors`.
    if line.contains(" INFO ") || line.contains(" WARN ") || line.contains(" DEBUG ") {
        return false;
    }
    let lower = line.to_ascii_lowercase();
    lower.starts_with("error")
        || lower.contains("error:")
        || lower.contains(" error ")
        || lower.contains("fail:")
        || lower.contains("exception")
        || lower.contains("panicked")
}

/// A logger's line at ERROR level (`[main] ERROR o.o.c.utils.ModelUtils - ...`).
fn logged_at_error_level(line: &str) -> bool {
    line.starts_with('[') && line.contains("] ERROR ")
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}

/// Runs `command` in its own process group with stdout and stderr appended to `log`; kills
/// the group at `limit`.
pub(crate) fn run_logged(
    command: &mut Command,
    log: &Path,
    limit: StepLimit,
) -> io::Result<Outcome> {
    if let Some(dir) = log.parent() {
        fs::create_dir_all(dir)?;
    }
    let out = File::create(log)?;
    let err = out.try_clone()?;
    command.stdin(Stdio::null()).stdout(out).stderr(err).process_group(0);
    let cpu_before = children_cpu();
    let started = Instant::now();
    let mut child = command.spawn()?;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break if status.success() { Status::Success } else { Status::Failed(status) };
        }
        if started.elapsed() > limit.time {
            kill_group(child.id());
            child.wait()?;
            break Status::TimedOut(limit);
        }
        thread::sleep(Duration::from_millis(20));
    };
    let wall = started.elapsed();
    let cpu = children_cpu().saturating_sub(cpu_before);
    Ok(Outcome { status, timing: Timing { wall, cpu }, log: log.to_path_buf() })
}

/// Kills a process group this program started (by its id, with `kill`).
fn kill_group(pid: u32) {
    let _ = Command::new("kill").arg("-KILL").arg("--").arg(format!("-{pid}")).status();
}

/// CPU time (user + system) of this process's reaped children, from `/proc/self/stat`.
fn children_cpu() -> Duration {
    let Ok(stat) = fs::read_to_string("/proc/self/stat") else { return Duration::ZERO };
    // Fields after the command name, which is in parentheses and may hold spaces: the first
    // is field 3 (state); cutime and cstime are fields 16 and 17.
    let Some((_, rest)) = stat.rsplit_once(')') else { return Duration::ZERO };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 =
        [13, 14].iter().filter_map(|&i| fields.get(i).and_then(|f| f.parse::<u64>().ok())).sum();
    Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
}

/// `getconf CLK_TCK` (100 on Linux), read once.
fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .filter(|&ticks| ticks > 0)
            .unwrap_or(100)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn without_a_deadline_every_step_gets_the_per_step_limit() {
        let budget = Budget::new(STEP, None);
        assert_eq!(budget.next_step(), Some(StepLimit { time: STEP, cut_by_budget: false }));
    }

    #[test]
    fn a_step_near_the_deadline_is_cut_and_none_starts_after_it() {
        let now = Instant::now();
        let near = Budget::new(STEP, Some(now + Duration::from_secs(60))).next_step();
        assert!(
            near.is_some_and(|limit| limit.cut_by_budget && limit.time <= Duration::from_secs(60))
        );
        let far = Budget::new(STEP, Some(now + 2 * STEP)).next_step();
        assert_eq!(far, Some(StepLimit { time: STEP, cut_by_budget: false }));
        assert_eq!(Budget::new(STEP, Some(now)).next_step(), None);
    }

    #[test]
    fn the_first_error_comes_with_its_first_listed_detail() {
        let progenitor = "gen fail: UnexpectedFormat(\"duplicate operation ID: x\")\n\
                          Error: generation experienced errors\n";
        assert_eq!(
            first_error(progenitor),
            "gen fail: UnexpectedFormat(\"duplicate operation ID: x\")"
        );
        let java = "[main] INFO  o.o.c.DefaultGenerator - api_errors\n\
                    [main] ERROR o.o.c.utils.ModelUtils - Undefined type. Default to String.\n\
                    Exception in thread \"main\" SpecValidationException: issues\n | Error count: 1\n\
                    Errors: \n\t-attribute paths.'/a'(post).operationId is repeated\n\tat Foo.bar\n";
        assert_eq!(
            first_error(java),
            "Exception in thread \"main\" SpecValidationException: issues attribute \
             paths.'/a'(post).operationId is repeated"
        );
        let panic = "\nthread 'main' panicked at src/method.rs:2057:23:\n\
                     not yet implemented: more media types\nstack backtrace:\n";
        assert_eq!(
            first_error(panic),
            "thread 'main' panicked at src/method.rs:2057:23: not yet implemented: more media types"
        );
        assert_eq!(
            first_error("[main] ERROR o.o.c.X - only this\n"),
            "[main] ERROR o.o.c.X - only this"
        );
        assert_eq!(first_error("all fine\nlast words\n\n"), "last words");
        assert_eq!(first_error(""), "no output");
    }

    #[test]
    fn a_cut_step_says_the_budget_stopped_it() {
        let cut = StepLimit { time: Duration::from_secs(90), cut_by_budget: true };
        assert_eq!(cut.describe(), "stopped after 1.5 min: the run's time budget ran out");
        assert_eq!(
            StepLimit { time: STEP, cut_by_budget: false }.describe(),
            "timed out after 15 min"
        );
    }
}
