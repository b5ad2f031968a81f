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

/// A command's error: the message for stderr, the exit status it maps to, and a stable code
/// for tools (the `code` of the JSON error object under `--format json`).
#[derive(Debug)]
pub(crate) struct CommandError {
    /// What went wrong and what to do, rendered by miette.
    pub report: miette::Report,
    /// The exit status for this error.
    pub status: ExitStatus,
    /// A stable, machine-readable name of the error (`spec_unreadable`); see docs/cli-json.md.
    pub code: &'static str,
}

#[allow(dead_code, reason = "constructors for the commands that land next")]
impl CommandError {
    /// A usage or input error (exit 2), code `usage` unless [`CommandError::with_code`] says
    /// otherwise.
    pub(crate) fn usage(report: impl Into<miette::Report>) -> Self {
        Self { report: report.into(), status: ExitStatus::Usage, code: "usage" }
    }

    /// A negative outcome of a command that ran (exit 1), code `failure` unless
    /// [`CommandError::with_code`] says otherwise.
    pub(crate) fn failure(report: impl Into<miette::Report>) -> Self {
        Self { report: report.into(), status: ExitStatus::Failure, code: "failure" }
    }

    /// The same error with a more specific stable code.
    pub(crate) fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    /// The error as the JSON object printed under `--format json`:
    /// `{"error": {"code", "exit_code", "message", "help"}}`.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        let help = self.report.help().map(|help| help.to_string());
        serde_json::json!({
            "error": {
                "code": self.code,
                "exit_code": exit_number(self.status),
                "message": self.report.to_string(),
                "help": help,
            }
        })
    }
}

fn exit_number(status: ExitStatus) -> u8 {
    match status {
        ExitStatus::Success => 0,
        ExitStatus::Failure => 1,
        ExitStatus::Usage => 2,
    }
}

/// Where a command's error goes: miette's rendering on stderr for people, or one JSON object
/// on stdout for a command run with `--format json` (the message goes to stderr as well).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorOutput {
    /// Rendered on stderr.
    Text,
    /// A JSON error object on stdout, and the rendering on stderr.
    Json,
}

/// Turns a command's result into the process exit code, printing the error chain on stderr
/// (and the JSON error object on stdout for [`ErrorOutput::Json`]). A broken pipe
/// (`connkit call --all | head`) is a success.
pub(crate) fn finish(result: Result<ExitStatus, CommandError>, output: ErrorOutput) -> ExitCode {
    match result {
        Ok(status) => status.into(),
        Err(err) => {
            if is_broken_pipe(&err.report) {
                return ExitCode::SUCCESS;
            }
            if output == ErrorOutput::Json {
                println!("{}", err.to_json());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_carry_code_exit_code_message_and_help() {
        let error = CommandError::usage(miette::miette!(help = "fix it", "bad spec"))
            .with_code("spec_unreadable");
        let json = error.to_json();
        assert_eq!(json["error"]["code"], "spec_unreadable");
        assert_eq!(json["error"]["exit_code"], 2);
        assert_eq!(json["error"]["message"], "bad spec");
        assert_eq!(json["error"]["help"], "fix it");
    }
}
