//! Editing a generated connector's `Cargo.toml` the way a user would: adding the
//! dev-dependencies a test program needs without duplicating tables (a generated connector
//! already has a `[dev-dependencies]` table).

use std::path::Path;

use crate::HarnessError;

/// Sets `line` (`tokio = { ... }`) in `[dev-dependencies]` of the manifest at `path`: it
/// replaces the line of the same dependency when there is one, else it is added at the top
/// of the table (the table is created when missing).
///
/// # Errors
///
/// [`HarnessError`] when the manifest cannot be read or written, or `line` names no
/// dependency.
pub fn set_dev_dependency(path: &Path, line: &str) -> Result<(), HarnessError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| HarnessError::io(format!("reading {}", path.display()), e))?;
    let updated = with_dev_dependency(&text, line).ok_or_else(|| {
        HarnessError::Invalid(format!("`{line}` is not a `name = ...` dependency line"))
    })?;
    std::fs::write(path, updated)
        .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
}

fn with_dev_dependency(text: &str, line: &str) -> Option<String> {
    let name = line.split('=').next()?.trim();
    if name.is_empty() {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut in_table = false;
    let mut done = false;
    for current in text.lines() {
        let trimmed = current.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed == "[dev-dependencies]";
            out.push(current.to_string());
            if in_table && !done && !text_has_dependency(text, name) {
                out.push(line.to_string());
                done = true;
            }
            continue;
        }
        if in_table && trimmed.split('=').next().is_some_and(|n| n.trim() == name) {
            out.push(line.to_string());
            done = true;
            continue;
        }
        out.push(current.to_string());
    }
    if !done {
        out.push(String::new());
        out.push("[dev-dependencies]".to_string());
        out.push(line.to_string());
    }
    Some(out.join("\n") + "\n")
}

/// Whether `[dev-dependencies]` of `text` has a line for `name`.
fn text_has_dependency(text: &str, name: &str) -> bool {
    let mut in_table = false;
    text.lines().any(|current| {
        let trimmed = current.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed == "[dev-dependencies]";
            return false;
        }
        in_table && trimmed.split('=').next().is_some_and(|n| n.trim() == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_adds_or_creates() {
        let generated = "[dependencies]\nserde = \"1\"\n\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\"] }\n";
        let multi = "tokio = { version = \"1\", features = [\"rt-multi-thread\"] }";
        let replaced = with_dev_dependency(generated, multi).unwrap();
        assert_eq!(replaced.matches("tokio").count(), 1);
        assert!(replaced.contains("rt-multi-thread"));
        let added = with_dev_dependency(generated, "anyhow = \"1\"").unwrap();
        assert!(added.contains("[dev-dependencies]\nanyhow = \"1\"\ntokio"));
        let created = with_dev_dependency("[dependencies]\n", "anyhow = \"1\"").unwrap();
        assert!(created.ends_with("[dev-dependencies]\nanyhow = \"1\"\n"));
        assert_eq!(created.matches("[dev-dependencies]").count(), 1);
        assert!(with_dev_dependency(generated, "= 1").is_none());
    }
}
