//! The four generators, installed at pinned versions under `target/compare/` (reused by later
//! runs), and how each turns a spec into a crate.
//!
//! | tool | from | into |
//! |---|---|---|
//! | connkit | this workspace, `cargo build --release -p connkit-cli` | `target/release/` |
//! | progenitor | crates.io `cargo-progenitor` | `target/compare/cargo/` (`cargo install --root`) |
//! | openapi-to-rust | crates.io `openapi-to-rust` | `target/compare/cargo/` |
//! | OpenAPI Generator | PyPI `openapi-generator-cli` (bundles the jar; needs a JRE) | `target/compare/venv/` |
//! | swagger2openapi | npm `swagger2openapi` (2.0 to 3.0 for progenitor, openapi-to-rust) | `target/compare/node/` |
//!
//! Java comes from Debian (`default-jre-headless`) when `java` is missing.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use connkit_testkit::install::run_install_command;
use connkit_testkit::paths::workspace_root;

use crate::BoxResult;
use crate::check::GeneratedCrate;
use crate::run;
use crate::specs::PreparedSpec;

/// `cargo-progenitor` on crates.io.
pub(crate) const PROGENITOR_VERSION: &str = "0.15.1";
/// `openapi-to-rust` on crates.io.
pub(crate) const OPENAPI_TO_RUST_VERSION: &str = "0.23.0";
/// `openapi-generator-cli` on PyPI (the OpenAPI Generator jar of the same version).
pub(crate) const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";
/// `swagger2openapi` on npm.
pub(crate) const SWAGGER2OPENAPI_VERSION: &str = "7.0.8";

/// A generator under comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Tool {
    /// `connkit new` (release build of this workspace).
    Connkit,
    /// Oxide's progenitor through `cargo progenitor`.
    Progenitor,
    /// `openapi-to-rust generate`.
    OpenapiToRust,
    /// OpenAPI Generator's `rust` client (reqwest library, its defaults).
    OpenapiGenerator,
}

impl Tool {
    /// Every tool, connkit first.
    pub(crate) const ALL: [Tool; 4] =
        [Tool::Connkit, Tool::Progenitor, Tool::OpenapiToRust, Tool::OpenapiGenerator];

    /// Folder-safe name.
    pub(crate) fn slug(self) -> &'static str {
        match self {
            Tool::Connkit => "connkit",
            Tool::Progenitor => "progenitor",
            Tool::OpenapiToRust => "openapi-to-rust",
            Tool::OpenapiGenerator => "openapi-generator",
        }
    }

    /// Whether the tool reads only OpenAPI 3 (so Swagger 2.0 specs are converted first).
    fn needs_openapi3(self) -> bool {
        matches!(self, Tool::Progenitor | Tool::OpenapiToRust)
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tool::Connkit => "connkit",
            Tool::Progenitor => "progenitor",
            Tool::OpenapiToRust => "openapi-to-rust",
            Tool::OpenapiGenerator => "OpenAPI Generator",
        })
    }
}

/// The installed tools and their versions.
#[derive(Debug)]
pub(crate) struct Toolbox {
    root: PathBuf,
    connkit: PathBuf,
    /// `(what, version)` lines for the report.
    pub versions: Vec<(String, String)>,
}

impl Toolbox {
    /// Installs (or reuses) every tool of `tools` and swagger2openapi under `root`.
    pub(crate) fn install(root: &Path, tools: &[Tool]) -> BoxResult<Self> {
        fs::create_dir_all(root)?;
        let connkit = build_connkit()?;
        let mut versions = vec![
            ("rustc".to_string(), first_line_of(Command::new("rustc").arg("-V"))),
            ("cargo".to_string(), first_line_of(Command::new("cargo").arg("-V"))),
            ("connkit".to_string(), connkit_version(&connkit)),
        ];
        let cargo_root = root.join("cargo");
        for (tool, package, version) in [
            (Tool::Progenitor, "cargo-progenitor", PROGENITOR_VERSION),
            (Tool::OpenapiToRust, "openapi-to-rust", OPENAPI_TO_RUST_VERSION),
        ] {
            if tools.contains(&tool) {
                eprintln!("== {package} {version} (cargo install --root {})", cargo_root.display());
                run_install_command(
                    package,
                    Command::new("cargo")
                        .args(["install", "--locked", "--root"])
                        .arg(&cargo_root)
                        // Not cargo's temporary dir: a shared /tmp may be cleaned under a long
                        // build, and an interrupted install resumes from here.
                        .arg("--target-dir")
                        .arg(root.join("install-build"))
                        .args([package, "--version", version]),
                )?;
                versions.push((format!("{package} (crates.io)"), version.to_string()));
            }
        }
        if tools.contains(&Tool::OpenapiGenerator) {
            install_openapi_generator(root)?;
            versions.push((
                "openapi-generator-cli (PyPI), generator `rust`".to_string(),
                OPENAPI_GENERATOR_VERSION.to_string(),
            ));
            versions.push(("java".to_string(), java_version()));
        }
        install_swagger2openapi(root)?;
        versions.push(("swagger2openapi (npm)".to_string(), SWAGGER2OPENAPI_VERSION.to_string()));
        versions.push(("node".to_string(), first_line_of(Command::new("node").arg("--version"))));
        Ok(Self { root: root.to_path_buf(), connkit, versions })
    }

    /// The `swagger2openapi` command.
    pub(crate) fn swagger2openapi(&self) -> PathBuf {
        self.root.join("node").join("node_modules").join(".bin").join("swagger2openapi")
    }

    /// The command that generates `spec` with `tool` into `out` (which must not exist yet),
    /// and where the crate will be; an error when the tool needs an OpenAPI 3 document and the
    /// conversion failed.
    pub(crate) fn generate(
        &self,
        tool: Tool,
        spec: &PreparedSpec,
        out: &Path,
    ) -> Result<(Command, GeneratedCrate), String> {
        let input = if tool.needs_openapi3() { spec.openapi3.as_ref()? } else { &spec.original };
        let name = spec.case.slug.replace('-', "_");
        let at =
            |dir: &Path| GeneratedCrate { dir: dir.to_path_buf(), lock_dir: dir.to_path_buf() };
        match tool {
            Tool::Connkit => {
                let mut command = run::command(&self.connkit);
                command
                    .arg("new")
                    .arg(spec.case.slug)
                    .arg("--spec")
                    .arg(input)
                    .arg("--dir")
                    .arg(out)
                    // The runtime of this workspace (it is not on crates.io).
                    .arg("--connkit-path")
                    .arg(workspace_root().join("crates").join("connkit"));
                let dir = out.join("connectors").join(spec.case.slug);
                Ok((command, GeneratedCrate { dir, lock_dir: out.to_path_buf() }))
            }
            Tool::Progenitor => {
                let mut command = run::command(self.root.join("cargo/bin/cargo-progenitor"));
                command.args(["progenitor", "--input"]).arg(input).arg("--output").arg(out).args([
                    "--name",
                    &name,
                    "--version",
                    "0.1.0",
                ]);
                Ok((command, at(out)))
            }
            Tool::OpenapiToRust => {
                let mut command = run::command(self.root.join("cargo/bin/openapi-to-rust"));
                command
                    .arg("generate")
                    .arg(input)
                    .arg("--output-dir")
                    .arg(out.join("src").join("generated"))
                    .args(["--module-name", "generated"]);
                Ok((command, at(out)))
            }
            Tool::OpenapiGenerator => {
                let mut command =
                    run::command(self.root.join("venv").join("bin").join("openapi-generator-cli"));
                command
                    .args(["generate", "-g", "rust", "-i"])
                    .arg(input)
                    .arg("-o")
                    .arg(out)
                    // A crate version like progenitor's `--version` (its default is the
                    // spec's info.version, which Cargo rejects when it reads `2023-11-30`).
                    .args(["--package-name", &name])
                    .args(["--additional-properties", "packageVersion=0.1.0"]);
                Ok((command, at(out)))
            }
        }
    }

    /// Turns a tool's output into a crate where the tool writes modules, not a crate:
    /// openapi-to-rust writes `src/generated/` and `REQUIRED_DEPS.toml`, which its README says
    /// to merge into the consuming `Cargo.toml`; this writes that `Cargo.toml` and a `lib.rs`
    /// of one line.
    pub(crate) fn finish_crate(
        &self,
        tool: Tool,
        spec: &PreparedSpec,
        krate: &GeneratedCrate,
    ) -> BoxResult<()> {
        if tool != Tool::OpenapiToRust {
            return Ok(());
        }
        let generated = krate.dir.join("src").join("generated");
        let deps_file = generated.join("REQUIRED_DEPS.toml");
        let deps = fs::read_to_string(&deps_file)
            .map_err(|e| format!("reading {}: {e}", deps_file.display()))?;
        let name = spec.case.slug.replace('-', "_");
        // Edition 2024, like openapi-to-rust itself: its generated code uses let chains (a
        // union's serializer does `if let Some(v) = object.get(key) && v != ...`), which
        // edition 2021 rejects.
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n{}\n",
            with_dependencies_header(&deps)
        );
        fs::write(krate.dir.join("Cargo.toml"), manifest)?;
        fs::write(krate.dir.join("src").join("lib.rs"), "pub mod generated;\n")?;
        Ok(())
    }
}

/// `REQUIRED_DEPS.toml` as a manifest fragment: it is used as is when it has a table header,
/// else under `[dependencies]`.
fn with_dependencies_header(deps: &str) -> String {
    let has_table = deps.lines().any(|l| l.trim_start().starts_with('['));
    if has_table { deps.to_string() } else { format!("[dependencies]\n{deps}") }
}

/// Builds `connkit` with the release profile and returns the binary.
fn build_connkit() -> BoxResult<PathBuf> {
    eprintln!("== connkit (cargo build --release -p connkit-cli)");
    let root = workspace_root();
    run_install_command(
        "connkit",
        Command::new("cargo")
            .args(["build", "--release", "-p", "connkit-cli", "--bin", "connkit"])
            .current_dir(&root),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    Ok(target.join("release").join("connkit"))
}

fn connkit_version(binary: &Path) -> String {
    let version = first_line_of(Command::new(binary).arg("--version"));
    // The last commit that changed what `connkit new` generates, so the report names the
    // connkit it measured even after this branch is rebased.
    let commit = first_line_of(
        Command::new("git")
            .args(["log", "-1", "--format=%h %cs", "--", "crates/connkit", "crates/connkit-spec"])
            .args(["crates/connkit-gen", "crates/connkit-cli"])
            .current_dir(workspace_root()),
    );
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--", "crates/connkit", "crates/connkit-spec"])
        .args(["crates/connkit-gen", "crates/connkit-cli"])
        .current_dir(workspace_root())
        .output()
        .is_ok_and(|out| !out.stdout.is_empty());
    let dirty = if dirty { ", with uncommitted changes" } else { "" };
    format!("{version}, last change to its crates: commit {commit}{dirty}")
}

/// openapi-generator-cli in a venv, and a JRE from Debian when `java` is missing.
fn install_openapi_generator(root: &Path) -> BoxResult<()> {
    let venv = root.join("venv");
    eprintln!(
        "== openapi-generator-cli {OPENAPI_GENERATOR_VERSION} (PyPI, venv {})",
        venv.display()
    );
    if !venv.join("bin").join("pip").is_file() {
        run_install_command("venv", Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    run_install_command(
        "openapi-generator-cli",
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check"])
            .arg(format!("openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}")),
    )?;
    if Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    eprintln!("== java missing: apt-get install default-jre-headless (Debian)");
    run_install_command("apt-get update", Command::new("apt-get").args(["update", "-qq"]))?;
    run_install_command(
        "default-jre-headless",
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "default-jre-headless"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    Ok(())
}

fn install_swagger2openapi(root: &Path) -> BoxResult<()> {
    let prefix = root.join("node");
    let package = prefix.join("node_modules").join("swagger2openapi").join("package.json");
    let installed = fs::read_to_string(&package)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json.get("version").and_then(|v| v.as_str()).map(str::to_string));
    if installed.as_deref() == Some(SWAGGER2OPENAPI_VERSION) {
        return Ok(());
    }
    eprintln!("== swagger2openapi {SWAGGER2OPENAPI_VERSION} (npm, prefix {})", prefix.display());
    run_install_command(
        "swagger2openapi",
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("swagger2openapi@{SWAGGER2OPENAPI_VERSION}")),
    )?;
    Ok(())
}

fn java_version() -> String {
    // `java -version` writes to stderr.
    Command::new("java")
        .arg("-version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stderr).ok())
        .and_then(|text| text.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The first line of a command's stdout, or `unknown`.
fn first_line_of(command: &mut Command) -> String {
    command
        .output()
        .ok()
        .filter(|out| out.status.success())
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".to_string())
}
