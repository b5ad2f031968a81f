//! Stoplight Prism (`@stoplight/prism-cli` from npm) as a validating proxy.
//!
//! `prism proxy --errors SPEC UPSTREAM` forwards every request and answers with an error
//! (a `application/problem+json` body) when the request or the upstream's response violates
//! the spec; it also logs each violation, which [`PrismProxy::violations`] reads back.
//!
//! Prism ignores Swagger 2.0's `basePath` when it routes, so [`PrismProxy::start`] hands it a
//! copy of the spec with the base path folded into every path (and the upstream without it):
//! clients keep the same URLs (`/v1/buckets`) through the proxy as without it.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::HarnessError;
use crate::install::{install_once, run_install_command};
use crate::kinto::{Kinto, KintoOptions};
use crate::paths::e2e_dir;
use crate::process::{ServerProcess, free_port};

/// The Prism release the suites use.
pub const PRISM_VERSION: &str = "5.16.0";

/// How long Prism may take to listen after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// A running `prism proxy --errors`; dropping it stops the process group.
#[derive(Debug)]
pub struct PrismProxy {
    process: ServerProcess,
    port: u16,
}

impl PrismProxy {
    /// Starts a Kinto whose `http_host` is a new proxy's address, then the proxy in front of
    /// it with Kinto's own spec: clients talk to the proxy, and the URLs Kinto writes
    /// (`Next-Page`) lead through it too.
    pub fn in_front_of_kinto() -> Result<(Kinto, PrismProxy), HarnessError> {
        let port = Self::reserve_port()?;
        let kinto =
            Kinto::start_with(KintoOptions { http_host: Some(format!("127.0.0.1:{port}")) })?;
        let spec = kinto.spec_json()?;
        let proxy = Self::start(&spec, &kinto.origin(), port)?;
        Ok((kinto, proxy))
    }

    /// Picks a free port for a proxy that will be started later (so the upstream can be
    /// configured with the proxy's address first, e.g. Kinto's `http_host`).
    pub fn reserve_port() -> Result<u16, HarnessError> {
        free_port()
    }

    /// Installs Prism if needed and starts `prism proxy --errors` on `port` in front of
    /// `upstream_origin` (scheme, host and port, no path) with `spec` (JSON).
    pub fn start(
        spec: &serde_json::Value,
        upstream_origin: &str,
        port: u16,
    ) -> Result<Self, HarnessError> {
        let prism = install()?;
        let dir = e2e_dir().join("run");
        std::fs::create_dir_all(&dir)
            .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
        let spec_path = dir.join(format!("prism-{port}.json"));
        let flat = fold_base_path(spec)?;
        let text = serde_json::to_string(&flat)
            .map_err(|e| HarnessError::Invalid(format!("serialising the spec: {e}")))?;
        std::fs::write(&spec_path, text)
            .map_err(|e| HarnessError::io(format!("writing {}", spec_path.display()), e))?;
        let mut command = Command::new(prism);
        command
            .args(["proxy", "--errors"])
            .arg(&spec_path)
            .arg(upstream_origin.trim_end_matches('/'))
            .args(["--port", &port.to_string(), "--host", "127.0.0.1"])
            .current_dir(&dir);
        let log = dir.join(format!("prism-{port}.log"));
        let mut process = ServerProcess::spawn("prism", command, &log)?;
        process.wait_until(START_TIMEOUT, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })?;
        Ok(Self { process, port })
    }

    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every line of Prism's log that reports a request or response violation, or a request
    /// Prism could not route (which would hide a violation).
    pub fn violations(&self) -> Vec<String> {
        self.process
            .log()
            .lines()
            .filter(|line| {
                let lower = line.to_ascii_lowercase();
                lower.contains("violation")
                    || lower.contains("no_path_matched")
                    || lower.contains("✖")
            })
            .map(str::to_string)
            .collect()
    }

    /// The whole log (for failure messages).
    pub fn log(&self) -> String {
        self.process.log()
    }
}

/// Installs Prism into `target/e2e/node` once and returns the `prism` script.
pub fn install() -> Result<PathBuf, HarnessError> {
    let dir = e2e_dir().join("node");
    let prism = dir.join("node_modules").join(".bin").join("prism");
    let marker = dir.join(".connkit-installed");
    install_once("prism", &marker, PRISM_VERSION, || {
        std::fs::create_dir_all(&dir)
            .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
        let package = dir.join("package.json");
        if !package.exists() {
            std::fs::write(&package, "{\"name\":\"connkit-e2e\",\"private\":true}\n")
                .map_err(|e| HarnessError::io(format!("writing {}", package.display()), e))?;
        }
        run_install_command(
            "@stoplight/prism-cli",
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--loglevel=error"])
                .arg(format!("@stoplight/prism-cli@{PRISM_VERSION}"))
                .current_dir(&dir),
        )
    })?;
    if !prism.exists() {
        return Err(HarnessError::Install {
            tool: "prism".into(),
            detail: format!("{} is missing after the install", prism.display()),
        });
    }
    Ok(prism)
}

/// A Swagger 2.0 spec with `basePath` prefixed to every path (Prism routes on the paths
/// alone); other specs are returned unchanged.
pub fn fold_base_path(spec: &serde_json::Value) -> Result<serde_json::Value, HarnessError> {
    let mut spec = spec.clone();
    let Some(object) = spec.as_object_mut() else {
        return Err(HarnessError::Invalid("the spec is not a JSON object".into()));
    };
    let base = match object.remove("basePath") {
        Some(serde_json::Value::String(base)) => base.trim_end_matches('/').to_string(),
        _ => return Ok(spec),
    };
    if let Some(serde_json::Value::Object(paths)) = object.get_mut("paths") {
        let old = std::mem::take(paths);
        for (path, item) in old {
            paths.insert(format!("{base}{path}"), item);
        }
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_is_folded_into_paths() {
        let spec =
            serde_json::json!({"swagger": "2.0", "basePath": "/v1/", "paths": {"/buckets": {}}});
        let flat = fold_base_path(&spec).unwrap();
        assert_eq!(flat, serde_json::json!({"swagger": "2.0", "paths": {"/v1/buckets": {}}}));
        let v3 = serde_json::json!({"openapi": "3.0.0", "paths": {"/a": {}}});
        assert_eq!(fold_base_path(&v3).unwrap(), v3);
    }
}
