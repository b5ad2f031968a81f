//! Kinto 26.5.0 (PyPI) on 127.0.0.1 with memory backends and `basicauth`.
//!
//! ```no_run
//! let kinto = connkit_testkit::kinto::Kinto::start().unwrap();
//! let spec = kinto.spec_json().unwrap(); // Swagger 2.0 from /v1/__api__
//! assert_eq!(spec["swagger"], "2.0");
//! // `kinto` stops (by its process group) when dropped.
//! ```

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::install::{install_once, run_install_command};
use crate::paths::e2e_dir;
use crate::process::{ServerProcess, free_port};
use crate::{HarnessError, http_probe};

/// The Kinto release the suites run against.
pub const KINTO_VERSION: &str = "26.5.0";

/// How long Kinto may take to answer `/v1/` after it was started.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How to start Kinto.
#[derive(Debug, Clone, Default)]
pub struct KintoOptions {
    /// `kinto.http_host`: the `host:port` Kinto writes into absolute URLs such as `Next-Page`.
    /// `None` means Kinto's own address; set it to a proxy's address so next pages go
    /// through the proxy.
    pub http_host: Option<String>,
}

/// A running Kinto server; dropping it stops the process group.
#[derive(Debug)]
pub struct Kinto {
    process: ServerProcess,
    port: u16,
}

impl Kinto {
    /// Installs Kinto if needed and starts it with the default options.
    pub fn start() -> Result<Self, HarnessError> {
        Self::start_with(KintoOptions::default())
    }

    /// Installs Kinto if needed and starts it on a free port with `options`.
    pub fn start_with(options: KintoOptions) -> Result<Self, HarnessError> {
        let kinto = install()?;
        let port = free_port()?;
        let dir = e2e_dir().join("run");
        std::fs::create_dir_all(&dir)
            .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
        let ini = dir.join(format!("kinto-{port}.ini"));
        let http_host = options.http_host.unwrap_or_else(|| format!("127.0.0.1:{port}"));
        std::fs::write(&ini, config(port, &http_host))
            .map_err(|e| HarnessError::io(format!("writing {}", ini.display()), e))?;
        let mut command = Command::new(kinto);
        command.arg("start").arg("--ini").arg(&ini).current_dir(&dir);
        let log = dir.join(format!("kinto-{port}.log"));
        let mut process = ServerProcess::spawn("kinto", command, &log)?;
        process.wait_until(START_TIMEOUT, || {
            http_probe::get(port, "/v1/").is_ok_and(|response| response.status == 200)
        })?;
        Ok(Self { process, port })
    }

    /// The port Kinto listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kinto's PID (the leader of its process group).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// `http://127.0.0.1:PORT` (the API lives under `/v1`).
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT/v1/__api__`: Kinto's Swagger 2.0 spec.
    pub fn spec_url(&self) -> String {
        format!("{}/v1/__api__", self.origin())
    }

    /// Fetches and parses the spec served at `/v1/__api__`.
    pub fn spec_json(&self) -> Result<serde_json::Value, HarnessError> {
        let response = http_probe::get(self.port, "/v1/__api__")?;
        if response.status != 200 {
            return Err(HarnessError::Invalid(format!(
                "GET /v1/__api__ answered {}",
                response.status
            )));
        }
        serde_json::from_slice(&response.body)
            .map_err(|e| HarnessError::Invalid(format!("/v1/__api__ is not JSON: {e}")))
    }

    /// Kinto's log so far (for failure messages).
    pub fn log(&self) -> String {
        self.process.log()
    }

    /// Stops Kinto now (dropping does the same).
    pub fn stop(mut self) {
        self.process.stop();
    }
}

/// Installs Kinto into `target/e2e/kinto-venv` once and returns the `kinto` script.
pub fn install() -> Result<PathBuf, HarnessError> {
    let venv = e2e_dir().join("kinto-venv");
    let kinto = venv.join("bin").join("kinto");
    let marker = venv.join(".connkit-installed");
    install_once("kinto", &marker, KINTO_VERSION, || {
        if venv.exists() {
            std::fs::remove_dir_all(&venv)
                .map_err(|e| HarnessError::io(format!("removing {}", venv.display()), e))?;
        }
        let python = std::env::var("CONNKIT_E2E_PYTHON").unwrap_or_else(|_| "python3".into());
        run_install_command(
            "a Python venv",
            Command::new(&python).arg("-m").arg("venv").arg(&venv),
        )?;
        run_install_command(
            &format!("kinto=={KINTO_VERSION}"),
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("kinto=={KINTO_VERSION}")),
        )
    })?;
    if !kinto.exists() {
        return Err(HarnessError::Install {
            tool: "kinto".into(),
            detail: format!("{} is missing after the install", kinto.display()),
        });
    }
    Ok(kinto)
}

/// The ini file: memory backends, `basicauth` only, anyone authenticated may create buckets.
fn config(port: u16, http_host: &str) -> String {
    format!(
        "[app:main]
use = egg:kinto
kinto.storage_backend = kinto.core.storage.memory
kinto.storage_url =
kinto.cache_backend = kinto.core.cache.memory
kinto.cache_url =
kinto.permission_backend = kinto.core.permission.memory
kinto.permission_url =
multiauth.policies = basicauth
kinto.userid_hmac_secret = connkit-e2e-not-a-secret
kinto.bucket_create_principals = system.Authenticated
kinto.http_host = {http_host}
kinto.http_scheme = http

[server:main]
use = egg:waitress#main
host = 127.0.0.1
port = {port}
"
    )
}
