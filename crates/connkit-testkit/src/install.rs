//! Install-once helpers: an exclusive lock shared by concurrent tests and a marker file that
//! says an install finished.

use std::fs::{self, File, OpenOptions};
use std::path::Path;
use std::process::Command;

use crate::HarnessError;
use crate::paths::e2e_dir;

/// Runs `install` while holding an exclusive lock on `target/e2e/{name}.lock`, unless
/// `marker` already holds `version` (a previous install finished). Concurrent callers, in
/// this process or others, wait for the one that installs. The marker is written only after
/// `install` succeeded, so an interrupted install is redone.
pub fn install_once(
    name: &str,
    marker: &Path,
    version: &str,
    install: impl FnOnce() -> Result<(), HarnessError>,
) -> Result<(), HarnessError> {
    let dir = e2e_dir();
    fs::create_dir_all(&dir)
        .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
    let lock_path = dir.join(format!("{name}.lock"));
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| HarnessError::io(format!("opening {}", lock_path.display()), e))?;
    lock.lock().map_err(|e| HarnessError::io(format!("locking {}", lock_path.display()), e))?;
    let result = if marker_matches(marker, version) {
        Ok(())
    } else {
        install().and_then(|()| {
            fs::write(marker, version)
                .map_err(|e| HarnessError::io(format!("writing {}", marker.display()), e))
        })
    };
    drop(unlock(lock));
    result
}

fn unlock(lock: File) -> std::io::Result<()> {
    lock.unlock()
}

fn marker_matches(marker: &Path, version: &str) -> bool {
    fs::read_to_string(marker).is_ok_and(|text| text.trim() == version)
}

/// Runs an install command to completion; a failure (or a missing program) is an
/// [`HarnessError::Install`] carrying the exit status and the tail of the output.
pub fn run_install_command(tool: &str, command: &mut Command) -> Result<(), HarnessError> {
    let output = command.output().map_err(|e| HarnessError::Install {
        tool: tool.to_string(),
        detail: format!("could not run {command:?}: {e}"),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Err(HarnessError::Install {
        tool: tool.to_string(),
        detail: format!("{command:?} exited with {}:\n{}", output.status, tail(&text, 40)),
    })
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
