//! Where response bodies go: JSON pretty on a terminal and compact when piped, nothing for an
//! empty body, text as is, binary bodies to `--output` or raw to a pipe, NDJSON items.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use serde_json::Value;

/// Why writing failed.
#[derive(Debug)]
pub(crate) enum OutputError {
    /// stdout was closed by the reader (`| head`): not an error for the user.
    BrokenPipe,
    /// Any other I/O error, with what was being written.
    Io(String, std::io::Error),
    /// A binary body and stdout is a terminal, without `--output`.
    BinaryToTerminal { bytes: usize, content_type: String },
}

impl From<std::io::Error> for OutputError {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Self::BrokenPipe
        } else {
            Self::Io("writing to stdout".to_string(), error)
        }
    }
}

/// The output of one call.
pub(super) struct Output {
    terminal: bool,
    file: Option<PathBuf>,
}

impl Output {
    /// stdout (pretty when it is a terminal), or `file` for the body when given.
    pub(super) fn new(file: Option<PathBuf>) -> Self {
        Self { terminal: std::io::stdout().is_terminal(), file }
    }

    /// Writes one response body.
    pub(super) fn body(&self, content_type: Option<&str>, body: &[u8]) -> Result<(), OutputError> {
        if let Some(file) = &self.file {
            return std::fs::write(file, body)
                .map_err(|e| OutputError::Io(format!("writing {}", file.display()), e));
        }
        if body.is_empty() {
            return Ok(());
        }
        let mut stdout = std::io::stdout().lock();
        if let Some(json) = as_json(content_type, body) {
            let text = if self.terminal {
                serde_json::to_string_pretty(&json)
            } else {
                serde_json::to_string(&json)
            }
            .unwrap_or_default();
            writeln!(stdout, "{text}")?;
        } else if is_text(content_type, body) {
            stdout.write_all(body)?;
        } else if self.terminal {
            return Err(OutputError::BinaryToTerminal {
                bytes: body.len(),
                content_type: content_type.unwrap_or("no content type").to_string(),
            });
        } else {
            stdout.write_all(body)?;
        }
        stdout.flush()?;
        Ok(())
    }

    /// Writes items as NDJSON (one compact JSON value a line) and flushes, so each page
    /// shows as soon as it arrived.
    pub(super) fn items(&self, items: &[Value]) -> Result<(), OutputError> {
        let mut text = String::new();
        for item in items {
            text.push_str(&serde_json::to_string(item).unwrap_or_default());
            text.push('\n');
        }
        match &self.file {
            Some(file) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
                .and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(|e| OutputError::Io(format!("writing {}", file.display()), e)),
            None => {
                let mut stdout = std::io::stdout().lock();
                stdout.write_all(text.as_bytes())?;
                stdout.flush()?;
                Ok(())
            }
        }
    }

    /// Starts an NDJSON output: truncates `--output` so items are appended to an empty file.
    pub(super) fn start_items(&self) -> Result<(), OutputError> {
        match &self.file {
            Some(file) => std::fs::write(file, b"")
                .map_err(|e| OutputError::Io(format!("writing {}", file.display()), e)),
            None => Ok(()),
        }
    }
}

/// The body as JSON when the content type says JSON (or says nothing and it parses).
pub(super) fn as_json(content_type: Option<&str>, body: &[u8]) -> Option<Value> {
    let declared = content_type.map(|ct| ct.to_ascii_lowercase());
    match declared.as_deref() {
        Some(ct) if ct.contains("json") => serde_json::from_slice(body).ok(),
        None => serde_json::from_slice(body).ok(),
        Some(_) => None,
    }
}

fn is_text(content_type: Option<&str>, body: &[u8]) -> bool {
    match content_type.map(|ct| ct.to_ascii_lowercase()) {
        Some(ct) => {
            ct.starts_with("text/")
                || ct.contains("xml")
                || ct.contains("json")
                || ct.contains("csv")
                || ct.contains("x-www-form-urlencoded")
        }
        None => std::str::from_utf8(body).is_ok(),
    }
}
