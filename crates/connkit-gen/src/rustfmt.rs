//! The generated crate formatted by `rustfmt`, exactly as `cargo fmt` leaves it: a user's
//! `cargo fmt` changes nothing, and `connkit sync` finds no formatting churn to merge.
//!
//! The connector carries its own `rustfmt.toml` ([`RUSTFMT_TOML`]), so the style does not
//! depend on the workspace it sits in. rustfmt runs once over the whole crate (its files
//! written to a temporary directory); without a working rustfmt, or for a crate too large to
//! format in reasonable time ([`MAX_RUSTFMT_LINES`]), the files stay as prettyplease printed
//! them, and [`FormatOutcome`] says why.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::GeneratedFile;

/// The connector's `rustfmt.toml`.
pub const RUSTFMT_TOML: &str = "# The style of this connector's code. connkit formats what it generates with it, so that\n\
# `cargo fmt` leaves generated files as they are and `connkit sync` has no churn to merge.\n\
edition = \"2024\"\n";

/// The largest crate rustfmt is run on, in lines of Rust. rustfmt formats about 16,000 lines
/// a second on one core (Microsoft Graph's 1.9 million lines took 115 s of CPU), so this keeps
/// it under about 25 s; larger crates (one spec of thousands of operations) keep prettyplease's
/// layout, which differs from rustfmt's only in line breaks.
pub const MAX_RUSTFMT_LINES: usize = 400_000;

/// How the Rust files of a generated connector were formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormatOutcome {
    /// By rustfmt: `cargo fmt` changes nothing.
    Rustfmt,
    /// By prettyplease only, because rustfmt could not run (the reason); `cargo fmt` will
    /// reformat some lines.
    Prettyplease(String),
}

/// Formats the `.rs` files of `files` (paths relative to the crate root, `src/lib.rs` the
/// root module) with rustfmt and [`RUSTFMT_TOML`]. `RUSTFMT` names the binary, else
/// `rustfmt` on the `PATH`.
pub(crate) fn format_crate(files: &mut [GeneratedFile]) -> FormatOutcome {
    match run(files) {
        Ok(()) => FormatOutcome::Rustfmt,
        Err(why) => FormatOutcome::Prettyplease(why),
    }
}

fn run(files: &mut [GeneratedFile]) -> Result<(), String> {
    let dir = tempfile::Builder::new()
        .prefix("connkit-fmt")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let root = dir.path();
    let config = root.join("rustfmt.toml");
    std::fs::write(&config, RUSTFMT_TOML).map_err(|e| format!("cannot write: {e}"))?;
    let rust: Vec<usize> = (0..files.len()).filter(|i| is_rust(&files[*i].path)).collect();
    let lines: usize = rust.iter().map(|i| files[*i].contents.lines().count()).sum();
    if lines > MAX_RUSTFMT_LINES {
        return Err(format!(
            "{lines} lines of Rust, more than the {MAX_RUSTFMT_LINES} rustfmt is run on"
        ));
    }
    for index in &rust {
        let file = &files[*index];
        write(&root.join(&file.path), &file.contents)?;
    }
    let entry = ["src/lib.rs", "src/main.rs"]
        .map(PathBuf::from)
        .into_iter()
        .find(|p| rust.iter().any(|i| files[*i].path == *p));
    let Some(entry) = entry else { return Ok(()) };
    let binary = std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into());
    let output = Command::new(&binary)
        .arg("--edition")
        .arg("2024")
        .arg("--config-path")
        .arg(&config)
        .arg(root.join(entry))
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", binary.to_string_lossy()))?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt failed: {}",
            String::from_utf8_lossy(&output.stderr).lines().next().unwrap_or("")
        ));
    }
    for index in rust {
        let file = &mut files[index];
        let formatted = std::fs::read_to_string(root.join(&file.path))
            .map_err(|e| format!("cannot read back {}: {e}", file.path.display()))?;
        file.contents = formatted;
    }
    Ok(())
}

fn is_rust(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "rs")
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot write: {e}"))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("cannot write: {e}"))
}
