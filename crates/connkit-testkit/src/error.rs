//! The one error type of the harnesses.

/// Why a harness could not install, start or talk to its server.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// An I/O operation failed (spawning a process, writing a config file, a socket).
    #[error("{what}: {source}")]
    Io {
        /// What the harness was doing.
        what: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An install step (venv, pip, npm) failed; the message carries its output.
    #[error("installing {tool} failed: {detail}")]
    Install {
        /// The tool being installed.
        tool: String,
        /// The command's exit status and the tail of its output.
        detail: String,
    },
    /// A server did not become ready in time; the message carries the tail of its log.
    #[error("{server} did not become ready within {seconds} s: {detail}")]
    NotReady {
        /// The server being started.
        server: String,
        /// How long the harness waited.
        seconds: u64,
        /// The tail of the server's log.
        detail: String,
    },
    /// Input the harness was given (a spec, a case) is not what it expects.
    #[error("{0}")]
    Invalid(String),
}

impl HarnessError {
    /// Wraps an I/O error with what the harness was doing.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io { what: what.into(), source }
    }
}
