//! The `--spec` arguments of `connkit analyze` and `connkit new` as spec locations.

use std::path::{Path, PathBuf};

use crate::exit::CommandError;

/// Turns `--spec` arguments into spec locations, in order:
/// - `http://` and `https://` URLs as given;
/// - a relative path is read from the current directory, like any command-line tool, and
///   when nothing is there, from the `--dir` workspace (`--dir ws --spec openapi/a.yaml`);
/// - a directory becomes its `.json`/`.yaml`/`.yml` files, sorted by name.
///
/// # Errors
///
/// A usage error naming the path (and both places tried for a relative one) when it does not
/// exist, a directory that cannot be read or holds no spec file.
pub(super) fn expand(specs: &[String], dir: &Path) -> Result<Vec<String>, CommandError> {
    let mut out = Vec::new();
    for spec in specs {
        let lower = spec.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            out.push(spec.clone());
            continue;
        }
        let path = locate(spec, dir)?;
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).map_err(|err| {
                CommandError::usage(miette::miette!(
                    "cannot read directory `{}`: {err}",
                    path.display()
                ))
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| p.is_file() && is_spec_file(p))
                .collect();
            if files.is_empty() {
                return Err(CommandError::usage(miette::miette!(
                    help = "pass spec files, or a directory that holds .json, .yaml or .yml files",
                    "no .json/.yaml/.yml files in `{}`",
                    path.display()
                )));
            }
            files.sort();
            out.extend(files.into_iter().map(|p| p.display().to_string()));
        } else {
            out.push(path.display().to_string());
        }
    }
    Ok(out)
}

/// Where a spec path points: as given when absolute or present from the current directory,
/// else under `dir`.
fn locate(spec: &str, dir: &Path) -> Result<PathBuf, CommandError> {
    let given = PathBuf::from(spec);
    if given.exists() {
        return Ok(given);
    }
    let in_workspace = dir.join(spec);
    if !given.is_absolute() && in_workspace.exists() {
        return Ok(in_workspace);
    }
    let tried = if given.is_absolute() {
        format!("`{spec}`")
    } else {
        format!("`{spec}` (from the current directory) and `{}`", in_workspace.display())
    };
    Err(CommandError::usage(miette::miette!(
        help =
            "check the path: relative paths are read from the current directory, then from --dir",
        "cannot read spec {tried}: no such file or directory"
    ))
    .with_code("spec_not_found"))
}

fn is_spec_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "json" | "yaml" | "yml"))
}
