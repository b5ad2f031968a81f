//! `cargo check` of one generated crate alone: its dependencies are built beforehand, so the
//! measured time is the crate's own.
//!
//! How:
//! 1. Once per tool, the dependencies are checked into a template target dir
//!    (`target/compare/deps/{tool}/`) through the crate's *twin*: the same manifest with an
//!    empty `src/lib.rs` (the generated `src/` moved aside for the duration). Its `Cargo.lock`
//!    is kept with the template.
//! 2. For each crate, the template is copied into the crate's own target dir and its lock file
//!    beside the crate; the twin is checked again there (untimed: it tops up what this crate
//!    needs beyond the template, e.g. a dependency only some specs use).
//! 3. The real `src/` is put back and `cargo check` runs, timed. The log shows how many units
//!    it compiled: 1 means the crate's own time and nothing else.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::BoxResult;
use crate::run::{self, Budget, Outcome, Status, StepEnd, StepLimit, Timing, run_logged, shorten};

/// A generated crate as `cargo check` sees it.
#[derive(Debug, Clone)]
pub(crate) struct GeneratedCrate {
    /// The package's folder (its `Cargo.toml` and `src/`).
    pub dir: PathBuf,
    /// The folder holding the lock file: the package, or the workspace it is a member of.
    pub lock_dir: PathBuf,
}

/// The result of a crate-only check.
#[derive(Debug, Clone)]
pub(crate) struct CheckResult {
    /// Wall and CPU time of the timed `cargo check`.
    pub timing: Timing,
    /// `None` when it compiled, else the first error (with its location) and the count.
    pub error: Option<String>,
    /// Units cargo checked or compiled in the timed run (1: the crate alone).
    pub units: usize,
    /// Whether the check (or the dependency build before it) ran to its end, timed out, or
    /// was not started because the run's budget was spent.
    pub end: StepEnd,
}

impl CheckResult {
    /// A check the run's budget left no time for.
    fn not_run() -> Self {
        Self {
            timing: Timing::default(),
            error: Some("not run: the run's time budget was spent".to_string()),
            units: 0,
            end: StepEnd::NotRun,
        }
    }
}

/// Checks generated crates of one tool against that tool's dependency template.
#[derive(Debug)]
pub(crate) struct Checker {
    /// `target/compare/deps/{tool}/`: `target/` and `Cargo.lock`.
    template: PathBuf,
}

impl Checker {
    /// A checker whose template lives in `template` (created on first use).
    pub(crate) fn new(template: PathBuf) -> Self {
        Self { template }
    }

    /// Checks `krate` alone in `own_target` (removed afterwards unless `keep`); logs go to
    /// `logs` (`deps.log`, `check.log`). Each of its cargo runs gets a step of `budget`.
    pub(crate) fn check(
        &self,
        krate: &GeneratedCrate,
        own_target: &Path,
        logs: &Path,
        keep: bool,
        budget: &Budget,
    ) -> BoxResult<CheckResult> {
        let template_target = self.template.join("target");
        let template_lock = self.template.join("Cargo.lock");
        if !template_lock.is_file() {
            eprintln!("    pre-building dependencies into {}", template_target.display());
            let Some(limit) = budget.next_step() else { return Ok(CheckResult::not_run()) };
            let outcome =
                self.twin_check(krate, &template_target, &logs.join("deps-template.log"), limit)?;
            if !outcome.succeeded() {
                return Ok(dependency_failure(&outcome));
            }
            copy_file(&krate.lock_dir.join("Cargo.lock"), &template_lock)?;
        }
        remove_dir(own_target)?;
        copy_tree(&template_target, own_target)?;
        copy_file(&template_lock, &krate.lock_dir.join("Cargo.lock"))?;
        let Some(limit) = budget.next_step() else { return Ok(CheckResult::not_run()) };
        let deps = self.twin_check(krate, own_target, &logs.join("deps.log"), limit)?;
        if !deps.succeeded() {
            return Ok(dependency_failure(&deps));
        }
        let Some(limit) = budget.next_step() else { return Ok(CheckResult::not_run()) };
        // Offline: the twin resolved and downloaded everything, so no network time is timed.
        let check_log = logs.join("check.log");
        let outcome =
            self.cargo_check(&krate.dir, own_target, &check_log, Network::Offline, limit)?;
        let log = fs::read_to_string(&outcome.log).unwrap_or_default();
        let result = CheckResult {
            timing: outcome.timing,
            error: (!outcome.succeeded()).then(|| check_error(&outcome, &log)),
            units: count_units(&log),
            end: outcome.end(),
        };
        if !keep {
            remove_dir(own_target)?;
        }
        Ok(result)
    }

    /// `cargo check` of the crate's twin (its manifest over an empty `src/lib.rs`).
    fn twin_check(
        &self,
        krate: &GeneratedCrate,
        target: &Path,
        log: &Path,
        limit: StepLimit,
    ) -> BoxResult<Outcome> {
        let src = krate.dir.join("src");
        let aside = krate.dir.join("src.compare-real");
        fs::rename(&src, &aside)?;
        let result = fs::create_dir_all(&src)
            .and_then(|()| fs::write(src.join("lib.rs"), ""))
            .map_err(Into::into)
            .and_then(|()| {
                // Offline first: the lock file and the downloads are there, and a registry
                // mirror that answers differently from one query to the next cannot undo the
                // resolution; online when this crate needs something new.
                let offline = self.cargo_check(&krate.dir, target, log, Network::Offline, limit)?;
                if offline.succeeded() || offline.end() != StepEnd::Finished {
                    return Ok(offline);
                }
                self.cargo_check(&krate.dir, target, log, Network::Online, limit)
            });
        let restored = fs::remove_dir_all(&src)
            .and_then(|()| fs::rename(&aside, &src))
            .and_then(|()| touch(&src.join("lib.rs")));
        let outcome = result?;
        restored?;
        Ok(outcome)
    }

    fn cargo_check(
        &self,
        dir: &Path,
        target: &Path,
        log: &Path,
        network: Network,
        limit: StepLimit,
    ) -> BoxResult<Outcome> {
        let mut command = run::command("cargo");
        command.arg("check");
        if network == Network::Offline {
            command.arg("--offline");
        }
        command
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS");
        Ok(run_logged(&mut command, log, limit)?)
    }
}

/// Sets `file`'s modification time to now. The real `src/` keeps the generation's times when
/// it is put back, older than the twin's check, so cargo would take the twin's (empty) build
/// of the crate as fresh and check nothing.
fn touch(file: &Path) -> std::io::Result<()> {
    fs::File::options().write(true).open(file)?.set_modified(std::time::SystemTime::now())
}

/// Whether a `cargo check` may use the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Network {
    Online,
    Offline,
}

fn dependency_failure(outcome: &Outcome) -> CheckResult {
    CheckResult {
        timing: Timing::default(),
        error: Some(format!("dependencies did not build: {}", outcome.first_error_line())),
        units: 0,
        end: outcome.end(),
    }
}

/// The first compiler error with its location, and how many there were.
fn check_error(outcome: &Outcome, log: &str) -> String {
    if matches!(outcome.status, Status::TimedOut(_)) {
        return outcome.first_error_line();
    }
    compiler_error(log).unwrap_or_else(|| outcome.first_error_line())
}

/// The first compiler error of a `cargo check` log with its location and the error count
/// cargo gives (`could not compile ... due to N previous errors`); a rustc that ran out of
/// memory (`memory allocation of N bytes failed`, e.g. at the per-process limit) says so.
fn compiler_error(log: &str) -> Option<String> {
    let lines: Vec<&str> = log.lines().collect();
    if let Some(failed) = lines.iter().find(|l| l.starts_with("memory allocation of")) {
        return Some(format!("rustc ran out of memory ({})", failed.trim()));
    }
    let at = lines.iter().position(|l| l.starts_with("error"))?;
    let location = lines[at + 1..]
        .iter()
        .take(3)
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|place| format!(" at {place}"))
        .unwrap_or_default();
    let total = lines
        .iter()
        .filter(|l| l.starts_with("error: could not compile"))
        .find_map(|l| l.split_once(" due to ").map(|(_, rest)| rest))
        .and_then(|rest| rest.split_whitespace().next())
        .map(|count| format!(" ({count} errors)"))
        .unwrap_or_default();
    Some(format!("{}{location}{total}", shorten(lines[at], 160)))
}

/// Units cargo worked on: its `Checking` and `Compiling` lines.
fn count_units(log: &str) -> usize {
    log.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("Checking ") || l.starts_with("Compiling "))
        .count()
}

fn copy_tree(from: &Path, to: &Path) -> BoxResult<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    let status = Command::new("cp").arg("-a").arg("--reflink=auto").arg(from).arg(to).status()?;
    if !status.success() {
        return Err(format!("cp -a {} {} failed: {status}", from.display(), to.display()).into());
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> BoxResult<()> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::copy(from, to)
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))?;
    Ok(())
}

/// Removes `dir` if it is there.
pub(crate) fn remove_dir(dir: &Path) -> BoxResult<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("removing {}: {e}", dir.display()).into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_count_is_cargos_not_a_diagnostic_text() {
        let log = "error[E0415]: identifier `configuration` is bound more than once\n  \
                   --> src/apis/default_api.rs:4791:105\n\
                   note: method cannot be called on `X` due to unsatisfied trait bounds\n\
                   error: could not compile `stripe` (lib) due to 611 previous errors\n";
        assert_eq!(
            compiler_error(log).as_deref(),
            Some(
                "error[E0415]: identifier `configuration` is bound more than once at \
                 src/apis/default_api.rs:4791:105 (611 errors)"
            )
        );
    }

    #[test]
    fn a_rustc_out_of_memory_says_so() {
        let log = "    Checking graph v0.1.0\nmemory allocation of 37984 bytes failed\n\
                   error: could not compile `graph` (lib)\n";
        assert_eq!(
            compiler_error(log).as_deref(),
            Some("rustc ran out of memory (memory allocation of 37984 bytes failed)")
        );
        assert_eq!(compiler_error("    Checking x\n"), None);
    }
}
