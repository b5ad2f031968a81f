//! Exit statuses shared by every command, and the one place that prints errors.

use std::process::ExitCode;

/// How a command ended, mapped to the exit codes of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command did what was asked.
    Success,
    /// 1: the command ran and the outcome is negative (violations, conflicts, an API error).
    Failure,
    /// 2: usage or input error (bad flags, unreadable spec, missing settings).
    Usage,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::SUCCESS,
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Usage => ExitCode::from(2),
        }
    }
}

/// A command's error: the message for stderr and the exit status it maps to.
#[derive(Debug)]
pub struct CommandError {
    /// What went wrong and what to do, rendered by miette.
    pub report: miette::Report,
    /// The exit status for this error.
    pub status: ExitStatus,
}

#[allow(dead_code, reason = "constructors for the commands that land next")]
impl CommandError {
    /// A usage or input error (exit 2).
    pub fn usage(report: impl Into<miette::Report>) -> Self {
        Self { report: report.into(), status: ExitStatus::Usage }
    }

    /// A negative outcome of a command that ran (exit 1).
    pub fn failure(report: impl Into<miette::Report>) -> Self {
        Self { report: report.into(), status: ExitStatus::Failure }
    }
}

/// Turns a command's result into the process exit code, printing the error chain on stderr.
/// A broken pipe (`connkit call --all | head`) is a success.
pub fn finish(result: Result<ExitStatus, CommandError>) -> ExitCode {
    match result {
        Ok(status) => status.into(),
        Err(err) => {
            if is_broken_pipe(&err.report) {
                return ExitCode::SUCCESS;
            }
            eprintln!("{:?}", err.report);
            err.status.into()
        }
    }
}

fn is_broken_pipe(report: &miette::Report) -> bool {
    report.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
